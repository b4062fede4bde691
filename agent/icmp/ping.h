/*
 * The ICMP echo engine: the probes of ping requests, for IPv4 and IPv6,
 * inside the one event loop.
 *
 * One raw socket per family, opened at start (before privileges are
 * dropped: afterwards only CAP_NET_RAW would be needed to open it), made
 * non-blocking and filtered in the kernel: ICMP_FILTER / ICMP6_FILTER pass
 * only echo replies (IPv4: also source quench and time exceeded), and a
 * BPF program only those carrying the engine's identifier (IPv4: source
 * quench and reassembly time exceeded quoting an echo request of it).
 * Other ICMP errors for our probes (and local errors: a neighbour that
 * does not answer) come from the socket's error queue (IP_RECVERR,
 * IPV6_RECVERR), matched by the probe they quote; Linux queues no source
 * quench and no reassembly time exceeded there, so those two come from the
 * data path, and each error comes one way only.  Every request option is
 * per send (sendmsg() control messages: IP_TTL, IP_TOS, IP_PKTINFO,
 * IP_RETOPTS; IPV6_HOPLIMIT, IPV6_TCLASS, IPV6_DONTFRAG, IPV6_PKTINFO),
 * except IPv4's Don't Fragment (IP_MTU_DISCOVER, set before the send when
 * it differs).
 *
 * A run is one activation of a ping row: count probes, one every
 * interval_ms, each with its own timeout.  Every probe is a timer and an
 * answer read from a socket: nothing waits.  A probe's result goes to the
 * owner's probe hook, and the run's end to its done hook.
 *
 * Response times: by default the time the request was handed to the socket
 * and the kernel's receive timestamp of the answer (SO_TIMESTAMPNS,
 * PING_TIME_SOCKET), what iputils' ping and Windows measure; with
 * ping_engine_set_time_source(PING_TIME_CAPTURE), the timestamps of a
 * libpcap capture (icmp/capture.h) of the request leaving and the answer
 * arriving: the network's delay without this host's own send path (30 to
 * 50 us less on a veth here, a third of the spread; README, *Ping through
 * SNMP*).  The capture is open while probes are outstanding either way: it
 * alone sees the header of an ICMP error, whose TTL the error queue lacks.
 *
 * No net-snmp here: the glue (snmp/mib_ping.c) owns the rows.
 */
#ifndef CIMR_PING_H
#define CIMR_PING_H

#include <netinet/in.h>
#include <stdint.h>
#include <time.h>

#include "snmp/loop.h"

/* The IP_* status codes of the Windows ICMP API (CIM-ROUTE-MIB's CimPingStatus). */
enum ping_status {
	PING_SUCCESS = 0,
	PING_BUF_TOO_SMALL = 11001,
	PING_DEST_NET_UNREACHABLE = 11002,
	PING_DEST_HOST_UNREACHABLE = 11003,
	PING_DEST_PROT_UNREACHABLE = 11004, /* also IP_DEST_PROHIBITED */
	PING_DEST_PORT_UNREACHABLE = 11005,
	PING_NO_RESOURCES = 11006,
	PING_BAD_OPTION = 11007,
	PING_HW_ERROR = 11008,
	PING_PACKET_TOO_BIG = 11009,
	PING_REQ_TIMED_OUT = 11010,
	PING_BAD_REQ = 11011,
	PING_BAD_ROUTE = 11012,
	PING_TTL_EXPIRED_TRANSIT = 11013,
	PING_TTL_EXPIRED_REASSEM = 11014,
	PING_PARAM_PROBLEM = 11015,
	PING_SOURCE_QUENCH = 11016,
	PING_OPTION_TOO_BIG = 11017,
	PING_BAD_DESTINATION = 11018,
	PING_NEGOTIATING_IPSEC = 11032,
	PING_DEST_UNREACHABLE = 11040,
	PING_TIME_EXCEEDED = 11041,
	PING_BAD_HEADER = 11042,
	PING_UNRECOGNIZED_NEXT_HEADER = 11043,
	PING_ICMP_ERROR = 11044,
	PING_DEST_SCOPE_MISMATCH = 11045,
	PING_GENERAL_FAILURE = 11050,
};

enum ping_time_source {
	PING_TIME_NONE = 0,
	PING_TIME_CAPTURE = 1, /* cimPingTimeSource capture(1) */
	PING_TIME_SOCKET = 2,  /* socket(2) */
};

union ping_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

/* An address of either family; scope: the interface of an IPv6 link-local address, else 0. */
struct ping_target {
	int family; /* AF_INET, AF_INET6; AF_UNSPEC: none */
	union ping_addr a;
	uint32_t scope;
};

