/*
 * Request sockets: rtnetlink requests on a socket of their own (never the
 * event or dump socket, libnl issue 268), answered synchronously (a bounded
 * wait) or asynchronously (completed from the loop when the answer comes).
 * What a request says is the caller's (route/nlreq.c builds route
 * requests); here are the socket, sequence numbers, the kernel's acks and
 * extended acks, the requests in flight and their completion, and a time
 * budget over them.
 *
 * Only the kernel speaks for the routing table.  A netlink socket takes
 * datagrams from anyone allowed to send to it: a process with CAP_NET_ADMIN
 * can unicast to our port id, or send to a group we joined, a forged
 * RTM_NEWROUTE or a forged ack (issue 9, item 4).  nlsock_recv_kernel()
 * serves the event, dump and request sockets alike.
 */
#ifndef CIMR_NLSOCK_H
#define CIMR_NLSOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct nlmsghdr;
struct nl_msg;
struct nl_sock;
struct sockaddr_nl;

#define NLSOCK_TIMEOUT_MS 5000 /* a synchronous request's longest wait */
#define NLSOCK_ERRLEN     128

/* Each message of the answer before its ack or NLMSG_DONE: 0, or -errno (kept as the result). */
typedef int (*nlsock_msg_fn)(struct nlmsghdr *, void *arg);
/* An asynchronous request completed: 0 or -errno, and the kernel's message. */
typedef void (*nlsock_done_fn)(void *arg, int rc, const char *err);

struct nlsock;

/* A request socket (extended acks, capped acks, strict dump checking).  NULL on failure. */
struct nlsock *nlsock_open(void);
/*
 * A connected NETLINK_ROUTE socket (every socket of the agent starts so:
 * nlsock_open(), nl_route_socket()); NULL with errno, logged as "cannot
 * open what".
 */
struct nl_sock *nl_route_connect(const char *what);
/* Without a socket: answers come from nlsock_answer_later() (a fake kernel; tests). */
struct nlsock *nlsock_fake(void);
void nlsock_close(struct nlsock *);
int nlsock_fd(const struct nlsock *); /* -1 without a socket */

/*
 * Bound the kernel waits of the requests that follow to ms milliseconds in
 * all (0: no bound beyond NLSOCK_TIMEOUT_MS each), so that one SET phase
 * stays within the master's agentXTimeout however slow the kernel is.
 */
void nlsock_budget(struct nlsock *, unsigned ms);
/* 1 (err filled) if the budget is spent: a request must not be sent. */
int nlsock_spent(const struct nlsock *, char *err, size_t errlen);

/*
 * Send msg (NULL: it could not be built, out of memory; freed here either
 * way) and wait for the answer, within the budget: fn sees each message
 * before the ack.  0 or -errno, with the kernel's message in err.
 */
int nlsock_transact(struct nlsock *, struct nl_msg *msg, nlsock_msg_fn fn, void *fn_arg, char *err,
    size_t errlen);
/*
 * Send msg (as above) without waiting: done(arg, ...) is called when
 * nlsock_input() reads the answer, never from inside this call.  0 when
 * sent, or -errno with err filled (nothing will be called).
 */
int nlsock_send(struct nlsock *, struct nl_msg *msg, nlsock_msg_fn fn, void *fn_arg,
    nlsock_done_fn done, void *arg, char *err, size_t errlen);
/*
 * A fake kernel's answer, given now, delivered at the next nlsock_input()
 * as a socket's would be; rc NLSOCK_SILENT: never answered.  0, or -errno
 * with errbuf filled (the budget is spent; out of memory).
 */
#define NLSOCK_SILENT 1
int nlsock_answer_later(struct nlsock *, int rc, const char *err, nlsock_done_fn done, void *arg,
    char *errbuf, size_t errlen);
/* The fd is readable (or, without a socket, any time): complete the answered requests. */
void nlsock_input(struct nlsock *);
/* Requests sent and not answered yet. */
size_t nlsock_inflight(const struct nlsock *);
/*
 * Complete every request in flight now with rc and err; their answers will
 * be dropped.  A budget is spent: the requests that follow fail at once
 * until the next nlsock_budget().
 */
void nlsock_abandon(struct nlsock *, int rc, const char *err);

/* 1 if the sender's address is the kernel's (AF_NETLINK, port id 0). */
int nlsock_from_kernel(const struct sockaddr_nl *, size_t addrlen);
/*
 * recv(fd, buf, len, MSG_DONTWAIT) of a datagram sent by the kernel: others
 * are dropped and counted (so -1 with EAGAIN may follow, also after 64 of
 * them in a row, for the caller to poll again).  log: whether this
 * thread may log (the dump thread does not); the count is logged at most
 * once a minute.
 */
ssize_t nlsock_recv_kernel(int fd, void *buf, size_t len, int log);
/* Log the datagrams dropped since the last line, at most once a minute. */
void nlsock_log_foreign(void);
/* Datagrams dropped so far for not coming from the kernel. */
unsigned long nlsock_foreign_drops(void);

#endif
