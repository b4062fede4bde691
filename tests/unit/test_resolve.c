/*
 * Unit tests: the resolver threads (icmp/resolve.c).  Names and addresses
 * that exist on every host (localhost, 127.0.0.1, a link-local address on
 * lo) go to glibc and are checked against what glibc itself answers; a
 * surely missing name ("nonexistent.invalid", RFC 6761 6.4) must say host
 * not found, or try again where no name server answers.  The lookups go
 * through wrappers (-Wl,--wrap): they count calls, and some names block
 * until the test releases them (a job running) or fail with a chosen
 * code.  The results come through the real loop (snmp/loop.c's epoll set
 * in net-snmp's external fd table), driven here by select().
 */
#define _GNU_SOURCE /* EAI_NODATA, EAI_ADDRFAMILY, EAI_OVERFLOW */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/fd_event_manager.h>

#include "icmp/resolve.h"

#define BLOCK_NAME "block.test" /* blocks until released, then not found */
#define WAIT_MS    10000

int __real_getaddrinfo(const char *, const char *, const struct addrinfo *, struct addrinfo **);
int __wrap_getaddrinfo(const char *, const char *, const struct addrinfo *, struct addrinfo **);
int __real_getnameinfo(const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t,
    int);
int __wrap_getnameinfo(const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t,
    int);

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned gai_calls, gni_calls;
	unsigned entered; /* lookups of BLOCK_NAME started */
	unsigned released;
} w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0 };

/* The codes the wrapper gives for chosen names, without asking glibc. */
static const struct {
	const char *name;
	int err;
} fixed[] = {
	{ "again.test", EAI_AGAIN },
	{ "fail.test", EAI_FAIL },
	{ "system.test", EAI_SYSTEM },
};

static void
block_here(void)
{
	pthread_mutex_lock(&w.lock);
	w.entered++;
	pthread_cond_broadcast(&w.cond);
	while (!w.released)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
}

int
__wrap_getaddrinfo(const char *name, const char *serv, const struct addrinfo *hints,
    struct addrinfo **res)
{
	pthread_mutex_lock(&w.lock);
	w.gai_calls++;
	pthread_mutex_unlock(&w.lock);
	if (strcmp(name, BLOCK_NAME) == 0) {
		block_here();
		return EAI_NONAME;
	}
	if (strlen(name) > 64)
		return EAI_NONAME; /* a long test name: never to a name server */
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(name, fixed[i].name) == 0)
			return fixed[i].err;
	return __real_getaddrinfo(name, serv, hints, res);
}

int
__wrap_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
    char *serv, socklen_t servlen, int flags)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

	pthread_mutex_lock(&w.lock);
	w.gni_calls++;
	pthread_mutex_unlock(&w.lock);
	/* TEST-NET-1 has no name; asking DNS for it would wait for a server. */
	if (sa->sa_family == AF_INET && (ntohl(s4->sin_addr.s_addr) >> 8) == 0xc00002)
		return EAI_NONAME;
	return __real_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
}

static unsigned
counter(const unsigned *c)
{
	unsigned v;

	pthread_mutex_lock(&w.lock);
	v = *c;
	pthread_mutex_unlock(&w.lock);
	return v;
}

static void
wait_entered(unsigned n)
{
	pthread_mutex_lock(&w.lock);
	while (w.entered < n)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
}

static void
release(unsigned on)
{
	pthread_mutex_lock(&w.lock);
	w.released = on;
	pthread_cond_broadcast(&w.cond);
	pthread_mutex_unlock(&w.lock);
}

/* What a job's function was given. */
struct got {
	int calls;
	uint32_t status;
	int has_target;
	struct ping_target t;
	char name[NI_MAXHOST];
};

static void
got_name(void *arg, uint32_t status, const struct ping_target *t)
{
	struct got *g = arg;

	g->calls++;
	g->status = status;
	g->has_target = t != NULL;
	if (t != NULL)
		g->t = *t;
}

static void
got_addr(void *arg, const char *name)
{
	struct got *g = arg;

	g->calls++;
	snprintf(g->name, sizeof(g->name), "%s", name);
}

/* One turn of the loop: wait up to ms for a watched fd, and call it. */
static void
loop_turn(unsigned ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	fd_set rd, wr, ex;
	int n = 0, ready;

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	netsnmp_external_event_info(&n, &rd, &wr, &ex);
	ready = select(n, &rd, &wr, &ex, &tv);
	assert_true(ready >= 0);
	if (ready > 0)
		netsnmp_dispatch_external_events(&ready, &rd, &wr, &ex);
}

