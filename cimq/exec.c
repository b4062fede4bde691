/* exec: a SELECT's plan run over SNMP (see exec.h). */
#define _GNU_SOURCE 1
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cimq/exec.h"

struct exec {
	netsnmp_session *ss;
	const struct cmap *m;
	const struct plan *p;
	exec_row_fn fn;
	void *ctx;
	struct exec_err *err;
	int reps;
};

int
exec_fail(struct exec_err *err, int status, const char *fmt, ...)
{
	va_list ap;

	if (err->status != 0)
		return -1;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- value conversion */

static char *
xstrndup(const u_char *s, size_t n)
{
	char *r = malloc(n + 1);

	if (r != NULL) {
		memcpy(r, s, n);
		r[n] = '\0';
		r[strlen(r)] = '\0'; /* an embedded NUL ends the text */
	}
	return r;
}

static void
set_str(struct cq_value *out, char *s)
{
	if (s != NULL)
		*out = (struct cq_value){ .kind = CQ_V_STR, .s = s };
}

static void
set_fmt(struct cq_value *out, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	set_str(out, s);
}

/* DateAndTime (8 or 11 octets) to CIM_DATETIME, or to FILETIME for uint64. */
static void
conv_datetime(const struct cmap_prop *p, const u_char *o, size_t len, struct cq_value *out)
{
	int off = 0;
	struct tm tm = { 0 };

	if (len != 8 && len != 11)
		return;
	if (len == 11 && (o[8] == '+' || o[8] == '-'))
		off = (o[8] == '-' ? -1 : 1) * (o[9] * 60 + o[10]);
	if (p->type == CMAP_T_UINT) {
		tm = (struct tm){ .tm_year = ((o[0] << 8) | o[1]) - 1900,
			.tm_mon = o[2] - 1,
			.tm_mday = o[3],
			.tm_hour = o[4],
			.tm_min = o[5],
			.tm_sec = o[6] };
		*out = (struct cq_value){ .kind = CQ_V_UINT,
			.u = ((uint64_t)(timegm(&tm) - off * 60 + 11644473600LL) * 10 + o[7]) *
			    1000000 };
		return;
	}
	set_fmt(out, "%04u%02u%02u%02u%02u%02u.%06u%c%03d", (o[0] << 8) | o[1], o[2], o[3], o[4],
	    o[5], o[6], o[7] * 100000u, off < 0 ? '-' : '+', off < 0 ? -off : off);
}

static void
conv_octets(const struct cmap_prop *p, const u_char *o, size_t len, struct cq_value *out)
{
	char buf[INET6_ADDRSTRLEN], *s;

	if (strcmp(p->syntax, "DateAndTime") == 0) {
		conv_datetime(p, o, len, out);
	} else if (strcmp(p->syntax, "PhysAddress") == 0) {
		if (len == 0 || (s = malloc(len * 3)) == NULL)
			return;
		for (size_t i = 0; i < len; i++)
			sprintf(s + 3 * i, "%02X%s", o[i], i + 1 < len ? ":" : "");
		set_str(out, s);
	} else if (strncmp(p->syntax, "InetAddress", 11) == 0 && (len == 4 || len == 16)) {
		set_str(out, strdup(inet_ntop(len == 4 ? AF_INET : AF_INET6, o, buf, sizeof(buf))));
	} else if (p->type == CMAP_T_UINT || p->type == CMAP_T_SINT) {
		char *t = xstrndup(o, len), *end;
		unsigned long long u = t ? strtoull(t, &end, 10) : 0;

		if (t != NULL && *t != '\0' && *end == '\0')
			*out = (struct cq_value){ .kind = CQ_V_UINT, .u = u, .i = (int64_t)u };
		if (out->kind == CQ_V_UINT && p->type == CMAP_T_SINT)
			out->kind = CQ_V_SINT;
		free(t);
	} else {
		set_str(out, xstrndup(o, len));
	}
}

static void
conv_int(const struct cmap_prop *p, long v, struct cq_value *out)
{
	if (p->type == CMAP_T_BOOL) {
		if (v == 1 || v == 2)
			*out = (struct cq_value){ .kind = CQ_V_BOOL, .b = v == 1 };
	} else if (p->type == CMAP_T_SINT) {
		*out = (struct cq_value){ .kind = CQ_V_SINT, .i = v };
	} else if (p->type == CMAP_T_UINT) {
		if (v >= 0)
			*out = (struct cq_value){ .kind = CQ_V_UINT, .u = (uint64_t)v };
	}
}

static void
conv_uint(const struct cmap_prop *p, uint64_t v, struct cq_value *out)
{
	if (p->type == CMAP_T_SINT && v <= INT64_MAX)
		*out = (struct cq_value){ .kind = CQ_V_SINT, .i = (int64_t)v };
	else if (p->type == CMAP_T_UINT)
		*out = (struct cq_value){ .kind = CQ_V_UINT, .u = v };
	else if (p->type == CMAP_T_STRING)
		set_fmt(out, "%" PRIu64, v);
}

static void conv_ref(const struct cmap *m, const struct cmap_prop *p, const oid *o, size_t len,
    struct cq_value *out);

static void
conv_oid(const struct cmap *m, const struct cmap_prop *p, const oid *o, size_t len,
    struct cq_value *out)
{
	char *s = NULL;
	size_t sl = 0;
	FILE *f;

	if (p->type == CMAP_T_REF) {
		conv_ref(m, p, o, len, out);
		return;
	}
	if ((f = open_memstream(&s, &sl)) == NULL)
		return;
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%s%" PRIu32, i ? "." : "", (uint32_t)o[i]);
	if (fclose(f) == 0)
		set_str(out, s);
	else
		free(s);
}

void
exec_convert(const struct cmap *m, const struct cmap_prop *p, const netsnmp_variable_list *vb,
    struct cq_value *out)
{
	*out = (struct cq_value){ .kind = CQ_V_NULL };
	switch (vb->type) {
	case ASN_OCTET_STR: conv_octets(p, vb->val.string, vb->val_len, out); break;
	case ASN_IPADDRESS:
		if (vb->val_len == 4)
			set_fmt(out, "%u.%u.%u.%u", vb->val.string[0], vb->val.string[1],
			    vb->val.string[2], vb->val.string[3]);
		break;
	case ASN_INTEGER: conv_int(p, *vb->val.integer, out); break;
	case ASN_UNSIGNED:
	case ASN_COUNTER:
	case ASN_TIMETICKS: conv_uint(p, (uint32_t)*vb->val.integer, out); break;
	case ASN_COUNTER64:
		conv_uint(p, ((uint64_t)vb->val.counter64->high << 32) | vb->val.counter64->low,
		    out);
		break;
	case ASN_OBJECT_ID: conv_oid(m, p, vb->val.objid, vb->val_len / sizeof(oid), out); break;
	default: break;
	}
}

/* ---- index helpers */

/* A key's string value in an object path: quoted, with \\ before each " and \\,
   as WMI writes it and wql_parse_path() reads it back. */
static void
put_path_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Sub-identifiers taken by the first n index components of t in sub[0..len),
   or -1 when malformed. */
static long
ix_prefix_len(const struct cmap_table *t, const oid *sub, size_t len, size_t n)
{
	size_t at = 0;

	for (size_t k = 0; k < n && k < t->nix; k++) {
		const struct cmap_index *ix = &t->ix[k];
		size_t w = ix->enc == CMAP_IX_INT ? 1 : ix->enc == CMAP_IX_IPADDR ? 4 : 0;

		if (w == 0 && ix->enc == CMAP_IX_OCTETS && ix->fixed_len)
			w = ix->fixed_len;
		else if (w == 0 && ix->implied)
			w = len - at;
		else if (w == 0)
			w = at < len ? 1 + sub[at] : len + 1;
		if (at + w > len)
			return -1;
		at += w;
	}
	return (long)at;
}

char *
exec_index_path(const struct cmap_class *c, const oid *sub, size_t len)
{
	struct cq_value *vals = calloc(c->table.nix + 1, sizeof(*vals));
	char *s = NULL, *path = NULL;
	size_t sl = 0;
	FILE *f;

	int has_keys = 0;

	if (vals == NULL || plan_decode_index(c, &c->table, sub, len, vals) != 0) {
		free(vals);
		return NULL;
	}
	for (size_t k = 0; k < c->table.nix; k++) /* WMI's keys; else every component */
		has_keys |= c->table.ix[k].prop >= 0 && c->props[c->table.ix[k].prop].key;
	f = open_memstream(&s, &sl);
	for (size_t k = 0, n = 0; f && k < c->table.nix; k++) {
		const struct cq_value *v = &vals[k];

		if (c->table.ix[k].prop < 0 || (has_keys && !c->props[c->table.ix[k].prop].key))
			continue;
		fprintf(f, "%s%s=", n++ ? "," : ".", c->props[c->table.ix[k].prop].name);
		if (v->kind == CQ_V_STR)
			put_path_string(f, v->s);
		else if (v->kind == CQ_V_SINT)
			fprintf(f, "%" PRId64, v->i);
		else
			fprintf(f, "%" PRIu64, v->u);
	}
	if (f != NULL && fclose(f) == 0 && asprintf(&path, "%s%s", c->name, s) < 0)
		path = NULL;
	free(s);
	for (size_t k = 0; k < c->table.nix; k++)
		cq_value_clear(&vals[k]);
	free(vals);
	return path;
}

/* A RowPointer to a row of class "X" of a "X REF" property: the WMI path
   of the row (exec_index_path); the OID in dotted text otherwise. */
static void
conv_ref(const struct cmap *m, const struct cmap_prop *p, const oid *o, size_t len,
    struct cq_value *out)
{
	char name[128];
	const struct cmap_class *c;
	struct cmap_prop dotted = *p;
	size_t el;

	dotted.type = CMAP_T_STRING;
	if (sscanf(p->cim_type, "%127s", name) == 1 && (c = cmap_class(m, name)) != NULL &&
	    (el = c->table.entry_len) + 1 <= len &&
	    snmp_oid_compare(o, el, c->table.entry, el) == 0)
		set_str(out, exec_index_path(c, o + el + 1, len - el - 1));
	if (out->kind == CQ_V_NULL)
		conv_oid(m, &dotted, o, len, out);
}

/* ---- requests */

static int
auth_errno(int e)
{
	return e == SNMPERR_AUTHENTICATION_FAILURE || e == SNMPERR_UNKNOWN_USER_NAME ||
	    e == SNMPERR_UNKNOWN_SEC_MODEL || e == SNMPERR_UNSUPPORTED_SEC_LEVEL ||
	    e == SNMPERR_DECRYPTION_ERR || e == SNMPERR_USM_AUTHENTICATIONFAILURE ||
	    e == SNMPERR_USM_UNKNOWNSECURITYNAME || e == SNMPERR_USM_UNSUPPORTEDSECURITYLEVEL ||
	    e == SNMPERR_USM_DECRYPTIONERROR || e == SNMPERR_KRB5;
}

/* Sends pdu; the response with errstat noError or tooBig (the caller
   retries), or NULL with x->err set. */
static netsnmp_pdu *
request(struct exec *x, netsnmp_pdu *pdu)
{
	netsnmp_pdu *resp = NULL;
	int pdu_set = pdu->command == SNMP_MSG_SET;
	int st = snmp_synch_response(x->ss, pdu, &resp);
	const char *peer = x->ss->peername ? x->ss->peername : "agent";

	if (st == STAT_SUCCESS &&
	    (resp->errstat == SNMP_ERR_NOERROR ||
		(resp->errstat == SNMP_ERR_TOOBIG && x->reps > 1) ||
		(pdu_set && resp->errstat != SNMP_ERR_NOERROR)))
		return resp;
	if (st == STAT_TIMEOUT)
		exec_fail(x->err, CIMQ_TIMEOUT, "%s: no response (timeout%s)", peer,
		    x->ss->version == SNMP_VERSION_3 ? "" : "; wrong community?");
	else if (st != STAT_SUCCESS)
		exec_fail(x->err, auth_errno(x->ss->s_snmp_errno) ? CIMQ_AUTH : CIMQ_TIMEOUT,
		    "%s: %s", peer, snmp_api_errstring(x->ss->s_snmp_errno));
	else if (resp->errstat == SNMP_ERR_NOACCESS || resp->errstat == SNMP_ERR_AUTHORIZATIONERROR)
		exec_fail(x->err, CIMQ_AUTH, "%s: %s (access denied by the agent's view)", peer,
		    snmp_errstring(resp->errstat));
	else if (resp->errstat == SNMP_ERR_NOSUCHNAME)
		exec_fail(x->err, CIMQ_MISSING, "%s: %s (object missing on the agent)", peer,
		    snmp_errstring(resp->errstat));
	else
		exec_fail(x->err, CIMQ_LOCAL, "%s: %s", peer, snmp_errstring(resp->errstat));
	if (resp != NULL)
		snmp_free_pdu(resp);
	return NULL;
}

netsnmp_pdu *
exec_request(netsnmp_session *ss, netsnmp_pdu *pdu, struct exec_err *err)
{
	struct exec x = { .ss = ss, .err = err };

	err->status = 0;
	return request(&x, pdu);
}

/* ---- rows */

struct row {
	oid sub[MAX_OID_LEN];
	size_t len;
	struct cq_value *v; /* owned: columns and index components */
};

/* Array property values, by parent index (prefix), in walk order. */
struct arrvals {
	struct row *a;
	size_t n;
};

struct rowset {
	struct exec *x;
	struct row *a;
	size_t head, n, cap;
	struct cq_value *scalars; /* by property, borrowed by each row */
	struct arrvals *arrays;   /* by p->arrays[k] */
	const size_t *cols;       /* the properties walked (columns) */
	size_t ncols;
	int selected_err;
};

static void
row_free(struct row *r, size_t nprops)
{
	for (size_t i = 0; r->v && i < nprops; i++)
		cq_value_clear(&r->v[i]);
	free(r->v);
	r->v = NULL;
}

static const struct cq_value *
array_of(const struct arrvals *av, const struct cmap_table *t, const struct row *r)
{
	static const struct cq_value empty = { .kind = CQ_V_NULL };

	for (size_t i = 0; i < av->n; i++) {
		if (t->parent_nix == 0 ||
		    (av->a[i].len == r->len &&
			snmp_oid_compare(av->a[i].sub, av->a[i].len, r->sub, r->len) == 0))
			return &av->a[i].v[0];
	}
	return &empty;
}

/* Decodes the index, completes the row with scalars and arrays, evaluates
   the WHERE, prints the projection. */
static int
row_finish(struct rowset *rs, struct row *r)
{
	const struct plan *p = rs->x->p;
	const struct cmap_class *c = p->cls;
	struct cq_value *ixv = calloc(c->table.nix + 1, sizeof(*ixv)),
			*cur = calloc(c->nprops, sizeof(*cur));
	int rc = -1;

	if (ixv == NULL || cur == NULL)
		goto out;
	if (plan_decode_index(c, &c->table, r->sub, r->len, ixv) != 0) {
		rc = 0; /* a malformed index from the agent: not a row */
		goto out;
	}
	for (size_t k = 0; k < c->table.nix; k++) {
		if (c->table.ix[k].prop >= 0 && r->v[c->table.ix[k].prop].kind == CQ_V_NULL) {
			r->v[c->table.ix[k].prop] = ixv[k];
			ixv[k] = (struct cq_value){ .kind = CQ_V_NULL };
		}
	}
	memcpy(cur, r->v, c->nprops * sizeof(*cur));
	for (size_t k = 0; k < p->nscalars; k++)
		cur[p->scalars[k]] = rs->scalars[p->scalars[k]];
	for (size_t k = 0; k < p->narrays; k++)
		cur[p->arrays[k]] = *array_of(&rs->arrays[k], c->props[p->arrays[k]].table, r);
	rc = 0;
	if (p->filter == NULL || eval_expr(c, p->filter, cur) == CQ_TRUE)
		rc = rs->x->fn(rs->x->ctx, r->sub, r->len, cur);
	if (rc != 0)
		exec_fail(rs->x->err, CIMQ_LOCAL, "cannot write the output");
out:
	for (size_t k = 0; ixv && k < c->table.nix; k++)
		cq_value_clear(&ixv[k]);
	free(ixv);
	free(cur);
	return rc;
}

/* Finds or inserts the row of index sub; NULL on ENOMEM. */
static struct row *
row_at(struct rowset *rs, const oid *sub, size_t len, size_t nprops)
{
	size_t lo = rs->head, hi = rs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = snmp_oid_compare(rs->a[mid].sub, rs->a[mid].len, sub, len);

		if (cmp == 0)
			return &rs->a[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 256;
		struct row *a = realloc(rs->a, cap * sizeof(*a));

		if (a == NULL)
			return NULL;
		rs->a = a, rs->cap = cap;
	}
	memmove(&rs->a[lo + 1], &rs->a[lo], (rs->n - lo) * sizeof(*rs->a));
	rs->n++;
	rs->a[lo].len = len;
	memcpy(rs->a[lo].sub, sub, len * sizeof(oid));
	rs->a[lo].v = calloc(nprops, sizeof(struct cq_value));
	return rs->a[lo].v ? &rs->a[lo] : NULL;
}

/* Prints and frees the rows before index min (all of them when min is NULL). */
static int
rows_flush(struct rowset *rs, const oid *min, size_t minlen)
{
	size_t nprops = rs->x->p->cls->nprops;

	while (rs->head < rs->n &&
	    (min == NULL ||
		snmp_oid_compare(rs->a[rs->head].sub, rs->a[rs->head].len, min, minlen) < 0)) {
		struct row *r = &rs->a[rs->head++];
		int rc = rs->x->err->status ? -1 : row_finish(rs, r);

		row_free(r, nprops);
		if (rc != 0)
			return -1;
	}
	if (rs->head == rs->n)
		rs->head = rs->n = 0;
	return 0;
}

/* ---- walks: columns under bases, together */

struct walk {
	size_t n;
	oid (*base)[MAX_OID_LEN];
	size_t *base_len;
	size_t *col_len; /* the column's own OID length: the index follows */
	oid (*cur)[MAX_OID_LEN];
	size_t *cur_len;
	int *done;
	const struct plan_key *stop; /* a span's upper bound (index prefix), or NULL */
	int stop_incl;
};

/* Called with each value of column k at index sub (after the column). */
typedef int (
    *walk_fn)(void *ctx, size_t k, const oid *sub, size_t len, const netsnmp_variable_list *vb);
/* Called after each response with the lowest index any column may still
   return (NULL: all columns done). */
typedef int (*walk_flush_fn)(void *ctx, const oid *min, size_t len);

static int
walk_alloc(struct walk *w, size_t n)
{
	w->n = n;
	w->base = calloc(n + 1, sizeof(*w->base));
	w->cur = calloc(n + 1, sizeof(*w->cur));
	w->base_len = calloc(n + 1, sizeof(size_t));
	w->col_len = calloc(n + 1, sizeof(size_t));
	w->cur_len = calloc(n + 1, sizeof(size_t));
	w->done = calloc(n + 1, sizeof(int));
	w->stop = NULL;
	w->stop_incl = 0;
	return w->base && w->cur && w->base_len && w->col_len && w->cur_len && w->done ? 0 : -1;
}

static void
walk_release(struct walk *w)
{
	free(w->base), free(w->cur), free(w->base_len), free(w->col_len), free(w->cur_len);
	free(w->done);
}

/* Column k: OID col (len) with the index prefix pre (plen). */
static void
walk_set(struct walk *w, size_t k, const oid *col, size_t len, const oid *pre, size_t plen)
{
	memcpy(w->base[k], col, len * sizeof(oid));
	if (plen > 0) /* a walk has no prefix (pre may be NULL) */
		memcpy(w->base[k] + len, pre, plen * sizeof(oid));
	w->base_len[k] = w->cur_len[k] = len + plen;
	w->col_len[k] = len;
	memcpy(w->cur[k], w->base[k], w->base_len[k] * sizeof(oid));
	w->done[k] = 0;
}

/* Whether the index sub (len) is past the walk's upper bound. */
static int
walk_past(const struct walk *w, const oid *sub, size_t len)
{
	int cmp;

	if (w->stop == NULL)
		return 0;
	cmp = snmp_oid_compare(sub, len < w->stop->len ? len : w->stop->len, w->stop->sub,
	    w->stop->len);
	return cmp > 0 || (cmp == 0 && !w->stop_incl);
}

/* Handles one varbind of column k; 1 when the column is done. */
static int
walk_vb(struct walk *w, size_t k, const netsnmp_variable_list *vb, walk_fn fn, void *ctx)
{
	if (vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT ||
	    vb->type == SNMP_NOSUCHINSTANCE || vb->name_length > MAX_OID_LEN ||
	    vb->name_length <= w->base_len[k] ||
	    snmp_oid_compare(vb->name, w->base_len[k], w->base[k], w->base_len[k]) != 0 ||
	    snmp_oid_compare(vb->name, vb->name_length, w->cur[k], w->cur_len[k]) <= 0 ||
	    walk_past(w, vb->name + w->col_len[k], vb->name_length - w->col_len[k]))
		return 1;
	memcpy(w->cur[k], vb->name, vb->name_length * sizeof(oid));
	w->cur_len[k] = vb->name_length;
	return fn(ctx, k, vb->name + w->col_len[k], vb->name_length - w->col_len[k], vb) ? -1 : 0;
}

/* One GETBULK (GETNEXT in v1) for the active columns; 1 when all are done. */
static int
walk_step(struct exec *x, struct walk *w, walk_fn fn, void *ctx)
{
	int bulk = x->ss->version != SNMP_VERSION_1;
	netsnmp_pdu *pdu = snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT), *resp;
	size_t *act = calloc(w->n + 1, sizeof(*act)), na = 0, i = 0;
	netsnmp_variable_list *vb;

	for (size_t k = 0; k < w->n; k++) {
		if (!w->done[k]) {
			act[na++] = k;
			snmp_add_null_var(pdu, w->cur[k], w->cur_len[k]);
		}
	}
	pdu->errstat = 0;
	pdu->errindex = bulk ? x->reps : 0; /* max-repetitions */
	if (na == 0 || (resp = request(x, pdu)) == NULL) {
		if (na == 0)
			snmp_free_pdu(pdu);
		free(act);
		return na == 0 ? 1 : -1;
	}
	if (resp->errstat == SNMP_ERR_TOOBIG)
		x->reps /= 2;
	for (vb = resp->variables; resp->errstat == 0 && vb; vb = vb->next_variable, i++) {
		size_t k = act[i % na];
		int r = w->done[k] ? 0 : walk_vb(w, k, vb, fn, ctx);

		if (r < 0)
			break;
		w->done[k] |= r;
	}
	snmp_free_pdu(resp);
	free(act);
	return x->err->status ? -1 : 0;
}

