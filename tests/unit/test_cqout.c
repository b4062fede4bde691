/* Unit tests: cimq's output formats (cimq/out.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cimq/out.h"

static const char *const names[] = { "Destination", "Metric1", "Up", "Addr", "Caption" };
#define NCOLS 5

static struct cq_value arr_vals[] = {
	{ .kind = CQ_V_STR, .s = (char[]){ "10.0.0.1" } },
	{ .kind = CQ_V_STR, .s = (char[]){ "fe80::1" } },
};

/* Two rows: numbers, a boolean, an array, a NULL, quotes and a newline. */
static const struct cq_value rows[2][NCOLS] = {
	{
	    { .kind = CQ_V_STR, .s = (char[]){ "0.0.0.0" } },
	    { .kind = CQ_V_SINT, .i = -1 },
	    { .kind = CQ_V_BOOL, .b = 1 },
	    { .kind = CQ_V_ARRAY, .a = arr_vals, .n = 2 },
	    { .kind = CQ_V_STR, .s = (char[]){ "say \"hi\"\n" } },
	},
	{
	    { .kind = CQ_V_STR, .s = (char[]){ "192.168.100.0" } },
	    { .kind = CQ_V_UINT, .u = 18446744073709551615u },
	    { .kind = CQ_V_BOOL, .b = 0 },
	    { .kind = CQ_V_ARRAY, .n = 0 },
	    { .kind = CQ_V_NULL },
	},
};

/* Prints the rows (nrows of them) in format f with width; returns the text. */
static char *
render(enum out_format f, size_t nrows, size_t ncols, size_t width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct out *o;

	assert_non_null(m);
	o = out_open(f, m, names, ncols, width);
	assert_non_null(o);
	for (size_t r = 0; r < nrows; r++)
		assert_int_equal(out_row(o, rows[r]), 0);
	assert_int_equal(out_close(o), 0);
	fclose(m);
	return buf;
}

static void
check(enum out_format f, size_t nrows, size_t ncols, size_t width, const char *want)
{
	char *got = render(f, nrows, ncols, width);

	assert_string_equal(got, want);
	free(got);
}

static void
test_parse_format(void **state)
{
	enum out_format f;

	(void)state;
	assert_int_equal(out_parse_format("table", &f), 0), assert_int_equal(f, OUT_TABLE);
	assert_int_equal(out_parse_format("LIST", &f), 0), assert_int_equal(f, OUT_LIST);
	assert_int_equal(out_parse_format("csv", &f), 0), assert_int_equal(f, OUT_CSV);
	assert_int_equal(out_parse_format("json", &f), 0), assert_int_equal(f, OUT_JSON);
	assert_int_equal(out_parse_format("xml", &f), -1);
}

/* Format-Table: numbers right-aligned, dashes as long as the names, NULL
   empty, control characters as '?', no trailing blanks. */
static void
test_table(void **state)
{
	(void)state;
	check(OUT_TABLE, 2, NCOLS, 0,
	    "\n"
	    "Destination                Metric1 Up    Addr                Caption\n"
	    "-----------                ------- --    ----                -------\n"
	    "0.0.0.0                         -1 True  {10.0.0.1, fe80::1} say \"hi\"?\n"
	    "192.168.100.0 18446744073709551615 False {}\n"
	    "\n");
	check(OUT_TABLE, 0, NCOLS, 0, "");
}

/* With a width: columns starting beyond it go, the last kept is cut. */
static void
test_table_width(void **state)
{
	(void)state;
	check(OUT_TABLE, 2, NCOLS, 30,
	    "\n"
	    "Destination            Metric1\n"
	    "-----------            -------\n"
	    "0.0.0.0                     -1\n"
	    "192.168.100.0 1844674407370...\n"
	    "\n");
	check(OUT_TABLE, 2, 1, 5,
	    "\n"
	    "De...\n"
	    "-----\n"
	    "0....\n"
	    "19...\n"
	    "\n");
}

static void
test_list(void **state)
{
	(void)state;
	check(OUT_LIST, 2, NCOLS, 0,
	    "\n"
	    "Destination : 0.0.0.0\n"
	    "Metric1     : -1\n"
	    "Up          : True\n"
	    "Addr        : {10.0.0.1, fe80::1}\n"
	    "Caption     : say \"hi\"?\n"
	    "\n"
	    "Destination : 192.168.100.0\n"
	    "Metric1     : 18446744073709551615\n"
	    "Up          : False\n"
	    "Addr        : {}\n"
	    "Caption     : \n"
	    "\n");
	check(OUT_LIST, 0, NCOLS, 0, "");
}

