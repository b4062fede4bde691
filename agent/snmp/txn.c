/* The generic SET transaction: see txn.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "lib/log.h"
#include "lib/text.h"
#include "lib/vec.h"
#include "snmp/loop.h"
#include "snmp/txn.h"

/* Room for an index in a log line (a longer one is cut). */
#define IDX_TEXT_MAX 512

/* One column value as the SET gave it. */
struct txn_val {
	oid col;
	u_char type;
	size_t len;
	long i;    /* a number */
	u_char *s; /* a string (malloc'ed), else NULL */
};

struct txn_binding {
	struct txn *txn;
	const struct mib_table *t;
	const struct txn_ops *ops;
	void *ctx;
};

struct txn_row {
	const struct txn_binding *b;
	oid idx[MAX_OID_LEN];
	size_t idxlen;
	struct txn_val *vals;
	size_t nvals, valcap;
	int err;      /* SNMP error found in RESERVE2 (0: none) */
	int err_told; /* reported on a varbind already */
	int applied;  /* ACTION reached this row */
	int waiting;  /* ... and its apply() waits for the kernel */
	int last;     /* applied after every other row (txn_apply_last()) */
	int called;   /* ACTION: its table's handler was called */
	void *data;   /* the table's own row: ops->row_size bytes */
};

struct txn_step {
	txn_undo_fn undo;
	void *row; /* the row's data, or NULL */
	void *arg;
};

struct txn {
	long transid;
	int open;
	int checked;
	int undone;
	int applied;            /* ACTION applied a row (or tried to) */
	struct txn_call *calls; /* ACTION: handler calls not over yet, oldest first */
	size_t ncalls, callcap;
	struct txn_call *late; /* ACTION: calls whose last rows wait for every other row */
	size_t nlate, latecap;
	int late_now;             /* ... the phase's time is up: run them whatever came */
	struct loop_timer later;  /* ... their pass, from the loop once every handler was called */
	int phase;                /* the delegated phase under way (MODE_SET_*), 0: none */
	int running, again;       /* calls_run()'s trampoline */
	int in_handler;           /* inside a handler call: its requests may be touched */
	struct loop_timer budget; /* the phase's limit */
	size_t nchecked;          /* RESERVE2: the rows checked so far */
	int undo_bad;             /* UNDO: a step could not be undone */
	int failed;               /* ACTION: a row failed; the rows after it are not applied */
	int orphan;   /* the master went away during the phase: no COMMIT or UNDO comes */
	int own_undo; /* the UNDO orphan_end() began is under way */
	struct txn_row *fail_on; /* ACTION: the row the failing apply() names (txn_fail_on()) */
	struct txn_row **rows;
	size_t n, cap;
	struct txn_step *steps;
	size_t nsteps, stepcap;
	struct txn_binding **b;
	size_t nb, bcap;
};

static void budget_spent(void *);
static void late_due(void *);
static void commit_rows(struct txn *);

struct txn *
txn_new(void)
{
	struct txn *x = calloc(1, sizeof(struct txn));

	if (x == NULL)
		return NULL;
	loop_timer_init(&x->budget, budget_spent, x);
	loop_timer_init(&x->later, late_due, x);
	return x;
}

static void
row_free(struct txn_row *r)
{
	if (r->b->ops->row_free != NULL)
		r->b->ops->row_free(r->data);
	for (size_t i = 0; i < r->nvals; i++)
		free(r->vals[i].s);
	free(r->vals);
	free(r->data);
	free(r);
}

/* Forget the rows and steps; a transaction applied but neither committed nor undone stays. */
static void
txn_clear(struct txn *x)
{
	if (x->open && x->applied && !x->undone) {
		log_warn("set",
		    "transaction %ld was applied but never committed or undone; "
		    "its changes stay",
		    x->transid);
		commit_rows(x); /* they stay: what waits for COMMIT happens too */
	}
	for (size_t i = 0; i < x->n; i++)
		row_free(x->rows[i]);
	free(x->rows);
	free(x->steps);
	x->rows = NULL;
	x->steps = NULL;
	x->n = x->cap = x->nsteps = x->stepcap = 0;
	x->open = x->checked = x->undone = x->applied = x->undo_bad = x->failed = x->orphan =
	    x->own_undo = 0;
	x->nchecked = 0;
	x->nlate = 0;
	x->late_now = 0;
	x->fail_on = NULL;
	x->transid = 0;
}

void
txn_free(struct txn *x)
{
	if (x == NULL)
		return;
	txn_timeout(x);
	loop_timer_stop(&x->budget);
	loop_timer_stop(&x->later);
	x->applied = 0; /* at exit: nothing to warn about */
	txn_clear(x);
	free(x->calls);
	free(x->late);
	for (size_t i = 0; i < x->nb; i++)
		free(x->b[i]);
	free(x->b);
	free(x);
}

