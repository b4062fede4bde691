/*
 * The DHCP client of an interface, driven: the commands that perform WMI's
 * EnableDHCP(), ReleaseDHCPLease() and RenewDHCPLease() (and their All
 * variants), and the stop of the client when EnableStatic() moves an
 * interface to static addresses.
 *
 * A command is the directive dhcpCommand's for its action ("dhcpCommand
 * renew /sbin/dhclient -nw %i": an absolute program and its words, split at
 * spaces, no shell; %i is the interface name), else the built-in one of the
 * client that holds the interface's lease (dhclient: -nw, -x, -r; systemd-
 * networkd: networkctl renew; NetworkManager: none, it is configured); a
 * link no client keeps a lease of needs a configured enable command.  Else
 * there is none and the method is not supported.
 *
 * These take seconds (a DHCP exchange), so a command is never waited for:
 * it runs as iface/proc.h runs a program, killed after DHCPCTL_TIMEOUT_S,
 * and done() gets its outcome and the first line it wrote.  At most
 * DHCPCTL_RUNS_MAX run at once, one per interface.
 */
#ifndef CIMR_DHCPCTL_H
#define CIMR_DHCPCTL_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "iface/dhcplease.h"
#include "snmp/loop.h"

enum dhcp_action { DHCP_ENABLE, DHCP_DISABLE, DHCP_RELEASE, DHCP_RENEW, DHCP_NACTIONS };

#define DHCPCTL_ARGS_MAX  16
#define DHCPCTL_RUNS_MAX  64
#define DHCPCTL_TIMEOUT_S 30

struct dhcpctl_config {
	char *cmd[DHCP_NACTIONS]; /* the directive's command line; NULL: the built-in one */
	unsigned timeout_s;       /* DHCPCTL_TIMEOUT_S unless a test says otherwise */
};

/* The directive dhcpCommand (before init_snmp()).  0, or -1. */
int dhcpctl_conf_register(struct dhcpctl_config *);
/* Its parser ("ACTION /PROGRAM [WORD...]"): 0, or -1 with err (cfg untouched). */
int dhcpctl_line(const char *token, const char *value, void *cfg, char *err, size_t errlen);
void dhcpctl_config_free(struct dhcpctl_config *);

/* The action's name as the directive spells it ("renew"). */
const char *dhcpctl_action_name(enum dhcp_action);

/*
 * The command of action for ifname, whose lease client keeps: argv (up to
 * DHCPCTL_ARGS_MAX words and NULL) pointing into buf.  0, or -1 when there
 * is none (not configured, and no built-in one for that client).
 */
int dhcpctl_command(const struct dhcpctl_config *, enum dhcp_action, enum dhcp_client,
    const char *ifname, char **argv, char *buf, size_t buflen);

/*
 * A run of ifindex ended: ok (exit status 0), else why ("exit status 3:
 * ...", "killed after 30 s"); tag as given to dhcpctl_run().
 */
typedef void (*dhcpctl_done_fn)(void *arg, int32_t ifindex, int tag, int ok, const char *why);

struct dhcpctl;
struct dhcpctl *dhcpctl_new(const struct dhcpctl_config *);
void dhcpctl_free(struct dhcpctl *); /* kills what still runs */
/*
 * Start argv for ifindex; done(arg, ...) is called from the loop (or from
 * dhcpctl_poll()) when it ends, never from here.  0, or -1 with err: a run
 * of this interface is in progress, too many run, the spawn failed.
 */
int dhcpctl_run(struct dhcpctl *, int32_t ifindex, int tag, char *const argv[],
    dhcpctl_done_fn done, void *arg, char *err, size_t errlen);
/* Is a run of ifindex in progress? */
int dhcpctl_busy(const struct dhcpctl *, int32_t ifindex);
/* Complete the runs that ended, kill those past their time (the loop does it; tests call it). */
void dhcpctl_poll(struct dhcpctl *);

#endif
