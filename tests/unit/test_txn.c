/*
 * Unit tests: the SET decision logic of the two route tables (route/mib_set.c)
 * through the generic transaction (snmp/txn.c), against a fake kernel behind
 * the netlink request seam (nlreq_fake()), without root.  Every refusal and
 * its status, all or nothing across rows and tables, undo newest first, and
 * what a failed undo reports.  Each SET runs net-snmp's phases on the tables'
 * handlers as the agent does: RESERVE1, RESERVE2, ACTION, then COMMIT or
 * UNDO, then FREE; each phase calls the route table, then the persisted one,
 * then cimIP6RouteTable (an IPv6 fake kernel beside the IPv4 one).
 *
 * The adapter methods (snmp/mib_ifset.c) share the transaction: the
 * adapter, configuration and address tables, against the fake kernel's
 * links and addresses, each refusal with its status and the WMI code
 * recorded, the order of the address requests and their undo, and one SET
 * across an adapter write and a route write.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/netlink.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "iface/dhcpctl.h"
#include "iface/ifdev.h"
#include "iface/ifmirror.h"
#include "iface/staticaddr.h"
#include "lib/statefile.h"
#include "route/mirror.h"
#include "route/nlreq.h"
#include "route/route6.h"
#include "route/routefmt.h"
#include "route/rt.h"
#include "route/rt4.h"
#include "route/writer.h"
#include "snmp/mib.h"
#include "snmp/mib_adapter.h"
#include "snmp/mib_ifset.h"
#include "snmp/txn.h"

#include "fixture.h"
#include "logcap.h"

#define IFA 2 /* the one interface: va, 192.0.2.100/24 */

/* ---- the fake kernel ------------------------------------------------------ */

static struct fake {
	struct route v[64];
	size_t n;
	int fetch_fail;       /* reading a route back fails (-EIO) */
	int fetch_mute;       /* ... is never answered */
	unsigned calls;       /* changing requests so far */
	uint64_t fail;        /* bit k: the k-th changing request (from 1) is refused */
	uint64_t mute;        /* bit k: ... is never answered (and not done) */
	char log[4096];       /* "add 10.9.0.0/16 m20 ok; del ... EEXIST; ..." */
	struct route6 v6[32]; /* the IPv6 routes; logged "add6 2001:db8:10::/48 m10" */
	size_t n6;
	/* Links and addresses (the adapter methods' tests; iface: the mirror follows them). */
	int iface;
	int addr_events; /* an address change's events reach the mirror before its ack */
	struct fk_link {
		int32_t ifindex, master;
		unsigned flags;
		uint32_t mtu, min_mtu, max_mtu, limit; /* limit: the driver's own (EINVAL above) */
		char name[16], alias[256];
	} links[8];
	size_t nlinks;
	struct fk_addr {
		int32_t ifindex;
		uint8_t family, plen, flags;
		uint8_t addr[16];
		uint8_t brd; /* IPv4: has a broadcast address (IFA_BROADCAST) */
	} addrs[32];
	size_t naddrs;
	int promote; /* promote_secondaries */
} fk;

/* A route as the fake's log names it: "10.9.0.0/16 m20", "2001:db8:10::/48 m10". */
static void
fk_name4(const void *e, char *buf, size_t len)
{
	const struct route *r = e;

	snprintf(buf, len, "%u.%u.%u.%u/%u m%u", r->dst >> 24, (r->dst >> 16) & 255,
	    (r->dst >> 8) & 255, r->dst & 255, r->plen, r->metric);
}

static void
fk_name6(const void *e, char *buf, size_t len)
{
	const struct route6 *r = e;
	char d[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u m%u", inet_ntop(AF_INET6, r->dst, d, sizeof(d)), r->plen,
	    r->metric);
}

static int
fk_cmp4(const void *a, const void *b)
{
	return route_cmp(a, b);
}

static int
fk_cmp6(const void *a, const void *b)
{
	return route6_cmp(a, b);
}

/*
 * One family's routes in the fake kernel: its array, entry, order and
 * name, and the suffix of its log lines ("add", "add6").  A kept route is
 * a netlink header and the entry itself, for the fake alone to read; its
 * length tells the family.
 */
struct fk_fam {
	void *v;
	size_t *n;
	size_t size, metric_off;
	int (*cmp)(const void *, const void *);
	void (*name)(const void *, char *, size_t);
	const char *suffix;
};

static const struct fk_fam fam4 = { fk.v, &fk.n, sizeof(struct route),
	offsetof(struct route, metric), fk_cmp4, fk_name4, "" };
static const struct fk_fam fam6 = { fk.v6, &fk.n6, sizeof(struct route6),
	offsetof(struct route6, metric), fk_cmp6, fk_name6, "6" };

static void
fk_log(const struct fk_fam *f, const char *what, const void *r, int rc)
{
	size_t len = strlen(fk.log);
	char name[128];

	f->name(r, name, sizeof(name));
	snprintf(fk.log + len, sizeof(fk.log) - len, "%s%s%s %s%s", len ? "; " : "", what,
	    f->suffix, name,
	    rc == 0                     ? "" :
		rc == NLREQ_FAKE_SILENT ? " SILENT" :
					  " REFUSED");
}

/* A changing request: refused if its bit is set in fk.fail. */
static int
fk_refused(char *err, size_t errlen)
{
	fk.calls++;
	if (fk.calls < 64 && (fk.mute >> fk.calls) & 1)
		return NLREQ_FAKE_SILENT;
	if (fk.calls < 64 && (fk.fail >> fk.calls) & 1) {
		snprintf(err, errlen, "refused by the fake kernel");
		return -EPERM;
	}
	return 0;
}

static void *
fk_at(const struct fk_fam *f, size_t i)
{
	return (unsigned char *)f->v + i * f->size;
}

static void *
fk_find(const struct fk_fam *f, const void *r)
{
	for (size_t i = 0; i < *f->n; i++)
		if (f->cmp(fk_at(f, i), r) == 0)
			return fk_at(f, i);
	return NULL;
}

static int
fk_add(const struct fk_fam *f, const void *r, char *err, size_t errlen)
{
	int rc = fk_refused(err, errlen);

	if (rc == 0 && fk_find(f, r) != NULL) {
		snprintf(err, errlen, "File exists");
		rc = -EEXIST;
	}
	if (rc == 0)
		memcpy(fk_at(f, (*f->n)++), r, f->size);
	fk_log(f, "add", r, rc);
	return rc;
}

static int
keep(const struct fk_fam *f, const void *r, struct nlroute *out)
{
	out->msg = calloc(1, NLMSG_LENGTH(f->size));
	if (out->msg == NULL)
		return -ENOMEM;
	out->msg->nlmsg_len = NLMSG_LENGTH(f->size);
	memcpy(NLMSG_DATA(out->msg), r, f->size);
	return 0;
}

/* Delete r; the kernel's description of what went in *gone (NULL: none wanted). */
static int
fk_del(const struct fk_fam *f, const void *r, struct nlroute *gone, char *err, size_t errlen)
{
	int rc = fk_refused(err, errlen);
	void *k = rc == 0 ? fk_find(f, r) : NULL;

	if (rc == 0 && k == NULL) {
		snprintf(err, errlen, "No such process");
		rc = -ESRCH;
	}
	fk_log(f, "del", r, rc);
	if (rc == 0 && gone != NULL)
		rc = keep(f, k, gone);
	if (rc == 0)
		memcpy(k, fk_at(f, --*f->n), f->size);
	return rc;
}

/* A kept route's family and entry, at metric if given. */
static const struct fk_fam *
kept(const struct nlroute *k, const uint32_t *metric, void *out)
{
	const struct fk_fam *f =
	    k->msg->nlmsg_len == NLMSG_LENGTH(sizeof(struct route6)) ? &fam6 : &fam4;

	memcpy(out, NLMSG_DATA(k->msg), f->size);
	if (metric != NULL)
		memcpy((unsigned char *)out + f->metric_off, metric, sizeof(*metric));
	return f;
}

static int
fk_route(void *arg, int cmd, int flags, const struct route *r, char *err, size_t errlen)
{
	return cmd == RTM_NEWROUTE ? fk_add(&fam4, r, err, errlen) :
				     fk_del(&fam4, r, NULL, err, errlen);
}

static int
fk_route_delete(void *arg, const struct route *r, struct nlroute *gone, char *err, size_t errlen)
{
	return fk_del(&fam4, r, gone, err, errlen);
}

static int
fk_route6(void *arg, int cmd, int flags, const struct route6 *r, char *err, size_t errlen)
{
	return cmd == RTM_NEWROUTE ? fk_add(&fam6, r, err, errlen) :
				     fk_del(&fam6, r, NULL, err, errlen);
}

static int
fk_route6_delete(void *arg, const struct route6 *r, struct nlroute *gone, char *err, size_t errlen)
{
	return fk_del(&fam6, r, gone, err, errlen);
}

/*
 * Does the caller's match take route r, given as the kernel would describe it:
 * the request that made it, with the device a request may leave out (an IPv6
 * blackhole's lo).
 */
static int
fk_matches(int family, const void *r, int (*match)(struct nlmsghdr *, void *), void *marg)
{
	int32_t oif = family == AF_INET6 ? ((const struct route6 *)r)->ifindex :
					   ((const struct route *)r)->ifindex;
	struct nl_msg *msg = nlreq_entry_msg(family, RTM_NEWROUTE, 0, r);
	int yes;

	assert_non_null(msg);
	if (oif > 0 && nlmsg_find_attr(nlmsg_hdr(msg), sizeof(struct rtmsg), RTA_OIF) == NULL)
		assert_int_equal(nla_put_u32(msg, RTA_OIF, (uint32_t)oif), 0);
	yes = match(nlmsg_hdr(msg), marg);
	nlmsg_free(msg);
	return yes;
}

static int
fk_route_fetch(void *arg, uint8_t family, uint32_t table, uint8_t proto, int32_t oif,
    int (*match)(struct nlmsghdr *, void *), void *marg, struct nlroute *out, char *err,
    size_t errlen)
{
	if (fk.fetch_mute)
		return NLREQ_FAKE_SILENT;
	if (fk.fetch_fail) {
		snprintf(err, errlen, "Input/output error");
		return -EIO;
	}
	for (size_t i = 0; family == AF_INET6 && i < fk.n6; i++)
		if (fk.v6[i].table == table && fk.v6[i].proto == proto &&
		    (oif <= 0 || fk.v6[i].ifindex == oif) &&
		    fk_matches(AF_INET6, &fk.v6[i], match, marg))
			return keep(&fam6, &fk.v6[i], out);
	for (size_t i = 0; family == AF_INET && i < fk.n; i++)
		if (fk.v[i].table == table && fk.v[i].proto == proto &&
		    (oif <= 0 || fk.v[i].ifindex == oif) &&
		    fk_matches(AF_INET, &fk.v[i], match, marg))
			return keep(&fam4, &fk.v[i], out);
	snprintf(err, errlen, "the kernel has no such route");
	return -ESRCH;
}

static int
fk_route_restore(void *arg, const struct nlroute *k, const uint32_t *metric, char *err,
    size_t errlen)
{
	struct route6 r; /* room for either family's entry */

	if (k->msg == NULL) {
		snprintf(err, errlen, "no kept route");
		return -EINVAL;
	}
	return fk_add(kept(k, metric, &r), &r, err, errlen);
}

static int
fk_route_delete_kept(void *arg, const struct nlroute *k, const uint32_t *metric,
    struct nlroute *gone, char *err, size_t errlen)
{
	struct route6 r;
	const struct fk_fam *f = kept(k, metric, &r);

	return fk_del(f, &r, gone, err, errlen);
}

/* ---- the fake kernel's links and addresses ---------------------------------- */

static void
fk_say(int rc, const char *fmt, ...)
{
	size_t len = strlen(fk.log);
	va_list ap;

	if (len > 0)
		len += (size_t)snprintf(fk.log + len, sizeof(fk.log) - len, "; ");
	va_start(ap, fmt);
	len += (size_t)vsnprintf(fk.log + len, sizeof(fk.log) - len, fmt, ap);
	va_end(ap);
	if (rc != 0)
		snprintf(fk.log + len, sizeof(fk.log) - len, "%s",
		    rc == NLREQ_FAKE_SILENT ? " SILENT" : " REFUSED");
}

static struct fk_link *
fk_link_at(int32_t ifindex)
{
	for (size_t i = 0; i < fk.nlinks; i++)
		if (fk.links[i].ifindex == ifindex)
			return &fk.links[i];
	return NULL;
}

static int
fk_link_op(void *arg, const struct ifmsg_link *l, char *err, size_t errlen)
{
	struct fk_link *k = fk_link_at(l->ifindex);
	int rc = fk_refused(err, errlen);

	if (rc == 0 && k == NULL)
		rc = -ENODEV;
	if (rc == 0 && l->mtu != 0 && l->mtu > k->limit) {
		snprintf(err, errlen, "Invalid argument");
		rc = -EINVAL;
	}
	if (l->up != IFMSG_KEEP)
		fk_say(rc, "link %d %s", (int)l->ifindex, l->up ? "up" : "down");
	else if (l->set_alias)
		fk_say(rc, "link %d alias '%s'", (int)l->ifindex, l->alias);
	else
		fk_say(rc, "link %d mtu %u", (int)l->ifindex, l->mtu);
	if (rc != 0)
		return rc;
	if (l->up != IFMSG_KEEP)
		k->flags = l->up ? k->flags | IFF_UP : k->flags & ~IFF_UP;
	if (l->set_alias)
		snprintf(k->alias, sizeof(k->alias), "%s", l->alias);
	if (l->mtu != 0)
		k->mtu = l->mtu;
	return 0;
}

static size_t
fk_alen(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

/* Same IPv4 subnet on the same link (b any address of it). */
static int
fk_same_subnet(const struct fk_addr *a, int32_t ifindex, const uint8_t *addr, uint8_t plen)
{
	uint32_t x, y, m = plen == 0 ? 0 : htonl(~0u << (32 - plen));

	memcpy(&x, a->addr, 4);
	memcpy(&y, addr, 4);
	return a->ifindex == ifindex && a->family == AF_INET && a->plen == plen &&
	    (x & m) == (y & m);
}

static struct fk_addr *
fk_addr_at(int32_t ifindex, uint8_t family, const uint8_t *addr, uint8_t plen)
{
	for (size_t i = 0; i < fk.naddrs; i++)
		if (fk.addrs[i].ifindex == ifindex && fk.addrs[i].family == family &&
		    fk.addrs[i].plen == plen &&
		    memcmp(fk.addrs[i].addr, addr, fk_alen(family)) == 0)
			return &fk.addrs[i];
	return NULL;
}

static void
fk_addr_remove(struct fk_addr *a)
{
	size_t i = (size_t)(a - fk.addrs);

	memmove(a, a + 1, (fk.naddrs - i - 1) * sizeof(*a));
	fk.naddrs--;
}

static void
fk_addr_add(int32_t ifindex, uint8_t family, const uint8_t *addr, uint8_t plen)
{
	struct fk_addr *a = &fk.addrs[fk.naddrs++];

	*a = (struct fk_addr){ .ifindex = ifindex, .family = family, .plen = plen };
	memcpy(a->addr, addr, fk_alen(family));
	/* An IPv4 address of a subnet that has a primary already is a secondary. */
	for (size_t i = 0; family == AF_INET && i + 1 < fk.naddrs; i++)
		if (fk_same_subnet(&fk.addrs[i], ifindex, addr, plen) &&
		    !(fk.addrs[i].flags & IFA_F_SECONDARY))
			a->flags = IFA_F_SECONDARY;
}

/* Delete a; an IPv4 primary takes its secondaries along, or promotes the first. */
static void
fk_addr_delete(struct fk_addr *a)
{
	struct fk_addr gone = *a;

	fk_addr_remove(a);
	if (gone.family != AF_INET || (gone.flags & IFA_F_SECONDARY))
		return;
	for (size_t i = 0; i < fk.naddrs;) {
		struct fk_addr *b = &fk.addrs[i];

		if (!fk_same_subnet(b, gone.ifindex, gone.addr, gone.plen)) {
			i++;
		} else if (fk.promote) {
			b->flags &= ~IFA_F_SECONDARY;
			return;
		} else {
			fk_addr_remove(b);
		}
	}
}

static void fk_iface_events(void);

/* Does the request for a carry a broadcast address (as the kernel would keep it)? */
static uint8_t
fk_has_brd(int cmd, const struct ifmsg_addr *a)
{
	struct nl_msg *msg = ifmsg_addr(cmd, a);
	struct nlattr *tb[IFA_MAX + 1];
	uint8_t brd;

	assert_non_null(msg);
	assert_int_equal(nlmsg_parse(nlmsg_hdr(msg), sizeof(struct ifaddrmsg), tb, IFA_MAX, NULL),
	    0);
	brd = tb[IFA_BROADCAST] != NULL;
	nlmsg_free(msg);
	return brd;
}

static int
fk_addr_op(void *arg, int cmd, const struct ifmsg_addr *a, char *err, size_t errlen)
{
	struct fk_addr *k = fk_addr_at(a->ifindex, a->family, a->addr, a->plen);
	int rc = fk_refused(err, errlen);
	char text[96];

	if (rc == 0 && cmd == RTM_NEWADDR && k != NULL) {
		snprintf(err, errlen, "File exists");
		rc = -EEXIST;
	}
	if (rc == 0 && cmd == RTM_DELADDR && k == NULL) {
		snprintf(err, errlen, "Cannot assign requested address");
		rc = -EADDRNOTAVAIL;
	}
	/* below MTU 1280 the link has no IPv6 state (ipv6_add_dev()) */
	if (rc == 0 && cmd == RTM_NEWADDR && a->family == AF_INET6 && fk_link_at(a->ifindex) &&
	    fk_link_at(a->ifindex)->mtu < 1280) {
		snprintf(err, errlen, "Invalid argument");
		rc = -EINVAL;
	}
	ifmsg_addr_text(a, text, sizeof(text));
	fk_say(rc, "%s %s", cmd == RTM_NEWADDR ? "add" : "del", text);
	if (rc == 0 && cmd == RTM_NEWADDR) {
		fk_addr_add(a->ifindex, a->family, a->addr, a->plen);
		fk.addrs[fk.naddrs - 1].brd = fk_has_brd(cmd, a);
	} else if (rc == 0)
		fk_addr_delete(k);
	if (rc == 0 && fk.addr_events)
		fk_iface_events();
	return rc;
}

static const struct nlreq_ops fake_ops = {
	.route = fk_route,
	.route_delete = fk_route_delete,
	.route_fetch = fk_route_fetch,
	.route_restore = fk_route_restore,
	.route_delete_kept = fk_route_delete_kept,
	.route6 = fk_route6,
	.route6_delete = fk_route6_delete,
	.link = fk_link_op,
	.addr = fk_addr_op,
};

/* ---- the daemon's side ---------------------------------------------------- */

static struct mirror *m, *m6;
static struct iface *ifm;

/* The kernel's events after our requests: the mirror becomes the fake kernel. */
static void
fk_events(struct mirror *mm)
{
	if (fk.iface && mm == m)
		fk_iface_events();
	struct route v[64];
	struct route6 v6[32];

	if (mm == m6) {
		memcpy(v6, fk.v6, fk.n6 * sizeof(v6[0]));
		assert_int_equal(mirror_inject(mm, v6, fk.n6), 0);
		return;
	}
	memcpy(v, fk.v, fk.n * sizeof(v[0]));
	assert_int_equal(mirror_inject(mm, v, fk.n), 0);
}

/* An RTM_NEWLINK event for ifindex, named name, with flags, applied to the interface mirror. */
static void
fk_link_named(int32_t ifindex, unsigned flags, const char *name)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg ifi;
		struct rtattr a;
		char name[16];
	} msg;

	memset(&msg, 0, sizeof(msg));
	msg.h.nlmsg_len = sizeof(msg);
	msg.h.nlmsg_type = RTM_NEWLINK;
	msg.ifi.ifi_family = AF_UNSPEC;
	msg.ifi.ifi_index = ifindex;
	msg.ifi.ifi_flags = flags;
	msg.a.rta_len = RTA_LENGTH(sizeof(msg.name));
	msg.a.rta_type = IFLA_IFNAME;
	snprintf(msg.name, sizeof(msg.name), "%s", name);
	iface_apply(ifm, &msg.h);
}

/* ... for ifindex ("va"). */
static void
fk_link_event(int32_t ifindex, unsigned flags)
{
	fk_link_named(ifindex, flags, "va");
}

/* The interface's address 192.0.2.100/24, applied to the interface mirror. */
static void
fk_addr_event(void)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg ifa;
		struct rtattr a;
		uint8_t addr[4];
	} msg;

	memset(&msg, 0, sizeof(msg));
	msg.h.nlmsg_len = sizeof(msg);
	msg.h.nlmsg_type = RTM_NEWADDR;
	msg.ifa.ifa_family = AF_INET;
	msg.ifa.ifa_prefixlen = 24;
	msg.ifa.ifa_index = IFA;
	msg.a.rta_len = RTA_LENGTH(4);
	msg.a.rta_type = IFA_LOCAL;
	memcpy(msg.addr, (uint8_t[]){ 192, 0, 2, 100 }, 4);
	iface_apply(ifm, &msg.h);
}

/* An IPv6 address of the interface (2001:db8:1::100/64 at setup). */
static void
fk_addr6_event(const char *addr)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg ifa;
		struct rtattr a;
		uint8_t addr[16];
	} msg;

	memset(&msg, 0, sizeof(msg));
	msg.h.nlmsg_len = sizeof(msg);
	msg.h.nlmsg_type = RTM_NEWADDR;
	msg.ifa.ifa_family = AF_INET6;
	msg.ifa.ifa_prefixlen = 64;
	msg.ifa.ifa_index = IFA;
	msg.a.rta_len = RTA_LENGTH(16);
	msg.a.rta_type = IFA_ADDRESS;
	assert_int_equal(inet_pton(AF_INET6, addr, msg.addr), 1);
	iface_apply(ifm, &msg.h);
}
/* The fake kernel's links and addresses, as events to the interface mirror. */
/* The broadcast address of a's prefix (the fake keeps whether an address has one, not which). */
static const uint8_t *
fk_brd_of(const struct fk_addr *a)
{
	static uint32_t brd;
	uint32_t local;

	memcpy(&local, a->addr, 4);
	brd = local | htonl(a->plen == 0 ? ~0u : ~(~0u << (32 - a->plen)));
	return (const uint8_t *)&brd;
}

static void
fk_iface_events(void)
{
	size_t n;
	const struct iface_addr *v = iface_addrs(ifm, &n);
	struct iface_addr gone[32];
	size_t ngone = 0;

	for (size_t i = 0; i < fk.nlinks; i++) {
		const struct fk_link *k = &fk.links[i];
		struct nl_msg *msg = fx_link_msg(RTM_NEWLINK, k->ifindex, k->flags, k->name);

		nla_put_u32(msg, IFLA_MTU, k->mtu);
		nla_put_string(msg, IFLA_IFALIAS, k->alias);
		if (k->min_mtu != 0)
			nla_put_u32(msg, IFLA_MIN_MTU, k->min_mtu);
		if (k->max_mtu != 0)
			nla_put_u32(msg, IFLA_MAX_MTU, k->max_mtu);
		if (k->master != 0)
			nla_put_u32(msg, IFLA_MASTER, (uint32_t)k->master);
		iface_apply(ifm, nlmsg_hdr(msg));
		nlmsg_free(msg);
	}
	for (size_t i = 0; i < n && ngone < 32; i++)
		if (fk_addr_at(v[i].ifindex, v[i].family, v[i].addr, v[i].plen) == NULL)
			gone[ngone++] = v[i];
	for (size_t i = 0; i < ngone + fk.naddrs; i++) {
		int del = i < ngone;
		const struct fk_addr *a = del ? NULL : &fk.addrs[i - ngone];
		char text[INET6_ADDRSTRLEN];
		struct nl_msg *msg;

		inet_ntop(del ? gone[i].family : a->family, del ? gone[i].addr : a->addr, text,
		    sizeof(text));
		msg = fx_addr_msg(del ? RTM_DELADDR : RTM_NEWADDR, del ? gone[i].family : a->family,
		    del ? gone[i].ifindex : a->ifindex, text, del ? gone[i].plen : a->plen);
		if (!del) {
			((struct ifaddrmsg *)nlmsg_data(nlmsg_hdr(msg)))->ifa_flags =
			    a->flags | IFA_F_PERMANENT;
			nla_put_u32(msg, IFA_FLAGS, a->flags | IFA_F_PERMANENT);
			if (a->brd)
				nla_put(msg, IFA_BROADCAST, 4, fk_brd_of(a));
		}
		iface_apply(ifm, nlmsg_hdr(msg));
		nlmsg_free(msg);
	}
}

static struct nlreq *q;
static struct writer *w;
static struct txn *txn;
static struct ifset *ifs;
static char dir[64];
static int persist_first; /* call the persisted table's handler first in each phase */
static int hold;          /* ACTION: leave the kernel's answers undelivered */

static struct mib_table route_t = {
	.name = "cimIP4RouteTable",
	.entry = { CIMR_IP4ROUTE_ENTRY },
	.entry_len = sizeof((oid[]){ CIMR_IP4ROUTE_ENTRY }) / sizeof(oid),
};
static struct mib_table persist_t = {
	.name = "cimIP4PersistedRouteTable",
	.entry = { CIMR_PERSIST_ENTRY },
	.entry_len = sizeof((oid[]){ CIMR_PERSIST_ENTRY }) / sizeof(oid),
};

