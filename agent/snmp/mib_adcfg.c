/*
 * cimAdapterConfig (Win32_NetworkAdapterConfiguration), read side: the
 * configuration table (one row per link of the interface mirror), its
 * address table (one row per address of the mirror), its gateway table (the
 * default routes of table main, from the route mirrors that always hold it)
 * and the permit and IPX tables, which have no rows on Linux.
 *
 * Nothing is copied: the configuration and address rows are the mirror's
 * own arrays, sorted as their indexes are (links by ifindex; addresses by
 * ifindex, family, address and prefix length, which is the OID order of
 * (ifindex, type, length-prefixed address, prefix length) since AF_INET <
 * AF_INET6 and each type has one length).  Seeks are lower bounds on the
 * OID, on the row's index written out.  The gateway rows are the few
 * default routes, which sort first in a route store (destination 0, prefix
 * length 0): each request that seeks collects them again into a small
 * sorted array, which the rest of that request walks.
 *
 * WMI's arrays are positional where the tables are indexed by value (a
 * manager must be able to name a row it creates): the position of an
 * element is a column of its own, computed from the other rows of the same
 * interface (a handful) when asked.
 *
 * Description and ServiceName are the interface name and IFLA_INFO_KIND
 * until the device facts (driver, model) of Win32_NetworkAdapter are there.
 */
#include "config.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "iface/dhcplease.h"
#include "iface/ifdev.h"
#include "iface/ifmirror.h"
#include "lib/addr.h"
#include "lib/log.h"
#include "lib/vec.h"
#include "lib/wallclock.h"
#include "route/mirror.h"
#include "route/route.h"
#include "route/route6.h"
#include "route/rt4.h"
#include "route/writer.h"
#include "snmp/mib.h"
#include "snmp/mib_ifset.h"
#include "snmp/txn.h"

#ifndef IFF_LOOPBACK
#define IFF_LOOPBACK 0x8
#endif
#ifndef IFAPROT_KERNEL_LL
#define IFAPROT_KERNEL_LO 1 /* <linux/if_addr.h>, Linux 6.3 */
#define IFAPROT_KERNEL_RA 2
#define IFAPROT_KERNEL_LL 3
#endif

enum { INET_IPV4 = 1, INET_IPV6 = 2 }; /* InetAddressType */
/* TruthValue, StorageType and RowStatus: net-snmp's TV_*, ST_*, RS_*. */
enum { OR_OTHER = 1, OR_MANUAL = 2, OR_DHCP = 4, OR_LINKLAYER = 5, OR_RANDOM = 6 };

#define GW_MAX  256 /* default routes collected a request: far more than any host has */
#define IDX_MAX (3 + 16 + 1)

/* A default route through a gateway, as a row of the gateway table. */
struct gw {
	int32_t ifindex;
	uint8_t type; /* of the gateway: INET_IPV4 or INET_IPV6 */
	uint8_t rfam; /* of the route: AF_INET or AF_INET6 (RFC 5549: they differ) */
	uint8_t addr[16];
	uint32_t metric;
	union {
		struct route r4;
		struct route6 r6;
	} route;
};

static struct adcfg {
	struct iface *ifm;
	struct mirror *m4, *m6;  /* the mirrors of table main */
	int served4, served6;    /* they are the served route tables */
	struct timespec changed; /* the interface mirror's last change */
	struct dhcplease *dl;    /* the DHCP clients' leases; NULL: lifetimes only */
	struct ifdev *dev;       /* the device facts; NULL: the link's own (tests) */
	struct writer *w;        /* the persisted routes: gateways made here; NULL: none */
	const struct ifset *set; /* the methods' records (mib_ifset.h); NULL: read only */
	struct gw gw[GW_MAX];
	size_t ngw;
} ac;

/* ---- shared ---------------------------------------------------------------- */

/* a sorts before the sub-identifiers (-1), equals them (0) or after (1), as OIDs. */
static int
idx_cmp(const oid *a, size_t alen, const oid *sub, size_t len)
{
	return snmp_oid_compare(a, alen, sub, len);
}

struct seek_key {
	size_t (*index)(void *ctx, const void *row, oid *out);
	const oid *sub;
	size_t len;
};

static int
seek_cmp(const void *elem, const void *key)
{
	const struct seek_key *k = key;
	oid o[IDX_MAX];
	size_t n = k->index(NULL, elem, o);

	return idx_cmp(o, n, k->sub, k->len);
}

