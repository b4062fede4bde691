/*
 * The interface mirror's links and addresses: the attributes the adapter
 * tables show, the changes it announces, the times it keeps, and the
 * lifetimes of addresses as they run down between messages.
 */
#include "config.h"

#include <arpa/inet.h>
#include <net/if_arp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "iface/ifmirror.h"

#include "fixture.h"

#define UP (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

struct seen {
	int n;
	enum iface_change last;
};

static void
watcher(enum iface_change what, const struct link *l, const struct iface_addr *a, void *arg)
{
	struct seen *s = arg;

	(void)l;
	(void)a;
	s->n++;
	s->last = what;
}

static void
apply(struct iface *ifm, struct nl_msg *msg)
{
	iface_apply(ifm, nlmsg_hdr(msg));
	nlmsg_free(msg);
}

/* A veth as the kernel announces it: MTU, state, carrier, addresses, alias, kind, master. */
static struct nl_msg *
veth_msg(unsigned flags, uint32_t mtu, const char *alias)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 },
			     perm[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	struct nl_msg *msg = fx_link_msg(RTM_NEWLINK, 7, flags, "veth0");
	struct ifinfomsg *ifi = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *info;

	ifi->ifi_type = ARPHRD_ETHER;
	nla_put_u32(msg, IFLA_MTU, mtu);
	nla_put_u8(msg, IFLA_OPERSTATE, flags & IFF_RUNNING ? 6 : 2); /* IF_OPER_UP, _DOWN */
	nla_put_u8(msg, IFLA_CARRIER, (flags & IFF_LOWER_UP) != 0);
	nla_put_u32(msg, IFLA_MASTER, 3);
	nla_put(msg, IFLA_ADDRESS, sizeof(mac), mac);
	nla_put(msg, IFLA_PERM_ADDRESS, sizeof(perm), perm);
	if (alias != NULL)
		nla_put_string(msg, IFLA_IFALIAS, alias);
	info = nla_nest_start(msg, IFLA_LINKINFO);
	nla_put_string(msg, IFLA_INFO_KIND, "veth");
	nla_nest_end(msg, info);
	return msg;
}

static void
test_link_attributes(void **state)
{
	struct iface *ifm = iface_new();
	const struct link *l;

	(void)state;
	apply(ifm, veth_msg(UP, 1500, "uplink to isp"));
	assert_non_null(l = iface_link(ifm, 7));
	assert_string_equal(l->name, "veth0");
	assert_int_equal(l->type, ARPHRD_ETHER);
	assert_int_equal(l->mtu, 1500);
	assert_int_equal(l->operstate, 6);
	assert_int_equal(l->carrier, 1);
	assert_int_equal(l->master, 3);
	assert_int_equal(l->addrlen, 6);
	assert_int_equal(l->addr[5], 0x01);
	assert_int_equal(l->permlen, 6);
	assert_int_equal(l->perm[5], 0x99);
	assert_string_equal(l->kind, "veth");
	assert_string_equal(l->alias, "uplink to isp");
	iface_free(ifm);
}

/* No IFLA_CARRIER (old kernels): carrier follows IFF_LOWER_UP; no address: length 0. */
static void
test_link_minimal(void **state)
{
	struct iface *ifm = iface_new();
	const struct link *l;

	(void)state;
	apply(ifm, fx_link_msg(RTM_NEWLINK, 1, IFF_UP | IFF_LOWER_UP, "lo"));
	assert_non_null(l = iface_link(ifm, 1));
	assert_int_equal(l->carrier, 1);
	assert_int_equal(l->addrlen, 0);
	assert_int_equal(l->permlen, 0);
	assert_string_equal(l->kind, "");
	assert_string_equal(l->alias, "");
	apply(ifm, fx_link_msg(RTM_NEWLINK, 1, IFF_UP, "lo"));
	assert_int_equal(iface_link(ifm, 1)->carrier, 0);
	iface_free(ifm);
}

/* An address longer than MAX_ADDR_LEN is not copied (and not trusted). */
static void
test_link_address_too_long(void **state)
{
	struct iface *ifm = iface_new();
	struct nl_msg *msg = fx_link_msg(RTM_NEWLINK, 9, UP, "odd0");
	uint8_t big[LINK_ADDR_MAX + 1];

	(void)state;
	memset(big, 0xab, sizeof(big));
	nla_put(msg, IFLA_ADDRESS, sizeof(big), big);
	apply(ifm, msg);
	assert_non_null(iface_link(ifm, 9));
	assert_int_equal(iface_link(ifm, 9)->addrlen, 0);
	iface_free(ifm);
}

