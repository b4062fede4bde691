#!/bin/bash
# The demo, on a fresh Debian 12 machine as root: installs what is missing,
# builds, starts a private snmpd master and cimrouted in a network namespace
# of its own, and shows what cimrouted serves.  It touches nothing outside
# that namespace and removes it when done.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/packages.sh"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
# fails: a command expected to fail (a refused SET), shown with its error
fails() { printf '$ %s\n' "$*"; if "$@"; then echo "(unexpectedly succeeded)"; return 1; fi; }

cimr_install_packages
build="$src/build-demo"
say "building cimrouted"
if [ ! -f "$build/Makefile" ]; then
	(cd "$src" && autoreconf -fi >/dev/null 2>&1)
	mkdir -p "$build" && (cd "$build" && "$src/configure" -q)
fi
make -C "$build" -j2 >/dev/null

NS=cimr-demo-$$
NSP=cimr-demo-peers-$$ # the far ends of the links: the routers the routes go through
T=$(mktemp -d /tmp/cimr-demo.XXXXXX)
PORT=16161
cleanup() {
	for p in "$T/cimrouted.pid" "$T/snmpd.pid" "$T/snmptrapd.pid"; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
	done
	sleep 0.3
	ip netns del "$NS" 2>/dev/null || true
	ip netns del "$NSP" 2>/dev/null || true
	rm -rf "$T" "/etc/netns/$NS"
}
trap cleanup EXIT

say "a network namespace with two veth links to routers (a second namespace) and some routes"
ip netns add "$NS"
ip netns add "$NSP"
in_ns() { ip netns exec "$NS" "$@"; }
in_peers() { ip netns exec "$NSP" "$@"; }
# The namespace's own resolver file: ip netns exec shows it as /etc/resolv.conf (the DNS methods)
mkdir -p "/etc/netns/$NS"
printf '# the demo namespace\nnameserver 192.0.2.53\nsearch example.net\n' >"/etc/netns/$NS/resolv.conf"
in_ns ip link set lo up
in_ns ip link add eth0 type veth peer name eth0-peer netns "$NSP"
in_ns ip link add eth1 type veth peer name eth1-peer netns "$NSP"
for l in eth0 eth1; do in_ns ip link set "$l" up; in_peers ip link set "$l-peer" up; done
in_ns ip addr add 192.0.2.1/24 dev eth0
in_peers ip addr add 192.0.2.254/24 dev eth0-peer
in_ns ip addr add 198.51.100.1/24 dev eth1
in_peers ip addr add 198.51.100.254/24 dev eth1-peer
in_ns ip addr add 2001:db8:0:1::1/64 dev eth0 nodad
in_peers ip addr add 2001:db8:0:1::fe/64 dev eth0-peer nodad
printf '127.0.0.1 localhost\n192.0.2.254 peer.example.net\n2001:db8:0:1::fe peer.example.net\n192.0.2.254 peer4.example.net\n' \
	>"/etc/netns/$NS/hosts"
printf 'hosts: files\n' >"/etc/netns/$NS/nsswitch.conf" # names from the hosts file only: no DNS here
in_ns ip route add default via 192.0.2.254 proto static
in_ns ip route add 10.0.0.0/8 via 198.51.100.254 proto bgp metric 20
in_ns ip route add 10.20.0.0/16 proto ospf nexthop via 192.0.2.254 dev eth0 nexthop via 198.51.100.254 dev eth1
in_ns ip route add blackhole 172.16.0.0/12
run in_ns ip -4 route show

erl=$(ls -d /usr/lib/erlang/lib/snmp-*/mibs | head -1)
say "a trap receiver: snmptrapd on 127.0.0.1:$((PORT + 1)), logging with CIM-ROUTE-MIB's names"
printf 'disableAuthorization yes\nformat2 %%v\\n\n' >"$T/snmptrapd.conf"
in_ns snmptrapd -C -c "$T/snmptrapd.conf" -M "$src/mibs:$erl" -m SNMPv2-MIB:CIM-ROUTE-MIB -OQs \
	-Lf "$T/traps.log" -p "$T/snmptrapd.pid" udp:127.0.0.1:$((PORT + 1))

