/*
 * The ICMP echo engine (ping.h) over the families' operations (icmpfam.h).
 *
 * Probes: one identifier per family, a 16-bit sequence counter across all
 * probes and a slot table seq -> outstanding probe (the counter skips slots
 * still in use).  A slot remembers how its last probe ended, so that a
 * second answer is a duplicate and an answer after a timeout or a
 * cancellation is late; an answer to a slot never used, or of another
 * identifier, is foreign.  Nothing but an answer in an outstanding slot is
 * a result.
 *
 * Time: one binary heap of deadlines (a run's next send, a probe's
 * timeout) and one loop timer for the earliest.  A result the engine knows
 * at once (a send error, an unusable target) is a deadline due now, so
 * hooks run from the timer, never from inside ping_run_start().  Sends take
 * tokens from a bucket of rate tokens per second (burst: rate).
 *
 * Capture: opened before the first probe goes out, whatever the time
 * source, closed CAPTURE_LINGER_MS after the last probe ended.  On a
 * socket answer the capture is drained first (the tap sees a packet before
 * the socket does).  A probe keeps the last CANDIDATES answers the capture
 * saw for it (a forged or corrupted one may come before the real one); the
 * one the socket accepted is the first of them with the same checksum
 * field and length (an echo reply), or the same type, code and source (an
 * error).  With pingTimeSource capture, its timestamp and the request's
 * make the round-trip time, else the socket's; its TTL is an error's (the
 * error queue has none).
 */
#include "config.h"

#include <errno.h>
#include <time.h>
#include <linux/errqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/random.h>
#include <unistd.h>

#include "icmp/capture.h"
#include "icmp/icmpfam.h"
#include "icmp/ping.h"
#include "lib/log.h"
#include "lib/vec.h"

#define TAG               "ping"
#define PATTERN           "abcdefghijklmnopqrstuvwabcdefghi"
#define NSLOT             65536
#define CAPTURE_LINGER_MS 2000
#define READS_PER_WAKEUP  128
#define MS                1000000ULL
#define NOT_IN_HEAP       ((size_t)-1)
#define CANDIDATES        4

enum slot_state { SLOT_NEVER = 0, SLOT_OUT, SLOT_ANSWERED, SLOT_LATE };
enum item_kind { IT_SEND, IT_PROBE };

struct pitem {
	uint64_t due; /* CLOCK_MONOTONIC, ns */
	size_t hpos;
	int kind;
};

struct probe {
	struct pitem tmo; /* first: the heap's items are probes or runs */
	struct ping_run *run;
	LIST_ENTRY(probe) link;
	uint32_t index;
	int status; /* the result when tmo is due: timeout, or a send error */
	int out;    /* in a slot */
	uint16_t seq;
	uint8_t cookie[8];
	struct timespec sent; /* CLOCK_REALTIME before sendmsg() */
	int has_creq;
	struct timespec creq;                /* the capture's */
	struct capture_pkt cand[CANDIDATES]; /* answers captured, the last ones */
	unsigned ncand;                      /* captured (cand[ncand % CANDIDATES] next) */
};

struct ping_run {
	struct pitem next; /* first */
	struct ping_engine *e;
	LIST_ENTRY(ping_run) link;
	LIST_HEAD(, probe) probes;
	struct ping_params p;
	struct ping_hooks h;
	void *owner;
	int fam;  /* 0: IPv4, 1: IPv6 */
	int fail; /* every probe's status, known before sending; 0: none */
	uint32_t sent, reported;
	uint8_t opt[ICMP_OPT_MAX];
	size_t optlen;
	int busy, cancelled;
};

struct famstate {
	const struct icmp_fam *ops;
	struct icmp_sock s; /* s.fd -1: none */
	struct loop_fd lfd;
	uint16_t id;
};

struct ping_engine {
	struct famstate fam[2];
	struct probe *slot[NSLOT];
	uint8_t slot_state[NSLOT];
	uint16_t next_seq;
	struct pitem **heap;
	size_t nheap, heapcap;
	LIST_HEAD(, ping_run) runs;
	struct loop_arm arm;
	struct loop_timer timer;
	ping_clock_fn clock;
	uint32_t rate;
	double tokens;
	uint64_t tok_ns;
	int time_source;
	struct capture *cap;
	struct loop_fd capfd;
	int cap_broken;
	uint64_t cap_close_due;
	uint32_t nout;
	int started;
	uint64_t rng;
	struct ping_counters c;
	uint8_t payload[PING_BUF_MAX];
	uint8_t tx[ICMP_ECHO_HDR + PING_BUF_MAX];
	uint8_t rx[ICMP_RX_MAX];
};