/* The first of n rows (sorted as their indexes) whose index is > (strict) or >= sub. */
static const void *
seek_sorted(const void *base, size_t n, size_t size, size_t (*index)(void *, const void *, oid *),
    const oid *sub, size_t len, int strict)
{
	struct seek_key k = { index, sub, len };
	size_t i = vec_lower_bound(base, n, size, &k, seek_cmp, strict);

	return i < n ? (const char *)base + i * size : NULL;
}

/* Host byte order IPv4 address into 4 network-order bytes. */
static void
put4(uint8_t *out, uint32_t a)
{
	uint32_t n = htonl(a);

	memcpy(out, &n, 4);
}

static int
is_link_local6(const struct iface_addr *a)
{
	return a->family == AF_INET6 && a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80;
}

VEC_CMP_FIELD(addr_ifindex_cmp, struct iface_addr, ifindex, int32_t)

/* The addresses of ifindex: [*first, *first + return); two binary searches. */
static size_t
addrs_of(int32_t ifindex, const struct iface_addr **first)
{
	size_t n, lo, hi;
	const struct iface_addr *v = iface_addrs(ac.ifm, &n);

	lo = vec_lower_bound(v, n, sizeof(*v), &ifindex, addr_ifindex_cmp, 0);
	hi = vec_lower_bound(v, n, sizeof(*v), &ifindex, addr_ifindex_cmp, 1);
	*first = v + lo;
	return hi - lo;
}

/*
 * WMI's IPEnabled, as Windows has it: up, not the loopback, and an IPv4
 * address (any: Windows counts an APIPA 169.254/16 address too) or an IPv6
 * address beyond link-local (neither RT_SCOPE_LINK nor in fe80::/10).
 */
int
mib_adcfg_ip_enabled(const struct link *l)
{
	const struct iface_addr *a;
	size_t n;

	if (ac.ifm == NULL || !(l->flags & IFF_UP) || (l->flags & IFF_LOOPBACK))
		return 0;
	n = addrs_of(l->ifindex, &a);
	for (size_t i = 0; i < n; i++)
		if (a[i].family == AF_INET ||
		    (a[i].scope != RT_SCOPE_LINK && !is_link_local6(&a[i])))
			return 1;
	return 0;
}

/* ---- the gateway rows ------------------------------------------------------ */

static size_t
gw_index(void *ctx, const void *row, oid *out)
{
	const struct gw *g = row;
	size_t alen = g->type == INET_IPV4 ? 4 : 16, n = 0;

	(void)ctx;
	out[n++] = (oid)g->ifindex;
	out[n++] = g->type;
	out[n++] = alen;
	for (size_t i = 0; i < alen; i++)
		out[n++] = g->addr[i];
	out[n++] = g->metric;
	return n;
}

static int
gw_cmp(const void *a, const void *b)
{
	oid oa[IDX_MAX], ob[IDX_MAX];
	size_t na = gw_index(NULL, a, oa), nb = gw_index(NULL, b, ob);

	return idx_cmp(oa, na, ob, nb);
}

static int
main_unicast(uint32_t table, uint8_t type)
{
	return table == RT_TABLE_MAIN && type == RTN_UNICAST;
}

static void
collect4(void)
{
	const struct route_table *t = mirror_routes(ac.m4);
	struct route_pos pos;

	for (const struct route *r = route_first(t, &pos); r != NULL && route_is_default(r);
	     r = route_next(t, &pos)) {
		struct gw *g = &ac.gw[ac.ngw];

		if (ac.ngw == GW_MAX || !main_unicast(r->table, r->type) ||
		    !(r->flags & ROUTE_F_GATEWAY))
			continue;
		memset(g, 0, sizeof(*g));
		if (route_via6(r)) {
			if (route_via6_gw(r, g->addr) < 0)
				continue;
			g->type = INET_IPV6;
		} else {
			put4(g->addr, r->nexthop);
			g->type = INET_IPV4;
		}
		g->ifindex = r->ifindex;
		g->rfam = AF_INET;
		g->metric = r->metric;
		g->route.r4 = *r;
		ac.ngw++;
	}
}

static void
collect6(void)
{
	static const uint8_t zero[16];
	const struct route6_table *t = mirror_table(ac.m6);
	struct route_pos pos;

	for (const struct route6 *r = route6_first(t, &pos); r != NULL && route6_is_default(r);
	     r = route6_next(t, &pos)) {
		struct gw *g = &ac.gw[ac.ngw];

		if (ac.ngw == GW_MAX || !main_unicast(r->table, r->type) ||
		    memcmp(r->nexthop, zero, 16) == 0)
			continue;
		memset(g, 0, sizeof(*g));
		memcpy(g->addr, r->nexthop, 16);
		g->type = INET_IPV6;
		g->ifindex = r->ifindex;
		g->rfam = AF_INET6;
		g->metric = r->metric;
		g->route.r6 = *r;
		ac.ngw++;
	}
}

