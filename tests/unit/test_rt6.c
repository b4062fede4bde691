/*
 * Unit tests: the IPv6 family.  The 64-byte entry's order, OID codec and
 * GETNEXT search, the interned prefixes, the store, and the parse of
 * hand-built RTM_NEWROUTE messages: every attribute and kind of route.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "lib/intern.h"
#include "route/mirror.h"
#include "route/nhobj.h"
#include "route/route6.h"
#include "route/rt.h"

#include "fixture.h"

static void
A6(uint8_t out[16], const char *text)
{
	assert_int_equal(inet_pton(AF_INET6, text, out), 1);
}

/* dst/plen via nh (NULL: none) on ifindex, in table, at metric, from no source prefix; no flags. */
static struct route6
R6(const char *dst, uint8_t plen, const char *nh, int32_t ifindex, uint32_t table,
    uint32_t metric) {
	struct route6 r = fx_route6(dst, plen, nh, ifindex, metric, 0);

	r.flags = 0;
	r.table = table;
	return r;
}

static struct route6
from(struct route6 r, const char *src, uint8_t plen)
{
	uint8_t a[16];

	A6(a, src);
	r.src = route6_src_id(a, plen);
	assert_int_not_equal(r.src, 0);
	return r;
}

/* ---- interning ----------------------------------------------------------------- */

static void
test_intern(void **state)
{
	struct intern t = INTERN_INIT(4, 3);
	uint32_t k[4] = { 30, 10, 20, 40 }, out;

	/* Ids in the order keys come, whatever their order; the same key, the same id. */
	assert_int_equal(intern_id(&t, &k[0]), 1);
	assert_int_equal(intern_id(&t, &k[1]), 2);
	assert_int_equal(intern_id(&t, &k[0]), 1);
	assert_int_equal(intern_id(&t, &k[2]), 3);
	/* Full: a new key has no id, the known ones still do. */
	assert_int_equal(intern_id(&t, &k[3]), 0);
	assert_int_equal(intern_id(&t, &k[1]), 2);
	assert_int_equal(intern_key(&t, 3, &out), 0);
	assert_int_equal(out, 20);
	assert_int_equal(intern_key(&t, 4, &out), -1);
	assert_int_equal(out, 0);
	assert_int_equal(intern_key(&t, 0, &out), -1);
	assert_int_equal(intern_cmp(&t, 1, 1), 0);
	assert_true(intern_cmp(&t, 0, 2) < 0); /* none is all zeros */
	free(t.keys);
	free(t.order);
}

static void
test_route6_interning(void **state)
{
	uint8_t a[16], b[16], out[16], plen;
	uint16_t id;

	A6(a, "2001:db8:99::");
	A6(b, "2001:db8:98::");
	/* ::/0 is no source prefix: id 0, and back. */
	assert_int_equal(route6_src_id(a, 0), 0);
	route6_src(0, out, &plen);
	assert_int_equal(plen, 0);
	id = route6_src_id(a, 64);
	assert_int_not_equal(id, 0);
	assert_int_equal(route6_src_id(a, 64), id);
	assert_int_not_equal(route6_src_id(a, 48), id); /* the length is part of it */
	assert_int_not_equal(route6_src_id(b, 64), id);
	route6_src(id, out, &plen);
	assert_memory_equal(out, a, 16);
	assert_int_equal(plen, 64);
	/* Preferred sources. */
	assert_int_equal(route6_prefsrc_id(a), route6_prefsrc_id(a));
	assert_int_not_equal(route6_prefsrc_id(a), route6_prefsrc_id(b));
	route6_prefsrc(route6_prefsrc_id(b), out);
	assert_memory_equal(out, b, 16);
	route6_prefsrc(0, out);
	assert_memory_equal(out, (uint8_t[16]){ 0 }, 16);
}

/* ---- order and codec ------------------------------------------------------------- */

