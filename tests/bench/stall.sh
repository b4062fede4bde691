#!/bin/bash
# cimroute stall benchmark: how promptly cimrouted answers GETs while the
# kernel's route table churns (a link flap that drops the whole table, a burst
# of added and deleted routes), against the same GETs on a quiet table.
#
#   bash tests/bench/stall.sh [-b BUILDDIR] [-n "100000 1000000"] [-c "flap burst"]
#                             [-g "rows scalar"] [-m BURST] [-s] [-k KEEPDIR]
#
#   -b  VPATH build directory holding agent/cimrouted (default /tmp/bench-build);
#       tests/bench/getbench is taken from there when built, else compiled with gcc
#   -n  route counts, one fresh network namespace each (default "100000")
#   -c  churn cases: flap (link down, routes gone, link up, N routes re-added),
#       burst (BURST routes added with one ip -batch, then deleted) (default both)
#   -g  what the GETs read: rows (random cimIP4RouteTable rows), scalar
#       (cimRouteEventLastSequence.0), snmpd (sysUpTime.0, answered by snmpd
#       itself: a control without cimrouted); each churn case runs once per
#       target (default "rows scalar")
#   -m  routes added then deleted by the burst case, at most 32768 (default 10000)
#   -s  also run SETs one after another during each churn case (snmpset, v2c, a Metric1
#       change of a static route on a second link, moved back and forth: each SET asks the
#       kernel to add and delete a route) and print their count, statuses and latency
#   -k  keep cimrouted's and snmpd's logs and the raw getbench lines in this directory
#
# It prints figures and asserts nothing about timing (the machines are noisy).
# Every process it starts is stopped by pid, every namespace it makes deleted
# and its temporary directory removed, on exit or interrupt.  Traffic stays on
# the loopback of the namespaces it makes (the route gateway never sees a packet).
# Progress goes to stderr, figures to stdout.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
SRC=$(cd "$HERE/../.." && pwd)
CMDLINE="bash tests/bench/stall.sh$(printf ' %q' "$@")"

BUILD=/tmp/bench-build
NLIST="100000"
TARGETS="rows scalar"
CASES="flap burst"
BURST=10000
KEEP=""
SETS=0
PORT=1161
GW=10.255.0.2
ADDR=10.255.0.1/30
DEV=veth0
GETK=3000        # GETs of each baseline
GET_TMO=2000     # getbench -t (ms); -r 0

usage() { sed -n '6,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "b:n:c:g:m:sk:h" opt; do
	case $opt in
	b) BUILD=$OPTARG ;;
	n) NLIST=$OPTARG ;;
	c) CASES=$OPTARG ;;
	g) TARGETS=$OPTARG ;;
	m) BURST=$OPTARG ;;
	s) SETS=1 ;;
	k) KEEP=$OPTARG ;;
	*) usage ;;
	esac
done
[ $OPTIND -gt $# ] || usage
for t in $CASES; do case $t in flap | burst) ;; *) echo "stall.sh: -c: flap or burst, not $t" >&2; exit 2 ;; esac; done
for t in $TARGETS; do case $t in rows | scalar | snmpd) ;; *) echo "stall.sh: -g: rows, scalar or snmpd, not $t" >&2; exit 2 ;; esac; done
case $BURST in '' | *[!0-9]*) usage ;; esac
[ "$BURST" -ge 1 ] && [ "$BURST" -le 32768 ] || { echo "stall.sh: -m: 1..32768" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "stall.sh: needs root (network namespaces)" >&2; exit 2; }
for t in ip snmpd snmpset python3 net-snmp-config gcc shuf; do
	command -v $t >/dev/null || { echo "stall.sh: $t not found" >&2; exit 2; }
done
CIMROUTED="$BUILD/agent/cimrouted"
[ -x "$CIMROUTED" ] || { echo "stall.sh: no $CIMROUTED (see -b)" >&2; exit 2; }
[ -n "$KEEP" ] && mkdir -p "$KEEP"

# ---- housekeeping ------------------------------------------------------------
T=$(mktemp -d /tmp/cimstall.XXXXXX)
PIDS=()
NSES=()
cleanup() {
	local p n
	trap '' PIPE
	# getbench runs started by the background runners (their pids are in files)
	for p in "${PIDS[@]}" $(cat "$T"/*/gbpids "$T"/*/setpids 2>/dev/null); do
		[ -n "$p" ] && kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null
	done
	sleep 0.5
	for p in "${PIDS[@]}" $(cat "$T"/*/gbpids "$T"/*/setpids 2>/dev/null); do
		[ -n "$p" ] && kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	done
	for n in "${NSES[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", (b-a)/1e9}'; }	# secs START_NS END_NS
