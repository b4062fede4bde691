/*
 * The event socket: one rtnetlink socket, subscribed to the multicast groups
 * of every consumer (the route mirrors, the interface mirror), whose messages
 * are handed by type to the consumers that asked for them, in the order the
 * kernel sent them.  No route, link or MIB knowledge lives here.
 *
 * Work per wake-up is bounded (NLMON_READS_PER_WAKEUP datagrams).  When the
 * kernel could not queue an event (ENOBUFS, the receive buffer overran),
 * every consumer is told: each then re-dumps what it mirrors, as only a fresh
 * dump can repair lost events.  Datagrams not sent by the kernel are dropped
 * (nlsock_recv_kernel()).
 *
 * A consumer that is busy with a dump keeps the messages it receives meanwhile
 * in an nlqueue and replays them over the dump's result.
 */
#ifndef CIMR_NLMON_H
#define CIMR_NLMON_H

#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

#define NLMON_EVENT_BUFFER     (64u << 20) /* bursts of 100k routes fit */
#define NLMON_READS_PER_WAKEUP 32          /* bounded work: ~8 MB of messages */
#define NLMON_MAX_TYPES        8
#define NLMON_MAX_GROUPS       4

/* One message for the consumer (on the loop's thread). */
typedef void (*nlmon_msg_fn)(struct nlmsghdr *, void *arg);
/* Events were lost: the consumer must re-dump. */
typedef void (*nlmon_lost_fn)(void *arg);

struct nlmon_sub {
	uint16_t types[NLMON_MAX_TYPES];   /* message types (RTM_*), 0-terminated if fewer */
	unsigned groups[NLMON_MAX_GROUPS]; /* RTNLGRP_* to join, 0-terminated if fewer */
	nlmon_msg_fn msg;
	nlmon_lost_fn lost;
	void *arg;
};

struct nlmon;

/* rcvbuf: the socket's receive buffer in bytes (0: NLMON_EVENT_BUFFER). */
struct nlmon *nlmon_new(unsigned rcvbuf);
void nlmon_free(struct nlmon *);
/* Add a consumer (copied); its groups are joined now if the socket is open.  0 or -1. */
int nlmon_subscribe(struct nlmon *, const struct nlmon_sub *);
/* Open the socket and join the consumers' groups (once; later calls do nothing).  0 or -1. */
int nlmon_open(struct nlmon *);
int nlmon_fd(const struct nlmon *);
/* The fd is readable: read at most NLMON_READS_PER_WAKEUP datagrams and dispatch them. */
void nlmon_read(struct nlmon *);
/* In the daemon: nlmon_read() whenever the socket is readable (snmp/loop.h); 0, or -1. */
int nlmon_start(struct nlmon *);
void nlmon_stop(struct nlmon *);
/* Hand one message to its consumers as if it had been received (tests, replays). */
void nlmon_dispatch(struct nlmon *, struct nlmsghdr *);
/* Tell every consumer that events were lost (what an overrun does; tests). */
void nlmon_lost(struct nlmon *);
uint64_t nlmon_overruns(const struct nlmon *);

struct nl_sock;
/*
 * A non-blocking NETLINK_ROUTE socket with a receive buffer of rcvbuf bytes
 * (past net.core.rmem_max when we may); NULL with errno.  The dump and
 * event sockets are made here.
 */
struct nl_sock *nl_route_socket(int rcvbuf);

/*
 * Raw messages kept while a consumer is busy, replayed in order later.
 * Bounded: past max bytes (or out of memory) nlqueue_push() fails and the
 * consumer must re-dump instead.
 */
struct nlqueue {
	uint8_t *buf;
	size_t len, cap, max;
};

int nlqueue_push(struct nlqueue *, const struct nlmsghdr *);
/* Hand every kept message to fn, in order, then empty the queue. */
void nlqueue_replay(struct nlqueue *, nlmon_msg_fn fn, void *arg);
void nlqueue_clear(struct nlqueue *);
void nlqueue_free(struct nlqueue *);

#endif
