/*
 * cimPing's writes (see mib_ping.c for the order of a SET): cimPingTable's
 * SET operations for snmp/txn.c; and the scalars, the writable ones kept in
 * the state file.
 */
#include "config.h"

#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "snmp/mib_ping.h"
#include "snmp/txn.h"

static int dirty; /* this SET changed what the state file holds */

/* ---- RESERVE1: each value alone ------------------------------------------------ */

/* A column of a numeric parameter: its field. */
static const struct {
	oid col;
	enum ping_field f;
} field_cols[] = {
	{ COL_PING_ADDRESSTYPE, PF_ADDRTYPE },
	{ COL_PING_BUFFERSIZE, PF_BUFSIZE },
	{ COL_PING_NOFRAGMENTATION, PF_DF },
	{ COL_PING_RECORDROUTE, PF_RR },
	{ COL_PING_RESOLVEADDRESSNAMES, PF_RESOLVE },
	{ COL_PING_SOURCEROUTETYPE, PF_SRTYPE },
	{ COL_PING_TIMEOUT, PF_TIMEOUT },
	{ COL_PING_TIMESTAMPROUTE, PF_TS },
	{ COL_PING_TIMETOLIVE, PF_TTL },
	{ COL_PING_TYPEOFSERVICE, PF_TOS },
	{ COL_PING_ADMINSTATUS, PF_ADMIN },
	{ COL_PING_TRAPONCOMPLETION, PF_TRAP },
	{ COL_PING_STORAGETYPE, PF_STORAGE },
	{ COL_PING_SOURCEADDRTYPE, PF_SRCTYPE },
	{ COL_PING_IFINDEX, PF_IFINDEX },
	{ COL_PING_PROBECOUNT, PF_COUNT },
	{ COL_PING_PROBEINTERVAL, PF_INTERVAL },
};
#define NFIELDS (sizeof(field_cols) / sizeof(field_cols[0]))

static int
field_of(oid col)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (field_cols[i].col == col)
			return (int)field_cols[i].f;
	return -1;
}

static int
check_field(const netsnmp_variable_list *vb, oid col)
{
	return txn_wrong_if(*vb->val.integer < 0 ||
	    !ping_field_ok((enum ping_field)field_of(col), (unsigned long)*vb->val.integer));
}

#define FIELD_CHECK(fn, col)                           \
	static int fn(const netsnmp_variable_list *vb) \
	{                                              \
		return check_field(vb, col);           \
	}
FIELD_CHECK(ck_addrtype, COL_PING_ADDRESSTYPE)
FIELD_CHECK(ck_bufsize, COL_PING_BUFFERSIZE)
FIELD_CHECK(ck_df, COL_PING_NOFRAGMENTATION)
FIELD_CHECK(ck_rr, COL_PING_RECORDROUTE)
FIELD_CHECK(ck_resolve, COL_PING_RESOLVEADDRESSNAMES)
FIELD_CHECK(ck_srtype, COL_PING_SOURCEROUTETYPE)
FIELD_CHECK(ck_timeout, COL_PING_TIMEOUT)
FIELD_CHECK(ck_ts, COL_PING_TIMESTAMPROUTE)
FIELD_CHECK(ck_ttl, COL_PING_TIMETOLIVE)
FIELD_CHECK(ck_tos, COL_PING_TYPEOFSERVICE)
FIELD_CHECK(ck_admin, COL_PING_ADMINSTATUS)
FIELD_CHECK(ck_trap, COL_PING_TRAPONCOMPLETION)
FIELD_CHECK(ck_storage, COL_PING_STORAGETYPE)
FIELD_CHECK(ck_srctype, COL_PING_SOURCEADDRTYPE)
FIELD_CHECK(ck_ifindex, COL_PING_IFINDEX)
FIELD_CHECK(ck_count, COL_PING_PROBECOUNT)
FIELD_CHECK(ck_interval, COL_PING_PROBEINTERVAL)

/* An InetAddress of a length no type has (ipv4 4, ipv4z 8, ipv6 16, ipv6z 20; or empty). */
static int
ck_inet(const netsnmp_variable_list *vb)
{
	size_t n = vb->val_len;

	return n == 0 || n == 4 || n == 8 || n == 16 || n == 20 ? SNMP_ERR_NOERROR :
								  SNMP_ERR_WRONGLENGTH;
}

