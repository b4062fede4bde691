/*
 * Unit tests: route-change events (notify.c): sequence numbers and their
 * wrap, the history ring and its GETNEXT order, the rate limit and its
 * summaries, the queue for the master (acknowledgements, resends, the bound
 * and the summary of what it dropped), the state file, and the one stream
 * of both families (IPv4 and IPv6 changes numbered, summarised, queued and
 * kept in the history together).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "event/notify.h"
#include "route/rt.h"

#define IP(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* What the notifier handed to the "master". */
static struct notify_msg sent[256];
static size_t nsent;
static int send_fails;
static unsigned armed_ms;

static int
capture(const struct notify_msg *m, void *arg)
{
	if (send_fails)
		return -1;
	assert_true(nsent < sizeof(sent) / sizeof(sent[0]));
	sent[nsent++] = *m;
	return 0;
}

static void
arm(unsigned ms, void *arg)
{
	armed_ms = ms;
}

static void
setup(struct notify *n, unsigned rate, unsigned history, unsigned queue)
{
	notify_init(n);
	n->set.rate = rate;
	n->set.history = history;
	n->set.queue = queue;
	notify_set_callbacks(n, capture, arm, NULL);
	n->hist = history ? calloc(history, sizeof(*n->hist)) : NULL;
	n->hcap = history;
	nsent = 0;
	send_fails = 0;
	armed_ms = 0;
}

static struct route
route_n(unsigned i)
{
	struct route r;

	memset(&r, 0, sizeof(r));
	r.dst = IP(100, 64, i / 256, i % 256);
	r.plen = 32;
	r.nexthop = IP(10, 1, 0, 2);
	r.ifindex = 3;
	r.table = 254;
	r.metric = i;
	return r;
}

static void
changes(struct notify *n, unsigned count, enum notify_kind kind, int bulk)
{
	for (unsigned i = 0; i < count; i++) {
		struct route r = route_n(i);

		notify_change(n, kind, &rt4_ops, &r, bulk);
	}
}

/* IPv6 route i: 2001:db8::i/128 via fe80::1 dev 4, table 254, metric 1024 + i. */
static struct route6
route6_n(unsigned i)
{
	struct route6 r;

	memset(&r, 0, sizeof(r));
	r.dst[0] = 0x20;
	r.dst[1] = 0x01;
	r.dst[2] = 0x0d;
	r.dst[3] = 0xb8;
	r.dst[14] = (uint8_t)(i >> 8);
	r.dst[15] = (uint8_t)i;
	r.plen = 128;
	r.nexthop[0] = 0xfe;
	r.nexthop[1] = 0x80;
	r.nexthop[15] = 1;
	r.ifindex = 4;
	r.table = 254;
	r.metric = 1024 + i;
	return r;
}

/* count changes alternating IPv4 (even i) and IPv6 (odd i), IPv4 first. */
static void
mixed(struct notify *n, unsigned count, enum notify_kind kind, int bulk)
{
	for (unsigned i = 0; i < count; i++) {
		struct route r4 = route_n(i);
		struct route6 r6 = route6_n(i);

		if (i % 2 == 0)
			notify_change(n, kind, &rt4_ops, &r4, bulk);
		else
			notify_change(n, kind, &rt6_ops, &r6, bulk);
	}
}

/* The event is change i of mixed(): its family and its own entry, whole. */
static void
assert_mixed_event(const struct notify_event *ev, unsigned i)
{
	if (i % 2 == 0) {
		struct route r = route_n(i);

		assert_int_equal(ev->family, AF_INET);
		assert_memory_equal(&ev->route, &r, sizeof(r));
	} else {
		struct route6 r = route6_n(i);

		assert_int_equal(ev->family, AF_INET6);
		assert_memory_equal(&ev->route6, &r, sizeof(r));
	}
}

static void
ack_all(struct notify *n, int ok)
{
	size_t upto = nsent;

	for (size_t k = 0; k < upto; k++)
		notify_ack(n, sent[k].id, ok);
}

static void
test_seq_wrap(void **state)
{
	assert_int_equal(notify_seq_of(0), 0);
	assert_int_equal(notify_seq_of(1), 1);
	assert_int_equal(notify_seq_of(4294967295ull), 4294967295u);
	assert_int_equal(notify_seq_of(4294967296ull), 1);
	assert_int_equal(notify_seq_of(2 * 4294967295ull + 5), 5);
}

/* The first rate changes of an interval go one by one; the rest make one summary. */
static void
test_rate_limit(void **state)
{
	struct notify n;

	setup(&n, 3, 100, 100);
	notify_connected(&n, 1);
	changes(&n, 10, NOTIFY_ADDED, 0);
	assert_int_equal(armed_ms, NOTIFY_INTERVAL_MS);
	assert_int_equal(nsent, 3);
	for (size_t k = 0; k < 3; k++) {
		assert_int_equal(sent[k].type, NOTIFY_MSG_CHANGE);
		assert_int_equal(sent[k].u.ev.seq, k + 1);
		assert_int_equal(sent[k].u.ev.kind, NOTIFY_ADDED);
		assert_int_equal(sent[k].u.ev.route.metric, k);
	}
	assert_int_equal(n.stats.suppressed, 7);
	notify_timer(&n); /* the interval ends */
	assert_int_equal(nsent, 4);
	assert_int_equal(sent[3].type, NOTIFY_MSG_SUMMARY);
	assert_int_equal(sent[3].u.sum.count[0], 7);
	assert_int_equal(sent[3].u.sum.count[1], 0);
	assert_int_equal(sent[3].u.sum.first, 4);
	assert_int_equal(sent[3].u.sum.last, 10);
	/* A new interval: individual notifications again. */
	changes(&n, 2, NOTIFY_REMOVED, 0);
	assert_int_equal(nsent, 6);
	assert_int_equal(sent[5].u.ev.seq, 12);
	assert_int_equal(sent[5].u.ev.kind, NOTIFY_REMOVED);
	notify_timer(&n);
	assert_int_equal(nsent, 6); /* nothing suppressed: no summary */
	ack_all(&n, 1);
	assert_int_equal(notify_queued(&n), 0);
	assert_int_equal(n.stats.sent, 6);
	notify_free(&n);
}

