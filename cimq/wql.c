/*
 * wql: lexer and recursive-descent parser (grammar in wql.h).  Every
 * allocation of a statement comes from one arena freed by wql_free; a
 * syntax error longjmps out of the descent and frees the arena.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimq/wql.h"

struct chunk {
	struct chunk *next;
	max_align_t data[];
};

enum tok_kind {
	T_END,
	T_IDENT,
	T_STR,
	T_NUM,
	T_PUNCT,  /* text holds it: , * ( ) { } . = <> != < > <= >= - + */
	T_NSPATH, /* an object path's \\server\namespace: or namespace: */
};

struct tok {
	enum tok_kind kind;
	size_t pos, len;
	char *str; /* T_STR: unescaped; T_NUM: the literal's value */
	int is_real;
	uint64_t mag;
	double r;
};

struct parser {
	const char *q;
	size_t at;    /* lexer position */
	struct tok t; /* current token */
	struct chunk *arena;
	struct wql_err *err;
	unsigned depth; /* of parentheses and NOTs: bounds the recursion */
	jmp_buf fail;
};

/* 200 is far beyond a condition written by hand, and its descent (4 frames a
   level) takes under 128 KB of stack even under ASan (test_wql's test_depth
   passes with ulimit -s 128): a clear syntax error long before the stack
   (8 MB, or a thread's) could run out. */
#define MAX_DEPTH 200

struct parsed {
	struct wql_stmt s;
	struct chunk *arena;
};

static void *
alloc(struct parser *p, size_t size)
{
	struct chunk *c = calloc(1, sizeof(*c) + size);

	if (c == NULL) {
		snprintf(p->err->msg, sizeof(p->err->msg), "out of memory");
		longjmp(p->fail, 1);
	}
	c->next = p->arena;
	p->arena = c;
	return c->data;
}

/* Grows the array a of n elements (grown by push alone) by one and returns
   the new one.  The capacity doubles when a is full (n is 0 or a power of
   two): the copies the arena keeps are O(n) in all, not O(n^2). */
static void *
push(struct parser *p, void *a, size_t n, size_t size)
{
	char *b = a;

	if ((n & (n - 1)) == 0) {
		b = alloc(p, (n == 0 ? 1 : 2 * n) * size);
		if (n > 0)
			memcpy(b, a, n * size);
	}
	return b + n * size;
}

static void __attribute__((noreturn, format(printf, 3, 4)))
fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	p->err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	longjmp(p->fail, 1);
}

/* One level deeper (a parenthesis or NOT at pos): a syntax error past MAX_DEPTH. */
static void
nest(struct parser *p, size_t pos)
{
	if (++p->depth > MAX_DEPTH)
		fail(p, pos, "conditions nested too deeply (at most %d parentheses and NOTs)",
		    MAX_DEPTH);
}

/* ---- lexer ---- */

/* Unescapes the string literal at p->at (its quote) into out (NULL: counts
   only); its length, *end past the closing quote. */
static size_t
unescape(struct parser *p, char *out, size_t *end)
{
	const char *q = p->q;
	char quote = q[p->at];
	size_t n = 0, i = p->at + 1;

	for (;; i++) {
		char c = q[i];

		if (c == '\0')
			fail(p, p->t.pos, "unterminated string");
		if (c == '\\' && q[i + 1] != '\0') {
			i++;
			c = q[i] == 'n' ? '\n' : q[i] == 't' ? '\t' : q[i];
		} else if (c == quote && q[i + 1] == quote)
			fail(p, i,
			    "expected \\%c for a quote inside a string (WQL has no doubled quotes)",
			    quote);
		else if (c == quote)
			break;
		if (out != NULL)
			out[n] = c;
		n++;
	}
	*end = i + 1;
	return n;
}

/* The string at p->at, in an allocation of its own length (of the rest of
   the query, it made a query of many strings quadratic in memory). */