/* Lowest current position among the active columns (as an index). */
static int
walk_min(const struct walk *w, const oid **min, size_t *len)
{
	*min = NULL;
	for (size_t k = 0; k < w->n; k++) {
		const oid *s = w->cur[k] + w->col_len[k];
		size_t l = w->cur_len[k] - w->col_len[k];

		if (!w->done[k] && (*min == NULL || snmp_oid_compare(s, l, *min, *len) < 0))
			*min = s, *len = l;
	}
	return *min != NULL;
}

static int
walk_run(struct exec *x, struct walk *w, walk_fn fn, walk_flush_fn flush, void *ctx)
{
	for (;;) {
		const oid *min;
		size_t len = 0;
		int r = walk_step(x, w, fn, ctx);

		if (r < 0)
			return -1;
		if (flush != NULL && flush(ctx, walk_min(w, &min, &len) ? min : NULL, len) != 0)
			return -1;
		if (r == 1)
			return 0;
	}
}

/* Starts column k (set without a prefix) of a span at its lower bound
   and sets the upper bound.  A GETNEXT from the bound returns the rows
   after it: those whose first component is the bound when the index has
   more, but not the row of the bound itself when it is the whole index;
   then the walk starts just before it (the WHERE drops what precedes). */
static void
walk_span(struct walk *w, size_t k, const struct plan *p)
{
	oid *lo = w->cur[k] + w->col_len[k];
	size_t n = p->lo.len;

	memcpy(lo, p->lo.sub, n * sizeof(oid));
	if (p->cls->table.nix == 1 && n > 0 && lo[n - 1] > 0)
		lo[n - 1]--;
	else if (p->cls->table.nix == 1 && n > 0)
		n--;
	w->cur_len[k] = w->col_len[k] + n;
	w->stop = p->hi.len != 0 ? &p->hi : NULL;
	w->stop_incl = p->hi_incl;
}

