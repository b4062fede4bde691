#!/bin/bash
# persist.sh - cimIP4PersistedRouteTable, its state file and cimActiveRouteTable.
#
# Topology: veth va/vb, 192.0.2.100/24 on va only, so the next hop 192.0.2.1 resolves to va.
# Cases:
#   a. createAndGo over SNMPv2c (rw community) and SNMPv3 (authPriv rwuser): as soon as the
#      SET is answered the kernel has the route (main table, proto 252, the metric of the
#      index), the state file has its line (with a "created" time close to now), the
#      persisted row reads Status "OK", ApplyError "", StorageType nonVolatile(3), RowStatus
#      active(1), and the active row exists with RowPointers to the persisted row's Caption
#      and to the live row's Age, both of which answer a GET.
#   b. a SET with the read-only community (and the read-only v3 user) fails with
#      noAccess/notWritable/authorizationError, and the kernel's routes and the state file
#      stay byte-identical; so do they after a createAndGo with an unreachable next hop
#      and a destroy of a persisted route's live row through cimIP4RouteTable, both refused
#      with inconsistentValue.
#   c. SIGKILL, the route deleted by hand, restart: the route is back (within 5 s of the
#      registration), its rows too.
#   d. link down: the kernel drops the route silently; within 5 s the active row is gone and
#      Status is not "OK" (ApplyError says why); link up: within 5 s the route is back,
#      Status "OK", the active row back. cimIP4PersistedRouteLastChange moves with each
#      change of Status.
#   e. destroy: at once the line is gone from the file, the route from the kernel, the
#      persisted and the active rows from their tables.
#   f. a volatile row (StorageType volatile(2) with createAndGo): installed, not in the file;
#      after a restart it is not in the persisted table.
#   g. a state file with bad lines: the daemon starts, installs the good routes, logs
#      FILE:LINE for each bad line, keeps the original as persisted-routes.bad-*, and
#      rewrites the file with exactly the good lines.
#   h. SIGKILL during a burst of createAndGo SETs: the state file parses, holds every route
#      whose SET was acknowledged and at most one more (the one in flight), and a restart
#      loads it all (count scalar = lines, every route installed).
#   i. createAndGo of a route the kernel already has (proto static, added by hand): the SET
#      succeeds and the row, its line, Status "OK" and the active row exist; destroy removes
#      them and leaves the route, which cimrouted did not install, in the kernel.
#   j. adoption obeys the live table's rules (issue 9): a bgp route, the kernel's connected
#      route of va (metric 0, next hop our own address) and one hop of a multipath static
#      route are refused (notWritable, notWritable, inconsistentValue); kernel and state
#      file byte-identical. A route the persisted row installed itself (proto 252) is
#      deleted by destroy.
# Pass/fail: each TAP line as described; both daemons alive after every case.

. "$(dirname "$0")/lib.sh"
itest_init persist
TEST_T0=$(date +%s)

OID_OBJ=.1.3.6.1.4.1.32473.1.1
P_COUNT=$OID_OBJ.2.1.0
P_ENTRY=$OID_OBJ.2.3.1
A_COUNT=$OID_OBJ.3.1.0
A_ENTRY=$OID_OBJ.3.3.1
STATE=$T/state/persisted-routes
LINE_RE='^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2} via [0-9]{1,3}(\.[0-9]{1,3}){3} metric [0-9]+( created [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?$'

veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
write_cimrouted_conf "routeTables main"
start_agents

# ------------------------------------------------------------------ helpers

# pidx DST/LEN NEXTHOP METRIC: the persisted row index (13 sub-ids, no leading dot)
pidx() {
	local mask
	mask=$(python3 -c "import ipaddress; print(ipaddress.IPv4Network('0.0.0.0/${1#*/}').netmask)")
	echo "${1%/*}.$mask.$2.$3"
}

# pset CREDENTIALS... -- VARBINDS...: snmpset without retries (a retried createAndGo would
# fail, the row existing); prints the tool's output
pset() {
	local cred=()
	while [ "$1" != -- ]; do cred+=("$1"); shift; done
	shift
	nsx snmpset "${cred[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$@" 2>&1
}