static struct mib_table toy_t = {
	.name = "toyTable",
	.entry = { 1, 3, 6, 1, 4, 1, 32473, 99, 1, 1 },
	.entry_len = 10,
};
static struct mib_table route6_t = {
	.name = "cimIP6RouteTable",
	.entry = { CIMR_IP6ROUTE_ENTRY },
	.entry_len = sizeof((oid[]){ CIMR_IP6ROUTE_ENTRY }) / sizeof(oid),
};
static struct mib_table persist6_t = {
	.name = "cimIP6PersistedRouteTable",
	.entry = { CIMR_PERSIST6_ENTRY },
	.entry_len = sizeof((oid[]){ CIMR_PERSIST6_ENTRY }) / sizeof(oid),
};
static struct mib_table gw_t = {
	.name = "cimAdapterCfgGatewayTable",
	.entry = { CIMR_ADCFG_GW_ENTRY },
	.entry_len = sizeof((oid[]){ CIMR_ADCFG_GW_ENTRY }) / sizeof(oid),
};
/*
 * A handler outside the transaction, as cimTcpip's scalars are (mibtable.c
 * applies them in ACTION itself): commitFailed in ACTION while other_fail.
 */
static int other_fail;

static void
other_set(const struct mib_table *t, netsnmp_agent_request_info *reqinfo,
    netsnmp_request_info *requests)
{
	(void)t;
	if (reqinfo->mode == MODE_SET_ACTION && other_fail)
		netsnmp_set_request_error(reqinfo, requests, SNMP_ERR_COMMITFAILED);
}

static struct mib_table other_t = {
	.name = "otherScalar",
	.entry = { 1, 3, 6, 1, 4, 1, 32473, 99, 2, 1 },
	.entry_len = 10,
	.set = other_set,
};

/*
 * the route table, the persisted one, a toy table, the IPv6 one, the persisted IPv6 one;
 * cimAdapterCfgPermitTcpTable, cimAdapterCfgIpxTable (no rows on Linux); another handler (TS);
 * cimNetAdapterTable, cimAdapterCfgTable, cimAdapterCfgAddressTable; cimAdapterCfgGatewayTable;
 * the other handler again, called last (TZ)
 */
enum { TR, TP, TT, T6, TP6, TN, TX, TS, TA, TC, TD, TG, TZ };

static const struct mib_table *tables[] = { [TR] = &route_t,
	[TP] = &persist_t,
	[TT] = &toy_t,
	[T6] = &route6_t,
	[TP6] = &persist6_t,
	[TS] = &other_t,
	[TG] = &gw_t,
	[TZ] = &other_t };
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* An IPv6 route in table main on the interface. */
static struct route6
R6(const char *dst, uint8_t plen, const char *nh, uint32_t metric, uint8_t proto) {
	return fx_route6(dst, plen, nh, IFA, metric, proto);
}

static struct route
R(uint32_t dst, uint8_t plen, uint32_t nh, uint32_t metric, uint8_t proto) {
	struct route r = fx_route(dst, plen, nh, IFA, metric, proto);

	r.scope = nh ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	return r;
}

/*
 * The kernel: the interface's subnet (proto kernel), 10.60/16 metric 3 and 4 (static),
 * 10.61/16 (bgp, not writable), 10.62/16 one hop of a multipath route (static).
 */
static int
setup(void **state)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	struct writer_config wc;
	char err[256];

	memset(&fk, 0, sizeof(fk));
	fk.v[fk.n++] = R(IP(192, 0, 2, 0), 24, 0, 0, RTPROT_KERNEL);
	fk.v[fk.n++] = R(IP(10, 60, 0, 0), 16, IP(192, 0, 2, 1), 3, RTPROT_STATIC);
	fk.v[fk.n++] = R(IP(10, 60, 0, 0), 16, IP(192, 0, 2, 1), 4, RTPROT_STATIC);
	fk.v[fk.n++] = R(IP(10, 61, 0, 0), 16, IP(192, 0, 2, 1), 0, RTPROT_BGP);
	fk.v[fk.n] = R(IP(10, 62, 0, 0), 16, IP(192, 0, 2, 1), 0, RTPROT_STATIC);
	fk.v[fk.n++].flags |= ROUTE_F_MULTI;
	fk.v6[fk.n6++] = R6("2001:db8:1::", 64, NULL, 256, RTPROT_KERNEL);
	fk.v6[fk.n6++] = R6("2001:db8:60::", 48, "2001:db8:1::1", 3, RTPROT_STATIC);
	fk.v6[fk.n6++] = R6("2001:db8:61::", 48, "2001:db8:1::1", 1024, RTPROT_BGP);
	fk.v6[fk.n6] = R6("2001:db8:62::", 48, "2001:db8:1::2", 1024, RTPROT_STATIC);
	fk.v6[fk.n6++].flags |= ROUTE_F_MULTI;
	fk.v6[fk.n6] = R6("2001:db8:63::", 48, NULL, 5, RTPROT_BOOT);
	fk.v6[fk.n6].type = RTN_BLACKHOLE;
	fk.v6[fk.n6++].ifindex = 1;
	snprintf(dir, sizeof(dir), "/tmp/test_txn.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_non_null(m = mirror_new(&cfg));
	assert_non_null(m6 = mirror_new_family(&rt6_ops, &cfg));
	assert_non_null(ifm = iface_new());
	assert_int_equal(mirror_attach(m, NULL, ifm), 0);
	fk_link_event(IFA, IFF_UP);
	fk_addr_event();
	fk_addr6_event("2001:db8:1::100");
	assert_int_equal(mirror_attach(m6, NULL, ifm), 0);
	fk_events(m);
	fk_events(m6);
	assert_non_null(q = nlreq_fake(&fake_ops, NULL));
	writer_config_default(&wc);
	wc.read_events = fk_events;
	assert_non_null(w = writer_new(m, q, NULL, &wc, dir, NULL, NULL, err, sizeof(err)));
	assert_non_null(txn = txn_new());
	assert_int_equal(txn_bind(txn, &route_t, &mib_set_route_ops, w), 0);
	assert_int_equal(txn_bind(txn, &persist_t, &mib_set_persist_ops, w), 0);
	writer_use_mirror6(w, m6);
	assert_int_equal(iface_watch(ifm, writer_link_changed, w), 0);
	assert_int_equal(txn_bind(txn, &route6_t, &mib_set_route6_ops, w), 0);
	assert_int_equal(txn_bind(txn, &persist6_t, &mib_set_persist6_ops, w), 0);
	assert_int_equal(txn_bind(txn, &gw_t, &mib_set_gateway_ops, w), 0);
	/* The adapter tables, writable through the same transaction. */
	assert_non_null(ifs = ifset_new(w, ifm));
	assert_int_equal(mib_adapter_bind(ifm, NULL), 0);
	mib_adcfg_bind(ifm, m, m6, 1, 1);
	assert_int_equal(mib_adapter_writable(txn, ifs), 0);
	assert_int_equal(mib_adcfg_writable(txn, ifs), 0);
	tables[TN] = mib_adcfg_rowless[0];
	tables[TX] = mib_adcfg_rowless[3];
	tables[TA] = mib_adapter_table;
	tables[TC] = mib_adcfg_table;
	tables[TD] = mib_adcfg_addr_table;
	return 0;
}

static int
teardown(void **state)
{
	char path[128];

	persist_first = hold = 0;
	txn_free(txn);
	ifset_free(ifs);
	writer_free(w);
	nlreq_close(q);
	mirror_free(m);
	mirror_free(m6);
	iface_free(ifm);
	snprintf(path, sizeof(path), "%s/" PERSIST_FILE, dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/" PERSIST6_FILE, dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/" STATICADDR_FILE, dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* ---- running a SET ---------------------------------------------------------- */

/* The varbind lists below leave out the type: INTEGER. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct vb {
	int tbl;
	oid col;
	const char *idx; /* dotted sub-identifiers */
	long v;
	u_char type;   /* 0: INTEGER */
	const char *s; /* the value of an OCTET STRING (NULL: "active") */
};

struct result {
	int status; /* the first error (0: none) */
	int index;  /* its varbind, from 0 */
	int mode;   /* the phase that reported it */
};

static size_t
parse_idx(const char *s, oid *out)
{
	size_t n = 0;

	while (*s != '\0') {
		char *end;

		out[n++] = strtoull(s, &end, 10);
		s = *end == '.' ? end + 1 : end;
	}
	return n;
}

static int
delegated(netsnmp_request_info **reqs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (reqs[i]->delegated)
			return 1;
	return 0;
}

/*
 * The phases carry net-snmp's agent session of the PDU (its requests, its
 * transaction id), as in the agent: a delegated one is on the agent's list
 * (snmp_agent.c, netsnmp_handle_request()) until the loop is over.
 */
static int pdu_asp;
extern netsnmp_agent_session *agent_delegated_list;

static void
asp_delegated(netsnmp_agent_session *asp, int on)
{
	netsnmp_agent_session **p = &agent_delegated_list;

	while (*p != NULL && *p != asp)
		p = &(*p)->next;
	if (on && *p == NULL) {
		asp->next = agent_delegated_list;
		agent_delegated_list = asp;
	} else if (!on && *p != NULL) {
		*p = asp->next;
	}
}

/* Run one phase over the tables; the first varbind in error, if any (reqs: one array). */
static int
phase(int mode, netsnmp_request_info **reqs, size_t n, struct result *res)
{
	netsnmp_agent_request_info ri;
	netsnmp_agent_session asp;
	netsnmp_pdu pdu;

	memset(&ri, 0, sizeof(ri));
	ri.mode = mode;
	memset(&pdu, 0, sizeof(pdu));
	pdu.transid = 4711;
	asp = (netsnmp_agent_session){ .mode = mode,
		.pdu = &pdu,
		.reqinfo = &ri,
		.requests = n > 0 ? reqs[0] : NULL,
		.vbcount = (int)n };
	if (pdu_asp)
		ri.asp = &asp;
	for (int k = 0; k < (int)NTABLES; k++) {
		netsnmp_request_info *head = NULL, **tail = &head;
		int t = persist_first && k < 2 ? 1 - k : k;

		/* This table's varbinds, in order, as net-snmp hands them to its handler. */
		for (size_t i = 0; i < n; i++) {
			if (reqs[i]->index != t)
				continue;
			reqs[i]->next = NULL;
			*tail = reqs[i];
			tail = &reqs[i]->next;
		}
		if (head != NULL)
			tables[t]->set(tables[t], &ri, head);
	}
	asp_delegated(&asp, pdu_asp && delegated(reqs, n));
	/*
	 * The loop: the alarms due (the put-off calls' pass), the kernel's
	 * answers, and the phase's time limit if they do not come.
	 */
	for (int turn = 0; !hold && delegated(reqs, n); turn++) {
		assert_true(turn < 200);
		if (turn == 100)
			txn_timeout(txn);
		run_alarms();
		nlreq_input(q);
	}
	asp_delegated(&asp, 0);
	for (size_t i = 0; i < n; i++)
		if (reqs[i]->status != 0 && res->status == 0) {
			res->status = reqs[i]->status;
			res->index = (int)i;
			res->mode = mode;
		}
	return res->status != 0;
}

/*
 * The requests of the varbinds v, in one array as net-snmp's agent session
 * holds them (asp->requests, pdu_failed()); vb_free() frees them.
 */
static void
vb_reqs(const struct vb *v, size_t n, netsnmp_request_info **reqs)
{
	netsnmp_request_info *all = calloc(n ? n : 1, sizeof(*all));

	assert_non_null(all);
	for (size_t i = 0; i < n; i++) {
		const struct mib_table *t = tables[v[i].tbl];
		netsnmp_variable_list *vb = calloc(1, sizeof(*vb));
		oid name[MAX_OID_LEN];
		size_t len = t->entry_len;
		u_char type = v[i].type ? v[i].type : ASN_INTEGER;

		memcpy(name, t->entry, len * sizeof(oid));
		name[len++] = v[i].col;
		len += parse_idx(v[i].idx, name + len);
		assert_non_null(vb);
		snmp_set_var_objid(vb, name, len);
		if (type == ASN_IPADDRESS)
			snmp_set_var_typed_value(vb, type, v[i].s, 4);
		else if (type == ASN_OCTET_STR)
			snmp_set_var_typed_value(vb, type, v[i].s ? v[i].s : "active",
			    strlen(v[i].s ? v[i].s : "active"));
		else
			snmp_set_var_typed_value(vb, type, &v[i].v, sizeof(long));
		reqs[i] = &all[i];
		reqs[i]->requestvb = vb;
		reqs[i]->index = v[i].tbl;
	}
	if (n == 0)
		free(all);
}

static void
vb_free(netsnmp_request_info **reqs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snmp_free_var(reqs[i]->requestvb);
	if (n > 0)
		free(reqs[0]);
}

static struct result
run(const struct vb *v, size_t n)
{
	netsnmp_request_info *reqs[128];
	struct result res = { 0, -1, 0 };

	assert_true(n <= 128);
	vb_reqs(v, n, reqs);
	/* net-snmp's order (snmp_agent.c handle_set): an error in a reserve phase frees. */
	if (phase(MODE_SET_RESERVE1, reqs, n, &res) || phase(MODE_SET_RESERVE2, reqs, n, &res))
		phase(MODE_SET_FREE, reqs, n, &res);
	else if (phase(MODE_SET_ACTION, reqs, n, &res))
		phase(MODE_SET_UNDO, reqs, n, &res);
	else
		phase(MODE_SET_COMMIT, reqs, n, &res);
	vb_free(reqs, n);
	return res;
}

/* The kernel's routes as one sorted text, to compare before and after. */
static void
kernel_text(char *buf, size_t len)
{
	struct route v[64];
	struct route6 v6[32];
	size_t off = 0;

	memcpy(v, fk.v, fk.n * sizeof(v[0]));
	route_sort_unique(v, fk.n);
	buf[0] = '\0';
	for (size_t i = 0; i < fk.n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%08x/%u %08x %u %u|", v[i].dst,
		    v[i].plen, v[i].nexthop, v[i].metric, v[i].proto);
	memcpy(v6, fk.v6, fk.n6 * sizeof(v6[0]));
	route6_sort_unique(v6, fk.n6);
	for (size_t i = 0; i < fk.n6 && off < len; i++) {
		struct route6 r = v6[i];
		char d[INET6_ADDRSTRLEN], h[INET6_ADDRSTRLEN];

		off += (size_t)snprintf(buf + off, len - off, "%s/%u %s %u %u|",
		    inet_ntop(AF_INET6, r.dst, d, sizeof(d)), r.plen,
		    inet_ntop(AF_INET6, r.nexthop, h, sizeof(h)), r.metric, r.proto);
	}
}

/* A SET that must be refused with status (in a reserve phase) and change nothing. */
#define REFUSED(want_, ...)                                                                    \
	do {                                                                                   \
		const struct vb set_[] = { __VA_ARGS__ };                                      \
		char before_[2048], after_[2048];                                              \
		struct result res_;                                                            \
		size_t np_ = w->persist.n, nw_ = w->pending.n, nw6_ = w->pending6.n;           \
                                                                                               \
		kernel_text(before_, sizeof(before_));                                         \
		fk.log[0] = '\0';                                                              \
		res_ = run(set_, sizeof(set_) / sizeof(set_[0]));                              \
		assert_int_equal(res_.status, want_);                                          \
		assert_true(res_.mode == MODE_SET_RESERVE1 || res_.mode == MODE_SET_RESERVE2); \
		kernel_text(after_, sizeof(after_));                                           \
		assert_string_equal(before_, after_);                                          \
		assert_string_equal(fk.log, "");                                               \
		assert_int_equal(w->persist.n, np_);                                           \
		assert_int_equal(w->pending.n, nw_);                                           \
		assert_int_equal(w->pending6.n, nw6_);                                         \
	} while (0)

/* Index strings: route table (dst mask nexthop ifindex table tos metric), persisted. */
#define RIDX(d, m, h, ifx, table, tos, metric) \
	d "." m "." h "." #ifx "." #table "." #tos "." #metric
#define GOOD RIDX("10.9.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 20)
#define R60  RIDX("10.60.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 3)
#define R61  RIDX("10.61.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 0)
#define R62  RIDX("10.62.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 0)
#define PIDX "10.50.0.0.255.255.0.0.192.0.2.1.5"

#define C_METRIC1 COL_IP4ROUTE_METRIC1
#define C_METRIC2 COL_IP4ROUTE_METRIC2
#define C_TYPE    COL_IP4ROUTE_TYPE
#define C_RS      COL_IP4ROUTE_ROWSTATUS
#define C_PST     COL_PERSIST_STORAGETYPE
#define C_PRS     COL_PERSIST_ROWSTATUS

/* ---- refusals in RESERVE1 --------------------------------------------------- */

static void
test_reserve1_refusals(void **state)
{
	/* wrongType: a string, a Gauge32 */
	REFUSED(SNMP_ERR_WRONGTYPE, { TR, C_RS, GOOD, 0, ASN_OCTET_STR });
	REFUSED(SNMP_ERR_WRONGTYPE, { TR, C_METRIC1, GOOD, 5, ASN_GAUGE });
	/* wrongValue: each column's range */
	REFUSED(SNMP_ERR_WRONGVALUE, { TR, C_RS, GOOD, 4 }, { TR, C_METRIC1, GOOD, -5 });
	REFUSED(SNMP_ERR_WRONGVALUE, { TR, C_RS, GOOD, 4 }, { TR, C_METRIC2, GOOD, 5 });
	REFUSED(SNMP_ERR_WRONGVALUE, { TR, C_RS, GOOD, 4 }, { TR, C_TYPE, GOOD, 1 });
	REFUSED(SNMP_ERR_WRONGVALUE, { TR, C_RS, GOOD, 3 }); /* notReady */
	REFUSED(SNMP_ERR_WRONGVALUE, { TR, C_RS, GOOD, 7 });
	REFUSED(SNMP_ERR_WRONGVALUE, { TP, C_PST, PIDX, 1 });
	REFUSED(SNMP_ERR_WRONGVALUE, { TP, C_PRS, PIDX, 5 }); /* createAndWait */
	/* notWritable: a read-only column, a name outside the entry */
	REFUSED(SNMP_ERR_NOTWRITABLE, { TR, COL_IP4ROUTE_AGE, GOOD, 1 });
	REFUSED(SNMP_ERR_NOTWRITABLE, { TP, COL_PERSIST_CAPTION, PIDX, 1 });
	/* noCreation: an index that cannot exist */
	REFUSED(SNMP_ERR_NOCREATION, { TR, C_RS, "10.9.0.0.255.255.0.0.192.0.2.1.2.254.0", 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TR, C_RS, RIDX("10.9.0.256", "255.255.0.0", "192.0.2.1", 2, 254, 0, 20), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "192.0.2.1", 2, 0, 0, 20), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 256, 20), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP, C_PRS, "10.50.0.0.255.255.0.0.192.0.2.1.2147483648", 4 });
	/* inconsistentValue: two different values for one object */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, GOOD, 4 }, { TR, C_RS, GOOD, 6 });
}

/* A refusal of RESERVE1 is logged in one line, with its table, column, index and reason. */
#define LOGGED(line_, ...)                                       \
	do {                                                     \
		logged[0] = '\0';                                \
		REFUSED(__VA_ARGS__);                            \
		assert_string_equal(logged, "set: " line_ "\n"); \
	} while (0)

static void
test_reserve1_logged(void **state)
{
	LOGGED("refused (wrongType): cimIP4RouteTable column 24 index " GOOD
	       ": the value's type is not the column's",
	    SNMP_ERR_WRONGTYPE, { TR, C_RS, GOOD, 0, ASN_OCTET_STR });
	LOGGED("refused (wrongValue): cimIP4RouteTable column 24 index " GOOD
	       ": the column cannot have this value",
	    SNMP_ERR_WRONGVALUE, { TR, C_RS, GOOD, 7 });
	LOGGED("refused (notWritable): cimIP4RouteTable column 8 index " GOOD
	       ": not a writable column",
	    SNMP_ERR_NOTWRITABLE, { TR, COL_IP4ROUTE_AGE, GOOD, 1 });
	LOGGED("refused (inconsistentValue): cimIP4RouteTable column 24 index " GOOD
	       ": two different values for one object",
	    SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, GOOD, 4 }, { TR, C_RS, GOOD, 6 });
	LOGGED(
	    "refused (noCreation): cimIP4RouteTable index 10.9.0.0.255.255.0.0.192.0.2.1.2.254.0: "
	    "not destination, mask, next hop (0..255 each), interface, table 1.., tos 0..255 "
	    "and metric",
	    SNMP_ERR_NOCREATION, { TR, C_RS, "10.9.0.0.255.255.0.0.192.0.2.1.2.254.0", 4 });
	LOGGED("refused (noCreation): cimIP4PersistedRouteTable index "
	       "10.50.0.0.255.255.0.0.192.0.2.1.2147483648: not destination, mask, next hop "
	       "(0.0.0.0 names no interface) and metric 0..2147483647",
	    SNMP_ERR_NOCREATION, { TP, C_PRS, "10.50.0.0.255.255.0.0.192.0.2.1.2147483648", 4 });
}

/* An index no row of the adapter tables can have: one line each, as the route tables'. */
#define IFX_WHY "not an interface index 1..2147483647"
#define ADDR_WHY                                                                        \
	"not interface index 1.., address type ipv4(1) or ipv6(2), address of 4 or 16 " \
	"(0..255 each) and prefix length 0..255"
#define GW_WHY                                                                          \
	"not interface index 1.., address type ipv4(1) or ipv6(2), gateway of 4 or 16 " \
	"(0..255 each) and metric 0..4294967295"
#define NOCREATION(table, idx, why) "refused (noCreation): " table " index " idx ": " why
#define NONE_WHY                    "not an interface index 1..2147483647 and a position 1..1024"
#define IPX_WHY                     "not an interface index 1..2147483647 and a position 1..16"

static void
test_index_logged(void **state)
{
	LOGGED(NOCREATION("cimNetAdapterTable", "0", IFX_WHY), SNMP_ERR_NOCREATION,
	    { TA, COL_ADAPTER_NETENABLED, "0", 1 });
	LOGGED(NOCREATION("cimAdapterCfgTable", "2.1", IFX_WHY), SNMP_ERR_NOCREATION,
	    { TC, COL_ADCFG_MTU, "2.1", 1400 });
	LOGGED(NOCREATION("cimAdapterCfgAddressTable", "2.1.4.192.0.2.300.24", ADDR_WHY),
	    SNMP_ERR_NOCREATION, { TD, COL_ADCFG_ADDR_ROWSTATUS, "2.1.4.192.0.2.300.24", 4 });
	LOGGED(NOCREATION("cimAdapterCfgAddressTable", "2.1.4.192.0.2.9", ADDR_WHY),
	    SNMP_ERR_NOCREATION, { TD, COL_ADCFG_ADDR_ROWSTATUS, "2.1.4.192.0.2.9", 4 });
	LOGGED(NOCREATION("cimAdapterCfgGatewayTable", "2.3.4.192.0.2.9.20", GW_WHY),
	    SNMP_ERR_NOCREATION, { TG, COL_ADCFG_GW_ROWSTATUS, "2.3.4.192.0.2.9.20", 4 });
	LOGGED(NOCREATION("cimAdapterCfgGatewayTable", "2.1.4.192.0.2.9", GW_WHY),
	    SNMP_ERR_NOCREATION, { TG, COL_ADCFG_GW_ROWSTATUS, "2.1.4.192.0.2.9", 4 });
	LOGGED(NOCREATION("cimAdapterCfgPermitTcpTable", "2", NONE_WHY), SNMP_ERR_NOCREATION,
	    { TN, COL_ADCFG_PERMIT_ROWSTATUS, "2", 6 });
	LOGGED(NOCREATION("cimAdapterCfgIpxTable", "2.0", IPX_WHY), SNMP_ERR_NOCREATION,
	    { TX, COL_ADCFG_IPX_ROWSTATUS, "2.0", 6 });
	/* Positions beyond the MIB's range (1..1024, 1..16): no such row can exist. */
	LOGGED(NOCREATION("cimAdapterCfgPermitTcpTable", "2.1025", NONE_WHY), SNMP_ERR_NOCREATION,
	    { TN, COL_ADCFG_PERMIT_ROWSTATUS, "2.1025", 6 });
	LOGGED(NOCREATION("cimAdapterCfgIpxTable", "2.17", IPX_WHY), SNMP_ERR_NOCREATION,
	    { TX, COL_ADCFG_IPX_ROWSTATUS, "2.17", 6 });
}

static void
test_wrong_length(void **state)
{
	netsnmp_variable_list vb;
	netsnmp_request_info req;
	netsnmp_agent_request_info ri;
	oid name[MAX_OID_LEN];
	size_t len = route_t.entry_len;
	long v = 4;

	memcpy(name, route_t.entry, len * sizeof(oid));
	name[len++] = C_RS;
	len += parse_idx(GOOD, name + len);
	memset(&vb, 0, sizeof(vb));
	snmp_set_var_objid(&vb, name, len);
	snmp_set_var_typed_value(&vb, ASN_INTEGER, &v, sizeof(v));
	vb.val_len = 4; /* as an agent that sent a short INTEGER would */
	memset(&req, 0, sizeof(req));
	req.requestvb = &vb;
	memset(&ri, 0, sizeof(ri));
	ri.mode = MODE_SET_RESERVE1;
	route_t.set(&route_t, &ri, &req);
	assert_int_equal(req.status, SNMP_ERR_WRONGLENGTH);
	ri.mode = MODE_SET_FREE;
	route_t.set(&route_t, &ri, &req);
	snmp_free_var_internals(&vb);
}

/* txn_check_printable(): a DisplayString's bytes, 0x20 to 0x7e. */
static int
printable(const char *s, size_t n)
{
	netsnmp_variable_list vb;
	int rc;

	memset(&vb, 0, sizeof(vb));
	snmp_set_var_typed_value(&vb, ASN_OCTET_STR, s, n);
	rc = txn_check_printable(&vb);
	snmp_free_var_internals(&vb);
	return rc;
}

