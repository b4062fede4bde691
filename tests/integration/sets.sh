#!/bin/bash
# sets.sh - creating, changing and deleting live routes with snmpset (cimIP4RouteTable).
#
# Through snmpd with a v2c read-write community and an SNMPv3 authPriv read-write user:
# createAndGo, createAndWait then active (or its route added by hand meanwhile, then
# destroyed), a metric change (the row moves to the new
# metric's index, make before break), Type invalid(2) and destroy(6) deleting the route,
# direct routes (next hop = our own address), a destroy of a route the kernel lost after the
# SET's check (noError), a destroy and a create at one kernel key in one
# SET (a replace, in either varbind order). A read-only community and a read-only
# SNMPv3 user are refused. Routes owned by the kernel or a routing daemon are refused
# (notWritable) and stay. Pass/fail: after every step the kernel has exactly the routes
# expected (ip -j route) and the whole SNMP table equals the kernel (route_rows.py).

. "$(dirname "$0")/lib.sh"
itest_init sets
veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
veth vc vd 198.51.100.1/24 || bail_out "cannot build the second veth pair"
write_cimrouted_conf "routeTables main"
start_agents

IFA=$(nsx cat /sys/class/net/va/ifindex)
IFC=$(nsx cat /sys/class/net/vc/ifindex)
# idx DST MASK NEXTHOP IFINDEX METRIC: a row index in table main, tos 0
idx() { echo "$1.$2.$3.$4.254.0.$5"; }
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@" 2>&1; }
set3() { nsx snmpset "${V3W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@" 2>&1; }
# kernel_has SPEC: `ip route show SPEC` prints something
kernel_has() { [ -n "$(nsx ip route show "$@" 2>/dev/null)" ]; }
route_line() { nsx ip route show "$@" 2>/dev/null; }
snap() { nsx ip -4 route show table all; }

# --- createAndGo (v2c) ---------------------------------------------------------------
I1=$(idx 10.1.0.0 255.255.0.0 192.0.2.1 "$IFA" 10)
out=$(setw "$OID_ENTRY.24.$I1" i 4)
check "createAndGo through the v2c rw community answers" test $? -eq 0
is "$(route_line 10.1.0.0/16)" "10.1.0.0/16 via 192.0.2.1 dev va proto 252 metric 10 " \
	"the route is in the kernel with protocol 252 and the index's metric"
wait_for row_is "$I1" present
result $? "the row answers right after the SET"
is "$(snmp_get "$OID_ENTRY.19.$I1" | sed 's/.*= //')" "INTEGER: 3" "Protocol reads netmgmt(3)"
is "$(snmp_get "$OID_ENTRY.21.$I1" | sed 's/.*= //')" "INTEGER: 4" "Type reads indirect(4)"
wait_compare 2 "table equals the kernel after createAndGo" create

# --- createAndGo with Metric1 and Type in the same PDU (SNMPv3 authPriv) ----------------
I2=$(idx 10.2.0.0 255.255.0.0 192.0.2.1 "$IFA" 7)
out=$(set3 "$OID_ENTRY.24.$I2" i 4 "$OID_ENTRY.13.$I2" i 7 "$OID_ENTRY.21.$I2" i 4)
check "createAndGo with Metric1 and Type through SNMPv3 authPriv" test $? -eq 0
is "$(route_line 10.2.0.0/16)" "10.2.0.0/16 via 192.0.2.1 dev va proto 252 metric 7 " \
	"the SNMPv3 route is in the kernel"

# --- a direct route: the next hop is our own address --------------------------------------
I3=$(idx 10.3.0.0 255.255.0.0 192.0.2.100 "$IFA" 0)
out=$(setw "$OID_ENTRY.24.$I3" i 4)
check "createAndGo of a direct route (next hop = own address)" test $? -eq 0
is "$(route_line 10.3.0.0/16)" "10.3.0.0/16 dev va proto 252 scope link src 192.0.2.100 " \
	"installed as a connected route with our address as source"
is "$(snmp_get "$OID_ENTRY.21.$I3" | sed 's/.*= //')" "INTEGER: 3" "Type reads direct(3)"

