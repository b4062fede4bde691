/*
 * Unit tests: the writes of the cimTcpip scalars (mib_tcpip.c) through
 * their real SET operations (check, apply, undo, commit) over sysctl files
 * in a temporary directory and a fake host name: the unit conversions, the
 * TruthValue mappings, the ranges, the fixed values Linux has, the host
 * name check, undo, and what cimTcpipLastMethod and cimTcpipLastResult
 * record.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/sysctl.h"
#include "snmp/mib.h"

static char root[64];
static char hostname_now[65] = "before";
static int sethostname_errno; /* nonzero: the fake sethostname fails with it */

static int
fake_gethostname(char *buf, size_t len)
{
	snprintf(buf, len, "%s", hostname_now);
	return 0;
}

static int
fake_sethostname(const char *name, size_t len)
{
	if (sethostname_errno != 0) {
		errno = sethostname_errno;
		return -1;
	}
	snprintf(hostname_now, sizeof(hostname_now), "%.*s", (int)len, name);
	return 0;
}

static const struct tcpip_sys sys = { root, fake_gethostname, fake_sethostname, NULL };

static const char *const files[] = { "ip_default_ttl", "tcp_keepalive_intvl", "tcp_keepalive_time",
	"tcp_mtu_probing", "ip_no_pmtu_disc", "tcp_syn_retries", "tcp_retries2", "tcp_stdurg" };

static void
put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	unlink(path);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static unsigned long long
value(const char *name)
{
	unsigned long long v = 0;

	assert_int_equal(sysctl_read(root, name, &v), 0);
	return v;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/cimr-tcpip.XXXXXX");
	assert_non_null(mkdtemp(root));
	put("ip_default_ttl", "64\n");
	put("tcp_keepalive_intvl", "75\n");
	put("tcp_keepalive_time", "7200\n");
	put("tcp_mtu_probing", "0\n");
	put("ip_no_pmtu_disc", "0\n");
	put("tcp_syn_retries", "6\n");
	put("tcp_retries2", "15\n");
	put("tcp_stdurg", "0\n");
	mib_tcpip_use_sys(&sys);
	return 0;
}

static int
teardown(void **state)
{
	char path[128];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		unlink(path);
	}
	rmdir(root);
	mib_tcpip_use_sys(NULL);
	return 0;
}

/* A varbind of an integer type or a string. */
static void
vb_int(netsnmp_variable_list *vb, u_char type, long v)
{
	memset(vb, 0, sizeof(*vb));
	snmp_set_var_typed_value(vb, type, &v, sizeof(v));
}

static void
vb_str(netsnmp_variable_list *vb, const char *s)
{
	memset(vb, 0, sizeof(*vb));
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, s, strlen(s));
}

/* A SET of one scalar as net-snmp runs it: the first failing phase's status, or NOERROR. */
static int
set_vb(oid col, netsnmp_variable_list *vb, int undo)
{
	void *ctx = NULL;
	const struct mib_scalar_ops *ops = mib_tcpip_scalar(col, &ctx);
	int rc;

	assert_non_null(ops);
	if ((rc = ops->check(vb, ctx)) != SNMP_ERR_NOERROR)
		goto out;
	if ((rc = ops->apply(vb, ctx)) != SNMP_ERR_NOERROR)
		goto out;
	if (undo)
		rc = ops->undo(ctx);
	else
		ops->commit(ctx);
out:
	if (ops->end != NULL) /* COMMIT, UNDO or FREE: the SET is over */
		ops->end(ctx);
	snmp_free_var_internals(vb);
	return rc;
}

static int
set_int(oid col, u_char type, long v)
{
	netsnmp_variable_list vb;

	vb_int(&vb, type, v);
	return set_vb(col, &vb, 0);
}

static int
set_str(oid col, const char *s)
{
	netsnmp_variable_list vb;

	vb_str(&vb, s);
	return set_vb(col, &vb, 0);
}

static void
assert_last(long method, long result)
{
	long r = -1;

	assert_int_equal(mib_tcpip_last(&r), method);
	assert_int_equal(r, result);
}

