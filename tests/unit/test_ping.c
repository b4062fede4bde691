/*
 * Unit tests: the ping engine (icmp/ping.c) and its families (icmp4.c,
 * icmp6.c): the status mapping of the MIB's cimPingStatusCode table, echo
 * requests and IPv4 options as built, replies and error-queue messages as
 * parsed, and the engine over a fake family (no sockets) with a fake clock:
 * matching of answers (ours, foreign, unknown, duplicate, late, garbage,
 * inconsistent), errors, local failures reported from the timer, unusable
 * targets, the rate limit and the schedule of count, interval and timeout.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "icmp/capture.h"
#include "icmp/icmpfam.h"
#include "icmp/ping.h"

#define MS 1000000ULL

/* --- the status mapping --- */

/* Every row of the table, IPv4 then IPv6: family, type, code, status. */
static const int status_rows[][4] = {
	{ AF_INET, 0, 0, 0 },
	{ AF_INET, 3, 0, 11002 },
	{ AF_INET, 3, 1, 11003 },
	{ AF_INET, 3, 2, 11004 },
	{ AF_INET, 3, 3, 11005 },
	{ AF_INET, 3, 4, 11009 },
	{ AF_INET, 3, 5, 11012 },
	{ AF_INET, 3, 6, 11002 },
	{ AF_INET, 3, 7, 11003 },
	{ AF_INET, 3, 8, 11003 },
	{ AF_INET, 3, 9, 11002 },
	{ AF_INET, 3, 10, 11003 },
	{ AF_INET, 3, 11, 11002 },
	{ AF_INET, 3, 12, 11003 },
	{ AF_INET, 3, 13, 11004 },
	{ AF_INET, 3, 14, 11004 },
	{ AF_INET, 3, 15, 11004 },
	{ AF_INET, 3, 16, 11050 },
	{ AF_INET, 4, 0, 11016 },
	{ AF_INET, 11, 0, 11013 },
	{ AF_INET, 11, 1, 11014 },
	{ AF_INET, 12, 0, 11015 },
	{ AF_INET, 12, 2, 11015 },
	{ AF_INET, 5, 0, 11050 },
	{ AF_INET6, 129, 0, 0 },
	{ AF_INET6, 1, 0, 11002 },
	{ AF_INET6, 1, 1, 11004 },
	{ AF_INET6, 1, 2, 11045 },
	{ AF_INET6, 1, 3, 11003 },
	{ AF_INET6, 1, 4, 11005 },
	{ AF_INET6, 1, 5, 11004 },
	{ AF_INET6, 1, 6, 11004 },
	{ AF_INET6, 1, 7, 11040 },
	{ AF_INET6, 2, 0, 11009 },
	{ AF_INET6, 3, 0, 11013 },
	{ AF_INET6, 3, 1, 11014 },
	{ AF_INET6, 4, 0, 11015 },
	{ AF_INET6, 4, 1, 11043 },
	{ AF_INET6, 4, 2, 11015 },
	{ AF_INET6, 137, 0, 11050 },
	{ AF_UNSPEC, 3, 0, 11050 },
};

static void
test_status_icmp(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(status_rows) / sizeof(status_rows[0]); i++) {
		const int *r = status_rows[i];

		if (ping_status_of_icmp(r[0], r[1], r[2]) != r[3])
			fail_msg("family %d type %d code %d: %d, not %d", r[0], r[1], r[2],
			    ping_status_of_icmp(r[0], r[1], r[2]), r[3]);
	}
}

static void
test_status_errno(void **state)
{
	(void)state;
	assert_int_equal(ping_status_of_errno(ENETUNREACH), PING_DEST_NET_UNREACHABLE);
	assert_int_equal(ping_status_of_errno(EHOSTUNREACH), PING_DEST_HOST_UNREACHABLE);
	assert_int_equal(ping_status_of_errno(EACCES), PING_DEST_PROT_UNREACHABLE);
	assert_int_equal(ping_status_of_errno(EMSGSIZE), PING_PACKET_TOO_BIG);
	assert_int_equal(ping_status_of_errno(ENOBUFS), PING_NO_RESOURCES);
	assert_int_equal(ping_status_of_errno(ENOMEM), PING_NO_RESOURCES);
	assert_int_equal(ping_status_of_errno(EINVAL), PING_BAD_ROUTE);
	assert_int_equal(ping_status_of_errno(EPERM), PING_GENERAL_FAILURE);
	assert_int_equal(ping_status_of_errno(0), PING_GENERAL_FAILURE);
}

/* --- building --- */

static void
test_build(void **state)
{
	static uint8_t buf[ICMP_ECHO_HDR + PING_BUF_MAX], data[PING_BUF_MAX];
	size_t len;

	(void)state;
	memset(data, 'x', sizeof(data));
	len = icmp4_fam.build(buf, 0x1234, 0xabcd, data, 32);
	assert_int_equal(len, 40);
	assert_int_equal(buf[0], 8);
	assert_int_equal(buf[4] << 8 | buf[5], 0x1234);
	assert_int_equal(buf[6] << 8 | buf[7], 0xabcd);
	assert_int_equal(icmp_checksum(buf, len), 0);
	assert_int_equal(icmp4_fam.build(buf, 1, 2, data, 0), 8);
	assert_int_equal(icmp_checksum(buf, 8), 0);
	len = icmp4_fam.build(buf, 1, 2, data, PING_BUF_MAX);
	assert_int_equal(len, 65508);
	assert_int_equal(icmp_checksum(buf, len), 0);
	len = icmp4_fam.build(buf, 1, 2, data, 7); /* an odd length */
	assert_int_equal(icmp_checksum(buf, len), 0);
	len = icmp6_fam.build(buf, 0x1234, 7, data, 0);
	assert_int_equal(len, 8);
	assert_int_equal(buf[0], 128);
	assert_int_equal(buf[2] | buf[3], 0); /* the kernel's checksum */
}

