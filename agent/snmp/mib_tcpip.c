/*
 * cimAdapterConfig's host-wide part, read side: the cimTcpip scalars and the
 * resolver tables (cimDnsServerTable, cimDnsSuffixTable).
 *
 * The scalars are sysctls of cimrouted's network namespace, read from
 * /proc/sys when asked (a procfs read is a few microseconds, and a value
 * read later could be stale), the UTS host name, the resolver's search
 * list, and the constants Linux implies (the MIB says which); properties
 * Linux does not have read noSuchInstance, as absent columns do.
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
#include <fcntl.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "iface/ifmirror.h"
#include "iface/resolver.h"
#include "lib/strnum.h"
#include "lib/vec.h"
#include "snmp/mib.h"

enum { INET_IPV4 = 1, INET_IPV6 = 2, INET_IPV6Z = 4 }; /* InetAddressType */

static struct tcpip {
	struct iface *ifm;
	struct resolver *res;
} tc;

/* ---- cimTcpip ---------------------------------------------------------------- */

/* A sysctl of net.ipv4 as a number: 0, or -1 when unreadable. */
static int
sysctl_ipv4(const char *name, unsigned long long *out)
{
	char path[128], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strnum(buf, 0, UINT32_MAX, out);
}

/*
 * A scalar backed by a sysctl: its name, the factor WMI's unit needs
 * (seconds to milliseconds) and how it reads (a number, or a TruthValue
 * true when the value is not 0, or when it is 0).
 */
enum sc_kind { SC_NUMBER, SC_TRUE_IF_SET, SC_TRUE_IF_ZERO };

struct sc_scalar {
	const char *sysctl;
	unsigned long factor;
	enum sc_kind kind;
	oid col;
	const char *name;
};

static struct sc_scalar sysctls[] = {
	{ "ip_default_ttl", 1, SC_NUMBER, TCPIP_DEFAULTTTL, "cimTcpipDefaultTTL" },
	{ "tcp_keepalive_intvl", 1000, SC_NUMBER, TCPIP_KEEPALIVEINTERVAL,
	    "cimTcpipKeepAliveInterval" },
	{ "tcp_keepalive_time", 1000, SC_NUMBER, TCPIP_KEEPALIVETIME, "cimTcpipKeepAliveTime" },
	{ "tcp_mtu_probing", 1, SC_TRUE_IF_SET, TCPIP_PMTUBHDETECTENABLED,
	    "cimTcpipPMTUBHDetectEnabled" },
	{ "ip_no_pmtu_disc", 1, SC_TRUE_IF_ZERO, TCPIP_PMTUDISCOVERYENABLED,
	    "cimTcpipPMTUDiscoveryEnabled" },
	{ "tcp_syn_retries", 1, SC_NUMBER, TCPIP_MAXCONNECTRETRANS, "cimTcpipMaxConnectRetrans" },
	{ "tcp_retries2", 1, SC_NUMBER, TCPIP_MAXDATARETRANS, "cimTcpipMaxDataRetrans" },
	{ "tcp_stdurg", 1, SC_TRUE_IF_SET, TCPIP_RFC1122URGENTPOINTER,
	    "cimTcpipRFC1122UrgentPointer" },
};

static int
get_sysctl(const void *row, struct mib_value *v, void *ctx)
{
	const struct sc_scalar *s = ctx;
	unsigned long long n;

	(void)row;
	if (sysctl_ipv4(s->sysctl, &n) < 0)
		return -1;
	switch (s->kind) {
	case SC_NUMBER:
		n *= s->factor;
		mib_set_uint(v, ASN_UNSIGNED, n > UINT32_MAX ? UINT32_MAX : (u_long)n);
		break;
	case SC_TRUE_IF_SET: mib_set_int(v, ASN_INTEGER, n != 0 ? TV_TRUE : TV_FALSE); break;
	case SC_TRUE_IF_ZERO: mib_set_int(v, ASN_INTEGER, n == 0 ? TV_TRUE : TV_FALSE); break;
	}
	return 0;
}

/* A constant: what Linux always is (the MIB says why for each). */
struct const_scalar {
	oid col;
	u_char type;
	long value;
	const char *name;
};

