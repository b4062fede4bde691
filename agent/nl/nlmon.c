/* The event socket: see nlmon.h. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "lib/log.h"
#include "nl/nlmon.h"
#include "nl/nlsock.h"
#include "snmp/loop.h"

#define RECV_BUF        (256 << 10)
#define MAX_CONSUMERS   8
#define NLMON_DRAIN_MAX 1024 /* datagrams of RECV_BUF: 256 MB, beyond any event buffer */

struct nlmon {
	struct nl_sock *sk;
	uint8_t *buf;
	unsigned rcvbuf;
	uint64_t overruns;
	struct nlmon_sub sub[MAX_CONSUMERS];
	unsigned nsub;
	struct loop_fd lfd; /* nlmon_start() */
};

static int
set_rcvbuf(struct nl_sock *sk, int bytes)
{
	int fd = nl_socket_get_fd(sk);

	/* SO_RCVBUFFORCE goes past net.core.rmem_max (CAP_NET_ADMIN); else take what we get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

struct nl_sock *
nl_route_socket(int rcvbuf)
{
	struct nl_sock *sk = nl_route_connect("a netlink socket");

	if (sk == NULL)
		return NULL;
	set_rcvbuf(sk, rcvbuf);
	nl_socket_set_nonblocking(sk);
	return sk;
}

struct nlmon *
nlmon_new(unsigned rcvbuf)
{
	struct nlmon *mon = calloc(1, sizeof(*mon));

	if (mon != NULL)
		mon->rcvbuf = rcvbuf ? rcvbuf : NLMON_EVENT_BUFFER;
	return mon;
}

void
nlmon_free(struct nlmon *mon)
{
	if (mon == NULL)
		return;
	if (mon->sk != NULL)
		nl_socket_free(mon->sk);
	free(mon->buf);
	free(mon);
}

static int
join(struct nlmon *mon, const struct nlmon_sub *s)
{
	for (unsigned i = 0; i < NLMON_MAX_GROUPS && s->groups[i] != 0; i++) {
		int err = nl_socket_add_memberships(mon->sk, (int)s->groups[i], 0);

		if (err < 0) {
			log_err("netlink", "cannot subscribe to group %u: %s", s->groups[i],
			    nl_geterror(err));
			errno = EPROTO;
			return -1;
		}
	}
	return 0;
}

int
nlmon_subscribe(struct nlmon *mon, const struct nlmon_sub *s)
{
	if (mon->nsub == MAX_CONSUMERS) {
		errno = ENOSPC;
		return -1;
	}
	mon->sub[mon->nsub++] = *s;
	return mon->sk != NULL ? join(mon, s) : 0;
}

int
nlmon_open(struct nlmon *mon)
{
	if (mon->sk != NULL)
		return 0;
	if ((mon->buf = malloc(RECV_BUF)) == NULL)
		return -1;
	if ((mon->sk = nl_route_socket((int)mon->rcvbuf)) == NULL)
		return -1;
	nl_socket_disable_seq_check(mon->sk);
	/* Subscribe before anyone dumps, so that nothing between a dump and the events is lost. */
	for (unsigned i = 0; i < mon->nsub; i++)
		if (join(mon, &mon->sub[i]) < 0)
			return -1;
	return 0;
}

int
nlmon_fd(const struct nlmon *mon)
{
	return mon->sk != NULL ? nl_socket_get_fd(mon->sk) : -1;
}

uint64_t
nlmon_overruns(const struct nlmon *mon)
{
	return mon->overruns;
}

static int
wants(const struct nlmon_sub *s, uint16_t type)
{
	for (unsigned i = 0; i < NLMON_MAX_TYPES && s->types[i] != 0; i++)
		if (s->types[i] == type)
			return 1;
	return 0;
}

void
nlmon_dispatch(struct nlmon *mon, struct nlmsghdr *nlh)
{
	for (unsigned i = 0; i < mon->nsub; i++)
		if (wants(&mon->sub[i], nlh->nlmsg_type))
			mon->sub[i].msg(nlh, mon->sub[i].arg);
}

