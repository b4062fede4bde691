/*
 * Unit test: cimq's evaluator (cimq/eval.c): WQL LIKE (% _ [abc] [a-z]
 * [^a]), case-insensitive strings, integers of both signs against literals,
 * booleans, datetimes, arrays, references (ISA), and three-valued logic when
 * a property is NULL.  Conditions are bound to the real map by plan_make.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cimq/plan.h"
#include "tests/unit/cqmib.h"

static void
test_like(void **state)
{
	static const struct {
		const char *s, *pat;
		int want;
	} cases[] = {
		{ "10.0.0.1", "10.%", 1 },
		{ "110.0.0.1", "10.%", 0 },
		{ "abc", "a_c", 1 },
		{ "ab", "a_c", 0 },
		{ "abc", "A%", 1 },
		{ "ABC", "a%c", 1 },
		{ "abc", "[a-b]bc", 1 },
		{ "cbc", "[a-b]bc", 0 },
		{ "xbc", "[^a]bc", 1 },
		{ "abc", "[^a]bc", 0 },
		{ "a%b", "a[%]b", 1 },
		{ "axb", "a[%]b", 0 },
		{ "a_b", "a[_]b", 1 },
		{ "", "%", 1 },
		{ "", "_", 0 },
		{ "abc", "%c", 1 },
		{ "abc", "%b", 0 },
		{ "abc", "%b%", 1 },
		{ "eth0", "eth[0-9]", 1 },
		{ "eth10", "eth[0-9]", 0 },
		{ "dbc", "[a=f]bc", 1 }, /* WMI's LIKE page: a range is [a=f] */
		{ "=bc", "[a=f]bc", 0 },
		{ "gbc", "[^a=f]bc", 1 },
		{ "=bc", "[=]bc", 1 },
		{ "abc", "abc%%", 1 },
		{ "bcd", "[abc]cd", 1 },
		{ "dcd", "[abc]cd", 0 },
		{ "Abc", "[a]bc", 1 },
		{ "aaa", "%a%a%a%", 1 },
		{ "aa", "%a%a%a%", 0 },
		{ "x", "[]", 0 },
		/* a character is a UTF-8 sequence, not a byte (WMI's strings are
		   characters): found by cimq_diff.sh */
		{ "Caf\xc3\xa9-\xc3\x89", "caf_-_", 1 },
		{ "\xc3\xa9", "_", 1 },
		{ "\xc3\xa9", "__", 0 },
		{ "\xc3\xa9"
		  "a",
		    "_A", 1 },
		{ "\xc3\xa9", "[^x]", 1 },
		{ "\xc3\xa9", "[\xc3\xa9]", 1 },
		{ "\xc3\xa8", "[\xc3\xa9]", 0 },
		{ "\xc3\xaa", "[\xc3\xa9-\xc3\xab]", 1 },
		{ "\xc3\xa8", "[\xc3\xa9-\xc3\xab]", 0 },
		{ "x\xe2\x82\xacy", "x%y", 1 },
		{ "x\xe2\x82\xacy", "x_y", 1 },
		{ "\xe2\x82\xac", "\xe2\x82\xac", 1 },
		/* an overlong form (E0 81 A1 would be 'a') or a surrogate is bytes */
		{ "\xe0\x81\xa1", "a", 0 },
		{ "\xe0\x81\xa1", "___", 1 },
		{ "\xed\xa0\x80", "_", 0 },
		{ "\xe2\x82", "__", 1 }, /* not UTF-8: each byte is a character */
		{ "\xff", "_", 1 },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		if (eval_like(cases[k].s, cases[k].pat) != cases[k].want)
			fail_msg("'%s' LIKE '%s' is not %d", cases[k].s, cases[k].pat,
			    cases[k].want);
}

/* Evaluates the WHERE of "SELECT * FROM cls WHERE cond" on row. */
static enum cq_truth
truth(const char *cls, const char *cond, const struct cq_value *row)
{
	char q[512];
	struct wql_stmt *s;
	struct wql_err err;
	struct plan_err perr;
	struct plan *pl;
	const struct cmap_class *c = cmap_class(map, cls);
	enum cq_truth t;

	snprintf(q, sizeof(q), "SELECT * FROM %s WHERE %s", cls, cond);
	if (wql_parse(q, &s, &err) != 0)
		fail_msg("%s: %s", q, err.msg);
	if (plan_make(c, s, &pl, &perr) != 0)
		fail_msg("%s: %s", q, perr.msg);
	t = eval_expr(c, s->where, row);
	plan_free(pl);
	wql_free(s);
	return t;
}

