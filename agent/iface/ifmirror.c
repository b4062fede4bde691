/* The interface mirror: see ifmirror.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "iface/ifmirror.h"
#include "snmp/loop.h"
#include "lib/log.h"
#include "lib/vec.h"
#include "nl/nldump.h"
#include "nl/nlmon.h"

#define RETRY_MS  1000        /* after a failed dump */
#define QUEUE_MAX (16u << 20) /* events kept during a dump; past it, dump again */

/*
 * SYNCED: events are applied as they come.  DUMPING: the dump thread runs;
 * events are queued, and replayed over its result.  REDUMP_DUE: the last
 * dump failed; the timer starts the next.  A re-dump asked for while one
 * runs (again) follows it.
 */
enum iface_state {
	IFACE_SYNCED,
	IFACE_DUMPING,
	IFACE_REDUMP_DUE,
};

struct link_vec {
	struct link *v;
	size_t n, cap;
};

struct addr_vec {
	struct iface_addr *v;
	size_t n, cap;
};

struct watcher {
	iface_change_fn fn;
	void *arg;
};

struct iface {
	enum iface_state state;
	int again; /* a re-dump was asked for while one ran */
	struct nlmon *mon;
	struct nldump *dumper;
	struct link_vec links, fresh_links; /* fresh: the dump thread's */
	struct addr_vec addrs, fresh_addrs;
	int fresh_incomplete; /* out of memory during the dump */
	int loaded;           /* the first dump is in: links found later are new */
	struct nlqueue queue;
	struct watcher w[IFACE_MAX_WATCHERS];
	unsigned nw;
	struct loop_arm arm;
	struct loop_timer timer;   /* iface_start() */
	iface_alias_fn alias_read; /* iface_alias_reader() */
	void *alias_arg;
};

/* ---- links ---------------------------------------------------------------- */

VEC_CMP_FIELD(link_cmp, struct link, ifindex, int32_t)

const struct link *
iface_link(const struct iface *ifm, int32_t ifindex)
{
	return vec_find(ifm->links.v, ifm->links.n, sizeof(*ifm->links.v), &ifindex, link_cmp);
}

const struct link *
iface_link_named(const struct iface *ifm, const char *name)
{
	for (size_t i = 0; i < ifm->links.n; i++)
		if (strcmp(ifm->links.v[i].name, name) == 0)
			return &ifm->links.v[i];
	return NULL;
}

size_t
iface_nlinks(const struct iface *ifm)
{
	return ifm->links.n;
}

const struct link *
iface_links(const struct iface *ifm, size_t *n)
{
	*n = ifm->links.n;
	return ifm->links.v;
}

/* Insert or update; *prev gets the link as it was.  1 if it was known, 0 if new, -1 if no memory. */
static int
link_set(struct link_vec *lv, const struct link *l, struct link *prev)
{
	return vec_put(&lv->v, &lv->n, &lv->cap, sizeof(*lv->v), l, &l->ifindex, link_cmp, prev);
}

static void
link_del(struct link_vec *lv, int32_t ifindex)
{
	vec_del(lv->v, &lv->n, sizeof(*lv->v), &ifindex, link_cmp, NULL);
}

static struct nla_policy link_policy[IFLA_MAX + 1] = {
	[IFLA_MTU] = { .type = NLA_U32 },
	[IFLA_MIN_MTU] = { .type = NLA_U32 },
	[IFLA_MAX_MTU] = { .type = NLA_U32 },
	[IFLA_OPERSTATE] = { .type = NLA_U8 },
	[IFLA_CARRIER] = { .type = NLA_U8 },
	[IFLA_MASTER] = { .type = NLA_U32 },
	[IFLA_LINK] = { .type = NLA_U32 },
	[IFLA_LINKINFO] = { .type = NLA_NESTED },
};

