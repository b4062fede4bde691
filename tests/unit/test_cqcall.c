/*
 * Unit tests of cimq's method calls with parameters (cimq/call.c): the
 * parameters checked against WMI's signatures and mapped through map.tsv and
 * the MIB, the refusals before any SET (with WMI's return code), and the
 * varbinds of the SET each method makes, given the rows the agent has.  No
 * network: tests/integration/cimq_write.sh drives the same against
 * cimrouted.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cimq/call.h"
#include "tests/unit/cqmib.h"

#define NAC "Win32_NetworkAdapterConfiguration"

struct built {
	struct wql_stmt *s;
	struct call *cl;
	long code;
	struct exec_err err;
	int rc;
};

/* call_build of query q. */
static void
build(const char *q, struct built *b)
{
	struct wql_err werr;

	if (wql_parse(q, &b->s, &werr) != 0)
		fail_msg("%s: %s", q, werr.msg);
	b->rc = call_build(cmap_class(map, b->s->cls), b->s, &b->cl, &b->code, &b->err);
}

static void
unbuild(struct built *b)
{
	call_free(b->cl);
	wql_free(b->s);
}

/* "1.2.3" to sub-identifiers; the count. */
static size_t
subids(const char *text, oid *o)
{
	size_t n = 0;

	for (char *e; *text != '\0'; text = *e == '.' ? e + 1 : e)
		o[n++] = strtoul(text, &e, 10);
	return n;
}

static struct plan_key
key(const char *text)
{
	struct plan_key k;

	k.len = subids(text, k.sub);
	return k;
}

/* vb is OBJECT.SUFFIX. */
static void
expect_name(const netsnmp_variable_list *vb, const char *object, const char *suffix)
{
	oid want[MAX_OID_LEN];
	size_t len = MAX_OID_LEN;
	char name[128], got[256];

	assert_non_null(vb);
	snprintf(name, sizeof(name), "CIM-ROUTE-MIB::%s", object);
	assert_true(read_objid(name, want, &len));
	len += subids(suffix, want + len);
	snprint_objid(got, sizeof(got), vb->name, vb->name_length);
	if (snmp_oid_compare(vb->name, vb->name_length, want, len) != 0)
		fail_msg("got %s, wanted %s.%s", got, object, suffix);
}

/* vb is OBJECT.SUFFIX with an integer value v; the next. */
static const netsnmp_variable_list *
expect_int(const netsnmp_variable_list *vb, const char *object, const char *suffix, long v)
{
	expect_name(vb, object, suffix);
	assert_true(vb->type == ASN_INTEGER || vb->type == ASN_UNSIGNED);
	assert_int_equal(*vb->val.integer, v);
	return vb->next_variable;
}

/* vb is OBJECT.SUFFIX with the n octets bytes (a string or an address). */
static const netsnmp_variable_list *
expect_octets(const netsnmp_variable_list *vb, const char *object, const char *suffix,
    const char *bytes, size_t n)
{
	expect_name(vb, object, suffix);
	assert_true(vb->type == ASN_OCTET_STR || vb->type == ASN_IPADDRESS);
	assert_int_equal(vb->val_len, n);
	assert_memory_equal(vb->val.string, bytes, n);
	return vb->next_variable;
}

/* The SET q makes on instance inst given old rows (one list a table). */
static netsnmp_pdu *
set_of(const char *q, const char *inst, const struct call_old *old)
{
	struct built b;
	struct plan_key k = key(inst);
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);
	struct call_old none[4] = { { 0 } };

	build(q, &b);
	if (b.rc != 0)
		fail_msg("%s: %d %s", q, b.rc, b.err.msg);
	assert_int_equal(call_pdu(b.cl, &k, old != NULL ? old : none, pdu), 0);
	unbuild(&b);
	return pdu;
}

