/*
 * cimRouteEvent (Win32_IP4RouteTableEvent): the history table, the scalars
 * and settings, and the notifications themselves.
 *
 * A notification's varbinds are made by the getters that answer GET on
 * cimRouteEventTable (column N of the table is object N of
 * cimRouteNotifyObjects), and the route's key columns come from the code
 * that forms its table's index (cimIP4RouteTable's or cimIP6RouteTable's),
 * so a notification never disagrees with what a manager reads.  The family
 * is a row of families[]: which notification, and which index columns (in
 * the index's order) an event of that family has; the other family's
 * columns are absent from its history row.  Notifications go to the master as AgentX
 * Notify PDUs with a response callback: a notification stays queued until
 * the master has taken it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <net-snmp/agent/agent_callbacks.h>

#include "lib/log.h"
#include "snmp/mib.h"
#include "snmp/txn.h"
#include "event/notify.h"

#define AGENTX_MSG_NOTIFY 12 /* RFC 2741 agentx-Notify-PDU */

static struct notify *nt;
static netsnmp_session *master; /* the AgentX session while it is up */

/* ---- column getters: one event ------------------------------------------- */

#define EV(p) ((const struct notify_event *)(p))

/*
 * A family's part of an event: its notification and the columns of its
 * route's index, in the order of the index and of the notification's
 * OBJECTS after Sequence, TimeCreated and Kind.  Each column's value is
 * read at its place among the index's OID sub-identifiers, as the family's
 * route table forms them (route_index_oid(), route6_index_oid()).
 */
enum key_type {
	KEY_IP4,  /* 4 sub-ids: IpAddress */
	KEY_IP6,  /* 16 sub-ids: InetAddressIPv6 */
	KEY_INT,  /* Integer32 */
	KEY_UINT, /* Unsigned32, InetAddressPrefixLength */
};

struct key_col {
	uint8_t col; /* cimRouteEventEntry column, cimRouteNotifyObjects object */
	uint8_t off; /* its first sub-id in the index */
	uint8_t type;
};

struct ev_family {
	uint8_t family;
	uint8_t addrtype; /* InetAddressType */
	oid trap;         /* under cimRouteNotifications */
	void (*index)(const struct notify_event *, unsigned long *sub);
	const struct key_col *keys;
	size_t nkeys;
};

static void
index4(const struct notify_event *ev, unsigned long *sub)
{
	route_index_oid(&ev->route, sub);
}

static void
index6(const struct notify_event *ev, unsigned long *sub)
{
	route6_index_oid(&ev->route6, sub);
}

/* cimIP4RouteEntry's INDEX: dst, mask, next hop, ifindex, table, tos, metric. */
static const struct key_col keys4[] = {
	{ COL_EVENT_DESTINATION, 0, KEY_IP4 },
	{ COL_EVENT_MASK, 4, KEY_IP4 },
	{ COL_EVENT_NEXTHOP, 8, KEY_IP4 },
	{ COL_EVENT_IFINDEX, 12, KEY_INT },
	{ COL_EVENT_KERNELTABLE, 13, KEY_UINT },
	{ COL_EVENT_TOS, 14, KEY_UINT },
	{ COL_EVENT_KERNELMETRIC, 15, KEY_UINT },
};

/* cimIP6RouteEntry's INDEX: dst, prefix length, next hop, ifindex, table, metric, source. */
static const struct key_col keys6[] = {
	{ COL_EVENT_IP6DESTINATION, 0, KEY_IP6 },
	{ COL_EVENT_IP6PREFIXLENGTH, 16, KEY_UINT },
	{ COL_EVENT_IP6NEXTHOP, 17, KEY_IP6 },
	{ COL_EVENT_IFINDEX, 33, KEY_INT },
	{ COL_EVENT_KERNELTABLE, 34, KEY_UINT },
	{ COL_EVENT_KERNELMETRIC, 35, KEY_UINT },
	{ COL_EVENT_IP6SOURCE, 36, KEY_IP6 },
	{ COL_EVENT_IP6SOURCELENGTH, 52, KEY_UINT },
};

