/* Route checks before a netlink request: see rtcheck.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
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

/* The link ifindex if it exists and is up, else NULL with msg saying why. */
static const struct link *
link_up(const struct iface *ifm, int32_t ifindex, char *msg, size_t len)
{
	const struct link *l = iface_link(ifm, ifindex);

	if (l == NULL) {
		snprintf(msg, len, "interface %d does not exist", (int)ifindex);
		return NULL;
	}
	if (!(l->flags & IFF_UP)) {
		snprintf(msg, len, "interface %s is down", l->name);
		return NULL;
	}
	return l;
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

/* A route named by its next hop alone goes through that hop's link, ifindex, if it is up. */
static enum rtcheck_result
take_link(const struct iface *ifm, struct route *r, int32_t ifindex, char *msg, size_t len)
{
	const struct link *l = iface_link(ifm, ifindex);
	char a[ADDR4_STRLEN];

	/* An address of a link the mirror does not know (yet): as a failed read was. */
	if (l == NULL) {
		snprintf(msg, len, "cannot read interface %d: %s", (int)ifindex, strerror(ENODEV));
		return RTCHECK_FAILED;
	}
	if (!(l->flags & IFF_UP)) {
		snprintf(msg, len, "next hop %s is on interface %s, which is down",
		    addr4_ntop(r->nexthop, a, sizeof(a)), l->name);
		return RTCHECK_INCONSISTENT;
	}
	r->ifindex = ifindex;
	return RTCHECK_OK;
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
	enum rtcheck_result rc;

	r->type = RTN_UNICAST;
	r->proto = CIMR_RTPROT;
	r->flags = 0;
	if (ifm == NULL) {
		snprintf(msg, len, "no interface mirror to check the route against");
		return RTCHECK_FAILED;
	}
	if (ifindex != 0) {
		if ((l = link_up(ifm, ifindex, msg, len)) == NULL)
			return RTCHECK_INCONSISTENT;
		name = l->name;
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
	if (!direct && iface_is_broadcast4(ifm, htonl(r->nexthop))) {
		/* The kernel's fib_check_nh(): a gateway must be unicast ("invalid gateway"). */
		snprintf(msg, len, "next hop %s is a broadcast address of a subnet of this host",
		    addr4_ntop(r->nexthop, a, sizeof(a)));
		return RTCHECK_INCONSISTENT;
	}
	if (r->ifindex == 0 && (rc = take_link(ifm, r, ifindex, msg, len)) != RTCHECK_OK)
		return rc;
	if (direct) {
		r->scope = RT_SCOPE_LINK; /* "dev X src NEXTHOP" */
	} else {
		r->scope = RT_SCOPE_UNIVERSE;
		r->flags |= ROUTE_F_GATEWAY;
	}
	return RTCHECK_OK;
}

/* ---- IPv6 ------------------------------------------------------------------ */

static int
on_prefix6(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	unsigned i;

	for (i = 0; i + 8 <= plen; i += 8)
		if (a[i / 8] != b[i / 8])
			return 0;
	return i == plen || ((a[i / 8] ^ b[i / 8]) & (0xff00 >> (plen - i)) & 0xff) == 0;
}

/*
 * The interface holding a global next hop on one of its subnets (want: only
 * that one), or 0; -1 if nh is one of our own addresses.  Prefixes of
 * /128 addresses and IFA_F_NOPREFIXROUTE ones make no on-link subnet
 * (the kernel adds no prefix route for them: addrconf_prefix_route()).
 */
static int32_t
find_link6(const struct iface_addr *v, size_t n, int32_t want, const uint8_t *nh)
{
	int32_t found = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].family != AF_INET6)
			continue;
		if (memcmp(v[i].addr, nh, 16) == 0)
			return -1;
		if (found == 0 && (want == 0 || v[i].ifindex == want) && v[i].plen < 128 &&
		    !(v[i].flags & IFA_F_NOPREFIXROUTE) && on_prefix6(v[i].addr, nh, v[i].plen))
			found = v[i].ifindex;
	}
	return found;
}

enum rtcheck_result
rtcheck6_complete(const struct iface *ifm, struct route6 *r, char *msg, size_t len)
{
	static const uint8_t any[16];
	const struct iface_addr *addrs;
	const struct link *l = NULL;
	size_t n = 0;
	char a[ADDR6_STRLEN];
	int32_t ifindex;

	r->type = RTN_UNICAST;
	r->proto = CIMR_RTPROT;
	r->flags = 0;
	addr6_ntop((const struct in6_addr *)r->nexthop, a, sizeof(a));
	if (ifm == NULL) {
		snprintf(msg, len, "no interface mirror to check the route against");
		return RTCHECK_FAILED;
	}
	if (r->ifindex != 0 && (l = link_up(ifm, r->ifindex, msg, len)) == NULL)
		return RTCHECK_INCONSISTENT;
	if (memcmp(r->nexthop, any, 16) == 0) {
		if (l == NULL) {
			snprintf(msg, len, "next hop :: names no interface");
			return RTCHECK_INCONSISTENT;
		}
		return RTCHECK_OK; /* "dev X": on link */
	}
	r->flags = ROUTE_F_GATEWAY;
	if (r->nexthop[0] == 0xff) {
		snprintf(msg, len, "next hop %s is a multicast address", a);
		return RTCHECK_INCONSISTENT;
	}
	/* RFC 4291 2.5.6: a link-local address means something on one link only. */
	if (r->nexthop[0] == 0xfe && (r->nexthop[1] & 0xc0) == 0x80) {
		if (l == NULL) {
			snprintf(msg, len, "link-local next hop %s names no interface", a);
			return RTCHECK_INCONSISTENT;
		}
		return RTCHECK_OK;
	}
	addrs = iface_addrs(ifm, &n);
	if ((ifindex = find_link6(addrs, n, r->ifindex, r->nexthop)) < 0) {
		snprintf(msg, len, "next hop %s is an address of this host", a);
		return RTCHECK_INCONSISTENT;
	}
	if (ifindex == 0) {
		if (l != NULL)
			snprintf(msg, len, "next hop %s is not reachable on interface %s", a,
			    l->name);
		else
			snprintf(msg, len, "next hop %s is not reachable on any interface", a);
		return RTCHECK_INCONSISTENT;
	}
	if (l == NULL && (l = link_up(ifm, ifindex, msg, len)) == NULL)
		return RTCHECK_INCONSISTENT;
	r->ifindex = ifindex;
	return RTCHECK_OK;
}