/* ---- rows and values ------------------------------------------------------- */

void *
txn_row_data(const struct txn_row *r)
{
	return r->data;
}

const struct txn_ops *
txn_row_ops(const struct txn_row *r)
{
	return r->b->ops;
}

void
txn_apply_last(struct txn_row *r)
{
	r->last = 1;
}

int
txn_refused(const struct txn_row *r)
{
	return r->err != 0;
}

size_t
txn_nrows(const struct txn *x)
{
	return x->n;
}

struct txn_row *
txn_row_at(const struct txn *x, size_t i)
{
	return i < x->n ? x->rows[i] : NULL;
}

static struct txn_val *
val_of(const struct txn_row *r, oid col)
{
	for (size_t i = 0; i < r->nvals; i++)
		if (r->vals[i].col == col)
			return &r->vals[i];
	return NULL;
}

int
txn_has(const struct txn_row *r, oid col)
{
	return val_of(r, col) != NULL;
}

int
txn_int(const struct txn_row *r, oid col, long *v)
{
	const struct txn_val *tv = val_of(r, col);

	if (tv == NULL || tv->s != NULL)
		return 0;
	*v = tv->i;
	return 1;
}

const u_char *
txn_str(const struct txn_row *r, oid col, size_t *len)
{
	const struct txn_val *tv = val_of(r, col);

	if (tv == NULL || tv->s == NULL)
		return NULL;
	*len = tv->len;
	return tv->s;
}

const char *
txn_err_name(int err)
{
	switch (err) {
	case SNMP_ERR_WRONGTYPE: return "wrongType";
	case SNMP_ERR_WRONGLENGTH: return "wrongLength";
	case SNMP_ERR_WRONGVALUE: return "wrongValue";
	case SNMP_ERR_NOCREATION: return "noCreation";
	case SNMP_ERR_INCONSISTENTVALUE: return "inconsistentValue";
	case SNMP_ERR_RESOURCEUNAVAILABLE: return "resourceUnavailable";
	case SNMP_ERR_NOTWRITABLE: return "notWritable";
	case SNMP_ERR_INCONSISTENTNAME: return "inconsistentName";
	case SNMP_ERR_COMMITFAILED: return "commitFailed";
	case SNMP_ERR_UNDOFAILED: return "undoFailed";
	case SNMP_ERR_NOACCESS: return "noAccess";
	default: return "error";
	}
}

int
txn_refuse(struct txn_row *r, int err, const char *fmt, ...)
{
	char name[256], why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	r->b->ops->row_name(r->data, name, sizeof(name));
	log_notice("set", "refused (%s): %s: %s", txn_err_name(err), name, why);
	r->err = err;
	return err;
}

/* The sub-identifiers joined by dots ("(none)" for none), cut to the buffer. */
static const char *
idx_text(const oid *o, size_t len, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < len && n < size; i++)
		n +=
		    (size_t)snprintf(buf + n, size - n, "%s%lu", i ? "." : "", (unsigned long)o[i]);
	return len ? buf : "(none)";
}

int
txn_bad_index(const char *table, const oid *idx, size_t len, const char *why)
{
	char s[IDX_TEXT_MAX];

	log_notice("set", "refused (noCreation): %s index %s: %s", table,
	    idx_text(idx, len, s, sizeof(s)), why);
	return SNMP_ERR_NOCREATION;
}

/* A refusal of RESERVE1 (why NULL: logged already): the table, column and index. */
static void
refuse_vb(const struct mib_table *t, const netsnmp_variable_list *vb, int err, const char *why)
{
	char s[IDX_TEXT_MAX];
	size_t at = t->entry_len + 1;

	if (why == NULL)
		return;
	at = vb->name_length < at ? vb->name_length : at;
	log_notice("set", "refused (%s): %s column %lu index %s: %s", txn_err_name(err), t->name,
	    at > t->entry_len ? (unsigned long)vb->name[t->entry_len] : 0UL,
	    idx_text(vb->name + at, vb->name_length - at, s, sizeof(s)), why);
}

/* The value of vb, kept; 0 or -1 out of memory. */
static int
val_set(struct txn_val *tv, oid col, const netsnmp_variable_list *vb, int number)
{
	memset(tv, 0, sizeof(*tv));
	tv->col = col;
	tv->type = vb->type;
	tv->len = vb->val_len;
	if (number) {
		tv->i = *vb->val.integer;
		return 0;
	}
	if ((tv->s = malloc(vb->val_len + 1)) == NULL)
		return -1;
	memcpy(tv->s, vb->val.string, vb->val_len);
	return 0;
}

static int
val_same(const struct txn_val *a, const struct txn_val *b)
{
	if (a->type != b->type || a->len != b->len || (a->s == NULL) != (b->s == NULL))
		return 0;
	return a->s != NULL ? memcmp(a->s, b->s, a->len) == 0 : a->i == b->i;
}