# kroutes: the main table, one line a route: "DST/LEN via GW dev DEV proto N metric M"
kroutes() {
	nsx ip -N -j -4 route show table main | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    d = r["dst"]
    d = "0.0.0.0/0" if d == "default" else d if "/" in d else d + "/32"
    print(d, "via", r.get("gateway", "-"), "dev", r.get("dev", "-"), "proto",
          r.get("protocol", "-"), "metric", r.get("metric", 0))'
}
# kline DST/LEN NEXTHOP METRIC: how kroutes shows that persisted route
kline() { echo "$1 via $2 dev va proto 252 metric $3"; }
# (kroutes read whole: grep -q reading a pipe would quit at the match, and the python
# still writing would print a BrokenPipeError traceback)
kernel_has() { grep -qxF "$(kline "$@")" <<<"$(kroutes)"; }
kernel_lacks() { ! kernel_has "$@"; }

# froutes: the route lines of the state file (comments and blank lines left out)
froutes() { grep -v -e '^#' -e '^[[:space:]]*$' "$STATE" 2>/dev/null; }
# fbare: the same without the "created" part
fbare() { froutes | sed 's/ created .*//'; }
# file_has DST/LEN NEXTHOP METRIC
file_has() { fbare | grep -qxF "$1 via $2 metric $3"; }
# file_parses: every route line matches the format; prints the bad ones
file_parses() { ! froutes | grep -vE "$LINE_RE"; }

count_of() { get_val "$1" | sed -n 's/^Gauge32: //p'; }
count_is() { [ "$(count_of "$1")" = "$2" ]; }

row_present() { get_val "$P_ENTRY.12.$1" >/dev/null; }
row_absent() { get_val "$P_ENTRY.12.$1" >/dev/null; [ $? -eq 1 ]; }
active_present() { get_val "$A_ENTRY.1.$1" >/dev/null; }
active_absent() { get_val "$A_ENTRY.1.$1" >/dev/null; [ $? -eq 1 ]; }
status_is() { [ "$(get_str "$P_ENTRY.9.$1")" = "$2" ]; }
status_not_ok() { local s; s=$(get_str "$P_ENTRY.9.$1") && [ -n "$s" ] && [ "$s" != OK ]; }

# check_installed TEXT DST/LEN NEXTHOP METRIC [volatile]: the TAP lines of a persisted
# route that is installed now (checked at once, no waiting)
check_installed() {
	local text=$1 dst=$2 nh=$3 metric=$4 vol=${5:-} ix lix got want sys same age
	ix=$(pidx "$dst" "$nh" "$metric")
	if kernel_has "$dst" "$nh" "$metric"; then
		ok "$text: the kernel has $(kline "$dst" "$nh" "$metric")"
	else
		not_ok "$text: the kernel has $(kline "$dst" "$nh" "$metric")"
		kroutes | diag
	fi
	if [ -n "$vol" ]; then
		if file_has "$dst" "$nh" "$metric"; then not_ok "$text: not in the state file (volatile)"; froutes | diag
		else ok "$text: not in the state file (volatile)"; fi
	else
		local line ts
		line=$(froutes | grep -E "^$dst via $nh metric $metric( |\$)")
		if [ "$(printf '%s\n' "$line" | grep -c .)" = 1 ] && printf '%s\n' "$line" | grep -qE "$LINE_RE"; then
			ts=$(printf '%s\n' "$line" | sed -n 's/.* created \(.*\)Z$/\1/p')
			# created during this test run (not before it started, not in the future)
			if [ -n "$ts" ] && [ "$(date -u -d "${ts/T/ }" +%s)" -ge $((TEST_T0 - 1)) ] &&
				[ $(( $(date -u -d "${ts/T/ }" +%s) - $(date +%s) )) -le 2 ]; then
				ok "$text: the state file has the line ($line)"
			else
				not_ok "$text: the state file has the line with a created time within this run"
				diag "line: '$line' (now $(date -u +%FT%TZ))"
			fi
		else
			not_ok "$text: the state file has exactly one well-formed line for the route"
			diag "lines: '$line'"; sed 's/^/file: /' "$STATE" | diag
		fi
	fi
	got="$(get_str "$P_ENTRY.9.$ix")|$(get_str "$P_ENTRY.10.$ix")|$(get_val "$P_ENTRY.11.$ix")|$(get_val "$P_ENTRY.12.$ix")|$(get_str "$P_ENTRY.8.$ix")|$(get_str "$P_ENTRY.5.$ix")"
	want="OK||INTEGER: $([ -n "$vol" ] && echo 2 || echo 3)|INTEGER: 1|$dst|$dst via $nh metric $metric"
	is "$got" "$want" "$text: persisted row: Status|ApplyError|StorageType|RowStatus|Name|Caption"
	lix=$(index_of "$dst" "$nh" va 254 0 "$metric")
	same=$(get_val "$A_ENTRY.1.$ix")
	sys=$(get_val "$A_ENTRY.2.$ix")
	is "$same|$sys" "OID: $P_ENTRY.5.$ix|OID: $OID_ENTRY.8.$lix" \
		"$text: active row: SameElement -> Caption, SystemElement -> the live row's Age"
	same=$(get_str "${same#OID: }")
	age=$(get_val "${sys#OID: }")
	if [ "$same" = "$dst via $nh metric $metric" ] && [[ $age =~ ^INTEGER:\ [0-9]+$ ]]; then
		ok "$text: both RowPointers answer a GET"
	else
		not_ok "$text: both RowPointers answer a GET"
		diag "SameElement target: '$same'" "SystemElement target: '$age'"
	fi
}

