/*
 * A route family's operations: what the family-neutral route mirror engine
 * (mirror.c) needs to know about one family's routes and their store.  The
 * engine never looks inside an entry but through these, and through two
 * fields every family's entry has at fixed offsets: the ROUTE_F_* flags and
 * the first_seen time.  IPv4 (rt4.c) is the first family; IPv6 is a second
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
	size_t seen_off;  /* offset of its uint32_t first_seen (the mirror's clock) */
	size_t index_len; /* sub-identifiers of an index */

	/*
	 * RTM_NEWROUTE/RTM_DELROUTE into one entry per next hop: the number of
	 * entries (at most max), 0 for a message to ignore (another family, a
	 * cached clone, a table not mirrored), -1 when malformed or larger than
	 * max.  *ref tells which nexthop object the route named.  The dump
	 * thread parses too: no logging.
	 */
	int (*parse)(const struct rt_parse *, struct nlmsghdr *, void *out, int max,
	    struct nh_ref *ref);
	int (*cmp)(const void *, const void *);      /* index order */
	int (*same)(const void *, const void *);     /* same index and every visible column */
	int (*same_fib)(const void *, const void *); /* the same kernel route (fib alias) */
	/* The same type and protocol: a deletion that names the row's index is its route's. */
	int (*same_kind)(const void *, const void *);
	/* The lowest possible index of e's prefix, and whether two entries share a prefix. */
	void (*prefix_key)(void *key, const void *e);
	int (*same_prefix)(const void *, const void *);
	void (*index_oid)(const void *, unsigned long *out);
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

	/* The store: an ordered table of entries. */
	void *(*table_new)(void);
	void (*table_free)(void *);
	size_t (*count)(const void *t);
	void *(*find)(const void *t, const void *key);
	/* 1 added, 0 replaced (the old entry copied to old if not NULL), -1 no memory. */
	int (*upsert)(void *t, const void *e, void *old);
	/* 1 removed (copied to old if not NULL), 0 absent. */
	int (*remove)(void *t, const void *key, void *old);
	void *(*seek)(const void *t, const void *key, int strict, struct route_pos *);
	void *(*first)(const void *t, struct route_pos *);
	void *(*next)(const void *t, struct route_pos *);
	/*
	 * The row iteration of the route tables (route/mib_rt.h): the first
	 * entry whose index, as an OID, is > (strict) or >= any sub-identifiers
	 * (GETNEXT's order); the entry at pos, NULL when pos is past the end
	 * (optional: without it a cursor is found again by a search each
	 * step); the next entry after pos with ROUTE_F_LIVE, chunks without
	 * one skipped (optional: InstallDate is then read row by row).
	 */
	void *(*seek_oid)(const void *t, const unsigned long *sub, size_t len, int strict,
	    struct route_pos *);
	void *(*at)(const void *t, const struct route_pos *);
	void *(*next_live)(const void *t, struct route_pos *);
	/* Replace the contents: v any order (reordered) / sorted and unique.  0 or -1. */
	int (*load)(void *t, void *v, size_t n);
	int (*load_sorted)(void *t, const void *v, size_t n);
	/* Sort and de-duplicate an array in place; the new length. */
	size_t (*sort_unique)(void *v, size_t n);
};

/* IPv4: cimIP4RouteTable's 32-byte entry (route.h) and its chunked store. */
extern const struct rt_ops rt4_ops;
/* IPv6: cimIP6RouteTable's 64-byte entry (route6.h) and its chunked store. */
extern const struct rt_ops rt6_ops;

#endif
