#!/bin/bash
# changes.sh - the table follows the kernel: additions, deletions, replacements, and the
# changes the kernel does NOT announce (link down, address removal, dead/linkdown next hops,
# device deletion), plus a burst of 10,000 routes.
#
# Pass/fail: each single change must be visible through SNMP within 1 s (polled with GETs of
# the affected row; the measured delay is printed as a diag; the poll goes on to 5 s so a slow
# daemon is told apart from a wrong one); after every step the whole table must equal
# `ip -j -d -4 route show table all` (route_rows.py, every row and column) within 2 s (the
# burst: 15 s); new rows must carry an InstallDate close to now and a small Age; both daemons
# must be alive after every case.

. "$(dirname "$0")/lib.sh"
itest_init changes

LIMIT_MS=${CIMR_CHANGE_LIMIT_MS:-1000}

veth va0 vb0 10.1.0.1/24 10.1.0.2/24 &&
	veth va1 vb1 10.2.0.1/24 10.2.0.2/24 &&
	veth va2 vb2 10.3.0.1/24 10.3.0.2/24 || bail_out "cannot build the veth topology"
{
	echo "route add default via 10.1.0.254 dev va0 proto dhcp"
	for i in $(seq 1 40); do
		echo "route add 172.20.$i.0/24 via 10.$((i % 3 + 1)).0.$((i + 10)) proto bgp metric $((i % 4))"
	done
	echo "route add 172.21.0.0/16 proto ospf nexthop via 10.1.0.9 dev va0 nexthop via 10.2.0.9 dev va1"
	echo "route add 172.22.0.0/16 proto ospf nexthop via 10.2.0.9 dev va1 nexthop via 10.3.0.9 dev va2"
	echo "route add 172.23.0.0/16 via 10.3.0.9 dev va2 src 10.3.0.1"
	echo "route add blackhole 172.24.0.0/16"
	echo "route add 172.25.0.0/16 via 10.2.0.7 dev va1 table 100"
} >"$T/routes.batch"
nsx ip -batch "$T/routes.batch" || bail_out "cannot load the initial routes"

write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
ROUTE_TABLES=all
write_cimrouted_conf "routeTables all"
start_cimrouted
wait_registered 20
result $? "cimrouted registers with the master"
both_alive "start"
compare_kernel "initial table equals the kernel's" initial --install-date absent
both_alive "initial compare"

# expect_row TEXT INDEX present|absent: the row reaches the state within LIMIT_MS
expect_row() {
	local text=$1 ix=$2 want=$3
	wait_until 5 row_is "$ix" "$want"
	if row_is "$ix" "$want" && [ "$WAITED_MS" -le "$LIMIT_MS" ]; then
		ok "$text"
		diag "visible after ${WAITED_MS} ms"
	else
		not_ok "$text"
		diag "row $ix: wanted $want within $LIMIT_MS ms; after ${WAITED_MS} ms it is $(row_state "$ix")"
	fi
}

# col_is OID STRING: snmpget of OID contains STRING
col_is() { snmp_get "$1" 2>/dev/null | grep -qF -- "$2"; }

# expect_col TEXT OID STRING: the column reaches that value within LIMIT_MS
expect_col() {
	local text=$1 oid=$2 want=$3
	wait_until 5 col_is "$oid" "$want"
	if col_is "$oid" "$want" && [ "$WAITED_MS" -le "$LIMIT_MS" ]; then
		ok "$text"
		diag "visible after ${WAITED_MS} ms"
	else
		not_ok "$text"
		diag "$oid: wanted '$want' within $LIMIT_MS ms; after ${WAITED_MS} ms: $(snmp_get "$oid" 2>&1)"
	fi
}

hexstr() { printf '%s' "$1" | od -An -tx1 | tr 'a-f' 'A-F' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }

# step NAME: full comparison within 2 s, then both_alive
step() {
	wait_compare 2 "table equals the kernel's after: $1" "step-${1//[^a-zA-Z0-9]/_}" --install-date any
	both_alive "$1"
}

