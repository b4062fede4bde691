/*
 * cmap: map.tsv + CIM-ROUTE-MIB (through net-snmp's parsed MIB tree) ->
 * classes, properties, keys, index layouts, dependent tables, methods.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>

#include "cimq/cmap.h"

/* WMI's key properties (wmi-classes.md): map.tsv has no key column. */
static const char *const wmi_keys[][12] = {
	{ "Win32_IP4RouteTable", "Destination", "Mask", "NextHop", "InterfaceIndex" },
	{ "Win32_IP4PersistedRouteTable", "Destination", "Mask", "NextHop", "Metric1" },
	{ "Win32_ActiveRoute", "SameElement", "SystemElement" },
	{ "Win32_NetworkAdapter", "DeviceID", "CreationClassName", "SystemCreationClassName",
	    "SystemName" },
	{ "Win32_NetworkAdapterConfiguration", "Index" },
	{ "Win32_PingStatus", "Address", "BufferSize", "NoFragmentation", "RecordRoute",
	    "ResolveAddressNames", "SourceRoute", "SourceRouteType", "Timeout", "TimeStampRoute",
	    "TimeToLive", "TypeofService" },
};

/* While loading, classes and tables move (realloc): properties name their
   table by a tag, turned into a pointer once everything is loaded. */
#define TAG_OWN    ((const struct cmap_table *)1)
#define TAG_DEP(k) ((const struct cmap_table *)(uintptr_t)(2 + (k)))

struct row {
	char *f[7]; /* class property cim_type mib_object syntax access source */
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void *
xgrow(void *p, size_t n, size_t size)
{
	void *q = realloc(p, (n + 1) * size);

	if (q == NULL) {
		perror("cimq");
		exit(8);
	}
	memset((char *)q + n * size, 0, size);
	return q;
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL) {
		perror("cimq");
		exit(8);
	}
	return d;
}

/* ---- the MIB tree ---- */

static size_t
node_oid(const struct tree *t, oid *o)
{
	size_t n = 0;
	oid rev[MAX_OID_LEN];

	for (; t != NULL && n < MAX_OID_LEN; t = t->parent)
		rev[n++] = t->subid;
	for (size_t k = 0; k < n; k++)
		o[k] = rev[n - 1 - k];
	return n;
}

static const char *
node_syntax(const struct tree *t)
{
	const char *tc = t->tc_index >= 0 ? get_tc_descriptor(t->tc_index) : NULL;

	if (tc != NULL)
		return tc;
	switch (t->type) {
	case TYPE_IPADDR: return "IpAddress";
	case TYPE_OCTETSTR: return "OCTET STRING";
	case TYPE_OBJID: return "OBJECT IDENTIFIER";
	case TYPE_UNSIGNED32: return "Unsigned32";
	case TYPE_GAUGE: return "Gauge32";
	case TYPE_COUNTER: return "Counter32";
	case TYPE_COUNTER64: return "Counter64";
	case TYPE_INTEGER32: return "Integer32";
	default: return "INTEGER";
	}
}

/* The name of t without its entry's prefix: cimIP6RouteDestination ->
   Destination (t's parent is its entry).  The cut falls before a capital, so
   that a word is not split: cimNetAdapterNetworkAddress of
   cimNetAdapterNetworkAddrEntry is Address. */
static char *
short_name(const struct tree *t)
{
	const struct tree *e = t->parent;
	size_t n;

	if (e == NULL || e->label == NULL || (n = strlen(e->label)) <= 5 ||
	    strcmp(e->label + n - 5, "Entry") != 0)
		return xstrdup(t->label);
	n -= 5;
	if (strncmp(t->label, e->label, n) != 0 || t->label[n] == '\0')
		return xstrdup(t->label);
	while (n > 0 && !isupper((unsigned char)t->label[n]))
		n--;
	return xstrdup(t->label + n);
}

static struct tree *
table_entry(struct tree *table)
{
	return table != NULL ? table->child_list : NULL;
}

static int
is_entry(const struct tree *t)
{
	return t != NULL && t->indexes != NULL;
}

