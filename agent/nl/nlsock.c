/* Request sockets, synchronous and asynchronous answers: see nlsock.h. */
#include "config.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "lib/log.h"
#include "lib/vec.h"
#include "nl/nlsock.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NLSOCK_BUF (64 << 10)

struct nlsock {
	struct nl_sock *sk; /* NULL: a fake kernel answers (nlsock_answer_later()) */
	uint8_t *buf;
	struct timespec budget_end; /* tv_sec 0: no budget */
	struct inflight *fl;        /* asynchronous requests not completed yet, oldest first */
	size_t nfl, flcap;
};

/* An asynchronous request in flight. */
struct inflight {
	uint32_t seq;
	nlsock_msg_fn fn; /* each message before the ack (echo) */
	void *fn_arg;
	nlsock_done_fn done;
	void *arg;
	int answered; /* without a socket: rc and err hold the answer */
	int rc;
	char err[NLSOCK_ERRLEN];
};

struct nlsock *
nlsock_fake(void)
{
	return calloc(1, sizeof(struct nlsock));
}

struct nl_sock *
nl_route_connect(const char *what)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (sk == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		log_err("netlink", "cannot open %s: %s", what, nl_geterror(err));
		nl_socket_free(sk);
		errno = EPROTO;
		return NULL;
	}
	return sk;
}

struct nlsock *
nlsock_open(void)
{
	struct nlsock *s = calloc(1, sizeof(*s));
	int one = 1;

	if (s == NULL || (s->buf = malloc(NLSOCK_BUF)) == NULL ||
	    (s->sk = nl_route_connect("the request socket")) == NULL)
		goto fail;
	nl_socket_disable_seq_check(s->sk);
	/* The kernel's own words for a refusal, without an echo of our request. */
	setsockopt(nl_socket_get_fd(s->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(s->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Dump filters (table, protocol, interface) are applied in the kernel only with this. */
	setsockopt(nl_socket_get_fd(s->sk), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	return s;
fail:
	nlsock_close(s);
	return NULL;
}

void
nlsock_close(struct nlsock *s)
{
	if (s == NULL)
		return;
	if (s->sk != NULL)
		nl_socket_free(s->sk);
	free(s->fl);
	free(s->buf);
	free(s);
}

static void
deadline_in(struct timespec *t, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

void
nlsock_budget(struct nlsock *s, unsigned ms)
{
	if (ms == 0)
		s->budget_end.tv_sec = 0;
	else
		deadline_in(&s->budget_end, ms);
}

static _Atomic unsigned long foreign_drops;
static _Atomic uint32_t foreign_port;

int
nlsock_from_kernel(const struct sockaddr_nl *sa, size_t addrlen)
{
	return addrlen >= sizeof(*sa) && sa->nl_family == AF_NETLINK && sa->nl_pid == 0;
}

void
nlsock_log_foreign(void)
{
	static unsigned long logged;
	static time_t last;
	unsigned long n = foreign_drops;
	time_t now = time(NULL);

	if (n == logged || (last != 0 && now - last < 60))
		return;
	log_warn("netlink",
	    "dropped %lu netlink message(s) not sent by the kernel "
	    "(the last from port id %u)",
	    n - logged, (unsigned)foreign_port);
	logged = n;
	last = now;
}

unsigned long
nlsock_foreign_drops(void)
{
	return foreign_drops;
}

ssize_t
nlsock_recv_kernel(int fd, void *buf, size_t len, int log)
{
	/* A bound, so that a flood of them cannot hold the loop: the caller polls again. */
	for (int dropped = 0; dropped < 64; dropped++) {
		struct sockaddr_nl sa;
		struct iovec iov = { .iov_base = buf, .iov_len = len };
		struct msghdr mh = { .msg_name = &sa,
			.msg_namelen = sizeof(sa),
			.msg_iov = &iov,
			.msg_iovlen = 1 };
		ssize_t n;

		memset(&sa, 0, sizeof(sa));
		if ((n = recvmsg(fd, &mh, MSG_DONTWAIT)) < 0 ||
		    nlsock_from_kernel(&sa, mh.msg_namelen))
			return n;
		foreign_drops++;
		foreign_port = sa.nl_pid;
		if (log)
			nlsock_log_foreign();
	}
	errno = EAGAIN;
	return -1;
}

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* The extended ack's message, if the kernel attached one. */
static void
ack_text(struct nlmsghdr *nlh, int error, char *err, size_t errlen)
{
	struct nlmsgerr *e = nlmsg_data(nlh);
	size_t off = sizeof(*e);

	if (err == NULL || errlen == 0)
		return;
	snprintf(err, errlen, "%s", strerror(-error));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return;
	{
		struct nlattr *a = (struct nlattr *)((uint8_t *)e + NLMSG_ALIGN(off));
		int rem = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(off));

		for (; nla_ok(a, rem); a = nla_next(a, &rem))
			if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 1) {
				size_t n = strnlen(nla_data(a), (size_t)nla_len(a));

				snprintf(err, errlen, "%s (%.*s)", strerror(-error), (int)n,
				    (const char *)nla_data(a));
				return;
			}
	}
}

/*
 * Send msg and read the answer: each message of a dump to fn (if given),
 * until NLMSG_DONE or the ack.  Returns 0 or -errno.
 */
static int
transact(struct nlsock *s, struct nl_msg *msg, nlsock_msg_fn fn, void *arg, char *err,
    size_t errlen)
{
	int fd = nl_socket_get_fd(s->sk), rc;
	uint32_t seq = nl_socket_use_seq(s->sk);
	struct timespec deadline;
	int fnerr = 0;

	nlmsg_hdr(msg)->nlmsg_seq = seq;
	if ((rc = nl_send_auto(s->sk, msg)) < 0) {
		if (err != NULL)
			snprintf(err, errlen, "netlink send: %s", nl_geterror(rc));
		return -EIO;
	}
	deadline_in(&deadline, NLSOCK_TIMEOUT_MS);
	if (s->budget_end.tv_sec != 0 && ms_left(&s->budget_end) < ms_left(&deadline))
		deadline = s->budget_end;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = ms_left(&deadline);
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (left <= 0 || (rc = poll(&p, 1, (int)left)) == 0) {
			if (err != NULL && s->budget_end.tv_sec != 0 &&
			    ms_left(&s->budget_end) <= 0)
				snprintf(err, errlen,
				    "no answer from the kernel within the SET's "
				    "time budget");
			else if (err != NULL)
				snprintf(err, errlen, "no answer from the kernel within %d ms",
				    NLSOCK_TIMEOUT_MS);
			return -ETIMEDOUT;
		}
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = nlsock_recv_kernel(fd, s->buf, NLSOCK_BUF, 1);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (err != NULL)
				snprintf(err, errlen, "netlink receive: %s", strerror(errno));
			return -errno;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)s->buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq)
				continue; /* an answer to a request we gave up on */
			if (nlh->nlmsg_type == NLMSG_DONE)
				return fnerr;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = nlmsg_data(nlh);

				if (e->error != 0)
					ack_text(nlh, e->error, err, errlen);
				return e->error != 0 ? e->error : fnerr;
			}
			if (fn != NULL && fnerr == 0)
				fnerr = fn(nlh, arg);
		}
	}
}