static void
test_check_printable(void **state)
{
	assert_int_equal(printable("", 0), SNMP_ERR_NOERROR);
	assert_int_equal(printable(" az~", 4), SNMP_ERR_NOERROR);
	assert_int_equal(printable("a\tb", 3), SNMP_ERR_WRONGVALUE);
	assert_int_equal(printable("a\x7f", 2), SNMP_ERR_WRONGVALUE);
	assert_int_equal(printable("\xc3\xa9", 2), SNMP_ERR_WRONGVALUE);
	assert_int_equal(printable("a\0b", 3), SNMP_ERR_WRONGVALUE);
}

/* More than TXN_ROWS_MAX rows: resourceUnavailable on the first row too many. */
static void
test_rows_max(void **state)
{
	struct vb v[TXN_ROWS_MAX + 1];
	static char idx[TXN_ROWS_MAX + 1][64];
	struct result res;

	for (int i = 0; i <= TXN_ROWS_MAX; i++) {
		snprintf(idx[i], sizeof(idx[i]), "10.100.%d.0.255.255.255.0.192.0.2.1.2.254.0.0",
		    i);
		v[i] = (struct vb){ TR, C_RS, idx[i], RS_CREATEANDGO, 0 };
	}
	res = run(v, TXN_ROWS_MAX + 1);
	assert_int_equal(res.status, SNMP_ERR_RESOURCEUNAVAILABLE);
	assert_int_equal(res.index, TXN_ROWS_MAX);
	assert_int_equal(res.mode, MODE_SET_RESERVE1);
	assert_string_equal(fk.log, "");
}

/* ---- refusals in RESERVE2 --------------------------------------------------- */

static void
test_reserve2_refusals(void **state)
{
	/* wrongValue: a non-contiguous mask */
	REFUSED(SNMP_ERR_WRONGVALUE,
	    { TR, C_RS, RIDX("10.9.0.0", "255.0.255.0", "192.0.2.1", 2, 254, 0, 20), 4 });
	/* inconsistentValue */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TR, C_RS, RIDX("10.9.0.1", "255.255.0.0", "192.0.2.1", 2, 254, 0, 20), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "203.0.113.1", 2, 254, 0, 20), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "192.0.2.1", 999, 254, 0, 20), 4 });
	/* The subnet's broadcast address as next hop, with or without the interface. */
	LOGGED("refused (inconsistentValue): cimIP4RouteTable row 10.9.0.0 mask 255.255.0.0 next "
	       "hop 192.0.2.255 ifindex 2 table 254 tos 0 metric 20: cannot create the route: "
	       "next hop 192.0.2.255 is a broadcast address of a subnet of this host",
	    SNMP_ERR_INCONSISTENTVALUE,
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "192.0.2.255", 2, 254, 0, 20), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "192.0.2.255", 0, 254, 0, 20), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "192.0.2.1", 0, 254, 0, 20), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, R60, 4 }); /* exists */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, GOOD, 4 }, { TR, C_METRIC1, GOOD, 21 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, GOOD, 4 }, { TR, C_TYPE, GOOD, 2 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, GOOD, 4 }, { TR, C_TYPE, GOOD, 3 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, /* Linux keeps one route per dst, tos, metric */
	    { TR, C_RS, RIDX("10.60.0.0", "255.255.0.0", "192.0.2.7", 2, 254, 0, 3), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, GOOD, 2 }); /* notInService: no row */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, R60, 2 });  /* a kernel route */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_METRIC1, R60, -1 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, R60, 6 }, { TR, C_METRIC1, R60, 9 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, /* a metric move onto another route's key */
	    { TR, C_METRIC1, RIDX("10.60.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 4), 3 });
	/* inconsistentName: a column of a row that does not exist, without RowStatus */
	REFUSED(SNMP_ERR_INCONSISTENTNAME, { TR, C_METRIC1, GOOD, 20 });
	REFUSED(SNMP_ERR_INCONSISTENTNAME, { TP, C_PST, PIDX, 3 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TP, C_PRS, PIDX, 1 });
	/* noCreation: tables that cannot get routes, ECN bits */
	REFUSED(SNMP_ERR_NOCREATION,
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "192.0.2.1", 2, 100, 0, 20), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "192.0.2.1", 2, 255, 0, 20), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 1, 20), 4 });
	/* notWritable: another protocol's route, one hop of a multipath route */
	REFUSED(SNMP_ERR_NOTWRITABLE, { TR, C_RS, R61, 6 });
	REFUSED(SNMP_ERR_NOTWRITABLE, { TR, C_METRIC1, R61, 7 });
	REFUSED(SNMP_ERR_NOTWRITABLE, { TR, C_RS, R62, 6 });
	/* resourceUnavailable: the route to move cannot be read back from the kernel */
	fk.fetch_fail = 1;
	REFUSED(SNMP_ERR_RESOURCEUNAVAILABLE, { TR, C_METRIC1, R60, 30 });
	fk.fetch_fail = 0;
	/* The interface mirror says the interface is down (an event read before the SET). */
	fk_link_event(IFA, 0);
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, GOOD, 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TP, C_PRS, PIDX, 4 });
	fk_link_event(IFA, IFF_UP);
	/* Destroying a row that does not exist is noError (RFC 2579), and changes nothing. */
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TR, C_RS, GOOD, 6 } }, 1).status, 0);
	assert_string_equal(fk.log, "");
}

/* Rows of one SET are checked together, across both tables. */
static void
test_rows_together(void **state)
{
	/* Two rows installing at one kernel key (dst, tos, metric). */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, GOOD, 4 },
	    { TR, C_RS, RIDX("10.9.0.0", "255.255.0.0", "192.0.2.7", 2, 254, 0, 20), 4 });
	/* A persisted row adopting the kernel's 10.60/16 while a route row deletes it. */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, R60, 6 },
	    { TP, C_PRS, "10.60.0.0.255.255.0.0.192.0.2.1.3", 4 });
	/* A persisted route at the key a route row creates. */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TR, C_RS, RIDX("10.50.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 5), 4 },
	    { TP, C_PRS, PIDX, 4 });
}

/* createAndWait beyond PENDING_MAX rows: resourceUnavailable. */
static void
test_pending_max(void **state)
{
	for (uint32_t i = 0; i < PENDING_MAX; i++) {
		struct route r = R(IP(10, 200, 0, 0) + i * 256, 24, IP(192, 0, 2, 1), 0, 0);

		assert_int_equal(pending_add(&w->pending, &r), 0);
	}
	REFUSED(SNMP_ERR_RESOURCEUNAVAILABLE, { TR, C_RS, GOOD, 5 });
}

/* Gateway rows (ifindex, ipv4(1), 4, address, metric) and their columns. */
#define GIDX(gw, metric) "2.1.4." gw "." #metric
#define C_GST            COL_ADCFG_GW_STORAGETYPE
#define C_GRS            COL_ADCFG_GW_ROWSTATUS

/* Does the fake kernel have the default route via gw (a dotted "c0000201") at metric? */
static int
has_default(const char *gw, uint32_t metric)
{
	char k[2048], want[64];

	kernel_text(k, sizeof(k));
	snprintf(want, sizeof(want), "00000000/0 %s %u ", gw, metric);
	return strstr(k, want) != NULL;
}

/* SetGateways(): a new gateway is a persisted row; a SET replaces gateways at one key. */
static void
test_gateways(void **state)
{
	static const char *const idx[] = { GIDX("192.0.2.21", 1), GIDX("192.0.2.21", 2),
		GIDX("192.0.2.22", 3), GIDX("192.0.2.22", 4), GIDX("192.0.2.23", 5),
		GIDX("192.0.2.23", 6) };
	struct vb six[6];

	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.1", 10), 4 } }, 1).status,
	    0);
	assert_int_equal(w->persist.n, 1);
	assert_false(w->persist.v[0].is_volatile);
	assert_true(has_default("c0000201", 10));
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, GIDX("192.0.2.1", 10), 4 }); /* exists */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, GIDX("192.0.2.9", 0), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, GIDX("192.0.2.9", 10000), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, GIDX("203.0.113.1", 20), 4 });
	/* the interface's own address: WMI's way of clearing, which a row cannot be */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, GIDX("192.0.2.100", 20), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, "999.1.4.192.0.2.9.20", 4 });
	REFUSED(SNMP_ERR_NOCREATION, { TG, C_GRS, "2.1.4.192.0.2.9", 4 });
	REFUSED(SNMP_ERR_NOCREATION, { TG, C_GRS, "2.1.16.192.0.2.9.20", 4 });
	REFUSED(SNMP_ERR_WRONGVALUE, { TG, C_GRS, GIDX("192.0.2.9", 20), 5 });
	REFUSED(SNMP_ERR_WRONGVALUE, { TG, C_GST, GIDX("192.0.2.9", 20), 1 },
	    { TG, C_GRS, GIDX("192.0.2.9", 20), 4 });
	/* WMI takes at most five gateways (IPv4 keeps one default route a metric) */
	for (int i = 0; i < 6; i++)
		six[i] = (struct vb){ TG, C_GRS, idx[i], 4 };
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, six[0], six[1], six[2], six[3], six[4], six[5]);
	assert_int_equal(run(six, 5).status, 0);
	assert_int_equal(w->persist.n, 6);
	/* Replaced at the same metric in one SET: the old route is deleted first. */
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.1", 10), 6 },
				 { TG, C_GRS, GIDX("192.0.2.7", 10), 4 } },
			     2)
			     .status,
	    0);
	assert_false(has_default("c0000201", 10));
	assert_true(has_default("c0000207", 10));
	/* ... and the other way round: the destroy is applied first all the same. */
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.1", 10), 4 },
				 { TG, C_GRS, GIDX("192.0.2.7", 10), 6 } },
			     2)
			     .status,
	    0);
	assert_string_equal(fk.log, "del 0.0.0.0/0 m10; add 0.0.0.0/0 m10");
	assert_true(has_default("c0000201", 10));
	assert_false(has_default("c0000207", 10));
}

/* A volatile gateway; a default route cimrouted did not make goes through its live row. */
static void
test_gateway_kinds(void **state)
{
	size_t n;

	assert_int_equal(run((struct vb[]){ { TG, C_GST, GIDX("192.0.2.1", 10), 2 },
				 { TG, C_GRS, GIDX("192.0.2.1", 10), 4 } },
			     2)
			     .status,
	    0);
	assert_int_equal(w->persist.n, 1);
	assert_true(w->persist.v[0].is_volatile);
	fk.v[fk.n++] = R(0, 0, IP(192, 0, 2, 254), 100, RTPROT_STATIC);
	fk.v[fk.n++] = R(0, 0, IP(192, 0, 2, 253), 200, RTPROT_BGP);
	fk_events(m);
	n = fk.n;
	REFUSED(SNMP_ERR_NOTWRITABLE, { TG, C_GRS, GIDX("192.0.2.253", 200), 6 });
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.254", 100), 6 } }, 1).status,
	    0);
	assert_int_equal(fk.n, n - 1);
	assert_false(has_default("c00002fe", 100));
	assert_int_equal(w->persist.n, 1);
	/* Destroying a gateway that is not there is noError and changes nothing. */
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.77", 1), 6 } }, 1).status,
	    0);
	assert_string_equal(fk.log, "");
}

/* SetGateways() in the interface's cimAdapterCfgLastMethod (23) and LastResult. */
static void
test_gateway_records(void **state)
{
	const struct ifrec *rec;

	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, GIDX("192.0.2.9", 10000), 4 });
	assert_non_null(rec = ifset_rec(ifs, IFA));
	assert_int_equal(rec->cfg_method, 23);
	assert_int_equal(rec->cfg_result, 90);
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, GIDX("203.0.113.1", 20), 4 });
	assert_int_equal(ifset_rec(ifs, IFA)->cfg_result, 71);
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.1", 10), 4 } }, 1).status,
	    0);
	assert_int_equal(ifset_rec(ifs, IFA)->cfg_result, 0);
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, GIDX("192.0.2.1", 10), 4 });
	assert_int_equal(ifset_rec(ifs, IFA)->cfg_result, 93);
	/*
	 * The kernel refuses a step of the SET: the route table's delete (its
	 * handler comes first), then the gateway.  A gateway not applied leaves
	 * the record as it was (93); one the kernel refused records 65.
	 */
	static const struct {
		unsigned fail;
		int result;
	} refusals[] = { { 1u << 1, 93 }, { 1u << 2, 65 } };
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		fk.calls = 0;
		fk.fail = refusals[i].fail;
		assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.2", 11), 4 },
					 { TR, C_RS, R60, 6 } },
				     2)
				     .status,
		    SNMP_ERR_COMMITFAILED);
		fk.fail = 0;
		assert_false(has_default("c0000202", 11));
		assert_int_equal(ifset_rec(ifs, IFA)->cfg_result, refusals[i].result);
	}
	/*
	 * Two gateways of one interface, the kernel refusing the second: undoing
	 * the first leaves the second's code, not the record before the SET (90).
	 */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, GIDX("192.0.2.9", 10000), 4 });
	assert_int_equal(ifset_rec(ifs, IFA)->cfg_result, 90);
	fk.calls = 0;
	fk.fail = 1u << 2;
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.3", 12), 4 },
				 { TG, C_GRS, GIDX("192.0.2.4", 13), 4 } },
			     2)
			     .status,
	    SNMP_ERR_COMMITFAILED);
	fk.fail = 0;
	assert_false(has_default("c0000203", 12));
	assert_int_equal(ifset_rec(ifs, IFA)->cfg_method, 23);
	assert_int_equal(ifset_rec(ifs, IFA)->cfg_result, 65);
}

/*
 * An existing gateway: a route that a persisted row adopted stays with that
 * row; StorageType only at creation; an interface that is not there.
 */
static void
test_gateway_existing(void **state)
{
	fk.v[fk.n++] = R(0, 0, IP(192, 0, 2, 254), 100, RTPROT_STATIC);
	fk_events(m);
	assert_int_equal(
	    run((struct vb[]){ { TP, C_PRS, "0.0.0.0.0.0.0.0.192.0.2.254.100", 4 } }, 1).status, 0);
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, GIDX("192.0.2.254", 100), 6 });
	assert_int_equal(
	    run((struct vb[]){ { TP, C_PRS, "0.0.0.0.0.0.0.0.192.0.2.254.100", 6 } }, 1).status, 0);
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GST, GIDX("192.0.2.254", 100), 2 });
	assert_int_equal(
	    run((struct vb[]){ { TG, C_GRS, "999.1.4.192.0.2.254.100", 6 } }, 1).status, 0);
	assert_true(has_default("c00002fe", 100));
}

/*
 * A gateway whose link is down: the kernel dropped its route, and its
 * persisted row waits to install it again.  Destroying the gateway row
 * destroys that row (it answered noError and left the row, whose route came
 * back with the link).
 */
static void
test_gateway_link_down(void **state)
{
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.1", 10), 4 } }, 1).status,
	    0);
	assert_int_equal(w->persist.n, 1);
	fk.n--; /* the link goes down, and its routes with it */
	fk_link_event(IFA, 0);
	fk_events(m);
	assert_false(has_default("c0000201", 10));
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.1", 10), 6 } }, 1).status,
	    0);
	assert_int_equal(w->persist.n, 0);
	/* a gateway of another interface at that key is not this interface's to destroy */
	fk_link_event(IFA, IFF_UP);
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.1", 10), 4 } }, 1).status,
	    0);
	fk.n--;
	fk_link_event(IFA, 0);
	fk_link_named(3, 0, "vb");
	fk_events(m);
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, "3.1.4.192.0.2.1.10", 6 } }, 1).status, 0);
	assert_int_equal(w->persist.n, 1);
	fk_link_event(IFA, IFF_UP);
}

/* An IPv6 gateway: a persisted IPv6 row naming the link, its route through it. */
static void
test_gateway6(void **state)
{
	static const char *gw = "2.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.5";
	char k[2048];

	assert_int_equal(run((struct vb[]){ { TG, C_GRS, gw, 4 } }, 1).status, 0);
	assert_int_equal(w->persist6.n, 1);
	assert_string_equal(w->persist6.v[0].ifname, "va");
	kernel_text(k, sizeof(k));
	assert_non_null(strstr(k, "::/0 fe80::1 5 "));
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, gw, 4 });
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, gw, 6 } }, 1).status, 0);
	assert_int_equal(w->persist6.n, 0);
	kernel_text(k, sizeof(k));
	assert_null(strstr(k, "::/0 fe80::1 5 "));
}

/*
 * An IPv6 gateway row at one of the interface's own addresses, link-local
 * (Linux refuses it as a gateway: "Gateway can not be a local address"):
 * refused in RESERVE2 with 71, as an IPv4 one is, not left to the kernel to
 * refuse in ACTION (commitFailed).
 */
static void
test_gateway6_own(void **state)
{
	fk_addr6_event("fe80::100");
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TG, C_GRS, "2.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.1.0.5", 4 });
	assert_int_equal(ifset_rec(ifs, IFA)->cfg_result, 71);
	/* another link-local address on the link is a gateway */
	assert_int_equal(run((struct vb[]){ { TG, C_GRS,
				 "2.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.1.1.5", 4 } },
			     1)
			     .status,
	    0);
}

/* A route of a persisted row is changed through the persisted table only. */
static void
test_persisted_owner(void **state)
{
	assert_int_equal(run((struct vb[]){ { TP, C_PRS, PIDX, 4 } }, 1).status, 0);
	assert_int_equal(w->persist.n, 1);
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TR, C_RS, RIDX("10.50.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 5), 6 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TP, C_PRS, PIDX, 4 }); /* exists */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TP, C_PRS, PIDX, 1 }, { TP, C_PST, PIDX, 2 });
}

/*
 * Next hop 0.0.0.0 names no interface: no such persisted row, and a row
 * never matches a route through an IPv6 gateway (RFC 5549) nor a direct
 * route, whose entries have next hop 0 too: it could not install them again.
 */
static void
test_persisted_no_gateway(void **state)
{
	uint8_t gw[16] = { 0xfe, 0x80, [15] = 1 };
	struct proute zero = { .dst = IP(10, 70, 0, 0), .plen = 16, .metric = 5 };
	struct route *via6, *direct;

	via6 = &fk.v[fk.n++];
	*via6 = R(IP(10, 70, 0, 0), 16, 0, 5, RTPROT_STATIC);
	via6->flags = ROUTE_F_GATEWAY;
	via6->src = route_via6_id(gw, 0);
	direct = &fk.v[fk.n++];
	*direct = R(IP(10, 71, 0, 0), 16, 0, 5, RTPROT_STATIC);
	direct->scope = RT_SCOPE_LINK;
	fk_events(m);
	REFUSED(SNMP_ERR_NOCREATION, { TP, C_PRS, "10.70.0.0.255.255.0.0.0.0.0.0.5", 4 });
	REFUSED(SNMP_ERR_NOCREATION, { TP, C_PRS, "10.71.0.0.255.255.0.0.0.0.0.0.5", 4 });
	/* A row of next hop 0 (as an older file could hold) does not own them. */
	assert_int_equal(persist_insert(&w->persist, &zero), 0);
	assert_null(persist_live(&zero, m));
	assert_null(persist_owner(&w->persist, via6));
	zero.dst = IP(10, 71, 0, 0);
	assert_int_equal(persist_insert(&w->persist, &zero), 0);
	assert_null(persist_live(&zero, m));
	assert_null(persist_owner(&w->persist, direct));
}

/*
 * An RFC 5549 route whose gateway got no id (route_via6_id() ran out):
 * a request could not name it, so no SET deletes or moves it.
 */
static void
test_via6_gateway_unknown(void **state)
{
	struct route *r = &fk.v[fk.n++];

	*r = R(IP(10, 72, 0, 0), 16, 0, 5, RTPROT_STATIC);
	r->flags = ROUTE_F_GATEWAY;
	r->src = 0;
	fk_events(m);
	REFUSED(SNMP_ERR_RESOURCEUNAVAILABLE,
	    { TR, C_RS, RIDX("10.72.0.0", "255.255.0.0", "0.0.0.0", 2, 254, 0, 5), 6 });
	REFUSED(SNMP_ERR_RESOURCEUNAVAILABLE,
	    { TR, C_METRIC1, RIDX("10.72.0.0", "255.255.0.0", "0.0.0.0", 2, 254, 0, 5), 7 });
}

/* ---- ACTION: what is done, and what is undone ------------------------------ */

static void
test_applied(void **state)
{
	struct result res;

	/* createAndGo, a metric move (make before break), a destroy */
	res = run((struct vb[]){ { TR, C_RS, GOOD, 4 }, { TR, C_METRIC1, R60, 30 } }, 2);
	assert_int_equal(res.status, 0);
	assert_string_equal(fk.log,
	    "add 10.9.0.0/16 m20; add 10.60.0.0/16 m30; del 10.60.0.0/16 m3");
	fk.log[0] = '\0';
	res = run((struct vb[]){ { TR, C_RS, GOOD, 6 } }, 1);
	assert_int_equal(res.status, 0);
	assert_string_equal(fk.log, "del 10.9.0.0/16 m20");
	/* createAndWait, then active */
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TR, C_RS, GOOD, 5 } }, 1).status, 0);
	assert_int_equal(w->pending.n, 1);
	assert_string_equal(fk.log, "");
	assert_int_equal(run((struct vb[]){ { TR, C_RS, GOOD, 1 } }, 1).status, 0);
	assert_int_equal(w->pending.n, 0);
	assert_string_equal(fk.log, "add 10.9.0.0/16 m20");
	/* A persisted route: stored, installed, written; destroyed: gone, deleted, written. */
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TP, C_PRS, PIDX, 4 } }, 1).status, 0);
	assert_int_equal(w->persist.n, 1);
	assert_int_equal(run((struct vb[]){ { TP, C_PRS, PIDX, 6 } }, 1).status, 0);
	assert_int_equal(w->persist.n, 0);
	assert_string_equal(fk.log, "add 10.50.0.0/16 m5; del 10.50.0.0/16 m5");
}

/*
 * A SET that fails in ACTION (commitFailed on varbind index) and is undone:
 * the fake kernel saw log, and its routes and the persisted set are as before.
 */
