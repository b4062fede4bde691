#!/bin/bash
# cimq_events.sh - cimq's event queries follow cimRouteEventTable (issue 15).
#
# Three cimq event queries run in the background while a burst of 20 IPv4 and 5 IPv6 routes
# is added with ip -batch:
#   - SELECT * FROM Win32_IP4RouteTableEvent WITHIN 1 -N 20 (csv): exactly the IPv4 rows of the
#     history after the start (a walk of cimRouteEventTable), TIME_CREATED as WMI's uint64 FILETIME;
#   - SELECT * FROM cimRouteEvent WITHIN 1 -N 25 (json): every row of the walk after the start,
#     in sequence order, with its AddressType and destination;
#   - SELECT Sequence, IP6Destination FROM cimRouteEvent WITHIN 1 WHERE AddressType = 2 -N 5:
#     the IPv6 rows alone.
# A gap: cimRouteEventHistorySize 5, 12 changes while cimq polls WITHIN 3: one stderr line
# "cimq: 7 changes missed (sequence A..B)", then the 5 rows the history still holds.
# A burst of 300 IPv4 changes interleaved with 300 IPv6 ones: every IPv4 one printed, in
# fewer requests than changes (the history is walked, not read by a GET per sequence number).
# SIGINT and SIGTERM end a query without -N with exit 0; -N 0 is refused. Restarted with the
# numbering 5 short of its end (the state file), 12 changes across the wrap printed in order.
# Both daemons alive at the end.

. "$(dirname "$0")/lib.sh"
itest_init cimqev
. "$ITDIR/cimq_lib.sh"
cimq_require

veth va0 vb0 10.1.0.1/24 10.1.0.2/24 || bail_out "cannot build the veth"
nsx ip addr add 2001:db8:1::1/64 dev va0 nodad || bail_out "ip addr add"
start_agents

EV=$(MIBDIRS="$CQ_MIBDIRS" MIBS=CIM-ROUTE-MIB snmptranslate -On CIM-ROUTE-MIB::cimRouteEvent 2>/dev/null)
[ -n "$EV" ] || bail_out "snmptranslate cimRouteEvent"
last_seq() { snmp_get "$EV.5.0" 2>/dev/null | sed -n 's/.*Gauge32: \([0-9]*\).*/\1/p;s/.*INTEGER: \([0-9]*\).*/\1/p'; }
# ev WQL OUT ARGS...: cimq in the background, stdout OUT, stderr OUT.err; sets EVPID
ev() {
	local wql=$1 out=$2; shift 2
	cq -v2c -c public -t 6 -r 1 "$@" "$AGENT" "$wql" >"$out" 2>"$out.err" &
	EVPID=$!
}
ended() { ! alive "$1"; }
# finished PID OUT: waits up to 15 s for the query to end; its exit status must be 0
finished() {
	wait_until 15 ended "$1"
	if alive "$1"; then stop_pid "$1" KILL 2; diag "$2 still running after 15 s"; return 1; fi
	wait "$1"
	local rc=$?
	[ $rc -eq 0 ] || { diag "$2: exit $rc"; head -n 5 "$2.err" | diag; }
	return $rc
}

L0=$(last_seq)
[ -n "$L0" ] || bail_out "cimRouteEventLastSequence.0 unreadable"
ev "SELECT * FROM Win32_IP4RouteTableEvent WITHIN 1" "$T/a.csv" -o csv -N 20; PA=$EVPID
ev "SELECT * FROM cimRouteEvent WITHIN 1" "$T/b.json" -o json -N 25; PB=$EVPID
ev "SELECT Sequence, IP6Destination FROM cimRouteEvent WITHIN 1 WHERE AddressType = 2" "$T/c.json" -o json -N 5; PC=$EVPID
sleep 2 # each has read cimRouteEventLastSequence
{
	for i in $(seq 1 20); do echo "route add 10.200.$i.0/24 via 10.1.0.9 dev va0"; done
	for i in $(seq 1 5); do echo "route add 2001:db8:9$i::/48 via 2001:db8:1::9 dev va0"; done
} >"$T/burst.batch"
nsx ip -batch "$T/burst.batch" || bail_out "ip -batch burst"
finished "$PA" "$T/a.csv"; result $? "Win32_IP4RouteTableEvent WITHIN 1 -N 20 ends with exit 0"
finished "$PB" "$T/b.json"; result $? "cimRouteEvent WITHIN 1 -N 25 ends with exit 0"
finished "$PC" "$T/c.json"; result $? "cimRouteEvent WHERE AddressType = 2 -N 5 ends with exit 0"
nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" -On "$AGENT" "$EV.3" >"$T/hist.walk" 2>&1 || bail_out "walk of cimRouteEventTable"

