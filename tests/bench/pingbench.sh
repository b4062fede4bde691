#!/bin/bash
# cimroute ping benchmark (issue 14): cimPingTable's response times against iputils ping,
# what the libpcap capture costs a router, and 1,000 rows at once, in one run.
#
#   bash tests/bench/pingbench.sh [-b BUILDDIR] [-n PROBES] [-r ROWS] [-t SECS] [-o results.md]
#                                 [-k KEEPDIR]
#
#   -b  VPATH build directory holding agent/cimrouted and tests/bench/getbench
#       (default /tmp/bench-build)
#   -n  probes per path and time source, one every 200 ms (default 50)
#   -r  rows of the scale run and of the capture-cost run (default 1000)
#   -t  seconds of each forwarding measurement (default 5)
#   -o  also write the Markdown report to this file
#   -k  keep the raw figures and the logs in this directory
#
# a) Response times, on a veth path A<->B and through a router namespace A<->R<->C:
#    a row of PROBES probes every 200 ms, per-probe times from cimPingProbeTable, with
#    the capture's timestamps (the default) and the socket's (cimrouted restarted with
#    `pingTimeSource socket`), and `ping -i 0.2 -c PROBES` on the same path.
# b) The capture's cost: UDP packets of 64 octets (iperf3 -u -l 64 -b 0) from S through A
#    (the agent's namespace, forwarding) to D, per second, with no ping, with one row
#    probing once a second, and with ROWS rows probing once a second.
# c) Scale: ROWS rows created (10 a SET) then started (100 a SET), a third each to
#    addresses that answer (C answers a whole /16), that R rejects (nft reject:
#    host-unreachable, 11003) and that R drops (a blackhole route: timeout, 11010), 3
#    probes 5 s apart each, while getbench GETs 1,000 rows of the route table one after the other
#    (GET p99 target < 5 ms); every row's final status code is counted.
#
# Every process it starts is stopped by pid, every namespace it makes deleted and its
# temporary directory removed, on exit or interrupt.  Traffic stays inside its namespaces.
# The machine may be shared: the forwarding figures are as good as the CPUs left to it;
# run it alone when the figures matter.  Progress goes to stderr.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
SRC=$(cd "$HERE/../.." && pwd)
CMDLINE="bash tests/bench/pingbench.sh$(printf ' %q' "$@")"

BUILD=/tmp/bench-build
PROBES=50
ROWS=1000
SECS=5
OUT=""
KEEP=""
PORT=1171
ROUTES=1000	# routes in A's main table, the GETs' rows
PER_SET=10	# rows created by one SET
START_PER_SET=100	# rows started by one SET
SCALE_COUNT=3	# probes of each scale row,
SCALE_INTERVAL=5000	# ms apart: every row still running when the last is started
LOAD_COUNT_MORE=30	# s a load row runs beyond the measurement (its start is a SET among many)

usage() { sed -n '5,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "b:n:r:t:o:k:h" opt; do
	case $opt in
	b) BUILD=$OPTARG ;;
	n) PROBES=$OPTARG ;;
	r) ROWS=$OPTARG ;;
	t) SECS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	k) KEEP=$OPTARG ;;
	*) usage ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "pingbench.sh: needs root (network namespaces)" >&2; exit 2; }
for t in ip nft ping iperf3 snmpd snmpset snmpbulkwalk timeout; do
	command -v $t >/dev/null || { echo "pingbench.sh: $t not found" >&2; exit 2; }
done
CIMROUTED=$BUILD/agent/cimrouted
GETBENCH=$BUILD/tests/bench/getbench
for t in "$CIMROUTED" "$GETBENCH"; do
	[ -x "$t" ] || { echo "pingbench.sh: $t not built (-b BUILDDIR)" >&2; exit 2; }
done
if [ "$ROWS" -lt 3 ] || [ "$ROWS" -gt 9000 ]; then echo "pingbench.sh: -r takes 3..9000" >&2; exit 2; fi
if [ "$PROBES" -lt 5 ] || [ "$PROBES" -gt 1000 ]; then echo "pingbench.sh: -n takes 5..1000" >&2; exit 2; fi
[ -n "$KEEP" ] && mkdir -p "$KEEP"