/* The default routes through a gateway, in the order of the gateway table's index. */
static void
gw_collect(void)
{
	ac.ngw = 0;
	if (ac.m4 != NULL)
		collect4();
	if (ac.m6 != NULL)
		collect6();
	qsort(ac.gw, ac.ngw, sizeof(ac.gw[0]), gw_cmp);
}

/* WMI's order within an interface: IPv4 routes, then IPv6, each by metric, then by index. */
static int
gw_before(const struct gw *a, const struct gw *b)
{
	if (a->rfam != b->rfam)
		return a->rfam == AF_INET;
	if (a->metric != b->metric)
		return a->metric < b->metric;
	return a < b; /* the array is in index order */
}

static const void *
gw_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	(void)ctx;
	gw_collect();
	return seek_sorted(ac.gw, ac.ngw, sizeof(ac.gw[0]), gw_index, idx, len, strict);
}

static const void *
gw_next(void *ctx, const void *row)
{
	const struct gw *g = row;

	(void)ctx;
	return g + 1 < ac.gw + ac.ngw ? g + 1 : NULL;
}

static int
get_gw_route(const void *row, struct mib_value *v, void *ctx)
{
	static const oid age4[] = { CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_AGE };
	static const oid age6[] = { CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_AGE };
	const struct gw *g = row;
	size_t n;

	(void)ctx;
	if (g->rfam == AF_INET && ac.served4) {
		n = OID_LENGTH(age4);
		memcpy(v->v.o, age4, sizeof(age4));
		route_index_oid(&g->route.r4, v->v.o + n);
		n += ROUTE_INDEX_LEN;
	} else if (g->rfam == AF_INET6 && ac.served6) {
		n = OID_LENGTH(age6);
		memcpy(v->v.o, age6, sizeof(age6));
		route6_index_oid(&g->route.r6, v->v.o + n);
		n += ROUTE6_INDEX_LEN;
	} else {
		v->v.o[0] = 0; /* zeroDotZero */
		v->v.o[1] = 0;
		n = 2;
	}
	v->type = ASN_OBJECT_ID;
	v->len = n * sizeof(oid);
	return 0;
}

static int
get_other(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)ctx;
	mib_set_int(v, ASN_INTEGER, ST_OTHER);
	return 0;
}

/*
 * A gateway made through this table is a persisted row: its StorageType;
 * other(1) for a default route that cimrouted keeps no row of.
 */
static int
get_gw_storage(const void *row, struct mib_value *v, void *ctx)
{
	const struct gw *g = row;
	const struct proute *pr =
	    ac.w == NULL ? NULL : writer_gateway_owner(ac.w, g->rfam == AF_INET6, &g->route);

	if (pr == NULL)
		return get_other(row, v, ctx);
	mib_set_int(v, ASN_INTEGER, pr->is_volatile ? ST_VOLATILE : ST_NONVOLATILE);
	return 0;
}

static int
get_gw_position(const void *row, struct mib_value *v, void *ctx)
{
	const struct gw *g = row;
	u_long pos = 0;

	(void)ctx;
	for (const struct gw *o = ac.gw; o < ac.gw + ac.ngw; o++)
		if (o->ifindex == g->ifindex && o != g && gw_before(o, g))
			pos++;
	mib_set_uint(v, ASN_UNSIGNED, pos);
	return 0;
}

static const struct mib_column gw_columns[] = {
	{ COL_ADCFG_GW_ROUTE, get_gw_route },
	{ COL_ADCFG_GW_STORAGETYPE, get_gw_storage },
	{ COL_ADCFG_GW_ROWSTATUS, mib_get_active },
	{ COL_ADCFG_GW_POSITION, get_gw_position },
};

static struct mib_table gw_table = {
	.name = "cimAdapterCfgGatewayTable",
	MIB_ENTRY(CIMR_ADCFG_GW_ENTRY),
	MIB_COLUMNS(gw_columns),
	.seek = gw_seek,
	.next = gw_next,
	.index = gw_index,
};