# ---------------------------------------------------------------- add / delete / replace
ix=$(index_of 198.51.100.0/24 10.1.0.5 va0 254 0 0)
nsx ip route add 198.51.100.0/24 via 10.1.0.5 dev va0 proto static
expect_row "an added route appears" "$ix" present
line=$(snmp_get "$OID_ENTRY.12.$ix" 2>&1)
out=$(route_rows dtcheck "$line" --within 10)
result $? "the new row has an InstallDate close to now"
diag "$out"
age=$(snmp_get "$OID_ENTRY.8.$ix" 2>&1 | sed -n 's/.*INTEGER: //p')
if [ -n "$age" ] && [ "$age" -ge 0 ] && [ "$age" -le 5 ]; then ok "the new row's Age is small ($age)"; else not_ok "the new row's Age is small"; diag "Age: '$age'"; fi
step "route add"

nsx ip route del 198.51.100.0/24 via 10.1.0.5 dev va0
expect_row "a deleted route disappears" "$ix" absent
step "route del"

nsx ip route add 198.51.100.0/24 via 10.1.0.5 dev va0 proto static
expect_row "a re-added route appears" "$ix" present
ix2=$(index_of 198.51.100.0/24 10.2.0.6 va1 254 0 0)
nsx ip route replace 198.51.100.0/24 via 10.2.0.6 dev va1 proto static
expect_row "ip route replace: the new next hop appears" "$ix2" present
expect_row "ip route replace: the old next hop disappears" "$ix" absent
step "route replace (next hop)"

nsx ip route replace 198.51.100.0/24 via 10.2.0.6 dev va1 proto bgp
expect_col "ip route replace in place: KernelProtocol follows (bgp = 186)" "$OID_ENTRY.22.$ix2" "Gauge32: 186"
expect_col "ip route replace in place: Protocol follows (bgp(14))" "$OID_ENTRY.19.$ix2" "INTEGER: 14"
step "route replace (protocol)"

ix3=$(index_of 198.51.100.0/24 10.3.0.6 va2 254 0 0)
nsx ip route append 198.51.100.0/24 via 10.3.0.6 dev va2 proto bgp
expect_row "ip route append: a second route to the same prefix appears" "$ix3" present
step "route append"

ix4=$(index_of 198.51.100.0/24 10.1.0.5 va0 254 0 50)
nsx ip route add 198.51.100.0/24 via 10.1.0.5 dev va0 metric 50
expect_row "the same prefix with another metric is a row of its own" "$ix4" present
nsx ip route del 198.51.100.0/24 via 10.1.0.5 dev va0 metric 50
expect_row "deleting it leaves the others" "$ix4" absent
row_is "$ix2" present && row_is "$ix3" present
result $? "the metric-0 routes to that prefix are still there"
step "same prefix, two metrics"

# multipath: add, change the set of hops, delete
mp1=$(index_of 203.0.113.0/24 10.1.0.20 va0 254 0 0)
mp2=$(index_of 203.0.113.0/24 10.2.0.20 va1 254 0 0)
mp3=$(index_of 203.0.113.0/24 10.3.0.20 va2 254 0 0)
nsx ip route add 203.0.113.0/24 proto zebra nexthop via 10.1.0.20 dev va0 nexthop via 10.2.0.20 dev va1
expect_row "multipath: first hop appears" "$mp1" present
expect_row "multipath: second hop appears" "$mp2" present
step "multipath add"
nsx ip route replace 203.0.113.0/24 proto zebra nexthop via 10.2.0.20 dev va1 nexthop via 10.3.0.20 dev va2
expect_row "multipath replace: new hop appears" "$mp3" present
expect_row "multipath replace: removed hop disappears" "$mp1" absent
step "multipath replace"
nsx ip route del 203.0.113.0/24
expect_row "multipath delete: hop rows disappear" "$mp2" absent
expect_row "multipath delete: all hop rows disappear" "$mp3" absent
step "multipath delete"

# other types and tables
bh=$(index_of 192.0.2.128/25 0.0.0.0 0 254 0 0)
nsx ip route add unreachable 192.0.2.128/25
expect_row "an unreachable route appears (NextHop 0.0.0.0, ifindex 0)" "$bh" present
nsx ip route del unreachable 192.0.2.128/25
expect_row "and disappears" "$bh" absent
t100=$(index_of 198.18.0.0/15 10.2.0.30 va1 100 0 0)
nsx ip route add 198.18.0.0/15 via 10.2.0.30 dev va1 table 100
expect_row "a route in table 100 appears" "$t100" present
step "unreachable and table 100"