/* Rate 0: summaries only; a re-dump after lost events: a summary too; disabled: nothing. */
static void
test_summaries_only(void **state)
{
	struct notify n;
	char err[128];

	setup(&n, 0, 100, 100);
	notify_connected(&n, 1);
	changes(&n, 4, NOTIFY_CHANGED, 0);
	assert_int_equal(nsent, 0);
	notify_timer(&n);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].u.sum.count[2], 4);

	n.set.rate = 100;
	changes(&n, 1, NOTIFY_ADDED, 0);
	changes(&n, 5, NOTIFY_REMOVED, 1); /* bulk */
	changes(&n, 1, NOTIFY_ADDED, 0);
	assert_int_equal(nsent, 3);
	notify_timer(&n);
	assert_int_equal(nsent, 4);
	assert_int_equal(sent[3].u.sum.count[1], 5);
	assert_int_equal(sent[3].u.sum.first, 6);
	assert_int_equal(sent[3].u.sum.last, 10);

	assert_int_equal(notify_set_enabled(&n, 0, err, sizeof(err)), 0);
	changes(&n, 3, NOTIFY_ADDED, 0);
	notify_timer(&n);
	assert_int_equal(nsent, 4);
	assert_int_equal(notify_last_seq(&n), 14);
	assert_int_equal(notify_history_count(&n), 14); /* still recorded */
	notify_free(&n);
}

/* While the master is away, notifications wait; they go when it is back, and again if refused. */
static void
test_queue_while_away(void **state)
{
	struct notify n;

	setup(&n, 100, 10, 100);
	changes(&n, 5, NOTIFY_ADDED, 0);
	assert_int_equal(nsent, 0);
	assert_int_equal(notify_queued(&n), 5);
	notify_connected(&n, 1);
	assert_int_equal(nsent, 5);
	/* The session drops before the answers: all are sent again, in order. */
	notify_connected(&n, 0);
	ack_all(&n, 0);
	assert_int_equal(notify_queued(&n), 5);
	nsent = 0;
	notify_connected(&n, 1);
	assert_int_equal(nsent, 5);
	for (size_t k = 0; k < 5; k++)
		assert_int_equal(sent[k].u.ev.seq, k + 1);
	/* Acknowledged out of order: the queue empties all the same. */
	notify_ack(&n, sent[2].id, 1);
	notify_ack(&n, sent[0].id, 1);
	assert_int_equal(notify_queued(&n), 3);
	notify_ack(&n, sent[1].id, 1);
	notify_ack(&n, sent[4].id, 1);
	notify_ack(&n, sent[3].id, 1);
	notify_ack(&n, sent[3].id, 1); /* twice: ignored */
	assert_int_equal(notify_queued(&n), 0);
	/* A send that fails stays queued and is retried by the timer. */
	send_fails = 1;
	nsent = 0;
	changes(&n, 1, NOTIFY_ADDED, 0);
	assert_int_equal(notify_queued(&n), 1);
	send_fails = 0;
	notify_timer(&n); /* interval end */
	notify_timer(&n); /* retry */
	assert_int_equal(nsent, 1);
	notify_free(&n);
}

/* Past the bound, notifications are dropped, counted, and covered by a summary. */
static void
test_queue_bound(void **state)
{
	struct notify n;

	setup(&n, 100, 10, 2);
	changes(&n, 5, NOTIFY_ADDED, 0);
	changes(&n, 1, NOTIFY_REMOVED, 0);
	assert_int_equal(notify_queued(&n), 2);
	assert_int_equal(n.stats.dropped, 4);
	notify_connected(&n, 1);
	/* The master back: room again (the bound is for its absence), the summary follows. */
	assert_int_equal(nsent, 3);
	assert_int_equal(sent[0].u.ev.seq, 1);
	assert_int_equal(sent[1].u.ev.seq, 2);
	assert_int_equal(sent[2].type, NOTIFY_MSG_SUMMARY);
	assert_int_equal(sent[2].u.sum.count[0], 3);
	assert_int_equal(sent[2].u.sum.count[1], 1);
	assert_int_equal(sent[2].u.sum.first, 3);
	assert_int_equal(sent[2].u.sum.last, 6);
	ack_all(&n, 1);
	assert_int_equal(notify_queued(&n), 0);
	/* Connected with a queue of 0 and a rate limit of 0 (no room at all): a message still
	   goes straight to the master when nothing waits, here the interval's summary. */
	n.set.queue = 0;
	n.set.rate = 0;
	notify_timer(&n);
	nsent = 0;
	changes(&n, 2, NOTIFY_ADDED, 0);
	assert_int_equal(nsent, 0);
	notify_timer(&n);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].type, NOTIFY_MSG_SUMMARY);
	assert_int_equal(sent[0].u.sum.count[0], 2);
	assert_int_equal(n.stats.dropped, 4);
	notify_free(&n);
}

