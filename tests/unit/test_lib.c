/*
 * Unit tests: the bounded number parser (strnum.c), address text and masks
 * (addr.c), text checks (text.c).
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "iface/staticaddr.h"
#include "lib/addr.h"
#include "lib/privdrop.h"
#include "lib/strnum.h"
#include "lib/text.h"

static void
test_strnum_accepts(void **state)
{
	unsigned long long v = 0;

	assert_int_equal(strnum("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(strnum("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(strnum("007", 0, 10, &v), 0); /* decimal, not octal */
	assert_int_equal(v, 7);
	assert_int_equal(strnum("4096", 4096, 4096, &v), 0);
	assert_int_equal(strnum("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
}

/* text.c: printable ASCII, a name of 1 to max bytes without a space, an interface name. */
static void
test_text(void **state)
{
	assert_true(text_printable("", 0));
	assert_true(text_printable(" !az~", 5));
	assert_false(text_printable("a\x1f", 2));
	assert_false(text_printable("a\x7f", 2));
	assert_false(text_printable("\xc3\xa9", 2));
	assert_false(text_printable("a\0b", 3));

	assert_true(text_is_name("a", 1, 1));
	assert_true(text_is_name("!example.org~", 13, 13));
	assert_false(text_is_name("example.org", 11, 10)); /* longer than max */
	assert_false(text_is_name("", 0, 10));
	assert_false(text_is_name("a b", 3, 10));
	assert_false(text_is_name("a\tb", 3, 10));
	assert_false(text_is_name("a\x7f", 2, 10));
	assert_false(text_is_name("\xc3\xa9", 2, 10));
	assert_false(text_is_name("a\0b", 3, 10));

	/* An interface name: dev_valid_name() narrowed to printable ASCII. */
	assert_true(text_is_ifname("abcdefghijklmno", 15));
	assert_false(text_is_ifname("abcdefghijklmnop", 16));
	assert_false(text_is_ifname("", 0));
	assert_true(text_is_ifname("...", 3));
	assert_false(text_is_ifname("a\0b", 3));
	assert_false(text_is_ifname(".", 1));
	assert_false(text_is_ifname("..", 2));
	assert_false(text_is_ifname("eth0:1", 6));
	assert_false(text_is_ifname("a/b", 3));
	assert_false(text_is_ifname("a b", 3));
	assert_false(text_is_ifname("a\x7f", 2));
	assert_false(text_is_ifname("\xc3\xa9", 2));
	assert_true(text_is_ifname("!~", 2));
}

/* text_escape(): printable bytes as they are, others \xNN, cut at a whole byte. */
static void
test_text_escape(void **state)
{
	char buf[32];

	assert_int_equal(text_escape("a b~", 4, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "a b~");
	assert_int_equal(text_escape("a\x1b\n\xc3\0z", 6, buf, sizeof(buf)), 18);
	assert_string_equal(buf, "a\\x1b\\x0a\\xc3\\x00z");
	assert_int_equal(text_escape("ab\x7f", 3, buf, 5), 2); /* \x7f does not fit whole */
	assert_string_equal(buf, "ab");
	assert_int_equal(text_escape("abc", 3, buf, 1), 0);
	assert_string_equal(buf, "");
}

/* text_token(): a configuration token for a message, escaped, at most 32 bytes. */
static void
test_text_token(void **state)
{
	char buf[TEXT_TOKEN_LEN], big[64];

	assert_string_equal(text_token("m\x01"
				       "ain\n",
				buf, sizeof(buf)),
	    "m\\x01ain\\x0a");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(strlen(text_token(big, buf, sizeof(buf))), 32);
}

static void
test_strnum_refuses(void **state)
{
	const char *notnum[] = { "", "-1", "+1", " 1", "1 ", "1a", "0x10", "a", "1.5", "-0" };
	unsigned long long v = 42;

	for (size_t i = 0; i < sizeof(notnum) / sizeof(notnum[0]); i++) {
		errno = 0;
		assert_int_equal(strnum(notnum[i], 0, UINT64_MAX, &v), -1);
		assert_int_equal(errno, EINVAL);
	}
	errno = 0;
	assert_int_equal(strnum("11", 0, 10, &v), -1);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(strnum("4095", 4096, 8192, &v), -1);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(strnum("18446744073709551616", 0, UINT64_MAX, &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(v, 42); /* untouched */
}

static void
test_addr4(void **state)
{
	char buf[ADDR4_STRLEN], small[8];
	uint32_t a = 0;

	assert_string_equal(addr4_ntop(0xc0000201, buf, sizeof(buf)), "192.0.2.1");
	assert_string_equal(addr4_ntop(0, buf, sizeof(buf)), "0.0.0.0");
	assert_string_equal(addr4_ntop(0xffffffff, buf, sizeof(buf)), "255.255.255.255");
	assert_string_equal(addr4_ntop(0xc0000201, small, sizeof(small)), "192.0.2"); /* cut */
	assert_int_equal(addr4_pton("10.1.2.3", &a), 0);
	assert_int_equal(a, 0x0a010203);
	a = 7;
	errno = 0;
	assert_int_equal(addr4_pton("10.1", &a), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(addr4_pton("10.1.2.256", &a), -1);
	assert_int_equal(addr4_pton("10.1.2.3 ", &a), -1);
	assert_int_equal(addr4_pton("::1", &a), -1);
	assert_int_equal(a, 7);
}

static void
test_addr6(void **state)
{
	char buf[ADDR6_STRLEN];
	struct in6_addr a;

	assert_int_equal(addr6_pton("2001:db8::1", &a), 0);
	assert_int_equal(a.s6_addr[0], 0x20);
	assert_int_equal(a.s6_addr[15], 1);
	assert_string_equal(addr6_ntop(&a, buf, sizeof(buf)), "2001:db8::1");
	errno = 0;
	assert_int_equal(addr6_pton("10.1.2.3", &a), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(addr6_pton("2001:db8::1::2", &a), -1);
}

static void
test_masks(void **state)
{
	struct in6_addr m;

	assert_int_equal(addr4_mask(0), 0);
	assert_int_equal(addr4_mask(1), 0x80000000u);
	assert_int_equal(addr4_mask(24), 0xffffff00u);
	assert_int_equal(addr4_mask(32), 0xffffffffu);
	assert_int_equal(addr4_mask(40), 0xffffffffu);
	for (unsigned p = 0; p <= 32; p++)
		assert_int_equal(addr4_plen(addr4_mask(p)), p);
	assert_int_equal(addr4_plen(0xff00ff00u), -1);
	assert_int_equal(addr4_plen(0x00ffffffu), -1);
	assert_int_equal(addr4_plen(0xfffffffeu), 31);

	memset(&m, 0, sizeof(m));
	assert_int_equal(addr6_plen(&m), 0);
	memset(&m, 0xff, sizeof(m));
	assert_int_equal(addr6_plen(&m), 128);
	assert_int_equal(addr6_pton("ffff:ffff:ffff:ffff::", &m), 0);
	assert_int_equal(addr6_plen(&m), 64);
	assert_int_equal(addr6_pton("ffff:ffff:fffe::", &m), 0);
	assert_int_equal(addr6_plen(&m), 47);
	assert_int_equal(addr6_pton("ffff:0:ffff::", &m), 0);
	assert_int_equal(addr6_plen(&m), -1);
	assert_int_equal(addr6_pton("ffff:ffff:7fff::", &m), 0);
	assert_int_equal(addr6_plen(&m), -1);
}

/* A saved address's line: written and read back, also for a name a comment mark begins. */
static void
test_staticaddr_line(void **state)
{
	static const char *const names[] = { "eth0", "#x", "a-b.c" };
	struct staticaddr a = { .family = AF_INET, .plen = 24, .addr = { 192, 0, 2, 7 } }, b;
	char line[96];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(a.ifname, sizeof(a.ifname), "%s", names[i]);
		staticaddr_format(&a, line, sizeof(line));
		assert_true(line[0] != '#');
		assert_int_equal(staticaddr_parse(line, &b), 0);
		assert_string_equal(b.ifname, names[i]);
		assert_memory_equal(b.addr, a.addr, 4);
		assert_int_equal(b.plen, 24);
	}
	assert_int_equal(staticaddr_parse("eth0 192.0.2.7/33", &b), -1);
	assert_int_equal(staticaddr_parse("eth0 192.0.2.7/24 extra", &b), -1);
	assert_int_equal(staticaddr_parse("a/b 192.0.2.7/24", &b), -1);
	/* Only a name text_is_ifname() takes: never one the log would print. */
	assert_int_equal(staticaddr_parse("eth0:1 192.0.2.7/24", &b), -1);
	assert_int_equal(staticaddr_parse(". 192.0.2.7/24", &b), -1);
	assert_int_equal(staticaddr_parse(".. 192.0.2.7/24", &b), -1);
	assert_int_equal(staticaddr_parse("e\x1bth 192.0.2.7/24", &b), -1);
	assert_int_equal(staticaddr_parse("\xc3\xa9 192.0.2.7/24", &b), -1);
	assert_int_equal(staticaddr_parse("abcdefghijklmnop 192.0.2.7/24", &b), -1);
	assert_int_equal(staticaddr_parse("abcdefghijklmno 192.0.2.7/24", &b), 0);
}

/* -u USER: the refusals (not root, no such user, root), and what a good lookup gives. */
static void
test_privdrop_lookup(void **state)
{
	struct privdrop p;
	char err[256];

	(void)state;
	assert_int_equal(privdrop_lookup("nobody", 1000, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "-u nobody: only root can change user (running as uid 1000)");
	assert_int_equal(privdrop_lookup("no-such-user-cimr", 0, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "-u no-such-user-cimr: no such user");
	assert_int_equal(privdrop_lookup("root", 0, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "-u root: that is root (uid 0); name an unprivileged user");
	assert_int_equal(privdrop_lookup("nobody", 0, &p, err, sizeof(err)), 0);
	assert_string_equal(p.name, "nobody");
	assert_int_equal(p.uid, 65534);
	assert_int_equal(p.gid, 65534);
}

/* The kept capabilities are the README's two, nothing else (CAP_DAC_OVERRIDE above all). */
static void
test_privdrop_caps(void **state)
{
	(void)state;
	assert_int_equal(privdrop_ncaps, 2);
	assert_int_equal(privdrop_caps[0], CAP_NET_ADMIN);
	assert_int_equal(privdrop_caps[1], CAP_NET_RAW);
}

/*
 * -u makes the missing state directories as root and gives them to USER: it
 * never follows a symbolic link out of a directory that is not root's (USER
 * could have planted it there, or swapped a directory just made for one),
 * so it never makes nor chowns a directory elsewhere.  A link in root's
 * directories (/var/run) is followed.
 */
static void
test_privdrop_mkdirs(void **state)
{
	char d[] = "/tmp/cimr-mkdirs-XXXXXX", p[256], q[256];
	struct privdrop nobody = { "nobody", 65534, 65534 };
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(d));
	/* a directory of USER's holding a link to root's directory */
	snprintf(p, sizeof(p), "%s/target", d);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/u", d);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(chown(p, 65534, 65534), 0);
	snprintf(p, sizeof(p), "%s/u/a", d);
	snprintf(q, sizeof(q), "%s/target", d);
	assert_int_equal(symlink(q, p), 0);
	snprintf(p, sizeof(p), "%s/u/a/b", d);
	errno = 0;
	assert_int_equal(privdrop_mkdirs(p, &nobody), -1);
	assert_int_equal(errno, ELOOP);
	snprintf(q, sizeof(q), "%s/target/b", d);
	assert_int_equal(lstat(q, &st), -1);
	/* made, 0700 and USER's, each level */
	snprintf(p, sizeof(p), "%s/n/m", d);
	assert_int_equal(privdrop_mkdirs(p, &nobody), 0);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode) && st.st_uid == 65534 && (st.st_mode & 07777) == 0700);
	snprintf(p, sizeof(p), "%s/n", d);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(st.st_uid == 65534 && (st.st_mode & 07777) == 0700);
	/* a link in root's directory is followed */
	snprintf(p, sizeof(p), "%s/link", d);
	snprintf(q, sizeof(q), "%s/target", d);
	assert_int_equal(symlink(q, p), 0);
	snprintf(p, sizeof(p), "%s/link/c", d);
	assert_int_equal(privdrop_mkdirs(p, NULL), 0);
	snprintf(q, sizeof(q), "%s/target/c", d);
	assert_int_equal(lstat(q, &st), 0);
	assert_true(S_ISDIR(st.st_mode) && st.st_uid == 0);
	snprintf(p, sizeof(p), "rm -rf -- '%s'", d);
	assert_int_equal(system(p), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strnum_accepts),
		cmocka_unit_test(test_staticaddr_line),
		cmocka_unit_test(test_strnum_refuses),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_escape),
		cmocka_unit_test(test_text_token),
		cmocka_unit_test(test_addr4),
		cmocka_unit_test(test_addr6),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_privdrop_lookup),
		cmocka_unit_test(test_privdrop_caps),
		cmocka_unit_test(test_privdrop_mkdirs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
