/* The configuration file's own tokens: see conf.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "lib/strnum.h"
#include "snmp/conf.h"

/*
 * File-scope: net-snmp calls a config handler with the token and the line
 * only, so this table is how a line finds its module.
 */
static struct directive {
	const char *token;
	conf_parse_fn parse; /* or num */
	const struct conf_number *num;
	void *cfg;
} directives[CONF_MAX_DIRECTIVES];
static unsigned ndirectives;
static int nerrors;

int
conf_errors(void)
{
	return nerrors;
}

static int watching;

/* A log line of net-snmp's: a directive without a value is a bad line too. */
static int
on_log(int major, int minor, void *server, void *client)
{
	const struct snmp_log_message *m = server;

	(void)major, (void)minor, (void)client;
	if (watching && m->priority <= LOG_ERR && strstr(m->msg, "Blank line following") != NULL)
		nerrors++;
	return 0;
}

void
conf_watch(int on)
{
	static int registered;

	if (on && !registered) {
		netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_ERR);
		snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, NULL);
		registered = 1;
	}
	watching = on;
}

int
conf_bool(const char *value)
{
	static const char *yes[] = { "yes", "true", "on", "1" },
			  *no[] = { "no", "false", "off", "0" };

	for (size_t k = 0; k < 4; k++) {
		if (strcasecmp(value, yes[k]) == 0)
			return 1;
		if (strcasecmp(value, no[k]) == 0)
			return 0;
	}
	return -1;
}

static int
number(const struct conf_number *d, const char *value, void *cfg, char *err, size_t errlen)
{
	unsigned long long v;

	if (strnum(value, 0, d->max, &v) < 0 || (v < d->min && !(v == 0 && d->zero_off))) {
		snprintf(err, errlen, "%s: expected %s, %s%u to %u", d->token, d->unit,
		    d->zero_off ? "0 (off) or " : "", d->min, d->max);
		return -1;
	}
	*(unsigned *)(void *)((char *)cfg + d->field) = (unsigned)v;
	return 0;
}

static void
line(const char *token, char *value)
{
	char err[256];

	for (unsigned i = 0; i < ndirectives; i++) {
		const struct directive *d = &directives[i];

		if (strcmp(d->token, token) != 0)
			continue;
		if ((d->num != NULL ? number(d->num, value, d->cfg, err, sizeof(err)) :
				      d->parse(token, value, d->cfg, err, sizeof(err))) < 0) {
			config_perror(err);
			nerrors++;
		}
		return;
	}
}

static int
add(const struct directive *d, const char *help)
{
	if (ndirectives == CONF_MAX_DIRECTIVES) {
		errno = ENOSPC;
		return -1;
	}
	directives[ndirectives++] = *d;
	register_config_handler("cimrouted", d->token, line, NULL, help);
	return 0;
}

int
conf_directive(const char *token, conf_parse_fn parse, void *cfg, const char *help)
{
	return add(&(struct directive){ token, parse, NULL, cfg }, help);
}

int
conf_numbers(const struct conf_number *v, size_t n, void *cfg)
{
	for (size_t k = 0; k < n; k++)
		if (add(&(struct directive){ v[k].token, NULL, &v[k], cfg }, v[k].help) < 0)
			return -1;
	return 0;
}
