/*
 * Unit tests: GET and GETNEXT on cimIP4RouteTable through the real handler
 * code (mib_table_get/getnext with the route table's seek, next, index and
 * column getters), from a row, a gap, before the first row, after the last,
 * a partial index, odd sub-identifiers, and an empty table; with createAndWait
 * rows merged in; and the bound on the rows one GETNEXT may skip.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/rtnetlink.h>

#include "snmp/mib.h"
#include "route/mib_rt.h"
#include "route/mirror.h"
#include "route/routefmt.h"
#include "route/rt.h"
#include "route/rt4.h"
#include "route/writer.h"

#include "fixture.h"

static const oid entry[] = { CIMR_IP4ROUTE, 3, 1 };
#define ENTRY_LEN (sizeof(entry) / sizeof(entry[0]))

static struct mirror *m;

static struct route
R(uint32_t dst, uint8_t plen, uint32_t nh, int32_t ifindex, uint32_t metric, uint8_t proto) {
	return fx_route(dst, plen, nh, ifindex, metric, proto);
}

/* Rows: 10.0.0.0/8 via 192.0.2.1 (metric 0 and 3000000000), 10.1.0.0/16 blackhole, 192.0.2.0/24 direct. */
static int
setup(void **state)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	struct route v[4] = {
		R(IP(192, 0, 2, 0), 24, 0, 2, 0, RTPROT_KERNEL),
		R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 0, RTPROT_BGP),
		R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 3000000000u, RTPROT_STATIC),
		R(IP(10, 1, 0, 0), 16, 0, 0, 0, RTPROT_BOOT),
	};

	v[3].type = RTN_BLACKHOLE;
	m = mirror_new(&cfg);
	assert_non_null(m);
	assert_int_equal(mirror_inject(m, v, 4), 0);
	mib_route_bind(m, NULL);
	return 0;
}

static int
teardown(void **state)
{
	mirror_free(m);
	return 0;
}

/* name = entry . col . index-of(r) */
static size_t
row_oid(oid *name, oid col, const struct route *r)
{
	memcpy(name, entry, sizeof(entry));
	name[ENTRY_LEN] = col;
	route_index_oid(r, name + ENTRY_LEN + 1);
	return ENTRY_LEN + 1 + ROUTE_INDEX_LEN;
}

static void
assert_next(const oid *name, size_t len, oid want_col, const struct route *want_row)
{
	oid out[MAX_OID_LEN], want[MAX_OID_LEN];
	size_t outlen, wlen;
	struct mib_value v;

	assert_int_equal(mib_table_getnext(mib_route_table, name, len, 1, out, &outlen, &v), 0);
	wlen = row_oid(want, want_col, want_row);
	assert_int_equal(outlen, wlen);
	assert_memory_equal(out, want, wlen * sizeof(oid));
}

static void
test_get_row(void **state)
{
	struct route r = R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 0, RTPROT_BGP);
	oid name[MAX_OID_LEN];
	size_t len = row_oid(name, 19, &r);
	struct mib_value v;

	assert_int_equal(mib_table_get(mib_route_table, name, len, &v), 0);
	assert_int_equal(v.type, ASN_INTEGER);
	assert_int_equal(v.v.i, 14); /* bgp(14) */
	name[ENTRY_LEN] = 21;
	assert_int_equal(mib_table_get(mib_route_table, name, len, &v), 0);
	assert_int_equal(v.v.i, 4); /* indirect(4) */
	name[ENTRY_LEN] = 18;
	assert_int_equal(mib_table_get(mib_route_table, name, len, &v), 0);
	assert_int_equal(v.len, strlen("10.0.0.0/8"));
	assert_memory_equal(v.v.s, "10.0.0.0/8", v.len);
	name[ENTRY_LEN] = 11;
	assert_int_equal(mib_table_get(mib_route_table, name, len, &v), 0);
	assert_int_equal(v.type, ASN_OBJECT_ID);
	assert_int_equal(v.len, 2 * sizeof(oid));
	/* Not a row: one metric off. */
	name[ENTRY_LEN + ROUTE_INDEX_LEN] = 1;
	assert_int_equal(mib_table_get(mib_route_table, name, len, &v), SNMP_NOSUCHINSTANCE);
	/* Index too short or too long. */
	name[ENTRY_LEN + ROUTE_INDEX_LEN] = 0;
	assert_int_equal(mib_table_get(mib_route_table, name, len - 1, &v), SNMP_NOSUCHINSTANCE);
	name[len] = 0;
	assert_int_equal(mib_table_get(mib_route_table, name, len + 1, &v), SNMP_NOSUCHINSTANCE);
	/* Columns that do not exist: index columns (not-accessible), 0, 99. */
	name[ENTRY_LEN] = 1;
	assert_int_equal(mib_table_get(mib_route_table, name, len, &v), SNMP_NOSUCHOBJECT);
	name[ENTRY_LEN] = 99;
	assert_int_equal(mib_table_get(mib_route_table, name, len, &v), SNMP_NOSUCHOBJECT);
}

