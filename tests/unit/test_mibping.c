/*
 * Unit tests: cimPing over SNMP (snmp/mib_ping.c, snmp/mib_pingset.c) and
 * its rows (icmp/pingrows.c), with a fake engine and resolver given through
 * struct ping_ops: every refusal and its status, the limits and their
 * counters, all or nothing across rows and tables, RowStatus and
 * AdminStatus, names and reverse names, the notification, walks of the
 * four tables, the summary's arithmetic, ageing and the state file.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "event/notify.h"
#include "snmp/conf.h"
#include "icmp/pingrows.h"
#include "lib/statefile.h"
#include "snmp/mib_ping.h"
#include "snmp/txn.h"

#include "failtable.h"
#include "logcap.h"

/* ---- the fake engine and resolver -------------------------------------------------- */

struct ping_run {
	struct ping_params p;
	const struct ping_hooks *h;
	void *owner;
	int cancelled;
};

struct resolve_req {
	char name[256];
	struct ping_target t;
	resolve_name_fn nfn;
	resolve_addr_fn afn;
	void *arg;
	int cancelled;
};

static struct ping_run *runs[64];
static size_t nruns;
static struct resolve_req *reqs[64];
static size_t nreqs;
static int may_start = 1;
static uint32_t rate_set;
static struct timespec fake_now;

static struct ping_run *
fake_run_start(struct ping_engine *e, const struct ping_params *p, const struct ping_hooks *h,
    void *owner)
{
	struct ping_run *r = calloc(1, sizeof(*r));

	(void)e;
	assert_true(nruns < 64);
	r->p = *p;
	r->h = h;
	r->owner = owner;
	runs[nruns++] = r;
	return r;
}

static void
fake_run_cancel(struct ping_run *r)
{
	r->cancelled = 1;
}

static int
fake_may_start(const struct ping_engine *e)
{
	(void)e;
	return may_start;
}

static void
fake_set_rate(struct ping_engine *e, uint32_t r)
{
	(void)e;
	rate_set = r;
}

static struct resolve_req *
new_req(resolve_name_fn nfn, resolve_addr_fn afn, void *arg)
{
	struct resolve_req *q = calloc(1, sizeof(*q));

	assert_true(nreqs < 64);
	q->nfn = nfn;
	q->afn = afn;
	q->arg = arg;
	reqs[nreqs++] = q;
	return q;
}

static struct resolve_req *
fake_name(struct resolve_pool *p, const char *name, resolve_name_fn fn, void *arg)
{
	struct resolve_req *q = new_req(fn, NULL, arg);

	(void)p;
	snprintf(q->name, sizeof(q->name), "%s", name);
	return q;
}

static struct resolve_req *
fake_addr(struct resolve_pool *p, const struct ping_target *t, resolve_addr_fn fn, void *arg)
{
	struct resolve_req *q = new_req(NULL, fn, arg);

	(void)p;
	q->t = *t;
	return q;
}

static void
fake_cancel(struct resolve_req *q)
{
	q->cancelled = 1;
}

/* The host's broadcast addresses: 10.14.1.255 only, asked of the hosts the set was given. */
static int fake_hosts;

static int
fake_broadcast(const void *hosts, const struct ping_target *t)
{
	assert_ptr_equal(hosts, &fake_hosts);
	return t->family == AF_INET && t->a.v4.s_addr == htonl(0x0a0e01ff);
}

static const struct ping_ops fake_ops = { fake_run_start, fake_run_cancel, fake_may_start,
	fake_set_rate, fake_name, fake_addr, fake_cancel, fake_broadcast };

static void
fake_clock(struct timespec *ts)
{
	*ts = fake_now;
}

/* The engine pointer is never dereferenced by the fakes. */
static struct ping_engine *const FAKE_ENGINE = (struct ping_engine *)&fake_now;

/* ---- the fixture --------------------------------------------------------------------- */

static struct pingrows set;
static struct txn *txn;
static struct notify notifier;
static netsnmp_variable_list *traps[16];
static size_t ntraps;
static char dir[64];

static int
capture(const struct notify_msg *m, void *arg)
{
	(void)arg;
	assert_int_equal(m->type, NOTIFY_MSG_OTHER);
	assert_true(ntraps < 16);
	traps[ntraps++] = snmp_clone_varbind(m->u.other.data);
	notify_ack(&notifier, m->id, 1);
	return 0;
}

static void
clear_fakes(void)
{
	for (size_t i = 0; i < nruns; i++)
		free(runs[i]);
	for (size_t i = 0; i < nreqs; i++)
		free(reqs[i]);
	for (size_t i = 0; i < ntraps; i++)
		snmp_free_varbind(traps[i]);
	nruns = nreqs = ntraps = 0;
	may_start = 1;
	rate_set = 0;
}

static int
setup(void **state)
{
	(void)state;
	pingrows_init(&set, &fake_ops, FAKE_ENGINE, NULL);
	set.clock = fake_clock;
	set.hosts = &fake_hosts;
	fake_now = (struct timespec){ 1000, 0 };
	assert_non_null(txn = txn_new());
	assert_int_equal(mib_ping_bind(&set, txn), 0);
	assert_int_equal(txn_bind(txn, &fail_t, &fail_ops, NULL), 0);
	notify_init(&notifier);
	notify_set_callbacks(&notifier, capture, NULL, NULL);
	notifier.connected = 1;
	mib_event_bind(&notifier);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pingrows_free(&set);
	txn_free(txn);
	notify_free(&notifier);
	mib_event_bind(NULL);
	clear_fakes();
	if (dir[0] != '\0') {
		char p[128];

		snprintf(p, sizeof(p), "%s/" PING_FILE, dir);
		unlink(p);
		rmdir(dir);
		dir[0] = '\0';
	}
	return 0;
}

/* ---- a SET ------------------------------------------------------------------------------ */

enum { PING, FAIL };

struct pvb {
	int tbl;
	oid col;
	const char *owner, *name;
	u_char type;
	long v;
	const char *s;
	size_t slen; /* 0: strlen(s) */
	int raw;     /* the index is idx[] below, not owner and name */
	oid idx[8];
	size_t ilen;
};

#define O "mgr"
#define I(own, nm, c, val)                                                                  \
	{                                                                                   \
		.tbl = PING, .col = (c), .owner = (own), .name = (nm), .type = ASN_INTEGER, \
		.v = (val)                                                                  \
	}
#define U(own, nm, c, val)                                                                   \
	{                                                                                    \
		.tbl = PING, .col = (c), .owner = (own), .name = (nm), .type = ASN_UNSIGNED, \
		.v = (val)                                                                   \
	}
#define S(own, nm, c, str, n)                                                                 \
	{                                                                                     \
		.tbl = PING, .col = (c), .owner = (own), .name = (nm), .type = ASN_OCTET_STR, \
		.s = (str), .slen = (n)                                                       \
	}
#define RS(own, nm, val) I(own, nm, COL_PING_ROWSTATUS, val)
#define ADDR4(own, nm)                                  \
	I(own, nm, COL_PING_ADDRESSTYPE, PING_AT_IPV4), \
	    S(own, nm, COL_PING_ADDRESS, "\x7f\x00\x00\x01", 4)
#define FAILING                                                    \
	{                                                          \
		.tbl = FAIL, .col = 2, .type = ASN_INTEGER, .v = 1 \
	}

static int
phase(int mode, netsnmp_request_info **rq, size_t n)
{
	netsnmp_agent_request_info ri;
	int status = 0;

	memset(&ri, 0, sizeof(ri));
	ri.mode = mode;
	for (int t = PING; t <= FAIL; t++) {
		const struct mib_table *tb = t == PING ? mib_ping_table : &fail_t;
		netsnmp_request_info *head = NULL, **tail = &head;

		for (size_t i = 0; i < n; i++) {
			if (rq[i]->index != t)
				continue;
			rq[i]->next = NULL;
			*tail = rq[i];
			tail = &rq[i]->next;
		}
		if (head != NULL)
			tb->set(tb, &ri, head);
	}
	for (size_t i = 0; i < n && status == 0; i++)
		status = rq[i]->status;
	return status;
}

