/* The rows of cimPingTable without SNMP: see pingrows.h (their state file: pingstate.c). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "icmp/pingrows.h"
#include "lib/addr.h"
#include "lib/log.h"
#include "lib/vec.h"
#include "snmp/conf.h"

const struct ping_field_desc ping_fields[PF_N] = {
	[PF_ADDRTYPE] = { "addressType", 0, 4, PING_AT_UNKNOWN },
	[PF_BUFSIZE] = { "bufferSize", 0, PING_BUF_MAX, 32 },
	[PF_DF] = { "noFragmentation", 1, 2, PING_FALSE },
	[PF_RR] = { "recordRoute", 0, PING_RR_MAX, 0 },
	[PF_RESOLVE] = { "resolveAddressNames", 1, 2, PING_FALSE },
	[PF_SRTYPE] = { "sourceRouteType", 0, 2, PING_SR_NONE },
	[PF_TIMEOUT] = { "timeout", 1, 600000, 1000 },
	[PF_TS] = { "timeStampRoute", 0, PING_TS_MAX, 0 },
	[PF_TTL] = { "timeToLive", 1, 255, 80 },
	[PF_TOS] = { "typeofService", 0, 255, 0 },
	[PF_ADMIN] = { "adminStatus", 1, 2, PING_ADMIN_ENABLED },
	[PF_TRAP] = { "trapOnCompletion", 1, 2, PING_FALSE },
	[PF_STORAGE] = { "storageType", 2, 3, PING_ST_VOLATILE },
	[PF_SRCTYPE] = { "sourceAddressType", 0, 2, PING_AT_UNKNOWN },
	[PF_IFINDEX] = { "ifIndex", 0, 2147483647, 0 },
	[PF_COUNT] = { "probeCount", 1, 1000, 1 },
	[PF_INTERVAL] = { "probeInterval", 10, 60000, 1000 },
};

int
ping_field_ok(enum ping_field f, unsigned long v)
{
	return f < PF_N && v >= ping_fields[f].min && v <= ping_fields[f].max;
}

static void
now_mono(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

void
pingrows_init(struct pingrows *s, const struct ping_ops *ops, struct ping_engine *engine,
    struct resolve_pool *resolver)
{
	memset(s, 0, sizeof(*s));
	s->lim = (struct ping_limits){ PING_DEFAULT_ROWS, PING_DEFAULT_ROWS, PING_DEFAULT_RATE,
		PING_DEFAULT_AGE };
	s->ops = ops;
	s->engine = engine;
	s->resolver = resolver;
	s->clock = now_mono;
	s->dirfd = -1;
	clock_gettime(CLOCK_REALTIME, &s->last_change);
}

/* ---- the index ----------------------------------------------------------- */

/* OID order of two length-prefixed strings: the length first. */
int
ping_key_cmp(const struct ping_key *a, const struct ping_key *b)
{
	int c;

	if (a->olen != b->olen)
		return a->olen < b->olen ? -1 : 1;
	if ((c = memcmp(a->owner, b->owner, a->olen)) != 0)
		return c;
	if (a->nlen != b->nlen)
		return a->nlen < b->nlen ? -1 : 1;
	return memcmp(a->name, b->name, a->nlen);
}

static int
row_cmp(const void *elem, const void *key)
{
	return ping_key_cmp(&(*(struct ping_row *const *)elem)->key, key);
}

size_t
pingrows_seek(const struct pingrows *s, const struct ping_key *k, int strict)
{
	return vec_lower_bound(s->rows, s->n, sizeof(*s->rows), k, row_cmp, strict);
}

struct ping_row *
pingrows_find(const struct pingrows *s, const struct ping_key *k)
{
	size_t i = pingrows_seek(s, k, 0);

	return i < s->n && ping_key_cmp(&s->rows[i]->key, k) == 0 ? s->rows[i] : NULL;
}

size_t
pingrows_owned(const struct pingrows *s, const struct ping_key *k)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += s->rows[i]->key.olen == k->olen &&
		    memcmp(s->rows[i]->key.owner, k->owner, k->olen) == 0;
	return n;
}

