#include "config.h"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/strnum.h"
#include "route/mirror.h"
#include "route/routefmt.h"

#ifndef RTPROT_BGP
#define RTPROT_BGP   186
#define RTPROT_ISIS  187
#define RTPROT_OSPF  188
#define RTPROT_RIP   189
#define RTPROT_EIGRP 192
#endif

/* FRR's zebra (lib/zebra.h): its own protocols beyond the kernel's list. */
#define RTPROT_FRR_RIPNG  190
#define RTPROT_FRR_STATIC 196 /* staticd's routes: RTPROT_ZSTATIC */

/* RFC 1213 ipRouteProto values, as WMI's Protocol value map. */
enum {
	WMI_PROTO_OTHER = 1,
	WMI_PROTO_LOCAL = 2,
	WMI_PROTO_NETMGMT = 3,
	WMI_PROTO_ICMP = 4,
	WMI_PROTO_RIP = 8,
	WMI_PROTO_ISIS = 9,
	WMI_PROTO_CISCOIGRP = 11,
	WMI_PROTO_OSPF = 13,
	WMI_PROTO_BGP = 14,
};

enum {
	WMI_TYPE_OTHER = 1,
	WMI_TYPE_DIRECT = 3,
	WMI_TYPE_INDIRECT = 4,
};

int
routefmt_wmi_protocol(uint8_t proto)
{
	switch (proto) {
	case RTPROT_KERNEL:
		return WMI_PROTO_LOCAL; /* connected and local routes the kernel derives */
	case RTPROT_BOOT:
	case RTPROT_STATIC:
	case RTPROT_DHCP:
	case RTPROT_FRR_STATIC:
	case CIMR_RTPROT:
		/* Configured by an administrator or a management tool: Windows shows
		 * `route add` and DHCP routes as netmgmt(3) too. */
		return WMI_PROTO_NETMGMT;
	case RTPROT_REDIRECT:
	case RTPROT_RA: return WMI_PROTO_ICMP;
	case RTPROT_RIP:
	case RTPROT_FRR_RIPNG: return WMI_PROTO_RIP;
	case RTPROT_ISIS: return WMI_PROTO_ISIS;
	case RTPROT_EIGRP: return WMI_PROTO_CISCOIGRP;
	case RTPROT_OSPF: return WMI_PROTO_OSPF;
	case RTPROT_BGP: return WMI_PROTO_BGP;
	default:
		/* unspec, zebra, bird, gated, babel, keepalived, ...: no RFC 1213 value */
		return WMI_PROTO_OTHER;
	}
}

int
routefmt_wmi_type(const struct route *r)
{
	return routefmt_wmi_type_of(r->type, (r->flags & ROUTE_F_GATEWAY) != 0);
}

int
routefmt_wmi_type_of(uint8_t type, int gateway)
{
	switch (type) {
	case RTN_UNICAST: return gateway ? WMI_TYPE_INDIRECT : WMI_TYPE_DIRECT;
	case RTN_LOCAL:
	case RTN_BROADCAST:
	case RTN_ANYCAST: return WMI_TYPE_DIRECT;
	default: return WMI_TYPE_OTHER;
	}
}

void
routefmt_prefix(const struct route *r, char *buf, size_t len)
{
	char a[16];

	snprintf(buf, len, "%s/%u", addr4_ntop(r->dst, a, sizeof(a)), r->plen);
}

void
routefmt6_prefix(const struct route6 *r, char *buf, size_t len)
{
	char a[ADDR6_STRLEN];

	snprintf(buf, len, "%s/%u", addr6_ntop((const struct in6_addr *)r->dst, a, sizeof(a)),
	    r->plen);
}

int
routefmt6_gateway(const struct route6 *r)
{
	static const uint8_t none[16];

	return memcmp(r->nexthop, none, sizeof(none)) != 0;
}

long
routefmt6_lifetime(const struct route6 *r, const struct mirror *m)
{
	uint32_t now = m != NULL ? mirror_now(m) : 0;

	if (r->expires == 0)
		return -1;
	return r->expires > now ? (long)(r->expires - now) : 0;
}

static const char *const type_names[] = {
	[RTN_UNICAST] = "unicast",
	[RTN_LOCAL] = "local",
	[RTN_BROADCAST] = "broadcast",
	[RTN_ANYCAST] = "anycast",
	[RTN_MULTICAST] = "multicast",
	[RTN_BLACKHOLE] = "blackhole",
	[RTN_UNREACHABLE] = "unreachable",
	[RTN_PROHIBIT] = "prohibit",
	[RTN_THROW] = "throw",
	[RTN_NAT] = "nat",
	[RTN_XRESOLVE] = "xresolve",
};

