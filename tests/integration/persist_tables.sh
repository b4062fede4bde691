#!/bin/bash
# persist_tables.sh - persisted routes when routeTables leaves out main (issue 10, section 5).
#
# Persisted routes live in the main table; cimrouted mirrors main for them alone when
# routeTables does not name it. The daemon runs with "routeTables 100"; table 100 has a route.
# Topology: veth va/vb, 192.0.2.100/24 on va, so the next hop 192.0.2.1 resolves to va.
# Cases:
#   a. createAndGo of a persisted row: the kernel has the route in main (proto 252); within
#      5 s the row reads Status "OK" and ApplyError "", the active row exists (count 1), its
#      SystemElement names the live route's cimIP4RouteTable row (Age column, table 254 in
#      the index), which is not served here (noSuchInstance, as the MIB says).
#   b. cimIP4RouteTable still shows only table 100: every row of a walk has table 100 in its
#      index, and the count scalar matches the walk.
#   c. a restart (SIGKILL) with the route still in the kernel: the row reads OK and is
#      active again, and over more than the apply retry period (30 s) the log shows no
#      install attempt at all (no "cannot install persisted route", no EEXIST); a route
#      added to table 100 meanwhile (which asks the writer to apply soon) changes nothing.
#   d. SIGKILL, the route deleted by hand, restart: cimrouted installs it again (within 5 s
#      of the registration), the row reads OK.
#   e. destroy: the row, the active row and the kernel route are gone at once.
#   f. adoption reads the main table too: createAndGo of a static route already in main is
#      adopted (Status OK, active; destroy leaves the route), of a bgp route refused with
#      notWritable (the kernel unchanged).
#   g. the same for a persisted IPv6 row (cimIP6PersistedRouteTable), through the private
#      mirror of the IPv6 main table: installed in main (proto 252), Status OK, the active
#      row's SystemElement names the live row of cimIP6RouteTable (table 254 in its index),
#      not served here (noSuchInstance); destroy removes the route.
# Pass/fail: each TAP line as described; both daemons alive after every case.
# Before the fix (one mirror of routeTables' tables only) a, c, d, e and f fail: the row never
# reads OK, the retry hits EEXIST, destroy leaves the kernel route behind, adoption fails.

. "$(dirname "$0")/lib.sh"
itest_init ptables

OID_OBJ=.1.3.6.1.4.1.32473.1.1
P_COUNT=$OID_OBJ.2.1.0
P_ENTRY=$OID_OBJ.2.3.1
A_COUNT=$OID_OBJ.3.1.0
A_ENTRY=$OID_OBJ.3.3.1
RETRY_S=30 # APPLY_RETRY_MS in route/writer.c

veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
nsx ip route add 10.90.0.0/16 via 192.0.2.1 table 100 || bail_out "cannot add a route to table 100"
write_cimrouted_conf "routeTables 100"
start_agents

R=10.60.0.0/16 NH=192.0.2.1 M=9
IX=$(python3 -c "import ipaddress; print(ipaddress.IPv4Network('0.0.0.0/16').netmask)")
IX=10.60.0.0.$IX.$NH.$M

pset() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$@" 2>&1; }
kernel_has() { nsx ip -4 route show table main proto 252 | grep -q "^$R via $NH dev va .*metric $M"; }
kernel_lacks() { ! kernel_has; }
status_ok() { [ "$(get_str "$P_ENTRY.9.$IX")" = OK ]; }
active_present() { get_val "$A_ENTRY.1.$IX" >/dev/null; }
count_of() { get_val "$1" | sed -n 's/^Gauge32: //p'; }
install_attempts() { grep -cE 'cannot install persisted route|installed persisted route|EEXIST' "$T/cimrouted.log"; }

# check_ok TEXT: the row reads OK (within 5 s), ApplyError empty, the active row there
check_ok() {
	wait_until 5 status_ok
	is "$(get_str "$P_ENTRY.9.$IX")|$(get_str "$P_ENTRY.10.$IX")" "OK|" "$1: Status OK, ApplyError empty"
	active_present
	result $? "$1: the active row exists"
	is "$(count_of $P_COUNT)|$(count_of $A_COUNT)" "1|1" "$1: persisted and active counts are 1"
}

# ------------------------------------------------------------------ a. create
out=$(pset "$P_ENTRY.12.$IX" i 4); rc=$?
is "$rc" 0 "a. createAndGo succeeds"
[ $rc -ne 0 ] && diag "$out"
kernel_has
result $? "a. the kernel has $R via $NH metric $M in main (proto 252)"
check_ok "a."
lix=$(index_of $R $NH va 254 0 $M)
is "$(get_val "$A_ENTRY.2.$IX")" "OID: $OID_ENTRY.8.$lix" \
	"a. SystemElement names the live route's row (Age, table 254)"
get_val "$OID_ENTRY.8.$lix" >/dev/null
is $? 1 "a. that row is not served (main is not in routeTables): noSuchInstance"
both_alive "a. create"

