/*
 * Clocks a unit test sets: a test linked with -Wl,--wrap=clock_gettime and
 * fakeclock.c reads CLOCK_REALTIME and CLOCK_MONOTONIC from here once it has
 * called fakeclock_set(), and the real clocks again after fakeclock_off().
 * Time moves only when the test moves it (fakeclock_advance), so a test of
 * what happens as a second boundary passes is exact, not a race with the
 * machine's clock.
 */
#ifndef CIMR_TEST_FAKECLOCK_H
#define CIMR_TEST_FAKECLOCK_H

#include <time.h>

void fakeclock_set(struct timespec real, struct timespec mono);
void fakeclock_advance(long ns);
void fakeclock_off(void);

#endif
