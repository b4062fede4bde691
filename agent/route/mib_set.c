/*
 * SET on cimIP4RouteTable and cimIP4PersistedRouteTable: one transaction
 * across both tables, in SNMP's phases.
 *
 *   RESERVE1  each varbind alone: column, index, type, length, range.
 *   RESERVE2  every row of the transaction, together, against the kernel
 *             (through the mirror and netlink): what exists, what may
 *             change, what the kernel would accept.  Nothing is touched.
 *   ACTION    apply row by row, remembering how far each row got.
 *   UNDO      revert every applied row, newest first.
 *   COMMIT / FREE  forget the transaction.
 *
 * Through AgentX each phase arrives as its own request (TestSet, CommitSet,
 * UndoSet, CleanupSet), so the transaction is kept here, keyed by the
 * AgentX transaction id, and found again by the varbinds' names.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "snmp/mib.h"
#include "route/mirror.h"
#include "route/nlreq.h"
#include "route/routefmt.h"
#include "route/rtcheck.h"
#include "lib/vec.h"
#include "route/writer.h"

/* Writable columns (oids.h). */
enum {
	RC_METRIC1 = COL_IP4ROUTE_METRIC1,
	RC_METRIC2 = COL_IP4ROUTE_METRIC2,
	RC_METRIC5 = COL_IP4ROUTE_METRIC5,
	RC_TYPE = COL_IP4ROUTE_TYPE,
	RC_STATUS = COL_IP4ROUTE_ROWSTATUS,
	PC_STORAGE = COL_PERSIST_STORAGETYPE,
	PC_STATUS = COL_PERSIST_ROWSTATUS,
};

enum txn_table { T_ROUTE, T_PERSIST };

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

/*
 * One request's work is bounded so that no phase outlives snmpd's
 * agentXTimeout (snmpd drops the whole subagent when one does): at most
 * TXN_ROWS_MAX rows a SET, at most TXN_BUDGET_MS of kernel waits a phase,
 * and the persisted routes' state file written once a SET.
 */
#define TXN_ROWS_MAX  100
#define TXN_BUDGET_MS 2000

#define WMI_TYPE_INVALID  2
#define WMI_TYPE_DIRECT   3
#define WMI_TYPE_INDIRECT 4

struct txn_row {
	enum txn_table tbl;
	struct route key; /* the index (persisted: dst, plen, nexthop, metric) */
	uint32_t mask;    /* the mask as given, contiguous or not */
	uint32_t has;     /* columns given, one bit each */
	long val[32];
	enum act act;
	int err;           /* SNMP error found in RESERVE2 (0: none) */
	int err_told;      /* reported on a varbind already */
	struct route cur;  /* the existing kernel or createAndWait row */
	struct route want; /* the route to install, or the new createAndWait row */
	struct route live; /* persisted: the live route to delete on destroy */
	int adopt;         /* persisted create: the kernel has the route already */
	int has_live;
	struct proute pold;   /* persisted destroy: the row removed */
	struct nlroute exact; /* a metric change: the kernel's route as it is, every attribute */
	struct nlroute gone;  /* a delete: the kernel's own description of what it deleted */
	unsigned applied;     /* order of application (0: not applied) */
	int step;             /* how far the action got */
};

struct txn {
	long transid;
	int open;
	int checked;
	int undone;
	int persist_dirty; /* ACTION changed the persisted set */
	int persist_saved; /* ... and wrote it: UNDO writes the old one back */
	unsigned seq;
	struct txn_row *rows;
	size_t n, cap;
};

static struct txn txn;

static void
rows_free(void)
{
	for (size_t i = 0; i < txn.n; i++) {
		nlroute_free(&txn.rows[i].exact);
		nlroute_free(&txn.rows[i].gone);
	}
	free(txn.rows);
}

static void
txn_close(void)
{
	rows_free();
	memset(&txn, 0, sizeof(txn));
}

static void
txn_reset(long transid)
{
	if (txn.open && txn.seq > 0 && !txn.undone)
		log_warn("set",
		    "transaction %ld was applied but never committed or undone; "
		    "its changes stay",
		    txn.transid);
	rows_free();
	memset(&txn, 0, sizeof(txn));
	txn.transid = transid;
	txn.open = 1;
}

static long
transid_of(netsnmp_agent_request_info *reqinfo)
{
	return reqinfo->asp != NULL && reqinfo->asp->pdu != NULL ? reqinfo->asp->pdu->transid : 0;
}

/* ---- naming --------------------------------------------------------------- */

