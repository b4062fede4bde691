#!/bin/bash
# set_bounds.sh - the work of one SET is bounded, so that no request outlives snmpd's
# agentXTimeout (snmpd then drops the whole subagent: issue 9, item 5).
#
# Topology: veth va/vb, 192.0.2.100/24 on va; snmpd with agentXTimeout 1, as the README
# used to advise.
# Cases:
#   a. one SET creating 60 persisted routes: noError, all 60 in the kernel and in the state
#      file, and the state file written once (strace: one rename of persisted-routes.tmp,
#      where the old code wrote and fsynced it once a row); the subagent stays registered
#      (no noSuchObject after the SET).
#   b. one SET destroying those 60: noError, all gone, the state file written once.
#   c. a SET of 101 rows: resourceUnavailable, kernel and state file byte-identical.
# Both daemons alive after every case.

. "$(dirname "$0")/lib.sh"
itest_init set_bounds
needs strace
veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
SNMPD_AGENTX_TIMEOUT=1 write_snmpd_conf
write_cimrouted_conf "routeTables main"
start_agents

P=.1.3.6.1.4.1.32473.1.1.2.3.1 # cimIP4PersistedRouteEntry
STATE=$T/state/persisted-routes
snap() { nsx ip -4 route show table all; cat "$STATE" 2>/dev/null; }

# varbinds N STATUS: N persisted rows 10.200.K.0/24 via 192.0.2.1 metric 5
varbinds() {
	local k
	for ((k = 0; k < $1; k++)); do printf '%s i %s\n' "$P.12.10.200.$k.0.255.255.255.0.192.0.2.1.5" "$2"; done
}
# traced_set N STATUS: one snmpset of N rows with the daemon under strace; prints the output
traced_set() {
	local out
	strace -f -qq -p "$CIMR_PID" -e trace=rename,renameat,renameat2 -o "$T/strace.out" &
	local spid=$!
	sleep 0.5
	# shellcheck disable=SC2046
	out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" $(varbinds "$1" "$2") 2>&1)
	echo "$out"
	sleep 0.3
	kill -INT $spid 2>/dev/null; wait $spid 2>/dev/null
}
renames() { grep -c 'persisted-routes.tmp' "$T/strace.out"; }
kcount() { nsx ip -4 route show table main proto 252 | grep -c '^10\.200\.'; }
fcount() { grep -c '^10\.200\.' "$STATE" 2>/dev/null; }

# ------------------------------------------------------------------ a. 60 rows created
out=$(traced_set 60 4)
echo "$out" | grep -qiE 'error|timeout|Reason'
result $((!$?)) "a. one SET of 60 persisted createAndGo rows succeeds"
is "$(kcount)" 60 "a. the kernel has the 60 routes"
is "$(fcount)" 60 "a. the state file has the 60 lines"
is "$(renames)" 1 "a. the state file was written once for the 60 rows"
diag "$(head -3 "$T/strace.out")"
out=$(snmp_get "$P.12.10.200.59.0.255.255.255.0.192.0.2.1.5")
echo "$out" | grep -q 'INTEGER: 1'
result $? "a. the subagent is still registered (the last row reads active)"
both_alive "a. 60 rows in one SET"

# ------------------------------------------------------------------ b. 60 rows destroyed
out=$(traced_set 60 6)
echo "$out" | grep -qiE 'error|timeout|Reason'
result $((!$?)) "b. one SET destroying the 60 rows succeeds"
is "$(kcount)" 0 "b. the routes are gone from the kernel"
is "$(fcount)" 0 "b. and from the state file"
is "$(renames)" 1 "b. the state file was written once for the 60 rows"
both_alive "b. 60 rows destroyed in one SET"

# ------------------------------------------------------------------ c. too many rows
before=$(snap)
# shellcheck disable=SC2046
out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" $(varbinds 101 4) 2>&1)
echo "$out" | grep -q 'Reason: resourceUnavailable'; rc=$?
result $rc "c. a SET of 101 rows: resourceUnavailable"
[ $rc -eq 0 ] || diag "$out"
is "$(snap)" "$before" "c. the kernel and the state file are unchanged"
grep -q 'more than 100 rows in one SET' "$T/cimrouted.log"
result $? "c. the log says why"
both_alive "c. too many rows"

done_testing
