/*
 * cimAdapterConfig's host-wide part: the cimTcpip scalars, with the writes
 * that perform WMI's static methods (issue 13), and the resolver tables
 * (cimDnsServerTable, cimDnsSuffixTable) with the DNS methods their rows
 * and cimTcpipDNSDomain perform (see "The DNS methods" below).
 *
 * The scalars are sysctls of cimrouted's network namespace, read from
 * /proc/sys when asked (a procfs read or write is a few microseconds, and a
 * value read later could be stale), the UTS host name, the resolver's
 * search list, and the constants Linux implies (the MIB says which);
 * properties Linux does not have read noSuchInstance, as absent columns do.
 * cimTcpipAction runs the DHCP All variants through snmp/mib_ifset.h.
 *
 * The resolver tables read what iface/resolver keeps, which it refreshes on
 * its own timer: a request never reads a file.  cimDnsServerTable has a row
 * per server of each IP-enabled interface (mib_adcfg_ip_enabled()): that
 * link's servers in systemd-resolved, else the system-wide list.  Its rows
 * are computed from the link and position, not stored: a seek finds the
 * link by ifindex in the interface mirror.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iface/ifmirror.h"
#include "iface/linkcmd.h"
#include "iface/resolver.h"
#include "iface/resolvfile.h"
#include "lib/log.h"
#include "lib/sysctl.h"
#include "lib/text.h"
#include "lib/vec.h"
#include "route/writer.h"
#include "snmp/mib.h"
#include "snmp/mib_ifset.h"
#include "snmp/txn.h"

enum { INET_IPV4 = 1, INET_IPV6 = 2, INET_IPV6Z = 4 }; /* InetAddressType */

/* ---- cimTcpip ---------------------------------------------------------------- */

/*
 * The writes.  Each writable scalar performs one WMI method (its head says
 * which) and checks its value against the MIB's syntax in RESERVE1: a wrong
 * type is wrongType recording invalidParameter(68), a value outside the
 * range wrongValue (a string outside its size wrongLength) recording the
 * head's code, parameterOutOfBounds(90) unless it says another.  Then one
 * of three kinds: a sysctl (written in ACTION, its old value written back
 * by UNDO), a fixed value (what Linux is: accepted and a no-op, any other
 * refused with inconsistentValue and notSupported(64) or ipxNotEnabled(85))
 * or the host name (sethostname(2), likewise undone).
 *
 * cimTcpipLastMethod and cimTcpipLastResult record a method when its
 * outcome is known: a refusal in RESERVE1, a kernel refusal in ACTION,
 * success in COMMIT.  A method whose own value was fine but whose SET
 * failed on another varbind was not performed (its write was undone) and
 * records nothing: they keep what they read before that SET.
 */
struct tc_head {
	oid col;
	const char *name;       /* the MIB object */
	const char *wmi;        /* the WMI method, for the log */
	long method;            /* CimAdapterCfgMethod */
	u_char type;            /* ASN_INTEGER, ASN_UNSIGNED or ASN_OCTET_STR */
	unsigned long min, max; /* the value's range, or the string's size */
	long bad;               /* the code of a value outside it (0: parameterOutOfBounds) */
	int written;            /* ACTION changed the system: UNDO puts it back */
};

/* A head's initialisers: HEAD(col, name, wmi, method, type, min, max); TRUTH is a TruthValue. */
#define HEAD(c, n, w, m, ...) \
	.h = { .col = (c), .name = (n), .wmi = (w), .method = (m), SYNTAX(__VA_ARGS__) }
#define SYNTAX(...)        SYNTAX_(__VA_ARGS__)
#define SYNTAX_(t, lo, hi) .type = (t), .min = (lo), .max = (hi)
#define TRUTH              ASN_INTEGER, TV_TRUE, TV_FALSE

/* How cimrouted reaches the system: a parameter, so that tests use their own. */
static const struct tcpip_sys sys_default = {
	.sysctl_root = "/proc/sys/net/ipv4",
	.gethostname = gethostname,
	.sethostname = sethostname,
	.proc_root = "/proc",
};

/* The DNS methods' state during one SET: see "The DNS methods" below. */
struct dns_state {
	struct txn *txn;       /* the transaction the resolver tables are bound to */
	struct resolvfile old; /* the file before this SET's write, for UNDO */
	int written;           /* ACTION reached the write (done, or failed) */
	int changed;           /* ... and replaced the file: UNDO writes old back */
	int by_scalar;         /* cimTcpipDNSDomain's apply wrote (its undo puts it back) */
	int recorded;          /* the rows' method is recorded (once a SET) */
	int domain_given;      /* cimTcpipDNSDomain is in this SET (RESERVE1 to its end) */
	char domain[RESOLVER_NAME_MAX + 1];
	long rows_method;              /* the method the rows recorded (success) */
	long prev_method, prev_result; /* cimTcpipLast* before the rows' record */
	struct resolver_conf conf;     /* the file's configuration, being changed */
};

static struct tcpip {
	struct iface *ifm;
	struct resolver *res;
	const struct tcpip_sys *sys;
	const struct writer_config *protect; /* protectedInterfaces; NULL: none */
	struct dns_state dns;
	long last_method; /* CimAdapterCfgMethod; CIM_M_NONE: none yet */
	long last_result; /* CimMethodReturnCode */
} tc = { .sys = &sys_default };

static void
record_method(long method, long code)
{
	tc.last_method = method;
	tc.last_result = code;
}

static void
record(const struct tc_head *h, long code)
{
	record_method(h->method, code);
}

/* The value of a varbind for the log: a number, a printable string, or its length. */
static void
vb_text(const netsnmp_variable_list *vb, char *buf, size_t len)
{
	size_t n = vb->val_len;
	int num = n == sizeof(long) && vb->val.integer != NULL;

	if (vb->type == ASN_INTEGER && num)
		snprintf(buf, len, "%ld", *vb->val.integer);
	else if (vb->type == ASN_UNSIGNED && num)
		snprintf(buf, len, "%lu", (unsigned long)*vb->val.integer);
	else if (vb->type != ASN_OCTET_STR)
		snprintf(buf, len, "type 0x%02x", vb->type);
	else if (!text_printable(vb->val.string, n))
		snprintf(buf, len, "%zu bytes", n);
	else
		snprintf(buf, len, "'%.*s'", (int)(n < 64 ? n : 64), (const char *)vb->val.string);
}

/*
 * A refused write: "set: refused (STATUS): OBJECT: METHOD(VALUE): why;
 * result CODE" (txn_refuse()'s form), the code recorded; returns err.
 */
static int
refuse(const struct tc_head *h, const netsnmp_variable_list *vb, int err, long code,
    const char *why)
{
	char val[80];

	vb_text(vb, val, sizeof(val));
	log_notice("set", "refused (%s): %s.0: %s(%s): %s; result %ld", txn_err_name(err), h->name,
	    h->wmi, val, why, code);
	record(h, code);
	return err;
}

/*
 * RESERVE1: the varbind against the head's syntax; *v is its number (an
 * INTEGER or Unsigned32).  Every RESERVE1 of a SET comes before its first
 * ACTION: nothing is written yet, whatever the end of the SET before.
 */
static int
check_syntax(struct tc_head *h, const netsnmp_variable_list *vb, unsigned long *v)
{
	long bad = h->bad != 0 ? h->bad : CIM_RC_OUTOFBOUNDS;

	h->written = 0;
	if (vb->type != h->type)
		return refuse(h, vb, SNMP_ERR_WRONGTYPE, CIM_RC_INVALIDPARAMETER, "wrong type");
	if (h->type == ASN_OCTET_STR) {
		if (vb->val_len < h->min || vb->val_len > h->max)
			return refuse(h, vb, SNMP_ERR_WRONGLENGTH, bad, "length out of range");
		*v = vb->val_len;
		return SNMP_ERR_NOERROR;
	}
	if (vb->val_len != sizeof(long))
		return refuse(h, vb, SNMP_ERR_WRONGLENGTH, CIM_RC_INVALIDPARAMETER, "bad length");
	if (h->type == ASN_INTEGER && *vb->val.integer < 0)
		return refuse(h, vb, SNMP_ERR_WRONGVALUE, bad, "out of range");
	*v = (unsigned long)*vb->val.integer & 0xffffffffUL;
	if (*v < h->min || *v > h->max)
		return refuse(h, vb, SNMP_ERR_WRONGVALUE, bad, "out of range");
	return SNMP_ERR_NOERROR;
}

/* COMMIT (every kind): the method succeeded. */
static void
commit_write(void *ctx)
{
	struct tc_head *h = ctx;

	h->written = 0;
	record(h, CIM_RC_SUCCESS);
}

/*
 * A scalar backed by a sysctl: a number, with the factor WMI's unit needs
 * (seconds to milliseconds; a write must be a whole multiple of it), or a
 * TruthValue: the values that read true(1), and the values a write of
 * true(1) or false(2) sets, unless the sysctl already reads as asked
 * (tcp_mtu_probing 2 stays 2 for true).  ip_no_pmtu_disc reads true for 0
 * and 3 (hardened discovery: ICMP "fragmentation needed" honoured for
 * protocols that can verify it, Documentation/networking/ip-sysctl.rst),
 * false for 1 and 2.
 */
struct sc_scalar {
	struct tc_head h; /* first: the ctx of commit_write() */
	const char *sysctl;
	unsigned long factor;       /* a number (0: a TruthValue) */
	uint32_t truthy;            /* the values 0..30 that read true; bit 31: 31 and above */
	unsigned long long on, off; /* what true(1) and false(2) write */
	unsigned long long old;     /* ACTION: the value before, for UNDO */
};

#define NUMBER(name, f)            .sysctl = (name), .factor = (f)
#define TRUTHS(name, t, on_, off_) .sysctl = (name), .truthy = (t), .on = (on_), .off = (off_)
#define NOT_0                      0xfffffffeU