static struct const_scalar constants[] = {
	{ TCPIP_ARPUSEETHERSNAP, ASN_INTEGER, TV_FALSE, "cimTcpipArpUseEtherSNAP" },
	{ TCPIP_DEADGWDETECTENABLED, ASN_INTEGER, TV_FALSE, "cimTcpipDeadGWDetectEnabled" },
	{ TCPIP_DEFAULTTOS, ASN_UNSIGNED, 0, "cimTcpipDefaultTOS" },
	{ TCPIP_IGMPLEVEL, ASN_INTEGER, 2, "cimTcpipIGMPLevel" }, /* ipAndIgmpMulticast */
	{ TCPIP_IPUSEZEROBROADCAST, ASN_INTEGER, TV_FALSE, "cimTcpipIPUseZeroBroadcast" },
	{ TCPIP_ACTION, ASN_INTEGER, 1, "cimTcpipAction" },         /* none */
	{ TCPIP_LASTMETHOD, ASN_INTEGER, 0, "cimTcpipLastMethod" }, /* none, until issue 13 */
};

static int
get_const(const void *row, struct mib_value *v, void *ctx)
{
	const struct const_scalar *c = ctx;

	(void)row;
	if (c->type == ASN_UNSIGNED)
		mib_set_uint(v, c->type, (u_long)c->value);
	else
		mib_set_int(v, c->type, c->value);
	return 0;
}

static int
get_database_path(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)ctx;
	mib_set_str(v, "/etc", 255);
	return 0;
}

/* The UTS name of cimrouted (the namespace's, when it runs in one of its own). */
static int
get_host_name(const void *row, struct mib_value *v, void *ctx)
{
	struct utsname u;

	(void)row;
	(void)ctx;
	if (uname(&u) < 0 || u.nodename[0] == '\0')
		return -1;
	mib_set_str(v, u.nodename, 64);
	return 0;
}

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

/*
 * What Linux does not have (the MIB says why for each): registered, so that
 * a GET answers noSuchInstance as for an absent column.  LastResult: no
 * method has run (issue 13 records them).
 */
static const struct {
	oid col;
	const char *name;
} absent[] = {
	{ TCPIP_ARPALWAYSSOURCEROUTE, "cimTcpipArpAlwaysSourceRoute" },
	{ TCPIP_DNSENABLEDFORWINS, "cimTcpipDNSEnabledForWINS" },
	{ TCPIP_FORWARDBUFFERMEMORY, "cimTcpipForwardBufferMemory" },
	{ TCPIP_IPFILTERSECURITYENABLED, "cimTcpipIPFilterSecurityEnabled" },
	{ TCPIP_IPXVIRTUALNETNUMBER, "cimTcpipIPXVirtualNetNumber" },
	{ TCPIP_NUMFORWARDPACKETS, "cimTcpipNumForwardPackets" },
	{ TCPIP_TCPNUMCONNECTIONS, "cimTcpipTcpNumConnections" },
	{ TCPIP_TCPWINDOWSIZE, "cimTcpipTcpWindowSize" },
	{ TCPIP_WINSENABLELMHOSTS, "cimTcpipWINSEnableLMHosts" },
	{ TCPIP_WINSHOSTLOOKUPFILE, "cimTcpipWINSHostLookupFile" },
	{ TCPIP_WINSSCOPEID, "cimTcpipWINSScopeID" },
	{ TCPIP_LASTRESULT, "cimTcpipLastResult" },
};

static int
register_scalar(const char *name, oid col, mib_get_fn get, void *ctx)
{
	oid o[] = { CIMR_TCPIP, col };

	return mib_scalar_register(name, o, OID_LENGTH(o), get, ctx);
}

static int
register_tcpip(void)
{
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++)
		if (register_scalar(sysctls[i].name, sysctls[i].col, get_sysctl, &sysctls[i]) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (register_scalar(absent[i].name, absent[i].col, mib_get_absent, NULL) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++)
		if (register_scalar(constants[i].name, constants[i].col, get_const, &constants[i]) <
		    0)
			return -1;
	if (register_scalar("cimTcpipDatabasePath", TCPIP_DATABASEPATH, get_database_path, NULL) <
		0 ||
	    register_scalar("cimTcpipDNSHostName", TCPIP_DNSHOSTNAME, get_host_name, NULL) < 0 ||
	    register_scalar("cimTcpipDNSDomain", TCPIP_DNSDOMAIN, get_dns_domain, NULL) < 0)
		return -1;
	return 0;
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

static int
link_cmp(const void *elem, const void *key)
{
	oid a = (oid)((const struct link *)elem)->ifindex, b = *(const oid *)key;

	return a < b ? -1 : a > b;
}

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
mib_tcpip_register(struct iface *ifm, struct resolver *res)
{
	mib_tcpip_bind(ifm, res);
	if (register_tcpip() < 0 || mib_table_register(&dns_table) < 0 ||
	    mib_table_register(&suffix_table) < 0)
		return -1;
	return 0;
}
