/*
 * cimNetworkAdapter: Win32_NetworkAdapter, read side.  A row is a link of the
 * interface mirror (struct link, iface/ifmirror.h), in ifindex order; what
 * netlink does not say (the device, its driver, names, speed, power
 * management) is the link's struct ifdev_info (iface/ifdev.h), read on link
 * events, never here.  The array properties NetworkAddresses and
 * PowerManagementCapabilities are tables indexed by (ifindex, position)
 * whose rows are computed from the link: a cursor in the table's context
 * stands for the current row (mibtable reads one row at a time).
 *
 * The state of an adapter is one value (enum adstate) from which
 * NetConnectionStatus, Availability, Status and ConfigManagerErrorCode are
 * all read, so that they agree: hardware not present (IF_OPER_NOTPRESENT,
 * the driver detached the device), else disconnected (IFF_UP clear), else
 * media disconnected (no carrier; IF_OPER_LOWERLAYERDOWN is always without
 * it), else authenticating (IF_OPER_DORMANT: carrier, but waiting for an
 * external event such as 802.1X), testing (IF_OPER_TESTING) or connected.
 * NetEnabled and
 * StatusInfo follow IFF_UP alone, as WMI's Enable() and Disable() do.
 *
 * The writable columns (NetEnabled, NetConnectionID, Reset, SetPowerState)
 * are written through snmp/mib_ifset.c (the adapter methods).
 */
#include "config.h"

#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "iface/ifdev.h"
#include "iface/ifmirror.h"
#include "lib/vec.h"
#include "snmp/mib.h"
#include "snmp/mib_adapter.h"
#include "snmp/mib_ifset.h"
#include "snmp/txn.h"

#ifndef IF_OPER_NOTPRESENT
#define IF_OPER_NOTPRESENT 1 /* <linux/if.h>, RFC 2863 notPresent(6) less one */
#define IF_OPER_TESTING    4
#define IF_OPER_DORMANT    5
#endif

#define TRUTH(b) ((b) ? 1 : 2) /* TruthValue */

enum adstate { AD_DISCONNECTED, AD_CONNECTED, AD_NOMEDIA, AD_NOTPRESENT, AD_DORMANT, AD_TESTING };

/* One row of an array table: a link and a position from 1. */
struct arow {
	const struct link *l;
	unsigned pos;
};

struct adapter {
	struct iface *ifm;
	const struct ifdev *dev;
	struct timespec last_change;
	struct timespec boot;    /* btime of /proc/stat */
	const struct ifset *set; /* the methods' records; NULL: read only */
};

struct array {
	struct adapter *a;
	/* The number of elements of the link's array. */
	unsigned (*count)(const struct adapter *, const struct link *);
	struct arow cur;
};

static struct adapter adapter;

#define LINK(p) ((const struct link *)(p))
#define AD(ctx) ((const struct adapter *)(ctx))
#define AROW(p) ((const struct arow *)(p))

/* ---- the state ------------------------------------------------------------ */

static enum adstate
state_of(const struct link *l)
{
	if (l->operstate == IF_OPER_NOTPRESENT)
		return AD_NOTPRESENT;
	if (!(l->flags & IFF_UP))
		return AD_DISCONNECTED;
	if (!l->carrier)
		return AD_NOMEDIA;
	if (l->operstate == IF_OPER_DORMANT)
		return AD_DORMANT;
	return l->operstate == IF_OPER_TESTING ? AD_TESTING : AD_CONNECTED;
}

static const struct {
	long status;       /* NetConnectionStatus */
	long availability; /* Availability */
	long cmerror;      /* ConfigManagerErrorCode */
	const char *text;  /* Status */
} states[] = {
	[AD_DISCONNECTED] = { 0, 8, 22, "OK" },       /* offLine, deviceDisabled */
	[AD_CONNECTED] = { 2, 3, 0, "OK" },           /* runningFullPower, workingProperly */
	[AD_NOMEDIA] = { 7, 19, 0, "No Contact" },    /* notReady */
	[AD_NOTPRESENT] = { 4, 11, 24, "Lost Comm" }, /* notInstalled, notPresent */
	[AD_DORMANT] = { 8, 19, 0, "Starting" },      /* authenticating, notReady */
	[AD_TESTING] = { 1, 5, 0, "Service" },        /* connecting, inTest */
};

