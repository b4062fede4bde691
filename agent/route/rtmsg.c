/* What the route families' parses share: see rtmsg.h. */
#include "config.h"

#include <linux/rtnetlink.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "route/rtmsg.h"

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
