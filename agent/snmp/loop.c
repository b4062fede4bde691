/* The event loop's plumbing: see loop.h. */
#include "config.h"

#include <errno.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "snmp/loop.h"

void
loop_timer_init(struct loop_timer *t, loop_fn fn, void *arg)
{
	*t = (struct loop_timer){ .fn = fn, .arg = arg };
}

static void
fired(unsigned int id, void *arg)
{
	struct loop_timer *t = arg;

	/* A one-shot alarm is gone once it fired; fn may arm the timer again. */
	if (t->every == 0 && id == t->id)
		t->id = 0;
	t->fn(t->arg);
}

static void
arm(struct loop_timer *t, unsigned ms, int keep_earlier)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	struct timespec due;

	clock_gettime(CLOCK_MONOTONIC, &due);
	due.tv_sec += tv.tv_sec;
	due.tv_nsec += tv.tv_usec * 1000;
	if (due.tv_nsec >= 1000000000) {
		due.tv_sec++;
		due.tv_nsec -= 1000000000;
	}
	if (t->id != 0) {
		if (keep_earlier &&
		    (t->due.tv_sec < due.tv_sec ||
			(t->due.tv_sec == due.tv_sec && t->due.tv_nsec <= due.tv_nsec)))
			return;
		snmp_alarm_unregister(t->id);
	}
	t->every = 0;
	t->due = due;
	t->id = snmp_alarm_register_hr(tv, 0, fired, t);
}

void
loop_timer_arm(unsigned ms, void *timer)
{
	arm(timer, ms, 0);
}

void
loop_timer_arm_earlier(unsigned ms, void *timer)
{
	arm(timer, ms, 1);
}

int
loop_timer_every(struct loop_timer *t, unsigned seconds)
{
	loop_timer_stop(t);
	t->every = seconds;
	if ((t->id = snmp_alarm_register(seconds, SA_REPEAT, fired, t)) == 0) {
		t->every = 0;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
loop_timer_stop(struct loop_timer *t)
{
	if (t->id != 0)
		snmp_alarm_unregister(t->id);
	t->id = 0;
	t->every = 0;
}

void
loop_arm(const struct loop_arm *a, unsigned ms)
{
	if (a->fn != NULL)
		a->fn(ms, a->arg);
}

void
loop_arm_timer(struct loop_arm *a, loop_arm_fn how, struct loop_timer *t, loop_fn fn, void *arg)
{
	loop_timer_init(t, fn, arg);
	*a = (struct loop_arm){ how, t };
}

static void
readable(int fd, void *arg)
{
	struct loop_fd *f = arg;

	f->fn(f->arg);
}

int
loop_fd_add(struct loop_fd *f, int fd, loop_fn fn, void *arg)
{
	*f = (struct loop_fd){ .fd = fd, .fn = fn, .arg = arg };
	if (register_readfd(fd, readable, f) < 0) {
		errno = EMFILE;
		return -1;
	}
	f->on = 1;
	return 0;
}

void
loop_fd_remove(struct loop_fd *f)
{
	if (f->on)
		unregister_readfd(f->fd);
	f->on = 0;
}
