/* Persisted routes and their state file: see persist.h. */
#define _GNU_SOURCE /* strptime, timegm */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iface/ifmirror.h"
#include "lib/addr.h"
#include "lib/log.h"
#include "lib/strnum.h"
#include "lib/text.h"
#include "route/mirror.h"
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
persist_init_family(struct persist *p, const struct persist_family *fam)
{
	memset(p, 0, sizeof(*p));
	p->fam = fam;
	p->dirfd = -1;
	clock_gettime(CLOCK_REALTIME, &p->last_change);
	p->active_change = p->last_change;
}

void
persist_init(struct persist *p)
{
	persist_init_family(p, &persist4);
}

void
persist_free(struct persist *p)
{
	const struct persist_family *fam = p->fam;

	free(p->v);
	free(p->path);
	free(p->dir);
	if (p->dirfd >= 0)
		close(p->dirfd);
	memset(p, 0, sizeof(*p));
	p->fam = fam;
	p->dirfd = -1;
}

/* The vec comparisons of a set: the family's order. */
static int
proute_cmp_v(const void *a, const void *b)
{
	return proute_cmp(a, b);
}

static vec_cmp_fn
cmp_of(const struct persist *p)
{
	return p->fam->cmp;
}

size_t
persist_seek(const struct persist *p, const struct proute *key, int strict)
{
	return vec_lower_bound(p->v, p->n, sizeof(*p->v), key, cmp_of(p), strict);
}

