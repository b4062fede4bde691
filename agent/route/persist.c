/* Persisted routes and their state file: see persist.h. */
#define _GNU_SOURCE /* strptime, timegm */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/addr.h"
#include "lib/log.h"
#include "lib/strnum.h"
#include "route/rt4.h"
#include "route/nlreq.h"
#include "route/persist.h"
#include "route/routefmt.h"
#include "route/rtcheck.h"
#include "lib/statefile.h"
#include "lib/vec.h"

#define LINE_MAX_LEN 512

static int
cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

int
proute_cmp(const struct proute *a, const struct proute *b)
{
	int c;

	if ((c = cmp_u32(a->dst, b->dst)) != 0 || (c = cmp_u32(a->plen, b->plen)) != 0 ||
	    (c = cmp_u32(a->nexthop, b->nexthop)) != 0)
		return c;
	return cmp_u32(a->metric, b->metric);
}

void
persist_init(struct persist *p)
{
	memset(p, 0, sizeof(*p));
	p->dirfd = -1;
	clock_gettime(CLOCK_REALTIME, &p->last_change);
	p->active_change = p->last_change;
}

void
persist_free(struct persist *p)
{
	free(p->v);
	free(p->path);
	free(p->dir);
	if (p->dirfd >= 0)
		close(p->dirfd);
	memset(p, 0, sizeof(*p));
	p->dirfd = -1;
}

static int
proute_cmp_v(const void *a, const void *b)
{
	return proute_cmp(a, b);
}

size_t
persist_seek(const struct persist *p, const struct proute *key, int strict)
{
	return vec_lower_bound(p->v, p->n, sizeof(*p->v), key, proute_cmp_v, strict);
}

struct proute *
persist_find(const struct persist *p, const struct proute *key)
{
	return vec_find(p->v, p->n, sizeof(*p->v), key, proute_cmp_v);
}

int
persist_insert(struct persist *p, const struct proute *r)
{
	size_t i = persist_seek(p, r, 0);

	if (vec_reserve(&p->v, &p->cap, p->n, sizeof(*p->v), 16) < 0)
		return -1;
	vec_insert_at(p->v, &p->n, sizeof(*p->v), i, r);
	if (r->active)
		p->nactive++;
	clock_gettime(CLOCK_REALTIME, &p->last_change);
	return 0;
}

int
persist_remove(struct persist *p, const struct proute *key, struct proute *old)
{
	struct proute gone;

	if (!vec_del(p->v, &p->n, sizeof(*p->v), key, proute_cmp_v, &gone))
		return 0;
	if (old != NULL)
		*old = gone;
	if (gone.active) {
		p->nactive--;
		clock_gettime(CLOCK_REALTIME, &p->active_change);
	}
	clock_gettime(CLOCK_REALTIME, &p->last_change);
	return 1;
}

/* ---- the state file ------------------------------------------------------ */

static const char HEADER[] =
    "# cimrouted persisted routes (CIM-ROUTE-MIB cimIP4PersistedRouteTable),\n"
    "# installed in the main table at start.  Written by cimrouted; one route a line:\n"
    "#   DESTINATION/LEN via NEXTHOP metric METRIC [created YYYY-MM-DDTHH:MM:SSZ]\n";

void
persist_format(const struct proute *r, char *buf, size_t len)
{
	char d[ADDR4_STRLEN], h[ADDR4_STRLEN], t[32] = "";
	struct tm tm;

	if (r->created != 0 && gmtime_r(&r->created, &tm) != NULL)
		strftime(t, sizeof(t), " created %Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(buf, len, "%s/%u via %s metric %u%s", addr4_ntop(r->dst, d, sizeof(d)), r->plen,
	    addr4_ntop(r->nexthop, h, sizeof(h)), r->metric, t);
}

