/*
 * Unit tests: the route mirror engine's apply, diff, replay and re-dump
 * states, driven by injected messages and a fake dump (no kernel, no root);
 * and the interface mirror, with the re-dump triggers it gives the routes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "iface/ifmirror.h"
#include "nl/nlmon.h"
#include "route/nlreq.h"
#include "route/route.h"
#include "route/route6.h"
#include "route/rt.h"
#include "route/rt4.h"

#include "fakeclock.h"
#include "fixture.h"

/* ---- a mirror on an event socket that is never opened ------------------- */

struct change {
	enum route_change kind;
	uint32_t dst;
	uint8_t proto;
	unsigned flags;
};

struct fix {
	struct nlmon *mon;
	struct iface *ifm;
	struct mirror *m;
	struct change ch[64];
	int nch;
	unsigned armed; /* the last timer request, ms */
	int narmed;
};

static void
on_change(enum route_change kind, const void *old, const void *new, unsigned flags, void *arg)
{
	struct fix *f = arg;
	const struct route *r = new != NULL ? new : old;

	assert_true(f->nch < 64);
	f->ch[f->nch++] = (struct change){ kind, r->dst, r->proto, flags };
}

static void
on_arm(unsigned ms, void *arg)
{
	struct fix *f = arg;

	f->armed = ms;
	f->narmed++;
}

static int
setup(void **state)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_non_null(f->mon = nlmon_new(0));
	assert_non_null(f->ifm = iface_new());
	assert_non_null(f->m = mirror_new(&cfg));
	mirror_set_callbacks(f->m, on_change, on_arm, f);
	assert_int_equal(iface_attach(f->ifm, f->mon), 0);
	assert_int_equal(mirror_attach(f->m, f->mon, f->ifm), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	mirror_free(f->m);
	iface_free(f->ifm);
	nlmon_free(f->mon);
	free(f);
	return 0;
}

/* A route message: dst/plen via gw (NULL: none) on oif, with this protocol. */
static struct nl_msg *
rmsg(int type, int flags, const char *dst, uint8_t plen, const char *gw, uint32_t oif,
    uint8_t proto)
{
	struct nl_msg *msg = fx_route_msg(type, flags, dst, plen, 254, RTN_UNICAST, proto);

	if (gw != NULL)
		fx_put_ip(msg, RTA_GATEWAY, gw);
	nla_put_u32(msg, RTA_OIF, oif);
	return msg;
}

/* What the event socket would hand on, to every consumer. */
static void
event(struct fix *f, struct nl_msg *msg)
{
	nlmon_dispatch(f->mon, nlmsg_hdr(msg));
	nlmsg_free(msg);
}

static void
dumped(struct fix *f, struct nl_msg *msg)
{
	mirror_fake_dump_msg(f->m, nlmsg_hdr(msg));
	nlmsg_free(msg);
}

/* Let the diff's slices run (the timer) until the mirror leaves DIFFING. */
static void
run_diff(struct fix *f)
{
	for (int i = 0; i < 1000 && mirror_state(f->m) == MIRROR_DIFFING; i++)
		mirror_timer(f->m);
	assert_int_not_equal(mirror_state(f->m), MIRROR_DIFFING);
}

/* A static route to dst/24 via 192.0.2.1 on ifindex 2, added or deleted by an event. */
static void
add(struct fix *f, const char *dst)
{
	event(f, rmsg(RTM_NEWROUTE, 0, dst, 24, "192.0.2.1", 2, RTPROT_STATIC));
}

static void
del(struct fix *f, const char *dst)
{
	event(f, rmsg(RTM_DELROUTE, 0, dst, 24, "192.0.2.1", 2, RTPROT_STATIC));
}

/*
 * A whole re-dump without a kernel that finds such routes to these
 * destinations (NULL-terminated), ended as given; its diff is applied.
 */
static void
redump(struct fix *f, int failed, int intr, ...)
{
	const char *dst;
	va_list ap;

	if (mirror_state(f->m) != MIRROR_DUMPING)
		mirror_fake_dump_begin(f->m);
	va_start(ap, intr);
	while ((dst = va_arg(ap, const char *)) != NULL)
		dumped(f, rmsg(RTM_NEWROUTE, 0, dst, 24, "192.0.2.1", 2, RTPROT_STATIC));
	va_end(ap);
	mirror_fake_dump_end(f->m, failed, intr);
	run_diff(f);
}

static const struct route *
row(struct fix *f, uint32_t dst, uint32_t gw)
{
	struct route key;

	memset(&key, 0, sizeof(key));
	key.dst = dst;
	key.plen = 24;
	key.nexthop = gw;
	key.ifindex = 2;
	key.table = 254;
	return route_find(mirror_routes(f->m), &key);
}

/* The mirror holds A = 10.1.0.0/24 and B = 10.2.0.0/24 via 192.0.2.1, learnt from events. */
static void
load_ab(struct fix *f)
{
	add(f, "10.1.0.0");
	add(f, "10.2.0.0");
	assert_int_equal(mirror_routes(f->m)->count, 2);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	f->nch = 0;
}

/* ---- the engine ---------------------------------------------------------- */

/* Events that arrive during a re-dump wait, and are replayed over its result. */
static void
test_events_replayed_over_dump(void **state)
{
	struct fix *f = *state;

	load_ab(f);
	mirror_fake_dump_begin(f->m);
	assert_int_equal(mirror_state(f->m), MIRROR_DUMPING);
	/* C added and A deleted while the dump runs: queued, the table unchanged. */
	add(f, "10.3.0.0");
	del(f, "10.1.0.0");
	assert_int_equal(mirror_routes(f->m)->count, 2);
	assert_int_equal(f->nch, 0);
	/* The dump was taken before both, and saw D, which came without a message. */
	redump(f, 0, 0, "10.1.0.0", "10.2.0.0", "10.4.0.0", NULL);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	/* The kernel's latest state: B, C, D. */
	assert_int_equal(mirror_routes(f->m)->count, 3);
	assert_null(row(f, IP(10, 1, 0, 0), IP(192, 0, 2, 1)));
	assert_non_null(row(f, IP(10, 2, 0, 0), IP(192, 0, 2, 1)));
	assert_non_null(row(f, IP(10, 3, 0, 0), IP(192, 0, 2, 1)));
	assert_non_null(row(f, IP(10, 4, 0, 0), IP(192, 0, 2, 1)));
	/* Each change once: D from the diff, then C and A from the replay, in order. */
	assert_int_equal(f->nch, 3);
	assert_int_equal(f->ch[0].kind, ROUTE_ADDED);
	assert_int_equal(f->ch[0].dst, IP(10, 4, 0, 0));
	assert_int_equal(f->ch[1].kind, ROUTE_ADDED);
	assert_int_equal(f->ch[1].dst, IP(10, 3, 0, 0));
	assert_int_equal(f->ch[2].kind, ROUTE_REMOVED);
	assert_int_equal(f->ch[2].dst, IP(10, 1, 0, 0));
	for (int i = 0; i < 3; i++)
		assert_int_equal(f->ch[i].flags, 0);
	assert_int_equal(mirror_stats(f->m)->dumps, 1);
}

