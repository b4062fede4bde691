#!/bin/bash
# cimroute benchmark: cimrouted's cimIP4RouteTable (and cimIP6RouteTable) against
# `ip route`, the AgentX ceiling (trivial-subagent) and snmpd's own
# inetCidrRouteTable, on the same kernel table, side by side in one run.
#
#   bash tests/bench/bench.sh [-b BUILDDIR] [-n "10000 100000 1000000"] [-o results.md]
#                             [-r REPEATS] [-w WHOLE_CAP_S] [-c CIDR_CAP_S] [-k KEEPDIR] [-P]
#                             [-f "4 6 46"] [-1 CPU]
#
#   -b  VPATH build directory holding agent/cimrouted (default /tmp/bench-build);
#       tests/bench/getbench and trivial-subagent are taken from there when built,
#       else compiled with gcc into the temporary directory
#   -n  route counts, one fresh network namespace each (default "10000 100000")
#   -o  also write the Markdown report to this file
#   -r  rounds of one-column walks (medians reported; default 5, 3 from 500k up)
#   -w  time cap of the whole-table walk in s (default 900; a cut walk reports its rate)
#   -c  time cap of each inetCidrRouteTable walk in s (default 300)
#   -k  keep logs, raw figures and walk errors in this directory
#   -P  profile cimrouted with perf (cold start, an extra uncounted one-column walk, whole table)
#       into KEEPDIR/perf-*.data and perf-*.txt (the profiled walks run slightly slower)
#   -1  run the one-column walk rounds on one CPU: snmpd, the subagents and snmpbulkwalk
#       pinned to CPU (taskset) for the rounds only.  A walk is a chain of wake-ups
#       (three select() a value in each subagent); unpinned, on a busy or virtual machine,
#       where the scheduler puts each process moves the rates by +-30%.  Pinned, a round's
#       rate is set by the CPU each process spends a value, which is what a ratio to the
#       trivial subagent is meant to compare
#   -f  families, each a run of its own per route count (default 4): 4 = IPv4 (the
#       report as without -f), 6 = N IPv6 routes (cimIP6RouteTable, ip -6), 46 = N IPv4
#       and N IPv6 routes in one namespace (memory per route of each family)
#
# Every process it starts is stopped by pid, every namespace it makes deleted
# and its temporary directory removed, on exit or interrupt.  Traffic stays on
# the loopback of the namespaces it makes (the route gateway never sees a packet).
# Progress goes to stderr and /tmp/bench-progress.txt.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
SRC=$(cd "$HERE/../.." && pwd)
CMDLINE="bash tests/bench/bench.sh$(printf ' %q' "$@")"

BUILD=/tmp/bench-build
NLIST="10000 100000"
OUT=""
REPEATS=""
WHOLE_CAP=900
CIDR_CAP=300
KEEP=""
PROFILE=0
PIN_CPU=""
PINX=""	# "taskset -c CPU" while the rounds run pinned
PROGRESS=/tmp/bench-progress.txt
PORT=1161
GW=10.255.0.2
ADDR=10.255.0.1/30
GW6=fd00:ff::2
ADDR6=fd00:ff::1/64
FAMILIES=4

usage() { sed -n '6,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "b:n:o:r:w:c:k:f:1:Ph" opt; do
	case $opt in
	b) BUILD=$OPTARG ;;
	n) NLIST=$OPTARG ;;
	o) OUT=$OPTARG ;;
	r) REPEATS=$OPTARG ;;
	w) WHOLE_CAP=$OPTARG ;;
	c) CIDR_CAP=$OPTARG ;;
	k) KEEP=$OPTARG ;;
	P) PROFILE=1 ;;
	1) PIN_CPU=$OPTARG ;;
	f) FAMILIES=$OPTARG ;;
	*) usage ;;
	esac
done
for f in $FAMILIES; do
	case $f in 4 | 6 | 46) ;; *) echo "bench.sh: -f takes 4, 6 and 46" >&2; exit 2 ;; esac
done
[ "$(id -u)" = 0 ] || { echo "bench.sh: needs root (network namespaces)" >&2; exit 2; }
for t in ip snmpd snmpbulkwalk snmpget python3 net-snmp-config gcc timeout shuf; do
	command -v $t >/dev/null || { echo "bench.sh: $t not found" >&2; exit 2; }
done
if [ "$PROFILE" = 1 ]; then
	command -v perf >/dev/null || { echo "bench.sh: -P needs perf (linux-perf)" >&2; exit 2; }
	[ -n "$KEEP" ] || { echo "bench.sh: -P needs -k KEEPDIR" >&2; exit 2; }
fi
[ -n "$KEEP" ] && mkdir -p "$KEEP"

# ---- housekeeping ------------------------------------------------------------
T=$(mktemp -d /tmp/cimbench.XXXXXX)
PIDS=()
NSES=()
cleanup() {
	local p n
	for p in "${PIDS[@]}"; do
		[ -n "$p" ] && kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null
	done
	sleep 0.5
	for p in "${PIDS[@]}"; do
		[ -n "$p" ] && kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	done
	for n in "${NSES[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

log() {
	printf '%s %s\n' "$(date +%T)" "$*" >&2
	printf '%s %s\n' "$(date '+%F %T')" "$*" >>"$PROGRESS"
}
median() { sort -n | awk '{v[NR]=$1} END{if(NR==0){print "";exit} print v[int((NR+1)/2)]}'; }
fmt() { awk -v x="$1" -v d="${2:-2}" 'BEGIN{ if (x=="") print "n/a"; else printf "%.*f\n", d, x }'; }
div() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN{ if (a==""||b==""||b==0) print "n/a"; else printf "%.*f\n", d, a/b }'; }
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null; }
hwm_kb() { awk '/^VmHWM/{print $2}' "/proc/$1/status" 2>/dev/null; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat" 2>/dev/null; }

# ---- tools -------------------------------------------------------------------
WARN="-Wall -Wextra -Werror"
NSCFLAGS=$(for f in $(net-snmp-config --base-cflags); do case $f in -DNETSNMP_*) printf '%s ' "$f" ;; esac; done)
mkdir -p "$T/bin"
tool() {	# tool NAME LIBS-FLAG: the built one, else compile it here
	if [ -x "$BUILD/tests/bench/$1" ]; then
		echo "$BUILD/tests/bench/$1"
	else
		# shellcheck disable=SC2086
		gcc -O2 $WARN $NSCFLAGS -o "$T/bin/$1" "$HERE/$1.c" $(net-snmp-config "$2") -lpthread || exit 2
		echo "$T/bin/$1"
	fi
}
GETBENCH=$(tool getbench --libs) || exit 2
TRIVIAL=$(tool trivial-subagent --agent-libs) || exit 2
CIMROUTED="$BUILD/agent/cimrouted"
HAVE_CIM=1
if [ ! -x "$CIMROUTED" ]; then
	HAVE_CIM=0
	log "no $CIMROUTED: measuring only ip, the trivial subagent and snmpd's own table"
fi

# ---- OIDs --------------------------------------------------------------------
CIM_COUNT=.1.3.6.1.4.1.32473.1.1.1.1.0
CIM_TABLE=.1.3.6.1.4.1.32473.1.1.1.3
CIM_COL19=$CIM_TABLE.1.19
TRIV_COL1=.1.3.6.1.4.1.32473.99.1.1.1
TRIV_COUNT=.1.3.6.1.4.1.32473.99.2.0
TRIV16_COL1=.1.3.6.1.4.1.32473.98.1.1.1
TRIV16_COUNT=.1.3.6.1.4.1.32473.98.2.0
TRIV16_PREFIX=200.255.255.0.10.255.0.2.3.254.0.20.200.255.255	# trivial-subagent -w 16
CIM6_COUNT=.1.3.6.1.4.1.32473.1.1.8.1.0
CIM6_TABLE=.1.3.6.1.4.1.32473.1.1.8.3
CIM6_COL14=$CIM6_TABLE.1.14	# cimIP6RouteProtocol
TRIV53_COL1=.1.3.6.1.4.1.32473.97.1.1.1
TRIV53_COUNT=.1.3.6.1.4.1.32473.97.2.0
# trivial-subagent -w 53: 2001:db8:1::/48 via fd00:ff::2, ifIndex 3, table 254, metric 20, ::/
TRIV53_PREFIX=32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.0.48.253.0.0.255.0.0.0.0.0.0.0.0.0.0.0.2.3.254.20.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0
GW6_OID=253.0.0.255.0.0.0.0.0.0.0.0.0.0.0.2	# fd00:ff::2 as an index
CIDR_IFINDEX=.1.3.6.1.2.1.4.24.7.1.7
SYSUPTIME=.1.3.6.1.2.1.1.3.0
AGENT=udp:127.0.0.1:$PORT

declare -A R	# R[key,N] = figure

