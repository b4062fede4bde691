/*
 * cimPing over SNMP (see mib_ping.h): the index (owner and name, each an
 * SnmpAdminString: its length, then its octets), the columns, the SET
 * operations of cimPingTable (RowStatus as RFC 2579 has it), the three
 * sub-tables, the scalars and cimPingCompletion.
 *
 * A SET of cimPingTable: RESERVE1 checks each value against the MIB's
 * range (wrongValue; wrongLength for an InetAddress no type has); RESERVE2
 * checks each row against the set (RowStatus transitions, the addresses
 * against their types, one target at activation, a request in progress,
 * the limits and the probe rate); ACTION creates, changes or takes out
 * rows, each step with its undo, and writes the state file once when a
 * nonVolatile row changed; COMMIT starts and abandons requests and frees
 * destroyed rows, so nothing starts for a SET that fails.
 */
#include "config.h"

#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/text.h"
#include "lib/vec.h"
#include "snmp/mib_ping.h"
#include "snmp/txn.h"

static struct pingrows *pr;

#define ROW(p) ((const struct ping_row *)(p))

/* ---- the index --------------------------------------------------------------- */

static size_t
key_oid(const struct ping_key *k, oid *out)
{
	size_t n = 0;

	out[n++] = k->olen;
	for (size_t i = 0; i < k->olen; i++)
		out[n++] = k->owner[i];
	out[n++] = k->nlen;
	for (size_t i = 0; i < k->nlen; i++)
		out[n++] = k->name[i];
	return n;
}

/* Exactly an index (nothing after); 0, or -1. */
int
mib_ping_key_parse(const oid *idx, size_t len, struct ping_key *k)
{
	size_t n = 0;

	memset(k, 0, sizeof(*k));
	if (n >= len || idx[n] > PING_KEY_MAX || n + 1 + idx[n] >= len)
		return -1;
	k->olen = (uint8_t)idx[n++];
	for (size_t i = 0; i < k->olen; i++, n++) {
		if (idx[n] > 255)
			return -1;
		k->owner[i] = (uint8_t)idx[n];
	}
	if (idx[n] > PING_KEY_MAX || n + 1 + idx[n] != len)
		return -1;
	k->nlen = (uint8_t)idx[n++];
	for (size_t i = 0; i < k->nlen; i++, n++) {
		if (idx[n] > 255)
			return -1;
		k->name[i] = (uint8_t)idx[n];
	}
	return 0;
}

struct oid_key {
	const oid *idx;
	size_t len;
};

/* A row's index against an OID, on the OID's first key-length sub-ids at most (prefix: 0). */
static int
row_vs_oid(const void *elem, const void *key, int prefix)
{
	const struct oid_key *k = key;
	oid o[2 + 2 * PING_KEY_MAX];
	size_t n = key_oid(&(*(struct ping_row *const *)elem)->key, o);

	return snmp_oid_compare(o, n, k->idx, prefix && k->len > n ? n : k->len);
}

static int
row_cmp_full(const void *elem, const void *key)
{
	return row_vs_oid(elem, key, 0);
}

static int
row_cmp_prefix(const void *elem, const void *key)
{
	return row_vs_oid(elem, key, 1);
}

static const void *
ping_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	struct oid_key k = { idx, len };
	size_t i = vec_lower_bound(pr->rows, pr->n, sizeof(*pr->rows), &k, row_cmp_full, strict);

	(void)ctx;
	return i < pr->n ? pr->rows[i] : NULL;
}

/* The position of r in the set (rows are found again by their index). */
static size_t
pos_of(const struct ping_row *r)
{
	return pingrows_seek(pr, &r->key, 0);
}

static const void *
ping_next(void *ctx, const void *row)
{
	size_t i = pos_of(row) + 1;

	(void)ctx;
	return i < pr->n ? pr->rows[i] : NULL;
}

static size_t
ping_index(void *ctx, const void *row, oid *out)
{
	(void)ctx;
	return key_oid(&ROW(row)->key, out);
}

