/* events: event queries over cimRouteEventTable (events.h). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cimq/eval.h"
#include "cimq/events.h"

#define HISTORY    "cimRouteEvent"
#define MAX_WINDOW 100000 /* cimRouteEventHistorySize's maximum */

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
events_is(const struct cmap_class *c, const struct wql_stmt *s)
{
	return s->kind == WQL_SELECT &&
	    (c->kind == CMAP_K_EVENT || (strcasecmp(c->name, HISTORY) == 0 && s->within >= 0));
}

struct follow {
	netsnmp_session *ss;
	const struct cmap *m;
	const struct plan *user; /* the query's plan */
	struct plan *fam;        /* SELECT AddressType FROM cimRouteEvent */
	struct wql_stmt *fam_s;
	int v4only;     /* an event class: IPv4 changes only */
	uint32_t next;  /* the next sequence number expected */
	uint32_t *seqs; /* this poll's selected rows */
	size_t nseqs;
	size_t at; /* the print pass: seqs[at] is the next row it expects */
	enum out_format f;
	unsigned long left; /* events still to print; 0: no limit */
	int limited;
	struct exec_err *err;
};

static int
fail(struct follow *fo, int status, const char *msg)
{
	fo->err->status = status;
	snprintf(fo->err->msg, sizeof(fo->err->msg), "%s: %s", fo->ss->peername, msg);
	return -1;
}

/* cimRouteEventLastSequence.0 to *last; 0 or -1. */
static int
last_sequence(struct follow *fo, uint32_t *last)
{
	oid o[MAX_OID_LEN];
	size_t len = MAX_OID_LEN;
	netsnmp_pdu *pdu, *resp = NULL;
	int st, rc = -1;

	if (!read_objid("CIM-ROUTE-MIB::cimRouteEventLastSequence.0", o, &len))
		return fail(fo, CIMQ_LOCAL, "cimRouteEventLastSequence is not in the MIB");
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	snmp_add_null_var(pdu, o, len);
	st = snmp_synch_response(fo->ss, pdu, &resp);
	if (st != STAT_SUCCESS || resp == NULL)
		fail(fo, CIMQ_TIMEOUT, "no response (cimRouteEventLastSequence)");
	else if (resp->errstat != SNMP_ERR_NOERROR || resp->variables == NULL ||
	    resp->variables->type != ASN_UNSIGNED)
		fail(fo, CIMQ_MISSING, "cimRouteEventLastSequence is missing on the agent");
	else {
		*last = (uint32_t)*resp->variables->val.integer;
		rc = 0;
	}
	if (resp != NULL)
		snmp_free_pdu(resp);
	return rc;
}

/* ---- sequence numbers: 1 to 4294967295, then 1 again (the MIB) */

uint32_t
events_seq_add(uint32_t s, uint32_t k)
{
	return (uint32_t)(((uint64_t)(s == 0 ? UINT32_MAX - 1 : s - 1) + k) % UINT32_MAX + 1);
}

uint32_t
events_seq_dist(uint32_t a, uint32_t b)
{
	return b >= a ? b - a : b - a - 1;
}

int
events_seq_ahead(uint32_t next, uint32_t seq)
{
	return seq != 0 && events_seq_dist(next, seq) < 0x80000000u;
}

uint32_t
events_gap(uint32_t *next, uint32_t seq, uint32_t *first)
{
	uint32_t missed = events_seq_dist(*next, seq);

	*first = *next;
	*next = events_seq_add(seq, 1);
	return missed;
}

uint32_t
events_window(uint32_t next, uint32_t last, uint32_t max, uint32_t *first)
{
	uint32_t n;

	if (!events_seq_ahead(next, last))
		return 0;
	n = events_seq_dist(next, last) >= max ? max : events_seq_dist(next, last) + 1;
	*first = events_seq_add(last, UINT32_MAX - (n - 1));
	return n;
}

/* Whether s comes after seq (the seqs of a poll are within half the ring). */
static int
seq_after(uint32_t s, uint32_t seq)
{
	return events_seq_ahead(events_seq_add(seq, 1), s);
}

