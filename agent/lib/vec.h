/*
 * Sorted, growable arrays: the one lower bound and the one growth rule
 * (doubling from a first capacity) for the agent's small sets (links,
 * nexthop objects, persisted routes, createAndWait rows, vectors of routes).
 * The route table itself has its chunked store (route.h).
 */
#ifndef CIMR_VEC_H
#define CIMR_VEC_H

#include <stddef.h>

/* Compare an element with a key: <0, 0, >0. */
typedef int (*vec_cmp_fn)(const void *elem, const void *key);

/*
 * Defines name, a static vec_cmp_fn for an array of T sorted by its integer
 * member field, whose key is a K (field's type, or the type the caller's
 * key has: the member is converted to K).  A function of its own, so that
 * vec_lower_bound() inlines it as it would a hand-written one.
 */
#define VEC_CMP_FIELD(name, T, field, K)                                \
	static int name(const void *elem, const void *key)              \
	{                                                               \
		K a = (K)((const T *)elem)->field, b = *(const K *)key; \
                                                                        \
		return a < b ? -1 : a > b;                              \
	}

/*
 * The first position whose element is not below key (strict: is above key), in [0, n].
 * Inline, so that a caller with a constant cmp gets it inlined (lib/ostore.h).
 */
static inline size_t
vec_lower_bound(const void *base, size_t n, size_t size, const void *key, vec_cmp_fn cmp,
    int strict)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp((const char *)base + mid * size, key);

		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The element equal to key, or NULL. */
void *vec_find(const void *base, size_t n, size_t size, const void *key, vec_cmp_fn cmp);

/*
 * Room for one more element in the array *pbase (a T **), n of *cap used:
 * the capacity doubles, starting at first.  0, or -1 with errno ENOMEM and
 * the array unchanged.
 */
int vec_reserve(void *pbase, size_t *cap, size_t n, size_t size, size_t first);
/* Insert elem at position i (room must be there); *n grows by one. */
void vec_insert_at(void *base, size_t *n, size_t size, size_t i, const void *elem);
/* Remove the element at position i; *n shrinks by one. */
void vec_remove_at(void *base, size_t *n, size_t size, size_t i);

/*
 * A sorted set in one call.  vec_put: elem, whose key is key, takes the
 * place of the element equal to key (copied to old first if old is not
 * NULL) or is inserted in order: 1 replaced, 0 inserted, -1 with errno
 * ENOMEM and nothing changed.  vec_del: the element equal to key is removed
 * (copied to old first if not NULL): 1, or 0 when there is none.
 */
int vec_put(void *pbase, size_t *n, size_t *cap, size_t size, const void *elem, const void *key,
    vec_cmp_fn cmp, void *old);
int vec_del(void *base, size_t *n, size_t size, const void *key, vec_cmp_fn cmp, void *old);

#endif