# ---------------------------------------------------------------- unannounced changes
# carrier loss: the peer goes down, routes on va2 get "linkdown" (no route message)
mp22=$(index_of 172.22.0.0/16 10.3.0.9 va2 254 0 0)
nsx ip link set vb2 down
expect_col "carrier loss: a multipath hop's Status becomes Error" "$OID_ENTRY.20.$mp22" "Hex-STRING: $(hexstr Error) "
step "peer link down (linkdown)"
nsx ip link set vb2 up
expect_col "carrier back: the hop's Status is OK again" "$OID_ENTRY.20.$mp22" "Hex-STRING: $(hexstr OK) "
step "peer link up"

# admin down: routes on va1 are removed by the kernel without RTM_DELROUTE; multipath hops
# on va1 are marked dead
mp21=$(index_of 172.21.0.0/16 10.2.0.9 va1 254 0 0)
conn=$(index_of 10.2.0.0/24 10.2.0.1 va1 254 0 0)
nsx ip link set va1 down
expect_row "link down: its connected route disappears" "$conn" absent
expect_row "link down: its table-100 route disappears (no RTM_DELROUTE)" "$t100" absent
expect_col "link down: the multipath hop on it reports Error" "$OID_ENTRY.20.$mp21" "Hex-STRING: $(hexstr Error) "
step "link admin down"
nsx ip link set va1 up
expect_row "link up: its connected route comes back" "$conn" present
expect_col "link up: the multipath hop is OK again" "$OID_ENTRY.20.$mp21" "Hex-STRING: $(hexstr OK) "
step "link admin up"

# address removal: the connected and local routes go, and so does a route whose prefsrc
# was that address (the latter without RTM_DELROUTE)
src=$(index_of 172.23.0.0/16 10.3.0.9 va2 254 0 0)
conn3=$(index_of 10.3.0.0/24 10.3.0.1 va2 254 0 0)
nsx ip addr del 10.3.0.1/24 dev va2
expect_row "address removal: its connected route disappears" "$conn3" absent
expect_row "address removal: a route with that prefsrc disappears" "$src" absent
step "address removal"
nsx ip addr add 10.3.0.1/24 dev va2
expect_row "address added again: the connected route comes back" "$conn3" present
step "address added"

# device deletion: everything on va0/vb0 goes at once
dflt=$(index_of 0.0.0.0/0 10.1.0.254 va0 254 0 0)
nsx ip link del va0
expect_row "device deleted: the default route via it disappears" "$dflt" absent
step "device deleted"

# ---------------------------------------------------------------- a burst
BURST=${CIMR_BURST_ROUTES:-10000}
python3 -c "
for i in range($BURST):
    print('route add 10.%d.%d.%d/32 via 10.3.0.%d dev va2 table 100' % (100 + i // 65536, (i // 256) % 256, i % 256, 2 + i % 200))
" >"$T/burst.batch"
before=$(get_count)
t0=$(now_ms)
nsx ip -batch "$T/burst.batch" || not_ok "burst of $BURST routes loaded"
diag "ip -batch added $BURST routes in $(($(now_ms) - t0)) ms"
want=$((before + BURST))
count_is() { [ "$(get_count)" = "$1" ]; }
wait_until 15 count_is "$want"
result $? "after a burst of $BURST additions cimIP4RouteCount.0 reaches $want"
diag "count $(get_count) after ${WAITED_MS} ms"
both_alive "burst of additions"
nsx ip route flush table 100
nsx ip -j -d -4 route show table all >"$T/after-flush.json"
kernel_now=$(route_rows expected --routes "$T/after-flush.json" --links <(nsx ip -j link show) --tables all | wc -l)
wait_until 15 count_is "$kernel_now"
result $? "after flushing table 100 the count is back to the kernel's ($kernel_now)"
diag "count $(get_count) after ${WAITED_MS} ms"
wait_compare 5 "table equals the kernel's after the burst and the flush" burst --install-date any
both_alive "burst and flush"

done_testing