say "snmpd as AgentX master (private config, loopback port $PORT, trap sink above) and cimrouted"
mkdir -p "$T/persist"
cat >"$T/snmpd.conf" <<EOF
master agentx
agentXSocket $T/agentx.sock
agentXPerms 0660 0770
agentaddress udp:127.0.0.1:$PORT
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
trap2sink 127.0.0.1:$((PORT + 1)) public
EOF
MIBS= SNMP_PERSISTENT_DIR="$T/persist" in_ns snmpd -C -c "$T/snmpd.conf" -Lf "$T/snmpd.log" -p "$T/snmpd.pid"
in_ns "$build/agent/cimrouted" -x "$T/agentx.sock" -S "$T/state" -Lf "$T/cimrouted.log" -p "$T/cimrouted.pid"
snmp() { # client, name, args...: the MIB from the tree, IETF base modules from erlang-snmp
	local cmd=$1; shift
	MIBDIRS="$src/mibs:$erl" MIBS=CIM-ROUTE-MIB in_ns "$cmd" -v2c -c public "$@"
}
for _ in $(seq 50); do
	snmp snmpget -Oqv 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteCount.0 2>/dev/null | grep -q '^[0-9]' && break
	sleep 0.2
done
cat "$T/cimrouted.log"

say "Win32_IP4RouteTable: row count and last change (what pollers check before walking)"
run snmp snmpget 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteCount.0 CIM-ROUTE-MIB::cimIP4RouteLastChange.0

say "Win32_IP4RouteTable as a table (index: Destination, Mask, NextHop, InterfaceIndex, table, tos, metric)"
run snmp snmptable -Cb -Ci -Cw 160 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteTable

say "one column, walked: Caption"
run snmp snmpwalk 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteCaption

say "a route change is visible at once"
run in_ns ip route add 203.0.113.0/24 via 192.0.2.254 proto static metric 7
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteDescription
run in_ns ip link set eth1 down
echo "(eth1 is down: the kernel drops its routes without telling anyone; cimrouted re-reads and follows)"
sleep 0.3
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteDescription
run snmp snmpget 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteCount.0

say "Win32_IP4RouteTableEvent: each change reached the trap receiver as cimIP4RouteChange"
echo "(the route added; then eth1 down: its connected route removed, the routes over its peer changed to Status Error; the kernel announced none of these)"
echo "\$ grep -m1 cimIP4RouteChange $T/traps.log | tr '\\t' '\\n'"
grep -m1 cimIP4RouteChange "$T/traps.log" | tr '\t' '\n'
echo "(all of them, one line each)"
grep cimIP4RouteChange "$T/traps.log" | awk -F'\t' '{
	for (i = 1; i <= NF; i++) { split($i, kv, " = "); sub(/\.0$/, "", kv[1]); v[kv[1]] = kv[2] }
	printf "  seq %s: %-7s %s/%s via %s if %s metric %s\n", v["cimRouteNotifySequence"],
	    v["cimRouteNotifyKind"], v["cimRouteNotifyDestination"], v["cimRouteNotifyMask"],
	    v["cimRouteNotifyNextHop"], v["cimRouteNotifyIfIndex"], v["cimRouteNotifyKernelMetric"] }'
say "the same changes in cimRouteEventTable (for a poller that missed notifications), and the settings"
run snmp snmptable -Cb -Ci -Cw 160 127.0.0.1:$PORT CIM-ROUTE-MIB::cimRouteEventTable
run snmp snmpget 127.0.0.1:$PORT CIM-ROUTE-MIB::cimRouteEventLastSequence.0 \
	CIM-ROUTE-MIB::cimRouteNotifyEnabled.0 CIM-ROUTE-MIB::cimRouteNotifyRateLimit.0 \
	CIM-ROUTE-MIB::cimRouteEventHistorySize.0

