/*
 * eval: WQL values and the evaluation of a WHERE condition on one row.
 *
 * Type rules (checked once, at plan time, by eval_check; a mismatch is
 * cimq's exit status 3):
 *  - string, REF: string literals; LIKE only on these (and datetime); REFs
 *    compare as object paths (wql_parse_path: class and key names in any
 *    case, keys in any order, integer keys as numbers);
 *  - sint/uint: integer literals (in the range of the property's width),
 *    and strings holding an integer as a literal writes it, decimal or 0x
 *    hex (WMI accepts Index = '3');
 *  - boolean: TRUE, FALSE, the integers 0, 1 and the strings 'True',
 *    'False' in any case (WMI's common IPEnabled = 'True');
 *  - datetime: strings in CIM_DATETIME form (yyyymmddHHMMSS.mmmmmmsUUU,
 *    compared in time order, UTC offsets applied; as text with wildcards); arrays: the literal's type against the element type,
 *    true when any element matches (WMI refuses array properties in WHERE:
 *    cimq's extension, in cimq(1) and README Limits);
 *  - NULL: only with IS [NOT] NULL; "= NULL" is a mismatch (WQL);
 *  - reals: against sint/uint properties, compared by value, exactly
 *    (Metric1 > 1.5 holds for 2 and up, Metric1 = 1.5 never);
 *    a mismatch against other types.  Writes (SET, CALL) take
 *    integers only (eval_lit_value).
 * Comparisons with NULL (absent property) are UNKNOWN, and three-valued
 * logic applies (NOT UNKNOWN = UNKNOWN, FALSE AND UNKNOWN = FALSE, TRUE OR
 * UNKNOWN = TRUE); a row is selected only when the condition is TRUE.
 * String comparison and LIKE are case-insensitive, as WMI's.  Properties
 * that are addresses (syntax IpAddress or InetAddress...) compare in address
 * order when both sides are addresses ('9.0.0.0' < '10.0.0.0', IPv4 before
 * IPv6; WMI compares their text), which is also the order of a table's index
 * (a range of Destination is a bounded walk, plan.h).
 */
#ifndef CIMQ_EVAL_H
#define CIMQ_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "cimq/cmap.h"
#include "cimq/wql.h"

enum cq_vkind {
	CQ_V_NULL, /* absent */
	CQ_V_STR,  /* string, REF, and datetime (CIM_DATETIME text): s */
	CQ_V_SINT, /* i */
	CQ_V_UINT, /* u */
	CQ_V_BOOL, /* b */
	CQ_V_ARRAY /* a[0..n-1], each of the element kind */
};

struct cq_value {
	enum cq_vkind kind;
	char *s; /* owned */
	int64_t i;
	uint64_t u;
	int b;
	struct cq_value *a; /* owned */
	size_t n;
};

/* Frees what v owns and makes it NULL. */
void cq_value_clear(struct cq_value *v);

enum cq_truth { CQ_FALSE = 0, CQ_TRUE = 1, CQ_UNKNOWN = 2 };

/* Checks that e's literals fit the types of its properties (e's prop_ix set
   by plan).  0, or -1 with the offset of the offending literal/operator in
   *pos and a message ("Metric1 is sint32, '10x' is a string"). */
int eval_check(const struct cmap_class *c, const struct wql_expr *e, size_t *pos, char *msg,
    size_t msglen);

/* Checks the names e's literals give (e checked by eval_check): the class
   of ISA is one of m (WMI's Invalid class), a REF literal that is an object
   path names the agent queried (host, or \\.) and root\cimv2
   (wql_path_check).  0, or -1 with the literal's offset in *pos and a
   message; cimq's exit status 2, as an unknown class. */
int eval_check_names(const struct cmap *m, const struct cmap_class *c, const struct wql_expr *e,
    const char *host, size_t *pos, char *msg, size_t msglen);

/* Evaluates e on row (values indexed like c->props). */
enum cq_truth eval_expr(const struct cmap_class *c, const struct wql_expr *e,
    const struct cq_value *row);

/* WQL LIKE: % any run, _ one character, [abc] [a-z] [^a] a set;
   case-insensitive (ASCII letters).  A character is a UTF-8 sequence (a
   byte that is not UTF-8 is one), as WMI's characters are.  1 on match. */
int eval_like(const char *s, const char *pattern);

/* The value of literal l as property p would hold it (after eval_check
   accepted it): string to CQ_V_STR, integers to SINT/UINT, ...  0 or -1. */
int eval_lit_value(const struct cmap_prop *p, const struct wql_lit *l, struct cq_value *out);

#endif
