/* Unit tests: the ordered route store, its OID codec and the netlink parser. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "route/nhobj.h"
#include "route/nlreq.h"
#include "route/rt4.h"
#include "route/route.h"
#include "route/routefmt.h"

#include "fixture.h"
#include "logcap.h"

/* An index (dst, plen, nh, ifindex, table, tos, metric) of a unicast row, without flags or protocol. */
static struct route
R(uint32_t dst, uint8_t plen, uint32_t nh, int32_t ifindex, uint32_t table, uint8_t tos,
    uint32_t metric) {
	struct route r = fx_route(dst, plen, nh, ifindex, metric, 0);

	r.flags = 0;
	r.table = table;
	r.tos = tos;
	return r;
}

/* ---- ordering ------------------------------------------------------------ */

static void
test_key_order(void **state)
{
	/* Each pair differs in one index component; the first sorts first. */
	struct route pairs[][2] = {
		{ R(IP(10, 0, 0, 0), 8, 0, 1, 254, 0, 0), R(IP(10, 0, 0, 1), 8, 0, 1, 254, 0, 0) },
		{ R(IP(10, 0, 0, 0), 8, 0, 1, 254, 0, 0), R(IP(10, 0, 0, 0), 9, 0, 1, 254, 0, 0) },
		{ R(IP(10, 0, 0, 0), 8, 1, 9, 254, 0, 0), R(IP(10, 0, 0, 0), 8, 2, 1, 254, 0, 0) },
		{ R(IP(10, 0, 0, 0), 8, 0, 1, 255, 0, 0), R(IP(10, 0, 0, 0), 8, 0, 2, 254, 0, 0) },
		{ R(IP(10, 0, 0, 0), 8, 0, 1, 100, 9, 9), R(IP(10, 0, 0, 0), 8, 0, 1, 254, 0, 0) },
		{ R(IP(10, 0, 0, 0), 8, 0, 1, 254, 0, 9), R(IP(10, 0, 0, 0), 8, 0, 1, 254, 1, 0) },
		{ R(IP(10, 0, 0, 0), 8, 0, 1, 254, 0, 1), R(IP(10, 0, 0, 0), 8, 0, 1, 254, 0, 2) },
		/* Host byte order: 128.0.0.0 after 9.0.0.0 (a signed or network-order compare fails). */
		{ R(IP(9, 0, 0, 0), 8, 0, 1, 254, 0, 0), R(IP(128, 0, 0, 0), 8, 0, 1, 254, 0, 0) },
		{ R(IP(0, 0, 0, 0), 0, 0, 1, 254, 0, 0),
		    R(IP(0, 0, 0, 0), 0, 0, 1, 254, 0, 0xffffffffu) },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		assert_true(route_cmp(&pairs[i][0], &pairs[i][1]) < 0);
		assert_true(route_cmp(&pairs[i][1], &pairs[i][0]) > 0);
		assert_int_equal(route_cmp(&pairs[i][0], &pairs[i][0]), 0);
	}
}

static void
test_mask(void **state)
{
	assert_int_equal(route_mask(0), 0);
	assert_int_equal(route_mask(8), 0xff000000u);
	assert_int_equal(route_mask(31), 0xfffffffeu);
	assert_int_equal(route_mask(32), 0xffffffffu);
}

/* ---- OID codec ---------------------------------------------------------- */

static void
test_index_oid(void **state)
{
	struct route r = R(IP(192, 0, 2, 0), 24, IP(198, 51, 100, 7), 3, 254, 16, 4294967295u);
	unsigned long o[ROUTE_INDEX_LEN];
	const unsigned long want[ROUTE_INDEX_LEN] = { 192, 0, 2, 0, 255, 255, 255, 0, 198, 51, 100,
		7, 3, 254, 16, 4294967295ul };

	route_index_oid(&r, o);
	assert_memory_equal(o, want, sizeof(want));
}

/* The key order must be the OID order, or GETNEXT would skip or repeat rows. */
static void
test_index_order_is_oid_order(void **state)
{
	struct route v[400];
	size_t n = 0;

	srand(7);
	for (int i = 0; i < 400; i++) {
		uint8_t plen = (uint8_t)(rand() % 33);

		v[n++] = R((uint32_t)rand() & route_mask(plen), plen, (uint32_t)rand() % 4,
		    rand() % 3, 250 + rand() % 6, (uint8_t)(rand() % 2 * 8), (uint32_t)rand() % 3);
	}
	n = route_sort_unique(v, n);
	for (size_t i = 1; i < n; i++) {
		unsigned long a[ROUTE_INDEX_LEN], b[ROUTE_INDEX_LEN];
		int c = 0;

		route_index_oid(&v[i - 1], a);
		route_index_oid(&v[i], b);
		for (int k = 0; k < ROUTE_INDEX_LEN && c == 0; k++)
			c = a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0;
		assert_int_equal(c, -1);
	}
}

/* ---- the store ----------------------------------------------------------- */

static void
check_sorted(const struct route_table *t, size_t want)
{
	struct route_pos pos;
	struct route *r, prev;
	size_t n = 0;

	for (r = route_first(t, &pos); r != NULL; r = route_next(t, &pos)) {
		if (n > 0)
			assert_true(route_cmp(&prev, r) < 0);
		prev = *r;
		n++;
	}
	assert_int_equal(n, want);
	assert_int_equal(t->count, want);
}

static void
test_upsert_remove(void **state)
{
	struct route_table t;
	struct route r, old;
	const int N = 5000;

	route_table_init(&t);
	/* Descending inserts force splits at the front of chunks. */
	for (int i = N - 1; i >= 0; i--) {
		r = R(IP(10, 0, 0, 0) + (uint32_t)i * 256, 24, 0, 1, 254, 0, 0);
		assert_int_equal(route_upsert(&t, &r, NULL), 1);
	}
	check_sorted(&t, N);
	/* Same index again: a replacement, and the old entry is returned. */
	r = R(IP(10, 0, 5, 0), 24, 0, 1, 254, 0, 0);
	r.proto = RTPROT_BGP;
	assert_int_equal(route_upsert(&t, &r, &old), 0);
	assert_int_equal(old.proto, 0);
	assert_int_equal(route_find(&t, &r)->proto, RTPROT_BGP);
	check_sorted(&t, N);
	/* Remove every other entry, then the rest: chunks merge and empty out. */
	for (int i = 0; i < N; i += 2) {
		r = R(IP(10, 0, 0, 0) + (uint32_t)i * 256, 24, 0, 1, 254, 0, 0);
		assert_int_equal(route_remove(&t, &r, NULL), 1);
		assert_int_equal(route_remove(&t, &r, NULL), 0);
	}
	check_sorted(&t, N / 2);
	assert_true(t.s.nchunks <= (N / 2) / (ROUTE_CHUNK / 4) + 2);
	for (int i = 1; i < N; i += 2) {
		r = R(IP(10, 0, 0, 0) + (uint32_t)i * 256, 24, 0, 1, 254, 0, 0);
		assert_int_equal(route_remove(&t, &r, NULL), 1);
	}
	check_sorted(&t, 0);
	assert_int_equal(t.s.nchunks, 0);
	route_table_clear(&t);
}