/* ---- RESERVE1: one varbind ------------------------------------------------- */

/* The column and index of vb in b's table; 0, or -1 if the name is not in the table's entry. */
static int
split_name(const struct txn_binding *b, const netsnmp_variable_list *vb, oid *col, const oid **idx,
    size_t *ilen)
{
	const struct mib_table *t = b->t;

	if (vb->name_length <= t->entry_len ||
	    snmp_oid_compare(vb->name, t->entry_len, t->entry, t->entry_len) != 0)
		return -1;
	*col = vb->name[t->entry_len];
	*idx = vb->name + t->entry_len + 1;
	*ilen = vb->name_length - t->entry_len - 1;
	return 0;
}

static const struct txn_column *
column(const struct txn_ops *ops, oid col)
{
	for (size_t i = 0; i < ops->ncols; i++)
		if (ops->cols[i].col == col)
			return &ops->cols[i];
	return NULL;
}

static struct txn_row *
find_row(const struct txn *x, const struct txn_binding *b, const oid *idx, size_t ilen)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->rows[i]->b == b && x->rows[i]->idxlen == ilen &&
		    memcmp(x->rows[i]->idx, idx, ilen * sizeof(oid)) == 0)
			return x->rows[i];
	return NULL;
}

static int
check_vb(const struct txn_column *c, const netsnmp_variable_list *vb)
{
	int rc;

	if (c->maxlen == 0)
		rc = netsnmp_check_vb_type_and_size(vb, c->type, sizeof(long));
	else
		rc = netsnmp_check_vb_type_and_max_size(vb, c->type, c->maxlen);
	if (rc != 0)
		return rc;
	return c->check != NULL ? c->check(vb) : SNMP_ERR_NOERROR;
}

/* Why check_vb() or add_row() refused, for the log (NULL: add_row() logged it). */
static const char *
vb_why(int rc)
{
	switch (rc) {
	case SNMP_ERR_WRONGTYPE: return "the value's type is not the column's";
	case SNMP_ERR_WRONGLENGTH: return "the value's length is not the column's";
	case SNMP_ERR_RESOURCEUNAVAILABLE: return NULL;
	default: return "the column cannot have this value";
	}
}

/* A new row for idx, its data parsed; NULL with *err. */
static struct txn_row *
row_new(const struct txn_binding *b, const oid *idx, size_t ilen, int *err)
{
	struct txn_row *r;

	*err = SNMP_ERR_RESOURCEUNAVAILABLE;
	if (ilen > MAX_OID_LEN) {
		*err = SNMP_ERR_NOCREATION;
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->data = calloc(1, b->ops->row_size ? b->ops->row_size : 1)) == NULL) {
		free(r);
		return NULL;
	}
	r->b = b;
	memcpy(r->idx, idx, ilen * sizeof(oid));
	r->idxlen = ilen;
	if ((*err = b->ops->parse_index(b->ctx, idx, ilen, r->data)) != 0) {
		row_free(r);
		return NULL;
	}
	return r;
}

static int
add_row(struct txn *x, struct txn_row *r)
{
	if (x->n == TXN_ROWS_MAX) {
		log_notice("set", "refused (resourceUnavailable): more than %d rows in one SET",
		    TXN_ROWS_MAX);
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	}
	if (vec_reserve(&x->rows, &x->cap, x->n, sizeof(*x->rows), 8) < 0)
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	x->rows[x->n++] = r;
	return 0;
}

/* RESERVE1 of one varbind; 0, or the status with *why, the reason to log (NULL: logged). */
static int
reserve1(struct txn *x, const struct txn_binding *b, const netsnmp_variable_list *vb,
    const char **why)
{
	const struct txn_column *c;
	struct txn_row *row, *fresh = NULL;
	struct txn_val tv, *old;
	const oid *idx;
	size_t ilen;
	oid col;
	int rc;

	*why = "out of memory";
	if (split_name(b, vb, &col, &idx, &ilen) < 0 || (c = column(b->ops, col)) == NULL) {
		*why = "not a writable column";
		return SNMP_ERR_NOTWRITABLE;
	}
	if ((row = find_row(x, b, idx, ilen)) == NULL &&
	    (row = fresh = row_new(b, idx, ilen, &rc)) == NULL) {
		*why = NULL; /* parse_index() logs its refusals */
		return rc;
	}
	if ((rc = check_vb(c, vb)) != 0 && b->ops->refused != NULL)
		b->ops->refused(row, col, rc, b->ctx);
	if (rc != 0 || (fresh != NULL && (rc = add_row(x, fresh)) != 0)) {
		if (fresh != NULL)
			row_free(fresh);
		*why = vb_why(rc);
		return rc;
	}
	*why = "out of memory";
	if (val_set(&tv, col, vb, c->maxlen == 0) < 0)
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	if ((old = val_of(row, col)) != NULL) {
		int same = val_same(old, &tv);

		free(tv.s);
		*why = "two different values for one object";
		return same ? 0 : SNMP_ERR_INCONSISTENTVALUE;
	}
	if (vec_reserve(&row->vals, &row->valcap, row->nvals, sizeof(*row->vals), 4) < 0) {
		free(tv.s);
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	}
	row->vals[row->nvals++] = tv;
	return 0;
}

