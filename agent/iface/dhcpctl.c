/*
 * The DHCP client of an interface, driven (see dhcpctl.h).
 */
#define _GNU_SOURCE /* pipe2, posix_spawn_file_actions_addclosefrom_np */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iface/dhcpctl.h"
#include "snmp/conf.h"

static const char *const names[DHCP_NACTIONS] = { "enable", "disable", "release", "renew" };

/*
 * The clients' own commands.  dhclient: -nw starts it in the background
 * (and stops the one its pid file names: a restart asks for the lease it
 * has, which renews it), -x stops it and keeps the lease, -r releases it.
 * An interface without a lease gets dhclient's, where it is installed
 * (Debian's ifupdown uses it).  systemd-networkd renews; enabling DHCP or
 * releasing a lease needs its .network files, which are not ours.
 */
static const char *const builtin[][DHCP_NACTIONS] = {
	[DHCP_CLIENT_NONE] = { "/sbin/dhclient -nw %i", NULL, NULL, NULL },
	[DHCP_CLIENT_DHCLIENT] = { "/sbin/dhclient -nw %i", "/sbin/dhclient -x %i",
	    "/sbin/dhclient -r %i", "/sbin/dhclient -nw %i" },
	[DHCP_CLIENT_NETWORKD] = { NULL, NULL, NULL, "/usr/bin/networkctl renew %i" },
	[DHCP_CLIENT_NM] = { NULL, NULL, NULL, NULL }, /* dhclient would fight NetworkManager */
};

struct run {
	struct dhcpctl *d;
	int32_t ifindex; /* 0: the slot is free */
	int tag;
	pid_t pid;
	int pidfd, out; /* out: the read end of its stdout and stderr */
	struct loop_fd lf;
	struct timespec deadline;
	int killed;
	dhcpctl_done_fn done;
	void *arg;
	size_t outlen;
	char output[DHCPCTL_LINE];
};

struct dhcpctl {
	const struct dhcpctl_config *cfg;
	int started;
	struct loop_timer timer;
	struct run runs[DHCPCTL_RUNS_MAX];
};

const char *
dhcpctl_action_name(enum dhcp_action a)
{
	return a < DHCP_NACTIONS ? names[a] : "?";
}

/* ---- the directive ---------------------------------------------------------- */

int
dhcpctl_line(const char *token, const char *value, void *arg, char *err, size_t errlen)
{
	struct dhcpctl_config *cfg = arg;
	size_t n = strcspn(value, " \t"), words = 0;
	const char *cmd = value + n + strspn(value + n, " \t");
	char *copy;
	int a;

	for (a = 0; a < DHCP_NACTIONS; a++)
		if (strlen(names[a]) == n && strncmp(value, names[a], n) == 0)
			break;
	for (const char *p = cmd; *p != '\0'; p += strspn(p, " \t")) {
		words++;
		p += strcspn(p, " \t");
	}
	if (a == DHCP_NACTIONS || cmd[0] != '/' || words > DHCPCTL_ARGS_MAX || strlen(cmd) >= 512) {
		snprintf(err, errlen,
		    "%s: expected enable|disable|release|renew, an absolute program and at "
		    "most %d words in all (512 characters)",
		    token, DHCPCTL_ARGS_MAX);
		return -1;
	}
	if ((copy = strdup(cmd)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", token);
		return -1;
	}
	free(cfg->cmd[a]);
	cfg->cmd[a] = copy;
	return 0;
}

int
dhcpctl_conf_register(struct dhcpctl_config *cfg)
{
	return conf_directive("dhcpCommand", dhcpctl_line, cfg,
	    "enable|disable|release|renew /PROGRAM [WORD...] (%i: the interface; the DHCP "
	    "client's command for WMI's EnableDHCP, EnableStatic, ReleaseDHCPLease, "
	    "RenewDHCPLease)");
}

void
dhcpctl_config_free(struct dhcpctl_config *cfg)
{
	for (int a = 0; a < DHCP_NACTIONS; a++) {
		free(cfg->cmd[a]);
		cfg->cmd[a] = NULL;
	}
}

/* ---- the command -------------------------------------------------------------- */

/* A name the kernel could give a link, and nothing a command line could misread. */
static int
ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ)
		return 0;
	if (s[0] == '-') /* an option to the client */
		return 0;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s == '/' || *s == '%' || *s == 0x7f)
			return 0;
	return 1;
}

