#!/bin/bash
# master_kill_sets.sh - SETs interrupted by the master (snmpd) dying or restarting.
#
# Topology: veth va0/vb0 (10.1.0.1/24, 2001:db8:1::1/64) and va1/vb1 (10.2.0.1/24).
# A seed (printed; CIMR_MKS_SEED overrides it) drives CIMR_MKS_CYCLES cycles (default 6): 1-3
# PDUs of 1-5 varbinds over disjoint keys of several tables at once (master_kill_sets.py:
# persisted IPv4 and IPv6 routes, live IPv4 routes, nonVolatile adapter addresses, SetMTU
# (1279 on va1 too: a row that runs after every other row of its SET, and not at all once the
# master is gone), NetConnectionID, SetDefaultTTL), each key moved to the state it does not have, are sent
# together; after a random 0-300 ms snmpd gets SIGKILL or SIGTERM (sometimes twice in a row:
# killed again just after its restart), with kernel churn (unrelated routes added and
# deleted, va1 flapped) in the same moment sometimes, and is started again at once or after
# a second.
# Pass/fail (per cycle): cimrouted is alive and serves every subtree (the route tables, the
# persisted tables, the adapter tables, cimTcpip) within RECONNECT_S (default 3 s, CIMR_RECONNECT_S)
# of snmpd answering; each PDU is all or nothing (its keys all in effect or none; an answer of
# noError: all), keys of no PDU are unchanged, every persisted row is in its state file, its
# table and the kernel alike, the state files parse and no .tmp is left (checked again for
# 3 s while persisted routes are reinstalled); a fresh SET of keys of the same kinds answers
# noError at once and is in effect. At the end: no assertion or abort in cimrouted's log, and
# (a sanitizer build) no AddressSanitizer, UBSan or LeakSanitizer report once it exits on
# SIGTERM (leaks are checked: LSan's suppression of net-snmp's own leak is valgrind.supp's).

. "$(dirname "$0")/lib.sh"
[ "$CIMROUTED" = mock ] || [ "${CIMR_ITEST_MOCK:-0}" = 1 ] && skip_all "not for the mock"
itest_init mks

SEED=${CIMR_MKS_SEED:-$((RANDOM * 32768 + RANDOM))}
CYCLES=${CIMR_MKS_CYCLES:-6}
RECONNECT_S=${CIMR_RECONNECT_S:-3}
MKS="$ITDIR/master_kill_sets.py"
diag "seed $SEED, $CYCLES cycles (CIMR_MKS_SEED, CIMR_MKS_CYCLES)"
RANDOM=$SEED

P4_COUNT=.1.3.6.1.4.1.32473.1.1.2.1.0
P6_COUNT=.1.3.6.1.4.1.32473.1.1.9.1.0
AD_COUNT=.1.3.6.1.4.1.32473.1.1.5.1.0
CFG_COUNT=.1.3.6.1.4.1.32473.1.1.6.1.0
TTL=.1.3.6.1.4.1.32473.1.1.6.12.6.0
SUBTREES=("$OID_COUNT" "$P4_COUNT" "$P6_COUNT" "$AD_COUNT" "$CFG_COUNT" "$TTL")

if daemon_sanitized; then
	# leaks too (the suite runs the sanitizer build with detect_leaks=0): LSan reports at exit
	printf 'leak:netsnmp_transport_recv\n' >"$T/lsan.supp"
	# (fast_unwind_on_malloc=0: libnetsnmp has no frame pointers, and the suppression names its function)
	export ASAN_OPTIONS=${CIMR_MKS_ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0}
	export LSAN_OPTIONS=suppressions=$T/lsan.supp
	RECONNECT_S=${CIMR_RECONNECT_S:-6}
fi

nsx sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 || bail_out "cannot set the IPv6 sysctls"
veth va0 vb0 10.1.0.1/24 10.1.0.2/24 && veth va1 vb1 10.2.0.1/24 10.2.0.2/24 &&
	nsx ip -6 addr add 2001:db8:1::1/64 dev va0 nodad || bail_out "cannot build the topology"
write_snmpd_conf
write_cimrouted_conf "routeTables main"
start_snmpd || bail_out "snmpd does not start"
start_cimrouted
wait_registered 20 "${SUBTREES[@]}" || bail_out "cimrouted does not register"
export AGENT

mks() { ip netns exec "$NS" python3 "$MKS" "$@"; }
judge() { mks judge "$T/state" "$T/plan.$1" "$T/answers.$1" >"$T/judge.$1" 2>&1; }
churn() {
	local n=$1
	nsx ip route add 10.99.$n.0/24 via 10.2.0.9 2>/dev/null
	nsx ip link set va1 down; nsx ip link set va1 up
	nsx ip route del 10.99.$((n - 1)).0/24 2>/dev/null
}
# restart SIG AWAY: stop snmpd with SIG, start it again after AWAY ms
restart() {
	stop_snmpd "$1"
	[ "$2" -gt 0 ] && sleep "$(printf '%d.%03d' $(($2 / 1000)) $(($2 % 1000)))"
	start_snmpd
}