static struct ping_params
params4(const char *dst)
{
	struct ping_params p = { .ttl = 64,
		.timeout_ms = 1000,
		.count = 1,
		.interval_ms = 1000,
		.bufsize = 32 };

	p.dst.family = strchr(dst, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(p.dst.family, dst, &p.dst.a), 1);
	return p;
}

static void
test_options4(void **state)
{
	struct ping_params p = params4("192.0.2.1");
	uint8_t o[ICMP_OPT_MAX];
	size_t n = 99;

	(void)state;
	assert_int_equal(icmp4_fam.options(&p, o, &n), 0);
	assert_int_equal(n, 0);
	p.rr = 9;
	assert_int_equal(icmp4_fam.options(&p, o, &n), 0);
	assert_int_equal(n, 39);
	assert_int_equal(o[0], 7), assert_int_equal(o[1], 39), assert_int_equal(o[2], 4);
	p.rr = 4, p.ts = 2; /* 19 + 20 */
	assert_int_equal(icmp4_fam.options(&p, o, &n), 0);
	assert_int_equal(n, 39);
	assert_int_equal(o[19], 68), assert_int_equal(o[20], 20), assert_int_equal(o[21], 5);
	assert_int_equal(o[22], 1); /* addresses and timestamps */
	p.ts = 3;                   /* 19 + 28 */
	assert_int_equal(icmp4_fam.options(&p, o, &n), PING_OPTION_TOO_BIG);
	p.rr = 0, p.ts = 4;
	assert_int_equal(icmp4_fam.options(&p, o, &n), 0);
	assert_int_equal(n, 36);
	p.ts = 0, p.sr_type = PING_SR_LOOSE, p.nsr = 2;
	inet_pton(AF_INET, "198.51.100.1", &p.sr[0]);
	inet_pton(AF_INET, "198.51.100.2", &p.sr[1]);
	assert_int_equal(icmp4_fam.options(&p, o, &n), 0);
	assert_int_equal(n, 11);
	assert_int_equal(o[0], 131), assert_int_equal(o[1], 11), assert_int_equal(o[2], 4);
	assert_memory_equal(o + 3, &p.sr[0], 4);
	assert_memory_equal(o + 7, &p.sr[1], 4);
	p.sr_type = PING_SR_STRICT, p.nsr = 9; /* 39 */
	assert_int_equal(icmp4_fam.options(&p, o, &n), 0);
	assert_int_equal(o[0], 137);
	p.rr = 1; /* 39 + 7 */
	assert_int_equal(icmp4_fam.options(&p, o, &n), PING_OPTION_TOO_BIG);
	p.rr = 10;
	assert_int_equal(icmp4_fam.options(&p, o, &n), PING_BAD_OPTION);
}

static void
test_options6(void **state)
{
	struct ping_params p = params4("2001:db8::1");
	uint8_t o[ICMP_OPT_MAX];
	size_t n = 9;

	(void)state;
	assert_int_equal(icmp6_fam.options(&p, o, &n), 0);
	assert_int_equal(n, 0);
	p.rr = 1;
	assert_int_equal(icmp6_fam.options(&p, o, &n), PING_BAD_OPTION);
	p.rr = 0, p.ts = 1;
	assert_int_equal(icmp6_fam.options(&p, o, &n), PING_BAD_OPTION);
	/* a source route type without a route asks for no option, as for IPv4 (the MIB) */
	p.ts = 0, p.sr_type = PING_SR_LOOSE;
	assert_int_equal(icmp6_fam.options(&p, o, &n), 0);
	p.nsr = 1;
	assert_int_equal(icmp6_fam.options(&p, o, &n), PING_BAD_OPTION);
	p.sr_type = PING_SR_NONE; /* a route that is not used */
	assert_int_equal(icmp6_fam.options(&p, o, &n), 0);
}

/* --- parsing --- */

