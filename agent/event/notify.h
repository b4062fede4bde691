/*
 * Route-change events (Win32_IP4RouteTableEvent): numbering, history, rate
 * limit and the queue of notifications for the master agent.
 *
 * Every change of a route mirror, of either family, gets the next sequence
 * number of one stream and a row in the one history ring: an event keeps
 * the family's entry (struct route or struct route6, chosen by the mirror's
 * rt_ops), so that a receiver that sees every number has missed nothing of
 * either family.  While notifications are enabled, the first changes of
 * each one-second interval, up to the rate limit (both families together),
 * become one cimIP4RouteChange or cimIP6RouteChange each; the others (and
 * every change a re-dump after lost netlink events found) are counted, by
 * kind whatever their family, into one cimIP4RouteChangeSummary sent when
 * the interval ends.  Notifications wait in a bounded queue until the
 * master acknowledges them, so that none is lost while the master restarts;
 * past the bound they are counted as dropped and covered by a summary.  The
 * bound is for the master's absence: with the master there, the changes the
 * rate limit's slices hold back may wait beyond it, at most twice the limit
 * more (this second's and those carried over), trimmed to the bound when the
 * master goes away.
 * The rate limit governs what is handed to the master too: at most the
 * limit's number of route-change notifications per interval, so that the queue built
 * while the master was away is not replayed as one burst of traps that
 * receivers drop (issue 9, item 11).  At the start of each interval the
 * changes never handed to the master beyond the interval's allowance are
 * folded into one summary with everything else not yet sent; a message
 * once handed to the master is sent again as it was (the master may have
 * passed it on), never folded.  With a slice timer (notify_set_slicer()),
 * the interval's allowance is spread too: at most a tenth of the limit in
 * each 100 ms, so that even one interval's worth is no burst.
 *
 * Nothing here knows SNMP: the daemon supplies the function that hands a
 * message to the master (mib_event.c) and the timer.
 */
#ifndef CIMR_NOTIFY_H
#define CIMR_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "route/route.h"
#include "route/route6.h"
#include "snmp/loop.h"

struct rt_ops;

#define NOTIFY_FILE "notify-state"

#define NOTIFY_RATE_DEFAULT    100
#define NOTIFY_RATE_MAX        100000
#define NOTIFY_HISTORY_DEFAULT 1000
#define NOTIFY_HISTORY_MAX     100000
#define NOTIFY_QUEUE_DEFAULT   10000
#define NOTIFY_QUEUE_MAX       1000000
#define NOTIFY_INFLIGHT        64    /* notifications handed to the master, not yet acknowledged */
#define NOTIFY_INTERVAL_MS     1000  /* the rate limit's interval */
#define NOTIFY_SLICE_MS        100   /* sends are spread over slices of the interval */
#define NOTIFY_SEQ_BLOCK       65536 /* sequence numbers reserved in the state file at a time */

/* cimRouteEventKind / cimRouteNotifyKind */
enum notify_kind {
	NOTIFY_ADDED = 1,
	NOTIFY_REMOVED = 2,
	NOTIFY_CHANGED = 3,
};

/*
 * One change: a row of cimRouteEventTable, the content of one
 * cimIP4RouteChange (family AF_INET) or cimIP6RouteChange (AF_INET6).
 */
struct notify_event {
	struct timespec when;         /* wall clock */
	union {                       /* the row as it is now (as it was, if removed) */
		struct route route;   /* AF_INET */
		struct route6 route6; /* AF_INET6 */
	};
	uint32_t seq;
	uint8_t kind;   /* enum notify_kind */
	uint8_t family; /* AF_INET, AF_INET6: which entry the union holds */
};

/* The content of one cimIP4RouteChangeSummary (changes of both families, by kind). */
struct notify_summary {
	struct timespec when;
	uint32_t count[3]; /* added, removed, changed */
	uint32_t first, last;
};

