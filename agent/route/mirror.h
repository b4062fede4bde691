/*
 * The route mirror: one family's routes, fed by rtnetlink.  One engine for
 * every family (mirror.c); what is particular to a family is its operations
 * table (rt.h: rt4.c for IPv4, with rt4.h; rt6.c for IPv6).
 *
 * Events come from the shared event socket (nl/nlmon.h) and are applied as
 * they arrive.  A re-dump, a full dump diffed against the mirror, repairs
 * what events cannot tell: events lost (ENOBUFS), and the changes the kernel
 * makes to routes without a route message: a link going down or up or
 * removed, an address of the family removed (the interface mirror,
 * iface/ifmirror.h, says when), a nexthop object that a mirrored route uses
 * removed or changed (the kernel drops or rewrites those routes silently:
 * fib_sync_down_dev() and fib_disable_ip() in net/ipv4/fib_semantics.c,
 * remove_nexthop() in net/ipv4/nexthop.c; for IPv6, fib6_ifdown() and
 * rt6_remove_prefsrc() in net/ipv6/route.c, and the lifetimes of routes
 * learnt from router advertisements, rt.h); plus a slow periodic one as a
 * safety net.  The mirror keeps the nexthop objects (nhobj.h), so that a
 * route that names one alone (nexthop_compat_mode=0) shows its gateway and
 * device.  Events that arrive during a re-dump are queued and replayed over
 * its result, so the mirror always ends at the kernel's latest state.  Work
 * per wake-up is bounded.
 *
 * A dump runs on a thread of its own (nl/nldump.h); the loop learns that it
 * has finished (nldump_watch()) and applies the result.
 *
 * The states (one at a time; mirror_state()):
 *
 *   SYNCED      events applied as they come; the periodic timer is armed.
 *               A new mirror starts here, empty (tests apply and inject).
 *   REDUMP_DUE  a re-dump was asked for; the timer starts it (20 ms later, to
 *               coalesce a burst of link events; 1 s after a failed dump).
 *               Events are still applied.
 *   LOADING     the first dump runs (mirror_start()); events are queued.
 *   DUMPING     a re-dump runs on the dump thread; events are queued.
 *   DIFFING     the loop applies the re-dump's differences, a slice per timer.
 *   REPLAYING   the queued events are applied over the result.
 *
 *   SYNCED     -> REDUMP_DUE   mirror_request_redump(), or the periodic timer
 *   REDUMP_DUE -> DUMPING      the timer (the thread cannot start: stays, 1 s)
 *   (start)    -> LOADING      mirror_start()
 *   LOADING    -> REPLAYING    the dump succeeded: its result is the table
 *   LOADING    -> (failed)     the dump failed: mirror_start() fails
 *   DUMPING    -> DIFFING      the dump succeeded
 *   DUMPING    -> REDUMP_DUE   the dump failed or could not be kept whole (1 s;
 *                              the old table and the queue are kept/dropped)
 *   DIFFING    -> REPLAYING    every difference applied
 *   REPLAYING  -> SYNCED       the queue is empty
 *   REPLAYING  -> REDUMP_DUE   ... and a re-dump was asked for meanwhile
 *
 * A re-dump asked for in LOADING, DUMPING, DIFFING or REPLAYING (an event
 * that needs one, a dump flagged inconsistent, a full queue) is remembered
 * and taken when REPLAYING ends.
 */
#ifndef CIMR_MIRROR_H
#define CIMR_MIRROR_H

#include <stdint.h>
#include <time.h>

#include "iface/ifmirror.h"

struct nlmsghdr;
struct nlmon;
struct nh_vec;
struct rt_ops;

#define MIRROR_MAX_TABLES 64

struct mirror_config {
	int all_tables;
	uint32_t tables[MIRROR_MAX_TABLES];
	unsigned ntables;
	unsigned resync_interval; /* seconds between periodic re-dumps, 0: never (resyncInterval) */
	unsigned event_buffer;    /* event socket receive buffer, bytes (0: the default) */
};

/*
 * The directives routeTables, resyncInterval and netlinkEventBuffer, filling
 * cfg (route/directives.c, through snmp/conf.h); 0, or -1.
 */
int mirror_conf_register(struct mirror_config *cfg);
/* Parse "main", "local", "default", "all" or a number into cfg; 0, or -1 with err. */
int mirror_parse_tables(struct mirror_config *cfg, const char *value, char *err, size_t errlen);

#define MIRROR_EVENT_BUFFER (64u << 20) /* bursts of 100k routes fit */