/* An IPv4 echo reply with a record-route (2 of 3 slots) and a timestamp option (1 of 2). */
static size_t
reply4(uint8_t *p, uint16_t id, uint16_t seq, size_t data)
{
	static const uint8_t opt[] = { 7, 15, 12, 10, 0, 0, 1, 10, 0, 0, 2, 0, 0, 0, 0, 68, 20, 13,
		1, 10, 0, 0, 3, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
	size_t hl = 20 + sizeof(opt), len = hl + ICMP_ECHO_HDR + data;
	uint16_t sum;

	memset(p, 0, len);
	p[0] = 0x40 | (uint8_t)(hl / 4);
	p[8] = 57, p[9] = 1;
	p[12] = 192, p[13] = 0, p[14] = 2, p[15] = 1;
	memcpy(p + 20, opt, sizeof(opt));
	icmp_echo_build(p + hl, 0, id, seq, NULL, 0);
	memset(p + hl + ICMP_ECHO_HDR, 'a', data);
	sum = icmp_checksum(p + hl, len - hl);
	memcpy(p + hl + 2, &sum, 2);
	return len;
}

static void
test_parse4(void **state)
{
	uint8_t p[256];
	struct icmp_in in;
	size_t n = reply4(p, 0x4242, 7, 16);
	char a[INET_ADDRSTRLEN];

	(void)state;
	memset(&in, 0, sizeof(in));
	assert_int_equal(icmp4_parse_reply(p, n, &in), 0);
	assert_int_equal(in.kind, ICMP_IN_REPLY);
	assert_int_equal(in.id, 0x4242), assert_int_equal(in.seq, 7);
	assert_int_equal(in.ttl, 57), assert_int_equal(in.has_ttl, 1);
	assert_int_equal(in.len, 16);
	assert_int_equal(in.from.family, AF_INET);
	assert_int_equal(in.nrr, 2);
	assert_string_equal(inet_ntop(AF_INET, &in.rr[1], a, sizeof(a)), "10.0.0.2");
	assert_int_equal(in.nts, 1);
	assert_string_equal(inet_ntop(AF_INET, &in.ts_addr[0], a, sizeof(a)), "10.0.0.3");
	assert_int_equal(in.tsv[0], 0x100);
	p[n - 1] ^= 1; /* the checksum fails */
	assert_int_equal(icmp4_parse_reply(p, n, &in), -1);
	assert_int_equal(in.kind, ICMP_IN_GARBAGE);
	n = reply4(p, 1, 2, 0);
	assert_int_equal(icmp4_parse_reply(p, n - 1, &in), -1); /* truncated */
	assert_int_equal(icmp4_parse_reply(p, 19, &in), -1);
	p[0] = 0x65; /* not IPv4 */
	assert_int_equal(icmp4_parse_reply(p, n, &in), -1);
	n = reply4(p, 1, 2, 0);
	p[60] = 8; /* an echo request */
	assert_int_equal(icmp4_parse_reply(p, n, &in), -1);
}

/*
 * An IPv4 ICMP error (type, code; TTL 61 from 198.51.100.7) quoting an echo
 * request of id, seq whose IP header has ihl octets: its length.
 */
static size_t
error4(uint8_t *p, uint8_t type, uint8_t code, uint16_t id, uint16_t seq, size_t ihl)
{
	size_t len = 20 + 8 + ihl + ICMP_ECHO_HDR;
	uint16_t sum;

	memset(p, 0, len);
	p[0] = 0x45, p[8] = 61, p[9] = IPPROTO_ICMP;
	p[12] = 198, p[13] = 51, p[14] = 100, p[15] = 7;
	p[20] = type, p[21] = code;
	p[28] = 0x40 | (uint8_t)(ihl / 4), p[28 + 8] = 1, p[28 + 9] = IPPROTO_ICMP;
	icmp_echo_build(p + 28 + ihl, 8, id, seq, NULL, 0);
	sum = icmp_checksum(p + 20, len - 20);
	memcpy(p + 22, &sum, 2);
	return len;
}

/* Source quench and reassembly time exceeded come on the data path: parsed as errors. */
static void
test_parse4_error(void **state)
{
	uint8_t p[128];
	struct icmp_in in;
	size_t n = error4(p, 4, 0, 0x4242, 9, 20);
	char a[INET_ADDRSTRLEN];

	(void)state;
	memset(&in, 0, sizeof(in));
	assert_int_equal(icmp4_parse_reply(p, n, &in), 0);
	assert_int_equal(in.kind, ICMP_IN_ERROR);
	assert_int_equal(in.origin, SO_EE_ORIGIN_ICMP);
	assert_int_equal(in.type, 4), assert_int_equal(in.code, 0);
	assert_int_equal(in.id, 0x4242), assert_int_equal(in.seq, 9);
	assert_true(in.has_ttl), assert_int_equal(in.ttl, 61);
	assert_int_equal(in.from.family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &in.from.a, a, sizeof(a)), "198.51.100.7");
	n = error4(p, 11, 1, 0x4242, 10, 32); /* the quoted header with options */
	memset(&in, 0, sizeof(in));
	assert_int_equal(icmp4_parse_reply(p, n, &in), 0);
	assert_int_equal(in.kind, ICMP_IN_ERROR);
	assert_int_equal(in.type, 11), assert_int_equal(in.code, 1);
	assert_int_equal(in.seq, 10);
	assert_int_equal(icmp4_parse_reply(p, n - 1, &in), -1); /* the quote cut short */
	assert_int_equal(in.kind, ICMP_IN_GARBAGE);
	n = error4(p, 4, 0, 0x4242, 9, 20);
	p[n - 1] ^= 1; /* the checksum fails */
	assert_int_equal(icmp4_parse_reply(p, n, &in), -1);
	n = error4(p, 3, 1, 0x4242, 9, 20); /* unreachable: the error queue's */
	assert_int_equal(icmp4_parse_reply(p, n, &in), -1);
}

static int
filter_passes(const struct sock_filter *code, const uint8_t *p, size_t n)
{
	return bpf_filter((const struct bpf_insn *)code, p, (u_int)n, (u_int)n) != 0;
}