static const struct ifdev_info *
dev_of(const void *row, void *ctx)
{
	return ifdev_get(AD(ctx)->dev, LINK(row)->ifindex);
}

/* WMI's AdapterTypeID of a link type (ARPHRD_*), or -1 when WMI has none. */
static long
type_id(const struct link *l, const struct ifdev_info *d)
{
	switch (l->type) {
	case ARPHRD_ETHER: return d != NULL && d->wireless ? 9 : 0;
	case ARPHRD_IEEE802_TR: return 1;
	case ARPHRD_FDDI: return 2;
	case ARPHRD_PPP:
	case ARPHRD_CISCO:
	case ARPHRD_X25:
	case ARPHRD_FRAD: return 3;
	case ARPHRD_LOCALTLK: return 4;
	case ARPHRD_ARCNET: return 6;
	case ARPHRD_ATM: return 8;
	case ARPHRD_IEEE80211:
	case ARPHRD_IEEE80211_PRISM:
	case ARPHRD_IEEE80211_RADIOTAP: return 9;
	case ARPHRD_IRDA: return 10;
	case ARPHRD_IEEE1394: return 13;
	default: return -1;
	}
}

/* WMI's AdapterType texts, by AdapterTypeID. */
static const char *const type_text[] = {
	"Ethernet 802.3",
	"Token Ring 802.5",
	"Fiber Distributed Data Interface (FDDI)",
	"Wide Area Network (WAN)",
	"LocalTalk",
	"Ethernet using DIX header format",
	"ARCNET",
	"ARCNET (878.2)",
	"ATM",
	"Wireless",
	"Infrared Wireless",
	"Bpc",
	"CoWan",
	"1394",
};

/* A bit rate in Mbit/s as WMI's uint64 bits per second (CimGauge64, a Counter64). */
static void
set_bps(struct mib_value *v, uint32_t mbps)
{
	uint64_t bps = (uint64_t)mbps * 1000000u;
	struct counter64 c = { .high = (u_long)(bps >> 32), .low = (u_long)(bps & 0xffffffffu) };

	mib_set_bytes(v, ASN_COUNTER64, &c, sizeof(c));
}

/* ---- the columns ---------------------------------------------------------- */

static int
get_type(const void *row, struct mib_value *v, void *ctx)
{
	long id = type_id(LINK(row), dev_of(row, ctx));

	if (id < 0)
		return -1;
	mib_set_str(v, type_text[id], 64);
	return 0;
}

static int
get_type_id(const void *row, struct mib_value *v, void *ctx)
{
	long id = type_id(LINK(row), dev_of(row, ctx));

	if (id < 0)
		return -1;
	mib_set_int(v, ASN_INTEGER, id);
	return 0;
}

static int
get_auto_sense(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifdev_info *d = dev_of(row, ctx);

	if (d == NULL || !d->settings)
		return -1;
	mib_set_int(v, ASN_INTEGER, TRUTH(d->autoneg));
	return 0;
}

static int
get_availability(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, states[state_of(row)].availability);
	return 0;
}

static int
get_caption(const void *row, struct mib_value *v, void *ctx)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "[%08d] %s", LINK(row)->ifindex, LINK(row)->name);
	mib_set_str(v, buf, 64);
	return 0;
}

static int
get_cm_error(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, states[state_of(row)].cmerror);
	return 0;
}

static int
get_absent(const void *row, struct mib_value *v, void *ctx)
{
	return -1;
}

static int
get_creation_class(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_str(v, "Win32_NetworkAdapter", 255);
	return 0;
}

static int
get_description(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_str(v, ifdev_description(dev_of(row, ctx), row), 255);
	return 0;
}

static int
get_device_id(const void *row, struct mib_value *v, void *ctx)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", LINK(row)->ifindex);
	mib_set_str(v, buf, 10);
	return 0;
}

static int
get_index(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_UNSIGNED, (u_long)LINK(row)->ifindex);
	return 0;
}

static int
get_install_date(const void *row, struct mib_value *v, void *ctx)
{
	struct timespec ts = { .tv_sec = (time_t)LINK(row)->created };

	if (LINK(row)->created == 0)
		return -1;
	mib_set_date(v, &ts);
	return 0;
}

