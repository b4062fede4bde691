/* The wall-clock second of a CLOCK_MONOTONIC instant: see wallclock.h. */
#include "config.h"

#include "lib/wallclock.h"

time_t
wallclock_of_mono(int64_t mono_ns)
{
	struct timespec r, t;
	int64_t off;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &t);
	off = ((int64_t)r.tv_sec - t.tv_sec) * 1000000000 + (r.tv_nsec - t.tv_nsec);
	return (time_t)((off + mono_ns) / 1000000000);
}
