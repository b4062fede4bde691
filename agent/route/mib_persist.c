/*
 * cimIP4PersistedRoute (Win32_IP4PersistedRouteTable) and cimActiveRoute
 * (Win32_ActiveRoute), and their IPv6 pair cimIP6PersistedRoute and
 * cimIP6ActiveRoute: read side.  Each persisted table and its active table
 * share the persisted route's index; an active row exists while the kernel
 * has the persisted route.  The two families are one set of callbacks over
 * a side (struct pside): the writer's set and mirror of that family, its
 * index codec and its tables' OIDs; the persisted and active tables of a
 * side are two views of its set (struct pview): all rows, or the active.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/addr.h"
#include "snmp/mib.h"
#include "snmp/txn.h"
#include "route/mirror.h"
#include "route/routefmt.h"
#include "route/writer.h"

#define PERSIST_INDEX_LEN  13
#define PERSIST6_INDEX_MAX (16 + 1 + 16 + 1 + IFNAMSIZ + 1)

#define ROW(p) ((const struct proute *)(p))

/* A summary: "DEST/LEN via NEXTHOP dev NAME metric N", IPv6 at most 39+4+6+39+5+15+18. */
#define SUMMARY_MAX 160

/* One family's pair of tables. */
struct pside {
	struct writer *w;
	int six;
	/* The row's index (at most PERSIST6_INDEX_MAX sub-identifiers). */
	size_t (*index)(const struct proute *, oid *out);
	/* The live entry's index in its table, and that table's first column. */
	size_t (*live_index)(const void *live, oid *out);
	const oid *caption, *age;
	size_t caption_len, age_len;
};

static size_t
proute_index(const struct proute *r, oid *out)
{
	uint32_t mask = route_mask(r->plen);

	for (int i = 0; i < 4; i++) {
		out[i] = (r->dst >> (24 - 8 * i)) & 0xff;
		out[4 + i] = (mask >> (24 - 8 * i)) & 0xff;
		out[8 + i] = (r->nexthop >> (24 - 8 * i)) & 0xff;
	}
	out[12] = r->metric;
	return PERSIST_INDEX_LEN;
}

/* Destination, prefix length, next hop, the interface's name (length first), metric. */
static size_t
proute6_index(const struct proute *r, oid *out)
{
	size_t n = 0, len = strlen(r->ifname);

	for (int i = 0; i < 16; i++)
		out[n++] = r->dst6[i];
	out[n++] = r->plen;
	for (int i = 0; i < 16; i++)
		out[n++] = r->nexthop6[i];
	out[n++] = len;
	for (size_t i = 0; i < len; i++)
		out[n++] = (unsigned char)r->ifname[i];
	out[n++] = r->metric;
	return n;
}

static size_t
live_index4(const void *live, oid *out)
{
	route_index_oid(live, out);
	return ROUTE_INDEX_LEN;
}

static size_t
live_index6(const void *live, oid *out)
{
	route6_index_oid(live, out);
	return ROUTE6_INDEX_LEN;
}

static const oid caption4[] = { CIMR_PERSIST_ENTRY, COL_PERSIST_CAPTION };
static const oid age4[] = { CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_AGE };
static const oid caption6[] = { CIMR_PERSIST6_ENTRY, COL_PERSIST6_CAPTION };
static const oid age6[] = { CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_AGE };

#define PSIDE(is6, index_fn, live_fn, caption_oid, age_oid)                       \
	{                                                                         \
		.six = (is6), .index = (index_fn), .live_index = (live_fn),       \
		.caption = (caption_oid), .caption_len = OID_LENGTH(caption_oid), \
		.age = (age_oid), .age_len = OID_LENGTH(age_oid),                 \
	}

static struct pside side4 = PSIDE(0, proute_index, live_index4, caption4, age4);
static struct pside side6 = PSIDE(1, proute6_index, live_index6, caption6, age6);

/*
 * A side's persisted table, or its active table (the rows the kernel has):
 * the context of the table's callbacks and of its two scalars.
 */
struct pview {
	const struct pside *side;
	int active;
};

static struct pview persist4_view = { &side4, 0 }, active4_view = { &side4, 1 };
static struct pview persist6_view = { &side6, 0 }, active6_view = { &side6, 1 };

#define VIEW(ctx) ((const struct pview *)(ctx))
#define SIDE(ctx) (VIEW(ctx)->side)

static const struct persist *
PERSIST(void *ctx)
{
	return SIDE(ctx)->six ? &SIDE(ctx)->w->persist6 : &SIDE(ctx)->w->persist;
}

static const struct mirror *
MIRROR(void *ctx)
{
	return SIDE(ctx)->six ? SIDE(ctx)->w->pm6 : SIDE(ctx)->w->pm;
}

/* Is row i of the view's set one of its rows? */
static int
in_view(void *ctx, const struct persist *p, size_t i)
{
	return !VIEW(ctx)->active || p->v[i].active;
}

