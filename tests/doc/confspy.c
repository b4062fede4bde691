/*
 * confspy: an LD_PRELOAD object for tests/doc/check-man.sh.  It lists the
 * configuration directives cimrouted registers, as the daemon registers
 * them: every register_config_handler() whose handler lies outside
 * net-snmp's own libraries is written to $CONFSPY_OUT ("TOKEN\tHELP"), and
 * the daemon ends at init_snmp(), before it reads a file or connects.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef void (*parse_fn)(const char *, char *);
typedef void (*free_fn)(void);
typedef void *(*register_fn)(const char *, const char *, parse_fn, free_fn, const char *);

void *register_config_handler(const char *type, const char *token, parse_fn parser,
    free_fn releaser, const char *help);
int init_snmp(const char *type);

/* Whether fn is net-snmp's own (its libraries register their handlers too). */
static int
netsnmp_own(parse_fn fn)
{
	Dl_info info;
	void *p;

	memcpy(&p, &fn, sizeof(p));
	return dladdr(p, &info) != 0 && info.dli_fname != NULL &&
	    strstr(info.dli_fname, "libnetsnmp") != NULL;
}

void *
register_config_handler(const char *type, const char *token, parse_fn parser, free_fn releaser,
    const char *help)
{
	register_fn next = (register_fn)dlsym(RTLD_NEXT, "register_config_handler");
	const char *out = getenv("CONFSPY_OUT");
	FILE *f;

	if (out != NULL && token != NULL && !netsnmp_own(parser) && (f = fopen(out, "a")) != NULL) {
		fprintf(f, "%s\t%s\n", token, help != NULL ? help : "");
		fclose(f);
	}
	return next(type, token, parser, releaser, help);
}

int
init_snmp(const char *type)
{
	(void)type;
	_exit(0);
}
