/*
 * Table-driven MIB handlers: a table is a list of column getters plus three
 * row functions (seek, next, index); GET and GETNEXT are written once here.
 */
#ifndef CIMR_MIB_H
#define CIMR_MIB_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "snmp/oids.h"

struct mirror;

struct mib_value {
	u_char type; /* ASN_* */
	size_t len;
	union {
		long i;
		u_long u;
		u_char s[256];
		oid o[MAX_OID_LEN];
	} v;
};

/* Returns 0 with *out filled, or -1 when the row has no value in this column. */
typedef int (*mib_get_fn)(const void *row, struct mib_value *out, void *ctx);

struct mib_column {
	oid col;
	mib_get_fn get;
};

/*
 * Designated initialisers of a struct mib_table (and a struct txn_ops):
 * the entry OID with its length, and a column array with its count.
 */
#define MIB_ENTRY(...) \
	.entry = { __VA_ARGS__ }, .entry_len = sizeof((oid[]){ __VA_ARGS__ }) / sizeof(oid)
#define MIB_COLUMNS(a) .cols = (a), .ncols = sizeof(a) / sizeof((a)[0])

struct mib_table {
	const char *name;
	oid entry[MAX_OID_LEN]; /* the entry's OID (table.1) */
	size_t entry_len;
	const struct mib_column *cols; /* ascending column numbers */
	size_t ncols;
	/* The first row whose index is > (strict) or >= the sub-identifiers, or NULL. */
	const void *(*seek)(void *ctx, const oid *idx, size_t len, int strict);
	/* The row after row, or NULL. */
	const void *(*next)(void *ctx, const void *row);
	/* Optional: the row after row that may have a value in column col (NULL: next). */
	const void *(*next_in)(void *ctx, const void *row, oid col);
	/* Writes the row's index; returns its length. */
	size_t (*index)(void *ctx, const void *row, oid *out);
	void *ctx;
	/* SET phases for the whole varbind list (NULL: the table is read-only); see txn_bind(). */
	void (*set)(const struct mib_table *, netsnmp_agent_request_info *, netsnmp_request_info *);
	void *set_ctx;
};

int mib_table_register(struct mib_table *);

/*
 * A GETNEXT reads at most this many rows without a value in one column, then
 * answers from the next column (see mib_table_getnext()).  A row without a
 * value costs 10-20 ns (tests/bench/getnext-pending), so the bound is about
 * 1 ms a column, far below the master's agentXTimeout at any table size,
 * where walking a whole empty column of 1M routes took up to 6 s with
 * createAndWait rows pending (issue 9 item 6).
 */
#define MIB_SKIP_MAX 50000

/* A read-only scalar whose value comes from a getter (row is NULL). */
int mib_scalar_register(const char *name, const oid *o, size_t len, mib_get_fn get, void *ctx);

/* A read-write scalar: the SET phases of one value. */
struct mib_scalar_ops {
	mib_get_fn get;
	/* RESERVE1: SNMP_ERR_NOERROR, or the error for this type or value. */
	int (*check)(const netsnmp_variable_list *, void *ctx);
	/* ACTION: apply (and remember what to undo); SNMP_ERR_NOERROR or commitFailed. */
	int (*apply)(const netsnmp_variable_list *, void *ctx);
	/* UNDO: put back what apply changed; SNMP_ERR_NOERROR or undoFailed. */
	int (*undo)(void *ctx);
	/* COMMIT (may be NULL): what may happen only once the SET cannot be undone. */
	void (*commit)(void *ctx);
	/*
	 * COMMIT, UNDO and FREE, after the above (may be NULL): the SET is over,
	 * whatever its end; forget what check() kept for ACTION.
	 */
	void (*end)(void *ctx);
};

int mib_scalar_register_rw(const char *name, const oid *o, size_t len,
    const struct mib_scalar_ops *, void *ctx);