void
nlmon_lost(struct nlmon *mon)
{
	for (unsigned i = 0; i < mon->nsub; i++)
		if (mon->sub[i].lost != NULL)
			mon->sub[i].lost(mon->sub[i].arg);
}

/*
 * Receive one datagram and dispatch it (or drop it): 1 when one was read, 0
 * when none, -errno on error.
 */
static int
recv_batch(struct nlmon *mon, int dispatch)
{
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	do
		n = nlsock_recv_kernel(nl_socket_get_fd(mon->sk), mon->buf, RECV_BUF, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	len = (int)n;
	for (nlh = (struct nlmsghdr *)mon->buf; dispatch && nlmsg_ok(nlh, len);
	     nlh = nlmsg_next(nlh, &len))
		nlmon_dispatch(mon, nlh);
	return 1;
}

/*
 * After an overrun, what is still queued on the socket is older than the
 * re-dumps that follow, and the events after it were lost: replayed over a
 * dump, it would put back a state that a lost event had changed (an alias
 * set 1,500 times kept its third value).  Dropped, bounded by
 * NLMON_DRAIN_MAX datagrams; what comes later is newer than nothing the
 * dumps miss.
 */
static void
drain(struct nlmon *mon)
{
	for (int reads = 0; reads < NLMON_DRAIN_MAX; reads++) {
		int rc = recv_batch(mon, 0);

		if (rc == 0 || (rc < 0 && rc != -ENOBUFS))
			return;
	}
}

void
nlmon_read(struct nlmon *mon)
{
	if (mon->sk == NULL)
		return;
	nlsock_log_foreign(); /* what the dump threads dropped */
	for (int reads = 0; reads < NLMON_READS_PER_WAKEUP; reads++) {
		int rc = recv_batch(mon, 1);

		if (rc == -ENOBUFS) {
			/* Events were lost: only fresh dumps can repair (netlink(7): ENOBUFS). */
			mon->overruns++;
			log_warn("netlink", "event socket overrun: events lost, re-dumping");
			drain(mon);
			nlmon_lost(mon);
			continue;
		}
		if (rc < 0)
			log_warn("netlink", "event socket: %s", strerror(-rc));
		if (rc <= 0)
			return;
	}
}

/* ---- the queue of a busy consumer --------------------------------------- */

int
nlqueue_push(struct nlqueue *q, const struct nlmsghdr *nlh)
{
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

	if (q->max != 0 && q->len + len > q->max) {
		errno = ENOBUFS;
		return -1;
	}
	if (q->len + len > q->cap) {
		size_t cap = q->cap ? q->cap : 1 << 16;
		uint8_t *b;

		while (cap < q->len + len)
			cap *= 2;
		if ((b = realloc(q->buf, cap)) == NULL)
			return -1;
		q->buf = b;
		q->cap = cap;
	}
	memcpy(q->buf + q->len, nlh, nlh->nlmsg_len);
	q->len += len;
	return 0;
}

void
nlqueue_replay(struct nlqueue *q, nlmon_msg_fn fn, void *arg)
{
	for (size_t off = 0; off < q->len;) {
		struct nlmsghdr *nlh = (void *)(q->buf + off);

		fn(nlh, arg);
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	nlqueue_clear(q);
}

void
nlqueue_clear(struct nlqueue *q)
{
	q->len = 0;
	/* A burst's queue is big and rare: give it back. */
	if (q->cap > (1u << 20)) {
		free(q->buf);
		q->buf = NULL;
		q->cap = 0;
	}
}

void
nlqueue_free(struct nlqueue *q)
{
	free(q->buf);
	q->buf = NULL;
	q->len = q->cap = 0;
}

static void
readable(void *arg)
{
	nlmon_read(arg);
}

int
nlmon_start(struct nlmon *mon)
{
	return loop_fd_add(&mon->lfd, nlmon_fd(mon), readable, mon);
}

void
nlmon_stop(struct nlmon *mon)
{
	loop_fd_remove(&mon->lfd);
}
