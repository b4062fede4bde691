/*
 * systemd-resolved's per-link DNS servers, set through a command: the
 * directive dnsLinkCommand (default "resolvectl") is run as
 * "CMD dns IFNAME SERVER..." ("CMD dns IFNAME ''" for none), as resolvectl(1)
 * takes it.  The command runs in a child process whose exit the loop
 * watches through a pidfd (or, where pidfd_open(2) is missing: Linux before
 * 5.3, valgrind, by polling waitpid() every POLL_MS): the SET that asked
 * never waits for it, and its phase ends when the child does (snmp/txn.c's
 * TXN_PENDING).  Its stderr's first line goes into the log when it fails.
 */
#ifndef CIMR_LINKCMD_H
#define CIMR_LINKCMD_H

#include <sys/types.h>

#include "iface/resolver.h"
#include "snmp/loop.h"

struct linkcmd {
	pid_t pid;              /* the child; 0: none */
	int pidfd;              /* -1: polled instead */
	int errfd;              /* the read end of its stderr, for the log */
	struct loop_fd fd;      /* the pidfd in the loop */
	struct loop_timer poll; /* or the polling timer */
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
