/*
 * ICMPv6 for the ping engine (icmpfam.h).
 *
 * A raw ICMPv6 socket hands a reply over without its IP header (the hop
 * limit comes in an IPV6_HOPLIMIT control message) and the kernel computes
 * and checks the ICMPv6 checksum itself (IPV6_CHECKSUM is always on at
 * offset 2 for raw ICMPv6 sockets).  IPv6 carries none of IPv4's options:
 * a request with record route, timestamps or a source route is badOption.
 */
#define _GNU_SOURCE /* struct in6_pktinfo */
#include "config.h"

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "icmp/icmpfam.h"

static int
icmp6_open(uint16_t id, char *err, size_t errlen)
{
	static const int one = 1;
	struct icmp6_filter f;
	const struct icmp_sockopt o[] = {
		{ IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f) },
		{ SOL_IPV6, IPV6_RECVERR, &one, sizeof(one) },
		{ SOL_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one) },
	};

	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
	return icmp_socket(AF_INET6, IPPROTO_ICMPV6, id, o, sizeof(o) / sizeof(o[0]), err, errlen);
}

static int
icmp6_options(const struct ping_params *p, uint8_t *opt, size_t *optlen)
{
	(void)opt;
	*optlen = 0;
	/* a source route is asked for as in IPv4: a type and a route */
	return p->rr || p->ts || (p->sr_type != PING_SR_NONE && p->nsr > 0) ? PING_BAD_OPTION : 0;
}

static size_t
icmp6_build(uint8_t *buf, uint16_t id, uint16_t seq, const uint8_t *data, size_t n)
{
	return icmp_echo_build(buf, ICMP6_ECHO_REQUEST, id, seq, data, n);
}

_Static_assert(ICMP_CTL_MAX >= CMSG_SPACE(sizeof(int)) * 3 + CMSG_SPACE(sizeof(struct in6_pktinfo)),
    "IPv6's control messages fit");

static int
icmp6_send(struct icmp_sock *s, const struct ping_params *p, uint8_t *pkt, size_t len,
    const uint8_t *opt, size_t optlen)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
		.sin6_addr = p->dst.a.v6,
		.sin6_scope_id = p->dst.scope };
	struct icmp_ctl ctl = { .len = 0 };
	int hl = (int)p->ttl, tc = (int)p->tos, df = !!p->df;

	(void)opt, (void)optlen;
	icmp_put_cmsg(&ctl, SOL_IPV6, IPV6_HOPLIMIT, &hl, sizeof(hl));
	icmp_put_cmsg(&ctl, SOL_IPV6, IPV6_TCLASS, &tc, sizeof(tc));
	icmp_put_cmsg(&ctl, SOL_IPV6, IPV6_DONTFRAG, &df, sizeof(df));
	if (p->src.family == AF_INET6 || p->ifindex) {
		struct in6_pktinfo pi = { .ipi6_ifindex = p->ifindex };

		if (p->src.family == AF_INET6)
			pi.ipi6_addr = p->src.a.v6;
		icmp_put_cmsg(&ctl, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	}
	return icmp_sendmsg(s->fd, &to, sizeof(to), pkt, len, &ctl);
}

static void
hoplimit(struct msghdr *msg, struct icmp_in *in)
{
	struct cmsghdr *c;
	int v;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			in->has_ttl = v >= 0 && v <= 255;
			in->ttl = (uint8_t)v;
		}
}

static void
reply6(struct msghdr *msg, const uint8_t *buf, size_t n, struct icmp_in *in)
{
	const struct sockaddr_in6 *from = msg->msg_name;

	in->kind = ICMP_IN_GARBAGE;
	if (icmp_echo_ids(buf, n, ICMP6_ECHO_REPLY, in) < 0)
		return;
	in->kind = ICMP_IN_REPLY;
	memcpy(&in->sum, buf + 2, 2);
	in->data = buf + ICMP_ECHO_HDR;
	in->len = n - ICMP_ECHO_HDR;
	if (msg->msg_namelen >= sizeof(*from) && from->sin6_family == AF_INET6) {
		in->from.family = AF_INET6;
		in->from.a.v6 = from->sin6_addr;
		in->from.scope = from->sin6_scope_id;
	}
	hoplimit(msg, in);
	icmp_cmsg_ts(msg, in);
}

static int
icmp6_recv(int fd, int errq, uint8_t *buf, struct icmp_in *in)
{
	return icmp_recv(fd, errq, buf, in, SOL_IPV6, IPV6_RECVERR, reply6);
}

const struct icmp_fam icmp6_fam = {
	.family = AF_INET6,
	.name = "IPv6",
	.open = icmp6_open,
	.options = icmp6_options,
	.build = icmp6_build,
	.send = icmp6_send,
	.recv = icmp6_recv,
};