void mib_set_int(struct mib_value *, u_char type, long v);
void mib_set_uint(struct mib_value *, u_char type, u_long v);
void mib_set_str(struct mib_value *, const char *s, size_t maxlen);
void mib_set_bytes(struct mib_value *, u_char type, const void *p, size_t len);
/* A RowStatus column of a table whose rows exist only when active: active(1). */
int mib_get_active(const void *row, struct mib_value *, void *ctx);
/*
 * The column col of n columns in ascending order (a table's), or NULL: a
 * notification's value is read with the getter that answers its GET.
 */
const struct mib_column *mib_column_find(const struct mib_column *cols, size_t n, oid col);
/* A property Linux does not have: listed so that it reads noSuchInstance, not noSuchObject. */
int mib_get_absent(const void *row, struct mib_value *, void *ctx);
/* A DateAndTime of a wall-clock time, deci-seconds included. */
void mib_set_date(struct mib_value *, const struct timespec *);

/* Internals exposed for the unit tests. */
int mib_table_get(const struct mib_table *, const oid *name, size_t len, struct mib_value *);
int mib_table_getnext(const struct mib_table *, const oid *name, size_t len, int strict, oid *out,
    size_t *outlen, struct mib_value *);

struct writer;
struct txn;
struct txn_ops;

/* The SET operations of the two route tables (mib_set.c; ctx: the writer), for txn_bind(). */
extern const struct txn_ops mib_set_route_ops;
extern const struct txn_ops mib_set_route6_ops;
extern const struct txn_ops mib_set_persist_ops;
extern const struct txn_ops mib_set_persist6_ops;
/* cimAdapterCfgGatewayTable (SetGateways()): rows of the route tables by another name. */
extern const struct txn_ops mib_set_gateway_ops;

/* The route table (mib_route.c), writable through txn. */
int mib_route_register(struct mirror *, struct writer *, struct txn *);
extern const struct mib_table *mib_route_table;
/* Bind the table to a mirror and its createAndWait rows (w may be NULL) without registering. */
void mib_route_bind(struct mirror *, struct writer *);

/* The IPv6 route table (mib_route6.c), read-only so far; bind without registering (tests). */
/* cimIP6RouteTable over m6, writable through txn with w (NULL, NULL: read only). */
int mib_route6_register(struct mirror *m6, struct writer *w, struct txn *txn);
extern const struct mib_table *mib_route6_table;
void mib_route6_bind(struct mirror *);

/* The persisted-route and active-route tables (mib_persist.c), writable through txn. */
int mib_persist_register(struct writer *, struct txn *);

/* The route-change events: history, settings and notifications (mib_event.c). */
struct notify;
/* The notifier's callbacks and timers (notify_start()). */
void mib_event_init(struct notify *);
/*
 * The master_fn (snmp/master.h) of the session to the master: notifications
 * go on it while it is open (s) and wait in the queue while it is away.
 */
struct snmp_session;
void mib_event_master(struct snmp_session *s, void *arg);
int mib_event_register(void);
/*
 * Another table's notification (vl: snmpTrapOID.0, then its objects; taken
 * over): queued with the route changes while the master is away, sent
 * until it takes it (notify_other()).  0, or -1 (dropped).
 */
int mib_event_notify(netsnmp_variable_list *vl);
/* cimRouteEventTable over a notifier, without registering or callbacks (tests). */
extern const struct mib_table *mib_event_table;
void mib_event_bind(struct notify *);
/* A setting's operations and context by its arc under cimRouteEvent, or NULL (tests). */
const struct mib_scalar_ops *mib_event_setting(oid arc, void **ctx);

/*
 * cimAdapterConfig (mib_adcfg.c): the configuration, address and gateway
 * tables over the interface mirror and the mirrors of table main (m4, m6;
 * served4/6: they are the served route tables, which the gateways' RowPointer
 * names), and the permit and IPX tables, with no rows.
 */
struct iface;
struct ifdev;
struct link;
struct iface_addr;
int mib_adcfg_register(struct iface *, struct mirror *m4, struct mirror *m6, int served4,
    int served6);