int
nlsock_transact(struct nlsock *s, struct nl_msg *msg, nlsock_msg_fn fn, void *fn_arg, char *err,
    size_t errlen)
{
	int rc = -ENOMEM;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (msg != NULL)
		rc = transact(s, msg, fn, fn_arg, err, errlen);
	if (rc == -ENOMEM && err != NULL && err[0] == '\0')
		snprintf(err, errlen, "out of memory");
	nlmsg_free(msg);
	return rc;
}

/* ---- asynchronous requests ------------------------------------------------ */

int
nlsock_fd(const struct nlsock *s)
{
	return s->sk != NULL ? nl_socket_get_fd(s->sk) : -1;
}

size_t
nlsock_inflight(const struct nlsock *s)
{
	return s->nfl;
}

static struct inflight *
inflight_add(struct nlsock *s, nlsock_done_fn done, void *arg)
{
	struct inflight *f;

	if (vec_reserve(&s->fl, &s->flcap, s->nfl, sizeof(*s->fl), 4) < 0)
		return NULL;
	f = &s->fl[s->nfl++];
	memset(f, 0, sizeof(*f));
	f->done = done;
	f->arg = arg;
	return f;
}

/* Remove request i and complete it (done may send the next request). */
static void
complete(struct nlsock *s, size_t i, int rc, const char *err)
{
	struct inflight f = s->fl[i];

	vec_remove_at(s->fl, &s->nfl, sizeof(*s->fl), i);
	f.done(f.arg, rc, err);
}

