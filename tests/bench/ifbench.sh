#!/bin/bash
# cimroute adapter benchmark: cimrouted's cimNetAdapterTable and cimAdapterCfgAddressTable
# against `ip -d addr show`, the AgentX ceiling (trivial-subagent) and snmpd's own ifTable
# and ipAddressTable, on the same namespace of LINKS interfaces, side by side in one run.
#
#   bash tests/bench/ifbench.sh [-b BUILDDIR] [-n LINKS] [-o results.md] [-k KEEPDIR] [-1 CPU]
#
#   -b  VPATH build directory holding agent/cimrouted, tests/bench/getbench and
#       tests/bench/trivial-subagent (default /tmp/bench-build)
#   -n  interfaces: LINKS/2 veth pairs in one namespace, each end up with an IPv4 and
#       an IPv6 address (default 10000)
#   -o  also write the Markdown report to this file
#   -k  keep the raw figures, logs and walk errors in this directory
#   -1  run the walk rounds on one CPU: snmpd, the subagents and snmpbulkwalk pinned
#       to CPU (taskset) for the rounds only, as bench.sh -1 does
#
# The namespace is made with IPv6 duplicate address detection off and addr_gen_mode
# none, so each interface holds exactly its two addresses (no link-local one) and the
# address counts are final at once.  Every process it starts is stopped by pid, the
# namespace deleted and its temporary directory removed, on exit or interrupt.
# Traffic stays inside the namespace.  Progress goes to stderr.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
SRC=$(cd "$HERE/../.." && pwd)
CMDLINE="bash tests/bench/ifbench.sh$(printf ' %q' "$@")"

BUILD=/tmp/bench-build
LINKS=10000
OUT=""
KEEP=""
PIN_CPU=""
PINX=""
PORT=1163
ROUNDS=2
NCH=10
IDLE_CAP=30
SNMPD_CAP=45	# s, each walk of snmpd's own tables
PORT2=$((PORT + 1))

usage() { sed -n '6,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "b:n:o:k:1:h" opt; do
	case $opt in
	b) BUILD=$OPTARG ;;
	n) LINKS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	k) KEEP=$OPTARG ;;
	1) PIN_CPU=$OPTARG ;;
	*) usage ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "ifbench.sh: needs root (network namespaces)" >&2; exit 2; }
for t in ip snmpd snmpbulkwalk taskset timeout python3; do
	command -v $t >/dev/null || { echo "ifbench.sh: $t not found" >&2; exit 2; }
done
CIMROUTED=$BUILD/agent/cimrouted
GETBENCH=$BUILD/tests/bench/getbench
TRIVIAL=$BUILD/tests/bench/trivial-subagent
for t in "$CIMROUTED" "$GETBENCH" "$TRIVIAL"; do
	[ -x "$t" ] || { echo "ifbench.sh: $t not built (-b BUILDDIR)" >&2; exit 2; }
done
PAIRS=$((LINKS / 2))
[ "$PAIRS" -ge 100 ] || { echo "ifbench.sh: -n takes 200 or more" >&2; exit 2; }
[ "$PAIRS" -le 16000 ] || { echo "ifbench.sh: -n takes at most 32000" >&2; exit 2; }
[ -n "$KEEP" ] && mkdir -p "$KEEP"

# ---- housekeeping ------------------------------------------------------------
housekeeping cimifbench

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
median() { sort -n | awk '{v[NR]=$1} END{if(NR==0){print "";exit} print v[int((NR+1)/2)]}'; }
maxof() { sort -n | tail -1; }
div() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN{ if (a==""||b==""||b==0) print "n/a"; else printf "%.*f\n", d, a/b }'; }
ms() { awk -v x="${1:-}" 'BEGIN{ if (x=="") print "n/a"; else printf "%.1f", x/1000 }'; }
s_() { awk -v x="${1:-}" 'BEGIN{ if (x=="") print "n/a"; else printf "%.2f", x/1e6 }'; }
mib() { awk -v x="${1:-}" 'BEGIN{ if (x=="") print "n/a"; else printf "%.1f", x/1024 }'; }
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat" 2>/dev/null; }
sub_() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a==""||b=="") print "n/a"; else printf "%.2f", b-a }'; }
raw() { echo "$*" >>"$T/raw"; }

