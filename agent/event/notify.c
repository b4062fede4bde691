/* Route-change events: see notify.h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "event/notify.h"
#include "lib/statefile.h"
#include "lib/strnum.h"
#include "route/rt.h"
#include "snmp/conf.h"

#define SEQ_MAX 4294967295u

enum msg_state {
	MSG_QUEUED,
	MSG_INFLIGHT,
	MSG_ACKED,
};

static const char HEADER[] =
    "# cimrouted route-change event state (CIM-ROUTE-MIB cimRouteEvent), rewritten by\n"
    "# cimrouted.  'changes' is how many changes have been numbered (their sequence\n"
    "# numbers may have been used); the other lines are settings written through SNMP,\n"
    "# which win over cimrouted.conf.  Delete a line to go back to the configured value.\n";

uint32_t
notify_seq_of(uint64_t total)
{
	return total == 0 ? 0 : (uint32_t)((total - 1) % SEQ_MAX + 1);
}

uint32_t
notify_last_seq(const struct notify *n)
{
	return notify_seq_of(n->total);
}

void
notify_init(struct notify *n)
{
	memset(n, 0, sizeof(*n));
	n->dirfd = -1;
	n->set.enabled = 1;
	n->set.rate = NOTIFY_RATE_DEFAULT;
	n->set.history = NOTIFY_HISTORY_DEFAULT;
	n->set.queue = NOTIFY_QUEUE_DEFAULT;
	clock_gettime(CLOCK_REALTIME, &n->last_change);
}

void
notify_set_callbacks(struct notify *n, notify_send_fn send, loop_arm_fn arm, void *arg)
{
	n->send = send;
	n->arg = arg;
	n->arm = (struct loop_arm){ arm, arg };
}

void
notify_set_slicer(struct notify *n, loop_arm_fn arm_slice)
{
	n->arm_slice = (struct loop_arm){ arm_slice, n->arg };
}

static void
interval_fired(void *arg)
{
	notify_timer(arg);
}

static void
slice_fired(void *arg)
{
	notify_slice(arg);
}

void
notify_start(struct notify *n, notify_send_fn send)
{
	notify_set_callbacks(n, send, NULL, n);
	loop_arm_timer(&n->arm, loop_timer_arm, &n->timer, interval_fired, n);
	loop_arm_timer(&n->arm_slice, loop_timer_arm, &n->slice_timer, slice_fired, n);
}

void
notify_stop(struct notify *n)
{
	loop_timer_stop(&n->timer);
	loop_timer_stop(&n->slice_timer);
}

/* ---- the state file ------------------------------------------------------- */

int
notify_parse_line(struct notify *n, const char *line, char *err, size_t errlen)
{
	char key[32], value[32], extra[2];
	unsigned long long v;
	int k;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '#' || *line == '\n')
		return 0;
	k = sscanf(line, "%31s %31s %1s", key, value, extra);
	if (k != 2) {
		snprintf(err, errlen, k < 2 ? "expected 'NAME VALUE'" : "text after the value");
		return -1;
	}
	if (strcmp(key, "changes") == 0) {
		if (strnum(value, 0, UINT64_MAX / 2, &v) < 0)
			goto bad_number;
		n->total = n->reserved = v;
	} else if (strcmp(key, "historySize") == 0) {
		if (strnum(value, 0, NOTIFY_HISTORY_MAX, &v) < 0)
			goto bad_number;
		n->set.history = (unsigned)v;
		n->written |= NOTIFY_SET_HISTORY;
	} else if (strcmp(key, "notifyRateLimit") == 0) {
		if (strnum(value, 0, NOTIFY_RATE_MAX, &v) < 0)
			goto bad_number;
		n->set.rate = (unsigned)v;
		n->written |= NOTIFY_SET_RATE;
	} else if (strcmp(key, "notifyEnabled") == 0) {
		if (strcmp(value, "yes") == 0)
			n->set.enabled = 1;
		else if (strcmp(value, "no") == 0)
			n->set.enabled = 0;
		else {
			snprintf(err, errlen, "notifyEnabled must be yes or no, not '%s'", value);
			return -1;
		}
		n->written |= NOTIFY_SET_ENABLED;
	} else {
		snprintf(err, errlen, "unknown name '%s'", key);
		return -1;
	}
	return 0;
