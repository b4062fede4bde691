#!/bin/bash
# notify_churn.sh - randomized differential test of the route-change notifications: what a
# receiver is told (cimIP4RouteChange, cimIP6RouteChange, cimIP4RouteChangeSummary) and what
# cimRouteEventTable keeps, against the kernel's route tables before and after each round.
#
# One namespace: va0, va1 (IPv4 and IPv6 subnets) carry the churn; va9 carries two probe routes
# (10.99.0.0/24, 2001:db8:99::/64) that only the probe operations touch. cimrouted mirrors
# routeTables main local 100 (CIMR_NCHURN_TABLES; the local table's routes come and go with
# addresses; table 200 is churned too and must never be notified), with notifyRateLimit
# CIMR_NCHURN_RATE (150), eventHistorySize CIMR_NCHURN_HISTORY (600) and notifyQueueLength
# CIMR_NCHURN_QUEUE (40: below the rate limit, a bound for the master's absence that must not
# drop a burst within the limit while the master is there); a real snmptrapd receives the
# master's SNMPv2c traps. A seed (printed; CIMR_NCHURN_SEED overrides it) drives
# CIMR_NCHURN_ROUNDS rounds (6) of 8-18 random operations paced below the rate limit: ip route
# add/del/replace/change/append/prepend of both families (gateways, dev-only,
# blackhole/unreachable/prohibit/throw, metrics up to 2^32-1, TOS, protocols, MTU and realms,
# multipath routes, routes via nexthop objects, tables 100 and 200), nexthop objects added,
# replaced and deleted, addresses added and removed, peers set down and up, table flushes,
# secondary addresses; and probe operations. One round (chosen by the seed) adds a burst of IPv4
# and IPv6 routes at once, above the rate limit, and deletes them in a later interval; in
# another (or, one seed in three, during the burst), snmpd (the master) is stopped between two
# operations and started again a few later (cimrouted queues what happens meanwhile, and folds
# what the rate limit does not let through into a summary). One seed in three makes the burst's
# additions while cimrouted is stopped (SIGSTOP) with an event buffer of 8 KiB: netlink loses
# events, a re-dump finds them. Three other rounds run with settings written through SNMP:
# cimRouteNotifyRateLimit 0 (summaries only), cimRouteNotifyEnabled false(2) (the history only),
# cimRouteEventHistorySize below what the history holds (0 for one seed in three). Operations
# include nexthop_compat_mode 0/1 and va1 deleted and made again (a new ifindex). What a seed
# found once is a fixed operation at the start of rounds 1 and 2. Truth: `ip -j -d -4|-6 route
# show table all` taken before and after each round (cimRouteEventLastSequence the same before
# and after the snapshot).
#
# Pass/fail, five per round (notify_churn.py check):
#  replay    the round's changes in sequence order (each from its notification, or, when a
#            summary reported it, from its cimRouteEventTable row, which must hold it unless
#            the round's history size is below its changes: then replay and values are skipped),
#            applied to the kernel's rows before the round (route_rows.py's rows of the
#            mirrored tables, both families), give exactly the kernel's rows after it: an
#            added row was absent, a removed or changed row present
#  sequence  the numbers since the last round run from one above the last to
#            cimRouteEventLastSequence, each reported once: individually, or in exactly one
#            summary whose added/removed/changed counts equal its numbers not sent
#            individually and the kinds the history gives them; none above LastSequence; no
#            summary in a round below the rate limit (unless the history shows more changes
#            in one second than 80% of the limit, or cimrouted logged an event socket overrun
#            in the round: changes a re-dump found are reported by summaries only), at least
#            one in the burst round;
#            cimRouteNotifySuppressed grew by what the summaries cover, Dropped not at all (in
#            the round with the master away, past the queue's bound: the summaries cover what
#            was suppressed and at most what was dropped more)
#  history   a walk of cimRouteEvent: min(eventHistorySize, changes so far) rows, the newest
#            consecutive numbers, ordered, cimRouteEventCount, LastSequence and LastChange (the
#            newest row's TimeCreated) agree; the row
#            of every notified change holds the notification's kind, time and values
#  values    a row whose columns changed under the same index has a notification, and so
#            has an IPv4 route the kernel changed in what no column shows (metrics, realm,
#            scope, preferred source, nexthop object, its hops' weights: the MIB's
#            changed(3)); the last notification of a row agrees with the kernel after the
#            round; each probe route got exactly the changed(3) its operations call for
#  time      TimeCreated is a UTC DateAndTime, never decreasing with the sequence number,
#            within the round's wall-clock time; a summary's not before the changes it covers
# and both daemons alive after each round. The checker's self-test, on the burst round: with
# one expectation perturbed (a notification lost, a kind or a metric changed, a summary's
# count, a time, a history row missing, a probe's expectation) the check concerned fails.
#
# Where the MIB is silent, decided here as an operator wants it:
#  - A replace or change that leaves the route exactly as it was (an identical replace of
#    either family, IPv4 `ip route change` to the same) is no change: no notification. The
#    probes check it (their identical replaces expect none).
#  - A replace that changes only what no column shows: IPv4 changed(3) (the MIB says so:
#    MTU, realm, nexthop object), once per replace; IPv6 nothing (the MIB names IPv4 only,
#    and an IPv6 replace that changes nothing is announced by the kernel like one that does).
#    The generator's IPv6 MTU replaces are therefore not required to notify; the IPv6 probe
#    only changes its protocol (a column).
#  - An IPv6 replace with only a new lifetime (or none) is no change (the MIB says so); the
#    IPv6 probe checks it. ValidLifetime is then the one column that changes unnotified.
#  - A row that changed and changed back within a round may or may not be notified.
#  - A change the kernel made in a table outside routeTables (200) is never notified: the
#    replay would find a row it does not have.
#
# Environment: CIMR_NCHURN_SEED (20261203), CIMR_NCHURN_ROUNDS (6), CIMR_NCHURN_RATE (150),
# CIMR_NCHURN_HISTORY (600), CIMR_NCHURN_QUEUE (40), CIMR_NCHURN_TABLES (main local 100). A
# failing round prints its operations: rerun with its seed (CIMR_ITEST_KEEP=1 keeps the
# snapshots, the traps and the checker's input). Run time: 16-20 s (6 rounds), about 25 s beside
# another test on 2 cores.

