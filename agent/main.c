/*
 * cimrouted: an AgentX subagent serving CIM-ROUTE-MIB.
 *
 * One event loop, owned by net-snmp (agent_check_and_process).  Each
 * module puts its own fds and timers into it when it starts (snmp/loop.h);
 * this file reads the options, creates the modules in dependency order,
 * connects their callbacks once, runs the loop and frees the modules.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "snmp/conf.h"
#include "lib/log.h"
#include "snmp/master.h"
#include "snmp/mib.h"
#include "snmp/mib_adapter.h"
#include "snmp/mib_ifset.h"
#include "snmp/txn.h"
#include "iface/ifdev.h"
#include "iface/ifmirror.h"
#include "iface/dhcpctl.h"
#include "iface/dhcplease.h"
#include "iface/resolver.h"
#include "nl/nlmon.h"
#include "route/route6.h"
#include "route/rt.h"
#include "route/rt4.h"
#include "route/nlreq.h"
#include "event/notify.h"
#include "icmp/ping.h"
#include "icmp/pingrows.h"
#include "icmp/resolve.h"
#include "snmp/mib_ping.h"
#include "lib/privdrop.h"
#include "lib/statefile.h"
#include "route/writer.h"

#define APP                   "cimrouted"
#define DEFAULT_PING_INTERVAL 5 /* s: how often a live master is pinged (master.c) */

static volatile sig_atomic_t stop_signal;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " APP
	    " [-f] [-x ADDRESS] [-c FILE] [-S DIR] [-L LOGOPTS] [-D TOKENS] [-p PIDFILE] [-u USER]\n"
	    "       [-h] [-V]\n"
	    "  -f           stay in the foreground\n"
	    "  -x ADDRESS   the master agent's AgentX address (/path, unix:/path, tcp:HOST:PORT)\n"
	    "  -c FILE      read this configuration file too (besides " APP
	    ".conf in net-snmp's config path)\n"
	    "  -S DIR       state directory (default " CIMR_STATEDIR ")\n"
	    "  -L LOGOPTS   net-snmp log options: -Le, -Lo, -Lf FILE, -Ls FACILITY, ...\n"
	    "  -D TOKENS    debug output for these tokens (e.g. cimr, cimr:mirror, agentx)\n"
	    "  -p PIDFILE   write the process id to PIDFILE\n"
	    "  -u USER      run as USER with CAP_NET_ADMIN and CAP_NET_RAW only (started as root)\n"
	    "  -h           this help\n"
	    "  -V           print the version\n");
}

