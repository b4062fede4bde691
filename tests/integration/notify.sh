#!/bin/bash
# notify.sh - route-change notifications: cimIP4RouteChange, cimIP4RouteChangeSummary, the
# event history table (cimRouteEventTable) and the notification settings.
#
# A real snmptrapd runs in the test namespace with three listeners; snmpd (the master) sends
# to it through its own sinks: SNMPv2c traps to an IPv4 sink (v4) and an IPv6 sink (v6), and
# SNMPv3 authPriv informs (v3i). A traphandle program (trap_handler.c) writes every received notification as
# one line (receive time in ns, sink, transport, varbinds) to $T/traps.log; trap_log.py reads
# it. snmptrapd's own log (format2, with the PDU type and the typed values) is checked too.
#
# Cases (pass/fail), in the order they run (1, 1b, 9, 2, 3, 4, 5, 6, 6b, 8, 7, 10, 11):
#  1. add, replace to another proto (changed), metric change with ip (add + del) and with a
#     SET of Metric1 (added + removed), delete, a direct route (next hop = its source):
#     right kind and key columns, sequence +1 each, on every sink; the history rows with the
#     same sequence numbers hold the same values; TimeCreated is UTC and close to reception;
#     a bulk walk of cimRouteEvent is ordered and complete
#  1b. ip route change with an MTU, then a realm: changed(3) each (the kernel's replace
#     message, though the row's columns stay); the same change again is silent
# The links carry IPv4 only (IPv6 changes, numbered in the same stream, are notify6.sh's).
#  2. link down: a removal for each route on the link (connected and via a gateway); link up
#  3. address removal: its connected route and the routes via that subnet are removed
#  4. nexthop object deletion: its route is removed
#  5. a burst of 10,000 additions, then deletions: individual notifications and summaries
#     cover every sequence number exactly once, with the right totals; GETs keep being
#     answered (worst round trip reported; a timeout fails); Suppressed counts the summaries'
#  6. master restart: changes made while snmpd is away arrive after it is back, no gap
#  6b. the master killed (SIGKILL) right after a batch of 50 changes: none is lost (one the
#     master passed on but did not acknowledge may arrive twice on a sink: reported, allowed)
#  7. queue overflow (notifyQueueLength 5): what arrives plus a summary covers all 20
#     changes; cimRouteNotifyDropped > 0
#  8. settings: rate limit 0 (summaries only) and 5; notifications disabled (no
#     notification, the history and the last sequence still advance); history size 3 and 0;
#     refused SETs (wrongValue, wrongType, notWritable) change nothing; after a restart of
#     cimrouted the written values and the sequence numbering continue
#  9. latency of single changes, from just before `ip route` to the handler (reported;
#     fails above 5 s or when one is missing)
#  10. netlink events lost (tiny event buffer, daemon stopped during 3,000 additions): the
#     changes the re-dump finds come in a summary; each change reported once
#  11. cimrouted killed (SIGKILL): the sequence numbering does not go back
# After every case both daemons must be alive; at the end every sequence number must have
# been reported exactly once on each sink (except the one made while disabled), and
# snmptrapd's log must show the varbinds in order with their types, v2c TRAP2 PDUs on the
# trap sinks and SNMPv3 INFORM PDUs on the inform sink.
#
# Environment: CIMR_NOTIFY_BURST (10000), CIMR_NOTIFY_LOST (3000), CIMR_NOTIFY_WAIT_S (15).

. "$(dirname "$0")/lib.sh"
itest_init notify
[ "$CIMROUTED" = mock ] && skip_all "not for the mock (it sends no notifications)"
needs snmptrapd snmptrap snmpinform ss

TRAP_LOG=$ITDIR/trap_log.py
TLOG=$T/traps.log              # the handler's log
WLOG=$T/wire.log               # when snmpd sent each notification (wire_log.py)
tl() { python3 "$TRAP_LOG" "$@"; }
wl() { python3 "$ITDIR/wire_log.py" "$@"; }

R=.1.3.6.1.4.1.32473.1
E=$R.1.4
OID_EV_COUNT=$E.1.0
OID_EV_LASTCHANGE=$E.2.0
OID_EV_TABLE=$E.3.1
OID_HISTSIZE=$E.4.0
OID_LASTSEQ=$E.5.0
OID_ENABLED=$E.6.0
OID_RATE=$E.7.0
OID_DROPPED=$E.8.0
OID_SUPPRESSED=$E.9.0

TP4=$((PORT + 1))   # v2c traps over IPv4
TP6=$((PORT + 2))   # v2c traps over IPv6
TPI=$((PORT + 3))   # v3 informs
SINKS=(v4 v6 v3i)

# ------------------------------------------------------------------ helpers

ifindex() { nsx cat "/sys/class/net/$1/ifindex"; }
# get_num OID: the value of a scalar (number or address), empty when there is none
get_num() { snmp_get "$1" 2>/dev/null | sed -n 's/^[^=]*= [A-Za-z0-9-]*: *//p' | head -n 1; }
last_seq() { get_num "$OID_LASTSEQ"; }
seq_is() { [ "$(last_seq)" = "$1" ]; }
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@" 2>&1; }
settings() { echo "enabled=$(get_num "$OID_ENABLED") rate=$(get_num "$OID_RATE") history=$(get_num "$OID_HISTSIZE")"; }

SINKLIST=$(IFS=,; echo "${SINKS[*]}")

# covered SINK FIRST LAST: each of FIRST..LAST has been reported on SINK, individually or by a
# summary (awk: cheap enough to poll)
covered() {
	awk -F'\t' -f "$ITDIR/covered.awk" -v s="$1" -v a="$2" -v b="$3" -v R="$R" -v kinds=.0.1 \
		"$TLOG" 2>/dev/null
}
covered_all() { local s; for s in "${SINKS[@]}"; do covered "$s" "$1" "$2" || return 1; done; }

