#!/bin/bash
# killwrite.sh - kill -9 at random points of persisted-route and adapter writes (issue 16).
#
# Topology: veth va/vb, 192.0.2.100/24 on va, the gateway 192.0.2.1 beyond. In each of
# CIMR_KILL_N cycles (default 50; the README's figure used 1,000): cimrouted starts (the state
# directory as the last cycle left it), killwrite.py writes SETs one after another (createAndGo
# and destroy of persisted IPv4 routes, nonVolatile addresses of cimAdapterCfgAddressTable and
# nonVolatile gateways of cimAdapterCfgGatewayTable, chosen at random), and a random 20-600 ms
# after the first acknowledged SET cimrouted gets SIGKILL, wherever it is: between SETs, inside
# one, in the middle of a state file's write. Then it starts again and killwrite.py write-check judges.
# Pass/fail (per cycle, one TAP line for all): every SET acknowledged with noError before the
# kill is in effect after the restart (a created row in the state file and the kernel, a
# destroyed one in neither); every state file line parses; no .tmp/.old is left; cimrouted
# logs no bad state file line; it registers again each time, every subtree (no "registering pdu
# failed": no daemon of an earlier cycle left running); no daemon survives its kill. Both daemons alive at the end.
# Figure line: `KILLWRITE kills=N writes=W acked=A inflight=I violations=V seconds=S`.

. "$(dirname "$0")/lib.sh"
[ "${CIMR_ITEST_MOCK:-0}" = 1 ] && skip_all "the mock subagent has no state files"
itest_init killwrite

N=${CIMR_KILL_N:-50}
SEED=${CIMR_ITEST_SEED:-$$}
KW="$ITDIR/killwrite.py"
P_COUNT=.1.3.6.1.4.1.32473.1.1.2.1.0
A_ROW=.1.3.6.1.4.1.32473.1.1.6.1.0     # cimAdapterCfgCount.0: the adapter tables are there

veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
IFA=$(nsx cat /sys/class/net/va/ifindex)
write_snmpd_conf
write_cimrouted_conf "routeTables main"
start_snmpd || bail_out "snmpd does not start"
echo '[]' >"$T/baseline"
RANDOM=$SEED
: >"$T/violations"
kills=0 writes=0 acked=0 inflight=0 adopted=0 unregistered=0 survivors=0
t0=$(now_ms)

# judge CYCLE: the kernel and state files against the log, retried for 3 s (the persisted rows
# are installed again just after the registration)
judge() {
	nsx ip -j -4 route show table main >"$T/routes.json" && nsx ip -j -4 addr show dev va >"$T/addrs.json" &&
		python3 "$KW" write-check "$T/log.$1" "$T/baseline" "$T/state" "$T/routes.json" "$T/addrs.json" "$T/baseline.new" >"$T/judge.$1"
}
for c in $(seq 1 "$N"); do
	[ "$c" -gt 1 ] && mv "$T/cimrouted.log" "$T/cimrouted.log.$((c - 1))"   # each cycle its own
	start_cimrouted
	if ! wait_registered 20 "$OID_COUNT" "$P_COUNT" "$A_ROW" >/dev/null; then
		unregistered=$((unregistered + 1))
		diag "cycle $c: cimrouted does not register: $(tail -n 3 "$T/cimrouted.log")"
		break
	fi
	if [ "$c" -gt 1 ]; then
		wait_until 3 judge $((c - 1))
		if [ -s "$T/judge.$((c - 1))" ]; then
			set -- $(head -n 1 "$T/judge.$((c - 1))")
			writes=$((writes + $2)) acked=$((acked + $4)) inflight=$((inflight + $6)) adopted=$((adopted + $8))
			grep '^violation' "$T/judge.$((c - 1))" | sed "s/^/cycle $((c - 1)): /" >>"$T/violations"
		fi
		grep -H 'bad line\|cannot parse\|kept aside' "$T/cimrouted.log" | sed "s/^/cycle $c: /" >>"$T/violations"
		mv "$T/baseline.new" "$T/baseline" && mv "$T/baseline.new.orphans" "$T/baseline.orphans"
	fi
	: >"$T/log.$c"
	ip netns exec "$NS" python3 "$KW" write "$AGENT" "$IFA" "$T/baseline" "$T/log.$c" "$SEED$c" \
		</dev/null >>"$T/writer.out" 2>&1 &
	wpid=$!
	# the kill falls 20-600 ms after the first acknowledged write: on a loaded machine the
	# first SET alone may take that long, and a cycle without a write tests nothing
	wait_until 5 grep -q '^ack' "$T/log.$c"
	sleep "$(printf '0.%03d' $((RANDOM % 580 + 20)))"
	stop_pid "$CIMR_PID" KILL 5
	alive "$CIMR_PID" && survivors=$((survivors + 1))
	kills=$((kills + 1))
	stop_pid "$wpid" TERM 3
	CIMR_PID=
done
start_cimrouted
wait_registered 20 "$OID_COUNT" "$P_COUNT" "$A_ROW" || unregistered=$((unregistered + 1))
wait_until 3 judge "$N"
set -- $(head -n 1 "$T/judge.$N" 2>/dev/null || echo "writes 0 acked 0 inflight 0 adopted-left 0")
writes=$((writes + $2)) acked=$((acked + $4)) inflight=$((inflight + $6)) adopted=$((adopted + $8))
grep '^violation' "$T/judge.$N" 2>/dev/null | sed "s/^/cycle $N: /" >>"$T/violations"
secs=$((($(now_ms) - t0) / 1000))

is "$kills" "$N" "$N cycles of writes ended by kill -9"
is "$survivors" 0 "no cimrouted survived its kill -9"
is "$unregistered" 0 "cimrouted registered again after every kill"
reg=$(cat "$T"/cimrouted.log* | grep -c 'registering pdu failed')
is "$reg" 0 "no registration refused by the master (a daemon before it still registered)"
nv=$(wc -l <"$T/violations")
is "$nv" 0 "after every restart: no acknowledged write lost or undone, every state file line parses, no .tmp/.old left"
[ "$nv" -gt 0 ] && head -n 20 "$T/violations" | diag
[ "$acked" -ge "$N" ]
result $? "the writes were really made: $acked acknowledged ($writes sent, $inflight in flight at a kill)"
diag "state files at the end: $(wc -l <"$T/state/persisted-routes" 2>/dev/null || echo 0) persisted route lines, $(wc -l <"$T/state/static-addresses" 2>/dev/null || echo 0) address lines"
both_alive "$N kills during writes"
diag "KILLWRITE kills=$kills writes=$writes acked=$acked inflight=$inflight adopted_left=$adopted violations=$nv seconds=$secs"
done_testing