. "$(dirname "$0")/lib.sh"
itest_init nchurn
[ "$CIMROUTED" = mock ] && skip_all "not for the mock (it sends no notifications)"
needs snmptrapd ss

SEED=${CIMR_NCHURN_SEED:-20261203}
ROUNDS=${CIMR_NCHURN_ROUNDS:-6}
RATE=${CIMR_NCHURN_RATE:-150}
HIST=${CIMR_NCHURN_HISTORY:-600}
QLEN=${CIMR_NCHURN_QUEUE:-40}
export CIMR_NCHURN_TABLES=${CIMR_NCHURN_TABLES:-main local 100} # notify_churn.py reads it too
PY=$ITDIR/notify_churn.py
RAW=$T/trapd.log  # snmptrapd's log: one line per notification, '|' between fields
TLOG=$T/traps.log # the same in trap_log.py's form (tab separated)
E=.1.3.6.1.4.1.32473.1.1.4
TP=$((PORT + 1))

to_tlog() { awk -F'|' -v OFS='\t' '/^[0-9]+\|v4\|/ { $1 = $1 "000000000"; print }' "$RAW" >"$TLOG" 2>/dev/null; }
get_num() { snmp_get "$1" 2>/dev/null | sed -n 's/^[^=]*= [A-Za-z0-9-]*: *//p' | head -n 1; }
last_seq() { get_num "$E.5.0"; }
# covered N: every number up to N (after FROM) is reported, individually or by a summary
covered() {
	to_tlog
	awk -F'\t' -f "$ITDIR/covered.awk" -v s=v4 -v a=$((FROM + 1)) -v b="$1" \
		-v R=.1.3.6.1.4.1.32473.1 -v kinds=".0.1 .0.4" "$TLOG"
}

# ---------------------------------------------------------------- the receiver
cat >"$T/snmptrapd.conf" <<EOF
authCommunity log public
format2 %V|%t|v4|%b|%v\n
doNotRetainNotificationLogs yes
[snmp] serverRecvBuf 4194304
EOF
start_trapd "$RAW" -On -Oq -Ox -Oe -OU "udp:127.0.0.1:$TP"

