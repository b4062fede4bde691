/*
 * getbench: GET latency and change latency for the cimroute benchmark.
 *
 *   getbench lat  [common] [-k K] [-s SEED] [-x STOP] -f FILE      AGENT
 *   getbench lat  [common] [-k K] [-s SEED] [-x STOP] -b BASE -n N AGENT
 *   getbench poll [common] -o OID [-a | -e V | -g V] [-i US] [-T SEC] [-E]
 *                 [-S START_NS | -F FILE]                    AGENT [CMD [ARG...]]
 *   common: [-c COMMUNITY] [-t TIMEOUT_MS] [-r RETRIES]
 *
 * lat: K single-varbind SNMPv2c GETs, sent one after the other (synchronous
 *   snmp_sess_* API), over the numeric OIDs of FILE (one a line, drawn at
 *   random) or over BASE.i for i drawn at random from 1..N.  Prints one line
 *     count=K ok=.. nosuch=.. errors=.. timeouts=.. median_us=.. p90_us=..
 *     p99_us=.. max_us=.. mean_us=..
 *   Latency is the round trip of one GET as the client sees it.  With -x,
 *   it stops early, before the next GET, once the file STOP exists, and
 *   count is the number of GETs made (a caller whose run may be slowed
 *   without bound, such as GETs held back behind SETs, sizes K generously
 *   and ends the run with the file).
 *
 * poll: GET OID again and again (every -i microseconds, default 500) until
 *   it answers with a value (default), or with noSuchInstance/noSuchObject
 *   (-a), or with an integer value == V (-e) or >= V (-g); then prints
 *     result=ok elapsed_us=.. polls=.. [cmd_us=..] value=..
 *   and exits 0 (exit 1 and result=timeout after -T seconds, default 60).
 *   elapsed_us is measured on CLOCK_REALTIME from a start instant:
 *     - CMD given: getbench reads the clock, then starts CMD (posix_spawnp)
 *       and polls while it runs, so the start is "just before `ip route add`
 *       runs"; cmd_us is when CMD exited, on the same scale.  Exit 3 if CMD
 *       fails.
 *     - -S NS: the start is NS nanoseconds since the epoch (`date +%s%N`).
 *     - -F FILE: the start is the number in FILE, which the shell writes
 *       (`date +%s%N > FILE`) just before it runs its command; getbench
 *       polls from its own start and reads FILE once the condition holds.
 *     - none: from getbench's own start.
 *   -E: also print event_us, when the kernel announced the change: a
 *     thread of getbench's blocks on an event socket of its own (the route,
 *     link and address groups of both families, opened before CMD starts)
 *     and reads the clock when the first route, link or address message
 *     arrives; -1 if none came.  elapsed_us - event_us is the agent's own share: from
 *     the kernel's event, which cimrouted receives on the same multicast
 *     group, to the first GET that shows the change (a thread's wake-up on
 *     each side).
 *
 * AGENT is a net-snmp transport address such as udp:127.0.0.1:1161.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <errno.h>
#include <inttypes.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct oidbuf {
	oid name[MAX_OID_LEN];
	size_t len;
};

enum answer { ANS_VALUE, ANS_NOSUCH, ANS_ERROR, ANS_TIMEOUT };

static const char *community = "public";
static long timeout_ms = 1000;
static int retries = 0;

static void usage(void)
{
	fprintf(stderr,
		"usage:\n"
		"  getbench lat  [common] [-k K] [-s SEED] [-x STOP] -f FILE AGENT\n"
		"  getbench lat  [common] [-k K] [-s SEED] [-x STOP] -b BASE_OID -n N AGENT\n"
		"  getbench poll [common] -o OID [-a | -e V | -g V] [-i US] [-T SEC] [-E]\n"
		"                [-S START_NS | -F FILE] AGENT [CMD [ARG...]]\n"
		"  common: [-c COMMUNITY] [-t TIMEOUT_MS] [-r RETRIES]\n");
	exit(2);
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_us(long us)
{
	struct timespec ts;

	if (us <= 0)
		return;
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static long parse_long(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s) {
		fprintf(stderr, "getbench: bad %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

static int64_t parse_i64(const char *s, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || (*end && *end != '\n') || end == s) {
		fprintf(stderr, "getbench: bad %s: %s\n", what, s);
		exit(2);
	}
	return (int64_t)v;
}

static int parse_oid(const char *s, struct oidbuf *o)
{
	o->len = MAX_OID_LEN;
	return read_objid(s, o->name, &o->len) ? 0 : -1;
}

static void *open_session(const char *agent)
{
	netsnmp_session s;
	void *h;

	snmp_sess_init(&s);
	s.peername = (char *)(uintptr_t)agent;
	s.version = SNMP_VERSION_2c;
	s.community = (u_char *)(uintptr_t)community;
	s.community_len = strlen(community);
	s.timeout = timeout_ms * 1000;
	s.retries = retries;
	h = snmp_sess_open(&s);
	if (!h) {
		snmp_perror("getbench: snmp_sess_open");
		exit(2);
	}
	return h;
}

/* One GET.  On ANS_VALUE, *ival receives the value if it is an integer type. */
static enum answer get_one(void *h, const struct oidbuf *o, long long *ival, int *has_int)
{
	netsnmp_pdu *pdu, *resp = NULL;
	netsnmp_variable_list *vb;
	enum answer a;
	int st;