static size_t
name_of(const struct pvb *v, oid *name)
{
	const struct mib_table *tb = v->tbl == PING ? mib_ping_table : &fail_t;
	size_t len = tb->entry_len;

	memcpy(name, tb->entry, len * sizeof(oid));
	name[len++] = v->col;
	if (v->tbl == FAIL) {
		name[len++] = 1;
		return len;
	}
	if (v->raw) {
		memcpy(name + len, v->idx, v->ilen * sizeof(oid));
		return len + v->ilen;
	}
	for (int part = 0; part < 2; part++) {
		const char *s = part == 0 ? v->owner : v->name;

		name[len++] = strlen(s);
		for (size_t k = 0; s[k] != '\0'; k++)
			name[len++] = (u_char)s[k];
	}
	return len;
}

/* A SET as net-snmp runs it; the first error status, or 0. */
static int
set_n(const struct pvb *v, size_t n)
{
	netsnmp_request_info *rq[16];
	int status;

	for (size_t i = 0; i < n; i++) {
		oid name[MAX_OID_LEN];
		size_t len = name_of(&v[i], name);

		assert_non_null(rq[i] = calloc(1, sizeof(**rq)));
		assert_non_null(rq[i]->requestvb = calloc(1, sizeof(netsnmp_variable_list)));
		rq[i]->index = v[i].tbl;
		snmp_set_var_objid(rq[i]->requestvb, name, len);
		if (v[i].type == ASN_OCTET_STR)
			snmp_set_var_typed_value(rq[i]->requestvb, ASN_OCTET_STR, v[i].s,
			    v[i].slen ? v[i].slen : strlen(v[i].s));
		else
			snmp_set_var_typed_value(rq[i]->requestvb, v[i].type, &v[i].v,
			    sizeof(long));
	}
	if ((status = phase(MODE_SET_RESERVE1, rq, n)) != 0 ||
	    (status = phase(MODE_SET_RESERVE2, rq, n)) != 0)
		phase(MODE_SET_FREE, rq, n);
	else if ((status = phase(MODE_SET_ACTION, rq, n)) != 0) {
		phase(MODE_SET_UNDO, rq, n);
		phase(MODE_SET_FREE, rq, n); /* AgentX's CleanupSet follows UndoSet */
	} else
		phase(MODE_SET_COMMIT, rq, n);
	for (size_t i = 0; i < n; i++) {
		snmp_free_var(rq[i]->requestvb);
		free(rq[i]);
	}
	return status;
}

#define SET(...)                                   \
	set_n((const struct pvb[]){ __VA_ARGS__ }, \
	    sizeof((const struct pvb[]){ __VA_ARGS__ }) / sizeof(struct pvb))

static struct ping_key
key(const char *owner, const char *name)
{
	struct ping_key k;

	memset(&k, 0, sizeof(k));
	k.olen = (uint8_t)strlen(owner);
	memcpy(k.owner, owner, k.olen);
	k.nlen = (uint8_t)strlen(name);
	memcpy(k.name, name, k.nlen);
	return k;
}

static struct ping_row *
row(const char *owner, const char *name)
{
	struct ping_key k = key(owner, name);

	return pingrows_find(&set, &k);
}

/* GET of a cimPingTable column of row owner/name: 0 and v, or the exception. */
static int
get(const char *owner, const char *name, oid col, struct mib_value *v)
{
	struct pvb b = { .tbl = PING, .col = col, .owner = owner, .name = name };
	oid o[MAX_OID_LEN];
	size_t len = name_of(&b, o);

	return mib_table_get(mib_ping_table, o, len, v);
}

static long
get_int(const char *owner, const char *name, oid col)
{
	struct mib_value v;

	assert_int_equal(get(owner, name, col, &v), 0);
	return v.type == ASN_INTEGER ? v.v.i : (long)v.v.u;
}

static void
assert_absent(const char *owner, const char *name, oid col)
{
	struct mib_value v;

	assert_int_equal(get(owner, name, col, &v), SNMP_NOSUCHINSTANCE);
}

/* The engine reports probe index of run k. */
static void
probe(size_t k, uint32_t index, int status, uint32_t rtt_us)
{
	struct ping_probe p;

	memset(&p, 0, sizeof(p));
	p.index = index;
	p.status = status;
	p.when = (struct timespec){ 1700000000, 0 };
	if (status == PING_SUCCESS) {
		p.time_source = PING_TIME_SOCKET;
		p.rtt_us = rtt_us;
		p.is_reply = 1;
		p.reply_size = 32;
		p.has_ttl = 1;
		p.ttl = 64;
	}
	p.from.family = status == PING_REQ_TIMED_OUT ? AF_UNSPEC : AF_INET;
	p.from.a.v4.s_addr = htonl(0x7f000001);
	runs[k]->h->probe(runs[k]->owner, &p);
}

static void
done(size_t k)
{
	runs[k]->h->done(runs[k]->owner);
}

/* ---- tests --------------------------------------------------------------------------------- */

/* createAndGo to 127.0.0.1: the run's parameters, the result, the notification. */
static void
test_create_and_go(void **state)
{
	(void)state;
	assert_int_equal(SET(ADDR4(O, "a"), I(O, "a", COL_PING_TRAPONCOMPLETION, PING_TRUE),
			     U(O, "a", COL_PING_TIMETOLIVE, 7), RS(O, "a", RS_CREATEANDGO)),
	    0);
	assert_int_equal(set.n, 1);
	assert_int_equal(nruns, 1);
	assert_int_equal(runs[0]->p.dst.family, AF_INET);
	assert_int_equal(ntohl(runs[0]->p.dst.a.v4.s_addr), 0x7f000001);
	assert_int_equal(runs[0]->p.ttl, 7);
	assert_int_equal(runs[0]->p.bufsize, 32);
	assert_int_equal(runs[0]->p.timeout_ms, 1000);
	assert_int_equal(runs[0]->p.count, 1);
	assert_int_equal(get_int(O, "a", COL_PING_OPERSTATUS), PING_OPER_INPROGRESS);
	assert_int_equal(get_int(O, "a", COL_PING_ROWSTATUS), RS_ACTIVE);
	assert_absent(O, "a", COL_PING_STATUSCODE);
	assert_absent(O, "a", COL_PING_COMPLETIONTIME);
	probe(0, 1, PING_SUCCESS, 1500);
	done(0);
	assert_int_equal(get_int(O, "a", COL_PING_OPERSTATUS), PING_OPER_COMPLETED);
	assert_int_equal(get_int(O, "a", COL_PING_ADMINSTATUS), PING_ADMIN_DISABLED);
	assert_int_equal(get_int(O, "a", COL_PING_STATUSCODE), 0);
	assert_int_equal(get_int(O, "a", COL_PING_RESPONSETIME), 1);
	assert_int_equal(get_int(O, "a", COL_PING_RESPONSETIMEUSEC), 1500);
	assert_int_equal(get_int(O, "a", COL_PING_RESPONSETTL), 64);
	assert_int_equal(get_int(O, "a", COL_PING_PROBESSENT), 1);
	assert_int_equal(get_int(O, "a", COL_PING_PROBESRECEIVED), 1);
	assert_int_equal(get_int(O, "a", COL_PING_TIMESOURCE), PING_TIME_SOCKET);
	assert_int_equal(get_int(O, "a", COL_PING_RESOLUTIONSTATUS), 0);
	/* cimPingCompletion: snmpTrapOID.0, then its 9 objects with the row's index */
	assert_int_equal(ntraps, 1);
	{
		const oid trap[] = { CIMR_PING_COMPLETION };
		netsnmp_variable_list *vb = traps[0];
		size_t n = 0;

		assert_memory_equal(vb->val.objid, trap, sizeof(trap));
		for (vb = vb->next_variable; vb != NULL; vb = vb->next_variable, n++) {
			oid o[MAX_OID_LEN];
			struct pvb b = { .tbl = PING, .owner = O, .name = "a" };

			b.col = vb->name[mib_ping_table->entry_len];
			assert_int_equal(vb->name_length, name_of(&b, o));
			assert_memory_equal(vb->name, o, vb->name_length * sizeof(oid));
		}
		assert_int_equal(n, 9);
	}
}