# ---- OIDs (agent/snmp/oids.h, mibs/CIM-ROUTE-MIB.txt) -----------------------------
CIM=.1.3.6.1.4.1.32473.1.1
AD_COUNT=$CIM.5.1.0	# cimNetAdapterCount
AD_STATUS=$CIM.5.3.1.25	# cimNetAdapterNetConnectionStatus
CFG_COUNT=$CIM.6.1.0	# cimAdapterCfgCount
ADDR_POS=$CIM.6.4.1.10	# cimAdapterCfgAddressPosition
TRIV1_COL=.1.3.6.1.4.1.32473.99.1.1.1
TRIV1_COUNT=.1.3.6.1.4.1.32473.99.2.0
TRIVW_COL=.1.3.6.1.4.1.32473.98.1.1.1
TRIVW_COUNT=.1.3.6.1.4.1.32473.98.2.0
TRIVW=14	# the mean index length of the address table: (8 + 20) / 2 sub-ids
IF_DESCR=.1.3.6.1.2.1.2.2.1.2
IF_OPER=.1.3.6.1.2.1.2.2.1.8
IPA_IFINDEX=.1.3.6.1.2.1.4.34.1.3	# ipAddressIfIndex
# shellcheck disable=SC2034 # used by lib.sh's start_snmpd
SYSUPTIME=.1.3.6.1.2.1.1.3.0
AGENT=udp:127.0.0.1:$PORT
declare -A R

ifx() { ip -n "$NS" -o link show "$1" | cut -d: -f1; }
v4oid() { echo "1.4.$(echo "$1" | tr . .)"; }	# ipv4(1), length 4, the octets
v6oid() { python3 -c 'import ipaddress,sys; print("2.16." + ".".join(str(b) for b in ipaddress.IPv6Address(sys.argv[1]).packed))' "$1"; }
# the addresses of pair I: 10.x.y.(4I+1|2)/30 and fd00:1:I::(1|2)/64 on vaI, vbI
a4() { local b=$((4 * $1 + $2)); echo "10.$((b >> 16)).$(((b >> 8) & 255)).$((b & 255))"; }
a6() { printf 'fd00:1:%x::%d\n' "$1" "$2"; }

# walk OID CAP TAG: one snmpbulkwalk -Cr50; sets W_LINES W_SECS W_RC W_ERRS
walk() {
	local oid=$1 cap=$2 tag=$3 s e res
	s=$(now_ns)
	# shellcheck disable=SC2086
	res=$(timeout -k 5 "$cap" ip netns exec "$NS" $PINX snmpbulkwalk -v2c -c public -m '' -On -Oq \
		-Cr50 -t 10 -r 0 127.0.0.1:$PORT "$oid" 2>"$T/walk-$tag.err" | wc -l; echo "rc=${PIPESTATUS[0]}")
	e=$(now_ns)
	W_LINES=$(echo "$res" | head -1)
	W_RC=$(echo "$res" | kv rc)
	W_SECS=$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.3f", (b-a)/1e9}')
	W_ERRS=$(grep -c . "$T/walk-$tag.err")
	[ -n "$KEEP" ] && [ "$W_ERRS" -gt 0 ] && head -20 "$T/walk-$tag.err" >"$KEEP/walk-$tag.err"
	raw "walk $tag lines=$W_LINES secs=$W_SECS rc=$W_RC errs=$W_ERRS"
}
# round TAG OID: a walk; appends "secs lines" to $T/wTAG
round() { walk "$2" 600 "$1"; echo "$W_SECS $W_LINES" >>"$T/w$1"; R[errs]=$((${R[errs]:-0} + W_ERRS)); }
rate() { awk '$1 > 0 { print $2 / $1 }' "$T/w$1" | median; }
# ratio A B: per round (A values/s) / (B values/s) in %, one a line
ratio() { paste -d' ' "$T/w$1" "$T/w$2" | awk '$1 > 0 && $3 > 0 && $4 > 0 { printf "%.0f%%\n", 100 * ($2 / $1) / ($4 / $3) }' | paste -sd' ' | sed 's/ /, /g'; }
pin() { local p; for p in "$@"; do taskset -a -p -c "$PIN_CPU" "$p" >/dev/null; done; PINX="taskset -c $PIN_CPU"; }
unpin() { local p; for p in "$@"; do taskset -a -p -c "0-$(($(nproc) - 1))" "$p" >/dev/null; done; PINX=""; }