static int
ck_sr(const netsnmp_variable_list *vb)
{
	struct in_addr a[PING_SR_MAX];
	uint32_t n;

	return txn_wrong_if(ping_parse_sr((const char *)vb->val.string, vb->val_len, a, &n) < 0);
}

static const struct txn_column set_cols[] = {
	{ COL_PING_ADDRESSTYPE, ASN_INTEGER, 0, ck_addrtype },
	{ COL_PING_ADDRESS, ASN_OCTET_STR, PING_INET_MAX, ck_inet },
	{ COL_PING_ADDRESSNAME, ASN_OCTET_STR, PING_TEXT_MAX, txn_check_printable },
	{ COL_PING_BUFFERSIZE, ASN_UNSIGNED, 0, ck_bufsize },
	{ COL_PING_NOFRAGMENTATION, ASN_INTEGER, 0, ck_df },
	{ COL_PING_RECORDROUTE, ASN_UNSIGNED, 0, ck_rr },
	{ COL_PING_RESOLVEADDRESSNAMES, ASN_INTEGER, 0, ck_resolve },
	{ COL_PING_SOURCEROUTE, ASN_OCTET_STR, PING_TEXT_MAX, ck_sr },
	{ COL_PING_SOURCEROUTETYPE, ASN_INTEGER, 0, ck_srtype },
	{ COL_PING_TIMEOUT, ASN_UNSIGNED, 0, ck_timeout },
	{ COL_PING_TIMESTAMPROUTE, ASN_UNSIGNED, 0, ck_ts },
	{ COL_PING_TIMETOLIVE, ASN_UNSIGNED, 0, ck_ttl },
	{ COL_PING_TYPEOFSERVICE, ASN_UNSIGNED, 0, ck_tos },
	{ COL_PING_ADMINSTATUS, ASN_INTEGER, 0, ck_admin },
	{ COL_PING_TRAPONCOMPLETION, ASN_INTEGER, 0, ck_trap },
	{ COL_PING_STORAGETYPE, ASN_INTEGER, 0, ck_storage },
	{ COL_PING_ROWSTATUS, ASN_INTEGER, 0, txn_check_status },
	{ COL_PING_SOURCEADDRTYPE, ASN_INTEGER, 0, ck_srctype },
	{ COL_PING_SOURCEADDR, ASN_OCTET_STR, PING_INET_MAX, ck_inet },
	{ COL_PING_IFINDEX, ASN_UNSIGNED, 0, ck_ifindex },
	{ COL_PING_PROBECOUNT, ASN_UNSIGNED, 0, ck_count },
	{ COL_PING_PROBEINTERVAL, ASN_UNSIGNED, 0, ck_interval },
};

/* ---- the row of a SET ---------------------------------------------------------------- */

struct xrow {
	struct ping_key key;
	struct pingrows *set;
	int held;                  /* set->hold counts this row until it is freed */
	int noop, create, destroy; /* what the SET does to the row */
	int start, abandon;        /* at COMMIT */
	int active;                /* RowStatus active after the SET */
	int suspend;               /* notInService(2) written: the row must be ready */
	struct ping_cfg cfg;       /* the parameters after the SET (RESERVE2's view) */
	struct ping_row *row;      /* ACTION: the row created, changed or taken out */
	struct ping_cfg old_cfg;   /* what ACTION replaced */
	int old_active;
};

static int
parse_index(void *ctx, const oid *idx, size_t len, void *data)
{
	struct xrow *x = data;

	x->set = ctx;
	if (mib_ping_key_parse(idx, len, &x->key) < 0)
		return txn_bad_index("cimPingTable", idx, len,
		    "not an owner and a test name of 0..32 octets each, with their lengths");
	return SNMP_ERR_NOERROR;
}

static void
row_name(const void *data, char *buf, size_t len)
{
	const struct xrow *x = data;

	mib_ping_key_text(&x->key, buf, len);
}

static void
xrow_free(void *data)
{
	struct xrow *x = data;

	if (x->held)
		x->set->hold--;
}

