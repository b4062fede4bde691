/*
 * The IPv4 family of the route mirror (rt4.c): an IPv4 mirror, its table of
 * struct route (route.h), and the parse of IPv4 route messages on its own,
 * for the code that knows it has IPv4 routes (the IPv4 table, the SET
 * checks, the persisted routes) and for the tests.
 */
#ifndef CIMR_RT4_H
#define CIMR_RT4_H

#include "route/mirror.h"
#include "route/route.h"

struct nlmsghdr;

/* An IPv4 mirror: mirror_new_family(&rt4_ops, cfg). */
struct mirror *mirror_new(const struct mirror_config *);
/* Its store. */
const struct route_table *mirror_routes(const struct mirror *);

/*
 * Parse an RTM_NEWROUTE/RTM_DELROUTE message into one entry per next hop.
 * Returns the number of entries (at most max), 0 for a message to ignore
 * (not IPv4, a cached clone, a table not mirrored), -1 if malformed or
 * larger than max.
 */
int mirror_parse_route(const struct mirror_config *, struct nlmsghdr *, struct route *out, int max);
/*
 * The same, with a route that names a nexthop object alone (RTA_NH_ID, no
 * gateway: nexthop_compat_mode=0) taking its next hops from the objects the
 * mirror knows: one entry, or one per member of a group.
 */
int mirror_parse_route_nh(const struct mirror_config *, const struct mirror *, struct nlmsghdr *,
    struct route *out, int max);

#endif