# gb_bg OUT ARGS: getbench ARGS in the background, output to OUT; sets G_PID
gb_bg() {
	local out=$1
	shift
	ip netns exec "$NS" "$GETBENCH" "$@" >"$out" &
	G_PID=$!
	PIDS+=("$G_PID")
}
# gb_wait PID G OUT: wait for getbench G, given up (result=died) as soon as PID dies
gb_wait() {
	local pid=$1 g=$2 out=$3
	while alive "$g"; do
		if ! alive "$pid"; then
			sleep 0.2
			stop_pid "$g"
			echo "result=died" >"$out"
			break
		fi
		sleep 0.05
	done
	wait "$g" 2>/dev/null
	cat "$out"
}
# gbw PID ARGS: getbench ARGS, given up as soon as process PID dies
gbw() {
	local pid=$1
	shift
	gb_bg "$T/gbw.out" "$@"
	gb_wait "$pid" "$G_PID" "$T/gbw.out"
}

# walk OID CAP_S REQ_TIMEOUT_S TAG: sets W_LINES W_SECS W_RC W_ERRS W_CUT
walk() {
	local oid=$1 cap=$2 tmo=$3 tag=$4 s e res
	s=$(now_ns)
	res=$(timeout -k 5 "$cap" ip netns exec "$NS" $PINX snmpbulkwalk -v2c -c public -m '' -On -Oq \
		-Cr50 -t "$tmo" -r 0 127.0.0.1:$PORT "$oid" 2>"$T/walk-$tag.err" |
		awk '{n++; last=$1} END{print n+0, last}'; echo "rc=${PIPESTATUS[0]}")
	e=$(now_ns)
	W_LINES=$(echo "$res" | head -1 | cut -d' ' -f1)
	W_LAST=$(echo "$res" | head -1 | cut -d' ' -f2)
	W_RC=$(echo "$res" | kv rc)
	W_SECS=$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.3f", (b-a)/1e9}')
	W_ERRS=$(grep -c . "$T/walk-$tag.err")
	W_CUT=0
	[ "$W_RC" = 124 ] || [ "$W_RC" = 137 ] && W_CUT=1
	[ -n "$KEEP" ] && [ "$W_ERRS" -gt 0 ] && head -20 "$T/walk-$tag.err" >"$KEEP/walk-$tag-$N.err"
	echo "walk $tag N=$N lines=$W_LINES secs=$W_SECS rc=$W_RC errs=$W_ERRS cut=$W_CUT last=$W_LAST" >>"$T/raw"
}


perf_start() {	# perf_start TAG: profile cimrouted until perf_stop
	[ $PROFILE = 1 ] || return 0
	perf record -q -g -F 999 -p "$CIM_PID" -o "$KEEP/perf-$1-$N.data" 2>/dev/null &
	PERF_PID=$!
	PERF_TAG=$1
	PIDS+=("$PERF_PID")
}
# profile_walk PERFTAG OID CAP: with -P, one walk of cimrouted under perf, before the rounds
# and not counted in them (perf slows the profiled process: a profiled round would count
# against cimrouted)
profile_walk() {
	[ $PROFILE = 1 ] || return 0
	perf_start "$1"
	round_walk "prof-$1" "$CIM_PID" "$2" "$3"
	perf_stop
}
perf_stop() {
	[ $PROFILE = 1 ] || return 0
	kill -INT "$PERF_PID" 2>/dev/null
	wait "$PERF_PID" 2>/dev/null
	perf report -i "$KEEP/perf-$PERF_TAG-$N.data" --stdio --no-children --sort symbol \
		--percent-limit 0.5 2>/dev/null | grep -v '^$' | head -150 >"$KEEP/perf-$PERF_TAG-$N.txt"
	perf report -i "$KEEP/perf-$PERF_TAG-$N.data" --stdio --children --sort symbol -g none \
		--percent-limit 2 2>/dev/null | grep -v '^$' | head -80 >"$KEEP/perf-$PERF_TAG-$N-children.txt"
}

keep_cimlog() {
	local f
	[ -n "$KEEP" ] || return 0
	for f in "$T/n$N"/cimrouted-*.log; do
		[ -f "$f" ] && cp "$f" "$KEEP/$(basename "$f" .log)-$N.log"
	done
	return 0
}

start_cim() {	# start_cim DIR TAG: sets CIM_PID, CIM_T0
	local d=$1 tag=$2
	mkdir -p -m 0700 "$d/state" # cimrouted refuses a state directory others may write
	CIM_T0=$(now_ns)
	SNMP_PERSISTENT_DIR=$d/persist ip netns exec "$NS" "$CIMROUTED" -f -x "$d/agentx.sock" \
		-S "$d/state" -Lf "$d/cimrouted-$tag.log" -p "$d/cimrouted.pid" &
	CIM_PID=$!
	PIDS+=("$CIM_PID")
}

# pin_rounds PID...: with -1, pin these processes (every thread) and the walks to one CPU;
# unpin_rounds PID...: give them every CPU again
pin_rounds() {
	[ -n "$PIN_CPU" ] || return 0
	local p
	for p in "$@"; do taskset -a -p -c "$PIN_CPU" "$p" >/dev/null; done
	PINX="taskset -c $PIN_CPU"
}
unpin_rounds() {
	[ -n "$PIN_CPU" ] || return 0
	local p
	for p in "$@"; do taskset -a -p -c "0-$(($(nproc) - 1))" "$p" >/dev/null; done
	PINX=""
}
# round_walk TAG PID OID CAP: one walk; appends "secs lines errs cut cpu snmpdcpu" to $d/wTAG
round_walk() {
	local tag=$1 pid=$2 oid=$3 cap=$4 a sa
	a=$(cpu_s "$pid"); sa=$(cpu_s "$SNMPD_PID")
	walk "$oid" "$cap" 10 "$tag"
	echo "$W_SECS $W_LINES $W_ERRS $W_CUT $(awk -v a="$a" -v b="$(cpu_s "$pid")" 'BEGIN{print b-a}') $(awk -v a="$sa" -v b="$(cpu_s "$SNMPD_PID")" 'BEGIN{print b-a}')" >>"$d/w$tag"
}
# agg_walks TAG [KEY]: medians into R[TAG_s|_rows|_rate|_cpuv|_scpuv,KEY] (KEY: N)
agg_walks() {
	local t=$1 f=$d/w$1 k=${2:-$N}
	R[${t}_s,$k]=$(cut -d' ' -f1 "$f" | median)
	R[${t}_rows,$k]=$(cut -d' ' -f2 "$f" | median)
	R[${t}_rate,$k]=$(div "${R[${t}_rows,$k]}" "${R[${t}_s,$k]}" 0)
	# CPU per value (us): the subagent's own, and snmpd's, during the walks
	R[${t}_cpuv,$k]=$(awk '$2 > 0 { s += 1e6 * $5 / $2; n++ } END{ if (n) printf "%.1f", s / n; else print "n/a" }' "$f")
	R[${t}_scpuv,$k]=$(awk '$2 > 0 { s += 1e6 * $6 / $2; n++ } END{ if (n) printf "%.1f", s / n; else print "n/a" }' "$f")
}

# mkns NAME [6]: the namespace of a run, with veth0 (the IPv4 gateway's link) up; with 6
# also fd00:ff::1/64 on it, without duplicate address detection, so that the link-local
# and fd00:ff::/64 routes are there at once and the empty daemon's count is final.  Sets NS, IFX
mkns() {
	NS=$1
	log "N=$N: namespace $NS"
	ip netns add "$NS" || return 1
	NSES+=("$NS")
	[ "${2:-}" = 6 ] &&
		ip netns exec "$NS" sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n "$NS" link set lo up
	ip -n "$NS" link add veth0 type veth peer name veth1
	ip -n "$NS" link set veth0 up
	ip -n "$NS" link set veth1 up
	ip -n "$NS" addr add $ADDR dev veth0
	[ "${2:-}" = 6 ] && ip -n "$NS" -6 addr add $ADDR6 dev veth0 nodad
	IFX=$(ip -n "$NS" -o link show veth0 | cut -d: -f1)
}

# start_trivials ROWS WIDTH ARC COUNT_OID: two trivial subagents of ROWS rows, one with a
# 1-sub-id index (arc 99), one with a WIDTH-sub-id index (arc ARC); sets TRIV_PID, TRIVW_PID
start_trivials() {
	local rows=$1 w=$2 arc=$3 count=$4
	SNMP_PERSISTENT_DIR=$d/persist ip netns exec "$NS" "$TRIVIAL" -x "$d/agentx.sock" "$rows" \
		2>"$d/trivial.err" &
	TRIV_PID=$!
	PIDS+=("$TRIV_PID")
	SNMP_PERSISTENT_DIR=$d/persist ip netns exec "$NS" "$TRIVIAL" -x "$d/agentx.sock" -w "$w" -a "$arc" \
		"$rows" 2>"$d/trivial$w.err" &
	TRIVW_PID=$!
	PIDS+=("$TRIVW_PID")
	gb poll -i 10000 -T 30 -o $TRIV_COUNT $AGENT >/dev/null || log "N=$N: trivial subagent not registered"
	gb poll -i 10000 -T 30 -o "$count" $AGENT >/dev/null || log "N=$N: trivial subagent (-w $w) not registered"
}