#define PING_RR_MAX  9 /* addresses in the record-route option */
#define PING_TS_MAX  4 /* address and timestamp pairs in the timestamp option */
#define PING_SR_MAX  9 /* hops of a source route */
#define PING_BUF_MAX 65500

enum ping_sr_type { PING_SR_NONE = 0, PING_SR_LOOSE = 1, PING_SR_STRICT = 2 };

/* A request's parameters, checked by the glue against the MIB's ranges. */
struct ping_params {
	struct ping_target dst;
	struct ping_target src; /* AF_UNSPEC: the kernel chooses */
	uint32_t ifindex;       /* 0: the route decides */
	uint32_t bufsize;       /* 0..PING_BUF_MAX */
	uint32_t ttl;           /* 1..255 */
	uint32_t tos;           /* 0..255 */
	int df;                 /* Don't Fragment */
	uint32_t timeout_ms;    /* 1..600000 */
	uint32_t rr;            /* 0..PING_RR_MAX hops to record */
	uint32_t ts;            /* 0..PING_TS_MAX hops to timestamp */
	int sr_type;            /* enum ping_sr_type */
	uint32_t nsr;           /* hops of sr */
	struct in_addr sr[PING_SR_MAX];
	uint32_t count;       /* 1..1000 probes */
	uint32_t interval_ms; /* between the starts of two probes */
};

/* One probe's result. */
struct ping_probe {
	uint32_t index;       /* 1..count */
	int status;           /* enum ping_status */
	struct timespec when; /* CLOCK_REALTIME: when the result was known */
	int time_source;      /* enum ping_time_source; NONE: no rtt */
	uint32_t rtt_us;
	int has_ttl;
	uint8_t ttl;  /* of the answer */
	int is_reply; /* an echo reply: reply_size and inconsistent are set */
	uint32_t reply_size;
	int inconsistent;        /* the reply's data differs from what was sent */
	struct ping_target from; /* who answered (the router for an error); AF_UNSPEC: none */
	uint32_t nrr;            /* the record-route option of the reply */
	struct in_addr rr[PING_RR_MAX];
	uint32_t nts; /* the timestamp option of the reply */
	struct in_addr ts_addr[PING_TS_MAX];
	uint32_t ts[PING_TS_MAX];
};

/* The owner's hooks for one run. */
struct ping_hooks {
	/* A probe's result is known (any order of index). */
	void (*probe)(void *owner, const struct ping_probe *);
	/* Every probe has its result; the run is freed after this returns. */
	void (*done)(void *owner);
};

/* What the engine saw that was not a result of ours (tests, the log). */
struct ping_counters {
	unsigned long sent, send_errors, replies, errors;
	unsigned long foreign;   /* another identifier, or a probe we never sent */
	unsigned long late;      /* for a probe already timed out or cancelled */
	unsigned long duplicate; /* a second answer to one probe */
	unsigned long garbage;   /* too short, bad checksum, not a reply */
};

struct ping_engine;
struct ping_run;

/*
 * Open the raw sockets (IPv6 may be missing: then IPv6 runs complete with
 * badDestination and the log says why); NULL with err filled when no
 * socket could be opened.
 */
struct ping_engine *ping_engine_new(char *err, size_t errlen);
/* Join the loop (the sockets' fds, the timers); 0 or -1. */
int ping_engine_start(struct ping_engine *);
/* Cancel every run (no hooks called) and free. */
void ping_engine_free(struct ping_engine *);

/* The most probes sent in any second (cimPingMaxProbeRate); default 1000. */
void ping_engine_set_rate(struct ping_engine *, uint32_t per_second);
/* 1 when a run may start now: fewer than the rate's probes were started in the last second. */
int ping_engine_may_start(const struct ping_engine *);
/* Whose timestamps make round-trip times (the directive pingTimeSource): PING_TIME_SOCKET, the default, or _CAPTURE. */
void ping_engine_set_time_source(struct ping_engine *, int source);
const struct ping_counters *ping_engine_counters(const struct ping_engine *);

/*
 * Start a run; its first probe leaves before this returns (or fails with a
 * local status, reported through the hooks from the loop, never from here).
 * NULL only when out of memory.
 */
struct ping_run *ping_run_start(struct ping_engine *, const struct ping_params *,
    const struct ping_hooks *, void *owner);
/* Abandon a run: no hook is called for it again; its late answers are counted as late. */
void ping_run_cancel(struct ping_run *);

/* The status of an ICMP or ICMPv6 error (type, code), as Windows maps it. */
int ping_status_of_icmp(int family, int type, int code);
/* The status of a send error (errno). */
int ping_status_of_errno(int err);

#endif