static const struct ev_family families[] = {
	{ AF_INET, 1, NOTIF_IP4ROUTECHANGE, index4, keys4, sizeof(keys4) / sizeof(keys4[0]) },
	{ AF_INET6, 2, NOTIF_IP6ROUTECHANGE, index6, keys6, sizeof(keys6) / sizeof(keys6[0]) },
};

static const struct ev_family *
family_of(const struct notify_event *ev)
{
	return ev->family == AF_INET6 ? &families[1] : &families[0];
}

static const struct key_col *
key_of(const struct ev_family *f, oid col)
{
	for (size_t k = 0; k < f->nkeys; k++)
		if (f->keys[k].col == col)
			return &f->keys[k];
	return NULL;
}

static int
get_seq(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_UNSIGNED, EV(row)->seq);
	return 0;
}

static int
get_time(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_date(v, &EV(row)->when);
	return 0;
}

static int
get_kind(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, EV(row)->kind);
	return 0;
}

static int
get_addrtype(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, family_of(EV(row))->addrtype);
	return 0;
}

/* A column of the route's index; absent when the event's family has no such column. */
static int
get_key(const void *row, struct mib_value *v, oid col)
{
	const struct ev_family *f = family_of(EV(row));
	const struct key_col *k = key_of(f, col);
	unsigned long sub[ROUTE6_INDEX_LEN > ROUTE_INDEX_LEN ? ROUTE6_INDEX_LEN : ROUTE_INDEX_LEN];
	u_char a[16];
	size_t n;

	if (k == NULL)
		return -1;
	f->index(EV(row), sub);
	switch (k->type) {
	case KEY_IP4:
	case KEY_IP6:
		n = k->type == KEY_IP4 ? 4 : 16;
		for (size_t i = 0; i < n; i++)
			a[i] = (u_char)sub[k->off + i];
		mib_set_bytes(v, k->type == KEY_IP4 ? ASN_IPADDRESS : ASN_OCTET_STR, a, n);
		break;
	case KEY_INT: mib_set_int(v, ASN_INTEGER, (long)(int32_t)sub[k->off]); break;
	default: mib_set_uint(v, ASN_UNSIGNED, sub[k->off]); break;
	}
	return 0;
}

#define KEY_GETTER(name, col)                                            \
	static int name(const void *row, struct mib_value *v, void *ctx) \
	{                                                                \
		return get_key(row, v, col);                             \
	}
KEY_GETTER(get_dst, COL_EVENT_DESTINATION)
KEY_GETTER(get_mask, COL_EVENT_MASK)
KEY_GETTER(get_nexthop, COL_EVENT_NEXTHOP)
KEY_GETTER(get_ifindex, COL_EVENT_IFINDEX)
KEY_GETTER(get_table, COL_EVENT_KERNELTABLE)
KEY_GETTER(get_tos, COL_EVENT_TOS)
KEY_GETTER(get_metric, COL_EVENT_KERNELMETRIC)
KEY_GETTER(get_dst6, COL_EVENT_IP6DESTINATION)
KEY_GETTER(get_plen6, COL_EVENT_IP6PREFIXLENGTH)
KEY_GETTER(get_nexthop6, COL_EVENT_IP6NEXTHOP)
KEY_GETTER(get_src6, COL_EVENT_IP6SOURCE)
KEY_GETTER(get_srclen6, COL_EVENT_IP6SOURCELENGTH)

