/*
 * Unit tests: the DHCP client's commands (iface/dhcpctl.c): the directive,
 * the command of an action (configured, %i, the clients' own, none), and
 * runs: success, a failure with its first line, a command killed at its
 * time limit, one run an interface, a program that is not there, and no
 * descriptor of ours in the child.
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "iface/dhcpctl.h"

static struct dhcpctl_config cfg;
static struct dhcpctl *d;
static int ndone, last_ok;
static char last_why[256];

static int
setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	ndone = last_ok = 0;
	last_why[0] = '\0';
	assert_non_null(d = dhcpctl_new(&cfg));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dhcpctl_free(d);
	dhcpctl_config_free(&cfg);
	return 0;
}

static int32_t last_ifindex;
static int last_tag;

static void
done(void *arg, int32_t ifindex, int tag, int ok, const char *why)
{
	(void)arg;
	last_ifindex = ifindex;
	last_tag = tag;
	ndone++;
	last_ok = ok;
	snprintf(last_why, sizeof(last_why), "%s", why);
}

/* Poll until n runs are done (at most 5 s). */
static void
wait_done(int n)
{
	for (int i = 0; i < 500 && ndone < n; i++) {
		dhcpctl_poll(d);
		if (ndone < n)
			usleep(10000);
	}
	assert_int_equal(ndone, n);
}