/*
 * What the "master" got reports every sequence number of first..last once:
 * alone, or counted in one summary whose range holds it (a summary counts
 * exactly the numbers of its range not sent alone), as trap_log.py checks.
 */
static void
assert_coverage(uint32_t first, uint32_t last)
{
	unsigned ind[64] = { 0 }, cov[64] = { 0 };

	assert_true(last - first < 64);
	for (size_t k = 0; k < nsent; k++)
		if (sent[k].type == NOTIFY_MSG_CHANGE && sent[k].u.ev.seq >= first &&
		    sent[k].u.ev.seq <= last)
			ind[sent[k].u.ev.seq - first]++;
	for (size_t k = 0; k < nsent; k++) {
		const struct notify_summary *s = &sent[k].u.sum;
		unsigned own = 0;

		if (sent[k].type != NOTIFY_MSG_SUMMARY)
			continue;
		assert_true(s->first >= first && s->last <= last && s->first <= s->last);
		for (uint32_t q = s->first; q <= s->last; q++)
			if (ind[q - first] == 0) {
				own++;
				cov[q - first]++;
			}
		assert_int_equal(s->count[0] + s->count[1] + s->count[2], own);
	}
	for (uint32_t q = first; q <= last; q++) {
		if (ind[q - first] + cov[q - first] != 1)
			fail_msg("sequence %u: sent alone %u times, in %u summaries", q,
			    ind[q - first], cov[q - first]);
	}
}

static size_t
count_changes(size_t from)
{
	size_t c = 0;

	for (size_t k = from; k < nsent; k++)
		c += sent[k].type == NOTIFY_MSG_CHANGE;
	return c;
}

/*
 * The queue built while the master was away is replayed at the rate limit:
 * the first rate changes go one by one, the rest are folded into one
 * summary (issue 9, item 11: it went out in one burst); a change arriving
 * while the interval's allowance is spent waits for the next interval.
 */
static void
test_paced_replay(void **state)
{
	struct notify n;
	size_t before;

	setup(&n, 3, 100, 100);
	changes(&n, 10, NOTIFY_ADDED, 0);   /* 1-3 queued, 4-10 suppressed */
	notify_timer(&n);                   /* summary 4..10 queued */
	changes(&n, 10, NOTIFY_REMOVED, 0); /* 11-13 queued, 14-20 suppressed */
	notify_timer(&n);                   /* summary 14..20 queued */
	assert_int_equal(notify_queued(&n), 8);
	assert_int_equal(nsent, 0);

	notify_connected(&n, 1);
	assert_int_equal(count_changes(0), 3);
	assert_int_equal(nsent, 5); /* 1, 2, 3, summary 4..10, summary of the rest */
	assert_int_equal(sent[3].type, NOTIFY_MSG_SUMMARY);
	assert_int_equal(sent[3].u.sum.first, 4);
	assert_int_equal(sent[3].u.sum.last, 10);
	assert_int_equal(sent[4].type, NOTIFY_MSG_SUMMARY);
	assert_int_equal(sent[4].u.sum.first, 11);
	assert_int_equal(sent[4].u.sum.last, 20);
	assert_int_equal(sent[4].u.sum.count[1], 10);
	assert_int_equal(n.stats.suppressed, 7 + 7 + 3); /* the 3 folded count as summarised */
	assert_int_equal(armed_ms, NOTIFY_INTERVAL_MS);  /* the interval of the replay */
	assert_coverage(1, 20);

	/* The interval's allowance is spent: a new change waits for the next one. */
	changes(&n, 1, NOTIFY_CHANGED, 0);
	assert_int_equal(nsent, 5);
	assert_int_equal(notify_queued(&n), 6);
	notify_timer(&n);
	assert_int_equal(nsent, 6);
	assert_int_equal(sent[5].type, NOTIFY_MSG_CHANGE);
	assert_int_equal(sent[5].u.ev.seq, 21);
	assert_coverage(1, 21);
	ack_all(&n, 1);
	assert_int_equal(notify_queued(&n), 0);

	/* A long outage: 5 intervals of 3 changes each; one interval's worth goes alone. */
	notify_connected(&n, 0);
	notify_timer(&n);
	for (int i = 0; i < 5; i++) {
		changes(&n, 3, NOTIFY_ADDED, 0);
		notify_timer(&n);
	}
	before = nsent;
	notify_connected(&n, 1);
	assert_int_equal(count_changes(before), 3);
	assert_int_equal(nsent - before, 4);
	assert_int_equal(sent[nsent - 1].u.sum.first, 25);
	assert_int_equal(sent[nsent - 1].u.sum.last, 36);
	assert_int_equal(sent[nsent - 1].u.sum.count[0], 12);
	assert_coverage(1, 36);
	notify_free(&n);
}

/*
 * Notifications the master may have passed on when the session died are
 * sent again as they were, even past the rate limit, and never folded into
 * a summary (a receiver would count them twice).
 */
