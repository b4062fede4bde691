/*
 * The SET operations of cimIP4RouteTable and cimIP4PersistedRouteTable for
 * the generic transaction (snmp/txn.h): one group, so that one SET across
 * both tables is all or nothing, checked together (two rows may not act on
 * one kernel route) and writes the persisted routes' state file once.
 *
 *   RESERVE1  the index and the columns' ranges (txn_column checks).
 *   RESERVE2  every row against the kernel as the mirrors know it (the
 *             routes; the links and addresses, iface/ifmirror.h): what
 *             exists, what may change, what the kernel would accept; it
 *             decides the row's action.  Nothing is touched.  Only a metric
 *             change asks the kernel: it reads the route back, every
 *             attribute (fetch_exact()), without waiting in the loop.
 *             A route installed at a kernel key whose route another row
 *             deletes is a replace, in either varbind order (check_set()).
 *   ACTION    the action's plan of steps, each recording its undo
 *             (txn_step()); a kernel request is sent and its answer, read
 *             from the loop, goes on with the next step (see apply()).
 *             The rows deleting at a key go before the row installing
 *             there (deleters_first()).
 *   UNDO      the recorded steps, newest first; those that ask the kernel
 *             wait for its answer the same way (undo_kernel()).
 *
 * cimIP6RouteTable is a third table of the same group, so that one SET
 * across both families is all or nothing too, and cimIP6PersistedRouteTable
 * a fourth: its rows are those of cimIP4PersistedRouteTable over the
 * writer's IPv6 set (persist.h's families).  The IPv6 rows go through the
 * same plans, steps and undo; what differs is the entry (struct route6,
 * route6.h) and its checks (check_route6_row(), rtcheck6_complete()): the
 * few functions below pick by the row's table (ops_of(), want_of(), ...),
 * and the requests are of the row's family (nlreq_route_async()).
 * The kernel routes read back, kept and restored are netlink messages,
 * the same for both families.
 *
 * The context of every operation is the writer.
 */
#include "config.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/log.h"
#include "lib/text.h"
#include "snmp/mib.h"
#include "snmp/txn.h"
#include "route/mirror.h"
#include "route/nhobj.h"
#include "route/nlreq.h"
#include "route/rt.h"
#include "route/rt4.h"
#include "route/routefmt.h"
#include "route/rtcheck.h"
#include "route/writer.h"
#include "snmp/mib_ifset.h"

/* Writable columns (oids.h). */
enum {
	RC_METRIC1 = COL_IP4ROUTE_METRIC1,
	RC_METRIC2 = COL_IP4ROUTE_METRIC2,
	RC_METRIC3 = COL_IP4ROUTE_METRIC3,
	RC_METRIC4 = COL_IP4ROUTE_METRIC4,
	RC_METRIC5 = COL_IP4ROUTE_METRIC5,
	RC_TYPE = COL_IP4ROUTE_TYPE,
	RC_STATUS = COL_IP4ROUTE_ROWSTATUS,
	PC_STORAGE = COL_PERSIST_STORAGETYPE,
	PC_STATUS = COL_PERSIST_ROWSTATUS,
	R6_METRIC1 = COL_IP6ROUTE_METRIC1,
	R6_STATUS = COL_IP6ROUTE_ROWSTATUS,
	P6_STORAGE = COL_PERSIST6_STORAGETYPE,
	P6_STATUS = COL_PERSIST6_ROWSTATUS,
	GW_STORAGE = COL_ADCFG_GW_STORAGETYPE,
	GW_STATUS = COL_ADCFG_GW_ROWSTATUS,
};

enum wtable { T_ROUTE, T_PERSIST, T_ROUTE6, T_PERSIST6 };

/* The persisted sets a SET changed (writer's set_dirty, set_resave). */
#define DIRTY4 1
#define DIRTY6 2

enum act {
	A_NONE,
	A_CREATE,   /* install a new kernel route */
	A_WAIT,     /* keep a createAndWait row */
	A_ACTIVATE, /* install a createAndWait row */
	A_DELETE,   /* delete a kernel route */
	A_DROP,     /* forget a createAndWait row */
	A_MOVE,     /* change a kernel route's metric: add the new one, then delete the old */
	A_PCREATE,  /* store a persisted route and install it */
	A_PDESTROY, /* forget a persisted route and delete its live route */
};

#define WMI_TYPE_INVALID  2
#define WMI_TYPE_DIRECT   3
#define WMI_TYPE_INDIRECT 4

/* A row of either table (the transaction's row data). */
struct wrow {
	enum wtable tbl;
	/*
	 * A row of cimAdapterCfgGatewayTable (SetGateways()): its index, and
	 * the table whose row it acts as, chosen in RESERVE2 (check_gw_row()).
	 */
	int gw;
	int wmi; /* enum cim_rc: the code of a refusal or failure (cimAdapterCfgLastResult) */
	struct ifrec old_rec; /* the interface's record before this row's SetGateways() */
	struct gwkey {
		int32_t ifindex;
		uint8_t six;    /* an IPv6 gateway (addr6), else IPv4 (addr4) */
		uint32_t addr4; /* as struct route's */
		uint8_t addr6[16];
		uint32_t metric;
	} gwk;
	struct txn_row *tr; /* its transaction row (values, refusals); set in RESERVE2 */
	struct route key;   /* the index (persisted: dst, plen, nexthop, metric) */
	uint32_t mask;      /* the mask as given, contiguous or not */
	enum act act;
	struct route cur;  /* the existing kernel or createAndWait row */
	struct route want; /* the route to install, or the new createAndWait row */
	struct route live; /* persisted: the live route to delete on destroy */
	/* cimIP6RouteTable: the index, the kernel route, the route to install */
	struct route6 key6, cur6, want6;
	/* cimIP6PersistedRouteTable: the index; the live route as live is IPv4's */
	struct proute pkey6;
	char pifname[IFNAMSIZ]; /* an IPv4 persisted row's interface (a gateway row's), "" none */
	struct route6 live6;
	uint8_t src6[16]; /* the index's source prefix, interned in RESERVE2 */
	uint8_t srclen6;
	int adopt; /* persisted create: the kernel has the route already */
	int has_live;
	struct proute pold;   /* persisted destroy: the row removed */
	struct nlroute exact; /* a metric change: the kernel's route as it is, every attribute */
	struct nlroute gone;  /* a delete: the kernel's own description of what it deleted */
	/* A kernel request in flight, in any phase (see apply()) */
	struct txn_req kq;
	struct writer *w;
	int stage; /* ACTION: the step of the plan being done */
	int retry; /* a delete: 1 reading the route back, 2 deleting by its description */
	struct writer_fetch fetch; /* the route read back (its key, while in flight) */
};

/* ---- naming --------------------------------------------------------------- */

static void
row_name(const void *row, char *buf, size_t len)
{
	const struct wrow *r = row;
	char d[ADDR4_STRLEN], m[ADDR4_STRLEN], h[ADDR4_STRLEN];

	char d6[ADDR6_STRLEN], h6[ADDR6_STRLEN], s6[ADDR6_STRLEN];

	if (r->gw)
		snprintf(buf, len, "cimAdapterCfgGatewayTable row ifindex %d gateway %s metric %u",
		    (int)r->gwk.ifindex,
		    r->gwk.six ? addr6_ntop((const struct in6_addr *)r->gwk.addr6, h6, sizeof(h6)) :
				 addr4_ntop(r->gwk.addr4, h, sizeof(h)),
		    r->gwk.metric);
	else if (r->tbl == T_ROUTE6)
		snprintf(buf, len,
		    "cimIP6RouteTable row %s/%u next hop %s ifindex %d table %u metric %u "
		    "from %s/%u",
		    addr6_ntop((const struct in6_addr *)r->key6.dst, d6, sizeof(d6)), r->key6.plen,
		    addr6_ntop((const struct in6_addr *)r->key6.nexthop, h6, sizeof(h6)),
		    (int)r->key6.ifindex, r->key6.table, r->key6.metric,
		    addr6_ntop((const struct in6_addr *)r->src6, s6, sizeof(s6)), r->srclen6);
	else if (r->tbl == T_ROUTE)
		snprintf(buf, len,
		    "cimIP4RouteTable row %s mask %s next hop %s ifindex %d table %u "
		    "tos %u metric %u",
		    addr4_ntop(r->key.dst, d, sizeof(d)), addr4_ntop(r->mask, m, sizeof(m)),
		    addr4_ntop(r->key.nexthop, h, sizeof(h)), (int)r->key.ifindex, r->key.table,
		    r->key.tos, r->key.metric);
	else if (r->tbl == T_PERSIST6)
		snprintf(buf, len,
		    "cimIP6PersistedRouteTable row %s/%u next hop %s interface '%s' metric %u",
		    addr6_ntop((const struct in6_addr *)r->pkey6.dst6, d6, sizeof(d6)),
		    r->pkey6.plen,
		    addr6_ntop((const struct in6_addr *)r->pkey6.nexthop6, h6, sizeof(h6)),
		    r->pkey6.ifname, r->pkey6.metric);
	else
		snprintf(buf, len, "cimIP4PersistedRouteTable row %s mask %s next hop %s metric %u",
		    addr4_ntop(r->key.dst, d, sizeof(d)), addr4_ntop(r->mask, m, sizeof(m)),
		    addr4_ntop(r->key.nexthop, h, sizeof(h)), r->key.metric);
}

#define refuse(r, ...) txn_refuse((r)->tr, __VA_ARGS__)

/*
 * The column of the SET that holds the value of col, a column of the row's
 * table: col itself, or for a gateway row its RowStatus and StorageType
 * (0, never given, for the columns the gateway table does not have).
 */
static oid
given_col(const struct wrow *r, oid col)
{
	static const oid status[] = { [T_ROUTE] = RC_STATUS,
		[T_PERSIST] = PC_STATUS,
		[T_ROUTE6] = R6_STATUS,
		[T_PERSIST6] = P6_STATUS };
	static const oid storage[] = { [T_PERSIST] = PC_STORAGE, [T_PERSIST6] = P6_STORAGE };

	if (!r->gw)
		return col;
	if (col == status[r->tbl])
		return GW_STATUS;
	if (col == storage[r->tbl] && col != 0)
		return GW_STORAGE;
	return 0;
}

static int
has(const struct wrow *r, oid col)
{
	return txn_has(r->tr, given_col(r, col));
}

static long
val(const struct wrow *r, oid col)
{
	long v = 0;

	txn_int(r->tr, given_col(r, col), &v);
	return v;
}