static const struct {
	uint8_t p;
	const char *name;
} proto_names[] = {
	{ RTPROT_UNSPEC, "unspec" },
	{ RTPROT_REDIRECT, "redirect" },
	{ RTPROT_KERNEL, "kernel" },
	{ RTPROT_BOOT, "boot" },
	{ RTPROT_STATIC, "static" },
	{ 8, "gated" },
	{ RTPROT_RA, "ra" },
	{ 10, "mrt" },
	{ 11, "zebra" },
	{ 12, "bird" },
	{ 13, "dnrouted" },
	{ 14, "xorp" },
	{ 15, "ntk" },
	{ RTPROT_DHCP, "dhcp" },
	{ 17, "mrouted" },
	{ 18, "keepalived" },
	{ 42, "babel" },
	{ 99, "openr" },
	{ RTPROT_BGP, "bgp" },
	{ RTPROT_ISIS, "isis" },
	{ RTPROT_OSPF, "ospf" },
	{ RTPROT_RIP, "rip" },
	{ RTPROT_FRR_RIPNG, "ripng" },
	{ 191, "nhrp" },
	{ RTPROT_EIGRP, "eigrp" },
	{ 193, "ldp" },
	{ 194, "sharp" },
	{ 195, "pbr" },
	/* FRR's rt_protos.d calls 196 "static" too; a name of its own keeps parsing unique. */
	{ RTPROT_FRR_STATIC, "zstatic" },
	{ 197, "openfabric" },
	{ 198, "srte" },
	{ CIMR_RTPROT, "cimrouted" },
};