struct ping_row *
ping_row_new(struct pingrows *s, const struct ping_key *k)
{
	struct ping_row *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->key = *k;
	r->set = s;
	r->oper = PING_OPER_NOTSTARTED;
	for (int f = 0; f < PF_N; f++)
		r->cfg.v[f] = ping_fields[f].def;
	for (int j = 0; j < PING_NAMES; j++)
		r->jobs[j].row = r;
	return r;
}

int
pingrows_insert(struct pingrows *s, struct ping_row *r)
{
	if (vec_reserve(&s->rows, &s->cap, s->n, sizeof(*s->rows), 16) < 0)
		return -1;
	vec_insert_at(s->rows, &s->n, sizeof(*s->rows), pingrows_seek(s, &r->key, 0), &r);
	return 0;
}

void
pingrows_remove(struct pingrows *s, struct ping_row *r)
{
	size_t i = pingrows_seek(s, &r->key, 0);

	if (i < s->n && s->rows[i] == r)
		vec_remove_at(s->rows, &s->n, sizeof(*s->rows), i);
}

/* ---- addresses ------------------------------------------------------------ */

size_t
ping_inet_len(uint32_t type)
{
	static const size_t len[] = { 0, 4, 16, 8, 20 };

	return type < sizeof(len) / sizeof(len[0]) ? len[type] : 0;
}

int
ping_inet_target(uint32_t type, const struct ping_inet *in, struct ping_target *t)
{
	uint32_t zone = 0;

	memset(t, 0, sizeof(*t));
	t->family = AF_UNSPEC;
	if (type == PING_AT_UNKNOWN || type > PING_AT_IPV6Z || in->len != ping_inet_len(type))
		return type == PING_AT_UNKNOWN && in->len == 0 ? 0 : -1;
	t->family = type == PING_AT_IPV4 || type == PING_AT_IPV4Z ? AF_INET : AF_INET6;
	if (t->family == AF_INET)
		memcpy(&t->a.v4, in->a, 4);
	else
		memcpy(&t->a.v6, in->a, 16);
	if (type == PING_AT_IPV4Z || type == PING_AT_IPV6Z) {
		memcpy(&zone, in->a + (t->family == AF_INET ? 4 : 16), 4);
		t->scope = ntohl(zone);
	}
	return 0;
}

int
ping_parse_sr(const char *s, size_t len, struct in_addr *out, uint32_t *n)
{
	char buf[PING_TEXT_MAX + 1], *save = NULL, *tok;

	*n = 0;
	if (len > PING_TEXT_MAX || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (len == 0)
		return 0;
	if (buf[0] == ',' || buf[len - 1] == ',' || strstr(buf, ",,") != NULL)
		return -1;
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		uint32_t a;

		if (*n == PING_SR_MAX || addr4_pton(tok, &a) < 0)
			return -1;
		out[(*n)++].s_addr = htonl(a);
	}
	return 0;
}

int
ping_row_ready(const struct ping_row *r)
{
	struct ping_target t;
	int has_addr = r->cfg.addr.len > 0, has_name = r->cfg.name[0] != '\0';

	if (has_addr == has_name)
		return 0;
	return has_name || ping_inet_target(r->cfg.v[PF_ADDRTYPE], &r->cfg.addr, &t) == 0;
}

/* ---- results --------------------------------------------------------------- */

static void
cancel_jobs(struct ping_row *r)
{
	if (r->run != NULL)
		r->set->ops->run_cancel(r->run);
	if (r->name_req != NULL)
		r->set->ops->cancel(r->name_req);
	for (int j = 0; j < PING_NAMES; j++)
		if (r->jobs[j].req != NULL)
			r->set->ops->cancel(r->jobs[j].req);
	for (int j = 0; j < PING_NAMES; j++)
		r->jobs[j].req = NULL;
	r->run = NULL;
	r->name_req = NULL;
	r->jobs_left = 0;
}