static void
test_absent_values(void **state)
{
	struct route big = R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 3000000000u, RTPROT_STATIC);
	oid name[MAX_OID_LEN];
	size_t len = row_oid(name, 13, &big);
	struct mib_value v;

	/* Metric1 beyond sint32 and InstallDate of a route present at start: absent. */
	assert_int_equal(mib_table_get(mib_route_table, name, len, &v), SNMP_NOSUCHINSTANCE);
	name[ENTRY_LEN] = 12;
	assert_int_equal(mib_table_get(mib_route_table, name, len, &v), SNMP_NOSUCHINSTANCE);
	/* GETNEXT on Metric1 skips that row and moves to the next one. */
	name[ENTRY_LEN] = 13;
	name[ENTRY_LEN + ROUTE_INDEX_LEN] = 0;
	{
		struct route next = R(IP(10, 1, 0, 0), 16, 0, 0, 0, RTPROT_BOOT);

		assert_next(name, len, 13, &next);
	}
	/* Column 12 (InstallDate) is empty for every row: GETNEXT goes to column 13. */
	{
		struct route first = R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 0, RTPROT_BGP);

		assert_next(name, ENTRY_LEN + 1 - 1, 8, &first);
		name[ENTRY_LEN] = 12;
		assert_next(name, ENTRY_LEN + 1, 13, &first);
	}
}

/* GET of a column of r's row in table t: its value into v, or the error. */
static int
get_col(oid col, const struct route *r, struct mib_value *v)
{
	oid name[MAX_OID_LEN];
	size_t len = row_oid(name, col, r);

	return mib_table_get(mib_route_table, name, len, v);
}

/* A row's NextHopAddressType and NextHopAddress. */
static void
assert_gateway(const struct route *r, long type, const void *addr, size_t len)
{
	struct mib_value val;

	assert_int_equal(get_col(COL_IP4ROUTE_NEXTHOPADDRESSTYPE, r, &val), 0);
	assert_int_equal(val.v.i, type);
	assert_int_equal(get_col(COL_IP4ROUTE_NEXTHOPADDRESS, r, &val), 0);
	assert_int_equal(val.type, ASN_OCTET_STR);
	assert_int_equal(val.len, len);
	if (len > 0)
		assert_memory_equal(val.v.s, addr, len);
}

/*
 * The gateway of either family (RFC 5549): ipv4(1) and its 4 octets, ipv6(2)
 * and 16 for a route through an IPv6 gateway (NextHop 0.0.0.0 in the index),
 * unknown(0) and none for a route without one; "via inet6" in the text.
 */