static void
index_enc(struct cmap_index *ix, const struct tree *t)
{
	ix->enc = CMAP_IX_INT;
	if (t->type == TYPE_IPADDR)
		ix->enc = CMAP_IX_IPADDR;
	else if (t->type == TYPE_OBJID)
		ix->enc = CMAP_IX_OID;
	else if (t->type == TYPE_OCTETSTR) {
		ix->enc = CMAP_IX_OCTETS;
		if (t->ranges != NULL && t->ranges->next == NULL &&
		    t->ranges->low == t->ranges->high)
			ix->fixed_len = (size_t)t->ranges->low;
		else if (strcmp(ix->syntax, "InetAddressIPv6") == 0)
			ix->fixed_len = 16;
		else if (strcmp(ix->syntax, "InetAddressIPv4") == 0)
			ix->fixed_len = 4;
	}
}

static int
table_init(struct cmap_table *tab, struct tree *entry, char *err, size_t errlen)
{
	tab->mib_name = xstrdup(entry->parent->label);
	tab->entry_len = node_oid(entry, tab->entry);
	for (struct index_list *il = entry->indexes; il != NULL; il = il->next) {
		struct tree *t = find_tree_node(il->ilabel, -1);
		struct cmap_index *ix;

		if (t == NULL) {
			seterr(err, errlen, "%s: index object %s not in the MIB", tab->mib_name,
			    il->ilabel);
			return -1;
		}
		tab->ix = xgrow(tab->ix, tab->nix, sizeof(*tab->ix));
		ix = &tab->ix[tab->nix++];
		ix->mib_name = xstrdup(il->ilabel);
		ix->syntax = xstrdup(node_syntax(t));
		ix->implied = il->isimplied;
		ix->prop = -1;
		index_enc(ix, t);
	}
	return 0;
}

static int
table_ix_of(const struct cmap_table *tab, const char *mib_name)
{
	for (size_t k = 0; k < tab->nix; k++)
		if (strcmp(tab->ix[k].mib_name, mib_name) == 0)
			return (int)k;
	return -1;
}

/* ---- types ---- */

int
cmap_parse_cim_type(const char *text, enum cmap_type *type, int *bits, int *array)
{
	static const struct {
		const char *name;
		enum cmap_type type;
		int bits;
	} types[] = {
		{ "string", CMAP_T_STRING, 0 },
		{ "boolean", CMAP_T_BOOL, 0 },
		{ "datetime", CMAP_T_DATETIME, 0 },
		{ "sint8", CMAP_T_SINT, 8 },
		{ "sint16", CMAP_T_SINT, 16 },
		{ "sint32", CMAP_T_SINT, 32 },
		{ "sint64", CMAP_T_SINT, 64 },
		{ "uint8", CMAP_T_UINT, 8 },
		{ "uint16", CMAP_T_UINT, 16 },
		{ "uint32", CMAP_T_UINT, 32 },
		{ "uint64", CMAP_T_UINT, 64 },
	};
	size_t n = strlen(text);

	*array = n > 2 && strcmp(text + n - 2, "[]") == 0;
	if (*array)
		n -= 2;
	if (n > 4 && strcmp(text + n - 4, " REF") == 0) {
		*type = CMAP_T_REF;
		*bits = 0;
		return 0;
	}
	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		if (strlen(types[k].name) == n && strncasecmp(text, types[k].name, n) == 0) {
			*type = types[k].type;
			*bits = types[k].bits;
			return 0;
		}
	return -1;
}

/* The CIM type an extension object gets from its SMI syntax. */
static const char *
cim_type_of_node(const struct tree *t)
{
	const char *syn = node_syntax(t);

	if (strcmp(syn, "DateAndTime") == 0)
		return "datetime";
	if (strcmp(syn, "TruthValue") == 0)
		return "boolean";
	if (strcmp(syn, "CimGauge64") == 0 || t->type == TYPE_COUNTER64)
		return "uint64";
	switch (t->type) {
	case TYPE_UNSIGNED32:
	case TYPE_GAUGE:
	case TYPE_COUNTER:
	case TYPE_TIMETICKS: return "uint32";
	case TYPE_INTEGER: return t->enums != NULL ? "uint32" : "sint32";
	case TYPE_INTEGER32: return "sint32";
	default: return "string";
	}
}

/* ---- classes and properties ---- */

static struct cmap_class *
class_add(struct cmap *m, const char *name)
{
	struct cmap_class *c;

	m->classes = xgrow(m->classes, m->nclasses, sizeof(*m->classes));
	c = &m->classes[m->nclasses++];
	c->name = xstrdup(name);
	return c;
}

