/* The write side's shared state: see writer.h. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "route/mirror.h"
#include "route/nhobj.h"
#include "route/nlreq.h"
#include "route/routefmt.h"
#include "route/rt.h"
#include "route/rt4.h"
#include "lib/vec.h"
#include "route/writer.h"

#define APPLY_SOON_MS   50    /* a persisted route vanished */
#define APPLY_SETTLE_MS 200   /* routes appeared: an interface may have come back */
#define APPLY_RETRY_MS  30000 /* some persisted routes still cannot be installed */

void
writer_config_default(struct writer_config *c)
{
	memset(c, 0, sizeof(*c));
	c->writable_proto[RTPROT_BOOT] = 1;
	c->writable_proto[RTPROT_STATIC] = 1;
	c->writable_proto[CIMR_RTPROT] = 1;
}

/* One family's persisted routes: 0, or -1 with err. */
static int
load(struct persist *p, const char *statedir, char *err, size_t errlen)
{
	int bad;

	if ((bad = persist_load(p, statedir)) < 0) {
		snprintf(err, errlen, "cannot read %s/%s: %s", statedir, p->fam->file,
		    strerror(errno));
		return -1;
	}
	if (bad > 0)
		log_warn("persist", "%d bad line(s) in %s skipped (logged above)", bad, p->path);
	return 0;
}

static void
prefix4(const void *e, char *buf, size_t len)
{
	routefmt_prefix(e, buf, len);
}

static void
prefix6(const void *e, char *buf, size_t len)
{
	routefmt6_prefix(e, buf, len);
}

struct writer *
writer_new(struct mirror *m, struct nlreq *q, struct nlreq *qa, const struct writer_config *cfg,
    const char *statedir, loop_arm_fn arm, void *arm_arg, char *err, size_t errlen)
{
	struct writer *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->m = m;
	w->pm = m;
	w->q = q;
	w->qa = qa != NULL ? qa : q;
	if (cfg != NULL)
		w->cfg = *cfg;
	else
		writer_config_default(&w->cfg);
	w->arm_apply = (struct loop_arm){ arm, arm_arg };
	w->pending = (struct pending){ .ops = &rt4_ops, .prefix = prefix4 };
	w->pending6 = (struct pending){ .ops = &rt6_ops, .prefix = prefix6 };
	persist_init(&w->persist);
	persist_init_family(&w->persist6, &persist6);
	if (statedir == NULL)
		return w;
	if (load(&w->persist, statedir, err, errlen) < 0 ||
	    load(&w->persist6, statedir, err, errlen) < 0) {
		writer_free(w);
		return NULL;
	}
	return w;
}

void
writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	free(w->pending.v);
	free(w->pending6.v);
	persist_free(&w->persist);
	persist_free(&w->persist6);
	free(w);
}

void
writer_use_mirror(struct writer *w, struct mirror *pm)
{
	w->pm = pm;
}

static void
apply_fired(void *arg)
{
	writer_apply(arg);
}

static void
expire_fired(void *arg)
{
	struct writer *w = arg;

	writer_pending_expire(w, mirror_now(w->m));
}

/* The kernel answered requests of a SET's ACTION. */
static void
answers_readable(void *arg)
{
	nlreq_input(arg);
}

int
writer_start(struct writer *w)
{
	/* An earlier apply is never postponed. */
	loop_arm_timer(&w->arm_apply, loop_timer_arm_earlier, &w->apply_timer, apply_fired, w);
	loop_timer_init(&w->expire_timer, expire_fired, w);
	if (loop_timer_every(&w->expire_timer, 30) < 0 ||
	    loop_fd_add(&w->answers, nlreq_fd(w->qa), answers_readable, w->qa) < 0)
		return -1;
	route_via6_log_full(); /* the routes of the first load */
	/* Put back the persisted routes the kernel lacks (after a reboot, or a crash). */
	writer_refresh(w);
	writer_apply(w);
	log_notice("persist", "%zu persisted routes, %zu installed", w->persist.n,
	    w->persist.nactive);
	if (w->persist6.n > 0)
		log_notice("persist", "%zu persisted IPv6 routes, %zu installed", w->persist6.n,
		    w->persist6.nactive);
	return 0;
}

void
writer_stop(struct writer *w)
{
	loop_fd_remove(&w->answers);
	loop_timer_stop(&w->expire_timer);
	loop_timer_stop(&w->apply_timer);
}

/* The createAndWait rows: see struct pending in writer.h. */
struct oid_key {
	const struct ostore_type *t;
	const unsigned long *sub;
	size_t len;
};

static int
oid_cmp_v(const void *elem, const void *key)
{
	const struct oid_key *k = key;

	return ostore_oid_cmp(k->t, elem, k->sub, k->len);
}

/*
 * The store's seek_oid semantics (a partial index or out-of-range
 * sub-identifiers land between rows), so GETNEXT can merge the pending rows
 * with the mirror's.  For a full index, OID order is the store's order, so
 * the array sorted by it is sorted for this search too.
 */
