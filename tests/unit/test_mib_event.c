/*
 * Unit tests: cimRouteEventTable through the real handler code
 * (mib_table_get, mib_table_getnext and the event getters) over a history
 * of both families: an IPv4 row has the columns of cimIP4RouteChange, an
 * IPv6 row those of cimIP6RouteChange, each read from its table's index
 * codec, and the other family's columns are absent; a walk of one family's
 * column steps over the other family's rows; cimRouteEventAddressType
 * tells the family.
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

#include "event/notify.h"
#include "route/rt.h"
#include "snmp/mib.h"

#include "logcap.h"

static const oid entry[] = { CIMR_EVENT_ENTRY };
#define EN (sizeof(entry) / sizeof(entry[0]))

static struct notify n;

static size_t
name_of(oid *name, oid col, uint32_t seq)
{
	memcpy(name, entry, sizeof(entry));
	name[EN] = col;
	name[EN + 1] = seq;
	return EN + 2;
}

/* The history: 1 IPv4, 2 IPv6 (source-specific), 3 IPv6, 4 IPv4. */
static int
setup(void **state)
{
	struct route r4;
	struct route6 r6;
	uint8_t src[16];

	notify_init(&n);
	n.set.enabled = 0;
	n.set.history = 10;
	n.hist = calloc(10, sizeof(*n.hist));
	n.hcap = 10;
	mib_event_bind(&n);

	memset(&r4, 0, sizeof(r4));
	r4.dst = 0xc0000200; /* 192.0.2.0/24 via 10.1.0.5 dev 3, metric 7 */
	r4.plen = 24;
	r4.nexthop = 0x0a010005;
	r4.ifindex = 3;
	r4.table = 254;
	r4.metric = 7;
	notify_change(&n, NOTIFY_ADDED, &rt4_ops, &r4, 0);

	memset(&r6, 0, sizeof(r6));
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:20::", r6.dst), 1);
	r6.plen = 64;
	assert_int_equal(inet_pton(AF_INET6, "fe80::2", r6.nexthop), 1);
	r6.ifindex = 4;
	r6.table = 100;
	r6.metric = 1024;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:99::", src), 1);
	r6.src = route6_src_id(src, 56);
	notify_change(&n, NOTIFY_REMOVED, &rt6_ops, &r6, 0);
	r6.src = 0;
	r6.metric = 256;
	notify_change(&n, NOTIFY_CHANGED, &rt6_ops, &r6, 0);
	r4.metric = 8;
	notify_change(&n, NOTIFY_REMOVED, &rt4_ops, &r4, 0);
	return 0;
}

static int
teardown(void **state)
{
	notify_free(&n);
	return 0;
}

static void
assert_bytes(const struct mib_value *v, u_char type, const char *text, int af)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(af, text, a), 1);
	assert_int_equal(v->type, type);
	assert_int_equal(v->len, af == AF_INET ? 4 : 16);
	assert_memory_equal(v->v.s, a, v->len);
}

static int
get(oid col, uint32_t seq, struct mib_value *v)
{
	oid name[MAX_OID_LEN];

	return mib_table_get(mib_event_table, name, name_of(name, col, seq), v);
}

/* Column col of row seq is the number want (ASN_INTEGER or ASN_UNSIGNED). */
static void
assert_num(oid col, uint32_t seq, u_char type, unsigned long want)
{
	struct mib_value v;

	assert_int_equal(get(col, seq, &v), 0);
	assert_int_equal(v.type, type);
	assert_int_equal(v.v.u, want);
}

/* Column col of row seq is the address text (IpAddress or InetAddressIPv6). */
static void
assert_addr(oid col, uint32_t seq, const char *text)
{
	struct mib_value v;
	int af = strchr(text, ':') != NULL ? AF_INET6 : AF_INET;

	assert_int_equal(get(col, seq, &v), 0);
	assert_bytes(&v, af == AF_INET ? ASN_IPADDRESS : ASN_OCTET_STR, text, af);
}

