/*
 * Unit tests: the persisted-route state file (parse, format, load with bad
 * lines, atomic save), the sorted set, mask checks and writableProtocols;
 * the same for IPv6 lines (persisted-routes6) beside the IPv4 file.
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "route/rt4.h"
#include "route/persist.h"
#include "route/rtcheck.h"
#include "route/writer.h"
#include "lib/addr.h"
#include "lib/statefile.h"

#define IP(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static void
test_parse_good(void **state)
{
	struct proute r;
	char err[128];

	assert_int_equal(persist_parse_line("10.1.0.0/16 via 192.0.2.1 metric 10", &r, err,
			     sizeof(err)),
	    1);
	assert_int_equal(r.dst, IP(10, 1, 0, 0));
	assert_int_equal(r.plen, 16);
	assert_int_equal(r.nexthop, IP(192, 0, 2, 1));
	assert_int_equal(r.metric, 10);
	assert_int_equal(r.created, 0);
	assert_int_equal(persist_parse_line("  0.0.0.0/0\tvia 10.0.0.1 metric 2147483647 "
					    "created 2026-11-22T10:11:12Z\n",
			     &r, err, sizeof(err)),
	    1);
	assert_int_equal(r.plen, 0);
	assert_int_equal(r.metric, 2147483647u);
	assert_int_equal(r.created, 1795342272); /* date -u -d 2026-11-22T10:11:12Z +%s */
	assert_int_equal(persist_parse_line("# a comment", &r, err, sizeof(err)), 0);
	assert_int_equal(persist_parse_line("   \n", &r, err, sizeof(err)), 0);
	assert_int_equal(persist_parse_line("", &r, err, sizeof(err)), 0);
}

static void
test_parse_bad(void **state)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "garbage", "DESTINATION/LEN" },
		{ "10.1.0.0/33 via 1.2.3.4 metric 1", "prefix length" },
		{ "10.1.0.0/-1 via 1.2.3.4 metric 1", "prefix length" },
		{ "10.1.0.0/ via 1.2.3.4 metric 1", "prefix length" },
		{ "10.1.0.256/24 via 1.2.3.4 metric 1", "IPv4 address" },
		{ "10.1.0.1/16 via 1.2.3.4 metric 1", "host bits" },
		{ "10.1.0.0/16 dev eth0 metric 1", "'via'" },
		{ "10.1.0.0/16 via", "next hop" },
		{ "10.1.0.0/16 via fe80::1 metric 1", "next hop" },
		{ "10.1.0.0/16 via 0.0.0.0 metric 1", "next hop 0.0.0.0 is not a gateway" },
		{ "10.1.0.0/16 via 1.2.3.4", "'metric'" },
		{ "10.1.0.0/16 via 1.2.3.4 metric", "metric" },
		{ "10.1.0.0/16 via 1.2.3.4 metric -1", "metric" },
		{ "10.1.0.0/16 via 1.2.3.4 metric 2147483648", "metric" },
		{ "10.1.0.0/16 via 1.2.3.4 metric 1x", "metric" },
		{ "10.1.0.0/16 via 1.2.3.4 metric 1 created", "after the metric" },
		{ "10.1.0.0/16 via 1.2.3.4 metric 1 created yesterday", "time" },
		{ "10.1.0.0/16 via 1.2.3.4 metric 1 table 100", "after the metric" },
		{ "10.1.0.0/16 via 1.2.3.4 metric 1 created 2026-11-22T10:11:12Z w x y z",
		    "after the route" },
	};
	struct proute r;
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (persist_parse_line(bad[i].line, &r, err, sizeof(err)) != -1 ||
		    strstr(err, bad[i].why) == NULL)
			fail_msg("'%s': got '%s', expected a reason with '%s'", bad[i].line, err,
			    bad[i].why);
	}
}

static void
test_format_round_trip(void **state)
{
	struct proute r = { .dst = IP(172, 16, 0, 0),
		.plen = 12,
		.nexthop = IP(10, 0, 0, 254),
		.metric = 100,
		.created = 1795342272 },
		      back;
	char line[256], err[128];

	persist_format(&r, line, sizeof(line));
	assert_string_equal(line,
	    "172.16.0.0/12 via 10.0.0.254 metric 100 created 2026-11-22T10:11:12Z");
	assert_int_equal(persist_parse_line(line, &back, err, sizeof(err)), 1);
	assert_int_equal(proute_cmp(&r, &back), 0);
	assert_int_equal(back.created, r.created);
	/* A gateway's row names its interface: kept, outside the key. */
	snprintf(r.ifname, sizeof(r.ifname), "eth1");
	persist_format(&r, line, sizeof(line));
	assert_string_equal(line,
	    "172.16.0.0/12 via 10.0.0.254 dev eth1 metric 100 created 2026-11-22T10:11:12Z");
	assert_int_equal(persist_parse_line(line, &back, err, sizeof(err)), 1);
	assert_string_equal(back.ifname, "eth1");
	assert_int_equal(proute_cmp(&r, &back), 0);
}

