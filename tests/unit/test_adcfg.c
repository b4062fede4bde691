/*
 * Unit tests: cimAdapterConfig's tables through the real handler code
 * (mib_table_get and mib_table_getnext over mib_adcfg.c), on an interface
 * mirror fed with link and address messages and route mirrors loaded with
 * default routes: IPEnabled as Windows has it (loopback, down, link-local
 * only), WMI's positions of addresses (IPv4 primary, IPv4 secondary, IPv6)
 * and gateways (IPv4 then IPv6, by metric), IPSubnet's text, origins, the
 * walk from before the first row, a row, a gap, a partial index and past the
 * end, empty tables, and the lease times of an address with a lifetime read
 * on clocks the test sets (clock_gettime() is wrapped: -Wl,--wrap).
 */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "iface/ifmirror.h"
#include "route/mirror.h"
#include "route/route6.h"
#include "route/rt.h"
#include "route/rt4.h"
#include "snmp/mib.h"

#include "fakeclock.h"
#include "fixture.h"

#define UP (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

static struct iface *ifm;
static struct mirror *m4, *m6;

static void
apply(struct nl_msg *msg)
{
	iface_apply(ifm, nlmsg_hdr(msg));
	nlmsg_free(msg);
}

static void
addr(int32_t ifindex, int family, const char *a, uint8_t plen, uint8_t flags, uint8_t scope)
{
	struct nl_msg *msg = fx_addr_msg(RTM_NEWADDR, family, ifindex, a, plen);
	struct ifaddrmsg *ifa = nlmsg_data(nlmsg_hdr(msg));

	ifa->ifa_flags = flags;
	ifa->ifa_scope = scope;
	apply(msg);
}

/*
 * lo (1): 127.0.0.1 and ::1.  eth1 (2): three IPv4 (10.0.0.5 and 10.1.0.1
 * primary, 10.0.0.2 secondary), a global and a link-local IPv6.  ll (3):
 * up, only fe80::.  down (4): an IPv4 address but down.  v6 (5): only a
 * global IPv6 address.
 */
