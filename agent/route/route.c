/* The IPv4 route mirror's ordered store: see route.h. */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "lib/intern.h"
#include "lib/log.h"
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

/* ---- IPv6 gateways of IPv4 routes (RFC 5549): see route.h ----------------- */

struct via6_key {
	uint8_t gw6[16];
	uint32_t prefsrc; /* host byte order, as the entry keeps addresses */
};

static struct intern via6s = INTERN_INIT(sizeof(struct via6_key), 255);

/*
 * route_via6_id() gave 0 for a gateway: set by whichever thread parsed the
 * route (a dump thread, which never logs), logged once by the loop
 * (route_via6_log_full()).
 */
static atomic_int via6_full;
static int via6_told; /* the loop's */

uint8_t
route_via6_id(const uint8_t gw6[16], uint32_t prefsrc)
{
	struct via6_key k;
	unsigned id;

	memset(&k, 0, sizeof(k));
	memcpy(k.gw6, gw6, sizeof(k.gw6));
	k.prefsrc = prefsrc;
	if ((id = intern_id(&via6s, &k)) == 0)
		atomic_store_explicit(&via6_full, 1, memory_order_relaxed);
	return (uint8_t)id;
}

int
route_via6_log_full(void)
{
	if (via6_told || !atomic_load_explicit(&via6_full, memory_order_relaxed))
		return 0;
	via6_told = 1;
	log_warn("route",
	    "no room for another IPv6 gateway of an IPv4 route (RFC 5549; 255 gateway and "
	    "source pairs kept): routes through new ones show no gateway, and SETs that "
	    "would change them are refused");
	return 1;
}

static int
via6_key(uint8_t id, struct via6_key *k)
{
	return id == 0 ? (memset(k, 0, sizeof(*k)), -1) : intern_key(&via6s, id, k);
}

int
route_via6_gw(const struct route *r, uint8_t gw6[16])
{
	struct via6_key k;
	int rc = via6_key(r->src, &k);

	memcpy(gw6, k.gw6, sizeof(k.gw6));
	return rc;
}

uint32_t
route_src_addr(const struct route *r)
{
	struct via6_key k;

	if (r->src == 0)
		return 0;
	if (!route_via6(r))
		return route_prefsrc(r->src);
	via6_key(r->src, &k);
	return k.prefsrc;
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

ROUTE_STORE_GENERATE(route, struct route, struct route_table, ROUTE_CHUNK, ROUTE_INDEX_LEN);

/*
 * The key order equals the order of the encoded index (IpAddress octets in
 * network order, a mask grows with its length, the rest are single
 * sub-identifiers), so the store's search works on OIDs.
 */
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