/* A GET of a writable scalar: 0 with *v, or -1 (noSuchInstance). */
static int
get(oid col, struct mib_value *v)
{
	void *ctx = NULL;
	const struct mib_scalar_ops *ops = mib_tcpip_scalar(col, &ctx);

	assert_non_null(ops);
	return ops->get(NULL, v, ctx);
}

static void
test_nothing_recorded_at_start(void **state)
{
	(void)state;
	assert_last(CIM_M_NONE, 0);
	assert_non_null(mib_tcpip_scalar(TCPIP_DNSDOMAIN, &(void *){ NULL }));
	assert_non_null(mib_tcpip_scalar(TCPIP_ACTION, &(void *){ NULL }));
	assert_null(mib_tcpip_scalar(TCPIP_LASTRESULT, &(void *){ NULL }));
}

/*
 * cimTcpipAction without the adapter methods' DHCP commands: each All
 * variant refused, notSupported(64); none(1) is only read (wrongValue).
 * (dhcp.sh runs RenewDHCPLeaseAll against dnsmasq and dhclient.)
 */
static void
test_action_refused(void **state)
{
	struct mib_value v;

	(void)state;
	mib_tcpip_use_ifset(NULL);
	assert_int_equal(set_int(TCPIP_ACTION, ASN_INTEGER, 2), SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_RELEASEDHCPLEASEALL, CIM_RC_NOTSUPPORTED);
	assert_int_equal(set_int(TCPIP_ACTION, ASN_INTEGER, 3), SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_RENEWDHCPLEASEALL, CIM_RC_NOTSUPPORTED);
	assert_int_equal(set_int(TCPIP_ACTION, ASN_INTEGER, 1), SNMP_ERR_WRONGVALUE);
	assert_int_equal(get(TCPIP_ACTION, &v), 0);
	assert_int_equal(v.v.i, 1);
}

/* Numbers, WMI's milliseconds as the sysctls' seconds. */
static void
test_numbers(void **state)
{
	static const struct {
		oid col;
		unsigned long v;
		const char *sysctl;
		unsigned long long stored;
		long method;
	} t[] = {
		{ TCPIP_DEFAULTTTL, 77, "ip_default_ttl", 77, CIM_M_SETDEFAULTTTL },
		{ TCPIP_MAXCONNECTRETRANS, 3, "tcp_syn_retries", 3,
		    CIM_M_SETTCPMAXCONNECTRETRANSMISSIONS },
		{ TCPIP_MAXDATARETRANS, 8, "tcp_retries2", 8, CIM_M_SETTCPMAXDATARETRANSMISSIONS },
		{ TCPIP_KEEPALIVETIME, 600000, "tcp_keepalive_time", 600, CIM_M_SETKEEPALIVETIME },
		{ TCPIP_KEEPALIVEINTERVAL, 1000, "tcp_keepalive_intvl", 1,
		    CIM_M_SETKEEPALIVEINTERVAL },
		{ TCPIP_KEEPALIVEINTERVAL, 32767000, "tcp_keepalive_intvl", 32767,
		    CIM_M_SETKEEPALIVEINTERVAL },
	};
	struct mib_value v;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(set_int(t[i].col, ASN_UNSIGNED, (long)t[i].v), SNMP_ERR_NOERROR);
		assert_int_equal(value(t[i].sysctl), t[i].stored);
		assert_last(t[i].method, CIM_RC_SUCCESS);
		assert_int_equal(get(t[i].col, &v), 0);
		assert_int_equal(v.v.u, t[i].v);
	}
}