const char *
routefmt_proto_name(uint8_t proto, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].p == proto)
			return proto_names[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

int
routefmt_proto_parse(const char *s)
{
	unsigned long long v;

	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (strcmp(proto_names[i].name, s) == 0)
			return proto_names[i].p;
	return strnum(s, 0, 255, &v) < 0 ? -1 : (int)v;
}

const char *
routefmt_table_name(uint32_t table, char *buf, size_t len)
{
	switch (table) {
	case RT_TABLE_MAIN: return "main";
	case RT_TABLE_LOCAL: return "local";
	case RT_TABLE_DEFAULT: return "default";
	}
	snprintf(buf, len, "%u", table);
	return buf;
}

static void
dev_name(int32_t ifindex, const struct mirror *m, char *buf, size_t len)
{
	const struct link *l = m != NULL ? mirror_link(m, ifindex) : NULL;

	if (l != NULL && l->name[0] != '\0')
		snprintf(buf, len, "%s", l->name);
	else
		snprintf(buf, len, "if%d", ifindex);
}

/* Append to buf of len bytes at *n, as far as it fits. */
static void __attribute__((format(printf, 4, 5)))
add(char *buf, size_t len, int *n, const char *fmt, ...)
{
	va_list ap;

	if ((size_t)*n >= len)
		return;
	va_start(ap, fmt);
	*n += vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
}

/* "[type ]prefix[ from source][ via gw][ dev name]" */
static int
head(const struct routefmt_route *r, const struct mirror *m, char *buf, size_t len)
{
	char dev[IFNAMSIZ + 8];
	const char *type =
	    r->type < sizeof(type_names) / sizeof(type_names[0]) && type_names[r->type] != NULL ?
	    type_names[r->type] :
	    "unknown";
	int n = 0;

	add(buf, len, &n, "%s%s%s", r->type == RTN_UNICAST ? "" : type,
	    r->type == RTN_UNICAST ? "" : " ", r->prefix);
	if (r->from != NULL)
		add(buf, len, &n, " from %s", r->from);
	if (r->gw != NULL)
		add(buf, len, &n, " via %s", r->gw);
	if (r->ifindex != 0) {
		dev_name(r->ifindex, m, dev, sizeof(dev));
		add(buf, len, &n, " dev %s", dev);
	}
	return n;
}

void
routefmt_caption_of(const struct routefmt_route *r, const struct mirror *m, char *buf, size_t len)
{
	head(r, m, buf, len);
}

/*
 * The attributes in the order `ip route` prints them.  The family step: IPv4
 * has a scope and a TOS, IPv6 always a metric (ip shows "metric 0" for the
 * local table's routes), a lifetime and a router preference.
 */
void
routefmt_description_of(const struct routefmt_route *r, const struct mirror *m, char *buf,
    size_t len)
{
	char tb[16], pb[8];
	int n = head(r, m, buf, len);

	add(buf, len, &n, " table %s proto %s", routefmt_table_name(r->table, tb, sizeof(tb)),
	    routefmt_proto_name(r->proto, pb, sizeof(pb)));
	if (r->scope == RT_SCOPE_LINK)
		add(buf, len, &n, " scope link");
	else if (r->scope == RT_SCOPE_HOST)
		add(buf, len, &n, " scope host");
	if (r->src != NULL)
		add(buf, len, &n, " src %s", r->src);
	if (r->metric != 0 || r->family == AF_INET6)
		add(buf, len, &n, " metric %u", r->metric);
	if (r->tos != 0)
		add(buf, len, &n, " tos 0x%02x", r->tos);
	if (r->expires >= 0)
		add(buf, len, &n, " expires %ldsec", r->expires);
	if (r->flags & ROUTE_F_MULTI)
		add(buf, len, &n, " weight %u", r->weight);
	if (r->flags & ROUTE_F_ONLINK)
		add(buf, len, &n, " onlink");
	if (r->flags & ROUTE_F_DEAD)
		add(buf, len, &n, " dead");
	if (r->flags & ROUTE_F_LINKDOWN)
		add(buf, len, &n, " linkdown");
	if (r->pref != NULL)
		add(buf, len, &n, " pref %s", r->pref);
}

/* The fields struct route and struct route6 both have, as the formatter reads them. */
#define VIEW_COMMON(v, r)                                                                 \
	((v)->ifindex = (r)->ifindex, (v)->table = (r)->table, (v)->metric = (r)->metric, \
	    (v)->type = (r)->type, (v)->proto = (r)->proto, (v)->flags = (r)->flags,      \
	    (v)->weight = (r)->weight)

/*
 * An IPv6 gateway of an IPv4 route (RFC 5549) as `ip route` shows it: "via
 * inet6 fe80::1"; NULL when not known (route.h: no room left).
 */
static const char *
via6_text(const struct route *r, struct routefmt_text *t)
{
	char a[ADDR6_STRLEN];
	struct in6_addr gw;

	if (route_via6_gw(r, gw.s6_addr) < 0)
		return NULL;
	snprintf(t->gw, sizeof(t->gw), "inet6 %s", addr6_ntop(&gw, a, sizeof(a)));
	return t->gw;
}

/* An IPv4 route as the formatter reads it; the texts in t. */
static void
view4(const struct route *r, struct routefmt_route *v, struct routefmt_text *t)
{
	uint32_t src;

	memset(v, 0, sizeof(*v));
	v->family = AF_INET;
	routefmt_prefix(r, t->prefix, sizeof(t->prefix));
	v->prefix = t->prefix;
	if (route_via6(r))
		v->gw = via6_text(r, t);
	else if (r->flags & ROUTE_F_GATEWAY)
		v->gw = addr4_ntop(r->nexthop, t->gw, sizeof(t->gw));
	/* A direct route's next hop is its source (RFC 1213); a gateway route's is kept apart. */
	src = (r->flags & ROUTE_F_GATEWAY) ? route_src_addr(r) : r->nexthop;
	if (src != 0)
		v->src = addr4_ntop(src, t->src, sizeof(t->src));
	VIEW_COMMON(v, r);
	v->scope = r->scope;
	v->tos = r->tos;
	v->expires = -1;
}

/* An IPv6 route as the formatter reads it; the texts in t. */
static void
view6(const struct route6 *r, const struct mirror *m, struct routefmt_route *v,
    struct routefmt_text *t)
{
	/* RTA_PREF as `ip -6 route` names it (ICMPV6_ROUTER_PREF_*, RFC 4191 2.1) */
	static const char *const prefs[4] = { "medium", "high", "2", "low" };
	struct in6_addr a;
	uint8_t plen;

	memset(v, 0, sizeof(*v));
	v->family = AF_INET6;
	routefmt6_prefix(r, t->prefix, sizeof(t->prefix));
	v->prefix = t->prefix;
	if (r->src != 0) {
		char s[ADDR6_STRLEN];

		route6_src(r->src, a.s6_addr, &plen);
		snprintf(t->from, sizeof(t->from), "%s/%u", addr6_ntop(&a, s, sizeof(s)), plen);
		v->from = t->from;
	}
	if (routefmt6_gateway(r))
		v->gw = addr6_ntop((const struct in6_addr *)r->nexthop, t->gw, sizeof(t->gw));
	if (r->prefsrc != 0) {
		route6_prefsrc(r->prefsrc, a.s6_addr);
		v->src = addr6_ntop(&a, t->src, sizeof(t->src));
	}
	VIEW_COMMON(v, r);
	v->expires = routefmt6_lifetime(r, m);
	v->pref = prefs[r->pref & 3];
}

void
routefmt6_text(const void *row, const struct mirror *m, char *buf, size_t len, routefmt_fn fmt)
{
	struct routefmt_route v;
	struct routefmt_text t;

	view6(row, m, &v, &t);
	fmt(&v, m, buf, len);
}

void
routefmt_text(const void *row, const struct mirror *m, char *buf, size_t len, routefmt_fn fmt)
{
	struct routefmt_route v;
	struct routefmt_text t;

	view4(row, &v, &t);
	fmt(&v, m, buf, len);
}

void
routefmt_caption(const struct route *r, const struct mirror *m, char *buf, size_t len)
{
	routefmt_text(r, m, buf, len, routefmt_caption_of);
}

void
routefmt_description(const struct route *r, const struct mirror *m, char *buf, size_t len)
{
	routefmt_text(r, m, buf, len, routefmt_description_of);
}
