/*
 * The ping engine's families (private to icmp/): what differs between
 * ICMP over IPv4 (icmp4.c) and ICMPv6 (icmp6.c) is an operations table, and
 * ping.c is the one engine over both.
 *
 * A family opens its raw socket (non-blocking, close-on-exec, filtered in
 * the kernel to echo replies carrying the engine's identifier, and IPv4's
 * source quench and reassembly time exceeded quoting it; errors on the
 * error queue, kernel receive timestamps), checks a request's options
 * (IPv4 options; none on IPv6), builds an echo request, sends it with the
 * request's per-send control messages, and reads what the socket holds:
 * an echo reply or an IPv4 error of the data path, or an error from the
 * error queue.
 *
 * The unit tests give the engine a fake table (ping_engine_new_ops), a
 * clock of their own, and call its timer and its reads by hand.
 */
#ifndef CIMR_ICMPFAM_H
#define CIMR_ICMPFAM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <sys/socket.h>

#include "icmp/ping.h"

struct capture_pkt;

#define ICMP_ECHO_HDR 8  /* type, code, checksum, id, seq */
#define ICMP_OPT_MAX  40 /* IPv4 options in a header */
#define ICMP_RX_MAX   (65536 + 512)

/* What a read found. */
enum icmp_in_kind {
	ICMP_IN_NONE = 0, /* nothing to read (EAGAIN) */
	ICMP_IN_REPLY,    /* an echo reply */
	ICMP_IN_ERROR,    /* an error-queue entry quoting an echo request */
	ICMP_IN_GARBAGE,  /* too short, bad checksum, not an echo reply */
	ICMP_IN_OTHER,    /* an error-queue entry quoting nothing of ours (local, other protocol) */
};

/* One answer read from a family's socket. */
struct icmp_in {
	int kind;                /* enum icmp_in_kind */
	uint16_t id, seq;        /* of the reply, or of the request an error quotes */
	uint16_t sum;            /* a reply's ICMP checksum field, as on the wire */
	const uint8_t *data;     /* the reply's data after its echo header */
	size_t len;              /* its length */
	int origin;              /* an error's SO_EE_ORIGIN_* */
	int type, code;          /* an error's ICMP type and code */
	int err;                 /* an error's errno */
	struct ping_target from; /* who sent it (the offender of an error) */
	int has_ttl;
	uint8_t ttl;
	int has_ts;
	struct timespec ts; /* SO_TIMESTAMPNS: CLOCK_REALTIME */
	uint32_t nrr;       /* the reply's IPv4 options */
	struct in_addr rr[PING_RR_MAX];
	uint32_t nts;
	struct in_addr ts_addr[PING_TS_MAX];
	uint32_t tsv[PING_TS_MAX];
};

/* A family's socket state kept between sends. */
struct icmp_sock {
	int fd;
	int df; /* IPv4: the IP_MTU_DISCOVER in force (1: DO); -1 unknown */
};

struct icmp_fam {
	int family; /* AF_INET, AF_INET6 */
	const char *name;
	/* Open the socket for identifier id: the fd, or -1 with err filled. */
	int (*open)(uint16_t id, char *err, size_t errlen);
	/* The request's options into opt (ICMP_OPT_MAX): 0 with *optlen, or a PING_* status. */
	int (*options)(const struct ping_params *, uint8_t *opt, size_t *optlen);
	/* An echo request of id, seq with data (n bytes) into buf: its length. */
	size_t (*build)(uint8_t *buf, uint16_t id, uint16_t seq, const uint8_t *data, size_t n);
	/* Send it with the request's options: 0, or -errno. */
	int (*send)(struct icmp_sock *, const struct ping_params *, uint8_t *pkt, size_t len,
	    const uint8_t *opt, size_t optlen);
	/* Read one answer (errq: the error queue) into buf (ICMP_RX_MAX); -1 on a read error. */
	int (*recv)(int fd, int errq, uint8_t *buf, struct icmp_in *in);
};

extern const struct icmp_fam icmp4_fam, icmp6_fam;

/* The shared parts of both families (icmp4.c). */
uint16_t icmp_checksum(const void *data, size_t len);
size_t icmp_echo_build(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq, const uint8_t *data,
    size_t n);