# ------------------------------------------------------------------ b. only table 100 served
if walk_table "$T/walk"; then
	tables=$(sed -n "s/^$OID_TABLE\.1\.[0-9]*\.\([0-9.]*\) = .*/\1/p" "$T/walk" |
		awk -F. '{ print $14 }' | sort -u | tr '\n' ' ')
	is "$tables" "100 " "b. cimIP4RouteTable shows only table 100"
	rows=$(grep -c "^$OID_ENTRY\.8\." "$T/walk")
	is "$(get_count)" "$rows" "b. cimIP4RouteCount is the walk's row count ($rows)"
else
	not_ok "b. cimIP4RouteTable walks"
fi
both_alive "b. served tables"

# ------------------------------------------------------------------ c. restart, no retries
stop_cimrouted KILL
: >"$T/cimrouted.log"
start_cimrouted
wait_registered 10
result $? "c. cimrouted registers again after SIGKILL"
check_ok "c. after restart"
nsx ip route add 10.91.0.0/16 via $NH table 100
sleep $((RETRY_S + 2))
is "$(install_attempts)" 0 "c. no install attempt in $((RETRY_S + 2)) s (past the retry period)"
grep -E 'persist' "$T/cimrouted.log" | tail -n 5 | diag
status_ok
result $? "c. still OK after the retry period"
both_alive "c. restart"

# ------------------------------------------------------------------ d. route deleted, restart
stop_cimrouted KILL
nsx ip route del $R via $NH metric $M
start_cimrouted
wait_registered 10
result $? "d. cimrouted registers again"
wait_until 5 kernel_has
result $? "d. the persisted route is installed again"
check_ok "d. after reinstall"
both_alive "d. reinstall"

# ------------------------------------------------------------------ e. destroy
out=$(pset "$P_ENTRY.12.$IX" i 6); rc=$?
is "$rc" 0 "e. destroy succeeds"
[ $rc -ne 0 ] && diag "$out"
kernel_lacks
result $? "e. the kernel route is gone"
get_val "$P_ENTRY.12.$IX" >/dev/null
is $? 1 "e. the persisted row is gone"
get_val "$A_ENTRY.1.$IX" >/dev/null
is $? 1 "e. the active row is gone"
both_alive "e. destroy"

# ------------------------------------------------------------------ f. adoption
nsx ip route add $R via $NH metric $M proto static
out=$(pset "$P_ENTRY.12.$IX" i 4); rc=$?
is "$rc" 0 "f. createAndGo of a static route already in main succeeds (adoption)"
[ $rc -ne 0 ] && diag "$out"
check_ok "f. adopted"
out=$(pset "$P_ENTRY.12.$IX" i 6); rc=$?
is "$rc" 0 "f. destroy of the adopted row succeeds"
nsx ip -4 route show table main proto static | grep -q "^$R via $NH dev va .*metric $M"
result $? "f. the adopted route stays in the kernel"
nsx ip route del $R via $NH metric $M
nsx ip route add $R via $NH metric $M proto bgp
before=$(nsx ip -4 route show table all)
out=$(pset "$P_ENTRY.12.$IX" i 4); rc=$?
if [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -q notWritable; then
	ok "f. createAndGo over a bgp route in main is refused with notWritable"
else
	not_ok "f. createAndGo over a bgp route in main is refused with notWritable"
	diag "snmpset exit status $rc:" "$out"
fi
is "$(nsx ip -4 route show table all)" "$before" "f. the kernel is unchanged"
both_alive "f. adoption"

# ------------------------------------------------------------------ g. an IPv6 row
P6=$OID_OBJ.9.3.1 A6=$OID_OBJ.10.3.1 E6=$OID_OBJ.8.3.1
nsx ip -6 addr add 2001:db8:1::100/64 dev va nodad || bail_out "cannot add the IPv6 address"
IFA=$(nsx cat /sys/class/net/va/ifindex)
eval "$(python3 -c '
import ipaddress, sys
s = lambda a: ".".join(str(b) for b in ipaddress.IPv6Address(a).packed)
print("IX6=%s.48.%s.0.9" % (s("2001:db8:70::"), s("2001:db8:1::1")))
print("L6=%s.48.%s.%s.254.9.%s.0" % (s("2001:db8:70::"), s("2001:db8:1::1"), sys.argv[1], s("::")))
' "$IFA")"
k6() { nsx ip -6 route show table main proto 252 2001:db8:70::/48 | grep -q "via 2001:db8:1::1 dev va metric 9"; }
status6_ok() { [ "$(get_str "$P6.10.$IX6")" = OK ]; }
sleep 0.5 # the address's event read before the SET checks the next hop
out=$(pset "$P6.13.$IX6" i 4); rc=$?
is "$rc" 0 "g. createAndGo of a persisted IPv6 row succeeds"
[ $rc -ne 0 ] && diag "$out"
k6
result $? "g. the kernel has the IPv6 route in main, proto 252"
wait_until 5 status6_ok
result $? "g. the IPv6 row reads OK"
is "$(get_val "$A6.2.$IX6")" "OID: $E6.9.$L6" "g. SystemElement names the live row (table 254)"
get_val "$E6.9.$L6" >/dev/null
is $? 1 "g. that row is not served here (noSuchInstance)"
out=$(pset "$P6.13.$IX6" i 6); rc=$?
is "$rc" 0 "g. destroy of the IPv6 row succeeds"
! k6
result $? "g. the IPv6 route is gone"
both_alive "g. an IPv6 row"

done_testing