start_cim() {	# start_cim TAG: sets CIM_PID, CIM_T0
	mkdir -m 0700 "$T/state" 2>/dev/null
	CIM_T0=$(now_ns)
	SNMP_PERSISTENT_DIR=$T/persist ip netns exec "$NS" "$CIMROUTED" -f -x "$T/agentx.sock" \
		-S "$T/state" -Lf "$T/cimrouted-$1.log" -p "$T/cimrouted.pid" &
	CIM_PID=$!
	PIDS+=("$CIM_PID")
}
start_trivial() {	# start_trivial ROWS WIDTH ARC COUNT_OID: echoes nothing, sets TPID
	SNMP_PERSISTENT_DIR=$T/persist ip netns exec "$NS" "$TRIVIAL" -x "$T/agentx.sock" -w "$2" -a "$3" "$1" \
		2>"$T/trivial$2.err" &
	TPID=$!
	PIDS+=("$TPID")
	gb poll -i 10000 -T 30 -o "$4" $AGENT >/dev/null || log "trivial subagent (-w $2) not registered"
}
# chg TAG OID POLLFLAGS CMD...: one change timed by getbench poll; elapsed and cmd (us) to $T/TAG*
chg() {
	local tag=$1 oid=$2 fl=$3 p
	shift 3
	# shellcheck disable=SC2086
	p=$(gb poll $fl -E -i 200 -T 10 -o "$oid" $AGENT "$@")
	raw "$tag $p"
	[ "$(echo "$p" | kv result)" = ok ] || return 0
	echo "$p" | kv elapsed_us >>"$T/$tag"
	echo "$p" | kv cmd_us >>"$T/${tag}cmd"
	# the agent's own share: from the kernel's event (getbench -E) to the first GET showing it
	echo "$p" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
		END { if (v["event_us"] >= 0) print v["elapsed_us"] - v["event_us"] }' >>"$T/${tag}own"
}
snmpd_idle() {	# snmpd_idle CAP_S: until snmpd spends under 5% of a CPU over a second
	local a b n=0
	while [ $n -lt "$1" ]; do
		a=$(cpu_s "$SNMPD_PID"); sleep 1; b=$(cpu_s "$SNMPD_PID")
		awk -v a="$a" -v b="$b" 'BEGIN{exit !(b - a < 0.05)}' && return 0
		n=$((n + 1))
	done
	return 1
}
snmpd_walk() {	# snmpd_walk TAG OID: a walk of snmpd's own table, with snmpd's CPU during it
	local a
	a=$(cpu_s "$SNMPD_PID")
	walk "$2" "$SNMPD_CAP" "$1"
	R[$1_s]=$W_SECS
	R[$1_rows]=$W_LINES
	R[$1_rc]=$W_RC
	R[$1_cpu]=$(sub_ "$a" "$(cpu_s "$SNMPD_PID")")
}

# ---- the namespace -------------------------------------------------------------
START=$(now_ns)
: >"$T/raw"
log "ifbench start: $CMDLINE (tmp $T)"
NS=cimifbench-$$
ip netns add "$NS" || exit 1
NSES+=("$NS")
nsx sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
	net.ipv6.conf.default.addr_gen_mode=1
ip -n "$NS" link set lo up
mkdir -p "$T/persist" "$T/bin"
# The master of cimrouted and the trivial subagents loads no MIB module but the system
# group (-I system_mib): with its IF-MIB and IP-MIB modules, snmpd stops answering for
# minutes at 10,000 links (their caches and the link events), and every subagent behind it
# with it.  snmpd's own tables are measured last, by a second snmpd with every module.
printf '#!/bin/sh\nexec %s -I system_mib "$@"\n' "$(command -v snmpd)" >"$T/bin/snmpd"
chmod +x "$T/bin/snmpd"
# v1trapaddress: without it snmpd looks for its own address for every notification a
# subagent sends (get_myaddr(): an ioctl per interface, about 17 s at 10,000 links), and
# cimrouted sends one per route a link down removes
SNMPD_EXTRA_CONF="v1trapaddress 127.0.0.1" PATH=$T/bin:$PATH start_snmpd "$T" || exit 1

