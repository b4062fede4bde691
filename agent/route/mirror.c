/* The kernel mirror: see mirror.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "lib/log.h"
#include "route/mirror.h"
#include "lib/vec.h"
#include "route/nlreq.h"
#include "nl/nldump.h"
#include "nl/nlmon.h"

#define MAX_HOPS         256
#define RESYNC_DELAY_MS  20           /* coalesce bursts of link/address events */
#define RESYNC_RETRY_MS  1000         /* after a failed dump */
#define QUEUE_MAX        (128u << 20) /* events kept during a resync; past it, resync again */
#define DIFF_SLICE       20000        /* rows a re-dump's diff changes per wake-up (~10 ms) */
#define NH_COMPAT_SYSCTL "/proc/sys/net/ipv4/nexthop_compat_mode" /* per namespace */

enum dump_state {
	DUMP_IDLE,
	DUMP_RUNNING, /* the dump thread owns the dump socket and the fresh vectors */
	DUMP_DIFF,    /* the loop applies the differences, a slice per wake-up */
};

struct route_vec {
	struct route *v;
	size_t n, cap;
};

struct link_vec {
	struct link *v;
	size_t n, cap;
};

/*
 * A nexthop object (RTM_NEWNEXTHOP).  With net.ipv4.nexthop_compat_mode=0 a
 * route through one carries only RTA_NH_ID: its rows take their gateway and
 * device from here (issue 10).  users counts the mirrored routes that name
 * the object, so that deleting or changing one that no route uses costs no
 * re-dump; it may count too many (see nh_use), never too few.
 */
struct nh_member {
	uint32_t id;
	uint8_t weight; /* as rtnh_hops + 1 */
};

#define NHO_GW        0x01 /* gw is the object's IPv4 gateway */
#define NHO_GW6       0x02 /* an IPv6 gateway (RFC 5549): no IPv4 address to show */
#define NHO_BLACKHOLE 0x04
#define NHO_GROUP     0x08 /* grp lists the members */

struct nhobj {
	uint32_t id;
	uint32_t gw; /* host byte order */
	int32_t oif;
	uint32_t users;
	unsigned nhflags; /* RTNH_F_* of the object */
	uint8_t flags;    /* NHO_* */
	uint16_t ngrp;
	struct nh_member *grp;
};

/* Sorted by id. */
struct nh_vec {
	struct nhobj *v;
	size_t n, cap;
};

struct mirror {
	struct mirror_config cfg;
	struct nlmon *mon;
	struct nldump *dumper;

	struct route_table routes;
	struct link_vec links;
	struct nh_vec nhs;
	int nh_learn; /* the kernel has nexthop objects that routes name alone (5.8+) */

	enum dump_state dump;
	int loading; /* the first load: no change callbacks, no InstallDate */
	/* Written by the dump thread, read by the loop once it has joined it. */
	int dump_intr;          /* the kernel flagged the dump inconsistent */
	int dump_failed;        /* the last dump request or reply failed */
	int dump_incomplete;    /* a dumped route could not be kept (out of memory) */
	int dump_nh_unknown;    /* a dumped route named a nexthop object the dump did not see */
	int nh_retried;         /* the last dump was such a one */
	size_t dump_unparsable; /* routes of the dump skipped as unparsable */
	long dump_sort_ms;
	char dump_err[128];
	int replaying;    /* applying the events queued during a dump */
	size_t grp_start; /* dump: first row of the current kernel route key */
	size_t dead_rows; /* rows whose next hop is dead or linkdown */
	int resync_again; /* something happened during a resync that it may miss */
	int lossy;        /* events were lost: the next re-dump's changes are MIRROR_CHANGE_LOST */
	int dump_lossy;   /* the dump in progress is such a re-dump */
	unsigned change_flags; /* passed with each change */
	int resync_armed;
	struct route_vec fresh; /* routes of the dump in progress */
	/* A re-dump's differences, applied changes first, then removals, then additions. */
	struct route_vec dchg, ddel, dadd;
	size_t dnext;
	struct timespec dstart;
	struct link_vec fresh_links;
	struct nh_vec fresh_nhs;
	struct nlqueue queue; /* raw event messages received during a resync */
	uint32_t next_periodic;

	struct timespec mono0, wall0;
	struct timespec last_change;
	struct mirror_stats stats;

	mirror_change_fn change_fn;
	mirror_arm_fn arm_fn;
	void *cb_arg;
};

/* ---- small helpers -------------------------------------------------- */

uint32_t
mirror_now(const struct mirror *m)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)(ts.tv_sec - m->mono0.tv_sec);
}

/* Wall-clock time of a moment on the monotonic clock, as seen from now (so a clock step
 * after the route appeared does not make it look older or younger than it is). */
time_t
mirror_wall(const struct mirror *m, uint32_t mono)
{
	return time(NULL) - (time_t)(mirror_now(m) - mono);
}

static long
ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void
touch(struct mirror *m)
{
	clock_gettime(CLOCK_REALTIME, &m->last_change);
}

static int
vec_push(struct route_vec *rv, const struct route *r)
{
	if (vec_reserve(&rv->v, &rv->cap, rv->n, sizeof(*rv->v), 4096) < 0)
		return -1;
	rv->v[rv->n++] = *r;
	return 0;
}

static void
vec_free(struct route_vec *rv)
{
	free(rv->v);
	memset(rv, 0, sizeof(*rv));
}

int
mirror_table_selected(const struct mirror_config *cfg, uint32_t table)
{
	if (cfg->all_tables)
		return 1;
	for (unsigned i = 0; i < cfg->ntables; i++)
		if (cfg->tables[i] == table)
			return 1;
	return 0;
}

/* ---- nexthop objects --------------------------------------------------- */

static int
nh_cmp(const void *elem, const void *key)
{
	uint32_t a = ((const struct nhobj *)elem)->id, b = *(const uint32_t *)key;

	return a < b ? -1 : a > b;
}