static void
test_enable_static(void **state)
{
	netsnmp_pdu *pdu;
	const netsnmp_variable_list *v;
	struct plan_key rows[3] = { key("1.4.192.0.2.7.24"), key("1.4.10.0.0.1.8"),
		key("2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.64") };
	struct call_old old[1] = { { rows, 3 } };

	(void)state;
	if (map == NULL)
		skip();
	pdu = set_of("CALL " NAC ".EnableStatic(IPAddress=('192.0.2.7','192.0.2.8'), "
		     "SubnetMask=('255.255.255.0','255.255.255.128')) WHERE Index = 3",
	    "3", NULL);
	v = expect_int(pdu->variables, "cimAdapterCfgAddressRowStatus", "3.1.4.192.0.2.7.24", 4);
	v = expect_int(v, "cimAdapterCfgAddressRowStatus", "3.1.4.192.0.2.8.25", 4);
	v = expect_int(v, "cimAdapterCfgDHCPEnabled", "3", 2); /* DHCP stopped */
	assert_null(v);
	snmp_free_pdu(pdu);
	/* the rows the interface has: 192.0.2.7/24 kept, 10.0.0.1/8 destroyed first,
	   fe80::1/64 left alone (an IPv4 list replaces the IPv4 addresses) */
	pdu = set_of("CALL " NAC ".EnableStatic(IPAddress=('192.0.2.7','192.0.2.8'), "
		     "SubnetMask=('255.255.255.0','255.255.255.0')) WHERE Index = 3",
	    "3", old);
	v = expect_int(pdu->variables, "cimAdapterCfgAddressRowStatus", "3.1.4.10.0.0.1.8", 6);
	v = expect_int(v, "cimAdapterCfgAddressRowStatus", "3.1.4.192.0.2.8.24", 4);
	v = expect_int(v, "cimAdapterCfgDHCPEnabled", "3", 2);
	assert_null(v);
	snmp_free_pdu(pdu);
	/* IPv6: the prefix length as WMI gives it, type ipv6(2), 16 octets */
	pdu = set_of("CALL " NAC ".EnableStatic(IPAddress='2001:db8::7', SubnetMask='64') "
		     "WHERE Index = 5",
	    "5", NULL);
	v = expect_int(pdu->variables, "cimAdapterCfgAddressRowStatus",
	    "5.2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.7.64", 4);
	snmp_free_pdu(pdu);
	/* an IPv6 list: the IPv6 rows replaced, the IPv4 ones left alone */
	pdu = set_of("CALL " NAC ".EnableStatic(IPAddress='fe80::1', SubnetMask='64') "
		     "WHERE Index = 3",
	    "3", old);
	v = expect_int(pdu->variables, "cimAdapterCfgDHCPEnabled", "3", 2);
	assert_null(v);
	snmp_free_pdu(pdu);
}

/* q is refused before any SET: status, WMI's code, a message containing msg. */
static void
refused(const char *q, int status, long code, const char *msg)
{
	struct built b;

	build(q, &b);
	if (b.rc != -1 || b.err.status != status || b.code != code || !strstr(b.err.msg, msg))
		fail_msg("%s: rc %d, status %d, code %ld, '%s'", q, b.rc, b.err.status, b.code,
		    b.err.msg);
	assert_null(b.cl);
	unbuild(&b);
}