# expect_change TEXT SEQ "KIND DEST MASK NEXTHOP IFINDEX TABLE TOS METRIC": the individual
# cimIP4RouteChange with that sequence number arrives on every sink (within 5 s), naming it
expect_change() {
	local text=$1 seq=$2 want=$3 out
	wait_until 5 covered_all "$seq" "$seq"
	if out=$(tl expect "$TLOG" --sink "$SINKLIST" "$seq" "$want"); then ok "$text"; else not_ok "$text"; diag "$out"; fi
}

# expect_set TEXT FIRST LAST ROUTE...: the changes FIRST..LAST arrive individually on every
# sink (within 5 s) and name exactly these routes ("KIND DEST ... METRIC"), in any order
expect_set() {
	local text=$1 first=$2 last=$3 sink got want bad=(); shift 3
	want=$(printf '%s\n' "$@" | sort)
	wait_until 5 covered_all "$first" "$last"
	for sink in "${SINKS[@]}"; do
		got=$(tl changes "$TLOG" --sink "$sink" |
			awk -v a="$first" -v b="$last" '$1 >= a && $1 <= b { print $2, $3, $4, $5, $6, $7, $8, $9 }' | sort)
		[ "$got" = "$want" ] ||
			bad+=("$sink: got (kind dest mask nexthop ifindex table tos metric):" "$got" "want:" "$want")
	done
	if [ ${#bad[@]} -eq 0 ]; then ok "$text"; else not_ok "$text"; diag "${bad[@]}"; fi
}

# coverage TEXT FIRST LAST [trap_log.py coverage options]: on every sink, waiting until all
# of FIRST..LAST is reported (CIMR_NOTIFY_WAIT_S, default 15 s), every sequence number is
# reported exactly once (individually or by a summary), with the given totals
coverage() {
	local text=$1 first=$2 last=$3 out rc; shift 3
	wait_until "${CIMR_NOTIFY_WAIT_S:-15}" covered_all "$first" "$last"
	out=$(tl coverage "$TLOG" --sink "$SINKLIST" "$first" "$last" "$@"); rc=$?
	result $rc "$text"
	diag "${out//# /}"
}

# history_matches TEXT FIRST LAST: the cimRouteEventTable rows FIRST..LAST hold what the
# notifications with those sequence numbers carried (v4 sink)
history_matches() {
	local text=$1 first=$2 last=$3 q out rc
	: >"$T/hist.get"
	for ((q = first; q <= last; q++)); do
		snmp_get "$OID_EV_TABLE."{2..10}".$q" >>"$T/hist.get" 2>&1
	done
	out=$(tl history "$TLOG" --sink v4 --get "$T/hist.get"); rc=$?
	result $rc "$text"
	[ $rc -ne 0 ] && diag "$out"
	return $rc
}

# timecheck TEXT FIRST LAST [SLACK_S]: TimeCreated is an 11-byte UTC DateAndTime at most
# SLACK_S (default 5) before reception, on every sink
timecheck() {
	local out
	out=$(tl timecheck "$TLOG" --sink "$SINKLIST" "$2" "$3" --slack "${4:-5}")
	result $? "$1"
	diag "${out//# /}"
}

# none_of TEXT FIRST LAST: no notification reports FIRST..LAST on any sink
none_of() {
	local out
	out=$(tl none "$TLOG" --sink "$SINKLIST" "$2" "$3")
	result $? "$1"
	[ -n "$out" ] && diag "$out"
}

# summarised FIRST LAST: the number of changes of FIRST..LAST reported by summaries (v4)
summarised() {
	tl summaries "$TLOG" --sink v4 |
		awk -v a="$1" -v b="$2" '$4 >= a && $5 <= b { n += $1 + $2 + $3 } END { print n + 0 }'
}

# set_refused TEXT ERROR OID TYPE VALUE: the SET answers ERROR and the settings stay as they were
set_refused() {
	local text=$1 err=$2 before after out; shift 2
	before=$(settings)
	out=$(setw "$@")
	after=$(settings)
	if echo "$out" | grep -q "Reason: $err" && [ "$before" = "$after" ]; then
		ok "$text"
	else
		not_ok "$text"
		diag "snmpset $*: wanted $err and no change" "got: $out" "settings before: $before" "settings after:  $after"
	fi
}

# ------------------------------------------------------------------ the receiver

# The handler (trap_handler.c) writes one line per notification: receive time in ns, sink,
# transport, varbinds (tab separated).
HANDLER=$BUILDDIR/tests/integration/trap_handler
[ -x "$HANDLER" ] || bail_out "$HANDLER not built (make)"
cat >"$T/snmptrapd.conf" <<EOF
authCommunity log,execute public
createUser $V3USER SHA $V3AUTH AES $V3PRIV
authUser log,execute $V3USER priv
traphandle default $HANDLER $TLOG $TP4 $TPI
format2 TRAPLOG %P|%b|%v\n
doNotRetainNotificationLogs yes
# snmptrapd runs the handler for one notification at a time: a burst split over two
# rate-limit intervals (200 changes and 2 summaries a sink, 3 sinks) must wait in the socket
# rather than be dropped by the receiver itself.
[snmp] serverRecvBuf 4194304
EOF
start_trapd "$T/snmptrapd.log" -On -Ox -Oe -OU "udp:127.0.0.1:$TP4" "udp6:[::1]:$TP6" "udp:127.0.0.1:$TPI"
# The handler runs one notification at a time and is slow on a loaded machine: what snmpd
# sends is timed on the wire too, so that the figures show whose time it is.
nsx python3 "$ITDIR/wire_log.py" record "$WLOG" "$TP4" "$TP6" "$TPI" </dev/null 2>>"$T/wire.err" &
EXTRA_PIDS+=($!)

# receiver self-test: a hand-sent trap on each listener and an SNMPv3 inform (acknowledged)
nsx snmptrap -v2c -c public "127.0.0.1:$TP4" '' "$R.0.99" "$E.10.1.0" u 0 &&
	nsx snmptrap -v2c -c public "udp6:[::1]:$TP6" '' "$R.0.99" "$E.10.1.0" u 0 &&
	nsx snmpinform "${V3[@]}" -t 3 -r 1 "127.0.0.1:$TPI" '' "$R.0.99" "$E.10.1.0" u 0 >/dev/null
result $? "snmptrapd acknowledges a hand-sent SNMPv3 inform"
selftest_seen() {
	local s
	for s in v4 v6 v3i; do
		awk -F'\t' -v s="$s" -v t=".1.3.6.1.6.3.1.1.4.1.0 $R.0.99" '$2 == s && index($0, "\t" t) { f = 1 } END { exit !f }' \
			"$TLOG" 2>/dev/null || return 1
	done
}
wait_until 5 selftest_seen
result $? "the receiver records hand-sent notifications on all three listeners (v4, v6, v3i)"

# ------------------------------------------------------------------ topology and daemons

# IPv4 only on the links: their IPv6 link-local routes (fe80::/64 per link) would come and go
# with the links of case 2 and take numbers of the one stream of both families, which the
# exact counts here do not expect. lo keeps IPv6 (the v6 sink). The mixed stream: notify6.sh.
nsx sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || bail_out "cannot disable IPv6 on new links"
veth va0 vb0 10.1.0.1/24 &&
	veth va1 vb1 10.2.0.1/24 &&
	veth va2 vb2 10.3.0.1/24 || bail_out "cannot build the veth topology"
{
	echo "route add default via 10.1.0.254 dev va0 proto dhcp"
	for i in $(seq 1 20); do echo "route add 172.30.$i.0/24 via 10.1.0.$((i + 10)) proto static"; done
} >"$T/routes.batch"
nsx ip -batch "$T/routes.batch" || bail_out "cannot load the initial routes"
IF0=$(ifindex va0) IF1=$(ifindex va1) IF2=$(ifindex va2)
M24=255.255.255.0

write_snmpd_conf \
	"trap2sink 127.0.0.1:$TP4 public" \
	"trap2sink udp6:[::1]:$TP6 public" \
	"trapsess -Ci -t 5 -r 3 -v3 -u $V3USER -l authPriv -a SHA -A $V3AUTH -x AES -X $V3PRIV 127.0.0.1:$TPI"
start_snmpd || bail_out "snmpd does not start"
CONF=("routeTables main" "agentxPingInterval 1")
write_cimrouted_conf "${CONF[@]}"
start_cimrouted
wait_registered 20 || bail_out "cimrouted does not register"
[ -n "$(last_seq)" ] || bail_out "no cimRouteEventLastSequence.0: a daemon without notifications?"
is "$(last_seq) $(get_num "$OID_EV_COUNT")" "0 0" "a fresh start: cimRouteEventLastSequence.0 and cimRouteEventCount.0 are 0"
is "$(settings)" "enabled=1 rate=100 history=1000" "default settings: enabled true(1), rate limit 100, history size 1000"
is "$(get_num "$OID_DROPPED") $(get_num "$OID_SUPPRESSED")" "0 0" "Dropped and Suppressed start at 0"
both_alive "start"

# ------------------------------------------------------------------ 1. single changes
diag "---- case 1: add, change, metric change, delete"
s=$(last_seq)
K="192.0.2.0 $M24 10.1.0.5 $IF0 254 0"
nsx ip route add 192.0.2.0/24 via 10.1.0.5 dev va0 proto static
expect_change "ip route add: added(1), seq $((s + 1))" $((s + 1)) "1 $K 0"
nsx ip route replace 192.0.2.0/24 via 10.1.0.5 dev va0 proto bgp
expect_change "ip route replace with proto bgp: changed(3), same route, seq $((s + 2))" $((s + 2)) "3 $K 0"
nsx ip route replace 192.0.2.0/24 via 10.1.0.5 dev va0 proto static
expect_change "ip route replace with proto static: changed(3), seq $((s + 3))" $((s + 3)) "3 $K 0"
nsx ip route add 192.0.2.0/24 via 10.1.0.5 dev va0 proto static metric 50
expect_change "metric change with ip, add at metric 50: added(1) with metric 50" $((s + 4)) "1 $K 50"
nsx ip route del 192.0.2.0/24 via 10.1.0.5 dev va0 metric 0
expect_change "metric change with ip, delete at metric 0: removed(2) with metric 0" $((s + 5)) "2 $K 0"
out=$(setw "$OID_ENTRY.13.$(index_of 192.0.2.0/24 10.1.0.5 va0 254 0 50)" i 60)
check "SET cimIP4RouteMetric1 50 -> 60 is accepted" test $? -eq 0 || diag "$out"
expect_set "metric change by SET: added(1) at metric 60 and removed(2) at metric 50" $((s + 6)) $((s + 7)) \
	"1 $K 60" "2 $K 50"
is "$(tl changes "$TLOG" --sink v4 | awk -v q=$((s + 6)) '$1 == q { print $2 }')" 1 \
	"the SET moves make-before-break: the addition comes first"
nsx ip route del 192.0.2.0/24 via 10.1.0.5 dev va0 metric 60
expect_change "ip route del: removed(2)" $((s + 8)) "2 $K 60"
nsx ip route add 203.0.113.0/24 dev va0 src 10.1.0.1
expect_change "a direct route (dev va0 src 10.1.0.1): added(1), next hop = its source address" $((s + 9)) \
	"1 203.0.113.0 $M24 10.1.0.1 $IF0 254 0 0"
nsx ip route del 203.0.113.0/24 dev va0
expect_change "the direct route deleted: removed(2)" $((s + 10)) "2 203.0.113.0 $M24 10.1.0.1 $IF0 254 0 0"
wait_until 2 seq_is $((s + 10))
is "$(last_seq)" $((s + 10)) "cimRouteEventLastSequence.0 is the last notified sequence number"
coverage "case 1 on every sink: 10 changes, all individual, none twice" $((s + 1)) $((s + 10)) \
	--added 4 --removed 4 --changed 2 --min-individual 10
history_matches "history rows $((s + 1))..$((s + 10)) equal the notifications" $((s + 1)) $((s + 10))
timecheck "TimeCreated: 11-byte UTC DateAndTime, just before reception" $((s + 1)) $((s + 10))
is "$(get_num "$OID_EV_COUNT")" $((s + 10)) "cimRouteEventCount.0 counts the history rows"
out=$(route_rows dtcheck "$(snmp_get "$OID_EV_LASTCHANGE" 2>&1)" --within 10)
result $? "cimRouteEventLastChange.0 is a DateAndTime close to now"
diag "$out"
nsx snmpbulkwalk -Cr7 "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$E" >"$T/evwalk" 2>"$T/evwalk.err"
rc=$?
out=$(tl walkcheck "$TLOG" --sink v4 --walk "$T/evwalk") && [ $rc -eq 0 ] && [ ! -s "$T/evwalk.err" ]
result $? "a bulk walk of cimRouteEvent: ordered, all scalars, the 10 columns of an IPv4 history row, no notification-only objects"
diag "${out//# /}"
[ -s "$T/evwalk.err" ] && diag "walk exit status $rc: $(head -c 300 "$T/evwalk.err")"
both_alive "case 1 (single changes)"

# 1b. a change of what the row does not show (MTU, realm): the kernel's replace message
diag "---- case 1b: ip route change with mtu, then realm"
s=$(last_seq)
nsx ip route add 192.0.2.0/24 via 10.1.0.5 dev va0 proto static
expect_change "ip route add: added(1)" $((s + 1)) "1 $K 0"
nsx ip route change 192.0.2.0/24 via 10.1.0.5 dev va0 proto static mtu 1400
expect_change "ip route change ... mtu 1400: changed(3), seq $((s + 2))" $((s + 2)) "3 $K 0"
nsx ip route change 192.0.2.0/24 via 10.1.0.5 dev va0 proto static mtu 1400 realm 5
expect_change "ip route change ... realm 5: changed(3), seq $((s + 3))" $((s + 3)) "3 $K 0"
nsx ip route change 192.0.2.0/24 via 10.1.0.5 dev va0 proto static mtu 1400 realm 5
nsx ip route del 192.0.2.0/24 via 10.1.0.5 dev va0
expect_change "the same change again is silent; ip route del: removed(2), seq $((s + 4))" $((s + 4)) "2 $K 0"

# ------------------------------------------------------------------ 9. latency
diag "---- case 9: latency of single changes"
: >"$T/lat.t0"
for i in $(seq 1 10); do
	for op in add del; do
		s=$(last_seq)
		t0=$(date +%s%N)
		nsx ip route $op 198.18.$i.0/24 via 10.1.0.9 dev va0
		echo "$((s + 1)) $t0" >>"$T/lat.t0"
		wait_until 6 covered_all $((s + 1)) $((s + 1))
		wait_until 2 seq_is $((s + 1))
	done
done
lat_rc=0
for sink in "${SINKS[@]}"; do
	out=$(tl latency "$TLOG" --sink "$sink" --t0 "$T/lat.t0") || lat_rc=1
	diag "latency $out"
	case $sink in v4) port=$TP4 ;; v6) port=$TP6 ;; v3i) port=$TPI ;; esac
	diag "latency on the wire (sent by snmpd) to $sink: $(wl latency "$WLOG" "$T/lat.t0" "$port")"
