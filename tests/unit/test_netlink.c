/*
 * Unit tests: netlink datagrams that do not come from the kernel are
 * dropped (nlsock_recv_kernel, used by the event, dump and request sockets;
 * issue 9, item 4).  Sending to another process's port id needs
 * CAP_NET_ADMIN: without it the test of the receive path is skipped.
 * The link and address requests of the adapter methods (nl/ifmsg.h): what
 * each message says.
 */
#include "config.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <netlink/msg.h>

#include "nl/ifmsg.h"
#include "nl/nlsock.h"

static void
test_from_kernel(void **state)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	assert_true(nlsock_from_kernel(&sa, sizeof(sa)));
	sa.nl_pid = 4242;
	assert_false(nlsock_from_kernel(&sa, sizeof(sa)));
	sa.nl_pid = 0;
	assert_false(nlsock_from_kernel(&sa, sizeof(sa) - 1));
	sa.nl_family = AF_UNSPEC;
	assert_false(nlsock_from_kernel(&sa, sizeof(sa)));
}

static int
nl_open(uint32_t *port)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = sa.nl_pid;
	return fd;
}

/* A forged RTM_NEWROUTE from another socket is dropped; the kernel's answer is kept. */
static void
test_recv_drops_others(void **state)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg r;
	} forged = {
		.h = { .nlmsg_len = sizeof(forged), .nlmsg_type = RTM_NEWROUTE },
		.r = { .rtm_family = AF_INET, .rtm_dst_len = 16, .rtm_table = RT_TABLE_MAIN,
			.rtm_protocol = RTPROT_STATIC, .rtm_type = RTN_UNICAST },
	}, req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETROUTE,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 7 },
		.r = { .rtm_family = AF_INET },
	};
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	static char buf[1 << 16];
	unsigned long drops = nlsock_foreign_drops();
	uint32_t port, other;
	int fd = nl_open(&port), fd2 = nl_open(&other);
	ssize_t n;

	to.nl_pid = port;
	if (sendto(fd2, &forged, sizeof(forged), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		int e = errno;

		close(fd);
		close(fd2);
		if (e == EPERM)
			skip(); /* no CAP_NET_ADMIN */
		fail_msg("sendto: %s", strerror(e));
	}
	usleep(10000);
	errno = 0;
	assert_int_equal(nlsock_recv_kernel(fd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(nlsock_foreign_drops(), drops + 1);
	/* The forged datagram first, then the kernel's: only the kernel's is returned. */
	assert_true(
	    sendto(fd2, &forged, sizeof(forged), 0, (struct sockaddr *)&to, sizeof(to)) > 0);
	to.nl_pid = 0;
	assert_true(sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) > 0);
	usleep(10000);
	n = nlsock_recv_kernel(fd, buf, sizeof(buf), 0);
	assert_true(n >= (ssize_t)sizeof(struct nlmsghdr));
	assert_int_equal(((struct nlmsghdr *)buf)->nlmsg_seq, 7);
	assert_int_equal(nlsock_foreign_drops(), drops + 2);
	close(fd);
	close(fd2);
}

/* The attributes of a request (after its fixed header of hdrlen bytes). */
static void
attrs(struct nl_msg *msg, int hdrlen, struct nlattr **tb, int max)
{
	assert_non_null(msg);
	assert_int_equal(nlmsg_parse(nlmsg_hdr(msg), hdrlen, tb, max, NULL), 0);
}

static void
test_link_msg(void **state)
{
	struct ifmsg_link l = { .ifindex = 7, .up = 0, .set_alias = 1, .alias = "uplink" };
	struct nlattr *tb[IFLA_MAX + 1];
	struct nl_msg *msg = ifmsg_link(&l);
	struct ifinfomsg *ifi;

	attrs(msg, sizeof(*ifi), tb, IFLA_MAX);
	ifi = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, RTM_NEWLINK);
	assert_true(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_ACK);
	assert_int_equal(ifi->ifi_index, 7);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(ifi->ifi_flags, 0);
	assert_int_equal(nla_len(tb[IFLA_IFALIAS]), 6);
	assert_memory_equal(nla_data(tb[IFLA_IFALIAS]), "uplink", 6);
	assert_null(tb[IFLA_MTU]);
	nlmsg_free(msg);
	/* The MTU alone, IFF_UP left alone; an empty alias removes it. */
	l = (struct ifmsg_link){ .ifindex = 7, .up = IFMSG_KEEP, .set_alias = 1, .mtu = 1400 };
	msg = ifmsg_link(&l);
	attrs(msg, sizeof(*ifi), tb, IFLA_MAX);
	ifi = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(ifi->ifi_change, 0);
	assert_int_equal(nla_get_u32(tb[IFLA_MTU]), 1400);
	assert_int_equal(nla_len(tb[IFLA_IFALIAS]), 0);
	nlmsg_free(msg);
}