/* A hardware address attribute into buf (LINK_ADDR_MAX bytes): its length, 0 if none or too long. */
static uint8_t
link_hwaddr(const struct nlattr *at, uint8_t *buf)
{
	if (at == NULL || nla_len(at) <= 0 || nla_len(at) > LINK_ADDR_MAX)
		return 0;
	memcpy(buf, nla_data(at), (size_t)nla_len(at));
	return (uint8_t)nla_len(at);
}

static void
link_kind(struct nlattr *info, char *kind)
{
	struct nlattr *tb[IFLA_INFO_MAX + 1];

	if (info != NULL && nla_parse_nested(tb, IFLA_INFO_MAX, info, NULL) == 0 &&
	    tb[IFLA_INFO_KIND] != NULL)
		nla_strlcpy(kind, tb[IFLA_INFO_KIND], LINK_KIND_MAX);
}

/* The kinds whose IFLA_LINK is the link they are stacked on (a veth's is its peer). */
static const char *const stacked_kinds[] = { "vlan", "macvlan", "macvtap", "ipvlan", "ipvtap" };

/* IFLA_VXLAN_LINK of a vxlan's IFLA_LINKINFO/IFLA_INFO_DATA, or 0. */
static int32_t
vxlan_lower(struct nlattr *info)
{
	struct nlattr *tb[IFLA_INFO_MAX + 1], *data[IFLA_VXLAN_MAX + 1];

	if (info == NULL || nla_parse_nested(tb, IFLA_INFO_MAX, info, NULL) < 0 ||
	    tb[IFLA_INFO_DATA] == NULL ||
	    nla_parse_nested(data, IFLA_VXLAN_MAX, tb[IFLA_INFO_DATA], NULL) < 0 ||
	    data[IFLA_VXLAN_LINK] == NULL || nla_len(data[IFLA_VXLAN_LINK]) < 4)
		return 0;
	return (int32_t)nla_get_u32(data[IFLA_VXLAN_LINK]);
}

/* The link l is stacked on (struct link's lower), 0 if none or in another namespace. */
static int32_t
link_lower(struct nlattr **tb, const char *kind)
{
	if (tb[IFLA_LINK_NETNSID] != NULL)
		return 0;
	if (strcmp(kind, "vxlan") == 0)
		return vxlan_lower(tb[IFLA_LINKINFO]);
	for (size_t i = 0; i < sizeof(stacked_kinds) / sizeof(stacked_kinds[0]); i++)
		if (strcmp(kind, stacked_kinds[i]) == 0 && tb[IFLA_LINK] != NULL)
			return (int32_t)nla_get_u32(tb[IFLA_LINK]);
	return 0;
}

/* The dump thread parses links too: no logging. */
static int
parse_link(struct nlmsghdr *nlh, struct link *l)
{
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -1;
	ifi = nlmsg_data(nlh);
	/*
	 * A bridge announces its ports' bridge state as RTM_NEWLINK and
	 * RTM_DELLINK of family AF_BRIDGE on the same group (br_ifinfo_notify(),
	 * net/bridge/br_netlink.c): not the link itself, which has no kind or
	 * alias there, and whose RTM_DELLINK then only means "left the bridge".
	 */
	if (ifi->ifi_family == AF_BRIDGE)
		return -1;
	if (nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, link_policy) < 0)
		return -1;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->type = ifi->ifi_type;
	if (tb[IFLA_IFNAME] != NULL)
		nla_strlcpy(l->name, tb[IFLA_IFNAME], sizeof(l->name));
	if (tb[IFLA_IFALIAS] != NULL)
		nla_strlcpy(l->alias, tb[IFLA_IFALIAS], sizeof(l->alias));
	if (tb[IFLA_MTU] != NULL)
		l->mtu = nla_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_MIN_MTU] != NULL)
		l->min_mtu = nla_get_u32(tb[IFLA_MIN_MTU]);
	if (tb[IFLA_MAX_MTU] != NULL)
		l->max_mtu = nla_get_u32(tb[IFLA_MAX_MTU]);
	if (tb[IFLA_OPERSTATE] != NULL)
		l->operstate = nla_get_u8(tb[IFLA_OPERSTATE]);
	l->carrier = tb[IFLA_CARRIER] != NULL ? nla_get_u8(tb[IFLA_CARRIER]) != 0 :
						(l->flags & IFF_LOWER_UP) != 0;
	if (tb[IFLA_MASTER] != NULL)
		l->master = (int32_t)nla_get_u32(tb[IFLA_MASTER]);
	l->addrlen = link_hwaddr(tb[IFLA_ADDRESS], l->addr);
	l->permlen = link_hwaddr(tb[IFLA_PERM_ADDRESS], l->perm);
	link_kind(tb[IFLA_LINKINFO], l->kind);
	l->lower = link_lower(tb, l->kind);
	return 0;
}

