/*
 * IPv4 routes: the first family of the route mirror engine.  Parses
 * RTM_NEWROUTE/RTM_DELROUTE into cimIP4RouteTable's 32-byte entries (one per
 * next hop) and wraps the chunked store of route.c as the family's
 * operations table (rt.h).
 *
 * A next hop's gateway is IPv4 (RTA_GATEWAY) or, RFC 5549, IPv6: RTA_VIA in
 * the route or in a hop of RTA_MULTIPATH, or a nexthop object's IPv6
 * gateway.  Such a row keeps next hop 0.0.0.0 and the gateway interned
 * (route_via6(), route.h, says why there).
 */
#include "config.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <string.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "route/rt4.h"
#include "route/nhobj.h"
#include "route/rt.h"
#include "route/rtmsg.h"

/* Lengths of the fixed-size attributes we read, checked by nla_parse(). */
static struct nla_policy route_policy[RTA_MAX + 1] = {
	[RTA_TABLE] = { .type = NLA_U32 },
	[RTA_PRIORITY] = { .type = NLA_U32 },
	[RTA_OIF] = { .type = NLA_U32 },
	[RTA_NH_ID] = { .type = NLA_U32 },
};

static int
has_nexthop(uint8_t type)
{
	return type == RTN_UNICAST || type == RTN_LOCAL || type == RTN_BROADCAST ||
	    type == RTN_ANYCAST || type == RTN_MULTICAST;
}

/*
 * A next hop's gateway: IPv4 (RTA_GATEWAY), IPv6 (RTA_VIA with an AF_INET6
 * address, RFC 5549; v6 NULL when the attribute is malformed), or none.
 */
struct hop_gw {
	int family; /* AF_INET, AF_INET6; 0: none */
	uint32_t v4;
	const uint8_t *v6;
};

/*
 * The gateway of a route or of one hop of RTA_MULTIPATH.  The kernel gives
 * an IPv4 gateway as RTA_GATEWAY even when it was asked with RTA_VIA
 * (fib_nexthop_info()), and RTA_VIA only for an IPv6 one: struct rtvia, the
 * family then the address.
 */
static void
hop_gw_of(struct nlattr **tb, struct hop_gw *g)
{
	const struct rtvia *via;
	int len;

	memset(g, 0, sizeof(*g));
	if (tb[RTA_GATEWAY] != NULL && nla_len(tb[RTA_GATEWAY]) == 4) {
		g->family = AF_INET;
		g->v4 = ntohl(nla_get_u32(tb[RTA_GATEWAY]));
		return;
	}
	if (tb[RTA_VIA] == NULL)
		return;
	via = nla_data(tb[RTA_VIA]);
	len = nla_len(tb[RTA_VIA]) - (int)offsetof(struct rtvia, rtvia_addr);
	g->family = AF_INET6;
	if (len == 16 && via->rtvia_family == AF_INET6) {
		g->v6 = via->rtvia_addr;
	} else if (len == 4 && via->rtvia_family == AF_INET) {
		g->family = AF_INET;
		memcpy(&g->v4, via->rtvia_addr, 4);
		g->v4 = ntohl(g->v4);
	}
}

/*
 * A blackhole, unreachable, prohibit or throw row has InterfaceIndex 0 (the
 * MIB), also through a blackhole nexthop object, for which the kernel says
 * RTA_OIF lo.
 */
static void
hop_fill(struct route *r, const struct hop_gw *g, uint32_t prefsrc, int32_t oif, unsigned nhflags)
{
	r->ifindex = has_nexthop(r->type) ? oif : 0;
	if (g->family == AF_INET) {
		r->nexthop = g->v4;
		r->flags |= ROUTE_F_GATEWAY;
		if (prefsrc != 0)
			r->src = route_prefsrc_id(prefsrc);
	} else if (g->family == AF_INET6) {
		/* No IPv4 next hop: 0.0.0.0 with ROUTE_F_GATEWAY (route_via6(), route.h). */
		r->nexthop = 0;
		r->flags |= ROUTE_F_GATEWAY;
		r->src = g->v6 != NULL ? route_via6_id(g->v6, prefsrc) : 0;
	} else if (has_nexthop(r->type)) {
		/* RFC 1213 ipRouteNextHop: on a direct route, the agent's own address. */
		r->nexthop = prefsrc;
	}
	r->flags |= rtmsg_hop_flags(nhflags);
}

