#!/bin/bash
# notify6.sh - IPv6 route changes in the one stream of route-change notifications:
# cimIP6RouteChange beside cimIP4RouteChange, one sequence of numbers, one rate limit and
# summary, one queue while the master is away, one history table (cimRouteEventTable).
#
# A real snmptrapd in the test namespace receives the SNMPv2c traps that snmpd (the master)
# sends to its sink, and logs each as one line (format2, numeric OIDs, hex octet strings);
# trap_log.py reads them (converted to its handler-log form).
#
# Cases (pass/fail):
#  1. ip -6 route add (a gateway route, metric 100), replace with another protocol (changed),
#     replace with only a new lifetime (none: as a daemon renews an RA route),
#     a source-specific route via a link-local gateway (from PREFIX), and their deletions:
#     each arrives as one cimIP6RouteChange with the right kind and the eight index values
#     (destination/prefix length, next hop, interface, table, metric, source/length), its
#     sequence number one above the previous change's
#  2. IPv4 and IPv6 changes interleaved (one ip -batch, alternating families): every one
#     arrives individually, in batch order, with one gapless run of sequence numbers
#  3. cimRouteEventTable: the rows of cases 1 and 2 hold what the notifications carried, the
#     other family's columns answer noSuchInstance, cimRouteEventAddressType tells the family;
#     a bulk walk of cimRouteEvent is ordered and complete
#  4. the master away: IPv6 and IPv4 changes made meanwhile arrive after it is back, each
#     individually, no gap
#  5. a burst of CIMR_NOTIFY6_BURST (300) IPv6 routes added, then deleted: notifications one
#     by one up to the rate limit (100 a second) and summaries cover every sequence number
#     exactly once, with the right totals; cimRouteNotifySuppressed grows by what the
#     summaries cover
# At the end every sequence number of the run has been reported exactly once, and both
# daemons are alive (checked after every case). Run time: under 90 s (78-80 s measured with a
# 1M-route benchmark running beside it on 2 cores).

. "$(dirname "$0")/lib.sh"
itest_init notify6
[ "$CIMROUTED" = mock ] && skip_all "not for the mock (it sends no notifications)"
needs snmptrapd ss

TRAP_LOG=$ITDIR/trap_log.py
RAW=$T/trapd.log # snmptrapd's log: one line per notification, '|' between fields
TLOG=$T/traps.log # the same, in trap_log.py's form (tab separated, receive time in ns)
tl() { to_tlog; python3 "$TRAP_LOG" "$@"; }

# cimRouteEvent: .1.0 cimRouteEventCount, .3.1 cimRouteEventEntry, .5.0 LastSequence,
# .9.0 cimRouteNotifySuppressed
E=.1.3.6.1.4.1.32473.1.1.4
TP=$((PORT + 1))

# snmptrapd's lines "SECONDS|v4|TRANSPORT|OID VALUE|..." -> trap_log.py's tab-separated form
to_tlog() { awk -F'|' -v OFS='\t' '/^[0-9]+\|v4\|/ { $1 = $1 "000000000"; print }' "$RAW" >"$TLOG" 2>/dev/null; }
get_num() { snmp_get "$1" 2>/dev/null | sed -n 's/^[^=]*= [A-Za-z0-9-]*: *//p' | head -n 1; }
last_seq() { get_num "$E.5.0"; }
seq_is() { [ "$(last_seq)" = "$1" ]; }
ifindex() { nsx cat "/sys/class/net/$1/ifindex"; }
covered() { tl covered "$TLOG" --sink v4 "$1" "$2"; }

# expect_change TEXT SEQ WANT: the individual notification with that sequence number
# arrives (within 5 s) naming the route; WANT is trap_log.py's key of its family:
# IPv4 "KIND DEST MASK NEXTHOP IFINDEX TABLE TOS METRIC",
# IPv6 "KIND DEST/PLEN NEXTHOP IFINDEX TABLE METRIC SRC/SRCLEN"
expect_change() {
	local out
	wait_until 5 covered "$2" "$2"
	if out=$(tl expect "$TLOG" --sink v4 "$2" "$3"); then ok "$1"; else not_ok "$1"; diag "$out"; fi
}

# coverage TEXT FIRST LAST [trap_log.py coverage options]: waiting until FIRST..LAST is
# reported (20 s), every sequence number is reported exactly once, with the given totals
coverage() {
	local text=$1 first=$2 last=$3 out rc; shift 3
	wait_until 20 covered "$first" "$last"
	out=$(tl coverage "$TLOG" --sink v4 "$first" "$last" "$@"); rc=$?
	result $rc "$text"
	diag "${out//# /}"
}

# in_order TEXT FIRST LAST WANT...: the changes FIRST..LAST, in sequence order, name these
# routes (trap_log.py keys), one each
in_order() {
	local text=$1 first=$2 last=$3 got want; shift 3
	want=$(printf '%s\n' "$@")
	got=$(tl changes "$TLOG" --sink v4 | awk -v a="$first" -v b="$last" '$1 >= a && $1 <= b' | sort -n -k1,1 |
		awk '{ if ($3 == "ip6") print $2, $4, $5, $6, $7, $8, $9; else print $2, $3, $4, $5, $6, $7, $8, $9 }')
	if [ "$got" = "$want" ]; then ok "$text"; else not_ok "$text"; diag "got:" "$got" "want:" "$want"; fi
}

