#!/bin/bash
# gateways.sh - SetGateways() through cimAdapterCfgGatewayTable (issue 13).
#
# A namespace with two veth pairs (a0: 10.10.0.1/24 and 2001:db8:10::1/64, its peer b0 on the same
# subnet with 10.10.0.2/24; a1: 10.30.0.2/24)
# and a default route that cimrouted did not make (proto static, via 10.10.0.254 metric 100).
# Through snmpset, checked with `ip route`, the state files and the table itself:
#   a. createAndGo of an IPv4 gateway (nonVolatile by DEFVAL): the default route via it on the
#      interface with the index's metric, proto cimrouted; a line in persisted-routes; the row
#      reads StorageType nonVolatile(3) and its RowPointer names the route's row
#   b. a volatile(2) gateway: installed, not in the state file, reads volatile(2)
#   c. an IPv6 link-local gateway: the ::/0 route via fe80::1 dev a0; persisted-routes6
#   d. the gateways replaced in one SET (destroy the old, create the new)
#   e. destroying a default route cimrouted did not make (proto static: writableProtocols)
#   f. refusals, each changing neither the kernel nor the state files: a gateway on no subnet
#      of the interface, one that exists, metric 0 and 10000 (WMI's 1 to 9999), six new gateways
#      of one interface in one SET (WMI: at most 5), one at the interface's own link-local
#      address, createAndWait, a RowStatus of the wrong type (invalidParameter(68) recorded),
#      an interface that does not exist or is down (71), an index of the wrong length,
#      StorageType other(1)
#   g. all or nothing: a new gateway and a bad cimIP4RouteTable row in one SET: neither
#   LastMethod/LastResult of the interface: setGateways(23) and the code of the outcome
#   h. a restart of cimrouted with the nonVolatile gateway deleted meanwhile: installed again
#   i. SetIPConnectionMetric: a static default route moved whole (its mtu kept), refusals: a
#      persisted gateway (80), a metric another interface's default route has, or a blackhole
#      or IPv6 unreachable default route, no default (94)
# Both daemons alive after each case.

. "$(dirname "$0")/lib.sh"
itest_init gw
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

OID_GW=.1.3.6.1.4.1.32473.1.1.6.5.1
OID_ROUTE=.1.3.6.1.4.1.32473.1.1.1.3.1
OID_CFG=.1.3.6.1.4.1.32473.1.1.6.3.1
STATE=$T/state/persisted-routes
STATE6=$T/state/persisted-routes6

veth a0 b0 && veth a1 b1 && veth a2 b2 || bail_out "cannot build the veth topology"
# b0, a0's peer, in the same namespace and on the same subnet: a gateway's route must still go
# through the interface its row names
nsx ip addr add 10.10.0.1/24 dev a0 && nsx ip addr add 10.10.0.2/24 dev b0 &&
	nsx ip -6 addr add 2001:db8:10::1/64 dev a0 nodad &&
	nsx ip -6 addr add fe80::a0/64 dev a0 nodad &&
	nsx ip addr add 10.30.0.2/24 dev a1 &&
	nsx ip addr add 10.40.0.2/24 dev a2 && nsx ip link set a2 down &&
	nsx ip route add default via 10.10.0.254 dev a0 metric 100 proto static ||
	bail_out "cannot configure the links"
A0=$(nsx cat /sys/class/net/a0/ifindex) A1=$(nsx cat /sys/class/net/a1/ifindex)
A2=$(nsx cat /sys/class/net/a2/ifindex)

write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
start_cimrouted
wait_registered 20

setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -r 0 "$AGENT" "$@" 2>&1; }
# the default routes of both families and the state files
snap() {
	nsx ip route show default table main
	nsx ip -6 route show default table main
	cat "$STATE" "$STATE6" 2>/dev/null | grep -v '^#'
}
# gw4 IFINDEX A.B.C.D METRIC / gw6 IFINDEX ADDR METRIC: the row's index
gw4() { echo "$1.1.4.${2//./.}.$3"; }
gw6() {
	local hex
	hex=$(python3 -c 'import ipaddress,sys; print(".".join(str(b) for b in ipaddress.ip_address(sys.argv[1]).packed))' "$2")
	echo "$1.2.16.$hex.$3"
}
has_route() { nsx ip "${@:2}" route show default table main | grep -qF "$1"; }