/* What the mirror knew of a link that the kernel's message cannot say. */
static void
link_keep_times(struct link *l, const struct link *prev, int64_t now)
{
	l->created = prev != NULL ? prev->created : now;
	l->last_up = prev != NULL ? prev->last_up : 0;
	if ((l->flags & IFF_UP) && (prev == NULL || !(prev->flags & IFF_UP)))
		l->last_up = now;
}

/* ---- addresses ------------------------------------------------------------ */

static int
addr_cmp(const void *elem, const void *key)
{
	const struct iface_addr *a = elem, *b = key;
	int c;

	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((c = memcmp(a->addr, b->addr, sizeof(a->addr))) != 0)
		return c;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

const struct iface_addr *
iface_addrs(const struct iface *ifm, size_t *n)
{
	*n = ifm->addrs.n;
	return ifm->addrs.v;
}

const struct iface_addr *
iface_addr_find(const struct iface *ifm, int32_t ifindex, uint8_t family, const uint8_t *addr,
    int plen)
{
	struct iface_addr key = { .ifindex = ifindex, .family = family };
	size_t i;
	const struct iface_addr *a;

	memcpy(key.addr, addr, family == AF_INET ? 4 : 16);
	key.plen = plen < 0 ? 0 : (uint8_t)plen;
	i = vec_lower_bound(ifm->addrs.v, ifm->addrs.n, sizeof(key), &key, addr_cmp, 0);
	if (i == ifm->addrs.n)
		return NULL;
	a = &ifm->addrs.v[i];
	key.plen = a->plen;
	return addr_cmp(a, &key) == 0 && (plen < 0 || a->plen == plen) ? a : NULL;
}

int
iface_is_broadcast4(const struct iface *ifm, uint32_t a)
{
	const struct iface_addr *x = ifm->addrs.v;
	uint32_t own, brd, host;

	for (size_t i = 0; i < ifm->addrs.n; i++, x++) {
		if (x->family != AF_INET)
			continue;
		memcpy(&own, x->addr, 4);
		memcpy(&brd, x->brd, 4);
		host = x->plen >= 31 ? 0 : htonl(0xffffffffu >> x->plen);
		if ((x->has_brd && brd == a) || (host && (own | host) == a))
			return 1;
	}
	return 0;
}

/* Insert or replace: 0, or -1 when out of memory. */
static int
addr_set(struct addr_vec *av, const struct iface_addr *a)
{
	return vec_put(&av->v, &av->n, &av->cap, sizeof(*av->v), a, a, addr_cmp, NULL) < 0 ? -1 : 0;
}

static void
addr_del(struct addr_vec *av, const struct iface_addr *a)
{
	vec_del(av->v, &av->n, sizeof(*av->v), a, addr_cmp, NULL);
}

/* A removed link's addresses go with it (the kernel announces most, not all). */
static void
addr_del_link(struct addr_vec *av, int32_t ifindex)
{
	size_t k = 0;

	for (size_t i = 0; i < av->n; i++)
		if (av->v[i].ifindex != ifindex)
			av->v[k++] = av->v[i];
	av->n = k;
}

static struct nla_policy addr_policy[IFA_MAX + 1] = {
	[IFA_FLAGS] = { .type = NLA_U32 },
	[IFA_RT_PRIORITY] = { .type = NLA_U32 },
	[IFA_LABEL] = { .type = NLA_STRING, .maxlen = 16 },
	[IFA_PROTO] = { .type = NLA_U8 },
	[IFA_CACHEINFO] = { .minlen = sizeof(struct ifa_cacheinfo) },
};

int64_t
iface_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

uint32_t
iface_addr_left(const struct iface_addr *a, uint32_t lft, int64_t now)
{
	int64_t gone = now - a->seen;

	if (lft == IFA_LIFE_FOREVER)
		return lft;
	return gone <= 0 ? lft : gone >= (int64_t)lft ? 0 : lft - (uint32_t)gone;
}

/* Lifetimes and stamps; an address without them (IPv4 before 3.x) lives forever. */
static void
addr_cacheinfo(struct iface_addr *a, const struct nlattr *at)
{
	struct ifa_cacheinfo ci = { IFA_LIFE_FOREVER, IFA_LIFE_FOREVER, 0, 0 };

	if (at != NULL)
		memcpy(&ci, nla_data(at), sizeof(ci));
	a->pref_lft = ci.ifa_prefered;
	a->valid_lft = ci.ifa_valid;
	a->cstamp = ci.cstamp;
	a->tstamp = ci.tstamp;
	a->seen = iface_now();
}

/* The broadcast address, the prefix route's metric and a label of its own (IPv4). */
static void
addr_extras(struct iface_addr *a, struct nlattr **tb)
{
	if (a->family == AF_INET && tb[IFA_BROADCAST] != NULL && nla_len(tb[IFA_BROADCAST]) == 4) {
		memcpy(a->brd, nla_data(tb[IFA_BROADCAST]), 4);
		a->has_brd = 1;
	}
	if (tb[IFA_RT_PRIORITY] != NULL)
		a->rt_priority = nla_get_u32(tb[IFA_RT_PRIORITY]);
	if (tb[IFA_LABEL] != NULL)
		nla_strlcpy(a->label, tb[IFA_LABEL], sizeof(a->label));
}

/*
 * Parse RTM_NEWADDR/RTM_DELADDR.  -1 when malformed; a->family is then set
 * when at least the header was there.  The dump thread parses them too.
 */
static int
parse_addr(struct nlmsghdr *nlh, struct iface_addr *a)
{
	struct nlattr *tb[IFA_MAX + 1], *at;
	struct ifaddrmsg *ifa;
	int alen;

	memset(a, 0, sizeof(*a));
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return -1;
	ifa = nlmsg_data(nlh);
	a->family = ifa->ifa_family;
	a->ifindex = (int32_t)ifa->ifa_index;
	a->plen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = ifa->ifa_flags;
	if (nlmsg_parse(nlh, sizeof(*ifa), tb, IFA_MAX, addr_policy) < 0)
		return -1;
	alen = a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
	at = tb[IFA_LOCAL] != NULL ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (alen == 0 || at == NULL || nla_len(at) != alen || a->plen > alen * 8)
		return -1;
	memcpy(a->addr, nla_data(at), (size_t)alen);
	at = tb[IFA_ADDRESS] != NULL && nla_len(tb[IFA_ADDRESS]) == alen ? tb[IFA_ADDRESS] : at;
	memcpy(a->peer, nla_data(at), (size_t)alen);
	if (tb[IFA_FLAGS] != NULL)
		a->flags = nla_get_u32(tb[IFA_FLAGS]);
	if (tb[IFA_PROTO] != NULL)
		a->proto = nla_get_u8(tb[IFA_PROTO]);
	addr_extras(a, tb);
	addr_cacheinfo(a, tb[IFA_CACHEINFO]);
	return 0;
}

/* ---- events --------------------------------------------------------------- */

static void
announce(struct iface *ifm, enum iface_change what, const struct link *l,
    const struct iface_addr *a)
{
	for (unsigned i = 0; i < ifm->nw; i++)
		ifm->w[i].fn(what, l, a, ifm->w[i].arg);
}

/* The link's alias as sysfs has it now, if it can be read. */
static void
alias_now(const struct iface *ifm, struct link *l)
{
	char buf[sizeof(l->alias)];

	if (ifm->alias_read != NULL &&
	    ifm->alias_read(ifm->alias_arg, l->name, buf, sizeof(buf)) == 0)
		memcpy(l->alias, buf, sizeof(buf));
}

static void
apply_link_msg(struct iface *ifm, struct nlmsghdr *nlh)
{
	const struct link *cur;
	struct link l, prev;
	int known;

	if (parse_link(nlh, &l) < 0)
		return;
	cur = iface_link(ifm, l.ifindex);
	if (nlh->nlmsg_type == RTM_DELLINK) {
		if (cur != NULL)
			l = *cur;
		link_del(&ifm->links, l.ifindex);
		addr_del_link(&ifm->addrs, l.ifindex);
		announce(ifm, IFACE_LINK_REMOVED, &l, NULL);
		return;
	}
	link_keep_times(&l, cur, (int64_t)time(NULL));
	/*
	 * A link that is down: its alias changes are announced to nobody, so this
	 * message's may be older than one set since (another change of the link
	 * made it before a SET's alias, and it is read after): sysfs says which.
	 */
	if (cur != NULL && !(l.flags & IFF_UP) && strcmp(cur->alias, l.alias) != 0)
		alias_now(ifm, &l);
	if ((known = link_set(&ifm->links, &l, &prev)) < 0) {
		log_err("iface", "out of memory keeping link %d; will re-dump", l.ifindex);
		iface_request_redump(ifm);
		return;
	}
	if (!known)
		announce(ifm, IFACE_LINK_ADDED, &l, NULL);
	else if ((prev.flags & IFACE_ROUTE_FLAGS) != (l.flags & IFACE_ROUTE_FLAGS))
		announce(ifm, IFACE_LINK_STATE, &l, NULL);
	else if (memcmp(&prev, &l, sizeof(l)) != 0)
		announce(ifm, IFACE_LINK_CHANGED, &l, NULL);
}

void
iface_alias_reader(struct iface *ifm, iface_alias_fn fn, void *arg)
{
	ifm->alias_read = fn;
	ifm->alias_arg = arg;
}

/*
 * The kernel announces an alias set on a link that is down to nobody
 * (netdev_state_change() sends RTM_NEWLINK only while IFF_UP): the writer
 * whose request it acked says what it set.  A dump running may hold the old
 * one: it is taken again.
 */
void
iface_link_alias_set(struct iface *ifm, int32_t ifindex, const char *alias)
{
	struct link *l =
	    vec_find(ifm->links.v, ifm->links.n, sizeof(*ifm->links.v), &ifindex, link_cmp);

	if (ifm->state == IFACE_DUMPING)
		ifm->again = 1;
	if (l == NULL || strcmp(l->alias, alias) == 0)
		return;
	snprintf(l->alias, sizeof(l->alias), "%s", alias);
	announce(ifm, IFACE_LINK_CHANGED, l, NULL);
}

static void
apply_addr_msg(struct iface *ifm, struct nlmsghdr *nlh)
{
	struct iface_addr a;

	if (parse_addr(nlh, &a) < 0) {
		/* The kernel said an address went: say so, even without its details. */
		if (nlh->nlmsg_type == RTM_DELADDR)
			announce(ifm, IFACE_ADDR_REMOVED, NULL, &a);
		return;
	}
	if (nlh->nlmsg_type == RTM_DELADDR) {
		addr_del(&ifm->addrs, &a);
		announce(ifm, IFACE_ADDR_REMOVED, NULL, &a);
		return;
	}
	if (addr_set(&ifm->addrs, &a) < 0) {
		log_err("iface", "out of memory keeping an address of link %d; will re-dump",
		    a.ifindex);
		iface_request_redump(ifm);
		return;
	}
	announce(ifm, IFACE_ADDR_ADDED, NULL, &a);
}

void
iface_apply(struct iface *ifm, struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK: apply_link_msg(ifm, nlh); break;
	case RTM_NEWADDR:
	case RTM_DELADDR: apply_addr_msg(ifm, nlh); break;
	default: break;
	}
}

