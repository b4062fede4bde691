/* Link and address requests: see ifmsg.h. */
#include "config.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "nl/ifmsg.h"

struct nl_msg *
ifmsg_link(const struct ifmsg_link *l)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = l->ifindex };
	struct nl_msg *msg;

	if (l->up != IFMSG_KEEP) {
		ifi.ifi_change = IFF_UP;
		ifi.ifi_flags = l->up ? IFF_UP : 0;
	}
	if ((msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK)) == NULL)
		return NULL;
	/* An empty IFLA_IFALIAS removes the alias (dev_set_alias() with length 0). */
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (l->set_alias &&
		nla_put(msg, IFLA_IFALIAS, (int)strnlen(l->alias, IFMSG_ALIAS - 1), l->alias) <
		    0) ||
	    (l->mtu != 0 && nla_put_u32(msg, IFLA_MTU, l->mtu) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int
zero16(const uint8_t *p)
{
	static const uint8_t z[16];

	return memcmp(p, z, 16) == 0;
}

/* IFA_LOCAL, IFA_ADDRESS and the broadcast address of an IPv4 address. */
static int
put_addr4(struct nl_msg *msg, int cmd, const struct ifmsg_addr *a)
{
	uint32_t local, mask, brd;

	memcpy(&local, a->addr, 4);
	mask = a->plen == 0 ? 0 : htonl(~0u << (32 - a->plen));
	brd = local | ~mask;
	if (nla_put(msg, IFA_LOCAL, 4, a->addr) < 0 ||
	    nla_put(msg, IFA_ADDRESS, 4, zero16(a->peer) ? a->addr : a->peer) < 0)
		return -1;
	if (cmd == RTM_NEWADDR && a->has_brd)
		return nla_put(msg, IFA_BROADCAST, 4, a->brd);
	/* /31 (RFC 3021) and /32 have no broadcast address; a peer address none either. */
	if (cmd == RTM_NEWADDR && a->plen < 31 && zero16(a->peer) && !a->no_brd)
		return nla_put(msg, IFA_BROADCAST, 4, &brd);
	return 0;
}

static int
put_addr6(struct nl_msg *msg, const struct ifmsg_addr *a)
{
	if (!zero16(a->peer) && nla_put(msg, IFA_LOCAL, 16, a->addr) < 0)
		return -1;
	return nla_put(msg, IFA_ADDRESS, 16, zero16(a->peer) ? a->addr : a->peer);
}

/* What an add says beyond the address: its flags and lifetimes. */
static int
put_add(struct nl_msg *msg, const struct ifmsg_addr *a)
{
	struct ifa_cacheinfo ci = { .ifa_prefered = a->pref_lft, .ifa_valid = a->valid_lft };

	if (nla_put_u32(msg, IFA_FLAGS, a->flags) < 0 ||
	    (a->rt_priority != 0 && nla_put_u32(msg, IFA_RT_PRIORITY, a->rt_priority) < 0) ||
	    (a->family == AF_INET && a->label[0] != '\0' &&
		nla_put_string(msg, IFA_LABEL, a->label) < 0))
		return -1;
	if (a->valid_lft == 0 && a->pref_lft == 0)
		return 0;
	return nla_put(msg, IFA_CACHEINFO, sizeof(ci), &ci);
}

struct nl_msg *
ifmsg_addr(int cmd, const struct ifmsg_addr *a)
{
	struct ifaddrmsg ifa = {
		.ifa_family = a->family,
		.ifa_prefixlen = a->plen,
		.ifa_flags = (uint8_t)(a->flags & 0xff),
		.ifa_scope = a->scope,
		.ifa_index = (uint32_t)a->ifindex,
	};
	int flags = cmd == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0;
	struct nl_msg *msg;

	if ((msg = nlmsg_alloc_simple(cmd, NLM_F_REQUEST | NLM_F_ACK | flags)) == NULL)
		return NULL;
	if (nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
	    (a->family == AF_INET ? put_addr4(msg, cmd, a) : put_addr6(msg, a)) < 0 ||
	    (cmd == RTM_NEWADDR && put_add(msg, a) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void
ifmsg_addr_text(const struct ifmsg_addr *a, char *buf, size_t len)
{
	char t[INET6_ADDRSTRLEN];

	if (inet_ntop(a->family, a->addr, t, sizeof(t)) == NULL)
		snprintf(t, sizeof(t), "?");
	snprintf(buf, len, "%s/%u on ifindex %d", t, a->plen, (int)a->ifindex);
}
