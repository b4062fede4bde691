/*
 * Unit tests: cimIP6RouteTable through the real handler code (mib_table_get
 * and mib_table_getnext over the route tables' one row iteration, route/mib_rt,
 * and the IPv6 column getters): the index order (destination, prefix length,
 * next hop, interface, table, metric, source prefix), GETNEXT from a row, a
 * gap, a partial index and past the end, an empty table, and the columns that
 * are IPv6's own (Preference, ValidLifetime) or read differently (Caption with
 * a source prefix, Type of a blackhole, Metric1 beyond Integer32).
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/rtnetlink.h>

#include "route/mirror.h"
#include "route/route6.h"
#include "route/rt.h"
#include "snmp/mib.h"

#include "fixture.h"

static const oid entry6[] = { CIMR_IP6ROUTE_ENTRY };
#define E6 (sizeof(entry6) / sizeof(entry6[0]))

static struct mirror *m6;
/* The rows in index order: a, b (a's gateway on another link), c (a source prefix), d. */
static struct route6 rows[4];

static struct route6
route6_of(const char *dst, uint8_t plen, const char *gw, int32_t ifindex, uint32_t metric)
{
	return fx_route6(dst, plen, gw, ifindex, metric, RTPROT_BOOT);
}

static int
setup(void **state)
{
	static const struct mirror_config cfg = { .tables = { RT_TABLE_MAIN }, .ntables = 1 };
	struct route6 v[4];
	uint8_t src[16];

	m6 = mirror_new_family(&rt6_ops, &cfg);
	assert_non_null(m6);
	rows[0] = route6_of("2001:db8::", 32, "fe80::1", 2, 1024);
	rows[0].proto = RTPROT_RA;
	rows[0].pref = 1; /* ICMPV6_ROUTER_PREF_HIGH */
	rows[0].expires = mirror_now(m6) + 100;
	rows[1] = route6_of("2001:db8::", 32, "fe80::1", 3, 1024);
	rows[2] = route6_of("2001:db8::", 32, "fe80::2", 2, 1024);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:ff::", src), 1);
	rows[2].src = route6_src_id(src, 56);
	assert_int_not_equal(rows[2].src, 0);
	rows[3] = route6_of("2001:db8:1::", 48, NULL, 1, 3000000000u);
	rows[3].type = RTN_BLACKHOLE;
	rows[3].pref = 3; /* ICMPV6_ROUTER_PREF_LOW */
	/* Out of order: the load sorts them. */
	v[0] = rows[3];
	v[1] = rows[2];
	v[2] = rows[0];
	v[3] = rows[1];
	assert_int_equal(mirror_inject(m6, v, 4), 0);
	mib_route6_bind(m6);
	return 0;
}

static int
teardown(void **state)
{
	mirror_free(m6);
	return 0;
}

/* name = entry . col . index of r; its length. */
static size_t
name_of(oid *name, oid col, const struct route6 *r)
{
	memcpy(name, entry6, sizeof(entry6));
	name[E6] = col;
	route6_index_oid(r, name + E6 + 1);
	return E6 + 1 + ROUTE6_INDEX_LEN;
}

static void
get_ok(oid col, const struct route6 *r, struct mib_value *v)
{
	oid name[MAX_OID_LEN];

	assert_int_equal(mib_table_get(mib_route6_table, name, name_of(name, col, r), v), 0);
}

static void
assert_str(const struct mib_value *v, const char *want)
{
	assert_int_equal(v->type, ASN_OCTET_STR);
	assert_int_equal(v->len, strlen(want));
	assert_memory_equal(v->v.s, want, v->len);
}