# cold_start DIR PERFTAG COUNT_OID ROWS LIMIT_S KEY RAWTAG: start cimrouted on the loaded
# table, time it until COUNT_OID = ROWS, into R[cold|cold_ok,KEY]; leaves it running
cold_start() {
	local p
	start_cim "$1" cold
	perf_start "$2"
	p=$(gbw "$CIM_PID" poll -i 10000 -T "$5" -S "$CIM_T0" -o "$3" -e "$4" $AGENT)
	perf_stop
	echo "$7 $p" >>"$T/raw"
	R[cold,$6]=$(echo "$p" | kv elapsed_us)
	R[cold_ok,$6]=$(echo "$p" | kv result)
}

# ipshow FAM KEY: `ip -FAM route show | wc -l`, three times; the median (us) into R[ipshow,KEY]
ipshow() {
	local i s e
	for i in 1 2 3; do
		s=$(now_ns); ip -n "$NS" "-$1" route show | wc -l >/dev/null; e=$(now_ns)
		echo $(((e - s) / 1000))
	done >"$d/ipshow"
	R[ipshow,$2]=$(median <"$d/ipshow")
}

# pct_rounds CIMTAG KEY TAG...: per round (cimrouted values/s) / (TAG values/s), the
# median into R[pct_TAG,KEY]
pct_rounds() {
	local c=$1 k=$2 w
	shift 2
	for w in "$@"; do
		R[pct_$w,$k]=$(paste -d' ' "$d/w$c" "$d/w$w" |
			awk '$1 > 0 && $8 > 0 && $7 > 0 { printf "%.1f\n", 100 * ($2 / $1) / ($8 / $7) }' | median)
		R[pct_$w,$k]=$(fmt "${R[pct_$w,$k]}" 0)
	done
}

# changes KEY TAG FAM GW DSTFN OIDFN: 20 adds then 20 deletes of the routes `DSTFN I`
# via GW (ip -FAM), each timed from just before `ip route` runs to the first GET of
# `OIDFN I` that shows it (or shows it gone); into R[add_*|del_*,KEY]
changes() {
	local k=$1 tag=$2 fam=$3 gw=$4 dst=$5 oid=$6 i p
	: >"$d/chadd"; : >"$d/chdel"; : >"$d/chaddcmd"; : >"$d/chaddev"; : >"$d/chdelev"
	for i in $(seq 0 19); do
		p=$(gb poll -E -i 200 -T 10 -o "$($oid "$i")" $AGENT \
			ip "-$fam" route add "$($dst "$i")" via "$gw" dev veth0 proto bgp metric 20)
		echo "chadd$tag N=$N i=$i $p" >>"$T/raw"
		[ "$(echo "$p" | kv result)" = ok ] && echo "$p" | kv elapsed_us >>"$d/chadd" &&
			echo "$p" | kv cmd_us >>"$d/chaddcmd" && ev_share "$p" >>"$d/chaddev"
	done
	for i in $(seq 0 19); do
		p=$(gb poll -E -a -i 200 -T 10 -o "$($oid "$i")" $AGENT \
			ip "-$fam" route del "$($dst "$i")" via "$gw" dev veth0 proto bgp metric 20)
		echo "chdel$tag N=$N i=$i $p" >>"$T/raw"
		[ "$(echo "$p" | kv result)" = ok ] && echo "$p" | kv elapsed_us >>"$d/chdel" &&
			ev_share "$p" >>"$d/chdelev"
	done
	R[add_n,$k]=$(wc -l <"$d/chadd")
	R[add_med,$k]=$(median <"$d/chadd")
	R[add_max,$k]=$(sort -n "$d/chadd" | tail -1)
	R[add_cmd,$k]=$(median <"$d/chaddcmd")
	R[add_ev,$k]=$(median <"$d/chaddev")
	R[add_evmax,$k]=$(sort -n "$d/chaddev" | tail -1)
	R[del_n,$k]=$(wc -l <"$d/chdel")
	R[del_med,$k]=$(median <"$d/chdel")
	R[del_max,$k]=$(sort -n "$d/chdel" | tail -1)
	R[del_ev,$k]=$(median <"$d/chdelev")
}
# ev_share POLL_LINE: the agent's own share of a change's latency, elapsed_us - event_us (the
# kernel's event to the first GET that shows it), nothing when no event was seen
ev_share() {
	local e v
	e=$(echo "$1" | kv elapsed_us); v=$(echo "$1" | kv event_us)
	[ -n "$v" ] && [ "$v" -ge 0 ] && echo $((e - v))
}
# the change-latency routes: 100.64.I.0/24, 2001:db8:ffff:I::/64
ch4_dst() { echo "100.64.$1.0/24"; }
ch4_oid() { echo "$CIM_COL19.100.64.$1.0.255.255.255.0.$GW.$IFX.254.0.20"; }
ch6_dst() { printf '2001:db8:ffff:%x::/64\n' "$1"; }
ch6_oid() { echo "$CIM6_COL14.32.1.13.184.255.255.0.$1.0.0.0.0.0.0.0.0.64.$GW6_OID.$IFX.254.20.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"; }