/* Run the loop until g's function has run. */
static void
wait_for(const struct got *g)
{
	for (unsigned ms = 0; g->calls == 0 && ms < WAIT_MS; ms += 50)
		loop_turn(50);
	assert_int_equal(g->calls, 1);
}

static struct resolve_pool *
pool(unsigned threads, unsigned queue_max, int start)
{
	struct resolve_pool *p = resolve_pool_new(threads, queue_max);

	assert_non_null(p);
	if (start)
		assert_int_equal(resolve_pool_start(p), 0);
	return p;
}

static int
setup(void **state)
{
	(void)state;
	pthread_mutex_lock(&w.lock);
	w.entered = 0;
	w.released = 0;
	pthread_mutex_unlock(&w.lock);
	return 0;
}

static void
test_wsa_table(void **state)
{
	static const struct {
		int gai;
		uint32_t wsa;
	} map[] = {
		{ 0, 0 },
		{ EAI_NONAME, 11001 },
		{ EAI_AGAIN, 11002 },
		{ EAI_FAIL, 11003 },
		{ EAI_NODATA, 11004 },
		{ EAI_ADDRFAMILY, 11004 },
		{ EAI_MEMORY, 8 },
		{ EAI_FAMILY, 10047 },
		{ EAI_SERVICE, 10109 },
		{ EAI_SOCKTYPE, 10044 },
		{ EAI_BADFLAGS, 10022 },
		{ EAI_SYSTEM, 11003 },
		{ EAI_OVERFLOW, 11003 },
		{ -9999, 11003 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		assert_int_equal(resolve_wsa_status(map[i].gai), map[i].wsa);
	}
}

static void
test_new_bad_args(void **state)
{
	(void)state;
	errno = 0;
	assert_null(resolve_pool_new(0, 1));
	assert_int_equal(errno, EINVAL);
	assert_null(resolve_pool_new(RESOLVE_THREADS_MAX + 1, 1));
	assert_null(resolve_pool_new(1, 0));
	assert_int_equal(errno, EINVAL);
}

/* name resolves through the pool as getaddrinfo(AF_UNSPEC, SOCK_RAW, AI_ADDRCONFIG)'s first answer. */
static void
expect_as_glibc(struct resolve_pool *p, const char *name, struct got *g)
{
	const struct addrinfo hints = { .ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_RAW,
		.ai_flags = AI_ADDRCONFIG };
	struct addrinfo *res = NULL;
	int err = __real_getaddrinfo(name, NULL, &hints, &res);

	assert_non_null(resolve_name(p, name, got_name, g));
	wait_for(g);
	assert_int_equal(g->status, resolve_wsa_status(err));
	assert_int_equal(g->has_target, err == 0);
	if (err != 0)
		return;
	assert_int_equal(g->t.family, res->ai_family);
	if (res->ai_family == AF_INET) {
		assert_memory_equal(&g->t.a.v4, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
		assert_int_equal(g->t.scope, 0);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)res->ai_addr;

		assert_memory_equal(&g->t.a.v6, &s6->sin6_addr, 16);
		assert_int_equal(g->t.scope, s6->sin6_scope_id);
	}
	freeaddrinfo(res);
}

static void
test_localhost(void **state)
{
	struct resolve_pool *p = pool(2, 8, 1);
	struct got g = { 0 };
	struct in_addr lo4 = { htonl(INADDR_LOOPBACK) };

	(void)state;
	expect_as_glibc(p, "localhost", &g);
	/* Every /etc/hosts names the loopback address localhost. */
	assert_int_equal(g.status, 0);
	if (g.t.family == AF_INET)
		assert_memory_equal(&g.t.a.v4, &lo4, 4);
	else
		assert_true(IN6_IS_ADDR_LOOPBACK(&g.t.a.v6));
	resolve_pool_free(p);
}

/* A link-local address keeps its zone: the scope is lo's index. */
static void
test_scope(void **state)
{
	struct resolve_pool *p = pool(1, 8, 1);
	struct got g = { 0 };

	(void)state;
	expect_as_glibc(p, "fe80::1%lo", &g);
	/* AI_ADDRCONFIG may hide IPv6 on a host without it: then a WinSock code, else lo's index. */
	if (g.status == 0)
		assert_int_equal(g.t.scope, if_nametoindex("lo"));
	else
		assert_false(g.has_target);
	resolve_pool_free(p);
}

static void
test_missing(void **state)
{
	struct resolve_pool *p = pool(1, 8, 1);
	struct got g = { 0 };

	(void)state;
	assert_non_null(resolve_name(p, "nonexistent.invalid", got_name, &g));
	wait_for(&g);
	/* Not found; or try again where the name server does not answer (no network). */
	assert_true(g.status == 11001 || g.status == 11002);
	assert_false(g.has_target);
	resolve_pool_free(p);
}

/* A lookup's error comes back as its WinSock code, from the thread. */
static void
test_codes(void **state)
{
	struct resolve_pool *p = pool(2, 8, 1);
	struct got g[3] = { 0 };
	const uint32_t want[3] = { 11002, 11003, 11003 };
	const char *names[3] = { "again.test", "fail.test", "system.test" };
	unsigned before = counter(&w.gai_calls);

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_non_null(resolve_name(p, names[i], got_name, &g[i]));
	for (int i = 0; i < 3; i++) {
		wait_for(&g[i]);
		assert_int_equal(g[i].status, want[i]);
		assert_false(g[i].has_target);
	}
	assert_int_equal(counter(&w.gai_calls), before + 3);
	resolve_pool_free(p);
}

/* No host has these names: 11001 from the loop, never from resolve_name(), without a lookup. */
static void
test_refused(void **state)
{
	char longest[RESOLVE_NAME_MAX + 2];
	const char *bad[] = { "", "a b", "tab\there", "ctl\001", "caf\xc3\xa9", "del\177",
		longest };
	struct resolve_pool *p = pool(1, 8, 1);
	struct got g[7] = { 0 }, ok = { 0 }, none = { 0 };
	unsigned before = counter(&w.gai_calls);

	(void)state;
	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	for (int i = 0; i < 7; i++) {
		assert_non_null(resolve_name(p, bad[i], got_name, &g[i]));
		assert_int_equal(g[i].calls, 0);
	}
	for (int i = 0; i < 7; i++) {
		wait_for(&g[i]);
		assert_int_equal(g[i].status, 11001);
		assert_false(g[i].has_target);
	}
	assert_non_null(resolve_name(p, NULL, got_name, &none));
	wait_for(&none);
	assert_int_equal(none.status, 11001);
	assert_int_equal(counter(&w.gai_calls), before);
	/* RESOLVE_NAME_MAX bytes is still a name to look up. */
	longest[RESOLVE_NAME_MAX] = '\0';
	assert_non_null(resolve_name(p, longest, got_name, &ok));
	wait_for(&ok);
	assert_int_equal(ok.status, 11001);
	assert_int_equal(counter(&w.gai_calls), before + 1);
	resolve_pool_free(p);
}

static void
test_reverse(void **state)
{
	struct resolve_pool *p = pool(2, 8, 1);
	struct ping_target lo = { .family = AF_INET, .a.v4 = { htonl(INADDR_LOOPBACK) } };
	struct ping_target nameless = { .family = AF_INET };
	struct ping_target none = { .family = AF_UNSPEC };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = lo.a.v4 };
	struct got g = { 0 }, g2 = { 0 }, g3 = { 0 };
	char want[NI_MAXHOST];
	unsigned before;

	(void)state;
	assert_int_equal(__real_getnameinfo((struct sockaddr *)&sa, sizeof(sa), want, sizeof(want),
			     NULL, 0, NI_NAMEREQD),
	    0);
	assert_non_null(resolve_addr(p, &lo, got_addr, &g));
	wait_for(&g);
	assert_string_equal(g.name, want);
	assert_true(g.name[0] != '\0');

	inet_pton(AF_INET, "192.0.2.1", &nameless.a.v4);
	assert_non_null(resolve_addr(p, &nameless, got_addr, &g2));
	wait_for(&g2);
	assert_string_equal(g2.name, "");

	before = counter(&w.gni_calls);
	assert_non_null(resolve_addr(p, &none, got_addr, &g3));
	wait_for(&g3);
	assert_string_equal(g3.name, "");
	assert_int_equal(counter(&w.gni_calls), before);
	resolve_pool_free(p);
}