static void
lex_string(struct parser *p)
{
	size_t end;
	char *out = alloc(p, unescape(p, NULL, &end) + 1);

	unescape(p, out, &end);
	p->t.kind = T_STR;
	p->t.str = out;
	p->at = end;
}

static void
lex_number(struct parser *p)
{
	const char *s = p->q + p->at;
	char *end;
	size_t digits = strspn(s, "0123456789");
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	p->t.kind = T_NUM;
	errno = 0;
	p->t.is_real = !hex && (s[digits] == '.' || s[digits] == 'e' || s[digits] == 'E');
	if (p->t.is_real)
		p->t.r = strtod(s, &end);
	else
		p->t.mag = strtoull(s, &end, hex ? 16 : 10);
	/* An underflow is the nearest value strtod found (0 or a subnormal): no error. */
	if (errno == ERANGE && (!p->t.is_real || fabs(p->t.r) > 1.0))
		fail(p, p->t.pos, "number too large");
	if (end == s || (hex && end == s + 2) || isalnum((unsigned char)*end) || *end == '_' ||
	    *end == '.')
		fail(p, p->t.pos, "bad number");
	p->at += (size_t)(end - s);
}

static int
is_sep(char c)
{
	return c == '\\' || c == '/';
}

/* The length of the namespace prefix of an object path at s, ':' included
   (\\server\ns\ns:, //server/ns:, ns\ns:), or 0 if s starts with none. */
static size_t
prefix_len(const char *s)
{
	size_t i = 0, ns;

	if (is_sep(s[0]) && is_sep(s[1])) {
		for (i = 2; s[i] != '\0' && !is_sep(s[i]) && strchr(":{}", s[i]) == NULL &&
		     !isspace((unsigned char)s[i]);
		     i++)
			;
		if (i == 2 || !is_sep(s[i]))
			return 0;
	}
	for (ns = i; isalnum((unsigned char)s[i]) || s[i] == '_' || is_sep(s[i]); i++)
		;
	return i > ns && s[i] == ':' ? i + 1 : 0;
}

static void
lex(struct parser *p)
{
	const char *q = p->q;
	static const char *const two[] = { "<>", "!=", "<=", ">=" };

	while (isspace((unsigned char)q[p->at]))
		p->at++;
	memset(&p->t, 0, sizeof(p->t));
	p->t.pos = p->at;
	if (q[p->at] == '\0')
		p->t.kind = T_END;
	else if (q[p->at] == '\'' || q[p->at] == '"')
		lex_string(p);
	else if (isdigit((unsigned char)q[p->at]))
		lex_number(p);
	else if (prefix_len(q + p->at) > 0) {
		p->at += prefix_len(q + p->at);
		p->t.kind = T_NSPATH;
	} else if (isalpha((unsigned char)q[p->at]) || q[p->at] == '_') {
		while (isalnum((unsigned char)q[p->at]) || q[p->at] == '_')
			p->at++;
		p->t.kind = T_IDENT;
	} else {
		p->t.kind = T_PUNCT;
		p->at++;
		for (size_t k = 0; k < sizeof(two) / sizeof(two[0]); k++)
			if (strncmp(q + p->t.pos, two[k], 2) == 0)
				p->at = p->t.pos + 2;
		if (strchr(",*(){}.=<>-+", q[p->t.pos]) == NULL && p->at == p->t.pos + 1)
			fail(p, p->t.pos, "unexpected character '%c'", q[p->t.pos]);
	}
	p->t.len = p->at - p->t.pos;
}

/* ---- token tests ---- */

static int
is_kw(const struct parser *p, const char *kw)
{
	return p->t.kind == T_IDENT && p->t.len == strlen(kw) &&
	    strncasecmp(p->q + p->t.pos, kw, p->t.len) == 0;
}

static int
is_punct(const struct parser *p, const char *s)
{
	return p->t.kind == T_PUNCT && p->t.len == strlen(s) &&
	    strncmp(p->q + p->t.pos, s, p->t.len) == 0;
}