snmpw() { # snmpset through the read-write community
	MIBDIRS="$src/mibs:$erl" MIBS=CIM-ROUTE-MIB in_ns snmpset -v2c -c private "$@"
}
IF0=$(in_ns cat /sys/class/net/eth0/ifindex)
ROW=10.99.0.0.255.255.0.0.192.0.2.254.$IF0.254.0.10
say "creating a route with snmpset: cimIP4RouteRowStatus.<index> = createAndGo(4)"
run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteRowStatus.$ROW i 4
run in_ns ip route show 10.99.0.0/16
say "changing its metric: Metric1 = 30 (the route is added at metric 30, then the old one removed)"
run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteMetric1.$ROW i 30
run in_ns ip route show 10.99.0.0/16
run snmp snmpget -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteCaption.10.99.0.0.255.255.0.0.192.0.2.254.$IF0.254.0.30
say "deleting it: destroy(6)"
run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteRowStatus.10.99.0.0.255.255.0.0.192.0.2.254.$IF0.254.0.30 i 6
run in_ns ip route show 10.99.0.0/16
say "a bad SET is refused with a precise status, and changes nothing"
fails snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteRowStatus.10.99.0.0.255.255.0.0.203.0.113.9.$IF0.254.0.10 i 4
echo "(the kernel's connected route of eth0 is not SNMP's to delete)"
fails snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4RouteRowStatus.192.0.2.0.255.255.255.0.192.0.2.1.$IF0.254.0.0 i 6
tail -n 2 "$T/cimrouted.log"

say "a persisted route (route -p add): stored in the state file, installed, listed in cimActiveRouteTable"
PROW=10.50.0.0.255.255.0.0.192.0.2.10.5   # via 192.0.2.10, a neighbour on eth0
run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4PersistedRouteRowStatus.$PROW i 4
run cat "$T/state/persisted-routes"
run in_ns ip route show 10.50.0.0/16
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4PersistedRouteTable
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimActiveRouteTable
say "someone deletes it by hand: cimrouted puts it back"
run in_ns ip route del 10.50.0.0/16
sleep 0.3
run in_ns ip route show 10.50.0.0/16
say "destroying the persisted row removes the line and the route"
run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimIP4PersistedRouteRowStatus.$PROW i 6
run in_ns ip route show 10.50.0.0/16
run cat "$T/state/persisted-routes"

say "Win32_NetworkAdapter, as Get-WmiObject Win32_NetworkAdapter | select NetConnectionID, Name, Speed, NetConnectionStatus, NetEnabled, MACAddress"
echo "(one row per link, index = InterfaceIndex, the route tables' InterfaceIndex; eth1 is down)"
for col in NetConnectionID Name Speed NetConnectionStatus NetEnabled MACAddress; do
	run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimNetAdapter$col
done

say "Win32_NetworkAdapterConfiguration, as ... -Filter IPEnabled=TRUE | select Index, IPAddress, IPSubnet, DefaultIPGateway, DNSServerSearchOrder, DHCPEnabled"
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgIPEnabled
echo "(IPAddress and IPSubnet: one row per address, index = Index, type, address, prefix length; the value is the WMI array position / the mask)"
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgAddressPosition
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgAddressSubnet
echo "(DefaultIPGateway: the default routes through the interface, element 0 the one the kernel uses)"
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgGatewayPosition
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimDnsServerAddress
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgDHCPEnabled
run snmp snmpget 127.0.0.1:$PORT CIM-ROUTE-MIB::cimTcpipDefaultTTL.0 CIM-ROUTE-MIB::cimTcpipKeepAliveTime.0

IF1=$(in_ns cat /sys/class/net/eth1/ifindex)
say "Win32_NetworkAdapter.Enable() and the connection name: NetEnabled = true(1), NetConnectionID"
run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimNetAdapterNetEnabled.$IF1 i 1 \
	CIM-ROUTE-MIB::cimNetAdapterNetConnectionID.$IF1 s "Uplink B"
run in_ns ip link show eth1
run snmp snmpget -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimNetAdapterNetConnectionID.$IF1 \
	CIM-ROUTE-MIB::cimNetAdapterLastMethod.$IF1 CIM-ROUTE-MIB::cimNetAdapterLastResult.$IF1
say "Disable(): NetEnabled = false(2); SetPowerState() has no Linux meaning: refused, notSupported(1)"
run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimNetAdapterNetEnabled.$IF1 i 2
run in_ns ip link show eth1
fails snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimNetAdapterSetPowerState.$IF1 i 6
run snmp snmpget -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimNetAdapterLastMethod.$IF1 \
	CIM-ROUTE-MIB::cimNetAdapterLastResult.$IF1