static struct cq_value *
route_row(void)
{
	const struct cmap_class *c = cmap_class(map, "Win32_IP4RouteTable");
	struct cq_value *row = calloc(c->nprops, sizeof(*row));

	row[cmap_prop_index(c, cmap_prop(c, "Name"))] =
	    (struct cq_value){ .kind = CQ_V_STR, .s = strdup("10.0.0.0/8") };
	row[cmap_prop_index(c, cmap_prop(c, "Metric2"))] =
	    (struct cq_value){ .kind = CQ_V_SINT, .i = -1 };
	row[cmap_prop_index(c, cmap_prop(c, "Protocol"))] =
	    (struct cq_value){ .kind = CQ_V_UINT, .u = 3 };
	row[cmap_prop_index(c, cmap_prop(c, "InstallDate"))] =
	    (struct cq_value){ .kind = CQ_V_STR, .s = strdup("20261202101500.000000+000") };
	row[cmap_prop_index(c, cmap_prop(c, "Destination"))] =
	    (struct cq_value){ .kind = CQ_V_STR, .s = strdup("10.0.0.0") };
	/* Metric1 and the rest: NULL */
	return row;
}

static void
free_row(const char *cls, struct cq_value *row)
{
	const struct cmap_class *c = cmap_class(map, cls);

	for (size_t k = 0; k < c->nprops; k++)
		cq_value_clear(&row[k]);
	free(row);
}

#define T(cond, want) assert_int_equal(truth("Win32_IP4RouteTable", cond, row), want)

static void
test_null_logic(void **state)
{
	struct cq_value *row;

	if (map == NULL)
		skip();
	(void)state;
	row = route_row();
	T("Metric1 = 1", CQ_UNKNOWN);
	T("Metric1 <> 1", CQ_UNKNOWN);
	T("NOT Metric1 = 1", CQ_UNKNOWN);
	T("Metric1 = 1 OR Name = '10.0.0.0/8'", CQ_TRUE);
	T("Metric1 = 1 OR Name = 'x'", CQ_UNKNOWN);
	T("Metric1 = 1 AND Name = 'x'", CQ_FALSE);
	T("Name = 'x' AND Metric1 = 1", CQ_FALSE);
	T("Metric1 = 1 AND Name = '10.0.0.0/8'", CQ_UNKNOWN);
	T("NOT (Metric1 = 1 AND Name = 'x')", CQ_TRUE);
	T("Metric1 IS NULL", CQ_TRUE);
	T("Metric1 IS NOT NULL", CQ_FALSE);
	T("Name IS NULL", CQ_FALSE);
	T("Name LIKE '10.%' AND NOT Metric1 IS NOT NULL", CQ_TRUE);
	free_row("Win32_IP4RouteTable", row);
}

static void
test_types(void **state)
{
	struct cq_value *row;

	if (map == NULL)
		skip();
	(void)state;
	row = route_row();
	T("Name = '10.0.0.0/8'", CQ_TRUE);
	T("Name <> '10.0.0.0/8'", CQ_FALSE);
	T("Name < '2'", CQ_TRUE);
	/* addresses compare as addresses (an index's order), other strings as text */
	T("Name > '9'", CQ_FALSE);
	T("Destination > '9.0.0.0'", CQ_TRUE);
	T("Destination < '100.0.0.0' AND Destination >= '10.0.0.0'", CQ_TRUE);
	T("Destination < '10.0.0.1' AND Destination > '9.255.255.255'", CQ_TRUE);
	T("Destination < '::'", CQ_TRUE); /* IPv4 before IPv6 */
	T("Destination = '10.0.0.0'", CQ_TRUE);
	T("Destination < '10.0'", CQ_FALSE); /* not an address: as text */
	T("Metric2 = -1", CQ_TRUE);
	T("Metric2 < 0", CQ_TRUE);
	T("Metric2 > -2", CQ_TRUE);
	T("Metric2 >= -1 AND Metric2 <= -1", CQ_TRUE);
	T("Metric2 = '-1'", CQ_TRUE);
	T("-1 = Metric2", CQ_TRUE);
	T("0 > Metric2", CQ_TRUE);
	T("Protocol = 3", CQ_TRUE);
	/* a string holding an integer reads as the integer literal does: decimal
	   or 0x hex, never octal ('011' was 9, '09' no integer; found by
	   cimq_diff.sh) */
	T("Protocol = '03'", CQ_TRUE);
	T("Protocol = '0x3'", CQ_TRUE);
	T("Protocol < '09'", CQ_TRUE);
	T("Metric2 > '-09'", CQ_TRUE);
	T("Protocol = 03", CQ_TRUE);
	T("Protocol > 2 AND Protocol < 4", CQ_TRUE);
	T("Protocol != 3", CQ_FALSE);
	T("InstallDate > '20261202000000.000000+000'", CQ_TRUE);
	T("InstallDate < '20261202000000.000000+000'", CQ_FALSE);
	T("InstallDate LIKE '20261202%'", CQ_TRUE);
	/* the same instant elsewhere: 11:15 at +060 is 10:15 UTC */
	T("InstallDate = '20261202111500.000000+060'", CQ_TRUE);
	T("InstallDate < '20261202111500.000001+060'", CQ_TRUE);
	T("InstallDate > '20261202050000.000000-300'", CQ_TRUE);
	T("InstallDate < '20261202050000.000000-300'", CQ_FALSE);
	/* 10:00 at -300 is 15:00 UTC: later, though its text sorts first */
	T("InstallDate < '20261202100000.000000-300'", CQ_TRUE);
	T("InstallDate = '20261202050000.000000-300'", CQ_FALSE);
	T("InstallDate = '20261202051500.000000-300'", CQ_TRUE);
	free_row("Win32_IP4RouteTable", row);
}

