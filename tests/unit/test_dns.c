/*
 * Unit tests: the DNS methods through the SET transaction (mib_tcpip.c):
 * cimDnsServerTable and cimDnsSuffixTable rows and cimTcpipDNSDomain in
 * one SET write the resolver file (a temporary one) once, whichever of
 * them comes first; a SET that fails on another table's row in ACTION
 * puts the exact bytes back and cimTcpipLastMethod/LastResult as they
 * were; refusals with their status and WMI code change nothing; a domain
 * from a SET that failed before ACTION does not leak into the next SET.
 * Links: lo (1, not IP-enabled), eth (2) and v4 (3), IP-enabled.
 */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "iface/ifmirror.h"
#include "iface/resolver.h"
#include "route/writer.h"
#include "snmp/mib.h"
#include "snmp/txn.h"

#include "failtable.h"
#include "fixture.h"
#include "logcap.h"

static char dir[64], path[128], proc[128];
static struct tcpip_sys sys = { "/nonexistent", gethostname, sethostname, proc };
static struct resolver *res;
static struct iface *ifm;
static struct txn *txn;

static void
apply_msg(struct nl_msg *msg)
{
	iface_apply(ifm, nlmsg_hdr(msg));
	nlmsg_free(msg);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cimr-test-dns.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	snprintf(proc, sizeof(proc), "%s/proc", dir); /* a /proc of the test's: see test_dhclient */
	mib_tcpip_use_sys(&sys);
	assert_non_null(res = resolver_new(path, dir, "/bin/false")); /* dnsLinkCommand: fails */
	assert_non_null(ifm = iface_new());
	apply_msg(fx_link_msg(RTM_NEWLINK, 1, IFF_UP | IFF_LOOPBACK, "lo"));
	apply_msg(fx_link_msg(RTM_NEWLINK, 2, IFF_UP, "eth"));
	apply_msg(fx_link_msg(RTM_NEWLINK, 3, IFF_UP, "v4"));
	apply_msg(fx_addr_msg(RTM_NEWADDR, AF_INET, 1, "127.0.0.1", 8));
	apply_msg(fx_addr_msg(RTM_NEWADDR, AF_INET, 2, "10.0.0.1", 24));
	apply_msg(fx_addr_msg(RTM_NEWADDR, AF_INET, 3, "10.1.0.1", 24));
	mib_adcfg_bind(ifm, NULL, NULL, 0, 0);
	mib_tcpip_bind(ifm, res);
	assert_non_null(txn = txn_new());
	assert_int_equal(mib_tcpip_use_txn(txn), 0);
	assert_int_equal(txn_bind(txn, &fail_t, &fail_ops, NULL), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	txn_free(txn);
	mib_tcpip_use_sys(NULL);
	mib_tcpip_bind(NULL, NULL);
	mib_adcfg_bind(NULL, NULL, NULL, 0, 0);
	iface_free(ifm);
	resolver_free(res);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* ---- a SET ---------------------------------------------------------------------- */

enum { SRV, SFX, DOM, FAIL }; /* the server table, the suffix table, the domain, failing */

struct dvb {
	int tbl;
	oid col;
	const char *idx;
	long v;
	const char *s; /* an OCTET STRING's bytes (NULL: v, an INTEGER) */
	size_t slen;   /* 0: strlen(s) */
};

#define STATUS(t, i, val)                                                                          \
	{                                                                                          \
		.tbl = (t), .col = (t) == SRV ? COL_DNSSERVER_ROWSTATUS : COL_DNSSUFFIX_ROWSTATUS, \
		.idx = (i), .v = (val)                                                             \
	}
#define ADDR(i, bytes)                                                              \
	{                                                                           \
		.tbl = SRV, .col = COL_DNSSERVER_ADDRESS, .idx = (i), .s = (bytes), \
		.slen = sizeof(bytes) - 1                                           \
	}
#define TYPE(i, val)                                                                 \
	{                                                                            \
		.tbl = SRV, .col = COL_DNSSERVER_ADDRESSTYPE, .idx = (i), .v = (val) \
	}
#define NAME(i, n)                                                          \
	{                                                                   \
		.tbl = SFX, .col = COL_DNSSUFFIX_NAME, .idx = (i), .s = (n) \
	}
#define DOMAIN(n)                    \
	{                            \
		.tbl = DOM, .s = (n) \
	}
/* Another scalar of cimTcpip (a number), in the domain's place. */
#define SCALAR(c, val)                             \
	{                                          \
		.tbl = DOM, .col = (c), .v = (val) \
	}
#define FAILING                                           \
	{                                                 \
		.tbl = FAIL, .col = 2, .idx = "1", .v = 1 \
	}

static const struct mib_table *
table(int t)
{
	return t == SRV ? mib_dns_server_table : t == SFX ? mib_dns_suffix_table : &fail_t;
}

/* The domain scalar's phase (or another's: SCALAR), as mibtable.c's scalar handler runs it. */
static int
scalar_phase(int mode, netsnmp_variable_list *vb, int *applied)
{
	void *ctx = NULL;
	const struct mib_scalar_ops *ops = mib_tcpip_scalar(vb->name[11], &ctx);
	int rc = SNMP_ERR_NOERROR;

	if (mode == MODE_SET_RESERVE1)
		rc = ops->check(vb, ctx);
	else if (mode == MODE_SET_ACTION)
		*applied = (rc = ops->apply(vb, ctx)) == SNMP_ERR_NOERROR;
	else if (mode == MODE_SET_UNDO && *applied)
		rc = ops->undo(ctx);
	else if (mode == MODE_SET_COMMIT && *applied)
		ops->commit(ctx);
	if ((mode == MODE_SET_COMMIT || mode == MODE_SET_UNDO || mode == MODE_SET_FREE) &&
	    ops->end != NULL)
		ops->end(ctx);
	return rc;
}

/* One phase: the tables' handlers, the domain's before them (dom_first) or after. */
static int
phase(int mode, netsnmp_request_info **reqs, size_t n, int dom_first, int *applied)
{
	netsnmp_agent_request_info ri;
	int status = 0;

	memset(&ri, 0, sizeof(ri));
	ri.mode = mode;
	for (int k = 0; k < 4; k++) {
		int t =
		    dom_first ? (k + 2) % 4 : k; /* DOM, FAIL, SRV, SFX or SRV, SFX, DOM, FAIL */
		netsnmp_request_info *head = NULL, **tail = &head;

		for (size_t i = 0; i < n; i++) {
			if (reqs[i]->index != t)
				continue;
			if (t == DOM) {
				int rc = scalar_phase(mode, reqs[i]->requestvb, applied);

				if (rc != 0)
					reqs[i]->status = rc;
				continue;
			}
			reqs[i]->next = NULL;
			*tail = reqs[i];
			tail = &reqs[i]->next;
		}
		if (head != NULL)
			table(t)->set(table(t), &ri, head);
	}
	for (size_t i = 0; i < n && status == 0; i++)
		status = reqs[i]->status;
	return status;
}

/* A SET as net-snmp runs it; the first error status, or 0. */
static int
set(const struct dvb *v, size_t n, int dom_first)
{
	netsnmp_request_info *reqs[16];
	int status, applied = 0;

	for (size_t i = 0; i < n; i++) {
		oid name[MAX_OID_LEN];
		size_t len = 0;
		const char *p = v[i].idx;

		assert_non_null(reqs[i] = calloc(1, sizeof(**reqs)));
		assert_non_null(reqs[i]->requestvb = calloc(1, sizeof(netsnmp_variable_list)));
		reqs[i]->index = v[i].tbl;
		if (v[i].tbl == DOM) {
			oid o[] = { 1, 3, 6, 1, 4, 1, 32473, 1, 1, 6, 12,
				v[i].col ? v[i].col : TCPIP_DNSDOMAIN, 0 };

			memcpy(name, o, sizeof(o));
			len = sizeof(o) / sizeof(o[0]);
		} else {
			memcpy(name, table(v[i].tbl)->entry,
			    table(v[i].tbl)->entry_len * sizeof(oid));
			len = table(v[i].tbl)->entry_len;
			name[len++] = v[i].col;
			while (*p != '\0') {
				char *end;

				name[len++] = strtoul(p, &end, 10);
				p = *end == '.' ? end + 1 : end;
			}
		}
		snmp_set_var_objid(reqs[i]->requestvb, name, len);
		if (v[i].s != NULL)
			snmp_set_var_typed_value(reqs[i]->requestvb, ASN_OCTET_STR, v[i].s,
			    v[i].slen ? v[i].slen : strlen(v[i].s));
		else
			snmp_set_var_typed_value(reqs[i]->requestvb, ASN_INTEGER, &v[i].v,
			    sizeof(long));
	}
	if ((status = phase(MODE_SET_RESERVE1, reqs, n, dom_first, &applied)) != 0 ||
	    (status = phase(MODE_SET_RESERVE2, reqs, n, dom_first, &applied)) != 0)
		phase(MODE_SET_FREE, reqs, n, dom_first, &applied);
	else if ((status = phase(MODE_SET_ACTION, reqs, n, dom_first, &applied)) != 0)
		phase(MODE_SET_UNDO, reqs, n, dom_first, &applied);
	else
		phase(MODE_SET_COMMIT, reqs, n, dom_first, &applied);
	for (size_t i = 0; i < n; i++) {
		snmp_free_var(reqs[i]->requestvb);
		free(reqs[i]);
	}
	return status;
}

#define SET(first, ...)                          \
	set((const struct dvb[]){ __VA_ARGS__ }, \
	    sizeof((const struct dvb[]){ __VA_ARGS__ }) / sizeof(struct dvb), first)

static const char *
text(void)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
assert_last(long method, long result)
{
	long r = -1;

	assert_int_equal(mib_tcpip_last(&r), method);
	assert_int_equal(r, result);
}

static const char start[] = "# kept\nnameserver 192.0.2.1\noptions ndots:2\nsearch a.example\n";

/* ---- the tests ------------------------------------------------------------------ */

static void
test_rows_and_domain(void **state)
{
	(void)state;
	for (int first = 0; first < 2; first++) {
		fx_write_file(path, start);
		/* Servers, suffixes and the domain: one rewrite, every change in it. */
		assert_int_equal(SET(first, STATUS(SRV, "2.2", 4), ADDR("2.2", "\xc0\x00\x02\x02"),
				     STATUS(SFX, "2", 4), NAME("2", "b.example"),
				     DOMAIN("d.example")),
		    0);
		assert_string_equal(text(),
		    "# kept\nnameserver 192.0.2.1\nnameserver 192.0.2.2\n"
		    "options ndots:2\nsearch d.example a.example b.example\n");
		assert_last(CIM_M_SETDNSDOMAIN, 0);
		/* A row of another interface for the same list: it is system-wide. */
		assert_int_equal(SET(first, ADDR("3.1", "\xc0\x00\x02\x09")), 0);
		assert_string_equal(text(),
		    "# kept\nnameserver 192.0.2.9\nnameserver 192.0.2.2\n"
		    "options ndots:2\nsearch d.example a.example b.example\n");
		assert_last(CIM_M_SETDNSSERVERSEARCHORDER, 0);
		assert_int_equal(SET(first, STATUS(SFX, "1", 6), STATUS(SFX, "3", 6)), 0);
		assert_string_equal(text(),
		    "# kept\nnameserver 192.0.2.9\nnameserver 192.0.2.2\n"
		    "options ndots:2\nsearch a.example\n");
		assert_last(CIM_M_SETDNSSUFFIXSEARCHORDER, 0);
		/* Two servers swapped in one SET: neither is there twice after it. */
		assert_int_equal(SET(first, ADDR("2.1", "\xc0\x00\x02\x02"),
				     ADDR("2.2", "\xc0\x00\x02\x09")),
		    0);
		assert_string_equal(text(),
		    "# kept\nnameserver 192.0.2.2\nnameserver 192.0.2.9\n"
		    "options ndots:2\nsearch a.example\n");
	}
}

/* A row of another table fails in ACTION: the exact bytes back, LastMethod as it was. */
static void
test_undone(void **state)
{
	static const char odd[] = "nameserver 192.0.2.1\r\nsearch  a.example\t\n#end";

	(void)state;
	for (int first = 0; first < 2; first++) {
		fx_write_file(path, odd);
		assert_int_equal(SET(first, DOMAIN("x.example")), 0);
		fx_write_file(path, odd);
		assert_int_equal(SET(first, STATUS(SRV, "2.2", 4), ADDR("2.2", "\xc0\x00\x02\x02"),
				     NAME("1", "n.example"), DOMAIN("y.example"), FAILING),
		    SNMP_ERR_COMMITFAILED);
		assert_string_equal(text(), odd);
		assert_last(CIM_M_SETDNSDOMAIN, 0);
		/* The domain alone with the failing row: its own undo. */
		assert_int_equal(SET(first, DOMAIN("y.example"), FAILING), SNMP_ERR_COMMITFAILED);
		assert_string_equal(text(), odd);
	}
}

/* Each refusal: its status, its code, nothing changed. */
static void
test_refusals(void **state)
{
	static const struct {
		struct dvb v[3];
		size_t n;
		int status;
		long method, code;
	} t[] = {
		{ { STATUS(SRV, "2.2", 4), ADDR("2.2", "\x00\x00\x00\x00") }, 2,
		    SNMP_ERR_WRONGVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 70 },
		{ { STATUS(SRV, "2.2", 4), ADDR("2.2", "\xe0\x00\x00\x01") }, 2,
		    SNMP_ERR_WRONGVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 70 },
		{ { ADDR("2.1",
		      "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01") },
		    1, SNMP_ERR_WRONGVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 70 },
		{ { STATUS(SRV, "2.65", 4), ADDR("2.65", "\xc0\x00\x02\x02") }, 2,
		    SNMP_ERR_NOCREATION, CIM_M_SETDNSSERVERSEARCHORDER, 90 },
		{ { STATUS(SRV, "9.2", 4), ADDR("9.2", "\xc0\x00\x02\x02") }, 2,
		    SNMP_ERR_NOCREATION, CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		{ { STATUS(SRV, "1.2", 4), ADDR("1.2", "\xc0\x00\x02\x02") }, 2,
		    SNMP_ERR_INCONSISTENTVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 84 },
		{ { STATUS(SRV, "2.2", 5), ADDR("2.2", "\xc0\x00\x02\x02") }, 2,
		    SNMP_ERR_WRONGVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		{ { STATUS(SRV, "2.1", 4), ADDR("2.1", "\xc0\x00\x02\x02") }, 2,
		    SNMP_ERR_INCONSISTENTVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		{ { STATUS(SRV, "2.2", 4) }, 1, SNMP_ERR_INCONSISTENTVALUE,
		    CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		{ { ADDR("2.5", "\xc0\x00\x02\x02") }, 1, SNMP_ERR_INCONSISTENTNAME,
		    CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		/* active(1) of a row that does not exist: inconsistentValue (RFC 2579) */
		{ { STATUS(SRV, "2.5", 1) }, 1, SNMP_ERR_INCONSISTENTVALUE,
		    CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		{ { STATUS(SRV, "2.5", 1), ADDR("2.5", "\xc0\x00\x02\x02") }, 2,
		    SNMP_ERR_INCONSISTENTVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		{ { STATUS(SFX, "5", 1) }, 1, SNMP_ERR_INCONSISTENTVALUE,
		    CIM_M_SETDNSSUFFIXSEARCHORDER, 68 },
		{ { ADDR("2.1", "\xc0\x00\x02\x02"), ADDR("3.1", "\xc0\x00\x02\x03") }, 2,
		    SNMP_ERR_INCONSISTENTVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		/* an ipv6z server whose zone names no interface (ifindex 9) */
		{ { STATUS(SRV, "2.2", 4), TYPE("2.2", 4),
		      ADDR("2.2",
			  "\xfe\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
			  "\x00\x53\x00\x00\x00\x09") },
		    3, SNMP_ERR_INCONSISTENTVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 70 },
		/* a type the MIB does not take, alone or with its address: wrongValue first */
		{ { TYPE("2.1", 7) }, 1, SNMP_ERR_WRONGVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 70 },
		{ { TYPE("2.1", 0) }, 1, SNMP_ERR_WRONGVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 70 },
		{ { STATUS(SRV, "2.2", 4), TYPE("2.2", 16) }, 2, SNMP_ERR_WRONGVALUE,
		    CIM_M_SETDNSSERVERSEARCHORDER, 70 },
		{ { STATUS(SFX, "2", 4), NAME("2", "bad..name") }, 2, SNMP_ERR_WRONGVALUE,
		    CIM_M_SETDNSSUFFIXSEARCHORDER, 73 },
		{ { STATUS(SFX, "0", 4), NAME("0", "a.example") }, 2, SNMP_ERR_NOCREATION,
		    CIM_M_SETDNSSUFFIXSEARCHORDER, 90 },
		{ { DOMAIN("bad name") }, 1, SNMP_ERR_WRONGVALUE, CIM_M_SETDNSDOMAIN, 73 },
		/* the column check's own refusals, recorded too: invalidParameter(68) */
		{ { { .tbl = SRV, .col = COL_DNSSERVER_ROWSTATUS, .idx = "2.2", .s = "4" } }, 1,
		    SNMP_ERR_WRONGTYPE, CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		{ { ADDR("2.2", "123456789012345678901") }, 1, SNMP_ERR_WRONGLENGTH,
		    CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		{ { { .tbl = SFX, .col = COL_DNSSUFFIX_NAME, .idx = "2", .v = 1 } }, 1,
		    SNMP_ERR_WRONGTYPE, CIM_M_SETDNSSUFFIXSEARCHORDER, 68 },
		/* a list that would name an element twice: the file's, or two new rows' */
		{ { STATUS(SRV, "2.2", 4), ADDR("2.2", "\xc0\x00\x02\x01") }, 2,
		    SNMP_ERR_INCONSISTENTVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		{ { STATUS(SRV, "2.2", 4), ADDR("2.2", "\xc0\x00\x02\x07"),
		      ADDR("2.1", "\xc0\x00\x02\x07") },
		    3, SNMP_ERR_INCONSISTENTVALUE, CIM_M_SETDNSSERVERSEARCHORDER, 68 },
		{ { STATUS(SFX, "2", 4), NAME("2", "A.Example") }, 2, SNMP_ERR_INCONSISTENTVALUE,
		    CIM_M_SETDNSSUFFIXSEARCHORDER, 68 },
	};

	(void)state;
	fx_write_file(path, start);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(set(t[i].v, t[i].n, 0), t[i].status);
		assert_last(t[i].method, t[i].code);
		assert_string_equal(text(), start);
	}
}

/* A file a manager owns: accessDenied, byte for byte as it was. */
static void
test_owned(void **state)
{
	static const char nm[] = "# Generated by NetworkManager\nnameserver 192.0.2.1\n";

	(void)state;
	fx_write_file(path, nm);
	assert_int_equal(SET(0, STATUS(SRV, "2.2", 4), ADDR("2.2", "\xc0\x00\x02\x02")),
	    SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_SETDNSSERVERSEARCHORDER, 91);
	assert_int_equal(SET(0, DOMAIN("x.example")), SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_SETDNSDOMAIN, 91);
	assert_string_equal(text(), nm);
}

/* A domain whose SET failed before ACTION is not applied by the next SET's rows. */
static void
test_no_stale_domain(void **state)
{
	(void)state;
	fx_write_file(path, start);
	assert_int_equal(SET(1, DOMAIN("stale.example"), STATUS(SRV, "1.2", 4),
			     ADDR("1.2", "\xc0\x00\x02\x02")),
	    SNMP_ERR_INCONSISTENTVALUE);
	assert_int_equal(SET(0, STATUS(SFX, "2", 4), NAME("2", "b.example")), 0);
	assert_string_equal(text(),
	    "# kept\nnameserver 192.0.2.1\noptions ndots:2\nsearch a.example b.example\n");
}

/*
 * SetDNSDomain() alone: the domain first in the search list, a 'domain'
 * line folded into it, the empty string removing the first name, read back
 * at once; undo (the domain's own) puts the exact bytes back.
 */
static void
test_domain(void **state)
{
	static const char dom[] = "# mine\nsearch a.example b.example\nnameserver 192.0.2.1\n"
				  "domain c.example\noptions edns0\n";
	void *ctx = NULL;
	const struct mib_scalar_ops *ops = mib_tcpip_scalar(TCPIP_DNSDOMAIN, &ctx);
	struct mib_value v;

	(void)state;
	fx_write_file(path, dom);
	resolver_refresh(res);
	assert_int_equal(ops->get(NULL, &v, ctx), 0); /* 'domain' came last: the list is it */
	assert_int_equal(v.len, strlen("c.example"));
	assert_int_equal(SET(0, DOMAIN("d.example"), FAILING), SNMP_ERR_COMMITFAILED);
	assert_string_equal(text(), dom);
	assert_int_equal(SET(0, DOMAIN("d.example")), 0);
	assert_string_equal(text(),
	    "# mine\nnameserver 192.0.2.1\nsearch d.example c.example\noptions edns0\n");
	assert_int_equal(ops->get(NULL, &v, ctx), 0); /* read again at once */
	assert_int_equal(v.len, strlen("d.example"));
	assert_int_equal(SET(0, DOMAIN("c.example")), 0);
	assert_string_equal(text(),
	    "# mine\nnameserver 192.0.2.1\nsearch c.example d.example\noptions edns0\n");
	assert_int_equal(SET(0, DOMAIN("")), 0);
	assert_string_equal(text(),
	    "# mine\nnameserver 192.0.2.1\nsearch d.example\noptions edns0\n");
	assert_last(CIM_M_SETDNSDOMAIN, 0);
	assert_int_equal(SET(0, DOMAIN("a..b")), SNMP_ERR_WRONGVALUE);
	assert_int_equal(SET(0, DOMAIN("-a.example")), SNMP_ERR_WRONGVALUE);
	assert_last(CIM_M_SETDNSDOMAIN, 73);
}

/* An index outside the tables: one line naming the table and the index. */
static void
test_index_logged(void **state)
{
	(void)state;
	fx_write_file(path, start);
	logged[0] = '\0';
	assert_int_equal(SET(0, STATUS(SRV, "2.65", 4)), SNMP_ERR_NOCREATION);
	assert_string_equal(logged,
	    "set: refused (noCreation): cimDnsServerTable index 2.65: the index is an interface "
	    "index and a position from 1 to 64; result 90\n");
	logged[0] = '\0';
	assert_int_equal(SET(0, STATUS(SFX, "0", 4)), SNMP_ERR_NOCREATION);
	assert_string_equal(logged,
	    "set: refused (noCreation): cimDnsSuffixTable index 0: the index is a position from 1 "
	    "to 64; result 90\n");
	assert_last(CIM_M_SETDNSSUFFIXSEARCHORDER, 90);
}

/*
 * The server rows recorded their method, then a scalar of the same SET
 * failed (its sysctl cannot be read): undoing the rows' record leaves the
 * scalar's code, not the record before the SET.
 */
static void
test_record_kept(void **state)
{
	(void)state;
	fx_write_file(path, start);
	assert_int_equal(SET(0, DOMAIN("x.example")), 0);
	assert_last(CIM_M_SETDNSDOMAIN, 0);
	fx_write_file(path, start);
	assert_int_equal(SET(0, STATUS(SRV, "2.2", 4), ADDR("2.2", "\xc0\x00\x02\x02"),
			     SCALAR(TCPIP_PMTUDISCOVERYENABLED, 1)),
	    SNMP_ERR_COMMITFAILED);
	assert_string_equal(text(), start);
	assert_last(CIM_M_SETPMTUDISCOVERY, 72);
}

/*
 * A link-local server without a zone is written with the zone of the row's
 * interface (the resolver cannot use it bare); one with a zone keeps it.
 */
static void
test_link_local_zone(void **state)
{
	(void)state;
	fx_write_file(path, start);
	assert_int_equal(SET(0, STATUS(SRV, "3.2", 4), TYPE("3.2", 2),
			     ADDR("3.2",
				 "\xfe\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00"
				 "\x00\x00\x00\x00\x01")),
	    0);
	assert_string_equal(text(),
	    "# kept\nnameserver 192.0.2.1\nnameserver fe80::1%3\n"
	    "options ndots:2\nsearch a.example\n");
	assert_last(CIM_M_SETDNSSERVERSEARCHORDER, 0);
	/* Two interfaces asking for fe80::1 at one position ask for two servers. */
	assert_int_equal(SET(0, TYPE("2.2", 2), TYPE("3.2", 2),
			     ADDR("2.2",
				 "\xfe\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00"
				 "\x00\x00\x00\x00\x02"),
			     ADDR("3.2",
				 "\xfe\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00"
				 "\x00\x00\x00\x00\x02")),
	    SNMP_ERR_INCONSISTENTVALUE);
	assert_string_equal(text(),
	    "# kept\nnameserver 192.0.2.1\nnameserver fe80::1%3\n"
	    "options ndots:2\nsearch a.example\n");
}

/* An absolute name ("b.example.", a trailing dot) is a name: kept without the dot. */
static void
test_absolute_names(void **state)
{
	(void)state;
	fx_write_file(path, start);
	assert_int_equal(SET(0, STATUS(SFX, "2", 4), NAME("2", "b.example."), DOMAIN("d.example.")),
	    0);
	assert_string_equal(text(),
	    "# kept\nnameserver 192.0.2.1\noptions ndots:2\nsearch d.example a.example b.example\n");
	assert_last(CIM_M_SETDNSDOMAIN, 0);
	assert_int_equal(SET(0, DOMAIN(".")), SNMP_ERR_WRONGVALUE);
	assert_int_equal(SET(0, DOMAIN("d.example..")), SNMP_ERR_WRONGVALUE);
	assert_int_equal(SET(0, STATUS(SFX, "4", 4), NAME("4", ".")), SNMP_ERR_WRONGVALUE);
	assert_last(CIM_M_SETDNSSUFFIXSEARCHORDER, 73);
}

/* A dhclient in our network namespace owns the file (its script writes no header). */
static void
test_dhclient(void **state)
{
	char p[256], q[256];

	(void)state;
	fx_write_file(path, start);
	for (size_t k = 0; k < 7; k++) {
		static const char *const d[] = { "", "/self", "/self/ns", "/4242", "/4242/ns",
			"/4243", "/4243/ns" };

		snprintf(p, sizeof(p), "%s%s", proc, d[k]);
		assert_int_equal(mkdir(p, 0700), 0);
	}
	snprintf(p, sizeof(p), "%s/self/ns/net", proc);
	fx_write_file(p, "");
	snprintf(q, sizeof(q), "%s/4242/ns/net", proc);
	assert_int_equal(link(p, q), 0); /* the same namespace: the same inode */
	snprintf(q, sizeof(q), "%s/4243/ns/net", proc);
	fx_write_file(q, ""); /* another namespace */
	snprintf(q, sizeof(q), "%s/4243/comm", proc);
	fx_write_file(q, "dhclient\n");
	snprintf(q, sizeof(q), "%s/4242/comm", proc);
	fx_write_file(q, "sleep\n");
	assert_int_equal(SET(0, STATUS(SFX, "2", 4), NAME("2", "b.example")), 0);
	fx_write_file(path, start);
	fx_write_file(q, "dhclient\n");
	assert_int_equal(SET(0, STATUS(SFX, "2", 4), NAME("2", "b.example")),
	    SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_SETDNSSUFFIXSEARCHORDER, 91);
	assert_int_equal(SET(0, DOMAIN("x.example")), SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_SETDNSDOMAIN, 91);
	assert_string_equal(text(), start);
	snprintf(q, sizeof(q), "rm -rf '%.200s'", proc);
	assert_int_equal(system(q), 0);
}

/*
 * protectedInterfaces: the servers systemd-resolved keeps for a protected
 * interface are its own configuration, as its adapter rows are: a server
 * row of it is noAccess, accessDenied(91), and no command runs.  The file's
 * list is system-wide (any IP-enabled interface's row changes it alike):
 * a row of eth for it is not refused once resolved keeps no list for eth.
 */
static void
test_protected_link(void **state)
{
	struct writer_config wc;
	char netif[128], link2[160], err[128];

	(void)state;
	writer_config_default(&wc);
	assert_int_equal(writer_parse_protected(&wc, "eth", err, sizeof(err)), 0);
	mib_tcpip_use_protected(&wc);
	snprintf(netif, sizeof(netif), "%s/netif", dir);
	snprintf(link2, sizeof(link2), "%s/2", netif);
	assert_int_equal(mkdir(netif, 0700), 0);
	fx_write_file(link2, "SERVERS=192.0.2.53\n");
	resolver_refresh(res);
	assert_non_null(resolver_link(res, 2));
	fx_write_file(path, start);
	assert_int_equal(SET(0, ADDR("2.1", "\xc0\x00\x02\x09")), SNMP_ERR_NOACCESS);
	assert_last(CIM_M_SETDNSSERVERSEARCHORDER, CIM_RC_ACCESSDENIED);
	assert_int_equal(SET(0, STATUS(SRV, "2.1", 6)), SNMP_ERR_NOACCESS);
	assert_string_equal(text(), start);
	/* resolved keeps no list for eth: its row is the file's, as any interface's. */
	assert_int_equal(unlink(link2), 0);
	assert_int_equal(rmdir(netif), 0);
	resolver_refresh(res);
	assert_null(resolver_link(res, 2));
	assert_int_equal(SET(0, ADDR("2.1", "\xc0\x00\x02\x09")), 0);
	assert_string_equal(text(),
	    "# kept\nnameserver 192.0.2.9\noptions ndots:2\nsearch a.example\n");
	mib_tcpip_use_protected(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_and_domain),
		cmocka_unit_test(test_undone),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_owned),
		cmocka_unit_test(test_no_stale_domain),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_dhclient),
		cmocka_unit_test(test_link_local_zone),
		cmocka_unit_test(test_absolute_names),
		cmocka_unit_test(test_record_kept),
		cmocka_unit_test(test_index_logged),
		cmocka_unit_test(test_protected_link),
	};

	logcap_start();
	return cmocka_run_group_tests(tests, setup, teardown);
}