static void
test_replay_resends(void **state)
{
	struct notify n;

	setup(&n, 5, 100, 100);
	notify_connected(&n, 1);
	changes(&n, 5, NOTIFY_ADDED, 0);
	assert_int_equal(nsent, 5);
	notify_connected(&n, 0);
	ack_all(&n, 0); /* the session closed: no answers */
	notify_timer(&n);
	n.set.rate = 2;
	changes(&n, 6, NOTIFY_REMOVED, 0); /* 6, 7 queued; 8-11 suppressed */
	notify_timer(&n);
	nsent = 0;
	notify_connected(&n, 1);
	assert_int_equal(nsent, 5); /* 1-5 again; 6 and 7 wait for the next interval */
	for (size_t k = 0; k < 5; k++)
		assert_int_equal(sent[k].u.ev.seq, k + 1);
	notify_timer(&n);
	assert_int_equal(nsent, 8);
	assert_int_equal(sent[5].u.ev.seq, 6);
	assert_int_equal(sent[6].u.ev.seq, 7);
	assert_int_equal(sent[7].u.sum.first, 8);
	assert_int_equal(sent[7].u.sum.last, 11);
	assert_coverage(1, 11);
	notify_free(&n);
}

static unsigned slice_ms;

static void
arm_slice(unsigned ms, void *arg)
{
	slice_ms = ms;
}

/* With a slice timer, an interval's allowance is spread: a tenth of the limit every 100 ms. */
static void
test_sliced_sends(void **state)
{
	struct notify n;

	setup(&n, 30, 100, 100);
	notify_set_slicer(&n, arm_slice);
	slice_ms = 0;
	changes(&n, 10, NOTIFY_ADDED, 0); /* before the master: all ten wait */
	notify_connected(&n, 1);
	assert_int_equal(nsent, 3);
	assert_int_equal(slice_ms, NOTIFY_SLICE_MS);
	notify_slice(&n);
	assert_int_equal(nsent, 6);
	notify_slice(&n);
	notify_slice(&n);
	assert_int_equal(nsent, 10);
	for (size_t k = 0; k < 10; k++)
		assert_int_equal(sent[k].u.ev.seq, k + 1);
	/* Rate 0: a resend still goes, one a slice. */
	notify_connected(&n, 0);
	ack_all(&n, 0);
	n.set.rate = 0;
	nsent = 0;
	notify_slice(&n);
	notify_connected(&n, 1);
	assert_int_equal(nsent, 1);
	notify_slice(&n);
	assert_int_equal(nsent, 2);
	notify_free(&n);
}

/*
 * notifyQueueLength bounds what is kept while the master is away: with the
 * master there, a burst within the rate limit waits for the slices that
 * spread it and goes one by one, none dropped (notify_churn.sh: 65 of 100
 * changes were dropped and summarised with notifyQueueLength 20 and rate
 * limit 150, the master connected). Away, the bound applies again.
 */
static void
test_sliced_within_bound(void **state)
{
	struct notify n;

	setup(&n, 30, 100, 2);
	notify_set_slicer(&n, arm_slice);
	notify_connected(&n, 1);
	changes(&n, 30, NOTIFY_ADDED, 0);
	assert_int_equal(n.stats.dropped, 0);
	assert_int_equal(nsent, 3);
	for (int k = 0; k < 9; k++)
		notify_slice(&n);
	assert_int_equal(nsent, 30);
	for (size_t k = 0; k < 30; k++) {
		assert_int_equal(sent[k].type, NOTIFY_MSG_CHANGE);
		assert_int_equal(sent[k].u.ev.seq, k + 1);
	}
	ack_all(&n, 1);
	assert_int_equal(notify_queued(&n), 0);
	/* The master away: two are kept, the rest dropped and summarised. */
	notify_connected(&n, 0);
	notify_timer(&n);
	changes(&n, 5, NOTIFY_REMOVED, 0);
	assert_int_equal(notify_queued(&n), 2);
	assert_int_equal(n.stats.dropped, 3);
	notify_free(&n);
}

/*
 * With the master there and slow (no slice, no ack), an interval's changes
 * carried over by pace() and the next interval's wait together: up to twice
 * the limit, none dropped even with a queue of 0. When the master goes away,
 * what waits beyond notifyQueueLength is dropped into a summary that follows
 * the kept ones when it is back: every sequence number reported once.
 */
static void
test_carried_within_bound(void **state)
{
	struct notify n;

	setup(&n, 30, 100, 0);
	notify_set_slicer(&n, arm_slice);
	notify_connected(&n, 1);
	changes(&n, 30, NOTIFY_ADDED, 0);
	assert_int_equal(nsent, 3);
	notify_timer(&n); /* the interval ends: pace() keeps the 27 unsent */
	changes(&n, 30, NOTIFY_REMOVED, 0);
	assert_int_equal(n.stats.dropped, 0);
	assert_int_equal(notify_queued(&n), 60);
	/* away with 57 unsent: 4 kept (the queue of 4), 53 dropped into one summary */
	n.set.queue = 4;
	notify_connected(&n, 0);
	assert_int_equal(n.stats.dropped, 53);
	assert_int_equal(notify_queued(&n), 3 + 4);
	ack_all(&n, 1);
	nsent = 0;
	for (int k = 0; k < 10; k++)
		notify_slice(&n);
	notify_connected(&n, 1);
	for (int k = 0; k < 10; k++)
		notify_slice(&n);
	ack_all(&n, 1);
	assert_int_equal(nsent, 5);
	for (size_t k = 0; k < 4; k++)
		assert_int_equal(sent[k].u.ev.seq, k + 4);
	assert_int_equal(sent[4].type, NOTIFY_MSG_SUMMARY);
	assert_int_equal(sent[4].u.sum.first, 8);
	assert_int_equal(sent[4].u.sum.last, 60);
	assert_int_equal(sent[4].u.sum.count[0], 23);
	assert_int_equal(sent[4].u.sum.count[1], 30);
	assert_int_equal(notify_queued(&n), 0);
	notify_free(&n);
}

