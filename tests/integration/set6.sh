#!/bin/bash
# set6.sh - SETs on cimIP6RouteTable (issue 11, write side): create, change the metric
# of and delete IPv6 routes with real snmpset, the refusals and their statuses, and a
# SET across both families that fails as a whole.
#
# Topology: veth va/vb, 192.0.2.100/24 and 2001:db8:1::100/64 on va.
# Cases:
#   a. createAndGo 2001:db8:10::/48 via 2001:db8:1::1 metric 10: in the kernel, proto 252
#   b. Metric1 30: the route moves to metric 30; destroy: gone
#   c. a link-local next hop with its interface: via fe80::1 dev va; destroy
#  c2. createAndWait: the row reads notInService and is not in the kernel; active installs it
#   d. a blackhole route added by hand (proto boot): metric change and destroy
#   e. refusals, each leaving both kernel tables unchanged: prefix length 129 (wrongValue),
#      host bits (inconsistentValue), unreachable next hop, a link-local next hop without
#      an interface, metric 0 (noCreation), a bgp route (notWritable), one hop of a
#      multipath route (notWritable)
#   f. one SET with a good IPv4 row and an IPv6 row that fails: inconsistentValue, and
#      `ip -4/-6 route show table all` byte-identical before and after
# Both daemons alive at the end.

. "$(dirname "$0")/lib.sh"
itest_init set6
veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
nsx ip -6 addr add 2001:db8:1::100/64 dev va nodad || bail_out "cannot add the IPv6 address"
write_cimrouted_conf "routeTables main"
start_agents

IFA=$(nsx cat /sys/class/net/va/ifindex)
LO=$(nsx cat /sys/class/net/lo/ifindex)
E6=.1.3.6.1.4.1.32473.1.1.8.3.1 # cimIP6RouteEntry
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$@" 2>&1; }
# subs ADDR: the address as 16 sub-identifiers
subs() { python3 -c 'import ipaddress,sys; print(".".join(str(b) for b in ipaddress.IPv6Address(sys.argv[1]).packed))' "$1"; }
# idx6 DST PLEN NEXTHOP IFINDEX METRIC: the 53 sub-identifiers (table main, no source prefix)
idx6() { echo "$(subs "$1").$2.$(subs "$3").$4.254.$5.$(subs ::).0"; }
snap() { nsx ip -4 route show table all; nsx ip -6 route show table all; }
show6() { nsx ip -6 route show "$@"; }
in_mirror() { snmp_get "$E6.19.$1" 2>/dev/null | grep -q INTEGER; }

# ------------------------------------------------------------------ a. create
R=$(idx6 2001:db8:10:: 48 2001:db8:1::1 "$IFA" 10)
out=$(setw "$E6.22.$R" i 4)
result $? "a. createAndGo succeeds" || diag "$out"
is "$(show6 2001:db8:10::/48)" "2001:db8:10::/48 via 2001:db8:1::1 dev va proto 252 metric 10 pref medium" \
	"a. the kernel has the route, proto 252"
wait_until 5 in_mirror "$R"
result $? "a. the row is served"

# ------------------------------------------------------------------ b. metric, destroy
out=$(setw "$E6.19.$R" i 30)
result $? "b. Metric1 30 succeeds" || diag "$out"
is "$(show6 2001:db8:10::/48)" "2001:db8:10::/48 via 2001:db8:1::1 dev va proto 252 metric 30 pref medium" \
	"b. the route moved to metric 30"
R30=$(idx6 2001:db8:10:: 48 2001:db8:1::1 "$IFA" 30)
wait_until 5 in_mirror "$R30"
out=$(setw "$E6.22.$R30" i 6)
result $? "b. destroy succeeds" || diag "$out"
is "$(show6 2001:db8:10::/48)" "" "b. the route is gone"

# ------------------------------------------------------------------ c. link-local next hop
R=$(idx6 2001:db8:11:: 48 fe80::1 "$IFA" 5)
out=$(setw "$E6.22.$R" i 4)
result $? "c. createAndGo via fe80::1 dev va succeeds" || diag "$out"
is "$(show6 2001:db8:11::/48)" "2001:db8:11::/48 via fe80::1 dev va proto 252 metric 5 pref medium" \
	"c. the kernel has the link-local route"
wait_until 5 in_mirror "$R"
out=$(setw "$E6.22.$R" i 6)
result $? "c. destroy succeeds" || diag "$out"
is "$(show6 2001:db8:11::/48)" "" "c. the route is gone"

