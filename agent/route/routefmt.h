/* How a route reads: WMI value maps and the text columns (Name, Caption, Description). */
#ifndef CIMR_ROUTEFMT_H
#define CIMR_ROUTEFMT_H

#include <stddef.h>
#include <stdint.h>

#include "route/route.h"

struct mirror;

#define ROUTEFMT_MAX 256

/* RTPROT_* of the routes cimrouted creates through SNMP (live and persisted): 'proto 252'. */
#define CIMR_RTPROT 252

/* Win32_IP4RouteTable.Protocol (RFC 1213 ipRouteProto) for an rtm_protocol. */
int routefmt_wmi_protocol(uint8_t proto);
/* Win32_IP4RouteTable.Type (RFC 1213 ipRouteType) for a route. */
int routefmt_wmi_type(const struct route *);

/* "10.1.0.0/16" */
void routefmt_prefix(const struct route *, char *buf, size_t len);
/* "10.1.0.0/16 via 192.0.2.1 dev eth0" (cut to 64 by the caller) */
void routefmt_caption(const struct route *, const struct mirror *, char *buf, size_t len);
/* The whole route, as `ip route` would print it. */
void routefmt_description(const struct route *, const struct mirror *, char *buf, size_t len);

const char *routefmt_proto_name(uint8_t proto, char *buf, size_t len);
/* A protocol name of routefmt_proto_name's list, or a number 0-255; -1 if neither. */
int routefmt_proto_parse(const char *);
const char *routefmt_table_name(uint32_t table, char *buf, size_t len);

#endif