/* Each chunk's nmarked is its number of live entries; route_next_live visits exactly those. */
static void
check_live(const struct route_table *t)
{
	struct route_pos pos = { 0, 0 }, lpos;
	struct route *r, *l;
	size_t total = 0;

	for (size_t c = 0; c < t->s.nchunks; c++) {
		unsigned k = 0;

		for (unsigned i = 0; i < t->s.chunks[c]->n; i++) {
			const struct route_pos at = { c, i };

			k += (route_at(t, &at)->flags & ROUTE_F_LIVE) != 0;
		}
		assert_int_equal(t->s.chunks[c]->nmarked, k);
		total += k;
	}
	r = route_first(t, &pos);
	lpos = pos;
	l = r == NULL || (r->flags & ROUTE_F_LIVE) ? r : route_next_live(t, &lpos);
	for (; r != NULL; r = route_next(t, &pos)) {
		if (!(r->flags & ROUTE_F_LIVE))
			continue;
		assert_ptr_equal(l, r);
		total--;
		l = route_next_live(t, &lpos);
	}
	assert_null(l);
	assert_int_equal(total, 0);
}

/* nlive through inserts, replacements, splits, removals, merges and a load. */
static void
test_live_counts(void **state)
{
	struct route_table t;
	struct route r, *v;
	const int N = 3000;

	route_table_init(&t);
	check_live(&t);
	for (int i = N - 1; i >= 0; i--) {
		r = R(IP(10, 0, 0, 0) + (uint32_t)i * 256, 24, 0, 1, 254, 0, 0);
		r.flags = i % 7 == 0 || (i > 1000 && i < 1100) ? ROUTE_F_LIVE : 0;
		assert_int_equal(route_upsert(&t, &r, NULL), 1);
	}
	check_live(&t);
	/* Replacements that change the flag, both ways. */
	for (int i = 0; i < N; i += 5) {
		r = R(IP(10, 0, 0, 0) + (uint32_t)i * 256, 24, 0, 1, 254, 0, 0);
		r.flags = i % 7 == 0 ? 0 : ROUTE_F_LIVE;
		assert_int_equal(route_upsert(&t, &r, NULL), 0);
	}
	check_live(&t);
	for (int i = 0; i < N; i += 2) {
		r = R(IP(10, 0, 0, 0) + (uint32_t)i * 256, 24, 0, 1, 254, 0, 0);
		assert_int_equal(route_remove(&t, &r, NULL), 1);
	}
	check_live(&t);
	/* A load: only the last entry live, found past every other chunk. */
	v = calloc((size_t)N, sizeof(*v));
	assert_non_null(v);
	for (int i = 0; i < N; i++)
		v[i] = R(IP(10, 0, 0, 0) + (uint32_t)i * 256, 24, 0, 1, 254, 0, 0);
	v[N - 1].flags = ROUTE_F_LIVE;
	assert_int_equal(route_table_load(&t, v, (size_t)N), 0);
	check_live(&t);
	free(v);
	route_table_clear(&t);
}

static void
test_load_and_seek(void **state)
{
	struct route_table t;
	struct route v[1000], key;
	struct route_pos pos;
	struct route *r;

	for (int i = 0; i < 1000; i++) /* even /24s, shuffled order, one duplicate */
		v[i] =
		    R(IP(10, 0, 0, 0) + (uint32_t)((i * 7919) % 1000) * 512, 24, 0, 1, 254, 0, 0);
	v[999] = v[0];
	route_table_init(&t);
	assert_int_equal(route_table_load(&t, v, 1000), 0);
	check_sorted(&t, 999);
	/* A key between two rows: >= and > both land on the next row. */
	key = R(IP(10, 0, 1, 0), 24, 0, 1, 254, 0, 0);
	r = route_seek(&t, &key, 0, &pos);
	assert_non_null(r);
	assert_int_equal(r->dst, IP(10, 0, 2, 0));
	/* An existing key: >= finds it, > the one after. */
	key = R(IP(10, 0, 2, 0), 24, 0, 1, 254, 0, 0);
	assert_int_equal(route_seek(&t, &key, 0, &pos)->dst, IP(10, 0, 2, 0));
	assert_int_equal(route_seek(&t, &key, 1, &pos)->dst, IP(10, 0, 4, 0));
	/* Past the end. */
	key = R(IP(11, 0, 0, 0), 8, 0, 0, 0, 0, 0);
	assert_null(route_seek(&t, &key, 0, &pos));
	route_table_clear(&t);
}

static void
test_seek_oid(void **state)
{
	struct route_table t;
	struct route v[3] = {
		R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 254, 0, 0),
		R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 254, 0, 100),
		R(IP(10, 1, 0, 0), 16, 0, 0, 254, 0, 0),
	};
	struct route_pos pos;
	struct route *r;
	unsigned long o[ROUTE_INDEX_LEN + 2];

	route_table_init(&t);
	assert_int_equal(route_table_load(&t, v, 3), 0);
	/* Empty prefix: the first row, inclusive or not. */
	assert_int_equal(route_seek_oid(&t, o, 0, 1, &pos)->metric, 0);
	/* A partial index (just "10"): every row under 10.x.x.x is greater. */
	o[0] = 10;
	r = route_seek_oid(&t, o, 1, 1, &pos);
	assert_int_equal(r->dst, IP(10, 0, 0, 0));
	assert_int_equal(r->metric, 0);
	/* A full row index: strict gives the next row (same route, metric 100). */
	route_index_oid(&v[0], o);
	assert_int_equal(route_seek_oid(&t, o, ROUTE_INDEX_LEN, 1, &pos)->metric, 100);
	assert_int_equal(route_seek_oid(&t, o, ROUTE_INDEX_LEN, 0, &pos)->metric, 0);
	/* Longer than an index: after that row. */
	o[ROUTE_INDEX_LEN] = 0;
	assert_int_equal(route_seek_oid(&t, o, ROUTE_INDEX_LEN + 1, 0, &pos)->metric, 100);
	/* An octet out of range (300) in the mask: after every 10.0.0.0/x row. */
	route_index_oid(&v[0], o);
	o[4] = 300;
	assert_int_equal(route_seek_oid(&t, o, 5, 1, &pos)->dst, IP(10, 1, 0, 0));
	/* Huge sub-identifier at the front: nothing follows. */
	o[0] = 4294967295ul;
	assert_null(route_seek_oid(&t, o, 1, 1, &pos));
	route_table_clear(&t);
	/* An empty table. */
	assert_null(route_seek_oid(&t, o, 0, 0, &pos));
}