static void
test_sorted_set(void **state)
{
	struct persist p;
	struct proute a = { .dst = IP(10, 0, 0, 0), .plen = 8, .nexthop = 1, .metric = 5 };
	struct proute b = a, c = a, old;

	b.metric = 1;
	c.plen = 16;
	persist_init(&p);
	assert_int_equal(persist_insert(&p, &a), 0);
	assert_int_equal(persist_insert(&p, &c), 0);
	assert_int_equal(persist_insert(&p, &b), 0);
	assert_int_equal(p.n, 3);
	/* Index order: dst, mask (plen), nexthop, metric. */
	assert_int_equal(p.v[0].metric, 1);
	assert_int_equal(p.v[1].metric, 5);
	assert_int_equal(p.v[2].plen, 16);
	assert_non_null(persist_find(&p, &c));
	assert_int_equal(persist_seek(&p, &a, 1), 2);
	assert_int_equal(persist_remove(&p, &a, &old), 1);
	assert_int_equal(old.metric, 5);
	assert_int_equal(persist_remove(&p, &a, NULL), 0);
	assert_null(persist_find(&p, &a));
	persist_free(&p);
}

static char *
tmpdir(void)
{
	char tmpl[] = "/tmp/cimr-test-persist.XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *
read_file(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
rm_rf(const char *dir)
{
	char path[4096];
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) < 0)
			rmdir(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

static int
count_prefix(const char *dir, const char *prefix, char *found, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
			n++;
			snprintf(found, len, "%s/%s", dir, e->d_name);
		}
	if (d != NULL)
		closedir(d);
	return n;
}

static void
test_load_missing_is_empty(void **state)
{
	char *dir = tmpdir();
	struct persist p;

	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 0);
	assert_int_equal(p.n, 0);
	persist_free(&p);
	rm_rf(dir);
	free(dir);
}

static void
test_load_bad_lines(void **state)
{
	static const char text[] =
	    "# hand-edited\n"
	    "10.1.0.0/16 via 192.0.2.1 metric 10 created 2026-11-22T10:11:12Z\n"
	    "this is not a route\n"
	    "10.2.0.1/16 via 192.0.2.1 metric 1\n"
	    "10.1.0.0/16 via 192.0.2.1 metric 10\n"
	    "\n"
	    "10.3.0.0/24 via 192.0.2.2 metric 0\n";
	char *dir = tmpdir(), path[4096], aside[4096];
	struct persist p;
	const char *now;

	snprintf(path, sizeof(path), "%s/" PERSIST_FILE, dir);
	write_file(path, text);
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 3); /* garbage, host bits, duplicate */
	assert_int_equal(p.n, 2);
	assert_int_equal(p.v[0].dst, IP(10, 1, 0, 0));
	assert_int_equal(p.v[1].dst, IP(10, 3, 0, 0));
	/* The original is kept aside, unchanged; the file now holds the good lines. */
	assert_int_equal(count_prefix(dir, PERSIST_FILE ".bad-", aside, sizeof(aside)), 1);
	assert_string_equal(read_file(aside), text);
	now = read_file(path);
	assert_non_null(strstr(now,
	    "\n10.1.0.0/16 via 192.0.2.1 metric 10 created 2026-11-22T10:11:12Z\n"
	    "10.3.0.0/24 via 192.0.2.2 metric 0\n"));
	assert_null(strstr(now, "not a route"));
	persist_free(&p);
	/* Loading the rewritten file finds nothing wrong and keeps nothing aside again. */
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(count_prefix(dir, PERSIST_FILE ".bad-", aside, sizeof(aside)), 1);
	persist_free(&p);
	/* A second bad file within the same second is kept too, not written over the first. */
	write_file(path, "more garbage\n");
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 1);
	assert_int_equal(p.n, 0);
	assert_int_equal(count_prefix(dir, PERSIST_FILE ".bad-", aside, sizeof(aside)), 2);
	persist_free(&p);
	rm_rf(dir);
	free(dir);
}

/*
 * 200,001 route lines, newest first, one repeating an earlier one: the
 * first PERSIST_ROWS_MAX route lines load (sorted once, not inserted one by
 * one: this took 183 s), the duplicate and the lines beyond are bad lines.
 */