static void
test_order(void **state)
{
	/* Each pair differs in one index component; the first sorts first. */
	struct route6 pairs[][2] = {
		{ R6("2001:db8::", 32, NULL, 1, 254, 0), R6("2001:db9::", 32, NULL, 1, 254, 0) },
		/* Bytes, not a signed compare: 8000:: after 2001::. */
		{ R6("2001::", 16, NULL, 1, 254, 0), R6("8000::", 16, NULL, 1, 254, 0) },
		{ R6("2001:db8::", 32, NULL, 9, 254, 9), R6("2001:db8::", 33, NULL, 1, 254, 0) },
		{ R6("2001:db8::", 32, "fe80::1", 9, 254, 0),
		    R6("2001:db8::", 32, "fe80::2", 1, 1, 0) },
		{ R6("2001:db8::", 32, "fe80::1", 2, 255, 9),
		    R6("2001:db8::", 32, "fe80::1", 3, 1, 0) },
		{ R6("2001:db8::", 32, NULL, 1, 100, 9), R6("2001:db8::", 32, NULL, 1, 254, 0) },
		{ R6("2001:db8::", 32, NULL, 1, 254, 1), R6("2001:db8::", 32, NULL, 1, 254, 2) },
		{ R6("2001:db8::", 32, NULL, 1, 254, 1),
		    from(R6("2001:db8::", 32, NULL, 1, 254, 1), "2001:db8:99::", 64) },
		/* The source prefix by address, then length, whatever the order of its id. */
		{ from(R6("::", 0, NULL, 1, 254, 1), "2001:db8:f0::", 64),
		    from(R6("::", 0, NULL, 1, 254, 1), "2001:db8:f1::", 48) },
		{ from(R6("::", 0, NULL, 1, 254, 1), "2001:db8:f1::", 48),
		    from(R6("::", 0, NULL, 1, 254, 1), "2001:db8:f1::", 49) },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		assert_true(route6_cmp(&pairs[i][0], &pairs[i][1]) < 0);
		assert_true(route6_cmp(&pairs[i][1], &pairs[i][0]) > 0);
		assert_int_equal(route6_cmp(&pairs[i][0], &pairs[i][0]), 0);
	}
}

static void
test_index_oid(void **state)
{
	struct route6 r =
	    from(R6("2001:db8:1::", 48, "fe80::1", 3, 254, 4294967295u), "2001:db8:99::", 64);
	unsigned long o[ROUTE6_INDEX_LEN];
	const unsigned long want[ROUTE6_INDEX_LEN] = {
		0x20,
		0x01,
		0x0d,
		0xb8,
		0,
		1,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,  /* dst */
		48, /* plen */
		0xfe,
		0x80,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		1, /* next hop */
		3,
		254,
		4294967295ul, /* ifindex, table, metric */
		0x20,
		0x01,
		0x0d,
		0xb8,
		0,
		0x99,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0, /* source */
		64,
	};

	route6_index_oid(&r, o);
	assert_memory_equal(o, want, sizeof(want));
	/* No source prefix: 16 zeros and 0. */
	r.src = 0;
	route6_index_oid(&r, o);
	for (int k = 36; k < ROUTE6_INDEX_LEN; k++)
		assert_int_equal(o[k], 0);
}

static struct route6
random_route(void)
{
	static const char *const nhs[] = { NULL, "fe80::1", "fe80::2", "2001:db8::1" };
	static const char *const srcs[] = { "2001:db8:aa::", "2001:db8:ab::", "::" };
	struct route6 r = R6("2001:db8::", 0, nhs[rand() % 4], rand() % 3, 250 + rand() % 6,
	    (uint32_t)rand() % 3);
	int s = rand() % 3;

	r.plen = (uint8_t)(rand() % 129);
	for (int k = 0; k < r.plen / 8 && k < 16; k++)
		r.dst[k] = (uint8_t)(rand() % 3);
	if (s < 2)
		r = from(r, srcs[s], (uint8_t)(40 + rand() % 3 * 8));
	return r;
}

/* The key order must be the OID order, or GETNEXT would skip or repeat rows. */
static void
test_order_is_oid_order(void **state)
{
	struct route6 v[600];
	size_t n;

	srand(11);
	for (int i = 0; i < 600; i++)
		v[i] = random_route();
	n = route6_sort_unique(v, 600);
	assert_true(n > 300);
	for (size_t i = 1; i < n; i++) {
		unsigned long a[ROUTE6_INDEX_LEN], b[ROUTE6_INDEX_LEN];
		int c = 0;

		route6_index_oid(&v[i - 1], a);
		route6_index_oid(&v[i], b);
		for (int k = 0; k < ROUTE6_INDEX_LEN && c == 0; k++)
			c = a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0;
		assert_int_equal(c, -1);
	}
}