/* A one-line reason on stderr, then exit: only before the loop runs. */
static void __attribute__((noreturn, format(printf, 1, 2))) fatal(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, APP ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* A ping target that is a broadcast address of the host's IPv4 networks (hosts: the mirror). */
static int
ping_broadcast(const void *hosts, const struct ping_target *t)
{
	return t->family == AF_INET && iface_is_broadcast4(hosts, t->a.v4.s_addr);
}

/* The ping rows' engine, resolver and addresses: the real functions (unit tests give fakes). */
static const struct ping_ops ping_ops_real = {
	.run_start = ping_run_start,
	.run_cancel = ping_run_cancel,
	.may_start = ping_engine_may_start,
	.set_rate = ping_engine_set_rate,
	.name = resolve_name,
	.addr = resolve_addr,
	.cancel = resolve_cancel,
	.broadcast = ping_broadcast,
};

/*
 * The ICMP engine (its raw sockets) and the resolver threads of the ping
 * rows.  Without an engine (no CAP_NET_RAW) the rows are served and kept,
 * and every activation is refused with resourceUnavailable (logged here
 * once, and for each refusal).
 */
static void
ping_open(struct pingrows *pings, struct resolve_pool **pool, int time_source)
{
	char err[256];
	struct ping_engine *eng = ping_engine_new(err, sizeof(err));

	if (eng == NULL)
		log_err("ping", "no ICMP socket, cimPingTable cannot start requests: %s", err);
	else {
		ping_engine_set_time_source(eng, time_source);
		ping_engine_set_rate(eng, pings->lim.rate);
		if (ping_engine_start(eng) < 0)
			fatal("cannot watch the ICMP sockets");
	}
	/* Its threads start after daemonizing (main()): a thread does not survive fork(). */
	if ((*pool = resolve_pool_new(2, 256)) == NULL)
		fatal("out of memory");
	pings->engine = eng;
	pings->resolver = *pool;
}

/*
 * What a route mirror's change callback reaches: the writer (its persisted
 * routes of the mirror's family), and the notifier (the served mirrors of
 * both families, one stream; NULL for the persisted routes' private ones).
 * ops is the mirror's family: its entries are handed to the notifier as
 * they are.
 */
struct route_side {
	struct writer *w;
	struct notify *n;
	const struct rt_ops *ops;
};

static void
route_changed(enum route_change what, const void *old, const void *new, unsigned flags, void *arg)
{
	static const enum notify_kind kind[] = {
		[ROUTE_ADDED] = NOTIFY_ADDED,
		[ROUTE_REMOVED] = NOTIFY_REMOVED,
		[ROUTE_CHANGED] = NOTIFY_CHANGED,
	};
	struct route_side *rs = arg;

	if (rs->w != NULL)
		writer_entry_changed(rs->w, rs->ops, old, new);
	if (rs->n != NULL)
		notify_change(rs->n, kind[what], rs->ops, new != NULL ? new : old,
		    flags & MIRROR_CHANGE_LOST);
}

/* Mirror m's changes to the writer w and the notifier n (NULL: none), through side rs. */
static void
route_side_connect(struct mirror *m, struct route_side *rs, struct writer *w, struct notify *n,
    const struct rt_ops *ops)
{
	*rs = (struct route_side){ .w = w, .n = n, .ops = ops };
	mirror_set_callbacks(m, route_changed, NULL, rs);
}

/*
 * The state directory: created if missing, refused if it is a symbolic
 * link, not ours or writable by others (issue 9, item 2; an existing one
 * is never chmod'ed behind the operator's back).  Returns its absolute
 * path: after daemonizing the working directory is / (item 3).
 */
static char *
state_dir(const char *dir)
{
	char err[PATH_MAX + 128], *abs;
	int fd;

	if (privdrop_mkdirs(dir, NULL) < 0)
		fatal("state directory %s is not usable: %s", dir, strerror(errno));
	if ((fd = statefile_opendir(dir, err, sizeof(err))) < 0)
		fatal("%s; refusing to use it", err);
	close(fd);
	if (access(dir, W_OK | X_OK) < 0)
		fatal("state directory %s is not usable: %s", dir, strerror(errno));
	if ((abs = realpath(dir, NULL)) == NULL)
		fatal("state directory %s: %s", dir, strerror(errno));
	return abs;
}

/*
 * The pid file, opened before daemonizing (so that a refusal reaches the
 * terminal) and written after it: never through a symbolic link, nor into
 * a file that is not ours (issue 9, item 2).  *abs is set to its absolute
 * path, for the unlink at exit (item 3).
 */
static int
open_pidfile(const char *path, char **abs)
{
	char dir[PATH_MAX], *slash, *rdir;
	const char *base = path;
	struct stat st;
	size_t len;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*(slash == dir ? slash + 1 : slash) = '\0';
		base = path + (slash - dir) + 1;
	} else
		snprintf(dir, sizeof(dir), ".");
	if (*base == '\0')
		fatal("pid file %s: not a file name", path);
	if ((rdir = realpath(dir, NULL)) == NULL)
		fatal("cannot write pid file %s: %s", path, strerror(errno));
	len = strlen(rdir) + strlen(base) + 2;
	if ((*abs = malloc(len)) == NULL)
		fatal("out of memory");
	snprintf(*abs, len, "%s/%s", strcmp(rdir, "/") == 0 ? "" : rdir, base);
	free(rdir);
	fd = open(*abs, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ELOOP)
		fatal("pid file %s is a symbolic link; refusing to write it", path);
	if (fd < 0)
		fatal("cannot write pid file %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		fatal("pid file %s is not a regular file; refusing to write it", path);
	/* Emptied only once known to be ours: not a hard link to some other file. */
	if (st.st_uid != geteuid() || st.st_nlink != 1)
		fatal("pid file %s is %s; refusing to write it", path,
		    st.st_uid != geteuid() ? "owned by another user" : "a hard link");
	return fd;
}

static void
write_pidfile(int fd, const char *path)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)n) != n || close(fd) < 0)
		fatal("cannot write pid file %s: %s", path, strerror(errno));
}

/*
 * -u USER (issue 16): first what only root may do, the state directory made
 * (what is created given to USER) and the pid file opened (*pidfd), then
 * the drop, before the configuration is read, before anything else is
 * opened and before any thread starts (capabilities belong to a thread).
 * What follows runs as it will for the daemon's life: the netlink sockets
 * and their buffer (CAP_NET_ADMIN), the raw ICMP sockets (CAP_NET_RAW), the
 * configuration files and the AgentX socket with USER's permissions, which
 * a reconnection after a master restart needs anyway.
 */
