/* Route, link and address requests, synchronous and asynchronous: see nlreq.h. */
#include "config.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl/nlsock.h"
#include "route/nlreq.h"

struct nlreq {
	struct nlsock *s;
	const struct nlreq_ops *fake; /* tests: requests go there, not to a socket */
	void *fake_arg;
	char fake_err[NLREQ_ERRLEN]; /* the fake's reason for its last answer */
};

struct nlreq *
nlreq_fake(const struct nlreq_ops *ops, void *arg)
{
	struct nlreq *q = calloc(1, sizeof(*q));

	if (q == NULL || (q->s = nlsock_fake()) == NULL) {
		free(q);
		return NULL;
	}
	q->fake = ops;
	q->fake_arg = arg;
	return q;
}

struct nlreq *
nlreq_open(void)
{
	struct nlreq *q = calloc(1, sizeof(*q));

	if (q == NULL || (q->s = nlsock_open()) == NULL) {
		free(q);
		return NULL;
	}
	return q;
}

void
nlreq_close(struct nlreq *q)
{
	if (q == NULL)
		return;
	nlsock_close(q->s);
	free(q);
}

void
nlreq_budget(struct nlreq *q, unsigned ms)
{
	nlsock_budget(q->s, ms);
}

static struct nl_msg *route_msg(int cmd, int flags, const struct route *r);
static struct nl_msg *route6_msg(int cmd, int flags, const struct route6 *r);

struct nl_msg *
nlreq_entry_msg(int family, int cmd, int flags, const void *r)
{
	return family == AF_INET ? route_msg(cmd, flags, r) : route6_msg(cmd, flags, r);
}

static int fake_route(struct nlreq *q, int family, int cmd, int flags, const void *r,
    struct nlroute *gone);