static struct cmap_prop *
prop_add(struct cmap_class *c, const char *name, const char *cim_type)
{
	struct cmap_prop *p;

	c->props = xgrow(c->props, c->nprops, sizeof(*c->props));
	p = &c->props[c->nprops++];
	p->name = xstrdup(name);
	p->cim_type = xstrdup(cim_type);
	p->ix = -1;
	if (cmap_parse_cim_type(cim_type, &p->type, &p->bits, &p->array) != 0)
		p->type = CMAP_T_STRING;
	return p;
}

/* The index in c->deps of the dependent table of entry (added if new). */
static int
dep_table(struct cmap_class *c, struct tree *entry, char *err, size_t errlen)
{
	struct cmap_table *d;

	for (size_t k = 0; k < c->ndeps; k++)
		if (strcmp(c->deps[k].mib_name, entry->parent->label) == 0)
			return (int)k;
	c->deps = xgrow(c->deps, c->ndeps, sizeof(*c->deps));
	d = &c->deps[c->ndeps];
	if (table_init(d, entry, err, errlen) != 0)
		return -1;
	while (d->parent_nix < d->nix && d->parent_nix < c->table.nix &&
	    strcmp(d->ix[d->parent_nix].mib_name, c->table.ix[d->parent_nix].mib_name) == 0)
		d->parent_nix++;
	return (int)c->ndeps++;
}

/* Where the value of p (MIB object t) lives. */
static int
prop_place(struct cmap_class *c, struct cmap_prop *p, struct tree *t, char *err, size_t errlen)
{
	const struct cmap_table *tab = &c->table;
	int d;

	p->oid_len = node_oid(t, p->oid);
	p->table = TAG_OWN;
	p->ix = table_ix_of(tab, t->label);
	if (p->ix >= 0)
		return 0;
	if (!is_entry(t->parent)) {
		p->table = NULL; /* a scalar */
		return 0;
	}
	if (snmp_oid_compare(p->oid, p->oid_len - 1, tab->entry, tab->entry_len) == 0)
		return 0;
	if ((d = dep_table(c, t->parent, err, errlen)) < 0)
		return -1;
	p->table = TAG_DEP(d);
	p->ix = table_ix_of(&c->deps[d], t->label);
	return 0;
}

/* The history column of notification object name: cimRouteNotifyX is
   cimRouteEventX (the MIB: "Column N holds the value of
   cimRouteNotifyObjects N"); NULL if there is none. */
static struct tree *
history_column(const char *name)
{
	char hist[128];
	const char *s = strstr(name, "Notify");
	struct tree *t;

	if (s == NULL)
		return NULL;
	snprintf(hist, sizeof(hist), "%.*sEvent%s", (int)(s - name), name, s + 6);
	t = find_tree_node(hist, -1);
	return t != NULL && is_entry(t->parent) ? t : NULL;
}

static int
prop_from_row(struct cmap_class *c, const struct row *r, char *err, size_t errlen)
{
	struct cmap_prop *p = prop_add(c, r->f[1], r->f[2]);
	struct tree *t;

	p->syntax = xstrdup(r->f[4]);
	p->access = xstrdup(r->f[5]);
	if (strcmp(r->f[3], "-") == 0)
		return 0; /* no SNMP counterpart */
	p->mib_name = xstrdup(r->f[3]);
	if (c->kind == CMAP_K_EVENT && (t = history_column(r->f[3])) != NULL) {
		p->table = TAG_OWN;
		p->oid_len = node_oid(t, p->oid);
		return 0;
	}
	if ((t = find_tree_node(r->f[3], -1)) == NULL) {
		seterr(err, errlen, "%s.%s: %s is not in the MIB (is CIM-ROUTE-MIB loaded?)",
		    r->f[0], r->f[1], r->f[3]);
		return -1;
	}
	return prop_place(c, p, t, err, errlen);
}