cat >"$T/cmp.py" <<'PY'
import csv, json, re, sys
l0, ev, walk, a, b, c = sys.argv[1:]
l0 = int(l0)
rows = {}
pre = ev + ".3.1."
for line in open(walk):
    m = re.match(r'(\S+) = (\w+): ?(.*)', line.strip())
    if not m or not m.group(1).startswith(pre):
        continue
    col, seq = map(int, m.group(1)[len(pre):].split("."))
    rows.setdefault(seq, {})[col] = m.group(3).strip('"')
new = sorted(s for s in rows if s > l0)
v4 = [s for s in new if rows[s].get(21, "").startswith(("1", "ipv4"))]
v6 = [s for s in new if rows[s].get(21, "").startswith(("2", "ipv6"))]
bad = []
if (len(v4), len(v6)) != (20, 5):
    bad.append("walk after %d: %d IPv4 and %d IPv6 rows, not 20 and 5" % (l0, len(v4), len(v6)))
ra = list(csv.DictReader(open(a, newline="")))
ra = [r for r in ra if r.get("TIME_CREATED") != "TIME_CREATED"]
if len(ra) != len(v4):
    bad.append("Win32_IP4RouteTableEvent: %d events, the walk %d" % (len(ra), len(v4)))
for r in ra:
    if not re.fullmatch(r"1[3-9]\d{16}", r.get("TIME_CREATED", "")) or r.get("SECURITY_DESCRIPTOR") != "":
        bad.append("Win32_IP4RouteTableEvent event %r" % r)
def events(path):  # one JSON array per event
    text, dec, out, i = open(path).read(), json.JSONDecoder(), [], 0
    while text[i:].strip():
        arr, i = dec.raw_decode(text, i + len(text[i:]) - len(text[i:].lstrip()))
        out += arr
    return out
rb = events(b)
if [o["Sequence"] for o in rb] != new:
    bad.append("cimRouteEvent sequences %s, the walk %s" % ([o["Sequence"] for o in rb], new))
for o in rb:
    s = o["Sequence"]
    if s in rows and str(o["AddressType"]) not in rows[s].get(21, ""):
        bad.append("seq %d AddressType %s, walk %s" % (s, o["AddressType"], rows[s].get(21)))
    if s in v4 and o["Destination"] != rows[s].get(4):
        bad.append("seq %d Destination %s, walk %s" % (s, o["Destination"], rows[s].get(4)))
    if s in v6 and not str(o["IP6Destination"]).startswith("2001:db8:9"):
        bad.append("seq %d IP6Destination %s" % (s, o["IP6Destination"]))
rc = events(c)
if [o["Sequence"] for o in rc] != v6 or any(set(o) != {"Sequence", "IP6Destination"} for o in rc):
    bad.append("AddressType = 2: %s, the walk's IPv6 rows %s" % (rc, v6))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
python3 "$T/cmp.py" "$L0" "$EV" "$T/hist.walk" "$T/a.csv" "$T/b.json" "$T/c.json" >"$T/cmp.out" 2>&1
result $? "each query printed exactly the history's rows after its start, in order (IPv4 class, both families, IPv6 by AddressType)"
[ -s "$T/cmp.out" ] && head -n 20 "$T/cmp.out" | diag
# the comparison sees a missing IPv4 event, a missing event of the stream, a wrong destination
sed 1,2d "$T/a.csv" >"$T/a1.csv"; sed '1,/^\]/d' "$T/b.json" >"$T/b1.json"; sed 's/10\.200\.7\.0/10.200.8.0/' "$T/b.json" >"$T/b2.json"
n=0
for args in "$T/a1.csv $T/b.json" "$T/a.csv $T/b1.json" "$T/a.csv $T/b2.json"; do
	python3 "$T/cmp.py" "$L0" "$EV" "$T/hist.walk" $args "$T/c.json" >/dev/null 2>&1 || n=$((n + 1))
done
is "$n" 3 "the comparison fails on each of 3 perturbed outputs"

# a gap: the history holds 5, 12 changes happen between two polls
out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$EV.4.0" u 5 2>&1)
result $? "SET cimRouteEventHistorySize.0 = 5"
L1=$(last_seq)
ev "SELECT Sequence FROM cimRouteEvent WITHIN 3" "$T/d.csv" -o csv -N 5; PD=$EVPID
sleep 1
for i in $(seq 1 12); do echo "route add 10.210.$i.0/24 via 10.1.0.9 dev va0"; done >"$T/gap.batch"
nsx ip -batch "$T/gap.batch" || bail_out "ip -batch gap"
finished "$PD" "$T/d.csv"; result $? "WITHIN 3 -N 5 across a wrapped history ends with exit 0"
is "$(cat "$T/d.csv.err")" "cimq: 7 changes missed (sequence $((L1 + 1))..$((L1 + 7)))" "one stderr line says how many changes were missed"
is "$(tail -n +1 "$T/d.csv" | tr -d '\r' | grep -v Sequence | tr -d '"' | tr '\n' ' ')" \
	"$(seq $((L1 + 8)) $((L1 + 12)) | tr '\n' ' ')" "then the 5 changes the history holds"