bad_number:
	snprintf(err, errlen, "%s: '%s' is not a number in range", key, value);
	return -1;
}

/* The file's text for these values. */
static char *
format_state(const struct notify_settings *set, unsigned written, uint64_t changes, size_t *len)
{
	char *data = NULL;
	FILE *f = open_memstream(&data, len);

	if (f == NULL)
		return NULL;
	fputs(HEADER, f);
	fprintf(f, "changes %" PRIu64 "\n", changes);
	if (written & NOTIFY_SET_ENABLED)
		fprintf(f, "notifyEnabled %s\n", set->enabled ? "yes" : "no");
	if (written & NOTIFY_SET_RATE)
		fprintf(f, "notifyRateLimit %u\n", set->rate);
	if (written & NOTIFY_SET_HISTORY)
		fprintf(f, "historySize %u\n", set->history);
	if (fclose(f) != 0) {
		free(data);
		return NULL;
	}
	return data;
}

static int
save(struct notify *n, const struct notify_settings *set, unsigned written, uint64_t changes,
    char *err, size_t errlen)
{
	char *data;
	size_t len;
	int rc;

	if (n->path == NULL || n->dirfd < 0)
		return 0;
	if (n->save_fails > 0) {
		n->save_fails--;
		snprintf(err, errlen, "cannot write %s: simulated failure", n->path);
		return -1;
	}
	if ((data = format_state(set, written, changes, &len)) == NULL) {
		snprintf(err, errlen, "cannot write %s: out of memory", n->path);
		return -1;
	}
	rc = statefile_write(n->dirfd, n->dir, NOTIFY_FILE, data, len, err, errlen);
	free(data);
	return rc;
}

/* Make sure the state file says that numbers up to n->total may be in use. */
static void
reserve(struct notify *n)
{
	static time_t last_log;
	char err[256];
	uint64_t upto = n->total + NOTIFY_SEQ_BLOCK;

	if (n->total <= n->reserved)
		return;
	if (save(n, &n->set, n->written, upto, err, sizeof(err)) < 0) {
		/* Keep numbering; after a crash some numbers could be used twice. */
		if (time(NULL) != last_log)
			log_err("notify", "%s; sequence numbers are not reserved", err);
		last_log = time(NULL);
		n->reserved = n->total;
		return;
	}
	n->reserved = upto;
}

static int ring_resize(struct notify *, unsigned size);

int
notify_open(struct notify *n, const char *dir)
{
	struct notify_settings conf = n->set;
	char line[256], err[PATH_MAX + 128];
	unsigned lineno = 0;
	FILE *f;
	size_t len = strlen(dir) + sizeof("/" NOTIFY_FILE);

	if ((n->path = malloc(len)) == NULL || (n->dir = strdup(dir)) == NULL)
		return -1;
	snprintf(n->path, len, "%s/" NOTIFY_FILE, dir);
	if ((n->dirfd = statefile_opendir(dir, err, sizeof(err))) < 0) {
		int e = errno;

		log_err("notify", "%s", err);
		errno = e;
		return -1;
	}
	statefile_clean(n->dirfd, NOTIFY_FILE); /* left by a crash mid-write */
	if ((f = statefile_open(n->dirfd, dir, NOTIFY_FILE, err, sizeof(err))) == NULL) {
		if (errno != ENOENT) {
			int e = errno;

			log_err("notify", "%s", err);
			errno = e;
			return -1;
		}
	} else {
		while (fgets(line, sizeof(line), f) != NULL) {
			lineno++;
			line[strcspn(line, "\n")] = '\0';
			if (notify_parse_line(n, line, err, sizeof(err)) < 0)
				log_err("notify", "%s:%u: %s; line ignored", n->path, lineno, err);
		}
		fclose(f);
	}
	if ((n->written & NOTIFY_SET_ENABLED) && conf.enabled != n->set.enabled)
		log_notice("notify",
		    "notifyEnabled %s, set through SNMP (%s), replaces the configured %s",
		    n->set.enabled ? "yes" : "no", n->path, conf.enabled ? "yes" : "no");
	if ((n->written & NOTIFY_SET_RATE) && conf.rate != n->set.rate)
		log_notice("notify",
		    "notifyRateLimit %u, set through SNMP (%s), replaces the configured %u",
		    n->set.rate, n->path, conf.rate);
	if ((n->written & NOTIFY_SET_HISTORY) && conf.history != n->set.history)
		log_notice("notify",
		    "eventHistorySize %u, set through SNMP (%s), replaces the configured %u",
		    n->set.history, n->path, conf.history);
	return ring_resize(n, n->set.history);
}

