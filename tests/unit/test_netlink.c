/*
 * Unit tests: netlink datagrams that do not come from the kernel are
 * dropped (nlsock_recv_kernel, used by the event, dump and request sockets;
 * issue 9, item 4).  Sending to another process's port id needs
 * CAP_NET_ADMIN: without it the test of the receive path is skipped.
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

#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_kernel),
		cmocka_unit_test(test_recv_drops_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
