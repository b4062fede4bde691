/*
 * The wall-clock second of an instant kept on CLOCK_MONOTONIC (a route's or
 * an address's time since boot): the two clocks' offset read now, to the
 * nanosecond.  With each clock cut to whole seconds apart, the answer moved
 * by a second between two reads as the clocks' second boundaries passed.
 * Read from now, a clock step after the instant moves it along.
 */
#ifndef CIMR_WALLCLOCK_H
#define CIMR_WALLCLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_REALTIME's second at mono_ns, nanoseconds on CLOCK_MONOTONIC. */
time_t wallclock_of_mono(int64_t mono_ns);

/*
 * The same of a kernel stamp in hundredths of a second since boot
 * (IFA_CACHEINFO's cstamp and tstamp), kept in 32 bits that wrap after 497
 * days: the latest such instant not after now (or up to an hour after it).
 */
time_t wallclock_of_centis(uint32_t cs);

#endif
