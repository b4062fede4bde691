#!/bin/bash
# overrun.sh - netlink loses events under a burst; cimrouted notices and re-dumps.
#
# The daemon runs with a tiny event socket buffer (netlinkEventBuffer 4096) and is stopped
# (SIGSTOP) while 5,000 routes are added, so the buffer overflows (ENOBUFS) and events are
# really lost; then it continues (SIGCONT). Pass/fail:
# the daemon logs the overrun, stays alive, and its table equals the kernel's shortly
# after the burst (the re-dump and diff repaired it); the same after a burst of deletions.
# A control run with the default buffer shows no overrun for the same burst.
# Then, with the tiny buffer, a sustained rate: 2 parallel `ip -batch` making 200,000 route
# changes (adds and deletes) as fast as the kernel takes them (about 100,000 a second here);
# the overrun is detected and the final table equals the kernel's. The achieved rate is
# printed (OVERRUN line); CIMR_OVERRUN_ROUNDS (default 10), _ROUTES (5000), _PARALLEL (2) scale it.

. "$(dirname "$0")/lib.sh"
itest_init overrun
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

veth va0 vb0 10.1.0.1/24 10.1.0.2/24 || bail_out "cannot build the veth topology"
for i in $(seq 0 4999); do
	echo "route add 100.$((64 + i / 256)).$((i % 256)).0/24 via 10.1.0.2 proto bgp"
done >"$T/add.batch"
sed 's/^route add/route del/' "$T/add.batch" >"$T/del.batch"

burst() { # name batch-file: one burst while the daemon is stopped, then the table must equal the kernel's
	kill -STOP "$CIMR_PID"
	nsx ip -batch "$2" || not_ok "ip -batch $2"
	kill -CONT "$CIMR_PID"
	wait_compare 20 "after the $1 burst, the table equals the kernel's" "$1"
	both_alive "after the $1 burst"
}

# Control: the default 64 MB buffer absorbs the same burst without loss.
write_cimrouted_conf "routeTables main"
start_agents
burst control-add "$T/add.batch"
if grep -q "event socket overrun" "$T/cimrouted.log"; then
	not_ok "no overrun with the default buffer"
else
	ok "no overrun with the default buffer"
fi
nsx ip -batch "$T/del.batch"
wait_compare 20 "after the control deletions, the table equals the kernel's" control-del
stop_cimrouted
is "$STOP_STATUS" 0 "control daemon stops cleanly"

# Tiny buffer: events are lost, and repaired.
: >"$T/cimrouted.log"
write_cimrouted_conf "routeTables main" "netlinkEventBuffer 4096"
start_cimrouted
wait_registered 10 || bail_out "cimrouted did not register"
burst add "$T/add.batch"
burst delete "$T/del.batch"
n=$(grep -c "event socket overrun" "$T/cimrouted.log")
if [ "${n:-0}" -gt 0 ]; then
	ok "the overrun was detected ($n times)"
else
	not_ok "the overrun was detected"
	diag "$(tail -n 20 "$T/cimrouted.log")"
fi
grep -q "re-dump after lost events:" "$T/cimrouted.log" && ok "a re-dump repaired the mirror" ||
	{ not_ok "a re-dump repaired the mirror"; diag "$(tail -n 20 "$T/cimrouted.log")"; }
is "$(get_count)" "$(nsx ip -4 route show table main | wc -l)" "cimIP4RouteCount equals the kernel's count"

# Sustained rate (issue 16): RATE_P `ip -batch` in parallel, each adding and deleting its own
# RATE_K host routes RATE_ROUNDS times, then adding RATE_K/20 of them back, with the tiny
# buffer still on; the achieved rate is measured (changes / wall time of the batches). The
# overrun must be noticed again and the final table (RATE_P * RATE_K/20 routes more) must
# equal the kernel's. Long form: CIMR_OVERRUN_ROUNDS=50 (2,000,000 changes).
RATE_P=${CIMR_OVERRUN_PARALLEL:-2}
RATE_K=${CIMR_OVERRUN_ROUTES:-5000}
RATE_ROUNDS=${CIMR_OVERRUN_ROUNDS:-10}
for p in $(seq 0 $((RATE_P - 1))); do
	python3 - "$p" "$RATE_K" "$RATE_ROUNDS" >"$T/rate.$p" <<'PY'
import sys
p, k, rounds = (int(a) for a in sys.argv[1:])
dst = ['10.%d.%d.%d/32' % (100 + p, i // 256, i % 256) for i in range(k)]
for _ in range(rounds):
    print('\n'.join('route add %s via 10.1.0.2 proto bgp' % d for d in dst))
    print('\n'.join('route del %s' % d for d in dst))
print('\n'.join('route add %s via 10.1.0.2 proto bgp' % d for d in dst[:k // 20]))
PY
done
changes=$((RATE_P * (RATE_K * 2 * RATE_ROUNDS + RATE_K / 20)))
n0=$(grep -c "event socket overrun" "$T/cimrouted.log")
# The rate is the kernel's: on a router the routing daemon that makes the changes has CPUs of
# its own, here two cores are shared by the generators and cimrouted. cimrouted is niced for
# the phase so that the generators are not slowed by the reader they are to overrun.
renice -n 19 -p "$CIMR_PID" >/dev/null
t0=$(date +%s%N)
rpids=()
for p in $(seq 0 $((RATE_P - 1))); do
	ip netns exec "$NS" ip -batch "$T/rate.$p" >"$T/rate.$p.out" 2>&1 &
	rpids+=("$!")
done
failed=0
for p in "${rpids[@]}"; do wait "$p" || failed=$((failed + 1)); done
t1=$(date +%s%N)
renice -n 0 -p "$CIMR_PID" >/dev/null
is "$failed" 0 "$RATE_P parallel ip -batch of $changes route changes all succeed"
rate=$((changes * 1000000000 / (t1 - t0)))
wait_compare 60 "after $changes changes at $rate a second, the table equals the kernel's" rate
n1=$(grep -c "event socket overrun" "$T/cimrouted.log")
[ $((n1 - n0)) -gt 0 ]
result $? "the overrun under the sustained rate was detected ($((n1 - n0)) times)"
both_alive "the sustained rate"
diag "OVERRUN changes=$changes parallel=$RATE_P elapsed_ms=$(((t1 - t0) / 1000000)) rate=$rate/s overruns=$((n1 - n0)) final_routes=$(nsx ip -4 route show table main | wc -l) compare_ms=$WAITED_MS"

# A bad value is refused at start with the token named.
write_cimrouted_conf "netlinkEventBuffer 12"
stop_cimrouted
out=$(ip netns exec "$NS" "$CIMROUTED" -f -x "$T/agentx.sock" -c "$T/cimrouted.conf" -S "$T/state" 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q netlinkEventBuffer && ok "netlinkEventBuffer 12 is refused" ||
	{ not_ok "netlinkEventBuffer 12 is refused"; diag "rc=$rc: $out"; }
done_testing
