/*
 * Unit tests: cimNetworkAdapter through the real handler code
 * (mib_table_get and mib_table_getnext over snmp/mib_adapter.c) with an
 * interface mirror fed by link messages and device facts read from a fake
 * sysfs tree and ID database: the state columns that must agree
 * (NetConnectionStatus, Availability, StatusInfo, Status, NetEnabled,
 * ConfigManagerErrorCode), AdapterTypeID, Speed and MaxSpeed in bits per
 * second beyond 32 bits, the names (Name and ProductName the model, else
 * the interface name; NetConnectionID the alias, else the name), the array
 * tables (NetworkAddresses, PowerManagementCapabilities) and the GETNEXT
 * order of all three.
 */
#include "config.h"

#include <limits.h>
#include <net/if_arp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/rtnetlink.h>

#include "iface/ifdev.h"
#include "iface/ifmirror.h"
#include "snmp/mib.h"
#include "snmp/mib_adapter.h"

#include "fixture.h"

#define UP (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)
/* IF_OPER_* of <linux/if.h>, which clashes with <net/if.h> */
enum {
	IF_OPER_UNKNOWN,
	IF_OPER_NOTPRESENT,
	IF_OPER_DOWN,
	IF_OPER_LOWERLAYERDOWN,
	IF_OPER_TESTING,
	IF_OPER_DORMANT,
	IF_OPER_UP
};

static const oid entry[] = { CIMR_ADAPTER_ENTRY };
static const oid naentry[] = { CIMR_ADNETADDR_ENTRY };
static const oid pmentry[] = { CIMR_ADPOWER_ENTRY };
#define NE (sizeof(entry) / sizeof(entry[0]))

static char root[PATH_MAX];
static struct iface *ifm;
static struct ifdev *dev;

