#!/bin/bash
# cimq_ping.sh - Win32_PingStatus through cimq (issue 15), on ping_lib.sh's topology.
#
# SELECT * FROM Win32_PingStatus WHERE Address = ... creates a cimPingTable row (owner "cimq"),
# waits for it, prints it with WMI's names and destroys it: a reachable IPv4 address (StatusCode
# 0, ProtocolAddress, ReplySize = BufferSize), an IPv6 address, a name from /etc/netns/NS/hosts,
# a silent address (StatusCode 11010 with Timeout=300); json types; no "cimq" row left in
# cimPingTable; SIGINT while cimq waits: exit 130 and no row; without Address =: refused, exit 3;
# an agent that does not answer (snmpd stopped with SIGSTOP): exit 4, and once it answers again
# the create it had queued was applied (cimPingLastChange moved) and destroyed by cimq's destroy
# queued after it: no row left.

. "$(dirname "$0")/lib.sh"
itest_init cqping
. "$ITDIR/cimq_lib.sh"
cimq_require
. "$ITDIR/ping_lib.sh"
ping_world
ping_daemons

# p FORMAT WQL: cimq with the write community; stdout $T/p.out, stderr $T/p.err; sets RC
p() {
	cq -v2c -c private -t 6 -r 1 -o "$1" "$AGENT" "$2" >"$T/p.out" 2>"$T/p.err"
	RC=$?
}
# jv FILTER: jq on the first instance of the json output
jv() { jq -r ".[0] | $1" "$T/p.out" 2>/dev/null; }
# cimq_rows: the cimPingTable rows of owner "cimq" (RowStatus lines)
cimq_rows() { walk_vals "$PE.19.$(ix cimq x | cut -d. -f1-5)"; }
shown() { diag "exit $RC" "stdout: $(head -c 600 "$T/p.out")" "stderr: $(head -c 300 "$T/p.err")"; }

p json "SELECT * FROM Win32_PingStatus WHERE Address = '10.14.1.2' AND BufferSize = 64"
if [ "$RC" -eq 0 ] && [ "$(jq length "$T/p.out")" = 1 ] &&
	[ "$(jv '"\(.Address) \(.StatusCode) \(.ProtocolAddress) \(.ReplySize) \(.BufferSize)"')" = "10.14.1.2 0 10.14.1.2 64 64" ]; then
	ok "IPv4: one instance, StatusCode 0, ProtocolAddress, ReplySize = BufferSize = 64"
else not_ok "IPv4: one instance, StatusCode 0, ProtocolAddress, ReplySize = BufferSize = 64"; shown; fi
is "$(jv '[(.StatusCode|type), (.ResponseTime|type), (.ReplyInconsistency|type), (.Address|type), (.RouteRecord|type)] | join(" ")')" \
	"number number boolean string null" "json types: uint32 numbers, boolean, string, an empty array property null"

p json "SELECT Address, StatusCode, ProtocolAddress FROM Win32_PingStatus WHERE Address = '2001:db8:14:1::2'"
is "$RC $(jv '"\(.Address) \(.StatusCode) \(.ProtocolAddress)"')" "0 2001:db8:14:1::2 0 2001:db8:14:1::2" \
	"IPv6: StatusCode 0 from the peer" || shown

p csv "SELECT Address, StatusCode, ProtocolAddress, PrimaryAddressResolutionStatus FROM Win32_PingStatus WHERE Address = 'peer-b.example'"
is "$RC $(sed -n 2p "$T/p.out" | tr -d '\r')" '0 "peer-b.example","0","10.14.1.2","0"' \
	"a name (cimPingAddressName): resolved, answered, Address as given (csv)" || shown

p list "SELECT StatusCode FROM Win32_PingStatus WHERE Address = '10.14.5.1' AND Timeout = 300"
is "$RC $(grep -o 'StatusCode : [0-9]*' "$T/p.out")" "0 StatusCode : 11010" \
	"a silent address with Timeout=300: StatusCode 11010 (list)" || shown

p json "SELECT RecordRoute, RouteRecord, StatusCode FROM Win32_PingStatus WHERE Address = '10.14.3.3' AND RecordRoute = 4"
if [ "$RC" -eq 0 ] && [ "$(jv '"\(.RecordRoute) \(.StatusCode) \(.RouteRecord|type)"')" = "4 0 array" ] &&
	jv '.RouteRecord[]' | grep -qx '10\.14\.3\.2' && [ "$(jv '.RouteRecord|length')" -le 4 ]; then
	ok "RecordRoute=4 through R: RouteRecord an array (R's 10.14.3.2 in it, 4 at most)"
