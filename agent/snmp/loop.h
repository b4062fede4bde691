/*
 * The event loop's plumbing: timers and read fds over net-snmp's loop.
 *
 * The loop is net-snmp's (agent_check_and_process()); this is the one
 * place that calls snmp_alarm_register() and register_readfd().  A module
 * embeds a struct loop_timer or struct loop_fd in its own context and
 * registers it when it starts, so no callback needs a global to find its
 * module: the context is the client pointer net-snmp hands back.
 *
 * A one-shot timer is armed again and again: a new request replaces the
 * pending one (loop_timer_arm), or only brings it forward
 * (loop_timer_arm_earlier: an earlier request is never postponed).
 *
 * An engine (the route and interface mirrors, the notifier, the writer)
 * does not know the loop: it asks for its timer through a struct loop_arm,
 * a loop_arm_fn and its argument, which a unit test fills with a function
 * of its own (or leaves empty, and calls the timer by hand).  In the daemon
 * loop_arm_timer() points it at a struct loop_timer, through
 * loop_timer_arm or loop_timer_arm_earlier, which have that shape.
 *
 * The header itself includes nothing of net-snmp: modules below the
 * net-snmp glue may embed these structures.
 */
#ifndef CIMR_LOOP_H
#define CIMR_LOOP_H

#include <time.h>

typedef void (*loop_fn)(void *arg);

struct loop_timer {
	unsigned int id;     /* the pending alarm; 0: none */
	struct timespec due; /* when it fires (monotonic) */
	unsigned every;      /* s: a repeating timer; 0: one-shot */
	loop_fn fn;
	void *arg;
};

struct loop_fd {
	int fd;
	int on; /* registered: a zeroed one is not */
	loop_fn fn;
	void *arg;
};

/* Set up t to run fn(arg); nothing is pending yet. */
void loop_timer_init(struct loop_timer *t, loop_fn fn, void *arg);
/* Run the timer in ms milliseconds, replacing a pending request; timer is a struct loop_timer. */
void loop_timer_arm(unsigned ms, void *timer);
/* Run the timer in ms milliseconds unless it is due earlier already. */
void loop_timer_arm_earlier(unsigned ms, void *timer);
/* Run the timer every seconds from now on, until loop_timer_stop(); 0, or -1. */
int loop_timer_every(struct loop_timer *t, unsigned seconds);
/* Cancel what is pending (nothing if nothing is). */
void loop_timer_stop(struct loop_timer *t);

/* Asks for the engine's timer function in ms milliseconds (replacing an earlier request). */
typedef void (*loop_arm_fn)(unsigned ms, void *arg);

struct loop_arm {
	loop_arm_fn fn; /* NULL: asks nothing */
	void *arg;
};

/* Ask: fn(ms, arg), nothing when there is no fn. */
void loop_arm(const struct loop_arm *a, unsigned ms);
/* Set up t to run fn(arg), and point a at it through how (loop_timer_arm, or _earlier). */
void loop_arm_timer(struct loop_arm *a, loop_arm_fn how, struct loop_timer *t, loop_fn fn,
    void *arg);

/* Call fn(arg) whenever fd is readable; 0, or -1 (net-snmp's fd table is full). */
int loop_fd_add(struct loop_fd *f, int fd, loop_fn fn, void *arg);
/* Stop watching (nothing if it is not watched). */
void loop_fd_remove(struct loop_fd *f);

#endif