/* cmd with %i made ifname, into buf; 0, or -1 if it does not fit. */
static int
expand(const char *cmd, const char *ifname, char *buf, size_t buflen)
{
	size_t n = 0;

	for (const char *p = cmd; *p != '\0'; p++) {
		const char *put = p[0] == '%' && p[1] == 'i' ? ifname : NULL;
		size_t len = put != NULL ? strlen(put) : 1;

		if (n + len >= buflen)
			return -1;
		memcpy(buf + n, put != NULL ? put : p, len);
		n += len;
		p += put != NULL;
	}
	buf[n] = '\0';
	return 0;
}

int
dhcpctl_command(const struct dhcpctl_config *cfg, enum dhcp_action a, enum dhcp_client client,
    const char *ifname, char **argv, char *buf, size_t buflen)
{
	const char *cmd;
	size_t n = 0;
	char *save = NULL;

	if (a >= DHCP_NACTIONS || client > DHCP_CLIENT_NM || !ifname_ok(ifname))
		return -1;
	cmd = cfg->cmd[a] != NULL ? cfg->cmd[a] : builtin[client][a];
	if (cmd == NULL || expand(cmd, ifname, buf, buflen) < 0)
		return -1;
	for (char *w = strtok_r(buf, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		if (n == DHCPCTL_ARGS_MAX)
			return -1;
		argv[n++] = w;
	}
	argv[n] = NULL;
	/* A built-in program that is not installed is no command. */
	return n > 0 && (cfg->cmd[a] != NULL || access(argv[0], X_OK) == 0) ? 0 : -1;
}

/* ---- running -------------------------------------------------------------------- */

struct dhcpctl *
dhcpctl_new(const struct dhcpctl_config *cfg)
{
	struct dhcpctl *d = calloc(1, sizeof(*d));

	if (d != NULL)
		d->cfg = cfg;
	return d;
}

/* The run of ifindex (0: a free slot), or -1. */
static int
run_of(const struct dhcpctl *d, int32_t ifindex)
{
	for (int i = 0; i < DHCPCTL_RUNS_MAX; i++)
		if (d->runs[i].ifindex == ifindex)
			return i;
	return -1;
}

int
dhcpctl_busy(const struct dhcpctl *d, int32_t ifindex)
{
	return ifindex > 0 && run_of(d, ifindex) >= 0;
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

/* Start argv in r: its pid, pidfd and output pipe.  0, or an errno. */
static int
spawn(struct run *r, char *const argv[])
{
	static char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin", lang[] = "LC_ALL=C";
	char *const env[] = { path, lang, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int p[2], rc;

	if (pipe2(p, O_CLOEXEC) < 0)
		return errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	rc = spawn_actions(&fa, &at, p[1]);
	if (rc == 0)
		rc = posix_spawn(&r->pid, argv[0], &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (rc == 0 && (r->pidfd = pidfd_open(r->pid, 0)) < 0) {
		rc = errno;
		kill(-r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0); /* killed: at once */
	}
	if (rc != 0) {
		close(p[0]);
		return rc;
	}
	r->out = p[0];
	fcntl(r->out, F_SETFL, O_NONBLOCK);
	return 0;
}

static void on_ready(void *arg);

int
dhcpctl_run(struct dhcpctl *d, int32_t ifindex, int tag, char *const argv[], dhcpctl_done_fn done,
    void *arg, char *err, size_t errlen)
{
	struct run *r;
	int rc, i;

	if (ifindex <= 0 || dhcpctl_busy(d, ifindex)) {
		snprintf(err, errlen, "a DHCP command for this interface is still running");
		return -1;
	}
	if ((i = run_of(d, 0)) < 0) {
		snprintf(err, errlen, "%d DHCP commands are running already", DHCPCTL_RUNS_MAX);
		return -1;
	}
	r = &d->runs[i];
	memset(r, 0, sizeof(*r));
	if ((rc = spawn(r, argv)) != 0) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(rc));
		return -1;
	}
	r->d = d;
	r->ifindex = ifindex;
	r->tag = tag;
	r->done = done;
	r->arg = arg;
	clock_gettime(CLOCK_MONOTONIC, &r->deadline);
	r->deadline.tv_sec += d->cfg->timeout_s ? d->cfg->timeout_s : DHCPCTL_TIMEOUT_S;
	if (d->started)
		loop_fd_add(&r->lf, r->pidfd, on_ready, d);
	return 0;
}

/*
 * Keep the start of what the command wrote; the rest is read and dropped,
 * DRAIN_READS reads a call (the next poll reads on).
 */
#define DRAIN_READS 16

static void
drain(struct run *r)
{
	char buf[512];
	ssize_t n;

	for (int i = 0; i < DRAIN_READS && (n = read(r->out, buf, sizeof(buf))) > 0; i++) {
		size_t k = (size_t)n < sizeof(r->output) - 1 - r->outlen ?
		    (size_t)n :
		    sizeof(r->output) - 1 - r->outlen;

		memcpy(r->output + r->outlen, buf, k);
		r->outlen += k;
	}
	r->output[r->outlen] = '\0';
}

/* Its outcome in words: "" when it succeeded. */
static int
outcome(const struct run *r, int st, char *why, size_t len)
{
	const char *line = r->output;
	int n = (int)strcspn(line, "\n");

	if (r->killed)
		snprintf(why, len, "killed after %u s",
		    r->d->cfg->timeout_s ? r->d->cfg->timeout_s : DHCPCTL_TIMEOUT_S);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		snprintf(why, len, "%.*s", n, line);
	else if (WIFEXITED(st))
		snprintf(why, len, "exit status %d%s%.*s", WEXITSTATUS(st), n ? ": " : "", n, line);
	else
		snprintf(why, len, "killed by signal %d", WTERMSIG(st));
	return !r->killed && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void
finish(struct run *r, int st)
{
	dhcpctl_done_fn done = r->done;
	void *arg = r->arg;
	int32_t ifindex = r->ifindex;
	int tag = r->tag;
	char why[DHCPCTL_LINE + 64];
	int ok;

	drain(r);
	ok = outcome(r, st, why, sizeof(why));
	loop_fd_remove(&r->lf);
	close(r->pidfd);
	close(r->out);
	memset(r, 0, sizeof(*r));
	if (done != NULL)
		done(arg, ifindex, tag, ok, why);
}

/* Kill the command and its process group (the pidfd reaches it even if it left the group). */
static void
kill_run(const struct run *r)
{
	kill(-r->pid, SIGKILL);
	syscall(SYS_pidfd_send_signal, r->pidfd, SIGKILL, NULL, 0);
}

/*
 * The child's wait status if it ended (reaped now), else -1.  A child that
 * cannot be waited for (reaped elsewhere) counts as ended with exit status
 * 255, rather than kept for ever.
 */
static int
reaped(struct run *r)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)r->pidfd, &si, WEXITED | WNOHANG) < 0)
		return errno == EINTR ? -1 : W_EXITCODE(255, 0);
	if (si.si_pid == 0)
		return -1;
	return si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0) : si.si_status & 0x7f;
}