static struct sc_scalar sysctls[] = {
	{ HEAD(TCPIP_DEFAULTTTL, "cimTcpipDefaultTTL", "SetDefaultTTL", CIM_M_SETDEFAULTTTL,
	      ASN_UNSIGNED, 1, 255),
	    NUMBER("ip_default_ttl", 1) },
	{ HEAD(TCPIP_KEEPALIVEINTERVAL, "cimTcpipKeepAliveInterval", "SetKeepAliveInterval",
	      CIM_M_SETKEEPALIVEINTERVAL, ASN_UNSIGNED, 1000, 32767000),
	    NUMBER("tcp_keepalive_intvl", 1000) },
	{ HEAD(TCPIP_KEEPALIVETIME, "cimTcpipKeepAliveTime", "SetKeepAliveTime",
	      CIM_M_SETKEEPALIVETIME, ASN_UNSIGNED, 1000, 32767000),
	    NUMBER("tcp_keepalive_time", 1000) },
	{ HEAD(TCPIP_PMTUBHDETECTENABLED, "cimTcpipPMTUBHDetectEnabled", "SetPMTUBHDetect",
	      CIM_M_SETPMTUBHDETECT, TRUTH),
	    TRUTHS("tcp_mtu_probing", NOT_0, 1, 0) },
	{ HEAD(TCPIP_PMTUDISCOVERYENABLED, "cimTcpipPMTUDiscoveryEnabled", "SetPMTUDiscovery",
	      CIM_M_SETPMTUDISCOVERY, TRUTH),
	    TRUTHS("ip_no_pmtu_disc", 1U << 0 | 1U << 3, 0, 1) },
	{ HEAD(TCPIP_MAXCONNECTRETRANS, "cimTcpipMaxConnectRetrans",
	      "SetTcpMaxConnectRetransmissions", CIM_M_SETTCPMAXCONNECTRETRANSMISSIONS,
	      ASN_UNSIGNED, 1, 127),
	    NUMBER("tcp_syn_retries", 1) },
	{ HEAD(TCPIP_MAXDATARETRANS, "cimTcpipMaxDataRetrans", "SetTcpMaxDataRetransmissions",
	      CIM_M_SETTCPMAXDATARETRANSMISSIONS, ASN_UNSIGNED, 1, 2147483647),
	    NUMBER("tcp_retries2", 1) },
	{ HEAD(TCPIP_RFC1122URGENTPOINTER, "cimTcpipRFC1122UrgentPointer",
	      "SetTcpUseRFC1122UrgentPointer", CIM_M_SETTCPUSERFC1122URGENTPOINTER, TRUTH),
	    TRUTHS("tcp_stdurg", NOT_0, 1, 0) },
};

/* The TruthValue a sysctl's value n reads as. */
static long
sc_truth(const struct sc_scalar *s, unsigned long long n)
{
	return (s->truthy >> (n < 31 ? n : 31)) & 1 ? TV_TRUE : TV_FALSE;
}

static int
get_sysctl(const void *row, struct mib_value *v, void *ctx)
{
	const struct sc_scalar *s = ctx;
	unsigned long long n;

	(void)row;
	if (sysctl_read(tc.sys->sysctl_root, s->sysctl, &n) < 0)
		return -1;
	if (s->factor == 0) {
		mib_set_int(v, ASN_INTEGER, sc_truth(s, n));
		return 0;
	}
	n *= s->factor;
	mib_set_uint(v, ASN_UNSIGNED, n > UINT32_MAX ? UINT32_MAX : (u_long)n);
	return 0;
}

static int
check_sysctl(const netsnmp_variable_list *vb, void *ctx)
{
	struct sc_scalar *s = ctx;
	unsigned long v;
	int rc = check_syntax(&s->h, vb, &v);

	if (rc == SNMP_ERR_NOERROR && s->factor > 1 && v % s->factor != 0)
		return refuse(&s->h, vb, SNMP_ERR_WRONGVALUE, CIM_RC_OUTOFBOUNDS,
		    "not a whole number of seconds");
	return rc;
}

/* The sysctl's value for the SNMP value v, cur being its value now. */
static unsigned long long
sc_target(const struct sc_scalar *s, unsigned long v, unsigned long long cur)
{
	if (s->factor != 0)
		return v / s->factor;
	if (sc_truth(s, cur) == (long)v)
		return cur;
	return v == TV_TRUE ? s->on : s->off;
}

/*
 * ACTION: read the value, write the new one; a kernel refusal is
 * commitFailed.  The value UNDO writes back is the one before the SET's
 * first write (a SET may name the scalar twice).
 */
static int
apply_sysctl(const netsnmp_variable_list *vb, void *ctx)
{
	struct sc_scalar *s = ctx;
	const char *root = tc.sys->sysctl_root;
	unsigned long long cur, v;

	if (sysctl_read(root, s->sysctl, &cur) < 0) {
		log_err_errno("set", "%s.0: cannot read %s/%s", s->h.name, root, s->sysctl);
		record(&s->h, CIM_RC_REGISTRYACCESS);
		return SNMP_ERR_COMMITFAILED;
	}
	if (!s->h.written)
		s->old = cur;
	v = sc_target(s, (unsigned long)*vb->val.integer & 0xffffffffUL, cur);
	if (v == cur)
		return SNMP_ERR_NOERROR;
	if (sysctl_write(root, s->sysctl, v) < 0) {
		int e = errno;

		log_err_errno("set", "%s.0: %s(): cannot write %llu to %s/%s", s->h.name, s->h.wmi,
		    v, root, s->sysctl);
		record(&s->h, e == EINVAL ? CIM_RC_OUTOFBOUNDS : CIM_RC_REGISTRYACCESS);
		return SNMP_ERR_COMMITFAILED;
	}
	s->h.written = 1;
	log_info("set", "%s.0: %s(): %s %llu -> %llu", s->h.name, s->h.wmi, s->sysctl, cur, v);
	return SNMP_ERR_NOERROR;
}

static int
undo_sysctl(void *ctx)
{
	struct sc_scalar *s = ctx;
	const char *root = tc.sys->sysctl_root;

	if (!s->h.written)
		return SNMP_ERR_NOERROR;
	s->h.written = 0;
	if (sysctl_write(root, s->sysctl, s->old) < 0) {
		log_err_errno("set", "%s.0: undo failed: cannot write %llu back to %s/%s",
		    s->h.name, s->old, root, s->sysctl);
		return SNMP_ERR_UNDOFAILED;
	}
	log_info("set", "%s.0: undone: %s back to %llu", s->h.name, s->sysctl, s->old);
	return SNMP_ERR_NOERROR;
}

static const struct mib_scalar_ops sysctl_ops = {
	.get = get_sysctl,
	.check = check_sysctl,
	.apply = apply_sysctl,
	.undo = undo_sysctl,
	.commit = commit_write,
};

/*
 * What Linux always is or never has (the MIB says why for each): a write of
 * the value Linux is succeeds and changes nothing (hardening scripts ask for
 * it on every host), any other is refused.  A property Linux does not have
 * reads noSuchInstance, as an absent column does; the value that asks for
 * what Linux already is (false, no WINS file) is still accepted.
 */
enum fixed_accept { FX_NONE, FX_INT, FX_STR };

struct fixed_scalar {
	struct tc_head h; /* first: the ctx of commit_write() */
	enum fixed_accept accept;
	long value;      /* FX_INT: the value Linux is */
	const char *str; /* FX_STR: likewise */
	int reads;       /* a GET answers it (else noSuchInstance) */
	long code;       /* a refusal records it */
	const char *why;
};

#define NOTSUP      CIM_RC_NOTSUPPORTED
#define STRING(max) ASN_OCTET_STR, 0, (max)
#define FX(a, v, s, r, c, w) \
	.accept = (a), .value = (v), .str = (s), .reads = (r), .code = (c), .why = (w)

