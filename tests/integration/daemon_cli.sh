#!/bin/bash
# daemon_cli.sh - cimrouted's command line contract (README.md, "Options").
#
# -h prints a usage naming every option and exits 0; -V prints the version from configure.ac
# and exits 0; an unknown option, a missing option value, an unreadable -c file, a bad
# configuration line and an unusable -S directory make it exit non-zero with a one-line reason
# on stderr (and nothing on stdout); -p writes the pid; -Lf logs to the file; SIGTERM and SIGINT
# stop it cleanly (exit status 0, pid file removed, snmpd unharmed); with no master it keeps
# retrying and registers once snmpd appears; -x accepts /path, unix:/path and tcp:HOST:PORT;
# without -f it daemonizes and the pid file names the daemon.
# Issue 9, item 2: a state directory that is a symbolic link, writable by group or others, or
# owned by another uid is refused at start with the reason; so is a pid file that is a
# symbolic link or a hard link (the other file left unchanged); a missing state directory is
# created 0700.
# Item 3: without -f, a relative -S and -p (from a temporary working directory) work after
# the fork: a persisted SET succeeds and is written there, the pid file is there and is
# removed at exit.

. "$(dirname "$0")/lib.sh"
[ "${CIMR_ITEST_MOCK:-0}" = 1 ] && skip_all "the mock subagent has no command line of its own"
itest_init cli
. "$ITDIR/ping_lib.sh"   # the cimPingTable helpers (ix, ping_start, row_read...)

veth va0 vb0 10.1.0.1/24 10.1.0.2/24 || bail_out "cannot build the veth topology"
nsx ip route add 172.16.0.0/12 via 10.1.0.254 proto static

# run_cli NAME ARGS...: run cimrouted in the namespace (5 s at most); sets RC, OUT, ERR
run_cli() {
	local name=$1; shift
	timeout 5 ip netns exec "$NS" env SNMP_PERSISTENT_DIR="$T/persist-cimr" "$CIMROUTED" "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
	OUT=$(cat "$T/$name.out")
	ERR=$(cat "$T/$name.err")
}
nlines() { [ -z "$1" ] && echo 0 || printf '%s\n' "$1" | grep -c .; }

# ---------------------------------------------------------------- -h, -V
run_cli help -h
is "$RC" 0 "-h exits 0"
missing=
for o in -f -x -c -S -L -D -p -u -h -V; do
	printf '%s\n' "$OUT" | grep -q -- "$o" || missing="$missing $o"
done
if printf '%s\n' "$OUT" | grep -qi usage && [ -z "$missing" ]; then
	ok "-h prints a usage on stdout naming every option"
else
	not_ok "-h prints a usage on stdout naming every option"
	diag "missing:${missing:- none}" "stdout: $(printf '%s\n' "$OUT" | head -n 3)" "stderr: $ERR"
fi

run_cli version -V
is "$RC" 0 "-V exits 0"
version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$TOP_SRCDIR/configure.ac")
if [ -n "$version" ] && printf '%s\n' "$OUT" | grep -qF "$version"; then
	ok "-V prints the version ($version)"
else
	not_ok "-V prints the version (${version:-?})"
	diag "stdout: $OUT" "stderr: $ERR"
fi

# ---------------------------------------------------------------- refusals
# refused NAME TEXT PATTERN ARGS...: non-zero exit, exactly one line on stderr matching PATTERN
refused() {
	local name=$1 text=$2 pat=$3; shift 3
	run_cli "$name" "$@"
	if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && [ "$(nlines "$ERR")" = 1 ] &&
		printf '%s\n' "$ERR" | grep -qiE -- "$pat" && [ -z "$OUT" ]; then
		ok "$text"
		diag "exit status $RC: $ERR"
	else
		not_ok "$text"
		diag "exit status $RC (124 = still running after 5 s), $(nlines "$ERR") stderr line(s), want one matching /$pat/" \
			"stderr: $(printf '%s\n' "$ERR" | head -n 5)" "stdout: $(printf '%s\n' "$OUT" | head -n 3)"
	fi
}
COMMON=(-f -x "$T/agentx.sock" -S "$T/state")
refused badopt "an unknown option exits non-zero with a one-line reason" 'Z' -f -Z
refused noval "an option without its value exits non-zero with a one-line reason" '-x|x' -f -x
refused extra "a stray argument exits non-zero with a one-line reason" 'stray|argument|unexpected' -f stray
refused noconf "a -c file that does not exist: non-zero exit, one-line reason" "$T/no-such.conf" \
	"${COMMON[@]}" -c "$T/no-such.conf"