/* ---- the netlink parser ---------------------------------------------- */

static struct nl_msg *
route_msg(int type, uint8_t rtype, uint32_t table, const char *dst, uint8_t plen)
{
	return fx_route_msg(type, 0, dst, plen, table, rtype, RTPROT_STATIC);
}

static void
put_ip(struct nl_msg *msg, int attr, const char *ip)
{
	struct in_addr a;

	inet_pton(AF_INET, ip, &a);
	nla_put(msg, attr, 4, &a);
}

static const struct mirror_config main_only = { .tables = { 254 }, .ntables = 1 };

static void
test_parse_single(void **state)
{
	struct nl_msg *msg = route_msg(RTM_NEWROUTE, RTN_UNICAST, 254, "10.1.2.0", 24);
	struct route out[4];

	put_ip(msg, RTA_GATEWAY, "192.0.2.1");
	nla_put_u32(msg, RTA_OIF, 7);
	nla_put_u32(msg, RTA_PRIORITY, 20);
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 4), 1);
	assert_int_equal(out[0].dst, IP(10, 1, 2, 0));
	assert_int_equal(out[0].plen, 24);
	assert_int_equal(out[0].nexthop, IP(192, 0, 2, 1));
	assert_true(out[0].flags & ROUTE_F_GATEWAY);
	assert_int_equal(out[0].ifindex, 7);
	assert_int_equal(out[0].metric, 20);
	assert_int_equal(out[0].table, 254);
	assert_int_equal(out[0].proto, RTPROT_STATIC);
	nlmsg_free(msg);
}

static void
test_parse_direct_uses_prefsrc(void **state)
{
	struct nl_msg *msg = route_msg(RTM_NEWROUTE, RTN_UNICAST, 254, "192.0.2.0", 24);
	struct route out[1];

	put_ip(msg, RTA_PREFSRC, "192.0.2.9");
	nla_put_u32(msg, RTA_OIF, 3);
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 1), 1);
	assert_int_equal(out[0].nexthop, IP(192, 0, 2, 9));
	assert_false(out[0].flags & ROUTE_F_GATEWAY);
	nlmsg_free(msg);
}

/* RTA_VIA with an IPv6 gateway. */
static void
put_via6(struct nl_msg *msg, const char *ip)
{
	struct in6_addr a;

	inet_pton(AF_INET6, ip, &a);
	nlreq_put_via6(msg, a.s6_addr);
}

/*
 * dst/plen through n hops (RTA_MULTIPATH): hop i through gws[i] (RTA_VIA
 * for an IPv6 address) on oifs[i], with nhflags[i] and weight i + 1.
 */
static struct nl_msg *
mp_msg(const char *dst, uint8_t plen, int n, const char *const *gws, const int *oifs,
    const unsigned *nhflags)
{
	struct nl_msg *msg = route_msg(RTM_NEWROUTE, RTN_UNICAST, 254, dst, plen);
	struct nlattr *mp = nla_nest_start(msg, RTA_MULTIPATH);

	for (int i = 0; i < n; i++) {
		struct rtnexthop *nh = nlmsg_reserve(msg, sizeof(*nh), NLMSG_ALIGNTO);
		size_t start = (char *)nh - (char *)nlmsg_hdr(msg);

		memset(nh, 0, sizeof(*nh));
		nh->rtnh_ifindex = oifs[i];
		nh->rtnh_hops = (unsigned char)i;
		nh->rtnh_flags = (unsigned char)nhflags[i];
		if (strchr(gws[i], ':') != NULL)
			put_via6(msg, gws[i]);
		else
			put_ip(msg, RTA_GATEWAY, gws[i]);
		nh = (struct rtnexthop *)((char *)nlmsg_hdr(msg) + start);
		nh->rtnh_len = (unsigned short)(nlmsg_hdr(msg)->nlmsg_len - start);
	}
	nla_nest_end(msg, mp);
	return msg;
}

static void
test_parse_multipath(void **state)
{
	const char *gws[2] = { "192.0.2.1", "198.51.100.1" };
	const int oifs[2] = { 4, 5 };
	const unsigned nhflags[2] = { 0, RTNH_F_LINKDOWN };
	struct nl_msg *msg = mp_msg("10.9.0.0", 16, 2, gws, oifs, nhflags);
	struct route out[4];

	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 4), 2);
	assert_int_equal(out[0].nexthop, IP(192, 0, 2, 1));
	assert_int_equal(out[0].ifindex, 4);
	assert_int_equal(out[1].nexthop, IP(198, 51, 100, 1));
	assert_int_equal(out[1].ifindex, 5);
	assert_int_equal(out[1].weight, 2);
	assert_true(out[1].flags & ROUTE_F_LINKDOWN);
	assert_true(out[0].flags & ROUTE_F_MULTI);
	/* More hops than room: refused, not truncated. */
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 1), -1);
	nlmsg_free(msg);
}

static void
assert_via6(const struct route *r, const char *ip)
{
	struct in6_addr want;
	uint8_t got[16];

	inet_pton(AF_INET6, ip, &want);
	assert_true(route_via6(r));
	assert_int_equal(r->nexthop, 0);
	assert_true(r->flags & ROUTE_F_GATEWAY);
	assert_int_equal(route_via6_gw(r, got), 0);
	assert_memory_equal(got, want.s6_addr, 16);
}

/*
 * RFC 5549: `ip route add 192.0.2.0/24 via inet6 fe80::1 dev X` comes as
 * RTA_VIA: next hop 0.0.0.0 with ROUTE_F_GATEWAY, the gateway interned with
 * the preferred source; an IPv4 gateway's own source is unchanged by it.
 */