/* The SET's values over cfg. */
static void
merge(const struct txn_row *row, struct ping_cfg *cfg)
{
	const u_char *s;
	size_t len;
	long v;

	for (size_t i = 0; i < NFIELDS; i++)
		if (txn_int(row, field_cols[i].col, &v))
			cfg->v[field_cols[i].f] = (uint32_t)v;
	if ((s = txn_str(row, COL_PING_ADDRESS, &len)) != NULL) {
		memcpy(cfg->addr.a, s, len);
		cfg->addr.len = (uint8_t)len;
	}
	if ((s = txn_str(row, COL_PING_SOURCEADDR, &len)) != NULL) {
		memcpy(cfg->src.a, s, len);
		cfg->src.len = (uint8_t)len;
	}
	if ((s = txn_str(row, COL_PING_ADDRESSNAME, &len)) != NULL) {
		memcpy(cfg->name, s, len);
		cfg->name[len] = '\0';
	}
	if ((s = txn_str(row, COL_PING_SOURCEROUTE, &len)) != NULL) {
		memcpy(cfg->sr, s, len);
		cfg->sr[len] = '\0';
	}
}

/* A parameter (not RowStatus, not AdminStatus) is written. */
static int
writes_parameter(const struct txn_row *row)
{
	for (size_t i = 0; i < sizeof(set_cols) / sizeof(set_cols[0]); i++)
		if (set_cols[i].col != COL_PING_ROWSTATUS &&
		    set_cols[i].col != COL_PING_ADMINSTATUS && txn_has(row, set_cols[i].col))
			return 1;
	return 0;
}

/* The row as it would be: its addresses against their types, one target when active. */
static int
check_cfg(struct txn_row *row, const struct xrow *x)
{
	struct ping_row probe = { .cfg = x->cfg, .active = x->active };
	struct ping_target t;
	char ifname[IF_NAMESIZE];

	if (x->cfg.addr.len > 0 && ping_inet_target(x->cfg.v[PF_ADDRTYPE], &x->cfg.addr, &t) < 0)
		return txn_refuse(row, SNMP_ERR_INCONSISTENTVALUE,
		    "cimPingAddress of %u octets is not of cimPingAddressType %u", x->cfg.addr.len,
		    x->cfg.v[PF_ADDRTYPE]);
	if (x->cfg.src.len > 0 && ping_inet_target(x->cfg.v[PF_SRCTYPE], &x->cfg.src, &t) < 0)
		return txn_refuse(row, SNMP_ERR_INCONSISTENTVALUE,
		    "cimPingSourceAddress of %u octets is not of cimPingSourceAddressType %u",
		    x->cfg.src.len, x->cfg.v[PF_SRCTYPE]);
	if (!x->active && !x->suspend)
		return SNMP_ERR_NOERROR;
	if (!ping_row_ready(&probe))
		return txn_refuse(row, SNMP_ERR_INCONSISTENTVALUE,
		    "exactly one of cimPingAddress (with its type) and cimPingAddressName must be "
		    "set to make the row active or notInService");
	if (!x->active)
		return SNMP_ERR_NOERROR;
	if (x->cfg.v[PF_IFINDEX] != 0 && if_indextoname(x->cfg.v[PF_IFINDEX], ifname) == NULL)
		return txn_refuse(row, SNMP_ERR_INCONSISTENTVALUE, "no interface has ifIndex %u",
		    x->cfg.v[PF_IFINDEX]);
	return SNMP_ERR_NOERROR;
}

/* Rows this SET creates before row, in total and of row's owner. */
static void
created_before(struct txn *txn, const struct txn_row *row, size_t *all, size_t *owner)
{
	const struct xrow *me = txn_row_data(row);

	*all = *owner = 0;
	for (size_t i = 0; i < txn_nrows(txn) && txn_row_at(txn, i) != row; i++) {
		const struct txn_row *o = txn_row_at(txn, i);
		const struct xrow *x = txn_row_data(o);

		if (txn_row_ops(o) != txn_row_ops(row) || txn_refused(o) || !x->create)
			continue;
		(*all)++;
		*owner += x->key.olen == me->key.olen &&
		    memcmp(x->key.owner, me->key.owner, me->key.olen) == 0;
	}
}