/* Values outside the syntax: refused in RESERVE1 with their code, no sysctl touched. */
static void
test_refused_values(void **state)
{
	static const struct {
		oid col;
		u_char type;
		long v;
		int status;
		long method, code;
	} t[] = {
		{ TCPIP_KEEPALIVETIME, ASN_UNSIGNED, 600500, SNMP_ERR_WRONGVALUE,
		    CIM_M_SETKEEPALIVETIME, CIM_RC_OUTOFBOUNDS }, /* not whole seconds */
		{ TCPIP_KEEPALIVEINTERVAL, ASN_UNSIGNED, 999, SNMP_ERR_WRONGVALUE,
		    CIM_M_SETKEEPALIVEINTERVAL, CIM_RC_OUTOFBOUNDS },
		{ TCPIP_KEEPALIVEINTERVAL, ASN_UNSIGNED, 32768000, SNMP_ERR_WRONGVALUE,
		    CIM_M_SETKEEPALIVEINTERVAL, CIM_RC_OUTOFBOUNDS },
		{ TCPIP_DEFAULTTTL, ASN_UNSIGNED, 0, SNMP_ERR_WRONGVALUE, CIM_M_SETDEFAULTTTL,
		    CIM_RC_OUTOFBOUNDS },
		{ TCPIP_DEFAULTTTL, ASN_UNSIGNED, 256, SNMP_ERR_WRONGVALUE, CIM_M_SETDEFAULTTTL,
		    CIM_RC_OUTOFBOUNDS },
		{ TCPIP_DEFAULTTTL, ASN_INTEGER, 70, SNMP_ERR_WRONGTYPE, CIM_M_SETDEFAULTTTL,
		    CIM_RC_INVALIDPARAMETER },
		{ TCPIP_MAXCONNECTRETRANS, ASN_UNSIGNED, 128, SNMP_ERR_WRONGVALUE,
		    CIM_M_SETTCPMAXCONNECTRETRANSMISSIONS, CIM_RC_OUTOFBOUNDS },
		{ TCPIP_MAXDATARETRANS, ASN_UNSIGNED, 0, SNMP_ERR_WRONGVALUE,
		    CIM_M_SETTCPMAXDATARETRANSMISSIONS, CIM_RC_OUTOFBOUNDS },
		{ TCPIP_PMTUDISCOVERYENABLED, ASN_INTEGER, 3, SNMP_ERR_WRONGVALUE,
		    CIM_M_SETPMTUDISCOVERY, CIM_RC_OUTOFBOUNDS },
		{ TCPIP_PMTUDISCOVERYENABLED, ASN_INTEGER, -1, SNMP_ERR_WRONGVALUE,
		    CIM_M_SETPMTUDISCOVERY, CIM_RC_OUTOFBOUNDS },
		{ TCPIP_PMTUBHDETECTENABLED, ASN_UNSIGNED, 1, SNMP_ERR_WRONGTYPE,
		    CIM_M_SETPMTUBHDETECT, CIM_RC_INVALIDPARAMETER },
	};
	unsigned long long before[sizeof(files) / sizeof(files[0])];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		before[i] = value(files[i]);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(set_int(t[i].col, t[i].type, t[i].v), t[i].status);
		assert_last(t[i].method, t[i].code);
	}
	assert_int_equal(set_str(TCPIP_PMTUDISCOVERYENABLED, "1"), SNMP_ERR_WRONGTYPE);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		assert_int_equal(value(files[i]), before[i]);
}

