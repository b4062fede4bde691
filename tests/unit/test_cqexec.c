/* Unit tests: cimq's SNMP-to-WMI value conversion and object paths (cimq/exec.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cimq/exec.h"
#include "cimq/wql.h"
#include "cqmib.h"

static const struct cmap_prop *
prop(const char *cls, const char *name)
{
	const struct cmap_prop *p = cmap_prop(cmap_class(map, cls), name);

	assert_non_null(p);
	return p;
}

/* Converts a varbind of type t and value val (vlen bytes) for cls.name. */
static void
conv(const char *cls, const char *name, u_char t, const void *val, size_t vlen,
    struct cq_value *out)
{
	netsnmp_variable_list vb = { 0 };

	snmp_set_var_typed_value(&vb, t, val, vlen);
	exec_convert(map, prop(cls, name), &vb, out);
	snmp_free_var_internals(&vb);
}

static void
expect_str(const char *cls, const char *name, u_char t, const void *val, size_t vlen,
    const char *want)
{
	struct cq_value v;

	conv(cls, name, t, val, vlen, &v);
	if (want == NULL) {
		assert_int_equal(v.kind, CQ_V_NULL);
		return;
	}
	assert_int_equal(v.kind, CQ_V_STR);
	assert_string_equal(v.s, want);
	cq_value_clear(&v);
}

static void
test_strings(void **state)
{
	static const u_char mac[] = { 0x00, 0x80, 0xc7, 0x8f, 0x6c, 0x96 };
	static const u_char ip[] = { 192, 0, 2, 1 };
	static const u_char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const u_char dt[] = { 0x07, 0xea, 12, 2, 16, 43, 52, 7, '-', 5, 30 };

	(void)state;
	if (map == NULL)
		skip();
	expect_str("Win32_NetworkAdapter", "MACAddress", ASN_OCTET_STR, mac, 6,
	    "00:80:C7:8F:6C:96");
	expect_str("Win32_NetworkAdapter", "MACAddress", ASN_OCTET_STR, mac, 0, NULL);
	expect_str("Win32_IP4RouteTable", "Destination", ASN_IPADDRESS, ip, 4, "192.0.2.1");
	expect_str("Win32_IP4RouteTable", "Destination", ASN_IPADDRESS, ip, 3, NULL);
	expect_str("Win32_NetworkAdapterConfiguration", "DefaultIPGateway", ASN_OCTET_STR, v6, 16,
	    "2001:db8::1");
	expect_str("Win32_NetworkAdapterConfiguration", "DefaultIPGateway", ASN_OCTET_STR, ip, 4,
	    "192.0.2.1");
	/* DateAndTime: deci-seconds to microseconds, the UTC offset in minutes */
	expect_str("Win32_IP4RouteTable", "InstallDate", ASN_OCTET_STR, dt, 11,
	    "20261202164352.700000-330");
	expect_str("Win32_IP4RouteTable", "InstallDate", ASN_OCTET_STR, dt, 8,
	    "20261202164352.700000+000");
	expect_str("Win32_IP4RouteTable", "InstallDate", ASN_OCTET_STR, dt, 9, NULL);
	expect_str("Win32_IP4RouteTable", "Caption", ASN_OCTET_STR, "a\0b", 3, "a");
	/* the wrong SNMP type is NULL */
	expect_str("Win32_IP4RouteTable", "Caption", ASN_INTEGER, &(long){ 3 }, sizeof(long), NULL);
}

