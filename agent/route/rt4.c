/*
 * IPv4 routes: the first family of the route mirror engine.  Parses
 * RTM_NEWROUTE/RTM_DELROUTE into cimIP4RouteTable's 32-byte entries (one per
 * next hop) and wraps the chunked store of route.c as the family's
 * operations table (rt.h).
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

static void
hop_fill(struct route *r, uint32_t gw, int has_gw, uint32_t prefsrc, int32_t oif, unsigned nhflags)
{
	r->ifindex = oif;
	if (has_gw) {
		r->nexthop = gw;
		r->flags |= ROUTE_F_GATEWAY;
		if (prefsrc != 0)
			r->src = route_prefsrc_id(prefsrc);
	} else if (has_nexthop(r->type)) {
		/* RFC 1213 ipRouteNextHop: on a direct route, the agent's own address. */
		r->nexthop = prefsrc;
	}
	if (nhflags & RTNH_F_DEAD)
		r->flags |= ROUTE_F_DEAD;
	if (nhflags & RTNH_F_LINKDOWN)
		r->flags |= ROUTE_F_LINKDOWN;
	if (nhflags & RTNH_F_ONLINK)
		r->flags |= ROUTE_F_ONLINK;
}

/* What the shared walkers (rtmsg.h) fill: rows from base, into out. */
struct fill {
	const struct route *base;
	uint32_t prefsrc;
	struct route *out;
};

static void
mp_hop(const struct rtnexthop *nh, struct nlattr **tb, int i, void *arg)
{
	struct fill *f = arg;
	uint32_t gw = 0;
	int has_gw = 0;

	if (tb[RTA_GATEWAY] != NULL && nla_len(tb[RTA_GATEWAY]) == 4) {
		gw = ntohl(nla_get_u32(tb[RTA_GATEWAY]));
		has_gw = 1;
	} else if (tb[RTA_VIA] != NULL) {
		has_gw = 1; /* an IPv6 gateway (RFC 5549): no IPv4 address to show */
	}
	f->out[i] = *f->base;
	f->out[i].flags |= ROUTE_F_MULTI;
	f->out[i].weight = (uint8_t)(nh->rtnh_hops + 1 > 255 ? 255 : nh->rtnh_hops + 1);
	hop_fill(&f->out[i], gw, has_gw, f->prefsrc, nh->rtnh_ifindex, nh->rtnh_flags);
}

/* A row through object o (not a group). */
static void
nh_fill(const struct nhobj *o, unsigned nhflags, int multi, uint8_t weight, int i, void *arg)
{
	struct fill *f = arg;
	struct route *r = &f->out[i];

	*r = *f->base;
	hop_fill(r, o->gw, (o->flags & (NHO_GW | NHO_GW6)) != 0, f->prefsrc, o->oif, nhflags);
	if (multi) {
		r->flags |= ROUTE_F_MULTI;
		r->weight = weight;
	}
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
	int n = rtmsg_nhid(nhs, ref, rtflags, max, nh_fill, f);

	if (n != 0)
		return n;
	f->out[0] = *f->base;
	hop_fill(&f->out[0], 0, 0, f->prefsrc, 0, rtflags);
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
	uint32_t prefsrc = 0, gw = 0;
	int has_gw = 0;

	memset(ref, 0, sizeof(*ref));
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
		return -1;
	rtm = nlmsg_data(nlh);
	if (rtm->rtm_family != AF_INET || (rtm->rtm_flags & RTM_F_CLONED))
		return 0;
	if (nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, route_policy) < 0)
		return -1;
	memset(&base, 0, sizeof(base));
	base.table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (!mirror_table_selected(ctx->cfg, base.table))
		return 0;
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
	f = (struct fill){ &base, prefsrc, out };
	if (tb[RTA_NH_ID] != NULL)
		ref->id = nla_get_u32(tb[RTA_NH_ID]);
	/* Not known, even with compat mode on: its deletion would not be seen to matter. */
	if (ref->id != 0 && nhs != NULL && nh_find(nhs, ref->id) == NULL)
		ref->unknown = 1;
	if (tb[RTA_MULTIPATH] != NULL)
		return rtmsg_multipath(tb[RTA_MULTIPATH], route_policy, max, mp_hop, &f);
	if (max < 1)
		return -1;
	/* With nexthop_compat_mode on, the kernel adds the object's next hops itself. */
	if (ref->id != 0 && nhs != NULL && tb[RTA_GATEWAY] == NULL && tb[RTA_VIA] == NULL &&
	    tb[RTA_OIF] == NULL)
		return parse_nhid(nhs, &f, rtm->rtm_flags, ref, max);
	if (tb[RTA_GATEWAY] != NULL && nla_len(tb[RTA_GATEWAY]) == 4) {
		gw = ntohl(nla_get_u32(tb[RTA_GATEWAY]));
		has_gw = 1;
	} else if (tb[RTA_VIA] != NULL) {
		has_gw = 1;
	}
	out[0] = base;
	hop_fill(&out[0], gw, has_gw, prefsrc, tb[RTA_OIF] ? (int32_t)nla_get_u32(tb[RTA_OIF]) : 0,
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

static int
rt4_same(const void *a, const void *b)
{
	return route_same(a, b);
}

static int
rt4_same_fib(const void *a, const void *b)
{
	return route_same_fib(a, b);
}

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

/* The engine reads the type and the protocol as two bytes (rt.h: kind_off). */
_Static_assert(offsetof(struct route, proto) == offsetof(struct route, type) + 1,
    "proto follows type");

const struct rt_ops rt4_ops = {
	.name = "IPv4",
	.family = AF_INET,
	.group = RTNLGRP_IPV4_ROUTE,
	.size = sizeof(struct route),
	.flags_off = offsetof(struct route, flags),
	.kind_off = offsetof(struct route, type),
	.seen_off = offsetof(struct route, first_seen),
	.parse = rt4_parse,
	.same = rt4_same,
	.same_fib = rt4_same_fib,
	.prefix_key = rt4_prefix_key,
	.same_prefix = rt4_same_prefix,
	.store = &route_store,
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
