/* Table-driven GET and GETNEXT: see mib.h. */
#include "config.h"

#include <string.h>

#include "lib/log.h"
#include "lib/vec.h"
#include "snmp/mib.h"

void
mib_set_int(struct mib_value *v, u_char type, long i)
{
	v->type = type;
	v->v.i = i;
	v->len = sizeof(v->v.i);
}

void
mib_set_uint(struct mib_value *v, u_char type, u_long u)
{
	v->type = type;
	v->v.u = u;
	v->len = sizeof(v->v.u);
}

void
mib_set_str(struct mib_value *v, const char *s, size_t maxlen)
{
	size_t n = strlen(s);

	mib_set_bytes(v, ASN_OCTET_STR, s, n < maxlen ? n : maxlen);
}

void
mib_set_bytes(struct mib_value *v, u_char type, const void *p, size_t len)
{
	if (len > sizeof(v->v.s))
		len = sizeof(v->v.s);
	v->type = type;
	memcpy(v->v.s, p, len);
	v->len = len;
}

/*
 * RFC 2579 DateAndTime in UTC, with its offset "+0:0", whatever the host's
 * time zone: the MIB documents UTC (WMI's TIME_CREATED is UTC too), and
 * net-snmp's date_n_time() would use local time.
 */
void
mib_set_date(struct mib_value *v, const struct timespec *ts)
{
	time_t t = ts->tv_sec;
	struct tm tm;
	u_char dt[11];

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	dt[0] = (u_char)((tm.tm_year + 1900) >> 8);
	dt[1] = (u_char)((tm.tm_year + 1900) & 0xff);
	dt[2] = (u_char)(tm.tm_mon + 1);
	dt[3] = (u_char)tm.tm_mday;
	dt[4] = (u_char)tm.tm_hour;
	dt[5] = (u_char)tm.tm_min;
	dt[6] = (u_char)tm.tm_sec;
	dt[7] = (u_char)(ts->tv_nsec / 100000000); /* deci-seconds */
	dt[8] = '+';
	dt[9] = 0;
	dt[10] = 0;
	mib_set_bytes(v, ASN_OCTET_STR, dt, sizeof(dt));
}

int
mib_get_active(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)ctx;
	mib_set_int(v, ASN_INTEGER, RS_ACTIVE);
	return 0;
}

int
mib_get_absent(const void *row, struct mib_value *v, void *ctx)
{
	(void)row;
	(void)v;
	(void)ctx;
	return -1;
}

VEC_CMP_FIELD(col_cmp, struct mib_column, col, oid)

const struct mib_column *
mib_column_find(const struct mib_column *cols, size_t n, oid col)
{
	return vec_find(cols, n, sizeof(*cols), &col, col_cmp);
}

/* The column col, or (atleast) the first one after it; NULL if none. */
static const struct mib_column *
column(const struct mib_table *t, oid col, int atleast)
{
	size_t i = vec_lower_bound(t->cols, t->ncols, sizeof(*t->cols), &col, col_cmp, 0);

	if (i == t->ncols || (!atleast && t->cols[i].col != col))
		return NULL;
	return &t->cols[i];
}

int
mib_table_get(const struct mib_table *t, const oid *name, size_t len, struct mib_value *v)
{
	const struct mib_column *c;
	const void *row;
	oid idx[MAX_OID_LEN];
	size_t n, ilen;

	if (len <= t->entry_len || memcmp(name, t->entry, t->entry_len * sizeof(oid)) != 0 ||
	    (c = column(t, name[t->entry_len], 0)) == NULL)
		return SNMP_NOSUCHOBJECT;
	ilen = len - t->entry_len - 1;
	row = t->seek(t->ctx, name + t->entry_len + 1, ilen, 0);
	if (row == NULL)
		return SNMP_NOSUCHINSTANCE;
	n = t->index(t->ctx, row, idx);
	if (n != ilen || memcmp(idx, name + t->entry_len + 1, n * sizeof(oid)) != 0)
		return SNMP_NOSUCHINSTANCE;
	if (c->get(row, v, t->ctx) < 0)
		return SNMP_NOSUCHINSTANCE;
	return 0;
}

static const void *
next_in(const struct mib_table *t, const void *row, oid col)
{
	return t->next_in != NULL ? t->next_in(t->ctx, row, col) : t->next(t->ctx, row);
}

/*
 * GETNEXT: the least OID in the table strictly greater than name (or equal,
 * when the master asks inclusively).  Found by a lower bound on the index,
 * never by "exact match, then next", so that a name between rows, shorter
 * than an index or with out-of-range sub-identifiers still lands right.
 * Returns 0, or SNMP_ENDOFMIBVIEW when nothing in the table follows name.
 *
 * One exception bounds the work of a request: after MIB_SKIP_MAX rows with
 * no value in the column, the answer comes from the next column, as if the
 * rest of the column were empty.  The answer still follows name, so a walk
 * ends, but it is not the closest successor that RFC 2741 7.2.3.2 asks for:
 * a walk of a column that lacks a value in more than MIB_SKIP_MAX rows in a
 * row misses the values after that gap.  Reading the whole gap in one
 * request could pass the master's timeout and get the subagent dropped
 * (issue 9 item 6), which loses every column.
 */
