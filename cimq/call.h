/*
 * call: writes (CREATE, UPDATE, DELETE) and method calls (CALL) as SETs,
 * one SET per instance, all or nothing (issue 15).
 */
#ifndef CIMQ_CALL_H
#define CIMQ_CALL_H

#include "cimq/exec.h"

/* UPDATE (s's assignments written to the columns) or DELETE (RowStatus
   destroy) of the instances p selects, one SET per instance, in index order,
   stopping at the first refusal; prints "path: ReturnValue = 0" for each.
   0, or -1 and err (7: refused, with the SNMP error and the property). */
int exec_write(netsnmp_session *ss, const struct cmap *m, const struct wql_stmt *s,
    const struct plan *p, struct exec_err *err);

#endif
