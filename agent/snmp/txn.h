/*
 * The SET transaction, generic over writable tables: one transaction
 * across every table bound to it, in SNMP's phases.
 *
 *   RESERVE1  each varbind alone: a writable column (notWritable), an index
 *             the table can parse (noCreation), the column's type and length
 *             (wrongType, wrongLength) and value (wrongValue).  Varbinds are
 *             gathered into rows keyed by (table, index).
 *   RESERVE2  every row, together: the table's check of each row (against
 *             the kernel and its own state), then each group's check of the
 *             rows together.  Nothing is touched; a refusal is kept on its
 *             row and reported on one of its varbinds.  A check that needs
 *             the kernel's answer (reading a route back) returns
 *             TXN_PENDING and is called again when it comes, as in ACTION.
 *   ACTION    each row's apply, which performs its steps one by one and
 *             records, for each step done, the step that undoes it.  A step
 *             that waits for the kernel does not wait in the loop: apply()
 *             returns TXN_PENDING, the phase's requests are delegated
 *             (net-snmp answers the master when they are complete, and serves
 *             other requests meanwhile), and the answer resumes the row
 *             (txn_resume()).  Rows run one after the other, in the order of
 *             the varbinds and of the handler calls, as if nothing waited,
 *             but for the rows a check marked last (txn_apply_last()): they
 *             run after every other row of the SET, in the same order.
 *             After a row (or a group's action_end) fails, the rows that
 *             follow are not applied: UNDO follows, and a change applied
 *             only to be undone is not always harmless (a link disabled
 *             and enabled again has lost its routes: hence the last rows).
 *             So too after a varbind of another handler failed (net-snmp
 *             calls every handler of a phase, in one go: cimTcpip's
 *             scalars are applied by their own); the last rows run from
 *             the loop, once every handler of the phase was called.
 *   UNDO      the recorded undo steps, newest first, across rows and tables;
 *             an undo step that waits for the kernel returns TXN_PENDING and
 *             is called again when the answer comes.
 *
 * RESERVE2, ACTION and UNDO are delegated the same way while something
 * waits, and bounded the same way: after TXN_BUDGET_MS the group's abandon
 * hook fails what is still in flight (a check: its refusal, as a failed
 * read; ACTION: commitFailed, and UNDO follows; UNDO: undoFailed).
 *   COMMIT    each applied row's commit, if its table has one (what must
 *             not happen before the SET is sure), then as FREE.
 *   FREE      forget the transaction.
 *
 * A table supplies its writable columns and its operations (struct
 * txn_ops); tables that share state (the live and the persisted route
 * tables share the kernel and the state file) share a struct txn_group
 * and a context, and the group's hooks run once for them all.
 *
 * Through AgentX each phase arrives as its own request (TestSet,
 * CommitSet, UndoSet, CleanupSet), so the transaction is kept here, keyed
 * by the AgentX transaction id, and its rows found again by the varbinds'
 * names.  net-snmp calls each table's handler with that table's varbinds,
 * one table after the other, in every phase.
 */
#ifndef CIMR_TXN_H
#define CIMR_TXN_H

#include "nl/nlsock.h"
#include "snmp/mib.h"

/*
 * One request's work is bounded so that no phase outlives snmpd's
 * agentXTimeout (snmpd drops the whole subagent when one does): at most
 * TXN_ROWS_MAX rows a SET, at most TXN_BUDGET_MS of kernel waits a phase
 * (the group's enter hook sets it), state files written once a SET.
 */
#define TXN_ROWS_MAX  100
#define TXN_BUDGET_MS 2000

struct txn;
struct txn_row;

/* A writable column: its type, and for strings the longest value. */
struct txn_column {
	oid col;
	u_char type;   /* ASN_INTEGER, ASN_OCTET_STR, ... */
	size_t maxlen; /* 0: a number (sizeof(long)); else the longest string */
	/* SNMP_ERR_NOERROR, or the error for this value (wrongValue). */
	int (*check)(const netsnmp_variable_list *);
};

/*
 * Undo one step: 0, or -1 if it could not be undone (the reason logged), or
 * TXN_PENDING while its kernel request is in flight (called again after
 * txn_resume()).
 */
typedef int (*txn_undo_fn)(void *row, void *arg);