/* The sockets' BPF programs, run by libpcap's interpreter (the kernel's semantics). */
static void
test_socket_filter(void **state)
{
	struct sock_filter f4[ICMP_FILTER_MAX], f6[ICMP_FILTER_MAX];
	uint8_t p[256];
	size_t n;

	(void)state;
	assert_true(icmp_filter_prog(0x4242, 1, f4) <= ICMP_FILTER_MAX);
	assert_true(icmp_filter_prog(0x4242, 0, f6) <= ICMP_FILTER_MAX);
	n = reply4(p, 0x4242, 7, 16);
	assert_true(filter_passes(f4, p, n));
	n = reply4(p, 0x4243, 7, 16);
	assert_false(filter_passes(f4, p, n));
	n = error4(p, 4, 0, 0x4242, 1, 20);
	assert_true(filter_passes(f4, p, n));
	n = error4(p, 4, 0, 0x4242, 1, 60); /* the quoted header with 40 octets of options */
	assert_true(filter_passes(f4, p, n));
	n = error4(p, 11, 1, 0x4242, 1, 24);
	assert_true(filter_passes(f4, p, n));
	n = error4(p, 4, 0, 0x4243, 1, 20); /* another identifier */
	assert_false(filter_passes(f4, p, n));
	n = error4(p, 11, 0, 0x4242, 1, 20); /* in transit: the error queue has it */
	assert_false(filter_passes(f4, p, n));
	n = error4(p, 3, 1, 0x4242, 1, 20);
	assert_false(filter_passes(f4, p, n));
	n = error4(p, 4, 0, 0x4242, 1, 20);
	p[28 + 9] = IPPROTO_UDP; /* quoting another protocol */
	assert_false(filter_passes(f4, p, n));
	n = error4(p, 4, 0, 0x4242, 1, 20);
	assert_false(filter_passes(f4, p, n - 3)); /* the quoted id cut */
	icmp_echo_build(p, 129, 0x4242, 1, NULL, 0);
	assert_true(filter_passes(f6, p, 8));
	icmp_echo_build(p, 129, 0x4241, 1, NULL, 0);
	assert_false(filter_passes(f6, p, 8));
}

/* An error-queue message: sock_extended_err, the offender, the quoted request. */
static void
errq_msg(struct msghdr *m, void *ctl, size_t ctllen, int level, int type, int origin)
{
	struct {
		struct sock_extended_err ee;
		struct sockaddr_in6 off;
	} e;
	struct cmsghdr *c;

	memset(&e, 0, sizeof(e));
	e.ee.ee_errno = EHOSTUNREACH;
	e.ee.ee_origin = (uint8_t)origin;
	e.ee.ee_type = 3, e.ee.ee_code = 1;
	if (level == SOL_IP) {
		struct sockaddr_in s4 = { .sin_family = AF_INET };

		inet_pton(AF_INET, "198.51.100.9", &s4.sin_addr);
		memcpy(&e.off, &s4, sizeof(s4));
	} else {
		e.off.sin6_family = AF_INET6;
		inet_pton(AF_INET6, "2001:db8::9", &e.off.sin6_addr);
	}
	memset(m, 0, sizeof(*m));
	m->msg_control = ctl;
	m->msg_controllen = ctllen;
	c = CMSG_FIRSTHDR(m);
	c->cmsg_level = level, c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(sizeof(e));
	memcpy(CMSG_DATA(c), &e, sizeof(e));
	m->msg_controllen = CMSG_SPACE(sizeof(e));
}

static void
test_parse_err(void **state)
{
	union {
		char b[256];
		struct cmsghdr align;
	} ctl;
	uint8_t q[16];
	struct msghdr m;
	struct icmp_in in;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	icmp_echo_build(q, 8, 0x1111, 0x2222, NULL, 0);
	errq_msg(&m, ctl.b, sizeof(ctl.b), SOL_IP, IP_RECVERR, SO_EE_ORIGIN_ICMP);
	memset(&in, 0, sizeof(in));
	assert_int_equal(icmp_parse_err(&m, SOL_IP, IP_RECVERR, q, 8, &in), 0);
	assert_int_equal(in.kind, ICMP_IN_ERROR);
	assert_int_equal(in.id, 0x1111), assert_int_equal(in.seq, 0x2222);
	assert_int_equal(in.origin, SO_EE_ORIGIN_ICMP);
	assert_int_equal(in.type, 3), assert_int_equal(in.code, 1);
	assert_int_equal(in.err, EHOSTUNREACH);
	assert_int_equal(in.from.family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &in.from.a, a, sizeof(a)), "198.51.100.9");
	/* a quote too short, or of something else than our echo request: not ours */
	assert_int_equal(icmp_parse_err(&m, SOL_IP, IP_RECVERR, q, 7, &in), 0);
	assert_int_equal(in.kind, ICMP_IN_OTHER);
	q[0] = 0;
	assert_int_equal(icmp_parse_err(&m, SOL_IP, IP_RECVERR, q, 8, &in), 0);
	assert_int_equal(in.kind, ICMP_IN_OTHER);
	/* no extended error at the level asked */
	assert_int_equal(icmp_parse_err(&m, SOL_IPV6, IPV6_RECVERR, q, 8, &in), -1);
	assert_int_equal(in.kind, ICMP_IN_OTHER);
	/* IPv6 */
	icmp_echo_build(q, 128, 3, 4, NULL, 0);
	errq_msg(&m, ctl.b, sizeof(ctl.b), SOL_IPV6, IPV6_RECVERR, SO_EE_ORIGIN_ICMP6);
	assert_int_equal(icmp_parse_err(&m, SOL_IPV6, IPV6_RECVERR, q, 8, &in), 0);
	assert_int_equal(in.kind, ICMP_IN_ERROR);
	assert_int_equal(in.id, 3), assert_int_equal(in.seq, 4);
	assert_int_equal(in.from.family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &in.from.a, a, sizeof(a)), "2001:db8::9");
}

/* --- the engine over a fake family --- */

#define QMAX 16

