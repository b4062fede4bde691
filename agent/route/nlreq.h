/*
 * Kernel requests for SETs and the persisted routes: install and delete
 * routes, read one back with every attribute and put it back exactly; and
 * the adapter methods' link and address changes (nl/ifmsg.h builds those),
 * on the same handle, so that a SET's requests share one socket, one time
 * budget and one fake kernel.
 * The route messages are built here from a struct route or a kept route; the
 * socket, its answers and the requests in flight are nl/nlsock.h's.  The
 * synchronous calls wait for the kernel's answer, at most
 * NLSOCK_TIMEOUT_MS; the asynchronous ones (nlreq_*_async()) complete
 * from the loop when it comes.
 */
#ifndef CIMR_NLREQ_H
#define CIMR_NLREQ_H

#include <stddef.h>
#include <stdint.h>

#include "nl/ifmsg.h"
#include "nl/nlsock.h"
#include "route/route.h"
#include "route/route6.h"

#define NLREQ_ERRLEN NLSOCK_ERRLEN

struct nlreq;
struct nl_msg;

struct nlreq *nlreq_open(void);
void nlreq_close(struct nlreq *);

/*
 * Bound the kernel waits of the requests that follow to ms milliseconds in
 * all (0: no bound beyond NLSOCK_TIMEOUT_MS each), so that one SET phase
 * stays within the master's agentXTimeout however slow the kernel is.
 */
void nlreq_budget(struct nlreq *, unsigned ms);

/*
 * Install (RTM_NEWROUTE with flags NLM_F_CREATE|NLM_F_EXCL or NLM_F_REPLACE)
 * or delete (RTM_DELROUTE) the route r of family describes: AF_INET, a
 * struct route (its table, destination, tos, metric, type, protocol and
 * scope, the gateway (ROUTE_F_GATEWAY) or the preferred source, and the
 * interface); AF_INET6, a struct route6 (its table, destination and source
 * prefix, metric, type and protocol, the gateway (ROUTE_F_GATEWAY) and the
 * interface: a unicast route's; the kernel gives the others loopback).
 * Returns 0, or -errno with the kernel's message (extended ack, else
 * strerror) in err.
 */
int nlreq_route(struct nlreq *, int family, int cmd, int flags, const void *r, char *err,
    size_t errlen);

/*
 * RTA_VIA with an IPv6 gateway (network byte order), as the kernel gives and
 * takes the gateway of an IPv4 route through one (RFC 5549): struct rtvia,
 * the family then the address.  0, or -1 when the message is full.
 */
int nlreq_put_via6(struct nl_msg *, const uint8_t gw6[16]);

/*
 * The request for an entry r of family (struct route for AF_INET, struct
 * route6 for AF_INET6), as sent; NULL out of memory.  The unit tests' fake
 * kernel matches its routes through it as the kernel's answers are matched.
 */
struct nl_msg *nlreq_entry_msg(int family, int cmd, int flags, const void *r);

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
 * RESERVE2, ACTION and UNDO): sent now, and completed when nlreq_input()
 * reads the kernel's answer: done(arg, 0 or -errno, the kernel's message)
 * is called then, never from inside the call that sent the request.  Each
 * returns 0 when sent, or -errno (with err filled) when it could not be.
 * Use a handle of their own (nlreq_open() twice): a synchronous request
 * reads and drops the answers of others on its socket.
 */
typedef nlsock_done_fn nlreq_done_fn;

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

/* nlreq_route() answered later; a delete keeps the kernel's echo of the route in *gone. */
int nlreq_route_async(struct nlreq *, int family, int cmd, int flags, const void *r,
    nlreq_done_fn done, void *arg, char *err, size_t errlen);
int nlreq_route_delete_async(struct nlreq *, int family, const void *r, struct nlroute *gone,
    nlreq_done_fn done, void *arg, char *err, size_t errlen);
int nlreq_route_restore_async(struct nlreq *, const struct nlroute *k, const uint32_t *metric,
    nlreq_done_fn done, void *arg, char *err, size_t errlen);
int nlreq_route_delete_kept_async(struct nlreq *, const struct nlroute *k, const uint32_t *metric,
    struct nlroute *gone, nlreq_done_fn done, void *arg, char *err, size_t errlen);
/*
 * Find a kernel route: a dump of family's (AF_INET, AF_INET6) table,
 * filtered in the kernel by protocol and output interface (strict
 * checking), in which match() picks the one (nonzero), kept in *out.
 * Completes with 0, -ESRCH if none matched, or -errno.
 */
int nlreq_route_fetch_async(struct nlreq *, uint8_t family, uint32_t table, uint8_t proto,
    int32_t oif, int (*match)(struct nlmsghdr *, void *), void *marg, struct nlroute *out,
    nlreq_done_fn done, void *arg, char *err, size_t errlen);

/*
 * A link change (RTM_NEWLINK: IFF_UP, the alias, the MTU) and an address
 * added (RTM_NEWADDR, cmd) or deleted (RTM_DELADDR), answered later.
 */
int nlreq_link_async(struct nlreq *, const struct ifmsg_link *, nlreq_done_fn done, void *arg,
    char *err, size_t errlen);
int nlreq_addr_async(struct nlreq *, int cmd, const struct ifmsg_addr *, nlreq_done_fn done,
    void *arg, char *err, size_t errlen);

/*
 * The seam for the unit tests: a handle without a socket whose requests go
 * to these operations (a fake kernel), with the same arguments and
 * results as the requests above (an asynchronous one's result is its
 * answer).  nlreq_budget() only records its bound.
 */
struct nlreq_ops {
	int (
	    *route)(void *arg, int cmd, int flags, const struct route *r, char *err, size_t errlen);
	int (*route_delete)(void *arg, const struct route *r, struct nlroute *gone, char *err,
	    size_t errlen);
	int (*route_fetch)(void *arg, uint8_t family, uint32_t table, uint8_t proto, int32_t oif,
	    int (*match)(struct nlmsghdr *, void *), void *marg, struct nlroute *out, char *err,
	    size_t errlen);
	int (*route_restore)(void *arg, const struct nlroute *k, const uint32_t *metric, char *err,
	    size_t errlen);
	int (*route_delete_kept)(void *arg, const struct nlroute *k, const uint32_t *metric,
	    struct nlroute *gone, char *err, size_t errlen);
	/* IPv6 routes, as route and route_delete (NULL: refused with -EAFNOSUPPORT). */
	int (*route6)(void *arg, int cmd, int flags, const struct route6 *r, char *err,
	    size_t errlen);
	int (*route6_delete)(void *arg, const struct route6 *r, struct nlroute *gone, char *err,
	    size_t errlen);
	/* Links and addresses, as nlreq_link_async() and nlreq_addr_async() (NULL: -EOPNOTSUPP). */
	int (*link)(void *arg, const struct ifmsg_link *l, char *err, size_t errlen);
	int (*addr)(void *arg, int cmd, const struct ifmsg_addr *a, char *err, size_t errlen);
};

/*
 * On a fake handle the asynchronous requests call the same operations and
 * complete at the next nlreq_input(); an operation that returns
 * NLREQ_FAKE_SILENT is never answered (a kernel that does not answer).
 */
#define NLREQ_FAKE_SILENT NLSOCK_SILENT

struct nlreq *nlreq_fake(const struct nlreq_ops *, void *arg);

#endif
