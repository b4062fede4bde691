/*
 * ICMP over IPv4 for the ping engine (icmpfam.h), and what both families
 * share: the socket's common setup and its options, the BPF program, the
 * echo header, a send with its control messages, the error queue's
 * sock_extended_err.
 *
 * The raw IPv4 socket hands a reply over with its IP header (the TTL and
 * the options recorded on the way come from there) and does not check the
 * ICMP checksum: we do.  IPv4 options go per send in an IP_RETOPTS control
 * message: ip_cmsg_send() takes it for raw sockets as for UDP (raw_sendmsg()
 * calls it, and a source route's first hop becomes the next hop), so no
 * setsockopt(IP_OPTIONS) lingers between sends.  The kernel cuts an
 * IP_RETOPTS longer than 40 octets silently, hence optionTooBig before.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "icmp/icmpfam.h"

#define RCVBUF_BYTES (4 << 20) /* 1,000 probes in flight, replies up to a few kB */
#define ICMP4_ECHO   8
#define ICMP4_REPLY  0

uint16_t
icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

size_t
icmp_echo_build(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq, const uint8_t *data,
    size_t n)
{
	uint16_t nid = htons(id), nseq = htons(seq);

	buf[0] = type;
	buf[1] = 0;
	memset(buf + 2, 0, 2);
	memcpy(buf + 4, &nid, 2);
	memcpy(buf + 6, &nseq, 2);
	if (n)
		memcpy(buf + ICMP_ECHO_HDR, data, n);
	return ICMP_ECHO_HDR + n;
}

/* IPv6 (no header before the ICMPv6 one): echo replies of id. */
static size_t
filter6(uint16_t id, struct sock_filter *c)
{
	const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, id, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};

	memcpy(c, prog, sizeof(prog));
	return sizeof(prog) / sizeof(prog[0]);
}

/*
 * IPv4 (X: the IP header's length): an echo reply of id, or a source quench
 * or reassembly time exceeded (11/1) quoting an ICMP echo request of id
 * after an inner IP header of its own length.  Time exceeded in transit
 * comes from the error queue: it stays out, so that no probe has two.
 */
static size_t
filter4(uint16_t id, struct sock_filter *c)
{
	/* the jumps count from the next instruction: ACCEPT is 20, DROP 21 */
	const struct sock_filter prog[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0), /* type */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_ECHOREPLY, 15, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_SOURCE_QUENCH, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_TIME_EXCEEDED, 0, 16),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 1), /* 5: code */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_EXC_FRAGTIME, 0, 14),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 8 + 9), /* 7: the quoted protocol */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, 0, 12),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 8), /* the quoted header's length */
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 2),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0), /* X + 8: the quoted ICMP header */
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 8),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_ECHO, 0, 5),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 8 + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, id, 2, 3),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4), /* 18: a reply's id */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, id, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};

	memcpy(c, prog, sizeof(prog));
	return sizeof(prog) / sizeof(prog[0]);
}

size_t
icmp_filter_prog(uint16_t id, int ipv4, struct sock_filter *code)
{
	return ipv4 ? filter4(id, code) : filter6(id, code);
}

int
icmp_attach_filter(int fd, uint16_t id, int ipv4)
{
	struct sock_filter code[ICMP_FILTER_MAX];
	struct sock_fprog prog = { .filter = code };

	prog.len = (unsigned short)icmp_filter_prog(id, ipv4, code);
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int
sock_fail(int fd, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	close(fd);
	return -1;
}

int
icmp_socket(int family, int proto, uint16_t id, const struct icmp_sockopt *o, size_t n, char *err,
    size_t errlen)
{
	int fd, one = 1, bytes = RCVBUF_BYTES;
	size_t i;

	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0) {
		snprintf(err, errlen, "raw socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0)
		return sock_fail(fd, "SO_TIMESTAMPNS", err, errlen);
	for (i = 0; i < n && setsockopt(fd, o[i].level, o[i].name, o[i].v, o[i].len) == 0; i++)
		;
	if (i < n || icmp_attach_filter(fd, id, family == AF_INET) < 0)
		return sock_fail(fd,
		    family == AF_INET ? "IPv4 socket options" : "IPv6 socket options", err, errlen);
	return fd;
}

void
icmp_cmsg_ts(struct msghdr *msg, struct icmp_in *in)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			memcpy(&in->ts, CMSG_DATA(c), sizeof(in->ts));
			in->has_ts = 1;
		}
}

