/* The rows and shared columns of the route tables: see mib_rt.h. */
#include "config.h"

#include <linux/rtnetlink.h>
#include <string.h>

#include "route/mib_rt.h"
#include "route/mirror.h"
#include "route/routefmt.h"
#include "route/rt.h"
#include "route/writer.h"

void
mib_rt_bind(struct mib_rt *c, struct mirror *m, const struct rt_ops *ops, mib_rt_text_fn text,
    const struct pending *extra, oid live_col)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->ops = ops;
	c->text = text;
	c->extra = extra;
	c->live_col = live_col;
}

uint8_t
mib_rt_flags(const struct mib_rt *c, const void *row)
{
	return *((const uint8_t *)row + c->ops->flags_off);
}

int
mib_rt_pending(const struct mib_rt *c, const void *row)
{
	return (mib_rt_flags(c, row) & ROUTE_F_PENDING) != 0;
}

static uint32_t
seen(const struct mib_rt *c, const void *row)
{
	uint32_t t;

	memcpy(&t, (const uint8_t *)row + c->ops->seen_off, sizeof(t));
	return t;
}

/* ---- rows ------------------------------------------------------------------- */

static const void *
extra_at(const struct mib_rt *c, size_t i)
{
	return c->extra != NULL ? pending_at(c->extra, i) : NULL;
}

/* The lesser of the two cursors' rows. */
static const void *
merged(struct mib_rt *c)
{
	const void *p = extra_at(c, c->pi);

	if (p != NULL && (c->krow == NULL || c->ops->store->cmp(p, c->krow) < 0))
		return c->last_row = p;
	return c->last_row = c->krow;
}

const void *
mib_rt_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	struct mib_rt *c = ctx;
	const struct ostore *t = mirror_table(c->m);

	if (len == 0 && !strict)
		c->krow = ostore_first(c->ops->store, t, &c->kpos);
	else
		c->krow = ostore_seek_oid(c->ops->store, t, idx, len, strict, &c->kpos);
	c->pi = c->extra != NULL ? pending_seek_oid(c->extra, idx, len, strict) : 0;
	return merged(c);
}

/* Whether the cursors are where seek/next left them, on row. */
static int
cursor_at(const struct mib_rt *c, const void *row)
{
	if (row == NULL || row != c->last_row)
		return 0;
	if (c->krow != NULL && ostore_at(c->ops->store, mirror_table(c->m), &c->kpos) != c->krow)
		return 0;
	return row == c->krow || row == extra_at(c, c->pi);
}

const void *
mib_rt_next(void *ctx, const void *row)
{
	struct mib_rt *c = ctx;
	const void *p;
	oid idx[OSTORE_OID_MAX];

	if (!cursor_at(c, row)) {
		c->ops->store->index_oid(row, idx);
		return mib_rt_seek(ctx, idx, c->ops->store->index_len, 1);
	}
	if (row == c->krow)
		c->krow = ostore_next(c->ops->store, mirror_table(c->m), &c->kpos);
	/* Past row in the extra rows too (and past one with the kernel row's index). */
	while ((p = extra_at(c, c->pi)) != NULL && c->ops->store->cmp(p, row) <= 0)
		c->pi++;
	return merged(c);
}

/*
 * InstallDate is known only for routes that appeared while we ran, often a
 * few among many: skip to the next such route, whole chunks at a time.
 * Extra rows have no InstallDate either.
 */
static const void *
next_live_row(struct mib_rt *c, const void *row)
{
	const void *r = mib_rt_next(c, row), *p;

	if (r == NULL || (r == c->krow && (mib_rt_flags(c, r) & ROUTE_F_LIVE)))
		return r;
	if (c->krow != NULL && !(mib_rt_flags(c, c->krow) & ROUTE_F_LIVE))
		c->krow = ostore_next_marked(c->ops->store, mirror_table(c->m), &c->kpos);
	while ((p = extra_at(c, c->pi)) != NULL &&
	    (c->krow == NULL || c->ops->store->cmp(p, c->krow) < 0))
		c->pi++;
	return merged(c);
}

const void *
mib_rt_next_in(void *ctx, const void *row, oid col)
{
	struct mib_rt *c = ctx;

	if (col == c->live_col && c->ops->store->marked != NULL)
		return next_live_row(c, row);
	return mib_rt_next(ctx, row);
}

size_t
mib_rt_index(void *ctx, const void *row, oid *out)
{
	const struct mib_rt *c = ctx;

	c->ops->store->index_oid(row, out);
	return c->ops->store->index_len;
}

/* ---- the shared columns ------------------------------------------------------ */

int
mib_rt_get_age(const void *row, struct mib_value *v, void *ctx)
{
	const struct mib_rt *c = ctx;
	uint32_t age = mirror_now(c->m) - seen(c, row);

	if (mib_rt_pending(c, row))
		return -1; /* not in the kernel: only its writable columns */
	mib_set_int(v, ASN_INTEGER, age > INT32_MAX ? INT32_MAX : (long)age);
	return 0;
}