void
dhcpctl_poll(struct dhcpctl *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	for (size_t i = 0; i < DHCPCTL_RUNS_MAX; i++) {
		struct run *r = &d->runs[i];
		int st;

		if (r->ifindex == 0)
			continue;
		drain(r);
		if ((st = reaped(r)) >= 0) {
			finish(r, st);
		} else if (!r->killed && now.tv_sec >= r->deadline.tv_sec) {
			kill_run(r);
			r->killed = 1;
		}
	}
}

static void
on_ready(void *arg)
{
	dhcpctl_poll(arg);
}

int
dhcpctl_start(struct dhcpctl *d)
{
	d->started = 1;
	for (size_t i = 0; i < DHCPCTL_RUNS_MAX; i++)
		if (d->runs[i].ifindex != 0)
			loop_fd_add(&d->runs[i].lf, d->runs[i].pidfd, on_ready, d);
	loop_timer_init(&d->timer, on_ready, d);
	return loop_timer_every(&d->timer, 1);
}

void
dhcpctl_stop(struct dhcpctl *d)
{
	loop_timer_stop(&d->timer);
	for (size_t i = 0; i < DHCPCTL_RUNS_MAX; i++)
		loop_fd_remove(&d->runs[i].lf);
	d->started = 0;
}

void
dhcpctl_free(struct dhcpctl *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < DHCPCTL_RUNS_MAX; i++) {
		struct run *r = &d->runs[i];

		if (r->ifindex == 0)
			continue;
		kill_run(r);
		waitid(P_PIDFD, (id_t)r->pidfd, &(siginfo_t){ 0 }, WEXITED);
		r->done = NULL;
		finish(r, 0);
	}
	free(d);
}
