/*
 * A route family's operations: what the family-neutral route mirror engine
 * (mirror.c) needs to know about one family's routes and their store.  The
 * engine never looks inside an entry but through these, and through two
 * fields every family's entry has at fixed offsets: the ROUTE_F_* flags,
 * the first_seen time, and the route's type and protocol.  IPv4 (rt4.c) is the first family; IPv6 is a second
 * table like it (rt6.c), not a copy of the engine.
 *
 * An entry is one row: one next hop of one kernel route.  Entries of a dump
 * are kept in a plain array (size bytes each) before they go into the
 * family's store, an ordered table searched by index.
 */
#ifndef CIMR_RT_H
#define CIMR_RT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ostore.h"
#include "route/route.h" /* ROUTE_F_*, struct route_pos */

struct nlmsghdr;
struct mirror_config;
struct nh_vec;
struct nh_ref;

/*
 * What a parse may consult: the tables mirrored, the nexthop objects (NULL:
 * none known), and the mirror's clock (seconds, mirror_now()), from which a
 * remaining lifetime becomes the second it ends.
 */
struct rt_parse {
	const struct mirror_config *cfg;
	const struct nh_vec *nhs;
	uint32_t now;
};

struct rt_ops {
	const char *name; /* "IPv4": for log lines */
	uint8_t family;   /* AF_*: the dump request's */
	unsigned group;   /* RTNLGRP_* of the family's route events */
	size_t size;      /* bytes of an entry */
	size_t flags_off; /* offset of the entry's uint8_t ROUTE_F_* flags */
	size_t kind_off;  /* offset of its uint8_t rtm_type, followed by its uint8_t rtm_protocol */
	size_t seen_off;  /* offset of its uint32_t first_seen (the mirror's clock) */

	/*
	 * RTM_NEWROUTE/RTM_DELROUTE into one entry per next hop: the number of
	 * entries (at most max), 0 for a message to ignore (another family, a
	 * cached clone, a table not mirrored), -1 when malformed or larger than
	 * max.  *ref tells which nexthop object the route named.  The dump
	 * thread parses too: no logging.
	 */
	int (*parse)(const struct rt_parse *, struct nlmsghdr *, void *out, int max,
	    struct nh_ref *ref);
	int (*same)(const void *, const void *);     /* same index and every visible column */
	int (*same_fib)(const void *, const void *); /* the same kernel route (fib alias) */
	/* The lowest possible index of e's prefix, and whether two entries share a prefix. */
	void (*prefix_key)(void *key, const void *e);
	int (*same_prefix)(const void *, const void *);
	/*
	 * Optional (NULL: IPv4, whose multipath route is one kernel route that
	 * comes and goes whole, in one message).  IPv6 keeps each hop of a
	 * multipath route as a route of its own, a sibling: `ip -6 route append`
	 * adds one (its message lists the whole route), `ip -6 route del ... via`
	 * deletes one, and the kernel tells nothing to the hops that stay.
	 * sibling(): whether an entry can be a hop of such a route
	 * (rt6_qualify_for_ecmp()); set_multi(): the entry as one hop of a
	 * multipath route, or as a plain route.  The engine then keeps
	 * ROUTE_F_MULTI as the kernel's next dump would show it: on every
	 * sibling of a key when there are two or more, on none when one is left.
	 */
	int (*sibling)(const void *e);
	void (*set_multi)(void *e, int multi);
	/*
	 * Optional (NULL: routes do not expire).  The mirror-clock second an
	 * entry's route ends, 0: never.  The kernel extends the lifetime of
	 * routes learnt from router advertisements without a message
	 * (ndisc_router_discovery() and rt6_route_rcv() call fib6_set_expires()
	 * on the route they find): when a mirrored lifetime ends, the engine
	 * re-dumps, and finds the route extended or gone (its expiry is
	 * announced when the kernel's garbage collector removes it).
	 */
	uint32_t (*expires)(const void *e);
	/*
	 * Optional: an entry whose route the kernel completes after announcing
	 * it (rt6_route_rcv() announces a route of an RA's Route Information
	 * option, then sets its lifetime; ndisc_router_discovery() announces a
	 * default route's new preference, then its new lifetime): applying one
	 * asks for a re-dump.
	 */
	int (*unsettled)(const void *e);
	/*
	 * A replace message (NLM_F_REPLACE) always tells a change of the route,
	 * also of what the entry does not keep (MTU and other metrics, realms,
	 * its nexthop object): the engine then reports the row changed though
	 * its entry is the same.  IPv4: fib_table_insert() announces a replace
	 * only when the route's fib_info or type differ (an identical one is
	 * silent), and __fib_info_notify_update() one whose nexthop object
	 * changed.  Not IPv6: fib6_add_rt2node() announces an identical replace.
	 */
	int replace_changes;
	/*
	 * Optional (NULL: same()): with replace_changes 0, what a replace must
	 * change to be a change of the row: same() but for the lifetime, which a
	 * daemon handling router advertisements itself may renew with a replace
	 * at every advertisement.  The new lifetime is kept.
	 */
	int (*same_shown)(const void *, const void *);

	/*
	 * The store: an ordered table of entries, the chunked store of
	 * lib/ostore.h with the family's element, its index order (cmp) and
	 * its OID codec.  The engine's table is a struct
	 * ostore of this type: the family's typed table (struct route_table,
	 * struct route6_table) over the same memory.
	 */
	const struct ostore_type *store;
};

/*
 * A family's entry type T in its table: its size and the offsets the engine
 * reads, by the one naming rule every entry follows (uint8_t flags, uint8_t
 * type followed by uint8_t proto, uint32_t first_seen).  RT_OPS_ENTRY_CHECK,
 * at file scope beside the table, checks what the engine assumes of them.
 */
#define RT_OPS_ENTRY(T)                                                                    \
	.size = sizeof(T), .flags_off = offsetof(T, flags), .kind_off = offsetof(T, type), \
	.seen_off = offsetof(T, first_seen)
/*
 * ... and what ROUTE_STORE_GENERATE(PFX, T, ...) made for it (route.h): its
 * store, and its PFX_same() and PFX_same_fib() as the engine calls them.
 */
#define RT_OPS_STORE(PFX, T) \
	RT_OPS_ENTRY(T), .same = PFX##_same_v, .same_fib = PFX##_same_fib_v, .store = &PFX##_store
#define RT_OPS_ENTRY_CHECK(T)                                                                     \
	_Static_assert(sizeof(((T *)0)->flags) == 1 && sizeof(((T *)0)->type) == 1 &&             \
		offsetof(T, proto) == offsetof(T, type) + 1 && sizeof(((T *)0)->first_seen) == 4, \
	    #T " as the engine reads it (rt.h)")

/* IPv4: cimIP4RouteTable's 32-byte entry (route.h) and its chunked store. */
extern const struct rt_ops rt4_ops;
/* IPv6: cimIP6RouteTable's 64-byte entry (route6.h) and its chunked store. */
extern const struct rt_ops rt6_ops;

#endif
