/* rtnetlink requests, synchronous and asynchronous: see nlreq.h. */
#include "config.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "lib/log.h"
#include "route/nlreq.h"
#include "lib/vec.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NLREQ_BUF (64 << 10)

struct nlreq {
	struct nl_sock *sk;
	uint8_t *buf;
	struct timespec budget_end;   /* tv_sec 0: no budget */
	const struct nlreq_ops *fake; /* tests: requests go there, not to a socket */
	void *fake_arg;
	struct inflight *fl; /* asynchronous requests not completed yet, oldest first */
	size_t nfl, flcap;
};

/* An asynchronous request in flight. */
struct inflight {
	uint32_t seq;
	int (*fn)(struct nlmsghdr *, void *); /* each message before the ack (echo) */
	void *fn_arg;
	nlreq_done_fn done;
	void *arg;
	int answered; /* fake handle: rc and err hold the answer */
	int rc;
	char err[NLREQ_ERRLEN];
};

struct nlreq *
nlreq_fake(const struct nlreq_ops *ops, void *arg)
{
	struct nlreq *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	q->fake = ops;
	q->fake_arg = arg;
	return q;
}

struct nlreq *
nlreq_open(void)
{
	struct nlreq *q = calloc(1, sizeof(*q));
	int one = 1, err;

	if (q == NULL || (q->buf = malloc(NLREQ_BUF)) == NULL ||
	    (q->sk = nl_socket_alloc()) == NULL)
		goto fail;
	nl_socket_disable_seq_check(q->sk);
	if ((err = nl_connect(q->sk, NETLINK_ROUTE)) < 0) {
		log_err("netlink", "cannot open the request socket: %s", nl_geterror(err));
		goto fail;
	}
	/* The kernel's own words for a refusal, without an echo of our request. */
	setsockopt(nl_socket_get_fd(q->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(q->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Dump filters (table, protocol, interface) are applied in the kernel only with this. */
	setsockopt(nl_socket_get_fd(q->sk), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	return q;
fail:
	nlreq_close(q);
	return NULL;
}

void
nlreq_close(struct nlreq *q)
{
	if (q == NULL)
		return;
	if (q->sk != NULL)
		nl_socket_free(q->sk);
	free(q->fl);
	free(q->buf);
	free(q);
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
nlreq_budget(struct nlreq *q, unsigned ms)
{
	if (ms == 0)
		q->budget_end.tv_sec = 0;
	else
		deadline_in(&q->budget_end, ms);
}

static _Atomic unsigned long foreign_drops;
static _Atomic uint32_t foreign_port;

int
nlreq_from_kernel(const struct sockaddr_nl *sa, size_t addrlen)
{
	return addrlen >= sizeof(*sa) && sa->nl_family == AF_NETLINK && sa->nl_pid == 0;
}

void
nlreq_log_foreign(void)
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
nlreq_foreign_drops(void)
{
	return foreign_drops;
}

ssize_t
nlreq_recv_kernel(int fd, void *buf, size_t len, int log)
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
		    nlreq_from_kernel(&sa, mh.msg_namelen))
			return n;
		foreign_drops++;
		foreign_port = sa.nl_pid;
		if (log)
			nlreq_log_foreign();
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
transact(struct nlreq *q, struct nl_msg *msg, int (*fn)(struct nlmsghdr *, void *), void *arg,
    char *err, size_t errlen)
{
	int fd = nl_socket_get_fd(q->sk), rc;
	uint32_t seq = nl_socket_use_seq(q->sk);
	struct timespec deadline;
	int fnerr = 0;

	nlmsg_hdr(msg)->nlmsg_seq = seq;
	if ((rc = nl_send_auto(q->sk, msg)) < 0) {
		if (err != NULL)
			snprintf(err, errlen, "netlink send: %s", nl_geterror(rc));
		return -EIO;
	}
	deadline_in(&deadline, NLREQ_TIMEOUT_MS);
	if (q->budget_end.tv_sec != 0 && ms_left(&q->budget_end) < ms_left(&deadline))
		deadline = q->budget_end;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = ms_left(&deadline);
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (left <= 0 || (rc = poll(&p, 1, (int)left)) == 0) {
			if (err != NULL && q->budget_end.tv_sec != 0 &&
			    ms_left(&q->budget_end) <= 0)
				snprintf(err, errlen,
				    "no answer from the kernel within the SET's "
				    "time budget");
			else if (err != NULL)
				snprintf(err, errlen, "no answer from the kernel within %d ms",
				    NLREQ_TIMEOUT_MS);
			return -ETIMEDOUT;
		}
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = nlreq_recv_kernel(fd, q->buf, NLREQ_BUF, 1);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (err != NULL)
				snprintf(err, errlen, "netlink receive: %s", strerror(errno));
			return -errno;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)q->buf; nlmsg_ok(nlh, len);
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

static struct nl_msg *route_msg(int cmd, int flags, const struct route *r);

/*
 * Send a built request (NULL: it could not be built, out of memory) and
 * read the answer; fn sees what the kernel sends back before the ack.
 */
static int
send_built(struct nlreq *q, struct nl_msg *msg, int (*fn)(struct nlmsghdr *, void *), void *arg,
    char *err, size_t errlen)
{
	int rc = -ENOMEM;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (msg != NULL)
		rc = transact(q, msg, fn, arg, err, errlen);
	if (rc == -ENOMEM && err != NULL && err[0] == '\0')
		snprintf(err, errlen, "out of memory");
	nlmsg_free(msg);
	return rc;
}

/* A request about the route r describes. */
static int
route_request(struct nlreq *q, int cmd, int flags, const struct route *r,
    int (*fn)(struct nlmsghdr *, void *), void *arg, char *err, size_t errlen)
{
	return send_built(q, route_msg(cmd, flags, r), fn, arg, err, errlen);
}

int
nlreq_route(struct nlreq *q, int cmd, int flags, const struct route *r, char *err, size_t errlen)
{
	if (q->fake != NULL)
		return q->fake->route(q->fake_arg, cmd, flags, r, err, errlen);
	return route_request(q, cmd, flags, r, NULL, NULL, err, errlen);
}

void
nlroute_free(struct nlroute *k)
{
	free(k->msg);
	k->msg = NULL;
}

static int
keep_msg(struct nlmsghdr *nlh, struct nlroute *out)
{
	if (out->msg != NULL)
		return 0;
	if ((out->msg = malloc(nlh->nlmsg_len)) == NULL)
		return -ENOMEM;
	memcpy(out->msg, nlh, nlh->nlmsg_len);
	return 0;
}

static int
echo_msg(struct nlmsghdr *nlh, void *arg)
{
	return nlh->nlmsg_type == RTM_DELROUTE ? keep_msg(nlh, arg) : 0;
}

struct fetch_acc {
	int (*match)(struct nlmsghdr *, void *);
	void *arg;
	struct nlroute *out;
};

static int
fetch_msg(struct nlmsghdr *nlh, void *arg)
{
	struct fetch_acc *acc = arg;

	if (nlh->nlmsg_type != RTM_NEWROUTE || acc->out->msg != NULL || !acc->match(nlh, acc->arg))
		return 0;
	return keep_msg(nlh, acc->out);
}

/* The dump request of nlreq_route_fetch_async(); NULL out of memory. */
static struct nl_msg *
fetch_msg_new(uint32_t table, uint8_t proto, int32_t oif)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET,
		.rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC,
		.rtm_protocol = proto,
	};
	struct nl_msg *msg;

	if ((msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP)) == NULL)
		return NULL;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, table) < 0 ||
	    (oif > 0 && nla_put_u32(msg, RTA_OIF, (uint32_t)oif) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Attributes of a kept route that a request must not carry. */
static int
skip_attr(const struct nlattr *a, int has_nh_id, const uint32_t *metric)
{
	switch (nla_type(a)) {
	case RTA_CACHEINFO: /* state the kernel reports */ return 1;
	case RTA_PRIORITY: return metric != NULL;
	case RTA_GATEWAY:
	case RTA_VIA:
	case RTA_OIF:
	case RTA_MULTIPATH:
	case RTA_ENCAP:
	case RTA_ENCAP_TYPE:
		/* The kernel expands a nexthop object into these, and refuses them beside RTA_NH_ID. */
		return has_nh_id;
	default: return 0;
	}
}

/*
 * A request (cmd, flags) made from a kept route: the same header and
 * attributes, but no state the kernel reports and refuses back (dead,
 * linkdown, offload flags; RTA_CACHEINFO), and *metric if given.
 */
static struct nl_msg *
kept_msg(int cmd, int flags, const struct nlroute *k, const uint32_t *metric)
{
	struct rtmsg rtm;
	struct nlattr *a;
	struct nl_msg *msg;
	int rem, has_nh_id = nlmsg_find_attr(k->msg, sizeof(rtm), RTA_NH_ID) != NULL;

	memcpy(&rtm, nlmsg_data(k->msg), sizeof(rtm));
	rtm.rtm_flags &= RTNH_F_ONLINK;
	if ((msg = nlmsg_alloc_simple(cmd, NLM_F_REQUEST | NLM_F_ACK | flags)) == NULL)
		return NULL;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0)
		goto fail;
	nlmsg_for_each_attr (a, k->msg, sizeof(rtm), rem) {
		if (skip_attr(a, has_nh_id, metric))
			continue;
		if (nla_put(msg, a->nla_type, nla_len(a), nla_data(a)) < 0)
			goto fail;
	}
	if (metric != NULL && nla_put_u32(msg, RTA_PRIORITY, *metric) < 0)
		goto fail;
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

/* The request for the route r describes; NULL out of memory. */
static struct nl_msg *
route_msg(int cmd, int flags, const struct route *r)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET,
		.rtm_dst_len = r->plen,
		.rtm_tos = r->tos,
		.rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC,
		.rtm_protocol = r->proto,
		.rtm_scope = r->scope,
		.rtm_type = r->type,
		.rtm_flags = (r->flags & ROUTE_F_ONLINK) ? RTNH_F_ONLINK : 0,
	};
	struct nl_msg *msg;

	if ((msg = nlmsg_alloc_simple(cmd, NLM_F_REQUEST | NLM_F_ACK | flags)) == NULL)
		return NULL;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, r->table) < 0 ||
	    nla_put_u32(msg, RTA_DST, htonl(r->dst)) < 0 ||
	    nla_put_u32(msg, RTA_PRIORITY, r->metric) < 0 ||
	    (r->ifindex > 0 && nla_put_u32(msg, RTA_OIF, (uint32_t)r->ifindex) < 0) ||
	    ((r->flags & ROUTE_F_GATEWAY) &&
		nla_put_u32(msg, RTA_GATEWAY, htonl(r->nexthop)) < 0) ||
	    (!(r->flags & ROUTE_F_GATEWAY) && r->nexthop != 0 &&
		nla_put_u32(msg, RTA_PREFSRC, htonl(r->nexthop)) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* ---- asynchronous requests ------------------------------------------------ */

int
nlreq_fd(const struct nlreq *q)
{
	return q->sk != NULL ? nl_socket_get_fd(q->sk) : -1;
}

size_t
nlreq_inflight(const struct nlreq *q)
{
	return q->nfl;
}

static struct inflight *
inflight_add(struct nlreq *q, nlreq_done_fn done, void *arg)
{
	struct inflight *f;

	if (vec_reserve(&q->fl, &q->flcap, q->nfl, sizeof(*q->fl), 4) < 0)
		return NULL;
	f = &q->fl[q->nfl++];
	memset(f, 0, sizeof(*f));
	f->done = done;
	f->arg = arg;
	return f;
}

/* Remove request i and complete it (done may send the next request). */
static void
complete(struct nlreq *q, size_t i, int rc, const char *err)
{
	struct inflight f = q->fl[i];

	vec_remove_at(q->fl, &q->nfl, sizeof(*q->fl), i);
	f.done(f.arg, rc, err);
}

/* The budget (nlreq_budget()) is spent: requests fail at once, as synchronous ones do. */
static int
spent(const struct nlreq *q, char *err, size_t errlen)
{
	if (q->budget_end.tv_sec == 0 || ms_left(&q->budget_end) > 0)
		return 0;
	snprintf(err, errlen, "no answer from the kernel within the SET's time budget");
	return 1;
}

/* Send a built request (NULL: out of memory) without waiting for the answer. */
static int
send_async(struct nlreq *q, struct nl_msg *msg, int (*fn)(struct nlmsghdr *, void *), void *fn_arg,
    nlreq_done_fn done, void *arg, char *err, size_t errlen)
{
	struct inflight *f;
	int rc;

	if (spent(q, err, errlen)) {
		nlmsg_free(msg);
		return -ETIMEDOUT;
	}
	if (msg == NULL || (f = inflight_add(q, done, arg)) == NULL) {
		nlmsg_free(msg);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	f->seq = nl_socket_use_seq(q->sk);
	f->fn = fn;
	f->fn_arg = fn_arg;
	nlmsg_hdr(msg)->nlmsg_seq = f->seq;
	rc = nl_send_auto(q->sk, msg);
	nlmsg_free(msg);
	if (rc < 0) {
		q->nfl--;
		snprintf(err, errlen, "netlink send: %s", nl_geterror(rc));
		return -EIO;
	}
	return 0;
}

/* A fake handle: ask the fake now, answer at the next nlreq_input(). */
static int
fake_async(struct nlreq *q, int rc, const char *err, nlreq_done_fn done, void *arg, char *errbuf,
    size_t errlen)
{
	struct inflight *f;

	if (spent(q, errbuf, errlen))
		return -ETIMEDOUT;
	if ((f = inflight_add(q, done, arg)) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	f->answered = rc != NLREQ_FAKE_SILENT;
	f->rc = rc;
	snprintf(f->err, sizeof(f->err), "%s", rc < 0 ? err : "");
	return 0;
}

/* One answer message for the request at i: 1 when it is complete. */
static int
answer(struct nlreq *q, size_t i, struct nlmsghdr *nlh)
{
	struct inflight *f = &q->fl[i];
	char err[NLREQ_ERRLEN] = "";

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = nlmsg_data(nlh);

		if (e->error != 0)
			ack_text(nlh, e->error, err, sizeof(err));
		complete(q, i, e->error != 0 ? e->error : f->rc, err);
		return 1;
	}
	if (nlh->nlmsg_type == NLMSG_DONE) {
		complete(q, i, f->rc, "");
		return 1;
	}
	if (f->fn != NULL && f->rc == 0)
		f->rc = f->fn(nlh, f->fn_arg);
	return 0;
}

static void
fake_input(struct nlreq *q)
{
	/*
	 * The answers to the requests in flight now, oldest first; a request an
	 * answer sends waits for the next call, as a kernel's answer would.
	 */
	size_t n = q->nfl;

	for (size_t i = 0; i < q->nfl && n > 0; n--) {
		char err[NLREQ_ERRLEN];
		int rc = q->fl[i].rc;

		if (!q->fl[i].answered) {
			i++;
			continue;
		}
		snprintf(err, sizeof(err), "%s", q->fl[i].err);
		complete(q, i, rc, err);
	}
}

void
nlreq_input(struct nlreq *q)
{
	if (q->fake != NULL) {
		fake_input(q);
		return;
	}
	/* Bounded, as every read in the loop: what is left keeps the fd readable. */
	for (int reads = 0; reads < 16; reads++) {
		ssize_t n = nlreq_recv_kernel(nl_socket_get_fd(q->sk), q->buf, NLREQ_BUF, 1);
		struct nlmsghdr *nlh;
		int len;

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn_errno("netlink", "request socket");
			return;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)q->buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			size_t i;

			for (i = 0; i < q->nfl && q->fl[i].seq != nlh->nlmsg_seq; i++)
				;
			if (i < q->nfl) /* else an answer to a request abandoned */
				answer(q, i, nlh);
		}
	}
}