/*
 * The classic BPF program of a family's socket (up to ICMP_FILTER_MAX
 * instructions into code; its length): echo replies of id; IPv4 also
 * source quench and reassembly time exceeded quoting an echo request of id
 * (the kernel queues neither to a raw socket's error queue).
 */
#define ICMP_FILTER_MAX 24
size_t icmp_filter_prog(uint16_t id, int ipv4, struct sock_filter *code);
int icmp_attach_filter(int fd, uint16_t id, int ipv4);
/* A socket option of a family's socket. */
struct icmp_sockopt {
	int level, name;
	const void *v;
	socklen_t len;
};
/*
 * A family's socket: the common setup (non-blocking raw socket, timestamps,
 * buffer), the family's n options o, the BPF program for id: fd, or -1
 * with err.
 */
int icmp_socket(int family, int proto, uint16_t id, const struct icmp_sockopt *o, size_t n,
    char *err, size_t errlen);
/* A message's control data: the SO_TIMESTAMPNS into in. */
void icmp_cmsg_ts(struct msghdr *msg, struct icmp_in *in);
/* An error-queue message's sock_extended_err (level, type): 0 with in filled, or -1 (OTHER). */
int icmp_parse_err(struct msghdr *msg, int level, int type, const uint8_t *buf, size_t n,
    struct icmp_in *in);
/* The quoted echo request of an error, or an echo reply's header: id and seq; -1 if short. */
int icmp_echo_ids(const uint8_t *p, size_t n, uint8_t want_type, struct icmp_in *in);
/* The control messages of one send, one after the other (each family checks its most fits). */
#define ICMP_CTL_MAX 256
struct icmp_ctl {
	union {
		char buf[ICMP_CTL_MAX];
		struct cmsghdr align;
	} u;
	size_t len;
};
/* A control message after those in ctl. */
void icmp_put_cmsg(struct icmp_ctl *ctl, int level, int type, const void *v, size_t len);
/* Send pkt to (tolen bytes) with ctl's control messages, without waiting: 0, or -errno. */
int icmp_sendmsg(int fd, void *to, socklen_t tolen, uint8_t *pkt, size_t len, struct icmp_ctl *ctl);
/* A datagram's reply parse (the family's): in filled, kind REPLY or GARBAGE. */
typedef void (*icmp_reply_fn)(struct msghdr *, const uint8_t *buf, size_t n, struct icmp_in *);
/* Read one datagram (errq: the error queue, its sock_extended_err at level, type): 1, 0, -1. */
int icmp_recv(int fd, int errq, uint8_t *buf, struct icmp_in *in, int level, int type,
    icmp_reply_fn reply);

/*
 * IPv4's data-path parse (for the unit tests): a datagram with its IP
 * header, an echo reply (REPLY), or a source quench or time exceeded
 * quoting an echo request (ERROR, its TTL and source from the header);
 * else GARBAGE and -1.
 */
int icmp4_parse_reply(const uint8_t *p, size_t n, struct icmp_in *in);

/* The engine over given families (either may be NULL): for the unit tests. */
struct ping_engine *ping_engine_new_ops(const struct icmp_fam *f4, const struct icmp_fam *f6,
    char *err, size_t errlen);
/* The engine's clock (CLOCK_MONOTONIC and CLOCK_REALTIME): clock_gettime by default. */
typedef int (*ping_clock_fn)(clockid_t, struct timespec *);
void ping_engine_set_clock(struct ping_engine *, ping_clock_fn);
/* Where the engine asks for its timer (ping_engine_start points it at the loop). */
void ping_engine_set_arm(struct ping_engine *, loop_arm_fn, void *arg);
/* The engine's timer, and a family's socket readable (what the loop calls). */
void ping_engine_tick(void *engine);
void ping_engine_read(struct ping_engine *, int family);
/* A packet the capture saw (the capture's callback). */
void ping_engine_captured(void *engine, const struct capture_pkt *);
/* The engine's identifier of a family. */
uint16_t ping_engine_ident(const struct ping_engine *, int family);

#endif
