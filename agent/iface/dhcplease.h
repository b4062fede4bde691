/*
 * DHCP leases as the clients that run them keep them: whether an interface
 * is configured by DHCP, its server, and when the lease was obtained and
 * expires (WMI's DHCPEnabled, DHCPServer, DHCPLeaseObtained/Expires).
 *
 * The kernel knows none of this (an address's lifetime is all it keeps), so
 * the lease state is read from the clients' files, in the folders the
 * directive dhcpLeaseDirs names (by default systemd-networkd's
 * /run/systemd/netif/leases, dhclient's /var/lib/dhcp and NetworkManager's
 * /var/lib/NetworkManager).  Two formats: dhclient's ("lease { interface
 * "eth0"; fixed-address ...; option dhcp-server-identifier ...; option
 * dhcp-lease-time N; expire W YYYY/MM/DD HH:MM:SS; }", the last block of an
 * interface being its current lease; NetworkManager's dhclient-*.lease too)
 * and networkd's KEY=VALUE state (ADDRESS=, SERVER_ADDRESS=, LIFETIME=;
 * named by ifindex, or NetworkManager's internal-UUID-IFNAME.lease).
 *
 * As the resolver files: dhcplease_refresh(), on a one-second timer, stats
 * the files and reads again only those that changed; a request reads what
 * it keeps.  A lease that has expired is not one.
 */
#ifndef CIMR_DHCPLEASE_H
#define CIMR_DHCPLEASE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "snmp/loop.h"

#define DHCPLEASE_DIRS_MAX 8
#define DHCPLEASE_MAX      4096 /* lease files kept (one per interface and client) */

struct dhcplease_config {
	char *dirs[DHCPLEASE_DIRS_MAX];
	size_t ndirs;
};

/* The directive dhcpLeaseDirs (before init_snmp()).  0, or -1. */
int dhcplease_conf_register(struct dhcplease_config *);
/* The folders the directive gave (dhcplease_new() keeps copies). */
void dhcplease_config_free(struct dhcplease_config *);

/* Who keeps a lease, by its file: what drives the client (iface/dhcpctl.h). */
enum dhcp_client {
	DHCP_CLIENT_NONE,
	DHCP_CLIENT_DHCLIENT, /* dhclient's blocks, not NetworkManager's */
	DHCP_CLIENT_NETWORKD, /* KEY=VALUE named by ifindex */
	DHCP_CLIENT_NM,       /* NetworkManager's dhclient-*.lease or internal-*.lease */
};

struct dhcp_lease {
	enum dhcp_client client;
	int32_t ifindex;       /* networkd's file name; 0 when named by interface */
	char ifname[IFNAMSIZ]; /* dhclient's "interface"; "" when named by ifindex */
	uint8_t addr[4];       /* the leased address */
	uint8_t server[4];     /* dhcp-server-identifier, SERVER_ADDRESS */
	int has_server;
	int64_t obtained; /* wall-clock seconds; 0 if unknown */
	int64_t expires;  /* likewise */
};

/*
 * Parse one lease file's text (len bytes) into *out: the current lease of
 * its last interface (dhclient) or the file's (networkd; name: the file's
 * name, for the ifindex or NetworkManager's -IFNAME.lease; mtime: when it
 * was written, the lease's start).  0, or -1 if it holds no lease.
 */
int dhcplease_parse(const char *name, const char *text, size_t len, int64_t mtime,
    struct dhcp_lease *out);

struct dhcplease;

struct dhcplease *dhcplease_new(const struct dhcplease_config *);
void dhcplease_free(struct dhcplease *);
/* Read the files that changed; 1 if something changed. */
int dhcplease_refresh(struct dhcplease *);
/* The unexpired lease of the interface (by ifindex or name), or NULL. */
const struct dhcp_lease *dhcplease_find(const struct dhcplease *, int32_t ifindex,
    const char *ifname, int64_t now);
int dhcplease_start(struct dhcplease *);
void dhcplease_stop(struct dhcplease *);

#endif
