/*
 * A command run in a child process, never waited for: the one way cimrouted
 * runs a program (the DHCP client's commands, iface/dhcpctl.h; resolvectl
 * for systemd-resolved's per-link servers, iface/linkcmd.h).
 *
 * The child is spawned (posix_spawn) in a process group of its own, with
 * stdin /dev/null, stdout and stderr into one pipe, no other descriptor of
 * ours, default signal handling and a fixed environment (PATH, LC_ALL=C);
 * a program without a '/' is looked up in that PATH.  Its pidfd joins the
 * loop, so its end is seen without SIGCHLD and without waiting (without
 * pidfd_open(2): Linux before 5.3, valgrind, waitpid() is polled every
 * PROC_POLL_MS); it is killed with its group at its time limit.  done()
 * then gets its outcome and the first line it wrote, from the loop.
 */
#ifndef CIMR_PROC_H
#define CIMR_PROC_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "snmp/loop.h"

#define PROC_LINE    160 /* the part of a command's output that is kept */
#define PROC_POLL_MS 20

/*
 * The command ended: ok (exit status 0), else why ("exit status 3: no
 * lease", "killed after 30 s"); on success why is its first line ("" if none).
 */
typedef void (*proc_done_fn)(void *arg, int ok, const char *why);

struct proc {
	pid_t pid; /* 0: none runs */
	int pidfd; /* -1: watched by polling */
	int out;   /* the read end of its stdout and stderr */
	struct loop_fd fd;
	struct loop_timer timer; /* its time limit, and the polling without a pidfd */
	struct timespec deadline;
	unsigned timeout_s;
	int killed;
	size_t outlen;
	char output[PROC_LINE];
	proc_done_fn done;
	void *arg;
};

/*
 * Start argv (argv[0] the program) in p, which must not be running;
 * done(arg, ...) is called from the loop (or proc_poll()) when it ends,
 * never from here.  0, or -1 with a one-line reason in err.
 */
int proc_start(struct proc *p, char *const argv[], unsigned timeout_s, proc_done_fn done, void *arg,
    char *err, size_t errlen);
int proc_running(const struct proc *p);
/* Read its output, reap it if it ended, kill it at its limit: the loop's job (and tests'). */
void proc_poll(struct proc *p);
/*
 * Kill it now; done is not called.  Nothing if none runs.  Never waits: a
 * child not gone at once is reaped later from the loop (up to
 * PROC_ORPHANS_MAX such, then the kill waits for it).
 */
#define PROC_ORPHANS_MAX 16
void proc_kill(struct proc *p);
/*
 * A word a command line cannot misread (an interface name handed to a
 * client): 1 to 15 printable characters, no space, '/', '%', and no
 * leading '-' (an option).
 */
int proc_word_ok(const char *s);

#endif