struct proute *
persist_find(const struct persist *p, const struct proute *key)
{
	return vec_find(p->v, p->n, sizeof(*p->v), key, cmp_of(p));
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

	if (!vec_del(p->v, &p->n, sizeof(*p->v), key, cmp_of(p), &gone))
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
    "#   DESTINATION/LEN via NEXTHOP [dev INTERFACE] metric METRIC "
    "[created YYYY-MM-DDTHH:MM:SSZ]\n";

static const char HEADER6[] =
    "# cimrouted persisted IPv6 routes (CIM-ROUTE-MIB cimIP6PersistedRouteTable),\n"
    "# installed in the main table at start.  Written by cimrouted; one route a line:\n"
    "#   DESTINATION/LEN via NEXTHOP [dev INTERFACE] metric METRIC "
    "[created YYYY-MM-DDTHH:MM:SSZ]\n";

static void
format4(const struct proute *r, char *buf, size_t len)
{
	char d[ADDR4_STRLEN], h[ADDR4_STRLEN];

	snprintf(buf, len, "%s/%u via %s%s%s", addr4_ntop(r->dst, d, sizeof(d)), r->plen,
	    addr4_ntop(r->nexthop, h, sizeof(h)), r->ifname[0] != '\0' ? " dev " : "", r->ifname);
}

static void
prefix4(const struct proute *r, char *buf, size_t len)
{
	char d[ADDR4_STRLEN];

	snprintf(buf, len, "%s/%u", addr4_ntop(r->dst, d, sizeof(d)), r->plen);
}

void
persist_format_line(const struct persist_family *fam, const struct proute *r, char *buf, size_t len)
{
	char route[LINE_MAX_LEN], t[32] = "";
	struct tm tm;

	if (r->created != 0 && gmtime_r(&r->created, &tm) != NULL)
		strftime(t, sizeof(t), " created %Y-%m-%dT%H:%M:%SZ", &tm);
	fam->format(r, route, sizeof(route));
	snprintf(buf, len, "%s metric %u%s", route, r->metric, t);
}

void
persist_format(const struct proute *r, char *buf, size_t len)
{
	persist_format_line(&persist4, r, buf, len);
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

/*
 * A line's "DESTINATION/LEN" of family af (AF_INET: dst, host byte order;
 * AF_INET6: dst6), into out; tok is cut at the slash.  0, or -1 with err.
 */
static int
parse_dest(char *tok, int af, struct proute *out, char *err, size_t errlen)
{
	unsigned max = af == AF_INET ? 32 : 128;
	unsigned long long plen;
	char *slash;

	if ((slash = strchr(tok, '/')) == NULL) {
		snprintf(err, errlen, "'%s' is not DESTINATION/LEN", tok);
		return -1;
	}
	*slash = '\0';
	if (af == AF_INET ? addr4_pton(tok, &out->dst) < 0 :
			    addr6_pton(tok, (struct in6_addr *)out->dst6) < 0) {
		snprintf(err, errlen, "'%s' is not an %s address", tok,
		    af == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	if (strnum(slash + 1, 0, max, &plen) < 0) {
		snprintf(err, errlen, "'%s' is not a prefix length (0-%u)", slash + 1, max);
		return -1;
	}
	out->plen = (uint8_t)plen;
	return 0;
}

/* ... then "via NEXTHOP" (tokens 1 and 2 of n): AF_INET, nexthop; AF_INET6, nexthop6. */
static int
parse_via(char **tok, int n, int af, struct proute *out, char *err, size_t errlen)
{
	if (n < 2 || strcmp(tok[1], "via") != 0) {
		snprintf(err, errlen, "expected 'via' after the destination");
		return -1;
	}
	if (n < 3 ||
	    (af == AF_INET ? addr4_pton(tok[2], &out->nexthop) < 0 :
			     addr6_pton(tok[2], (struct in6_addr *)out->nexthop6) < 0)) {
		snprintf(err, errlen, "'%s' is not an %s next hop", n < 3 ? "" : tok[2],
		    af == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	return 0;
}

/* "DESTINATION/LEN via NEXTHOP": 3 tokens, or -1 with err. */
/* The tokens of "... via NEXTHOP" and an optional "dev NAME" after them: 3 or 5, or -1 with err. */
static int
parse_dev(char **tok, int n, struct proute *out, char *err, size_t errlen)
{
	if (n <= 3 || strcmp(tok[3], "dev") != 0)
		return 3;
	if (n < 5 || !text_is_ifname(tok[4], strlen(tok[4]))) {
		snprintf(err, errlen, "'dev' is not followed by a valid interface name");
		return -1;
	}
	snprintf(out->ifname, sizeof(out->ifname), "%s", tok[4]);
	return 5;
}

/*
 * "DESTINATION/LEN via NEXTHOP [dev NAME]": an IPv4 row may name its
 * interface (a gateway made through cimAdapterCfgGatewayTable: its subnet
 * may be on more than one), outside the index.
 */
static int
parse4(char **tok, int n, struct proute *out, char *err, size_t errlen)
{
	if (parse_dest(tok[0], AF_INET, out, err, errlen) < 0)
		return -1;
	if (out->dst & ~route_mask(out->plen)) {
		snprintf(err, errlen, "destination has host bits set for /%u", (unsigned)out->plen);
		return -1;
	}
	if (parse_via(tok, n, AF_INET, out, err, errlen) < 0)
		return -1;
	/* A persisted IPv4 route is a gateway route: 0.0.0.0 names no interface. */
	if (out->nexthop == 0) {
		snprintf(err, errlen, "next hop 0.0.0.0 is not a gateway");
		return -1;
	}
	return parse_dev(tok, n, out, err, errlen);
}

int
persist_parse(const struct persist_family *fam, const char *line, struct proute *out, char *err,
    size_t errlen)
{
	char buf[LINE_MAX_LEN], *tok[12], *save = NULL;
	unsigned long long metric;
	int n = 0, i;

	if (strlen(line) >= sizeof(buf)) {
		snprintf(err, errlen, "line too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok_r(buf, " \t\r\n", &save); t != NULL;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 0 && t[0] == '#')
			return 0;
		if (n == fam->max_tokens) {
			snprintf(err, errlen, "unexpected '%s' after the route", t);
			return -1;
		}
		tok[n++] = t;
	}
	if (n == 0)
		return 0;
	memset(out, 0, sizeof(*out));
	if ((i = fam->parse(tok, n, out, err, errlen)) < 0)
		return -1;
	if (n < i + 1 || strcmp(tok[i], "metric") != 0) {
		snprintf(err, errlen, "expected 'metric' after the next hop");
		return -1;
	}
	if (n < i + 2 || strnum(tok[i + 1], fam->metric_min, fam->metric_max, &metric) < 0) {
		snprintf(err, errlen, "'%s' is not a metric (%u-%u)", n < i + 2 ? "" : tok[i + 1],
		    fam->metric_min, fam->metric_max);
		return -1;
	}
	out->metric = (uint32_t)metric;
	if (n == i + 2)
		return 1;
	if (n != i + 4 || strcmp(tok[i + 2], "created") != 0) {
		snprintf(err, errlen, "unexpected '%s' after the metric", tok[i + 2]);
		return -1;
	}
	if (parse_time(tok[i + 3], &out->created) < 0) {
		snprintf(err, errlen, "'%s' is not a time (YYYY-MM-DDTHH:MM:SSZ)", tok[i + 3]);
		return -1;
	}
	return 1;
}

int
persist_parse_line(const char *line, struct proute *out, char *err, size_t errlen)
{
	return persist_parse(&persist4, line, out, err, errlen);
}

static int
set_path(struct persist *p, const char *dir)
{
	size_t len = strlen(dir) + strlen(p->fam->file) + 2;
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
	snprintf(p->path, len, "%s/%s", dir, p->fam->file);
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
			snprintf(aside, sizeof(aside), "%s.bad-%s", p->fam->file, stamp);
		else
			snprintf(aside, sizeof(aside), "%s.bad-%s-%d", p->fam->file, stamp, n);
		if (linkat(p->dirfd, p->fam->file, p->dirfd, aside, 0) == 0)
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

/* A route read from the file, with its line (the order duplicates are judged in). */
struct lined {
	struct proute r;
	unsigned lineno;
};

struct loading {
	struct lined *v;
	size_t n, cap;
	unsigned over, first_over; /* lines beyond PERSIST_ROWS_MAX, the first of them */
};

/*
 * One line of the file (len bytes, as getline() read them), appended to ld:
 * 1 for a route, 0 for a blank line or a comment, -1 for a bad line (logged),
 * -2 out of memory.  getline() gives the real length, so a NUL byte cannot
 * hide the rest of the line nor swallow the next one (issue 9, item 9).
 */
static int
load_line(struct persist *p, struct loading *ld, const char *line, size_t len, unsigned lineno)
{
	char err[128];
	struct lined l;
	int rc;

	if (memchr(line, '\0', len) != NULL) {
		log_err("persist", "%s:%u: a NUL byte in the line; skipped", p->path, lineno);
		return -1;
	}
	if (len > LINE_MAX_LEN) {
		log_err("persist", "%s:%u: line too long; skipped", p->path, lineno);
		return -1;
	}
	if ((rc = persist_parse(p->fam, line, &l.r, err, sizeof(err))) <= 0) {
		if (rc < 0)
			log_err("persist", "%s:%u: %s; skipped", p->path, lineno, err);
		return rc;
	}
	/* Beyond the limit: counted, logged once at the end (persist_load()). */
	if (ld->n == PERSIST_ROWS_MAX) {
		if (ld->over++ == 0)
			ld->first_over = lineno;
		return -1;
	}
	l.lineno = lineno;
	if (vec_reserve(&ld->v, &ld->cap, ld->n, sizeof(*ld->v), 64) < 0)
		return -2;
	ld->v[ld->n++] = l;
	return 1;
}

/* The family's order, then the line: the first of equal routes comes first. */
static int
lined_cmp(const void *va, const void *vb, void *arg)
{
	const struct lined *a = va, *b = vb;
	const struct persist *p = arg;
	int c = p->fam->cmp(&a->r, &b->r);

	return c != 0 ? c : a->lineno < b->lineno ? -1 : a->lineno > b->lineno;
}

/*
 * The routes read, sorted once and without the lines that repeat an earlier
 * one (logged), into the empty set p: O(n log n), where a sorted insert per line was
 * O(n^2) (183 s for 200,000 lines).  The number of lines dropped, or -1
 * out of memory.
 */
static int
load_sorted(struct persist *p, struct loading *ld)
{
	int dup = 0;

	if (ld->n == 0)
		return 0; /* nothing read: ld->v may be NULL, which qsort_r() must not see */
	qsort_r(ld->v, ld->n, sizeof(*ld->v), lined_cmp, p);
	if (p->n + ld->n > p->cap) {
		struct proute *v = realloc(p->v, (p->n + ld->n) * sizeof(*p->v));

		if (v == NULL)
			return -1;
		p->v = v;
		p->cap = p->n + ld->n;
	}
	for (size_t i = 0; i < ld->n; i++) {
		if (p->n > 0 && p->fam->cmp(&p->v[p->n - 1], &ld->v[i].r) == 0) {
			log_err("persist", "%s:%u: the same route as an earlier line; skipped",
			    p->path, ld->v[i].lineno);
			dup++;
			continue;
		}
		p->v[p->n++] = ld->v[i].r;
	}
	return dup;
}

int
persist_load(struct persist *p, const char *dir)
{
	char err[PATH_MAX + 128], *line = NULL;
	struct loading ld = { 0 };
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int bad = 0, rc = 0, e = 0;
	FILE *f;

	if (set_path(p, dir) < 0)
		return -1;
	/* Files left by a crash mid-write: the rename never happened, or did. */
	statefile_clean(p->dirfd, p->fam->file);
	if ((f = statefile_open(p->dirfd, dir, p->fam->file, err, sizeof(err))) == NULL) {
		if (errno == ENOENT)
			return 0;
		rc = errno;
		log_err("persist", "%s", err);
		errno = rc;
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		if ((rc = load_line(p, &ld, line, (size_t)len, ++lineno)) == -2)
			break;
		if (rc < 0)
			bad++;
	}
	if (rc == -2)
		e = ENOMEM;
	else if (ferror(f))
		e = errno;
	free(line);
	if (e == 0 && (rc = load_sorted(p, &ld)) < 0)
		e = ENOMEM;
	else if (e == 0)
		bad += rc;
	free(ld.v);
	if (e != 0) {
		fclose(f);
		log_err("persist", "%s: read error: %s", p->path, strerror(e));
		p->n = 0;
		errno = e;
		return -1;
	}
	fclose(f);
	if (ld.over > 0)
		log_err("persist",
		    "%s: %u route(s) beyond the limit of %d %s persisted routes skipped "
		    "(from line %u on)",
		    p->path, ld.over, PERSIST_ROWS_MAX, p->fam->name, ld.first_over);
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
		    p->fam->file);
		return -1;
	}
	if ((f = open_memstream(&data, &len)) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", p->path, strerror(errno));
		return -1;
	}
	fputs(p->fam->header, f);
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].is_volatile)
			continue;
		persist_format_line(p->fam, &p->v[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write %s: out of memory", p->path);
		free(data);
		return -1;
	}
	rc = statefile_write(p->dirfd, p->dir, p->fam->file, data, len, err, errlen);
	free(data);
	return rc;
}

int
persist_file_exists(const struct persist *p)
{
	return p->dirfd >= 0 && statefile_exists(p->dirfd, p->fam->file);
}

int
persist_unsave(struct persist *p, char *err, size_t errlen)
{
	if (p->dirfd < 0) {
		snprintf(err, errlen, "cannot remove %s: the state directory is not open",
		    p->fam->file);
		return -1;
	}
	return statefile_remove(p->dirfd, p->dir, p->fam->file, err, errlen);
}

/* ---- the live side: IPv4 ------------------------------------------------- */

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

/*
 * Could r be the route of some persisted IPv4 row?  A single next hop in
 * main, TOS 0, and a real IPv4 next hop: a gateway, or our own address
 * ("dev X src NEXTHOP", what rtcheck_complete() makes of a next hop that
 * is one of our addresses).  Never nexthop 0.0.0.0: a direct route "dev X"
 * or an RFC 5549 route (an IPv6 gateway, route_via6()), which a row,
 * naming no interface and no IPv6 gateway, could never install again.
 */
static int
persist_kind(const struct route *r)
{
	return r->table == PERSIST_TABLE && r->tos == 0 && r->type == RTN_UNICAST &&
	    !(r->flags & ROUTE_F_MULTI) && r->nexthop != 0 && !route_via6(r);
}

/* The link named name, or NULL. */
static const struct link *
link_named(const struct iface *ifm, const char *name)
{
	return ifm != NULL ? iface_link_named(ifm, name) : NULL;
}

/* Is the live entry on the row's interface (any, if it names none)? */
static int
on_named_link(const struct proute *pr, const struct mirror *m, int32_t ifindex)
{
	const struct link *l;

	if (pr->ifname[0] == '\0')
		return 1;
	return (l = mirror_link(m, ifindex)) != NULL && strcmp(l->name, pr->ifname) == 0;
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
		/* One hop of a multipath route is not it, nor an RFC 5549 route. */
		if (persist_kind(r) && r->metric == pr->metric && on_named_link(pr, m, r->ifindex))
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

	/* Next hop 0 (a direct or an RFC 5549 route) is no row's: persist_kind(). */
	if (r->table != PERSIST_TABLE || r->tos != 0 || r->metric > PERSIST_METRIC_MAX ||
	    r->nexthop == 0)
		return NULL;
	return persist_find(p, &key);
}

static enum rtcheck_result
complete4(const struct proute *pr, const struct iface *ifm, void *out, char *msg, size_t len)
{
	const struct link *l = NULL;

	persist_route(pr, out);
	if (pr->ifname[0] != '\0' && (l = link_named(ifm, pr->ifname)) == NULL) {
		snprintf(msg, len, "interface %s does not exist", pr->ifname);
		return RTCHECK_INCONSISTENT;
	}
	if (l != NULL)
		((struct route *)out)->ifindex = l->ifindex;
	return rtcheck_complete(ifm, out, msg, len);
}

static const void *
live4(const struct proute *pr, const struct mirror *m)
{
	return persist_live(pr, m);
}

static struct proute *
owner4(const struct persist *p, const struct mirror *m, const void *r)
{
	return persist_owner(p, r);
}

const struct persist_family persist4 = {
	.name = "IPv4",
	.family = AF_INET,
	.file = PERSIST_FILE,
	.table = "cimIP4PersistedRouteTable",
	.header = HEADER,
	.max_tokens = 10,
	.metric_min = 0,
	.metric_max = PERSIST_METRIC_MAX,
	.cmp = proute_cmp_v,
	.ifindex_off = offsetof(struct route, ifindex),
	.parse = parse4,
	.format = format4,
	.prefix = prefix4,
	.complete = complete4,
	.live = live4,
	.owner = owner4,
};

/* ---- IPv6 -------------------------------------------------------------------- */

/*
 * The order of cimIP6PersistedRouteTable's index: destination, prefix
 * length, next hop, the interface's name as an OCTET STRING (its length
 * first), metric.
 */
static int
proute6_cmp(const void *va, const void *vb)
{
	const struct proute *a = va, *b = vb;
	size_t la = strlen(a->ifname), lb = strlen(b->ifname);
	int c;

	if ((c = memcmp(a->dst6, b->dst6, 16)) != 0 || (c = cmp_u32(a->plen, b->plen)) != 0 ||
	    (c = memcmp(a->nexthop6, b->nexthop6, 16)) != 0 || (c = cmp_u32(la, lb)) != 0 ||
	    (c = memcmp(a->ifname, b->ifname, la)) != 0)
		return c < 0 ? -1 : c > 0;
	return cmp_u32(a->metric, b->metric);
}

static void
format6(const struct proute *r, char *buf, size_t len)
{
	char d[ADDR6_STRLEN], h[ADDR6_STRLEN];

	snprintf(buf, len, "%s/%u via %s%s%s", addr6_ntop((const void *)r->dst6, d, sizeof(d)),
	    r->plen, addr6_ntop((const void *)r->nexthop6, h, sizeof(h)),
	    r->ifname[0] != '\0' ? " dev " : "", r->ifname);
}

static void
prefix6(const struct proute *r, char *buf, size_t len)
{
	char d[ADDR6_STRLEN];

	snprintf(buf, len, "%s/%u", addr6_ntop((const void *)r->dst6, d, sizeof(d)), r->plen);
}

int
persist6_check(const struct proute *r, char *err, size_t errlen)
{
	static const uint8_t any[16];
	size_t len = strlen(r->ifname);

	if (addr6_host_bits(r->dst6, r->plen)) {
		snprintf(err, errlen, "destination has host bits set for /%u", r->plen);
		return -1;
	}
	if (r->dst6[0] == 0xff) {
		snprintf(err, errlen, "a multicast destination is not a unicast route");
		return -1;
	}
	if (r->nexthop6[0] == 0xff) {
		snprintf(err, errlen, "a multicast next hop");
		return -1;
	}
	/* Never echoed: a name that fails the check may hold anything (a newline). */
	if (len > 0 && !text_is_ifname(r->ifname, len)) {
		snprintf(err, errlen, "not a valid interface name");
		return -1;
	}
	/* RFC 4291 2.5.6: a link-local address means nothing without its link. */
	if (len == 0 && r->nexthop6[0] == 0xfe && (r->nexthop6[1] & 0xc0) == 0x80) {
		snprintf(err, errlen, "a link-local next hop needs an interface (dev)");
		return -1;
	}
	if (len == 0 && memcmp(r->nexthop6, any, 16) == 0) {
		snprintf(err, errlen, "next hop :: (on link) needs an interface (dev)");
		return -1;
	}
	return 0;
}

/* "DESTINATION/LEN via NEXTHOP [dev NAME]": 3 or 5 tokens, or -1 with err. */
static int
parse6(char **tok, int n, struct proute *out, char *err, size_t errlen)
{
	int used;

	if (parse_dest(tok[0], AF_INET6, out, err, errlen) < 0 ||
	    parse_via(tok, n, AF_INET6, out, err, errlen) < 0 ||
	    (used = parse_dev(tok, n, out, err, errlen)) < 0)
		return -1;
	return persist6_check(out, err, errlen) < 0 ? -1 : used;
}

int
persist_route6(const struct proute *pr, const struct iface *ifm, struct route6 *r)
{
	const struct link *l = NULL;

	memset(r, 0, sizeof(*r));
	memcpy(r->dst, pr->dst6, 16);
	memcpy(r->nexthop, pr->nexthop6, 16);
	r->plen = pr->plen;
	r->table = PERSIST_TABLE;
	r->metric = pr->metric;
	r->type = RTN_UNICAST;
	r->proto = CIMR_RTPROT;
	if (pr->ifname[0] != '\0' && (l = link_named(ifm, pr->ifname)) == NULL)
		return -1;
	r->ifindex = l != NULL ? l->ifindex : 0;
	return 0;
}

static enum rtcheck_result
complete6(const struct proute *pr, const struct iface *ifm, void *out, char *msg, size_t len)
{
	if (persist_route6(pr, ifm, out) < 0) {
		snprintf(msg, len, "interface %s does not exist", pr->ifname);
		return RTCHECK_INCONSISTENT;
	}
	return rtcheck6_complete(ifm, out, msg, len);
}

/* The row's entry on link ifindex, or (0) on the link its name gives now. */
static const struct route6 *
find6(const struct proute *pr, const struct mirror *m, int32_t ifindex)
{
	const struct route6_table *t = mirror_table(m);
	struct route6 key = { .plen = pr->plen };
	struct route_pos pos;
	const struct route6 *r;

	memcpy(key.dst, pr->dst6, 16);
	memcpy(key.nexthop, pr->nexthop6, 16);
	for (r = route6_seek(t, &key, 0, &pos); r != NULL; r = route6_next(t, &pos)) {
		if (memcmp(r->dst, pr->dst6, 16) != 0 || r->plen != pr->plen ||
		    memcmp(r->nexthop, pr->nexthop6, 16) != 0)
			break;
		/* One next hop, no source prefix, as persist_live(). */
		if (r->table == PERSIST_TABLE && r->src == 0 && r->metric == pr->metric &&
		    r->type == RTN_UNICAST && !(r->flags & ROUTE_F_MULTI) &&
		    (ifindex != 0 ? r->ifindex == ifindex : on_named_link(pr, m, r->ifindex)))
			return r;
	}
	return NULL;
}

static const void *
live6(const struct proute *pr, const struct mirror *m)
{
	return find6(pr, m, 0);
}

/* Only where the row names its link: else the live entry is found wherever it is. */
static const void *
left6(const struct proute *pr, const struct mirror *m)
{
	return pr->ifname[0] != '\0' && pr->ifindex != 0 ? find6(pr, m, pr->ifindex) : NULL;
}

/*
 * A row that names the live route's interface, else one that names none.
 * When the link is gone already (the interface was deleted before its
 * routes' removal was read), any row of this destination, next hop and
 * metric: the caller recomputes its state from the mirror anyway.
 */
static struct proute *
owner6(const struct persist *p, const struct mirror *m, const void *e)
{
	const struct route6 *r = e;
	const struct link *l = mirror_link(m, r->ifindex);
	struct proute key = { .plen = r->plen, .metric = r->metric }, *pr;

	if (r->table != PERSIST_TABLE || r->src != 0)
		return NULL;
	memcpy(key.dst6, r->dst, 16);
	memcpy(key.nexthop6, r->nexthop, 16);
	if (l != NULL) {
		snprintf(key.ifname, sizeof(key.ifname), "%s", l->name);
		if ((pr = persist_find(p, &key)) != NULL)
			return pr;
		key.ifname[0] = '\0';
		return persist_find(p, &key);
	}
	key.metric = 0;
	for (size_t i = persist_seek(p, &key, 0); i < p->n; i++) {
		pr = &p->v[i];
		if (memcmp(pr->dst6, r->dst, 16) != 0 || pr->plen != r->plen ||
		    memcmp(pr->nexthop6, r->nexthop, 16) != 0)
			break;
		if (pr->metric == r->metric && pr->active)
			return pr;
	}
	return NULL;
}

const struct persist_family persist6 = {
	.name = "IPv6",
	.family = AF_INET6,
	.file = PERSIST6_FILE,
	.table = "cimIP6PersistedRouteTable",
	.header = HEADER6,
	.max_tokens = 10,
	.metric_min = 1,
	.metric_max = UINT32_MAX,
	.cmp = proute6_cmp,
	.ifindex_off = offsetof(struct route6, ifindex),
	.parse = parse6,
	.format = format6,
	.prefix = prefix6,
	.complete = complete6,
	.live = live6,
	.left = left6,
	.owner = owner6,
};

/* ---- both families ------------------------------------------------------------ */

const void *
persist_live_of(const struct persist *p, const struct proute *pr, const struct mirror *m)
{
	return p->fam->live(pr, m);
}

const void *
persist_installed_of(const struct persist *p, const struct proute *pr, const struct mirror *m)
{
	const void *e = p->fam->live(pr, m);
	const struct proute *owner;

	if (e != NULL || p->fam->left == NULL || (e = p->fam->left(pr, m)) == NULL)
		return e;
	/* Another row's now (one that names the new name, or none): not ours to delete. */
	owner = p->fam->owner(p, m, e);
	return owner == NULL || owner == pr ? e : NULL;
}

struct proute *
persist_owner_of(const struct persist *p, const struct mirror *m, const void *e)
{
	return p->fam->owner(p, m, e);
}

const char *
persist_status(const struct proute *pr)
{
	return pr->active ? "OK" : pr->error[0] != '\0' ? "Error" : "Starting";
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
	p->last_change = p->active_change; /* OK, or OK no longer */
	return 1;
}

/* Is the row's route in m: its active flag, and the link it is on. */
static int
track(struct persist *p, struct proute *pr, const struct mirror *m)
{
	const unsigned char *e = persist_live_of(p, pr, m);
	int32_t ifindex;

	if (e != NULL) {
		memcpy(&ifindex, e + p->fam->ifindex_off, sizeof(ifindex));
		pr->ifindex = ifindex;
	}
	return set_active(p, pr, e != NULL);
}

int
persist_refresh(struct persist *p, const struct mirror *m)
{
	int changed = 0;

	for (size_t i = 0; i < p->n; i++)
		changed |= track(p, &p->v[i], m);
	return changed;
}

int
persist_route_changed(struct persist *p, const struct mirror *m, const void *r)
{
	struct proute *pr = persist_owner_of(p, m, r);

	return pr != NULL ? track(p, pr, m) : 0;
}

/* Install the row if it is not active and can be installed now; 1 if it is still not active. */
static size_t
apply_row(struct persist *p, struct proute *pr, const struct mirror *m, struct nlreq *q)
{
	_Alignas(8) unsigned char e[sizeof(struct route6)]; /* the family's entry */
	char msg[PERSIST_ERRLEN], line[LINE_MAX_LEN];
	int rc;

	_Static_assert(sizeof(struct route) <= sizeof(e), "an entry fits");
	track(p, pr, m);
	if (pr->active)
		return 0;
	pr->tried = 1;
	if (p->fam->complete(pr, mirror_iface(m), e, msg, sizeof(msg)) != RTCHECK_OK) {
		snprintf(pr->error, sizeof(pr->error), "%s", msg);
		return 1;
	}
	rc = nlreq_route(q, p->fam->family, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, e, msg,
	    sizeof(msg));
	if (rc == -EEXIST)
		snprintf(msg, sizeof(msg),
		    "another route with this destination and metric "
		    "is in the main table");
	persist_format_line(p->fam, pr, line, sizeof(line));
	if (rc < 0) {
		if (strcmp(pr->error, msg) != 0)
			log_warn("persist", "cannot install persisted route %s: %s", line, msg);
		snprintf(pr->error, sizeof(pr->error), "%s", msg);
		return 1;
	}
	pr->error[0] = '\0';
	log_info("persist", "installed persisted route %s", line);
	return 0;
}

size_t
persist_apply(struct persist *p, const struct mirror *m, struct nlreq *q)
{
	size_t left = 0;

	for (size_t i = 0; i < p->n; i++) {
		const char *was = persist_status(&p->v[i]);

		left += apply_row(p, &p->v[i], m, q);
		if (persist_status(&p->v[i]) != was) /* Starting or Error, one to the other */
			clock_gettime(CLOCK_REALTIME, &p->last_change);
	}
	return left;
}