/* A deletion replayed for a route the dump no longer had is expected: no re-dump. */
static void
test_replayed_deletion_of_a_gone_route(void **state)
{
	struct fix *f = *state;

	load_ab(f);
	mirror_fake_dump_begin(f->m);
	del(f, "10.1.0.0");
	redump(f, 0, 0, "10.2.0.0", NULL);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	assert_int_equal(mirror_routes(f->m)->count, 1);
	assert_int_equal(f->nch, 1); /* A removed by the diff, not again by the replay */
	/* Outside a replay the same deletion means the mirror was wrong: re-dump. */
	del(f, "10.1.0.0");
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
}

/* A dump cut short (an error mid-dump) keeps the old table and retries a second later. */
static void
test_dump_cut_short_keeps_table(void **state)
{
	struct fix *f = *state;

	load_ab(f);
	mirror_fake_dump_begin(f->m);
	add(f, "10.3.0.0");
	redump(f, 1, 0, "10.1.0.0", NULL);
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
	assert_int_equal(f->armed, 1000);
	assert_int_equal(mirror_routes(f->m)->count, 2); /* B not deleted */
	assert_non_null(row(f, IP(10, 2, 0, 0), IP(192, 0, 2, 1)));
	assert_int_equal(f->nch, 0);
	assert_int_equal(mirror_stats(f->m)->dumps, 0);
	/* The retry: no dump socket here, so it cannot start, and is retried again. */
	f->armed = 0;
	mirror_timer(f->m);
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
	assert_int_equal(f->armed, 1000);
	/* The retry that works finds what happened meanwhile. */
	redump(f, 0, 0, "10.1.0.0", "10.2.0.0", "10.3.0.0", NULL);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	assert_int_equal(mirror_routes(f->m)->count, 3);
	assert_int_equal(f->nch, 1);
	assert_int_equal(f->ch[0].kind, ROUTE_ADDED);
}

/* A dump the kernel flagged inconsistent (NLM_F_DUMP_INTR) is applied, then taken again. */
static void
test_dump_intr_redone(void **state)
{
	struct fix *f = *state;

	load_ab(f);
	redump(f, 0, 1, "10.1.0.0", "10.2.0.0", "10.3.0.0", NULL);
	assert_int_equal(mirror_routes(f->m)->count, 3);
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
	assert_int_equal(f->armed, 20);
	/* The second dump agrees: nothing changes, and the mirror is in sync. */
	redump(f, 0, 0, "10.1.0.0", "10.2.0.0", "10.3.0.0", NULL);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	assert_int_equal(f->nch, 1);
}

/* A re-dump asked for while one runs follows it. */
static void
test_redump_during_dump_follows(void **state)
{
	struct fix *f = *state;

	load_ab(f);
	mirror_fake_dump_begin(f->m);
	mirror_request_redump(f->m, "test");
	assert_int_equal(mirror_state(f->m), MIRROR_DUMPING);
	redump(f, 0, 0, "10.1.0.0", "10.2.0.0", NULL);
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
}

/*
 * Aliases: two kernel routes with the same key (table, prefix, tos, metric)
 * that map to one row (`ip route append` of the same next hop by another
 * protocol).  The first, which the kernel uses, is shown; the row is marked
 * shared, and a deletion that may be the other's re-dumps.
 */
static void
test_aliases(void **state)
{
	struct fix *f = *state;
	const struct route *r;

	add(f, "10.5.0.0");
	event(f, rmsg(RTM_NEWROUTE, NLM_F_APPEND, "10.5.0.0", 24, "192.0.2.1", 2, RTPROT_BGP));
	assert_int_equal(mirror_routes(f->m)->count, 1);
	r = row(f, IP(10, 5, 0, 0), IP(192, 0, 2, 1));
	assert_non_null(r);
	assert_int_equal(r->proto, RTPROT_STATIC);
	assert_true(r->flags & ROUTE_F_SHARED);
	assert_int_equal(f->nch, 1);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	/* The appended one goes: the row cannot tell, so it stays and the kernel is asked. */
	event(f, rmsg(RTM_DELROUTE, 0, "10.5.0.0", 24, "192.0.2.1", 2, RTPROT_BGP));
	assert_int_equal(mirror_routes(f->m)->count, 1);
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
	/* A dump lists both, in the kernel's order: one row, the first's, shared. */
	mirror_fake_dump_begin(f->m);
	dumped(f, rmsg(RTM_NEWROUTE, 0, "10.5.0.0", 24, "192.0.2.1", 2, RTPROT_STATIC));
	dumped(f, rmsg(RTM_NEWROUTE, 0, "10.5.0.0", 24, "192.0.2.1", 2, RTPROT_BGP));
	redump(f, 0, 0, NULL);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	assert_int_equal(mirror_routes(f->m)->count, 1);
	r = row(f, IP(10, 5, 0, 0), IP(192, 0, 2, 1));
	assert_int_equal(r->proto, RTPROT_STATIC);
	assert_true(r->flags & ROUTE_F_SHARED);
	assert_int_equal(f->nch, 1); /* sharing is bookkeeping, not a change */
	/* Once the dump shows it alone, the row is no longer shared. */
	redump(f, 0, 0, "10.5.0.0", NULL);
	assert_false(row(f, IP(10, 5, 0, 0), IP(192, 0, 2, 1))->flags & ROUTE_F_SHARED);
	assert_int_equal(f->nch, 1);
	/* Now its deletion is certain. */
	del(f, "10.5.0.0");
	assert_int_equal(mirror_routes(f->m)->count, 0);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
}

