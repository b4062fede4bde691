/*
 * Persisted routes (Win32_IP4PersistedRouteTable): a small sorted set kept
 * in a human-readable state file, one route per line, replaced atomically
 * (temporary file, fsync, rename, fsync of the directory) on every change.
 *
 * Each persisted route is installed in the main table when cimrouted starts
 * and again whenever it has vanished and can be installed; while the kernel
 * has it, it is "active" (Win32_ActiveRoute).  Whether it has it is read
 * from a mirror of the main table, whatever routeTables serves (writer.h).
 *
 * A set holds the routes of one family, and each family has a file of its
 * own: persisted-routes (IPv4, as it always was) and persisted-routes6.
 * A second file, not IPv6 lines in the first, so that an IPv4 file written
 * by any version loads unchanged and an older cimrouted, which would keep
 * aside a file with lines it cannot read, never sees an IPv6 line.  What
 * differs between the families is in struct persist_family (the line's
 * route part, the order, the live entry a row produces and how it is found
 * in the family's mirror); the set, the file, the status and the apply
 * below are the same code for both.  One entry type serves both families:
 * a set is a few dozen routes, not worth a second type and its copies.
 */
#ifndef CIMR_PERSIST_H
#define CIMR_PERSIST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <net/if.h>

#include "route/route.h"
#include "route/rtcheck.h"

#define PERSIST_FILE       "persisted-routes"
#define PERSIST6_FILE      "persisted-routes6"
#define PERSIST_TABLE      254 /* main */
#define PERSIST_METRIC_MAX 2147483647u
#define PERSIST_ERRLEN     96
/*
 * Rows of one family at most: a createAndGo beyond answers
 * resourceUnavailable; at load, route lines beyond are skipped (logged
 * once) and the file kept aside as with bad lines.
 */
#define PERSIST_ROWS_MAX 10000

struct iface;
struct mirror;
struct nlreq;
struct persist;

/*
 * One persisted route of either family.  IPv4: dst, plen, nexthop, metric,
 * the index in this order.  IPv6: dst6, plen, nexthop6, ifname, metric.
 */
struct proute {
	uint32_t dst;
	uint8_t plen;
	uint32_t nexthop;
	uint32_t metric;
	uint8_t dst6[16];
	uint8_t nexthop6[16];
	/*
	 * IPv6: the interface of the next hop, by name ("": the kernel finds it
	 * from the next hop).  A name, not an ifindex: indexes are given in
	 * the order devices register, which changes across reboots, and a
	 * link-local next hop on the wrong link is a wrong route.
	 */
	char ifname[IFNAMSIZ];
	/*
	 * The link of the row's route when last seen in the kernel (memory
	 * only, never in the file).  IPv6: when that link is renamed, the route
	 * is no longer the row's (it names the old name), but a destroy deletes
	 * it still, so that no route cimrouted installed is left to no row.
	 */
	int32_t ifindex;
	time_t created;             /* wall clock, kept in the file */
	uint8_t is_volatile;        /* not written to the file */
	uint8_t active;             /* the kernel has it now */
	uint8_t tried;              /* an install was attempted at least once */
	char error[PERSIST_ERRLEN]; /* why the last install failed ("" if it did not) */
};

/* What a set's family decides (persist.c: persist4, persist6). */
struct persist_family {
	const char *name;  /* "IPv4": for log lines */
	int family;        /* AF_INET, AF_INET6: of its entries (installed by nlreq_route()) */
	const char *file;  /* the state file's name */
	const char *table; /* the MIB table, for messages */
	const char *header;
	int max_tokens;      /* of a line */
	uint32_t metric_min; /* IPv6: 1 (the kernel stores 0 as 1024, ip6_route_info_create()) */
	uint32_t metric_max;
	int (*cmp)(const void *, const void *); /* two struct proute: the set's order */
	size_t ifindex_off;                     /* of the ifindex in the family's entry */
	/* The route part of a line's tokens: the tokens used (up to "metric"), or -1 with err. */
	int (*parse)(char **tok, int n, struct proute *, char *err, size_t errlen);
	/* The route part of a line ("DEST/LEN via NEXTHOP[ dev NAME]"), and the prefix alone. */
	void (*format)(const struct proute *, char *buf, size_t len);
	void (*prefix)(const struct proute *, char *buf, size_t len);
	/*
	 * The live entry (of the family's rt_ops) the row produces, completed
	 * for the kernel with the links and addresses of ifm (rtcheck.h).
	 */
	enum rtcheck_result (*complete)(const struct proute *, const struct iface *ifm, void *out,
	    char *msg, size_t len);
	/* The family's mirror's entry for the row, or NULL. */
	const void *(*live)(const struct proute *, const struct mirror *);
	/*
	 * The row's route on the link it was last seen on (proute.ifindex),
	 * whatever that link's name now; NULL for a family whose rows name no
	 * link.
	 */
	const void *(*left)(const struct proute *, const struct mirror *);
	/* The row (of p) a live entry of m belongs to, or NULL. */
	struct proute *(*owner)(const struct persist *, const struct mirror *, const void *);
};