static struct notify_msg *q_at(const struct notify *n, size_t k);

/* The end of a message: another module's data is released. */
static void
settle(struct notify_msg *m)
{
	if (m->type == NOTIFY_MSG_OTHER && m->u.other.release != NULL)
		m->u.other.release(m->u.other.data);
	m->u.other.release = NULL;
}

void
notify_free(struct notify *n)
{
	for (size_t k = 0; k < n->qn; k++)
		settle(q_at(n, k));
	free(n->hist);
	free(n->q);
	free(n->path);
	free(n->dir);
	if (n->dirfd >= 0)
		close(n->dirfd);
	n->hist = NULL;
	n->q = NULL;
	n->path = NULL;
	n->dir = NULL;
	n->dirfd = -1;
	n->hn = n->hcap = n->qn = n->qcap = 0;
}

void
notify_close(struct notify *n)
{
	char err[256];

	if (n->path != NULL && save(n, &n->set, n->written, n->total, err, sizeof(err)) < 0)
		log_err("notify", "%s", err);
	if (notify_queued(n) > 0)
		log_warn("notify", "%zu notifications not delivered to the master are lost",
		    notify_queued(n));
	notify_free(n);
}

/* ---- history ------------------------------------------------------------- */

static int
ring_resize(struct notify *n, unsigned size)
{
	struct notify_event *v = NULL;
	size_t keep = n->hn < size ? n->hn : size;

	if (size > 0 && (v = calloc(size, sizeof(*v))) == NULL)
		return -1;
	/* Keep the newest rows. */
	for (size_t k = 0; k < keep; k++)
		v[k] = n->hist[(n->hstart + n->hn - keep + k) % n->hcap];
	free(n->hist);
	n->hist = v;
	n->hcap = size;
	n->hstart = 0;
	n->hn = keep;
	return 0;
}

static void
history_add(struct notify *n, const struct notify_event *ev)
{
	if (n->hcap == 0)
		return;
	if (n->hn < n->hcap) {
		n->hist[(n->hstart + n->hn) % n->hcap] = *ev;
		n->hn++;
	} else {
		n->hist[n->hstart] = *ev;
		n->hstart = (n->hstart + 1) % n->hcap;
	}
}

size_t
notify_history_count(const struct notify *n)
{
	return n->hn;
}

/*
 * The ring holds consecutive changes, so their sequence numbers are
 * consecutive too, except that they may wrap from 4294967295 to 1: at most
 * two ascending runs, [s0, end of A] and [1, end of B].
 */
const struct notify_event *
notify_history_seek(const struct notify *n, uint32_t seq, int strict)
{
	uint64_t want = (uint64_t)seq + (strict ? 1 : 0), s0, last, best = UINT64_MAX, k;

	if (n->hn == 0)
		return NULL;
	s0 = n->hist[n->hstart].seq;
	last = s0 + n->hn - 1; /* beyond SEQ_MAX when the ring wraps */
	if (last > SEQ_MAX && want <= last - SEQ_MAX)
		best = want < 1 ? 1 : want; /* in run B */
	if (want <= (last < SEQ_MAX ? last : SEQ_MAX) && (want < s0 ? s0 : want) < best)
		best = want < s0 ? s0 : want; /* in run A */
	if (best == UINT64_MAX)
		return NULL;
	k = best >= s0 ? best - s0 : (SEQ_MAX - s0 + 1) + (best - 1);
	return &n->hist[(n->hstart + k) % n->hcap];
}

