# lib.sh - shared harness for the cimroute integration tests (sourced, bash).
#
# Every test builds its own world: a network namespace cimr-<test>-<pid> with veth pairs,
# an snmpd master listening on loopback inside it, cimrouted as its AgentX subagent, and
# the net-snmp command line tools, also run inside it. Everything is torn down by an EXIT
# trap (processes are stopped by pid, the namespace is deleted, the temp dir removed).
#
# Output is TAP: "ok N - text" / "not ok N - text" / "# diag", plan "1..N" at the end
# (or "1..0 # SKIP reason" at the start when the test cannot run here). A script that dies
# early gets a final "not ok - test script ended early" from the EXIT trap.
#
# Environment:
#   BUILDDIR / abs_top_builddir  where agent/cimrouted was built (default: $PWD if it has it)
#   CIMROUTED                    the daemon binary (default $BUILDDIR/agent/cimrouted)
#   CIMR_ITEST_KEEP=1            keep the temp dir (logs, walks) after the test
#   CIMR_ITEST_MOCK=1            harness self-test: replace cimrouted by mock_subagent.py run
#                                inside a second snmpd acting as AgentX subagent
#                                (harness only: it fails the index sub-id >= 2^31 rows, which
#                                snmpd's pass_persist cannot carry, and has no InstallDate)
#   CIMR_ITEST_STRICT_EXIT=1     exit 1 when a test failed (default: 0 once the plan is out)
#   CIMR_SKIP_INTEGRATION=1      skip (for make distcheck)

ITDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROUTE_ROWS="$ITDIR/route_rows.py"
TOP_SRCDIR=$(cd "$ITDIR/../.." && pwd)

# OIDs (doc/route-table-layout.md)
OID_IP4ROUTE=.1.3.6.1.4.1.32473.1.1.1
OID_COUNT=$OID_IP4ROUTE.1.0
OID_LASTCHANGE=$OID_IP4ROUTE.2.0
OID_TABLE=$OID_IP4ROUTE.3
OID_ENTRY=$OID_IP4ROUTE.3.1

# ------------------------------------------------------------------ TAP

_TAP_N=0
_TAP_FAILED=0
_TAP_DONE=0

