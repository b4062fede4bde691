/* What the route families' parses share: see rtmsg.h. */
#include "config.h"

#include <linux/rtnetlink.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "route/mirror.h"
#include "route/route.h"
#include "route/rtmsg.h"

int
rtmsg_begin(struct nlmsghdr *nlh, uint8_t family, struct nla_policy *policy,
    const struct mirror_config *cfg, struct nlattr **tb, struct rtmsg **rtm, uint32_t *table)
{
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(**rtm)))
		return -1;
	*rtm = nlmsg_data(nlh);
	if ((*rtm)->rtm_family != family || ((*rtm)->rtm_flags & RTM_F_CLONED))
		return 0;
	if (nlmsg_parse(nlh, sizeof(**rtm), tb, RTA_MAX, policy) < 0)
		return -1;
	*table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : (*rtm)->rtm_table;
	return mirror_table_selected(cfg, *table) ? 1 : 0;
}

uint8_t
rtmsg_hop_flags(unsigned nhflags)
{
	uint8_t f = 0;

	if (nhflags & RTNH_F_DEAD)
		f |= ROUTE_F_DEAD;
	if (nhflags & RTNH_F_LINKDOWN)
		f |= ROUTE_F_LINKDOWN;
	if (nhflags & RTNH_F_ONLINK)
		f |= ROUTE_F_ONLINK;
	return f;
}

uint8_t
rtmsg_weight(const struct rtnexthop *nh)
{
	return (uint8_t)(nh->rtnh_hops + 1 > 255 ? 255 : nh->rtnh_hops + 1);
}

int
rtmsg_multipath(struct nlattr *mp, struct nla_policy *policy, int max, rtmsg_hop_fn fn, void *arg)
{
	struct rtnexthop *nh = nla_data(mp);
	int len = nla_len(mp), n = 0;

	while (len >= (int)sizeof(*nh) && RTNH_OK(nh, len)) {
		struct nlattr *tb[RTA_MAX + 1];

		if (n == max)
			return -1;
		if (nla_parse(tb, RTA_MAX, (struct nlattr *)RTNH_DATA(nh),
			nh->rtnh_len - (int)sizeof(*nh), policy) < 0)
			return -1;
		fn(nh, tb, n++, arg);
		len -= NLMSG_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
	return n;
}

/* A group of one is not multipath: the kernel lists one next hop. */
int
rtmsg_nhid(const struct nh_vec *nhs, struct nh_ref *ref, unsigned rtflags, int max, rtmsg_obj_fn fn,
    void *arg)
{
	const struct nhobj *o = nh_find(nhs, ref->id), *mo;
	int n = 0;

	if (o == NULL)
		return 0;
	if (!(o->flags & NHO_GROUP)) {
		fn(o, rtflags | o->nhflags, 0, 1, 0, arg);
		return 1;
	}
	if (o->ngrp > max)
		return -1;
	for (unsigned k = 0; k < o->ngrp; k++) {
		if ((mo = nh_find(nhs, o->grp[k].id)) == NULL || (mo->flags & NHO_GROUP))
			continue;
		fn(mo, mo->nhflags, o->ngrp > 1, o->grp[k].weight, n++, arg);
	}
	if (n < o->ngrp)
		ref->unknown = 1;
	return n;
}