static struct fixed_scalar fixed[] = {
	{ HEAD(TCPIP_ARPALWAYSSOURCEROUTE, "cimTcpipArpAlwaysSourceRoute",
	      "SetArpAlwaysSourceRoute", CIM_M_SETARPALWAYSSOURCEROUTE, TRUTH),
	    FX(FX_INT, TV_FALSE, NULL, 0, NOTSUP,
		"Linux has no Token Ring and no ARP source routing") },
	{ HEAD(TCPIP_ARPUSEETHERSNAP, "cimTcpipArpUseEtherSNAP", "SetArpUseEtherSNAP",
	      CIM_M_SETARPUSEETHERSNAP, TRUTH),
	    FX(FX_INT, TV_FALSE, NULL, 1, NOTSUP, "Linux sends IP in Ethernet II frames only") },
	{ HEAD(TCPIP_DATABASEPATH, "cimTcpipDatabasePath", "SetDatabasePath", CIM_M_SETDATABASEPATH,
	      STRING(255)),
	    FX(FX_STR, 0, "/etc", 1, NOTSUP, "the C library's paths are fixed") },
	{ HEAD(TCPIP_DEADGWDETECTENABLED, "cimTcpipDeadGWDetectEnabled", "SetDeadGWDetect",
	      CIM_M_SETDEADGWDETECT, TRUTH),
	    FX(FX_INT, TV_FALSE, NULL, 1, NOTSUP, "Linux IPv4 has no dead gateway detection") },
	{ HEAD(TCPIP_DEFAULTTOS, "cimTcpipDefaultTOS", "SetDefaultTOS", CIM_M_SETDEFAULTTOS,
	      ASN_UNSIGNED, 0, 255),
	    FX(FX_INT, 0, NULL, 1, NOTSUP, "Linux has no system-wide default TOS") },
	{ HEAD(TCPIP_DNSENABLEDFORWINS, "cimTcpipDNSEnabledForWINS", "EnableWINS", CIM_M_ENABLEWINS,
	      TRUTH),
	    FX(FX_INT, TV_FALSE, NULL, 0, NOTSUP, "Linux has no WINS client") },
	{ HEAD(TCPIP_FORWARDBUFFERMEMORY, "cimTcpipForwardBufferMemory", "SetForwardBufferMemory",
	      CIM_M_SETFORWARDBUFFERMEMORY, ASN_UNSIGNED, 0, 0xffffffffUL),
	    FX(FX_NONE, 0, NULL, 0, NOTSUP, "Linux has no router packet-queue memory pool") },
	{ HEAD(TCPIP_IGMPLEVEL, "cimTcpipIGMPLevel", "SetIGMPLevel", CIM_M_SETIGMPLEVEL,
	      ASN_INTEGER, 0, 2),
	    FX(FX_INT, 2, NULL, 1, NOTSUP, "Linux cannot turn multicast off system-wide") },
	{ HEAD(TCPIP_IPFILTERSECURITYENABLED, "cimTcpipIPFilterSecurityEnabled",
	      "EnableIPFilterSec", CIM_M_ENABLEIPFILTERSEC, TRUTH),
	    FX(FX_INT, TV_FALSE, NULL, 0, NOTSUP, "Linux has no Windows TCP/IP port filtering") },
	{ HEAD(TCPIP_IPUSEZEROBROADCAST, "cimTcpipIPUseZeroBroadcast", "SetIPUseZeroBroadcast",
	      CIM_M_SETIPUSEZEROBROADCAST, TRUTH),
	    FX(FX_INT, TV_FALSE, NULL, 1, NOTSUP, "Linux uses the all-ones broadcast only") },
	{ HEAD(TCPIP_IPXVIRTUALNETNUMBER, "cimTcpipIPXVirtualNetNumber",
	      "SetIPXVirtualNetworkNumber", CIM_M_SETIPXVIRTUALNETWORKNUMBER, STRING(8)),
	    FX(FX_NONE, 0, NULL, 0, CIM_RC_IPXNOTENABLED, "Linux has no IPX") },
	{ HEAD(TCPIP_NUMFORWARDPACKETS, "cimTcpipNumForwardPackets", "SetNumForwardPackets",
	      CIM_M_SETNUMFORWARDPACKETS, ASN_UNSIGNED, 1, 4294967294UL),
	    FX(FX_NONE, 0, NULL, 0, NOTSUP, "Linux has no router packet-queue header pool") },
	{ HEAD(TCPIP_TCPNUMCONNECTIONS, "cimTcpipTcpNumConnections", "SetTcpNumConnections",
	      CIM_M_SETTCPNUMCONNECTIONS, ASN_UNSIGNED, 0, 16777214),
	    FX(FX_NONE, 0, NULL, 0, NOTSUP, "Linux has no TCP connection limit") },
	{ HEAD(TCPIP_TCPWINDOWSIZE, "cimTcpipTcpWindowSize", "SetTcpWindowSize",
	      CIM_M_SETTCPWINDOWSIZE, ASN_UNSIGNED, 0, 65535),
	    FX(FX_NONE, 0, NULL, 0, NOTSUP, "Linux has no fixed TCP window") },
	{ HEAD(TCPIP_WINSENABLELMHOSTS, "cimTcpipWINSEnableLMHosts", "EnableWINS", CIM_M_ENABLEWINS,
	      TRUTH),
	    FX(FX_INT, TV_FALSE, NULL, 0, NOTSUP, "Linux has no WINS client") },
	{ HEAD(TCPIP_WINSHOSTLOOKUPFILE, "cimTcpipWINSHostLookupFile", "EnableWINS",
	      CIM_M_ENABLEWINS, STRING(255)),
	    FX(FX_STR, 0, "", 0, NOTSUP, "Linux has no WINS client") },
	{ HEAD(TCPIP_WINSSCOPEID, "cimTcpipWINSScopeID", "EnableWINS", CIM_M_ENABLEWINS,
	      STRING(255)),
	    FX(FX_STR, 0, "", 0, NOTSUP, "Linux has no WINS client") },
};

#undef NOTSUP
#undef STRING

static int
get_fixed(const void *row, struct mib_value *v, void *ctx)
{
	const struct fixed_scalar *f = ctx;

	(void)row;
	if (!f->reads)
		return -1;
	if (f->accept == FX_STR)
		mib_set_str(v, f->str, f->h.max);
	else if (f->h.type == ASN_UNSIGNED)
		mib_set_uint(v, f->h.type, (u_long)f->value);
	else
		mib_set_int(v, f->h.type, f->value);
	return 0;
}

static int
check_fixed(const netsnmp_variable_list *vb, void *ctx)
{
	struct fixed_scalar *f = ctx;
	unsigned long v;
	int rc = check_syntax(&f->h, vb, &v);

	if (rc != SNMP_ERR_NOERROR)
		return rc;
	if (f->accept == FX_INT && (long)v == f->value)
		return SNMP_ERR_NOERROR;
	if (f->accept == FX_STR && v == strlen(f->str) &&
	    (v == 0 || memcmp(vb->val.string, f->str, v) == 0))
		return SNMP_ERR_NOERROR;
	return refuse(&f->h, vb, SNMP_ERR_INCONSISTENTVALUE, f->code, f->why);
}

/* ACTION and UNDO of a value Linux already has: nothing to do. */
static int
apply_nothing(const netsnmp_variable_list *vb, void *ctx)
{
	(void)vb;
	(void)ctx;
	return SNMP_ERR_NOERROR;
}

static int
undo_nothing(void *ctx)
{
	(void)ctx;
	return SNMP_ERR_NOERROR;
}

static const struct mib_scalar_ops fixed_ops = {
	.get = get_fixed,
	.check = check_fixed,
	.apply = apply_nothing,
	.undo = undo_nothing,
	.commit = commit_write,
};

/*
 * cimTcpipDNSHostName: EnableDNS() sets the UTS name of cimrouted (the
 * namespace's, when it runs in one of its own) with sethostname(2), a host
 * name as RFC 1123 section 2.1 has it: labels of letters, digits and
 * hyphens, 1 to 63 characters, no hyphen first or last, joined by dots.
 */
#define HOSTNAME_MAX 64 /* the kernel's __NEW_UTS_LEN, the MIB's SIZE */

static struct host_scalar {
	struct tc_head h; /* first: the ctx of commit_write() */
	char old[HOSTNAME_MAX + 1];
} host = { .h = { .col = TCPIP_DNSHOSTNAME,
	       .name = "cimTcpipDNSHostName",
	       .wmi = "EnableDNS",
	       .method = CIM_M_ENABLEDNS,
	       SYNTAX_(ASN_OCTET_STR, 1, HOSTNAME_MAX),
	       .bad = CIM_RC_INVALIDHOSTNAME } };

/* A name of labels as RFC 1123 section 2.1 has them, at most max characters. */
static int
name_ok(const u_char *s, size_t len, size_t max)
{
	size_t label = 0;

	if (len == 0 || len > max)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
		} else if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || (s[i] == '-' && label > 0)) {
			if (++label > 63)
				return 0;
		} else
			return 0;
	}
	return label > 0 && s[len - 1] != '-';
}

/*
 * A domain name for the resolver, relative or absolute ("example.com.", the
 * root's dot kept off: the C library reads both alike, and one spelling
 * keeps the search list's names comparable): its length without that dot,
 * or 0 if it is not a name.
 */
static size_t
domain_len(const u_char *s, size_t len)
{
	if (len > 1 && s[len - 1] == '.')
		len--;
	return name_ok(s, len, RESOLVER_NAME_MAX) ? len : 0;
}

int
mib_tcpip_host_name_ok(const u_char *s, size_t len)
{
	return name_ok(s, len, HOSTNAME_MAX);
}

static int
get_host_name(const void *row, struct mib_value *v, void *ctx)
{
	char name[HOSTNAME_MAX + 1];

	(void)row;
	(void)ctx;
	if (tc.sys->gethostname(name, sizeof(name)) < 0)
		return -1;
	name[HOSTNAME_MAX] = '\0';
	if (name[0] == '\0')
		return -1;
	mib_set_str(v, name, HOSTNAME_MAX);
	return 0;
}

static int
check_host(const netsnmp_variable_list *vb, void *ctx)
{
	struct host_scalar *s = ctx;
	unsigned long len;
	int rc = check_syntax(&s->h, vb, &len);

	if (rc == SNMP_ERR_NOERROR && !mib_tcpip_host_name_ok(vb->val.string, len))
		return refuse(&s->h, vb, SNMP_ERR_WRONGVALUE, CIM_RC_INVALIDHOSTNAME,
		    "not a valid host name (RFC 1123)");
	return rc;
}

static int
apply_host(const netsnmp_variable_list *vb, void *ctx)
{
	struct host_scalar *s = ctx;

	if ((!s->h.written && tc.sys->gethostname(s->old, sizeof(s->old)) < 0) ||
	    tc.sys->sethostname((const char *)vb->val.string, vb->val_len) < 0) {
		int e = errno;

		log_err_errno("set", "%s.0: %s(): cannot set the host name", s->h.name, s->h.wmi);
		record(&s->h, e == EPERM ? CIM_RC_ACCESSDENIED : CIM_RC_UNKNOWNFAILURE);
		return SNMP_ERR_COMMITFAILED;
	}
	s->old[HOSTNAME_MAX] = '\0';
	s->h.written = 1;
	log_info("set", "%s.0: %s(): host name '%s' -> '%.*s'", s->h.name, s->h.wmi, s->old,
	    (int)vb->val_len, (const char *)vb->val.string);
	return SNMP_ERR_NOERROR;
}

static int
undo_host(void *ctx)
{
	struct host_scalar *s = ctx;

	if (!s->h.written)
		return SNMP_ERR_NOERROR;
	s->h.written = 0;
	if (tc.sys->sethostname(s->old, strlen(s->old)) < 0) {
		log_err_errno("set", "%s.0: undo failed: cannot set the host name back to '%s'",
		    s->h.name, s->old);
		return SNMP_ERR_UNDOFAILED;
	}
	log_info("set", "%s.0: undone: host name back to '%s'", s->h.name, s->old);
	return SNMP_ERR_NOERROR;
}

static const struct mib_scalar_ops host_ops = {
	.get = get_host_name,
	.check = check_host,
	.apply = apply_host,
	.undo = undo_host,
	.commit = commit_write,
};

/* ---- the DNS methods ----------------------------------------------------------- */

