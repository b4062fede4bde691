/* systemd-resolved's per-link servers through a command: see linkcmd.h. */
#define _GNU_SOURCE /* pipe2 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iface/linkcmd.h"
#include "lib/log.h"

extern char **environ;

#define POLL_MS 20 /* without pidfd_open(2): how often waitpid() is asked */

/* The first line the child wrote to its stderr (a pipe, non-blocking: what is there). */
static void
first_line(int fd, char *buf, size_t len)
{
	ssize_t n = read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	for (char *p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p > '~')
			*p = '?';
}

/* The child is over: reap it, its status, the caller told (if tell). */
static void
reaped(struct linkcmd *c, int wstatus, int tell)
{
	if (c->pidfd >= 0) {
		loop_fd_remove(&c->fd);
		close(c->pidfd);
	} else
		loop_timer_stop(&c->poll);
	c->running = 0;
	c->pid = 0;
	c->status = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 ? 0 : -1;
	if (c->status < 0) {
		char why[256];

		first_line(c->errfd, why, sizeof(why));
		log_err("resolver", "the per-link DNS command failed (%s %d)%s%s",
		    WIFEXITED(wstatus) ? "exit status" : "signal",
		    WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus),
		    why[0] != '\0' ? ": " : "", why);
	}
	close(c->errfd);
	if (tell)
		c->done(c->arg);
}

/* The pidfd is readable (the child has exited), or the polling timer is due. */
static void
exited(void *arg)
{
	struct linkcmd *c = arg;
	int wstatus = 0;

	if (waitpid(c->pid, &wstatus, WNOHANG) == c->pid)
		reaped(c, wstatus, 1);
	else if (c->pidfd < 0)
		loop_timer_arm(POLL_MS, &c->poll);
}

/* Watch the child: its pidfd in the loop, or a polling timer without pidfd_open(2); 0 or -1. */
static int
watch(struct linkcmd *c)
{
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd >= 0) {
		if (loop_fd_add(&c->fd, c->pidfd, exited, c) == 0)
			return 0;
		close(c->pidfd);
		return -1;
	}
	if (errno != ENOSYS)
		return -1;
	loop_timer_init(&c->poll, exited, c);
	loop_timer_arm(POLL_MS, &c->poll);
	return 0;
}

/* The words of "cmd dns ifname servers..." (or '' for none), writable as execve() wants them. */
static struct {
	char cmd[PATH_MAX], dns[4], ifname[IF_NAMESIZE], none[1];
	char addr[RESOLVER_MAX][INET6_ADDRSTRLEN + 12]; /* "fe80::1%IFINDEX" */
	char *argv[RESOLVER_MAX + 4];
} words;

static char **
make_argv(const char *cmd, const char *ifname, const struct resolver_servers *s)
{
	size_t k = 0;
	char a[INET6_ADDRSTRLEN];

	snprintf(words.cmd, sizeof(words.cmd), "%s", cmd);
	snprintf(words.dns, sizeof(words.dns), "dns");
	snprintf(words.ifname, sizeof(words.ifname), "%s", ifname);
	words.none[0] = '\0';
	words.argv[k++] = words.cmd;
	words.argv[k++] = words.dns;
	words.argv[k++] = words.ifname;
	for (size_t i = 0; i < s->n; i++) {
		inet_ntop(s->v[i].family, s->v[i].addr, a, sizeof(a));
		if (s->v[i].zone != 0)
			snprintf(words.addr[i], sizeof(words.addr[i]), "%s%%%u", a,
			    (unsigned)s->v[i].zone);
		else
			snprintf(words.addr[i], sizeof(words.addr[i]), "%s", a);
		words.argv[k++] = words.addr[i];
	}
	if (s->n == 0)
		words.argv[k++] = words.none;
	words.argv[k] = NULL;
	return words.argv;
}

int
linkcmd_start(struct linkcmd *c, const char *cmd, const char *ifname,
    const struct resolver_servers *s, loop_fn done, void *arg, char *err, size_t errlen)
{
	char **argv = make_argv(cmd, ifname, s);
	posix_spawn_file_actions_t fa;
	int rc, efd[2];

	if (pipe2(efd, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "cannot run %s: %s", cmd, strerror(errno));
		return -1;
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) == 0) {
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, efd[1], 2);
		rc = posix_spawnp(&c->pid, cmd, &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
	}
	close(efd[1]);
	if (rc != 0) {
		snprintf(err, errlen, "cannot run %s: %s", cmd, strerror(rc));
		close(efd[0]);
		return -1;
	}
	c->errfd = efd[0];
	if (watch(c) < 0) {
		snprintf(err, errlen, "cannot watch %s (pid %d): %s", cmd, (int)c->pid,
		    strerror(errno));
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		close(c->errfd);
		c->pid = 0;
		return -1;
	}
	c->running = 1;
	c->done = done;
	c->arg = arg;
	return 0;
}

void
linkcmd_abandon(struct linkcmd *c)
{
	int wstatus = 0;

	if (!c->running)
		return;
	log_err("resolver", "the per-link DNS command (pid %d) took too long: killed", (int)c->pid);
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &wstatus, 0); /* SIGKILL: at once */
	reaped(c, wstatus, 0);
}