us2s() { awk -v x="${1:-}" 'BEGIN{ if (x=="") print "n/a"; else printf "%.3f", x/1e6 }'; }

# ---- tools -------------------------------------------------------------------
if [ -x "$BUILD/tests/bench/getbench" ]; then
	GETBENCH=$BUILD/tests/bench/getbench
else
	mkdir -p "$T/bin"
	NSCFLAGS=$(for f in $(net-snmp-config --base-cflags); do case $f in -DNETSNMP_*) printf '%s ' "$f" ;; esac; done)
	# shellcheck disable=SC2086,SC2046
	gcc -O2 -Wall -Wextra -Werror $NSCFLAGS -o "$T/bin/getbench" "$HERE/getbench.c" \
		$(net-snmp-config --libs) || exit 2
	GETBENCH=$T/bin/getbench
fi

# ---- OIDs --------------------------------------------------------------------
CIM_COUNT=.1.3.6.1.4.1.32473.1.1.1.1.0	# cimIP4RouteCount.0
CIM_COL19=.1.3.6.1.4.1.32473.1.1.1.3.1.19	# cimIP4RouteProtocol (cimIP4RouteTable)
EVENT_LASTSEQ=.1.3.6.1.4.1.32473.1.1.4.5.0	# cimRouteEventLastSequence.0
SYSUPTIME=.1.3.6.1.2.1.1.3.0
AGENT=udp:127.0.0.1:$PORT

declare -A R	# R[key] = figure
SUMMARY=()	# "N case target count ok nosuch errors timeouts median p99 max note"
KOPS=()		# "N case target what seconds"

kcount() { nsx ip -4 route show table main | wc -l; }	# the kernel's main table


start_cim() {	# start_cim DIR: sets CIM_PID, CIM_T0
	local d=$1
	mkdir -p "$d/persist-cimr" && mkdir -p -m 0700 "$d/state"
	echo "routeTables main" >"$d/cimrouted.conf"
	CIM_T0=$(now_ns)
	SNMP_PERSISTENT_DIR=$d/persist-cimr ip netns exec "$NS" "$CIMROUTED" -f -x "$d/agentx.sock" \
		-c "$d/cimrouted.conf" -S "$d/state" -Lf "$d/cimrouted.log" -p "$d/cimrouted.pid" \
		-Dcimr:mirror </dev/null >>"$d/cimrouted.out" 2>&1 &
	CIM_PID=$!
	PIDS+=("$CIM_PID")
}

# lat_args TARGET: getbench lat arguments that pick the OIDs
lat_args() {
	case $1 in
	rows) echo "-f $d/getoids" ;;
	scalar) echo "-f $d/scalaroid" ;;
	snmpd) echo "-f $d/snmpdoid" ;;
	esac
}

# ---- background SETs for the whole of a churn case (-s) ----------------------
# The SET route: 10.253.0.0/24 via $SET_GW on $SET_DEV (not the flapped link), proto
# static, its metric moved between 100 and 101 by each SET (make before break: the
# route count stays as it is, which the cases' polls wait for).
SET_DEV=veth2
SET_GW=10.254.0.2
SET_ADDR=10.254.0.1/30
SET_STATS=()	# "N case target count statuses median p99 max"