# snapshot NAME: the kernel's routes and the state file, for byte comparison
snapshot() {
	nsx ip -j -d -4 route show table all >"$T/$1.routes"
	if [ -e "$STATE" ]; then cp "$STATE" "$T/$1.state"; else : >"$T/$1.state"; fi
}
same_snapshot() { cmp -s "$T/$1.routes" "$T/$2.routes" && cmp -s "$T/$1.state" "$T/$2.state"; }

# refused TEXT OUTPUT STATUS REGEX: the SET failed with one of those errors
refused() {
	if [ "$3" -ne 0 ] && printf '%s\n' "$2" | grep -qE "$4"; then
		ok "$1"
		diag "$(printf '%s\n' "$2" | grep -m1 -E 'Reason|Timeout')"
	else
		not_ok "$1"
		diag "snmpset exit status $3:" "$2"
	fi
}

R1=10.50.0.0/16 R1M=5
R2=10.51.0.0/16 R2M=7
NH=192.0.2.1
IX1=$(pidx $R1 $NH $R1M)
IX2=$(pidx $R2 $NH $R2M)

# ------------------------------------------------------------------ a. create
out=$(pset "${V2W[@]}" -- "$P_ENTRY.12.$IX1" i 4); rc=$?
is "$rc" 0 "a. createAndGo over SNMPv2c (rw community) succeeds"
[ $rc -ne 0 ] && diag "$out"
check_installed "a. v2c" $R1 $NH $R1M
out=$(pset "${V3W[@]}" -- "$P_ENTRY.12.$IX2" i 4); rc=$?
is "$rc" 0 "a. createAndGo over SNMPv3 authPriv (rwuser) succeeds"
[ $rc -ne 0 ] && diag "$out"
check_installed "a. v3" $R2 $NH $R2M
is "$(count_of $P_COUNT)|$(count_of $A_COUNT)" "2|2" "a. persisted and active counts are 2"
is "$(fbare | sort)" "$(printf '%s\n' "$R1 via $NH metric $R1M" "$R2 via $NH metric $R2M" | sort)" \
	"a. the state file holds exactly the two routes"
both_alive "a. create"

# ------------------------------------------------------------------ b. read-only
snapshot b0
IX3=$(pidx 10.52.0.0/16 $NH 1)
out=$(pset "${V2[@]}" -- "$P_ENTRY.12.$IX3" i 4); rc=$?
refused "b. createAndGo with the read-only community is refused" "$out" $rc \
	'noAccess|notWritable|authorizationError|readOnly'
out=$(pset "${V2[@]}" -- "$P_ENTRY.12.$IX1" i 6); rc=$?
refused "b. destroy with the read-only community is refused" "$out" $rc \
	'noAccess|notWritable|authorizationError|readOnly'
out=$(pset "${V3[@]}" -- "$P_ENTRY.12.$IX3" i 4); rc=$?
refused "b. createAndGo by the read-only SNMPv3 user is refused" "$out" $rc \
	'noAccess|notWritable|authorizationError|readOnly'
out=$(pset "${V2W[@]}" -- "$P_ENTRY.12.$(pidx 10.53.0.0/16 198.51.100.1 1)" i 4); rc=$?
refused "b. createAndGo with an unreachable next hop is refused (inconsistentValue)" "$out" $rc \
	'inconsistentValue'
