/*
 * The addresses made through SNMP with StorageType nonVolatile(3) (the
 * EnableStatic() rows of cimAdapterCfgAddressTable), kept in the state
 * directory's file static-addresses, one "IFNAME ADDRESS/PREFIXLEN" a line,
 * so that they can be added again at start and when they vanish, as
 * Windows keeps the addresses of EnableStatic().  By interface name, as an
 * administrator names them, not by ifindex, which a reboot changes.
 *
 * The set and its file only: when to add what is the adapter methods'
 * (snmp/mib_ifset.c).
 */
#ifndef CIMR_STATICADDR_H
#define CIMR_STATICADDR_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#define STATICADDR_FILE "static-addresses"
#define STATICADDR_MAX  1024 /* lines kept; a createAndGo beyond is refused */

struct staticaddr {
	char ifname[IFNAMSIZ];
	uint8_t family, plen;
	uint8_t addr[16]; /* network byte order; 4 bytes for IPv4 */
};

struct staticaddrs {
	struct staticaddr *v; /* sorted by name, family, address, prefix length */
	size_t n, cap;
	int dirfd;
	char *dir;
};

/*
 * s zeroed with dirfd -1 is an empty set without a file (staticaddrs_free() is fine).
 * Read dir/static-addresses into s (a missing file is an empty set; a bad
 * line is logged and skipped).  0, or -1 with err (the directory cannot be
 * used).
 */
int staticaddrs_open(struct staticaddrs *s, const char *dir, char *err, size_t errlen);
void staticaddrs_free(struct staticaddrs *s);
/* Write the file again (atomically): 0, or -1 with err. */
int staticaddrs_save(const struct staticaddrs *s, char *err, size_t errlen);
/* Whether the file is there; remove it (0, or -1 with err): an undone first write. */
int staticaddrs_file_exists(const struct staticaddrs *s);
int staticaddrs_unsave(const struct staticaddrs *s, char *err, size_t errlen);
/* Insert a (a set: 0 also when it was there), or -1 (no memory, or STATICADDR_MAX). */
int staticaddrs_put(struct staticaddrs *s, const struct staticaddr *a);
/* 1 if a is in the set. */
int staticaddrs_has(const struct staticaddrs *s, const struct staticaddr *a);
/* Remove a: 1, or 0 when it was not there. */
int staticaddrs_del(struct staticaddrs *s, const struct staticaddr *a);
/* The line of a ("eth0 192.0.2.7/24"), and a line parsed into *a (0, or -1). */
void staticaddr_format(const struct staticaddr *a, char *buf, size_t len);
int staticaddr_parse(const char *line, struct staticaddr *a);

#endif
