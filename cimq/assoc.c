/* assoc: the ways of ASSOCIATORS OF and REFERENCES OF (see assoc.h). */
#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimq/assoc.h"

/* Status, and the message under the query's offset pos (as plan's). */
static int __attribute__((format(printf, 4, 5)))
assoc_fail(struct plan_err *err, int status, size_t pos, const char *fmt, ...)
{
	va_list ap;

	err->status = status;
	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

const struct cmap_class *
assoc_ref_class(const struct cmap *m, const struct cmap_prop *p)
{
	char name[128];

	if (p->type != CMAP_T_REF || p->array || sscanf(p->cim_type, "%127s", name) != 1)
		return NULL;
	return cmap_class(m, name);
}

/* A class named by ResultClass or AssocClass (at pos): NULL (and err) if unknown. */
static const struct cmap_class *
named_class(const struct cmap *m, const char *kw, const char *name, size_t pos,
    struct plan_err *err)
{
	const struct cmap_class *c = cmap_class(m, name);
	const char *near;

	if (c != NULL)
		return c;
	near = cmap_nearest_class(m, name);
	assoc_fail(err, 2, pos, "%s: unknown class %s%s%s%s", kw, name,
	    near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
	return NULL;
}

/* The keywords cimq cannot honour, and those REFERENCES OF does not take. */
static int
check_options(const struct wql_stmt *s, struct plan_err *err)
{
	const struct {
		const char *kw;
		const struct wql_kw_at *at;
		int status; /* 8 unsupported, 1 not in REFERENCES OF, 0 allowed */
	} refused[] = {
		{ "ClassDefsOnly", &s->classdefs_only_at, 8 },
		{ "SchemaOnly", &s->schema_only_at, 8 },
		{ "RequiredQualifier", &s->required_qualifier_at, 8 },
		{ "RequiredAssocQualifier", &s->required_assoc_qualifier_at, 8 },
		{ "AssocClass", &s->assoc_class_at, s->kind == WQL_REFERENCES },
		{ "ResultRole", &s->result_role_at, s->kind == WQL_REFERENCES },
	};

	for (size_t k = 0; k < sizeof(refused) / sizeof(refused[0]); k++) {
		if (refused[k].at->kw == 0 || refused[k].status == 0)
			continue;
		if (refused[k].status == 8)
			return assoc_fail(err, 8, refused[k].at->kw,
			    "%s is not supported: SNMP carries instances, not class definitions "
			    "or qualifiers",
			    refused[k].kw);
		return assoc_fail(err, 1, refused[k].at->kw,
		    "REFERENCES OF takes ResultClass, Role and KeysOnly, not %s", refused[k].kw);
	}
	return 0;
}

/* The path {S.K=v,...} names keys of S only (unknown names are the
   planner's: status 2 with the nearest).  Keys it leaves out select every
   instance with the keys it gives (a range or a walk, as a WHERE would). */
static int
check_path(const struct cmap_class *c, const struct wql_stmt *s, struct plan_err *err)
{
	if (s->nset == 0)
		return assoc_fail(err, 2, s->cls_pos,
		    "{%s} names a class, not an instance: give its keys", c->name);
	for (size_t k = 0; k < s->nset; k++) {
		const struct cmap_prop *p = cmap_prop(c, s->set[k].name);

		if (p != NULL && !p->key)
			return assoc_fail(err, 2, s->set[k].pos,
			    "%s is not a key of %s: the path names no instance", p->name, c->name);
	}
	return 0;
}

static int
same_index(const struct cmap_class *a, const struct cmap_class *s)
{
	if (a->table.nix != s->table.nix || a->table.nix == 0)
		return 0;
	for (size_t k = 0; k < a->table.nix; k++)
		if (strcmp(a->table.ix[k].mib_name, s->table.ix[k].mib_name) != 0)
			return 0;
	return 1;
}

struct filters {
	const struct cmap_class *assoc, *result; /* NULL: any */
};

static int
name_is(const char *want, const char *name)
{
	return want == NULL || strcasecmp(want, name) == 0;
}

static void
add_way(struct assoc_plan *ap, const struct assoc_way *w)
{
	struct assoc_way *a = realloc(ap->ways, (ap->nways + 1) * sizeof(*a));

	if (a == NULL) {
		perror("cimq");
		exit(8);
	}
	ap->ways = a;
	a[ap->nways++] = *w;
}

/* The ways through A by its role R (a REF to the source). */
static void
ways_of(const struct cmap *m, const struct wql_stmt *s, const struct filters *f,
    struct assoc_plan *ap, const struct cmap_class *a, const struct cmap_prop *r)
{
	struct assoc_way w = { a, r, NULL, a, same_index(a, ap->src) };

	if (s->kind == WQL_REFERENCES) {
		if (f->result == NULL || f->result == a)
			add_way(ap, &w);
		return;
	}
	for (size_t k = 0; k < a->nprops; k++) {
		const struct cmap_prop *r2 = &a->props[k];
		const struct cmap_class *t = assoc_ref_class(m, r2);

		if (r2 == r || t == NULL || !name_is(s->result_role, r2->name) ||
		    (f->result != NULL && f->result != t))
			continue;
		w.result_role = r2;
		w.result = t;
		add_way(ap, &w);
	}
}

/* 1 if p is a REF of an association class (to a class of m). */
static int
is_ref(const struct cmap *m, const struct cmap_prop *p)
{
	return assoc_ref_class(m, p) != NULL;
}

/* Role or ResultRole (at pos) names no REF of any class: status 2, nearest REF. */
static int
check_role(const struct cmap *m, const char *kw, const char *role, size_t pos, struct plan_err *err)
{
	const char *near = NULL;

	if (role == NULL)
		return 0;
	for (size_t i = 0; i < m->nclasses; i++)
		for (size_t k = 0; k < m->classes[i].nprops; k++)
			if (is_ref(m, &m->classes[i].props[k]) &&
			    strcasecmp(m->classes[i].props[k].name, role) == 0)
				return 0;
	for (size_t i = 0; near == NULL && i < m->nclasses; i++) {
		const char *n = cmap_nearest_prop(&m->classes[i], role);
		const struct cmap_prop *p = n != NULL ? cmap_prop(&m->classes[i], n) : NULL;

		if (p != NULL && is_ref(m, p))
			near = p->name;
	}
	return assoc_fail(err, 2, pos, "%s: no association class has the role %s%s%s%s", kw, role,
	    near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
}

static int
filters_of(const struct cmap *m, const struct wql_stmt *s, struct filters *f, struct plan_err *err)
{
	f->assoc = f->result = NULL;
	if (s->assoc_class != NULL &&
	    (f->assoc = named_class(m, "AssocClass", s->assoc_class, s->assoc_class_at.val, err)) ==
		NULL)
		return -1;
	if (s->result_class != NULL &&
	    (f->result = named_class(m, "ResultClass", s->result_class, s->result_class_at.val,
		 err)) == NULL)
		return -1;
	return check_role(m, "Role", s->role, s->role_at.val, err) != 0 ||
		check_role(m, "ResultRole", s->result_role, s->result_role_at.val, err) != 0 ?
	    -1 :
	    0;
}

int
assoc_plan_make(const struct cmap *m, const struct wql_stmt *s, struct assoc_plan **out,
    struct plan_err *err)
{
	struct assoc_plan *ap;
	struct filters f;

	memset(err, 0, sizeof(*err));
	*out = NULL;
	if ((ap = calloc(1, sizeof(*ap))) == NULL || (ap->src = cmap_class(m, s->cls)) == NULL) {
		free(ap);
		return assoc_fail(err, 2, s->cls_pos, "unknown class %s", s->cls);
	}
	if (check_options(s, err) != 0 || check_path(ap->src, s, err) != 0 ||
	    filters_of(m, s, &f, err) != 0) {
		assoc_plan_free(ap);
		return -1;
	}
	for (size_t i = 0; i < m->nclasses; i++) {
		const struct cmap_class *a = &m->classes[i];

		for (size_t k = 0; (f.assoc == NULL || f.assoc == a) && k < a->nprops; k++)
			if (assoc_ref_class(m, &a->props[k]) == ap->src &&
			    name_is(s->role, a->props[k].name))
				ways_of(m, s, &f, ap, a, &a->props[k]);
	}
	*out = ap;
	return 0;
}

void
assoc_plan_free(struct assoc_plan *ap)
{
	if (ap == NULL)
		return;
	free(ap->ways);
	free(ap);
}

char *
assoc_path_query(const char *path)
{
	struct wql_stmt *s;
	struct wql_err we;
	char *q;

	if (wql_parse_path(path, &s, &we) != 0) {
		errno = EINVAL;
		return NULL;
	}
	wql_free(s);
	return asprintf(&q, "ASSOCIATORS OF {%s}", path) < 0 ? NULL : q;
}
