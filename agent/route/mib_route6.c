/*
 * cimIP6Route: the scalars and cimIP6RouteTable, read side.  The rows are the
 * IPv6 mirror's (struct route6, route/route6.h), walked by the route tables'
 * one row iteration (route/mib_rt.h) over the IPv6 family's operations; this
 * file has the columns.  The columns shared with cimIP4RouteTable mean what
 * they mean there; Preference and ValidLifetime are IPv6's own.  Metric1 and
 * RowStatus are writable through the route tables' SET operations
 * (route/mib_set.c); the writer's IPv6 createAndWait rows are extra rows
 * of the iteration, as IPv4's are in cimIP4RouteTable.
 */
#include "config.h"

#include <string.h>

#include "route/mib_rt.h"
#include "route/mirror.h"
#include "route/route6.h"
#include "route/routefmt.h"
#include "route/writer.h"
#include "route/rt.h"
#include "snmp/mib.h"
#include "snmp/txn.h"

static struct mib_rt r6ctx;

#define ROW6(p) ((const struct route6 *)(p))
#define RT(ctx) ((const struct mib_rt *)(ctx))

static int
get_name(const void *row, struct mib_value *v, void *ctx)
{
	char buf[ROUTEFMT_MAX];

	routefmt6_prefix(ROW6(row), buf, sizeof(buf));
	mib_set_str(v, buf, 255);
	return 0;
}

static int
get_type(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, routefmt_wmi_type_of(ROW6(row)->type, routefmt6_gateway(row)));
	return 0;
}

static int
get_metric1(const void *row, struct mib_value *v, void *ctx)
{
	return mib_rt_metric1(ROW6(row)->metric, v);
}

/*
 * RTA_PREF is the kernel's ICMPV6_ROUTER_PREF_*, the 2-bit field of RFC 4191
 * 2.1; the MIB shows it as that field's signed value (IP-MIB's
 * ipDefaultRouterPreference): 01 high(1), 00 medium(0), 11 low(-1), 10
 * reserved(-2).
 */
static int
get_preference(const void *row, struct mib_value *v, void *ctx)
{
	static const long signed2[4] = { 0, 1, -2, -1 };

	if (mib_rt_pending(ctx, row))
		return -1;
	mib_set_int(v, ASN_INTEGER, signed2[ROW6(row)->pref & 3]);
	return 0;
}

/* Seconds left for an expiring route; 4294967295 (RFC 4861's infinity) for one that does not. */
static int
get_valid_lifetime(const void *row, struct mib_value *v, void *ctx)
{
	long left = routefmt6_lifetime(row, RT(ctx)->m);

	if (mib_rt_pending(ctx, row))
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, left < 0 ? 0xffffffffUL : (u_long)left);
	return 0;
}

static const struct mib_column route6_columns[] = {
	{ COL_IP6ROUTE_AGE, mib_rt_get_age },
	{ COL_IP6ROUTE_CAPTION, mib_rt_get_caption },
	{ COL_IP6ROUTE_DESCRIPTION, mib_rt_get_description },
	{ COL_IP6ROUTE_INSTALLDATE, mib_rt_get_install_date },
	{ COL_IP6ROUTE_NAME, get_name },
	{ COL_IP6ROUTE_PROTOCOL, mib_rt_get_protocol },
	{ COL_IP6ROUTE_STATUS, mib_rt_get_status },
	{ COL_IP6ROUTE_TYPE, get_type },
	{ COL_IP6ROUTE_KERNELPROTOCOL, mib_rt_get_kernel_protocol },
	{ COL_IP6ROUTE_KERNELTYPE, mib_rt_get_kernel_type },
	{ COL_IP6ROUTE_METRIC1, get_metric1 },
	{ COL_IP6ROUTE_PREFERENCE, get_preference },
	{ COL_IP6ROUTE_VALIDLIFETIME, get_valid_lifetime },
	{ COL_IP6ROUTE_ROWSTATUS, mib_rt_get_row_status },
};

static struct mib_table route6_table = {
	.name = "cimIP6RouteTable",
	MIB_ENTRY(CIMR_IP6ROUTE_ENTRY),
	MIB_COLUMNS(route6_columns),
	MIB_RT_ROWS(&r6ctx),
};

const struct mib_table *mib_route6_table = &route6_table;

static void
bind_writer(struct mirror *m, struct writer *w)
{
	mib_rt_bind(&r6ctx, m, &rt6_ops, routefmt6_text, w != NULL ? &w->pending6 : NULL,
	    COL_IP6ROUTE_INSTALLDATE);
}

void
mib_route6_bind(struct mirror *m)
{
	bind_writer(m, NULL);
}

int
mib_route6_register(struct mirror *m, struct writer *w, struct txn *txn)
{
	static const oid arc[] = { CIMR_IP6ROUTE };

	bind_writer(m, w);
	if (txn != NULL && txn_bind(txn, &route6_table, &mib_set_route6_ops, w) < 0)
		return -1;
	if (mib_rt_register_scalars(&r6ctx, "cimIP6RouteCount", "cimIP6RouteLastChange", arc,
		OID_LENGTH(arc)) < 0)
		return -1;
	return mib_table_register(&route6_table);
}