static struct {
	uint64_t now; /* ns, monotonic */
	int arm_ms;
	int send_rc;
	unsigned nsend;
	uint8_t pkt[ICMP_ECHO_HDR + PING_BUF_MAX];
	size_t len;
	struct icmp_in q[QMAX];
	int nq;
	struct ping_probe res[QMAX];
	int nres, ndone;
} fk;

static int
fake_clock(clockid_t clk, struct timespec *ts)
{
	uint64_t t = fk.now + (clk == CLOCK_REALTIME ? 1000000000000ULL : 0);

	ts->tv_sec = (time_t)(t / 1000000000ULL);
	ts->tv_nsec = (long)(t % 1000000000ULL);
	return 0;
}

static void
fake_arm(unsigned ms, void *arg)
{
	(void)arg;
	fk.arm_ms = (int)ms;
}

static int
fake_open(uint16_t id, char *err, size_t errlen)
{
	(void)id, (void)err, (void)errlen;
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int
fake_send(struct icmp_sock *s, const struct ping_params *p, uint8_t *pkt, size_t len,
    const uint8_t *opt, size_t optlen)
{
	(void)s, (void)p, (void)opt, (void)optlen;
	fk.nsend++;
	memcpy(fk.pkt, pkt, len);
	fk.len = len;
	return fk.send_rc;
}

/* The queued answers, errors first as the engine reads them. */
static int
fake_recv(int fd, int errq, uint8_t *buf, struct icmp_in *in)
{
	int i;

	(void)fd, (void)buf;
	for (i = 0; i < fk.nq; i++)
		if ((fk.q[i].kind == ICMP_IN_ERROR) == !!errq) {
			*in = fk.q[i];
			memmove(&fk.q[i], &fk.q[i + 1], sizeof(fk.q[0]) * (size_t)(fk.nq - i - 1));
			fk.nq--;
			return 1;
		}
	return 0;
}

static struct icmp_fam fake4, fake6;

static void
on_probe(void *owner, const struct ping_probe *p)
{
	(void)owner;
	assert_true(fk.nres < QMAX);
	fk.res[fk.nres++] = *p;
}

static void
on_done(void *owner)
{
	(void)owner;
	fk.ndone++;
}

static const struct ping_hooks hooks = { on_probe, on_done };

static int
setup(void **state)
{
	struct ping_engine *e;
	char err[128];

	memset(&fk, 0, sizeof(fk));
	fk.now = 5000 * MS;
	fk.arm_ms = -1;
	fake4 = icmp4_fam, fake6 = icmp6_fam;
	fake4.open = fake6.open = fake_open;
	fake4.send = fake6.send = fake_send;
	fake4.recv = fake6.recv = fake_recv;
	e = ping_engine_new_ops(&fake4, &fake6, err, sizeof(err));
	assert_non_null(e);
	ping_engine_set_clock(e, fake_clock);
	ping_engine_set_arm(e, fake_arm, NULL);
	ping_engine_set_time_source(e, PING_TIME_SOCKET);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	ping_engine_free(*state);
	return 0;
}

/* The reply to what was sent last, with its data; the socket's timestamp after us. */
static struct icmp_in *
queue_reply(uint64_t after_ns)
{
	struct icmp_in *in = &fk.q[fk.nq++];
	uint64_t t = fk.now + 1000000000000ULL + after_ns;

	memset(in, 0, sizeof(*in));
	in->kind = ICMP_IN_REPLY;
	icmp_echo_ids(fk.pkt, fk.len, fk.pkt[0], in);
	in->data = fk.pkt + ICMP_ECHO_HDR;
	in->len = fk.len - ICMP_ECHO_HDR;
	in->has_ttl = 1, in->ttl = 60;
	in->has_ts = 1;
	in->ts.tv_sec = (time_t)(t / 1000000000ULL);
	in->ts.tv_nsec = (long)(t % 1000000000ULL);
	in->from.family = AF_INET;
	return in;
}

static void
test_reply(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");
	const struct ping_counters *c = ping_engine_counters(e);

	assert_non_null(ping_run_start(e, &p, &hooks, NULL));
	assert_int_equal(fk.nsend, 1);
	assert_int_equal(fk.len, 40);
	assert_int_equal(fk.pkt[4] << 8 | fk.pkt[5], ping_engine_ident(e, AF_INET));
	assert_memory_equal(fk.pkt + 16, "ijklmnopqrstuvwabcdefghi", 24); /* after the cookie */
	assert_int_equal(fk.arm_ms, 1000);
	queue_reply(1500 * 1000);
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.nres, 1);
	assert_int_equal(fk.ndone, 1);
	assert_int_equal(fk.res[0].status, PING_SUCCESS);
	assert_int_equal(fk.res[0].index, 1);
	assert_true(fk.res[0].is_reply);
	assert_false(fk.res[0].inconsistent);
	assert_int_equal(fk.res[0].reply_size, 32);
	assert_int_equal(fk.res[0].ttl, 60);
	assert_int_equal(fk.res[0].time_source, PING_TIME_SOCKET);
	assert_int_equal(fk.res[0].rtt_us, 1500);
	assert_int_equal(c->sent, 1), assert_int_equal(c->replies, 1);
	/* the same reply again: a duplicate, no result */
	queue_reply(0);
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.nres, 1);
	assert_int_equal(c->duplicate, 1);
}