static void
event_msg(struct nlmsghdr *nlh, void *arg)
{
	struct iface *ifm = arg;

	if (ifm->state != IFACE_DUMPING)
		iface_apply(ifm, nlh);
	else if (nlqueue_push(&ifm->queue, nlh) < 0)
		ifm->again = 1; /* the next dump will see it all */
}

static void
replay_msg(struct nlmsghdr *nlh, void *arg)
{
	iface_apply(arg, nlh);
}

static void
events_lost(void *arg)
{
	iface_request_redump(arg);
}

/* ---- dumps ---------------------------------------------------------------- */

/* On the dump thread. */
static void
dump_msg(const struct nldump_req *rq, struct nlmsghdr *nlh, void *arg)
{
	struct iface *ifm = arg;
	struct link l;
	struct iface_addr a;

	if (nlh->nlmsg_type == RTM_NEWLINK && parse_link(nlh, &l) == 0) {
		if (link_set(&ifm->fresh_links, &l, NULL) < 0)
			ifm->fresh_incomplete = 1;
	} else if (nlh->nlmsg_type == RTM_NEWADDR && parse_addr(nlh, &a) == 0) {
		if (addr_set(&ifm->fresh_addrs, &a) < 0)
			ifm->fresh_incomplete = 1;
	}
}