/* ---- cimPingTable's columns ----------------------------------------------------- */

static int
get_field(const void *row, struct mib_value *v, enum ping_field f, u_char type)
{
	if (type == ASN_INTEGER)
		mib_set_int(v, type, (long)ROW(row)->cfg.v[f]);
	else
		mib_set_uint(v, type, ROW(row)->cfg.v[f]);
	return 0;
}

#define FIELD_GETTER(fn, f, type)                                      \
	static int fn(const void *row, struct mib_value *v, void *ctx) \
	{                                                              \
		(void)ctx;                                             \
		return get_field(row, v, f, type);                     \
	}
FIELD_GETTER(get_addrtype, PF_ADDRTYPE, ASN_INTEGER)
FIELD_GETTER(get_bufsize, PF_BUFSIZE, ASN_UNSIGNED)
FIELD_GETTER(get_df, PF_DF, ASN_INTEGER)
FIELD_GETTER(get_rr, PF_RR, ASN_UNSIGNED)
FIELD_GETTER(get_resolve, PF_RESOLVE, ASN_INTEGER)
FIELD_GETTER(get_srtype, PF_SRTYPE, ASN_INTEGER)
FIELD_GETTER(get_timeout, PF_TIMEOUT, ASN_UNSIGNED)
FIELD_GETTER(get_ts, PF_TS, ASN_UNSIGNED)
FIELD_GETTER(get_ttl, PF_TTL, ASN_UNSIGNED)
FIELD_GETTER(get_tos, PF_TOS, ASN_UNSIGNED)
FIELD_GETTER(get_admin, PF_ADMIN, ASN_INTEGER)
FIELD_GETTER(get_trap, PF_TRAP, ASN_INTEGER)
FIELD_GETTER(get_storage, PF_STORAGE, ASN_INTEGER)
FIELD_GETTER(get_srctype, PF_SRCTYPE, ASN_INTEGER)
FIELD_GETTER(get_ifindex, PF_IFINDEX, ASN_UNSIGNED)
FIELD_GETTER(get_count, PF_COUNT, ASN_UNSIGNED)
FIELD_GETTER(get_interval, PF_INTERVAL, ASN_UNSIGNED)

static int
get_addr(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_bytes(v, ASN_OCTET_STR, ROW(row)->cfg.addr.a, ROW(row)->cfg.addr.len);
	return 0;
}

static int
get_srcaddr(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_bytes(v, ASN_OCTET_STR, ROW(row)->cfg.src.a, ROW(row)->cfg.src.len);
	return 0;
}

static int
get_name(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_str(v, ROW(row)->cfg.name, PING_TEXT_MAX);
	return 0;
}

static int
get_sr(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_str(v, ROW(row)->cfg.sr, PING_TEXT_MAX);
	return 0;
}

static int
get_rowstatus(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_int(v, ASN_INTEGER,
	    ROW(row)->active        ? RS_ACTIVE :
		ping_row_ready(row) ? RS_NOTINSERVICE :
				      RS_NOTREADY);
	return 0;
}

static int
get_oper(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_int(v, ASN_INTEGER, ROW(row)->oper);
	return 0;
}

/* The latest probe's result, once the request completed with one (not for a name unresolved). */
static const struct ping_probe *
result(const void *row)
{
	return ROW(row)->oper == PING_OPER_COMPLETED && ROW(row)->has_result ? &ROW(row)->last :
									       NULL;
}

/* An answer came: the round-trip time is known. */
static const struct ping_probe *
answer(const void *row)
{
	const struct ping_probe *p = result(row);

	return p != NULL && p->time_source != PING_TIME_NONE ? p : NULL;
}

static const struct ping_probe *
reply(const void *row)
{
	const struct ping_probe *p = result(row);

	return p != NULL && p->is_reply ? p : NULL;
}