mkdir -p "$T/a-directory.conf"
refused dirconf "a -c 'file' that is a directory: non-zero exit, one-line reason" "a-directory.conf" \
	"${COMMON[@]}" -c "$T/a-directory.conf"
printf 'routeTables main\n' >"$T/state-is-a-file"
refused badstate "an -S path that is a file: non-zero exit, one-line reason" "state-is-a-file" \
	-f -x "$T/agentx.sock" -S "$T/state-is-a-file"

ln -s "$T/state" "$T/state-link"
refused statelink "a state directory that is a symbolic link is refused with the reason" \
	"state-link is a symbolic link" -f -x "$T/agentx.sock" -S "$T/state-link" -Lf "$T/refused.log"
mkdir -m 0700 "$T/state-gw" && chmod 0770 "$T/state-gw"
refused stategw "a group-writable state directory is refused with the reason" \
	"state-gw is writable by group or others \(mode 0770\)" -f -x "$T/agentx.sock" -S "$T/state-gw" -Lf "$T/refused.log"
mkdir -m 0700 "$T/state-other" && chown 65534 "$T/state-other"
refused stateother "a state directory owned by another uid is refused with the reason" \
	"state-other is owned by uid 65534" -f -x "$T/agentx.sock" -S "$T/state-other" -Lf "$T/refused.log"
printf 'precious\n' >"$T/pid-target"; chmod 0600 "$T/pid-target"
ln -s "$T/pid-target" "$T/link.pid"
refused pidlink "a pid file that is a symbolic link is refused with the reason" \
	"link.pid is a symbolic link" -f -x "$T/agentx.sock" -S "$T/state" -Lf "$T/refused.log" -p "$T/link.pid"
is "$(cat "$T/pid-target")" precious "the pid file link's target is unchanged"
rm -f "$T/link.pid"
ln "$T/pid-target" "$T/hard.pid"
refused pidhard "a pid file that is a hard link to another file is refused with the reason" \
	"hard.pid is a hard link" -f -x "$T/agentx.sock" -S "$T/state" -Lf "$T/refused.log" -p "$T/hard.pid"
is "$(cat "$T/pid-target")" precious "the hard link's other name is unchanged"
rm -f "$T/hard.pid"

printf 'routeTables nosuchtable\n' >"$T/bad.conf"
run_cli badline "${COMMON[@]}" -c "$T/bad.conf"
if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && printf '%s\n' "$ERR" | grep -q 'nosuchtable\|routeTables'; then
	ok "a bad configuration line makes it exit non-zero and names the line"
	printf '%s\n' "$ERR" | diag
else
	not_ok "a bad configuration line makes it exit non-zero and names the line"
	diag "exit status $RC" "stderr: $ERR"
fi
printf 'resyncInterval -5\n' >"$T/bad2.conf"
run_cli badline2 "${COMMON[@]}" -c "$T/bad2.conf"
if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && printf '%s\n' "$ERR" | grep -q 'resyncInterval'; then
	ok "a bad resyncInterval makes it exit non-zero and names it"
else
	not_ok "a bad resyncInterval makes it exit non-zero and names it"
	diag "exit status $RC" "stderr: $ERR"
fi
for bad in "notifyRateLimit 100001" "eventHistorySize -1" "notifyQueueLength many" "notifyEnabled maybe" \
	"protectedInterfaces a/b" "protectedInterfaces abcdefghijklmnop" "dhcpCommand refresh /bin/true" \
	"dhcpCommand renew dhclient %i" \
	"resolvedDir run/resolve" "dnsLinkCommand bin/resolvectl" \
	"pingAgeOut 604801" "pingAgeOut -1" "pingAgeOut soon" "pingTimeSource pcap" \
	"routeTables" "pingTimeSource"; do
	printf '%s\n' "$bad" >"$T/bad3.conf"
	run_cli badnotify "${COMMON[@]}" -c "$T/bad3.conf"
	if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && printf '%s\n' "$ERR" | grep -q "bad3.conf: line 1: .*${bad%% *}"; then
		ok "a bad '$bad' makes it exit non-zero and names file, line and directive"
	else
		not_ok "a bad '$bad' makes it exit non-zero and names file, line and directive"
		diag "exit status $RC" "stderr: $ERR"
	fi
