/*
 * cimIP4PersistedRoute (Win32_IP4PersistedRouteTable) and cimActiveRoute
 * (Win32_ActiveRoute): read side.  Both tables share the persisted route's
 * index; an active row exists while the kernel has the persisted route.
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

#define PERSIST_INDEX_LEN 13

#define ROW(p) ((const struct proute *)(p))

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

/* The first row at or after (strict: after) the index; active: only rows the kernel has. */
#define PERSIST(ctx) (&((const struct writer *)(ctx))->persist)
#define MIRROR(ctx)  (((const struct writer *)(ctx))->pm)

static const struct proute *
seek(const struct persist *p, const oid *idx, size_t len, int strict, int active)
{
	oid o[PERSIST_INDEX_LEN];

	for (size_t i = 0; i < p->n; i++) {
		int c;

		if (active && !p->v[i].active)
			continue;
		if (len == 0 && !strict)
			return &p->v[i];
		proute_index(&p->v[i], o);
		c = snmp_oid_compare(o, PERSIST_INDEX_LEN, idx, len);
		if (c > 0 || (c == 0 && !strict))
			return &p->v[i];
	}
	return NULL;
}

static const void *
persist_seek_cb(void *ctx, const oid *idx, size_t len, int strict)
{
	return seek(PERSIST(ctx), idx, len, strict, 0);
}

static const void *
active_seek_cb(void *ctx, const oid *idx, size_t len, int strict)
{
	return seek(PERSIST(ctx), idx, len, strict, 1);
}

static const void *
persist_next_cb(void *ctx, const void *row)
{
	const struct persist *p = PERSIST(ctx);
	size_t i = (size_t)(ROW(row) - p->v) + 1;

	return i < p->n ? &p->v[i] : NULL;
}

static const void *
active_next_cb(void *ctx, const void *row)
{
	const struct persist *p = PERSIST(ctx);

	for (size_t i = (size_t)(ROW(row) - p->v) + 1; i < p->n; i++)
		if (p->v[i].active)
			return &p->v[i];
	return NULL;
}

static size_t
index_cb(void *ctx, const void *row, oid *out)
{
	return proute_index(row, out);
}

/* ---- cimIP4PersistedRouteTable columns ------------------------------------- */

static void
summary(const struct proute *r, char *buf, size_t len)
{
	char d[ADDR4_STRLEN], h[ADDR4_STRLEN];

	addr4_ntop(r->dst, d, sizeof(d));
	addr4_ntop(r->nexthop, h, sizeof(h));
	snprintf(buf, len, "%s/%u via %s metric %u", d, r->plen, h, r->metric);
}

static int
get_caption(const void *row, struct mib_value *v, void *ctx)
{
	char buf[ROUTEFMT_MAX];

	summary(row, buf, sizeof(buf));
	mib_set_str(v, buf, 64);
	return 0;
}

static int
get_description(const void *row, struct mib_value *v, void *ctx)
{
	char buf[ROUTEFMT_MAX], s[80];
	const struct route *live = ROW(row)->active ? persist_live(row, MIRROR(ctx)) : NULL;
	const struct link *l = live != NULL ? mirror_link(MIRROR(ctx), live->ifindex) : NULL;

	summary(row, s, sizeof(s));
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
	char buf[ROUTEFMT_MAX], d[ADDR4_STRLEN];

	addr4_ntop(ROW(row)->dst, d, sizeof(d));
	snprintf(buf, sizeof(buf), "%s/%u", d, ROW(row)->plen);
	mib_set_str(v, buf, 255);
	return 0;
}

static int
get_status(const void *row, struct mib_value *v, void *ctx)
{
	const char *s = ROW(row)->active ? "OK" : ROW(row)->error[0] != '\0' ? "Error" : "Starting";

	mib_set_str(v, s, 10);
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

static struct mib_table persist_table = {
	.name = "cimIP4PersistedRouteTable",
	MIB_ENTRY(CIMR_PERSIST_ENTRY),
	MIB_COLUMNS(persist_columns),
	.seek = persist_seek_cb,
	.next = persist_next_cb,
	.index = index_cb,
};

/* ---- cimActiveRouteTable columns ---------------------------------------- */

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
	static const oid caption[] = { CIMR_PERSIST_ENTRY, COL_PERSIST_CAPTION };
	oid idx[PERSIST_INDEX_LEN];

	set_pointer(v, caption, OID_LENGTH(caption), idx, proute_index(row, idx));
	return 0;
}

static int
get_system_element(const void *row, struct mib_value *v, void *ctx)
{
	static const oid age[] = { CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_AGE };
	const struct route *live = persist_live(row, MIRROR(ctx));
	oid idx[ROUTE_INDEX_LEN];

	if (live == NULL)
		return -1;
	route_index_oid(live, idx);
	set_pointer(v, age, OID_LENGTH(age), idx, ROUTE_INDEX_LEN);
	return 0;
}

static const struct mib_column active_columns[] = {
	{ COL_ACTIVE_SAMEELEMENT, get_same_element },
	{ COL_ACTIVE_SYSTEMELEMENT, get_system_element },
};

static struct mib_table active_table = {
	.name = "cimActiveRouteTable",
	MIB_ENTRY(CIMR_ACTIVE_ENTRY),
	MIB_COLUMNS(active_columns),
	.seek = active_seek_cb,
	.next = active_next_cb,
	.index = index_cb,
};

/* ---- scalars ---------------------------------------------------------------- */

static int
get_persist_count(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_GAUGE, PERSIST(ctx)->n);
	return 0;
}

static int
get_persist_change(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_date(v, &PERSIST(ctx)->last_change);
	return 0;
}

static int
get_active_count(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_GAUGE, PERSIST(ctx)->nactive);
	return 0;
}

static int
get_active_change(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_date(v, &PERSIST(ctx)->active_change);
	return 0;
}

int
mib_persist_register(struct writer *w, struct txn *txn)
{
	static const oid pcount[] = { CIMR_PERSIST, CIMR_ARC_COUNT };
	static const oid pchange[] = { CIMR_PERSIST, CIMR_ARC_LASTCHANGE };
	static const oid acount[] = { CIMR_ACTIVE, CIMR_ARC_COUNT };
	static const oid achange[] = { CIMR_ACTIVE, CIMR_ARC_LASTCHANGE };

	persist_table.ctx = w;
	active_table.ctx = w;
	if (txn_bind(txn, &persist_table, &mib_set_persist_ops, w) < 0 ||
	    mib_scalar_register("cimIP4PersistedRouteCount", pcount, OID_LENGTH(pcount),
		get_persist_count, w) < 0 ||
	    mib_scalar_register("cimIP4PersistedRouteLastChange", pchange, OID_LENGTH(pchange),
		get_persist_change, w) < 0 ||
	    mib_scalar_register("cimActiveRouteCount", acount, OID_LENGTH(acount), get_active_count,
		w) < 0 ||
	    mib_scalar_register("cimActiveRouteLastChange", achange, OID_LENGTH(achange),
		get_active_change, w) < 0)
		return -1;
	return mib_table_register(&persist_table) < 0 || mib_table_register(&active_table) < 0 ?
	    -1 :
	    0;
}