LIX1=$(index_of $R1 $NH va 254 0 $R1M)
out=$(pset "${V2W[@]}" -- "$OID_ENTRY.24.$LIX1" i 6); rc=$?
refused "b. destroying a persisted route's live row in cimIP4RouteTable is refused" "$out" $rc \
	'inconsistentValue'
snapshot b1
if same_snapshot b0 b1; then
	ok "b. kernel routes and state file are byte-identical"
else
	not_ok "b. kernel routes and state file are byte-identical"
	diff "$T/b0.routes" "$T/b1.routes" | head -20 | diag
	diff "$T/b0.state" "$T/b1.state" | head -20 | diag
fi
row_absent "$IX3"
result $? "b. no persisted row for the refused route"
both_alive "b. read-only"

# ------------------------------------------------------------------ c. SIGKILL + route deleted
stop_cimrouted KILL
nsx ip route del $R1 via $NH metric $R1M
kernel_lacks $R1 $NH $R1M
result $? "c. the route is gone from the kernel while the daemon is down"
start_cimrouted
wait_registered 10
result $? "c. cimrouted registers again after SIGKILL"
wait_until 5 kernel_has $R1 $NH $R1M
result $? "c. the deleted persisted route is back in the kernel"
diag "back ${WAITED_MS} ms after the registration"
wait_until 3 active_present "$IX1"
check_installed "c. after restart" $R1 $NH $R1M
check_installed "c. after restart (untouched route)" $R2 $NH $R2M
grep -qF "installed persisted route $R1 via $NH metric $R1M" "$T/cimrouted.log"
result $? "c. the log tells the route was installed"
both_alive "c. SIGKILL and restart"

# ------------------------------------------------------------------ d. link flap
P_LC=$OID_OBJ.2.2.0 # cimIP4PersistedRouteLastChange: also a row's change of Status
lc0=$(get_val "$P_LC")
nsx ip link set va down
wait_until 5 kernel_lacks $R1 $NH $R1M
result $? "d. link down: the kernel drops the persisted route"
wait_until 5 active_absent "$IX1"
result $? "d. link down: the active row disappears"
diag "after ${WAITED_MS} ms"
wait_until 5 status_not_ok "$IX1"
s=$(get_str "$P_ENTRY.9.$IX1"); e=$(get_str "$P_ENTRY.10.$IX1")
if [ -n "$s" ] && [ "$s" != OK ] && [ -n "$e" ]; then
	ok "d. link down: Status is not OK and ApplyError tells why"
	diag "Status '$s', ApplyError '$e'"
else
	not_ok "d. link down: Status is not OK and ApplyError tells why"
	diag "Status '$s', ApplyError '$e'"
fi
row_present "$IX1"
result $? "d. link down: the persisted row stays"
lc1=$(get_val "$P_LC")
[ -n "$lc1" ] && [ "$lc1" != "$lc0" ]
result $? "d. link down: cimIP4PersistedRouteLastChange moves with the Status"
diag "before: $lc0, after: $lc1"
is "$(count_of $A_COUNT)" 0 "d. link down: active count 0"
t0=$(now_ms)
nsx ip link set va up
nsx ip -4 addr show dev va | grep -q 192.0.2.100/24 || nsx ip addr add 192.0.2.100/24 dev va
wait_until 5 kernel_has $R1 $NH $R1M
result $? "d. link up: the persisted route is re-installed"
diag "after $(($(now_ms) - t0)) ms"
wait_until 5 active_present "$IX1"
result $? "d. link up: the active row is back"
wait_until 3 status_is "$IX1" OK
lc2=$(get_val "$P_LC")
[ -n "$lc2" ] && [ "$lc2" != "$lc1" ]
result $? "d. link up: cimIP4PersistedRouteLastChange moves with the Status (OK)"
check_installed "d. after the flap" $R1 $NH $R1M
check_installed "d. after the flap" $R2 $NH $R2M
both_alive "d. link flap"

