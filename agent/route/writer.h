/*
 * The write side shared by the SET operations, the route tables and the
 * daemon: the kernel mirror, the persisted routes, the netlink request
 * socket, the rows created with createAndWait that are not in the kernel
 * yet, and which routes SNMP may change.  One context, made by
 * writer_new() and handed to whoever needs it (the tables' handler
 * context, the alarms' client argument): no global.
 */
#ifndef CIMR_WRITER_H
#define CIMR_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "iface/ifmirror.h"
#include "route/nlreq.h"
#include "route/persist.h"
#include "route/route.h"
#include "route/route6.h"
#include "route/rt4.h"
#include "snmp/loop.h"

struct ifset;
struct mirror;
struct nlreq;
struct rt_ops;

/* StorageType values of cimIP4PersistedRouteStorageType. */
#define ST_VOLATILE    2
#define ST_NONVOLATILE 3

#define PENDING_MAX      1024 /* createAndWait rows at most */
#define PENDING_LIFETIME 300  /* seconds a createAndWait row waits for active (RFC 2579) */

/*
 * One family's createAndWait rows: a sorted array of the family's entries
 * (ops: size, flags, order and OID codec from its store), one row an
 * index, at most PENDING_MAX; an entry's first_seen is when it was made.
 * The route table's rows are the mirror's and these n (a route in the
 * kernel at a row's index takes its place: writer.c's pending_superseded()).
 */
struct pending {
	const struct rt_ops *ops;
	void (*prefix)(const void *e, char *buf, size_t len); /* for the log line of an expiry */
	void *v;
	size_t n, cap;
	struct timespec last_change; /* a row added, replaced or removed (CLOCK_REALTIME) */
};

/* The first row > (strict) or >= sub in OID order, as an index; n if none. */
size_t pending_seek_oid(const struct pending *, const unsigned long *sub, size_t len, int strict);
/* The i-th row, NULL past the last. */
const void *pending_at(const struct pending *, size_t i);
void *pending_find(const struct pending *, const void *key);
/* An index already pending is replaced.  0, or -1 (PENDING_MAX rows, or no memory). */
int pending_add(struct pending *, const void *e);
/* 1 removed (copied to old if not NULL), 0 absent. */
int pending_remove(struct pending *, const void *key, void *old);
/* Forget the rows made PENDING_LIFETIME seconds before now or earlier. */
void pending_expire(struct pending *, uint32_t now);

#define WRITER_PROTECTED_MAX 64 /* interfaces in protectedInterfaces */

/* What the configuration sets before the writer exists (conf.c fills it). */
struct writer_config {
	/* Routes with these rtm_protocol values may be changed and deleted through SNMP. */
	uint8_t writable_proto[256];
	/*
	 * protectedInterfaces: interfaces that no SNMP write may change (their
	 * adapter rows, addresses and routes), by name.
	 */
	char protected_if[WRITER_PROTECTED_MAX][IFNAMSIZ];
	unsigned nprotected;
	/* Reads the kernel's events after our own requests (NULL: mirror_read_events; tests). */
	void (*read_events)(struct mirror *);
};

/* The default writable protocols: boot (ip route's default), static and cimrouted's own. */
void writer_config_default(struct writer_config *);
/* The directive writableProtocols, filling cfg (route/directives.c); 0, or -1. */
int writer_conf_register(struct writer_config *cfg);
/*
 * The interface names of protectedInterfaces (at most WRITER_PROTECTED_MAX,
 * each a valid interface name) into cfg; 0, or -1 with err and cfg untouched.
 */
int writer_parse_protected(struct writer_config *cfg, const char *value, char *err, size_t errlen);
/* Is the interface named name protected from SNMP writes (protectedInterfaces)? */
int writer_protected(const struct writer_config *cfg, const char *name);
/* Which routes SNMP may change: protocol names or numbers, or none; 0, or -1 with err. */
int writer_parse_protocols(uint8_t out[256], const char *value, char *err, size_t errlen);