/* The lowest metric of the default routes of table main through ifindex; -1 if none. */
static int64_t
lowest_metric(int32_t ifindex)
{
	int64_t best = -1;
	struct route_pos pos;

	if (ac.m4 != NULL) {
		const struct route_table *t = mirror_routes(ac.m4);

		for (const struct route *r = route_first(t, &pos); r != NULL && route_is_default(r);
		     r = route_next(t, &pos))
			if (r->ifindex == ifindex && main_unicast(r->table, r->type) &&
			    (best < 0 || r->metric < best))
				best = r->metric;
	}
	if (ac.m6 != NULL) {
		const struct route6_table *t = mirror_table(ac.m6);

		for (const struct route6 *r = route6_first(t, &pos);
		     r != NULL && route6_is_default(r); r = route6_next(t, &pos))
			if (r->ifindex == ifindex && main_unicast(r->table, r->type) &&
			    (best < 0 || r->metric < best))
				best = r->metric;
	}
	return best;
}

/* ---- the address rows ------------------------------------------------------ */

#define ADDR(p) ((const struct iface_addr *)(p))

static size_t
addr_index(void *ctx, const void *row, oid *out)
{
	const struct iface_addr *a = row;
	size_t alen = a->family == AF_INET ? 4 : 16, n = 0;

	(void)ctx;
	out[n++] = (oid)a->ifindex;
	out[n++] = a->family == AF_INET ? INET_IPV4 : INET_IPV6;
	out[n++] = alen;
	for (size_t i = 0; i < alen; i++)
		out[n++] = a->addr[i];
	out[n++] = a->plen;
	return n;
}

static const void *
addr_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	size_t n;
	const struct iface_addr *v = iface_addrs(ac.ifm, &n);

	(void)ctx;
	return seek_sorted(v, n, sizeof(*v), addr_index, idx, len, strict);
}

static const void *
addr_next(void *ctx, const void *row)
{
	size_t n;
	const struct iface_addr *v = iface_addrs(ac.ifm, &n), *a = row;

	(void)ctx;
	return a + 1 < v + n ? a + 1 : NULL;
}

/* WMI's groups: IPv4 primary (0), IPv4 secondary (1), IPv6 (2). */
static int
addr_group(const struct iface_addr *a)
{
	if (a->family == AF_INET6)
		return 2;
	return (a->flags & IFA_F_SECONDARY) ? 1 : 0;
}

/* The position of a in WMI's IPAddress of its interface, from 0. */
unsigned
mib_adcfg_addr_position(const struct iface_addr *a)
{
	const struct iface_addr *first;
	size_t n = addrs_of(a->ifindex, &first);
	unsigned pos = 0;
	int g = addr_group(a);

	for (size_t i = 0; i < n; i++) {
		int h = addr_group(&first[i]);

		if (h < g || (h == g && &first[i] < a))
			pos++;
	}
	return pos;
}

/*
 * RFC 4293's IpAddressOriginTC.  IFA_PROTO (Linux 6.3) names what the
 * kernel made itself; before it, the kernel's own IPv6 link-local address
 * and addresses from router advertisements (not IFA_F_PERMANENT) are told
 * apart by their flags.  IFA_F_SECONDARY and IFA_F_TEMPORARY share a bit:
 * it is the latter only for IPv6.
 */
long
mib_adcfg_origin(const struct iface_addr *a)
{
	if (a->proto == IFAPROT_KERNEL_LO || a->proto == IFAPROT_KERNEL_RA ||
	    a->proto == IFAPROT_KERNEL_LL)
		return OR_LINKLAYER;
	if (a->family == AF_INET6 && (a->flags & IFA_F_TEMPORARY))
		return OR_RANDOM;
	if (a->family == AF_INET6 && a->proto == 0 && is_link_local6(a))
		return OR_LINKLAYER;
	if (a->family == AF_INET && a->valid_lft != IFA_LIFE_FOREVER)
		return OR_DHCP;
	if (a->family == AF_INET6 && !(a->flags & IFA_F_PERMANENT))
		return OR_LINKLAYER;
	if (a->flags & IFA_F_PERMANENT || a->family == AF_INET)
		return OR_MANUAL;
	return OR_OTHER;
}

static int
get_addr_origin(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_int(v, ASN_INTEGER, mib_adcfg_origin(ADDR(row)));
	return 0;
}

static int
get_addr_valid(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_uint(v, ASN_UNSIGNED,
	    iface_addr_left(ADDR(row), ADDR(row)->valid_lft, iface_now()));
	return 0;
}

static int
get_addr_pref(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_uint(v, ASN_UNSIGNED, iface_addr_left(ADDR(row), ADDR(row)->pref_lft, iface_now()));
	return 0;
}