/* Column N is cimRouteNotifyObjects N; the sequence (1) is the table's index. */
static const struct mib_column event_columns[] = {
	{ COL_EVENT_SEQUENCE, get_seq },
	{ COL_EVENT_TIMECREATED, get_time },
	{ COL_EVENT_KIND, get_kind },
	{ COL_EVENT_DESTINATION, get_dst },
	{ COL_EVENT_MASK, get_mask },
	{ COL_EVENT_NEXTHOP, get_nexthop },
	{ COL_EVENT_IFINDEX, get_ifindex },
	{ COL_EVENT_KERNELTABLE, get_table },
	{ COL_EVENT_TOS, get_tos },
	{ COL_EVENT_KERNELMETRIC, get_metric },
	{ COL_EVENT_IP6DESTINATION, get_dst6 },
	{ COL_EVENT_IP6PREFIXLENGTH, get_plen6 },
	{ COL_EVENT_IP6NEXTHOP, get_nexthop6 },
	{ COL_EVENT_IP6SOURCE, get_src6 },
	{ COL_EVENT_IP6SOURCELENGTH, get_srclen6 },
	{ COL_EVENT_ADDRESSTYPE, get_addrtype },
};
#define NEVCOLS (sizeof(event_columns) / sizeof(event_columns[0]))

/* Does an event of this family have a value in column col? */
static int
has_column(const struct notify_event *ev, oid col)
{
	return col <= COL_EVENT_KIND || col == COL_EVENT_ADDRESSTYPE ||
	    key_of(family_of(ev), col) != NULL;
}

/* ---- cimRouteEventTable ------------------------------------------------------ */

static const void *
event_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	if (len == 0)
		return notify_history_first(nt);
	if (idx[0] > 0xffffffffUL)
		return NULL;
	/* A longer name than an index is past the row whose sequence is its first sub-id. */
	return notify_history_seek(nt, (uint32_t)idx[0], strict || len > 1);
}

static const void *
event_next(void *ctx, const void *row)
{
	return notify_history_seek(nt, EV(row)->seq, 1);
}

/*
 * The next row of a family that has the column: a walk of one family's
 * column steps over the other family's rows here, in one request, rather
 * than counting them against MIB_SKIP_MAX (the ring holds at most
 * NOTIFY_HISTORY_MAX rows, a byte compare each).
 */
static const void *
event_next_in(void *ctx, const void *row, oid col)
{
	do
		row = event_next(ctx, row);
	while (row != NULL && !has_column(row, col));
	return row;
}

static size_t
event_index(void *ctx, const void *row, oid *out)
{
	out[0] = EV(row)->seq;
	return 1;
}

static struct mib_table event_table = {
	.name = "cimRouteEventTable",
	MIB_ENTRY(CIMR_EVENT_ENTRY),
	.cols = event_columns + 1, /* the sequence is not-accessible */
	.ncols = NEVCOLS - 1,
	.seek = event_seek,
	.next = event_next,
	.next_in = event_next_in,
	.index = event_index,
};
const struct mib_table *mib_event_table = &event_table;

/* ---- notifications ----------------------------------------------------------- */

static const oid snmptrap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

static int
add_var(netsnmp_variable_list **vl, oid col, const struct mib_value *v)
{
	oid name[] = { CIMR_NOTIFY_OBJECTS, col, 0 };

	return snmp_varlist_add_variable(vl, name, OID_LENGTH(name), v->type, &v->v, v->len) ==
		NULL ?
	    -1 :
	    0;
}

/* Sequence, TimeCreated, Kind, then the family's index columns, each from its getter. */
static netsnmp_variable_list *
change_vars(const struct notify_event *ev)
{
	const struct ev_family *f = family_of(ev);
	const oid trap[] = { CIMR_NOTIFICATIONS, f->trap };
	netsnmp_variable_list *vl = NULL;
	struct mib_value v;

	if (snmp_varlist_add_variable(&vl, snmptrap_oid, OID_LENGTH(snmptrap_oid), ASN_OBJECT_ID,
		trap, sizeof(trap)) == NULL)
		return NULL;
	for (size_t k = 0; k < COL_EVENT_KIND + f->nkeys; k++) {
		oid col = k < COL_EVENT_KIND ? (oid)(k + 1) : f->keys[k - COL_EVENT_KIND].col;
		const struct mib_column *c = mib_column_find(event_columns, NEVCOLS, col);

		if (c == NULL || c->get(ev, &v, NULL) < 0 || add_var(&vl, col, &v) < 0) {
			snmp_free_varbind(vl);
			return NULL;
		}
	}
	return vl;
}