static void
test_columns(void **state)
{
	oid name[MAX_OID_LEN];
	struct mib_value v;

	get_ok(COL_IP6ROUTE_PREFERENCE, &rows[0], &v);
	assert_int_equal(v.v.i, 1); /* high(1) */
	get_ok(COL_IP6ROUTE_PREFERENCE, &rows[3], &v);
	assert_int_equal(v.v.i, -1); /* low(-1) */
	get_ok(COL_IP6ROUTE_PREFERENCE, &rows[1], &v);
	assert_int_equal(v.v.i, 0); /* medium(0) */
	get_ok(COL_IP6ROUTE_VALIDLIFETIME, &rows[0], &v);
	assert_int_equal(v.type, ASN_UNSIGNED);
	assert_true(v.v.u >= 99 && v.v.u <= 100);
	get_ok(COL_IP6ROUTE_VALIDLIFETIME, &rows[1], &v);
	assert_int_equal(v.v.u, 4294967295UL); /* does not expire */
	get_ok(COL_IP6ROUTE_CAPTION, &rows[2], &v);
	assert_str(&v, "2001:db8::/32 from 2001:db8:ff::/56 via fe80::2 dev if2");
	get_ok(COL_IP6ROUTE_CAPTION, &rows[3], &v);
	assert_str(&v, "blackhole 2001:db8:1::/48 dev if1");
	get_ok(COL_IP6ROUTE_DESCRIPTION, &rows[3], &v);
	assert_str(&v,
	    "blackhole 2001:db8:1::/48 dev if1 table main proto boot metric 3000000000 pref low");
	get_ok(COL_IP6ROUTE_NAME, &rows[2], &v);
	assert_str(&v, "2001:db8::/32");
	get_ok(COL_IP6ROUTE_TYPE, &rows[0], &v);
	assert_int_equal(v.v.i, 4); /* indirect(4) */
	get_ok(COL_IP6ROUTE_TYPE, &rows[3], &v);
	assert_int_equal(v.v.i, 1); /* other(1) */
	get_ok(COL_IP6ROUTE_PROTOCOL, &rows[0], &v);
	assert_int_equal(v.v.i, 4); /* ra: icmp(4) */
	get_ok(COL_IP6ROUTE_KERNELTYPE, &rows[3], &v);
	assert_int_equal(v.v.i, RTN_BLACKHOLE);
	get_ok(COL_IP6ROUTE_METRIC1, &rows[1], &v);
	assert_int_equal(v.v.i, 1024);
	get_ok(COL_IP6ROUTE_ROWSTATUS, &rows[1], &v);
	assert_int_equal(v.v.i, RS_ACTIVE);
	/* Absent: Metric1 beyond Integer32; a column that does not exist; the index columns. */
	assert_int_equal(mib_table_get(mib_route6_table, name,
			     name_of(name, COL_IP6ROUTE_METRIC1, &rows[3]), &v),
	    SNMP_NOSUCHINSTANCE);
	assert_int_equal(mib_table_get(mib_route6_table, name, name_of(name, 23, &rows[3]), &v),
	    SNMP_NOSUCHOBJECT);
	assert_int_equal(mib_table_get(mib_route6_table, name, name_of(name, 8, &rows[3]), &v),
	    SNMP_NOSUCHOBJECT);
	/* Not a row: the source prefix length off by one. */
	name[E6 + ROUTE6_INDEX_LEN] = 55;
	name[E6] = COL_IP6ROUTE_AGE;
	assert_int_equal(mib_table_get(mib_route6_table, name, E6 + 1 + ROUTE6_INDEX_LEN, &v),
	    SNMP_NOSUCHINSTANCE);
}

/* GETNEXT from name answers column col of row r. */
static void
next_is(const oid *name, size_t len, oid col, const struct route6 *r)
{
	oid out[MAX_OID_LEN], want[MAX_OID_LEN];
	size_t outlen, wlen = name_of(want, col, r);
	struct mib_value v;

	assert_int_equal(mib_table_getnext(mib_route6_table, name, len, 1, out, &outlen, &v), 0);
	assert_int_equal(outlen, wlen);
	assert_memory_equal(out, want, wlen * sizeof(oid));
}