static void
test_refusals(void **state)
{
	(void)state;
	if (map == NULL)
		skip();
	refused("CALL " NAC ".EnableStatic(IPAddress=('192.0.2.7'), SubnetMask=('255.255.255.0', "
		"'255.255.255.0'))",
	    CIMQ_REFUSED, 68, "IPAddress has 1 elements, SubnetMask 2");
	refused("CALL " NAC
		".EnableStatic(IPAddress=('192.0.2.300'), SubnetMask=('255.255.255.0'))",
	    CIMQ_REFUSED, 70, "IPAddress[0] '192.0.2.300' is not an IP address");
	refused("CALL " NAC ".EnableStatic(IPAddress=('192.0.2.7'), SubnetMask=('255.0.255.0'))",
	    CIMQ_REFUSED, 66, "SubnetMask[0] '255.0.255.0' is not a subnet mask");
	refused("CALL " NAC ".EnableStatic(IPAddress=('192.0.2.7'), SubnetMask=('0.0.0.0'))",
	    CIMQ_REFUSED, 66, "is not a subnet mask");
	refused("CALL " NAC ".EnableStatic(IPAddress=('2001:db8::1'), SubnetMask=('129'))",
	    CIMQ_REFUSED, 66, "is not a prefix length");
	refused("CALL " NAC ".EnableStatic(IPAddress=('192.0.2.7','192.0.2.7'), "
		"SubnetMask=('255.255.255.0','255.255.255.0'))",
	    CIMQ_REFUSED, 68, "element 1 is element 0 again");
	/* an element twice: the same element of the list's array, whatever the other
	   arrays give with it or where the list's rows are indexed */
	refused("CALL " NAC ".EnableStatic(IPAddress=('192.0.2.7','192.0.2.7'), "
		"SubnetMask=('255.255.255.0','255.255.255.128'))",
	    CIMQ_REFUSED, 68, "element 1 is element 0 again");
	refused("CALL " NAC ".SetGateways(DefaultIPGateway=('192.0.2.1','192.0.2.2','192.0.2.1'), "
		"GatewayCostMetric=(1, 2, 3))",
	    CIMQ_REFUSED, 68, "element 2 is element 0 again");
	refused("CALL " NAC ".SetDNSServerSearchOrder(DNSServerSearchOrder=('192.0.2.53',"
		"'2001:db8::53','2001:DB8:0::53'))",
	    CIMQ_REFUSED, 68, "element 2 is element 1 again");
	refused("CALL " NAC ".SetDNSSuffixSearchOrder(DNSDomainSuffixSearchOrder=('a.example',"
		"'A.Example'))",
	    CIMQ_REFUSED, 68, "element 1 is element 0 again");
	refused("CALL " NAC ".EnableStatic(IPAddress=('192.0.2.7'))", CIMQ_REFUSED, 68,
	    "needs SubnetMask");
	refused("CALL " NAC ".EnableStatic(IPAddress=('192.0.2.7'), Mask=('255.0.0.0'))",
	    CIMQ_UNKNOWN, -1, "EnableStatic has no parameter Mask");
	refused("CALL " NAC ".RenewDHCPLease(Force=TRUE)", CIMQ_UNKNOWN, -1,
	    "RenewDHCPLease has no parameter Force");
	refused("CALL " NAC ".EnableStatic(IPAddress=('192.0.2.7'), IPAddress=('192.0.2.8'), "
		"SubnetMask=('255.0.0.0'))",
	    CIMQ_REFUSED, 68, "IPAddress given twice");
	refused("CALL " NAC ".SetGateways(DefaultIPGateway=('192.0.2.1.5'))", CIMQ_REFUSED, 71,
	    "DefaultIPGateway[0] '192.0.2.1.5' is not an IP address");
	refused("CALL " NAC ".SetGateways(DefaultIPGateway=('192.0.2.1'), GatewayCostMetric=('x'))",
	    CIMQ_REFUSED, 68, "GatewayCostMetric[0] 'x' is not valid");
	refused("CALL " NAC ".SetDefaultTTL(DefaultTTL=('1','2'))", CIMQ_REFUSED, 68,
	    "DefaultTTL is not an array");
	refused("CALL " NAC ".SetDNSServerSearchOrder(DNSServerSearchOrder=('192.0.2.53','dns'))",
	    CIMQ_REFUSED, 70, "DNSServerSearchOrder[1] 'dns' is not an IP address");
	refused("CALL " NAC ".SetWINSServer(WINSPrimaryServer='wins', WINSSecondaryServer='')",
	    CIMQ_REFUSED, 70, "WINSPrimaryServer is not an IP address");
}

