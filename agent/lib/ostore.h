/*
 * A chunked ordered store: fixed-size elements kept sorted by a comparator,
 * for tables that hold up to millions of rows and answer GET and GETNEXT.
 *
 * Storage is a two-level sorted array: a vector of chunks, each a sorted run
 * of at most type->chunk elements.  A lookup is a binary search over the
 * chunks' last elements and then inside one chunk; an insert or a delete
 * moves at most one chunk's elements (a full chunk splits in two halves,
 * a sparse one merges with its right neighbour), and a bulk load fills
 * chunks to 7/8, leaving room to grow.  Against one flat sorted array this
 * bounds an insert's memmove; against a tree it keeps the elements packed
 * (the 32-byte IPv4 route costs about 37 bytes).
 *
 * What an element is comes from a struct ostore_type: its size, its order,
 * and its index as OID sub-identifiers (the codec).  The codec's order must
 * be the comparator's, so that the same search answers a GETNEXT from any
 * OID, including partial and out-of-range ones.  Optionally each chunk
 * counts the elements that a predicate marks, so that a scan for rare ones
 * skips whole chunks (route.c: routes with an InstallDate).
 *
 * Every call takes the type.  The searches and steps are inline, so that an
 * instance that passes a constant type (a wrapper over one static const
 * struct ostore_type, as route.c is) gets its comparator and codec inlined:
 * at a million elements the store is as fast as one written for its element.
 * What moves elements (insert, remove, load) is in ostore.c.  Not
 * thread-safe; the store knows nothing about its elements beyond the type.
 */
#ifndef CIMR_OSTORE_H
#define CIMR_OSTORE_H

#include <stddef.h>
#include <string.h>

#include "lib/vec.h"

/* The longest index a codec may produce (SNMP's limit for a whole OID). */
#define OSTORE_OID_MAX 128

struct ostore_type {
	size_t size;    /* bytes per element; its alignment must be at most 8 */
	unsigned chunk; /* elements per chunk: even, at least 8 */
	int (*cmp)(const void *a, const void *b);
	/* The codec: the index of an element, index_len sub-identifiers, in cmp's order. */
	size_t index_len;
	void (*index_oid)(const void *elem, unsigned long *out);
	/* Optional (NULL: none): the elements that ostore_next_marked() finds. */
	int (*marked)(const void *elem);
};

struct ostore_chunk {
	unsigned n;       /* elements in use */
	unsigned nmarked; /* of them, marked by type->marked */
	_Alignas(8) unsigned char e[];
};

/*
 * count comes first, so that an instance can publish it under a name of its
 * own through an anonymous union (route.h).  The rest is the store's.
 */
struct ostore {
	size_t count; /* elements */
	struct ostore_chunk **chunks;
	size_t nchunks;
	size_t cap;
};

/* A position in the store; valid until the store changes. */
struct ostore_pos {
	size_t c;   /* chunk */
	unsigned i; /* element in chunk */
};

void ostore_init(struct ostore *);
/* Free everything; the store is then empty. */
void ostore_clear(struct ostore *);

/*
 * Insert an element at the place a non-strict search for it gave (pos; c is
 * nchunks when it sorts after everything).  0, or -1 with errno ENOMEM (the
 * store is then unchanged).
 */
int ostore_insert_at(const struct ostore_type *, struct ostore *, const struct ostore_pos *,
    const void *elem);
/* Overwrite the element at pos with an equal one. */
void ostore_replace_at(const struct ostore_type *, struct ostore *, const struct ostore_pos *,
    const void *elem);
/* Remove the element at pos. */
void ostore_remove_at(const struct ostore_type *, struct ostore *, const struct ostore_pos *);
/* The next marked element after pos (chunks without one are skipped), or NULL at the end. */
void *ostore_next_marked(const struct ostore_type *, const struct ostore *, struct ostore_pos *);

/*
 * Replace the contents with n elements, sorted by cmp and without two equal
 * ones.  0, or -1 with errno ENOMEM (the store is then unchanged).
 */
int ostore_load_sorted(const struct ostore_type *, struct ostore *, const void *v, size_t n);
/* Sort an array in cmp's order and keep one of each run of equal elements; the new length. */
size_t ostore_sort_unique(const struct ostore_type *, void *v, size_t n);

/* ---- inline: the searches and steps ----------------------------------------- */

/* Forced: GCC would otherwise share one copy of the search between callers. */
#define OSTORE_INLINE static inline __attribute__((always_inline))

OSTORE_INLINE void *
ostore_elem(const struct ostore_type *t, struct ostore_chunk *ch, unsigned i)
{
	return ch->e + (size_t)i * t->size;
}

/* An element's index against sub-identifiers, in OID order: <0, 0 or >0. */
OSTORE_INLINE int
ostore_oid_cmp(const struct ostore_type *t, const void *elem, const unsigned long *sub, size_t len)
{
	unsigned long o[OSTORE_OID_MAX];
	size_t n = t->index_len < len ? t->index_len : len;

	t->index_oid(elem, o);
	for (size_t k = 0; k < n; k++)
		if (o[k] != sub[k])
			return o[k] < sub[k] ? -1 : 1;
	return t->index_len < len ? -1 : t->index_len > len;
}

