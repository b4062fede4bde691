/*
 * ping: Win32_PingStatus queries (ping.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cimq/ping.h"

#define PING_OWNER         "cimq"
#define POLL_MS            100
#define MARGIN_MS          2000
#define RESOLVE_MS         10000
#define DEFAULT_TIMEOUT_MS 1000

enum { ROW_CREATE_AND_GO = 4, ROW_DESTROY = 6, OPER_COMPLETED = 3 };

/* WMI's keys other than Address, set as their columns. */
static const char *const ping_keys[] = { "BufferSize", "NoFragmentation", "RecordRoute",
	"ResolveAddressNames", "SourceRoute", "SourceRouteType", "Timeout", "TimeStampRoute",
	"TimeToLive", "TypeofService" };

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

int
ping_is(const struct cmap_class *c)
{
	return strcasecmp(c->name, "Win32_PingStatus") == 0;
}

/* The equality on property name at the top-level AND of e, or NULL. */
static const struct wql_expr *
find_eq(const struct wql_expr *e, const char *name)
{
	const struct wql_expr *l;

	if (e == NULL)
		return NULL;
	if (e->kind == WQL_E_AND)
		return (l = find_eq(e->l, name)) ? l : find_eq(e->r, name);
	if (e->kind == WQL_E_CMP && e->op == WQL_EQ && strcasecmp(e->prop, name) == 0)
		return e;
	return NULL;
}

int
ping_has_address(const struct plan *p)
{
	const struct wql_expr *e = find_eq(p->filter, "Address");

	return e != NULL && e->lit.kind == WQL_L_STR;
}

/* The ping row: its index (owner, name) and the query's Address. */
struct ping {
	netsnmp_session *ss;
	oid ix[2 + sizeof(PING_OWNER) + 32];
	size_t ixlen;
	char *address;
	struct exec_err *err;
};

static void
index_string(struct ping *pg, const char *s)
{
	size_t n = strlen(s);

	pg->ix[pg->ixlen++] = n;
	for (size_t k = 0; k < n; k++)
		pg->ix[pg->ixlen++] = (u_char)s[k];
}

/* Adds column `column` of the row to pdu.  0, or -1. */
static int
add_col(struct ping *pg, netsnmp_pdu *pdu, const char *column, u_char type, const void *val,
    size_t len)
{
	char name[80];
	oid o[MAX_OID_LEN];
	size_t olen = MAX_OID_LEN;

	snprintf(name, sizeof(name), "CIM-ROUTE-MIB::%s", column);
	if (read_objid(name, o, &olen) == 0 || olen + pg->ixlen > MAX_OID_LEN) {
		*pg->err = (struct exec_err){ .status = CIMQ_LOCAL, .msg = "" };
		snprintf(pg->err->msg, sizeof(pg->err->msg), "%s not in CIM-ROUTE-MIB", column);
		return -1;
	}
	memcpy(o + olen, pg->ix, pg->ixlen * sizeof(oid));
	olen += pg->ixlen;
	if (val == NULL)
		return snmp_add_null_var(pdu, o, olen) ? 0 : -1;
	return snmp_pdu_add_variable(pdu, o, olen, type, val, len) ? 0 : -1;
}

/* Sends pdu; the response in *resp (free it) when asked.  0, or -1 and err
   (a refused SET: 5 for noAccess/authorizationError, else 7). */
static int
request(struct ping *pg, netsnmp_pdu *pdu, netsnmp_pdu **resp)
{
	netsnmp_pdu *r = exec_request(pg->ss, pdu, pg->err);
	long e;

	if (r == NULL)
		return -1;
	e = r->errstat;
	if (e != SNMP_ERR_NOERROR) {
		int auth = e == SNMP_ERR_NOACCESS || e == SNMP_ERR_AUTHORIZATIONERROR;

		pg->err->status = auth ? CIMQ_AUTH : CIMQ_REFUSED;
		pg->err->errstat = e;
		snprintf(pg->err->msg, sizeof(pg->err->msg), "cimPingTable row refused: %s",
		    snmp_errstring(e));
		snmp_free_pdu(r);
		return -1;
	}
	if (resp != NULL)
		*resp = r;
	else
		snmp_free_pdu(r);
	return 0;
}