static int
accept_kw(struct parser *p, const char *kw)
{
	if (!is_kw(p, kw))
		return 0;
	lex(p);
	return 1;
}

static int
accept_punct(struct parser *p, const char *s)
{
	if (!is_punct(p, s))
		return 0;
	lex(p);
	return 1;
}

static void
expect_kw(struct parser *p, const char *kw)
{
	if (!accept_kw(p, kw))
		fail(p, p->t.pos, "expected %s", kw);
}

static void
expect_punct(struct parser *p, const char *s, const char *what)
{
	if (!accept_punct(p, s))
		fail(p, p->t.pos, "expected %s", what);
}

/* Copies n bytes of the query at pos. */
static char *
text_at(struct parser *p, size_t pos, size_t n)
{
	char *t = alloc(p, n + 1);

	memcpy(t, p->q + pos, n);
	return t;
}

/* Copies the current identifier and moves on; what names it in the error. */
static char *
ident(struct parser *p, const char *what, size_t *pos)
{
	char *s;

	if (p->t.kind != T_IDENT)
		fail(p, p->t.pos, "expected %s", what);
	s = text_at(p, p->t.pos, p->t.len);
	if (pos != NULL)
		*pos = p->t.pos;
	lex(p);
	return s;
}

/* ---- literals ---- */

static int
is_literal_start(const struct parser *p)
{
	return p->t.kind == T_STR || p->t.kind == T_NUM || is_punct(p, "-") || is_punct(p, "+") ||
	    is_kw(p, "TRUE") || is_kw(p, "FALSE") || is_kw(p, "NULL");
}

static void
literal(struct parser *p, struct wql_lit *l)
{
	int neg = 0;

	memset(l, 0, sizeof(*l));
	l->pos = p->t.pos;
	if (is_punct(p, "-") || is_punct(p, "+")) {
		neg = is_punct(p, "-");
		lex(p);
		if (p->t.kind != T_NUM)
			fail(p, p->t.pos, "expected a number");
	}
	if (p->t.kind == T_STR) {
		l->kind = WQL_L_STR;
		l->s = p->t.str;
	} else if (p->t.kind == T_NUM && p->t.is_real) {
		l->kind = WQL_L_REAL;
		l->r = neg ? -p->t.r : p->t.r;
	} else if (p->t.kind == T_NUM) {
		l->kind = WQL_L_INT;
		l->neg = neg && p->t.mag != 0;
		l->mag = p->t.mag;
		if (l->neg && l->mag > (uint64_t)INT64_MAX + 1)
			fail(p, l->pos, "number too large");
	} else if (is_kw(p, "TRUE") || is_kw(p, "FALSE")) {
		l->kind = WQL_L_BOOL;
		l->b = is_kw(p, "TRUE");
	} else if (is_kw(p, "NULL"))
		l->kind = WQL_L_NULL;
	else
		fail(p, p->t.pos, "expected a string, a number, TRUE, FALSE or NULL");
	lex(p);
}

/* value | ( value, ... ) for CALL arguments. */
static void
literal_or_list(struct parser *p, struct wql_lit *l)
{
	if (!is_punct(p, "(")) {
		literal(p, l);
		return;
	}
	memset(l, 0, sizeof(*l));
	l->kind = WQL_L_LIST;
	l->pos = p->t.pos;
	lex(p);
	if (accept_punct(p, ")"))
		return;
	do {
		struct wql_lit *it = push(p, l->items, l->n, sizeof(*it));

		literal(p, it);
		l->items = it - l->n++;
	} while (accept_punct(p, ","));
	expect_punct(p, ")", "',' or ')'");
}

/* ---- conditions ---- */

static struct wql_expr *
node(struct parser *p, enum wql_expr_kind kind, size_t pos)
{
	struct wql_expr *e = alloc(p, sizeof(*e));

	e->kind = kind;
	e->pos = pos;
	e->prop_ix = -1;
	return e;
}

