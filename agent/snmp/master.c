/* The AgentX session to the master: see master.h. */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/agent/agent_sysORTable.h>
#include <net-snmp/agent/sysORTable.h>

#include "lib/log.h"
#include "snmp/loop.h"
#include "snmp/master.h"

/* net-snmp's agentx/subagent.h and agentx/client.h are not installed. */
int subagent_open_master_session(void);
void agentx_check_session(unsigned int, void *);
int agentx_add_agentcaps(netsnmp_session *, const oid *, size_t, const char *);

#define RETRY_FIRST_MS 100 /* the first try after a loss */
#define RETRY_MAX_MS   500 /* the backoff doubles up to this */

struct master {
	int ping;                 /* s: agentXPingInterval as configured; 0: no pings */
	netsnmp_session *session; /* open, or NULL */
	struct loop_timer retry, pinger;
	unsigned backoff_ms;
	unsigned tries;
	struct timespec lost; /* when the session went away */
	struct {
		master_fn fn;
		void *arg;
	} watch[MASTER_WATCHERS];
	size_t nwatch;
};

int
master_watch(struct master *ms, master_fn fn, void *arg)
{
	if (ms->nwatch == MASTER_WATCHERS)
		return -1;
	ms->watch[ms->nwatch].fn = fn;
	ms->watch[ms->nwatch++].arg = arg;
	return 0;
}

static void
tell(const struct master *ms)
{
	for (size_t i = 0; i < ms->nwatch; i++)
		ms->watch[i].fn(ms->session, ms->watch[i].arg);
}

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

static void
retry_arm(struct master *ms)
{
	if (ms->retry.id == 0)
		loop_timer_arm(ms->backoff_ms, &ms->retry);
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
retry_fired(void *arg)
{
	struct master *ms = arg;

	if (ms->session != NULL)
		return;
	ms->tries++;
	if (subagent_open_master_session() == 0 && ms->session != NULL) {
		register_mib_reattach();
		netsnmp_sysORTable_foreach(add_caps, ms->session);
		log_notice("agentx", "connected to the master (%s) again after %u ms, %u tries",
		    master_address(), ms_since(&ms->lost), ms->tries);
		return;
	}
	ms->backoff_ms = ms->backoff_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : ms->backoff_ms * 2;
	retry_arm(ms);
}

/*
 * The library's check: a ping, and on no answer it closes the session
 * (INDEX_STOP follows).  Its alarm id is used only without a session.
 */
static void
ping_fired(void *arg)
{
	struct master *ms = arg;

	agentx_check_session(ms->pinger.id, ms->session);
}

static void
lost(struct master *ms)
{
	clock_gettime(CLOCK_MONOTONIC, &ms->lost);
	ms->tries = 0;
	ms->backoff_ms = RETRY_FIRST_MS;
	retry_arm(ms);
}

/* SNMPD_CALLBACK_INDEX_START / INDEX_STOP: the session opened or closed. */
static int
session_event(int major, int minor, void *serverarg, void *clientarg)
{
	struct master *ms = clientarg;

	if (minor == SNMPD_CALLBACK_INDEX_START) {
		ms->session = serverarg;
		loop_timer_stop(&ms->retry);
		if (ms->ping > 0 && ms->pinger.id == 0)
			loop_timer_every(&ms->pinger, (unsigned)ms->ping);
		tell(ms);
		return 0;
	}
	if (serverarg != ms->session)
		return 0;
	ms->session = NULL;
	loop_timer_stop(&ms->pinger);
	log_notice("agentx", "lost the master (%s): reconnecting", master_address());
	lost(ms);
	tell(ms);
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
	struct master *ms = clientarg;

	ms->ping =
	    netsnmp_ds_get_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, 0);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS,
	    1);
	return 0;
}

struct master *
master_init(void)
{
	struct master *ms = calloc(1, sizeof(*ms));

	if (ms == NULL)
		return NULL;
	loop_timer_init(&ms->retry, retry_fired, ms);
	loop_timer_init(&ms->pinger, ping_fired, ms);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_POST_READ_CONFIG, post_config,
	    ms);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, session_event,
	    ms);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, session_event,
	    ms);
	return ms;
}

void
master_start(struct master *ms)
{
	if (ms->session != NULL)
		return;
	log_warn("agentx", "cannot connect to the master (%s); retrying", master_address());
	lost(ms);
}

int
master_connected(const struct master *ms)
{
	return ms->session != NULL;
}

void
master_free(struct master *ms)
{
	if (ms == NULL)
		return;
	loop_timer_stop(&ms->retry);
	loop_timer_stop(&ms->pinger);
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_POST_READ_CONFIG, post_config,
	    ms, 1);
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
	    session_event, ms, 1);
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
	    session_event, ms, 1);
	free(ms);
}