static const char *
ip(uint32_t a, char *buf)
{
	struct in_addr in = { htonl(a) };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

static void
row_name(const struct txn_row *r, char *buf, size_t len)
{
	char d[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];

	if (r->tbl == T_ROUTE)
		snprintf(buf, len,
		    "cimIP4RouteTable row %s mask %s next hop %s ifindex %d table %u "
		    "tos %u metric %u",
		    ip(r->key.dst, d), ip(r->mask, m), ip(r->key.nexthop, h), (int)r->key.ifindex,
		    r->key.table, r->key.tos, r->key.metric);
	else
		snprintf(buf, len, "cimIP4PersistedRouteTable row %s mask %s next hop %s metric %u",
		    ip(r->key.dst, d), ip(r->mask, m), ip(r->key.nexthop, h), r->key.metric);
}

static const char *
err_name(int err)
{
	switch (err) {
	case SNMP_ERR_WRONGVALUE: return "wrongValue";
	case SNMP_ERR_NOCREATION: return "noCreation";
	case SNMP_ERR_INCONSISTENTVALUE: return "inconsistentValue";
	case SNMP_ERR_RESOURCEUNAVAILABLE: return "resourceUnavailable";
	case SNMP_ERR_NOTWRITABLE: return "notWritable";
	case SNMP_ERR_INCONSISTENTNAME: return "inconsistentName";
	default: return "error";
	}
}

/* Refuse a row in RESERVE2: the status and a one-line reason in the log. */
static int refuse(struct txn_row *r, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
refuse(struct txn_row *r, int err, const char *fmt, ...)
{
	char name[256], why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	row_name(r, name, sizeof(name));
	log_notice("set", "refused (%s): %s: %s", err_name(err), name, why);
	r->err = err;
	return err;
}

/* ---- RESERVE1: one varbind ------------------------------------------------ */

static int
ipaddr_index(const oid *o, uint32_t *out)
{
	for (int i = 0; i < 4; i++)
		if (o[i] > 255)
			return -1;
	*out = (uint32_t)(o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]);
	return 0;
}

static const oid route_entry[] = { CIMR_IP4ROUTE_ENTRY };
static const oid persist_entry[] = { CIMR_PERSIST_ENTRY };
#define ROUTE_ENTRY_LEN   OID_LENGTH(route_entry)
#define PERSIST_ENTRY_LEN OID_LENGTH(persist_entry)

/* Parse a varbind name into table, column and index; an SNMP error if it cannot exist. */
static int
parse_name(const netsnmp_variable_list *vb, struct txn_row *row, oid *col)
{
	const oid *o;
	size_t elen;
	uint32_t nh;

	memset(row, 0, sizeof(*row));
	if (vb->name_length > ROUTE_ENTRY_LEN &&
	    snmp_oid_compare(vb->name, ROUTE_ENTRY_LEN, route_entry, ROUTE_ENTRY_LEN) == 0) {
		row->tbl = T_ROUTE;
		elen = ROUTE_ENTRY_LEN;
	} else if (vb->name_length > PERSIST_ENTRY_LEN &&
	    snmp_oid_compare(vb->name, PERSIST_ENTRY_LEN, persist_entry, PERSIST_ENTRY_LEN) == 0) {
		row->tbl = T_PERSIST;
		elen = PERSIST_ENTRY_LEN;
	} else {
		return SNMP_ERR_NOTWRITABLE;
	}
	*col = vb->name[elen];
	o = vb->name + elen + 1;
	if (row->tbl == T_ROUTE) {
		if (*col < RC_METRIC1 ||
		    (*col > RC_METRIC5 && *col != RC_TYPE && *col != RC_STATUS))
			return SNMP_ERR_NOTWRITABLE;
		if (vb->name_length - elen - 1 != ROUTE_INDEX_LEN ||
		    ipaddr_index(o, &row->key.dst) < 0 || ipaddr_index(o + 4, &row->mask) < 0 ||
		    ipaddr_index(o + 8, &nh) < 0 || o[12] > INT32_MAX || o[13] == 0 ||
		    o[13] > UINT32_MAX || o[14] > 255 || o[15] > UINT32_MAX)
			return SNMP_ERR_NOCREATION;
		row->key.nexthop = nh;
		row->key.ifindex = (int32_t)o[12];
		row->key.table = (uint32_t)o[13];
		row->key.tos = (uint8_t)o[14];
		row->key.metric = (uint32_t)o[15];
	} else {
		if (*col != PC_STORAGE && *col != PC_STATUS)
			return SNMP_ERR_NOTWRITABLE;
		if (vb->name_length - elen - 1 != 13 || ipaddr_index(o, &row->key.dst) < 0 ||
		    ipaddr_index(o + 4, &row->mask) < 0 || ipaddr_index(o + 8, &nh) < 0 ||
		    o[12] > PERSIST_METRIC_MAX)
			return SNMP_ERR_NOCREATION;
		row->key.nexthop = nh;
		row->key.metric = (uint32_t)o[12];
		row->key.table = PERSIST_TABLE;
	}
	/* The mask's length; a non-contiguous mask is refused in RESERVE2. */
	row->key.plen = (uint8_t)(rtcheck_plen(row->mask) < 0 ? 0 : rtcheck_plen(row->mask));
	return 0;
}

static int
check_value(enum txn_table tbl, oid col, long v)
{
	if (tbl == T_ROUTE) {
		if (col == RC_METRIC1)
			return v < -1 || v > INT32_MAX;
		if (col >= RC_METRIC2 && col <= RC_METRIC5)
			return v != -1; /* Linux keeps one metric */
		if (col == RC_TYPE)
			return v < WMI_TYPE_INVALID ||
			    v > WMI_TYPE_INDIRECT; /* other(1): not writable */
		return v < RS_ACTIVE || v > RS_DESTROY || v == RS_NOTREADY;
	}
	if (col == PC_STORAGE)
		return v != ST_VOLATILE && v != ST_NONVOLATILE;
	return v != RS_ACTIVE && v != RS_CREATEANDGO && v != RS_DESTROY;
}

static struct txn_row *
find_row(const struct txn_row *key)
{
	for (size_t i = 0; i < txn.n; i++)
		if (txn.rows[i].tbl == key->tbl && txn.rows[i].mask == key->mask &&
		    txn.rows[i].key.plen == key->key.plen &&
		    route_cmp(&txn.rows[i].key, &key->key) == 0)
			return &txn.rows[i];
	return NULL;
}

static int
reserve1(netsnmp_variable_list *vb)
{
	struct txn_row key, *row;
	oid col;
	int rc;

	if ((rc = parse_name(vb, &key, &col)) != 0)
		return rc;
	if ((rc = netsnmp_check_vb_type_and_size(vb, ASN_INTEGER, sizeof(long))) != 0)
		return rc;
	if (check_value(key.tbl, col, *vb->val.integer))
		return SNMP_ERR_WRONGVALUE;
	if ((row = find_row(&key)) == NULL) {
		if (txn.n == TXN_ROWS_MAX) {
			log_notice("set",
			    "refused (resourceUnavailable): more than %d rows in one SET",
			    TXN_ROWS_MAX);
			return SNMP_ERR_RESOURCEUNAVAILABLE;
		}
		if (vec_reserve(&txn.rows, &txn.cap, txn.n, sizeof(*txn.rows), 8) < 0)
			return SNMP_ERR_RESOURCEUNAVAILABLE;
		row = &txn.rows[txn.n++];
		*row = key;
	}
	if ((row->has & (1u << col)) && row->val[col] != *vb->val.integer)
		return SNMP_ERR_INCONSISTENTVALUE; /* two different values for one object */
	row->has |= 1u << col;
	row->val[col] = *vb->val.integer;
	return 0;
}

/* ---- RESERVE2: the rows together -------------------------------------------- */

static int
has(const struct txn_row *r, oid col)
{
	return (r->has >> col) & 1;
}

/* The kernel row (mirror) with the same table, destination, tos and metric, if any. */
static const struct route *
fib_twin(const struct route *k)
{
	const struct route_table *t = mirror_routes(writer->m);
	struct route key = { .dst = k->dst, .plen = k->plen };
	struct route_pos pos;
	const struct route *r;

	for (r = route_seek(t, &key, 0, &pos); r != NULL; r = route_next(t, &pos)) {
		if (r->dst != k->dst || r->plen != k->plen)
			break;
		if (r->table == k->table && r->tos == k->tos && r->metric == k->metric)
			return r;
	}
	return NULL;
}

static int
same_fib(const struct route *a, const struct route *b)
{
	return a->dst == b->dst && a->plen == b->plen && a->table == b->table && a->tos == b->tos &&
	    a->metric == b->metric;
}

/* The kernel route this row deletes, moves or adopts, or NULL. */
static const struct route *
touches(const struct txn_row *r)
{
	switch (r->act) {
	case A_DELETE:
	case A_MOVE: return &r->cur;
	case A_PCREATE: return r->adopt ? &r->live : NULL;
	case A_PDESTROY: return r->has_live ? &r->live : NULL;
	default: return NULL;
	}
}

/* Does this row put a route at a kernel key (its target)? */
static int
installs(const struct txn_row *r)
{
	return r->act == A_CREATE || r->act == A_ACTIVATE || r->act == A_MOVE ||
	    (r->act == A_PCREATE && !r->adopt);
}

static int
check_install(struct txn_row *r, const char *what)
{
	const struct route *twin;
	char msg[128], d[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];

	switch (rtcheck_complete(writer->q, &r->want, msg, sizeof(msg))) {
	case RTCHECK_OK: break;
	case RTCHECK_INCONSISTENT:
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "%s: %s", what, msg);
	default: return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE, "%s: %s", what, msg);
	}
	if ((twin = fib_twin(&r->want)) != NULL)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "table %u already has a route to %s/%u "
		    "with tos %u and metric %u, via %s (Linux keeps one)",
		    twin->table, ip(twin->dst, d), twin->plen, twin->tos, twin->metric,
		    ip(twin->nexthop, h));
	return 0;
}

