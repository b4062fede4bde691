# shellcheck shell=bash
# lib.sh - helpers shared by the benchmark scripts (sourced; expects NS, PORT, GETBENCH,
# AGENT, SYSUPTIME, PIDS and log() from the script that sources it).

now_ns() { date +%s%N; }
# kv KEY: value of KEY=... in stdin
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" | head -1; }
alive() {	# running, not a zombie
	[ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null &&
		[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
stop_pid() {	# stop one process we started, by pid
	local p=$1 _
	alive "$p" || { wait "$p" 2>/dev/null; return 0; }
	kill -TERM "$p" 2>/dev/null
	for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
	alive "$p" && kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}
nsx() { ip netns exec "$NS" "$@"; }
gb() { nsx "$GETBENCH" "$@"; }

# start_snmpd DIR: the AgentX master on udp:127.0.0.1:PORT in the namespace (plus the
# configuration lines in SNMPD_EXTRA_CONF, if set); sets SNMPD_PID
start_snmpd() {
	local d=$1
	mkdir -p "$d/persist"
	cat >"$d/snmpd.conf" <<-EOT
	agentaddress udp:127.0.0.1:$PORT
	rocommunity public
	master agentx
	agentXSocket $d/agentx.sock
	dontLogTCPWrappersConnects yes
	${SNMPD_EXTRA_CONF:-}
	EOT
	# defaults kept: agentXTimeout 1 s, agentXRetries 5
	SNMP_PERSISTENT_DIR=$d/persist MIBS="" ip netns exec "$NS" snmpd -f -C -c "$d/snmpd.conf" \
		-Lf "$d/snmpd.log" -p "$d/snmpd.pid" &
	SNMPD_PID=$!
	PIDS+=("$SNMPD_PID")
	gb poll -i 20000 -T 20 -o $SYSUPTIME $AGENT >/dev/null ||
		{ log "snmpd did not answer within 20 s"; return 1; }
}

# housekeeping NAME: a temporary directory T (/tmp/NAME.XXXXXX), and on exit or interrupt
# every pid in PIDS stopped, every namespace in NSES deleted and T removed
housekeeping() {
	T=$(mktemp -d "/tmp/$1.XXXXXX") || exit 1
	PIDS=()
	NSES=()
	trap housekeeping_end EXIT
	trap 'exit 130' INT TERM HUP
}
housekeeping_end() {
	local p n
	for p in "${PIDS[@]}"; do stop_pid "$p"; done
	for n in "${NSES[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$T"
}