/* ---- RESERVE1: the index and the values ------------------------------------ */

static int
ipaddr_index(const oid *o, uint32_t *out)
{
	for (int i = 0; i < 4; i++)
		if (o[i] > 255)
			return -1;
	*out = (uint32_t)(o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]);
	return 0;
}

/* The mask's length; a non-contiguous mask is refused in RESERVE2. */
static void
key_plen(struct wrow *r)
{
	r->key.plen = (uint8_t)(addr4_plen(r->mask) < 0 ? 0 : addr4_plen(r->mask));
}

static int
route_index(void *ctx, const oid *o, size_t len, void *row)
{
	struct wrow *r = row;
	uint32_t nh;

	r->tbl = T_ROUTE;
	if (len != ROUTE_INDEX_LEN || ipaddr_index(o, &r->key.dst) < 0 ||
	    ipaddr_index(o + 4, &r->mask) < 0 || ipaddr_index(o + 8, &nh) < 0 ||
	    o[12] > INT32_MAX || o[13] == 0 || o[13] > UINT32_MAX || o[14] > 255 ||
	    o[15] > UINT32_MAX)
		return txn_bad_index("cimIP4RouteTable", o, len,
		    "not destination, mask, next hop (0..255 each), "
		    "interface, table 1.., tos 0..255 and metric");
	r->key.nexthop = nh;
	r->key.ifindex = (int32_t)o[12];
	r->key.table = (uint32_t)o[13];
	r->key.tos = (uint8_t)o[14];
	r->key.metric = (uint32_t)o[15];
	key_plen(r);
	return 0;
}

/*
 * cimIP4PersistedRouteTable's index.  Next hop 0.0.0.0 is refused: it names
 * no interface, so such a row could never be installed, and it would match
 * a direct or RFC 5549 route (nexthop 0 in the entry) it could not put back.
 */
static int
persist_index(void *ctx, const oid *o, size_t len, void *row)
{
	struct wrow *r = row;
	uint32_t nh;

	r->tbl = T_PERSIST;
	if (len != 13 || ipaddr_index(o, &r->key.dst) < 0 || ipaddr_index(o + 4, &r->mask) < 0 ||
	    ipaddr_index(o + 8, &nh) < 0 || nh == 0 || o[12] > PERSIST_METRIC_MAX)
		return txn_bad_index("cimIP4PersistedRouteTable", o, len,
		    "not destination, mask, next hop (0.0.0.0 names no interface) and metric "
		    "0..2147483647");
	r->key.nexthop = nh;
	r->key.metric = (uint32_t)o[12];
	r->key.table = PERSIST_TABLE;
	key_plen(r);
	return 0;
}

/*
 * cimIP6RouteTable's index: destination, prefix length, next hop,
 * interface, table, metric, source prefix and its length.  Lengths above
 * 128 are refused in RESERVE2 (wrongValue, as a non-contiguous IPv4 mask).
 */
static int
addr6_index(const oid *o, uint8_t *out)
{
	for (int i = 0; i < 16; i++) {
		if (o[i] > 255)
			return -1;
		out[i] = (uint8_t)o[i];
	}
	return 0;
}

static int
route6_index(void *ctx, const oid *o, size_t len, void *row)
{
	struct wrow *r = row;

	r->tbl = T_ROUTE6;
	if (len != ROUTE6_INDEX_LEN || addr6_index(o, r->key6.dst) < 0 || o[16] > 255 ||
	    addr6_index(o + 17, r->key6.nexthop) < 0 || o[33] > INT32_MAX || o[34] == 0 ||
	    o[34] > UINT32_MAX || o[35] > UINT32_MAX || addr6_index(o + 36, r->src6) < 0 ||
	    o[52] > 255)
		return txn_bad_index("cimIP6RouteTable", o, len,
		    "not destination, prefix length, next hop, "
		    "interface, table 1.., metric, source and its length");
	r->key6.plen = (uint8_t)o[16];
	r->key6.ifindex = (int32_t)o[33];
	r->key6.table = (uint32_t)o[34];
	r->key6.metric = (uint32_t)o[35];
	r->srclen6 = (uint8_t)o[52];
	return 0;
}

static int
persist6_bad(const oid *o, size_t len)
{
	return txn_bad_index("cimIP6PersistedRouteTable", o, len,
	    "not destination, prefix length, next hop, an interface name Linux can have and "
	    "metric");
}

/*
 * cimIP6PersistedRouteTable's index: destination, prefix length, next hop,
 * the interface's name (its length first; none, or a valid name:
 * text_is_ifname(), checked here so that no other name is ever
 * logged), metric.  Lengths above 128 are refused in RESERVE2 (wrongValue).
 */
static int
persist6_index(void *ctx, const oid *o, size_t len, void *row)
{
	struct wrow *r = row;
	char name[IFNAMSIZ];
	size_t n;

	r->tbl = T_PERSIST6;
	memset(&r->pkey6, 0, sizeof(r->pkey6));
	if (len < 35 || addr6_index(o, r->pkey6.dst6) < 0 || o[16] > 255 ||
	    addr6_index(o + 17, r->pkey6.nexthop6) < 0 || o[33] >= IFNAMSIZ ||
	    len != 35 + (n = o[33]) || o[34 + n] > UINT32_MAX)
		return persist6_bad(o, len);
	for (size_t i = 0; i < n; i++) {
		if (o[34 + i] > 255)
			return persist6_bad(o, len);
		name[i] = (char)o[34 + i];
	}
	if (n > 0 && !text_is_ifname(name, n))
		return persist6_bad(o, len);
	memcpy(r->pkey6.ifname, name, n);
	r->pkey6.plen = (uint8_t)o[16];
	r->pkey6.metric = (uint32_t)o[34 + n];
	return 0;
}

/*
 * cimAdapterCfgGatewayTable's index: interface, InetAddressType ipv4(1) or
 * ipv6(2), the gateway with its length, metric.  The table it acts on is
 * chosen in RESERVE2.
 */
static int
gw_index(void *ctx, const oid *o, size_t len, void *row)
{
	struct wrow *r = row;
	size_t alen;

	(void)ctx;
	if (len < 3 || o[0] == 0 || o[0] > INT32_MAX || (o[1] != 1 && o[1] != 2))
		goto bad;
	alen = o[1] == 1 ? 4 : 16;
	if (o[2] != alen || len != 4 + alen || o[3 + alen] > UINT32_MAX)
		goto bad;
	if (alen == 4 ? ipaddr_index(o + 3, &r->gwk.addr4) < 0 :
			addr6_index(o + 3, r->gwk.addr6) < 0)
		goto bad;
	r->gw = 1;
	r->gwk.ifindex = (int32_t)o[0];
	r->gwk.six = o[1] == 2;
	r->gwk.metric = (uint32_t)o[3 + alen];
	return 0;
bad:
	return txn_bad_index("cimAdapterCfgGatewayTable", o, len,
	    "not interface index 1.., address type ipv4(1) or ipv6(2), gateway of 4 or 16 "
	    "(0..255 each) and metric 0..4294967295");
}

static int
check_metric1(const netsnmp_variable_list *vb)
{
	return txn_wrong_if(*vb->val.integer < -1 || *vb->val.integer > INT32_MAX);
}

static int
check_metric_unused(const netsnmp_variable_list *vb)
{
	return txn_wrong_if(*vb->val.integer != -1); /* Linux keeps one metric */
}

static int
check_type_value(const netsnmp_variable_list *vb)
{
	long v = *vb->val.integer;

	return txn_wrong_if(
	    v < WMI_TYPE_INVALID || v > WMI_TYPE_INDIRECT); /* other(1): not writable */
}

static const struct txn_column gw_columns[] = {
	{ GW_STORAGE, ASN_INTEGER, 0, txn_check_storage },
	{ GW_STATUS, ASN_INTEGER, 0, txn_check_go_status },
};

static const struct txn_column route_columns[] = {
	{ RC_METRIC1, ASN_INTEGER, 0, check_metric1 },
	{ RC_METRIC2, ASN_INTEGER, 0, check_metric_unused },
	{ RC_METRIC3, ASN_INTEGER, 0, check_metric_unused },
	{ RC_METRIC4, ASN_INTEGER, 0, check_metric_unused },
	{ RC_METRIC5, ASN_INTEGER, 0, check_metric_unused },
	{ RC_TYPE, ASN_INTEGER, 0, check_type_value },
	{ RC_STATUS, ASN_INTEGER, 0, txn_check_status },
};

static const struct txn_column route6_columns[] = {
	{ R6_METRIC1, ASN_INTEGER, 0, check_metric1 },
	{ R6_STATUS, ASN_INTEGER, 0, txn_check_status },
};

static const struct txn_column persist_columns[] = {
	{ PC_STORAGE, ASN_INTEGER, 0, txn_check_storage },
	{ PC_STATUS, ASN_INTEGER, 0, txn_check_go_status },
};

static const struct txn_column persist6_columns[] = {
	{ P6_STORAGE, ASN_INTEGER, 0, txn_check_storage },
	{ P6_STATUS, ASN_INTEGER, 0, txn_check_go_status },
};

/* ---- RESERVE2: the rows together -------------------------------------------- */

/*
 * The kernel row (mirror) with the same table, destination, tos and metric,
 * if any, that no other row of the SET deletes.
 */
static int deleted_in_set(const struct wrow *r, const void *kern);
static struct wrow *good_row(const struct txn *x, size_t i);

static const struct route *
fib_twin(struct writer *w, const struct wrow *row, const struct route *k)
{
	const struct route_table *t = mirror_routes(k->table == PERSIST_TABLE ? w->pm : w->m);
	struct route key = { .dst = k->dst, .plen = k->plen };
	struct route_pos pos;
	const struct route *r;

	for (r = route_seek(t, &key, 0, &pos); r != NULL; r = route_next(t, &pos)) {
		if (r->dst != k->dst || r->plen != k->plen)
			break;
		if (r->table == k->table && r->tos == k->tos && r->metric == k->metric &&
		    !deleted_in_set(row, r))
			return r;
	}
	return NULL;
}

/* Is the row's an IPv6 table (its entries struct route6)? */
static int
six(const struct wrow *r)
{
	return r->tbl == T_ROUTE6 || r->tbl == T_PERSIST6;
}

/* The row's family: its order and its kernel key (same_fib) come from there. */
static const struct rt_ops *
ops_of(const struct wrow *r)
{
	return six(r) ? &rt6_ops : &rt4_ops;
}

