/*
 * exec: runs a SELECT's plan over a net-snmp session (synchronous requests:
 * cimq is a command-line client) and prints the selected rows.
 *
 *  - scalars: one GET for all of them;
 *  - array properties: one GETBULK walk of each dependent column, the values
 *    grouped by the parent's index (elements in index order);
 *  - rows: PLAN_GET one GET per key; PLAN_RANGE and PLAN_WALK a GETBULK walk
 *    of the needed columns together (under each prefix for a range), rows
 *    assembled by index and printed as soon as every column has passed them;
 *    max-repetitions about 60 varbinds per response, halved on tooBig;
 *    GETNEXT for SNMPv1;
 *  - values converted to WMI types from the map's cim_type and the syntax:
 *    IpAddress and InetAddress to text, DateAndTime to CIM_DATETIME,
 *    TruthValue to boolean, PhysAddress to 00:80:C7:8F:6C:96, RowPointer
 *    to a WMI object path, OIDs to dotted text, integers as they are; a
 *    value of the wrong SNMP type is NULL (never trust the agent);
 *  - then the WHERE is evaluated on each row, and the row projected.
 */
#ifndef CIMQ_EXEC_H
#define CIMQ_EXEC_H

#include "cimq/cmap.h"
#include "cimq/out.h"
#include "cimq/plan.h"

/* Exit statuses of cimq (README, cimq(1)). */
enum cimq_status {
	CIMQ_OK = 0,
	CIMQ_SYNTAX = 1,
	CIMQ_UNKNOWN = 2,
	CIMQ_MISMATCH = 3,
	CIMQ_TIMEOUT = 4,
	CIMQ_AUTH = 5,
	CIMQ_MISSING = 6,
	CIMQ_REFUSED = 7,
	CIMQ_LOCAL = 8,
};

struct exec_err {
	int status; /* enum cimq_status */
	char msg[256];
	long errstat; /* of a SET the agent refused (status 7), else 0 */
};

/* Called with each selected row: its index in the class's table and its
   values by property (borrowed).  0, or -1 to stop. */
typedef int (*exec_row_fn)(void *ctx, const oid *index, size_t len, const struct cq_value *row);

/* Runs p over ss, calling fn for each row the WHERE selects.  0, or -1 and
   err. */
int exec_rows(netsnmp_session *ss, const struct cmap *m, const struct plan *p, exec_row_fn fn,
    void *ctx, struct exec_err *err);

/* The WMI object path of the row of c at index sub (Class.Key="v",Key=n),
   malloc'ed; NULL if the index is malformed. */
char *exec_index_path(const struct cmap_class *c, const oid *sub, size_t len);

/* Sends pdu (freed) over ss: the response (free it; a SET's may carry an
   error status), or NULL and err (timeout 4, authentication 5, ...). */
netsnmp_pdu *exec_request(netsnmp_session *ss, netsnmp_pdu *pdu, struct exec_err *err);

/* Sets err (status and message) unless it is set already; -1. */
int exec_fail(struct exec_err *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints row (values by property of p's class) projected on p's output
   properties to o.  0, or -1 (ENOMEM, write error). */
int exec_print_row(const struct plan *p, struct out *o, const struct cq_value *row);

/* Runs p (a SELECT's plan on a class of m) over ss, printing to o.
   0, or -1 and err (one line, without "cimq: "). */
int exec_select(netsnmp_session *ss, const struct cmap *m, const struct plan *p, struct out *o,
    struct exec_err *err);

/* A SNMP value as property p holds it (an element when p is an array).
   out is NULL when the value is absent or not of the syntax's type. */
void exec_convert(const struct cmap *m, const struct cmap_prop *p, const netsnmp_variable_list *vb,
    struct cq_value *out);

#endif