for ((c = 1; c <= CYCLES; c++)); do
	out=$(mks plan "$T/state" "$SEED" "$c" "$T/plan.$c") || { not_ok "cycle $c: plan"; diag "$out"; break; }
	sig=KILL; [ $((RANDOM % 2)) = 0 ] && sig=TERM
	# from the moment the PDUs are sent; half the time within 20 ms, when most SETs are
	# in flight (master_kill_sets.py kills snmpd: the shell's own steps take milliseconds)
	delay=$((RANDOM % 301)) away=0 twice=0 kchurn=0
	[ $((RANDOM % 2)) = 0 ] && delay=$((delay % 21))
	[ $((RANDOM % 3)) = 0 ] && away=1000
	[ $((RANDOM % 4)) = 0 ] && twice=1
	[ $((RANDOM % 3)) = 0 ] && kchurn=1
	what="SIG$sig after ${delay} ms, back after ${away} ms$([ $twice = 1 ] && echo ', twice')$([ $kchurn = 1 ] && echo ', kernel churn')"
	diag "cycle $c: $out; $what"
	mks send "$AGENT" "$T/plan.$c" "$T/answers.$c" 1.5 "$SNMPD_PID" "$sig" "$delay" &
	spid=$!
	for ((i = 0; i < 1000; i++)); do [ -e "$T/answers.$c.sent" ] && break; sleep 0.005; done
	[ $kchurn = 1 ] && churn "$c"
	restart "$sig" "$away" || bail_out "cycle $c: snmpd does not start again"
	if [ $twice = 1 ]; then
		sleep "0.$((RANDOM % 3))"
		restart "$([ $((RANDOM % 2)) = 0 ] && echo KILL || echo TERM)" 0 || bail_out "cycle $c: snmpd does not start again"
	fi
	wait "$spid"
	# (result's status is not the condition's: each failure's diagnosis is under an if)
	wait_registered "$RECONNECT_S" "${SUBTREES[@]}"
	rc=$?
	result $rc "cycle $c ($what): cimrouted serves every subtree again within ${RECONNECT_S}s of snmpd answering"
	[ $rc = 0 ] || wait_registered 10 "${SUBTREES[@]}" || { both_alive "cycle $c"; break; }
	wait_until 3 judge "$c"
	rc=$?
	result $rc "cycle $c: each PDU all or nothing, nothing else changed, persisted rows = state files = kernel, files parse"
	[ $rc = 0 ] || sed 's/^/  /' "$T/judge.$c" | diag
	[ $rc = 0 ] && diag "$(tail -n 1 "$T/judge.$c")"
	# a fresh SET of the same kinds works at once (no row locked, no transaction left open)
	out=$(mks plan "$T/state" "$SEED" "$((c + 10000))" "$T/plan.f$c") &&
		mks send "$AGENT" "$T/plan.f$c" "$T/answers.f$c" 6
	answers=$(cat "$T/answers.f$c" 2>/dev/null)
	[[ $answers =~ ^\[(\[0,\ 0\](,\ )?)+\]$ ]] && wait_until 3 judge "f$c"
	rc=$?
	result $rc "cycle $c: a fresh SET ($out) answers noError and is in effect"
	[ $rc = 0 ] || { diag "answers: $answers"; sed 's/^/  /' "$T/judge.f$c" 2>/dev/null | diag; }
	both_alive "cycle $c" || break
done

grep -nE 'assert|abort|Assertion' "$T/cimrouted.log" "$T/cimrouted.out" >"$T/asserts" 2>/dev/null
is "$(wc -l <"$T/asserts")" 0 "no assertion or abort in cimrouted's log"
[ -s "$T/asserts" ] && head -n 5 "$T/asserts" | diag
diag "SETs the master left without COMMIT or UNDO: $(grep -c 'master went away before its COMMIT' "$T/cimrouted.log") committed, $(grep -c 'master went away before its UNDO' "$T/cimrouted.log") undone, $(grep -c 'never committed or undone' "$T/cimrouted.log") settled by the next SET"
stop_cimrouted TERM
is "$STOP_STATUS" 0 "cimrouted exits with status 0 on SIGTERM"
grep -nE 'AddressSanitizer|LeakSanitizer|runtime error:' "$T/cimrouted.out" >"$T/san" 2>/dev/null
is "$(wc -l <"$T/san")" 0 "no sanitizer report (leaks included: $(daemon_sanitized && echo "ASan build, $ASAN_OPTIONS" || echo "not a sanitizer build"))"
[ -s "$T/san" ] && head -n 40 "$T/cimrouted.out" | diag
done_testing