/* The row's kernel or createAndWait route, and the route it installs, of its family. */
static const void *
cur_of(const struct wrow *r)
{
	return six(r) ? (const void *)&r->cur6 : &r->cur;
}

static const void *
want_of(const struct wrow *r)
{
	return six(r) ? (const void *)&r->want6 : &r->want;
}

/* A persisted row's live route. */
static const void *
live_of(const struct wrow *r)
{
	return six(r) ? (const void *)&r->live6 : &r->live;
}

static uint32_t *
want_metric(struct wrow *r)
{
	return six(r) ? &r->want6.metric : &r->want.metric;
}

/* A route table's row's createAndWait rows. */
static struct pending *
pending_of(struct writer *w, const struct wrow *r)
{
	return six(r) ? &w->pending6 : &w->pending;
}

static int
same_family(const struct wrow *a, const struct wrow *b)
{
	return six(a) == six(b);
}

/* A persisted row's set, and its bit in set_dirty. */
static struct persist *
set_of(struct writer *w, const struct wrow *r)
{
	return r->tbl == T_PERSIST6 ? &w->persist6 : &w->persist;
}

static int
dirty_of(const struct wrow *r)
{
	return r->tbl == T_PERSIST6 ? DIRTY6 : DIRTY4;
}

/* The kernel route this row deletes, moves or adopts, or NULL. */
static const void *
touches(const struct wrow *r)
{
	switch (r->act) {
	case A_DELETE:
	case A_MOVE: return cur_of(r);
	case A_PCREATE: return r->adopt ? live_of(r) : NULL;
	case A_PDESTROY: return r->has_live ? live_of(r) : NULL;
	default: return NULL;
	}
}

/* The kernel route (of r's family) that o, another row, deletes, or NULL. */
static const void *
deletes(const struct wrow *r, const struct wrow *o)
{
	return o != NULL && o != r && (o->act == A_DELETE || o->act == A_PDESTROY) &&
		six(o) == six(r) ?
	    touches(o) :
	    NULL;
}

/*
 * Does another row of the SET delete the kernel route kern (of r's
 * family)?  Then r may install a route at its key, in either varbind
 * order: apply() applies that row first (the kernel keeps one route a key).
 */
static int
deleted_in_set(const struct wrow *r, const void *kern)
{
	const void *t;

	for (size_t i = 0; i < txn_nrows(r->kq.x); i++)
		if ((t = deletes(r, good_row(r->kq.x, i))) != NULL &&
		    ops_of(r)->store->cmp(t, kern) == 0)
			return 1;
	return 0;
}

/* Does this row put a route at a kernel key (its target)? */
static int
installs(const struct wrow *r)
{
	return r->act == A_CREATE || r->act == A_ACTIVATE || r->act == A_MOVE ||
	    (r->act == A_PCREATE && !r->adopt);
}

/* The route to install against the interfaces (its key is checked with the SET's rows). */
static int
check_install(struct writer *w, struct wrow *r, const char *what)
{
	char msg[128];

	switch (rtcheck_complete(mirror_iface(w->m), &r->want, msg, sizeof(msg))) {
	case RTCHECK_OK: return 0;
	case RTCHECK_INCONSISTENT:
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "%s: %s", what, msg);
	default: return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE, "%s: %s", what, msg);
	}
}

/* A new or waiting row's Metric1, if written, must be the index's metric. */
static int
check_metric_is_index(struct wrow *r)
{
	if (has(r, RC_METRIC1) && val(r, RC_METRIC1) != (long)r->key.metric)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "Metric1 %ld differs from the index's "
		    "metric %u",
		    val(r, RC_METRIC1), r->key.metric);
	return 0;
}

/* May SNMP change a kernel route of this protocol and flags (both families)? */
static int
may_change_kind(struct writer *w, struct wrow *r, uint8_t proto, uint8_t flags)
{
	char name[32];

	if (!w->cfg.writable_proto[proto])
		return refuse(r, SNMP_ERR_NOTWRITABLE,
		    "the route belongs to protocol %s, which "
		    "SNMP may not change (see writableProtocols)",
		    routefmt_proto_name(proto, name, sizeof(name)));
	if (flags & ROUTE_F_MULTI)
		return refuse(r, SNMP_ERR_NOTWRITABLE,
		    "one next hop of a multipath route cannot "
		    "be changed alone");
	return 0;
}

/*
 * May SNMP change this kernel route (cur, of the row's family)?  Not a
 * persisted route's (looked up in the family's persisted set and mirror).
 */
static int
may_change(struct writer *w, struct wrow *r, const void *cur)
{
	const struct rt_ops *ops = ops_of(r);
	const uint8_t *e = cur;
	const struct persist *p = six(r) ? &w->persist6 : &w->persist;
	const struct mirror *pm = six(r) ? w->pm6 : w->pm;
	int rc;

	/* kind_off: the type, then the protocol (rt.h). */
	if ((rc = may_change_kind(w, r, e[ops->kind_off + 1], e[ops->flags_off])) != 0)
		return rc;
	/*
	 * An RFC 5549 route whose IPv6 gateway got no id (route.h: 255 kept):
	 * a request could not name its gateway, and the kernel would match a
	 * delete by the interface alone, maybe another route.  Not the row's
	 * fault but the agent's lack of room: resourceUnavailable.
	 */
	if (!six(r) && route_via6(cur) && ((const struct route *)cur)->src == 0)
		return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE,
		    "the route's IPv6 gateway is not known (more than 255 RFC 5549 "
		    "gateways seen)");
	if (pm != NULL && persist_owner_of(p, pm, cur) != NULL)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "the route is a persisted route's; change it through %s", p->fam->table);
	return 0;
}

/* Send the row's route to install (r->want, of its family) with cmd and flags. */
static void
send_route(struct writer *w, struct wrow *r, int cmd, int flags)
{
	txn_req_sent(&r->kq,
	    nlreq_route_async(w->qa, ops_of(r)->family, cmd, flags, want_of(r),
		TXN_REQ_CB(&r->kq)));
}

/*
 * Read a kernel route back, every attribute, into r->exact: a dump the
 * kernel filters, sent without waiting; its answer resumes the transaction
 * (txn_req_ack()).  A metric change re-creates the route at the new metric
 * before deleting it from this, so that no attribute the mirror does not
 * keep (src, mtu, advmss, realms, an IPv6 gateway) is lost.
 */
static void
fetch_send(struct writer *w, struct wrow *r, const void *kern)
{
	txn_req_sent(&r->kq,
	    writer_fetch_async(w, six(r), kern, &r->fetch, &r->exact, TXN_REQ_CB(&r->kq)));
}

/* RESERVE2: the route to move, read back; TXN_PENDING while the kernel answers. */
static int
fetch_exact(struct writer *w, struct wrow *r, const void *kern)
{
	if (r->kq.wait)
		return TXN_PENDING;
	if (!r->kq.answered) {
		fetch_send(w, r, kern);
		if (r->kq.wait)
			return TXN_PENDING;
	}
	r->kq.answered = 0;
	if (r->kq.rc < 0)
		return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE,
		    "cannot read the route from the "
		    "kernel: %s",
		    r->kq.err);
	return 0;
}

static int
check_type(struct wrow *r, const struct route *rt)
{
	if (has(r, RC_TYPE) && val(r, RC_TYPE) != WMI_TYPE_INVALID &&
	    val(r, RC_TYPE) != routefmt_wmi_type(rt))
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "Type %ld disagrees with the next hop "
		    "(it makes a %s route)",
		    val(r, RC_TYPE),
		    routefmt_wmi_type(rt) == WMI_TYPE_DIRECT ? "direct(3)" : "indirect(4)");
	return 0;
}

/*
 * What both families' live tables do alike with RowStatus: a new row's
 * action once its route passed the checks (npending: the family's waiting
 * rows), and the answer for a row that does not exist (col: its RowStatus
 * column's name).
 */
static int
new_row(struct wrow *r, long status, size_t npending)
{
	if (status == RS_CREATEANDWAIT && npending >= PENDING_MAX)
		return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE, "%d createAndWait rows already",
		    PENDING_MAX);
	r->act = status == RS_CREATEANDGO ? A_CREATE : A_WAIT;
	return 0;
}

static int
no_row(struct wrow *r, long status, const char *col)
{
	if (status == RS_DESTROY)
		return 0; /* RFC 2579: destroying a row that does not exist is noError */
	if (status != 0)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "the row does not exist");
	return refuse(r, SNMP_ERR_INCONSISTENTNAME, "the row does not exist (create it with %s)",
	    col);
}

/* Metric1 (column col) beside a change of an existing row whose metric is metric. */
static int
check_metric_row(struct wrow *r, oid col, uint32_t metric, int deleting)
{
	if (has(r, col) && val(r, col) == -1)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "Metric1 -1: a Linux route always has a metric");
	if (deleting && has(r, col) && val(r, col) != (long)metric)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "a row cannot be deleted and changed at once");
	return 0;
}

/* A live IPv4 row to create (createAndGo, createAndWait). */
static int
check_new_route(struct writer *w, struct wrow *r, long status)
{
	int rc;

	if (!mirror_table_selected(mirror_config(w->m), r->key.table) ||
	    r->key.table == RT_TABLE_LOCAL)
		return refuse(r, SNMP_ERR_NOCREATION,
		    "routes cannot be created in table %u "
		    "(not mirrored, or the local table)",
		    r->key.table);
	if (r->key.tos & 0x03)
		return refuse(r, SNMP_ERR_NOCREATION, "tos %u has ECN bits set", r->key.tos);
	if (r->key.ifindex == 0)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "interface 0 does not exist");
	if ((rc = check_metric_is_index(r)) != 0)
		return rc;
	if (has(r, RC_TYPE) && val(r, RC_TYPE) == WMI_TYPE_INVALID)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "Type invalid(2) on a new row");
	r->want = r->key;
	if ((rc = check_install(w, r, "cannot create the route")) != 0)
		return rc;
	if ((rc = check_type(r, &r->want)) != 0)
		return rc;
	return new_row(r, status, w->pending.n);
}

/* A createAndWait row (pend) changed, but not deleted: activated, or its Type checked. */
static int
check_pending_route(struct writer *w, struct wrow *r, const struct route *pend, long status)
{
	int rc;

	if ((rc = check_metric_is_index(r)) != 0)
		return rc;
	if ((rc = check_type(r, pend)) != 0)
		return rc;
	if (status == RS_ACTIVE) {
		r->want = r->key;
		r->want.flags = 0;
		if ((rc = check_install(w, r, "cannot activate the route")) != 0)
			return rc;
		r->act = A_ACTIVATE;
	}
	return 0;
}