int
icmp_echo_ids(const uint8_t *p, size_t n, uint8_t want_type, struct icmp_in *in)
{
	uint16_t v;

	if (n < ICMP_ECHO_HDR || p[0] != want_type)
		return -1;
	memcpy(&v, p + 4, 2);
	in->id = ntohs(v);
	memcpy(&v, p + 6, 2);
	in->seq = ntohs(v);
	return 0;
}

static void
offender(const struct sock_extended_err *ee, size_t room, struct ping_target *t)
{
	const struct sockaddr *sa = SO_EE_OFFENDER(ee);
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;

	t->family = AF_UNSPEC;
	if (room >= sizeof(*ee) + sizeof(s4) && sa->sa_family == AF_INET) {
		memcpy(&s4, sa, sizeof(s4));
		t->family = AF_INET;
		t->a.v4 = s4.sin_addr;
	} else if (room >= sizeof(*ee) + sizeof(s6) && sa->sa_family == AF_INET6) {
		memcpy(&s6, sa, sizeof(s6));
		t->family = AF_INET6;
		t->a.v6 = s6.sin6_addr;
		t->scope = s6.sin6_scope_id;
	}
}

int
icmp_parse_err(struct msghdr *msg, int level, int type, const uint8_t *buf, size_t n,
    struct icmp_in *in)
{
	struct sock_extended_err ee;
	struct cmsghdr *c;
	size_t room;

	in->kind = ICMP_IN_OTHER;
	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		room = c->cmsg_len - CMSG_LEN(0);
		if (c->cmsg_level != level || c->cmsg_type != type || room < sizeof(ee))
			continue;
		memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		in->origin = ee.ee_origin;
		in->type = ee.ee_type;
		in->code = ee.ee_code;
		in->err = (int)ee.ee_errno;
		offender((const struct sock_extended_err *)CMSG_DATA(c), room, &in->from);
		icmp_cmsg_ts(msg, in);
		in->kind = icmp_echo_ids(buf, n, level == SOL_IP ? ICMP4_ECHO : 128, in) == 0 ?
		    ICMP_IN_ERROR :
		    ICMP_IN_OTHER;
		return 0;
	}
	return -1;
}

int
icmp_recv(int fd, int errq, uint8_t *buf, struct icmp_in *in, int level, int type,
    icmp_reply_fn reply)
{
	char ctl[512];
	struct sockaddr_in6 from; /* room for either family */
	struct iovec iov = { buf, ICMP_RX_MAX };
	struct msghdr msg = { .msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl,
		.msg_controllen = sizeof(ctl) };
	ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | (errq ? MSG_ERRQUEUE : 0));

	memset(in, 0, sizeof(*in));
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	if (!errq && (n == 0 || (msg.msg_flags & MSG_TRUNC)))
		in->kind = ICMP_IN_GARBAGE;
	else if (errq)
		(void)icmp_parse_err(&msg, level, type, buf, (size_t)n, in);
	else
		reply(&msg, buf, (size_t)n, in);
	return 1;
}

/* IPv4 options of a reply: the recorded route and timestamps. */
static void
opt_rr(const uint8_t *o, size_t len, struct icmp_in *in)
{
	size_t i, n = o[2] >= 4 ? (size_t)(o[2] - 4) / 4 : 0;

	if (n > (len - 3) / 4)
		n = (len - 3) / 4;
	for (i = 0; i < n && i < PING_RR_MAX; i++)
		memcpy(&in->rr[i], o + 3 + 4 * i, 4);
	in->nrr = (uint32_t)i;
}

static void
opt_ts(const uint8_t *o, size_t len, struct icmp_in *in)
{
	size_t i, n = o[2] >= 5 ? (size_t)(o[2] - 5) / 8 : 0;
	uint32_t v;

	if (len < 4 || (o[3] & 0xf) != 1)
		return;
	if (n > (len - 4) / 8)
		n = (len - 4) / 8;
	for (i = 0; i < n && i < PING_TS_MAX; i++) {
		memcpy(&in->ts_addr[i], o + 4 + 8 * i, 4);
		memcpy(&v, o + 8 + 8 * i, 4);
		in->tsv[i] = ntohl(v);
	}
	in->nts = (uint32_t)i;
}