struct refusal {
	const char *why;
	struct pvb v[6];
	size_t n;
	int status;
};

#define R(w, st, ...)                                                                  \
	{                                                                              \
		.why = (w), .v = { __VA_ARGS__ },                                      \
		.n = sizeof((const struct pvb[]){ __VA_ARGS__ }) / sizeof(struct pvb), \
		.status = (st)                                                         \
	}
#define GO(...) ADDR4(O, "r"), __VA_ARGS__, RS(O, "r", RS_CREATEANDGO)

/* Every refusal of a creation, and nothing is left of it. */
/* An index no row can have, as parse_index() logs it (one line). */
#define INDEX_WHY "not an owner and a test name of 0..32 octets each, with their lengths\n"

static void
test_refusals(void **state)
{
	static const struct refusal cases[] = {
		R("bufsize 65501", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_BUFFERSIZE, 65501))),
		R("ttl 0", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_TIMETOLIVE, 0))),
		R("ttl 256", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_TIMETOLIVE, 256))),
		R("tos 256", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_TYPEOFSERVICE, 256))),
		R("timeout 0", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_TIMEOUT, 0))),
		R("timeout 600001", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_TIMEOUT, 600001))),
		R("rr 10", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_RECORDROUTE, 10))),
		R("ts 5", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_TIMESTAMPROUTE, 5))),
		R("srtype 3", SNMP_ERR_WRONGVALUE, GO(I(O, "r", COL_PING_SOURCEROUTETYPE, 3))),
		R("df 3", SNMP_ERR_WRONGVALUE, GO(I(O, "r", COL_PING_NOFRAGMENTATION, 3))),
		R("resolve 0", SNMP_ERR_WRONGVALUE, GO(I(O, "r", COL_PING_RESOLVEADDRESSNAMES, 0))),
		R("admin 3", SNMP_ERR_WRONGVALUE, GO(I(O, "r", COL_PING_ADMINSTATUS, 3))),
		R("trap 3", SNMP_ERR_WRONGVALUE, GO(I(O, "r", COL_PING_TRAPONCOMPLETION, 3))),
		R("storage permanent", SNMP_ERR_WRONGVALUE, GO(I(O, "r", COL_PING_STORAGETYPE, 4))),
		R("storage other", SNMP_ERR_WRONGVALUE, GO(I(O, "r", COL_PING_STORAGETYPE, 1))),
		R("count 0", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_PROBECOUNT, 0))),
		R("count 1001", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_PROBECOUNT, 1001))),
		R("interval 9", SNMP_ERR_WRONGVALUE, GO(U(O, "r", COL_PING_PROBEINTERVAL, 9))),
		R("interval 60001", SNMP_ERR_WRONGVALUE,
		    GO(U(O, "r", COL_PING_PROBEINTERVAL, 60001))),
		R("ifindex 2^31", SNMP_ERR_WRONGVALUE,
		    GO(U(O, "r", COL_PING_IFINDEX, 2147483648L))),
		R("srctype ipv4z", SNMP_ERR_WRONGVALUE, GO(I(O, "r", COL_PING_SOURCEADDRTYPE, 3))),
		R("addrtype dns", SNMP_ERR_WRONGVALUE, I(O, "r", COL_PING_ADDRESSTYPE, 16),
		    RS(O, "r", RS_CREATEANDGO)),
		R("notReady written", SNMP_ERR_WRONGVALUE, RS(O, "r", RS_NOTREADY)),
		R("RowStatus 7", SNMP_ERR_WRONGVALUE, RS(O, "r", 7)),
		R("bufsize as INTEGER", SNMP_ERR_WRONGTYPE, GO(I(O, "r", COL_PING_BUFFERSIZE, 64))),
		R("address of 5 octets", SNMP_ERR_WRONGLENGTH,
		    S(O, "r", COL_PING_ADDRESS, "\1\2\3\4\5", 5), RS(O, "r", RS_CREATEANDGO)),
		R("address of 21 octets", SNMP_ERR_WRONGLENGTH,
		    S(O, "r", COL_PING_ADDRESS, "012345678901234567890", 21),
		    RS(O, "r", RS_CREATEANDGO)),
		R("source of 5 octets", SNMP_ERR_WRONGLENGTH,
		    GO(S(O, "r", COL_PING_SOURCEADDR, "\1\2\3\4\5", 5))),
		R("source route ,,", SNMP_ERR_WRONGVALUE,
		    GO(S(O, "r", COL_PING_SOURCEROUTE, "10.0.0.1,,10.0.0.2", 0))),
		R("source route name", SNMP_ERR_WRONGVALUE,
		    GO(S(O, "r", COL_PING_SOURCEROUTE, "router", 0))),
		R("source route 10 hops", SNMP_ERR_WRONGVALUE,
		    GO(S(O, "r", COL_PING_SOURCEROUTE,
			"1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,"
			"1.1.1.6,1.1.1.7,1.1.1.8,1.1.1.9,1.1.1.10",
			0))),
		R("name with a newline", SNMP_ERR_WRONGVALUE,
		    S(O, "r", COL_PING_ADDRESSNAME, "a\nb", 0), RS(O, "r", RS_CREATEANDGO)),
		R("ipv6 type, 4 octets", SNMP_ERR_INCONSISTENTVALUE,
		    I(O, "r", COL_PING_ADDRESSTYPE, PING_AT_IPV6),
		    S(O, "r", COL_PING_ADDRESS, "\x7f\0\0\1", 4), RS(O, "r", RS_CREATEANDGO)),
		R("ipv4 type, 16 octets", SNMP_ERR_INCONSISTENTVALUE,
		    I(O, "r", COL_PING_ADDRESSTYPE, PING_AT_IPV4),
		    S(O, "r", COL_PING_ADDRESS, "0123456789abcdef", 16),
		    RS(O, "r", RS_CREATEANDGO)),
		R("ipv6z type, 16 octets", SNMP_ERR_INCONSISTENTVALUE,
		    I(O, "r", COL_PING_ADDRESSTYPE, PING_AT_IPV6Z),
		    S(O, "r", COL_PING_ADDRESS, "0123456789abcdef", 16),
		    RS(O, "r", RS_CREATEANDGO)),
		R("unknown type, 4 octets", SNMP_ERR_INCONSISTENTVALUE,
		    S(O, "r", COL_PING_ADDRESS, "\x7f\0\0\1", 4), RS(O, "r", RS_CREATEANDWAIT)),
		R("source ipv6 type, 4 octets", SNMP_ERR_INCONSISTENTVALUE,
		    GO(I(O, "r", COL_PING_SOURCEADDRTYPE, PING_AT_IPV6),
			S(O, "r", COL_PING_SOURCEADDR, "\x7f\0\0\1", 4))),
		R("address and name", SNMP_ERR_INCONSISTENTVALUE,
		    GO(S(O, "r", COL_PING_ADDRESSNAME, "localhost", 0))),
		R("no target", SNMP_ERR_INCONSISTENTVALUE, RS(O, "r", RS_CREATEANDGO)),
		R("no such interface", SNMP_ERR_INCONSISTENTVALUE,
		    GO(U(O, "r", COL_PING_IFINDEX, 2147483647))),
		R("a column of no row", SNMP_ERR_INCONSISTENTNAME,
		    U(O, "r", COL_PING_TIMETOLIVE, 9)),
		R("active for no row", SNMP_ERR_INCONSISTENTVALUE, RS(O, "r", RS_ACTIVE)),
		R("notInService for no row", SNMP_ERR_INCONSISTENTVALUE,
		    RS(O, "r", RS_NOTINSERVICE)),
		R("owner of 33 octets", SNMP_ERR_NOCREATION,
		    RS("012345678901234567890123456789012", "r", RS_CREATEANDWAIT)),
		R("not writable", SNMP_ERR_NOTWRITABLE, I(O, "r", COL_PING_OPERSTATUS, 1)),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = set_n(cases[i].v, cases[i].n);

		if (st != cases[i].status)
			fail_msg("%s: %s, not %s", cases[i].why, txn_err_name(st),
			    txn_err_name(cases[i].status));
		assert_int_equal(set.n, 0);
		assert_int_equal(nruns, 0);
	}
	/* an index with a sub-identifier after the name, or an octet above 255 */
	struct pvb raw = RS(O, "r", RS_CREATEANDWAIT);

	raw.raw = 1;
	raw.ilen = 5;
	memcpy(raw.idx, (oid[]){ 1, 'a', 1, 'b', 7 }, sizeof(oid) * 5);
	logged[0] = '\0';
	assert_int_equal(set_n(&raw, 1), SNMP_ERR_NOCREATION);
	assert_string_equal(logged,
	    "set: refused (noCreation): cimPingTable index 1.97.1.98.7: " INDEX_WHY);
	memcpy(raw.idx, (oid[]){ 1, 256, 1, 'b' }, sizeof(oid) * 4);
	raw.ilen = 4;
	logged[0] = '\0';
	assert_int_equal(set_n(&raw, 1), SNMP_ERR_NOCREATION);
	assert_string_equal(logged,
	    "set: refused (noCreation): cimPingTable index 1.256.1.98: " INDEX_WHY);
	assert_int_equal(set.n, 0);
	/* the literal types that fit: ipv4z (8) and ipv6z (20) */
	assert_int_equal(SET(I(O, "z4", COL_PING_ADDRESSTYPE, PING_AT_IPV4Z),
			     S(O, "z4", COL_PING_ADDRESS, "\x7f\0\0\1\0\0\0\1", 8),
			     RS(O, "z4", RS_CREATEANDGO)),
	    0);
	assert_int_equal(runs[0]->p.dst.scope, 1);
	assert_int_equal(
	    SET(I(O, "z6", COL_PING_ADDRESSTYPE, PING_AT_IPV6Z),
		S(O, "z6", COL_PING_ADDRESS, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\1\0\0\0\1", 20),
		S(O, "z6", COL_PING_SOURCEROUTE, "10.0.0.1,10.0.0.2", 0),
		I(O, "z6", COL_PING_SOURCEROUTETYPE, PING_SR_LOOSE), RS(O, "z6", RS_CREATEANDGO)),
	    0);
	assert_int_equal(runs[1]->p.dst.family, AF_INET6);
	assert_int_equal(runs[1]->p.nsr, 2);
	assert_int_equal(ntohl(runs[1]->p.sr[1].s_addr), 0x0a000002);
}