int
mib_table_getnext(const struct mib_table *t, const oid *name, size_t len, int strict, oid *out,
    size_t *outlen, struct mib_value *v)
{
	const struct mib_column *c;
	const void *row;
	size_t plen = len < t->entry_len ? len : t->entry_len;
	int cmp = snmp_oid_compare(name, plen, t->entry, t->entry_len);

	if (cmp > 0)
		return SNMP_ENDOFMIBVIEW;
	if (cmp < 0 || len == t->entry_len) {
		c = &t->cols[0];
		row = t->seek(t->ctx, NULL, 0, 0);
	} else {
		c = column(t, name[t->entry_len], 1);
		if (c == NULL)
			return SNMP_ENDOFMIBVIEW;
		if (c->col != name[t->entry_len])
			row = t->seek(t->ctx, NULL, 0, 0);
		else
			row = t->seek(t->ctx, name + t->entry_len + 1, len - t->entry_len - 1,
			    strict);
	}
	for (; c < t->cols + t->ncols; c++) {
		size_t skipped = 0;

		for (; row != NULL && skipped < MIB_SKIP_MAX; row = next_in(t, row, c->col)) {
			if (c->get(row, v, t->ctx) < 0) {
				skipped++;
				continue;
			}
			memcpy(out, t->entry, t->entry_len * sizeof(oid));
			out[t->entry_len] = c->col;
			*outlen = t->entry_len + 1 + t->index(t->ctx, row, out + t->entry_len + 1);
			return 0;
		}
		row = t->seek(t->ctx, NULL, 0, 0);
	}
	return SNMP_ENDOFMIBVIEW;
}

/*
 * net-snmp 5.9's AgentX parser sign-extends 32-bit sub-identifiers into the
 * 64-bit oid type, so 4294967295 arrives as 18446744073709551615.  A
 * sub-identifier is 32 bits on the wire (RFC 2741 5.1): truncate back.
 */
static void
oid_norm(netsnmp_variable_list *vb)
{
	for (size_t k = 0; k < vb->name_length; k++)
		vb->name[k] &= 0xffffffffUL;
}

static int
table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
    netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct mib_table *t = handler->myvoid;
	struct mib_value v;
	oid out[MAX_OID_LEN];
	size_t outlen;
	int rc;

	if (reqinfo->mode != MODE_GET && reqinfo->mode != MODE_GETNEXT && t->set != NULL) {
		for (netsnmp_request_info *req = requests; req != NULL; req = req->next)
			oid_norm(req->requestvb);
		t->set(t, reqinfo, requests);
		return SNMP_ERR_NOERROR;
	}
	for (netsnmp_request_info *req = requests; req != NULL; req = req->next) {
		netsnmp_variable_list *vb = req->requestvb;

		if (req->processed)
			continue;
		oid_norm(vb);
		switch (reqinfo->mode) {
		case MODE_GET:
			rc = mib_table_get(t, vb->name, vb->name_length, &v);
			if (rc != 0)
				netsnmp_set_request_error(reqinfo, req, rc);
			else
				snmp_set_var_typed_value(vb, v.type, &v.v, v.len);
			break;
		case MODE_GETNEXT:
			rc = mib_table_getnext(t, vb->name, vb->name_length, !req->inclusive, out,
			    &outlen, &v);
			/* Past the end: leave the varbind alone and the agent moves on. */
			if (rc == 0) {
				snmp_set_var_objid(vb, out, outlen);
				snmp_set_var_typed_value(vb, v.type, &v.v, v.len);
			}
			break;
		default: netsnmp_set_request_error(reqinfo, req, SNMP_ERR_NOTWRITABLE); break;
		}
	}
	return SNMP_ERR_NOERROR;
}

int
mib_table_register(struct mib_table *t)
{
	netsnmp_handler_registration *reg;
	netsnmp_mib_handler *h;

	h = netsnmp_create_handler(t->name, table_handler);
	if (h == NULL)
		return -1;
	h->myvoid = t;
	/* Register the table object (entry minus ".1"). */
	reg = netsnmp_handler_registration_create(t->name, h, t->entry, t->entry_len - 1,
	    t->set != NULL ? HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY);
	if (reg == NULL) {
		netsnmp_handler_free(h);
		return -1;
	}
	if (netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		log_err("agentx", "cannot register %s", t->name);
		return -1;
	}
	return 0;
}

