/*
 * Interned keys: small ids for values that many rows share and that do not
 * fit their row (route.h: a gateway route's preferred source; route6.h: the
 * source prefix and the preferred source of IPv6 routes).  Each distinct key
 * (keylen bytes, compared as bytes) gets the next id, 1 upwards, kept for
 * the life of the process; past max ids a new key gets 0 ("none"), and the
 * caller says what that means for its row.
 *
 * Thread-safe behind one mutex per table: the dump threads parse routes too.
 * A lookup is a binary search over the ids in key order; the last key each
 * thread asked for is answered without the lock, as a full table's routes
 * mostly share one source.  Ids never change, so rows may keep them.
 */
#ifndef CIMR_INTERN_H
#define CIMR_INTERN_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define INTERN_KEY_MAX 32

struct intern {
	pthread_mutex_t lock;
	size_t keylen;    /* bytes of a key, at most INTERN_KEY_MAX */
	unsigned max;     /* the highest id given (at most 65535) */
	size_t n;         /* ids given: 1..n */
	uint8_t *keys;    /* keys[(id - 1) * keylen], by id */
	uint16_t *order;  /* the n ids in key order */
	size_t cap, ocap; /* keys and order allocated, in elements */
};

#define INTERN_INIT(klen, maxid)                                                    \
	{                                                                           \
		.lock = PTHREAD_MUTEX_INITIALIZER, .keylen = (klen), .max = (maxid) \
	}

/* The id of key (given now if new); 0 when the table is full or out of memory. */
unsigned intern_id(struct intern *, const void *key);
/* The key of an id into key (keylen bytes); 0, or -1 (unknown id, key zeroed). */
int intern_key(struct intern *, unsigned id, void *key);
/* Compare the keys of two ids as bytes (an unknown id as all zeros). */
int intern_cmp(struct intern *, unsigned a, unsigned b);

#endif