static int
parse_time(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

int
persist_parse_line(const char *line, struct proute *out, char *err, size_t errlen)
{
	char buf[LINE_MAX_LEN], *tok[8], *save = NULL, *slash;
	unsigned long long plen, metric;
	int n = 0;

	if (strlen(line) >= sizeof(buf)) {
		snprintf(err, errlen, "line too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok_r(buf, " \t\r\n", &save); t != NULL;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 0 && t[0] == '#')
			return 0;
		if (n == 8) {
			snprintf(err, errlen, "unexpected '%s' after the route", t);
			return -1;
		}
		tok[n++] = t;
	}
	if (n == 0)
		return 0;
	memset(out, 0, sizeof(*out));
	if ((slash = strchr(tok[0], '/')) == NULL) {
		snprintf(err, errlen, "'%s' is not DESTINATION/LEN", tok[0]);
		return -1;
	}
	*slash = '\0';
	if (addr4_pton(tok[0], &out->dst) < 0) {
		snprintf(err, errlen, "'%s' is not an IPv4 address", tok[0]);
		return -1;
	}
	if (strnum(slash + 1, 0, 32, &plen) < 0) {
		snprintf(err, errlen, "'%s' is not a prefix length (0-32)", slash + 1);
		return -1;
	}
	out->plen = (uint8_t)plen;
	if (out->dst & ~route_mask(out->plen)) {
		snprintf(err, errlen, "destination has host bits set for /%llu", plen);
		return -1;
	}
	if (n < 2 || strcmp(tok[1], "via") != 0) {
		snprintf(err, errlen, "expected 'via' after the destination");
		return -1;
	}
	if (n < 3 || addr4_pton(tok[2], &out->nexthop) < 0) {
		snprintf(err, errlen, "'%s' is not an IPv4 next hop", n < 3 ? "" : tok[2]);
		return -1;
	}
	if (n < 4 || strcmp(tok[3], "metric") != 0) {
		snprintf(err, errlen, "expected 'metric' after the next hop");
		return -1;
	}
	if (n < 5 || strnum(tok[4], 0, PERSIST_METRIC_MAX, &metric) < 0) {
		snprintf(err, errlen, "'%s' is not a metric (0-%u)", n < 5 ? "" : tok[4],
		    PERSIST_METRIC_MAX);
		return -1;
	}
	out->metric = (uint32_t)metric;
	if (n == 5)
		return 1;
	if (n != 7 || strcmp(tok[5], "created") != 0) {
		snprintf(err, errlen, "unexpected '%s' after the metric", tok[5]);
		return -1;
	}
	if (parse_time(tok[6], &out->created) < 0) {
		snprintf(err, errlen, "'%s' is not a time (YYYY-MM-DDTHH:MM:SSZ)", tok[6]);
		return -1;
	}
	return 1;
}

static int
set_path(struct persist *p, const char *dir)
{
	size_t len = strlen(dir) + sizeof(PERSIST_FILE) + 2;
	char err[PATH_MAX + 128];

	free(p->path);
	free(p->dir);
	if (p->dirfd >= 0)
		close(p->dirfd);
	p->dirfd = -1;
	p->path = malloc(len);
	p->dir = strdup(dir);
	if (p->path == NULL || p->dir == NULL)
		return -1;
	snprintf(p->path, len, "%s/%s", dir, PERSIST_FILE);
	if ((p->dirfd = statefile_opendir(dir, err, sizeof(err))) < 0) {
		int e = errno;

		log_err("persist", "%s", err);
		errno = e;
		return -1;
	}
	return 0;
}

/* Keep a bad state file for the operator; 0, or -1 if it could not be kept. */
static int
keep_aside(struct persist *p)
{
	char aside[NAME_MAX + 1], stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* Never over an earlier one (two bad starts within a second). */
	for (int n = 0;; n++) {
		if (n == 0)
			snprintf(aside, sizeof(aside), PERSIST_FILE ".bad-%s", stamp);
		else
			snprintf(aside, sizeof(aside), PERSIST_FILE ".bad-%s-%d", stamp, n);
		if (linkat(p->dirfd, PERSIST_FILE, p->dirfd, aside, 0) == 0)
			break;
		if (errno != EEXIST || n == 99) {
			log_err_errno("persist",
			    "cannot keep %s aside as %s/%s (it stays as it is)", p->path, p->dir,
			    aside);
			return -1;
		}
	}
	log_warn("persist", "kept the state file with bad lines as %s/%s", p->dir, aside);
	return 0;
}

/*
 * One line of the file (len bytes, as getline() read them): 1 for a route
 * added, 0 for a blank line or a comment, -1 for a bad line (logged).
 * getline() gives the real length, so a NUL byte cannot hide the rest of
 * the line nor swallow the next one (issue 9, item 9).
 */
static int
load_line(struct persist *p, const char *line, size_t len, unsigned lineno)
{
	char err[128];
	struct proute r;
	int rc;

	if (memchr(line, '\0', len) != NULL) {
		log_err("persist", "%s:%u: a NUL byte in the line; skipped", p->path, lineno);
		return -1;
	}
	if (len > LINE_MAX_LEN) {
		log_err("persist", "%s:%u: line too long; skipped", p->path, lineno);
		return -1;
	}
	if ((rc = persist_parse_line(line, &r, err, sizeof(err))) <= 0) {
		if (rc < 0)
			log_err("persist", "%s:%u: %s; skipped", p->path, lineno, err);
		return rc;
	}
	if (persist_find(p, &r) != NULL) {
		log_err("persist", "%s:%u: the same route as an earlier line; skipped", p->path,
		    lineno);
		return -1;
	}
	if (persist_insert(p, &r) < 0) {
		errno = ENOMEM;
		return -2;
	}
	return 1;
}

int
persist_load(struct persist *p, const char *dir)
{
	char err[PATH_MAX + 128], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int bad = 0, rc = 0;
	FILE *f;

	if (set_path(p, dir) < 0)
		return -1;
	/* Files left by a crash mid-write: the rename never happened, or did. */
	statefile_clean(p->dirfd, PERSIST_FILE);
	if ((f = statefile_open(p->dirfd, dir, PERSIST_FILE, err, sizeof(err))) == NULL) {
		if (errno == ENOENT)
			return 0;
		rc = errno;
		log_err("persist", "%s", err);
		errno = rc;
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		if ((rc = load_line(p, line, (size_t)len, ++lineno)) == -2)
			break;
		if (rc < 0)
			bad++;
	}
	free(line);
	if (rc == -2 || ferror(f)) {
		int e = rc == -2 ? ENOMEM : errno;

		fclose(f);
		log_err("persist", "%s: read error: %s", p->path, strerror(e));
		errno = e;
		return -1;
	}
	fclose(f);
	/* The good lines are written back only once the original is safe. */
	if (bad > 0 && keep_aside(p) == 0) {
		if (persist_save(p, err, sizeof(err)) < 0)
			log_err("persist", "cannot rewrite %s: %s", p->path, err);
	}
	clock_gettime(CLOCK_REALTIME, &p->last_change);
	return bad;
}

int
persist_save(struct persist *p, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN], *data = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (p->save_fails > 0) {
		p->save_fails--;
		snprintf(err, errlen, "cannot write %s: simulated failure", p->path);
		return -1;
	}
	if (p->dirfd < 0) {
		snprintf(err, errlen, "cannot write %s: the state directory is not open",
		    PERSIST_FILE);
		return -1;
	}
	if ((f = open_memstream(&data, &len)) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", p->path, strerror(errno));
		return -1;
	}
	fputs(HEADER, f);
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].is_volatile)
			continue;
		persist_format(&p->v[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write %s: out of memory", p->path);
		free(data);
		return -1;
	}
	rc = statefile_write(p->dirfd, p->dir, PERSIST_FILE, data, len, err, errlen);
	free(data);
	return rc;
}