/* Existing rows this SET destroys, in total and of row's owner: room, as if simultaneous. */
static void
destroyed(struct txn *txn, const struct txn_row *row, size_t *all, size_t *owner)
{
	const struct xrow *me = txn_row_data(row);
	long rs;

	*all = *owner = 0;
	for (size_t i = 0; i < txn_nrows(txn); i++) {
		const struct txn_row *o = txn_row_at(txn, i);
		const struct xrow *x = txn_row_data(o);

		if (txn_row_ops(o) != txn_row_ops(row) || !txn_int(o, COL_PING_ROWSTATUS, &rs) ||
		    rs != RS_DESTROY || pingrows_find(x->set, &x->key) == NULL)
			continue;
		(*all)++;
		*owner += x->key.olen == me->key.olen &&
		    memcmp(x->key.owner, me->key.owner, me->key.olen) == 0;
	}
}

static int
check_limits(struct txn *txn, struct txn_row *row, struct xrow *x)
{
	struct pingrows *s = x->set;
	size_t all, owner, gone, gone_owner;

	created_before(txn, row, &all, &owner);
	destroyed(txn, row, &gone, &gone_owner);
	if (s->n - gone + all >= s->lim.max_rows) {
		s->refused_rows++;
		return txn_refuse(row, SNMP_ERR_RESOURCEUNAVAILABLE,
		    "cimPingMaxRows (%u) rows exist", s->lim.max_rows);
	}
	if (pingrows_owned(s, &x->key) - gone_owner + owner >= s->lim.per_owner) {
		s->refused_owner++;
		return txn_refuse(row, SNMP_ERR_RESOURCEUNAVAILABLE,
		    "the owner has cimPingMaxRowsPerOwner (%u) rows", s->lim.per_owner);
	}
	return SNMP_ERR_NOERROR;
}

static int
check_start(struct txn_row *row, struct xrow *x)
{
	struct pingrows *s = x->set;

	if (s->engine == NULL)
		return txn_refuse(row, SNMP_ERR_RESOURCEUNAVAILABLE,
		    "no ICMP socket could be opened at start (see the log): no request can run");
	if (!s->ops->may_start(s->engine)) {
		s->refused_rate++;
		return txn_refuse(row, SNMP_ERR_RESOURCEUNAVAILABLE,
		    "cimPingMaxProbeRate (%u) probes were started in the last second", s->lim.rate);
	}
	return SNMP_ERR_NOERROR;
}

/* RowStatus against the row's existence (RFC 2579); sets create, destroy, noop, active. */
static int
check_status(struct txn_row *row, struct xrow *x, const struct ping_row *r, long rs, int has_rs)
{
	int creating = has_rs && (rs == RS_CREATEANDGO || rs == RS_CREATEANDWAIT);

	if (r == NULL) {
		if (has_rs && rs == RS_DESTROY)
			return x->noop = 1, SNMP_ERR_NOERROR;
		if (!has_rs)
			return txn_refuse(row, SNMP_ERR_INCONSISTENTNAME,
			    "the row does not exist (create it with cimPingRowStatus)");
		if (!creating)
			return txn_refuse(row, SNMP_ERR_INCONSISTENTVALUE,
			    "the row does not exist: RowStatus %ld needs one", rs);
		x->create = 1;
		x->active = rs == RS_CREATEANDGO;
		return SNMP_ERR_NOERROR;
	}
	if (creating)
		return txn_refuse(row, SNMP_ERR_INCONSISTENTVALUE, "the row exists already");
	if (txn_has(row, COL_PING_STORAGETYPE))
		return txn_refuse(row, SNMP_ERR_INCONSISTENTVALUE,
		    "cimPingStorageType is written only when the row is created");
	x->destroy = has_rs && rs == RS_DESTROY;
	x->active = has_rs ? rs == RS_ACTIVE : r->active;
	x->suspend = has_rs && rs == RS_NOTINSERVICE; /* RFC 2579: of a notReady row, if ready */
	return SNMP_ERR_NOERROR;
}