/* true(1)/false(2) to the sysctl; a value already read as asked stays. */
static void
test_truth_values(void **state)
{
	static const struct {
		oid col;
		const char *sysctl, *before;
		long v;
		unsigned long long after;
		long method;
	} t[] = {
		{ TCPIP_PMTUBHDETECTENABLED, "tcp_mtu_probing", "0\n", TV_TRUE, 1,
		    CIM_M_SETPMTUBHDETECT },
		{ TCPIP_PMTUBHDETECTENABLED, "tcp_mtu_probing", "2\n", TV_TRUE, 2,
		    CIM_M_SETPMTUBHDETECT },
		{ TCPIP_PMTUBHDETECTENABLED, "tcp_mtu_probing", "2\n", TV_FALSE, 0,
		    CIM_M_SETPMTUBHDETECT },
		{ TCPIP_PMTUDISCOVERYENABLED, "ip_no_pmtu_disc", "0\n", TV_FALSE, 1,
		    CIM_M_SETPMTUDISCOVERY },
		{ TCPIP_PMTUDISCOVERYENABLED, "ip_no_pmtu_disc", "2\n", TV_FALSE, 2,
		    CIM_M_SETPMTUDISCOVERY },
		{ TCPIP_PMTUDISCOVERYENABLED, "ip_no_pmtu_disc", "2\n", TV_TRUE, 0,
		    CIM_M_SETPMTUDISCOVERY },
		{ TCPIP_PMTUDISCOVERYENABLED, "ip_no_pmtu_disc", "3\n", TV_TRUE, 3,
		    CIM_M_SETPMTUDISCOVERY }, /* hardened discovery */
		{ TCPIP_PMTUDISCOVERYENABLED, "ip_no_pmtu_disc", "3\n", TV_FALSE, 1,
		    CIM_M_SETPMTUDISCOVERY },
		{ TCPIP_RFC1122URGENTPOINTER, "tcp_stdurg", "40\n", TV_TRUE, 40,
		    CIM_M_SETTCPUSERFC1122URGENTPOINTER },
		{ TCPIP_RFC1122URGENTPOINTER, "tcp_stdurg", "0\n", TV_TRUE, 1,
		    CIM_M_SETTCPUSERFC1122URGENTPOINTER },
		{ TCPIP_RFC1122URGENTPOINTER, "tcp_stdurg", "1\n", TV_FALSE, 0,
		    CIM_M_SETTCPUSERFC1122URGENTPOINTER },
	};
	struct mib_value v;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		put(t[i].sysctl, t[i].before);
		assert_int_equal(set_int(t[i].col, ASN_INTEGER, t[i].v), SNMP_ERR_NOERROR);
		assert_int_equal(value(t[i].sysctl), t[i].after);
		assert_last(t[i].method, CIM_RC_SUCCESS);
		assert_int_equal(get(t[i].col, &v), 0);
		assert_int_equal(v.v.i, t[i].v);
	}
	put("tcp_mtu_probing", "0\n");
}

/*
 * UNDO writes the old value back and records nothing: the method was not
 * performed.  A sysctl that became a symbolic link is never followed.
 */
static void
test_undo(void **state)
{
	netsnmp_variable_list vb;
	char path[128], link[128];

	(void)state;
	assert_int_equal(set_int(TCPIP_DEFAULTTTL, ASN_UNSIGNED, 64), SNMP_ERR_NOERROR);
	assert_last(CIM_M_SETDEFAULTTTL, CIM_RC_SUCCESS);
	vb_int(&vb, ASN_UNSIGNED, 99);
	assert_int_equal(set_vb(TCPIP_DEFAULTTTL, &vb, 1), SNMP_ERR_NOERROR);
	assert_int_equal(value("ip_default_ttl"), 64);
	assert_last(CIM_M_SETDEFAULTTTL, CIM_RC_SUCCESS);
	vb_int(&vb, ASN_INTEGER, TV_TRUE);
	assert_int_equal(set_vb(TCPIP_PMTUBHDETECTENABLED, &vb, 1), SNMP_ERR_NOERROR);
	assert_int_equal(value("tcp_mtu_probing"), 0);
	assert_last(CIM_M_SETDEFAULTTTL, CIM_RC_SUCCESS);

	/* a link cannot be written, so the undo fails */
	void *ctx = NULL;
	const struct mib_scalar_ops *ops = mib_tcpip_scalar(TCPIP_DEFAULTTTL, &ctx);

	vb_int(&vb, ASN_UNSIGNED, 99);
	assert_int_equal(ops->check(&vb, ctx), SNMP_ERR_NOERROR);
	assert_int_equal(ops->apply(&vb, ctx), SNMP_ERR_NOERROR);
	snprintf(path, sizeof(path), "%s/ip_default_ttl", root);
	snprintf(link, sizeof(link), "%s/target", root);
	assert_int_equal(rename(path, link), 0);
	assert_int_equal(symlink(link, path), 0);
	assert_int_equal(ops->undo(ctx), SNMP_ERR_UNDOFAILED);
	/* and neither a write through the link */
	assert_int_equal(ops->check(&vb, ctx), SNMP_ERR_NOERROR);
	assert_int_equal(ops->apply(&vb, ctx), SNMP_ERR_COMMITFAILED);
	assert_last(CIM_M_SETDEFAULTTTL, CIM_RC_REGISTRYACCESS);
	snmp_free_var_internals(&vb);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rename(link, path), 0);
	assert_int_equal(value("ip_default_ttl"), 99);
	put("ip_default_ttl", "64\n");
}

