/*
 * store-micro: the route store's hot paths in-process, for comparing two
 * builds of it side by side (a change to lib/ostore.c or route/route.c).
 *
 *   store-micro [-n ROUTES] [-r REPS]
 *
 * ROUTES (default 1000000) random /24 routes, the same in every build.  One
 * line per operation, each the best of REPS (default 3) runs, in CPU
 * nanoseconds per route (CPU time: other processes on the machine then
 * matter less; run the two builds alternately a few times and compare the
 * best):
 *   load      route_table_load (sort, de-duplicate, fill chunks)
 *   find      route_find of every route, in random order
 *   seek_oid  route_seek_oid of every route's index, in random order
 *   walk      route_first / route_next over the table
 *   upsert    route_upsert of ROUTES/4 new routes into the loaded table
 *   remove    route_remove of the same routes
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "route/route.h"

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* A fixed sequence, so that two builds see the same routes. */
static uint32_t
rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

static struct route
random_route(uint64_t *s)
{
	struct route r;

	memset(&r, 0, sizeof(r));
	r.dst = rnd(s) & 0xffffff00u;
	r.plen = 24;
	r.nexthop = 0xc0000201;
	r.ifindex = 2;
	r.table = 254;
	r.metric = rnd(s) & 3;
	r.type = 1;
	return r;
}

static void
shuffle(struct route *v, size_t n, uint64_t *s)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd(s) % i;
		struct route t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

static void
report(const char *what, double best_ns, size_t n)
{
	printf("%-9s %7.1f ns/route\n", what, best_ns / (double)n);
}

int
main(int argc, char **argv)
{
	size_t n = 1000000, nextra;
	int reps = 3, ch;
	uint64_t seed = 1;
	struct route *v, *work, *extra;
	struct route_table t;
	struct route_pos pos;
	double best[6], t0;
	volatile size_t sink = 0;

	while ((ch = getopt(argc, argv, "n:r:")) != -1) {
		if (ch == 'n')
			n = strtoul(optarg, NULL, 10);
		else if (ch == 'r')
			reps = atoi(optarg);
		else
			return 2;
	}
	nextra = n / 4;
	v = calloc(n, sizeof(*v));
	work = calloc(n, sizeof(*v));
	extra = calloc(nextra, sizeof(*v));
	if (v == NULL || work == NULL || extra == NULL)
		return 1;
	for (size_t i = 0; i < n; i++)
		v[i] = random_route(&seed);
	for (size_t i = 0; i < nextra; i++) {
		extra[i] = random_route(&seed);
		extra[i].metric = 7; /* not among the loaded ones */
	}
	for (int k = 0; k < 6; k++)
		best[k] = 1e30;
	route_table_init(&t);
	for (int rep = 0; rep < reps; rep++) {
		unsigned long o[ROUTE_INDEX_LEN];

		memcpy(work, v, n * sizeof(*v));
		t0 = now_ns();
		if (route_table_load(&t, work, n) < 0)
			return 1;
		t0 = now_ns() - t0;
		best[0] = t0 < best[0] ? t0 : best[0];

		memcpy(work, v, n * sizeof(*v));
		shuffle(work, n, &seed);
		t0 = now_ns();
		for (size_t i = 0; i < n; i++)
			sink += route_find(&t, &work[i]) != NULL;
		t0 = now_ns() - t0;
		best[1] = t0 < best[1] ? t0 : best[1];

		t0 = now_ns();
		for (size_t i = 0; i < n; i++) {
			route_index_oid(&work[i], o);
			sink += route_seek_oid(&t, o, ROUTE_INDEX_LEN, 0, &pos) != NULL;
		}
		t0 = now_ns() - t0;
		best[2] = t0 < best[2] ? t0 : best[2];

		t0 = now_ns();
		for (struct route *r = route_first(&t, &pos); r != NULL; r = route_next(&t, &pos))
			sink += r->metric;
		t0 = now_ns() - t0;
		best[3] = t0 < best[3] ? t0 : best[3];

		t0 = now_ns();
		for (size_t i = 0; i < nextra; i++)
			sink += (size_t)route_upsert(&t, &extra[i], NULL);
		t0 = now_ns() - t0;
		best[4] = t0 < best[4] ? t0 : best[4];

		t0 = now_ns();
		for (size_t i = 0; i < nextra; i++)
			sink += (size_t)route_remove(&t, &extra[i], NULL);
		t0 = now_ns() - t0;
		best[5] = t0 < best[5] ? t0 : best[5];
	}
	printf("routes    %zu (%zu unique), best of %d\n", n, t.count, reps);
	report("load", best[0], n);
	report("find", best[1], n);
	report("seek_oid", best[2], n);
	report("walk", best[3], n);
	report("upsert", best[4], nextra);
	report("remove", best[5], nextra);
	route_table_clear(&t);
	free(v);
	free(work);
	free(extra);
	return sink == 0;
}