/* Refusals of an existing row. */
static void
test_existing_refusals(void **state)
{
	(void)state;
	assert_int_equal(SET(ADDR4(O, "e"), RS(O, "e", RS_CREATEANDGO)), 0);
	assert_int_equal(SET(RS(O, "e", RS_CREATEANDWAIT)), SNMP_ERR_INCONSISTENTVALUE);
	assert_int_equal(SET(RS(O, "e", RS_CREATEANDGO)), SNMP_ERR_INCONSISTENTVALUE);
	/* in progress: no parameter, no enabled(1), no notInService */
	assert_int_equal(SET(U(O, "e", COL_PING_TIMETOLIVE, 9)), SNMP_ERR_INCONSISTENTVALUE);
	assert_int_equal(SET(I(O, "e", COL_PING_ADMINSTATUS, PING_ADMIN_ENABLED)),
	    SNMP_ERR_INCONSISTENTVALUE);
	assert_int_equal(SET(RS(O, "e", RS_NOTINSERVICE)), SNMP_ERR_INCONSISTENTVALUE);
	done(0);
	assert_int_equal(SET(I(O, "e", COL_PING_STORAGETYPE, PING_ST_NONVOLATILE)),
	    SNMP_ERR_INCONSISTENTVALUE);
	/* an active row whose target goes: inconsistentValue */
	assert_int_equal(SET(S(O, "e", COL_PING_ADDRESS, "", 0)), SNMP_ERR_INCONSISTENTVALUE);
	/* completed: parameters can be written */
	assert_int_equal(SET(U(O, "e", COL_PING_TIMETOLIVE, 9)), 0);
	assert_int_equal(row(O, "e")->cfg.v[PF_TTL], 9);
	assert_int_equal(nruns, 1);
}

/* The three limits, each refusal counted; a SET that creates past the limit creates nothing. */
static void
test_limits(void **state)
{
	struct mib_value v;

	(void)state;
	set.lim.max_rows = 2;
	assert_int_equal(SET(ADDR4(O, "1"), RS(O, "1", RS_CREATEANDWAIT), ADDR4(O, "2"),
			     RS(O, "2", RS_CREATEANDWAIT), ADDR4(O, "3"),
			     RS(O, "3", RS_CREATEANDWAIT)),
	    SNMP_ERR_RESOURCEUNAVAILABLE);
	assert_int_equal(set.n, 0);
	assert_int_equal(set.refused_rows, 1);
	assert_int_equal(SET(ADDR4(O, "1"), RS(O, "1", RS_CREATEANDWAIT)), 0);
	assert_int_equal(SET(ADDR4("x", "2"), RS("x", "2", RS_CREATEANDWAIT)), 0);
	assert_int_equal(SET(ADDR4("y", "3"), RS("y", "3", RS_CREATEANDWAIT)),
	    SNMP_ERR_RESOURCEUNAVAILABLE);
	assert_int_equal(set.refused_rows, 2);
	assert_int_equal(mib_ping_scalar_get(PING_ROWSREFUSED)(NULL, &v, NULL), 0);
	assert_int_equal(v.v.u, 2);
	/* as if simultaneous (RFC 3416): a row destroyed by the SET makes room, before or after */
	assert_int_equal(SET(ADDR4("y", "3"), RS("y", "3", RS_CREATEANDWAIT),
			     RS(O, "1", RS_DESTROY)),
	    0);
	assert_int_equal(SET(RS("x", "2", RS_DESTROY), ADDR4(O, "1"), RS(O, "1", RS_CREATEANDWAIT)),
	    0);
	assert_int_equal(set.n, 2);
	assert_int_equal(set.refused_rows, 2);
	/* a destroy of a row that does not exist makes none */
	assert_int_equal(SET(RS("q", "9", RS_DESTROY), ADDR4("x", "2"),
			     RS("x", "2", RS_CREATEANDWAIT)),
	    SNMP_ERR_RESOURCEUNAVAILABLE);
	assert_int_equal(SET(RS("y", "3", RS_DESTROY), ADDR4("x", "2"),
			     RS("x", "2", RS_CREATEANDWAIT)),
	    0);
	set.lim.max_rows = 100;
	set.lim.per_owner = 1;
	assert_int_equal(SET(ADDR4(O, "2"), RS(O, "2", RS_CREATEANDWAIT)),
	    SNMP_ERR_RESOURCEUNAVAILABLE);
	assert_int_equal(set.refused_owner, 1);
	assert_int_equal(SET(ADDR4("y", "3"), RS("y", "3", RS_CREATEANDWAIT)), 0);
	assert_int_equal(mib_ping_scalar_get(PING_OWNERROWSREFUSED)(NULL, &v, NULL), 0);
	assert_int_equal(v.v.u, 1);
	/* the probe rate: createAndGo, and enabled(1) on an active row */
	may_start = 0;
	assert_int_equal(SET(ADDR4("z", "g"), RS("z", "g", RS_CREATEANDGO)),
	    SNMP_ERR_RESOURCEUNAVAILABLE);
	assert_null(row("z", "g"));
	assert_int_equal(SET(RS(O, "1", RS_ACTIVE)), SNMP_ERR_RESOURCEUNAVAILABLE);
	assert_int_equal(row(O, "1")->active, 0);
	assert_int_equal(SET(I(O, "1", COL_PING_ADMINSTATUS, PING_ADMIN_DISABLED),
			     RS(O, "1", RS_ACTIVE)),
	    0);
	assert_int_equal(SET(I(O, "1", COL_PING_ADMINSTATUS, PING_ADMIN_ENABLED)),
	    SNMP_ERR_RESOURCEUNAVAILABLE);
	assert_int_equal(set.refused_rate, 3);
	assert_int_equal(mib_ping_scalar_get(PING_RATEREFUSED)(NULL, &v, NULL), 0);
	assert_int_equal(v.v.u, 3);
	assert_int_equal(nruns, 0);
	may_start = 1;
	assert_int_equal(SET(I(O, "1", COL_PING_ADMINSTATUS, PING_ADMIN_ENABLED)), 0);
	assert_int_equal(nruns, 1);
	/* no engine: refused the same way, not counted as rate */
	set.engine = NULL;
	assert_int_equal(SET(ADDR4("w", "x"), RS("w", "x", RS_CREATEANDGO)),
	    SNMP_ERR_RESOURCEUNAVAILABLE);
	assert_int_equal(set.refused_rate, 3);
	set.engine = FAKE_ENGINE;
}

