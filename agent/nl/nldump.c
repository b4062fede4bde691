/* The dump thread: see nldump.h. */
#include "config.h"

#include <errno.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl/nldump.h"
#include "nl/nlmon.h"
#include "nl/nlsock.h"

#define RECV_BUF        (256 << 10)
#define DUMP_TIMEOUT_MS 30000 /* a dump: silence this long is a failure */

struct nldump {
	struct nl_sock *sk;
	uint8_t *buf;
	int done_fd;
	struct loop_fd watch; /* done_fd in the loop (nldump_watch()) */
	int running;
	pthread_t thread;
	/* Set by nldump_start(), read by the thread. */
	struct nldump_req reqs[NLDUMP_MAX_REQS];
	size_t nreqs;
	nldump_msg_fn msg;
	nldump_end_fn end;
	void *arg;
	/* Written by the thread, read by the loop once joined. */
	uint32_t seq;
	struct nldump_result res;
};

static int
send_req(struct nldump *d, const struct nldump_req *rq)
{
	struct rtgenmsg gen = { .rtgen_family = rq->family };
	struct nhmsg nhm = { .nh_family = rq->family };
	void *hdr = rq->type == RTM_GETNEXTHOP ? (void *)&nhm : (void *)&gen;
	size_t hlen = rq->type == RTM_GETNEXTHOP ? sizeof(nhm) : sizeof(gen);
	struct nl_msg *msg;
	int err = -NLE_NOMEM;

	if ((msg = nlmsg_alloc_simple(rq->type, NLM_F_REQUEST | NLM_F_DUMP)) != NULL &&
	    (err = nlmsg_append(msg, hdr, hlen, NLMSG_ALIGNTO)) == 0) {
		/* Our own sequence number, to tell this dump's replies from a stale one's. */
		nlmsg_hdr(msg)->nlmsg_seq = d->seq = nl_socket_use_seq(d->sk);
		err = nl_send(d->sk, msg);
	}
	nlmsg_free(msg);
	if (err < 0) {
		snprintf(d->res.err, sizeof(d->res.err), "dump request: %s", nl_geterror(err));
		return -1;
	}
	return 0;
}

/* One message of the reply: 1 at its end, -1 on failure, 0 to go on. */
static int
reply_msg(struct nldump *d, const struct nldump_req *rq, struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_seq != d->seq)
		return 0; /* a reply to an earlier, failed dump */
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		d->res.intr = 1;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		/* The kernel puts the dump's own error, if any, in NLMSG_DONE. */
		if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) && *(int *)nlmsg_data(nlh) < 0) {
			snprintf(d->res.err, sizeof(d->res.err), "dump cut short: %s",
			    strerror(-*(int *)nlmsg_data(nlh)));
			return -1;
		}
		return 1;
	}
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = nlmsg_data(nlh);

		snprintf(d->res.err, sizeof(d->res.err), "dump failed: %s", strerror(-e->error));
		return -1;
	}
	d->msg(rq, nlh, d->arg);
	return 0;
}

/* Receive the replies to the request just sent: 0 at its end, -1 on failure. */
static int
recv_reply(struct nldump *d, const struct nldump_req *rq)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(d->sk), .events = POLLIN };

	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n;
		int len, rc, ready = poll(&pfd, 1, DUMP_TIMEOUT_MS);

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			snprintf(d->res.err, sizeof(d->res.err), "dump: %s",
			    ready == 0 ? "no answer from the kernel" : strerror(errno));
			return -1;
		}
		n = nlsock_recv_kernel(pfd.fd, d->buf, RECV_BUF, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			snprintf(d->res.err, sizeof(d->res.err), "dump socket: %s",
			    strerror(errno));
			return -1;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)d->buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len))
			if ((rc = reply_msg(d, rq, nlh)) != 0)
				return rc < 0 ? -1 : 0;
	}
}

static void *
dump_thread(void *arg)
{
	struct nldump *d = arg;
	uint64_t one = 1;
	size_t i;

	for (i = 0; i < d->nreqs; i++)
		if (send_req(d, &d->reqs[i]) < 0 || recv_reply(d, &d->reqs[i]) < 0)
			break;
	if (i < d->nreqs)
		d->res.failed = 1;
	else if (d->end != NULL)
		d->end(d->arg);
	while (write(d->done_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	return NULL;
}

struct nldump *
nldump_open(int rcvbuf)
{
	struct nldump *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->done_fd = -1;
	if ((d->buf = malloc(RECV_BUF)) == NULL ||
	    (d->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
	    (d->sk = nl_route_socket(rcvbuf)) == NULL) {
		nldump_close(d);
		return NULL;
	}
	return d;
}

void
nldump_close(struct nldump *d)
{
	if (d == NULL)
		return;
	nldump_unwatch(d);
	if (d->running)
		pthread_join(d->thread, NULL);
	if (d->done_fd >= 0)
		close(d->done_fd);
	if (d->sk != NULL)
		nl_socket_free(d->sk);
	free(d->buf);
	free(d);
}

int
nldump_wait(const struct nldump *d, int fd)
{
	struct pollfd pfd[2] = { { .fd = d->done_fd, .events = POLLIN },
		{ .fd = fd, .events = POLLIN } };

	if (poll(pfd, fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
		return -1;
	return 0;
}

int
nldump_watch(struct nldump *d, loop_fn fn, void *arg)
{
	return loop_fd_add(&d->watch, d->done_fd, fn, arg);
}

void
nldump_unwatch(struct nldump *d)
{
	if (d != NULL)
		loop_fd_remove(&d->watch);
}

int
nldump_running(const struct nldump *d)
{
	return d != NULL && d->running;
}

int
nldump_start(struct nldump *d, const struct nldump_req *reqs, size_t n, nldump_msg_fn msg,
    nldump_end_fn end, void *arg)
{
	sigset_t all, old;
	int err;

	if (d->running || n > NLDUMP_MAX_REQS) {
		errno = EBUSY;
		return -1;
	}
	memcpy(d->reqs, reqs, n * sizeof(*reqs));
	d->nreqs = n;
	d->msg = msg;
	d->end = end;
	d->arg = arg;
	memset(&d->res, 0, sizeof(d->res));
	/* Signals are for the loop's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&d->thread, NULL, dump_thread, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		errno = err;
		return -1;
	}
	d->running = 1;
	return 0;
}

int
nldump_join(struct nldump *d, struct nldump_result *result)
{
	uint64_t v;

	if (read(d->done_fd, &v, sizeof(v)) < 0 || !d->running)
		return 0;
	pthread_join(d->thread, NULL);
	d->running = 0;
	*result = d->res;
	return 1;
}