static void
test_parse_via6(void **state)
{
	struct nl_msg *msg = route_msg(RTM_NEWROUTE, RTN_UNICAST, 254, "192.0.2.0", 24);
	struct route out[2], plain[1];
	char buf[ROUTEFMT_MAX];

	put_via6(msg, "fe80::1");
	put_ip(msg, RTA_PREFSRC, "10.9.0.1");
	nla_put_u32(msg, RTA_OIF, 7);
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 2), 1);
	assert_via6(&out[0], "fe80::1");
	assert_int_equal(out[0].ifindex, 7);
	assert_int_equal(route_src_addr(&out[0]), IP(10, 9, 0, 1));
	assert_int_equal(routefmt_wmi_type(&out[0]), 4); /* indirect */
	routefmt_caption(&out[0], NULL, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.0/24 via inet6 fe80::1 dev if7");
	routefmt_description(&out[0], NULL, buf, sizeof(buf));
	assert_non_null(
	    strstr(buf, "via inet6 fe80::1 dev if7 table main proto static src 10.9.0.1"));
	nlmsg_free(msg);
	/* Another gateway, same index: another id, so the diff sees the change. */
	msg = route_msg(RTM_NEWROUTE, RTN_UNICAST, 254, "192.0.2.0", 24);
	put_via6(msg, "2001:db8::1");
	put_ip(msg, RTA_PREFSRC, "10.9.0.1");
	nla_put_u32(msg, RTA_OIF, 7);
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), &out[1], 1), 1);
	assert_via6(&out[1], "2001:db8::1");
	assert_int_equal(route_cmp(&out[0], &out[1]), 0);
	assert_false(route_same(&out[0], &out[1]));
	nlmsg_free(msg);
	/* An IPv4 gateway with the same source: its own id, not a via6 one. */
	msg = route_msg(RTM_NEWROUTE, RTN_UNICAST, 254, "192.0.2.0", 24);
	put_ip(msg, RTA_GATEWAY, "10.9.0.254");
	put_ip(msg, RTA_PREFSRC, "10.9.0.1");
	nla_put_u32(msg, RTA_OIF, 7);
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), plain, 1), 1);
	assert_false(route_via6(&plain[0]));
	assert_int_equal(route_prefsrc(plain[0].src), IP(10, 9, 0, 1));
	assert_int_equal(route_src_addr(&plain[0]), IP(10, 9, 0, 1));
	nlmsg_free(msg);
	/* RTA_VIA of family AF_INET (the kernel answers RTA_GATEWAY) is an IPv4 gateway. */
	msg = route_msg(RTM_NEWROUTE, RTN_UNICAST, 254, "192.0.2.0", 24);
	{
		uint8_t v4[2 + 4] = { 0, 0, 10, 9, 0, 254 };
		__kernel_sa_family_t fam = AF_INET;

		memcpy(v4, &fam, sizeof(fam));
		nla_put(msg, RTA_VIA, (int)sizeof(v4), v4);
	}
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 1), 1);
	assert_false(route_via6(&out[0]));
	assert_int_equal(out[0].nexthop, IP(10, 9, 0, 254));
	nlmsg_free(msg);
	/* RTA_VIA of another length or family: a gateway, not known (never an invented one). */
	msg = route_msg(RTM_NEWROUTE, RTN_UNICAST, 254, "192.0.2.0", 24);
	{
		uint8_t bad[4] = { AF_INET6, 0, 1, 2 };

		nla_put(msg, RTA_VIA, (int)sizeof(bad), bad);
	}
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 1), 1);
	assert_true(route_via6(&out[0]));
	assert_int_equal(out[0].src, 0);
	assert_int_equal(route_via6_gw(&out[0], (uint8_t[16]){ 0 }), -1);
	nlmsg_free(msg);
}

/*
 * RTA_VIA in the hops of RTA_MULTIPATH; two hops through different IPv6
 * gateways on one interface share an index, and only the first (the
 * kernel's order) is a row.
 */
static void
test_parse_multipath_via6(void **state)
{
	const char *gws[3] = { "fe80::1", "192.0.2.1", "fe80::2" };
	const int oifs[3] = { 4, 5, 4 };
	const unsigned nhflags[3] = { 0, 0, 0 };
	struct nl_msg *msg = mp_msg("10.9.0.0", 16, 3, gws, oifs, nhflags);
	struct route out[4];

	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 4), 2);
	assert_via6(&out[0], "fe80::1");
	assert_int_equal(out[0].ifindex, 4);
	assert_int_equal(out[0].weight, 1);
	assert_true(out[0].flags & ROUTE_F_MULTI);
	assert_int_equal(out[1].nexthop, IP(192, 0, 2, 1));
	assert_false(route_via6(&out[1]));
	assert_int_equal(out[1].ifindex, 5);
	assert_int_equal(out[1].weight, 2);
	/* The room is for the kernel's hops, twins included: too many is still refused. */
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 2), -1);
	nlmsg_free(msg);
}

static void
test_parse_filters(void **state)
{
	struct nl_msg *msg = route_msg(RTM_NEWROUTE, RTN_BLACKHOLE, 100, "10.0.0.0", 8);
	struct mirror_config all = { .all_tables = 1 };
	struct route out[1];

	/* Table 100 is not mirrored by default, and is with "all". */
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 1), 0);
	assert_int_equal(mirror_parse_route(&all, nlmsg_hdr(msg), out, 1), 1);
	assert_int_equal(out[0].type, RTN_BLACKHOLE);
	assert_int_equal(out[0].ifindex, 0);
	assert_int_equal(out[0].nexthop, 0);
	nlmsg_free(msg);
	/* Host bits beyond the prefix length are cleared; a bad length is malformed. */
	msg = route_msg(RTM_NEWROUTE, RTN_UNICAST, 254, "10.1.2.3", 16);
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 1), 1);
	assert_int_equal(out[0].dst, IP(10, 1, 0, 0));
	((struct rtmsg *)nlmsg_data(nlmsg_hdr(msg)))->rtm_dst_len = 33;
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 1), -1);
	nlmsg_free(msg);
}

/* A route through a blackhole nexthop object (compat mode on: RTA_OIF lo) has no interface. */
static void
test_parse_blackhole_object(void **state)
{
	struct nl_msg *msg = route_msg(RTM_NEWROUTE, RTN_BLACKHOLE, 254, "10.51.0.2", 32);
	struct route out[1];

	nla_put_u32(msg, RTA_NH_ID, 4);
	nla_put_u32(msg, RTA_OIF, 1);
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 1), 1);
	assert_int_equal(out[0].type, RTN_BLACKHOLE);
	assert_int_equal(out[0].ifindex, 0);
	assert_int_equal(out[0].nexthop, 0);
	nlmsg_free(msg);
}