# -- cimrouted in the empty namespace (lo only): memory baseline
start_cim empty
p=$(gb poll -i 10000 -T 60 -S "$CIM_T0" -o $AD_COUNT -g 1 $AGENT)
raw "empty $p"
sleep 1
R[rss0]=$(rss_kb "$CIM_PID")
stop_pid "$CIM_PID"

# -- LINKS interfaces with ip -batch
log "creating $PAIRS veth pairs"
awk -v n="$PAIRS" 'BEGIN { for (i = 0; i < n; i++) print "link add va" i " type veth peer name vb" i }' >"$T/batch-link"
# the addresses of pair I: a4 and a6 above, written by awk (a shell loop forks too often)
awk -v n="$PAIRS" 'BEGIN { for (i = 0; i < n; i++) { b = 4 * i
	v4 = "10." int(b / 65536) "." int(b / 256) % 256 "."
	printf "addr add %s%d/30 dev va%d\naddr add %s%d/30 dev vb%d\n", v4, b % 256 + 1, i, v4, b % 256 + 2, i
	printf "addr add fd00:1:%x::1/64 dev va%d\naddr add fd00:1:%x::2/64 dev vb%d\n", i, i, i, i
	printf "link set va%d up\nlink set vb%d up\n", i, i } }' >"$T/batch-addr"
s=$(now_ns)
sc=$(cpu_s "$SNMPD_PID")
ip -n "$NS" -batch "$T/batch-link" >/dev/null || log "ip -batch (links) reported errors"
ip -n "$NS" -batch "$T/batch-addr" >/dev/null || log "ip -batch (addresses) reported errors"
R[load]=$(awk -v a="$s" -v b="$(now_ns)" 'BEGIN{printf "%.1f", (b-a)/1e9}')
e=$(now_ns)
# snmpd reads the kernel's link and address events and works on them for a while after
# ip ends; wait until it is idle, so that the figures below are not its backlog
log "waiting for snmpd to be idle"
# (at 10,000 links it does not get idle: give it IDLE_CAP seconds, then go on)
if snmpd_idle "$IDLE_CAP"; then
	R[snmpd_busy]="busy $(awk -v a="$e" -v b="$(now_ns)" 'BEGIN{printf "%.0f", (b-a)/1e9 - 1}') s after ip ended"
else
	a=$(cpu_s "$SNMPD_PID"); sleep 5
	R[snmpd_busy]="still at $(awk -v a="$a" -v b="$(cpu_s "$SNMPD_PID")" 'BEGIN{printf "%.0f", 100 * (b - a) / 5}')% of a CPU $IDLE_CAP s after ip ended"
fi
R[snmpd_load_cpu]=$(sub_ "$sc" "$(cpu_s "$SNMPD_PID")")
R[nlinks]=$(ip -n "$NS" -o link show | wc -l)
R[naddrs]=$(ip -n "$NS" -o addr show | wc -l)
log "${R[nlinks]} links, ${R[naddrs]} addresses in ${R[load]} s"

# -- reference: ip -d addr show | wc -l, three times
for i in 1 2 3; do
	s=$(now_ns); ip -n "$NS" -d addr show | wc -l >/dev/null; echo $((($(now_ns) - s) / 1000))
done >"$T/ipshow"
R[ipshow]=$(median <"$T/ipshow")

