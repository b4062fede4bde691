#!/bin/bash
# cimq_write.sh - cimq's writes (PutInstance, DeleteInstance as WQL-like statements, issue 15).
#
# CREATE / UPDATE / DELETE of a live route (Win32_IP4RouteTable) and CREATE / DELETE of a
# persisted route (Win32_IP4PersistedRouteTable), each checked against the kernel (ip -j route)
# and, for the persisted route, the state file; a refusal (a next hop no link reaches): exit 7,
# the SNMP error named as snmpset names it for the same createAndGo, the WMI return value
# printed, nothing changed in the kernel; a write with the read-only community: refused (exit
# 5 or 7, never 0), nothing changed. Both daemons alive after.

. "$(dirname "$0")/lib.sh"
itest_init cimqwr
. "$ITDIR/cimq_lib.sh"
cimq_require

veth va vb 192.0.2.100/24 || bail_out "cannot build the veths"
start_snmpd || bail_out "snmpd did not start"
start_cimrouted
wait_registered 10 || bail_out "cimrouted did not register"
IFA=$(nsx cat /sys/class/net/va/ifindex)
# w COMMUNITY WQL: cimq with stdout/stderr in $T/w.out, $T/w.err; sets RC
w() {
	cq -v2c -c "$1" -t 10 -r 0 "$AGENT" "$2" >"$T/w.out" 2>"$T/w.err"
	RC=$?
}
# kr DST: "gateway dev metric protocol" of the kernel's route DST in table main, or empty
kr() { nsx ip -j -4 route show table main "$1" | jq -r '.[] | "\(.gateway) \(.dev) \(.metric // 0) \(.protocol)"'; }
snap() { nsx ip -4 route show table all; cat "$T/state/persisted-routes" 2>/dev/null; }
wrote() { # TEXT: exit 0 and stdout names WMI's return value 0
	if [ "$RC" -eq 0 ] && grep -qw 0 "$T/w.out"; then ok "$1"; else
		not_ok "$1 (exit $RC)"; diag "stdout: $(head -c 300 "$T/w.out")" "stderr: $(head -c 400 "$T/w.err")"; fi
}

# ---------------------------------------------------------------- a live route
# the issue's own example: WMI's keys and Metric1 only (table main, TOS 0 and the metric implied)
w private "CREATE Win32_IP4RouteTable SET Destination='10.1.0.0', Mask='255.255.0.0', NextHop='192.0.2.1', InterfaceIndex=$IFA, Metric1=10"
wrote "CREATE Win32_IP4RouteTable with the WMI keys and Metric1 only (table main, TOS 0, metric Metric1)"
is "$(kr 10.1.0.0/16)" "192.0.2.1 va 10 252" "the kernel has the route (via, dev, metric, protocol 252)"
w private "UPDATE Win32_IP4RouteTable SET Metric1=20 WHERE Destination='10.1.0.0' AND Mask='255.255.0.0'"
wrote "UPDATE Win32_IP4RouteTable SET Metric1"
is "$(kr 10.1.0.0/16)" "192.0.2.1 va 20 252" "the kernel's route has the new metric, and only it"
w private "DELETE FROM Win32_IP4RouteTable WHERE Destination='10.1.0.0' AND Mask='255.255.0.0'"
wrote "DELETE FROM Win32_IP4RouteTable"
is "$(kr 10.1.0.0/16)" "" "the route is gone from the kernel"

# ---------------------------------------------------------------- a persisted route
w private "CREATE Win32_IP4PersistedRouteTable SET Destination='10.50.0.0', Mask='255.255.0.0', NextHop='192.0.2.1', Metric1=3"
wrote "CREATE Win32_IP4PersistedRouteTable"
is "$(kr 10.50.0.0/16)" "192.0.2.1 va 3 252" "the kernel has the persisted route"
grep -q '^10.50.0.0/16 via 192.0.2.1 metric 3' "$T/state/persisted-routes" 2>/dev/null &&
	ok "the state file has its line" || { not_ok "the state file has its line"; diag "$(cat "$T/state/persisted-routes" 2>&1)"; }
w private "DELETE FROM Win32_IP4PersistedRouteTable WHERE Destination = '10.50.0.0'"
wrote "DELETE FROM Win32_IP4PersistedRouteTable"
is "$(kr 10.50.0.0/16)" "" "the persisted route is gone from the kernel"
grep -q '^10.50.0.0/16' "$T/state/persisted-routes" 2>/dev/null && not_ok "its line is gone from the state file" ||
	ok "its line is gone from the state file"

# ---------------------------------------------------------------- refusals
# the truth: the same createAndGo with snmpset, and the error it names
ix=10.2.0.0.255.255.0.0.203.0.113.1.$IFA.254.0.10
before=$(snap)
want=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$OID_ENTRY.24.$ix" i 4 2>&1 | sed -n 's/^Reason: \([A-Za-z]*\).*/\1/p')
[ -n "$want" ] || diag "snmpset was not refused"
w private "CREATE Win32_IP4RouteTable SET Destination='10.2.0.0', Mask='255.255.0.0', NextHop='203.0.113.1', InterfaceIndex=$IFA, Metric1=10, KernelTable=254, Tos=0, KernelMetric=10"
after=$(snap)
if [ "$RC" -eq 7 ] && [ -n "$want" ] && grep -qi "$want" "$T/w.err" "$T/w.out" && [ "$before" == "$after" ]; then
	ok "refused CREATE: exit 7, names $want (as snmpset), nothing changed"
else
	not_ok "refused CREATE: exit 7, names ${want:-the error} (as snmpset), nothing changed (exit $RC)"
	diag "stderr: $(head -c 400 "$T/w.err")"
	[ "$before" == "$after" ] || diff <(echo "$before") <(echo "$after") | diag
fi
before=$(snap)
w public "CREATE Win32_IP4RouteTable SET Destination='10.3.0.0', Mask='255.255.0.0', NextHop='192.0.2.1', InterfaceIndex=$IFA, Metric1=10, KernelTable=254, Tos=0, KernelMetric=10"
after=$(snap)
if { [ "$RC" -eq 5 ] || [ "$RC" -eq 7 ]; } && [ "$before" == "$after" ]; then
	ok "CREATE with the read-only community refused (exit $RC), nothing changed"
else
	not_ok "CREATE with the read-only community refused, nothing changed (exit $RC)"
	diag "stderr: $(head -c 400 "$T/w.err")"
fi
both_alive "writes"
done_testing