struct writer {
	struct mirror *m;  /* the mirror served as cimIP4RouteTable (routeTables) */
	struct mirror *m6; /* ... as cimIP6RouteTable (NULL: none; writer_use_mirror6()) */
	/*
	 * The mirror the persisted routes are looked up in: one that mirrors
	 * their table (PERSIST_TABLE, main).  m itself when routeTables has
	 * main; else a private instance the daemon makes (writer_use_mirror()),
	 * so that persisted routes work whatever routeTables says.
	 */
	struct mirror *pm;
	/* ... and the IPv6 ones, in pm6: m6, or the daemon's private mirror of IPv6 main. */
	struct mirror *pm6;
	struct nlreq *q;  /* requests waited for (checks, undo, persisted routes) */
	struct nlreq *qa; /* requests answered later (a SET's ACTION) */
	struct persist persist;
	struct persist persist6; /* cimIP6PersistedRouteTable's */
	/* createAndWait rows of cimIP4RouteTable (struct route) and cimIP6RouteTable (route6). */
	struct pending pending, pending6;
	struct writer_config cfg;
	/* Asks for writer_apply() in ms milliseconds (snmp/loop.h). */
	struct loop_arm arm_apply;
	/* writer_start(): the apply timer, the expiry of pending rows, qa's answers. */
	struct loop_timer apply_timer, expire_timer;
	struct loop_fd answers;
	/* The SET in progress (mib_set.c): the persisted set changed; UNDO must save it again. */
	int set_dirty, set_resave;
	/* ... the state files its ACTION wrote (DIRTY4, DIRTY6 of mib_set.c). */
	int set_saved;
	/* ... and of those, the ones that did not exist before it: UNDO removes them. */
	int set_absent;
	/*
	 * The adapter methods' records (snmp/mib_ifset.h), where a gateway row
	 * records SetGateways(); NULL: none (ifset_new() sets it).
	 */
	struct ifset *ifs;
	/* ... its ACTION waits for the kernel: writer_apply() waits for it to end. */
	int set_acting;
	/* ... the kernel answered one of its requests: its events are to be read (mib_set.c). */
	int set_sent;
};

/*
 * A writer over mirror m, request socket q and asynchronous request socket
 * qa (NULL: q; tests with a fake kernel), its persisted routes read
 * from statedir (NULL: none; bad lines are logged and skipped), arm asking
 * for writer_apply() later.  NULL with err on failure.
 */
/*
 * A SET phase's time is up: the requests still in flight on the writer's
 * asynchronous handle fail now (every table group sharing it calls this).
 */
void writer_abandon_requests(struct writer *);

/*
 * A kernel route read back whole (every attribute, as the kernel describes
 * it: route/nlreq.h's struct nlroute), so that it can be moved to another
 * metric and put back exactly: writer_fetch_async() asks the kernel for the
 * route of kern (an entry of the family's mirror, six: IPv6) into *out, on
 * the writer's asynchronous handle; done(arg, 0 or -errno, ...) when it is
 * in.  f holds the request's key until then.
 */
struct writer_fetch {
	union {
		struct route r4;
		struct route6 r6;
	} key;
	const struct mirror *m;
};
int writer_fetch_async(struct writer *, int six, const void *kern, struct writer_fetch *f,
    struct nlroute *out, nlreq_done_fn done, void *arg, char *err, size_t errlen);

/*
 * The persisted row that keeps live, a default route of table main of the
 * family (six: IPv6) as the gateway table shows it, or NULL.
 */
const struct proute *writer_gateway_owner(const struct writer *, int six, const void *live);

struct writer *writer_new(struct mirror *m, struct nlreq *q, struct nlreq *qa,
    const struct writer_config *, const char *statedir, loop_arm_fn arm, void *arm_arg, char *err,
    size_t errlen);
void writer_free(struct writer *);
/*
 * Write IPv6 routes through cimIP6RouteTable, served from m6 (same event
 * socket as m); the persisted IPv6 routes are looked up in m6 too, unless
 * writer_use_persist_mirror6() says otherwise.
 */
void writer_use_mirror6(struct writer *, struct mirror *m6);
/* Look persisted IPv6 routes up in pm6 (a mirror of IPv6 PERSIST_TABLE).  Before writer_start(). */
void writer_use_persist_mirror6(struct writer *, struct mirror *pm6);
/* Look persisted routes up in pm (a mirror of PERSIST_TABLE) instead of m.  Before writer_start(). */
void writer_use_mirror(struct writer *, struct mirror *pm);
/*
 * In the daemon, once the mirror is loaded: the writer's timers and qa's
 * fd in the event loop (snmp/loop.h; in place of writer_new()'s arm), then
 * which persisted routes are active, and install the others.  0, or -1.
 */
int writer_start(struct writer *);
/* Out of the event loop again (shutdown). */
void writer_stop(struct writer *);

/* The createAndWait rows of both families made PENDING_LIFETIME seconds ago or more go. */
void writer_pending_expire(struct writer *, uint32_t now);

/* Which persisted routes of both families are active, from the mirrors they are looked up in. */
void writer_refresh(struct writer *);
/* Read the netlink events the kernel queued for our own requests, so a GET after the SET sees them. */
void writer_sync(struct writer *);

/* A route changed in m or pm (their change callbacks). */
void writer_route_changed(struct writer *, const struct route *old, const struct route *new);
/* An entry of family ops changed in one of the writer's mirrors (m, pm, m6, pm6). */
void writer_entry_changed(struct writer *, const struct rt_ops *ops, const void *old,
    const void *new);
/*
 * An iface_change_fn (iface_watch()): a link added, renamed or removed
 * changes which routes the persisted IPv6 rows (which name their link) have.
 */
void writer_link_changed(enum iface_change, const struct link *, const struct iface_addr *,
    void *w);
/* Install the persisted routes that are missing; schedules a retry if some still are. */
void writer_apply(struct writer *);

#endif
