/*
 * The rows of a route table, whatever its family: the table-driven
 * handlers (snmp/mib.h) walk one family's mirror through its operations
 * (route/rt.h: the store's type, lib/ostore.h: its order, OID codec and
 * marked entries), merged in index order with the rows the agent keeps
 * beside the kernel's (createAndWait rows, not in the kernel yet).  A route table is then its column list and
 * a struct mib_rt: cimIP4RouteTable (mib_route.c) and cimIP6RouteTable
 * (mib_route6.c) share this iteration and the columns that read only what
 * every family's entry has (flags, first_seen, type and protocol, at the
 * offsets rt_ops gives).
 *
 * A cursor in each sequence makes a GETNEXT that skips rows (a sparse
 * column) O(1) a row with rows pending (issue 9 item 6).  On an equal
 * index, the kernel's row is the one shown.
 */
#ifndef CIMR_MIB_RT_H
#define CIMR_MIB_RT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ostore.h"
#include "route/routefmt.h"
#include "snmp/mib.h"

struct mirror;
struct rt_ops;
struct pending;

/* The route as text through a formatter: routefmt_text, routefmt6_text. */
typedef void (
    *mib_rt_text_fn)(const void *row, const struct mirror *, char *buf, size_t len, routefmt_fn);

struct mib_rt {
	struct mirror *m;
	const struct rt_ops *ops;
	mib_rt_text_fn text;
	const struct pending *extra; /* the writer's createAndWait rows (NULL: none) */
	oid live_col;                /* the column only ROUTE_F_LIVE rows have a value in */
	/* The cursors of the last seek/next. */
	struct ostore_pos kpos;
	const void *krow;     /* the mirror's row at kpos, NULL at the end */
	size_t pi;            /* the extra rows' cursor: at(pi) is next */
	const void *last_row; /* the row seek/next returned last */
};

/*
 * Bind c to a mirror of ops' family (its rows, written as text by text),
 * extra rows (NULL: none) and the column that ROUTE_F_LIVE rows alone have
 * (InstallDate, found through the store's marked entries; 0: none).
 */
void mib_rt_bind(struct mib_rt *c, struct mirror *m, const struct rt_ops *ops, mib_rt_text_fn text,
    const struct pending *extra, oid live_col);

/* struct mib_table's row functions over a struct mib_rt (ctx). */
const void *mib_rt_seek(void *ctx, const oid *idx, size_t len, int strict);
const void *mib_rt_next(void *ctx, const void *row);
const void *mib_rt_next_in(void *ctx, const void *row, oid col);
size_t mib_rt_index(void *ctx, const void *row, oid *out);
#define MIB_RT_ROWS(c)                                                       \
	.seek = mib_rt_seek, .next = mib_rt_next, .next_in = mib_rt_next_in, \
	.index = mib_rt_index, .ctx = (c)

/* A row's ROUTE_F_* flags, and whether it is the agent's (createAndWait), not the kernel's. */
uint8_t mib_rt_flags(const struct mib_rt *, const void *row);
int mib_rt_pending(const struct mib_rt *, const void *row);

/*
 * The columns every family reads the same way (ctx: the struct mib_rt):
 * Age (since the route appeared or last changed), InstallDate (when it
 * appeared, if we saw it), Status ("Error" for a dead or linkdown next hop),
 * RowStatus (active, or notInService for a createAndWait row), Caption and
 * Description (the route as `ip route` shows it), Protocol (WMI's, from
 * rtm_protocol), KernelProtocol and KernelType.  A createAndWait row has
 * only its writable columns.
 */
int mib_rt_get_age(const void *row, struct mib_value *, void *ctx);
int mib_rt_get_install_date(const void *row, struct mib_value *, void *ctx);
int mib_rt_get_status(const void *row, struct mib_value *, void *ctx);
int mib_rt_get_row_status(const void *row, struct mib_value *, void *ctx);
int mib_rt_get_caption(const void *row, struct mib_value *, void *ctx);
int mib_rt_get_description(const void *row, struct mib_value *, void *ctx);
int mib_rt_get_protocol(const void *row, struct mib_value *, void *ctx);
int mib_rt_get_kernel_protocol(const void *row, struct mib_value *, void *ctx);
int mib_rt_get_kernel_type(const void *row, struct mib_value *, void *ctx);
/* A kernel metric as WMI's sint32 Metric1: absent above 2147483647. */
int mib_rt_metric1(uint32_t metric, struct mib_value *);

/*
 * The arc's row count and last-change scalars (.1.0 and .2.0 of arc): the
 * rows a walk gives (the kernel's routes and the createAndWait rows), and
 * the later of their changes.  Their getters (ctx: the struct mib_rt).
 */
int mib_rt_get_count(const void *row, struct mib_value *, void *ctx);
int mib_rt_get_last_change(const void *row, struct mib_value *, void *ctx);
int mib_rt_register_scalars(struct mib_rt *, const char *count_name, const char *change_name,
    const oid *arc, size_t arc_len);

#endif