static void
test_next_hop_address(void **state)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	static const uint8_t gw6[16] = { 0xfe, 0x80, [15] = 1 };
	static const uint8_t gw4[4] = { 192, 0, 2, 1 };
	struct route v[3] = {
		R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 0, RTPROT_BGP),
		R(IP(192, 0, 2, 0), 24, IP(192, 0, 2, 9), 2, 0, RTPROT_KERNEL),
		R(IP(198, 51, 100, 0), 24, 0, 2, 5, RTPROT_BOOT),
	};
	struct mirror *mm = mirror_new(&cfg);
	struct mib_value val;

	v[1].flags = 0; /* direct: NextHop is the agent's own address */
	v[2].flags = ROUTE_F_GATEWAY;
	v[2].src = route_via6_id(gw6, IP(192, 0, 2, 9));
	assert_int_not_equal(v[2].src, 0);
	assert_true(route_via6(&v[2]));
	assert_false(route_via6(&v[0]) || route_via6(&v[1]));
	assert_int_equal(route_src_addr(&v[2]), IP(192, 0, 2, 9));
	assert_int_equal(mirror_inject(mm, v, 3), 0);
	mib_route_bind(mm, NULL);

	assert_gateway(&v[0], 1, gw4, 4);
	assert_gateway(&v[1], 0, NULL, 0);
	assert_gateway(&v[2], 2, gw6, 16);
	/* Still indirect(4), and shown as `ip route` shows it. */
	assert_int_equal(get_col(COL_IP4ROUTE_TYPE, &v[2], &val), 0);
	assert_int_equal(val.v.i, 4);
	assert_int_equal(get_col(COL_IP4ROUTE_DESCRIPTION, &v[2], &val), 0);
	{
		const char *want = "198.51.100.0/24 via inet6 fe80::1 dev ";
		char got[256];

		memcpy(got, val.v.s, val.len);
		got[val.len] = '\0';
		assert_memory_equal(got, want, strlen(want));
		assert_non_null(strstr(got, " src 192.0.2.9 metric 5"));
	}
	/* An IPv6 gateway that could not be kept (id 0): no value, not an invented one. */
	v[2].src = 0;
	assert_int_equal(mirror_inject(mm, &v[2], 1), 0);
	assert_int_equal(get_col(COL_IP4ROUTE_NEXTHOPADDRESS, &v[2], &val), SNMP_NOSUCHINSTANCE);
	mirror_free(mm);
	mib_route_bind(m, NULL);
}

static void
test_getnext_walk(void **state)
{
	/* Before the table (the table OID itself, and something lower): the first row of column 8. */
	struct route first = R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 0, RTPROT_BGP);
	struct route second =
	    R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 3000000000u, RTPROT_STATIC);
	struct route last = R(IP(192, 0, 2, 0), 24, 0, 2, 0, RTPROT_KERNEL);
	oid name[MAX_OID_LEN], out[MAX_OID_LEN];
	size_t len, outlen;
	struct mib_value v;

	assert_next(entry, ENTRY_LEN - 1, 8, &first);
	name[0] = 1;
	name[1] = 3;
	assert_next(name, 2, 8, &first);
	/* From a row: the next row, same column. */
	len = row_oid(name, 8, &first);
	assert_next(name, len, 8, &second);
	/* From the last row of a column: the first row of the next column. */
	len = row_oid(name, 8, &last);
	assert_next(name, len, 9, &first);
	/* From a gap between rows (10.0.0.0/9): the next row, 10.1.0.0/16. */
	{
		struct route gap = R(IP(10, 0, 0, 0), 9, 0, 0, 0, 0);
		struct route bh = R(IP(10, 1, 0, 0), 16, 0, 0, 0, 0);

		len = row_oid(name, 8, &gap);
		assert_next(name, len, 8, &bh);
	}
	/* A partial index: "10.0" precedes every 10.0.x.x row. */
	name[ENTRY_LEN] = 8;
	name[ENTRY_LEN + 1] = 10;
	name[ENTRY_LEN + 2] = 0;
	assert_next(name, ENTRY_LEN + 3, 8, &first);
	/* Out-of-range sub-identifiers: 10.0.0.300 sorts after all of 10.0.0.x. */
	name[ENTRY_LEN + 3] = 0;
	name[ENTRY_LEN + 4] = 300;
	{
		struct route bh = R(IP(10, 1, 0, 0), 16, 0, 0, 0, 0);

		assert_next(name, ENTRY_LEN + 5, 8, &bh);
	}
	/* A gap column (0) goes to column 8; column 7 (index) too. */
	name[ENTRY_LEN] = 7;
	assert_next(name, ENTRY_LEN + 1, 8, &first);
	/* After the last row of the last column: the end of the table. */
	len = row_oid(name, COL_IP4ROUTE_NEXTHOPADDRESS, &last);
	assert_int_equal(mib_table_getnext(mib_route_table, name, len, 1, out, &outlen, &v),
	    SNMP_ENDOFMIBVIEW);
	/* Past the table entirely. */
	name[ENTRY_LEN - 1] = 2;
	assert_int_equal(mib_table_getnext(mib_route_table, name, ENTRY_LEN, 1, out, &outlen, &v),
	    SNMP_ENDOFMIBVIEW);
	/* Inclusive (AgentX include flag): an exact row is its own answer. */
	len = row_oid(name, 8, &second);
	assert_int_equal(mib_table_getnext(mib_route_table, name, len, 0, out, &outlen, &v), 0);
	assert_memory_equal(out, name, len * sizeof(oid));
}