	pdu = snmp_pdu_create(SNMP_MSG_GET);
	snmp_add_null_var(pdu, o->name, o->len);
	st = snmp_sess_synch_response(h, pdu, &resp);
	if (st == STAT_TIMEOUT) {
		a = ANS_TIMEOUT;
	} else if (st != STAT_SUCCESS || !resp || resp->errstat != SNMP_ERR_NOERROR ||
		   !resp->variables) {
		a = ANS_ERROR;
	} else {
		vb = resp->variables;
		switch (vb->type) {
		case SNMP_NOSUCHOBJECT:
		case SNMP_NOSUCHINSTANCE:
		case SNMP_ENDOFMIBVIEW:
			a = ANS_NOSUCH;
			break;
		case ASN_INTEGER:
			a = ANS_VALUE;
			if (ival)
				*ival = *vb->val.integer;
			if (has_int)
				*has_int = 1;
			break;
		case ASN_GAUGE:
		case ASN_COUNTER:
		case ASN_TIMETICKS:
		case ASN_UINTEGER:
			a = ANS_VALUE;
			if (ival)
				*ival = (long long)(*(u_long *)vb->val.integer & 0xffffffffUL);
			if (has_int)
				*has_int = 1;
			break;
		default:
			a = ANS_VALUE;
			if (has_int)
				*has_int = 0;
			break;
		}
	}
	if (resp)
		snmp_free_pdu(resp);
	return a;
}

/* ---- lat ---------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* nearest-rank percentile of a sorted array */
static int64_t pct(const int64_t *v, size_t n, double p)
{
	size_t r;

	if (n == 0)
		return 0;
	r = (size_t)(p * (double)n + 0.999999);
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return v[r - 1];
}

static struct oidbuf *read_oid_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	struct oidbuf *v = NULL;
	size_t cap = 0, len = 0;
	char line[1024];

	if (!f) {
		fprintf(stderr, "getbench: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, " \t\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof *v);
			if (!v) {
				fprintf(stderr, "getbench: out of memory\n");
				exit(2);
			}
		}
		if (parse_oid(line, &v[len]) < 0) {
			fprintf(stderr, "getbench: %s: bad OID %s\n", path, line);
			exit(2);
		}
		len++;
	}
	fclose(f);
	if (len == 0) {
		fprintf(stderr, "getbench: %s: no OIDs\n", path);
		exit(2);
	}
	*n = len;
	return v;
}