/* ---- scalars and arrays */

static int
fetch_scalars(struct exec *x, struct cq_value *vals)
{
	const struct plan *p = x->p;
	netsnmp_pdu *pdu, *resp;
	netsnmp_variable_list *vb;
	size_t k = 0;

	if (p->nscalars == 0)
		return 0;
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	for (size_t i = 0; i < p->nscalars; i++) {
		const struct cmap_prop *pr = &p->cls->props[p->scalars[i]];
		oid o[MAX_OID_LEN];

		memcpy(o, pr->oid, pr->oid_len * sizeof(oid));
		o[pr->oid_len] = 0;
		snmp_add_null_var(pdu, o, pr->oid_len + 1);
	}
	if ((resp = request(x, pdu)) == NULL)
		return -1;
	for (vb = resp->variables; vb && k < p->nscalars; vb = vb->next_variable, k++) {
		const struct cmap_prop *pr = &p->cls->props[p->scalars[k]];

		if (vb->type == SNMP_NOSUCHOBJECT) {
			snmp_free_pdu(resp);
			return exec_fail(x->err, CIMQ_MISSING,
			    "%s: %s (%s) is missing on the agent (older "
			    "cimrouted?)",
			    x->ss->peername, pr->mib_name, pr->name);
		}
		exec_convert(x->m, pr, vb, &vals[p->scalars[k]]);
	}
	snmp_free_pdu(resp);
	return 0;
}