/* A queued job cancelled is never looked up; a pool not started delivers once started. */
static void
test_cancel_queued(void **state)
{
	struct resolve_pool *p = pool(1, 4, 0);
	struct got a = { 0 }, b = { 0 };
	struct resolve_req *ra;
	unsigned before = counter(&w.gai_calls);

	(void)state;
	assert_non_null(ra = resolve_name(p, "again.test", got_name, &a));
	assert_non_null(resolve_name(p, "fail.test", got_name, &b));
	resolve_cancel(ra);
	assert_int_equal(resolve_pool_start(p), 0);
	wait_for(&b);
	assert_int_equal(b.status, 11003);
	assert_int_equal(a.calls, 0);
	assert_int_equal(counter(&w.gai_calls), before + 1);
	resolve_pool_free(p);
}

/* A job cancelled while its lookup runs, or after it returned: its result is dropped. */
static void
test_cancel_running(void **state)
{
	struct resolve_pool *p = pool(1, 4, 1);
	struct got a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	struct resolve_req *ra, *rc;
	unsigned before;

	(void)state;
	assert_non_null(ra = resolve_name(p, BLOCK_NAME, got_name, &a));
	wait_entered(1);
	resolve_cancel(ra);
	assert_non_null(resolve_name(p, "again.test", got_name, &b));
	release(1);
	/* One thread, in order: a's result was on the done list before b's. */
	wait_for(&b);
	assert_int_equal(a.calls, 0);

	before = counter(&w.gai_calls);
	assert_non_null(rc = resolve_name(p, "fail.test", got_name, &c));
	while (counter(&w.gai_calls) == before)
		usleep(1000);
	usleep(20000); /* the result is on the done list, not yet delivered */
	resolve_cancel(rc);
	assert_non_null(resolve_name(p, "again.test", got_name, &d));
	wait_for(&d);
	assert_int_equal(c.calls, 0);
	resolve_pool_free(p);
}