# ---- housekeeping ------------------------------------------------------------
housekeeping cimpingbench

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
raw() { echo "$*" >>"$T/raw"; }
# stats FILE: "n median p10 p90 mean sd" of the integers in FILE (one a line), or n/a
stats() {
	sort -n "$1" | awk '{ v[NR] = $1; s += $1; q += $1 * $1 }
		function at(p) { i = int(p * (NR - 1) + 1.5); return v[i > NR ? NR : i] }
		END { if (NR == 0) { print "0 n/a n/a n/a n/a n/a"; exit }
			m = s / NR; d = q / NR - m * m
			printf "%d %d %d %d %.0f %.0f\n", NR, at(0.5), at(0.1), at(0.9), m, sqrt(d > 0 ? d : 0) }'
}
field() { echo "$1" | cut -d' ' -f"$2"; }
diff_() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a !~ /^-?[0-9]+$/ || b !~ /^-?[0-9]+$/) print "n/a"; else printf "%+d", a - b }'; }
within() { awk -v d="$1" -v lim="$2" 'BEGIN{ if (d == "n/a") print "n/a"; else print ((d < 0 ? -d : d) <= lim ? "yes" : "**no**") }'; }

# ---- OIDs (agent/snmp/oids.h, mibs/CIM-ROUTE-MIB.txt) -----------------------------
CIM=.1.3.6.1.4.1.32473.1.1
RT_COUNT=$CIM.1.1.0	# cimIP4RouteCount
RT_COL19=$CIM.1.3.1.19
PING=$CIM.7
MAXROWS=$PING.6.0
MAXPEROWNER=$PING.8.0
MAXRATE=$PING.9.0
ENT=$PING.3.1	# cimPingEntry: .COL.<owner>.<name>
C_ADDRTYPE=3
C_ADDR=4
C_TIMEOUT=12
C_ADMIN=16
C_ROWSTATUS=19
C_OPER=20
C_STATUS=21
C_PCOUNT=35
C_PINTERVAL=36
C_TSOURCE=44
PROBE_USEC=$PING.7.1.4	# cimPingProbeResponseTimeUsec.<owner>.<name>.<index>
AGENT=udp:127.0.0.1:$PORT
# shellcheck disable=SC2034 # used by lib.sh's start_snmpd
SYSUPTIME=.1.3.6.1.2.1.1.3.0
declare -A R

