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

cimr_install_packages
build="$src/build-demo"
if [ ! -x "$build/agent/cimrouted" ]; then
	say "building cimrouted"
	(cd "$src" && autoreconf -fi >/dev/null 2>&1)
	mkdir -p "$build" && (cd "$build" && "$src/configure" -q && make -j2 >/dev/null)
fi

NS=cimr-demo-$$
T=$(mktemp -d /tmp/cimr-demo.XXXXXX)
PORT=16161
cleanup() {
	for p in "$T/cimrouted.pid" "$T/snmpd.pid"; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
	done
	sleep 0.3
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

say "a network namespace with two veth links and some routes"
ip netns add "$NS"
in_ns() { ip netns exec "$NS" "$@"; }
in_ns ip link set lo up
in_ns ip link add eth0 type veth peer name eth0-peer
in_ns ip link add eth1 type veth peer name eth1-peer
for l in eth0 eth0-peer eth1 eth1-peer; do in_ns ip link set "$l" up; done
in_ns ip addr add 192.0.2.1/24 dev eth0
in_ns ip addr add 192.0.2.254/24 dev eth0-peer
in_ns ip addr add 198.51.100.1/24 dev eth1
in_ns ip addr add 198.51.100.254/24 dev eth1-peer
in_ns ip route add default via 192.0.2.254 proto static
in_ns ip route add 10.0.0.0/8 via 198.51.100.254 proto bgp metric 20
in_ns ip route add 10.20.0.0/16 proto ospf nexthop via 192.0.2.254 dev eth0 nexthop via 198.51.100.254 dev eth1
in_ns ip route add blackhole 172.16.0.0/12
run in_ns ip -4 route show

say "snmpd as AgentX master (private config, loopback port $PORT) and cimrouted"
mkdir -p "$T/persist"
cat >"$T/snmpd.conf" <<EOF
master agentx
agentXSocket $T/agentx.sock
agentXPerms 0660 0770
agentaddress udp:127.0.0.1:$PORT
rocommunity public 127.0.0.1
EOF
MIBS= SNMP_PERSISTENT_DIR="$T/persist" in_ns snmpd -C -c "$T/snmpd.conf" -Lf "$T/snmpd.log" -p "$T/snmpd.pid"
in_ns "$build/agent/cimrouted" -x "$T/agentx.sock" -S "$T/state" -Lf "$T/cimrouted.log" -p "$T/cimrouted.pid"
erl=$(ls -d /usr/lib/erlang/lib/snmp-*/mibs | head -1)
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

say "the rest of CIM-ROUTE-MIB (persisted routes, ActiveRoute, events, adapters, ping) is defined; later issues serve it"
MIBDIRS="$src/mibs:$erl" snmptranslate -m CIM-ROUTE-MIB -Tp CIM-ROUTE-MIB::cimRouteObjects 2>/dev/null | grep -E -- '--cim[A-Za-z0-9]*Table\('

say "done: the namespace, snmpd and cimrouted are removed"