struct arrctx {
	struct exec *x;
	const struct cmap_prop *pr;
	struct arrvals *av;
};

/* The element an index component of the dependent table holds. */
static void
array_index_value(const struct arrctx *a, const oid *sub, size_t len, struct cq_value *el)
{
	const struct cmap_table *t = a->pr->table;
	struct cq_value *vals = calloc(t->nix, sizeof(*vals));

	*el = (struct cq_value){ .kind = CQ_V_NULL };
	if (vals != NULL && plan_decode_index(a->x->p->cls, t, sub, len, vals) == 0) {
		*el = vals[a->pr->ix];
		vals[a->pr->ix] = (struct cq_value){ .kind = CQ_V_NULL };
		for (size_t k = 0; k < t->nix; k++)
			cq_value_clear(&vals[k]);
	}
	free(vals);
}

/* The column to walk for an array: its own, or for an index component the
   first accessible column of its table (from the MIB); 0 or -1. */
static int
array_column(const struct cmap_prop *pr, oid *col, size_t *len)
{
	struct tree *t, *c, *first = NULL;

	memcpy(col, pr->oid, pr->oid_len * sizeof(oid));
	*len = pr->oid_len;
	if (pr->ix < 0)
		return 0;
	t = get_tree(pr->table->entry, pr->table->entry_len, get_tree_head());
	for (c = t ? t->child_list : NULL; c; c = c->next_peer) {
		if (c->access != MIB_ACCESS_NOACCESS && (!first || c->subid < first->subid))
			first = c;
	}
	if (first == NULL || pr->table->entry_len + 1 > MAX_OID_LEN)
		return -1;
	memcpy(col, pr->table->entry, pr->table->entry_len * sizeof(oid));
	col[pr->table->entry_len] = first->subid;
	*len = pr->table->entry_len + 1;
	return 0;
}