# SnmpAdminString index: the length, then the octets
sidx() { local s=$1 i o=${#1}; for ((i = 0; i < ${#s}; i++)); do o+=".$(printf '%d' "'${s:i:1}")"; done; echo "$o"; }
ridx() { echo "$(sidx "$1").$(sidx "$2")"; }
sset() { nsx snmpset -v2c -c private -m '' -t 10 -r 0 -Oq 127.0.0.1:$PORT "$@" >/dev/null 2>>"$T/set.err"; }
sget() { nsx snmpget -v2c -c public -m '' -Oqv -t 10 -r 0 127.0.0.1:$PORT "$1" 2>>"$T/walk.err" | grep -v '^No Such'; }
walk() { nsx snmpbulkwalk -v2c -c public -m '' -On -Oq -Cr50 -t 10 -r 0 127.0.0.1:$PORT "$1" 2>>"$T/walk.err"; }
# vbs_of HOW FILE: for each row of FILE ("OWNER NAME ADDR COUNT INTERVAL_MS TIMEOUT_MS"), one
# line of varbinds: HOW go (created and started), wait (created, not started: AdminStatus
# disabled), start (AdminStatus enabled).  In awk: a fork per row would be what is timed.
vbs_of() {
	awk -v how="$1" -v e="$ENT" -v rs=$C_ROWSTATUS -v adm=$C_ADMIN -v at=$C_ADDRTYPE \
	    -v ad=$C_ADDR -v pc=$C_PCOUNT -v pi=$C_PINTERVAL -v to=$C_TIMEOUT '
	BEGIN { for (i = 32; i < 127; i++) ord[sprintf("%c", i)] = i }
	function sidx(s,   o, i) { o = length(s); for (i = 1; i <= length(s); i++) o = o "." ord[substr(s, i, 1)]; return o }
	function vb(col, type, v) { return e "." col "." ix " " type " " v }
	{
		ix = sidx($1) "." sidx($2)
		if (how == "start") { print vb(adm, "i", 1); next }
		split($3, a, ".")
		print vb(rs, "i", 4), vb(adm, "i", how == "go" ? 1 : 2), vb(at, "i", 1),
		    vb(ad, "x", sprintf("%02X%02X%02X%02X", a[1], a[2], a[3], a[4])),
		    vb(pc, "u", $4), vb(pi, "u", $5), vb(to, "u", $6)
	}' "$2"
}
# set_rows PER FILE: the varbinds of FILE (a row a line), PER rows a SET; R[set_fail]: SETs refused
set_rows() {
	local n=0 vbs=() fail=0 line
	while read -r line; do
		# shellcheck disable=SC2206
		vbs+=($line)
		n=$((n + 1))
		if [ $((n % $1)) = 0 ]; then sset "${vbs[@]}" || fail=$((fail + 1)); vbs=(); fi
	done <"$2"
	[ ${#vbs[@]} -gt 0 ] && { sset "${vbs[@]}" || fail=$((fail + 1)); }
	R[set_fail]=$fail
}
make_rows() { vbs_of go "$1" >"$1.vbs" && set_rows $PER_SET "$1.vbs"; }	# make_rows FILE
# many_rows TAG FILE: FILE's rows created not started, then started START_PER_SET a SET;
# the seconds each took to R[TAG_made], R[TAG_started], the SETs refused to R[TAG_fail]
many_rows() {
	local s
	vbs_of wait "$2" >"$2.wait" && vbs_of start "$2" >"$2.start" || return 1
	s=$(now_ns)
	set_rows $PER_SET "$2.wait"
	R[$1_fail]=${R[set_fail]}
	R[$1_made]=$(awk -v a="$s" -v b="$(now_ns)" 'BEGIN{printf "%.2f", (b-a)/1e9}')
	s=$(now_ns)
	set_rows $START_PER_SET "$2.start"
	R[$1_fail]=$((R[$1_fail] + R[set_fail]))
	R[$1_started]=$(awk -v a="$s" -v b="$(now_ns)" 'BEGIN{printf "%.2f", (b-a)/1e9}')
	START_NS=$s
}
# count_oper OWNER V: rows of OWNER whose cimPingOperStatus is V
count_oper() { walk "$ENT.$C_OPER.$(sidx "$1")" | awk -v v="$2" '$2 == v' | wc -l; }
# wait_rows OWNER N CAP_S: until N rows of OWNER are completed(3); 0, or 1 after CAP_S
wait_rows() {
	local end=$(($(date +%s) + $3))
	while [ "$(count_oper "$1" 3)" -lt "$2" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.5
	done
	return 0
}

# ---- namespaces ------------------------------------------------------------------
# A (the agent, snmpd, forwarding S<->D) -- B (veth peer)
# A -- R (router; nft reject, blackhole) -- C (answers 10.14.3.2 and all of 10.16/16)
# S (iperf3 client) -- A -- D (iperf3 server)
P=cimpb$$
NS=$P-a
mkns() { ip netns add "$1" && NSES+=("$1") && ip -n "$1" link set lo up; }
veth() {	# veth NS1 IF1 ADDR1 NS2 IF2 ADDR2
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" &&
		ip -n "$1" addr add "$3" dev "$2" && ip -n "$4" addr add "$6" dev "$5" &&
		ip -n "$1" link set "$2" up && ip -n "$4" link set "$5" up
}
topology() {
	local n
	for n in a b r c s d; do mkns "$P-$n" || return 1; done
	veth "$P-a" a0 10.14.1.1/24 "$P-b" b0 10.14.1.2/24 &&
		veth "$P-a" a1 10.14.2.1/24 "$P-r" r0 10.14.2.2/24 &&
		veth "$P-r" r1 10.14.3.1/24 "$P-c" c0 10.14.3.2/24 &&
		veth "$P-s" s0 10.14.7.2/24 "$P-a" a2 10.14.7.1/24 &&
		veth "$P-a" a3 10.14.8.1/24 "$P-d" d0 10.14.8.2/24 || return 1
	for n in a r; do ip netns exec "$P-$n" sysctl -q -w net.ipv4.ip_forward=1 || return 1; done
	# R and C answer every probe: no ICMP rate limit, per peer or global
	for n in r c; do
		ip netns exec "$P-$n" sysctl -q -w net.ipv4.icmp_ratelimit=0 \
			net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000 || return 1
	done
	ip -n "$P-a" route add 10.14.3.0/24 via 10.14.2.2 &&
		ip -n "$P-a" route add 10.16.0.0/14 via 10.14.2.2 &&
		ip -n "$P-r" route add 10.16.0.0/16 via 10.14.3.2 &&
		ip -n "$P-r" route add 10.17.0.0/16 via 10.14.3.2 &&
		ip -n "$P-r" route add blackhole 10.18.0.0/16 &&
		ip -n "$P-c" route add default via 10.14.3.1 &&
		ip -n "$P-c" route add local 10.16.0.0/16 dev lo &&
		ip -n "$P-s" route add default via 10.14.7.1 &&
		ip -n "$P-d" route add default via 10.14.8.1 || return 1
	ip netns exec "$P-r" nft -f - <<-'EOT' || return 1
	table ip pingbench {
		chain pb_forward {
			type filter hook forward priority 0;
			ip daddr 10.17.0.0/16 reject with icmp type host-unreachable
		}
	}
	EOT
	# the route table the GETs read: ROUTES host routes through R
	awk -v n=$ROUTES 'BEGIN { for (i = 0; i < n; i++)
		printf "route add 10.200.%d.%d/32 via 10.14.2.2\n", int(i / 250), i % 250 + 1 }' >"$T/routes"
	ip -n "$NS" -batch "$T/routes"
}

# the i-th address (0-based) of a /16 whose first two octets are PFX
addr16() { echo "$1.$(($2 / 250)).$(($2 % 250 + 1))"; }

start_cim() {	# start_cim TAG [DIRECTIVE...]: cimrouted in A with these directives
	local tag=$1 p
	shift
	printf '%s\n' "# pingbench $tag" "$@" >"$T/cimrouted-$tag.conf"
	mkdir -m 0700 "$T/state" 2>/dev/null
	SNMP_PERSISTENT_DIR=$T/persist ip netns exec "$NS" "$CIMROUTED" -f -x "$T/agentx.sock" \
		-c "$T/cimrouted-$tag.conf" -S "$T/state" -Lf "$T/cimrouted-$tag.log" \
		-p "$T/cimrouted.pid" &
	CIM_PID=$!
	PIDS+=("$CIM_PID")
	p=$(gb poll -i 20000 -T 30 -o $MAXROWS $AGENT)
	raw "start $tag $p"
	[ "$(echo "$p" | kv result)" = ok ] || { log "cimrouted ($tag) serves no cimPingMaxRows"; return 1; }
}

# ---- a) response times --------------------------------------------------------------
# cim_rtt TAG DST: PROBES probes every 200 ms from a row; the probes' times (us) to $T/rtt-TAG
cim_rtt() {
	local ix n
	nsx ping -q -c 2 -i 0.2 "$2" >/dev/null	# the neighbours resolved before the first probe
	echo "bench $1 $2 $PROBES 200 1000" >"$T/row-$1"
	make_rows "$T/row-$1"
	ix=$(ridx bench "$1")
	gb poll -i 100000 -T $((PROBES / 5 + 15)) -o "$ENT.$C_OPER.$ix" -e 3 $AGENT >/dev/null ||
		log "row $1 did not complete"
	walk "$PROBE_USEC.$ix" | awk '{ print $2 }' >"$T/rtt-$1"
	n=$(sget "$ENT.$C_TSOURCE.$ix")
	R[tsrc_$1]=$(case $n in 1) echo capture ;; 2) echo socket ;; *) echo "${n:-absent}" ;; esac)
	raw "rtt $1 n=$(wc -l <"$T/rtt-$1") timesource=${R[tsrc_$1]}"
}
# iputils_rtt TAG DST: the same with iputils ping (time= in ms, three decimals: us)
iputils_rtt() {
	nsx ping -q -c 2 -i 0.2 "$2" >/dev/null
	nsx ping -i 0.2 -c "$PROBES" "$2" | sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' |
		awk '{ printf "%d\n", $1 * 1000 + 0.5 }' >"$T/rtt-$1"
	raw "rtt $1 n=$(wc -l <"$T/rtt-$1")"
}

# ---- b) forwarding through A ----------------------------------------------------------
rx_d() { ip netns exec "$P-d" cat /sys/class/net/d0/statistics/rx_packets; }
# packet sockets open in A (the capture: one while probes are outstanding)
pkt_socks() { nsx cat /proc/net/packet | tail -n +2 | wc -l; }
# pps TAG: SECS s of 64-octet UDP from S to D through A; packets/s received by D to R[pps_TAG]
pps() {
	local a b s e
	R[socks_$1]=$(pkt_socks)
	a=$(rx_d); s=$(now_ns)
	ip netns exec "$P-s" iperf3 -c 10.14.8.2 -p 5201 -u -l 64 -b 0 -t "$SECS" >"$T/iperf-$1" 2>&1 ||
		log "iperf3 ($1) failed"
	e=$(now_ns); b=$(rx_d)
	R[pps_$1]=$(awk -v n=$((b - a)) -v s="$s" -v e="$e" 'BEGIN{ printf "%.0f", n / ((e - s) / 1e9) }')
	raw "pps $1 rx=$((b - a)) ns=$((e - s)) pps=${R[pps_$1]} packet_sockets=${R[socks_$1]}"
}

# ---- c) scale -------------------------------------------------------------------------
# the rows: r<i> to C (answers), u<i> rejected by R, s<i> dropped by R
scale_rows() {	# scale_rows OWNER COUNT INTERVAL_MS: ROWS rows, a third each
	local i
	for ((i = 0; i < ROWS; i++)); do
		case $((i % 3)) in
		0) echo "$1 r$i $(addr16 10.16 $((i / 3))) $2 $3 1000" ;;
		1) echo "$1 u$i $(addr16 10.17 $((i / 3))) $2 $3 1000" ;;
		2) echo "$1 s$i $(addr16 10.18 $((i / 3))) $2 $3 1000" ;;
		esac
	done
}
# codes OWNER: "class code count" of the rows' cimPingStatusCode (class: the name's first
# letter; in the OID: "", the 12 sub-ids of ENT, the column, the owner's index, the name's length)
codes() {
	local ix
	ix=$(sidx "$1")
	walk "$ENT.$C_STATUS.$ix" | awk -v skip=$((14 + $(echo "$ix" | tr . ' ' | wc -w))) '
		{ split($1, o, "."); printf "%c %s\n", o[skip + 2], $2 }' |
		sort | uniq -c | awk '{ print $2, $3, $1 }'
}