/* WMI's IPSubnet element: "255.255.255.0" for IPv4, "64" for IPv6. */
void
mib_adcfg_subnet(const struct iface_addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET)
		addr4_ntop(addr4_mask(a->plen), buf, len);
	else
		snprintf(buf, len, "%u", a->plen);
}

static int
get_addr_subnet(const void *row, struct mib_value *v, void *ctx)
{
	char buf[ADDR4_STRLEN];

	(void)ctx;
	mib_adcfg_subnet(ADDR(row), buf, sizeof(buf));
	mib_set_str(v, buf, 15);
	return 0;
}

static int
get_addr_position(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_uint(v, ASN_UNSIGNED, mib_adcfg_addr_position(ADDR(row)));
	return 0;
}

/* volatile(2) or nonVolatile(3) for the addresses created here (mib_ifset.h), else other(1). */
static int
get_addr_storage(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_int(v, ASN_INTEGER, ifset_storage(ac.set, ADDR(row)));
	return 0;
}

static const struct mib_column addr_columns[] = {
	{ COL_ADCFG_ADDR_ORIGIN, get_addr_origin },
	{ COL_ADCFG_ADDR_VALIDLIFE, get_addr_valid },
	{ COL_ADCFG_ADDR_PREFLIFE, get_addr_pref },
	{ COL_ADCFG_ADDR_STORAGETYPE, get_addr_storage },
	{ COL_ADCFG_ADDR_ROWSTATUS, mib_get_active },
	{ COL_ADCFG_ADDR_SUBNET, get_addr_subnet },
	{ COL_ADCFG_ADDR_POSITION, get_addr_position },
};

static struct mib_table addr_table = {
	.name = "cimAdapterCfgAddressTable",
	MIB_ENTRY(CIMR_ADCFG_ADDR_ENTRY),
	MIB_COLUMNS(addr_columns),
	.seek = addr_seek,
	.next = addr_next,
	.index = addr_index,
};

/* ---- the configuration rows ------------------------------------------------ */

#define LINK(p) ((const struct link *)(p))

static size_t
cfg_index(void *ctx, const void *row, oid *out)
{
	(void)ctx;
	out[0] = (oid)LINK(row)->ifindex;
	return 1;
}

static const void *
cfg_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	size_t n;
	const struct link *v = iface_links(ac.ifm, &n);

	(void)ctx;
	return seek_sorted(v, n, sizeof(*v), cfg_index, idx, len, strict);
}

static const void *
cfg_next(void *ctx, const void *row)
{
	size_t n;
	const struct link *v = iface_links(ac.ifm, &n), *l = row;

	(void)ctx;
	return l + 1 < v + n ? l + 1 : NULL;
}

static int
get_caption(const void *row, struct mib_value *v, void *ctx)
{
	char buf[64 + 1];

	(void)ctx;
	snprintf(buf, sizeof(buf), "[%08u] %s", (unsigned)LINK(row)->ifindex, LINK(row)->name);
	mib_set_str(v, buf, 64);
	return 0;
}

/* The device facts of a row's link, as Win32_NetworkAdapter has them; NULL if unknown. */
static const struct ifdev_info *
dev_of(const void *row)
{
	return ac.dev != NULL ? ifdev_get(ac.dev, LINK(row)->ifindex) : NULL;
}

/* Win32_NetworkAdapter's Description: the model, else the driver or link kind, else the name. */
static int
get_description(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_str(v, ifdev_description(dev_of(row), LINK(row)), 255);
	return 0;
}

static int
get_name(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_str(v, LINK(row)->name, 255);
	return 0;
}

/* The driver bound to the device, else the link kind; absent for the loopback. */
static int
get_service_name(const void *row, struct mib_value *v, void *ctx)
{
	const char *s = ifdev_service(dev_of(row), LINK(row));

	(void)ctx;
	if (s == NULL)
		return -1;
	mib_set_str(v, s, 255);
	return 0;
}

/*
 * The fallback the issue names where no client's lease is found: a leased
 * IPv4 address is one the kernel did not make, with a finite valid lifetime
 * (DHCP clients set the lease time as the address's lifetime).
 */
static const struct iface_addr *
leased(int32_t ifindex)
{
	const struct iface_addr *a;
	size_t n = addrs_of(ifindex, &a);

	for (size_t i = 0; i < n; i++)
		if (a[i].family == AF_INET && a[i].valid_lft != IFA_LIFE_FOREVER)
			return &a[i];
	return NULL;
}

