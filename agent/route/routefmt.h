/* How a route reads: WMI value maps and the text columns (Name, Caption, Description). */
#ifndef CIMR_ROUTEFMT_H
#define CIMR_ROUTEFMT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "route/route.h"
#include "route/route6.h"

struct mirror;

#define ROUTEFMT_MAX 256

/* RTPROT_* of the routes cimrouted creates through SNMP (live and persisted): 'proto 252'. */
#define CIMR_RTPROT 252

/* Win32_IP4RouteTable.Protocol (RFC 1213 ipRouteProto) for an rtm_protocol. */
int routefmt_wmi_protocol(uint8_t proto);
/* Win32_IP4RouteTable.Type (RFC 1213 ipRouteType) for a route, and for an rtm_type. */
int routefmt_wmi_type(const struct route *);
int routefmt_wmi_type_of(uint8_t type, int gateway);

/*
 * A route's text, whatever its family: what the caption and the description
 * are written from.  Addresses are text already (NULL: none).
 */
struct routefmt_route {
	int family;         /* AF_INET, AF_INET6 */
	const char *prefix; /* "10.1.0.0/16", "2001:db8::/32" */
	const char *from;   /* a source-specific route's source prefix */
	const char *gw;
	const char *src; /* the preferred source */
	int32_t ifindex;
	uint32_t table, metric;
	uint8_t type, proto, scope, tos, flags, weight;
	long expires;     /* seconds left, -1: does not expire */
	const char *pref; /* the router preference: "low", "medium", "high" */
};

/* Room for the texts of a struct routefmt_route. */
struct routefmt_text {
	/* gw: "inet6 " before an IPv6 gateway of an IPv4 route (RFC 5549) */
	char prefix[ADDR6_STRLEN + 4], from[ADDR6_STRLEN + 4], gw[ADDR6_STRLEN + 6],
	    src[ADDR6_STRLEN];
};

/* "[type ]prefix[ from source][ via gw][ dev name]" */
void routefmt_caption_of(const struct routefmt_route *, const struct mirror *, char *buf,
    size_t len);
/* The caption, then table, protocol, scope, source, metric, ... as `ip route` prints them. */
void routefmt_description_of(const struct routefmt_route *, const struct mirror *, char *buf,
    size_t len);
typedef void (*routefmt_fn)(const struct routefmt_route *, const struct mirror *, char *, size_t);
/*
 * A route of a family through one of those (fmt): row is a struct route
 * (routefmt_text) or a struct route6 (routefmt6_text).  Of the same type, so
 * that a table can name its family's (route/mib_rt.h).
 */
void routefmt_text(const void *row, const struct mirror *, char *buf, size_t len, routefmt_fn fmt);
void routefmt6_text(const void *row, const struct mirror *, char *buf, size_t len, routefmt_fn fmt);

/* "10.1.0.0/16" */
void routefmt_prefix(const struct route *, char *buf, size_t len);
/* "10.1.0.0/16 via 192.0.2.1 dev eth0" (cut to 64 by the caller) */
void routefmt_caption(const struct route *, const struct mirror *, char *buf, size_t len);
/* The whole route, as `ip route` would print it. */
void routefmt_description(const struct route *, const struct mirror *, char *buf, size_t len);

/*
 * IPv6: "2001:db8::/32"; whether the route has a gateway; the seconds it has
 * left on the mirror's clock (-1: it does not expire).
 */
void routefmt6_prefix(const struct route6 *, char *buf, size_t len);
int routefmt6_gateway(const struct route6 *);
long routefmt6_lifetime(const struct route6 *, const struct mirror *);

const char *routefmt_proto_name(uint8_t proto, char *buf, size_t len);
/* A protocol name of routefmt_proto_name's list, or a number 0-255; -1 if neither. */
int routefmt_proto_parse(const char *);
const char *routefmt_table_name(uint32_t table, char *buf, size_t len);

#endif
