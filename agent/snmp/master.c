/* The AgentX session to the master: see master.h. */
#include "config.h"

#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/agent/agent_sysORTable.h>
#include <net-snmp/agent/sysORTable.h>

#include "lib/log.h"
#include "snmp/master.h"

/* net-snmp's agentx/subagent.h and agentx/client.h are not installed. */
int subagent_open_master_session(void);
void agentx_check_session(unsigned int, void *);
int agentx_add_agentcaps(netsnmp_session *, const oid *, size_t, const char *);

#define RETRY_FIRST_MS 100 /* the first try after a loss */
#define RETRY_MAX_MS   500 /* the backoff doubles up to this */

static struct {
	int ping;                 /* s: agentXPingInterval as configured; 0: no pings */
	netsnmp_session *session; /* open, or NULL */
	unsigned retry_id, ping_id;
	unsigned backoff_ms;
	unsigned tries;
	struct timespec lost; /* when the session went away */
} ms;

static unsigned
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned)((now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000);
}

static const char *
master_address(void)
{
	const char *a = netsnmp_ds_get_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET);

	return a != NULL ? a : "the default AgentX socket";
}

static void retry_fired(unsigned int id, void *arg);

static void
retry_arm(void)
{
	struct timeval tv = { .tv_sec = ms.backoff_ms / 1000,
		.tv_usec = (ms.backoff_ms % 1000) * 1000 };

	if (ms.retry_id == 0)
		ms.retry_id = snmp_alarm_register_hr(tv, 0, retry_fired, NULL);
}

static void
add_caps(const struct sysORTable *t, void *arg)
{
	agentx_add_agentcaps(arg, t->OR_oid, t->OR_oidlen, t->OR_descr);
}

/*
 * What net-snmp's own reconnection does: open the session (the INDEX_START
 * callback below records it), then register our subtrees and sysORTable
 * entries again.
 */
static void
retry_fired(unsigned int id, void *arg)
{
	ms.retry_id = 0;
	if (ms.session != NULL)
		return;
	ms.tries++;
	if (subagent_open_master_session() == 0 && ms.session != NULL) {
		register_mib_reattach();
		netsnmp_sysORTable_foreach(add_caps, ms.session);
		log_notice("agentx", "connected to the master (%s) again after %u ms, %u tries",
		    master_address(), ms_since(&ms.lost), ms.tries);
		return;
	}
	ms.backoff_ms = ms.backoff_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : ms.backoff_ms * 2;
	retry_arm();
}

/* The library's check: a ping, and on no answer it closes the session (INDEX_STOP follows). */
static void
ping_fired(unsigned int id, void *arg)
{
	agentx_check_session(id, arg);
}

static void
lost(void)
{
	clock_gettime(CLOCK_MONOTONIC, &ms.lost);
	ms.tries = 0;
	ms.backoff_ms = RETRY_FIRST_MS;
	retry_arm();
}

/* SNMPD_CALLBACK_INDEX_START / INDEX_STOP: the session opened or closed. */
static int
session_event(int major, int minor, void *serverarg, void *clientarg)
{
	if (minor == SNMPD_CALLBACK_INDEX_START) {
		ms.session = serverarg;
		if (ms.retry_id != 0) {
			snmp_alarm_unregister(ms.retry_id);
			ms.retry_id = 0;
		}
		if (ms.ping > 0 && ms.ping_id == 0)
			ms.ping_id = snmp_alarm_register(ms.ping, SA_REPEAT, ping_fired, serverarg);
		return 0;
	}
	if (serverarg != ms.session)
		return 0;
	ms.session = NULL;
	if (ms.ping_id != 0) {
		snmp_alarm_unregister(ms.ping_id);
		ms.ping_id = 0;
	}
	log_notice("agentx", "lost the master (%s): reconnecting", master_address());
	lost();
	return 0;
}

/*
 * Runs before the subagent's own SNMP_CALLBACK_POST_READ_CONFIG hook (it
 * was registered first), which makes the first connection: take over the
 * ping interval, so that the library neither pings nor schedules retries
 * of its own, and leave the connection warnings to us.
 */
static int
post_config(int major, int minor, void *serverarg, void *clientarg)
{
	ms.ping =
	    netsnmp_ds_get_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, 0);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS,
	    1);
	return 0;
}

void
master_init(void)
{
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_POST_READ_CONFIG, post_config,
	    NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, session_event,
	    NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, session_event,
	    NULL);
}

void
master_start(void)
{
	if (ms.session != NULL)
		return;
	log_warn("agentx", "cannot connect to the master (%s); retrying", master_address());
	lost();
}

int
master_connected(void)
{
	return ms.session != NULL;
}