/* A kernel route (kern) changed, but not deleted: its metric moves it. */
static int
check_kernel_route(struct writer *w, struct wrow *r, const struct route *kern, long status)
{
	int rc;

	if (status == RS_NOTINSERVICE)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "a route in the kernel cannot be taken "
		    "out of service (destroy it instead)");
	if ((rc = check_type(r, kern)) != 0)
		return rc;
	if (has(r, RC_METRIC1) && val(r, RC_METRIC1) != (long)kern->metric) {
		if ((rc = may_change(w, r, kern)) != 0)
			return rc;
		r->want = *kern;
		r->want.metric = (uint32_t)val(r, RC_METRIC1);
		r->want.flags &= ROUTE_F_GATEWAY | ROUTE_F_ONLINK;
		if ((rc = fetch_exact(w, r, kern)) != 0)
			return rc;
		r->act = A_MOVE;
	}
	return 0;
}

/* A live IPv4 row: created, deleted (destroy, or Type invalid(2)) or changed. */
static int
check_route_row(struct writer *w, struct wrow *r)
{
	const struct route *kern;
	struct route *pend;
	long status = has(r, RC_STATUS) ? val(r, RC_STATUS) : 0;
	int rc, deleting;

	kern = route_find(mirror_routes(w->m), &r->key);
	pend = pending_find(&w->pending, &r->key);
	if (kern != NULL)
		r->cur = *kern;
	else if (pend != NULL)
		r->cur = *pend;

	if (status == RS_CREATEANDGO || status == RS_CREATEANDWAIT) {
		if (kern != NULL || pend != NULL)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "the row exists");
		return check_new_route(w, r, status);
	}
	if (kern == NULL && pend == NULL)
		return no_row(r, status, "cimIP4RouteRowStatus");
	deleting = status == RS_DESTROY || (has(r, RC_TYPE) && val(r, RC_TYPE) == WMI_TYPE_INVALID);
	if ((rc = check_metric_row(r, RC_METRIC1, r->cur.metric, deleting)) != 0)
		return rc;
	if (!deleting)
		return pend != NULL ? check_pending_route(w, r, pend, status) :
				      check_kernel_route(w, r, kern, status);
	if (pend != NULL) {
		r->act = A_DROP;
		return 0;
	}
	if ((rc = may_change(w, r, kern)) != 0)
		return rc;
	r->act = A_DELETE;
	return 0;
}

/*
 * An existing persisted row of either family (cur, in the row's set; its
 * routes in pm): StorageType only as it is; destroy forgets the row, and
 * deletes its live route if cimrouted installed it.
 */
static int
persisted_row(struct writer *w, struct wrow *r, const struct proute *cur, long status, oid storage,
    const struct mirror *pm)
{
	const struct rt_ops *ops = ops_of(r);
	const uint8_t *live;

	if (has(r, storage) && val(r, storage) != (cur->is_volatile ? ST_VOLATILE : ST_NONVOLATILE))
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "StorageType can only be set at creation");
	if (status != RS_DESTROY)
		return 0;
	r->act = A_PDESTROY;
	r->pold = *cur;
	/*
	 * Only a route cimrouted installed goes: an adopted one stays with its
	 * owner.  Its route on a link renamed since goes too: no row has it.
	 */
	live = persist_installed_of(set_of(w, r), cur, pm);
	if (live != NULL && live[ops->kind_off + 1] == CIMR_RTPROT) {
		memcpy(six(r) ? (void *)&r->live6 : &r->live, live, ops->size);
		r->has_live = 1;
	}
	return 0;
}

/* ---- RESERVE2: an IPv6 row ---------------------------------------------------- */

static const struct route6_table *
routes6(const struct writer *w)
{
	return mirror_table(w->m6);
}

/*
 * The kernel route (mirror) with the same table, destination, source prefix
 * and metric, if any: in m6, or for a persisted route (main) in pm6.
 */
static const struct route6 *
fib6_twin(struct writer *w, const struct wrow *row, const struct route6 *k)
{
	const struct route6_table *t =
	    k->table == PERSIST_TABLE && w->pm6 != NULL ? mirror_table(w->pm6) : routes6(w);
	struct route6 key = { .plen = k->plen };
	struct route_pos pos;
	const struct route6 *r;

	memcpy(key.dst, k->dst, sizeof(key.dst));
	for (r = route6_seek(t, &key, 0, &pos); r != NULL; r = route6_next(t, &pos)) {
		if (memcmp(r->dst, k->dst, 16) != 0 || r->plen != k->plen)
			break;
		if (route6_same_fib(r, k) && !deleted_in_set(row, r))
			return r;
	}
	return NULL;
}

/*
 * The route r installs or keeps waiting (its want) has a twin at its
 * kernel key that no row of the SET deletes: refused.  With NLM_F_EXCL the
 * kernel refuses any second route of a key (IPv6: fib6_add_rt2node()).
 */
static void
refuse_twin(struct writer *w, struct wrow *r)
{
	char d[ADDR6_STRLEN], h[ADDR6_STRLEN];
	const struct route6 *t6;
	const struct route *t;

	if (six(r) && (t6 = fib6_twin(w, r, &r->want6)) != NULL)
		refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "table %u already has a route to %s/%u with this source prefix and metric %u, "
		    "via %s",
		    t6->table, addr6_ntop((const struct in6_addr *)t6->dst, d, sizeof(d)), t6->plen,
		    t6->metric, addr6_ntop((const struct in6_addr *)t6->nexthop, h, sizeof(h)));
	else if (!six(r) && (t = fib_twin(w, r, &r->want)) != NULL)
		refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "table %u already has a route to %s/%u with tos %u and metric %u, via %s "
		    "(Linux keeps one)",
		    t->table, addr4_ntop(t->dst, d, sizeof(d)), t->plen, t->tos, t->metric,
		    addr4_ntop(t->nexthop, h, sizeof(h)));
}

/* The index's lengths and host bits, and its source prefix interned into key6.src. */
static int
check_index6(struct wrow *r)
{
	if (r->key6.plen > 128 || r->srclen6 > 128)
		return refuse(r, SNMP_ERR_WRONGVALUE, "prefix length %u is above 128",
		    r->key6.plen > 128 ? r->key6.plen : r->srclen6);
	if (addr6_host_bits(r->key6.dst, r->key6.plen))
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "the destination has host bits set for its prefix length");
	if (addr6_host_bits(r->src6, r->srclen6))
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "the source prefix has host bits set for its length");
	r->key6.src = 0;
	if (r->srclen6 > 0 && (r->key6.src = route6_src_id(r->src6, r->srclen6)) == 0)
		return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE, "too many source prefixes");
	return 0;
}

static int
create6(struct writer *w, struct wrow *r)
{
	char msg[128];

	if (!mirror_table_selected(mirror_config(w->m6), r->key6.table) ||
	    r->key6.table == RT_TABLE_LOCAL)
		return refuse(r, SNMP_ERR_NOCREATION,
		    "routes cannot be created in table %u (not mirrored, or the local table)",
		    r->key6.table);
	/* ip6_route_info_create(): metric 0 is stored as IP6_RT_PRIO_USER (1024). */
	if (r->key6.metric == 0)
		return refuse(r, SNMP_ERR_NOCREATION,
		    "metric 0: the kernel gives the route 1024 instead");
	if (has(r, R6_METRIC1) && val(r, R6_METRIC1) != (long)r->key6.metric)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "Metric1 %ld differs from the index's metric %u", val(r, R6_METRIC1),
		    r->key6.metric);
	r->want6 = r->key6;
	switch (rtcheck6_complete(mirror_iface(w->m6), &r->want6, msg, sizeof(msg))) {
	case RTCHECK_OK: break;
	case RTCHECK_INCONSISTENT:
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "cannot create the route: %s", msg);
	default: return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE, "cannot create the route: %s", msg);
	}
	/* The route's row is the index's: an interface found for the next hop must be it. */
	if (r->want6.ifindex != r->key6.ifindex)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "interface %d does not exist",
		    (int)r->key6.ifindex);
	r->act = A_CREATE;
	return 0;
}

/* A metric change: make before break, from the kernel's route read back. */
static int
move6(struct writer *w, struct wrow *r, const struct route6 *kern)
{
	int rc;

	if ((rc = may_change(w, r, kern)) != 0)
		return rc;
	if (val(r, R6_METRIC1) == 0)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "Metric1 0: the kernel gives the route 1024 instead");
	r->want6 = *kern;
	r->want6.metric = (uint32_t)val(r, R6_METRIC1);
	r->want6.flags &= ROUTE_F_GATEWAY | ROUTE_F_ONLINK;
	if ((rc = fetch_exact(w, r, kern)) != 0)
		return rc;
	r->act = A_MOVE;
	return 0;
}

/* A createAndWait row: dropped, activated (installed), or left waiting. */
static int
pending6_row(struct writer *w, struct wrow *r, long status)
{
	int rc;

	if (status == RS_DESTROY) {
		r->act = A_DROP;
		return 0;
	}
	if (has(r, R6_METRIC1) && val(r, R6_METRIC1) != (long)r->key6.metric)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "Metric1 %ld differs from the index's metric %u", val(r, R6_METRIC1),
		    r->key6.metric);
	if (status != RS_ACTIVE)
		return 0;
	if ((rc = create6(w, r)) != 0)
		return rc;
	r->act = A_ACTIVATE;
	return 0;
}

/* One cimIP6RouteTable row: as an IPv4 row of cimIP4RouteTable, without TOS and Type. */
static int
check_route6_row(struct writer *w, struct wrow *r)
{
	const struct route6 *kern, *pend;
	long status = has(r, R6_STATUS) ? val(r, R6_STATUS) : 0;
	int rc;

	if (w->m6 == NULL)
		return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE, "no IPv6 mirror");
	if ((rc = check_index6(r)) != 0)
		return rc;
	kern = route6_find(routes6(w), &r->key6);
	pend = pending_find(&w->pending6, &r->key6);
	if (kern != NULL)
		r->cur6 = *kern;
	else if (pend != NULL)
		r->cur6 = *pend;
	if (status == RS_CREATEANDGO || status == RS_CREATEANDWAIT) {
		if (kern != NULL || pend != NULL)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "the row exists");
		if ((rc = create6(w, r)) != 0)
			return rc;
		return new_row(r, status, w->pending6.n);
	}
	if (kern == NULL && pend == NULL)
		return no_row(r, status, "cimIP6RouteRowStatus");
	if ((rc = check_metric_row(r, R6_METRIC1, r->cur6.metric, status == RS_DESTROY)) != 0)
		return rc;
	if (pend != NULL)
		return pending6_row(w, r, status);
	if (status == RS_NOTINSERVICE)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "a route in the kernel cannot be taken out of service (destroy it instead)");
	if (status == RS_DESTROY) {
		if ((rc = may_change(w, r, kern)) != 0)
			return rc;
		r->act = A_DELETE;
		return 0;
	}
	if (has(r, R6_METRIC1) && val(r, R6_METRIC1) != (long)kern->metric)
		return move6(w, r, kern);
	return 0;
}

