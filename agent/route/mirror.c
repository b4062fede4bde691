/*
 * The route mirror engine, one for every family: see mirror.h for what it
 * does and its states, rt.h for what a family provides.  Nothing here knows
 * an address family: entries are ops->size bytes, compared, parsed and
 * stored through the family's operations, and read only at their flags and
 * first_seen fields.
 */
#include "config.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/ostore.h"
#include "lib/vec.h"
#include "lib/wallclock.h"
#include "nl/nldump.h"
#include "nl/nlmon.h"
#include "route/mirror.h"
#include "snmp/loop.h"
#include "route/nhobj.h"
#include "route/rt.h"

#define MAX_HOPS        256
#define REDUMP_DELAY_MS 20           /* coalesce bursts of link/address events */
#define REDUMP_RETRY_MS 1000         /* after a failed dump */
#define QUEUE_MAX       (128u << 20) /* events kept during a re-dump; past it, re-dump again */
#define DIFF_SLICE      20000        /* rows a re-dump's diff changes per wake-up (~10 ms) */

/* Entries of ops->size bytes. */
struct evec {
	uint8_t *v;
	size_t n, cap;
};

/* What a dump makes: written by the dump thread, read by the loop once it has joined it. */
struct dump {
	struct evec fresh; /* the routes, sorted by the thread at the end */
	struct nh_vec nhs; /* the nexthop objects, counted by the routes */
	uint8_t *hops;     /* the thread's parse buffer: MAX_HOPS entries */
	size_t grp_start;  /* first row of the current kernel route key */
	size_t unparsable; /* routes skipped as unparsable */
	int incomplete;    /* a route or object could not be kept (out of memory) */
	int nh_unknown;    /* a route named a nexthop object the dump did not see */
	long sort_ms;
};

struct mirror {
	const struct rt_ops *ops;
	struct mirror_config cfg;
	enum mirror_state state;
	int again;      /* a re-dump asked for since the last began: taken when REPLAYING ends */
	int lost;       /* events were lost: the next re-dump's changes are MIRROR_CHANGE_LOST */
	int dump_lost;  /* the dump in progress is such a re-dump */
	int nh_learn;   /* the kernel has nexthop objects that routes name alone (5.8+) */
	int nh_retried; /* the last dump was redone for an unknown nexthop object */

	struct ostore *table; /* of ops->store */
	struct nh_vec nhs;
	size_t dead_rows; /* rows whose next hop is dead or linkdown */

	struct nlmon *mon;
	struct iface *ifm;
	struct nldump *dumper;
	struct nlqueue queue; /* raw event messages received while not applying them */
	struct dump d;

	/* A re-dump's differences, applied changes first, then removals, then additions. */
	struct evec dchg, ddel, dadd;
	size_t dnext;
	struct timespec dstart;

	uint8_t *hops, *stale; /* the loop's parse buffers: MAX_HOPS entries each */
	uint8_t *old, *key;    /* one entry each */
	uint32_t next_periodic;
	uint32_t next_expiry; /* the first mirrored lifetime to end after now (0: none) */
	struct timespec mono0, last_change;
	struct mirror_stats stats;

	mirror_change_fn change_fn;
	void *cb_arg;
	struct loop_arm arm;     /* the callbacks', or the loop's timer (mirror_start()) */
	struct loop_timer timer; /* mirror_start() */
};

/* ---- small helpers -------------------------------------------------------- */

static inline void *
ent(const struct mirror *m, void *v, size_t i)
{
	return (uint8_t *)v + i * m->ops->size;
}

static inline const void *
cent(const struct mirror *m, const void *v, size_t i)
{
	return (const uint8_t *)v + i * m->ops->size;
}

static inline uint8_t *
eflags(const struct mirror *m, void *e)
{
	return (uint8_t *)e + m->ops->flags_off;
}

static inline uint8_t
flags_of(const struct mirror *m, const void *e)
{
	return *((const uint8_t *)e + m->ops->flags_off);
}

static inline uint32_t *
eseen(const struct mirror *m, void *e)
{
	return (uint32_t *)(void *)((uint8_t *)e + m->ops->seen_off);
}

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
	return wallclock_of_mono(((int64_t)m->mono0.tv_sec + mono) * 1000000000 + m->mono0.tv_nsec);
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
evec_push(const struct mirror *m, struct evec *ev, const void *e)
{
	if (vec_reserve((void **)&ev->v, &ev->cap, ev->n, m->ops->size, 4096) < 0)
		return -1;
	memcpy(ent(m, ev->v, ev->n++), e, m->ops->size);
	return 0;
}

static void
evec_free(struct evec *ev)
{
	free(ev->v);
	memset(ev, 0, sizeof(*ev));
}

static void rearm_periodic(struct mirror *);

/*
 * A row's lifetime (rt.h: expires): the timer comes back when the first one
 * ends.  One that has already ended waits for the kernel's announced removal.
 * Rows removed or extended since are not taken out: the timer may come back
 * too early (a re-dump, which counts afresh), never too late.
 */
static void
note_expiry(struct mirror *m, const void *e)
{
	uint32_t x = m->ops->expires != NULL ? m->ops->expires(e) : 0;

	if (x > mirror_now(m) && (m->next_expiry == 0 || x < m->next_expiry)) {
		m->next_expiry = x;
		rearm_periodic(m);
	}
}

/* The same type and protocol: a deletion that names the row's index is its route's. */
static int
same_kind(const struct mirror *m, const void *a, const void *b)
{
	return memcmp((const uint8_t *)a + m->ops->kind_off, (const uint8_t *)b + m->ops->kind_off,
		   2) == 0;
}