done
result $lat_rc "20 single changes each arrive on every sink, none later than 5 s"
first=$(head -n 1 "$T/lat.t0" | cut -d' ' -f1)
coverage "latency changes: all individual" "$first" $((first + 19)) --added 10 --removed 10 --min-individual 20
both_alive "case 9 (latency)"

# ------------------------------------------------------------------ 2. link down / up
diag "---- case 2: link down and up"
s=$(last_seq)
nsx ip route add 172.16.1.0/24 via 10.2.0.5 dev va1
nsx ip route add 172.16.2.0/24 via 10.2.0.6 dev va1 metric 20
expect_set "two routes via a gateway on va1 added" $((s + 1)) $((s + 2)) \
	"1 172.16.1.0 $M24 10.2.0.5 $IF1 254 0 0" "1 172.16.2.0 $M24 10.2.0.6 $IF1 254 0 20"
s=$((s + 2))
nsx ip link set va1 down
expect_set "link down: a removal for the connected route and both gateway routes (unannounced by the kernel)" \
	$((s + 1)) $((s + 3)) \
	"2 10.2.0.0 $M24 10.2.0.1 $IF1 254 0 0" "2 172.16.1.0 $M24 10.2.0.5 $IF1 254 0 0" \
	"2 172.16.2.0 $M24 10.2.0.6 $IF1 254 0 20"