/* ---- the store ---------------------------------------------------------------------- */

static void
check_sorted(const struct route6_table *t, size_t want)
{
	struct route_pos pos;
	struct route6 *r, prev;
	size_t n = 0;

	for (r = route6_first(t, &pos); r != NULL; r = route6_next(t, &pos)) {
		if (n > 0)
			assert_true(route6_cmp(&prev, r) < 0);
		prev = *r;
		n++;
	}
	assert_int_equal(n, want);
	assert_int_equal(t->count, want);
}

static struct route6
nth(int i)
{
	struct route6 r = R6("2001:db8::", 48, "fe80::1", 2, 254, 0);

	r.dst[4] = (uint8_t)(i >> 8);
	r.dst[5] = (uint8_t)i;
	return r;
}

static void
test_store(void **state)
{
	struct route6_table t;
	struct route6 r, old, v[3];
	struct route_pos pos;
	const int N = 3000;

	route6_table_init(&t);
	for (int i = N - 1; i >= 0; i--) {
		r = nth(i);
		if (i % 7 == 0)
			r.flags |= ROUTE_F_LIVE;
		assert_int_equal(route6_upsert(&t, &r, NULL), 1);
	}
	check_sorted(&t, N);
	/* The same index again replaces, and gives the old entry. */
	r = nth(5);
	r.proto = RTPROT_BGP;
	assert_int_equal(route6_upsert(&t, &r, &old), 0);
	assert_int_equal(old.proto, 0);
	assert_int_equal(route6_find(&t, &r)->proto, RTPROT_BGP);
	/* The live ones, skipping chunks without. */
	pos = (struct route_pos){ 0, 0 };
	assert_non_null(route6_first(&t, &pos));
	assert_int_equal(route6_next_live(&t, &pos)->dst[5], 7);
	/* Seek: the first at or after, or strictly after. */
	r = nth(10);
	assert_int_equal(route6_seek(&t, &r, 0, &pos)->dst[5], 10);
	assert_int_equal(route6_seek(&t, &r, 1, &pos)->dst[5], 11);
	for (int i = 0; i < N; i += 2) {
		r = nth(i);
		assert_int_equal(route6_remove(&t, &r, NULL), 1);
		assert_int_equal(route6_remove(&t, &r, NULL), 0);
	}
	check_sorted(&t, N / 2);
	/* A load replaces everything, sorted and without duplicates. */
	v[0] = nth(9);
	v[1] = nth(3);
	v[2] = nth(9);
	assert_int_equal(route6_table_load(&t, v, 3), 0);
	check_sorted(&t, 2);
	route6_table_clear(&t);
	check_sorted(&t, 0);
}

static void
test_seek_oid(void **state)
{
	struct route6_table t;
	struct route6 v[4] = {
		R6("2001:db8::", 32, "fe80::1", 2, 254, 0),
		R6("2001:db8::", 32, "fe80::1", 2, 254, 100),
		from(R6("2001:db8::", 32, "fe80::1", 2, 254, 100), "2001:db8:99::", 64),
		R6("2001:db9::", 32, NULL, 1, 254, 0),
	};
	struct route_pos pos;
	struct route6 *r;
	unsigned long o[ROUTE6_INDEX_LEN + 2];

	route6_table_init(&t);
	assert_int_equal(route6_table_load(&t, v, 4), 0);
	/* No index at all: the first row, inclusive or not. */
	assert_int_equal(route6_seek_oid(&t, o, 0, 1, &pos)->metric, 0);
	/* A partial index (just 0x20, 0x01): every row under it is greater. */
	o[0] = 0x20;
	o[1] = 0x01;
	r = route6_seek_oid(&t, o, 2, 1, &pos);
	assert_int_equal(r->metric, 0);
	assert_int_equal(r->dst[3], 0xb8);
	/* A full index: strict gives the next row, not strict the row itself. */
	route6_index_oid(&v[1], o);
	r = route6_seek_oid(&t, o, ROUTE6_INDEX_LEN, 1, &pos);
	assert_int_not_equal(r->src, 0);
	assert_int_equal(route6_seek_oid(&t, o, ROUTE6_INDEX_LEN, 0, &pos)->src, 0);
	/* Up to the metric: the source-less row is after the prefix, so not strict finds it. */
	assert_int_equal(route6_seek_oid(&t, o, 36, 0, &pos)->metric, 100);
	assert_int_equal(route6_seek_oid(&t, o, 36, 0, &pos)->src, 0);
	/* Longer than an index: after that row. */
	o[ROUTE6_INDEX_LEN] = 0;
	assert_int_not_equal(route6_seek_oid(&t, o, ROUTE6_INDEX_LEN + 1, 0, &pos)->src, 0);
	/* A sub-identifier out of an octet's range (300) in the next hop: after those rows. */
	route6_index_oid(&v[0], o);
	o[17] = 300;
	r = route6_seek_oid(&t, o, 18, 1, &pos);
	assert_int_equal(r->dst[3], 0xb9);
	/* A prefix length out of range. */
	o[16] = 129;
	assert_int_equal(route6_seek_oid(&t, o, 17, 0, &pos)->dst[3], 0xb9);
	/* A huge sub-identifier at the front: nothing follows. */
	o[0] = 4294967295ul;
	assert_null(route6_seek_oid(&t, o, 1, 1, &pos));
	route6_table_clear(&t);
	assert_null(route6_seek_oid(&t, o, 0, 0, &pos));
}