# diag TEXT... (each line prefixed with "# "); without arguments it reads stdin
diag() {
	local l
	if [ $# -eq 0 ]; then
		while IFS= read -r l; do printf '# %s\n' "$l"; done
	else
		printf '%s\n' "$@" | while IFS= read -r l; do printf '# %s\n' "$l"; done
	fi
}
ok() { _TAP_N=$((_TAP_N + 1)); printf 'ok %d - %s\n' "$_TAP_N" "$*"; }
not_ok() { _TAP_N=$((_TAP_N + 1)); _TAP_FAILED=$((_TAP_FAILED + 1)); printf 'not ok %d - %s\n' "$_TAP_N" "$*"; }
skip() { _TAP_N=$((_TAP_N + 1)); printf 'ok %d - %s # SKIP %s\n' "$_TAP_N" "$1" "$2"; }
# result CONDITION_STATUS TEXT: ok when the status is 0
result() { if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi; }
# is GOT EXPECTED TEXT
is() {
	if [ "$1" == "$2" ]; then ok "$3"; else not_ok "$3"; diag "got:      '$1'" "expected: '$2'"; fi
}
# check TEXT CMD...: ok when CMD succeeds; its output becomes diag when it fails
check() {
	local text=$1 out rc; shift
	out=$("$@" 2>&1); rc=$?
	if [ $rc -eq 0 ]; then ok "$text"; else not_ok "$text"; diag "command failed (rc=$rc): $*" "$out"; fi
	return $rc
}
_TAP_PLANNED=
# plan N: announce the number of tests up front (optional; done_testing prints it otherwise)
plan() { _TAP_PLANNED=$1; printf '1..%d\n' "$1"; }
skip_all() { printf '1..0 # SKIP %s\n' "$*"; _TAP_DONE=1; exit 0; }
bail_out() { printf 'Bail out! %s\n' "$*"; _TAP_DONE=1; exit 1; }
done_testing() {
	if [ -z "$_TAP_PLANNED" ]; then
		printf '1..%d\n' "$_TAP_N"
	elif [ "$_TAP_PLANNED" != "$_TAP_N" ]; then
		printf '# planned %d tests but ran %d\n' "$_TAP_PLANNED" "$_TAP_N"
		_TAP_FAILED=$((_TAP_FAILED + 1))
	fi
	_TAP_DONE=1
	diag "elapsed: $SECONDS s"   # suite.sh lists the slowest tests from these
	# The TAP lines carry the result; the exit status is 0 whenever the script ran to its
	# end (so the TAP driver does not add an ERROR to each FAIL). CIMR_ITEST_STRICT_EXIT=1
	# makes it 1 when something failed, for standalone use.
	[ "$_TAP_FAILED" -gt 0 ] && diag "$_TAP_FAILED of $_TAP_N failed"
	[ "$_TAP_FAILED" -gt 0 ] && [ "${CIMR_ITEST_STRICT_EXIT:-0}" = 1 ] && exit 1
	exit 0
}

now_ms() { date +%s%3N; }

# ------------------------------------------------------------------ environment

# needs CMD...: skip the whole test unless every command is installed
needs() {
	local b
	for b in "$@"; do
		command -v "$b" >/dev/null 2>&1 || skip_all "$b not installed"
	done
}

_itest_require() {
	[ "${CIMR_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "CIMR_SKIP_INTEGRATION=1"
	[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces)"
	needs ip snmpd snmpget snmpgetnext snmpwalk snmpbulkwalk snmpset python3 timeout
	env --default-signal=INT true 2>/dev/null || skip_all "env --default-signal not supported (coreutils < 8.31)"
	if [ "${CIMR_ITEST_MOCK:-0}" = 1 ]; then
		CIMROUTED=mock
		return
	fi
	if [ -z "${CIMROUTED:-}" ]; then
		BUILDDIR=${BUILDDIR:-${abs_top_builddir:-}}
		if [ -z "$BUILDDIR" ] && [ -x "$PWD/agent/cimrouted" ]; then BUILDDIR=$PWD; fi
		[ -n "$BUILDDIR" ] || skip_all "cimrouted not found: set BUILDDIR or abs_top_builddir"
		CIMROUTED=$BUILDDIR/agent/cimrouted
	fi
	[ -x "$CIMROUTED" ] || skip_all "$CIMROUTED not built"
}

# itest_init NAME: checks, temp dir, namespace (lo up), ports, client config, cleanup trap
itest_init() {
	TEST_NAME=$1
	_itest_require
	T=$(mktemp -d "/tmp/cimr-$TEST_NAME.XXXXXX") || bail_out "mktemp failed"
	. "$ITDIR/../pin_python.sh" && cimr_pin_python "$T/bin"
	NS=cimr-$TEST_NAME-$$
	PORT=$((20000 + $$ % 20000))
	SNMPD_PID=
	CIMR_PID=
	EXTRA_PIDS=()     # our children, stopped by pid at the end
	FOREIGN_PIDS=()   # processes we started that are not our children (daemonized)
	trap _itest_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	ip netns add "$NS" 2>"$T/netns.err" || skip_all "ip netns add failed: $(head -1 "$T/netns.err")"
	_NS_CREATED=1
	nsx ip link set lo up || skip_all "cannot bring lo up in a namespace"
	# net-snmp clients and snmpd: no system configuration, no MIB loading, private persistence
	mkdir -p "$T/client" "$T/clientpersist" "$T/persist"
	mkdir -m 0700 "$T/state"   # cimrouted refuses a state directory others may write
	printf 'mibs :\n' >"$T/client/snmp.conf"
	export SNMPCONFPATH=$T/client SNMP_PERSISTENT_DIR=$T/clientpersist MIBS= MIBDIRS=/nonexistent
	export PYTHONDONTWRITEBYTECODE=1   # nothing written next to the scripts (make distcheck)
	SNMP_OPTS=(-On -Ob -Oe -Ox -OU -t 6 -r 1)
	V2=(-v2c -c public)
	V2W=(-v2c -c private)
	V3USER=cimrv3
	V3AUTH=cimr-auth-$$-pass
	V3PRIV=cimr-priv-$$-pass
	V3=(-v3 -l authPriv -u "$V3USER" -a SHA -A "$V3AUTH" -x AES -X "$V3PRIV")
	# a read-write SNMPv3 user (rwuser ... priv)
	V3WUSER=cimrv3w
	V3W=(-v3 -l authPriv -u "$V3WUSER" -a SHA -A "$V3AUTH" -x AES -X "$V3PRIV")
	AGENT=127.0.0.1:$PORT
	diag "test $TEST_NAME: namespace $NS, temp dir $T, port $PORT, daemon $CIMROUTED"
}

_our_child() { # pid: is it a child of this shell (running or zombie)?
	local pid=$1 stat
	[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	set -- $stat
	[ "$2" = "$$" ]
}

alive() { # pid: running and not a zombie
	local pid=$1 st
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	st=$(sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# stop_pid PID [SIGNAL] [TIMEOUT_S]: signal our child, wait for it, KILL after the timeout.
# Sets STOP_STATUS to its exit status (128+n for a signal), empty if it was not ours.
stop_pid() {
	local pid=$1 sig=${2:-TERM} to=${3:-5} deadline t0
	STOP_STATUS=
	[ -n "$pid" ] || return 0
	# a status kept by dead_why, unless the pid was reused since by a new child of ours (a test
	# that starts thousands of processes): then that one is stopped
	if [ -n "${_EXIT_STATUS[$pid]:-}" ] && ! _our_child "$pid"; then
		STOP_STATUS=${_EXIT_STATUS[$pid]}
		return 0
	fi
	if ! _our_child "$pid"; then
		wait "$pid" 2>/dev/null; STOP_STATUS=$?
		return 0
	fi
	kill -s "$sig" "$pid" 2>/dev/null
	t0=$(now_ms) && deadline=$((t0 + to * 1000))
	while alive "$pid" && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.05; done
	t0=$(($(now_ms) - t0))
	[ "$t0" -gt 1000 ] && diag "pid $pid took $t0 ms to exit after SIG$sig"
	if alive "$pid"; then
		diag "pid $pid did not exit within ${to}s after SIG$sig: killing it"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null; STOP_STATUS=$?
	_EXIT_STATUS[$pid]=$STOP_STATUS
	return 0
}

_itest_cleanup() {
	local rc=$? p
	trap - EXIT INT TERM HUP
	trap '' PIPE   # a closed stdout must not stop the teardown
	[ -n "${CIMR_PID:-}" ] && stop_pid "$CIMR_PID" TERM 3
	for p in "${EXTRA_PIDS[@]}"; do stop_pid "$p" TERM 3; done
	for p in "${FOREIGN_PIDS[@]}"; do
		# only if it is still the process we started (its command line names our temp dir)
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$T/"; then
			kill -TERM "$p" 2>/dev/null; sleep 0.5; kill -KILL "$p" 2>/dev/null
		fi
	done
	[ -n "${SNMPD_PID:-}" ] && stop_pid "$SNMPD_PID" TERM 3
	if [ "${_NS_CREATED:-0}" = 1 ]; then
		# anything else still running in our namespace was started by this test
		for p in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$NS" 2>/dev/null
	fi
	if [ "$_TAP_DONE" = 0 ]; then
		printf 'not ok %d - test script ended early (exit status %d)\n' $((_TAP_N + 1)) "$rc"
		_TAP_N=$((_TAP_N + 1)); _TAP_FAILED=$((_TAP_FAILED + 1))
		[ -z "$_TAP_PLANNED" ] && printf '1..%d\n' "$_TAP_N"
	fi
	if [ "$_TAP_FAILED" -gt 0 ] && [ -n "${T:-}" ]; then
		for p in snmpd.log cimrouted.log cimrouted.out; do
			[ -s "$T/$p" ] && { diag "---- last lines of $p"; tail -n 15 "$T/$p" | diag; }
		done
	fi
	if [ -n "${T:-}" ] && [ -d "$T" ]; then
		if [ "${CIMR_ITEST_KEEP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi
	fi
	exit "$rc"
}

# ------------------------------------------------------------------ topology

nsx() { ip netns exec "$NS" "$@"; }

# netns_resolv_conf LINE...: the namespace's own resolver file, RC=/etc/netns/NS/resolv.conf
# (ip netns exec bind-mounts it over /etc/resolv.conf), made of these lines; its directory is
# removed at exit
netns_resolv_conf() {
	NSDIR=/etc/netns/$NS
	RC=$NSDIR/resolv.conf
	[ -e "$NSDIR" ] && bail_out "$NSDIR exists already"
	trap 'rc=$?; rm -rf "$NSDIR"; (exit $rc); _itest_cleanup' EXIT
	mkdir -p "$NSDIR" || bail_out "cannot make $NSDIR"
	printf '%s\n' "$@" >"$RC"
}

# veth NAME_A NAME_B [ADDR_A/LEN [ADDR_B/LEN]]: a veth pair inside the namespace, both ends up
veth() {
	nsx ip link add "$1" type veth peer name "$2" || return 1
	nsx ip link set "$1" up && nsx ip link set "$2" up || return 1
	[ -n "${3:-}" ] && { nsx ip addr add "$3" dev "$1" || return 1; }
	[ -n "${4:-}" ] && { nsx ip addr add "$4" dev "$2" || return 1; }
	return 0
}

# ------------------------------------------------------------------ polling

# wait_until TIMEOUT_S CMD...: poll CMD every 50 ms until it succeeds or the deadline passes.
# Sets WAITED_MS to the time it took. Returns CMD's last status.
wait_until() {
	local to=$1 start deadline rc; shift
	start=$(now_ms); deadline=$((start + ${to%.*} * 1000))
	case $to in *.*) deadline=$((deadline + ${to#*.} * 100));; esac
	while :; do
		"$@" >/dev/null 2>&1; rc=$?
		[ $rc -eq 0 ] && break
		[ "$(now_ms)" -ge "$deadline" ] && break
		sleep 0.05
	done
	WAITED_MS=$(($(now_ms) - start))
	return $rc
}

# wait_for CMD...: wait_until with the default deadline (CIMR_WAIT_S, 5 s)
wait_for() { wait_until "${CIMR_WAIT_S:-5}" "$@"; }

# ------------------------------------------------------------------ snmpd master

# write_snmpd_conf [EXTRA LINES...]
write_snmpd_conf() {
	{
		echo "# generated by $TEST_NAME"
		echo "master agentx"
		echo "agentXSocket $T/agentx.sock"
		echo "agentXPerms 0660 0770"
		echo "agentXTimeout ${SNMPD_AGENTX_TIMEOUT:-3}"
		echo "agentXRetries ${SNMPD_AGENTX_RETRIES:-1}"
		echo "agentaddress udp:127.0.0.1:$PORT,udp6:[::1]:$PORT,tcp:127.0.0.1:$PORT"
		echo "rocommunity public 127.0.0.1"
		echo "rocommunity6 public ::1"
		echo "rwcommunity private 127.0.0.1"
		echo "createUser $V3USER SHA \"$V3AUTH\" AES \"$V3PRIV\""
		echo "rouser $V3USER priv"
		echo "createUser $V3WUSER SHA \"$V3AUTH\" AES \"$V3PRIV\""
		echo "rwuser $V3WUSER priv"
		echo "dontLogTCPWrappersConnects yes"
		local l; for l in "$@"; do echo "$l"; done
	} >"$T/snmpd.conf"
}

snmpd_answers() { nsx snmpget "${V2[@]}" "${SNMP_OPTS[@]}" -t 1 -r 0 "$AGENT" .1.3.6.1.2.1.1.3.0 2>/dev/null | grep -q Timeticks; }

# start_snmpd: start the master (config from write_snmpd_conf), wait until it answers (30 s:
# a readiness wait, not a figure; under load snmpd took more than 10 s to answer)
start_snmpd() {
	[ -f "$T/snmpd.conf" ] || write_snmpd_conf
	SNMPD_STARTED_MS=$(now_ms)
	ip netns exec "$NS" env SNMP_PERSISTENT_DIR="$T/persist" MIBS= \
		snmpd -f -C -c "$T/snmpd.conf" -Lf "$T/snmpd.log" -p "$T/snmpd.pid" \
		</dev/null >>"$T/snmpd.out" 2>&1 &
	SNMPD_PID=$!
	if ! wait_until 30 snmpd_answers; then
		diag "snmpd (pid $SNMPD_PID) does not answer on $AGENT after ${WAITED_MS} ms"
		[ -s "$T/snmpd.log" ] && diag "$(tail -n 10 "$T/snmpd.log")"
		return 1
	fi
	return 0
}

stop_snmpd() { stop_pid "$SNMPD_PID" "${1:-TERM}" 5; SNMPD_PID=; }

# ------------------------------------------------------------------ cimrouted

# write_cimrouted_conf [LINES...]: the file passed with -c
write_cimrouted_conf() {
	{ echo "# generated by $TEST_NAME"; local l; for l in "$@"; do echo "$l"; done; } >"$T/cimrouted.conf"
}

# start_cimrouted [EXTRA ARGS...]: start the daemon in the namespace (does not wait)
start_cimrouted() {
	[ -f "$T/cimrouted.conf" ] || write_cimrouted_conf "routeTables main"
	CIMR_STARTED_MS=$(now_ms)
	if [ "$CIMROUTED" = mock ]; then
		_start_mock "$@"
		return
	fi
	# CIMR_WRAPPER: a command to run the daemon under (valgrind.sh uses it)
	ip netns exec "$NS" env --default-signal=INT,QUIT,TERM SNMP_PERSISTENT_DIR="$T/persist-cimr" \
		${CIMR_WRAPPER:-} "$CIMROUTED" -f -x "$T/agentx.sock" -c "$T/cimrouted.conf" -S "$T/state" \
		-Lf "$T/cimrouted.log" -p "$T/cimrouted.pid" "$@" \
		</dev/null >>"$T/cimrouted.out" 2>&1 &
	CIMR_PID=$!
}

_start_mock() {
	{
		echo "agentxPingInterval 1"
		echo "pass_persist $OID_IP4ROUTE $ITDIR/mock_subagent.py"
	} >"$T/mock-sub.conf"
	ip netns exec "$NS" env --default-signal=INT,QUIT,TERM SNMP_PERSISTENT_DIR="$T/persist-sub" MIBS= \
		CIMR_MOCK_CONF="$T/cimrouted.conf" \
		snmpd -f -C -c "$T/mock-sub.conf" -X -x "$T/agentx.sock" -I pass_persist \
		-Lf "$T/cimrouted.log" -p "$T/cimrouted.pid" \
		</dev/null >>"$T/cimrouted.out" 2>&1 &
	CIMR_PID=$!
}

# (a sanitizer build's exit, on a loaded machine, may take seconds: it is given 15)
stop_cimrouted() { stop_pid "$CIMR_PID" "${1:-TERM}" "$(daemon_sanitized && echo 15 || echo 5)"; CIMR_PID=; }

# served OID: the subagent's subtree holding OID is registered: a value, or noSuchInstance (a
# table without that row), not noSuchObject (what the master says of what nobody registered)
served() {
	local out
	out=$(nsx snmpget "${V2[@]}" "${SNMP_OPTS[@]}" -t 1 -r 0 "$AGENT" "$1" 2>/dev/null) || return 1
	[[ $out == *" = "* && $out != *"No Such Object"* ]]
}
# registered [OID...]: every OID served (default cimIP4RouteCount.0, registered first)
registered() {
	local o
	for o in "${@:-$OID_COUNT}"; do served "$o" || return 1; done
}
registered_or_dead() { registered "$@" || ! alive "$CIMR_PID"; }

# wait_registered [TIMEOUT_S [OID...]]: until cimIP4RouteCount.0 answers (default 10 s), or
# every OID given: objects registered after the route table (under valgrind, or on a slow
# machine, the later registrations take seconds more, and a SET there gets notWritable)
wait_registered() {
	local to=${1:-10}
	[ $# -gt 0 ] && shift
	wait_until "$to" registered_or_dead "$@"
	if registered "$@"; then
		diag "cimrouted registered after ${WAITED_MS} ms${1:+ ($*)}"
		return 0
	fi
	alive "$CIMR_PID" || { dead_why "$CIMR_PID"; diag "cimrouted (pid $CIMR_PID) is dead: $DEAD_WHY"; return 1; }
	diag "cimrouted not registered after ${WAITED_MS} ms (pid ${CIMR_PID:-?} $(alive "$CIMR_PID" && echo alive || echo dead))"
	return 1
}

# start_trapd LOG [OPTIONS...] ADDRESS...: snmptrapd in the namespace with $T/snmptrapd.conf,
# its log in LOG, listening on each ADDRESS (udp:127.0.0.1:PORT, udp6:[::1]:PORT); arguments
# that begin with - are its options. Waits until it listens (bails out otherwise); TRAPD_PID.
start_trapd() {
	local log=$1 a; shift
	_TRAPD_ADDRS=()
	for a in "$@"; do [[ $a == -* ]] || _TRAPD_ADDRS+=("${a#udp*:}"); done
	mkdir -p "$T/trapd-persist"
	ip netns exec "$NS" env SNMP_PERSISTENT_DIR="$T/trapd-persist" MIBS= \
		snmptrapd -f -n -C -c "$T/snmptrapd.conf" -Lf "$log" "$@" </dev/null >>"$T/snmptrapd.out" 2>&1 &
	TRAPD_PID=$!
	EXTRA_PIDS+=("$TRAPD_PID")
	wait_until 10 _trapd_listens ||
		bail_out "snmptrapd does not listen: $(cat "$T/snmptrapd.out" "$log" 2>/dev/null | tail -n 5)"
}
_trapd_listens() {
	local l a
	l=$(nsx ss -Hlun 2>/dev/null)
	for a in "${_TRAPD_ADDRS[@]}"; do grep -qF "$a " <<<"$l" || return 1; done
}

# strings_index STRING...: an INDEX of strings (each its length, then its octets)
strings_index() {
	local s="" w i
	for w in "$@"; do
		s+=".${#w}"
		for ((i = 0; i < ${#w}; i++)); do s+=.$(printf %d "'${w:i:1}"); done
	done
	echo "${s#.}"
}
# addr_hex ADDRESS: an IPv4 or IPv6 address as snmpset's x takes it ("0A 0E 01 02"); a dotted
# quad in the shell (the ping tests convert one a row: no python start for it)
addr_hex() {
	local IFS=.
	if [[ $1 =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]]; then
		# shellcheck disable=SC2086
		set -- $1
		printf '%02X %02X %02X %02X\n' "$1" "$2" "$3" "$4"
		return
	fi
	python3 -c 'import ipaddress,sys; print(" ".join("%02X" % b for b in ipaddress.ip_address(sys.argv[1]).packed))' "$1"
}

# tap_from PY [ARGS...]: a Python checker whose "ok TEXT" and "not_ok TEXT" lines become TAP
# lines (the rest passes through as diagnostics); a checker that fails or writes to stderr is one
# failure more. Its output in $T/NAME.out and $T/NAME.err.
tap_from() {
	local py=$1 name l rc
	shift
	name=$(basename "$py" .py)
	python3 "$py" "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	while IFS= read -r l; do
		case $l in
		"ok "*) ok "${l#ok }" ;;
		"not_ok "*) not_ok "${l#not_ok }" ;;
		*) printf '%s\n' "$l" ;;
		esac
	done <"$T/$name.out"
	[ $rc -eq 0 ] && [ ! -s "$T/$name.err" ] || { not_ok "$name.py ran to its end"; diag <"$T/$name.err"; }
}

# start_agents [EXTRA ARGS...]: snmpd, then cimrouted with ARGS, registered within 10 s; the
# test bails out otherwise (the start of most tests)
start_agents() {
	start_snmpd || bail_out "snmpd did not start"
	start_cimrouted "$@"
	wait_registered 10 || bail_out "cimrouted did not register"
}

# dead_why PID: sets DEAD_WHY to how a dead child ended (reaps it; stop_pid reuses the status).
# Must not run in a subshell.
declare -A _EXIT_STATUS
dead_why() {
	local pid=$1 st
	DEAD_WHY="never started"
	[ -n "$pid" ] || return 0
	if [ -z "${_EXIT_STATUS[$pid]:-}" ] || _our_child "$pid"; then   # (a reused pid: the new child's)
		wait "$pid" 2>/dev/null; _EXIT_STATUS[$pid]=$?
	fi
	st=${_EXIT_STATUS[$pid]}
	if [ "$st" -gt 128 ] && [ "$st" -lt 160 ]; then
		DEAD_WHY="killed by SIG$(kill -l $((st - 128)))"
	else
		DEAD_WHY="exit status $st"
	fi
}

# both_alive CASE: one TAP line; every test calls it after every case
both_alive() {
	local what=()
	alive "$SNMPD_PID" || { dead_why "$SNMPD_PID"; what+=("snmpd (pid ${SNMPD_PID:-none}) is dead: $DEAD_WHY"); }
	alive "$CIMR_PID" || { dead_why "$CIMR_PID"; what+=("cimrouted (pid ${CIMR_PID:-none}) is dead: $DEAD_WHY"); }
	# a sanitizer build reports on stderr (cimrouted.out), possibly without dying
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$T/cimrouted.out" 2>/dev/null; then
		what+=("sanitizer report in cimrouted's stderr: $(grep -m1 -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$T/cimrouted.out")")
	fi
	if [ ${#what[@]} -eq 0 ]; then
		ok "both daemons alive after: $*"
	else
		not_ok "both daemons alive after: $*"
		diag "${what[@]}"
		return 1
	fi
}

# ------------------------------------------------------------------ SNMP helpers

snmp_get() { nsx snmpget "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@"; }
snmp_getnext() { nsx snmpgetnext "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@"; }

# get_count: print cimIP4RouteCount.0 (empty if not available)
get_count() { snmp_get "$OID_COUNT" 2>/dev/null | sed -n 's/.*Gauge32: \([0-9]*\).*/\1/p'; }

# get_val OID: the value part of an snmpget answer ("INTEGER: 3"); status 1 for noSuch*
get_val() {
	local out
	out=$(snmp_get "$1" 2>&1) || { echo "$out"; return 2; }
	case $out in *"No Such"*) echo "$out"; return 1 ;; esac
	printf '%s\n' "${out#* = }"
}

# get_str OID: an OCTET STRING decoded (-Ox prints it in hex); status 1 for noSuch*.
# In bash, not python: tests call it hundreds of times, and a python start is 50-200 ms under load.
get_str() {
	local v rc h out="" i
	v=$(get_val "$1"); rc=$?
	[ $rc -eq 0 ] || { echo "$v"; return $rc; }
	case $v in
	Hex-STRING:*)
		h=${v#Hex-STRING:}; h=${h//[$' \n']/}
		for ((i = 0; i < ${#h}; i += 2)); do out+="\\x${h:i:2}"; done
		printf '%b' "$out" ;;
	STRING:*)
		v=${v#STRING:}; v=${v# }
		[[ $v == \"*\" ]] && v=${v:1:${#v}-2}
		printf '%s' "$v" ;;
	'""') ;;
	*) printf '%s' "$v" ;;
	esac
}

# walk_table OUT [bulk|next] [TRANSPORT-ARGS...]: walk cimIP4RouteTable into OUT (stderr OUT.err)
walk_table() {
	local out=$1 kind=${2:-bulk} tool rc; shift; [ $# -gt 0 ] && shift
	local args=("$@")
	[ ${#args[@]} -eq 0 ] && args=("${V2[@]}" "$AGENT")
	case $kind in
	bulk) tool=(snmpbulkwalk -Cr50) ;;
	next) tool=(snmpwalk) ;;
	esac
	timeout 120 ip netns exec "$NS" "${tool[@]}" "${SNMP_OPTS[@]}" "${args[@]}" "$OID_TABLE" >"$out" 2>"$out.err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$out.err" ]; then
		diag "walk ($kind ${args[*]}) exit status $rc: $(head -c 600 "$out.err")"
		[ $rc -eq 0 ] && rc=1
	fi
	return $rc
}

# The family the comparisons are about: -4 (cimIP4RouteTable, route_rows.py, OID_* above) or
# -6 (ip6_routes.sh sets it, with ROUTE_ROWS=route6_rows.py and the IPv6 table's OID_*).
IP_FAMILY=-4

# kernel_snapshot PREFIX: PREFIX.routes.json, PREFIX.links.json and PREFIX.nexthops.json
# (empty when the kernel has no nexthop objects)
kernel_snapshot() {
	nsx ip -j -d "$IP_FAMILY" route show table all >"$1.routes.json" && nsx ip -j link show >"$1.links.json" &&
		{ nsx ip -j nexthop show >"$1.nexthops.json" 2>/dev/null || : >"$1.nexthops.json"; }
}

# route_rows ARGS...: run the comparator
route_rows() { python3 "$ROUTE_ROWS" "$@"; }

# compare_once NAME [route_rows compare options...]: snapshot kernel + count + walk + compare.
# Leaves the comparator's report in $T/NAME.cmp. Returns its status.
ROUTE_TABLES=main
compare_once() {
	local name=$1 p=$T/$1 count; shift
	kernel_snapshot "$p" || { echo "# ip route/link failed" >"$p.cmp"; return 2; }
	count=$(get_count)
	walk_table "$p.walk" bulk >"$p.cmp.walkerr" || { { cat "$p.cmp.walkerr"; echo "# walk failed"; } >"$p.cmp"; return 2; }
	# the kernel table may change between the snapshot and the walk; a second snapshot
	# taken after the walk must be identical for the comparison to be meaningful (but for the
	# seconds an expiring IPv6 route has left, which count down meanwhile)
	nsx ip -j -d "$IP_FAMILY" route show table all >"$p.routes2.json"
	if ! cmp -s <(sed 's/"expires":-\?[0-9]*,//g' "$p.routes.json") <(sed 's/"expires":-\?[0-9]*,//g' "$p.routes2.json"); then
		{ echo "# kernel table changed during the walk:"
		  diff <(python3 -m json.tool "$p.routes.json" | sed 's/"expires": -\?[0-9]*,//') \
			<(python3 -m json.tool "$p.routes2.json" | sed 's/"expires": -\?[0-9]*,//') |
			grep '^[<>]' | head -n 6 | sed 's/^/#   /'; } >"$p.cmp"
		return 3
	fi
	route_rows compare --routes "$p.routes.json" --links "$p.links.json" --nexthops "$p.nexthops.json" \
		--walk "$p.walk" \
		--tables "$ROUTE_TABLES" ${count:+--count "$count"} "$@" >"$p.cmp" 2>&1
}

# compare_kernel TEXT NAME [options...]: one TAP line: the table equals the kernel's
compare_kernel() {
	local text=$1 name=$2 rc n=0; shift 2
	# a kernel that changed during the walk (DAD ending, a lifetime) makes no comparison: again
	while compare_once "$name" "$@"; rc=$?; [ $rc -eq 3 ] && [ $((n += 1)) -lt 3 ]; do
		sed 's/^# //' "$T/$name.cmp" | diag; diag "compared again"
	done
	if [ $rc -eq 0 ]; then
		ok "$text"
		diag "$(grep '^# compare:' "$T/$name.cmp" | sed 's/^# //')"
	else
		not_ok "$text"
		sed 's/^# //' "$T/$name.cmp" | head -n 40 | diag
	fi
	return $rc
}

# wait_compare TIMEOUT_S TEXT NAME [options...]: repeat compare_once until equal or deadline;
# reports the time it took as a diag. One TAP line.
wait_compare() {
	local to=$1 text=$2 name=$3 start deadline rc n=0; shift 3
	start=$(now_ms); deadline=$((start + ${to%.*} * 1000))
	case $to in *.*) deadline=$((deadline + ${to#*.} * 100));; esac
	while :; do
		n=$((n + 1))
		compare_once "$name" "$@"; rc=$?
		[ $rc -eq 0 ] && break
		# at least two comparisons: on a loaded machine one walk can outlast the deadline,
		# and a table still settling when it began deserves a second look
		[ "$(now_ms)" -ge "$deadline" ] && [ $n -ge 2 ] && break
		sleep 0.1
	done
	WAITED_MS=$(($(now_ms) - start))
	if [ $rc -eq 0 ]; then
		ok "$text"
		diag "equal after ${WAITED_MS} ms ($n comparisons); $(grep '^# compare:' "$T/$name.cmp" | sed 's/^# //')"
	else
		not_ok "$text"
		diag "still different after ${WAITED_MS} ms ($n comparisons):"
		sed 's/^# //' "$T/$name.cmp" | head -n 40 | diag
	fi
	return $rc
}

# index_of DST/LEN NEXTHOP IFNAME TABLE TOS METRIC: the 15-subid row index (no leading dot)
index_of() {
	local dst=${1%/*} len=${1#*/} nh=$2 ifn=$3 table=$4 tos=$5 metric=$6 ifindex=0 mask
	[ "$1" = "$dst" ] && len=32
	[ "$ifn" != 0 ] && ifindex=$(nsx cat "/sys/class/net/$ifn/ifindex")
	mask=$(python3 -c "import ipaddress,sys; print(ipaddress.IPv4Network('0.0.0.0/$len').netmask)")
	echo "$dst.$mask.$nh.$ifindex.$table.$tos.$metric"
}

# row_state INDEX: prints "present" or "absent" (from cimIP4RouteName), or "error"
row_state() {
	local out
	out=$(snmp_get "$OID_ENTRY.18.$1" 2>&1) || { echo error; return; }
	case $out in
	*"No Such Instance"* | *"No Such Object"*) echo absent ;;
	*STRING*) echo present ;;
	*) echo error ;;
	esac
}
row_is() { [ "$(row_state "$1")" = "$2" ]; }

# refused STATUS TEXT VARBINDS...: the SET (the caller's setw) fails with STATUS and what the
# caller's snap prints (the kernel's routes, state files) is the same before and after
refused() {
	local want=$1 text=$2 before after out; shift 2
	before=$(snap)
	out=$(setw "$@")
	after=$(snap)
	if echo "$out" | grep -q "Reason: $want"; then
		if [ "$before" == "$after" ]; then ok "$text: $want, nothing changed"
		else not_ok "$text: $want, but the kernel or the state file changed"
			diff <(echo "$before") <(echo "$after") | diag; fi
	else
		not_ok "$text: expected $want"; diag "$out"
	fi
}

# daemon_sanitized: the daemon under test is an AddressSanitizer build (configure
# --enable-sanitizers): its memory figures are ASan's quarantine, its times slower
daemon_sanitized() { [ "$CIMROUTED" != mock ] && ldd "$CIMROUTED" 2>/dev/null | grep -q libasan; }