/* An IPv4 row: cimIP4RouteChange's columns, no IPv6 ones; address type ipv4(1). */
static void
test_ipv4_row(void **state)
{
	struct mib_value v;

	assert_num(COL_EVENT_KIND, 1, ASN_INTEGER, NOTIFY_ADDED);
	assert_addr(COL_EVENT_DESTINATION, 1, "192.0.2.0");
	assert_addr(COL_EVENT_MASK, 1, "255.255.255.0");
	assert_addr(COL_EVENT_NEXTHOP, 1, "10.1.0.5");
	assert_num(COL_EVENT_IFINDEX, 1, ASN_INTEGER, 3);
	assert_num(COL_EVENT_TOS, 1, ASN_UNSIGNED, 0);
	assert_num(COL_EVENT_KERNELMETRIC, 1, ASN_UNSIGNED, 7);
	assert_num(COL_EVENT_ADDRESSTYPE, 1, ASN_INTEGER, 1);
	for (oid col = COL_EVENT_IP6DESTINATION; col <= COL_EVENT_IP6SOURCELENGTH; col++)
		assert_int_equal(get(col, 1, &v), SNMP_NOSUCHINSTANCE);
	/* 11-15 are no columns. */
	assert_int_equal(get(11, 1, &v), SNMP_NOSUCHOBJECT);
}

/* An IPv6 row: cimIP6RouteChange's columns, shared interface/table/metric, no IPv4 ones. */
static void
test_ipv6_row(void **state)
{
	struct mib_value v;

	assert_num(COL_EVENT_KIND, 2, ASN_INTEGER, NOTIFY_REMOVED);
	assert_addr(COL_EVENT_IP6DESTINATION, 2, "2001:db8:20::");
	assert_num(COL_EVENT_IP6PREFIXLENGTH, 2, ASN_UNSIGNED, 64);
	assert_addr(COL_EVENT_IP6NEXTHOP, 2, "fe80::2");
	assert_num(COL_EVENT_IFINDEX, 2, ASN_INTEGER, 4);
	assert_num(COL_EVENT_KERNELTABLE, 2, ASN_UNSIGNED, 100);
	assert_num(COL_EVENT_KERNELMETRIC, 2, ASN_UNSIGNED, 1024);
	assert_addr(COL_EVENT_IP6SOURCE, 2, "2001:db8:99::");
	assert_num(COL_EVENT_IP6SOURCELENGTH, 2, ASN_UNSIGNED, 56);
	assert_num(COL_EVENT_ADDRESSTYPE, 2, ASN_INTEGER, 2);
	/* An ordinary route: :: and 0. */
	assert_addr(COL_EVENT_IP6SOURCE, 3, "::");
	assert_num(COL_EVENT_IP6SOURCELENGTH, 3, ASN_UNSIGNED, 0);
	/* cimIP4RouteChange's own: Destination, Mask, NextHop, Tos. */
	for (oid col = COL_EVENT_DESTINATION; col <= COL_EVENT_TOS; col++)
		if (col < COL_EVENT_IFINDEX || col == COL_EVENT_TOS)
			assert_int_equal(get(col, 2, &v), SNMP_NOSUCHINSTANCE);
}

/* GETNEXT from name: the column and sequence of the answer. */
static void
assert_next(const oid *name, size_t len, oid col, uint32_t seq)
{
	oid out[MAX_OID_LEN];
	size_t outlen;
	struct mib_value v;

	assert_int_equal(mib_table_getnext(mib_event_table, name, len, 1, out, &outlen, &v), 0);
	assert_int_equal(outlen, EN + 2);
	assert_int_equal(out[EN], col);
	assert_int_equal(out[EN + 1], seq);
}

