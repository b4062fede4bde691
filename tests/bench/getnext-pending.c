/*
 * getnext-pending: the cost of one GETNEXT on cimIP4RouteTable with
 * createAndWait rows pending (issue 9 item 6), measured in-process through
 * the real handler code (mib_table_getnext with the route table's seek, next
 * and getters), without snmpd or AgentX around it.
 *
 *   getnext-pending [-n ROUTES] [-r REPS] [PENDING...]
 *
 * ROUTES routes (default 200000) present at start, so none has an
 * InstallDate; PENDING createAndWait rows (default 0 1 300 1024) spread
 * evenly among them.  Per count, one line:
 *   routes=.. pending=.. installdate_us=.. metric1_us=.. sparse_metric1_us=..
 * installdate_us: GETNEXT on the InstallDate column (12) itself, median of
 *   REPS (default 5): it reads the whole column, finds no value and answers
 *   from Metric1;
 * metric1_us: GETNEXT from 1000 random rows of Metric1 (13), the mean;
 * sparse_metric1_us: GETNEXT on Metric1 when no route has one (metrics
 *   beyond sint32), median of REPS: what a column with no value costs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "snmp/mib.h"
#include "route/rt4.h"
#include "route/writer.h"


static const oid entry[] = { CIMR_IP4ROUTE, 3, 1 };
#define ENTRY_LEN (sizeof(entry) / sizeof(entry[0]))

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static struct route
route_at_i(size_t i, uint32_t nexthop, int32_t ifindex, uint32_t metric)
{
	struct route r;

	memset(&r, 0, sizeof(r));
	r.dst = (1u << 24) + (uint32_t)i * 256; /* 1.0.0.0/24, 1.0.1.0/24, ... */
	r.plen = 24;
	r.nexthop = nexthop;
	r.flags = nexthop != 0 ? ROUTE_F_GATEWAY : 0;
	r.ifindex = ifindex;
	r.table = 254;
	r.metric = metric;
	r.type = RTN_UNICAST;
	r.proto = RTPROT_BGP;
	return r;
}

static struct mirror *
load(size_t n, uint32_t metric)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	struct mirror *m = mirror_new(&cfg);
	struct route *v = calloc(n, sizeof(*v));

	if (m == NULL || v == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		v[i] = route_at_i(i, 0xc0000201, 2, metric); /* via 192.0.2.1 */
	if (mirror_inject(m, v, n) < 0) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	free(v);
	return m;
}

static struct writer *
set_pending(struct writer *old, struct mirror *m, size_t n, size_t np, uint32_t metric)
{
	struct writer *w;

	writer_free(old);
	if ((w = writer_new(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0)) == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	mib_route_bind(m, w);
	for (size_t k = 0; k < np; k++) {
		struct route r = route_at_i(k * n / np, 0, 3, metric);

		r.proto = 0;
		if (pending_add(&w->pending, &r) < 0) {
			fprintf(stderr, "cannot add pending row %zu\n", k);
			exit(1);
		}
	}
	return w;
}

static double
getnext_us(const oid *name, size_t len)
{
	oid out[MAX_OID_LEN];
	size_t outlen;
	struct mib_value v;
	double t0 = now_us();

	if (mib_table_getnext(mib_route_table, name, len, 1, out, &outlen, &v) != 0)
		fprintf(stderr, "GETNEXT found nothing\n");
	return now_us() - t0;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of reps GETNEXTs on the column itself (entry.col). */
static double
column_us(oid col, int reps)
{
	oid name[MAX_OID_LEN];
	double t[64];

	memcpy(name, entry, sizeof(entry));
	name[ENTRY_LEN] = col;
	for (int i = 0; i < reps; i++)
		t[i] = getnext_us(name, ENTRY_LEN + 1);
	qsort(t, (size_t)reps, sizeof(t[0]), dcmp);
	return t[reps / 2];
}

static double
random_rows_us(size_t n, oid col, int k)
{
	oid name[MAX_OID_LEN];
	double sum = 0;

	memcpy(name, entry, sizeof(entry));
	name[ENTRY_LEN] = col;
	for (int i = 0; i < k; i++) {
		struct route r = route_at_i((size_t)random() % n, 0xc0000201, 2, 0);

		route_index_oid(&r, name + ENTRY_LEN + 1);
		sum += getnext_us(name, ENTRY_LEN + 1 + ROUTE_INDEX_LEN);
	}
	return sum / k;
}

int
main(int argc, char **argv)
{
	static const size_t dflt[] = { 0, 1, 300, 1024 };
	size_t n = 200000, counts[16], ncounts = 0;
	int reps = 5, ch;
	struct mirror *m, *sparse;
	struct writer *w = NULL;

	while ((ch = getopt(argc, argv, "n:r:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: getnext-pending [-n ROUTES] [-r REPS] [PENDING...]\n");
			return 2;
		}
	}
	if (reps < 1 || reps > 64 || n < 1) {
		fprintf(stderr, "getnext-pending: 1 <= REPS <= 64, ROUTES >= 1\n");
		return 2;
	}
	for (int i = optind; i < argc && ncounts < 16; i++)
		counts[ncounts++] = strtoul(argv[i], NULL, 10);
	if (ncounts == 0) {
		memcpy(counts, dflt, sizeof(dflt));
		ncounts = sizeof(dflt) / sizeof(dflt[0]);
	}
	m = load(n, 0);
	sparse = load(n, 3000000000u);
	srandom(1);
	for (size_t i = 0; i < ncounts; i++) {
		double id, m1, sm;

		w = set_pending(w, m, n, counts[i], 1);
		id = column_us(12, reps);
		m1 = random_rows_us(n, 13, 1000);
		w = set_pending(w, sparse, n, counts[i], 3000000000u);
		sm = column_us(13, reps);
		printf("routes=%zu pending=%zu installdate_us=%.1f metric1_us=%.1f "
		    "sparse_metric1_us=%.1f\n", n, counts[i], id, m1, sm);
		fflush(stdout);
	}
	writer_free(w);
	mirror_free(m);
	mirror_free(sparse);
	return 0;
}
