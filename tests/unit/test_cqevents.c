/*
 * Unit tests of cimq's event queries' sequence logic (cimq/events.c):
 * cimRouteEventSequence runs from 1 to 4294967295 and wraps to 1, so a
 * wrap is not a gap; a row further on than the next expected is a gap of
 * the changes between; the window of rows a poll reads.  The network part
 * is in tests/integration/cimq_events.sh.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cimq/events.h"

#define MAXSEQ 4294967295u

static void
test_seq_arithmetic(void **state)
{
	(void)state;
	assert_int_equal(events_seq_add(1, 1), 2);
	assert_int_equal(events_seq_add(MAXSEQ, 1), 1); /* wraps to 1, never 0 */
	assert_int_equal(events_seq_add(MAXSEQ - 1, 3), 2);
	assert_int_equal(events_seq_add(0, 1), 1); /* none yet: the first is 1 */
	assert_int_equal(events_seq_add(5, MAXSEQ), 5);
	assert_int_equal(events_seq_add(2, MAXSEQ - 2), MAXSEQ); /* two back */
	assert_int_equal(events_seq_dist(7, 7), 0);
	assert_int_equal(events_seq_dist(7, 10), 3);
	assert_int_equal(events_seq_dist(MAXSEQ, 1), 1);
	assert_int_equal(events_seq_dist(MAXSEQ - 1, 2), 3);
	assert_true(events_seq_ahead(10, 10));
	assert_true(events_seq_ahead(10, 11));
	assert_false(events_seq_ahead(10, 9)); /* seen already */
	assert_true(events_seq_ahead(MAXSEQ, 1));
	assert_false(events_seq_ahead(1, MAXSEQ));
	assert_false(events_seq_ahead(1, 0)); /* 0 is no sequence number */
}

static void
test_gap(void **state)
{
	uint32_t next = 5, first = 0;

	(void)state;
	assert_int_equal(events_gap(&next, 5, &first), 0); /* the one expected */
	assert_int_equal(next, 6);
	assert_int_equal(events_gap(&next, 9, &first), 3); /* 6, 7, 8 missed */
	assert_int_equal(first, 6);
	assert_int_equal(next, 10);
	/* across the wrap: 4294967295 then 1 is no gap */
	next = MAXSEQ;
	assert_int_equal(events_gap(&next, MAXSEQ, &first), 0);
	assert_int_equal(next, 1);
	assert_int_equal(events_gap(&next, 1, &first), 0);
	assert_int_equal(next, 2);
	/* a gap across the wrap: 4294967294 expected, 2 read: 3 missed */
	next = MAXSEQ - 1;
	assert_int_equal(events_gap(&next, 2, &first), 3);
	assert_int_equal(first, MAXSEQ - 1);
	assert_int_equal(next, 3);
}

static void
test_window(void **state)
{
	uint32_t first = 0;

	(void)state;
	assert_int_equal(events_window(10, 9, 100, &first), 0); /* nothing new */
	assert_int_equal(events_window(10, 10, 100, &first), 1);
	assert_int_equal(first, 10);
	assert_int_equal(events_window(10, 14, 100, &first), 5);
	assert_int_equal(first, 10);
	assert_int_equal(events_window(10, 500, 100, &first), 100); /* the newest 100 */
	assert_int_equal(first, 401);
	/* across the wrap: from 4294967294 to 2 is 4 rows */
	assert_int_equal(events_window(MAXSEQ - 1, 2, 100, &first), 4);
	assert_int_equal(first, MAXSEQ - 1);
	assert_int_equal(events_window(MAXSEQ - 1, 2, 2, &first), 2);
	assert_int_equal(first, 1);
	/* nothing new just after the wrap */
	assert_int_equal(events_window(1, MAXSEQ, 100, &first), 0);
}

/* A poll's second pass GETs the rows its first pass selected; those that
   left the history in between (a burst larger than the history meanwhile)
   were lost without a word: they are missed changes, from the first to the
   last of them (seed 20261203 of cimq_evchurn.sh: IPv6 adds 44..55). */
static void
test_lost(void **state)
{
	const uint32_t v4[] = { 41, 43, 44, 46 }, all[] = { 5, 6, 7 }, wrap[] = { MAXSEQ, 1, 2 };
	uint32_t first = 0, last = 0;
	size_t at = 0;

	(void)state;
	assert_int_equal(events_lost(v4, 4, &at, 44, &first, &last), 3); /* 41 and 43 gone */
	assert_int_equal(first, 41);
	assert_int_equal(last, 43);
	assert_int_equal(at, 3);
	assert_int_equal(events_lost(v4, 4, &at, 46, &first, &last), 0); /* the next one */
	assert_int_equal(at, 4);
	assert_int_equal(events_lost(v4, 4, &at, 0, &first, &last), 0); /* the end: all read */
	at = 0;
	assert_int_equal(events_lost(v4, 4, &at, 45, &first, &last), 0); /* not asked for */
	assert_int_equal(at, 0);
	assert_int_equal(events_lost(all, 3, &at, 0, &first, &last), 3); /* none left */
	assert_int_equal(first, 5);
	assert_int_equal(last, 7);
	at = 0;
	assert_int_equal(events_lost(wrap, 3, &at, 2, &first, &last), 2); /* across the wrap */
	assert_int_equal(first, MAXSEQ);
	assert_int_equal(last, 1);
}

/*
 * The second pass walks every row from the first selected to the last: the
 * rows between that the first pass did not select (IPv6 changes for an IPv4
 * event class) are not asked for, and cost no scan of the whole list.
 */
static void
test_asked(void **state)
{
	const uint32_t v4[] = { 41, 43, 44, 46 }, wrap[] = { MAXSEQ - 1, 1, 3 };
	uint32_t first = 0, last = 0;
	size_t at = 0;

	(void)state;
	assert_true(events_asked(v4, 4, 0, 41));
	assert_false(events_asked(v4, 4, 0, 42));
	assert_true(events_asked(v4, 4, 0, 46));
	assert_false(events_asked(v4, 4, 0, 47));
	assert_false(events_asked(v4, 4, 2, 43)); /* read already */
	/* 42 not asked, 41 gone: said at 43, the next row asked for */
	assert_int_equal(events_lost(v4, 4, &at, 42, &first, &last), 0);
	assert_int_equal(at, 0);
	assert_int_equal(events_lost(v4, 4, &at, 43, &first, &last), 1);
	assert_int_equal(first, 41);
	assert_int_equal(at, 2);
	assert_false(events_asked(wrap, 3, 0, MAXSEQ));
	assert_true(events_asked(wrap, 3, 0, 1));
	assert_false(events_asked(wrap, 3, 0, 2));
	assert_true(events_asked(wrap, 3, 0, 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_arithmetic),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
