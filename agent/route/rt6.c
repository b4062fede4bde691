/*
 * IPv6 routes: the second family of the route mirror engine.  Parses
 * RTM_NEWROUTE/RTM_DELROUTE into cimIP6RouteTable's 64-byte entries (one per
 * next hop, route6.h) and wraps their chunked store as the family's
 * operations table (rt.h).
 *
 * What IPv6 routes differ in (Linux, net/ipv6/route.c, rt6_fill_node()):
 * - a multipath route is a set of sibling routes, each with one next hop;
 *   the kernel announces and dumps them together (RTA_MULTIPATH) but adds
 *   and deletes them one at a time (`ip -6 route append`, `del ... via`):
 *   the engine keeps ROUTE_F_MULTI through sibling()/set_multi();
 * - the remaining lifetime of an expiring route (RA routes, `expires N`)
 *   comes in RTA_CACHEINFO's rta_expires, in clock ticks (USER_HZ), in
 *   dumps and events alike; RTA_EXPIRES (seconds) is only what a request
 *   sets.  The entry keeps the mirror-clock second the route ends;
 * - routes learnt from router advertisements (protocol ra) change without
 *   a message: their lifetimes, set after the route is announced and
 *   extended by each RA, and a Route Information route's preference: the
 *   engine re-dumps after one is announced and when a lifetime ends;
 * - every route carries its router preference (RTA_PREF), and
 *   blackhole, unreachable and prohibit routes name the loopback device;
 * - cached exception routes (PMTU, redirects) carry RTM_F_CLONED, which
 *   rt6_fill_node() sets for every RTF_CACHE route: they are not FIB routes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "route/mirror.h"
#include "route/nhobj.h"
#include "route/route6.h"
#include "route/rt.h"
#include "route/rtmsg.h"

#ifndef RTNLGRP_IPV6_ROUTE
#define RTNLGRP_IPV6_ROUTE 11
#endif

/* Lengths of the fixed-size attributes we read, checked by nla_parse(). */
static struct nla_policy route6_policy[RTA_MAX + 1] = {
	[RTA_TABLE] = { .type = NLA_U32 },
	[RTA_PRIORITY] = { .type = NLA_U32 },
	[RTA_OIF] = { .type = NLA_U32 },
	[RTA_NH_ID] = { .type = NLA_U32 },
	[RTA_PREF] = { .type = NLA_U8 },
	[RTA_EXPIRES] = { .type = NLA_U32 },
	[RTA_CACHEINFO] = { .minlen = sizeof(struct rta_cacheinfo) },
};

/* An IPv6 address attribute: 1 and copied, 0 when absent, -1 when not 16 bytes. */
static int
get_addr(struct nlattr *a, uint8_t out[16])
{
	if (a == NULL)
		return 0;
	if (nla_len(a) != 16)
		return -1;
	memcpy(out, nla_data(a), 16);
	return 1;
}

static void
mask6(uint8_t a[16], uint8_t plen)
{
	for (int k = 0; k<16; k++, plen = plen> 8 ? (uint8_t)(plen - 8) : 0)
		a[k] &= plen >= 8 ? 0xff : (uint8_t)(0xff00 >> plen);
}

/* The second the route ends on the mirror's clock, from what the kernel says is left. */
static uint32_t
expiry(struct nlattr **tb, uint32_t now)
{
	static long hz;
	long secs = 0;

	if (tb[RTA_CACHEINFO] != NULL) {
		const struct rta_cacheinfo *ci = nla_data(tb[RTA_CACHEINFO]);

		if (ci->rta_expires == 0)
			return 0;
		if (hz <= 0)
			hz = sysconf(_SC_CLK_TCK); /* jiffies_to_clock_t(): USER_HZ */
		if (hz <= 0)
			hz = 100;
		secs = ci->rta_expires > 0 ? (ci->rta_expires + hz - 1) / hz : 0;
	} else if (tb[RTA_EXPIRES] != NULL) {
		secs = nla_get_u32(tb[RTA_EXPIRES]);
		if (secs == 0)
			return 0;
	} else {
		return 0;
	}
	/* 0 means "never": a route that ends at the mirror's second 0 ends at 1. */
	return now + (uint32_t)secs > 0 ? now + (uint32_t)secs : 1;
}

