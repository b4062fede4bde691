/*
 * Nexthop objects (RTM_NEWNEXTHOP, Linux 5.3+), as the route mirror keeps
 * them: a map sorted by id.  With net.ipv4.nexthop_compat_mode=0 a route
 * through one carries only RTA_NH_ID: its rows take their gateway and device
 * from here (issue 10).  users counts the mirrored routes that name the
 * object, so that deleting or changing one that no route uses costs no
 * re-dump; it may count too many (see nh_use), never too few.  Objects are
 * of either family (an IPv4 gateway, an IPv6 gateway, or none), and each
 * family's mirror keeps its own map of all of them.
 */
#ifndef CIMR_NHOBJ_H
#define CIMR_NHOBJ_H

#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/*
 * The sysctl exists (per namespace) on kernels that may leave routes' next hops out; it
 * governs IPv6 routes too (rt6_fill_node() reads net->ipv4.sysctl_nexthop_compat_mode).
 */
#define NH_COMPAT_SYSCTL "/proc/sys/net/ipv4/nexthop_compat_mode"

struct nh_member {
	uint32_t id;
	uint8_t weight; /* as rtnh_hops + 1 */
};

#define NHO_GW        0x01 /* gw is the object's IPv4 gateway */
#define NHO_GW6       0x02 /* gw6 is the object's IPv6 gateway (IPv6 routes; RFC 5549 for IPv4) */
#define NHO_BLACKHOLE 0x04
#define NHO_GROUP     0x08 /* grp lists the members */

struct nhobj {
	uint32_t id;
	uint32_t gw;     /* host byte order */
	uint8_t gw6[16]; /* network byte order */
	int32_t oif;
	uint32_t users;
	unsigned nhflags; /* RTNH_F_* of the object */
	uint8_t flags;    /* NHO_* */
	uint16_t ngrp;
	struct nh_member *grp;
};

/* Sorted by id. */
struct nh_vec {
	struct nhobj *v;
	size_t n, cap;
};

/* What a route message said of nexthop objects (a family's parse). */
struct nh_ref {
	uint32_t id; /* RTA_NH_ID, 0: none */
	int unknown; /* the object, or a member needed to resolve it, is not known */
};

struct nhobj *nh_find(const struct nh_vec *, uint32_t id);
/*
 * Insert or replace an object; the map takes its group array, and a
 * replaced object's users stay.  Returns 1 when it replaced an object that
 * went another way, 0 otherwise, -1 when out of memory (o->grp is freed).
 */
int nh_set(struct nh_vec *, struct nhobj *o);
void nh_del(struct nh_vec *, uint32_t id);
/* Empty the map (its array stays allocated). */
void nh_vec_clear(struct nh_vec *);
void nh_vec_free(struct nh_vec *);
void nh_use(struct nh_vec *, uint32_t id);
void nh_unuse(struct nh_vec *, uint32_t id);
/* Does a mirrored route go through the object, named or as a member of a group? */
int nh_in_use(const struct nh_vec *, uint32_t id);
/*
 * Parse an RTM_NEWNEXTHOP/RTM_DELNEXTHOP message.  A group's members are
 * allocated (o->grp, the caller's).  -1 with errno when malformed (EINVAL; a
 * gateway of neither 4 nor 16 bytes too) or out of memory.  The dump thread
 * parses them too: no logging.
 */
int nh_parse(struct nlmsghdr *, struct nhobj *o);
/* 1 when the kernel announces the routes that a replaced nexthop object changes. */
int nh_compat_mode(void);

#endif