static void
test_numbers(void **state)
{
	struct cq_value v;
	long l;
	struct counter64 c64 = { .high = 2, .low = 5 };

	(void)state;
	if (map == NULL)
		skip();
	l = 1, conv("Win32_NetworkAdapter", "NetEnabled", ASN_INTEGER, &l, sizeof(l), &v);
	assert_int_equal(v.kind, CQ_V_BOOL), assert_true(v.b);
	l = 2, conv("Win32_NetworkAdapter", "NetEnabled", ASN_INTEGER, &l, sizeof(l), &v);
	assert_int_equal(v.kind, CQ_V_BOOL), assert_false(v.b);
	l = 3, conv("Win32_NetworkAdapter", "NetEnabled", ASN_INTEGER, &l, sizeof(l), &v);
	assert_int_equal(v.kind, CQ_V_NULL); /* not a TruthValue */
	l = -1, conv("Win32_IP4RouteTable", "Metric2", ASN_INTEGER, &l, sizeof(l), &v);
	assert_int_equal(v.kind, CQ_V_SINT), assert_int_equal(v.i, -1);
	l = 4, conv("Win32_IP4RouteTable", "Type", ASN_INTEGER, &l, sizeof(l), &v);
	assert_int_equal(v.kind, CQ_V_UINT), assert_int_equal(v.u, 4);
	l = -4, conv("Win32_IP4RouteTable", "Type", ASN_INTEGER, &l, sizeof(l), &v);
	assert_int_equal(v.kind, CQ_V_NULL); /* uint32 cannot be negative */
	conv("Win32_NetworkAdapter", "Speed", ASN_COUNTER64, &c64, sizeof(c64), &v);
	assert_int_equal(v.kind, CQ_V_UINT), assert_true(v.u == ((2ull << 32) | 5));
}

/* RowPointer to a WMI object path with the class's keys only. */
static void
test_ref(void **state)
{
	const struct cmap_class *rt = cmap_class(map, "Win32_IP4RouteTable");
	oid ptr[MAX_OID_LEN];
	static const oid ix[] = { 10, 1, 0, 0, 255, 255, 0, 0, 192, 0, 2, 1, 3, 254, 0, 10 };
	size_t n = rt->table.entry_len;
	struct cq_value v;
	netsnmp_variable_list vb = { 0 };

	(void)state;
	if (map == NULL)
		skip();
	memcpy(ptr, rt->table.entry, n * sizeof(oid));
	ptr[n] = 8;
	memcpy(ptr + n + 1, ix, sizeof(ix));
	snmp_set_var_typed_value(&vb, ASN_OBJECT_ID, ptr, (n + 1 + 16) * sizeof(oid));
	exec_convert(map, prop("Win32_ActiveRoute", "SystemElement"), &vb, &v);
	assert_int_equal(v.kind, CQ_V_STR);
	assert_string_equal(v.s,
	    "Win32_IP4RouteTable.Destination=\"10.1.0.0\",Mask=\"255.255.0.0\","
	    "NextHop=\"192.0.2.1\",InterfaceIndex=3");
	cq_value_clear(&v);
	/* a pointer elsewhere stays an OID */
	snmp_set_var_typed_value(&vb, ASN_OBJECT_ID, ptr, 3 * sizeof(oid));
	exec_convert(map, prop("Win32_ActiveRoute", "SystemElement"), &vb, &v);
	assert_int_equal(v.kind, CQ_V_STR);
	assert_string_equal(v.s, "1.3.6");
	cq_value_clear(&v);
	snmp_free_var_internals(&vb);
	assert_null(exec_index_path(rt, ix, 15)); /* malformed index */
}

/* A string key holding " and \ is escaped in the path, and the path reads back to it. */
static void
test_path_escapes(void **state)
{
	const struct cmap_class *c = cmap_class(map, "cimIP6PersistedRoute");
	/* 2001:db8::/32, next hop ::, interface a"b\c (5 octets), metric 7 */
	static const oid ix[] = { 32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 'a', '"', 'b', '\\', 'c', 7 };
	struct wql_stmt *st = NULL;
	struct wql_err err;
	char *path;
	int found = 0;

	(void)state;
	if (map == NULL)
		skip();
	assert_non_null(c);
	path = exec_index_path(c, ix, sizeof(ix) / sizeof(ix[0]));
	assert_non_null(path);
	assert_non_null(strstr(path, "=\"a\\\"b\\\\c\""));
	assert_int_equal(wql_parse_path(path, &st, &err), 0);
	for (size_t i = 0; i < st->nset; i++)
		if (st->set[i].val.kind == WQL_L_STR && strcmp(st->set[i].val.s, "a\"b\\c") == 0)
			found = 1;
	assert_true(found);
	wql_free(st);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_ref),
		cmocka_unit_test(test_path_escapes),
	};

	return cmocka_run_group_tests(tests, cq_setup, cq_teardown);
}