static void
test_bool_uint64(void **state)
{
	const struct cmap_class *c;
	struct cq_value *row;

	if (map == NULL)
		skip();
	(void)state;
	c = cmap_class(map, "Win32_NetworkAdapter");
	row = calloc(c->nprops, sizeof(*row));
	row[cmap_prop_index(c, cmap_prop(c, "NetEnabled"))] =
	    (struct cq_value){ .kind = CQ_V_BOOL, .b = 1 };
	row[cmap_prop_index(c, cmap_prop(c, "Speed"))] =
	    (struct cq_value){ .kind = CQ_V_UINT, .u = UINT64_MAX };
	assert_int_equal(truth("Win32_NetworkAdapter", "NetEnabled = TRUE", row), CQ_TRUE);
	assert_int_equal(truth("Win32_NetworkAdapter", "NetEnabled = 1", row), CQ_TRUE);
	assert_int_equal(truth("Win32_NetworkAdapter", "NetEnabled <> FALSE", row), CQ_TRUE);
	assert_int_equal(truth("Win32_NetworkAdapter", "NetEnabled = false", row), CQ_FALSE);
	assert_int_equal(truth("Win32_NetworkAdapter", "NetEnabled = 'True'", row), CQ_TRUE);
	assert_int_equal(truth("Win32_NetworkAdapter", "NetEnabled = 'FALSE'", row), CQ_FALSE);
	assert_int_equal(truth("Win32_NetworkAdapter", "NetEnabled <> 0", row), CQ_TRUE);
	assert_int_equal(truth("Win32_NetworkAdapter", "Speed = 18446744073709551615", row),
	    CQ_TRUE);
	assert_int_equal(truth("Win32_NetworkAdapter", "Speed > 1000", row), CQ_TRUE);
	assert_int_equal(truth("Win32_NetworkAdapter", "Speed < 1", row), CQ_FALSE);
	free_row("Win32_NetworkAdapter", row);
}

static void
test_arrays_refs(void **state)
{
	const struct cmap_class *c;
	struct cq_value *row, *a;

	if (map == NULL)
		skip();
	(void)state;
	c = cmap_class(map, "Win32_NetworkAdapterConfiguration");
	row = calloc(c->nprops, sizeof(*row));
	a = calloc(2, sizeof(*a));
	a[0] = (struct cq_value){ .kind = CQ_V_STR, .s = strdup("192.0.2.7") };
	a[1] = (struct cq_value){ .kind = CQ_V_STR, .s = strdup("fe80::1") };
	row[cmap_prop_index(c, cmap_prop(c, "IPAddress"))] =
	    (struct cq_value){ .kind = CQ_V_ARRAY, .a = a, .n = 2 };
	row[cmap_prop_index(c, cmap_prop(c, "DefaultIPGateway"))] =
	    (struct cq_value){ .kind = CQ_V_ARRAY };
	assert_int_equal(truth(c->name, "IPAddress = '192.0.2.7'", row), CQ_TRUE);
	assert_int_equal(truth(c->name, "IPAddress LIKE 'FE80:%'", row), CQ_TRUE);
	assert_int_equal(truth(c->name, "IPAddress = '192.0.2.8'", row), CQ_FALSE);
	assert_int_equal(truth(c->name, "DefaultIPGateway = '192.0.2.1'", row), CQ_FALSE);
	assert_int_equal(truth(c->name, "DefaultIPGateway IS NULL", row), CQ_FALSE);
	assert_int_equal(truth(c->name, "DNSServerSearchOrder IS NULL", row), CQ_TRUE);
	free_row(c->name, row);
	c = cmap_class(map, "Win32_ActiveRoute");
	row = calloc(c->nprops, sizeof(*row));
	row[cmap_prop_index(c, cmap_prop(c, "SystemElement"))] =
	    (struct cq_value){ .kind = CQ_V_STR,
		    .s = strdup("Win32_IP4RouteTable.Destination=\"10.0.0.0\",InterfaceIndex=2") };
	assert_int_equal(truth(c->name, "SystemElement ISA 'win32_ip4routetable'", row), CQ_TRUE);
	assert_int_equal(truth(c->name, "SystemElement ISA 'Win32_IP4Route'", row), CQ_FALSE);
	assert_int_equal(truth(c->name, "SameElement ISA 'Win32_IP4PersistedRouteTable'", row),
	    CQ_UNKNOWN);
	free_row(c->name, row);
}

