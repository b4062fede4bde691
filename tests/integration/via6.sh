#!/bin/bash
# via6.sh - IPv4 routes through an IPv6 gateway (RFC 5549, RTA_VIA).
#
# `ip route add 10.61.0.0/24 via inet6 2001:db8:61::1 dev va` has no IPv4 next hop: its row has
# NextHop 0.0.0.0 in the index and the gateway in cimIP4RouteNextHopAddressType (ipv6(2)) and
# cimIP4RouteNextHopAddress (16 octets); an IPv4 gateway reads ipv4(1) and 4 octets, a route
# without gateway unknown(0) and "". Cases, each compared row by row, column by column with
# `ip -j -d route` (route_rows.py, which models RTA_VIA) within 2 s:
#   1. loaded at start: a global and a link-local IPv6 gateway (with src)
#   2. multipath with RTA_VIA in the hops, mixed with an IPv4 gateway; two hops through
#      different IPv6 gateways on one device share an index: the row is the first hop's
#   3. a nexthop object with an IPv6 gateway, alone and in a group (nexthop_compat_mode 0
#      where the kernel has it: the route then names the object only)
#   4. the gateway replaced: the same row (same index) shows the new one; the history table
#      records the change under that index, kind changed(3)
#   5. SET destroy of a route through an IPv6 gateway that shares its index with a direct
#      route appended after it: the kernel deletes that route (RTA_VIA), not the other
#   6. deletions: the rows go
#   7. (run before 6) a persisted IPv4 row via 0.0.0.0 at the destination and metric of the
#      route through fe80::1: noCreation, kernel and state file unchanged
# Both daemons alive after every case.

. "$(dirname "$0")/lib.sh"
itest_init via6
veth va vb 192.0.2.100/24 198.51.100.100/24 || bail_out "cannot build the veth topology"
nsx ip -6 addr add 2001:db8:61::100/64 dev va nodad &&
	nsx ip -6 addr add 2001:db8:62::100/64 dev vb nodad || bail_out "cannot add IPv6 addresses"
nsx ip route add 10.61.0.0/24 via inet6 2001:db8:61::1 dev va 2>"$T/via.err" ||
	skip_all "the kernel refuses IPv4 routes through IPv6 gateways: $(cat "$T/via.err")"
nsx ip route add 10.62.0.0/24 via inet6 fe80::1 dev vb src 198.51.100.100 metric 5 ||
	bail_out "cannot add a route through a link-local IPv6 gateway"
COMPAT=1
if nsx ip nexthop add id 61 via fe80::9 dev va 2>/dev/null; then
	nsx sysctl -qw net.ipv4.nexthop_compat_mode=0 2>/dev/null &&
		[ "$(nsx cat /proc/sys/net/ipv4/nexthop_compat_mode)" = 0 ] && COMPAT=0
else
	COMPAT=none
fi
diag "nexthop objects: compat mode $COMPAT (none: not in this kernel)"
write_cimrouted_conf "routeTables main" "resyncInterval 0"
start_agents

E=.1.3.6.1.4.1.32473.1.1.4
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$@" 2>&1; }
num() { get_val "$1" | sed -n 's/^[A-Za-z0-9-]*: *//p'; }
# The checks read the walk of the last comparison (few processes: the machine is shared).
IF_VA=$(nsx cat /sys/class/net/va/ifindex) IF_VB=$(nsx cat /sys/class/net/vb/ifindex)
# ix DST NEXTHOP IFINDEX METRIC: the index of a /24 row of the main table
ix() { echo "$1.255.255.255.0.$2.$3.254.0.$4"; }
# walked WALK COL INDEX: the value of a column of a row in a walk ("" for an empty string)
walked() {
	sed -n "s/^$OID_ENTRY\.$2\.$3 = //p" "$T/$1.walk" | sed 's/^[A-Za-z0-9-]*: *//; s/^""$//; s/ *$//' |
		tr A-F a-f | tr -d ' '
}
# gateway_is TEXT WALK INDEX TYPE ADDRESS_HEX: NextHopAddressType and NextHopAddress of a row
gateway_is() { is "$(walked "$2" 25 "$3") $(walked "$2" 26 "$3")" "$4 $5" "$1"; }
desc() { get_str "$OID_ENTRY.10.$1"; }
# the gateways, as hex octets
G61_1=20010db8006100000000000000000001 G61_2=20010db8006100000000000000000002
FE80=fe80000000000000000000000000000

# ------------------------------------------------------------------ 1. at start
wait_compare 2 "1. loaded at start: routes through IPv6 gateways, NextHop 0.0.0.0" via0
IX61=$(ix 10.61.0.0 0.0.0.0 $IF_VA 0)
IX62=$(ix 10.62.0.0 0.0.0.0 $IF_VB 5)
gateway_is "1. a global IPv6 gateway: ipv6(2) and its 16 octets" via0 "$IX61" 2 $G61_1
gateway_is "1. a link-local IPv6 gateway: ipv6(2), fe80::1 (on the row's interface)" via0 "$IX62" 2 ${FE80}1
gateway_is "1. a direct route: unknown(0) and no octets" via0 "$(ix 192.0.2.0 192.0.2.100 $IF_VA 0)" 0 ""
is "$(walked via0 21 "$IX61")" 4 "1. Type indirect(4)"
d=$(desc "$IX62")
case $d in "10.62.0.0/24 via inet6 fe80::1 dev vb "*" src 198.51.100.100 metric 5"*) ok "1. Description as ip route: $d" ;;
*) not_ok "1. Description as ip route"; diag "got: $d" ;; esac
both_alive "1. loaded at start"