static int
dead(const struct mirror *m, const void *e)
{
	return (flags_of(m, e) & (ROUTE_F_DEAD | ROUTE_F_LINKDOWN)) != 0;
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

/* The nexthop objects that resolve RTA_NH_ID, when the mirror learns them. */
static const struct nh_vec *
nh_map(const struct mirror *m, const struct nh_vec *nv)
{
	return m->nh_learn ? nv : NULL;
}

const struct nh_vec *
mirror_nh_map(const struct mirror *m)
{
	return nh_map(m, &m->nhs);
}

/* ---- the family's store (rt.h) --------------------------------------------- */

static void *
t_find(const struct mirror *m, const void *key)
{
	return ostore_find(m->ops->store, m->table, key);
}

static int
t_upsert(struct mirror *m, const void *e, void *old)
{
	return ostore_upsert(m->ops->store, m->table, e, old);
}

/* The first entry not below key. */
static void *
t_seek(const struct mirror *m, const void *key, struct route_pos *pos)
{
	struct ostore_pos o;

	return route_pos_placed(ostore_seek(m->ops->store, m->table, key, 0, &o), &o, pos);
}

static void *
t_first(const struct mirror *m, struct route_pos *pos)
{
	struct ostore_pos o;

	return route_pos_placed(ostore_first(m->ops->store, m->table, &o), &o, pos);
}

static void *
t_next(const struct mirror *m, struct route_pos *pos)
{
	struct ostore_pos o = route_pos_ostore(pos);

	return route_pos_moved(ostore_next(m->ops->store, m->table, &o), &o, pos);
}

/* ---- applying changes ----------------------------------------------------- */

static void
changed(struct mirror *m, enum route_change kind, const void *old, const void *new)
{
	unsigned flags = m->state == MIRROR_DIFFING && m->dump_lost ? MIRROR_CHANGE_LOST : 0;

	m->stats.changes++;
	if (old != NULL && dead(m, old))
		m->dead_rows--;
	if (new != NULL && dead(m, new))
		m->dead_rows++;
	touch(m);
	if (m->change_fn != NULL)
		m->change_fn(kind, old, new, flags, m->cb_arg);
}

/*
 * A row changed (another visible column, same index).  WMI's Age counts from
 * the route's last update, so it starts again; the time the route appeared
 * (InstallDate) is then no longer known: Linux keeps neither, and the entry
 * has room for one time.
 */
static void
restart_age(const struct mirror *m, void *e)
{
	*eseen(m, e) = mirror_now(m);
	*eflags(m, e) &= (uint8_t)~ROUTE_F_LIVE;
}

/*
 * Add or update one row; keeps the first-seen time of a row that stays.  When
 * the row exists and !overwrite, it belongs to an earlier kernel route with
 * the same index (`ip route append`), which the kernel uses first: it stays.
 * replace: from the kernel's replace message (or an IPv4 prepend that takes
 * the row over, apply_route_msg()), a change even of what the entry does not
 * keep (rt.h, replace_changes), or no change when only its
 * lifetime is new (rt.h, same_shown), as a re-dump's diff keeps a lifetime
 * the kernel extended without a message.
 */
/* Do a and b differ only in their lifetime (rt.h, same_shown)? Then b is kept quietly. */
static int
lifetime_only(const struct rt_ops *ops, const void *a, const void *b)
{
	return ops->same_shown != NULL && ops->same_shown(a, b);
}

static void
apply_upsert(struct mirror *m, void *e, int overwrite, int replace)
{
	const struct rt_ops *ops = m->ops;
	void *cur = t_find(m, e);
	int forced = replace && ops->replace_changes;

	if (cur != NULL) {
		if (!overwrite) {
			*eflags(m, cur) |= ROUTE_F_SHARED;
			return;
		}
		*eseen(m, e) = *eseen(m, cur);
		*eflags(m, e) = (uint8_t)((*eflags(m, e) & ~ROUTE_F_LIVE) |
		    (*eflags(m, cur) & ROUTE_F_PRIVATE));
		if (ops->same(cur, e) && !forced)
			return;
		note_expiry(m, e);
		if (replace && !forced && lifetime_only(ops, cur, e)) {
			*eflags(m, e) |= *eflags(m, cur) & ROUTE_F_LIVE;
			t_upsert(m, e, NULL); /* the new lifetime kept, quietly */
			return;
		}
		restart_age(m, e);
		t_upsert(m, e, m->old); /* replaces: no allocation */
		changed(m, ROUTE_CHANGED, m->old, e);
		return;
	}
	*eseen(m, e) = mirror_now(m);
	*eflags(m, e) |= ROUTE_F_LIVE;
	note_expiry(m, e);
	if (t_upsert(m, e, NULL) < 0) {
		log_err("mirror", "out of memory adding a route; will re-dump");
		m->lost = 1;
		mirror_request_redump(m, "out of memory");
		return;
	}
	changed(m, ROUTE_ADDED, NULL, e);
}

static int
apply_remove(struct mirror *m, const void *key)
{
	if (ostore_remove(m->ops->store, m->table, key, m->old) != 1)
		return 0;
	changed(m, ROUTE_REMOVED, m->old, NULL);
	return 1;
}

static int
in_hops(const struct mirror *m, const void *e, const void *hops, int n)
{
	for (int i = 0; i < n; i++)
		if (m->ops->store->cmp(e, cent(m, hops, (size_t)i)) == 0)
			return 1;
	return 0;
}

/*
 * The rows of the kernel route key (table, prefix, tos, metric) of e, in
 * index order: the rows of its prefix (ops->prefix_key, kept in m->key)
 * that are the same FIB entry.
 */
static void *
key_from(struct mirror *m, const void *e, void *r, struct route_pos *pos)
{
	for (; r != NULL && m->ops->same_prefix(r, m->key); r = t_next(m, pos))
		if (m->ops->same_fib(r, e))
			return r;
	return NULL;
}

static void *
key_first(struct mirror *m, const void *e, struct route_pos *pos)
{
	m->ops->prefix_key(m->key, e);
	return key_from(m, e, t_seek(m, m->key, pos), pos);
}

static void *
key_next(struct mirror *m, const void *e, struct route_pos *pos)
{
	return key_from(m, e, t_next(m, pos), pos);
}

/* Copy r to out[n] (out may be NULL, and keeps MAX_HOPS at most); n + 1. */
static int
keep(const struct mirror *m, void *out, int n, const void *r)
{
	if (out != NULL && n < MAX_HOPS)
		memcpy(ent(m, out, (size_t)n), r, m->ops->size);
	return n + 1;
}

/*
 * Aliases: the rows of the kernel route key of hops[0] that are not among
 * hops: copied to stale (at most MAX_HOPS).  With mark, every row of the key
 * is flagged shared.  Returns the number of rows of the key not among hops;
 * *shared tells whether any row was already shared.
 */
static int
fib_others(struct mirror *m, const void *hops, int n, void *stale, int mark, int *shared)
{
	struct route_pos pos;
	void *r;
	int ns = 0;

	*shared = 0;
	for (r = key_first(m, hops, &pos); r != NULL; r = key_next(m, hops, &pos)) {
		if (*eflags(m, r) & ROUTE_F_SHARED)
			*shared = 1;
		if (mark)
			*eflags(m, r) |= ROUTE_F_SHARED;
		if (!in_hops(m, r, hops, n))
			ns = keep(m, stale, ns, r);
	}
	return ns;
}

/* Returns the number of rows removed. */
static int
apply_delete(struct mirror *m, void *hops, int n)
{
	int missing = 0, unsure = 0, removed = 0;

	for (int i = 0; i < n; i++) {
		void *h = ent(m, hops, (size_t)i), *cur = t_find(m, h);

		if (cur == NULL) {
			missing = 1;
			continue;
		}
		if (*eflags(m, cur) & ROUTE_F_SHARED)
			unsure = 1; /* another kernel route may have had this index too */
		if (!same_kind(m, cur, h)) {
			unsure = 1; /* the kernel deleted another route than the one shown */
			continue;
		}
		removed += apply_remove(m, h);
	}
	/* While replaying the queue, deletions the dump already saw are expected. */
	if (unsure || (missing && m->state != MIRROR_REPLAYING))
		mirror_request_redump(m, "deletion of an unknown or shared route");
	return removed;
}

/*
 * A family with siblings (rt.h): after a change to the kernel route key of
 * e, its rows that can be siblings are the hops of one multipath route when
 * there are two or more, else a plain route, as the kernel's next dump shows
 * them (fib6_add_rt2node() joins every qualifying route of a key to the
 * siblings; fib6_del_route() unlinks one and tells nothing to the rest).
 */
static int
siblings_of(struct mirror *m, const void *e, const void *hops, int nhops, void *out)
{
	struct route_pos pos;
	void *r;
	int n = 0;

	for (r = key_first(m, e, &pos); r != NULL; r = key_next(m, e, &pos))
		if (m->ops->sibling(r) && !in_hops(m, r, hops, nhops))
			n = keep(m, out, n, r);
	return n;
}

/* Before the n hops of a new route are applied: their flag as the route they join makes it. */
static void
siblings_mark(struct mirror *m, void *hops, int n)
{
	int k;

	if (m->ops->sibling == NULL)
		return;
	k = siblings_of(m, hops, hops, n, NULL);
	for (int i = 0; i < n; i++)
		k += m->ops->sibling(ent(m, hops, (size_t)i)) != 0;
	for (int i = 0; i < n; i++)
		if (m->ops->sibling(ent(m, hops, (size_t)i)))
			m->ops->set_multi(ent(m, hops, (size_t)i), k > 1);
}

/* After: the other rows of the key. */
static void
siblings_sync(struct mirror *m, const void *e)
{
	int n;

	if (m->ops->sibling == NULL)
		return;
	n = siblings_of(m, e, NULL, 0, m->stale);
	for (int i = 0; i < n && i < MAX_HOPS; i++) {
		void *h = ent(m, m->stale, (size_t)i);

		m->ops->set_multi(h, n > 1);
		apply_upsert(m, h, 1, 0); /* nothing when it already was */
	}
}

/*
 * The kernel replaced the first route with this key: the message (its n
 * hops) is its new state.  When the key holds several routes (append,
 * prepend), which rows were the replaced one's cannot be told: re-dump.
 */
static void
apply_replace(struct mirror *m, int n)
{
	int shared, ns = fib_others(m, m->hops, n, m->stale, 0, &shared);

	if (shared || ns > MAX_HOPS)
		mirror_request_redump(m, "replace of a route that shares its key");
	else
		for (int i = 0; i < ns; i++)
			apply_remove(m, ent(m, m->stale, (size_t)i));
	siblings_mark(m, m->hops, n);
	for (int i = 0; i < n; i++)
		apply_upsert(m, ent(m, m->hops, (size_t)i), 1, 1);
	siblings_sync(m, m->hops);
}

/*
 * A new, appended or prepended route (n hops): other routes with the same
 * key stay.  A prepended route comes first in the kernel's list: it is the
 * one shown.  With siblings, an appended route's message is the whole
 * route it joined, as it now is; it cannot repeat another's index
 * (rt6_duplicate_nexthop()).  IPv4 announces a route put in front of others
 * of its key with NLM_F_CREATE alone (fib_table_insert(), which refuses an
 * identical one): a row it takes over now shows another kernel route, a
 * change as a replace is (rt.h, replace_changes), even when the entry is
 * the same.
 */
static void
apply_add(struct mirror *m, const struct nlmsghdr *nlh, int n)
{
	int shared, overwrite, prepend;

	if (fib_others(m, m->hops, n, NULL, 0, &shared) > 0) {
		fib_others(m, m->hops, n, NULL, 1, &shared);
		for (int i = 0; i < n; i++)
			*eflags(m, ent(m, m->hops, (size_t)i)) |= ROUTE_F_SHARED;
	}
	overwrite = !(nlh->nlmsg_flags & NLM_F_APPEND) || m->ops->sibling != NULL;
	prepend = m->ops->replace_changes &&
	    (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND)) == NLM_F_CREATE;
	siblings_mark(m, m->hops, n);
	for (int i = 0; i < n; i++)
		apply_upsert(m, ent(m, m->hops, (size_t)i), overwrite, prepend);
	siblings_sync(m, m->hops);
}

