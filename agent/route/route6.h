/*
 * The IPv6 route mirror's entry and store: one 64-byte entry per next hop,
 * kept in the order of cimIP6RouteTable's INDEX (destination, prefix length,
 * next hop, interface, table, metric, source prefix, source prefix length),
 * in the chunked ordered store (lib/ostore.h) as IPv4's (route.h) is.
 *
 * Linux keys an IPv6 FIB entry by table, destination, source prefix and
 * metric; the hops of a multipath route (and routes appended beside each
 * other) differ by gateway and interface.  The index holds all of them, so
 * every route Linux can hold is one row with a stable index.  There is no
 * TOS in IPv6 routes (rtm_tos must be 0).
 *
 * 64 bytes hold the destination and the next hop inline.  The source prefix
 * of source-specific routes (`from PREFIX`) and the preferred source address
 * (RTA_PREFSRC) are rare and shared: each distinct one is interned
 * (route6_src_id(), route6_prefsrc_id()) and the entry keeps its id.  The
 * order compares the interned prefix itself, not its id.
 */
#ifndef CIMR_ROUTE6_H
#define CIMR_ROUTE6_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ostore.h"
#include "route/route.h" /* ROUTE_F_*, struct route_pos */

struct route6 {
	uint8_t dst[16];     /* RTA_DST, network byte order; :: when absent */
	uint8_t nexthop[16]; /* RTA_GATEWAY or the hop's gateway; :: when none */
	uint32_t table;
	uint32_t metric;     /* RTA_PRIORITY */
	int32_t ifindex;     /* RTA_OIF or the hop's rtnh_ifindex */
	uint32_t first_seen; /* seconds on the mirror's monotonic clock */
	uint32_t expires;    /* the mirror-clock second it ends (RTA_CACHEINFO); 0: never */
	uint16_t src;        /* the source prefix's id (route6_src_id); 0: none (::/0) */
	uint8_t plen;
	uint8_t type;    /* rtm_type (RTN_*) */
	uint8_t proto;   /* rtm_protocol (RTPROT_*) */
	uint8_t flags;   /* ROUTE_F_* */
	uint8_t weight;  /* rtnh_hops + 1 for multipath hops, else 1 */
	uint8_t pref;    /* RTA_PREF (ICMPV6_ROUTER_PREF_*), as the kernel gives it */
	uint8_t prefsrc; /* RTA_PREFSRC's id (route6_prefsrc_id); 0: none */
	uint8_t nhobj;   /* 1: the route names a nexthop object (RTA_NH_ID): never a sibling */
	uint8_t pad[2];
};

/* Sub-identifiers of the index: 16 + 1 + 16 + 1 + 1 + 1 + 16 + 1. */
#define ROUTE6_INDEX_LEN 53

#define ROUTE6_CHUNK 128

/*
 * Interned source prefixes (address and length) and preferred sources:
 * thread-safe (the dump thread parses too), kept for the life of the
 * process.  An id is 0 when the table is full (65535 prefixes, 255
 * addresses): the parse then refuses the route (prefix) or leaves the
 * source out (preferred source), and says so.
 */
uint16_t route6_src_id(const uint8_t addr[16], uint8_t plen);
void route6_src(uint16_t id, uint8_t addr[16], uint8_t *plen);
uint8_t route6_prefsrc_id(const uint8_t addr[16]);
void route6_prefsrc(uint8_t id, uint8_t addr[16]);

struct route6_table {
	union {
		struct ostore s; /* of struct route6 (route6.c) */
		size_t count;    /* read only: routes */
	};
};

int route6_cmp(const struct route6 *, const struct route6 *);
/* Same index and every visible column. */
int route6_same(const struct route6 *, const struct route6 *);
/* The same but for the lifetime (rt.h, same_shown). */
int route6_same_shown(const struct route6 *, const struct route6 *);
/* Same kernel route (fib6 entry): table, dst, plen, source prefix, metric. */
int route6_same_fib(const struct route6 *, const struct route6 *);
/* A default route: ::/0, from any source prefix (they sort first). */
int route6_is_default(const struct route6 *);
/* The index as OID sub-identifiers (ROUTE6_INDEX_LEN of them). */
void route6_index_oid(const struct route6 *, unsigned long *out);

/* The IPv6 store: route.h's ROUTE_STORE_PROTOTYPE says what each function does. */
ROUTE_STORE_PROTOTYPE(route6, struct route6, struct route6_table);

#endif