# ------------------------------------------------------------------ 2, 3. multipath, objects
nsx ip route add 10.63.0.0/24 nexthop via inet6 2001:db8:61::3 dev va nexthop via 198.51.100.1 dev vb \
	nexthop via inet6 fe80::3 dev vb || not_ok "2. cannot add the multipath route"
nsx ip route add 10.64.0.0/24 nexthop via inet6 fe80::4 dev va nexthop via inet6 fe80::5 dev va ||
	not_ok "2. cannot add the multipath route with twins"
if [ "$COMPAT" != none ]; then
	nsx ip nexthop add id 62 via fe80::a dev vb && nsx ip nexthop add id 63 via 192.0.2.1 dev va &&
		nsx ip nexthop add id 70 group 62/63,3 && nsx ip route add 10.65.0.0/24 nhid 61 &&
		nsx ip route add 10.66.0.0/24 nhid 70 || not_ok "3. cannot add the objects' routes"
fi
wait_compare 2 "2, 3. multipath routes with RTA_VIA hops, routes through objects (compat mode $COMPAT)" via2
gateway_is "2. the IPv4 hop of the mixed route: ipv4(1)" via2 "$(ix 10.63.0.0 198.51.100.1 $IF_VB 0)" 1 c6336401
gateway_is "2. its IPv6 hop on vb" via2 "$(ix 10.63.0.0 0.0.0.0 $IF_VB 0)" 2 ${FE80}3
gateway_is "2. twin hops on one device: one row, the first hop's gateway" via2 \
	"$(ix 10.64.0.0 0.0.0.0 $IF_VA 0)" 2 ${FE80}4
if [ "$COMPAT" != none ]; then
	gateway_is "3. the object's IPv6 gateway" via2 "$(ix 10.65.0.0 0.0.0.0 $IF_VA 0)" 2 ${FE80}9
	gateway_is "3. the group's IPv6 member" via2 "$(ix 10.66.0.0 0.0.0.0 $IF_VB 0)" 2 ${FE80}a
else
	skip "3. routes through nexthop objects with IPv6 gateways" "no nexthop objects in this kernel"
fi
both_alive "2, 3. multipath and nexthop objects"

# ------------------------------------------------------------------ 4. gateway replaced
nsx ip route replace 10.61.0.0/24 via inet6 2001:db8:61::2 dev va
wait_compare 2 "4. the gateway replaced" via4
gateway_is "4. the same row shows the new gateway" via4 "$IX61" 2 $G61_2
seq=$(num "$E.5.0")
is "$(snmp_get "$E.3.1."{3,4,6,7}".$seq" 2>&1 | sed 's/^[^=]*= [A-Za-z0-9-]*: *//' | tr '\n' ' ')" \
	"3 10.61.0.0 0.0.0.0 $IF_VA " \
	"4. the history records the change under the row's index: changed(3), 10.61.0.0, NextHop 0.0.0.0, va"
both_alive "4. gateway replaced"

# ------------------------------------------------------------------ 5. SET destroy
nsx ip route append 10.61.0.0/24 dev va
wait_compare 2 "5. a direct route appended with the same index: the row stays the first route's" via5
out=$(setw "$OID_ENTRY.24.$IX61" i 6)
result $? "5. destroy of the row through the IPv6 gateway succeeds"
[ $? -eq 0 ] || diag "$out"
is "$(nsx ip -4 route show 10.61.0.0/24 | sed 's/ *$//')" "10.61.0.0/24 dev va scope link" \
	"5. the kernel deleted the route through 2001:db8:61::2, and kept the direct one"
direct_row() { [ "$(num "$OID_ENTRY.25.$IX61") $(num "$OID_ENTRY.21.$IX61")" = "0 3" ]; }
wait_until 2 direct_row
result $? "5. the row is now the direct route's: unknown(0), direct(3)"
both_alive "5. SET destroy"

# ------------------------------------------------------------------ 7. no persisted row via 0.0.0.0
# A persisted IPv4 row "via 0.0.0.0" names no interface: refused (noCreation), so it cannot adopt
# the route through fe80::1 (10.62.0.0/24 metric 5), which it could never install again.
snap() { nsx ip -j -d -4 route show table all; cat "$T/state/persisted-routes" 2>/dev/null; }
refused noCreation "7. a persisted row 10.62.0.0/24 via 0.0.0.0 metric 5" \
	.1.3.6.1.4.1.32473.1.1.2.3.1.12.10.62.0.0.255.255.255.0.0.0.0.0.5 i 4
both_alive "7. persisted row via 0.0.0.0"

# ------------------------------------------------------------------ 6. deletions
nsx ip route del 10.62.0.0/24 metric 5 && nsx ip route del 10.64.0.0/24 && nsx ip route del 10.63.0.0/24 ||
	not_ok "6. cannot delete the routes"
wait_compare 2 "6. routes through IPv6 gateways deleted" via6
is "$(row_state "$IX62")" absent "6. the link-local gateway's row is gone"
both_alive "6. deletions"
done_testing