sleep 0.5
is "$(last_seq)" $((s + 3)) "link down: exactly 3 changes"
both_alive "case 2 (link down)"
s=$(last_seq)
nsx ip link set va1 up
expect_change "link up: the connected route is added again" $((s + 1)) "1 10.2.0.0 $M24 10.2.0.1 $IF1 254 0 0"
sleep 0.5
is "$(last_seq)" $((s + 1)) "link up: exactly 1 change"
both_alive "case 2 (link up)"

# ------------------------------------------------------------------ 3. address removal
diag "---- case 3: address removal"
s=$(last_seq)
nsx ip route add 172.17.0.0/24 via 10.3.0.7 dev va2
nsx ip route add 172.17.1.0/24 via 10.3.0.8 dev va2 metric 30
expect_set "two routes via 10.3.0.0/24 added" $((s + 1)) $((s + 2)) \
	"1 172.17.0.0 $M24 10.3.0.7 $IF2 254 0 0" "1 172.17.1.0 $M24 10.3.0.8 $IF2 254 0 30"
s=$((s + 2))
nsx ip addr del 10.3.0.1/24 dev va2
expect_set "address removal: its connected route and the routes via that subnet are removed" \
	$((s + 1)) $((s + 3)) \
	"2 10.3.0.0 $M24 10.3.0.1 $IF2 254 0 0" "2 172.17.0.0 $M24 10.3.0.7 $IF2 254 0 0" \
	"2 172.17.1.0 $M24 10.3.0.8 $IF2 254 0 30"
