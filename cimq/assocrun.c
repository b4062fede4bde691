/* assocrun: ASSOCIATORS OF and REFERENCES OF over SNMP (see assocrun.h). */
#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimq/assocrun.h"

/*
 * A set of object paths in the order they were added, hashed: a REFERENCES OF an interface's
 * routes collects one path per route, and a linear search would make that quadratic.
 */
struct paths {
	char **a;
	size_t n;
	size_t *slot; /* open addressing: index + 1 into a, 0 empty */
	size_t cap;   /* slots, a power of 2, at least twice n */
};

struct arun {
	netsnmp_session *ss;
	const struct cmap *m;
	const struct wql_stmt *s;
	struct exec_err *err;
	const struct cmap_class *src_class;
	struct paths src;      /* the source instances' paths */
	struct plan_key *keys; /* and their indexes */
	size_t nkeys;
	const struct assoc_way *way;
	const struct plan *hdr; /* the result class's output (names, projection) */
	struct out *o;
	struct paths found; /* results of the current class, each once */
};

static int
oom(struct exec_err *err)
{
	*err = (struct exec_err){ .status = CIMQ_LOCAL, .msg = "out of memory" };
	return -1;
}

static int
write_err(struct exec_err *err)
{
	*err = (struct exec_err){ .status = CIMQ_LOCAL, .msg = "cannot write the output" };
	return -1;
}

static size_t
path_hash(const char *p)
{
	size_t h = 14695981039346656037ULL;

	while (*p != '\0')
		h = (h ^ (unsigned char)*p++) * 1099511628211ULL;
	return h;
}

/* The slot of p, or of the empty slot where p would go. */
static size_t
paths_slot(const struct paths *ps, const char *p)
{
	size_t i = path_hash(p) & (ps->cap - 1);

	while (ps->slot[i] != 0 && strcmp(ps->a[ps->slot[i] - 1], p) != 0)
		i = (i + 1) & (ps->cap - 1);
	return i;
}

static int
paths_has(const struct paths *ps, const char *p)
{
	return ps->cap != 0 && ps->slot[paths_slot(ps, p)] != 0;
}

/* Doubles the slots (at least 64) and places every path again; 0, or -1 on ENOMEM. */
static int
paths_grow(struct paths *ps)
{
	size_t cap = ps->cap != 0 ? ps->cap * 2 : 64, *slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return -1;
	free(ps->slot);
	ps->slot = slot;
	ps->cap = cap;
	for (size_t k = 0; k < ps->n; k++)
		ps->slot[paths_slot(ps, ps->a[k])] = k + 1;
	return 0;
}

/* Adds a copy of p once; 0, or -1 on ENOMEM. */
static int
paths_add(struct paths *ps, const char *p)
{
	char **a;

	if (paths_has(ps, p))
		return 0;
	if (2 * (ps->n + 1) > ps->cap && paths_grow(ps) != 0)
		return -1;
	if ((a = realloc(ps->a, (ps->n + 1) * sizeof(*a))) == NULL)
		return -1;
	ps->a = a;
	if ((a[ps->n] = strdup(p)) == NULL)
		return -1;
	ps->slot[paths_slot(ps, p)] = ps->n + 1;
	ps->n++;
	return 0;
}

static void
paths_free(struct paths *ps)
{
	for (size_t k = 0; k < ps->n; k++)
		free(ps->a[k]);
	free(ps->a);
	free(ps->slot);
	*ps = (struct paths){ NULL, 0, NULL, 0 };
}

/* 1. A source instance: its path and index. */
static int
source_row(void *ctx, const oid *index, size_t len, const struct cq_value *row)
{
	struct arun *r = ctx;
	char *path = exec_index_path(r->src_class, index, len);
	struct plan_key *k = realloc(r->keys, (r->nkeys + 1) * sizeof(*k));
	int rc = path != NULL && k != NULL ? paths_add(&r->src, path) : -1;

	(void)row;
	if (k != NULL) {
		r->keys = k;
		memcpy(k[r->nkeys].sub, index, len * sizeof(oid));
		k[r->nkeys++].len = len;
	}
	free(path);
	return rc;
}

/* A plan of class c for statement text q (parsed and planned as cimq's
   own); NULL when q does not plan (a path the agent gave that is not one). */
static struct plan *
plan_text(const struct cmap_class *c, const char *q, int keys_only, struct wql_stmt **s)
{
	struct wql_err we;
	struct plan_err pe;
	struct plan *p = NULL;

	*s = NULL;
	if (wql_parse(q, s, &we) != 0)
		return NULL;
	(*s)->keys_only = keys_only;
	if (strcasecmp((*s)->cls, c->name) != 0 || plan_make(c, *s, &p, &pe) != 0) {
		wql_free(*s);
		*s = NULL;
		return NULL;
	}
	return p;
}

/* 2. An instance of the association: kept when its role names a source. */
static int
assoc_row(void *ctx, const oid *index, size_t len, const struct cq_value *row)
{
	struct arun *r = ctx;
	const struct cmap_class *a = r->way->assoc;
	const struct cq_value *v = &row[cmap_prop_index(a, r->way->role)], *v2;

	(void)index, (void)len;
	if (v->kind != CQ_V_STR || !paths_has(&r->src, v->s))
		return 0;
	if (r->way->result_role == NULL)
		return exec_print_row(r->hdr, r->o, row);
	v2 = &row[cmap_prop_index(a, r->way->result_role)];
	return v2->kind == CQ_V_STR ? paths_add(&r->found, v2->s) : 0;
}