set_oid() {	# set_oid METRIC: cimIP4RouteMetric1 of the SET route at METRIC
	echo ".1.3.6.1.4.1.32473.1.1.1.3.1.13.10.253.0.0.255.255.255.0.$SET_GW.$SET_IFX.254.0.$1"
}
# set_runner_start: one SET after another until set_runner_stop; one line each: "us status"
set_runner_start() {
	[ "$SETS" = 1 ] || return 0
	rm -f "$d/setstop"
	: >"$d/set.lines"
	: >"$d/setpids"
	(
		trap '' INT
		m=100
		while [ ! -e "$d/setstop" ]; do
			s=$(date +%s%N)
			MIBS="" ip netns exec "$NS" snmpset -v2c -c private -t 10 -r 0 -Oqv $AGENT \
				"$(set_oid $m)" i $((201 - m)) >"$d/set.cur" 2>&1 &
			echo $! >>"$d/setpids"
			if wait $!; then
				st=ok
				m=$((201 - m))
			else
				st=$(sed -n 's/.*Reason: \([A-Za-z]*\).*/\1/p; s/^Timeout.*/timeout/p' "$d/set.cur" | head -1)
			fi
			e=$(date +%s%N)
			echo "$(((e - s) / 1000)) ${st:-failed}" >>"$d/set.lines"
		done
		# leave the route at metric 100 for the next case
		[ $m = 100 ] || MIBS="" ip netns exec "$NS" snmpset -v2c -c private -t 10 -r 0 -Oqv $AGENT \
			"$(set_oid $m)" i 100 >/dev/null 2>&1
	) &
	SET_PID=$!
	PIDS+=("$SET_PID")
}
# set_runner_stop N CASE TARGET: wait for the SET in flight, print and record the SET figures
set_runner_stop() {
	[ "$SETS" = 1 ] || return 0
	local n=$1 cs=$2 tg=$3 count st fig
	touch "$d/setstop"
	wait "$SET_PID" 2>/dev/null
	count=$(grep -c . "$d/set.lines")
	st=$(awk '{c[$2]++} END{for (k in c) printf "%s%s=%d", (n++ ? " " : ""), k, c[k]}' "$d/set.lines")
	fig=$(sort -n "$d/set.lines" | awk '{v[NR]=$1} END{ if (NR == 0) { print "n/a n/a n/a"; exit }
		m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1]; print m, p, v[NR] }')
	echo "    SETs one after another during the case: $count ($st); SET round trip median/p99/max: $fig us"
	SET_STATS+=("$n|$cs|$tg|$count|$st|$(echo "$fig" | tr ' ' '|')")
}

# ---- background GETs for the whole of a churn case ---------------------------
# runner_start TARGET K: getbench lat -k K in a loop (one run is meant to cover
# the case; if it ends before the case, another follows) until runner_stop, which
# ends the run in progress before its next GET (getbench -x): with SETs, snmpd holds
# GETs back, and a run of K GETs could outlast the case by far
runner_start() {
	local target=$1 k=$2
	rm -f "$d/stop" "$d/runner.lines"
	: >"$d/gbpids"
	(
		trap '' INT
		i=0
		while :; do
			i=$((i + 1))
			s=$(date +%s%N)
			# shellcheck disable=SC2046
			ip netns exec "$NS" "$GETBENCH" lat -t $GET_TMO -r 0 -k "$k" -s "$i" -x "$d/stop" \
				$(lat_args "$target") $AGENT >"$d/runner.cur" 2>"$d/runner.err" &
			echo $! >>"$d/gbpids"
			wait $!
			e=$(date +%s%N)
			echo "start_ns=$s end_ns=$e $(cat "$d/runner.cur")" >>"$d/runner.lines"
			[ -e "$d/stop" ] && break
			[ -s "$d/runner.cur" ] || break	# getbench failed outright
		done
	) &
	RUNNER_PID=$!
	PIDS+=("$RUNNER_PID")
	sleep 0.3	# let it start and settle before the kernel is touched
}
# runner_stop: end the current getbench run (before its next GET) and wait for it
runner_stop() {
	touch "$d/stop"
	wait "$RUNNER_PID" 2>/dev/null
}