static void
test_load_rows_max(void **state)
{
	const unsigned lines = 200000;
	char *dir = tmpdir(), path[4096], aside[4096];
	struct timespec t0, t1;
	struct persist p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/" PERSIST_FILE, dir);
	assert_non_null(f = fopen(path, "w"));
	for (unsigned k = 0; k < lines; k++) {
		uint32_t d = IP(10, 0, 0, 0) + (lines - 1 - k) * 8;

		fprintf(f, "%u.%u.%u.%u/29 via 192.0.2.1 metric 1\n", d >> 24, (d >> 16) & 255,
		    (d >> 8) & 255, d & 255);
		if (k == 1) /* a repeat of the first line */
			fprintf(f, "%u.%u.%u.%u/29 via 192.0.2.1 metric 1\n", 10,
			    ((lines - 1) * 8 >> 16) & 255, ((lines - 1) * 8 >> 8) & 255,
			    (lines - 1) * 8 & 255);
	}
	fclose(f);
	persist_init(&p);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(persist_load(&p, dir), 1 + (lines + 1 - PERSIST_ROWS_MAX));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 20);
	assert_int_equal(p.n, PERSIST_ROWS_MAX - 1);
	for (size_t i = 1; i < p.n; i++)
		assert_true(proute_cmp(&p.v[i - 1], &p.v[i]) < 0);
	assert_int_equal(p.v[p.n - 1].dst, IP(10, 0, 0, 0) + (lines - 1) * 8);
	assert_int_equal(count_prefix(dir, PERSIST_FILE ".bad-", aside, sizeof(aside)), 1);
	persist_free(&p);
	/* The rewritten file loads whole. */
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 0);
	assert_int_equal(p.n, PERSIST_ROWS_MAX - 1);
	persist_free(&p);
	rm_rf(dir);
	free(dir);
}

static void
test_save_atomic(void **state)
{
	char *dir = tmpdir(), path[2048], tmp[4096], err[256], found[4096];
	struct persist p;
	struct proute a = { .dst = IP(10, 1, 0, 0),
		.plen = 16,
		.nexthop = IP(192, 0, 2, 1),
		.metric = 3,
		.created = 1795342272 };
	struct proute v = { .dst = IP(10, 9, 0, 0),
		.plen = 16,
		.nexthop = IP(192, 0, 2, 1),
		.is_volatile = 1 };

	snprintf(path, sizeof(path), "%s/" PERSIST_FILE, dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 0);
	assert_int_equal(persist_insert(&p, &a), 0);
	assert_int_equal(persist_insert(&p, &v), 0);
	assert_int_equal(persist_save(&p, err, sizeof(err)), 0);
	assert_non_null(strstr(read_file(path), "\n10.1.0.0/16 via 192.0.2.1 metric 3 created "));
	assert_null(strstr(read_file(path), "10.9.0.0")); /* volatile: not written */
	assert_int_equal(access(tmp, F_OK), -1);
	/* A failed save leaves the file as it was and no temporary behind. */
	assert_int_equal(mkdir(tmp, 0700), 0);
	assert_int_equal(persist_remove(&p, &a, NULL), 1);
	assert_int_equal(persist_save(&p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Is a directory"));
	assert_non_null(strstr(read_file(path), "10.1.0.0/16"));
	assert_int_equal(rmdir(tmp), 0);
	/* A temporary file left by a crash is removed at load and never read. */
	write_file(tmp, "10.7.0.0/16 via 192.0.2.1 metric 1\n");
	persist_free(&p);
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(count_prefix(dir, PERSIST_FILE ".tmp", found, sizeof(found)), 0);
	persist_free(&p);
	rm_rf(dir);
	free(dir);
}

/* A NUL byte makes its line bad, and never swallows the next one (issue 9, item 9). */
static void
test_load_nul_byte(void **state)
{
	static const char text[] = "10.1.0.0/16 via 192.0.2.1 metric 1\n"
				   "10.2.0.0/16 via\0 192.0.2.1 metric 2\n"
				   "10.3.0.0/16 via 192.0.2.1 metric 3\n";
	char *dir = tmpdir(), path[4096], aside[4096];
	struct persist p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/" PERSIST_FILE, dir);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
	fclose(f);
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 1);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.v[0].dst, IP(10, 1, 0, 0));
	assert_int_equal(p.v[1].dst, IP(10, 3, 0, 0));
	assert_int_equal(count_prefix(dir, PERSIST_FILE ".bad-", aside, sizeof(aside)), 1);
	persist_free(&p);
	rm_rf(dir);
	free(dir);
}

/* A file elsewhere, 0600, that a planted link points at. */
static char *
target_file(const char *text)
{
	char tmpl[] = "/tmp/cimr-test-target.XXXXXX";
	int fd = mkstemp(tmpl);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, 0600), 0);
	close(fd);
	return strdup(tmpl);
}

