/*
 * What the route families' parses (rt4.c, rt6.c) share: the message's
 * start (family, clones, attributes, table), a hop's flags and weight,
 * walking the hops of RTA_MULTIPATH, and resolving a route that names a nexthop object alone
 * (nexthop_compat_mode=0) into the object's next hop or its group's members,
 * as the kernel would have listed them with compat mode on.  Each family
 * fills its own entries through a callback.  No logging (the dump thread
 * parses too).
 */
#ifndef CIMR_RTMSG_H
#define CIMR_RTMSG_H

#include <stdint.h>

#include "route/nhobj.h"

struct mirror_config;
struct nlattr;
struct nla_policy;
struct nlmsghdr;
struct rtmsg;
struct rtnexthop;

/*
 * RTM_NEWROUTE/RTM_DELROUTE of family: its header (*rtm), its attributes
 * (tb, RTA_MAX + 1, checked by policy) and its table (*table, RTA_TABLE
 * past 255).  1 to go on; 0 for a message to ignore: another family, a
 * cached clone (RTM_F_CLONED), a table cfg does not mirror; -1 when malformed.
 */
int rtmsg_begin(struct nlmsghdr *, uint8_t family, struct nla_policy *policy,
    const struct mirror_config *cfg, struct nlattr **tb, struct rtmsg **rtm, uint32_t *table);
/* The ROUTE_F_* flags of a hop's RTNH_F_* flags (dead, link down, onlink). */
uint8_t rtmsg_hop_flags(unsigned nhflags);
/* A hop of RTA_MULTIPATH's weight as the entries keep it: rtnh_hops + 1, at most 255. */
uint8_t rtmsg_weight(const struct rtnexthop *);

/* One hop (i from 0): its rtnexthop and its attributes (tb, RTA_MAX + 1). */
typedef void (*rtmsg_hop_fn)(const struct rtnexthop *, struct nlattr **tb, int i, void *arg);
/* The number of hops, or -1 when malformed or more than max. */
int rtmsg_multipath(struct nlattr *mp, struct nla_policy *policy, int max, rtmsg_hop_fn, void *arg);

/*
 * One row through object o (not a group): its RTNH_F_* flags, and whether it
 * is one hop of several (multi, with the member's weight).
 */
typedef void (*rtmsg_obj_fn)(const struct nhobj *o, unsigned nhflags, int multi, uint8_t weight,
    int i, void *arg);
/*
 * The rows of a route through object ref->id (rtflags: the route's
 * rtm_flags): the number of rows, 0 when nothing resolves (the caller shows
 * one row without a next hop), -1 when more than max.  ref->unknown is set
 * when a member is not known.
 */
int rtmsg_nhid(const struct nh_vec *, struct nh_ref *ref, unsigned rtflags, int max, rtmsg_obj_fn,
    void *arg);

#endif
