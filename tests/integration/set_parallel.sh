#!/bin/bash
# set_parallel.sh - 1,000 SETs on cimIP4RouteTable from several clients at once.
#
# 8 clients run side by side, each 125 createAndGo SETs (one row a SET) of distinct routes
# 10.200.K.I/32 via 192.0.2.1 dev va, main table, tos 0, metric 0, then, again side by side,
# 125 destroys each. snmpset runs with -t 10 -r 0: a retried createAndGo would fail (the
# row exists), so every SET is sent once.
# Then 4 clients create the same 50 routes 10.201.0.I/32 at once.
# Pass/fail: every SET succeeds (exit status 0, counted per SET); after the creations the
# kernel holds the 1,000 routes with proto 252 and the whole table equals `ip -j route`
# (route_rows.py, within 5 s); after the destroys none of them is left and the table again
# equals the kernel's; of the contended SETs each route is created by exactly one client and
# the 150 others fail with inconsistentValue; both daemons alive after each phase.

. "$(dirname "$0")/lib.sh"
itest_init set_parallel

CLIENTS=${CIMR_SET_CLIENTS:-8}
PER_CLIENT=${CIMR_SET_PER_CLIENT:-125}
TOTAL=$((CLIENTS * PER_CLIENT))
NH=192.0.2.1

veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
write_cimrouted_conf "routeTables main"
start_agents
IFX=$(nsx cat /sys/class/net/va/ifindex)

# kernel_count: main-table routes 10.200.0.0/16 with proto 252
kernel_count() {
	nsx ip -N -j -4 route show table main proto 252 | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin) if r["dst"].startswith("10.200.")))'
}
kernel_count_is() { [ "$(kernel_count)" = "$1" ]; }

# run_clients STATUS NAME NET CLIENTS PER_CLIENT [same]: CLIENTS loops in parallel, each
# PER_CLIENT SETs of RowStatus STATUS on NET.K.I/32 (with "same": NET.0.I for every client);
# each SET's exit status goes to $T/NAME.status.K (one line "ROUTE STATUS"), the tool's
# output to $T/NAME.out.K
run_clients() {
	local status=$1 name=$2 net=$3 clients=$4 per=$5 same=${6:-} k pids=() t0
	t0=$(now_ms)
	for k in $(seq 0 $((clients - 1))); do
		(
			c=$k; [ -n "$same" ] && c=0
			for i in $(seq 0 $((per - 1))); do
				ip netns exec "$NS" snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" \
					"$OID_ENTRY.24.$net.$c.$i.255.255.255.255.$NH.$IFX.254.0.0" i "$status" \
					>>"$T/$name.out.$k" 2>&1
				echo "$net.$c.$i $?"
			done >"$T/$name.status.$k"
		) &
		pids+=($!)
		EXTRA_PIDS+=($!)
	done
	for k in "${pids[@]}"; do wait "$k"; done
	diag "$name: $((clients * per)) SETs from $clients clients in $(($(now_ms) - t0)) ms"
}

# all_succeeded TEXT NAME: one TAP line: TOTAL SETs recorded, all with exit status 0
all_succeeded() {
	local n good
	n=$(cat "$T/$2".status.* | wc -l)
	good=$(cat "$T/$2".status.* | grep -c ' 0$')
	if [ "$n" = "$TOTAL" ] && [ "$good" = "$TOTAL" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "$n SETs recorded, $good succeeded; the first failures:"
		cat "$T/$2".status.* | grep -v ' 0$' | head -5 | diag
		cat "$T/$2".out.* | grep -E 'Reason|Timeout' | sort | uniq -c | head -5 | diag
	fi
}

before=$(get_count)
run_clients 4 create 10.200 "$CLIENTS" "$PER_CLIENT"
all_succeeded "all $TOTAL createAndGo SETs from $CLIENTS parallel clients succeeded" create
is "$(kernel_count)" "$TOTAL" "the kernel has the $TOTAL routes with proto 252"
wait_compare 5 "after the creations the table equals the kernel's" created
is "$(get_count)" "$((before + TOTAL))" "cimIP4RouteCount.0 grew by $TOTAL"
both_alive "$TOTAL parallel creations"

run_clients 6 destroy 10.200 "$CLIENTS" "$PER_CLIENT"
all_succeeded "all $TOTAL destroy SETs from $CLIENTS parallel clients succeeded" destroy
is "$(kernel_count)" 0 "none of the routes is left in the kernel"
wait_compare 5 "after the destroys the table equals the kernel's" destroyed
is "$(get_count)" "$before" "cimIP4RouteCount.0 is back to $before"
both_alive "$TOTAL parallel destroys"

# contention: 4 clients create the same 50 routes; each must be created exactly once, the
# other attempts refused with inconsistentValue (the row exists)
SAME=50
run_clients 4 contend 10.201 4 "$SAME" same
per_route=$(cat "$T"/contend.status.* | awk '$2 == 0 { n[$1]++ } END { for (r in n) print n[r] }' | sort | uniq -c | sed 's/^ *//')
is "$per_route" "$SAME 1" "contention: each of the $SAME routes was created by exactly one of 4 clients"
others=$(cat "$T"/contend.out.* | grep -E '^Reason' | sed 's/ (.*//' | sort | uniq -c | sed 's/^ *//')
is "$others" "$((3 * SAME)) Reason: inconsistentValue" "contention: the $((3 * SAME)) other attempts were refused with inconsistentValue"
is "$(nsx ip -N -j -4 route show table main proto 252 | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin) if r["dst"].startswith("10.201.")))')" "$SAME" \
	"contention: the kernel has the $SAME routes once each"
wait_compare 5 "contention: the table equals the kernel's" contended
both_alive "contended creations"

done_testing
