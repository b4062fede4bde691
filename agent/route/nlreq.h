/*
 * rtnetlink requests on a socket of their own (never the event or dump
 * socket, libnl issue 268): install, delete and read back routes for SETs
 * and the persisted routes.  The synchronous calls wait
 * for the kernel's answer, at most NLREQ_TIMEOUT_MS; the asynchronous ones
 * (nlreq_*_async()) complete from the loop when it comes.
 */
#ifndef CIMR_NLREQ_H
#define CIMR_NLREQ_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "route/route.h"

#define NLREQ_TIMEOUT_MS 5000
#define NLREQ_ERRLEN     128

struct nlreq;

struct nlreq *nlreq_open(void);
void nlreq_close(struct nlreq *);

/*
 * Bound the kernel waits of the requests that follow to ms milliseconds in
 * all (0: no bound beyond NLREQ_TIMEOUT_MS each), so that one SET phase
 * stays within the master's agentXTimeout however slow the kernel is.
 */
void nlreq_budget(struct nlreq *, unsigned ms);

/*
 * Install (RTM_NEWROUTE with flags NLM_F_CREATE|NLM_F_EXCL or NLM_F_REPLACE)
 * or delete (RTM_DELROUTE) the route r describes: its table, destination,
 * tos, metric, type, protocol and scope, the gateway (ROUTE_F_GATEWAY) or
 * the preferred source, and the interface.  Returns 0, or -errno with the
 * kernel's message (extended ack, else strerror) in err.
 */
int nlreq_route(struct nlreq *, int cmd, int flags, const struct route *r, char *err,
    size_t errlen);

/*
 * A route as the kernel itself describes it: one RTM_NEWROUTE/RTM_DELROUTE
 * message with every attribute (preferred source, metrics such as mtu and
 * advmss, realms, an IPv6 gateway, ...), kept so that a route can be put
 * back exactly, not from the few fields the mirror keeps.
 */
struct nlroute {
	struct nlmsghdr *msg; /* malloc'ed; NULL: none */
};

void nlroute_free(struct nlroute *);

/*
 * Asynchronous requests, for work that must not wait in the loop (a SET's
 * RESERVE2, ACTION and UNDO): sent now, and completed when nlreq_input() reads the kernel's
 * answer: done(arg, 0 or -errno, the kernel's message) is called then,
 * never from inside the call that sent the request.  Each returns 0 when
 * sent, or -errno (with err filled) when it could not be.  Use a handle of
 * their own (nlreq_open() twice): a synchronous request reads and drops the
 * answers of others on its socket.
 */
typedef void (*nlreq_done_fn)(void *arg, int rc, const char *err);

int nlreq_fd(const struct nlreq *);
/* The fd is readable (or, on a fake handle, any time): complete the answered requests. */
void nlreq_input(struct nlreq *);
/* Requests sent and not answered yet. */
size_t nlreq_inflight(const struct nlreq *);
/*
 * Complete every request in flight now with rc and err; their answers will
 * be dropped.  A budget (nlreq_budget()) is spent: the requests that follow
 * fail at once until the next nlreq_budget().
 */
void nlreq_abandon(struct nlreq *, int rc, const char *err);

int nlreq_route_async(struct nlreq *, int cmd, int flags, const struct route *r, nlreq_done_fn done,
    void *arg, char *err, size_t errlen);
int nlreq_route_delete_async(struct nlreq *, const struct route *r, struct nlroute *gone,
    nlreq_done_fn done, void *arg, char *err, size_t errlen);
int nlreq_route_restore_async(struct nlreq *, const struct nlroute *k, const uint32_t *metric,
    nlreq_done_fn done, void *arg, char *err, size_t errlen);
int nlreq_route_delete_kept_async(struct nlreq *, const struct nlroute *k, const uint32_t *metric,
    struct nlroute *gone, nlreq_done_fn done, void *arg, char *err, size_t errlen);
/*
 * Find a kernel route: a dump of table, filtered in the kernel by protocol
 * and output interface (strict checking), in which match() picks the one
 * (nonzero), kept in *out.  Completes with 0, -ESRCH if none matched, or
 * -errno.
 */
int nlreq_route_fetch_async(struct nlreq *, uint32_t table, uint8_t proto, int32_t oif,
    int (*match)(struct nlmsghdr *, void *), void *marg, struct nlroute *out, nlreq_done_fn done,
    void *arg, char *err, size_t errlen);

/*
 * The seam for the unit tests: a handle without a socket whose requests go
 * to these operations (a fake kernel), with the same arguments and
 * results as the functions above.  nlreq_budget() only records its bound.
 */
struct nlreq_ops {
	int (
	    *route)(void *arg, int cmd, int flags, const struct route *r, char *err, size_t errlen);
	int (*route_delete)(void *arg, const struct route *r, struct nlroute *gone, char *err,
	    size_t errlen);
	int (*route_fetch)(void *arg, uint32_t table, uint8_t proto, int32_t oif,
	    int (*match)(struct nlmsghdr *, void *), void *marg, struct nlroute *out, char *err,
	    size_t errlen);
	int (*route_restore)(void *arg, const struct nlroute *k, const uint32_t *metric, char *err,
	    size_t errlen);
	int (*route_delete_kept)(void *arg, const struct nlroute *k, const uint32_t *metric,
	    struct nlroute *gone, char *err, size_t errlen);
};

/*
 * On a fake handle the asynchronous requests call the same operations and
 * complete at the next nlreq_input(); an operation that returns
 * NLREQ_FAKE_SILENT is never answered (a kernel that does not answer).
 */
#define NLREQ_FAKE_SILENT 1

struct nlreq *nlreq_fake(const struct nlreq_ops *, void *arg);

/*
 * Only the kernel speaks for the routing table.  A netlink socket takes
 * datagrams from anyone allowed to send to it: a process with CAP_NET_ADMIN
 * can unicast to our port id, or send to a group we joined, a forged
 * RTM_NEWROUTE or a forged ack (issue 9, item 4).  These helpers serve the
 * event, dump and request sockets alike.
 */
struct sockaddr_nl;

/* 1 if the sender's address is the kernel's (AF_NETLINK, port id 0). */
int nlreq_from_kernel(const struct sockaddr_nl *, size_t addrlen);
/*
 * recv(fd, buf, len, MSG_DONTWAIT) of a datagram sent by the kernel: others
 * are dropped and counted (so -1 with EAGAIN may follow, also after 64 of
 * them in a row, for the caller to poll again).  log: whether this
 * thread may log (the dump thread does not); the count is logged at most
 * once a minute.
 */
ssize_t nlreq_recv_kernel(int fd, void *buf, size_t len, int log);
/* Log the datagrams dropped since the last line, at most once a minute. */
void nlreq_log_foreign(void);
/* Datagrams dropped so far for not coming from the kernel. */
unsigned long nlreq_foreign_drops(void);

#endif