const struct notify_event *
notify_history_first(const struct notify *n)
{
	return notify_history_seek(n, 0, 0);
}

/* ---- the queue for the master ------------------------------------------- */

size_t
notify_queued(const struct notify *n)
{
	return n->qn - n->nacked;
}

static struct notify_msg *
q_at(const struct notify *n, size_t k)
{
	return &n->q[(n->qstart + k) % n->qcap];
}

static int
q_grow(struct notify *n)
{
	size_t cap = n->qcap ? n->qcap * 2 : 64;
	struct notify_msg *v = malloc(cap * sizeof(*v));

	if (v == NULL)
		return -1;
	for (size_t k = 0; k < n->qn; k++)
		v[k] = *q_at(n, k);
	free(n->q);
	n->q = v;
	n->qcap = cap;
	n->qstart = 0;
	return 0;
}

/* a comes before b: numbers run 1 .. 4294967295, then 1 again. */
static int
seq_before(uint32_t a, uint32_t b)
{
	uint32_t ahead = b >= a ? b - a : SEQ_MAX - (a - b);

	return ahead != 0 && ahead < SEQ_MAX / 2;
}

/*
 * Add counts over first..last to summary s.  The range grows to take in
 * both: what is folded is not always in sequence order (a summary of an
 * interval is queued after the changes of that interval sent one by one,
 * and changes found by a re-dump can come between those).
 */
static void
sum_add(struct notify_summary *s, int *has, const uint32_t count[3], uint32_t first, uint32_t last)
{
	if (!*has) {
		s->first = first;
		s->last = last;
	} else {
		if (seq_before(first, s->first))
			s->first = first;
		if (seq_before(s->last, last))
			s->last = last;
	}
	for (int k = 0; k < 3; k++)
		s->count[k] += count[k];
	*has = 1;
}

static void
sum_fold(struct notify_summary *s, int *has, const struct notify_msg *m)
{
	uint32_t one[3] = { 0, 0, 0 };

	if (m->type == NOTIFY_MSG_SUMMARY) {
		sum_add(s, has, m->u.sum.count, m->u.sum.first, m->u.sum.last);
		return;
	}
	one[m->u.ev.kind - 1] = 1;
	sum_add(s, has, one, m->u.ev.seq, m->u.ev.seq);
}

/* Messages not yet handed to the master: the queue's bound applies to them. */
static size_t
waiting(const struct notify *n)
{
	return n->qn - n->inflight - n->nacked;
}

/*
 * Can one more message be queued: within the bound, or straight to the
 * master?  The bound (notifyQueueLength) is on what is kept while the master
 * is away.  With the master there, the changes the rate limit holds back for
 * its slices wait too: the interval's (at most the limit, window_sent) and
 * those pace() carried over from the last one (at most the limit again), or
 * a burst within the limit would be dropped, and counted as lost to an
 * unreachable master, while it is there.  trim() restores the bound when the
 * master goes away.
 */
static size_t
bound(const struct notify *n)
{
	return (size_t)n->set.queue + (n->connected ? 2 * (size_t)n->set.rate : 0);
}

static int
has_room(const struct notify *n)
{
	return waiting(n) < bound(n) ||
	    (n->connected && waiting(n) == 0 && n->inflight < NOTIFY_INFLIGHT);
}

/* Try the sends again in a second (a failed send, a timeout), unless the interval's end will. */
static void
arm_retry(struct notify *n)
{
	if (!n->window_open)
		loop_arm(&n->arm, NOTIFY_INTERVAL_MS);
}

/* A rate-limit interval begins (unless one is under way); notify_timer() ends it. */
static void
open_window(struct notify *n)
{
	if (n->window_open)
		return;
	n->window_open = 1;
	n->window_sent = 0;
	n->window_paced = 0;
	memset(&n->window_sum, 0, sizeof(n->window_sum));
	n->window_has = 0;
	loop_arm(&n->arm, NOTIFY_INTERVAL_MS);
}

