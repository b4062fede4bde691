#!/bin/bash
# ping_rows.sh - the life of cimPingTable rows (issue 14): RowStatus, AdminStatus, probe counts
# and cimPingProbeTable, limits, ageing, nonVolatile rows across a restart of cimrouted, the
# completion notification, a row in progress across a restart of the master.
#
# The topology of ping_lib.sh (B answers on 10.14.1.2, its forge on 10.14.1.3; C's prefix
# 10.14.5.0/24 is silent). Checked against B's capture and the forge's log:
#  - createAndWait: notReady without a target, then the target and active: one request on the
#    wire, completed, AdminStatus back to disabled(2); AdminStatus enabled(1) again after a
#    parameter change repeats it (a second request on the wire with the new size, the results
#    and cimPingCompletionTime replaced); a parameter written while in progress:
#    inconsistentValue; disabled(2) while in progress abandons (notStarted, no results, and it
#    stays so); destroy in progress and after (cimPingCount follows)
#  - ProbeCount 4, interval 200: 4 requests on the wire (one identifier, consecutive sequence
#    numbers, about 200 ms apart), 4 rows in cimPingProbeTable, Sent/Received/Loss and
#    min/avg/max/mdev computed from the probes' own times; the row's WMI columns are the
#    latest probe's; a forge answering every other request: loss 50 and the probes' codes; a
#    new activation with count 1 leaves one probe row
#  - cimPingMaxRows, cimPingMaxRowsPerOwner, cimPingMaxProbeRate: the creation or start beyond
#    them is resourceUnavailable, creates nothing, and counts in RowsRefused, OwnerRowsRefused,
#    RateRefused; a run's later probes are delayed by the rate, never dropped
#  - cimPingAgeOut 2: the completed volatile row vanishes, cimPingRowsAgedOut counts it; a
#    nonVolatile one stays; after a restart of cimrouted the nonVolatile row is back, notStarted,
#    with its parameters, the volatile one is gone, the written limits are kept
#  - cimPingCompletion received by snmptrapd with the row's values; none for a row without
#    TrapOnCompletion
#  - snmpd restarted while a 10-probe row runs: it completes with 10 sent and 10 received.
# Both daemons alive after each group.

. "$(dirname "$0")/lib.sh"
itest_init prows
needs snmptrapd
. "$ITDIR/ping_lib.sh"
ping_world

TP=$((PORT + 1))
cat >"$T/snmptrapd.conf" <<EOF
authCommunity log public
format2 TRAP %v\n
doNotRetainNotificationLogs yes
EOF
start_trapd "$T/traps.log" -On -Ox -Oe -OU "udp:127.0.0.1:$TP"
ping_daemons "trap2sink 127.0.0.1:$TP public"

S_MAXROWS=$PING.6.0 S_PEROWNER=$PING.8.0 S_RATE=$PING.9.0 S_AGEOUT=$PING.10.0
C_ROWS=$PING.11.0 C_OWNER=$PING.12.0 C_RATE=$PING.13.0 C_AGED=$PING.14.0
is "$(num $S_MAXROWS) $(num $S_PEROWNER) $(num $S_RATE) $(num $S_AGEOUT)" "100 100 1000 3600" \
	"defaults: MaxRows 100, MaxRowsPerOwner 100, MaxProbeRate 1000, AgeOut 3600"
is "$(num $PING.1.0) $(num $C_ROWS) $(num $C_OWNER) $(num $C_RATE) $(num $C_AGED)" "0 0 0 0 0" \
	"no rows, all refusal and ageing counters 0"

# requests NAME ADDR: echo requests to ADDR in capture B since the mark
requests() { truth B "$1"; }
reason() { echo "$1" | sed -n 's/.*Reason: \([a-zA-Z]*\).*/\1/p' | head -n 1; }

