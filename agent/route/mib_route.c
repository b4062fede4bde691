/* cimIP4Route: the scalars and cimIP4RouteTable (Win32_IP4RouteTable), read side. */
#include "config.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "snmp/mib.h"
#include "snmp/txn.h"
#include "route/mirror.h"
#include "route/routefmt.h"
#include "route/writer.h"

/*
 * The rows are the mirror's and the createAndWait rows (the writer's pending),
 * merged in index order.  A cursor in each sequence makes a GETNEXT that
 * skips rows (a sparse column) O(1) a row with rows pending (issue 9 item 6).
 * On an equal index, the kernel's row is the one shown.
 */
struct route_ctx {
	struct mirror *m;
	struct writer *w;             /* its createAndWait rows; NULL: none */
	struct route_pos kpos;        /* the mirror cursor */
	const struct route *krow;     /* the mirror's row at kpos, NULL at the end */
	size_t pi;                    /* the pending cursor: w->pending[pi] is next */
	const struct route *last_row; /* the row seek/next returned last */
};

static struct route_ctx rctx;

static const struct route *
pending_at(const struct route_ctx *c, size_t i)
{
	return c->w != NULL && i < c->w->npending ? &c->w->pending[i] : NULL;
}

/* The lesser of the two cursors' rows. */
static const struct route *
merged(struct route_ctx *c)
{
	const struct route *p = pending_at(c, c->pi);

	if (p != NULL && (c->krow == NULL || route_cmp(p, c->krow) < 0))
		return c->last_row = p;
	return c->last_row = c->krow;
}

static const void *
route_seek_cb(void *ctx, const oid *idx, size_t len, int strict)
{
	struct route_ctx *c = ctx;
	const struct route_table *t = mirror_routes(c->m);

	if (len == 0 && !strict)
		c->krow = route_first(t, &c->kpos);
	else
		c->krow = route_seek_oid(t, idx, len, strict, &c->kpos);
	c->pi = c->w != NULL ? writer_pending_seek_oid(c->w, idx, len, strict) : 0;
	return merged(c);
}

/* Whether the cursors are where seek/next left them, on row. */
static int
cursor_at(const struct route_ctx *c, const void *row)
{
	const struct route_table *t = mirror_routes(c->m);

	return row != NULL && row == c->last_row &&
	    (c->krow == NULL || route_at(t, &c->kpos) == c->krow) &&
	    (row == c->krow || row == pending_at(c, c->pi));
}

static const void *
route_next_cb(void *ctx, const void *row)
{
	struct route_ctx *c = ctx;
	const struct route *p;
	oid idx[ROUTE_INDEX_LEN];

	if (!cursor_at(c, row)) {
		route_index_oid(row, idx);
		return route_seek_cb(ctx, idx, ROUTE_INDEX_LEN, 1);
	}
	if (row == c->krow)
		c->krow = route_next(mirror_routes(c->m), &c->kpos);
	/* Past row in the pending rows too (and past one with the kernel row's index). */
	while ((p = pending_at(c, c->pi)) != NULL && route_cmp(p, row) <= 0)
		c->pi++;
	return merged(c);
}

/*
 * InstallDate is known only for routes that appeared while we ran, often a
 * few among many: skip to the next such route, whole chunks at a time.
 * createAndWait rows have no InstallDate either.
 */
static const void *
next_live_row(struct route_ctx *c, const void *row)
{
	const struct route *r = route_next_cb(c, row), *p;

	if (r == NULL || (r == c->krow && (r->flags & ROUTE_F_LIVE)))
		return r;
	if (c->krow != NULL && !(c->krow->flags & ROUTE_F_LIVE))
		c->krow = route_next_live(mirror_routes(c->m), &c->kpos);
	while ((p = pending_at(c, c->pi)) != NULL && (c->krow == NULL || route_cmp(p, c->krow) < 0))
		c->pi++;
	return merged(c);
}

