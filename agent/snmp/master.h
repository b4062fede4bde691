/*
 * The AgentX session to the master agent: reconnect as soon as it is lost.
 *
 * net-snmp's subagent notices at once that the master went away (EOF on the
 * AgentX socket) but tries to reconnect only every agentXPingInterval
 * seconds, so every restart of snmpd left the MIB unserved for that long
 * (issue 9, item 10).  Here the library neither pings nor retries (its ping
 * interval is set to 0 once the configuration is read); this module tries
 * again 100 ms after a loss, doubling up to 500 ms, and pings a live master
 * every agentXPingInterval seconds itself.
 */
#ifndef CIMR_MASTER_H
#define CIMR_MASTER_H

struct master;
struct snmp_session;

/*
 * What follows the session: fn(session, arg) when it opens, fn(NULL, arg)
 * when it closes (only the master's session, not another's).
 */
typedef void (*master_fn)(struct snmp_session *, void *arg);

/* Before init_agent(): hooks into the configuration and the session callbacks; NULL: no memory. */
struct master *master_init(void);
/*
 * Before init_snmp() (the first connection): fn follows the session, after
 * the watchers before it.  0, or -1 when MASTER_WATCHERS are taken.
 */
#define MASTER_WATCHERS 4
int master_watch(struct master *, master_fn fn, void *arg);
/* After init_snmp(): if the first connection failed, keep trying (its timers: snmp/loop.h). */
void master_start(struct master *);
/* 1 while the session to the master is open. */
int master_connected(const struct master *);
/* Before snmp_shutdown(): no more retries, pings or callbacks. */
void master_free(struct master *);

#endif