/* All or nothing: a refused row, or a table failing in ACTION, leaves every row as it was. */
static void
test_all_or_nothing(void **state)
{
	(void)state;
	assert_int_equal(SET(ADDR4(O, "old"), RS(O, "old", RS_CREATEANDWAIT)), 0);
	assert_int_equal(SET(ADDR4(O, "a"), RS(O, "a", RS_CREATEANDGO),
			     U(O, "old", COL_PING_TIMETOLIVE, 5),
			     U(O, "b", COL_PING_TIMETOLIVE, 300), RS(O, "b", RS_CREATEANDGO)),
	    SNMP_ERR_WRONGVALUE);
	assert_null(row(O, "a"));
	assert_int_equal(row(O, "old")->cfg.v[PF_TTL], 80);
	/* RESERVE2 refuses the second row */
	assert_int_equal(SET(ADDR4(O, "a"), RS(O, "a", RS_CREATEANDGO), RS(O, "b", RS_CREATEANDGO)),
	    SNMP_ERR_INCONSISTENTVALUE);
	assert_null(row(O, "a"));
	/* ACTION fails after ours: created, changed and destroyed rows come back */
	assert_int_equal(SET(ADDR4(O, "d"), RS(O, "d", RS_CREATEANDWAIT)), 0);
	assert_int_equal(SET(ADDR4(O, "a"), RS(O, "a", RS_CREATEANDGO),
			     U(O, "old", COL_PING_TIMETOLIVE, 5), RS(O, "old", RS_ACTIVE),
			     RS(O, "d", RS_DESTROY), FAILING),
	    SNMP_ERR_COMMITFAILED);
	assert_null(row(O, "a"));
	assert_non_null(row(O, "d"));
	assert_int_equal(row(O, "old")->cfg.v[PF_TTL], 80);
	assert_int_equal(row(O, "old")->active, 0);
	assert_int_equal(set.n, 2);
	assert_int_equal(nruns, 0); /* nothing starts for a SET that fails */
	assert_int_equal(set.hold, 0);
}

/* RowStatus and AdminStatus over a row's life. */
static void
test_row_life(void **state)
{
	(void)state;
	assert_int_equal(SET(RS(O, "l", RS_CREATEANDWAIT)), 0);
	assert_int_equal(get_int(O, "l", COL_PING_ROWSTATUS), RS_NOTREADY);
	/* RFC 2579: notInService(2) of a notReady(3) row only when the SET makes it ready */
	assert_int_equal(SET(RS(O, "l", RS_NOTINSERVICE)), SNMP_ERR_INCONSISTENTVALUE);
	assert_int_equal(get_int(O, "l", COL_PING_ROWSTATUS), RS_NOTREADY);
	assert_int_equal(SET(ADDR4(O, "l"), RS(O, "l", RS_NOTINSERVICE)), 0);
	assert_int_equal(get_int(O, "l", COL_PING_ROWSTATUS), RS_NOTINSERVICE);
	assert_int_equal(SET(S(O, "l", COL_PING_ADDRESSNAME, "x.example", 0),
			     RS(O, "l", RS_NOTINSERVICE)),
	    SNMP_ERR_INCONSISTENTVALUE); /* two targets */
	assert_int_equal(get_int(O, "l", COL_PING_OPERSTATUS), PING_OPER_NOTSTARTED);
	assert_int_equal(nruns, 0);
	assert_int_equal(SET(U(O, "l", COL_PING_PROBECOUNT, 3), RS(O, "l", RS_ACTIVE)), 0);
	assert_int_equal(nruns, 1);
	assert_int_equal(runs[0]->p.count, 3);
	probe(0, 1, PING_SUCCESS, 1000);
	probe(0, 2, PING_REQ_TIMED_OUT, 0);
	probe(0, 3, PING_SUCCESS, 3000);
	done(0);
	assert_int_equal(get_int(O, "l", COL_PING_LOSSPERCENT), 33);
	/* enabled(1) again: the results are replaced */
	assert_int_equal(SET(I(O, "l", COL_PING_ADMINSTATUS, PING_ADMIN_ENABLED)), 0);
	assert_int_equal(nruns, 2);
	assert_int_equal(get_int(O, "l", COL_PING_PROBESSENT), 0);
	assert_int_equal(row(O, "l")->nhist, 0);
	probe(1, 1, PING_SUCCESS, 1000);
	/* disabled(2) in progress: abandoned, notStarted, results removed */
	assert_int_equal(SET(I(O, "l", COL_PING_ADMINSTATUS, PING_ADMIN_DISABLED)), 0);
	assert_true(runs[1]->cancelled);
	assert_int_equal(get_int(O, "l", COL_PING_OPERSTATUS), PING_OPER_NOTSTARTED);
	assert_absent(O, "l", COL_PING_PROBESSENT);
	assert_int_equal(row(O, "l")->nhist, 0);
	/* destroy in progress cancels too */
	assert_int_equal(SET(I(O, "l", COL_PING_ADMINSTATUS, PING_ADMIN_ENABLED)), 0);
	assert_int_equal(SET(RS(O, "l", RS_DESTROY)), 0);
	assert_true(runs[2]->cancelled);
	assert_null(row(O, "l"));
	assert_int_equal(SET(RS(O, "l", RS_DESTROY)), 0); /* no row: nothing to do */
}

