/*
 * cimNetworkAdapter (Win32_NetworkAdapter), read side: the scalars,
 * cimNetAdapterTable and its array tables over the interface mirror
 * (iface/ifmirror) and the device facts (iface/ifdev).  No net-snmp type
 * here: main.c and the tests include it.
 */
#ifndef CIMR_MIB_ADAPTER_H
#define CIMR_MIB_ADAPTER_H

#include "iface/ifdev.h"
#include "iface/ifmirror.h"

struct mib_table;
struct ifset;
struct txn;

/* Bind the tables to ifm and dev and watch ifm for the last-change time; 0 or -1. */
int mib_adapter_bind(struct iface *ifm, const struct ifdev *dev);
/* Bind, then register the scalars and the three tables with the agent; 0 or -1. */
int mib_adapter_register(struct iface *ifm, const struct ifdev *dev);

/*
 * Make cimNetAdapterTable writable through txn with the methods of set
 * (snmp/mib_ifset.h), whose records its LastMethod and LastResult read;
 * before mib_adapter_register().  0 or -1.
 */
int mib_adapter_writable(struct txn *txn, struct ifset *set);

/* The tables, for the unit tests (mib_table_get(), mib_table_getnext()). */
extern const struct mib_table *mib_adapter_table, *mib_adapter_power_table,
    *mib_adapter_netaddr_table;

#endif
