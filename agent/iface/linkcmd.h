/*
 * systemd-resolved's per-link DNS servers, set through a command: the
 * directive dnsLinkCommand (default "resolvectl") is run as
 * "CMD dns IFNAME SERVER..." ("CMD dns IFNAME ''" for none), as resolvectl(1)
 * takes it, the way iface/proc.h runs a program: the SET that asked never
 * waits for it, and its phase ends when the child does (snmp/txn.c's
 * TXN_PENDING).  The first line it wrote goes into the log when it fails.
 */
#ifndef CIMR_LINKCMD_H
#define CIMR_LINKCMD_H

#include "iface/proc.h"
#include "iface/resolver.h"
#include "snmp/loop.h"

/* Longer than any SET phase (whose budget kills it first): a bound of its own. */
#define LINKCMD_TIMEOUT_S 10

struct linkcmd {
	struct proc p;
	int running;
	int status;   /* when over: 0 (exit 0), else -1 */
	loop_fn done; /* called when it is over */
	void *arg;
};

/*
 * Start "cmd dns ifname servers..." in a child; done(arg) is called from
 * the loop when it exits.  0, or -1 with a one-line reason in err.
 */
int linkcmd_start(struct linkcmd *, const char *cmd, const char *ifname,
    const struct resolver_servers *, loop_fn done, void *arg, char *err, size_t errlen);
/* Its time is up: kill it and reap it (status -1; done is not called); nothing if none runs. */
void linkcmd_abandon(struct linkcmd *);

#endif