/* --- status mapping (the MIB's cimPingStatusCode DESCRIPTION) --- */

static const int unreach4[16] = { PING_DEST_NET_UNREACHABLE, PING_DEST_HOST_UNREACHABLE,
	PING_DEST_PROT_UNREACHABLE, PING_DEST_PORT_UNREACHABLE, PING_PACKET_TOO_BIG, PING_BAD_ROUTE,
	PING_DEST_NET_UNREACHABLE, PING_DEST_HOST_UNREACHABLE, PING_DEST_HOST_UNREACHABLE,
	PING_DEST_NET_UNREACHABLE, PING_DEST_HOST_UNREACHABLE, PING_DEST_NET_UNREACHABLE,
	PING_DEST_HOST_UNREACHABLE, PING_DEST_PROT_UNREACHABLE, PING_DEST_PROT_UNREACHABLE,
	PING_DEST_PROT_UNREACHABLE };

static const int unreach6[7] = { PING_DEST_NET_UNREACHABLE, PING_DEST_PROT_UNREACHABLE,
	PING_DEST_SCOPE_MISMATCH, PING_DEST_HOST_UNREACHABLE, PING_DEST_PORT_UNREACHABLE,
	PING_DEST_PROT_UNREACHABLE, PING_DEST_PROT_UNREACHABLE };

static int
time_exceeded(int code)
{
	return code == 0 ? PING_TTL_EXPIRED_TRANSIT :
	    code == 1    ? PING_TTL_EXPIRED_REASSEM :
			   PING_GENERAL_FAILURE;
}

static int
status_icmp4(int type, int code)
{
	switch (type) {
	case 0: return PING_SUCCESS;
	case 3: return code >= 0 && code < 16 ? unreach4[code] : PING_GENERAL_FAILURE;
	case 4: return PING_SOURCE_QUENCH;
	case 11: return time_exceeded(code);
	case 12: return PING_PARAM_PROBLEM;
	}
	return PING_GENERAL_FAILURE;
}

static int
status_icmp6(int type, int code)
{
	switch (type) {
	case 129: return PING_SUCCESS;
	case 1: return code >= 0 && code < 7 ? unreach6[code] : PING_DEST_UNREACHABLE;
	case 2: return PING_PACKET_TOO_BIG;
	case 3: return time_exceeded(code);
	case 4: return code == 1 ? PING_UNRECOGNIZED_NEXT_HEADER : PING_PARAM_PROBLEM;
	}
	return PING_GENERAL_FAILURE;
}

int
ping_status_of_icmp(int family, int type, int code)
{
	if (family == AF_INET)
		return status_icmp4(type, code);
	if (family == AF_INET6)
		return status_icmp6(type, code);
	return PING_GENERAL_FAILURE;
}

int
ping_status_of_errno(int err)
{
	switch (err) {
	case ENETUNREACH: return PING_DEST_NET_UNREACHABLE;
	case EHOSTUNREACH: return PING_DEST_HOST_UNREACHABLE;
	case EACCES: return PING_DEST_PROT_UNREACHABLE;
	case EMSGSIZE: return PING_PACKET_TOO_BIG;
	case ENOBUFS:
	case ENOMEM: return PING_NO_RESOURCES;
	case EINVAL: return PING_BAD_ROUTE;
	}
	return PING_GENERAL_FAILURE;
}

/* --- clock, heap, timer --- */

static uint64_t
ts_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000ULL + (uint64_t)t->tv_nsec;
}

static uint64_t
mono_ns(const struct ping_engine *e)
{
	struct timespec t;

	e->clock(CLOCK_MONOTONIC, &t);
	return ts_ns(&t);
}

static void
heap_set(struct ping_engine *e, size_t i, struct pitem *it)
{
	e->heap[i] = it;
	it->hpos = i;
}

