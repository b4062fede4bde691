/*
 * Fixtures the unit tests share: route rows as the mirror keeps them.
 *
 * A test file includes it after cmocka.h (the builders assert).  The rows
 * are what a kernel dump of a plain unicast route in table main would give
 * (rt4.c, rt6.c): a gateway route carries ROUTE_F_GATEWAY, an IPv6 row the
 * weight 1 of a lone hop; a test sets any other field on the result.
 */
#ifndef CIMR_TEST_FIXTURE_H
#define CIMR_TEST_FIXTURE_H

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <string.h>

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

#endif