void
nlreq_abandon(struct nlreq *q, int rc, const char *err)
{
	/* The time is up: what the phase would send next fails at once, as a budget spent. */
	if (q->budget_end.tv_sec != 0)
		clock_gettime(CLOCK_MONOTONIC, &q->budget_end);
	while (q->nfl > 0)
		complete(q, 0, rc, err);
}

int
nlreq_route_async(struct nlreq *q, int cmd, int flags, const struct route *r, nlreq_done_fn done,
    void *arg, char *err, size_t errlen)
{
	if (q->fake != NULL) {
		char e[NLREQ_ERRLEN] = "";

		if (spent(q, err, errlen))
			return -ETIMEDOUT; /* as a socket's request: not sent */
		return fake_async(q, q->fake->route(q->fake_arg, cmd, flags, r, e, sizeof(e)), e,
		    done, arg, err, errlen);
	}
	return send_async(q, route_msg(cmd, flags, r), NULL, NULL, done, arg, err, errlen);
}

int
nlreq_route_delete_async(struct nlreq *q, const struct route *r, struct nlroute *gone,
    nlreq_done_fn done, void *arg, char *err, size_t errlen)
{
	nlroute_free(gone);
	if (q->fake != NULL) {
		char e[NLREQ_ERRLEN] = "";

		if (spent(q, err, errlen))
			return -ETIMEDOUT; /* as a socket's request: not sent */
		return fake_async(q, q->fake->route_delete(q->fake_arg, r, gone, e, sizeof(e)), e,
		    done, arg, err, errlen);
	}
	return send_async(q, route_msg(RTM_DELROUTE, NLM_F_ECHO, r), echo_msg, gone, done, arg, err,
	    errlen);
}