# ------------------------------------------------------------------ the receiver

cat >"$T/snmptrapd.conf" <<EOF
authCommunity log public
format2 %V|%t|v4|%b|%v\n
doNotRetainNotificationLogs yes
EOF
start_trapd "$RAW" -On -Oq -Ox -Oe -OU "udp:127.0.0.1:$TP"

# ------------------------------------------------------------------ topology and daemons

veth va0 vb0 10.1.0.1/24 || bail_out "cannot build the veth topology"
nsx ip -6 addr add 2001:db8:1::1/64 dev va0 nodad || bail_out "cannot add an IPv6 address"
IFX=$(ifindex va0)
M24=255.255.255.0
write_snmpd_conf "trap2sink 127.0.0.1:$TP public"
start_snmpd || bail_out "snmpd does not start"
write_cimrouted_conf "routeTables main" "agentxPingInterval 1"
start_cimrouted
wait_registered 20 || bail_out "cimrouted does not register"
[ -n "$(last_seq)" ] || bail_out "no cimRouteEventLastSequence.0"
both_alive "start"
# The link-local routes of the new links may still be settling: start from a quiet stream.
sleep 1.2

# ------------------------------------------------------------------ 1. single IPv6 changes
diag "---- case 1: IPv6 add, change, source-specific route, delete"
s=$(last_seq)
FIRST=$((s + 1))
K1="2001:db8:10::/48 2001:db8:1::2 $IFX 254 100 ::/0"
K2="2001:db8:20::/64 fe80::2 $IFX 254 1024 2001:db8:99::/56"
nsx ip -6 route add 2001:db8:10::/48 via 2001:db8:1::2 dev va0 metric 100 proto static
expect_change "ip -6 route add: cimIP6RouteChange added(1) with its index, seq $((s + 1))" $((s + 1)) "1 $K1"
nsx ip -6 route replace 2001:db8:10::/48 via 2001:db8:1::2 dev va0 metric 100 proto bgp
expect_change "ip -6 route replace with proto bgp: changed(3), same index, seq $((s + 2))" $((s + 2)) "3 $K1"
nsx ip -6 route replace 2001:db8:10::/48 via 2001:db8:1::2 dev va0 metric 100 proto bgp expires 600
nsx ip -6 route add 2001:db8:20::/64 from 2001:db8:99::/56 via fe80::2 dev va0
expect_change "a replace with only a new lifetime makes none; a source-specific route via a link-local gateway: added(1) with its source prefix" $((s + 3)) "1 $K2"
nsx ip -6 route del 2001:db8:20::/64 from 2001:db8:99::/56 via fe80::2 dev va0
expect_change "its deletion: removed(2)" $((s + 4)) "2 $K2"
nsx ip -6 route del 2001:db8:10::/48 via 2001:db8:1::2 dev va0 metric 100
expect_change "ip -6 route del: removed(2)" $((s + 5)) "2 $K1"
wait_until 2 seq_is $((s + 5))
is "$(last_seq)" $((s + 5)) "cimRouteEventLastSequence.0 counts the IPv6 changes"
both_alive "case 1 (single IPv6 changes)"

# ------------------------------------------------------------------ 2. interleaved families
diag "---- case 2: IPv4 and IPv6 changes interleaved"
s=$(last_seq)
want=()
for i in 1 2 3 4 5; do
	echo "route add 172.30.$i.0/24 via 10.1.0.$((i + 10))"
	echo "route add 2001:db8:30:$i::/64 via 2001:db8:1::$((i + 10))"
	want+=("1 172.30.$i.0 $M24 10.1.0.$((i + 10)) $IFX 254 0 0")
	want+=("1 2001:db8:30:$i::/64 2001:db8:1::$((i + 10)) $IFX 254 1024 ::/0")
done >"$T/mixed.batch"
for i in 1 2 3 4 5; do
	echo "route del 2001:db8:30:$i::/64 via 2001:db8:1::$((i + 10))"
	echo "route del 172.30.$i.0/24 via 10.1.0.$((i + 10))"
	want+=("2 2001:db8:30:$i::/64 2001:db8:1::$((i + 10)) $IFX 254 1024 ::/0")
	want+=("2 172.30.$i.0 $M24 10.1.0.$((i + 10)) $IFX 254 0 0")
done >>"$T/mixed.batch"
nsx ip -batch "$T/mixed.batch" || not_ok "ip -batch $T/mixed.batch"
coverage "20 changes of both families: one gapless run of sequence numbers, all individual, none twice" \
	$((s + 1)) $((s + 20)) --added 10 --removed 10 --min-individual 20
in_order "in batch order: the sequence numbers alternate between cimIP4RouteChange and cimIP6RouteChange" \
	$((s + 1)) $((s + 20)) "${want[@]}"