/* The change callbacks: once per change, with its kind; a re-dump after lost events says so. */
static void
test_change_callbacks(void **state)
{
	struct fix *f = *state;

	add(f, "10.6.0.0");
	add(f, "10.6.0.0");
	assert_int_equal(f->nch, 1); /* the same again: no change */
	assert_int_equal(f->ch[0].kind, ROUTE_ADDED);
	event(f, rmsg(RTM_NEWROUTE, NLM_F_REPLACE, "10.6.0.0", 24, "192.0.2.1", 2, RTPROT_BGP));
	assert_int_equal(f->nch, 2);
	assert_int_equal(f->ch[1].kind, ROUTE_CHANGED);
	assert_int_equal(f->ch[1].proto, RTPROT_BGP);
	/* Replaced by one via another gateway: the old row goes, the new comes. */
	event(f, rmsg(RTM_NEWROUTE, NLM_F_REPLACE, "10.6.0.0", 24, "192.0.2.9", 2, RTPROT_BGP));
	assert_int_equal(f->nch, 4);
	assert_int_equal(f->ch[2].kind, ROUTE_REMOVED);
	assert_int_equal(f->ch[3].kind, ROUTE_ADDED);
	event(f, rmsg(RTM_DELROUTE, 0, "10.6.0.0", 24, "192.0.2.9", 2, RTPROT_BGP));
	assert_int_equal(f->nch, 5);
	assert_int_equal(f->ch[4].kind, ROUTE_REMOVED);
	for (int i = 0; i < 5; i++)
		assert_int_equal(f->ch[i].flags, 0);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);

	/* Events lost: every consumer re-dumps; what this re-dump finds is flagged lost. */
	nlmon_lost(f->mon);
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
	assert_int_equal(mirror_stats(f->m)->overruns, 1);
	assert_true(iface_redump_running(f->ifm));
	redump(f, 0, 0, "10.7.0.0", NULL);
	assert_int_equal(f->nch, 6);
	assert_int_equal(f->ch[5].kind, ROUTE_ADDED);
	assert_int_equal(f->ch[5].flags, MIRROR_CHANGE_LOST);
	/* ... and only that one. */
	del(f, "10.7.0.0");
	assert_int_equal(f->nch, 7);
	assert_int_equal(f->ch[6].flags, 0);
}

/* ---- IPv4 routes through IPv6 gateways (RFC 5549) ------------------------- */

static void
put_via6(struct nl_msg *msg, const char *gw6)
{
	struct in6_addr a;

	inet_pton(AF_INET6, gw6, &a);
	nlreq_put_via6(msg, a.s6_addr);
}

/* dst/24 via inet6 gw6 on ifindex 2, or through the hops gw6 and gw6b (multipath), on 2 both. */
static struct nl_msg *
via6msg(int type, int flags, const char *dst, const char *gw6, const char *gw6b)
{
	struct nl_msg *msg = rmsg(type, flags, dst, 24, NULL, 2, RTPROT_STATIC);
	struct nlattr *mp;
	const char *gws[2] = { gw6, gw6b };

	if (gw6b == NULL) {
		put_via6(msg, gw6);
		return msg;
	}
	/* rmsg put RTA_OIF last: a multipath route has none; drop it. */
	nlmsg_hdr(msg)->nlmsg_len -= NLA_ALIGN(nla_attr_size(4));
	mp = nla_nest_start(msg, RTA_MULTIPATH);
	for (int i = 0; i < 2; i++) {
		struct rtnexthop *nh = nlmsg_reserve(msg, sizeof(*nh), NLMSG_ALIGNTO);
		size_t start = (char *)nh - (char *)nlmsg_hdr(msg);

		memset(nh, 0, sizeof(*nh));
		nh->rtnh_ifindex = 2;
		put_via6(msg, gws[i]);
		nh = (struct rtnexthop *)((char *)nlmsg_hdr(msg) + start);
		nh->rtnh_len = (unsigned short)(nlmsg_hdr(msg)->nlmsg_len - start);
	}
	nla_nest_end(msg, mp);
	return msg;
}

/* The IPv6 gateway of dst/24's row on ifindex 2 (next hop 0.0.0.0) is gw6. */
static void
assert_row_via6(struct fix *f, uint32_t dst, const char *gw6)
{
	const struct route *r = row(f, dst, 0);
	struct in6_addr want;
	uint8_t got[16];

	assert_non_null(r);
	assert_true(route_via6(r));
	inet_pton(AF_INET6, gw6, &want);
	assert_int_equal(route_via6_gw(r, got), 0);
	assert_memory_equal(got, want.s6_addr, 16);
}

/*
 * A route through an IPv6 gateway is a row with next hop 0.0.0.0; a new
 * gateway (`ip route replace`) is a change of that row, notified with its
 * index; a re-dump that sees what the events said changes nothing, twins of
 * a multipath route included; the deletion removes the row.
 */
static void
test_via6_changes(void **state)
{
	struct fix *f = *state;

	event(f, via6msg(RTM_NEWROUTE, 0, "10.6.0.0", "fe80::1", NULL));
	event(f, via6msg(RTM_NEWROUTE, 0, "10.7.0.0", "fe80::3", "fe80::4"));
	assert_int_equal(mirror_routes(f->m)->count, 2);
	assert_row_via6(f, IP(10, 6, 0, 0), "fe80::1");
	assert_row_via6(f, IP(10, 7, 0, 0), "fe80::3");
	f->nch = 0;
	event(f, via6msg(RTM_NEWROUTE, NLM_F_REPLACE, "10.6.0.0", "fe80::2", NULL));
	assert_int_equal(mirror_routes(f->m)->count, 2);
	assert_row_via6(f, IP(10, 6, 0, 0), "fe80::2");
	assert_int_equal(f->nch, 1);
	assert_int_equal(f->ch[0].kind, ROUTE_CHANGED);
	assert_int_equal(f->ch[0].dst, IP(10, 6, 0, 0));
	/* The kernel's dump agrees with the events: nothing changes. */
	f->nch = 0;
	mirror_fake_dump_begin(f->m);
	dumped(f, via6msg(RTM_NEWROUTE, 0, "10.6.0.0", "fe80::2", NULL));
	dumped(f, via6msg(RTM_NEWROUTE, 0, "10.7.0.0", "fe80::3", "fe80::4"));
	mirror_fake_dump_end(f->m, 0, 0);
	run_diff(f);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	assert_int_equal(f->nch, 0);
	assert_row_via6(f, IP(10, 7, 0, 0), "fe80::3");
	/* Deleted: its row goes, with no re-dump. */
	event(f, via6msg(RTM_DELROUTE, 0, "10.6.0.0", "fe80::2", NULL));
	event(f, via6msg(RTM_DELROUTE, 0, "10.7.0.0", "fe80::3", "fe80::4"));
	assert_int_equal(mirror_routes(f->m)->count, 0);
	assert_int_equal(f->nch, 2);
	assert_int_equal(f->ch[1].kind, ROUTE_REMOVED);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
}