/*
 * SetDNSServerSearchOrder() (cimDnsServerTable rows), SetDNSSuffixSearchOrder()
 * (cimDnsSuffixTable rows) and SetDNSDomain() (cimTcpipDNSDomain, part of
 * EnableDNS()) change one file, the resolver file (iface/resolvfile.h: a
 * file another service owns is refused; a plain one replaced atomically).
 *
 * One rewrite a SET.  The rows are checked in RESERVE2 (each row, then the
 * file and the rows together in the group's check_set), the domain in its
 * RESERVE1; in ACTION the first of them to come (the group's action_end
 * after a table's rows, or the domain's apply) reads the file again,
 * changes its configuration by every row and the domain together, renders
 * it (resolver_render(): other lines kept) and replaces the file; the others
 * find it written.  What writes the old bytes back on UNDO is recorded
 * where the write was: a step of the transaction, or the domain's undo.
 *
 * A server row of an interface whose servers systemd-resolved keeps goes
 * through a command instead (see "servers of links systemd-resolved keeps").
 *
 * The lists are system-wide in the file: a server row of any IP-enabled
 * interface changes the one list every such interface shows, so rows of
 * two interfaces for one position must agree.  Positions are those of the
 * list as the file has it before the SET; the servers are written in
 * position order, gaps closed.  The domain is the first name of the search
 * list, as glibc reads it (the last of 'domain' and 'search' wins, and
 * 'domain X' is the list X): SetDNSDomain(X) puts X first (and nowhere
 * else) after the rows' changes, and the empty string removes the first
 * name; the file then has one 'search' line and no 'domain' line.
 *
 * cimTcpipLastMethod records the last method the SET performs:
 * SetDNSServerSearchOrder, then SetDNSSuffixSearchOrder (when the rows are
 * written, with a step that puts the previous record back on UNDO), then
 * SetDNSDomain (at COMMIT, as the other scalars).
 */
static const struct txn_ops srv_ops, sfx_ops;

/* A cimDnsServerTable row. */
struct dns_srow {
	int32_t ifindex;
	unsigned pos; /* 1..RESOLVER_MAX */
	long status;  /* the RowStatus given; 0 if none */
	int has_srv;  /* an address was given */
	struct resolver_server srv;
	int via_link; /* systemd-resolved keeps the link's servers: dnsLinkCommand */
	/* The first row of its link in the SET runs the command for them all: */
	int ran, undo;               /* ACTION started it; UNDO's state (1: started) */
	struct resolver_servers old; /* the link's list before, for UNDO */
	struct linkcmd cmd;
};

/* A cimDnsSuffixTable row. */
struct dns_xrow {
	unsigned pos;
	long status;
	int has_name;
	char name[RESOLVER_NAME_MAX + 1];
};

/* Refuse a row: the method's code recorded, txn_refuse()'s log line; returns err. */
static int dns_refuse(struct txn_row *row, int err, long code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The method a server or suffix row performs. */
static long
row_method(const struct txn_row *row)
{
	return txn_row_ops(row) == &srv_ops ? CIM_M_SETDNSSERVERSEARCHORDER :
					      CIM_M_SETDNSSUFFIXSEARCHORDER;
}

static int
dns_refuse(struct txn_row *row, int err, long code, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	record_method(row_method(row), code);
	return txn_refuse(row, err, "%s; result %ld", why, code);
}

/*
 * RESERVE1: the column check refused a value of a server or suffix row (a
 * wrong type or length): invalidParameter(68), as the adapter tables record
 * it.  The row's own checks record theirs through dns_refuse().
 */
static void
dns_refused(struct txn_row *row, oid col, int err, void *ctx)
{
	(void)col, (void)err, (void)ctx;
	record_method(row_method(row), CIM_RC_INVALIDPARAMETER);
}

/*
 * Apply the SET's rows of ops to the list of n elements of size sz (slots:
 * room for 64): the file's rows (link 0), or the server rows of a link
 * whose servers systemd-resolved keeps.
 */
static size_t
dns_apply_rows(const struct txn_ops *ops, void *list, size_t n, size_t sz, int32_t link)
{
	uint8_t slot[RESOLVER_MAX][RESOLVER_NAME_MAX + 1], used[RESOLVER_MAX] = { 0 };
	struct txn *x = tc.dns.txn;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		memcpy(slot[i], (const uint8_t *)list + i * sz, sz);
		used[i] = 1;
	}
	for (size_t i = 0; x != NULL && i < txn_nrows(x); i++) {
		const struct txn_row *row = txn_row_at(x, i);
		const void *v = NULL;
		unsigned pos;
		long status;

		if (txn_row_ops(row) != ops || txn_refused(row))
			continue;
		if (ops == &srv_ops) {
			const struct dns_srow *r = txn_row_data(row);

			if (r->via_link ? r->ifindex != link : link != 0)
				continue;
			pos = r->pos, status = r->status, v = r->has_srv ? &r->srv : NULL;
		} else {
			const struct dns_xrow *r = txn_row_data(row);

			pos = r->pos, status = r->status, v = r->has_name ? r->name : NULL;
		}
		if (status == RS_DESTROY)
			used[pos - 1] = 0;
		else if (v != NULL) {
			memcpy(slot[pos - 1], v, sz);
			used[pos - 1] = 1;
		}
	}
	for (size_t i = 0; i < RESOLVER_MAX; i++)
		if (used[i])
			memcpy((uint8_t *)list + k++ * sz, slot[i], sz);
	return k;
}

/* SetDNSDomain(): the domain first in the search list (and only there), or the first removed. */
static void
dns_apply_domain(struct resolver_conf *c, const char *d)
{
	static char rest[RESOLVER_MAX - 1][RESOLVER_NAME_MAX + 1];
	size_t k = 0;

	if (d[0] == '\0') {
		if (c->nsearch > 0)
			memmove(c->search[0], c->search[1], --c->nsearch * sizeof(c->search[0]));
		return;
	}
	for (size_t i = 0; i < c->nsearch && k < RESOLVER_MAX - 1; i++)
		if (strcmp(c->search[i], d) != 0)
			memcpy(rest[k++], c->search[i], sizeof(rest[0]));
	snprintf(c->search[0], sizeof(c->search[0]), "%s", d);
	memcpy(c->search[1], rest, k * sizeof(rest[0]));
	c->nsearch = k + 1;
}

/*
 * Which rows the SET has (refused ones aside): DNS_FILE_SRV servers of the
 * file, DNS_SFX suffixes, DNS_LINK_SRV servers of links resolved keeps.
 */
enum { DNS_FILE_SRV = 1, DNS_SFX = 2, DNS_LINK_SRV = 4, DNS_FILE = DNS_FILE_SRV | DNS_SFX };

static unsigned
dns_rows(void)
{
	unsigned m = 0;

	for (size_t i = 0; tc.dns.txn != NULL && i < txn_nrows(tc.dns.txn); i++) {
		const struct txn_row *row = txn_row_at(tc.dns.txn, i);
		const struct dns_srow *r = txn_row_data(row);

		if (txn_refused(row))
			continue;
		if (txn_row_ops(row) == &sfx_ops)
			m |= DNS_SFX;
		else if (txn_row_ops(row) == &srv_ops)
			m |= r->via_link ? DNS_LINK_SRV : DNS_FILE_SRV;
	}
	return m;
}

/* The method the rows perform (the last of the two), or 0 with no rows. */
static long
dns_rows_method(void)
{
	unsigned m = dns_rows();

	if (m & DNS_SFX)
		return CIM_M_SETDNSSUFFIXSEARCHORDER;
	return m != 0 ? CIM_M_SETDNSSERVERSEARCHORDER : 0;
}

/* The method a failed write records: the rows', else SetDNSDomain. */
static long
dns_method(void)
{
	long m = dns_rows_method();

	return m != 0 ? m : CIM_M_SETDNSDOMAIN;
}

/* The file read for a write or a check: 0, or -1 with the code to record (logged). */
static int
dns_load(struct resolvfile *f, long *code)
{
	const char *path = resolver_path(tc.res);
	char err[256];

	if (resolvfile_load(path, f, err, sizeof(err)) < 0) {
		log_err("set", "resolver: %s", err);
		*code = CIM_RC_REGISTRYACCESS;
		return -1;
	}
	if (f->owner[0] == '\0' && tc.sys->proc_root != NULL)
		resolvfile_dhclient(tc.sys->proc_root, f->owner, sizeof(f->owner));
	if (f->owner[0] != '\0') {
		log_notice("set",
		    "resolver: %s belongs to %s: not written, its next lease or change would "
		    "overwrite it",
		    path, f->owner);
		resolvfile_free(f);
		*code = CIM_RC_ACCESSDENIED;
		return -1;
	}
	return 0;
}

/* UNDO: the file's old bytes back (or no file); 0 or -1 (logged). */
static int
dns_undo(void *row, void *arg)
{
	struct dns_state *d = arg;
	const char *path = resolver_path(tc.res);
	char err[256];

	(void)row;
	if (!d->changed)
		return 0;
	d->changed = 0;
	if (resolvfile_restore(path, &d->old, err, sizeof(err)) < 0) {
		log_err("set", "resolver: undo failed: %s", err);
		return -1;
	}
	log_info("set", "resolver: undone: %s put back as it was", path);
	resolver_refresh(tc.res);
	return 0;
}

/* Render the changed configuration and replace the file; 0 or -1 (code recorded, logged). */
static int
dns_replace(struct dns_state *d)
{
	const char *path = resolver_path(tc.res);
	struct resolver_conf *c = &d->conf;
	size_t len;
	char err[256], *text;
	int rc = 0;

	resolver_parse(d->old.text != NULL ? d->old.text : "", d->old.len, c);
	c->srv.n = dns_apply_rows(&srv_ops, c->srv.v, c->srv.n, sizeof(c->srv.v[0]), 0);
	c->nsearch = dns_apply_rows(&sfx_ops, c->search, c->nsearch, sizeof(c->search[0]), 0);
	if (d->domain_given)
		dns_apply_domain(c, d->domain);
	if ((text = resolver_render(d->old.text != NULL ? d->old.text : "", d->old.len, c, &len)) ==
	    NULL) {
		log_err("set", "resolver: out of memory");
		record_method(dns_method(), CIM_RC_UNKNOWNFAILURE);
		return -1;
	}
	if (!d->old.missing && len == d->old.len && memcmp(text, d->old.text, len) == 0)
		log_info("set", "resolver: %s already reads as asked: not rewritten", path);
	else if ((rc = resolvfile_write(path, &d->old, text, len, err, sizeof(err))) < 0) {
		log_err("set", "resolver: %s", err);
		record_method(dns_method(), CIM_RC_REGISTRYACCESS);
	} else {
		d->changed = 1;
		log_info("set", "resolver: %s rewritten: %zu servers, %zu search names", path,
		    c->srv.n, c->nsearch);
		resolver_refresh(tc.res);
	}
	free(text);
	return rc;
}