static void
hop_fill(struct route6 *r, const uint8_t *gw, int32_t oif, unsigned nhflags)
{
	r->ifindex = oif;
	if (gw != NULL) {
		memcpy(r->nexthop, gw, 16);
		r->flags |= ROUTE_F_GATEWAY;
	}
	r->flags |= rtmsg_hop_flags(nhflags);
}

/* What the shared walkers (rtmsg.h) fill: rows from base, into out. */
struct fill {
	const struct route6 *base;
	struct route6 *out;
};

static void
mp_hop(const struct rtnexthop *nh, struct nlattr **tb, int i, void *arg)
{
	struct fill *f = arg;
	uint8_t gw[16];
	int has_gw = get_addr(tb[RTA_GATEWAY], gw) > 0;

	f->out[i] = *f->base;
	f->out[i].flags |= ROUTE_F_MULTI;
	f->out[i].weight = rtmsg_weight(nh);
	hop_fill(&f->out[i], has_gw ? gw : NULL, nh->rtnh_ifindex, nh->rtnh_flags);
}

/* The loopback device's ifindex in every namespace (LOOPBACK_IFINDEX, net_namespace.h). */
#define LOOPBACK_IFINDEX 1

/*
 * A row through object o (not a group); an IPv4 gateway cannot serve an IPv6
 * route.  A blackhole object has the loopback device (the kernel's, which
 * nexthop_compat_mode 1 shows as RTA_OIF lo): the same row in either mode.
 */
static void
nh_fill(const struct nhobj *o, unsigned nhflags, int multi, uint8_t weight, int i, void *arg)
{
	struct fill *f = arg;
	struct route6 *r = &f->out[i];

	*r = *f->base;
	hop_fill(r, (o->flags & NHO_GW6) ? o->gw6 : NULL,
	    (o->flags & NHO_BLACKHOLE) ? LOOPBACK_IFINDEX : o->oif, nhflags);
	if (multi) {
		r->flags |= ROUTE_F_MULTI;
		r->weight = weight;
	}
}

static int
rt6_parse(const struct rt_parse *ctx, struct nlmsghdr *nlh, void *v, int max, struct nh_ref *ref)
{
	struct route6 *out = v;
	struct nlattr *tb[RTA_MAX + 1];
	struct rtmsg *rtm;
	struct route6 base;
	struct fill f = { &base, out };
	uint8_t a[16];
	int n;

	memset(ref, 0, sizeof(*ref));
	memset(&base, 0, sizeof(base));
	if ((n = rtmsg_begin(nlh, AF_INET6, route6_policy, ctx->cfg, tb, &rtm, &base.table)) <= 0)
		return n;
	if (rtm->rtm_dst_len > 128 || rtm->rtm_src_len > 128 ||
	    get_addr(tb[RTA_DST], base.dst) < 0 || get_addr(tb[RTA_GATEWAY], a) < 0 ||
	    get_addr(tb[RTA_PREFSRC], a) < 0)
		return -1;
	base.plen = rtm->rtm_dst_len;
	mask6(base.dst, base.plen);
	memset(a, 0, sizeof(a));
	if (get_addr(tb[RTA_SRC], a) < 0)
		return -1;
	mask6(a, rtm->rtm_src_len);
	/* The prefix is in the index: a route whose prefix has no id cannot be a row. */
	if (rtm->rtm_src_len > 0 && (base.src = route6_src_id(a, rtm->rtm_src_len)) == 0)
		return -1;
	if (get_addr(tb[RTA_PREFSRC], a) > 0)
		base.prefsrc = route6_prefsrc_id(a);
	base.type = rtm->rtm_type;
	base.proto = rtm->rtm_protocol;
	base.weight = 1;
	base.metric = tb[RTA_PRIORITY] ? nla_get_u32(tb[RTA_PRIORITY]) : 0;
	base.pref = tb[RTA_PREF] ? nla_get_u8(tb[RTA_PREF]) : 0;
	base.expires = expiry(tb, ctx->now);
	if (tb[RTA_NH_ID] != NULL) {
		ref->id = nla_get_u32(tb[RTA_NH_ID]);
		base.nhobj = 1;
		/* Not known, even with compat mode on: its deletion would not be seen to matter. */
		if (ctx->nhs != NULL && nh_find(ctx->nhs, ref->id) == NULL)
			ref->unknown = 1;
	}
	if (tb[RTA_MULTIPATH] != NULL)
		return rtmsg_multipath(tb[RTA_MULTIPATH], route6_policy, max, mp_hop, &f);
	if (max < 1)
		return -1;
	/* With nexthop_compat_mode on, the kernel adds the object's next hops itself. */
	if (ref->id != 0 && ctx->nhs != NULL && tb[RTA_GATEWAY] == NULL && tb[RTA_OIF] == NULL &&
	    (n = rtmsg_nhid(ctx->nhs, ref, rtm->rtm_flags, max, nh_fill, &f)) != 0)
		return n;
	out[0] = base;
	hop_fill(&out[0], get_addr(tb[RTA_GATEWAY], a) > 0 ? a : NULL,
	    tb[RTA_OIF] ? (int32_t)nla_get_u32(tb[RTA_OIF]) : 0, rtm->rtm_flags);
	return 1;
}

