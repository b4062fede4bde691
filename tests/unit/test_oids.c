/*
 * Unit test: every object identifier of agent/oids.h equals the one
 * mibs/CIM-ROUTE-MIB.txt gives the object it names, as net-snmp's own MIB
 * parser reads it.  Skipped where the IETF base modules (Debian's
 * erlang-snmp) are missing.
 */
#include "config.h"

#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "snmp/oids.h"

struct named_oid {
	const char *name;
	oid o[MAX_OID_LEN];
	size_t len;
};

#define E(name, ...)                                                                \
	{                                                                           \
		name, { __VA_ARGS__ }, sizeof((oid[]){ __VA_ARGS__ }) / sizeof(oid) \
	}

static const struct named_oid oids[] = {
	E("cimRouteMIB", CIMR_ROOT),
	E("cimRouteNotifications", CIMR_NOTIFICATIONS),
	E("cimRouteObjects", CIMR_OBJECTS),
	E("cimIP4Route", CIMR_IP4ROUTE),
	E("cimIP4PersistedRoute", CIMR_PERSIST),
	E("cimActiveRoute", CIMR_ACTIVE),
	E("cimRouteEvent", CIMR_EVENT),
	E("cimNetworkAdapter", CIMR_ADAPTER),
	E("cimAdapterConfig", CIMR_ADAPTERCFG),
	E("cimPing", CIMR_PING),
	E("cimIP6Route", CIMR_IP6ROUTE),
	E("cimIP6PersistedRoute", CIMR_PERSIST6),
	E("cimIP6ActiveRoute", CIMR_ACTIVE6),

	E("cimIP4RouteCount", CIMR_IP4ROUTE, CIMR_ARC_COUNT),
	E("cimIP4RouteLastChange", CIMR_IP4ROUTE, CIMR_ARC_LASTCHANGE),
	E("cimIP4RouteTable", CIMR_IP4ROUTE, CIMR_ARC_TABLE),
	E("cimIP4RouteEntry", CIMR_IP4ROUTE_ENTRY),
	E("cimIP4RouteAge", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_AGE),
	E("cimIP4RouteCaption", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_CAPTION),
	E("cimIP4RouteDescription", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_DESCRIPTION),
	E("cimIP4RouteInformation", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_INFORMATION),
	E("cimIP4RouteInstallDate", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_INSTALLDATE),
	E("cimIP4RouteMetric1", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_METRIC1),
	E("cimIP4RouteMetric2", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_METRIC2),
	E("cimIP4RouteMetric3", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_METRIC3),
	E("cimIP4RouteMetric4", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_METRIC4),
	E("cimIP4RouteMetric5", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_METRIC5),
	E("cimIP4RouteName", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_NAME),
	E("cimIP4RouteProtocol", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_PROTOCOL),
	E("cimIP4RouteStatus", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_STATUS),
	E("cimIP4RouteType", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_TYPE),
	E("cimIP4RouteKernelProtocol", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_KERNELPROTOCOL),
	E("cimIP4RouteKernelType", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_KERNELTYPE),
	E("cimIP4RouteRowStatus", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_ROWSTATUS),
	E("cimIP4RouteNextHopAddressType", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_NEXTHOPADDRESSTYPE),
	E("cimIP4RouteNextHopAddress", CIMR_IP4ROUTE_ENTRY, COL_IP4ROUTE_NEXTHOPADDRESS),

	E("cimNetAdapterCount", CIMR_ADAPTER, CIMR_ARC_COUNT),
	E("cimNetAdapterLastChange", CIMR_ADAPTER, CIMR_ARC_LASTCHANGE),
	E("cimNetAdapterTable", CIMR_ADAPTER, CIMR_ARC_TABLE),
	E("cimNetAdapterEntry", CIMR_ADAPTER_ENTRY),
	E("cimNetAdapterInterfaceIndex", CIMR_ADAPTER_ENTRY, 1),
	E("cimNetAdapterAdapterType", CIMR_ADAPTER_ENTRY, COL_ADAPTER_ADAPTERTYPE),
	E("cimNetAdapterAdapterTypeID", CIMR_ADAPTER_ENTRY, COL_ADAPTER_ADAPTERTYPEID),
	E("cimNetAdapterAutoSense", CIMR_ADAPTER_ENTRY, COL_ADAPTER_AUTOSENSE),
	E("cimNetAdapterAvailability", CIMR_ADAPTER_ENTRY, COL_ADAPTER_AVAILABILITY),
	E("cimNetAdapterCaption", CIMR_ADAPTER_ENTRY, COL_ADAPTER_CAPTION),
	E("cimNetAdapterCMErrorCode", CIMR_ADAPTER_ENTRY, COL_ADAPTER_CMERRORCODE),
	E("cimNetAdapterCMUserConfig", CIMR_ADAPTER_ENTRY, COL_ADAPTER_CMUSERCONFIG),
	E("cimNetAdapterCreationClassName", CIMR_ADAPTER_ENTRY, COL_ADAPTER_CREATIONCLASSNAME),
	E("cimNetAdapterDescription", CIMR_ADAPTER_ENTRY, COL_ADAPTER_DESCRIPTION),
	E("cimNetAdapterDeviceID", CIMR_ADAPTER_ENTRY, COL_ADAPTER_DEVICEID),
	E("cimNetAdapterErrorCleared", CIMR_ADAPTER_ENTRY, COL_ADAPTER_ERRORCLEARED),
	E("cimNetAdapterErrorDescription", CIMR_ADAPTER_ENTRY, COL_ADAPTER_ERRORDESCRIPTION),
	E("cimNetAdapterGUID", CIMR_ADAPTER_ENTRY, COL_ADAPTER_GUID),
	E("cimNetAdapterIndex", CIMR_ADAPTER_ENTRY, COL_ADAPTER_INDEX),
	E("cimNetAdapterInstallDate", CIMR_ADAPTER_ENTRY, COL_ADAPTER_INSTALLDATE),
	E("cimNetAdapterInstalled", CIMR_ADAPTER_ENTRY, COL_ADAPTER_INSTALLED),
	E("cimNetAdapterLastErrorCode", CIMR_ADAPTER_ENTRY, COL_ADAPTER_LASTERRORCODE),
	E("cimNetAdapterMACAddress", CIMR_ADAPTER_ENTRY, COL_ADAPTER_MACADDRESS),
	E("cimNetAdapterManufacturer", CIMR_ADAPTER_ENTRY, COL_ADAPTER_MANUFACTURER),
	E("cimNetAdapterMaxNumberControlled", CIMR_ADAPTER_ENTRY, COL_ADAPTER_MAXNUMBERCONTROLLED),
	E("cimNetAdapterMaxSpeed", CIMR_ADAPTER_ENTRY, COL_ADAPTER_MAXSPEED),
	E("cimNetAdapterName", CIMR_ADAPTER_ENTRY, COL_ADAPTER_NAME),
	E("cimNetAdapterNetConnectionID", CIMR_ADAPTER_ENTRY, COL_ADAPTER_NETCONNECTIONID),
	E("cimNetAdapterNetConnectionStatus", CIMR_ADAPTER_ENTRY, COL_ADAPTER_NETCONNECTIONSTATUS),
	E("cimNetAdapterNetEnabled", CIMR_ADAPTER_ENTRY, COL_ADAPTER_NETENABLED),
	E("cimNetAdapterPermanentAddress", CIMR_ADAPTER_ENTRY, COL_ADAPTER_PERMANENTADDRESS),
	E("cimNetAdapterPhysicalAdapter", CIMR_ADAPTER_ENTRY, COL_ADAPTER_PHYSICALADAPTER),
	E("cimNetAdapterPNPDeviceID", CIMR_ADAPTER_ENTRY, COL_ADAPTER_PNPDEVICEID),
	E("cimNetAdapterPowerMgmtSupported", CIMR_ADAPTER_ENTRY, COL_ADAPTER_POWERMGMTSUPPORTED),
	E("cimNetAdapterProductName", CIMR_ADAPTER_ENTRY, COL_ADAPTER_PRODUCTNAME),
	E("cimNetAdapterServiceName", CIMR_ADAPTER_ENTRY, COL_ADAPTER_SERVICENAME),
	E("cimNetAdapterSpeed", CIMR_ADAPTER_ENTRY, COL_ADAPTER_SPEED),
	E("cimNetAdapterStatus", CIMR_ADAPTER_ENTRY, COL_ADAPTER_STATUS),
	E("cimNetAdapterStatusInfo", CIMR_ADAPTER_ENTRY, COL_ADAPTER_STATUSINFO),
	E("cimNetAdapterSysCreationClass", CIMR_ADAPTER_ENTRY, COL_ADAPTER_SYSCREATIONCLASS),
	E("cimNetAdapterSystemName", CIMR_ADAPTER_ENTRY, COL_ADAPTER_SYSTEMNAME),
	E("cimNetAdapterTimeOfLastReset", CIMR_ADAPTER_ENTRY, COL_ADAPTER_TIMEOFLASTRESET),
	E("cimNetAdapterReset", CIMR_ADAPTER_ENTRY, COL_ADAPTER_RESET),
	E("cimNetAdapterSetPowerState", CIMR_ADAPTER_ENTRY, COL_ADAPTER_SETPOWERSTATE),
	E("cimNetAdapterLastMethod", CIMR_ADAPTER_ENTRY, COL_ADAPTER_LASTMETHOD),
	E("cimNetAdapterLastResult", CIMR_ADAPTER_ENTRY, COL_ADAPTER_LASTRESULT),
	E("cimNetAdapterPowerMgmtCapTable", CIMR_ADAPTER, 4),
	E("cimNetAdapterPowerMgmtCapEntry", CIMR_ADPOWER_ENTRY),
	E("cimNetAdapterPowerMgmtCapPos", CIMR_ADPOWER_ENTRY, COL_ADARRAY_POS),
	E("cimNetAdapterPowerMgmtCapValue", CIMR_ADPOWER_ENTRY, COL_ADARRAY_VALUE),
	E("cimNetAdapterNetworkAddrTable", CIMR_ADAPTER, 5),
	E("cimNetAdapterNetworkAddrEntry", CIMR_ADNETADDR_ENTRY),
	E("cimNetAdapterNetworkAddrPos", CIMR_ADNETADDR_ENTRY, COL_ADARRAY_POS),
	E("cimNetAdapterNetworkAddress", CIMR_ADNETADDR_ENTRY, COL_ADARRAY_VALUE),
	E("cimIP6RouteCount", CIMR_IP6ROUTE, CIMR_ARC_COUNT),
	E("cimIP6RouteLastChange", CIMR_IP6ROUTE, CIMR_ARC_LASTCHANGE),
	E("cimIP6RouteTable", CIMR_IP6ROUTE, CIMR_ARC_TABLE),
	E("cimIP6RouteEntry", CIMR_IP6ROUTE_ENTRY),
	E("cimIP6RouteAge", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_AGE),
	E("cimIP6RouteCaption", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_CAPTION),
	E("cimIP6RouteDescription", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_DESCRIPTION),
	E("cimIP6RouteInstallDate", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_INSTALLDATE),
	E("cimIP6RouteName", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_NAME),
	E("cimIP6RouteProtocol", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_PROTOCOL),
	E("cimIP6RouteStatus", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_STATUS),
	E("cimIP6RouteType", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_TYPE),
	E("cimIP6RouteKernelProtocol", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_KERNELPROTOCOL),
	E("cimIP6RouteKernelType", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_KERNELTYPE),
	E("cimIP6RouteMetric1", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_METRIC1),
	E("cimIP6RoutePreference", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_PREFERENCE),
	E("cimIP6RouteValidLifetime", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_VALIDLIFETIME),
	E("cimIP6RouteRowStatus", CIMR_IP6ROUTE_ENTRY, COL_IP6ROUTE_ROWSTATUS),

	E("cimIP4PersistedRouteCount", CIMR_PERSIST, CIMR_ARC_COUNT),
	E("cimIP4PersistedRouteLastChange", CIMR_PERSIST, CIMR_ARC_LASTCHANGE),
	E("cimIP4PersistedRouteEntry", CIMR_PERSIST_ENTRY),
	E("cimIP4PersistedRouteCaption", CIMR_PERSIST_ENTRY, COL_PERSIST_CAPTION),
	E("cimIP4PersistedRouteDescription", CIMR_PERSIST_ENTRY, COL_PERSIST_DESCRIPTION),
	E("cimIP4PersistedRouteInstallDate", CIMR_PERSIST_ENTRY, COL_PERSIST_INSTALLDATE),
	E("cimIP4PersistedRouteName", CIMR_PERSIST_ENTRY, COL_PERSIST_NAME),
	E("cimIP4PersistedRouteStatus", CIMR_PERSIST_ENTRY, COL_PERSIST_STATUS),
	E("cimIP4PersistedRouteApplyError", CIMR_PERSIST_ENTRY, COL_PERSIST_APPLYERROR),
	E("cimIP4PersistedRouteStorageType", CIMR_PERSIST_ENTRY, COL_PERSIST_STORAGETYPE),
	E("cimIP4PersistedRouteRowStatus", CIMR_PERSIST_ENTRY, COL_PERSIST_ROWSTATUS),

	E("cimActiveRouteCount", CIMR_ACTIVE, CIMR_ARC_COUNT),
	E("cimActiveRouteLastChange", CIMR_ACTIVE, CIMR_ARC_LASTCHANGE),
	E("cimActiveRouteEntry", CIMR_ACTIVE_ENTRY),
	E("cimActiveRouteSameElement", CIMR_ACTIVE_ENTRY, COL_ACTIVE_SAMEELEMENT),
	E("cimActiveRouteSystemElement", CIMR_ACTIVE_ENTRY, COL_ACTIVE_SYSTEMELEMENT),

	E("cimIP6PersistedRouteCount", CIMR_PERSIST6, CIMR_ARC_COUNT),
	E("cimIP6PersistedRouteLastChange", CIMR_PERSIST6, CIMR_ARC_LASTCHANGE),
	E("cimIP6PersistedRouteEntry", CIMR_PERSIST6_ENTRY),
	E("cimIP6PersistedRouteCaption", CIMR_PERSIST6_ENTRY, COL_PERSIST6_CAPTION),
	E("cimIP6PersistedRouteDescription", CIMR_PERSIST6_ENTRY, COL_PERSIST6_DESCRIPTION),
	E("cimIP6PersistedRouteInstallDate", CIMR_PERSIST6_ENTRY, COL_PERSIST6_INSTALLDATE),
	E("cimIP6PersistedRouteName", CIMR_PERSIST6_ENTRY, COL_PERSIST6_NAME),
	E("cimIP6PersistedRouteStatus", CIMR_PERSIST6_ENTRY, COL_PERSIST6_STATUS),
	E("cimIP6PersistedRouteApplyError", CIMR_PERSIST6_ENTRY, COL_PERSIST6_APPLYERROR),
	E("cimIP6PersistedRouteStorageType", CIMR_PERSIST6_ENTRY, COL_PERSIST6_STORAGETYPE),
	E("cimIP6PersistedRouteRowStatus", CIMR_PERSIST6_ENTRY, COL_PERSIST6_ROWSTATUS),
	E("cimIP6ActiveRouteCount", CIMR_ACTIVE6, CIMR_ARC_COUNT),
	E("cimIP6ActiveRouteLastChange", CIMR_ACTIVE6, CIMR_ARC_LASTCHANGE),
	E("cimIP6ActiveRouteEntry", CIMR_ACTIVE6_ENTRY),
	E("cimIP6ActiveRouteSameElement", CIMR_ACTIVE6_ENTRY, COL_ACTIVE_SAMEELEMENT),
	E("cimIP6ActiveRouteSystemElement", CIMR_ACTIVE6_ENTRY, COL_ACTIVE_SYSTEMELEMENT),

	E("cimRouteEventCount", CIMR_EVENT, CIMR_ARC_COUNT),
	E("cimRouteEventLastChange", CIMR_EVENT, CIMR_ARC_LASTCHANGE),
	E("cimRouteEventEntry", CIMR_EVENT_ENTRY),
	E("cimRouteEventSequence", CIMR_EVENT_ENTRY, COL_EVENT_SEQUENCE),
	E("cimRouteEventTimeCreated", CIMR_EVENT_ENTRY, COL_EVENT_TIMECREATED),
	E("cimRouteEventKind", CIMR_EVENT_ENTRY, COL_EVENT_KIND),
	E("cimRouteEventDestination", CIMR_EVENT_ENTRY, COL_EVENT_DESTINATION),
	E("cimRouteEventMask", CIMR_EVENT_ENTRY, COL_EVENT_MASK),
	E("cimRouteEventNextHop", CIMR_EVENT_ENTRY, COL_EVENT_NEXTHOP),
	E("cimRouteEventInterfaceIndex", CIMR_EVENT_ENTRY, COL_EVENT_IFINDEX),
	E("cimRouteEventKernelTable", CIMR_EVENT_ENTRY, COL_EVENT_KERNELTABLE),
	E("cimRouteEventTos", CIMR_EVENT_ENTRY, COL_EVENT_TOS),
	E("cimRouteEventKernelMetric", CIMR_EVENT_ENTRY, COL_EVENT_KERNELMETRIC),
	E("cimRouteEventHistorySize", CIMR_EVENT, EVENT_HISTORYSIZE),
	E("cimRouteEventLastSequence", CIMR_EVENT, EVENT_LASTSEQUENCE),
	E("cimRouteNotifyEnabled", CIMR_EVENT, EVENT_NOTIFYENABLED),
	E("cimRouteNotifyRateLimit", CIMR_EVENT, EVENT_NOTIFYRATELIMIT),
	E("cimRouteNotifyDropped", CIMR_EVENT, EVENT_NOTIFYDROPPED),
	E("cimRouteNotifySuppressed", CIMR_EVENT, EVENT_NOTIFYSUPPRESSED),
	E("cimRouteNotifyObjects", CIMR_NOTIFY_OBJECTS),
	E("cimRouteNotifySequence", CIMR_NOTIFY_OBJECTS, COL_EVENT_SEQUENCE),
	E("cimRouteNotifyTimeCreated", CIMR_NOTIFY_OBJECTS, COL_EVENT_TIMECREATED),
	E("cimRouteNotifyKind", CIMR_NOTIFY_OBJECTS, COL_EVENT_KIND),
	E("cimRouteNotifyDestination", CIMR_NOTIFY_OBJECTS, COL_EVENT_DESTINATION),
	E("cimRouteNotifyMask", CIMR_NOTIFY_OBJECTS, COL_EVENT_MASK),
	E("cimRouteNotifyNextHop", CIMR_NOTIFY_OBJECTS, COL_EVENT_NEXTHOP),
	E("cimRouteNotifyIfIndex", CIMR_NOTIFY_OBJECTS, COL_EVENT_IFINDEX),
	E("cimRouteNotifyKernelTable", CIMR_NOTIFY_OBJECTS, COL_EVENT_KERNELTABLE),
	E("cimRouteNotifyTos", CIMR_NOTIFY_OBJECTS, COL_EVENT_TOS),
	E("cimRouteNotifyKernelMetric", CIMR_NOTIFY_OBJECTS, COL_EVENT_KERNELMETRIC),
	E("cimRouteNotifyAdded", CIMR_NOTIFY_OBJECTS, NOTIFY_OBJ_ADDED),
	E("cimRouteNotifyRemoved", CIMR_NOTIFY_OBJECTS, NOTIFY_OBJ_REMOVED),
	E("cimRouteNotifyChanged", CIMR_NOTIFY_OBJECTS, NOTIFY_OBJ_CHANGED),
	E("cimRouteNotifyFirstSequence", CIMR_NOTIFY_OBJECTS, NOTIFY_OBJ_FIRSTSEQUENCE),
	E("cimRouteNotifyLastSequence", CIMR_NOTIFY_OBJECTS, NOTIFY_OBJ_LASTSEQUENCE),
	E("cimIP4RouteChange", CIMR_NOTIFICATIONS, NOTIF_IP4ROUTECHANGE),
	E("cimIP4RouteChangeSummary", CIMR_NOTIFICATIONS, NOTIF_IP4ROUTECHANGESUMMARY),
	E("cimIP6RouteChange", CIMR_NOTIFICATIONS, NOTIF_IP6ROUTECHANGE),

	/* ---- Win32_NetworkAdapterConfiguration (.1.6) */
	E("cimAdapterCfgCount", CIMR_ADAPTERCFG, CIMR_ARC_COUNT),
	E("cimAdapterCfgLastChange", CIMR_ADAPTERCFG, CIMR_ARC_LASTCHANGE),
	E("cimAdapterCfgTable", CIMR_ADAPTERCFG, CIMR_ARC_TABLE),
	E("cimAdapterCfgEntry", CIMR_ADAPTERCFG_ENTRY),
	E("cimAdapterCfgCaption", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_CAPTION),
	E("cimAdapterCfgDescription", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_DESCRIPTION),
	E("cimAdapterCfgDHCPEnabled", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_DHCPENABLED),
	E("cimAdapterCfgDHCPLeaseExpires", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_DHCPLEASEEXPIRES),
	E("cimAdapterCfgDHCPLeaseObtained", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_DHCPLEASEOBTAINED),
	E("cimAdapterCfgDHCPServer", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_DHCPSERVER),
	E("cimAdapterCfgDomainDNSRegEnabled", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_DOMAINDNSREGENABLED),
	E("cimAdapterCfgFullDNSRegEnabled", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_FULLDNSREGENABLED),
	E("cimAdapterCfgInterfaceIndex", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_INTERFACEINDEX),
	E("cimAdapterCfgIPConnectionMetric", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_IPCONNECTIONMETRIC),
	E("cimAdapterCfgIPEnabled", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_IPENABLED),
	E("cimAdapterCfgIPXAddress", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_IPXADDRESS),
	E("cimAdapterCfgIPXEnabled", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_IPXENABLED),
	E("cimAdapterCfgIPXMediaType", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_IPXMEDIATYPE),
	E("cimAdapterCfgMACAddress", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_MACADDRESS),
	E("cimAdapterCfgMTU", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_MTU),
	E("cimAdapterCfgServiceName", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_SERVICENAME),
	E("cimAdapterCfgSettingID", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_SETTINGID),
	E("cimAdapterCfgTcpipNetbiosOptions", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_TCPIPNETBIOSOPTIONS),
	E("cimAdapterCfgWINSPrimaryServer", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_WINSPRIMARYSERVER),
	E("cimAdapterCfgWINSSecondaryServer", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_WINSSECONDARYSERVER),
	E("cimAdapterCfgAction", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_ACTION),
	E("cimAdapterCfgLastMethod", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_LASTMETHOD),
	E("cimAdapterCfgLastResult", CIMR_ADAPTERCFG_ENTRY, COL_ADCFG_LASTRESULT),
	E("cimAdapterCfgAddressEntry", CIMR_ADCFG_ADDR_ENTRY),
	E("cimAdapterCfgAddressOrigin", CIMR_ADCFG_ADDR_ENTRY, COL_ADCFG_ADDR_ORIGIN),
	E("cimAdapterCfgAddressValidLife", CIMR_ADCFG_ADDR_ENTRY, COL_ADCFG_ADDR_VALIDLIFE),
	E("cimAdapterCfgAddressPrefLife", CIMR_ADCFG_ADDR_ENTRY, COL_ADCFG_ADDR_PREFLIFE),
	E("cimAdapterCfgAddressStorageType", CIMR_ADCFG_ADDR_ENTRY, COL_ADCFG_ADDR_STORAGETYPE),
	E("cimAdapterCfgAddressRowStatus", CIMR_ADCFG_ADDR_ENTRY, COL_ADCFG_ADDR_ROWSTATUS),
	E("cimAdapterCfgAddressSubnet", CIMR_ADCFG_ADDR_ENTRY, COL_ADCFG_ADDR_SUBNET),
	E("cimAdapterCfgAddressPosition", CIMR_ADCFG_ADDR_ENTRY, COL_ADCFG_ADDR_POSITION),
	E("cimAdapterCfgGatewayEntry", CIMR_ADCFG_GW_ENTRY),
	E("cimAdapterCfgGatewayRoute", CIMR_ADCFG_GW_ENTRY, COL_ADCFG_GW_ROUTE),
	E("cimAdapterCfgGatewayStorageType", CIMR_ADCFG_GW_ENTRY, COL_ADCFG_GW_STORAGETYPE),
	E("cimAdapterCfgGatewayRowStatus", CIMR_ADCFG_GW_ENTRY, COL_ADCFG_GW_ROWSTATUS),
	E("cimAdapterCfgGatewayPosition", CIMR_ADCFG_GW_ENTRY, COL_ADCFG_GW_POSITION),
	E("cimAdapterCfgPermitTcpEntry", CIMR_ADCFG_PTCP_ENTRY),
	E("cimAdapterCfgPermitUdpEntry", CIMR_ADCFG_PUDP_ENTRY),
	E("cimAdapterCfgPermitIpEntry", CIMR_ADCFG_PIP_ENTRY),
	E("cimAdapterCfgIpxEntry", CIMR_ADCFG_IPX_ENTRY),
	E("cimDnsServerEntry", CIMR_DNSSERVER_ENTRY),
	E("cimDnsServerAddressType", CIMR_DNSSERVER_ENTRY, COL_DNSSERVER_ADDRESSTYPE),
	E("cimDnsServerAddress", CIMR_DNSSERVER_ENTRY, COL_DNSSERVER_ADDRESS),
	E("cimDnsServerRowStatus", CIMR_DNSSERVER_ENTRY, COL_DNSSERVER_ROWSTATUS),
	E("cimDnsSuffixEntry", CIMR_DNSSUFFIX_ENTRY),
	E("cimDnsSuffixName", CIMR_DNSSUFFIX_ENTRY, COL_DNSSUFFIX_NAME),
	E("cimDnsSuffixRowStatus", CIMR_DNSSUFFIX_ENTRY, COL_DNSSUFFIX_ROWSTATUS),
	E("cimTcpip", CIMR_TCPIP),
	E("cimTcpipArpAlwaysSourceRoute", CIMR_TCPIP, TCPIP_ARPALWAYSSOURCEROUTE),
	E("cimTcpipArpUseEtherSNAP", CIMR_TCPIP, TCPIP_ARPUSEETHERSNAP),
	E("cimTcpipDatabasePath", CIMR_TCPIP, TCPIP_DATABASEPATH),
	E("cimTcpipDeadGWDetectEnabled", CIMR_TCPIP, TCPIP_DEADGWDETECTENABLED),
	E("cimTcpipDefaultTOS", CIMR_TCPIP, TCPIP_DEFAULTTOS),
	E("cimPingEntry", CIMR_PING_ENTRY),
	E("cimPingAddressType", CIMR_PING_ENTRY, COL_PING_ADDRESSTYPE),
	E("cimPingAddress", CIMR_PING_ENTRY, COL_PING_ADDRESS),
	E("cimPingAddressName", CIMR_PING_ENTRY, COL_PING_ADDRESSNAME),
	E("cimPingBufferSize", CIMR_PING_ENTRY, COL_PING_BUFFERSIZE),
	E("cimPingNoFragmentation", CIMR_PING_ENTRY, COL_PING_NOFRAGMENTATION),
	E("cimPingRecordRoute", CIMR_PING_ENTRY, COL_PING_RECORDROUTE),
	E("cimPingResolveAddressNames", CIMR_PING_ENTRY, COL_PING_RESOLVEADDRESSNAMES),
	E("cimPingSourceRoute", CIMR_PING_ENTRY, COL_PING_SOURCEROUTE),
	E("cimPingSourceRouteType", CIMR_PING_ENTRY, COL_PING_SOURCEROUTETYPE),
	E("cimPingTimeout", CIMR_PING_ENTRY, COL_PING_TIMEOUT),
	E("cimPingTimeStampRoute", CIMR_PING_ENTRY, COL_PING_TIMESTAMPROUTE),
	E("cimPingTimeToLive", CIMR_PING_ENTRY, COL_PING_TIMETOLIVE),
	E("cimPingTypeofService", CIMR_PING_ENTRY, COL_PING_TYPEOFSERVICE),
	E("cimPingAdminStatus", CIMR_PING_ENTRY, COL_PING_ADMINSTATUS),
	E("cimPingTrapOnCompletion", CIMR_PING_ENTRY, COL_PING_TRAPONCOMPLETION),
	E("cimPingStorageType", CIMR_PING_ENTRY, COL_PING_STORAGETYPE),
	E("cimPingRowStatus", CIMR_PING_ENTRY, COL_PING_ROWSTATUS),
	E("cimPingOperStatus", CIMR_PING_ENTRY, COL_PING_OPERSTATUS),
	E("cimPingStatusCode", CIMR_PING_ENTRY, COL_PING_STATUSCODE),
	E("cimPingResponseTime", CIMR_PING_ENTRY, COL_PING_RESPONSETIME),
	E("cimPingResponseTimeUsec", CIMR_PING_ENTRY, COL_PING_RESPONSETIMEUSEC),
	E("cimPingResponseTimeToLive", CIMR_PING_ENTRY, COL_PING_RESPONSETTL),
	E("cimPingReplySize", CIMR_PING_ENTRY, COL_PING_REPLYSIZE),
	E("cimPingReplyInconsistency", CIMR_PING_ENTRY, COL_PING_REPLYINCONSISTENCY),
	E("cimPingProtocolAddressType", CIMR_PING_ENTRY, COL_PING_PROTOADDRTYPE),
	E("cimPingProtocolAddress", CIMR_PING_ENTRY, COL_PING_PROTOADDR),
	E("cimPingProtocolAddressResolved", CIMR_PING_ENTRY, COL_PING_PROTOADDRRESOLVED),
	E("cimPingPrimaryResolutionStatus", CIMR_PING_ENTRY, COL_PING_RESOLUTIONSTATUS),
	E("cimPingCompletionTime", CIMR_PING_ENTRY, COL_PING_COMPLETIONTIME),
	E("cimPingSourceAddressType", CIMR_PING_ENTRY, COL_PING_SOURCEADDRTYPE),
	E("cimPingSourceAddress", CIMR_PING_ENTRY, COL_PING_SOURCEADDR),
	E("cimPingIfIndex", CIMR_PING_ENTRY, COL_PING_IFINDEX),
	E("cimPingProbeCount", CIMR_PING_ENTRY, COL_PING_PROBECOUNT),
	E("cimPingProbeInterval", CIMR_PING_ENTRY, COL_PING_PROBEINTERVAL),
	E("cimPingProbesSent", CIMR_PING_ENTRY, COL_PING_PROBESSENT),
	E("cimPingProbesReceived", CIMR_PING_ENTRY, COL_PING_PROBESRECEIVED),
	E("cimPingLossPercent", CIMR_PING_ENTRY, COL_PING_LOSSPERCENT),
	E("cimPingRttMin", CIMR_PING_ENTRY, COL_PING_RTTMIN),
	E("cimPingRttAvg", CIMR_PING_ENTRY, COL_PING_RTTAVG),
	E("cimPingRttMax", CIMR_PING_ENTRY, COL_PING_RTTMAX),
	E("cimPingRttMeanDeviation", CIMR_PING_ENTRY, COL_PING_RTTMDEV),
	E("cimPingTimeSource", CIMR_PING_ENTRY, COL_PING_TIMESOURCE),
	E("cimPingMaxRows", CIMR_PING, PING_MAXROWS),
	E("cimPingMaxRowsPerOwner", CIMR_PING, PING_MAXROWSPEROWNER),
	E("cimPingMaxProbeRate", CIMR_PING, PING_MAXPROBERATE),
	E("cimPingAgeOut", CIMR_PING, PING_AGEOUT),
	E("cimPingRowsRefused", CIMR_PING, PING_ROWSREFUSED),
	E("cimPingOwnerRowsRefused", CIMR_PING, PING_OWNERROWSREFUSED),
	E("cimPingRateRefused", CIMR_PING, PING_RATEREFUSED),
	E("cimPingRowsAgedOut", CIMR_PING, PING_ROWSAGEDOUT),
	E("cimPingRouteRecordEntry", CIMR_PING_RR_ENTRY),
	E("cimPingRouteRecordAddress", CIMR_PING_RR_ENTRY, COL_PING_RR_ADDRESS),
	E("cimPingRouteRecordResolved", CIMR_PING_RR_ENTRY, COL_PING_RR_RESOLVED),
	E("cimPingTimeStampEntry", CIMR_PING_TS_ENTRY),
	E("cimPingTimeStampRecord", CIMR_PING_TS_ENTRY, COL_PING_TS_RECORD),
	E("cimPingTimeStampAddress", CIMR_PING_TS_ENTRY, COL_PING_TS_ADDRESS),
	E("cimPingTimeStampAddressResolved", CIMR_PING_TS_ENTRY, COL_PING_TS_RESOLVED),
	E("cimPingProbeEntry", CIMR_PING_PR_ENTRY),
	E("cimPingProbeStatusCode", CIMR_PING_PR_ENTRY, COL_PING_PR_STATUSCODE),
	E("cimPingProbeResponseTime", CIMR_PING_PR_ENTRY, COL_PING_PR_RESPONSETIME),
	E("cimPingProbeResponseTimeUsec", CIMR_PING_PR_ENTRY, COL_PING_PR_RESPONSETIMEUSEC),
	E("cimPingProbeResponseTimeToLive", CIMR_PING_PR_ENTRY, COL_PING_PR_RESPONSETTL),
	E("cimPingProbeReplySize", CIMR_PING_PR_ENTRY, COL_PING_PR_REPLYSIZE),
	E("cimPingProbeProtocolAddressType", CIMR_PING_PR_ENTRY, COL_PING_PR_PROTOADDRTYPE),
	E("cimPingProbeProtocolAddress", CIMR_PING_PR_ENTRY, COL_PING_PR_PROTOADDR),
	E("cimPingProbeTime", CIMR_PING_PR_ENTRY, COL_PING_PR_TIME),
	E("cimPingCompletion", CIMR_PING_COMPLETION),
	E("cimTcpipDefaultTTL", CIMR_TCPIP, TCPIP_DEFAULTTTL),
	E("cimTcpipDNSDomain", CIMR_TCPIP, TCPIP_DNSDOMAIN),
	E("cimTcpipDNSEnabledForWINS", CIMR_TCPIP, TCPIP_DNSENABLEDFORWINS),
	E("cimTcpipDNSHostName", CIMR_TCPIP, TCPIP_DNSHOSTNAME),
	E("cimTcpipForwardBufferMemory", CIMR_TCPIP, TCPIP_FORWARDBUFFERMEMORY),
	E("cimTcpipIGMPLevel", CIMR_TCPIP, TCPIP_IGMPLEVEL),
	E("cimTcpipIPFilterSecurityEnabled", CIMR_TCPIP, TCPIP_IPFILTERSECURITYENABLED),
	E("cimTcpipIPUseZeroBroadcast", CIMR_TCPIP, TCPIP_IPUSEZEROBROADCAST),
	E("cimTcpipIPXVirtualNetNumber", CIMR_TCPIP, TCPIP_IPXVIRTUALNETNUMBER),
	E("cimTcpipKeepAliveInterval", CIMR_TCPIP, TCPIP_KEEPALIVEINTERVAL),
	E("cimTcpipKeepAliveTime", CIMR_TCPIP, TCPIP_KEEPALIVETIME),
	E("cimTcpipNumForwardPackets", CIMR_TCPIP, TCPIP_NUMFORWARDPACKETS),
	E("cimTcpipPMTUBHDetectEnabled", CIMR_TCPIP, TCPIP_PMTUBHDETECTENABLED),
	E("cimTcpipPMTUDiscoveryEnabled", CIMR_TCPIP, TCPIP_PMTUDISCOVERYENABLED),
	E("cimTcpipMaxConnectRetrans", CIMR_TCPIP, TCPIP_MAXCONNECTRETRANS),
	E("cimTcpipMaxDataRetrans", CIMR_TCPIP, TCPIP_MAXDATARETRANS),
	E("cimTcpipTcpNumConnections", CIMR_TCPIP, TCPIP_TCPNUMCONNECTIONS),
	E("cimTcpipRFC1122UrgentPointer", CIMR_TCPIP, TCPIP_RFC1122URGENTPOINTER),
	E("cimTcpipTcpWindowSize", CIMR_TCPIP, TCPIP_TCPWINDOWSIZE),
	E("cimTcpipWINSEnableLMHosts", CIMR_TCPIP, TCPIP_WINSENABLELMHOSTS),
	E("cimTcpipWINSHostLookupFile", CIMR_TCPIP, TCPIP_WINSHOSTLOOKUPFILE),
	E("cimTcpipWINSScopeID", CIMR_TCPIP, TCPIP_WINSSCOPEID),
	E("cimTcpipAction", CIMR_TCPIP, TCPIP_ACTION),
	E("cimTcpipLastMethod", CIMR_TCPIP, TCPIP_LASTMETHOD),
	E("cimTcpipLastResult", CIMR_TCPIP, TCPIP_LASTRESULT),
	E("cimRouteEventIP6Destination", CIMR_EVENT_ENTRY, COL_EVENT_IP6DESTINATION),
	E("cimRouteEventIP6PrefixLength", CIMR_EVENT_ENTRY, COL_EVENT_IP6PREFIXLENGTH),
	E("cimRouteEventIP6NextHop", CIMR_EVENT_ENTRY, COL_EVENT_IP6NEXTHOP),
	E("cimRouteEventIP6Source", CIMR_EVENT_ENTRY, COL_EVENT_IP6SOURCE),
	E("cimRouteEventIP6SourceLength", CIMR_EVENT_ENTRY, COL_EVENT_IP6SOURCELENGTH),
	E("cimRouteEventAddressType", CIMR_EVENT_ENTRY, COL_EVENT_ADDRESSTYPE),
	E("cimRouteNotifyIP6Destination", CIMR_NOTIFY_OBJECTS, COL_EVENT_IP6DESTINATION),
	E("cimRouteNotifyIP6PrefixLength", CIMR_NOTIFY_OBJECTS, COL_EVENT_IP6PREFIXLENGTH),
	E("cimRouteNotifyIP6NextHop", CIMR_NOTIFY_OBJECTS, COL_EVENT_IP6NEXTHOP),
	E("cimRouteNotifyIP6Source", CIMR_NOTIFY_OBJECTS, COL_EVENT_IP6SOURCE),
	E("cimRouteNotifyIP6SourceLength", CIMR_NOTIFY_OBJECTS, COL_EVENT_IP6SOURCELENGTH),
};