static void
start_dump(struct iface *ifm)
{
	static const struct nldump_req reqs[] = {
		{ RTM_GETLINK, AF_UNSPEC },
		{ RTM_GETADDR, AF_UNSPEC },
	};

	ifm->fresh_links.n = ifm->fresh_addrs.n = 0;
	ifm->fresh_incomplete = 0;
	ifm->again = 0;
	if (ifm->dumper == NULL || nldump_start(ifm->dumper, reqs, 2, dump_msg, NULL, ifm) < 0) {
		if (ifm->dumper != NULL)
			log_warn_errno("iface", "cannot start a dump thread");
		ifm->state = IFACE_REDUMP_DUE;
		loop_arm(&ifm->arm, RETRY_MS);
		return;
	}
	log_debug("iface", "re-dumping links and addresses");
	ifm->state = IFACE_DUMPING;
}

void
iface_request_redump(struct iface *ifm)
{
	if (ifm->state == IFACE_DUMPING)
		ifm->again = 1;
	else if (ifm->state == IFACE_SYNCED)
		start_dump(ifm);
}

int
iface_redump_running(const struct iface *ifm)
{
	return ifm->state != IFACE_SYNCED;
}

void
iface_timer(struct iface *ifm)
{
	if (ifm->state == IFACE_REDUMP_DUE)
		start_dump(ifm);
}

