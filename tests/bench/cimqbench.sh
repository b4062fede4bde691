#!/bin/bash
# cimq benchmark: `cimq "SELECT Destination, NextHop FROM Win32_IP4RouteTable"` against
# snmpbulkwalk of the same data through the same snmpd and cimrouted, side by side, same run.
#
#   bash tests/bench/cimqbench.sh [-b BUILDDIR] [-n ROUTES] [-r ROUNDS] [-o results.md]
#
#   -b  build directory holding agent/cimrouted and cimq/cimq (default /tmp/bench-build)
#   -n  routes in the namespace (default 100000; the issue's figure is -n 1000000)
#   -r  rounds of each measurement; the median is printed (default 3)
#   -o  also write the Markdown report to this file
#
# Destination and NextHop are index components of cimIP4RouteTable (not-accessible): a walk of
# any one column carries both in its OIDs. So the baselines are snmpbulkwalk of one column
# (cimIP4RouteName, .18) with net-snmp's default max-repetitions (10) and with -Cr50, and of
# the two columns a manager without an index decoder would read instead (Name and Metric1,
# two walks). cimq prints CSV to a file (-o csv) so that formatting a table is not what is
# timed; a JSON round checks the row count equals the walk's. Run by hand, not in CI: on a
# quiet machine. Every process it starts is stopped by pid, the namespace deleted and its
# temporary directory removed, on exit or interrupt. Progress goes to stderr.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
SRC=$(cd "$HERE/../.." && pwd)
CMDLINE="bash tests/bench/cimqbench.sh$(printf ' %q' "$@")"

BUILD=/tmp/bench-build
N=100000
ROUNDS=3
OUT=""
PORT=1165
GW=10.9.0.2

usage() { sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "b:n:r:o:h" opt; do
	case $opt in
	b) BUILD=$OPTARG ;;
	n) N=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) usage ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "needs root (network namespace)" >&2; exit 2; }
CIMROUTED=$BUILD/agent/cimrouted
CIMQ=$BUILD/cimq/cimq
for b in "$CIMROUTED" "$CIMQ"; do [ -x "$b" ] || { echo "$b not built" >&2; exit 2; }; done
# the IETF base MIB modules CIM-ROUTE-MIB imports (as tests/integration/cimq_lib.sh finds them)
MIBBASE=${MIB_BASE_DIR:-}
[ -f /usr/share/snmp/mibs/SNMPv2-SMI.txt ] && MIBBASE=/usr/share/snmp/mibs
if [ -z "$MIBBASE" ]; then for d in /usr/lib/erlang/lib/snmp-*/mibs; do [ -f "$d/SNMPv2-SMI.mib" ] && MIBBASE=$d; done; fi
[ -n "$MIBBASE" ] || { echo "IETF base MIB modules not found (set MIB_BASE_DIR)" >&2; exit 2; }

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
housekeeping cimqbench
NS=cimqbench-$$
AGENT=127.0.0.1:$PORT
ENTRY=.1.3.6.1.4.1.32473.1.1.1.3.1
COUNT=.1.3.6.1.4.1.32473.1.1.1.1.0
export MIBS= MIBDIRS=/nonexistent SNMPCONFPATH=$T SNMP_PERSISTENT_DIR=$T/client
printf 'mibs :\n' >"$T/snmp.conf"

ip netns add "$NS" || exit 1
NSES+=("$NS")
nsx ip link set lo up && nsx ip link add veth0 type veth peer name veth1 &&
	nsx ip link set veth0 up && nsx ip link set veth1 up && nsx ip addr add 10.9.0.1/24 dev veth0 || exit 1
log "generating and loading $N routes"
python3 "$HERE/genroutes.py" "$N" 1 $GW veth0 "$T/batch" "$T/prefixes" || exit 1
nsx ip -batch "$T/batch" || { log "ip -batch failed"; exit 1; }

# snmpd (AgentX master) and cimrouted, as the integration tests start them
mkdir -p "$T/persist" "$T/persist-cimr" "$T/client" && mkdir -m 0700 "$T/state"
cat >"$T/snmpd.conf" <<EOT
agentaddress udp:127.0.0.1:$PORT
rocommunity public 127.0.0.1
master agentx
agentXSocket $T/agentx.sock
agentXTimeout 10
dontLogTCPWrappersConnects yes
EOT
SNMP_PERSISTENT_DIR=$T/persist ip netns exec "$NS" snmpd -f -C -c "$T/snmpd.conf" -Lf "$T/snmpd.log" -p "$T/snmpd.pid" &
PIDS+=($!)	# ip netns exec execs the daemon: $! is its pid
echo "routeTables main" >"$T/cimrouted.conf"
SNMP_PERSISTENT_DIR=$T/persist-cimr ip netns exec "$NS" "$CIMROUTED" -f -x "$T/agentx.sock" -c "$T/cimrouted.conf" \
	-S "$T/state" -Lf "$T/cimrouted.log" -p "$T/cimrouted.pid" </dev/null >"$T/cimrouted.out" 2>&1 &
