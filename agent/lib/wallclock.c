/* The wall-clock second of a CLOCK_MONOTONIC instant: see wallclock.h. */
#include "config.h"

#include "lib/wallclock.h"

/* CLOCK_REALTIME minus CLOCK_MONOTONIC now, in nanoseconds; *mono is the monotonic now. */
static int64_t
offset_ns(struct timespec *mono)
{
	struct timespec r;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, mono);
	return ((int64_t)r.tv_sec - mono->tv_sec) * 1000000000 + (r.tv_nsec - mono->tv_nsec);
}

time_t
wallclock_of_mono(int64_t mono_ns)
{
	struct timespec t;

	return (time_t)((offset_ns(&t) + mono_ns) / 1000000000);
}

/*
 * The kernel's stamps count jiffies since boot, which need not agree with
 * CLOCK_MONOTONIC to the hundredth: a stamp of a moment ago may read a little
 * after now, and is taken as such up to an hour ahead, not as 497 days ago.
 */
#define CENTIS_AHEAD (3600u * 100)

time_t
wallclock_of_centis(uint32_t cs)
{
	struct timespec t;
	int64_t off = offset_ns(&t);
	int64_t now_cs = (int64_t)t.tv_sec * 100 + t.tv_nsec / 10000000;
	uint32_t ahead = cs - (uint32_t)now_cs, behind = (uint32_t)now_cs - cs;
	int64_t at_cs = ahead <= CENTIS_AHEAD ? now_cs + ahead : now_cs - behind;

	return (time_t)((off + at_cs * 10000000) / 1000000000);
}