# ------------------------------------------------------------------ c2. createAndWait, active
R=$(idx6 2001:db8:15:: 48 2001:db8:1::1 "$IFA" 15)
out=$(setw "$E6.22.$R" i 5)
result $? "c2. createAndWait succeeds" || diag "$out"
is "$(snmp_get "$E6.22.$R" 2>&1 | sed 's/.*= //')" "INTEGER: 2" "c2. the waiting row reads notInService(2)"
is "$(show6 2001:db8:15::/48)" "" "c2. the kernel does not have it yet"
out=$(setw "$E6.22.$R" i 1)
result $? "c2. active succeeds" || diag "$out"
is "$(show6 2001:db8:15::/48)" "2001:db8:15::/48 via 2001:db8:1::1 dev va proto 252 metric 15 pref medium" \
	"c2. active installs the route"
wait_until 5 in_mirror "$R"
setw "$E6.22.$R" i 6 >/dev/null

# ------------------------------------------------------------------ d. blackhole
nsx ip -6 route add blackhole 2001:db8:12::/48 metric 7 || bail_out "cannot add the blackhole"
R=$(idx6 2001:db8:12:: 48 :: "$LO" 7)
wait_until 5 in_mirror "$R"
out=$(setw "$E6.19.$R" i 8)
result $? "d. Metric1 8 on a blackhole route succeeds" || diag "$out"
is "$(show6 table all 2001:db8:12::/48)" "blackhole 2001:db8:12::/48 dev lo metric 8 pref medium" \
	"d. the blackhole route moved to metric 8"
R=$(idx6 2001:db8:12:: 48 :: "$LO" 8)
wait_until 5 in_mirror "$R"
out=$(setw "$E6.22.$R" i 6)
result $? "d. destroy of the blackhole succeeds" || diag "$out"
is "$(show6 table all 2001:db8:12::/48)" "" "d. the blackhole is gone"

# ------------------------------------------------------------------ e. refusals
refused wrongValue "prefix length 129" "$E6.22.$(idx6 2001:db8:20:: 129 2001:db8:1::1 "$IFA" 10)" i 4
refused inconsistentValue "host bits set" "$E6.22.$(idx6 2001:db8:20::1 48 2001:db8:1::1 "$IFA" 10)" i 4
refused inconsistentValue "next hop on no subnet of the interface" \
	"$E6.22.$(idx6 2001:db8:20:: 48 2001:db8:99::1 "$IFA" 10)" i 4
refused inconsistentValue "a link-local next hop without an interface" \
	"$E6.22.$(idx6 2001:db8:20:: 48 fe80::1 0 10)" i 4
refused noCreation "metric 0" "$E6.22.$(idx6 2001:db8:20:: 48 2001:db8:1::1 "$IFA" 0)" i 4
nsx ip -6 route add 2001:db8:13::/48 via 2001:db8:1::1 dev va proto bgp metric 3
R=$(idx6 2001:db8:13:: 48 2001:db8:1::1 "$IFA" 3)
wait_until 5 in_mirror "$R"
refused notWritable "a bgp route" "$E6.22.$R" i 6
nsx ip -6 route add 2001:db8:14::/48 proto static metric 4 \
	nexthop via 2001:db8:1::1 dev va nexthop via 2001:db8:1::2 dev va
R=$(idx6 2001:db8:14:: 48 2001:db8:1::2 "$IFA" 4)
wait_until 5 in_mirror "$R"
refused notWritable "one hop of a multipath route" "$E6.22.$R" i 6

# ------------------------------------------------------------------ f. both families, all or nothing
R4=10.9.0.0.255.255.0.0.192.0.2.1.$IFA.254.0.20
refused inconsistentValue "a good IPv4 row and an IPv6 row with an unreachable next hop" \
	"$OID_ENTRY.24.$R4" i 4 "$E6.22.$(idx6 2001:db8:21:: 48 2001:db8:99::1 "$IFA" 10)" i 4
refused inconsistentValue "a good IPv6 row and an IPv4 row with host bits" \
	"$E6.22.$(idx6 2001:db8:21:: 48 2001:db8:1::1 "$IFA" 10)" i 4 \
	"$OID_ENTRY.24.10.9.0.1.255.255.0.0.192.0.2.1.$IFA.254.0.20" i 4

both_alive "the IPv6 SETs"
done_testing