struct scalar {
	struct mib_scalar_ops ops; /* only get for a read-only scalar */
	void *ctx;
	const char *name; /* its handler's */
	int applied;      /* ACTION ran: UNDO must put it back */
};

/*
 * RESERVE1: whether the SET's PDU names vb's object with another value too.
 * Two values for one object are inconsistentValue, as for a column (txn.c);
 * the same value twice is one write.
 */
static int
named_otherwise(const netsnmp_agent_request_info *reqinfo, const netsnmp_variable_list *vb)
{
	if (reqinfo->asp == NULL || reqinfo->asp->pdu == NULL)
		return 0;
	for (const netsnmp_variable_list *a = reqinfo->asp->pdu->variables; a != NULL;
	     a = a->next_variable)
		if (a != vb &&
		    snmp_oid_compare(a->name, a->name_length, vb->name, vb->name_length) == 0 &&
		    (a->type != vb->type || a->val_len != vb->val_len ||
			(vb->val_len > 0 &&
			    memcmp(a->val.string, vb->val.string, vb->val_len) != 0)))
			return 1;
	return 0;
}

static void
scalar_set(struct scalar *s, netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req)
{
	int rc = SNMP_ERR_NOERROR;

	switch (reqinfo->mode) {
	case MODE_SET_RESERVE1:
		s->applied = 0;
		rc = s->ops.check(req->requestvb, s->ctx);
		if (rc == SNMP_ERR_NOERROR && named_otherwise(reqinfo, req->requestvb)) {
			log_notice("set",
			    "refused (inconsistentValue): %s.0: two different values for one object",
			    s->name);
			rc = SNMP_ERR_INCONSISTENTVALUE;
		}
		break;
	case MODE_SET_ACTION:
		/* a SET may name the scalar twice: UNDO if any of its ACTIONs did something */
		rc = s->ops.apply(req->requestvb, s->ctx);
		s->applied |= rc == SNMP_ERR_NOERROR;
		break;
	case MODE_SET_UNDO:
		if (s->applied)
			rc = s->ops.undo(s->ctx);
		s->applied = 0;
		break;
	case MODE_SET_COMMIT:
		if (s->applied && s->ops.commit != NULL)
			s->ops.commit(s->ctx);
		s->applied = 0;
		break;
	default: /* RESERVE2, FREE: nothing held */
		if (reqinfo->mode != MODE_SET_RESERVE2)
			s->applied = 0;
		break;
	}
	if (s->ops.end != NULL &&
	    (reqinfo->mode == MODE_SET_COMMIT || reqinfo->mode == MODE_SET_UNDO ||
		reqinfo->mode == MODE_SET_FREE))
		s->ops.end(s->ctx);
	if (rc != SNMP_ERR_NOERROR)
		netsnmp_set_request_error(reqinfo, req, rc);
}

static int
scalar_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
    netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct scalar *s = handler->myvoid;
	struct mib_value v;

	for (netsnmp_request_info *req = requests; req != NULL; req = req->next) {
		if (req->processed)
			continue;
		if (reqinfo->mode != MODE_GET) {
			if (s->ops.apply != NULL)
				scalar_set(s, reqinfo, req);
			continue;
		}
		if (s->ops.get(NULL, &v, s->ctx) < 0)
			netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
		else
			snmp_set_var_typed_value(req->requestvb, v.type, &v.v, v.len);
	}
	return SNMP_ERR_NOERROR;
}

static int
scalar_register(const char *name, const oid *o, size_t len, const struct mib_scalar_ops *ops,
    void *ctx)
{
	struct scalar *s = calloc(1, sizeof(*s));
	netsnmp_mib_handler *h;
	netsnmp_handler_registration *reg;
	int rw = ops->apply != NULL;

	if (s == NULL)
		return -1;
	s->ops = *ops;
	s->ctx = ctx;
	if ((h = netsnmp_create_handler(name, scalar_handler)) == NULL) {
		free(s);
		return -1;
	}
	h->myvoid = s;
	h->data_free = free;
	s->name = h->handler_name;
	reg = netsnmp_handler_registration_create(name, h, o, len,
	    rw ? HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY);
	if (reg == NULL) {
		netsnmp_handler_free(h);
		return -1;
	}
	if (rw)
		return netsnmp_register_scalar(reg) == MIB_REGISTERED_OK ? 0 : -1;
	return netsnmp_register_read_only_scalar(reg) == MIB_REGISTERED_OK ? 0 : -1;
}

int
mib_scalar_register(const char *name, const oid *o, size_t len, mib_get_fn get, void *ctx)
{
	struct mib_scalar_ops ops = { .get = get };

	return scalar_register(name, o, len, &ops, ctx);
}

int
mib_scalar_register_rw(const char *name, const oid *o, size_t len, const struct mib_scalar_ops *ops,
    void *ctx)
{
	return scalar_register(name, o, len, ops, ctx);
}