static void
test_foreign_garbage(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");
	const struct ping_counters *c = ping_engine_counters(e);
	struct icmp_in *in;

	ping_run_start(e, &p, &hooks, NULL);
	in = queue_reply(0);
	in->id ^= 1; /* another identifier */
	in = queue_reply(0);
	in->seq ^= 0x100; /* a probe we never sent */
	in = queue_reply(0);
	in->kind = ICMP_IN_GARBAGE;
	in = queue_reply(0);
	in->kind = ICMP_IN_ERROR; /* a forged error quoting a probe we never sent */
	in->seq ^= 0x200;
	in->origin = SO_EE_ORIGIN_ICMP;
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.nres, 0);
	assert_int_equal(c->foreign, 3);
	assert_int_equal(c->garbage, 1);
	queue_reply(0); /* our reply on the IPv6 socket: not ours */
	ping_engine_read(e, AF_INET6);
	assert_int_equal(c->foreign, 4);
	assert_int_equal(fk.nres, 0);
}

static void
test_inconsistent(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");
	static uint8_t bad[40];
	struct icmp_in *in;

	ping_run_start(e, &p, &hooks, NULL);
	in = queue_reply(0);
	memcpy(bad, in->data, in->len);
	bad[0] ^= 0xff; /* the cookie */
	in->data = bad;
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.nres, 1);
	assert_int_equal(fk.res[0].status, PING_SUCCESS);
	assert_true(fk.res[0].inconsistent);
	ping_run_start(e, &p, &hooks, NULL);
	in = queue_reply(0);
	in->len--; /* shorter than sent */
	ping_engine_read(e, AF_INET);
	assert_true(fk.res[1].inconsistent);
	ping_run_start(e, &p, &hooks, NULL);
	in = queue_reply(0);
	memcpy(bad, in->data, in->len);
	bad[20] = 'Z'; /* the pattern */
	in->data = bad;
	ping_engine_read(e, AF_INET);
	assert_true(fk.res[2].inconsistent);
	p.bufsize = 0; /* no data: nothing to differ */
	ping_run_start(e, &p, &hooks, NULL);
	queue_reply(0);
	ping_engine_read(e, AF_INET);
	assert_false(fk.res[3].inconsistent);
	assert_int_equal(fk.res[3].reply_size, 0);
}

static void
test_error(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("2001:db8::1");
	struct icmp_in *in;

	p.dst.family = AF_INET6;
	ping_run_start(e, &p, &hooks, NULL);
	assert_int_equal(fk.pkt[0], 128);
	in = queue_reply(2000 * 1000);
	in->kind = ICMP_IN_ERROR;
	in->origin = SO_EE_ORIGIN_ICMP6;
	in->type = 3, in->code = 0;
	in->from.family = AF_INET6;
	in->id = ping_engine_ident(e, AF_INET6);
	ping_engine_read(e, AF_INET6);
	assert_int_equal(fk.nres, 1);
	assert_int_equal(fk.res[0].status, PING_TTL_EXPIRED_TRANSIT);
	assert_false(fk.res[0].is_reply);
	assert_int_equal(fk.res[0].from.family, AF_INET6);
	assert_int_equal(fk.res[0].rtt_us, 2000);
	assert_int_equal(ping_engine_counters(e)->errors, 1);
}

static void
test_late(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");
	const struct ping_counters *c = ping_engine_counters(e);
	struct ping_run *r;

	r = ping_run_start(e, &p, &hooks, NULL);
	ping_run_cancel(r);
	queue_reply(0);
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.nres, 0);
	assert_int_equal(fk.ndone, 0);
	assert_int_equal(c->late, 1);
	/* timed out, then the reply */
	ping_run_start(e, &p, &hooks, NULL);
	fk.now += 1000 * MS;
	ping_engine_tick(e);
	assert_int_equal(fk.nres, 1);
	assert_int_equal(fk.res[0].status, PING_REQ_TIMED_OUT);
	assert_int_equal(fk.res[0].time_source, PING_TIME_NONE);
	assert_int_equal(fk.ndone, 1);
	queue_reply(0);
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.nres, 1);
	assert_int_equal(c->late, 2);
}

static void
test_send_error(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");

	fk.send_rc = -EHOSTUNREACH;
	ping_run_start(e, &p, &hooks, NULL);
	assert_int_equal(fk.nres, 0); /* not from inside ping_run_start */
	assert_int_equal(fk.arm_ms, 0);
	ping_engine_tick(e);
	assert_int_equal(fk.nres, 1);
	assert_int_equal(fk.res[0].status, PING_DEST_HOST_UNREACHABLE);
	assert_int_equal(fk.ndone, 1);
	assert_int_equal(ping_engine_counters(e)->send_errors, 1);
}

static void
test_bad_destination(void **state)
{
	static const char *bad[] = { "224.0.0.1", "255.255.255.255", "0.0.0.0", "ff02::1", "::" };
	struct ping_engine *e = *state;
	struct ping_params p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = params4(bad[i]);
		p.count = 2;
		ping_run_start(e, &p, &hooks, NULL);
		assert_int_equal(fk.nres, 2 * (int)i);
		ping_engine_tick(e);
		assert_int_equal(fk.nres, 2 * (int)i + 2);
		assert_int_equal(fk.res[2 * i].status, PING_BAD_DESTINATION);
		assert_int_equal(fk.res[2 * i + 1].index, 2);
	}
	assert_int_equal(fk.nsend, 0);
	assert_int_equal(fk.ndone, 5);
	p = params4("2001:db8::1");
	p.rr = 2;
	ping_run_start(e, &p, &hooks, NULL);
	ping_engine_tick(e);
	assert_int_equal(fk.res[10].status, PING_BAD_OPTION);
	assert_int_equal(fk.nsend, 0);
}