/* A full walk visits every row once per column, in strictly increasing OID order. */
static void
test_full_walk(void **state)
{
	oid name[MAX_OID_LEN], out[MAX_OID_LEN];
	size_t len = ENTRY_LEN, outlen, n = 0;
	struct mib_value v;

	memcpy(name, entry, sizeof(entry));
	while (mib_table_getnext(mib_route_table, name, len, 1, out, &outlen, &v) == 0) {
		assert_true(snmp_oid_compare(out, outlen, name, len) > 0);
		memcpy(name, out, outlen * sizeof(oid));
		len = outlen;
		n++;
	}
	/* 19 accessible columns x 4 rows, less Metric1 of one row and InstallDate of all. */
	assert_int_equal(n, 19 * 4 - 1 - 4);
}

static void
test_empty_table(void **state)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	struct mirror *empty = mirror_new(&cfg);
	oid out[MAX_OID_LEN], name[MAX_OID_LEN];
	size_t outlen;
	struct mib_value v;

	mib_route_bind(empty, NULL);
	assert_int_equal(mib_table_getnext(mib_route_table, entry, ENTRY_LEN, 1, out, &outlen, &v),
	    SNMP_ENDOFMIBVIEW);
	memcpy(name, entry, sizeof(entry));
	name[ENTRY_LEN] = 8;
	assert_int_equal(mib_table_get(mib_route_table, name, ENTRY_LEN + 1, &v),
	    SNMP_NOSUCHINSTANCE);
	mirror_free(empty);
	mib_route_bind(m, NULL);
}

/* ---- createAndWait rows ------------------------------------------------- */

static struct writer *w;

static void
add_pending(struct route r)
{
	r.proto = 0; /* as mib_set.c makes them: writable columns only */
	assert_int_equal(pending_add(&w->pending, &r), 0);
}

static void
writer_on(void)
{
	char err[128];

	w = writer_new(m, NULL, NULL, NULL, NULL, NULL, NULL, err, sizeof(err));
	assert_non_null(w);
	mib_route_bind(m, w);
}

static void
writer_off(void)
{
	writer_free(w);
	w = NULL;
	mib_route_bind(m, NULL);
}

/* GETNEXT from name; the answer's column and row (by index) go to *col and *r. */
static int
next_of(const struct mib_table *t, const oid *name, size_t len, oid *col, struct route *r)
{
	oid out[MAX_OID_LEN];
	size_t outlen;
	struct mib_value v;
	int rc = mib_table_getnext(t, name, len, 1, out, &outlen, &v);

	if (rc != 0)
		return rc;
	assert_int_equal(outlen, ENTRY_LEN + 1 + ROUTE_INDEX_LEN);
	*col = out[ENTRY_LEN];
	memset(r, 0, sizeof(*r));
	r->dst = (uint32_t)(out[ENTRY_LEN + 1] << 24 | out[ENTRY_LEN + 2] << 16 |
	    out[ENTRY_LEN + 3] << 8 | out[ENTRY_LEN + 4]);
	for (int k = 0; k < 4; k++)
		r->plen += (uint8_t)__builtin_popcountl(out[ENTRY_LEN + 5 + k]);
	r->nexthop = (uint32_t)(out[ENTRY_LEN + 9] << 24 | out[ENTRY_LEN + 10] << 16 |
	    out[ENTRY_LEN + 11] << 8 | out[ENTRY_LEN + 12]);
	r->ifindex = (int32_t)out[ENTRY_LEN + 13];
	r->table = (uint32_t)out[ENTRY_LEN + 14];
	r->tos = (uint8_t)out[ENTRY_LEN + 15];
	r->metric = (uint32_t)out[ENTRY_LEN + 16];
	return 0;
}

/* Walk column col from its start; the rows' indexes in order, their number returned. */
static size_t
walk_column(oid col, struct route *rows, size_t max)
{
	oid name[MAX_OID_LEN], c;
	size_t len = ENTRY_LEN + 1, n = 0;
	struct route r;

	memcpy(name, entry, sizeof(entry));
	name[ENTRY_LEN] = col;
	while (next_of(mib_route_table, name, len, &c, &r) == 0 && c == col) {
		assert_true(n < max);
		rows[n++] = r;
		len = row_oid(name, col, &r);
	}
	return n;
}