/* The states have names for log lines. */
static void
test_state_names(void **state)
{
	assert_string_equal(mirror_state_name(MIRROR_SYNCED), "synced");
	assert_string_equal(mirror_state_name(MIRROR_DIFFING), "diffing");
	assert_string_equal(mirror_state_name((enum mirror_state)99), "?");
}

/* ---- the interface mirror ------------------------------------------------ */

#define UP (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

static void
test_iface_links_and_addresses(void **state)
{
	struct fix *f = *state;
	const struct iface_addr *v;
	const struct link *l;
	size_t n;

	event(f, fx_link_msg(RTM_NEWLINK, 3, UP, "eth0"));
	event(f, fx_link_msg(RTM_NEWLINK, 5, UP, "eth1"));
	assert_int_equal(iface_nlinks(f->ifm), 2);
	l = mirror_link(f->m, 3); /* the route mirror asks the interface mirror */
	assert_non_null(l);
	assert_string_equal(l->name, "eth0");
	assert_int_equal(l->flags, UP);
	event(f, fx_link_msg(RTM_NEWLINK, 3, UP, "wan0"));
	assert_string_equal(iface_link(f->ifm, 3)->name, "wan0");

	event(f, fx_addr_msg(RTM_NEWADDR, AF_INET, 3, "192.0.2.10", 24));
	event(f, fx_addr_msg(RTM_NEWADDR, AF_INET6, 3, "2001:db8::10", 64));
	event(f, fx_addr_msg(RTM_NEWADDR, AF_INET, 5, "198.51.100.1", 30));
	event(f, fx_addr_msg(RTM_NEWADDR, AF_INET, 3, "192.0.2.10", 24)); /* the same again */
	v = iface_addrs(f->ifm, &n);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].ifindex, 3);
	assert_int_equal(v[0].family, AF_INET);
	assert_int_equal(v[0].plen, 24);
	assert_int_equal(ntohl(*(const uint32_t *)(const void *)v[0].addr), IP(192, 0, 2, 10));
	assert_memory_equal(v[0].peer, v[0].addr, 4);
	assert_int_equal(v[1].family, AF_INET6);
	assert_int_equal(v[1].plen, 64);
	assert_int_equal(v[1].addr[0], 0x20);
	assert_int_equal(v[1].addr[15], 0x10);
	assert_int_equal(v[2].ifindex, 5);

	event(f, fx_addr_msg(RTM_DELADDR, AF_INET6, 3, "2001:db8::10", 64));
	v = iface_addrs(f->ifm, &n);
	assert_int_equal(n, 2);
	/* A link that goes takes its addresses with it. */
	event(f, fx_link_msg(RTM_DELLINK, 3, 0, "wan0"));
	assert_null(iface_link(f->ifm, 3));
	assert_null(mirror_link(f->m, 3));
	v = iface_addrs(f->ifm, &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].ifindex, 5);
}

/* Which link and address changes make the routes re-dump: exactly those that change routes silently. */
static void
test_iface_redump_triggers(void **state)
{
	struct fix *f = *state;

	event(f, fx_link_msg(RTM_NEWLINK, 3, UP, "eth0"));
	event(f, fx_link_msg(RTM_NEWLINK, 3, UP, "lan0")); /* renamed */
	event(f, fx_link_msg(RTM_NEWLINK, 3, UP | IFF_PROMISC, "lan0"));
	event(f, fx_addr_msg(RTM_NEWADDR, AF_INET, 3, "192.0.2.10", 24)); /* no dead next hops */
	event(f, fx_addr_msg(RTM_NEWADDR, AF_INET6, 3, "2001:db8::10", 64));
	event(f, fx_addr_msg(RTM_DELADDR, AF_INET6, 3, "2001:db8::10", 64));
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);

	/* The link goes down. */
	event(f, fx_link_msg(RTM_NEWLINK, 3, IFF_UP, "lan0"));
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
	assert_int_equal(f->armed, 20);
	redump(f, 0, 0, NULL);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);

	/* An IPv4 address goes. */
	event(f, fx_addr_msg(RTM_DELADDR, AF_INET, 3, "192.0.2.10", 24));
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
}

static void
test_iface_redump_trigger_dead_hops(void **state)
{
	struct fix *f = *state;
	struct nl_msg *msg = rmsg(RTM_NEWROUTE, 0, "10.8.0.0", 24, "192.0.2.1", 2, RTPROT_STATIC);

	/* A route whose next hop the kernel marked dead: an address added may revive it. */
	((struct rtmsg *)nlmsg_data(nlmsg_hdr(msg)))->rtm_flags = RTNH_F_DEAD;
	event(f, msg);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	event(f, fx_addr_msg(RTM_NEWADDR, AF_INET6, 3, "2001:db8::10", 64));
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	event(f, fx_addr_msg(RTM_NEWADDR, AF_INET, 3, "192.0.2.10", 24));
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
}

/* A removed link, as today, and the interface mirror's own re-dump after lost events. */
static void
test_iface_link_removed(void **state)
{
	struct fix *f = *state;

	event(f, fx_link_msg(RTM_NEWLINK, 4, UP, "eth4"));
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	assert_false(iface_redump_running(f->ifm));
	event(f, fx_link_msg(RTM_DELLINK, 4, UP, "eth4"));
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
	/* Lost events: the interface mirror re-dumps too (here without a socket: retried). */
	f->narmed = 0;
	iface_request_redump(f->ifm);
	assert_true(iface_redump_running(f->ifm));
}