/* A key's literal as its column's SNMP value.  0, or -1 (not a key). */
static int
add_key(struct ping *pg, const struct cmap_class *c, netsnmp_pdu *pdu, const struct wql_expr *e)
{
	const struct cmap_prop *p = cmap_prop(c, e->prop);
	struct cq_value v = { 0 };
	long n;
	u_long u;
	int rc;

	if (p == NULL || p->mib_name == NULL || eval_lit_value(p, &e->lit, &v) != 0)
		return -1;
	n = v.kind == CQ_V_BOOL ? (v.b ? 1 : 2) : v.kind == CQ_V_SINT ? (long)v.i : (long)v.u;
	u = (u_long)n;
	if (v.kind == CQ_V_STR)
		rc = add_col(pg, pdu, p->mib_name, ASN_OCTET_STR, v.s, strlen(v.s));
	else if (strcmp(p->syntax, "Unsigned32") == 0)
		rc = add_col(pg, pdu, p->mib_name, ASN_UNSIGNED, &u, sizeof(u));
	else
		rc = add_col(pg, pdu, p->mib_name, ASN_INTEGER, &n, sizeof(n));
	cq_value_clear(&v);
	return rc;
}

/* The Address as cimPingAddressType/cimPingAddress, or cimPingAddressName. */
static int
add_address(struct ping *pg, netsnmp_pdu *pdu)
{
	unsigned char a[16];
	long type = 0;

	if (inet_pton(AF_INET, pg->address, a) == 1)
		type = 1;
	else if (inet_pton(AF_INET6, pg->address, a) == 1)
		type = 2;
	if (type == 0)
		return add_col(pg, pdu, "cimPingAddressName", ASN_OCTET_STR, pg->address,
		    strlen(pg->address));
	if (add_col(pg, pdu, "cimPingAddressType", ASN_INTEGER, &type, sizeof(type)) != 0)
		return -1;
	return add_col(pg, pdu, "cimPingAddress", ASN_OCTET_STR, a, type == 1 ? 4 : 16);
}

/* createAndGo with the Address and the keys of the WHERE, in one SET. */
static int
create_row(struct ping *pg, const struct plan *p)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);
	long go = ROW_CREATE_AND_GO;
	int rc = add_col(pg, pdu, "cimPingRowStatus", ASN_INTEGER, &go, sizeof(go));

	if (rc == 0)
		rc = add_address(pg, pdu);
	for (size_t k = 0; rc == 0 && k < sizeof(ping_keys) / sizeof(*ping_keys); k++) {
		const struct wql_expr *e = find_eq(p->filter, ping_keys[k]);

		if (e != NULL && add_key(pg, p->cls, pdu, e) != 0) {
			*pg->err = (struct exec_err){ .status = CIMQ_MISMATCH, .msg = "" };
			snprintf(pg->err->msg, sizeof(pg->err->msg), "bad value for %s",
			    ping_keys[k]);
			rc = -1;
		}
	}
	if (rc != 0) {
		snmp_free_pdu(pdu);
		return -1;
	}
	return request(pg, pdu, NULL);
}

static void
destroy_row(struct ping *pg)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);
	long d = ROW_DESTROY;
	struct exec_err ignored;
	struct exec_err *keep = pg->err;

	pg->err = &ignored;
	if (add_col(pg, pdu, "cimPingRowStatus", ASN_INTEGER, &d, sizeof(d)) == 0)
		request(pg, pdu, NULL);
	else
		snmp_free_pdu(pdu);
	pg->err = keep;
}

