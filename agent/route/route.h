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
 * OID codec (route_index_oid) and its marked entries (ROUTE_F_LIVE).  What
 * does not fit the entry and is rare or shared (a gateway route's preferred
 * source, the IPv6 gateway of a route through one, RFC 5549) is interned,
 * and the entry keeps a one-byte id: see route_via6() for why not a side
 * table.
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
	uint8_t src;    /* a gateway route's RTA_PREFSRC (route_prefsrc_id()), or for a route
			   through an IPv6 gateway its route_via6_id(); 0: none */
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

/*
 * RFC 5549: an IPv4 route through an IPv6 gateway (RTA_VIA, or a nexthop
 * object's IPv6 gateway) has no IPv4 next hop.  Its entry has
 * ROUTE_F_GATEWAY with nexthop 0.0.0.0, which no IPv4 gateway gives (the
 * kernel takes `via 0.0.0.0` as no gateway at all, rtm_to_fib_config()),
 * so that pair marks it without a flag bit (all eight are taken).
 *
 * Where is the IPv6 address?  The entry must stay 32 bytes (37 bytes a
 * route at 1M routes), and these routes are rare, so it is not in the
 * entry.  A side table keyed by the route's index would have to follow
 * every insert, delete, replace and re-dump of the store, and a change of
 * the gateway alone would be invisible to route_same().  Instead the
 * gateway is interned with the route's preferred source, as a gateway
 * route's preferred source alone is, and the entry's src byte holds that
 * id: a new gateway is a new id, so the diff and the change notifications
 * see it, and the common path neither pays nor changes (its ids are
 * another table's).  The price: 255 distinct gateway and source pairs for
 * the life of the process (BGP unnumbered peers: one per link); past that
 * route_via6_id() returns 0 and the gateway is not shown.
 */
static inline int
route_via6(const struct route *r)
{
	return (r->flags & ROUTE_F_GATEWAY) && r->nexthop == 0;
}

/* A default route: 0.0.0.0/0 (they sort first). */
static inline int
route_is_default(const struct route *r)
{
	return r->dst == 0 && r->plen == 0;
}

/* The id of an IPv6 gateway (network byte order) and a preferred source; 0: no room. */
uint8_t route_via6_id(const uint8_t gw6[16], uint32_t prefsrc);
/*
 * The loop's side: log, once for the process, that route_via6_id() has
 * returned 0 (in any thread).  1 if it logged now.  Two routes whose
 * gateways have no id look alike (a change from one to the other is not
 * seen), so SETs that would act on one are refused (mib_set.c).
 */
int route_via6_log_full(void);
/* The IPv6 gateway of a route_via6() entry into gw6: 0, or -1 when not known (id 0). */
int route_via6_gw(const struct route *, uint8_t gw6[16]);
/* A route's preferred source as its src byte names it, for either kind of id (0: none). */
uint32_t route_src_addr(const struct route *);

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

/* One step of a walk from p (ostore_next, ostore_next_marked), p moved with it. */
typedef void *(
    *route_step_fn)(const struct ostore_type *, const struct ostore *, struct ostore_pos *);

static inline void *
route_pos_step(route_step_fn step, const struct ostore_type *t, const struct ostore *s,
    struct route_pos *p)
{
	struct ostore_pos o = route_pos_ostore(p);

	return route_pos_moved(step(t, s, &o), &o, p);
}