static int
comparison_op(struct parser *p, enum wql_op *op)
{
	static const struct {
		const char *text;
		enum wql_op op;
	} ops[] = { { "=", WQL_EQ }, { "<>", WQL_NE }, { "!=", WQL_NE }, { "<", WQL_LT },
		{ ">", WQL_GT }, { "<=", WQL_LE }, { ">=", WQL_GE } };

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (accept_punct(p, ops[k].text)) {
			*op = ops[k].op;
			return 1;
		}
	return 0;
}

static enum wql_op
flip(enum wql_op op)
{
	switch (op) {
	case WQL_LT: return WQL_GT;
	case WQL_GT: return WQL_LT;
	case WQL_LE: return WQL_GE;
	case WQL_GE: return WQL_LE;
	default: return op;
	}
}

static struct wql_expr *
not_of(struct parser *p, struct wql_expr *e, size_t pos)
{
	struct wql_expr *n = node(p, WQL_E_NOT, pos);

	n->l = e;
	return n;
}

/* literal op property */
static struct wql_expr *
reversed_comparison(struct parser *p)
{
	struct wql_expr *e = node(p, WQL_E_CMP, p->t.pos);

	literal(p, &e->lit);
	if (!comparison_op(p, &e->op))
		fail(p, p->t.pos, "expected a comparison operator");
	e->op = flip(e->op);
	e->prop = ident(p, "a property name", &e->prop_pos);
	return e;
}

/* after "prop": op literal | [NOT] LIKE string | IS [NOT] NULL | ISA 'Class' */
static struct wql_expr *
predicate(struct parser *p, struct wql_expr *e)
{
	size_t notpos = p->t.pos;
	int neg = 0;

	if (comparison_op(p, &e->op)) {
		literal(p, &e->lit);
		return e;
	}
	if (accept_kw(p, "IS")) {
		neg = accept_kw(p, "NOT");
		e->kind = WQL_E_ISNULL;
		expect_kw(p, "NULL");
		return neg ? not_of(p, e, e->pos) : e;
	}
	e->kind = accept_kw(p, "ISA") ? WQL_E_ISA : WQL_E_LIKE;
	if (e->kind == WQL_E_LIKE) {
		neg = accept_kw(p, "NOT");
		if (!accept_kw(p, "LIKE"))
			fail(p, neg ? p->t.pos : notpos,
			    neg ? "expected LIKE" :
				  "expected a comparison operator, LIKE, IS or ISA");
	}
	if (p->t.kind != T_STR)
		fail(p, p->t.pos, "expected a string");
	literal(p, &e->lit);
	return neg ? not_of(p, e, e->pos) : e;
}

static struct wql_expr *disjunction(struct parser *p);

static struct wql_expr *
primary(struct parser *p)
{
	struct wql_expr *e;

	if (is_punct(p, "(")) {
		nest(p, p->t.pos);
		lex(p);
		e = disjunction(p);
		expect_punct(p, ")", "')'");
		p->depth--;
		return e;
	}
	if (is_literal_start(p))
		return reversed_comparison(p);
	if (p->t.kind != T_IDENT)
		fail(p, p->t.pos, "expected a condition");
	e = node(p, WQL_E_CMP, p->t.pos);
	e->prop = ident(p, "a property name", &e->prop_pos);
	return predicate(p, e);
}

static struct wql_expr *
negation(struct parser *p)
{
	size_t pos = p->t.pos;

	struct wql_expr *e;

	if (!accept_kw(p, "NOT"))
		return primary(p);
	nest(p, pos);
	e = not_of(p, negation(p), pos);
	p->depth--;
	return e;
}

static struct wql_expr *
binary(struct parser *p, enum wql_expr_kind kind, struct wql_expr *l, struct wql_expr *r)
{
	struct wql_expr *e = node(p, kind, l->pos);

	e->l = l;
	e->r = r;
	return e;
}