static void
test_getnext(void **state)
{
	oid name[MAX_OID_LEN], out[MAX_OID_LEN];
	size_t len, outlen;
	struct mib_value v;

	/* The entry, and the index columns before Age: Age of the first row. */
	next_is(entry6, E6, COL_IP6ROUTE_AGE, &rows[0]);
	memcpy(name, entry6, sizeof(entry6));
	name[E6] = 8;
	next_is(name, E6 + 1, COL_IP6ROUTE_AGE, &rows[0]);
	/* Row by row: the interface, then the source prefix, then the destination decide. */
	for (int i = 0; i < 3; i++) {
		len = name_of(name, COL_IP6ROUTE_NAME, &rows[i]);
		next_is(name, len, COL_IP6ROUTE_NAME, &rows[i + 1]);
	}
	/* A gap: a row's index and one more sub-identifier. */
	len = name_of(name, COL_IP6ROUTE_CAPTION, &rows[1]);
	name[len++] = 0;
	next_is(name, len, COL_IP6ROUTE_CAPTION, &rows[2]);
	/* A partial index: 2001:db8:1 precedes 2001:db8:1::/48 only. */
	memcpy(name, entry6, sizeof(entry6));
	name[E6] = COL_IP6ROUTE_TYPE;
	name[E6 + 1] = 32;
	name[E6 + 2] = 1;
	name[E6 + 3] = 13;
	name[E6 + 4] = 184;
	name[E6 + 5] = 0;
	name[E6 + 6] = 1;
	next_is(name, E6 + 7, COL_IP6ROUTE_TYPE, &rows[3]);
	/* Out of range (an address octet of 300): after every 2001:db8:: row. */
	name[E6 + 5] = 300;
	next_is(name, E6 + 6, COL_IP6ROUTE_TYPE + 1, &rows[0]);
	/* Metric1 skips the row that has none. */
	len = name_of(name, COL_IP6ROUTE_METRIC1, &rows[2]);
	next_is(name, len, COL_IP6ROUTE_PREFERENCE, &rows[0]);
	/* After the last row of the last column: the end. */
	len = name_of(name, COL_IP6ROUTE_ROWSTATUS, &rows[3]);
	assert_int_equal(mib_table_getnext(mib_route6_table, name, len, 1, out, &outlen, &v),
	    SNMP_ENDOFMIBVIEW);
}

/*
 * Each column walked from its column OID until the walk leaves it: its rows in
 * index order, all four but where a value is absent.
 */
static void
test_columns_walked(void **state)
{
	for (size_t k = 0; k < 14; k++) {
		oid col = COL_IP6ROUTE_AGE + k, name[MAX_OID_LEN], out[MAX_OID_LEN];
		size_t len = E6 + 1, outlen, rows_in = 0;
		struct mib_value v;

		memcpy(name, entry6, sizeof(entry6));
		name[E6] = col;
		while (mib_table_getnext(mib_route6_table, name, len, 1, out, &outlen, &v) == 0 &&
		    out[E6] == col) {
			assert_true(snmp_oid_compare(out, outlen, name, len) > 0);
			memcpy(name, out, outlen * sizeof(oid));
			len = outlen;
			rows_in++;
		}
		/* InstallDate: loaded, not seen appearing; Metric1: one metric beyond Integer32. */
		assert_int_equal(rows_in,
		    col == COL_IP6ROUTE_INSTALLDATE ? 0 :
			col == COL_IP6ROUTE_METRIC1 ? 3 :
						      4);
	}
}

static void
test_empty(void **state)
{
	static const struct mirror_config cfg = { .tables = { RT_TABLE_MAIN }, .ntables = 1 };
	struct mirror *empty = mirror_new_family(&rt6_ops, &cfg);
	oid out[MAX_OID_LEN];
	size_t outlen;
	struct mib_value v;

	mib_route6_bind(empty);
	assert_int_equal(mib_table_getnext(mib_route6_table, entry6, E6, 1, out, &outlen, &v),
	    SNMP_ENDOFMIBVIEW);
	mirror_free(empty);
	mib_route6_bind(m6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_getnext),
		cmocka_unit_test(test_columns_walked),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
