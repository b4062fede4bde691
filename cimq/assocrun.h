/*
 * assocrun: ASSOCIATORS OF and REFERENCES OF run over SNMP (the ways:
 * assoc.h).
 *
 *  1. the instances the object path names: the source's plan (a GET, or a
 *     range when the path's keys are a prefix of the index), each turned
 *     into its WMI path (exec_index_path);
 *  2. per way, the association's instances: a GET at each source index when
 *     the association shares the source's index (same_index), else a walk
 *     of the association's columns; an instance is kept when its role R
 *     (a RowPointer, converted to the WMI path of the row it points to)
 *     is a source's path;
 *  3. REFERENCES prints those instances; ASSOCIATORS reads the instance
 *     each one names by its result role R2 (the path planned as the
 *     statement's own: a GET or a range) and prints it, each once.
 * Results of one class are printed as one result (one header), classes one
 * after the other.
 */
#ifndef CIMQ_ASSOCRUN_H
#define CIMQ_ASSOCRUN_H

#include "cimq/assoc.h"
#include "cimq/exec.h"
#include "cimq/out.h"

/* Runs s (ASSOCIATORS/REFERENCES, planned as p on its class) over ss,
   printing in format f (width as out_open takes it).  0, or -1 and err. */
int assoc_run(netsnmp_session *ss, const struct cmap *m, const struct wql_stmt *s,
    const struct plan *p, enum out_format f, size_t width, struct exec_err *err);

#endif
