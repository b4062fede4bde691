/*
 * cimq: WQL over SNMP.
 *   cimq [SNMP options as snmpwalk takes them] [-o table|list|csv|json] [-M MAPFILE]
 *        [-N COUNT (event queries: stop after COUNT events; events.h)] HOST "WQL"
 * Exit statuses: enum cimq_status (exec.h), documented in cimq(1).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cimq/assocrun.h"
#include "cimq/call.h"
#include "cimq/events.h"
#include "cimq/exec.h"
#include "cimq/out.h"
#include "cimq/ping.h"
#include "cimq/plan.h"
#include "cimq/wql.h"

#ifndef CIMQ_MAP
#define CIMQ_MAP "mof-map/map.tsv"
#endif
#ifndef CIMQ_MIBDIR
#define CIMQ_MIBDIR "/usr/share/snmp/mibs"
#endif

/* net-snmp's own options that take a value (snmp_parse_args' Opts). */
static const char snmp_valued[] = "YmMOIPDvrtcZeEnulxXapT3Ls";

static enum out_format format = OUT_TABLE;
static int bad_format;
static unsigned long count; /* -N: events to print, 0 no limit */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: cimq [SNMP options as snmpwalk] [-o table|list|csv|json] "
	    "[-M MAPFILE] [-N COUNT] HOST \"WQL\"\n");
	snmp_parse_args_descriptions(stderr);
	fprintf(stderr,
	    "  -o FORMAT\t\ttable (default), list, csv or json\n"
	    "  -M MAPFILE\t\tthe class map (default $CIMQ_MAP, else " CIMQ_MAP ")\n"
	    "  -N COUNT\t\tevent queries: stop after COUNT events\n");
}

static void
opt_cb(int argc, char *const *argv, int opt)
{
	(void)argc, (void)argv;
	if (opt == 'o' && out_parse_format(optarg, &format) != 0) {
		fprintf(stderr, "cimq: unknown output format '%s' (table, list, csv, json)\n",
		    optarg);
		bad_format = 1;
	}
	if (opt == 'N') {
		char *end;

		count = strtoul(optarg, &end, 10);
		if (*optarg < '0' || *optarg > '9' || *end != '\0' || count == 0) {
			fprintf(stderr, "cimq: -N takes a count of events, not '%s'\n", optarg);
			bad_format = 1;
		}
	}
}

/* Takes -M FILE (net-snmp's -M is the MIB path) out of argv before
   snmp_parse_args sees it; returns the file or NULL. */
static const char *
take_map_opt(int *argc, char **argv)
{
	const char *map = NULL;
	int i = 1, j = 1;

	for (; i < *argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || strcmp(a, "--") == 0)
			break;
		if (a[1] == 'M' && (a[2] != '\0' || i + 1 < *argc)) {
			map = a[2] ? a + 2 : argv[++i];
			continue;
		}
		argv[j++] = argv[i];
		if (a[1] != '\0' && a[2] == '\0' && strchr(snmp_valued, a[1]) && i + 1 < *argc)
			argv[j++] = argv[++i];
	}
	while (i < *argc)
		argv[j++] = argv[i++];
	argv[j] = NULL;
	*argc = j;
	return map;
}

static size_t
term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return cols && atoi(cols) > 0 ? (size_t)atoi(cols) : 80;
}

/*
 * CIM-ROUTE-MIB imports from five IETF base modules that Debian does not ship (erlang-snmp
 * has copies). When one of them is not in the MIB path, cimq's stand-ins (mibs/base/ in the
 * source tree: only the names CIM-ROUTE-MIB imports) are added; net-snmp's parser prefers the
 * directory added last, so they then stand in for all five, which decode identically.
 */
static void
add_base_modules(void)
{
	static const char *const base[] = { "SNMPv2-SMI", "SNMPv2-TC", "SNMPv2-CONF",
		"SNMP-FRAMEWORK-MIB", "INET-ADDRESS-MIB" };
	size_t i;

	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if (which_module(base[i]) < 0) {
			add_mibdir(CIMQ_BASEDIR);
			return;
		}
}

