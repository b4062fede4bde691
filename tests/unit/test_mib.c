/*
 * Unit tests: GET and GETNEXT on cimIP4RouteTable through the real handler
 * code (mib_table_get/getnext with the route table's seek, next, index and
 * column getters), from a row, a gap, before the first row, after the last,
 * a partial index, odd sub-identifiers, and an empty table.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/rtnetlink.h>

#include "mib.h"
#include "mirror.h"

void mib_route_bind(struct mirror *m);

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const oid entry[] = { CIMR_IP4ROUTE, 3, 1 };
#define ENTRY_LEN (sizeof(entry) / sizeof(entry[0]))

static struct mirror *m;

static struct route
R(uint32_t dst, uint8_t plen, uint32_t nh, int32_t ifindex, uint32_t metric, uint8_t proto)
{
	struct route r;

	memset(&r, 0, sizeof(r));
	r.dst = dst;
	r.plen = plen;
	r.nexthop = nh;
	r.flags = nh ? ROUTE_F_GATEWAY : 0;
	r.ifindex = ifindex;
	r.table = 254;
	r.metric = metric;
	r.type = RTN_UNICAST;
	r.proto = proto;
	return r;
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
	mib_route_bind(m);
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

static void
test_getnext_walk(void **state)
{
	/* Before the table (the table OID itself, and something lower): the first row of column 8. */
	struct route first = R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 0, RTPROT_BGP);
	struct route second = R(IP(10, 0, 0, 0), 8, IP(192, 0, 2, 1), 2, 3000000000u, RTPROT_STATIC);
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
	len = row_oid(name, 24, &last);
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
	/* 17 accessible columns x 4 rows, less Metric1 of one row and InstallDate of all. */
	assert_int_equal(n, 17 * 4 - 1 - 4);
}

static void
test_empty_table(void **state)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	struct mirror *empty = mirror_new(&cfg);
	oid out[MAX_OID_LEN], name[MAX_OID_LEN];
	size_t outlen;
	struct mib_value v;

	mib_route_bind(empty);
	assert_int_equal(mib_table_getnext(mib_route_table, entry, ENTRY_LEN, 1, out, &outlen, &v),
	    SNMP_ENDOFMIBVIEW);
	memcpy(name, entry, sizeof(entry));
	name[ENTRY_LEN] = 8;
	assert_int_equal(mib_table_get(mib_route_table, name, ENTRY_LEN + 1, &v), SNMP_NOSUCHINSTANCE);
	mirror_free(empty);
	mib_route_bind(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_row),
		cmocka_unit_test(test_absent_values),
		cmocka_unit_test(test_getnext_walk),
		cmocka_unit_test(test_full_walk),
		cmocka_unit_test(test_empty_table),
	};

	return cmocka_run_group_tests_name("mib", tests, setup, teardown);
}