/* A new or waiting row's Metric1, if written, must be the index's metric. */
static int
check_metric_is_index(struct txn_row *r)
{
	if (has(r, RC_METRIC1) && r->val[RC_METRIC1] != (long)r->key.metric)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "Metric1 %ld differs from the index's "
		    "metric %u",
		    r->val[RC_METRIC1], r->key.metric);
	return 0;
}

static int
may_change(struct txn_row *r, const struct route *cur)
{
	char name[32];

	if (!writer->writable_proto[cur->proto])
		return refuse(r, SNMP_ERR_NOTWRITABLE,
		    "the route belongs to protocol %s, which "
		    "SNMP may not change (see writableProtocols)",
		    routefmt_proto_name(cur->proto, name, sizeof(name)));
	if (cur->flags & ROUTE_F_MULTI)
		return refuse(r, SNMP_ERR_NOTWRITABLE,
		    "one next hop of a multipath route cannot "
		    "be changed alone");
	if (persist_owner(&writer->persist, cur) != NULL)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "the route is a persisted route's; "
		    "change it through cimIP4PersistedRouteTable");
	return 0;
}

/* Is this dumped route the one the row names (a single next hop, same index)? */
static int
is_row_route(struct nlmsghdr *nlh, void *arg)
{
	static const struct mirror_config any = { .all_tables = 1 };
	const struct route *want = arg;
	struct route hop;

	/* Through the mirror's nexthop objects, as the row was made. */
	return mirror_parse_route_nh(&any, writer->m, nlh, &hop, 1) == 1 &&
	    !(hop.flags & ROUTE_F_MULTI) && route_cmp(&hop, want) == 0 && hop.type == want->type;
}

