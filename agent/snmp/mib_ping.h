/*
 * cimPing (Win32_PingStatus) over SNMP: cimPingTable, writable through the
 * one SET transaction (snmp/txn.h), its three read-only sub-tables (route
 * record, timestamps, probes), the scalars and the cimPingCompletion
 * notification.  The rows themselves are icmp/pingrows.h's.
 */
#ifndef CIMR_MIB_PING_H
#define CIMR_MIB_PING_H

#include "icmp/pingrows.h"
#include "snmp/mib.h"

struct txn;

/* Register the tables and scalars over s, the table writable through txn; 0, or -1. */
int mib_ping_register(struct pingrows *s, struct txn *txn);
/* Tests: the same without registering with net-snmp (the tables' set routed through txn). */
int mib_ping_bind(struct pingrows *s, struct txn *txn);

extern const struct mib_table *mib_ping_table;
extern const struct mib_table *mib_ping_rr_table;
extern const struct mib_table *mib_ping_ts_table;
extern const struct mib_table *mib_ping_probe_table;

/* Tests: the SET operations of a writable scalar (PING_MAXROWS ...) and their ctx. */
const struct mib_scalar_ops *mib_ping_scalar(oid obj, void **ctx);
/* Tests: a read-only scalar's getter (PING_ROWSREFUSED ..., 1: count, 2: last change). */
mib_get_fn mib_ping_scalar_get(oid obj);
/* The varbinds of cimPingCompletion for r (snmpTrapOID.0 first); NULL when out of memory. */
netsnmp_variable_list *mib_ping_completion_vars(const struct ping_row *r);

/* Between mib_ping.c and mib_pingset.c. */
struct ping_key;
int mib_ping_key_parse(const oid *idx, size_t len, struct ping_key *k);
void mib_ping_key_text(const struct ping_key *k, char *buf, size_t len);
extern const struct txn_ops mib_ping_set_ops;
/* The scalars over s (registered when reg); 0, or -1. */
int mib_ping_scalars_bind(struct pingrows *s, int reg);

#endif