static struct wql_expr *
conjunction(struct parser *p)
{
	struct wql_expr *e = negation(p);

	while (accept_kw(p, "AND"))
		e = binary(p, WQL_E_AND, e, negation(p));
	return e;
}

static struct wql_expr *
disjunction(struct parser *p)
{
	struct wql_expr *e = conjunction(p);

	while (accept_kw(p, "OR"))
		e = binary(p, WQL_E_OR, e, conjunction(p));
	return e;
}

static void
opt_where(struct parser *p, struct wql_stmt *s)
{
	if (accept_kw(p, "WHERE"))
		s->where = disjunction(p);
}

/* ---- statements ---- */

static void
class_name(struct parser *p, struct wql_stmt *s)
{
	s->cls = ident(p, "a class name", &s->cls_pos);
}

static void
assignment(struct parser *p, struct wql_stmt *s, int lists)
{
	struct wql_assign *a = push(p, s->set, s->nset, sizeof(*a));

	a->name = ident(p, lists ? "a parameter name" : "a property name", &a->pos);
	expect_punct(p, "=", "'='");
	if (lists)
		literal_or_list(p, &a->val);
	else
		literal(p, &a->val);
	s->set = a - s->nset++;
}

static void
select_list(struct parser *p, struct wql_stmt *s)
{
	if (accept_punct(p, "*")) {
		s->star = 1;
		return;
	}
	do {
		size_t pos;
		char *name;
		char **props;
		size_t *poss;

		if (p->t.kind != T_IDENT || is_kw(p, "FROM"))
			fail(p, p->t.pos, "expected a property name or *");
		name = ident(p, "a property name", &pos);
		props = push(p, s->props, s->nprops, sizeof(*props));
		poss = push(p, s->props_pos, s->nprops, sizeof(*poss));
		*props = name;
		*poss = pos;
		s->props = props - s->nprops;
		s->props_pos = poss - s->nprops++;
	} while (accept_punct(p, ","));
}

static void
select_stmt(struct parser *p, struct wql_stmt *s)
{
	s->kind = WQL_SELECT;
	select_list(p, s);
	expect_kw(p, "FROM");
	class_name(p, s);
	if (accept_kw(p, "WITHIN")) {
		s->within_pos = p->t.pos;
		if (p->t.kind != T_NUM)
			fail(p, p->t.pos, "expected a number of seconds");
		s->within = p->t.is_real ? p->t.r : (double)p->t.mag;
		if (!(s->within > 0))
			fail(p, p->t.pos, "expected a number of seconds above 0");
		lex(p);
	}
	opt_where(p, s);
}

/* The T_NSPATH token into s->server (NULL when absent) and s->ns. */
static void
ns_prefix(struct parser *p, struct wql_stmt *s)
{
	size_t at = p->t.pos, end = p->t.pos + p->t.len - 1; /* at ':' */

	if (is_sep(p->q[at]) && is_sep(p->q[at + 1])) {
		size_t n = 2;

		while (!is_sep(p->q[at + n]))
			n++;
		s->server = text_at(p, at + 2, n - 2);
		s->server_pos = at + 2;
		at += n + 1;
	}
	s->ns = text_at(p, at, end - at);
	s->ns_pos = at;
	lex(p);
}

/* {[\\server\namespace:]Class[.Key=value[, ...]]}, or the same without the
   braces */
static void
object_path(struct parser *p, struct wql_stmt *s)
{
	int brace = accept_punct(p, "{");

	if (p->t.kind == T_NSPATH)
		ns_prefix(p, s);
	class_name(p, s);
	if (accept_punct(p, "."))
		do
			assignment(p, s, 0);
		while (accept_punct(p, ","));
	if (brace)
		expect_punct(p, "}", "'}'");
}

static char *
assoc_value(struct parser *p, size_t *pos)
{
	expect_punct(p, "=", "'='");
	return ident(p, "a name", pos);
}