/*
 * Times are the mirror's, not the kernel's: a re-dumped link keeps them, and
 * one that came while events were lost was created at the latest now.
 */
static void
dump_keep_times(struct iface *ifm)
{
	int64_t now = (int64_t)time(NULL);

	for (size_t i = 0; i < ifm->fresh_links.n; i++) {
		struct link *l = &ifm->fresh_links.v[i];
		const struct link *prev = iface_link(ifm, l->ifindex);

		if (prev != NULL || ifm->loaded)
			link_keep_times(l, prev, now);
	}
}

static void
swap_in(struct iface *ifm)
{
	struct link_vec lv = ifm->links;
	struct addr_vec av = ifm->addrs;

	ifm->links = ifm->fresh_links;
	ifm->addrs = ifm->fresh_addrs;
	ifm->fresh_links = lv;
	ifm->fresh_addrs = av;
	ifm->fresh_links.n = ifm->fresh_addrs.n = 0;
}

/* The dump has finished (the loop, or the first load). */
static void
read_dump(void *arg)
{
	struct iface *ifm = arg;
	struct nldump_result res;
	int reload;

	if (ifm->dumper == NULL || !nldump_join(ifm->dumper, &res) || ifm->state != IFACE_DUMPING)
		return;
	if (res.failed || ifm->fresh_incomplete) {
		log_warn("iface", "%s", res.failed ? res.err : "out of memory during a dump");
		nlqueue_clear(&ifm->queue);
		ifm->state = IFACE_REDUMP_DUE;
		loop_arm(&ifm->arm, RETRY_MS);
		return;
	}
	reload = ifm->loaded;
	dump_keep_times(ifm);
	swap_in(ifm);
	ifm->loaded = 1;
	ifm->state = IFACE_SYNCED;
	if (reload)
		announce(ifm, IFACE_RELOADED, NULL, NULL);
	nlqueue_replay(&ifm->queue, replay_msg, ifm);
	log_debug("iface", "%zu links, %zu addresses", ifm->links.n, ifm->addrs.n);
	/* NLM_F_DUMP_INTR: the kernel's lists changed under the dump; take them again. */
	if (res.intr || ifm->again)
		iface_request_redump(ifm);
}