static int
route_qcmp(const void *a, const void *b)
{
	return route_cmp(a, b);
}

/*
 * Pending rows before the first kernel row, between rows (one sharing the
 * kernel rows' dst), after the last, and one with a kernel row's index: a walk
 * of a column every row has shows the merged order, the kernel row once.
 */
static void
test_pending_merged_walk(void **state)
{
	struct route want[16], got[16];
	size_t n = 0, nk;
	const struct route_table *t = mirror_routes(m);
	struct route_pos pos;
	oid name[MAX_OID_LEN], out[MAX_OID_LEN];
	size_t len, outlen, nvals = 0;
	struct mib_value v;
	struct route p[] = {
		R(IP(9, 0, 0, 0), 8, 0, 3, 0, 0),
		R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 5, 0),
		R(IP(10, 0, 1, 0), 24, IP(192, 0, 2, 1), 2, 0, 0),
		R(IP(10, 1, 0, 0), 16, 0, 0, 0, 0), /* the kernel's blackhole row */
		R(IP(172, 16, 0, 0), 12, IP(192, 0, 2, 9), 2, 0, 0),
		R(IP(203, 0, 113, 0), 24, IP(192, 0, 2, 1), 2, 7, 0),
	};

	writer_on();
	for (const struct route *r = route_first(t, &pos); r != NULL; r = route_next(t, &pos))
		want[n++] = *r;
	nk = n;
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		add_pending(p[i]);
		if (route_find(t, &p[i]) == NULL)
			want[n++] = p[i];
	}
	qsort(want, n, sizeof(want[0]), route_qcmp);
	for (oid col = 18; col <= 24; col += 3) { /* Name, Type, RowStatus */
		assert_int_equal(walk_column(col, got, 16), n);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(route_cmp(&got[i], &want[i]), 0);
	}
	/* The whole table: increasing OIDs; pending rows have 8 columns (13-18, 21, 24). */
	memcpy(name, entry, sizeof(entry));
	len = ENTRY_LEN;
	while (mib_table_getnext(mib_route_table, name, len, 1, out, &outlen, &v) == 0) {
		assert_true(snmp_oid_compare(out, outlen, name, len) > 0);
		memcpy(name, out, outlen * sizeof(oid));
		len = outlen;
		nvals++;
	}
	assert_int_equal(nvals, 19 * nk - 1 - nk + 8 * (n - nk));
	writer_off();
}

/*
 * cimIP4RouteCount is the rows a walk gives, the createAndWait rows too;
 * LastChange moves when one is made or goes.
 */
static void
test_pending_count(void **state)
{
	struct route p = R(IP(172, 16, 0, 0), 12, IP(192, 0, 2, 9), 2, 0, 0), got[16];
	struct timespec later = mirror_last_change(m);
	struct mib_rt c;
	struct mib_value v, want;
	size_t nk;

	writer_on();
	mib_rt_bind(&c, m, &rt4_ops, routefmt_text, &w->pending, COL_IP4ROUTE_INSTALLDATE);
	nk = walk_column(24, got, 16);
	assert_int_equal(mib_rt_get_count(NULL, &v, &c), 0);
	assert_int_equal(v.v.u, nk);
	add_pending(p);
	assert_int_equal(mib_rt_get_count(NULL, &v, &c), 0);
	assert_int_equal(v.v.u, nk + 1);
	assert_int_equal(walk_column(24, got, 16), nk + 1);
	/* Each change of the waiting rows is stamped; the later stamp is LastChange's. */
	assert_true(w->pending.last_change.tv_sec > 0);
	later.tv_sec += 3600;
	w->pending.last_change = later;
	mib_set_date(&want, &later);
	assert_int_equal(mib_rt_get_last_change(NULL, &v, &c), 0);
	assert_memory_equal(v.v.s, want.v.s, want.len);
	memset(&w->pending.last_change, 0, sizeof(w->pending.last_change));
	p.proto = 0;
	assert_int_equal(pending_remove(&w->pending, &p, NULL), 1);
	assert_true(w->pending.last_change.tv_sec > 0);
	assert_int_equal(mib_rt_get_count(NULL, &v, &c), 0);
	assert_int_equal(v.v.u, nk);
	/* An expired row too; the last row takes the array with it, as a removed one does. */
	add_pending(p);
	memset(&w->pending.last_change, 0, sizeof(w->pending.last_change));
	pending_expire(&w->pending, mirror_now(m) + PENDING_LIFETIME);
	assert_int_equal(w->pending.n, 0);
	assert_true(w->pending.last_change.tv_sec > 0);
	assert_null(w->pending.v);
	assert_int_equal(w->pending.cap, 0);
	writer_off();
}

