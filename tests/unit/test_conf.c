/* Unit tests: the configuration file's routeTables values. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "route/mirror.h"
#include "snmp/conf.h"

static void
test_tables_names_and_numbers(void **state)
{
	struct mirror_config c = { .resync_interval = 42 };
	char err[256];

	assert_int_equal(mirror_parse_tables(&c, "main 100,local  default", err, sizeof(err)), 0);
	assert_int_equal(c.ntables, 4);
	assert_int_equal(c.tables[0], 254);
	assert_int_equal(c.tables[1], 100);
	assert_int_equal(c.tables[2], 255);
	assert_int_equal(c.tables[3], 253);
	assert_false(c.all_tables);
	assert_int_equal(c.resync_interval, 42); /* other settings untouched */
	assert_int_equal(mirror_parse_tables(&c, "ALL", err, sizeof(err)), 0);
	assert_true(c.all_tables);
	assert_int_equal(c.ntables, 0);
	assert_int_equal(mirror_parse_tables(&c, "4294967295", err, sizeof(err)), 0);
	assert_int_equal(c.tables[0], 4294967295u);
}

static void
test_tables_refused(void **state)
{
	const char *bad[] = { "", "0", "-1", "4294967296", "mian", "12abc", "main 0x10" };
	struct mirror_config c = { .tables = { 254 }, .ntables = 1 };
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(mirror_parse_tables(&c, bad[i], err, sizeof(err)), -1);
		assert_non_null(strstr(err, "routeTables"));
		/* Nothing half-applied. */
		assert_int_equal(c.ntables, 1);
		assert_int_equal(c.tables[0], 254);
	}
}

/* A control byte of the line reaches the message escaped, never raw (a forged log line). */
static void
test_tables_refused_escaped(void **state)
{
	struct mirror_config c = { 0 };
	char err[256];

	assert_int_equal(mirror_parse_tables(&c, "main\x01x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'main\\x01x'"));
	assert_null(strchr(err, '\x01'));
}

static void
test_tables_too_many(void **state)
{
	struct mirror_config c = { 0 };
	char list[1024] = "", err[256];

	for (int i = 1; i <= MIRROR_MAX_TABLES + 1; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%d ", i);
	assert_int_equal(mirror_parse_tables(&c, list, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));
}

/* A module's directive: lines reach its parser with its config; refusals are counted. */
static int
level_line(const char *token, const char *value, void *cfg, char *err, size_t errlen)
{
	if (strcmp(value, "high") != 0) {
		snprintf(err, errlen, "%s: expected high", token);
		return -1;
	}
	*(int *)cfg = 1;
	return 0;
}

static void
test_directive_helper(void **state)
{
	char good[] = "testLevel high", bad[] = "testLevel low";
	int level = 0;

	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_APPTYPE, "cimrouted");
	assert_int_equal(conf_directive("testLevel", level_line, &level, "high"), 0);
	assert_int_equal(conf_errors(), 0);
	netsnmp_config(bad); /* remembered, then read as a file's line would be */
	netsnmp_config_process_memories();
	assert_int_equal(level, 0);
	assert_int_equal(conf_errors(), 1);
	netsnmp_config(good);
	netsnmp_config_process_memories();
	assert_int_equal(level, 1);
	assert_int_equal(conf_errors(), 1);
	assert_int_equal(conf_bool("On"), 1);
	assert_int_equal(conf_bool("FALSE"), 0);
	assert_int_equal(conf_bool("maybe"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_names_and_numbers),
		cmocka_unit_test(test_tables_refused),
		cmocka_unit_test(test_tables_refused_escaped),
		cmocka_unit_test(test_tables_too_many),
		cmocka_unit_test(test_directive_helper),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