done
ls "$T"/*.pid >/dev/null 2>&1 && not_ok "no pid file is left behind by refused starts" || ok "no pid file is left behind by refused starts"

# ---------------------------------------------------------------- no master yet: keeps retrying
write_cimrouted_conf "routeTables main"
start_cimrouted
sleep 3
if alive "$CIMR_PID"; then ok "with no master it keeps running (3 s)"; else dead_why "$CIMR_PID"; not_ok "with no master it keeps running (3 s)"; diag "$DEAD_WHY"; fi
pid_in_file=$(cat "$T/cimrouted.pid" 2>/dev/null)
is "$pid_in_file" "$CIMR_PID" "-p writes its pid"
if [ -s "$T/cimrouted.log" ]; then ok "-Lf FILE: it logs to the file"; else not_ok "-Lf FILE: it logs to the file"; fi
write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
# the daemon's default agentxPingInterval is 5 s (DEFAULT_PING_INTERVAL in agent/main.c)
RETRY_S=${CIMR_DEFAULT_RETRY_S:-8}
wait_registered 25
rc=$?
took=$(($(now_ms) - SNMPD_STARTED_MS))
[ $rc -eq 0 ] && [ $took -gt $((RETRY_S * 1000)) ] && rc=1
result $rc "it registers within ${RETRY_S} s once snmpd appears (default retry interval)"
diag "registered $took ms after snmpd was started"
both_alive "start without master"

# ---------------------------------------------------------------- clean stops
for sig in TERM INT; do
	if [ -z "$CIMR_PID" ]; then start_cimrouted; wait_registered 20 >/dev/null; fi
	pid=$CIMR_PID
	stop_cimrouted "$sig"
	is "$STOP_STATUS" 0 "SIG$sig: exits with status 0"
	if [ -e "$T/cimrouted.pid" ]; then not_ok "SIG$sig: pid file removed"; else ok "SIG$sig: pid file removed"; fi
	if alive "$SNMPD_PID" && ! registered; then ok "SIG$sig: snmpd alive and the subagent's objects are gone"; else
		not_ok "SIG$sig: snmpd alive and the subagent's objects are gone"; diag "$(snmp_get "$OID_COUNT" 2>&1)"; fi
done

# ---------------------------------------------------------------- -x forms
start_cimrouted_x() { # ADDRESS: like start_cimrouted but with another -x
	ip netns exec "$NS" env --default-signal=INT,QUIT,TERM SNMP_PERSISTENT_DIR="$T/persist-cimr" "$CIMROUTED" -f -x "$1" -c "$T/cimrouted.conf" \
		-S "$T/state" -Lf "$T/cimrouted.log" -p "$T/cimrouted.pid" </dev/null >>"$T/cimrouted.out" 2>&1 &
	CIMR_PID=$!
}
start_cimrouted_x "unix:$T/agentx.sock"
wait_registered 20
result $? "-x unix:/path registers"
both_alive "-x unix:/path"
stop_cimrouted TERM

stop_snmpd
APORT=$((PORT + 1))
write_snmpd_conf
sed -i "s|^agentXSocket .*|agentXSocket tcp:127.0.0.1:$APORT|" "$T/snmpd.conf"
start_snmpd || bail_out "snmpd with a TCP AgentX socket does not start"
start_cimrouted_x "tcp:127.0.0.1:$APORT"
wait_registered 20
result $? "-x tcp:127.0.0.1:PORT registers"
compare_once tcpx --install-date absent
result $? "the table served over AgentX/TCP equals the kernel's"
sed 's/^# //' "$T/tcpx.cmp" | head -n 10 | diag
both_alive "-x tcp:HOST:PORT"
stop_cimrouted TERM
is "$STOP_STATUS" 0 "SIGTERM with AgentX over TCP: exit status 0"

# ---------------------------------------------------------------- without -f
stop_snmpd
write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
rm -f "$T/cimrouted.pid"
timeout 10 ip netns exec "$NS" env SNMP_PERSISTENT_DIR="$T/persist-cimr" "$CIMROUTED" -x "$T/agentx.sock" -c "$T/cimrouted.conf" -S "$T/state" \
	-Lf "$T/cimrouted-bg.log" -p "$T/cimrouted.pid" </dev/null >"$T/bg.out" 2>&1
RC=$?
is "$RC" 0 "without -f the command returns 0 (it daemonizes)"
wait_until 5 test -s "$T/cimrouted.pid"
bgpid=$(cat "$T/cimrouted.pid" 2>/dev/null)
if [ -n "$bgpid" ] && [ "$(readlink "/proc/$bgpid/exe" 2>/dev/null)" = "$(readlink -f "$CIMROUTED")" ]; then
	ok "the pid file names the running daemon ($bgpid)"
	FOREIGN_PIDS+=("$bgpid")
	wait_registered 20
	result $? "the daemonized cimrouted registers"
	kill -TERM "$bgpid"
	wait_until 5 test ! -e "/proc/$bgpid"
	result $? "the daemonized cimrouted stops on SIGTERM"
	if [ -e "$T/cimrouted.pid" ]; then not_ok "its pid file is removed"; else ok "its pid file is removed"; fi
else
	not_ok "the pid file names the running daemon"
	diag "pid file: '$bgpid'" "$(cat "$T/bg.out")"
fi
# ---------------------------------------------------------------- relative -S and -p, without -f
P_ENTRY=.1.3.6.1.4.1.32473.1.1.2.3.1
REL_PID=cimr-cli-$$.pid   # before the fix it would land in / (the daemon's cwd)
mkdir -p "$T/cwd"
rm -f "$T/cwd/$REL_PID"
(cd "$T/cwd" && timeout 10 ip netns exec "$NS" env SNMP_PERSISTENT_DIR="$T/persist-cimr" "$CIMROUTED" \
	-x "$T/agentx.sock" -c "$T/cimrouted.conf" -S rel/state -p "$REL_PID" -Lf "$T/cimrouted-rel.log" \
	</dev/null >"$T/rel.out" 2>&1)
is "$?" 0 "relative -S and -p, without -f: the command returns 0 (it daemonizes)"
wait_until 5 test -s "$T/cwd/$REL_PID"
relpid=$(cat "$T/cwd/$REL_PID" 2>/dev/null)
if [ -n "$relpid" ] && [ "$(readlink "/proc/$relpid/exe" 2>/dev/null)" = "$(readlink -f "$CIMROUTED")" ]; then
	ok "relative -p: the pid file is in the starting directory and names the daemon"
	FOREIGN_PIDS+=("$relpid")
else
	not_ok "relative -p: the pid file is in the starting directory and names the daemon"
	diag "pid file: '$relpid'" "$(ls -l "$T/cwd" /"$REL_PID" 2>&1)"
fi
wait_registered 20 >/dev/null
out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$P_ENTRY.12.10.99.0.0.255.255.0.0.10.1.0.254.5" i 4 2>&1)
result $? "relative -S, daemonized: a persisted createAndGo succeeds"
[ -n "$out" ] && diag "$out"
grep -qx '10.99.0.0/16 via 10.1.0.254 metric 5 created .*' "$T/cwd/rel/state/persisted-routes" 2>/dev/null
result $? "relative -S, daemonized: the route is written in the starting directory's rel/state/persisted-routes"
st=$(stat -c %a "$T/cwd/rel/state" 2>/dev/null)
is "$st" 700 "a state directory created at start is 0700"
if [ -n "$relpid" ]; then
	kill -TERM "$relpid"
	wait_until 5 test ! -e "/proc/$relpid"
	if [ -e "$T/cwd/$REL_PID" ]; then not_ok "relative -p: the pid file is removed at exit"; else ok "relative -p: the pid file is removed at exit"; fi
fi
rm -f "/$REL_PID"
nsx ip route del 10.99.0.0/16 via 10.1.0.254 metric 5 2>/dev/null

# ---------------------------------------------------------------- the ping directives
# (the state directory has no ping-state: nothing written through SNMP overrides them)
write_cimrouted_conf "routeTables main" "pingAgeOut 120"
start_cimrouted
ping_registered
is "$(num "$PING.10.0")" 120 "pingAgeOut 120: cimPingAgeOut.0 reads 120"
ping_start cli 10.1.0.2 && ping_wait 10
row_read
is "oper=$(col 20) status=$(col 21) source=$(col 44)" "oper=3 status=0 source=2" \
	"without pingTimeSource: a completed row's cimPingTimeSource is socket(2), the default"
both_alive "the ping directives"
stop_cimrouted TERM
write_cimrouted_conf "routeTables main" "pingAgeOut 0" "pingTimeSource capture"
start_cimrouted
ping_registered
is "$(num "$PING.10.0")" 0 "pingAgeOut 0 (never) is accepted: cimPingAgeOut.0 reads 0"
ping_start cli2 10.1.0.2 && ping_wait 10
row_read
is "oper=$(col 20) status=$(col 21) source=$(col 44)" "oper=3 status=0 source=1" \
	"pingTimeSource capture: a completed row's cimPingTimeSource is capture(1)"
stop_cimrouted TERM
[ -e "$T/state/ping-state" ] && not_ok "directives alone write no ping-state" || ok "directives alone write no ping-state"

alive "$SNMPD_PID"
result $? "snmpd alive at the end"

done_testing