static int
method_from_row(struct cmap_class *c, const struct row *r, char *err, size_t errlen)
{
	struct cmap_method *mt;
	struct tree *t = find_tree_node(r->f[3], -1);

	if (t == NULL) {
		seterr(err, errlen, "%s.%s: %s is not in the MIB", r->f[0], r->f[1], r->f[3]);
		return -1;
	}
	c->methods = xgrow(c->methods, c->nmethods, sizeof(*c->methods));
	mt = &c->methods[c->nmethods++];
	mt->name = xstrdup(r->f[1]);
	mt->name[strlen(mt->name) - 2] = '\0';
	mt->mib_name = xstrdup(r->f[3]);
	mt->syntax = xstrdup(r->f[4]);
	mt->oid_len = node_oid(t, mt->oid);
	return 0;
}

/* An event class's history: the table holding its notification's objects
   (history_column). */
static int
event_init(struct cmap_class *c, struct tree *notif, char *err, size_t errlen)
{
	struct tree *t = NULL;

	c->kind = CMAP_K_EVENT;
	c->notif_len = node_oid(notif, c->notif);
	for (struct varbind_list *v = notif->varbinds; v != NULL && t == NULL; v = v->next)
		t = history_column(v->vblabel);
	if (t == NULL) {
		seterr(err, errlen, "%s: no history table for %s", c->name, notif->label);
		return -1;
	}
	return table_init(&c->table, t->parent, err, errlen);
}

static int
class_from_row(struct cmap *m, const struct row *r, char *err, size_t errlen)
{
	struct tree *t = find_tree_node(r->f[3], -1);
	struct cmap_class *c;

	if (t == NULL) {
		seterr(err, errlen, "%s: %s is not in the MIB (is CIM-ROUTE-MIB loaded?)", r->f[0],
		    r->f[3]);
		return -1;
	}
	c = class_add(m, r->f[0]);
	c->wmi = 1;
	if (t->type == TYPE_NOTIFTYPE)
		return event_init(c, t, err, errlen);
	if (!is_entry(table_entry(t))) {
		seterr(err, errlen, "%s: %s is not a table", r->f[0], r->f[3]);
		return -1;
	}
	return table_init(&c->table, table_entry(t), err, errlen);
}

/* ---- map.tsv ---- */

static int
split_row(char *line, struct row *r)
{
	size_t n = 0;
	char *s = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < 7) {
		r->f[n++] = s;
		s = strchr(s, '\t');
		if (s == NULL)
			break;
		*s++ = '\0';
	}
	return n >= 6 ? 0 : -1;
}

static struct cmap_class *
class_named(struct cmap *m, const char *name)
{
	for (size_t k = 0; k < m->nclasses; k++)
		if (strcmp(m->classes[k].name, name) == 0)
			return &m->classes[k];
	return NULL;
}

static int
load_row(struct cmap *m, const struct row *r, char *err, size_t errlen)
{
	struct cmap_class *c;
	size_t n = strlen(r->f[1]);

	if (strcmp(r->f[0], "extension") == 0)
		return 0;
	if (strcmp(r->f[1], "*") == 0)
		return class_from_row(m, r, err, errlen);
	if ((c = class_named(m, r->f[0])) == NULL) {
		seterr(err, errlen, "map: %s.%s before its class row", r->f[0], r->f[1]);
		return -1;
	}
	if (n > 2 && strcmp(r->f[1] + n - 2, "()") == 0)
		return method_from_row(c, r, err, errlen);
	return prop_from_row(c, r, err, errlen);
}

static int
read_map(struct cmap *m, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int rc = 0, lineno = 0;

	if (f == NULL) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		struct row r;

		if (++lineno == 1 || line[0] == '#' || line[0] == '\n')
			continue;
		if (split_row(line, &r) != 0) {
			seterr(err, errlen, "%s:%d: fewer than 6 fields", path, lineno);
			rc = -1;
		} else
			rc = load_row(m, &r, err, errlen);
	}
	fclose(f);
	return rc;
}

/* ---- what map.tsv leaves to the MIB ---- */

static int
prop_named(const struct cmap_class *c, const char *mib_name)
{
	for (size_t k = 0; k < c->nprops; k++)
		if (c->props[k].mib_name != NULL && strcmp(c->props[k].mib_name, mib_name) == 0 &&
		    c->props[k].table == TAG_OWN)
			return (int)k;
	return -1;
}

