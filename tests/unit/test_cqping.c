/*
 * Unit tests of cimq's Win32_PingStatus dispatch (cimq/ping.c): which class
 * is the ping, and which WHERE clauses fix Address (WMI refuses the others:
 * the class cannot be enumerated).  The network part is in
 * tests/integration/cimq_ping.sh.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cimq/ping.h"
#include "tests/unit/cqmib.h"

/* 1 if q (a SELECT on Win32_PingStatus) fixes Address, as ping_has_address says. */
static int
has_address(const char *q)
{
	struct wql_stmt *s;
	struct wql_err werr;
	struct plan_err perr;
	struct plan *p;
	const struct cmap_class *c;
	int rc;

	if (wql_parse(q, &s, &werr) != 0)
		fail_msg("%s: %s", q, werr.msg);
	c = cmap_class(map, s->cls);
	assert_non_null(c);
	assert_true(ping_is(c));
	if (plan_make(c, s, &p, &perr) != 0)
		fail_msg("%s: %s", q, perr.msg);
	rc = ping_has_address(p);
	plan_free(p);
	wql_free(s);
	return rc;
}

static void
test_ping_dispatch(void **state)
{
	(void)state;
	if (map == NULL)
		skip();
	assert_false(ping_is(cmap_class(map, "Win32_IP4RouteTable")));
	assert_false(ping_is(cmap_class(map, "cimPingProbe")));
	assert_true(has_address("SELECT * FROM Win32_PingStatus WHERE Address = '192.0.2.1'"));
	assert_true(has_address("select * from win32_pingstatus where address = 'h.example'"));
	assert_true(has_address("SELECT StatusCode FROM Win32_PingStatus WHERE BufferSize = 64 AND "
				"(Timeout = 300 AND Address = '2001:db8::1')"));
	assert_false(has_address("SELECT * FROM Win32_PingStatus"));
	assert_false(has_address("SELECT * FROM Win32_PingStatus WHERE BufferSize = 32"));
	assert_false(has_address("SELECT * FROM Win32_PingStatus WHERE Address <> '192.0.2.1'"));
	assert_false(has_address("SELECT * FROM Win32_PingStatus WHERE Address LIKE '192.%'"));
	assert_false(has_address("SELECT * FROM Win32_PingStatus WHERE Address = '192.0.2.1' OR "
				 "Timeout = 3"));
	assert_false(has_address("SELECT * FROM Win32_PingStatus WHERE NOT Address = '192.0.2.1'"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ping_dispatch),
	};

	return cmocka_run_group_tests(tests, cq_setup, cq_teardown);
}
