/*
 * The adapter methods as SETs (issue 13): cimNetAdapterTable's Enable(),
 * Disable(), Reset(), SetPowerState() and NetConnectionID;
 * cimAdapterCfgTable's SetMTU() and the methods that ask for what Linux
 * already is; EnableStatic() through the rows of cimAdapterCfgAddressTable.
 * One transaction group (snmp/txn.h) over the interface mirror, whose kernel
 * requests go on the writer's asynchronous request handle (route/nlreq.h),
 * so that a SET across these tables and the route tables is all or nothing
 * and bounded by one time budget.
 *
 * Each adapter keeps the last method performed on it and its result (the
 * LastMethod and LastResult columns) while its link lives.  No net-snmp
 * type here: main.c and the tests include it.
 */
#ifndef CIMR_MIB_IFSET_H
#define CIMR_MIB_IFSET_H

#include <stdint.h>

#include "iface/ifmirror.h"

struct writer;
struct txn;
struct txn_ops;

/* The last methods of one adapter; method 0: none (its result is absent). */
struct ifrec {
	int32_t ifindex;
	uint8_t ad_method, ad_result; /* cimNetAdapterLastMethod, cimNetAdapterLastResult */
	uint8_t cfg_method;           /* cimAdapterCfgLastMethod */
	uint16_t cfg_result;          /* cimAdapterCfgLastResult (enum cim_rc: 4096 jobStarted) */
};

struct ifset;

/*
 * The methods over ifm, their requests on w's asynchronous handle (w->qa)
 * and the interfaces w's configuration protects; watches ifm to forget
 * the records of links that go.  NULL out of memory.
 */
struct ifset *ifset_new(struct writer *w, struct iface *ifm);
void ifset_free(struct ifset *);
/*
 * Keep the nonVolatile addresses in dir's static-addresses (iface/staticaddr.h)
 * and add them again now, when one vanishes and when its link appears, on
 * w's asynchronous request handle (its answers are read from the loop).
 * 0, or -1 with err.
 */
int ifset_use_statedir(struct ifset *, const char *dir, char *err, size_t errlen);
/*
 * Record a method of cimAdapterCfgTable performed through another table
 * (SetGateways(), the gateway rows of route/mib_set.c) and its result on
 * ifindex; *old gets the record as it was, which ifset_unrecord_cfg() puts
 * back (the SET was undone) if the columns still read method and result: a
 * method of the same SET that failed since keeps its code.
 */
void ifset_record_cfg(struct ifset *, int32_t ifindex, int method, int result, struct ifrec *old);
void ifset_unrecord_cfg(struct ifset *, int32_t ifindex, int method, int result,
    const struct ifrec *old);
/* Record a refusal err of txn's column check (wrongType, wrongLength, wrongValue) of method. */
void ifset_record_refused_cfg(struct ifset *, int32_t ifindex, int method, int err);
/*
 * The DHCP methods (EnableDHCP, EnableStatic's stop of the client,
 * Release/RenewDHCPLease): their commands run by dc, as cfg says
 * (iface/dhcpctl.h).  Without, those methods are not supported (64).
 */
struct dhcpctl;
struct dhcpctl_config;
void ifset_use_dhcp(struct ifset *, struct dhcpctl *dc, const struct dhcpctl_config *cfg);
/*
 * The alias a link that is down has in the kernel, read from dev when
 * NetConnectionID is written there, so that UNDO puts back that one and
 * not the mirror's (the kernel announced no change of it).  Without, the
 * mirror's.
 */
struct ifdev;
void ifset_use_ifdev(struct ifset *, const struct ifdev *dev);
/*
 * ReleaseDHCPLeaseAll() and RenewDHCPLeaseAll() (cimTcpipAction): the
 * release or renew of every interface whose DHCPEnabled is true.  check:
 * CIM_RC_SUCCESS if they can start, else the code of why not (64: no
 * commands; 100: no interface with DHCP; 98: the last ones still run).
 * start (at COMMIT): each interface's command, its own method and result
 * recorded on it as ReleaseDHCPLease()'s; done(arg, failed) once all have
 * ended (failed: how many did not succeed, or could not start).
 */
typedef void (*ifset_all_fn)(void *arg, int failed);
int ifset_dhcp_all_check(const struct ifset *, int release);
void ifset_dhcp_all_start(struct ifset *, int release, ifset_all_fn done, void *arg);
/* The adapter's record, or NULL when no method was performed on it. */
const struct ifrec *ifset_rec(const struct ifset *, int32_t ifindex);

/*
 * The StorageType of an address: volatile(2) or nonVolatile(3) as its row
 * was created here (kept while the kernel has it), nonVolatile(3) for an
 * address of the state file, other(1) for the rest.
 */
int ifset_storage(const struct ifset *, const struct iface_addr *a);

/*
 * The array tables whose rows Linux never has (cimAdapterCfgPermitTcp/Udp/
 * IpTable: EnableIPSec(); cimAdapterCfgIpxTable: SetIPXFrameTypeNetworkPairs()):
 * destroying rows asks for what Linux is (no IPsec filter, no IPX), 0 and
 * nothing changed; creating one is refused with inconsistentValue and code.
 * Their txn_bind() context (no group of their own).
 */
struct ifset_none {
	struct ifset *s;
	const char *table; /* its name, for the log */
	uint32_t pos_max;  /* the MIB's range of its position: 1..pos_max */
	int method;        /* enum cim_method */
	int code;          /* enum cim_rc of a creation */
	const char *why;
};
extern const struct txn_ops mib_ifset_permit_ops, mib_ifset_ipx_ops;
/* The tables' operations for txn_bind() (ctx: the ifset). */
extern const struct txn_ops mib_ifset_adapter_ops, mib_ifset_cfg_ops, mib_ifset_addr_ops;

#endif
