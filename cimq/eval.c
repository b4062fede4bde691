/*
 * eval: WQL's type rules, LIKE, and the three-valued evaluation of a WHERE
 * condition on a row (rules in eval.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cimq/eval.h"

void
cq_value_clear(struct cq_value *v)
{
	for (size_t k = 0; k < v->n; k++)
		cq_value_clear(&v->a[k]);
	free(v->a);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

/* ---- integers as sign and magnitude ---- */

struct num {
	int neg;
	uint64_t mag;
};

/* "-12", " 7", "0x1f" -> n, as an integer literal reads (decimal or 0x hex:
   "011" is 11, not octal 9); -1 if s is not an integer. */
static int
parse_num(const char *s, struct num *n)
{
	char *end;
	int hex;

	while (isspace((unsigned char)*s))
		s++;
	n->neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2]);
	if (hex && (s[3] == 'x' || s[3] == 'X'))
		return -1; /* "0x0x3": strtoull() would take the second prefix */
	errno = 0;
	n->mag = strtoull(s + 2 * hex, &end, hex ? 16 : 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno != 0 || *end != '\0')
		return -1;
	n->neg = n->neg && n->mag != 0;
	return 0;
}

static int
lit_num(const struct wql_lit *l, struct num *n)
{
	if (l->kind == WQL_L_INT) {
		n->neg = l->neg;
		n->mag = l->mag;
		return 0;
	}
	return l->kind == WQL_L_STR ? parse_num(l->s, n) : -1;
}

static int
num_cmp(struct num a, struct num b)
{
	if (a.neg != b.neg)
		return a.neg ? -1 : 1;
	if (a.mag == b.mag)
		return 0;
	return (a.mag < b.mag) != a.neg ? -1 : 1;
}

/* Integer a against the real r (finite): exactly, without rounding a. */
static int
num_real_cmp(struct num a, double r)
{
	double f = floor(r);
	struct num b;
	int cmp;

	if (f >= 18446744073709551616.0)
		return -1;
	if (f < -9223372036854775808.0)
		return 1;
	b.neg = f < 0;
	b.mag = b.neg ? (uint64_t)-f : (uint64_t)f;
	cmp = num_cmp(a, b);
	return cmp != 0 ? cmp : r > f ? -1 : 0;
}

static int
num_fits(const struct cmap_prop *p, struct num n)
{
	uint64_t umax = p->bits >= 64 ? UINT64_MAX : (UINT64_C(1) << p->bits) - 1;

	if (p->type == CMAP_T_UINT)
		return !n.neg && n.mag <= umax;
	return n.mag <= (n.neg ? umax / 2 + 1 : umax / 2);
}

/* A boolean literal: TRUE/FALSE, 0/1, or 'True'/'False' (WMI's common
   IPEnabled = 'True'); -1 if l is none of them. */
static int
lit_bool(const struct wql_lit *l, int *b)
{
	if (l->kind == WQL_L_BOOL)
		*b = l->b;
	else if (l->kind == WQL_L_INT && !l->neg && l->mag <= 1)
		*b = (int)l->mag;
	else if (l->kind == WQL_L_STR &&
	    (strcasecmp(l->s, "true") == 0 || strcasecmp(l->s, "false") == 0))
		*b = strcasecmp(l->s, "true") == 0;
	else
		return -1;
	return 0;
}

/* ---- CIM_DATETIME ---- */

/* yyyymmddHHMMSS.mmmmmmsUUU (digits may be '*' as WMI allows). */
static int
is_datetime(const char *s)
{
	if (strlen(s) != 25 || s[14] != '.' || (s[21] != '+' && s[21] != '-'))
		return 0;
	for (size_t k = 0; k < 25; k++)
		if (k != 14 && k != 21 && !isdigit((unsigned char)s[k]) && s[k] != '*')
			return 0;
	return 1;
}

