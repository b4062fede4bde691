/* The clocks a unit test sets: see fakeclock.h. */
#include "config.h"

#include "fakeclock.h"

int __real_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);

static int on;
static struct timespec fake_real, fake_mono;

int
__wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (!on || (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC))
		return __real_clock_gettime(clk, ts);
	*ts = clk == CLOCK_REALTIME ? fake_real : fake_mono;
	return 0;
}

void
fakeclock_set(struct timespec real, struct timespec mono)
{
	fake_real = real;
	fake_mono = mono;
	on = 1;
}

static void
add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns % 1000000000;
	t->tv_sec += ns / 1000000000 + t->tv_nsec / 1000000000;
	t->tv_nsec %= 1000000000;
}

void
fakeclock_advance(long ns)
{
	add_ns(&fake_real, ns);
	add_ns(&fake_mono, ns);
}

void
fakeclock_off(void)
{
	on = 0;
}