sleep 0.5
is "$(last_seq)" $((s + 3)) "address removal: exactly 3 changes"
s=$(last_seq)
nsx ip addr add 10.3.0.1/24 dev va2
expect_change "address added again: its connected route is added" $((s + 1)) "1 10.3.0.0 $M24 10.3.0.1 $IF2 254 0 0"
both_alive "case 3 (address removal)"

# ------------------------------------------------------------------ 4. nexthop object
diag "---- case 4: nexthop object deletion"
if nsx ip nexthop add id 10 via 10.1.0.2 dev va0 2>/dev/null; then
	s=$(last_seq)
	nsx ip route add 198.51.100.0/24 nhid 10
	expect_change "a route through nexthop object 10: added(1) with its gateway" $((s + 1)) \
		"1 198.51.100.0 $M24 10.1.0.2 $IF0 254 0 0"
	nsx ip nexthop del id 10
	expect_change "nexthop object deleted: its route removed(2)" $((s + 2)) \
		"2 198.51.100.0 $M24 10.1.0.2 $IF0 254 0 0"
	sleep 0.5
	is "$(last_seq)" $((s + 2)) "nexthop deletion: exactly 1 change"
else
	skip "nexthop object deletion" "no nexthop objects in this kernel"
fi
both_alive "case 4 (nexthop object)"

# ------------------------------------------------------------------ 5. burst
diag "---- case 5: a burst of 10,000 additions, then deletions"
BURST=${CIMR_NOTIFY_BURST:-10000}
python3 -c "
for i in range($BURST):
    print('route add 100.%d.%d.%d/32 via 10.1.0.2 dev va0' % (64 + i // 65536, (i // 256) % 256, i % 256))
" >"$T/burst.add"
sed 's/^route add/route del/' "$T/burst.add" >"$T/burst.del"
last_dst=$(tail -n 1 "$T/burst.add" | awk '{ print $3 }'); last_dst=${last_dst%/32}

get_loop() { # GETs of cimRouteEventLastSequence.0 until $T/getloop.stop exists: "ms status" lines
	local a b rc
	while [ ! -e "$T/getloop.stop" ]; do
		a=$(date +%s%N)
		nsx snmpget "${V2[@]}" -On -t 5 -r 0 "$AGENT" "$OID_LASTSEQ" >/dev/null 2>&1; rc=$?
		b=$(date +%s%N)
		echo "$(((b - a) / 1000000)) $rc" >>"$T/getloop.txt"
		sleep 0.02
	done
}
wire_burst() { # NAME T0_MS: per sink, the datagrams snmpd sent since T0 and when the last left
	local sink port out
	for sink in v4 v6 v3i; do
		case $sink in v4) port=$TP4 ;; v6) port=$TP6 ;; v3i) port=$TPI ;; esac
		out=$(wl last "$WLOG" "$2" "$port")
		diag "$1: on the wire to $sink: ${out% *} datagrams, the last sent ${out#* } ms after the start"
	done
}
burst() { # NAME FILE KIND-OPTION
	local name=$1 file=$2 opt=$3 s sup0 sup t0 summ
	sleep 1.2   # a fresh rate-limit interval
	s=$(last_seq)
	sup0=$(get_num "$OID_SUPPRESSED")
	rm -f "$T/getloop.stop"; : >"$T/getloop.txt"
	get_loop &
	local gl=$!
	EXTRA_PIDS+=("$gl")
	t0=$(now_ms)
	nsx ip -batch "$file" || not_ok "ip -batch $file"
	diag "$name: ip -batch took $(($(now_ms) - t0)) ms"
	wait_until 20 seq_is $((s + BURST))
	result $? "$name: cimRouteEventLastSequence.0 advances by $BURST"
	CIMR_NOTIFY_WAIT_S=60 coverage "$name: individual notifications and summaries report each of the $BURST changes once, on every sink" \
		$((s + 1)) $((s + BURST)) "$opt" "$BURST" --min-individual 100 --min-summaries 1 \
		--individual-per-summary 100 --show-summaries
	diag "$name: the last notification arrived $(($(now_ms) - t0)) ms after the start of the burst (or the wait gave up)"
	wire_burst "$name" "$t0"
	touch "$T/getloop.stop"
	wait "$gl" 2>/dev/null
	local n worst timeouts
	n=$(wc -l <"$T/getloop.txt")
	worst=$(sort -n "$T/getloop.txt" | tail -n 1 | cut -d' ' -f1)
	timeouts=$(awk '$2 != 0' "$T/getloop.txt" | wc -l)
	diag "$name: $n GETs during the burst, worst round trip ${worst:-?} ms, $timeouts failed"
	[ "$n" -gt 0 ] && [ "$timeouts" -eq 0 ]
	result $? "$name: GETs are answered during the burst (no timeout)"
	timecheck "$name: TimeCreated of the notifications and summaries is valid, before reception" \
		$((s + 1)) $((s + BURST)) 60
	summ=$(summarised $((s + 1)) $((s + BURST)))
	sup=$(get_num "$OID_SUPPRESSED")
	is "$((sup - sup0))" "$summ" "$name: cimRouteNotifySuppressed grew by the number of changes the summaries cover"
	BURST_LAST=$((s + BURST))
}
burst "burst of additions" "$T/burst.add" --added
both_alive "case 5 (burst of additions)"
burst "burst of deletions" "$T/burst.del" --removed
is "$(get_num "$OID_EV_COUNT")" 1000 "after the bursts cimRouteEventCount.0 is the history size (1000)"
out=$(snmp_getnext "$OID_EV_TABLE.3" 2>&1)
case $out in
"$OID_EV_TABLE.3.$((BURST_LAST - 999)) = INTEGER: 2") ok "the oldest history row is sequence $((BURST_LAST - 999)), a removal" ;;
*) not_ok "the oldest history row is sequence $((BURST_LAST - 999)), a removal"; diag "GETNEXT $OID_EV_TABLE.3: $out" ;;
esac
is "$(get_num "$OID_EV_TABLE.3.$BURST_LAST") $(get_num "$OID_EV_TABLE.4.$BURST_LAST")" "2 $last_dst" \
	"the history row of the last (summarised) deletion names its route"