static netsnmp_variable_list *
summary_vars(const struct notify_summary *s)
{
	static const oid trap[] = { CIMR_NOTIFICATIONS, NOTIF_IP4ROUTECHANGESUMMARY };
	const u_long val[5] = { s->count[0], s->count[1], s->count[2], s->first, s->last };
	netsnmp_variable_list *vl = NULL;
	struct mib_value v;

	if (snmp_varlist_add_variable(&vl, snmptrap_oid, OID_LENGTH(snmptrap_oid), ASN_OBJECT_ID,
		trap, sizeof(trap)) == NULL)
		return NULL;
	mib_set_date(&v, &s->when);
	if (add_var(&vl, COL_EVENT_TIMECREATED, &v) < 0)
		goto fail;
	/* cimRouteNotifyAdded, Removed, Changed, FirstSequence, LastSequence, in a row */
	for (int k = 0; k < 5; k++) {
		mib_set_uint(&v, ASN_UNSIGNED, val[k]);
		if (add_var(&vl, (oid)(NOTIFY_OBJ_ADDED + k), &v) < 0)
			goto fail;
	}
	return vl;
fail:
	snmp_free_varbind(vl);
	return NULL;
}

static int
notify_response(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu, void *magic)
{
	uint64_t id = (uint64_t)(uintptr_t)magic;
	int ok = op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != NULL && pdu->errstat == 0;

	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && !ok)
		log_warn("notify",
		    "the master refused a notification (AgentX error %ld); will retry",
		    pdu != NULL ? pdu->errstat : -1L);
	if (nt != NULL)
		notify_ack(nt, id, ok);
	return 1;
}

/*
 * The master's AgentX Notify handler adds sysUpTime.0 (its own, which is
 * what receivers expect) and sends to its trap sinks.
 */
static int
send_msg(const struct notify_msg *m, void *arg)
{
	netsnmp_variable_list *vl;
	netsnmp_pdu *pdu;

	if (master == NULL)
		return -1;
	if (m->type == NOTIFY_MSG_OTHER)
		vl = snmp_clone_varbind(m->u.other.data);
	else
		vl = m->type == NOTIFY_MSG_CHANGE ? change_vars(&m->u.ev) : summary_vars(&m->u.sum);
	if (vl == NULL || (pdu = snmp_pdu_create(AGENTX_MSG_NOTIFY)) == NULL) {
		snmp_free_varbind(vl);
		return -1;
	}
	pdu->variables = vl;
	pdu->version = master->version;
	pdu->sessid = master->sessid;
	if (snmp_async_send(master, pdu, notify_response, (void *)(uintptr_t)m->id) == 0) {
		log_warn("notify", "cannot send a notification to the master: %s",
		    snmp_api_errstring(master->s_snmp_errno));
		snmp_free_pdu(pdu);
		return -1;
	}
	return 0;
}

static void
release_vars(void *vl)
{
	snmp_free_varbind(vl);
}

int
mib_event_notify(netsnmp_variable_list *vl)
{
	if (nt == NULL) {
		snmp_free_varbind(vl);
		return -1;
	}
	return notify_other(nt, vl, release_vars);
}

void
mib_event_master(struct snmp_session *s, void *arg)
{
	(void)arg;
	master = s;
	log_debug("notify",
	    s != NULL ? "master session up" :
			"master session down: notifications wait in the queue");
	notify_connected(nt, s != NULL);
}