/* A summary's range folds across the wrap of the sequence numbers (4294967295, then 1). */
static void
test_fold_wrap(void **state)
{
	struct notify n;

	setup(&n, 1, 10, 100);
	n.total = 4294967293ull;
	for (int i = 0; i < 4; i++) {
		changes(&n, 1, NOTIFY_ADDED, 0);
		notify_timer(&n);
	}
	notify_connected(&n, 1);
	assert_int_equal(nsent, 2);
	assert_int_equal(sent[0].u.ev.seq, 4294967294u);
	assert_int_equal(sent[1].type, NOTIFY_MSG_SUMMARY);
	assert_int_equal(sent[1].u.sum.first, 4294967295u);
	assert_int_equal(sent[1].u.sum.last, 2);
	assert_int_equal(sent[1].u.sum.count[0], 3);
	notify_free(&n);
}

/* The ring keeps the newest rows; GETNEXT order is by sequence number, across the wrap. */
static void
test_history(void **state)
{
	struct notify n;
	const struct notify_event *ev;
	char err[128];

	setup(&n, 100, 3, 100);
	changes(&n, 5, NOTIFY_ADDED, 0);
	assert_int_equal(notify_history_count(&n), 3);
	assert_int_equal(notify_history_first(&n)->seq, 3);
	assert_int_equal(notify_history_seek(&n, 4, 1)->seq, 5);
	assert_int_equal(notify_history_seek(&n, 4, 0)->seq, 4);
	assert_null(notify_history_seek(&n, 5, 1));
	assert_int_equal(notify_history_seek(&n, 4, 0)->route.metric, 3);
	assert_int_equal(notify_set_history(&n, 2, err, sizeof(err)), 0);
	assert_int_equal(notify_history_count(&n), 3); /* until the SET commits */
	notify_commit_history(&n);
	assert_int_equal(notify_history_count(&n), 2);
	assert_int_equal(notify_history_first(&n)->seq, 4);
	assert_int_equal(notify_set_history(&n, 0, err, sizeof(err)), 0);
	notify_commit_history(&n);
	assert_null(notify_history_first(&n));
	assert_int_equal(notify_set_history(&n, 5, err, sizeof(err)), 0);

	/* Around the wrap: 4294967294, 4294967295, 1, 2, 3. */
	n.total = n.reserved = 4294967293ull;
	changes(&n, 5, NOTIFY_REMOVED, 0);
	assert_int_equal(notify_last_seq(&n), 3);
	ev = notify_history_first(&n);
	assert_int_equal(ev->seq, 1);
	assert_int_equal(notify_history_seek(&n, 3, 1)->seq, 4294967294u);
	assert_int_equal(notify_history_seek(&n, 4294967294u, 1)->seq, 4294967295u);
	assert_null(notify_history_seek(&n, 4294967295u, 1));
	assert_int_equal(notify_history_seek(&n, 1000, 0)->seq, 4294967294u);
	assert_int_equal(notify_history_seek(&n, 2, 0)->route.metric, 3);
	notify_free(&n);
}

/*
 * IPv4 and IPv6 changes take their numbers from one sequence, gapless
 * across the families, and go out one by one in that order, each with its
 * family's entry; the history holds both, the newest eventHistorySize
 * whatever their family.
 */
static void
test_mixed_numbering(void **state)
{
	struct notify n;
	const struct notify_event *ev;

	setup(&n, 100, 6, 100);
	notify_connected(&n, 1);
	mixed(&n, 10, NOTIFY_ADDED, 0);
	assert_int_equal(nsent, 10);
	for (unsigned k = 0; k < 10; k++) {
		assert_int_equal(sent[k].type, NOTIFY_MSG_CHANGE);
		assert_int_equal(sent[k].u.ev.seq, k + 1);
		assert_mixed_event(&sent[k].u.ev, k);
	}
	assert_int_equal(notify_last_seq(&n), 10);
	/* The ring of 6: sequence 5..10, both families, in order. */
	assert_int_equal(notify_history_count(&n), 6);
	ev = notify_history_first(&n);
	for (unsigned q = 5; q <= 10; q++) {
		assert_non_null(ev);
		assert_int_equal(ev->seq, q);
		assert_mixed_event(ev, q - 1);
		ev = notify_history_seek(&n, ev->seq, 1);
	}
	assert_null(ev);
	/* Then IPv6 only: the next number follows the last IPv4 one. */
	{
		struct route6 r6 = route6_n(99);

		notify_change(&n, NOTIFY_REMOVED, &rt6_ops, &r6, 0);
	}
	assert_int_equal(sent[10].u.ev.seq, 11);
	assert_int_equal(sent[10].u.ev.family, AF_INET6);
	assert_int_equal(sent[10].u.ev.kind, NOTIFY_REMOVED);
	assert_int_equal(notify_history_seek(&n, 11, 0)->route6.metric, 1024 + 99);
	ack_all(&n, 1);
	assert_int_equal(notify_queued(&n), 0);
	notify_free(&n);
}