/* ACTION: the SET's one write (x: record its undo as a step; NULL: the domain's undo will). */
static int
dns_write(struct txn *x)
{
	struct dns_state *d = &tc.dns;
	long code;

	if (d->written)
		return 0;
	d->written = 1;
	d->changed = 0;
	resolvfile_free(&d->old);
	if (dns_load(&d->old, &code) < 0) {
		record_method(dns_method(), code);
		return -1;
	}
	if (dns_replace(d) < 0)
		return -1;
	d->by_scalar = x == NULL;
	if (x != NULL)
		txn_step(x, NULL, dns_undo, d);
	return 0;
}

/* ---- the resolver tables' rows ---- */

/* An index outside the table (noCreation): logged and recorded here, as txn has no row yet. */
static int
dns_bad_index(const char *table, long method, const oid *idx, size_t len, const char *why)
{
	char w[128];

	snprintf(w, sizeof(w), "%s; result %d", why, CIM_RC_OUTOFBOUNDS);
	record_method(method, CIM_RC_OUTOFBOUNDS);
	return txn_bad_index(table, idx, len, w);
}

static int
srv_parse_index(void *ctx, const oid *idx, size_t len, void *row)
{
	struct dns_srow *r = row;

	(void)ctx;
	if (len != 2 || idx[0] < 1 || idx[0] > INT32_MAX || idx[1] < 1 || idx[1] > RESOLVER_MAX)
		return dns_bad_index("cimDnsServerTable", CIM_M_SETDNSSERVERSEARCHORDER, idx, len,
		    "the index is an interface index and a position from 1 to 64");
	r->ifindex = (int32_t)idx[0];
	r->pos = (unsigned)idx[1];
	return SNMP_ERR_NOERROR;
}

static int
sfx_parse_index(void *ctx, const oid *idx, size_t len, void *row)
{
	struct dns_xrow *r = row;

	(void)ctx;
	if (len != 1 || idx[0] < 1 || idx[0] > RESOLVER_MAX)
		return dns_bad_index("cimDnsSuffixTable", CIM_M_SETDNSSUFFIXSEARCHORDER, idx, len,
		    "the index is a position from 1 to 64");
	r->pos = (unsigned)idx[0];
	return SNMP_ERR_NOERROR;
}

static void
srv_row_name(const void *row, char *buf, size_t len)
{
	const struct dns_srow *r = row;

	snprintf(buf, len, "cimDnsServerTable row %d.%u", (int)r->ifindex, r->pos);
}

static void
sfx_row_name(const void *row, char *buf, size_t len)
{
	snprintf(buf, len, "cimDnsSuffixTable row %u", ((const struct dns_xrow *)row)->pos);
}

/* The RowStatus given (0: none): createAndGo, active or destroy; -1 refused. */
static int
dns_status(struct txn_row *row, oid col, long *status)
{
	*status = 0;
	if (!txn_int(row, col, status) || *status == RS_CREATEANDGO || *status == RS_ACTIVE ||
	    *status == RS_DESTROY)
		return 0;
	dns_refuse(row, SNMP_ERR_WRONGVALUE, CIM_RC_INVALIDPARAMETER,
	    "RowStatus %ld: only createAndGo(4), active(1) and destroy(6)", *status);
	return -1;
}

/* The server address types the MIB takes; others are wrongValue. */
#define SRV_TYPE_WHY "the address type is not ipv4(1), ipv6(2) or ipv6z(4)"
static int
srv_type_known(long type)
{
	return type == INET_IPV4 || type == INET_IPV6 || type == INET_IPV6Z;
}

/* A server address as RFC 4001 gives it (type, bytes), not a wildcard or multicast one. */
static const char *
server_of(long type, const u_char *a, size_t len, struct resolver_server *s)
{
	static const uint8_t zero[16];
	uint32_t zone;

	memset(s, 0, sizeof(*s));
	if (type == INET_IPV4 && len == 4) {
		s->family = AF_INET;
		memcpy(s->addr, a, 4);
		if (memcmp(a, zero, 4) == 0 || a[0] >= 224)
			return "not a unicast IPv4 address";
		return NULL;
	}
	if ((type != INET_IPV6 || len != 16) && (type != INET_IPV6Z || len != 20))
		return !srv_type_known(type) ? SRV_TYPE_WHY :
					       "the address's length does not fit its type";
	s->family = AF_INET6;
	memcpy(s->addr, a, 16);
	if (len == 20) {
		memcpy(&zone, a + 16, 4);
		s->zone = ntohl(zone);
		if (s->zone == 0 || s->zone > INT32_MAX)
			return "the zone is not an interface index";
	}
	if (memcmp(a, zero, 16) == 0 || a[0] == 0xff)
		return "not a unicast IPv6 address";
	return NULL;
}

/* RESERVE2: one server row against the interface mirror (the file comes in check_set). */
static int
srv_check(struct txn *x, struct txn_row *row, void *ctx)
{
	struct dns_srow *r = txn_row_data(row);
	const struct link *l = iface_link(tc.ifm, r->ifindex);
	long type = INET_IPV4;
	const u_char *a;
	const char *why;
	size_t len;

	(void)x;
	(void)ctx;
	if (l == NULL)
		return dns_refuse(row, SNMP_ERR_NOCREATION, CIM_RC_INVALIDPARAMETER,
		    "no interface %d", (int)r->ifindex);
	if (!mib_adcfg_ip_enabled(l))
		return dns_refuse(row, SNMP_ERR_INCONSISTENTVALUE, CIM_RC_IPNOTENABLED,
		    "%s is not IP-enabled (cimAdapterCfgIPEnabled)", l->name);
	r->via_link = resolver_link(tc.res, r->ifindex) != NULL;
	/* resolved's list of the link is its own configuration (the file's is everyone's). */
	if (r->via_link && tc.protect != NULL && writer_protected(tc.protect, l->name))
		return dns_refuse(row, SNMP_ERR_NOACCESS, CIM_RC_ACCESSDENIED,
		    "%s is protected from SNMP writes (protectedInterfaces)", l->name);
	if (dns_status(row, COL_DNSSERVER_ROWSTATUS, &r->status) < 0)
		return SNMP_ERR_WRONGVALUE;
	a = txn_str(row, COL_DNSSERVER_ADDRESS, &len);
	txn_int(row, COL_DNSSERVER_ADDRESSTYPE, &type);
	if (r->status == RS_DESTROY ||
	    (a == NULL && r->status != RS_CREATEANDGO && !txn_has(row, COL_DNSSERVER_ADDRESSTYPE)))
		return SNMP_ERR_NOERROR;
	if (!srv_type_known(type)) /* wrongValue before anything else of the row */
		return dns_refuse(row, SNMP_ERR_WRONGVALUE, CIM_RC_INVALIDIPADDRESS, SRV_TYPE_WHY);
	if (a == NULL)
		return dns_refuse(row, SNMP_ERR_INCONSISTENTVALUE, CIM_RC_INVALIDPARAMETER,
		    "cimDnsServerAddress must be given");
	if ((why = server_of(type, a, len, &r->srv)) != NULL)
		return dns_refuse(row, SNMP_ERR_WRONGVALUE, CIM_RC_INVALIDIPADDRESS, "%s", why);
	if (r->srv.zone != 0 && iface_link(tc.ifm, (int32_t)r->srv.zone) == NULL)
		return dns_refuse(row, SNMP_ERR_INCONSISTENTVALUE, CIM_RC_INVALIDIPADDRESS,
		    "the zone names no interface (ifindex %u)", (unsigned)r->srv.zone);
	/* A link-local server in the system-wide file: through the row's interface. */
	if (!r->via_link && r->srv.zone == 0 && r->srv.family == AF_INET6 &&
	    r->srv.addr[0] == 0xfe && (r->srv.addr[1] & 0xc0) == 0x80)
		r->srv.zone = (uint32_t)r->ifindex;
	r->has_srv = 1;
	return SNMP_ERR_NOERROR;
}

static int
sfx_check(struct txn *x, struct txn_row *row, void *ctx)
{
	struct dns_xrow *r = txn_row_data(row);
	const u_char *n;
	size_t len, k;

	(void)x;
	(void)ctx;
	if (dns_status(row, COL_DNSSUFFIX_ROWSTATUS, &r->status) < 0)
		return SNMP_ERR_WRONGVALUE;
	n = txn_str(row, COL_DNSSUFFIX_NAME, &len);
	if (r->status == RS_DESTROY || (n == NULL && r->status != RS_CREATEANDGO))
		return SNMP_ERR_NOERROR;
	if (n == NULL)
		return dns_refuse(row, SNMP_ERR_INCONSISTENTVALUE, CIM_RC_INVALIDPARAMETER,
		    "cimDnsSuffixName must be given");
	if ((k = domain_len(n, len)) == 0)
		return dns_refuse(row, SNMP_ERR_WRONGVALUE, CIM_RC_INVALIDDOMAINNAME,
		    "'%.*s' is not a domain name", (int)(len < 64 ? len : 64), (const char *)n);
	memcpy(r->name, n, k);
	r->name[k] = '\0';
	r->has_name = 1;
	return SNMP_ERR_NOERROR;
}

/*
 * A row against the list the file has (n entries): it exists, or is
 * created.  RFC 2579: createAndGo of a row that exists and active(1) of one
 * that does not are inconsistentValue; another column alone of a row that
 * does not exist is inconsistentName.
 */
