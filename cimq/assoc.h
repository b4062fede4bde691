/*
 * assoc: ASSOCIATORS OF and REFERENCES OF, from the map alone.
 *
 * An association class is a class of the map with properties of cim_type
 * "Class REF" (map.tsv: Win32_ActiveRoute's SameElement is a
 * Win32_IP4PersistedRouteTable REF, its SystemElement a Win32_IP4RouteTable
 * REF; in the MIB RowPointer columns).  From the instance {path} of class
 * S, each way is: an association class A, the role R (a REF of A to S) by
 * which S takes part, and for ASSOCIATORS the result role R2 (another REF of
 * A) and its class T.
 *
 *   REFERENCES OF {path}: the instances of A whose R names the path's
 *   instance; WHERE ResultClass = A, Role = R, KeysOnly.
 *   ASSOCIATORS OF {path}: the instances of T that those instances name by
 *   R2; WHERE AssocClass = A, ResultClass = T, Role = R, ResultRole = R2,
 *   KeysOnly.
 *   ClassDefsOnly, SchemaOnly, RequiredQualifier and RequiredAssocQualifier
 *   are refused (status 8: there are no class definitions or qualifiers
 *   over SNMP); AssocClass and ResultRole in REFERENCES OF are WQL errors
 *   (status 1).  A class name that is not a class is status 2 with the
 *   nearest; so is a role that no association class has.
 *
 * The path names keys of S only, at least one (status 2 otherwise: a
 * path without keys names the class); one that leaves keys
 * out names every instance with the keys it gives (cimq's extension: WMI
 * wants them all).  An instance it names that does not exist gives no
 * result (exit 0).
 * same_index: A's INDEX is S's (the MIB's cimActiveRouteTable is indexed
 * by the persisted route's index objects), so A's instance is read by a GET
 * at the source's index; otherwise R's column of A is walked.
 */
#ifndef CIMQ_ASSOC_H
#define CIMQ_ASSOC_H

#include "cimq/cmap.h"
#include "cimq/plan.h"
#include "cimq/wql.h"

struct assoc_way {
	const struct cmap_class *assoc;      /* A */
	const struct cmap_prop *role;        /* R: A's REF to the source */
	const struct cmap_prop *result_role; /* R2 (ASSOCIATORS), else NULL */
	const struct cmap_class *result;     /* T (ASSOCIATORS), else A */
	int same_index;                      /* A's index is the source's */
};

struct assoc_plan {
	const struct cmap_class *src;
	struct assoc_way *ways;
	size_t nways;
};

/* The class a REF property names ("Win32_IP4RouteTable REF"), or NULL. */
const struct cmap_class *assoc_ref_class(const struct cmap *m, const struct cmap_prop *p);

/* Plans the ASSOCIATORS/REFERENCES statement s (its class known to m): the
   ways it follows, in the map's order.  0 and *out (free with
   assoc_plan_free), or -1 and err. */
int assoc_plan_make(const struct cmap *m, const struct wql_stmt *s, struct assoc_plan **out,
    struct plan_err *err);
void assoc_plan_free(struct assoc_plan *ap);

/* "ASSOCIATORS OF {path}" for a path an agent gave, to read the instance it
   names; NULL (errno EINVAL) when path is not one object path alone, so that
   a path cannot add WHERE text, or out of memory.  Free it. */
char *assoc_path_query(const char *path);

#endif