else not_ok "RecordRoute=4 through R: RouteRecord an array (R's 10.14.3.2 in it, 4 at most)"; shown; fi

p json "SELECT StatusCode FROM Win32_PingStatus WHERE Address = '10.14.3.3' AND TimeToLive = 1"
is "$RC $(jv .StatusCode)" "0 11013" "TimeToLive=1 through R: StatusCode 11013 (TTL expired in transit)" || shown

p table "SELECT Address, StatusCode FROM Win32_PingStatus WHERE Address = '10.14.1.2' AND TimeToLive = 64 AND NoFragmentation = TRUE AND TypeofService = 0"
if [ "$RC" -eq 0 ] && grep -q '^10\.14\.1\.2 *0$' "$T/p.out"; then ok "other keys (TimeToLive, NoFragmentation, TypeofService) set, table output"
else not_ok "other keys (TimeToLive, NoFragmentation, TypeofService) set, table output"; shown; fi

is "$(cimq_rows)" "" "no cimq row left in cimPingTable"

# an interrupt while cimq waits: the row is destroyed, exit 130
ip netns exec "$NS" env CIMQ_MAP="$TOP_SRCDIR/mof-map/map.tsv" MIBDIRS="$CQ_MIBDIRS" MIBS= "$CIMQ" \
	-v2c -c private -t 6 -r 1 "$AGENT" "SELECT * FROM Win32_PingStatus WHERE Address = '10.14.5.2' AND Timeout = 20000" \
	>"$T/int.out" 2>"$T/int.err" &
qpid=$!
row_seen() { [ -n "$(cimq_rows)" ]; } # asked anew at each try (a $(...) argument would be read once)
wait_until 10 row_seen && ok "the row exists while cimq waits" || not_ok "the row exists while cimq waits"
kill -INT "$qpid"
wait "$qpid"
RC=$?
is "$RC $(cimq_rows)" "130 " "SIGINT: exit 130 and the row destroyed" || diag "stderr: $(cat "$T/int.err")"

cq -v2c -c public -t 6 -r 1 "$AGENT" "SELECT * FROM Win32_PingStatus WHERE Address = '10.14.1.2'" >"$T/p.out" 2>"$T/p.err"
RC=$?
if { [ "$RC" -eq 5 ] || [ "$RC" -eq 7 ]; } && grep -q 'refused' "$T/p.err" && [ -z "$(cimq_rows)" ]; then
	ok "the read-only community: the row refused (exit $RC), none left"
else not_ok "the read-only community: the row refused (exit 5 or 7), none left"; shown; fi

# the agent does not answer: the createAndGo and cimq's destroy after the timeout wait in snmpd's
# socket; once it runs again it applies both, in order
before=$(snmp_get "$PING.2.0" 2>/dev/null)
kill -STOP "$SNMPD_PID"
cq -v2c -c private -t 1 -r 0 "$AGENT" "SELECT * FROM Win32_PingStatus WHERE Address = '10.14.5.2' AND Timeout = 20000" \
	>"$T/p.out" 2>"$T/p.err"
RC=$?
kill -CONT "$SNMPD_PID"
if [ "$RC" -eq 4 ] && grep -q 'no response' "$T/p.err"; then ok "an agent that does not answer: exit 4, 'no response'"
else not_ok "an agent that does not answer: exit 4, 'no response'"; shown; fi
moved() { [ "$(snmp_get "$PING.2.0" 2>/dev/null)" != "$before" ] && [ -z "$(cimq_rows)" ]; }
if wait_until 10 moved; then ok "once it answers again: the late create applied (cimPingLastChange moved), no row left"
else not_ok "once it answers again: the late create applied (cimPingLastChange moved), no row left"
	diag "cimPingLastChange: $before -> $(snmp_get "$PING.2.0" 2>&1)" "rows: $(cimq_rows)"; fi

p json "SELECT * FROM Win32_PingStatus"
if [ "$RC" -eq 3 ] && grep -q 'cannot be enumerated' "$T/p.err"; then ok "no Address =: refused (exit 3)"
else not_ok "no Address =: refused (exit 3)"; shown; fi
p json "SELECT * FROM Win32_PingStatus WHERE BufferSize = 32 OR Address = '10.14.1.2'"
is "$RC" 3 "Address only under an OR: refused (exit 3)"
both_alive "cimq pings"
done_testing
