/*
 * The interface mirror: links and their IPv4 and IPv6 addresses, fed by the
 * event socket (nlmon) and loaded, and re-loaded after lost events, by a dump
 * of its own (nldump).  Events that arrive during its dump are queued and
 * replayed over the result, as the route mirror does.
 *
 * Others learn of changes through one callback (iface_change_fn), called
 * after each change is applied: the route mirror re-dumps on those that make
 * the kernel drop or change routes without a route message (see mirror.c).
 * A change found by a re-dump after lost events is not announced one by
 * one: every consumer of the event socket re-dumps then anyway; the end of
 * such a re-dump is announced (IFACE_RELOADED) for those that keep facts of
 * their own per link (iface/ifdev).
 */
#ifndef CIMR_IFMIRROR_H
#define CIMR_IFMIRROR_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "snmp/loop.h"

struct nlmsghdr;
struct nlmon;

#define LINK_ADDR_MAX  32  /* MAX_ADDR_LEN, <linux/netdevice.h> */
#define LINK_KIND_MAX  16  /* IFLA_INFO_KIND: "veth", "bridge", "wireguard" */
#define LINK_ALIAS_MAX 256 /* IFALIASZ, <linux/if.h> */

/* RFC 8200's minimum link MTU: below it the kernel keeps no IPv6 state on a link. */
#define LINK_MTU_MIN6 1280

/*
 * One link (RTM_NEWLINK), with what the adapter tables show.  The alias is
 * kept inline (256 bytes): a link is about 400 bytes, 4 MB at 10,000 links.
 */
struct link {
	int32_t ifindex;
	unsigned flags; /* IFF_* */
	char name[IFNAMSIZ];
	uint16_t type;     /* ifi_type: ARPHRD_* */
	uint8_t operstate; /* IFLA_OPERSTATE: IF_OPER_* (RFC 2863's ifOperStatus, less one) */
	uint8_t
	    carrier;  /* IFLA_CARRIER: 1 with carrier (also when not reported and IFF_LOWER_UP) */
	uint32_t mtu; /* IFLA_MTU */
	/* IFLA_MIN_MTU, IFLA_MAX_MTU (Linux 4.18+): what the device takes; 0 if not reported */
	uint32_t min_mtu, max_mtu;
	int32_t master;  /* IFLA_MASTER: the bridge or bond it is a port of; 0 if none */
	int32_t lower;   /* stacked on: IFLA_LINK of a vlan..., IFLA_VXLAN_LINK; 0 if none */
	uint8_t addrlen; /* IFLA_ADDRESS: the hardware address; 0 bytes if none */
	uint8_t permlen; /* IFLA_PERM_ADDRESS (Linux 5.6+): the burnt-in one; 0 if none */
	uint8_t addr[LINK_ADDR_MAX];
	uint8_t perm[LINK_ADDR_MAX];
	char kind[LINK_KIND_MAX];   /* IFLA_LINKINFO/IFLA_INFO_KIND; "" for a plain device */
	char alias[LINK_ALIAS_MAX]; /* IFLA_IFALIAS; "" if none */
	/*
	 * Wall-clock times seen by the mirror, kept across changes and
	 * re-dumps; 0 when unknown: created, when a link came while we
	 * watched (present at start: 0); up, when IFF_UP was last set.
	 */
	int64_t created;
	int64_t last_up;
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
	uint8_t proto;    /* IFA_PROTO (Linux 6.3+): IFAPROT_KERNEL_LO/_RA/_LL, user's; 0 unknown */
	/* What else an address was added with, so that an undo adds it back as it was. */
	uint8_t has_brd;
	uint8_t brd[4];       /* IFA_BROADCAST (IPv4) */
	uint32_t rt_priority; /* IFA_RT_PRIORITY: the metric of its prefix route; 0 none */
	char label[16];       /* IFA_LABEL (IPv4), "" when it is the interface's name */
	/*
	 * IFA_CACHEINFO: lifetimes in seconds as the message gave them
	 * (IFA_LIFE_FOREVER: forever), counted from seen (CLOCK_MONOTONIC
	 * seconds when it was read), and the kernel's created and updated
	 * stamps (1/100 s since boot).  The kernel sends no message as a
	 * lifetime runs down: iface_addr_left() gives what is left now.
	 */
	uint32_t valid_lft, pref_lft;
	uint32_t cstamp, tstamp;
	int64_t seen;
};