# ---------------------------------------------------------------- topology
nsx sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
	net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.forwarding=1 || bail_out "cannot set the IPv6 sysctls"
veth va0 vb0 10.1.0.1/24 && veth va1 vb1 10.2.0.1/24 && veth va9 vb9 10.9.0.1/24 &&
	nsx ip -6 addr add 2001:db8:1::1/64 dev va0 nodad && nsx ip -6 addr add 2001:db8:2::1/64 dev va1 nodad &&
	nsx ip -6 addr add 2001:db8:9::1/64 dev va9 nodad || bail_out "cannot build the topology"
nsx ip nexthop show >/dev/null 2>&1 && HAVE_NH=1 || HAVE_NH=0
nsx sysctl -qw net.ipv4.nexthop_compat_mode=1 2>/dev/null && HAVE_COMPAT=1 || HAVE_COMPAT=0
if [ $HAVE_NH = 1 ]; then
	nsx ip nexthop add id 1 via 10.1.0.5 dev va0 && nsx ip nexthop add id 2 via 10.2.0.5 dev va1 &&
		nsx ip -6 nexthop add id 5 via 2001:db8:1::5 dev va0 && nsx ip nexthop add id 20 group 1/2 ||
		bail_out "cannot add the nexthop objects"
fi
diag "seed $SEED, $ROUNDS rounds (CIMR_NCHURN_SEED, CIMR_NCHURN_ROUNDS), rate limit $RATE, history $HIST, nexthop objects $HAVE_NH"

