/* Unit tests: sorted, growable arrays (vec.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/vec.h"

static int
int_cmp(const void *elem, const void *key)
{
	int a = *(const int *)elem, b = *(const int *)key;

	return a < b ? -1 : a > b;
}

static void
test_lower_bound(void **state)
{
	const int v[] = { 1, 3, 3, 3, 7 };
	int k;

	k = 0, assert_int_equal(vec_lower_bound(v, 5, sizeof(int), &k, int_cmp, 0), 0);
	k = 1, assert_int_equal(vec_lower_bound(v, 5, sizeof(int), &k, int_cmp, 0), 0);
	k = 1, assert_int_equal(vec_lower_bound(v, 5, sizeof(int), &k, int_cmp, 1), 1);
	k = 3, assert_int_equal(vec_lower_bound(v, 5, sizeof(int), &k, int_cmp, 0), 1);
	k = 3, assert_int_equal(vec_lower_bound(v, 5, sizeof(int), &k, int_cmp, 1), 4);
	k = 5, assert_int_equal(vec_lower_bound(v, 5, sizeof(int), &k, int_cmp, 0), 4);
	k = 8, assert_int_equal(vec_lower_bound(v, 5, sizeof(int), &k, int_cmp, 0), 5);
	k = 8, assert_int_equal(vec_lower_bound(NULL, 0, sizeof(int), &k, int_cmp, 0), 0);
	k = 7, assert_ptr_equal(vec_find(v, 5, sizeof(int), &k, int_cmp), &v[4]);
	k = 4, assert_null(vec_find(v, 5, sizeof(int), &k, int_cmp));
}

/* VEC_CMP_FIELD: a member's order, signed or not, and a key of a wider type. */
struct item {
	char pad;
	int32_t s;
	uint32_t u;
};

VEC_CMP_FIELD(s_cmp, struct item, s, int32_t)
VEC_CMP_FIELD(u_cmp, struct item, u, uint32_t)
VEC_CMP_FIELD(wide_cmp, struct item, u, uint64_t)

static void
test_cmp_field(void **state)
{
	const struct item v[] = { { 'a', -5, 1 }, { 'b', 0, 2 }, { 'c', 7, 0x80000000u } };
	int32_t s;
	uint32_t u;
	uint64_t w;

	s = -5, assert_int_equal(s_cmp(&v[0], &s), 0);
	s = -6, assert_int_equal(s_cmp(&v[0], &s), 1);
	s = 1, assert_int_equal(s_cmp(&v[0], &s), -1);
	s = -1, assert_int_equal(vec_lower_bound(v, 3, sizeof(*v), &s, s_cmp, 0), 1);
	s = 0, assert_int_equal(vec_lower_bound(v, 3, sizeof(*v), &s, s_cmp, 1), 2);
	s = 7, assert_ptr_equal(vec_find(v, 3, sizeof(*v), &s, s_cmp), &v[2]);
	u = 0x80000000u, assert_int_equal(u_cmp(&v[2], &u), 0);
	u = 3, assert_int_equal(u_cmp(&v[2], &u), 1); /* unsigned: above 3 */
	u = 2, assert_ptr_equal(vec_find(v, 3, sizeof(*v), &u, u_cmp), &v[1]);
	w = 0x100000000ull, assert_int_equal(wide_cmp(&v[2], &w), -1);
	w = 0x80000000u, assert_ptr_equal(vec_find(v, 3, sizeof(*v), &w, wide_cmp), &v[2]);
}

/* Insertions at their lower bound keep the array sorted; it grows by doubling. */
static void
test_grow_insert_remove(void **state)
{
	int *v = NULL, k;
	size_t n = 0, cap = 0;

	for (int i = 0; i < 100; i++) {
		k = (i * 37) % 101;
		assert_int_equal(vec_reserve(&v, &cap, n, sizeof(*v), 4), 0);
		assert_true(cap > n);
		vec_insert_at(v, &n, sizeof(*v), vec_lower_bound(v, n, sizeof(*v), &k, int_cmp, 0),
		    &k);
	}
	assert_int_equal(n, 100);
	assert_int_equal(cap, 128);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1] < v[i]);
	k = 37;
	vec_remove_at(v, &n, sizeof(*v), vec_lower_bound(v, n, sizeof(*v), &k, int_cmp, 0));
	assert_int_equal(n, 99);
	assert_null(vec_find(v, n, sizeof(*v), &k, int_cmp));
	/* A capacity below the count (set up by hand) still grows past it. */
	cap = 1;
	assert_int_equal(vec_reserve(&v, &cap, n, sizeof(*v), 4), 0);
	assert_true(cap > n);
	free(v);
}

/* A sorted set of pairs keyed by the first member: put replaces or inserts, del removes. */
struct kv {
	int k, v;
};

static void
test_put_del(void **state)
{
	struct kv *s = NULL, old = { 0, 0 }, e;
	size_t n = 0, cap = 0;
	int k;

	for (int i = 0; i < 40; i++) {
		e = (struct kv){ (i * 7) % 40, i };
		assert_int_equal(vec_put(&s, &n, &cap, sizeof(*s), &e, &e.k, int_cmp, NULL), 0);
	}
	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s[i].k, (int)i);
	e = (struct kv){ 21, 100 };
	assert_int_equal(vec_put(&s, &n, &cap, sizeof(*s), &e, &e.k, int_cmp, &old), 1);
	assert_int_equal(n, 40);
	assert_int_equal(old.k, 21);
	assert_int_equal(old.v, 3); /* 3 * 7 % 40 */
	assert_int_equal(s[21].v, 100);
	k = 21, assert_int_equal(vec_del(s, &n, sizeof(*s), &k, int_cmp, &old), 1);
	assert_int_equal(old.v, 100);
	assert_int_equal(n, 39);
	k = 21, assert_int_equal(vec_del(s, &n, sizeof(*s), &k, int_cmp, NULL), 0);
	k = 99, assert_int_equal(vec_del(s, &n, sizeof(*s), &k, int_cmp, NULL), 0);
	k = 0, assert_int_equal(vec_del(s, &n, sizeof(*s), &k, int_cmp, NULL), 1);
	assert_int_equal(n, 38);
	assert_int_equal(s[0].k, 1);
	assert_int_equal(s[19].k, 20);
	assert_int_equal(s[20].k, 22);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lower_bound),
		cmocka_unit_test(test_cmp_field),
		cmocka_unit_test(test_grow_insert_remove),
		cmocka_unit_test(test_put_del),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