static size_t
nh_bound(const struct nh_vec *nv, uint32_t id)
{
	return vec_lower_bound(nv->v, nv->n, sizeof(*nv->v), &id, nh_cmp, 0);
}

static struct nhobj *
nh_find(const struct nh_vec *nv, uint32_t id)
{
	size_t i = nh_bound(nv, id);

	return i < nv->n && nv->v[i].id == id ? &nv->v[i] : NULL;
}

/* Empty the map (its array stays allocated). */
static void
nh_vec_clear(struct nh_vec *nv)
{
	for (size_t i = 0; i < nv->n; i++)
		free(nv->v[i].grp);
	nv->n = 0;
}

static void
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
	if (a->gw != b->gw || a->oif != b->oif || a->nhflags != b->nhflags ||
	    a->flags != b->flags || a->ngrp != b->ngrp)
		return 0;
	for (unsigned k = 0; k < a->ngrp; k++)
		if (a->grp[k].id != b->grp[k].id || a->grp[k].weight != b->grp[k].weight)
			return 0;
	return 1;
}

/*
 * Insert or replace an object; the map takes its group array, and a
 * replaced object's users stay.  Returns 1 when it replaced an object that
 * went another way, 0 otherwise, -1 when out of memory (o->grp is freed).
 */
static int
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

static void
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
static void
nh_use(struct nh_vec *nv, uint32_t id)
{
	struct nhobj *o = nh_find(nv, id);

	if (o != NULL)
		o->users++;
}

static void
nh_unuse(struct nh_vec *nv, uint32_t id)
{
	struct nhobj *o = nh_find(nv, id);

	if (o != NULL && o->users > 0)
		o->users--;
}

/* Does a mirrored route go through the object, named or as a member of a group? */
static int
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

/*
 * Parse an RTM_NEWNEXTHOP/RTM_DELNEXTHOP message.  A group's members are
 * allocated (o->grp, the caller's).  -1 with errno when malformed (EINVAL) or
 * out of memory.  The dump thread parses them too: no logging.
 */
static int
parse_nexthop(struct nlmsghdr *nlh, struct nhobj *o)
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
	if (tb[NHA_GATEWAY] != NULL && nla_len(tb[NHA_GATEWAY]) == 4) {
		o->gw = ntohl(nla_get_u32(tb[NHA_GATEWAY]));
		o->flags |= NHO_GW;
	} else if (tb[NHA_GATEWAY] != NULL) {
		o->flags |= NHO_GW6;
	}
	if (tb[NHA_GROUP] != NULL)
		return parse_group(tb[NHA_GROUP], o);
	return 0;
}

/* ---- parsing ---------------------------------------------------------- */

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