/* s as seconds since 1970 UTC and microseconds; -1 if it holds wildcards. */
static int
dt_parse(const char *s, int64_t *sec, long *usec)
{
	struct tm tm = { 0 };
	char sign;
	int off, n = 0;

	if (!is_datetime(s) || strchr(s, '*') != NULL ||
	    sscanf(s, "%4d%2d%2d%2d%2d%2d.%6ld%c%3d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		&tm.tm_hour, &tm.tm_min, &tm.tm_sec, usec, &sign, &off, &n) != 9 ||
	    n != 25)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*sec = (int64_t)timegm(&tm) - (sign == '-' ? -off : off) * 60;
	return 0;
}

/* Two CIM_DATETIMEs in time order (UTC offsets applied); as text with
   wildcards. */
static int
dt_cmp(const char *a, const char *b)
{
	int64_t sa, sb;
	long ua, ub;

	if (dt_parse(a, &sa, &ua) != 0 || dt_parse(b, &sb, &ub) != 0)
		return strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return ua < ub ? -1 : ua > ub;
}

/* ---- type check ---- */

static const char *
lit_kind_text(const struct wql_lit *l)
{
	static const char *const text[] = { "a string", "an integer", "a real number", "a boolean",
		"NULL", "a list" };

	return text[l->kind];
}

static int
lit_fits(const struct cmap_prop *p, const struct wql_lit *l)
{
	struct num n;
	int b;

	switch (p->type) {
	case CMAP_T_STRING:
	case CMAP_T_REF: return l->kind == WQL_L_STR;
	case CMAP_T_DATETIME: return l->kind == WQL_L_STR && is_datetime(l->s);
	case CMAP_T_BOOL: return lit_bool(l, &b) == 0;
	default: return lit_num(l, &n) == 0 && num_fits(p, n);
	}
}

/* An integer property, which a real literal compares with by value. */
static int
is_number(const struct cmap_prop *p)
{
	return p->type == CMAP_T_SINT || p->type == CMAP_T_UINT;
}

static int __attribute__((format(printf, 5, 6)))
mismatch(size_t *pos, size_t at, char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	*pos = at;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
check_leaf(const struct cmap_prop *p, const struct wql_expr *e, size_t *pos, char *msg, size_t len)
{
	const struct wql_lit *l = &e->lit;

	switch (e->kind) {
	case WQL_E_ISNULL: return 0;
	case WQL_E_LIKE:
		if (p->type == CMAP_T_STRING || p->type == CMAP_T_REF || p->type == CMAP_T_DATETIME)
			return 0;
		return mismatch(pos, e->pos, msg, len, "LIKE needs a string property; %s is %s",
		    p->name, p->cim_type);
	case WQL_E_ISA:
		if (p->type == CMAP_T_REF)
			return 0;
		return mismatch(pos, e->pos, msg, len, "ISA needs a reference; %s is %s", p->name,
		    p->cim_type);
	default: break;
	}
	if (l->kind == WQL_L_NULL)
		return mismatch(pos, l->pos, msg, len, "%s %s NULL is never true: use IS %sNULL",
		    p->name, wql_op_text(e->op), e->op == WQL_NE ? "NOT " : "");
	if (!lit_fits(p, l) && !(l->kind == WQL_L_REAL && is_number(p)))
		return mismatch(pos, l->pos, msg, len, "%s is %s; %s does not fit it%s", p->name,
		    p->cim_type, lit_kind_text(l),
		    p->type == CMAP_T_DATETIME ? " (yyyymmddHHMMSS.mmmmmmsUUU)" : "");
	return 0;
}

/* What the checks of a condition's leaves need. */
struct chk {
	const struct cmap *m;
	const struct cmap_class *c;
	const char *host;
	size_t *pos;
	char *msg;
	size_t len;
};

/* leaf on every leaf of e, in order, up to the first that fails. */
static int
check_leaves(const struct chk *k, const struct wql_expr *e,
    int (*leaf)(const struct chk *, const struct cmap_prop *, const struct wql_expr *))
{
	if (e == NULL)
		return 0;
	switch (e->kind) {
	case WQL_E_AND:
	case WQL_E_OR:
		if (check_leaves(k, e->l, leaf) != 0)
			return -1;
		return check_leaves(k, e->r, leaf);
	case WQL_E_NOT: return check_leaves(k, e->l, leaf);
	default: return leaf(k, &k->c->props[e->prop_ix], e);
	}
}

static int
check_type(const struct chk *k, const struct cmap_prop *p, const struct wql_expr *e)
{
	return check_leaf(p, e, k->pos, k->msg, k->len);
}

int
eval_check(const struct cmap_class *c, const struct wql_expr *e, size_t *pos, char *msg,
    size_t msglen)
{
	struct chk k = { .c = c, .pos = pos, .msg = msg, .len = msglen };

	return check_leaves(&k, e, check_type);
}

/* A leaf's names: the class of ISA, the server and namespace of a REF
   literal that is an object path. */
static int
check_names(const struct chk *k, const struct cmap_prop *p, const struct wql_expr *e)
{
	struct wql_stmt *path = NULL;
	struct wql_err err;
	const char *near;
	int rc = 0;

	if (e->kind == WQL_E_ISA && cmap_class(k->m, e->lit.s) == NULL) {
		near = cmap_nearest_class(k->m, e->lit.s);
		return mismatch(k->pos, e->lit.pos, k->msg, k->len, "ISA: unknown class %s%s%s%s",
		    e->lit.s, near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
	}
	if (e->kind != WQL_E_CMP || p->type != CMAP_T_REF || e->lit.kind != WQL_L_STR ||
	    wql_parse_path(e->lit.s, &path, &err) != 0)
		return 0;
	if (wql_path_check(path, k->host, &err) != 0)
		rc = mismatch(k->pos, e->lit.pos, k->msg, k->len, "%s", err.msg);
	wql_free(path);
	return rc;
}

int
eval_check_names(const struct cmap *m, const struct cmap_class *c, const struct wql_expr *e,
    const char *host, size_t *pos, char *msg, size_t msglen)
{
	struct chk k = { m, c, host, pos, msg, msglen };

	return check_leaves(&k, e, check_names);
}

/* ---- LIKE ---- */

/* The length of the character at s: a UTF-8 sequence (RFC 3629 lead and
   continuation bytes, no overlong form nor surrogate), else one byte. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n = s[0] < 0xc2 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : s[0] < 0xf5 ? 4 : 1;

	for (size_t k = 1; k < n; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 1;
	/* RFC 3629's table: the second byte's range after E0, ED, F0 and F4 */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 1;
	return n;
}

/* The character at *s as a number, ASCII letters in lower case, a byte that
   is not UTF-8 as 0xDC00 + the byte (apart from every code point); *s moves
   past it.  WMI's characters are characters, not bytes: _ matches é. */
static long
char_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t n = utf8_len(p);
	long ch = n > 1 ? p[0] & (0x7f >> n) : p[0] < 0x80 ? tolower(p[0]) : 0xdc00 | p[0];

	for (size_t k = 1; k < n; k++)
		ch = ch << 6 | (p[k] & 0x3f);
	*s += n;
	return ch;
}

/* [set] at *pp (after '['): 1 if ch is in it; *pp moves past ']'.  A range
   is a=f, as WMI's LIKE page writes it, or a-f. */
static int
like_set(const char **pp, long ch)
{
	const char *p = *pp;
	int neg = *p == '^', in = 0;

	if (neg)
		p++;
	for (int first = 1; *p != '\0' && (*p != ']' || first); first = 0) {
		long lo = char_next(&p), hi = lo;

		if ((p[0] == '-' || p[0] == '=') && p[1] != ']' && p[1] != '\0') {
			p++;
			hi = char_next(&p);
		}
		in |= ch >= lo && ch <= hi;
	}
	*pp = *p == ']' ? p + 1 : p;
	return in != neg;
}

/* Whether the one-character pattern item at *pat (_, [set] or a character)
   matches the character at *s; both move past them. */
static int
like_one(const char **pat, const char **s)
{
	long ch = char_next(s);

	if (**pat == '[') {
		(*pat)++;
		return like_set(pat, ch);
	}
	if (**pat == '_') {
		(*pat)++;
		return 1;
	}
	return char_next(pat) == ch;
}

/* Greedy with one backtrack point, the last %: O(len(s) * len(pat)). */
int
eval_like(const char *s, const char *pat)
{
	const char *star_pat = NULL, *star_s = NULL;

	while (*s != '\0') {
		const char *next = pat, *snext = s;

		if (*pat == '%') {
			while (*pat == '%')
				pat++;
			star_pat = pat;
			star_s = s;
		} else if (*pat != '\0' && like_one(&next, &snext)) {
			pat = next;
			s = snext;
		} else if (star_pat != NULL) {
			pat = star_pat;
			char_next(&star_s);
			s = star_s;
		} else
			return 0;
	}
	while (*pat == '%')
		pat++;
	return *pat == '\0';
}

/* ---- evaluation ---- */

enum cmp_how { CMP_TEXT, CMP_DATETIME, CMP_ADDR, CMP_PATH };

/* Datetimes compare in time order, addresses (IpAddress, InetAddress) in
   address order, REFs as object paths, other strings as text. */
static enum cmp_how
cmp_how(const struct cmap_prop *p)
{
	if (p->type == CMAP_T_DATETIME)
		return CMP_DATETIME;
	if (p->type == CMAP_T_REF)
		return CMP_PATH;
	if (p->type == CMAP_T_STRING && p->syntax != NULL &&
	    (strcmp(p->syntax, "IpAddress") == 0 || strncmp(p->syntax, "InetAddress", 11) == 0))
		return CMP_ADDR;
	return CMP_TEXT;
}

static int
op_holds(enum wql_op op, int cmp)
{
	switch (op) {
	case WQL_EQ: return cmp == 0;
	case WQL_NE: return cmp != 0;
	case WQL_LT: return cmp < 0;
	case WQL_GT: return cmp > 0;
	case WQL_LE: return cmp <= 0;
	default: return cmp >= 0;
	}
}

/* Two addresses (IPv4 before IPv6) in numeric order, as the index of a
   table orders them; as text when either is not an address. */
static int
addr_cmp(const char *a, const char *b)
{
	unsigned char x[17] = { 0 }, y[17] = { 0 };

	if ((inet_pton(AF_INET, a, x + 1) != 1 && (x[0] = 1, inet_pton(AF_INET6, a, x + 1)) != 1) ||
	    (inet_pton(AF_INET, b, y + 1) != 1 && (y[0] = 1, inet_pton(AF_INET6, b, y + 1)) != 1))
		return strcasecmp(a, b);
	return memcmp(x, y, sizeof(x));
}

/* Two key values of object paths: integers as numbers (also 3 = '3'),
   strings as addresses or else case-insensitive text. */
static int
key_value_eq(const struct wql_lit *x, const struct wql_lit *y)
{
	struct num a, b;

	if (x->kind == WQL_L_INT || y->kind == WQL_L_INT)
		return lit_num(x, &a) == 0 && lit_num(y, &b) == 0 && num_cmp(a, b) == 0;
	if (x->kind == WQL_L_STR && y->kind == WQL_L_STR)
		return addr_cmp(x->s, y->s) == 0;
	return x->kind == y->kind && x->kind == WQL_L_BOOL && x->b == y->b;
}

/* 1 if every key of a is in b (name in any case) with an equal value. */
static int
keys_in(const struct wql_stmt *a, const struct wql_stmt *b)
{
	for (size_t i = 0; i < a->nset; i++) {
		size_t k = 0;

		while (k < b->nset && strcasecmp(a->set[i].name, b->set[k].name) != 0)
			k++;
		if (k == b->nset || !key_value_eq(&a->set[i].val, &b->set[k].val))
			return 0;
	}
	return 1;
}

/* Two REFs as object paths (wql_parse_path): equal when the class (in any
   case) and the set of keys are; else, or when one is not a path, as text. */
static int
path_cmp(const char *a, const char *b)
{
	struct wql_stmt *pa = NULL, *pb = NULL;
	struct wql_err err;
	int eq = wql_parse_path(a, &pa, &err) == 0 && wql_parse_path(b, &pb, &err) == 0 &&
	    strcasecmp(pa->cls, pb->cls) == 0 && pa->nset == pb->nset && keys_in(pa, pb) &&
	    keys_in(pb, pa);

	wql_free(pa);
	wql_free(pb);
	if (eq)
		return 0;
	return strcasecmp(a, b) != 0 ? strcasecmp(a, b) : 1;
}

/* v (not NULL, not an array) compared with l: <0, 0, >0; 2 if not comparable.
   how: CMP_DATETIME (v and l are CIM_DATETIMEs), CMP_ADDR (addresses),
   CMP_PATH (object paths), CMP_TEXT. */
static int
value_cmp(const struct cq_value *v, const struct wql_lit *l, enum cmp_how how)
{
	struct num a, b;
	int cmp;

	switch (v->kind) {
	case CQ_V_STR:
		if (l->kind != WQL_L_STR)
			return 2;
		cmp = how == CMP_DATETIME ? dt_cmp(v->s, l->s) :
		    how == CMP_ADDR       ? addr_cmp(v->s, l->s) :
		    how == CMP_PATH       ? path_cmp(v->s, l->s) :
					    strcasecmp(v->s, l->s);
		return cmp < 0 ? -1 : cmp > 0;
	case CQ_V_BOOL:
		if (lit_bool(l, &cmp) != 0)
			return 2;
		return (v->b != 0) - (cmp != 0);
	case CQ_V_SINT:
	case CQ_V_UINT:
		a.neg = v->kind == CQ_V_SINT && v->i < 0;
		a.mag = v->kind == CQ_V_UINT ? v->u :
		    a.neg                    ? (uint64_t)0 - (uint64_t)v->i :
					       (uint64_t)v->i;
		if (l->kind == WQL_L_REAL)
			return num_real_cmp(a, l->r);
		return lit_num(l, &b) != 0 ? 2 : num_cmp(a, b);
	default: return 2;
	}
}

static enum cq_truth
leaf_scalar(const struct wql_expr *e, const struct cq_value *v, enum cmp_how how)
{
	int cmp;

	switch (e->kind) {
	case WQL_E_LIKE:
		return v->kind == CQ_V_STR && eval_like(v->s, e->lit.s) ? CQ_TRUE : CQ_FALSE;
	case WQL_E_ISA: {
		size_t n = strlen(e->lit.s);

		return v->kind == CQ_V_STR && strncasecmp(v->s, e->lit.s, n) == 0 &&
			(v->s[n] == '\0' || v->s[n] == '.' || v->s[n] == '=') ?
		    CQ_TRUE :
		    CQ_FALSE;
	}
	default:
		cmp = value_cmp(v, &e->lit, how);
		return cmp != 2 && op_holds(e->op, cmp) ? CQ_TRUE : CQ_FALSE;
	}
}

static enum cq_truth
leaf(const struct wql_expr *e, const struct cq_value *v, enum cmp_how how)
{
	if (e->kind == WQL_E_ISNULL)
		return v->kind == CQ_V_NULL ? CQ_TRUE : CQ_FALSE;
	if (v->kind == CQ_V_NULL)
		return CQ_UNKNOWN;
	if (v->kind != CQ_V_ARRAY)
		return leaf_scalar(e, v, how);
	for (size_t k = 0; k < v->n; k++)
		if (leaf_scalar(e, &v->a[k], how) == CQ_TRUE)
			return CQ_TRUE;
	return CQ_FALSE;
}

enum cq_truth
eval_expr(const struct cmap_class *c, const struct wql_expr *e, const struct cq_value *row)
{
	enum cq_truth l, r;

	if (e == NULL)
		return CQ_TRUE;
	switch (e->kind) {
	case WQL_E_NOT:
		l = eval_expr(c, e->l, row);
		return l == CQ_UNKNOWN ? CQ_UNKNOWN : l == CQ_TRUE ? CQ_FALSE : CQ_TRUE;
	case WQL_E_AND:
		l = eval_expr(c, e->l, row);
		if (l == CQ_FALSE)
			return CQ_FALSE;
		r = eval_expr(c, e->r, row);
		return r == CQ_FALSE ? CQ_FALSE : l == CQ_TRUE ? r : CQ_UNKNOWN;
	case WQL_E_OR:
		l = eval_expr(c, e->l, row);
		if (l == CQ_TRUE)
			return CQ_TRUE;
		r = eval_expr(c, e->r, row);
		return r == CQ_TRUE ? CQ_TRUE : l == CQ_FALSE ? r : CQ_UNKNOWN;
	default: return leaf(e, &row[e->prop_ix], cmp_how(&c->props[e->prop_ix]));
	}
}

int
eval_lit_value(const struct cmap_prop *p, const struct wql_lit *l, struct cq_value *out)
{
	struct num n = { 0, 0 };

	memset(out, 0, sizeof(*out));
	if (!lit_fits(p, l))
		return -1;
	switch (p->type) {
	case CMAP_T_BOOL: out->kind = CQ_V_BOOL; return lit_bool(l, &out->b);
	case CMAP_T_SINT:
	case CMAP_T_UINT:
		lit_num(l, &n);
		out->kind = p->type == CMAP_T_UINT ? CQ_V_UINT : CQ_V_SINT;
		out->u = n.mag;
		out->i = n.neg ? (int64_t)(0 - n.mag) : (int64_t)n.mag;
		return 0;
	default:
		out->kind = CQ_V_STR;
		out->s = strdup(l->s);
		return out->s != NULL ? 0 : -1;
	}
}