static void
undone(const struct vb *v, size_t n, int index, const char *log)
{
	char before[2048], after[2048];
	size_t np = w->persist.n;
	struct result res;

	kernel_text(before, sizeof(before));
	res = run(v, n);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_int_equal(res.mode, MODE_SET_ACTION);
	if (index >= 0)
		assert_int_equal(res.index, index);
	assert_string_equal(fk.log, log);
	kernel_text(after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(w->persist.n, np);
}

/* The kernel refuses the last step: every step before it is undone, newest first. */
static void
test_undo_newest_first(void **state)
{
	fk.fail = 1u << 5; /* add GOOD, add R60 m30, del R60 m3, del 10.63, add 10.64: refused */
	fk.v[fk.n++] = R(IP(10, 63, 0, 0), 16, IP(192, 0, 2, 1), 0, RTPROT_STATIC);
	fk_events(m);
	undone((struct vb[]){ { TR, C_RS, GOOD, 4 }, { TR, C_METRIC1, R60, 30 },
		   { TR, C_RS, RIDX("10.63.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 0), 6 },
		   { TR, C_RS, RIDX("10.64.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 0), 4 } },
	    4, 3,
	    "add 10.9.0.0/16 m20; add 10.60.0.0/16 m30; del 10.60.0.0/16 m3; del 10.63.0.0/16 m0; "
	    "add 10.64.0.0/16 m0 REFUSED; "
	    "add 10.63.0.0/16 m0; add 10.60.0.0/16 m3; del 10.60.0.0/16 m30; del 10.9.0.0/16 m20");
}

/*
 * A persisted row destroyed whose route the kernel lost already (the event
 * not read yet): the SET succeeds, and the log says the route was gone,
 * not that the kernel refused.
 */
static void
test_pdestroy_gone(void **state)
{
	size_t i = 0;

	assert_int_equal(run((struct vb[]){ { TP, C_PRS, PIDX, 4 } }, 1).status, 0);
	while (i < fk.n && fk.v[i].dst != IP(10, 50, 0, 0))
		i++;
	assert_true(i < fk.n);
	fk.v[i] = fk.v[--fk.n]; /* gone without a message */
	fk.log[0] = logged[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TP, C_PRS, PIDX, 6 } }, 1).status, 0);
	assert_int_equal(w->persist.n, 0);
	assert_string_equal(fk.log, "del 10.50.0.0/16 m5 REFUSED");
	assert_null(strstr(logged, "refused"));
	assert_non_null(strstr(logged, "set: gone already: 10.50.0.0/16"));
}

/* All or nothing across tables: the persisted row's route is refused, the live row undone. */
static void
test_across_tables(void **state)
{
	fk.fail = 1u << 2;
	undone((struct vb[]){ { TR, C_RS, GOOD, 4 }, { TP, C_PRS, PIDX, 4 } }, 2, 1,
	    "add 10.9.0.0/16 m20; add 10.50.0.0/16 m5 REFUSED; del 10.9.0.0/16 m20");
}

/* The state file cannot be written: commitFailed, and every row undone. */
static void
test_save_fails(void **state)
{
	w->persist.save_fails = 1;
	undone((struct vb[]){ { TR, C_RS, R60, 6 }, { TP, C_PRS, PIDX, 4 } }, 2, -1,
	    "del 10.60.0.0/16 m3; add 10.50.0.0/16 m5; del 10.50.0.0/16 m5; add 10.60.0.0/16 m3");
}

/* A written state file is written again by UNDO, with the set as it was. */
static void
test_undo_rewrites_state(void **state)
{
	char path[128], buf[512];
	FILE *f;
	struct result res;

	/* The persisted table's rows are applied and saved first; the route row is refused. */
	persist_first = 1;
	fk.fail = 1u << 2;
	res = run((struct vb[]){ { TP, C_PRS, PIDX, 4 }, { TR, C_RS, GOOD, 4 } }, 2);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log,
	    "add 10.50.0.0/16 m5; add 10.9.0.0/16 m20 REFUSED; del 10.50.0.0/16 m5");
	assert_int_equal(w->persist.n, 0);
	/*
	 * It was written with the row in ACTION; there was none before the SET,
	 * so UNDO removes it (test6_undone_makes_no_file: the same across tables).
	 */
	snprintf(path, sizeof(path), "%s/" PERSIST_FILE, dir);
	assert_null(f = fopen(path, "r"));
	/* With a file before the SET, UNDO writes it again without the row. */
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	fk.log[0] = '\0';
	fk.calls = 0;
	res = run((struct vb[]){ { TP, C_PRS, PIDX, 4 }, { TR, C_RS, GOOD, 4 } }, 2);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_non_null(f = fopen(path, "r"));
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	assert_null(strstr(buf, "10.50.0.0"));
	assert_non_null(strstr(buf, "# cimrouted persisted"));
}

/* Route table requests (INTEGER values), as net-snmp hands them to the handler. */
static void
route_reqs(netsnmp_request_info **reqs, size_t n, const char *const *idx, const oid *col,
    const long *val)
{
	for (size_t i = 0; i < n; i++) {
		oid name[MAX_OID_LEN];
		size_t len = route_t.entry_len;

		memcpy(name, route_t.entry, len * sizeof(oid));
		name[len++] = col[i];
		len += parse_idx(idx[i], name + len);
		reqs[i] = calloc(1, sizeof(*reqs[i]));
		assert_non_null(reqs[i]);
		assert_non_null(reqs[i]->requestvb = calloc(1, sizeof(netsnmp_variable_list)));
		snmp_set_var_objid(reqs[i]->requestvb, name, len);
		snmp_set_var_typed_value(reqs[i]->requestvb, ASN_INTEGER, &val[i], sizeof(long));
	}
}

static void
reqs_free(netsnmp_request_info **reqs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		snmp_free_var(reqs[i]->requestvb);
		free(reqs[i]);
	}
}

/* The undo fails too: UNDO reports undoFailed. */
static void
test_undo_failed_status(void **state)
{
	netsnmp_request_info *reqs[2];
	struct result res = { 0, -1, 0 };
	const char *idx[2] = { GOOD, RIDX("10.64.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 0) };

	fk.fail = 1u << 2 | 1u << 3; /* the second add, and the undo of the first */
	route_reqs(reqs, 2, idx, (oid[]){ C_RS, C_RS }, (long[]){ RS_CREATEANDGO, RS_CREATEANDGO });
	assert_false(phase(MODE_SET_RESERVE1, reqs, 2, &res));
	assert_false(phase(MODE_SET_RESERVE2, reqs, 2, &res));
	assert_true(phase(MODE_SET_ACTION, reqs, 2, &res));
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	for (int i = 0; i < 2; i++)
		reqs[i]->status = 0;
	res.status = 0;
	assert_true(phase(MODE_SET_UNDO, reqs, 2, &res));
	assert_int_equal(res.status, SNMP_ERR_UNDOFAILED);
	assert_string_equal(fk.log,
	    "add 10.9.0.0/16 m20; add 10.64.0.0/16 m0 REFUSED; del 10.9.0.0/16 m20 REFUSED");
	phase(MODE_SET_FREE, reqs, 2, &res);
	reqs_free(reqs, 2);
}

/* The kernel does not answer: commitFailed once the time is up, and the rows before undone. */
static void
test_kernel_silent(void **state)
{
	fk.mute = 1u << 2;
	undone((struct vb[]){ { TR, C_RS, GOOD, 4 },
		   { TR, C_RS, RIDX("10.64.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 0), 4 } },
	    2, 1, "add 10.9.0.0/16 m20; add 10.64.0.0/16 m0 SILENT; del 10.9.0.0/16 m20");
}

/*
 * A SET of GOOD and 10.64.0.0/16 (which the kernel refuses) through RESERVE2
 * and its ACTION (its answers left undelivered when held), then the session
 * to the master closes (snmp/master.c tells txn_master()): no UNDO comes.
 */
static void
lost_master_set(netsnmp_request_info **reqs, int held)
{
	struct result res = { 0, -1, 0 };

	fk.fail = 1u << 2; /* add GOOD, add 10.64: refused */
	route_reqs(reqs, 2,
	    (const char *[]){ GOOD, RIDX("10.64.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 0) },
	    (oid[]){ C_RS, C_RS }, (long[]){ RS_CREATEANDGO, RS_CREATEANDGO });
	assert_false(phase(MODE_SET_RESERVE1, reqs, 2, &res));
	assert_false(phase(MODE_SET_RESERVE2, reqs, 2, &res));
	hold = held;
	assert_int_equal(phase(MODE_SET_ACTION, reqs, 2, &res), !held);
	txn_master(NULL, txn);
}

/* Deliver the kernel's answers until none is awaited. */
static void
answer_all(void)
{
	for (int turn = 0; nlreq_inflight(q) > 0; turn++) {
		assert_true(turn < 20);
		nlreq_input(q);
	}
}

/* The kernel is as before, and a new SET (creating GOOD) goes through every phase. */
static void
fresh_set_works(const char *before)
{
	char after[2048];
	netsnmp_request_info *next[1];
	struct result res = { 0, -1, 0 };

	kernel_text(after, sizeof(after));
	assert_string_equal(before, after);
	hold = 0;
	route_reqs(next, 1, (const char *[]){ GOOD }, (oid[]){ C_RS }, (long[]){ RS_CREATEANDGO });
	assert_false(phase(MODE_SET_RESERVE1, next, 1, &res));
	assert_false(phase(MODE_SET_RESERVE2, next, 1, &res));
	assert_false(phase(MODE_SET_ACTION, next, 1, &res));
	phase(MODE_SET_COMMIT, next, 1, &res);
	reqs_free(next, 1);
}

/*
 * The master goes away (snmpd killed) after an ACTION that failed, before
 * its UNDO, or while the ACTION still waits for the kernel (held): the SET is
 * undone as its UNDO would have (before, a new master's next SET committed
 * the half that was applied), and a new SET works at once.
 */
static void
master_lost_case(int held)
{
	char before[2048];
	netsnmp_request_info *reqs[2];

	kernel_text(before, sizeof(before));
	lost_master_set(reqs, held);
	answer_all();
	assert_string_equal(fk.log,
	    "add 10.9.0.0/16 m20; add 10.64.0.0/16 m0 REFUSED; del 10.9.0.0/16 m20");
	fresh_set_works(before);
	reqs_free(reqs, 2);
}

static void
test_master_lost_before_undo(void **state)
{
	master_lost_case(0);
}

static void
test_master_lost_in_action(void **state)
{
	master_lost_case(1);
}

/*
 * A new master's SET while the UNDO of the SET the lost master left is still
 * waiting for the kernel: refused (resourceUnavailable), not allowed to cut
 * that UNDO short, which would leave half the failed SET applied.
 */
static void
test_master_lost_undo_busy(void **state)
{
	char before[2048];
	netsnmp_request_info *reqs[2], *next[1];
	struct result res = { 0, -1, 0 };

	kernel_text(before, sizeof(before));
	lost_master_set(reqs, 1);
	for (int turn = 0; strstr(fk.log, "del 10.9.0.0/16") == NULL; turn++) {
		assert_true(turn < 20);
		nlreq_input(q);
	}
	assert_true(nlreq_inflight(q) > 0); /* the UNDO's delete awaits its answer */
	route_reqs(next, 1, (const char *[]){ GOOD }, (oid[]){ C_RS }, (long[]){ RS_CREATEANDGO });
	assert_true(phase(MODE_SET_RESERVE1, next, 1, &res));
	assert_int_equal(res.status, SNMP_ERR_RESOURCEUNAVAILABLE);
	answer_all();
	fresh_set_works(before);
	reqs_free(reqs, 2);
	reqs_free(next, 1);
}

/*
 * ACTION does not wait for the kernel: the handler returns with its requests
 * delegated and one kernel request sent; each answer sends the next, in
 * order (a metric move: add at the new metric, then delete the old); the
 * requests complete with the last answer.
 */
static void
test_action_delegated(void **state)
{
	netsnmp_request_info *reqs[2];
	struct result res = { 0, -1, 0 };

	route_reqs(reqs, 2, (const char *[]){ GOOD, R60 }, (oid[]){ C_RS, C_METRIC1 },
	    (long[]){ RS_CREATEANDGO, 30 });
	assert_false(phase(MODE_SET_RESERVE1, reqs, 2, &res));
	assert_false(phase(MODE_SET_RESERVE2, reqs, 2, &res));
	hold = 1;
	assert_false(phase(MODE_SET_ACTION, reqs, 2, &res));
	assert_true(reqs[0]->delegated && reqs[1]->delegated);
	assert_string_equal(fk.log, "add 10.9.0.0/16 m20");
	nlreq_input(q);
	assert_true(reqs[0]->delegated && reqs[1]->delegated);
	assert_string_equal(fk.log, "add 10.9.0.0/16 m20; add 10.60.0.0/16 m30");
	nlreq_input(q);
	assert_true(reqs[0]->delegated && reqs[1]->delegated);
	assert_string_equal(fk.log,
	    "add 10.9.0.0/16 m20; add 10.60.0.0/16 m30; del 10.60.0.0/16 m3");
	nlreq_input(q);
	assert_false(reqs[0]->delegated || reqs[1]->delegated);
	assert_int_equal(reqs[0]->status, 0);
	assert_int_equal(reqs[1]->status, 0);
	assert_int_equal(nlreq_inflight(q), 0);
	phase(MODE_SET_COMMIT, reqs, 2, &res);
	reqs_free(reqs, 2);
}

/*
 * RESERVE2 does not wait for the kernel either: a metric move reads the
 * route back (every attribute, for an exact re-creation) with its requests
 * delegated; the answer, late, completes them, and the SET goes on.
 */
static void
test_reserve2_delegated(void **state)
{
	netsnmp_request_info *reqs[1];
	struct result res = { 0, -1, 0 };

	route_reqs(reqs, 1, (const char *[]){ R60 }, (oid[]){ C_METRIC1 }, (long[]){ 30 });
	assert_false(phase(MODE_SET_RESERVE1, reqs, 1, &res));
	hold = 1;
	assert_false(phase(MODE_SET_RESERVE2, reqs, 1, &res));
	assert_true(reqs[0]->delegated);
	assert_int_equal(nlreq_inflight(q), 1);
	nlreq_input(q);
	assert_false(reqs[0]->delegated);
	assert_int_equal(reqs[0]->status, 0);
	hold = 0;
	assert_false(phase(MODE_SET_ACTION, reqs, 1, &res));
	phase(MODE_SET_COMMIT, reqs, 1, &res);
	assert_string_equal(fk.log, "add 10.60.0.0/16 m30; del 10.60.0.0/16 m3");
	reqs_free(reqs, 1);
}

/* The kernel never answers the read-back: resourceUnavailable, as a failed read, nothing done. */
static void
test_reserve2_silent(void **state)
{
	fk.fetch_mute = 1;
	REFUSED(SNMP_ERR_RESOURCEUNAVAILABLE, { TR, C_METRIC1, R60, 30 });
	assert_int_equal(nlreq_inflight(q), 0);
}

/*
 * UNDO does not wait for the kernel: its requests are delegated, each undo
 * step's answer sends the next (newest first), and the last completes them.
 */
static void
test_undo_delegated(void **state)
{
	netsnmp_request_info *reqs[2];
	struct result res = { 0, -1, 0 };
	char before[2048], after[2048];

	kernel_text(before, sizeof(before));
	route_reqs(reqs, 2, (const char *[]){ GOOD, R60 }, (oid[]){ C_RS, C_METRIC1 },
	    (long[]){ RS_CREATEANDGO, 30 });
	assert_false(phase(MODE_SET_RESERVE1, reqs, 2, &res));
	assert_false(phase(MODE_SET_RESERVE2, reqs, 2, &res));
	assert_false(phase(MODE_SET_ACTION, reqs, 2, &res));
	/* The ACTION failed on another table's row: here, its own rows were applied. */
	fk.log[0] = '\0';
	hold = 1;
	assert_false(phase(MODE_SET_UNDO, reqs, 2, &res));
	assert_true(reqs[0]->delegated && reqs[1]->delegated);
	assert_string_equal(fk.log, "add 10.60.0.0/16 m3");
	nlreq_input(q);
	assert_true(reqs[0]->delegated && reqs[1]->delegated);
	assert_string_equal(fk.log, "add 10.60.0.0/16 m3; del 10.60.0.0/16 m30");
	nlreq_input(q);
	assert_string_equal(fk.log,
	    "add 10.60.0.0/16 m3; del 10.60.0.0/16 m30; del 10.9.0.0/16 m20");
	assert_true(reqs[0]->delegated && reqs[1]->delegated);
	nlreq_input(q);
	assert_false(reqs[0]->delegated || reqs[1]->delegated);
	assert_int_equal(reqs[0]->status, 0);
	assert_int_equal(reqs[1]->status, 0);
	kernel_text(after, sizeof(after));
	assert_string_equal(before, after);
	hold = 0;
	phase(MODE_SET_FREE, reqs, 2, &res);
	reqs_free(reqs, 2);
}

/* The kernel never answers an undo: undoFailed once the time is up, the other undos done. */
static void
test_undo_silent(void **state)
{
	netsnmp_request_info *reqs[3];
	struct result res = { 0, -1, 0 };

	/* add GOOD, add 10.64, add 10.65: refused; undo: del 10.64 silent, del GOOD */
	fk.fail = 1u << 3;
	fk.mute = 1u << 4;
	route_reqs(reqs, 3,
	    (const char *[]){ GOOD, RIDX("10.64.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 0),
		RIDX("10.65.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 0) },
	    (oid[]){ C_RS, C_RS, C_RS },
	    (long[]){ RS_CREATEANDGO, RS_CREATEANDGO, RS_CREATEANDGO });
	assert_false(phase(MODE_SET_RESERVE1, reqs, 3, &res));
	assert_false(phase(MODE_SET_RESERVE2, reqs, 3, &res));
	assert_true(phase(MODE_SET_ACTION, reqs, 3, &res));
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	for (int i = 0; i < 3; i++)
		reqs[i]->status = 0;
	res.status = 0;
	assert_true(phase(MODE_SET_UNDO, reqs, 3, &res));
	assert_int_equal(res.status, SNMP_ERR_UNDOFAILED);
	assert_int_equal(res.mode, MODE_SET_UNDO);
	assert_string_equal(fk.log,
	    "add 10.9.0.0/16 m20; add 10.64.0.0/16 m0; add 10.65.0.0/16 m0 REFUSED; "
	    "del 10.64.0.0/16 m0 SILENT");
	assert_int_equal(nlreq_inflight(q), 0);
	phase(MODE_SET_FREE, reqs, 3, &res);
	reqs_free(reqs, 3);
}

/* ---- the transaction alone: a toy table ------------------------------------- */

/*
 * Columns 40 (INTEGER >= 0) and 1000 (OCTET STRING of 8 at most): any column
 * numbers.  Row 13 is refused in RESERVE2; row 99 fails in ACTION; rows
 * 70 to 79 are applied last (txn_apply_last()).  Each applied row records
 * one step; the log says what ran.
 */
struct toy {
	oid id;
};

static char toy_log[256];

static void
toy_say(const char *what, oid id)
{
	size_t len = strlen(toy_log);

	snprintf(toy_log + len, sizeof(toy_log) - len, "%s%s %lu", len ? "; " : "", what,
	    (unsigned long)id);
}

static int
toy_nonneg(const netsnmp_variable_list *vb)
{
	return *vb->val.integer < 0 ? SNMP_ERR_WRONGVALUE : SNMP_ERR_NOERROR;
}

static const struct txn_column toy_columns[] = {
	{ 40, ASN_INTEGER, 0, toy_nonneg },
	{ 1000, ASN_OCTET_STR, 8, NULL },
};

static int
toy_index(void *ctx, const oid *idx, size_t len, void *row)
{
	if (len != 1)
		return SNMP_ERR_NOCREATION;
	((struct toy *)row)->id = idx[0];
	return 0;
}

static void
toy_name(const void *row, char *buf, size_t len)
{
	snprintf(buf, len, "toy row %lu", (unsigned long)((const struct toy *)row)->id);
}

static int
toy_check(struct txn *x, struct txn_row *tr, void *ctx)
{
	const struct toy *t = txn_row_data(tr);

	if (t->id >= 70 && t->id <= 79)
		txn_apply_last(tr);
	return t->id == 13 ? txn_refuse(tr, SNMP_ERR_INCONSISTENTVALUE, "unlucky") : 0;
}

static int
toy_undo(void *row, void *arg)
{
	toy_say("undo", ((struct toy *)row)->id);
	return 0;
}

static int
toy_apply(struct txn *x, struct txn_row *tr, void *ctx)
{
	const struct toy *t = txn_row_data(tr);
	const u_char *s;
	size_t len;
	long v;

	if (t->id == 99)
		return SNMP_ERR_COMMITFAILED;
	toy_say("apply", t->id);
	if (t->id >= 70 && t->id <= 79)
		toy_say("kernel calls so far", (oid)fk.calls);
	if (txn_int(tr, 40, &v))
		toy_say("col40", (oid)v);
	if ((s = txn_str(tr, 1000, &len)) != NULL)
		toy_say(len == 8 && memcmp(s, "abcdefgh", 8) == 0 ? "col1000" : "col1000?", len);
	txn_step(x, tr, toy_undo, NULL);
	return 0;
}

static const struct txn_ops toy_ops = {
	.cols = toy_columns,
	.ncols = 2,
	.row_size = sizeof(struct toy),
	.parse_index = toy_index,
	.row_name = toy_name,
	.check = toy_check,
	.apply = toy_apply,
};

static void
test_toy_table(void **state)
{
	struct result res;

	assert_int_equal(txn_bind(txn, &toy_t, &toy_ops, NULL), 0);
	res = run((struct vb[]){ { TT, 40, "1", 5 },
		      { TT, 1000, "1", 0, ASN_OCTET_STR, "abcdefgh" }, { TT, 40, "2", 7 } },
	    3);
	assert_int_equal(res.status, 0);
	assert_string_equal(toy_log, "apply 1; col40 5; col1000 8; apply 2; col40 7");
	/* The values are checked by their column's type, length and check. */
	toy_log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TT, 40, "1", -1 } }, 1).status, SNMP_ERR_WRONGVALUE);
	assert_int_equal(
	    run((struct vb[]){ { TT, 1000, "1", 0, ASN_OCTET_STR, "abcdefghi" } }, 1).status,
	    SNMP_ERR_WRONGLENGTH);
	assert_int_equal(run((struct vb[]){ { TT, 1000, "1", 7 } }, 1).status, SNMP_ERR_WRONGTYPE);
	assert_int_equal(run((struct vb[]){ { TT, 41, "1", 7 } }, 1).status, SNMP_ERR_NOTWRITABLE);
	assert_int_equal(run((struct vb[]){ { TT, 40, "1.2", 7 } }, 1).status, SNMP_ERR_NOCREATION);
	assert_int_equal(run((struct vb[]){ { TT, 40, "13", 7 } }, 1).status,
	    SNMP_ERR_INCONSISTENTVALUE);
	assert_string_equal(toy_log, "");
	/* All or nothing with the route tables: a toy row fails, the route rows are undone. */
	res =
	    run((struct vb[]){ { TT, 40, "3", 1 }, { TR, C_RS, GOOD, 4 }, { TT, 40, "99", 1 } }, 3);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_int_equal(res.index, 2);
	assert_string_equal(toy_log, "apply 3; col40 1; undo 3");
	assert_string_equal(fk.log, "add 10.9.0.0/16 m20; del 10.9.0.0/16 m20");
}

/* ---- cimIP6RouteTable ---------------------------------------------------------- */

#define C6_METRIC1 COL_IP6ROUTE_METRIC1
#define C6_RS      COL_IP6ROUTE_ROWSTATUS

/* Append the IPv6 address a as 16 sub-identifiers and a dot to p (512 bytes) at off. */
static size_t
put6(char *p, size_t off, const char *a)
{
	uint8_t b[16];

	assert_int_equal(inet_pton(AF_INET6, a, b), 1);
	for (int i = 0; i < 16; i++)
		off += (size_t)snprintf(p + off, 512 - off, "%u.", b[i]);
	return off;
}

/* An IPv6 row's index (53 sub-identifiers), in one of a few buffers (slot). */
static const char *
idx6(int slot, const char *dst, unsigned plen, const char *nh, int ifx, unsigned table,
    unsigned metric)
{
	static char buf[4][512];
	char *p = buf[slot];
	size_t off = put6(p, 0, dst);

	off += (size_t)snprintf(p + off, 512 - off, "%u.", plen);
	off = put6(p, off, nh);
	off += (size_t)snprintf(p + off, 512 - off, "%d.%u.%u.", ifx, table, metric);
	off = put6(p, off, "::");
	snprintf(p + off, 512 - off, "0");
	return p;
}

static const struct route6 *
kernel6(const char *dst, unsigned plen, uint32_t metric)
{
	uint8_t d[16];

	assert_int_equal(inet_pton(AF_INET6, dst, d), 1);
	for (size_t i = 0; i < fk.n6; i++)
		if (memcmp(fk.v6[i].dst, d, 16) == 0 && fk.v6[i].plen == plen &&
		    fk.v6[i].metric == metric)
			return &fk.v6[i];
	return NULL;
}

#define I6_NEW idx6(0, "2001:db8:10::", 48, "2001:db8:1::1", IFA, 254, 10)
#define I6_60  idx6(1, "2001:db8:60::", 48, "2001:db8:1::1", IFA, 254, 3)

/*
 * A createAndWait row whose route appears in the kernel (ip route add, a metric moved onto
 * its index) is the kernel's row: the waiting row goes (the mirror's change callback,
 * writer_entry_changed()), and destroy deletes the route instead of the hidden waiting row.
 */
static void
test_pending_superseded(void **state)
{
	struct route r = R(IP(10, 9, 0, 0), 16, IP(192, 0, 2, 1), 20, RTPROT_STATIC);
	struct route6 r6 = R6("2001:db8:10::", 48, "2001:db8:1::1", 10, RTPROT_STATIC);

	assert_int_equal(run((struct vb[]){ { TR, C_RS, GOOD, 5 } }, 1).status, 0);
	assert_int_equal(w->pending.n, 1);
	fk.v[fk.n++] = r;
	fk_events(m);
	writer_entry_changed(w, &rt4_ops, NULL, &r);
	assert_int_equal(w->pending.n, 0);
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TR, C_RS, GOOD, 6 } }, 1).status, 0);
	assert_string_equal(fk.log, "del 10.9.0.0/16 m20");
	/* IPv6 alike */
	assert_int_equal(run((struct vb[]){ { T6, C6_RS, I6_NEW, 5 } }, 1).status, 0);
	assert_int_equal(w->pending6.n, 1);
	writer_entry_changed(w, &rt6_ops, NULL, &r6);
	assert_int_equal(w->pending6.n, 0);
}

/*
 * Rows marked last run after every other row of the SET, those of the
 * tables called after theirs too, in their order; a failure anywhere else
 * finds them not yet applied.
 */
static void
test_toy_last(void **state)
{
	assert_int_equal(txn_bind(txn, &toy_t, &toy_ops, NULL), 0);
	toy_log[0] = '\0';
	fk.calls = 0;
	/* The toy table is called before the IPv6 route table: its rows 71, 70 wait for it. */
	assert_int_equal(run((struct vb[]){ { TT, 40, "71", 1 }, { TT, 40, "5", 2 },
				 { T6, C6_RS, I6_NEW, 4 }, { TT, 40, "70", 3 } },
			     4)
			     .status,
	    0);
	assert_string_equal(toy_log,
	    "apply 5; col40 2; apply 71; kernel calls so far 1; col40 1; "
	    "apply 70; kernel calls so far 1; col40 3");
	/* A failure after them in varbind order: they were never applied, nothing to undo. */
	toy_log[0] = '\0';
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TT, 40, "72", 1 }, { TT, 40, "6", 1 },
				 { TR, C_RS, GOOD, 4 }, { TT, 40, "99", 1 } },
			     4)
			     .status,
	    SNMP_ERR_COMMITFAILED);
	assert_string_equal(toy_log, "apply 6; col40 1; undo 6");
	assert_string_equal(fk.log, "add 10.9.0.0/16 m20; del 10.9.0.0/16 m20");
	/* ... and in a table called after theirs. */
	toy_log[0] = '\0';
	fk.log[0] = '\0';
	fk.calls = 0;
	fk.fail = 1u << 1;
	assert_int_equal(
	    run((struct vb[]){ { TT, 40, "73", 1 }, { T6, C6_RS, I6_NEW, 6 } }, 2).status,
	    SNMP_ERR_COMMITFAILED);
	fk.fail = 0;
	assert_string_equal(toy_log, "");
	assert_string_equal(fk.log, "del6 2001:db8:10::/48 m10 REFUSED");
}