static int
check(struct txn *txn, struct txn_row *row, void *ctx)
{
	struct xrow *x = txn_row_data(row);
	struct ping_row *r;
	long rs = 0, admin = 0;
	int has_rs = txn_int(row, COL_PING_ROWSTATUS, &rs), rc, busy;

	(void)ctx;
	if (!x->held) {
		x->set->hold++;
		x->held = 1;
	}
	r = pingrows_find(x->set, &x->key);
	if ((rc = check_status(row, x, r, rs, has_rs)) != SNMP_ERR_NOERROR || x->noop || x->destroy)
		return rc;
	busy = r != NULL && r->oper == PING_OPER_INPROGRESS;
	txn_int(row, COL_PING_ADMINSTATUS, &admin);
	if (busy && (writes_parameter(row) || admin == PING_ADMIN_ENABLED || !x->active))
		return txn_refuse(row, SNMP_ERR_INCONSISTENTVALUE,
		    "a request is in progress (write cimPingAdminStatus disabled(2) first)");
	if (r != NULL)
		x->cfg = r->cfg;
	else {
		struct ping_row *d = ping_row_new(x->set, &x->key);

		if (d == NULL)
			return txn_refuse(row, SNMP_ERR_RESOURCEUNAVAILABLE, "out of memory");
		x->cfg = d->cfg;
		ping_row_free(d);
	}
	merge(row, &x->cfg);
	if ((rc = check_cfg(row, x)) != SNMP_ERR_NOERROR)
		return rc;
	x->abandon = busy && admin == PING_ADMIN_DISABLED;
	x->start = x->active && x->cfg.v[PF_ADMIN] == PING_ADMIN_ENABLED && !x->abandon &&
	    (x->create || admin == PING_ADMIN_ENABLED || (has_rs && !r->active));
	if (x->create && (rc = check_limits(txn, row, x)) != SNMP_ERR_NOERROR)
		return rc;
	return x->start ? check_start(row, x) : SNMP_ERR_NOERROR;
}

/* ---- ACTION and its undo steps ------------------------------------------------------- */

/* Undo what apply() did to the row: a create (the row goes), a destroy (it comes back), a change. */
static int
undo_apply(void *data, void *arg)
{
	struct xrow *x = data;

	(void)arg;
	if (!x->create && !x->destroy) {
		x->row->cfg = x->old_cfg;
		x->row->active = x->old_active;
		return 0;
	}
	if (x->create) {
		pingrows_remove(x->set, x->row);
		ping_row_free(x->row);
	} else if (pingrows_insert(x->set, x->row) < 0) { /* the room it left is there */
		log_err("ping", "cannot put a row back");
		return -1;
	}
	x->row = NULL;
	return 0;
}

/* A row the state file keeps. */
static int
kept(const struct ping_row *r)
{
	return r->cfg.v[PF_STORAGE] == PING_ST_NONVOLATILE;
}

static int
apply(struct txn *txn, struct txn_row *row, void *ctx)
{
	struct xrow *x = txn_row_data(row);
	struct ping_row *r;

	(void)ctx;
	if (x->noop)
		return SNMP_ERR_NOERROR;
	if (x->create) {
		if ((r = ping_row_new(x->set, &x->key)) == NULL || pingrows_insert(x->set, r) < 0) {
			ping_row_free(r);
			return SNMP_ERR_RESOURCEUNAVAILABLE;
		}
		r->cfg = x->cfg;
		r->active = x->active;
		x->row = r;
		txn_step(txn, row, undo_apply, NULL);
		dirty |= kept(r);
		return SNMP_ERR_NOERROR;
	}
	if ((r = pingrows_find(x->set, &x->key)) == NULL)
		return SNMP_ERR_COMMITFAILED; /* cannot happen: nothing removes rows during a SET */
	x->row = r;
	/* AdminStatus alone changes nothing the file keeps (rows come back disabled) */
	dirty |=
	    kept(r) && (x->destroy || txn_has(row, COL_PING_ROWSTATUS) || writes_parameter(row));
	if (x->destroy) {
		pingrows_remove(x->set, r);
		txn_step(txn, row, undo_apply, NULL);
		return SNMP_ERR_NOERROR;
	}
	x->old_cfg = r->cfg;
	x->old_active = r->active;
	merge(row, &r->cfg);
	r->active = x->active;
	txn_step(txn, row, undo_apply, NULL);
	return SNMP_ERR_NOERROR;
}