static void
test_addr_msg(void **state)
{
	struct ifmsg_addr a = { .ifindex = 3,
		.family = AF_INET,
		.plen = 24,
		.flags = IFA_F_PERMANENT,
		.addr = { 192, 0, 2, 9 } };
	struct nlattr *tb[IFA_MAX + 1];
	struct nl_msg *msg = ifmsg_addr(RTM_NEWADDR, &a);
	struct ifaddrmsg *ifa;
	char text[96];

	attrs(msg, sizeof(*ifa), tb, IFA_MAX);
	ifa = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL),
	    NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(ifa->ifa_index, 3);
	assert_int_equal(ifa->ifa_prefixlen, 24);
	assert_int_equal(ifa->ifa_flags, IFA_F_PERMANENT);
	assert_memory_equal(nla_data(tb[IFA_LOCAL]), a.addr, 4);
	assert_memory_equal(nla_data(tb[IFA_ADDRESS]), a.addr, 4);
	assert_memory_equal(nla_data(tb[IFA_BROADCAST]), ((uint8_t[]){ 192, 0, 2, 255 }), 4);
	assert_int_equal(nla_get_u32(tb[IFA_FLAGS]), IFA_F_PERMANENT);
	assert_null(tb[IFA_CACHEINFO]);
	nlmsg_free(msg);
	/* A delete names the address; a /31 has no broadcast address. */
	a.plen = 31;
	msg = ifmsg_addr(RTM_DELADDR, &a);
	attrs(msg, sizeof(*ifa), tb, IFA_MAX);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, RTM_DELADDR);
	assert_null(tb[IFA_BROADCAST]);
	assert_null(tb[IFA_FLAGS]);
	nlmsg_free(msg);
	a.plen = 31;
	msg = ifmsg_addr(RTM_NEWADDR, &a);
	attrs(msg, sizeof(*ifa), tb, IFA_MAX);
	assert_null(tb[IFA_BROADCAST]);
	nlmsg_free(msg);
	/* An address added back as it was without a broadcast address: none. */
	a.plen = 24;
	a.no_brd = 1;
	msg = ifmsg_addr(RTM_NEWADDR, &a);
	attrs(msg, sizeof(*ifa), tb, IFA_MAX);
	assert_null(tb[IFA_BROADCAST]);
	nlmsg_free(msg);
	a.no_brd = 0;
	/* An address added back as it was: its own broadcast, label and route metric. */
	a.has_brd = 1;
	memcpy(a.brd, ((uint8_t[]){ 192, 0, 2, 200 }), 4);
	snprintf(a.label, sizeof(a.label), "eth0:lab");
	a.rt_priority = 55;
	msg = ifmsg_addr(RTM_NEWADDR, &a);
	attrs(msg, sizeof(*ifa), tb, IFA_MAX);
	assert_memory_equal(nla_data(tb[IFA_BROADCAST]), a.brd, 4);
	assert_string_equal(nla_data(tb[IFA_LABEL]), "eth0:lab");
	assert_int_equal(nla_get_u32(tb[IFA_RT_PRIORITY]), 55);
	nlmsg_free(msg);
	/* IPv6, with lifetimes: IFA_ADDRESS, IFA_CACHEINFO. */
	a = (struct ifmsg_addr){ .ifindex = 3,
		.family = AF_INET6,
		.plen = 64,
		.valid_lft = 300,
		.pref_lft = 100 };
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::9", a.addr), 1);
	msg = ifmsg_addr(RTM_NEWADDR, &a);
	attrs(msg, sizeof(*ifa), tb, IFA_MAX);
	assert_null(tb[IFA_LOCAL]);
	assert_memory_equal(nla_data(tb[IFA_ADDRESS]), a.addr, 16);
	assert_int_equal(((struct ifa_cacheinfo *)nla_data(tb[IFA_CACHEINFO]))->ifa_valid, 300);
	assert_int_equal(((struct ifa_cacheinfo *)nla_data(tb[IFA_CACHEINFO]))->ifa_prefered, 100);
	nlmsg_free(msg);
	ifmsg_addr_text(&a, text, sizeof(text));
	assert_string_equal(text, "2001:db8::9/64 on ifindex 3");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_kernel),
		cmocka_unit_test(test_recv_drops_others),
		cmocka_unit_test(test_link_msg),
		cmocka_unit_test(test_addr_msg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