/*
 * The rate limit counts both families together; one summary covers the
 * rest of the interval, both families counted by kind, over one range; a
 * re-dump's changes (bulk) of either family go to that summary too.
 */
static void
test_mixed_summary(void **state)
{
	struct notify n;
	struct route r4 = route_n(50);
	struct route6 r6 = route6_n(51);

	setup(&n, 4, 100, 100);
	notify_connected(&n, 1);
	mixed(&n, 10, NOTIFY_ADDED, 0);                      /* 1..10 */
	notify_change(&n, NOTIFY_REMOVED, &rt6_ops, &r6, 0); /* 11 */
	notify_change(&n, NOTIFY_CHANGED, &rt4_ops, &r4, 1); /* 12, a re-dump's */
	notify_change(&n, NOTIFY_CHANGED, &rt6_ops, &r6, 1); /* 13, a re-dump's */
	assert_int_equal(nsent, 4);
	for (unsigned k = 0; k < 4; k++)
		assert_mixed_event(&sent[k].u.ev, k);
	assert_int_equal(n.stats.suppressed, 9);
	notify_timer(&n);
	assert_int_equal(nsent, 5);
	assert_int_equal(sent[4].type, NOTIFY_MSG_SUMMARY);
	assert_int_equal(sent[4].u.sum.count[0], 6); /* 3 IPv4 and 3 IPv6 additions */
	assert_int_equal(sent[4].u.sum.count[1], 1); /* the IPv6 removal */
	assert_int_equal(sent[4].u.sum.count[2], 2); /* one change of each family */
	assert_int_equal(sent[4].u.sum.first, 5);
	assert_int_equal(sent[4].u.sum.last, 13);
	assert_coverage(1, 13);
	/* Every change is in the history, with its family, summarised ones included. */
	assert_int_equal(notify_history_count(&n), 13);
	assert_int_equal(notify_history_seek(&n, 12, 0)->family, AF_INET);
	assert_int_equal(notify_history_seek(&n, 13, 0)->family, AF_INET6);
	notify_free(&n);
}

/*
 * While the master is away the queue holds both families in order; its
 * bound counts both; what it dropped, of either family, is one summary;
 * the replay after reconnecting is paced over both families.
 */
static void
test_mixed_queue(void **state)
{
	struct notify n;
	size_t before;

	setup(&n, 100, 10, 6);
	mixed(&n, 6, NOTIFY_ADDED, 0);
	assert_int_equal(notify_queued(&n), 6);
	mixed(&n, 3, NOTIFY_REMOVED, 0); /* 7 (IPv4), 8 (IPv6), 9 (IPv4): dropped */
	assert_int_equal(n.stats.dropped, 3);
	notify_connected(&n, 1);
	assert_int_equal(nsent, 7); /* the 6 kept, then the summary of the dropped */
	for (unsigned k = 0; k < 6; k++) {
		assert_int_equal(sent[k].u.ev.seq, k + 1);
		assert_mixed_event(&sent[k].u.ev, k);
	}
	assert_int_equal(sent[6].type, NOTIFY_MSG_SUMMARY);
	assert_int_equal(sent[6].u.sum.count[1], 3);
	assert_int_equal(sent[6].u.sum.first, 7);
	assert_int_equal(sent[6].u.sum.last, 9);
	ack_all(&n, 1);
	assert_coverage(1, 9);
	assert_int_equal(notify_queued(&n), 0);

	/* The master away again, the rate limit 2: the replay sends 2 and folds the rest. */
	notify_connected(&n, 0);
	notify_timer(&n); /* the interval ends */
	n.set.rate = 2;
	n.set.queue = 100;
	before = nsent;
	mixed(&n, 5, NOTIFY_CHANGED, 0); /* 10..14 */
	notify_timer(&n);
	assert_int_equal(nsent, before);
	notify_connected(&n, 1);
	assert_int_equal(count_changes(before), 2);
	assert_int_equal(sent[before].u.ev.seq, 10);
	assert_int_equal(sent[before].u.ev.family, AF_INET);
	assert_int_equal(sent[before + 1].u.ev.seq, 11);
	assert_int_equal(sent[before + 1].u.ev.family, AF_INET6);
	assert_int_equal(sent[nsent - 1].type, NOTIFY_MSG_SUMMARY);
	assert_int_equal(sent[nsent - 1].u.sum.count[2], 3);
	assert_int_equal(sent[nsent - 1].u.sum.first, 12);
	assert_int_equal(sent[nsent - 1].u.sum.last, 14);
	assert_coverage(1, 14);
	notify_free(&n);
}