/* ---- the live side ------------------------------------------------------- */

void
persist_route(const struct proute *pr, struct route *r)
{
	memset(r, 0, sizeof(*r));
	r->dst = pr->dst;
	r->plen = pr->plen;
	r->nexthop = pr->nexthop;
	r->table = PERSIST_TABLE;
	r->metric = pr->metric;
	r->type = RTN_UNICAST;
	r->proto = CIMR_RTPROT;
}

const struct route *
persist_live(const struct proute *pr, const struct mirror *m)
{
	const struct route_table *t = mirror_routes(m);
	struct route key;
	struct route_pos pos;
	const struct route *r;

	persist_route(pr, &key);
	key.ifindex = 0;
	key.table = 0;
	key.metric = 0;
	for (r = route_seek(t, &key, 0, &pos); r != NULL; r = route_next(t, &pos)) {
		if (r->dst != pr->dst || r->plen != pr->plen || r->nexthop != pr->nexthop)
			break;
		/* A persisted route is a single next hop: one hop of a multipath route is not it. */
		if (r->table == PERSIST_TABLE && r->tos == 0 && r->metric == pr->metric &&
		    r->type == RTN_UNICAST && !(r->flags & ROUTE_F_MULTI))
			return r;
	}
	return NULL;
}

struct proute *
persist_owner(const struct persist *p, const struct route *r)
{
	struct proute key = { .dst = r->dst,
		.plen = r->plen,
		.nexthop = r->nexthop,
		.metric = r->metric };

	if (r->table != PERSIST_TABLE || r->tos != 0 || r->metric > PERSIST_METRIC_MAX)
		return NULL;
	return persist_find(p, &key);
}