/* Same index, every visible column; the expiry within a second of rounding. */
static void
test_same(void **state)
{
	struct route6 a = R6("2001:db8::", 32, "fe80::1", 2, 254, 0), b = a;

	a.expires = 100;
	b.expires = 101;
	assert_true(route6_same(&a, &b));
	b.expires = 102;
	assert_false(route6_same(&a, &b));
	b.expires = 0;
	assert_false(route6_same(&a, &b));
	b = a;
	b.flags |= ROUTE_F_LIVE | ROUTE_F_SHARED;
	assert_true(route6_same(&a, &b));
	b.pref = 1;
	assert_false(route6_same(&a, &b));
	b = a;
	b.metric = 5;
	assert_false(route6_same_fib(&a, &b));
	b = a;
	b.ifindex = 9; /* another hop of the same kernel route key */
	assert_true(route6_same_fib(&a, &b));
}

/* ---- the parse ------------------------------------------------------------------------- */

static const struct mirror_config main_only = { .tables = { 254 }, .ntables = 1 };
static const struct mirror_config all_tables = { .all_tables = 1 };

static struct nl_msg *
msg6(int type, uint8_t rtype, uint32_t table, const char *dst, uint8_t plen)
{
	return fx_route_msg(type, 0, dst, plen, table, rtype, RTPROT_STATIC);
}

static struct rtmsg *
rtm_of(struct nl_msg *msg)
{
	return nlmsg_data(nlmsg_hdr(msg));
}

static int
parse(const struct mirror_config *cfg, const struct nh_vec *nhs, struct nl_msg *msg,
    struct route6 *out, int max, struct nh_ref *ref)
{
	struct rt_parse ctx = { cfg, nhs, 1000 };
	struct nh_ref r;

	return rt6_ops.parse(&ctx, nlmsg_hdr(msg), out, max, ref != NULL ? ref : &r);
}

static void
test_parse_single(void **state)
{
	struct nl_msg *msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:1::", 48);
	struct route6 out[2], want = R6("2001:db8:1::", 48, "fe80::1", 7, 254, 20);
	uint8_t ps[16];

	fx_put_ip(msg, RTA_GATEWAY, "fe80::1");
	nla_put_u32(msg, RTA_OIF, 7);
	nla_put_u32(msg, RTA_PRIORITY, 20);
	nla_put_u8(msg, RTA_PREF, 1); /* ICMPV6_ROUTER_PREF_HIGH */
	fx_put_ip(msg, RTA_PREFSRC, "2001:db8::1");
	rtm_of(msg)->rtm_flags = RTNH_F_ONLINK;
	assert_int_equal(parse(&main_only, NULL, msg, out, 2, NULL), 1);
	assert_int_equal(route6_cmp(&out[0], &want), 0);
	assert_int_equal(out[0].flags, ROUTE_F_GATEWAY | ROUTE_F_ONLINK);
	assert_int_equal(out[0].proto, RTPROT_STATIC);
	assert_int_equal(out[0].type, RTN_UNICAST);
	assert_int_equal(out[0].pref, 1);
	assert_int_equal(out[0].weight, 1);
	assert_int_equal(out[0].expires, 0);
	assert_int_equal(out[0].src, 0);
	route6_prefsrc(out[0].prefsrc, ps);
	A6(want.nexthop, "2001:db8::1");
	assert_memory_equal(ps, want.nexthop, 16);
	nlmsg_free(msg);
	/* Host bits past the prefix are cleared; a direct route has no next hop. */
	msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:1:2:3::", 48);
	nla_put_u32(msg, RTA_OIF, 3);
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), 1);
	want = R6("2001:db8:1::", 48, NULL, 3, 254, 0);
	assert_int_equal(route6_cmp(&out[0], &want), 0);
	assert_int_equal(out[0].flags, 0);
	nlmsg_free(msg);
}