static struct cmap *
load_map(const char *path)
{
	char err[256];
	struct cmap *m;

	if (path == NULL)
		path = getenv("CIMQ_MAP");
	if (path == NULL)
		path = CIMQ_MAP;
	add_mibdir(CIMQ_MIBDIR);
	add_base_modules();
	read_module("CIM-ROUTE-MIB");
	if (which_module("CIM-ROUTE-MIB") < 0) {
		fprintf(stderr,
		    "cimq: CIM-ROUTE-MIB not found (MIBDIRS, " CIMQ_MIBDIR ", " CIMQ_BASEDIR ")\n");
		return NULL;
	}
	m = cmap_load(path, err, sizeof(err));
	if (m == NULL)
		fprintf(stderr, "cimq: %s\n", err);
	return m;
}

/* Prints an error at a position of the query, returns status. */
static int
query_error(const char *q, size_t pos, const char *msg, int status)
{
	struct wql_err e = { .pos = pos };

	snprintf(e.msg, sizeof(e.msg), "%s", msg);
	wql_err_print(stderr, "cimq", q, &e);
	return status;
}

/* ASSOCIATORS/REFERENCES: their options, path and roles (assoc.h). */
static int
assoc_check(const struct cmap *m, const struct wql_stmt *s, struct plan_err *pe)
{
	struct assoc_plan *ap = NULL;

	if (s->kind != WQL_ASSOCIATORS && s->kind != WQL_REFERENCES)
		return 0;
	if (assoc_plan_make(m, s, &ap, pe) != 0)
		return -1;
	assoc_plan_free(ap);
	return 0;
}

/* The host name of net-snmp's peer name, into buf: "router1" of
   "udp:router1:161", "::1" of "udp6:[::1]:161". */
static const char *
host_of(const char *peer, char *buf, size_t n)
{
	static const char *const transports[] = { "udp:", "tcp:", "udp6:", "tcp6:", "udpv6:",
		"tcpv6:", "ipv6:", "dtlsudp:", "tlstcp:" };
	size_t len;

	for (size_t k = 0; k < sizeof(transports) / sizeof(transports[0]); k++)
		if (strncasecmp(peer, transports[k], strlen(transports[k])) == 0)
			peer += strlen(transports[k]);
	if (*peer == '[')
		len = strcspn(++peer, "]");
	else
		len = strchr(peer, ':') == strrchr(peer, ':') ? strcspn(peer, ":") : strlen(peer);
	snprintf(buf, n, "%.*s", (int)len, peer);
	return buf;
}

/* The names a query gives besides its class and properties (status 2): the
   server and namespace of an object path, ISA's class. */
static int
check_names(const struct cmap *m, const char *q, const struct wql_stmt *s, const struct plan *p,
    const char *host)
{
	struct wql_err we = { 0 };

	if (p == NULL ?
		wql_path_check(s, host, &we) != 0 :
		eval_check_names(m, p->cls, s->where, host, &we.pos, we.msg, sizeof(we.msg)) != 0)
		return query_error(q, we.pos, we.msg, CIMQ_UNKNOWN);
	return CIMQ_OK;
}

