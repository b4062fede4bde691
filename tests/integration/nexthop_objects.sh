#!/bin/bash
# nexthop_objects.sh - routes that name a nexthop object alone (net.ipv4.nexthop_compat_mode=0).
#
# With compat mode 0 the kernel's route messages carry RTA_NH_ID and no gateway or device, and
# replacing an object announces no route. cimrouted learns the objects (RTM_NEWNEXTHOP), so such
# rows show the object's gateway as NextHop, its device as InterfaceIndex and Type indirect(4),
# and a group gives one row per member. Deleting an object that no route uses causes no re-dump;
# deleting, replacing or shrinking one that routes use does. Pass/fail: after each step the table
# equals `ip -j route` (next hops resolved through `ip -j nexthop`) within 2 s, with the periodic
# re-dump off; rows read by GET; re-dumps counted in cimrouted's `-D cimr:mirror` log.

. "$(dirname "$0")/lib.sh"
itest_init nexthop_objects
veth va vb 192.0.2.100/24 198.51.100.100/24 || bail_out "cannot build the veth topology"
nsx sysctl -qw net.ipv4.nexthop_compat_mode=0 2>/dev/null &&
	[ "$(nsx cat /proc/sys/net/ipv4/nexthop_compat_mode)" = 0 ] ||
	skip_all "no per-namespace net.ipv4.nexthop_compat_mode (Linux 5.8+)"
nsx ip nexthop add id 1 via 192.0.2.1 dev va 2>/dev/null || skip_all "no nexthop objects in this kernel"
# Before the start: the first dump loads these.
nsx ip nexthop add id 2 via 192.0.2.2 dev va &&
	nsx ip nexthop add id 3 via 198.51.100.3 dev vb &&
	nsx ip nexthop add id 10 group 2/3,5 &&
	nsx ip route add 10.80.0.0/24 nhid 1 || bail_out "cannot add the first objects and route"
write_cimrouted_conf "routeTables main" "resyncInterval 0"
start_agents -D cimr:mirror

# redumps: how many re-dumps cimrouted has started so far
redumps() { grep -c 'cimr:mirror: re-dumping$' "$T/cimrouted.log"; }
# type_of DST/LEN NEXTHOP IFNAME: cimIP4RouteType of that row in the main table, metric 0
type_of() { snmp_get "$OID_ENTRY.21.$(index_of "$1" "$2" "$3" 254 0 0)" 2>&1 | sed -n 's/.*INTEGER: //p'; }

STEP=0
step() { # text, commands...
	local text=$1; shift
	"$@" || not_ok "$text: command failed: $*"
	wait_compare 2 "$text" "nho$((++STEP))"
}

wait_compare 2 "loaded at start: a route through an object shows its gateway and device" nho0
is "$(type_of 10.80.0.0/24 192.0.2.1 va)" 4 "its row (NextHop 192.0.2.1, InterfaceIndex of va) is indirect(4)"

step "routes added through an object and a group" sh -c "
	ip netns exec $NS ip route add 10.81.0.0/24 nhid 1 &&
	ip netns exec $NS ip route add 10.82.0.0/24 nhid 10 proto bgp"
is "$(type_of 10.81.0.0/24 192.0.2.1 va) $(type_of 10.82.0.0/24 192.0.2.2 va) $(type_of 10.82.0.0/24 198.51.100.3 vb)" \
	"4 4 4" "the group's route has one indirect(4) row per member, on each member's device"

n0=$(redumps)
step "an object that no route uses, added and deleted" sh -c "
	ip netns exec $NS ip nexthop add id 4 via 192.0.2.4 dev va &&
	ip netns exec $NS ip nexthop replace id 4 via 192.0.2.44 dev va &&
	ip netns exec $NS ip nexthop del id 4"
sleep 0.5
is "$(redumps)" "$n0" "deleting an unused nexthop object causes no re-dump"
grep -q 'nexthop object 4 deleted; no mirrored route uses it' "$T/cimrouted.log"
result $? "cimrouted saw the deletion and found no route through the object"

step "replace an object in use: its routes follow without a route message" \
	nsx ip nexthop replace id 1 via 192.0.2.9 dev va
step "delete a group member: the group's route loses a row" nsx ip nexthop del id 3
n1=$(redumps)
step "delete an object in use: its routes go without a message" nsx ip nexthop del id 1
is "$(row_state "$(index_of 10.80.0.0/24 192.0.2.9 va 254 0 0)")" absent "its row is gone"
[ "$(redumps)" -gt "$n1" ]
result $? "deleting a used nexthop object re-dumps ($n1 re-dumps before, $(redumps) after)"
step "delete the last group member and the group" nsx ip nexthop flush
both_alive "after the nexthop object steps"

# SETs on a route through an object: the kernel finds it by RTA_NH_ID, not by gateway and
# device, so cimrouted changes, deletes and puts it back by the kernel's own description.
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$@" 2>&1; }
nsx ip nexthop add id 20 via 192.0.2.20 dev va
step "a route through object 20, metric 7" nsx ip route add 10.85.0.0/24 nhid 20 metric 7
out=$(setw "$OID_ENTRY.13.$(index_of 10.85.0.0/24 192.0.2.20 va 254 0 7)" i 17)
result $? "a metric change (7 -> 17) of the route through the object succeeds"
[ $? -eq 0 ] || diag "$out"
is "$(nsx ip -4 route show 10.85.0.0/24 | sed 's/ *$//')" "10.85.0.0/24 nhid 20 metric 17" \
	"the route at metric 17 still goes through object 20, the one at metric 7 is gone"
IX17=$(index_of 10.85.0.0/24 192.0.2.20 va 254 0 17)
before=$(nsx ip -4 route show table all)
mkdir "$T/state/persisted-routes.tmp" # a later row of the SET fails: the destroy is undone
out=$(setw "$OID_ENTRY.24.$IX17" i 6 .1.3.6.1.4.1.32473.1.1.2.3.1.12.10.90.0.0.255.255.0.0.192.0.2.1.5 i 4)
echo "$out" | grep -q 'Reason: commitFailed'
result $? "a destroy in a SET that fails later: commitFailed"
is "$(nsx ip -4 route show table all)" "$before" "the route through object 20 is back, byte-identical"
rmdir "$T/state/persisted-routes.tmp"
out=$(setw "$OID_ENTRY.24.$IX17" i 6)
result $? "destroy of the route through the object succeeds"
is "$(nsx ip -4 route show 10.85.0.0/24)" "" "and the route is gone"
both_alive "after the SETs on a route through an object"
done_testing