/* What a search compares elements with: another element, or an OID. */
struct ostore_key {
	const struct ostore_type *type;
	int oid; /* compare with sub, len (else with elem) */
	const void *elem;
	const unsigned long *sub;
	size_t len;
};

OSTORE_INLINE int
ostore_key_cmp(const void *e, const void *k)
{
	const struct ostore_key *key = k;

	return key->oid ? ostore_oid_cmp(key->type, e, key->sub, key->len) :
			  key->type->cmp(e, key->elem);
}

/* A chunk (an element of the chunk vector) against the key, by its last element. */
OSTORE_INLINE int
ostore_key_cmp_last(const void *pch, const void *k)
{
	struct ostore_chunk *ch = *(struct ostore_chunk *const *)pch;
	const struct ostore_key *key = k;

	return ostore_key_cmp(ostore_elem(key->type, ch, ch->n - 1), key);
}

/*
 * The two-level lower bound: the first element not below the key (strict:
 * above it) and its position, or NULL (pos unchanged) when every element is
 * below.
 */
OSTORE_INLINE void *
ostore_bound(const struct ostore *s, const struct ostore_key *key, int strict,
    struct ostore_pos *pos)
{
	size_t c = vec_lower_bound(s->chunks, s->nchunks, sizeof(*s->chunks), key,
	    ostore_key_cmp_last, strict);
	struct ostore_chunk *ch;

	if (c == s->nchunks)
		return NULL;
	ch = s->chunks[c];
	pos->c = c;
	pos->i =
	    (unsigned)vec_lower_bound(ch->e, ch->n, key->type->size, key, ostore_key_cmp, strict);
	return ostore_elem(key->type, ch, pos->i);
}

/* First element >= key (strict: > key), or NULL at the end (pos is then unchanged). */
OSTORE_INLINE void *
ostore_seek(const struct ostore_type *t, const struct ostore *s, const void *elem, int strict,
    struct ostore_pos *pos)
{
	const struct ostore_key key = { .type = t, .elem = elem };

	return ostore_bound(s, &key, strict, pos);
}

/*
 * First element whose index, as an OID, compares greater than (strict) or
 * greater or equal to (!strict) the given sub-identifiers.  Any length and
 * any values: SNMP's GETNEXT ordering.  The codec's order is the
 * comparator's, so the same two-level search works on OIDs.
 */
OSTORE_INLINE void *
ostore_seek_oid(const struct ostore_type *t, const struct ostore *s, const unsigned long *sub,
    size_t len, int strict, struct ostore_pos *pos)
{
	const struct ostore_key key = { .type = t, .oid = 1, .sub = sub, .len = len };

	return ostore_bound(s, &key, strict, pos);
}

OSTORE_INLINE void *
ostore_find(const struct ostore_type *t, const struct ostore *s, const void *key)
{
	struct ostore_pos pos;
	void *e = ostore_seek(t, s, key, 0, &pos);

	return e != NULL && t->cmp(e, key) == 0 ? e : NULL;
}

OSTORE_INLINE void *
ostore_first(const struct ostore_type *t, const struct ostore *s, struct ostore_pos *pos)
{
	if (s->nchunks == 0)
		return NULL;
	pos->c = 0;
	pos->i = 0;
	return s->chunks[0]->e;
}

OSTORE_INLINE void *
ostore_next(const struct ostore_type *t, const struct ostore *s, struct ostore_pos *pos)
{
	if (pos->c >= s->nchunks)
		return NULL;
	if (++pos->i >= s->chunks[pos->c]->n) {
		if (++pos->c >= s->nchunks)
			return NULL;
		pos->i = 0;
	}
	return ostore_elem(t, s->chunks[pos->c], pos->i);
}

OSTORE_INLINE void *
ostore_at(const struct ostore_type *t, const struct ostore *s, const struct ostore_pos *pos)
{
	if (pos->c >= s->nchunks || pos->i >= s->chunks[pos->c]->n)
		return NULL;
	return ostore_elem(t, s->chunks[pos->c], pos->i);
}

/*
 * Insert or replace (same key) an element.  Returns 1 if added, 0 if it
 * replaced one (copied to old when old is not NULL), -1 with errno ENOMEM
 * (the store is then unchanged).
 */
OSTORE_INLINE int
ostore_upsert(const struct ostore_type *t, struct ostore *s, const void *elem, void *old)
{
	struct ostore_pos pos = { s->nchunks, 0 };
	void *e = ostore_seek(t, s, elem, 0, &pos);

	if (e != NULL && t->cmp(e, elem) == 0) {
		if (old != NULL)
			memcpy(old, e, t->size);
		ostore_replace_at(t, s, &pos, elem);
		return 0;
	}
	return ostore_insert_at(t, s, &pos, elem) == -1 ? -1 : 1;
}

/* Remove the element equal to key; 1 if removed (copied to old when not NULL), 0 if absent. */
OSTORE_INLINE int
ostore_remove(const struct ostore_type *t, struct ostore *s, const void *key, void *old)
{
	struct ostore_pos pos;
	void *e = ostore_seek(t, s, key, 0, &pos);

	if (e == NULL || t->cmp(e, key) != 0)
		return 0;
	if (old != NULL)
		memcpy(old, e, t->size);
	ostore_remove_at(t, s, &pos);
	return 1;
}

#endif