/* Hooks shared by the tables of one group (called once per group and context). */
struct txn_group {
	/* RESERVE2, after every row's check: the rows together (txn_refuse() a row). */
	void (*check_set)(struct txn *, void *ctx);
	/*
	 * ACTION, after one table's rows were applied (and again after its last
	 * rows, txn_apply_last(), if it has any): SNMP_ERR_NOERROR or the error.
	 */
	int (*action_end)(struct txn *, void *ctx);
	/* UNDO, after every step was undone: 0, or -1 (undoFailed). */
	int (*undo_end)(struct txn *, void *ctx);
	/* Around the work of RESERVE2, ACTION and UNDO (mode: MODE_SET_*); may be NULL. */
	void (*enter)(void *ctx, int mode);
	void (*leave)(void *ctx, int mode);
	/* The phase's time is up: complete what is in flight now (as failed); may be NULL. */
	void (*abandon)(void *ctx);
};

/*
 * check(), apply() or an undo step: a kernel request is in flight; its
 * answer calls txn_resume(), which calls the same function again (not -1:
 * an undo step's failure).
 */
#define TXN_PENDING (-2)

struct txn_ops {
	const struct txn_column *cols; /* the writable columns, any numbers */
	size_t ncols;
	size_t row_size; /* the table's own row data, zeroed, then parse_index() */
	/*
	 * RESERVE1: the index into row; SNMP_ERR_NOERROR or noCreation, which
	 * parse_index() logs (txn_bad_index()): txn logs RESERVE1's other refusals.
	 */
	int (*parse_index)(void *ctx, const oid *idx, size_t len, void *row);
	/* The row in log lines ("cimIP4RouteTable row 10.0.0.0 mask ..."). */
	void (*row_name)(const void *row, char *buf, size_t len);
	/*
	 * RESERVE2: one row; SNMP_ERR_NOERROR, the status of a txn_refuse(), or
	 * TXN_PENDING while a kernel request is in flight (the row is checked
	 * again after txn_resume(); never wait in check).
	 */
	int (*check)(struct txn *, struct txn_row *, void *ctx);
	/*
	 * ACTION: do the row's steps, each followed by txn_step(); 0 when done,
	 * TXN_PENDING to be called again after txn_resume(), or the SNMP error.
	 */
	int (*apply)(struct txn *, struct txn_row *, void *ctx);
	/*
	 * COMMIT (may be NULL): the SET is done and cannot be undone; what may
	 * only happen then (a DHCP client started: nothing could take it back).
	 * Called once for each applied row, before the rows are freed.
	 */
	void (*commit)(struct txn_row *, void *ctx);
	/* Free what the row data holds (may be NULL). */
	void (*row_free)(void *row);
	/*
	 * RESERVE1 (may be NULL): the column check (struct txn_column: type,
	 * length, value) refused a varbind of col in row with err, for a table
	 * whose row checks record the refusal of a method (LastResult).
	 */
	void (*refused)(struct txn_row *, oid col, int err, void *ctx);
	const struct txn_group *group;
};

/* A column check's answer: wrongValue if bad, else noError. */
static inline int
txn_wrong_if(int bad)
{
	return bad ? SNMP_ERR_WRONGVALUE : SNMP_ERR_NOERROR;
}

/* Column checks the tables share: a TruthValue; StorageType volatile(2) or nonVolatile(3). */
int txn_check_truth(const netsnmp_variable_list *);
int txn_check_storage(const netsnmp_variable_list *);
/* A DisplayString: printable ASCII (RFC 2579: NVT ASCII without its controls). */
int txn_check_printable(const netsnmp_variable_list *);
/* RowStatus of tables without createAndWait: active(1), createAndGo(4), destroy(6). */
int txn_check_go_status(const netsnmp_variable_list *);
/* RowStatus of tables with createAndWait: any value but notReady(3). */
int txn_check_status(const netsnmp_variable_list *);

struct txn *txn_new(void);
void txn_free(struct txn *);
/*
 * The master_fn (snmp/master.h) of the session to the master: when it
 * closes (s NULL), a SET it left without COMMIT or UNDO is settled, undone
 * as UNDO would or committed.  During ACTION the rows marked last
 * (txn_apply_last()) that have not begun are not applied after it: the SET
 * fails there, and is undone.
 */