size_t
pending_seek_oid(const struct pending *p, const unsigned long *sub, size_t len, int strict)
{
	struct oid_key k = { p->ops->store, sub, len };

	return vec_lower_bound(p->v, p->n, p->ops->size, &k, oid_cmp_v, strict);
}

const void *
pending_at(const struct pending *p, size_t i)
{
	return i < p->n ? (const unsigned char *)p->v + i * p->ops->size : NULL;
}

void *
pending_find(const struct pending *p, const void *key)
{
	return vec_find(p->v, p->n, p->ops->size, key, p->ops->store->cmp);
}

int
pending_add(struct pending *p, const void *e)
{
	_Alignas(8) unsigned char row[128]; /* the cmp reads it as an entry */

	_Static_assert(sizeof(struct route6) <= sizeof(row), "an entry fits a row buffer");
	if (p->n >= PENDING_MAX || p->ops->size > sizeof(row))
		return -1;
	memcpy(row, e, p->ops->size);
	row[p->ops->flags_off] |= ROUTE_F_PENDING;
	if (vec_put(&p->v, &p->n, &p->cap, p->ops->size, row, row, p->ops->store->cmp, NULL) < 0)
		return -1;
	clock_gettime(CLOCK_REALTIME, &p->last_change);
	return 0;
}

/* The one way a row goes (expiry too): stamped, and the array goes with its last row. */
int
pending_remove(struct pending *p, const void *key, void *old)
{
	if (!vec_del(p->v, &p->n, p->ops->size, key, p->ops->store->cmp, old))
		return 0;
	clock_gettime(CLOCK_REALTIME, &p->last_change);
	if (p->n == 0) {
		free(p->v);
		p->v = NULL;
		p->cap = 0;
	}
	return 1;
}

void
pending_expire(struct pending *p, uint32_t now)
{
	for (size_t i = 0; i < p->n;) {
		unsigned char *e = (unsigned char *)p->v + i * p->ops->size;
		uint32_t seen;

		memcpy(&seen, e + p->ops->seen_off, sizeof(seen));
		if (now - seen >= PENDING_LIFETIME) {
			char buf[ROUTEFMT_MAX];

			p->prefix(e, buf, sizeof(buf));
			log_info("set",
			    "createAndWait row for %s not activated within %d s; removed", buf,
			    PENDING_LIFETIME);
			pending_remove(p, e, NULL);
		} else {
			i++;
		}
	}
}

void
writer_pending_expire(struct writer *w, uint32_t now)
{
	pending_expire(&w->pending, now);
	pending_expire(&w->pending6, now);
}

void
writer_use_mirror6(struct writer *w, struct mirror *m6)
{
	if (w->pm6 == NULL || w->pm6 == w->m6)
		w->pm6 = m6;
	w->m6 = m6;
}

void
writer_use_persist_mirror6(struct writer *w, struct mirror *pm6)
{
	w->pm6 = pm6;
}

void
writer_refresh(struct writer *w)
{
	persist_refresh(&w->persist, w->pm);
	if (w->pm6 != NULL)
		persist_refresh(&w->persist6, w->pm6);
}

void
writer_sync(struct writer *w)
{
	/*
	 * The kernel queues the notification of a change before it acks the
	 * request, so after an ack the event socket already holds it.
	 */
	if (w->cfg.read_events != NULL) {
		w->cfg.read_events(w->m);
		if (w->m6 != NULL)
			w->cfg.read_events(w->m6);
	} else {
		mirror_read_events(w->m); /* the one event socket: both families' events */
	}
	writer_refresh(w);
}

static void
arm(struct writer *w, unsigned ms)
{
	loop_arm(&w->arm_apply, ms);
}

/* A live entry of p's family changed in pm (the mirror p's routes are looked up in). */
static void
entry_changed(struct writer *w, struct persist *p, const struct mirror *pm, const void *old,
    const void *new)
{
	const struct proute *owner;

	if (p->n == 0 || pm == NULL)
		return;
	if (old != NULL)
		persist_route_changed(p, pm, old);
	if (new != NULL)
		persist_route_changed(p, pm, new);
	/* A persisted route vanished: put it back soon. */
	if (old != NULL && new == NULL && (owner = persist_owner_of(p, pm, old)) != NULL &&
	    !owner->active)
		arm(w, APPLY_SOON_MS);
	/*
	 * Some rows lack their route, and routes appeared (an interface may
	 * have come back) or one went (it may have held a row's destination
	 * and metric: the row installs as soon as the kernel takes it, not at
	 * the 30 s retry).
	 */
	else if (p->nactive < p->n)
		arm(w, APPLY_SETTLE_MS);
}

void
writer_route_changed(struct writer *w, const struct route *old, const struct route *new)
{
	entry_changed(w, &w->persist, w->pm, old, new);
}

/*
 * A route is in the kernel at the index of a createAndWait row (ip route add, a
 * metric moved onto it, or the row's own activation): the kernel's row is the
 * row now, which a destroy deletes; the waiting one would hide behind it.
 */