/* cimPingOperStatus: 1 completed, 0 not yet, -1 and err. */
static int
completed(struct ping *pg)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
	netsnmp_pdu *r = NULL;
	int done;

	if (add_col(pg, pdu, "cimPingOperStatus", 0, NULL, 0) != 0) {
		snmp_free_pdu(pdu);
		return -1;
	}
	if (request(pg, pdu, &r) != 0)
		return -1;
	done = r->variables && r->variables->type == ASN_INTEGER &&
	    *r->variables->val.integer == OPER_COMPLETED;
	snmp_free_pdu(r);
	return done;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* How long the wait may take: Timeout + a margin (+ a name's resolution). */
static long
wait_limit(const struct ping *pg, const struct plan *p)
{
	const struct wql_expr *e = find_eq(p->filter, "Timeout");
	long t = DEFAULT_TIMEOUT_MS;
	unsigned char a[16];

	if (e != NULL && e->lit.kind == WQL_L_INT && !e->lit.neg && e->lit.mag <= 600000)
		t = (long)e->lit.mag;
	if (inet_pton(AF_INET, pg->address, a) != 1 && inet_pton(AF_INET6, pg->address, a) != 1)
		t += RESOLVE_MS;
	return t + MARGIN_MS;
}

/* Polls until completed, a signal or the limit.  0, or -1 and err. */
static int
wait_done(struct ping *pg, const struct plan *p)
{
	long end = now_ms() + wait_limit(pg, p);
	struct timespec tick = { 0, POLL_MS * 1000000L };
	int st;

	while ((st = completed(pg)) == 0 && !interrupted && now_ms() < end)
		nanosleep(&tick, NULL);
	if (st < 0)
		return -1;
	if (interrupted) {
		*pg->err = (struct exec_err){ .status = CIMQ_INTERRUPTED,
			.msg = "interrupted: ping row destroyed" };
		return -1;
	}
	if (st == 0) {
		*pg->err = (struct exec_err){ .status = CIMQ_TIMEOUT,
			.msg = "the ping did not complete in time" };
		return -1;
	}
	return 0;
}

struct ping_out {
	const struct plan *p;
	struct out *o;
	char *address;
};

/* The row printed, its Address as the query gave it (as WMI does). */
static int
print_row(void *ctx, const oid *index, size_t len, const struct cq_value *row)
{
	struct ping_out *po = ctx;
	const struct cmap_class *c = po->p->cls;
	const struct cmap_prop *a = cmap_prop(c, "Address");
	struct cq_value *copy = malloc((c->nprops + 1) * sizeof(*copy));
	int rc;

	(void)index, (void)len;
	if (copy == NULL)
		return -1;
	memcpy(copy, row, c->nprops * sizeof(*copy));
	if (a != NULL)
		copy[cmap_prop_index(c, a)] =
		    (struct cq_value){ .kind = CQ_V_STR, .s = po->address };
	rc = exec_print_row(po->p, po->o, copy);
	free(copy);
	return rc;
}

/* The row read as a GET of its index (the WHERE is the ping's, not a filter). */
static int
read_row(struct ping *pg, const struct cmap *m, struct plan *p, struct out *o)
{
	struct ping_out po = { p, o, pg->address };

	free(p->keys);
	p->keys = calloc(1, sizeof(*p->keys));
	if (p->keys == NULL) {
		*pg->err = (struct exec_err){ .status = CIMQ_LOCAL, .msg = "out of memory" };
		return -1;
	}
	memcpy(p->keys[0].sub, pg->ix, pg->ixlen * sizeof(oid));
	p->keys[0].len = pg->ixlen;
	p->nkeys = 1;
	p->access = PLAN_GET;
	p->filter = NULL;
	return exec_rows(pg->ss, m, p, print_row, &po, pg->err);
}

int
ping_select(netsnmp_session *ss, const struct cmap *m, struct plan *p, struct out *o,
    struct exec_err *err)
{
	static unsigned seq;
	struct ping pg = { .ss = ss, .err = err };
	struct sigaction sa = { .sa_handler = on_signal }, oldint, oldterm;
	char name[33];
	int rc;

	pg.address = find_eq(p->filter, "Address")->lit.s;
	snprintf(name, sizeof(name), "cimq-%ld-%u", (long)getpid(), ++seq);
	index_string(&pg, PING_OWNER);
	index_string(&pg, name);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &oldint);
	sigaction(SIGTERM, &sa, &oldterm);
	rc = create_row(&pg, p);
	if (rc == 0) {
		rc = wait_done(&pg, p);
		if (rc == 0)
			rc = read_row(&pg, m, p, o);
		destroy_row(&pg);
	} else if (err->status == CIMQ_TIMEOUT) {
		destroy_row(&pg); /* an agent that answers late applies the create, then this */
	}
	sigaction(SIGINT, &oldint, NULL);
	sigaction(SIGTERM, &oldterm, NULL);
	return rc;
}
