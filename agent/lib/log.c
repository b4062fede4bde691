#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "lib/log.h"

static void
emit(int prio, const char *tag, const char *msg)
{
	if (prio == LOG_DEBUG) {
		/* Debug output follows net-snmp's -D tokens: -Dcimr:TAG or -Dcimr. */
		char token[64];

		snprintf(token, sizeof(token), "cimr:%s", tag);
		DEBUGMSGTL((token, "%s\n", msg));
		return;
	}
	snmp_log(prio, "%s: %s\n", tag, msg);
}

void
cimr_log(int prio, const char *tag, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(prio, tag, msg);
}

void
cimr_log_errno(int prio, const char *tag, const char *fmt, ...)
{
	char msg[1024];
	int e = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(e));
	emit(prio, tag, msg);
	errno = e;
}
