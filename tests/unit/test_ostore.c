/*
 * Unit tests: the chunked ordered store (ostore.c) with an element that is
 * not a route, a 12-byte item indexed by (a, b), in chunks of 8 so that
 * splits and merges happen after a few inserts.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ostore.h"

struct item {
	uint32_t a;   /* index, first */
	uint16_t b;   /* index, second */
	uint8_t flag; /* 1: marked */
	uint8_t pad;
	uint32_t payload;
};

_Static_assert(sizeof(struct item) == 12, "a 12-byte element");

#define CHUNK 8
#define FILL  (CHUNK - CHUNK / 8) /* what a load puts in a chunk */

static int
item_cmp(const void *x, const void *y)
{
	const struct item *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

static void
item_oid(const void *x, unsigned long *o)
{
	const struct item *p = x;

	o[0] = p->a;
	o[1] = p->b;
}

static int
item_marked(const void *x)
{
	return ((const struct item *)x)->flag != 0;
}

static const struct ostore_type T = {
	.size = sizeof(struct item),
	.chunk = CHUNK,
	.cmp = item_cmp,
	.index_len = 2,
	.index_oid = item_oid,
	.marked = item_marked,
};

static struct item
I(uint32_t a, uint16_t b) {
	struct item it;

	memset(&it, 0, sizeof(it));
	it.a = a;
	it.b = b;
	it.payload = a * 1000 + b;
	return it;
}

/* Every chunk holds 1..CHUNK items, counts its marked ones; items ascend across chunks. */
static void
check(const struct ostore *s, size_t want)
{
	const struct item *prev = NULL;
	size_t total = 0;

	for (size_t c = 0; c < s->nchunks; c++) {
		struct ostore_chunk *ch = s->chunks[c];
		unsigned k = 0;

		assert_true(ch->n >= 1 && ch->n <= CHUNK);
		for (unsigned i = 0; i < ch->n; i++) {
			const struct item *it = ostore_elem(&T, ch, i);

			if (prev != NULL)
				assert_true(item_cmp(prev, it) < 0);
			prev = it;
			k += it->flag != 0;
		}
		assert_int_equal(ch->nmarked, k);
		total += ch->n;
	}
	assert_int_equal(total, want);
	assert_int_equal(s->count, want);
}

static void
test_empty(void **state)
{
	struct ostore s;
	struct ostore_pos pos = { 7, 7 };
	struct item k = I(1, 1);
	unsigned long sub[] = { 0 };

	ostore_init(&s);
	check(&s, 0);
	assert_null(ostore_first(&T, &s, &pos));
	assert_null(ostore_seek(&T, &s, &k, 0, &pos));
	assert_null(ostore_seek_oid(&T, &s, sub, 0, 0, &pos));
	assert_null(ostore_find(&T, &s, &k));
	assert_int_equal(pos.c, 7); /* a search that finds nothing leaves pos alone */
	assert_int_equal(ostore_remove(&T, &s, &k, NULL), 0);
	pos.c = pos.i = 0;
	assert_null(ostore_next(&T, &s, &pos));
	assert_null(ostore_at(&T, &s, &pos));
	assert_null(ostore_next_marked(&T, &s, &pos));
	assert_int_equal(ostore_load_sorted(&T, &s, NULL, 0), 0);
	check(&s, 0);
	ostore_clear(&s);
	ostore_clear(&s);
}

static void
test_insert_replace_remove(void **state)
{
	struct ostore s;
	struct item it = I(5, 1), old;
	struct item *f;

	ostore_init(&s);
	assert_int_equal(ostore_upsert(&T, &s, &it, NULL), 1);
	it.payload = 42;
	memset(&old, 0, sizeof(old));
	assert_int_equal(ostore_upsert(&T, &s, &it, &old), 0);
	assert_int_equal(old.payload, 5001);
	check(&s, 1);
	assert_non_null(f = ostore_find(&T, &s, &it));
	assert_int_equal(f->payload, 42);
	it = I(5, 2);
	assert_null(ostore_find(&T, &s, &it));
	assert_int_equal(ostore_remove(&T, &s, &it, NULL), 0);
	it = I(5, 1);
	assert_int_equal(ostore_remove(&T, &s, &it, &old), 1);
	assert_int_equal(old.payload, 42);
	assert_int_equal(ostore_remove(&T, &s, &it, NULL), 0);
	check(&s, 0);
	assert_int_equal(s.nchunks, 0);
	ostore_clear(&s);
}

/* A full chunk splits in two halves; the new item lands in the half that covers it. */
static void
test_split(void **state)
{
	struct ostore s;
	struct item it;

	ostore_init(&s);
	for (uint32_t a = 0; a < CHUNK; a++) {
		it = I(a * 10, 0);
		assert_int_equal(ostore_upsert(&T, &s, &it, NULL), 1);
	}
	assert_int_equal(s.nchunks, 1);
	it = I(15, 0); /* into the first half */
	assert_int_equal(ostore_upsert(&T, &s, &it, NULL), 1);
	assert_int_equal(s.nchunks, 2);
	assert_int_equal(s.chunks[0]->n, CHUNK / 2 + 1);
	assert_int_equal(s.chunks[1]->n, CHUNK / 2);
	check(&s, CHUNK + 1);
	/* Fill the second chunk and split it with an item past the end. */
	for (uint32_t a = 0; s.chunks[1]->n < CHUNK; a++) {
		it = I(1000 + a, 0);
		assert_int_equal(ostore_upsert(&T, &s, &it, NULL), 1);
	}
	it = I(5000, 0);
	assert_int_equal(ostore_upsert(&T, &s, &it, NULL), 1);
	assert_int_equal(s.nchunks, 3);
	assert_int_equal(s.chunks[2]->n, CHUNK / 2 + 1);
	check(&s, CHUNK + 1 + CHUNK / 2 + 1);
	ostore_clear(&s);
}

/* Descending, ascending and scattered inserts; removals merge sparse neighbours. */
static void
test_many_and_merge(void **state)
{
	struct ostore s;
	struct item it;
	const uint32_t N = 1000;

	ostore_init(&s);
	for (uint32_t i = N; i-- > 0;) {
		it = I(i * 2, 0);
		assert_int_equal(ostore_upsert(&T, &s, &it, NULL), 1);
	}
	for (uint32_t i = 0; i < N; i++) {
		it = I((i * 7919) % N * 2 + 1, 0); /* the odd ones, scattered */
		assert_int_equal(ostore_upsert(&T, &s, &it, NULL), 1);
	}
	check(&s, 2 * N);
	/* Remove three items in four: chunks fall below a quarter and merge. */
	for (uint32_t i = 0; i < 2 * N; i++) {
		if (i % 4 == 0)
			continue;
		it = I(i, 0);
		assert_int_equal(ostore_remove(&T, &s, &it, NULL), 1);
	}
	check(&s, N / 2);
	assert_true(s.nchunks <= (N / 2) / (CHUNK / 4) + 2);
	for (uint32_t i = 0; i < 2 * N; i += 4) {
		it = I(i, 0);
		assert_int_equal(ostore_remove(&T, &s, &it, NULL), 1);
	}
	check(&s, 0);
	assert_int_equal(s.nchunks, 0);
	ostore_clear(&s);
}

/* A load fills chunks to 7/8; items of sort_unique come out sorted, one of each. */
static void
test_load_and_iterate(void **state)
{
	struct ostore s;
	struct ostore_pos pos = { 0, 0 };
	struct item v[100], *it;
	size_t n;
	uint32_t want = 0;

	for (int i = 0; i < 100; i++)
		v[i] = I((uint32_t)(99 - i) / 2, 0); /* each a twice, descending */
	n = ostore_sort_unique(&T, v, 100);
	assert_int_equal(n, 50);
	ostore_init(&s);
	assert_int_equal(ostore_load_sorted(&T, &s, v, n), 0);
	check(&s, 50);
	assert_int_equal(s.nchunks, (50 + FILL - 1) / FILL);
	for (size_t c = 0; c + 1 < s.nchunks; c++)
		assert_int_equal(s.chunks[c]->n, FILL);
	/* Iteration crosses every chunk boundary in order; at() agrees with next(). */
	for (it = ostore_first(&T, &s, &pos); it != NULL; it = ostore_next(&T, &s, &pos)) {
		assert_int_equal(it->a, want++);
		assert_ptr_equal(ostore_at(&T, &s, &pos), it);
	}
	assert_int_equal(want, 50);
	assert_null(ostore_at(&T, &s, &pos));
	assert_null(ostore_next(&T, &s, &pos));
	/* A second load replaces the contents. */
	assert_int_equal(ostore_load_sorted(&T, &s, v, 3), 0);
	check(&s, 3);
	ostore_clear(&s);
	assert_int_equal(ostore_sort_unique(&T, v, 0), 0);
}

static struct ostore
load_evens(uint32_t n)
{
	struct ostore s;
	struct item *v = calloc(n, sizeof(*v));

	assert_non_null(v);
	for (uint32_t i = 0; i < n; i++)
		v[i] = I(i * 2, 5);
	ostore_init(&s);
	assert_int_equal(ostore_load_sorted(&T, &s, v, n), 0);
	free(v);
	return s;
}

/* Lower bounds by key: on an item, in a gap, before the first, after the last, at chunk ends. */
static void
test_seek(void **state)
{
	struct ostore s = load_evens(100); /* (0,5), (2,5), ... (198,5) */
	struct ostore_pos pos = { 0, 0 };
	struct item k, *it;

	for (uint32_t a = 0; a < 200; a++) {
		k = I(a, 5);
		it = ostore_seek(&T, &s, &k, 0, &pos);
		if (a == 199) {
			assert_null(it);
		} else {
			assert_non_null(it);
			assert_int_equal(it->a, (a + 1) / 2 * 2);
			assert_ptr_equal(ostore_at(&T, &s, &pos), it);
		}
		it = ostore_seek(&T, &s, &k, 1, &pos);
		if (a >= 198) {
			assert_null(it);
		} else {
			assert_non_null(it);
			assert_int_equal(it->a, a / 2 * 2 + 2);
		}
	}
	k = I(0, 0);
	assert_int_equal(((struct item *)ostore_seek(&T, &s, &k, 1, &pos))->a, 0);
	k = I(198, 6);
	assert_null(ostore_seek(&T, &s, &k, 0, &pos));
	ostore_clear(&s);
}

/* Lower bounds by OID, as a GETNEXT asks: partial, longer and out-of-range indexes. */
static void
test_seek_oid(void **state)
{
	struct ostore s = load_evens(100);
	struct ostore_pos pos = { 0, 0 };
	struct item *it;
	unsigned long full[] = { 10, 5 }, partial[] = { 11 }, longer[] = { 10, 5, 0 };
	unsigned long below[] = { 10, 4 }, huge[] = { 10, 0x1ffffUL }, end[] = { 0x100000000UL };

	assert_int_equal(((struct item *)ostore_seek_oid(&T, &s, full, 2, 0, &pos))->a, 10);
	assert_int_equal(((struct item *)ostore_seek_oid(&T, &s, full, 2, 1, &pos))->a, 12);
	/* (10) is a prefix of (10.5): it sorts before it. */
	assert_int_equal(((struct item *)ostore_seek_oid(&T, &s, full, 1, 1, &pos))->a, 10);
	assert_int_equal(((struct item *)ostore_seek_oid(&T, &s, partial, 1, 0, &pos))->a, 12);
	/* (10.5.0) sorts after (10.5). */
	assert_int_equal(((struct item *)ostore_seek_oid(&T, &s, longer, 3, 0, &pos))->a, 12);
	assert_int_equal(((struct item *)ostore_seek_oid(&T, &s, below, 2, 1, &pos))->a, 10);
	/* A sub-identifier beyond what b can hold. */
	assert_int_equal(((struct item *)ostore_seek_oid(&T, &s, huge, 2, 0, &pos))->a, 12);
	assert_null(ostore_seek_oid(&T, &s, end, 1, 0, &pos));
	it = ostore_seek_oid(&T, &s, NULL, 0, 0, &pos);
	assert_non_null(it);
	assert_int_equal(it->a, 0);
	assert_int_equal(pos.c, 0);
	assert_int_equal(pos.i, 0);
	assert_int_equal(ostore_oid_cmp(&T, it, full, 2), -1);
	assert_int_equal(ostore_oid_cmp(&T, it, NULL, 0), 1);
	ostore_clear(&s);
}

/* Marked items are counted per chunk through every change; next_marked finds exactly them. */
static void
test_marked(void **state)
{
	struct ostore s;
	struct ostore_pos pos = { 0, 0 };
	struct item it, *m;
	uint32_t found = 0;

	ostore_init(&s);
	for (uint32_t i = 0; i < 200; i++) {
		it = I(i, 0);
		it.flag = i % 50 == 7;
		assert_int_equal(ostore_upsert(&T, &s, &it, NULL), 1);
	}
	check(&s, 200);
	/* Replace: marks come and go. */
	it = I(7, 0);
	assert_int_equal(ostore_upsert(&T, &s, &it, NULL), 0);
	it = I(8, 0);
	it.flag = 1;
	assert_int_equal(ostore_upsert(&T, &s, &it, NULL), 0);
	check(&s, 200);
	/* pos is "after" the element at pos: start before the first. */
	assert_non_null(m = ostore_first(&T, &s, &pos));
	assert_int_equal(m->flag, 0);
	while ((m = ostore_next_marked(&T, &s, &pos)) != NULL) {
		assert_int_equal(m->flag, 1);
		assert_ptr_equal(ostore_at(&T, &s, &pos), m);
		found++;
	}
	assert_int_equal(found, 4); /* 8, 57, 107, 157 */
	assert_int_equal(pos.c, s.nchunks);
	for (uint32_t i = 0; i < 200; i += 3) {
		it = I(i, 0);
		assert_int_equal(ostore_remove(&T, &s, &it, NULL), 1);
	}
	check(&s, 200 - 67);
	ostore_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_insert_replace_remove),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_many_and_merge),
		cmocka_unit_test(test_load_and_iterate),
		cmocka_unit_test(test_seek),
		cmocka_unit_test(test_seek_oid),
		cmocka_unit_test(test_marked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