/* A sysctl that is not there: commitFailed, registryAccessError(72), and GET noSuchInstance. */
static void
test_missing_sysctl(void **state)
{
	char path[128];
	struct mib_value v;

	(void)state;
	snprintf(path, sizeof(path), "%s/tcp_retries2", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(set_int(TCPIP_MAXDATARETRANS, ASN_UNSIGNED, 5), SNMP_ERR_COMMITFAILED);
	assert_last(CIM_M_SETTCPMAXDATARETRANSMISSIONS, CIM_RC_REGISTRYACCESS);
	assert_int_equal(get(TCPIP_MAXDATARETRANS, &v), -1);
	put("tcp_retries2", "15\n");
}

/* What Linux is: accepted, a no-op recording 0; anything else refused with its code. */
static void
test_fixed(void **state)
{
	struct mib_value v;

	(void)state;
	assert_int_equal(set_int(TCPIP_IGMPLEVEL, ASN_INTEGER, 2), SNMP_ERR_NOERROR);
	assert_last(CIM_M_SETIGMPLEVEL, CIM_RC_SUCCESS);
	assert_int_equal(set_int(TCPIP_IGMPLEVEL, ASN_INTEGER, 0), SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_SETIGMPLEVEL, CIM_RC_NOTSUPPORTED);
	assert_int_equal(set_int(TCPIP_IGMPLEVEL, ASN_INTEGER, 3), SNMP_ERR_WRONGVALUE);
	assert_last(CIM_M_SETIGMPLEVEL, CIM_RC_OUTOFBOUNDS);
	assert_int_equal(get(TCPIP_IGMPLEVEL, &v), 0);
	assert_int_equal(v.v.i, 2);

	assert_int_equal(set_int(TCPIP_DEFAULTTOS, ASN_UNSIGNED, 0), SNMP_ERR_NOERROR);
	assert_last(CIM_M_SETDEFAULTTOS, CIM_RC_SUCCESS);
	assert_int_equal(set_int(TCPIP_DEFAULTTOS, ASN_UNSIGNED, 16), SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_SETDEFAULTTOS, CIM_RC_NOTSUPPORTED);
	assert_int_equal(set_int(TCPIP_DEFAULTTOS, ASN_UNSIGNED, 256), SNMP_ERR_WRONGVALUE);

	for (oid c = TCPIP_ARPALWAYSSOURCEROUTE; c <= TCPIP_WINSENABLELMHOSTS; c++) {
		static const oid truths[] = { TCPIP_ARPALWAYSSOURCEROUTE, TCPIP_ARPUSEETHERSNAP,
			TCPIP_DEADGWDETECTENABLED, TCPIP_DNSENABLEDFORWINS,
			TCPIP_IPFILTERSECURITYENABLED, TCPIP_IPUSEZEROBROADCAST,
			TCPIP_WINSENABLELMHOSTS };
		int truth = 0;

		for (size_t i = 0; i < sizeof(truths) / sizeof(truths[0]); i++)
			truth |= truths[i] == c;
		if (!truth)
			continue;
		assert_int_equal(set_int(c, ASN_INTEGER, TV_FALSE), SNMP_ERR_NOERROR);
		assert_int_equal(mib_tcpip_last(&(long){ 0 }) != CIM_M_NONE, 1);
		assert_int_equal(set_int(c, ASN_INTEGER, TV_TRUE), SNMP_ERR_INCONSISTENTVALUE);
	}
	assert_last(CIM_M_ENABLEWINS, CIM_RC_NOTSUPPORTED);
	assert_int_equal(get(TCPIP_ARPUSEETHERSNAP, &v), 0);
	assert_int_equal(v.v.i, TV_FALSE);
	assert_int_equal(get(TCPIP_ARPALWAYSSOURCEROUTE, &v), -1); /* Linux has none */
	assert_int_equal(get(TCPIP_WINSSCOPEID, &v), -1);

	assert_int_equal(set_str(TCPIP_DATABASEPATH, "/etc"), SNMP_ERR_NOERROR);
	assert_last(CIM_M_SETDATABASEPATH, CIM_RC_SUCCESS);
	assert_int_equal(set_str(TCPIP_DATABASEPATH, "/etc/"), SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_SETDATABASEPATH, CIM_RC_NOTSUPPORTED);
	assert_int_equal(get(TCPIP_DATABASEPATH, &v), 0);
	assert_memory_equal(v.v.s, "/etc", 4);
	assert_int_equal(set_str(TCPIP_WINSSCOPEID, ""), SNMP_ERR_NOERROR);
	assert_last(CIM_M_ENABLEWINS, CIM_RC_SUCCESS);
	assert_int_equal(set_str(TCPIP_WINSHOSTLOOKUPFILE, "/etc/lmhosts"),
	    SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_ENABLEWINS, CIM_RC_NOTSUPPORTED);

	assert_int_equal(set_str(TCPIP_IPXVIRTUALNETNUMBER, "0000ABCD"),
	    SNMP_ERR_INCONSISTENTVALUE);
	assert_last(CIM_M_SETIPXVIRTUALNETWORKNUMBER, CIM_RC_IPXNOTENABLED);
	assert_int_equal(set_str(TCPIP_IPXVIRTUALNETNUMBER, "0000ABCD0"), SNMP_ERR_WRONGLENGTH);
	assert_last(CIM_M_SETIPXVIRTUALNETWORKNUMBER, CIM_RC_OUTOFBOUNDS);

	static const struct {
		oid col;
		long v;
		long method;
	} never[] = {
		{ TCPIP_FORWARDBUFFERMEMORY, 74240, CIM_M_SETFORWARDBUFFERMEMORY },
		{ TCPIP_NUMFORWARDPACKETS, 50, CIM_M_SETNUMFORWARDPACKETS },
		{ TCPIP_TCPNUMCONNECTIONS, 0, CIM_M_SETTCPNUMCONNECTIONS },
		{ TCPIP_TCPWINDOWSIZE, 65535, CIM_M_SETTCPWINDOWSIZE },
	};
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		assert_int_equal(set_int(never[i].col, ASN_UNSIGNED, never[i].v),
		    SNMP_ERR_INCONSISTENTVALUE);
		assert_last(never[i].method, CIM_RC_NOTSUPPORTED);
		assert_int_equal(get(never[i].col, &v), -1);
	}
	assert_int_equal(set_int(TCPIP_NUMFORWARDPACKETS, ASN_UNSIGNED, 0), SNMP_ERR_WRONGVALUE);
	assert_int_equal(set_int(TCPIP_TCPWINDOWSIZE, ASN_UNSIGNED, 65536), SNMP_ERR_WRONGVALUE);
}

