/*
 * plan: binds a statement's names to the class, checks the types, and
 * chooses GET / GETNEXT range / walk from the WHERE's key conditions (rules
 * in plan.h); encodes and decodes row indexes by the INDEX syntaxes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimq/plan.h"

#define MAX_KEYS 4096 /* GETs a plan may list before it uses a shorter prefix */

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n != 0 ? n : 1, size);

	if (p == NULL) {
		perror("cimq");
		exit(8);
	}
	return p;
}

static int __attribute__((format(printf, 4, 5)))
plan_fail(struct plan_err *err, int status, size_t pos, const char *fmt, ...)
{
	va_list ap;

	err->status = status;
	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
unknown_prop(const struct cmap_class *c, const char *name, size_t pos, struct plan_err *err)
{
	const char *near = cmap_nearest_prop(c, name);

	if (near != NULL)
		return plan_fail(err, 2, pos, "%s has no property %s (did you mean %s?)", c->name,
		    name, near);
	return plan_fail(err, 2, pos, "%s has no property %s", c->name, name);
}

/* ---- binding ---- */

static int
bind_expr(const struct cmap_class *c, struct wql_expr *e, struct plan_err *err)
{
	const struct cmap_prop *p;

	if (e == NULL)
		return 0;
	if (e->kind == WQL_E_AND || e->kind == WQL_E_OR || e->kind == WQL_E_NOT)
		return bind_expr(c, e->l, err) != 0 || bind_expr(c, e->r, err) != 0 ? -1 : 0;
	if ((p = cmap_prop(c, e->prop)) == NULL)
		return unknown_prop(c, e->prop, e->prop_pos, err);
	e->prop_ix = (int)cmap_prop_index(c, p);
	return 0;
}

/* SET names and values (CREATE, UPDATE) and the method (CALL). */
static int
check_writes(const struct cmap_class *c, const struct wql_stmt *s, struct plan_err *err)
{
	if (s->kind == WQL_CALL && cmap_method(c, s->method) == NULL) {
		const char *near = cmap_nearest_method(c, s->method);

		return plan_fail(err, 2, s->method_pos, "%s has no method %s%s%s%s", c->name,
		    s->method, near != NULL ? " (did you mean " : "", near != NULL ? near : "",
		    near != NULL ? "?)" : "");
	}
	if (s->kind != WQL_CREATE && s->kind != WQL_UPDATE)
		return 0;
	for (size_t k = 0; k < s->nset; k++) {
		const struct cmap_prop *p = cmap_prop(c, s->set[k].name);
		struct cq_value v;

		if (p == NULL)
			return unknown_prop(c, s->set[k].name, s->set[k].pos, err);
		if (eval_lit_value(p, &s->set[k].val, &v) != 0)
			return plan_fail(err, 3, s->set[k].val.pos,
			    "%s is %s: the value does not fit", p->name, p->cim_type);
		cq_value_clear(&v);
	}
	return 0;
}

/* ---- needed properties ---- */

static void
add_once(size_t *list, size_t *n, size_t ix)
{
	for (size_t k = 0; k < *n; k++)
		if (list[k] == ix)
			return;
	list[(*n)++] = ix;
}

/* ASSOCIATORS/REFERENCES OF {Class.K1=v1,K2=v2,...}: ((K1 = v1 AND K2 = v2)
   AND ...); leaves in own[0..n), the ANDs after them. */
static int
path_where(struct plan *pl, const struct wql_stmt *s, struct plan_err *err)
{
	const struct cmap_class *c = pl->cls;
	size_t n = s->nset;
	struct wql_expr *e, *top;

	if ((s->kind != WQL_ASSOCIATORS && s->kind != WQL_REFERENCES) || n == 0)
		return 0;
	pl->own = e = xcalloc(2 * n - 1, sizeof(*e));
	for (size_t k = 0; k < n; k++) {
		const struct cmap_prop *p = cmap_prop(c, s->set[k].name);

		if (p == NULL)
			return unknown_prop(c, s->set[k].name, s->set[k].pos, err);
		e[k] = (struct wql_expr){ .kind = WQL_E_CMP,
			.pos = s->set[k].pos,
			.prop = s->set[k].name,
			.prop_pos = s->set[k].pos,
			.prop_ix = (int)cmap_prop_index(c, p),
			.op = WQL_EQ,
			.lit = s->set[k].val };
	}
	top = &e[0];
	for (size_t k = 1; k < n; k++) {
		e[n + k - 1] = (struct wql_expr){ .kind = WQL_E_AND,
			.pos = e[0].pos,
			.prop_ix = -1,
			.l = top,
			.r = &e[k] };
		top = &e[n + k - 1];
	}
	pl->filter = top;
	return 0;
}

static void
need_expr(struct plan *pl, const struct wql_expr *e)
{
	if (e == NULL)
		return;
	if (e->kind == WQL_E_AND || e->kind == WQL_E_OR || e->kind == WQL_E_NOT) {
		need_expr(pl, e->l);
		need_expr(pl, e->r);
		return;
	}
	add_once(pl->need, &pl->nneed, (size_t)e->prop_ix);
}

static int
out_list(struct plan *pl, const struct wql_stmt *s, struct plan_err *err)
{
	const struct cmap_class *c = pl->cls;

	if (s->kind != WQL_SELECT || s->star) {
		int all = s->kind == WQL_SELECT ||
		    ((s->kind == WQL_ASSOCIATORS || s->kind == WQL_REFERENCES) && !s->keys_only);

		for (size_t k = 0; k < c->nprops; k++)
			if (!c->props[k].ext && (all || c->props[k].key))
				add_once(pl->out, &pl->nout, k);
		return 0;
	}
	for (size_t k = 0; k < s->nprops; k++) {
		const struct cmap_prop *p = cmap_prop(c, s->props[k]);

		if (p == NULL)
			return unknown_prop(c, s->props[k], s->props_pos[k], err);
		add_once(pl->out, &pl->nout, cmap_prop_index(c, p));
	}
	return 0;
}

/* A readable column of c's own table; an event class's are its history's
   columns, whatever the access of the notification's objects the map names. */
static int
own_readable(const struct cmap_class *c, size_t k)
{
	if (c->props[k].table != &c->table || c->props[k].ix >= 0)
		return 0;
	return c->kind == CMAP_K_EVENT ||
	    (strcmp(c->props[k].access, "not-accessible") != 0 &&
		strcmp(c->props[k].access, "accessible-for-notify") != 0);
}

/* The column every row of c has: its RowStatus (a createAndWait row has no
   Age), else its first readable one; c->nprops if none. */
static size_t
row_col(const struct cmap_class *c)
{
	size_t first = c->nprops;

	for (size_t k = 0; k < c->nprops; k++) {
		if (!own_readable(c, k))
			continue;
		if (c->props[k].syntax != NULL && strcmp(c->props[k].syntax, "RowStatus") == 0)
			return k;
		if (first == c->nprops)
			first = k;
	}
	return first;
}

static void
classify(struct plan *pl)
{
	const struct cmap_class *c = pl->cls;

	for (size_t k = 0; k < pl->nneed; k++) {
		const struct cmap_prop *p = &c->props[pl->need[k]];

		if (p->mib_name == NULL)
			pl->none[pl->nnone++] = pl->need[k];
		else if (p->table == NULL)
			pl->scalars[pl->nscalars++] = pl->need[k];
		else if (p->table != &c->table)
			pl->arrays[pl->narrays++] = pl->need[k];
		else if (p->ix >= 0)
			pl->idx[pl->nidx++] = pl->need[k];
		else
			pl->cols[pl->ncols++] = pl->need[k];
	}
	/* rows are enumerated through a column every row has, also when other
	   columns are needed: a row whose needed columns are all absent
	   (Metric1 of a metric beyond 2^31-1, a DHCPServer) is still an
	   instance, its properties NULL */
	if (row_col(c) < c->nprops)
		add_once(pl->cols, &pl->ncols, row_col(c));
}

static int
needed(struct plan *pl, const struct wql_stmt *s, struct plan_err *err)
{
	const struct cmap_class *c = pl->cls;
	size_t n = c->nprops;

	pl->out = xcalloc(n, sizeof(size_t));
	pl->need = xcalloc(n, sizeof(size_t));
	pl->cols = xcalloc(n, sizeof(size_t));
	pl->idx = xcalloc(n, sizeof(size_t));
	pl->scalars = xcalloc(n, sizeof(size_t));
	pl->arrays = xcalloc(n, sizeof(size_t));
	pl->none = xcalloc(n, sizeof(size_t));
	if (out_list(pl, s, err) != 0)
		return -1;
	for (size_t k = 0; k < pl->nout; k++)
		add_once(pl->need, &pl->nneed, pl->out[k]);
	need_expr(pl, pl->filter);
	for (size_t k = 0; k < n; k++)
		if (c->props[k].key)
			add_once(pl->need, &pl->nneed, k);
	classify(pl);
	return 0;
}

/* ---- index encoding ---- */

static int
is_inet(const struct cmap_index *ix)
{
	return strncmp(ix->syntax, "InetAddress", 11) == 0 &&
	    strcmp(ix->syntax, "InetAddressType") != 0 &&
	    strcmp(ix->syntax, "InetAddressPrefixLength") != 0;
}

/* InetAddress text (RFC 4001: a.b.c.d, x:..:y, a %zone for the z types,
   "" for unknown) to octets; fixed: the TC's size, or 0. */
static int
inet_octets(const char *s, size_t fixed, unsigned char *buf, size_t *n)
{
	char host[INET6_ADDRSTRLEN], *end;
	const char *pct = strchr(s, '%');
	size_t hl = pct != NULL ? (size_t)(pct - s) : strlen(s);
	unsigned long long zone = 0;

	*n = 0;
	if (*s == '\0')
		return fixed == 0 ? 0 : -1;
	if (hl >= sizeof(host) || (pct != NULL && fixed != 0))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (pct != NULL &&
	    (zone = strtoull(pct + 1, &end, 10),
		pct[1] == '\0' || *end != '\0' || zone > 0xffffffffu))
		return -1;
	if (fixed != 16 && inet_pton(AF_INET, host, buf) == 1)
		*n = 4;
	else if (fixed != 4 && inet_pton(AF_INET6, host, buf) == 1)
		*n = 16;
	else
		return -1;
	for (int k = 3; pct != NULL && k >= 0; k--)
		buf[(*n)++] = (unsigned char)(zone >> (8 * k));
	return 0;
}

/* Octets of an InetAddress (0, 4, 8, 16 or 20) as text; -1 for others. */
static int
inet_text(const unsigned char *buf, size_t n, char *text, size_t len)
{
	size_t alen = n >= 16 ? 16 : 4;

	text[0] = '\0';
	if (n == 0)
		return 0;
	if (n != 4 && n != 8 && n != 16 && n != 20)
		return -1;
	inet_ntop(alen == 4 ? AF_INET : AF_INET6, buf, text, (socklen_t)len);
	if (n > alen)
		snprintf(text + strlen(text), len - strlen(text), "%%%lu",
		    (unsigned long)buf[alen] << 24 | (unsigned long)buf[alen + 1] << 16 |
			(unsigned long)buf[alen + 2] << 8 | buf[alen + 3]);
	return 0;
}

/* Octets of v for component ix: addresses in binary, else the string. */
static int
octets_of(const struct cmap_index *ix, const struct cq_value *v, unsigned char *buf, size_t *n)
{
	if (v->kind != CQ_V_STR)
		return -1;
	if (is_inet(ix))
		return inet_octets(v->s, ix->fixed_len, buf, n);
	*n = strlen(v->s);
	if (*n > MAX_OID_LEN)
		return -1;
	memcpy(buf, v->s, *n);
	return 0;
}

static int
encode_int(const struct cq_value *v, oid *sub, size_t *len)
{
	uint64_t u;

	if (v->kind == CQ_V_SINT && v->i < 0)
		return -1;
	u = v->kind == CQ_V_UINT ? v->u : v->kind == CQ_V_SINT ? (uint64_t)v->i : (uint64_t)v->b;
	if (u > 0xffffffffu || *len + 1 > MAX_OID_LEN)
		return -1;
	sub[(*len)++] = (oid)u;
	return 0;
}

int
plan_encode(const struct cmap_table *t, size_t i, const struct cq_value *v, oid *sub, size_t *len)
{
	const struct cmap_index *ix = &t->ix[i];
	unsigned char buf[MAX_OID_LEN];
	size_t n = 0, lenpfx;

	if (ix->enc == CMAP_IX_INT)
		return encode_int(v, sub, len);
	if (ix->enc == CMAP_IX_IPADDR) {
		if (v->kind != CQ_V_STR || inet_pton(AF_INET, v->s, buf) != 1)
			return -1;
		n = 4;
	} else if (ix->enc != CMAP_IX_OCTETS || octets_of(ix, v, buf, &n) != 0)
		return -1; /* OBJECT IDENTIFIER components: none in the MIB's keys */
	if (ix->fixed_len != 0 && n != ix->fixed_len)
		return -1;
	lenpfx = ix->enc == CMAP_IX_OCTETS && ix->fixed_len == 0 && !ix->implied;
	if (*len + lenpfx + n > MAX_OID_LEN)
		return -1;
	if (lenpfx)
		sub[(*len)++] = n;
	for (size_t k = 0; k < n; k++)
		sub[(*len)++] = buf[k];
	return 0;
}

/* ---- index decoding ---- */

static int
decode_octets(int inet, const oid *sub, size_t n, struct cq_value *v)
{
	unsigned char buf[MAX_OID_LEN + 1];
	char text[INET6_ADDRSTRLEN + 12];

	for (size_t k = 0; k < n; k++) {
		if (sub[k] > 255)
			return -1;
		buf[k] = (unsigned char)sub[k];
	}
	buf[n] = '\0';
	v->kind = CQ_V_STR;
	if (inet && inet_text(buf, n, text, sizeof(text)) != 0)
		return -1;
	if (!inet && memchr(buf, '\0', n) != NULL)
		return -1;
	v->s = strdup(inet ? text : (char *)buf);
	return v->s != NULL ? 0 : -1;
}

static int
decode_one(const struct cmap_class *c, const struct cmap_table *t, size_t i, const oid *sub,
    size_t len, size_t *at, struct cq_value *v)
{
	const struct cmap_index *ix = &t->ix[i];
	const struct cmap_prop *p = ix->prop >= 0 && t == &c->table ? &c->props[ix->prop] : NULL;
	size_t n;

	if (ix->enc == CMAP_IX_INT) {
		int sint = p != NULL && p->type == CMAP_T_SINT;

		/* an index integer is never negative (RFC 2578 7.7) */
		if (*at >= len || sub[*at] > (sint ? 0x7fffffffu : 0xffffffffu))
			return -1;
		v->kind = sint ? CQ_V_SINT : CQ_V_UINT;
		v->u = sub[*at];
		v->i = (int64_t)sub[*at];
		(*at)++;
		return 0;
	}
	if (ix->enc == CMAP_IX_IPADDR)
		n = 4;
	else if (ix->fixed_len != 0)
		n = ix->fixed_len;
	else if (ix->implied)
		n = len - *at;
	else if (*at < len)
		n = sub[(*at)++];
	else
		return -1;
	if (n > len - *at || n > MAX_OID_LEN)
		return -1;
	*at += n;
	return decode_octets(ix->enc == CMAP_IX_IPADDR || is_inet(ix), sub + *at - n, n, v);
}

int
plan_decode_index(const struct cmap_class *c, const struct cmap_table *t, const oid *sub,
    size_t len, struct cq_value *vals)
{
	size_t at = 0;

	for (size_t i = 0; i < t->nix; i++) {
		memset(&vals[i], 0, sizeof(vals[i]));
		if (t->ix[i].enc == CMAP_IX_OID ||
		    decode_one(c, t, i, sub, len, &at, &vals[i]) != 0) {
			for (size_t k = 0; k <= i; k++)
				cq_value_clear(&vals[k]);
			return -1;
		}
	}
	if (at == len)
		return 0;
	for (size_t k = 0; k < t->nix; k++)
		cq_value_clear(&vals[k]);
	return -1;
}

/* ---- access path ---- */

struct fixed {
	const struct wql_lit *v[64];
	size_t n;
};

/* Adds to f the values e fixes property prop to: prop = v, or an OR of such. */
static int
fixes(const struct wql_expr *e, int prop, struct fixed *f)
{
	if (e->kind == WQL_E_OR)
		return fixes(e->l, prop, f) && fixes(e->r, prop, f);
	if (e->kind != WQL_E_CMP || e->op != WQL_EQ || e->prop_ix != prop || f->n >= 64 ||
	    e->lit.kind == WQL_L_REAL) /* not a key's value: the WHERE compares it */
		return 0;
	f->v[f->n++] = &e->lit;
	return 1;
}

/* A top-level conjunct of where that fixes prop, into f. */
static int
find_fixed(const struct wql_expr *e, int prop, struct fixed *f)
{
	if (e == NULL)
		return 0;
	if (e->kind == WQL_E_AND)
		return find_fixed(e->l, prop, f) || find_fixed(e->r, prop, f);
	f->n = 0;
	return fixes(e, prop, f);
}

/* Strings compare case-insensitively: a GET can fix only a string without
   letters (addresses are parsed, so their case does not matter). */
static int
exact(const struct cmap_index *ix, const struct fixed *f)
{
	if (ix->enc != CMAP_IX_OCTETS || is_inet(ix))
		return 1;
	for (size_t k = 0; k < f->n; k++)
		for (const char *s = f->v[k]->kind == WQL_L_STR ? f->v[k]->s : ""; *s != '\0'; s++)
			if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
				return 0;
	return 1;
}

/* The leading index components fixed by where (values in f[]); their number. */
static size_t
fixed_prefix(const struct cmap_class *c, const struct wql_expr *where, struct fixed *f)
{
	size_t m = 0, combos = 1;

	while (m < c->table.nix) {
		const struct cmap_index *ix = &c->table.ix[m];

		if (ix->prop < 0 || !find_fixed(where, ix->prop, &f[m]) || !exact(ix, &f[m]) ||
		    combos * f[m].n > MAX_KEYS)
			break;
		combos *= f[m].n;
		m++;
	}
	return m;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct plan_key *x = a, *y = b;

	return snmp_oid_compare(x->sub, x->len, y->sub, y->len);
}

/* Encodes the combination pick[] of the fixed values; 0 or -1. */
static int
encode_combo(const struct cmap_class *c, const struct fixed *f, const size_t *pick, size_t m,
    struct plan_key *key)
{
	key->len = 0;
	for (size_t i = 0; i < m; i++) {
		const struct cmap_prop *p = &c->props[c->table.ix[i].prop];
		struct cq_value v;
		int rc = eval_lit_value(p, f[i].v[pick[i]], &v);

		if (rc == 0)
			rc = plan_encode(&c->table, i, &v, key->sub, &key->len);
		cq_value_clear(&v);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Every combination of the values of the m fixed components, encoded. */
static void
make_keys(struct plan *pl, const struct fixed *f, size_t m)
{
	size_t total = 1, w = 0, pick[MAX_OID_LEN] = { 0 };

	for (size_t i = 0; i < m; i++)
		total *= f[i].n;
	pl->keys = xcalloc(total, sizeof(*pl->keys));
	for (size_t k = 0; k < total; k++) {
		if (encode_combo(pl->cls, f, pick, m, &pl->keys[pl->nkeys]) == 0)
			pl->nkeys++;
		for (size_t i = m; i-- > 0;) {
			if (++pick[i] < f[i].n)
				break;
			pick[i] = 0;
		}
	}
	qsort(pl->keys, pl->nkeys, sizeof(*pl->keys), key_cmp);

	for (size_t k = 0; k < pl->nkeys; k++)
		if (w == 0 || key_cmp(&pl->keys[k], &pl->keys[w - 1]) != 0)
			pl->keys[w++] = pl->keys[k];
	pl->nkeys = w;
}

/* Index components whose encoding orders as the values of their property:
   integers (never negative; not a TruthValue, true(1) before false(2)),
   IpAddress, fixed-size InetAddress. */
static int
ordered(const struct cmap_class *c, const struct cmap_index *ix)
{
	enum cmap_type t = ix->prop >= 0 ? c->props[ix->prop].type : CMAP_T_BOOL;

	if (ix->enc == CMAP_IX_INT)
		return t == CMAP_T_SINT || t == CMAP_T_UINT;
	return ix->enc == CMAP_IX_IPADDR ||
	    (ix->enc == CMAP_IX_OCTETS && ix->fixed_len != 0 && is_inet(ix));
}

/* A bound e (prop op lit, prop the first index component) tightens the
   span: > and >= raise lo, < and <= lower hi.  A literal that cannot be
   encoded bounds nothing (the WHERE still holds on every row). */
static void
bound(struct plan *pl, const struct wql_expr *e)
{
	const struct cmap_class *c = pl->cls;
	struct plan_key k = { .len = 0 };
	struct cq_value v;
	int upper = e->op == WQL_LT || e->op == WQL_LE, rc;

	if (e->op == WQL_EQ || e->op == WQL_NE ||
	    eval_lit_value(&c->props[e->prop_ix], &e->lit, &v) != 0)
		return;
	rc = plan_encode(&c->table, 0, &v, k.sub, &k.len);
	cq_value_clear(&v);
	if (rc != 0)
		return;
	if (!upper && (pl->lo.len == 0 || key_cmp(&k, &pl->lo) > 0)) {
		pl->lo = k;
	} else if (upper) {
		int cmp = pl->hi.len == 0 ? -1 : key_cmp(&k, &pl->hi);

		if (cmp < 0 || (cmp == 0 && e->op == WQL_LT))
			pl->hi = k, pl->hi_incl = e->op == WQL_LE;
	}
}

/* The top-level conjuncts of where that bound the first index component. */
static void
find_bounds(struct plan *pl, const struct wql_expr *e)
{
	const struct cmap_index *ix = &pl->cls->table.ix[0];

	if (e == NULL)
		return;
	if (e->kind == WQL_E_AND) {
		find_bounds(pl, e->l);
		find_bounds(pl, e->r);
	} else if (e->kind == WQL_E_CMP && ix->prop >= 0 && e->prop_ix == ix->prop) {
		bound(pl, e);
	}
}

/* PLAN_SPAN when the first index component is bounded, else PLAN_WALK. */
static void
span_or_walk(struct plan *pl, const struct wql_expr *where)
{
	pl->access = PLAN_WALK;
	if (pl->cls->table.nix == 0 || !ordered(pl->cls, &pl->cls->table.ix[0]))
		return;
	find_bounds(pl, where);
	if (pl->lo.len == 0 && pl->hi.len == 0)
		return;
	pl->access = PLAN_SPAN;
	if (pl->lo.len != 0 && pl->hi.len != 0 &&
	    (key_cmp(&pl->lo, &pl->hi) > 0 || (key_cmp(&pl->lo, &pl->hi) == 0 && !pl->hi_incl)))
		pl->access = PLAN_NONE; /* an empty span */
}

static void
access_path(struct plan *pl, const struct wql_expr *where)
{
	const struct cmap_class *c = pl->cls;
	struct fixed f[MAX_OID_LEN];
	size_t m = c->table.nix <= MAX_OID_LEN ? fixed_prefix(c, where, f) : 0;

	if (m == 0) {
		span_or_walk(pl, where);
		return;
	}
	make_keys(pl, f, m);
	pl->access = pl->nkeys == 0 ? PLAN_NONE : m == c->table.nix ? PLAN_GET : PLAN_RANGE;
}

int
plan_make(const struct cmap_class *c, struct wql_stmt *s, struct plan **out, struct plan_err *err)
{
	struct plan *pl = xcalloc(1, sizeof(*pl));

	memset(err, 0, sizeof(*err));
	*out = NULL;
	pl->cls = c;
	pl->filter = s->where;
	if (bind_expr(c, s->where, err) != 0 || check_writes(c, s, err) != 0 ||
	    path_where(pl, s, err) != 0 || needed(pl, s, err) != 0)
		goto fail;
	if (eval_check(c, pl->filter, &err->pos, err->msg, sizeof(err->msg)) != 0) {
		err->status = 3;
		goto fail;
	}
	if (s->kind == WQL_CREATE)
		pl->access = PLAN_NONE;
	else
		access_path(pl, pl->filter);
	*out = pl;
	return 0;
fail:
	plan_free(pl);
	return -1;
}

size_t
plan_counter64(const struct plan *p, char *buf, size_t n)
{
	size_t found = 0, at = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < p->nneed; k++) {
		const struct cmap_prop *pr = &p->cls->props[p->need[k]];
		struct tree *t = pr->mib_name != NULL && pr->oid_len > 0 ?
		    get_tree(pr->oid, pr->oid_len, get_tree_head()) :
		    NULL;

		if (t == NULL || t->type != TYPE_COUNTER64 || strcmp(t->label, pr->mib_name) != 0)
			continue;
		if (at < n)
			at += (size_t)snprintf(buf + at, n - at, "%s%s", found > 0 ? ", " : "",
			    pr->name);
		found++;
	}
	return found;
}

void
plan_free(struct plan *p)
{
	if (p == NULL)
		return;
	free(p->keys);
	free(p->out);
	free(p->need);
	free(p->cols);
	free(p->idx);
	free(p->scalars);
	free(p->arrays);
	free(p->none);
	free(p->own);
	free(p);
}