/* A kept route's message, or NULL with err. */
static int
kept_ok(const struct nlroute *k, char *err, size_t errlen)
{
	if (k->msg == NULL || k->msg->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg))) {
		snprintf(err, errlen, "no kept route");
		return -EINVAL;
	}
	return 0;
}

int
nlreq_route_restore_async(struct nlreq *q, const struct nlroute *k, const uint32_t *metric,
    nlreq_done_fn done, void *arg, char *err, size_t errlen)
{
	int rc;

	if (q->fake != NULL) {
		char e[NLREQ_ERRLEN] = "";

		if (spent(q, err, errlen))
			return -ETIMEDOUT; /* as a socket's request: not sent */
		return fake_async(q, q->fake->route_restore(q->fake_arg, k, metric, e, sizeof(e)),
		    e, done, arg, err, errlen);
	}
	if ((rc = kept_ok(k, err, errlen)) < 0)
		return rc;
	return send_async(q, kept_msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, k, metric), NULL,
	    NULL, done, arg, err, errlen);
}

int
nlreq_route_delete_kept_async(struct nlreq *q, const struct nlroute *k, const uint32_t *metric,
    struct nlroute *gone, nlreq_done_fn done, void *arg, char *err, size_t errlen)
{
	int rc;

	if (gone != NULL)
		nlroute_free(gone);
	if (q->fake != NULL) {
		char e[NLREQ_ERRLEN] = "";

		if (spent(q, err, errlen))
			return -ETIMEDOUT; /* as a socket's request: not sent */
		return fake_async(q,
		    q->fake->route_delete_kept(q->fake_arg, k, metric, gone, e, sizeof(e)), e, done,
		    arg, err, errlen);
	}
	if ((rc = kept_ok(k, err, errlen)) < 0)
		return rc;
	return send_async(q, kept_msg(RTM_DELROUTE, gone != NULL ? NLM_F_ECHO : 0, k, metric),
	    gone != NULL ? echo_msg : NULL, gone, done, arg, err, errlen);
}