/* ---- group hooks ------------------------------------------------------------ */

static const struct txn_group no_hooks;

static const struct txn_group *
group(const struct txn_binding *b)
{
	return b->ops->group != NULL ? b->ops->group : &no_hooks;
}

/* Is binding i the first of its group (same hooks, same context)? */
static int
group_first(const struct txn *x, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (group(x->b[j]) == group(x->b[i]) && x->b[j]->ctx == x->b[i]->ctx)
			return 0;
	return 1;
}

static void
enter_all(struct txn *x, int mode)
{
	for (size_t i = 0; i < x->nb; i++)
		if (group_first(x, i) && group(x->b[i])->enter != NULL)
			group(x->b[i])->enter(x->b[i]->ctx, mode);
}

static void
leave_all(struct txn *x, int mode)
{
	for (size_t i = 0; i < x->nb; i++)
		if (group_first(x, i) && group(x->b[i])->leave != NULL)
			group(x->b[i])->leave(x->b[i]->ctx, mode);
}

/* ---- RESERVE2: the rows together ------------------------------------------- */

/*
 * Check the rows not checked yet, in order, then the groups' checks of the
 * rows together: 1 when done, 0 when a row's check waits for the kernel
 * (TXN_PENDING; it is called again after txn_resume()).
 */
static int
checks_run(struct txn *x)
{
	for (; x->nchecked < x->n; x->nchecked++) {
		struct txn_row *r = x->rows[x->nchecked];

		r->waiting = r->b->ops->check(x, r, r->b->ctx) == TXN_PENDING;
		if (r->waiting)
			return 0;
	}
	for (size_t i = 0; i < x->nb; i++)
		if (group_first(x, i) && group(x->b[i])->check_set != NULL)
			group(x->b[i])->check_set(x, x->b[i]->ctx);
	x->checked = 1;
	return 1;
}

/* ---- ACTION and UNDO -------------------------------------------------------- */

static int
steps_room(struct txn *x)
{
	return vec_reserve(&x->steps, &x->stepcap, x->nsteps + TXN_STEPS_CALL - 1,
	    sizeof(*x->steps), 16);
}

void
txn_step(struct txn *x, struct txn_row *r, txn_undo_fn undo, void *arg)
{
	if (x->nsteps == x->stepcap && steps_room(x) < 0) {
		/* Only if an apply() did more than TXN_STEPS_CALL steps and memory ran out. */
		log_err("set", "out of memory: a step of this SET cannot be undone");
		return;
	}
	x->steps[x->nsteps].undo = undo;
	x->steps[x->nsteps].row = r != NULL ? r->data : NULL;
	x->steps[x->nsteps].arg = arg;
	x->nsteps++;
}

/*
 * Undo the recorded steps, newest first, across rows and tables: 1 when
 * done, 0 when a step waits for the kernel (TXN_PENDING; it is called
 * again after txn_resume() and returns its outcome then).
 */
static int
undo_run(struct txn *x)
{
	while (x->nsteps > 0) {
		struct txn_step *s = &x->steps[x->nsteps - 1];
		int rc = s->undo(s->row, s->arg);

		if (rc == TXN_PENDING)
			return 0;
		x->nsteps--;
		if (rc < 0)
			x->undo_bad = 1;
	}
	for (size_t i = 0; i < x->nb; i++)
		if (group_first(x, i) && group(x->b[i])->undo_end != NULL &&
		    group(x->b[i])->undo_end(x, x->b[i]->ctx) < 0)
			x->undo_bad = 1;
	x->undone = 1;
	if (x->undo_bad)
		log_err("set",
		    "undo failed: the kernel or the state file may differ from before "
		    "the SET (see the errors above)");
	return 1;
}

static struct txn_row *
row_of(const struct txn *x, const struct txn_binding *b, const netsnmp_variable_list *vb)
{
	const oid *idx;
	size_t ilen;
	oid col;

	if (split_name(b, vb, &col, &idx, &ilen) < 0)
		return NULL;
	return find_row(x, b, idx, ilen);
}

static long
transid_of(netsnmp_agent_request_info *reqinfo)
{
	return reqinfo->asp != NULL && reqinfo->asp->pdu != NULL ? reqinfo->asp->pdu->transid : 0;
}

