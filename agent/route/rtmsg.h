/*
 * What the route families' parses (rt4.c, rt6.c) share: walking the hops of
 * RTA_MULTIPATH, and resolving a route that names a nexthop object alone
 * (nexthop_compat_mode=0) into the object's next hop or its group's members,
 * as the kernel would have listed them with compat mode on.  Each family
 * fills its own entries through a callback.  No logging (the dump thread
 * parses too).
 */
#ifndef CIMR_RTMSG_H
#define CIMR_RTMSG_H

#include <stdint.h>

#include "route/nhobj.h"

struct nlattr;
struct nla_policy;
struct rtnexthop;

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
