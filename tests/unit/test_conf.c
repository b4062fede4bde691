/* Unit tests: the configuration file's routeTables values. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "snmp/conf.h"

static void
test_tables_names_and_numbers(void **state)
{
	struct mirror_config c = { .resync_interval = 42 };
	char err[256];

	assert_int_equal(conf_parse_tables(&c, "main 100,local  default", err, sizeof(err)), 0);
	assert_int_equal(c.ntables, 4);
	assert_int_equal(c.tables[0], 254);
	assert_int_equal(c.tables[1], 100);
	assert_int_equal(c.tables[2], 255);
	assert_int_equal(c.tables[3], 253);
	assert_false(c.all_tables);
	assert_int_equal(c.resync_interval, 42); /* other settings untouched */
	assert_int_equal(conf_parse_tables(&c, "ALL", err, sizeof(err)), 0);
	assert_true(c.all_tables);
	assert_int_equal(c.ntables, 0);
	assert_int_equal(conf_parse_tables(&c, "4294967295", err, sizeof(err)), 0);
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
		assert_int_equal(conf_parse_tables(&c, bad[i], err, sizeof(err)), -1);
		assert_non_null(strstr(err, "routeTables"));
		/* Nothing half-applied. */
		assert_int_equal(c.ntables, 1);
		assert_int_equal(c.tables[0], 254);
	}
}

static void
test_tables_too_many(void **state)
{
	struct mirror_config c = { 0 };
	char list[1024] = "", err[256];

	for (int i = 1; i <= MIRROR_MAX_TABLES + 1; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%d ", i);
	assert_int_equal(conf_parse_tables(&c, list, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_names_and_numbers),
		cmocka_unit_test(test_tables_refused),
		cmocka_unit_test(test_tables_too_many),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