/* MTU and alias changes are announced as changes; the same message again is not. */
static void
test_link_changes_announced(void **state)
{
	struct iface *ifm = iface_new();
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(iface_watch(ifm, watcher, &s), 0);
	apply(ifm, veth_msg(UP, 1500, NULL));
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last, IFACE_LINK_ADDED);
	apply(ifm, veth_msg(UP, 1500, NULL));
	assert_int_equal(s.n, 1);
	apply(ifm, veth_msg(UP, 9000, NULL));
	assert_int_equal(s.n, 2);
	assert_int_equal(s.last, IFACE_LINK_CHANGED);
	assert_int_equal(iface_link(ifm, 7)->mtu, 9000);
	apply(ifm, veth_msg(UP, 9000, "lan"));
	assert_int_equal(s.n, 3);
	assert_int_equal(s.last, IFACE_LINK_CHANGED);
	apply(ifm, veth_msg(IFF_UP, 9000, "lan")); /* carrier lost */
	assert_int_equal(s.n, 4);
	assert_int_equal(s.last, IFACE_LINK_STATE);
	iface_free(ifm);
}

/*
 * An alias set on a link that is down comes with no event: what the writer
 * set is kept and announced once; nothing for an unknown link.
 */
static void
test_link_alias_set(void **state)
{
	struct iface *ifm = iface_new();
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(iface_watch(ifm, watcher, &s), 0);
	apply(ifm, veth_msg(0, 1500, NULL));
	iface_link_alias_set(ifm, 7, "spare uplink");
	assert_string_equal(iface_link(ifm, 7)->alias, "spare uplink");
	assert_int_equal(s.n, 2);
	assert_int_equal(s.last, IFACE_LINK_CHANGED);
	iface_link_alias_set(ifm, 7, "spare uplink");
	assert_int_equal(s.n, 2);
	iface_link_alias_set(ifm, 7, "");
	assert_string_equal(iface_link(ifm, 7)->alias, "");
	assert_int_equal(s.n, 3);
	iface_link_alias_set(ifm, 8, "none");
	assert_int_equal(s.n, 3);
	assert_null(iface_link(ifm, 8));
	iface_free(ifm);
}

/* iface_alias_fn: what sysfs would say; counts its calls. */
static char sysfs_alias[64];
static int sysfs_reads;

static int
fake_alias(void *arg, const char *name, char *buf, size_t len)
{
	(void)arg;
	assert_string_equal(name, "veth0");
	sysfs_reads++;
	snprintf(buf, len, "%s", sysfs_alias);
	return 0;
}

/*
 * A link that is down: an event made before a SET set its alias (the MTU
 * changed first in the same SET), read after the writer's
 * iface_link_alias_set(), carries the old alias; the kernel announces the new
 * one to nobody.  The mirror asks sysfs then (it kept the old alias for good).
 * Not for a link that is up, whose alias changes are announced, nor when the
 * alias is the mirror's.
 */
static void
test_link_alias_stale_event(void **state)
{
	struct iface *ifm = iface_new();

	(void)state;
	iface_alias_reader(ifm, fake_alias, NULL);
	apply(ifm, veth_msg(0, 1500, "old"));
	iface_link_alias_set(ifm, 7, "new");
	snprintf(sysfs_alias, sizeof(sysfs_alias), "new");
	apply(ifm, veth_msg(0, 1400, "old"));
	assert_string_equal(iface_link(ifm, 7)->alias, "new");
	assert_int_equal(iface_link(ifm, 7)->mtu, 1400);
	assert_int_equal(sysfs_reads, 1);
	apply(ifm, veth_msg(0, 1300, "new"));
	assert_int_equal(sysfs_reads, 1);
	apply(ifm, veth_msg(UP, 1300, "lan"));
	assert_string_equal(iface_link(ifm, 7)->alias, "lan");
	assert_int_equal(sysfs_reads, 1);
	iface_free(ifm);
}

/* A link that comes while watched has a creation time; going up is stamped and kept. */
static void
test_link_times(void **state)
{
	struct iface *ifm = iface_new();
	const struct link *l;
	int64_t created;

	(void)state;
	apply(ifm, veth_msg(0, 1500, NULL));
	assert_non_null(l = iface_link(ifm, 7));
	assert_true(l->created > 0);
	assert_int_equal(l->last_up, 0);
	created = l->created;
	apply(ifm, veth_msg(UP, 1500, NULL));
	l = iface_link(ifm, 7);
	assert_int_equal(l->created, created);
	assert_true(l->last_up >= created);
	apply(ifm, veth_msg(UP, 1400, NULL));
	assert_true(iface_link(ifm, 7)->last_up > 0);
	iface_free(ifm);
}