static const struct ping_probe *
answered_by(const void *row)
{
	const struct ping_probe *p = result(row);

	return p != NULL && p->from.family != AF_UNSPEC ? p : NULL;
}

static void
set_inet(struct mib_value *v, const struct ping_target *t, int type_only)
{
	if (type_only)
		mib_set_int(v, ASN_INTEGER, t->family == AF_INET ? PING_AT_IPV4 : PING_AT_IPV6);
	else if (t->family == AF_INET)
		mib_set_bytes(v, ASN_OCTET_STR, &t->a.v4, 4);
	else
		mib_set_bytes(v, ASN_OCTET_STR, &t->a.v6, 16);
}

static int
get_statuscode(const void *row, struct mib_value *v, void *ctx)
{
	const struct ping_probe *p = result(row);

	(void)ctx;
	if (p == NULL)
		return -1;
	mib_set_int(v, ASN_INTEGER, p->status);
	return 0;
}

static int
get_rtt_ms(const void *row, struct mib_value *v, void *ctx)
{
	const struct ping_probe *p = answer(row);

	(void)ctx;
	if (p == NULL)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, p->rtt_us / 1000);
	return 0;
}

static int
get_rtt_us(const void *row, struct mib_value *v, void *ctx)
{
	const struct ping_probe *p = answer(row);

	(void)ctx;
	if (p == NULL)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, p->rtt_us);
	return 0;
}

static int
get_resp_ttl(const void *row, struct mib_value *v, void *ctx)
{
	const struct ping_probe *p = result(row);

	(void)ctx;
	if (p == NULL || !p->has_ttl)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, p->ttl);
	return 0;
}

static int
get_replysize(const void *row, struct mib_value *v, void *ctx)
{
	const struct ping_probe *p = reply(row);

	(void)ctx;
	if (p == NULL)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, p->reply_size);
	return 0;
}

static int
get_inconsistent(const void *row, struct mib_value *v, void *ctx)
{
	const struct ping_probe *p = reply(row);

	(void)ctx;
	if (p == NULL)
		return -1;
	mib_set_int(v, ASN_INTEGER, p->inconsistent ? PING_TRUE : PING_FALSE);
	return 0;
}

static int
get_protoaddrtype(const void *row, struct mib_value *v, void *ctx)
{
	const struct ping_probe *p = answered_by(row);

	(void)ctx;
	if (p == NULL)
		return -1;
	set_inet(v, &p->from, 1);
	return 0;
}

static int
get_protoaddr(const void *row, struct mib_value *v, void *ctx)
{
	const struct ping_probe *p = answered_by(row);

	(void)ctx;
	if (p == NULL)
		return -1;
	set_inet(v, &p->from, 0);
	return 0;
}

static int
get_protoresolved(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (answered_by(row) == NULL)
		return -1;
	mib_set_str(v, ROW(row)->names[0] != NULL ? ROW(row)->names[0] : "", PING_TEXT_MAX);
	return 0;
}

static int
get_resstatus(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	/* Absent until the request has started, and while its name is being resolved. */
	if (!ROW(row)->started || ROW(row)->name_req != NULL)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, ROW(row)->res_status);
	return 0;
}

static int
get_completion(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (ROW(row)->oper != PING_OPER_COMPLETED)
		return -1;
	mib_set_date(v, &ROW(row)->completed);
	return 0;
}

static int
get_sent(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (!ROW(row)->started)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, ROW(row)->sent);
	return 0;
}

static int
get_received(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (!ROW(row)->started)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, ROW(row)->received);
	return 0;
}

/* The summary's value at offset off (loss: once sent; the times: once received). */
static int
get_summary(const void *row, struct mib_value *v, size_t off)
{
	struct ping_summary s;

	if (ROW(row)->sent == 0 ||
	    (off != offsetof(struct ping_summary, loss) && ROW(row)->received == 0))
		return -1;
	ping_row_summary(row, &s);
	mib_set_uint(v, ASN_UNSIGNED, *(const uint32_t *)((const char *)&s + off));
	return 0;
}