extern const struct persist_family persist4, persist6;

struct persist {
	const struct persist_family *fam;
	char *path; /* the state file */
	char *dir;
	int dirfd; /* dir, opened at load: the file is opened relative to it */
	struct proute *v;
	size_t n, cap;
	size_t nactive;
	struct timespec last_change; /* rows created, destroyed or of another status, or the load */
	struct timespec active_change; /* a row became active or inactive */
	int save_fails;                /* test hook: fail the next N saves */
};

int proute_cmp(const struct proute *, const struct proute *);

/* An empty IPv4 set (persist_init()), or one of family fam. */
void persist_init(struct persist *);
void persist_init_family(struct persist *, const struct persist_family *fam);
void persist_free(struct persist *);

/*
 * Read DIR/persisted-routes (the family's file; absent is empty), through
 * statefile_open(): a symbolic link, a file that is not regular or not ours
 * is refused.  Bad lines (a NUL byte included) are logged with the file,
 * line and reason, and skipped, as are the route lines past the first
 * PERSIST_ROWS_MAX (logged once, with their count); if there were any, the file is kept aside
 * as persisted-routes.bad-TIMESTAMP and rewritten with the good lines.
 * Returns the number of bad lines, or -1 if the file could not be read at
 * all (errno set, the reason logged; the set is then empty).
 */
int persist_load(struct persist *, const char *dir);
/* Parse one line; 1 for a route, 0 for a blank or comment, -1 with err. */
int persist_parse(const struct persist_family *, const char *line, struct proute *out, char *err,
    size_t errlen);
/* Format one route as a line (no newline). */
void persist_format_line(const struct persist_family *, const struct proute *, char *buf,
    size_t len);
/* The same for IPv4 lines. */
int persist_parse_line(const char *line, struct proute *out, char *err, size_t errlen);
void persist_format(const struct proute *, char *buf, size_t len);
/* Write the non-volatile routes atomically.  0, or -1 with err. */
int persist_save(struct persist *, char *err, size_t errlen);
/* Is there a state file?  An undone SET removes the one it made (persist_unsave()). */
int persist_file_exists(const struct persist *);
/* Remove the state file, as it was before a SET that wrote the first one.  0, or -1 with err. */
int persist_unsave(struct persist *, char *err, size_t errlen);

struct proute *persist_find(const struct persist *, const struct proute *key);
/* Position of the first row >= key (strict: > key). */
size_t persist_seek(const struct persist *, const struct proute *key, int strict);
/* Insert (sorted); 0, or -1 out of memory.  The key must be absent. */
int persist_insert(struct persist *, const struct proute *);
/* Remove the row with this key (copied to *old); 1 if removed. */
int persist_remove(struct persist *, const struct proute *key, struct proute *old);

/* The live route a persisted IPv4 route produces, as the kernel would list it (ifindex 0: any). */
void persist_route(const struct proute *, struct route *out);
/* The mirror's row for this persisted IPv4 route, or NULL. */
const struct route *persist_live(const struct proute *, const struct mirror *);
/* The persisted row a live IPv4 route belongs to, or NULL. */
struct proute *persist_owner(const struct persist *, const struct route *);
/*
 * The live route a persisted IPv6 route produces (interface 0: any, or
 * the one its name has in ifm; -1 if ifm has no link of that name).
 */
int persist_route6(const struct proute *, const struct iface *ifm, struct route6 *out);
/*
 * Can this IPv6 row be a route at all: no host bits, a unicast
 * destination and next hop, a valid interface name, and an interface when
 * the next hop is link-local or :: (on link).  0, or -1 with err.
 */
int persist6_check(const struct proute *, char *err, size_t errlen);

/* The row's Status: "OK" (active), "Error" (not installed, with its reason) or "Starting". */
const char *persist_status(const struct proute *);
/* Recompute every active flag from the mirror; 1 if any changed. */
int persist_refresh(struct persist *, const struct mirror *);
/* A live entry of the set's family changed: update the flag of the row it belongs to; 1 if it changed. */
int persist_route_changed(struct persist *, const struct mirror *, const void *);
/* The family's mirror's entry for a row of the set, or NULL. */
const void *persist_live_of(const struct persist *, const struct proute *, const struct mirror *);
/*
 * The route to delete when the row is destroyed: its live entry, else the
 * one it had on the link it was last seen on, renamed since (IPv6); NULL.
 */
const void *persist_installed_of(const struct persist *, const struct proute *,
    const struct mirror *);
/* The row a live entry of the set's family belongs to, or NULL. */
struct proute *persist_owner_of(const struct persist *, const struct mirror *, const void *);
/*
 * Install every row that is not active and can be installed now; records
 * the result in its status.  Returns the number of rows still not active.
 */
size_t persist_apply(struct persist *, const struct mirror *, struct nlreq *);

#endif