/* The lease of the client that runs DHCP on the link (iface/dhcplease), or NULL. */
static const struct dhcp_lease *
client_lease(const struct link *l)
{
	struct timespec now;

	if (ac.dl == NULL)
		return NULL;
	clock_gettime(CLOCK_REALTIME, &now);
	return dhcplease_find(ac.dl, l->ifindex, l->name, now.tv_sec);
}

int
mib_adcfg_dhcp(const struct link *l, int *client)
{
	const struct dhcp_lease *lease = client_lease(l);

	*client = lease != NULL ? (int)lease->client : DHCP_CLIENT_NONE;
	return lease != NULL || leased(l->ifindex) != NULL;
}

static int
get_dhcp_enabled(const void *row, struct mib_value *v, void *ctx)
{
	int on = client_lease(LINK(row)) != NULL || leased(LINK(row)->ifindex) != NULL;

	(void)ctx;
	mib_set_int(v, ASN_INTEGER, on ? TV_TRUE : TV_FALSE);
	return 0;
}

static int
set_time(struct mib_value *v, int64_t t)
{
	struct timespec ts = { (time_t)t, 0 };

	if (t <= 0)
		return -1;
	mib_set_date(v, &ts);
	return 0;
}

/* The client's expiry; else when the address was seen plus its valid lifetime then. */
static int
get_lease_expires(const void *row, struct mib_value *v, void *ctx)
{
	const struct dhcp_lease *l = client_lease(LINK(row));
	const struct iface_addr *a;

	(void)ctx;
	if (l != NULL)
		return set_time(v, l->expires);
	if ((a = leased(LINK(row)->ifindex)) == NULL)
		return -1;
	return set_time(v, wallclock_of_mono((a->seen + (int64_t)a->valid_lft) * 1000000000));
}

/*
 * The client's start of the lease; else IFA_CACHEINFO's tstamp (1/100 s
 * since boot, on the clock CLOCK_MONOTONIC follows), the last time the
 * client set the address.
 */
static int
get_lease_obtained(const void *row, struct mib_value *v, void *ctx)
{
	const struct dhcp_lease *l = client_lease(LINK(row));
	const struct iface_addr *a;

	(void)ctx;
	if (l != NULL)
		return set_time(v, l->obtained);
	if ((a = leased(LINK(row)->ifindex)) == NULL)
		return -1;
	return set_time(v, wallclock_of_centis(a->tstamp));
}

/* Only the client knows its server (dhcp-server-identifier). */
static int
get_dhcp_server(const void *row, struct mib_value *v, void *ctx)
{
	const struct dhcp_lease *l = client_lease(LINK(row));

	(void)ctx;
	if (l == NULL || !l->has_server)
		return -1;
	mib_set_bytes(v, ASN_IPADDRESS, l->server, 4);
	return 0;
}

static int
get_ifindex(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_uint(v, ASN_UNSIGNED, (u_long)LINK(row)->ifindex);
	return 0;
}

static int
get_metric(const void *row, struct mib_value *v, void *ctx)
{
	int64_t m = lowest_metric(LINK(row)->ifindex);

	(void)ctx;
	if (m < 0)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, (u_long)m);
	return 0;
}

static int
get_ip_enabled(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_int(v, ASN_INTEGER, mib_adcfg_ip_enabled(LINK(row)) ? TV_TRUE : TV_FALSE);
	return 0;
}

static int
get_false(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)ctx;
	mib_set_int(v, ASN_INTEGER, TV_FALSE);
	return 0;
}

static int
get_mac(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (LINK(row)->addrlen == 0)
		return -1;
	mib_set_bytes(v, ASN_OCTET_STR, LINK(row)->addr, LINK(row)->addrlen);
	return 0;
}

static int
get_mtu(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_uint(v, ASN_UNSIGNED, LINK(row)->mtu);
	return 0;
}

/* Action reads none(1): its methods are in LastMethod and LastResult. */
static int
get_action(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)ctx;
	mib_set_int(v, ASN_INTEGER, 1);
	return 0;
}

/* The last method performed through this MIB (snmp/mib_ifset.h); none(0) if none. */
static int
get_last_method(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifrec *r = ifset_rec(ac.set, LINK(row)->ifindex);

	(void)ctx;
	mib_set_int(v, ASN_INTEGER, r != NULL ? r->cfg_method : 0);
	return 0;
}

/* ... and WMI's return code: absent while the method is none(0). */
static int
get_last_result(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifrec *r = ifset_rec(ac.set, LINK(row)->ifindex);

	(void)ctx;
	if (r == NULL || r->cfg_method == 0)
		return -1;
	mib_set_int(v, ASN_INTEGER, r->cfg_result);
	return 0;
}

