/* Route checks before a netlink request: see rtcheck.h. */
#include "config.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "route/nlreq.h"
#include "route/routefmt.h"
#include "route/rtcheck.h"

/* The interface (up) through which nh is one of ours or on a subnet; 0 if none. */
static int
find_link(const struct ifaddr4 *v, size_t n, int32_t want, uint32_t nh, int *direct)
{
	/* First an address equal to the next hop, then a subnet holding it. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			if (want != 0 && v[i].ifindex != want)
				continue;
			if (pass == 0 && v[i].local == nh) {
				*direct = 1;
				return v[i].ifindex;
			}
			if (pass == 1 && v[i].plen < 32 &&
			    ((v[i].address ^ nh) & route_mask(v[i].plen)) == 0) {
				*direct = 0;
				return v[i].ifindex;
			}
			if (pass == 1 && v[i].plen == 32 && v[i].address != v[i].local &&
			    v[i].address == nh) {
				*direct = 0; /* the peer of a point-to-point link */
				return v[i].ifindex;
			}
		}
	return 0;
}

enum rtcheck_result
rtcheck_complete(struct nlreq *q, struct route *r, char *msg, size_t len)
{
	struct ifaddr4 *addrs = NULL;
	size_t n = 0;
	char a[ADDR4_STRLEN], name[IFNAMSIZ] = "";
	unsigned flags = 0;
	int rc, direct = 0;
	int32_t ifindex = r->ifindex;

	r->type = RTN_UNICAST;
	r->proto = CIMR_RTPROT;
	r->flags = 0;
	if (ifindex != 0) {
		rc = nlreq_link(q, ifindex, &flags, name);
		if (rc == -ENODEV) {
			snprintf(msg, len, "interface %d does not exist", (int)ifindex);
			return RTCHECK_INCONSISTENT;
		}
		if (rc < 0) {
			snprintf(msg, len, "cannot read interface %d: %s", (int)ifindex,
			    strerror(-rc));
			return RTCHECK_FAILED;
		}
		if (!(flags & IFF_UP)) {
			snprintf(msg, len, "interface %s is down", name);
			return RTCHECK_INCONSISTENT;
		}
		if (r->nexthop == 0) {
			/* "dev X": directly connected, no preferred source. */
			r->scope = RT_SCOPE_LINK;
			return RTCHECK_OK;
		}
	} else if (r->nexthop == 0) {
		snprintf(msg, len, "next hop 0.0.0.0 names no interface");
		return RTCHECK_INCONSISTENT;
	}
	if ((rc = nlreq_addrs(q, &addrs, &n)) < 0) {
		snprintf(msg, len, "cannot read the interface addresses: %s", strerror(-rc));
		return RTCHECK_FAILED;
	}
	ifindex = find_link(addrs, n, ifindex, r->nexthop, &direct);
	free(addrs);
	if (ifindex == 0) {
		if (r->ifindex != 0)
			snprintf(msg, len, "next hop %s is not reachable on interface %s",
			    addr4_ntop(r->nexthop, a, sizeof(a)), name);
		else
			snprintf(msg, len, "next hop %s is not reachable on any interface",
			    addr4_ntop(r->nexthop, a, sizeof(a)));
		return RTCHECK_INCONSISTENT;
	}
	if (r->ifindex == 0) {
		rc = nlreq_link(q, ifindex, &flags, name);
		if (rc < 0) {
			snprintf(msg, len, "cannot read interface %d: %s", (int)ifindex,
			    strerror(-rc));
			return RTCHECK_FAILED;
		}
		if (!(flags & IFF_UP)) {
			snprintf(msg, len, "next hop %s is on interface %s, which is down",
			    addr4_ntop(r->nexthop, a, sizeof(a)), name);
			return RTCHECK_INCONSISTENT;
		}
		r->ifindex = ifindex;
	}
	if (direct) {
		r->scope = RT_SCOPE_LINK; /* "dev X src NEXTHOP" */
	} else {
		r->scope = RT_SCOPE_UNIVERSE;
		r->flags |= ROUTE_F_GATEWAY;
	}
	return RTCHECK_OK;
}