# ---- the run ------------------------------------------------------------------------
START=$(now_ns)
: >"$T/raw"
log "pingbench start: $CMDLINE (tmp $T)"
topology || { log "the namespaces could not be made"; exit 1; }
SNMPD_EXTRA_CONF="rwcommunity private 127.0.0.1" start_snmpd "$T" || exit 1

# -- a) capture timestamps (the default), iputils, then socket timestamps
start_cim capture || exit 1
log "a) response times: capture"
cim_rtt veth-capture 10.14.1.2
cim_rtt rtr-capture 10.14.3.2
log "a) response times: iputils ping"
iputils_rtt veth-iputils 10.14.1.2
iputils_rtt rtr-iputils 10.14.3.2
stop_pid "$CIM_PID"
start_cim socket "pingTimeSource socket" || exit 1
log "a) response times: socket"
cim_rtt veth-socket 10.14.1.2
cim_rtt rtr-socket 10.14.3.2
stop_pid "$CIM_PID"

# -- b) and c): the default again, the limits raised
start_cim load || exit 1
sset $MAXROWS u $((3 * ROWS)) $MAXPEROWNER u $((3 * ROWS)) $MAXRATE u 100000 ||
	log "the limits could not be raised: $(tail -1 "$T/set.err")"
ip netns exec "$P-d" iperf3 -s -p 5201 >"$T/iperf-server" 2>&1 &
PIDS+=("$!")
sleep 1
log "b) forwarding: no ping"
sleep 3	# the capture closes 2 s after the last probe
pps none
log "b) forwarding: one probe a second"
echo "bench pps1 10.14.1.2 $((SECS + 4)) 1000 1000" >"$T/row-pps1"
make_rows "$T/row-pps1"
sleep 1.5
pps one
log "b) forwarding: $ROWS rows probing once a second"
scale_rows load $((SECS + LOAD_COUNT_MORE)) 1000 >"$T/rows-load"
many_rows load "$T/rows-load"
R[load_running]=$(count_oper load 2)
pps rows
R[load_running_after]=$(count_oper load 2)