static int
set_active(struct persist *p, struct proute *pr, int active)
{
	if (pr->active == active)
		return 0;
	pr->active = (uint8_t)active;
	if (active) {
		p->nactive++;
		pr->error[0] = '\0';
	} else {
		p->nactive--;
	}
	clock_gettime(CLOCK_REALTIME, &p->active_change);
	return 1;
}

int
persist_refresh(struct persist *p, const struct mirror *m)
{
	int changed = 0;

	for (size_t i = 0; i < p->n; i++)
		changed |= set_active(p, &p->v[i], persist_live(&p->v[i], m) != NULL);
	return changed;
}

int
persist_route_changed(struct persist *p, const struct mirror *m, const struct route *r)
{
	struct proute *pr = persist_owner(p, r);

	return pr != NULL ? set_active(p, pr, persist_live(pr, m) != NULL) : 0;
}

size_t
persist_apply(struct persist *p, const struct mirror *m, struct nlreq *q)
{
	size_t left = 0;

	for (size_t i = 0; i < p->n; i++) {
		struct proute *pr = &p->v[i];
		struct route r;
		char msg[PERSIST_ERRLEN], line[LINE_MAX_LEN];
		int rc;

		set_active(p, pr, persist_live(pr, m) != NULL);
		if (pr->active)
			continue;
		persist_route(pr, &r);
		pr->tried = 1;
		if (rtcheck_complete(mirror_iface(m), &r, msg, sizeof(msg)) != RTCHECK_OK) {
			snprintf(pr->error, sizeof(pr->error), "%s", msg);
			left++;
			continue;
		}
		rc = nlreq_route(q, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &r, msg, sizeof(msg));
		if (rc == -EEXIST)
			snprintf(msg, sizeof(msg),
			    "another route with this destination and metric "
			    "is in the main table");
		persist_format(pr, line, sizeof(line));
		if (rc < 0) {
			if (strcmp(pr->error, msg) != 0)
				log_warn("persist", "cannot install persisted route %s: %s", line,
				    msg);
			snprintf(pr->error, sizeof(pr->error), "%s", msg);
			left++;
			continue;
		}
		pr->error[0] = '\0';
		log_info("persist", "installed persisted route %s", line);
	}
	return left;
}