/*
 * Symbolic links in the state directory are never followed: planted as
 * the temporary file or as the file itself, the target is left alone by a
 * save, and refused at load; the files are 0600; a state directory that
 * is a link or writable by others is refused (issue 9, item 2).
 */
static void
test_state_links(void **state)
{
	static const char secret[] = "root:$6$secret-hash:19000:0:99999:7:::\n";
	char *dir = tmpdir(), *target = target_file(secret), path[4096], tmp[4200], link[4200];
	char err[256];
	struct persist p;
	struct proute a = { .dst = IP(10, 1, 0, 0),
		.plen = 16,
		.nexthop = IP(192, 0, 2, 1),
		.metric = 3 };
	struct stat st;

	snprintf(path, sizeof(path), "%s/" PERSIST_FILE, dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 0);
	assert_int_equal(symlink(target, tmp), 0);
	assert_int_equal(persist_insert(&p, &a), 0);
	assert_int_equal(persist_save(&p, err, sizeof(err)), 0);
	assert_string_equal(read_file(target), secret);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(access(tmp, F_OK), -1);
	/* Planted as the file itself: the save replaces the link, not its target. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(persist_save(&p, err, sizeof(err)), 0);
	assert_string_equal(read_file(target), secret);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	persist_free(&p);
	/* At load: refused, nothing read. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink(target, path), 0);
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), -1);
	assert_int_equal(p.n, 0);
	persist_free(&p);
	/* Nor a FIFO (which would hang a plain open). */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), -1);
	persist_free(&p);
	assert_int_equal(unlink(path), 0);
	if (geteuid() == 0) {
		/* Another user's file, another user's directory. */
		write_file(path, "10.1.0.0/16 via 192.0.2.1 metric 3\n");
		assert_int_equal(chown(path, 65534, 65534), 0);
		persist_init(&p);
		assert_int_equal(persist_load(&p, dir), -1);
		persist_free(&p);
		assert_int_equal(unlink(path), 0);
		assert_int_equal(chown(dir, 65534, 65534), 0);
		persist_init(&p);
		assert_int_equal(persist_load(&p, dir), -1);
		persist_free(&p);
		assert_int_equal(chown(dir, 0, 0), 0);
	}
	/* The directory: writable by the group, or a link to a good one. */
	assert_int_equal(chmod(dir, 0770), 0);
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), -1);
	persist_free(&p);
	assert_int_equal(chmod(dir, 0700), 0);
	snprintf(link, sizeof(link), "%s.link", dir);
	assert_int_equal(symlink(dir, link), 0);
	persist_init(&p);
	assert_int_equal(persist_load(&p, link), -1);
	persist_free(&p);
	unlink(link);
	assert_string_equal(read_file(target), secret);
	unlink(target);
	free(target);
	rm_rf(dir);
	free(dir);
}

/*
 * A directory fsync that fails after the rename: the save fails and the
 * old file is back in place, byte for byte (issue 9, item 9).
 */
static void
test_save_dirsync_fails(void **state)
{
	char *dir = tmpdir(), path[2048], before[8192], err[256], found[4096];
	struct persist p;
	struct proute a = { .dst = IP(10, 1, 0, 0),
		.plen = 16,
		.nexthop = IP(192, 0, 2, 1),
		.metric = 3 },
		      b = a;

	b.dst = IP(10, 2, 0, 0);
	snprintf(path, sizeof(path), "%s/" PERSIST_FILE, dir);
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 0);
	/* No file yet: a failure leaves none. */
	assert_int_equal(persist_insert(&p, &a), 0);
	statefile_fail_dirsync = 1;
	assert_int_equal(persist_save(&p, err, sizeof(err)), -1);
	statefile_fail_dirsync = 0;
	assert_non_null(strstr(err, "cannot sync directory"));
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(persist_save(&p, err, sizeof(err)), 0);
	snprintf(before, sizeof(before), "%s", read_file(path));
	assert_int_equal(persist_insert(&p, &b), 0);
	statefile_fail_dirsync = 1;
	assert_int_equal(persist_save(&p, err, sizeof(err)), -1);
	statefile_fail_dirsync = 0;
	assert_non_null(strstr(err, "left as it was"));
	assert_string_equal(read_file(path), before);
	assert_int_equal(count_prefix(dir, PERSIST_FILE ".", found, sizeof(found)), 0);
	persist_free(&p);
	/* The second name of the old file, left by a crash mid-write, is removed at load. */
	snprintf(found, sizeof(found), "%s.old", path);
	write_file(found, before);
	persist_init(&p);
	assert_int_equal(persist_load(&p, dir), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(count_prefix(dir, PERSIST_FILE ".", found, sizeof(found)), 0);
	persist_free(&p);
	rm_rf(dir);
	free(dir);
}