# -- cimrouted cold start to complete tables: the two counts, then the last pair's addresses
log "cimrouted cold start"
LAST=$((PAIRS - 1))
LASTX=$(ifx vb$LAST)
start_cim cold
p=$(gb poll -i 5000 -T 300 -S "$CIM_T0" -o $AD_COUNT -e "${R[nlinks]}" $AGENT); raw "cold-adcount $p"
R[cold_ad]=$(echo "$p" | kv elapsed_us)
p=$(gb poll -i 5000 -T 300 -S "$CIM_T0" -o $CFG_COUNT -e "${R[nlinks]}" $AGENT); raw "cold-cfgcount $p"
R[cold_cfg]=$(echo "$p" | kv elapsed_us)
p=$(gb poll -i 5000 -T 300 -S "$CIM_T0" -o "$ADDR_POS.$LASTX.$(v4oid "$(a4 $LAST 2)").30" $AGENT); raw "cold-addr4 $p"
R[cold_a4]=$(echo "$p" | kv elapsed_us)
p=$(gb poll -i 5000 -T 300 -S "$CIM_T0" -o "$ADDR_POS.$LASTX.$(v6oid "$(a6 $LAST 2)").64" $AGENT); raw "cold-addr6 $p"
R[cold_a6]=$(echo "$p" | kv elapsed_us)
R[cold]=$(printf '%s\n' "${R[cold_ad]}" "${R[cold_cfg]}" "${R[cold_a4]}" "${R[cold_a6]}" | maxof)
R[cold_cpu]=$(cpu_s "$CIM_PID")
alive "$CIM_PID" || { log "cimrouted died at cold start"; R[died]="at cold start"; }
sleep 1
R[rss1]=$(rss_kb "$CIM_PID")

# -- walks: cimrouted against trivial subagents with as many rows
start_trivial "${R[nlinks]}" 1 99 $TRIV1_COUNT; TRIV1_PID=$TPID
start_trivial "${R[naddrs]}" $TRIVW 98 $TRIVW_COUNT; TRIVW_PID=$TPID
for w in ad t1 addr tw; do : >"$T/w$w"; done
[ -n "$PIN_CPU" ] && pin "$SNMPD_PID" "$CIM_PID" "$TRIV1_PID" "$TRIVW_PID"
for r in $(seq $ROUNDS); do
	log "walk round $r/$ROUNDS"
	round ad $AD_STATUS
	round t1 $TRIV1_COL
	round addr $ADDR_POS
	round tw $TRIVW_COL
done
[ -n "$PIN_CPU" ] && unpin "$SNMPD_PID" "$CIM_PID" "$TRIV1_PID" "$TRIVW_PID"
stop_pid "$TRIV1_PID"
stop_pid "$TRIVW_PID"

# -- change latency: an address added, a link set down (unpinned)
log "changes"
for w in add addcmd addown down downcmd downown; do : >"$T/$w"; done
for i in $(seq 0 $((NCH - 1))); do
	x=$(ifx va$i)
	chg add "$ADDR_POS.$x.1.4.10.200.0.$((i + 1)).32" "" ip addr add 10.200.0.$((i + 1))/32 dev va$i
	x=$(ifx va$((100 + i)))
	chg down "$AD_STATUS.$x" "-e 0" ip link set va$((100 + i)) down
done
alive "$CIM_PID" || { log "cimrouted died"; R[died]="${R[died]:-} after the changes"; }