/* One element of an array: appended to the array of its parent prefix. */
static int
array_value(void *ctx, size_t k, const oid *sub, size_t len, const netsnmp_variable_list *vb)
{
	struct arrctx *a = ctx;
	const struct cmap_table *t = a->pr->table;
	long pl = ix_prefix_len(t, sub, len, t->parent_nix);
	struct row *r;
	struct cq_value *arr, el;

	(void)k;
	if (pl < 0)
		return 0;
	r = a->av->n ? &a->av->a[a->av->n - 1] : NULL;
	if (r == NULL || r->len != (size_t)pl || snmp_oid_compare(r->sub, r->len, sub, pl) != 0) {
		struct row *na = realloc(a->av->a, (a->av->n + 1) * sizeof(*na));

		if (na == NULL)
			return exec_fail(a->x->err, CIMQ_LOCAL, "out of memory");
		a->av->a = na;
		r = &na[a->av->n++];
		memcpy(r->sub, sub, pl * sizeof(oid));
		r->len = pl;
		if ((r->v = calloc(1, sizeof(*r->v))) == NULL)
			return exec_fail(a->x->err, CIMQ_LOCAL, "out of memory");
		r->v->kind = CQ_V_ARRAY;
	}
	if (a->pr->ix >= 0)
		array_index_value(a, sub, len, &el);
	else
		exec_convert(a->x->m, a->pr, vb, &el);
	if (el.kind == CQ_V_NULL)
		return 0;
	arr = realloc(r->v->a, (r->v->n + 1) * sizeof(*arr));
	if (arr == NULL)
		return exec_fail(a->x->err, CIMQ_LOCAL, "out of memory");
	r->v->a = arr;
	arr[r->v->n++] = el;
	return 0;
}

