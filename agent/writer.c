/* The write side's shared state: see writer.h. */
#include "config.h"

#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mirror.h"
#include "nlreq.h"
#include "routefmt.h"
#include "writer.h"

#define APPLY_SOON_MS   50    /* a persisted route vanished */
#define APPLY_SETTLE_MS 200   /* routes appeared: an interface may have come back */
#define APPLY_RETRY_MS  30000 /* some persisted routes still cannot be installed */

struct writer *writer;

void
writer_init(struct writer *w, struct mirror *m, struct nlreq *q)
{
	memset(w, 0, sizeof(*w));
	w->m = m;
	w->q = q;
	persist_init(&w->persist);
	writer_default_protocols(w);
}

void
writer_default_protocols(struct writer *w)
{
	memset(w->writable_proto, 0, sizeof(w->writable_proto));
	w->writable_proto[RTPROT_BOOT] = 1;
	w->writable_proto[RTPROT_STATIC] = 1;
	w->writable_proto[CIMR_RTPROT] = 1;
}

static size_t
pending_bound(const struct writer *w, const struct route *key, int strict)
{
	size_t lo = 0, hi = w->npending;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = route_cmp(&w->pending[mid], key);

		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The position of the first pending row whose index is > (strict) or >= the
 * sub-identifiers, in OID order: route_seek_oid's semantics (a partial index
 * or out-of-range sub-identifiers land between rows), so GETNEXT can merge
 * the pending rows with the mirror's.  For a full index, OID order is
 * route_cmp order (masks are contiguous, 0 <= ifindex <= INT32_MAX), so
 * the array sorted by route_cmp is sorted for this search too.
 */
size_t
writer_pending_seek_oid(const struct writer *w, const unsigned long *sub, size_t len, int strict)
{
	size_t lo = 0, hi = w->npending;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = route_oid_cmp(&w->pending[mid], sub, len);

		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct route *
writer_pending_find(const struct writer *w, const struct route *key)
{
	size_t i = pending_bound(w, key, 0);

	return i < w->npending && route_cmp(&w->pending[i], key) == 0 ? &w->pending[i] : NULL;
}

int
writer_pending_add(struct writer *w, const struct route *r)
{
	size_t i = pending_bound(w, r, 0);
	struct route *v;

	if (w->npending >= PENDING_MAX)
		return -1;
	if ((v = realloc(w->pending, (w->npending + 1) * sizeof(*v))) == NULL)
		return -1;
	w->pending = v;
	memmove(&v[i + 1], &v[i], (w->npending - i) * sizeof(*v));
	v[i] = *r;
	v[i].flags |= ROUTE_F_PENDING;
	w->npending++;
	return 0;
}

int
writer_pending_remove(struct writer *w, const struct route *key, struct route *old)
{
	size_t i = pending_bound(w, key, 0);

	if (i >= w->npending || route_cmp(&w->pending[i], key) != 0)
		return 0;
	if (old != NULL)
		*old = w->pending[i];
	memmove(&w->pending[i], &w->pending[i + 1], (w->npending - i - 1) * sizeof(*w->pending));
	if (--w->npending == 0) {
		free(w->pending);
		w->pending = NULL;
	}
	return 1;
}

void
writer_pending_expire(struct writer *w, uint32_t now)
{
	for (size_t i = 0; i < w->npending;) {
		if (now - w->pending[i].first_seen >= PENDING_LIFETIME) {
			char buf[ROUTEFMT_MAX];

			routefmt_prefix(&w->pending[i], buf, sizeof(buf));
			log_info("set",
			    "createAndWait row for %s not activated within %d s; removed", buf,
			    PENDING_LIFETIME);
			writer_pending_remove(w, &w->pending[i], NULL);
		} else {
			i++;
		}
	}
}

void
writer_sync(struct writer *w)
{
	/*
	 * The kernel queues the notification of a change before it acks the
	 * request, so after an ack the event socket already holds it.
	 */
	mirror_read_events(w->m);
	persist_refresh(&w->persist, w->m);
}

static void
arm(struct writer *w, unsigned ms)
{
	if (w->arm_apply != NULL)
		w->arm_apply(ms);
}

void
writer_route_changed(struct writer *w, const struct route *old, const struct route *new)
{
	struct persist *p = &w->persist;
	const struct proute *owner;

	if (p->n == 0)
		return;
	if (old != NULL)
		persist_route_changed(p, w->m, old);
	if (new != NULL)
		persist_route_changed(p, w->m, new);
	/* A persisted route vanished: put it back soon. */
	if (old != NULL && new == NULL && (owner = persist_owner(p, old)) != NULL && !owner->active)
		arm(w, APPLY_SOON_MS);
	else if (new != NULL && p->nactive < p->n)
		arm(w, APPLY_SETTLE_MS);
}

void
writer_apply(struct writer *w)
{
	size_t left;

	if (w->persist.nactive == w->persist.n)
		return;
	left = persist_apply(&w->persist, w->m, w->q);
	writer_sync(w);
	if (left > 0)
		arm(w, APPLY_RETRY_MS);
}