/* ---- an IPv6 mirror ------------------------------------------------------ */

/* Changes of IPv6 rows are recorded by the last byte of their next hop, in dst's place. */
static void
on_change6(enum route_change kind, const void *old, const void *new, unsigned flags, void *arg)
{
	struct fix *f = arg;
	const struct route6 *r = new != NULL ? new : old;

	assert_true(f->nch < 64);
	f->ch[f->nch++] = (struct change){ kind, r->nexthop[15], r->proto, flags };
}

static int
setup6(void **state)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_non_null(f->mon = nlmon_new(0));
	assert_non_null(f->ifm = iface_new());
	assert_non_null(f->m = mirror_new_family(&rt6_ops, &cfg));
	mirror_set_callbacks(f->m, on_change6, on_arm, f);
	assert_int_equal(iface_attach(f->ifm, f->mon), 0);
	assert_int_equal(mirror_attach(f->m, f->mon, f->ifm), 0);
	*state = f;
	return 0;
}

/* An IPv6 route message for 2001:db8:X::/48 (dst names X), metric 1024 in main. */
static struct nl_msg *
msg6(int type, int flags, const char *dst)
{
	struct nl_msg *msg = fx_route_msg(type, flags, dst, 48, 254, RTN_UNICAST, RTPROT_STATIC);

	nla_put_u32(msg, RTA_PRIORITY, 1024);
	return msg;
}

/* One next hop: via gw (NULL: none) on oif. */
static struct nl_msg *
hop6(int type, int flags, const char *dst, const char *gw, uint32_t oif)
{
	struct nl_msg *msg = msg6(type, flags, dst);

	if (gw != NULL)
		fx_put_ip(msg, RTA_GATEWAY, gw);
	nla_put_u32(msg, RTA_OIF, oif);
	return msg;
}

/* RTA_MULTIPATH: n hops "gw%oif/weight", as the kernel lists siblings. */
static struct nl_msg *
mp6(int type, int flags, const char *dst, int n, ...)
{
	struct nl_msg *msg = msg6(type, flags, dst);
	struct nlattr *mp = nla_nest_start(msg, RTA_MULTIPATH);
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *gw = va_arg(ap, const char *);
		int oif = va_arg(ap, int), weight = va_arg(ap, int);
		struct rtnexthop *nh = nlmsg_reserve(msg, sizeof(*nh), NLMSG_ALIGNTO);
		size_t start = (char *)nh - (char *)nlmsg_hdr(msg);

		memset(nh, 0, sizeof(*nh));
		nh->rtnh_ifindex = oif;
		nh->rtnh_hops = (unsigned char)(weight - 1);
		fx_put_ip(msg, RTA_GATEWAY, gw);
		nh = (struct rtnexthop *)((char *)nlmsg_hdr(msg) + start);
		nh->rtnh_len = (unsigned short)(nlmsg_hdr(msg)->nlmsg_len - start);
	}
	va_end(ap);
	nla_nest_end(msg, mp);
	return msg;
}

static const struct route6 *
row6(struct fix *f, const char *dst, const char *gw, int32_t oif)
{
	struct route6 key;

	memset(&key, 0, sizeof(key));
	assert_int_equal(inet_pton(AF_INET6, dst, key.dst), 1);
	key.plen = 48;
	if (gw != NULL)
		assert_int_equal(inet_pton(AF_INET6, gw, key.nexthop), 1);
	key.ifindex = oif;
	key.table = 254;
	key.metric = 1024;
	return route6_find(mirror_table(f->m), &key);
}

static size_t
count6(struct fix *f)
{
	return ((const struct route6_table *)mirror_table(f->m))->count;
}

/* One hop of a multipath route (or not), with this weight. */
static void
assert_hop(const struct route6 *r, int multi, int weight)
{
	assert_non_null(r);
	assert_int_equal((r->flags & ROUTE_F_MULTI) != 0, multi);
	assert_int_equal(r->weight, weight);
}

#define X11 "2001:db8:11::"

/* A dump with RTA_MULTIPATH: a row per hop; a re-dump's diff and a replay, as for IPv4. */
static void
test6_dump_diff_replay(void **state)
{
	struct fix *f = *state;

	mirror_fake_dump_begin(f->m);
	dumped(f, mp6(RTM_NEWROUTE, 0, X11, 2, "fe80::1", 2, 1, "fe80::2", 3, 4));
	dumped(f, hop6(RTM_NEWROUTE, 0, "2001:db8:12::", "fe80::3", 2));
	/* An IPv4 route on the same socket is not this mirror's. */
	dumped(f, rmsg(RTM_NEWROUTE, 0, "10.1.0.0", 24, "192.0.2.1", 2, RTPROT_STATIC));
	mirror_fake_dump_end(f->m, 0, 0);
	run_diff(f);
	assert_int_equal(count6(f), 3);
	assert_hop(row6(f, X11, "fe80::1", 2), 1, 1);
	assert_hop(row6(f, X11, "fe80::2", 3), 1, 4);
	assert_hop(row6(f, "2001:db8:12::", "fe80::3", 2), 0, 1);
	assert_int_equal(f->nch, 3);
	f->nch = 0;

	/* During the next dump, 12:: goes and 13:: comes: queued, then replayed. */
	mirror_fake_dump_begin(f->m);
	event(f, hop6(RTM_DELROUTE, 0, "2001:db8:12::", "fe80::3", 2));
	event(f, hop6(RTM_NEWROUTE, NLM_F_CREATE, "2001:db8:13::", "fe80::4", 2));
	assert_int_equal(f->nch, 0);
	/* The dump was taken before both, and saw the second hop's weight change. */
	dumped(f, mp6(RTM_NEWROUTE, 0, X11, 2, "fe80::1", 2, 1, "fe80::2", 3, 2));
	dumped(f, hop6(RTM_NEWROUTE, 0, "2001:db8:12::", "fe80::3", 2));
	mirror_fake_dump_end(f->m, 0, 0);
	run_diff(f);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	assert_hop(row6(f, X11, "fe80::2", 3), 1, 2);
	assert_null(row6(f, "2001:db8:12::", "fe80::3", 2));
	assert_non_null(row6(f, "2001:db8:13::", "fe80::4", 2));
	assert_int_equal(f->nch, 3);
	assert_int_equal(f->ch[0].kind, ROUTE_CHANGED);
	assert_int_equal(f->ch[0].dst, 2);
	assert_int_equal(f->ch[1].kind, ROUTE_REMOVED);
	assert_int_equal(f->ch[2].kind, ROUTE_ADDED);
}