static void
put_file(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
put_dir(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

static void
put_link(const char *target, const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* A link message: type, flags, operstate, hardware and permanent address, kind, alias. */
static void
link_msg(int32_t ifindex, const char *name, uint16_t type, unsigned flags, uint8_t oper,
    const char *mac, const char *perm, const char *kind, const char *alias)
{
	struct nl_msg *msg = fx_link_msg(RTM_NEWLINK, ifindex, flags, name);
	struct ifinfomsg *ifi = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *info;

	ifi->ifi_type = type;
	nla_put_u8(msg, IFLA_OPERSTATE, oper);
	nla_put_u8(msg, IFLA_CARRIER, (flags & IFF_LOWER_UP) != 0);
	if (mac != NULL)
		nla_put(msg, IFLA_ADDRESS, 6, mac);
	if (perm != NULL)
		nla_put(msg, IFLA_PERM_ADDRESS, 6, perm);
	if (kind != NULL) {
		info = nla_nest_start(msg, IFLA_LINKINFO);
		nla_put_string(msg, IFLA_INFO_KIND, kind);
		nla_nest_end(msg, info);
	}
	if (alias != NULL)
		nla_put_string(msg, IFLA_IFALIAS, alias);
	iface_apply(ifm, nlmsg_hdr(msg));
	nlmsg_free(msg);
}

/*
 * The fake sysfs: cimt-eth9 is an Intel PCI device with runtime power
 * management, cimt-wlan0 an 802.11 interface without device.
 */
static int
setup(void **state)
{
	char ids[PATH_MAX + 16];
	const char *e9 = "\x02\x00\x00\x00\x00\x09", *p9 = "\x00\x1b\x21\x00\x00\x09";
	const char *v1 = "\x02\x00\x00\x00\x00\x11";

	(void)state;
	snprintf(root, sizeof(root), "/tmp/cimr-test-adapter.XXXXXX");
	assert_non_null(mkdtemp(root));
	put_dir("class");
	put_dir("class/net");
	put_dir("class/net/cimt-eth9");
	put_dir("class/net/cimt-wlan0");
	put_dir("class/net/cimt-wlan0/phy80211");
	put_dir("devices");
	put_dir("devices/pci0000:00");
	put_dir("devices/pci0000:00/0000:00:03.0");
	put_dir("devices/pci0000:00/0000:00:03.0/power");
	put_dir("bus");
	put_dir("bus/pci");
	put_dir("bus/pci/drivers");
	put_dir("bus/pci/drivers/e1000");
	put_file("devices/pci0000:00/0000:00:03.0/vendor", "0x8086\n");
	put_file("devices/pci0000:00/0000:00:03.0/device", "0x100e\n");
	put_file("devices/pci0000:00/0000:00:03.0/power/control", "auto\n");
	put_link("../../../bus/pci", "devices/pci0000:00/0000:00:03.0/subsystem");
	put_link("../../../bus/pci/drivers/e1000", "devices/pci0000:00/0000:00:03.0/driver");
	put_link("../../../devices/pci0000:00/0000:00:03.0", "class/net/cimt-eth9/device");
	put_file("pci.ids",
	    "# comment\n8080  Other\n\t100e  Not this one\n"
	    "8086  Intel Corporation\n\t1000  82542 Gigabit Ethernet Controller (Fiber)\n"
	    "\t100e  82540EM Gigabit Ethernet Controller\n"
	    "\t\t8086 001e  PRO/1000 MT Mobile Connection\n"
	    "8088  Beyond\nC 02  Network controller\n");
	snprintf(ids, sizeof(ids), "%s/pci.ids", root);
	assert_non_null(ifm = iface_new());
	assert_non_null(dev = ifdev_new(root, ids, "/nonexistent"));
	link_msg(1, "lo", ARPHRD_LOOPBACK, UP, IF_OPER_UNKNOWN, "\0\0\0\0\0\0", NULL, NULL, NULL);
	link_msg(2, "cimt-eth9", ARPHRD_ETHER, UP, IF_OPER_UP, e9, p9, NULL, NULL);
	link_msg(3, "cimt-veth1", ARPHRD_ETHER, IFF_UP, IF_OPER_LOWERLAYERDOWN, v1, NULL, "veth",
	    "uplink");
	link_msg(5, "cimt-down0", ARPHRD_ETHER, 0, IF_OPER_DOWN, v1, v1, "dummy", NULL);
	link_msg(7, "cimt-gone0", ARPHRD_ETHER, UP, IF_OPER_NOTPRESENT, NULL, NULL, NULL, NULL);
	link_msg(8, "cimt-wlan0", ARPHRD_ETHER, UP, IF_OPER_UP, v1, NULL, NULL, NULL);
	link_msg(9, "cimt-ppp0", ARPHRD_PPP, UP, IF_OPER_UP, NULL, NULL, "ppp", NULL);
	ifdev_sync(dev, ifm);
	ifdev_bind(dev, ifm);
	assert_int_equal(iface_watch(ifm, ifdev_link_changed, dev), 0);
	assert_int_equal(mib_adapter_bind(ifm, dev), 0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	iface_free(ifm);
	ifdev_free(dev);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* GET of column col of row ifindex: the value's integer, or -1 when absent. */
static long
get_int(oid col, int32_t ifindex)
{
	oid name[MAX_OID_LEN];
	struct mib_value v;

	memcpy(name, entry, sizeof(entry));
	name[NE] = col;
	name[NE + 1] = (oid)ifindex;
	if (mib_table_get(mib_adapter_table, name, NE + 2, &v) != 0)
		return -1;
	return v.type == ASN_COUNTER64 ? -2 : v.v.i;
}

/* The same for a string column, into buf ("" when absent); 0 or -1. */
static int
get_str(oid col, int32_t ifindex, char *buf, size_t len)
{
	oid name[MAX_OID_LEN];
	struct mib_value v;

	memcpy(name, entry, sizeof(entry));
	name[NE] = col;
	name[NE + 1] = (oid)ifindex;
	buf[0] = '\0';
	if (mib_table_get(mib_adapter_table, name, NE + 2, &v) != 0)
		return -1;
	assert_true(v.len < len);
	memcpy(buf, v.v.s, v.len);
	buf[v.len] = '\0';
	return 0;
}

static void
assert_str(oid col, int32_t ifindex, const char *want)
{
	char buf[300];

	if (want == NULL) {
		assert_int_equal(get_str(col, ifindex, buf, sizeof(buf)), -1);
		return;
	}
	assert_int_equal(get_str(col, ifindex, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

/* Up with carrier, up without, down, device gone: the columns agree. */
static void
test_state(void **state)
{
	static const struct {
		int32_t ifindex;
		long status, avail, info, enabled, cm;
		const char *text;
	} want[] = {
		{ 1, 2, 3, 3, 1, 0, "OK" },
		{ 2, 2, 3, 3, 1, 0, "OK" },
		{ 3, 7, 19, 3, 1, 0, "No Contact" },
		{ 5, 0, 8, 4, 2, 22, "OK" },
		{ 7, 4, 11, 3, 1, 24, "Lost Comm" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(get_int(COL_ADAPTER_NETCONNECTIONSTATUS, want[i].ifindex),
		    want[i].status);
		assert_int_equal(get_int(COL_ADAPTER_AVAILABILITY, want[i].ifindex), want[i].avail);
		assert_int_equal(get_int(COL_ADAPTER_STATUSINFO, want[i].ifindex), want[i].info);
		assert_int_equal(get_int(COL_ADAPTER_NETENABLED, want[i].ifindex), want[i].enabled);
		assert_int_equal(get_int(COL_ADAPTER_CMERRORCODE, want[i].ifindex), want[i].cm);
		assert_str(COL_ADAPTER_STATUS, want[i].ifindex, want[i].text);
	}
	assert_int_equal(get_int(COL_ADAPTER_NETCONNECTIONSTATUS, 4), -1); /* no such row */
}

/*
 * With carrier but dormant (802.1X pending: authenticating) or testing: not
 * connected(2), and the four columns agree.  Lower layer down has no carrier.
 */
static void
test_state_dormant(void **state)
{
	const char *v1 = "\x02\x00\x00\x00\x00\x11";

	(void)state;
	link_msg(10, "cimt-dorm0", ARPHRD_ETHER, UP & ~IFF_RUNNING, IF_OPER_DORMANT, v1, NULL,
	    "veth", NULL);
	link_msg(11, "cimt-test0", ARPHRD_ETHER, UP & ~IFF_RUNNING, IF_OPER_TESTING, v1, NULL,
	    "veth", NULL);
	assert_int_equal(get_int(COL_ADAPTER_NETCONNECTIONSTATUS, 10), 8); /* authenticating */
	assert_int_equal(get_int(COL_ADAPTER_AVAILABILITY, 10), 19);       /* notReady */
	assert_int_equal(get_int(COL_ADAPTER_CMERRORCODE, 10), 0);
	assert_str(COL_ADAPTER_STATUS, 10, "Starting");
	assert_int_equal(get_int(COL_ADAPTER_NETENABLED, 10), 1);
	assert_int_equal(get_int(COL_ADAPTER_NETCONNECTIONSTATUS, 11), 1); /* connecting */
	assert_int_equal(get_int(COL_ADAPTER_AVAILABILITY, 11), 5);        /* inTest */
	assert_int_equal(get_int(COL_ADAPTER_CMERRORCODE, 11), 0);
	assert_str(COL_ADAPTER_STATUS, 11, "Service");
	assert_int_equal(get_int(COL_ADAPTER_NETCONNECTIONSTATUS, 3), 7); /* lowerlayerdown */
}

static void
test_type(void **state)
{
	(void)state;
	assert_int_equal(get_int(COL_ADAPTER_ADAPTERTYPEID, 1), -1); /* loopback: no WMI value */
	assert_str(COL_ADAPTER_ADAPTERTYPE, 1, NULL);
	assert_int_equal(get_int(COL_ADAPTER_ADAPTERTYPEID, 2), 0);
	assert_str(COL_ADAPTER_ADAPTERTYPE, 2, "Ethernet 802.3");
	assert_int_equal(get_int(COL_ADAPTER_ADAPTERTYPEID, 8), 9); /* phy80211 */
	assert_str(COL_ADAPTER_ADAPTERTYPE, 8, "Wireless");
	assert_int_equal(get_int(COL_ADAPTER_ADAPTERTYPEID, 9), 3);
	assert_str(COL_ADAPTER_ADAPTERTYPE, 9, "Wide Area Network (WAN)");
}

/* The device named through the ID database; virtual links by their name and kind. */
static void
test_names(void **state)
{
	(void)state;
	assert_str(COL_ADAPTER_NAME, 2, "82540EM Gigabit Ethernet Controller");
	assert_str(COL_ADAPTER_PRODUCTNAME, 2, "82540EM Gigabit Ethernet Controller");
	assert_str(COL_ADAPTER_DESCRIPTION, 2, "82540EM Gigabit Ethernet Controller");
	assert_str(COL_ADAPTER_MANUFACTURER, 2, "Intel Corporation");
	assert_str(COL_ADAPTER_SERVICENAME, 2, "e1000");
	assert_str(COL_ADAPTER_PNPDEVICEID, 2, "pci0000:00/0000:00:03.0");
	assert_int_equal(get_int(COL_ADAPTER_PHYSICALADAPTER, 2), 1);
	assert_int_equal(get_int(COL_ADAPTER_POWERMGMTSUPPORTED, 2), 1);
	assert_str(COL_ADAPTER_NETCONNECTIONID, 2, "cimt-eth9");
	assert_str(COL_ADAPTER_CAPTION, 2, "[00000002] cimt-eth9");
	assert_str(COL_ADAPTER_DEVICEID, 2, "2");

	assert_str(COL_ADAPTER_NAME, 3, "cimt-veth1");
	assert_str(COL_ADAPTER_PRODUCTNAME, 3, "cimt-veth1");
	assert_str(COL_ADAPTER_NETCONNECTIONID, 3, "uplink"); /* the alias */
	assert_str(COL_ADAPTER_SERVICENAME, 3, "veth");
	assert_str(COL_ADAPTER_DESCRIPTION, 3, "veth");
	assert_str(COL_ADAPTER_MANUFACTURER, 3, NULL);
	assert_str(COL_ADAPTER_PNPDEVICEID, 3, NULL);
	assert_int_equal(get_int(COL_ADAPTER_PHYSICALADAPTER, 3), 2);
	assert_int_equal(get_int(COL_ADAPTER_POWERMGMTSUPPORTED, 3), 2);

	assert_str(COL_ADAPTER_SERVICENAME, 1, NULL); /* the loopback: no driver, no kind */
	assert_str(COL_ADAPTER_DESCRIPTION, 1, "lo");
	assert_str(COL_ADAPTER_GUID, 1, NULL);
}

static void
test_ids_lookup(void **state)
{
	char ids[PATH_MAX + 16], v[64], d[64];

	(void)state;
	snprintf(ids, sizeof(ids), "%s/pci.ids", root);
	assert_int_equal(ifdev_ids_lookup(ids, 0x8086, 0x1000, v, sizeof(v), d, sizeof(d)), 0);
	assert_string_equal(v, "Intel Corporation");
	assert_string_equal(d, "82542 Gigabit Ethernet Controller (Fiber)");
	/* A device the vendor does not list: the vendor only. */
	assert_int_equal(ifdev_ids_lookup(ids, 0x8086, 0x2000, v, sizeof(v), d, sizeof(d)), 0);
	assert_string_equal(d, "");
	assert_int_equal(ifdev_ids_lookup(ids, 0x8088, 0x100e, v, sizeof(v), d, sizeof(d)), 0);
	assert_string_equal(d, "");
	assert_int_equal(ifdev_ids_lookup(ids, 0x1234, 1, v, sizeof(v), d, sizeof(d)), -1);
}

/* Speed and MaxSpeed are bits per second in a Counter64; Speed only while up. */
static void
test_speed(void **state)
{
	oid name[MAX_OID_LEN];
	struct mib_value v;
	struct counter64 c;
	struct ifdev_info *d;

	(void)state;
	/* The facts as ETHTOOL_GLINKSETTINGS would give them (no such device here). */
	d = (struct ifdev_info *)(uintptr_t)ifdev_get(dev, 2);
	assert_non_null(d);
	assert_int_equal(get_int(COL_ADAPTER_SPEED, 2), -1); /* none reported */
	assert_int_equal(get_int(COL_ADAPTER_AUTOSENSE, 2), -1);
	d->settings = 1;
	d->speed = 25000;
	d->max_speed = 100000;
	d->autoneg = 1;
	memcpy(name, entry, sizeof(entry));
	name[NE] = COL_ADAPTER_SPEED;
	name[NE + 1] = 2;
	assert_int_equal(mib_table_get(mib_adapter_table, name, NE + 2, &v), 0);
	assert_int_equal(v.type, ASN_COUNTER64);
	memcpy(&c, v.v.s, sizeof(c));
	assert_true((((uint64_t)c.high << 32) | c.low) == 25000000000ULL);
	name[NE] = COL_ADAPTER_MAXSPEED;
	assert_int_equal(mib_table_get(mib_adapter_table, name, NE + 2, &v), 0);
	memcpy(&c, v.v.s, sizeof(c));
	assert_true((((uint64_t)c.high << 32) | c.low) == 100000000000ULL);
	assert_int_equal(get_int(COL_ADAPTER_AUTOSENSE, 2), 1);
	d = (struct ifdev_info *)(uintptr_t)ifdev_get(dev, 5); /* down: no speed */
	d->speed = 1000;
	assert_int_equal(get_int(COL_ADAPTER_SPEED, 5), -1);
	d = (struct ifdev_info *)(uintptr_t)ifdev_get(dev, 7); /* device gone: no speed */
	d->speed = 1000;
	assert_int_equal(get_int(COL_ADAPTER_SPEED, 7), -1);
}

/* GETNEXT in table t from the sub-identifiers after its entry; the answer's index in out. */
static int
next(const struct mib_table *t, const oid *ent, size_t elen, const oid *sub, size_t n, oid *out,
    size_t *outlen, struct mib_value *v)
{
	oid name[MAX_OID_LEN];

	memcpy(name, ent, elen * sizeof(oid));
	memcpy(name + elen, sub, n * sizeof(oid));
	return mib_table_getnext(t, name, elen + n, 1, out, outlen, v);
}

static void
test_walk(void **state)
{
	oid out[MAX_OID_LEN];
	size_t len;
	struct mib_value v;
	const oid first[] = { COL_ADAPTER_NETCONNECTIONSTATUS },
		  gap[] = { COL_ADAPTER_NETCONNECTIONSTATUS, 4 },
		  longer[] = { COL_ADAPTER_NETCONNECTIONSTATUS, 5, 0 },
		  last[] = { COL_ADAPTER_NETCONNECTIONSTATUS, 9 },
		  huge[] = { COL_ADAPTER_NETCONNECTIONSTATUS, 4294967295UL };

	(void)state;
	assert_int_equal(next(mib_adapter_table, entry, NE, first, 1, out, &len, &v), 0);
	assert_int_equal(len, NE + 2);
	assert_int_equal(out[NE + 1], 1);
	assert_int_equal(next(mib_adapter_table, entry, NE, gap, 2, out, &len, &v), 0);
	assert_int_equal(out[NE + 1], 5);
	assert_int_equal(next(mib_adapter_table, entry, NE, longer, 3, out, &len, &v), 0);
	assert_int_equal(out[NE + 1], 7);
	/* After the last row: the first row of the next column. */
	assert_int_equal(next(mib_adapter_table, entry, NE, last, 2, out, &len, &v), 0);
	assert_int_equal(out[NE], COL_ADAPTER_NETENABLED);
	assert_int_equal(out[NE + 1], 1);
	assert_int_equal(next(mib_adapter_table, entry, NE, huge, 2, out, &len, &v), 0);
	assert_int_equal(out[NE], COL_ADAPTER_NETENABLED);
}

/* NetworkAddresses: the address, then the permanent one when it differs; none without. */
static void
test_network_addresses(void **state)
{
	oid out[MAX_OID_LEN];
	size_t len, n = sizeof(naentry) / sizeof(naentry[0]);
	struct mib_value v;
	const oid start[] = { COL_ADARRAY_VALUE }, partial[] = { COL_ADARRAY_VALUE, 2 },
		  second[] = { COL_ADARRAY_VALUE, 2, 1 }, pastall[] = { COL_ADARRAY_VALUE, 2, 9 };
	static const oid want[][2] = { { 1, 1 }, { 2, 1 }, { 2, 2 }, { 3, 1 }, { 5, 1 }, { 8, 1 } };
	oid cur[3] = { COL_ADARRAY_VALUE, 0, 0 };
	size_t curlen = 1;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(next(mib_adapter_netaddr_table, naentry, n, cur, curlen, out, &len,
				     &v),
		    0);
		assert_int_equal(len, n + 3);
		assert_int_equal(out[n + 1], want[i][0]);
		assert_int_equal(out[n + 2], want[i][1]);
		cur[1] = out[n + 1];
		cur[2] = out[n + 2];
		curlen = 3;
		if (want[i][0] == 2 && want[i][1] == 1) {
			v.v.s[v.len] = '\0';
			assert_string_equal((char *)v.v.s, "02:00:00:00:00:09");
		}
		if (want[i][0] == 2 && want[i][1] == 2) {
			v.v.s[v.len] = '\0';
			assert_string_equal((char *)v.v.s, "00:1b:21:00:00:09");
		}
	}
	assert_int_equal(next(mib_adapter_netaddr_table, naentry, n, cur, curlen, out, &len, &v),
	    SNMP_ENDOFMIBVIEW);
	assert_int_equal(next(mib_adapter_netaddr_table, naentry, n, start, 1, out, &len, &v), 0);
	assert_int_equal(out[n + 1], 1);
	assert_int_equal(next(mib_adapter_netaddr_table, naentry, n, partial, 2, out, &len, &v), 0);
	assert_int_equal(out[n + 1], 2);
	assert_int_equal(out[n + 2], 1);
	assert_int_equal(next(mib_adapter_netaddr_table, naentry, n, second, 3, out, &len, &v), 0);
	assert_int_equal(out[n + 2], 2);
	assert_int_equal(next(mib_adapter_netaddr_table, naentry, n, pastall, 3, out, &len, &v), 0);
	assert_int_equal(out[n + 1], 3);
	/* The same permanent address as the current one (cimt-down0): one row only. */
	out[n + 1] = 5;
	out[n + 2] = 2;
	assert_int_equal(mib_table_get(mib_adapter_netaddr_table, out, n + 3, &v),
	    SNMP_NOSUCHINSTANCE);
	/* Positions count from 1: there is no row 0 (a GET of it answered "", found by
	   cimq_diff.sh), and the power table's array rows are the same. */
	out[n + 1] = 2;
	out[n + 2] = 0;
	assert_int_equal(mib_table_get(mib_adapter_netaddr_table, out, n + 3, &v),
	    SNMP_NOSUCHINSTANCE);
	memcpy(out, pmentry, sizeof(pmentry));
	out[sizeof(pmentry) / sizeof(pmentry[0])] = COL_ADARRAY_VALUE;
	out[sizeof(pmentry) / sizeof(pmentry[0]) + 1] = 2;
	out[sizeof(pmentry) / sizeof(pmentry[0]) + 2] = 0;
	assert_int_equal(mib_table_get(mib_adapter_power_table, out,
			     sizeof(pmentry) / sizeof(pmentry[0]) + 3, &v),
	    SNMP_NOSUCHINSTANCE);
}

static void
test_power(void **state)
{
	oid out[MAX_OID_LEN];
	size_t len, n = sizeof(pmentry) / sizeof(pmentry[0]);
	struct mib_value v;
	const oid start[] = { COL_ADARRAY_VALUE };
	oid cur[3];

	(void)state;
	assert_int_equal(next(mib_adapter_power_table, pmentry, n, start, 1, out, &len, &v), 0);
	assert_int_equal(out[n + 1], 2);
	assert_int_equal(out[n + 2], 1);
	assert_int_equal(v.v.i, 3); /* enabled */
	memcpy(cur, out + n, 3 * sizeof(oid));
	assert_int_equal(next(mib_adapter_power_table, pmentry, n, cur, 3, out, &len, &v), 0);
	assert_int_equal(out[n + 2], 2);
	assert_int_equal(v.v.i, 4); /* powerSavingAutomatic */
	memcpy(cur, out + n, 3 * sizeof(oid));
	assert_int_equal(next(mib_adapter_power_table, pmentry, n, cur, 3, out, &len, &v),
	    SNMP_ENDOFMIBVIEW);
}

/* A link removed, a rename and an alias removed follow at once. */
static void
test_changes(void **state)
{
	const char *v1 = "\x02\x00\x00\x00\x00\x11";
	struct nl_msg *msg;

	(void)state;
	link_msg(3, "cimt-veth9", ARPHRD_ETHER, UP, IF_OPER_UP, v1, NULL, "veth", NULL);
	assert_str(COL_ADAPTER_NETCONNECTIONID, 3, "cimt-veth9");
	assert_int_equal(get_int(COL_ADAPTER_NETCONNECTIONSTATUS, 3), 2);
	msg = fx_link_msg(RTM_DELLINK, 3, 0, "cimt-veth9");
	iface_apply(ifm, nlmsg_hdr(msg));
	nlmsg_free(msg);
	assert_int_equal(get_int(COL_ADAPTER_INDEX, 3), -1);
	assert_null(ifdev_get(dev, 3));
}

/* A link message of kind, a port of master (0: none), on lower through IFLA_VXLAN_LINK (0: none). */
static void
stacked_msg(int type, int32_t ifindex, const char *name, const char *kind, int32_t master,
    int32_t lower)
{
	struct nl_msg *msg = fx_link_msg(type, ifindex, UP, name);
	struct nlattr *info, *data;

	if (master != 0)
		nla_put_u32(msg, IFLA_MASTER, (uint32_t)master);
	info = nla_nest_start(msg, IFLA_LINKINFO);
	nla_put_string(msg, IFLA_INFO_KIND, kind);
	if (lower != 0) {
		data = nla_nest_start(msg, IFLA_INFO_DATA);
		nla_put_u32(msg, IFLA_VXLAN_LINK, (uint32_t)lower);
		nla_nest_end(msg, data);
	}
	nla_nest_end(msg, info);
	iface_apply(ifm, nlmsg_hdr(msg));
	nlmsg_free(msg);
}

/* The derived facts (phy80211 standing for the speed) of the bridge and the vxlan on it. */
static void
put_derived(int wireless)
{
	char path[PATH_MAX * 2];

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/class/net/%s/phy80211", root,
		    i == 0 ? "cimt-br0" : "cimt-vx0");
		if (wireless)
			assert_int_equal(mkdir(path, 0700), 0);
		else
			assert_int_equal(rmdir(path), 0);
	}
}

static void
assert_derived(int wireless)
{
	assert_int_equal(ifdev_get(dev, 20)->wireless, wireless);
	assert_int_equal(ifdev_get(dev, 21)->wireless, wireless);
}

/*
 * A bridge's facts are read again when a port joins, leaves or is
 * removed, and so are those of a vxlan on the bridge (its lower link).
 */
static void
test_derived(void **state)
{
	(void)state;
	put_dir("class/net/cimt-br0");
	put_dir("class/net/cimt-vx0");
	stacked_msg(RTM_NEWLINK, 20, "cimt-br0", "bridge", 0, 0);
	stacked_msg(RTM_NEWLINK, 21, "cimt-vx0", "vxlan", 0, 20);
	assert_int_equal(iface_link(ifm, 21)->lower, 20);
	stacked_msg(RTM_NEWLINK, 22, "cimt-port0", "veth", 0, 0);
	put_derived(1);
	assert_derived(0);
	stacked_msg(RTM_NEWLINK, 22, "cimt-port0", "veth", 20, 0); /* joins */
	assert_derived(1);
	put_derived(0);
	stacked_msg(RTM_NEWLINK, 22, "cimt-port0", "veth", 0, 0); /* leaves */
	assert_derived(0);
	stacked_msg(RTM_NEWLINK, 22, "cimt-port0", "veth", 20, 0);
	put_derived(1);
	stacked_msg(RTM_DELLINK, 22, "cimt-port0", "veth", 20, 0); /* removed */
	assert_derived(1);
	put_derived(0);
	stacked_msg(RTM_NEWLINK, 21, "cimt-vx0", "vxlan", 0, 0); /* no lower any more */
	put_derived(1);
	stacked_msg(RTM_DELLINK, 20, "cimt-br0", "bridge", 0, 0);
	assert_null(ifdev_get(dev, 20));
	assert_int_equal(ifdev_get(dev, 21)->wireless, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_dormant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_speed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_network_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_power, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_derived, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