/*
 * Phases without waiting in the loop.  Each handler call's requests are
 * delegated and queued as a call.  In ACTION the calls run in order, the
 * rows of a call in the order of its varbinds, and a row that waits for
 * the kernel (TXN_PENDING) holds the queue until txn_resume(); a call's
 * requests are completed (errors set, delegation cleared) when its rows
 * and the group's action_end are done.  In RESERVE2 and UNDO the phase's
 * work is one piece (every row's check; every undo step), and every call
 * is completed when it is done.  net-snmp answers the master once all are
 * (through AgentX each phase is its own internal PDU, and a delegated one
 * is wrapped up from the loop whatever its mode: snmp_agent.c,
 * check_delayed_request()).
 */
struct txn_call {
	const struct txn_binding *b;
	netsnmp_agent_request_info *reqinfo;
	netsnmp_request_info *requests;
	netsnmp_request_info *cur; /* the request whose row runs */
	long transid;
	int agent;    /* an agent session holds the requests (not a unit test) */
	int late;     /* the pass over its last rows (txn_apply_last()) */
	int has_late; /* ... it has some, put off */
};

/*
 * May the call's requests be touched?  Inside a handler call, yes; later,
 * only while net-snmp still holds the delegated transaction (the master may
 * have closed the session meanwhile, and the agent freed the requests).
 */
static int
call_valid(const struct txn *x, const struct txn_call *c)
{
	return !c->agent || x->in_handler ||
	    netsnmp_check_transaction_id((int)c->transid) == SNMPERR_SUCCESS;
}

/* The head call is over: err (0: none) on bad, the other requests complete. */
static void
call_done(struct txn *x, netsnmp_request_info *bad, int err)
{
	struct txn_call c = x->calls[0];

	vec_remove_at(x->calls, &x->ncalls, sizeof(*x->calls), 0);
	if (!call_valid(x, &c))
		return;
	for (netsnmp_request_info *req = c.requests; req != NULL; req = req->next)
		if (req == bad && err != 0)
			netsnmp_set_request_error(c.reqinfo, req, err);
		else
			req->delegated = REQUEST_IS_NOT_DELEGATED;
}

void
txn_fail_on(struct txn *x, struct txn_row *r)
{
	x->fail_on = r;
}

/* The request to report a failed apply() on: the row's that txn_fail_on() named, else cur. */
static netsnmp_request_info *
failed_req(struct txn *x, const struct txn_call *c)
{
	const struct txn_row *r = x->fail_on;

	x->fail_on = NULL;
	for (netsnmp_request_info *req = c->requests; r != NULL && req != NULL; req = req->next)
		if (row_of(x, c->b, req->requestvb) == r)
			return req;
	return c->cur;
}

/*
 * Did a varbind of the call's PDU that is no row of ours fail in this
 * phase (another handler's: cimTcpip's scalars), before this call or
 * after it?  net-snmp calls every handler of a phase, and UNDO follows.
 */
static int
pdu_failed(const struct txn *x, const struct txn_call *c)
{
	const netsnmp_agent_session *asp = c->agent ? c->reqinfo->asp : NULL;

	for (int i = 0; asp != NULL && call_valid(x, c) && i < asp->vbcount; i++)
		if (asp->requests[i].status != SNMP_ERR_NOERROR)
			return 1;
	return 0;
}

static int call_defer(struct txn *);

/* ACTION: run the head call as far as it goes: 1 when it is over or put off, 0 when a row waits. */
static int
call_run(struct txn *x)
{
	struct txn_call *c = &x->calls[0];
	const struct txn_binding *b = c->b;
	int err = 0, orphaned;

	/*
	 * After a failed row, UNDO follows: the rows of the later calls (other
	 * tables) are not applied only to be undone (a link disabled and
	 * enabled again loses its routes on the way).
	 */
	if (x->failed) {
		call_done(x, NULL, 0);
		return 1;
	}
	for (; c->cur != NULL; c->cur = c->cur->next) {
		struct txn_row *r = row_of(x, b, c->cur->requestvb);

		if (r == NULL || (r->applied && !r->waiting))
			continue;
		if (r->last && !c->late) {
			c->has_late = 1;
			continue;
		}
		/*
		 * ... and after a failed varbind of another handler, likewise.  A
		 * last row is not applied either once the master is gone
		 * (txn_master()): nobody will see the SET complete, no COMMIT or
		 * UNDO comes, and the link would go down only for orphan_end() to
		 * undo the SET or, applied whole, keep it unanswered.  The SET
		 * fails here, and orphan_end() undoes what was applied.
		 */
		orphaned = x->orphan && r->last;
		if (!r->applied && (orphaned || pdu_failed(x, c))) {
			if (orphaned)
				log_warn("set",
				    "the master went away during the ACTION of transaction %ld: "
				    "its last rows are not applied",
				    x->transid);
			x->failed = 1;
			call_done(x, NULL, 0);
			return 1;
		}
		if (!r->applied) {
			r->applied = x->applied = 1;
			if (steps_room(x) < 0) {
				err = SNMP_ERR_RESOURCEUNAVAILABLE;
				break;
			}
		}
		err = b->ops->apply(x, r, b->ctx);
		r->waiting = err == TXN_PENDING;
		if (r->waiting)
			return 0;
		if (err != 0)
			break;
	}
	if (err != 0) {
		x->failed = 1;
		call_done(x, failed_req(x, c), err);
		return 1;
	}
	if (group(b)->action_end != NULL)
		err = steps_room(x) < 0 ? SNMP_ERR_RESOURCEUNAVAILABLE :
					  group(b)->action_end(x, b->ctx);
	x->failed = err != 0;
	if (err == 0 && c->has_late && !c->late && (err = call_defer(x)) == 0)
		return 1;
	call_done(x, c->requests, err);
	return 1;
}