say "Win32_NetworkAdapterConfiguration.EnableStatic(198.51.100.2, 198.51.100.3) on eth1: one SET"
echo "(destroy the old address's row, create the new ones: the first created becomes the primary)"
A=CIM-ROUTE-MIB::cimAdapterCfgAddressRowStatus.$IF1.1.4.198.51.100 # ifindex, ipv4(1), 4 bytes
run snmpw 127.0.0.1:$PORT $A.1.24 i 6 $A.2.24 i 4 $A.3.24 i 4
run in_ns ip -4 addr show eth1
run snmp snmpget -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgLastMethod.$IF1 \
	CIM-ROUTE-MIB::cimAdapterCfgLastResult.$IF1
echo "(StorageType nonVolatile, the default: kept in the state directory and put back if removed)"
run cat "$T/state/static-addresses"
say "what Linux already is succeeds and changes nothing (DisableIPSec(), SetTcpipNetbios(disable)); what it cannot do is notSupported(64)"
run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgAction.$IF1 i 4 \
	CIM-ROUTE-MIB::cimAdapterCfgTcpipNetbiosOptions.$IF1 i 2
fails snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgTcpipNetbiosOptions.$IF1 i 1
run snmp snmpget -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgLastMethod.$IF1 \
	CIM-ROUTE-MIB::cimAdapterCfgLastResult.$IF1

say "Win32_NetworkAdapterConfiguration.SetGateways(192.0.2.253, 10) on eth0: one SET"
echo "(destroy the old gateway's row, create the new one: index = Index, ipv4(1), 4 bytes, gateway, metric)"
G=CIM-ROUTE-MIB::cimAdapterCfgGatewayRowStatus.$IF0.1.4.192.0.2
run snmpw 127.0.0.1:$PORT $G.254.0 i 6 $G.253.10 i 4
run in_ns ip route show default
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgGatewayStorageType
echo "(a nonVolatile gateway is a persisted route: in the state file, installed again if removed)"
run cat "$T/state/persisted-routes"
run snmp snmpget -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgLastMethod.$IF0 \
	CIM-ROUTE-MIB::cimAdapterCfgLastResult.$IF0
fails snmpw 127.0.0.1:$PORT $G.77.10000 i 4
run snmp snmpget -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimAdapterCfgLastResult.$IF0

say "the host-wide methods: SetDefaultTTL(128), SetKeepAliveTime(300000 ms) write the namespace's sysctls"
run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimTcpipDefaultTTL.0 u 128 \
	CIM-ROUTE-MIB::cimTcpipKeepAliveTime.0 u 300000
run in_ns sysctl net.ipv4.ip_default_ttl net.ipv4.tcp_keepalive_time
run snmp snmpget -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimTcpipLastMethod.0 CIM-ROUTE-MIB::cimTcpipLastResult.0

say "SetDNSServerSearchOrder, SetDNSSuffixSearchOrder, SetDNSDomain (EnableDNS) in one SET: the resolver file"
echo "(the namespace's /etc/resolv.conf; as (Get-WmiObject ... -Filter Index=$IF0).SetDNSServerSearchOrder(@('192.0.2.53','198.51.100.53')) and so on)"
run in_ns cat /etc/resolv.conf
run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimDnsServerRowStatus.$IF0.2 i 4 \
	CIM-ROUTE-MIB::cimDnsServerAddress.$IF0.2 x C6336435 \
	CIM-ROUTE-MIB::cimDnsSuffixRowStatus.2 i 4 CIM-ROUTE-MIB::cimDnsSuffixName.2 s corp.example \
	CIM-ROUTE-MIB::cimTcpipDNSDomain.0 s branch.example.net
run in_ns cat /etc/resolv.conf
run snmp snmpwalk -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimDnsServerAddress
run snmp snmpget 127.0.0.1:$PORT CIM-ROUTE-MIB::cimTcpipLastMethod.0 CIM-ROUTE-MIB::cimTcpipLastResult.0
echo "(a bad address is refused with WMI's invalidIPAddress(70); the file is unchanged)"
fails snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimDnsServerRowStatus.$IF0.3 i 4 \
	CIM-ROUTE-MIB::cimDnsServerAddress.$IF0.3 x E0000001
run snmp snmpget 127.0.0.1:$PORT CIM-ROUTE-MIB::cimTcpipLastMethod.0 CIM-ROUTE-MIB::cimTcpipLastResult.0