void
mib_event_bind(struct notify *n)
{
	nt = n;
}

void
mib_event_init(struct notify *n)
{
	mib_event_bind(n);
	notify_start(n, send_msg);
}

/* ---- scalars ------------------------------------------------------------------ */

static int
get_count(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_GAUGE, notify_history_count(nt));
	return 0;
}

static int
get_last_change(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_date(v, &nt->last_change);
	return 0;
}

static int
get_last_seq(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_UNSIGNED, notify_last_seq(nt));
	return 0;
}

static int
get_dropped(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_COUNTER, nt->stats.dropped);
	return 0;
}

static int
get_suppressed(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_COUNTER, nt->stats.suppressed);
	return 0;
}

/* The three settings, each a read-write scalar. */
enum setting {
	SET_HISTORY,
	SET_ENABLED,
	SET_RATE,
};

struct setting_ctx {
	enum setting which;
	struct notify_settings old; /* for UNDO: the values and which were written */
	unsigned old_written;
};

static unsigned
setting_bit(enum setting which)
{
	return which == SET_ENABLED ? NOTIFY_SET_ENABLED :
	    which == SET_HISTORY    ? NOTIFY_SET_HISTORY :
				      NOTIFY_SET_RATE;
}

static const char *
setting_name(enum setting which)
{
	return which == SET_ENABLED ? "cimRouteNotifyEnabled" :
	    which == SET_HISTORY    ? "cimRouteEventHistorySize" :
				      "cimRouteNotifyRateLimit";
}

static unsigned
setting_value(enum setting which)
{
	switch (which) {
	case SET_HISTORY: return nt->set.history;
	case SET_ENABLED: return nt->set.enabled ? 1 : 2; /* TruthValue */
	default: return nt->set.rate;
	}
}

static int
get_setting(const void *row, struct mib_value *v, void *ctx)
{
	const struct setting_ctx *s = ctx;

	if (s->which == SET_ENABLED)
		mib_set_int(v, ASN_INTEGER, setting_value(s->which));
	else
		mib_set_uint(v, ASN_UNSIGNED, setting_value(s->which));
	return 0;
}

/* The range of a setting: a TruthValue, true(1) or false(2); else 0 to this. */
static long
setting_max(enum setting which)
{
	switch (which) {
	case SET_HISTORY: return NOTIFY_HISTORY_MAX;
	case SET_ENABLED: return 2;
	default: return NOTIFY_RATE_MAX;
	}
}