/* COMMIT: what may only happen once the SET stands. */
static void
commit(struct txn_row *row, void *ctx)
{
	struct xrow *x = txn_row_data(row);

	(void)ctx;
	if (x->noop || x->row == NULL)
		return;
	if (x->create || x->destroy)
		clock_gettime(CLOCK_REALTIME, &x->set->last_change);
	if (x->destroy) {
		ping_row_free(x->row);
		x->row = NULL;
		return;
	}
	if (x->abandon && x->row->oper == PING_OPER_INPROGRESS) /* it may have completed since */
		ping_row_abandon(x->row);
	if (x->start)
		ping_row_start(x->row);
}

static void
check_set(struct txn *txn, void *ctx)
{
	(void)txn;
	(void)ctx;
	dirty = 0;
}

static int
save_state(void *ctx)
{
	char err[512];

	if (!dirty || pingrows_save(ctx, err, sizeof(err)) == 0)
		return 0;
	log_err("ping", "%s", err);
	return -1;
}

static int
action_end(struct txn *txn, void *ctx)
{
	(void)txn;
	return save_state(ctx) < 0 ? SNMP_ERR_COMMITFAILED : SNMP_ERR_NOERROR;
}

static int
undo_end(struct txn *txn, void *ctx)
{
	(void)txn;
	return save_state(ctx);
}

static const struct txn_group ping_group = {
	.check_set = check_set,
	.action_end = action_end,
	.undo_end = undo_end,
};

const struct txn_ops mib_ping_set_ops = {
	.cols = set_cols,
	.ncols = sizeof(set_cols) / sizeof(set_cols[0]),
	.row_size = sizeof(struct xrow),
	.parse_index = parse_index,
	.row_name = row_name,
	.check = check,
	.apply = apply,
	.commit = commit,
	.row_free = xrow_free,
	.group = &ping_group,
};

/* ---- the read-only scalars ---------------------------------------------------------------- */

static struct pingrows *ps;

static int
get_rows(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)ctx;
	mib_set_uint(v, ASN_GAUGE, ps->n);
	return 0;
}

static int
get_last_change(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)ctx;
	mib_set_date(v, &ps->last_change);
	return 0;
}

#define COUNTER_GETTER(fn, m)                                          \
	static int fn(const void *row, struct mib_value *v, void *ctx) \
	{                                                              \
		(void)row;                                             \
		(void)ctx;                                             \
		mib_set_uint(v, ASN_COUNTER, ps->m);                   \
		return 0;                                              \
	}
COUNTER_GETTER(get_refused_rows, refused_rows)
COUNTER_GETTER(get_refused_owner, refused_owner)
COUNTER_GETTER(get_refused_rate, refused_rate)
COUNTER_GETTER(get_aged_out, aged_out)

static const struct {
	const char *name;
	oid obj;
	mib_get_fn get;
} ro_scalars[] = {
	{ "cimPingCount", 1, get_rows },
	{ "cimPingLastChange", 2, get_last_change },
	{ "cimPingRowsRefused", PING_ROWSREFUSED, get_refused_rows },
	{ "cimPingOwnerRowsRefused", PING_OWNERROWSREFUSED, get_refused_owner },
	{ "cimPingRateRefused", PING_RATEREFUSED, get_refused_rate },
	{ "cimPingRowsAgedOut", PING_ROWSAGEDOUT, get_aged_out },
};

mib_get_fn
mib_ping_scalar_get(oid obj)
{
	for (size_t i = 0; i < sizeof(ro_scalars) / sizeof(ro_scalars[0]); i++)
		if (ro_scalars[i].obj == obj)
			return ro_scalars[i].get;
	return NULL;
}

/* ---- the writable scalars: one array, one set of operations -------------------------- */

struct limit {
	oid obj;
	const char *name;
	size_t off; /* in struct ping_limits */
	unsigned bit;
	uint32_t min, max;
	struct pingrows *set;
	uint32_t old; /* ACTION: the value it replaced, and the written bits */
	unsigned old_written;
};