/*
 * Many rows of both kinds, interleaved at random, some pending rows with a
 * kernel row's index: walks of RowStatus and Name show the merged order.
 */
static void
test_pending_interleaved(void **state)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	enum { NK = 3000, NP = PENDING_MAX };
	struct mirror *big = mirror_new(&cfg);
	struct route *k = calloc(NK, sizeof(*k)), *want = calloc(NK + NP, sizeof(*want));
	struct route *got = calloc(NK + NP, sizeof(*got));
	size_t n, nk;

	assert_non_null(big);
	assert_true(k != NULL && want != NULL && got != NULL);
	srandom(9);
	for (size_t i = 0; i < NK; i++)
		k[i] = R(IP(10, 0, 0, 0) + (uint32_t)(random() % 4096) * 256, 24,
		    IP(192, 0, 2, 1 + random() % 2), 2, (uint32_t)(random() % 3), RTPROT_BGP);
	nk = route_sort_unique(k, NK);
	memcpy(want, k, nk * sizeof(*k));
	assert_int_equal(mirror_inject(big, k, nk), 0);
	w = writer_new(big, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0);
	assert_non_null(w);
	mib_route_bind(big, w);
	for (n = nk; w->pending.n < NP;) {
		struct route p = R(IP(10, 0, 0, 0) + (uint32_t)(random() % 4096) * 256, 24,
		    IP(192, 0, 2, 1 + random() % 3), 2, (uint32_t)(random() % 3), 0);

		if (pending_find(&w->pending, &p) != NULL)
			continue;
		add_pending(p);
		if (route_find(mirror_routes(big), &p) == NULL)
			want[n++] = p;
	}
	assert_true(n < nk + NP); /* some pending rows share a kernel row's index */
	qsort(want, n, sizeof(*want), route_qcmp);
	for (oid col = 18; col <= 24; col += 6) {
		assert_int_equal(walk_column(col, got, NK + NP), n);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(route_cmp(&got[i], &want[i]), 0);
	}
	free(k);
	free(want);
	free(got);
	writer_off();
	mirror_free(big);
	mib_route_bind(m, NULL);
}

/* GETNEXT from partial or out-of-range indexes and from the ends, with pending rows. */
static void
test_pending_partial_index(void **state)
{
	struct route first = R(IP(9, 0, 0, 0), 8, 0, 3, 0, 0);
	struct route mid = R(IP(10, 0, 1, 0), 24, IP(192, 0, 2, 1), 2, 0, 0);
	struct route last = R(IP(203, 0, 113, 0), 24, IP(192, 0, 2, 1), 2, 7, 0);
	struct route klast = R(IP(192, 0, 2, 0), 24, 0, 2, 0, 0);
	struct route kfirst = R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 0, 0);
	struct route bh = R(IP(10, 1, 0, 0), 16, 0, 0, 0, 0);
	oid name[MAX_OID_LEN], out[MAX_OID_LEN];
	size_t len, outlen;
	struct mib_value v;

	writer_on();
	add_pending(last);
	add_pending(mid);
	add_pending(first);
	/* Before every row: the column itself, and "9" (a prefix of the first pending row). */
	memcpy(name, entry, sizeof(entry));
	name[ENTRY_LEN] = 24;
	assert_next(name, ENTRY_LEN + 1, 24, &first);
	name[ENTRY_LEN + 1] = 9;
	assert_next(name, ENTRY_LEN + 2, 24, &first);
	/* "9.0.0.0.255" sorts after 9.0.0.0/8 (mask 255.0.0.0 then 0s): the kernel's first row. */
	name[ENTRY_LEN + 2] = name[ENTRY_LEN + 3] = name[ENTRY_LEN + 4] = 0;
	name[ENTRY_LEN + 5] = 255;
	name[ENTRY_LEN + 6] = 1;
	assert_next(name, ENTRY_LEN + 7, 24, &kfirst);
	/* "10.0.0.300" is past every 10.0.0.x row and before 10.0.1.0/24 (pending). */
	name[ENTRY_LEN + 1] = 10;
	name[ENTRY_LEN + 4] = 300;
	assert_next(name, ENTRY_LEN + 5, 24, &mid);
	/* From the pending row, strictly: the next kernel row. */
	len = row_oid(name, 24, &mid);
	assert_next(name, len, 24, &bh);
	/* Inclusively: the pending row itself. */
	assert_int_equal(mib_table_getnext(mib_route_table, name, len, 0, out, &outlen, &v), 0);
	assert_memory_equal(out, name, len * sizeof(oid));
	assert_int_equal(v.v.i, RS_NOTINSERVICE);
	/* After the kernel's last row: the pending row after it, then the next column. */
	len = row_oid(name, 24, &klast);
	assert_next(name, len, 24, &last);
	len = row_oid(name, 24, &last);
	assert_next(name, len, COL_IP4ROUTE_NEXTHOPADDRESSTYPE, &kfirst);
	/* The last column, which pending rows lack: after the kernel's last row, the end. */
	len = row_oid(name, COL_IP4ROUTE_NEXTHOPADDRESS, &klast);
	assert_int_equal(mib_table_getnext(mib_route_table, name, len, 1, out, &outlen, &v),
	    SNMP_ENDOFMIBVIEW);
	/* A column pending rows lack (Protocol, 19): the first kernel row, then past the last. */
	name[ENTRY_LEN] = 19;
	assert_next(name, ENTRY_LEN + 1, 19, &kfirst);
	len = row_oid(name, 19, &klast);
	assert_next(name, len, 20, &kfirst);
	writer_off();
}