/* What the shared walkers (rtmsg.h) fill: rows from base, into out. */
struct fill {
	const struct route *base;
	uint32_t prefsrc;
	struct route *out;
	int via6; /* a row went through an IPv6 gateway */
};

static void
mp_hop(const struct rtnexthop *nh, struct nlattr **tb, int i, void *arg)
{
	struct fill *f = arg;
	struct hop_gw g;

	hop_gw_of(tb, &g);
	f->via6 |= g.family == AF_INET6;
	f->out[i] = *f->base;
	f->out[i].flags |= ROUTE_F_MULTI;
	f->out[i].weight = rtmsg_weight(nh);
	hop_fill(&f->out[i], &g, f->prefsrc, nh->rtnh_ifindex, nh->rtnh_flags);
}

/* A row through object o (not a group). */
static void
nh_fill(const struct nhobj *o, unsigned nhflags, int multi, uint8_t weight, int i, void *arg)
{
	struct fill *f = arg;
	struct route *r = &f->out[i];
	struct hop_gw g = { 0, 0, NULL };

	if (o->flags & NHO_GW) {
		g.family = AF_INET;
		g.v4 = o->gw;
	} else if (o->flags & NHO_GW6) {
		g.family = AF_INET6;
		g.v6 = o->gw6;
		f->via6 = 1;
	}
	*r = *f->base;
	hop_fill(r, &g, f->prefsrc, o->oif, nhflags);
	if (multi) {
		r->flags |= ROUTE_F_MULTI;
		r->weight = weight;
	}
}

/*
 * The hops of one route through different IPv6 gateways on one interface
 * share an index (next hop 0.0.0.0), and Linux takes such a route (`nexthop
 * via inet6 fe80::1 dev X nexthop via inet6 fe80::2 dev X`, or a group of
 * such objects).  Only one can be a row: the first in the kernel's order,
 * which keeps its hops as they were given, so that an event and a dump make
 * the same row.  The rows n of out become the returned number.
 */
static int
drop_via6_twins(struct route *out, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		int twin = 0;

		for (int j = 0; j < k && !twin; j++)
			twin = (route_via6(&out[i]) || route_via6(&out[j])) &&
			    route_cmp(&out[j], &out[i]) == 0;
		if (!twin)
			out[k++] = out[i];
	}
	return k;
}

/* The rows of a route with several hops (n < 0: malformed), without twins. */
static int
hops_done(const struct fill *f, int n)
{
	return n > 1 && f->via6 ? drop_via6_twins(f->out, n) : n;
}

/*
 * A route that names its nexthop object and nothing else (nexthop_compat_mode
 * 0): its rows go through the object, or through each member of a group
 * (rtmsg_nhid()).  An object not known (ref->unknown) gives one row without
 * a next hop, as before the mirror knew objects.
 */
static int
parse_nhid(const struct nh_vec *nhs, struct fill *f, unsigned rtflags, struct nh_ref *ref, int max)
{
	static const struct hop_gw none = { 0, 0, NULL };
	int n = rtmsg_nhid(nhs, ref, rtflags, max, nh_fill, f);

	if (n != 0)
		return hops_done(f, n);
	f->out[0] = *f->base;
	hop_fill(&f->out[0], &none, f->prefsrc, 0, rtflags);
	return 1;
}

static int
parse_route(const struct rt_parse *ctx, struct nlmsghdr *nlh, struct route *out, int max,
    struct nh_ref *ref)
{
	const struct nh_vec *nhs = ctx->nhs;
	struct nlattr *tb[RTA_MAX + 1];
	struct rtmsg *rtm;
	struct route base;
	struct fill f;
	struct hop_gw g;
	uint32_t prefsrc = 0;
	int rc;