static void
test6_applied(void **state)
{
	const struct route6 *k;
	struct result res;

	/* createAndGo through a global gateway: proto cimrouted, a gateway route */
	res = run((struct vb[]){ { T6, C6_RS, I6_NEW, 4 } }, 1);
	assert_int_equal(res.status, 0);
	assert_string_equal(fk.log, "add6 2001:db8:10::/48 m10");
	assert_non_null(k = kernel6("2001:db8:10::", 48, 10));
	assert_int_equal(k->proto, CIMR_RTPROT);
	assert_int_equal(k->type, RTN_UNICAST);
	assert_true(k->flags & ROUTE_F_GATEWAY);
	assert_int_equal(k->ifindex, IFA);
	/* the row is in the mirror now: writing it again is refused */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_NEW, 4 });
	/* Metric1: make before break, from the route read back */
	fk.log[0] = '\0';
	res = run((struct vb[]){ { T6, C6_METRIC1, I6_60, 30 } }, 1);
	assert_int_equal(res.status, 0);
	assert_string_equal(fk.log, "add6 2001:db8:60::/48 m30; del6 2001:db8:60::/48 m3");
	assert_non_null(k = kernel6("2001:db8:60::", 48, 30));
	assert_int_equal(k->proto, RTPROT_STATIC); /* the route kept its attributes */
	/* destroy; destroying it again is noError (RFC 2579) and asks nothing */
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { T6, C6_RS, I6_NEW, 6 } }, 1).status, 0);
	assert_string_equal(fk.log, "del6 2001:db8:10::/48 m10");
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { T6, C6_RS, I6_NEW, 6 } }, 1).status, 0);
	assert_string_equal(fk.log, "");
	/* a link-local next hop with its interface; Metric1 with the index's value */
	res = run((struct vb[]){ { T6, C6_RS, idx6(2, "2001:db8:11::", 48, "fe80::1", IFA, 254, 5),
				     4 },
		      { T6, C6_METRIC1, idx6(2, "2001:db8:11::", 48, "fe80::1", IFA, 254, 5), 5 } },
	    2);
	assert_int_equal(res.status, 0);
	assert_non_null(k = kernel6("2001:db8:11::", 48, 5));
	assert_int_equal(k->ifindex, IFA);
	/* on link: next hop :: with an interface */
	fk.log[0] = '\0';
	res =
	    run((struct vb[]){ { T6, C6_RS, idx6(2, "2001:db8:12::", 48, "::", IFA, 254, 5), 4 } },
		1);
	assert_int_equal(res.status, 0);
	assert_non_null(k = kernel6("2001:db8:12::", 48, 5));
	assert_false(k->flags & ROUTE_F_GATEWAY);
	/* the blackhole route (boot): a metric change keeps its type */
	fk.log[0] = '\0';
	res = run((struct vb[]){ { T6, C6_METRIC1, idx6(2, "2001:db8:63::", 48, "::", 1, 254, 5),
		      7 } },
	    1);
	assert_int_equal(res.status, 0);
	assert_non_null(k = kernel6("2001:db8:63::", 48, 7));
	assert_int_equal(k->type, RTN_BLACKHOLE);
	/* createAndWait: in the agent only; then active installs it */
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { T6, C6_RS, I6_NEW, 5 } }, 1).status, 0);
	assert_int_equal(w->pending6.n, 1);
	assert_true(((const struct route6 *)pending_at(&w->pending6, 0))->flags & ROUTE_F_PENDING);
	assert_string_equal(fk.log, "");
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_NEW, 5 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_NEW, 1 },
	    { T6, C6_METRIC1, I6_NEW, 9 });
	assert_int_equal(run((struct vb[]){ { T6, C6_RS, I6_NEW, 2 } }, 1).status, 0);
	assert_int_equal(w->pending6.n, 1);
	assert_int_equal(run((struct vb[]){ { T6, C6_RS, I6_NEW, 1 } }, 1).status, 0);
	assert_int_equal(w->pending6.n, 0);
	assert_string_equal(fk.log, "add6 2001:db8:10::/48 m10");
	/* createAndWait then destroy: dropped, the kernel untouched */
	fk.log[0] = '\0';
	res = run((struct vb[]){ { T6, C6_RS, idx6(2, "2001:db8:13::", 48, "fe80::1", IFA, 254, 5),
		      5 } },
	    1);
	assert_int_equal(res.status, 0);
	assert_int_equal(w->pending6.n, 1);
	res = run((struct vb[]){ { T6, C6_RS, idx6(2, "2001:db8:13::", 48, "fe80::1", IFA, 254, 5),
		      6 } },
	    1);
	assert_int_equal(res.status, 0);
	assert_int_equal(w->pending6.n, 0);
	assert_string_equal(fk.log, "");
	/* a kernel route cannot be taken out of service */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_60, 2 });
}

/* An activation the kernel refuses is undone: the createAndWait row is back. */
static void
test6_pending_undone(void **state)
{
	assert_int_equal(run((struct vb[]){ { T6, C6_RS, I6_NEW, 5 } }, 1).status, 0);
	fk.log[0] = '\0';
	fk.fail = 1u << 2; /* add GOOD, then the IPv6 activation: refused */
	undone((struct vb[]){ { TR, C_RS, GOOD, 4 }, { T6, C6_RS, I6_NEW, 1 } }, 2, 1,
	    "add 10.9.0.0/16 m20; add6 2001:db8:10::/48 m10 REFUSED; del 10.9.0.0/16 m20");
	assert_int_equal(w->pending6.n, 1);
}

/*
 * A live route destroyed that the kernel lost between the check and the delete (its
 * event not read yet): the SET succeeds, as for a persisted row (test_pdestroy_gone),
 * the log says the route was gone; and if a later step fails, the undo does not
 * re-create the route that this SET did not delete.  Protocol boot: the fake's
 * read-back of a route it does not find by its gateway finds no other.
 */
static void
test_destroy_gone(void **state)
{
	const struct vb v6 = { T6, C6_RS,
		idx6(2, "2001:db8:64::", 48, "2001:db8:1::1", IFA, 254, 7), 6 };
	const struct vb v4 = { TR, C_RS,
		RIDX("10.64.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 7), 6 };

	fk.v6[fk.n6++] = R6("2001:db8:64::", 48, "2001:db8:1::1", 7, RTPROT_BOOT);
	fk_events(m6);
	fk.n6--; /* gone without a message */
	fk.log[0] = logged[0] = '\0';
	assert_int_equal(run(&v6, 1).status, 0);
	assert_string_equal(fk.log, "del6 2001:db8:64::/48 m7 REFUSED");
	assert_null(strstr(logged, "refused"));
	assert_non_null(strstr(logged, "set: gone already: 2001:db8:64::/48"));
	assert_null(kernel6("2001:db8:64::", 48, 7));
	/* IPv4, and a later step refused: the route gone is not added back */
	fk.v[fk.n++] = R(IP(10, 64, 0, 0), 16, IP(192, 0, 2, 1), 7, RTPROT_BOOT);
	fk_events(m);
	fk.n--;
	fk.log[0] = logged[0] = '\0';
	fk.fail = 1u << 3; /* del6 above, del 10.64 (gone), add6: refused */
	undone((struct vb[]){ v4, { T6, C6_RS, I6_NEW, 4 } }, 2, 1,
	    "del 10.64.0.0/16 m7 REFUSED; add6 2001:db8:10::/48 m10 REFUSED");
	assert_non_null(strstr(logged, "set: gone already: 10.64.0.0/16"));
	/* Not found, and not read back either: not known to be gone, commitFailed */
	fk.v6[fk.n6++] = R6("2001:db8:64::", 48, "2001:db8:1::1", 7, RTPROT_BOOT);
	fk_events(m6);
	fk.n6--;
	fk.log[0] = logged[0] = '\0';
	fk.fetch_fail = 1;
	undone(&v6, 1, 0, "del6 2001:db8:64::/48 m7 REFUSED");
	fk.fetch_fail = 0;
	assert_null(strstr(logged, "gone already"));
}

static void
test6_refusals(void **state)
{
	/* RESERVE1 */
	REFUSED(SNMP_ERR_WRONGVALUE, { T6, C6_RS, I6_NEW, 3 });
	REFUSED(SNMP_ERR_WRONGVALUE, { T6, C6_RS, I6_NEW, 4 }, { T6, C6_METRIC1, I6_NEW, -5 });
	REFUSED(SNMP_ERR_NOTWRITABLE, { T6, COL_IP6ROUTE_PREFERENCE, I6_NEW, 1 });
	REFUSED(SNMP_ERR_NOCREATION, { T6, C6_RS, "32.1.13.184.0.16", 4 }); /* too short */
	/* RESERVE2: the index */
	REFUSED(SNMP_ERR_WRONGVALUE,
	    { T6, C6_RS, idx6(2, "2001:db8:10::", 129, "2001:db8:1::1", IFA, 254, 10), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { T6, C6_RS, idx6(2, "2001:db8:10::1", 48, "2001:db8:1::1", IFA, 254, 10), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { T6, C6_RS, idx6(2, "2001:db8:10::", 48, "2001:db8:1::1", IFA, 100, 10), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { T6, C6_RS, idx6(2, "2001:db8:10::", 48, "2001:db8:1::1", IFA, 254, 0), 4 });
	/* the next hop */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { T6, C6_RS, idx6(2, "2001:db8:10::", 48, "2001:db8:99::1", IFA, 254, 10), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { T6, C6_RS, idx6(2, "2001:db8:10::", 48, "fe80::1", 0, 254, 10), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { T6, C6_RS, idx6(2, "2001:db8:10::", 48, "fe80::1", 9, 254, 10), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { T6, C6_RS, idx6(2, "2001:db8:10::", 48, "2001:db8:1::100", IFA, 254, 10), 4 });
	/* an interface found for a next hop given without one is not the index's row */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { T6, C6_RS, idx6(2, "2001:db8:10::", 48, "2001:db8:1::1", 0, 254, 10), 4 });
	/* Metric1 disagreeing with the index at creation; -1 on a route */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_NEW, 4 },
	    { T6, C6_METRIC1, I6_NEW, 11 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_METRIC1, I6_60, -1 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_METRIC1, I6_60, 0 });
	/* another route at the key (table, destination, source prefix, metric) */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { T6, C6_RS, idx6(2, "2001:db8:60::", 48, "2001:db8:1::2", IFA, 254, 3), 4 });
	/* rows that do not exist; a route that exists */
	REFUSED(SNMP_ERR_INCONSISTENTNAME, { T6, C6_METRIC1, I6_NEW, 20 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_NEW, 1 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_60, 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_60, 6 }, { T6, C6_METRIC1, I6_60, 9 });
	/* writableProtocols, a multipath hop */
	REFUSED(SNMP_ERR_NOTWRITABLE,
	    { T6, C6_RS, idx6(2, "2001:db8:61::", 48, "2001:db8:1::1", IFA, 254, 1024), 6 });
	REFUSED(SNMP_ERR_NOTWRITABLE,
	    { T6, C6_METRIC1, idx6(2, "2001:db8:62::", 48, "2001:db8:1::2", IFA, 254, 1024), 9 });
	REFUSED(SNMP_ERR_NOTWRITABLE,
	    { T6, C6_RS, idx6(2, "2001:db8:1::", 64, "::", IFA, 254, 256), 6 });
	/* reading the route back fails: resourceUnavailable */
	fk.fetch_fail = 1;
	REFUSED(SNMP_ERR_RESOURCEUNAVAILABLE, { T6, C6_METRIC1, I6_60, 30 });
	fk.fetch_fail = 0;
	/* two rows of one SET at one key; one route moved and deleted by two rows */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_NEW, 4 },
	    { T6, C6_RS, idx6(2, "2001:db8:10::", 48, "2001:db8:1::2", IFA, 254, 10), 4 });
	/* across families: a good IPv4 row, a bad IPv6 one; and the other way round */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, GOOD, 4 },
	    { T6, C6_RS, idx6(2, "2001:db8:10::", 48, "2001:db8:99::1", IFA, 254, 10), 4 });
	REFUSED(SNMP_ERR_NOTWRITABLE, { T6, C6_RS, I6_NEW, 4 }, { TR, C_RS, R61, 6 });
}

/* One SET across both families whose IPv6 row the kernel refuses: all undone, newest first. */
static void
test6_mixed_undone(void **state)
{
	/* The route table's rows come first (net-snmp calls the handlers table by table). */
	fk.fail = 1u << 5; /* add GOOD, del R60, add6 60 m30, del6 60 m3, add6 NEW: refused */
	undone((struct vb[]){ { TR, C_RS, GOOD, 4 }, { T6, C6_METRIC1, I6_60, 30 },
		   { TR, C_RS, R60, 6 }, { T6, C6_RS, I6_NEW, 4 } },
	    4, 3,
	    "add 10.9.0.0/16 m20; del 10.60.0.0/16 m3; add6 2001:db8:60::/48 m30; "
	    "del6 2001:db8:60::/48 m3; add6 2001:db8:10::/48 m10 REFUSED; "
	    "add6 2001:db8:60::/48 m3; del6 2001:db8:60::/48 m30; add 10.60.0.0/16 m3; "
	    "del 10.9.0.0/16 m20");
}

/* ---- cimIP6PersistedRouteTable ------------------------------------------------- */

#define C6_PRS COL_PERSIST6_ROWSTATUS

/* A persisted IPv6 row's index: destination, length, next hop, interface name, metric. */
static const char *
pidx6(int slot, const char *dst, unsigned plen, const char *nh, const char *dev, unsigned metric)
{
	static char buf[4][512];
	char *p = buf[slot];
	size_t off = put6(p, 0, dst);

	off += (size_t)snprintf(p + off, 512 - off, "%u.", plen);
	off = put6(p, off, nh);
	off += (size_t)snprintf(p + off, 512 - off, "%zu.", strlen(dev));
	for (size_t i = 0; dev[i] != '\0'; i++)
		off += (size_t)snprintf(p + off, 512 - off, "%u.", (unsigned char)dev[i]);
	snprintf(p + off, 512 - off, "%u", metric);
	return p;
}

static const char *
state6(void)
{
	static char buf[2048];
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" PERSIST6_FILE, dir);
	if ((f = fopen(path, "r")) == NULL)
		return "";
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	return buf;
}

#define P6_NEW pidx6(0, "2001:db8:10::", 48, "2001:db8:1::1", "", 10)

/* Create, the live table's refusal, adoption and destroy, both with and without the kernel. */
static void
test6_persisted(void **state)
{
	const struct route6 *k;
	struct result res;

	res = run((struct vb[]){ { TP6, C6_PRS, P6_NEW, 4 } }, 1);
	assert_int_equal(res.status, 0);
	assert_string_equal(fk.log, "add6 2001:db8:10::/48 m10");
	assert_non_null(k = kernel6("2001:db8:10::", 48, 10));
	assert_int_equal(k->proto, CIMR_RTPROT);
	assert_int_equal(k->ifindex, IFA);
	assert_int_equal(w->persist6.n, 1);
	assert_int_equal(w->persist6.nactive, 1);
	assert_int_equal(w->persist.n, 0);
	assert_non_null(
	    strstr(state6(), "\n2001:db8:10::/48 via 2001:db8:1::1 metric 10 created "));
	/* Its live route is the persisted row's: not through cimIP6RouteTable. */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { T6, C6_RS, idx6(1, "2001:db8:10::", 48, "2001:db8:1::1", IFA, 254, 10), 6 });
	/* A link-local next hop with its interface. */
	fk.log[0] = '\0';
	res = run((struct vb[]){ { TP6, C6_PRS, pidx6(1, "2001:db8:11::", 48, "fe80::1", "va", 5),
		      4 } },
	    1);
	assert_int_equal(res.status, 0);
	assert_string_equal(fk.log, "add6 2001:db8:11::/48 m5");
	assert_non_null(
	    strstr(state6(), "\n2001:db8:11::/48 via fe80::1 dev va metric 5 created "));
	/* Adoption of a static route: the kernel is not asked, neither at destroy. */
	fk.log[0] = '\0';
	res = run((struct vb[]){ { TP6, C6_PRS,
		      pidx6(2, "2001:db8:60::", 48, "2001:db8:1::1", "", 3), 4 } },
	    1);
	assert_int_equal(res.status, 0);
	assert_string_equal(fk.log, "");
	assert_int_equal(w->persist6.nactive, 3);
	res = run((struct vb[]){ { TP6, C6_PRS,
		      pidx6(2, "2001:db8:60::", 48, "2001:db8:1::1", "", 3), 6 } },
	    1);
	assert_int_equal(res.status, 0);
	assert_string_equal(fk.log, "");
	assert_non_null(kernel6("2001:db8:60::", 48, 3));
	/* Destroy: the route cimrouted installed goes, and the line. */
	res = run((struct vb[]){ { TP6, C6_PRS, P6_NEW, 6 } }, 1);
	assert_int_equal(res.status, 0);
	assert_string_equal(fk.log, "del6 2001:db8:10::/48 m10");
	assert_null(kernel6("2001:db8:10::", 48, 10));
	assert_null(strstr(state6(), "2001:db8:10::"));
	assert_int_equal(w->persist6.n, 1);
}

static void
test6_persisted_refusals(void **state)
{
	const char *g = "2001:db8:1::1";

	REFUSED(SNMP_ERR_NOCREATION, { TP6, C6_PRS, "32.1.13.184.0.16", 4 });
	REFUSED(SNMP_ERR_WRONGVALUE, { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 129, g, "", 10), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::1", 48, g, "", 10), 4 });
	REFUSED(SNMP_ERR_NOCREATION, { TP6, C6_PRS, pidx6(0, "ff0e::", 16, g, "", 10), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "fe80::1", "", 10), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "::", "", 10), 4 });
	REFUSED(SNMP_ERR_NOCREATION, { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, g, "", 0), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, g, "a b", 1), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "fe80::1", "nope", 1), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "2001:db8:99::1", "", 1), 4 });
	REFUSED(SNMP_ERR_WRONGVALUE, { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, g, "", 1), 5 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, g, "", 1), 1 }); /* no such row */
	/* Only a valid interface name (dev_valid_name(), printable ASCII): never logged else. */
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "fe80::1", "x\nFORGED", 1), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "fe80::1", "..", 1), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "fe80::1", ".", 1), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "fe80::1", "a:1", 1), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "fe80::1", "caf\xc3\xa9", 1), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "fe80::1", "abcdefghijklmnop", 1), 4 });
	REFUSED(SNMP_ERR_NOCREATION,
	    { TP6, C6_PRS,
		"32.1.13.184.0.16.0.0.0.0.0.0.0.0.0.0.48.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.2.118.353.1",
		4 });
	/* The longest name, 15 bytes, is one: it names no link here. */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:10::", 48, "fe80::1", "abcdefghijklmno", 1), 4 });
	/* Adoption as the live table allows it: not a bgp route, not one hop of a multipath one. */
	REFUSED(SNMP_ERR_NOTWRITABLE,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:61::", 48, g, "", 1024), 4 });
	REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TP6, C6_PRS, pidx6(0, "2001:db8:62::", 48, "2001:db8:1::2", "", 1024), 4 });
	/* One SET may not adopt a route and delete it through the live table. */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_60, 6 },
	    { TP6, C6_PRS, pidx6(0, "2001:db8:60::", 48, g, "", 3), 4 });
	assert_int_equal(w->persist6.n, 0);
	assert_string_equal(state6(), "");
}

/*
 * A persisted row "dev va" whose link is renamed while up: the kernel keeps
 * the route (dev vb), which is not the row's any more (it names va): the
 * row is in error as at start, active again when the name comes back, and
 * a destroy deletes the route it had on the renamed link.
 */
static void
test6_persisted_link_renamed(void **state)
{
	const char *ix = pidx6(1, "2001:db8:11::", 48, "fe80::1", "va", 5);

	assert_int_equal(run((struct vb[]){ { TP6, C6_PRS, ix, 4 } }, 1).status, 0);
	assert_int_equal(w->persist6.nactive, 1);
	fk_link_named(IFA, IFF_UP, "vb");
	assert_int_equal(w->persist6.nactive, 0);
	fk.log[0] = '\0';
	writer_apply(w);
	assert_string_equal(fk.log, "");
	assert_string_equal(w->persist6.v[0].error, "interface va does not exist");
	fk_link_named(IFA, IFF_UP, "va");
	assert_int_equal(w->persist6.nactive, 1);
	fk_link_named(IFA, IFF_UP, "vb");
	assert_int_equal(w->persist6.nactive, 0);
	assert_int_equal(run((struct vb[]){ { TP6, C6_PRS, ix, 6 } }, 1).status, 0);
	assert_string_equal(fk.log, "del6 2001:db8:11::/48 m5");
	assert_null(kernel6("2001:db8:11::", 48, 5));
	assert_int_equal(w->persist6.n, 0);
}

/* ... but not when the renamed link's route is another row's (one that names the new name). */
static void
test6_persisted_link_renamed_other_row(void **state)
{
	const char *va = pidx6(1, "2001:db8:11::", 48, "fe80::1", "va", 5);
	const char *vb = pidx6(2, "2001:db8:11::", 48, "fe80::1", "vb", 5);

	assert_int_equal(run((struct vb[]){ { TP6, C6_PRS, va, 4 } }, 1).status, 0);
	fk_link_named(IFA, IFF_UP, "vb");
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TP6, C6_PRS, vb, 4 } }, 1).status, 0);
	assert_string_equal(fk.log, ""); /* adopted */
	assert_int_equal(run((struct vb[]){ { TP6, C6_PRS, va, 6 } }, 1).status, 0);
	assert_string_equal(fk.log, "");
	assert_non_null(kernel6("2001:db8:11::", 48, 5));
	assert_int_equal(w->persist6.nactive, 1);
}

/* Both families' persisted tables in one SET: the IPv6 row's route is refused, all undone. */
static void
test6_persisted_both_undone(void **state)
{
	char path[128], buf[512];
	FILE *f;

	fk.fail = 1u << 2;
	undone((struct vb[]){ { TP, C_PRS, PIDX, 4 },
		   { TP6, C6_PRS, pidx6(0, "2001:db8:11::", 48, "2001:db8:1::1", "", 5), 4 } },
	    2, 1, "add 10.50.0.0/16 m5; add6 2001:db8:11::/48 m5 REFUSED; del 10.50.0.0/16 m5");
	assert_int_equal(w->persist6.n, 0);
	assert_null(strstr(state6(), "2001:db8:11::"));
	snprintf(path, sizeof(path), "%s/" PERSIST_FILE, dir);
	assert_true(access(path, F_OK) != 0 || w->persist.n == 0);
	/* The IPv6 state file cannot be written: the IPv4 one, written first, is written again. */
	w->persist6.save_fails = 1;
	fk.log[0] = '\0';
	undone((struct vb[]){ { TP, C_PRS, PIDX, 4 },
		   { TP6, C6_PRS, pidx6(0, "2001:db8:11::", 48, "2001:db8:1::1", "", 5), 4 } },
	    2, -1,
	    "add 10.50.0.0/16 m5; add6 2001:db8:11::/48 m5; del6 2001:db8:11::/48 m5; "
	    "del 10.50.0.0/16 m5");
	assert_int_equal(w->persist6.n, 0);
	assert_null(strstr(state6(), "2001:db8:11::"));
	if ((f = fopen(path, "r")) != NULL) {
		buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
		fclose(f);
		assert_null(strstr(buf, "10.50.0.0"));
	}
}

/*
 * An undone SET leaves the state files as they were, also where there was
 * none: the IPv4 row's file, written after its table's rows, goes again
 * when the IPv6 row's route is refused (not a file of the header alone).
 */
static void
test6_undone_makes_no_file(void **state)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/" PERSIST_FILE, dir);
	assert_int_not_equal(access(path, F_OK), 0);
	fk.fail = 1u << 2;
	undone((struct vb[]){ { TP, C_PRS, PIDX, 4 },
		   { TP6, C6_PRS, pidx6(0, "2001:db8:11::", 48, "2001:db8:1::1", "", 5), 4 } },
	    2, -1, "add 10.50.0.0/16 m5; add6 2001:db8:11::/48 m5 REFUSED; del 10.50.0.0/16 m5");
	assert_int_equal(w->persist.n, 0);
	assert_int_not_equal(access(path, F_OK), 0);
}

/* PERSIST_ROWS_MAX rows of a family: one more is refused, also within one SET. */
/*
 * One SET that destroys a route and creates another at its kernel key
 * (table, destination, tos or source prefix, metric) is a replace in
 * either varbind order, and across tables: the destroy is applied first.
 */
#define R60_7   RIDX("10.60.0.0", "255.255.0.0", "192.0.2.7", 2, 254, 0, 3)
#define P60_1   "10.60.0.0.255.255.0.0.192.0.2.1.3"
#define P60_7   "10.60.0.0.255.255.0.0.192.0.2.7.3"
#define I6_60_2 idx6(2, "2001:db8:60::", 48, "2001:db8:1::2", IFA, 254, 3)

/* The SET v (n varbinds) succeeds, the fake kernel saw log, and has 10.60/16 m3 via nh only. */
static void
replaced(const struct vb *v, size_t n, const char *log, const char *nh)
{
	char k[2048], want[64];

	fk.log[0] = '\0';
	assert_int_equal(run(v, n).status, 0);
	assert_string_equal(fk.log, log);
	kernel_text(k, sizeof(k));
	snprintf(want, sizeof(want), "0a3c0000/16 %s 3 ", nh);
	assert_non_null(strstr(k, want));
	assert_null(strstr(k,
	    strcmp(nh, "c0000201") ? "0a3c0000/16 c0000201 3 " : "0a3c0000/16 c0000207 3 "));
}