int
mib_rt_get_install_date(const void *row, struct mib_value *v, void *ctx)
{
	const struct mib_rt *c = ctx;
	struct timespec when = { 0, 0 };

	if (!(mib_rt_flags(c, row) & ROUTE_F_LIVE) || mib_rt_pending(c, row))
		return -1; /* already there when we started: unknown */
	when.tv_sec = mirror_wall(c->m, seen(c, row));
	mib_set_date(v, &when);
	return 0;
}

int
mib_rt_get_status(const void *row, struct mib_value *v, void *ctx)
{
	const struct mib_rt *c = ctx;
	int bad = mib_rt_flags(c, row) & (ROUTE_F_DEAD | ROUTE_F_LINKDOWN);

	if (mib_rt_pending(c, row))
		return -1;
	mib_set_str(v, bad ? "Error" : "OK", 10);
	return 0;
}

int
mib_rt_get_row_status(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, mib_rt_pending(ctx, row) ? RS_NOTINSERVICE : RS_ACTIVE);
	return 0;
}

int
mib_rt_metric1(uint32_t metric, struct mib_value *v)
{
	if (metric > INT32_MAX)
		return -1; /* not representable in WMI's sint32 */
	mib_set_int(v, ASN_INTEGER, (long)metric);
	return 0;
}

/* rtm_protocol or rtm_type of a kernel row (-1: a createAndWait row). */
static int
kernel_byte(const struct mib_rt *c, const void *row, size_t off)
{
	return mib_rt_pending(c, row) ? -1 : *((const uint8_t *)row + off);
}

int
mib_rt_get_kernel_protocol(const void *row, struct mib_value *v, void *ctx)
{
	const struct mib_rt *c = ctx;
	int proto = kernel_byte(c, row, c->ops->kind_off + 1); /* rt.h: type, then protocol */

	if (proto < 0)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, (u_long)proto);
	return 0;
}

/* WMI's Protocol is the kernel's, mapped to RFC 1213's values. */
int
mib_rt_get_protocol(const void *row, struct mib_value *v, void *ctx)
{
	if (mib_rt_get_kernel_protocol(row, v, ctx) < 0)
		return -1;
	mib_set_int(v, ASN_INTEGER, routefmt_wmi_protocol((uint8_t)v->v.u));
	return 0;
}

int
mib_rt_get_kernel_type(const void *row, struct mib_value *v, void *ctx)
{
	const struct mib_rt *c = ctx;
	int type = kernel_byte(c, row, c->ops->kind_off);

	if (type < RTN_UNICAST || type > RTN_XRESOLVE)
		return -1;
	mib_set_int(v, ASN_INTEGER, type);
	return 0;
}

/* Caption and Description: the route as `ip route` shows it, cut to the column's size. */
static int
get_text(const void *row, struct mib_value *v, const struct mib_rt *c, routefmt_fn fmt, size_t max)
{
	char buf[ROUTEFMT_MAX];

	if (mib_rt_pending(c, row))
		return -1;
	c->text(row, c->m, buf, sizeof(buf), fmt);
	mib_set_str(v, buf, max);
	return 0;
}

int
mib_rt_get_caption(const void *row, struct mib_value *v, void *ctx)
{
	return get_text(row, v, ctx, routefmt_caption_of, 64); /* WMI Caption: MaxLen 64 */
}

int
mib_rt_get_description(const void *row, struct mib_value *v, void *ctx)
{
	return get_text(row, v, ctx, routefmt_description_of, 255);
}

/* ---- scalars ------------------------------------------------------------------- */

/* The rows a walk gives: the kernel's routes and the createAndWait rows waiting beside them. */
int
mib_rt_get_count(const void *row, struct mib_value *v, void *ctx)
{
	const struct mib_rt *c = ctx;
	size_t n = ((const struct ostore *)mirror_table(c->m))->count;

	mib_set_uint(v, ASN_GAUGE, n + (c->extra != NULL ? c->extra->n : 0));
	return 0;
}

/* The later of a change of the kernel's routes and of the waiting rows. */
int
mib_rt_get_last_change(const void *row, struct mib_value *v, void *ctx)
{
	const struct mib_rt *c = ctx;
	struct timespec ts = mirror_last_change(c->m);

	if (c->extra != NULL &&
	    (c->extra->last_change.tv_sec > ts.tv_sec ||
		(c->extra->last_change.tv_sec == ts.tv_sec &&
		    c->extra->last_change.tv_nsec > ts.tv_nsec)))
		ts = c->extra->last_change;
	mib_set_date(v, &ts);
	return 0;
}

int
mib_rt_register_scalars(struct mib_rt *c, const char *count_name, const char *change_name,
    const oid *arc, size_t arc_len)
{
	oid o[MAX_OID_LEN];

	if (arc_len + 1 > MAX_OID_LEN)
		return -1;
	memcpy(o, arc, arc_len * sizeof(oid));
	o[arc_len] = CIMR_ARC_COUNT;
	if (mib_scalar_register(count_name, o, arc_len + 1, mib_rt_get_count, c) < 0)
		return -1;
	o[arc_len] = CIMR_ARC_LASTCHANGE;
	return mib_scalar_register(change_name, o, arc_len + 1, mib_rt_get_last_change, c);
}