/* A name: resolved first; a failure completes with StatusCode absent and the WinSock code. */
static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(SET(S(O, "n", COL_PING_ADDRESSNAME, "nowhere.example", 0),
			     RS(O, "n", RS_CREATEANDGO)),
	    0);
	assert_int_equal(nreqs, 1);
	assert_string_equal(reqs[0]->name, "nowhere.example");
	assert_int_equal(get_int(O, "n", COL_PING_OPERSTATUS), PING_OPER_INPROGRESS);
	assert_absent(O, "n", COL_PING_RESOLUTIONSTATUS); /* not known while the name resolves */
	reqs[0]->nfn(reqs[0]->arg, 11001, NULL);
	assert_int_equal(get_int(O, "n", COL_PING_OPERSTATUS), PING_OPER_COMPLETED);
	assert_int_equal(get_int(O, "n", COL_PING_RESOLUTIONSTATUS), 11001);
	assert_absent(O, "n", COL_PING_STATUSCODE);
	assert_int_equal(nruns, 0);
	/* resolved, then reverse names of the reply's and the recorded addresses */
	struct ping_target t = { .family = AF_INET };
	struct ping_probe p;

	t.a.v4.s_addr = htonl(0x0a000001);
	assert_int_equal(SET(S(O, "m", COL_PING_ADDRESSNAME, "peer", 0),
			     I(O, "m", COL_PING_RESOLVEADDRESSNAMES, PING_TRUE),
			     U(O, "m", COL_PING_RECORDROUTE, 2), RS(O, "m", RS_CREATEANDGO)),
	    0);
	reqs[1]->nfn(reqs[1]->arg, 0, &t);
	assert_int_equal(nruns, 1);
	assert_int_equal(ntohl(runs[0]->p.dst.a.v4.s_addr), 0x0a000001);
	assert_int_equal(runs[0]->p.rr, 2);
	memset(&p, 0, sizeof(p));
	p.index = 1;
	p.time_source = PING_TIME_CAPTURE;
	p.is_reply = 1;
	p.from = t;
	p.nrr = 2;
	p.rr[0].s_addr = htonl(0x0a000009);
	p.rr[1].s_addr = htonl(0x0a000001);
	runs[0]->h->probe(runs[0]->owner, &p);
	done(0);
	assert_int_equal(nreqs, 5); /* the reply and two hops */
	assert_int_equal(get_int(O, "m", COL_PING_OPERSTATUS), PING_OPER_INPROGRESS);
	reqs[2]->afn(reqs[2]->arg, "peer");
	reqs[3]->afn(reqs[3]->arg, "");
	reqs[4]->afn(reqs[4]->arg, "peer");
	assert_int_equal(get_int(O, "m", COL_PING_OPERSTATUS), PING_OPER_COMPLETED);
	struct mib_value v;
	assert_int_equal(get(O, "m", COL_PING_PROTOADDRRESOLVED, &v), 0);
	assert_int_equal(v.len, 4);
	assert_memory_equal(v.v.s, "peer", 4);
	assert_int_equal(get_int(O, "m", COL_PING_TIMESOURCE), PING_TIME_CAPTURE);
	/* a source of the other family than the name's address: badOption, nothing sent */
	assert_int_equal(SET(S(O, "f", COL_PING_ADDRESSNAME, "v4only", 0),
			     I(O, "f", COL_PING_SOURCEADDRTYPE, PING_AT_IPV6),
			     S(O, "f", COL_PING_SOURCEADDR, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\1",
				 16),
			     RS(O, "f", RS_CREATEANDGO)),
	    0);
	reqs[5]->nfn(reqs[5]->arg, 0, &t);
	assert_int_equal(nruns, 1);
	assert_int_equal(get_int(O, "f", COL_PING_STATUSCODE), PING_BAD_OPTION);
	assert_int_equal(get_int(O, "f", COL_PING_PROBESSENT), 0);
	assert_int_equal(get_int(O, "f", COL_PING_RESOLUTIONSTATUS), 0);
	/* destroy cancels a lookup in progress */
	assert_int_equal(SET(S(O, "k", COL_PING_ADDRESSNAME, "slow", 0),
			     RS(O, "k", RS_CREATEANDGO)),
	    0);
	assert_int_equal(SET(RS(O, "k", RS_DESTROY)), 0);
	assert_true(reqs[6]->cancelled);
}

/* A broadcast address of the host's networks: badDestination, nothing sent (the kernel: EACCES). */
static void
test_broadcast(void **state)
{
	struct ping_target t = { .family = AF_INET };

	(void)state;
	assert_int_equal(SET(I(O, "b", COL_PING_ADDRESSTYPE, PING_AT_IPV4),
			     S(O, "b", COL_PING_ADDRESS, "\x0a\x0e\x01\xff", 4),
			     RS(O, "b", RS_CREATEANDGO)),
	    0);
	assert_int_equal(nruns, 0);
	assert_int_equal(get_int(O, "b", COL_PING_OPERSTATUS), PING_OPER_COMPLETED);
	assert_int_equal(get_int(O, "b", COL_PING_STATUSCODE), PING_BAD_DESTINATION);
	assert_int_equal(get_int(O, "b", COL_PING_PROBESSENT), 0);
	/* a name whose address is one */
	assert_int_equal(SET(S(O, "n", COL_PING_ADDRESSNAME, "bcast", 0),
			     RS(O, "n", RS_CREATEANDGO)),
	    0);
	t.a.v4.s_addr = htonl(0x0a0e01ff);
	reqs[0]->nfn(reqs[0]->arg, 0, &t);
	assert_int_equal(nruns, 0);
	assert_int_equal(get_int(O, "n", COL_PING_STATUSCODE), PING_BAD_DESTINATION);
	/* another address of the same network is sent to */
	assert_int_equal(SET(I(O, "h", COL_PING_ADDRESSTYPE, PING_AT_IPV4),
			     S(O, "h", COL_PING_ADDRESS, "\x0a\x0e\x01\x02", 4),
			     RS(O, "h", RS_CREATEANDGO)),
	    0);
	assert_int_equal(nruns, 1);
}

/* iputils' arithmetic: integer mean, mean square, and its llsqrt of the difference. */
static void
test_summary(void **state)
{
	struct ping_summary s;
	struct ping_key k = key(O, "s");
	struct ping_row *r = ping_row_new(&set, &k);

	(void)state;
	r->sent = 4;
	r->received = 3;
	r->rtt_min = 1000;
	r->rtt_max = 3000;
	r->rtt_sum = 6000;
	r->rtt_sum2 = 1e6 + 4e6 + 9e6;
	ping_row_summary(r, &s);
	assert_int_equal(s.loss, 25);
	assert_int_equal(s.avg, 2000);
	assert_int_equal(s.mdev, 816); /* llsqrt(4666666 - 2000^2) */
	r->received = 3;
	r->rtt_sum = 38 + 78 + 83;
	r->rtt_sum2 = 38 * 38 + 78 * 78 + 83 * 83;
	ping_row_summary(r, &s);
	assert_int_equal(s.avg, 66);
	assert_int_equal(s.mdev, 21);
	r->rtt_sum = 3;
	r->rtt_sum2 = 3 + 9; /* avg 1, mean square 4: llsqrt(3) is 2 in iputils */
	ping_row_summary(r, &s);
	assert_int_equal(s.mdev, 2);
	ping_row_free(r);
}