/* ---- applying events ------------------------------------------------------- */

/* A unicast route message via gw on ifindex 2, and applying one. */
static struct nl_msg *
via(int type, int flags, const char *dst, uint8_t plen, const char *gw, uint8_t rtype)
{
	struct nl_msg *msg = route_msg(type, rtype, 254, dst, plen);

	nlmsg_hdr(msg)->nlmsg_flags |= (uint16_t)flags;
	if (gw != NULL)
		put_ip(msg, RTA_GATEWAY, gw);
	nla_put_u32(msg, RTA_OIF, 2);
	return msg;
}

static void
apply_free(struct mirror *m, struct nl_msg *msg)
{
	mirror_apply(m, nlmsg_hdr(msg));
	nlmsg_free(msg);
}

static void
test_apply_replace_and_delete(void **state)
{
	struct mirror *m = mirror_new(&main_only);
	struct nl_msg *msg;
	struct route key;

	/* A route via A. */
	apply_free(m, via(RTM_NEWROUTE, 0, "10.0.0.0", 8, "192.0.2.1", RTN_UNICAST));
	assert_int_equal(mirror_routes(m)->count, 1);
	/* Replaced by a route via B (`ip route replace`): the row via A goes. */
	apply_free(m, via(RTM_NEWROUTE, NLM_F_REPLACE, "10.0.0.0", 8, "192.0.2.2", RTN_UNICAST));
	assert_int_equal(mirror_routes(m)->count, 1);
	key = R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 2), 2, 254, 0, 0);
	assert_non_null(route_find(mirror_routes(m), &key));
	assert_true(route_find(mirror_routes(m), &key)->flags & ROUTE_F_LIVE);
	/* The same prefix with another metric is another route: both stay. */
	msg = via(RTM_NEWROUTE, 0, "10.0.0.0", 8, "192.0.2.2", RTN_UNICAST);
	nla_put_u32(msg, RTA_PRIORITY, 50);
	mirror_apply(m, nlmsg_hdr(msg));
	assert_int_equal(mirror_routes(m)->count, 2);
	/* Deleting the metric-50 route leaves the other. */
	nlmsg_hdr(msg)->nlmsg_type = RTM_DELROUTE;
	apply_free(m, msg);
	assert_int_equal(mirror_routes(m)->count, 1);
	assert_non_null(route_find(mirror_routes(m), &key));
	assert_int_equal(mirror_stats(m)->changes, 5); /* add, del+add, add, del */
	check_live(mirror_routes(m));
	mirror_free(m);
}

static void
test_prepend_and_append_keep_both(void **state)
{
	struct mirror *m = mirror_new(&main_only);
	struct route a = R(IP(10, 1, 0, 0), 24, IP(192, 0, 2, 1), 2, 254, 0, 0);
	struct route b = R(IP(10, 1, 0, 0), 24, IP(192, 0, 2, 2), 2, 254, 0, 0);
	struct route c = R(IP(10, 1, 0, 0), 24, IP(192, 0, 2, 3), 2, 254, 0, 0);

	apply_free(m,
	    via(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, "10.1.0.0", 24, "192.0.2.1", RTN_UNICAST));
	/* ip route prepend: CREATE alone; the first route stays. */
	apply_free(m, via(RTM_NEWROUTE, NLM_F_CREATE, "10.1.0.0", 24, "192.0.2.2", RTN_UNICAST));
	assert_int_equal(mirror_routes(m)->count, 2);
	assert_non_null(route_find(mirror_routes(m), &a));
	assert_true(route_find(mirror_routes(m), &a)->flags & ROUTE_F_SHARED);
	/* ip route append: CREATE|APPEND; all three stay. */
	apply_free(m,
	    via(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, "10.1.0.0", 24, "192.0.2.3",
		RTN_UNICAST));
	assert_int_equal(mirror_routes(m)->count, 3);
	assert_non_null(route_find(mirror_routes(m), &b));
	assert_non_null(route_find(mirror_routes(m), &c));
	assert_false(mirror_redump_running(m));
	/* A replace of a key that holds several routes cannot be applied blindly: re-dump. */
	apply_free(m, via(RTM_NEWROUTE, NLM_F_REPLACE, "10.1.0.0", 24, "192.0.2.9", RTN_UNICAST));
	assert_true(mirror_redump_running(m));
	check_live(mirror_routes(m));
	mirror_free(m);
}

static void
test_same_index_alias_keeps_first(void **state)
{
	struct mirror *m = mirror_new(&main_only);
	struct route key = R(IP(10, 2, 0, 0), 24, 0, 0, 254, 0, 0);
	struct nl_msg *msg;

	msg = route_msg(RTM_NEWROUTE, RTN_BLACKHOLE, 254, "10.2.0.0", 24);
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	apply_free(m, msg);
	/* ip route append unreachable: same index, the kernel keeps using the blackhole. */
	msg = route_msg(RTM_NEWROUTE, RTN_UNREACHABLE, 254, "10.2.0.0", 24);
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_CREATE | NLM_F_APPEND;
	apply_free(m, msg);
	assert_int_equal(mirror_routes(m)->count, 1);
	assert_int_equal(route_find(mirror_routes(m), &key)->type, RTN_BLACKHOLE);
	assert_false(mirror_redump_running(m));
	/* Deleting one of them: the row may still stand for the other, so re-dump. */
	msg = route_msg(RTM_DELROUTE, RTN_BLACKHOLE, 254, "10.2.0.0", 24);
	apply_free(m, msg);
	assert_true(mirror_redump_running(m));
	mirror_free(m);
}

static void
test_blackhole_ignores_prefsrc(void **state)
{
	struct nl_msg *msg = route_msg(RTM_NEWROUTE, RTN_BLACKHOLE, 254, "10.20.0.0", 24);
	struct route out[1];

	put_ip(msg, RTA_PREFSRC, "192.0.2.10");
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 1), 1);
	assert_int_equal(out[0].nexthop, 0);
	nlmsg_free(msg);
}