static void
parse_options(const uint8_t *o, size_t n, struct icmp_in *in)
{
	size_t i = 0, len;

	while (i < n && o[i] != IPOPT_END) {
		if (o[i] == IPOPT_NOOP) {
			i++;
			continue;
		}
		if (i + 2 > n || (len = o[i + 1]) < 3 || i + len > n)
			return;
		if (o[i] == IPOPT_RR)
			opt_rr(o + i, len, in);
		else if (o[i] == IPOPT_TS)
			opt_ts(o + i, len, in);
		i += len;
	}
}

/* A source quench or time exceeded on the data path: the echo request it quotes (p: its ICMP). */
static int
parse_error4(const uint8_t *ip, const uint8_t *p, size_t n, struct icmp_in *in)
{
	size_t il = n >= ICMP_ECHO_HDR + 20 ? (size_t)(p[8] & 0xf) * 4 : 0;

	if (il < 20 || n < 8 + il || (p[8] >> 4) != 4 || p[8 + 9] != IPPROTO_ICMP ||
	    icmp_echo_ids(p + 8 + il, n - 8 - il, ICMP4_ECHO, in) < 0)
		return -1;
	in->kind = ICMP_IN_ERROR;
	in->origin = SO_EE_ORIGIN_ICMP;
	in->type = p[0];
	in->code = p[1];
	in->has_ttl = 1;
	in->ttl = ip[8];
	in->from.family = AF_INET;
	memcpy(&in->from.a.v4, ip + 12, 4);
	return 0;
}

int
icmp4_parse_reply(const uint8_t *p, size_t n, struct icmp_in *in)
{
	size_t hl = n ? (size_t)(p[0] & 0xf) * 4 : 0;

	in->kind = ICMP_IN_GARBAGE;
	if (n < 20 || (p[0] >> 4) != 4 || hl < 20 || n < hl + ICMP_ECHO_HDR || p[9] != IPPROTO_ICMP)
		return -1;
	if (icmp_checksum(p + hl, n - hl) != 0)
		return -1;
	if (p[hl] == ICMP_SOURCE_QUENCH || p[hl] == ICMP_TIME_EXCEEDED)
		return parse_error4(p, p + hl, n - hl, in);
	if (icmp_echo_ids(p + hl, n - hl, ICMP4_REPLY, in))
		return -1;
	in->kind = ICMP_IN_REPLY;
	memcpy(&in->sum, p + hl + 2, 2);
	in->has_ttl = 1;
	in->ttl = p[8];
	in->from.family = AF_INET;
	memcpy(&in->from.a.v4, p + 12, 4);
	parse_options(p + 20, hl - 20, in);
	in->data = p + hl + ICMP_ECHO_HDR;
	in->len = n - hl - ICMP_ECHO_HDR;
	return 0;
}

static int
icmp4_open(uint16_t id, char *err, size_t errlen)
{
	static const int one = 1, pmtu = IP_PMTUDISC_DONT;
	/* echo replies; source quench and time exceeded, which no error queue gets */
	static const uint32_t mask =
	    ~(1U << ICMP_ECHOREPLY | 1U << ICMP_SOURCE_QUENCH | 1U << ICMP_TIME_EXCEEDED);
	static const struct icmp_sockopt o[] = {
		{ SOL_RAW, ICMP_FILTER, &mask, sizeof(mask) },
		{ SOL_IP, IP_RECVERR, &one, sizeof(one) },
		{ SOL_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu) },
	};

	return icmp_socket(AF_INET, IPPROTO_ICMP, id, o, sizeof(o) / sizeof(o[0]), err, errlen);
}

/*
 * A source route as the kernel takes it: the hops only.  It makes the first
 * hop the next hop, moves the others up, and writes the target into the
 * last slot: on the wire, hops 2..n and the target, 3 + 4n octets.
 */
static size_t
put_route(uint8_t *o, uint8_t type, const struct ping_params *p)
{
	uint8_t len = (uint8_t)(3 + 4 * p->nsr);

	o[0] = type;
	o[1] = len;
	o[2] = 4;
	memcpy(o + 3, p->sr, 4 * (size_t)p->nsr);
	return len;
}