static int
dns_row_fits(struct txn_row *row, unsigned pos, long status, int has_value, size_t n,
    const char *col)
{
	if (status == RS_CREATEANDGO && pos <= n)
		return dns_refuse(row, SNMP_ERR_INCONSISTENTVALUE, CIM_RC_INVALIDPARAMETER,
		    "the row exists (the list has %zu)", n);
	if (status == RS_ACTIVE && pos > n)
		return dns_refuse(row, SNMP_ERR_INCONSISTENTVALUE, CIM_RC_INVALIDPARAMETER,
		    "active(1): the row does not exist (create it with %s createAndGo(4))", col);
	if (status != RS_CREATEANDGO && status != RS_DESTROY && has_value && pos > n)
		return dns_refuse(row, SNMP_ERR_INCONSISTENTNAME, CIM_RC_INVALIDPARAMETER,
		    "the row does not exist (create it with %s)", col);
	return 0;
}

/* Two server rows of one position (two interfaces) that do not do the same. */
static int
srv_same(const struct dns_srow *a, const struct dns_srow *b)
{
	return a->status == b->status && a->has_srv == b->has_srv &&
	    (!a->has_srv || memcmp(&a->srv, &b->srv, sizeof(a->srv)) == 0);
}

static void
srv_agree(struct txn *x, size_t i)
{
	struct txn_row *row = txn_row_at(x, i);
	const struct dns_srow *r = txn_row_data(row);

	for (size_t j = 0; j < i; j++) {
		const struct txn_row *o = txn_row_at(x, j);
		const struct dns_srow *p = txn_row_data(o);

		if (txn_row_ops(o) == &srv_ops && !txn_refused(o) && !p->via_link &&
		    p->pos == r->pos && !srv_same(p, r)) {
			dns_refuse(row, SNMP_ERR_INCONSISTENTVALUE, CIM_RC_INVALIDPARAMETER,
			    "the server list is system-wide: row %d.%u of this SET asks otherwise",
			    (int)p->ifindex, p->pos);
			return;
		}
	}
}

/* Refuse every row of the resolver tables in this SET (the file cannot be written). */
static void
dns_refuse_all(struct txn *x, int err, long code, const char *why)
{
	for (size_t i = 0; i < txn_nrows(x); i++) {
		struct txn_row *row = txn_row_at(x, i);

		if ((txn_row_ops(row) == &srv_ops || txn_row_ops(row) == &sfx_ops) &&
		    !txn_refused(row))
			dns_refuse(row, err, code, "%s", why);
	}
}

/* How many of the n elements of size sz of list are e (names: without case). */
static size_t
dns_count(const void *list, size_t n, size_t sz, const void *e, int names)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const void *o = (const uint8_t *)list + i * sz;

		k += names ? strcasecmp(o, e) == 0 : memcmp(o, e, sz) == 0;
	}
	return k;
}

/*
 * A row that leaves its list naming its element twice: refused
 * (invalidParameter, 68), as cimq refuses an array that gives one twice
 * (the resolver would ask the same server again, glibc search the same
 * suffix again).
 */
static void
dns_check_unique(struct txn *x, size_t i)
{
	struct txn_row *row = txn_row_at(x, i);
	struct resolver_servers s = tc.dns.conf.srv;
	char names[RESOLVER_MAX][RESOLVER_NAME_MAX + 1];
	size_t n;

	if (txn_row_ops(row) == &srv_ops) {
		const struct dns_srow *r = txn_row_data(row);
		const struct resolver_servers *l = resolver_link(tc.res, r->ifindex);

		if (!r->has_srv || r->status == RS_DESTROY)
			return;
		if (r->via_link && l != NULL)
			s = *l;
		n = dns_apply_rows(&srv_ops, s.v, s.n, sizeof(s.v[0]),
		    r->via_link ? r->ifindex : 0);
		if (dns_count(s.v, n, sizeof(s.v[0]), &r->srv, 0) > 1)
			dns_refuse(row, SNMP_ERR_INCONSISTENTVALUE, CIM_RC_INVALIDPARAMETER,
			    "the server list would name this server twice");
	} else if (txn_row_ops(row) == &sfx_ops) {
		const struct dns_xrow *r = txn_row_data(row);

		if (!r->has_name || r->status == RS_DESTROY)
			return;
		memcpy(names, tc.dns.conf.search, sizeof(names));
		n = dns_apply_rows(&sfx_ops, names, tc.dns.conf.nsearch, sizeof(names[0]), 0);
		if (dns_count(names, n, sizeof(names[0]), r->name, 1) > 1)
			dns_refuse(row, SNMP_ERR_INCONSISTENTVALUE, CIM_RC_INVALIDPARAMETER,
			    "the search list would name '%s' twice", r->name);
	}
}

/* The rows against the lists they change: the file's (tc.dns.conf), or their link's in resolved. */
static void
dns_check_rows(struct txn *x)
{
	for (size_t i = 0; i < txn_nrows(x); i++) {
		struct txn_row *row = txn_row_at(x, i);

		if (txn_refused(row))
			continue;
		if (txn_row_ops(row) == &srv_ops) {
			const struct dns_srow *r = txn_row_data(row);
			const struct resolver_servers *l = resolver_link(tc.res, r->ifindex);
			size_t n = r->via_link && l != NULL ? l->n : tc.dns.conf.srv.n;

			if (dns_row_fits(row, r->pos, r->status, r->has_srv, n,
				"cimDnsServerRowStatus") == 0 &&
			    !r->via_link)
				srv_agree(x, i);
		} else if (txn_row_ops(row) == &sfx_ops) {
			const struct dns_xrow *r = txn_row_data(row);

			dns_row_fits(row, r->pos, r->status, r->has_name, tc.dns.conf.nsearch,
			    "cimDnsSuffixRowStatus");
		}
	}
	for (size_t i = 0; i < txn_nrows(x); i++)
		if (!txn_refused(txn_row_at(x, i)))
			dns_check_unique(x, i);
}

/* RESERVE2, the rows together: the file must be ours, the rows fit its lists. */
static void
dns_check_set(struct txn *x, void *ctx)
{
	struct resolvfile f;
	long code;

	(void)ctx;
	tc.dns.written = tc.dns.recorded = 0;
	memset(&tc.dns.conf, 0, sizeof(tc.dns.conf));
	if ((dns_rows() & DNS_FILE) == 0) {
		dns_check_rows(x);
		return;
	}
	if (dns_load(&f, &code) < 0) {
		dns_refuse_all(x,
		    code == CIM_RC_ACCESSDENIED ? SNMP_ERR_INCONSISTENTVALUE :
						  SNMP_ERR_RESOURCEUNAVAILABLE,
		    code, "the resolver file cannot be written (see above)");
		return;
	}
	resolver_parse(f.text != NULL ? f.text : "", f.len, &tc.dns.conf);
	resolvfile_free(&f);
	dns_check_rows(x);
}

/* ---- servers of links systemd-resolved keeps: dnsLinkCommand ---- */

/*
 * Where resolved keeps a link's servers (its state has SERVERS= for the
 * link), the file is not that link's list: the rows of the link change
 * resolved's through the command (iface/linkcmd.h), "CMD dns IFNAME
 * SERVER..." with the link's whole new list, run once a SET for each link
 * by the first of its rows, in ACTION, without waiting in the loop (the
 * row's apply is TXN_PENDING until the child exits).  UNDO runs it again
 * with the list resolved had.  A command that fails is commitFailed,
 * registryAccessError(72); one that outlives the phase is killed.
 */
static void
link_resumed(void *arg)
{
	txn_resume(arg);
}

/* Does a row of the same link before this one run the command? */
static int
link_run_by_earlier(const struct txn *x, const struct txn_row *row)
{
	const struct dns_srow *r = txn_row_data(row);

	for (size_t i = 0; i < txn_nrows(x) && txn_row_at(x, i) != row; i++) {
		const struct txn_row *o = txn_row_at(x, i);
		const struct dns_srow *p = txn_row_data(o);

		if (txn_row_ops(o) == &srv_ops && !txn_refused(o) && p->via_link &&
		    p->ifindex == r->ifindex)
			return 1;
	}
	return 0;
}

/* Start the command with the list s for the row's link; TXN_PENDING, or -1 (logged). */
static int
link_start(struct dns_srow *r, const struct resolver_servers *s)
{
	const struct link *l = iface_link(tc.ifm, r->ifindex);
	const char *cmd = resolver_link_command(tc.res);
	char err[256];

	if (l == NULL) {
		log_err("set", "resolver: interface %d is gone", (int)r->ifindex);
		return -1;
	}
	if (linkcmd_start(&r->cmd, cmd, l->name, s, link_resumed, tc.dns.txn, err, sizeof(err)) <
	    0) {
		log_err("set", "resolver: %s", err);
		return -1;
	}
	log_info("set", "resolver: %s: %s dns %s (%zu servers, through systemd-resolved)", l->name,
	    cmd, l->name, s->n);
	return TXN_PENDING;
}

static int
link_undo(void *row, void *arg)
{
	struct dns_srow *r = row;

	(void)arg;
	if (r->undo == 0) {
		r->undo = 1;
		return link_start(r, &r->old);
	}
	if (r->cmd.running)
		return TXN_PENDING;
	if (r->cmd.status < 0) {
		log_err("set",
		    "resolver: undo failed: the servers of interface %d in "
		    "systemd-resolved are not put back",
		    (int)r->ifindex);
		return -1;
	}
	log_info("set",
	    "resolver: undone: the servers of interface %d put back in systemd-resolved",
	    (int)r->ifindex);
	resolver_refresh(tc.res);
	return 0;
}

/* ACTION of a server row: the file's rows wait for action_end; a link's run the command. */
static int
srv_apply(struct txn *x, struct txn_row *row, void *ctx)
{
	struct dns_srow *r = txn_row_data(row);
	const struct resolver_servers *cur;
	struct resolver_servers s;
	int rc;

	(void)ctx;
	if (!r->via_link || (!r->ran && link_run_by_earlier(x, row)))
		return 0;
	if (!r->ran) {
		r->ran = 1;
		cur = resolver_link(tc.res, r->ifindex);
		r->old.n = 0;
		if (cur != NULL)
			r->old = *cur;
		s = r->old;
		s.n = dns_apply_rows(&srv_ops, s.v, s.n, sizeof(s.v[0]), r->ifindex);
		if ((rc = link_start(r, &s)) != -1)
			return rc;
	} else if (r->cmd.running)
		return TXN_PENDING;
	else if (r->cmd.status == 0) {
		txn_step(x, row, link_undo, NULL);
		resolver_refresh(tc.res); /* what resolved wrote, if it has already */
		return SNMP_ERR_NOERROR;
	}
	record_method(CIM_M_SETDNSSERVERSEARCHORDER, CIM_RC_REGISTRYACCESS);
	return SNMP_ERR_COMMITFAILED;
}

