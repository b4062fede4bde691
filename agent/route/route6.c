/* The IPv6 route mirror's ordered store and interned prefixes: see route6.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/intern.h"
#include "route/route6.h"

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

_Static_assert(sizeof(struct route6) == 64, "the IPv6 route entry is 64 bytes");
_Static_assert(_Alignof(struct route6) <= 8, "ostore aligns elements to 8 bytes");

/* ---- interned source prefixes and preferred sources ------------------------- */

/* A source prefix as its index has it: 16 address bytes, then the length. */
#define SRC_KEY 17

static struct intern srcs = INTERN_INIT(SRC_KEY, 65535);
static struct intern prefsrcs = INTERN_INIT(16, 255);

uint16_t
route6_src_id(const uint8_t addr[16], uint8_t plen)
{
	uint8_t key[SRC_KEY];

	if (plen == 0)
		return 0; /* ::/0: no source prefix */
	memcpy(key, addr, 16);
	key[16] = plen;
	return (uint16_t)intern_id(&srcs, key);
}

void
route6_src(uint16_t id, uint8_t addr[16], uint8_t *plen)
{
	uint8_t key[SRC_KEY];

	memset(key, 0, sizeof(key));
	if (id != 0)
		intern_key(&srcs, id, key);
	memcpy(addr, key, 16);
	*plen = key[16];
}

uint8_t
route6_prefsrc_id(const uint8_t addr[16])
{
	return (uint8_t)intern_id(&prefsrcs, addr);
}

void
route6_prefsrc(uint8_t id, uint8_t addr[16])
{
	intern_key(&prefsrcs, id, addr);
}

/* ---- order ---------------------------------------------------------------- */

int
route6_cmp(const struct route6 *a, const struct route6 *b)
{
	int c;

	if ((c = memcmp(a->dst, b->dst, 16)) != 0)
		return c;
	if ((c = CMP(a->plen, b->plen)) != 0)
		return c;
	if ((c = memcmp(a->nexthop, b->nexthop, 16)) != 0)
		return c;
	if ((c = CMP(a->ifindex, b->ifindex)) != 0)
		return c;
	if ((c = CMP(a->table, b->table)) != 0)
		return c;
	if ((c = CMP(a->metric, b->metric)) != 0)
		return c;
	/* The prefix itself, as the index shows it; id 0 (::/0) is all zeros, the lowest. */
	return a->src == b->src ? 0 : intern_cmp(&srcs, a->src, b->src);
}

/*
 * The kernel gives a remaining lifetime (RTA_CACHEINFO, in clock ticks), of
 * which the mirror keeps the second it ends: two readings of one expiry can
 * differ by a second of rounding, and that is not a change.
 */
static int
same_expiry(uint32_t a, uint32_t b)
{
	if (a == 0 || b == 0)
		return a == b;
	return a - b + 1 <= 2;
}

int
route6_same_shown(const struct route6 *a, const struct route6 *b)
{
	return route6_cmp(a, b) == 0 && a->type == b->type && a->proto == b->proto &&
	    a->weight == b->weight && a->pref == b->pref && a->prefsrc == b->prefsrc &&
	    (a->flags & ~ROUTE_F_PRIVATE) == (b->flags & ~ROUTE_F_PRIVATE);
}

int
route6_same(const struct route6 *a, const struct route6 *b)
{
	return route6_same_shown(a, b) && same_expiry(a->expires, b->expires);
}

int
route6_same_fib(const struct route6 *a, const struct route6 *b)
{
	return memcmp(a->dst, b->dst, 16) == 0 && a->plen == b->plen && a->table == b->table &&
	    a->src == b->src && a->metric == b->metric;
}

/* ---- the store: an ostore of struct route6 ---------------------------------- */

ROUTE_STORE_GENERATE(route6, struct route6, struct route6_table, ROUTE6_CHUNK, ROUTE6_INDEX_LEN);

/* ---- the OID codec ----------------------------------------------------------- */

/*
 * dst (16 octets), plen, nexthop (16), ifindex, table, metric, source prefix
 * (16), its length.  Octets and lengths are single sub-identifiers in the
 * order route6_cmp() compares them, so the store's search works on OIDs.
 */
void
route6_index_oid(const struct route6 *r, unsigned long *o)
{
	uint8_t src[16], slen;

	route6_src(r->src, src, &slen);
	for (int k = 0; k < 16; k++) {
		o[k] = r->dst[k];
		o[17 + k] = r->nexthop[k];
		o[36 + k] = src[k];
	}
	o[16] = r->plen;
	o[33] = (unsigned long)r->ifindex;
	o[34] = r->table;
	o[35] = r->metric;
	o[52] = slen;
}

int
route6_is_default(const struct route6 *r)
{
	static const uint8_t any[16];

	return r->plen == 0 && memcmp(r->dst, any, 16) == 0;
}