/*
 * Older kernels announce a multipath IPv6 route next hop by next hop, while
 * a dump lists RTA_MULTIPATH: the same rows either way, and a re-dump finds
 * nothing to change.
 */
static void
test6_hop_by_hop_as_dump(void **state)
{
	struct fix *f = *state;

	event(f, hop6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, X11, "fe80::1", 2));
	assert_hop(row6(f, X11, "fe80::1", 2), 0, 1);
	event(f, hop6(RTM_NEWROUTE, NLM_F_CREATE, X11, "fe80::2", 3));
	assert_int_equal(count6(f), 2);
	assert_hop(row6(f, X11, "fe80::1", 2), 1, 1);
	assert_hop(row6(f, X11, "fe80::2", 3), 1, 1);
	f->nch = 0;
	mirror_fake_dump_begin(f->m);
	dumped(f, mp6(RTM_NEWROUTE, 0, X11, 2, "fe80::1", 2, 1, "fe80::2", 3, 1));
	mirror_fake_dump_end(f->m, 0, 0);
	run_diff(f);
	assert_int_equal(f->nch, 0);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	/* The same hops announced again one by one: nothing changes. */
	event(f, hop6(RTM_NEWROUTE, NLM_F_CREATE, X11, "fe80::1", 2));
	event(f, hop6(RTM_NEWROUTE, NLM_F_CREATE, X11, "fe80::2", 3));
	assert_int_equal(f->nch, 0);
}

/*
 * `ip -6 route append` of a next hop: the message lists the whole route
 * (NLM_F_APPEND, RTA_MULTIPATH, the new hop first).  `ip -6 route del ...
 * via` of one hop names that hop alone, and the kernel says nothing of the
 * one left, which its next dump shows as a plain route.
 */
static void
test6_append_and_delete_a_hop(void **state)
{
	struct fix *f = *state;

	event(f, hop6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, X11, "fe80::1", 2));
	event(f,
	    mp6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, X11, 2, "fe80::2", 3, 1, "fe80::1", 2,
		1));
	assert_int_equal(count6(f), 2);
	assert_hop(row6(f, X11, "fe80::1", 2), 1, 1);
	assert_hop(row6(f, X11, "fe80::2", 3), 1, 1);
	/* Hops of one route, not routes that share a key: a deletion is certain. */
	assert_false(row6(f, X11, "fe80::1", 2)->flags & ROUTE_F_SHARED);
	assert_int_equal(f->nch, 3); /* added; then the new hop added, the first changed */
	assert_int_equal(f->ch[1].kind, ROUTE_ADDED);
	assert_int_equal(f->ch[1].dst, 2);
	assert_int_equal(f->ch[2].kind, ROUTE_CHANGED);
	assert_int_equal(f->ch[2].dst, 1);
	/* A third hop, with a weight. */
	event(f,
	    mp6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, X11, 3, "fe80::3", 3, 5, "fe80::1", 2, 1,
		"fe80::2", 3, 1));
	assert_hop(row6(f, X11, "fe80::3", 3), 1, 5);
	f->nch = 0;
	/* One hop goes: two remain, still multipath. */
	event(f, hop6(RTM_DELROUTE, 0, X11, "fe80::2", 3));
	assert_int_equal(count6(f), 2);
	assert_int_equal(f->nch, 1);
	assert_hop(row6(f, X11, "fe80::3", 3), 1, 5);
	/* Another: the last is a plain route, its weight no longer shown. */
	event(f, hop6(RTM_DELROUTE, 0, X11, "fe80::3", 3));
	assert_hop(row6(f, X11, "fe80::1", 2), 0, 1);
	assert_int_equal(f->nch, 3);
	assert_int_equal(f->ch[2].kind, ROUTE_CHANGED);
	assert_int_equal(f->ch[2].dst, 1);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	/* What the kernel's dump shows agrees. */
	mirror_fake_dump_begin(f->m);
	dumped(f, hop6(RTM_NEWROUTE, 0, X11, "fe80::1", 2));
	mirror_fake_dump_end(f->m, 0, 0);
	run_diff(f);
	assert_int_equal(f->nch, 3);
}

/*
 * Routes without a gateway are not siblings: appended beside each other they
 * are routes of their own that share a key (their rows are marked so), not
 * hops.  A replace of the whole multipath route leaves one route.
 */
static void
test6_non_siblings_and_replace(void **state)
{
	struct fix *f = *state;

	event(f, hop6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, X11, NULL, 2));
	event(f, hop6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, X11, NULL, 3));
	assert_int_equal(count6(f), 2);
	assert_hop(row6(f, X11, NULL, 2), 0, 1);
	assert_hop(row6(f, X11, NULL, 3), 0, 1);
	assert_true(row6(f, X11, NULL, 2)->flags & ROUTE_F_SHARED);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);

	event(f,
	    mp6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, "2001:db8:12::", 2, "fe80::1", 2, 1,
		"fe80::2", 3, 1));
	f->nch = 0;
	event(f, hop6(RTM_NEWROUTE, NLM_F_REPLACE, "2001:db8:12::", "fe80::9", 3));
	assert_null(row6(f, "2001:db8:12::", "fe80::1", 2));
	assert_null(row6(f, "2001:db8:12::", "fe80::2", 3));
	assert_hop(row6(f, "2001:db8:12::", "fe80::9", 3), 0, 1);
	assert_int_equal(f->nch, 3);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
}

/*
 * `ip route change ... mtu 1400` (or realm, or nhid): the kernel's replace
 * message shows the same entry, as the entry keeps none of them.  IPv4
 * announces a replace only when the route changed: a change of the row,
 * its Age restarted.  IPv6 announces an identical replace too: no change.
 */