# ---- one route count -----------------------------------------------------------
run_n() {
	N=$1
	local d=$T/n$N i lim ifx c0 s e p
	mkdir -p "$d"
	mkns "cimbench-$$-$N" || return 1
	ifx=$IFX
	python3 "$HERE/genroutes.py" "$N" 1 $GW veth0 "$d/batch" "$d/prefixes" || return 1
	shuf -n 1000 --random-source=<(yes) "$d/prefixes" |
		awk -v gw=$GW -v ifx="$ifx" -v col="$CIM_COL19" '
		function mask(l,   i, o, s) { s = ""; for (i = 0; i < 4; i++) {
			o = (l >= 8) ? 255 : (l <= 0 ? 0 : 256 - 2^(8 - l)); l -= 8; s = s (i ? "." : "") o }
			return s }
		{ print col "." $1 "." mask($2) "." gw "." ifx ".254.0.20" }' >"$d/getoids"
	start_snmpd "$d" || return 1
	lim=$((60 + N / 2000))

	# -- cimrouted in the (nearly) empty namespace: baseline count and memory
	if [ $HAVE_CIM = 1 ]; then
		log "N=$N: cimrouted baseline (empty namespace)"
		start_cim "$d" empty
		p=$(gbw "$CIM_PID" poll -i 10000 -T 60 -S "$CIM_T0" -o $CIM_COUNT -g 0 $AGENT)
		R[empty_start,$N]=$(echo "$p" | kv elapsed_us)
		sleep 1
		c0=$(gbw "$CIM_PID" poll -T 5 -o $CIM_COUNT -g 0 $AGENT | kv value)
		alive "$CIM_PID" || { log "N=$N: cimrouted died at start"; R[died,$N]="at start in the empty namespace"; stop_pid "$CIM_PID"; }
		R[c0,$N]=$c0
		R[rss0,$N]=$(rss_kb "$CIM_PID")
		echo "baseline N=$N $p c0=$c0 rss0=${R[rss0,$N]} kernel_all=$(ip -n "$NS" -4 route show table all | wc -l)" >>"$T/raw"
		[ -n "$c0" ] || log "N=$N: cimrouted gives no cimIP4RouteCount.0: skipping it"
	fi
	HAVE_CIM_N=$HAVE_CIM
	[ -z "${R[c0,$N]:-}" ] && HAVE_CIM_N=0

	# -- load N routes (cimrouted, if there, watches them arrive)
	log "N=$N: ip -batch load"
	if [ $HAVE_CIM_N = 1 ]; then
		s=$(now_ns)
		gb_bg "$d/live.out" poll -i 10000 -T $lim -S "$s" -o $CIM_COUNT -e $((c0 + N)) $AGENT
		p=$G_PID
	else
		s=$(now_ns)
	fi
	ip -n "$NS" -batch "$d/batch" >/dev/null || log "N=$N: ip -batch reported errors"
	e=$(now_ns)
	R[load,$N]=$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.2f", (b-a)/1e9}')
	R[kernel_main,$N]=$(ip -n "$NS" -4 route show | wc -l)
	if [ $HAVE_CIM_N = 1 ]; then
		gb_wait "$CIM_PID" "$p" "$d/live.out" >"$d/live"
		R[live,$N]=$(kv elapsed_us <"$d/live")
		R[live_ok,$N]=$(kv result <"$d/live")
		echo "live N=$N $(cat "$d/live")" >>"$T/raw"
		alive "$CIM_PID" || { log "N=$N: cimrouted died during the live load"; R[died,$N]="during the live load"; }
		keep_cimlog
		stop_pid "$CIM_PID"
	fi

	# -- reference: ip -4 route show | wc -l, three times
	ipshow 4 "$N"

	# -- cimrouted cold start on the full table
	if [ $HAVE_CIM_N = 1 ]; then
		log "N=$N: cimrouted cold start"
		cold_start "$d" start $CIM_COUNT $((c0 + N)) "$lim" "$N" "cold N=$N"
		alive "$CIM_PID" || { log "N=$N: cimrouted died at cold start"; R[died,$N]="${R[died,$N]:-} at cold start"; HAVE_CIM_N=0; }
		R[cpu,$N]=$(cpu_s "$CIM_PID")
		sleep 1
		R[rss1,$N]=$(rss_kb "$CIM_PID")
		R[hwm,$N]=$(hwm_kb "$CIM_PID")
	fi

	# -- the AgentX ceiling: trivial subagents with as many rows, one with a
	#    1-sub-id index (arc 99), one with a 16-sub-id index like cimIP4RouteTable (arc 98)
	local rows=$((N + ${R[c0,$N]:-0}))
	start_trivials "$rows" 16 98 $TRIV16_COUNT
	TRIV16_PID=$TRIVW_PID

	# -- one-column walks, alternating, REPEATS times
	local reps=${REPEATS:-$([ "$N" -ge 500000 ] && echo 3 || echo 5)}
	local w
	for w in cim t1 t16; do : >"$d/w$w"; done
	[ $HAVE_CIM_N = 1 ] && profile_walk column $CIM_COL19 $((lim * 4))
	pin_rounds "$SNMPD_PID" ${CIM_PID:-} "$TRIV_PID" "$TRIV16_PID"
	for i in $(seq "$reps"); do
		log "N=$N: one-column walks, round $i/$reps"
		[ $HAVE_CIM_N = 1 ] && round_walk cim "$CIM_PID" $CIM_COL19 $((lim * 4))
		round_walk t1 "$TRIV_PID" $TRIV_COL1 $((lim * 4))
		round_walk t16 "$TRIV16_PID" $TRIV16_COL1 $((lim * 4))
	done
	unpin_rounds "$SNMPD_PID" ${CIM_PID:-} "$TRIV_PID" "$TRIV16_PID"
	for w in t1 t16; do agg_walks $w; done
	if [ $HAVE_CIM_N = 1 ]; then
		agg_walks cim
		R[cim_errs,$N]=$(awk '{s+=$3} END{print s+0}' "$d/wcim")
		# per round: (cimrouted values/s) / (trivial values/s); then the median
		pct_rounds cim "$N" t1 t16
	fi

	# -- GET latency: 1000 random rows; the same on the trivial subagents
	log "N=$N: GET latency"
	if [ $HAVE_CIM_N = 1 ]; then
		p=$(gb lat -k 1000 -f "$d/getoids" $AGENT)
		echo "get N=$N $p" >>"$T/raw"
		for i in median_us p90_us p99_us max_us ok; do R[get_$i,$N]=$(echo "$p" | kv $i); done
	fi
	p=$(gb lat -k 1000 -b $TRIV_COL1 -n $rows $AGENT)
	echo "get-t1 N=$N $p" >>"$T/raw"
	for i in median_us p99_us; do R[t1get_$i,$N]=$(echo "$p" | kv $i); done
	p=$(gb lat -k 1000 -b $TRIV16_COL1.$TRIV16_PREFIX -n $rows $AGENT)
	echo "get-t16 N=$N $p" >>"$T/raw"
	for i in median_us p99_us; do R[t16get_$i,$N]=$(echo "$p" | kv $i); done
	stop_pid "$TRIV_PID"
	stop_pid "$TRIV16_PID"

	# -- change latency: 20 adds then 20 deletes, from just before `ip route` runs
	if [ $HAVE_CIM_N = 1 ]; then
		log "N=$N: change latency"
		changes "$N" "" 4 $GW ch4_dst ch4_oid

		# -- whole table, once, capped
		log "N=$N: whole-table walk (cap ${WHOLE_CAP}s)"
		cpu_a=$(cpu_s "$CIM_PID"); cpu_sa=$(cpu_s "$SNMPD_PID")
		perf_start table
		walk $CIM_TABLE "$WHOLE_CAP" 10 cimall
		perf_stop
		R[all_cpuv,$N]=$(awk -v a="$cpu_a" -v b="$(cpu_s "$CIM_PID")" -v n="$W_LINES" 'BEGIN{ if (n > 0) printf "%.1f", 1e6*(b-a)/n; else print "n/a" }')
		R[all_scpuv,$N]=$(awk -v a="$cpu_sa" -v b="$(cpu_s "$SNMPD_PID")" -v n="$W_LINES" 'BEGIN{ if (n > 0) printf "%.1f", 1e6*(b-a)/n; else print "n/a" }')
		R[all_s,$N]=$W_SECS; R[all_vals,$N]=$W_LINES; R[all_cut,$N]=$W_CUT; R[all_errs,$N]=$W_ERRS
		R[all_rate,$N]=$(div "$W_LINES" "$W_SECS" 0)
		alive "$CIM_PID" || { log "N=$N: cimrouted died"; R[died,$N]="${R[died,$N]:-} while serving"; }
		R[rss2,$N]=$(rss_kb "$CIM_PID")
		stop_pid "$CIM_PID"
		keep_cimlog
	fi

	# -- snmpd's own inetCidrRouteTable, last (it may leave snmpd busy)
	log "N=$N: snmpd inetCidrRouteTable walks (cap ${CIDR_CAP}s each)"
	R[snmpd_rss0,$N]=$(rss_kb "$SNMPD_PID")
	walk $CIDR_IFINDEX "$CIDR_CAP" "$CIDR_CAP" cidr1
	R[cidr1_s,$N]=$W_SECS; R[cidr1_rows,$N]=$W_LINES; R[cidr1_cut,$N]=$W_CUT; R[cidr1_rc,$N]=$W_RC
	if [ "$W_RC" = 0 ]; then
		walk $CIDR_IFINDEX "$CIDR_CAP" "$CIDR_CAP" cidr2
		R[cidr2_s,$N]=$W_SECS; R[cidr2_rows,$N]=$W_LINES; R[cidr2_cut,$N]=$W_CUT; R[cidr2_rc,$N]=$W_RC
	fi
	R[snmpd_rss1,$N]=$(rss_kb "$SNMPD_PID")
	stop_pid "$SNMPD_PID"
	[ -n "$KEEP" ] && grep -v -e '^Connection from' "$d/snmpd.log" | tail -50 >"$KEEP/snmpd-$N.log"
	[ -n "$KEEP" ] && cat "$d/trivial.err" "$d/trivial16.err" >"$KEEP/trivial-$N.err"
	keep_cimlog
	ip netns del "$NS"
	rm -rf "$d"
	log "N=$N: done"
}

# ---- IPv6 (-f 6, -f "4 6", -f 46) ------------------------------------------------
# oid6: an IPv6 address as the 16 sub-ids of an InetAddressIPv6 index
oid6() { python3 -c 'import ipaddress,sys; print(".".join(str(b) for b in ipaddress.IPv6Address(sys.argv[1]).packed))' "$1"; }

# cidr_walk TAG FILE: inetCidrRouteIfIndex, IPv6 rows' OIDs kept in FILE; sets W_* and W6_ROWS
cidr_walk() {
	local tag=$1 f=$2 s e
	s=$(now_ns)
	timeout -k 5 "$CIDR_CAP" ip netns exec "$NS" snmpbulkwalk -v2c -c public -m '' -On -Oq \
		-Cr50 -t "$CIDR_CAP" -r 0 127.0.0.1:$PORT $CIDR_IFINDEX 2>"$T/walk-$tag.err" |
		awk '{print $1}' >"$f.all"
	W_RC=${PIPESTATUS[0]}
	e=$(now_ns)
	W_SECS=$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.3f", (b-a)/1e9}')
	W_LINES=$(wc -l <"$f.all")
	grep "^$CIDR_IFINDEX\\.2\\.16\\." "$f.all" >"$f"
	W6_ROWS=$(wc -l <"$f")
	W_CUT=0
	[ "$W_RC" = 124 ] || [ "$W_RC" = 137 ] && W_CUT=1
	echo "walk $tag N=$N lines=$W_LINES v6=$W6_ROWS secs=$W_SECS rc=$W_RC cut=$W_CUT" >>"$T/raw"
}