static struct nl_msg *
addr_life_msg(uint32_t pref, uint32_t valid, uint8_t proto)
{
	struct nl_msg *msg = fx_addr_msg(RTM_NEWADDR, AF_INET6, 7, "2001:db8::7", 64);
	struct ifa_cacheinfo ci = { .ifa_prefered = pref,
		.ifa_valid = valid,
		.cstamp = 100,
		.tstamp = 250 };

	nla_put(msg, IFA_CACHEINFO, sizeof(ci), &ci);
	if (proto != 0)
		nla_put_u8(msg, IFA_PROTO, proto);
	return msg;
}

static void
test_addr_lifetimes(void **state)
{
	struct iface *ifm = iface_new();
	const struct iface_addr *a;
	size_t n;

	(void)state;
	apply(ifm, addr_life_msg(1800, 3600, IFAPROT_KERNEL_RA));
	a = iface_addrs(ifm, &n);
	assert_int_equal(n, 1);
	assert_int_equal(a->pref_lft, 1800);
	assert_int_equal(a->valid_lft, 3600);
	assert_int_equal(a->cstamp, 100);
	assert_int_equal(a->tstamp, 250);
	assert_int_equal(a->proto, IFAPROT_KERNEL_RA);
	assert_int_equal(iface_addr_left(a, a->valid_lft, a->seen), 3600);
	assert_int_equal(iface_addr_left(a, a->valid_lft, a->seen + 600), 3000);
	assert_int_equal(iface_addr_left(a, a->pref_lft, a->seen + 2000), 0);
	assert_int_equal(iface_addr_left(a, a->valid_lft, a->seen - 5), 3600);
	/* A static address lives forever, and so does one without IFA_CACHEINFO. */
	apply(ifm, addr_life_msg(IFA_LIFE_FOREVER, IFA_LIFE_FOREVER, 0));
	a = iface_addrs(ifm, &n);
	assert_int_equal(n, 1);
	assert_int_equal(iface_addr_left(a, a->valid_lft, a->seen + 1000000), IFA_LIFE_FOREVER);
	assert_int_equal(a->proto, 0);
	apply(ifm, fx_addr_msg(RTM_NEWADDR, AF_INET, 7, "192.0.2.7", 24));
	a = iface_addrs(ifm, &n);
	assert_int_equal(n, 2);
	assert_int_equal(a[0].family, AF_INET);
	assert_int_equal(a[0].valid_lft, IFA_LIFE_FOREVER);
	iface_free(ifm);
}

static int
bcast(const struct iface *ifm, const char *text)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, text, &a), 1);
	return iface_is_broadcast4(ifm, a.s_addr);
}

/* The broadcast addresses of the host's IPv4 networks (the ping rows refuse them). */
static void
test_broadcast4(void **state)
{
	struct iface *ifm = iface_new();
	struct nl_msg *m;
	struct in_addr b;

	(void)state;
	apply(ifm, fx_addr_msg(RTM_NEWADDR, AF_INET, 7, "10.14.1.1", 24));
	apply(ifm, fx_addr_msg(RTM_NEWADDR, AF_INET, 7, "192.0.2.1", 31));
	apply(ifm, fx_addr_msg(RTM_NEWADDR, AF_INET6, 7, "2001:db8::1", 64));
	m = fx_addr_msg(RTM_NEWADDR, AF_INET, 8, "172.16.5.1", 16);
	inet_pton(AF_INET, "172.16.0.255", &b); /* a broadcast of its own */
	nla_put(m, IFA_BROADCAST, 4, &b);
	apply(ifm, m);
	assert_true(bcast(ifm, "10.14.1.255"));
	assert_false(bcast(ifm, "10.14.1.254"));
	assert_false(bcast(ifm, "10.14.2.255"));
	assert_false(bcast(ifm, "192.0.2.1")); /* /31: no broadcast */
	assert_false(bcast(ifm, "192.0.2.0"));
	assert_true(bcast(ifm, "172.16.0.255"));
	assert_true(bcast(ifm, "172.16.255.255"));
	assert_false(bcast(ifm, "172.16.5.1"));
	iface_free(ifm);
}

