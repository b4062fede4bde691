/*
 * Fixtures the unit tests share: route rows as the mirror keeps them, and
 * route messages as the kernel sends them.
 *
 * A test file includes it after cmocka.h (the builders assert).  The rows
 * are what a kernel dump of a plain unicast route in table main would give
 * (rt4.c, rt6.c): a gateway route carries ROUTE_F_GATEWAY, an IPv6 row the
 * weight 1 of a lone hop; a test sets any other field on the result.  A
 * message starts with what every route message has (the header, RTA_TABLE,
 * RTA_DST); a test adds the attributes it is about.
 */
#ifndef CIMR_TEST_FIXTURE_H
#define CIMR_TEST_FIXTURE_H

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netlink/msg.h>

#include "route/route.h"
#include "route/route6.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* dst/plen via nh (0: direct) on ifindex, table main, at metric, learnt from proto. */
static inline struct route
fx_route(uint32_t dst, uint8_t plen, uint32_t nh, int32_t ifindex, uint32_t metric, uint8_t proto)
{
	struct route r;

	memset(&r, 0, sizeof(r));
	r.dst = dst;
	r.plen = plen;
	r.nexthop = nh;
	r.flags = nh ? ROUTE_F_GATEWAY : 0;
	r.ifindex = ifindex;
	r.table = RT_TABLE_MAIN;
	r.metric = metric;
	r.type = RTN_UNICAST;
	r.proto = proto;
	return r;
}

/* The same for IPv6, the addresses in text (nh NULL: direct). */
static inline struct route6
fx_route6(const char *dst, uint8_t plen, const char *nh, int32_t ifindex, uint32_t metric,
    uint8_t proto)
{
	struct route6 r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(inet_pton(AF_INET6, dst, r.dst), 1);
	r.plen = plen;
	if (nh != NULL) {
		assert_int_equal(inet_pton(AF_INET6, nh, r.nexthop), 1);
		r.flags = ROUTE_F_GATEWAY;
	}
	r.ifindex = ifindex;
	r.table = RT_TABLE_MAIN;
	r.metric = metric;
	r.type = RTN_UNICAST;
	r.proto = proto;
	r.weight = 1;
	return r;
}

/* Attribute attr holding the address ip, in text: IPv6 when it has a ':'. */
static inline void
fx_put_ip(struct nl_msg *msg, int attr, const char *ip)
{
	uint8_t a[16];
	int family = strchr(ip, ':') != NULL ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(family, ip, a), 1);
	assert_int_equal(nla_put(msg, attr, family == AF_INET6 ? 16 : 4, a), 0);
}

/* A route message for dst/plen (its family by its text) in table, of type rtype, from proto. */
static inline struct nl_msg *
fx_route_msg(int type, int flags, const char *dst, uint8_t plen, uint32_t table, uint8_t rtype,
    uint8_t proto)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);
	struct rtmsg rtm = {
		.rtm_family = strchr(dst, ':') != NULL ? AF_INET6 : AF_INET,
		.rtm_dst_len = plen,
		.rtm_table = RT_TABLE_UNSPEC, /* the table is in RTA_TABLE */
		.rtm_protocol = proto,
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = rtype,
	};

	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO), 0);
	nla_put_u32(msg, RTA_TABLE, table);
	fx_put_ip(msg, RTA_DST, dst);
	return msg;
}

/* Link and address messages as the kernel sends them, with the attributes every one has. */
static inline struct nl_msg *
fx_link_msg(int type, int32_t ifindex, unsigned flags, const char *name)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, 0);
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
		.ifi_index = ifindex,
		.ifi_flags = flags };

	assert_int_equal(nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
	nla_put_string(msg, IFLA_IFNAME, name);
	return msg;
}

static inline struct nl_msg *
fx_addr_msg(int type, int family, int32_t ifindex, const char *addr, uint8_t plen)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, 0);
	struct ifaddrmsg ifa = {
		.ifa_family = (uint8_t)family,
		.ifa_prefixlen = plen,
		.ifa_scope = RT_SCOPE_UNIVERSE,
		.ifa_index = (uint32_t)ifindex,
	};
	uint8_t a[16];

	assert_int_equal(nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO), 0);
	assert_int_equal(inet_pton(family, addr, a), 1);
	nla_put(msg, IFA_ADDRESS, family == AF_INET ? 4 : 16, a);
	nla_put(msg, IFA_LOCAL, family == AF_INET ? 4 : 16, a);
	return msg;
}

/* A file of the given text (tests of the files the daemon reads). */
static inline void
fx_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#endif
