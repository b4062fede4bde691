/*
 * The write side shared by the SET handlers and the daemon: the kernel
 * mirror, the persisted routes, the netlink request socket, the rows
 * created with createAndWait that are not in the kernel yet, and which
 * routes SNMP may change.
 */
#ifndef CIMR_WRITER_H
#define CIMR_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "route/persist.h"
#include "route/route.h"

struct mirror;
struct nlreq;

/* StorageType values of cimIP4PersistedRouteStorageType. */
#define ST_VOLATILE    2
#define ST_NONVOLATILE 3

#define PENDING_MAX      1024 /* createAndWait rows at most */
#define PENDING_LIFETIME 300  /* seconds a createAndWait row waits for active (RFC 2579) */

struct writer {
	struct mirror *m;
	struct nlreq *q;
	struct persist persist;
	/* createAndWait rows, sorted by route_cmp; first_seen is when they were made. */
	struct route *pending;
	size_t npending, pending_cap;
	/* Routes with these rtm_protocol values may be changed and deleted through SNMP. */
	uint8_t writable_proto[256];
	/* Asks the daemon to run writer_apply() in ms milliseconds. */
	void (*arm_apply)(unsigned ms);
};

extern struct writer *writer;

void writer_init(struct writer *, struct mirror *, struct nlreq *);
/* The default writable protocols: boot (ip route's default), static and cimrouted's own. */
void writer_default_protocols(struct writer *);

/* Pending rows. */
/* The first pending row > (strict) or >= sub in OID order, as an index; npending if none. */
size_t writer_pending_seek_oid(const struct writer *, const unsigned long *sub, size_t len,
    int strict);
int writer_pending_add(struct writer *, const struct route *);
int writer_pending_remove(struct writer *, const struct route *key, struct route *old);
struct route *writer_pending_find(const struct writer *, const struct route *key);
void writer_pending_expire(struct writer *, uint32_t now);

/* Read the netlink events the kernel queued for our own requests, so a GET after the SET sees them. */
void writer_sync(struct writer *);

/* A route changed in the mirror (its change callback). */
void writer_route_changed(struct writer *, const struct route *old, const struct route *new);
/* Install the persisted routes that are missing; schedules a retry if some still are. */
void writer_apply(struct writer *);

#endif