static int
assoc_option(struct parser *p, struct wql_stmt *s)
{
	struct {
		const char *kw;
		char **name;
		int *flag;
		struct wql_kw_at *at;
	} opts[] = {
		{ "ResultClass", &s->result_class, NULL, &s->result_class_at },
		{ "AssocClass", &s->assoc_class, NULL, &s->assoc_class_at },
		{ "Role", &s->role, NULL, &s->role_at },
		{ "ResultRole", &s->result_role, NULL, &s->result_role_at },
		{ "RequiredQualifier", &s->required_qualifier, NULL, &s->required_qualifier_at },
		{ "RequiredAssocQualifier", &s->required_assoc_qualifier, NULL,
		    &s->required_assoc_qualifier_at },
		{ "ClassDefsOnly", NULL, &s->classdefs_only, &s->classdefs_only_at },
		{ "KeysOnly", NULL, &s->keys_only, &s->keys_only_at },
		{ "SchemaOnly", NULL, &s->schema_only, &s->schema_only_at },
	};
	size_t pos = p->t.pos;

	for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		if (!accept_kw(p, opts[k].kw))
			continue;
		if (opts[k].at->kw != 0) /* WMI: WBEM_E_INVALID_QUERY */
			fail(p, pos, "%s given twice", opts[k].kw);
		opts[k].at->kw = opts[k].at->val = pos;
		if (opts[k].name != NULL)
			*opts[k].name = assoc_value(p, &opts[k].at->val);
		else
			*opts[k].flag = 1;
		return 1;
	}
	return 0;
}

static void
assoc_stmt(struct parser *p, struct wql_stmt *s, enum wql_kind kind)
{
	s->kind = kind;
	expect_kw(p, "OF");
	object_path(p, s);
	if (!accept_kw(p, "WHERE"))
		return;
	if (!assoc_option(p, s))
		fail(p, p->t.pos,
		    "expected ResultClass, AssocClass, Role, ResultRole, "
		    "RequiredQualifier, RequiredAssocQualifier, ClassDefsOnly, "
		    "KeysOnly or SchemaOnly");
	while (assoc_option(p, s))
		;
}

static void
set_list(struct parser *p, struct wql_stmt *s)
{
	expect_kw(p, "SET");
	do
		assignment(p, s, 0);
	while (accept_punct(p, ","));
}

static void
call_stmt(struct parser *p, struct wql_stmt *s)
{
	s->kind = WQL_CALL;
	class_name(p, s);
	expect_punct(p, ".", "'.' and a method name");
	s->method = ident(p, "a method name", &s->method_pos);
	expect_punct(p, "(", "'('");
	if (!accept_punct(p, ")")) {
		do
			assignment(p, s, 1);
		while (accept_punct(p, ","));
		expect_punct(p, ")", "',' or ')'");
	}
	opt_where(p, s);
}

static void
statement(struct parser *p, struct wql_stmt *s)
{
	if (accept_kw(p, "SELECT"))
		select_stmt(p, s);
	else if (accept_kw(p, "ASSOCIATORS"))
		assoc_stmt(p, s, WQL_ASSOCIATORS);
	else if (accept_kw(p, "REFERENCES"))
		assoc_stmt(p, s, WQL_REFERENCES);
	else if (accept_kw(p, "CREATE")) {
		s->kind = WQL_CREATE;
		class_name(p, s);
		set_list(p, s);
	} else if (accept_kw(p, "UPDATE")) {
		s->kind = WQL_UPDATE;
		class_name(p, s);
		set_list(p, s);
		opt_where(p, s);
	} else if (accept_kw(p, "DELETE")) {
		s->kind = WQL_DELETE;
		expect_kw(p, "FROM");
		class_name(p, s);
		opt_where(p, s);
	} else if (accept_kw(p, "CALL"))
		call_stmt(p, s);
	else
		fail(p, p->t.pos,
		    "expected SELECT, ASSOCIATORS, REFERENCES, CREATE, UPDATE, "
		    "DELETE or CALL");
	if (p->t.kind != T_END)
		fail(p, p->t.pos,
		    s->where != NULL || s->kind == WQL_CREATE || s->kind == WQL_ASSOCIATORS ||
			    s->kind == WQL_REFERENCES ?
			"expected the end of the query" :
			"expected WHERE or the end of the query");
}

