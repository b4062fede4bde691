/*
 * plan: from a parsed statement and its class, the properties needed and
 * the access path.
 *
 *  - needed = selected (all non-ext properties for *) + those the WHERE
 *    names + the class's keys (always), each once;
 *  - access: when every index component of the class's table is fixed by
 *    equalities ANDed at the top level of the WHERE (an OR of equalities on
 *    one component gives several values), one GET per combination
 *    (PLAN_GET, keys are full row indexes); when a leading part of the index
 *    is fixed so, a bounded GETNEXT/GETBULK range under each prefix
 *    (PLAN_RANGE, keys are index prefixes); when, instead, the first index
 *    component is bounded by <, <=, >, >= ANDed at the top level, and its
 *    encoding orders as its values do (an integer, an IpAddress, a
 *    fixed-size InetAddress), a GETBULK walk from the lower bound that stops
 *    past the upper one (PLAN_SPAN: lo, hi); otherwise a GETBULK walk of the
 *    needed columns (PLAN_WALK, no keys).  The WHERE is still evaluated on
 *    every row fetched (it may hold more than the key conditions).
 * Key literals are encoded into sub-identifiers by the syntax of the index
 * component (plan_encode).  A literal that cannot be a value of the
 * component (e.g. '10.0.0' for an IpAddress) makes an empty plan
 * (PLAN_NONE): no instance can match.
 *
 * Statements: SELECT as above; UPDATE, DELETE and CALL plan the instances
 * their WHERE selects (out = the keys); CREATE only checks its SET (names:
 * status 2, values: status 3) and plans nothing (PLAN_NONE); ASSOCIATORS OF
 * and REFERENCES OF plan the instance their object path names, its keys
 * taken as equalities (own, filter), with every property (keys only with
 * KeysOnly) to print.  CALL checks the method's name.
 * A string index component (not an address) is fixed only by values
 * without letters: WQL compares strings case-insensitively, a GET would not.
 * cols always holds a column every row of the class's table has (its
 * RowStatus, else its first readable column), to enumerate the rows: a row
 * whose needed columns are all absent is still an instance (its properties
 * NULL), as with only index values needed.
 */
#ifndef CIMQ_PLAN_H
#define CIMQ_PLAN_H

#include <stddef.h>

#include "cimq/cmap.h"
#include "cimq/eval.h"
#include "cimq/wql.h"

enum plan_access {
	PLAN_NONE,  /* nothing can match: no request */
	PLAN_GET,   /* keys[] are full indexes */
	PLAN_RANGE, /* keys[] are index prefixes: walk entry.col.prefix */
	PLAN_WALK,  /* walk the whole columns */
	PLAN_SPAN,  /* walk entry.col from .lo; stop past .hi (first component) */
};

struct plan_key {
	oid sub[MAX_OID_LEN];
	size_t len;
};

struct plan {
	const struct cmap_class *cls;
	enum plan_access access;
	struct plan_key *keys; /* sorted, without duplicates */
	size_t nkeys;
	/* PLAN_SPAN: the bounds of the first index component, encoded; len 0
	   when there is none.  Rows from lo on (rows at lo itself included);
	   hi_incl: rows whose first component is hi are in the span. */
	struct plan_key lo, hi;
	int hi_incl;
	/* property indexes (into cls->props) */
	size_t *out; /* to print, in order (SELECT list or *) */
	size_t nout;
	size_t *need; /* every property whose value the row needs */
	size_t nneed;
	/* the needed properties by where their value comes from: */
	size_t *cols; /* columns of the class's table (fetched by access) */
	size_t ncols;
	size_t *idx; /* index components of the class's table (decoded) */
	size_t nidx;
	size_t *scalars; /* scalars: one GET of oid.0 for all rows */
	size_t nscalars;
	size_t *arrays; /* array properties: walked in their dependent table */
	size_t narrays;
	size_t *none; /* no SNMP counterpart: always NULL */
	size_t nnone;
	const struct wql_expr *filter; /* stmt's WHERE (prop_ix bound), or own */
	struct wql_expr *own;          /* ASSOCIATORS/REFERENCES: the path's keys as
					  an AND of equalities (freed by plan_free) */
};

struct plan_err {
	int status; /* cimq's exit status: 2 unknown property, 3 mismatch */
	size_t pos;
	char msg[200];
};

/* Plans the SELECT (or the WHERE part of UPDATE/DELETE/CALL) s on class c:
   binds s's property references (sets prop_ix), checks types.  0 and *out
   (free with plan_free), or -1 and err. */
int plan_make(const struct cmap_class *c, struct wql_stmt *s, struct plan **out,
    struct plan_err *err);
void plan_free(struct plan *p);

/* The properties p needs whose MIB syntax is a Counter64 (CimGauge64: Speed,
   MaxSpeed), which SNMPv1 cannot carry: their names, ", " between them, in
   buf (capacity n); their number. */
size_t plan_counter64(const struct plan *p, char *buf, size_t n);

/* Appends value v (already of p's kind) as index component ix of t to sub
   (capacity MAX_OID_LEN, *len in/out); address text as plan_decode_index
   gives it.  0, or -1 if v cannot be encoded so
   (bad address, too long). */
int plan_encode(const struct cmap_table *t, size_t ix, const struct cq_value *v, oid *sub,
    size_t *len);

/* Decodes the index sub[0..len) of a row of table t into vals[0..t->nix)
   (IpAddress and InetAddress as address text: "" for unknown(0), "fe80::1%3"
   for the zoned types; SnmpAdminString as string; integers as SINT or UINT
   after the property's type, or UINT with no property, never negative).  0, or -1 if the index is malformed (never trust the agent). */
int plan_decode_index(const struct cmap_class *c, const struct cmap_table *t, const oid *sub,
    size_t len, struct cq_value *vals);

#endif
