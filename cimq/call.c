/* call: writes and method calls (see call.h). */
#define _GNU_SOURCE 1
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimq/call.h"

struct exec {
	netsnmp_session *ss;
	struct exec_err *err;
};

static int
fail(struct exec *x, int status, const char *fmt, ...)
{
	va_list ap;

	if (x->err->status != 0)
		return -1;
	x->err->status = status;
	va_start(ap, fmt);
	vsnprintf(x->err->msg, sizeof(x->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* A SET's response (any error status), or NULL with x->err set. */
static netsnmp_pdu *
request(struct exec *x, netsnmp_pdu *pdu)
{
	return exec_request(x->ss, pdu, x->err);
}

/* ---- writes: UPDATE and DELETE, one SET per instance */

struct wset {
	const struct cmap_prop *prop;
	struct cq_value v;
	u_char type; /* ASN type of the column */
};

struct wctx {
	struct exec *x;
	const struct cmap_class *c;
	struct wset *set;
	size_t nset;
	struct cq_value *ixv;  /* CREATE: the index components given */
	struct plan_key *keys; /* the selected instances, or the new one */
	size_t nkeys;
	struct cmap_prop mprop; /* CALL: the method's object as a property */
	int call;
	int scalar; /* CALL of a scalar object: one SET, no instance */
};

static int
collect_row(void *ctx, const oid *index, size_t len, const struct cq_value *row)
{
	struct wctx *w = ctx;
	struct plan_key *k = realloc(w->keys, (w->nkeys + 1) * sizeof(*k));

	(void)row;
	if (k == NULL)
		return -1;
	w->keys = k;
	memcpy(k[w->nkeys].sub, index, len * sizeof(oid));
	k[w->nkeys++].len = len;
	return 0;
}

/* The ASN type of a column, from the MIB; 0 if not writable by cimq. */
static u_char
column_type(const struct cmap_prop *p)
{
	struct tree *t = get_tree(p->oid, p->oid_len, get_tree_head());

	if (t == NULL || (t->access != MIB_ACCESS_READWRITE && t->access != MIB_ACCESS_CREATE))
		return 0;
	switch (t->type) {
	case TYPE_INTEGER:
	case TYPE_INTEGER32: return ASN_INTEGER;
	case TYPE_UNSIGNED32:
	case TYPE_GAUGE: return ASN_UNSIGNED;
	case TYPE_IPADDR: return ASN_IPADDRESS;
	case TYPE_OCTETSTR: return ASN_OCTET_STR;
	default: return 0;
	}
}

/* Adds column p at index key with value v; 0, or -1 if v does not fit. */
static int
add_value(netsnmp_pdu *pdu, const struct wset *ws, const struct plan_key *key)
{
	const struct cmap_prop *p = ws->prop;
	const struct cq_value *v = &ws->v;
	oid o[MAX_OID_LEN];
	u_char buf[16];
	long l = v->kind == CQ_V_BOOL ? (v->b ? 1 : 2) :
	    v->kind == CQ_V_SINT      ? (long)v->i :
					(long)v->u;
	const void *val = &l;
	size_t vlen = sizeof(l);

	if (p->oid_len + key->len > MAX_OID_LEN)
		return -1;
	memcpy(o, p->oid, p->oid_len * sizeof(oid));
	memcpy(o + p->oid_len, key->sub, key->len * sizeof(oid));
	if (v->kind == CQ_V_STR && ws->type == ASN_IPADDRESS) {
		if (inet_pton(AF_INET, v->s, buf) != 1)
			return -1;
		val = buf, vlen = 4;
	} else if (v->kind == CQ_V_STR && strncmp(p->syntax, "InetAddress", 11) == 0) {
		vlen = inet_pton(AF_INET, v->s, buf) == 1 ? 4 :
		    inet_pton(AF_INET6, v->s, buf) == 1   ? 16 :
							    0;
		if (vlen == 0)
			return -1;
		val = buf;
	} else if (v->kind == CQ_V_STR) {
		val = v->s, vlen = strlen(v->s);
	} else if (v->kind == CQ_V_ARRAY || v->kind == CQ_V_NULL) {
		return -1;
	}
	return snmp_pdu_add_variable(pdu, o, p->oid_len + key->len, ws->type, val, vlen) ? 0 : -1;
}

/* WMI's return value: a method's from the row's LastResult column (0 when
   the class has none and the SET succeeded, else -1); 0 for the others. */
static long
return_value(struct wctx *w, const struct plan_key *key, long errstat)
{
	const struct cmap_prop *lr = cmap_prop(w->c, "LastResult");
	netsnmp_pdu *pdu, *resp;
	oid o[MAX_OID_LEN];
	long r = errstat == SNMP_ERR_NOERROR ? 0 : -1;

	if (!w->call || lr == NULL || lr->table != &w->c->table || lr->ix >= 0 ||
	    lr->oid_len + key->len > MAX_OID_LEN)
		return r;
	memcpy(o, lr->oid, lr->oid_len * sizeof(oid));
	memcpy(o + lr->oid_len, key->sub, key->len * sizeof(oid));
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	snmp_add_null_var(pdu, o, lr->oid_len + key->len);
	if (snmp_synch_response(w->x->ss, pdu, &resp) == STAT_SUCCESS) {
		if (resp->errstat == 0 && resp->variables && resp->variables->type == ASN_INTEGER)
			r = *resp->variables->val.integer;
		snmp_free_pdu(resp);
	}
	return r;
}

/* CALL: the method's object as the one value to write (see cimq(1)): a
   parameterless method writes the enumeration of its object named like it
   (Reset -> reset(2), RenewDHCPLease -> renewDHCPLease(3)) or, to a
   TruthValue, true for Enable..., false for Disable...; a method of one
   parameter writes that parameter's value. */
static int
call_prepare(struct wctx *w, const struct wql_stmt *s)
{
	const struct cmap_method *mt = cmap_method(w->c, s->method);
	struct tree *t = mt ? get_tree(mt->oid, mt->oid_len, get_tree_head()) : NULL;
	struct wset *ws = &w->set[0];
	int truth = mt && strcmp(mt->syntax, "TruthValue") == 0;

	if (t == NULL)
		return fail(w->x, CIMQ_UNKNOWN, "%s has no method %s", w->c->name, s->method);
	w->mprop = (struct cmap_prop){ .name = mt->name,
		.cim_type = mt->syntax,
		.syntax = mt->syntax,
		.table = &w->c->table,
		.ix = -1,
		.oid_len = mt->oid_len,
		.bits = 32,
		.type = truth                ? CMAP_T_BOOL :
		    t->type == TYPE_OCTETSTR ? CMAP_T_STRING :
					       CMAP_T_SINT };
	memcpy(w->mprop.oid, mt->oid, mt->oid_len * sizeof(oid));
	*ws = (struct wset){ &w->mprop, { .kind = CQ_V_NULL }, column_type(&w->mprop) };
	w->call = 1;
	if (s->nset == 1 && s->set[0].val.kind != WQL_L_LIST &&
	    eval_lit_value(&w->mprop, &s->set[0].val, &ws->v) != 0)
		return fail(w->x, CIMQ_MISMATCH, "%s: the value does not fit %s", mt->name,
		    mt->mib_name);
	for (struct enum_list *e = t->enums; s->nset == 0 && e; e = e->next) {
		if (strcasecmp(e->label, mt->name) == 0)
			ws->v = (struct cq_value){ .kind = CQ_V_SINT, .i = e->value };
	}
	if (s->nset == 0 && truth && strncasecmp(mt->name, "Enable", 6) == 0)
		ws->v = (struct cq_value){ .kind = CQ_V_BOOL, .b = 1 };
	if (s->nset == 0 && truth && strncasecmp(mt->name, "Disable", 7) == 0)
		ws->v = (struct cq_value){ .kind = CQ_V_BOOL, .b = 0 };
	if (ws->v.kind == CQ_V_NULL || ws->type == 0)
		return fail(w->x, CIMQ_LOCAL, "%s.%s: this method is not implemented by cimq yet",
		    w->c->name, mt->name);
	w->nset = 1;
	if (mt->oid_len == w->c->table.entry_len + 1 &&
	    snmp_oid_compare(mt->oid, mt->oid_len - 1, w->c->table.entry, w->c->table.entry_len) ==
		0)
		return 0;
	if ((w->keys = calloc(1, sizeof(*w->keys))) == NULL) /* a scalar: written once, .0 */
		return fail(w->x, CIMQ_LOCAL, "out of memory");
	w->keys->len = w->nkeys = 1;
	w->scalar = 1;
	return 0;
}

/* One instance: its SET, and its line "path: ReturnValue = 0". */
static int
write_one(struct wctx *w, const struct plan_key *key)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET), *resp;
	char *path = w->scalar ? NULL : exec_index_path(w->c, key->sub, key->len);
	int rc = 0;

	for (size_t i = 0; i < w->nset && rc == 0; i++)
		rc = add_value(pdu, &w->set[i], key);
	if (rc != 0) {
		snmp_free_pdu(pdu);
		rc = fail(w->x, CIMQ_MISMATCH, "%s: a value does not fit its column", path);
	} else if ((resp = request(w->x, pdu)) != NULL) {
		long ei = resp->errindex;

		long rv = return_value(w, key, resp->errstat);

		if (rv >= 0)
			printf("%s: ReturnValue = %ld\n", path ? path : w->c->name, rv);
		if (resp->errstat != SNMP_ERR_NOERROR)
			rc = fail(w->x,
			    resp->errstat == SNMP_ERR_NOACCESS ||
				    resp->errstat == SNMP_ERR_AUTHORIZATIONERROR ?
				CIMQ_AUTH :
				CIMQ_REFUSED,
			    "%s: refused by the agent: %s (%s)", path ? path : w->c->name,
			    snmp_errstring(resp->errstat),
			    ei >= 1 && (size_t)ei <= w->nset ? w->set[ei - 1].prop->name : "?");
		snmp_free_pdu(resp);
	} else {
		rc = -1;
	}
	free(path);
	return rc;
}

static const struct cmap_prop *
row_status(const struct cmap_class *c)
{
	for (size_t i = 0; i < c->nprops; i++) {
		const struct cmap_prop *p = &c->props[i];

		if (p->table == &c->table && p->ix < 0 && strcmp(p->syntax, "RowStatus") == 0)
			return p;
	}
	return NULL;
}

/*
 * CREATE: the index components of a route table that are not WMI keys,
 * when the SET does not give them, are what `route add` (and WMI's
 * PutInstance) means: the main table (254), TOS 0, and as the kernel
 * metric the route's Metric1, else the kernel's default for the family;
 * an IPv6 route has no source prefix (::/0).
 */
static const struct create_default {
	const char *mib_name; /* the index component */
	const char *from;     /* a property of the SET whose value it takes, or NULL */
	enum cq_vkind kind;
	unsigned long u;
	const char *s;
} create_defaults[] = {
	{ "cimIP4RouteKernelTable", NULL, CQ_V_UINT, 254, NULL },
	{ "cimIP4RouteTos", NULL, CQ_V_UINT, 0, NULL },
	{ "cimIP4RouteKernelMetric", "Metric1", CQ_V_UINT, 0, NULL },
	{ "cimIP6RouteKernelTable", NULL, CQ_V_UINT, 254, NULL },
	{ "cimIP6RouteKernelMetric", "Metric1", CQ_V_UINT, 1024, NULL },
	{ "cimIP6RouteSource", NULL, CQ_V_STR, 0, "::" },
	{ "cimIP6RouteSourceLength", NULL, CQ_V_UINT, 0, NULL },
};

/* The value of a default: its SET property's, if given and a number, else its own. */
static int
create_default_value(const struct wctx *w, const struct create_default *d, struct cq_value *v)
{
	for (size_t i = 0; d->from != NULL && i < w->nset; i++) {
		const struct cq_value *sv = &w->set[i].v;

		if (strcasecmp(w->set[i].prop->name, d->from) != 0)
			continue;
		if (sv->kind == CQ_V_UINT || (sv->kind == CQ_V_SINT && sv->i >= 0)) {
			v->kind = CQ_V_UINT;
			v->u = sv->kind == CQ_V_UINT ? sv->u : (unsigned long)sv->i;
			return 0;
		}
	}
	v->kind = d->kind;
	v->u = d->u;
	return d->s != NULL && (v->s = strdup(d->s)) == NULL ? -1 : 0;
}

/* Fill the index components CREATE left out that have a default; 0 or -1. */
static int
create_defaults_fill(struct wctx *w)
{
	const struct cmap_table *t = &w->c->table;

	for (size_t k = 0; k < t->nix; k++) {
		for (size_t d = 0; d < sizeof(create_defaults) / sizeof(create_defaults[0]); d++) {
			if (w->ixv[k].kind != CQ_V_NULL || t->ix[k].mib_name == NULL ||
			    strcmp(t->ix[k].mib_name, create_defaults[d].mib_name) != 0)
				continue;
			if (create_default_value(w, &create_defaults[d], &w->ixv[k]) != 0)
				return -1;
		}
	}
	return 0;
}

/* CREATE: the new row's index from the index components SET gives. */
static int
create_key(struct wctx *w)
{
	const struct cmap_table *t = &w->c->table;
	struct plan_key *key = calloc(1, sizeof(*key));

	if (key == NULL || create_defaults_fill(w) != 0)
		return fail(w->x, CIMQ_LOCAL, "out of memory");
	w->keys = key;
	for (size_t k = 0; k < t->nix; k++) {
		const char *name =
		    t->ix[k].prop >= 0 ? w->c->props[t->ix[k].prop].name : t->ix[k].mib_name;

		if (w->ixv[k].kind == CQ_V_NULL)
			return fail(w->x, CIMQ_MISMATCH, "CREATE %s needs %s (part of the index)",
			    w->c->name, name);
		if (plan_encode(t, k, &w->ixv[k], key->sub, &key->len) != 0)
			return fail(w->x, CIMQ_MISMATCH, "%s: the value cannot be an index", name);
	}
	w->nkeys = 1;
	return 0;
}

/* One assignment of SET: into the index (CREATE) or the SET list. */
static int
prepare_assign(struct wctx *w, const struct wql_stmt *s, const struct wql_assign *a)
{
	const struct cmap_prop *p = cmap_prop(w->c, a->name);
	struct wset *ws = &w->set[w->nset];
	struct cq_value v = { .kind = CQ_V_NULL };

	if (p == NULL)
		return fail(w->x, CIMQ_UNKNOWN, "%s has no property %s", w->c->name, a->name);
	if (eval_lit_value(p, &a->val, &v) != 0)
		return fail(w->x, CIMQ_MISMATCH, "%s is %s: the value does not fit", p->name,
		    p->cim_type);
	if (s->kind == WQL_CREATE && p->table == &w->c->table && p->ix >= 0) {
		cq_value_clear(&w->ixv[p->ix]);
		w->ixv[p->ix] = v;
		return 0;
	}
	if (p->table != &w->c->table || p->ix >= 0 || (ws->type = column_type(p)) == 0) {
		cq_value_clear(&v);
		return fail(w->x, CIMQ_REFUSED, "%s.%s cannot be written", w->c->name, p->name);
	}
	ws->prop = p, ws->v = v;
	w->nset++;
	return 0;
}

/* The SET list: RowStatus createAndGo(4) (CREATE) or destroy(6) (DELETE),
   then the assignments. */
static int
write_prepare(struct wctx *w, const struct wql_stmt *s)
{
	const struct cmap_prop *rs = row_status(w->c);

	w->set = calloc(s->nset + 2, sizeof(*w->set));
	w->ixv = calloc(w->c->table.nix + 1, sizeof(*w->ixv));
	if (w->set == NULL || w->ixv == NULL)
		return fail(w->x, CIMQ_LOCAL, "out of memory");
	if (s->kind == WQL_CALL)
		return call_prepare(w, s);
	if (s->kind != WQL_UPDATE && rs == NULL)
		return fail(w->x, CIMQ_REFUSED, "%s has no RowStatus: instances cannot be %s",
		    w->c->name, s->kind == WQL_DELETE ? "deleted" : "created");
	if (s->kind != WQL_UPDATE)
		w->set[w->nset++] = (struct wset){ rs,
			{ .kind = CQ_V_SINT, .i = s->kind == WQL_DELETE ? 6 : 4 }, ASN_INTEGER };
	for (size_t i = 0; s->kind != WQL_DELETE && i < s->nset; i++) {
		if (prepare_assign(w, s, &s->set[i]) != 0)
			return -1;
	}
	return s->kind == WQL_CREATE ? create_key(w) : 0;
}

int
exec_write(netsnmp_session *ss, const struct cmap *m, const struct wql_stmt *s,
    const struct plan *p, struct exec_err *err)
{
	struct exec x = { ss, err };
	struct wctx w = { .x = &x, .c = p->cls };
	int rc;

	err->status = 0;
	rc = write_prepare(&w, s);
	if (rc == 0 && w.keys == NULL) /* else CREATE's new row or a scalar method */
		rc = exec_rows(ss, m, p, collect_row, &w, err);
	for (size_t i = 0; rc == 0 && i < w.nkeys; i++)
		rc = write_one(&w, &w.keys[i]);
	for (size_t i = 0; i < w.nset; i++)
		cq_value_clear(&w.set[i].v);
	for (size_t k = 0; w.ixv && k < w.c->table.nix; k++)
		cq_value_clear(&w.ixv[k]);
	free(w.ixv);
	free(w.set);
	free(w.keys);
	return rc == 0 ? 0 : -1;
}