# case_report N CASE TARGET CASE_START_NS CASE_END_NS: print and record the runner's figures
case_report() {
	local n=$1 cs=$2 tg=$3 s=$4 e=$5 l runs first last count ok nosuch errs tmo med p99 max note
	runs=$(grep -c . "$d/runner.lines")
	first=$(head -1 "$d/runner.lines" | kv start_ns)
	last=$(tail -1 "$d/runner.lines" | kv end_ns)
	while IFS= read -r l; do
		echo "    getbench: ${l#*end_ns=* }"
	done <"$d/runner.lines"
	echo "    case lasted $(secs "$s" "$e") s; getbench ran $(secs "$first" "$last") s in $runs run(s), from $(secs "$first" "$s") s before the case to $(secs "$e" "$last") s after it (load average $(cut -d' ' -f1 /proc/loadavg))"
	[ -s "$d/runner.err" ] && sed 's/^/    getbench stderr: /' "$d/runner.err" | head -5
	[ -n "$KEEP" ] && sed "s/^/N=$n case=$cs target=$tg case_start_ns=$s case_end_ns=$e /" "$d/runner.lines" >>"$KEEP/getbench-lines.txt"
	count=$(awk '{for(i=1;i<=NF;i++) if ($i ~ /^count=/) {split($i,a,"="); s+=a[2]}} END{print s+0}' "$d/runner.lines")
	ok=$(awk '{for(i=1;i<=NF;i++) if ($i ~ /^ok=/) {split($i,a,"="); s+=a[2]}} END{print s+0}' "$d/runner.lines")
	nosuch=$(awk '{for(i=1;i<=NF;i++) if ($i ~ /^nosuch=/) {split($i,a,"="); s+=a[2]}} END{print s+0}' "$d/runner.lines")
	errs=$(awk '{for(i=1;i<=NF;i++) if ($i ~ /^errors=/) {split($i,a,"="); s+=a[2]}} END{print s+0}' "$d/runner.lines")
	tmo=$(awk '{for(i=1;i<=NF;i++) if ($i ~ /^timeouts=/) {split($i,a,"="); s+=a[2]}} END{print s+0}' "$d/runner.lines")
	max=$(awk '{for(i=1;i<=NF;i++) if ($i ~ /^max_us=/) {split($i,a,"="); if (a[2]+0 > m) m=a[2]+0}} END{print m+0}' "$d/runner.lines")
	# exact with one run; over several, the median lies between the runs' medians
	# and the p99 is at most the largest of their p99s
	med=$(awk '{for(i=1;i<=NF;i++) if ($i ~ /^median_us=/) {split($i,a,"="); v=a[2]+0; if (NR==1||v<lo) lo=v; if (v>hi) hi=v}}
		END{ if (lo==hi) print hi; else print lo ".." hi }' "$d/runner.lines")
	p99=$(awk '{for(i=1;i<=NF;i++) if ($i ~ /^p99_us=/) {split($i,a,"="); v=a[2]+0; if (v>hi) hi=v}}
		END{ print (NR > 1 ? "<=" : "") hi }' "$d/runner.lines")
	note=""
	[ "$runs" -gt 1 ] && note="$runs getbench runs"
	[ "$count" = 0 ] && { med=n/a; p99=n/a; max=n/a; note="getbench gave no figures"; }
	SUMMARY+=("$n|$cs|$tg|$count|$ok|$nosuch|$errs|$tmo|${med:-n/a}|${p99:-n/a}|$max|$(secs "$s" "$e")|$note")
}

# poll_bg OUT START_NS VALUE: in the background, wait until cimIP4RouteCount.0 == VALUE
# (elapsed from START_NS); sets P_PID
poll_bg() {
	gb poll -i 10000 -T "$LIM" -S "$2" -o $CIM_COUNT -e "$3" $AGENT >"$1" 2>&1 &
	P_PID=$!
	PIDS+=("$P_PID")
}
# poll_wait PID OUT WHAT: wait for a poll_bg, print its figure
poll_wait() {
	wait "$1" 2>/dev/null
	local r el
	r=$(kv result <"$2"); el=$(kv elapsed_us <"$2")
	if [ "$r" = ok ]; then
		echo "    cimIP4RouteCount.0 shows $3 after $(us2s "$el") s"
	else
		echo "    cimIP4RouteCount.0 did NOT show $3 within ${LIM} s ($(head -c 200 "$2"); count now $(gb poll -T 5 -o $CIM_COUNT $AGENT | kv value))"
	fi
	POLL_S=$(us2s "$el")
}
# timed CMD...: run CMD, set OP_S to its wall time in s
timed() {
	local s e rc
	s=$(now_ns); "$@"; rc=$?; e=$(now_ns)
	OP_S=$(secs "$s" "$e")
	[ $rc = 0 ] || echo "    ($* exited $rc)"
	return $rc
}

# K for a case expected to last EST_S s at the baseline rate of TARGET (and 20% more)
gets_for() {
	awk -v est="$1" -v mean="${R[base_mean,$2]:-500}" 'BEGIN{
		if (mean < 50) mean = 50; k = int(1.2 * est * 1e6 / mean); if (k < 3000) k = 3000; print k }'
}

cim_alive_check() {	# cim_alive_check WHEN
	if ! alive "$CIM_PID"; then
		wait "$CIM_PID" 2>/dev/null
		echo "    ** cimrouted is DEAD after $1 (exit status $?) **"
		R[died,$N]="after $1"
		return 1
	fi
	alive "$SNMPD_PID" || { echo "    ** snmpd is DEAD after $1 **"; R[died,$N]="snmpd after $1"; return 1; }
	return 0
}

log_mark() { LOGMARK=$(wc -l <"$d/cimrouted.log" 2>/dev/null || echo 0); }
log_since() {	# cimrouted log lines since log_mark that concern re-dumps, timing, trouble
	tail -n +$((LOGMARK + 1)) "$d/cimrouted.log" 2>/dev/null |
		grep -E 're-dump|routes:|overrun|lost|rror|arn|out of memory|unparsable|resync' |
		sed 's/^/    log: /'
}

# ---- the churn cases ---------------------------------------------------------
case_flap() {
	local tg=$1 k s s2 e p1 p2 kd
	kd=$KDOWN
	k=$(gets_for "$(awk -v l="$LOAD_S" -v c="$COLD_S" 'BEGIN{print 1.2 * l + 2 * c + 1}')" "$tg")
	echo "  link flap, GETs on $tg (getbench lat -k $k in the background):"
	log "N=$N: link flap, GETs on $tg (k=$k)"
	log_mark
	runner_start "$tg" "$k"
	set_runner_start
	s=$(now_ns)
	poll_bg "$d/p1" "$s" "$kd"; p1=$P_PID
	timed nsx ip link set $DEV down
	echo "    ip link set $DEV down: $OP_S s (kernel main table now $(kcount) routes)"
	KOPS+=("$N|flap|$tg|ip link set down|$OP_S")
	poll_wait "$p1" "$d/p1" "$kd (routes gone)"
	KOPS+=("$N|flap|$tg|down to count dropped|$POLL_S")
	s2=$(now_ns)
	poll_bg "$d/p2" "$s2" "$KFULL"; p2=$P_PID
	timed nsx ip link set $DEV up
	echo "    ip link set $DEV up: $OP_S s"
	KOPS+=("$N|flap|$tg|ip link set up|$OP_S")
	timed nsx ip -batch "$d/batch" >/dev/null
	echo "    ip -batch re-adding $N routes: $OP_S s (kernel main table now $(kcount) routes)"
	KOPS+=("$N|flap|$tg|ip -batch re-add N|$OP_S")
	poll_wait "$p2" "$d/p2" "$KFULL (table back, from ip link set up)"
	KOPS+=("$N|flap|$tg|up to count back|$POLL_S")
	e=$(now_ns)
	runner_stop
	set_runner_stop "$N" flap "$tg"
	case_report "$N" flap "$tg" "$s" "$e"
	log_since
	cim_alive_check "the link flap ($tg)"
}

case_burst() {
	local tg=$1 k s s2 e p1 p2
	k=$(gets_for "$(awk -v l="$LOAD_S" -v c="$COLD_S" -v m="$BURST" -v n="$N" 'BEGIN{print 2.4 * l * m / n + c + 1}')" "$tg")
	echo "  burst of $BURST routes, GETs on $tg (getbench lat -k $k in the background):"
	log "N=$N: burst, GETs on $tg (k=$k)"
	log_mark
	runner_start "$tg" "$k"
	set_runner_start
	s=$(now_ns)
	poll_bg "$d/p1" "$s" $((KFULL + BURST)); p1=$P_PID
	timed nsx ip -batch "$d/burst-add" >/dev/null
	echo "    ip -batch adding $BURST routes: $OP_S s"
	KOPS+=("$N|burst|$tg|ip -batch add burst|$OP_S")
	poll_wait "$p1" "$d/p1" "$((KFULL + BURST)) (burst added)"
	KOPS+=("$N|burst|$tg|add to count up|$POLL_S")
	s2=$(now_ns)
	poll_bg "$d/p2" "$s2" "$KFULL"; p2=$P_PID
	timed nsx ip -batch "$d/burst-del" >/dev/null
	echo "    ip -batch deleting them: $OP_S s"
	KOPS+=("$N|burst|$tg|ip -batch delete burst|$OP_S")
	poll_wait "$p2" "$d/p2" "$KFULL (burst deleted)"
	KOPS+=("$N|burst|$tg|delete to count back|$POLL_S")
	e=$(now_ns)
	runner_stop
	set_runner_stop "$N" burst "$tg"
	case_report "$N" burst "$tg" "$s" "$e"
	log_since
	cim_alive_check "the burst ($tg)"
}

# ---- one route count -----------------------------------------------------------
run_n() {
	N=$1
	d=$T/n$N
	local ifx s e p tg i
	NS=cimstall-$$-$N
	mkdir -p "$d"
	LIM=$((60 + N / 2000))
	echo
	echo "== N=$N == (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	log "N=$N: namespace $NS"
	ip netns add "$NS" || return 1
	NSES+=("$NS")
	nsx ip link set lo up
	nsx ip link add $DEV type veth peer name veth1
	nsx ip link set $DEV up
	nsx ip link set veth1 up
	nsx ip addr add $ADDR dev $DEV
	if [ "$SETS" = 1 ]; then
		nsx ip link add $SET_DEV type veth peer name veth3
		nsx ip link set $SET_DEV up
		nsx ip link set veth3 up
		nsx ip addr add $SET_ADDR dev $SET_DEV
		nsx ip route add 10.253.0.0/24 via $SET_GW dev $SET_DEV proto static metric 100
		SET_IFX=$(nsx cat /sys/class/net/$SET_DEV/ifindex)
	fi
	ifx=$(nsx cat /sys/class/net/$DEV/ifindex)
	python3 "$HERE/genroutes.py" "$N" 1 $GW $DEV "$d/batch" "$d/prefixes" || return 1
	# 1000 random rows to GET (cimIP4RouteProtocol of each), as bench.sh does
	shuf -n 1000 --random-source=<(yes) "$d/prefixes" |
		awk -v gw=$GW -v ifx="$ifx" -v col="$CIM_COL19" '
		function mask(l,   i, o, s) { s = ""; for (i = 0; i < 4; i++) {
			o = (l >= 8) ? 255 : (l <= 0 ? 0 : 256 - 2^(8 - l)); l -= 8; s = s (i ? "." : "") o }
			return s }
		{ print col "." $1 "." mask($2) "." gw "." ifx ".254.0.20" }' >"$d/getoids"
	echo "$EVENT_LASTSEQ" >"$d/scalaroid"
	echo "$SYSUPTIME" >"$d/snmpdoid"
	# the burst: /24s in 100.128.0.0/9 (genroutes.py leaves 100/8 free)
	awk -v m="$BURST" -v gw=$GW -v dev=$DEV 'BEGIN{ for (i = 0; i < m; i++)
		printf "route add 100.%d.%d.0/24 via %s dev %s proto bgp metric 20\n", 128 + int(i / 256), i % 256, gw, dev }' >"$d/burst-add"
	sed 's/^route add /route del /' "$d/burst-add" >"$d/burst-del"

	timed nsx ip -batch "$d/batch" >/dev/null || log "N=$N: ip -batch reported errors"
	LOAD_S=$OP_S
	KFULL=$(kcount)
	# what the main table keeps when $DEV goes down: the routes on other devices
	KDOWN=$(nsx ip -4 route show table main | grep -vc " dev $DEV\\b")
	echo "  ip -batch loading $N routes: $LOAD_S s; kernel main table: $KFULL routes ($KDOWN not on $DEV)"
	KOPS+=("$N|setup|-|ip -batch load N|$LOAD_S")

	SNMPD_EXTRA_CONF=""
	[ "$SETS" = 1 ] && SNMPD_EXTRA_CONF="rwcommunity private 127.0.0.1"
	start_snmpd "$d" || return 1
	log "N=$N: cimrouted cold start"
	start_cim "$d"
	p=$(gb poll -i 10000 -T "$LIM" -S "$CIM_T0" -o $CIM_COUNT -e "$KFULL" $AGENT)
	if [ "$(echo "$p" | kv result)" != ok ]; then
		echo "  cimrouted did not reach cimIP4RouteCount.0 = $KFULL within $LIM s ($p)"
		cim_alive_check "the cold start"
		return 1
	fi
	COLD_S=$(us2s "$(echo "$p" | kv elapsed_us)")
	echo "  cimrouted cold start to cimIP4RouteCount.0 = $KFULL: $COLD_S s"
	KOPS+=("$N|setup|-|cimrouted cold start|$COLD_S")
	sleep 1

	# -- baselines, no churn
	for tg in $(printf '%s\n' rows scalar $TARGETS | awk '!seen[$0]++'); do
		log "N=$N: baseline, GETs on $tg"
		# shellcheck disable=SC2046
		p=$(gb lat -t $GET_TMO -r 0 -k $GETK $(lat_args $tg) $AGENT)
		echo "  baseline, no churn, GETs on $tg: $p"
		R[base_mean,$tg]=$(echo "$p" | kv mean_us)
		SUMMARY+=("$N|baseline|$tg|$(echo "$p" | kv count)|$(echo "$p" | kv ok)|$(echo "$p" | kv nosuch)|$(echo "$p" | kv errors)|$(echo "$p" | kv timeouts)|$(echo "$p" | kv median_us)|$(echo "$p" | kv p99_us)|$(echo "$p" | kv max_us)||")
	done

	# -- churn
	for tg in $TARGETS; do
		for i in $CASES; do
			alive "$CIM_PID" && case_$i "$tg"
		done
	done

	echo "  cimrouted log, lines with \"re-dump\" or \"routes:\" (whole run):"
	grep -E 're-dump|routes:' "$d/cimrouted.log" | sed 's/^/    /'
	i=$(grep -ciE 'error|warn|out of memory' "$d/cimrouted.log")
	echo "  cimrouted log: $(wc -l <"$d/cimrouted.log") lines, $i with error/warning"
	[ "$i" -gt 0 ] && grep -iE 'error|warn|out of memory' "$d/cimrouted.log" | head -20 | sed 's/^/    /'
	[ -s "$d/cimrouted.out" ] && { echo "  cimrouted stdout/stderr:"; head -20 "$d/cimrouted.out" | sed 's/^/    /'; }
	cim_alive_check "all cases" && echo "  cimrouted alive at the end (RSS $(awk '/^VmRSS/{printf "%.0f MiB", $2/1024}' "/proc/$CIM_PID/status"))"

	stop_pid "$CIM_PID"
	stop_pid "$SNMPD_PID"
	if [ -n "$KEEP" ]; then
		cp "$d/cimrouted.log" "$KEEP/cimrouted-$N.log"
		cp "$d/snmpd.log" "$KEEP/snmpd-$N.log" 2>/dev/null
	fi
	ip netns del "$NS"
	rm -rf "$d"
	log "N=$N: done"
}

