/* The IPv4 route mirror's ordered store: see route.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/intern.h"
#include "route/route.h"

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

_Static_assert(sizeof(struct route) == 32, "the IPv4 route entry is 32 bytes");
_Static_assert(_Alignof(struct route) <= 8, "ostore aligns elements to 8 bytes");

int
route_cmp(const struct route *a, const struct route *b)
{
	int c;

	if ((c = CMP(a->dst, b->dst)) != 0)
		return c;
	if ((c = CMP(a->plen, b->plen)) != 0)
		return c;
	if ((c = CMP(a->nexthop, b->nexthop)) != 0)
		return c;
	if ((c = CMP(a->ifindex, b->ifindex)) != 0)
		return c;
	if ((c = CMP(a->table, b->table)) != 0)
		return c;
	if ((c = CMP(a->tos, b->tos)) != 0)
		return c;
	return CMP(a->metric, b->metric);
}

/* ---- preferred sources of gateway routes ------------------------------- */

/* Host byte order, as the entry keeps addresses; id 0 is "none". */
static struct intern prefsrcs = INTERN_INIT(sizeof(uint32_t), 255);

uint8_t
route_prefsrc_id(uint32_t addr)
{
	return (uint8_t)intern_id(&prefsrcs, &addr);
}

uint32_t
route_prefsrc(uint8_t id)
{
	uint32_t a;

	intern_key(&prefsrcs, id, &a);
	return a;
}

int
route_same(const struct route *a, const struct route *b)
{
	return route_cmp(a, b) == 0 && a->type == b->type && a->proto == b->proto &&
	    a->scope == b->scope && a->weight == b->weight && a->src == b->src &&
	    (a->flags & ~ROUTE_F_PRIVATE) == (b->flags & ~ROUTE_F_PRIVATE);
}

int
route_same_fib(const struct route *a, const struct route *b)
{
	return a->dst == b->dst && a->plen == b->plen && a->table == b->table && a->tos == b->tos &&
	    a->metric == b->metric;
}

/* ---- the store: an ostore of struct route -------------------------------- */

static int
cmp_v(const void *a, const void *b)
{
	return route_cmp(a, b);
}

static void
index_oid_v(const void *r, unsigned long *o)
{
	route_index_oid(r, o);
}

static int
live_v(const void *r)
{
	return (((const struct route *)r)->flags & ROUTE_F_LIVE) != 0;
}

const struct ostore_type route_store = {
	.size = sizeof(struct route),
	.chunk = ROUTE_CHUNK,
	.cmp = cmp_v,
	.index_len = ROUTE_INDEX_LEN,
	.index_oid = index_oid_v,
	.marked = live_v,
};

void
route_table_init(struct route_table *t)
{
	ostore_init(&t->s);
}

void
route_table_clear(struct route_table *t)
{
	ostore_clear(&t->s);
}

struct route *
route_seek(const struct route_table *t, const struct route *key, int strict, struct route_pos *pos)
{
	struct ostore_pos o;

	return route_pos_placed(ostore_seek(&route_store, &t->s, key, strict, &o), &o, pos);
}

struct route *
route_find(const struct route_table *t, const struct route *key)
{
	return ostore_find(&route_store, &t->s, key);
}

struct route *
route_first(const struct route_table *t, struct route_pos *pos)
{
	struct ostore_pos o;

	return route_pos_placed(ostore_first(&route_store, &t->s, &o), &o, pos);
}

struct route *
route_next(const struct route_table *t, struct route_pos *pos)
{
	struct ostore_pos o = route_pos_ostore(pos);

	return route_pos_moved(ostore_next(&route_store, &t->s, &o), &o, pos);
}

struct route *
route_at(const struct route_table *t, const struct route_pos *pos)
{
	const struct ostore_pos o = route_pos_ostore(pos);

	return ostore_at(&route_store, &t->s, &o);
}

struct route *
route_next_live(const struct route_table *t, struct route_pos *pos)
{
	struct ostore_pos o = route_pos_ostore(pos);

	return route_pos_moved(ostore_next_marked(&route_store, &t->s, &o), &o, pos);
}

int
route_upsert(struct route_table *t, const struct route *r, struct route *old)
{
	return ostore_upsert(&route_store, &t->s, r, old);
}

int
route_remove(struct route_table *t, const struct route *key, struct route *old)
{
	return ostore_remove(&route_store, &t->s, key, old);
}

/*
 * Linux can hold aliases that share every index field and differ only in
 * type (`ip route append`); only one of them can be a row.
 */
size_t
route_sort_unique(struct route *v, size_t n)
{
	return ostore_sort_unique(&route_store, v, n);
}

int
route_table_load(struct route_table *t, struct route *v, size_t n)
{
	return route_table_load_sorted(t, v, route_sort_unique(v, n));
}

int
route_table_load_sorted(struct route_table *t, const struct route *v, size_t n)
{
	return ostore_load_sorted(&route_store, &t->s, v, n);
}

void
route_index_oid(const struct route *r, unsigned long *o)
{
	uint32_t mask = route_mask(r->plen);

	for (int k = 0; k < 4; k++) {
		o[k] = (r->dst >> (24 - 8 * k)) & 0xff;
		o[4 + k] = (mask >> (24 - 8 * k)) & 0xff;
		o[8 + k] = (r->nexthop >> (24 - 8 * k)) & 0xff;
	}
	o[12] = (unsigned long)r->ifindex;
	o[13] = r->table;
	o[14] = r->tos;
	o[15] = r->metric;
}

int
route_oid_cmp(const struct route *r, const unsigned long *sub, size_t len)
{
	return ostore_oid_cmp(&route_store, r, sub, len);
}

/*
 * The key order equals the order of the encoded index (IpAddress octets in
 * network order, a mask grows with its length, the rest are single
 * sub-identifiers), so the store's search works on OIDs.
 */
struct route *
route_seek_oid(const struct route_table *t, const unsigned long *sub, size_t len, int strict,
    struct route_pos *pos)
{
	struct ostore_pos o;

	return route_pos_placed(ostore_seek_oid(&route_store, &t->s, sub, len, strict, &o), &o,
	    pos);
}