/* ---- RESERVE2: an IPv6 persisted row ------------------------------------------ */

/* The route a new persisted row installs: completed for the kernel, no twin in main. */
static int
check_pinstall(struct writer *w, struct wrow *r)
{
	char msg[128];

	if (!six(r)) {
		const struct link *l = NULL;

		persist_route(&r->pold, &r->want);
		if (r->pold.ifname[0] != '\0' &&
		    (l = iface_link_named(mirror_iface(w->pm), r->pold.ifname)) == NULL)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "interface %s does not exist",
			    r->pold.ifname);
		if (l != NULL)
			r->want.ifindex = l->ifindex;
		return check_install(w, r, "cannot install the persisted route");
	}
	switch (persist6.complete(&r->pold, mirror_iface(w->pm6), &r->want6, msg, sizeof(msg))) {
	case RTCHECK_OK: return 0;
	case RTCHECK_INCONSISTENT:
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "cannot install the persisted route: %s", msg);
	default:
		return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE,
		    "cannot install the persisted route: %s", msg);
	}
}

/*
 * A persisted row of either family whose key is key, in the mirror pm of
 * its family: create (adopt the kernel's route, or check the one to
 * install), change or destroy.  status and storage: the family's columns.
 */
static int
check_prow(struct writer *w, struct wrow *r, const struct proute *key, oid status_col,
    oid storage_col, const struct mirror *pm)
{
	struct persist *p = set_of(w, r);
	struct proute *cur = persist_find(p, key);
	long status = has(r, status_col) ? val(r, status_col) : 0;
	const void *live;
	int rc;

	if (status != RS_CREATEANDGO) {
		if (cur == NULL)
			return no_row(r, status,
			    six(r) ? "cimIP6PersistedRouteRowStatus" :
				     "cimIP4PersistedRouteRowStatus");
		return persisted_row(w, r, cur, status, storage_col, pm);
	}
	if (cur != NULL)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "the persisted route exists");
	r->pold = *key;
	r->pold.created = time(NULL);
	r->pold.is_volatile = has(r, storage_col) && val(r, storage_col) == ST_VOLATILE;
	r->act = A_PCREATE;
	if ((live = persist_live_of(p, &r->pold, pm)) != NULL) {
		/*
		 * The kernel has this very route: it becomes the row's active
		 * route, untouched.  Adoption may not reach what the live table
		 * refuses (writableProtocols, a route of another persisted row).
		 */
		if ((rc = may_change(w, r, live)) != 0)
			return rc;
		memcpy(six(r) ? (void *)&r->live6 : &r->live, live, ops_of(r)->size);
		r->adopt = 1;
		return 0;
	}
	return check_pinstall(w, r);
}

static int
check_persist_row(struct writer *w, struct wrow *r)
{
	struct proute key = { .dst = r->key.dst,
		.plen = r->key.plen,
		.nexthop = r->key.nexthop,
		.metric = r->key.metric };

	snprintf(key.ifname, sizeof(key.ifname), "%s", r->pifname);
	return check_prow(w, r, &key, PC_STATUS, PC_STORAGE, w->pm);
}

static int
check_persist6_row(struct writer *w, struct wrow *r)
{
	long status = has(r, P6_STATUS) ? val(r, P6_STATUS) : 0;
	char msg[128];

	if (w->pm6 == NULL)
		return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE, "no IPv6 mirror");
	if (r->pkey6.plen > 128)
		return refuse(r, SNMP_ERR_WRONGVALUE, "prefix length %u is above 128",
		    r->pkey6.plen);
	/* A new row: what no IPv6 route can be (an existing one passed this). */
	if (status == RS_CREATEANDGO && persist_find(&w->persist6, &r->pkey6) == NULL) {
		if (r->pkey6.metric == 0)
			return refuse(r, SNMP_ERR_NOCREATION,
			    "metric 0: the kernel gives the route 1024 instead");
		if (addr6_host_bits(r->pkey6.dst6, r->pkey6.plen))
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
			    "the destination has host bits set for its prefix length");
		if (persist6_check(&r->pkey6, msg, sizeof(msg)) < 0)
			return refuse(r, SNMP_ERR_NOCREATION, "%s", msg);
	}
	return check_prow(w, r, &r->pkey6, P6_STATUS, P6_STORAGE, w->pm6);
}

/* ---- RESERVE2: a gateway row (SetGateways()) ----------------------------------- */

static int check_one(struct txn_row *, struct wrow *, void *ctx);

/*
 * A gateway row acts as a row of a route table: creating one creates a
 * persisted row (cimIP4PersistedRouteTable or cimIP6PersistedRouteTable,
 * of the row's StorageType), so that a nonVolatile gateway is kept in the
 * state file and installed again, as Windows keeps its gateways;
 * destroying one destroys that persisted row, or, for a default route that
 * cimrouted did not make, its row in the live table (writableProtocols
 * applies).  Its steps, checks and undo are those rows'.
 */
#define GW_METRIC_MAX 9999 /* WMI's GatewayCostMetric range, 1 to 9999, for new gateways */
#define GW_NEW_MAX    5    /* WMI: "more than 5 gateways" (69) */

/* The gateway's default route as a key of the live table of its family (main); NULL or it. */
static const void *
gw_live_key(struct writer *w, struct wrow *r)
{
	if (r->gwk.six) {
		memset(&r->key6, 0, sizeof(r->key6));
		memcpy(r->key6.nexthop, r->gwk.addr6, 16);
		r->key6.ifindex = r->gwk.ifindex;
		r->key6.table = RT_TABLE_MAIN;
		r->key6.metric = r->gwk.metric;
		r->srclen6 = 0;
		r->tbl = T_ROUTE6;
		return route6_find(mirror_table(w->pm6), &r->key6);
	}
	memset(&r->key, 0, sizeof(r->key));
	r->mask = 0;
	r->key.nexthop = r->gwk.addr4;
	r->key.ifindex = r->gwk.ifindex;
	r->key.table = RT_TABLE_MAIN;
	r->key.metric = r->gwk.metric;
	r->tbl = T_ROUTE;
	return route_find(mirror_routes(w->pm), &r->key);
}

/* ... as a new persisted row's key (IPv6: naming the link); a row of the set at it, or NULL. */
static struct proute *
gw_persist_key(struct writer *w, struct wrow *r, const struct link *l)
{
	struct proute key = { .metric = r->gwk.metric };

	if (r->gwk.six) {
		memcpy(key.nexthop6, r->gwk.addr6, 16);
		snprintf(key.ifname, sizeof(key.ifname), "%s", l->name);
		r->pkey6 = key;
		r->tbl = T_PERSIST6;
	} else {
		memset(&r->key, 0, sizeof(r->key));
		r->mask = 0;
		key.nexthop = r->key.nexthop = r->gwk.addr4;
		r->key.metric = r->gwk.metric;
		r->key.table = PERSIST_TABLE;
		/* Through this interface, whichever else has the gateway's subnet. */
		snprintf(r->pifname, sizeof(r->pifname), "%s", l->name);
		r->tbl = T_PERSIST;
	}
	return persist_find(set_of(w, r), &key);
}

/* The row acts as owner, the persisted row that keeps its live route. */
static void
gw_as_persisted(struct wrow *r, const struct proute *owner)
{
	r->tbl = r->gwk.six ? T_PERSIST6 : T_PERSIST;
	if (r->gwk.six) {
		r->pkey6 = *owner;
		return;
	}
	memset(&r->key, 0, sizeof(r->key));
	r->mask = 0;
	r->key.nexthop = owner->nexthop;
	r->key.metric = owner->metric;
	r->key.table = PERSIST_TABLE;
	snprintf(r->pifname, sizeof(r->pifname), "%s", owner->ifname);
}

/* Whether the row's gateway is one of the addresses of its interface (either family). */
static int
own_addr(const struct iface *ifm, const struct gwkey *k)
{
	uint32_t be = htonl(k->addr4);

	return iface_addr_find(ifm, k->ifindex, k->six ? AF_INET6 : AF_INET,
		   k->six ? k->addr6 : (const uint8_t *)&be, -1) != NULL;
}

/* A new gateway: a persisted row whose route goes through the row's interface. */
static int
gw_create(struct writer *w, struct wrow *r, const void *live, const struct link *l)
{
	int32_t via;
	int rc;

	/*
	 * WMI's SetGateways clears an adapter's gateways when given its own
	 * address (cimq drops such an element); a row cannot clear, and a
	 * direct default route would be no gateway the table shows (IPv4;
	 * Linux refuses an IPv6 gateway that is an address of the link).
	 */
	r->wmi = CIM_RC_INVALIDGATEWAY;
	if (own_addr(mirror_iface(w->pm), &r->gwk))
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "the gateway is the interface's own address (WMI's way of clearing the "
		    "gateways: destroy their rows instead)");
	r->wmi = CIM_RC_ALREADYEXISTS;
	if (live != NULL)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "the interface has this gateway at this metric already");
	if (gw_persist_key(w, r, l) != NULL)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "a persisted route through this gateway at this metric exists");
	r->wmi = CIM_RC_OUTOFBOUNDS;
	if (r->gwk.metric == 0 || r->gwk.metric > GW_METRIC_MAX)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "GatewayCostMetric %u is outside WMI's 1 to %d", r->gwk.metric, GW_METRIC_MAX);
	r->wmi = CIM_RC_INVALIDGATEWAY;
	if ((rc = check_one(r->tr, r, w)) != 0)
		return rc;
	r->wmi = CIM_RC_ALREADYEXISTS;
	if (r->adopt)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "a default route through this gateway at this metric exists on another "
		    "interface");
	r->wmi = CIM_RC_INVALIDGATEWAY;
	via = r->gwk.six ? r->want6.ifindex : r->want.ifindex;
	if (via != r->gwk.ifindex)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "the gateway is reached through interface %d, not %d (its subnet is there%s)",
		    (int)via, (int)r->gwk.ifindex,
		    r->gwk.six ? "" : "; an IPv4 persisted route names no interface");
	return 0;
}