/* Changes a slice may carry one by one: a tenth of the limit, at least one (resends, rate 0). */
static unsigned
slice_max(const struct notify *n)
{
	unsigned per =
	    (n->set.rate * NOTIFY_SLICE_MS + NOTIFY_INTERVAL_MS - 1) / NOTIFY_INTERVAL_MS;

	return per > 0 ? per : 1;
}

/* The current slice is full: the rest waits for the next one (started now if none is). */
static int
slice_full(struct notify *n)
{
	if (n->arm_slice.fn == NULL)
		return 0;
	if (!n->slice_armed) {
		n->slice_armed = 1;
		n->slice_sent = 0;
		loop_arm(&n->arm_slice, NOTIFY_SLICE_MS);
	}
	return n->slice_sent >= slice_max(n);
}

/* How many more changes, one by one, the master may take in this interval (or the next). */
static unsigned
allowance(const struct notify *n)
{
	if (!n->window_open)
		return n->set.rate;
	return n->window_paced < n->set.rate ? n->set.rate - n->window_paced : 0;
}

static int
push(struct notify *n, const struct notify_msg *m)
{
	if (n->qn == n->qcap && q_grow(n) < 0)
		return -1;
	*q_at(n, n->qn) = *m;
	q_at(n, n->qn)->id = ++n->next_id;
	q_at(n, n->qn)->state = MSG_QUEUED;
	q_at(n, n->qn)->resend = 0;
	n->qn++;
	return 0;
}

/* Never handed to the master: may still be folded into a summary. */
static int
unsent(const struct notify_msg *m)
{
	return m->state == MSG_QUEUED && !m->resend;
}

/*
 * The start of an interval with the master there: the changes never handed
 * to it beyond the interval's allowance are folded, with all that is queued
 * after them, the summary of what the full queue dropped and the open
 * interval's summary, into one summary at the end of the queue.  Every
 * sequence number stays reported once: alone, or in that summary's range
 * (issue 9, item 11).
 */
static void
pace(struct notify *n)
{
	struct notify_msg f;
	unsigned keep = allowance(n);
	size_t k, w, folded = 0;
	int has = 0;

	for (k = 0; k < n->qn; k++) {
		const struct notify_msg *m = q_at(n, k);

		if (!unsent(m) || m->type != NOTIFY_MSG_CHANGE)
			continue;
		if (keep == 0)
			break;
		keep--;
	}
	if (k == n->qn)
		return;
	memset(&f, 0, sizeof(f));
	f.type = NOTIFY_MSG_SUMMARY;
	/* Unsent messages are the queue's tail (it is sent in order); keep any other. */
	for (w = k; k < n->qn; k++) {
		struct notify_msg *m = q_at(n, k);

		if (!unsent(m) || m->type == NOTIFY_MSG_OTHER) {
			*q_at(n, w++) = *m;
			continue;
		}
		sum_fold(&f.u.sum, &has, m);
		folded++;
		if (m->type == NOTIFY_MSG_CHANGE)
			n->stats.suppressed++; /* now reported by a summary */
	}
	n->qn = w;
	if (n->has_dropped) {
		sum_add(&f.u.sum, &has, n->dropped_sum.count, n->dropped_sum.first,
		    n->dropped_sum.last);
		memset(&n->dropped_sum, 0, sizeof(n->dropped_sum));
		n->has_dropped = 0;
	}
	if (n->window_has) {
		sum_add(&f.u.sum, &has, n->window_sum.count, n->window_sum.first,
		    n->window_sum.last);
		memset(&n->window_sum, 0, sizeof(n->window_sum));
		n->window_has = 0;
	}
	clock_gettime(CLOCK_REALTIME, &f.u.sum.when);
	push(n, &f); /* cannot fail: it takes the place of at least one */
	log_info("notify",
	    "over the rate limit (%u a second): %zu queued notifications folded into "
	    "a summary of sequence %" PRIu32 "..%" PRIu32,
	    n->set.rate, folded, f.u.sum.first, f.u.sum.last);
}

