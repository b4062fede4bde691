/*
 * A command run in a child process, never waited for (see proc.h).
 */
#define _GNU_SOURCE /* pipe2, posix_spawn_file_actions_addclosefrom_np */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iface/proc.h"

#define PROC_PATH   "/usr/sbin:/usr/bin:/sbin:/bin"
#define DRAIN_READS 16 /* reads of its output a poll: the next poll reads on */

/* A program without '/' in PROC_PATH: its path in buf; 0, or -1 (ENOENT). */
static int
find_program(const char *name, char *buf, size_t len)
{
	const char *dir = PROC_PATH;

	if (strchr(name, '/') != NULL) {
		snprintf(buf, len, "%s", name);
		return 0;
	}
	while (*dir != '\0') {
		size_t n = strcspn(dir, ":");

		snprintf(buf, len, "%.*s/%s", (int)n, dir, name);
		if (access(buf, X_OK) == 0)
			return 0;
		dir += n + (dir[n] == ':');
	}
	errno = ENOENT;
	return -1;
}

static int
spawn_actions(posix_spawn_file_actions_t *fa, posix_spawnattr_t *at, int wr)
{
	sigset_t all, none;

	sigfillset(&all);
	sigemptyset(&none);
	return posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0) ||
	    posix_spawn_file_actions_adddup2(fa, wr, 1) ||
	    posix_spawn_file_actions_adddup2(fa, wr, 2) ||
	    posix_spawn_file_actions_addclosefrom_np(fa, 3) || posix_spawnattr_setpgroup(at, 0) ||
	    posix_spawnattr_setsigdefault(at, &all) || posix_spawnattr_setsigmask(at, &none) ||
	    posix_spawnattr_setflags(at,
		POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
}