# A burst read by walks, not a GET a row: 300 IPv4 changes interleaved with 300 IPv6 ones,
# followed by the IPv4 event class (which skips the IPv6 rows) and by cimRouteEvent WHERE
# AddressType = 1, cost fewer requests than changes; a GET per sequence number and per
# selected row was 900 a query.
out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$EV.4.0" u 1000 2>&1) || bail_out "history 1000"
L2=$(last_seq)
pk() { snmp_get .1.3.6.1.2.1.11.1.0 | sed -n 's/.*Counter32: \([0-9]*\).*/\1/p'; } # snmpInPkts
ev "SELECT * FROM Win32_IP4RouteTableEvent WITHIN 1" "$T/g.csv" -o csv -N 300; PG=$EVPID
ev "SELECT Sequence FROM cimRouteEvent WITHIN 1 WHERE AddressType = 1" "$T/h.csv" -o csv -N 300; PH=$EVPID
sleep 1.5
P0=$(pk)
for i in $(seq 1 300); do
	echo "route add 10.$((220 + i / 250)).$((i % 250)).0/24 via 10.1.0.9 dev va0"
	echo "route add 2001:db8:a:$i::/64 via 2001:db8:1::9 dev va0"
done >"$T/many.batch"
nsx ip -batch "$T/many.batch" || bail_out "ip -batch many"
finished "$PG" "$T/g.csv"; result $? "300 IPv4 changes among 300 IPv6 ones: Win32_IP4RouteTableEvent -N 300 ends with exit 0"
finished "$PH" "$T/h.csv"; result $? "... and cimRouteEvent WHERE AddressType = 1 -N 300"
P1=$(pk)
is "$(grep -vc TIME_CREATED "$T/g.csv") $(cat "$T/g.csv.err")" "300 " "... the event class printed 300 events, nothing on stderr"
seqs=$(tr -d '\r"' <"$T/h.csv" | grep -v Sequence | tr '\n' ' ')
is "$seqs" "$(seq $((L2 + 1)) 2 $((L2 + 599)) | tr '\n' ' ')" "... each IPv4 change once, in order, no IPv6 one"
[ -n "$P0" ] && [ -n "$P1" ] && [ $((P1 - P0)) -lt 600 ]
result $? "... both in $((P1 - P0)) requests to snmpd (walks: fewer than one a change)"

# SIGINT, SIGTERM without -N: exit 0
for sig in INT TERM; do
	ev "SELECT * FROM Win32_IP4RouteTableEvent" "$T/e.csv" -o csv; PE=$EVPID
	sleep 1.5
	kill -$sig "$(pgrep -P "$PE")" # the subshell of & ignores SIGINT; cimq is its child
	finished "$PE" "$T/e.csv"; result $? "SIG$sig ends an event query with exit 0"
done
ev "SELECT * FROM Win32_IP4RouteTableEvent WITHIN 1" "$T/f.csv" -o csv -N 0; PF=$EVPID
finished "$PF" "$T/f.csv" 2>/dev/null
is "$(head -c 20 "$T/f.csv.err")" "cimq: -N takes a cou" "-N 0 is refused"

# Across the wrap of the numbering (4294967295, then 1): two walks, every change in order.
stop_cimrouted
sed -i '/^changes /d' "$T/state/notify-state" && echo "changes 4294967290" >>"$T/state/notify-state"
start_cimrouted
wait_registered 10 || bail_out "cimrouted did not register again"
is "$(last_seq)" 4294967290 "restarted with the numbering 5 short of its end"
ev "SELECT Sequence FROM cimRouteEvent WITHIN 1" "$T/w.csv" -o csv -N 12; PW=$EVPID
sleep 1.5
for i in $(seq 1 12); do echo "route add 10.230.$i.0/24 via 10.1.0.9 dev va0"; done >"$T/wrap.batch"
nsx ip -batch "$T/wrap.batch" || bail_out "ip -batch wrap"
finished "$PW" "$T/w.csv"; result $? "12 changes across the wrap: the query ends with exit 0"
is "$(tr -d '\r"' <"$T/w.csv" | grep -v Sequence | tr '\n' ' ')$(cat "$T/w.csv.err")" \
	"$(seq 4294967291 4294967295 | tr '\n' ' ')$(seq 1 7 | tr '\n' ' ')" "... 4294967291 to 4294967295, then 1 to 7, nothing missed"

both_alive "event queries"
done_testing
