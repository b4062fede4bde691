/* The event loop's plumbing: see loop.h. */
#include "config.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

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

/*
 * Read fds: one epoll set, and only its fd in net-snmp's select().
 *
 * Every wake-up of the agent is a select() over all the descriptors it
 * watches, three per value of a walk through AgentX (the AgentX socket and
 * net-snmp's two internal callback pipes).  Ours (the event socket, the
 * dump threads' eventfds, the request sockets) would multiply the kernel's
 * poll work of each of them: measured, about 10% more CPU a value than a
 * subagent with the AgentX socket alone.  Behind one epoll fd they cost one
 * poll.  The set is level-triggered, as select() is: a module that leaves
 * data (a bounded read) is called again at the next wake-up.  Each ready fd
 * is called once a wake-up, before net-snmp reads the AgentX socket, as
 * when they were net-snmp's own read fds (net-snmp dispatches external read
 * fds first).  The set is the loop's, like net-snmp's fd table: one per
 * process.
 */
#define LOOP_EVENTS 16

static struct {
	int epfd; /* 0: not made yet (fd 0 is stdin, never ours) */
	unsigned n;
	struct epoll_event batch[LOOP_EVENTS]; /* the wake-up being dispatched */
	int nbatch;
} lset;

static void
dispatch(int fd, void *arg)
{
	int n;

	(void)fd;
	(void)arg;
	n = epoll_wait(lset.epfd, lset.batch, LOOP_EVENTS, 0);
	lset.nbatch = n > 0 ? n : 0;
	for (int i = 0; i < lset.nbatch; i++) {
		struct loop_fd *f = lset.batch[i].data.ptr;

		if (f != NULL) /* NULL: removed by an earlier callback of this batch */
			f->fn(f->arg);
	}
	lset.nbatch = 0;
}

static int
set_open(void)
{
	if (lset.epfd > 0)
		return 0;
	if ((lset.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		lset.epfd = 0;
		return -1;
	}
	if (register_readfd(lset.epfd, dispatch, NULL) < 0) {
		close(lset.epfd);
		lset.epfd = 0;
		errno = EMFILE;
		return -1;
	}
	return 0;
}

static void
set_close(void)
{
	unregister_readfd(lset.epfd);
	close(lset.epfd);
	lset.epfd = 0;
}

int
loop_fd_add(struct loop_fd *f, int fd, loop_fn fn, void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = f };

	*f = (struct loop_fd){ .fd = fd, .fn = fn, .arg = arg };
	if (set_open() < 0)
		return -1;
	if (epoll_ctl(lset.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		if (lset.n == 0)
			set_close();
		return -1;
	}
	lset.n++;
	f->on = 1;
	return 0;
}

void
loop_fd_remove(struct loop_fd *f)
{
	if (!f->on)
		return;
	f->on = 0;
	epoll_ctl(lset.epfd, EPOLL_CTL_DEL, f->fd, NULL);
	for (int i = 0; i < lset.nbatch; i++)
		if (lset.batch[i].data.ptr == f)
			lset.batch[i].data.ptr = NULL;
	if (--lset.n == 0)
		set_close();
}
