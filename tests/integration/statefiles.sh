#!/bin/bash
# statefiles.sh - the state directory's files cannot be turned against the daemon (issue 9,
# item 2), and a state file write that fails reports the truth (item 9).
#
# Topology: veth va/vb, 192.0.2.100/24 on va, persisted routes via 192.0.2.1.
# Cases:
#   a. after a persisted SET, persisted-routes and notify-state are regular files, mode 0600.
#   b. a symbolic link planted as persisted-routes.tmp, pointing at a 0600 file elsewhere:
#      a persisted SET succeeds, the target is byte-identical, persisted-routes is a regular
#      file with the new route.
#   c. links planted as persisted-routes and notify-state while the daemon runs: a SET that
#      writes both replaces the links, the target is byte-identical.
#   d. persisted-routes, then notify-state, a link to that file at start: the daemon exits 1,
#      logs that the file is a symbolic link, and logs nothing of the target's content; each
#      owned by another uid (65534) at start: the daemon exits 1 and logs whose it is (issue 16;
#      privdrop.sh does the same for a root daemon's file under -u).
#   e. every directory fsync failing (CIMROUTED_TEST_FAIL_DIRSYNC=1, a test hook): a
#      persisted createAndGo, then a destroy, fail with commitFailed, and the state file is
#      byte-identical to before each, with no .tmp or .old left beside it.
# Pass/fail: each TAP line as described.

. "$(dirname "$0")/lib.sh"
[ "${CIMR_ITEST_MOCK:-0}" = 1 ] && skip_all "the mock subagent has no state files"
itest_init statefiles

P_ENTRY=.1.3.6.1.4.1.32473.1.1.2.3.1
STATE=$T/state/persisted-routes
NSTATE=$T/state/notify-state
SECRET='root:$6$cimr-secret-hash:19000:0:99999:7:::'
NH=192.0.2.1

veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
write_cimrouted_conf "routeTables main"
start_agents

printf '%s\n' "$SECRET" >"$T/target"
chmod 0600 "$T/target"
cp -p "$T/target" "$T/target.orig"

# pset ROWSTATUS DST/LEN METRIC: set the persisted row's RowStatus (no retries); prints the output
pset() {
	local dst=${2%/*} plen=${2#*/} mask
	mask=$(python3 -c "import ipaddress; print(ipaddress.IPv4Network('0.0.0.0/$plen').netmask)")
	nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" \
		"$P_ENTRY.12.$dst.$mask.$NH.$3" i "$1" 2>&1
}
file_has() { grep -q "^$1 via $NH metric $2\( \|\$\)" "$STATE"; }
target_same() {
	if cmp -s "$T/target" "$T/target.orig"; then ok "$1"; else not_ok "$1"; diag "target now: $(head -c 200 "$T/target")"; fi
}
# mode_is FILE: a regular file, 0600
mode_is_0600() {
	local m
	m=$(stat -c '%F %a' "$1" 2>&1)
	is "$m" "regular file 600" "$2"
}

# ------------------------------------------------------------------ a. modes
out=$(pset 4 10.50.0.0/16 5); rc=$?
is "$rc" 0 "a. a persisted createAndGo succeeds"
[ $rc -ne 0 ] && diag "$out"
mode_is_0600 "$STATE" "a. persisted-routes is a regular file, mode 0600"
wait_until 5 test -e "$NSTATE"
mode_is_0600 "$NSTATE" "a. notify-state is a regular file, mode 0600"

# ------------------------------------------------------------------ b. link as the temporary
ln -s "$T/target" "$STATE.tmp"
out=$(pset 4 10.51.0.0/16 5); rc=$?
is "$rc" 0 "b. with a link planted as persisted-routes.tmp, a persisted createAndGo succeeds"
[ $rc -ne 0 ] && diag "$out"
target_same "b. the link's target (0600, elsewhere) is byte-identical"
file_has 10.51.0.0/16 5 && [ -f "$STATE" ] && [ ! -L "$STATE" ]
result $? "b. persisted-routes is a regular file with the new route"
[ ! -e "$STATE.tmp" ] && [ ! -L "$STATE.tmp" ]
result $? "b. no persisted-routes.tmp is left"
both_alive "b. link as the temporary"

