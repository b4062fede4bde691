/*
 * The interface mirror: links and their IPv4 and IPv6 addresses, fed by the
 * event socket (nlmon) and loaded, and re-loaded after lost events, by a dump
 * of its own (nldump).  Events that arrive during its dump are queued and
 * replayed over the result, as the route mirror does.
 *
 * Others learn of changes through one callback (iface_change_fn), called
 * after each change is applied: the route mirror re-dumps on those that make
 * the kernel drop or change routes without a route message (see mirror.c).
 * A change found by a re-dump after lost events is not announced: every
 * consumer of the event socket re-dumps then anyway.
 */
#ifndef CIMR_IFMIRROR_H
#define CIMR_IFMIRROR_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "snmp/loop.h"

struct nlmsghdr;
struct nlmon;

struct link {
	int32_t ifindex;
	unsigned flags; /* IFF_* */
	char name[IFNAMSIZ];
};

/* One address of a link (RTM_NEWADDR). */
struct iface_addr {
	int32_t ifindex;
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t plen;
	uint8_t scope;    /* RT_SCOPE_* */
	uint32_t flags;   /* IFA_F_* (IFA_FLAGS when the kernel sends it) */
	uint8_t addr[16]; /* IFA_LOCAL, else IFA_ADDRESS; network byte order, 4 bytes for IPv4 */
	uint8_t peer[16]; /* IFA_ADDRESS: the peer on a point-to-point link, else = addr */
};

/* Link flags whose change makes the kernel drop or flag routes without a route message. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* <linux/if.h>, which clashes with <net/if.h> */
#endif
#define IFACE_ROUTE_FLAGS (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

enum iface_change {
	IFACE_LINK_ADDED,
	IFACE_LINK_STATE,   /* a known link's IFACE_ROUTE_FLAGS changed (down or up) */
	IFACE_LINK_RENAMED, /* another change: name, other flags */
	IFACE_LINK_REMOVED,
	IFACE_ADDR_ADDED,   /* also an address changed in place (flags, scope) */
	IFACE_ADDR_REMOVED, /* also one the mirror did not know: the kernel says it is gone */
};

/*
 * After the change is applied.  l: the link (its last state when removed),
 * NULL for an address change; a: the address, NULL for a link change.
 */
typedef void (*iface_change_fn)(enum iface_change, const struct link *l, const struct iface_addr *a,
    void *arg);

/*
 * The served mirrors (IPv4, IPv6), the private ones of main (routeTables
 * without main) and the writer (writer_link_changed()): five, and room.
 */
#define IFACE_MAX_WATCHERS 8

struct iface;

struct iface *iface_new(void);
void iface_free(struct iface *);
/* Watchers of changes (up to IFACE_MAX_WATCHERS).  0 or -1. */
int iface_watch(struct iface *, iface_change_fn, void *arg);
/* arm asks for iface_timer() (snmp/loop.h): a retry after a failed dump. */
void iface_set_timer(struct iface *, loop_arm_fn arm, void *arg);
/* Subscribe to mon's links and addresses (before nlmon_open()).  0 or -1. */
int iface_attach(struct iface *, struct nlmon *mon);
/* The timer asked for through the arm callback fired. */
void iface_timer(struct iface *);
/*
 * In the daemon: open mon and the dump socket and load (blocks until
 * loaded), with the timer in the event loop (snmp/loop.h, in place of
 * iface_set_timer()), then the dump's end too; 0, or -1 with errno.
 */
int iface_start(struct iface *);
void iface_stop(struct iface *);
/* Events were lost: re-dump (also what nlmon calls on an overrun). */
void iface_request_redump(struct iface *);
int iface_redump_running(const struct iface *);

/* Apply one event message as if it came from the event socket (tests). */
void iface_apply(struct iface *, struct nlmsghdr *);

/* NULL when unknown.  Valid until the next change. */
const struct link *iface_link(const struct iface *, int32_t ifindex);
/* The link of this name, or NULL (a linear search: for the few persisted routes). */
const struct link *iface_link_named(const struct iface *, const char *name);
/* The addresses, sorted by (ifindex, family, addr, plen); *n of them.  Valid until the next change. */
const struct iface_addr *iface_addrs(const struct iface *, size_t *n);
size_t iface_nlinks(const struct iface *);

#endif
