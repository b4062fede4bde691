/*
 * The kernel mirror: IPv4 routes and links, fed by rtnetlink.
 *
 * Two sockets, as libnl issue 268 teaches: one subscribed to events, one for
 * dumps.  Events are applied as they arrive.  A full re-dump ("resync") is
 * diffed against the mirror when events were lost (ENOBUFS) and after every
 * event that makes the kernel drop or change routes without telling (a link
 * going down, an IPv4 address removed, a nexthop object that a mirrored
 * route uses removed or changed: field notes, section 2), plus a slow
 * periodic one as a safety net.  The mirror keeps the nexthop objects, so
 * that a route that names one alone (nexthop_compat_mode=0) shows its
 * gateway and device.  Events that arrive during a
 * resync are queued and replayed over its result, so the mirror always ends
 * at the kernel's latest state.  Work per wake-up is bounded.
 *
 * A dump runs on a thread of its own (netlink dump requests wait for the
 * kernel's RTNL lock, for a second at full-table scale, and the sort of a
 * million routes takes a few hundred milliseconds); the loop learns that it
 * has finished through mirror_dump_fd() and applies the result.
 */
#ifndef CIMR_MIRROR_H
#define CIMR_MIRROR_H

#include <net/if.h>
#include <stdint.h>
#include <time.h>

#include "route/route.h"

struct nlmsghdr;

#define MIRROR_MAX_TABLES 64

struct mirror_config {
	int all_tables;
	uint32_t tables[MIRROR_MAX_TABLES];
	unsigned ntables;
	unsigned resync_interval; /* seconds between safety-net resyncs, 0: never */
	unsigned event_buffer;    /* event socket receive buffer, bytes (0: the default) */
};

#define MIRROR_EVENT_BUFFER (64u << 20) /* bursts of 100k routes fit */

struct link {
	int32_t ifindex;
	unsigned flags; /* IFF_* */
	char name[IFNAMSIZ];
};

enum route_change {
	ROUTE_ADDED,
	ROUTE_REMOVED,
	ROUTE_CHANGED,
};

/* mirror_change_fn flags */
#define MIRROR_CHANGE_LOST 0x1 /* found by a re-dump after netlink lost events */

/*
 * Called for every change after it is applied (old is NULL when added, new
 * when removed); flags are MIRROR_CHANGE_*.
 */
typedef void (*mirror_change_fn)(enum route_change, const struct route *old,
    const struct route *new, unsigned flags, void *arg);
/* Asks the caller to call mirror_timer() in ms milliseconds (replacing any earlier request). */
typedef void (*mirror_arm_fn)(unsigned ms, void *arg);

struct mirror_stats {
	uint64_t events;         /* route messages applied */
	uint64_t changes;        /* rows added, removed or changed */
	uint64_t resyncs;        /* completed re-dumps */
	uint64_t overruns;       /* netlink receive overruns (ENOBUFS) */
	uint64_t resync_changes; /* changes found by re-dumps only: the kernel's silent ones */
};

struct mirror;

struct mirror *mirror_new(const struct mirror_config *);
void mirror_free(struct mirror *);
void mirror_set_callbacks(struct mirror *, mirror_change_fn, mirror_arm_fn, void *arg);

/* Open the sockets and load links and routes; blocks until loaded.  -1 with errno on failure. */
int mirror_open(struct mirror *);
int mirror_event_fd(const struct mirror *);
/* Readable when a dump has finished. */
int mirror_dump_fd(const struct mirror *);
/* The fds are readable: do a bounded amount of work (read events; apply a finished dump). */
void mirror_read_events(struct mirror *);
void mirror_read_dump(struct mirror *);
/* The timer requested through mirror_arm_fn fired. */
void mirror_timer(struct mirror *);
/* Request a resync now (for tests and the -D debugging interface). */
void mirror_request_resync(struct mirror *, const char *why);
int mirror_resync_running(const struct mirror *);

/* Apply one event message as if it came from the event socket (tests, replays). */
void mirror_apply(struct mirror *, struct nlmsghdr *);
/* Replace the routes with this set, as a completed first load would (tests). */
int mirror_inject(struct mirror *, struct route *v, size_t n);

const struct route_table *mirror_routes(const struct mirror *);
const struct link *mirror_link(const struct mirror *, int32_t ifindex);
const struct mirror_stats *mirror_stats(const struct mirror *);
const struct mirror_config *mirror_config(const struct mirror *);
/* Wall-clock time of the last change to the route table (or of the load). */
struct timespec mirror_last_change(const struct mirror *);
/* Seconds on the mirror's monotonic clock, and the conversion to wall-clock time. */
uint32_t mirror_now(const struct mirror *);
time_t mirror_wall(const struct mirror *, uint32_t mono);

/*
 * Parse an RTM_NEWROUTE/RTM_DELROUTE message into one entry per next hop.
 * Returns the number of entries (at most max), 0 for a message to ignore
 * (not IPv4, a cached clone, a table not mirrored), -1 if malformed or
 * larger than max.
 */
int mirror_parse_route(const struct mirror_config *, struct nlmsghdr *, struct route *out, int max);
/*
 * The same, with a route that names a nexthop object alone (RTA_NH_ID, no
 * gateway: nexthop_compat_mode=0) taking its next hops from the objects the
 * mirror knows: one entry, or one per member of a group.
 */
int mirror_parse_route_nh(const struct mirror_config *, const struct mirror *, struct nlmsghdr *,
    struct route *out, int max);
int mirror_table_selected(const struct mirror_config *, uint32_t table);

#endif
