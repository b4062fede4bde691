/* Sorted, growable arrays: see vec.h. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vec.h"

#define AT(base, i, size) ((const char *)(base) + (i) * (size))

void *
vec_find(const void *base, size_t n, size_t size, const void *key, vec_cmp_fn cmp)
{
	size_t i = vec_lower_bound(base, n, size, key, cmp, 0);
	uintptr_t at = (uintptr_t)base + i * size; /* the caller's array, not const */

	return i < n && cmp(AT(base, i, size), key) == 0 ? (void *)at : NULL;
}

int
vec_reserve(void *pbase, size_t *cap, size_t n, size_t size, size_t first)
{
	void *base, *grown;
	size_t want;

	if (n < *cap)
		return 0;
	for (want = *cap ? *cap * 2 : first; want <= n && want < (size_t)-1 / 2;)
		want *= 2;
	if (want <= n || want > (size_t)-1 / size) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(&base, pbase, sizeof(base));
	if ((grown = realloc(base, want * size)) == NULL)
		return -1;
	memcpy(pbase, &grown, sizeof(grown));
	*cap = want;
	return 0;
}

void
vec_insert_at(void *base, size_t *n, size_t size, size_t i, const void *elem)
{
	char *p = (char *)base + i * size;

	memmove(p + size, p, (*n - i) * size);
	memcpy(p, elem, size);
	(*n)++;
}

void
vec_remove_at(void *base, size_t *n, size_t size, size_t i)
{
	char *p = (char *)base + i * size;

	memmove(p, p + size, (*n - i - 1) * size);
	(*n)--;
}

int
vec_put(void *pbase, size_t *n, size_t *cap, size_t size, const void *elem, const void *key,
    vec_cmp_fn cmp, void *old)
{
	char *base;
	size_t i;

	memcpy(&base, pbase, sizeof(base));
	i = vec_lower_bound(base, *n, size, key, cmp, 0);
	if (i < *n && cmp(base + i * size, key) == 0) {
		if (old != NULL)
			memcpy(old, base + i * size, size);
		memcpy(base + i * size, elem, size);
		return 1;
	}
	if (vec_reserve(pbase, cap, *n, size, 16) < 0)
		return -1;
	memcpy(&base, pbase, sizeof(base));
	vec_insert_at(base, n, size, i, elem);
	return 0;
}

int
vec_del(void *base, size_t *n, size_t size, const void *key, vec_cmp_fn cmp, void *old)
{
	size_t i = vec_lower_bound(base, *n, size, key, cmp, 0);

	if (i >= *n || cmp(AT(base, i, size), key) != 0)
		return 0;
	if (old != NULL)
		memcpy(old, AT(base, i, size), size);
	vec_remove_at(base, n, size, i);
	return 1;
}