static int
get_true(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, TRUTH(1));
	return 0;
}

static int
get_mac(const void *row, struct mib_value *v, void *ctx)
{
	if (LINK(row)->addrlen == 0)
		return -1;
	mib_set_bytes(v, ASN_OCTET_STR, LINK(row)->addr, LINK(row)->addrlen);
	return 0;
}

/* The vendor's name, else its bus id ("0x8086"); absent without device. */
static int
get_manufacturer(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifdev_info *d = dev_of(row, ctx);
	char buf[8];

	if (d == NULL || !d->has_device || (d->vendor == NULL && d->vendor_id == 0))
		return -1;
	if (d->vendor == NULL)
		snprintf(buf, sizeof(buf), "0x%04x", d->vendor_id);
	mib_set_str(v, d->vendor != NULL ? d->vendor : buf, 255);
	return 0;
}

static int
get_zero(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_UNSIGNED, 0);
	return 0;
}

static int
get_max_speed(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifdev_info *d = dev_of(row, ctx);

	if (d == NULL || d->max_speed == 0)
		return -1;
	set_bps(v, d->max_speed);
	return 0;
}

static int
get_name(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_str(v, ifdev_model_or_name(dev_of(row, ctx), row), 255);
	return 0;
}

/* The alias, else the name: NetConnectionID='eth0' finds eth0. */
static int
get_connection_id(const void *row, struct mib_value *v, void *ctx)
{
	const struct link *l = row;

	mib_set_str(v, l->alias[0] != '\0' ? l->alias : l->name, 255);
	return 0;
}

static int
get_connection_status(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, states[state_of(row)].status);
	return 0;
}

static int
get_enabled(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, TRUTH(LINK(row)->flags & IFF_UP));
	return 0;
}

static int
get_perm(const void *row, struct mib_value *v, void *ctx)
{
	if (LINK(row)->permlen == 0)
		return -1;
	mib_set_bytes(v, ASN_OCTET_STR, LINK(row)->perm, LINK(row)->permlen);
	return 0;
}

static int
get_physical(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifdev_info *d = dev_of(row, ctx);

	mib_set_int(v, ASN_INTEGER, TRUTH(d != NULL && d->has_device));
	return 0;
}

static int
get_pnp(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifdev_info *d = dev_of(row, ctx);

	if (d == NULL || d->devpath[0] == '\0')
		return -1;
	mib_set_str(v, d->devpath, 255);
	return 0;
}

static int
get_pm_supported(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifdev_info *d = dev_of(row, ctx);

	mib_set_int(v, ASN_INTEGER, TRUTH(d != NULL && d->pm != IFDEV_PM_NONE));
	return 0;
}

static int
get_service(const void *row, struct mib_value *v, void *ctx)
{
	const char *s = ifdev_service(dev_of(row, ctx), row);

	if (s == NULL)
		return -1;
	mib_set_str(v, s, 255);
	return 0;
}

/*
 * As /sys/class/net/IF/speed: only while the interface runs (IFF_UP) and
 * its device is present, and when the driver knows it.
 */
static int
get_speed(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifdev_info *d = dev_of(row, ctx);

	if (d == NULL || d->speed == 0 || !(LINK(row)->flags & IFF_UP) ||
	    state_of(row) == AD_NOTPRESENT)
		return -1;
	set_bps(v, d->speed);
	return 0;
}

static int
get_status(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_str(v, states[state_of(row)].text, 10);
	return 0;
}

static int
get_status_info(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, LINK(row)->flags & IFF_UP ? 3 : 4); /* enabled, disabled */
	return 0;
}

static int
get_sys_class(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_str(v, "Win32_ComputerSystem", 255);
	return 0;
}

static int
get_system_name(const void *row, struct mib_value *v, void *ctx)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -1;
	mib_set_str(v, u.nodename, 255);
	return 0;
}

static int
get_last_reset(const void *row, struct mib_value *v, void *ctx)
{
	struct timespec ts = { .tv_sec = (time_t)LINK(row)->last_up };

	mib_set_date(v, LINK(row)->last_up != 0 ? &ts : &AD(ctx)->boot);
	return 0;
}