/* DHCPEnabled, DHCPServer and the lease times from the clients' leases (NULL: lifetimes only). */
struct dhcplease;
void mib_adcfg_use_leases(struct dhcplease *);
/* The device facts for Description and ServiceName (as Win32_NetworkAdapter has them). */
void mib_adcfg_use_ifdev(struct ifdev *);
/*
 * The writer whose persisted rows are the gateways made through
 * cimAdapterCfgGatewayTable, and the SET transaction its rows join
 * (SetGateways()); before mib_adcfg_register().  0 or -1.
 */
struct writer;
int mib_adcfg_use_writer(struct writer *, struct txn *);
/*
 * Make the configuration and address tables writable through txn with the
 * methods of set (snmp/mib_ifset.h), whose records LastMethod and
 * LastResult read; before mib_adcfg_register().  0 or -1.
 */
struct ifset;
int mib_adcfg_writable(struct txn *, struct ifset *);
/* Bind without registering (tests). */
void mib_adcfg_bind(struct iface *, struct mirror *m4, struct mirror *m6, int served4, int served6);
extern const struct mib_table *mib_adcfg_table;
extern const struct mib_table *mib_adcfg_addr_table;
extern const struct mib_table *mib_adcfg_gw_table;
/* The permit TCP, UDP, IP and IPX tables (no rows on Linux), then NULL. */
extern const struct mib_table *const mib_adcfg_rowless[];
/*
 * WMI's DHCPEnabled of l (a client's lease, else a leased IPv4 address);
 * *client: the enum dhcp_client that keeps the lease (iface/dhcplease.h).
 */
int mib_adcfg_dhcp(const struct link *l, int *client);
/* WMI's IPEnabled: up, not the loopback, an address beyond link-local. */
int mib_adcfg_ip_enabled(const struct link *);
/* An address's position in WMI's IPAddress (from 0), its IpAddressOriginTC, its IPSubnet text. */
unsigned mib_adcfg_addr_position(const struct iface_addr *);
long mib_adcfg_origin(const struct iface_addr *);
void mib_adcfg_subnet(const struct iface_addr *, char *buf, size_t len);

/* cimTcpip and the resolver tables (mib_tcpip.c), over the interface mirror and the resolver. */
struct resolver;
struct txn;
/* The resolver tables' writes join txn (all or nothing with the other tables). */
/* The adapter methods whose DHCP commands cimTcpipAction's All variants run (NULL: none). */
struct ifset;
void mib_tcpip_use_ifset(struct ifset *);
/* protectedInterfaces (NULL: none): the server rows of a link whose servers resolved keeps. */
struct writer_config;
void mib_tcpip_use_protected(const struct writer_config *);
int mib_tcpip_register(struct iface *, struct resolver *, struct txn *);
void mib_tcpip_bind(struct iface *, struct resolver *); /* tests */
int mib_tcpip_use_txn(struct txn *);                    /* tests: the resolver tables' writes */
/* Where the sysctls (net.ipv4's directory) and the host name are: tests give their own. */
struct tcpip_sys {
	const char *sysctl_root;
	int (*gethostname)(char *, size_t);
	int (*sethostname)(const char *, size_t);
	const char *proc_root; /* where a running dhclient is looked for; NULL: nowhere */
};
void mib_tcpip_use_sys(const struct tcpip_sys *); /* NULL: the system's */
/* Tests: the SET operations of a writable cimTcpip scalar and their ctx (NULL: read-only). */
const struct mib_scalar_ops *mib_tcpip_scalar(oid col, void **ctx);
/* cimTcpipLastMethod, and cimTcpipLastResult in *result. */
long mib_tcpip_last(long *result);
/* A host name as RFC 1123 has it, at most 64 characters (the kernel's limit). */
int mib_tcpip_host_name_ok(const u_char *s, size_t len);
extern const struct mib_table *mib_dns_server_table;
extern const struct mib_table *mib_dns_suffix_table;

#endif
