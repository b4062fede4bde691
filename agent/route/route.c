/* The IPv4 route mirror's ordered store: see route.h. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"

/* Chunks are filled to this many entries by a bulk load, leaving room to grow. */
#define LOAD_FILL (ROUTE_CHUNK - ROUTE_CHUNK / 8)

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)
#define LIVE(r)   (((r)->flags & ROUTE_F_LIVE) ? 1u : 0u)

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

static struct {
	pthread_mutex_t lock;
	uint32_t addr[256]; /* [0] unused: id 0 is "none" */
	unsigned n;
} prefsrcs = { .lock = PTHREAD_MUTEX_INITIALIZER, .n = 1 };

uint8_t
route_prefsrc_id(uint32_t addr)
{
	/* A full table's routes mostly share one source: skip the lock then. */
	static __thread uint32_t last_addr;
	static __thread uint8_t last_id;
	uint8_t id = 0;

	if (last_id != 0 && last_addr == addr)
		return last_id;
	pthread_mutex_lock(&prefsrcs.lock);
	for (unsigned k = 1; k < prefsrcs.n && id == 0; k++)
		if (prefsrcs.addr[k] == addr)
			id = (uint8_t)k;
	if (id == 0 && prefsrcs.n < 256) {
		id = (uint8_t)prefsrcs.n;
		prefsrcs.addr[prefsrcs.n++] = addr;
	}
	pthread_mutex_unlock(&prefsrcs.lock);
	last_addr = addr;
	last_id = id;
	return id;
}