static const void *
route_next_in_cb(void *ctx, const void *row, oid col)
{
	if (col == COL_IP4ROUTE_INSTALLDATE)
		return next_live_row(ctx, row);
	return route_next_cb(ctx, row);
}

static size_t
route_index_cb(void *ctx, const void *row, oid *out)
{
	route_index_oid(row, out);
	return ROUTE_INDEX_LEN;
}

/* ---- columns ----------------------------------------------------------- */

#define ROW(p)      ((const struct route *)(p))
#define MIRROR(ctx) (((struct route_ctx *)(ctx))->m)
/* A createAndWait row is not in the kernel: it has only its writable columns. */
#define KERNEL_ONLY(row)                               \
	do {                                           \
		if (ROW(row)->flags & ROUTE_F_PENDING) \
			return -1;                     \
	} while (0)

static int
get_age(const void *row, struct mib_value *v, void *ctx)
{
	uint32_t now = mirror_now(MIRROR(ctx));
	uint32_t age = now - ROW(row)->first_seen;

	KERNEL_ONLY(row);
	mib_set_int(v, ASN_INTEGER, age > INT32_MAX ? INT32_MAX : (long)age);
	return 0;
}

/* Caption and Description: the route as `ip route` shows it, cut to the column's size. */
static int
get_text(const void *row, struct mib_value *v, void *ctx,
    void (*fmt)(const struct route *, const struct mirror *, char *, size_t), size_t max)
{
	char buf[ROUTEFMT_MAX];

	KERNEL_ONLY(row);
	fmt(ROW(row), MIRROR(ctx), buf, sizeof(buf));
	mib_set_str(v, buf, max);
	return 0;
}

static int
get_caption(const void *row, struct mib_value *v, void *ctx)
{
	return get_text(row, v, ctx, routefmt_caption, 64);
}

static int
get_description(const void *row, struct mib_value *v, void *ctx)
{
	return get_text(row, v, ctx, routefmt_description, 255);
}

static int
get_information(const void *row, struct mib_value *v, void *ctx)
{
	KERNEL_ONLY(row);
	/* RFC 1213 ipRouteInfo: no protocol-specific MIB, so zeroDotZero. */
	v->type = ASN_OBJECT_ID;
	v->v.o[0] = 0;
	v->v.o[1] = 0;
	v->len = 2 * sizeof(oid);
	return 0;
}

static int
get_install_date(const void *row, struct mib_value *v, void *ctx)
{
	struct timespec when = { 0, 0 };

	KERNEL_ONLY(row);
	if (!(ROW(row)->flags & ROUTE_F_LIVE))
		return -1; /* already there when we started: unknown */
	when.tv_sec = mirror_wall(MIRROR(ctx), ROW(row)->first_seen);
	mib_set_date(v, &when);
	return 0;
}

static int
get_metric1(const void *row, struct mib_value *v, void *ctx)
{
	if (ROW(row)->metric > INT32_MAX)
		return -1; /* not representable in WMI's sint32 */
	mib_set_int(v, ASN_INTEGER, (long)ROW(row)->metric);
	return 0;
}

static int
get_metric_unused(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, -1); /* Linux keeps one metric; WMI: -1 when unused */
	return 0;
}

static int
get_name(const void *row, struct mib_value *v, void *ctx)
{
	char buf[ROUTEFMT_MAX];

	routefmt_prefix(ROW(row), buf, sizeof(buf));
	mib_set_str(v, buf, 255);
	return 0;
}

static int
get_protocol(const void *row, struct mib_value *v, void *ctx)
{
	KERNEL_ONLY(row);
	mib_set_int(v, ASN_INTEGER, routefmt_wmi_protocol(ROW(row)->proto));
	return 0;
}

static int
get_status(const void *row, struct mib_value *v, void *ctx)
{
	int bad = ROW(row)->flags & (ROUTE_F_DEAD | ROUTE_F_LINKDOWN);

	KERNEL_ONLY(row);
	mib_set_str(v, bad ? "Error" : "OK", 10);
	return 0;
}