enum notify_msg_type {
	NOTIFY_MSG_CHANGE,
	NOTIFY_MSG_SUMMARY,
	NOTIFY_MSG_OTHER, /* another module's notification: notify_other() */
};

/* What notify_other() queues: opaque here; release frees it once the message is settled. */
struct notify_other {
	void *data;
	void (*release)(void *data);
};

struct notify_msg {
	uint64_t id;    /* names the message in the master's acknowledgement */
	uint8_t type;   /* enum notify_msg_type */
	uint8_t state;  /* queued, in flight, acknowledged */
	uint8_t resend; /* handed to the master before: sent again as it is, never folded */
	union {
		struct notify_event ev;
		struct notify_summary sum;
		struct notify_other other;
	} u;
};

struct notify_settings {
	int enabled;      /* cimRouteNotifyEnabled */
	unsigned rate;    /* cimRouteNotifyRateLimit */
	unsigned history; /* cimRouteEventHistorySize */
	unsigned queue;   /* notifyQueueLength: messages kept while the master is away */
};

/* Which settings were written through SNMP (kept in the state file; they win over the configuration). */
#define NOTIFY_SET_ENABLED 0x1
#define NOTIFY_SET_RATE    0x2
#define NOTIFY_SET_HISTORY 0x4

/*
 * Hands one message to the master; 0 when sent (notify_ack() follows), -1
 * when it could not be (it stays queued).
 */
typedef int (*notify_send_fn)(const struct notify_msg *, void *arg);

struct notify_stats {
	uint64_t sent;       /* messages acknowledged by the master */
	uint32_t dropped;    /* cimRouteNotifyDropped (Counter32) */
	uint32_t suppressed; /* cimRouteNotifySuppressed (Counter32) */
};

struct notify {
	struct notify_settings set;
	unsigned written; /* NOTIFY_SET_*: values from the state file */
	char *path;       /* the state file; NULL: none (tests) */
	char *dir;        /* its directory, and that directory opened (-1: none) */
	int dirfd;
	int save_fails; /* test hook: fail the next N saves */

	uint64_t total;    /* changes numbered so far, across restarts */
	uint64_t reserved; /* numbers up to this one may have been used (the state file says so) */

	/* the history ring: the newest set.history events, oldest first */
	struct notify_event *hist;
	size_t hcap, hstart, hn;
	struct timespec last_change;

	/* the current rate-limit interval */
	int window_open;
	unsigned window_sent;             /* changes accepted one by one */
	unsigned window_paced;            /* changes handed to the master one by one */
	unsigned slice_sent;              /* ... in the current slice */
	int slice_armed;                  /* a slice is under way: notify_slice() ends it */
	struct notify_summary window_sum; /* what it suppressed so far */
	int window_has;

	/* messages for the master: a ring, oldest first */
	struct notify_msg *q;
	size_t qcap, qstart, qn;
	size_t inflight;
	size_t nacked; /* acknowledged out of order, still in the ring */
	uint64_t next_id;
	int connected;
	struct notify_summary dropped_sum; /* covers what the full queue dropped */
	int has_dropped;

	struct notify_stats stats;

	notify_send_fn send;
	void *arg;
	/* For notify_timer(); for notify_slice() (no fn: no slices, an interval's all at once). */
	struct loop_arm arm, arm_slice;
	struct loop_timer timer, slice_timer; /* notify_start() */
};

/* Defaults; then the configuration fills set before notify_open(). */
void notify_init(struct notify *);
/*
 * The directives notifyEnabled, notifyRateLimit, eventHistorySize and
 * notifyQueueLength, filling set (through snmp/conf.h); 0, or -1.
 */