# ------------------------------------------------------------------ c. links as the files
cp -p "$T/target.orig" "$T/target"
ln -sf "$T/target" "$STATE"
ln -sf "$T/target" "$NSTATE"
out=$(pset 4 10.52.0.0/16 5); rc=$?
is "$rc" 0 "c. with links planted as persisted-routes and notify-state, a createAndGo succeeds"
[ $rc -ne 0 ] && diag "$out"
target_same "c. the links' target is byte-identical"
[ ! -L "$STATE" ] && file_has 10.51.0.0/16 5 && file_has 10.52.0.0/16 5
result $? "c. persisted-routes is a regular file again, with the routes"
both_alive "c. links as the files"

# ------------------------------------------------------------------ d. links at start
# start_refused NAME [owner]: start with NAME a link to the target (or, with owner, a copy of
# the file owned by uid 65534); the daemon must exit 1 and say why
start_refused() {
	local name=$1 kind=${2:-link} why what="a link" because="$name is a symbolic link"
	stop_cimrouted TERM
	cp "$T/state/$name" "$T/saved.$name" 2>/dev/null
	rm -f "$T/state/$name"
	if [ "$kind" = owner ]; then
		what="another uid's"
		because="$name is owned by uid 65534, not by cimrouted's uid 0"
		cp "$T/saved.$name" "$T/state/$name" && chown 65534 "$T/state/$name"
	else
		ln -s "$T/target" "$T/state/$name"
	fi
	: >"$T/cimrouted.log"
	start_cimrouted
	if wait_until 10 eval '! alive "$CIMR_PID"'; then
		dead_why "$CIMR_PID"
		is "$DEAD_WHY" "exit status 1" "d. $name $what at start: the daemon exits 1"
	else
		not_ok "d. $name $what at start: the daemon exits 1"
		diag "it still runs after 10 s"
		stop_cimrouted TERM
	fi
	why=$(cat "$T/cimrouted.log" "$T/cimrouted.out" | grep -m1 "$because")
	if [ -n "$why" ]; then ok "d. $name $what at start: it says so"; diag "$why"
	else not_ok "d. $name $what at start: it says so"; tail -n 5 "$T/cimrouted.log" | diag; fi
	if cat "$T/cimrouted.log" "$T/cimrouted.out" | grep -q 'cimr-secret-hash'; then
		not_ok "d. $name $what at start: nothing of the target's content is logged"
		grep -h 'cimr-secret-hash' "$T/cimrouted.log" "$T/cimrouted.out" | head -n 3 | diag
	else
		ok "d. $name $what at start: nothing of the target's content is logged"
	fi
	CIMR_PID=
	rm -f "$T/state/$name"
	[ -e "$T/saved.$name" ] && cp "$T/saved.$name" "$T/state/$name"
}
start_refused persisted-routes
start_refused notify-state
start_refused persisted-routes owner
start_refused notify-state owner
target_same "d. the target is byte-identical"
cp -p "$T/target.orig" "$T/target"

# ------------------------------------------------------------------ e. the directory fsync fails
CIMR_WRAPPER="env CIMROUTED_TEST_FAIL_DIRSYNC=1" start_cimrouted
wait_registered 10
result $? "e. cimrouted registers with every directory fsync failing"
cp "$STATE" "$T/state.e0"
out=$(pset 4 10.53.0.0/16 5); rc=$?
if [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -q commitFailed; then
	ok "e. a persisted createAndGo fails with commitFailed"
else
	not_ok "e. a persisted createAndGo fails with commitFailed"
	diag "snmpset exit status $rc: $out"
fi
cmp -s "$STATE" "$T/state.e0"
result $? "e. persisted-routes is byte-identical to before the SET"
out=$(pset 6 10.50.0.0/16 5); rc=$?
if [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -q commitFailed; then
	ok "e. a persisted destroy fails with commitFailed"
else
	not_ok "e. a persisted destroy fails with commitFailed"
	diag "snmpset exit status $rc: $out"
fi
cmp -s "$STATE" "$T/state.e0"
result $? "e. persisted-routes is byte-identical to before the destroy"
left=$(ls "$T/state" | grep -E '\.(tmp|old)$')
is "${left:-none}" none "e. no .tmp or .old file is left in the state directory"
grep -m1 'cannot sync directory' "$T/cimrouted.log" | diag
both_alive "e. directory fsync failing"

done_testing
