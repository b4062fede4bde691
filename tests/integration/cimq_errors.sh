#!/bin/bash
# cimq_errors.sh - every error of cimq: one clear message and its own exit status (issue 15).
#
#   1 a WQL syntax error: the query printed with a caret under the offending character (the
#     column computed here from the query, not read from cimq), and what was expected; 201
#     nested parentheses: the caret under the 201st, the limit said
#   2 an unknown class or property: the message names the nearest one (a one-letter typo of a
#     real name, in the FROM, the SELECT list and the WHERE)
#   3 a type mismatch in the query (a string compared with a number, a number with a boolean)
#   4 a timeout: a port nobody answers on, -t 1 -r 0, within 5 s; a TCP connection refused
#   5 an authentication failure (SNMPv3 user, wrong passphrase; unknown user) and an
#     authorization failure (a priv user at authNoPriv)
#   6 an object missing on an "older agent": a community whose view excludes the IPv6 route
#     table (as an agent without that extension): a GET plan, a range and a walk plan; the
#     tables without rows on Linux (permit, IPX) are not missing: exit 0, an empty result;
#     snmpd without cimrouted (nothing of the MIB answers): said so, not "older"
#   7 snmpd without cimrouted: a ping and a CREATE refused (notWritable/noCreation), with the
#     same hint
#   8 bad usage: an unknown output format, no query, a map file that does not exist
# Each error leaves stdout empty and says something on stderr; both daemons alive after.

. "$(dirname "$0")/lib.sh"
itest_init cimqerr
. "$ITDIR/cimq_lib.sh"
cimq_require

veth va0 vb0 10.1.0.1/24 || bail_out "cannot build the veths"
nsx ip route add 10.50.0.0/16 via 10.1.0.9 || bail_out "ip route add"
nsx ip route add 2001:db8:50::/48 dev va0 || bail_out "ip route add (IPv6)"
# "older": everything but cimIP6RouteTable (.1.8), as an agent without the IPv6 extension
write_snmpd_conf "view older included .1" "view older excluded $ENT.8" "rocommunity older 127.0.0.1 -V older"
start_agents
wait_for served "$ENT.8.1.0" || diag "cimIP6RouteCount not served after ${WAITED_MS} ms"

