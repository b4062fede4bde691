/*
 * CIM-ROUTE-MIB's object identifiers: the one place they are written in the
 * daemon (tests/unit/test_oids.c checks every one against mibs/).  Each arc
 * under cimRouteObjects is a WMI class; each starts with a row count (.1),
 * a last-change time (.2) and its table (.3).
 */
#ifndef CIMR_OIDS_H
#define CIMR_OIDS_H

/* enterprises.32473 is RFC 5612's example number, until one is assigned. */
#define CIMR_ROOT 1, 3, 6, 1, 4, 1, 32473, 1 /* cimRouteMIB */

#define CIMR_NOTIFICATIONS CIMR_ROOT, 0 /* cimRouteNotifications */
#define CIMR_OBJECTS       CIMR_ROOT, 1 /* cimRouteObjects */

#define CIMR_IP4ROUTE   CIMR_OBJECTS, 1  /* cimIP4Route */
#define CIMR_PERSIST    CIMR_OBJECTS, 2  /* cimIP4PersistedRoute */
#define CIMR_ACTIVE     CIMR_OBJECTS, 3  /* cimActiveRoute */
#define CIMR_EVENT      CIMR_OBJECTS, 4  /* cimRouteEvent */
#define CIMR_ADAPTER    CIMR_OBJECTS, 5  /* cimNetworkAdapter */
#define CIMR_ADAPTERCFG CIMR_OBJECTS, 6  /* cimAdapterConfig */
#define CIMR_PING       CIMR_OBJECTS, 7  /* cimPing */
#define CIMR_IP6ROUTE   CIMR_OBJECTS, 8  /* cimIP6Route */
#define CIMR_PERSIST6   CIMR_OBJECTS, 9  /* cimIP6PersistedRoute */
#define CIMR_ACTIVE6    CIMR_OBJECTS, 10 /* cimIP6ActiveRoute */

/* The first objects of every arc. */
enum {
	CIMR_ARC_COUNT = 1,      /* a Gauge32 row count */
	CIMR_ARC_LASTCHANGE = 2, /* a DateAndTime */
	CIMR_ARC_TABLE = 3,
};

#define CIMR_IP4ROUTE_ENTRY CIMR_IP4ROUTE, 3, 1 /* cimIP4RouteEntry */
#define CIMR_IP6ROUTE_ENTRY CIMR_IP6ROUTE, 3, 1 /* cimIP6RouteEntry */
#define CIMR_PERSIST_ENTRY  CIMR_PERSIST, 3, 1  /* cimIP4PersistedRouteEntry */
#define CIMR_ACTIVE_ENTRY   CIMR_ACTIVE, 3, 1   /* cimActiveRouteEntry */
#define CIMR_PERSIST6_ENTRY CIMR_PERSIST6, 3, 1 /* cimIP6PersistedRouteEntry */
#define CIMR_ACTIVE6_ENTRY  CIMR_ACTIVE6, 3, 1  /* cimIP6ActiveRouteEntry (COL_ACTIVE_*) */
#define CIMR_EVENT_ENTRY    CIMR_EVENT, 3, 1    /* cimRouteEventEntry */
#define CIMR_NOTIFY_OBJECTS CIMR_EVENT, 10      /* cimRouteNotifyObjects */

/* cimIP4RouteEntry: the index (1-7), then WMI's properties. */
enum {
	COL_IP4ROUTE_AGE = 8,
	COL_IP4ROUTE_CAPTION = 9,
	COL_IP4ROUTE_DESCRIPTION = 10,
	COL_IP4ROUTE_INFORMATION = 11,
	COL_IP4ROUTE_INSTALLDATE = 12,
	COL_IP4ROUTE_METRIC1 = 13,
	COL_IP4ROUTE_METRIC2 = 14,
	COL_IP4ROUTE_METRIC3 = 15,
	COL_IP4ROUTE_METRIC4 = 16,
	COL_IP4ROUTE_METRIC5 = 17,
	COL_IP4ROUTE_NAME = 18,
	COL_IP4ROUTE_PROTOCOL = 19,
	COL_IP4ROUTE_STATUS = 20,
	COL_IP4ROUTE_TYPE = 21,
	COL_IP4ROUTE_KERNELPROTOCOL = 22,
	COL_IP4ROUTE_KERNELTYPE = 23,
	COL_IP4ROUTE_ROWSTATUS = 24,
	COL_IP4ROUTE_NEXTHOPADDRESSTYPE = 25, /* the gateway of either family (RFC 5549) */
	COL_IP4ROUTE_NEXTHOPADDRESS = 26,
};