/* Queue the summary of what was dropped, once there is room for it. */
static void
push_dropped(struct notify *n)
{
	struct notify_msg m;

	if (!n->has_dropped || !has_room(n))
		return;
	memset(&m, 0, sizeof(m));
	m.type = NOTIFY_MSG_SUMMARY;
	m.u.sum = n->dropped_sum;
	clock_gettime(CLOCK_REALTIME, &m.u.sum.when);
	if (push(n, &m) < 0)
		return;
	log_notice("notify",
	    "queued a summary of %" PRIu32 " added, %" PRIu32 " removed, %" PRIu32
	    " changed that the full queue had dropped (sequence %" PRIu32 "..%" PRIu32 ")",
	    m.u.sum.count[0], m.u.sum.count[1], m.u.sum.count[2], m.u.sum.first, m.u.sum.last);
	memset(&n->dropped_sum, 0, sizeof(n->dropped_sum));
	n->has_dropped = 0;
}

/* Queue m, or count it as dropped (a summary covers it). 0 if queued. */
static int
queue(struct notify *n, const struct notify_msg *m)
{
	push_dropped(n);
	if (m->type == NOTIFY_MSG_OTHER) {
		if (has_room(n) && push(n, m) == 0)
			return 0;
		log_warn("notify",
		    "notification queue full (%zu waiting, master %s): "
		    "dropping a notification that no summary covers",
		    bound(n), n->connected ? "connected" : "away");
		return -1; /* notify_other() releases it */
	}
	if (!has_room(n) || n->has_dropped || push(n, m) < 0) {
		if (!n->has_dropped)
			log_warn("notify",
			    "notification queue full (%zu waiting, master %s): "
			    "dropping, a summary will follow",
			    bound(n), n->connected ? "connected" : "away");
		n->stats.dropped++;
		sum_fold(&n->dropped_sum, &n->has_dropped, m);
		return -1;
	}
	return 0;
}

static void
enqueue(struct notify *n, const struct notify_msg *m)
{
	if (queue(n, m) == 0)
		notify_flush(n);
}

/*
 * In queue order, so that what was never sent stays the queue's tail; a
 * change beyond the interval's allowance waits for the interval's end
 * (pace() then folds what the next one cannot take).
 */
void
notify_flush(struct notify *n)
{
	if (!n->connected || n->send == NULL)
		return;
	push_dropped(n);
	for (size_t k = 0; k < n->qn && n->inflight < NOTIFY_INFLIGHT; k++) {
		struct notify_msg *m = q_at(n, k);

		if (m->state != MSG_QUEUED)
			continue;
		if (m->type == NOTIFY_MSG_CHANGE) {
			open_window(n);
			if ((!m->resend && allowance(n) == 0) || slice_full(n))
				return;
		}
		if (n->send(m, n->arg) < 0) {
			arm_retry(n);
			return;
		}
		m->state = MSG_INFLIGHT;
		m->resend = 1;
		n->inflight++;
		if (m->type == NOTIFY_MSG_CHANGE) {
			n->window_paced++;
			n->slice_sent++;
		}
	}
}

void
notify_slice(struct notify *n)
{
	n->slice_armed = 0;
	n->slice_sent = 0;
	notify_flush(n);
}

void
notify_ack(struct notify *n, uint64_t id, int ok)
{
	size_t lo = 0, hi = n->qn;
	struct notify_msg *m;

	/* Ids grow along the queue. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (q_at(n, mid)->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n->qn || (m = q_at(n, lo))->id != id || m->state != MSG_INFLIGHT)
		return; /* not ours, or already settled */
	n->inflight--;
	if (ok) {
		settle(m);
		m->state = MSG_ACKED;
		n->nacked++;
		n->stats.sent++;
		while (n->qn > 0 && q_at(n, 0)->state == MSG_ACKED) {
			n->qstart = (n->qstart + 1) % n->qcap;
			n->qn--;
			n->nacked--;
		}
		notify_flush(n);
	} else {
		/* Sent again later (the receiver may see it twice: the sequence number tells). */
		m->state = MSG_QUEUED;
		if (n->connected)
			arm_retry(n);
	}
}