# -- snmpd's own ifTable and ipAddressTable, same namespace: a second snmpd with its
#    default modules (the master and cimrouted stopped first, to leave it the CPUs)
stop_pid "$CIM_PID"
stop_pid "$SNMPD_PID"
log "snmpd with every module: ifTable and ipAddressTable"
mkdir -p "$T/full"
printf 'agentaddress udp:127.0.0.1:%s\nrocommunity public\n' $PORT2 >"$T/full/snmpd.conf"
s=$(now_ns)
SNMP_PERSISTENT_DIR=$T/full MIBS="" ip netns exec "$NS" snmpd -f -C -c "$T/full/snmpd.conf" -Lf "$T/full/snmpd.log" &
SNMPD_PID=$!
PIDS+=("$SNMPD_PID")
PORT=$PORT2
AGENT=udp:127.0.0.1:$PORT
p=$(gb poll -i 100000 -T 60 -S "$s" -o $SYSUPTIME $AGENT); raw "full-start $p"
R[full_start]=$(echo "$p" | kv elapsed_us); R[full_start_r]=$(echo "$p" | kv result)
R[ifnumber]=$(gb poll -T 10 -o .1.3.6.1.2.1.2.1.0 $AGENT | kv value)
snmpd_walk if1 $IF_DESCR
snmpd_walk if2 $IF_DESCR
snmpd_walk ipa1 $IPA_IFINDEX
snmpd_walk ipa2 $IPA_IFINDEX
x=$(ifx va$((PAIRS - 1)))
p=$(gb poll -e 2 -i 200000 -T 70 -o "$IF_OPER.$x" $AGENT ip link set va$((PAIRS - 1)) down); raw "snmpd-down $p"
R[stale_if]=$(echo "$p" | kv elapsed_us); R[stale_if_r]=$(echo "$p" | kv result)
p=$(gb poll -i 200000 -T 70 -o "$IPA_IFINDEX.1.4.10.201.0.1" $AGENT ip addr add 10.201.0.1/32 dev va$((PAIRS - 2))); raw "snmpd-addr $p"
R[stale_ipa]=$(echo "$p" | kv elapsed_us); R[stale_ipa_r]=$(echo "$p" | kv result)
R[snmpd_rss]=$(rss_kb "$SNMPD_PID")
[ -n "$KEEP" ] && cp "$T"/cimrouted-*.log "$T/snmpd.log" "$KEEP/" 2>/dev/null && cp "$T/full/snmpd.log" "$KEEP/snmpd-full.log"
END=$(now_ns)