static void
test_masks(void **state)
{
	assert_int_equal(addr4_plen(0), 0);
	assert_int_equal(addr4_plen(0xffffffffu), 32);
	assert_int_equal(addr4_plen(0xffff0000u), 16);
	assert_int_equal(addr4_plen(0x80000000u), 1);
	assert_int_equal(addr4_plen(0xff00ff00u), -1);
	assert_int_equal(addr4_plen(0x00ffffffu), -1);
	assert_int_equal(addr4_plen(0xfffffffeu), 31);
	assert_int_equal(addr4_plen(0x7fffffffu), -1);
}

static void
test_writable_protocols(void **state)
{
	uint8_t w[256];
	char err[256];

	memset(w, 7, sizeof(w));
	assert_int_equal(writer_parse_protocols(w, "static boot, cimrouted 42", err, sizeof(err)),
	    0);
	for (int i = 0; i < 256; i++)
		assert_int_equal(w[i], i == 3 || i == 4 || i == 42 || i == 252);
	assert_int_equal(writer_parse_protocols(w, "none", err, sizeof(err)), 0);
	for (int i = 0; i < 256; i++)
		assert_int_equal(w[i], 0);
	w[4] = 1;
	assert_int_equal(writer_parse_protocols(w, "static bogus", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'bogus'"));
	assert_int_equal(writer_parse_protocols(w, "256", err, sizeof(err)), -1);
	assert_int_equal(writer_parse_protocols(w, "", err, sizeof(err)), -1);
	assert_int_equal(w[4], 1); /* unchanged after an error */
}

/*
 * routeTables without main: the served mirror has table 100 only, the
 * persisted routes follow a private mirror of main (writer_use_mirror()).
 */
static void
test_private_mirror(void **state)
{
	static const struct mirror_config served = { .tables = { 100 }, .ntables = 1 };
	static const struct mirror_config mainonly = { .tables = { PERSIST_TABLE }, .ntables = 1 };
	struct proute pr = { .dst = 0x0a3c0000, .plen = 16, .nexthop = 0xc0000201, .metric = 9 };
	struct mirror *m, *pm;
	struct writer *w;
	struct route live, other;
	char err[256];

	assert_non_null(m = mirror_new(&served));
	assert_non_null(pm = mirror_new(&mainonly));
	assert_non_null(w = writer_new(m, NULL, NULL, NULL, NULL, NULL, NULL, err, sizeof(err)));
	assert_ptr_equal(w->pm, m); /* one mirror unless told otherwise */
	assert_int_equal(persist_insert(&w->persist, &pr), 0);
	persist_route(&pr, &live);
	live.ifindex = 2;
	live.flags = ROUTE_F_GATEWAY;
	other = live;
	other.table = 100;
	assert_int_equal(mirror_inject(m, &other, 1), 0);
	assert_int_equal(mirror_inject(pm, &live, 1), 0);
	writer_use_mirror(w, pm);
	/* What writer_start() does once it has joined the loop: which rows are active. */
	persist_refresh(&w->persist, w->pm);
	assert_int_equal(w->persist.nactive, 1);
	assert_non_null(persist_live(&w->persist.v[0], w->pm));
	assert_null(persist_live(&w->persist.v[0], m));
	/* The route goes from the private mirror: the row is no longer active. */
	assert_int_equal(mirror_inject(pm, NULL, 0), 0);
	writer_route_changed(w, &live, NULL);
	assert_int_equal(w->persist.nactive, 0);
	writer_free(w);
	mirror_free(pm);
	mirror_free(m);
}

/*
 * Each change of a row's Status (Starting, Error, OK) is a change of the table: the
 * time cimIP4PersistedRouteLastChange gives moves; another failure, same status, not.
 */
static void
test_status_last_change(void **state)
{
	static const struct mirror_config cfg = { .tables = { PERSIST_TABLE }, .ntables = 1 };
	struct proute pr = { .dst = 0x0a3c0000, .plen = 16, .nexthop = 0xc0000201, .metric = 9 };
	struct persist p;
	struct mirror *m;
	struct route live;

	assert_non_null(m = mirror_new(&cfg));
	persist_init(&p);
	assert_int_equal(persist_insert(&p, &pr), 0);
	assert_string_equal(persist_status(&p.v[0]), "Starting");
	/* Starting -> Error: no interface mirror here, so it cannot be installed */
	p.last_change = (struct timespec){ 0 };
	assert_int_equal(persist_apply(&p, m, NULL), 1);
	assert_string_equal(persist_status(&p.v[0]), "Error");
	assert_true(p.last_change.tv_sec != 0);
	p.last_change = (struct timespec){ 0 };
	assert_int_equal(persist_apply(&p, m, NULL), 1);
	assert_int_equal(p.last_change.tv_sec, 0);
	/* Error -> OK: the route appears in the kernel */
	persist_route(&pr, &live);
	live.ifindex = 2;
	live.flags = ROUTE_F_GATEWAY;
	assert_int_equal(mirror_inject(m, &live, 1), 0);
	assert_int_equal(persist_refresh(&p, m), 1);
	assert_string_equal(persist_status(&p.v[0]), "OK");
	assert_true(p.last_change.tv_sec != 0);
	/* OK -> Starting: it is gone */
	p.last_change = (struct timespec){ 0 };
	assert_int_equal(mirror_inject(m, NULL, 0), 0);
	assert_int_equal(persist_refresh(&p, m), 1);
	assert_string_equal(persist_status(&p.v[0]), "Starting");
	assert_true(p.last_change.tv_sec != 0);
	persist_free(&p);
	mirror_free(m);
}

/* The writer's arm: the delay it asked for last (0: none). */
static void
record_arm(unsigned ms, void *arg)
{
	*(unsigned *)arg = ms;
}

/*
 * A row without its route because another route holds its destination and
 * metric (replaced by hand: EEXIST): when that route goes, the writer asks
 * for an apply within the settle delay, not the 30 s retry.  The deleted
 * route is no row's, so only "a row is missing" can tell it.
 */
static void
test_blocker_gone_applies_soon(void **state)
{
	static const struct mirror_config cfg = { .tables = { PERSIST_TABLE }, .ntables = 1 };
	struct proute pr = { .dst = 0x0a3c0000, .plen = 16, .nexthop = 0xc0000201, .metric = 9 };
	struct mirror *m;
	struct writer *w;
	struct route blocker;
	unsigned armed = 0;
	char err[256];

	assert_non_null(m = mirror_new(&cfg));
	assert_non_null(
	    w = writer_new(m, NULL, NULL, NULL, NULL, record_arm, &armed, err, sizeof(err)));
	assert_int_equal(persist_insert(&w->persist, &pr), 0);
	persist_route(&pr, &blocker);
	blocker.nexthop = 0xc0000209; /* the same destination and metric, another gateway */
	blocker.ifindex = 2;
	blocker.flags = ROUTE_F_GATEWAY;
	blocker.proto = 4;
	assert_int_equal(mirror_inject(m, &blocker, 1), 0);
	persist_refresh(&w->persist, w->pm);
	assert_int_equal(w->persist.nactive, 0);
	assert_null(persist_owner(&w->persist, &blocker));
	assert_int_equal(mirror_inject(m, NULL, 0), 0);
	writer_route_changed(w, &blocker, NULL);
	assert_int_not_equal(armed, 0);
	assert_true(armed <= 200);
	/* With every row active, a route that goes asks for nothing. */
	armed = 0;
	w->persist.v[0].active = 1;
	w->persist.nactive = 1;
	writer_route_changed(w, &blocker, NULL);
	assert_int_equal(armed, 0);
	writer_free(w);
	mirror_free(m);
}

/* ---- IPv6 lines (persisted-routes6) ------------------------------------------ */

static void
test6_parse_good(void **state)
{
	struct proute r;
	char err[128], d[ADDR6_STRLEN], h[ADDR6_STRLEN];

	assert_int_equal(persist_parse(&persist6, "2001:db8:10::/48 via 2001:db8:1::1 metric 10",
			     &r, err, sizeof(err)),
	    1);
	assert_string_equal(addr6_ntop((const void *)r.dst6, d, sizeof(d)), "2001:db8:10::");
	assert_string_equal(addr6_ntop((const void *)r.nexthop6, h, sizeof(h)), "2001:db8:1::1");
	assert_int_equal(r.plen, 48);
	assert_int_equal(r.metric, 10);
	assert_string_equal(r.ifname, "");
	assert_int_equal(r.created, 0);
	assert_int_equal(persist_parse(&persist6,
			     " ::/0\tvia fe80::1 dev eth0.100 metric 4294967295 "
			     "created 2026-11-22T10:11:12Z",
			     &r, err, sizeof(err)),
	    1);
	assert_int_equal(r.plen, 0);
	assert_string_equal(r.ifname, "eth0.100");
	assert_int_equal(r.metric, 4294967295u);
	assert_int_equal(r.created, 1795342272);
	/* On link: next hop :: with its interface. */
	assert_int_equal(persist_parse(&persist6, "2001:db8:2::/64 via :: dev va metric 1", &r, err,
			     sizeof(err)),
	    1);
	assert_int_equal(persist_parse(&persist6, "# a comment", &r, err, sizeof(err)), 0);
	assert_int_equal(persist_parse(&persist6, "", &r, err, sizeof(err)), 0);
}

static void
test6_parse_bad(void **state)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "garbage", "DESTINATION/LEN" },
		{ "2001:db8::/129 via 2001:db8::1 metric 1", "prefix length" },
		{ "2001:db8::1/64 via 2001:db8::1 metric 1", "host bits" },
		{ "10.0.0.0/8 via 2001:db8::1 metric 1", "IPv6 address" },
		{ "2001:db8::/32 via 10.0.0.1 metric 1", "next hop" },
		{ "2001:db8::/32 dev eth0 metric 1", "'via'" },
		{ "2001:db8::/32 via fe80::1 metric 1", "link-local next hop needs an interface" },
		{ "2001:db8::/32 via :: metric 1", "needs an interface" },
		{ "ff02::/16 via 2001:db8::1 metric 1", "multicast destination" },
		{ "2001:db8::/32 via ff02::1 dev eth0 metric 1", "multicast next hop" },
		{ "2001:db8::/32 via fe80::1 dev metric 1", "'metric' after the next hop" },
		{ "2001:db8::/32 via fe80::1 dev a/b metric 1", "interface name" },
		{ "2001:db8::/32 via fe80::1 dev abcdefghijklmnop metric 1", "interface name" },
		{ "2001:db8::/32 via fe80::1 dev .. metric 1", "valid interface name" },
		{ "2001:db8::/32 via fe80::1 dev . metric 1", "valid interface name" },
		{ "2001:db8::/32 via fe80::1 dev e:0 metric 1", "valid interface name" },
		{ "2001:db8::/32 via fe80::1 dev e\x1b[2J metric 1", "valid interface name" },
		{ "2001:db8::/32 via fe80::1 dev e\v0 metric 1", "valid interface name" },
		{ "2001:db8::/32 via fe80::1 dev caf\xc3\xa9 metric 1", "valid interface name" },
		{ "2001:db8::/32 via 2001:db8::1 metric 0", "metric (1-4294967295)" },
		{ "2001:db8::/32 via 2001:db8::1 metric 4294967296", "metric" },
		{ "2001:db8::/32 via 2001:db8::1", "'metric'" },
		{ "2001:db8::/32 via 2001:db8::1 metric 1 created", "after the metric" },
		{ "2001:db8::/32 via 2001:db8::1 metric 1 created yesterday", "time" },
		{ "2001:db8::/32 via fe80::1 dev e0 metric 1 created 2026-11-22T10:11:12Z x y",
		    "after the route" },
	};
	struct proute r;
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (persist_parse(&persist6, bad[i].line, &r, err, sizeof(err)) != -1 ||
		    strstr(err, bad[i].why) == NULL)
			fail_msg("'%s': got '%s', expected a reason with '%s'", bad[i].line, err,
			    bad[i].why);
		/* The reason is logged: it never repeats a name that is not valid. */
		for (const char *c = err; *c != '\0'; c++)
			if (*c < 0x20 || *c > 0x7e)
				fail_msg("'%s': the reason '%s' holds byte %#x", bad[i].line, err,
				    (unsigned char)*c);
	}
	/* An IPv6 line is no IPv4 line, and the other way round. */
	assert_int_equal(persist_parse_line("2001:db8::/32 via 2001:db8::1 metric 1", &r, err,
			     sizeof(err)),
	    -1);
	assert_int_equal(persist_parse(&persist6, "10.1.0.0/16 via 192.0.2.1 metric 10", &r, err,
			     sizeof(err)),
	    -1);
}