R=Win32_IP4RouteTable
# run NAME CIMQ-ARGS...: cimq with stdout in $T/NAME.out, stderr in $T/NAME.err; sets RC, MS
run() {
	local name=$1 t0; shift
	t0=$(now_ms)
	cq "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
	MS=$(($(now_ms) - t0))
}
# expect_exit NAME STATUS TEXT: one TAP line: the status, stdout empty, stderr not empty
expect_exit() {
	local name=$1 want=$2 text=$3
	if [ "$RC" -eq "$want" ] && [ ! -s "$T/$name.out" ] && [ -s "$T/$name.err" ]; then
		ok "$text: exit $want, one message ($(head -n 1 "$T/$name.err" | cut -c1-120))"
	else
		not_ok "$text: exit $want (got $RC)"
		diag "stdout: $(head -c 300 "$T/$name.out")" "stderr: $(head -c 600 "$T/$name.err")"
	fi
}
# mentions NAME TEXT WORD...: stderr contains each WORD (case-insensitive)
mentions() {
	local name=$1 text=$2 w miss=(); shift 2
	for w in "$@"; do grep -qiF -- "$w" "$T/$name.err" || miss+=("$w"); done
	if [ ${#miss[@]} -eq 0 ]; then ok "$text"; else not_ok "$text"; diag "missing: ${miss[*]}" "$(head -c 600 "$T/$name.err")"; fi
}

# ---------------------------------------------------------------- 1: syntax errors
# caret NAME QUERY POS: a line of stderr shows QUERY, the next has its caret at POS in it
caret() {
	python3 - "$T/$1.err" "$2" "$3" <<'EOF'
import sys
lines = open(sys.argv[1]).read().splitlines()
q, pos = sys.argv[2], int(sys.argv[3])
for i, l in enumerate(lines[:-1]):
    off = l.find(q)
    if off >= 0:
        c = lines[i + 1].find('^')
        if c == off + pos and lines[i + 1][:c].strip() == '':
            sys.exit(0)
        sys.exit('caret at column %d, expected %d (query at %d):\n%s\n%s' % (c, off + pos, off, l, lines[i + 1]))
sys.exit('no line shows the query')
EOF
}
syntax() { # NAME QUERY POS TEXT
	run "$1" -v2c -c public -t 2 -r 0 "$AGENT" "$2"
	expect_exit "$1" 1 "syntax error ($4)"
	out=$(caret "$1" "$2" "$3" 2>&1)
	result $? "syntax error ($4): the query shown with a caret at column $3"
	[ -n "$out" ] && diag "$out"
	mentions "$1" "syntax error ($4): says what was expected" expected
}
Q="SELECT Destination FRM $R"
syntax syn1 "$Q" "$(expr index "$Q" F - 1)" "FRM for FROM"
Q="SELECT * FROM $R WHERE Metric1 = "
syntax syn2 "$Q" "${#Q}" "condition cut short: caret at the end"
Q="SELECT * FROM $R WHERE (Metric1 = 1 AND Type = 3"
syntax syn3 "$Q" "${#Q}" "missing parenthesis"
Q="SELECT Destination,, Mask FROM $R"
syntax syn4 "$Q" 19 "two commas"
Q="SELECT * FROM $R WHERE Caption = 'it''s'"
syntax syn5 "$Q" $((${#Q} - 4)) "a doubled quote: WQL escapes with a backslash"
P=$(printf '%.0s(' $(seq 201)) Q="SELECT * FROM $R WHERE "
run syn6 -v2c -c public -t 2 -r 0 "$AGENT" "$Q${P}Metric1 = 1${P//(/)}"
expect_exit syn6 1 "syntax error (201 nested parentheses)"
caret syn6 "$Q${P}Metric1 = 1${P//(/)}" $((${#Q} + 200))
result $? "syntax error (201 nested parentheses): the caret under the 201st"
mentions syn6 "201 nested parentheses: says the limit" "at most 200 parentheses and NOTs"
# WITHIN belongs to event queries (WQL's data queries have none): refused, not ignored
run within -v2c -c public -t 2 -r 0 "$AGENT" "SELECT * FROM $R WITHIN 5"
expect_exit within 1 "WITHIN in a query of a class that is not an event class"
mentions within "WITHIN: names the event classes" WITHIN Win32_IP4RouteTableEvent cimRouteEvent

# ---------------------------------------------------------------- 2: unknown names
run cls -v2c -c public "$AGENT" "SELECT * FROM Win32_IP4RouteTabel"
expect_exit cls 2 "unknown class"
mentions cls "unknown class: names the class asked and the nearest one" Win32_IP4RouteTabel Win32_IP4RouteTable
run prop -v2c -c public "$AGENT" "SELECT Destinaton, Mask FROM $R"
expect_exit prop 2 "unknown property in the SELECT list"
mentions prop "unknown property: names it and the nearest one" Destinaton Destination
run wprop -v2c -c public "$AGENT" "SELECT * FROM Win32_NetworkAdapter WHERE NetEnabeld = TRUE"
expect_exit wprop 2 "unknown property in the WHERE"
mentions wprop "unknown property in the WHERE: names the nearest one" NetEnabled

# ---------------------------------------------------------------- 3: type mismatch
run ty1 -v2c -c public "$AGENT" "SELECT * FROM $R WHERE Metric1 = 'ten'"
expect_exit ty1 3 "type mismatch: a string compared with a number"
mentions ty1 "type mismatch: names the property" Metric1
run ty2 -v2c -c public "$AGENT" "SELECT * FROM Win32_NetworkAdapter WHERE NetEnabled = 5"
expect_exit ty2 3 "type mismatch: a number compared with a boolean"

# ---------------------------------------------------------------- 4: timeout
run to -v2c -c public -t 1 -r 0 "127.0.0.1:$((PORT + 1))" "SELECT Destination FROM $R"
expect_exit to 4 "timeout (nobody on the port, -t 1 -r 0)"
[ "$MS" -lt 5000 ] && ok "timeout within 5 s ($MS ms)" || not_ok "timeout within 5 s ($MS ms)"
mentions to "timeout: says so" timeout
# a TCP agent address nobody listens on: the connection refused is a transport error, not a host
run tcp -v2c -c public -t 1 -r 0 "tcp:127.0.0.1:$((PORT + 1))" "SELECT Destination FROM $R"
expect_exit tcp 4 "connection refused (tcp:, nobody on the port)"
mentions tcp "connection refused: says so" "connection refused" "tcp:127.0.0.1:$((PORT + 1))"
! grep -qi "unknown host" "$T/tcp.err"
result $? "connection refused: not called an unknown host"

# ---------------------------------------------------------------- 5: authentication / authorization
run auth -v3 -l authPriv -u "$V3USER" -a SHA -A "wrong-pass-$$" -x AES -X "$V3PRIV" -t 2 -r 0 "$AGENT" "SELECT Destination FROM $R"
expect_exit auth 5 "SNMPv3 wrong passphrase"
run user -v3 -l authPriv -u nosuchuser -a SHA -A "$V3AUTH" -x AES -X "$V3PRIV" -t 2 -r 0 "$AGENT" "SELECT Destination FROM $R"
expect_exit user 5 "SNMPv3 unknown user"
run authz -v3 -l authNoPriv -u "$V3USER" -a SHA -A "$V3AUTH" -t 2 -r 0 "$AGENT" "SELECT Destination FROM $R"
expect_exit authz 5 "SNMPv3 priv user at authNoPriv (not authorized)"
# and the right passphrase works (the failures above are the passphrase's, not the setup's)
run v3ok "${V3[@]}" -t 6 -r 1 -o json "$AGENT" "SELECT Destination FROM $R WHERE Destination = '10.50.0.0'"
[ "$RC" -eq 0 ] && [ "$(jq -r '.[0].Destination' "$T/v3ok.out" 2>/dev/null)" = 10.50.0.0 ] &&
	ok "SNMPv3 with the right passphrase answers" || { not_ok "SNMPv3 with the right passphrase answers (exit $RC)"; diag "$(head -c 400 "$T/v3ok.err")"; }

# ---------------------------------------------------------------- 6: missing on an older agent
ix=$(nsx cat /sys/class/net/va0/ifindex)
K6="Destination = '2001:db8:50::' AND PrefixLength = 48 AND NextHop = '::' AND InterfaceIndex = $ix AND KernelTable = 254 AND KernelMetric = 1024 AND Source = '::' AND SourceLength = 0"
run old1 -v2c -c older "$AGENT" "SELECT Name FROM cimIP6Route WHERE $K6"
expect_exit old1 6 "older agent without the IPv6 table: every key (a GET)"
mentions old1 "older agent: names the object" cimIP6RouteName
# a range or a walk over a table the agent lacks would end past it, as over an empty table:
# cimq asks a GET of the columns first, which answers noSuchObject there
run old2 -v2c -c older "$AGENT" "SELECT Name FROM cimIP6Route WHERE Destination = '2001:db8:50::' AND PrefixLength = 48"
expect_exit old2 6 "older agent without the IPv6 table: a key prefix (a range)"
run old2 -v2c -c older "$AGENT" "SELECT Name FROM cimIP6Route"
expect_exit old2 6 "older agent without the IPv6 table: a walk"
mentions old2 "older agent, a walk: names the object" cimIP6RouteName
run old3 -v2c -c public -o json "$AGENT" "SELECT Name FROM cimIP6Route WHERE $K6"
[ "$RC" -eq 0 ] && [ "$(jq -r '.[0].Name' "$T/old3.out" 2>/dev/null)" = 2001:db8:50::/48 ] &&
	ok "the same query through a community that sees the table answers" || { not_ok "the same query through a community that sees the table answers (exit $RC)"; diag "$(head -c 400 "$T/old3.err")"; }
# the tables the agent serves without rows on Linux (permit, IPX) are empty, not missing
for c in cimAdapterCfgIpx cimAdapterCfgPermitTcp cimAdapterCfgPermitUdp cimAdapterCfgPermitIp; do
	run rowless -v2c -c public -o json "$AGENT" "SELECT * FROM $c"
	[ "$RC" -eq 0 ] && [ "$(jq length "$T/rowless.out" 2>/dev/null)" = 0 ] &&
		ok "$c (no rows on Linux): exit 0, an empty result" || { not_ok "$c (no rows on Linux): exit 0, an empty result (exit $RC)"; diag "$(head -c 400 "$T/rowless.err")"; }
done

# ---------------------------------------------------------------- 8: usage
run use1 -v2c -c public -o yaml "$AGENT" "SELECT * FROM $R"
expect_exit use1 8 "unknown output format"
run use2 -v2c -c public "$AGENT"
expect_exit use2 8 "no query"
run use3 -v2c -c public -M "$T/no-such-map.tsv" "$AGENT" "SELECT * FROM $R"
expect_exit use3 8 "map file not found"
mentions use3 "map file not found: names the file" no-such-map.tsv

# ---------------------------------------------------------------- no error: nothing on stderr
# Queries run together (a poller's checks) share the client's persistent directory: cimq
# saves no state there at exit (net-snmp's snmp_shutdown() would rewrite cimq.conf, and
# processes ending together race for it: "Cannot unlink .../cimq.0.conf").
pids=()
for i in $(seq 1 24); do
	cq -v2c -c public -t 6 -r 1 "$AGENT" "SELECT Destination FROM $R" >"$T/par.$i.out" 2>"$T/par.$i.err" &
	pids+=($!)
done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
errs=$(cat "$T"/par.*.err)
is "$bad ${errs:-(stderr empty)}" "0 (stderr empty)" "24 queries at once: all exit 0, nothing on stderr"
[ ! -e "$T/clientpersist/cimq.conf" ] && ! grep -qs oldEngineID "$T/clientpersist/snmpapp.conf"
result $? "... and no state saved in the persistent directory (cimq.conf, snmpapp.conf)"
# One after the other, with net-snmp's default search path (which ends with the persistent
# directory): the saved engine lines made every run from the third print "buffer too small to
# read octet string" (net-snmp 5.9 reading them back).
mkdir -p "$T/seqpersist/cert_indexes"
for i in 1 2 3 4; do
	SNMPCONFPATH=$T/client:$T/seqpersist SNMP_PERSISTENT_DIR=$T/seqpersist \
		cq -v2c -c public -t 6 -r 1 "$AGENT" "SELECT Destination FROM $R" >/dev/null 2>>"$T/seq.err"
done
is "$(cat "$T/seq.err")" "" "four queries one after the other: nothing on stderr"

# ---------------------------------------------------------------- the statuses are distinct
both_alive "every error"

# snmpd without cimrouted: every object is noSuchObject, and cimq says the daemon is not there
# (not an older cimrouted)
stop_cimrouted
unserved() { ! served "$ENT.1.1.0"; }
wait_for unserved || diag "cimIP4RouteCount still served ${WAITED_MS} ms after the stop"
run gone -v2c -c public "$AGENT" "SELECT Destination FROM $R"
expect_exit gone 6 "snmpd without cimrouted"
mentions gone "snmpd without cimrouted: says cimrouted is not connected" "cimrouted is not connected"
! grep -qi "older" "$T/gone.err"
result $? "snmpd without cimrouted: not called an older cimrouted"
# a write refused (notWritable/noCreation: snmpd has no subagent for it): exit 7, and the same hint
run gonep -v2c -c private -t 4 -r 0 "$AGENT" "SELECT * FROM Win32_PingStatus WHERE Address = '127.0.0.1'"
expect_exit gonep 7 "snmpd without cimrouted: a ping refused"
mentions gonep "snmpd without cimrouted: a refused ping says cimrouted is not connected" "refused" "cimrouted is not connected"
run gonec -v2c -c private -t 4 -r 0 "$AGENT" \
	"CREATE Win32_IP4PersistedRouteTable SET Destination='10.60.0.0', Mask='255.255.0.0', NextHop='10.1.0.9', Metric1=5"
expect_exit gonec 7 "snmpd without cimrouted: a CREATE refused"
mentions gonec "snmpd without cimrouted: a refused CREATE says cimrouted is not connected" "refused" "cimrouted is not connected"
done_testing