# cidr_row DEST_OID_PREFIX FILE: the OID of the first row in FILE for that destination
cidr_row() { grep -m1 "^$CIDR_IFINDEX\\.2\\.16\\.$1\\." "$2"; }

# cidr_change DIR KEY TAG TRACK NEW6 PREV CMD...: run CMD (a route add), walk
# inetCidrRouteTable until the new route is there (NEW6: its IPv6 destination's
# sub-ids; empty: until the row count grows), then R[cidr_TAG_*,KEY]: seconds
# until seen, the followed row's OID, the IPv6 rows of PREV whose OID is gone
cidr_change() {
	local d=$1 k=$2 tag=$3 track=$4 new=$5 prev=$6 s e i n0 row
	shift 6
	n0=$(wc -l <"$prev.all")
	s=$(now_ns)
	"$@" || log "N=$N: $* failed"
	for i in $(seq 15); do	# snmpd reloads its cache every 60 s
		cidr_walk "cidr-$tag-$i" "$d/cidr_$tag"
		[ "$W_RC" = 0 ] || break
		if [ -n "$new" ]; then
			cidr_row "$new" "$d/cidr_$tag" >/dev/null && break
		else
			[ "$W_LINES" -gt "$n0" ] && break
		fi
		sleep 5
	done
	e=$(now_ns)
	R[cidr_${tag}_rc,$k]=$W_RC
	R[cidr_${tag}_seen,$k]=$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.1f", (b-a)/1e9}')
	row=$(cidr_row "$track" "$d/cidr_$tag")
	R[cidr_${tag}_after,$k]=${row#"$CIDR_IFINDEX".}
	R[cidr_${tag}_moved,$k]=$(sort "$d/cidr_$tag" | comm -23 <(sort "$prev") - | wc -l)
	if [ "$W_RC" != 0 ]; then	# cut: nothing to compare
		R[cidr_${tag}_seen,$k]="no complete walk within ${CIDR_CAP} s after ${R[cidr_${tag}_seen,$k]}"
		R[cidr_${tag}_moved,$k]=n/a
	fi
	R[cidr_${tag}_v6,$k]=$W6_ROWS
	echo "cidr-identity-$tag N=$N cmd=[$*] row=$row moved=${R[cidr_${tag}_moved,$k]} seen_after_s=${R[cidr_${tag}_seen,$k]} rc=$W_RC" >>"$T/raw"
	[ -n "$new" ] && echo "cidr-identity-$tag N=$N new=$(cidr_row "$new" "$d/cidr_$tag")" >>"$T/raw"
	[ -n "$KEEP" ] && sort "$d/cidr_$tag" | comm -23 <(sort "$prev") - | head -3 >"$KEEP/cidr-moved-$tag-$fam-$N.txt"
	return 0
}

# run_n6 N FAM: one route count of IPv6 (FAM 6) or IPv6 and IPv4 loaded together (FAM 46)
run_n6() {
	N=$1
	local fam=$2 d=$T/n6-$1 i p s e c0 c04 lim gw6 ifx k=$2:$1
	mkdir -p "$d"
	mkns "cimbench-$$-6-$N" 6 || return 1
	sleep 0.5
	ifx=$IFX
	gw6=$GW6_OID
	python3 "$HERE/genroutes.py" -6 "$N" 1 $GW6 veth0 "$d/batch6" "$d/prefixes6" || return 1
	[ "$fam" = 46 ] && { python3 "$HERE/genroutes.py" "$N" 1 $GW veth0 "$d/batch4" "$d/prefixes4" || return 1; }
	shuf -n 1000 --random-source=<(yes) "$d/prefixes6" |
		awk -v tail=".$gw6.$ifx.254.20.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0" -v col="$CIM6_COL14" \
		'{ print col "." $1 "." $2 tail }' >"$d/getoids"
	start_snmpd "$d" || return 1
	lim=$((60 + N / 1000))

	# -- the empty daemon: baseline counts and memory
	log "N=$N ($fam): cimrouted baseline (empty namespace)"
	start_cim "$d" empty
	p=$(gbw "$CIM_PID" poll -i 10000 -T 60 -S "$CIM_T0" -o $CIM6_COUNT -g 0 $AGENT)
	R[empty_start,$k]=$(echo "$p" | kv elapsed_us)
	sleep 1
	c0=$(gbw "$CIM_PID" poll -T 5 -o $CIM6_COUNT -g 0 $AGENT | kv value)
	c04=$(gbw "$CIM_PID" poll -T 5 -o $CIM_COUNT -g 0 $AGENT | kv value)
	alive "$CIM_PID" || { R[died,$k]="at start in the empty namespace"; return 1; }
	[ -n "$c0" ] || { log "N=$N: cimrouted gives no cimIP6RouteCount.0"; R[died,$k]="no cimIP6RouteCount.0"; return 1; }
	R[c0,$k]=$c0
	R[rss0,$k]=$(rss_kb "$CIM_PID")
	R[kernel0,$k]=$(ip -n "$NS" -6 route show table all | wc -l)
	echo "baseline6 N=$N fam=$fam $p c0=$c0 c04=$c04 rss0=${R[rss0,$k]} kernel6_all=${R[kernel0,$k]}" >>"$T/raw"

	# -- load: IPv4 first with -f 46 (cimrouted watching), then IPv6
	if [ "$fam" = 46 ]; then
		log "N=$N ($fam): ip -batch load (IPv4)"
		s=$(now_ns)
		ip -n "$NS" -batch "$d/batch4" >/dev/null || log "N=$N: ip -batch (IPv4) reported errors"
		e=$(now_ns)
		R[load4,$k]=$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.2f", (b-a)/1e9}')
		gbw "$CIM_PID" poll -i 10000 -T $lim -o $CIM_COUNT -e $((c04 + N)) $AGENT >/dev/null
		stop_pid "$CIM_PID"
		# IPv4 alone, cold: the IPv4 figure before the IPv6 routes come
		log "N=$N ($fam): cimrouted cold start, IPv4 loaded alone"
		start_cim "$d" cold4
		p=$(gbw "$CIM_PID" poll -i 10000 -T $lim -S "$CIM_T0" -o $CIM_COUNT -e $((c04 + N)) $AGENT)
		echo "cold4 N=$N $p" >>"$T/raw"
		R[cold4,$k]=$(echo "$p" | kv elapsed_us)
		sleep 1
		R[rss4,$k]=$(rss_kb "$CIM_PID")
		R[hwm4,$k]=$(hwm_kb "$CIM_PID")
	fi
	log "N=$N ($fam): ip -6 -batch load"
	s=$(now_ns)
	gb_bg "$d/live.out" poll -i 10000 -T $lim -S "$s" -o $CIM6_COUNT -e $((c0 + N)) $AGENT
	p=$G_PID
	ip -n "$NS" -6 -batch "$d/batch6" >/dev/null || log "N=$N: ip -6 -batch reported errors"
	e=$(now_ns)
	R[load,$k]=$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.2f", (b-a)/1e9}')
	R[kernel_main,$k]=$(ip -n "$NS" -6 route show | wc -l)
	R[kernel_all,$k]=$(ip -n "$NS" -6 route show table all | wc -l)
	gb_wait "$CIM_PID" "$p" "$d/live.out" >"$d/live"
	R[live,$k]=$(kv elapsed_us <"$d/live")
	R[live_ok,$k]=$(kv result <"$d/live")
	echo "live6 N=$N $(cat "$d/live") kernel6_main=${R[kernel_main,$k]} kernel6_all=${R[kernel_all,$k]}" >>"$T/raw"
	alive "$CIM_PID" || { log "N=$N: cimrouted died during the live load"; R[died,$k]="during the live load"; }
	stop_pid "$CIM_PID"

	# -- reference: ip -6 route show | wc -l, three times
	ipshow 6 "$k"

	# -- cold start on the full table (both families with -f 46)
	log "N=$N ($fam): cimrouted cold start"
	cold_start "$d" start6 $CIM6_COUNT $((c0 + N)) "$lim" "$k" "cold6 N=$N fam=$fam"
	if [ "$fam" = 46 ]; then
		p=$(gbw "$CIM_PID" poll -i 10000 -T $lim -S "$CIM_T0" -o $CIM_COUNT -e $((c04 + N)) $AGENT)
		echo "cold46-ipv4 N=$N $p" >>"$T/raw"
		R[cold46_4,$k]=$(echo "$p" | kv elapsed_us)
		s=$(now_ns); ip -n "$NS" -4 route show | wc -l >/dev/null; e=$(now_ns)
		R[ipshow4,$k]=$(((e - s) / 1000))
	fi
	alive "$CIM_PID" || { log "N=$N: cimrouted died at cold start"; R[died,$k]="${R[died,$k]:-} at cold start"; return 1; }
	R[cpu,$k]=$(cpu_s "$CIM_PID")
	sleep 1
	R[rss1,$k]=$(rss_kb "$CIM_PID")
	R[hwm,$k]=$(hwm_kb "$CIM_PID")
	R[c1,$k]=$(gbw "$CIM_PID" poll -T 5 -o $CIM6_COUNT -g 0 $AGENT | kv value)

	# -- the AgentX ceiling: trivial subagents, 1 sub-id (arc 99) and 53 (arc 97)
	local rows=$((N + c0))
	start_trivials "$rows" 53 97 $TRIV53_COUNT
	TRIV53_PID=$TRIVW_PID

	local reps=${REPEATS:-$([ "$N" -ge 500000 ] && echo 3 || echo 5)} w
	for w in c6 u1 u53; do : >"$d/w$w"; done
	profile_walk column6 $CIM6_COL14 $((lim * 4))
	pin_rounds "$SNMPD_PID" "$CIM_PID" "$TRIV_PID" "$TRIV53_PID"
	for i in $(seq "$reps"); do
		log "N=$N ($fam): one-column walks, round $i/$reps"
		round_walk c6 "$CIM_PID" $CIM6_COL14 $((lim * 4))
		round_walk u1 "$TRIV_PID" $TRIV_COL1 $((lim * 4))
		round_walk u53 "$TRIV53_PID" $TRIV53_COL1 $((lim * 4))
	done
	unpin_rounds "$SNMPD_PID" "$CIM_PID" "$TRIV_PID" "$TRIV53_PID"
	for w in c6 u1 u53; do agg_walks $w "$k"; done
	R[c6_errs,$k]=$(awk '{s+=$3} END{print s+0}' "$d/wc6")
	pct_rounds c6 "$k" u1 u53

	# -- GET latency
	log "N=$N ($fam): GET latency"
	p=$(gb lat -k 1000 -f "$d/getoids" $AGENT)
	echo "get6 N=$N $p" >>"$T/raw"
	for i in median_us p90_us p99_us max_us ok; do R[get_$i,$k]=$(echo "$p" | kv $i); done
	p=$(gb lat -k 1000 -b $TRIV53_COL1.$TRIV53_PREFIX -n $rows $AGENT)
	echo "get-t53 N=$N $p" >>"$T/raw"
	for i in median_us p99_us; do R[t53get_$i,$k]=$(echo "$p" | kv $i); done
	stop_pid "$TRIV_PID"
	stop_pid "$TRIV53_PID"

	# -- change latency: 20 adds then 20 deletes of 2001:db8:ffff:I::/64
	log "N=$N ($fam): change latency"
	local redump0
	redump0=$(grep -c 're-dump' "$d/cimrouted-cold.log" 2>/dev/null)
	changes "$k" 6 6 $GW6 ch6_dst ch6_oid
	R[redumps,$k]=$(($(grep -c 're-dump' "$d/cimrouted-cold.log" 2>/dev/null) - ${redump0:-0}))

	# -- whole table, once, capped
	log "N=$N ($fam): whole-table walk (cap ${WHOLE_CAP}s)"
	walk $CIM6_TABLE "$WHOLE_CAP" 10 cim6all
	R[all_s,$k]=$W_SECS; R[all_vals,$k]=$W_LINES; R[all_cut,$k]=$W_CUT; R[all_errs,$k]=$W_ERRS
	R[all_rate,$k]=$(div "$W_LINES" "$W_SECS" 0)
	alive "$CIM_PID" || { log "N=$N: cimrouted died"; R[died,$k]="${R[died,$k]:-} while serving"; }
	R[rss2,$k]=$(rss_kb "$CIM_PID")
	stop_pid "$CIM_PID"

	# -- snmpd's inetCidrRouteTable: first walk, second walk, then one route added
	log "N=$N ($fam): snmpd inetCidrRouteTable walks (cap ${CIDR_CAP}s each)"
	R[snmpd_rss0,$k]=$(rss_kb "$SNMPD_PID")
	cidr_walk cidr1 "$d/cidr1"
	R[cidr1_s,$k]=$W_SECS; R[cidr1_rows,$k]=$W_LINES; R[cidr1_v6,$k]=$W6_ROWS; R[cidr1_rc,$k]=$W_RC
	if [ "$W_RC" = 0 ]; then
		cidr_walk cidr2 "$d/cidr2"
		R[cidr2_s,$k]=$W_SECS; R[cidr2_rows,$k]=$W_LINES; R[cidr2_v6,$k]=$W6_ROWS; R[cidr2_rc,$k]=$W_RC
	fi
	if [ "${R[cidr2_rc,$k]:-1}" = 0 ]; then
		# one IPv6 route added (2000::/16: no generated prefix is shorter than /20),
		# then one IPv4 route; after each, walk again until snmpd shows it and
		# compare the IPv6 rows' OIDs; the row followed is the first generated prefix
		local track before
		track=$(head -1 "$d/prefixes6" | cut -d' ' -f1)
		R[cidr_track,$k]=$(head -1 "$d/batch6" | awk '{print $3}')
		before=$(cidr_row "$track" "$d/cidr2")
		R[cidr_before,$k]=${before#"$CIDR_IFINDEX".}
		cidr_change "$d" "$k" a "$track" "$(oid6 2000::)" "$d/cidr2" \
			ip -n "$NS" -6 route add 2000::/16 via $GW6 dev veth0 proto bgp metric 20
		[ "${R[cidr_a_rc,$k]:-1}" = 0 ] &&
			cidr_change "$d" "$k" b "$track" "" "$d/cidr_a" \
				ip -n "$NS" route add 100.64.255.0/24 via $GW dev veth0 proto bgp metric 20
	fi
	R[snmpd_rss1,$k]=$(rss_kb "$SNMPD_PID")
	stop_pid "$SNMPD_PID"
	[ -n "$KEEP" ] && grep -v -e '^Connection from' "$d/snmpd.log" | tail -50 >"$KEEP/snmpd6-$N.log"
	[ -n "$KEEP" ] && cat "$d/trivial.err" "$d/trivial53.err" >"$KEEP/trivial6-$N.err"
	[ -n "$KEEP" ] && for i in "$d"/cimrouted-*.log; do cp "$i" "$KEEP/$(basename "$i" .log)-$fam-$N.log"; done
	ip netns del "$NS"
	rm -rf "$d"
	log "N=$N ($fam): done"
}

# ---- main ----------------------------------------------------------------------
START=$(now_ns)
: >"$T/raw"
log "bench start: $CMDLINE (tmp $T)"
for N in $NLIST; do
	for f in $FAMILIES; do
		case $f in
		4) run_n "$N" || log "N=$N: aborted" ;;
		*) run_n6 "$N" "$f" || log "N=$N (-f $f): aborted" ;;
		esac
	done