/* Where seq is among seqs[at..n), or the first after it (n: none). */
static size_t
seq_find(const uint32_t *seqs, size_t n, size_t at, uint32_t seq)
{
	while (at < n && seqs[at] != seq && (seq == 0 || !seq_after(seqs[at], seq)))
		at++;
	return at;
}

int
events_asked(const uint32_t *seqs, size_t n, size_t at, uint32_t seq)
{
	size_t k = seq_find(seqs, n, at, seq);

	return k < n && seqs[k] == seq;
}

uint32_t
events_lost(const uint32_t *seqs, size_t n, size_t *at, uint32_t seq, uint32_t *first,
    uint32_t *last)
{
	size_t k = seq_find(seqs, n, *at, seq);

	if (seq != 0 && (k == n || seqs[k] != seq))
		return 0; /* not a row asked for */
	if (k == *at) {
		*at = k + (k < n);
		return 0;
	}
	*first = seqs[*at];
	*last = seqs[k - 1];
	*at = k + (k < n);
	return events_seq_dist(*first, *last) + 1;
}

/* The line of missed changes first..last. */
static void
missed(uint32_t n, uint32_t first, uint32_t last)
{
	if (n > 0)
		fprintf(stderr, "cimq: %lu changes missed (sequence %lu..%lu)\n", (unsigned long)n,
		    (unsigned long)first, (unsigned long)last);
}

/* Reports the changes before seq that were not read, expects the one after seq. */
static void
gap(struct follow *fo, uint32_t seq)
{
	uint32_t first, n = events_gap(&fo->next, seq, &first);

	missed(n, first, events_seq_add(seq, UINT32_MAX - 1));
}

/* The rows of the family pass: gaps reported, selected rows kept. */
static int
family_row(void *ctx, const oid *index, size_t len, const struct cq_value *row)
{
	struct follow *fo = ctx;
	const struct cq_value *at = &row[fo->fam->out[0]];
	uint32_t seq;

	if (len != 1 || index[0] > UINT32_MAX || !events_seq_ahead(fo->next, (uint32_t)index[0]))
		return 0;
	seq = (uint32_t)index[0];
	gap(fo, seq);
	if (!fo->v4only || (at->kind == CQ_V_UINT && at->u == 1))
		fo->seqs[fo->nseqs++] = seq;
	return 0;
}

/* One event: a result of its own, flushed, if the WHERE selects it; the rows
   asked for before it that left the history since the family pass are
   reported. */
static int
print_row(void *ctx, const oid *index, size_t len, const struct cq_value *row)
{
	struct follow *fo = ctx;
	const struct plan *p = fo->user;
	const char *names[p->nout + 1];
	struct cq_value vals[p->nout + 1];
	struct out *o;
	uint32_t first, last, n;

	if (len != 1 || index[0] == 0 || index[0] > UINT32_MAX ||
	    !events_asked(fo->seqs, fo->nseqs, fo->at, (uint32_t)index[0]))
		return 0;
	n = events_lost(fo->seqs, fo->nseqs, &fo->at, (uint32_t)index[0], &first, &last);
	missed(n, first, last);
	if (p->filter != NULL && eval_expr(p->cls, p->filter, row) != CQ_TRUE)
		return 0;
	for (size_t k = 0; k < p->nout; k++) {
		names[k] = p->cls->props[p->out[k]].name;
		vals[k] = row[p->out[k]];
	}
	o = out_open(fo->f, stdout, names, p->nout, 0);
	if (o == NULL || out_row(o, vals) != 0 || out_close(o) != 0 || fflush(stdout) != 0)
		return fail(fo, CIMQ_LOCAL, "cannot write the output");
	if (fo->limited && --fo->left == 0)
		return -1;
	return 0;
}

/* After the print pass: the rows asked for that it did not get are gone too. */
static void
lost_tail(struct follow *fo)
{
	uint32_t first, last, n = events_lost(fo->seqs, fo->nseqs, &fo->at, 0, &first, &last);

	missed(n, first, last);
}