log "c) scale: $ROWS rows while GETs of the route table"
gb poll -i 100000 -T 30 -o $RT_COUNT -g $ROUTES $AGENT >/dev/null || log "the route table is not loaded"
walk $RT_COL19 | awk '{ print $1 }' | shuf -n 1000 >"$T/getoids"
wait_rows load "$ROWS" $((SECS + LOAD_COUNT_MORE + 60)) || log "the load rows did not all complete"
log "b) forwarding: no ping, again"
sleep 3
pps none2
rm -f "$T/stop"
gb lat -k 10000000 -x "$T/stop" -f "$T/getoids" $AGENT >"$T/lat-scale" 2>&1 &
LAT_PID=$!
PIDS+=("$LAT_PID")
scale_rows scale $SCALE_COUNT $SCALE_INTERVAL >"$T/rows-scale"
many_rows scale "$T/rows-scale"
R[scale_running]=$(count_oper scale 2)
wait_rows scale "$ROWS" $((SCALE_COUNT * SCALE_INTERVAL / 1000 + 60)) || log "the scale rows did not all complete"
R[scale_done_s]=$(awk -v a="$START_NS" -v b="$(now_ns)" 'BEGIN{printf "%.1f", (b-a)/1e9}')
touch "$T/stop"
wait "$LAT_PID"
R[lat]=$(cat "$T/lat-scale")
raw "lat-scale ${R[lat]}"
# the same GETs with nothing running, for reference
R[lat0]=$(gb lat -k 1000 -f "$T/getoids" $AGENT)
raw "lat-idle ${R[lat0]}"
codes scale >"$T/codes"
raw "codes $(paste -sd, "$T/codes")"
R[completed]=$(count_oper scale 3)
alive "$CIM_PID" || R[died]=1
[ -n "$KEEP" ] && cp "$T"/cimrouted-*.log "$T/snmpd.log" "$T"/rtt-* "$KEEP/" 2>/dev/null
END=$(now_ns)