# --- createAndWait, then active ----------------------------------------------------------
# cimIP4RouteCount is the rows a walk gives (RowStatus: every row has one), waiting rows too;
# LastChange moves when a waiting row is made or goes
count_walk() { echo "$(get_count) $(nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$OID_ENTRY.24" 2>&1 | grep -c ' = INTEGER: ')"; }
lastchange() { snmp_get "$OID_LASTCHANGE" | sed 's/.*= //'; }
lc0=$(lastchange); sleep 0.3
I4=$(idx 10.4.0.0 255.255.0.0 198.51.100.2 "$IFC" 0)
out=$(setw "$OID_ENTRY.24.$I4" i 5)
check "createAndWait accepted" test $? -eq 0
read -r n_count n_walk <<<"$(count_walk)"
is "$n_count" "$n_walk" "cimIP4RouteCount equals the rows walked with a waiting row ($n_walk)"
lc1=$(lastchange)
check "cimIP4RouteLastChange moved with the waiting row ($lc0 -> $lc1)" test "$lc0" != "$lc1"
is "$(snmp_get "$OID_ENTRY.24.$I4" | sed 's/.*= //')" "INTEGER: 2" \
	"the waiting row reads notInService(2)"
is "$(snmp_get "$OID_ENTRY.13.$I4" | sed 's/.*= //')" "INTEGER: 0" "its Metric1 reads the index's metric"
is "$(snmp_get "$OID_ENTRY.9.$I4" | sed 's/.*= //')" "No Such Instance currently exists at this OID" \
	"its kernel-only columns are absent"