#define SUMMARY_GETTER(fn, m)                                                 \
	static int fn(const void *row, struct mib_value *v, void *ctx)        \
	{                                                                     \
		(void)ctx;                                                    \
		return get_summary(row, v, offsetof(struct ping_summary, m)); \
	}
SUMMARY_GETTER(get_loss, loss)
SUMMARY_GETTER(get_rttmin, min)
SUMMARY_GETTER(get_rttavg, avg)
SUMMARY_GETTER(get_rttmax, max)
SUMMARY_GETTER(get_rttmdev, mdev)

static int
get_timesource(const void *row, struct mib_value *v, void *ctx)
{
	const struct ping_probe *p = answer(row);

	(void)ctx;
	if (p == NULL)
		return -1;
	mib_set_int(v, ASN_INTEGER, p->time_source);
	return 0;
}

static const struct mib_column ping_columns[] = {
	{ COL_PING_ADDRESSTYPE, get_addrtype },
	{ COL_PING_ADDRESS, get_addr },
	{ COL_PING_ADDRESSNAME, get_name },
	{ COL_PING_BUFFERSIZE, get_bufsize },
	{ COL_PING_NOFRAGMENTATION, get_df },
	{ COL_PING_RECORDROUTE, get_rr },
	{ COL_PING_RESOLVEADDRESSNAMES, get_resolve },
	{ COL_PING_SOURCEROUTE, get_sr },
	{ COL_PING_SOURCEROUTETYPE, get_srtype },
	{ COL_PING_TIMEOUT, get_timeout },
	{ COL_PING_TIMESTAMPROUTE, get_ts },
	{ COL_PING_TIMETOLIVE, get_ttl },
	{ COL_PING_TYPEOFSERVICE, get_tos },
	{ COL_PING_ADMINSTATUS, get_admin },
	{ COL_PING_TRAPONCOMPLETION, get_trap },
	{ COL_PING_STORAGETYPE, get_storage },
	{ COL_PING_ROWSTATUS, get_rowstatus },
	{ COL_PING_OPERSTATUS, get_oper },
	{ COL_PING_STATUSCODE, get_statuscode },
	{ COL_PING_RESPONSETIME, get_rtt_ms },
	{ COL_PING_RESPONSETIMEUSEC, get_rtt_us },
	{ COL_PING_RESPONSETTL, get_resp_ttl },
	{ COL_PING_REPLYSIZE, get_replysize },
	{ COL_PING_REPLYINCONSISTENCY, get_inconsistent },
	{ COL_PING_PROTOADDRTYPE, get_protoaddrtype },
	{ COL_PING_PROTOADDR, get_protoaddr },
	{ COL_PING_PROTOADDRRESOLVED, get_protoresolved },
	{ COL_PING_RESOLUTIONSTATUS, get_resstatus },
	{ COL_PING_COMPLETIONTIME, get_completion },
	{ COL_PING_SOURCEADDRTYPE, get_srctype },
	{ COL_PING_SOURCEADDR, get_srcaddr },
	{ COL_PING_IFINDEX, get_ifindex },
	{ COL_PING_PROBECOUNT, get_count },
	{ COL_PING_PROBEINTERVAL, get_interval },
	{ COL_PING_PROBESSENT, get_sent },
	{ COL_PING_PROBESRECEIVED, get_received },
	{ COL_PING_LOSSPERCENT, get_loss },
	{ COL_PING_RTTMIN, get_rttmin },
	{ COL_PING_RTTAVG, get_rttavg },
	{ COL_PING_RTTMAX, get_rttmax },
	{ COL_PING_RTTMDEV, get_rttmdev },
	{ COL_PING_TIMESOURCE, get_timesource },
};

static struct mib_table ping_table = {
	.name = "cimPingTable",
	MIB_ENTRY(CIMR_PING_ENTRY),
	MIB_COLUMNS(ping_columns),
	.seek = ping_seek,
	.next = ping_next,
	.index = ping_index,
};
const struct mib_table *mib_ping_table = &ping_table;

