#!/bin/bash
# master_restart.sh - cimrouted survives its master going away and comes back by itself.
#
# snmpd is stopped (SIGTERM, then in a second round SIGKILL, then a long absence), routes are
# changed while it is away, and snmpd is started again with the same configuration. Without
# restarting cimrouted, the table must be served again within a bounded time and equal the
# kernel's (route_rows.py); later changes must still be followed. Then the same over an AgentX
# TCP socket (-x tcp:...), with cimrouted started before the master.
# Pass/fail: cimrouted stays alive while the master is away; once the restarted snmpd answers,
# cimIP4RouteCount.0 answers within RECONNECT_S (default 2 s) with the default
# agentXPingInterval (5 s): cimrouted notices the lost session at once and retries every 0.5 s
# at most (issue 9, item 10: it used to wait for the ping interval, twice); the full comparison
# passes; both daemons are alive after every case.

. "$(dirname "$0")/lib.sh"
itest_init restart

RECONNECT_S=${CIMR_RECONNECT_S:-2}   # after snmpd answers, default agentXPingInterval
XPORT=$((PORT + 1))                   # the AgentX TCP port of the last rounds

veth va0 vb0 10.1.0.1/24 10.1.0.2/24 &&
	veth va1 vb1 10.2.0.1/24 10.2.0.2/24 || bail_out "cannot build the veth topology"
for i in $(seq 1 50); do echo "route add 172.30.$i.0/24 via 10.1.0.$((i + 10)) proto static"; done >"$T/routes.batch"
nsx ip -batch "$T/routes.batch" || bail_out "cannot load routes"

write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
ROUTE_TABLES=main
write_cimrouted_conf "routeTables main"
start_cimrouted
wait_registered 20
result $? "cimrouted registers with the master"
compare_kernel "table equals the kernel's before the master restarts" before --install-date absent
both_alive "start"

# cimrouted_stays_alive MS: alive during the whole interval
cimrouted_stays_alive() {
	local end=$(($(now_ms) + $1))
	while [ "$(now_ms)" -lt "$end" ]; do
		alive "$CIMR_PID" || return 1
		sleep 0.2
	done
}

round=0
for how in TERM KILL long; do
	round=$((round + 1))
	sig=$how; [ "$how" = long ] && sig=TERM
	stop_snmpd "$sig"
	diag "round $round: snmpd stopped with SIG$sig (status $STOP_STATUS)"
	# changes while the master is away
	[ "$how" = long ] && nsx ip link set va1 up
	nsx ip route add 198.51.$round.0/24 via 10.2.0.$((round + 20)) dev va1 proto bgp
	nsx ip route del 172.30.$round.0/24
	[ "$how" = KILL ] && nsx ip link set va1 down   # unannounced deletions while away
	# short: snmpd answers again well before a retry agentXPingInterval after the loss
	away=500; [ "$how" = long ] && away=8000
	cimrouted_stays_alive "$away"
	result $? "round $round ($how): cimrouted keeps running for ${away} ms while the master is away"
	if ! start_snmpd; then
		not_ok "round $round: snmpd restarts"
		continue
	fi
	wait_registered "$RECONNECT_S"
	result $? "round $round ($how): cimrouted re-registers without being restarted (within ${RECONNECT_S}s of snmpd answering)"
	diag "registered $(($(now_ms) - SNMPD_STARTED_MS)) ms after snmpd was started again"
	wait_compare 3 "round $round ($how): table equals the kernel's after the master came back" "round$round" --install-date any
	both_alive "master restart round $round ($how)"
done

# the same with an AgentX TCP socket, cimrouted started before the master
stop_cimrouted
stop_snmpd
sed -i "s|^agentXSocket .*|agentXSocket $T/agentx.sock,tcp:127.0.0.1:$XPORT|" "$T/snmpd.conf"
start_cimrouted -x "tcp:127.0.0.1:$XPORT"
sleep 1
start_snmpd || bail_out "snmpd does not start with an AgentX TCP socket"
wait_registered "$RECONNECT_S"
result $? "cimrouted started before the master registers over TCP (-x tcp:127.0.0.1:$XPORT) within ${RECONNECT_S}s of snmpd answering"
grep -q "cannot connect to the master (tcp:127.0.0.1:$XPORT); retrying" "$T/cimrouted.log"
result $? "cimrouted logs once that the master is not there yet"
for how in TERM KILL; do
	round=$((round + 1))
	stop_snmpd "$how"
	sleep 0.5
	if ! start_snmpd; then
		not_ok "round $round: snmpd restarts"
		continue
	fi
	wait_registered "$RECONNECT_S"
	result $? "round $round (TCP, $how): cimrouted re-registers over TCP (within ${RECONNECT_S}s of snmpd answering)"
	both_alive "master restart round $round (TCP, $how)"
done

# still following the kernel after all that
ix=$(index_of 203.0.113.0/24 10.1.0.99 va0 254 0 0)
nsx ip route add 203.0.113.0/24 via 10.1.0.99 dev va0
wait_until 2 row_is "$ix" present
result $? "a route added after the restarts appears (within 2 s)"
diag "after ${WAITED_MS} ms"
both_alive "route added after restarts"

done_testing