static void
clear_results(struct ping_row *r)
{
	for (int j = 0; j < PING_NAMES; j++) {
		free(r->names[j]);
		r->names[j] = NULL;
	}
	free(r->hist);
	r->hist = NULL;
	r->nhist = r->hcap = 0;
	r->started = r->has_result = 0;
	r->res_status = r->sent = r->received = r->rtt_min = r->rtt_max = 0;
	r->rtt_sum = 0;
	r->rtt_sum2 = 0;
	memset(&r->last, 0, sizeof(r->last));
	memset(&r->completed, 0, sizeof(r->completed));
}

void
ping_row_free(struct ping_row *r)
{
	if (r == NULL)
		return;
	cancel_jobs(r);
	clear_results(r);
	free(r);
}

static void
complete(struct ping_row *r)
{
	struct pingrows *s = r->set;

	r->oper = PING_OPER_COMPLETED;
	r->cfg.v[PF_ADMIN] = PING_ADMIN_DISABLED;
	clock_gettime(CLOCK_REALTIME, &r->completed);
	s->clock(&r->completed_mono);
	s->last_change = r->completed;
	if (s->completed != NULL)
		s->completed(r, s->carg);
}

/* A status of the request itself, no probe sent (no memory for the run). */
static void
complete_with(struct ping_row *r, int status)
{
	memset(&r->last, 0, sizeof(r->last));
	r->last.status = status;
	r->last.from.family = AF_UNSPEC;
	clock_gettime(CLOCK_REALTIME, &r->last.when);
	r->has_result = 1;
	complete(r);
}

VEC_CMP_FIELD(hist_cmp, struct ping_hist, index, uint32_t)

static void
add_hist(struct ping_row *r, const struct ping_probe *p)
{
	struct ping_hist h = {
		.index = p->index,
		.status = p->status,
		.when = p->when,
		.time_source = p->time_source,
		.rtt_us = p->rtt_us,
		.has_ttl = (uint8_t)(p->has_ttl != 0),
		.ttl = p->ttl,
		.is_reply = (uint8_t)(p->is_reply != 0),
		.reply_size = p->reply_size,
		.from = p->from,
	};
	size_t i = vec_lower_bound(r->hist, r->nhist, sizeof(h), &p->index, hist_cmp, 0);

	if (i < r->nhist && r->hist[i].index == p->index)
		return; /* the engine reports a probe once */
	if (vec_reserve(&r->hist, &r->hcap, r->nhist, sizeof(h), 4) < 0) {
		log_warn("ping", "out of memory: probe %u left out of the history", p->index);
		return;
	}
	vec_insert_at(r->hist, &r->nhist, sizeof(h), i, &h);
}

static void
on_probe(void *owner, const struct ping_probe *p)
{
	struct ping_row *r = owner;

	add_hist(r, p);
	r->sent++;
	if (p->status == PING_SUCCESS && p->is_reply) {
		if (r->received == 0 || p->rtt_us < r->rtt_min)
			r->rtt_min = p->rtt_us;
		if (p->rtt_us > r->rtt_max)
			r->rtt_max = p->rtt_us;
		r->received++;
		r->rtt_sum += p->rtt_us;
		r->rtt_sum2 += (long double)p->rtt_us * p->rtt_us;
	}
	if (!r->has_result || p->index >= r->last.index) {
		r->last = *p;
		r->has_result = 1;
	}
}

static void
on_addr_name(void *arg, const char *name)
{
	struct ping_name_job *j = arg;
	struct ping_row *r = j->row;

	j->req = NULL;
	free(r->names[j - r->jobs]);
	r->names[j - r->jobs] = strdup(name != NULL ? name : "");
	if (--r->jobs_left == 0)
		complete(r);
}

static void
ask_name(struct ping_row *r, int slot, const struct ping_target *t)
{
	struct ping_name_job *j = &r->jobs[slot];

	if (t->family == AF_UNSPEC)
		return;
	r->names[slot] = strdup(""); /* until (unless) the lookup answers */
	if ((j->req = r->set->ops->addr(r->set->resolver, t, on_addr_name, j)) != NULL)
		r->jobs_left++;
}