static void
test_short_attribute_is_malformed(void **state)
{
	struct nl_msg *msg = route_msg(RTM_NEWROUTE, RTN_UNICAST, 254, "10.3.0.0", 24);
	uint16_t two = 2;
	struct route out[1];

	nla_put(msg, RTA_PRIORITY, sizeof(two), &two); /* a u32 attribute with 2 bytes */
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 1), -1);
	nlmsg_free(msg);
}

/*
 * A row that changes (same index, another protocol) starts its Age again,
 * as WMI's "since it was last updated" asks, and its appearance time
 * (InstallDate) is no longer known.
 */
static void
test_change_restarts_age(void **state)
{
	struct mirror *m = mirror_new(&main_only);
	struct nl_msg *msg;
	struct route key = R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 254, 0, 0);
	const struct route *r;

	apply_free(m, via(RTM_NEWROUTE, 0, "10.0.0.0", 8, "192.0.2.1", RTN_UNICAST));
	r = route_find(mirror_routes(m), &key);
	assert_non_null(r);
	assert_true(r->flags & ROUTE_F_LIVE);
	/* Pretend the route has been there for an hour. */
	route_find(mirror_routes(m), &key)->first_seen = mirror_now(m) - 3600;
	/* Unchanged by an identical announcement (not a replace: rt.h, replace_changes). */
	apply_free(m, via(RTM_NEWROUTE, 0, "10.0.0.0", 8, "192.0.2.1", RTN_UNICAST));
	r = route_find(mirror_routes(m), &key);
	assert_true(mirror_now(m) - r->first_seen >= 3600);
	assert_true(r->flags & ROUTE_F_LIVE);
	/* Replaced by the same route of another protocol: a change. */
	msg = via(RTM_NEWROUTE, NLM_F_REPLACE, "10.0.0.0", 8, "192.0.2.1", RTN_UNICAST);
	((struct rtmsg *)nlmsg_data(nlmsg_hdr(msg)))->rtm_protocol = RTPROT_BGP;
	apply_free(m, msg);
	r = route_find(mirror_routes(m), &key);
	assert_int_equal(r->proto, RTPROT_BGP);
	assert_true(mirror_now(m) - r->first_seen < 5);
	assert_false(r->flags & ROUTE_F_LIVE);
	check_live(mirror_routes(m));
	mirror_free(m);
}

/* ---- nexthop objects (net.ipv4.nexthop_compat_mode=0, issue 10) ------------ */

/* RTM_NEWNEXTHOP/RTM_DELNEXTHOP for an object via gw on oif (gw NULL: no gateway). */
static struct nl_msg *
nh_msg(int type, uint32_t id, const char *gw, uint32_t oif)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, 0);
	struct nhmsg nhm = { .nh_family = AF_INET };

	assert_int_equal(nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO), 0);
	nla_put_u32(msg, NHA_ID, id);
	if (gw != NULL)
		put_ip(msg, NHA_GATEWAY, gw);
	if (oif != 0)
		nla_put_u32(msg, NHA_OIF, oif);
	return msg;
}

/* An IPv6 object via gw6 on oif, as `ip nexthop add id ID via fe80::9 dev X` announces it. */
static struct nl_msg *
nh6_msg(int type, uint32_t id, const char *gw6, uint32_t oif)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, 0);
	struct nhmsg nhm = { .nh_family = AF_INET6 };
	struct in6_addr a;

	assert_int_equal(nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO), 0);
	nla_put_u32(msg, NHA_ID, id);
	inet_pton(AF_INET6, gw6, &a);
	nla_put(msg, NHA_GATEWAY, 16, &a);
	nla_put_u32(msg, NHA_OIF, oif);
	return msg;
}

/* A group of n members with these weights (as `ip nexthop add id ID group A/B,w`). */
static struct nl_msg *
nh_group_msg(uint32_t id, const uint32_t *ids, const uint8_t *weights, int n)
{
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWNEXTHOP, 0);
	struct nhmsg nhm = { .nh_family = AF_UNSPEC };
	struct nexthop_grp g[8];

	memset(g, 0, sizeof(g));
	for (int i = 0; i < n; i++) {
		g[i].id = ids[i];
		g[i].weight = (uint8_t)(weights[i] - 1); /* the kernel keeps weight - 1 */
	}
	assert_int_equal(nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO), 0);
	nla_put_u32(msg, NHA_ID, id);
	nla_put(msg, NHA_GROUP, (int)(n * sizeof(g[0])), g);
	return msg;
}

/* A route that names object nhid and nothing else, as compat mode 0 sends it. */
static struct nl_msg *
nhid_route(int type, const char *dst, uint32_t nhid)
{
	struct nl_msg *msg = route_msg(type, RTN_UNICAST, 254, dst, 24);

	nla_put_u32(msg, RTA_NH_ID, nhid);
	return msg;
}

static const struct route *
row(const struct mirror *m, uint32_t dst, uint32_t nh, int32_t ifindex)
{
	struct route key = R(dst, 24, nh, ifindex, 254, 0, 0);

	return route_find(mirror_routes(m), &key);
}

static void
test_nexthop_object_route(void **state)
{
	struct mirror *m = mirror_new(&main_only);
	struct nl_msg *msg;
	struct route out[2];
	const struct route *r;

	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 10, "192.0.2.1", 7));
	apply_free(m, nhid_route(RTM_NEWROUTE, "10.80.0.0", 10));
	/* The object's gateway and device: indirect(4), not direct(3) without a next hop. */
	assert_int_equal(mirror_routes(m)->count, 1);
	r = row(m, IP(10, 80, 0, 0), IP(192, 0, 2, 1), 7);
	assert_non_null(r);
	assert_true(r->flags & ROUTE_F_GATEWAY);
	assert_false(r->flags & ROUTE_F_MULTI);
	assert_int_equal(routefmt_wmi_type(r), 4);
	/* The parser alone (no objects) leaves it as it was; with the mirror's objects, resolved. */
	msg = nhid_route(RTM_NEWROUTE, "10.80.0.0", 10);
	assert_int_equal(mirror_parse_route(&main_only, nlmsg_hdr(msg), out, 2), 1);
	assert_int_equal(out[0].nexthop, 0);
	assert_int_equal(mirror_parse_route_nh(&main_only, m, nlmsg_hdr(msg), out, 2), 1);
	assert_int_equal(out[0].nexthop, IP(192, 0, 2, 1));
	assert_int_equal(out[0].ifindex, 7);
	/* With compat mode on the kernel sends the next hop itself: it wins. */
	put_ip(msg, RTA_GATEWAY, "192.0.2.5");
	nla_put_u32(msg, RTA_OIF, 3);
	assert_int_equal(mirror_parse_route_nh(&main_only, m, nlmsg_hdr(msg), out, 2), 1);
	assert_int_equal(out[0].nexthop, IP(192, 0, 2, 5));
	assert_int_equal(out[0].ifindex, 3);
	nlmsg_free(msg);
	/* Its deletion names only the object too: the row goes. */
	apply_free(m, nhid_route(RTM_DELROUTE, "10.80.0.0", 10));
	assert_int_equal(mirror_routes(m)->count, 0);
	assert_false(mirror_redump_running(m));
	mirror_free(m);
}

