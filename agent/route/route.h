/*
 * The IPv4 route mirror: one compact entry per next hop, kept in the order of
 * cimIP4RouteTable's INDEX so that GET and GETNEXT are binary searches.
 *
 * The table is an instance of the chunked ordered store (lib/ostore.h): a
 * vector of chunks of ROUTE_CHUNK entries, each a sorted run.  A lookup is a
 * binary search over the chunks' last keys and then inside one chunk; an
 * insert or a delete moves at most one chunk's entries.  At 32 bytes an entry
 * and chunks kept 7/8 full after a load, a route costs about 37 bytes.  This
 * file gives the store its element (struct route), its order (route_cmp), its
 * OID codec (route_index_oid) and its marked entries (ROUTE_F_LIVE).
 */
#ifndef CIMR_ROUTE_H
#define CIMR_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/ostore.h"

/* route.flags */
#define ROUTE_F_GATEWAY  0x01 /* nexthop is RTA_GATEWAY (else RTA_PREFSRC or 0) */
#define ROUTE_F_DEAD     0x02 /* RTNH_F_DEAD on this next hop */
#define ROUTE_F_LINKDOWN 0x04 /* RTNH_F_LINKDOWN on this next hop */
#define ROUTE_F_ONLINK   0x08 /* RTNH_F_ONLINK */
#define ROUTE_F_LIVE     0x10 /* appeared while we were watching: InstallDate known (see nlive) */
#define ROUTE_F_MULTI    0x20 /* one hop of a multipath route */
#define ROUTE_F_SHARED   0x40 /* another kernel route has the same table, dst, tos, metric */
#define ROUTE_F_PENDING  0x80 /* a row created with createAndWait: in the agent, not the kernel */
/* Bookkeeping, not something a manager sees. */
#define ROUTE_F_PRIVATE (ROUTE_F_LIVE | ROUTE_F_SHARED)

/*
 * All addresses in host byte order.  The first seven fields are the index,
 * compared in this order: dst, plen (the mask), nexthop, ifindex, table, tos,
 * metric.
 */
struct route {
	uint32_t dst;
	uint32_t nexthop;
	uint32_t table;
	uint32_t metric;
	int32_t ifindex;
	uint32_t first_seen; /* seconds on the mirror's monotonic clock */
	uint8_t plen;
	uint8_t tos;
	uint8_t type;   /* rtm_type (RTN_*) */
	uint8_t proto;  /* rtm_protocol (RTPROT_*) */
	uint8_t scope;  /* rtm_scope */
	uint8_t flags;  /* ROUTE_F_* */
	uint8_t weight; /* rtnh_hops + 1 for multipath hops, else 1 */
	uint8_t src;    /* a gateway route's RTA_PREFSRC, as route_prefsrc_id() names it; 0: none */
};

/*
 * The preferred source of a route through a gateway does not fit the 32-byte
 * entry, but a router has few addresses of its own: each distinct one gets a
 * small id, kept for the life of the process.  route_prefsrc_id() returns 0
 * once 255 addresses have ids (the source is then not shown).  Thread-safe:
 * the dump thread parses routes too.
 */
uint8_t route_prefsrc_id(uint32_t addr);
/* The address of an id (0: none). */
uint32_t route_prefsrc(uint8_t id);

/* Number of OID sub-identifiers in a route's index. */
#define ROUTE_INDEX_LEN 16

#define ROUTE_CHUNK 128

/*
 * The store counts the ROUTE_F_LIVE entries of each chunk, so that a GETNEXT
 * on InstallDate skips whole chunks of routes that were there at start
 * (route_next_live).  The table's functions keep the counts; code that writes
 * an entry in place (through a pointer from route_find, route_seek, ...) must
 * not change ROUTE_F_LIVE.
 */
struct route_table {
	union {
		struct ostore s; /* of struct route (route.c) */
		size_t count;    /* read only: routes (s.count, which ostore keeps first) */
	};
};

/* A position in the table; valid until the table changes. */
struct route_pos {
	size_t c;   /* chunk */
	unsigned i; /* entry in chunk */
};

/*
 * route_pos and ostore_pos name the same place, for every family's store.  A
 * search sets the position only when it finds an entry (placed); a step sets
 * it either way (moved).
 */
static inline struct ostore_pos
route_pos_ostore(const struct route_pos *p)
{
	return (struct ostore_pos){ p->c, p->i };
}

static inline void *
route_pos_moved(void *r, const struct ostore_pos *o, struct route_pos *p)
{
	p->c = o->c;
	p->i = o->i;
	return r;
}

static inline void *
route_pos_placed(void *r, const struct ostore_pos *o, struct route_pos *p)
{
	return r != NULL ? route_pos_moved(r, o, p) : NULL;
}

/* The store's type: the element, its order, its OID codec, its marked (live) entries. */
extern const struct ostore_type route_store;

void route_table_init(struct route_table *);
void route_table_clear(struct route_table *);

int route_cmp(const struct route *, const struct route *);
/* Same identity and same attributes (what a manager can see). */
int route_same(const struct route *, const struct route *);
/* Same kernel route (fib alias): table, dst, plen, tos, metric. */
int route_same_fib(const struct route *, const struct route *);

/*
 * Insert or replace (same index) an entry.  Returns 1 if added, 0 if it
 * replaced an entry (the old one is copied to *old when old is not NULL),
 * -1 on allocation failure.
 */
int route_upsert(struct route_table *, const struct route *, struct route *old);
/* Remove the entry with this index; 1 if removed (copied to *old), 0 if absent. */
int route_remove(struct route_table *, const struct route *key, struct route *old);
struct route *route_find(const struct route_table *, const struct route *key);

/* First entry >= key (strict: > key).  Returns NULL at the end. */
struct route *route_seek(const struct route_table *, const struct route *key, int strict,
    struct route_pos *);
struct route *route_first(const struct route_table *, struct route_pos *);
struct route *route_next(const struct route_table *, struct route_pos *);
struct route *route_at(const struct route_table *, const struct route_pos *);
/* The next entry after pos with ROUTE_F_LIVE (chunks without one are skipped), or NULL. */
struct route *route_next_live(const struct route_table *, struct route_pos *);

/*
 * Replace the contents with n entries (sorted and de-duplicated here; the
 * array is reordered).  Returns 0, or -1 on allocation failure (the table is
 * then unchanged).
 */
int route_table_load(struct route_table *, struct route *v, size_t n);
/* The same for a vector already sorted and de-duplicated. */
int route_table_load_sorted(struct route_table *, const struct route *v, size_t n);
/* Sort and de-duplicate a vector in place; returns the new length. */
size_t route_sort_unique(struct route *v, size_t n);

/* The index as OID sub-identifiers (ROUTE_INDEX_LEN of them). */
void route_index_oid(const struct route *, unsigned long *out);
/*
 * First entry whose index, as an OID, compares greater than (strict) or
 * greater or equal to (!strict) the given sub-identifiers.  Any length and
 * any values are accepted: this is SNMP's GETNEXT ordering.
 */
struct route *route_seek_oid(const struct route_table *, const unsigned long *sub, size_t len,
    int strict, struct route_pos *);
/* A route's index against sub-identifiers, in OID order: <0, 0 or >0. */
int route_oid_cmp(const struct route *, const unsigned long *sub, size_t len);

static inline uint32_t
route_mask(uint8_t plen)
{
	return addr4_mask(plen);
}

#endif