static void
test_host_name_ok(void **state)
{
	static const char *const good[] = { "a", "router1", "r-1.example.net", "1host",
		"0123456789012345678901234567890123456789012345678901234567890ab", "a.b.c", "X-Y" };
	static const char *const bad[] = { "", "-a", "a-", "a..b", ".a", "a.", "a_b", "a b", "a.-b",
		"a-.b", "h\xc3\xa9", "a/b",
		"0123456789012345678901234567890123456789012345678901234567890abc",
		"abcdefghij.abcdefghij.abcdefghij.abcdefghij.abcdefghij.abcdefghij" };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(mib_tcpip_host_name_ok((const u_char *)good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(mib_tcpip_host_name_ok((const u_char *)bad[i], strlen(bad[i])));
	assert_false(mib_tcpip_host_name_ok((const u_char *)"ab\0c", 4));
}

static void
test_host_name(void **state)
{
	netsnmp_variable_list vb;
	struct mib_value v;

	(void)state;
	assert_int_equal(set_str(TCPIP_DNSHOSTNAME, "edge-1.example.net"), SNMP_ERR_NOERROR);
	assert_string_equal(hostname_now, "edge-1.example.net");
	assert_last(CIM_M_ENABLEDNS, CIM_RC_SUCCESS);
	assert_int_equal(get(TCPIP_DNSHOSTNAME, &v), 0);
	assert_int_equal(v.len, 18);
	assert_memory_equal(v.v.s, "edge-1.example.net", 18);

	assert_int_equal(set_str(TCPIP_DNSHOSTNAME, "bad_name"), SNMP_ERR_WRONGVALUE);
	assert_last(CIM_M_ENABLEDNS, CIM_RC_INVALIDHOSTNAME);
	assert_int_equal(set_str(TCPIP_DNSHOSTNAME, ""), SNMP_ERR_WRONGLENGTH);
	assert_last(CIM_M_ENABLEDNS, CIM_RC_INVALIDHOSTNAME);
	assert_int_equal(set_int(TCPIP_DNSHOSTNAME, ASN_INTEGER, 1), SNMP_ERR_WRONGTYPE);
	assert_last(CIM_M_ENABLEDNS, CIM_RC_INVALIDPARAMETER);
	assert_string_equal(hostname_now, "edge-1.example.net");

	vb_str(&vb, "other");
	assert_int_equal(set_vb(TCPIP_DNSHOSTNAME, &vb, 1), SNMP_ERR_NOERROR);
	assert_string_equal(hostname_now, "edge-1.example.net");
	assert_last(CIM_M_ENABLEDNS, CIM_RC_INVALIDPARAMETER); /* undone: not recorded */

	sethostname_errno = EPERM;
	assert_int_equal(set_str(TCPIP_DNSHOSTNAME, "other"), SNMP_ERR_COMMITFAILED);
	assert_last(CIM_M_ENABLEDNS, CIM_RC_ACCESSDENIED);
	sethostname_errno = 0;
	assert_string_equal(hostname_now, "edge-1.example.net");
}

/* One SET that names a scalar twice (a, then b), undone. */
static void
twice_undone(oid col, netsnmp_variable_list *a, netsnmp_variable_list *b)
{
	void *c = NULL;
	const struct mib_scalar_ops *o = mib_tcpip_scalar(col, &c);

	assert_int_equal(o->check(a, c), SNMP_ERR_NOERROR);
	assert_int_equal(o->check(b, c), SNMP_ERR_NOERROR);
	assert_int_equal(o->apply(a, c), SNMP_ERR_NOERROR);
	assert_int_equal(o->apply(b, c), SNMP_ERR_NOERROR);
	assert_int_equal(o->undo(c), SNMP_ERR_NOERROR);
}

/* One SET of a that never ends (no COMMIT, no UNDO: the master went away). */
static void
left_open(oid col, netsnmp_variable_list *a)
{
	void *c = NULL;
	const struct mib_scalar_ops *o = mib_tcpip_scalar(col, &c);

	assert_int_equal(o->check(a, c), SNMP_ERR_NOERROR);
	assert_int_equal(o->apply(a, c), SNMP_ERR_NOERROR);
}

/*
 * UNDO puts back the value before the SET's first write of the scalar, and
 * the next SET starts afresh even when the one before never ended.
 */
static void
test_named_twice(void **state)
{
	netsnmp_variable_list a, b, h1, h2;

	(void)state;
	put("ip_default_ttl", "64\n");
	vb_int(&a, ASN_UNSIGNED, 70);
	vb_int(&b, ASN_UNSIGNED, 80);
	twice_undone(TCPIP_DEFAULTTTL, &a, &b);
	assert_int_equal(value("ip_default_ttl"), 64);
	left_open(TCPIP_DEFAULTTTL, &a);
	twice_undone(TCPIP_DEFAULTTTL, &b, &b);
	assert_int_equal(value("ip_default_ttl"), 70);

	snprintf(hostname_now, sizeof(hostname_now), "start");
	vb_str(&h1, "first");
	vb_str(&h2, "second");
	twice_undone(TCPIP_DNSHOSTNAME, &h1, &h2);
	assert_string_equal(hostname_now, "start");
	left_open(TCPIP_DNSHOSTNAME, &h1);
	twice_undone(TCPIP_DNSHOSTNAME, &h2, &h2);
	assert_string_equal(hostname_now, "first");
	snmp_free_var_internals(&a);
	snmp_free_var_internals(&b);
	snmp_free_var_internals(&h1);
	snmp_free_var_internals(&h2);
	put("ip_default_ttl", "64\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_recorded_at_start),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_action_refused),
		cmocka_unit_test(test_refused_values),
		cmocka_unit_test(test_truth_values),
		cmocka_unit_test(test_undo),
		cmocka_unit_test(test_missing_sysctl),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_host_name_ok),
		cmocka_unit_test(test_host_name),
		cmocka_unit_test(test_named_twice),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