static void
test_nexthop_group_route(void **state)
{
	struct mirror *m = mirror_new(&main_only);
	const uint32_t ids[2] = { 2, 3 };
	const uint8_t weights[2] = { 1, 5 };
	const struct route *a, *b;

	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 2, "192.0.2.2", 4));
	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 3, "198.51.100.3", 5));
	apply_free(m, nh_group_msg(10, ids, weights, 2));
	apply_free(m, nh_group_msg(11, ids, weights, 1));
	/* A group: one row per member, with its weight, as RTA_MULTIPATH would give. */
	apply_free(m, nhid_route(RTM_NEWROUTE, "10.82.0.0", 10));
	assert_int_equal(mirror_routes(m)->count, 2);
	a = row(m, IP(10, 82, 0, 0), IP(192, 0, 2, 2), 4);
	b = row(m, IP(10, 82, 0, 0), IP(198, 51, 100, 3), 5);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a->flags & ROUTE_F_MULTI);
	assert_true(
	    (b->flags & (ROUTE_F_MULTI | ROUTE_F_GATEWAY)) == (ROUTE_F_MULTI | ROUTE_F_GATEWAY));
	assert_int_equal(a->weight, 1);
	assert_int_equal(b->weight, 5);
	/* A group of one is one next hop, as the kernel lists it. */
	apply_free(m, nhid_route(RTM_NEWROUTE, "10.83.0.0", 11));
	a = row(m, IP(10, 83, 0, 0), IP(192, 0, 2, 2), 4);
	assert_non_null(a);
	assert_false(a->flags & ROUTE_F_MULTI);
	assert_false(mirror_redump_running(m));
	mirror_free(m);
}

/* The row of dst/24 through IPv6 gateway gw6 on ifindex (next hop 0.0.0.0). */
static const struct route *
via6_row(const struct mirror *m, uint32_t dst, int32_t ifindex, const char *gw6)
{
	const struct route *r = row(m, dst, 0, ifindex);

	assert_non_null(r);
	assert_via6(r, gw6);
	return r;
}

/*
 * An IPv4 route through a nexthop object with an IPv6 gateway (RFC 5549,
 * `ip route add ... nhid N`), alone and in a group with an IPv4 member.
 */
static void
test_nexthop_object_via6(void **state)
{
	struct mirror *m = mirror_new(&main_only);
	const uint32_t ids[3] = { 6, 2, 7 };
	const uint8_t weights[3] = { 1, 3, 1 };
	const struct route *r;

	apply_free(m, nh6_msg(RTM_NEWNEXTHOP, 6, "fe80::9", 4));
	apply_free(m, nh6_msg(RTM_NEWNEXTHOP, 7, "fe80::10", 4));
	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 2, "192.0.2.2", 5));
	apply_free(m, nhid_route(RTM_NEWROUTE, "10.86.0.0", 6));
	assert_int_equal(mirror_routes(m)->count, 1);
	r = via6_row(m, IP(10, 86, 0, 0), 4, "fe80::9");
	assert_false(r->flags & ROUTE_F_MULTI);
	/* A group: the IPv4 member's row, and one row for the two IPv6 ones on interface 4. */
	apply_free(m, nh_group_msg(10, ids, weights, 3));
	apply_free(m, nhid_route(RTM_NEWROUTE, "10.87.0.0", 10));
	assert_int_equal(mirror_routes(m)->count, 3);
	r = via6_row(m, IP(10, 87, 0, 0), 4, "fe80::9");
	assert_true(r->flags & ROUTE_F_MULTI);
	r = row(m, IP(10, 87, 0, 0), IP(192, 0, 2, 2), 5);
	assert_non_null(r);
	assert_int_equal(r->weight, 3);
	/* Deleted by naming the object: both rows go, nothing unexplained to re-dump. */
	apply_free(m, nhid_route(RTM_DELROUTE, "10.87.0.0", 10));
	apply_free(m, nhid_route(RTM_DELROUTE, "10.86.0.0", 6));
	assert_int_equal(mirror_routes(m)->count, 0);
	assert_false(mirror_redump_running(m));
	mirror_free(m);
}

/* Deleting an object re-dumps only when a mirrored route goes through it. */
static void
test_nexthop_delete_redumps_when_used(void **state)
{
	struct mirror *m = mirror_new(&main_only);
	const uint32_t ids[2] = { 2, 3 };
	const uint8_t weights[2] = { 1, 1 };

	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 1, "192.0.2.1", 2));
	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 2, "192.0.2.2", 2));
	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 3, "192.0.2.3", 2));
	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 4, "192.0.2.4", 2));
	apply_free(m, nh_group_msg(10, ids, weights, 2));
	apply_free(m, nhid_route(RTM_NEWROUTE, "10.80.0.0", 1));
	/* Not used by any route: nothing to re-dump, also when replaced. */
	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 4, "192.0.2.44", 2));
	apply_free(m, nh_msg(RTM_DELNEXTHOP, 4, "192.0.2.44", 2));
	assert_false(mirror_redump_running(m));
	/* The same again for an object in use changes nothing either. */
	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 1, "192.0.2.1", 2));
	assert_false(mirror_redump_running(m));
	/* A group that no route uses loses a member: nothing either. */
	apply_free(m, nh_msg(RTM_DELNEXTHOP, 3, "192.0.2.3", 2));
	assert_false(mirror_redump_running(m));
	/* Used: its routes go without a message. */
	apply_free(m, nh_msg(RTM_DELNEXTHOP, 1, "192.0.2.1", 2));
	assert_true(mirror_redump_running(m));
	mirror_free(m);

	/* A member of a group that a route uses is in use too. */
	m = mirror_new(&main_only);
	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 2, "192.0.2.2", 2));
	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 3, "192.0.2.3", 2));
	apply_free(m, nh_group_msg(10, ids, weights, 2));
	apply_free(m, nhid_route(RTM_NEWROUTE, "10.82.0.0", 10));
	assert_false(mirror_redump_running(m));
	apply_free(m, nh_msg(RTM_DELNEXTHOP, 3, "192.0.2.3", 2));
	assert_true(mirror_redump_running(m));
	mirror_free(m);

	/* Once its last route is deleted, an object is free to go. */
	m = mirror_new(&main_only);
	apply_free(m, nh_msg(RTM_NEWNEXTHOP, 1, "192.0.2.1", 2));
	apply_free(m, nhid_route(RTM_NEWROUTE, "10.80.0.0", 1));
	apply_free(m, nhid_route(RTM_DELROUTE, "10.80.0.0", 1));
	apply_free(m, nh_msg(RTM_DELNEXTHOP, 1, "192.0.2.1", 2));
	assert_false(mirror_redump_running(m));
	mirror_free(m);
}

