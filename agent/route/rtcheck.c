/* Route checks before a netlink request: see rtcheck.h. */
#include "config.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <sys/socket.h>
#include <string.h>

#include "lib/addr.h"
#include "iface/ifmirror.h"
#include "route/routefmt.h"
#include "route/rtcheck.h"

/* An IPv4 address of the interface mirror, in host order. */
static uint32_t
v4(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

/* The interface (up) through which nh is one of ours or on a subnet; 0 if none. */
static int
find_link(const struct iface_addr *v, size_t n, int32_t want, uint32_t nh, int *direct)
{
	/* First an address equal to the next hop, then a subnet holding it. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			uint32_t local = v4(v[i].addr), peer = v4(v[i].peer);

			if (v[i].family != AF_INET || (want != 0 && v[i].ifindex != want))
				continue;
			if (pass == 0 && local == nh) {
				*direct = 1;
				return v[i].ifindex;
			}
			if (pass == 1 && v[i].plen < 32 &&
			    ((peer ^ nh) & route_mask(v[i].plen)) == 0) {
				*direct = 0;
				return v[i].ifindex;
			}
			if (pass == 1 && v[i].plen == 32 && peer != local && peer == nh) {
				*direct = 0; /* the peer of a point-to-point link */
				return v[i].ifindex;
			}
		}
	return 0;
}

enum rtcheck_result
rtcheck_complete(const struct iface *ifm, struct route *r, char *msg, size_t len)
{
	const struct iface_addr *addrs;
	const struct link *l = NULL;
	size_t n = 0;
	char a[ADDR4_STRLEN];
	const char *name = "";
	int direct = 0;
	int32_t ifindex = r->ifindex;

	r->type = RTN_UNICAST;
	r->proto = CIMR_RTPROT;
	r->flags = 0;
	if (ifm == NULL) {
		snprintf(msg, len, "no interface mirror to check the route against");
		return RTCHECK_FAILED;
	}
	if (ifindex != 0) {
		if ((l = iface_link(ifm, ifindex)) == NULL) {
			snprintf(msg, len, "interface %d does not exist", (int)ifindex);
			return RTCHECK_INCONSISTENT;
		}
		name = l->name;
		if (!(l->flags & IFF_UP)) {
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
	addrs = iface_addrs(ifm, &n);
	ifindex = find_link(addrs, n, ifindex, r->nexthop, &direct);
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
		/* An address of a link the mirror does not know (yet): as a failed read was. */
		if ((l = iface_link(ifm, ifindex)) == NULL) {
			snprintf(msg, len, "cannot read interface %d: %s", (int)ifindex,
			    strerror(ENODEV));
			return RTCHECK_FAILED;
		}
		if (!(l->flags & IFF_UP)) {
			snprintf(msg, len, "next hop %s is on interface %s, which is down",
			    addr4_ntop(r->nexthop, a, sizeof(a)), l->name);
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