static void
v4_target(struct ping_target *t, struct in_addr a)
{
	memset(t, 0, sizeof(*t));
	t->family = AF_INET;
	t->a.v4 = a;
}

/* ResolveAddressNames: the reply's address, the recorded route, the timestamps' addresses. */
static void
on_done(void *owner)
{
	struct ping_row *r = owner;
	struct ping_target t;

	r->run = NULL;
	if (r->cfg.v[PF_RESOLVE] == PING_TRUE && r->has_result) {
		ask_name(r, 0, &r->last.from);
		for (uint32_t k = 0; k < r->last.nrr && k < PING_RR_MAX; k++) {
			v4_target(&t, r->last.rr[k]);
			ask_name(r, (int)(1 + k), &t);
		}
		for (uint32_t k = 0; k < r->last.nts && k < PING_TS_MAX; k++) {
			v4_target(&t, r->last.ts_addr[k]);
			ask_name(r, (int)(1 + PING_RR_MAX + k), &t);
		}
	}
	if (r->jobs_left == 0)
		complete(r);
}

static const struct ping_hooks hooks = { on_probe, on_done };

static void
params_of(const struct ping_row *r, struct ping_params *p)
{
	const uint32_t *v = r->cfg.v;

	memset(p, 0, sizeof(*p));
	ping_inet_target(v[PF_SRCTYPE], &r->cfg.src, &p->src);
	p->ifindex = v[PF_IFINDEX];
	p->bufsize = v[PF_BUFSIZE];
	p->ttl = v[PF_TTL];
	p->tos = v[PF_TOS];
	p->df = v[PF_DF] == PING_TRUE;
	p->timeout_ms = v[PF_TIMEOUT];
	p->rr = v[PF_RR];
	p->ts = v[PF_TS];
	p->sr_type = (int)v[PF_SRTYPE];
	if (p->sr_type != PING_SR_NONE &&
	    ping_parse_sr(r->cfg.sr, strlen(r->cfg.sr), p->sr, &p->nsr) < 0)
		p->nsr = 0; /* checked when written */
	p->count = v[PF_COUNT];
	p->interval_ms = v[PF_INTERVAL];
}

static void
run(struct ping_row *r, const struct ping_target *dst)
{
	struct ping_params p;

	params_of(r, &p);
	p.dst = *dst;
	if (p.src.family != AF_UNSPEC && p.src.family != dst->family) {
		complete_with(r,
		    PING_BAD_OPTION); /* the MIB: the source must be of the target's family */
		return;
	}
	if (r->set->ops->broadcast != NULL && r->set->ops->broadcast(r->set->hosts, dst)) {
		complete_with(r, PING_BAD_DESTINATION); /* a subnet broadcast: nothing sent */
		return;
	}
	if ((r->run = r->set->ops->run_start(r->set->engine, &p, &hooks, r)) == NULL) {
		log_warn("ping", "out of memory: a request completes with noResources");
		complete_with(r, PING_NO_RESOURCES);
	}
}

static void
on_name(void *arg, uint32_t status, const struct ping_target *t)
{
	struct ping_row *r = arg;

	r->name_req = NULL;
	r->res_status = status;
	if (status != 0 || t == NULL) {
		if (r->res_status == 0)
			r->res_status = 11001; /* WSAHOST_NOT_FOUND */
		complete(r);                   /* StatusCode absent, as WMI */
		return;
	}
	run(r, t);
}

void
ping_row_start(struct ping_row *r)
{
	struct ping_target t;

	cancel_jobs(r);
	clear_results(r);
	r->oper = PING_OPER_INPROGRESS;
	r->started = 1;
	if (r->cfg.name[0] == '\0') {
		ping_inet_target(r->cfg.v[PF_ADDRTYPE], &r->cfg.addr, &t);
		run(r, &t);
		return;
	}
	r->name_req = r->set->ops->name(r->set->resolver, r->cfg.name, on_name, r);
	if (r->name_req == NULL) {
		/* the queue is full: a temporary failure (WSATRY_AGAIN), or no memory */
		r->res_status = errno == EAGAIN ? 11002 : 8;
		log_warn("ping", "cannot queue the lookup of %s: %s", r->cfg.name, strerror(errno));
		complete(r);
	}
}