static void
test_gateways(void **state)
{
	netsnmp_pdu *pdu;
	const netsnmp_variable_list *v;
	struct plan_key rows[2] = { key("1.4.192.0.2.1.5"),
		key("2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.1024") };
	/* the adapter's own addresses (cimAdapterCfgAddressTable, read with them) */
	struct plan_key own[2] = { key("1.4.192.0.2.100.24"),
		key("2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.1.0.64") };
	struct call_old old[2] = { { rows, 2 }, { own, 2 } };

	(void)state;
	if (map == NULL)
		skip();
	/* GatewayCostMetric absent: WMI's default 1; the old gateway destroyed first */
	pdu = set_of("CALL " NAC ".SetGateways(DefaultIPGateway=('192.0.2.2')) WHERE Index = 3",
	    "3", old);
	v = expect_int(pdu->variables, "cimAdapterCfgGatewayRowStatus", "3.1.4.192.0.2.1.5", 6);
	v = expect_int(v, "cimAdapterCfgGatewayRowStatus", "3.1.4.192.0.2.2.1", 4);
	assert_null(v);
	snmp_free_pdu(pdu);
	pdu = set_of("CALL " NAC ".SetGateways(DefaultIPGateway=('192.0.2.1','fe80::1'), "
		     "GatewayCostMetric=(5, 7)) WHERE Index = 3",
	    "3", old);
	v = expect_int(pdu->variables, "cimAdapterCfgGatewayRowStatus",
	    "3.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.1024", 6); /* fe80::1 moved */
	v = expect_int(v, "cimAdapterCfgGatewayRowStatus",
	    "3.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.7", 4);
	assert_null(v); /* 192.0.2.1 at 5 is there already */
	snmp_free_pdu(pdu);
	/* no gateway: every IPv4 row destroyed (the IPv6 one, a router
	   advertisement's perhaps, left alone) */
	pdu = set_of("CALL " NAC ".SetGateways(DefaultIPGateway=()) WHERE Index = 3", "3", old);
	v = expect_int(pdu->variables, "cimAdapterCfgGatewayRowStatus", "3.1.4.192.0.2.1.5", 6);
	assert_null(v);
	snmp_free_pdu(pdu);
	/* WMI: the adapter's own address clears its gateways (of that family) */
	pdu = set_of("CALL " NAC ".SetGateways(DefaultIPGateway=('192.0.2.100')) WHERE Index = 3",
	    "3", old);
	v = expect_int(pdu->variables, "cimAdapterCfgGatewayRowStatus", "3.1.4.192.0.2.1.5", 6);
	assert_null(v);
	snmp_free_pdu(pdu);
	pdu = set_of("CALL " NAC ".SetGateways(DefaultIPGateway=('2001:db8::100', '192.0.2.1'), "
		     "GatewayCostMetric=(3, 5)) WHERE Index = 3",
	    "3", old);
	v = expect_int(pdu->variables, "cimAdapterCfgGatewayRowStatus",
	    "3.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.1024", 6);
	assert_null(v); /* 192.0.2.1 at 5 kept; no row at the own 2001:db8::100 */
	snmp_free_pdu(pdu);
	/* an address of the adapter's subnet that is not its own is a gateway */
	pdu = set_of("CALL " NAC ".SetGateways(DefaultIPGateway=('192.0.2.101')) WHERE Index = 3",
	    "3", old);
	v = expect_int(pdu->variables, "cimAdapterCfgGatewayRowStatus", "3.1.4.192.0.2.1.5", 6);
	v = expect_int(v, "cimAdapterCfgGatewayRowStatus", "3.1.4.192.0.2.101.1", 4);
	assert_null(v);
	snmp_free_pdu(pdu);
}