uint32_t
route_prefsrc(uint8_t id)
{
	uint32_t a;

	pthread_mutex_lock(&prefsrcs.lock);
	a = id < prefsrcs.n ? prefsrcs.addr[id] : 0;
	pthread_mutex_unlock(&prefsrcs.lock);
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

void
route_table_init(struct route_table *t)
{
	memset(t, 0, sizeof(*t));
}

void
route_table_clear(struct route_table *t)
{
	for (size_t i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	route_table_init(t);
}

size_t
route_table_bytes(const struct route_table *t)
{
	return t->cap * sizeof(*t->chunks) + t->nchunks * sizeof(struct route_chunk);
}

/* Index of the first chunk whose last entry is >= key (> key if strict), or nchunks. */
static size_t
chunk_bound(const struct route_table *t, const struct route *key, int strict)
{
	size_t lo = 0, hi = t->nchunks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct route_chunk *ch = t->chunks[mid];
		int c = route_cmp(&ch->r[ch->n - 1], key);

		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static unsigned
entry_bound(const struct route_chunk *ch, const struct route *key, int strict)
{
	unsigned lo = 0, hi = ch->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = route_cmp(&ch->r[mid], key);

		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct route *
route_seek(const struct route_table *t, const struct route *key, int strict, struct route_pos *pos)
{
	size_t c = chunk_bound(t, key, strict);

	if (c == t->nchunks)
		return NULL;
	pos->c = c;
	pos->i = entry_bound(t->chunks[c], key, strict);
	return &t->chunks[c]->r[pos->i];
}

struct route *
route_find(const struct route_table *t, const struct route *key)
{
	struct route_pos pos;
	struct route *r = route_seek(t, key, 0, &pos);

	return r != NULL && route_cmp(r, key) == 0 ? r : NULL;
}

struct route *
route_first(const struct route_table *t, struct route_pos *pos)
{
	if (t->nchunks == 0)
		return NULL;
	pos->c = 0;
	pos->i = 0;
	return &t->chunks[0]->r[0];
}

struct route *
route_next(const struct route_table *t, struct route_pos *pos)
{
	if (pos->c >= t->nchunks)
		return NULL;
	if (++pos->i >= t->chunks[pos->c]->n) {
		if (++pos->c >= t->nchunks)
			return NULL;
		pos->i = 0;
	}
	return &t->chunks[pos->c]->r[pos->i];
}

struct route *
route_at(const struct route_table *t, const struct route_pos *pos)
{
	if (pos->c >= t->nchunks || pos->i >= t->chunks[pos->c]->n)
		return NULL;
	return &t->chunks[pos->c]->r[pos->i];
}

struct route *
route_next_live(const struct route_table *t, struct route_pos *pos)
{
	unsigned i = pos->i + 1;

	for (size_t c = pos->c; c < t->nchunks; c++, i = 0) {
		struct route_chunk *ch = t->chunks[c];

		for (; ch->nlive > 0 && i < ch->n; i++) {
			if (LIVE(&ch->r[i])) {
				pos->c = c;
				pos->i = i;
				return &ch->r[i];
			}
		}
	}
	pos->c = t->nchunks;
	pos->i = 0;
	return NULL;
}

static unsigned
count_live(const struct route *v, unsigned n)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		k += LIVE(&v[i]);
	return k;
}

static int
chunks_reserve(struct route_table *t, size_t n)
{
	struct route_chunk **v;
	size_t cap;

	if (n <= t->cap)
		return 0;
	cap = t->cap ? t->cap : 16;
	while (cap < n)
		cap *= 2;
	if ((v = realloc(t->chunks, cap * sizeof(*v))) == NULL)
		return -1;
	t->chunks = v;
	t->cap = cap;
	return 0;
}

static int
chunk_insert_at(struct route_table *t, size_t c, struct route_chunk *ch)
{
	if (chunks_reserve(t, t->nchunks + 1) == -1)
		return -1;
	memmove(&t->chunks[c + 1], &t->chunks[c], (t->nchunks - c) * sizeof(*t->chunks));
	t->chunks[c] = ch;
	t->nchunks++;
	return 0;
}

static void
chunk_remove_at(struct route_table *t, size_t c)
{
	free(t->chunks[c]);
	memmove(&t->chunks[c], &t->chunks[c + 1], (t->nchunks - c - 1) * sizeof(*t->chunks));
	t->nchunks--;
}

int
route_upsert(struct route_table *t, const struct route *r, struct route *old)
{
	struct route_chunk *ch, *half;
	size_t c;
	unsigned i;

	if (t->nchunks == 0) {
		if ((ch = malloc(sizeof(*ch))) == NULL || chunk_insert_at(t, 0, ch) == -1) {
			free(ch);
			return -1;
		}
		ch->n = 1;
		ch->nlive = LIVE(r);
		ch->r[0] = *r;
		t->count = 1;
		return 1;
	}
	/* The chunk that holds r, or the last one if r sorts after everything. */
	c = chunk_bound(t, r, 0);
	if (c == t->nchunks)
		c--;
	ch = t->chunks[c];
	i = entry_bound(ch, r, 0);
	if (i < ch->n && route_cmp(&ch->r[i], r) == 0) {
		if (old != NULL)
			*old = ch->r[i];
		ch->nlive = ch->nlive - LIVE(&ch->r[i]) + LIVE(r);
		ch->r[i] = *r;
		return 0;
	}
	if (ch->n == ROUTE_CHUNK) {
		/* Split in two halves and insert into the one that covers r. */
		if ((half = malloc(sizeof(*half))) == NULL)
			return -1;
		half->n = ROUTE_CHUNK / 2;
		memcpy(half->r, &ch->r[ROUTE_CHUNK / 2], half->n * sizeof(*half->r));
		if (chunk_insert_at(t, c + 1, half) == -1) {
			free(half);
			return -1;
		}
		ch->n = ROUTE_CHUNK / 2;
		half->nlive = count_live(half->r, half->n);
		ch->nlive -= half->nlive;
		if (i > ch->n) {
			ch = half;
			i -= ROUTE_CHUNK / 2;
		}
	}
	memmove(&ch->r[i + 1], &ch->r[i], (ch->n - i) * sizeof(*ch->r));
	ch->r[i] = *r;
	ch->n++;
	ch->nlive += LIVE(r);
	t->count++;
	return 1;
}

int
route_remove(struct route_table *t, const struct route *key, struct route *old)
{
	struct route_pos pos;
	struct route_chunk *ch, *nx;
	struct route *r = route_seek(t, key, 0, &pos);

	if (r == NULL || route_cmp(r, key) != 0)
		return 0;
	if (old != NULL)
		*old = *r;
	ch = t->chunks[pos.c];
	ch->nlive -= LIVE(r);
	memmove(&ch->r[pos.i], &ch->r[pos.i + 1], (ch->n - pos.i - 1) * sizeof(*ch->r));
	ch->n--;
	t->count--;
	if (ch->n == 0) {
		chunk_remove_at(t, pos.c);
	} else if (pos.c + 1 < t->nchunks && ch->n < ROUTE_CHUNK / 4 &&
	    ch->n + t->chunks[pos.c + 1]->n <= LOAD_FILL) {
		/* Merge sparse neighbours so that deletions do not waste memory. */
		nx = t->chunks[pos.c + 1];
		memcpy(&ch->r[ch->n], nx->r, nx->n * sizeof(*nx->r));
		ch->n += nx->n;
		ch->nlive += nx->nlive;
		chunk_remove_at(t, pos.c + 1);
	}
	return 1;
}

static int
route_qcmp(const void *a, const void *b)
{
	return route_cmp(a, b);
}

size_t
route_sort_unique(struct route *v, size_t n)
{
	size_t i, j;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), route_qcmp);
	/*
	 * Linux can hold aliases that share every index field and differ only in
	 * type (`ip route append`); only one of them can be a row.
	 */
	for (i = 0, j = 1; j < n; j++)
		if (route_cmp(&v[i], &v[j]) != 0)
			v[++i] = v[j];
	return i + 1;
}

int
route_table_load(struct route_table *t, struct route *v, size_t n)
{
	return route_table_load_sorted(t, v, route_sort_unique(v, n));
}

int
route_table_load_sorted(struct route_table *t, const struct route *v, size_t n)
{
	struct route_table nt;
	size_t off;

	route_table_init(&nt);
	if (chunks_reserve(&nt, (n + LOAD_FILL - 1) / LOAD_FILL) == -1)
		return -1;
	for (off = 0; off < n; off += LOAD_FILL) {
		struct route_chunk *ch = malloc(sizeof(*ch));

		if (ch == NULL) {
			route_table_clear(&nt);
			return -1;
		}
		ch->n = n - off < LOAD_FILL ? (unsigned)(n - off) : LOAD_FILL;
		memcpy(ch->r, &v[off], ch->n * sizeof(*v));
		ch->nlive = count_live(ch->r, ch->n);
		nt.chunks[nt.nchunks++] = ch;
	}
	nt.count = n;
	route_table_clear(t);
	*t = nt;
	return 0;
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

static int
oid_cmp(const unsigned long *a, size_t alen, const unsigned long *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return CMP(alen, blen);
}

int
route_oid_cmp(const struct route *r, const unsigned long *sub, size_t len)
{
	unsigned long o[ROUTE_INDEX_LEN];

	route_index_oid(r, o);
	return oid_cmp(o, ROUTE_INDEX_LEN, sub, len);
}

/*
 * The key order equals the order of the encoded index (IpAddress octets in
 * network order, a mask grows with its length, the rest are single
 * sub-identifiers), so the same two-level binary search works on OIDs.
 */
struct route *
route_seek_oid(const struct route_table *t, const unsigned long *sub, size_t len, int strict,
    struct route_pos *pos)
{
	size_t lo = 0, hi = t->nchunks;
	unsigned ilo, ihi;
	const struct route_chunk *ch;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c;

		ch = t->chunks[mid];
		c = route_oid_cmp(&ch->r[ch->n - 1], sub, len);
		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->nchunks)
		return NULL;
	ch = t->chunks[lo];
	ilo = 0;
	ihi = ch->n;
	while (ilo < ihi) {
		unsigned mid = ilo + (ihi - ilo) / 2;
		int c = route_oid_cmp(&ch->r[mid], sub, len);

		if (c < 0 || (strict && c == 0))
			ilo = mid + 1;
		else
			ihi = mid;
	}
	pos->c = lo;
	pos->i = ilo;
	return &t->chunks[lo]->r[ilo];
}
