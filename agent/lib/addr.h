/*
 * IP addresses as text and masks as prefix lengths, in one place.  IPv4
 * addresses are host byte order uint32_t, as struct route holds them; IPv6
 * addresses are struct in6_addr.  Text is what inet_ntop writes and
 * inet_pton reads (dotted quad only for IPv4: no "10.1", no octal).
 */
#ifndef CIMR_ADDR_H
#define CIMR_ADDR_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR4_STRLEN INET_ADDRSTRLEN /* "255.255.255.255" and its NUL */
#define ADDR6_STRLEN INET6_ADDRSTRLEN

/* The text of a; buf of len bytes (ADDR4_STRLEN is always enough).  Returns buf. */
const char *addr4_ntop(uint32_t a, char *buf, size_t len);
/* 0 with *out set, or -1 with errno EINVAL. */
int addr4_pton(const char *s, uint32_t *out);
const char *addr6_ntop(const struct in6_addr *a, char *buf, size_t len);
int addr6_pton(const char *s, struct in6_addr *out);

/* The mask of a prefix length (32 and more: all ones). */
static inline uint32_t
addr4_mask(unsigned plen)
{
	return plen == 0 ? 0 : plen >= 32 ? 0xffffffffu : ~((1u << (32 - plen)) - 1);
}

/* The prefix length of a contiguous mask, or -1. */
int addr4_plen(uint32_t mask);
int addr6_plen(const struct in6_addr *mask);
/* Has the IPv6 address a (16 bytes) bits set beyond its first plen? */
int addr6_host_bits(const uint8_t *a, unsigned plen);

#endif