/*
 * The head call's rows are applied but its last ones: put it off until
 * every other call is over.  0, or the error (out of memory) that ends it.
 */
static int
call_defer(struct txn *x)
{
	struct txn_call *c = &x->calls[0];

	if (vec_reserve(&x->late, &x->latecap, x->nlate, sizeof(*x->late), 2) < 0) {
		x->failed = 1;
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	}
	c->late = 1;
	c->cur = c->requests;
	x->late[x->nlate++] = *c;
	vec_remove_at(x->calls, &x->ncalls, sizeof(*x->calls), 0);
	return 0;
}

/*
 * Every call but the put-off ones is over, and every table with rows was
 * called (net-snmp calls each handler once a phase; the phase's time limit
 * stands in if one never is): the put-off calls run again, for their last
 * rows.  1 if they do.  Not inside a handler call: net-snmp calls the
 * phase's handlers in one go (snmp_agent.c, handle_var_requests()), and
 * those after this one, outside the transaction, may fail (pdu_failed());
 * the pass waits for the loop, which runs once they all were called.
 */
static int
late_begin(struct txn *x)
{
	struct txn_call *swap = x->calls;
	size_t cap = x->callcap;

	if (x->ncalls > 0 || x->nlate == 0)
		return 0;
	for (size_t i = 0; i < x->n && !x->late_now; i++)
		if (!x->rows[i]->called)
			return 0;
	if (x->in_handler && !x->late_now) {
		loop_timer_arm(0, &x->later);
		return 0;
	}
	x->calls = x->late;
	x->callcap = x->latecap;
	x->ncalls = x->nlate;
	x->late = swap;
	x->latecap = cap;
	x->nlate = 0;
	return 1;
}

/* RESERVE2 is done: each call reports one refused row of its varbinds, the first. */
static void
checks_done(struct txn *x)
{
	while (x->ncalls > 0) {
		const struct txn_call *c = &x->calls[0];
		netsnmp_request_info *bad = NULL;
		int err = 0;

		for (netsnmp_request_info *req = c->requests; req != NULL && bad == NULL;
		     req = req->next) {
			struct txn_row *r = row_of(x, c->b, req->requestvb);

			if (r != NULL && r->err && !r->err_told) {
				r->err_told = 1;
				bad = req;
				err = r->err;
			}
		}
		call_done(x, bad, err);
	}
}

/* UNDO is done: undoFailed on the first call's first varbind if a step failed. */
static void
undo_done(struct txn *x)
{
	int err = x->undo_bad ? SNMP_ERR_UNDOFAILED : 0;

	while (x->ncalls > 0) {
		call_done(x, x->calls[0].requests, err);
		err = 0;
	}
}

static void
budget_spent(void *arg)
{
	txn_timeout(arg);
}

static void calls_run(struct txn *);

/* The loop after the handler calls: the put-off calls' pass (late_begin()). */
static void
late_due(void *arg)
{
	calls_run(arg);
}

/* Run the phase's work as far as it goes. */
static void
phase_run(struct txn *x)
{
	switch (x->phase) {
	case MODE_SET_ACTION:
		do
			while (x->ncalls > 0 && call_run(x))
				;
		while (late_begin(x));
		break;
	case MODE_SET_RESERVE2:
		if (checks_run(x))
			checks_done(x);
		break;
	case MODE_SET_UNDO:
		if (undo_run(x))
			undo_done(x);
		break;
	default: break;
	}
}

static void orphan_end(struct txn *);

static void
calls_run(struct txn *x)
{
	int mode = x->phase;

	/* A trampoline: an answer that comes while the calls run only asks for one more turn. */
	if (x->running) {
		x->again = 1;
		return;
	}
	x->running = 1;
	do {
		x->again = 0;
		phase_run(x);
	} while (x->again);
	x->running = 0;
	/* (an UNDO of our own, orphan_end(), has no calls: it is over when every step is) */
	if (x->ncalls == 0 && x->nlate == 0 && mode != 0 && (mode != MODE_SET_UNDO || x->undone)) {
		x->phase = 0;
		x->own_undo = 0;
		loop_timer_stop(&x->budget);
		loop_timer_stop(&x->later);
		leave_all(x, mode);
		if (x->orphan)
			orphan_end(x);
	}
}