/*
 * A route family's store and its typed functions, written once for every
 * family as sys/tree.h's RB_PROTOTYPE and RB_GENERATE are.  The family has
 * its entry T (with the ROUTE_F_* flags in a field named flags), its table
 * TABLE (a struct ostore named s), its order PFX_cmp(), its OID codec
 * PFX_index_oid() and its comparisons PFX_same() and PFX_same_fib() (which
 * rt.h's engine calls through PFX_same_v() and PFX_same_fib_v(), on
 * entries as void pointers).  ROUTE_STORE_PROTOTYPE() declares, in the family's
 * header, and ROUTE_STORE_GENERATE() defines, in its .c file, where the
 * constant type lets the compiler inline the order and the codec into the
 * searches:
 *
 *   PFX_store                the ostore_type: size, chunk, order, codec, ROUTE_F_LIVE marks
 *   PFX_table_init(t), PFX_table_clear(t)
 *   PFX_upsert(t, e, old)    insert or replace (same index): 1 added, 0 replaced (the old
 *                            entry copied to old if not NULL), -1 on allocation failure
 *   PFX_remove(t, key, old)  1 removed (copied to old if not NULL), 0 absent
 *   PFX_find(t, key)         the entry with key's index, or NULL
 *   PFX_seek(t, key, strict, pos)  the first entry >= key (> when strict), NULL at the end
 *   PFX_first(t, pos), PFX_next(t, pos), PFX_at(t, pos)
 *   PFX_next_live(t, pos)    the next entry with ROUTE_F_LIVE (chunks without one skipped)
 *   PFX_sort_unique(v, n)    sort and de-duplicate an array in place; the new length
 *   PFX_table_load(t, v, n)  replace the contents with v (sorted and de-duplicated here, so
 *                            reordered): 0, or -1 on allocation failure (t unchanged)
 *   PFX_table_load_sorted(t, v, n)  the same for an array already sorted and unique
 *   PFX_seek_oid(t, sub, len, strict, pos)  GETNEXT's search: the first entry whose index, as
 *                            an OID, is > (strict) or >= the sub-identifiers, of any length
 *                            and values
 *   PFX_oid_cmp(e, sub, len) an entry's index against sub-identifiers, in OID order
 *
 * A position is valid until the table changes.  Code that writes an entry in
 * place (through a pointer from PFX_find, PFX_seek, ...) must not change
 * ROUTE_F_LIVE: the store counts the live entries of each chunk.
 */
/* clang-format off */
#define ROUTE_STORE_PROTOTYPE(PFX, T, TABLE)                                             \
	extern const struct ostore_type PFX##_store;                                     \
	void PFX##_table_init(TABLE *);                                                  \
	void PFX##_table_clear(TABLE *);                                                 \
	int PFX##_upsert(TABLE *, const T *, T *old);                                    \
	int PFX##_remove(TABLE *, const T *key, T *old);                                 \
	T *PFX##_find(const TABLE *, const T *key);                                      \
	T *PFX##_seek(const TABLE *, const T *key, int strict, struct route_pos *);      \
	T *PFX##_first(const TABLE *, struct route_pos *);                               \
	T *PFX##_next(const TABLE *, struct route_pos *);                                \
	T *PFX##_at(const TABLE *, const struct route_pos *);                            \
	T *PFX##_next_live(const TABLE *, struct route_pos *);                           \
	size_t PFX##_sort_unique(T *v, size_t n);                                        \
	int PFX##_table_load(TABLE *, T *v, size_t n);                                   \
	int PFX##_table_load_sorted(TABLE *, const T *v, size_t n);                      \
	T *PFX##_seek_oid(const TABLE *, const unsigned long *sub, size_t len, int strict, \
	    struct route_pos *);                                                         \
	int PFX##_oid_cmp(const T *, const unsigned long *sub, size_t len);                 \
	int PFX##_same_v(const void *, const void *);                                    \
	int PFX##_same_fib_v(const void *, const void *)