/*
 * ---- the sub-tables: rows of a ping row ------------------------------------
 *
 * One implementation for the three: a kind says how many sub-rows a row
 * has and the index of each.  A sub-row is a (row, position) pair held in
 * a slot of its kind; two slots alternate, so the row a table function was
 * given stays valid while it makes the next.
 */
struct sub_kind {
	size_t (*count)(const struct ping_row *);
	uint32_t (*index)(const struct ping_row *, size_t k);
};

struct sub {
	const struct sub_kind *kind;
	const struct ping_row *r;
	size_t k;
};

struct sub_ctx {
	const struct sub_kind *kind;
	struct sub slot[2];
	int cur;
};

#define SUB(p) ((const struct sub *)(p))

static const void *
sub_make(struct sub_ctx *c, size_t i, size_t k)
{
	for (; i < pr->n; i++, k = 0)
		if (k < c->kind->count(pr->rows[i])) {
			struct sub *s = &c->slot[c->cur ^= 1];

			*s = (struct sub){ c->kind, pr->rows[i], k };
			return s;
		}
	return NULL;
}

static const void *
sub_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	struct sub_ctx *c = ctx;
	struct oid_key key = { idx, len };
	size_t i = vec_lower_bound(pr->rows, pr->n, sizeof(*pr->rows), &key, row_cmp_prefix, 0);
	oid o[2 + 2 * PING_KEY_MAX];
	size_t n, k = 0, cnt;

	if (i == pr->n)
		return NULL;
	n = key_oid(&pr->rows[i]->key, o);
	if (len <= n || snmp_oid_compare(o, n, idx, n) != 0)
		return sub_make(c, i, 0); /* its sub-rows all follow idx */
	cnt = c->kind->count(pr->rows[i]);
	for (; k < cnt; k++) {
		oid s = c->kind->index(pr->rows[i], k);

		if (s > idx[n] || (s == idx[n] && len == n + 1 && !strict))
			break;
	}
	return sub_make(c, i, k);
}

static const void *
sub_next(void *ctx, const void *row)
{
	return sub_make(ctx, pos_of(SUB(row)->r), SUB(row)->k + 1);
}

static size_t
sub_index(void *ctx, const void *row, oid *out)
{
	size_t n = key_oid(&SUB(row)->r->key, out);

	(void)ctx;
	out[n] = SUB(row)->kind->index(SUB(row)->r, SUB(row)->k);
	return n + 1;
}

static size_t
probe_count(const struct ping_row *r)
{
	return r->nhist;
}

static uint32_t
probe_index(const struct ping_row *r, size_t k)
{
	return r->hist[k].index;
}

static size_t
rr_count(const struct ping_row *r)
{
	return r->oper == PING_OPER_COMPLETED && r->has_result ? r->last.nrr : 0;
}

static size_t
ts_count(const struct ping_row *r)
{
	return r->oper == PING_OPER_COMPLETED && r->has_result ? r->last.nts : 0;
}

static uint32_t
position(const struct ping_row *r, size_t k)
{
	(void)r;
	return (uint32_t)k + 1;
}

static const struct sub_kind probe_kind = { probe_count, probe_index };
static const struct sub_kind rr_kind = { rr_count, position };
static const struct sub_kind ts_kind = { ts_count, position };
static struct sub_ctx probe_ctx = { .kind = &probe_kind };
static struct sub_ctx rr_ctx = { .kind = &rr_kind };
static struct sub_ctx ts_ctx = { .kind = &ts_kind };

#define HIST(p) (&SUB(p)->r->hist[SUB(p)->k])

/* A recorded address (slot: its name's in names[]), or its name. */
static void
set_v4(struct mib_value *v, struct in_addr a)
{
	mib_set_bytes(v, ASN_IPADDRESS, &a, 4);
}