/*
 * A metric change re-creates the route at the new metric before deleting
 * it: from the kernel's own description, so that no attribute the mirror
 * does not keep (src, mtu, advmss, realms, an IPv6 gateway) is lost.
 */
static int
fetch_kept(struct txn_row *r, const struct route *kern, char *err, size_t errlen)
{
	struct route key = *kern;

	return nlreq_route_fetch(writer->q, kern->table, kern->proto, kern->ifindex, is_row_route,
	    &key, &r->exact, err, errlen);
}

static int
fetch_exact(struct txn_row *r, const struct route *kern)
{
	char err[NLREQ_ERRLEN];

	if (fetch_kept(r, kern, err, sizeof(err)) < 0)
		return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE,
		    "cannot read the route from the "
		    "kernel: %s",
		    err);
	return 0;
}

static int
check_type(struct txn_row *r, const struct route *rt)
{
	if (has(r, RC_TYPE) && r->val[RC_TYPE] != WMI_TYPE_INVALID &&
	    r->val[RC_TYPE] != routefmt_wmi_type(rt))
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "Type %ld disagrees with the next hop "
		    "(it makes a %s route)",
		    r->val[RC_TYPE],
		    routefmt_wmi_type(rt) == WMI_TYPE_DIRECT ? "direct(3)" : "indirect(4)");
	return 0;
}