# ---- report --------------------------------------------------------------------
stale() { [ "$2" = ok ] && echo "$(s_ "$1") s" || echo "not seen within ${3:-70} s"; }
report() {
	echo "# cimroute adapter benchmark"
	echo
	echo "- command: \`$CMDLINE\` (from $SRC, git $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null)$(git -C "$SRC" diff --quiet 2>/dev/null || echo '+dirty'))"
	echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), kernel $(uname -r), $(date -u '+%F %T UTC'); net-snmp $(net-snmp-config --version 2>/dev/null)"
	echo "- namespace: $PAIRS veth pairs, ${R[nlinks]} links with lo, ${R[naddrs]} addresses (an IPv4 /30 and an IPv6 /64 on each end, no link-local), made by ip -batch in ${R[load]} s"
	[ -n "$PIN_CPU" ] && echo "- walk rounds pinned to CPU $PIN_CPU (-1): snmpd, the subagents and snmpbulkwalk"
	echo "- run took $(awk -v a="$START" -v b="$END" 'BEGIN{printf "%.0f", (b-a)/1e9}') s"
	echo
	echo "## Start and memory"
	echo
	echo "| \`ip -d addr show \\| wc -l\` (s) | cimrouted start to complete tables (s): adapters / configurations / last addresses | start / ip (target <= 2) | cimrouted CPU at complete (s) | RSS empty ns / loaded (MiB) | bytes per interface |"
	echo "|---:|---|---:|---:|---|---:|"
	echo "| $(s_ "${R[ipshow]}") | $(s_ "${R[cold]}"): $(s_ "${R[cold_ad]}") / $(s_ "${R[cold_cfg]}") / $(s_ "${R[cold_a4]}"), $(s_ "${R[cold_a6]}") | $(div "${R[cold]}" "${R[ipshow]}") | ${R[cold_cpu]:-n/a} | $(mib "${R[rss0]}") / $(mib "${R[rss1]}") | $(awk -v a="${R[rss1]:-}" -v b="${R[rss0]:-}" -v n="${R[nlinks]}" 'BEGIN{ if (a==""||b=="") print "n/a"; else printf "%.0f", (a-b)*1024/n }') |"
	echo
	echo "## One-column walks through snmpd (AgentX, snmpbulkwalk -Cr50), $ROUNDS rounds"
	echo
	echo "| table | rows | cimrouted values/s | trivial subagent values/s | cimrouted / trivial per round (target >= 90%) |"
	echo "|---|---:|---:|---:|---|"
	echo "| cimNetAdapterTable (NetConnectionStatus) vs trivial, 1-sub-id index | $(cut -d' ' -f2 "$T/wad" | median) | $(div "$(rate ad)" 1 0) | $(div "$(rate t1)" 1 0) | $(ratio ad t1) |"
	echo "| cimAdapterCfgAddressTable (Position) vs trivial, $TRIVW-sub-id index | $(cut -d' ' -f2 "$T/waddr" | median) | $(div "$(rate addr)" 1 0) | $(div "$(rate tw)" 1 0) | $(ratio addr tw) |"
	echo
	echo "## Change latency: the command started to the first GET that shows it ($NCH each)"
	echo
	echo "| change | to visible, median / max (ms) (target median < 10) | \`ip\` alone, median (ms) | the agent's share: the kernel's event to visible, median / max (ms) |"
	echo "|---|---|---:|---|"
	echo "| \`ip addr add A/32 dev vaI\` → its cimAdapterCfgAddressPosition row | $(ms "$(median <"$T/add")") / $(ms "$(maxof <"$T/add")") ($(wc -l <"$T/add")/$NCH) | $(ms "$(median <"$T/addcmd")") | $(ms "$(median <"$T/addown")") / $(ms "$(maxof <"$T/addown")") |"
	echo "| \`ip link set vaI down\` → cimNetAdapterNetConnectionStatus = disconnected(0) | $(ms "$(median <"$T/down")") / $(ms "$(maxof <"$T/down")") ($(wc -l <"$T/down")/$NCH) | $(ms "$(median <"$T/downcmd")") | $(ms "$(median <"$T/downown")") / $(ms "$(maxof <"$T/downown")") |"
	echo
	echo "## snmpd's own IF-MIB ifTable (ifDescr) and IP-MIB ipAddressTable (ipAddressIfIndex), same namespace"
	echo
	echo "A second snmpd, every default module, no subagent: started to its first answer (sysUpTime.0): $(stale "${R[full_start]}" "${R[full_start_r]}" 60); ifNumber.0 ${R[ifnumber]:-not answered}. Walks capped at $SNMPD_CAP s (rc 124 = cut)."
	echo
	echo "| table | first walk (s) / rows / snmpd CPU (s) | second walk (s) / rows / snmpd CPU (s) | a change read after |"
	echo "|---|---|---|---|"
	echo "| ifTable | ${R[if1_s]} / ${R[if1_rows]} / ${R[if1_cpu]} (rc ${R[if1_rc]}) | ${R[if2_s]} / ${R[if2_rows]} / ${R[if2_cpu]} (rc ${R[if2_rc]}) | link set down → ifOperStatus down(2): $(stale "${R[stale_if]}" "${R[stale_if_r]}") |"
	echo "| ipAddressTable | ${R[ipa1_s]} / ${R[ipa1_rows]} / ${R[ipa1_cpu]} (rc ${R[ipa1_rc]}) | ${R[ipa2_s]} / ${R[ipa2_rows]} / ${R[ipa2_cpu]} (rc ${R[ipa2_rc]}) | address added → its row: $(stale "${R[stale_ipa]}" "${R[stale_ipa_r]}") |"
	echo
	echo "Notes: trivial = tests/bench/trivial-subagent (O(1) handler) with as many rows; the address table's index is 8 sub-ids (IPv4) or 20 (IPv6), the trivial one's $TRIVW; snmpd's changes polled every 0.2 s; snmpd RSS at the end $(mib "${R[snmpd_rss]:-}") MiB; snmpd's CPU while ip -batch made the links and addresses and until it was idle again (no SNMP request yet): ${R[snmpd_load_cpu]:-n/a} s, ${R[snmpd_busy]:-n/a} (cimrouted was started only then); the master of cimrouted and the trivial subagents: snmpd -I system_mib."
	[ -n "${R[died]:-}" ] && echo "**cimrouted died (${R[died]})**"
	[ "${R[errs]:-0}" != 0 ] && echo "**walk rounds printed ${R[errs]} error lines**"
	return 0
}
report >"$T/report.md"
cat "$T/report.md"
[ -n "$OUT" ] && cp "$T/report.md" "$OUT"
[ -n "$KEEP" ] && cp "$T/raw" "$KEEP/raw.txt" && cp "$T/report.md" "$KEEP/report.md"
log "ifbench done"
exit 0