both_alive "case 5 (burst of deletions)"

# The receiver works off the bursts one notification at a time: let it finish (and snmpd its
# inform retries) before the next case times single notifications.
receiver_idle() { local a; a=$(stat -c %s "$TLOG"); sleep 2; [ "$(stat -c %s "$TLOG")" = "$a" ]; }
t0=$(now_ms)
wait_until 90 receiver_idle || diag "the receiver was still busy after 90 s"
diag "the receiver was idle $(($(now_ms) - t0)) ms after the bursts"

# ------------------------------------------------------------------ 6. master restart
diag "---- case 6: master restart with changes while it is away"
s=$(last_seq)
nsx ip route add 10.60.0.0/24 via 10.1.0.2 dev va0
expect_change "before the restart: added(1)" $((s + 1)) "1 10.60.0.0 $M24 10.1.0.2 $IF0 254 0 0"
stop_snmpd
diag "snmpd stopped (status $STOP_STATUS)"
sleep 0.5
for i in 1 2 3 4 5; do nsx ip route add 10.60.$i.0/24 via 10.1.0.2 dev va0; done
nsx ip route del 10.60.1.0/24
nsx ip route del 10.60.2.0/24
sleep 1.5
alive "$CIMR_PID"
result $? "cimrouted keeps running while the master is away"
start_snmpd || bail_out "snmpd does not start again"
wait_registered 10
result $? "cimrouted registers again"
t0=$(now_ms)
wait_until 10 covered_all $((s + 2)) $((s + 8))
diag "the queued notifications were all on every sink $(($(now_ms) - t0)) ms after registration"
for i in 1 2 3 4 5; do
	expect_change "queued while the master was away: added 10.60.$i.0/24 (seq $((s + 1 + i)))" $((s + 1 + i)) \
		"1 10.60.$i.0 $M24 10.1.0.2 $IF0 254 0 0"
done
expect_change "queued: removed 10.60.1.0/24" $((s + 7)) "2 10.60.1.0 $M24 10.1.0.2 $IF0 254 0 0"
expect_change "queued: removed 10.60.2.0/24" $((s + 8)) "2 10.60.2.0 $M24 10.1.0.2 $IF0 254 0 0"
nsx ip route add 10.60.9.0/24 via 10.1.0.2 dev va0
expect_change "after the restart: added(1) with the next sequence number" $((s + 9)) "1 10.60.9.0 $M24 10.1.0.2 $IF0 254 0 0"
coverage "across the master restart every change arrives individually, once, without a gap" $((s + 1)) $((s + 9)) \
	--added 7 --removed 2 --min-individual 9
timecheck "queued notifications keep the TimeCreated of their change" $((s + 2)) $((s + 8)) 15
is "$(get_num "$OID_DROPPED")" 0 "nothing dropped (the queue was large enough)"
both_alive "case 6 (master restart)"

# the master dies (SIGKILL) while notifications are on their way to it
diag "---- case 6b: master killed (SIGKILL) with notifications in flight"
for i in $(seq 1 50); do echo "route add 10.61.$i.0/24 via 10.1.0.2 dev va0"; done >"$T/fifty.batch"
sleep 1.2
s=$(last_seq)
nsx ip -batch "$T/fifty.batch"
stop_snmpd KILL
for i in 1 2 3; do nsx ip route del 10.61.$i.0/24; done
sleep 1.5
start_snmpd || bail_out "snmpd does not start again"
wait_registered 10
result $? "cimrouted registers again after the master was killed"
coverage "master killed: all 53 changes arrive individually afterwards, none lost" $((s + 1)) $((s + 53)) \
	--added 50 --removed 3 --min-individual 53 --allow-dup-in $((s + 1)) $((s + 53))
KILLED_MASTER=($((s + 1)) $((s + 53)))
both_alive "case 6b (master killed)"

# ------------------------------------------------------------------ 8. settings
diag "---- case 8: settings"
out=$(setw "$OID_RATE" u 0)
check "SET cimRouteNotifyRateLimit.0 = 0 is accepted" test $? -eq 0 || diag "$out"
is "$(get_num "$OID_RATE")" 0 "rate limit reads back 0"
sleep 1.2
s=$(last_seq)
sup0=$(get_num "$OID_SUPPRESSED")
for i in 1 2 3; do nsx ip route add 10.70.$i.0/24 via 10.1.0.2 dev va0; done
coverage "rate limit 0: the 3 changes come only as a summary" $((s + 1)) $((s + 3)) \
	--added 3 --max-individual 0 --min-summaries 1 --show-summaries
is "$(($(get_num "$OID_SUPPRESSED") - sup0))" 3 "rate limit 0: Suppressed grew by 3"

out=$(setw "$OID_RATE" u 5)
check "SET cimRouteNotifyRateLimit.0 = 5 is accepted" test $? -eq 0 || diag "$out"
sleep 1.2
s=$(last_seq)
for i in $(seq 1 12); do echo "route add 10.71.$i.0/24 via 10.1.0.2 dev va0"; done >"$T/twelve.batch"
nsx ip -batch "$T/twelve.batch"
coverage "rate limit 5: of 12 quick changes 5 (at most 10 over two intervals) come individually, the rest in a summary" \
	$((s + 1)) $((s + 12)) --added 12 --min-individual 5 --max-individual 10 --min-summaries 1 --show-summaries