static int
check_route_row(struct txn_row *r)
{
	const struct route *kern;
	struct route *pend;
	long status = has(r, RC_STATUS) ? r->val[RC_STATUS] : 0;
	int rc;

	kern = route_find(mirror_routes(writer->m), &r->key);
	pend = writer_pending_find(writer, &r->key);
	if (kern != NULL)
		r->cur = *kern;
	else if (pend != NULL)
		r->cur = *pend;

	if (status == RS_CREATEANDGO || status == RS_CREATEANDWAIT) {
		if (kern != NULL || pend != NULL)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "the row exists");
		if (!mirror_table_selected(mirror_config(writer->m), r->key.table) ||
		    r->key.table == RT_TABLE_LOCAL)
			return refuse(r, SNMP_ERR_NOCREATION,
			    "routes cannot be created in table %u "
			    "(not mirrored, or the local table)",
			    r->key.table);
		if (r->key.tos & 0x03)
			return refuse(r, SNMP_ERR_NOCREATION, "tos %u has ECN bits set",
			    r->key.tos);
		if (r->key.ifindex == 0)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "interface 0 does not exist");
		if ((rc = check_metric_is_index(r)) != 0)
			return rc;
		if (has(r, RC_TYPE) && r->val[RC_TYPE] == WMI_TYPE_INVALID)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
			    "Type invalid(2) on a new row");
		r->want = r->key;
		if ((rc = check_install(r, "cannot create the route")) != 0)
			return rc;
		if ((rc = check_type(r, &r->want)) != 0)
			return rc;
		if (status == RS_CREATEANDWAIT && writer->npending >= PENDING_MAX)
			return refuse(r, SNMP_ERR_RESOURCEUNAVAILABLE,
			    "%d createAndWait rows already", PENDING_MAX);
		r->act = status == RS_CREATEANDGO ? A_CREATE : A_WAIT;
		return 0;
	}
	if (kern == NULL && pend == NULL) {
		if (status == RS_DESTROY)
			return 0; /* RFC 2579: destroying a row that does not exist is noError */
		if (status != 0)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "the row does not exist");
		return refuse(r, SNMP_ERR_INCONSISTENTNAME,
		    "the row does not exist (create it "
		    "with cimIP4RouteRowStatus)");
	}
	if (has(r, RC_METRIC1) && r->val[RC_METRIC1] == -1)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "Metric1 -1: a Linux route always "
		    "has a metric");
	if (status == RS_DESTROY || (has(r, RC_TYPE) && r->val[RC_TYPE] == WMI_TYPE_INVALID)) {
		if (has(r, RC_METRIC1) && r->val[RC_METRIC1] != (long)r->cur.metric)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
			    "a row cannot be deleted and "
			    "changed at once");
		if (pend != NULL) {
			r->act = A_DROP;
			return 0;
		}
		if ((rc = may_change(r, kern)) != 0)
			return rc;
		r->act = A_DELETE;
		return 0;
	}
	if (pend != NULL) {
		if ((rc = check_metric_is_index(r)) != 0)
			return rc;
		if ((rc = check_type(r, pend)) != 0)
			return rc;
		if (status == RS_ACTIVE) {
			r->want = r->key;
			r->want.flags = 0;
			if ((rc = check_install(r, "cannot activate the route")) != 0)
				return rc;
			r->act = A_ACTIVATE;
		}
		return 0;
	}
	/* A kernel route. */
	if (status == RS_NOTINSERVICE)
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "a route in the kernel cannot be taken "
		    "out of service (destroy it instead)");
	if ((rc = check_type(r, kern)) != 0)
		return rc;
	if (has(r, RC_METRIC1) && r->val[RC_METRIC1] != (long)kern->metric) {
		const struct route *twin;
		char d[INET_ADDRSTRLEN];

		if ((rc = may_change(r, kern)) != 0)
			return rc;
		r->want = *kern;
		r->want.metric = (uint32_t)r->val[RC_METRIC1];
		r->want.flags &= ROUTE_F_GATEWAY | ROUTE_F_ONLINK;
		if ((twin = fib_twin(&r->want)) != NULL)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
			    "table %u already has a route "
			    "to %s/%u with tos %u and metric %u",
			    twin->table, ip(twin->dst, d), twin->plen, twin->tos, twin->metric);
		if ((rc = fetch_exact(r, kern)) != 0)
			return rc;
		r->act = A_MOVE;
	}
	return 0;
}

static int
check_persist_row(struct txn_row *r)
{
	struct proute key = { .dst = r->key.dst,
		.plen = r->key.plen,
		.nexthop = r->key.nexthop,
		.metric = r->key.metric };
	struct proute *cur = persist_find(&writer->persist, &key);
	long status = has(r, PC_STATUS) ? r->val[PC_STATUS] : 0;
	const struct route *live;

	if (status == RS_CREATEANDGO) {
		int rc;

		if (cur != NULL)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE, "the persisted route exists");
		r->pold = key;
		r->pold.created = time(NULL);
		r->pold.is_volatile = has(r, PC_STORAGE) && r->val[PC_STORAGE] == ST_VOLATILE;
		persist_route(&r->pold, &r->want);
		if ((live = persist_live(&r->pold, writer->m)) != NULL) {
			/*
			 * The kernel has this very route: it becomes the row's active
			 * route, untouched.  Adoption may not reach what the live table
			 * refuses (writableProtocols, a route of another persisted row).
			 */
			if ((rc = may_change(r, live)) != 0)
				return rc;
			r->live = *live;
			r->adopt = 1;
			r->act = A_PCREATE;
			return 0;
		}
		if ((rc = check_install(r, "cannot install the persisted route")) != 0)
			return rc;
		r->act = A_PCREATE;
		return 0;
	}
	if (cur == NULL) {
		if (status == RS_DESTROY)
			return 0;
		if (status != 0)
			return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
			    "the persisted route does not exist");
		return refuse(r, SNMP_ERR_INCONSISTENTNAME,
		    "the persisted route does not exist "
		    "(create it with cimIP4PersistedRouteRowStatus)");
	}
	if (has(r, PC_STORAGE) &&
	    r->val[PC_STORAGE] != (cur->is_volatile ? ST_VOLATILE : ST_NONVOLATILE))
		return refuse(r, SNMP_ERR_INCONSISTENTVALUE,
		    "StorageType can only be set at creation");
	if (status == RS_DESTROY) {
		r->act = A_PDESTROY;
		r->pold = *cur;
		/* Only a route cimrouted installed goes: an adopted one stays with its owner. */
		if ((live = persist_live(cur, writer->m)) != NULL && live->proto == CIMR_RTPROT) {
			r->live = *live;
			r->has_live = 1;
		}
	}
	return 0;
}