static void
test_rate(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");

	ping_engine_set_rate(e, 2);
	assert_true(ping_engine_may_start(e));
	ping_run_start(e, &p, &hooks, NULL);
	ping_run_start(e, &p, &hooks, NULL);
	assert_false(ping_engine_may_start(e));
	ping_run_start(e, &p, &hooks, NULL);
	assert_int_equal(fk.nsend, 2); /* the third waits for a token */
	assert_int_equal(fk.arm_ms, 501);
	fk.now += 499 * MS;
	ping_engine_tick(e);
	assert_int_equal(fk.nsend, 2);
	fk.now += 2 * MS;
	ping_engine_tick(e);
	assert_int_equal(fk.nsend, 3);
	assert_false(ping_engine_may_start(e));
	fk.now += 1000 * MS;
	assert_true(ping_engine_may_start(e));
}

static void
test_schedule(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");
	uint16_t seq1;

	p.count = 3, p.interval_ms = 1000, p.timeout_ms = 500;
	ping_run_start(e, &p, &hooks, NULL);
	seq1 = (uint16_t)(fk.pkt[6] << 8 | fk.pkt[7]);
	assert_int_equal(fk.nsend, 1);
	assert_int_equal(fk.arm_ms, 500);
	fk.now += 500 * MS;
	ping_engine_tick(e);
	assert_int_equal(fk.nres, 1);
	assert_int_equal(fk.res[0].status, PING_REQ_TIMED_OUT);
	assert_int_equal(fk.arm_ms, 500);
	fk.now += 500 * MS;
	ping_engine_tick(e);
	assert_int_equal(fk.nsend, 2);
	assert_int_equal((uint16_t)(fk.pkt[6] << 8 | fk.pkt[7]), (uint16_t)(seq1 + 1));
	queue_reply(100 * 1000);
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.nres, 2);
	assert_int_equal(fk.res[1].index, 2);
	assert_int_equal(fk.res[1].status, PING_SUCCESS);
	assert_int_equal(fk.ndone, 0);
	fk.now += 1000 * MS;
	ping_engine_tick(e);
	assert_int_equal(fk.nsend, 3);
	queue_reply(0);
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.nres, 3);
	assert_int_equal(fk.res[2].index, 3);
	assert_int_equal(fk.ndone, 1);
}

/* Capture timestamps of both packets are preferred; one alone is not used. */
static void
test_capture_time(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");
	struct capture_pkt c = { .family = AF_INET, .outgoing = 1, .type = 8 };

	ping_engine_set_time_source(e, PING_TIME_CAPTURE);
	ping_run_start(e, &p, &hooks, NULL);
	c.id = ping_engine_ident(e, AF_INET);
	c.seq = (uint16_t)(fk.pkt[6] << 8 | fk.pkt[7]);
	c.ts.tv_sec = 1000, c.ts.tv_nsec = 1000;
	ping_engine_captured(e, &c);
	c.outgoing = 0, c.type = 0, c.ts.tv_nsec = 43000;
	ping_engine_captured(e, &c);
	queue_reply(900 * 1000);
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.res[0].time_source, PING_TIME_CAPTURE);
	assert_int_equal(fk.res[0].rtt_us, 42);
	ping_run_start(e, &p, &hooks, NULL);
	c.seq = (uint16_t)(fk.pkt[6] << 8 | fk.pkt[7]);
	ping_engine_captured(e, &c); /* the answer only */
	queue_reply(900 * 1000);
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.res[1].time_source, PING_TIME_SOCKET);
	assert_int_equal(fk.res[1].rtt_us, 900);
	/* to an address of this host: the request is seen once, received on the loopback */
	ping_run_start(e, &p, &hooks, NULL);
	c = (struct capture_pkt){ .family = AF_INET, .loopback = 1, .type = 8 };
	c.id = ping_engine_ident(e, AF_INET);
	c.seq = (uint16_t)(fk.pkt[6] << 8 | fk.pkt[7]);
	c.ts.tv_sec = 1000, c.ts.tv_nsec = 1000;
	ping_engine_captured(e, &c);
	c.type = 0, c.ts.tv_nsec = 8000;
	ping_engine_captured(e, &c);
	queue_reply(900 * 1000);
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.res[2].time_source, PING_TIME_CAPTURE);
	assert_int_equal(fk.res[2].rtt_us, 7);
}

/* A run of p started, and the capture's packet of its request, leaving at 1000 s + 1 us. */
static struct capture_pkt
cap_request(struct ping_engine *e, const struct ping_params *p)
{
	struct capture_pkt c = { .family = AF_INET, .outgoing = 1, .type = 8 };

	ping_run_start(e, p, &hooks, NULL);
	c.id = ping_engine_ident(e, AF_INET);
	c.seq = (uint16_t)(fk.pkt[6] << 8 | fk.pkt[7]);
	c.ts.tv_sec = 1000, c.ts.tv_nsec = 1000;
	ping_engine_captured(e, &c);
	c.outgoing = 0;
	return c;
}

/* An answer captured us after the request: type, checksum field, ICMP length. */
static void
cap_answer(struct ping_engine *e, struct capture_pkt c, uint8_t type, uint16_t sum, uint32_t len,
    long us)
{
	c.type = type, c.sum = sum, c.len = len;
	c.ts.tv_nsec += us * 1000;
	c.ttl = 64;
	ping_engine_captured(e, &c);
}