out=$(setw "$OID_RATE" u 100 "$OID_ENABLED" i 2)
check "SET cimRouteNotifyRateLimit.0 = 100 and cimRouteNotifyEnabled.0 = false(2) in one PDU" test $? -eq 0 || diag "$out"
is "$(settings)" "enabled=2 rate=100 history=1000" "the settings read back"
sleep 1.2
s=$(last_seq)
nsx ip route del 10.70.1.0/24
wait_until 3 seq_is $((s + 1))
result $? "notifications disabled: cimRouteEventLastSequence.0 still advances"
is "$(get_num "$OID_EV_TABLE.3.$((s + 1))") $(get_num "$OID_EV_TABLE.4.$((s + 1))")" "2 10.70.1.0" \
	"notifications disabled: the history row is still recorded"
sleep 2   # a summary would come at the end of the interval
none_of "notifications disabled: no notification for that change, on any sink" $((s + 1)) $((s + 1))
DISABLED_SEQ=$((s + 1))
out=$(setw "$OID_ENABLED" i 1)
check "SET cimRouteNotifyEnabled.0 = true(1)" test $? -eq 0 || diag "$out"
nsx ip route del 10.70.2.0/24
expect_change "enabled again: the next change is notified with the next sequence number" $((s + 2)) \
	"2 10.70.2.0 $M24 10.1.0.2 $IF0 254 0 0"