static void
drop_privileges(const char *user, const char *statedir, const char *pidpath, int *pidfd,
    char **pidabs)
{
	char err[PATH_MAX + 128];
	struct privdrop p;

	if (privdrop_lookup(user, geteuid(), &p, err, sizeof(err)) < 0)
		fatal("%s", err);
	if (privdrop_mkdirs(statedir, &p) < 0)
		fatal("state directory %s is not usable: %s", statedir, strerror(errno));
	if (pidpath != NULL)
		*pidfd = open_pidfile(pidpath, pidabs);
	if (privdrop_apply(&p, err, sizeof(err)) < 0)
		fatal("%s", err);
}

struct options {
	int foreground;
	int logging_set;
	const char *master;
	const char *conffile;
	const char *statedir;
	const char *pidfile;
	const char *user;
};

static void
parse_options(int argc, char **argv, struct options *o)
{
	int ch;

	opterr = 0;
	while ((ch = getopt(argc, argv, ":fx:c:S:L:D:p:u:hV")) != -1) {
		switch (ch) {
		case 'f': o->foreground = 1; break;
		case 'x': o->master = optarg; break;
		case 'c': o->conffile = optarg; break;
		case 'S': o->statedir = optarg; break;
		case 'L':
			if (snmp_log_options(optarg, argc, argv) < 0)
				fatal("bad log option -L%s (see -h)", optarg);
			o->logging_set = 1;
			break;
		case 'D':
			debug_register_tokens(optarg);
			snmp_set_do_debugging(1);
			break;
		case 'p': o->pidfile = optarg; break;
		case 'u': o->user = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'V':
			printf(APP " %s (net-snmp %s)\n", PACKAGE_VERSION, netsnmp_get_version());
			exit(0);
		case ':': fatal("option -%c needs a value (see -h)", optopt);
		default: fatal("unknown option -%c (see -h)", optopt);
		}
	}
	if (optind < argc)
		fatal("unexpected argument '%s' (see -h)", argv[optind]);
}

static void
check_conffile(const char *path)
{
	FILE *f = fopen(path, "r");
	struct stat st;

	if (f == NULL)
		fatal("cannot read configuration file %s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		fatal("configuration file %s is not a regular file", path);
	}
	fclose(f);
}

/* iface_alias_fn: the alias in sysfs (ifdev). */
static int
link_alias(void *ifd, const char *name, char *buf, size_t len)
{
	return ifdev_alias(ifd, name, buf, len);
}

/*
 * Apply fn to each mirror once: the private mirrors of the main tables (pm,
 * pm6) are the served ones when routeTables serves main.
 */
static void
each_mirror(struct mirror *const *v, size_t n, void (*fn)(struct mirror *))
{
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < i && v[j] != v[i])
			j++;
		if (j == i)
			fn(v[i]);
	}
}

/*
 * Every module of the daemon, created in this order by the functions
 * below and freed in the reverse order by daemon_free().  The route
 * mirrors: m and m6 are served; pm and pm6 hold main for the persisted
 * routes, and are m and m6 themselves when routeTables serves main.
 */
struct daemon {
	struct options o;
	char *statedir, *pidfile;
	int pidfd;
	/* the configuration the directives fill */
	struct mirror_config cfg, pcfg;
	struct writer_config wcfg;
	struct resolver_config rcfg;
	struct dhcplease_config dcfg;
	struct dhcpctl_config ccfg;
	int time_source;
	/* the modules */
	struct master *ms;
	struct txn *txn;
	struct notify notifier;
	struct nlmon *mon;
	struct iface *ifm;
	struct mirror *m, *m6, *pm, *pm6;
	struct route_side rs, rs6, prs, prs6;
	struct nlreq *q, *qa;
	struct writer *w;
	struct resolver *res;
	struct dhcplease *dl;
	struct ifdev *ifd;
	struct ifset *ifs;
	struct dhcpctl *dc;
	struct pingrows pings;
	struct resolve_pool *pool;
};

static void
daemon_init(struct daemon *d)
{
	memset(d, 0, sizeof(*d));
	d->o.statedir = CIMR_STATEDIR;
	d->pidfd = -1;
	d->cfg = (struct mirror_config){ .tables = { 254 }, .ntables = 1, .resync_interval = 900 };
	d->pcfg = (struct mirror_config){ .tables = { PERSIST_TABLE }, .ntables = 1 };
	d->ccfg.timeout_s = DHCPCTL_TIMEOUT_S;
	d->time_source = PING_TIME_SOCKET;
}