static void
pending_superseded(struct pending *p, const void *e)
{
	char buf[ROUTEFMT_MAX];

	if (e == NULL || !pending_remove(p, e, NULL))
		return;
	p->prefix(e, buf, sizeof(buf));
	log_debug("set",
	    "createAndWait row for %s: its route is in the kernel, whose row it is now", buf);
}

void
writer_entry_changed(struct writer *w, const struct rt_ops *ops, const void *old, const void *new)
{
	/* The first change after a route's IPv6 gateway got no id (a dump thread's parse). */
	route_via6_log_full();
	if (ops == &rt6_ops) {
		entry_changed(w, &w->persist6, w->pm6, old, new);
		pending_superseded(&w->pending6, new);
	} else {
		entry_changed(w, &w->persist, w->pm, old, new);
		pending_superseded(&w->pending, new);
	}
}

/*
 * A persisted IPv6 row names its link, and the kernel sends no route
 * message when a link is renamed: the row's route stays, on a link of
 * another name, which is not the row's route any more.  So each link
 * added, renamed (or otherwise changed) or removed refreshes the IPv6 set
 * from the mirror and, if a row lacks its route, arms the apply: a row
 * whose link has gone by its name is in error as at start ("interface X
 * does not exist"), and installs when a link of that name appears.
 */
void
writer_link_changed(enum iface_change what, const struct link *l, const struct iface_addr *a,
    void *arg)
{
	struct writer *w = arg;

	if (a != NULL || what == IFACE_LINK_STATE || w->pm6 == NULL || w->persist6.n == 0)
		return;
	persist_refresh(&w->persist6, w->pm6);
	if (w->persist6.nactive < w->persist6.n)
		arm(w, APPLY_SETTLE_MS);
}

/* Some persisted routes of either family are not in the kernel. */
static int
missing(const struct writer *w)
{
	return w->persist.nactive < w->persist.n ||
	    (w->pm6 != NULL && w->persist6.nactive < w->persist6.n);
}

void
writer_apply(struct writer *w)
{
	size_t left;

	if (!missing(w))
		return;
	/* Not between a SET's step and the kernel's answer: its rows are half made. */
	if (w->set_acting) {
		arm(w, APPLY_SOON_MS);
		return;
	}
	left = persist_apply(&w->persist, w->pm, w->q);
	if (w->pm6 != NULL)
		left += persist_apply(&w->persist6, w->pm6, w->q);
	writer_sync(w);
	if (left > 0)
		arm(w, APPLY_RETRY_MS);
}

const struct proute *
writer_gateway_owner(const struct writer *w, int six, const void *live)
{
	if (six)
		return w->pm6 != NULL ? persist_owner_of(&w->persist6, w->pm6, live) : NULL;
	return persist_owner_of(&w->persist, w->pm, live);
}

/* ---- a kernel route read back whole ------------------------------------------------ */

/* Is this message the fetch's route: one hop, the same row, the same type? */
static int
is_row_route(struct nlmsghdr *nlh, void *arg)
{
	static const struct mirror_config any = { .all_tables = 1 };
	const struct writer_fetch *rr = arg;
	struct route hop;

	/* Through the mirror's nexthop objects, as the row was made. */
	return mirror_parse_route_nh(&any, rr->m, nlh, &hop, 1) == 1 &&
	    !(hop.flags & ROUTE_F_MULTI) && route_cmp(&hop, &rr->key.r4) == 0 &&
	    hop.type == rr->key.r4.type;
}

/* The same for an IPv6 route: one hop (a multipath route's message has more). */
static int
is_row_route6(struct nlmsghdr *nlh, void *arg)
{
	static const struct mirror_config any = { .all_tables = 1 };
	const struct writer_fetch *rr = arg;
	const struct route6 *want = &rr->key.r6;
	struct rt_parse p = { &any, mirror_nh_map(rr->m), mirror_now(rr->m) };
	struct route6 hop;
	struct nh_ref ref;

	return rt6_ops.parse(&p, nlh, &hop, 1, &ref) == 1 && !(hop.flags & ROUTE_F_MULTI) &&
	    route6_cmp(&hop, want) == 0 && hop.type == want->type;
}

int
writer_fetch_async(struct writer *w, int six, const void *kern, struct writer_fetch *f,
    struct nlroute *out, nlreq_done_fn done, void *arg, char *err, size_t errlen)
{
	if (six) {
		const struct route6 *k = kern;

		f->key.r6 = *k;
		f->m = w->m6;
		return nlreq_route_fetch_async(w->qa, AF_INET6, k->table, k->proto,
		    k->type == RTN_UNICAST ? k->ifindex : 0, is_row_route6, f, out, done, arg, err,
		    errlen);
	}
	const struct route *k = kern;

	f->key.r4 = *k;
	f->m = w->m;
	return nlreq_route_fetch_async(w->qa, AF_INET, k->table, k->proto, k->ifindex, is_row_route,
	    f, out, done, arg, err, errlen);
}

void
writer_abandon_requests(struct writer *w)
{
	nlreq_abandon(w->qa, -ETIMEDOUT, "no answer from the kernel within the SET's time budget");
}