int
nlreq_route(struct nlreq *q, int family, int cmd, int flags, const void *r, char *err,
    size_t errlen)
{
	int rc;

	if (q->fake == NULL)
		return nlsock_transact(q->s, nlreq_entry_msg(family, cmd, flags, r), NULL, NULL,
		    err, errlen);
	q->fake_err[0] = '\0';
	rc = fake_route(q, family, cmd, flags, r, NULL);
	snprintf(err, errlen, "%s", q->fake_err);
	return rc;
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
fetch_msg_new(uint8_t family, uint32_t table, uint8_t proto, int32_t oif)
{
	struct rtmsg rtm = {
		.rtm_family = family,
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

int
nlreq_put_via6(struct nl_msg *msg, const uint8_t gw6[16])
{
	uint8_t v[offsetof(struct rtvia, rtvia_addr) + 16];
	__kernel_sa_family_t fam = AF_INET6;

	memcpy(v + offsetof(struct rtvia, rtvia_family), &fam, sizeof(fam));
	memcpy(v + offsetof(struct rtvia, rtvia_addr), gw6, 16);
	return nla_put(msg, RTA_VIA, (int)sizeof(v), v);
}

/*
 * The gateway of r: RTA_GATEWAY, or for a route through an IPv6 gateway (RFC
 * 5549, route_via6()) RTA_VIA, so that a delete names that route and no
 * other, and a request never turns it into a route without a gateway.  One
 * whose gateway is not known (route.h: no room left) gets neither: the
 * kernel then matches a delete by the interface alone.
 */
static int
put_gateway(struct nl_msg *msg, const struct route *r)
{
	uint8_t gw6[16];

	if (!(r->flags & ROUTE_F_GATEWAY))
		return 0;
	if (!route_via6(r))
		return nla_put_u32(msg, RTA_GATEWAY, htonl(r->nexthop));
	if (route_via6_gw(r, gw6) < 0)
		return 0;
	return nlreq_put_via6(msg, gw6);
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
	    put_gateway(msg, r) < 0 ||
	    (!(r->flags & ROUTE_F_GATEWAY) && r->nexthop != 0 &&
		nla_put_u32(msg, RTA_PREFSRC, htonl(r->nexthop)) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * The request for the IPv6 route r describes; NULL out of memory.  The
 * interface goes with a unicast route only: the kernel puts blackhole,
 * unreachable and prohibit routes on loopback itself, and matches a
 * delete's RTA_OIF against that (ip6_route_del()).
 */
static struct nl_msg *
route6_msg(int cmd, int flags, const struct route6 *r)
{
	uint8_t src[16];
	uint8_t slen = 0;
	struct rtmsg rtm = {
		.rtm_family = AF_INET6,
		.rtm_dst_len = r->plen,
		.rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC,
		.rtm_protocol = r->proto,
		.rtm_scope = RT_SCOPE_UNIVERSE, /* IPv6 ignores the scope */
		.rtm_type = r->type,
		.rtm_flags = (r->flags & ROUTE_F_ONLINK) ? RTNH_F_ONLINK : 0,
	};
	struct nl_msg *msg;

	route6_src(r->src, src, &slen);
	rtm.rtm_src_len = slen;
	if ((msg = nlmsg_alloc_simple(cmd, NLM_F_REQUEST | NLM_F_ACK | flags)) == NULL)
		return NULL;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, r->table) < 0 || nla_put(msg, RTA_DST, 16, r->dst) < 0 ||
	    (slen > 0 && nla_put(msg, RTA_SRC, 16, src) < 0) ||
	    nla_put_u32(msg, RTA_PRIORITY, r->metric) < 0 ||
	    (r->type == RTN_UNICAST && r->ifindex > 0 &&
		nla_put_u32(msg, RTA_OIF, (uint32_t)r->ifindex) < 0) ||
	    ((r->flags & ROUTE_F_GATEWAY) && nla_put(msg, RTA_GATEWAY, 16, r->nexthop) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* ---- asynchronous requests ------------------------------------------------ */

int
nlreq_fd(const struct nlreq *q)
{
	return nlsock_fd(q->s);
}

size_t
nlreq_inflight(const struct nlreq *q)
{
	return nlsock_inflight(q->s);
}

void
nlreq_input(struct nlreq *q)
{
	nlsock_input(q->s);
}

void
nlreq_abandon(struct nlreq *q, int rc, const char *err)
{
	nlsock_abandon(q->s, rc, err);
}

/*
 * Asynchronous requests to a fake kernel: fake_spent() first, which refuses
 * what a socket would not send (the budget is spent) and clears the fake's
 * reason; then the fake's answer, given later as a socket's would be.
 */
static int
fake_spent(struct nlreq *q, char *err, size_t errlen)
{
	q->fake_err[0] = '\0';
	return nlsock_spent(q->s, err, errlen);
}

static int
fake_async(struct nlreq *q, int rc, nlreq_done_fn done, void *arg, char *err, size_t errlen)
{
	return nlsock_answer_later(q->s, rc, q->fake_err, done, arg, err, errlen);
}

/*
 * A fake's answer to a request about an entry of family: its route or
 * route6 operation (a delete when gone is given), or a refusal when it has
 * no IPv6 routes.
 */
static int
fake_route(struct nlreq *q, int family, int cmd, int flags, const void *r, struct nlroute *gone)
{
	const struct nlreq_ops *f = q->fake;
	char *err = q->fake_err;
	size_t len = sizeof(q->fake_err);

	if (family == AF_INET)
		return gone != NULL ? f->route_delete(q->fake_arg, r, gone, err, len) :
				      f->route(q->fake_arg, cmd, flags, r, err, len);
	if (gone != NULL ? f->route6_delete == NULL : f->route6 == NULL) {
		snprintf(err, len, "the fake kernel has no IPv6 routes");
		return -EAFNOSUPPORT;
	}
	return gone != NULL ? f->route6_delete(q->fake_arg, r, gone, err, len) :
			      f->route6(q->fake_arg, cmd, flags, r, err, len);
}

/*
 * The request (cmd, flags) for an entry r of family (struct route or
 * struct route6); a delete with gone != NULL asks the kernel to echo the
 * route it deleted, kept in *gone.
 */
static int
route_async(struct nlreq *q, int family, int cmd, int flags, const void *r, struct nlroute *gone,
    nlreq_done_fn done, void *arg, char *err, size_t errlen)
{
	struct nl_msg *msg;

	if (gone != NULL)
		nlroute_free(gone);
	if (q->fake != NULL && fake_spent(q, err, errlen))
		return -ETIMEDOUT; /* as a socket's request: not sent */
	if (q->fake != NULL)
		return fake_async(q, fake_route(q, family, cmd, flags, r, gone), done, arg, err,
		    errlen);
	msg = nlreq_entry_msg(family, cmd, flags, r);
	return nlsock_send(q->s, msg, gone != NULL ? echo_msg : NULL, gone, done, arg, err, errlen);
}

int
nlreq_route_async(struct nlreq *q, int family, int cmd, int flags, const void *r,
    nlreq_done_fn done, void *arg, char *err, size_t errlen)
{
	return route_async(q, family, cmd, flags, r, NULL, done, arg, err, errlen);
}

int
nlreq_route_delete_async(struct nlreq *q, int family, const void *r, struct nlroute *gone,
    nlreq_done_fn done, void *arg, char *err, size_t errlen)
{
	return route_async(q, family, RTM_DELROUTE, NLM_F_ECHO, r, gone, done, arg, err, errlen);
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

	if (q->fake != NULL && fake_spent(q, err, errlen))
		return -ETIMEDOUT; /* as a socket's request: not sent */
	if (q->fake != NULL)
		return fake_async(q,
		    q->fake->route_restore(q->fake_arg, k, metric, q->fake_err,
			sizeof(q->fake_err)),
		    done, arg, err, errlen);
	if ((rc = kept_ok(k, err, errlen)) < 0)
		return rc;
	return nlsock_send(q->s, kept_msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, k, metric), NULL,
	    NULL, done, arg, err, errlen);
}

int
nlreq_route_delete_kept_async(struct nlreq *q, const struct nlroute *k, const uint32_t *metric,
    struct nlroute *gone, nlreq_done_fn done, void *arg, char *err, size_t errlen)
{
	int rc;

	if (gone != NULL)
		nlroute_free(gone);
	if (q->fake != NULL && fake_spent(q, err, errlen))
		return -ETIMEDOUT; /* as a socket's request: not sent */
	if (q->fake != NULL)
		return fake_async(q,
		    q->fake->route_delete_kept(q->fake_arg, k, metric, gone, q->fake_err,
			sizeof(q->fake_err)),
		    done, arg, err, errlen);
	if ((rc = kept_ok(k, err, errlen)) < 0)
		return rc;
	return nlsock_send(q->s, kept_msg(RTM_DELROUTE, gone != NULL ? NLM_F_ECHO : 0, k, metric),
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
nlreq_route_fetch_async(struct nlreq *q, uint8_t family, uint32_t table, uint8_t proto, int32_t oif,
    int (*match)(struct nlmsghdr *, void *), void *marg, struct nlroute *out, nlreq_done_fn done,
    void *arg, char *err, size_t errlen)
{
	struct fetch_req *f;
	int rc;

	nlroute_free(out);
	if (q->fake != NULL && fake_spent(q, err, errlen))
		return -ETIMEDOUT; /* as a socket's request: not sent */
	if (q->fake != NULL)
		return fake_async(q,
		    q->fake->route_fetch(q->fake_arg, family, table, proto, oif, match, marg, out,
			q->fake_err, sizeof(q->fake_err)),
		    done, arg, err, errlen);
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*f = (struct fetch_req){ { match, marg, out }, done, arg };
	rc = nlsock_send(q->s, fetch_msg_new(family, table, proto, oif), fetch_msg, &f->acc,
	    fetch_done, f, err, errlen);
	if (rc < 0)
		free(f);
	return rc;
}

/* ---- links and addresses ---------------------------------------------------- */

/* A fake kernel without links or addresses. */
static int
fake_none(char *err, size_t errlen)
{
	snprintf(err, errlen, "the fake kernel has no links");
	return -EOPNOTSUPP;
}

int
nlreq_link_async(struct nlreq *q, const struct ifmsg_link *l, nlreq_done_fn done, void *arg,
    char *err, size_t errlen)
{
	const struct nlreq_ops *f = q->fake;

	if (f != NULL && fake_spent(q, err, errlen))
		return -ETIMEDOUT; /* as a socket's request: not sent */
	if (f != NULL)
		return fake_async(q,
		    f->link != NULL ? f->link(q->fake_arg, l, q->fake_err, sizeof(q->fake_err)) :
				      fake_none(q->fake_err, sizeof(q->fake_err)),
		    done, arg, err, errlen);
	return nlsock_send(q->s, ifmsg_link(l), NULL, NULL, done, arg, err, errlen);
}

int
nlreq_addr_async(struct nlreq *q, int cmd, const struct ifmsg_addr *a, nlreq_done_fn done,
    void *arg, char *err, size_t errlen)
{
	const struct nlreq_ops *f = q->fake;

	if (f != NULL && fake_spent(q, err, errlen))
		return -ETIMEDOUT; /* as a socket's request: not sent */
	if (f != NULL)
		return fake_async(q,
		    f->addr != NULL ?
			f->addr(q->fake_arg, cmd, a, q->fake_err, sizeof(q->fake_err)) :
			fake_none(q->fake_err, sizeof(q->fake_err)),
		    done, arg, err, errlen);
	return nlsock_send(q->s, ifmsg_addr(cmd, a), NULL, NULL, done, arg, err, errlen);
}