/* What runs as root, if anything: logging, the privilege drop, the state directory. */
static void
daemon_prepare(struct daemon *d)
{
	const struct options *o = &d->o;

	if (!o->logging_set) {
		if (o->foreground)
			snmp_enable_stderrlog();
		else
			snmp_enable_syslog_ident(APP, LOG_DAEMON);
	}
	if (o->user != NULL)
		drop_privileges(o->user, o->statedir, o->pidfile, &d->pidfd, &d->pidfile);
	if (o->conffile != NULL) {
		check_conffile(o->conffile);
		netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OPTIONALCONFIG,
		    o->conffile);
	}
	d->statedir = state_dir(o->statedir);
	if (getenv("CIMROUTED_TEST_FAIL_DIRSYNC") != NULL)
		statefile_fail_dirsync = 1; /* tests: every state file write fails at the end */
}

/*
 * net-snmp's agent, the directives of every module, and the configuration
 * read; then the session to the master, which the notifications and the
 * SETs follow from its first connection (init_snmp()).
 */
static void
daemon_configure(struct daemon *d)
{
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	if (d->o.master != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
		    d->o.master);
	/* A subagent resolves no names: skip parsing the host's MIB files. */
	setenv("MIBS", "", 1);
	notify_init(&d->notifier);
	pingrows_init(&d->pings, &ping_ops_real, NULL, NULL);
	writer_config_default(&d->wcfg);
	if (mirror_conf_register(&d->cfg) < 0 || notify_conf_register(&d->notifier.set) < 0 ||
	    writer_conf_register(&d->wcfg) < 0 || dhcplease_conf_register(&d->dcfg) < 0 ||
	    dhcpctl_conf_register(&d->ccfg) < 0 || resolver_conf_register(&d->rcfg) < 0 ||
	    pingrows_conf_register(&d->pings, &d->time_source) < 0)
		fatal("cannot register the configuration directives");
	if ((d->ms = master_init()) == NULL || (d->txn = txn_new()) == NULL ||
	    master_watch(d->ms, mib_event_master, NULL) < 0 ||
	    master_watch(d->ms, txn_master, d->txn) < 0)
		fatal("out of memory");
	mib_event_init(&d->notifier);
	if (init_agent(APP) != 0)
		fatal("cannot initialise net-snmp's agent library");
	/* After init_agent(), which resets it; the configuration may override it. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	    DEFAULT_PING_INTERVAL);
	/* Reads the configuration, then connects to the master (or schedules retries). */
	conf_watch(1);
	init_snmp(APP);
	conf_watch(0);
	if (conf_errors() > 0)
		fatal("%d bad line(s) in the configuration (logged above)", conf_errors());
	master_start(d->ms);
}

/*
 * The route side: one event socket, the interface mirror and the route
 * mirrors on it, the request sockets, the notifier's state and the
 * writer, each mirror's changes to the writer and (served ones) the
 * notifier.
 */
static void
daemon_open_routes(struct daemon *d)
{
	char err[PATH_MAX + 128];

	if ((d->mon = nlmon_new(d->cfg.event_buffer)) == NULL || (d->ifm = iface_new()) == NULL ||
	    (d->m = mirror_new(&d->cfg)) == NULL ||
	    (d->m6 = mirror_new_family(&rt6_ops, &d->cfg)) == NULL)
		fatal("out of memory");
	if ((d->q = nlreq_open()) == NULL || (d->qa = nlreq_open()) == NULL)
		fatal("cannot open a netlink request socket");
	if (notify_open(&d->notifier, d->statedir) < 0)
		fatal("cannot read %s/" NOTIFY_FILE ": %s", d->statedir, strerror(errno));
	d->w = writer_new(d->m, d->q, d->qa, &d->wcfg, d->statedir, NULL, NULL, err, sizeof(err));
	if (d->w == NULL)
		fatal("%s", err);
	/* Persisted routes live in main: without it in routeTables, the writer mirrors it alone. */
	d->pm = d->m;
	d->pm6 = d->m6;
	d->pcfg.resync_interval = d->cfg.resync_interval;
	if (!mirror_table_selected(&d->cfg, PERSIST_TABLE) &&
	    ((d->pm = mirror_new(&d->pcfg)) == NULL ||
		(d->pm6 = mirror_new_family(&rt6_ops, &d->pcfg)) == NULL))
		fatal("out of memory");
	route_side_connect(d->m, &d->rs, d->w, &d->notifier, &rt4_ops);
	route_side_connect(d->m6, &d->rs6, d->w, &d->notifier, &rt6_ops);
	if (d->pm != d->m)
		route_side_connect(d->pm, &d->prs, d->w, NULL, &rt4_ops);
	if (d->pm6 != d->m6)
		route_side_connect(d->pm6, &d->prs6, d->w, NULL, &rt6_ops);
	writer_use_mirror(d->w, d->pm);
	writer_use_mirror6(d->w, d->m6);
	writer_use_persist_mirror6(d->w, d->pm6);
	if (iface_attach(d->ifm, d->mon) < 0 || mirror_attach(d->m, d->mon, d->ifm) < 0 ||
	    mirror_attach(d->m6, d->mon, d->ifm) < 0 ||
	    (d->pm != d->m && mirror_attach(d->pm, d->mon, d->ifm) < 0) ||
	    (d->pm6 != d->m6 && mirror_attach(d->pm6, d->mon, d->ifm) < 0) ||
	    iface_watch(d->ifm, writer_link_changed, d->w) < 0)
		fatal("cannot subscribe to netlink events");
}