# ------------------------------------------------------------------ e. destroy
out=$(pset "${V3W[@]}" -- "$P_ENTRY.12.$IX2" i 6); rc=$?
is "$rc" 0 "e. destroy (SNMPv3) succeeds"
[ $rc -ne 0 ] && diag "$out"
! file_has $R2 $NH $R2M && file_has $R1 $NH $R1M
result $? "e. the line is gone from the state file, the other stays"
file_parses >/dev/null
result $? "e. the state file parses"
kernel_lacks $R2 $NH $R2M
result $? "e. the route is gone from the kernel"
row_absent "$IX2" && active_absent "$IX2"
result $? "e. the persisted and the active rows are gone"
is "$(count_of $P_COUNT)|$(count_of $A_COUNT)" "1|1" "e. persisted and active counts are 1"
out=$(pset "${V2W[@]}" -- "$P_ENTRY.12.$IX2" i 6); rc=$?
is "$rc" 0 "e. destroying it again is noError (RFC 2579)"
both_alive "e. destroy"

# ------------------------------------------------------------------ f. volatile
RV=10.60.0.0/24 RVM=0
IXV=$(pidx $RV $NH $RVM)
snapshot f0
out=$(pset "${V2W[@]}" -- "$P_ENTRY.11.$IXV" i 2 "$P_ENTRY.12.$IXV" i 4); rc=$?
is "$rc" 0 "f. createAndGo with StorageType volatile succeeds"
[ $rc -ne 0 ] && diag "$out"
check_installed "f. volatile" $RV $NH $RVM volatile
cmp -s "$STATE" "$T/f0.state"
result $? "f. the state file is unchanged"
stop_cimrouted TERM
start_cimrouted
wait_registered 10
result $? "f. cimrouted registers after the restart"
row_absent "$IXV" && active_absent "$IXV"
result $? "f. after the restart the volatile row is gone"
row_present "$IX1"
result $? "f. after the restart the non-volatile row is there"
is "$(count_of $P_COUNT)" 1 "f. persisted count is 1"
if kernel_has $RV $NH $RVM; then
	diag "the volatile route's kernel route stays after the restart (now an ordinary proto 252 route)"
	out=$(pset "${V2W[@]}" -- "$OID_ENTRY.24.$(index_of $RV $NH va 254 0 $RVM)" i 6); rc=$?
	is "$rc" 0 "f. its kernel route, no longer persisted, can be destroyed in cimIP4RouteTable"
	[ $rc -ne 0 ] && diag "$out"
fi
both_alive "f. volatile"

# ------------------------------------------------------------------ g. bad state file
stop_cimrouted TERM
nsx ip route del $R1 via $NH metric $R1M 2>/dev/null
cat >"$T/bad-original" <<'EOF'
# hand-written state file with bad lines
10.70.0.0/24 via 192.0.2.1 metric 1 created 2026-01-01T00:00:00Z
this is garbage
10.1.0.1/16 via 192.0.2.1 metric 1
10.71.0.0/24 via 192.0.2.1 metric 2
10.70.0.0/24 via 192.0.2.1 metric 1
10.72.0.0/24 via 192.0.2.1 metric 2147483648
10.73.0.0/24 via 192.0.2.1 metric 3 created yesterday
10.74.0.0/33 via 192.0.2.1 metric 3
EOF
BAD_LINES="3 4 6 7 8 9"
cp "$T/bad-original" "$STATE"
start_cimrouted
wait_registered 10
result $? "g. cimrouted starts and registers with a bad state file"
wait_until 5 kernel_has 10.70.0.0/24 $NH 1
result $? "g. good line 2 installed"
wait_until 5 kernel_has 10.71.0.0/24 $NH 2
result $? "g. good line 5 installed"
missing=
for n in $BAD_LINES; do
	grep -qE "persisted-routes:$n: .*; skipped" "$T/cimrouted.log" || missing="$missing $n"