static int
get_no_reset(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_int(v, ASN_INTEGER, 1); /* noReset */
	return 0;
}

/* The last method performed through this MIB (snmp/mib_ifset.h); none(0) if none. */
static int
get_last_method(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifrec *r = ifset_rec(AD(ctx)->set, LINK(row)->ifindex);

	mib_set_int(v, ASN_INTEGER, r != NULL ? r->ad_method : 0);
	return 0;
}

/* ... and its result: absent while the method is none(0). */
static int
get_last_result(const void *row, struct mib_value *v, void *ctx)
{
	const struct ifrec *r = ifset_rec(AD(ctx)->set, LINK(row)->ifindex);

	if (r == NULL || r->ad_method == 0)
		return -1;
	mib_set_int(v, ASN_INTEGER, r->ad_result);
	return 0;
}

static const struct mib_column adapter_columns[] = {
	{ COL_ADAPTER_ADAPTERTYPE, get_type },
	{ COL_ADAPTER_ADAPTERTYPEID, get_type_id },
	{ COL_ADAPTER_AUTOSENSE, get_auto_sense },
	{ COL_ADAPTER_AVAILABILITY, get_availability },
	{ COL_ADAPTER_CAPTION, get_caption },
	{ COL_ADAPTER_CMERRORCODE, get_cm_error },
	{ COL_ADAPTER_CMUSERCONFIG, get_absent },
	{ COL_ADAPTER_CREATIONCLASSNAME, get_creation_class },
	{ COL_ADAPTER_DESCRIPTION, get_description },
	{ COL_ADAPTER_DEVICEID, get_device_id },
	{ COL_ADAPTER_ERRORCLEARED, get_absent },
	{ COL_ADAPTER_ERRORDESCRIPTION, get_absent },
	{ COL_ADAPTER_GUID, get_absent },
	{ COL_ADAPTER_INDEX, get_index },
	{ COL_ADAPTER_INSTALLDATE, get_install_date },
	{ COL_ADAPTER_INSTALLED, get_true },
	{ COL_ADAPTER_LASTERRORCODE, get_absent },
	{ COL_ADAPTER_MACADDRESS, get_mac },
	{ COL_ADAPTER_MANUFACTURER, get_manufacturer },
	{ COL_ADAPTER_MAXNUMBERCONTROLLED, get_zero },
	{ COL_ADAPTER_MAXSPEED, get_max_speed },
	{ COL_ADAPTER_NAME, get_name },
	{ COL_ADAPTER_NETCONNECTIONID, get_connection_id },
	{ COL_ADAPTER_NETCONNECTIONSTATUS, get_connection_status },
	{ COL_ADAPTER_NETENABLED, get_enabled },
	{ COL_ADAPTER_PERMANENTADDRESS, get_perm },
	{ COL_ADAPTER_PHYSICALADAPTER, get_physical },
	{ COL_ADAPTER_PNPDEVICEID, get_pnp },
	{ COL_ADAPTER_POWERMGMTSUPPORTED, get_pm_supported },
	{ COL_ADAPTER_PRODUCTNAME, get_name },
	{ COL_ADAPTER_SERVICENAME, get_service },
	{ COL_ADAPTER_SPEED, get_speed },
	{ COL_ADAPTER_STATUS, get_status },
	{ COL_ADAPTER_STATUSINFO, get_status_info },
	{ COL_ADAPTER_SYSCREATIONCLASS, get_sys_class },
	{ COL_ADAPTER_SYSTEMNAME, get_system_name },
	{ COL_ADAPTER_TIMEOFLASTRESET, get_last_reset },
	{ COL_ADAPTER_RESET, get_no_reset },
	{ COL_ADAPTER_SETPOWERSTATE, get_absent },
	{ COL_ADAPTER_LASTMETHOD, get_last_method },
	{ COL_ADAPTER_LASTRESULT, get_last_result },
};

/* ---- the rows ------------------------------------------------------------- */

VEC_CMP_FIELD(ifindex_cmp, struct link, ifindex, int32_t)

/* The first link whose ifindex is > (strict) or >= ifindex; its position in links. */
static size_t
link_bound(const struct link *links, size_t n, oid ifindex, int strict)
{
	int32_t key = (int32_t)ifindex;

	if (ifindex > INT32_MAX)
		return n;
	return vec_lower_bound(links, n, sizeof(*links), &key, ifindex_cmp, strict);
}