/* Parses and plans q on m; the class's unknown names give status 2. */
static int
prepare(const struct cmap *m, const char *q, const char *host, struct wql_stmt **s, struct plan **p)
{
	struct wql_err we;
	struct plan_err pe = { 0 };
	const struct cmap_class *c;
	char msg[200];
	int rc;

	if (wql_parse(q, s, &we) != 0) {
		wql_err_print(stderr, "cimq", q, &we);
		return CIMQ_SYNTAX;
	}
	if ((rc = check_names(m, q, *s, NULL, host)) != CIMQ_OK)
		return rc;
	c = cmap_class(m, (*s)->cls);
	if (c == NULL) {
		const char *near = cmap_nearest_class(m, (*s)->cls);

		snprintf(msg, sizeof(msg), "unknown class %s%s%s%s", (*s)->cls,
		    near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
		return query_error(q, (*s)->cls_pos, msg, CIMQ_UNKNOWN);
	}
	if ((*s)->within >= 0 && !events_is(c, *s))
		return query_error(q, (*s)->within_pos,
		    "WITHIN is for event queries: Win32_IP4RouteTableEvent, cimRouteEvent",
		    CIMQ_SYNTAX);
	if (c->kind != CMAP_K_TABLE && !events_is(c, *s))
		return query_error(q, 0,
		    "an event class is queried with SELECT only (writes and associations are not "
		    "implemented)",
		    CIMQ_LOCAL);
	if (plan_make(c, *s, p, &pe) != 0 || assoc_check(m, *s, &pe) != 0)
		return query_error(q, pe.pos, pe.msg, pe.status);
	if ((rc = check_names(m, q, *s, *p, host)) != CIMQ_OK)
		return rc;
	if (ping_is(c) && ((*s)->kind != WQL_SELECT || !ping_has_address(*p)))
		return query_error(q, (*s)->cls_pos,
		    "Win32_PingStatus cannot be enumerated: SELECT it WHERE Address = 'host'",
		    CIMQ_MISMATCH);
	return CIMQ_OK;
}

/* SELECT: the rows printed in the format asked for. */
static int
select_rows(netsnmp_session *ss, const struct cmap *m, struct plan *p, struct exec_err *err)
{
	const char **names = calloc(p->nout + 1, sizeof(*names));
	struct out *o;
	int rc;

	*err = (struct exec_err){ .status = CIMQ_LOCAL, .msg = "out of memory" };
	if (names == NULL)
		return -1;
	for (size_t k = 0; k < p->nout; k++)
		names[k] = p->cls->props[p->out[k]].name;
	o = out_open(format, stdout, names, p->nout, term_width());
	if (o == NULL)
		rc = -1;
	else
		rc =
		    ping_is(p->cls) ? ping_select(ss, m, p, o, err) : exec_select(ss, m, p, o, err);
	if (o != NULL && out_close(o) != 0 && rc == 0) {
		*err = (struct exec_err){ .status = CIMQ_LOCAL, .msg = "cannot write the output" };
		rc = -1;
	}
	free(names);
	return rc;
}

/* snmp_open failed: a connection the agent's side refused or could not reach
 * (a TCP transport) is a transport error; anything else (a name that does not
 * resolve, a bad transport specifier) a local one. */
static int
open_failed(netsnmp_session *sess)
{
	int e = sess->s_errno;

	if (e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH || e == ETIMEDOUT ||
	    e == ECONNRESET) {
		fprintf(stderr, "cimq: %s: cannot connect (%s)\n", sess->peername, strerror(e));
		return CIMQ_TIMEOUT;
	}
	snmp_sess_perror("cimq", sess);
	return CIMQ_LOCAL;
}

/* Whether any object of CIM-ROUTE-MIB answers on ss (a GETNEXT of cimRouteObjects); 1 when
 * that cannot be told. */
static int
mib_answers(netsnmp_session *ss)
{
	oid root[MAX_OID_LEN];
	size_t len = MAX_OID_LEN;
	netsnmp_pdu *pdu, *resp = NULL;
	netsnmp_variable_list *vb;
	int yes = 1;

	if (!read_objid("CIM-ROUTE-MIB::cimRouteObjects", root, &len))
		return 1;
	pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
	snmp_add_null_var(pdu, root, len);
	if (snmp_synch_response(ss, pdu, &resp) == STAT_SUCCESS && resp != NULL &&
	    resp->errstat == SNMP_ERR_NOERROR && (vb = resp->variables) != NULL)
		yes = vb->type != SNMP_ENDOFMIBVIEW &&
		    netsnmp_oid_is_subtree(root, len, vb->name, vb->name_length) == 0;
	if (resp != NULL)
		snmp_free_pdu(resp);
	return yes;
}

/* The error of a statement that failed on ss: an object missing where nothing of the MIB
 * answers is no older cimrouted but none (or a view without the MIB); a write refused as
 * notWritable or noCreation there (snmpd's answer for a subtree nobody serves) says so too,
 * after the refusal. */
static void
run_error(netsnmp_session *ss, const struct exec_err *err)
{
	int refused = err->status == CIMQ_REFUSED &&
	    (err->errstat == SNMP_ERR_NOTWRITABLE || err->errstat == SNMP_ERR_NOCREATION);
	int gone = (err->status == CIMQ_MISSING || refused) && !mib_answers(ss);

	if (!gone || refused)
		fprintf(stderr, "cimq: %s\n", err->msg);
	if (gone)
		fprintf(stderr,
		    "cimq: %s: no CIM-ROUTE-MIB object answers: cimrouted is not connected to the "
		    "agent (or its view excludes enterprises.32473.1)\n",
		    ss->peername);
}

/* SNMPv1 has no Counter64: the properties of that syntax read as NULL (the agent skips them
 * in a walk, answers noSuchName to a GET); said once, on stderr. */
static void
v1_warning(const netsnmp_session *ss, const struct plan *p)
{
	char names[200];

	if (ss->version == SNMP_VERSION_1 && plan_counter64(p, names, sizeof(names)) > 0)
		fprintf(stderr,
		    "cimq: warning: SNMPv1 has no Counter64: %s read as NULL (empty); use -v 2c or "
		    "-v 3\n",
		    names);
}

static int
run(netsnmp_session *sess, const struct cmap *m, const struct wql_stmt *s, struct plan *p)
{
	netsnmp_session *ss = snmp_open(sess);
	struct exec_err err = { 0 };
	int rc;

	if (ss == NULL)
		return open_failed(sess);
	v1_warning(ss, p);
	if (events_is(p->cls, s))
		rc = events_run(ss, m, s, p, format, count, &err);
	else if (s->kind == WQL_SELECT)
		rc = select_rows(ss, m, p, &err);
	else if (s->kind == WQL_ASSOCIATORS || s->kind == WQL_REFERENCES)
		rc = assoc_run(ss, m, s, p, format, term_width(), &err);
	else
		rc = exec_write(ss, m, s, p, &err);
	if (rc != 0)
		run_error(ss, &err);
	snmp_close(ss);
	return rc == 0 ? CIMQ_OK : err.status;
}

/* The map, the query's plan and its run; the exit status. */
static int
query(netsnmp_session *session, const char *map, const char *text)
{
	struct cmap *m = load_map(map);
	struct wql_stmt *s = NULL;
	struct plan *p = NULL;
	char host[256];
	int rc;

	if (m == NULL)
		return CIMQ_LOCAL;
	rc = prepare(m, text, host_of(session->peername, host, sizeof(host)), &s, &p);
	if (rc == CIMQ_OK)
		rc = run(session, m, s, p);
	if (p != NULL)
		plan_free(p);
	if (s != NULL)
		wql_free(s);
	cmap_free(m);
	return rc;
}

int
main(int argc, char **argv)
{
	netsnmp_session session;
	const char *map = take_map_opt(&argc, argv);
	int arg, rc;

	memset(&session, 0, sizeof(session));
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_APPTYPE, "cimq");
	arg = snmp_parse_args(argc, argv, &session, "o:N:", opt_cb);
	if (arg == NETSNMP_PARSE_ARGS_SUCCESS_EXIT) {
		rc = CIMQ_OK;
	} else if (arg < 0 || bad_format || arg + 1 != argc) {
		if (arg == NETSNMP_PARSE_ARGS_ERROR_USAGE || (arg >= 0 && !bad_format))
			usage();
		rc = CIMQ_LOCAL;
	} else {
		rc = query(&session, map, argv[arg]);
	}
	SNMP_FREE(session.community); /* snmp_parse_args' copy; snmp_open made its own */
	/*
	 * No state saved at exit (set only now: the flag also stops the loading
	 * of snmp.conf).  A client has none worth keeping (its engine's boots and
	 * ID serve notifications it does not send), and the save rewrote
	 * SNMP_PERSISTENT_DIR/cimq.conf, which queries ending together race for
	 * ("Cannot unlink .../cimq.0.conf"), and added engine lines to
	 * snmpapp.conf that net-snmp 5.9 cannot read back at the next start
	 * ("buffer too small to read octet string", every run from the third).
	 */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	snmp_shutdown("cimq");
	return rc;
}