/*
 * The master went away with more waiting than notifyQueueLength (what the
 * rate limit's slices held back): the unsent changes and summaries beyond
 * the bound, the queue's tail, are dropped into the summary of what was
 * dropped, as queue() drops the newest; a message of another module stays.
 */
static void
trim(struct notify *n)
{
	size_t k, w, kept = 0, folded = 0;

	if (waiting(n) <= n->set.queue)
		return;
	for (k = w = 0; k < n->qn; k++) {
		struct notify_msg *m = q_at(n, k);

		if (m->state == MSG_QUEUED && kept < n->set.queue)
			kept++;
		else if (unsent(m) && m->type != NOTIFY_MSG_OTHER) {
			n->stats.dropped++;
			sum_fold(&n->dropped_sum, &n->has_dropped, m);
			folded++;
			continue;
		}
		*q_at(n, w++) = *m;
	}
	n->qn = w;
	log_warn("notify",
	    "master away: %zu notifications beyond the queue's %u dropped, a summary will follow",
	    folded, n->set.queue);
}

void
notify_connected(struct notify *n, int up)
{
	n->connected = up;
	if (!up)
		trim(n);
	if (up) {
		if (n->qn > 0 || n->has_dropped)
			log_info("notify", "master connected: sending %zu queued notifications",
			    n->qn);
		pace(n);
		notify_flush(n);
	}
}

/* ---- changes --------------------------------------------------------------- */

/*
 * Both families take their numbers from n->total and their place in the
 * one ring, queue and rate-limit interval: the stream does not know the
 * family, only mib_event.c does (which notification, which varbinds).
 */
void
notify_change(struct notify *n, enum notify_kind kind, const struct rt_ops *ops, const void *e,
    int bulk)
{
	struct notify_msg m;

	memset(&m, 0, sizeof(m));
	if (ops->size > sizeof(m.u.ev.route6)) {
		log_err("notify", "an %s entry of %zu bytes does not fit an event", ops->name,
		    ops->size);
		return;
	}
	m.type = NOTIFY_MSG_CHANGE;
	n->total++;
	m.u.ev.seq = notify_seq_of(n->total);
	m.u.ev.kind = (uint8_t)kind;
	m.u.ev.family = ops->family;
	memcpy(&m.u.ev.route6, e, ops->size);
	clock_gettime(CLOCK_REALTIME, &m.u.ev.when);
	n->last_change = m.u.ev.when;
	reserve(n);
	history_add(n, &m.u.ev);
	if (!n->set.enabled)
		return;
	open_window(n);
	if (!bulk && n->window_sent < n->set.rate) {
		n->window_sent++;
		enqueue(n, &m);
		return;
	}
	n->stats.suppressed++;
	sum_fold(&n->window_sum, &n->window_has, &m);
}

int
notify_other(struct notify *n, void *data, void (*release)(void *data))
{
	struct notify_msg m;

	memset(&m, 0, sizeof(m));
	m.type = NOTIFY_MSG_OTHER;
	m.u.other.data = data;
	m.u.other.release = release;
	if (queue(n, &m) < 0) {
		settle(&m);
		return -1;
	}
	notify_flush(n);
	return 0;
}

void
notify_timer(struct notify *n)
{
	struct notify_msg m;

	if (!n->window_open) {
		notify_flush(n); /* a retry */
		return;
	}
	n->window_open = 0;
	if (n->window_has && n->set.enabled) {
		memset(&m, 0, sizeof(m));
		m.type = NOTIFY_MSG_SUMMARY;
		m.u.sum = n->window_sum;
		clock_gettime(CLOCK_REALTIME, &m.u.sum.when);
		queue(n, &m);
	}
	n->window_has = 0;
	if (n->connected)
		pace(n);
	notify_flush(n); /* also retries sends that failed */
}

/* ---- settings ------------------------------------------------------------- */

static int
apply_settings(struct notify *n, const struct notify_settings *set, unsigned written, char *err,
    size_t errlen)
{
	uint64_t changes = n->reserved > n->total ? n->reserved : n->total;

	if (save(n, set, written, changes, err, errlen) < 0)
		return -1;
	n->set = *set;
	n->written = written;
	return 0;
}