/* argv of a command given as "word|word|...", in buf (kept by the caller). */
static char **
args(const char *words, char *buf, size_t len, char **argv)
{
	size_t n = 0;
	char *save = NULL;

	snprintf(buf, len, "%s", words);
	for (char *w = strtok_r(buf, "|", &save); w != NULL; w = strtok_r(NULL, "|", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return argv;
}

static int
line(const char *value)
{
	char err[256];

	return dhcpctl_line("dhcpCommand", value, &cfg, err, sizeof(err));
}

static void
test_directive(void **state)
{
	char *argv[DHCPCTL_ARGS_MAX + 1], buf[512];

	(void)state;
	assert_int_equal(line("renew /bin/echo renew %i now"), 0);
	assert_int_equal(line("release /bin/echo -n"), 0);
	assert_int_equal(line("renew /bin/echo again %i"), 0); /* the last one wins */
	assert_int_equal(line("refresh /bin/echo"), -1);
	assert_int_equal(line("renew echo %i"), -1); /* not absolute */
	assert_int_equal(line("renew"), -1);
	assert_int_equal(line("enable /bin/a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"), -1);
	assert_int_equal(dhcpctl_command(&cfg, DHCP_RENEW, DHCP_CLIENT_NONE, "eth0", argv, buf,
			     sizeof(buf)),
	    0);
	assert_string_equal(argv[0], "/bin/echo");
	assert_string_equal(argv[1], "again");
	assert_string_equal(argv[2], "eth0");
	assert_null(argv[3]);
	/* Names a command line could misread are no interface. */
	assert_int_equal(dhcpctl_command(&cfg, DHCP_RENEW, DHCP_CLIENT_NONE, "a b", argv, buf,
			     sizeof(buf)),
	    -1);
	assert_int_equal(dhcpctl_command(&cfg, DHCP_RENEW, DHCP_CLIENT_NONE, "../x", argv, buf,
			     sizeof(buf)),
	    -1);
	assert_int_equal(dhcpctl_command(&cfg, DHCP_RENEW, DHCP_CLIENT_NONE, "", argv, buf,
			     sizeof(buf)),
	    -1);
	assert_int_equal(dhcpctl_command(&cfg, DHCP_RENEW, DHCP_CLIENT_NONE, "-d", argv, buf,
			     sizeof(buf)),
	    -1); /* an option to the client */
	/* Without a command or a client that has one: none (networkd cannot release). */
	assert_int_equal(dhcpctl_command(&cfg, DHCP_DISABLE, DHCP_CLIENT_NETWORKD, "eth0", argv,
			     buf, sizeof(buf)),
	    -1);
	assert_string_equal(dhcpctl_action_name(DHCP_RELEASE), "release");
}

/* dhclient's own commands, where it is installed. */
static void
test_builtin(void **state)
{
	char *argv[DHCPCTL_ARGS_MAX + 1], buf[512];
	int have = access("/sbin/dhclient", X_OK) == 0;

	(void)state;
	assert_int_equal(dhcpctl_command(&cfg, DHCP_RELEASE, DHCP_CLIENT_DHCLIENT, "eth1", argv,
			     buf, sizeof(buf)),
	    have ? 0 : -1);
	if (have) {
		assert_string_equal(argv[0], "/sbin/dhclient");
		assert_string_equal(argv[2], "-pf");
		assert_string_equal(argv[3], "/run/dhclient.eth1.pid"); /* ifupdown's files */
		assert_string_equal(argv[5], "/var/lib/dhcp/dhclient.eth1.leases");
		assert_string_equal(argv[6], "-r");
		assert_string_equal(argv[7], "eth1");
	}
	assert_int_equal(dhcpctl_command(&cfg, DHCP_RELEASE, DHCP_CLIENT_NONE, "eth1", argv, buf,
			     sizeof(buf)),
	    -1);
	/* No client keeps a lease of the link: starting one is the directive's to say. */
	assert_int_equal(dhcpctl_command(&cfg, DHCP_ENABLE, DHCP_CLIENT_NONE, "eth1", argv, buf,
			     sizeof(buf)),
	    -1);
}

static void
test_runs(void **state)
{
	char b1[64], b2[128], b3[64], *v1[4], *v2[4], *v3[4], err[256];
	char **ok = args("/bin/true", b1, sizeof(b1), v1);
	char **fail = args("/bin/sh|-c|echo 'no lease'; echo more; exit 3", b2, sizeof(b2), v2);
	char **none = args("/nonexistent/dhclient", b3, sizeof(b3), v3);

	(void)state;
	assert_int_equal(dhcpctl_run(d, 2, 20, ok, done, NULL, err, sizeof(err)), 0);
	assert_true(dhcpctl_busy(d, 2));
	assert_int_equal(dhcpctl_run(d, 2, 20, ok, done, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "still running"));
	wait_done(1);
	assert_true(last_ok);
	assert_false(dhcpctl_busy(d, 2));
	assert_int_equal(dhcpctl_run(d, 2, 20, fail, done, NULL, err, sizeof(err)), 0);
	wait_done(2);
	assert_false(last_ok);
	assert_string_equal(last_why, "exit status 3: no lease");
	assert_int_equal(last_ifindex, 2);
	assert_int_equal(last_tag, 20);
	assert_int_equal(dhcpctl_run(d, 3, 30, none, done, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot run /nonexistent/dhclient"));
	assert_false(dhcpctl_busy(d, 3));
}

/* A command past its time is killed, with its process group. */
static void
test_timeout(void **state)
{
	char b[64], *v[4], err[256];
	char **slow = args("/bin/sh|-c|sleep 30 & sleep 30", b, sizeof(b), v);
	time_t t0 = time(NULL);

	(void)state;
	cfg.timeout_s = 1;
	assert_int_equal(dhcpctl_run(d, 4, 40, slow, done, NULL, err, sizeof(err)), 0);
	wait_done(1);
	assert_false(last_ok);
	assert_string_equal(last_why, "killed after 1 s");
	assert_true(time(NULL) - t0 <= 3);
}

/* A command that writes without end is read a bounded amount a poll, and killed at its time. */
static void
test_chatty(void **state)
{
	char b[96], *v[4], err[256];
	char **chatty = args("/bin/sh|-c|yes 'a line of output'", b, sizeof(b), v);

	(void)state;
	cfg.timeout_s = 1;
	assert_int_equal(dhcpctl_run(d, 6, 60, chatty, done, NULL, err, sizeof(err)), 0);
	wait_done(1);
	assert_false(last_ok);
	assert_string_equal(last_why, "killed after 1 s");
}

/* The child gets stdin, stdout and stderr, and no other descriptor of ours. */
static void
test_no_leak(void **state)
{
	char cmd[128], b[192], *v[4], err[256];
	int fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC */

	(void)state;
	assert_true(fd > 2);
	snprintf(cmd, sizeof(cmd), "/bin/sh|-c|test -e /proc/$$/fd/%d && echo leaked; exit 0", fd);
	assert_int_equal(dhcpctl_run(d, 5, 50, args(cmd, b, sizeof(b), v), done, NULL, err,
			     sizeof(err)),
	    0);
	wait_done(1);
	close(fd);
	assert_true(last_ok);
	assert_string_equal(last_why, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_directive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chatty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_leak, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