done
is "${missing:-none}" none "g. the log names each bad line (persisted-routes:N: ...; skipped)"
grep -E 'persisted-routes:[0-9]+:' "$T/cimrouted.log" | sed 's/.*persisted-routes:/persisted-routes:/' | diag
extra=$(grep -oE 'persisted-routes:[0-9]+:' "$T/cimrouted.log" | grep -vE ":($(echo $BAD_LINES | tr ' ' '|')):")
is "${extra:-none}" none "g. no good line is reported bad"
bads=("$T"/state/persisted-routes.bad-*)
if [ ${#bads[@]} = 1 ] && [ -e "${bads[0]}" ] && cmp -s "${bads[0]}" "$T/bad-original"; then
	ok "g. the original is kept as $(basename "${bads[0]}")"
else
	not_ok "g. the original is kept as persisted-routes.bad-* (exactly one, same content)"
	ls -l "$T/state" | diag
fi
[[ $(basename "${bads[0]}") =~ ^persisted-routes\.bad-[0-9]{8}T[0-9]{6}Z$ ]]
result $? "g. the kept file's name is persisted-routes.bad-YYYYmmddTHHMMSSZ"
is "$(froutes)" "$(printf '%s\n' '10.70.0.0/24 via 192.0.2.1 metric 1 created 2026-01-01T00:00:00Z' \
	'10.71.0.0/24 via 192.0.2.1 metric 2')" "g. the new state file has exactly the good lines"
is "$(count_of $P_COUNT)|$(count_of $A_COUNT)" "2|2" "g. persisted and active counts are 2"
is "$(kroutes | grep ' proto 252 ')" "$(kline 10.70.0.0/24 $NH 1; kline 10.71.0.0/24 $NH 2)" \
	"g. the kernel's proto 252 routes are exactly the two good ones"
status_is "$(pidx 10.70.0.0/24 $NH 1)" OK && status_is "$(pidx 10.71.0.0/24 $NH 2)" OK
result $? "g. both good rows have Status OK"
both_alive "g. bad state file"

# ------------------------------------------------------------------ h. SIGKILL during a burst
before=$(froutes | wc -l)
rm -f "$T/acked" "$T/burst.stop"
(
	for i in $(seq 1 200); do
		[ -e "$T/burst.stop" ] && break
		if nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" \
			"$P_ENTRY.12.10.100.$i.0.255.255.255.0.$NH.0" i 4 >/dev/null 2>&1; then
			echo "10.100.$i.0/24 via $NH metric 0" >>"$T/acked"
		fi
	done
) &
BURST_PID=$!
EXTRA_PIDS+=("$BURST_PID")
sleep 1
acked_at_least() { [ "$(cat "$T/acked" 2>/dev/null | wc -l)" -ge "$1" ]; }
wait_until 15 acked_at_least 5
stop_cimrouted KILL
touch "$T/burst.stop"
nacked_kill=$(cat "$T/acked" 2>/dev/null | wc -l)
stop_pid "$BURST_PID" TERM 30
nacked=$(cat "$T/acked" 2>/dev/null | wc -l)
diag "$nacked SETs acknowledged ($nacked_kill when the daemon was killed)"
[ "$nacked" -ge 5 ]
result $? "h. the burst got at least 5 SETs acknowledged before the kill"
bad=$(file_parses)
is "${bad:-none}" none "h. every route line of the state file is well formed"
cp "$STATE" "$T/after-kill.state"
missing=$(fbare | sort | comm -13 - <(sort "$T/acked"))
is "${missing:-none}" none "h. the state file holds every acknowledged route"
extra=$(fbare | grep '^10\.100\.' | sort | comm -23 - <(sort "$T/acked"))
if [ "$(printf '%s' "$extra" | grep -c .)" -le 1 ]; then
	ok "h. at most one route in the file was not acknowledged (the one in flight)"
	[ -n "$extra" ] && diag "in flight: $extra"
else
	not_ok "h. at most one route in the file was not acknowledged (the one in flight)"
	printf '%s\n' "$extra" | diag
fi
fbare | grep -qxF '10.70.0.0/24 via 192.0.2.1 metric 1' && fbare | grep -qxF '10.71.0.0/24 via 192.0.2.1 metric 2'
result $? "h. the routes from before the burst are still in the file"
nlines=$(froutes | wc -l)
start_cimrouted
wait_registered 10
result $? "h. cimrouted registers after the kill"
is "$(count_of $P_COUNT)" "$nlines" "h. after the restart the persisted count equals the file's $nlines lines"
# One read of the kernel's table for all of them (a python per route made this take 18 s).
all_installed() {
	local k l
	k=$(kroutes)
	while read -r l; do
		set -- $l
		grep -qxF "$(kline "$1" "$3" "$5")" <<<"$k" || return 1
	done < <(fbare)
}
wait_until 5 all_installed
result $? "h. every persisted route is in the kernel"
is "$(count_of $A_COUNT)" "$nlines" "h. active count equals the persisted count"
is "$(ls "$T"/state/persisted-routes.bad-* 2>/dev/null | grep -c .)" 1 \
	"h. no new persisted-routes.bad-* file (the file was not damaged)"
[ ! -e "$STATE.tmp" ]
result $? "h. no temporary file is left after the restart"
cmp -s "$STATE" "$T/after-kill.state"
result $? "h. the restart did not rewrite the state file"
both_alive "h. SIGKILL during a burst"

# ------------------------------------------------------------------ i. adopting a kernel route
# createAndGo of a persisted route the main table already has (here added by hand with
# proto static; the same happens with the kernel route a volatile row leaves behind): the
# route becomes the persisted row's active route; the SET's success must mean a row and a line.
RA=10.95.0.0/24 RAM=4
IXA=$(pidx $RA $NH $RAM)
nsx ip route add $RA via $NH metric $RAM proto static
out=$(pset "${V2W[@]}" -- "$P_ENTRY.12.$IXA" i 4); rc=$?
is "$rc" 0 "i. createAndGo of a route the kernel has already succeeds"
[ $rc -ne 0 ] && diag "$out"
row_present "$IXA"
result $? "i. the persisted row exists after the successful createAndGo"
file_has $RA $NH $RAM
result $? "i. the state file has its line"
is "$(get_str "$P_ENTRY.9.$IXA")" OK "i. its Status is OK"
active_present "$IXA"
result $? "i. its active row exists"
is "$(count_of $P_COUNT)" "$((nlines + 1))" "i. the persisted count grew by one"
out=$(pset "${V2W[@]}" -- "$P_ENTRY.12.$IXA" i 6); rc=$?
is "$rc" 0 "i. destroy succeeds"
row_absent "$IXA" && ! file_has $RA $NH $RAM
result $? "i. after the destroy neither the row nor the line is left"
grep -qxF "$RA via $NH dev va proto 4 metric $RAM" <<<"$(kroutes)"
result $? "i. the adopted route, which cimrouted did not install, stays in the kernel"
nsx ip route del $RA via $NH metric $RAM proto static
both_alive "i. adopting a kernel route"

# ------------------------------------------------------------------ j. what adoption may not reach
# j_refused TEXT STATUS INDEX: a createAndGo refused with STATUS, nothing changed
j_refused() {
	local before fbefore out
	before=$(nsx ip -4 route show table all); fbefore=$(cat "$STATE" 2>/dev/null)
	out=$(pset "${V2W[@]}" -- "$P_ENTRY.12.$3" i 4)
	case $out in *"$2"*) ok "j. $1: refused with $2" ;;
	*) not_ok "j. $1: refused with $2"; diag "$out" ;; esac
	is "$(nsx ip -4 route show table all)" "$before" "j. $1: the kernel's routes are unchanged"
	is "$(cat "$STATE" 2>/dev/null)" "$fbefore" "j. $1: the state file is unchanged"
	row_absent "$3"
	result $? "j. $1: no persisted row"
}
nsx ip route add 10.96.0.0/24 via $NH metric 7 proto bgp
j_refused "a bgp route" notWritable "$(pidx 10.96.0.0/24 $NH 7)"
j_refused "the kernel's connected route" notWritable "$(pidx 192.0.2.0/24 192.0.2.100 0)"
nsx ip route add 10.97.0.0/24 metric 8 proto static nexthop via $NH dev va nexthop via 192.0.2.2 dev va
j_refused "one hop of a multipath route" inconsistentValue "$(pidx 10.97.0.0/24 $NH 8)"
nsx ip route del 10.96.0.0/24 via $NH metric 7 proto bgp
nsx ip route del 10.97.0.0/24 metric 8
# A route the row installed itself is cimrouted's: destroy deletes it.
IXJ=$(pidx 10.98.0.0/24 $NH 9)
out=$(pset "${V2W[@]}" -- "$P_ENTRY.12.$IXJ" i 4) && kernel_has 10.98.0.0/24 $NH 9
result $? "j. createAndGo installs 10.98.0.0/24 as proto 252"
out=$(pset "${V2W[@]}" -- "$P_ENTRY.12.$IXJ" i 6) && kernel_lacks 10.98.0.0/24 $NH 9
result $? "j. destroy deletes the route the row installed"
both_alive "j. adoption rules"

done_testing