enum mirror_state {
	MIRROR_SYNCED,
	MIRROR_REDUMP_DUE,
	MIRROR_LOADING,
	MIRROR_DUMPING,
	MIRROR_DIFFING,
	MIRROR_REPLAYING,
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
 * when removed); the entries are the family's (struct route, struct route6);
 * flags are MIRROR_CHANGE_*.
 */
typedef void (*mirror_change_fn)(enum route_change, const void *old, const void *new,
    unsigned flags, void *arg);

struct mirror_stats {
	uint64_t events;         /* route messages applied */
	uint64_t changes;        /* rows added, removed or changed */
	uint64_t dumps;          /* completed dumps (the load and re-dumps) */
	uint64_t overruns;       /* netlink receive overruns (ENOBUFS) */
	uint64_t redump_changes; /* changes found by re-dumps only: the kernel's silent ones */
};

struct mirror;

/* A mirror of one family's routes (rt.h: rt4_ops, rt6_ops). */
struct mirror *mirror_new_family(const struct rt_ops *, const struct mirror_config *);
void mirror_free(struct mirror *);
/* change, and arm asking for mirror_timer() (snmp/loop.h), both with arg. */
void mirror_set_callbacks(struct mirror *, mirror_change_fn, loop_arm_fn arm, void *arg);
/*
 * Take events from mon, and link names and re-dump triggers from ifm (either
 * may be NULL).  Before nlmon_open().  0 or -1.
 */
int mirror_attach(struct mirror *, struct nlmon *mon, struct iface *ifm);

/* Read the event socket now (a bounded amount; every consumer gets its messages). */
void mirror_read_events(struct mirror *);
/* The timer requested through the arm callback fired. */
void mirror_timer(struct mirror *);
/*
 * In the daemon, after mirror_set_callbacks(): open the dump socket (and
 * mon) and load the routes (blocks until loaded), with the timer in the
 * event loop (snmp/loop.h, in place of the callbacks' arm), then the dump's
 * end too; 0, or -1 with errno.
 */
int mirror_start(struct mirror *);
void mirror_stop(struct mirror *);
/* Ask for a re-dump (tests, and the events that need one). */
void mirror_request_redump(struct mirror *, const char *why);
/* Not SYNCED: a re-dump is due or under way. */
int mirror_redump_running(const struct mirror *);
enum mirror_state mirror_state(const struct mirror *);
const char *mirror_state_name(enum mirror_state);

/* Apply one route or nexthop message as if it came from the event socket (tests, replays). */
void mirror_apply(struct mirror *, struct nlmsghdr *);
/* Replace the routes with this set (entries of the family), as a completed load would (tests). */
int mirror_inject(struct mirror *, void *v, size_t n);

/*
 * Tests: a re-dump without a kernel.  begin() enters DUMPING as the timer
 * would; msg() gives one message of the dump (RTM_NEWROUTE or
 * RTM_NEWNEXTHOP), as the dump thread would; end() finishes it as the
 * thread and the loop would: failed (cut short, an error mid-dump) or intr
 * (NLM_F_DUMP_INTR seen).  Then mirror_timer() applies the slices.
 */
void mirror_fake_dump_begin(struct mirror *);
void mirror_fake_dump_msg(struct mirror *, struct nlmsghdr *);
void mirror_fake_dump_end(struct mirror *, int failed, int intr);

/* The family's store (a struct route_table for IPv4, struct route6_table for IPv6). */
const void *mirror_table(const struct mirror *);
/* A link's name and flags, from the interface mirror (NULL: unknown, or none attached). */
const struct link *mirror_link(const struct mirror *, int32_t ifindex);
/* The interface mirror attached (NULL: none). */
const struct iface *mirror_iface(const struct mirror *);
const struct mirror_stats *mirror_stats(const struct mirror *);
const struct mirror_config *mirror_config(const struct mirror *);
/* The nexthop objects that resolve RTA_NH_ID, when the mirror learns them (else NULL). */
const struct nh_vec *mirror_nh_map(const struct mirror *);
/* Wall-clock time of the last change to the route table (or of the load). */
struct timespec mirror_last_change(const struct mirror *);
/* Seconds on the mirror's monotonic clock, and the conversion to wall-clock time. */
uint32_t mirror_now(const struct mirror *);
time_t mirror_wall(const struct mirror *, uint32_t mono);

/* Is the table among those the configuration mirrors? */
int mirror_table_selected(const struct mirror_config *, uint32_t table);

#endif