done
END=$(now_ns)

# ---- report --------------------------------------------------------------------
ms() { awk -v x="${1:-}" 'BEGIN{ if (x=="") print "n/a"; else printf "%.1f", x/1000 }'; }
s_() { awk -v x="${1:-}" 'BEGIN{ if (x=="") print "n/a"; else printf "%.2f", x/1e6 }'; }
mib() { awk -v x="${1:-}" 'BEGIN{ if (x=="") print "n/a"; else printf "%.1f", x/1024 }'; }
cutmark() { [ "${1:-0}" = 1 ] && echo " (cut)"; }
pct() { case "${1:-}" in ""|n/a) echo n/a ;; *) echo "$1%" ;; esac; }
has4() { case " $FAMILIES " in *" 4 "*) return 0 ;; esac; return 1; }
has6() { case " $FAMILIES " in *" 6 "* | *" 46 "*) return 0 ;; esac; return 1; }
report6() {
	local N f k
	echo
	echo "## IPv6: load and memory (cimIP6RouteTable)"
	echo
	echo "| families | routes N | ip -6 -batch load (s) | \`ip -6 route show \| wc -l\` (s) | cimrouted cold start to complete IPv6 table (s) | start / ip -6 route show (target <= 2) | cimrouted CPU at complete (s) | live: table complete after ip -6 -batch start (s) | cimIP6RouteCount.0 / \`ip -6 route show \| wc -l\` | RSS empty ns (MiB) | RSS loaded (MiB) | bytes per IPv6 route (target <= 100) | peak RSS (MiB) |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"
	for N in $NLIST; do
		for f in $FAMILIES; do
			[ "$f" = 4 ] && continue
			k=$f:$N
			# with -f 46 the IPv6 routes' bytes are above the IPv4-only daemon
			echo "| $f | $N | ${R[load,$k]:-n/a} | $(s_ "${R[ipshow,$k]:-}") | $(s_ "${R[cold,$k]:-}")$([ "${R[cold_ok,$k]:-ok}" = ok ] || echo ' (not complete)') | $(div "${R[cold,$k]:-}" "${R[ipshow,$k]:-}" 2) | $(fmt "${R[cpu,$k]:-}") | $(s_ "${R[live,$k]:-}")$([ "${R[live_ok,$k]:-ok}" = ok ] || echo ' (not complete)') | ${R[c1,$k]:-n/a} / ${R[kernel_main,$k]:-n/a} | $(mib "${R[rss0,$k]:-}") | $(mib "${R[rss1,$k]:-}") | $(awk -v a="${R[rss1,$k]:-}" -v b="${R[rss4,$k]:-${R[rss0,$k]:-}}" -v n="$N" 'BEGIN{ if (a==""||b=="") print "n/a"; else printf "%.0f", (a-b)*1024/n }') | $(mib "${R[hwm,$k]:-}") |"
		done
	done
	for N in $NLIST; do
		k=46:$N
		[ -n "${R[rss4,$k]:-}" ] || continue
		echo
		echo "With -f 46, N=$N: IPv4 alone first (cold start $(s_ "${R[cold4,$k]:-}") s, RSS $(mib "${R[rss4,$k]}") MiB, peak $(mib "${R[hwm4,$k]:-}") MiB: **$(awk -v a="${R[rss4,$k]}" -v b="${R[rss0,$k]}" -v n="$N" 'BEGIN{printf "%.0f", (a-b)*1024/n}') bytes per IPv4 route**), then both families: IPv4 complete $(s_ "${R[cold46_4,$k]:-}") s after start (\`ip -4 route show\` $(s_ "${R[ipshow4,$k]:-}") s), RSS $(mib "${R[rss1,$k]:-}") MiB; the IPv6 bytes per route above are over the IPv4-only daemon."
	done
	echo
	echo "## IPv6: walks through snmpd (AgentX), one column (cimIP6RouteProtocol, 14) and the whole table"
	echo
	echo "| families | routes N | rows | cimrouted one column (s) | values/s | trivial, 1-sub-id index (s) | values/s | trivial, 53-sub-id index (s) | values/s | cimrouted / trivial 53-sub-id (target >= 90%) | cimrouted / trivial 1-sub-id | CPU per value: cimrouted / trivial-1 / trivial-53 / snmpd (us) | whole table (s) | values | values/s |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"
	for N in $NLIST; do
		for f in $FAMILIES; do
			[ "$f" = 4 ] && continue
			k=$f:$N
			echo "| $f | $N | ${R[c6_rows,$k]:-n/a} | ${R[c6_s,$k]:-n/a} | ${R[c6_rate,$k]:-n/a} | ${R[u1_s,$k]:-n/a} | ${R[u1_rate,$k]:-n/a} | ${R[u53_s,$k]:-n/a} | ${R[u53_rate,$k]:-n/a} | $(pct "${R[pct_u53,$k]:-}") | $(pct "${R[pct_u1,$k]:-}") | ${R[c6_cpuv,$k]:-n/a} / ${R[u1_cpuv,$k]:-n/a} / ${R[u53_cpuv,$k]:-n/a} / ${R[c6_scpuv,$k]:-n/a} | ${R[all_s,$k]:-n/a}$(cutmark "${R[all_cut,$k]:-0}") | ${R[all_vals,$k]:-n/a} | ${R[all_rate,$k]:-n/a} |"
		done
	done
	echo
	echo "## IPv6: GET and change latency"
	echo
	echo "| families | routes N | GET cimrouted median / p90 / p99 / max (us) | GET trivial-53 median / p99 (us) | \`ip -6 route add\` to visible, median / max (ms) (target median <= 10) | ip -6 route add alone, median (ms) | kernel event to visible (the agent's share), add median / max, delete median (ms) | route delete to gone, median / max (ms) | re-dumps during the changes |"
	echo "|---|---:|---|---|---|---:|---|---|---:|"
	for N in $NLIST; do
		for f in $FAMILIES; do
			[ "$f" = 4 ] && continue
			k=$f:$N
			echo "| $f | $N | ${R[get_median_us,$k]:-n/a} / ${R[get_p90_us,$k]:-n/a} / ${R[get_p99_us,$k]:-n/a} / ${R[get_max_us,$k]:-n/a} | ${R[t53get_median_us,$k]:-n/a} / ${R[t53get_p99_us,$k]:-n/a} | $(ms "${R[add_med,$k]:-}") / $(ms "${R[add_max,$k]:-}") (${R[add_n,$k]:-0}/20) | $(ms "${R[add_cmd,$k]:-}") | $(ms "${R[add_ev,$k]:-}") / $(ms "${R[add_evmax,$k]:-}"), $(ms "${R[del_ev,$k]:-}") | $(ms "${R[del_med,$k]:-}") / $(ms "${R[del_max,$k]:-}") (${R[del_n,$k]:-0}/20) | ${R[redumps,$k]:-n/a} |"
		done
	done
	echo
	echo "## IPv6: snmpd's own inetCidrRouteTable (inetCidrRouteIfIndex), same namespace"
	echo
	echo "| families | routes N | first walk, with cache load (s) | rows (IPv6) | second walk (s) | rows (IPv6) | after \`ip -6 route add 2000::/16\`: seen after (s) / IPv6 rows whose OID changed | then after \`ip route add 100.64.255.0/24\` (IPv4): seen after (s) / IPv6 rows whose OID changed | snmpd RSS before / after (MiB) |"
	echo "|---|---:|---:|---|---:|---|---|---|---|"
	for N in $NLIST; do
		for f in $FAMILIES; do
			[ "$f" = 4 ] && continue
			k=$f:$N
			local first="${R[cidr1_s,$k]:-n/a}"
			[ "${R[cidr1_rc,$k]:-0}" != 0 ] && first="no complete walk within ${CIDR_CAP} s (rc ${R[cidr1_rc,$k]:-?})"
			echo "| $f | $N | $first | ${R[cidr1_rows,$k]:-n/a} (${R[cidr1_v6,$k]:-n/a}) | ${R[cidr2_s,$k]:-n/a} | ${R[cidr2_rows,$k]:-n/a} (${R[cidr2_v6,$k]:-n/a}) | ${R[cidr_a_seen,$k]:-n/a} / ${R[cidr_a_moved,$k]:-n/a} of ${R[cidr2_v6,$k]:-n/a} | ${R[cidr_b_seen,$k]:-n/a} / ${R[cidr_b_moved,$k]:-n/a} of ${R[cidr_a_v6,$k]:-n/a} | $(mib "${R[snmpd_rss0,$k]:-}") / $(mib "${R[snmpd_rss1,$k]:-}") |"
		done
	done
	for N in $NLIST; do
		for f in $FAMILIES; do
			[ "$f" = 4 ] && continue
			k=$f:$N
			[ -n "${R[cidr_before,$k]:-}" ] || continue
			echo
			echo "Row identity (-f $f, N=$N): the route to ${R[cidr_track,$k]}, inetCidrRouteIfIndex.:"
			echo "- second walk: \`${R[cidr_before,$k]:-none}\`"
			echo "- after \`ip -6 route add 2000::/16\`: \`${R[cidr_a_after,$k]:-none}\`"
			echo "- after \`ip route add 100.64.255.0/24\` (IPv4): \`${R[cidr_b_after,$k]:-none}\`"
		done
	done
	echo
	echo "Notes (IPv6): trivial-53 = tests/bench/trivial-subagent -w 53, an index as long as cimIP6RouteTable's (53 sub-ids); cimrouted / trivial is the median of the per-round ratios; rows = N plus the namespace's own IPv6 routes in table main as cimIP6RouteCount.0 counts them (fd00:ff::/64 and the two fe80::/64; cimrouted mirrors table main by default, so the local and multicast routes of table local are not among them); re-dumps = the cimrouted log's re-dump lines during the 40 changes."
	for N in $NLIST; do
		for f in $FAMILIES; do
			[ "$f" = 4 ] && continue
			k=$f:$N
			[ -n "${R[died,$k]:-}" ] && echo "**-f $f N=$N: cimrouted died (${R[died,$k]})**"
			[ "${R[c6_errs,$k]:-0}" != 0 ] && echo "**-f $f N=$N: one-column walks printed ${R[c6_errs,$k]} error lines**"
			[ "${R[all_errs,$k]:-0}" != 0 ] && echo "**-f $f N=$N: whole-table walk printed ${R[all_errs,$k]} error lines**"
			[ -n "${R[get_ok,$k]:-}" ] && [ "${R[get_ok,$k]}" != 1000 ] && echo "**-f $f N=$N: only ${R[get_ok,$k]}/1000 GETs answered with a value**"
		done
	done
	return 0
}
report() {
	local N v
	echo "# cimroute benchmark"
	echo
	echo "- command: \`$CMDLINE\` (from $SRC, git $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null)$(git -C "$SRC" diff --quiet 2>/dev/null || echo '+dirty'))"
	echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(date -u '+%F %T UTC')"
	echo "- net-snmp $(net-snmp-config --version); snmpd defaults kept: agentXTimeout 1 s, agentXRetries 5; walks: snmpbulkwalk -v2c -Cr50"
	[ -n "$PIN_CPU" ] && echo "- one-column walk rounds pinned to CPU $PIN_CPU (-1): snmpd, the subagents and snmpbulkwalk"
	echo "- cimrouted: $([ $HAVE_CIM = 1 ] && echo "$CIMROUTED" || echo 'not built: its columns are n/a')"
	echo "- routes: Internet-like length mix (60% /24 ... /8), \`proto bgp metric 20\` via $GW on a veth, loaded with ip -batch"
	has6 && echo "- IPv6 routes: Internet-like length mix (48% /48, 13% /32, /20 ... /64), \`proto bgp metric 20\` via $GW6 on the same veth, loaded with ip -6 -batch (families: $FAMILIES)"
	echo "- run took $(awk -v a="$START" -v b="$END" 'BEGIN{printf "%.0f", (b-a)/1e9}') s"
	has4 || { report6; return 0; }
	echo
	echo "## Load and memory"
	echo
	echo "| routes N | ip -batch load (s) | \`ip -4 route show \\| wc -l\` (s) | cimrouted cold start to complete table (s) | start / ip route show (target <= 2) | cimrouted CPU at complete (s) | live: table complete after ip -batch start (s) | RSS empty ns (MiB) | RSS loaded (MiB) | bytes/route (target <= 100) | peak RSS (MiB) |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for N in $NLIST; do
		echo "| $N | ${R[load,$N]:-n/a} | $(s_ "${R[ipshow,$N]:-}") | $(s_ "${R[cold,$N]:-}")$([ "${R[cold_ok,$N]:-ok}" = ok ] || echo ' (not complete)') | $(div "${R[cold,$N]:-}" "${R[ipshow,$N]:-}" 2) | $(fmt "${R[cpu,$N]:-}") | $(s_ "${R[live,$N]:-}")$([ "${R[live_ok,$N]:-ok}" = ok ] || echo ' (not complete)') | $(mib "${R[rss0,$N]:-}") | $(mib "${R[rss1,$N]:-}") | $(awk -v a="${R[rss1,$N]:-}" -v b="${R[rss0,$N]:-}" -v n="$N" 'BEGIN{ if (a==""||b=="") print "n/a"; else printf "%.0f", (a-b)*1024/n }') | $(mib "${R[hwm,$N]:-}") |"
	done
	echo
	echo "## Walks through snmpd (AgentX), one column (cimIP4RouteProtocol) and the whole table"
	echo
	echo "| routes N | rows | cimrouted one column (s) | values/s | trivial, 1-sub-id index (s) | values/s | trivial, 16-sub-id index (s) | values/s | cimrouted / trivial 1-sub-id (target >= 90%) | cimrouted / trivial 16-sub-id | CPU per value: cimrouted / trivial-1 / trivial-16 / snmpd (us) | whole table (s) | values | values/s | CPU per value, whole table: cimrouted / snmpd (us) |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|"
	for N in $NLIST; do
		echo "| $N | ${R[cim_rows,$N]:-${R[t1_rows,$N]:-n/a}} | ${R[cim_s,$N]:-n/a} | ${R[cim_rate,$N]:-n/a} | ${R[t1_s,$N]:-n/a} | ${R[t1_rate,$N]:-n/a} | ${R[t16_s,$N]:-n/a} | ${R[t16_rate,$N]:-n/a} | $(pct "${R[pct_t1,$N]:-}") | $(pct "${R[pct_t16,$N]:-}") | ${R[cim_cpuv,$N]:-n/a} / ${R[t1_cpuv,$N]:-n/a} / ${R[t16_cpuv,$N]:-n/a} / ${R[cim_scpuv,$N]:-${R[t1_scpuv,$N]:-n/a}} | ${R[all_s,$N]:-n/a}$(cutmark "${R[all_cut,$N]:-0}") | ${R[all_vals,$N]:-n/a} | ${R[all_rate,$N]:-n/a} | ${R[all_cpuv,$N]:-n/a} / ${R[all_scpuv,$N]:-n/a} |"
	done
	echo
	echo "## GET and change latency"
	echo
	echo "| routes N | GET cimrouted median / p90 / p99 / max (us) | GET trivial-1 median / p99 (us) | GET trivial-16 median / p99 (us) | change: route add to visible, median / max (ms) (target median <= 10) | ip route add alone, median (ms) | kernel event to visible (the agent's share), add median / max, delete median (ms) | change: route delete to gone, median / max (ms) |"
	echo "|---:|---|---|---|---|---:|---|---|"
	for N in $NLIST; do
		echo "| $N | ${R[get_median_us,$N]:-n/a} / ${R[get_p90_us,$N]:-n/a} / ${R[get_p99_us,$N]:-n/a} / ${R[get_max_us,$N]:-n/a} | ${R[t1get_median_us,$N]:-n/a} / ${R[t1get_p99_us,$N]:-n/a} | ${R[t16get_median_us,$N]:-n/a} / ${R[t16get_p99_us,$N]:-n/a} | $(ms "${R[add_med,$N]:-}") / $(ms "${R[add_max,$N]:-}") (${R[add_n,$N]:-0}/20) | $(ms "${R[add_cmd,$N]:-}") | $(ms "${R[add_ev,$N]:-}") / $(ms "${R[add_evmax,$N]:-}"), $(ms "${R[del_ev,$N]:-}") | $(ms "${R[del_med,$N]:-}") / $(ms "${R[del_max,$N]:-}") (${R[del_n,$N]:-0}/20) |"
	done
	echo
	echo "## snmpd's own IP-FORWARD-MIB::inetCidrRouteTable (inetCidrRouteIfIndex), same namespace"
	echo
	echo "| routes N | first walk, with cache load (s) | rows | values/s | second walk (s) | rows | values/s | snmpd RSS before / after (MiB) |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---|"
	for N in $NLIST; do
		local first="${R[cidr1_s,$N]:-n/a}"
		[ "${R[cidr1_rc,$N]:-0}" != 0 ] && first="no complete walk within ${CIDR_CAP} s (rc ${R[cidr1_rc,$N]:-?})"
		echo "| $N | $first | ${R[cidr1_rows,$N]:-n/a} | $(div "${R[cidr1_rows,$N]:-}" "${R[cidr1_s,$N]:-}" 0) | ${R[cidr2_s,$N]:-n/a} | ${R[cidr2_rows,$N]:-n/a} | $(div "${R[cidr2_rows,$N]:-}" "${R[cidr2_s,$N]:-}" 0) | $(mib "${R[snmpd_rss0,$N]:-}") / $(mib "${R[snmpd_rss1,$N]:-}") |"
	done
	echo
	echo "Notes: medians of ${REPEATS:-5 (3 from 500k routes)} rounds of one-column walks (cimrouted, trivial-1, trivial-16 in turn); cimrouted / trivial is the median of the per-round ratios;
trivial-1 / trivial-16 = tests/bench/trivial-subagent, O(1) handler, index of 1 or 16 sub-ids (16 = the length of cimIP4RouteTable's index, so the same AgentX/BER work per value);"
	echo "\"rows\" = N plus the namespace's own routes as cimIP4RouteCount.0 counts them;"
	echo "\"live\" = cimrouted already running while ip -batch loads the table (load time includes it);"
	echo "change latency = from just before \`ip route add/del\` is started to the first GET that shows the change (polled every 0.2 ms plus a GET round trip); kernel event to visible = from when getbench's own route event socket received the change (RTNLGRP_IPV4_ROUTE/_IPV6_ROUTE, the group cimrouted reads) to that GET: the agent's own share;"
	echo "(cut) = stopped at the time cap, the rate is over what was read."
	for N in $NLIST; do
		[ -n "${R[died,$N]:-}" ] && echo "**N=$N: cimrouted died (${R[died,$N]})**"
		[ "${R[cim_errs,$N]:-0}" != 0 ] && echo "**N=$N: one-column walks printed ${R[cim_errs,$N]} error lines**"
		[ "${R[all_errs,$N]:-0}" != 0 ] && echo "**N=$N: whole-table walk printed ${R[all_errs,$N]} error lines**"
		[ -n "${R[get_ok,$N]:-}" ] && [ "${R[get_ok,$N]}" != 1000 ] && echo "**N=$N: only ${R[get_ok,$N]}/1000 GETs answered with a value**"
	done
	has6 && report6
	return 0
}
report >"$T/report.md"
cat "$T/report.md"
[ -n "$OUT" ] && cp "$T/report.md" "$OUT"
[ -n "$KEEP" ] && cp "$T/raw" "$KEEP/raw.txt" && cp "$T/report.md" "$KEEP/report.md"
log "bench done"
exit 0