/* Begin a phase: the groups' enter hooks, the phase's time limit. */
static void
phase_begin(struct txn *x, int mode)
{
	x->phase = mode;
	x->late_now = 0;
	enter_all(x, mode);
	loop_timer_arm(TXN_BUDGET_MS, &x->budget);
}

/*
 * The master that sent the open transaction is gone, and its phase (if one
 * was under way) is over: no COMMIT or UNDO will come.  A SET whose ACTION
 * failed is undone here, as its UNDO would have (a new master's SET must not
 * find half of it applied); so is one whose rows marked last
 * (txn_apply_last()) had not begun when the master went away: call_run()
 * fails the SET there instead of taking a link down for an ACTION whose
 * answer nobody will read.  One applied whole stays, and is committed now.
 */
static void
orphan_end(struct txn *x)
{
	x->orphan = 0;
	if (!x->applied || x->undone)
		return;
	if (x->failed) {
		log_warn("set",
		    "transaction %ld failed and the master went away before its UNDO: "
		    "undoing it",
		    x->transid);
		x->own_undo = 1;
		phase_begin(x, MODE_SET_UNDO);
		calls_run(x);
		return;
	}
	log_warn("set",
	    "transaction %ld was applied and the master went away before its COMMIT: "
	    "its changes stay",
	    x->transid);
	commit_rows(x);
	x->applied = 0;
	txn_clear(x);
}

void
txn_master(struct snmp_session *s, void *arg)
{
	struct txn *x = arg;

	if (s != NULL || !x->open)
		return;
	x->orphan = 1;
	if (x->phase == 0)
		orphan_end(x);
}

void
txn_resume(struct txn *x)
{
	calls_run(x);
}

void
txn_timeout(struct txn *x)
{
	if (x->phase == 0)
		return;
	x->late_now = 1;
	for (size_t i = 0; i < x->nb; i++)
		if (group_first(x, i) && group(x->b[i])->abandon != NULL)
			group(x->b[i])->abandon(x->b[i]->ctx);
	calls_run(x);
}

/* Queue these varbinds as a call of phase mode, delegated, and run what can run. */
static void
delegate(struct txn *x, int mode, const struct txn_binding *b, netsnmp_agent_request_info *reqinfo,
    netsnmp_request_info *requests)
{
	struct txn_call *c;

	if (vec_reserve(&x->calls, &x->callcap, x->ncalls, sizeof(*x->calls), 4) < 0) {
		netsnmp_set_request_error(reqinfo, requests, SNMP_ERR_RESOURCEUNAVAILABLE);
		return;
	}
	c = &x->calls[x->ncalls++];
	*c = (struct txn_call){ .b = b,
		.reqinfo = reqinfo,
		.requests = requests,
		.cur = requests,
		.transid = transid_of(reqinfo),
		.agent = reqinfo->asp != NULL };
	for (netsnmp_request_info *req = requests; req != NULL; req = req->next)
		req->delegated = REQUEST_IS_DELEGATED;
	for (size_t i = 0; mode == MODE_SET_ACTION && i < x->n; i++)
		x->rows[i]->called |= x->rows[i]->b == b;
	if (x->phase == 0)
		phase_begin(x, mode);
	x->in_handler = 1;
	calls_run(x);
	x->in_handler = 0;
}

/* ---- the phases --------------------------------------------------------------- */

static void
txn_reset(struct txn *x, long transid)
{
	txn_clear(x);
	x->transid = transid;
	x->open = 1;
}

/* RESERVE2: check the rows (once a SET, delegated while a check waits), report refusals. */
static void
reserve2(struct txn *x, const struct txn_binding *b, netsnmp_agent_request_info *reqinfo,
    netsnmp_request_info *requests)
{
	if (!x->checked) {
		delegate(x, MODE_SET_RESERVE2, b, reqinfo, requests);
		return;
	}
	for (netsnmp_request_info *req = requests; req != NULL; req = req->next) {
		struct txn_row *r = row_of(x, b, req->requestvb);

		if (r != NULL && r->err && !r->err_told) {
			r->err_told = 1;
			netsnmp_set_request_error(reqinfo, req, r->err);
			return;
		}
	}
}

/* COMMIT: the SET cannot be undone now; what may only happen then (struct txn_ops' commit). */
static void
commit_rows(struct txn *x)
{
	for (size_t i = 0; i < x->n; i++) {
		struct txn_row *r = x->rows[i];

		if (r->err == 0 && r->applied && r->b->ops->commit != NULL)
			r->b->ops->commit(r, r->b->ctx);
	}
}