/* The budget is spent: requests fail at once, as synchronous ones do. */
int
nlsock_spent(const struct nlsock *s, char *err, size_t errlen)
{
	if (s->budget_end.tv_sec == 0 || ms_left(&s->budget_end) > 0)
		return 0;
	snprintf(err, errlen, "no answer from the kernel within the SET's time budget");
	return 1;
}

/* Send a built request (NULL: out of memory) without waiting for the answer. */
int
nlsock_send(struct nlsock *s, struct nl_msg *msg, nlsock_msg_fn fn, void *fn_arg,
    nlsock_done_fn done, void *arg, char *err, size_t errlen)
{
	struct inflight *f;
	int rc;

	if (nlsock_spent(s, err, errlen)) {
		nlmsg_free(msg);
		return -ETIMEDOUT;
	}
	if (msg == NULL || (f = inflight_add(s, done, arg)) == NULL) {
		nlmsg_free(msg);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	f->seq = nl_socket_use_seq(s->sk);
	f->fn = fn;
	f->fn_arg = fn_arg;
	nlmsg_hdr(msg)->nlmsg_seq = f->seq;
	rc = nl_send_auto(s->sk, msg);
	nlmsg_free(msg);
	if (rc < 0) {
		s->nfl--;
		snprintf(err, errlen, "netlink send: %s", nl_geterror(rc));
		return -EIO;
	}
	return 0;
}

/* Without a socket: the answer given now is delivered at the next nlsock_input(). */
int
nlsock_answer_later(struct nlsock *s, int rc, const char *err, nlsock_done_fn done, void *arg,
    char *errbuf, size_t errlen)
{
	struct inflight *f;

	if (nlsock_spent(s, errbuf, errlen))
		return -ETIMEDOUT;
	if ((f = inflight_add(s, done, arg)) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	f->answered = rc != NLSOCK_SILENT;
	f->rc = rc;
	snprintf(f->err, sizeof(f->err), "%s", rc < 0 ? err : "");
	return 0;
}

/* One answer message for the request at i: 1 when it is complete. */
static int
answer(struct nlsock *s, size_t i, struct nlmsghdr *nlh)
{
	struct inflight *f = &s->fl[i];
	char err[NLSOCK_ERRLEN] = "";

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = nlmsg_data(nlh);

		if (e->error != 0)
			ack_text(nlh, e->error, err, sizeof(err));
		complete(s, i, e->error != 0 ? e->error : f->rc, err);
		return 1;
	}
	if (nlh->nlmsg_type == NLMSG_DONE) {
		complete(s, i, f->rc, "");
		return 1;
	}
	if (f->fn != NULL && f->rc == 0)
		f->rc = f->fn(nlh, f->fn_arg);
	return 0;
}

static void
fake_input(struct nlsock *s)
{
	/*
	 * The answers to the requests in flight now, oldest first; a request an
	 * answer sends waits for the next call, as a kernel's answer would.
	 */
	size_t n = s->nfl;

	for (size_t i = 0; i < s->nfl && n > 0; n--) {
		char err[NLSOCK_ERRLEN];
		int rc = s->fl[i].rc;

		if (!s->fl[i].answered) {
			i++;
			continue;
		}
		snprintf(err, sizeof(err), "%s", s->fl[i].err);
		complete(s, i, rc, err);
	}
}

void
nlsock_input(struct nlsock *s)
{
	if (s->sk == NULL) {
		fake_input(s);
		return;
	}
	/* Bounded, as every read in the loop: what is left keeps the fd readable. */
	for (int reads = 0; reads < 16; reads++) {
		ssize_t n = nlsock_recv_kernel(nl_socket_get_fd(s->sk), s->buf, NLSOCK_BUF, 1);
		struct nlmsghdr *nlh;
		int len;

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn_errno("netlink", "request socket");
			return;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)s->buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			size_t i;

			for (i = 0; i < s->nfl && s->fl[i].seq != nlh->nlmsg_seq; i++)
				;
			if (i < s->nfl) /* else an answer to a request abandoned */
				answer(s, i, nlh);
		}
	}
}

void
nlsock_abandon(struct nlsock *s, int rc, const char *err)
{
	/* The time is up: what the phase would send next fails at once, as a budget spent. */
	if (s->budget_end.tv_sec != 0)
		clock_gettime(CLOCK_MONOTONIC, &s->budget_end);
	while (s->nfl > 0)
		complete(s, 0, rc, err);
}