/* The phase's time is up, or the SET is over: no command is left running. */
static void
link_abandon_all(void *ctx)
{
	(void)ctx;
	for (size_t i = 0; tc.dns.txn != NULL && i < txn_nrows(tc.dns.txn); i++) {
		const struct txn_row *row = txn_row_at(tc.dns.txn, i);

		if (txn_row_ops(row) == &srv_ops)
			linkcmd_abandon(&((struct dns_srow *)txn_row_data(row))->cmd);
	}
}

static void
srv_row_free(void *row)
{
	linkcmd_abandon(&((struct dns_srow *)row)->cmd);
}

/* ACTION: a row's work is the group's one write. */
static int
dns_apply(struct txn *x, struct txn_row *row, void *ctx)
{
	(void)x;
	(void)row;
	(void)ctx;
	return 0;
}

static int
dns_undo_record(void *row, void *arg)
{
	const struct dns_state *d = arg;

	(void)row;
	/* Only if it still reads so: a method of the SET that failed since keeps its code. */
	if (tc.last_method == d->rows_method && tc.last_result == CIM_RC_SUCCESS)
		record_method(d->prev_method, d->prev_result);
	return 0;
}

/* ACTION, after a table's rows: the SET's one write, and the rows' method recorded. */
static int
dns_action_end(struct txn *x, void *ctx)
{
	struct dns_state *d = &tc.dns;

	(void)ctx;
	if (((dns_rows() & DNS_FILE) != 0 || d->domain_given) && dns_write(x) < 0)
		return SNMP_ERR_COMMITFAILED;
	if (!d->recorded && dns_rows_method() != 0) {
		d->recorded = 1;
		d->prev_method = tc.last_method;
		d->prev_result = tc.last_result;
		d->rows_method = dns_rows_method();
		record_method(d->rows_method, CIM_RC_SUCCESS);
		txn_step(x, NULL, dns_undo_record, d);
	}
	return SNMP_ERR_NOERROR;
}

static const struct txn_group dns_group = {
	.check_set = dns_check_set,
	.action_end = dns_action_end,
	.abandon = link_abandon_all,
};

static const struct txn_column srv_cols[] = {
	{ COL_DNSSERVER_ADDRESSTYPE, ASN_INTEGER, 0, NULL },
	{ COL_DNSSERVER_ADDRESS, ASN_OCTET_STR, 20, NULL },
	{ COL_DNSSERVER_ROWSTATUS, ASN_INTEGER, 0, NULL },
};

static const struct txn_column sfx_cols[] = {
	{ COL_DNSSUFFIX_NAME, ASN_OCTET_STR, RESOLVER_NAME_MAX, NULL },
	{ COL_DNSSUFFIX_ROWSTATUS, ASN_INTEGER, 0, NULL },
};

static const struct txn_ops srv_ops = {
	MIB_COLUMNS(srv_cols),
	.row_size = sizeof(struct dns_srow),
	.parse_index = srv_parse_index,
	.row_name = srv_row_name,
	.check = srv_check,
	.apply = srv_apply,
	.row_free = srv_row_free,
	.refused = dns_refused,
	.group = &dns_group,
};

static const struct txn_ops sfx_ops = {
	MIB_COLUMNS(sfx_cols),
	.row_size = sizeof(struct dns_xrow),
	.parse_index = sfx_parse_index,
	.row_name = sfx_row_name,
	.check = sfx_check,
	.apply = dns_apply,
	.refused = dns_refused,
	.group = &dns_group,
};

/* ---- cimTcpipDNSDomain ---- */

/* glibc's local domain: the first of the search list ('domain' or 'search', the last wins). */
static int
get_dns_domain(const void *row, struct mib_value *v, void *ctx)
{
	const struct resolver_conf *c = resolver_global(tc.res);

	(void)row;
	(void)ctx;
	if (c->nsearch == 0)
		return -1;
	mib_set_str(v, c->search[0], RESOLVER_NAME_MAX);
	return 0;
}

static struct tc_head domain_head = { .col = TCPIP_DNSDOMAIN,
	.name = "cimTcpipDNSDomain",
	.wmi = "SetDNSDomain",
	.method = CIM_M_SETDNSDOMAIN,
	SYNTAX_(ASN_OCTET_STR, 0, RESOLVER_NAME_MAX),
	.bad = CIM_RC_INVALIDDOMAINNAME };

/* RESERVE1: a domain name (or empty), and a file cimrouted may write. */
static int
check_domain(const netsnmp_variable_list *vb, void *ctx)
{
	struct dns_state *d = &tc.dns;
	struct tc_head *h = ctx;
	struct resolvfile f;
	unsigned long len;
	long code;
	int rc = check_syntax(h, vb, &len);

	d->written = 0;
	if (rc != SNMP_ERR_NOERROR)
		return rc;
	if (len > 0 && (len = domain_len(vb->val.string, len)) == 0)
		return refuse(h, vb, SNMP_ERR_WRONGVALUE, CIM_RC_INVALIDDOMAINNAME,
		    "not a domain name");
	if (dns_load(&f, &code) < 0)
		return refuse(h, vb,
		    code == CIM_RC_ACCESSDENIED ? SNMP_ERR_INCONSISTENTVALUE :
						  SNMP_ERR_RESOURCEUNAVAILABLE,
		    code, "the resolver file cannot be written (see above)");
	resolvfile_free(&f);
	memcpy(d->domain, vb->val.string, len);
	d->domain[len] = '\0';
	d->domain_given = 1;
	return SNMP_ERR_NOERROR;
}

static int
apply_domain(const netsnmp_variable_list *vb, void *ctx)
{
	(void)vb;
	(void)ctx;
	return dns_write(NULL) < 0 ? SNMP_ERR_COMMITFAILED : SNMP_ERR_NOERROR;
}

static int
undo_domain(void *ctx)
{
	(void)ctx;
	if (!tc.dns.by_scalar)
		return SNMP_ERR_NOERROR; /* the rows' step puts the file back */
	tc.dns.by_scalar = 0;
	return dns_undo(NULL, &tc.dns) < 0 ? SNMP_ERR_UNDOFAILED : SNMP_ERR_NOERROR;
}

/* The SET is over, whatever its end: the domain is no longer asked for. */
static void
end_domain(void *ctx)
{
	(void)ctx;
	tc.dns.domain_given = 0;
	tc.dns.by_scalar = 0;
}

static const struct mib_scalar_ops domain_ops = {
	.get = get_dns_domain,
	.check = check_domain,
	.apply = apply_domain,
	.undo = undo_domain,
	.commit = commit_write,
	.end = end_domain,
};

/* An INTEGER that ctx points to: cimTcpipAction's none(1), cimTcpipLastMethod. */
static int
get_long(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	mib_set_int(v, ASN_INTEGER, *(const long *)ctx);
	return 0;
}

/* Absent while no method has run. */
static int
get_last_result(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)ctx;
	if (tc.last_method == CIM_M_NONE)
		return -1;
	mib_set_int(v, ASN_INTEGER, tc.last_result);
	return 0;
}

/*
 * cimTcpipAction: ReleaseDHCPLeaseAll() and RenewDHCPLeaseAll() through the
 * adapter methods' DHCP commands (snmp/mib_ifset.h), started at COMMIT and
 * not waited for: LastResult reads jobStarted(4096) until every one has
 * ended, then 0, or notAllLeasesDone(98) if one failed.  Refused (checked
 * in RESERVE1): no commands (64), no interface with DHCP (100), an
 * interface whose command still runs (98).  Reading returns none(1).
 */
static struct action_scalar {
	struct tc_head h;
	struct ifset *ifs; /* NULL: no DHCP methods */
	long value;        /* this SET's: releaseDHCPLeaseAll(2) or renewDHCPLeaseAll(3) */
} action = { HEAD(TCPIP_ACTION, "cimTcpipAction", "ReleaseDHCPLeaseAll/RenewDHCPLeaseAll",
    CIM_M_RELEASEDHCPLEASEALL, ASN_INTEGER, 2, 3) };

static long
action_method(long value)
{
	return value == 2 ? CIM_M_RELEASEDHCPLEASEALL : CIM_M_RENEWDHCPLEASEALL;
}

static int
check_action(const netsnmp_variable_list *vb, void *ctx)
{
	struct action_scalar *a = ctx;
	unsigned long v = 0;
	int rc, code;

	a->h.method = vb->type == ASN_INTEGER && vb->val.integer != NULL ?
	    action_method(*vb->val.integer) :
	    CIM_M_RELEASEDHCPLEASEALL;
	if ((rc = check_syntax(&a->h, vb, &v)) != SNMP_ERR_NOERROR)
		return rc;
	a->value = (long)v;
	code = a->ifs != NULL ? ifset_dhcp_all_check(a->ifs, v == 2) : CIM_RC_NOTSUPPORTED;
	if (code == CIM_RC_SUCCESS)
		return SNMP_ERR_NOERROR;
	return refuse(&a->h, vb, SNMP_ERR_INCONSISTENTVALUE, code,
	    code == CIM_RC_DHCPNOTENABLED ? "no interface has DHCP enabled" :
		code == CIM_RC_NOTALLLEASESDONE ?
					    "a DHCP command of an interface is still running" :
					    "no DHCP client command for every interface with DHCP");
}