static const void *
adapter_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	size_t n, i;
	const struct link *links = iface_links(AD(ctx)->ifm, &n);

	/* (ifindex, more...) follows (ifindex): a longer name is past its row. */
	i = len == 0 ? 0 : link_bound(links, n, idx[0], strict || len > 1);
	return i < n ? &links[i] : NULL;
}

static const void *
adapter_next(void *ctx, const void *row)
{
	size_t n;
	const struct link *links = iface_links(AD(ctx)->ifm, &n);

	return LINK(row) + 1 < links + n ? LINK(row) + 1 : NULL;
}

static size_t
adapter_index(void *ctx, const void *row, oid *out)
{
	out[0] = (oid)LINK(row)->ifindex;
	return 1;
}

static struct mib_table adapter_table = {
	.name = "cimNetAdapterTable",
	MIB_ENTRY(CIMR_ADAPTER_ENTRY),
	MIB_COLUMNS(adapter_columns),
	.seek = adapter_seek,
	.next = adapter_next,
	.index = adapter_index,
	.ctx = &adapter,
};

/* ---- the array tables ----------------------------------------------------- */

/* The row at position pos of l or after (positions count from 1: 0 is before the first),
   going on to the next links; NULL at the end. */
static const void *
array_from(struct array *c, const struct link *l, unsigned long long pos)
{
	size_t n;
	const struct link *links = iface_links(c->a->ifm, &n);

	for (pos = pos > 0 ? pos : 1; l < links + n; l++, pos = 1)
		if (pos <= c->count(c->a, l)) {
			c->cur = (struct arow){ l, (unsigned)pos };
			return &c->cur;
		}
	return NULL;
}

static const void *
array_seek(void *ctx, const oid *idx, size_t len, int strict)
{
	struct array *c = ctx;
	size_t n, i;
	const struct link *links = iface_links(c->a->ifm, &n);
	unsigned long long pos = 1;

	if (len == 0)
		return array_from(c, links, 1);
	i = link_bound(links, n, idx[0], 0);
	/* In the link of the index: from the position (after it, when strict or longer). */
	if (i < n && (oid)links[i].ifindex == idx[0] && len > 1)
		pos = (unsigned long long)idx[1] + (strict || len > 2);
	return array_from(c, &links[i], pos);
}

static const void *
array_next(void *ctx, const void *row)
{
	struct arow r = *AROW(row);

	return array_from(ctx, r.l, (unsigned long long)r.pos + 1);
}

static size_t
array_index(void *ctx, const void *row, oid *out)
{
	out[0] = (oid)AROW(row)->l->ifindex;
	out[1] = AROW(row)->pos;
	return 2;
}

/* NetworkAddresses: the current link-layer address, then the permanent one if it differs. */
static unsigned
netaddr_count(const struct adapter *a, const struct link *l)
{
	if (l->addrlen == 0)
		return 0;
	if (l->permlen == 0 ||
	    (l->permlen == l->addrlen && memcmp(l->perm, l->addr, l->addrlen) == 0))
		return 1;
	return 2;
}

