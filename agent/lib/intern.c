/* Interned keys: see intern.h. */
#include "config.h"

#include <string.h>

#include "lib/intern.h"
#include "lib/vec.h"

/* What vec_lower_bound compares: an id in the order array against a key. */
struct ikey {
	const struct intern *t;
	const void *key;
};

static const uint8_t *
key_of(const struct intern *t, unsigned id)
{
	return t->keys + (size_t)(id - 1) * t->keylen;
}

static int
order_cmp(const void *elem, const void *k)
{
	const struct ikey *ik = k;

	return memcmp(key_of(ik->t, *(const uint16_t *)elem), ik->key, ik->t->keylen);
}

/* Under the lock: the id of key, added if new and there is room. */
static unsigned
lookup(struct intern *t, const void *key)
{
	struct ikey ik = { t, key };
	size_t i = vec_lower_bound(t->order, t->n, sizeof(*t->order), &ik, order_cmp, 0);
	uint16_t id;

	if (i < t->n && order_cmp(&t->order[i], &ik) == 0)
		return t->order[i];
	if (t->n >= t->max || t->n >= UINT16_MAX ||
	    vec_reserve(&t->keys, &t->cap, t->n, t->keylen, 16) < 0 ||
	    vec_reserve(&t->order, &t->ocap, t->n, sizeof(*t->order), 16) < 0)
		return 0;
	id = (uint16_t)(t->n + 1);
	memcpy(t->keys + t->n * t->keylen, key, t->keylen);
	vec_insert_at(t->order, &t->n, sizeof(*t->order), i, &id);
	return id;
}

unsigned
intern_id(struct intern *t, const void *key)
{
	static __thread const struct intern *last_t;
	static __thread unsigned last_id;
	static __thread uint8_t last_key[INTERN_KEY_MAX];
	unsigned id;

	if (last_t == t && last_id != 0 && memcmp(last_key, key, t->keylen) == 0)
		return last_id;
	pthread_mutex_lock(&t->lock);
	id = lookup(t, key);
	pthread_mutex_unlock(&t->lock);
	if (id != 0) {
		last_t = t;
		last_id = id;
		memcpy(last_key, key, t->keylen);
	}
	return id;
}

int
intern_key(struct intern *t, unsigned id, void *key)
{
	int rc = -1;

	pthread_mutex_lock(&t->lock);
	if (id >= 1 && id <= t->n) {
		memcpy(key, key_of(t, id), t->keylen);
		rc = 0;
	}
	pthread_mutex_unlock(&t->lock);
	if (rc < 0)
		memset(key, 0, t->keylen);
	return rc;
}

int
intern_cmp(struct intern *t, unsigned a, unsigned b)
{
	uint8_t ka[INTERN_KEY_MAX], kb[INTERN_KEY_MAX];

	if (a == b)
		return 0;
	intern_key(t, a, ka);
	intern_key(t, b, kb);
	return memcmp(ka, kb, t->keylen);
}