static void
test_parse_source_prefix(void **state)
{
	struct nl_msg *msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "::", 0);
	struct route6 out[1];
	uint8_t a[16], want[16], plen;

	rtm_of(msg)->rtm_src_len = 56;
	fx_put_ip(msg, RTA_SRC, "2001:db8:99:1ff:2::");
	fx_put_ip(msg, RTA_GATEWAY, "fe80::1");
	nla_put_u32(msg, RTA_OIF, 2);
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), 1);
	route6_src(out[0].src, a, &plen);
	A6(want, "2001:db8:99:100::"); /* masked to its 56 bits */
	assert_memory_equal(a, want, 16);
	assert_int_equal(plen, 56);
	rtm_of(msg)->rtm_src_len = 129;
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), -1);
	nlmsg_free(msg);
}

static struct nl_msg *
multipath(int type, const char *dst, int n, const char *const *gws, const int *oifs,
    const uint8_t *hops, const uint8_t *flags)
{
	struct nl_msg *msg = msg6(type, RTN_UNICAST, 254, dst, 48);
	struct nlattr *mp = nla_nest_start(msg, RTA_MULTIPATH);

	for (int i = 0; i < n; i++) {
		struct rtnexthop *nh = nlmsg_reserve(msg, sizeof(*nh), NLMSG_ALIGNTO);
		size_t start = (char *)nh - (char *)nlmsg_hdr(msg);

		memset(nh, 0, sizeof(*nh));
		nh->rtnh_ifindex = oifs[i];
		nh->rtnh_hops = hops != NULL ? hops[i] : 0;
		nh->rtnh_flags = flags != NULL ? flags[i] : 0;
		fx_put_ip(msg, RTA_GATEWAY, gws[i]);
		nh = (struct rtnexthop *)((char *)nlmsg_hdr(msg) + start);
		nh->rtnh_len = (unsigned short)(nlmsg_hdr(msg)->nlmsg_len - start);
	}
	nla_nest_end(msg, mp);
	nla_put_u32(msg, RTA_PRIORITY, 1024);
	return msg;
}

static void
test_parse_multipath(void **state)
{
	const char *const gws[3] = { "fe80::1", "fe80::1", "2001:db8::2" };
	const int oifs[3] = { 4, 5, 5 };
	const uint8_t hops[3] = { 0, 2, 0 };
	const uint8_t flags[3] = { 0, RTNH_F_DEAD | RTNH_F_LINKDOWN, RTNH_F_ONLINK };
	struct nl_msg *msg = multipath(RTM_NEWROUTE, "2001:db8:11::", 3, gws, oifs, hops, flags);
	struct route6 out[4], want = R6("2001:db8:11::", 48, "fe80::1", 5, 254, 1024);

	assert_int_equal(parse(&main_only, NULL, msg, out, 4, NULL), 3);
	for (int i = 0; i < 3; i++) {
		assert_true(out[i].flags & ROUTE_F_MULTI);
		assert_true(out[i].flags & ROUTE_F_GATEWAY);
		assert_int_equal(out[i].ifindex, oifs[i]);
	}
	/* The same link-local gateway on two links: two rows, told apart by the interface. */
	assert_int_equal(route6_cmp(&out[1], &want), 0);
	assert_true(route6_cmp(&out[0], &out[1]) < 0);
	assert_int_equal(out[1].weight, 3);
	assert_int_equal(out[1].flags & (ROUTE_F_DEAD | ROUTE_F_LINKDOWN),
	    ROUTE_F_DEAD | ROUTE_F_LINKDOWN);
	assert_true(out[2].flags & ROUTE_F_ONLINK);
	assert_int_equal(out[0].weight, 1);
	/* More hops than room: refused, not truncated. */
	assert_int_equal(parse(&main_only, NULL, msg, out, 2, NULL), -1);
	nlmsg_free(msg);
}