/* A walk of one family's column steps over the other family's rows, then goes on. */
static void
test_walk_by_family(void **state)
{
	oid name[MAX_OID_LEN];

	assert_next(name, name_of(name, COL_EVENT_MASK, 1), COL_EVENT_MASK, 4);
	assert_next(name, name_of(name, COL_EVENT_MASK, 4), COL_EVENT_NEXTHOP, 1);
	assert_next(name, name_of(name, COL_EVENT_IFINDEX, 1), COL_EVENT_IFINDEX, 2);
	assert_next(name, name_of(name, COL_EVENT_KERNELMETRIC, 4), COL_EVENT_IP6DESTINATION, 2);
	assert_next(name, name_of(name, COL_EVENT_IP6DESTINATION, 3), COL_EVENT_IP6PREFIXLENGTH, 2);
	assert_next(name, name_of(name, COL_EVENT_IP6SOURCELENGTH, 3), COL_EVENT_ADDRESSTYPE, 1);
	assert_next(name, EN, COL_EVENT_TIMECREATED, 1); /* the entry itself */
	{
		oid out[MAX_OID_LEN];
		size_t outlen;
		struct mib_value v;

		name_of(name, COL_EVENT_ADDRESSTYPE, 4);
		assert_int_equal(mib_table_getnext(mib_event_table, name, EN + 2, 1, out, &outlen,
				     &v),
		    SNMP_ENDOFMIBVIEW);
	}
}

/* A refused write of a setting: its status, and its line in the house's form (txn_refuse()). */
static void
refused(oid arc, u_char type, long value, size_t len, int status, const char *line)
{
	netsnmp_variable_list vb;
	void *ctx;
	const struct mib_scalar_ops *ops = mib_event_setting(arc, &ctx);

	assert_non_null(ops);
	memset(&vb, 0, sizeof(vb));
	snmp_set_var_typed_value(&vb, type, &value, sizeof(value));
	vb.val_len = len;
	logged[0] = '\0';
	assert_int_equal(ops->check(&vb, ctx), status);
	assert_string_equal(logged, line);
	snmp_free_var_internals(&vb);
}

static void
test_settings_refused(void **state)
{
	refused(EVENT_NOTIFYRATELIMIT, ASN_INTEGER, 5, sizeof(long), SNMP_ERR_WRONGTYPE,
	    "set: refused (wrongType): cimRouteNotifyRateLimit.0: type 0x02 is not Unsigned32\n");
	refused(EVENT_NOTIFYRATELIMIT, ASN_UNSIGNED, 100001, sizeof(long), SNMP_ERR_WRONGVALUE,
	    "set: refused (wrongValue): cimRouteNotifyRateLimit.0: 100001 is not in 0..100000\n");
	refused(EVENT_NOTIFYENABLED, ASN_INTEGER, 3, sizeof(long), SNMP_ERR_WRONGVALUE,
	    "set: refused (wrongValue): cimRouteNotifyEnabled.0: 3 is not in 1..2\n");
	refused(EVENT_NOTIFYENABLED, ASN_UNSIGNED, 1, sizeof(long), SNMP_ERR_WRONGTYPE,
	    "set: refused (wrongType): cimRouteNotifyEnabled.0: type 0x42 is not INTEGER (a "
	    "TruthValue)\n");
	refused(EVENT_HISTORYSIZE, ASN_UNSIGNED, 3, 4, SNMP_ERR_WRONGLENGTH,
	    "set: refused (wrongLength): cimRouteEventHistorySize.0: a value of 4 bytes is no "
	    "number\n");
	refused(EVENT_HISTORYSIZE, ASN_UNSIGNED, 100000, sizeof(long), SNMP_ERR_NOERROR, "");
	assert_null(mib_event_setting(EVENT_LASTSEQUENCE, &(void *){ NULL }));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_row),
		cmocka_unit_test(test_ipv6_row),
		cmocka_unit_test(test_walk_by_family),
		cmocka_unit_test(test_settings_refused),
	};

	logcap_start();

	return cmocka_run_group_tests(tests, setup, teardown);
}