/* The interfaces' other sources: the resolver, DHCP leases, device facts; then the first loads. */
static void
daemon_load(struct daemon *d)
{
	if ((d->res = resolver_new(NULL, d->rcfg.resolved_dir, d->rcfg.link_cmd)) == NULL ||
	    resolver_start(d->res) < 0 || (d->dl = dhcplease_new(&d->dcfg)) == NULL ||
	    dhcplease_start(d->dl) < 0)
		fatal("cannot read the resolver configuration or the DHCP leases");
	mib_adcfg_use_leases(d->dl);
	/* The adapters' device facts (sysfs, ethtool), read as links come and change. */
	if ((d->ifd = ifdev_new(NULL, NULL, NULL)) == NULL)
		fatal("out of memory");
	ifdev_bind(d->ifd, d->ifm);
	mib_adcfg_use_ifdev(d->ifd);
	/* The alias of a link that is down, when an event disagrees with the mirror's. */
	iface_alias_reader(d->ifm, link_alias, d->ifd);
	if (iface_watch(d->ifm, ifdev_link_changed, d->ifd) < 0)
		fatal("cannot subscribe to netlink events");
	if (iface_start(d->ifm) < 0)
		fatal("cannot load the kernel's links and addresses over netlink: %s",
		    strerror(errno));
	ifdev_sync(d->ifd, d->ifm);
	if (mirror_start(d->m) < 0 || mirror_start(d->m6) < 0 ||
	    (d->pm != d->m && mirror_start(d->pm) < 0) ||
	    (d->pm6 != d->m6 && mirror_start(d->pm6) < 0))
		fatal("cannot load the kernel's routes over netlink: %s", strerror(errno));
	log_notice("mirror", "%zu IPv4 routes loaded", mirror_routes(d->m)->count);
	log_notice("mirror", "%zu IPv6 routes loaded",
	    ((const struct route6_table *)mirror_table(d->m6))->count);
	if (d->pm != d->m)
		log_notice("persist", "main table mirrored for persisted routes only: %zu routes",
		    mirror_routes(d->pm)->count);
	if (writer_start(d->w) < 0)
		fatal("cannot watch the netlink sockets");
}