static void
check_all(void)
{
	for (size_t i = 0; i < txn.n; i++) {
		struct txn_row *r = &txn.rows[i];

		if (rtcheck_plen(r->mask) < 0) {
			refuse(r, SNMP_ERR_WRONGVALUE, "the mask is not contiguous");
			continue;
		}
		if (r->key.dst & ~r->mask) {
			refuse(r, SNMP_ERR_INCONSISTENTVALUE,
			    "the destination has host bits set for "
			    "its mask");
			continue;
		}
		if (r->tbl == T_ROUTE)
			check_route_row(r);
		else
			check_persist_row(r);
	}
	/* Two rows of one SET may not both act on one kernel route (adopt it and delete it). */
	for (size_t i = 0; i < txn.n; i++) {
		const struct route *a = touches(&txn.rows[i]);

		for (size_t j = 0; a != NULL && !txn.rows[i].err && j < i; j++) {
			const struct route *b = touches(&txn.rows[j]);

			if (!txn.rows[j].err && b != NULL && route_cmp(a, b) == 0) {
				refuse(&txn.rows[i], SNMP_ERR_INCONSISTENTVALUE,
				    "another row of the "
				    "same SET acts on the same kernel route");
				break;
			}
		}
	}
	/* Two rows of one SET may not put routes at the same kernel key. */
	for (size_t i = 0; i < txn.n; i++) {
		if (txn.rows[i].err || !installs(&txn.rows[i]))
			continue;
		for (size_t j = 0; j < i; j++)
			if (!txn.rows[j].err && installs(&txn.rows[j]) &&
			    same_fib(&txn.rows[i].want, &txn.rows[j].want)) {
				refuse(&txn.rows[i], SNMP_ERR_INCONSISTENTVALUE,
				    "another row of the "
				    "same SET installs a route with this destination, tos and metric");
				break;
			}
	}
}

/* ---- ACTION and UNDO ---------------------------------------------------------- */

/* Log a kernel request's outcome (rt being the route it was about); returns rc. */
static int
told(int rc, const char *what, const struct route *rt, const struct txn_row *r, const char *err)
{
	char name[256], line[ROUTEFMT_MAX];

	routefmt_description(rt, writer->m, line, sizeof(line));
	if (rc < 0) {
		row_name(r, name, sizeof(name));
		log_err("set", "%s: the kernel refused to %s %s: %s", name, what, line, err);
	} else {
		log_info("set", "%s %s", what, line);
	}
	return rc;
}

static int
kernel(int cmd, int flags, const struct route *rt, const char *what, const struct txn_row *r)
{
	char err[NLREQ_ERRLEN];

	return told(nlreq_route(writer->q, cmd, flags, rt, err, sizeof(err)), what, rt, r, err);
}

#define ADD(rt, r) kernel(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, rt, "add", r)
#define DEL(rt, r) kernel(RTM_DELROUTE, 0, rt, "delete", r)

/*
 * Delete rt and keep the kernel's description of it in r->gone, for an
 * exact undo.  A route already read back (a metric change) is deleted by
 * that description; so is one that the kernel does not find by its
 * gateway and interface, a route through a nexthop object (RTA_NH_ID).
 */
static int
del_keep(const struct route *rt, struct txn_row *r)
{
	char err[NLREQ_ERRLEN];
	int rc = -ESRCH;

	if (r->exact.msg == NULL)
		rc = nlreq_route_delete(writer->q, rt, &r->gone, err, sizeof(err));
	if (rc == -ESRCH && (r->exact.msg != NULL || fetch_kept(r, rt, err, sizeof(err)) == 0))
		rc =
		    nlreq_route_delete_kept(writer->q, &r->exact, NULL, &r->gone, err, sizeof(err));
	return told(rc, "delete", rt, r, err);
}