/* The socket's reply (checksum field sum), 900 us after the send, read. */
static void
socket_reply(struct ping_engine *e, uint16_t sum)
{
	queue_reply(900 * 1000)->sum = sum;
	ping_engine_read(e, AF_INET);
}

/*
 * A reply with a bad checksum or corrupted data captured before the real
 * one: the time is the real one's (same checksum field and length as the
 * socket's); the last CANDIDATES answers are kept; none alike: the socket's.
 */
static void
test_capture_candidates(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");
	struct capture_pkt c;
	long i;

	ping_engine_set_time_source(e, PING_TIME_CAPTURE);
	c = cap_request(e, &p);
	cap_answer(e, c, 0, 0x5a5a, 40, 10);  /* a bad checksum */
	cap_answer(e, c, 0, 0x2222, 39, 20);  /* cut short */
	cap_answer(e, c, 0, 0x2222, 40, 150); /* the real one */
	socket_reply(e, 0x2222);
	assert_int_equal(fk.res[0].time_source, PING_TIME_CAPTURE);
	assert_int_equal(fk.res[0].rtt_us, 150);
	c = cap_request(e, &p);
	for (i = 1; i <= 6; i++)
		cap_answer(e, c, 0, 0x1111, 40, i);
	cap_answer(e, c, 0, 0x3333, 0, 70); /* a first fragment: its length unknown */
	socket_reply(e, 0x3333);
	assert_int_equal(fk.res[1].time_source, PING_TIME_CAPTURE);
	assert_int_equal(fk.res[1].rtt_us, 70);
	c = cap_request(e, &p);
	cap_answer(e, c, 0, 0x1111, 40, 5);
	socket_reply(e, 0x4444);
	assert_int_equal(fk.res[2].time_source, PING_TIME_SOCKET);
	assert_int_equal(fk.res[2].rtt_us, 900);
}

/* An error from the error queue: its TTL (and time) from the capture's packet alike. */
static void
test_error_ttl(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");
	struct capture_pkt c;
	struct icmp_in *in;
	int k;

	ping_engine_set_time_source(e, PING_TIME_CAPTURE);
	for (k = 0; k < 3; k++) {
		c = cap_request(e, &p);
		c.code = 0;
		inet_pton(AF_INET, k == 1 ? "198.51.100.8" : "198.51.100.9", c.src);
		if (k < 2) /* k 2: the capture did not see it */
			cap_answer(e, c, 11, 0, 36, 300);
		in = queue_reply(2000 * 1000);
		in->kind = ICMP_IN_ERROR;
		in->origin = SO_EE_ORIGIN_ICMP;
		in->type = 11, in->code = 0;
		in->has_ttl = 0;
		inet_pton(AF_INET, "198.51.100.9", &in->from.a.v4);
		ping_engine_read(e, AF_INET);
	}
	assert_int_equal(fk.nres, 3);
	assert_int_equal(fk.res[0].status, PING_TTL_EXPIRED_TRANSIT);
	assert_true(fk.res[0].has_ttl);
	assert_int_equal(fk.res[0].ttl, 64);
	assert_int_equal(fk.res[0].time_source, PING_TIME_CAPTURE);
	assert_int_equal(fk.res[0].rtt_us, 300);
	assert_false(fk.res[1].has_ttl); /* another router's */
	assert_int_equal(fk.res[1].time_source, PING_TIME_SOCKET);
	assert_false(fk.res[2].has_ttl);
	/* a data-path error (source quench) has its own TTL */
	ping_run_start(e, &p, &hooks, NULL);
	in = queue_reply(0);
	in->kind = ICMP_IN_ERROR;
	in->origin = SO_EE_ORIGIN_ICMP;
	in->type = 4, in->code = 0;
	in->ttl = 33;
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.res[3].status, PING_SOURCE_QUENCH);
	assert_true(fk.res[3].has_ttl);
	assert_int_equal(fk.res[3].ttl, 33);
}

/* A run cancelled from its own probe hook gets no done hook. */
static void
cancel_in_hook(void *owner, const struct ping_probe *p)
{
	on_probe(owner, p);
	ping_run_cancel(*(struct ping_run **)owner);
}

static void
test_cancel_in_hook(void **state)
{
	struct ping_engine *e = *state;
	struct ping_params p = params4("192.0.2.1");
	struct ping_hooks h = { cancel_in_hook, on_done };
	struct ping_run *r;

	p.count = 3;
	r = ping_run_start(e, &p, &h, &r);
	queue_reply(0);
	ping_engine_read(e, AF_INET);
	assert_int_equal(fk.nres, 1);
	fk.now += 5000 * MS;
	ping_engine_tick(e);
	assert_int_equal(fk.nres, 1);
	assert_int_equal(fk.ndone, 0);
	assert_int_equal(fk.nsend, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_icmp),
		cmocka_unit_test(test_status_errno),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_options4),
		cmocka_unit_test(test_options6),
		cmocka_unit_test(test_parse4),
		cmocka_unit_test(test_parse_err),
		cmocka_unit_test(test_parse4_error),
		cmocka_unit_test(test_socket_filter),
		T(test_reply),
		T(test_foreign_garbage),
		T(test_inconsistent),
		T(test_error),
		T(test_late),
		T(test_send_error),
		T(test_bad_destination),
		T(test_rate),
		T(test_schedule),
		T(test_capture_time),
		T(test_capture_candidates),
		T(test_error_ttl),
		T(test_cancel_in_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