static void
test_replace_same_entry(void **state)
{
	struct fix *f = *state;

	add(f, "10.6.0.0");
	event(f, rmsg(RTM_NEWROUTE, NLM_F_REPLACE, "10.6.0.0", 24, "192.0.2.1", 2, RTPROT_STATIC));
	assert_int_equal(f->nch, 2);
	assert_int_equal(f->ch[1].kind, ROUTE_CHANGED);
	assert_int_equal(f->ch[1].dst, IP(10, 6, 0, 0));
	assert_false(row(f, IP(10, 6, 0, 0), IP(192, 0, 2, 1))->flags & ROUTE_F_LIVE);
	/* The same message without NLM_F_REPLACE is no change. */
	event(f, rmsg(RTM_NEWROUTE, 0, "10.6.0.0", 24, "192.0.2.1", 2, RTPROT_STATIC));
	assert_int_equal(f->nch, 2);
	assert_int_equal(mirror_routes(f->m)->count, 1);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
}

/*
 * `ip route prepend` of a route whose row already exists (the same next hop,
 * another MTU, realm or protocol): the kernel puts it in front of the one
 * the row showed and announces it with NLM_F_CREATE alone (fib_table_insert()
 * refuses an identical one), and the row now shows it: a change of the row
 * even when the entry is the same, as a replace is (notify_churn.sh, seed
 * 314: no changed(3) for a row whose MTU and realm changed so).  An appended
 * one stays behind it: no change.
 */
static void
test_prepend_takes_row(void **state)
{
	struct fix *f = *state;

	event(f,
	    rmsg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, "10.6.0.0", 24, "192.0.2.1", 2,
		RTPROT_STATIC));
	assert_int_equal(f->nch, 1);
	event(f,
	    rmsg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, "10.6.0.0", 24, "192.0.2.1", 2,
		RTPROT_STATIC));
	assert_int_equal(f->nch, 1);
	event(f, rmsg(RTM_NEWROUTE, NLM_F_CREATE, "10.6.0.0", 24, "192.0.2.1", 2, RTPROT_STATIC));
	assert_int_equal(f->nch, 2);
	assert_int_equal(f->ch[1].kind, ROUTE_CHANGED);
	/* Another protocol too: one change, not two. */
	event(f, rmsg(RTM_NEWROUTE, NLM_F_CREATE, "10.6.0.0", 24, "192.0.2.1", 2, RTPROT_BGP));
	assert_int_equal(f->nch, 3);
	assert_int_equal(f->ch[2].kind, ROUTE_CHANGED);
	assert_int_equal(f->ch[2].proto, RTPROT_BGP);
	assert_int_equal(mirror_routes(f->m)->count, 1);
	assert_true(row(f, IP(10, 6, 0, 0), IP(192, 0, 2, 1))->flags & ROUTE_F_SHARED);
}

static void
test6_replace_same_entry(void **state)
{
	struct fix *f = *state;

	event(f, hop6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, X11, "fe80::1", 2));
	assert_int_equal(f->nch, 1);
	event(f, hop6(RTM_NEWROUTE, NLM_F_REPLACE, X11, "fe80::1", 2));
	assert_int_equal(f->nch, 1);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
}

/*
 * What the kernel does silently to IPv6 routes (checked in a namespace):
 * a link going down flags multipath hops dead (announcing only the plain
 * routes it deletes), and an address removed takes the preferred source off
 * routes without a message.  Both re-dump the IPv6 mirror; an IPv4 address
 * does not.
 */
static void
test6_redump_triggers(void **state)
{
	struct fix *f = *state;

	event(f, fx_link_msg(RTM_NEWLINK, 3, UP, "eth0"));
	event(f, fx_addr_msg(RTM_NEWADDR, AF_INET6, 3, "2001:db8::10", 64));
	event(f, fx_addr_msg(RTM_NEWADDR, AF_INET, 3, "192.0.2.10", 24));
	event(f, fx_addr_msg(RTM_DELADDR, AF_INET, 3, "192.0.2.10", 24));
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	event(f, fx_addr_msg(RTM_DELADDR, AF_INET6, 3, "2001:db8::10", 64));
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
	redump(f, 0, 0, NULL);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	event(f, fx_link_msg(RTM_NEWLINK, 3, IFF_UP, "eth0"));
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
}

/* A route via fe80::1 of this protocol, with what is left of its lifetime in clock ticks. */
static struct nl_msg *
expiring6(const char *dst, int32_t ticks, uint8_t proto)
{
	struct nl_msg *msg = hop6(RTM_NEWROUTE, NLM_F_CREATE, dst, "fe80::1", 2);
	struct rta_cacheinfo ci;

	((struct rtmsg *)nlmsg_data(nlmsg_hdr(msg)))->rtm_protocol = proto;
	memset(&ci, 0, sizeof(ci));
	ci.rta_expires = ticks;
	nla_put(msg, RTA_CACHEINFO, sizeof(ci), &ci);
	return msg;
}

/*
 * The kernel extends RA routes' lifetimes without a message: when a
 * mirrored lifetime ends (here a static route's, `expires 1`), the mirror
 * re-dumps (a second later), and finds the route extended or gone.
 */
static void
test6_lifetime_end_redumps(void **state)
{
	struct fix *f = *state;

	event(f, expiring6("2001:db8:a0::", 1, RTPROT_STATIC)); /* ends within this second */
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	assert_true(f->narmed > 0);
	assert_true(f->armed <= 2000);
	mirror_timer(f->m); /* too early: armed again */
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	sleep(2);
	mirror_timer(f->m);
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
	/* The dump finds it extended: the timer waits for the new end. */
	mirror_fake_dump_begin(f->m);
	dumped(f, expiring6("2001:db8:a0::", 1800 * (int32_t)sysconf(_SC_CLK_TCK), RTPROT_RA));
	mirror_fake_dump_end(f->m, 0, 0);
	run_diff(f);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	assert_in_range(f->armed, 1800000, 1801000); /* its end, and a second */
	/* A lifetime that has already ended waits for the kernel's announced removal. */
	f->nch = 0;
	event(f, expiring6("2001:db8:a1::", -100, RTPROT_STATIC));
	assert_int_equal(f->nch, 1);
	assert_in_range(f->armed, 1799000, 1801000);
}

/*
 * A re-dump that finds only a route's lifetime extended (the kernel renews RA
 * routes without a message) keeps the new lifetime quietly, as a replace
 * does: no changed(3), Age and InstallDate kept.  A new protocol is a change.
 */
