/*
 * cmap: cimq's knowledge of the classes, from mof-map/map.tsv (the only
 * mapping of class/property to MIB object) and CIM-ROUTE-MIB as net-snmp's
 * MIB parser reads it (OIDs, INDEX clauses, syntaxes).  No network.
 *
 * Class names:
 *  - the WMI classes of map.tsv (Win32_IP4RouteTable, ...), properties and
 *    methods under their WMI names;
 *  - every other conceptual table of the MIB that map.tsv lists only in its
 *    `extension` rows is a class named after the MIB table minus "Table"
 *    (cimIP6RouteTable -> class "cimIP6Route", cimIP6PersistedRoute,
 *    cimIP6ActiveRoute, cimPingProbe, cimRouteEvent, ...); its properties are
 *    its columns and index objects named without the entry's prefix
 *    (cimIP6RouteDestination -> "Destination", cimIP6RoutePrefixLength ->
 *    "PrefixLength"), typed from their SMI syntax (DateAndTime -> datetime, TruthValue ->
 *    boolean, Integer32 -> sint32, enumerations and Unsigned32 -> uint32,
 *    Counter64/CimGauge64 -> uint64, other -> string);
 *  - extension columns of a WMI class's table (cimIP4RouteKernelTable,
 *    cimIP4RouteRowStatus, ...) are properties of that class with the same
 *    prefix rule ("KernelTable"), flagged ext: selectable and usable in WHERE
 *    but not part of SELECT *.
 * Lookups of classes, properties and methods are case-insensitive, as WMI's.
 */
#ifndef CIMQ_CMAP_H
#define CIMQ_CMAP_H

#include <stddef.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

/* CIM base type of a property (cim_type column of map.tsv, without "[]"). */
enum cmap_type {
	CMAP_T_STRING,
	CMAP_T_SINT, /* sint8/16/32/64: bits says which */
	CMAP_T_UINT, /* uint8/16/32/64 */
	CMAP_T_BOOL,
	CMAP_T_DATETIME, /* CIM_DATETIME string */
	CMAP_T_REF,      /* "Class REF": an object path string */
};

/* How an index component is encoded in sub-identifiers (RFC 2578 7.7). */
enum cmap_ixenc {
	CMAP_IX_INT,    /* INTEGER, Integer32, Unsigned32, ...: one subid */
	CMAP_IX_IPADDR, /* IpAddress: 4 subids */
	CMAP_IX_OCTETS, /* OCTET STRING (InetAddress, SnmpAdminString, ...):
			   length then octets, or octets only if implied;
			   fixed_len > 0 (InetAddressIPv6): fixed_len octets */
	CMAP_IX_OID,    /* OBJECT IDENTIFIER: length then subids */
};

struct cmap_index {
	char *mib_name; /* cimIP4RouteDestination */
	char *syntax;   /* its SMI syntax/TC name, e.g. "InetAddressIPv6" */
	enum cmap_ixenc enc;
	size_t fixed_len; /* CMAP_IX_OCTETS of fixed size, else 0 */
	int implied;      /* IMPLIED last component */
	int prop;         /* index of the class property it is, or -1 */
};

/* A conceptual table: the class's own, or the dependent table of an array. */
struct cmap_table {
	char *mib_name;         /* cimIP4RouteTable */
	oid entry[MAX_OID_LEN]; /* its entry: column c is entry.c */
	size_t entry_len;
	struct cmap_index *ix; /* INDEX components in order */
	size_t nix;
	/* dependent tables: the first parent_nix components are the parent
	   class's index (0: a global list, the same for every instance) */
	size_t parent_nix;
};

struct cmap_prop {
	char *name;     /* WMI name as spelled in map.tsv */
	char *cim_type; /* as in map.tsv: "string[]", "uint32", ... */
	enum cmap_type type;
	int bits;       /* 8/16/32/64 for SINT/UINT, else 0 */
	int array;      /* cim_type ends in [] */
	int key;        /* a WMI key property of the class */
	int ext;        /* extension column: not in SELECT * */
	char *mib_name; /* cimIP4RouteDestination, or NULL (no
				     SNMP counterpart, e.g. SECURITY_DESCRIPTOR) */
	char *syntax;   /* SMI syntax as in map.tsv: "IpAddress" */
	char *access;   /* MIB access as in map.tsv */
	/* Where its value is: in table (the class's own or, for an array, its
	   dependent table), either the column entry.col (ix < 0) or index
	   component ix of the row's index (not-accessible objects); or, with
	   table NULL, the scalar oid.0 (the same for every instance). */
	const struct cmap_table *table;
	int ix;
	oid oid[MAX_OID_LEN]; /* column (entry.col) or scalar object */
	size_t oid_len;
};

struct cmap_method {
	char *name;     /* "EnableStatic", without "()" */
	char *mib_name; /* the writable object it writes */
	char *syntax;
	oid oid[MAX_OID_LEN];
	size_t oid_len;
};

enum cmap_kind {
	CMAP_K_TABLE, /* instances are rows of a table */
	CMAP_K_EVENT, /* an event class: its notification, and the history table
			 whose column X holds the notification object
			 cimRouteNotifyX (cimRouteEventX); the history has rows of
			 both families: cimRouteEventAddressType tells which */
};

struct cmap_class {
	char *name; /* Win32_IP4RouteTable, cimIP6Route */
	enum cmap_kind kind;
	int wmi;                 /* named by map.tsv (not an extension) */
	struct cmap_table table; /* K_TABLE: its rows; K_EVENT: history */
	oid notif[MAX_OID_LEN];  /* K_EVENT: the NOTIFICATION-TYPE */
	size_t notif_len;
	struct cmap_prop *props;
	size_t nprops;
	struct cmap_method *methods;
	size_t nmethods;
	struct cmap_table *deps; /* dependent tables of array properties */
	size_t ndeps;
};

struct cmap {
	struct cmap_class *classes;
	size_t nclasses;
};

/* Loads path (map.tsv) and resolves its objects in the MIB tree, which the
   caller has loaded (read_module("CIM-ROUTE-MIB") or read_all_mibs).
   Returns NULL on failure with a one-line message in err. */
struct cmap *cmap_load(const char *path, char *err, size_t errlen);
void cmap_free(struct cmap *m);

/* Case-insensitive lookups; NULL when absent. */
const struct cmap_class *cmap_class(const struct cmap *m, const char *name);
const struct cmap_prop *cmap_prop(const struct cmap_class *c, const char *name);
const struct cmap_method *cmap_method(const struct cmap_class *c, const char *name);
/* Index of p in c->props. */
size_t cmap_prop_index(const struct cmap_class *c, const struct cmap_prop *p);

/* The nearest known name (smallest edit distance, case-insensitive), for
   "unknown class X (did you mean Y?)"; NULL if nothing is near. */
const char *cmap_nearest_class(const struct cmap *m, const char *name);
const char *cmap_nearest_prop(const struct cmap_class *c, const char *name);
const char *cmap_nearest_method(const struct cmap_class *c, const char *name);

/* cim_type text ("uint16[]") to type/bits/array; -1 if unknown. */
int cmap_parse_cim_type(const char *text, enum cmap_type *type, int *bits, int *array);

#endif