static void
set_name(struct mib_value *v, const struct sub *s, size_t slot)
{
	const char *n = s->r->names[slot];

	mib_set_str(v, n != NULL ? n : "", PING_TEXT_MAX);
}

static int
get_rr_addr(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	set_v4(v, SUB(row)->r->last.rr[SUB(row)->k]);
	return 0;
}

static int
get_rr_name(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	set_name(v, SUB(row), 1 + SUB(row)->k);
	return 0;
}

static int
get_ts_record(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_uint(v, ASN_UNSIGNED, SUB(row)->r->last.ts[SUB(row)->k]);
	return 0;
}

static int
get_ts_addr(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	set_v4(v, SUB(row)->r->last.ts_addr[SUB(row)->k]);
	return 0;
}

static int
get_ts_name(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	set_name(v, SUB(row), 1 + PING_RR_MAX + SUB(row)->k);
	return 0;
}

static int
get_pr_status(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_int(v, ASN_INTEGER, HIST(row)->status);
	return 0;
}

static int
get_pr_ms(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (HIST(row)->time_source == PING_TIME_NONE)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, HIST(row)->rtt_us / 1000);
	return 0;
}

static int
get_pr_us(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (HIST(row)->time_source == PING_TIME_NONE)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, HIST(row)->rtt_us);
	return 0;
}

static int
get_pr_ttl(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (!HIST(row)->has_ttl)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, HIST(row)->ttl);
	return 0;
}

static int
get_pr_size(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (!HIST(row)->is_reply)
		return -1;
	mib_set_uint(v, ASN_UNSIGNED, HIST(row)->reply_size);
	return 0;
}

static int
get_pr_addrtype(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (HIST(row)->from.family == AF_UNSPEC)
		mib_set_int(v, ASN_INTEGER, PING_AT_UNKNOWN);
	else
		set_inet(v, &HIST(row)->from, 1);
	return 0;
}

static int
get_pr_addr(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	if (HIST(row)->from.family == AF_UNSPEC)
		return -1;
	set_inet(v, &HIST(row)->from, 0);
	return 0;
}

static int
get_pr_time(const void *row, struct mib_value *v, void *ctx)
{
	(void)ctx;
	mib_set_date(v, &HIST(row)->when);
	return 0;
}

static const struct mib_column rr_columns[] = {
	{ COL_PING_RR_ADDRESS, get_rr_addr },
	{ COL_PING_RR_RESOLVED, get_rr_name },
};
static const struct mib_column ts_columns[] = {
	{ COL_PING_TS_RECORD, get_ts_record },
	{ COL_PING_TS_ADDRESS, get_ts_addr },
	{ COL_PING_TS_RESOLVED, get_ts_name },
};
static const struct mib_column probe_columns[] = {
	{ COL_PING_PR_STATUSCODE, get_pr_status },
	{ COL_PING_PR_RESPONSETIME, get_pr_ms },
	{ COL_PING_PR_RESPONSETIMEUSEC, get_pr_us },
	{ COL_PING_PR_RESPONSETTL, get_pr_ttl },
	{ COL_PING_PR_REPLYSIZE, get_pr_size },
	{ COL_PING_PR_PROTOADDRTYPE, get_pr_addrtype },
	{ COL_PING_PR_PROTOADDR, get_pr_addr },
	{ COL_PING_PR_TIME, get_pr_time },
};

#define SUB_TABLE(var, nm, entry, cols, c)          \
	static struct mib_table var = { .name = nm, \
		MIB_ENTRY(entry),                   \
		MIB_COLUMNS(cols),                  \
		.seek = sub_seek,                   \
		.next = sub_next,                   \
		.index = sub_index,                 \
		.ctx = &(c) }