# the master away in another round than the burst, or (one seed in three) during the burst;
# one seed in three (LOST 1) has the burst's additions made while cimrouted is stopped with a
# small event buffer (8 KiB), which overflows: the re-dump's changes come in a summary
# and, through SNMP in three other rounds (as far as there are), cimRouteNotifyRateLimit 0,
# cimRouteNotifyEnabled false(2) and cimRouteEventHistorySize half the rows it holds (+5; 0 for
# one seed in three), set back after the round (not with LOST: the small event buffer can lose
# events in any round, and the history must then hold what the summaries cover)
read -r BURST_ROUND AWAY_ROUND LOST RATE0_ROUND DISABLED_ROUND SHRINK_ROUND < <(python3 -c "
import random
R = random.Random('$SEED')
b, a = R.sample(range(2, max(4, $ROUNDS + 1)), 2)
m = R.randrange(3)
a = b if m == 0 else a
rest = [r for r in range(1, $ROUNDS + 1) if r not in (a, b)]
r0, dis, shrink = (R.sample(rest, min(3, len(rest))) + [0, 0, 0])[:3]
print(b, a, int(m == 1), r0, dis, 0 if m == 1 else shrink)")
diag "burst round $BURST_ROUND, the master away in round $AWAY_ROUND, events lost in the burst: $LOST;" \
	"rate limit 0 in round $RATE0_ROUND, notifications disabled in round $DISABLED_ROUND, history shrunk in round $SHRINK_ROUND"
BUF=(); [ "$LOST" = 1 ] && BUF=("netlinkEventBuffer 8192")
write_snmpd_conf "trap2sink 127.0.0.1:$TP public"
start_snmpd || bail_out "snmpd does not start"
write_cimrouted_conf "routeTables $CIMR_NCHURN_TABLES" "resyncInterval 0" "agentxPingInterval 1" \
	"notifyRateLimit $RATE" "eventHistorySize $HIST" "notifyQueueLength $QLEN" "${BUF[@]}"
start_cimrouted
wait_registered 20 || bail_out "cimrouted does not register"
[ -n "$(last_seq)" ] || bail_out "no cimRouteEventLastSequence.0"
nsx ip route add 10.99.0.0/24 via 10.9.0.99 dev va9 proto static &&
	nsx ip -6 route add 2001:db8:99::/64 via 2001:db8:9::99 dev va9 proto static || bail_out "cannot add the probes"

# ---------------------------------------------------------------- rounds
# settle: until cimRouteEventLastSequence stays the same for 0.3 s (10 s at most), and
# every number up to it has reached the receiver (10 s at most)
settle() {
	local a b start=$(now_ms) wait=${1:-1}
	a=$(last_seq)
	while :; do
		sleep 0.3
		b=$(last_seq)
		[ "$a" = "$b" ] && break
		[ $(($(now_ms) - start)) -ge 10000 ] && { diag "cimRouteEventLastSequence did not settle in 10 s"; break; }
		a=$b
	done
	[ "$wait" = 1 ] || return 0
	wait_until 10 covered "$b" || diag "numbers up to $b not all received after 10 s"
}
# setting OID TYPE VALUE TEXT: a SET of a notification setting, one TAP line when it fails
setting() {
	local out
	out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$1" "$2" "$3" 2>&1) ||
		{ not_ok "SET $4"; diag "$out"; }
}
# snap PREFIX: the kernel's routes, the event table and the counters, with
# cimRouteEventLastSequence unchanged across them (3 tries)
snap() {
	local p=$1 s1 s2 n
	for n in 1 2 3; do
		s1=$(last_seq)
		nsx ip -j -d -4 route show table all >"$p.v4.json" && nsx ip -j -d -6 route show table all >"$p.v6.json" &&
			nsx ip -j link show >"$p.links.json" || return 1
		{ nsx ip -j nexthop show 2>/dev/null || :; } >"$p.nexthops.json"
		nsx snmpbulkwalk -Cr60 "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$E" >"$p.events" 2>"$p.events.err" || return 1
		echo "$(get_num "$E.9.0") $(get_num "$E.8.0")" >"$p.stats"
		s2=$(last_seq)
		[ -n "$s1" ] && [ "$s1" = "$s2" ] && { echo "$s1" >"$p.seq"; return 0; }
		sleep 0.3
	done
	return 1
}

# selftest ROUND: the checker, given the burst round (CHECK) with one wrong expectation
# (notify_churn.py perturb: a notification lost, a kind or a metric changed, a summary's
# count, a time, a history row missing, a probe's expectation), fails the check it concerns
selftest() {
	local r=$1 p c missed=()
	for p in drop:sequence kind:replay metric:replay summary:sequence time:time history:history probe:values; do
		c=${p#*:}
		python3 "$PY" check "${CHECK[@]}" --perturb "${p%%:*}" >"$T/check.$r.${p%%:*}" 2>&1
		# (a check the round failed already tells nothing here)
		grep -q "^$c ok " "$T/check.$r" && ! grep -q "^$c fail " "$T/check.$r.${p%%:*}" && missed+=("$p")
	done
	is "${missed[*]}" "" "round $r: the checker finds each perturbation of its expectations (perturbation:check)"
}

FAILED=()
python3 "$PY" gen "$SEED" "$ROUNDS" "$BURST_ROUND" "$AWAY_ROUND" "$LOST" "$T/r" "$HAVE_NH" "$HAVE_COMPAT" ||
	bail_out "the generator failed"
# run_round FILE: its operations in the namespace (their failures, a route that is not there,
# are part of the game: logged to FILE.out); at #MASTER_DOWN snmpd stops, at #MASTER_UP it
# starts again (cimrouted queues what happens meanwhile)
run_round() {
	local f=$1 n=0 l
	: >"$f.out"
	while :; do
		n=$((n + 1))
		awk -v n=$n '/^#MASTER_/ { k++; if (k == n) { print > "/dev/stderr" }; next } k == n - 1' "$f" \
			>"$f.part$n" 2>"$f.marker$n"
		nsx bash -c 'while IFS= read -r l; do echo "+ $l"; eval "$l" 2>&1; done' <"$f.part$n" >>"$f.out" 2>&1
		l=$(cat "$f.marker$n")
		echo "+ $l" >>"$f.out"
		case $l in
		'#MASTER_DOWN') stop_snmpd ;;
		'#MASTER_UP') start_snmpd || not_ok "snmpd starts again" ;;
		'#DAEMON_STOP') kill -STOP "$CIMR_PID" ;;
		'#DAEMON_CONT') kill -CONT "$CIMR_PID" ;;
		*) break ;;
		esac
	done
}
sleep 0.5
FROM=0
settle
snap "$T/s0" || bail_out "no snapshot before the first round"
last_end=0
start=$(now_ms)
for ((r = 1; r <= ROUNDS; r++)); do
	# a fresh rate-limit interval: the previous round's last one has ended
	while [ $(($(now_ms) - last_end)) -lt 1200 ]; do sleep 0.1; done
	FROM=$(cat "$T/s$((r - 1)).seq")
	t0=$(date +%s.%N)
	mode=normal hsize=$HIST
	[ $r = "$RATE0_ROUND" ] && { mode=rate0; setting "$E.7.0" u 0 "cimRouteNotifyRateLimit 0"; }
	[ $r = "$DISABLED_ROUND" ] && { mode=disabled; setting "$E.6.0" i 2 "cimRouteNotifyEnabled false"; }
	if [ $r = "$SHRINK_ROUND" ]; then
		# below the rows it holds: the oldest are dropped at once, the newest kept
		hsize=$(($(get_num "$E.1.0") / 2 + 5))
		[ $((SEED % 3)) = 0 ] && hsize=0 # none kept: the notifications alone replay the round
		setting "$E.4.0" u $hsize "cimRouteEventHistorySize $hsize"
	fi
	loglines=$(wc -l <"$T/cimrouted.log")
	run_round "$T/r.$r"
	last_end=$(now_ms)
	settle "$([ $mode = disabled ] && echo 0 || echo 1)"
	t1=$(date +%s.%N)
	snap "$T/s$r" || { not_ok "round $r: snapshot"; continue; }
	burst=0; [ $r = "$BURST_ROUND" ] && burst=1
	lost=0; tail -n +$((loglines + 1)) "$T/cimrouted.log" | grep -q 'event socket overrun' && lost=1
	what=; [ $burst = 1 ] && what=' (burst)'; [ $r = "$AWAY_ROUND" ] && what=' (master away)'
	[ $burst = 1 ] && [ $r = "$AWAY_ROUND" ] && what=' (burst, master away)'
	[ $lost = 1 ] && what="$what (events lost)"
	[ $mode != normal ] && what="$what ($mode)"
	[ "$hsize" != "$HIST" ] && what="$what (history $hsize)"
	to_tlog
	CHECK=(--before "$T/s$((r - 1))" --after "$T/s$r" --traps "$TLOG" --probe "$T/r.$r.probe"
		--rate "$RATE" --history "$hsize" --burst $burst --lost $lost --mode $mode
		--away "$([ $r = "$AWAY_ROUND" ] && echo 1 || echo 0)" --t0 "$t0" --t1 "$t1")
	python3 "$PY" check "${CHECK[@]}" >"$T/check.$r" 2>&1
	case $mode in
	rate0) setting "$E.7.0" u "$RATE" "cimRouteNotifyRateLimit $RATE" ;;
	disabled) setting "$E.6.0" i 1 "cimRouteNotifyEnabled true" ;;
	esac
	[ "$hsize" != "$HIST" ] && setting "$E.4.0" u "$HIST" "cimRouteEventHistorySize $HIST"
	bad=0
	for c in replay sequence history values time; do
		line=$(grep -m1 "^$c " "$T/check.$r")
		case $line in
		"$c ok "*) ok "round $r$what: $c: ${line#"$c ok "}" ;;
		"$c skip "*) skip "round $r$what: $c" "${line#"$c skip "}" ;;
		*)
			not_ok "round $r$what: $c: ${line#"$c fail "}"
			bad=1
			awk -v c="$c" '$1 == c { on = 1; next } /^[a-z]+ (ok|fail) / { on = 0 } on' "$T/check.$r" | sed 's/^# //' | diag
			[ -z "$line" ] && head -n 20 "$T/check.$r" | diag
			;;
		esac
	done
	if [ $bad = 1 ]; then
		FAILED+=("$r")
		diag "operations of round $r (seed $SEED):"
		grep -v '^+ sleep' "$T/r.$r.out" | head -n 60 | diag
	fi
	[ $burst = 1 ] && selftest "$r"
	both_alive "round $r" || break
done
diag "$ROUNDS rounds took $(($(now_ms) - start)) ms"
[ ${#FAILED[@]} -eq 0 ] || diag "rounds with failures: ${FAILED[*]} (CIMR_NCHURN_SEED=$SEED)"
done_testing