static void
test6_format_round_trip(void **state)
{
	static const char *const lines[] = {
		"2001:db8:10::/48 via fe80::1 dev va metric 5 created 2026-11-22T10:11:12Z",
		"::/0 via 2001:db8:1::1 metric 1024",
	};
	struct proute r, back;
	char line[256], err[128];

	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(persist_parse(&persist6, lines[i], &r, err, sizeof(err)), 1);
		persist_format_line(&persist6, &r, line, sizeof(line));
		assert_string_equal(line, lines[i]);
		assert_int_equal(persist_parse(&persist6, line, &back, err, sizeof(err)), 1);
		assert_int_equal(persist6.cmp(&r, &back), 0);
	}
}

/* The set's order is cimIP6PersistedRouteTable's OID order: the name's length before its octets. */
static void
test6_sorted_set(void **state)
{
	static const char *const lines[] = {
		"2001:db8::/32 via fe80::1 dev b metric 1",
		"2001:db8::/32 via fe80::1 dev aa metric 1",
		"2001:db8::/32 via fe80::1 dev a metric 2",
		"2001:db8::/32 via fe80::1 dev a metric 1",
		"2001:db8::/31 via fe80::1 dev zz metric 1",
	};
	static const char *const order[] = { "zz", "a", "a", "b", "aa" };
	struct persist p;
	struct proute r;
	char err[128];

	persist_init_family(&p, &persist6);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(persist_parse(&persist6, lines[i], &r, err, sizeof(err)), 1);
		assert_int_equal(persist_insert(&p, &r), 0);
	}
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(p.v[i].ifname, order[i]);
	assert_int_equal(p.v[1].metric, 1);
	assert_int_equal(p.v[2].metric, 2);
	assert_non_null(persist_find(&p, &r));
	assert_int_equal(persist_remove(&p, &r, NULL), 1);
	assert_null(persist_find(&p, &r));
	persist_free(&p);
}