/* ---- the bound on rows skipped -------------------------------------------- */

#define BIG_METRIC 3000000000u /* beyond sint32: no Metric1 */

static size_t visits;
static const struct mib_table *real;

static const void *
count_next(void *ctx, const void *row)
{
	visits++;
	return real->next(ctx, row);
}

static const void *
count_next_in(void *ctx, const void *row, oid col)
{
	visits++;
	return real->next_in(ctx, row, col);
}

/* The route table with its row steps counted. */
static struct mib_table
counted_table(void)
{
	struct mib_table t = *mib_route_table;

	real = mib_route_table;
	t.next = count_next;
	t.next_in = count_next_in;
	visits = 0;
	return t;
}

/*
 * n routes 10.x.y.0/24 present at start, without a Metric1 (beyond sint32)
 * but for the last, which has last_flags too; and 300 pending rows among
 * them, without a Metric1 either.
 */
static struct mirror *
big_mirror(size_t n, uint8_t last_flags)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	struct mirror *big = mirror_new(&cfg);
	struct route *v = calloc(n, sizeof(*v));

	assert_non_null(big);
	assert_non_null(v);
	for (size_t i = 0; i < n; i++)
		v[i] = R(IP(10, 0, 0, 0) + (uint32_t)i * 256, 24, IP(192, 0, 2, 1), 2, BIG_METRIC,
		    RTPROT_BGP);
	v[n - 1].metric = 1;
	v[n - 1].flags |= last_flags;
	assert_int_equal(mirror_inject(big, v, n), 0);
	free(v);
	w = writer_new(big, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0);
	assert_non_null(w);
	mib_route_bind(big, w);
	for (size_t i = 0; i < 300; i++)
		add_pending(
		    R(IP(10, 0, 0, 0) + (uint32_t)(i * n / 300) * 256, 24, 0, 5, BIG_METRIC, 0));
	return big;
}

static void
big_free(struct mirror *big)
{
	writer_off();
	mirror_free(big);
	mib_route_bind(m, NULL);
}

/*
 * Metric1 absent in more than MIB_SKIP_MAX rows, 300 rows pending: one
 * GETNEXT reads at most MIB_SKIP_MAX rows, then answers from the next column
 * (MetricUnused2, 14, first row: a pending one) instead of the last row's
 * Metric1.  Before the bound, it read all of them.
 */