static void
test_parse_kinds(void **state)
{
	static const struct {
		uint8_t type;
		uint32_t table;
	} kinds[] = {
		{ RTN_BLACKHOLE, 254 },
		{ RTN_UNREACHABLE, 254 },
		{ RTN_PROHIBIT, 254 },
		{ RTN_LOCAL, 255 },
		{ RTN_ANYCAST, 255 },
		{ RTN_MULTICAST, 255 },
	};
	struct route6 out[1];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct nl_msg *msg =
		    msg6(RTM_NEWROUTE, kinds[i].type, kinds[i].table, "2001:db8:14::", 48);

		nla_put_u32(msg, RTA_OIF, 1); /* the kernel names lo for reject routes */
		assert_int_equal(parse(kinds[i].table == 254 ? &main_only : &all_tables, NULL, msg,
				     out, 1, NULL),
		    1);
		assert_int_equal(out[0].type, kinds[i].type);
		assert_int_equal(out[0].table, kinds[i].table);
		assert_int_equal(out[0].ifindex, 1);
		assert_false(out[0].flags & ROUTE_F_GATEWAY);
		/* The local table is not mirrored unless asked for. */
		if (kinds[i].table == 255)
			assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), 0);
		nlmsg_free(msg);
	}
}

static void
test_parse_ignored_and_malformed(void **state)
{
	struct nl_msg *msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:1::", 64);
	struct route6 out[1];
	uint32_t v4 = htonl(0x0a000000);

	/* A cached exception route (PMTU, redirect): not a FIB route. */
	rtm_of(msg)->rtm_flags = RTM_F_CLONED;
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), 0);
	rtm_of(msg)->rtm_flags = 0;
	/* A table not mirrored. */
	assert_int_equal(parse(&(struct mirror_config){ .tables = { 100 }, .ntables = 1 }, NULL,
			     msg, out, 1, NULL),
	    0);
	/* Another family. */
	rtm_of(msg)->rtm_family = AF_INET;
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), 0);
	rtm_of(msg)->rtm_family = AF_INET6;
	/* A prefix length past 128. */
	rtm_of(msg)->rtm_dst_len = 129;
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), -1);
	rtm_of(msg)->rtm_dst_len = 64;
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), 1);
	assert_int_equal(parse(&main_only, NULL, msg, out, 0, NULL), -1);
	/* An address of 4 bytes. */
	nla_put(msg, RTA_GATEWAY, 4, &v4);
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), -1);
	nlmsg_free(msg);
	msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:1::", 64);
	nla_put(msg, RTA_PRIORITY, 2, &v4); /* a u32 of 2 bytes */
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), -1);
	nlmsg_free(msg);
	/* Too short for its header. */
	msg = nlmsg_alloc_simple(RTM_NEWROUTE, 0);
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), -1);
	nlmsg_free(msg);
}

/*
 * An expiring route (`expires 300`, an RA route) carries what is left of its
 * lifetime in RTA_CACHEINFO, in clock ticks; the entry keeps the second it
 * ends on the mirror's clock (the parse's now is 1000 here).
 */