/* Two files side by side: each family reads its own; a bad IPv6 line touches only its file. */
static void
test6_load_beside_ipv4(void **state)
{
	static const char v4[] =
	    "10.1.0.0/16 via 192.0.2.1 metric 10 created 2026-11-22T10:11:12Z\n";
	static const char v6[] = "# hand-edited\n"
				 "2001:db8:10::/48 via fe80::1 dev va metric 5\n"
				 "2001:db8:11::/48 via fe80::1 metric 5\n"
				 "2001:db8:12::/48 via 2001:db8:1::1 metric 7 created "
				 "2026-11-22T10:11:12Z\n";
	char *dir = tmpdir(), p4[4096], p6[4096], aside[4096], err[256];
	struct persist p, q;
	struct proute r;
	const char *now;

	snprintf(p4, sizeof(p4), "%s/" PERSIST_FILE, dir);
	snprintf(p6, sizeof(p6), "%s/" PERSIST6_FILE, dir);
	write_file(p4, v4);
	write_file(p6, v6);
	persist_init(&p);
	persist_init_family(&q, &persist6);
	assert_int_equal(persist_load(&p, dir), 0);
	assert_int_equal(persist_load(&q, dir), 1); /* the link-local next hop without interface */
	assert_int_equal(p.n, 1);
	assert_int_equal(q.n, 2);
	assert_string_equal(q.v[0].ifname, "va");
	assert_int_equal(q.v[1].metric, 7);
	/* The IPv6 file is kept aside and rewritten; the IPv4 one is untouched. */
	assert_int_equal(count_prefix(dir, PERSIST6_FILE ".bad-", aside, sizeof(aside)), 1);
	assert_int_equal(count_prefix(dir, PERSIST_FILE ".bad-", aside, sizeof(aside)), 0);
	assert_string_equal(read_file(p4), v4);
	now = read_file(p6);
	assert_non_null(strstr(now, "cimIP6PersistedRouteTable"));
	assert_non_null(strstr(now,
	    "\n2001:db8:10::/48 via fe80::1 dev va metric 5\n"
	    "2001:db8:12::/48 via 2001:db8:1::1 metric 7 created "
	    "2026-11-22T10:11:12Z\n"));
	/* A volatile row is not written; a save writes the family's own file only. */
	assert_int_equal(persist_parse(&persist6, "2001:db8:13::/48 via :: dev va metric 1", &r,
			     err, sizeof(err)),
	    1);
	r.is_volatile = 1;
	assert_int_equal(persist_insert(&q, &r), 0);
	assert_int_equal(persist_save(&q, err, sizeof(err)), 0);
	assert_null(strstr(read_file(p6), "2001:db8:13::"));
	assert_string_equal(read_file(p4), v4);
	persist_free(&p);
	persist_free(&q);
	/* Without an IPv6 file, the IPv6 set is empty and nothing is written. */
	unlink(p6);
	persist_init_family(&q, &persist6);
	assert_int_equal(persist_load(&q, dir), 0);
	assert_int_equal(q.n, 0);
	assert_int_equal(access(p6, F_OK), -1);
	persist_free(&q);
	rm_rf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_sorted_set),
		cmocka_unit_test(test_load_missing_is_empty),
		cmocka_unit_test(test_load_bad_lines),
		cmocka_unit_test(test_load_rows_max),
		cmocka_unit_test(test_save_atomic),
		cmocka_unit_test(test_load_nul_byte),
		cmocka_unit_test(test_state_links),
		cmocka_unit_test(test_save_dirsync_fails),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_writable_protocols),
		cmocka_unit_test(test_private_mirror),
		cmocka_unit_test(test_status_last_change),
		cmocka_unit_test(test_blocker_gone_applies_soon),
		cmocka_unit_test(test6_parse_good),
		cmocka_unit_test(test6_parse_bad),
		cmocka_unit_test(test6_format_round_trip),
		cmocka_unit_test(test6_sorted_set),
		cmocka_unit_test(test6_load_beside_ipv4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