static void
test6_redump_lifetime_quiet(void **state)
{
	struct fix *f = *state;
	int32_t hz = (int32_t)sysconf(_SC_CLK_TCK);
	const struct route6 *r;
	uint32_t seen;

	event(f, expiring6(X11, 600 * hz, RTPROT_RA));
	assert_int_equal(f->nch, 1);
	seen = row6(f, X11, "fe80::1", 2)->first_seen;
	sleep(1);
	mirror_fake_dump_begin(f->m);
	dumped(f, expiring6(X11, 1800 * hz, RTPROT_RA));
	mirror_fake_dump_end(f->m, 0, 0);
	run_diff(f);
	assert_int_equal(f->nch, 1);
	r = row6(f, X11, "fe80::1", 2);
	assert_in_range(r->expires, mirror_now(f->m) + 1799, mirror_now(f->m) + 1801);
	assert_int_equal(r->first_seen, seen);
	assert_true(r->flags & ROUTE_F_LIVE);
	mirror_fake_dump_begin(f->m);
	dumped(f, expiring6(X11, 1800 * hz, RTPROT_STATIC));
	mirror_fake_dump_end(f->m, 0, 0);
	run_diff(f);
	assert_int_equal(f->nch, 2);
	assert_int_equal(f->ch[1].kind, ROUTE_CHANGED);
	assert_int_not_equal(row6(f, X11, "fe80::1", 2)->first_seen, seen);
}

/* expiring6() as the kernel announces a replace. */
static struct nl_msg *
replaced6(const char *dst, int32_t ticks, uint8_t proto)
{
	struct nl_msg *msg = expiring6(dst, ticks, proto);

	nlmsg_hdr(msg)->nlmsg_flags = NLM_F_REPLACE;
	return msg;
}

/*
 * An IPv6 replace is a change when it changes what a column shows (protocol,
 * preference, ...), not when only the lifetime is new (a daemon renewing an
 * RA route, every advertisement): that is kept, quietly.  A new gateway is a
 * new index: removed and added.
 */
static void
test6_replace_shown_change(void **state)
{
	struct fix *f = *state;
	int32_t hz = (int32_t)sysconf(_SC_CLK_TCK);
	struct nl_msg *msg;
	const struct route6 *r;

	event(f, expiring6(X11, 600 * hz, RTPROT_STATIC));
	assert_int_equal(f->nch, 1);
	event(f, replaced6(X11, 600 * hz, RTPROT_STATIC));
	event(f, replaced6(X11, 900 * hz, RTPROT_STATIC));
	assert_int_equal(f->nch, 1);
	r = row6(f, X11, "fe80::1", 2);
	assert_non_null(r);
	assert_in_range(r->expires, mirror_now(f->m) + 899, mirror_now(f->m) + 901);
	assert_true(r->flags & ROUTE_F_LIVE); /* its InstallDate still known */
	event(f, replaced6(X11, 900 * hz, RTPROT_BOOT));
	assert_int_equal(f->nch, 2);
	assert_int_equal(f->ch[1].kind, ROUTE_CHANGED);
	msg = replaced6(X11, 900 * hz, RTPROT_BOOT);
	nla_put_u8(msg, RTA_PREF, 1); /* ICMPV6_ROUTER_PREF_HIGH */
	event(f, msg);
	assert_int_equal(f->nch, 3);
	assert_int_equal(f->ch[2].kind, ROUTE_CHANGED);
	event(f, hop6(RTM_NEWROUTE, NLM_F_REPLACE, X11, "fe80::2", 2));
	assert_int_equal(f->nch, 5);
	assert_int_equal(f->ch[3].kind, ROUTE_REMOVED);
	assert_int_equal(f->ch[4].kind, ROUTE_ADDED);
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
}

/*
 * A route learnt from a router advertisement is announced before the kernel
 * sets its lifetime (Linux 6.18): its announcement re-dumps, another's not.
 */
static void
test6_ra_route_redumps(void **state)
{
	struct fix *f = *state;

	event(f, hop6(RTM_NEWROUTE, NLM_F_CREATE, "2001:db8:a0::", "fe80::1", 2));
	assert_int_equal(mirror_state(f->m), MIRROR_SYNCED);
	event(f, expiring6("2001:db8:a1::", 0, RTPROT_RA));
	assert_int_equal(mirror_state(f->m), MIRROR_REDUMP_DUE);
	assert_int_equal(count6(f), 2);
}

#define T(fn)  cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T6(fn) cmocka_unit_test_setup_teardown(fn, setup6, teardown)

/* A moment's wall-clock time reads the same whenever it is asked (InstallDate did not:
 * each clock cut to whole seconds apart, it moved by one as their seconds turned). */
static void
test_wall_steady(void **state)
{
	static const struct mirror_config cfg = { .tables = { 254 }, .ntables = 1 };
	struct mirror *m;

	(void)state;
	/* The wall clock 0.9 s into its second, the monotonic one 0.1 s into its own. */
	fakeclock_set((struct timespec){ 1000000000, 900000000 },
	    (struct timespec){ 500, 100000000 });
	assert_non_null(m = mirror_new(&cfg));
	for (int i = 0; i < 24; i++) { /* 1.2 s: both clocks pass a second boundary */
		assert_int_equal(mirror_wall(m, 0), 1000000000);
		assert_int_equal(mirror_wall(m, 3), 1000000003);
		fakeclock_advance(50000000);
	}
	mirror_free(m);
	fakeclock_off();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_events_replayed_over_dump),
		T(test_replayed_deletion_of_a_gone_route),
		T(test_dump_cut_short_keeps_table),
		T(test_dump_intr_redone),
		T(test_redump_during_dump_follows),
		T(test_aliases),
		T(test_change_callbacks),
		T(test_replace_same_entry),
		T(test_prepend_takes_row),
		T(test_via6_changes),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_wall_steady),
		T(test_iface_links_and_addresses),
		T(test_iface_redump_triggers),
		T(test_iface_redump_trigger_dead_hops),
		T(test_iface_link_removed),
		T6(test6_dump_diff_replay),
		T6(test6_hop_by_hop_as_dump),
		T6(test6_append_and_delete_a_hop),
		T6(test6_non_siblings_and_replace),
		T6(test6_replace_same_entry),
		T6(test6_redump_triggers),
		T6(test6_lifetime_end_redumps),
		T6(test6_redump_lifetime_quiet),
		T6(test6_ra_route_redumps),
		T6(test6_replace_shown_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
