/*
 * The route modules' configuration directives: the mirror's (routeTables,
 * resyncInterval, netlinkEventBuffer) and the writer's (writableProtocols).
 * Each parser is bounded and all-or-nothing; snmp/conf logs a refusal with
 * the file and line.
 */
#include "config.h"

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/strnum.h"
#include "lib/text.h"
#include "route/mirror.h"
#include "route/routefmt.h"
#include "route/writer.h"
#include "snmp/conf.h"

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
mirror_parse_tables(struct mirror_config *cfg, const char *value, char *err, size_t errlen)
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
			char t[TEXT_TOKEN_LEN];

			snprintf(err, errlen,
			    "routeTables: '%s' is not a table (main, local, default, all or 1-4294967295)",
			    text_token(tok, t, sizeof(t)));
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

static int
tables_line(const char *token, const char *value, void *cfg, char *err, size_t errlen)
{
	return mirror_parse_tables(cfg, value, err, errlen);
}

static const struct conf_number numbers[] = {
	{ "resyncInterval", offsetof(struct mirror_config, resync_interval), 10, 86400 * 7, 1,
	    "seconds", "SECONDS (safety-net re-dump of the kernel table; 0 = off)" },
	{ "netlinkEventBuffer", offsetof(struct mirror_config, event_buffer), 4096, 1u << 30, 0,
	    "bytes", "BYTES (receive buffer of the netlink event socket)" },
};

int
mirror_conf_register(struct mirror_config *cfg)
{
	if (conf_directive("routeTables", tables_line, cfg,
		"main | local | default | all | TABLE-ID ... (the IPv4 route tables to mirror)") <
		0 ||
	    conf_numbers(numbers, sizeof(numbers) / sizeof(numbers[0]), cfg) < 0)
		return -1;
	return 0;
}

int
writer_parse_protocols(uint8_t out[256], const char *value, char *err, size_t errlen)
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
			char t[TEXT_TOKEN_LEN];

			snprintf(err, errlen,
			    "writableProtocols: '%s' is not a protocol (a name such "
			    "as static, boot, cimrouted, or 0-255)",
			    text_token(tok, t, sizeof(t)));
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

int
writer_parse_protected(struct writer_config *cfg, const char *value, char *err, size_t errlen)
{
	char names[WRITER_PROTECTED_MAX][IFNAMSIZ];
	char buf[1024], *save = NULL, *tok;
	unsigned n = 0;

	if (strlen(value) >= sizeof(buf)) {
		snprintf(err, errlen, "protectedInterfaces: the line is too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL; tok = strtok_r(NULL, " \t,", &save)) {
		if (!text_is_ifname(tok, strlen(tok))) {
			char t[TEXT_TOKEN_LEN];

			snprintf(err, errlen, "protectedInterfaces: '%s' is not an interface name",
			    text_token(tok, t, sizeof(t)));
			return -1;
		}
		if (cfg->nprotected + n >= WRITER_PROTECTED_MAX) {
			snprintf(err, errlen, "protectedInterfaces: more than %d interfaces",
			    WRITER_PROTECTED_MAX);
			return -1;
		}
		snprintf(names[n++], IFNAMSIZ, "%s", tok);
	}
	if (n == 0) {
		snprintf(err, errlen, "protectedInterfaces: no interface given");
		return -1;
	}
	memcpy(cfg->protected_if[cfg->nprotected], names, n * sizeof(names[0]));
	cfg->nprotected += n;
	return 0;
}

int
writer_protected(const struct writer_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nprotected; i++)
		if (strcmp(cfg->protected_if[i], name) == 0)
			return 1;
	return 0;
}

static int
protected_line(const char *token, const char *value, void *cfg, char *err, size_t errlen)
{
	return writer_parse_protected(cfg, value, err, errlen);
}

static int
protocols_line(const char *token, const char *value, void *cfg, char *err, size_t errlen)
{
	return writer_parse_protocols(((struct writer_config *)cfg)->writable_proto, value, err,
	    errlen);
}

int
writer_conf_register(struct writer_config *cfg)
{
	if (conf_directive("writableProtocols", protocols_line, cfg,
		"PROTOCOL ... | none (routes SNMP may change and delete; default boot static "
		"cimrouted)") < 0)
		return -1;
	return conf_directive("protectedInterfaces", protected_line, cfg,
	    "IFNAME ... (interfaces no SNMP write may change: adapter, addresses, routes)");
}