/* RFC 4180: quotes doubled, newline kept inside quotes, NULL unquoted. */
static void
test_csv(void **state)
{
	(void)state;
	check(OUT_CSV, 2, NCOLS, 0,
	    "\"Destination\",\"Metric1\",\"Up\",\"Addr\",\"Caption\"\r\n"
	    "\"0.0.0.0\",\"-1\",\"True\",\"{10.0.0.1, fe80::1}\",\"say \"\"hi\"\"\n\"\r\n"
	    "\"192.168.100.0\",\"18446744073709551615\",\"False\",\"{}\",\r\n");
	check(OUT_CSV, 0, 2, 0, "\"Destination\",\"Metric1\"\r\n");
}

static void
test_json(void **state)
{
	(void)state;
	check(OUT_JSON, 2, NCOLS, 0,
	    "[\n"
	    "{\"Destination\": \"0.0.0.0\", \"Metric1\": -1, \"Up\": true, "
	    "\"Addr\": [\"10.0.0.1\", \"fe80::1\"], \"Caption\": \"say \\\"hi\\\"\\n\"},\n"
	    "{\"Destination\": \"192.168.100.0\", \"Metric1\": 18446744073709551615, "
	    "\"Up\": false, \"Addr\": [], \"Caption\": null}\n"
	    "]\n");
	check(OUT_JSON, 0, NCOLS, 0, "[]\n");
}

/* JSON strings: UTF-8 kept, invalid bytes and controls escaped. */
static void
test_json_bytes(void **state)
{
	static const char *const n1[] = { "s" };
	const struct cq_value row[] = { { .kind = CQ_V_STR,
	    .s = (char[]){ "\xc3\xa9\xff\x01\\" } } };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct out *o = out_open(OUT_JSON, m, n1, 1, 0);

	(void)state;
	assert_int_equal(out_row(o, row), 0);
	assert_int_equal(out_close(o), 0);
	fclose(m);
	assert_string_equal(buf, "[\n{\"s\": \"\xc3\xa9\\u00ff\\u0001\\\\\"}\n]\n");
	free(buf);
}

/* Text (table, list) from an agent never reaches the terminal as a control:
   C0 controls and DEL, C1 controls in UTF-8 (U+009B is CSI to xterm) and
   bytes that are not UTF-8 all print as '?'; other UTF-8 is kept.  JSON
   escapes them (a C1 control as its code point, a lead byte past 0xF4 as
   other bytes that are not UTF-8).  CSV keeps controls (RFC 4180 quotes
   them) and prints bytes that are not UTF-8 as '?', so that the file is
   UTF-8.  A surrogate (ED A0 80) is not UTF-8. */
static void
test_text_controls(void **state)
{
	static const char *const n1[] = { "s" };
	const struct cq_value row[] = { { .kind = CQ_V_STR,
	    .s = (char[]){ "a\x1b[31mb\xc2\x9b"
			   "31mc\xff\x80\x80\x64\xc3\xa9\xe2\x82\xac\xed\xa0\x80" } } };
	enum out_format fs[] = { OUT_LIST, OUT_JSON, OUT_CSV };
	const char *want[] = { "\ns : a?[31mb?31mc???d\xc3\xa9\xe2\x82\xac???\n\n",
		"[\n{\"s\": \"a\\u001b[31mb\\u009b31mc\\u00ff\\u0080\\u0080d\xc3\xa9\xe2\x82\xac"
		"\\u00ed\\u00a0\\u0080\"}\n]\n",
		"\"s\"\r\n\"a\x1b[31mb\xc2\x9b"
		"31mc???d\xc3\xa9\xe2\x82\xac???\"\r\n" };

	(void)state;
	for (size_t k = 0; k < sizeof(fs) / sizeof(fs[0]); k++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		struct out *o = out_open(fs[k], m, n1, 1, 0);

		assert_int_equal(out_row(o, row), 0);
		assert_int_equal(out_close(o), 0);
		fclose(m);
		assert_string_equal(buf, want[k]);
		free(buf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_width),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_bytes),
		cmocka_unit_test(test_text_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
