/* The configuration file's own tokens: see conf.h. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "snmp/conf.h"

/*
 * File-scope: net-snmp calls a config handler with the token and the line
 * only, so this table is how a line finds its module.
 */
static struct directive {
	const char *token;
	conf_parse_fn parse;
	void *cfg;
} directives[CONF_MAX_DIRECTIVES];
static unsigned ndirectives;
static int nerrors;

int
conf_errors(void)
{
	return nerrors;
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

static void
line(const char *token, char *value)
{
	char err[256];

	for (unsigned i = 0; i < ndirectives; i++) {
		if (strcmp(directives[i].token, token) != 0)
			continue;
		if (directives[i].parse(token, value, directives[i].cfg, err, sizeof(err)) < 0) {
			config_perror(err);
			nerrors++;
		}
		return;
	}
}

int
conf_directive(const char *token, conf_parse_fn parse, void *cfg, const char *help)
{
	if (ndirectives == CONF_MAX_DIRECTIVES) {
		errno = ENOSPC;
		return -1;
	}
	directives[ndirectives++] = (struct directive){ token, parse, cfg };
	register_config_handler("cimrouted", token, line, NULL, help);
	return 0;
}
