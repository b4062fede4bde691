/*
 * What the agent logged, for the unit tests that check a log line: net-snmp's
 * log through a callback handler into logged[] (logcap_start() in main(); a
 * test empties logged[] before what it checks).
 */
#ifndef CIMR_TEST_LOGCAP_H
#define CIMR_TEST_LOGCAP_H

#include <stdio.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

static char logged[4096];

static int
logcap_on_log(int major, int minor, void *server, void *client)
{
	const struct snmp_log_message *msg = server;
	size_t n = strlen(logged);

	(void)major, (void)minor, (void)client;
	snprintf(logged + n, sizeof(logged) - n, "%s", msg->msg);
	return 0;
}

static inline void
logcap_start(void)
{
	netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, logcap_on_log, NULL);
}

#endif