# ---- main ----------------------------------------------------------------------
START=$(now_ns)
echo "# cimroute stall benchmark"
echo "command: $CMDLINE"
echo "source: $SRC (git $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null)); cimrouted: $CIMROUTED$(git -C "$BUILD/.." rev-parse --short HEAD 2>/dev/null | sed 's/^/ (build tree git /; s/$/)/')"
echo "machine: $(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(date -u '+%F %T UTC')"
echo "GETs: getbench lat, synchronous, one varbind, -t $GET_TMO ms -r 0; rows = 1000 random cimIP4RouteTable rows, scalar = cimRouteEventLastSequence.0,"
echo "      snmpd = sysUpTime.0 (snmpd's own, no cimrouted: a control);"
echo "      the count is polled every 10 ms by a second client while a case runs"
for N in $NLIST; do
	run_n "$N" || { log "N=$N: aborted"; echo "  N=$N: aborted"; }
	[ -n "$KEEP" ] && [ -d "$T/n$N" ] && cp "$T/n$N"/*.log "$KEEP/" 2>/dev/null
done
END=$(now_ns)

echo
echo "== summary (GET round trips as getbench sees them, in us; the churn rows include the GETs"
echo "   getbench made before and after the case, see \"getbench ran\" above) =="
echo
{
	echo "size|case|GETs on|GETs|ok|nosuch|errors|timeouts|median_us|p99_us|max_us|case_s|note"
	for l in "${SUMMARY[@]}"; do echo "$l"; done
} | column -t -s'|'
echo
echo "== kernel operations and when cimIP4RouteCount.0 showed them (s) =="
echo
{
	echo "size|case|GETs on|what|s"
	for l in "${KOPS[@]}"; do echo "$l"; done
} | column -t -s'|'
if [ "$SETS" = 1 ]; then
	echo
	echo "== SETs run one after another during each case (round trips in us) =="
	echo
	{
		echo "size|case|GETs on|SETs|statuses|median_us|p99_us|max_us"
		for l in "${SET_STATS[@]}"; do echo "$l"; done
	} | column -t -s'|'
fi
for N in $NLIST; do [ -n "${R[died,$N]:-}" ] && echo "** N=$N: died ${R[died,$N]} **"; done
echo
echo "run took $(secs "$START" "$END") s; load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
exit 0