static int
ext_prop(struct cmap_class *c, struct tree *t)
{
	char *name = short_name(t);
	struct cmap_prop *p;

	if (cmap_prop(c, name) != NULL) {
		free(name);
		name = xstrdup(t->label);
	}
	p = prop_add(c, name, cim_type_of_node(t));
	free(name);
	p->ext = c->wmi;
	p->mib_name = xstrdup(t->label);
	p->syntax = xstrdup(node_syntax(t));
	p->access = xstrdup(t->access == MIB_ACCESS_NOACCESS ? "not-accessible" :
		t->access == MIB_ACCESS_CREATE               ? "read-create" :
		t->access == MIB_ACCESS_READWRITE            ? "read-write" :
							       "read-only");
	p->table = TAG_OWN;
	p->oid_len = node_oid(t, p->oid);
	p->ix = table_ix_of(&c->table, t->label);
	return (int)(c->nprops - 1);
}

/* The column of entry after subid after (0: the first), or NULL: net-snmp
   links a node's children in no useful order (highest first), and map.tsv
   lists the columns in the MIB's order. */
static struct tree *
next_column(struct tree *entry, u_long after)
{
	struct tree *best = NULL;

	for (struct tree *t = entry != NULL ? entry->child_list : NULL; t != NULL; t = t->next_peer)
		if (t->subid > after && (best == NULL || t->subid < best->subid))
			best = t;
	return best;
}

/* Index components from other tables, then the columns of the class's table,
   in the MIB's order, that map.tsv does not name become (ext) properties;
   then the index is linked to them. */
static void
complete_table(struct cmap_class *c)
{
	struct tree *entry = table_entry(find_tree_node(c->table.mib_name, -1));

	for (size_t k = 0; k < c->table.nix; k++) {
		struct tree *t = find_tree_node(c->table.ix[k].mib_name, -1);

		if (prop_named(c, t->label) < 0 && t->parent != entry)
			ext_prop(c, t);
	}
	for (struct tree *t = next_column(entry, 0); t != NULL; t = next_column(entry, t->subid))
		if (prop_named(c, t->label) < 0)
			ext_prop(c, t);
	for (size_t k = 0; k < c->table.nix; k++) {
		struct cmap_index *ix = &c->table.ix[k];

		ix->prop = prop_named(c, ix->mib_name);
		c->props[ix->prop].key |= !c->wmi;
	}
}

static void
mark_keys(struct cmap_class *c)
{
	for (size_t k = 0; k < sizeof(wmi_keys) / sizeof(wmi_keys[0]); k++) {
		if (strcmp(wmi_keys[k][0], c->name) != 0)
			continue;
		for (size_t j = 1; j < 12 && wmi_keys[k][j] != NULL; j++) {
			const struct cmap_prop *p = cmap_prop(c, wmi_keys[k][j]);

			if (p != NULL)
				c->props[p - c->props].key = 1;
		}
	}
}

static int
table_used(const struct cmap *m, const char *label)
{
	for (size_t k = 0; k < m->nclasses; k++)
		if (m->classes[k].kind == CMAP_K_TABLE &&
		    strcmp(m->classes[k].table.mib_name, label) == 0)
			return 1;
	return 0;
}

static int
add_ext_classes(struct cmap *m, struct tree *t, char *err, size_t errlen)
{
	for (; t != NULL; t = t->next_peer) {
		size_t n = t->label != NULL ? strlen(t->label) : 0;

		if (is_entry(table_entry(t)) && n > 5 && strcmp(t->label + n - 5, "Table") == 0 &&
		    !table_used(m, t->label)) {
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)(n - 5), t->label);
			if (table_init(&class_add(m, name)->table, table_entry(t), err, errlen) !=
			    0)
				return -1;
		} else if (add_ext_classes(m, t->child_list, err, errlen) != 0)
			return -1;
	}
	return 0;
}

static void
resolve_tables(struct cmap *m)
{
	for (size_t k = 0; k < m->nclasses; k++) {
		struct cmap_class *c = &m->classes[k];

		for (size_t j = 0; j < c->nprops; j++) {
			uintptr_t tag = (uintptr_t)c->props[j].table;

			if (tag == 1)
				c->props[j].table = &c->table;
			else if (tag >= 2)
				c->props[j].table = &c->deps[tag - 2];
		}
	}
}