static int
get_netaddr(const void *row, struct mib_value *v, void *ctx)
{
	const struct link *l = AROW(row)->l;
	const uint8_t *p = AROW(row)->pos == 1 ? l->addr : l->perm;
	size_t len = AROW(row)->pos == 1 ? l->addrlen : l->permlen;
	char buf[3 * LINK_ADDR_MAX + 1] = "";
	size_t o = 0;

	for (size_t i = 0; i < len; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%02x", i > 0 ? ":" : "", p[i]);
	mib_set_str(v, buf, 64);
	return 0;
}

/* PowerManagementCapabilities from device/power/control. */
static unsigned
power_count(const struct adapter *a, const struct link *l)
{
	const struct ifdev_info *d = ifdev_get(a->dev, l->ifindex);

	if (d == NULL || d->pm == IFDEV_PM_NONE)
		return 0;
	return d->pm == IFDEV_PM_AUTO ? 2 : 1;
}

static int
get_power(const void *row, struct mib_value *v, void *ctx)
{
	const struct array *c = ctx;
	const struct ifdev_info *d = ifdev_get(c->a->dev, AROW(row)->l->ifindex);

	if (d == NULL)
		return -1;
	/* auto: enabled(3), powerSavingAutomatic(4); on: disabled(2) */
	mib_set_int(v, ASN_INTEGER, d->pm == IFDEV_PM_AUTO ? 2 + (long)AROW(row)->pos : 2);
	return 0;
}

static struct array netaddr = { &adapter, netaddr_count, { NULL, 0 } };
static struct array power = { &adapter, power_count, { NULL, 0 } };

static const struct mib_column netaddr_columns[] = { { COL_ADARRAY_VALUE, get_netaddr } };
static const struct mib_column power_columns[] = { { COL_ADARRAY_VALUE, get_power } };

static struct mib_table netaddr_table = {
	.name = "cimNetAdapterNetworkAddrTable",
	MIB_ENTRY(CIMR_ADNETADDR_ENTRY),
	MIB_COLUMNS(netaddr_columns),
	.seek = array_seek,
	.next = array_next,
	.index = array_index,
	.ctx = &netaddr,
};

static struct mib_table power_table = {
	.name = "cimNetAdapterPowerMgmtCapTable",
	MIB_ENTRY(CIMR_ADPOWER_ENTRY),
	MIB_COLUMNS(power_columns),
	.seek = array_seek,
	.next = array_next,
	.index = array_index,
	.ctx = &power,
};

const struct mib_table *mib_adapter_table = &adapter_table;
const struct mib_table *mib_adapter_power_table = &power_table;
const struct mib_table *mib_adapter_netaddr_table = &netaddr_table;

/* ---- the scalars ---------------------------------------------------------- */

static int
get_count(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_uint(v, ASN_GAUGE, iface_nlinks(AD(ctx)->ifm));
	return 0;
}

static int
get_last_change(const void *row, struct mib_value *v, void *ctx)
{
	mib_set_date(v, &AD(ctx)->last_change);
	return 0;
}

/* Any change of a link is a change of a row (or of its array rows); addresses are not. */
static void
link_changed(enum iface_change what, const struct link *l, const struct iface_addr *a, void *arg)
{
	struct adapter *ad = arg;

	if (what == IFACE_ADDR_ADDED || what == IFACE_ADDR_REMOVED)
		return;
	clock_gettime(CLOCK_REALTIME, &ad->last_change);
}

/* The boot time, btime of /proc/stat (TimeOfLastReset of links never seen going up). */
static void
read_boot_time(struct timespec *ts)
{
	char line[128];
	FILE *f = fopen("/proc/stat", "re");
	long long bt;

	ts->tv_sec = 0;
	ts->tv_nsec = 0;
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "btime %lld", &bt) == 1) {
			ts->tv_sec = (time_t)bt;
			break;
		}
	fclose(f);
}

int
mib_adapter_bind(struct iface *ifm, const struct ifdev *dev)
{
	adapter.ifm = ifm;
	adapter.dev = dev;
	clock_gettime(CLOCK_REALTIME, &adapter.last_change);
	read_boot_time(&adapter.boot);
	return iface_watch(ifm, link_changed, &adapter);
}

int
mib_adapter_writable(struct txn *txn, struct ifset *set)
{
	adapter.set = set;
	return txn_bind(txn, &adapter_table, &mib_ifset_adapter_ops, set);
}

int
mib_adapter_register(struct iface *ifm, const struct ifdev *dev)
{
	static const oid count[] = { CIMR_ADAPTER, CIMR_ARC_COUNT };
	static const oid change[] = { CIMR_ADAPTER, CIMR_ARC_LASTCHANGE };

	if (mib_adapter_bind(ifm, dev) < 0 ||
	    mib_scalar_register("cimNetAdapterCount", count, OID_LENGTH(count), get_count,
		&adapter) < 0 ||
	    mib_scalar_register("cimNetAdapterLastChange", change, OID_LENGTH(change),
		get_last_change, &adapter) < 0)
		return -1;
	if (mib_table_register(&adapter_table) < 0 || mib_table_register(&power_table) < 0 ||
	    mib_table_register(&netaddr_table) < 0)
		return -1;
	return 0;
}
