/*
 * cimIP4Route: the scalars and cimIP4RouteTable (Win32_IP4RouteTable), read
 * side.  The rows are the IPv4 mirror's and the createAndWait rows (the
 * writer's pending), merged by route/mib_rt.h; this file has the columns.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "lib/log.h"
#include "route/mib_rt.h"
#include "route/mirror.h"
#include "route/routefmt.h"
#include "route/rt.h"
#include "route/writer.h"
#include "snmp/mib.h"
#include "snmp/txn.h"

static struct mib_rt rctx;

#define ROW(p) ((const struct route *)(p))

static int
get_information(const void *row, struct mib_value *v, void *ctx)
{
	if (mib_rt_pending(ctx, row))
		return -1; /* a createAndWait row: only its writable columns */
	/* RFC 1213 ipRouteInfo: no protocol-specific MIB, so zeroDotZero. */
	v->type = ASN_OBJECT_ID;
	v->v.o[0] = 0;
	v->v.o[1] = 0;
	v->len = 2 * sizeof(oid);
	return 0;
}

static int
get_metric1(const void *row, struct mib_value *v, void *ctx)
{
	return mib_rt_metric1(ROW(row)->metric, v);
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
get_type(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, routefmt_wmi_type(ROW(row)));
	return 0;
}

/* RFC 4001 InetAddressType */
#define INET_UNKNOWN 0
#define INET_IPV4    1
#define INET_IPV6    2

/*
 * The row's gateway: its family and address (RFC 4001: 4 or 16 octets), or
 * unknown(0) and no octets for a route without one (RFC 4292).  -1 when it
 * has no value: a createAndWait row, or an IPv6 gateway cimrouted could not
 * keep (route.h: no room left; logged once when it happened, not here).
 */
static int
next_hop(const void *row, void *ctx, int *type, uint8_t *addr)
{
	const struct route *r = ROW(row);

	if (mib_rt_pending(ctx, row))
		return -1;
	if (!(r->flags & ROUTE_F_GATEWAY)) {
		*type = INET_UNKNOWN;
		return 0;
	}
	if (!route_via6(r)) {
		uint32_t a = htonl(r->nexthop);

		*type = INET_IPV4;
		memcpy(addr, &a, 4);
		return 0;
	}
	if (route_via6_gw(r, addr) < 0)
		return -1;
	*type = INET_IPV6;
	return 0;
}

static int
get_next_hop_type(const void *row, struct mib_value *v, void *ctx)
{
	uint8_t a[16];
	int type;

	if (next_hop(row, ctx, &type, a) < 0)
		return -1;
	mib_set_int(v, ASN_INTEGER, type);
	return 0;
}

static int
get_next_hop_address(const void *row, struct mib_value *v, void *ctx)
{
	static const size_t lens[] = { [INET_UNKNOWN] = 0, [INET_IPV4] = 4, [INET_IPV6] = 16 };
	uint8_t a[16];
	int type;

	if (next_hop(row, ctx, &type, a) < 0)
		return -1;
	mib_set_bytes(v, ASN_OCTET_STR, a, lens[type]);
	return 0;
}

static const struct mib_column route_columns[] = {
	{ COL_IP4ROUTE_AGE, mib_rt_get_age },
	{ COL_IP4ROUTE_CAPTION, mib_rt_get_caption },
	{ COL_IP4ROUTE_DESCRIPTION, mib_rt_get_description },
	{ COL_IP4ROUTE_INFORMATION, get_information },
	{ COL_IP4ROUTE_INSTALLDATE, mib_rt_get_install_date },
	{ COL_IP4ROUTE_METRIC1, get_metric1 },
	{ COL_IP4ROUTE_METRIC2, get_metric_unused },
	{ COL_IP4ROUTE_METRIC3, get_metric_unused },
	{ COL_IP4ROUTE_METRIC4, get_metric_unused },
	{ COL_IP4ROUTE_METRIC5, get_metric_unused },
	{ COL_IP4ROUTE_NAME, get_name },
	{ COL_IP4ROUTE_PROTOCOL, mib_rt_get_protocol },
	{ COL_IP4ROUTE_STATUS, mib_rt_get_status },
	{ COL_IP4ROUTE_TYPE, get_type },
	{ COL_IP4ROUTE_KERNELPROTOCOL, mib_rt_get_kernel_protocol },
	{ COL_IP4ROUTE_KERNELTYPE, mib_rt_get_kernel_type },
	{ COL_IP4ROUTE_ROWSTATUS, mib_rt_get_row_status },
	{ COL_IP4ROUTE_NEXTHOPADDRESSTYPE, get_next_hop_type },
	{ COL_IP4ROUTE_NEXTHOPADDRESS, get_next_hop_address },
};

static struct mib_table route_table = {
	.name = "cimIP4RouteTable",
	MIB_ENTRY(CIMR_IP4ROUTE_ENTRY),
	MIB_COLUMNS(route_columns),
	MIB_RT_ROWS(&rctx),
};

const struct mib_table *mib_route_table = &route_table;

/* The unit tests use it without registering anything. */
void
mib_route_bind(struct mirror *m, struct writer *w)
{
	mib_rt_bind(&rctx, m, &rt4_ops, routefmt_text, w != NULL ? &w->pending : NULL,
	    COL_IP4ROUTE_INSTALLDATE);
}

int
mib_route_register(struct mirror *m, struct writer *w, struct txn *txn)
{
	static const oid arc[] = { CIMR_IP4ROUTE };

	mib_route_bind(m, w);
	if (txn_bind(txn, &route_table, &mib_set_route_ops, w) < 0 ||
	    mib_rt_register_scalars(&rctx, "cimIP4RouteCount", "cimIP4RouteLastChange", arc,
		OID_LENGTH(arc)) < 0)
		return -1;
	return mib_table_register(&route_table);
}