/* Walks p's plan from sequence number lo to hi; every row read goes to fn, which
   evaluates the WHERE itself. */
static int
span_once(struct follow *fo, const struct plan *p, uint32_t lo, uint32_t hi, exec_row_fn fn)
{
	struct plan q = *p;

	q.filter = NULL;
	q.access = PLAN_SPAN;
	q.lo = (struct plan_key){ .sub = { lo }, .len = 1 };
	q.hi = (struct plan_key){ .sub = { hi }, .len = 1 };
	q.hi_incl = 1;
	return exec_rows(fo->ss, fo->m, &q, fn, fo, fo->err);
}

/* The rows the history holds from sequence number lo to hi, in sequence order:
   GETBULK walks of the plan's columns, two where the numbering wraps. */
static int
span_rows(struct follow *fo, const struct plan *p, uint32_t lo, uint32_t hi, exec_row_fn fn)
{
	int rc = 0;

	if (lo > hi && (rc = span_once(fo, p, lo, UINT32_MAX, fn)) == 0)
		lo = 1;
	return rc != 0 ? rc : span_once(fo, p, lo, hi, fn);
}

/* One poll: the rows after fo->next up to the agent's last. */
static int
poll_once(struct follow *fo)
{
	uint32_t last, n, first;
	int rc;

	if (last_sequence(fo, &last) != 0)
		return -1;
	if ((n = events_window(fo->next, last, MAX_WINDOW, &first)) == 0)
		return 0;
	fo->seqs = calloc(n, sizeof(*fo->seqs));
	fo->nseqs = 0;
	rc = fo->seqs != NULL ? span_rows(fo, fo->fam, first, last, family_row) :
				fail(fo, CIMQ_LOCAL, "out of memory");
	if (rc == 0 && events_seq_ahead(fo->next, last)) { /* the newest rows are gone too */
		gap(fo, events_seq_add(last, 1));
		fo->next = events_seq_add(last, 1);
	}
	fo->at = 0;
	if (rc == 0 && fo->nseqs > 0)
		rc = span_rows(fo, fo->user, fo->seqs[0], fo->seqs[fo->nseqs - 1], print_row);
	if (rc == 0)
		lost_tail(fo);
	free(fo->seqs);
	return rc;
}

/* Sleeps s seconds unless a signal comes. */
static void
pause_for(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (!stop && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
follow_init(struct follow *fo, const struct cmap_class *c)
{
	const struct cmap_class *h = cmap_class(fo->m, HISTORY);
	struct wql_err we;
	struct plan_err pe;

	fo->v4only = c->kind == CMAP_K_EVENT;
	if (h == NULL || wql_parse("SELECT AddressType FROM " HISTORY, &fo->fam_s, &we) != 0)
		return fail(fo, CIMQ_LOCAL, "the map has no class " HISTORY);
	if (plan_make(h, fo->fam_s, &fo->fam, &pe) != 0)
		return fail(fo, CIMQ_LOCAL, pe.msg);
	if (last_sequence(fo, &fo->next) != 0)
		return -1;
	fo->next = events_seq_add(fo->next, 1); /* 0 (no change yet) and 4294967295: 1 */
	return 0;
}

int
events_run(netsnmp_session *ss, const struct cmap *m, const struct wql_stmt *s,
    const struct plan *p, enum out_format f, unsigned long count, struct exec_err *err)
{
	struct follow fo = { .ss = ss,
		.m = m,
		.user = p,
		.f = f,
		.left = count,
		.limited = count > 0,
		.err = err };
	struct sigaction sa = { .sa_handler = on_signal };
	double within = s->within >= 0 ? s->within : 1;
	int rc;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = follow_init(&fo, p->cls);
	while (rc == 0 && !stop) {
		pause_for(within);
		if (!stop)
			rc = poll_once(&fo);
	}
	if (rc != 0 && fo.limited && fo.left == 0)
		rc = 0; /* stopped after count events */
	plan_free(fo.fam);
	if (fo.fam_s != NULL)
		wql_free(fo.fam_s);
	return rc;
}
