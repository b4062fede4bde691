#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "lib/strnum.h"
#include "snmp/conf.h"
#include "event/notify.h"
#include "route/routefmt.h"

static struct mirror_config *conf;
static int nerrors;

int
conf_errors(void)
{
	return nerrors;
}

static int
parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;

	if (strnum(s, 0, UINT32_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
conf_parse_tables(struct mirror_config *cfg, const char *value, char *err, size_t errlen)
{
	struct mirror_config c = *cfg;
	char buf[1024], *save = NULL, *tok;

	c.all_tables = 0;
	c.ntables = 0;
	snprintf(buf, sizeof(buf), "%s", value);
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL; tok = strtok_r(NULL, " \t,", &save)) {
		uint32_t id;

		if (strcasecmp(tok, "all") == 0) {
			c.all_tables = 1;
			continue;
		}
		if (strcasecmp(tok, "main") == 0)
			id = 254;
		else if (strcasecmp(tok, "local") == 0)
			id = 255;
		else if (strcasecmp(tok, "default") == 0)
			id = 253;
		else if (parse_u32(tok, &id) < 0 || id == 0) {
			snprintf(err, errlen,
			    "routeTables: '%s' is not a table (main, local, default, all or 1-4294967295)",
			    tok);
			return -1;
		}
		if (c.ntables == MIRROR_MAX_TABLES) {
			snprintf(err, errlen, "routeTables: more than %d tables",
			    MIRROR_MAX_TABLES);
			return -1;
		}
		c.tables[c.ntables++] = id;
	}
	if (!c.all_tables && c.ntables == 0) {
		snprintf(err, errlen, "routeTables: no table given");
		return -1;
	}
	*cfg = c;
	return 0;
}

static void
tables_line(const char *token, char *line)
{
	char err[256];

	if (conf_parse_tables(conf, line, err, sizeof(err)) < 0) {
		config_perror(err);
		nerrors++;
	}
}

static void
resync_line(const char *token, char *line)
{
	uint32_t v;

	if (parse_u32(line, &v) < 0 || (v != 0 && v < 10) || v > 86400 * 7) {
		config_perror("resyncInterval: expected seconds, 0 (off) or 10 to 604800");
		nerrors++;
		return;
	}
	conf->resync_interval = v;
}

static void
buffer_line(const char *token, char *line)
{
	uint32_t v;

	if (parse_u32(line, &v) < 0 || v < 4096 || v > (1u << 30)) {
		config_perror("netlinkEventBuffer: expected bytes, 4096 to 1073741824");
		nerrors++;
		return;
	}
	conf->event_buffer = v;
}

int
conf_parse_protocols(uint8_t out[256], const char *value, char *err, size_t errlen)
{
	uint8_t v[256];
	char buf[1024], *save = NULL, *tok;
	int n = 0;

	memset(v, 0, sizeof(v));
	snprintf(buf, sizeof(buf), "%s", value);
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL; tok = strtok_r(NULL, " \t,", &save)) {
		int p;

		n++;
		if (strcasecmp(tok, "none") == 0)
			continue;
		if ((p = routefmt_proto_parse(tok)) < 0) {
			snprintf(err, errlen,
			    "writableProtocols: '%s' is not a protocol (a name such "
			    "as static, boot, cimrouted, or 0-255)",
			    tok);
			return -1;
		}
		v[p] = 1;
	}
	if (n == 0) {
		snprintf(err, errlen, "writableProtocols: no protocol given (use none)");
		return -1;
	}
	memcpy(out, v, sizeof(v));
	return 0;
}

static uint8_t *writable;

static void
protocols_line(const char *token, char *line)
{
	char err[256];

	if (conf_parse_protocols(writable, line, err, sizeof(err)) < 0) {
		config_perror(err);
		nerrors++;
	}
}

void
conf_register_writer(uint8_t writable_proto[256])
{
	writable = writable_proto;
	register_config_handler("cimrouted", "writableProtocols", protocols_line, NULL,
	    "PROTOCOL ... | none (routes SNMP may change and delete; default boot static cimrouted)");
}

void
conf_register(struct mirror_config *cfg)
{
	conf = cfg;
	register_config_handler("cimrouted", "routeTables", tables_line, NULL,
	    "main | local | default | all | TABLE-ID ... (the IPv4 route tables to mirror)");
	register_config_handler("cimrouted", "resyncInterval", resync_line, NULL,
	    "SECONDS (safety-net re-dump of the kernel table; 0 = off)");
	register_config_handler("cimrouted", "netlinkEventBuffer", buffer_line, NULL,
	    "BYTES (receive buffer of the netlink event socket)");
}

/* ---- notifications --------------------------------------------------------- */

static struct notify_settings *nset;

static int
parse_bool(const char *s)
{
	static const char *yes[] = { "yes", "true", "on", "1" },
			  *no[] = { "no", "false", "off", "0" };

	for (size_t k = 0; k < 4; k++) {
		if (strcasecmp(s, yes[k]) == 0)
			return 1;
		if (strcasecmp(s, no[k]) == 0)
			return 0;
	}
	return -1;
}

/* The numeric directives: where each goes and its largest value. */
static const struct {
	const char *token;
	size_t field; /* offsetof(struct notify_settings, ...) */
	unsigned max;
	const char *help;
} notify_numbers[] = {
	{ "notifyRateLimit", offsetof(struct notify_settings, rate), NOTIFY_RATE_MAX,
	    "N (route-change notifications per second, the rest summarised; default 100)" },
	{ "eventHistorySize", offsetof(struct notify_settings, history), NOTIFY_HISTORY_MAX,
	    "N (changes kept in cimRouteEventTable; default 1000)" },
	{ "notifyQueueLength", offsetof(struct notify_settings, queue), NOTIFY_QUEUE_MAX,
	    "N (notifications kept while the master is away; default 10000)" },
};

static void
notify_line(const char *token, char *line)
{
	char err[128];
	uint32_t v;
	int b;

	if (strcmp(token, "notifyEnabled") == 0) {
		if ((b = parse_bool(line)) < 0) {
			config_perror("notifyEnabled: expected yes or no");
			nerrors++;
			return;
		}
		nset->enabled = b;
		return;
	}
	for (size_t k = 0; k < sizeof(notify_numbers) / sizeof(notify_numbers[0]); k++) {
		if (strcmp(token, notify_numbers[k].token) != 0)
			continue;
		if (parse_u32(line, &v) < 0 || v > notify_numbers[k].max) {
			snprintf(err, sizeof(err), "%s: expected a number, 0 to %u", token,
			    notify_numbers[k].max);
			config_perror(err);
			nerrors++;
			return;
		}
		*(unsigned *)(void *)((char *)nset + notify_numbers[k].field) = v;
	}
}

void
conf_register_notify(struct notify_settings *set)
{
	nset = set;
	register_config_handler("cimrouted", "notifyEnabled", notify_line, NULL,
	    "yes | no (send route-change notifications; default yes)");
	for (size_t k = 0; k < sizeof(notify_numbers) / sizeof(notify_numbers[0]); k++)
		register_config_handler("cimrouted", notify_numbers[k].token, notify_line, NULL,
		    notify_numbers[k].help);
}