int
notify_set_enabled(struct notify *n, int enabled, char *err, size_t errlen)
{
	struct notify_settings set = n->set;

	set.enabled = enabled != 0;
	return apply_settings(n, &set, n->written | NOTIFY_SET_ENABLED, err, errlen);
}

int
notify_set_rate(struct notify *n, unsigned rate, char *err, size_t errlen)
{
	struct notify_settings set = n->set;

	if (rate > NOTIFY_RATE_MAX) {
		snprintf(err, errlen, "notifyRateLimit %u is above %u", rate, NOTIFY_RATE_MAX);
		return -1;
	}
	set.rate = rate;
	return apply_settings(n, &set, n->written | NOTIFY_SET_RATE, err, errlen);
}

/*
 * A smaller history drops rows, which no undo could bring back: the ring
 * only grows here (losing nothing), and shrinks in notify_commit_history()
 * once the SET can no longer be undone.
 */
int
notify_set_history(struct notify *n, unsigned size, char *err, size_t errlen)
{
	struct notify_settings set = n->set;
	size_t oldcap = n->hcap;

	if (size > NOTIFY_HISTORY_MAX) {
		snprintf(err, errlen, "historySize %u is above %u", size, NOTIFY_HISTORY_MAX);
		return -1;
	}
	if (size > n->hcap && ring_resize(n, size) < 0) {
		snprintf(err, errlen, "no memory for %u history rows", size);
		return -1;
	}
	set.history = size;
	if (apply_settings(n, &set, n->written | NOTIFY_SET_HISTORY, err, errlen) < 0) {
		if (n->hcap != oldcap)
			ring_resize(n, (unsigned)oldcap); /* back to what it held: nothing lost */
		return -1;
	}
	return 0;
}

void
notify_commit_history(struct notify *n)
{
	if (n->hcap > n->set.history)
		ring_resize(n, n->set.history); /* a shrink only frees */
}

int
notify_restore_setting(struct notify *n, unsigned which, const struct notify_settings *old,
    unsigned old_written, char *err, size_t errlen)
{
	struct notify_settings set = n->set;
	unsigned written = (n->written & ~which) | (old_written & which);

	if (which & NOTIFY_SET_ENABLED)
		set.enabled = old->enabled;
	if (which & NOTIFY_SET_RATE)
		set.rate = old->rate;
	if (which & NOTIFY_SET_HISTORY)
		set.history = old->history;
	if (apply_settings(n, &set, written, err, errlen) < 0)
		return -1;
	/* Undoing a larger history: back to the old size; the rows it held stay. */
	if (which & NOTIFY_SET_HISTORY)
		notify_commit_history(n);
	return 0;
}

/* ---- configuration directives --------------------------------------------- */

static const struct conf_number numbers[] = {
	{ "notifyRateLimit", offsetof(struct notify_settings, rate), 0, NOTIFY_RATE_MAX, 0,
	    "a number",
	    "N (route-change notifications per second, the rest summarised; default 100)" },
	{ "eventHistorySize", offsetof(struct notify_settings, history), 0, NOTIFY_HISTORY_MAX, 0,
	    "a number", "N (changes kept in cimRouteEventTable; default 1000)" },
	{ "notifyQueueLength", offsetof(struct notify_settings, queue), 0, NOTIFY_QUEUE_MAX, 0,
	    "a number", "N (notifications kept while the master is away; default 10000)" },
};

static int
enabled_line(const char *token, const char *value, void *cfg, char *err, size_t errlen)
{
	int b;

	if ((b = conf_bool(value)) < 0) {
		snprintf(err, errlen, "notifyEnabled: expected yes or no");
		return -1;
	}
	((struct notify_settings *)cfg)->enabled = b;
	return 0;
}

int
notify_conf_register(struct notify_settings *set)
{
	if (conf_directive("notifyEnabled", enabled_line, set,
		"yes | no (send route-change notifications; default yes)") < 0)
		return -1;
	return conf_numbers(numbers, sizeof(numbers) / sizeof(numbers[0]), set);
}