static void
apply_route_msg(struct mirror *m, struct nlmsghdr *nlh)
{
	struct rt_parse ctx = { &m->cfg, nh_map(m, &m->nhs), mirror_now(m) };
	struct nh_ref ref;
	int n = m->ops->parse(&ctx, nlh, m->hops, MAX_HOPS, &ref);

	if (n < 0) {
		log_warn("netlink", "unparsable route message (type %u, %u bytes); will re-dump",
		    nlh->nlmsg_type, nlh->nlmsg_len);
		mirror_request_redump(m, "unparsable route message");
		return;
	}
	if (n == 0)
		return;
	m->stats.events++;
	if (ref.unknown)
		mirror_request_redump(m, "a route through an unknown nexthop object");
	if (nlh->nlmsg_type == RTM_DELROUTE) {
		if (apply_delete(m, m->hops, n) > 0 && ref.id != 0)
			nh_unuse(&m->nhs, ref.id);
		siblings_sync(m, m->hops);
		return;
	}
	if (ref.id != 0)
		nh_use(&m->nhs, ref.id);
	for (int i = 0; m->ops->unsettled != NULL && i < n; i++)
		if (m->ops->unsettled(ent(m, m->hops, (size_t)i))) {
			mirror_request_redump(m,
			    "a route the kernel completes after announcing it");
			break;
		}
	if (nlh->nlmsg_flags & NLM_F_REPLACE)
		apply_replace(m, n);
	else
		apply_add(m, nlh, n);
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
			mirror_request_redump(m, "nexthop object deleted");
		return;
	}
	if (nh_parse(nlh, &o) < 0) {
		log_warn("netlink", "unparsable nexthop message (type %u, %u bytes); will re-dump",
		    nlh->nlmsg_type, nlh->nlmsg_len);
		mirror_request_redump(m, "unparsable nexthop message");
		return;
	}
	used = nh_in_use(&m->nhs, o.id);
	if (nlh->nlmsg_type == RTM_DELNEXTHOP) {
		free(o.grp);
		nh_del(&m->nhs, o.id);
		if (used)
			mirror_request_redump(m, "nexthop object in use deleted");
		else
			log_debug("mirror", "nexthop object %u deleted; no mirrored route uses it",
			    o.id);
		return;
	}
	rc = nh_set(&m->nhs, &o);
	if (rc < 0) {
		log_err("mirror", "out of memory keeping nexthop object %u; will re-dump", o.id);
		mirror_request_redump(m, "out of memory");
	} else if (rc > 0 && used && !nh_compat_mode()) {
		mirror_request_redump(m, "nexthop object in use changed");
	}
}