static int
setup(void **state)
{
	static const struct mirror_config cfg = { .tables = { RT_TABLE_MAIN }, .ntables = 1 };
	struct route r4[4];
	struct route6 r6[2];

	(void)state;
	ifm = iface_new();
	apply(fx_link_msg(RTM_NEWLINK, 1, UP | IFF_LOOPBACK, "lo"));
	apply(fx_link_msg(RTM_NEWLINK, 2, UP, "eth1"));
	apply(fx_link_msg(RTM_NEWLINK, 3, UP, "ll"));
	apply(fx_link_msg(RTM_NEWLINK, 4, 0, "down"));
	apply(fx_link_msg(RTM_NEWLINK, 5, UP, "v6"));
	addr(1, AF_INET, "127.0.0.1", 8, IFA_F_PERMANENT, RT_SCOPE_HOST);
	addr(1, AF_INET6, "::1", 128, IFA_F_PERMANENT, RT_SCOPE_HOST);
	addr(2, AF_INET, "10.0.0.5", 24, IFA_F_PERMANENT, RT_SCOPE_UNIVERSE);
	addr(2, AF_INET, "10.0.0.2", 24, IFA_F_PERMANENT | IFA_F_SECONDARY, RT_SCOPE_UNIVERSE);
	addr(2, AF_INET, "10.1.0.1", 16, IFA_F_PERMANENT, RT_SCOPE_UNIVERSE);
	addr(2, AF_INET6, "2001:db8::1", 64, IFA_F_PERMANENT, RT_SCOPE_UNIVERSE);
	addr(2, AF_INET6, "fe80::1", 64, IFA_F_PERMANENT, RT_SCOPE_LINK);
	addr(3, AF_INET6, "fe80::3", 64, IFA_F_PERMANENT, RT_SCOPE_LINK);
	addr(4, AF_INET, "10.4.0.1", 24, IFA_F_PERMANENT, RT_SCOPE_UNIVERSE);
	addr(5, AF_INET6, "2001:db8:5::1", 64, 0,
	    RT_SCOPE_UNIVERSE); /* from an RA: not permanent */

	m4 = mirror_new(&cfg);
	m6 = mirror_new_family(&rt6_ops, &cfg);
	assert_non_null(m4);
	assert_non_null(m6);
	/* eth1: via 10.0.0.1 metric 200 and via 10.0.0.254 metric 100; a direct one; not main. */
	r4[0] = fx_route(0, 0, IP(10, 0, 0, 1), 2, 200, RTPROT_BOOT);
	r4[1] = fx_route(0, 0, IP(10, 0, 0, 254), 2, 100, RTPROT_BOOT);
	r4[2] = fx_route(0, 0, 0, 5, 50, RTPROT_BOOT);
	r4[3] = fx_route(0, 0, IP(10, 0, 0, 9), 2, 1, RTPROT_BOOT);
	r4[3].table = 100;
	r6[0] = fx_route6("::", 0, "fe80::9", 2, 1024, RTPROT_RA);
	r6[1] = fx_route6("::", 0, "2001:db8::fe", 2, 10, RTPROT_BOOT);
	assert_int_equal(mirror_inject(m4, r4, 4), 0);
	assert_int_equal(mirror_inject(m6, r6, 2), 0);
	mib_adcfg_bind(ifm, m4, m6, 1, 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fakeclock_off();
	mirror_free(m4);
	mirror_free(m6);
	iface_free(ifm);
	return 0;
}

/* GET of column col of a table's row whose index is idx. */
static int
get(const struct mib_table *t, oid col, const oid *idx, size_t len, struct mib_value *v)
{
	oid name[MAX_OID_LEN];
	size_t n = t->entry_len;

	memcpy(name, t->entry, n * sizeof(oid));
	name[n++] = col;
	if (len > 0)
		memcpy(name + n, idx, len * sizeof(oid));
	return mib_table_get(t, name, n + len, v);
}

static long
cfg_int(oid col, int32_t ifindex)
{
	oid idx[1] = { (oid)ifindex };
	struct mib_value v;

	assert_int_equal(get(mib_adcfg_table, col, idx, 1, &v), 0);
	return v.v.i;
}

static void
test_ip_enabled(void **state)
{
	(void)state;
	assert_int_equal(cfg_int(COL_ADCFG_IPENABLED, 1), 2); /* loopback */
	assert_int_equal(cfg_int(COL_ADCFG_IPENABLED, 2), 1);
	assert_int_equal(cfg_int(COL_ADCFG_IPENABLED, 3), 2); /* fe80:: only */
	assert_int_equal(cfg_int(COL_ADCFG_IPENABLED, 4), 2); /* down */
	assert_int_equal(cfg_int(COL_ADCFG_IPENABLED, 5), 1); /* a global IPv6 address */
}

/* The index of address a (text) of ifindex: ifindex, type, length, bytes, plen. */
static size_t
addr_idx(int32_t ifindex, int family, const char *a, uint8_t plen, oid *out)
{
	uint8_t b[16];
	size_t alen = family == AF_INET ? 4 : 16, n = 0;

	assert_int_equal(inet_pton(family, a, b), 1);
	out[n++] = (oid)ifindex;
	out[n++] = family == AF_INET ? 1 : 2;
	out[n++] = alen;
	for (size_t i = 0; i < alen; i++)
		out[n++] = b[i];
	out[n++] = plen;
	return n;
}

static void
expect_addr(int family, const char *a, uint8_t plen, unsigned pos, const char *subnet, long origin)
{
	oid idx[32];
	size_t n = addr_idx(2, family, a, plen, idx);
	struct mib_value v;

	assert_int_equal(get(mib_adcfg_addr_table, COL_ADCFG_ADDR_POSITION, idx, n, &v), 0);
	assert_int_equal(v.v.u, pos);
	assert_int_equal(get(mib_adcfg_addr_table, COL_ADCFG_ADDR_SUBNET, idx, n, &v), 0);
	assert_int_equal(v.len, strlen(subnet));
	assert_memory_equal(v.v.s, subnet, v.len);
	assert_int_equal(get(mib_adcfg_addr_table, COL_ADCFG_ADDR_ORIGIN, idx, n, &v), 0);
	assert_int_equal(v.v.i, origin);
}

static void
test_address_positions(void **state)
{
	(void)state;
	expect_addr(AF_INET, "10.0.0.5", 24, 0, "255.255.255.0", 2);
	expect_addr(AF_INET, "10.1.0.1", 16, 1, "255.255.0.0", 2);
	expect_addr(AF_INET, "10.0.0.2", 24, 2, "255.255.255.0", 2); /* secondary */
	expect_addr(AF_INET6, "2001:db8::1", 64, 3, "64", 2);
	expect_addr(AF_INET6, "fe80::1", 64, 4, "64", 5); /* link-local without IFA_PROTO */
}

static void
test_origin(void **state)
{
	struct iface_addr a = { .family = AF_INET6, .flags = IFA_F_TEMPORARY, .proto = 0 };

	(void)state;
	assert_int_equal(mib_adcfg_origin(&a), 6); /* random */
	a.flags = 0;
	assert_int_equal(mib_adcfg_origin(&a), 5); /* SLAAC: not permanent */
	a.proto = 3;                               /* IFAPROT_KERNEL_LL */
	a.flags = IFA_F_PERMANENT;
	assert_int_equal(mib_adcfg_origin(&a), 5);
	a = (struct iface_addr){ .family = AF_INET, .flags = IFA_F_SECONDARY, .valid_lft = 3600 };
	assert_int_equal(mib_adcfg_origin(&a), 4); /* dhcp; the bit is SECONDARY for IPv4 */
	a.valid_lft = IFA_LIFE_FOREVER;
	assert_int_equal(mib_adcfg_origin(&a), 2);
}

/* GETNEXT from name (len); returns the row's index after the column, in idx. */
static size_t
next(const struct mib_table *t, oid col, const oid *idx, size_t len, oid *out_idx, oid *out_col)
{
	oid name[MAX_OID_LEN], out[MAX_OID_LEN];
	size_t n = t->entry_len, outlen = 0;
	struct mib_value v;

	memcpy(name, t->entry, n * sizeof(oid));
	name[n++] = col;
	if (len > 0)
		memcpy(name + n, idx, len * sizeof(oid));
	if (mib_table_getnext(t, name, n + len, 1, out, &outlen, &v) != 0)
		return 0;
	*out_col = out[t->entry_len];
	memcpy(out_idx, out + t->entry_len + 1, (outlen - t->entry_len - 1) * sizeof(oid));
	return outlen - t->entry_len - 1;
}

static void
test_walk_addresses(void **state)
{
	oid idx[32], got[32], want[32], col;
	size_t n, w;

	(void)state;
	/* Before the first row: lo's 127.0.0.1. */
	n = next(mib_adcfg_addr_table, COL_ADCFG_ADDR_ORIGIN, NULL, 0, got, &col);
	w = addr_idx(1, AF_INET, "127.0.0.1", 8, want);
	assert_int_equal(col, COL_ADCFG_ADDR_ORIGIN);
	assert_int_equal(n, w);
	assert_memory_equal(got, want, w * sizeof(oid));
	/* From a row: eth1's 10.0.0.2 follows lo's ::1 (IPv4 before IPv6 within a link). */
	n = addr_idx(1, AF_INET6, "::1", 128, idx);
	n = next(mib_adcfg_addr_table, COL_ADCFG_ADDR_ORIGIN, idx, n, got, &col);
	w = addr_idx(2, AF_INET, "10.0.0.2", 24, want);
	assert_int_equal(n, w);
	assert_memory_equal(got, want, w * sizeof(oid));
	/* A partial index (eth1, IPv6): its first IPv6 address. */
	idx[0] = 2;
	idx[1] = 2;
	n = next(mib_adcfg_addr_table, COL_ADCFG_ADDR_ORIGIN, idx, 2, got, &col);
	w = addr_idx(2, AF_INET6, "2001:db8::1", 64, want);
	assert_int_equal(n, w);
	assert_memory_equal(got, want, w * sizeof(oid));
	/* A gap (ifindex 4.5): v6's address. */
	idx[0] = 4;
	idx[1] = 5;
	n = next(mib_adcfg_addr_table, COL_ADCFG_ADDR_ORIGIN, idx, 2, got, &col);
	w = addr_idx(5, AF_INET6, "2001:db8:5::1", 64, want);
	assert_int_equal(n, w);
	assert_memory_equal(got, want, w * sizeof(oid));
	/* Past the last row of the column: the next column's first row. */
	n = next(mib_adcfg_addr_table, COL_ADCFG_ADDR_ORIGIN, want, w, got, &col);
	assert_int_equal(col, COL_ADCFG_ADDR_VALIDLIFE);
}

static void
test_walk_links(void **state)
{
	oid idx[2] = { 3 }, got[32], col;

	(void)state;
	assert_int_equal(next(mib_adcfg_table, COL_ADCFG_MTU, idx, 1, got, &col), 1);
	assert_int_equal(got[0], 4);
	idx[1] = 7; /* 3.7 is after row 3 */
	assert_int_equal(next(mib_adcfg_table, COL_ADCFG_MTU, idx, 2, got, &col), 1);
	assert_int_equal(got[0], 4);
	idx[0] = 5;
	assert_int_equal(next(mib_adcfg_table, COL_ADCFG_MTU, idx, 1, got, &col), 1);
	/* Past the last row: ServiceName has no value (no IFLA_INFO_KIND), so SettingID's first. */
	assert_int_equal(col, COL_ADCFG_SETTINGID);
	assert_int_equal(got[0], 1);
}

/* The gateway index: ifindex, type, length, bytes, metric. */
static size_t
gw_idx(int32_t ifindex, int family, const char *a, uint32_t metric, oid *out)
{
	size_t n = addr_idx(ifindex, family, a, 0, out);

	out[n - 1] = metric;
	return n;
}

static void
test_gateways(void **state)
{
	oid idx[32], got[32], want[32], col;
	size_t n, w;
	struct mib_value v;

	(void)state;
	/* The first row: eth1's 10.0.0.1 metric 200 (by address, not metric). */
	n = next(mib_adcfg_gw_table, COL_ADCFG_GW_POSITION, NULL, 0, got, &col);
	w = gw_idx(2, AF_INET, "10.0.0.1", 200, want);
	assert_int_equal(n, w);
	assert_memory_equal(got, want, w * sizeof(oid));
	/* Element 0 is the lowest metric: 10.0.0.254 (100), then 10.0.0.1, then IPv6 by metric. */
	n = gw_idx(2, AF_INET, "10.0.0.254", 100, idx);
	assert_int_equal(get(mib_adcfg_gw_table, COL_ADCFG_GW_POSITION, idx, n, &v), 0);
	assert_int_equal(v.v.u, 0);
	n = gw_idx(2, AF_INET, "10.0.0.1", 200, idx);
	assert_int_equal(get(mib_adcfg_gw_table, COL_ADCFG_GW_POSITION, idx, n, &v), 0);
	assert_int_equal(v.v.u, 1);
	n = gw_idx(2, AF_INET6, "2001:db8::fe", 10, idx);
	assert_int_equal(get(mib_adcfg_gw_table, COL_ADCFG_GW_POSITION, idx, n, &v), 0);
	assert_int_equal(v.v.u, 2);
	n = gw_idx(2, AF_INET6, "fe80::9", 1024, idx);
	assert_int_equal(get(mib_adcfg_gw_table, COL_ADCFG_GW_POSITION, idx, n, &v), 0);
	assert_int_equal(v.v.u, 3);
	/* Its route: cimIP6RouteAge of the route. */
	assert_int_equal(get(mib_adcfg_gw_table, COL_ADCFG_GW_ROUTE, idx, n, &v), 0);
	assert_int_equal(v.v.o[OID_LENGTH(((oid[]){ CIMR_IP6ROUTE_ENTRY }))], COL_IP6ROUTE_AGE);
	/* Not main (table 100) and without gateway: no rows; past the last row: next column. */
	n = next(mib_adcfg_gw_table, COL_ADCFG_GW_ROUTE, idx, n, got, &col);
	assert_int_equal(col, COL_ADCFG_GW_STORAGETYPE);
	/* IPConnectionMetric: the lowest default route's, both families; v6's direct one counts. */
	assert_int_equal(cfg_int(COL_ADCFG_IPCONNECTIONMETRIC, 2), 10);
	assert_int_equal(cfg_int(COL_ADCFG_IPCONNECTIONMETRIC, 5), 50);
	idx[0] = 3;
	assert_int_not_equal(get(mib_adcfg_table, COL_ADCFG_IPCONNECTIONMETRIC, idx, 1, &v), 0);
}

static void
test_empty(void **state)
{
	struct iface *none = iface_new();
	oid got[32], col;

	(void)state;
	mib_adcfg_bind(none, NULL, NULL, 0, 0);
	assert_int_equal(next(mib_adcfg_table, COL_ADCFG_CAPTION, NULL, 0, got, &col), 0);
	assert_int_equal(next(mib_adcfg_addr_table, COL_ADCFG_ADDR_ORIGIN, NULL, 0, got, &col), 0);
	assert_int_equal(next(mib_adcfg_gw_table, COL_ADCFG_GW_ROUTE, NULL, 0, got, &col), 0);
	mib_adcfg_bind(ifm, m4, m6, 1, 1);
	iface_free(none);
}

/* The tables Linux has no rows of: their columns exist (noSuchInstance, as the MIB's other
 * columns without a value, not noSuchObject, which tells an agent without them). */
static void
test_rowless(void **state)
{
	const oid idx[2] = { 2, 1 };
	struct mib_value v;
	size_t k = 0;

	(void)state;
	for (const struct mib_table *const *t = mib_adcfg_rowless; *t != NULL; t++, k++) {
		/* cimAdapterCfgIpxTable (.6.9): three columns; the permit tables two */
		assert_int_equal((*t)->ncols, (*t)->entry[(*t)->entry_len - 2] == 9 ? 3 : 2);
		for (oid col = 2; col < 2 + (*t)->ncols; col++)
			assert_int_equal(get(*t, col, idx, 2, &v), SNMP_NOSUCHINSTANCE);
		assert_int_equal(get(*t, 1, idx, 2, &v), SNMP_NOSUCHOBJECT); /* not-accessible */
	}
	assert_int_equal(k, 4);
}

/* DHCPLeaseObtained and DHCPLeaseExpires of link 6 as DateAndTime octets (11 each). */
static void
lease_times(u_char *obtained, u_char *expires)
{
	oid idx[1] = { 6 };
	struct mib_value v;

	assert_int_equal(get(mib_adcfg_table, COL_ADCFG_DHCPLEASEOBTAINED, idx, 1, &v), 0);
	assert_int_equal(v.len, 11);
	memcpy(obtained, v.v.s, 11);
	assert_int_equal(get(mib_adcfg_table, COL_ADCFG_DHCPLEASEEXPIRES, idx, 1, &v), 0);
	assert_int_equal(v.len, 11);
	memcpy(expires, v.v.s, 11);
}

/*
 * An IPv4 address with a lifetime and no DHCP client's file: LeaseObtained
 * (its tstamp, 1/100 s since boot) and LeaseExpires (when it was seen plus
 * its valid lifetime) are instants, the same whenever they are read.  Each
 * clock cut to whole seconds apart made them move by a second as the two
 * clocks' second boundaries passed: 0.3 s later, 13:46:40 became 13:46:41.
 */
/* Link 6 with a leased IPv4 address (ci: its lifetimes and stamps), under the fake clocks. */
static void
lease_addr(const struct ifa_cacheinfo *ci)
{
	struct nl_msg *msg;

	apply(fx_link_msg(RTM_NEWLINK, 6, UP, "lease"));
	msg = fx_addr_msg(RTM_NEWADDR, AF_INET, 6, "10.6.0.5", 24);
	nla_put(msg, IFA_CACHEINFO, sizeof(*ci), ci);
	apply(msg);
}

static void
lease_gone(void)
{
	fakeclock_off();
	apply(fx_link_msg(RTM_DELLINK, 6, UP, "lease"));
}

static void
assert_date(const u_char *got, time_t sec)
{
	struct timespec at = { sec, 0 };
	struct mib_value want;

	mib_set_date(&want, &at);
	assert_memory_equal(got, want.v.s, 11);
}

static void
test_lease_times_steady(void **state)
{
	struct ifa_cacheinfo ci = { .ifa_prefered = 1800,
		.ifa_valid = 3600,
		.cstamp = 5000,
		.tstamp = 5000 };
	u_char o1[11], e1[11], o2[11], e2[11];

	(void)state;
	fakeclock_set((struct timespec){ 1000000000, 900000000 },
	    (struct timespec){ 100, 100000000 });
	lease_addr(&ci); /* seen at 100 s on CLOCK_MONOTONIC */
	lease_times(o1, e1);
	fakeclock_advance(300000000); /* both clocks: 1000000001.2 and 100.4 */
	lease_times(o2, e2);
	lease_gone();
	assert_date(o1, 999999950); /* 1000000000.9 - 100.1 + 50.0, the second */
	assert_memory_equal(o2, o1, 11);
	assert_date(e1,
	    1000000000 - 100 + 100 + 3600); /* seen + valid lifetime, on the wall clock */
	assert_memory_equal(e2, e1, 11);
}

/*
 * The stamps are 32 bits of hundredths since boot: after 497 days of uptime
 * (2^32 / 100 s) tstamp 5000 is 2^32 + 5000, not 50 s after boot; and a
 * stamp a little ahead of CLOCK_MONOTONIC (jiffies) is a moment ago, not
 * 497 days back.
 */
static void
test_lease_obtained_wrap(void **state)
{
	struct ifa_cacheinfo ci = { .ifa_prefered = 1800, .ifa_valid = 3600 };
	u_char o[11], e[11];

	(void)state;
	fakeclock_set((struct timespec){ 2000000000, 0 },
	    (struct timespec){ 42949773, 60000000 }); /* 2^32 + 10010 hundredths */
	ci.cstamp = ci.tstamp = 5000;
	lease_addr(&ci);
	lease_times(o, e);
	assert_date(o, 1999999949);          /* 2000000000 - 42949773.06 + 42949672.96 + 50 */
	ci.cstamp = ci.tstamp = 10010 + 150; /* 1.5 s ahead of the monotonic clock */
	lease_addr(&ci);
	lease_times(o, e);
	lease_gone();
	assert_date(o, 2000000001);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_enabled),
		cmocka_unit_test(test_address_positions),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_walk_addresses),
		cmocka_unit_test(test_walk_links),
		cmocka_unit_test(test_gateways),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_rowless),
		cmocka_unit_test(test_lease_times_steady),
		cmocka_unit_test(test_lease_obtained_wrap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