static void
test_dns(void **state)
{
	netsnmp_pdu *pdu;
	const netsnmp_variable_list *v;
	struct plan_key rows[3] = { key("1"), key("2"), key("3") };
	struct call_old old[1] = { { rows, 3 } };
	struct built b;

	(void)state;
	if (map == NULL)
		skip();
	/* positions: 1 and 2 rewritten in place, 3 destroyed */
	pdu = set_of("CALL " NAC ".SetDNSServerSearchOrder(DNSServerSearchOrder=('192.0.2.53', "
		     "'2001:db8::53')) WHERE Index = 3",
	    "3", old);
	v = expect_int(pdu->variables, "cimDnsServerRowStatus", "3.3", 6);
	v = expect_octets(v, "cimDnsServerAddress", "3.1", "\xc0\x00\x02\x35", 4);
	v = expect_int(v, "cimDnsServerAddressType", "3.1", 1);
	v = expect_octets(v, "cimDnsServerAddress", "3.2",
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x53", 16);
	v = expect_int(v, "cimDnsServerAddressType", "3.2", 2);
	assert_null(v);
	snmp_free_pdu(pdu);
	/* no old rows: createAndGo with the columns */
	pdu = set_of("CALL " NAC ".SetDNSServerSearchOrder(DNSServerSearchOrder=('192.0.2.53')) "
		     "WHERE Index = 3",
	    "3", NULL);
	v = expect_int(pdu->variables, "cimDnsServerRowStatus", "3.1", 4);
	v = expect_octets(v, "cimDnsServerAddress", "3.1", "\xc0\x00\x02\x35", 4);
	v = expect_int(v, "cimDnsServerAddressType", "3.1", 1);
	assert_null(v);
	snmp_free_pdu(pdu);
	/* WMI: no input, no servers */
	pdu = set_of("CALL " NAC ".SetDNSServerSearchOrder() WHERE Index = 3", "3", old);
	v = expect_int(pdu->variables, "cimDnsServerRowStatus", "3.1", 6);
	v = expect_int(v, "cimDnsServerRowStatus", "3.2", 6);
	v = expect_int(v, "cimDnsServerRowStatus", "3.3", 6);
	assert_null(v);
	snmp_free_pdu(pdu);
	/* the suffixes: a global list (static method), one SET without an instance */
	build("CALL " NAC ".SetDNSSuffixSearchOrder(DNSDomainSuffixSearchOrder=('a.example'))", &b);
	assert_int_equal(b.rc, 0);
	assert_false(call_instance(b.cl));
	unbuild(&b);
	pdu =
	    set_of("CALL " NAC ".SetDNSSuffixSearchOrder(DNSDomainSuffixSearchOrder=('a.example', "
		   "'b.example'))",
		"0", old);
	v = expect_int(pdu->variables, "cimDnsSuffixRowStatus", "3", 6);
	v = expect_octets(v, "cimDnsSuffixName", "1", "a.example", 9);
	v = expect_octets(v, "cimDnsSuffixName", "2", "b.example", 9);
	assert_null(v);
	snmp_free_pdu(pdu);
}

static void
test_scalars(void **state)
{
	netsnmp_pdu *pdu;
	const netsnmp_variable_list *v;
	struct built b;

	(void)state;
	if (map == NULL)
		skip();
	build("CALL " NAC ".SetDefaultTTL(DefaultTTL=77)", &b);
	assert_int_equal(b.rc, 0);
	assert_false(call_instance(b.cl));
	unbuild(&b);
	pdu = set_of("CALL " NAC ".SetDefaultTTL(DefaultTTL=77)", "0", NULL);
	v = expect_int(pdu->variables, "cimTcpipDefaultTTL", "0", 77);
	assert_null(v);
	snmp_free_pdu(pdu);
	pdu = set_of("CALL " NAC ".EnableWINS(DNSEnabledForWINSResolution=FALSE, "
		     "WINSEnableLMHostsLookup=FALSE, WINSScopeID='')",
	    "0", NULL);
	v = expect_int(pdu->variables, "cimTcpipDNSEnabledForWINS", "0", 2);
	v = expect_int(v, "cimTcpipWINSEnableLMHosts", "0", 2);
	v = expect_octets(v, "cimTcpipWINSScopeID", "0", "", 0);
	assert_null(v);
	snmp_free_pdu(pdu);
	/* per adapter: two columns of the row */
	pdu = set_of("CALL " NAC ".SetWINSServer(WINSPrimaryServer='0.0.0.0', "
		     "WINSSecondaryServer='0.0.0.0') WHERE Index = 3",
	    "3", NULL);
	v = expect_octets(pdu->variables, "cimAdapterCfgWINSPrimaryServer", "3", "\0\0\0\0", 4);
	v = expect_octets(v, "cimAdapterCfgWINSSecondaryServer", "3", "\0\0\0\0", 4);
	assert_null(v);
	snmp_free_pdu(pdu);
	/* EnableDNS: scalars and, with an instance, that adapter's servers */
	pdu =
	    set_of("CALL " NAC ".EnableDNS(DNSHostName='r1', DNSServerSearchOrder=('192.0.2.53')) "
		   "WHERE Index = 3",
		"3", NULL);
	v = expect_int(pdu->variables, "cimDnsServerRowStatus", "3.1", 4);
	v = expect_octets(v, "cimDnsServerAddress", "3.1", "\xc0\x00\x02\x35", 4);
	v = expect_int(v, "cimDnsServerAddressType", "3.1", 1);
	v = expect_octets(v, "cimTcpipDNSHostName", "0", "r1", 2);
	assert_null(v);
	snmp_free_pdu(pdu);
	/* a method without parameters: the method's object alone (call_prepare) */
	build("CALL " NAC ".RenewDHCPLease() WHERE Index = 3", &b);
	assert_int_equal(b.rc, 1);
	unbuild(&b);
}

/* A GETNEXT answer is a row of the list only when it is under the group's
   prefix, after the OID asked from (an agent that repeats itself or goes
   back is at its end: no loop, no row twice), and not an exception. */
static void
test_old_row(void **state)
{
	oid pre[MAX_OID_LEN], cur[MAX_OID_LEN], name[MAX_OID_LEN];
	size_t plen = subids("1.3.6.1.4.1.32473.9.1.5.3", pre), clen;
	netsnmp_variable_list v = { .name = name, .type = ASN_INTEGER };
	struct plan_key row;

	(void)state;
	memcpy(cur, pre, plen * sizeof(oid));
	clen = plen;
	v.name_length = subids("1.3.6.1.4.1.32473.9.1.5.3.1.4.192.0.2.7.24", name);
	assert_int_equal(call_old_row(pre, plen, cur, clen, &v, &row), 1);
	assert_int_equal(row.len, 7);
	assert_int_equal(row.sub[0], 1);
	assert_int_equal(row.sub[6], 24);
	/* asked from that row: the same answer again, or one before it */
	clen = subids("1.3.6.1.4.1.32473.9.1.5.3.1.4.192.0.2.7.24", cur);
	assert_int_equal(call_old_row(pre, plen, cur, clen, &v, &row), 0);
	v.name_length = subids("1.3.6.1.4.1.32473.9.1.5.3.1.4.192.0.2.6.24", name);
	assert_int_equal(call_old_row(pre, plen, cur, clen, &v, &row), 0);
	/* after it: a row; past the prefix, or an exception: the end */
	v.name_length = subids("1.3.6.1.4.1.32473.9.1.5.3.1.4.192.0.2.8.24", name);
	assert_int_equal(call_old_row(pre, plen, cur, clen, &v, &row), 1);
	v.type = SNMP_ENDOFMIBVIEW;
	assert_int_equal(call_old_row(pre, plen, cur, clen, &v, &row), 0);
	v.type = ASN_INTEGER;
	v.name_length = subids("1.3.6.1.4.1.32473.9.1.5.4.1.4.192.0.2.8.24", name);
	assert_int_equal(call_old_row(pre, plen, cur, clen, &v, &row), 0);
	v.name_length = plen;
	memcpy(name, pre, plen * sizeof(oid));
	assert_int_equal(call_old_row(pre, plen, pre, plen, &v, &row), 0);
}

/* Which recorded results are successes (an earlier call's record, never a
   refusal's): by the label of the LastResult's enumeration. */
static void
test_rc_success(void **state)
{
	oid o[MAX_OID_LEN];
	size_t len = MAX_OID_LEN;

	(void)state;
	if (map == NULL)
		skip();
	assert_true(read_objid("CIM-ROUTE-MIB::cimNetAdapterLastResult.3", o, &len));
	assert_true(call_rc_success(o, len, 0));
	assert_false(call_rc_success(o, len, 1)); /* notSupported(1): SetPowerState's refusal */
	assert_false(call_rc_success(o, len, 2));
	len = MAX_OID_LEN;
	assert_true(read_objid("CIM-ROUTE-MIB::cimAdapterCfgLastResult.3", o, &len));
	assert_true(call_rc_success(o, len, 0));
	assert_true(call_rc_success(o, len, 1)); /* success, reboot needed */
	assert_true(call_rc_success(o, len, 4096));
	assert_false(call_rc_success(o, len, 71));
	len = MAX_OID_LEN;
	assert_true(read_objid("CIM-ROUTE-MIB::cimTcpipLastResult.0", o, &len));
	assert_false(call_rc_success(o, len, 90));
	assert_true(call_rc_success(o, len, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enable_static),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_gateways),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_old_row),
		cmocka_unit_test(test_rc_success),
	};

	return cmocka_run_group_tests(tests, cq_setup, cq_teardown);
}
