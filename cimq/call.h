/*
 * call: writes (CREATE, UPDATE, DELETE) and method calls (CALL) as SETs,
 * one SET per instance, all or nothing (issue 15).
 */
#ifndef CIMQ_CALL_H
#define CIMQ_CALL_H

#include "cimq/exec.h"

/* CREATE (createAndGo of the new row), UPDATE (s's assignments written to
   the columns), DELETE (RowStatus destroy) or CALL (see below) of the
   instances p selects, one SET per instance, in index order, stopping at
   the first refusal; prints "path: ReturnValue = N" for each.  0, or -1
   and err (7: refused, with the SNMP error and the property or object). */
int exec_write(netsnmp_session *ss, const struct cmap *m, const struct wql_stmt *s,
    const struct plan *p, struct exec_err *err);

/* WMI's return codes cimq gives itself (a refusal before any SET). */
enum {
	CALL_RC_NOTSUPPORTED = 64,
	CALL_RC_BADPARAM = 68, /* invalid input parameter */
	CALL_RC_NOMEMORY = 92,
};

/*
 * A CALL of a method with parameters (WMI's signature: names, arrays,
 * optional ones), built without the network:
 *  - each parameter is the class property of its name (or, SubnetMask, the
 *    index component it is), as map.tsv and the MIB say;
 *  - an array parameter is a list of rows of its dependent table: element i
 *    of each array of that table is row i (its index from the elements, an
 *    address's InetAddressType from the address, a mask as the prefix
 *    length, another integer component the position from 1), its columns
 *    written (with an address column's type column);
 *  - the method's own list (its object is a dependent table's RowStatus) is
 *    always rebuilt, an empty one when the parameter is absent;
 *  - single values go to their scalar or class column, and EnableStatic
 *    writes DHCPEnabled false(2) too (the client stopped).
 * The SET of an instance then destroys(6) the rows the agent has that the
 * list has not (where the index starts with an InetAddressType, those of the
 * list's types only: of IPv4 for an empty list), createAndGo(4)s the rows
 * it has not (columns with them), writes the columns of the rows kept, then
 * the single values.
 */
struct call;

/* The rows a group's table has under an instance (their index after the
   instance's). */
struct call_old {
	struct plan_key *rows;
	size_t n;
};

/* 1: the method has no parameters to map (its object alone: cimq(1)); 0
   and *out; -1 and err (2: no such parameter; 7: refused before any SET,
   with WMI's return code in *code, or -1 when WMI has none). */
int call_build(const struct cmap_class *c, const struct wql_stmt *s, struct call **out, long *code,
    struct exec_err *err);
void call_free(struct call *cl);
/* Whether the SET is per instance (else one SET, of scalars and global rows). */
int call_instance(const struct call *cl);
/* The tables whose rows the call rebuilds; the OID prefix of table k's
   rows under instance inst (its RowStatus column, then inst's index when
   the table is under the class). 0 or -1. */
size_t call_ngroups(const struct call *cl);
int call_group_prefix(const struct call *cl, size_t k, const struct plan_key *inst, oid *o,
    size_t *len);
/* Whether v, the answer to a GETNEXT from cur (clen), is a row of a group
   under prefix pre (plen): under it, after cur (an agent that repeats an OID
   or goes back is at its end) and not an exception; 1 and its index after
   pre in *row, else 0. */
int call_old_row(const oid *pre, size_t plen, const oid *cur, size_t clen,
    const netsnmp_variable_list *v, struct plan_key *row);
/* Whether r, a LastResult value at OID o, is a success (its label in the
   MIB's enumeration starts with "success", or is jobStarted): a record an
   earlier call may have left, never a refusal's.  Without a label: 0, 1 and
   4096 (WMI's successes).  1 is notSupported(1) for the CIM_LogicalDevice
   methods (cimNetAdapterLastResult). */
int call_rc_success(const oid *o, size_t len, long r);
/* The varbinds of the SET on inst, given the rows old[k] of each table. */
int call_pdu(const struct call *cl, const struct plan_key *inst, const struct call_old *old,
    netsnmp_pdu *pdu);

#endif