/* cimIP6RouteEntry: the index (1-8), then the columns of cimIP4RouteEntry, then IPv6's own. */
enum {
	COL_IP6ROUTE_AGE = 9,
	COL_IP6ROUTE_CAPTION = 10,
	COL_IP6ROUTE_DESCRIPTION = 11,
	COL_IP6ROUTE_INSTALLDATE = 12,
	COL_IP6ROUTE_NAME = 13,
	COL_IP6ROUTE_PROTOCOL = 14,
	COL_IP6ROUTE_STATUS = 15,
	COL_IP6ROUTE_TYPE = 16,
	COL_IP6ROUTE_KERNELPROTOCOL = 17,
	COL_IP6ROUTE_KERNELTYPE = 18,
	COL_IP6ROUTE_METRIC1 = 19,
	COL_IP6ROUTE_PREFERENCE = 20,
	COL_IP6ROUTE_VALIDLIFETIME = 21,
	COL_IP6ROUTE_ROWSTATUS = 22,
};

/* cimIP4PersistedRouteEntry: the index (1-4), then the rest. */
enum {
	COL_PERSIST_CAPTION = 5,
	COL_PERSIST_DESCRIPTION = 6,
	COL_PERSIST_INSTALLDATE = 7,
	COL_PERSIST_NAME = 8,
	COL_PERSIST_STATUS = 9,
	COL_PERSIST_APPLYERROR = 10,
	COL_PERSIST_STORAGETYPE = 11,
	COL_PERSIST_ROWSTATUS = 12,
};

/* cimIP6PersistedRouteEntry: the index (1-5), then the columns of cimIP4PersistedRouteEntry. */
enum {
	COL_PERSIST6_CAPTION = 6,
	COL_PERSIST6_DESCRIPTION = 7,
	COL_PERSIST6_INSTALLDATE = 8,
	COL_PERSIST6_NAME = 9,
	COL_PERSIST6_STATUS = 10,
	COL_PERSIST6_APPLYERROR = 11,
	COL_PERSIST6_STORAGETYPE = 12,
	COL_PERSIST6_ROWSTATUS = 13,
};

/* cimActiveRouteEntry and cimIP6ActiveRouteEntry */
enum {
	COL_ACTIVE_SAMEELEMENT = 1,
	COL_ACTIVE_SYSTEMELEMENT = 2,
};

/* cimRouteEventEntry, and the same values in cimRouteNotifyObjects. */
enum {
	COL_EVENT_SEQUENCE = 1,
	COL_EVENT_TIMECREATED = 2,
	COL_EVENT_KIND = 3,
	COL_EVENT_DESTINATION = 4,
	COL_EVENT_MASK = 5,
	COL_EVENT_NEXTHOP = 6,
	COL_EVENT_IFINDEX = 7,
	COL_EVENT_KERNELTABLE = 8,
	COL_EVENT_TOS = 9,
	COL_EVENT_KERNELMETRIC = 10,
};

/* cimRouteNotifyObjects beyond the event columns: a summary's counts and range. */
enum {
	NOTIFY_OBJ_ADDED = 11,
	NOTIFY_OBJ_REMOVED = 12,
	NOTIFY_OBJ_CHANGED = 13,
	NOTIFY_OBJ_FIRSTSEQUENCE = 14,
	NOTIFY_OBJ_LASTSEQUENCE = 15,
};

/*
 * cimRouteEventEntry's IPv6 index columns, and the same values in
 * cimRouteNotifyObjects (11-15 are the summary's there, so no column);
 * then the event's address family (a column only).
 */
enum {
	COL_EVENT_IP6DESTINATION = 16,
	COL_EVENT_IP6PREFIXLENGTH = 17,
	COL_EVENT_IP6NEXTHOP = 18,
	COL_EVENT_IP6SOURCE = 19,
	COL_EVENT_IP6SOURCELENGTH = 20,
	COL_EVENT_ADDRESSTYPE = 21,
};

/* The scalars of cimRouteEvent after its table. */
enum {
	EVENT_HISTORYSIZE = 4,
	EVENT_LASTSEQUENCE = 5,
	EVENT_NOTIFYENABLED = 6,
	EVENT_NOTIFYRATELIMIT = 7,
	EVENT_NOTIFYDROPPED = 8,
	EVENT_NOTIFYSUPPRESSED = 9,
};

/* Under cimRouteNotifications. */
enum {
	NOTIF_IP4ROUTECHANGE = 1,
	NOTIF_IP4ROUTECHANGESUMMARY = 2,
	NOTIF_IP6ROUTECHANGE = 4, /* 3 is cimPingCompletion */
};

#endif