kernel_has 10.4.0.0/16
result $((!$?)) "the waiting row is not in the kernel"
walked=$(nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$OID_ENTRY.24" 2>&1 | grep -c "\.$I4 = INTEGER: 2")
is "$walked" 1 "a walk shows the waiting row in index order"
out=$(setw "$OID_ENTRY.24.$I4" i 1)
check "active installs it" test $? -eq 0
is "$(route_line 10.4.0.0/16)" "10.4.0.0/16 via 198.51.100.2 dev vc proto 252 " "the activated route is in the kernel"
is "$(snmp_get "$OID_ENTRY.24.$I4" | sed 's/.*= //')" "INTEGER: 1" "the row now reads active(1)"
# createAndWait then destroy: the row goes, the kernel never saw it
I5=$(idx 10.5.0.0 255.255.0.0 198.51.100.2 "$IFC" 0)
setw "$OID_ENTRY.24.$I5" i 5 >/dev/null
read -r n_count n_walk <<<"$(count_walk)"
lc0=$(lastchange); sleep 0.3
setw "$OID_ENTRY.24.$I5" i 6 >/dev/null
is "$(row_state "$I5"):$(route_line 10.5.0.0/16)" "absent:" "createAndWait then destroy leaves nothing"
is "$(count_walk)" "$((n_count - 1)) $((n_walk - 1))" "after the destroy: cimIP4RouteCount one less, equal to the rows walked"
lc1=$(lastchange)
check "cimIP4RouteLastChange moved with the destroy ($lc0 -> $lc1)" test "$lc0" != "$lc1"
# createAndWait, then the very route appears in the kernel (ip route add): the row is the
# kernel's, and destroy deletes the route (before, it forgot the hidden waiting row only)
I6=$(idx 10.6.0.0 255.255.0.0 198.51.100.2 "$IFC" 8)
setw "$OID_ENTRY.24.$I6" i 5 >/dev/null && nsx ip route add 10.6.0.0/16 via 198.51.100.2 metric 8
rs_is() { [ "$(snmp_get "$OID_ENTRY.24.$1" | sed 's/.*= //')" = "$2" ]; }
wait_for rs_is "$I6" "INTEGER: 1"
result $? "createAndWait, then ip route add of its route: the row reads active(1)"
out=$(setw "$OID_ENTRY.24.$I6" i 6)
check "destroy of that row succeeds" test $? -eq 0
wait_for row_is "$I6" absent
is "$(row_state "$I6"):$(route_line 10.6.0.0/16)" "absent:" "the route and the row are gone"
wait_compare 2 "table equals the kernel after createAndWait/active" wait

# --- a metric change: add the new route, then delete the old one -------------------------------
I1M=$(idx 10.1.0.0 255.255.0.0 192.0.2.1 "$IFA" 30)
out=$(setw "$OID_ENTRY.13.$I1" i 30)
check "writing Metric1 = 30 succeeds" test $? -eq 0
is "$(route_line 10.1.0.0/16)" "10.1.0.0/16 via 192.0.2.1 dev va proto 252 metric 30 " \
	"the kernel has the route at metric 30 only"
is "$(row_state "$I1"):$(row_state "$I1M")" "absent:present" "the row moved to the index with metric 30"
# a metric change on a static route keeps its protocol
nsx ip route add 10.6.0.0/16 via 192.0.2.1 proto static metric 5
wait_for row_is "$(idx 10.6.0.0 255.255.0.0 192.0.2.1 "$IFA" 5)" present
out=$(setw "$OID_ENTRY.13.$(idx 10.6.0.0 255.255.0.0 192.0.2.1 "$IFA" 5)" i 6)
check "Metric1 on a static route" test $? -eq 0
is "$(route_line 10.6.0.0/16)" "10.6.0.0/16 via 192.0.2.1 dev va proto static metric 6 " \
	"the moved static route stays static"
# writing the same values is accepted and changes nothing
before=$(snap)
out=$(setw "$OID_ENTRY.13.$I1M" i 30 "$OID_ENTRY.21.$I1M" i 4 "$OID_ENTRY.14.$I1M" i -1 "$OID_ENTRY.24.$I1M" i 1)
check "rewriting Metric1, Type, Metric2 and RowStatus with their values" test $? -eq 0
is "$(snap)" "$before" "a no-op SET leaves the kernel unchanged"

# --- deleting: Type invalid(2) and destroy(6) --------------------------------------------
out=$(setw "$OID_ENTRY.21.$I1M" i 2)
check "Type invalid(2) accepted" test $? -eq 0
kernel_has 10.1.0.0/16
result $((!$?)) "Type invalid(2) deleted the route"
out=$(set3 "$OID_ENTRY.24.$I2" i 6)
check "destroy through SNMPv3" test $? -eq 0
kernel_has 10.2.0.0/16
result $((!$?)) "destroy deleted the route"
out=$(setw "$OID_ENTRY.24.$I2" i 6)
check "destroy of a row that no longer exists is noError (RFC 2579)" test $? -eq 0
wait_compare 2 "table equals the kernel after the deletions" deletes

# --- destroy of a route the kernel lost after the check ----------------------------------------
# The daemon stopped, the route deleted behind a backlog of events longer than the SET's
# wake-ups read (NLMON_READS_PER_WAKEUP datagrams each), the SET queued on the AgentX socket:
# the mirror still has the row when the delete gets ESRCH. The route is gone as asked: noError.
agentx_queued() { nsx ss -xnp | awk -v p="pid=$CIMR_PID," 'index($0, p) && $3 > 0 { f = 1 } END { exit !f }'; }
I4=$(idx 10.4.0.0 255.255.0.0 192.0.2.1 "$IFA" 4)
setw "$OID_ENTRY.24.$I4" i 4 >/dev/null
wait_for row_is "$I4" present
for i in $(seq 0 1999); do echo "route add 172.31.$((i / 250)).$((i % 250))/32 via 192.0.2.1"; done >"$T/backlog.batch"
echo "route del 10.4.0.0/16 via 192.0.2.1 metric 4" >>"$T/backlog.batch"
kill -STOP "$CIMR_PID"
nsx ip -batch "$T/backlog.batch" || not_ok "ip -batch $T/backlog.batch"
setw "$OID_ENTRY.24.$I4" i 6 >"$T/gone.out" &
setpid=$!
wait_until 3 agentx_queued || diag "the SET was not seen queued for the stopped daemon"
kill -CONT "$CIMR_PID"
wait "$setpid"
check "destroy of a route the kernel deleted after the check: noError" test $? -eq 0
diag "$(cat "$T/gone.out")"
grep -q 'set: gone already: 10.4.0.0/16' "$T/cimrouted.log"
result $? "the log says the route was gone already"
sed 's/^route add/route del/' "$T/backlog.batch" | head -n 2000 >"$T/backlog-del.batch"
nsx ip -batch "$T/backlog-del.batch" || not_ok "ip -batch $T/backlog-del.batch"
wait_compare 5 "table equals the kernel after the route lost before its destroy" gone

# --- a destroy and a create at one kernel key in one SET: a replace, in either order ----------
RA=$(idx 10.9.0.0 255.255.0.0 192.0.2.1 "$IFA" 9)
RB=$(idx 10.9.0.0 255.255.0.0 192.0.2.2 "$IFA" 9)
out=$(setw "$OID_ENTRY.24.$RA" i 4)
check "a route to replace is created" test $? -eq 0
out=$(setw "$OID_ENTRY.24.$RA" i 6 "$OID_ENTRY.24.$RB" i 4)
check "destroy, then create at the same destination and metric: one SET" test $? -eq 0
is "$(route_line 10.9.0.0/16)" "10.9.0.0/16 via 192.0.2.2 dev va proto 252 metric 9 " \
	"the route was replaced"
out=$(setw "$OID_ENTRY.24.$RA" i 4 "$OID_ENTRY.24.$RB" i 6)
check "create, then destroy at the same destination and metric: one SET" test $? -eq 0
is "$(route_line 10.9.0.0/16)" "10.9.0.0/16 via 192.0.2.1 dev va proto 252 metric 9 " \
	"the route was replaced back"
out=$(setw "$OID_ENTRY.24.$RA" i 6)
wait_compare 2 "table equals the kernel after the replaces" replaces

# --- who may write ----------------------------------------------------------------------------
I7=$(idx 10.7.0.0 255.255.0.0 192.0.2.1 "$IFA" 0)
before=$(snap)
out=$(nsx snmpset "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$OID_ENTRY.24.$I7" i 4 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -Eq 'noAccess|notWritable|authorizationError'
result $? "the read-only community is refused"
diag "$out"
out=$(nsx snmpset "${V3[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$OID_ENTRY.24.$I7" i 4 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -Eq 'noAccess|notWritable|authorizationError'
result $? "the read-only SNMPv3 user is refused"
out=$(nsx snmpset -v3 -l authPriv -u nosuchuser -a SHA -A "$V3AUTH" -x AES -X "$V3PRIV" \
	"${SNMP_OPTS[@]}" -t 2 -r 0 "$AGENT" "$OID_ENTRY.24.$I7" i 4 2>&1)
[ $? -ne 0 ]
result $? "an unknown SNMPv3 user is refused"
is "$(snap)" "$before" "the refused SETs changed nothing"

# routes of the kernel and of routing daemons are not SNMP's to change
KI=$(idx 192.0.2.0 255.255.255.0 192.0.2.100 "$IFA" 0)
out=$(setw "$OID_ENTRY.24.$KI" i 6)
echo "$out" | grep -q 'notWritable'
result $? "destroying the kernel's connected route: notWritable"
nsx ip route add 10.8.0.0/16 via 192.0.2.1 proto bgp
BI=$(idx 10.8.0.0 255.255.0.0 192.0.2.1 "$IFA" 0)
wait_for row_is "$BI" present
out=$(setw "$OID_ENTRY.13.$BI" i 50)
echo "$out" | grep -q 'notWritable'
result $? "changing a bgp route's metric: notWritable"
out=$(setw "$OID_ENTRY.21.$BI" i 2)
echo "$out" | grep -q 'notWritable'
result $? "deleting a bgp route: notWritable"
kernel_has 10.8.0.0/16 proto bgp
result $? "the bgp route is still there"
grep -q 'belongs to protocol bgp' "$T/cimrouted.log"
result $? "the log says why the bgp route was refused"

both_alive "after the SETs"
done_testing