# ---------------------------------------------------------------- RowStatus and AdminStatus
diag "---- createAndWait, active, AdminStatus"
IX=$(ix "$OWN" w1)
out=$(setw "$PE.19.$IX" i 5)
is "rc=$? $(num "$PE.19.$IX")" "rc=0 3" "createAndWait without a target: the row is notReady(3)"
cap_mark
out=$(setw "$PE.3.$IX" i 1 "$PE.4.$IX" x "$(addr_hex 10.14.1.2)" "$PE.6.$IX" u 48)
is "rc=$? $(num "$PE.19.$IX") $(num "$PE.20.$IX")" "rc=0 2 1" "the target set: notInService(2), notStarted(1)"
out=$(setw "$PE.19.$IX" i 1 "$PE.16.$IX" i 1)
result $? "active(1) with AdminStatus enabled(1)"
[ -n "$out" ] && diag "$out"
ping_wait 5
row_read
line=$(requests 10.14.1.2)
is "oper=$(col 20) admin=$(num "$PE.16.$IX") status=$(col 21) size=$(col 25) wire=$(echo "$line" | grep -c seq=) wiredata=$(field "$line" data)" \
	"oper=3 admin=2 status=0 size=48 wire=1 wiredata=48" \
	"completed: success, one request of 48 octets on the wire, AdminStatus back to disabled(2)"
t1=$(col 31)
[ "$t1" != absent ] && [ "$(col 37)" = 1 ] && [ "$(col 38)" = 1 ]
result $? "CompletionTime present, ProbesSent 1, ProbesReceived 1"
out=$(setw "$PE.6.$IX" u 100)
result $? "BufferSize written while active and idle"
sleep 1.1 # another second in cimPingCompletionTime
cap_mark
out=$(setw "$PE.16.$IX" i 1)
result $? "AdminStatus enabled(1) again"
ping_wait 5
row_read
line=$(requests 10.14.1.2)
is "status=$(col 21) size=$(col 25) wire=$(echo "$line" | grep -c seq=) wiredata=$(field "$line" data) newtime=$([ "$(col 31)" != "$t1" ] && echo yes)" \
	"status=0 size=100 wire=1 wiredata=100 newtime=yes" "the ping is repeated with the new size: results and CompletionTime replaced"

IX=$(ix "$OWN" w2)
ping_start w2 10.14.5.1 "$PE.12.$IX" u 4000
sleep 0.3
is "$(num "$PE.20.$IX")" 2 "a request to a silent address is inProgress(2)"
out=$(setw "$PE.6.$IX" u 64)
is "$(reason "$out") $(num "$PE.6.$IX")" "inconsistentValue 32" "a parameter written while in progress: inconsistentValue, unchanged"
out=$(setw "$PE.16.$IX" i 2)
result $? "AdminStatus disabled(2) while in progress"
row_read
is "oper=$(col 20) status=$(col 21) sent=$(col 37)" "oper=1 status=absent sent=absent" "abandoned: notStarted(1), the results removed"
sleep 1
is "$(num "$PE.20.$IX")" 1 "and it stays notStarted (the abandoned probe does not complete it)"
count=$(num $PING.1.0)
ping_start w3 10.14.5.1 "$PE.12.$(ix $OWN w3)" u 4000
sleep 0.2
out=$(setw "$PE.19.$(ix $OWN w3)" i 6)
is "rc=$? $(num "$PE.20.$(ix $OWN w3)") $(num $PING.1.0)" "rc=0  $count" "destroy(6) in progress: the row is gone, cimPingCount back to $count"
IX=$(ix "$OWN" w2)
out=$(setw "$PE.19.$IX" i 6)
is "rc=$? $(num "$PE.19.$IX") $(num $PING.1.0)" "rc=0  $((count - 1))" "destroy(6) of a row not started"
both_alive "RowStatus and AdminStatus"

# ---------------------------------------------------------------- probe counts
diag "---- ProbeCount 4, ProbeInterval 200"
cap_mark
ping_start p4 10.14.1.2 "$PE.35.$(ix $OWN p4)" u 4 "$PE.36.$(ix $OWN p4)" u 200
ping_wait 10
row_read
requests 10.14.1.2 >"$T/p4.wire"
is "$(wc -l <"$T/p4.wire") $(awk '{ print $2 }' "$T/p4.wire" | sort -u | wc -l) $(grep -c 'status=0 ' "$T/p4.wire")" "4 1 4" \
	"4 echo requests on the wire, one identifier, 4 replies"