/* A refused write, logged as every refusal is: "set: refused (STATUS): OBJECT.0: why". */
static int __attribute__((format(printf, 3, 4)))
refuse_setting(const struct setting_ctx *s, int err, const char *fmt, ...)
{
	char why[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_notice("set", "refused (%s): %s.0: %s", txn_err_name(err), setting_name(s->which), why);
	return err;
}

static int
check_setting(const netsnmp_variable_list *vb, void *ctx)
{
	const struct setting_ctx *s = ctx;
	int truth = s->which == SET_ENABLED;
	long v, min = truth ? 1 : 0, max = setting_max(s->which);

	if (vb->type != (truth ? ASN_INTEGER : ASN_UNSIGNED))
		return refuse_setting(s, SNMP_ERR_WRONGTYPE, "type 0x%02x is not %s", vb->type,
		    truth ? "INTEGER (a TruthValue)" : "Unsigned32");
	if (vb->val_len != sizeof(long))
		return refuse_setting(s, SNMP_ERR_WRONGLENGTH, "a value of %zu bytes is no number",
		    vb->val_len);
	v = *vb->val.integer;
	if (v < min || v > max)
		return refuse_setting(s, SNMP_ERR_WRONGVALUE, "%ld is not in %ld..%ld", v, min,
		    max);
	return SNMP_ERR_NOERROR;
}

static int
store_setting(enum setting which, unsigned v)
{
	char err[256];
	int rc;

	switch (which) {
	case SET_HISTORY: rc = notify_set_history(nt, v, err, sizeof(err)); break;
	case SET_ENABLED: rc = notify_set_enabled(nt, v == 1, err, sizeof(err)); break;
	default: rc = notify_set_rate(nt, v, err, sizeof(err)); break;
	}
	if (rc < 0)
		log_err("set", "%s", err);
	return rc;
}

static int
apply_setting(const netsnmp_variable_list *vb, void *ctx)
{
	struct setting_ctx *s = ctx;

	s->old = nt->set;
	s->old_written = nt->written;
	if (store_setting(s->which, (unsigned)*vb->val.integer) < 0)
		return SNMP_ERR_COMMITFAILED;
	log_info("set", "%s set to %ld", setting_name(s->which), *vb->val.integer);
	return SNMP_ERR_NOERROR;
}

/*
 * Only this setting goes back, with its line in the state file as it was
 * (absent if it was never written through SNMP): the UNDOs of a SET of
 * several settings may come in any order.
 */
static int
undo_setting(void *ctx)
{
	struct setting_ctx *s = ctx;
	char err[256];

	if (notify_restore_setting(nt, setting_bit(s->which), &s->old, s->old_written, err,
		sizeof(err)) < 0) {
		log_err("set", "cannot undo %s: %s", setting_name(s->which), err);
		return SNMP_ERR_UNDOFAILED;
	}
	return SNMP_ERR_NOERROR;
}

/* A smaller history drops its oldest rows only now, when no UNDO can come. */
static void
commit_setting(void *ctx)
{
	const struct setting_ctx *s = ctx;

	if (s->which == SET_HISTORY)
		notify_commit_history(nt);
}

static struct setting_ctx settings[] = {
	{ .which = SET_HISTORY },
	{ .which = SET_ENABLED },
	{ .which = SET_RATE },
};
static const oid setting_arcs[] = { EVENT_HISTORYSIZE, EVENT_NOTIFYENABLED, EVENT_NOTIFYRATELIMIT };
static const struct mib_scalar_ops setting_ops = {
	.get = get_setting,
	.check = check_setting,
	.apply = apply_setting,
	.undo = undo_setting,
	.commit = commit_setting,
};

const struct mib_scalar_ops *
mib_event_setting(oid arc, void **ctx)
{
	for (size_t k = 0; k < sizeof(setting_arcs) / sizeof(setting_arcs[0]); k++)
		if (setting_arcs[k] == arc)
			return *ctx = &settings[k], &setting_ops;
	return NULL;
}

int
mib_event_register(void)
{
	static const struct {
		const char *name;
		oid arc;
		mib_get_fn get;
	} ro[] = {
		{ "cimRouteEventCount", CIMR_ARC_COUNT, get_count },
		{ "cimRouteEventLastChange", CIMR_ARC_LASTCHANGE, get_last_change },
		{ "cimRouteEventLastSequence", EVENT_LASTSEQUENCE, get_last_seq },
		{ "cimRouteNotifyDropped", EVENT_NOTIFYDROPPED, get_dropped },
		{ "cimRouteNotifySuppressed", EVENT_NOTIFYSUPPRESSED, get_suppressed },
	};

	for (size_t k = 0; k < sizeof(ro) / sizeof(ro[0]); k++) {
		oid o[] = { CIMR_EVENT, ro[k].arc };

		if (mib_scalar_register(ro[k].name, o, OID_LENGTH(o), ro[k].get, NULL) < 0)
			return -1;
	}
	for (size_t k = 0; k < sizeof(settings) / sizeof(settings[0]); k++) {
		oid o[] = { CIMR_EVENT, setting_arcs[k] };

		if (mib_scalar_register_rw(setting_name(settings[k].which), o, OID_LENGTH(o),
			&setting_ops, &settings[k]) < 0)
			return -1;
	}
	return mib_table_register(&event_table);
}