static void
test_replace_either_order(void **state)
{
	const char *both = "del 10.60.0.0/16 m3; add 10.60.0.0/16 m3";
	const char *both6 = "del6 2001:db8:60::/48 m3; add6 2001:db8:60::/48 m3";

	/* cimIP4RouteTable: the destroy's varbind first, then the create's. */
	replaced((struct vb[]){ { TR, C_RS, R60, 6 }, { TR, C_RS, R60_7, 4 } }, 2, both,
	    "c0000207");
	replaced((struct vb[]){ { TR, C_RS, R60, 4 }, { TR, C_RS, R60_7, 6 } }, 2, both,
	    "c0000201");
	/* A persisted row replacing a live row, its table's handler called first. */
	persist_first = 1;
	replaced((struct vb[]){ { TP, C_PRS, P60_7, 4 }, { TR, C_RS, R60, 6 } }, 2, both,
	    "c0000207");
	persist_first = 0;
	assert_int_equal(w->persist.n, 1);
	/* cimIP4PersistedRouteTable: the create's varbind first. */
	replaced((struct vb[]){ { TP, C_PRS, P60_1, 4 }, { TP, C_PRS, P60_7, 6 } }, 2, both,
	    "c0000201");
	assert_int_equal(w->persist.n, 1);
	assert_int_equal(w->persist.v[0].nexthop, IP(192, 0, 2, 1));
	/* cimIP6RouteTable, both orders. */
	fk.log[0] = '\0';
	assert_int_equal(
	    run((struct vb[]){ { T6, C6_RS, I6_60_2, 4 }, { T6, C6_RS, I6_60, 6 } }, 2).status, 0);
	assert_string_equal(fk.log, both6);
	fk.log[0] = '\0';
	assert_int_equal(
	    run((struct vb[]){ { T6, C6_RS, I6_60_2, 6 }, { T6, C6_RS, I6_60, 4 } }, 2).status, 0);
	assert_string_equal(fk.log, both6);
	/* The create refused by the kernel: the route it replaced is put back. */
	fk.log[0] = '\0';
	fk.fail = 1ull << (fk.calls + 2);
	undone((struct vb[]){ { TR, C_RS,
				  RIDX("10.60.0.0", "255.255.0.0", "192.0.2.7", 2, 254, 0, 4), 4 },
		   { TR, C_RS, RIDX("10.60.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 4), 6 } },
	    2, 0, "del 10.60.0.0/16 m4; add 10.60.0.0/16 m4 REFUSED; add 10.60.0.0/16 m4");
	fk.fail = 0;
	/* No row of the SET deletes the route at the key: refused, whatever else it destroys. */
	REFUSED(SNMP_ERR_INCONSISTENTVALUE, { T6, C6_RS, I6_60_2, 4 },
	    { TR, C_RS, RIDX("10.60.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 4), 6 });
	LOGGED("refused (inconsistentValue): cimIP4RouteTable row 10.60.0.0 mask 255.255.0.0 next "
	       "hop 192.0.2.7 ifindex 2 table 254 tos 0 metric 3: table 254 already has a route "
	       "to 10.60.0.0/16 with tos 0 and metric 3, via 192.0.2.1 (Linux keeps one)",
	    SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, R60_7, 4 },
	    { TR, C_RS, RIDX("10.60.0.0", "255.255.0.0", "192.0.2.1", 2, 254, 0, 4), 6 });
}

static void
test_persisted_rows_max(void **state)
{
	struct proute pr = { .plen = 32, .nexthop = IP(192, 0, 2, 1), .metric = 1 };

	for (uint32_t i = 0; i < PERSIST_ROWS_MAX - 1; i++) {
		pr.dst = IP(10, 100, 0, 0) + i;
		assert_int_equal(persist_insert(&w->persist, &pr), 0);
	}
	REFUSED(SNMP_ERR_RESOURCEUNAVAILABLE, { TP, C_PRS, PIDX, 4 },
	    { TP, C_PRS, "10.51.0.0.255.255.0.0.192.0.2.1.5", 4 });
	assert_int_equal(run((struct vb[]){ { TP, C_PRS, PIDX, 4 } }, 1).status, 0);
	assert_int_equal(w->persist.n, PERSIST_ROWS_MAX);
	REFUSED(SNMP_ERR_RESOURCEUNAVAILABLE,
	    { TP, C_PRS, "10.51.0.0.255.255.0.0.192.0.2.1.5", 4 });
	/* The other family has its own. */
	assert_int_equal(run((struct vb[]){ { TP6, C6_PRS,
				 pidx6(0, "2001:db8:10::", 48, "2001:db8:1::1", "", 10), 4 } },
			     1)
			     .status,
	    0);
}

/* ---- the adapter methods (snmp/mib_ifset.c) -------------------------------------- */

#define C_AD_ID    COL_ADAPTER_NETCONNECTIONID
#define C_AD_EN    COL_ADAPTER_NETENABLED
#define C_AD_RESET COL_ADAPTER_RESET
#define C_AD_POWER COL_ADAPTER_SETPOWERSTATE
#define C_CFG_MTU  COL_ADCFG_MTU
#define C_ADDR_ST  COL_ADCFG_ADDR_STORAGETYPE
#define C_ADDR_RS  COL_ADCFG_ADDR_ROWSTATUS
#define IDX4(a, p) "2.1.4." a "." #p /* an IPv4 address of va */
#define IDX6(a, p) "2.2.16." a "." #p

/*
 * The fake kernel's links: lo (1), va (2: 192.0.2.100/24 and
 * 192.0.2.101/24, its secondary, and 2001:db8:1::100/64; the driver takes
 * an MTU up to 9000 and does not say so), mgmt (3), a bridge port (4) of
 * br0 (5) reporting its MTU range 68-1500; the mirror follows them.  Again:
 * the kernel as at first (the mirror forgets the addresses it no longer has).
 */
static void
adapters(void)
{
	static const uint8_t a100[4] = { 192, 0, 2, 100 }, a101[4] = { 192, 0, 2, 101 };
	uint8_t a6[16];

	fk.iface = 1;
	fk.nlinks = fk.naddrs = 0;
	fk.links[fk.nlinks++] =
	    (struct fk_link){ 1, 0, IFF_UP | IFF_LOOPBACK, 65536, 0, 0, 65536, "lo", "" };
	fk.links[fk.nlinks++] = (struct fk_link){ IFA, 0, IFF_UP, 1500, 0, 0, 9000, "va", "" };
	fk.links[fk.nlinks++] = (struct fk_link){ 3, 0, IFF_UP, 1500, 0, 0, 9000, "mgmt", "" };
	fk.links[fk.nlinks++] = (struct fk_link){ 4, 5, IFF_UP, 1500, 68, 1500, 1500, "p1", "" };
	fk.links[fk.nlinks++] = (struct fk_link){ 5, 0, IFF_UP, 1500, 68, 1500, 1500, "br0", "" };
	fk_addr_add(IFA, AF_INET, a100, 24);
	fk_addr_add(IFA, AF_INET, a101, 24);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::100", a6), 1);
	fk_addr_add(IFA, AF_INET6, a6, 64);
	fk_iface_events();
}

/* The kernel's links and addresses as one text, to compare before and after. */
static void
iface_text(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < fk.nlinks && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%d %x %u '%s'|", fk.links[i].ifindex,
		    fk.links[i].flags, fk.links[i].mtu, fk.links[i].alias);
	/* The kernel keeps each family's addresses in a list of its own. */
	for (size_t k = 0; k < 2 * fk.naddrs && off < len; k++) {
		size_t i = k % fk.naddrs;
		char t[INET6_ADDRSTRLEN];

		if ((fk.addrs[i].family == AF_INET) != (k < fk.naddrs))
			continue;
		inet_ntop(fk.addrs[i].family, fk.addrs[i].addr, t, sizeof(t));
		off += (size_t)snprintf(buf + off, len - off, "%d %s/%u%s%s|", fk.addrs[i].ifindex,
		    t, fk.addrs[i].plen, fk.addrs[i].flags & IFA_F_SECONDARY ? " sec" : "",
		    fk.addrs[i].brd ? " brd" : "");
	}
}

/* The adapter's records: cimNetAdapterLastMethod/Result, cimAdapterCfgLastMethod/Result. */
#define AD_REC(ifx, m, r)                                         \
	do {                                                      \
		const struct ifrec *rec_ = ifset_rec(ifs, (ifx)); \
		assert_non_null(rec_);                            \
		assert_int_equal(rec_->ad_method, (m));           \
		assert_int_equal(rec_->ad_result, (r));           \
	} while (0)
#define CFG_REC(ifx, m, r)                                        \
	do {                                                      \
		const struct ifrec *rec_ = ifset_rec(ifs, (ifx)); \
		assert_non_null(rec_);                            \
		assert_int_equal(rec_->cfg_method, (m));          \
		assert_int_equal(rec_->cfg_result, (r));          \
	} while (0)

/* A SET refused in a reserve phase that changes neither the links nor the addresses. */
#define IF_REFUSED(want_, ...)                 \
	do {                                   \
		char ib_[2048], ia_[2048];     \
                                               \
		iface_text(ib_, sizeof(ib_));  \
		REFUSED(want_, __VA_ARGS__);   \
		iface_text(ia_, sizeof(ia_));  \
		assert_string_equal(ib_, ia_); \
	} while (0)

/* A SET that succeeds with exactly these kernel requests. */
#define IF_APPLIED(log_, ...)                                     \
	do {                                                      \
		const struct vb set_[] = { __VA_ARGS__ };         \
		struct result res_;                               \
                                                                  \
		fk.log[0] = '\0';                                 \
		res_ = run(set_, sizeof(set_) / sizeof(set_[0])); \
		assert_int_equal(res_.status, 0);                 \
		assert_string_equal(fk.log, (log_));              \
	} while (0)

static void
test_adapter_enable_disable(void **state)
{
	struct mib_value v;
	oid name[MAX_OID_LEN];
	size_t len = mib_adapter_table->entry_len;

	adapters();
	assert_null(ifset_rec(ifs, IFA));
	IF_APPLIED("link 2 down", { TA, C_AD_EN, "2", TV_FALSE });
	assert_false(iface_link(ifm, IFA)->flags & IFF_UP);
	AD_REC(IFA, 2, 0); /* disable(2), success(0) */
	IF_APPLIED("link 2 up", { TA, C_AD_EN, "2", TV_TRUE });
	assert_true(iface_link(ifm, IFA)->flags & IFF_UP);
	AD_REC(IFA, 1, 0);
	/* The current value: nothing asked of the kernel, the method recorded. */
	IF_APPLIED("", { TA, C_AD_EN, "2", TV_TRUE });
	AD_REC(IFA, 1, 0);
	/* As the columns read it. */
	memcpy(name, mib_adapter_table->entry, len * sizeof(oid));
	name[len] = COL_ADAPTER_LASTMETHOD;
	name[len + 1] = IFA;
	assert_int_equal(mib_table_get(mib_adapter_table, name, len + 2, &v), 0);
	assert_int_equal(v.v.i, 1);
	name[len] = COL_ADAPTER_LASTRESULT;
	assert_int_equal(mib_table_get(mib_adapter_table, name, len + 2, &v), 0);
	assert_int_equal(v.v.i, 0);
	name[len + 1] = 3; /* no method on mgmt: LastResult absent */
	assert_int_not_equal(mib_table_get(mib_adapter_table, name, len + 2, &v), 0);
	/* A value that is not a TruthValue; an interface that does not exist. */
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TA, C_AD_EN, "2", 3 });
	IF_REFUSED(SNMP_ERR_NOCREATION, { TA, C_AD_EN, "99", TV_FALSE });
}

static void
test_adapter_alias(void **state)
{
	char big[300];

	adapters();
	IF_APPLIED("link 2 alias 'uplink to core'",
	    { TA, C_AD_ID, "2", 0, ASN_OCTET_STR, "uplink to core" });
	assert_string_equal(iface_link(ifm, IFA)->alias, "uplink to core");
	assert_null(ifset_rec(ifs, IFA)); /* a property, not a method */
	IF_APPLIED("", { TA, C_AD_ID, "2", 0, ASN_OCTET_STR, "uplink to core" });
	/* On a link that is down, the kernel announces no alias change: written again. */
	fk_link_named(IFA, 0, "va");
	IF_APPLIED("link 2 alias 'uplink to core'",
	    { TA, C_AD_ID, "2", 0, ASN_OCTET_STR, "uplink to core" });
	IF_APPLIED("link 2 alias ''", { TA, C_AD_ID, "2", 0, ASN_OCTET_STR, "" });
	assert_string_equal(iface_link(ifm, IFA)->alias, "");
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TA, C_AD_ID, "2", 0, ASN_OCTET_STR, "tab\there" });
	memset(big, 'x', 256);
	big[256] = '\0';
	IF_REFUSED(SNMP_ERR_WRONGLENGTH, { TA, C_AD_ID, "2", 0, ASN_OCTET_STR, big });
}

static void
test_adapter_reset_power(void **state)
{
	adapters();
	IF_APPLIED("link 2 down; link 2 up", { TA, C_AD_RESET, "2", 2 });
	AD_REC(IFA, 3, 0);
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TA, C_AD_RESET, "2", 1 }); /* noReset is read only */
	/* Reset() of a disabled interface, or with Disable() in the same row. */
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TA, C_AD_RESET, "2", 2 },
	    { TA, C_AD_EN, "2", TV_FALSE });
	AD_REC(IFA, 3, 2); /* failed(2) */
	fk.links[1].flags &= ~IFF_UP;
	fk_iface_events();
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TA, C_AD_RESET, "2", 2 });
	/* SetPowerState(): never on Linux, notSupported(1). */
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TA, C_AD_POWER, "2", 6 });
	AD_REC(IFA, 4, 1);
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TA, C_AD_POWER, "2", 7 });
}

/* A kernel refusal: commitFailed, failed(2) recorded, the alias put back. */
static void
test_adapter_undo(void **state)
{
	const struct vb set[] = { { TA, C_AD_ID, "2", 0, ASN_OCTET_STR, "x" },
		{ TA, C_AD_EN, "2", TV_FALSE } };
	char before[2048], after[2048];
	struct result res;

	adapters();
	iface_text(before, sizeof(before));
	fk.fail = 1 << 2;
	fk.log[0] = '\0';
	res = run(set, 2);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log, "link 2 alias 'x'; link 2 down REFUSED; link 2 alias ''");
	iface_text(after, sizeof(after));
	assert_string_equal(before, after);
	AD_REC(IFA, 2, 2);
}

/*
 * On a link that is down the kernel announced no alias another program set:
 * the undo of a failed SET puts back the kernel's alias (sysfs ifalias), not
 * the mirror's old one; all of it, newlines within too.
 */
static void
test_adapter_undo_down_alias(void **state)
{
	const struct vb set[] = { { TA, C_AD_ID, "2", 0, ASN_OCTET_STR, "x" },
		{ TA, C_AD_EN, "2", TV_TRUE } };
	char root[] = "/tmp/cimr-test-txn.XXXXXX", path[PATH_MAX], cmd[PATH_MAX + 16];
	struct ifdev *dev;
	FILE *f;

	adapters();
	fk_link_named(IFA, 0, "va"); /* down; the mirror's alias is "" */
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/class/net/va", root);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
	strcat(path, "/ifalias");
	assert_non_null(f = fopen(path, "w"));
	fputs("set by admin\n", f);
	fclose(f);
	assert_non_null(dev = ifdev_new(root, NULL, NULL));
	ifset_use_ifdev(ifs, dev);
	fk.fail = 1 << 2;
	fk.log[0] = '\0';
	assert_int_equal(run(set, 2).status, SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log,
	    "link 2 alias 'x'; link 2 up REFUSED; link 2 alias 'set by admin'");
	/* An alias of two lines (netlink takes one; the file adds one newline): whole. */
	assert_non_null(f = fopen(path, "w"));
	fputs("two\nlines\n", f);
	fclose(f);
	fk_link_named(IFA, 0, "va"); /* down again in the mirror (the fake kernel says up) */
	fk.calls = 0;
	fk.log[0] = '\0';
	assert_int_equal(run(set, 2).status, SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log,
	    "link 2 alias 'x'; link 2 up REFUSED; link 2 alias 'two\nlines'");
	ifset_use_ifdev(ifs, NULL);
	ifdev_free(dev);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* A kernel that never answers: the phase's budget fails the request, commitFailed, failed(2). */
static void
test_adapter_kernel_silent(void **state)
{
	adapters();
	fk.mute = 1 << 1;
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TA, C_AD_EN, "2", TV_FALSE } }, 1).status,
	    SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log, "link 2 down SILENT");
	AD_REC(IFA, 2, 2);
	/* The next SET has its own budget. */
	fk.mute = 0;
	IF_APPLIED("link 2 down", { TA, C_AD_EN, "2", TV_FALSE });
}

static void
test_cfg_mtu(void **state)
{
	adapters();
	IF_APPLIED("link 2 mtu 1400", { TC, C_CFG_MTU, "2", 1400, ASN_UNSIGNED });
	assert_int_equal(iface_link(ifm, IFA)->mtu, 1400);
	CFG_REC(IFA, 31, 0); /* setMTU(31), successNoReboot(0) */
	IF_APPLIED("", { TC, C_CFG_MTU, "2", 1400, ASN_UNSIGNED });
	/* Below 68; beyond what the device reports (p1: 68-1500): parameterOutOfBounds(90). */
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TC, C_CFG_MTU, "2", 67, ASN_UNSIGNED });
	CFG_REC(IFA, 31, 90);
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TC, C_CFG_MTU, "4", 1501, ASN_UNSIGNED });
	CFG_REC(4, 31, 90);
	IF_REFUSED(SNMP_ERR_WRONGTYPE, { TC, C_CFG_MTU, "2", 1400 });
	/* The driver refuses (va takes 9000 and does not say): commitFailed, 90 recorded. */
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TC, C_CFG_MTU, "2", 9001, ASN_UNSIGNED } }, 1).status,
	    SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log, "link 2 mtu 9001 REFUSED");
	assert_int_equal(iface_link(ifm, IFA)->mtu, 1400);
	CFG_REC(IFA, 31, 90);
}

/* What Linux already is succeeds and changes nothing; what it cannot do is 64. */
static void
test_cfg_as_linux_is(void **state)
{
	static const uint8_t zero[4], wins[4] = { 10, 0, 0, 1 };

	adapters();
	IF_APPLIED("", { TC, COL_ADCFG_DOMAINDNSREGENABLED, "2", TV_FALSE },
	    { TC, COL_ADCFG_FULLDNSREGENABLED, "2", TV_FALSE });
	CFG_REC(IFA, 21, 0);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TC, COL_ADCFG_FULLDNSREGENABLED, "2", TV_TRUE });
	CFG_REC(IFA, 21, 64);
	IF_APPLIED("", { TC, COL_ADCFG_TCPIPNETBIOSOPTIONS, "2", 2 });
	CFG_REC(IFA, 35, 0);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TC, COL_ADCFG_TCPIPNETBIOSOPTIONS, "2", 1 });
	CFG_REC(IFA, 35, 64);
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TC, COL_ADCFG_TCPIPNETBIOSOPTIONS, "2", 3 });
	IF_APPLIED("",
	    { TC, COL_ADCFG_WINSPRIMARYSERVER, "2", 0, ASN_IPADDRESS, (const char *)zero });
	CFG_REC(IFA, 41, 0);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TC, COL_ADCFG_WINSSECONDARYSERVER, "2", 0, ASN_IPADDRESS, (const char *)wins });
	CFG_REC(IFA, 41, 64);
	IF_APPLIED("", { TC, COL_ADCFG_ACTION, "2", 4 }); /* disableIPSec */
	CFG_REC(IFA, 1, 0);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TC, COL_ADCFG_ACTION, "2", 2 });
	CFG_REC(IFA, 8, 100); /* releaseDHCPLease on a static link: dhcpNotEnabled */
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TC, COL_ADCFG_ACTION, "2", 1 });
	IF_REFUSED(SNMP_ERR_NOTWRITABLE, { TC, COL_ADCFG_IPENABLED, "2", 1 });
}

/* The StorageType kept for an address of va (mib_ifset.h). */
static int
storage_of(const char *addr, uint8_t plen)
{
	struct iface_addr a = { .ifindex = IFA,
		.family = strchr(addr, ':') ? AF_INET6 : AF_INET,
		.plen = plen };

	assert_int_equal(inet_pton(a.family, addr, a.addr), 1);
	return ifset_storage(ifs, &a);
}

static void
test_addr_create_destroy(void **state)
{
	const struct vb undone[] = { { TD, C_ADDR_RS, IDX4("198.51.100.7", 24), RS_CREATEANDGO },
		{ TD, C_ADDR_RS, IDX4("198.51.100.6", 24), RS_DESTROY } };

	adapters();
	assert_int_equal(storage_of("192.0.2.100", 24), ST_OTHER);
	IF_APPLIED("add 198.51.100.5/24 on ifindex 2",
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO });
	assert_non_null(fk_addr_at(IFA, AF_INET, (uint8_t[]){ 198, 51, 100, 5 }, 24));
	CFG_REC(IFA, 6, 0);                                               /* enableStatic(6) */
	assert_int_equal(storage_of("198.51.100.5", 24), ST_NONVOLATILE); /* the DEFVAL */
	IF_APPLIED("del 198.51.100.5/24 on ifindex 2",
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_DESTROY });
	assert_int_equal(fk.naddrs, 3);
	/* destroy of an address that is not there: done already (RFC 2579), recorded so. */
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TD, C_ADDR_RS, IDX4("192.0.2.100", 24), RS_CREATEANDGO });
	CFG_REC(IFA, 6, 93);
	IF_APPLIED("", { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_DESTROY });
	CFG_REC(IFA, 6, 0);
	/* StorageType at creation: both values add to the kernel. */
	IF_APPLIED("add 198.51.100.6/24 on ifindex 2",
	    { TD, C_ADDR_RS, IDX4("198.51.100.6", 24), RS_CREATEANDGO },
	    { TD, C_ADDR_ST, IDX4("198.51.100.6", 24), ST_VOLATILE });
	assert_int_equal(storage_of("198.51.100.5", 24), ST_OTHER);
	assert_int_equal(storage_of("198.51.100.6", 24), ST_VOLATILE);
	/*
	 * A destroy undone: the address and its StorageType are back, also when
	 * the delete's event is read before its ack, as the kernel sends them
	 * (cfg_churn.sh seed 38: it read other(1)).
	 */
	for (fk.addr_events = 0; fk.addr_events < 2; fk.addr_events++) {
		fk.calls = 0;
		fk.fail = 1 << 2;
		fk.log[0] = '\0';
		assert_int_equal(run(undone, 2).status, SNMP_ERR_COMMITFAILED);
		assert_string_equal(fk.log,
		    "del 198.51.100.6/24 on ifindex 2; add 198.51.100.7/24 on ifindex "
		    "2 REFUSED; add 198.51.100.6/24 on ifindex 2");
		assert_non_null(fk_addr_at(IFA, AF_INET, (uint8_t[]){ 198, 51, 100, 6 }, 24));
		fk_events(m);
		assert_int_equal(storage_of("198.51.100.6", 24), ST_VOLATILE);
	}
	fk.addr_events = fk.fail = 0;
	/* IPv6 */
	IF_APPLIED("add 2001:db8:5::1/64 on ifindex 2",
	    { TD, C_ADDR_RS, IDX6("32.1.13.184.0.5.0.0.0.0.0.0.0.0.0.1", 64), RS_CREATEANDGO });
	IF_APPLIED("del 2001:db8:5::1/64 on ifindex 2",
	    { TD, C_ADDR_RS, IDX6("32.1.13.184.0.5.0.0.0.0.0.0.0.0.0.1", 64), RS_DESTROY });
}

static void
test_addr_refusals(void **state)
{
	adapters();
	/* RESERVE1: the RowStatus values not served, StorageType's, the index. */
	IF_REFUSED(SNMP_ERR_WRONGVALUE,
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDWAIT });
	IF_REFUSED(SNMP_ERR_WRONGVALUE,
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_NOTINSERVICE });
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TD, C_ADDR_ST, IDX4("198.51.100.5", 24), ST_READONLY });
	IF_REFUSED(SNMP_ERR_NOCREATION, { TD, C_ADDR_RS, "2.1.4.198.51.100.5", RS_CREATEANDGO });
	IF_REFUSED(SNMP_ERR_NOCREATION,
	    { TD, C_ADDR_RS, "2.1.16.198.51.100.5.24", RS_CREATEANDGO });
	IF_REFUSED(SNMP_ERR_NOCREATION,
	    { TD, C_ADDR_RS, "2.1.4.198.51.100.256.24", RS_CREATEANDGO });
	/* StorageType alone (on a row that does not exist: inconsistentName), or with destroy. */
	IF_REFUSED(SNMP_ERR_INCONSISTENTNAME,
	    { TD, C_ADDR_ST, IDX4("198.51.100.5", 24), ST_VOLATILE });
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TD, C_ADDR_ST, IDX4("192.0.2.100", 24), ST_VOLATILE });
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TD, C_ADDR_ST, IDX4("192.0.2.100", 24), ST_VOLATILE },
	    { TD, C_ADDR_RS, IDX4("192.0.2.100", 24), RS_DESTROY });
	/* Addresses that no interface may have: invalidIPAddress(70). */
	IF_REFUSED(SNMP_ERR_INCONSISTENTNAME,
	    { TD, C_ADDR_RS, IDX4("0.0.0.0", 8), RS_CREATEANDGO });
	CFG_REC(IFA, 6, 70);
	IF_REFUSED(SNMP_ERR_INCONSISTENTNAME,
	    { TD, C_ADDR_RS, IDX4("224.0.0.5", 24), RS_CREATEANDGO });
	IF_REFUSED(SNMP_ERR_INCONSISTENTNAME,
	    { TD, C_ADDR_RS, IDX4("10.1.2.0", 24), RS_CREATEANDGO });
	IF_REFUSED(SNMP_ERR_INCONSISTENTNAME,
	    { TD, C_ADDR_RS, IDX4("10.1.2.255", 24), RS_CREATEANDGO });
	IF_REFUSED(SNMP_ERR_INCONSISTENTNAME,
	    { TD, C_ADDR_RS, IDX6("255.2.0.0.0.0.0.0.0.0.0.0.0.0.0.1", 64), RS_CREATEANDGO });
	CFG_REC(IFA, 6, 70);
	/* A prefix longer than the address: invalidSubnetMask(66). */
	IF_REFUSED(SNMP_ERR_INCONSISTENTNAME,
	    { TD, C_ADDR_RS, IDX4("10.1.2.3", 33), RS_CREATEANDGO });
	CFG_REC(IFA, 6, 66);
	/* A loopback address on va; the same on lo is fine. */
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TD, C_ADDR_RS, IDX4("127.0.0.2", 8), RS_CREATEANDGO });
	CFG_REC(IFA, 6, 70);
	IF_APPLIED("add 127.0.0.2/8 on ifindex 1",
	    { TD, C_ADDR_RS, "1.1.4.127.0.0.2.8", RS_CREATEANDGO });
	/* Present already: alreadyExists(93); a bridge port: notConfigurable(97). */
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TD, C_ADDR_RS, IDX4("192.0.2.100", 24), RS_CREATEANDGO });
	CFG_REC(IFA, 6, 93);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TD, C_ADDR_RS, "4.1.4.198.51.100.5.24", RS_CREATEANDGO });
	CFG_REC(4, 6, 97);
	/*
	 * va's IPv6 address at another prefix length: the kernel keys it without
	 * one (EEXIST in ACTION); fine when the same SET destroys the old row.
	 */
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TD, C_ADDR_RS, IDX6("32.1.13.184.0.1.0.0.0.0.0.0.0.0.1.0", 48), RS_CREATEANDGO });
	CFG_REC(IFA, 6, 93);
	IF_APPLIED("del 2001:db8:1::100/64 on ifindex 2; add 2001:db8:1::100/48 on ifindex 2",
	    { TD, C_ADDR_RS, IDX6("32.1.13.184.0.1.0.0.0.0.0.0.0.0.1.0", 48), RS_CREATEANDGO },
	    { TD, C_ADDR_RS, IDX6("32.1.13.184.0.1.0.0.0.0.0.0.0.0.1.0", 64), RS_DESTROY });
	/* active(1) of an address that is not there: notFound(94); no such interface. */
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_ACTIVE });
	CFG_REC(IFA, 6, 94);
	IF_REFUSED(SNMP_ERR_INCONSISTENTNAME,
	    { TD, C_ADDR_RS, "99.1.4.198.51.100.5.24", RS_CREATEANDGO });
}