struct snmp_session;
void txn_master(struct snmp_session *s, void *txn);
/* Make a table writable through this transaction: t->set routes its SET phases here. */
int txn_bind(struct txn *, struct mib_table *t, const struct txn_ops *, void *ctx);

/* A row's data and its table; the column values given in the SET. */
void *txn_row_data(const struct txn_row *);
const struct txn_ops *txn_row_ops(const struct txn_row *);
int txn_has(const struct txn_row *, oid col);
/* The integer value of col: 1 with *v if given, else 0 (*v untouched). */
int txn_int(const struct txn_row *, oid col, long *v);
/* The string value of col (not NUL-terminated) and its length, or NULL if not given. */
const u_char *txn_str(const struct txn_row *, oid col, size_t *len);
/*
 * RESERVE2: apply this row after every other row of the SET (and the
 * action_end of their groups), because UNDO cannot take its step back
 * whole: the kernel drops the routes through a link taken down, and UNDO
 * only brings the link up.  A failure in any other row then finds it not
 * yet done.  A table with such rows has its group's action_end called after
 * its other rows and again after these.
 */
void txn_apply_last(struct txn_row *);
/* Nonzero if the row was refused in RESERVE2. */
int txn_refused(const struct txn_row *);

/* The rows of the transaction, in the order their first varbind came. */
size_t txn_nrows(const struct txn *);
struct txn_row *txn_row_at(const struct txn *, size_t i);

/*
 * Refuse an index in parse_index(): logged as "set: refused (noCreation):
 * TABLE index 1.2.3: why"; returns SNMP_ERR_NOCREATION.
 */
int txn_bad_index(const char *table, const oid *idx, size_t len, const char *why);

/*
 * Refuse a row in RESERVE2 with an SNMP status: logged as
 * "set: refused (STATUS): ROW: why"; returns err.
 */
int txn_refuse(struct txn_row *, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * ACTION: a step was done; undo(row data, arg) puts it back.  row may be
 * NULL for a group's own step (action_end).  Room for TXN_STEPS_CALL
 * steps is made before each apply() and action_end(), so that a step done
 * is never left without its undo for want of memory.
 */
#define TXN_STEPS_CALL 8
void txn_step(struct txn *, struct txn_row *, txn_undo_fn, void *arg);

/*
 * ACTION: the error the running apply() returns is row r's, whose steps
 * that row carries (a plan of several rows): it is reported on r's varbind.
 */
void txn_fail_on(struct txn *, struct txn_row *r);

/* A row's kernel request was answered: go on with the phase. */
void txn_resume(struct txn *);
/* The phase's limit passed (its alarm; tests): abandon what is in flight. */
void txn_timeout(struct txn *);

/*
 * A row's kernel request in flight, for the writable tables whose SET
 * phases send netlink requests (route/nlreq.h) without waiting in the loop:
 * the route tables' rows (route/mib_set.c) and the adapter methods' rows
 * (snmp/mib_ifset.c).  A row keeps one struct txn_req; a request is sent
 * with TXN_REQ_CB() and its outcome given to txn_req_sent(); while it is in
 * flight (wait) the row's check, apply or undo step returns TXN_PENDING;
 * the kernel's answer (txn_req_ack()) is kept (answered, rc, err) and
 * resumes the transaction, which calls that function again to take it.
 */
struct txn_req {
	struct txn *x; /* the transaction the answer resumes */
	int *sent;     /* set by an answer: the phase has the kernel's events to read */
	int wait;      /* a request is in flight */
	int answered;  /* ... answered, and rc and err not yet taken */
	int rc;        /* 0, or -errno */
	char err[NLSOCK_ERRLEN];
};

/* The request's completion (nlsock_done_fn): arg is the struct txn_req. */
void txn_req_ack(void *arg, int rc, const char *err);

/* The completion, its argument and the error buffer, as nlreq's asynchronous calls take them. */
#define TXN_REQ_CB(q) txn_req_ack, (q), (q)->err, sizeof((q)->err)

/*
 * A request was sent (rc 0: wait for txn_req_ack()), or not (rc < 0, with
 * err filled by the call that failed: answered at once, as if the kernel
 * refused).
 */
void txn_req_sent(struct txn_req *, int rc);

/* The SNMP status name of err ("wrongValue"). */
const char *txn_err_name(int err);

#endif
