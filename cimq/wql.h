/*
 * wql: lexer and recursive-descent parser of the WQL cimq accepts.
 *
 *   SELECT * | prop [, prop]... FROM class [WITHIN n] [WHERE cond]
 *   ASSOCIATORS OF {path} [WHERE kw [= value] ...]
 *   REFERENCES OF {path} [WHERE kw [= value] ...]
 *       path = [\\server\namespace:]Class[.Key=value[, Key=value]...], the
 *       braces optional (WMI's object path, also as wbemtest takes it;
 *       separators \ or /, the server optional); the WHERE keywords are
 *       WMI's: ResultClass, AssocClass, Role, ResultRole, RequiredQualifier,
 *       RequiredAssocQualifier (= name), ClassDefsOnly, KeysOnly, SchemaOnly,
 *       each at most once (as WMI: a repeated one is a syntax error)
 *   CREATE class SET prop=value [, prop=value]...
 *   UPDATE class SET prop=value [, prop=value]... [WHERE cond]
 *   DELETE FROM class [WHERE cond]
 *   CALL class.Method([Param=value|('a', 'b')[, ...]]) [WHERE cond]
 *
 * cond: OR of AND of [NOT] primaries; a primary is ( cond ),
 * prop op literal, literal op prop (turned around), prop [NOT] LIKE string,
 * prop IS [NOT] NULL, prop ISA 'Class'.  op: = <> != < > <= >=.
 * Literals: 'string' or "string" (backslash escapes \\ \' \" \n \t; a
 * doubled quote is an error: not WQL), integers (decimal, 0x hex, optional
 * sign), reals, TRUE, FALSE, NULL.  Keywords are case-insensitive.  Every node keeps the byte
 * offset where it starts in the query, for error messages.
 */
#ifndef CIMQ_WQL_H
#define CIMQ_WQL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum wql_lit_kind {
	WQL_L_STR,
	WQL_L_INT,  /* neg, mag: value is neg ? -mag : mag */
	WQL_L_REAL, /* r */
	WQL_L_BOOL, /* b */
	WQL_L_NULL,
	WQL_L_LIST, /* ('a', 'b'): CALL parameters for arrays; items, n */
};

struct wql_lit {
	enum wql_lit_kind kind;
	size_t pos;
	char *s; /* WQL_L_STR: unescaped, NUL-terminated */
	int neg;
	uint64_t mag;
	double r;
	int b;
	struct wql_lit *items; /* WQL_L_LIST */
	size_t n;
};

enum wql_op { WQL_EQ, WQL_NE, WQL_LT, WQL_GT, WQL_LE, WQL_GE };

enum wql_expr_kind {
	WQL_E_CMP,    /* prop op lit */
	WQL_E_LIKE,   /* prop LIKE lit (a string) */
	WQL_E_ISNULL, /* prop IS NULL (IS NOT NULL is NOT of it) */
	WQL_E_ISA,    /* prop ISA lit (a class name string) */
	WQL_E_AND,
	WQL_E_OR,
	WQL_E_NOT,
};

struct wql_expr {
	enum wql_expr_kind kind;
	size_t pos;
	/* leaves */
	char *prop; /* property name as written */
	size_t prop_pos;
	int prop_ix;    /* index in the class's props, set by plan; -1 */
	enum wql_op op; /* WQL_E_CMP */
	struct wql_lit lit;
	/* AND, OR: l and r; NOT: l */
	struct wql_expr *l, *r;
};

/* name = value (SET, CALL arguments, object path keys). */
struct wql_assign {
	char *name;
	size_t pos;
	struct wql_lit val;
};

/* Where an ASSOCIATORS/REFERENCES WHERE keyword is in the query: kw, the
   keyword; val, its value (= name), kw for a flag; both 0 when absent. */
struct wql_kw_at {
	size_t kw, val;
};

enum wql_kind {
	WQL_SELECT,
	WQL_ASSOCIATORS,
	WQL_REFERENCES,
	WQL_CREATE,
	WQL_UPDATE,
	WQL_DELETE,
	WQL_CALL,
};

struct wql_stmt {
	enum wql_kind kind;
	char *cls; /* FROM / CREATE / UPDATE / CALL class; OF {path}'s class */
	size_t cls_pos;
	/* SELECT */
	int star;
	char **props;
	size_t *props_pos;
	size_t nprops;
	double within; /* WITHIN n seconds; < 0 when absent */
	size_t within_pos;
	struct wql_expr *where; /* NULL when absent */
	/* CREATE, UPDATE: SET; CALL: arguments; ASSOCIATORS/REFERENCES: the
	   keys of the object path */
	struct wql_assign *set;
	size_t nset;
	/* CALL */
	char *method;
	size_t method_pos;
	/* ASSOCIATORS / REFERENCES OF: WHERE keywords (NULL when absent) */
	char *result_class, *assoc_class, *role, *result_role;
	char *required_qualifier, *required_assoc_qualifier;
	int classdefs_only, keys_only, schema_only;
	/* and where each is in the query (each at most once) */
	struct wql_kw_at result_class_at, assoc_class_at, role_at, result_role_at;
	struct wql_kw_at required_qualifier_at, required_assoc_qualifier_at;
	struct wql_kw_at classdefs_only_at, keys_only_at, schema_only_at;
	/* the object path's \\server\namespace: prefix, NULL when absent */
	char *server, *ns;
	size_t server_pos, ns_pos;
};

struct wql_err {
	size_t pos;    /* byte offset in the query */
	char msg[160]; /* "expected FROM", "unterminated string" */
};

/* Parses q.  0 and *out on success (free with wql_free); -1 and err. */
int wql_parse(const char *q, struct wql_stmt **out, struct wql_err *err);
void wql_free(struct wql_stmt *s);

/* Parses an object path alone, as ASSOCIATORS OF takes it ({Class.Key=v,...},
   braces optional): s->cls and the keys in s->set.  0 and *out (free with
   wql_free), or -1 and err. */
int wql_parse_path(const char *path, struct wql_stmt **out, struct wql_err *err);

/* Checks the prefix of the object path s (wql_parse or wql_parse_path): the
   server, if any, is "." or host (any case; host NULL: "." only), the
   namespace, if any, root\cimv2 (any case, \ or / as separators).  0, or -1
   and err (pos in the text s was parsed from). */
int wql_path_check(const struct wql_stmt *s, const char *host, struct wql_err *err);

/* Prints "  q\n  ^ (caret under err->pos)\nprefix: msg\n" to f; of a query of several
 * lines, the lines up to the one of err->pos, the caret under it in that line. */
void wql_err_print(FILE *f, const char *prefix, const char *q, const struct wql_err *err);

/* Text of an operator ("<="), for messages. */
const char *wql_op_text(enum wql_op op);

#endif