/* The first row of the view at or after (strict: after) the index. */
static const void *
seek_cb(void *ctx, const oid *idx, size_t len, int strict)
{
	const struct persist *p = PERSIST(ctx);
	oid o[PERSIST6_INDEX_MAX];

	for (size_t i = 0; i < p->n; i++) {
		int c;

		if (!in_view(ctx, p, i))
			continue;
		if (len == 0 && !strict)
			return &p->v[i];
		c = snmp_oid_compare(o, SIDE(ctx)->index(&p->v[i], o), idx, len);
		if (c > 0 || (c == 0 && !strict))
			return &p->v[i];
	}
	return NULL;
}

static const void *
next_cb(void *ctx, const void *row)
{
	const struct persist *p = PERSIST(ctx);

	for (size_t i = (size_t)(ROW(row) - p->v) + 1; i < p->n; i++)
		if (in_view(ctx, p, i))
			return &p->v[i];
	return NULL;
}

static size_t
index_cb(void *ctx, const void *row, oid *out)
{
	return SIDE(ctx)->index(row, out);
}

/* ---- the persisted tables' columns ---------------------------------------- */

static void
summary(void *ctx, const struct proute *r, char *buf, size_t len)
{
	char route[SUMMARY_MAX - 20];

	PERSIST(ctx)->fam->format(r, route, sizeof(route));
	snprintf(buf, len, "%s metric %u", route, r->metric);
}

static int
get_caption(const void *row, struct mib_value *v, void *ctx)
{
	char buf[SUMMARY_MAX];

	summary(ctx, row, buf, sizeof(buf));
	mib_set_str(v, buf, 64);
	return 0;
}

static int
get_description(const void *row, struct mib_value *v, void *ctx)
{
	char buf[SUMMARY_MAX + 64], s[SUMMARY_MAX];
	const struct mirror *m = MIRROR(ctx);
	const void *live = ROW(row)->active ? persist_live_of(PERSIST(ctx), row, m) : NULL;
	int32_t ifindex = 0;
	const struct link *l;

	if (live != NULL)
		ifindex = SIDE(ctx)->six ? ((const struct route6 *)live)->ifindex :
					   ((const struct route *)live)->ifindex;
	l = live != NULL ? mirror_link(m, ifindex) : NULL;
	summary(ctx, row, s, sizeof(s));
	if (l != NULL)
		snprintf(buf, sizeof(buf), "%s table main dev %s%s", s, l->name,
		    ROW(row)->is_volatile ? " (volatile)" : "");
	else
		snprintf(buf, sizeof(buf), "%s table main (not installed)%s", s,
		    ROW(row)->is_volatile ? " (volatile)" : "");
	mib_set_str(v, buf, 255);
	return 0;
}

static int
get_install_date(const void *row, struct mib_value *v, void *ctx)
{
	struct timespec t = { ROW(row)->created, 0 };

	if (t.tv_sec == 0)
		return -1; /* a hand-written line without "created" */
	mib_set_date(v, &t);
	return 0;
}

static int
get_name(const void *row, struct mib_value *v, void *ctx)
{
	char buf[ROUTEFMT_MAX];

	PERSIST(ctx)->fam->prefix(row, buf, sizeof(buf));
	mib_set_str(v, buf, 255);
	return 0;
}

static int
get_status(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_str(v, persist_status(ROW(row)), 10);
	return 0;
}

static int
get_apply_error(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_str(v, ROW(row)->active ? "" : ROW(row)->error, 255);
	return 0;
}

static int
get_storage(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, ROW(row)->is_volatile ? ST_VOLATILE : ST_NONVOLATILE);
	return 0;
}

static int
get_row_status(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, RS_ACTIVE);
	return 0;
}

static const struct mib_column persist_columns[] = {
	{ COL_PERSIST_CAPTION, get_caption },
	{ COL_PERSIST_DESCRIPTION, get_description },
	{ COL_PERSIST_INSTALLDATE, get_install_date },
	{ COL_PERSIST_NAME, get_name },
	{ COL_PERSIST_STATUS, get_status },
	{ COL_PERSIST_APPLYERROR, get_apply_error },
	{ COL_PERSIST_STORAGETYPE, get_storage },
	{ COL_PERSIST_ROWSTATUS, get_row_status },
};

static const struct mib_column persist6_columns[] = {
	{ COL_PERSIST6_CAPTION, get_caption },
	{ COL_PERSIST6_DESCRIPTION, get_description },
	{ COL_PERSIST6_INSTALLDATE, get_install_date },
	{ COL_PERSIST6_NAME, get_name },
	{ COL_PERSIST6_STATUS, get_status },
	{ COL_PERSIST6_APPLYERROR, get_apply_error },
	{ COL_PERSIST6_STORAGETYPE, get_storage },
	{ COL_PERSIST6_ROWSTATUS, get_row_status },
};

/* ---- the active tables' columns ------------------------------------------- */

static void
set_pointer(struct mib_value *v, const oid *prefix, size_t plen, const oid *idx, size_t ilen)
{
	v->type = ASN_OBJECT_ID;
	memcpy(v->v.o, prefix, plen * sizeof(oid));
	memcpy(v->v.o + plen, idx, ilen * sizeof(oid));
	v->len = (plen + ilen) * sizeof(oid);
}