#define IFA_LIFE_FOREVER 0xffffffffu /* INFINITY_LIFE_TIME, net/ipv6/addrconf.c */

/* What is left of a lifetime (valid_lft or pref_lft of a) at monotonic second now. */
uint32_t iface_addr_left(const struct iface_addr *a, uint32_t lft, int64_t now);
int64_t iface_now(void); /* CLOCK_MONOTONIC seconds, as seen */

/* Link flags whose change makes the kernel drop or flag routes without a route message. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* <linux/if.h>, which clashes with <net/if.h> */
#endif
#define IFACE_ROUTE_FLAGS (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

enum iface_change {
	IFACE_LINK_ADDED,
	IFACE_LINK_STATE,   /* a known link's IFACE_ROUTE_FLAGS changed (down or up) */
	IFACE_LINK_CHANGED, /* another change: name, other flags, MTU, address, alias, carrier... */
	IFACE_LINK_REMOVED,
	IFACE_ADDR_ADDED,   /* also an address changed in place (flags, scope) */
	IFACE_ADDR_REMOVED, /* also one the mirror did not know: the kernel says it is gone */
	IFACE_RELOADED, /* a re-dump after lost events is in (l, a NULL): look at it all again */
};

/*
 * After the change is applied.  l: the link (its last state when removed),
 * NULL for an address change; a: the address, NULL for a link change.
 */
typedef void (*iface_change_fn)(enum iface_change, const struct link *l, const struct iface_addr *a,
    void *arg);

/*
 * The served mirrors (IPv4, IPv6), the private ones of main (routeTables
 * without main), the writer (writer_link_changed()), the device facts
 * (ifdev) and the adapter tables: seven, and room.
 */
#define IFACE_MAX_WATCHERS 10

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

/* Link ifindex's alias is now alias: a request of ours that the kernel acked. */
void iface_link_alias_set(struct iface *, int32_t ifindex, const char *alias);
/*
 * The alias of the link named name as the kernel has it now (sysfs): 0, or -1.
 * An event of a link that is down whose alias differs from the mirror's asks it
 * (iface_alias_reader()), since the kernel announces no alias change there.
 */
typedef int (*iface_alias_fn)(void *arg, const char *name, char *buf, size_t len);
void iface_alias_reader(struct iface *, iface_alias_fn, void *arg);

/* NULL when unknown.  Valid until the next change. */
const struct link *iface_link(const struct iface *, int32_t ifindex);
/* The link of this name, or NULL (a linear search: for the few persisted routes). */
const struct link *iface_link_named(const struct iface *, const char *name);
/* The addresses, sorted by (ifindex, family, addr, plen); *n of them.  Valid until the next change. */
const struct iface_addr *iface_addrs(const struct iface *, size_t *n);
/*
 * Address addr (family's length) of link ifindex at prefix length plen, or
 * at any (plen < 0: the shortest); NULL if the link has no such address.
 */
const struct iface_addr *iface_addr_find(const struct iface *, int32_t ifindex, uint8_t family,
    const uint8_t *addr, int plen);
size_t iface_nlinks(const struct iface *);
/* The links, sorted by ifindex; *n of them.  Valid until the next change. */
const struct link *iface_links(const struct iface *, size_t *n);
/*
 * 1 when a (IPv4, network order) is the broadcast address of one of the
 * host's IPv4 addresses: its IFA_BROADCAST, or its prefix's all-ones host
 * part (prefixes up to /30); else 0.
 */
int iface_is_broadcast4(const struct iface *, uint32_t a);

#endif