/* A fetch in flight: the accumulator and the caller's completion. */
struct fetch_req {
	struct fetch_acc acc;
	nlreq_done_fn done;
	void *arg;
};

static void
fetch_done(void *arg, int rc, const char *err)
{
	struct fetch_req f = *(struct fetch_req *)arg;
	char why[NLREQ_ERRLEN];

	free(arg);
	if (rc == 0 && f.acc.out->msg == NULL)
		rc = -ESRCH;
	snprintf(why, sizeof(why), "%s", err);
	if (rc < 0 && rc != -ETIMEDOUT)
		snprintf(why, sizeof(why), "%s",
		    rc == -ESRCH ? "the kernel has no such route" : strerror(-rc));
	if (rc < 0)
		nlroute_free(f.acc.out);
	f.done(f.arg, rc, why);
}

int
nlreq_route_fetch_async(struct nlreq *q, uint32_t table, uint8_t proto, int32_t oif,
    int (*match)(struct nlmsghdr *, void *), void *marg, struct nlroute *out, nlreq_done_fn done,
    void *arg, char *err, size_t errlen)
{
	struct fetch_req *f;
	int rc;

	nlroute_free(out);
	if (q->fake != NULL) {
		char e[NLREQ_ERRLEN] = "";

		if (spent(q, err, errlen))
			return -ETIMEDOUT; /* as a socket's request: not sent */
		return fake_async(q,
		    q->fake->route_fetch(q->fake_arg, table, proto, oif, match, marg, out, e,
			sizeof(e)),
		    e, done, arg, err, errlen);
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*f = (struct fetch_req){ { match, marg, out }, done, arg };
	rc = send_async(q, fetch_msg_new(table, proto, oif), fetch_msg, &f->acc, fetch_done, f,
	    err, errlen);
	if (rc < 0)
		free(f);
	return rc;
}