/* Delete the route kept in r->exact at *metric (the moved route of a metric change). */
static int
del_kept(const uint32_t *metric, const struct route *rt, struct txn_row *r)
{
	char err[NLREQ_ERRLEN];

	return told(nlreq_route_delete_kept(writer->q, &r->exact, metric, NULL, err, sizeof(err)),
	    "delete", rt, r, err);
}

/* Install a kept route again, at *metric if given. */
static int
restore(const struct nlroute *k, const uint32_t *metric, const struct route *rt,
    const struct txn_row *r)
{
	char err[NLREQ_ERRLEN];
	struct route shown = *rt;

	if (metric != NULL)
		shown.metric = *metric;
	return told(nlreq_route_restore(writer->q, k, metric, err, sizeof(err)), "add", &shown, r,
	    err);
}

static int
save(void)
{
	char err[256];

	if (persist_save(&writer->persist, err, sizeof(err)) == 0)
		return 0;
	log_err("set", "cannot save the persisted routes: %s", err);
	return -1;
}

/* Apply one row; returns 0 or the SNMP error.  r->step records how far it got. */
static int
apply(struct txn_row *r)
{
	struct persist *p = &writer->persist;

	switch (r->act) {
	case A_NONE: return 0;
	case A_CREATE:
		if (ADD(&r->want, r) < 0)
			return SNMP_ERR_COMMITFAILED;
		r->step = 1;
		return 0;
	case A_WAIT:
		r->want.first_seen = mirror_now(writer->m);
		if (writer_pending_add(writer, &r->want) < 0)
			return SNMP_ERR_COMMITFAILED;
		r->step = 1;
		return 0;
	case A_ACTIVATE:
		if (ADD(&r->want, r) < 0)
			return SNMP_ERR_COMMITFAILED;
		r->step = 1;
		writer_pending_remove(writer, &r->cur, NULL);
		r->step = 2;
		return 0;
	case A_DELETE:
		if (del_keep(&r->cur, r) < 0)
			return SNMP_ERR_COMMITFAILED;
		r->step = 1;
		return 0;
	case A_DROP:
		writer_pending_remove(writer, &r->cur, NULL);
		r->step = 1;
		return 0;
	case A_MOVE:
		/* Make before break: the destination is never without a route. */
		if (restore(&r->exact, &r->want.metric, &r->cur, r) < 0)
			return SNMP_ERR_COMMITFAILED;
		r->step = 1;
		if (del_keep(&r->cur, r) < 0)
			return SNMP_ERR_COMMITFAILED;
		r->step = 2;
		return 0;
	case A_PCREATE:
		if (persist_insert(p, &r->pold) < 0)
			return SNMP_ERR_COMMITFAILED;
		r->step = 1;
		txn.persist_dirty |= !r->pold.is_volatile;
		if (!r->adopt) {
			if (ADD(&r->want, r) < 0)
				return SNMP_ERR_COMMITFAILED;
			persist_find(p, &r->pold)->tried = 1;
		}
		r->step = 2;
		return 0;
	case A_PDESTROY:
		persist_remove(p, &r->pold, NULL);
		r->step = 1;
		txn.persist_dirty |= !r->pold.is_volatile;
		if (r->has_live) {
			int rc = del_keep(&r->live, r);

			if (rc < 0 && rc != -ESRCH)
				return SNMP_ERR_COMMITFAILED;
		}
		r->step = 2;
		return 0;
	}
	return SNMP_ERR_GENERR;
}

/* Revert what apply() did; 0, or -1 if something could not be put back. */
static int
revert(struct txn_row *r)
{
	struct persist *p = &writer->persist;
	int bad = 0;

	switch (r->act) {
	case A_NONE: break;
	case A_CREATE:
		if (r->step >= 1 && DEL(&r->want, r) < 0)
			bad = 1;
		break;
	case A_WAIT:
		if (r->step >= 1)
			writer_pending_remove(writer, &r->want, NULL);
		break;
	case A_ACTIVATE:
		if (r->step >= 2 && writer_pending_add(writer, &r->cur) < 0)
			bad = 1;
		if (r->step >= 1 && DEL(&r->want, r) < 0)
			bad = 1;
		break;
	case A_DELETE:
		if (r->step >= 1 && restore(&r->gone, NULL, &r->cur, r) < 0)
			bad = 1;
		break;
	case A_DROP:
		if (r->step >= 1 && writer_pending_add(writer, &r->cur) < 0)
			bad = 1;
		break;
	case A_MOVE:
		if (r->step >= 2 && restore(&r->gone, NULL, &r->cur, r) < 0)
			bad = 1;
		if (r->step >= 1 && del_kept(&r->want.metric, &r->want, r) < 0)
			bad = 1;
		break;
	case A_PCREATE:
		if (r->step >= 2 && !r->adopt && DEL(&r->want, r) < 0)
			bad = 1;
		if (r->step >= 1)
			persist_remove(p, &r->pold, NULL);
		break;
	case A_PDESTROY:
		if (r->step >= 2 && r->gone.msg != NULL && restore(&r->gone, NULL, &r->live, r) < 0)
			bad = 1;
		if (r->step >= 1 && persist_insert(p, &r->pold) < 0)
			bad = 1;
		break;
	}
	r->step = 0;
	return bad ? -1 : 0;
}