	memset(ref, 0, sizeof(*ref));
	memset(&base, 0, sizeof(base));
	if ((rc = rtmsg_begin(nlh, AF_INET, route_policy, ctx->cfg, tb, &rtm, &base.table)) <= 0)
		return rc;
	if (rtm->rtm_dst_len > 32)
		return -1;
	base.plen = rtm->rtm_dst_len;
	if (tb[RTA_DST] != NULL) {
		if (nla_len(tb[RTA_DST]) != 4)
			return -1;
		base.dst = ntohl(nla_get_u32(tb[RTA_DST]));
	}
	base.dst &= route_mask(base.plen);
	base.tos = rtm->rtm_tos;
	base.type = rtm->rtm_type;
	base.proto = rtm->rtm_protocol;
	base.scope = rtm->rtm_scope;
	base.weight = 1;
	if (tb[RTA_PRIORITY] != NULL)
		base.metric = nla_get_u32(tb[RTA_PRIORITY]);
	if (tb[RTA_PREFSRC] != NULL && nla_len(tb[RTA_PREFSRC]) == 4)
		prefsrc = ntohl(nla_get_u32(tb[RTA_PREFSRC]));
	f = (struct fill){ &base, prefsrc, out, 0 };
	if (tb[RTA_NH_ID] != NULL)
		ref->id = nla_get_u32(tb[RTA_NH_ID]);
	/* Not known, even with compat mode on: its deletion would not be seen to matter. */
	if (ref->id != 0 && nhs != NULL && nh_find(nhs, ref->id) == NULL)
		ref->unknown = 1;
	if (tb[RTA_MULTIPATH] != NULL)
		return hops_done(&f,
		    rtmsg_multipath(tb[RTA_MULTIPATH], route_policy, max, mp_hop, &f));
	if (max < 1)
		return -1;
	/* With nexthop_compat_mode on, the kernel adds the object's next hops itself. */
	if (ref->id != 0 && nhs != NULL && tb[RTA_GATEWAY] == NULL && tb[RTA_VIA] == NULL &&
	    tb[RTA_OIF] == NULL)
		return parse_nhid(nhs, &f, rtm->rtm_flags, ref, max);
	hop_gw_of(tb, &g);
	out[0] = base;
	hop_fill(&out[0], &g, prefsrc, tb[RTA_OIF] ? (int32_t)nla_get_u32(tb[RTA_OIF]) : 0,
	    rtm->rtm_flags);
	return 1;
}

static int
rt4_parse(const struct rt_parse *ctx, struct nlmsghdr *nlh, void *out, int max, struct nh_ref *ref)
{
	return parse_route(ctx, nlh, out, max, ref);
}

int
mirror_parse_route(const struct mirror_config *cfg, struct nlmsghdr *nlh, struct route *out,
    int max)
{
	struct rt_parse ctx = { cfg, NULL, 0 };
	struct nh_ref ref;

	return parse_route(&ctx, nlh, out, max, &ref);
}

int
mirror_parse_route_nh(const struct mirror_config *cfg, const struct mirror *m, struct nlmsghdr *nlh,
    struct route *out, int max)
{
	struct rt_parse ctx = { cfg, m != NULL ? mirror_nh_map(m) : NULL, 0 };
	struct nh_ref ref;

	return parse_route(&ctx, nlh, out, max, &ref);
}

/* ---- the operations table ------------------------------------------------- */

/* The index starts with dst and plen: the lowest of a prefix has the rest at its minimum. */
static void
rt4_prefix_key(void *key, const void *e)
{
	struct route *k = key;

	*k = *(const struct route *)e;
	k->nexthop = 0;
	k->ifindex = INT32_MIN;
	k->table = k->tos = 0;
	k->metric = 0;
}

static int
rt4_same_prefix(const void *a, const void *b)
{
	const struct route *x = a, *y = b;

	return x->dst == y->dst && x->plen == y->plen;
}

RT_OPS_ENTRY_CHECK(struct route);

const struct rt_ops rt4_ops = {
	.name = "IPv4",
	.family = AF_INET,
	.group = RTNLGRP_IPV4_ROUTE,
	RT_OPS_STORE(route, struct route),
	.parse = rt4_parse,
	.prefix_key = rt4_prefix_key,
	.same_prefix = rt4_same_prefix,
	.replace_changes = 1,
};

struct mirror *
mirror_new(const struct mirror_config *cfg)
{
	return mirror_new_family(&rt4_ops, cfg);
}

const struct route_table *
mirror_routes(const struct mirror *m)
{
	return mirror_table(m);
}