static char *
read_file(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t len;

	if (f == NULL)
		return NULL;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* The state file: settings written through SNMP win, numbering continues, bad lines are skipped. */
static void
test_state_file(void **state)
{
	char dir[] = "/tmp/cimr-notify-XXXXXX", path[256], err[256];
	struct notify n;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/" NOTIFY_FILE, dir);

	/* No file: the configured values. */
	setup(&n, 100, 0, 100);
	free(n.hist);
	n.hist = NULL;
	n.hcap = 0;
	n.set.rate = 7;
	n.set.history = 20;
	assert_int_equal(notify_open(&n, dir), 0);
	assert_int_equal(n.set.rate, 7);
	assert_int_equal(n.hcap, 20);
	changes(&n, 3, NOTIFY_ADDED, 0);
	/* Numbers are reserved ahead, so a crash never reuses one. */
	assert_non_null(strstr(read_file(path), "changes 65537\n"));
	assert_int_equal(notify_set_rate(&n, 9, err, sizeof(err)), 0);
	assert_int_equal(notify_set_enabled(&n, 0, err, sizeof(err)), 0);
	/* A failed save changes nothing. */
	n.save_fails = 1;
	assert_int_equal(notify_set_rate(&n, 11, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "simulated failure"));
	assert_int_equal(n.set.rate, 9);
	assert_int_equal(notify_set_rate(&n, NOTIFY_RATE_MAX + 1, err, sizeof(err)), -1);
	assert_int_equal(n.set.rate, 9);
	notify_close(&n);
	assert_non_null(strstr(read_file(path), "changes 3\n"));
	assert_non_null(strstr(read_file(path), "notifyRateLimit 9\n"));
	assert_non_null(strstr(read_file(path), "notifyEnabled no\n"));
	assert_null(strstr(read_file(path), "historySize"));

	/* Restart: the written values win over the configuration; numbering goes on. */
	setup(&n, 100, 0, 100);
	n.set.rate = 50;
	assert_int_equal(notify_open(&n, dir), 0);
	assert_int_equal(n.set.rate, 9);
	assert_int_equal(n.set.enabled, 0);
	assert_int_equal(notify_last_seq(&n), 3);
	changes(&n, 1, NOTIFY_ADDED, 0);
	assert_int_equal(notify_last_seq(&n), 4);
	notify_free(&n); /* a crash: no exact count written */

	setup(&n, 100, 0, 100);
	assert_int_equal(notify_open(&n, dir), 0);
	changes(&n, 1, NOTIFY_ADDED, 0);
	assert_true(notify_last_seq(&n) > 4); /* a gap, never a number used twice */
	notify_free(&n);

	/* Bad lines are skipped, good ones kept. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# comment\nchanges 12\nnotifyRateLimit lots\nhistorySize 100001\n"
	      "notifyEnabled maybe\nbogus 1\nchanges\nnotifyRateLimit 5 6\nhistorySize 4\n",
	    f);
	fclose(f);
	setup(&n, 100, 0, 100);
	assert_int_equal(notify_open(&n, dir), 0);
	assert_int_equal(notify_last_seq(&n), 12);
	assert_int_equal(n.set.rate, 100);
	assert_int_equal(n.set.enabled, 1);
	assert_int_equal(n.set.history, 4);
	assert_int_equal(n.written, NOTIFY_SET_HISTORY);
	notify_close(&n);

	unlink(path);
	rmdir(dir);
}

/*
 * A SET of a setting that is rolled back leaves the state file as it was
 * (no line for a value never written through SNMP, so the configuration
 * still wins), and a rolled-back history shrink keeps every row.
 */
static void
test_setting_undo(void **state)
{
	char dir[] = "/tmp/cimr-notify-XXXXXX", path[256], err[256], *before;
	struct notify n;
	struct notify_settings old;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/" NOTIFY_FILE, dir);
	setup(&n, 100, 0, 100);
	free(n.hist);
	n.hist = NULL;
	n.hcap = 0;
	n.set.history = 10;
	assert_int_equal(notify_open(&n, dir), 0);
	changes(&n, 8, NOTIFY_ADDED, 0);
	before = strdup(read_file(path));
	assert_null(strstr(before, "notifyRateLimit"));

	/* Rate, then history: undone in either order, the file is byte-identical. */
	old = n.set;
	assert_int_equal(notify_set_rate(&n, 3, err, sizeof(err)), 0);
	assert_int_equal(notify_set_history(&n, 2, err, sizeof(err)), 0);
	assert_non_null(strstr(read_file(path), "notifyRateLimit 3\n"));
	assert_int_equal(notify_restore_setting(&n, NOTIFY_SET_RATE, &old, 0, err, sizeof(err)), 0);
	assert_int_equal(notify_history_count(&n), 8); /* not shrunk by the other undo */
	assert_int_equal(notify_restore_setting(&n, NOTIFY_SET_HISTORY, &old, 0, err, sizeof(err)),
	    0);
	assert_string_equal(read_file(path), before);
	assert_int_equal(n.set.rate, 100);
	assert_int_equal(n.set.history, 10);
	assert_int_equal(n.written, 0);
	assert_int_equal(notify_history_count(&n), 8);
	assert_int_equal(notify_history_first(&n)->seq, 1);

	/* A larger history undone: back to the old size, no row lost. */
	assert_int_equal(notify_set_history(&n, 50, err, sizeof(err)), 0);
	assert_int_equal(n.hcap, 50);
	assert_int_equal(notify_restore_setting(&n, NOTIFY_SET_HISTORY, &old, 0, err, sizeof(err)),
	    0);
	assert_int_equal(n.hcap, 10);
	assert_int_equal(notify_history_count(&n), 8);
	assert_string_equal(read_file(path), before);

	/* An undo whose save fails says so (the SET answers undoFailed). */
	assert_int_equal(notify_set_enabled(&n, 0, err, sizeof(err)), 0);
	n.save_fails = 1;
	assert_int_equal(notify_restore_setting(&n, NOTIFY_SET_ENABLED, &old, 0, err, sizeof(err)),
	    -1);
	assert_int_equal(notify_restore_setting(&n, NOTIFY_SET_ENABLED, &old, 0, err, sizeof(err)),
	    0);
	assert_string_equal(read_file(path), before);

	free(before);
	notify_free(&n);
	unlink(path);
	rmdir(dir);
}

/*
 * notify-state is never read nor written through a symbolic link, and is
 * 0600 (issue 9, item 2).
 */
static void
test_state_file_links(void **state)
{
	static const char secret[] = "root:$6$secret-hash:19000:0:99999:7:::\n";
	char dir[] = "/tmp/cimr-notify-XXXXXX", target[] = "/tmp/cimr-notify-target-XXXXXX";
	char path[256], tmp[300], err[256];
	struct notify n;
	struct stat st;
	int fd;

	assert_non_null(mkdtemp(dir));
	assert_true((fd = mkstemp(target)) >= 0);
	assert_int_equal(write(fd, secret, strlen(secret)), (ssize_t)strlen(secret));
	close(fd);
	snprintf(path, sizeof(path), "%s/" NOTIFY_FILE, dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* At start: refused, nothing read. */
	assert_int_equal(symlink(target, path), 0);
	setup(&n, 100, 0, 100);
	assert_int_equal(notify_open(&n, dir), -1);
	notify_free(&n);
	assert_int_equal(unlink(path), 0);
	/* Planted while running, as the file or as its temporary: the target stays as it was. */
	setup(&n, 100, 0, 100);
	assert_int_equal(notify_open(&n, dir), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(symlink(target, tmp), 0);
	assert_int_equal(notify_set_rate(&n, 9, err, sizeof(err)), 0);
	assert_string_equal(read_file(target), secret);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(access(tmp, F_OK), -1);
	notify_free(&n);
	unlink(path);
	unlink(target);
	rmdir(dir);
}

static void
test_parse_line(void **state)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "changes -1", "not a number" },
		{ "changes 1x", "not a number" },
		{ "notifyRateLimit 100001", "not a number in range" },
		{ "notifyEnabled 1", "yes or no" },
		{ "historySize", "NAME VALUE" },
		{ "historySize 1 2", "after the value" },
		{ "nosuch 1", "unknown name" },
	};
	struct notify n;
	char err[128];

	notify_init(&n);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		err[0] = '\0';
		assert_int_equal(notify_parse_line(&n, bad[k].line, err, sizeof(err)), -1);
		if (strstr(err, bad[k].why) == NULL)
			fail_msg("'%s': got '%s', expected '%s'", bad[k].line, err, bad[k].why);
	}
	assert_int_equal(notify_parse_line(&n, "  # x", err, sizeof(err)), 0);
	assert_int_equal(notify_parse_line(&n, "changes 18446744073709551615", err, sizeof(err)),
	    -1);
	assert_int_equal(notify_parse_line(&n, "changes 4294967296", err, sizeof(err)), 0);
	assert_int_equal(notify_last_seq(&n), 1);
}