static int
icmp4_options(const struct ping_params *p, uint8_t *o, size_t *optlen)
{
	int sr = p->sr_type != PING_SR_NONE && p->nsr > 0;
	size_t need = 0, n = 0;

	if (p->nsr > PING_SR_MAX || p->rr > PING_RR_MAX || p->ts > PING_TS_MAX)
		return PING_BAD_OPTION;
	need += sr ? 3 + 4 * p->nsr : 0;
	need += p->rr ? 3 + 4 * p->rr : 0;
	need += p->ts ? 4 + 8 * p->ts : 0;
	if (need > ICMP_OPT_MAX)
		return PING_OPTION_TOO_BIG;
	memset(o, 0, ICMP_OPT_MAX);
	if (sr)
		n += put_route(o, p->sr_type == PING_SR_STRICT ? IPOPT_SSRR : IPOPT_LSRR, p);
	if (p->rr) {
		o[n] = IPOPT_RR, o[n + 1] = (uint8_t)(3 + 4 * p->rr), o[n + 2] = 4;
		n += 3 + 4 * p->rr;
	}
	if (p->ts) {
		o[n] = IPOPT_TS, o[n + 1] = (uint8_t)(4 + 8 * p->ts), o[n + 2] = 5;
		o[n + 3] = IPOPT_TS_TSANDADDR;
		n += 4 + 8 * p->ts;
	}
	*optlen = n;
	return 0;
}

static size_t
icmp4_build(uint8_t *buf, uint16_t id, uint16_t seq, const uint8_t *data, size_t n)
{
	size_t len = icmp_echo_build(buf, ICMP4_ECHO, id, seq, data, n);
	uint16_t sum = icmp_checksum(buf, len);

	memcpy(buf + 2, &sum, 2);
	return len;
}

/* Don't Fragment is a socket setting: change it only when it differs from the last send. */
static int
set_df(struct icmp_sock *s, int df)
{
	int v = df ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT;

	if (s->df == !!df)
		return 0;
	if (setsockopt(s->fd, SOL_IP, IP_MTU_DISCOVER, &v, sizeof(v)) < 0)
		return -errno;
	s->df = !!df;
	return 0;
}

void
icmp_put_cmsg(struct icmp_ctl *ctl, int level, int type, const void *v, size_t len)
{
	struct cmsghdr *c = (struct cmsghdr *)(ctl->u.buf + ctl->len);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), v, len);
	ctl->len += CMSG_SPACE(len);
}

int
icmp_sendmsg(int fd, void *to, socklen_t tolen, uint8_t *pkt, size_t len, struct icmp_ctl *ctl)
{
	struct iovec iov = { pkt, len };
	struct msghdr m = { .msg_name = to,
		.msg_namelen = tolen,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl->u.buf,
		.msg_controllen = ctl->len };

	return sendmsg(fd, &m, MSG_DONTWAIT) < 0 ? -errno : 0;
}

_Static_assert(ICMP_CTL_MAX >= CMSG_SPACE(sizeof(int)) * 2 + CMSG_SPACE(sizeof(struct in_pktinfo)) +
	    CMSG_SPACE(ICMP_OPT_MAX),
    "IPv4's control messages fit");

static int
icmp4_send(struct icmp_sock *s, const struct ping_params *p, uint8_t *pkt, size_t len,
    const uint8_t *opt, size_t optlen)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = p->dst.a.v4 };
	struct icmp_ctl ctl = { .len = 0 };
	int ttl = (int)p->ttl, tos = (int)p->tos, rc;

	if ((rc = set_df(s, p->df)) < 0)
		return rc;
	icmp_put_cmsg(&ctl, SOL_IP, IP_TTL, &ttl, sizeof(ttl));
	icmp_put_cmsg(&ctl, SOL_IP, IP_TOS, &tos, sizeof(tos));
	if (p->src.family == AF_INET || p->ifindex) {
		struct in_pktinfo pi = { .ipi_ifindex = (int)p->ifindex };

		if (p->src.family == AF_INET)
			pi.ipi_spec_dst = p->src.a.v4;
		icmp_put_cmsg(&ctl, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
	}
	if (optlen)
		icmp_put_cmsg(&ctl, SOL_IP, IP_RETOPTS, opt, optlen);
	return icmp_sendmsg(s->fd, &to, sizeof(to), pkt, len, &ctl);
}

static void
reply4(struct msghdr *msg, const uint8_t *buf, size_t n, struct icmp_in *in)
{
	if (icmp4_parse_reply(buf, n, in) == 0)
		icmp_cmsg_ts(msg, in);
}

static int
icmp4_recv(int fd, int errq, uint8_t *buf, struct icmp_in *in)
{
	return icmp_recv(fd, errq, buf, in, SOL_IP, IP_RECVERR, reply4);
}

const struct icmp_fam icmp4_fam = {
	.family = AF_INET,
	.name = "IPv4",
	.open = icmp4_open,
	.options = icmp4_options,
	.build = icmp4_build,
	.send = icmp4_send,
	.recv = icmp4_recv,
};