# ---- report --------------------------------------------------------------------------
rtt_row() {	# rtt_row PATH SOURCE LABEL
	local s
	s=$(stats "$T/rtt-$1-$2")
	echo "| $3 | $2${R[tsrc_$1-$2]:+ (row says ${R[tsrc_$1-$2]})} | $(field "$s" 1) | $(field "$s" 2) | $(field "$s" 3) / $(field "$s" 4) | $(field "$s" 6) |"
}
med() { field "$(stats "$T/rtt-$1")" 2; }
want() {	# want CLASS: the expected code
	case $1 in r) echo 0 ;; u) echo 11003 ;; s) echo 11010 ;; esac
}
rows_of() {	# rows_of CLASS: how many scale rows it has (row i is of class i % 3)
	local k
	case $1 in r) k=0 ;; u) k=1 ;; s) k=2 ;; esac
	echo $(((ROWS - k + 2) / 3))
}
report() {
	local p c d
	echo "# cimroute ping benchmark"
	echo
	echo "- command: \`$CMDLINE\` (from $SRC, git $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null)$(git -C "$SRC" diff --quiet 2>/dev/null || echo '+dirty'))"
	echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), kernel $(uname -r), $(date -u '+%F %T UTC'); iputils $(ping -V 2>&1 | head -1 | awk '{print $NF}')"
	echo "- run took $(awk -v a="$START" -v b="$END" 'BEGIN{printf "%.0f", (b-a)/1e9}') s"
	echo
	echo "## a) Response times (µs): $PROBES probes every 200 ms on each path"
	echo
	echo "| path | source | probes | median | p10 / p90 | sd |"
	echo "|---|---|---:|---:|---|---:|"
	for p in veth rtr; do
		[ $p = veth ] && c="A<->B (veth)" || c="A<->R<->C (router)"
		rtt_row $p capture "$c"
		rtt_row $p socket "$c"
		rtt_row $p iputils "$c"
	done
	echo
	echo "| path | capture − iputils (median, µs) | within 50 µs | socket − iputils | within 50 µs |"
	echo "|---|---:|---|---:|---|"
	for p in veth rtr; do
		c=$(diff_ "$(med $p-capture)" "$(med $p-iputils)")
		d=$(diff_ "$(med $p-socket)" "$(med $p-iputils)")
		echo "| $p | $c | $(within "$c" 50) | $d | $(within "$d" 50) |"
	done
	echo
	echo "## b) The capture's cost: 64-octet UDP forwarded through the agent's namespace, ${SECS} s each"
	echo
	echo "| pinging | packets/s received by D | vs no ping | packet sockets open in A |"
	echo "|---|---:|---:|---:|"
	for p in none one rows none2; do
		case $p in
		none) c="nothing" ;;
		one) c="one row, 1 probe/s" ;;
		rows) c="$ROWS rows, 1 probe/s each (${R[load_running]} in progress before, ${R[load_running_after]} after)" ;;
		none2) c="nothing, again (the spread between the two: this machine's noise)" ;;
		esac
		echo "| $c | ${R[pps_$p]:-n/a} | $(awk -v a="${R[pps_$p]:-}" -v b="${R[pps_none]:-}" 'BEGIN{ if (a==""||b==""||b==0) print "n/a"; else printf "%+.1f%%", 100*(a-b)/b }') | ${R[socks_$p]:-n/a} |"
	done
	echo
	echo "The $ROWS rows were created (not started) in ${R[load_made]} s, $PER_SET a SET, and started in ${R[load_started]} s, $START_PER_SET a SET (${R[load_fail]} SETs refused)."
	echo
	echo "## c) Scale: $ROWS rows ($SCALE_COUNT probes each, $((SCALE_INTERVAL / 1000)) s apart), GETs of the route table meanwhile"
	echo
	echo "Created (not started) in ${R[scale_made]} s, $PER_SET a SET, then started in ${R[scale_started]} s, $START_PER_SET a SET (${R[scale_fail]} SETs refused); ${R[scale_running]} in progress once all were started; ${R[completed]} of $ROWS completed, the last ${R[scale_done_s]} s after the first start. The GETs ran from before the first SET to the last completion."
	echo
	echo "| rows to | expected | status codes seen (code: rows) | right |"
	echo "|---|---:|---|---:|"
	for c in r u s; do
		d=$(want $c)
		echo "| $(case $c in r) echo "C (answers)" ;; u) echo "R rejects (host-unreachable)" ;; s) echo "R drops (blackhole)" ;; esac) | $d | $(awk -v c=$c '$1 == c { printf "%s%s: %s", sep, $2, $3; sep = ", " }' "$T/codes") | $(awk -v c=$c -v d="$d" '$1 == c && $2 == d { print $3 }' "$T/codes" | grep . || echo 0) / $(rows_of $c) |"
	done
	echo
	echo "| GETs of cimIP4RouteTable ($ROUTES routes, one after the other) | count | median (µs) | p99 (µs) (target < 5000) | max (µs) | errors / timeouts |"
	echo "|---|---:|---:|---:|---:|---|"
	for p in lat lat0; do
		c=${R[$p]}
		echo "| $([ $p = lat ] && echo "during the $ROWS rows" || echo "nothing running") | $(echo "$c" | kv count) | $(echo "$c" | kv median_us) | $(echo "$c" | kv p99_us) | $(echo "$c" | kv max_us) | $(echo "$c" | kv errors) / $(echo "$c" | kv timeouts) |"
	done
	echo
	[ -s "$T/set.err" ] && echo "**SET errors: $(sort "$T/set.err" | uniq -c | sort -rn | head -3 | sed 's/^ *//' | paste -sd';' -)**"
	[ -n "${R[died]:-}" ] && echo "**cimrouted died**"
	return 0
}
report >"$T/report.md"
cat "$T/report.md"
[ -n "$OUT" ] && cp "$T/report.md" "$OUT"
[ -n "$KEEP" ] && cp "$T/raw" "$KEEP/raw.txt" && cp "$T/report.md" "$KEEP/report.md"
log "pingbench done"
exit 0