/* iface_addr_find()'s answer for text (family's) on ifindex at plen: its length, or -1. */
static int
found_plen(const struct iface *ifm, int32_t ifindex, int family, const char *text, int plen)
{
	uint8_t a[16] = { 0 };
	const struct iface_addr *x;

	assert_int_equal(inet_pton(family, text, a), 1);
	x = iface_addr_find(ifm, ifindex, (uint8_t)family, a, plen);
	return x == NULL ? -1 : x->plen;
}

/* An address of a link, at a prefix length or at any; not another link's or family's. */
static void
test_addr_find(void **state)
{
	struct iface *ifm = iface_new();

	(void)state;
	apply(ifm, fx_addr_msg(RTM_NEWADDR, AF_INET, 7, "10.14.1.1", 24));
	apply(ifm, fx_addr_msg(RTM_NEWADDR, AF_INET, 7, "10.14.1.1", 16));
	apply(ifm, fx_addr_msg(RTM_NEWADDR, AF_INET, 7, "10.14.1.2", 8));
	apply(ifm, fx_addr_msg(RTM_NEWADDR, AF_INET6, 7, "2001:db8::1", 64));
	apply(ifm, fx_addr_msg(RTM_NEWADDR, AF_INET, 8, "10.14.1.3", 24));
	assert_int_equal(found_plen(ifm, 7, AF_INET, "10.14.1.1", 24), 24);
	assert_int_equal(found_plen(ifm, 7, AF_INET, "10.14.1.1", -1), 16); /* the shortest */
	assert_int_equal(found_plen(ifm, 7, AF_INET, "10.14.1.1", 8), -1);
	assert_int_equal(found_plen(ifm, 7, AF_INET, "10.14.1.2", -1), 8);
	assert_int_equal(found_plen(ifm, 7, AF_INET, "10.14.1.3", -1), -1); /* link 8's */
	assert_int_equal(found_plen(ifm, 8, AF_INET, "10.14.1.3", 24), 24);
	assert_int_equal(found_plen(ifm, 7, AF_INET6, "2001:db8::1", -1), 64);
	assert_int_equal(found_plen(ifm, 7, AF_INET6, "2001:db8::2", -1), -1);
	assert_int_equal(found_plen(ifm, 9, AF_INET, "10.14.1.1", -1), -1);
	iface_free(ifm);
}

/* A truncated IFA_CACHEINFO makes the message malformed: the address is not taken. */
static void
test_addr_short_cacheinfo(void **state)
{
	struct iface *ifm = iface_new();
	struct nl_msg *msg = fx_addr_msg(RTM_NEWADDR, AF_INET, 7, "192.0.2.8", 24);
	uint32_t half[2] = { 1, 2 };
	size_t n;

	(void)state;
	nla_put(msg, IFA_CACHEINFO, sizeof(half), half);
	apply(ifm, msg);
	iface_addrs(ifm, &n);
	assert_int_equal(n, 0);
	iface_free(ifm);
}

/* A bridge port's AF_BRIDGE messages are not the link: neither a change nor, deleted, a removal. */
static void
test_bridge_port_messages_ignored(void **state)
{
	struct iface *ifm = iface_new();
	struct seen s = { 0 };
	struct nl_msg *msg;

	(void)state;
	apply(ifm, veth_msg(UP, 1500, "lan"));
	assert_int_equal(iface_watch(ifm, watcher, &s), 0);
	msg = fx_link_msg(RTM_NEWLINK, 7, UP, "veth0");
	((struct ifinfomsg *)nlmsg_data(nlmsg_hdr(msg)))->ifi_family = AF_BRIDGE;
	apply(ifm, msg);
	msg = fx_link_msg(RTM_DELLINK, 7, UP, "veth0");
	((struct ifinfomsg *)nlmsg_data(nlmsg_hdr(msg)))->ifi_family = AF_BRIDGE;
	apply(ifm, msg);
	assert_int_equal(s.n, 0);
	assert_non_null(iface_link(ifm, 7));
	assert_string_equal(iface_link(ifm, 7)->kind, "veth");
	assert_string_equal(iface_link(ifm, 7)->alias, "lan");
	iface_free(ifm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_attributes),
		cmocka_unit_test(test_link_minimal),
		cmocka_unit_test(test_link_address_too_long),
		cmocka_unit_test(test_link_changes_announced),
		cmocka_unit_test(test_link_alias_set),
		cmocka_unit_test(test_link_alias_stale_event),
		cmocka_unit_test(test_link_times),
		cmocka_unit_test(test_addr_lifetimes),
		cmocka_unit_test(test_broadcast4),
		cmocka_unit_test(test_addr_find),
		cmocka_unit_test(test_addr_short_cacheinfo),
		cmocka_unit_test(test_bridge_port_messages_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