/*
 * EnableStatic() replacing va's subnet: destroys first, then creates in
 * varbind order, so that the first created becomes the primary; the
 * secondary goes with its primary (promote_secondaries off).
 */
static void
test_addr_order(void **state)
{
	char text[2048];

	adapters();
	IF_APPLIED("del 192.0.2.100/24 on ifindex 2; add 192.0.2.7/24 on ifindex 2; "
		   "add 192.0.2.8/24 on ifindex 2",
	    { TD, C_ADDR_RS, IDX4("192.0.2.7", 24), RS_CREATEANDGO },
	    { TD, C_ADDR_RS, IDX4("192.0.2.100", 24), RS_DESTROY },
	    { TD, C_ADDR_RS, IDX4("192.0.2.8", 24), RS_CREATEANDGO });
	iface_text(text, sizeof(text));
	assert_non_null(strstr(text, "2 192.0.2.7/24 brd|2 192.0.2.8/24 sec brd|"));
	assert_null(strstr(text, "192.0.2.101"));
	/* Secondaries before primaries: none is found gone with its primary. */
	adapters();
	IF_APPLIED("del 192.0.2.101/24 on ifindex 2; del 192.0.2.100/24 on ifindex 2",
	    { TD, C_ADDR_RS, IDX4("192.0.2.100", 24), RS_DESTROY },
	    { TD, C_ADDR_RS, IDX4("192.0.2.101", 24), RS_DESTROY });
}

/*
 * The undo puts the removed addresses back in their order, the primary
 * first, whether the kernel took the secondaries along or promoted one.
 * The commitFailed names the refused address's varbind (cfg_churn.sh seed 31).
 */
static void
test_addr_undo(void **state)
{
	const struct vb set[] = { { TD, C_ADDR_RS, IDX4("192.0.2.100", 24), RS_DESTROY },
		{ TD, C_ADDR_RS, IDX4("192.0.2.7", 24), RS_CREATEANDGO },
		{ TD, C_ADDR_RS, IDX4("192.0.2.8", 24), RS_CREATEANDGO } };
	char before[2048], after[2048];
	struct result res;

	for (fk.promote = 0; fk.promote < 2; fk.promote++) {
		adapters();
		iface_text(before, sizeof(before));
		fk.calls = 0;
		fk.fail = 1 << 3;
		fk.log[0] = '\0';
		res = run(set, 3);
		assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
		/* on the varbind of the address refused, not on the row that carries the plan */
		assert_int_equal(res.index, 2);
		assert_string_equal(fk.log,
		    fk.promote ?
			"del 192.0.2.100/24 on ifindex 2; add 192.0.2.7/24 on ifindex 2; "
			"add 192.0.2.8/24 on ifindex 2 REFUSED; "
			"del 192.0.2.7/24 on ifindex 2; del 192.0.2.101/24 on ifindex 2; "
			"add 192.0.2.100/24 on ifindex 2; add 192.0.2.101/24 on ifindex 2" :
			"del 192.0.2.100/24 on ifindex 2; add 192.0.2.7/24 on ifindex 2; "
			"add 192.0.2.8/24 on ifindex 2 REFUSED; "
			"del 192.0.2.7/24 on ifindex 2; del 192.0.2.101/24 on ifindex 2 "
			"REFUSED; add 192.0.2.100/24 on ifindex 2; "
			"add 192.0.2.101/24 on ifindex 2");
		iface_text(after, sizeof(after));
		assert_string_equal(before, after);
		CFG_REC(IFA, 6, 91); /* the fake refuses with EPERM: accessDenied(91) */
	}
}

/*
 * A primary destroyed in a SET that fails: the secondaries the kernel took
 * along (or the one it promoted) are put back with their StorageType, also
 * when the deletion's events come before the ack (review of cfg_churn's fix).
 */
static void
test_addr_undo_secondary_storage(void **state)
{
	const struct vb set[] = { { TD, C_ADDR_RS, IDX4("198.51.100.1", 24), RS_DESTROY },
		{ TD, C_ADDR_RS, IDX4("203.0.113.7", 24), RS_CREATEANDGO } };

	for (fk.promote = 0; fk.promote < 2; fk.promote++) {
		for (fk.addr_events = 0; fk.addr_events < 2; fk.addr_events++) {
			adapters();
			IF_APPLIED(
			    "add 198.51.100.1/24 on ifindex 2; add 198.51.100.2/24 on ifindex 2",
			    { TD, C_ADDR_RS, IDX4("198.51.100.1", 24), RS_CREATEANDGO },
			    { TD, C_ADDR_ST, IDX4("198.51.100.1", 24), ST_VOLATILE },
			    { TD, C_ADDR_RS, IDX4("198.51.100.2", 24), RS_CREATEANDGO },
			    { TD, C_ADDR_ST, IDX4("198.51.100.2", 24), ST_VOLATILE });
			assert_int_equal(storage_of("198.51.100.2", 24), ST_VOLATILE);
			fk.calls = 0;
			fk.fail = 1 << 2;
			assert_int_equal(run(set, 2).status, SNMP_ERR_COMMITFAILED);
			fk_events(m);
			assert_non_null(
			    fk_addr_at(IFA, AF_INET, (uint8_t[]){ 198, 51, 100, 2 }, 24));
			assert_int_equal(storage_of("198.51.100.1", 24), ST_VOLATILE);
			assert_int_equal(storage_of("198.51.100.2", 24), ST_VOLATILE);
		}
	}
	fk.promote = fk.addr_events = fk.fail = 0;
}

static void saved_text(char *buf, size_t len);

/* Poll the DHCP commands until the record of ifindex reads method and result (at most 5 s). */
static void
dhcp_wait(struct dhcpctl *dc, int32_t ifindex, int method, int result)
{
	for (int i = 0; i < 500; i++) {
		const struct ifrec *rec = ifset_rec(ifs, ifindex);

		if (rec != NULL && rec->cfg_method == method && rec->cfg_result == result)
			return;
		dhcpctl_poll(dc);
		usleep(10000);
	}
	CFG_REC(ifindex, method, result);
}

/*
 * The DHCP methods: refused without a command (64) or on a static link
 * (100); a command started at COMMIT only (jobStarted(4096) meanwhile),
 * its end recorded (0, or 81); EnableDHCP() drops the link's saved
 * addresses, put back when the SET is undone.
 */
static void
test_cfg_dhcp(void **state)
{
	struct dhcpctl_config cc = { .timeout_s = 5 };
	struct dhcpctl *dc;
	char err[256], text[512];

	adapters();
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TC, COL_ADCFG_DHCPENABLED, "2", TV_TRUE });
	CFG_REC(IFA, 2, 64); /* EnableDHCP(), no client's command: notSupported */
	assert_int_equal(dhcpctl_line("dhcpCommand", "enable /bin/true %i", &cc, err, sizeof(err)),
	    0);
	assert_non_null(dc = dhcpctl_new(&cc));
	ifset_use_dhcp(ifs, dc, &cc);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TC, COL_ADCFG_ACTION, "2", 3 });
	CFG_REC(IFA, 10, 100); /* renewDHCPLease on a static link: dhcpNotEnabled */
	IF_APPLIED("", { TC, COL_ADCFG_DHCPENABLED, "2", TV_FALSE }); /* static already */
	CFG_REC(IFA, 6, 0);
	/* Refused for its route row: nothing runs. */
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TR, C_RS, R60, 4 },
	    { TC, COL_ADCFG_DHCPENABLED, "2", TV_TRUE });
	assert_false(dhcpctl_busy(dc, IFA));
	/* With a nonVolatile address of va saved: EnableDHCP() drops it, an undo puts it back. */
	assert_int_equal(ifset_use_statedir(ifs, dir, err, sizeof(err)), 0);
	IF_APPLIED("add 198.51.100.5/24 on ifindex 2",
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO });
	fk.calls = 0;
	fk.fail = 1u << 1; /* the gateway after it */
	assert_int_equal(run((struct vb[]){ { TC, COL_ADCFG_DHCPENABLED, "2", TV_TRUE },
				 { TG, C_GRS, GIDX("192.0.2.1", 10), 4 } },
			     2)
			     .status,
	    SNMP_ERR_COMMITFAILED);
	fk.fail = 0;
	assert_false(dhcpctl_busy(dc, IFA));
	saved_text(text, sizeof(text));
	assert_string_equal(text, "va 198.51.100.5/24\n");
	IF_APPLIED("", { TC, COL_ADCFG_DHCPENABLED, "2", TV_TRUE });
	CFG_REC(IFA, 2, 4096); /* jobStarted while /bin/true runs */
	assert_true(dhcpctl_busy(dc, IFA));
	saved_text(text, sizeof(text));
	assert_string_equal(text, "");
	/* Another method while the command runs: refused, 81. */
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TC, COL_ADCFG_DHCPENABLED, "2", TV_TRUE });
	dhcp_wait(dc, IFA, 2, 81);
	dhcp_wait(dc, IFA, 2, 0);
	/* A command that fails: dhcpConfigFailed(81). */
	assert_int_equal(dhcpctl_line("dhcpCommand", "enable /bin/false", &cc, err, sizeof(err)),
	    0);
	IF_APPLIED("", { TC, COL_ADCFG_DHCPENABLED, "2", TV_TRUE });
	dhcp_wait(dc, IFA, 2, 81);
	ifset_use_dhcp(ifs, NULL, NULL);
	dhcpctl_free(dc);
	dhcpctl_config_free(&cc);
}

/* A method of a SET that failed keeps its code when an earlier one's record is undone. */
static void
test_cfg_failure_kept(void **state)
{
	adapters();
	fk.calls = 0;
	fk.fail = 1u << 2; /* the address, after the MTU */
	assert_int_equal(run((struct vb[]){ { TC, C_CFG_MTU, "2", 1400, ASN_UNSIGNED },
				 { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO } },
			     2)
			     .status,
	    SNMP_ERR_COMMITFAILED);
	fk.fail = 0;
	assert_int_equal(iface_link(ifm, IFA)->mtu, 1500);
	CFG_REC(IFA, 6, 91); /* enableStatic(6), the fake's EPERM: accessDenied(91) */
	/* ... and so when the earlier one is a row of a table Linux has no rows of. */
	IF_APPLIED("", { TN, COL_ADCFG_PERMIT_ROWSTATUS, "2.1", RS_DESTROY });
	CFG_REC(IFA, CIM_M_ENABLEIPSEC, 0);
	fk.calls = 0;
	fk.fail = 1u << 1;
	assert_int_equal(run((struct vb[]){ { TN, COL_ADCFG_PERMIT_ROWSTATUS, "2.1", RS_DESTROY },
				 { TC, C_CFG_MTU, "2", 1400, ASN_UNSIGNED } },
			     2)
			     .status,
	    SNMP_ERR_COMMITFAILED);
	fk.fail = 0;
	CFG_REC(IFA, CIM_M_SETMTU, 91);
}

/*
 * SetIPConnectionMetric(): va's default route read back and moved, make
 * before break; the old one's delete refused: undone (the new one deleted),
 * the kernel as before; refusals: no default route (94), a persisted one
 * (80), another interface's at the metric.
 */
static void
test_cfg_conn_metric(void **state)
{
	char before[2048], after[2048];

	adapters();
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TC, COL_ADCFG_IPCONNECTIONMETRIC, "2", 50, ASN_UNSIGNED });
	CFG_REC(IFA, 25, 94);
	/* proto boot: the fake kernel reads back the first route of the protocol on the link */
	fk.v[fk.n++] = R(0, 0, IP(192, 0, 2, 254), 100, RTPROT_BOOT);
	fk_events(m);
	IF_APPLIED("add 0.0.0.0/0 m50; del 0.0.0.0/0 m100",
	    { TC, COL_ADCFG_IPCONNECTIONMETRIC, "2", 50, ASN_UNSIGNED });
	CFG_REC(IFA, 25, 0);
	assert_true(has_default("c00002fe", 50));
	assert_false(has_default("c00002fe", 100));
	fk_events(m);
	/* The kernel refuses the delete of the old one: the new one goes again. */
	kernel_text(before, sizeof(before));
	fk.calls = 0;
	fk.fail = 1u << 2;
	fk.log[0] = '\0';
	assert_int_equal(
	    run((struct vb[]){ { TC, COL_ADCFG_IPCONNECTIONMETRIC, "2", 70, ASN_UNSIGNED } }, 1)
		.status,
	    SNMP_ERR_COMMITFAILED);
	fk.fail = 0;
	kernel_text(after, sizeof(after));
	assert_string_equal(before, after);
	fk_events(m);
	/* Another interface's default route at the metric; a persisted one. */
	fk.v[fk.n++] = R(0, 0, IP(192, 0, 2, 253), 20, RTPROT_STATIC);
	fk.v[fk.n - 1].ifindex = 3;
	fk_events(m);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TC, COL_ADCFG_IPCONNECTIONMETRIC, "2", 20, ASN_UNSIGNED });
	assert_int_equal(run((struct vb[]){ { TG, C_GRS, GIDX("192.0.2.1", 30), 4 } }, 1).status,
	    0);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TC, COL_ADCFG_IPCONNECTIONMETRIC, "2", 40, ASN_UNSIGNED });
	CFG_REC(IFA, 25, 80);
}

/*
 * SetIPConnectionMetric(): another interface's default route clashes only
 * with a move of its own family (the MIB: "another interface's default
 * route of the family at that metric").  va has only an IPv6 default
 * route; mgmt's IPv4 one at 20 does not stop va's from moving to 20.
 */
static void
test_cfg_conn_metric_family(void **state)
{
	adapters();
	fk.v6[fk.n6++] = R6("::", 0, "2001:db8:1::1", 1024, RTPROT_BOOT);
	fk.v[fk.n++] = R(0, 0, IP(192, 0, 2, 253), 20, RTPROT_STATIC);
	fk.v[fk.n - 1].ifindex = 3;
	fk_events(m);
	fk_events(m6);
	assert_int_equal(
	    run((struct vb[]){ { TC, COL_ADCFG_IPCONNECTIONMETRIC, "2", 20, ASN_UNSIGNED } }, 1)
		.status,
	    0);
	CFG_REC(IFA, CIM_M_SETIPCONNECTIONMETRIC, 0);
	/* mgmt's IPv4 route did not move; va's IPv6 one is at 20 now. */
	assert_true(has_default("c00002fd", 20));
	fk_events(m6);
	{
		char k[2048];

		kernel_text(k, sizeof(k));
		assert_non_null(strstr(k, "::/0 2001:db8:1::1 20 "));
		assert_null(strstr(k, "::/0 2001:db8:1::1 1024 "));
	}
	/* An IPv6 default route of mgmt at 30: va's move to 30 is refused (93). */
	fk.v6[fk.n6] = R6("::", 0, "2001:db8:1::2", 30, RTPROT_BOOT);
	fk.v6[fk.n6++].ifindex = 3;
	fk_events(m6);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TC, COL_ADCFG_IPCONNECTIONMETRIC, "2", 30, ASN_UNSIGNED });
	CFG_REC(IFA, CIM_M_SETIPCONNECTIONMETRIC, CIM_RC_ALREADYEXISTS);
}

/*
 * SetIPConnectionMetric(): a default route of another type (blackhole,
 * unreachable) at the metric clashes as another interface's does (Linux
 * keeps one route a destination and metric whatever its type: the add
 * would be EEXIST, commitFailed): refused, alreadyExists(93).
 */
static void
test_cfg_conn_metric_type(void **state)
{
	struct route bh = R(0, 0, 0, 20, RTPROT_STATIC);
	struct route6 un = R6("::", 0, "::", 30, RTPROT_STATIC);

	adapters();
	bh.type = RTN_BLACKHOLE;
	bh.ifindex = 0;
	bh.scope = RT_SCOPE_UNIVERSE;
	un.type = RTN_UNREACHABLE;
	un.ifindex = 1;
	fk.v[fk.n++] = R(0, 0, IP(192, 0, 2, 254), 100, RTPROT_BOOT);
	fk.v[fk.n++] = bh;
	fk.v6[fk.n6++] = R6("::", 0, "2001:db8:1::1", 1024, RTPROT_BOOT);
	fk.v6[fk.n6++] = un;
	fk_events(m);
	fk_events(m6);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TC, COL_ADCFG_IPCONNECTIONMETRIC, "2", 20, ASN_UNSIGNED });
	CFG_REC(IFA, CIM_M_SETIPCONNECTIONMETRIC, CIM_RC_ALREADYEXISTS);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TC, COL_ADCFG_IPCONNECTIONMETRIC, "2", 30, ASN_UNSIGNED });
	CFG_REC(IFA, CIM_M_SETIPCONNECTIONMETRIC, CIM_RC_ALREADYEXISTS);
}

/*
 * A cfg row that performs two methods: the kernel's refusal of one is
 * recorded for that method, not for the row's last.  SetMTU(9001) (va
 * takes 9000: refused by the driver) with DisableIPSec() in the same row:
 * setMTU(31) with parameterOutOfBounds(90).
 */
static void
test_cfg_two_methods_record(void **state)
{
	adapters();
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TC, C_CFG_MTU, "2", 9001, ASN_UNSIGNED },
				 { TC, COL_ADCFG_ACTION, "2", 4 } },
			     2)
			     .status,
	    SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log, "link 2 mtu 9001 REFUSED");
	CFG_REC(IFA, CIM_M_SETMTU, CIM_RC_OUTOFBOUNDS);
}

/* The file of the nonVolatile addresses, without its header line. */
static void
saved_text(char *buf, size_t len)
{
	char path[128], line[128];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/" STATICADDR_FILE, dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (line[0] != '#')
			snprintf(buf + strlen(buf), len - strlen(buf), "%s", line);
	fclose(f);
}

/* nonVolatile addresses: saved, added again when they vanish and at start; volatile ones not. */
static void
test_addr_saved(void **state)
{
	char err[256], text[512];
	struct result res;

	adapters();
	assert_int_equal(ifset_use_statedir(ifs, dir, err, sizeof(err)), 0);
	IF_APPLIED("add 198.51.100.5/24 on ifindex 2; add 198.51.100.6/24 on ifindex 2",
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO },
	    { TD, C_ADDR_RS, IDX4("198.51.100.6", 24), RS_CREATEANDGO },
	    { TD, C_ADDR_ST, IDX4("198.51.100.6", 24), ST_VOLATILE });
	saved_text(text, sizeof(text));
	assert_string_equal(text, "va 198.51.100.5/24\n");
	/* Deleted behind cimrouted's back: added again; the volatile one is not. */
	fk.log[0] = '\0';
	fk_addr_delete(fk_addr_at(IFA, AF_INET, (uint8_t[]){ 198, 51, 100, 6 }, 24));
	fk_addr_delete(fk_addr_at(IFA, AF_INET, (uint8_t[]){ 198, 51, 100, 5 }, 24));
	fk_iface_events();
	nlreq_input(q);
	assert_string_equal(fk.log, "add 198.51.100.5/24 on ifindex 2");
	fk_iface_events();
	assert_int_equal(storage_of("198.51.100.5", 24), ST_NONVOLATILE);
	/* A state file that cannot be written: commitFailed, the address removed again. */
	statefile_fail_dirsync = 1;
	fk.log[0] = '\0';
	res = run((struct vb[]){ { TD, C_ADDR_RS, IDX4("198.51.100.7", 24), RS_CREATEANDGO } }, 1);
	statefile_fail_dirsync = 0;
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log,
	    "add 198.51.100.7/24 on ifindex 2; del 198.51.100.7/24 on ifindex 2");
	saved_text(text, sizeof(text));
	assert_string_equal(text, "va 198.51.100.5/24\n");
	/* destroy forgets it. */
	IF_APPLIED("del 198.51.100.5/24 on ifindex 2",
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_DESTROY });
	saved_text(text, sizeof(text));
	assert_string_equal(text, "");
}

/* A SET undone after the file of the nonVolatile addresses was written where
   there was none: UNDO removes it (as test6_undone_makes_no_file for routes). */
static void
test_addr_undone_makes_no_file(void **state)
{
	char err[256], path[128], text[256];
	struct result res;

	adapters();
	assert_int_equal(ifset_use_statedir(ifs, dir, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/" STATICADDR_FILE, dir);
	assert_int_not_equal(access(path, F_OK), 0);
	fk.fail = 1 << 2; /* the gateway's route, after the address and its file */
	fk.log[0] = '\0';
	res = run((struct vb[]){ { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO },
		      { TG, C_GRS, GIDX("192.0.2.1", 30), 4 } },
	    2);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log,
	    "add 198.51.100.5/24 on ifindex 2; add 0.0.0.0/0 m30 REFUSED; "
	    "del 198.51.100.5/24 on ifindex 2");
	assert_int_not_equal(access(path, F_OK), 0);
	/* With a file before the SET, UNDO writes it again as it was. */
	fx_write_file(path, "# saved\n");
	assert_int_equal(chmod(path, 0600), 0);
	fk.fail = 1 << 2;
	fk.calls = 0;
	res = run((struct vb[]){ { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO },
		      { TG, C_GRS, GIDX("192.0.2.1", 30), 4 } },
	    2);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	saved_text(text, sizeof(text));
	assert_int_equal(access(path, F_OK), 0);
	assert_string_equal(text, "");
}

/*
 * Saved by interface name: an address made nonVolatile on va reads volatile(2)
 * once va is renamed (the state file names va: the renamed link's address
 * would not come back), and nonVolatile(3) again under its old name.
 */
static void
test_addr_saved_renamed(void **state)
{
	char err[256];

	adapters();
	assert_int_equal(ifset_use_statedir(ifs, dir, err, sizeof(err)), 0);
	IF_APPLIED("add 198.51.100.5/24 on ifindex 2",
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO });
	assert_int_equal(storage_of("198.51.100.5", 24), ST_NONVOLATILE);
	fk_link_named(IFA, IFF_UP, "vb");
	assert_int_equal(storage_of("198.51.100.5", 24), ST_VOLATILE);
	fk_link_named(IFA, IFF_UP, "va");
	assert_int_equal(storage_of("198.51.100.5", 24), ST_NONVOLATILE);
}

/* At start, the saved addresses that the kernel lacks are added; a bad line is skipped. */
static void
test_addr_saved_start(void **state)
{
	char err[256], path[128];
	int line = 6; /* the bad lines: 6 to 10 */
	int n;

	adapters();
	snprintf(path, sizeof(path), "%s/" STATICADDR_FILE, dir);
	fx_write_file(path,
	    "# saved\nva 198.51.100.9/24\nva 192.0.2.100/24\nva 2001:db8:9::1/64\n"
	    "nosuch 198.51.100.9/24\nva 198.51.100.9/33\nva/x 10.0.0.1/8\n"
	    "va:1 10.0.0.2/8\n.. 10.0.0.3/8\nv\x1bx 10.0.0.4/8\n"
	    "va 224.0.0.5/24\nva 10.1.2.0/24\nva 127.0.0.9/8\nva ff02::5/64\n");
	assert_int_equal(chmod(path, 0600), 0);
	fk.log[0] = logged[0] = '\0';
	assert_int_equal(ifset_use_statedir(ifs, dir, err, sizeof(err)), 0);
	nlreq_input(q);
	assert_string_equal(fk.log,
	    "add 198.51.100.9/24 on ifindex 2; add 2001:db8:9::1/64 on ifindex 2");
	/* Each bad line (a name no interface can have too) is logged once, never its ESC byte. */
	for (const char *at = logged; line <= 10; at++, line++) {
		char want[64];

		snprintf(want, sizeof(want), ": line %d skipped: ", line);
		if ((at = strstr(at, want)) == NULL)
			fail_msg("no '%s' in '%s'", want, logged);
	}
	/* What EnableStatic refuses is skipped too, once, with why; never sent to the kernel. */
	assert_non_null(strstr(logged, "va 224.0.0.5/24 skipped: a multicast or reserved"));
	assert_non_null(strstr(logged, "va 10.1.2.0/24 skipped: the network or broadcast"));
	assert_non_null(strstr(logged, "va 127.0.0.9/8 skipped: a loopback address on"));
	assert_non_null(strstr(logged, "va ff02::5/64 skipped: a multicast address"));
	n = 0;
	for (const char *at = logged; (at = strstr(at, " skipped: ")) != NULL; at++)
		n++;
	assert_int_equal(n, 5 + 4); /* each once */
	assert_null(strchr(logged, '\x1b'));
}