/* The columns; those read by mib_get_absent() Linux does not have (the MIB says why for each). */
static const struct mib_column cfg_columns[] = {
	{ COL_ADCFG_CAPTION, get_caption },
	{ COL_ADCFG_DESCRIPTION, get_description },
	{ COL_ADCFG_DHCPENABLED, get_dhcp_enabled },
	{ COL_ADCFG_DHCPLEASEEXPIRES, get_lease_expires },
	{ COL_ADCFG_DHCPLEASEOBTAINED, get_lease_obtained },
	{ COL_ADCFG_DHCPSERVER, get_dhcp_server },
	{ COL_ADCFG_DOMAINDNSREGENABLED, mib_get_absent },
	{ COL_ADCFG_FULLDNSREGENABLED, mib_get_absent },
	{ COL_ADCFG_INTERFACEINDEX, get_ifindex },
	{ COL_ADCFG_IPCONNECTIONMETRIC, get_metric },
	{ COL_ADCFG_IPENABLED, get_ip_enabled },
	{ COL_ADCFG_IPXADDRESS, mib_get_absent },
	{ COL_ADCFG_IPXENABLED, get_false },
	{ COL_ADCFG_IPXMEDIATYPE, mib_get_absent },
	{ COL_ADCFG_MACADDRESS, get_mac },
	{ COL_ADCFG_MTU, get_mtu },
	{ COL_ADCFG_SERVICENAME, get_service_name },
	{ COL_ADCFG_SETTINGID, get_name },
	{ COL_ADCFG_TCPIPNETBIOSOPTIONS, mib_get_absent },
	{ COL_ADCFG_WINSPRIMARYSERVER, mib_get_absent },
	{ COL_ADCFG_WINSSECONDARYSERVER, mib_get_absent },
	{ COL_ADCFG_ACTION, get_action },
	{ COL_ADCFG_LASTMETHOD, get_last_method },
	{ COL_ADCFG_LASTRESULT, get_last_result },
};

static struct mib_table cfg_table = {
	.name = "cimAdapterCfgTable",
	MIB_ENTRY(CIMR_ADAPTERCFG_ENTRY),
	MIB_COLUMNS(cfg_columns),
	.seek = cfg_seek,
	.next = cfg_next,
	.index = cfg_index,
};

const struct mib_table *mib_adcfg_table = &cfg_table;
const struct mib_table *mib_adcfg_addr_table = &addr_table;
const struct mib_table *mib_adcfg_gw_table = &gw_table;

/* ---- the tables without rows ----------------------------------------------- */

static const void *
none_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	(void)ctx;
	(void)idx;
	(void)len;
	(void)strict;
	return NULL;
}

static const void *
none_next(void *ctx, const void *row)
{
	(void)ctx;
	(void)row;
	return NULL;
}

static size_t
none_index(void *ctx, const void *row, oid *out)
{
	(void)ctx;
	(void)row;
	(void)out;
	return 0;
}

/* Their columns are listed, so that they read noSuchInstance, not noSuchObject. */
static const struct mib_column permit_columns[] = {
	{ COL_ADCFG_PERMIT_VALUE, mib_get_absent },
	{ COL_ADCFG_PERMIT_ROWSTATUS, mib_get_absent },
};
static const struct mib_column ipx_columns[] = {
	{ COL_ADCFG_IPX_FRAMETYPE, mib_get_absent },
	{ COL_ADCFG_IPX_NETWORKNUMBER, mib_get_absent },
	{ COL_ADCFG_IPX_ROWSTATUS, mib_get_absent },
};

#define EMPTY_TABLE(var, nm, cols, ...)             \
	static struct mib_table var = { .name = nm, \
		MIB_ENTRY(__VA_ARGS__),             \
		MIB_COLUMNS(cols),                  \
		.seek = none_seek,                  \
		.next = none_next,                  \
		.index = none_index }

EMPTY_TABLE(ptcp_table, "cimAdapterCfgPermitTcpTable", permit_columns, CIMR_ADCFG_PTCP_ENTRY);
EMPTY_TABLE(pudp_table, "cimAdapterCfgPermitUdpTable", permit_columns, CIMR_ADCFG_PUDP_ENTRY);
EMPTY_TABLE(pip_table, "cimAdapterCfgPermitIpTable", permit_columns, CIMR_ADCFG_PIP_ENTRY);
EMPTY_TABLE(ipx_table, "cimAdapterCfgIpxTable", ipx_columns, CIMR_ADCFG_IPX_ENTRY);