#define LIMIT(o, n, m, b, lo, hi)                                                            \
	{                                                                                    \
		.obj = (o), .name = (n), .off = offsetof(struct ping_limits, m), .bit = (b), \
		.min = (lo), .max = (hi)                                                     \
	}
static struct limit limits[] = {
	LIMIT(PING_MAXROWS, "cimPingMaxRows", max_rows, PING_SET_MAXROWS, 0, PING_MAXROWS_MAX),
	LIMIT(PING_MAXROWSPEROWNER, "cimPingMaxRowsPerOwner", per_owner, PING_SET_PEROWNER, 0,
	    PING_MAXROWS_MAX),
	LIMIT(PING_MAXPROBERATE, "cimPingMaxProbeRate", rate, PING_SET_RATE, 1, PING_RATE_MAX),
	LIMIT(PING_AGEOUT, "cimPingAgeOut", ageout, PING_SET_AGEOUT, 0, PING_AGEOUT_MAX),
};
#define NLIMITS (sizeof(limits) / sizeof(limits[0]))

static uint32_t *
limit_value(struct limit *l)
{
	return (uint32_t *)((char *)&l->set->lim + l->off);
}

static int
limit_get(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	mib_set_uint(v, ASN_UNSIGNED, *limit_value(ctx));
	return 0;
}

static int
limit_check(const netsnmp_variable_list *vb, void *ctx)
{
	struct limit *l = ctx;
	int rc = netsnmp_check_vb_type_and_size(vb, ASN_UNSIGNED, sizeof(long));

	if (rc != SNMP_ERR_NOERROR)
		return rc;
	return txn_wrong_if(*vb->val.integer < (long)l->min || *vb->val.integer > (long)l->max);
}

static void
limit_put(struct limit *l, uint32_t v, unsigned written)
{
	*limit_value(l) = v;
	l->set->written = written;
	if (l->bit == PING_SET_RATE && l->set->engine != NULL)
		l->set->ops->set_rate(l->set->engine, v);
}

static int
limit_apply(const netsnmp_variable_list *vb, void *ctx)
{
	struct limit *l = ctx;
	char err[512];

	l->old = *limit_value(l);
	l->old_written = l->set->written;
	limit_put(l, (uint32_t)*vb->val.integer, l->old_written | l->bit);
	if (pingrows_save(l->set, err, sizeof(err)) == 0)
		return SNMP_ERR_NOERROR;
	log_err("ping", "%s: %s", l->name, err);
	limit_put(l, l->old, l->old_written);
	return SNMP_ERR_COMMITFAILED;
}

static int
limit_undo(void *ctx)
{
	struct limit *l = ctx;
	char err[512];

	limit_put(l, l->old, l->old_written);
	if (pingrows_save(l->set, err, sizeof(err)) == 0)
		return SNMP_ERR_NOERROR;
	log_err("ping", "%s: %s", l->name, err);
	return SNMP_ERR_UNDOFAILED;
}

static const struct mib_scalar_ops limit_ops = {
	.get = limit_get,
	.check = limit_check,
	.apply = limit_apply,
	.undo = limit_undo,
};

const struct mib_scalar_ops *
mib_ping_scalar(oid obj, void **ctx)
{
	for (size_t i = 0; i < NLIMITS; i++)
		if (limits[i].obj == obj) {
			*ctx = &limits[i];
			return &limit_ops;
		}
	return NULL;
}

int
mib_ping_scalars_bind(struct pingrows *s, int reg)
{
	ps = s;
	for (size_t i = 0; reg && i < sizeof(ro_scalars) / sizeof(ro_scalars[0]); i++) {
		const oid o[] = { CIMR_PING, ro_scalars[i].obj };

		if (mib_scalar_register(ro_scalars[i].name, o, OID_LENGTH(o), ro_scalars[i].get,
			NULL) < 0)
			return -1;
	}
	for (size_t i = 0; i < NLIMITS; i++) {
		const oid o[] = { CIMR_PING, limits[i].obj };

		limits[i].set = s;
		if (reg &&
		    mib_scalar_register_rw(limits[i].name, o, OID_LENGTH(o), &limit_ops,
			&limits[i]) < 0)
			return -1;
	}
	return 0;
}