/* ---- the operations table ------------------------------------------------- */

/* The index starts with dst and plen: the lowest of a prefix has the rest at its minimum. */
static void
rt6_prefix_key(void *key, const void *e)
{
	const struct route6 *r = e;
	struct route6 *k = key;

	memset(k, 0, sizeof(*k));
	memcpy(k->dst, r->dst, 16);
	k->plen = r->plen;
	k->ifindex = INT32_MIN;
}

static int
rt6_same_prefix(const void *a, const void *b)
{
	const struct route6 *x = a, *y = b;

	return memcmp(x->dst, y->dst, 16) == 0 && x->plen == y->plen;
}

/*
 * rt6_qualify_for_ecmp(): a unicast route through a gateway, not learnt from
 * a router advertisement (RTF_ADDRCONF, protocol ra) and not through a
 * nexthop object (whose groups are multipath their own way).
 */
static int
rt6_sibling(const void *e)
{
	const struct route6 *r = e;

	return (r->flags & ROUTE_F_GATEWAY) && r->type == RTN_UNICAST && r->proto != RTPROT_RA &&
	    !r->nhobj;
}

/* A lone hop shows no weight: rt6_fill_node() writes RTA_MULTIPATH only for siblings. */
static void
rt6_set_multi(void *e, int multi)
{
	struct route6 *r = e;

	if (multi) {
		r->flags |= ROUTE_F_MULTI;
	} else {
		r->flags &= (uint8_t)~ROUTE_F_MULTI;
		r->weight = 1;
	}
}

static uint32_t
rt6_expires(const void *e)
{
	return ((const struct route6 *)e)->expires;
}

/*
 * A route learnt from a router advertisement: the kernel announces it, then
 * sets its lifetime without a message (seen on Linux 6.18: a Route
 * Information route is announced as "never" and dumped with 600 s; a
 * default route whose preference changed is announced with its old
 * lifetime and dumped with the new one).  Such announcements are rare: the
 * RAs that only extend a lifetime send none.
 */
static int
rt6_unsettled(const void *e)
{
	return ((const struct route6 *)e)->proto == RTPROT_RA;
}

static int
rt6_same_shown(const void *a, const void *b)
{
	return route6_same_shown(a, b);
}

RT_OPS_ENTRY_CHECK(struct route6);

const struct rt_ops rt6_ops = {
	.name = "IPv6",
	.family = AF_INET6,
	.group = RTNLGRP_IPV6_ROUTE,
	RT_OPS_STORE(route6, struct route6),
	.parse = rt6_parse,
	.prefix_key = rt6_prefix_key,
	.same_prefix = rt6_same_prefix,
	.sibling = rt6_sibling,
	.set_multi = rt6_set_multi,
	.expires = rt6_expires,
	.unsettled = rt6_unsettled,
	.same_shown = rt6_same_shown,
};