/* The adapter methods and the ping rows, then every table registered with the master. */
static void
daemon_register(struct daemon *d)
{
	char err[PATH_MAX + 128];

	if ((d->ifs = ifset_new(d->w, d->ifm)) == NULL || (d->dc = dhcpctl_new(&d->ccfg)) == NULL)
		fatal("out of memory");
	/* The DHCP methods: the client's commands, run without waiting. */
	ifset_use_dhcp(d->ifs, d->dc, &d->ccfg);
	/* The alias of a link that is down, put back by UNDO, from sysfs. */
	ifset_use_ifdev(d->ifs, d->ifd);
	mib_tcpip_use_ifset(d->ifs);
	mib_tcpip_use_protected(&d->w->cfg);
	/* The nonVolatile addresses made through SNMP, added again where missing. */
	if (ifset_use_statedir(d->ifs, d->statedir, err, sizeof(err)) < 0)
		fatal("%s", err);
	/* The ping rows: settings and nonVolatile rows from the state file, then the engine. */
	if (pingrows_open(&d->pings, d->statedir, err, sizeof(err)) < 0)
		fatal("%s", err);
	ping_open(&d->pings, &d->pool, d->time_source);
	d->pings.hosts = d->ifm;
	if (mib_route_register(d->m, d->w, d->txn) < 0 ||
	    mib_adapter_writable(d->txn, d->ifs) < 0 || mib_adcfg_writable(d->txn, d->ifs) < 0 ||
	    mib_route6_register(d->m6, d->w, d->txn) < 0 ||
	    mib_persist_register(d->w, d->txn) < 0 || mib_event_register() < 0 ||
	    mib_adapter_register(d->ifm, d->ifd) < 0 || mib_adcfg_use_writer(d->w, d->txn) < 0 ||
	    mib_adcfg_register(d->ifm, d->pm, d->pm6, d->pm == d->m, d->pm6 == d->m6) < 0 ||
	    mib_tcpip_register(d->ifm, d->res, d->txn) < 0 ||
	    mib_ping_register(&d->pings, d->txn) < 0)
		fatal("cannot register CIM-ROUTE-MIB objects");
	if (pingrows_start(&d->pings) < 0)
		fatal("cannot start the ping rows' ageing timer");
	if (nlmon_start(d->mon) < 0)
		fatal("cannot watch the netlink sockets");
}

/* The background, the pid file, the resolver threads (after fork()) and the signals. */
static void
daemon_detach(struct daemon *d)
{
	struct sigaction sa;

	if (d->o.pidfile != NULL && d->pidfd < 0)
		d->pidfd = open_pidfile(d->o.pidfile, &d->pidfile);
	if (!d->o.foreground && netsnmp_daemonize(1, snmp_stderrlog_status()) != 0)
		fatal("cannot become a daemon: %s", strerror(errno));
	if (d->pidfd >= 0)
		write_pidfile(d->pidfd, d->pidfile);
	if (resolve_pool_start(d->pool) < 0)
		fatal("cannot start the resolver threads of the ping rows: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: the loop's select must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

/* Stop what joined the loop, then free everything, users before what they use. */
static void
daemon_free(struct daemon *d)
{
	struct mirror *const mirrors[] = { d->pm, d->pm6, d->m6, d->m };

	nlmon_stop(d->mon);
	each_mirror(mirrors, 4, mirror_stop);
	writer_stop(d->w);
	pingrows_stop(&d->pings);
	resolver_stop(d->res);
	dhcplease_stop(d->dl);
	iface_stop(d->ifm);
	notify_stop(&d->notifier);
	master_free(d->ms);
	snmp_shutdown(APP);
	txn_free(d->txn);
	pingrows_free(&d->pings); /* cancels the runs and lookups: before the engine and the pool */
	ping_engine_free(d->pings.engine);
	resolve_pool_free(d->pool);
	ifset_free(d->ifs);
	writer_free(d->w);
	notify_close(&d->notifier);
	nlreq_close(d->qa);
	nlreq_close(d->q);
	each_mirror(mirrors, 4, mirror_free);
	resolver_free(d->res);
	dhcplease_free(d->dl);
	dhcplease_config_free(&d->dcfg);
	dhcpctl_free(d->dc);
	dhcpctl_config_free(&d->ccfg);
	iface_free(d->ifm);
	ifdev_free(d->ifd);
	nlmon_free(d->mon);
	if (d->pidfile != NULL)
		unlink(d->pidfile);
	free(d->pidfile);
	free(d->statedir);
}

int
main(int argc, char **argv)
{
	static struct daemon d;

	/* State files and the pid file are nobody else's business (issue 9, item 2). */
	umask(077);
	/*
	 * One malloc arena.  The dump threads fill a vector and hand it to the
	 * loop, which frees it; with an arena per thread, two dumps at start
	 * (IPv4 and IPv6) left a second arena holding what it had freed: 16 MiB
	 * more RSS at 300,000 routes of each family, 0 with one arena.
	 */
	mallopt(M_ARENA_MAX, 1);
	daemon_init(&d);
	parse_options(argc, argv, &d.o);
	daemon_prepare(&d);
	daemon_configure(&d);
	daemon_open_routes(&d);
	daemon_load(&d);
	daemon_register(&d);
	daemon_detach(&d);

	log_notice("main", APP " %s started", PACKAGE_VERSION);
	while (!stop_signal)
		agent_check_and_process(1);
	log_notice("main", "stopping on signal %d", (int)stop_signal);
	daemon_free(&d);
	return 0;
}