const struct mib_table *const mib_adcfg_rowless[] = { &ptcp_table, &pudp_table, &pip_table,
	&ipx_table, NULL };

/* ---- scalars, binding, registration ---------------------------------------- */

static int
get_count(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)ctx;
	mib_set_uint(v, ASN_GAUGE, iface_nlinks(ac.ifm));
	return 0;
}

static void
later(struct timespec *t, struct timespec u)
{
	if (u.tv_sec > t->tv_sec || (u.tv_sec == t->tv_sec && u.tv_nsec > t->tv_nsec))
		*t = u;
}

static int
get_last_change(const void *row, struct mib_value *v, void *ctx)
{
	struct timespec t = ac.changed;

	(void)row;
	(void)ctx;
	if (ac.m4 != NULL)
		later(&t, mirror_last_change(ac.m4));
	if (ac.m6 != NULL)
		later(&t, mirror_last_change(ac.m6));
	mib_set_date(v, &t);
	return 0;
}

static void
iface_changed(enum iface_change what, const struct link *l, const struct iface_addr *a, void *arg)
{
	(void)what;
	(void)l;
	(void)a;
	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ac.changed);
}

void
mib_adcfg_bind(struct iface *ifm, struct mirror *m4, struct mirror *m6, int served4, int served6)
{
	ac.ifm = ifm;
	ac.m4 = m4;
	ac.m6 = m6;
	ac.served4 = served4;
	ac.served6 = served6;
	clock_gettime(CLOCK_REALTIME, &ac.changed);
}

void
mib_adcfg_use_leases(struct dhcplease *dl)
{
	ac.dl = dl;
}

int
mib_adcfg_use_writer(struct writer *w, struct txn *txn)
{
	ac.w = w;
	return txn_bind(txn, &gw_table, &mib_set_gateway_ops, w);
}

void
mib_adcfg_use_ifdev(struct ifdev *dev)
{
	ac.dev = dev;
}

int
mib_adcfg_writable(struct txn *txn, struct ifset *set)
{
	static const struct ifset_none permit = { .pos_max = 1024,
		.method = CIM_M_ENABLEIPSEC,
		.code = CIM_RC_NOTSUPPORTED,
		.why =
		    "EnableIPSec(): Linux has no per-adapter IPsec port filter (only no filter)" },
				       ipx = {
					       .pos_max = 16,
					       .method = CIM_M_SETIPXFRAMETYPENETWORKPAIRS,
					       .code = CIM_RC_IPXNOTENABLED,
					       .why =
						   "SetIPXFrameTypeNetworkPairs(): Linux has no IPX"
				       };
	static struct mib_table *const rowless[] = { &ptcp_table, &pudp_table, &pip_table,
		&ipx_table };
	static struct ifset_none none[4]; /* one context a table: its name for the log */

	ac.set = set;
	if (txn_bind(txn, &cfg_table, &mib_ifset_cfg_ops, set) < 0)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		int is_ipx = rowless[i] == &ipx_table;

		none[i] = is_ipx ? ipx : permit;
		none[i].s = set;
		none[i].table = rowless[i]->name;
		if (txn_bind(txn, rowless[i], is_ipx ? &mib_ifset_ipx_ops : &mib_ifset_permit_ops,
			&none[i]) < 0)
			return -1;
	}
	return txn_bind(txn, &addr_table, &mib_ifset_addr_ops, set);
}

int
mib_adcfg_register(struct iface *ifm, struct mirror *m4, struct mirror *m6, int served4,
    int served6)
{
	static const oid count[] = { CIMR_ADAPTERCFG, CIMR_ARC_COUNT },
			 change[] = { CIMR_ADAPTERCFG, CIMR_ARC_LASTCHANGE };
	struct mib_table *tables[] = { &cfg_table, &addr_table, &gw_table, &ptcp_table, &pudp_table,
		&pip_table, &ipx_table };

	mib_adcfg_bind(ifm, m4, m6, served4, served6);
	if (iface_watch(ifm, iface_changed, NULL) < 0 ||
	    mib_scalar_register("cimAdapterCfgCount", count, OID_LENGTH(count), get_count, NULL) <
		0 ||
	    mib_scalar_register("cimAdapterCfgLastChange", change, OID_LENGTH(change),
		get_last_change, NULL) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (mib_table_register(tables[i]) < 0)
			return -1;
	return 0;
}
