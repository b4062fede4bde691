/*
 * The configuration file's own tokens (net-snmp's config syntax): the
 * helper through which each module registers its directives.
 *
 * A module owns its directives: it supplies the config structure they fill
 * and a bounded parser per directive, which refuses a bad value with a
 * one-line reason naming the directive (nothing half-applied).  This file
 * logs the reason with the file and line (config_perror) and counts it; the
 * daemon refuses to start when conf_errors() is not 0 after the files are
 * read.  net-snmp's config handlers get no client pointer, so the
 * directives live in a table here, bounded by CONF_MAX_DIRECTIVES.
 *
 * The header includes nothing of net-snmp: any module may register.
 */
#ifndef CIMR_CONF_H
#define CIMR_CONF_H

#include <stddef.h>

#define CONF_MAX_DIRECTIVES 32

/* Parse value into cfg; 0, or -1 with a one-line reason in err (cfg untouched). */
typedef int (
    *conf_parse_fn)(const char *token, const char *value, void *cfg, char *err, size_t errlen);

/*
 * Register token (of cimrouted.conf) before init_snmp() reads the files;
 * help is net-snmp's one-line usage.  0, or -1 with errno (table full).
 */
int conf_directive(const char *token, conf_parse_fn parse, void *cfg, const char *help);
/*
 * A numeric directive: a whole decimal number from min to max (or 0 too,
 * when zero_off: the directive's "off"), stored in the unsigned at
 * cfg + field.  A bad value is refused with "TOKEN: expected UNIT, ...".
 */
struct conf_number {
	const char *token;
	size_t field; /* offsetof() the unsigned it sets */
	unsigned min, max;
	int zero_off;
	const char *unit; /* "seconds", "bytes", "a number" */
	const char *help;
};

/* Register n numeric directives of one config structure; 0, or -1 with errno. */
int conf_numbers(const struct conf_number *, size_t n, void *cfg);
/* Number of bad lines seen while reading (each already logged with file and line). */
int conf_errors(void);
/*
 * Count, from on (1) to off (0), the lines net-snmp itself refuses before
 * any handler sees them: a directive alone on its line ("Blank line
 * following X token"), which it logs and skips.  Around init_snmp().
 */
void conf_watch(int on);
/* "yes", "true", "on", "1" -> 1; "no", "false", "off", "0" -> 0 (any case); else -1. */
int conf_bool(const char *value);

#endif