/* Completed volatile rows go after cimPingAgeOut seconds of the (fake) clock. */
static void
test_ageing(void **state)
{
	(void)state;
	set.lim.ageout = 10;
	assert_int_equal(SET(ADDR4(O, "v"), RS(O, "v", RS_CREATEANDGO), ADDR4(O, "nv"),
			     I(O, "nv", COL_PING_STORAGETYPE, PING_ST_NONVOLATILE),
			     RS(O, "nv", RS_CREATEANDGO), ADDR4(O, "busy"),
			     RS(O, "busy", RS_CREATEANDGO)),
	    0);
	assert_int_equal(nruns, 3);
	done(0); /* runs start in the order of the varbinds: v, nv, busy */
	done(1);
	done(2);
	assert_non_null(row(O, "v"));
	assert_int_equal(SET(I(O, "busy", COL_PING_ADMINSTATUS, PING_ADMIN_ENABLED)), 0);
	fake_now.tv_sec += 9;
	pingrows_age(&set);
	assert_int_equal(set.n, 3);
	fake_now.tv_sec += 1;
	pingrows_age(&set);
	assert_int_equal(set.n, 2);
	assert_null(row(O, "v"));
	assert_non_null(row(O, "nv"));   /* nonVolatile: never by age */
	assert_non_null(row(O, "busy")); /* in progress */
	assert_int_equal(set.aged_out, 1);
	set.lim.ageout = 0;
	done(3);
	fake_now.tv_sec += 100000;
	pingrows_age(&set);
	assert_int_equal(set.n, 2);
}

/* Walk a table from OID name (len): the rows' index OIDs of column col, up to max. */
static size_t
walk(const struct mib_table *t, oid col, oid out[][MAX_OID_LEN], size_t *outlen, size_t max)
{
	oid name[MAX_OID_LEN];
	size_t len = t->entry_len + 1, n = 0;
	struct mib_value v;

	memcpy(name, t->entry, t->entry_len * sizeof(oid));
	name[t->entry_len] = col;
	while (n < max && mib_table_getnext(t, name, len, 1, out[n], &outlen[n], &v) == 0 &&
	    out[n][t->entry_len] == col) {
		memcpy(name, out[n], outlen[n] * sizeof(oid));
		len = outlen[n++];
	}
	return n;
}

static void
test_walks(void **state)
{
	oid out[16][MAX_OID_LEN];
	size_t outlen[16];
	struct mib_value v;
	struct ping_probe p;

	(void)state;
	/* empty tables */
	assert_int_equal(walk(mib_ping_table, COL_PING_OPERSTATUS, out, outlen, 16), 0);
	assert_int_equal(walk(mib_ping_probe_table, COL_PING_PR_STATUSCODE, out, outlen, 16), 0);
	/* rows "b"/"x" and "aa"/"" : index order is by length first */
	assert_int_equal(SET(ADDR4("b", "x"), U("b", "x", COL_PING_PROBECOUNT, 2),
			     U("b", "x", COL_PING_RECORDROUTE, 2),
			     U("b", "x", COL_PING_TIMESTAMPROUTE, 1), RS("b", "x", RS_CREATEANDGO),
			     ADDR4("aa", ""), RS("aa", "", RS_CREATEANDGO)),
	    0);
	assert_int_equal(walk(mib_ping_table, COL_PING_OPERSTATUS, out, outlen, 16), 2);
	assert_int_equal(out[0][mib_ping_table->entry_len + 1], 1); /* "b" first */
	assert_int_equal(out[1][mib_ping_table->entry_len + 1], 2);
	/* cimPingTable from a gap, a partial index, before the first row and after the last */
	{
		static const struct {
			oid idx[6];
			size_t len;
			int found; /* 1: "b"/"x", 2: "aa"/"", 0: the next column */
		} from[] = {
			{ { 0 }, 1, 1 },              /* before the first row */
			{ { 1, 'b' }, 2, 1 },         /* a partial index */
			{ { 1, 'b', 1, 'x' }, 4, 2 }, /* a row: the next one */
			{ { 1, 'b', 1, 'y' }, 4, 2 }, /* a gap */
			{ { 1, 'c' }, 2, 2 },         /* a gap between owners */
			{ { 2, 'a', 'a', 0 }, 4, 0 }, /* the last row: the next column */
			{ { 3 }, 1, 0 },              /* after the last row */
			{ { 1, 300, 1, 'x' }, 4, 2 }, /* a sub-identifier above 255 */
		};

		for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
			oid name[MAX_OID_LEN], got[MAX_OID_LEN];
			size_t n = mib_ping_table->entry_len, glen;

			memcpy(name, mib_ping_table->entry, n * sizeof(oid));
			name[n++] = COL_PING_OPERSTATUS;
			memcpy(name + n, from[i].idx, from[i].len * sizeof(oid));
			assert_int_equal(mib_table_getnext(mib_ping_table, name, n + from[i].len, 1,
					     got, &glen, &v),
			    0);
			if (from[i].found == 0)
				assert_true(got[n - 1] > COL_PING_OPERSTATUS);
			else
				assert_int_equal(got[n], from[i].found);
		}
	}
	/* run 0 is "b"/"x": two probes, reported out of order; the recorded route, a timestamp */
	probe(0, 2, PING_SUCCESS, 2000);
	probe(0, 1, PING_REQ_TIMED_OUT, 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(walk(mib_ping_probe_table, COL_PING_PR_STATUSCODE, out, outlen, 16), 2);
	assert_int_equal(out[0][outlen[0] - 1], 1);
	assert_int_equal(out[1][outlen[1] - 1], 2);
	assert_int_equal(walk(mib_ping_probe_table, COL_PING_PR_RESPONSETIMEUSEC, out, outlen, 16),
	    1); /* absent for the timeout */
	row("b", "x")->last.nrr = 2;
	row("b", "x")->last.nts = 1;
	row("b", "x")->last.ts[0] = 12345;
	assert_int_equal(walk(mib_ping_rr_table, COL_PING_RR_ADDRESS, out, outlen, 16), 0);
	done(0);
	row("b", "x")->last.nrr = 2; /* what the engine would have reported */
	row("b", "x")->last.nts = 1;
	row("b", "x")->last.ts[0] = 12345;
	assert_int_equal(walk(mib_ping_rr_table, COL_PING_RR_ADDRESS, out, outlen, 16), 2);
	assert_int_equal(walk(mib_ping_rr_table, COL_PING_RR_RESOLVED, out, outlen, 16), 2);
	assert_int_equal(walk(mib_ping_ts_table, COL_PING_TS_RECORD, out, outlen, 16), 1);
	assert_int_equal(mib_table_get(mib_ping_ts_table, out[0], outlen[0], &v), 0);
	assert_int_equal(v.v.u, 12345);
	/* from a gap (probe 1.5 does not exist: after probe 1, before 2), a partial index, past the end */
	{
		oid name[MAX_OID_LEN];
		oid got[MAX_OID_LEN];
		size_t n = mib_ping_probe_table->entry_len, glen;

		memcpy(name, mib_ping_probe_table->entry, n * sizeof(oid));
		name[n++] = COL_PING_PR_STATUSCODE;
		name[n++] = 1;
		name[n++] = 'b';
		assert_int_equal(mib_table_getnext(mib_ping_probe_table, name, n, 1, got, &glen,
				     &v),
		    0);
		assert_int_equal(got[glen - 1], 1); /* partial index: the row's first probe */
		name[n++] = 1;
		name[n++] = 'x';
		name[n++] = 1;
		name[n++] = 5;
		assert_int_equal(mib_table_getnext(mib_ping_probe_table, name, n, 1, got, &glen,
				     &v),
		    0);
		assert_int_equal(got[glen - 1], 2); /* 1.5 is between probes 1 and 2 */
		name[n - 2] = 2;
		n--;
		assert_int_equal(mib_table_getnext(mib_ping_probe_table, name, n, 1, got, &glen,
				     &v),
		    0);
		assert_int_equal(got[mib_ping_probe_table->entry_len], COL_PING_PR_RESPONSETIME);
		name[mib_ping_probe_table->entry_len + 1] = 0; /* before the first row */
		assert_int_equal(mib_table_getnext(mib_ping_probe_table, name,
				     mib_ping_probe_table->entry_len + 2, 1, got, &glen, &v),
		    0);
		assert_int_equal(got[glen - 1], 1);
		name[mib_ping_probe_table->entry_len + 1] = 33; /* after the last row */
		assert_int_equal(mib_table_getnext(mib_ping_probe_table, name,
				     mib_ping_probe_table->entry_len + 2, 1, got, &glen, &v),
		    0);
		assert_int_equal(got[mib_ping_probe_table->entry_len], COL_PING_PR_RESPONSETIME);
	}
	/* cimPingCount */
	assert_int_equal(mib_ping_scalar_get(1)(NULL, &v, NULL), 0);
	assert_int_equal(v.v.u, 2);
}