/*
 * The persisted row that keeps the gateway's route: the route's owner, or
 * without the route (its link is down: the kernel dropped it) the row a
 * gateway of this interface made, at its key and naming the interface.
 */
static const struct proute *
gw_owner(struct writer *w, struct wrow *r, const void *live, const struct link *l)
{
	const struct proute *pr;

	if (live != NULL)
		return writer_gateway_owner(w, r->gwk.six, live);
	pr = gw_persist_key(w, r, l);
	gw_live_key(w, r); /* the row's keys as the live table's again */
	return pr != NULL && strcmp(pr->ifname, l->name) == 0 ? pr : NULL;
}

/*
 * An existing gateway: the persisted row that keeps its route if cimrouted
 * installed it, else its live row.  A route that a persisted row adopted
 * stays with that row (destroyed there, the route would stay).
 */
static int
gw_existing(struct writer *w, struct wrow *r, const void *live, const struct link *l)
{
	const struct mirror *served = r->gwk.six ? w->m6 : w->m;
	const struct proute *owner = gw_owner(w, r, live, l);

	r->wmi = CIM_RC_UNKNOWNFAILURE;
	if (owner != NULL && live != NULL &&
	    ((const uint8_t *)live)[ops_of(r)->kind_off + 1] != CIMR_RTPROT)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "a persisted row adopted this route: destroy it in %s",
		    r->gwk.six ? "cimIP6PersistedRouteTable" : "cimIP4PersistedRouteTable");
	if (owner != NULL) {
		gw_as_persisted(r, owner);
		return check_one(r->tr, r, w);
	}
	if (txn_has(r->tr, GW_STORAGE))
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "StorageType can only be set at creation");
	if (live != NULL &&
	    (served == NULL || !mirror_table_selected(mirror_config(served), RT_TABLE_MAIN)))
		return refuse(r, SNMP_ERR_NOTWRITABLE,
		    "cimrouted does not serve table main (routeTables): its default routes "
		    "cannot be changed here");
	return check_one(r->tr, r, w);
}

static int
check_gw_row(struct writer *w, struct wrow *r)
{
	const struct link *l = iface_link(mirror_iface(w->pm), r->gwk.ifindex);
	long status = 0;
	const void *live;

	txn_int(r->tr, GW_STATUS, &status);
	r->wmi = CIM_RC_INVALIDGATEWAY;
	if (l == NULL && status == RS_DESTROY)
		return 0; /* RFC 2579: destroying a row that does not exist is noError */
	if (l == NULL)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "interface %d does not exist",
		    (int)r->gwk.ifindex);
	if (r->gwk.six && w->pm6 == NULL)
		return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE, "no IPv6 mirror");
	live = gw_live_key(w, r);
	if (status == RS_CREATEANDGO)
		return gw_create(w, r, live, l);
	return gw_existing(w, r, live, l);
}

/*
 * RESERVE2: one row of either table.  A row that waits for the kernel
 * (reading a route back) is checked again from the start when the answer
 * comes, against the mirror as it is then, and takes the answer.
 */
static int
check_one(struct txn_row *tr, struct wrow *r, void *ctx)
{
	if (r->tbl == T_ROUTE6)
		return check_route6_row(ctx, r);
	if (r->tbl == T_PERSIST6)
		return check_persist6_row(ctx, r);
	if (addr4_plen(r->mask) < 0)
		return refuse(r, SNMP_ERR_WRONGVALUE, "the mask is not contiguous");
	if (r->key.dst & ~r->mask)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "the destination has host bits set for "
		    "its mask");
	if (r->tbl == T_ROUTE)
		return check_route_row(ctx, r);
	return check_persist_row(ctx, r);
}

static int
check_row(struct txn *x, struct txn_row *tr, void *ctx)
{
	struct wrow *r = txn_row_data(tr);
	int rc;

	if (r->kq.wait)
		return TXN_PENDING;
	r->tr = tr;
	r->w = ctx;
	r->kq.x = x;
	r->kq.sent = &r->w->set_sent;
	r->act = A_NONE;
	r->adopt = r->has_live = 0;
	if ((rc = r->gw ? check_gw_row(ctx, r) : check_one(tr, r, ctx)) == TXN_PENDING)
		return rc;
	/* An answer the check did not take (the mirror changed meanwhile) is dropped. */
	r->kq.answered = 0;
	if (r->act != A_MOVE)
		nlroute_free(&r->exact);
	return rc;
}

/* A row of this group that passed its own check, or NULL. */
static struct wrow *
good_row(const struct txn *x, size_t i)
{
	struct txn_row *tr = txn_row_at(x, i);
	const struct txn_ops *ops = txn_row_ops(tr);

	if (txn_refused(tr) ||
	    (ops != &mib_set_route_ops && ops != &mib_set_persist_ops &&
		ops != &mib_set_route6_ops && ops != &mib_set_persist6_ops &&
		ops != &mib_set_gateway_ops))
		return NULL;
	return txn_row_data(tr);
}

/*
 * PERSIST_ROWS_MAX rows of each family, this SET's new ones counted: a
 * bound on the file, the memory and the work of every apply.
 */
static void
check_rows_max(struct txn *x, struct writer *w)
{
	size_t rows[2] = { w->persist.n, w->persist6.n };

	for (size_t i = 0; i < txn_nrows(x); i++) {
		struct wrow *r = good_row(x, i);
		size_t *k;

		if (r == NULL || r->act != A_PCREATE)
			continue;
		k = &rows[r->tbl == T_PERSIST6];
		if (*k >= PERSIST_ROWS_MAX)
			refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE, "%s holds %d rows, the most it may",
			    set_of(w, r)->fam->table, PERSIST_ROWS_MAX);
		else
			++*k;
	}
}

/* SetGateways() takes at most GW_NEW_MAX gateways: as many new ones a SET, per interface. */
static void
check_gw_max(struct txn *x)
{
	for (size_t i = 0; i < txn_nrows(x); i++) {
		struct wrow *r = good_row(x, i), *o;
		int n = 0;

		if (r == NULL || !r->gw || r->act != A_PCREATE)
			continue;
		for (size_t j = 0; j <= i; j++)
			n += (o = good_row(x, j)) != NULL && o->gw && o->act == A_PCREATE &&
			    o->gwk.ifindex == r->gwk.ifindex;
		if (n > GW_NEW_MAX) {
			r->wmi = CIM_RC_TOOMANYGATEWAYS;
			refuse(r, SNMP_ERR_INCONSISTENTVALUE,
			    "more than %d new gateways for interface %d in one SET", GW_NEW_MAX,
			    (int)r->gwk.ifindex);
		}
	}
}

/* The name of e's interface (an entry of r's family) if protectedInterfaces names it, or NULL. */
static const char *
protected_if(struct writer *w, const struct wrow *r, const void *e)
{
	int32_t ifindex =
	    six(r) ? ((const struct route6 *)e)->ifindex : ((const struct route *)e)->ifindex;
	const struct link *l = iface_link(mirror_iface(w->m), ifindex);

	return l != NULL && writer_protected(&w->cfg, l->name) ? l->name : NULL;
}

/*
 * A protection holds on every path to the same kernel object: no route
 * row may add, change or delete a route through a protected interface
 * (as no adapter write may change the interface, mib_ifset.c).
 */
static void
check_protected(struct txn *x, struct writer *w)
{
	for (size_t i = 0; i < txn_nrows(x); i++) {
		struct wrow *r = good_row(x, i);
		const void *e[3] = { NULL, NULL, NULL };
		const char *name = NULL;

		if (r == NULL || r->act == A_NONE)
			continue;
		e[0] =
		    r->act == A_DELETE || r->act == A_MOVE || r->act == A_DROP ? cur_of(r) : NULL;
		e[1] = installs(r) || r->act == A_WAIT ? want_of(r) : NULL;
		e[2] = r->has_live ? live_of(r) : NULL;
		for (int k = 0; k < 3 && name == NULL; k++)
			name = e[k] != NULL ? protected_if(w, r, e[k]) : NULL;
		if (name == NULL)
			continue;
		r->wmi = CIM_RC_ACCESSDENIED; /* a gateway row's SetGateways() record */
		refuse(r, SNMP_ERR_NOACCESS,
		    "the route's interface %s is protected from SNMP writes "
		    "(protectedInterfaces)",
		    name);
	}
}

/* SetGateways() into the interface's cimAdapterCfgLastMethod and LastResult. */
static void
gw_record(struct writer *w, struct wrow *r, int code)
{
	if (w->ifs != NULL)
		ifset_record_cfg(w->ifs, r->gwk.ifindex, CIM_M_SETGATEWAYS, code, &r->old_rec);
}

/* RESERVE1: the column check refused a value: SetGateways()'s refusal recorded. */
static void
gw_refused(struct txn_row *tr, oid col, int err, void *ctx)
{
	struct writer *w = ctx;
	const struct wrow *r = txn_row_data(tr);

	(void)col;
	if (w->ifs != NULL)
		ifset_record_refused_cfg(w->ifs, r->gwk.ifindex, CIM_M_SETGATEWAYS, err);
}

static int
undo_gw_record(void *row, void *w)
{
	struct wrow *r = row;

	ifset_unrecord_cfg(((struct writer *)w)->ifs, r->gwk.ifindex, CIM_M_SETGATEWAYS,
	    CIM_RC_SUCCESS, &r->old_rec);
	return 0;
}

/* The gateway rows refused by their own check or the checks of the SET: their codes. */
static void
record_refused(struct txn *x, struct writer *w)
{
	for (size_t i = 0; i < txn_nrows(x); i++) {
		struct txn_row *tr = txn_row_at(x, i);
		struct wrow *r = txn_row_data(tr);

		if (txn_row_ops(tr) == &mib_set_gateway_ops && txn_refused(tr))
			gw_record(w, r, r->wmi);
	}
}