/* The rows of an array's dependent table: under each key of a GET or a
   range (the parent's index, or a prefix of it, leads the dependent
   table's index), else all of them (also for a list of the host). */
static int
walk_array(struct exec *x, struct walk *w, struct arrctx *a, const oid *col, size_t clen)
{
	const struct plan *p = x->p;
	int keyed = a->pr->table->parent_nix > 0 && a->pr->table->parent_nix == p->cls->table.nix &&
	    (p->access == PLAN_GET || p->access == PLAN_RANGE || p->access == PLAN_SPAN);
	int rc = 0;

	if (!keyed || p->access == PLAN_SPAN) {
		walk_set(w, 0, col, clen, NULL, 0);
		if (keyed)
			walk_span(w, 0, p);
		return walk_run(x, w, array_value, NULL, a);
	}
	for (size_t i = 0; rc == 0 && i < p->nkeys; i++) {
		if (clen + p->keys[i].len > MAX_OID_LEN)
			return exec_fail(x->err, CIMQ_LOCAL, "index too long");
		walk_set(w, 0, col, clen, p->keys[i].sub, p->keys[i].len);
		rc = walk_run(x, w, array_value, NULL, a);
	}
	return rc;
}

static int
fetch_arrays(struct exec *x, struct arrvals *avs)
{
	for (size_t k = 0; k < x->p->narrays; k++) {
		struct arrctx a = { x, &x->p->cls->props[x->p->arrays[k]], &avs[k] };
		struct walk w;
		oid col[MAX_OID_LEN];
		size_t clen;
		int rc = walk_alloc(&w, 1);

		if (rc == 0 && array_column(a.pr, col, &clen) != 0)
			rc = exec_fail(x->err, CIMQ_LOCAL, "no readable column in the table of %s",
			    a.pr->name);
		if (rc == 0)
			rc = walk_array(x, &w, &a, col, clen);
		walk_release(&w);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* ---- the class's rows */

static int
row_value(void *ctx, size_t k, const oid *sub, size_t len, const netsnmp_variable_list *vb)
{
	struct rowset *rs = ctx;
	const struct cmap_class *c = rs->x->p->cls;
	struct row *r = row_at(rs, sub, len, c->nprops);

	if (r == NULL)
		return exec_fail(rs->x->err, CIMQ_LOCAL, "out of memory");
	if (k < rs->ncols) {
		cq_value_clear(&r->v[rs->cols[k]]);
		exec_convert(rs->x->m, &c->props[rs->cols[k]], vb, &r->v[rs->cols[k]]);
	}
	return 0;
}

static int
row_flush(void *ctx, const oid *min, size_t len)
{
	return rows_flush(ctx, min, len);
}

/*
 * Before a range or a walk: a walk cannot tell a column the agent does not
 * have (an older cimrouted, a view that excludes it) from an empty one, but
 * a GET can: noSuchObject, where a column that exists answers
 * noSuchInstance for an index no row has (.0).  SNMPv1 answers both with
 * noSuchName, so it is not asked there.
 */
static int
columns_present(struct rowset *rs)
{
	const struct cmap_class *c = rs->x->p->cls;
	netsnmp_pdu *pdu, *resp;
	netsnmp_variable_list *vb;
	size_t k = 0;
	int rc = 0;

	if (rs->x->ss->version == SNMP_VERSION_1 || rs->ncols == 0)
		return 0;
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	for (size_t i = 0; i < rs->ncols; i++) {
		const struct cmap_prop *pr = &c->props[rs->cols[i]];
		oid o[MAX_OID_LEN];

		memcpy(o, pr->oid, pr->oid_len * sizeof(oid));
		o[pr->oid_len] = 0;
		snmp_add_null_var(pdu, o, pr->oid_len + 1);
	}
	if ((resp = request(rs->x, pdu)) == NULL)
		return -1;
	for (vb = resp->variables; vb && k < rs->ncols && rc == 0; vb = vb->next_variable, k++) {
		const struct cmap_prop *pr = &c->props[rs->cols[k]];

		if (vb->type == SNMP_NOSUCHOBJECT)
			rc = exec_fail(rs->x->err, CIMQ_MISSING,
			    "%s: %s (%s.%s) is missing on the agent (older cimrouted?)",
			    rs->x->ss->peername, pr->mib_name, c->name, pr->name);
	}
	snmp_free_pdu(resp);
	return rc;
}

static int
walk_rows(struct rowset *rs, const oid *pre, size_t plen)
{
	const struct plan *p = rs->x->p;
	const struct cmap_class *c = p->cls;
	struct walk w;
	int rc;

	if (columns_present(rs) != 0)
		return -1;
	rc = walk_alloc(&w, rs->ncols);

	for (size_t k = 0; rc == 0 && k < rs->ncols; k++) {
		const struct cmap_prop *pr = &c->props[rs->cols[k]];

		walk_set(&w, k, pr->oid, pr->oid_len, pre, plen);
		if (p->access == PLAN_SPAN)
			walk_span(&w, k, p);
	}
	if (rc == 0)
		rc = walk_run(rs->x, &w, row_value, row_flush, rs);
	walk_release(&w);
	return rc;
}

static int
get_row(struct rowset *rs, const struct plan_key *key)
{
	const struct cmap_class *c = rs->x->p->cls;
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *resp;
	netsnmp_variable_list *vb;
	size_t k = 0, found = 0;

	for (size_t i = 0; i < rs->ncols; i++) {
		const struct cmap_prop *pr = &c->props[rs->cols[i]];
		oid o[MAX_OID_LEN];

		if (pr->oid_len + key->len > MAX_OID_LEN)
			return exec_fail(rs->x->err, CIMQ_LOCAL, "index too long");
		memcpy(o, pr->oid, pr->oid_len * sizeof(oid));
		memcpy(o + pr->oid_len, key->sub, key->len * sizeof(oid));
		snmp_add_null_var(pdu, o, pr->oid_len + key->len);
	}
	if ((resp = request(rs->x, pdu)) == NULL)
		return -1;
	for (vb = resp->variables; vb && k < rs->ncols; vb = vb->next_variable, k++) {
		if (vb->type == SNMP_NOSUCHOBJECT) {
			const struct cmap_prop *pr = &c->props[rs->cols[k]];

			snmp_free_pdu(resp);
			return exec_fail(rs->x->err, CIMQ_MISSING,
			    "%s: %s (%s.%s) is missing on the agent (older cimrouted?)",
			    rs->x->ss->peername, pr->mib_name, c->name, pr->name);
		}
		if (vb->type != SNMP_NOSUCHINSTANCE && vb->type != SNMP_ENDOFMIBVIEW) {
			found++;
			row_value(rs, k, key->sub, key->len, vb);
		}
	}
	snmp_free_pdu(resp);
	return found ? rows_flush(rs, NULL, 0) : 0;
}

static int
fetch_rows(struct rowset *rs)
{
	const struct plan *p = rs->x->p;
	int rc = 0;

	if (rs->cols == NULL)
		return exec_fail(rs->x->err, CIMQ_LOCAL, "class %s has no column to read",
		    p->cls->name);
	if (p->access == PLAN_WALK || p->access == PLAN_SPAN)
		return walk_rows(rs, NULL, 0);
	for (size_t i = 0; rc == 0 && i < p->nkeys; i++) {
		if (p->access == PLAN_GET)
			rc = get_row(rs, &p->keys[i]);
		else if (p->access == PLAN_RANGE)
			rc = walk_rows(rs, p->keys[i].sub, p->keys[i].len);
	}
	return rc;
}

static void
rowset_free(struct rowset *rs)
{
	const struct plan *p = rs->x->p;

	for (size_t i = rs->head; i < rs->n; i++)
		row_free(&rs->a[i], p->cls->nprops);
	free(rs->a);
	for (size_t i = 0; rs->scalars && i < p->cls->nprops; i++)
		cq_value_clear(&rs->scalars[i]);
	free(rs->scalars);
	for (size_t k = 0; rs->arrays && k < p->narrays; k++) {
		for (size_t i = 0; i < rs->arrays[k].n; i++)
			row_free(&rs->arrays[k].a[i], 1);
		free(rs->arrays[k].a);
	}
	free(rs->arrays);
}

int
exec_rows(netsnmp_session *ss, const struct cmap *m, const struct plan *p, exec_row_fn fn,
    void *ctx, struct exec_err *err)
{
	struct exec x = { ss, m, p, fn, ctx, err, 0 };
	struct rowset rs = { .x = &x };
	int rc = -1;

	err->status = 0;
	err->msg[0] = '\0';
	if (p->access == PLAN_NONE)
		return 0;
	/* the plan always names a column every row has (plan.c row_col()) */
	rs.cols = p->ncols > 0 ? p->cols : NULL;
	rs.ncols = p->ncols;
	x.reps = rs.ncols ? (int)(60 / rs.ncols) : 60;
	x.reps = x.reps < 1 ? 1 : x.reps > 50 ? 50 : x.reps;
	rs.scalars = calloc(p->cls->nprops + 1, sizeof(*rs.scalars));
	rs.arrays = calloc(p->narrays + 1, sizeof(*rs.arrays));
	if (rs.scalars == NULL || rs.arrays == NULL)
		exec_fail(x.err, CIMQ_LOCAL, "out of memory");
	else if (fetch_scalars(&x, rs.scalars) == 0 && fetch_arrays(&x, rs.arrays) == 0)
		rc = fetch_rows(&rs);
	rowset_free(&rs);
	return rc == 0 && err->status == 0 ? 0 : -1;
}

struct select_ctx {
	const struct plan *p;
	struct out *o;
};

int
exec_print_row(const struct plan *p, struct out *o, const struct cq_value *row)
{
	struct cq_value *proj = calloc(p->nout + 1, sizeof(*proj));
	int rc;

	if (proj == NULL)
		return -1;
	for (size_t k = 0; k < p->nout; k++)
		proj[k] = row[p->out[k]];
	rc = out_row(o, proj);
	free(proj);
	return rc;
}

/* A selected row: its projection printed. */
static int
select_row(void *ctx, const oid *index, size_t len, const struct cq_value *row)
{
	struct select_ctx *sc = ctx;

	(void)index, (void)len;
	return exec_print_row(sc->p, sc->o, row);
}

int
exec_select(netsnmp_session *ss, const struct cmap *m, const struct plan *p, struct out *o,
    struct exec_err *err)
{
	struct select_ctx sc = { p, o };

	return exec_rows(ss, m, p, select_row, &sc, err);
}