static void
apply_event(struct mirror *m, struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE: apply_route_msg(m, nlh); break;
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP: apply_nexthop_msg(m, nlh); break;
	default: break;
	}
}

void
mirror_apply(struct mirror *m, struct nlmsghdr *nlh)
{
	apply_event(m, nlh);
}

/* ---- events from the event socket and the interface mirror --------------- */

/* A message from the event socket: applied, or kept while a dump's result is pending. */
static void
event_msg(struct nlmsghdr *nlh, void *arg)
{
	struct mirror *m = arg;

	if (m->state != MIRROR_LOADING && m->state != MIRROR_DUMPING &&
	    m->state != MIRROR_DIFFING) {
		apply_event(m, nlh);
		return;
	}
	if (nlqueue_push(&m->queue, nlh) < 0) {
		m->again = 1; /* too much happened: the next dump will see it all */
		m->lost = 1;
	}
}

static void
replay_msg(struct nlmsghdr *nlh, void *arg)
{
	apply_event(arg, nlh);
}

static void
events_lost(void *arg)
{
	struct mirror *m = arg;

	m->stats.overruns++;
	m->lost = 1;
	mirror_request_redump(m, "netlink overrun");
}

/*
 * The kernel drops or changes routes without a route message when a link
 * goes down (or comes up: next hops marked dead return) or is removed, and
 * when an address of the family goes (its connected and prefsrc routes go
 * with it); next hops it marked dead come back to life silently when an
 * address is added.  IPv6 (seen on 6.18): a link going down announces the
 * deletion of the plain routes through it, but flags the link's hops of
 * multipath routes dead and linkdown silently (and clears them on up); an
 * address removed announces its local and prefix routes, and takes itself
 * off the routes that had it as preferred source silently.
 */