static void
heap_up(struct ping_engine *e, size_t i)
{
	struct pitem *it = e->heap[i];

	while (i > 0 && e->heap[(i - 1) / 2]->due > it->due) {
		heap_set(e, i, e->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(e, i, it);
}

static void
heap_down(struct ping_engine *e, size_t i)
{
	struct pitem *it = e->heap[i];
	size_t k;

	while ((k = 2 * i + 1) < e->nheap) {
		if (k + 1 < e->nheap && e->heap[k + 1]->due < e->heap[k]->due)
			k++;
		if (e->heap[k]->due >= it->due)
			break;
		heap_set(e, i, e->heap[k]);
		i = k;
	}
	heap_set(e, i, it);
}

static int
heap_push(struct ping_engine *e, struct pitem *it, uint64_t due)
{
	if (vec_reserve(&e->heap, &e->heapcap, e->nheap, sizeof(*e->heap), 64) < 0)
		return -1;
	it->due = due;
	heap_set(e, e->nheap++, it);
	heap_up(e, it->hpos);
	return 0;
}

static void
heap_remove(struct ping_engine *e, struct pitem *it)
{
	size_t i = it->hpos;

	if (i == NOT_IN_HEAP)
		return;
	it->hpos = NOT_IN_HEAP;
	if (i == --e->nheap)
		return;
	heap_set(e, i, e->heap[e->nheap]);
	heap_up(e, i);
	heap_down(e, i); /* nothing to do if it went up */
}

static void
rearm(struct ping_engine *e)
{
	uint64_t now = mono_ns(e), due = UINT64_MAX;

	if (e->nheap)
		due = e->heap[0]->due;
	if (capture_fd(e->cap) >= 0 && e->nout == 0 && e->cap_close_due < due)
		due = e->cap_close_due;
	if (due == UINT64_MAX)
		return;
	loop_arm(&e->arm, due <= now ? 0 : (unsigned)((due - now + MS - 1) / MS));
}

/* --- the token bucket --- */

static double
tokens_at(const struct ping_engine *e, uint64_t now)
{
	double t = e->tokens;

	if (now > e->tok_ns)
		t += (double)(now - e->tok_ns) * e->rate / 1e9;

	return t > e->rate ? e->rate : t;
}

/* Take a token: 0, or the ns until one is there. */
static uint64_t
take_token(struct ping_engine *e, uint64_t now)
{
	e->tokens = tokens_at(e, now);
	e->tok_ns = now;
	if (e->tokens >= 1) {
		e->tokens -= 1;
		return 0;
	}
	return (uint64_t)((1 - e->tokens) * 1e9 / e->rate) + 1;
}

void
ping_engine_set_rate(struct ping_engine *e, uint32_t per_second)
{
	uint64_t now = mono_ns(e);

	e->tokens = tokens_at(e, now);
	e->tok_ns = now;
	e->rate = per_second ? per_second : 1;
	if (e->tokens > e->rate)
		e->tokens = e->rate;
}

int
ping_engine_may_start(const struct ping_engine *e)
{
	return tokens_at(e, mono_ns(e)) >= 1;
}

/* --- the capture --- */

static void
capture_readable(void *arg)
{
	struct ping_engine *e = arg;

	(void)capture_drain(e->cap);
}

static void
capture_want(struct ping_engine *e)
{
	char err[256];

	if (!e->started || e->cap_broken || capture_fd(e->cap) >= 0)
		return;
	if (capture_open(e->cap, e->fam[0].id, e->fam[1].id, err, sizeof(err)) < 0) {
		log_warn(TAG, "capture: %s; socket timestamps instead", err);
		e->cap_broken = 1;
		return;
	}
	if (loop_fd_add(&e->capfd, capture_fd(e->cap), capture_readable, e) < 0)
		log_warn(TAG, "capture: fd not watched; drained on answers only");
	log_debug(TAG, "capture open (%s timestamps)", capture_tstamp_name(e->cap));
}

static void
capture_linger(struct ping_engine *e, uint64_t now)
{
	if (capture_fd(e->cap) < 0 || e->nout || now < e->cap_close_due)
		return;
	loop_fd_remove(&e->capfd);
	capture_close(e->cap);
	log_debug(TAG, "capture closed");
}

void
ping_engine_captured(void *arg, const struct capture_pkt *c)
{
	struct ping_engine *e = arg;
	int f = c->family == AF_INET6;
	int request = c->type == (f ? 128 : 8);
	struct probe *pr = e->slot[c->seq];

	if (c->id != e->fam[f].id || e->slot_state[c->seq] != SLOT_OUT || pr->run->fam != f)
		return;
	if (request && (c->outgoing || c->loopback) && !pr->has_creq) {
		pr->creq = c->ts;
		pr->has_creq = 1;
	} else if (!request && !c->outgoing) {
		pr->cand[pr->ncand++ % CANDIDATES] = *c;
	}
}

/* The capture's packet of the answer the socket accepted, or NULL. */
static const struct capture_pkt *
captured_answer(const struct probe *pr, const struct icmp_in *in, int family)
{
	unsigned i = pr->ncand > CANDIDATES ? pr->ncand - CANDIDATES : 0;
	size_t alen = family == AF_INET ? 4 : 16;
	const struct capture_pkt *k;

	for (; i < pr->ncand; i++) {
		k = &pr->cand[i % CANDIDATES];
		if (in->kind == ICMP_IN_REPLY ?
			k->type == (family == AF_INET ? 0 : 129) && k->sum == in->sum &&
			    (k->len == 0 || k->len == ICMP_ECHO_HDR + in->len) :
			k->type == in->type && k->code == in->code && in->from.family == family &&
			    memcmp(k->src, &in->from.a, alen) == 0)
			return k;
	}
	return NULL;
}

/* --- runs and probes --- */

static void
run_free(struct ping_run *r)
{
	LIST_REMOVE(r, link);
	free(r);
}

/* Give the owner a result; 1 when the run is gone (cancelled in the hook, or done). */
static int
report(struct ping_run *r, const struct ping_probe *res)
{
	r->reported++;
	r->busy++;
	if (r->h.probe)
		r->h.probe(r->owner, res);
	if (!r->cancelled && r->reported >= r->p.count && r->h.done)
		r->h.done(r->owner);
	r->busy--;
	if (r->cancelled || r->reported >= r->p.count) {
		if (!r->cancelled)
			heap_remove(r->e, &r->next);
		run_free(r);
		return 1;
	}
	return 0;
}

/* The probe leaves its slot (ending as end), the heap and its run. */
static void
probe_drop(struct ping_engine *e, struct probe *pr, int end)
{
	if (pr->out) {
		e->slot_state[pr->seq] = (uint8_t)end;
		e->slot[pr->seq] = NULL;
		if (--e->nout == 0)
			e->cap_close_due = mono_ns(e) + CAPTURE_LINGER_MS * MS;
	}
	heap_remove(e, &pr->tmo);
	LIST_REMOVE(pr, link);
	free(pr);
}

static void
probe_result(struct probe *pr, struct ping_probe *res, int end)
{
	struct ping_run *r = pr->run;

	res->index = pr->index;
	r->e->clock(CLOCK_REALTIME, &res->when);
	probe_drop(r->e, pr, end);
	(void)report(r, res);
}

static void
fill_payload(struct ping_engine *e, struct probe *pr, size_t n)
{
	uint64_t x;

	e->rng ^= e->rng << 13, e->rng ^= e->rng >> 7, e->rng ^= e->rng << 17;
	x = e->rng;
	memcpy(pr->cookie, &x, sizeof(x));
	if (n >= sizeof(pr->cookie))
		memcpy(e->payload, pr->cookie, sizeof(pr->cookie));
}

static int
payload_same(const struct probe *pr, const uint8_t *d, size_t n, size_t want)
{
	size_t i = n >= sizeof(pr->cookie) ? sizeof(pr->cookie) : 0;

	if (n != want || (i && memcmp(d, pr->cookie, i) != 0))
		return 0;
	for (; i < n; i++)
		if (d[i] != (uint8_t)PATTERN[i % 32])
			return 0;
	return 1;
}

/* A free sequence number (skipping slots in use); -1 when all are. */
static int
seq_take(struct ping_engine *e)
{
	unsigned i;

	for (i = 0; i < NSLOT; i++) {
		uint16_t s = e->next_seq++;

		if (e->slot_state[s] != SLOT_OUT)
			return s;
	}
	return -1;
}

/* Send a probe; a local failure is its status, reported when tmo is due (now). */
static int
probe_send(struct ping_engine *e, struct ping_run *r, struct probe *pr, uint64_t now)
{
	struct famstate *f = &e->fam[r->fam];
	int seq = seq_take(e), rc;
	size_t len;

	if (seq < 0)
		return PING_NO_RESOURCES;
	pr->seq = (uint16_t)seq;
	fill_payload(e, pr, r->p.bufsize);
	len = f->ops->build(e->tx, f->id, pr->seq, e->payload, r->p.bufsize);
	capture_want(e);
	e->clock(CLOCK_REALTIME, &pr->sent);
	if ((rc = f->ops->send(&f->s, &r->p, e->tx, len, r->opt, r->optlen)) < 0) {
		e->c.send_errors++;
		log_debug(TAG, "%s send: %s", f->ops->name, strerror(-rc));
		return ping_status_of_errno(-rc);
	}
	e->c.sent++;
	pr->out = 1;
	e->slot[pr->seq] = pr;
	e->slot_state[pr->seq] = SLOT_OUT;
	e->nout++;
	return heap_push(e, &pr->tmo, now + r->p.timeout_ms * MS) < 0 ? PING_NO_RESOURCES : 0;
}

static void
run_send(struct ping_run *r, uint64_t now)
{
	struct ping_engine *e = r->e;
	uint64_t wait = r->fail ? 0 : take_token(e, now);
	struct probe *pr;
	int st;

	if (wait || !(pr = calloc(1, sizeof(*pr)))) {
		(void)heap_push(e, &r->next, now + (wait ? wait : 100 * MS));
		return;
	}
	pr->run = r;
	pr->tmo.kind = IT_PROBE;
	pr->tmo.hpos = NOT_IN_HEAP;
	pr->index = ++r->sent;
	pr->status = PING_REQ_TIMED_OUT;
	LIST_INSERT_HEAD(&r->probes, pr, link);
	st = r->fail ? r->fail : probe_send(e, r, pr, now);
	if (st) {
		pr->status = st;
		if (pr->tmo.hpos == NOT_IN_HEAP)
			(void)heap_push(e, &pr->tmo, now);
	}
	if (r->sent < r->p.count)
		(void)heap_push(e, &r->next, r->fail ? now : now + r->p.interval_ms * MS);
}

static void
probe_expire(struct probe *pr)
{
	struct ping_probe res = { .status = pr->status };

	(void)probe_result(pr, &res, SLOT_LATE);
}

void
ping_engine_tick(void *arg)
{
	struct ping_engine *e = arg;
	uint64_t now = mono_ns(e);
	struct pitem *it;

	while (e->nheap && (it = e->heap[0])->due <= now) {
		heap_remove(e, it);
		if (it->kind == IT_SEND)
			run_send((struct ping_run *)it, now);
		else
			probe_expire((struct probe *)it);
	}
	capture_linger(e, now);
	rearm(e);
}

static int
unusable(const struct ping_target *t)
{
	if (t->family == AF_INET)
		return t->a.v4.s_addr == htonl(INADDR_ANY) ||
		    t->a.v4.s_addr == htonl(INADDR_BROADCAST) ||
		    IN_MULTICAST(ntohl(t->a.v4.s_addr));
	if (t->family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&t->a.v6) || IN6_IS_ADDR_MULTICAST(&t->a.v6);
	return 1;
}

/* What every probe of the run gets before any send: 0 when it may send. */
static int
run_check(struct ping_engine *e, struct ping_run *r)
{
	const struct famstate *f = &e->fam[r->fam];

	if (unusable(&r->p.dst) || !f->ops || f->s.fd < 0)
		return PING_BAD_DESTINATION;
	if (r->p.bufsize > PING_BUF_MAX)
		return PING_BAD_REQ;
	return f->ops->options(&r->p, r->opt, &r->optlen);
}

struct ping_run *
ping_run_start(struct ping_engine *e, const struct ping_params *p, const struct ping_hooks *h,
    void *owner)
{
	struct ping_run *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->e = e;
	r->p = *p;
	if (r->p.count == 0)
		r->p.count = 1;
	r->h = *h;
	r->owner = owner;
	r->fam = p->dst.family == AF_INET6;
	r->next.kind = IT_SEND;
	r->next.hpos = NOT_IN_HEAP;
	LIST_INIT(&r->probes);
	LIST_INSERT_HEAD(&e->runs, r, link);
	if ((r->fail = run_check(e, r)) != 0)
		log_debug(TAG, "run refused before sending: status %d", r->fail);
	run_send(r, mono_ns(e));
	rearm(e);
	return r;
}

void
ping_run_cancel(struct ping_run *r)
{
	struct ping_engine *e = r->e;

	if (r->cancelled)
		return;
	while (!LIST_EMPTY(&r->probes))
		probe_drop(e, LIST_FIRST(&r->probes), SLOT_LATE);
	heap_remove(e, &r->next);
	r->cancelled = 1;
	if (!r->busy)
		run_free(r);
	rearm(e);
}

/* --- answers --- */

static void
timing(struct ping_engine *e, const struct probe *pr, const struct icmp_in *in,
    const struct capture_pkt *k, struct ping_probe *res)
{
	struct timespec end;
	int64_t d;

	if (e->time_source == PING_TIME_CAPTURE && pr->has_creq && k) {
		d = (int64_t)(ts_ns(&k->ts) - ts_ns(&pr->creq));
		res->time_source = PING_TIME_CAPTURE;
	} else {
		if (in->has_ts)
			end = in->ts;
		else
			e->clock(CLOCK_REALTIME, &end);
		d = (int64_t)(ts_ns(&end) - ts_ns(&pr->sent));
		res->time_source = PING_TIME_SOCKET;
	}
	res->rtt_us = d < 0 ? 0 : (uint32_t)(d / 1000);
}

static void
reply_result(const struct probe *pr, const struct icmp_in *in, struct ping_probe *res)
{
	res->status = PING_SUCCESS;
	res->is_reply = 1;
	res->reply_size = (uint32_t)in->len;
	res->inconsistent = !payload_same(pr, in->data, in->len, pr->run->p.bufsize);
	res->has_ttl = in->has_ttl;
	res->ttl = in->ttl;
	res->nrr = in->nrr;
	memcpy(res->rr, in->rr, sizeof(res->rr));
	res->nts = in->nts;
	memcpy(res->ts_addr, in->ts_addr, sizeof(res->ts_addr));
	memcpy(res->ts, in->tsv, sizeof(res->ts));
}

static void
answer(struct ping_engine *e, struct probe *pr, const struct icmp_in *in)
{
	struct ping_probe res = { 0 };
	int family = e->fam[pr->run->fam].ops->family;
	int icmp = in->origin == SO_EE_ORIGIN_ICMP || in->origin == SO_EE_ORIGIN_ICMP6;
	const struct capture_pkt *k = captured_answer(pr, in, family);

	if (in->kind == ICMP_IN_REPLY) {
		e->c.replies++;
		reply_result(pr, in, &res);
	} else {
		e->c.errors++;
		res.status = icmp ? ping_status_of_icmp(family, in->type, in->code) :
				    ping_status_of_errno(in->err);
		res.has_ttl = in->has_ttl || (icmp && k);
		res.ttl = in->has_ttl ? in->ttl : k ? k->ttl : 0;
	}
	res.from = in->from;
	if (in->kind == ICMP_IN_REPLY || icmp)
		timing(e, pr, in, k, &res);
	probe_result(pr, &res, SLOT_ANSWERED);
}

static void
handle_in(struct ping_engine *e, int f, const struct icmp_in *in)
{
	uint8_t st = e->slot_state[in->seq];
	struct probe *pr = e->slot[in->seq];

	if (in->kind == ICMP_IN_GARBAGE) {
		e->c.garbage++;
		return;
	}
	if (in->kind == ICMP_IN_OTHER)
		return; /* a local error without our request in it: sendmsg() said it */
	if (in->id != e->fam[f].id || (st == SLOT_OUT && pr->run->fam != f))
		e->c.foreign++;
	else if (st == SLOT_OUT)
		answer(e, pr, in);
	else if (st == SLOT_ANSWERED)
		e->c.duplicate++;
	else if (st == SLOT_LATE)
		e->c.late++;
	else
		e->c.foreign++;
}

void
ping_engine_read(struct ping_engine *e, int family)
{
	struct famstate *f = &e->fam[family == AF_INET6];
	struct icmp_in in;
	int errq, i;

	if (f->s.fd < 0)
		return;
	if (capture_fd(e->cap) >= 0)
		(void)capture_drain(e->cap);
	for (errq = 1; errq >= 0; errq--)
		for (i = 0; i < READS_PER_WAKEUP && f->ops->recv(f->s.fd, errq, e->rx, &in) > 0;
		     i++)
			handle_in(e, family == AF_INET6, &in);
	rearm(e);
}

static void
read4(void *arg)
{
	ping_engine_read(arg, AF_INET);
}

static void
read6(void *arg)
{
	ping_engine_read(arg, AF_INET6);
}

/* --- the engine --- */

static void
fam_open(struct ping_engine *e, int i, const struct icmp_fam *ops)
{
	char err[256];
	struct famstate *f = &e->fam[i];

	f->ops = ops;
	f->s.fd = -1;
	f->s.df = 0;
	e->rng ^= e->rng << 13, e->rng ^= e->rng >> 7, e->rng ^= e->rng << 17;
	f->id = (uint16_t)e->rng;
	if (ops && (f->s.fd = ops->open(f->id, err, sizeof(err))) < 0)
		log_warn(TAG, "%s: %s; its runs end with badDestination", ops->name, err);
}

struct ping_engine *
ping_engine_new_ops(const struct icmp_fam *f4, const struct icmp_fam *f6, char *err, size_t errlen)
{
	struct ping_engine *e = calloc(1, sizeof(*e));
	size_t i;

	if (!e || !(e->cap = capture_new(ping_engine_captured, e))) {
		free(e);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (getrandom(&e->rng, sizeof(e->rng), GRND_NONBLOCK) != sizeof(e->rng))
		e->rng = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL;
	e->rng |= 1;
	e->clock = clock_gettime;
	e->time_source = PING_TIME_SOCKET;
	LIST_INIT(&e->runs);
	for (i = 0; i < sizeof(e->payload); i++)
		e->payload[i] = (uint8_t)PATTERN[i % 32];
	fam_open(e, 0, f4);
	fam_open(e, 1, f6);
	ping_engine_set_rate(e, 1000);
	e->tokens = e->rate; /* a full bucket */
	if (e->fam[0].s.fd < 0 && e->fam[1].s.fd < 0) {
		snprintf(err, errlen, "no ICMP socket could be opened (CAP_NET_RAW?)");
		ping_engine_free(e);
		return NULL;
	}
	return e;
}

struct ping_engine *
ping_engine_new(char *err, size_t errlen)
{
	return ping_engine_new_ops(&icmp4_fam, &icmp6_fam, err, errlen);
}

int
ping_engine_start(struct ping_engine *e)
{
	loop_fn fn[2] = { read4, read6 };
	int i;

	for (i = 0; i < 2; i++)
		if (e->fam[i].s.fd >= 0 &&
		    loop_fd_add(&e->fam[i].lfd, e->fam[i].s.fd, fn[i], e) < 0)
			return -1;
	loop_arm_timer(&e->arm, loop_timer_arm, &e->timer, ping_engine_tick, e);
	e->started = 1;
	return 0;
}

void
ping_engine_free(struct ping_engine *e)
{
	int i;

	if (!e)
		return;
	while (!LIST_EMPTY(&e->runs))
		ping_run_cancel(LIST_FIRST(&e->runs));
	for (i = 0; i < 2; i++) {
		loop_fd_remove(&e->fam[i].lfd);
		if (e->fam[i].s.fd >= 0)
			close(e->fam[i].s.fd);
	}
	loop_fd_remove(&e->capfd);
	if (e->started)
		loop_timer_stop(&e->timer);
	capture_free(e->cap);
	free(e->heap);
	free(e);
}

void
ping_engine_set_time_source(struct ping_engine *e, int source)
{
	e->time_source = source == PING_TIME_CAPTURE ? PING_TIME_CAPTURE : PING_TIME_SOCKET;
}

const struct ping_counters *
ping_engine_counters(const struct ping_engine *e)
{
	return &e->c;
}

void
ping_engine_set_clock(struct ping_engine *e, ping_clock_fn fn)
{
	e->clock = fn;
	e->tok_ns = mono_ns(e);
	e->tokens = e->rate;
}

void
ping_engine_set_arm(struct ping_engine *e, loop_arm_fn fn, void *arg)
{
	e->arm.fn = fn;
	e->arm.arg = arg;
}

uint16_t
ping_engine_ident(const struct ping_engine *e, int family)
{
	return e->fam[family == AF_INET6].id;
}