/* REF values compare as object paths: class and key names in any case, keys
   in any order, braces or not, values as their types compare. */
static void
test_ref_paths(void **state)
{
#define PR  "Win32_IP4PersistedRouteTable."
#define DMN "Destination=\"10.0.0.0\",Mask=\"255.0.0.0\",NextHop=\"192.0.2.1\""
	static const struct {
		const char *cond;
		enum cq_truth want;
	} cases[] = {
		{ "SameElement = 'win32_ip4persistedroutetable." DMN ",Metric1=10'", CQ_TRUE },
		{ "SameElement = '" PR "Metric1=10," DMN "'", CQ_TRUE },
		{ "SameElement = '{" PR "METRIC1=\"10\"," DMN "}'", CQ_TRUE },
		{ "SameElement <> '" PR "Metric1=10," DMN "'", CQ_FALSE },
		{ "SameElement = '" PR "Metric1=11," DMN "'", CQ_FALSE },
		{ "SameElement = 'Win32_IP4RouteTable.Metric1=10," DMN "'", CQ_FALSE },
		{ "SameElement = '" PR "Metric1=10,Destination=\"10.0.0.0\"'", CQ_FALSE },
		{ "SameElement = 'not a path'", CQ_FALSE },
		{ "SameElement = '\\\\\\\\.\\\\root\\\\cimv2:" PR DMN ",Metric1=10'", CQ_TRUE },
		{ "SameElement = 'ROOT/CIMV2:" PR DMN ",Metric1=10'", CQ_TRUE },
		{ "SameElement = 'root\\\\cimv2:" PR DMN ",Metric1=11'", CQ_FALSE },
	};
	const struct cmap_class *c;
	struct cq_value *row;

	if (map == NULL)
		skip();
	(void)state;
	c = cmap_class(map, "Win32_ActiveRoute");
	row = calloc(c->nprops, sizeof(*row));
	row[cmap_prop_index(c, cmap_prop(c, "SameElement"))] =
	    (struct cq_value){ .kind = CQ_V_STR, .s = strdup(PR DMN ",Metric1=10") };
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		if (truth(c->name, cases[k].cond, row) != cases[k].want)
			fail_msg("%s: not %d", cases[k].cond, cases[k].want);
	free_row(c->name, row);
#undef PR
#undef DMN
}

/* Real literals compare with integer properties by value, exactly. */
static void
test_reals(void **state)
{
	struct cq_value *row;
	const struct cmap_class *c;

	if (map == NULL)
		skip();
	(void)state;
	row = route_row();
	T("Metric2 > -1.5", CQ_TRUE);
	T("Metric2 < -0.5", CQ_TRUE);
	T("Metric2 = -1.0", CQ_TRUE);
	T("Metric2 = -1.5", CQ_FALSE);
	T("Metric2 > -1e0", CQ_FALSE);
	T("Metric2 >= -2.5e3", CQ_TRUE);
	T("Protocol < 3.5 AND Protocol > 2.5", CQ_TRUE);
	T("Protocol <> 3.0", CQ_FALSE);
	T("Protocol > 1e30", CQ_FALSE);
	T("Protocol > -1e30", CQ_TRUE);
	T("3.25 > Protocol", CQ_TRUE);
	T("Metric1 > 1.5", CQ_UNKNOWN);
	free_row("Win32_IP4RouteTable", row);
	c = cmap_class(map, "Win32_NetworkAdapter");
	row = calloc(c->nprops, sizeof(*row));
	row[cmap_prop_index(c, cmap_prop(c, "Speed"))] =
	    (struct cq_value){ .kind = CQ_V_UINT, .u = UINT64_MAX };
	/* 2^64 as a double: above every uint64, which a double cannot tell */
	assert_int_equal(truth(c->name, "Speed < 18446744073709551616.0", row), CQ_TRUE);
	assert_int_equal(truth(c->name, "Speed > 1.8e19", row), CQ_TRUE);
	free_row(c->name, row);
}