static void
set_phase(const struct mib_table *t, netsnmp_agent_request_info *reqinfo,
    netsnmp_request_info *requests)
{
	const struct txn_binding *b = t->set_ctx;
	struct txn *x = b->txn;
	long transid = transid_of(reqinfo);
	int err, same = x->open && x->transid == transid;
	const char *why;

	DEBUGMSGTL(("cimr:set", "%s: mode %d transid %ld (open %d, %ld)\n", t->name, reqinfo->mode,
	    transid, x->open, x->transid));
	/* The master gave up on a phase still waiting for the kernel: end it first. */
	if (x->phase != 0 && reqinfo->mode != x->phase && !x->own_undo)
		txn_timeout(x);
	/*
	 * Ending it may begin our own UNDO of a SET a lost master left
	 * (orphan_end()): nobody gave up on that one, and cutting it short would
	 * leave half a SET applied.  It ends within its budget; the manager retries.
	 */
	if (x->phase != 0 && reqinfo->mode != x->phase) {
		log_notice("set",
		    "a SET arrived while the SET a lost master left is undone: "
		    "resourceUnavailable");
		netsnmp_set_request_error(reqinfo, requests, SNMP_ERR_RESOURCEUNAVAILABLE);
		return;
	}
	switch (reqinfo->mode) {
	case MODE_SET_RESERVE1:
		if (!same || x->checked)
			txn_reset(x, transid);
		for (netsnmp_request_info *req = requests; req != NULL; req = req->next)
			if ((err = reserve1(x, b, req->requestvb, &why)) != 0) {
				refuse_vb(t, req->requestvb, err, why);
				netsnmp_set_request_error(reqinfo, req, err);
				return;
			}
		break;
	case MODE_SET_RESERVE2:
		if (!same)
			netsnmp_set_request_error(reqinfo, requests, SNMP_ERR_GENERR);
		else
			reserve2(x, b, reqinfo, requests);
		break;
	case MODE_SET_ACTION:
		if (!same || !x->checked) {
			netsnmp_set_request_error(reqinfo, requests, SNMP_ERR_COMMITFAILED);
			return;
		}
		delegate(x, MODE_SET_ACTION, b, reqinfo, requests);
		break;
	case MODE_SET_UNDO:
		if (same && !x->undone)
			delegate(x, MODE_SET_UNDO, b, reqinfo, requests);
		break;
	case MODE_SET_COMMIT:
		if (same && x->applied && !x->undone)
			commit_rows(x);
		/* fall through */
	case MODE_SET_FREE:
		if (same) {
			x->applied = 0; /* committed, or never applied: nothing to warn about */
			txn_clear(x);
		}
		break;
	default: break;
	}
}

int
txn_bind(struct txn *x, struct mib_table *t, const struct txn_ops *ops, void *ctx)
{
	struct txn_binding *b;

	if (vec_reserve(&x->b, &x->bcap, x->nb, sizeof(*x->b), 4) < 0 ||
	    (b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	b->txn = x;
	b->t = t;
	b->ops = ops;
	b->ctx = ctx;
	x->b[x->nb++] = b;
	t->set = set_phase;
	t->set_ctx = b;
	return 0;
}

int
txn_check_truth(const netsnmp_variable_list *vb)
{
	return txn_wrong_if(*vb->val.integer != TV_TRUE && *vb->val.integer != TV_FALSE);
}

int
txn_check_storage(const netsnmp_variable_list *vb)
{
	return txn_wrong_if(*vb->val.integer != ST_VOLATILE && *vb->val.integer != ST_NONVOLATILE);
}

int
txn_check_printable(const netsnmp_variable_list *vb)
{
	return txn_wrong_if(!text_printable(vb->val.string, vb->val_len));
}

int
txn_check_go_status(const netsnmp_variable_list *vb)
{
	long v = *vb->val.integer;

	/* createAndWait(5), notInService(2), notReady(3): not supported. */
	return txn_wrong_if(v != RS_ACTIVE && v != RS_CREATEANDGO && v != RS_DESTROY);
}

int
txn_check_status(const netsnmp_variable_list *vb)
{
	long v = *vb->val.integer;

	/* notReady(3) cannot be written (RFC 2579). */
	return txn_wrong_if(v < RS_ACTIVE || v > RS_DESTROY || v == RS_NOTREADY);
}

/* ---- a row's kernel request in flight (struct txn_req) --------------------- */

void
txn_req_ack(void *arg, int rc, const char *err)
{
	struct txn_req *q = arg;

	q->wait = 0;
	q->answered = 1;
	q->rc = rc;
	snprintf(q->err, sizeof(q->err), "%s", err);
	*q->sent = 1; /* the kernel's events for it are queued: the phase's end reads them */
	txn_resume(q->x);
}

void
txn_req_sent(struct txn_req *q, int rc)
{
	if (rc == 0) {
		q->wait = 1;
		return;
	}
	q->answered = 1;
	q->rc = rc;
}