/*
 * A route through an object the mirror does not know (it came and went during a
 * dump): shown as the message says, and re-dumped, as its deletion would pass unseen.
 */
static void
test_nexthop_unknown_object_redumps(void **state)
{
	struct mirror *m = mirror_new(&main_only);
	struct nl_msg *msg = via(RTM_NEWROUTE, 0, "10.84.0.0", 24, "192.0.2.1", RTN_UNICAST);

	nla_put_u32(msg, RTA_NH_ID, 7); /* compat mode on: the next hop too */
	apply_free(m, msg);
	assert_non_null(row(m, IP(10, 84, 0, 0), IP(192, 0, 2, 1), 2));
	assert_true(mirror_redump_running(m));
	mirror_free(m);
}

/*
 * An object whose gateway is neither IPv4 nor IPv6 is refused whole (EINVAL), never kept
 * with a zero IPv6 gateway: the event is logged once and re-dumped, and a route naming
 * the object stays unresolved.
 */
static void
test_nexthop_bad_gateway_refused(void **state)
{
	static const uint8_t seven[7] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 1 };
	struct nl_msg *msg = nh_msg(RTM_NEWNEXTHOP, 9, NULL, 2);
	struct mirror *m = mirror_new(&main_only);
	struct nhobj o;
	const char *p;

	nla_put(msg, NHA_GATEWAY, sizeof(seven), seven);
	errno = 0;
	assert_int_equal(nh_parse(nlmsg_hdr(msg), &o), -1);
	assert_int_equal(errno, EINVAL);
	logged[0] = '\0';
	mirror_apply(m, nlmsg_hdr(msg));
	nlmsg_free(msg);
	p = strstr(logged, "unparsable nexthop message");
	assert_non_null(p);
	assert_null(strstr(p + 1, "unparsable nexthop message"));
	assert_true(mirror_redump_running(m));
	mirror_free(m);
}

/* WMI's Protocol of FRR's own protocol numbers: its static routes are netmgmt(3). */
static void
test_frr_protocols(void **state)
{
	char buf[8];

	assert_int_equal(routefmt_wmi_protocol(196), 3); /* staticd: netmgmt */
	assert_int_equal(routefmt_wmi_protocol(RTPROT_STATIC), 3);
	assert_int_equal(routefmt_wmi_protocol(190), 8); /* ripng: rip */
	assert_int_equal(routefmt_wmi_protocol(11), 1);  /* zebra: other */
	assert_int_equal(routefmt_wmi_protocol(194), 1); /* sharp: other */
	assert_string_equal(routefmt_proto_name(196, buf, sizeof(buf)), "zstatic");
	assert_int_equal(routefmt_proto_parse("zstatic"), 196);
	assert_int_equal(routefmt_proto_parse("static"), RTPROT_STATIC);
}

/*
 * The 256th distinct IPv6 gateway (with its source) gets no id: told once,
 * by the loop's route_via6_log_full(), when it happens, not again.  Last of
 * the tests: the ids are kept for the life of the process.
 */
static void
test_via6_ids_run_out(void **state)
{
	uint8_t gw[16] = { 0x20, 0x01, 0x0d, 0xb8 }, got[16];
	unsigned given = 0;
	struct route r = { .flags = ROUTE_F_GATEWAY };

	assert_int_equal(route_via6_log_full(), 0); /* room left: nothing to say */
	for (unsigned i = 0; i < 300 && (r.src = route_via6_id(gw, 0)) != 0; i++) {
		given = r.src;
		gw[15] = (uint8_t)i, gw[14] = (uint8_t)(i >> 8);
	}
	assert_int_equal(given, 255);
	assert_int_equal(r.src, 0);
	assert_int_equal(route_via6_gw(&r, got), -1);
	assert_int_equal(route_via6_log_full(), 1);
	assert_int_equal(route_via6_log_full(), 0);
	/* A gateway with an id keeps it. */
	gw[15] = 0, gw[14] = 0;
	assert_int_not_equal(route_via6_id(gw, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_index_oid),
		cmocka_unit_test(test_index_order_is_oid_order),
		cmocka_unit_test(test_upsert_remove),
		cmocka_unit_test(test_live_counts),
		cmocka_unit_test(test_frr_protocols),
		cmocka_unit_test(test_change_restarts_age),
		cmocka_unit_test(test_load_and_seek),
		cmocka_unit_test(test_seek_oid),
		cmocka_unit_test(test_parse_single),
		cmocka_unit_test(test_parse_direct_uses_prefsrc),
		cmocka_unit_test(test_parse_multipath),
		cmocka_unit_test(test_parse_via6),
		cmocka_unit_test(test_parse_multipath_via6),
		cmocka_unit_test(test_parse_filters),
		cmocka_unit_test(test_parse_blackhole_object),
		cmocka_unit_test(test_apply_replace_and_delete),
		cmocka_unit_test(test_prepend_and_append_keep_both),
		cmocka_unit_test(test_same_index_alias_keeps_first),
		cmocka_unit_test(test_blackhole_ignores_prefsrc),
		cmocka_unit_test(test_short_attribute_is_malformed),
		cmocka_unit_test(test_nexthop_object_route),
		cmocka_unit_test(test_nexthop_group_route),
		cmocka_unit_test(test_nexthop_object_via6),
		cmocka_unit_test(test_nexthop_delete_redumps_when_used),
		cmocka_unit_test(test_nexthop_unknown_object_redumps),
		cmocka_unit_test(test_nexthop_bad_gateway_refused),
		cmocka_unit_test(test_via6_ids_run_out),
	};

	logcap_start();
	return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