static int
undo_all(void)
{
	int bad = 0;

	/* Newest first. */
	for (unsigned seq = txn.seq; seq > 0; seq--)
		for (size_t i = 0; i < txn.n; i++)
			if (txn.rows[i].applied == seq && revert(&txn.rows[i]) < 0)
				bad = 1;
	/* The state file says again what it said before the SET. */
	if (txn.persist_saved && save() < 0)
		bad = 1;
	txn.undone = 1;
	if (bad)
		log_err("set",
		    "undo failed: the kernel or the state file may differ from before "
		    "the SET (see the errors above)");
	return bad ? -1 : 0;
}

/* ---- the phases ------------------------------------------------------------------ */

static struct txn_row *
row_of(netsnmp_variable_list *vb)
{
	struct txn_row key;
	oid col;

	if (parse_name(vb, &key, &col) != 0)
		return NULL;
	return find_row(&key);
}

/* ACTION: apply the rows of these varbinds, then write the state file once. */
static void
action(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	int err;

	nlreq_budget(writer->q, TXN_BUDGET_MS);
	for (netsnmp_request_info *req = requests; req != NULL; req = req->next) {
		struct txn_row *r = row_of(req->requestvb);

		if (r == NULL || r->applied)
			continue;
		r->applied = ++txn.seq;
		if ((err = apply(r)) != 0) {
			netsnmp_set_request_error(reqinfo, req, err);
			nlreq_budget(writer->q, 0);
			return;
		}
	}
	nlreq_budget(writer->q, 0);
	if (txn.persist_dirty) {
		txn.persist_dirty = 0;
		if (save() < 0) {
			netsnmp_set_request_error(reqinfo, requests, SNMP_ERR_COMMITFAILED);
			return;
		}
		txn.persist_saved = 1;
	}
}

static void
set_phase(const struct mib_table *t, netsnmp_agent_request_info *reqinfo,
    netsnmp_request_info *requests)
{
	long transid = transid_of(reqinfo);
	int err;

	(void)t;
	DEBUGMSGTL(("cimr:set", "mode %d transid %ld (open %d, %ld)\n", reqinfo->mode, transid,
	    txn.open, txn.transid));
	switch (reqinfo->mode) {
	case MODE_SET_RESERVE1:
		if (!txn.open || txn.transid != transid || txn.checked)
			txn_reset(transid);
		for (netsnmp_request_info *req = requests; req != NULL; req = req->next)
			if ((err = reserve1(req->requestvb)) != 0) {
				netsnmp_set_request_error(reqinfo, req, err);
				return;
			}
		break;
	case MODE_SET_RESERVE2:
		if (!txn.open || txn.transid != transid) {
			netsnmp_set_request_error(reqinfo, requests, SNMP_ERR_GENERR);
			return;
		}
		if (!txn.checked) {
			nlreq_budget(writer->q, TXN_BUDGET_MS);
			check_all();
			nlreq_budget(writer->q, 0);
			txn.checked = 1;
		}
		for (netsnmp_request_info *req = requests; req != NULL; req = req->next) {
			struct txn_row *r = row_of(req->requestvb);

			if (r != NULL && r->err && !r->err_told) {
				r->err_told = 1;
				netsnmp_set_request_error(reqinfo, req, r->err);
				return;
			}
		}
		break;
	case MODE_SET_ACTION:
		if (!txn.open || txn.transid != transid || !txn.checked) {
			netsnmp_set_request_error(reqinfo, requests, SNMP_ERR_COMMITFAILED);
			return;
		}
		action(reqinfo, requests);
		writer_sync(writer);
		break;
	case MODE_SET_UNDO:
		nlreq_budget(writer->q, TXN_BUDGET_MS);
		if (txn.open && txn.transid == transid && !txn.undone && undo_all() < 0)
			netsnmp_set_request_error(reqinfo, requests, SNMP_ERR_UNDOFAILED);
		nlreq_budget(writer->q, 0);
		writer_sync(writer);
		break;
	case MODE_SET_COMMIT:
	case MODE_SET_FREE:
		if (txn.open && txn.transid == transid)
			txn_close();
		break;
	default: break;
	}
}

void
mib_set_bind(struct mib_table *t)
{
	t->set = set_phase;
}