static int
get_type(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, routefmt_wmi_type(ROW(row)));
	return 0;
}

static int
get_kernel_protocol(const void *row, struct mib_value *v, void *ctx)
{
	KERNEL_ONLY(row);
	mib_set_uint(v, ASN_UNSIGNED, ROW(row)->proto);
	return 0;
}

static int
get_kernel_type(const void *row, struct mib_value *v, void *ctx)
{
	KERNEL_ONLY(row);
	if (ROW(row)->type < RTN_UNICAST || ROW(row)->type > RTN_XRESOLVE)
		return -1;
	mib_set_int(v, ASN_INTEGER, ROW(row)->type);
	return 0;
}

static int
get_row_status(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER,
	    ROW(row)->flags & ROUTE_F_PENDING ? RS_NOTINSERVICE : RS_ACTIVE);
	return 0;
}

static const struct mib_column route_columns[] = {
	{ COL_IP4ROUTE_AGE, get_age },
	{ COL_IP4ROUTE_CAPTION, get_caption },
	{ COL_IP4ROUTE_DESCRIPTION, get_description },
	{ COL_IP4ROUTE_INFORMATION, get_information },
	{ COL_IP4ROUTE_INSTALLDATE, get_install_date },
	{ COL_IP4ROUTE_METRIC1, get_metric1 },
	{ COL_IP4ROUTE_METRIC2, get_metric_unused },
	{ COL_IP4ROUTE_METRIC3, get_metric_unused },
	{ COL_IP4ROUTE_METRIC4, get_metric_unused },
	{ COL_IP4ROUTE_METRIC5, get_metric_unused },
	{ COL_IP4ROUTE_NAME, get_name },
	{ COL_IP4ROUTE_PROTOCOL, get_protocol },
	{ COL_IP4ROUTE_STATUS, get_status },
	{ COL_IP4ROUTE_TYPE, get_type },
	{ COL_IP4ROUTE_KERNELPROTOCOL, get_kernel_protocol },
	{ COL_IP4ROUTE_KERNELTYPE, get_kernel_type },
	{ COL_IP4ROUTE_ROWSTATUS, get_row_status },
};

static struct mib_table route_table = {
	.name = "cimIP4RouteTable",
	MIB_ENTRY(CIMR_IP4ROUTE_ENTRY),
	MIB_COLUMNS(route_columns),
	.seek = route_seek_cb,
	.next = route_next_cb,
	.next_in = route_next_in_cb,
	.index = route_index_cb,
	.ctx = &rctx,
};

const struct mib_table *mib_route_table = &route_table;

/* ---- scalars ------------------------------------------------------------ */

static int
get_count(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_GAUGE, mirror_routes(ctx)->count);
	return 0;
}

static int
get_last_change(const void *row, struct mib_value *v, void *ctx)
{
	struct timespec ts = mirror_last_change(ctx);

	mib_set_date(v, &ts);
	return 0;
}

/* The unit tests use it without registering anything. */
void
mib_route_bind(struct mirror *m, struct writer *w)
{
	memset(&rctx, 0, sizeof(rctx));
	rctx.m = m;
	rctx.w = w;
}

int
mib_route_register(struct mirror *m, struct writer *w, struct txn *txn)
{
	static const oid count_oid[] = { CIMR_IP4ROUTE, CIMR_ARC_COUNT };
	static const oid change_oid[] = { CIMR_IP4ROUTE, CIMR_ARC_LASTCHANGE };

	mib_route_bind(m, w);
	if (txn_bind(txn, &route_table, &mib_set_route_ops, w) < 0 ||
	    mib_scalar_register("cimIP4RouteCount", count_oid, OID_LENGTH(count_oid), get_count,
		m) < 0 ||
	    mib_scalar_register("cimIP4RouteLastChange", change_oid, OID_LENGTH(change_oid),
		get_last_change, m) < 0)
		return -1;
	return mib_table_register(&route_table);
}