static void
test_parse_expiry(void **state)
{
	struct nl_msg *msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:12::", 48);
	struct rta_cacheinfo ci;
	long hz = sysconf(_SC_CLK_TCK);
	struct route6 out[1];

	memset(&ci, 0, sizeof(ci));
	ci.rta_expires = (int32_t)(300 * hz - hz / 2); /* 299.5 s: ends in its 300th second */
	nla_put(msg, RTA_CACHEINFO, sizeof(ci), &ci);
	rtm_of(msg)->rtm_protocol = RTPROT_RA;
	nla_put_u8(msg, RTA_PREF, 3); /* ICMPV6_ROUTER_PREF_LOW */
	fx_put_ip(msg, RTA_GATEWAY, "fe80::1");
	nla_put_u32(msg, RTA_OIF, 2);
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), 1);
	assert_int_equal(out[0].expires, 1300);
	assert_int_equal(out[0].pref, 3);
	assert_int_equal(out[0].proto, RTPROT_RA);
	nlmsg_free(msg);
	/* No lifetime: never. */
	msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:12::", 48);
	memset(&ci, 0, sizeof(ci));
	nla_put(msg, RTA_CACHEINFO, sizeof(ci), &ci);
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), 1);
	assert_int_equal(out[0].expires, 0);
	nlmsg_free(msg);
	/* Already past (not yet collected): now. */
	msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:12::", 48);
	ci.rta_expires = -700;
	nla_put(msg, RTA_CACHEINFO, sizeof(ci), &ci);
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), 1);
	assert_int_equal(out[0].expires, 1000);
	nlmsg_free(msg);
	/* RTA_EXPIRES (seconds), what a request carries, is read too. */
	msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:12::", 48);
	nla_put_u32(msg, RTA_EXPIRES, 60);
	assert_int_equal(parse(&main_only, NULL, msg, out, 1, NULL), 1);
	assert_int_equal(out[0].expires, 1060);
	nlmsg_free(msg);
}

/* ---- nexthop objects ----------------------------------------------------------------- */

static struct nl_msg *
nh6_msg(uint32_t id, const char *gw, uint32_t oif)
{
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWNEXTHOP, 0);
	struct nhmsg nhm = { .nh_family = AF_INET6 };

	assert_int_equal(nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO), 0);
	nla_put_u32(msg, NHA_ID, id);
	if (gw != NULL)
		fx_put_ip(msg, NHA_GATEWAY, gw);
	nla_put_u32(msg, NHA_OIF, oif);
	return msg;
}

static void
nh_add(struct nh_vec *nv, struct nl_msg *msg)
{
	struct nhobj o;

	assert_int_equal(nh_parse(nlmsg_hdr(msg), &o), 0);
	assert_true(nh_set(nv, &o) >= 0);
	nlmsg_free(msg);
}

static void
test_parse_nexthop_objects(void **state)
{
	struct nh_vec nv = { 0 };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWNEXTHOP, 0);
	struct nhmsg nhm = { .nh_family = AF_UNSPEC };
	struct nexthop_grp g[2] = { { .id = 1, .weight = 0 }, { .id = 2, .weight = 4 } };
	struct route6 out[4];
	struct nh_ref ref;
	uint8_t gw[16];

	/* Objects keep an IPv6 gateway. */
	nh_add(&nv, nh6_msg(1, "fe80::61", 3));
	nh_add(&nv, nh6_msg(2, "2001:db8:1::62", 4));
	A6(gw, "fe80::61");
	assert_memory_equal(nh_find(&nv, 1)->gw6, gw, 16);
	assert_true(nh_find(&nv, 1)->flags & NHO_GW6);
	assert_int_equal(nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO), 0);
	nla_put_u32(msg, NHA_ID, 10);
	nla_put(msg, NHA_GROUP, sizeof(g), g);
	nh_add(&nv, msg);

	/* nexthop_compat_mode=0: the route names the object alone. */
	msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:60::", 48);
	nla_put_u32(msg, RTA_NH_ID, 1);
	assert_int_equal(parse(&main_only, &nv, msg, out, 4, &ref), 1);
	assert_int_equal(ref.id, 1);
	assert_false(ref.unknown);
	assert_memory_equal(out[0].nexthop, gw, 16);
	assert_int_equal(out[0].ifindex, 3);
	assert_true(out[0].flags & ROUTE_F_GATEWAY);
	assert_false(out[0].flags & ROUTE_F_MULTI);
	assert_int_equal(out[0].nhobj, 1);
	assert_false(rt6_ops.sibling(&out[0]));
	/* Without the objects: one row without a next hop. */
	assert_int_equal(parse(&main_only, NULL, msg, out, 4, &ref), 1);
	assert_int_equal(out[0].ifindex, 0);
	nlmsg_free(msg);
	/* A group: a row per member, with its weight. */
	msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:61::", 48);
	nla_put_u32(msg, RTA_NH_ID, 10);
	assert_int_equal(parse(&main_only, &nv, msg, out, 4, &ref), 2);
	assert_true(out[0].flags & out[1].flags & ROUTE_F_MULTI);
	assert_int_equal(out[0].weight, 1);
	assert_int_equal(out[1].weight, 5);
	assert_int_equal(out[1].ifindex, 4);
	nlmsg_free(msg);
	/* An object not known: a row without a next hop, and the mirror is told. */
	msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:62::", 48);
	nla_put_u32(msg, RTA_NH_ID, 77);
	assert_int_equal(parse(&main_only, &nv, msg, out, 4, &ref), 1);
	assert_true(ref.unknown);
	assert_false(out[0].flags & ROUTE_F_GATEWAY);
	nlmsg_free(msg);
	/* With compat mode on, the next hop in the message wins. */
	msg = msg6(RTM_NEWROUTE, RTN_UNICAST, 254, "2001:db8:60::", 48);
	nla_put_u32(msg, RTA_NH_ID, 1);
	fx_put_ip(msg, RTA_GATEWAY, "fe80::99");
	nla_put_u32(msg, RTA_OIF, 9);
	assert_int_equal(parse(&main_only, &nv, msg, out, 4, &ref), 1);
	assert_int_equal(out[0].ifindex, 9);
	nlmsg_free(msg);
	nh_vec_free(&nv);
}