static void
test_skip_bound(void **state)
{
	size_t n = MIB_SKIP_MAX + 5000;
	struct mirror *big = big_mirror(n, 0);
	struct route first = R(IP(10, 0, 0, 0), 24, 0, 5, BIG_METRIC, 0), r;
	struct mib_table t = counted_table();
	oid name[MAX_OID_LEN], col;

	memcpy(name, entry, sizeof(entry));
	name[ENTRY_LEN] = 13;
	assert_int_equal(next_of(&t, name, ENTRY_LEN + 1, &col, &r), 0);
	assert_true(visits <= MIB_SKIP_MAX + 1);
	assert_int_equal(col, 14);
	assert_int_equal(route_cmp(&r, &first), 0);
	big_free(big);
}

/*
 * InstallDate known for one route only, the last, among more than
 * MIB_SKIP_MAX rows and 300 pending ones: GETNEXT finds it in a few steps,
 * chunks without a live route skipped whole, and no bound reached.
 */
static void
test_install_date_sparse(void **state)
{
	size_t n = MIB_SKIP_MAX + 5000;
	struct mirror *big = big_mirror(n, ROUTE_F_LIVE);
	struct route last = R(IP(10, 0, 0, 0) + (uint32_t)(n - 1) * 256, 24, IP(192, 0, 2, 1), 2, 1,
			 0),
		     r;
	struct route first = R(IP(10, 0, 0, 0), 24, 0, 5, BIG_METRIC, 0);
	struct mib_table t = counted_table();
	oid name[MAX_OID_LEN], col;
	size_t len;

	memcpy(name, entry, sizeof(entry));
	name[ENTRY_LEN] = 12;
	assert_int_equal(next_of(&t, name, ENTRY_LEN + 1, &col, &r), 0);
	assert_true(visits < 10);
	assert_int_equal(col, 12);
	assert_int_equal(route_cmp(&r, &last), 0);
	/* From it: no other InstallDate, and Metric1 (13) has too long a gap: column 14. */
	len = row_oid(name, 12, &last);
	assert_int_equal(next_of(&t, name, len, &col, &r), 0);
	assert_int_equal(col, 14);
	assert_int_equal(route_cmp(&r, &first), 0);
	big_free(big);
}

/*
 * DateAndTime is UTC with "+0:0" whatever TZ says: the MIB documents UTC,
 * and a receiver following it would be off by the offset otherwise.
 */
static void
test_date_utc(void **state)
{
	struct tm tm = { .tm_year = 2026 - 1900,
		.tm_mon = 11,
		.tm_mday = 1,
		.tm_hour = 23,
		.tm_min = 57,
		.tm_sec = 33 };
	struct timespec ts = { timegm(&tm), 400000000 };
	const u_char want[] = { 2026 >> 8, 2026 & 0xff, 12, 1, 23, 57, 33, 4, '+', 0, 0 };
	struct mib_value v;

	setenv("TZ", "IST-5:30", 1); /* five and a half hours east of UTC */
	tzset();
	mib_set_date(&v, &ts);
	assert_int_equal(v.type, ASN_OCTET_STR);
	assert_int_equal(v.len, sizeof(want));
	assert_memory_equal(v.v.s, want, sizeof(want));
	unsetenv("TZ");
	tzset();
}

/* mib_column_find(): a column of an ascending array, or NULL between, before and after. */
static void
test_column_find(void **state)
{
	static const struct mib_column cols[] = { { 2, mib_get_absent }, { 5, mib_get_active },
		{ 9, mib_get_absent } };

	assert_ptr_equal(mib_column_find(cols, 3, 2), &cols[0]);
	assert_ptr_equal(mib_column_find(cols, 3, 5), &cols[1]);
	assert_ptr_equal(mib_column_find(cols, 3, 9), &cols[2]);
	assert_null(mib_column_find(cols, 3, 1));
	assert_null(mib_column_find(cols, 3, 6));
	assert_null(mib_column_find(cols, 3, 10));
	assert_null(mib_column_find(cols, 0, 2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_row),
		cmocka_unit_test(test_absent_values),
		cmocka_unit_test(test_next_hop_address),
		cmocka_unit_test(test_getnext_walk),
		cmocka_unit_test(test_full_walk),
		cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_pending_merged_walk),
		cmocka_unit_test(test_pending_count),
		cmocka_unit_test(test_pending_interleaved),
		cmocka_unit_test(test_pending_partial_index),
		cmocka_unit_test(test_skip_bound),
		cmocka_unit_test(test_install_date_sparse),
		cmocka_unit_test(test_date_utc),
		cmocka_unit_test(test_column_find),
	};

	return cmocka_run_group_tests_name("mib", tests, setup, teardown);
}