/* The names a condition gives: ISA's class, a REF path's server and
   namespace (status 2 in cimq). */
static void
test_names(void **state)
{
	static const struct {
		const char *cond, *msg; /* msg NULL: accepted */
	} cases[] = {
		{ "SameElement ISA 'Win32_IP4PersistedRouteTable'", NULL },
		{ "SameElement ISA 'win32_ip4routetable'", NULL },
		{ "SameElement ISA 'Win32_Nope'", "ISA: unknown class Win32_Nope" },
		{ "SystemElement ISA 'Win32_IP4RouteTabel'",
		    "ISA: unknown class Win32_IP4RouteTabel (did you mean Win32_IP4RouteTable?)" },
		{ "SameElement = '\\\\\\\\.\\\\root\\\\cimv2:Win32_IP4PersistedRouteTable.Metric1=1'",
		    NULL },
		{ "SameElement = '\\\\\\\\Router1\\\\ROOT\\\\CIMV2:Win32_IP4PersistedRouteTable.Metric1=1'",
		    NULL },
		{ "SameElement = 'root/cimv2:Win32_IP4PersistedRouteTable.Metric1=1'", NULL },
		{ "SameElement = '\\\\\\\\.\\\\root\\\\default:Win32_IP4PersistedRouteTable.Metric1=1'",
		    "invalid namespace root\\default: cimq's classes are in root\\cimv2" },
		{ "NOT SameElement <> '//pc2/root/cimv2:Win32_IP4PersistedRouteTable.Metric1=1'",
		    "server pc2 is not the agent queried: a path names \\\\. or \\\\router1" },
		{ "SameElement = 'not a path'", NULL },
	};
	const struct cmap_class *c;

	if (map == NULL)
		skip();
	(void)state;
	c = cmap_class(map, "Win32_ActiveRoute");
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char q[512], msg[200] = "";
		struct wql_stmt *s;
		struct wql_err err;
		struct plan_err perr;
		struct plan *pl;
		size_t pos = 0;
		int rc;

		snprintf(q, sizeof(q), "SELECT * FROM Win32_ActiveRoute WHERE %s", cases[k].cond);
		if (wql_parse(q, &s, &err) != 0 || plan_make(c, s, &pl, &perr) != 0)
			fail_msg("%s: does not parse or plan", q);
		rc = eval_check_names(map, c, s->where, "router1", &pos, msg, sizeof(msg));
		if (cases[k].msg == NULL ? rc != 0 : rc == 0 || strcmp(msg, cases[k].msg) != 0)
			fail_msg("%s: got %d '%s', want '%s'", q, rc, msg,
			    cases[k].msg ? cases[k].msg : "");
		if (cases[k].msg != NULL)
			assert_int_equal(q[pos], '\'');
		plan_free(pl);
		wql_free(s);
	}
}

static void
test_lit_value(void **state)
{
	const struct cmap_class *c;
	struct wql_lit l = { .kind = WQL_L_STR, .s = (char *)(uintptr_t) "42" };
	struct cq_value v;

	if (map == NULL)
		skip();
	(void)state;
	c = cmap_class(map, "Win32_NetworkAdapterConfiguration");
	assert_int_equal(eval_lit_value(cmap_prop(c, "Index"), &l, &v), 0);
	assert_int_equal(v.kind, CQ_V_UINT);
	assert_int_equal(v.u, 42);
	l.s = (char *)(uintptr_t) "x42";
	assert_int_equal(eval_lit_value(cmap_prop(c, "Index"), &l, &v), -1);
	l = (struct wql_lit){ .kind = WQL_L_INT, .neg = 1, .mag = 5 };
	assert_int_equal(eval_lit_value(cmap_prop(c, "Index"), &l, &v), -1);
	c = cmap_class(map, "Win32_IP4RouteTable");
	assert_int_equal(eval_lit_value(cmap_prop(c, "Metric1"), &l, &v), 0);
	assert_int_equal(v.kind, CQ_V_SINT);
	assert_int_equal(v.i, -5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_like),
		cmocka_unit_test(test_null_logic),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_bool_uint64),
		cmocka_unit_test(test_arrays_refs),
		cmocka_unit_test(test_ref_paths),
		cmocka_unit_test(test_lit_value),
		cmocka_unit_test(test_reals),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, cq_setup, cq_teardown);
}
