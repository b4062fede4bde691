/* IP address text and masks: see addr.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include "lib/addr.h"

const char *
addr4_ntop(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	return buf;
}

int
addr4_pton(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		errno = EINVAL;
		return -1;
	}
	*out = ntohl(a.s_addr);
	return 0;
}

const char *
addr6_ntop(const struct in6_addr *a, char *buf, size_t len)
{
	if (inet_ntop(AF_INET6, a, buf, (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
	return buf;
}

int
addr6_pton(const char *s, struct in6_addr *out)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1) {
		errno = EINVAL;
		return -1;
	}
	*out = a;
	return 0;
}

int
addr4_plen(uint32_t mask)
{
	int plen = __builtin_popcount(mask);

	return addr4_mask((unsigned)plen) == mask ? plen : -1;
}

/* Ones, then zeros: each byte is the mask of what is left of the length. */
int
addr6_plen(const struct in6_addr *mask)
{
	int plen = 0;

	for (int k = 0; k < 16; k++)
		plen += __builtin_popcount(mask->s6_addr[k]);
	for (int k = 0; k < 16; k++) {
		int left = plen - 8 * k;
		unsigned want = left >= 8 ? 0xff : left <= 0 ? 0 : (0xff00u >> left) & 0xff;

		if (mask->s6_addr[k] != want)
			return -1;
	}
	return plen;
}

int
addr6_host_bits(const uint8_t *a, unsigned plen)
{
	for (unsigned i = plen; i < 128; i++)
		if (a[i / 8] & (0x80 >> (i % 8)))
			return 1;
	return 0;
}