int notify_conf_register(struct notify_settings *set);
/* send, and arm asking for notify_timer() (snmp/loop.h), both with arg. */
void notify_set_callbacks(struct notify *, notify_send_fn, loop_arm_fn arm, void *arg);
/* A second timer, for notify_slice(), with the arg of notify_set_callbacks() (called before). */
void notify_set_slicer(struct notify *, loop_arm_fn arm_slice);
/*
 * In the daemon, the one place that sets the callbacks: send (mib_event.c,
 * called with the notifier as arg), and both timers in the event loop
 * (snmp/loop.h).  notify_stop() cancels the timers (shutdown).
 */
void notify_start(struct notify *, notify_send_fn send);
void notify_stop(struct notify *);
/*
 * Read DIR/notify-state: the sequence numbering and the settings written
 * through SNMP, which replace the configured ones.  Bad lines are logged
 * (file:line: reason) and skipped.  0, or -1 with errno when the file
 * exists but cannot be read, or the history cannot be allocated.
 */
int notify_open(struct notify *, const char *dir);
/* Record the exact last sequence number (clean shutdown) and free everything. */
void notify_close(struct notify *);
void notify_free(struct notify *);

/*
 * A row of a route table changed (kind), e being the row (as it was, for a
 * removal), an entry of the family of ops (rt4_ops, rt6_ops: its family and
 * entry size).  bulk: found by a re-dump after lost events, so reported by
 * a summary only.
 */
void notify_change(struct notify *, enum notify_kind, const struct rt_ops *ops, const void *e,
    int bulk);
/*
 * Another module's notification (a ping completed): data, which the send
 * function knows how to hand over, waits in the same queue as the route
 * changes while the master is away and is sent again until the master
 * takes it; it is neither numbered, nor rate limited, nor folded into a
 * summary, and does not depend on cimRouteNotifyEnabled.  release(data)
 * runs once the message is acknowledged, dropped (queue full: then -1 is
 * returned and the drop counted) or freed.  0, or -1.
 */
int notify_other(struct notify *, void *data, void (*release)(void *data));
/* The rate-limit interval ended (the timer requested through arm). */
void notify_timer(struct notify *);
/* A slice of the interval ended (the timer of notify_set_slicer()). */
void notify_slice(struct notify *);

/* The master session came up (registered) or went away. */
void notify_connected(struct notify *, int up);
/* The master answered message id: ok, or failed (timeout, error, disconnect: it is sent again). */
void notify_ack(struct notify *, uint64_t id, int ok);
/* Send what is queued, up to NOTIFY_INFLIGHT outstanding and the interval's rate limit. */
void notify_flush(struct notify *);
/* Messages queued or in flight. */
size_t notify_queued(const struct notify *);

/* Settings written through SNMP: applied and saved; 0, or -1 with err (nothing changed). */
int notify_set_enabled(struct notify *, int enabled, char *err, size_t errlen);
int notify_set_rate(struct notify *, unsigned rate, char *err, size_t errlen);
int notify_set_history(struct notify *, unsigned size, char *err, size_t errlen);
/* The SET that changed the history size can no longer be undone: drop the rows above it. */
void notify_commit_history(struct notify *);
/*
 * Undo a setting's SET: the fields in which (NOTIFY_SET_*) and their
 * written bits go back to old and old_written, and the state file says
 * exactly what it said before.  0, or -1 with err.
 */
int notify_restore_setting(struct notify *, unsigned which, const struct notify_settings *old,
    unsigned old_written, char *err, size_t errlen);

/* cimRouteEventLastSequence: the newest sequence number, 0 if none. */
uint32_t notify_last_seq(const struct notify *);
/* The sequence number of change number total (1, 2, ... 4294967295, 1, ...). */
uint32_t notify_seq_of(uint64_t total);
/* History rows: the one with the least sequence number > (strict) or >= seq; NULL if none. */
const struct notify_event *notify_history_seek(const struct notify *, uint32_t seq, int strict);
const struct notify_event *notify_history_first(const struct notify *);
size_t notify_history_count(const struct notify *);

/* Parse one state-file line into n (tests use it); 0, or -1 with err. */
int notify_parse_line(struct notify *, const char *line, char *err, size_t errlen);

#endif