#define ROUTE_STORE_GENERATE(PFX, T, TABLE, CHUNK, INDEX_LEN)                            \
	static int PFX##_cmp_v(const void *a, const void *b) { return PFX##_cmp(a, b); } \
	static void PFX##_index_v(const void *e, unsigned long *o) { PFX##_index_oid(e, o); } \
	static int PFX##_live_v(const void *e)                                           \
	{ return (((const T *)e)->flags & ROUTE_F_LIVE) != 0; }                          \
	const struct ostore_type PFX##_store = { .size = sizeof(T), .chunk = (CHUNK),    \
		.cmp = PFX##_cmp_v, .index_len = (INDEX_LEN), .index_oid = PFX##_index_v, \
		.marked = PFX##_live_v };                                                \
	void PFX##_table_init(TABLE *t) { ostore_init(&t->s); }                          \
	void PFX##_table_clear(TABLE *t) { ostore_clear(&t->s); }                        \
	int PFX##_upsert(TABLE *t, const T *e, T *old)                                   \
	{ return ostore_upsert(&PFX##_store, &t->s, e, old); }                           \
	int PFX##_remove(TABLE *t, const T *key, T *old)                                 \
	{ return ostore_remove(&PFX##_store, &t->s, key, old); }                         \
	T *PFX##_find(const TABLE *t, const T *key)                                      \
	{ return ostore_find(&PFX##_store, &t->s, key); }                                \
	T *PFX##_seek(const TABLE *t, const T *key, int strict, struct route_pos *pos)   \
	{                                                                                \
		struct ostore_pos o;                                                     \
		return route_pos_placed(ostore_seek(&PFX##_store, &t->s, key, strict, &o), &o, pos); \
	}                                                                                \
	T *PFX##_first(const TABLE *t, struct route_pos *pos)                            \
	{                                                                                \
		struct ostore_pos o;                                                     \
		return route_pos_placed(ostore_first(&PFX##_store, &t->s, &o), &o, pos); \
	}                                                                                \
	T *PFX##_next(const TABLE *t, struct route_pos *pos)                             \
	{ return route_pos_step(ostore_next, &PFX##_store, &t->s, pos); }                \
	T *PFX##_at(const TABLE *t, const struct route_pos *pos)                         \
	{                                                                                \
		const struct ostore_pos o = route_pos_ostore(pos);                       \
		return ostore_at(&PFX##_store, &t->s, &o);                               \
	}                                                                                \
	T *PFX##_next_live(const TABLE *t, struct route_pos *pos)                        \
	{ return route_pos_step(ostore_next_marked, &PFX##_store, &t->s, pos); }         \
	size_t PFX##_sort_unique(T *v, size_t n)                                         \
	{ return ostore_sort_unique(&PFX##_store, v, n); }                               \
	int PFX##_table_load_sorted(TABLE *t, const T *v, size_t n)                      \
	{ return ostore_load_sorted(&PFX##_store, &t->s, v, n); }                        \
	int PFX##_table_load(TABLE *t, T *v, size_t n)                                   \
	{ return PFX##_table_load_sorted(t, v, PFX##_sort_unique(v, n)); }               \
	T *PFX##_seek_oid(const TABLE *t, const unsigned long *sub, size_t len, int strict, \
	    struct route_pos *pos)                                                       \
	{                                                                                \
		struct ostore_pos o;                                                     \
		return route_pos_placed(ostore_seek_oid(&PFX##_store, &t->s, sub, len, strict, &o), \
		    &o, pos);                                                            \
	}                                                                                \
	int PFX##_oid_cmp(const T *e, const unsigned long *sub, size_t len)              \
	{ return ostore_oid_cmp(&PFX##_store, e, sub, len); }                            \
	int PFX##_same_v(const void *a, const void *b) { return PFX##_same(a, b); }      \
	int PFX##_same_fib_v(const void *a, const void *b) { return PFX##_same_fib(a, b); } \
	struct PFX##_store_generated /* for the semicolon after the macro */
/* clang-format on */

int route_cmp(const struct route *, const struct route *);
/* Same identity and same attributes (what a manager can see). */
int route_same(const struct route *, const struct route *);
/* Same kernel route (fib alias): table, dst, plen, tos, metric. */
int route_same_fib(const struct route *, const struct route *);
/* The index as OID sub-identifiers (ROUTE_INDEX_LEN of them). */
void route_index_oid(const struct route *, unsigned long *out);

/*
 * The IPv4 store.  Linux can hold aliases that share every index field and
 * differ only in type (`ip route append`); only one of them can be a row,
 * and route_sort_unique() keeps the first.
 */
ROUTE_STORE_PROTOTYPE(route, struct route, struct route_table);

static inline uint32_t
route_mask(uint8_t plen)
{
	return addr4_mask(plen);
}

#endif
