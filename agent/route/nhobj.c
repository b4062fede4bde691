/* Nexthop objects: see nhobj.h. */
#include "config.h"

#include <errno.h>
#include <linux/nexthop.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "lib/sysctl.h"
#include "lib/vec.h"
#include "route/nhobj.h"

VEC_CMP_FIELD(nh_cmp, struct nhobj, id, uint32_t)

static size_t
nh_bound(const struct nh_vec *nv, uint32_t id)
{
	return vec_lower_bound(nv->v, nv->n, sizeof(*nv->v), &id, nh_cmp, 0);
}

struct nhobj *
nh_find(const struct nh_vec *nv, uint32_t id)
{
	size_t i = nh_bound(nv, id);

	return i < nv->n && nv->v[i].id == id ? &nv->v[i] : NULL;
}

void
nh_vec_clear(struct nh_vec *nv)
{
	for (size_t i = 0; i < nv->n; i++)
		free(nv->v[i].grp);
	nv->n = 0;
}

void
nh_vec_free(struct nh_vec *nv)
{
	nh_vec_clear(nv);
	free(nv->v);
	memset(nv, 0, sizeof(*nv));
}

/* Do routes through a and b go the same way? */
static int
nh_same(const struct nhobj *a, const struct nhobj *b)
{
	if (a->gw != b->gw || memcmp(a->gw6, b->gw6, 16) != 0 || a->oif != b->oif ||
	    a->nhflags != b->nhflags || a->flags != b->flags || a->ngrp != b->ngrp)
		return 0;
	for (unsigned k = 0; k < a->ngrp; k++)
		if (a->grp[k].id != b->grp[k].id || a->grp[k].weight != b->grp[k].weight)
			return 0;
	return 1;
}

int
nh_set(struct nh_vec *nv, struct nhobj *o)
{
	size_t i = nh_bound(nv, o->id);
	int chg;

	if (i < nv->n && nv->v[i].id == o->id) {
		chg = !nh_same(&nv->v[i], o);
		o->users = nv->v[i].users;
		free(nv->v[i].grp);
		nv->v[i] = *o;
		return chg;
	}
	if (vec_reserve(&nv->v, &nv->cap, nv->n, sizeof(*nv->v), 16) < 0) {
		free(o->grp);
		return -1;
	}
	vec_insert_at(nv->v, &nv->n, sizeof(*nv->v), i, o);
	return 0;
}

void
nh_del(struct nh_vec *nv, uint32_t id)
{
	size_t i = nh_bound(nv, id);

	if (i < nv->n && nv->v[i].id == id) {
		free(nv->v[i].grp);
		vec_remove_at(nv->v, &nv->n, sizeof(*nv->v), i);
	}
}

/*
 * A mirrored route names the object (nh_use), or one that did is gone
 * (nh_unuse, only when its rows were found and removed).  A route replaced
 * by one through another object is not uncounted, as the replace message
 * does not say what it replaced: the count errs high, which costs at worst
 * a re-dump, and every re-dump counts afresh.
 */
void
nh_use(struct nh_vec *nv, uint32_t id)
{
	struct nhobj *o = nh_find(nv, id);

	if (o != NULL)
		o->users++;
}

void
nh_unuse(struct nh_vec *nv, uint32_t id)
{
	struct nhobj *o = nh_find(nv, id);

	if (o != NULL && o->users > 0)
		o->users--;
}

int
nh_in_use(const struct nh_vec *nv, uint32_t id)
{
	const struct nhobj *o = nh_find(nv, id);

	if (o == NULL)
		return 0;
	if (o->users > 0)
		return 1;
	for (size_t i = 0; i < nv->n; i++) {
		if (nv->v[i].users == 0)
			continue;
		for (unsigned k = 0; k < nv->v[i].ngrp; k++)
			if (nv->v[i].grp[k].id == id)
				return 1;
	}
	return 0;
}

static struct nla_policy nh_policy[NHA_MAX + 1] = {
	[NHA_ID] = { .type = NLA_U32 },
	[NHA_OIF] = { .type = NLA_U32 },
};

static int
parse_group(struct nlattr *a, struct nhobj *o)
{
	const struct nexthop_grp *g = nla_data(a);
	size_t n = (size_t)nla_len(a) / sizeof(*g);

	if (n == 0 || n > UINT16_MAX) {
		errno = EINVAL;
		return -1;
	}
	if ((o->grp = calloc(n, sizeof(*o->grp))) == NULL)
		return -1;
	for (size_t k = 0; k < n; k++) {
		/* The kernel keeps weight - 1; newer ones put its high byte in resvd1. */
		unsigned w = ((unsigned)g[k].resvd1 << 8 | g[k].weight) + 1;

		o->grp[k].id = g[k].id;
		o->grp[k].weight = (uint8_t)(w > 255 ? 255 : w);
	}
	o->ngrp = (uint16_t)n;
	o->flags |= NHO_GROUP;
	return 0;
}

/* An IPv4 or an IPv6 address, nothing else (not half an object with a zero gateway). */
static int
parse_gateway(struct nlattr *a, struct nhobj *o)
{
	if (nla_len(a) == 4) {
		o->gw = ntohl(nla_get_u32(a));
		o->flags |= NHO_GW;
	} else if (nla_len(a) == 16) {
		memcpy(o->gw6, nla_data(a), 16);
		o->flags |= NHO_GW6;
	} else {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
nh_parse(struct nlmsghdr *nlh, struct nhobj *o)
{
	struct nlattr *tb[NHA_MAX + 1];
	struct nhmsg *nhm;

	memset(o, 0, sizeof(*o));
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*nhm)) ||
	    nlmsg_parse(nlh, sizeof(*nhm), tb, NHA_MAX, nh_policy) < 0 || tb[NHA_ID] == NULL) {
		errno = EINVAL;
		return -1;
	}
	nhm = nlmsg_data(nlh);
	o->id = nla_get_u32(tb[NHA_ID]);
	o->nhflags = nhm->nh_flags;
	if (tb[NHA_BLACKHOLE] != NULL)
		o->flags |= NHO_BLACKHOLE;
	if (tb[NHA_OIF] != NULL)
		o->oif = (int32_t)nla_get_u32(tb[NHA_OIF]);
	if (tb[NHA_GATEWAY] != NULL && parse_gateway(tb[NHA_GATEWAY], o) < 0)
		return -1;
	if (tb[NHA_GROUP] != NULL)
		return parse_group(tb[NHA_GROUP], o);
	return 0;
}

int
nh_compat_mode(void)
{
	unsigned long long v = 0;

	return sysctl_read("/proc/sys/net/ipv4", "nexthop_compat_mode", &v) == 0 && v == 1;
}