/* One SET across a route, an address and Disable(): the route fails in the kernel, nothing else is done. */
static void
test_adapter_and_route(void **state)
{
	const struct vb set[] = { { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO },
		{ TR, C_RS, GOOD, RS_CREATEANDGO }, { TA, C_AD_EN, "2", TV_FALSE } };
	char before[2048], after[2048], rb[2048], ra[2048];
	struct result res;

	adapters();
	iface_text(before, sizeof(before));
	kernel_text(rb, sizeof(rb));
	fk.fail = 1 << 1; /* the route, whose table comes first */
	fk.log[0] = '\0';
	res = run(set, 3);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	iface_text(after, sizeof(after));
	kernel_text(ra, sizeof(ra));
	assert_string_equal(before, after);
	assert_string_equal(rb, ra);
	/* The rows after the failed one are not applied only to be undone (no link flap). */
	assert_string_equal(fk.log, "add 10.9.0.0/16 m20 REFUSED");
}

/*
 * Disable(), Reset() and SetMTU() below 1280 (the kernel drops routes or
 * IPv6 addresses, which UNDO does not bring back) run after every other row
 * of their SET: a row that fails, in a table before or after theirs, finds
 * the link untouched.
 */
static void
test_adapter_last(void **state)
{
	char before[2048], after[2048];

	adapters();
	iface_text(before, sizeof(before));
	fk.calls = 0;
	fk.fail = 1u << 1; /* the address, the SET's first kernel request */
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TA, C_AD_EN, "2", TV_FALSE },
				 { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO } },
			     2)
			     .status,
	    SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log, "add 198.51.100.5/24 on ifindex 2 REFUSED");
	iface_text(after, sizeof(after));
	assert_string_equal(before, after);
	/* Reset() and an MTU below 1280 alike; an MTU of 1280 or more keeps its place. */
	fk.calls = 0;
	fk.fail = 1u << 2;
	fk.log[0] = '\0';
	assert_int_equal(run((struct vb[]){ { TA, C_AD_RESET, "2", 2 },
				 { TC, C_CFG_MTU, "2", 1279, ASN_UNSIGNED },
				 { TC, C_CFG_MTU, "4", 1400, ASN_UNSIGNED },
				 { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO } },
			     4)
			     .status,
	    SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log,
	    "link 4 mtu 1400; add 198.51.100.5/24 on ifindex 2 REFUSED; link 4 mtu 1500");
	iface_text(after, sizeof(after));
	assert_string_equal(before, after);
	/* Applied whole: the last rows in their tables' order, then their varbinds'. */
	fk.fail = 0;
	IF_APPLIED("link 4 mtu 1400; add 198.51.100.5/24 on ifindex 2; link 2 down; link 2 up; "
		   "link 2 mtu 1279",
	    { TA, C_AD_RESET, "2", 2 }, { TC, C_CFG_MTU, "2", 1279, ASN_UNSIGNED },
	    { TC, C_CFG_MTU, "4", 1400, ASN_UNSIGNED },
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO });
	AD_REC(IFA, 3, 0);
	CFG_REC(IFA, 31, 0);
}

/*
 * A varbind of a handler outside the transaction (cimTcpip's scalars) that
 * fails in ACTION, called after the rows marked last or before them:
 * net-snmp calls every handler of the phase, and UNDO follows.  Neither
 * those rows nor any row not applied yet are: the link keeps its routes.
 * (Before: "link 2 down; link 2 up", the Disable() undone; before it,
 * "link 4 mtu 1400; link 2 down; link 2 up; link 4 mtu 1500".)
 */
static void
test_last_other_handler(void **state)
{
	char before[2048], after[2048];
	struct result res;

	adapters();
	iface_text(before, sizeof(before));
	pdu_asp = other_fail = 1;
	fk.log[0] = '\0';
	res = run((struct vb[]){ { TA, C_AD_EN, "2", TV_FALSE }, { TZ, 1, "0", 1 } }, 2);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_int_equal(res.index, 1);
	assert_string_equal(fk.log, "");
	fk.log[0] = '\0';
	res = run((struct vb[]){ { TS, 1, "0", 1 }, { TA, C_AD_EN, "2", TV_FALSE },
		      { TC, C_CFG_MTU, "4", 1400, ASN_UNSIGNED } },
	    3);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_int_equal(res.index, 0);
	assert_string_equal(fk.log, "");
	iface_text(after, sizeof(after));
	assert_string_equal(before, after);
	/* A row in flight when the other handler fails is waited for, and undone. */
	fk.log[0] = '\0';
	res = run((struct vb[]){ { TC, C_CFG_MTU, "4", 1400, ASN_UNSIGNED },
		      { TA, C_AD_EN, "2", TV_FALSE }, { TZ, 1, "0", 1 } },
	    3);
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log, "link 4 mtu 1400; link 4 mtu 1500");
	iface_text(after, sizeof(after));
	assert_string_equal(before, after);
	/* The other varbind taken: the same SETs applied whole, the last rows last. */
	other_fail = 0;
	IF_APPLIED("link 2 down", { TA, C_AD_EN, "2", TV_FALSE }, { TZ, 1, "0", 1 });
	IF_APPLIED("link 2 up", { TA, C_AD_EN, "2", TV_TRUE }, { TZ, 1, "0", 1 });
	IF_APPLIED("link 4 mtu 1400; link 2 down", { TS, 1, "0", 1 },
	    { TA, C_AD_EN, "2", TV_FALSE }, { TC, C_CFG_MTU, "4", 1400, ASN_UNSIGNED });
	pdu_asp = 0;
}

/*
 * The master goes away during an ACTION with rows marked last (Disable()):
 * after its handlers were called, with the pass over the last rows still
 * to come from the loop (pass 0), or with the first of them in flight
 * (pass 1); rows before them may wait for the kernel too (the handlers'
 * requests are answered after the loss).  No COMMIT or UNDO comes, nobody
 * sees the SET complete: the rows not begun are not applied, and what was
 * is undone (txn_master(), orphan_end()).  Then the loop runs to the end
 * and a new SET works.  want: the kernel's requests.
 */
static void
lost_in_last(const struct vb *v, size_t n, int pass, const char *want)
{
	netsnmp_request_info *reqs[8];
	struct result res = { 0, -1, 0 };
	char before[2048], after[2048];

	iface_text(before, sizeof(before));
	fk.log[0] = '\0';
	vb_reqs(v, n, reqs);
	assert_false(phase(MODE_SET_RESERVE1, reqs, n, &res));
	assert_false(phase(MODE_SET_RESERVE2, reqs, n, &res));
	hold = 1;
	assert_false(phase(MODE_SET_ACTION, reqs, n, &res));
	assert_true(delegated(reqs, n));
	if (pass)
		run_alarms();
	txn_master(NULL, txn);
	for (int turn = 0; nlreq_inflight(q) > 0 || delegated(reqs, n); turn++) {
		assert_true(turn < 40);
		run_alarms();
		if (nlreq_inflight(q) > 0)
			nlreq_input(q);
	}
	hold = 0;
	assert_string_equal(fk.log, want);
	iface_text(after, sizeof(after));
	assert_string_equal(before, after);
	vb_free(reqs, n);
	IF_APPLIED("link 2 down", { TA, C_AD_EN, "2", TV_FALSE });
}

static void
test_master_lost_last(void **state)
{
	/* (Before: "add 198.51.100.5/24 on ifindex 2; link 2 down", and it stayed.) */
	adapters();
	lost_in_last((struct vb[]){ { TA, C_AD_EN, "2", TV_FALSE },
			 { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO } },
	    2, 0, "add 198.51.100.5/24 on ifindex 2; del 198.51.100.5/24 on ifindex 2");
	/* Only last rows: none applied.  (Before: "link 2 down".) */
	adapters();
	lost_in_last((struct vb[]){ { TA, C_AD_EN, "2", TV_FALSE } }, 1, 0, "");
	/* The first in flight: it completes and is undone, the second never runs.  (Before:
	 * "link 2 down; link 4 down".) */
	adapters();
	lost_in_last((struct vb[]){ { TA, C_AD_EN, "2", TV_FALSE },
			 { TA, C_AD_EN, "4", TV_FALSE } },
	    2, 1, "link 2 down; link 2 up");
	/* A row that waits for nothing, applied in the handler call, is undone.  (Before:
	 * "apply 5; col40 2; apply 70; ...", and it stayed.) */
	assert_int_equal(txn_bind(txn, &toy_t, &toy_ops, NULL), 0);
	toy_log[0] = '\0';
	adapters();
	lost_in_last((struct vb[]){ { TT, 40, "70", 1 }, { TT, 40, "5", 2 } }, 2, 0, "");
	assert_string_equal(toy_log, "apply 5; col40 2; undo 5");
}

/*
 * An IPv6 address created on va with SetMTU(1279) of va in the same SET:
 * the MTU comes last, and the kernel would drop the address with IPv6 (the
 * SET a success, the address gone and saved).  Refused in RESERVE2 as on a
 * link without IPv6, ipNotEnabled(84); an IPv4 address, an MTU of 1280, or
 * another link's MTU goes through.  (Before: applied, "add 2001:db8:5::1/64
 * on ifindex 2; link 2 mtu 1279".)
 */
static void
test_mtu_six_off(void **state)
{
	adapters();
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TC, C_CFG_MTU, "2", 1279, ASN_UNSIGNED },
	    { TD, C_ADDR_RS, IDX6("32.1.13.184.0.5.0.0.0.0.0.0.0.0.0.1", 64), RS_CREATEANDGO });
	CFG_REC(IFA, 6, 84);
	IF_APPLIED("add 2001:db8:5::1/64 on ifindex 2; link 4 mtu 1279",
	    { TC, C_CFG_MTU, "4", 1279, ASN_UNSIGNED },
	    { TD, C_ADDR_RS, IDX6("32.1.13.184.0.5.0.0.0.0.0.0.0.0.0.1", 64), RS_CREATEANDGO });
	IF_APPLIED("add 198.51.100.5/24 on ifindex 2; link 2 mtu 1279",
	    { TC, C_CFG_MTU, "2", 1279, ASN_UNSIGNED },
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO });
	adapters();
	IF_APPLIED("link 2 mtu 1280; add 2001:db8:5::1/64 on ifindex 2",
	    { TC, C_CFG_MTU, "2", 1280, ASN_UNSIGNED },
	    { TD, C_ADDR_RS, IDX6("32.1.13.184.0.5.0.0.0.0.0.0.0.0.0.1", 64), RS_CREATEANDGO });
}

/*
 * An IPv6 address created on a link whose MTU is below 1280 already: the
 * kernel has no IPv6 state there and answers EINVAL, which recorded
 * invalidIPAddress(70), commitFailed.  Refused in RESERVE2 as with SetMTU()
 * below 1280 in the same SET: inconsistentValue, ipNotEnabled(84).  A
 * SetMTU() of 1280 or more in the same SET lets it through (the kernel makes
 * the link's IPv6 anew), as it does an IPv4 address.
 */
static void
test_six_off_already(void **state)
{
	adapters();
	fk_link_at(IFA)->mtu = 1279;
	fk_iface_events();
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE,
	    { TD, C_ADDR_RS, IDX6("32.1.13.184.0.5.0.0.0.0.0.0.0.0.0.1", 64), RS_CREATEANDGO });
	CFG_REC(IFA, 6, 84);
	IF_APPLIED("add 198.51.100.5/24 on ifindex 2",
	    { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), RS_CREATEANDGO });
	IF_APPLIED("link 2 mtu 1280; add 2001:db8:5::1/64 on ifindex 2",
	    { TC, C_CFG_MTU, "2", 1280, ASN_UNSIGNED },
	    { TD, C_ADDR_RS, IDX6("32.1.13.184.0.5.0.0.0.0.0.0.0.0.0.1", 64), RS_CREATEANDGO });
}

/*
 * The MTU taken below 1280 between RESERVE2 and ACTION (another program),
 * or raised after the address (its table called first): the kernel's
 * EINVAL for the address is ipNotEnabled(84) too, commitFailed.  (Before:
 * invalidIPAddress(70).)
 */
static void
test_six_off_in_action(void **state)
{
	const struct vb set[] = { { TD, C_ADDR_RS, IDX6("32.1.13.184.0.5.0.0.0.0.0.0.0.0.0.1", 64),
	    RS_CREATEANDGO } };
	netsnmp_request_info *reqs[1];
	struct result res = { 0, -1, 0 };

	adapters();
	vb_reqs(set, 1, reqs);
	assert_false(phase(MODE_SET_RESERVE1, reqs, 1, &res));
	assert_false(phase(MODE_SET_RESERVE2, reqs, 1, &res));
	fk_link_at(IFA)->mtu = 1279;
	fk_iface_events();
	fk.log[0] = '\0';
	assert_true(phase(MODE_SET_ACTION, reqs, 1, &res));
	assert_int_equal(res.status, SNMP_ERR_COMMITFAILED);
	assert_string_equal(fk.log, "add 2001:db8:5::1/64 on ifindex 2 REFUSED");
	CFG_REC(IFA, 6, 84);
	reqs[0]->status = 0;
	res.status = 0;
	assert_false(phase(MODE_SET_UNDO, reqs, 1, &res));
	phase(MODE_SET_FREE, reqs, 1, &res);
	vb_free(reqs, 1);
	CFG_REC(IFA, 6, 84);
}

/* protectedInterfaces: every write to mgmt is noAccess, accessDenied(91), its routes too. */
static void
test_protected(void **state)
{
	adapters();
	assert_int_equal(writer_parse_protected(&w->cfg, "mgmt", NULL, 0), 0);
	IF_REFUSED(SNMP_ERR_NOACCESS, { TA, C_AD_EN, "3", TV_FALSE });
	AD_REC(3, 2, 2);
	IF_REFUSED(SNMP_ERR_NOACCESS, { TA, C_AD_ID, "3", 0, ASN_OCTET_STR, "x" });
	IF_REFUSED(SNMP_ERR_NOACCESS, { TC, C_CFG_MTU, "3", 1400, ASN_UNSIGNED });
	CFG_REC(3, 31, 91);
	IF_REFUSED(SNMP_ERR_NOACCESS, { TD, C_ADDR_RS, "3.1.4.198.51.100.5.24", RS_CREATEANDGO });
	CFG_REC(3, 6, 91);
	/* Other interfaces are not. */
	IF_APPLIED("link 2 mtu 1400", { TC, C_CFG_MTU, "2", 1400, ASN_UNSIGNED });
	/* A route through va when va is protected: the same status. */
	assert_int_equal(writer_parse_protected(&w->cfg, "va", NULL, 0), 0);
	IF_REFUSED(SNMP_ERR_NOACCESS, { TR, C_RS, GOOD, RS_CREATEANDGO });
	IF_REFUSED(SNMP_ERR_NOACCESS, { TR, C_RS, R60, RS_DESTROY });
	IF_REFUSED(SNMP_ERR_NOACCESS, { TR, C_METRIC1, R60, 9 });
	IF_REFUSED(SNMP_ERR_NOACCESS, { TP, C_PRS, PIDX, RS_CREATEANDGO });
	IF_REFUSED(SNMP_ERR_NOACCESS, { T6, C6_RS, I6_NEW, RS_CREATEANDGO });
}

/*
 * A value the column check refuses (wrongType, wrongLength, wrongValue) is
 * recorded as the row checks record: failed(2) on the adapter table,
 * invalidParameter(68) or parameterOutOfBounds(90) on the configuration's
 * (its address, IPX and gateway tables too); nothing for a link that is not there.
 */
static void
test_column_refusal_recorded(void **state)
{
	adapters();
	IF_APPLIED("link 2 mtu 1400", { TC, C_CFG_MTU, "2", 1400, ASN_UNSIGNED });
	CFG_REC(IFA, CIM_M_SETMTU, 0);
	IF_REFUSED(SNMP_ERR_WRONGTYPE, { TC, C_CFG_MTU, "2", 1400 });
	CFG_REC(IFA, CIM_M_SETMTU, 68);
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TC, COL_ADCFG_TCPIPNETBIOSOPTIONS, "2", 3 });
	CFG_REC(IFA, CIM_M_SETTCPIPNETBIOS, 90);
	IF_REFUSED(SNMP_ERR_WRONGTYPE,
	    { TC, COL_ADCFG_WINSPRIMARYSERVER, "2", 0, ASN_OCTET_STR, "1234" });
	CFG_REC(IFA, CIM_M_SETWINSSERVER, 68);
	IF_REFUSED(SNMP_ERR_WRONGTYPE, { TD, C_ADDR_RS, IDX4("198.51.100.5", 24), 4, ASN_GAUGE });
	CFG_REC(IFA, CIM_M_ENABLESTATIC, 68);
	IF_REFUSED(SNMP_ERR_WRONGLENGTH,
	    { TX, COL_ADCFG_IPX_NETWORKNUMBER, "2.1", 0, ASN_OCTET_STR, "123456789" });
	CFG_REC(IFA, CIM_M_SETIPXFRAMETYPENETWORKPAIRS, 68);
	/* A method the value names: a refused value names none; the record stays. */
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TC, COL_ADCFG_ACTION, "2", 9 });
	CFG_REC(IFA, CIM_M_SETIPXFRAMETYPENETWORKPAIRS, 68);
	IF_APPLIED("link 2 down; link 2 up", { TA, C_AD_RESET, "2", 2 });
	AD_REC(IFA, 3, 0);
	IF_REFUSED(SNMP_ERR_WRONGTYPE, { TA, C_AD_RESET, "2", 2, ASN_UNSIGNED });
	AD_REC(IFA, 3, 2);
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TA, C_AD_POWER, "2", 7 });
	AD_REC(IFA, 4, 2);
	IF_REFUSED(SNMP_ERR_WRONGTYPE, { TA, C_AD_EN, "2", 0, ASN_OCTET_STR, "x" });
	AD_REC(IFA, 4, 2);
	/* NetConnectionID is a property: nothing recorded, as on mgmt; no record for no link. */
	IF_REFUSED(SNMP_ERR_WRONGLENGTH,
	    { TA, C_AD_ID, "3", 0, ASN_OCTET_STR,
		"0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789" });
	assert_null(ifset_rec(ifs, 3));
	IF_REFUSED(SNMP_ERR_WRONGTYPE, { TC, C_CFG_MTU, "99", 1400 });
	assert_null(ifset_rec(ifs, 99));
	/* SetGateways(): the gateway table's column check; a gateway of no link records nothing. */
	IF_REFUSED(SNMP_ERR_WRONGVALUE, { TG, C_GRS, GIDX("192.0.2.9", 20), 5 });
	CFG_REC(IFA, CIM_M_SETGATEWAYS, 90);
	IF_REFUSED(SNMP_ERR_WRONGTYPE, { TG, C_GST, GIDX("192.0.2.9", 20), 3, ASN_UNSIGNED });
	CFG_REC(IFA, CIM_M_SETGATEWAYS, 68);
	IF_REFUSED(SNMP_ERR_INCONSISTENTVALUE, { TG, C_GRS, "999.1.4.192.0.2.9.20", 4 });
	assert_null(ifset_rec(ifs, 999));
}

/* DHCPEnabled refused on a protected interface: the method its value names. */
static void
test_protected_dhcp_enabled(void **state)
{
	adapters();
	assert_int_equal(writer_parse_protected(&w->cfg, "mgmt", NULL, 0), 0);
	IF_REFUSED(SNMP_ERR_NOACCESS, { TC, COL_ADCFG_DHCPENABLED, "3", TV_TRUE });
	CFG_REC(3, CIM_M_ENABLEDHCP, 91);
	IF_REFUSED(SNMP_ERR_NOACCESS, { TC, COL_ADCFG_DHCPENABLED, "3", TV_FALSE });
	CFG_REC(3, CIM_M_ENABLESTATIC, 91);
}

/* The records go with their link. */
static void
test_records_forgotten(void **state)
{
	struct nl_msg *msg;

	adapters();
	IF_APPLIED("", { TC, COL_ADCFG_ACTION, "3", 4 });
	assert_non_null(ifset_rec(ifs, 3));
	msg = fx_link_msg(RTM_DELLINK, 3, 0, "mgmt");
	iface_apply(ifm, nlmsg_hdr(msg));
	nlmsg_free(msg);
	assert_null(ifset_rec(ifs, 3));
}

/* protectedInterfaces' parser: names as the kernel takes them, at most 64. */
static void
test_protected_directive(void **state)
{
	struct writer_config c;
	char err[128], line[1024];
	size_t off = 0;

	memset(&c, 0, sizeof(c));
	assert_int_equal(writer_parse_protected(&c, "eth0, mgmt0", err, sizeof(err)), 0);
	assert_int_equal(c.nprotected, 2);
	assert_true(writer_protected(&c, "mgmt0"));
	assert_false(writer_protected(&c, "eth1"));
	assert_int_equal(writer_parse_protected(&c, "a/b", err, sizeof(err)), -1);
	assert_string_equal(err, "protectedInterfaces: 'a/b' is not an interface name");
	assert_int_equal(writer_parse_protected(&c, "abcdefghijklmnop", err, sizeof(err)), -1);
	/* the names text_is_ifname() refuses: dev_valid_name()'s, and bytes out of ASCII */
	assert_int_equal(writer_parse_protected(&c, "..", err, sizeof(err)), -1);
	assert_int_equal(writer_parse_protected(&c, "eth0:1", err, sizeof(err)), -1);
	assert_int_equal(writer_parse_protected(&c, "eth\x7f", err, sizeof(err)), -1);
	assert_int_equal(writer_parse_protected(&c, "\xc3\xa9", err, sizeof(err)), -1);
	/* the name in the message is escaped: no raw byte of the file reaches the log */
	assert_string_equal(err, "protectedInterfaces: '\\xc3\\xa9' is not an interface name");
	assert_int_equal(writer_parse_protected(&c, "a\x1b[2Jb", err, sizeof(err)), -1);
	assert_string_equal(err, "protectedInterfaces: 'a\\x1b[2Jb' is not an interface name");
	assert_int_equal(writer_parse_protected(&c, "", err, sizeof(err)), -1);
	assert_string_equal(err, "protectedInterfaces: no interface given");
	assert_int_equal(c.nprotected, 2);
	for (int i = 0; i < 63; i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, "if%d ", i);
	assert_int_equal(writer_parse_protected(&c, line, err, sizeof(err)), -1);
	assert_string_equal(err, "protectedInterfaces: more than 64 interfaces");
	assert_int_equal(c.nprotected, 2);
}

/* Each test on a fresh kernel, mirror, writer and transaction. */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reserve1_refusals),
		T(test_reserve1_logged),
		T(test_index_logged),
		T(test_wrong_length),
		cmocka_unit_test(test_check_printable),
		T(test_rows_max),
		T(test_reserve2_refusals),
		T(test_persisted_no_gateway),
		T(test_via6_gateway_unknown),
		T(test_persisted_rows_max),
		T(test_replace_either_order),
		T(test_rows_together),
		T(test_pending_max),
		T(test_pending_superseded),
		T(test_persisted_owner),
		T(test_gateways),
		T(test_gateway_kinds),
		T(test_gateway_records),
		T(test_gateway_existing),
		T(test_gateway_link_down),
		T(test_gateway6),
		T(test_gateway6_own),
		T(test_applied),
		T(test_undo_newest_first),
		T(test_master_lost_before_undo),
		T(test_master_lost_in_action),
		T(test_master_lost_undo_busy),
		T(test_across_tables),
		T(test_pdestroy_gone),
		T(test_save_fails),
		T(test_undo_rewrites_state),
		T(test_undo_failed_status),
		T(test_toy_table),
		T(test_toy_last),
		T(test_kernel_silent),
		T(test_action_delegated),
		T(test_reserve2_delegated),
		T(test_reserve2_silent),
		T(test_undo_delegated),
		T(test_undo_silent),
		T(test6_applied),
		T(test6_refusals),
		T(test6_mixed_undone),
		T(test6_pending_undone),
		T(test_destroy_gone),
		T(test6_persisted),
		T(test6_persisted_refusals),
		T(test6_persisted_both_undone),
		T(test6_undone_makes_no_file),
		T(test6_persisted_link_renamed),
		T(test6_persisted_link_renamed_other_row),
		T(test_adapter_enable_disable),
		T(test_adapter_alias),
		T(test_adapter_undo_down_alias),
		T(test_adapter_reset_power),
		T(test_adapter_undo),
		T(test_adapter_kernel_silent),
		T(test_cfg_mtu),
		T(test_cfg_as_linux_is),
		T(test_addr_create_destroy),
		T(test_addr_refusals),
		T(test_addr_order),
		T(test_addr_undo),
		T(test_addr_undo_secondary_storage),
		T(test_adapter_and_route),
		T(test_adapter_last),
		T(test_last_other_handler),
		T(test_master_lost_last),
		T(test_six_off_already),
		T(test_six_off_in_action),
		T(test_mtu_six_off),
		T(test_protected),
		T(test_column_refusal_recorded),
		T(test_protected_dhcp_enabled),
		T(test_records_forgotten),
		T(test_addr_saved),
		T(test_addr_undone_makes_no_file),
		T(test_cfg_dhcp),
		T(test_cfg_conn_metric),
		T(test_cfg_conn_metric_family),
		T(test_cfg_conn_metric_type),
		T(test_cfg_two_methods_record),
		T(test_cfg_failure_kept),
		T(test_addr_saved_start),
		T(test_addr_saved_renamed),
		T(test_protected_directive),
	};

	logcap_start();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