/* RESERVE2: the rows of both tables together. */
static void
check_set(struct txn *x, void *ctx)
{
	struct writer *w = ctx;
	size_t n = txn_nrows(x);

	/* A new SET: what the last one left is stale (an ACTION that failed before its end). */
	w->set_dirty = w->set_resave = w->set_saved = w->set_absent = 0;
	check_protected(x, w);
	check_rows_max(x, w);
	check_gw_max(x);
	/* Two rows of one SET may not both act on one kernel route (adopt it and delete it). */
	for (size_t i = 0; i < n; i++) {
		struct wrow *r = good_row(x, i), *o;
		const void *a = r != NULL ? touches(r) : NULL;

		for (size_t j = 0; a != NULL && j < i; j++) {
			const void *b = (o = good_row(x, j)) != NULL ? touches(o) : NULL;

			if (b != NULL && same_family(r, o) && ops_of(r)->store->cmp(a, b) == 0) {
				refuse(r, SNMP_ERR_INCONSISTENTVALUE,
				    "another row of the "
				    "same SET acts on the same kernel route");
				break;
			}
		}
	}
	/* Two rows of one SET may not put routes at the same kernel key. */
	for (size_t i = 0; i < n; i++) {
		struct wrow *r = good_row(x, i), *o;

		if (r == NULL || !installs(r))
			continue;
		for (size_t j = 0; j < i; j++)
			if ((o = good_row(x, j)) != NULL && installs(o) && same_family(r, o) &&
			    ops_of(r)->same_fib(want_of(r), want_of(o))) {
				refuse(r, SNMP_ERR_INCONSISTENTVALUE,
				    "another row of the same SET installs a route with this "
				    "destination, %s and metric",
				    six(r) ? "source prefix" : "tos");
				break;
			}
	}
	/* A route installed or waiting at a kernel key whose route no row of the SET deletes. */
	for (size_t i = 0; i < n; i++) {
		struct wrow *r = good_row(x, i);

		if (r != NULL && (installs(r) || r->act == A_WAIT))
			refuse_twin(w, r);
	}
	record_refused(x, w);
}

/* ---- ACTION and UNDO ---------------------------------------------------------- */

/* Log a kernel request's outcome (rt being the route it was about); returns rc. */
static int
told(struct writer *w, int rc, const char *what, const void *rt, const struct wrow *r,
    const char *err)
{
	char name[256], line[ROUTEFMT_MAX];

	if (six(r))
		routefmt6_text(rt, w->m6, line, sizeof(line), routefmt_description_of);
	else
		routefmt_description(rt, w->m, line, sizeof(line));
	if (rc < 0) {
		row_name(r, name, sizeof(name));
		log_err("set", "%s: the kernel refused to %s %s: %s", name, what, line, err);
	} else {
		log_info("set", "%s %s", what, line);
	}
	return rc;
}

/*
 * Write the state files of the sets in dirty (DIRTY4, DIRTY6), or remove
 * those also in absent (UNDO: there was none before the SET): 0, or -1 (logged).
 */
static int
save(struct writer *w, int dirty, int absent)
{
	struct persist *sets[] = { &w->persist, &w->persist6 };
	char err[256];
	int rc = 0;

	for (int i = 0; i < 2; i++) {
		if (!(dirty & (1 << i)) ||
		    (absent & (1 << i) ? persist_unsave(sets[i], err, sizeof(err)) :
					 persist_save(sets[i], err, sizeof(err))) == 0)
			continue;
		log_err("set", "cannot save the persisted routes: %s", err);
		rc = -1;
	}
	return rc;
}

/* The undo steps: each puts back one step of apply(); 0 or -1. */

/*
 * An undo step's kernel request, sent without waiting: TXN_PENDING while
 * it is in flight (the answer resumes the transaction, and the step is
 * called again), then 0, or -1 with the kernel's refusal logged.
 */
enum undo_req { U_DEL_WANT, U_RESTORE_CUR, U_RESTORE_LIVE, U_DEL_MOVED };

static int
undo_kernel(struct writer *w, struct wrow *r, enum undo_req u)
{
	static const char *const what[] = { "delete", "add", "add", "delete" };
	const void *shown[] = { want_of(r), cur_of(r), live_of(r), want_of(r) };

	if (r->kq.wait)
		return TXN_PENDING;
	if (!r->kq.answered) {
		switch (u) {
		case U_DEL_WANT: send_route(w, r, RTM_DELROUTE, 0); break;
		case U_RESTORE_CUR:
		case U_RESTORE_LIVE:
			txn_req_sent(&r->kq,
			    nlreq_route_restore_async(w->qa, &r->gone, NULL, TXN_REQ_CB(&r->kq)));
			break;
		case U_DEL_MOVED:
			txn_req_sent(&r->kq,
			    nlreq_route_delete_kept_async(w->qa, &r->exact, want_metric(r), NULL,
				TXN_REQ_CB(&r->kq)));
			break;
		}
		if (r->kq.wait)
			return TXN_PENDING;
	}
	r->kq.answered = 0;
	return told(w, r->kq.rc, what[u], shown[u], r, r->kq.err) < 0 ? -1 : 0;
}

static int
undo_add(void *row, void *w)
{
	return undo_kernel(w, row, U_DEL_WANT);
}

static int
undo_wait(void *row, void *w)
{
	struct wrow *r = row;

	pending_remove(pending_of(w, r), want_of(r), NULL);
	return 0;
}

static int
undo_drop(void *row, void *w)
{
	struct wrow *r = row;

	return pending_add(pending_of(w, r), cur_of(r));
}

static int
undo_delete(void *row, void *w)
{
	return undo_kernel(w, row, U_RESTORE_CUR);
}

static int
undo_move(void *row, void *w)
{
	return undo_kernel(w, row, U_DEL_MOVED);
}

static int
undo_pinsert(void *row, void *w)
{
	struct wrow *r = row;

	persist_remove(set_of(w, r), &r->pold, NULL);
	return 0;
}

static int
undo_premove(void *row, void *w)
{
	struct wrow *r = row;

	return persist_insert(set_of(w, r), &r->pold);
}

static int
undo_pdelete(void *row, void *w)
{
	return undo_kernel(w, row, U_RESTORE_LIVE);
}

/* State files were written: UNDO writes them again, after the persisted sets are put back. */
static int
undo_saved(void *row, void *arg)
{
	struct writer *w = arg;

	w->set_resave |= w->set_saved;
	return 0;
}

/*
 * ACTION, without waiting in the loop: a row's action is a plan of steps,
 * done one after the other; a kernel request is sent and the row waits
 * (TXN_PENDING) until its answer resumes the transaction (txn_req_ack()), which
 * calls apply() again for the row to finish that step and go on.  Each
 * step done records its undo.
 */
enum op {
	O_END,
	O_ADD_WANT,        /* kernel: install r->want */
	O_RESTORE_AT_WANT, /* kernel: install r->exact at the new metric (a move) */
	O_DEL_CUR,  /* kernel: delete r->cur, keeping its description (gone already is fine) */
	O_DEL_LIVE, /* kernel: delete r->live (likewise) */
	O_PENDING_ADD_WANT, /* keep r->want as a createAndWait row */
	O_PENDING_DROP_CUR, /* forget the createAndWait row r->cur */
	O_PINSERT,          /* store the persisted row */
	O_PREMOVE,          /* forget the persisted row */
};

static const enum op plans[][3] = {
	[A_NONE] = { O_END },
	[A_CREATE] = { O_ADD_WANT, O_END },
	[A_WAIT] = { O_PENDING_ADD_WANT, O_END },
	[A_ACTIVATE] = { O_ADD_WANT, O_PENDING_DROP_CUR, O_END },
	[A_DELETE] = { O_DEL_CUR, O_END },
	[A_DROP] = { O_PENDING_DROP_CUR, O_END },
	/* Make before break: the destination is never without a route. */
	[A_MOVE] = { O_RESTORE_AT_WANT, O_DEL_CUR, O_END },
	[A_PCREATE] = { O_PINSERT, O_ADD_WANT, O_END },
	[A_PDESTROY] = { O_PREMOVE, O_DEL_LIVE, O_END },
};

/*
 * Delete rt keeping the kernel's description of it in r->gone, for an
 * exact undo.  A route already read back (a metric change) is deleted by
 * that description; so is one that the kernel does not find by its
 * gateway and interface, a route through a nexthop object (RTA_NH_ID): then
 * the route is read back (a dump, answered later too) and deleted again
 * (r->retry).
 */
static void
del_keep_send(struct writer *w, const void *rt, struct wrow *r)
{
	if (r->exact.msg == NULL && !r->retry)
		txn_req_sent(&r->kq,
		    nlreq_route_delete_async(w->qa, ops_of(r)->family, rt, &r->gone,
			TXN_REQ_CB(&r->kq)));
	else
		txn_req_sent(&r->kq,
		    nlreq_route_delete_kept_async(w->qa, &r->exact, NULL, &r->gone,
			TXN_REQ_CB(&r->kq)));
}

/*
 * The answer to a delete, or to reading the route back for it: 1 if the
 * next request (reading back, or the delete by the kernel's description)
 * was sent.
 */
static int
del_keep_retry(struct writer *w, const void *rt, struct wrow *r)
{
	if (r->retry == 1) {
		r->retry = 2;
		/* Not read back: gone only if the kernel said so (ESRCH), else its failure. */
		if (r->kq.rc < 0)
			return 0;
		r->kq.answered = 0;
		del_keep_send(w, rt, r);
		return 1;
	}
	if (r->kq.rc != -ESRCH || r->exact.msg != NULL || r->retry)
		return 0;
	r->retry = 1;
	r->kq.answered = 0;
	fetch_send(w, r, rt);
	return 1;
}

/* Start the kernel request of op. */
static void
send_op(struct writer *w, struct wrow *r, enum op o)
{
	switch (o) {
	case O_ADD_WANT: send_route(w, r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL); break;
	case O_RESTORE_AT_WANT:
		txn_req_sent(&r->kq,
		    nlreq_route_restore_async(w->qa, &r->exact, want_metric(r),
			TXN_REQ_CB(&r->kq)));
		break;
	case O_DEL_CUR: del_keep_send(w, cur_of(r), r); break;
	case O_DEL_LIVE: del_keep_send(w, live_of(r), r); break;
	default: break;
	}
}

#define STEP(undo) txn_step(x, tr, undo, w)

