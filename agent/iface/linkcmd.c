/* systemd-resolved's per-link servers through a command: see linkcmd.h. */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "iface/linkcmd.h"
#include "lib/log.h"

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

/* The command is over: its status, a line in the log if it failed, the caller told. */
static void
ended(void *arg, int ok, const char *why)
{
	struct linkcmd *c = arg;

	c->running = 0;
	c->status = ok ? 0 : -1;
	if (!ok)
		log_err("resolver", "the per-link DNS command failed (%s)", why);
	c->done(c->arg);
}

int
linkcmd_start(struct linkcmd *c, const char *cmd, const char *ifname,
    const struct resolver_servers *s, loop_fn done, void *arg, char *err, size_t errlen)
{
	c->done = done;
	c->arg = arg;
	if (!proc_word_ok(ifname)) {
		snprintf(err, errlen, "the interface name cannot be given to %s", cmd);
		return -1;
	}
	if (proc_start(&c->p, make_argv(cmd, ifname, s), LINKCMD_TIMEOUT_S, ended, c, err, errlen) <
	    0)
		return -1;
	c->running = 1;
	return 0;
}

void
linkcmd_abandon(struct linkcmd *c)
{
	if (!c->running)
		return;
	log_err("resolver", "the per-link DNS command (pid %d) took too long: killed",
	    (int)c->p.pid);
	proc_kill(&c->p);
	c->running = 0;
	c->status = -1;
}