# ---------------------------------------------------------------- a. an IPv4 gateway
ix=$(gw4 "$A0" 10.10.0.253 10)
out=$(setw "$OID_GW.6.$ix" i 4)
result $? "a. createAndGo of gateway 10.10.0.253 metric 10 on a0 is accepted" || diag "$out"
has_route "default via 10.10.0.253 dev a0 proto 252 metric 10" -4
result $? "a. the kernel has the default route via 10.10.0.253 dev a0 metric 10, proto cimrouted" ||
	diag "$(nsx ip route show default)"
grep -q '^0.0.0.0/0 via 10.10.0.253 dev a0 metric 10' "$STATE"
result $? "a. the state file keeps it" || diag "$(cat "$STATE" 2>&1)"
is "$(get_val "$OID_GW.5.$ix")" "INTEGER: 3" "a. the row reads StorageType nonVolatile(3)"
ptr=$(get_val "$OID_GW.4.$ix")
is "$(get_val "${ptr#OID: }" | sed 's/:.*//')" "INTEGER" "a. its RowPointer names a cimIP4RouteTable row (Age)"
is "$(get_val "$OID_GW.5.$(gw4 "$A0" 10.10.0.254 100)")" "INTEGER: 1" "a. the static default route reads StorageType other(1)"
is "$(get_val "$OID_CFG.24.$A0") $(get_val "$OID_CFG.25.$A0")" "INTEGER: 23 INTEGER: 0" \
	"a. a0's cimAdapterCfgLastMethod is setGateways(23), LastResult 0"
both_alive "a. an IPv4 gateway"

# ---------------------------------------------------------------- b. volatile
ixv=$(gw4 "$A0" 10.10.0.252 20)
out=$(setw "$OID_GW.5.$ixv" i 2 "$OID_GW.6.$ixv" i 4)
result $? "b. createAndGo of a volatile(2) gateway is accepted" || diag "$out"
has_route "default via 10.10.0.252 dev a0 proto 252 metric 20" -4
result $? "b. the kernel has it"
! grep -q '10.10.0.252' "$STATE"
result $? "b. the state file does not"
is "$(get_val "$OID_GW.5.$ixv")" "INTEGER: 2" "b. the row reads StorageType volatile(2)"

# ---------------------------------------------------------------- c. IPv6
ix6=$(gw6 "$A0" fe80::1 5)
out=$(setw "$OID_GW.6.$ix6" i 4)
result $? "c. createAndGo of the IPv6 gateway fe80::1 metric 5 on a0 is accepted" || diag "$out"
has_route "default via fe80::1 dev a0 proto 252 metric 5" -6
result $? "c. the kernel has ::/0 via fe80::1 dev a0 metric 5" || diag "$(nsx ip -6 route show default)"
grep -q 'fe80::1' "$STATE6"
result $? "c. persisted-routes6 keeps it" || diag "$(cat "$STATE6" 2>&1)"
is "$(get_val "$OID_GW.5.$ix6")" "INTEGER: 3" "c. the row reads StorageType nonVolatile(3)"
both_alive "c. IPv6"

# ---------------------------------------------------------------- d. replace in one SET
ixn=$(gw4 "$A0" 10.10.0.251 10)
out=$(setw "$OID_GW.6.$ix" i 6 "$OID_GW.6.$ixv" i 6 "$OID_GW.6.$ixn" i 4)
result $? "d. one SET destroys two gateways and creates one" || diag "$out"
! has_route 10.10.0.253 -4 && ! has_route 10.10.0.252 -4 && has_route "default via 10.10.0.251 dev a0 proto 252 metric 10" -4
result $? "d. the kernel has the new gateway only" || diag "$(nsx ip route show default)"
! grep -q '10.10.0.253' "$STATE" && grep -q '10.10.0.251' "$STATE"
result $? "d. and so has the state file" || diag "$(cat "$STATE")"

# ---------------------------------------------------------------- e. a route cimrouted did not make
out=$(setw "$OID_GW.6.$(gw4 "$A0" 10.10.0.254 100)" i 6)
result $? "e. destroying the static default route is accepted" || diag "$out"
! has_route 10.10.0.254 -4
result $? "e. it left the kernel"
both_alive "e. a static default route"

# ---------------------------------------------------------------- f. refusals
refused inconsistentValue "f. a gateway on no subnet of the interface (10.30.0.1 on a0)" \
	"$OID_GW.6.$(gw4 "$A0" 10.30.0.1 10)" i 4
refused inconsistentValue "f. a gateway that exists" "$OID_GW.6.$ixn" i 4
# Linux refuses it in ACTION ("Gateway can not be a local address"): commitFailed before
refused inconsistentValue "f. an IPv6 gateway at a0's own link-local address fe80::a0" \
	"$OID_GW.6.$(gw6 "$A0" fe80::a0 6)" i 4
refused inconsistentValue "f. metric 0" "$OID_GW.6.$(gw4 "$A0" 10.10.0.9 0)" i 4
refused inconsistentValue "f. metric 10000" "$OID_GW.6.$(gw4 "$A0" 10.10.0.9 10000)" i 4
is "$(get_val "$OID_CFG.25.$A0")" "INTEGER: 90" "f. and LastResult reads parameterOutOfBounds(90)"
six=()
for i in 1 2 3 4 5 6; do six+=("$OID_GW.6.$(gw4 "$A1" 10.30.0.$((10 + i)) $i)" i 4); done
refused inconsistentValue "f. six new gateways of one interface in one SET" "${six[@]}"
refused wrongValue "f. createAndWait" "$OID_GW.6.$(gw4 "$A0" 10.10.0.9 9)" i 5
refused wrongType "f. RowStatus as a Gauge32" "$OID_GW.6.$(gw4 "$A0" 10.10.0.9 9)" u 4
is "$(get_val "$OID_CFG.24.$A0") $(get_val "$OID_CFG.25.$A0")" "INTEGER: 23 INTEGER: 68" \
	"f. ... LastMethod setGateways(23), LastResult invalidParameter(68)"
refused inconsistentValue "f. an interface that does not exist" "$OID_GW.6.$(gw4 999 10.10.0.9 9)" i 4
refused inconsistentValue "f. a gateway of an interface that is down (a2)" "$OID_GW.6.$(gw4 "$A2" 10.40.0.1 10)" i 4
is "$(get_val "$OID_CFG.24.$A2") $(get_val "$OID_CFG.25.$A2")" "INTEGER: 23 INTEGER: 71" \
	"f. ... LastMethod setGateways(23), LastResult invalidGatewayAddress(71)"
# the kernel refuses an IPv6 gateway on a link without IPv6 (EACCES): ipNotEnabled(84), as
# EnableStatic records for the same cause
nsx sysctl -qw net.ipv6.conf.a1.disable_ipv6=1
refused commitFailed "f. an IPv6 gateway on a1, whose IPv6 is disabled" "$OID_GW.6.$(gw6 "$A1" fe80::1 12)" i 4
is "$(get_val "$OID_CFG.24.$A1") $(get_val "$OID_CFG.25.$A1")" "INTEGER: 23 INTEGER: 84" \
	"f. ... LastMethod setGateways(23), LastResult ipNotEnabled(84)"
nsx sysctl -qw net.ipv6.conf.a1.disable_ipv6=0
# below MTU 1280 the link has no IPv6 at all, and the kernel answers ENODEV: ipNotEnabled(84) too
nsx ip link set a1 mtu 1200
refused commitFailed "f. an IPv6 gateway on a1, whose MTU is below 1280" "$OID_GW.6.$(gw6 "$A1" fe80::1 13)" i 4
is "$(get_val "$OID_CFG.24.$A1") $(get_val "$OID_CFG.25.$A1")" "INTEGER: 23 INTEGER: 84" \
	"f. ... LastMethod setGateways(23), LastResult ipNotEnabled(84)"
nsx ip link set a1 mtu 1500
refused noCreation "f. an index of the wrong length" "$OID_GW.6.$A0.1.4.10.10.0.9" i 4
refused wrongValue "f. StorageType other(1)" "$OID_GW.5.$(gw4 "$A0" 10.10.0.9 9)" i 1 \
	"$OID_GW.6.$(gw4 "$A0" 10.10.0.9 9)" i 4
both_alive "f. refusals"

# ---------------------------------------------------------------- g. all or nothing
# The route row's next hop is on no subnet of a1: refused in RESERVE2, so the gateway is not made.
refused inconsistentValue "g. a new gateway with a bad cimIP4RouteTable row in one SET" \
	"$OID_GW.6.$(gw4 "$A1" 10.30.0.1 7)" i 4 \
	"$OID_ROUTE.24.192.0.2.0.255.255.255.0.10.99.0.1.$A1.254.0.0" i 4
both_alive "g. all or nothing"

# ---------------------------------------------------------------- h. restart
stop_cimrouted
nsx ip route del default via 10.10.0.251 dev a0 metric 10
start_cimrouted
wait_registered 20
wait_for has_route "default via 10.10.0.251 dev a0 proto 252 metric 10" -4
result $? "h. after a restart the nonVolatile gateway deleted meanwhile is installed again"
is "$(get_val "$OID_GW.5.$ixn")" "INTEGER: 3" "h. and reads nonVolatile(3)"
both_alive "h. restart"

# ---------------------------------------------------------------- i. SetIPConnectionMetric
# a1's default route (static, with an mtu the move must keep) to metric 50
nsx ip route add default via 10.30.0.1 dev a1 metric 300 proto static mtu 1400
out=$(setw "$OID_CFG.11.$A1" u 50)
result $? "i. SetIPConnectionMetric(50) on a1 is accepted" || diag "$out"
has_route "default via 10.30.0.1 dev a1 proto static metric 50 mtu 1400" -4 && ! has_route "metric 300" -4
result $? "i. the default route moved to metric 50, whole (its mtu kept)" || diag "$(nsx ip route show default)"
is "$(get_val "$OID_CFG.11.$A1") $(get_val "$OID_CFG.24.$A1") $(get_val "$OID_CFG.25.$A1")" \
	"Gauge32: 50 INTEGER: 25 INTEGER: 0" "i. IPConnectionMetric reads 50; LastMethod setIPConnectionMetric(25), 0"
refused inconsistentValue "i. a0's default route is a gateway made here (a persisted row)" "$OID_CFG.11.$A0" u 60
is "$(get_val "$OID_CFG.25.$A0")" "INTEGER: 80" "i. ... LastResult tcpipConfigFailed(80)"
refused inconsistentValue "i. a metric another interface's default route has (10, a0's)" "$OID_CFG.11.$A1" u 10
B0=$(nsx cat /sys/class/net/b0/ifindex)
refused inconsistentValue "i. an interface without a default route" "$OID_CFG.11.$B0" u 10
is "$(get_val "$OID_CFG.25.$B0")" "INTEGER: 94" "i. ... LastResult notFound(94)"
# Linux keeps one default route a metric whatever its type: the move's add would be EEXIST
nsx ip route add blackhole default metric 7 && nsx ip -6 route add unreachable default metric 9 &&
	nsx ip -6 route add default via fe80::1 dev a1 metric 400 proto static ||
	bail_out "cannot add the blackhole, unreachable and a1's IPv6 default routes"
refused inconsistentValue "i. a metric a blackhole default route has (7)" "$OID_CFG.11.$A1" u 7
refused inconsistentValue "i. a metric an IPv6 unreachable default route has (9)" "$OID_CFG.11.$A1" u 9
nsx ip route del blackhole default metric 7 && nsx ip -6 route del unreachable default metric 9 &&
	nsx ip -6 route del default via fe80::1 dev a1 metric 400
both_alive "i. SetIPConnectionMetric"

done_testing