static void
free_arena(struct chunk *c)
{
	while (c != NULL) {
		struct chunk *next = c->next;

		free(c);
		c = next;
	}
}

/* An object path alone (a REF value): s->cls and s->set. */
static void
path_only(struct parser *p, struct wql_stmt *s)
{
	object_path(p, s);
	if (p->t.kind != T_END)
		fail(p, p->t.pos, "expected the end of the path");
}

static int
parse_rule(const char *q, void (*rule)(struct parser *, struct wql_stmt *), struct wql_stmt **out,
    struct wql_err *err)
{
	struct parser p = { .q = q, .err = err };
	struct parsed *volatile ps = NULL;

	memset(err, 0, sizeof(*err));
	if (setjmp(p.fail) != 0) {
		free_arena(p.arena);
		*out = NULL;
		return -1;
	}
	ps = alloc(&p, sizeof(*ps));
	ps->s.within = -1;
	lex(&p);
	rule(&p, &ps->s);
	ps->arena = p.arena;
	*out = &ps->s;
	return 0;
}

int
wql_parse(const char *q, struct wql_stmt **out, struct wql_err *err)
{
	return parse_rule(q, statement, out, err);
}

int
wql_parse_path(const char *path, struct wql_stmt **out, struct wql_err *err)
{
	return parse_rule(path, path_only, out, err);
}

void
wql_free(struct wql_stmt *s)
{
	if (s != NULL)
		free_arena(((struct parsed *)(void *)s)->arena);
}

/* ns is root\cimv2 in any case, / or \ as separators, a leading one or not. */
static int
is_cimv2(const char *ns)
{
	const char *want = "root\\cimv2";

	ns += strspn(ns, "\\/");
	for (; *want != '\0'; ns++, want++)
		if (tolower((unsigned char)*ns) != *want && !(is_sep(*ns) && is_sep(*want)))
			return 0;
	return *ns == '\0';
}

int
wql_path_check(const struct wql_stmt *s, const char *host, struct wql_err *err)
{
	memset(err, 0, sizeof(*err));
	if (s->server != NULL && strcmp(s->server, ".") != 0 &&
	    (host == NULL || strcasecmp(s->server, host) != 0)) {
		err->pos = s->server_pos;
		snprintf(err->msg, sizeof(err->msg),
		    "server %s is not the agent queried: a path names \\\\.%s%s", s->server,
		    host != NULL ? " or \\\\" : "", host != NULL ? host : "");
		return -1;
	}
	if (s->ns != NULL && !is_cimv2(s->ns)) {
		err->pos = s->ns_pos;
		snprintf(err->msg, sizeof(err->msg),
		    "invalid namespace %s: cimq's classes are in root\\cimv2", s->ns);
		return -1;
	}
	return 0;
}

const char *
wql_op_text(enum wql_op op)
{
	static const char *const text[] = { "=", "<>", "<", ">", "<=", ">=" };

	return text[op];
}

void
wql_err_print(FILE *f, const char *prefix, const char *q, const struct wql_err *err)
{
	size_t len = strlen(q), pos = err->pos < len ? err->pos : len, line = 0, n;

	/* the lines up to the error's, each indented; the caret under it in its line */
	for (;; line += n + 1) {
		n = strcspn(q + line, "\n");
		fprintf(f, "  %.*s\n", (int)n, q + line);
		if (line + n >= pos)
			break;
	}
	fputs("  ", f);
	for (size_t k = line; k < pos; k++)
		if (((unsigned char)q[k] & 0xc0) != 0x80) /* one column per UTF-8 character */
			fputc(q[k] == '\t' ? '\t' : ' ', f);
	fprintf(f, "^\n%s: %s\n", prefix, err->msg);
}