/* Start argv: p's pid and output pipe.  0, or an errno. */
static int
spawn(struct proc *p, const char *path, char *const argv[])
{
	static char env_path[] = "PATH=" PROC_PATH, env_lang[] = "LC_ALL=C";
	char *const env[] = { env_path, env_lang, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int fds[2], rc;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	rc = spawn_actions(&fa, &at, fds[1]);
	if (rc == 0)
		rc = posix_spawn(&p->pid, path, &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		p->pid = 0;
		return rc;
	}
	p->out = fds[0];
	fcntl(p->out, F_SETFL, O_NONBLOCK);
	return 0;
}

static void on_ready(void *arg);

/* Watch it: its pidfd in the loop (else polling), and the timer for its limit. */
static void
watch(struct proc *p)
{
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	loop_timer_init(&p->timer, on_ready, p);
	if (p->pidfd >= 0 && loop_fd_add(&p->fd, p->pidfd, on_ready, p) < 0) {
		close(p->pidfd);
		p->pidfd = -1;
	}
	loop_timer_arm(p->pidfd >= 0 ? 1000 : PROC_POLL_MS, &p->timer);
}

int
proc_start(struct proc *p, char *const argv[], unsigned timeout_s, proc_done_fn done, void *arg,
    char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	memset(p, 0, sizeof(*p));
	p->pidfd = p->out = -1;
	if (find_program(argv[0], path, sizeof(path)) < 0) {
		snprintf(err, errlen, "cannot run %s: not found in %s", argv[0], PROC_PATH);
		return -1;
	}
	if ((rc = spawn(p, path, argv)) != 0) {
		snprintf(err, errlen, "cannot run %s: %s", path, strerror(rc));
		return -1;
	}
	p->timeout_s = timeout_s;
	p->done = done;
	p->arg = arg;
	clock_gettime(CLOCK_MONOTONIC, &p->deadline);
	p->deadline.tv_sec += timeout_s;
	watch(p);
	return 0;
}

int
proc_running(const struct proc *p)
{
	return p->pid != 0;
}

/* Keep the start of what the command wrote; the rest is read and dropped. */
static void
drain(struct proc *p)
{
	char buf[512];
	ssize_t n;

	for (int i = 0; i < DRAIN_READS && (n = read(p->out, buf, sizeof(buf))) > 0; i++) {
		size_t room = sizeof(p->output) - 1 - p->outlen;
		size_t k = (size_t)n < room ? (size_t)n : room;

		memcpy(p->output + p->outlen, buf, k);
		p->outlen += k;
	}
	p->output[p->outlen] = '\0';
}

/* Its first line, printable, and whether it succeeded. */
static int
outcome(const struct proc *p, int st, char *why, size_t len)
{
	char line[PROC_LINE];
	size_t n = strcspn(p->output, "\r\n");

	snprintf(line, sizeof(line), "%.*s", (int)n, p->output);
	for (char *c = line; *c != '\0'; c++)
		if ((unsigned char)*c < ' ' || (unsigned char)*c > '~')
			*c = '?';
	if (p->killed)
		snprintf(why, len, "killed after %u s", p->timeout_s);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		snprintf(why, len, "%s", line);
	else if (WIFEXITED(st))
		snprintf(why, len, "exit status %d%s%s", WEXITSTATUS(st), line[0] ? ": " : "",
		    line);
	else
		snprintf(why, len, "killed by signal %d", WTERMSIG(st));
	return !p->killed && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Forget the child (reaped): its descriptors, its place in the loop. */
static void
forget(struct proc *p)
{
	loop_fd_remove(&p->fd);
	loop_timer_stop(&p->timer);
	if (p->pidfd >= 0)
		close(p->pidfd);
	close(p->out);
	p->pid = 0;
	p->pidfd = p->out = -1;
}

static void
finish(struct proc *p, int st)
{
	char why[PROC_LINE + 64];
	int ok;

	drain(p);
	ok = outcome(p, st, why, sizeof(why));
	forget(p);
	if (p->done != NULL)
		p->done(p->arg, ok, why);
}

static void
kill_group(const struct proc *p)
{
	kill(-p->pid, SIGKILL);
	if (p->pidfd >= 0) /* reaches it even if it left its group */
		syscall(SYS_pidfd_send_signal, p->pidfd, SIGKILL, NULL, 0);
}

void
proc_poll(struct proc *p)
{
	struct timespec now;
	pid_t r;
	int st = 0;

	if (p->pid == 0)
		return;
	drain(p);
	if ((r = waitpid(p->pid, &st, WNOHANG)) == p->pid || (r < 0 && errno == ECHILD)) {
		finish(p, r < 0 ? W_EXITCODE(255, 0) : st); /* ECHILD: reaped elsewhere */
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!p->killed && now.tv_sec >= p->deadline.tv_sec) {
		kill_group(p);
		p->killed = 1;
	}
	loop_timer_arm(p->pidfd >= 0 && !p->killed ? 1000 : PROC_POLL_MS, &p->timer);
}

static void
on_ready(void *arg)
{
	proc_poll(arg);
}

/* Killed children not reaped yet: watched from the loop until they are (done NULL). */
static struct proc orphans[PROC_ORPHANS_MAX];

/* Hand p's killed child to a slot of orphans (p forgets it); 0, or -1 when all are taken. */
static int
orphan(struct proc *p)
{
	for (size_t i = 0; i < PROC_ORPHANS_MAX; i++) {
		struct proc *o = &orphans[i];

		if (o->pid != 0)
			continue;
		loop_fd_remove(&p->fd);
		loop_timer_stop(&p->timer);
		*o = *p;
		memset(&o->fd, 0, sizeof(o->fd));
		o->done = NULL;
		o->killed = 1;
		loop_timer_init(&o->timer, on_ready, o);
		if (o->pidfd >= 0 && loop_fd_add(&o->fd, o->pidfd, on_ready, o) < 0) {
			close(o->pidfd);
			o->pidfd = -1;
		}
		loop_timer_arm(PROC_POLL_MS, &o->timer);
		p->pid = 0;
		p->pidfd = p->out = -1;
		return 0;
	}
	return -1;
}

void
proc_kill(struct proc *p)
{
	if (p->pid == 0)
		return;
	kill_group(p);
	if (waitpid(p->pid, NULL, WNOHANG) != p->pid && orphan(p) == 0)
		return;
	if (p->pid != 0) {
		waitpid(p->pid, NULL, 0); /* no slot left: SIGKILLed, at once unless in D state */
		forget(p);
	}
}

int
proc_word_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || s[0] == '-')
		return 0;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s == '/' || *s == '%' || *s >= 0x7f)
			return 0;
	return 1;
}