static int run_lat(int argc, char **argv)
{
	long k = 1000, nrows = 0;
	const char *file = NULL, *base = NULL, *stop = NULL, *agent;
	struct oidbuf *oids = NULL, bo, cur;
	size_t noids = 0, i;
	int64_t *lat, sum = 0;
	long ok = 0, nosuch = 0, errs = 0, tmo = 0;
	void *h;
	int opt;

	while ((opt = getopt(argc, argv, "+c:t:r:k:s:f:b:n:x:")) != -1) {
		switch (opt) {
		case 'c': community = optarg; break;
		case 't': timeout_ms = parse_long(optarg, "timeout"); break;
		case 'r': retries = (int)parse_long(optarg, "retries"); break;
		case 'k': k = parse_long(optarg, "count"); break;
		case 's': rng_state = (uint64_t)parse_long(optarg, "seed") * 2654435761ULL + 1; break;
		case 'f': file = optarg; break;
		case 'b': base = optarg; break;
		case 'n': nrows = parse_long(optarg, "rows"); break;
		case 'x': stop = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || k <= 0 || (!file == !base) || (base && nrows <= 0))
		usage();
	agent = argv[optind];
	if (file) {
		oids = read_oid_file(file, &noids);
	} else if (parse_oid(base, &bo) < 0 || bo.len >= MAX_OID_LEN) {
		fprintf(stderr, "getbench: bad base OID %s\n", base);
		return 2;
	}
	lat = calloc((size_t)k, sizeof *lat);
	if (!lat) {
		fprintf(stderr, "getbench: out of memory\n");
		return 2;
	}
	h = open_session(agent);
	for (i = 0; i < (size_t)k; i++) {
		int64_t t0, t1;
		enum answer a;

		if (stop && access(stop, F_OK) == 0)
			break;
		if (oids) {
			cur = oids[rng() % noids];
		} else {
			cur = bo;
			cur.name[cur.len++] = (oid)(rng() % (uint64_t)nrows) + 1;
		}
		t0 = now_ns(CLOCK_MONOTONIC);
		a = get_one(h, &cur, NULL, NULL);
		t1 = now_ns(CLOCK_MONOTONIC);
		lat[i] = (t1 - t0) / 1000;
		sum += lat[i];
		switch (a) {
		case ANS_VALUE: ok++; break;
		case ANS_NOSUCH: nosuch++; break;
		case ANS_ERROR: errs++; break;
		case ANS_TIMEOUT: tmo++; break;
		}
	}
	snmp_sess_close(h);
	if (i == 0) {
		printf("count=0 ok=0 nosuch=0 errors=0 timeouts=0\n");
		free(lat);
		free(oids);
		return 1;
	}
	k = (long)i;
	qsort(lat, (size_t)k, sizeof *lat, cmp_i64);
	printf("count=%ld ok=%ld nosuch=%ld errors=%ld timeouts=%ld median_us=%" PRId64
	       " p90_us=%" PRId64 " p99_us=%" PRId64 " max_us=%" PRId64 " mean_us=%" PRId64 "\n",
	       k, ok, nosuch, errs, tmo, pct(lat, (size_t)k, 0.5), pct(lat, (size_t)k, 0.9),
	       pct(lat, (size_t)k, 0.99), lat[k - 1], sum / k);
	free(lat);
	free(oids);
	return (ok == k) ? 0 : 1;
}

/* ---- poll --------------------------------------------------------------- */

enum cond { C_EXISTS, C_ABSENT, C_EQ, C_GE };

static int read_start_file(const char *path, int64_t *ns)
{
	char buf[64];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (n == 0 || buf[0] < '0' || buf[0] > '9')
		return -1;
	*ns = parse_i64(buf, "start file");
	return 0;
}

/* ---- -E: when the kernel announced the change --------------------------- */

struct evwatch {
	int fd;
	pthread_t th;
	int64_t at;   /* CLOCK_REALTIME ns of the first route event; 0: none yet */
	int stop;
};

static void *evwatch_run(void *arg)
{
	struct evwatch *w = arg;
	char buf[16384];

	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		ssize_t n = recv(w->fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;

		if (n < (ssize_t)sizeof(*h))
			continue; /* the receive timeout: look at stop again */
		if (h->nlmsg_type == RTM_NEWROUTE || h->nlmsg_type == RTM_DELROUTE ||
		    h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK ||
		    h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR) {
			__atomic_store_n(&w->at, now_ns(CLOCK_REALTIME), __ATOMIC_RELEASE);
			break;
		}
	}
	return NULL;
}

static int evwatch_start(struct evwatch *w)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE | RTMGRP_LINK |
		RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 50000 };

	memset(w, 0, sizeof(*w));
	if ((w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0 ||
	    setsockopt(w->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    bind(w->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    pthread_create(&w->th, NULL, evwatch_run, w) != 0) {
		fprintf(stderr, "getbench: cannot watch route events: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* The event's time, or 0 if none came. */
static int64_t evwatch_stop(struct evwatch *w)
{
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
	pthread_join(w->th, NULL);
	close(w->fd);
	return __atomic_load_n(&w->at, __ATOMIC_ACQUIRE);
}

static int run_poll(int argc, char **argv)
{
	const char *oidstr = NULL, *startfile = NULL, *agent;
	enum cond cond = C_EXISTS;
	long long want = 0, val = 0;
	long interval_us = 500, limit_s = 60, polls = 0;
	int64_t start = 0, deadline, cmd_end = -1, t;
	int have_start = 0, opt, has_int = 0, met = 0, cmd_status = 0, watch = 0;
	int64_t event = 0;
	struct evwatch ew;
	struct oidbuf o;
	pid_t child = -1;
	void *h;

	while ((opt = getopt(argc, argv, "+c:t:r:o:ae:g:i:T:S:F:E")) != -1) {
		switch (opt) {
		case 'c': community = optarg; break;
		case 't': timeout_ms = parse_long(optarg, "timeout"); break;
		case 'r': retries = (int)parse_long(optarg, "retries"); break;
		case 'o': oidstr = optarg; break;
		case 'a': cond = C_ABSENT; break;
		case 'e': cond = C_EQ; want = parse_i64(optarg, "value"); break;
		case 'g': cond = C_GE; want = parse_i64(optarg, "value"); break;
		case 'i': interval_us = parse_long(optarg, "interval"); break;
		case 'T': limit_s = parse_long(optarg, "time limit"); break;
		case 'S': start = parse_i64(optarg, "start"); have_start = 1; break;
		case 'F': startfile = optarg; break;
		case 'E': watch = 1; break;
		default: usage();
		}
	}
	if (!oidstr || optind > argc - 1 || (have_start && startfile))
		usage();
	agent = argv[optind];
	if (parse_oid(oidstr, &o) < 0) {
		fprintf(stderr, "getbench: bad OID %s\n", oidstr);
		return 2;
	}
	h = open_session(agent);
	if (watch && evwatch_start(&ew) < 0)
		return 2;

	if (optind + 1 < argc) {
		if (have_start || startfile)
			usage();
		start = now_ns(CLOCK_REALTIME);
		have_start = 1;
		if (posix_spawnp(&child, argv[optind + 1], NULL, NULL, &argv[optind + 1],
				 environ) != 0) {
			fprintf(stderr, "getbench: cannot run %s\n", argv[optind + 1]);
			return 3;
		}
	} else if (!have_start && !startfile) {
		start = now_ns(CLOCK_REALTIME);
		have_start = 1;
	}
	deadline = now_ns(CLOCK_MONOTONIC) + (int64_t)limit_s * 1000000000;

	for (;;) {
		enum answer a = get_one(h, &o, &val, &has_int);

		t = now_ns(CLOCK_REALTIME);
		polls++;
		switch (cond) {
		case C_EXISTS: met = (a == ANS_VALUE); break;
		case C_ABSENT: met = (a == ANS_NOSUCH); break;
		case C_EQ: met = (a == ANS_VALUE && has_int && val == want); break;
		case C_GE: met = (a == ANS_VALUE && has_int && val >= want); break;
		}
		if (child > 0 && cmd_end < 0) {
			int st;

			if (waitpid(child, &st, WNOHANG) == child) {
				cmd_end = now_ns(CLOCK_REALTIME);
				cmd_status = st;
			}
		}
		if (met || now_ns(CLOCK_MONOTONIC) > deadline)
			break;
		sleep_us(interval_us);
	}
	snmp_sess_close(h);
	if (watch)
		event = evwatch_stop(&ew);

	if (child > 0 && cmd_end < 0) {
		waitpid(child, &cmd_status, 0);
		cmd_end = now_ns(CLOCK_REALTIME);
	}
	if (startfile) {
		int64_t wait_end = now_ns(CLOCK_MONOTONIC) + 5000000000LL;

		while (read_start_file(startfile, &start) < 0) {
			if (now_ns(CLOCK_MONOTONIC) > wait_end) {
				fprintf(stderr, "getbench: no start time in %s\n", startfile);
				return 2;
			}
			sleep_us(1000);
		}
	}
	printf("result=%s elapsed_us=%" PRId64 " polls=%ld", met ? "ok" : "timeout",
	       (t - start) / 1000, polls);
	if (child > 0)
		printf(" cmd_us=%" PRId64, (cmd_end - start) / 1000);
	if (watch)
		printf(" event_us=%" PRId64, event != 0 ? (event - start) / 1000 : (int64_t)-1);
	if (met && has_int && cond != C_ABSENT)
		printf(" value=%lld", val);
	printf("\n");
	if (child > 0 && !(WIFEXITED(cmd_status) && WEXITSTATUS(cmd_status) == 0)) {
		fprintf(stderr, "getbench: %s failed\n", argv[optind + 1]);
		return 3;
	}
	return met ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode;

	if (argc < 2)
		usage();
	mode = argv[1];
	/* numeric OIDs only: load no MIB modules and no configuration files */
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	init_snmp("getbench");
	signal(SIGPIPE, SIG_IGN);
	optind = 2;
	if (strcmp(mode, "lat") == 0)
		return run_lat(argc, argv);
	if (strcmp(mode, "poll") == 0)
		return run_poll(argc, argv);
	usage();
	return 2;
}