static int released;

static void
release_one(void *data)
{
	assert_int_equal(*(int *)data, 42);
	released++;
}

/*
 * Another module's notification (notify_other): queued while the master is
 * away, sent when it comes, never rate limited nor folded into a summary,
 * released once acknowledged; dropped (and released) when the queue is full.
 */
static void
test_other(void **state)
{
	struct notify n;
	int data = 42;

	(void)state;
	setup(&n, 1, 10, 4);
	released = 0;
	n.set.enabled = 1;
	changes(&n, 2, NOTIFY_ADDED, 0); /* one sent one by one, one suppressed */
	assert_int_equal(notify_other(&n, &data, release_one), 0);
	assert_int_equal(notify_other(&n, &data, release_one), 0);
	assert_int_equal(nsent, 0); /* not connected */
	notify_connected(&n, 1);
	notify_timer(&n); /* the interval ends: the summary, then pace() */
	size_t others = 0;
	for (size_t k = 0; k < nsent; k++)
		others += sent[k].type == NOTIFY_MSG_OTHER;
	assert_int_equal(others, 2);
	for (size_t k = 0; k < nsent; k++)
		notify_ack(&n, sent[k].id, 1);
	assert_int_equal(released, 2);
	/* A full queue drops it, released at once. */
	notify_connected(&n, 0);
	for (int k = 0; k < 4; k++)
		assert_int_equal(notify_other(&n, &data, release_one), 0);
	assert_int_equal(notify_other(&n, &data, release_one), -1);
	assert_int_equal(released, 3);
	notify_free(&n); /* what is still queued is released */
	assert_int_equal(released, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_wrap),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_summaries_only),
		cmocka_unit_test(test_queue_while_away),
		cmocka_unit_test(test_queue_bound),
		cmocka_unit_test(test_paced_replay),
		cmocka_unit_test(test_replay_resends),
		cmocka_unit_test(test_fold_wrap),
		cmocka_unit_test(test_sliced_sends),
		cmocka_unit_test(test_sliced_within_bound),
		cmocka_unit_test(test_carried_within_bound),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_state_file),
		cmocka_unit_test(test_setting_undo),
		cmocka_unit_test(test_state_file_links),
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_mixed_numbering),
		cmocka_unit_test(test_mixed_summary),
		cmocka_unit_test(test_mixed_queue),
		cmocka_unit_test(test_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