say "Win32_PingStatus: Test-Connection peer.example.net -Count 4, through SNMP"
echo "(the names are in the namespace's hosts file; peer.example.net has an IPv4 and an IPv6 address,"
echo " and is pinged over IPv6 first, as Windows orders them (RFC 6724); peer4.example.net only over IPv4)"
run in_ns cat /etc/hosts
pidx() { # the index of a ping row: owner and name, each length-prefixed
	local s out=""
	for s in "$1" "$2"; do
		out="$out.${#s}$(printf '%s' "$s" | od -An -tu1 | tr -s ' \n' '..' | sed 's/\.$//')"
	done
	echo "${out#.}"
}
ping_row() { # name, target: a row created and started in one SET, 4 probes 200 ms apart
	local i
	i=$(pidx demo "$1")
	run snmpw 127.0.0.1:$PORT CIM-ROUTE-MIB::cimPingRowStatus.$i i 4 \
		CIM-ROUTE-MIB::cimPingAddressName.$i s "$2" CIM-ROUTE-MIB::cimPingProbeCount.$i u 4 \
		CIM-ROUTE-MIB::cimPingProbeInterval.$i u 200 CIM-ROUTE-MIB::cimPingTrapOnCompletion.$i i 1
}
ping_wait() { # until the row's cimPingOperStatus is completed(3)
	local i
	i=$(pidx demo "$1")
	for _ in $(seq 50); do
		snmp snmpget -Oqv 127.0.0.1:$PORT CIM-ROUTE-MIB::cimPingOperStatus.$i 2>/dev/null |
			grep -q completed && return 0
		sleep 0.2
	done
}
ping_show() { # the probes as Test-Connection prints them (one line a probe)
	local i c
	i=$(pidx demo "$1")
	for c in ProtocolAddress ResponseTime ReplySize; do
		snmp snmpwalk -OnQv 127.0.0.1:$PORT CIM-ROUTE-MIB::cimPingProbe$c.$i >"$T/probe-$c"
	done
	python3 - "$NS" "$2" "$T/probe-ProtocolAddress" "$T/probe-ResponseTime" "$T/probe-ReplySize" <<'PY'
import ipaddress, sys
src, dst, fa, ft, fb = sys.argv[1:]
col = lambda f: [l.strip() for l in open(f) if l.strip()]
num = lambda v: int(v.split()[0])
fmt = "%-16s %-18s %-16s %-24s %5s %8s"
print(fmt % ("Source", "Destination", "IPV4Address", "IPV6Address", "Bytes", "Time(ms)"))
print(fmt % ("------", "-----------", "-----------", "-----------", "-----", "--------"))
for a, t, b in zip(col(fa), col(ft), col(fb)):
    ip = ipaddress.ip_address(bytes.fromhex(a.strip('"').replace(" ", "")))
    v4, v6 = (str(ip), "") if ip.version == 4 else ("", str(ip))
    print(fmt % (src[:16], dst, v4, v6, num(b), num(t)))
PY
}
ping_row v6 peer.example.net
ping_row v4 peer4.example.net
ping_wait v6
ping_wait v4
ping_show v6 peer.example.net
ping_show v4 peer4.example.net
say "the row itself: WMI's properties of the last probe, and the summary beyond WMI"
for col in AddressName PrimaryResolutionStatus StatusCode ProtocolAddress ResponseTime ResponseTimeToLive \
	ReplySize ReplyInconsistency ProbesSent ProbesReceived LossPercent RttMin RttAvg RttMax RttMeanDeviation \
	TimeSource; do
	snmp snmpget -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimPing$col.$(pidx demo v6)
done
say "a name that does not resolve: StatusCode absent, PrimaryAddressResolutionStatus 11001, as WMI"
ping_row nx no-such-host.example.net
ping_wait nx
run snmp snmpget -Oq 127.0.0.1:$PORT CIM-ROUTE-MIB::cimPingStatusCode.$(pidx demo nx) \
	CIM-ROUTE-MIB::cimPingPrimaryResolutionStatus.$(pidx demo nx)
say "each completion reached the trap receiver as cimPingCompletion"
sleep 0.5
grep cimPingCompletion "$T/traps.log" | tr '\t' ' ' | cut -c1-230

say "done: the namespace, snmpd and cimrouted are removed"
