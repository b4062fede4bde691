/*
 * Link and address requests: the RTM_NEWLINK, RTM_NEWADDR and RTM_DELADDR
 * messages of the adapter methods (the SET of cimNetAdapterTable,
 * cimAdapterCfgTable and cimAdapterCfgAddressTable), built from these two
 * small descriptions.  They are sent on the same request handle as the
 * route requests (route/nlreq.h: nlreq_link_async(), nlreq_addr_async()),
 * so that one SET's kernel requests share one socket, one time budget and
 * one fake kernel in the unit tests.
 */
#ifndef CIMR_IFMSG_H
#define CIMR_IFMSG_H

#include <stddef.h>
#include <stdint.h>

struct nl_msg;

#define IFMSG_KEEP  (-1) /* ifmsg_link.up: leave IFF_UP as it is */
#define IFMSG_ALIAS 256  /* IFALIASZ, <linux/if.h> */

/* What an RTM_NEWLINK changes on a link: the rest is left as it is. */
struct ifmsg_link {
	int32_t ifindex;
	int up;                  /* IFMSG_KEEP, 0 (clear IFF_UP) or 1 (set it) */
	int set_alias;           /* send IFLA_IFALIAS ... */
	char alias[IFMSG_ALIAS]; /* ... this one; "" removes the alias */
	uint32_t mtu;            /* IFLA_MTU; 0: unchanged */
};

/* One address of a link, to add or delete. */
struct ifmsg_addr {
	int32_t ifindex;
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t plen;
	uint8_t scope; /* RT_SCOPE_* */
	uint32_t
	    flags; /* IFA_F_* to add with (IFA_FLAGS): IFA_F_PERMANENT, IFA_F_NOPREFIXROUTE... */
	uint8_t addr[16]; /* network byte order; 4 bytes for IPv4 */
	uint8_t peer[16]; /* IFA_ADDRESS of a point-to-point address; all zero: addr */
	/* Lifetimes in seconds (IFA_CACHEINFO) for an add; 0 and 0: forever. */
	uint32_t valid_lft, pref_lft;
	/*
	 * An add of an address as it was: its broadcast (else the prefix's;
	 * no_brd: none, as the address had none), label, route metric.
	 */
	uint8_t has_brd, no_brd;
	uint8_t brd[4];
	char label[16]; /* "": none (the interface's name) */
	uint32_t rt_priority;
};

/* An RTM_NEWLINK request (NLM_F_ACK) for l; NULL out of memory. */
struct nl_msg *ifmsg_link(const struct ifmsg_link *l);
/*
 * An RTM_NEWADDR (NLM_F_CREATE | NLM_F_EXCL) or RTM_DELADDR request for a;
 * an IPv4 address gets IFA_LOCAL, IFA_ADDRESS and, for a prefix shorter
 * than 31, the broadcast address of its prefix (unless no_brd).  NULL out
 * of memory.
 */
struct nl_msg *ifmsg_addr(int cmd, const struct ifmsg_addr *a);
/* The text of a ("192.0.2.1/24 on ifindex 3") for log lines. */
void ifmsg_addr_text(const struct ifmsg_addr *a, char *buf, size_t len);

#endif