CIM_PID=$!
PIDS+=("$CIM_PID")
count() { nsx snmpget -v2c -c public -On -Oqv -t 1 -r 0 "$AGENT" "$COUNT" 2>/dev/null; }
rows_k=$(nsx ip -4 route show table main | wc -l)
log "waiting for cimrouted to serve the $rows_k routes of table main"
for _ in $(seq 1 $((120 + N / 2000))); do
	c=$(count)
	[ "${c:-0}" -ge "$rows_k" ] 2>/dev/null && break
	alive "$CIM_PID" || { log "cimrouted died"; tail -n 5 "$T/cimrouted.log" >&2; exit 1; }
	sleep 1
done
[ "${c:-0}" -ge "$rows_k" ] 2>/dev/null || { log "cimrouted serves $c rows, the kernel has $rows_k"; exit 1; }
log "cimrouted serves $c rows"

# timed NAME OUTFILE CMD...: one round; appends the wall time (ms) to $T/NAME.ms
timed() {
	local name=$1 out=$2 t0 t1; shift 2
	t0=$(now_ns)
	"$@" >"$out" 2>"$out.err" || { log "$name failed: $(head -c 300 "$out.err")"; return 1; }
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000000)) >>"$T/$name.ms"
}
median() { sort -n "$T/$1.ms" | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
WQL="SELECT Destination, NextHop FROM Win32_IP4RouteTable"
cimq() {
	nsx env CIMQ_MAP="$SRC/mof-map/map.tsv" MIBDIRS="$SRC/mibs:$MIBBASE" \
		"$CIMQ" -v2c -c public -t 10 -r 1 "$@" "$AGENT" "$WQL"
}
walk1() { nsx snmpbulkwalk -v2c -c public -On -t 10 -r 1 "$@" "$AGENT" "$ENTRY.18"; }
walk2() { walk1 "$@" && nsx snmpbulkwalk -v2c -c public -On -t 10 -r 1 "$@" "$AGENT" "$ENTRY.13"; }

NAMES=(cimq_csv walk1_r10 walk1_r50 walk2_r10)
for r in $(seq 1 "$ROUNDS"); do
	log "round $r of $ROUNDS"
	# interleaved, so that a slow spell of the machine hits every measurement alike
	timed cimq_csv "$T/cimq.csv" cimq -o csv || exit 1
	timed walk1_r10 "$T/walk1" walk1 || exit 1
	timed walk1_r50 "$T/walk1r50" walk1 -Cr50 || exit 1
	timed walk2_r10 "$T/walk2" walk2 || exit 1
done
# the answers are the same rows: cimq's CSV (a header line) and the one-column walk
cq_rows=$(($(wc -l <"$T/cimq.csv") - 1))
walk_rows=$(grep -c "^$ENTRY.18\." "$T/walk1")
{
	echo "# cimq benchmark: $N generated routes ($rows_k rows in table main), $(date -u +%FT%TZ)"
	echo
	echo "\`$CMDLINE\` on $(uname -r), $(nproc) CPUs; median of $ROUNDS rounds"
	echo
	echo "| what | ms | rows/s | vs snmpbulkwalk of one column |"
	echo "|---|---:|---:|---:|"
	base=$(median walk1_r10)
	for n in "${NAMES[@]}"; do
		m=$(median "$n")
		printf '| %s | %d | %d | %s |\n' "$n" "$m" $((walk_rows * 1000 / (m > 0 ? m : 1))) \
			"$(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.2fx", a / b }')"
	done
	echo
	echo "cimq printed $cq_rows rows; the walk had $walk_rows."
	echo "cimq: \`cimq -v2c -o csv HOST \"$WQL\"\`; walk1: \`snmpbulkwalk\` of cimIP4RouteName (index = both properties);"
	echo "walk2: Name then Metric1 (two columns, two walks); r10/r50: max-repetitions."
} | tee "${OUT:-/dev/null}"
[ "$cq_rows" = "$walk_rows" ] || { log "row counts differ: cimq $cq_rows, walk $walk_rows"; exit 1; }
