/*
 * Persisted routes (Win32_IP4PersistedRouteTable): a small sorted set kept
 * in a human-readable state file, one route per line, replaced atomically
 * (temporary file, fsync, rename, fsync of the directory) on every change.
 *
 * Each persisted route is installed in the main table when cimrouted starts
 * and again whenever it has vanished and can be installed; while the kernel
 * has it, it is "active" (Win32_ActiveRoute).  Whether it has it is read
 * from a mirror of the main table, whatever routeTables serves (writer.h).
 */
#ifndef CIMR_PERSIST_H
#define CIMR_PERSIST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "route/route.h"

#define PERSIST_FILE       "persisted-routes"
#define PERSIST_TABLE      254 /* main */
#define PERSIST_METRIC_MAX 2147483647u
#define PERSIST_ERRLEN     96

struct mirror;
struct nlreq;

/* One persisted route.  The first four fields are the index, in this order. */
struct proute {
	uint32_t dst;
	uint8_t plen;
	uint32_t nexthop;
	uint32_t metric;
	time_t created;             /* wall clock, kept in the file */
	uint8_t is_volatile;        /* not written to the file */
	uint8_t active;             /* the kernel has it now */
	uint8_t tried;              /* an install was attempted at least once */
	char error[PERSIST_ERRLEN]; /* why the last install failed ("" if it did not) */
};

struct persist {
	char *path; /* the state file */
	char *dir;
	int dirfd; /* dir, opened at load: the file is opened relative to it */
	struct proute *v;
	size_t n, cap;
	size_t nactive;
	struct timespec last_change;   /* rows created or destroyed, or the load */
	struct timespec active_change; /* a row became active or inactive */
	int save_fails;                /* test hook: fail the next N saves */
};

int proute_cmp(const struct proute *, const struct proute *);

void persist_init(struct persist *);
void persist_free(struct persist *);

/*
 * Read DIR/persisted-routes (absent is empty), through statefile_open():
 * a symbolic link, a file that is not regular or not ours is refused.
 * Bad lines (a NUL byte included) are logged with the file, line and
 * reason, and skipped; if there were any, the file is kept aside as
 * persisted-routes.bad-TIMESTAMP and rewritten with the good lines.
 * Returns the number of bad lines, or -1 if the file could not be read at
 * all (errno set, the reason logged; the set is then empty).
 */
int persist_load(struct persist *, const char *dir);
/* Parse one line; 1 for a route, 0 for a blank or comment, -1 with err. */
int persist_parse_line(const char *line, struct proute *out, char *err, size_t errlen);
/* Format one route as a line (no newline). */
void persist_format(const struct proute *, char *buf, size_t len);
/* Write the non-volatile routes atomically.  0, or -1 with err. */
int persist_save(struct persist *, char *err, size_t errlen);

struct proute *persist_find(const struct persist *, const struct proute *key);
/* Position of the first row >= key (strict: > key). */
size_t persist_seek(const struct persist *, const struct proute *key, int strict);
/* Insert (sorted); 0, or -1 out of memory.  The key must be absent. */
int persist_insert(struct persist *, const struct proute *);
/* Remove the row with this key (copied to *old); 1 if removed. */
int persist_remove(struct persist *, const struct proute *key, struct proute *old);

/* The live route a persisted route produces, as the kernel would list it (ifindex 0: any). */
void persist_route(const struct proute *, struct route *out);
/* The mirror's row for this persisted route, or NULL. */
const struct route *persist_live(const struct proute *, const struct mirror *);
/* The persisted row a live route belongs to, or NULL. */
struct proute *persist_owner(const struct persist *, const struct route *);

/* Recompute every active flag from the mirror; 1 if any changed. */
int persist_refresh(struct persist *, const struct mirror *);
/* A live route changed: update the flag of the row it belongs to; 1 if it changed. */
int persist_route_changed(struct persist *, const struct mirror *, const struct route *);
/*
 * Install every row that is not active and can be installed now; records
 * the result in its status.  Returns the number of rows still not active.
 */
size_t persist_apply(struct persist *, const struct mirror *, struct nlreq *);

#endif