/* The writable scalars: ranges, the engine's rate, the state file, undo. */
static void
test_scalars_and_state(void **state)
{
	void *ctx;
	const struct mib_scalar_ops *ops = mib_ping_scalar(PING_MAXPROBERATE, &ctx);
	netsnmp_variable_list vb;
	long val = 0;
	char err[256], path[128];
	struct stat st;
	struct pingrows again;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cimr-test-ping.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pingrows_open(&set, dir, err, sizeof(err)), 0);
	memset(&vb, 0, sizeof(vb));
	snmp_set_var_typed_value(&vb, ASN_UNSIGNED, &val, sizeof(val));
	assert_int_equal(ops->check(&vb, ctx), SNMP_ERR_WRONGVALUE); /* rate 0 */
	val = 100001;
	snmp_set_var_typed_value(&vb, ASN_UNSIGNED, &val, sizeof(val));
	assert_int_equal(ops->check(&vb, ctx), SNMP_ERR_WRONGVALUE);
	val = 50;
	snmp_set_var_typed_value(&vb, ASN_INTEGER, &val, sizeof(val));
	assert_int_equal(ops->check(&vb, ctx), SNMP_ERR_WRONGTYPE);
	snmp_set_var_typed_value(&vb, ASN_UNSIGNED, &val, sizeof(val));
	assert_int_equal(ops->check(&vb, ctx), 0);
	assert_int_equal(ops->apply(&vb, ctx), 0);
	assert_int_equal(rate_set, 50);
	assert_int_equal(ops->undo(ctx), 0);
	assert_int_equal(rate_set, PING_DEFAULT_RATE);
	assert_int_equal(set.written, 0);
	assert_int_equal(ops->apply(&vb, ctx), 0);
	ops = mib_ping_scalar(PING_MAXROWS, &ctx);
	val = 10001;
	snmp_set_var_typed_value(&vb, ASN_UNSIGNED, &val, sizeof(val));
	assert_int_equal(ops->check(&vb, ctx), SNMP_ERR_WRONGVALUE);
	val = 7;
	snmp_set_var_typed_value(&vb, ASN_UNSIGNED, &val, sizeof(val));
	assert_int_equal(ops->apply(&vb, ctx), 0);
	snmp_free_var_internals(&vb);
	/* a nonVolatile row, and a volatile one that is not kept */
	assert_int_equal(SET(ADDR4(O, "keep"),
			     I(O, "keep", COL_PING_STORAGETYPE, PING_ST_NONVOLATILE),
			     U(O, "keep", COL_PING_TIMETOLIVE, 33),
			     S(O, "keep", COL_PING_SOURCEROUTE, "10.0.0.1", 0),
			     RS(O, "keep", RS_CREATEANDGO), ADDR4(O, "vol"),
			     RS(O, "vol", RS_CREATEANDWAIT)),
	    0);
	assert_int_equal(SET(S("w", "n", COL_PING_ADDRESSNAME, "host.example", 0),
			     I("w", "n", COL_PING_STORAGETYPE, PING_ST_NONVOLATILE),
			     RS("w", "n", RS_CREATEANDWAIT)),
	    0);
	snprintf(path, sizeof(path), "%s/" PING_FILE, dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* read back: settings and nonVolatile rows, notStarted */
	pingrows_init(&again, &fake_ops, FAKE_ENGINE, NULL);
	assert_int_equal(pingrows_open(&again, dir, err, sizeof(err)), 0);
	assert_int_equal(again.lim.rate, 50);
	assert_int_equal(again.lim.max_rows, 7);
	assert_int_equal(again.written, PING_SET_RATE | PING_SET_MAXROWS);
	assert_int_equal(again.n, 2);
	{
		struct ping_key k = key(O, "keep");
		struct ping_row *r = pingrows_find(&again, &k);

		assert_non_null(r);
		assert_int_equal(r->active, 1);
		assert_int_equal(r->oper, PING_OPER_NOTSTARTED);
		assert_int_equal(r->cfg.v[PF_ADMIN], PING_ADMIN_DISABLED);
		assert_int_equal(r->cfg.v[PF_TTL], 33);
		assert_string_equal(r->cfg.sr, "10.0.0.1");
		assert_memory_equal(r->cfg.addr.a, "\x7f\0\0\1", 4);
		k = key("w", "n");
		assert_non_null(r = pingrows_find(&again, &k));
		assert_int_equal(r->active, 0);
		assert_string_equal(r->cfg.name, "host.example");
	}
	pingrows_free(&again);
	/* a destroy rewrites the file; bad lines are skipped */
	assert_int_equal(SET(RS(O, "keep", RS_DESTROY)), 0);
	pingrows_init(&again, &fake_ops, FAKE_ENGINE, NULL);
	assert_int_equal(pingrows_parse_line(&again, "maxRows 10001", err, sizeof(err)), -1);
	assert_int_equal(pingrows_parse_line(&again, "row 61 62 1 7f000001 - - - timeToLive=0", err,
			     sizeof(err)),
	    -1);
	assert_int_equal(pingrows_parse_line(&again, "row 61 62 1 7f00 - - - storageType=3", err,
			     sizeof(err)),
	    -1);
	assert_int_equal(again.n, 0);
	assert_int_equal(pingrows_open(&again, dir, err, sizeof(err)), 0);
	assert_int_equal(again.n, 1);
	pingrows_free(&again);
	/* the file cannot be written: the SET fails and changes nothing; AdminStatus alone writes none */
	statefile_fail_dirsync = 1;
	assert_int_equal(SET(U("w", "n", COL_PING_TIMETOLIVE, 9)), SNMP_ERR_COMMITFAILED);
	assert_int_equal(row("w", "n")->cfg.v[PF_TTL], 80);
	assert_int_equal(SET(I("w", "n", COL_PING_ADMINSTATUS, PING_ADMIN_DISABLED)), 0);
	statefile_fail_dirsync = 0;
}

/* The directives pingAgeOut and pingTimeSource: bounded, a bad value refused and counted. */
static void
test_directives(void **state)
{
	char age[] = "pingAgeOut 60", age0[] = "pingAgeOut 0", bad[] = "pingAgeOut 604801",
	     src[] = "pingTimeSource socket", badsrc[] = "pingTimeSource kernel";
	int source = PING_TIME_CAPTURE, errors = conf_errors();

	(void)state;
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_APPTYPE, "cimrouted");
	assert_int_equal(pingrows_conf_register(&set, &source), 0);
	netsnmp_config(age);
	netsnmp_config(src);
	netsnmp_config_process_memories();
	assert_int_equal(set.lim.ageout, 60);
	assert_int_equal(source, PING_TIME_SOCKET);
	netsnmp_config(bad);
	netsnmp_config(badsrc);
	netsnmp_config_process_memories();
	assert_int_equal(conf_errors(), errors + 2);
	assert_int_equal(set.lim.ageout, 60);
	assert_int_equal(source, PING_TIME_SOCKET);
	netsnmp_config(age0);
	netsnmp_config_process_memories();
	assert_int_equal(set.lim.ageout, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_go, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_row_life, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broadcast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ageing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scalars_and_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directives, setup, teardown),
	};

	logcap_start();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