static int
print_row(void *ctx, const oid *index, size_t len, const struct cq_value *row)
{
	struct arun *r = ctx;

	(void)index, (void)len;
	return exec_print_row(r->hdr, r->o, row);
}

/* 3. ASSOCIATORS: the instance a found path names, printed. */
static int
follow_path(struct arun *r, const struct cmap_class *t, const char *path)
{
	char *q = NULL;
	struct wql_stmt *s = NULL;
	struct plan *p = NULL;
	int rc = 0;

	if ((q = assoc_path_query(path)) == NULL)
		return errno == EINVAL ? 0 : oom(r->err); /* not a path: names nothing */
	if ((p = plan_text(t, q, r->s->keys_only, &s)) != NULL)
		rc = exec_rows(r->ss, r->m, p, print_row, r, r->err);
	plan_free(p);
	wql_free(s);
	free(q);
	return rc;
}

/* The association's plan: all its properties; a GET at the sources'
   indexes when it shares their index. */
static struct plan *
assoc_plan(struct arun *r, struct wql_stmt **s)
{
	const struct cmap_class *a = r->way->assoc;
	char q[256];
	struct plan *p;

	snprintf(q, sizeof(q), "SELECT * FROM %s", a->name);
	if ((p = plan_text(a, q, 0, s)) == NULL || !r->way->same_index)
		return p;
	free(p->keys);
	p->keys = calloc(r->nkeys + 1, sizeof(*p->keys));
	if (p->keys == NULL) {
		plan_free(p);
		return NULL;
	}
	memcpy(p->keys, r->keys, r->nkeys * sizeof(*p->keys));
	p->nkeys = r->nkeys;
	p->access = r->nkeys > 0 ? PLAN_GET : PLAN_NONE;
	return p;
}

/* One way: the association's instances, then (ASSOCIATORS) their results. */
static int
follow_way(struct arun *r)
{
	struct wql_stmt *s = NULL;
	struct plan *p;
	int rc;

	if (r->src.n == 0) /* the path names no instance */
		return 0;
	p = assoc_plan(r, &s);
	rc = p != NULL ? 0 : oom(r->err);

	if (rc == 0)
		rc = exec_rows(r->ss, r->m, p, assoc_row, r, r->err);
	plan_free(p);
	wql_free(s);
	return rc;
}

/* Every way to result class t, printed as one result. */
static int
one_class(struct arun *r, const struct assoc_plan *ap, const struct cmap_class *t,
    enum out_format f, size_t width)
{
	char q[256];
	struct wql_stmt *s = NULL;
	struct plan *hdr;
	const char **names;
	int rc = 0;

	snprintf(q, sizeof(q), "%s OF {%s}",
	    r->s->kind == WQL_REFERENCES ? "REFERENCES" : "ASSOCIATORS", t->name);
	if ((hdr = plan_text(t, q, r->s->keys_only, &s)) == NULL ||
	    (names = calloc(hdr->nout + 1, sizeof(*names))) == NULL) {
		plan_free(hdr);
		wql_free(s);
		return oom(r->err);
	}
	for (size_t k = 0; k < hdr->nout; k++)
		names[k] = t->props[hdr->out[k]].name;
	r->hdr = hdr;
	r->o = out_open(f, stdout, names, hdr->nout, width);
	for (size_t w = 0; r->o != NULL && rc == 0 && w < ap->nways; w++) {
		r->way = &ap->ways[w];
		if (r->way->result == t)
			rc = follow_way(r);
	}
	for (size_t k = 0; r->o != NULL && rc == 0 && k < r->found.n; k++)
		rc = follow_path(r, t, r->found.a[k]);
	paths_free(&r->found);
	if (r->o == NULL || (out_close(r->o) != 0 && rc == 0))
		rc = r->err->status ? -1 : write_err(r->err);
	plan_free(hdr);
	wql_free(s);
	free(names);
	return rc;
}

int
assoc_run(netsnmp_session *ss, const struct cmap *m, const struct wql_stmt *s, const struct plan *p,
    enum out_format f, size_t width, struct exec_err *err)
{
	struct arun r = { .ss = ss, .m = m, .s = s, .err = err, .src_class = p->cls };
	struct assoc_plan *ap = NULL;
	struct plan_err pe;
	int rc;

	*err = (struct exec_err){ .status = 0, .msg = "" };
	if (assoc_plan_make(m, s, &ap, &pe) != 0) {
		*err = (struct exec_err){ .status = pe.status, .msg = "" };
		snprintf(err->msg, sizeof(err->msg), "%s", pe.msg);
		return -1;
	}
	rc = exec_rows(ss, m, p, source_row, &r, err);
	if (rc == 0 && ap->nways == 0) { /* no way: an empty result */
		struct out *o = out_open(f, stdout, NULL, 0, width);

		if (o == NULL || out_close(o) != 0)
			rc = write_err(err);
	}
	for (size_t w = 0; rc == 0 && w < ap->nways; w++) {
		size_t k = 0;

		while (k < w && ap->ways[k].result != ap->ways[w].result)
			k++;
		if (k == w) /* the first way to its class */
			rc = one_class(&r, ap, ap->ways[w].result, f, width);
	}
	paths_free(&r.src);
	paths_free(&r.found);
	free(r.keys);
	assoc_plan_free(ap);
	return rc;
}