SUB_TABLE(rr_table, "cimPingRouteRecordTable", CIMR_PING_RR_ENTRY, rr_columns, rr_ctx);
SUB_TABLE(ts_table, "cimPingTimeStampTable", CIMR_PING_TS_ENTRY, ts_columns, ts_ctx);
SUB_TABLE(probe_table, "cimPingProbeTable", CIMR_PING_PR_ENTRY, probe_columns, probe_ctx);
const struct mib_table *mib_ping_rr_table = &rr_table;
const struct mib_table *mib_ping_ts_table = &ts_table;
const struct mib_table *mib_ping_probe_table = &probe_table;

/* ---- the notification ------------------------------------------------------------ */

static const oid snmptrap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

/* cimPingCompletion's objects, in the order of its OBJECTS; absent values are left out. */
static const oid completion_objects[] = { COL_PING_ADDRESSTYPE, COL_PING_ADDRESS,
	COL_PING_ADDRESSNAME, COL_PING_STATUSCODE, COL_PING_RESPONSETIME, COL_PING_PROTOADDRTYPE,
	COL_PING_PROTOADDR, COL_PING_PROBESSENT, COL_PING_PROBESRECEIVED };

netsnmp_variable_list *
mib_ping_completion_vars(const struct ping_row *r)
{
	static const oid trap[] = { CIMR_PING_COMPLETION };
	netsnmp_variable_list *vl = NULL;
	oid name[MAX_OID_LEN];
	size_t base = ping_table.entry_len;
	struct mib_value v;

	memcpy(name, ping_table.entry, base * sizeof(oid));
	if (snmp_varlist_add_variable(&vl, snmptrap_oid, OID_LENGTH(snmptrap_oid), ASN_OBJECT_ID,
		trap, sizeof(trap)) == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(completion_objects) / sizeof(oid); i++) {
		const struct mib_column *c =
		    mib_column_find(ping_table.cols, ping_table.ncols, completion_objects[i]);
		size_t n = base + 1 + key_oid(&r->key, name + base + 1);

		name[base] = completion_objects[i];
		if (c->get(r, &v, NULL) < 0)
			continue;
		if (snmp_varlist_add_variable(&vl, name, n, v.type, &v.v, v.len) == NULL) {
			snmp_free_varbind(vl);
			return NULL;
		}
	}
	return vl;
}

static void
completed(const struct ping_row *r, void *arg)
{
	netsnmp_variable_list *vl;
	char name[4 * 2 * PING_KEY_MAX + 2];

	(void)arg;
	if (r->cfg.v[PF_TRAP] != PING_TRUE)
		return;
	if ((vl = mib_ping_completion_vars(r)) == NULL || mib_event_notify(vl) < 0) {
		mib_ping_key_text(&r->key, name, sizeof(name));
		log_warn("ping", "cimPingCompletion for %s could not be queued", name);
	}
}

/* ---- the log's name of a row, and the registration ------------------------------------ */

/* "owner/name" for the log: printable octets as they are, others as \xNN. */
void
mib_ping_key_text(const struct ping_key *k, char *buf, size_t len)
{
	size_t o = text_escape(k->owner, k->olen, buf, len);

	if (o + 1 < len)
		buf[o++] = '/';
	text_escape(k->name, k->nlen, buf + o, len - o);
}

static int
ping_bind(struct pingrows *s, struct txn *txn, int reg)
{
	pr = s;
	s->completed = completed;
	s->carg = NULL;
	if (txn != NULL && txn_bind(txn, &ping_table, &mib_ping_set_ops, s) < 0)
		return -1;
	return mib_ping_scalars_bind(s, reg);
}

int
mib_ping_bind(struct pingrows *s, struct txn *txn)
{
	return ping_bind(s, txn, 0);
}

int
mib_ping_register(struct pingrows *s, struct txn *txn)
{
	return ping_bind(s, txn, 1) < 0 || mib_table_register(&ping_table) < 0 ||
		mib_table_register(&rr_table) < 0 || mib_table_register(&ts_table) < 0 ||
		mib_table_register(&probe_table) < 0 ?
	    -1 :
	    0;
}
