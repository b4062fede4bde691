/*
 * The resolver configuration, as the adapter configuration shows it: the
 * name servers and the search list of /etc/resolv.conf (read as the C
 * library reads it), and systemd-resolved's servers per link where it runs.
 *
 * Nothing here reads a file on a request: resolver_refresh(), on a
 * one-second timer, stats the files and reads again only those that
 * changed (a new mtime, size or inode); the tables read what it keeps.
 * Where /etc/resolv.conf names only resolved's stub (127.0.0.53), the
 * servers and search list are those of resolved's upstream file,
 * /run/systemd/resolve/resolv.conf, as resolved writes them.
 */
#ifndef CIMR_RESOLVER_H
#define CIMR_RESOLVER_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "snmp/loop.h"

#define RESOLVER_MAX      64  /* servers and domains kept: the tables' position range */
#define RESOLVER_NAME_MAX 253 /* a domain name's text */
#define RESOLVER_FILE_MAX \
	(1 << 16) /* bytes read of a file; glibc reads any size, but 64 KiB is plenty */

struct resolver_server {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint32_t zone; /* the interface index of "fe80::1%eth0"; 0 if none */
};

struct resolver_servers {
	struct resolver_server v[RESOLVER_MAX];
	size_t n;
};

/* A resolver file's configuration. */
struct resolver_conf {
	struct resolver_servers srv;
	char search[RESOLVER_MAX][RESOLVER_NAME_MAX + 1];
	size_t nsearch;
	unsigned skipped; /* lines or words not taken: bad, too long, too many */
};

/*
 * Parse a resolv.conf text of len bytes (not NUL-terminated) as glibc does
 * (resolv/res_init.c): comments start with ';' or '#'; "nameserver ADDR"
 * (IPv4 or IPv6, with %zone by name or number); "domain NAME" and
 * "search NAME..." replace each other, the last wins.  Lines of any
 * length; what does not parse is counted in skipped.
 */
void resolver_parse(const char *text, size_t len, struct resolver_conf *);
/*
 * Parse the servers of systemd-resolved's state of a link (its SERVERS=
 * line: "ADDR", "ADDR%IFINDEX", "[ADDR]:PORT%IFINDEX#NAME"); the number of
 * words not taken.  Its domains are not kept: the suffix list is global.
 */
unsigned resolver_parse_link(const char *text, size_t len, struct resolver_servers *);
/* Does the configuration name only the stub of systemd-resolved (127.0.0.53 or .54)? */
int resolver_is_stub(const struct resolver_conf *);

/*
 * The manager a resolver file's header comments name ("NetworkManager",
 * "resolvconf", "dhclient-script", "dhcpcd", "systemd-resolved", "netconfig"), or NULL: such
 * a file is rewritten at the manager's next lease or change, so cimrouted
 * does not write it.  Only the comment lines before the first other line
 * are read, as the managers write their header first.
 */
const char *resolver_manager(const char *text, size_t len);
/*
 * The text of len bytes with its configuration replaced by c's, in a new
 * buffer (free()), its length in *outlen; NULL out of memory.  Every line
 * but 'nameserver', 'domain' and 'search' is kept where it is.  The
 * servers take the place of the first 'nameserver' line, one line each in
 * c's order (a zone as its interface index, which glibc takes); the search
 * list becomes one 'search' line in the place of the last 'domain' or
 * 'search' line (glibc reads 'domain X' as the one-name list X, the last
 * of the two wins), or none for an empty list.  Where the text had none,
 * the search line, then the servers, come at its end.
 */
char *resolver_render(const char *text, size_t len, const struct resolver_conf *c, size_t *outlen);

struct resolver;

/*
 * The directives resolvedDir (systemd-resolved's run folder, where its
 * upstream file and per-link state are; default /run/systemd/resolve) and
 * dnsLinkCommand (the command that sets a link's servers in resolved:
 * linkcmd.h; default resolvectl, looked up in PATH).
 */
struct resolver_config {
	char resolved_dir[PATH_MAX]; /* "": the default */
	char link_cmd[PATH_MAX];     /* "": the default */
};
int resolver_conf_register(struct resolver_config *);

/* The paths and the command are the system's unless given (NULL or "": the default). */
struct resolver *resolver_new(const char *resolv_conf, const char *resolved_dir,
    const char *link_cmd);
void resolver_free(struct resolver *);
/* The resolver file's path (what the DNS methods write), and dnsLinkCommand. */
const char *resolver_path(const struct resolver *);
const char *resolver_link_command(const struct resolver *);
/* Read what changed since the last call; 1 if something changed, 0 if not. */
int resolver_refresh(struct resolver *);
/* The system-wide configuration (empty if the file is missing). */
const struct resolver_conf *resolver_global(const struct resolver *);
/* resolved's servers of a link, or NULL when it keeps none for it (or does not run). */
const struct resolver_servers *resolver_link(const struct resolver *, int32_t ifindex);
/* In the daemon: refresh on a one-second timer of the loop. */
int resolver_start(struct resolver *);
void resolver_stop(struct resolver *);

#endif