static void
iface_changed(enum iface_change what, const struct link *l, const struct iface_addr *a, void *arg)
{
	struct mirror *m = arg;

	switch (what) {
	case IFACE_LINK_STATE: mirror_request_redump(m, "link state changed"); break;
	case IFACE_LINK_REMOVED: mirror_request_redump(m, "link removed"); break;
	case IFACE_ADDR_REMOVED:
		if (a->family == m->ops->family)
			mirror_request_redump(m, "address removed");
		break;
	case IFACE_ADDR_ADDED:
		if (a->family == m->ops->family && m->dead_rows > 0)
			mirror_request_redump(m, "address added");
		break;
	default: break;
	}
}

void
mirror_read_events(struct mirror *m)
{
	if (m->mon != NULL)
		nlmon_read(m->mon);
}

/* ---- the dump thread's side --------------------------------------------- */

/*
 * Routes with the same key (table, prefix, tos, metric) come one after the
 * other in a dump, in the kernel's order: the first is the one it uses.  Mark
 * such groups shared, and keep only the first row of an index that repeats.
 */
static void
dump_hops(struct mirror *m, uint8_t *hops, int n)
{
	const struct rt_ops *ops = m->ops;
	struct dump *d = &m->d;
	size_t g = d->grp_start;
	int same = g < d->fresh.n && ops->same_fib(ent(m, d->fresh.v, g), hops);

	if (!same)
		d->grp_start = d->fresh.n;
	for (int i = 0; i < n; i++) {
		void *h = ent(m, hops, (size_t)i);
		int dup = 0;

		*eflags(m, h) &= (uint8_t)~ROUTE_F_LIVE;
		if (same) {
			*eflags(m, h) |= ROUTE_F_SHARED;
			for (size_t k = g; k < d->fresh.n; k++) {
				void *f = ent(m, d->fresh.v, k);

				*eflags(m, f) |= ROUTE_F_SHARED;
				if (ops->store->cmp(f, h) == 0)
					dup = 1;
			}
		}
		if (!dup && evec_push(m, &d->fresh, h) < 0) {
			d->incomplete = 1; /* out of memory (the dump thread: no logging) */
			return;
		}
	}
}

/* On the dump thread: one message of the dump. */
static void
dump_msg(const struct nldump_req *rq, struct nlmsghdr *nlh, void *arg)
{
	struct mirror *m = arg;
	struct dump *d = &m->d;

	if (rq->type == RTM_GETNEXTHOP && nlh->nlmsg_type == RTM_NEWNEXTHOP) {
		struct nhobj o;

		/* An object that cannot be parsed is left out: routes naming it are unknown. */
		if (nh_parse(nlh, &o) < 0) {
			if (errno == ENOMEM)
				d->incomplete = 1;
		} else if (nh_set(&d->nhs, &o) < 0) {
			d->incomplete = 1;
		}
	} else if (rq->type == RTM_GETROUTE && nlh->nlmsg_type == RTM_NEWROUTE) {
		struct rt_parse ctx = { &m->cfg, nh_map(m, &d->nhs), mirror_now(m) };
		struct nh_ref ref;
		int n = m->ops->parse(&ctx, nlh, d->hops, MAX_HOPS, &ref);

		if (n < 0)
			d->unparsable++;
		if (n > 0 && ref.id != 0)
			nh_use(&d->nhs, ref.id);
		if (ref.unknown)
			d->nh_unknown = 1;
		if (n > 0)
			dump_hops(m, d->hops, n);
	}
}

