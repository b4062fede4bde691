/*
 * The dump thread, a reusable piece: a socket of its own (never the event
 * socket, libnl issue 268), a list of dump requests run one after the other on
 * a thread, and an eventfd that the loop watches.
 *
 * Dump requests wait for the kernel's RTNL lock, which it holds for a second
 * at full-table scale (a link going down walks the whole FIB), and a
 * consumer's work on the result (sorting a million routes) takes a few hundred
 * milliseconds: neither may stop the loop from answering GETs.  While a dump
 * runs, the thread owns the socket, its buffer and whatever the consumer's
 * msg and end callbacks write (the consumer's fresh vectors); the loop reads
 * them after the eventfd said done and nldump_join() has joined the thread.
 * The thread does not log: a failure is described in the result.
 *
 * Only replies that carry this dump's sequence number and come from the
 * kernel are read; NLM_F_DUMP_INTR (the kernel's tables changed under the
 * dump) is reported, the error the kernel puts in NLMSG_DONE fails the dump,
 * and DUMP_TIMEOUT_MS of silence fails it too.
 */
#ifndef CIMR_NLDUMP_H
#define CIMR_NLDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "snmp/loop.h"

struct nlmsghdr;

#define NLDUMP_RCVBUF   (4 << 20)
#define NLDUMP_MAX_REQS 4

/* One request: RTM_GETNEXTHOP sends a struct nhmsg, the others a struct rtgenmsg. */
struct nldump_req {
	uint16_t type;  /* RTM_GET* */
	uint8_t family; /* AF_* of the request */
};

/* On the dump thread: one message of the reply to req.  No logging. */
typedef void (*nldump_msg_fn)(const struct nldump_req *req, struct nlmsghdr *, void *arg);
/* On the dump thread, after every request succeeded (sort what was dumped).  No logging. */
typedef void (*nldump_end_fn)(void *arg);

struct nldump_result {
	int failed; /* a request or its reply failed: err says why */
	int intr;   /* the kernel flagged the dump inconsistent (NLM_F_DUMP_INTR) */
	char err[128];
};

struct nldump;

/* Open the socket, the buffer and the eventfd.  NULL with errno. */
struct nldump *nldump_open(int rcvbuf);
/* Join a running dump, close. */
void nldump_close(struct nldump *);
/*
 * Before the loop runs (a first load): block until a dump has finished or
 * fd (-1: none) is readable.  0, or -1 with errno (a signal is not a failure).
 */
int nldump_wait(const struct nldump *, int fd);
/* In the daemon: the loop calls fn(arg) when a dump has finished (and fn joins it).  0, or -1. */
int nldump_watch(struct nldump *, loop_fn fn, void *arg);
/* Out of the loop again (nothing if not watched; nldump_close() does it too). */
void nldump_unwatch(struct nldump *);
/*
 * Run these requests (at most NLDUMP_MAX_REQS, copied) on a thread, calling
 * msg for every reply and end after the last.  0, or -1 with errno (no thread).
 */
int nldump_start(struct nldump *, const struct nldump_req *reqs, size_t n, nldump_msg_fn msg,
    nldump_end_fn end, void *arg);
int nldump_running(const struct nldump *);
/*
 * The fd is readable: join the thread.  1 with its *result when a dump had
 * finished, 0 when none had (a spurious wake-up).
 */
int nldump_join(struct nldump *, struct nldump_result *result);

#endif