/* A route through a blackhole object has the loopback interface whatever the compat mode. */
static void
test_parse_blackhole_object(void **state)
{
	struct nh_vec nv = { 0 };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWNEXTHOP, 0);
	struct nhmsg nhm = { .nh_family = AF_INET6 };
	struct route6 out[1];

	assert_int_equal(nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO), 0);
	nla_put_u32(msg, NHA_ID, 7);
	nla_put_flag(msg, NHA_BLACKHOLE);
	nh_add(&nv, msg);
	/* compat mode 0: the object alone */
	msg = msg6(RTM_NEWROUTE, RTN_BLACKHOLE, 254, "2001:db8:51::2", 128);
	nla_put_u32(msg, RTA_NH_ID, 7);
	assert_int_equal(parse(&main_only, &nv, msg, out, 1, NULL), 1);
	assert_int_equal(out[0].ifindex, 1);
	/* compat mode 1: the kernel adds dev lo */
	nla_put_u32(msg, RTA_OIF, 1);
	assert_int_equal(parse(&main_only, &nv, msg, out, 1, NULL), 1);
	assert_int_equal(out[0].ifindex, 1);
	nlmsg_free(msg);
	nh_vec_free(&nv);
}

/* Which rows can be siblings (rt6_qualify_for_ecmp()), and a lone hop's weight. */
static void
test_siblings(void **state)
{
	struct route6 r = R6("2001:db8::", 32, "fe80::1", 2, 254, 0);

	r.flags = ROUTE_F_GATEWAY;
	assert_true(rt6_ops.sibling(&r));
	r.proto = RTPROT_RA;
	assert_false(rt6_ops.sibling(&r));
	r.proto = RTPROT_STATIC;
	r.flags = 0;
	assert_false(rt6_ops.sibling(&r));
	r.flags = ROUTE_F_GATEWAY;
	rt6_ops.set_multi(&r, 1);
	assert_true(r.flags & ROUTE_F_MULTI);
	r.weight = 4;
	rt6_ops.set_multi(&r, 0);
	assert_false(r.flags & ROUTE_F_MULTI);
	assert_int_equal(r.weight, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_route6_interning),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_index_oid),
		cmocka_unit_test(test_order_is_oid_order),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_seek_oid),
		cmocka_unit_test(test_same),
		cmocka_unit_test(test_parse_single),
		cmocka_unit_test(test_parse_source_prefix),
		cmocka_unit_test(test_parse_multipath),
		cmocka_unit_test(test_parse_kinds),
		cmocka_unit_test(test_parse_ignored_and_malformed),
		cmocka_unit_test(test_parse_expiry),
		cmocka_unit_test(test_parse_nexthop_objects),
		cmocka_unit_test(test_parse_blackhole_object),
		cmocka_unit_test(test_siblings),
	};

	return cmocka_run_group_tests_name("rt6", tests, NULL, NULL);
}