out=$(setw "$OID_HISTSIZE" u 3)
check "SET cimRouteEventHistorySize.0 = 3" test $? -eq 0 || diag "$out"
is "$(get_num "$OID_EV_COUNT")" 3 "history size 3: cimRouteEventCount.0 = 3"
ls_=$(last_seq)
rows=$(nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$OID_EV_TABLE.3" 2>&1 | sed -n 's/^.*\.\([0-9]*\) = .*/\1/p' | tr '\n' ' ')
is "$rows" "$((ls_ - 2)) $((ls_ - 1)) $ls_ " "history size 3: the table holds the last 3 sequence numbers"

out=$(setw "$OID_HISTSIZE" u 0)
check "SET cimRouteEventHistorySize.0 = 0" test $? -eq 0 || diag "$out"
out=$(snmp_getnext "$OID_EV_TABLE" 2>&1)
[ "$(get_num "$OID_EV_COUNT")" = 0 ] && case $out in "$OID_EV_TABLE".*) false ;; esac
result $? "history size 0: cimRouteEventCount.0 = 0 and the table is empty"
diag "GETNEXT $OID_EV_TABLE: $out"
out=$(setw "$OID_HISTSIZE" u 3)
check "SET cimRouteEventHistorySize.0 = 3 again" test $? -eq 0 || diag "$out"
nsx ip route add 10.72.0.0/24 via 10.1.0.2 dev va0
nsx ip route del 10.72.0.0/24
wait_until 3 seq_is $((ls_ + 2))
ls_=$(last_seq)
rows=$(nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$OID_EV_TABLE.3" 2>&1 | sed -n 's/^.*\.\([0-9]*\) = .*/\1/p' | tr '\n' ' ')
is "$rows" "$((ls_ - 1)) $ls_ " "history size 3 after 0: only the changes made since are recorded"

set_refused "rate limit 100001 is refused with wrongValue" wrongValue "$OID_RATE" u 100001
set_refused "rate limit as INTEGER is refused with wrongType" wrongType "$OID_RATE" i 5
set_refused "rate limit as OCTET STRING is refused with wrongType" wrongType "$OID_RATE" s 5
set_refused "enabled 3 is refused with wrongValue" wrongValue "$OID_ENABLED" i 3
set_refused "enabled 0 is refused with wrongValue" wrongValue "$OID_ENABLED" i 0
set_refused "enabled as Unsigned32 is refused with wrongType" wrongType "$OID_ENABLED" u 1
set_refused "history size 100001 is refused with wrongValue" wrongValue "$OID_HISTSIZE" u 100001
set_refused "history size as INTEGER is refused with wrongType" wrongType "$OID_HISTSIZE" i 3
set_refused "a good and a bad value in one PDU: all refused (wrongValue)" wrongValue \
	"$OID_RATE" u 9 "$OID_HISTSIZE" u 100001
grep -qF 'refused (wrongValue): cimRouteEventHistorySize.0: 100001 is not in 0..100000' "$T/cimrouted.log" &&
	grep -qF 'refused (wrongType): cimRouteNotifyEnabled.0: type 0x42 is not INTEGER' "$T/cimrouted.log"
result $? "each refused setting is logged: refused (STATUS): OBJECT.0: why"
set_refused "cimRouteEventLastSequence.0 is not writable" notWritable "$OID_LASTSEQ" u 1
set_refused "cimRouteNotifyDropped.0 is not writable" notWritable "$OID_DROPPED" u 0
both_alive "case 8 (SETs)"

# written values survive a restart of cimrouted; the numbering continues
out=$(setw "$OID_RATE" u 7 "$OID_ENABLED" i 2)
check "SET rate limit 7 and enabled false(2) before the restart" test $? -eq 0 || diag "$out"
want_settings="enabled=2 rate=7 history=3"
is "$(settings)" "$want_settings" "settings before the restart"
[ -s "$T/state/notify-state" ]
result $? "the settings are kept in \$T/state/notify-state"
diag "notify-state: $(tr '\n' ';' <"$T/state/notify-state" 2>/dev/null)"
before=$(last_seq)
stop_cimrouted
is "$STOP_STATUS" 0 "cimrouted stops cleanly"
CONF+=("notifyQueueLength 5")   # for case 7
write_cimrouted_conf "${CONF[@]}"
start_cimrouted
wait_registered 20 || bail_out "cimrouted does not register after its restart"
is "$(settings)" "$want_settings" "after a restart of cimrouted the written settings are in effect"
is "$(last_seq)" "$before" "after the restart cimRouteEventLastSequence.0 continues ($before, not 0)"
is "$(get_num "$OID_DROPPED") $(get_num "$OID_SUPPRESSED")" "0 0" "after the restart Dropped and Suppressed start at 0"
out=$(setw "$OID_ENABLED" i 1 "$OID_RATE" u 100 "$OID_HISTSIZE" u 1000)
check "SET the settings back to enabled, 100, 1000" test $? -eq 0 || diag "$out"
nsx ip route del 10.70.3.0/24
expect_change "after the restart the next change has the next sequence number ($((before + 1)))" $((before + 1)) \
	"2 10.70.3.0 $M24 10.1.0.2 $IF0 254 0 0"
both_alive "case 8 (settings across a restart)"

# ------------------------------------------------------------------ 7. queue overflow
diag "---- case 7: queue overflow (notifyQueueLength 5)"
s=$(last_seq)
stop_snmpd
sleep 0.5
for i in $(seq 1 20); do echo "route add 10.80.$i.0/24 via 10.1.0.2 dev va0"; done >"$T/twenty.batch"
nsx ip -batch "$T/twenty.batch"
sleep 1.5
start_snmpd || bail_out "snmpd does not start again"
wait_registered 10
result $? "cimrouted registers again"
coverage "queue of 5 overflowed: the notifications that were kept and the summary cover all 20 changes once" \
	$((s + 1)) $((s + 20)) --added 20 --max-individual 5 --min-summaries 1 --show-summaries
dropped=$(get_num "$OID_DROPPED")
[ -n "$dropped" ] && [ "$dropped" -gt 0 ]
result $? "cimRouteNotifyDropped.0 > 0 after the overflow"
diag "cimRouteNotifyDropped.0 = $dropped; changes covered by summaries: $(summarised $((s + 1)) $((s + 20)))"
nsx ip route add 10.81.0.0/24 via 10.1.0.2 dev va0
expect_change "after the overflow the next change is notified individually" $((s + 21)) "1 10.81.0.0 $M24 10.1.0.2 $IF0 254 0 0"
both_alive "case 7 (queue overflow)"

# ------------------------------------------------------------------ 10. lost netlink events
diag "---- case 10: netlink events lost, the re-dump's changes come in a summary"
stop_cimrouted
write_cimrouted_conf "${CONF[@]}" "netlinkEventBuffer 4096"
start_cimrouted
wait_registered 20 || bail_out "cimrouted does not register after its restart"
out=$(setw "$OID_RATE" u 100000)
check "SET rate limit 100000 (so that every change that is not lost is sent individually)" test $? -eq 0 || diag "$out"
N_LOST=${CIMR_NOTIFY_LOST:-3000}
for i in $(seq 0 $((N_LOST - 1))); do
	echo "route add 100.$((96 + i / 65536)).$(((i / 256) % 256)).$((i % 256))/32 via 10.1.0.2 dev va0"
done >"$T/lost.batch"
sleep 1.2
s=$(last_seq)
log_lines=$(wc -l <"$T/cimrouted.log")
kill -STOP "$CIMR_PID"
nsx ip -batch "$T/lost.batch" || not_ok "ip -batch $T/lost.batch"
kill -CONT "$CIMR_PID"
wait_until 20 seq_is $((s + N_LOST))
result $? "after lost events cimRouteEventLastSequence.0 advances by exactly $N_LOST"
if tail -n +$((log_lines + 1)) "$T/cimrouted.log" | grep -q "event socket overrun"; then
	coverage "lost events: what was received is sent individually, what the re-dump found comes in a summary; each change once" \
		$((s + 1)) $((s + N_LOST)) --added "$N_LOST" --min-summaries 1 --max-individual $((N_LOST / 2)) --show-summaries
else
	skip "lost events reported by a summary" "no overrun happened (the kernel kept all events)"
fi
both_alive "case 10 (lost netlink events)"

# ------------------------------------------------------------------ the whole run
diag "---- everything received"
final=$(last_seq)
coverage "the whole run: every sequence number 1..$((DISABLED_SEQ - 1)) reported exactly once (but see case 6b)" \
	1 $((DISABLED_SEQ - 1)) --allow-dup-in "${KILLED_MASTER[@]}"
coverage "the whole run: every sequence number $((DISABLED_SEQ + 1))..$final reported exactly once" $((DISABLED_SEQ + 1)) "$final" \
	--strict-after
# ------------------------------------------------------------------ 11. cimrouted killed
diag "---- case 11: cimrouted killed (SIGKILL): the numbering does not go back"
before=$(last_seq)
{ stop_cimrouted KILL; } 2>/dev/null
start_cimrouted
wait_registered 20 || bail_out "cimrouted does not register after its restart"
after=$(last_seq)
[ -n "$after" ] && [ "$after" -ge "$before" ]
result $? "after a crash cimRouteEventLastSequence.0 is not reset (before $before, after ${after:-?})"
nsx ip route add 10.90.0.0/24 via 10.1.0.2 dev va0
expect_change "after the crash the next change is notified with the next number after ${after:-?}" $((after + 1)) \
	"1 10.90.0.0 $M24 10.1.0.2 $IF0 254 0 0"
both_alive "case 11 (cimrouted killed)"

out=$(tl types "$T/snmptrapd.log" --handler-log "$TLOG" --tp "$TP4" --tpi "$TPI" --v3user "$V3USER" --require v4 v6 v3i)
result $? "varbinds in the contract's order and types; v2c traps on v4/v6, SNMPv3 informs on v3i; the handler saw each"
diag "$out"
both_alive "end"

done_testing