MIXED_LAST=$((s + 20))
both_alive "case 2 (interleaved)"

# ------------------------------------------------------------------ 3. the history
diag "---- case 3: cimRouteEventTable holds both families"
: >"$T/hist.get"
COLS=2,3,4,5,6,7,8,9,10,16,17,18,19,20,21
for ((q = FIRST; q <= MIXED_LAST; q++)); do
	snmp_get $(for c in ${COLS//,/ }; do echo "$E.3.1.$c.$q"; done) >>"$T/hist.get" 2>&1
done
out=$(tl history "$TLOG" --sink v4 --get "$T/hist.get" --cols "$COLS")
result $? "history rows $FIRST..$MIXED_LAST equal the notifications; the other family's columns are absent"
diag "${out//# /}"
is "$(get_num "$E.3.1.21.$FIRST") $(get_num "$E.3.1.21.$MIXED_LAST")" "2 1" \
	"cimRouteEventAddressType: ipv6(2) for an IPv6 change, ipv4(1) for an IPv4 one"
nsx snmpbulkwalk -Cr7 "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$E" >"$T/evwalk" 2>"$T/evwalk.err"
rc=$?
out=$(tl walkcheck "$TLOG" --sink v4 --walk "$T/evwalk") && [ $rc -eq 0 ] && [ ! -s "$T/evwalk.err" ]
result $? "a bulk walk of cimRouteEvent: ordered, each row with the columns of its family, equal to the notifications"
diag "${out//# /}"
both_alive "case 3 (history)"

# ------------------------------------------------------------------ 4. the master away
diag "---- case 4: changes of both families while the master is away"
s=$(last_seq)
stop_snmpd
sleep 0.5
nsx ip -6 route add 2001:db8:40::/64 via 2001:db8:1::2 dev va0
nsx ip route add 10.40.0.0/24 via 10.1.0.2 dev va0
nsx ip -6 route add 2001:db8:41::/64 via 2001:db8:1::2 dev va0
nsx ip -6 route del 2001:db8:40::/64 via 2001:db8:1::2 dev va0
nsx ip route del 10.40.0.0/24 via 10.1.0.2 dev va0
wait_until 3 seq_is $((s + 5))
start_snmpd || bail_out "snmpd does not start again"
wait_registered 10
result $? "cimrouted registers again"
coverage "the 5 queued changes of both families arrive individually, once, without a gap" $((s + 1)) $((s + 5)) \
	--added 3 --removed 2 --min-individual 5
in_order "queued: in the order they happened, each of its family" $((s + 1)) $((s + 5)) \
	"1 2001:db8:40::/64 2001:db8:1::2 $IFX 254 1024 ::/0" "1 10.40.0.0 $M24 10.1.0.2 $IFX 254 0 0" \
	"1 2001:db8:41::/64 2001:db8:1::2 $IFX 254 1024 ::/0" "2 2001:db8:40::/64 2001:db8:1::2 $IFX 254 1024 ::/0" \
	"2 10.40.0.0 $M24 10.1.0.2 $IFX 254 0 0"
both_alive "case 4 (master away)"

# ------------------------------------------------------------------ 5. a burst of IPv6 routes
diag "---- case 5: a burst of IPv6 routes is summarised"
BURST=${CIMR_NOTIFY6_BURST:-300}
for i in $(seq 1 "$BURST"); do printf 'route add 2001:db8:5000::%x/128 via 2001:db8:1::2 dev va0\n' "$i"; done >"$T/burst.add"
sed 's/^route add/route del/' "$T/burst.add" >"$T/burst.del"
for what in add del; do
	sleep 1.2 # a fresh rate-limit interval
	s=$(last_seq)
	sup0=$(get_num "$E.9.0")
	nsx ip -batch "$T/burst.$what" || not_ok "ip -batch $T/burst.$what"
	wait_until 10 seq_is $((s + BURST))
	result $? "burst ($what): cimRouteEventLastSequence.0 advances by $BURST"
	[ $what = add ] && opt=--added || opt=--removed
	coverage "burst ($what): individual cimIP6RouteChange up to the rate limit and summaries report each of the $BURST changes once" \
		$((s + 1)) $((s + BURST)) "$opt" "$BURST" --min-individual 100 --min-summaries 1 \
		--individual-per-summary 100 --show-summaries
	summ=$(tl summaries "$TLOG" --sink v4 | awk -v a=$((s + 1)) -v b=$((s + BURST)) '$4 >= a && $5 <= b { n += $1 + $2 + $3 } END { print n + 0 }')
	is "$(($(get_num "$E.9.0") - sup0))" "$summ" "burst ($what): cimRouteNotifySuppressed grew by what the summaries cover"
done
both_alive "case 5 (burst)"

# ------------------------------------------------------------------ the whole run
final=$(last_seq)
coverage "the whole run: every sequence number $FIRST..$final, of either family, reported exactly once" \
	"$FIRST" "$final" --strict-after
is "$(get_num "$E.1.0")" "$final" "cimRouteEventCount.0: the history holds every change of the run, both families (fewer than eventHistorySize)"
both_alive "end"

done_testing
