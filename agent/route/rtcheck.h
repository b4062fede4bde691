/*
 * The checks a route must pass before cimrouted asks the kernel for it: a
 * contiguous mask, no host bits, an interface that exists and is up, and a
 * next hop reachable on it.  Shared by the live and the persisted table.
 *
 * The links and addresses come from the interface mirror (iface/ifmirror.h),
 * not from netlink requests: a check never waits for the kernel.  The mirror
 * is as fresh as the events the loop has read; net-snmp dispatches the
 * loop's own fds (the event socket) before the AgentX socket in each
 * wake-up, so a change the kernel announced before the master's TestSet
 * reached us is known, unless the event socket is backlogged beyond one
 * wake-up's bound (a flood of route events).  Then the kernel itself
 * refuses in ACTION what it cannot install (commitFailed, and UNDO).
 */
#ifndef CIMR_RTCHECK_H
#define CIMR_RTCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "route/route.h"
#include "route/route6.h"

struct iface;

enum rtcheck_result {
	RTCHECK_OK = 0,
	RTCHECK_INCONSISTENT = 1, /* the route cannot be installed now (msg says why) */
	RTCHECK_FAILED = 2,       /* what to check against is missing (msg says what) */
};

/*
 * Complete r (dst, plen, nexthop, table, tos and metric set; ifindex set, or
 * 0 to find the interface) into the route the kernel should get: type
 * unicast, protocol CIMR_RTPROT, and either a directly connected route (the
 * next hop is one of our addresses on the interface: scope link, no gateway,
 * that address as preferred source; or next hop 0.0.0.0 with an interface)
 * or a route through a gateway on one of the interface's subnets, which is
 * not a broadcast address of the host's subnets (iface_is_broadcast4(): the
 * kernel takes no broadcast gateway).  The links and addresses are ifm's.
 */
enum rtcheck_result rtcheck_complete(const struct iface *ifm, struct route *r, char *msg,
    size_t len);

/*
 * The same for an IPv6 route r (dst, plen, src, nexthop, table and metric
 * set; ifindex set, or 0 to find it): type unicast, protocol CIMR_RTPROT,
 * and either on link (next hop :: with an interface) or through a gateway:
 * a link-local one on the interface given (it names none by itself), or a
 * global one on a subnet of the interface (or of any, when ifindex is 0).
 * A next hop that is one of our own addresses is refused: Linux shows no
 * IPv6 route "via" an address of its own.
 */
enum rtcheck_result rtcheck6_complete(const struct iface *ifm, struct route6 *r, char *msg,
    size_t len);

#endif