/* On the dump thread, when every request succeeded: sort the routes. */
static void
dump_end(void *arg)
{
	struct mirror *m = arg;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	m->d.fresh.n = ostore_sort_unique(m->ops->store, m->d.fresh.v, m->d.fresh.n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	m->d.sort_ms = ms_between(&t0, &t1);
}

/* ---- re-dumps ------------------------------------------------------------- */

/* Forget the last dump's result; the next begins (LOADING or DUMPING). */
static void
dump_reset(struct mirror *m, enum mirror_state next)
{
	struct dump *d = &m->d;

	d->grp_start = d->unparsable = 0;
	d->incomplete = d->nh_unknown = 0;
	d->fresh.n = 0;
	nh_vec_clear(&d->nhs);
	m->dump_lost |= m->lost;
	m->lost = 0;
	m->state = next;
}

static int
start_dump(struct mirror *m, enum mirror_state next)
{
	struct nldump_req reqs[2];
	size_t n = 0;

	/* The nexthop objects before the routes, which name them (AF_INET would leave the
	 * groups out). */
	if (m->nh_learn)
		reqs[n++] = (struct nldump_req){ RTM_GETNEXTHOP, AF_UNSPEC };
	reqs[n++] = (struct nldump_req){ RTM_GETROUTE, m->ops->family };
	dump_reset(m, next);
	if (m->dumper == NULL || nldump_start(m->dumper, reqs, n, dump_msg, dump_end, m) < 0) {
		if (m->dumper != NULL)
			log_warn_errno("mirror", "cannot start a dump thread");
		m->state = MIRROR_REDUMP_DUE;
		loop_arm(&m->arm, REDUMP_RETRY_MS);
		return -1;
	}
	return 0;
}

/*
 * Arm the safety-net timer, or the end of the first lifetime (a second
 * later: the kernel's own timer may round the other way), unless something
 * else is due.
 */
static void
rearm_periodic(struct mirror *m)
{
	uint32_t now = mirror_now(m), at = 0;

	if (m->state != MIRROR_SYNCED)
		return;
	if (m->cfg.resync_interval)
		at = m->next_periodic;
	if (m->next_expiry != 0 && (at == 0 || m->next_expiry + 1 < at))
		at = m->next_expiry + 1;
	if (at != 0)
		loop_arm(&m->arm, (at > now ? at - now : 1) * 1000);
}

void
mirror_request_redump(struct mirror *m, const char *why)
{
	switch (m->state) {
	case MIRROR_SYNCED:
		log_debug("mirror", "re-dump requested: %s", why);
		m->state = MIRROR_REDUMP_DUE;
		loop_arm(&m->arm, REDUMP_DELAY_MS);
		break;
	case MIRROR_REDUMP_DUE: break;
	default: m->again = 1; break;
	}
}

int
mirror_redump_running(const struct mirror *m)
{
	return m->state != MIRROR_SYNCED;
}

enum mirror_state
mirror_state(const struct mirror *m)
{
	return m->state;
}

const char *
mirror_state_name(enum mirror_state s)
{
	static const char *const names[] = {
		[MIRROR_SYNCED] = "synced",
		[MIRROR_REDUMP_DUE] = "re-dump due",
		[MIRROR_LOADING] = "loading",
		[MIRROR_DUMPING] = "dumping",
		[MIRROR_DIFFING] = "diffing",
		[MIRROR_REPLAYING] = "replaying",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/*
 * Merge the sorted dump with the mirror into three lists: rows changed in
 * place, rows gone, rows new.  Nothing is applied yet (only bookkeeping flags
 * that a manager does not see); diff_step() applies them a slice at a time,
 * so that a re-dump that finds a million differences (a link going down at
 * full-table scale) does not hold up GETs.  -1 when out of memory.
 */
static int
diff_start(struct mirror *m, uint8_t *v, size_t n)
{
	const struct rt_ops *ops = m->ops;
	struct route_pos pos;
	void *cur = t_first(m, &pos);
	size_t i = 0;
	uint32_t now = mirror_now(m);

	m->dchg.n = m->ddel.n = m->dadd.n = 0;
	m->dnext = 0;
	while (cur != NULL || i < n) {
		void *e = i < n ? ent(m, v, i) : NULL;
		int c = cur == NULL ? 1 : i == n ? -1 : ops->store->cmp(cur, e);

		if (c < 0) {
			if (evec_push(m, &m->ddel, cur) < 0)
				return -1;
			cur = t_next(m, &pos);
		} else if (c > 0) {
			*eseen(m, e) = now;
			*eflags(m, e) |= ROUTE_F_LIVE;
			if (evec_push(m, &m->dadd, e) < 0)
				return -1;
			i++;
		} else {
			*eseen(m, e) = *eseen(m, cur);
			*eflags(m, e) = (uint8_t)((*eflags(m, e) & ~ROUTE_F_LIVE) |
			    (*eflags(m, cur) & ROUTE_F_LIVE));
			*eflags(m, cur) = (uint8_t)((*eflags(m, cur) & ~ROUTE_F_SHARED) |
			    (*eflags(m, e) & ROUTE_F_SHARED));
			if (!ops->same(cur, e)) {
				if (!lifetime_only(ops, cur, e))
					restart_age(m, e);
				if (evec_push(m, &m->dchg, e) < 0)
					return -1;
			}
			cur = t_next(m, &pos);
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

	for (; m->dnext < end; m->dnext++) {
		size_t k = m->dnext;

		if (k < nchg) {
			void *e = ent(m, m->dchg.v, k);

			if (t_find(m, e) == NULL)
				continue;
			t_upsert(m, e, m->old); /* same index: replaces */
			if (!lifetime_only(m->ops, m->old, e))
				changed(m, ROUTE_CHANGED, m->old, e);
		} else if (k < nchg + ndel) {
			apply_remove(m, ent(m, m->ddel.v, k - nchg));
		} else {
			void *e = ent(m, m->dadd.v, k - nchg - ndel);

			if (t_upsert(m, e, NULL) < 0)
				return -1;
			changed(m, ROUTE_ADDED, NULL, e);
		}
	}
	return m->dnext == total;
}

static void
diff_free(struct mirror *m)
{
	evec_free(&m->dchg);
	evec_free(&m->ddel);
	evec_free(&m->dadd);
	m->dnext = 0;
}

/* The dump failed: keep the table, forget the dump and the events queued for it, retry. */
static void
dump_abort(struct mirror *m)
{
	nlqueue_clear(&m->queue);
	m->state = MIRROR_REDUMP_DUE;
	loop_arm(&m->arm, REDUMP_RETRY_MS);
}

/* The dump's objects, counted by the dump's routes, replace the map. */
static void
finish_nexthops(struct mirror *m)
{
	struct nh_vec old = m->nhs;

	m->nhs = m->d.nhs;
	m->d.nhs = old;
	nh_vec_clear(&m->d.nhs);
}

static void
finish_routes(struct mirror *m)
{
	struct timespec t1, t2, t3;
	struct evec *f = &m->d.fresh;
	size_t n = f->n; /* sorted by the dump thread */
	int loading = m->state == MIRROR_LOADING;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	m->next_expiry = 0;
	for (size_t i = 0; m->ops->expires != NULL && i < n; i++)
		note_expiry(m, ent(m, f->v, i));
	if (loading) {
		uint32_t now = mirror_now(m);

		m->dead_rows = 0;
		for (size_t i = 0; i < n; i++) {
			*eseen(m, ent(m, f->v, i)) = now;
			if (dead(m, ent(m, f->v, i)))
				m->dead_rows++;
		}
		m->dump_lost = 0; /* nothing to report about the first load */
		if (ostore_load_sorted(m->ops->store, m->table, f->v, n) < 0) {
			log_err("mirror", "out of memory loading %zu routes", n);
			m->again = 1;
		}
		touch(m);
	} else if (diff_start(m, f->v, n) < 0) {
		log_err("mirror", "out of memory while re-dumping; will retry");
		diff_free(m);
		m->again = 1;
		m->lost = 1;
	}
	m->stats.dumps++;
	clock_gettime(CLOCK_MONOTONIC, &t2);
	/* The dump vector is big and short-lived: give it back. */
	evec_free(f);
	malloc_trim(0);
	clock_gettime(CLOCK_MONOTONIC, &t3);
	log_debug("mirror", "%zu routes: sort %ld ms (dump thread), %s %ld ms, free %ld ms", n,
	    m->d.sort_ms, loading ? "load" : "merge", ms_between(&t1, &t2), ms_between(&t2, &t3));
}

/* The result is applied: replay what happened meanwhile, and watch again. */
static void
replay(struct mirror *m)
{
	m->state = MIRROR_REPLAYING;
	m->dump_lost = 0;
	nlqueue_replay(&m->queue, replay_msg, m);
	m->state = MIRROR_SYNCED;
	if (m->again) {
		m->again = 0;
		mirror_request_redump(m, "changed during the last re-dump");
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
		loop_arm(&m->arm, 1);
		return;
	}
	if (rc < 0) {
		log_err("mirror", "out of memory while applying a re-dump; will retry");
		m->again = 1;
		m->lost = 1;
	} else if (total > 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		log_info("mirror",
		    "re-dump%s: %zu added, %zu removed, %zu changed (applied in %ld ms)",
		    m->dump_lost ? " after lost events" : "", m->dadd.n, m->ddel.n, m->dchg.n,
		    ms_between(&m->dstart, &now));
	}
	m->stats.redump_changes += m->dnext;
	diff_free(m);
	replay(m);
}

/* The dump has ended (the thread joined): take its result. */
static void
dump_done(struct mirror *m, const struct nldump_result *res)
{
	if (m->d.unparsable > 0)
		log_warn("netlink", "skipped %zu unparsable routes in the dump", m->d.unparsable);
	if (res->failed) {
		log_warn("netlink", "%s", res->err);
		dump_abort(m);
		return;
	}
	if (res->intr) {
		/* NLM_F_DUMP_INTR: the table changed under the dump; take it again. */
		log_debug("mirror", "dump interrupted, restarting");
		m->again = 1;
	}
	if (m->d.incomplete) {
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
	if (m->d.nh_unknown && !m->nh_retried) {
		log_debug("mirror", "a dumped route names an unknown nexthop object; re-dumping");
		m->again = 1;
	}
	m->nh_retried = m->d.nh_unknown;
	finish_nexthops(m);
	finish_routes(m);
	if (m->state == MIRROR_LOADING) {
		replay(m);
		return;
	}
	m->state = MIRROR_DIFFING;
	clock_gettime(CLOCK_MONOTONIC, &m->dstart);
	diff_continue(m);
}

/* The dump has finished (the loop, or the first load). */
static void
read_dump(void *arg)
{
	struct mirror *m = arg;
	struct nldump_result res;

	if (m->dumper == NULL || !nldump_join(m->dumper, &res))
		return;
	if (m->state == MIRROR_LOADING || m->state == MIRROR_DUMPING)
		dump_done(m, &res);
}

void
mirror_timer(struct mirror *m)
{
	uint32_t now = mirror_now(m);

	switch (m->state) {
	case MIRROR_DIFFING: diff_continue(m); break;
	case MIRROR_REDUMP_DUE:
		log_debug("mirror", "re-dumping");
		if (start_dump(m, MIRROR_DUMPING) == 0 && m->cfg.resync_interval)
			m->next_periodic = now + m->cfg.resync_interval;
		break;
	case MIRROR_SYNCED:
		if (m->cfg.resync_interval && now >= m->next_periodic) {
			mirror_request_redump(m, "periodic check");
		} else if (m->next_expiry != 0 && now > m->next_expiry) {
			m->next_expiry = 0;
			mirror_request_redump(m, "a route's lifetime ended");
		} else {
			rearm_periodic(m);
		}
		break;
	default: break;
	}
}

/* ---- tests: a dump without a kernel ------------------------------------- */

void
mirror_fake_dump_begin(struct mirror *m)
{
	dump_reset(m, MIRROR_DUMPING);
}

void
mirror_fake_dump_msg(struct mirror *m, struct nlmsghdr *nlh)
{
	struct nldump_req rq = { nlh->nlmsg_type == RTM_NEWNEXTHOP ? RTM_GETNEXTHOP : RTM_GETROUTE,
		m->ops->family };

	dump_msg(&rq, nlh, m);
}

void
mirror_fake_dump_end(struct mirror *m, int failed, int intr)
{
	struct nldump_result res = { .failed = failed, .intr = intr };

	if (failed)
		snprintf(res.err, sizeof(res.err), "dump cut short: %s", strerror(EBUSY));
	else
		dump_end(m);
	dump_done(m, &res);
}

int
mirror_inject(struct mirror *m, void *v, size_t n)
{
	uint32_t now = mirror_now(m);

	m->dead_rows = 0;
	m->next_expiry = 0;
	for (size_t i = 0; i < n; i++) {
		*eseen(m, ent(m, v, i)) = now;
		note_expiry(m, ent(m, v, i));
		if (dead(m, ent(m, v, i)))
			m->dead_rows++;
	}
	if (ostore_load_sorted(m->ops->store, m->table, v,
		ostore_sort_unique(m->ops->store, v, n)) < 0)
		return -1;
	touch(m);
	return 0;
}

/* ---- set-up --------------------------------------------------------------- */

struct mirror *
mirror_new_family(const struct rt_ops *ops, const struct mirror_config *cfg)
{
	struct mirror *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->ops = ops;
	m->cfg = *cfg;
	m->state = MIRROR_SYNCED;
	m->queue.max = QUEUE_MAX;
	m->nh_learn = 1; /* load() asks the kernel */
	m->hops = calloc(MAX_HOPS, ops->size);
	m->stale = calloc(MAX_HOPS, ops->size);
	m->d.hops = calloc(MAX_HOPS, ops->size);
	m->old = calloc(1, ops->size);
	m->key = calloc(1, ops->size);
	m->table = calloc(1, sizeof(*m->table)); /* an empty ostore */
	if (m->hops == NULL || m->stale == NULL || m->d.hops == NULL || m->old == NULL ||
	    m->key == NULL || m->table == NULL) {
		mirror_free(m);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &m->mono0);
	touch(m);
	return m;
}

void
mirror_set_callbacks(struct mirror *m, mirror_change_fn change, loop_arm_fn arm, void *arg)
{
	m->change_fn = change;
	m->cb_arg = arg;
	m->arm = (struct loop_arm){ arm, arg };
}

void
mirror_free(struct mirror *m)
{
	if (m == NULL)
		return;
	nldump_close(m->dumper); /* joins a running dump: it writes into m->d */
	if (m->table != NULL)
		ostore_clear(m->table);
	free(m->table);
	evec_free(&m->d.fresh);
	diff_free(m);
	nh_vec_free(&m->nhs);
	nh_vec_free(&m->d.nhs);
	nlqueue_free(&m->queue);
	free(m->hops);
	free(m->stale);
	free(m->d.hops);
	free(m->old);
	free(m->key);
	free(m);
}

int
mirror_attach(struct mirror *m, struct nlmon *mon, struct iface *ifm)
{
	struct nlmon_sub sub = {
		.types = { RTM_NEWROUTE, RTM_DELROUTE, RTM_NEWNEXTHOP, RTM_DELNEXTHOP },
		.groups = { m->ops->group, RTNLGRP_NEXTHOP },
		.msg = event_msg,
		.lost = events_lost,
		.arg = m,
	};

	m->mon = mon;
	m->ifm = ifm;
	if (ifm != NULL && iface_watch(ifm, iface_changed, m) < 0)
		return -1;
	return mon != NULL ? nlmon_subscribe(mon, &sub) : 0;
}

/* Open the dump socket (and mon) and load the routes; blocks until loaded.  -1 with errno. */
static int
load(struct mirror *m)
{
	if (m->mon != NULL && nlmon_open(m->mon) < 0)
		return -1;
	if ((m->dumper = nldump_open(NLDUMP_RCVBUF)) == NULL)
		return -1;
	m->nh_learn = access(NH_COMPAT_SYSCTL, F_OK) == 0;
	if (start_dump(m, MIRROR_LOADING) < 0) {
		errno = EIO;
		return -1;
	}
	/* The dump thread gives up after a while of silence. */
	while (m->state == MIRROR_LOADING) {
		if (nldump_wait(m->dumper, m->mon != NULL ? nlmon_fd(m->mon) : -1) < 0)
			return -1;
		read_dump(m);
		if (m->state == MIRROR_LOADING)
			mirror_read_events(m); /* queued until the dump is done */
	}
	if (m->stats.dumps == 0) { /* the load failed */
		errno = EIO;
		return -1;
	}
	if (m->cfg.resync_interval)
		m->next_periodic = mirror_now(m) + m->cfg.resync_interval;
	if (m->state == MIRROR_REDUMP_DUE)
		loop_arm(&m->arm, REDUMP_DELAY_MS);
	else
		rearm_periodic(m);
	return 0;
}

const void *
mirror_table(const struct mirror *m)
{
	return m->table;
}

const struct link *
mirror_link(const struct mirror *m, int32_t ifindex)
{
	return m->ifm != NULL ? iface_link(m->ifm, ifindex) : NULL;
}

const struct iface *
mirror_iface(const struct mirror *m)
{
	return m->ifm;
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

static void
timer_fired(void *arg)
{
	mirror_timer(arg);
}

int
mirror_start(struct mirror *m)
{
	loop_arm_timer(&m->arm, loop_timer_arm, &m->timer, timer_fired, m);
	if (load(m) < 0)
		return -1;
	return nldump_watch(m->dumper, read_dump, m);
}

void
mirror_stop(struct mirror *m)
{
	nldump_unwatch(m->dumper);
	loop_timer_stop(&m->timer);
}