static int
get_same_element(const void *row, struct mib_value *v, void *ctx)
{
	oid idx[PERSIST6_INDEX_MAX];

	set_pointer(v, SIDE(ctx)->caption, SIDE(ctx)->caption_len, idx, SIDE(ctx)->index(row, idx));
	return 0;
}

static int
get_system_element(const void *row, struct mib_value *v, void *ctx)
{
	const void *live = persist_live_of(PERSIST(ctx), row, MIRROR(ctx));
	oid idx[ROUTE6_INDEX_LEN];

	_Static_assert(ROUTE_INDEX_LEN <= ROUTE6_INDEX_LEN, "either family's index fits");
	if (live == NULL)
		return -1;
	set_pointer(v, SIDE(ctx)->age, SIDE(ctx)->age_len, idx, SIDE(ctx)->live_index(live, idx));
	return 0;
}

static const struct mib_column active_columns[] = {
	{ COL_ACTIVE_SAMEELEMENT, get_same_element },
	{ COL_ACTIVE_SYSTEMELEMENT, get_system_element },
};

/* ---- the tables ------------------------------------------------------------- */

/* The four tables: the rows of a view (the table's context) with its columns. */
#define PTABLE(table_name, view, columns, ...)                                      \
	{                                                                           \
		.name = (table_name), MIB_ENTRY(__VA_ARGS__), MIB_COLUMNS(columns), \
		.seek = seek_cb, .next = next_cb, .index = index_cb, .ctx = (view), \
	}

static struct mib_table persist_table =
    PTABLE("cimIP4PersistedRouteTable", &persist4_view, persist_columns, CIMR_PERSIST_ENTRY);
static struct mib_table active_table =
    PTABLE("cimActiveRouteTable", &active4_view, active_columns, CIMR_ACTIVE_ENTRY);
static struct mib_table persist6_table =
    PTABLE("cimIP6PersistedRouteTable", &persist6_view, persist6_columns, CIMR_PERSIST6_ENTRY);
static struct mib_table active6_table =
    PTABLE("cimIP6ActiveRouteTable", &active6_view, active_columns, CIMR_ACTIVE6_ENTRY);

/* ---- scalars: a view's count and last change ---------------------------------- */

static int
get_count(const void *row, struct mib_value *v, void *ctx)
{
	const struct persist *p = PERSIST(ctx);

	mib_set_uint(v, ASN_GAUGE, VIEW(ctx)->active ? p->nactive : p->n);
	return 0;
}

static int
get_change(const void *row, struct mib_value *v, void *ctx)
{
	const struct persist *p = PERSIST(ctx);

	mib_set_date(v, VIEW(ctx)->active ? &p->active_change : &p->last_change);
	return 0;
}

/*
 * One family's two tables and four scalars: each table's count and last
 * change, the persisted table's under parc, the active table's under aarc
 * (alen sub-identifiers each); names: the four scalars', in that order.
 */
static int
register_side(struct mib_table *pt, struct mib_table *at, const struct txn_ops *ops,
    struct txn *txn, const oid *parc, const oid *aarc, size_t alen, const char *const names[4])
{
	oid o[MAX_OID_LEN];

	if (txn_bind(txn, pt, ops, SIDE(pt->ctx)->w) < 0)
		return -1;
	for (int i = 0; i < 4; i++) {
		memcpy(o, i < 2 ? parc : aarc, alen * sizeof(oid));
		o[alen] = i % 2 == 0 ? CIMR_ARC_COUNT : CIMR_ARC_LASTCHANGE;
		if (mib_scalar_register(names[i], o, alen + 1, i % 2 == 0 ? get_count : get_change,
			i < 2 ? pt->ctx : at->ctx) < 0)
			return -1;
	}
	return mib_table_register(pt) < 0 || mib_table_register(at) < 0 ? -1 : 0;
}

int
mib_persist_register(struct writer *w, struct txn *txn)
{
	static const oid p4[] = { CIMR_PERSIST }, a4[] = { CIMR_ACTIVE };
	static const oid p6[] = { CIMR_PERSIST6 }, a6[] = { CIMR_ACTIVE6 };
	static const char *const n4[] = { "cimIP4PersistedRouteCount",
		"cimIP4PersistedRouteLastChange", "cimActiveRouteCount",
		"cimActiveRouteLastChange" };
	static const char *const n6[] = { "cimIP6PersistedRouteCount",
		"cimIP6PersistedRouteLastChange", "cimIP6ActiveRouteCount",
		"cimIP6ActiveRouteLastChange" };

	_Static_assert(OID_LENGTH(p4) == OID_LENGTH(a4) && OID_LENGTH(p6) == OID_LENGTH(a6),
	    "the arcs are siblings");
	side4.w = w;
	side6.w = w;
	return register_side(&persist_table, &active_table, &mib_set_persist_ops, txn, p4, a4,
		   OID_LENGTH(p4), n4) < 0 ||
		register_side(&persist6_table, &active6_table, &mib_set_persist6_ops, txn, p6, a6,
		    OID_LENGTH(p6), n6) < 0 ?
	    -1 :
	    0;
}
