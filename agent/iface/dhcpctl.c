/*
 * The DHCP client of an interface, driven (see dhcpctl.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iface/dhcpctl.h"
#include "iface/proc.h"
#include "snmp/conf.h"

static const char *const names[DHCP_NACTIONS] = { "enable", "disable", "release", "renew" };

/*
 * The clients' own commands.  dhclient, on the pid and lease files Debian's
 * ifupdown gives each interface (so that it finds the client ifupdown
 * started, and one interface's command never stops another's client): -nw
 * starts it in the background (and stops the one its pid file names: a
 * restart asks for the lease it has, which renews it), -x stops it and keeps
 * the lease, -r releases it.  systemd-networkd renews; enabling DHCP or
 * releasing a lease needs its .network files, which are not ours.  Starting
 * a client on a static link (EnableDHCP where no client keeps a lease) is a
 * choice of the operator's system, its client and its hooks (dhclient-script
 * rewrites the resolver file): only a configured command does it.
 */
#define DHCLIENT "/sbin/dhclient -4 -pf /run/dhclient.%i.pid -lf /var/lib/dhcp/dhclient.%i.leases"

static const char *const builtin[][DHCP_NACTIONS] = {
	[DHCP_CLIENT_NONE] = { NULL, NULL, NULL, NULL }, /* a client for a static link: configured */
	[DHCP_CLIENT_DHCLIENT] = { DHCLIENT " -nw %i", DHCLIENT " -x %i", DHCLIENT " -r %i",
	    DHCLIENT " -nw %i" },
	[DHCP_CLIENT_NETWORKD] = { NULL, NULL, NULL, "/usr/bin/networkctl renew %i" },
	[DHCP_CLIENT_NM] = { NULL, NULL, NULL, NULL }, /* dhclient would fight NetworkManager */
};

struct run {
	struct dhcpctl *d;
	int32_t ifindex; /* 0: the slot is free */
	int tag;
	struct proc p;
	dhcpctl_done_fn done;
	void *arg;
};

struct dhcpctl {
	const struct dhcpctl_config *cfg;
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

	if (a >= DHCP_NACTIONS || client > DHCP_CLIENT_NM || !proc_word_ok(ifname))
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

/* A run ended: its slot free again, then the caller told. */
static void
ended(void *arg, int ok, const char *why)
{
	struct run *r = arg;
	dhcpctl_done_fn done = r->done;
	void *done_arg = r->arg;
	int32_t ifindex = r->ifindex;
	int tag = r->tag;

	r->ifindex = 0;
	if (done != NULL)
		done(done_arg, ifindex, tag, ok, why);
}

int
dhcpctl_run(struct dhcpctl *d, int32_t ifindex, int tag, char *const argv[], dhcpctl_done_fn done,
    void *arg, char *err, size_t errlen)
{
	struct run *r;
	int i;

	if (ifindex <= 0 || dhcpctl_busy(d, ifindex)) {
		snprintf(err, errlen, "a DHCP command for this interface is still running");
		return -1;
	}
	if ((i = run_of(d, 0)) < 0) {
		snprintf(err, errlen, "%d DHCP commands are running already", DHCPCTL_RUNS_MAX);
		return -1;
	}
	r = &d->runs[i];
	*r = (struct run){ .d = d, .tag = tag, .done = done, .arg = arg };
	if (proc_start(&r->p, argv, d->cfg->timeout_s ? d->cfg->timeout_s : DHCPCTL_TIMEOUT_S,
		ended, r, err, errlen) < 0)
		return -1;
	r->ifindex = ifindex;
	return 0;
}

void
dhcpctl_poll(struct dhcpctl *d)
{
	for (size_t i = 0; i < DHCPCTL_RUNS_MAX; i++)
		if (d->runs[i].ifindex != 0)
			proc_poll(&d->runs[i].p);
}

void
dhcpctl_free(struct dhcpctl *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < DHCPCTL_RUNS_MAX; i++)
		if (d->runs[i].ifindex != 0)
			proc_kill(&d->runs[i].p);
	free(d);
}