struct cmap *
cmap_load(const char *path, char *err, size_t errlen)
{
	struct cmap *m = calloc(1, sizeof(*m));
	struct tree *root = find_tree_node("cimRouteMIB", -1);

	if (m == NULL || root == NULL) {
		seterr(err, errlen, "CIM-ROUTE-MIB is not loaded");
		free(m);
		return NULL;
	}
	if (read_map(m, path, err, errlen) != 0 ||
	    add_ext_classes(m, root->child_list, err, errlen) != 0) {
		cmap_free(m);
		return NULL;
	}
	for (size_t k = 0; k < m->nclasses; k++) {
		if (m->classes[k].kind == CMAP_K_TABLE)
			complete_table(&m->classes[k]);
		mark_keys(&m->classes[k]);
	}
	resolve_tables(m);
	return m;
}

/* ---- lookups ---- */

const struct cmap_class *
cmap_class(const struct cmap *m, const char *name)
{
	for (size_t k = 0; k < m->nclasses; k++)
		if (strcasecmp(m->classes[k].name, name) == 0)
			return &m->classes[k];
	return NULL;
}

const struct cmap_prop *
cmap_prop(const struct cmap_class *c, const char *name)
{
	for (size_t k = 0; k < c->nprops; k++)
		if (strcasecmp(c->props[k].name, name) == 0)
			return &c->props[k];
	return NULL;
}

const struct cmap_method *
cmap_method(const struct cmap_class *c, const char *name)
{
	for (size_t k = 0; k < c->nmethods; k++)
		if (strcasecmp(c->methods[k].name, name) == 0)
			return &c->methods[k];
	return NULL;
}

size_t
cmap_prop_index(const struct cmap_class *c, const struct cmap_prop *p)
{
	return (size_t)(p - c->props);
}

/* Case-insensitive Levenshtein distance (names are short). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[256];

	if (lb >= 256)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j],
			       best = diag +
			    (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));

			best = up + 1 < best ? up + 1 : best;
			best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* names[k * stride] for k < n: the nearest to name within a third of its
   length (at least 2 edits). */
static const char *
nearest(const void *base, size_t n, size_t stride, const char *name)
{
	const char *best = NULL;
	size_t bestd = strlen(name) / 3 > 2 ? strlen(name) / 3 : 2;

	for (size_t k = 0; k < n; k++) {
		const char *cand = *(char *const *)(const void *)((const char *)base + k * stride);
		size_t d = distance(name, cand);

		if (d <= bestd && (best == NULL || d < bestd)) {
			best = cand;
			bestd = d;
		}
	}
	return best;
}

const char *
cmap_nearest_class(const struct cmap *m, const char *name)
{
	return nearest(&m->classes[0].name, m->nclasses, sizeof(m->classes[0]), name);
}

const char *
cmap_nearest_prop(const struct cmap_class *c, const char *name)
{
	return nearest(&c->props[0].name, c->nprops, sizeof(c->props[0]), name);
}

const char *
cmap_nearest_method(const struct cmap_class *c, const char *name)
{
	if (c->nmethods == 0)
		return NULL;
	return nearest(&c->methods[0].name, c->nmethods, sizeof(c->methods[0]), name);
}

/* ---- freeing ---- */

static void
table_free(struct cmap_table *t)
{
	for (size_t k = 0; k < t->nix; k++) {
		free(t->ix[k].mib_name);
		free(t->ix[k].syntax);
	}
	free(t->ix);
	free(t->mib_name);
}

static void
class_free(struct cmap_class *c)
{
	for (size_t k = 0; k < c->nprops; k++) {
		struct cmap_prop *p = &c->props[k];

		free(p->name);
		free(p->cim_type);
		free(p->mib_name);
		free(p->syntax);
		free(p->access);
	}
	for (size_t k = 0; k < c->nmethods; k++) {
		free(c->methods[k].name);
		free(c->methods[k].mib_name);
		free(c->methods[k].syntax);
	}
	for (size_t k = 0; k < c->ndeps; k++)
		table_free(&c->deps[k]);
	table_free(&c->table);
	free(c->props);
	free(c->methods);
	free(c->deps);
	free(c->name);
}

void
cmap_free(struct cmap *m)
{
	if (m == NULL)
		return;
	for (size_t k = 0; k < m->nclasses; k++)
		class_free(&m->classes[k]);
	free(m->classes);
	free(m);
}