/* ---- set-up --------------------------------------------------------------- */

struct iface *
iface_new(void)
{
	struct iface *ifm = calloc(1, sizeof(*ifm));

	if (ifm != NULL)
		ifm->queue.max = QUEUE_MAX;
	return ifm;
}

void
iface_free(struct iface *ifm)
{
	if (ifm == NULL)
		return;
	nldump_close(ifm->dumper);
	free(ifm->links.v);
	free(ifm->fresh_links.v);
	free(ifm->addrs.v);
	free(ifm->fresh_addrs.v);
	nlqueue_free(&ifm->queue);
	free(ifm);
}

int
iface_watch(struct iface *ifm, iface_change_fn fn, void *arg)
{
	if (ifm->nw == IFACE_MAX_WATCHERS) {
		errno = ENOSPC;
		return -1;
	}
	ifm->w[ifm->nw++] = (struct watcher){ fn, arg };
	return 0;
}

void
iface_set_timer(struct iface *ifm, loop_arm_fn arm, void *arg)
{
	ifm->arm = (struct loop_arm){ arm, arg };
}

int
iface_attach(struct iface *ifm, struct nlmon *mon)
{
	struct nlmon_sub sub = {
		.types = { RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR },
		.groups = { RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR },
		.msg = event_msg,
		.lost = events_lost,
		.arg = ifm,
	};

	ifm->mon = mon;
	return nlmon_subscribe(mon, &sub);
}

/* Open mon and the dump socket and load; blocks until loaded.  -1 with errno on failure. */
static int
load(struct iface *ifm)
{
	if (ifm->mon == NULL || nlmon_open(ifm->mon) < 0)
		return -1;
	if ((ifm->dumper = nldump_open(NLDUMP_RCVBUF)) == NULL)
		return -1;
	start_dump(ifm);
	/*
	 * The events stay in the event socket meanwhile: the route mirror's load
	 * reads them, and they are applied over this dump's result.
	 */
	while (ifm->state == IFACE_DUMPING) {
		if (nldump_wait(ifm->dumper, -1) < 0)
			return -1;
		read_dump(ifm);
	}
	if (ifm->state != IFACE_SYNCED) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static void
timer_fired(void *arg)
{
	iface_timer(arg);
}

int
iface_start(struct iface *ifm)
{
	loop_arm_timer(&ifm->arm, loop_timer_arm, &ifm->timer, timer_fired, ifm);
	if (load(ifm) < 0)
		return -1;
	return nldump_watch(ifm->dumper, read_dump, ifm);
}

void
iface_stop(struct iface *ifm)
{
	nldump_unwatch(ifm->dumper);
	loop_timer_stop(&ifm->timer);
}