/* Every command of the All variant has ended. */
static void
action_done(void *arg, int failed)
{
	struct action_scalar *a = arg;

	log_info("set", "%s.0: %s(): %s", a->h.name,
	    a->h.method == CIM_M_RELEASEDHCPLEASEALL ? "ReleaseDHCPLeaseAll" : "RenewDHCPLeaseAll",
	    failed ? "not all leases done" : "done");
	if (tc.last_method == a->h.method && tc.last_result == CIM_RC_JOBSTARTED)
		record(&a->h, failed ? CIM_RC_NOTALLLEASESDONE : CIM_RC_SUCCESS);
}

/* COMMIT: the commands start (nothing could take them back before). */
static void
commit_action(void *ctx)
{
	struct action_scalar *a = ctx;

	record(&a->h, CIM_RC_JOBSTARTED);
	ifset_dhcp_all_start(a->ifs, a->value == 2, action_done, a);
}

static int
get_action(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)ctx;
	mib_set_int(v, ASN_INTEGER, 1); /* none(1) */
	return 0;
}

static const struct mib_scalar_ops action_ops = {
	.get = get_action,
	.check = check_action,
	.apply = apply_nothing,
	.undo = undo_nothing,
	.commit = commit_action,
};

void
mib_tcpip_use_ifset(struct ifset *ifs)
{
	action.ifs = ifs;
}

void
mib_tcpip_use_protected(const struct writer_config *cfg)
{
	tc.protect = cfg;
}

static int
register_scalar(const struct tc_head *h, const struct mib_scalar_ops *ops, void *ctx)
{
	oid o[] = { CIMR_TCPIP, h->col };

	return mib_scalar_register_rw(h->name, o, OID_LENGTH(o), ops, ctx);
}

static int
register_tcpip(void)
{
	static const struct {
		oid col;
		const char *name;
		mib_get_fn get;
		void *ctx;
	} ro[] = {
		{ TCPIP_LASTMETHOD, "cimTcpipLastMethod", get_long, &tc.last_method },
		{ TCPIP_LASTRESULT, "cimTcpipLastResult", get_last_result, NULL },
	};

	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++)
		if (register_scalar(&sysctls[i].h, &sysctl_ops, &sysctls[i]) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (register_scalar(&fixed[i].h, &fixed_ops, &fixed[i]) < 0)
			return -1;
	if (register_scalar(&host.h, &host_ops, &host) < 0 ||
	    register_scalar(&action.h, &action_ops, &action) < 0 ||
	    register_scalar(&domain_head, &domain_ops, &domain_head) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		oid o[] = { CIMR_TCPIP, ro[i].col };

		if (mib_scalar_register(ro[i].name, o, OID_LENGTH(o), ro[i].get, ro[i].ctx) < 0)
			return -1;
	}
	return 0;
}

void
mib_tcpip_use_sys(const struct tcpip_sys *sys)
{
	tc.sys = sys != NULL ? sys : &sys_default;
}

const struct mib_scalar_ops *
mib_tcpip_scalar(oid col, void **ctx)
{
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++)
		if (sysctls[i].h.col == col)
			return *ctx = &sysctls[i], &sysctl_ops;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (fixed[i].h.col == col)
			return *ctx = &fixed[i], &fixed_ops;
	if (col == host.h.col)
		return *ctx = &host, &host_ops;
	if (col == action.h.col)
		return *ctx = &action, &action_ops;
	if (col == domain_head.col)
		return *ctx = &domain_head, &domain_ops;
	return NULL;
}

long
mib_tcpip_last(long *result)
{
	*result = tc.last_result;
	return tc.last_method;
}

/* ---- cimDnsServerTable --------------------------------------------------------- */

/* A row: the link, its servers, a position from 1.  Two slots: a row and the one after it. */
struct dns_row {
	const struct link *l;
	const struct resolver_servers *s;
	size_t pos;
};

static struct dns_row slot[2];
static unsigned cur;

/* The servers of an IP-enabled link: resolved's for it, else the system's; NULL if not enabled. */
static const struct resolver_servers *
servers_of(const struct link *l)
{
	const struct resolver_servers *s;

	if (!mib_adcfg_ip_enabled(l))
		return NULL;
	s = resolver_link(tc.res, l->ifindex);
	return s != NULL ? s : &resolver_global(tc.res)->srv;
}

/* The first row at or after position pos (from 1) of the links from l on. */
static const void *
dns_from(const struct link *l, size_t pos)
{
	size_t n;
	const struct link *v = iface_links(tc.ifm, &n);

	for (; l < v + n; l++, pos = 1) {
		const struct resolver_servers *s = servers_of(l);

		if (s != NULL && pos <= s->n) {
			struct dns_row *r = &slot[cur++ & 1];

			*r = (struct dns_row){ l, s, pos };
			return r;
		}
	}
	return NULL;
}

VEC_CMP_FIELD(link_cmp, struct link, ifindex, oid)

static const void *
dns_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	size_t n, i;
	const struct link *v = iface_links(tc.ifm, &n);
	size_t pos = 1;

	(void)ctx;
	if (len == 0)
		return dns_from(v, 1);
	i = vec_lower_bound(v, n, sizeof(*v), &idx[0], link_cmp, 0);
	if (i < n && (oid)v[i].ifindex == idx[0] && len >= 2) {
		/* (ifindex, p) itself only when the key is exactly it and not strict. */
		pos = idx[1] + (len > 2 || strict ? 1 : 0);
		if (idx[1] >= RESOLVER_MAX + 1)
			pos = RESOLVER_MAX + 1;
		if (pos == 0)
			pos = 1;
	}
	return dns_from(v + i, pos);
}

static const void *
dns_next(void *ctx, const void *row)
{
	const struct dns_row *r = row;

	(void)ctx;
	return dns_from(r->l, r->pos + 1);
}

static size_t
dns_index(void *ctx, const void *row, oid *out)
{
	const struct dns_row *r = row;

	(void)ctx;
	out[0] = (oid)r->l->ifindex;
	out[1] = r->pos;
	return 2;
}

#define SERVER(row) \
	(&((const struct dns_row *)(row))->s->v[((const struct dns_row *)(row))->pos - 1])

static int
get_server_type(const void *row, struct mib_value *v, void *ctx)
{
	const struct resolver_server *s = SERVER(row);

	(void)ctx;
	mib_set_int(v, ASN_INTEGER,
	    s->family == AF_INET ? INET_IPV4 :
		s->zone != 0     ? INET_IPV6Z :
				   INET_IPV6);
	return 0;
}

/* RFC 4001: 4 bytes, 16, or 16 and the zone index in network byte order. */
static int
get_server_address(const void *row, struct mib_value *v, void *ctx)
{
	const struct resolver_server *s = SERVER(row);
	uint8_t buf[20];
	uint32_t z = htonl(s->zone);
	size_t n = s->family == AF_INET ? 4 : 16;

	(void)ctx;
	memcpy(buf, s->addr, n);
	if (s->family == AF_INET6 && s->zone != 0) {
		memcpy(buf + 16, &z, 4);
		n = 20;
	}
	mib_set_bytes(v, ASN_OCTET_STR, buf, n);
	return 0;
}

static const struct mib_column dns_columns[] = {
	{ COL_DNSSERVER_ADDRESSTYPE, get_server_type },
	{ COL_DNSSERVER_ADDRESS, get_server_address },
	{ COL_DNSSERVER_ROWSTATUS, mib_get_active },
};

static struct mib_table dns_table = {
	.name = "cimDnsServerTable",
	MIB_ENTRY(CIMR_DNSSERVER_ENTRY),
	MIB_COLUMNS(dns_columns),
	.seek = dns_seek,
	.next = dns_next,
	.index = dns_index,
};

/* ---- cimDnsSuffixTable --------------------------------------------------------- */

#define SUFFIX_POS(row)                                                                  \
	((size_t)((const char *)(row) - (const char *)resolver_global(tc.res)->search) / \
		(RESOLVER_NAME_MAX + 1) +                                                \
	    1)

static const void *
suffix_at(size_t pos)
{
	const struct resolver_conf *c = resolver_global(tc.res);

	return pos >= 1 && pos <= c->nsearch ? c->search[pos - 1] : NULL;
}

static const void *
suffix_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	(void)ctx;
	if (len == 0)
		return suffix_at(1);
	if (idx[0] > RESOLVER_MAX)
		return NULL;
	return suffix_at(idx[0] == 0 ? 1 : idx[0] + (len > 1 || strict ? 1 : 0));
}

static const void *
suffix_next(void *ctx, const void *row)
{
	(void)ctx;
	return suffix_at(SUFFIX_POS(row) + 1);
}

static size_t
suffix_index(void *ctx, const void *row, oid *out)
{
	(void)ctx;
	out[0] = SUFFIX_POS(row);
	return 1;
}

static int
get_suffix_name(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_str(v, row, RESOLVER_NAME_MAX);
	return 0;
}

static const struct mib_column suffix_columns[] = {
	{ COL_DNSSUFFIX_NAME, get_suffix_name },
	{ COL_DNSSUFFIX_ROWSTATUS, mib_get_active },
};

static struct mib_table suffix_table = {
	.name = "cimDnsSuffixTable",
	MIB_ENTRY(CIMR_DNSSUFFIX_ENTRY),
	MIB_COLUMNS(suffix_columns),
	.seek = suffix_seek,
	.next = suffix_next,
	.index = suffix_index,
};

const struct mib_table *mib_dns_server_table = &dns_table;
const struct mib_table *mib_dns_suffix_table = &suffix_table;

void
mib_tcpip_bind(struct iface *ifm, struct resolver *res)
{
	tc.ifm = ifm;
	tc.res = res;
}

int
mib_tcpip_use_txn(struct txn *txn)
{
	tc.dns.txn = txn;
	if (txn_bind(txn, &dns_table, &srv_ops, NULL) < 0 ||
	    txn_bind(txn, &suffix_table, &sfx_ops, NULL) < 0)
		return -1;
	return 0;
}

int
mib_tcpip_register(struct iface *ifm, struct resolver *res, struct txn *txn)
{
	mib_tcpip_bind(ifm, res);
	if (mib_tcpip_use_txn(txn) < 0 || register_tcpip() < 0 ||
	    mib_table_register(&dns_table) < 0 || mib_table_register(&suffix_table) < 0)
		return -1;
	return 0;
}