/* Finish a kernel step with the kernel's answer in r->kq.rc; SNMP error, or 0. */
static int
finish_op(struct txn *x, struct txn_row *tr, struct writer *w, struct wrow *r, enum op o)
{
	struct route shown;
	struct route6 shown6;

	switch (o) {
	case O_ADD_WANT:
		if (told(w, r->kq.rc, "add", want_of(r), r, r->kq.err) < 0)
			return SNMP_ERR_COMMITFAILED;
		STEP(undo_add);
		if (r->act == A_PCREATE)
			persist_find(set_of(w, r), &r->pold)->tried = 1;
		return 0;
	case O_RESTORE_AT_WANT:
		shown = r->cur;
		shown.metric = r->want.metric;
		shown6 = r->cur6;
		shown6.metric = r->want6.metric;
		if (told(w, r->kq.rc, "add", r->tbl == T_ROUTE6 ? (const void *)&shown6 : &shown, r,
			r->kq.err) < 0)
			return SNMP_ERR_COMMITFAILED;
		STEP(undo_move);
		return 0;
	case O_DEL_CUR:
	case O_DEL_LIVE:
		/*
		 * Gone already (the kernel's message not read yet): what a delete wants.
		 * Nothing was deleted, nothing kept (r->gone): nothing to put back.
		 */
		if (told(w, r->kq.rc == -ESRCH ? 0 : r->kq.rc,
			r->kq.rc == -ESRCH ? "gone already:" : "delete",
			o == O_DEL_CUR ? cur_of(r) : live_of(r), r, r->kq.err) < 0)
			return SNMP_ERR_COMMITFAILED;
		if (r->gone.msg != NULL)
			STEP(o == O_DEL_CUR ? undo_delete : undo_pdelete);
		return 0;
	default: return SNMP_ERR_GENERR;
	}
}

/* A step without the kernel; SNMP error, or 0. */
static int
local_op(struct txn *x, struct txn_row *tr, struct writer *w, struct wrow *r, enum op o)
{
	switch (o) {
	case O_PENDING_ADD_WANT:
		if (six(r))
			r->want6.first_seen = mirror_now(w->m6);
		else
			r->want.first_seen = mirror_now(w->m);
		if (pending_add(pending_of(w, r), want_of(r)) < 0)
			return SNMP_ERR_COMMITFAILED;
		STEP(undo_wait);
		return 0;
	case O_PENDING_DROP_CUR:
		pending_remove(pending_of(w, r), cur_of(r), NULL);
		STEP(undo_drop);
		return 0;
	case O_PINSERT:
		if (persist_insert(set_of(w, r), &r->pold) < 0)
			return SNMP_ERR_COMMITFAILED;
		STEP(undo_pinsert);
		w->set_dirty |= r->pold.is_volatile ? 0 : dirty_of(r);
		return 0;
	case O_PREMOVE:
		persist_remove(set_of(w, r), &r->pold, NULL);
		STEP(undo_premove);
		w->set_dirty |= r->pold.is_volatile ? 0 : dirty_of(r);
		return 0;
	default: return SNMP_ERR_GENERR;
	}
}

static int
skipped(const struct wrow *r, enum op o)
{
	return (o == O_ADD_WANT && r->act == A_PCREATE && r->adopt) ||
	    (o == O_DEL_LIVE && !r->has_live);
}

static int
is_kernel(enum op o)
{
	return o == O_ADD_WANT || o == O_RESTORE_AT_WANT || o == O_DEL_CUR || o == O_DEL_LIVE;
}

static int apply(struct txn *x, struct txn_row *tr, void *ctx);

/*
 * Before r installs a route, the rows of the SET that delete a route at
 * its kernel key (check_set() let it through for them), in whatever order
 * their varbinds came: a destroy and a create at one key are a replace.
 * A row done already returns 0 at once; so does its own turn later.
 */
static int
deleters_first(struct txn *x, struct writer *w, const struct wrow *r)
{
	int err;

	for (size_t i = 0; installs(r) && i < txn_nrows(x); i++) {
		const struct wrow *o = good_row(x, i);
		const void *t = deletes(r, o);

		if (t != NULL && ops_of(r)->same_fib(t, want_of(r)) &&
		    (err = apply(x, o->tr, w)) != 0)
			return err;
	}
	return 0;
}

/* ACTION: the row's next steps; 0 when done, TXN_PENDING while the kernel answers, or the SNMP error. */
static int
apply(struct txn *x, struct txn_row *tr, void *ctx)
{
	struct writer *w = ctx;
	struct wrow *r = txn_row_data(tr);
	enum op o;
	int err;

	r->kq.x = x;
	r->kq.sent = &w->set_sent;
	r->w = w;
	if (r->stage == 0 && (err = deleters_first(x, w, r)) != 0)
		return err;
	while ((o = plans[r->act][r->stage]) != O_END) {
		if (r->kq.wait)
			return TXN_PENDING;
		if (skipped(r, o)) {
			r->stage++;
			continue;
		}
		if (!is_kernel(o)) {
			if ((err = local_op(x, tr, w, r, o)) != 0)
				return err;
			r->stage++;
			continue;
		}
		if (!r->kq.answered) {
			send_op(w, r, o);
			continue; /* waiting, or answered at once (not sent) */
		}
		if ((o == O_DEL_CUR || o == O_DEL_LIVE) &&
		    del_keep_retry(w, o == O_DEL_CUR ? cur_of(r) : live_of(r), r))
			continue;
		r->kq.answered = 0;
		if ((err = finish_op(x, tr, w, r, o)) != 0)
			return err;
		r->stage++;
	}
	return 0;
}

/*
 * SetGateways()'s code for the kernel's refusal of a gateway's route: as
 * EnableStatic's for the same causes, ipNotEnabled for an IPv6 gateway on a
 * link whose IPv6 is disabled ("IPv6 is disabled on nexthop device",
 * EACCES) or that has none, its MTU below 1280 (ENODEV).
 */
static int
gw_code(const struct writer *w, const struct wrow *r)
{
	const struct link *l = iface_link(mirror_iface(w->pm), r->gwk.ifindex);
	int rc = r->kq.rc;

	if (rc == -EEXIST)
		return CIM_RC_ALREADYEXISTS;
	if (r->gwk.six && (rc == -EACCES || (rc == -ENODEV && l != NULL && l->mtu < LINK_MTU_MIN6)))
		return CIM_RC_IPNOTENABLED;
	return CIM_RC_UNKNOWNFAILURE;
}

/* A gateway row: its route row's steps, then SetGateways()'s result recorded (and its undo). */
static int
gw_apply(struct txn *x, struct txn_row *tr, void *ctx)
{
	struct writer *w = ctx;
	struct wrow *r = txn_row_data(tr);
	int err = apply(x, tr, ctx);

	if (err == TXN_PENDING)
		return err;
	gw_record(w, r, err == 0 ? CIM_RC_SUCCESS : gw_code(w, r));
	if (err == 0 && w->ifs != NULL)
		txn_step(x, tr, undo_gw_record, w);
	return err;
}

/*
 * ACTION, after a table's rows: write each family's state file once if its
 * persisted set changed.  Two files are two renames: one that fails after
 * the other was written is undone by writing that one again.
 */
static int
action_end(struct txn *x, void *ctx)
{
	struct writer *w = ctx;
	int dirty = w->set_dirty;

	w->set_dirty = 0;
	if (dirty == 0)
		return 0;
	/* Undone, it writes again the files written (set_saved) when this fails midway. */
	txn_step(x, NULL, undo_saved, w);
	for (int bit = DIRTY4; bit <= DIRTY6; bit <<= 1) {
		if (!(dirty & bit))
			continue;
		if (!(w->set_saved & bit) &&
		    !persist_file_exists(bit == DIRTY4 ? &w->persist : &w->persist6))
			w->set_absent |= bit;
		if (save(w, bit, 0) < 0)
			return SNMP_ERR_COMMITFAILED;
		w->set_saved |= bit;
	}
	return 0;
}

/*
 * UNDO, after every step: the state file says again what it said before the
 * SET, or is gone again if the SET wrote the first one (set_absent).
 */
static int
undo_end(struct txn *x, void *ctx)
{
	struct writer *w = ctx;
	int resave = w->set_resave;

	w->set_resave = 0;
	return save(w, resave, w->set_absent);
}

/* Bound the kernel waits of a phase; after ACTION and UNDO, read what the kernel told. */
static void
enter(void *ctx, int mode)
{
	struct writer *w = ctx;

	nlreq_budget(w->q, TXN_BUDGET_MS);
	nlreq_budget(w->qa, TXN_BUDGET_MS);
	/* Between a step and its answer, or its undo's, rows are half made. */
	w->set_acting = mode == MODE_SET_ACTION || mode == MODE_SET_UNDO;
	w->set_sent = 0;
}

/* The phase's time is up: its kernel requests fail. */
static void
abandon(void *ctx)
{
	writer_abandon_requests(ctx);
}

static void
leave(void *ctx, int mode)
{
	struct writer *w = ctx;

	nlreq_budget(w->q, 0);
	nlreq_budget(w->qa, 0);
	w->set_acting = 0;
	/*
	 * After our own requests, their events, so that a GET after the SET
	 * sees them.  The last answer ends the phase, so this runs from the
	 * request socket's read in the loop, not inside the SET handler; a
	 * phase the kernel answered nothing in has no events to read, only
	 * the persisted rows' state to bring up to date (an adopted route).
	 */
	if (mode == MODE_SET_ACTION || mode == MODE_SET_UNDO) {
		if (w->set_sent) {
			writer_sync(w);
		} else {
			writer_refresh(w);
		}
	}
	w->set_sent = 0;
}

static void
row_free(void *row)
{
	struct wrow *r = row;

	nlroute_free(&r->exact);
	nlroute_free(&r->gone);
}

static const struct txn_group route_group = {
	.check_set = check_set,
	.action_end = action_end,
	.undo_end = undo_end,
	.enter = enter,
	.leave = leave,
	.abandon = abandon,
};

/* The four tables' operations: one row type and group; each its columns and index. */
#define WROW_OPS(columns, index_fn)                                                                \
	.row_size = sizeof(struct wrow), .row_name = row_name, .check = check_row, .apply = apply, \
	.row_free = row_free, .group = &route_group, .parse_index = (index_fn),                    \
	MIB_COLUMNS(columns)

const struct txn_ops mib_set_route_ops = { WROW_OPS(route_columns, route_index) };
const struct txn_ops mib_set_persist_ops = { WROW_OPS(persist_columns, persist_index) };
const struct txn_ops mib_set_route6_ops = { WROW_OPS(route6_columns, route6_index) };
const struct txn_ops mib_set_persist6_ops = { WROW_OPS(persist6_columns, persist6_index) };
const struct txn_ops mib_set_gateway_ops = {
	.row_size = sizeof(struct wrow),
	.row_name = row_name,
	.check = check_row,
	.apply = gw_apply,
	.row_free = row_free,
	.group = &route_group,
	.parse_index = gw_index,
	.refused = gw_refused,
	MIB_COLUMNS(gw_columns),
};