/* The MIB directories: ours, and the IETF base modules; NULL if those are missing. */
static char *
mibdirs(void)
{
	const char *src = getenv("srcdir");
	static char dirs[4096];
	glob_t g;

	if (glob("/usr/lib/erlang/lib/snmp-*/mibs", 0, NULL, &g) != 0)
		return NULL;
	snprintf(dirs, sizeof(dirs), "%s/mibs:%s", src != NULL ? src : ".", g.gl_pathv[0]);
	globfree(&g);
	return dirs;
}

static void
test_oids_match_mib(void **state)
{
	char *dirs = mibdirs(), name[128];

	if (dirs == NULL)
		skip(); /* no IETF base modules: tests/mib/check-mib.sh says so too */
	setenv("MIBDIRS", dirs, 1);
	setenv("MIBS", "CIM-ROUTE-MIB", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_init_mib();
	for (size_t k = 0; k < sizeof(oids) / sizeof(oids[0]); k++) {
		oid o[MAX_OID_LEN];
		size_t len = MAX_OID_LEN;

		snprintf(name, sizeof(name), "CIM-ROUTE-MIB::%s", oids[k].name);
		if (read_objid(name, o, &len) == 0)
			fail_msg("%s is not in the MIB", oids[k].name);
		if (snmp_oid_compare(o, len, oids[k].o, oids[k].len) != 0) {
			char want[256], got[256];

			snprint_objid(want, sizeof(want), o, len);
			snprint_objid(got, sizeof(got), oids[k].o, oids[k].len);
			fail_msg("%s: the MIB says %s, oids.h %s", oids[k].name, want, got);
		}
	}
	shutdown_mib();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oids_match_mib),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