/* queue_max jobs wait at most (the one running is not waiting): then EAGAIN. */
static void
test_full_queue(void **state)
{
	struct resolve_pool *p = pool(1, 2, 1);
	struct got run = { 0 }, q[3] = { 0 };
	struct resolve_req *r0;

	(void)state;
	assert_non_null(resolve_name(p, BLOCK_NAME, got_name, &run));
	wait_entered(1);
	assert_non_null(r0 = resolve_name(p, "again.test", got_name, &q[0]));
	assert_non_null(resolve_name(p, "fail.test", got_name, &q[1]));
	errno = 0;
	assert_null(resolve_name(p, "again.test", got_name, &q[2]));
	assert_int_equal(errno, EAGAIN);
	/* A refusal needs no room in the queue. */
	assert_non_null(resolve_name(p, "no such name", got_name, &q[2]));
	resolve_cancel(r0);
	assert_non_null(r0 = resolve_name(p, "again.test", got_name, &q[0]));
	release(1);
	wait_for(&run);
	wait_for(&q[0]);
	wait_for(&q[1]);
	wait_for(&q[2]);
	assert_int_equal(run.status, 11001);
	assert_int_equal(q[0].status, 11002);
	assert_int_equal(q[1].status, 11003);
	assert_int_equal(q[2].status, 11001);
	resolve_pool_free(p);
}

static void *
release_later(void *arg)
{
	(void)arg;
	usleep(100000);
	release(1);
	return NULL;
}

/* Free waits for the lookup in progress and frees every job, delivering none. */
static void
test_free_busy(void **state)
{
	struct resolve_pool *p = pool(2, 4, 1);
	struct got g[4] = { 0 };
	pthread_t t;

	(void)state;
	assert_non_null(resolve_name(p, BLOCK_NAME, got_name, &g[0]));
	assert_non_null(resolve_name(p, BLOCK_NAME, got_name, &g[1]));
	wait_entered(2);
	assert_non_null(resolve_name(p, "again.test", got_name, &g[2]));
	assert_non_null(resolve_name(p, "", got_name, &g[3]));
	assert_int_equal(pthread_create(&t, NULL, release_later, NULL), 0);
	resolve_pool_free(p);
	assert_int_equal(counter(&w.released), 1);
	pthread_join(t, NULL);
	loop_turn(0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(g[i].calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wsa_table),
		cmocka_unit_test(test_new_bad_args),
		cmocka_unit_test_setup(test_localhost, setup),
		cmocka_unit_test_setup(test_scope, setup),
		cmocka_unit_test_setup(test_missing, setup),
		cmocka_unit_test_setup(test_codes, setup),
		cmocka_unit_test_setup(test_refused, setup),
		cmocka_unit_test_setup(test_reverse, setup),
		cmocka_unit_test_setup(test_cancel_queued, setup),
		cmocka_unit_test_setup(test_cancel_running, setup),
		cmocka_unit_test_setup(test_full_queue, setup),
		cmocka_unit_test_setup(test_free_busy, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