seqs=$(sed 's/^seq=\([0-9]*\).*/\1/' "$T/p4.wire" | tr '\n' ' ')
set -- $seqs
[ $# = 4 ] && [ $(( ($2 - $1) & 65535 )) = 1 ] && [ $(( ($3 - $2) & 65535 )) = 1 ] && [ $(( ($4 - $3) & 65535 )) = 1 ]
result $? "consecutive sequence numbers ($seqs)"
gaps=$(wire B | grep 'icmp=8/0' | awk '{ t = substr($2, 3); if (p) printf "%d ", (t - p) * 1000; p = t }')
ok_gaps=1; for g in $gaps; do [ "$g" -ge 150 ] && [ "$g" -le 600 ] || ok_gaps=0; done
[ "$ok_gaps" = 1 ] && [ -n "$gaps" ]
result $? "the requests leave about 200 ms apart on the wire (gaps: $gaps ms)"
walk_vals "$PPR.2.$IX" >"$T/p4.codes"
walk_vals "$PPR.4.$IX" >"$T/p4.usec"
is "$(tr '\n' ' ' <"$T/p4.codes")" "0 0 0 0 " "4 rows in cimPingProbeTable, each success(0)"
# as iputils computes them (the MIB's definition), in whole microseconds: avg = sum / n and
# mdev = sqrt(sum2 / n - avg^2), each division truncated (which makes mdev larger than the
# true deviation at microsecond scale), the root by Newton's method (floor or one above)
want=$(awk '{ s += $1; q += $1 * $1; if (NR == 1 || $1 < mn) mn = $1; if ($1 > mx) mx = $1 }
	END { a = int(s / NR); d = int(q / NR) - a * a; if (d < 0) d = 0; printf "%d %d %d %d", mn, a, mx, sqrt(d) }' "$T/p4.usec")
got="$(col 40) $(col 41) $(col 42) $(col 43)"
python3 - "$got" "$want" <<'EOF'
import sys
g = [int(x) for x in sys.argv[1].split()] if "absent" not in sys.argv[1] else []
w = [int(x) for x in sys.argv[2].split()]
sys.exit(0 if len(g) == 4 and g[:3] == w[:3] and 0 <= g[3] - w[3] <= 1 else 1)
EOF
result $? "RttMin/Avg/Max/MeanDeviation ($got) from the probes' times as iputils computes them ($want, mdev +1 allowed)"
is "sent=$(col 37) recv=$(col 38) loss=$(col 39) usec=$(col 23)" "sent=4 recv=4 loss=0 usec=$(tail -n 1 "$T/p4.usec")" \
	"Sent 4, Received 4, Loss 0; the row's ResponseTimeUsec is the latest probe's"
setw "$PE.35.$IX" u 1 >/dev/null && setw "$PE.16.$IX" i 1 >/dev/null
ping_wait 5
is "$(walk_vals "$PPR.2.$IX" | wc -l)" 1 "activated again with count 1: one row in cimPingProbeTable"

diag "---- loss: the forge answers every other request"
ip netns exec "$NSB" python3 "$FORGE" serve --iface b_a --addr 10.14.1.3 --actions "reply;none" --log "$T/forge-loss.log" \
	--max 4 --duration 20 >"$T/forge-loss.out" 2>&1 &
EXTRA_PIDS+=($!)
wait_until 10 grep -q ready "$T/forge-loss.out" || bail_out "icmp_forge.py does not start"
ping_start loss 10.14.1.3 "$PE.35.$(ix $OWN loss)" u 4 "$PE.36.$(ix $OWN loss)" u 200 "$PE.12.$(ix $OWN loss)" u 300
ping_wait 10
row_read
is "$(walk_vals "$PPR.2.$IX" | tr '\n' ' ')sent=$(col 37) recv=$(col 38) loss=$(col 39) status=$(col 21) replies=$(grep -c '^sent reply' "$T/forge-loss.log")" \
	"0 11010 0 11010 sent=4 recv=2 loss=50 status=11010 replies=2" \
	"every other probe answered: probe codes 0/11010, loss 50, the row's status the latest probe's"
both_alive "probe counts"

# ---------------------------------------------------------------- limits
diag "---- limits"
# destroy every row of ours, so that the counts below are exact
destroy_all() {
	local l
	for l in $(nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$PE.19" 2>/dev/null | sed -n "s/^$PE\.19\.\([0-9.]*\) = .*/\1/p"); do
		setw "$PE.19.$l" i 6 >/dev/null
	done
}
destroy_all
is "$(num $PING.1.0)" 0 "every row destroyed: cimPingCount 0"
setw $S_MAXROWS u 2 >/dev/null
ping_start m1 10.14.1.2 && ping_start m2 10.14.1.2
result $? "MaxRows 2: two rows created"
r0=$(num $C_ROWS)
ping_start m3 10.14.1.2
is "$(reason "$START_ERR") $(num "$PE.19.$(ix $OWN m3)") $(num $PING.1.0) $(($(num $C_ROWS) - r0))" "resourceUnavailable  2 1" \
	"a third row: resourceUnavailable, not created, cimPingRowsRefused +1"
setw $S_MAXROWS u 100 >/dev/null
destroy_all
setw $S_PEROWNER u 1 >/dev/null
o0=$(num $C_OWNER)
OWN=q ping_start q1 10.14.1.2
OWN=q ping_start q2 10.14.1.2
is "$(reason "$START_ERR") $(($(num $C_OWNER) - o0))" "resourceUnavailable 1" \
	"MaxRowsPerOwner 1: the owner's second row refused, cimPingOwnerRowsRefused +1"
OWN=r ping_start r1 10.14.1.2
result $? "another owner may still create a row"
setw $S_PEROWNER u 100 >/dev/null
destroy_all
setw $S_RATE u 1 >/dev/null
# rate_pair: rows g1 and g2 started back to back; false when more than a second passed from the
# first start to the second answered (a loaded machine: the bucket may have refilled between
# them, and the check would mean nothing)
rate_pair() {
	local t0
	setw "$PE.19.$(ix "$OWN" g1)" i 6 >/dev/null && setw "$PE.19.$(ix "$OWN" g2)" i 6 >/dev/null
	sleep 1.1   # a full bucket
	q0=$(num $C_RATE)
	t0=$(now_ms)
	ping_start g1 10.14.1.2
	ping_start g2 10.14.1.2
	[ $(($(now_ms) - t0)) -lt 1000 ]
}
for try in 1 2 3 4 5; do rate_pair && break; diag "the two starts took more than a second (try $try)"; done
is "$(reason "$START_ERR") $(($(num $C_RATE) - q0)) $(num "$PE.19.$(ix $OWN g2)")" "resourceUnavailable 1 " \
	"MaxProbeRate 1: a second start within the second refused, cimPingRateRefused +1"
destroy_all
setw $S_RATE u 2 >/dev/null
sleep 1.1
cap_mark
IX=$(ix "$OWN" g3)
ping_start g3 10.14.1.2 "$PE.35.$IX" u 4 "$PE.36.$IX" u 10
ping_wait 10
row_read
span=$(wire B | grep 'icmp=8/0' | awk '{ t = substr($2, 3); if (!f) f = t; l = t } END { printf "%d", (l - f) * 1000 }')
[ "$(col 37)" = 4 ] && [ "$(col 38)" = 4 ] && [ "$span" -ge 700 ]
result $? "MaxProbeRate 2: 4 probes 10 ms apart are delayed (first to last ${span} ms on the wire), all sent and answered"
setw $S_RATE u 1000 >/dev/null
both_alive "limits"

# ---------------------------------------------------------------- ageing and restart
diag "---- ageing, nonVolatile rows, restart of cimrouted"
destroy_all
a0=$(num $C_AGED)
ping_start vol 10.14.1.2 && ping_start nv 10.14.1.2 "$PE.18.$(ix $OWN nv)" i 3 "$PE.6.$(ix $OWN nv)" u 77
wait_until 5 oper_is "$(ix $OWN vol)" 3 && wait_until 5 oper_is "$(ix $OWN nv)" 3
result $? "a volatile and a nonVolatile row completed"
setw $S_AGEOUT u 2 >/dev/null
gone() { [ -z "$(num "$PE.19.$(ix $OWN vol)")" ]; }
wait_until 8 gone
is "$(gone && echo gone) $(num "$PE.19.$(ix $OWN nv)") $(($(num $C_AGED) - a0))" "gone 1 1" \
	"AgeOut 2: the completed volatile row vanishes (${WAITED_MS} ms), the nonVolatile one stays, cimPingRowsAgedOut +1"
setw $S_AGEOUT u 3600 >/dev/null
ping_start vol2 10.14.1.2
setw $S_PEROWNER u 50 >/dev/null
ping_wait 5
stop_cimrouted
is "$STOP_STATUS" 0 "cimrouted stops cleanly"
start_cimrouted
ping_registered
IX=$(ix "$OWN" nv)
row_read
is "row=$(num "$PE.19.$IX") oper=$(col 20) status=$(col 21) size=$(col 6) addr=$(col_addr 4) storage=$(col 18) vol2=$(num "$PE.19.$(ix $OWN vol2)")" \
	"row=1 oper=1 status=absent size=77 addr=10.14.1.2 storage=3 vol2=" \
	"after the restart the nonVolatile row is back, notStarted, with its parameters; the volatile one is gone"
is "$(num $S_PEROWNER) $(num $S_AGEOUT)" "50 3600" "the written MaxRowsPerOwner (50) and AgeOut are kept across the restart"
setw $S_PEROWNER u 100 >/dev/null
cap_mark
setw "$PE.16.$IX" i 1 >/dev/null
ping_wait 5
row_read
is "status=$(col 21) wiredata=$(field "$(requests 10.14.1.2)" data)" "status=0 wiredata=77" "the restored row runs with its parameters"
both_alive "ageing and restart"

# ---------------------------------------------------------------- notification
diag "---- cimPingCompletion"
ntraps() { grep -c "\.1\.3\.6\.1\.4\.1\.32473\.1\.0\.3" "$T/traps.log" 2>/dev/null; }
t0=$(ntraps)
IX=$(ix "$OWN" trap)
ping_start trap 10.14.4.2 "$PE.17.$IX" i 1
ping_wait 5
row_read
wait_until 5 sh -c "[ \$(grep -c '\.1\.3\.6\.1\.4\.1\.32473\.1\.0\.3' '$T/traps.log') -gt $t0 ]"
trap=$(grep "\.1\.3\.6\.1\.4\.1\.32473\.1\.0\.3" "$T/traps.log" | tail -n 1)
tv() { echo "$trap" | tr '\t' '\n' | grep "^$PE\.$1\.$IX = " | sed 's/^[^=]*= [A-Za-z0-9-]*: //' | head -n 1; }
is "status=$(tv 21) from=$(hex_addr "$(tv 28)") sent=$(tv 37) recv=$(tv 38)" \
	"status=$(col 21) from=$(col_addr 28) sent=$(col 37) recv=$(col 38)" \
	"cimPingCompletion arrives with the row's StatusCode ($(col 21)), ProtocolAddress, ProbesSent and ProbesReceived"
is "$(echo "$trap" | tr '\t' '\n' | sed -n "s/^$PE\.\([0-9]*\)\.$IX = .*/\1/p" | tr '\n' ' ')" "3 4 5 21 22 27 28 37 38 " \
	"cimPingCompletion's varbinds are the MIB's OBJECTS, in order, with the row's index"
t1=$(ntraps)
ping_start notrap 10.14.1.2
ping_wait 5
sleep 1
is "$(ntraps)" "$t1" "no notification for a row with TrapOnCompletion false"
both_alive "notification"

# ---------------------------------------------------------------- master restart
diag "---- a row in progress while snmpd restarts"
cap_mark
IX=$(ix "$OWN" mr)
ping_start mr 10.14.1.2 "$PE.35.$IX" u 10 "$PE.36.$IX" u 300
sleep 0.6
stop_snmpd
sleep 1
start_snmpd || bail_out "snmpd does not start again"
wait_registered 10
result $? "cimrouted registers again"
wait_until 10 oper_is "$IX" 3
row_read
is "status=$(col 21) sent=$(col 37) recv=$(col 38) wire=$(requests 10.14.1.2 | grep -c 'status=0 ')" \
	"status=0 sent=10 recv=10 wire=10" "the 10-probe row completes across the master restart: 10 sent and answered on the wire"
both_alive "master restart"

# An index no row can have (a sub-identifier after the name): noCreation, logged once.
out=$(setw "$PE.19.1.97.1.98.7" i 5)
is "$(reason "$out") $(grep -c 'refused (noCreation): cimPingTable index 1.97.1.98.7: ' "$T/cimrouted.log")" \
	"noCreation 1" "a ping index with a sub-identifier after the name: noCreation, one log line"

done_testing