static int
parse_multipath(const struct route *base, struct nlattr *mp, uint32_t prefsrc, struct route *out,
    int max)
{
	struct rtnexthop *nh = nla_data(mp);
	int len = nla_len(mp), n = 0;

	while (len >= (int)sizeof(*nh) && RTNH_OK(nh, len)) {
		struct nlattr *tb[RTA_MAX + 1];
		uint32_t gw = 0;
		int has_gw = 0;

		if (n == max)
			return -1;
		if (nla_parse(tb, RTA_MAX, (struct nlattr *)RTNH_DATA(nh),
			nh->rtnh_len - (int)sizeof(*nh), route_policy) < 0)
			return -1;
		if (tb[RTA_GATEWAY] != NULL && nla_len(tb[RTA_GATEWAY]) == 4) {
			gw = ntohl(nla_get_u32(tb[RTA_GATEWAY]));
			has_gw = 1;
		} else if (tb[RTA_VIA] != NULL) {
			has_gw = 1; /* an IPv6 gateway (RFC 5549): no IPv4 address to show */
		}
		out[n] = *base;
		out[n].flags |= ROUTE_F_MULTI;
		out[n].weight = (uint8_t)(nh->rtnh_hops + 1 > 255 ? 255 : nh->rtnh_hops + 1);
		hop_fill(&out[n], gw, has_gw, prefsrc, nh->rtnh_ifindex, nh->rtnh_flags);
		n++;
		len -= NLMSG_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
	return n;
}

/* What a route message said of nexthop objects (parse_route). */
struct nh_ref {
	uint32_t id; /* RTA_NH_ID, 0: none */
	int unknown; /* the object, or a member needed to resolve it, is not known */
};

/* A row through object o (not a group). */
static void
nh_fill(struct route *r, const struct route *base, const struct nhobj *o, uint32_t prefsrc,
    unsigned nhflags)
{
	*r = *base;
	hop_fill(r, o->gw, (o->flags & (NHO_GW | NHO_GW6)) != 0, prefsrc, o->oif,
	    nhflags | o->nhflags);
}

/* A row without a next hop: what a route naming an object not known shows. */
static int
nh_unresolved(const struct route *base, uint32_t prefsrc, unsigned rtflags, struct route *out)
{
	out[0] = *base;
	hop_fill(&out[0], 0, 0, prefsrc, 0, rtflags);
	return 1;
}

/*
 * A route that names its nexthop object and nothing else (nexthop_compat_mode
 * 0): its rows go through the object, or through each member of a group, as
 * the kernel would have listed them with compat mode on (a group of one is
 * not multipath).  An object not known (ref->unknown) gives one row without
 * a next hop, as before the mirror knew objects.
 */
static int
parse_nhid(const struct nh_vec *nhs, const struct route *base, uint32_t prefsrc, unsigned rtflags,
    struct nh_ref *ref, struct route *out, int max)
{
	const struct nhobj *o = nh_find(nhs, ref->id), *mo;
	int n = 0;

	if (o == NULL)
		return nh_unresolved(base, prefsrc, rtflags, out);
	if (!(o->flags & NHO_GROUP)) {
		nh_fill(&out[0], base, o, prefsrc, rtflags);
		return 1;
	}
	if (o->ngrp > max)
		return -1;
	for (unsigned k = 0; k < o->ngrp; k++) {
		if ((mo = nh_find(nhs, o->grp[k].id)) == NULL || (mo->flags & NHO_GROUP))
			continue;
		nh_fill(&out[n], base, mo, prefsrc, 0);
		if (o->ngrp > 1) {
			out[n].flags |= ROUTE_F_MULTI;
			out[n].weight = o->grp[k].weight;
		}
		n++;
	}
	if (n < o->ngrp)
		ref->unknown = 1;
	return n > 0 ? n : nh_unresolved(base, prefsrc, rtflags, out);
}

static int
parse_route(const struct mirror_config *cfg, const struct nh_vec *nhs, struct nlmsghdr *nlh,
    struct route *out, int max, struct nh_ref *ref)
{
	struct nlattr *tb[RTA_MAX + 1];
	struct rtmsg *rtm;
	struct route base;
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
	if (!mirror_table_selected(cfg, base.table))
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
	if (tb[RTA_NH_ID] != NULL)
		ref->id = nla_get_u32(tb[RTA_NH_ID]);
	/* Not known, even with compat mode on: its deletion would not be seen to matter. */
	if (ref->id != 0 && nhs != NULL && nh_find(nhs, ref->id) == NULL)
		ref->unknown = 1;
	if (tb[RTA_MULTIPATH] != NULL)
		return parse_multipath(&base, tb[RTA_MULTIPATH], prefsrc, out, max);
	if (max < 1)
		return -1;
	/* With nexthop_compat_mode on, the kernel adds the object's next hops itself. */
	if (ref->id != 0 && nhs != NULL && tb[RTA_GATEWAY] == NULL && tb[RTA_VIA] == NULL &&
	    tb[RTA_OIF] == NULL)
		return parse_nhid(nhs, &base, prefsrc, rtm->rtm_flags, ref, out, max);
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

int
mirror_parse_route(const struct mirror_config *cfg, struct nlmsghdr *nlh, struct route *out,
    int max)
{
	struct nh_ref ref;

	return parse_route(cfg, NULL, nlh, out, max, &ref);
}

/* The nexthop objects that resolve RTA_NH_ID, when the mirror learns them. */
static const struct nh_vec *
nh_map(const struct mirror *m, const struct nh_vec *nv)
{
	return m != NULL && m->nh_learn ? nv : NULL;
}

int
mirror_parse_route_nh(const struct mirror_config *cfg, const struct mirror *m, struct nlmsghdr *nlh,
    struct route *out, int max)
{
	struct nh_ref ref;

	return parse_route(cfg, nh_map(m, m != NULL ? &m->nhs : NULL), nlh, out, max, &ref);
}

/* ---- applying changes ---------------------------------------------- */

static void
changed(struct mirror *m, enum route_change kind, const struct route *old, const struct route *new)
{
	m->stats.changes++;
	if (old != NULL && (old->flags & (ROUTE_F_DEAD | ROUTE_F_LINKDOWN)))
		m->dead_rows--;
	if (new != NULL && (new->flags &(ROUTE_F_DEAD | ROUTE_F_LINKDOWN)))
		m->dead_rows++;
	touch(m);
	if (m->change_fn != NULL)
		m->change_fn(kind, old, new, m->change_flags, m->cb_arg);
}

/*
 * Add or update one row; keeps the first-seen time of a row that stays.  When
 * the row exists and !overwrite, it belongs to an earlier kernel route with
 * the same index (`ip route append`), which the kernel uses first: it stays.
 */
/*
 * A row changed (another visible column, same index).  WMI's Age counts from
 * the route's last update, so it starts again; the time the route appeared
 * (InstallDate) is then no longer known: Linux keeps neither, and the entry
 * has room for one time.
 */
static void
restart_age(const struct mirror *m, struct route *r)
{
	r->first_seen = mirror_now(m);
	r->flags &= (uint8_t)~ROUTE_F_LIVE;
}

static void
apply_upsert(struct mirror *m, struct route *r, int overwrite)
{
	struct route *cur = route_find(&m->routes, r);
	struct route old;

	if (cur != NULL) {
		if (!overwrite) {
			cur->flags |= ROUTE_F_SHARED;
			return;
		}
		r->first_seen = cur->first_seen;
		r->flags = (uint8_t)((r->flags & ~ROUTE_F_LIVE) | (cur->flags & ROUTE_F_PRIVATE));
		if (route_same(cur, r))
			return;
		restart_age(m, r);
		route_upsert(&m->routes, r, &old); /* replaces: no allocation */
		changed(m, ROUTE_CHANGED, &old, r);
		return;
	}
	r->first_seen = mirror_now(m);
	r->flags |= ROUTE_F_LIVE;
	if (route_upsert(&m->routes, r, NULL) < 0) {
		log_err("mirror", "out of memory adding a route; will re-dump");
		m->lossy = 1;
		mirror_request_resync(m, "out of memory");
		return;
	}
	changed(m, ROUTE_ADDED, NULL, r);
}

static int
apply_remove(struct mirror *m, const struct route *key)
{
	struct route old;

	if (route_remove(&m->routes, key, &old) != 1)
		return 0;
	changed(m, ROUTE_REMOVED, &old, NULL);
	return 1;
}

static int
in_hops(const struct route *r, const struct route *hops, int n)
{
	for (int i = 0; i < n; i++)
		if (route_cmp(r, &hops[i]) == 0)
			return 1;
	return 0;
}

/*
 * The rows of the kernel route key (table, dst, plen, tos, metric) of hops[0]
 * that are not among hops: copied to stale (at most MAX_HOPS).  With mark,
 * every row of the key is flagged shared.  Returns the number of rows of the
 * key not among hops; *shared tells whether any row was already shared.
 */
static int
fib_others(struct mirror *m, const struct route *hops, int n, struct route *stale, int mark,
    int *shared)
{
	struct route key = hops[0];
	struct route_pos pos;
	struct route *r;
	int ns = 0;

	key.nexthop = 0;
	key.ifindex = INT32_MIN;
	key.table = key.tos = 0;
	key.metric = 0;
	*shared = 0;
	for (r = route_seek(&m->routes, &key, 0, &pos);
	     r != NULL && r->dst == key.dst && r->plen == key.plen;
	     r = route_next(&m->routes, &pos)) {
		if (!route_same_fib(r, &hops[0]))
			continue;
		if (r->flags & ROUTE_F_SHARED)
			*shared = 1;
		if (mark)
			r->flags |= ROUTE_F_SHARED;
		if (!in_hops(r, hops, n)) {
			if (stale != NULL && ns < MAX_HOPS)
				stale[ns] = *r;
			ns++;
		}
	}
	return ns;
}

/* Returns the number of rows removed. */
static int
apply_delete(struct mirror *m, struct route *hops, int n)
{
	int missing = 0, unsure = 0, removed = 0;

	for (int i = 0; i < n; i++) {
		struct route *cur = route_find(&m->routes, &hops[i]);

		if (cur == NULL) {
			missing = 1;
			continue;
		}
		if (cur->flags & ROUTE_F_SHARED)
			unsure = 1; /* another kernel route may have had this index too */
		if (cur->type != hops[i].type || cur->proto != hops[i].proto) {
			unsure = 1; /* the kernel deleted another route than the one shown */
			continue;
		}
		removed += apply_remove(m, &hops[i]);
	}
	/* While replaying the queue, deletions the dump already saw are expected. */
	if (unsure || (missing && !m->replaying))
		mirror_request_resync(m, "deletion of an unknown or shared route");
	return removed;
}

static void
apply_route_msg(struct mirror *m, struct nlmsghdr *nlh)
{
	struct route hops[MAX_HOPS], stale[MAX_HOPS];
	struct nh_ref ref;
	int n = parse_route(&m->cfg, nh_map(m, &m->nhs), nlh, hops, MAX_HOPS, &ref), ns, shared;

	if (n < 0) {
		log_warn("netlink", "unparsable route message (type %u, %u bytes); will re-dump",
		    nlh->nlmsg_type, nlh->nlmsg_len);
		mirror_request_resync(m, "unparsable route message");
		return;
	}
	if (n == 0)
		return;
	m->stats.events++;
	if (ref.unknown)
		mirror_request_resync(m, "a route through an unknown nexthop object");
	if (nlh->nlmsg_type == RTM_DELROUTE) {
		if (apply_delete(m, hops, n) > 0 && ref.id != 0)
			nh_unuse(&m->nhs, ref.id);
		return;
	}
	if (ref.id != 0)
		nh_use(&m->nhs, ref.id);
	if (nlh->nlmsg_flags & NLM_F_REPLACE) {
		/*
		 * The kernel replaced the first route with this key: the message is its
		 * new state.  When the key holds several routes (append, prepend), which
		 * rows were the replaced one's cannot be told: re-dump.
		 */
		ns = fib_others(m, hops, n, stale, 0, &shared);
		if (shared || ns > MAX_HOPS)
			mirror_request_resync(m, "replace of a route that shares its key");
		else
			for (int i = 0; i < ns; i++)
				apply_remove(m, &stale[i]);
		for (int i = 0; i < n; i++)
			apply_upsert(m, &hops[i], 1);
		return;
	}
	/* A new, appended or prepended route: other routes with the same key stay. */
	if (fib_others(m, hops, n, NULL, 0, &shared) > 0) {
		fib_others(m, hops, n, NULL, 1, &shared);
		for (int i = 0; i < n; i++)
			hops[i].flags |= ROUTE_F_SHARED;
	}
	/* A prepended route comes first in the kernel's list: it is the one shown. */
	for (int i = 0; i < n; i++)
		apply_upsert(m, &hops[i], !(nlh->nlmsg_flags & NLM_F_APPEND));
}

/* ---- links -------------------------------------------------------------- */

static int
link_cmp(const void *elem, const void *key)
{
	int32_t a = ((const struct link *)elem)->ifindex, b = *(const int32_t *)key;

	return a < b ? -1 : a > b;
}

static size_t
link_bound(const struct link_vec *lv, int32_t ifindex)
{
	return vec_lower_bound(lv->v, lv->n, sizeof(*lv->v), &ifindex, link_cmp, 0);
}

const struct link *
mirror_link(const struct mirror *m, int32_t ifindex)
{
	size_t i = link_bound(&m->links, ifindex);

	return i < m->links.n && m->links.v[i].ifindex == ifindex ? &m->links.v[i] : NULL;
}

/* Insert or update; returns the previous flags, or -1 if the link is new (or on failure). */
static long
link_set(struct link_vec *lv, const struct link *l)
{
	size_t i = link_bound(lv, l->ifindex);
	long prev;

	if (i < lv->n && lv->v[i].ifindex == l->ifindex) {
		prev = lv->v[i].flags;
		lv->v[i] = *l;
		return prev;
	}
	if (vec_reserve(&lv->v, &lv->cap, lv->n, sizeof(*lv->v), 16) == 0)
		vec_insert_at(lv->v, &lv->n, sizeof(*lv->v), i, l);
	return -1;
}

static void
link_del(struct link_vec *lv, int32_t ifindex)
{
	size_t i = link_bound(lv, ifindex);

	if (i < lv->n && lv->v[i].ifindex == ifindex)
		vec_remove_at(lv->v, &lv->n, sizeof(*lv->v), i);
}

static int
parse_link(struct nlmsghdr *nlh, struct link *l)
{
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -1;
	ifi = nlmsg_data(nlh);
	if (nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return -1;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	if (tb[IFLA_IFNAME] != NULL)
		nla_strlcpy(l->name, tb[IFLA_IFNAME], sizeof(l->name));
	return 0;
}

/* Flags whose change makes the kernel drop or flag routes without a route message. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* <linux/if.h>, which clashes with <net/if.h> */
#endif
#define LINK_ROUTE_FLAGS (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

static void
apply_link_msg(struct mirror *m, struct nlmsghdr *nlh)
{
	struct link l;
	long prev;

	if (parse_link(nlh, &l) < 0)
		return;
	if (nlh->nlmsg_type == RTM_DELLINK) {
		link_del(&m->links, l.ifindex);
		mirror_request_resync(m, "link removed");
		return;
	}
	prev = link_set(&m->links, &l);
	if (prev >= 0 && ((unsigned)prev & LINK_ROUTE_FLAGS) != (l.flags & LINK_ROUTE_FLAGS))
		mirror_request_resync(m, "link state changed");
}

/* ---- events ------------------------------------------------------------- */

/* 1 when the kernel announces the routes that a replaced nexthop object changes. */
static int
nh_compat_mode(void)
{
	char c = '0';
	int fd = open(NH_COMPAT_SYSCTL, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c == '1';
}

/*
 * Deleting a nexthop object removes the routes through it without a route
 * message; replacing one (or a group losing a member) changes them without
 * one when nexthop_compat_mode is 0.  Either costs a re-dump, but only when
 * a mirrored route goes through the object: a row does not record its
 * object (32 bytes), so the rows cannot be rewritten in place.  A new object
 * changes no route.  A kernel without the compat sysctl (before 5.8) always
 * expands objects in route messages, and the map is not kept: every
 * deletion re-dumps, as it did before.
 */
static void
apply_nexthop_msg(struct mirror *m, struct nlmsghdr *nlh)
{
	struct nhobj o;
	int used, rc;

	if (!m->nh_learn) {
		if (nlh->nlmsg_type == RTM_DELNEXTHOP)
			mirror_request_resync(m, "nexthop object deleted");
		return;
	}
	if (parse_nexthop(nlh, &o) < 0) {
		log_warn("netlink", "unparsable nexthop message (type %u, %u bytes); will re-dump",
		    nlh->nlmsg_type, nlh->nlmsg_len);
		mirror_request_resync(m, "unparsable nexthop message");
		return;
	}
	used = nh_in_use(&m->nhs, o.id);
	if (nlh->nlmsg_type == RTM_DELNEXTHOP) {
		free(o.grp);
		nh_del(&m->nhs, o.id);
		if (used)
			mirror_request_resync(m, "nexthop object in use deleted");
		else
			log_debug("mirror", "nexthop object %u deleted; no mirrored route uses it",
			    o.id);
		return;
	}
	rc = nh_set(&m->nhs, &o);
	if (rc < 0) {
		log_err("mirror", "out of memory keeping nexthop object %u; will re-dump", o.id);
		mirror_request_resync(m, "out of memory");
	} else if (rc > 0 && used && !nh_compat_mode()) {
		mirror_request_resync(m, "nexthop object in use changed");
	}
}

static void
apply_event(struct mirror *m, struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE: apply_route_msg(m, nlh); break;
	case RTM_NEWLINK:
	case RTM_DELLINK: apply_link_msg(m, nlh); break;
	case RTM_NEWADDR:
		/* Next hops the kernel marked dead come back to life silently. */
		if (m->dead_rows > 0)
			mirror_request_resync(m, "address added");
		break;
	case RTM_DELADDR:
		/* IPv4 address gone: its connected and prefsrc routes go silently. */
		mirror_request_resync(m, "address removed");
		break;
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP: apply_nexthop_msg(m, nlh); break;
	default: break;
	}
}

static void
queue_event(struct mirror *m, struct nlmsghdr *nlh)
{
	if (nlqueue_push(&m->queue, nlh) < 0) {
		m->resync_again = 1; /* too much happened: the next dump will see it all */
		m->lossy = 1;
	}
}

static void
replay_msg(struct nlmsghdr *nlh, void *arg)
{
	apply_event(arg, nlh);
}

static void
replay_queue(struct mirror *m)
{
	m->replaying = 1;
	nlqueue_replay(&m->queue, replay_msg, m);
	m->replaying = 0;
}

static void
event_msg(struct nlmsghdr *nlh, void *arg)
{
	struct mirror *m = arg;

	if (m->dump != DUMP_IDLE)
		queue_event(m, nlh);
	else
		apply_event(m, nlh);
}

static void
events_lost(void *arg)
{
	struct mirror *m = arg;

	m->stats.overruns++;
	m->lossy = 1;
	mirror_request_resync(m, "netlink overrun");
}

void
mirror_read_events(struct mirror *m)
{
	if (m->mon != NULL)
		nlmon_read(m->mon);
}

/* ---- dumps and resync --------------------------------------------------- */

static void
arm(struct mirror *m, unsigned ms)
{
	if (m->arm_fn != NULL)
		m->arm_fn(ms, m->cb_arg);
}

static void dump_msg(const struct nldump_req *, struct nlmsghdr *, void *);

/* On the dump thread, when every request succeeded: sort the routes. */
static void
dump_end(void *arg)
{
	struct mirror *m = arg;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	m->fresh.n = route_sort_unique(m->fresh.v, m->fresh.n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	m->dump_sort_ms = ms_between(&t0, &t1);
}

static int
start_dump(struct mirror *m)
{
	struct nldump_req reqs[3];
	size_t nrq = 0;

	reqs[nrq++] = (struct nldump_req){ RTM_GETLINK, AF_UNSPEC };
	/* The nexthop objects before the routes, which name them (AF_INET would leave the
	 * groups out). */
	if (m->nh_learn)
		reqs[nrq++] = (struct nldump_req){ RTM_GETNEXTHOP, AF_UNSPEC };
	reqs[nrq++] = (struct nldump_req){ RTM_GETROUTE, AF_INET };

	m->dump_failed = 0;
	m->dump_incomplete = 0;
	m->dump_nh_unknown = 0;
	m->dump_intr = 0;
	m->dump_unparsable = 0;
	m->dump_err[0] = '\0';
	m->grp_start = 0;
	m->fresh.n = 0;
	m->fresh_links.n = 0;
	nh_vec_clear(&m->fresh_nhs);
	m->dump_lossy |= m->lossy;
	m->lossy = 0;
	m->dump = DUMP_RUNNING;
	if (m->dumper == NULL || nldump_start(m->dumper, reqs, nrq, dump_msg, dump_end, m) < 0) {
		log_warn("mirror", "cannot start a dump thread: %s", strerror(errno));
		m->dump = DUMP_IDLE;
		m->dump_failed = 1;
		return -1;
	}
	return 0;
}

/* Arm the safety-net timer unless a resync is already due sooner. */
static void
rearm_periodic(struct mirror *m)
{
	uint32_t now = mirror_now(m);

	if (m->resync_armed || m->dump != DUMP_IDLE || !m->cfg.resync_interval)
		return;
	arm(m, (m->next_periodic > now ? m->next_periodic - now : 1) * 1000);
}

void
mirror_request_resync(struct mirror *m, const char *why)
{
	if (m->dump != DUMP_IDLE) {
		m->resync_again = 1;
		return;
	}
	if (m->resync_armed)
		return;
	log_debug("mirror", "resync requested: %s", why);
	m->resync_armed = 1;
	arm(m, RESYNC_DELAY_MS);
}

int
mirror_resync_running(const struct mirror *m)
{
	return m->dump != DUMP_IDLE || m->resync_armed;
}

/*
 * Merge the sorted dump with the mirror into three lists: rows changed in
 * place, rows gone, rows new.  Nothing is applied yet (only bookkeeping flags
 * that a manager does not see); diff_step() applies them a slice at a time,
 * so that a re-dump that finds a million differences (a link going down at
 * full-table scale) does not hold up GETs.  -1 when out of memory.
 */
static int
diff_start(struct mirror *m, struct route *v, size_t n)
{
	struct route_pos pos;
	struct route *cur = route_first(&m->routes, &pos);
	size_t i = 0;
	uint32_t now = mirror_now(m);

	m->dchg.n = m->ddel.n = m->dadd.n = 0;
	m->dnext = 0;
	while (cur != NULL || i < n) {
		int c = cur == NULL ? 1 : i == n ? -1 : route_cmp(cur, &v[i]);

		if (c < 0) {
			if (vec_push(&m->ddel, cur) < 0)
				return -1;
			cur = route_next(&m->routes, &pos);
		} else if (c > 0) {
			v[i].first_seen = now;
			v[i].flags |= ROUTE_F_LIVE;
			if (vec_push(&m->dadd, &v[i]) < 0)
				return -1;
			i++;
		} else {
			v[i].first_seen = cur->first_seen;
			v[i].flags =
			    (uint8_t)((v[i].flags & ~ROUTE_F_LIVE) | (cur->flags & ROUTE_F_LIVE));
			cur->flags = (uint8_t)((cur->flags & ~ROUTE_F_SHARED) |
			    (v[i].flags & ROUTE_F_SHARED));
			if (!route_same(cur, &v[i])) {
				restart_age(m, &v[i]);
				if (vec_push(&m->dchg, &v[i]) < 0)
					return -1;
			}
			cur = route_next(&m->routes, &pos);
			i++;
		}
	}
	return 0;
}

/* Apply up to DIFF_SLICE differences; 1 when all are applied, -1 out of memory. */
static int
diff_step(struct mirror *m)
{
	size_t nchg = m->dchg.n, ndel = m->ddel.n, total = nchg + ndel + m->dadd.n;
	size_t end = m->dnext + DIFF_SLICE < total ? m->dnext + DIFF_SLICE : total;

	m->change_flags = m->dump_lossy ? MIRROR_CHANGE_LOST : 0;
	for (; m->dnext < end; m->dnext++) {
		size_t k = m->dnext;

		if (k < nchg) {
			struct route *cur = route_find(&m->routes, &m->dchg.v[k]), old;

			if (cur == NULL)
				continue;
			route_upsert(&m->routes, &m->dchg.v[k], &old); /* same index: replaces */
			changed(m, ROUTE_CHANGED, &old, &m->dchg.v[k]);
		} else if (k < nchg + ndel) {
			apply_remove(m, &m->ddel.v[k - nchg]);
		} else {
			struct route *r = &m->dadd.v[k - nchg - ndel];

			if (route_upsert(&m->routes, r, NULL) < 0) {
				m->change_flags = 0;
				return -1;
			}
			changed(m, ROUTE_ADDED, NULL, r);
		}
	}
	m->change_flags = 0;
	return m->dnext == total;
}

static void
diff_free(struct mirror *m)
{
	vec_free(&m->dchg);
	vec_free(&m->ddel);
	vec_free(&m->dadd);
	m->dnext = 0;
}

/* The dump failed: forget it (and the events queued for it) and try again later. */
static void
dump_abort(struct mirror *m)
{
	m->dump_failed = 1;
	m->dump = DUMP_IDLE;
	nlqueue_clear(&m->queue);
	m->resync_armed = 1;
	arm(m, RESYNC_RETRY_MS);
}

static void
finish_links(struct mirror *m)
{
	struct link_vec old = m->links;

	m->links = m->fresh_links;
	m->fresh_links = old;
	m->fresh_links.n = 0;
}

/* The dump's objects, counted by the dump's routes, replace the map. */
static void
finish_nexthops(struct mirror *m)
{
	struct nh_vec old = m->nhs;

	m->nhs = m->fresh_nhs;
	m->fresh_nhs = old;
	nh_vec_clear(&m->fresh_nhs);
}

static void
finish_routes(struct mirror *m)
{
	struct timespec t1, t2, t3;
	size_t n = m->fresh.n; /* sorted by the dump thread */

	clock_gettime(CLOCK_MONOTONIC, &t1);

	if (m->loading) {
		uint32_t now = mirror_now(m);

		m->dead_rows = 0;
		for (size_t i = 0; i < n; i++) {
			m->fresh.v[i].first_seen = now;
			if (m->fresh.v[i].flags & (ROUTE_F_DEAD | ROUTE_F_LINKDOWN))
				m->dead_rows++;
		}
		m->dump_lossy = 0; /* nothing to report about the first load */
		if (route_table_load_sorted(&m->routes, m->fresh.v, n) < 0) {
			log_err("mirror", "out of memory loading %zu routes", n);
			m->resync_again = 1;
		}
		touch(m);
	} else if (diff_start(m, m->fresh.v, n) < 0) {
		log_err("mirror", "out of memory while re-dumping; will retry");
		diff_free(m);
		m->resync_again = 1;
		m->lossy = 1;
	}
	m->stats.resyncs++;
	clock_gettime(CLOCK_MONOTONIC, &t2);
	/* The dump vector is big and short-lived: give it back. */
	vec_free(&m->fresh);
	malloc_trim(0);
	clock_gettime(CLOCK_MONOTONIC, &t3);
	log_debug("mirror", "%zu routes: sort %ld ms (dump thread), %s %ld ms, free %ld ms", n,
	    m->dump_sort_ms, m->loading ? "load" : "merge", ms_between(&t1, &t2),
	    ms_between(&t2, &t3));
}

/* The dump is applied: replay what happened meanwhile, and watch again. */
static void
dump_finished(struct mirror *m)
{
	m->dump = DUMP_IDLE;
	m->dump_lossy = 0;
	replay_queue(m);
	m->loading = 0;
	if (m->resync_again) {
		m->resync_again = 0;
		mirror_request_resync(m, "changed during the last re-dump");
	}
	rearm_periodic(m);
}

/* Apply the next slice of a re-dump's differences; the timer brings us back for the rest. */
static void
diff_continue(struct mirror *m)
{
	struct timespec now;
	size_t total = m->dchg.n + m->ddel.n + m->dadd.n;
	int rc = diff_step(m);

	if (rc == 0) {
		arm(m, 1);
		return;
	}
	if (rc < 0) {
		log_err("mirror", "out of memory while applying a re-dump; will retry");
		m->resync_again = 1;
		m->lossy = 1;
	} else if (total > 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		log_info("mirror",
		    "re-dump%s: %zu added, %zu removed, %zu changed (applied in %ld ms)",
		    m->dump_lossy ? " after lost events" : "", m->dadd.n, m->ddel.n, m->dchg.n,
		    ms_between(&m->dstart, &now));
	}
	m->stats.resync_changes += m->dnext;
	diff_free(m);
	dump_finished(m);
}

static void
dump_done(struct mirror *m)
{
	if (m->dump_unparsable > 0)
		log_warn("netlink", "skipped %zu unparsable routes in the dump",
		    m->dump_unparsable);
	if (m->dump_failed) {
		log_warn("netlink", "%s", m->dump_err);
		dump_abort(m);
		return;
	}
	if (m->dump_intr) {
		/* NLM_F_DUMP_INTR: the table changed under the dump; take it again. */
		log_debug("mirror", "dump interrupted, restarting");
		m->resync_again = 1;
	}
	if (m->dump_incomplete) {
		/* A partial dump diffed as complete would delete what it lost. */
		log_err("mirror", "the dump could not be kept whole; retrying");
		dump_abort(m);
		return;
	}
	/*
	 * A route named an object that the dump of objects, taken just before,
	 * did not have: both were added in between.  Take it again, once (the
	 * queued events add the object, not the row that lacked it).
	 */
	if (m->dump_nh_unknown && !m->nh_retried) {
		log_debug("mirror", "a dumped route names an unknown nexthop object; re-dumping");
		m->resync_again = 1;
	}
	m->nh_retried = m->dump_nh_unknown;
	finish_links(m);
	finish_nexthops(m);
	finish_routes(m);
	if (m->loading) {
		dump_finished(m);
		return;
	}
	m->dump = DUMP_DIFF;
	clock_gettime(CLOCK_MONOTONIC, &m->dstart);
	diff_continue(m);
}

/*
 * Routes with the same key (table, dst, plen, tos, metric) come one after the
 * other in a dump, in the kernel's order: the first is the one it uses.  Mark
 * such groups shared, and keep only the first row of an index that repeats.
 */
static void
dump_hops(struct mirror *m, struct route *hops, int n)
{
	size_t g = m->grp_start;
	int same = g < m->fresh.n && route_same_fib(&m->fresh.v[g], &hops[0]);

	if (!same)
		m->grp_start = m->fresh.n;
	for (int i = 0; i < n; i++) {
		int dup = 0;

		hops[i].flags &= (uint8_t)~ROUTE_F_LIVE;
		if (same) {
			hops[i].flags |= ROUTE_F_SHARED;
			for (size_t k = g; k < m->fresh.n; k++) {
				m->fresh.v[k].flags |= ROUTE_F_SHARED;
				if (route_cmp(&m->fresh.v[k], &hops[i]) == 0)
					dup = 1;
			}
		}
		if (!dup && vec_push(&m->fresh, &hops[i]) < 0) {
			m->dump_incomplete = 1; /* out of memory (the dump thread: no logging) */
			return;
		}
	}
}

static void
dump_msg(const struct nldump_req *rq, struct nlmsghdr *nlh, void *arg)
{
	struct mirror *m = arg;
	int type = rq->type;

	if (type == RTM_GETLINK && nlh->nlmsg_type == RTM_NEWLINK) {
		struct link l;

		if (parse_link(nlh, &l) == 0)
			link_set(&m->fresh_links, &l);
	} else if (type == RTM_GETNEXTHOP && nlh->nlmsg_type == RTM_NEWNEXTHOP) {
		struct nhobj o;

		/* An object that cannot be parsed is left out: routes naming it are unknown. */
		if (parse_nexthop(nlh, &o) < 0) {
			if (errno == ENOMEM)
				m->dump_incomplete = 1;
		} else if (nh_set(&m->fresh_nhs, &o) < 0) {
			m->dump_incomplete = 1;
		}
	} else if (type == RTM_GETROUTE && nlh->nlmsg_type == RTM_NEWROUTE) {
		struct route hops[MAX_HOPS];
		struct nh_ref ref;
		int n = parse_route(&m->cfg, nh_map(m, &m->fresh_nhs), nlh, hops, MAX_HOPS, &ref);

		if (n < 0)
			m->dump_unparsable++;
		if (n > 0 && ref.id != 0)
			nh_use(&m->fresh_nhs, ref.id);
		if (ref.unknown)
			m->dump_nh_unknown = 1;
		if (n > 0)
			dump_hops(m, hops, n);
	}
}

/* The dump thread has finished: take its result. */
void
mirror_read_dump(struct mirror *m)
{
	struct nldump_result res;

	if (m->dumper == NULL || !nldump_join(m->dumper, &res) || m->dump != DUMP_RUNNING)
		return;
	m->dump_failed = res.failed;
	m->dump_intr = res.intr;
	snprintf(m->dump_err, sizeof(m->dump_err), "%s", res.err);
	dump_done(m);
}

void
mirror_timer(struct mirror *m)
{
	uint32_t now = mirror_now(m);

	if (m->dump == DUMP_DIFF) {
		diff_continue(m);
		return;
	}
	if (m->resync_armed && m->dump == DUMP_IDLE) {
		m->resync_armed = 0;
		log_debug("mirror", "re-dumping");
		if (start_dump(m) < 0) {
			m->resync_armed = 1;
			arm(m, RESYNC_RETRY_MS);
			return;
		}
		if (m->cfg.resync_interval)
			m->next_periodic = now + m->cfg.resync_interval;
		return;
	}
	if (m->cfg.resync_interval && now >= m->next_periodic) {
		mirror_request_resync(m, "periodic check");
		return;
	}
	rearm_periodic(m);
}

void
mirror_apply(struct mirror *m, struct nlmsghdr *nlh)
{
	apply_event(m, nlh);
}

int
mirror_inject(struct mirror *m, struct route *v, size_t n)
{
	uint32_t now = mirror_now(m);

	m->dead_rows = 0;
	for (size_t i = 0; i < n; i++) {
		v[i].first_seen = now;
		if (v[i].flags & (ROUTE_F_DEAD | ROUTE_F_LINKDOWN))
			m->dead_rows++;
	}
	if (route_table_load(&m->routes, v, n) < 0)
		return -1;
	touch(m);
	return 0;
}

/* ---- set-up ------------------------------------------------------------- */

struct mirror *
mirror_new(const struct mirror_config *cfg)
{
	struct mirror *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->cfg = *cfg;
	m->queue.max = QUEUE_MAX;
	m->nh_learn = 1; /* mirror_open() asks the kernel */
	route_table_init(&m->routes);
	clock_gettime(CLOCK_MONOTONIC, &m->mono0);
	clock_gettime(CLOCK_REALTIME, &m->wall0);
	m->last_change = m->wall0;
	return m;
}

void
mirror_set_callbacks(struct mirror *m, mirror_change_fn change, mirror_arm_fn arm_fn, void *arg)
{
	m->change_fn = change;
	m->arm_fn = arm_fn;
	m->cb_arg = arg;
}

void
mirror_free(struct mirror *m)
{
	if (m == NULL)
		return;
	nldump_close(m->dumper);
	nlmon_free(m->mon);
	route_table_clear(&m->routes);
	vec_free(&m->fresh);
	diff_free(m);
	free(m->links.v);
	free(m->fresh_links.v);
	nh_vec_free(&m->nhs);
	nh_vec_free(&m->fresh_nhs);
	nlqueue_free(&m->queue);
	free(m);
}

int
mirror_open(struct mirror *m)
{
	struct pollfd pfd[2];
	struct nlmon_sub sub = {
		.types = { RTM_NEWROUTE, RTM_DELROUTE, RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR,
		    RTM_DELADDR, RTM_NEWNEXTHOP, RTM_DELNEXTHOP },
		.groups = { RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE,
		    RTNLGRP_NEXTHOP },
		.msg = event_msg,
		.lost = events_lost,
		.arg = m,
	};

	if ((m->mon = nlmon_new(m->cfg.event_buffer)) == NULL ||
	    nlmon_subscribe(m->mon, &sub) < 0 || nlmon_open(m->mon) < 0)
		return -1;
	if ((m->dumper = nldump_open(NLDUMP_RCVBUF)) == NULL)
		return -1;
	m->nh_learn = access(NH_COMPAT_SYSCTL, F_OK) == 0;
	m->loading = 1;
	if (start_dump(m) < 0) {
		errno = EIO;
		return -1;
	}
	/* The dump thread gives up after DUMP_TIMEOUT_MS of silence. */
	pfd[0].fd = nldump_fd(m->dumper);
	pfd[1].fd = nlmon_fd(m->mon);
	pfd[0].events = pfd[1].events = POLLIN;
	while (m->dump != DUMP_IDLE) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			return -1;
		mirror_read_dump(m);
		if (m->dump_failed) {
			errno = EIO;
			return -1;
		}
		mirror_read_events(m); /* queued until the dump is done */
	}
	if (m->cfg.resync_interval)
		m->next_periodic = mirror_now(m) + m->cfg.resync_interval;
	if (m->resync_armed)
		arm(m, RESYNC_DELAY_MS);
	else
		rearm_periodic(m);
	return 0;
}

int
mirror_event_fd(const struct mirror *m)
{
	return m->mon != NULL ? nlmon_fd(m->mon) : -1;
}

int
mirror_dump_fd(const struct mirror *m)
{
	return m->dumper != NULL ? nldump_fd(m->dumper) : -1;
}

const struct route_table *
mirror_routes(const struct mirror *m)
{
	return &m->routes;
}

const struct mirror_stats *
mirror_stats(const struct mirror *m)
{
	return &m->stats;
}

const struct mirror_config *
mirror_config(const struct mirror *m)
{
	return &m->cfg;
}

struct timespec
mirror_last_change(const struct mirror *m)
{
	return m->last_change;
}