void
ping_row_abandon(struct ping_row *r)
{
	cancel_jobs(r);
	clear_results(r);
	r->oper = PING_OPER_NOTSTARTED;
}

/* iputils' llsqrt(): Newton's method from above, the floor of the square root. */
static uint64_t
isqrt(uint64_t a)
{
	uint64_t prev = UINT64_MAX, x = a;

	if (x == 0)
		return 0;
	while (x < prev) {
		prev = x;
		x = (x + a / x) / 2;
	}
	return x; /* as iputils returns it (one above the floor for some a, e.g. 3) */
}

void
ping_row_summary(const struct ping_row *r, struct ping_summary *s)
{
	memset(s, 0, sizeof(*s));
	if (r->sent > 0)
		s->loss = (uint32_t)(100ull * (r->sent - r->received) / r->sent);
	if (r->received == 0)
		return;
	/* iputils: tsum /= n; tsum2 /= n; mdev = llsqrt(tsum2 - tsum * tsum), in integers */
	uint64_t avg = r->rtt_sum / r->received;
	uint64_t sq = (uint64_t)(r->rtt_sum2 / r->received);

	s->min = r->rtt_min;
	s->max = r->rtt_max;
	s->avg = (uint32_t)avg;
	s->mdev = (uint32_t)(sq > avg * avg ? isqrt(sq - avg * avg) : 0);
}

/* ---- ageing ----------------------------------------------------------------- */

void
pingrows_age(struct pingrows *s)
{
	struct timespec now;
	size_t w = 0;

	if (s->hold > 0 || s->lim.ageout == 0)
		return;
	s->clock(&now);
	for (size_t i = 0; i < s->n; i++) {
		struct ping_row *r = s->rows[i];

		if (r->oper == PING_OPER_COMPLETED && r->cfg.v[PF_STORAGE] == PING_ST_VOLATILE &&
		    now.tv_sec - r->completed_mono.tv_sec >= (time_t)s->lim.ageout) {
			ping_row_free(r);
			s->aged_out++;
			clock_gettime(CLOCK_REALTIME, &s->last_change);
			continue;
		}
		s->rows[w++] = r;
	}
	s->n = w;
}

static void
age_fired(void *arg)
{
	pingrows_age(arg);
}

int
pingrows_start(struct pingrows *s)
{
	loop_timer_init(&s->age_timer, age_fired, s);
	return loop_timer_every(&s->age_timer, 1);
}

void
pingrows_stop(struct pingrows *s)
{
	loop_timer_stop(&s->age_timer);
}

void
pingrows_free(struct pingrows *s)
{
	for (size_t i = 0; i < s->n; i++)
		ping_row_free(s->rows[i]);
	free(s->rows);
	s->rows = NULL;
	s->n = s->cap = 0;
	free(s->dir);
	s->dir = NULL;
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->dirfd = -1;
}

/* ---- directives -------------------------------------------------------------- */

static int
time_source_line(const char *token, const char *value, void *cfg, char *err, size_t errlen)
{
	int *src = cfg;

	if (strcmp(value, "capture") == 0)
		*src = PING_TIME_CAPTURE;
	else if (strcmp(value, "socket") == 0)
		*src = PING_TIME_SOCKET;
	else {
		snprintf(err, errlen, "%s: expected capture or socket, not '%s'", token, value);
		return -1;
	}
	return 0;
}

int
pingrows_conf_register(struct pingrows *s, int *time_source)
{
	static const struct conf_number ageout = {
		"pingAgeOut",
		offsetof(struct ping_limits, ageout),
		1,
		PING_AGEOUT_MAX,
		1,
		"seconds",
		"pingAgeOut SECONDS: completed volatile ping rows are removed after this (0: never)",
	};

	if (conf_numbers(&ageout, 1, &s->lim) < 0)
		return -1;
	return conf_directive("pingTimeSource", time_source_line, time_source,
	    "pingTimeSource socket|capture: whose timestamps make ping round-trip times");
}
