#!/bin/bash
# cimq_assoc.sh - cimq's ASSOCIATORS OF / REFERENCES OF (Win32_ActiveRoute), its bounded range
# walks, the array rows of a keyed query and the JSON property order (issue 15).
#
# A namespace with two veth pairs, 1,000 routes 10.100.0.0/24 .. 10.103.249.0/24, 200 extra
# addresses on one interface, an IPv6 route, two persisted routes made with snmpset (both
# installed, so both have a row in cimActiveRouteTable).
#   - REFERENCES OF / ASSOCIATORS OF a persisted route and of a live route: the instances equal
#     what a walk of cimActiveRouteTable says (its index is the persisted route, its
#     SystemElement points to the live route's row) and what the kernel has (ip -j route);
#     the path with and without braces; WHERE AssocClass, ResultClass, Role, ResultRole,
#     KeysOnly; an instance that does not exist and a route without a persisted one: [] and
#     exit 0; ClassDefsOnly (8), an unknown class, key or AssocClass (2, with the nearest name);
#     the caret under an unknown ResultClass (2), SchemaOnly (8) and a repeated Role (1);
#     REFERENCES OF a persisted route costs two GETs (snmpd's SNMPv2-MIB counters).
#   - WHERE Destination >= a AND Destination < b over the 1,000 routes: the rows equal the
#     kernel's routes in [a, b) in address order, read in at most 3 requests and fewer than
#     a tenth of the variables a walk reads (snmpInPkts, snmpInTotalReqVars); a lower bound
#     alone and an upper bound alone, against the kernel.
#   - Win32_NetworkAdapterConfiguration WHERE Index = N: IPAddress equals the unkeyed query's
#     (and the kernel's addresses), and the address table is read only under that index.
#   - SELECT * FROM cimIP6Route -o json: the properties in map.tsv's order.
# The comparators are shown to detect a perturbed answer. Both daemons alive at the end.

. "$(dirname "$0")/lib.sh"
itest_init cimqassoc
. "$ITDIR/cimq_lib.sh"
cimq_require

veth va0 vb0 10.1.0.1/24 10.1.0.2/24 && veth va1 vb1 10.2.0.1/24 || bail_out "cannot build the veths"
nsx ip addr add 2001:db8:1::1/64 dev va0 nodad || bail_out "ip addr add (IPv6)"
for i in $(seq 1 200); do echo "address add 10.3.0.$i/32 dev va1"; done >"$T/addrs.batch"
{
	for i in $(seq 0 999); do echo "route add 10.$((100 + i / 250)).$((i % 250)).0/24 via 10.2.0.9 dev va1"; done
	echo "route add 2001:db8:50::/48 via 2001:db8:1::9 dev va0"
} >"$T/routes.batch"
nsx ip -batch "$T/addrs.batch" && nsx ip -batch "$T/routes.batch" >"$T/batch.out" 2>&1 ||
	{ head -n 5 "$T/batch.out" | diag; bail_out "ip -batch"; }

start_agents
P1=10.95.0.0.255.255.0.0.10.1.0.9.3
P2=10.96.0.0.255.255.0.0.10.2.0.9.5
for pix in $P1 $P2; do
	out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$ENT.2.3.1.12.$pix" i 4 2>&1) ||
		{ diag "$out"; bail_out "snmpset createAndGo of the persisted route $pix"; }
	wait_for served "$ENT.3.3.1.2.$pix" || bail_out "no active route row for $pix after ${WAITED_MS} ms"
done
IX0=$(nsx ip -j link show va0 | jq '.[0].ifindex')
IX1=$(nsx ip -j link show va1 | jq '.[0].ifindex')
nsx ip -j -4 route show table main >"$T/r4.json" || bail_out "ip -j route"
nsx snmpbulkwalk "${V2[@]}" "${SNMP_OPTS[@]}" -On "$AGENT" "$ENT.3.3" >"$T/active.walk" 2>&1 ||
	bail_out "walk of cimActiveRouteTable"

PPATH1="Win32_IP4PersistedRouteTable.Destination='10.95.0.0',Mask='255.255.0.0',NextHop='10.1.0.9',Metric1=3"
LPATH2="Win32_IP4RouteTable.Destination='10.96.0.0',Mask='255.255.0.0',NextHop='10.2.0.9',InterfaceIndex=$IX1"

# qrun TEXT FORMAT WQL: the query succeeds; its output in $T/q.FORMAT
qrun() {
	q "$2" "$3" && return 0
	not_ok "$1: cimq exit status $QRC"
	diag "query: $3" "$(head -c 600 "$T/q.$2.err")"
	return 1
}

# ---------------------------------------------------------------- the association, from the walk
# expected.py WALK PIX: the REFERENCES instance of the persisted route PIX as the walk shows it
# (SameElement: the row index; SystemElement: the live route's index the pointer holds), as JSON
cat >"$T/expected.py" <<'EOF'
import json, sys
ENT = "1.3.6.1.4.1.32473.1.1"
walk, pix = sys.argv[1], sys.argv[2]
def quad(s): return ".".join(s[:4])
for line in open(walk):
    name, _, val = line.partition(" = ")
    name = name.strip().lstrip(".")
    if not name.startswith(ENT + ".3.3.1.2." + pix) or name != ENT + ".3.3.1.2." + pix:
        continue
    ptr = val.split(": ", 1)[1].strip().lstrip(".")
    assert ptr.startswith(ENT + ".1.3.1."), ptr
    ix = ptr[len(ENT + ".1.3.1."):].split(".")[1:]        # after the column
    p = pix.split(".")
    print(json.dumps([{
        "SameElement": 'Win32_IP4PersistedRouteTable.Destination="%s",Mask="%s",NextHop="%s",Metric1=%s'
        % (quad(p), quad(p[4:]), quad(p[8:]), p[12]),
        "SystemElement": 'Win32_IP4RouteTable.Destination="%s",Mask="%s",NextHop="%s",InterfaceIndex=%s'
        % (quad(ix), quad(ix[4:]), quad(ix[8:]), ix[12])}], sort_keys=True))
    break
EOF
# same_json TEXT FILE EXPECTED_JSON: the JSON of FILE equals EXPECTED (keys sorted)
same_json() {
	local got
	got=$(jq -cS . "$2" 2>/dev/null)
	if [ -n "$got" ] && [ "$got" = "$(jq -cS . <<<"$3")" ]; then ok "$1"; else not_ok "$1"; diag "got:      $got" "expected: $3"; fi
}

exp1=$(python3 "$T/expected.py" "$T/active.walk" "$P1")
exp2=$(python3 "$T/expected.py" "$T/active.walk" "$P2")
[ -n "$exp1" ] && [ -n "$exp2" ] || { diag "$(head -n 5 "$T/active.walk")"; bail_out "the walk has no row of the persisted routes"; }

qrun "REFERENCES OF a persisted route" json "REFERENCES OF {$PPATH1}" &&
	same_json "REFERENCES OF a persisted route: the Win32_ActiveRoute instance of the walk" "$T/q.json" "$exp1"
cp "$T/q.json" "$T/refs1.json"
qrun "REFERENCES OF a live route" json "REFERENCES OF {$LPATH2}" &&
	same_json "REFERENCES OF a live route: the Win32_ActiveRoute instance of the walk" "$T/q.json" "$exp2"
# perturbed: the other persisted route's instance is not this one's
[ "$(jq -cS . "$T/refs1.json")" != "$(jq -cS . <<<"$exp2")" ] && ok "perturbed: another route's instance differs" ||
	not_ok "perturbed: another route's instance differs"

# ASSOCIATORS of the persisted route: the live route, as the pointer and the kernel say
kroute() { # DEST/LEN: the kernel's route as "dest mask-len gateway ifindex metric"
	jq -r --arg d "$1" '.[] | select(.dst == $d) | "\(.dst) \(.gateway) \(.dev) \(.metric // 0)"' "$T/r4.json"
}
qrun "ASSOCIATORS OF a persisted route" json "ASSOCIATORS OF {$PPATH1}" && {
	got=$(jq -r '.[] | "\(.Destination)/\(.Mask) \(.NextHop) \(.InterfaceIndex) \(.Metric1)"' "$T/q.json" | tr '\n' ';')
	read -r _ gw dev metric <<<"$(kroute 10.95.0.0/16)"
	want="10.95.0.0/255.255.0.0 $gw $(nsx ip -j link show "$dev" | jq '.[0].ifindex') $metric;"
	is "$got" "$want" "ASSOCIATORS OF a persisted route: its live route as the kernel has it ($dev)"
	live=$(jq -r '.[0] | "Win32_IP4RouteTable.Destination=\"\(.Destination)\",Mask=\"\(.Mask)\",NextHop=\"\(.NextHop)\",InterfaceIndex=\(.InterfaceIndex)"' "$T/q.json")
	is "$live" "$(jq -r '.[0].SystemElement' <<<"$exp1")" "ASSOCIATORS OF a persisted route: the instance the walk's SystemElement points to"
	[ "$(jq length "$T/q.json")" -eq 1 ] && [ "$(jq -r '.[0] | keys | length' "$T/q.json")" -eq 18 ] &&
		ok "ASSOCIATORS: every property of Win32_IP4RouteTable (18)" || not_ok "ASSOCIATORS: every property of Win32_IP4RouteTable (18)"
}
cp "$T/q.json" "$T/assoc1.json"
qrun "the path without braces" json "ASSOCIATORS OF $PPATH1" &&
	is "$(jq -cS 'map(del(.Age))' "$T/q.json")" "$(jq -cS 'map(del(.Age))' "$T/assoc1.json")" "the path without braces: the same instance"
qrun "ASSOCIATORS OF a live route" json "ASSOCIATORS OF {$LPATH2}" &&
	is "$(jq -r '.[] | "\(.Destination) \(.Mask) \(.NextHop) \(.Metric1)"' "$T/q.json" | tr '\n' ';')" \
		"10.96.0.0 255.255.0.0 10.2.0.9 5;" "ASSOCIATORS OF a live route: its persisted route"
is "$(kroute 10.96.0.0/16)" "10.96.0.0/16 10.2.0.9 va1 5" "the kernel has the second route"

# WHERE keywords; nothing to associate
count() { # TEXT WQL N: the query succeeds with N instances
	qrun "$1" json "$2" || return
	is "$(jq length "$T/q.json")" "$3" "$1: $3 instances"
}
count "AssocClass = Win32_ActiveRoute" "ASSOCIATORS OF {$PPATH1} WHERE AssocClass = Win32_ActiveRoute" 1
count "ResultClass = Win32_IP4RouteTable" "ASSOCIATORS OF {$PPATH1} WHERE ResultClass = Win32_IP4RouteTable" 1
count "ResultClass = the source's class" "ASSOCIATORS OF {$PPATH1} WHERE ResultClass = Win32_IP4PersistedRouteTable" 0
count "Role = SameElement" "ASSOCIATORS OF {$PPATH1} WHERE Role = SameElement ResultRole = SystemElement" 1
count "Role = SystemElement (not the persisted route's role)" "ASSOCIATORS OF {$PPATH1} WHERE Role = SystemElement" 0
# a path with WMI's \\server\namespace: prefix: the local server (. or the agent's name as given), root\cimv2
count "a path \\\\.\\root\\cimv2:..." "ASSOCIATORS OF {\\\\.\\root\\cimv2:$PPATH1}" 1
count "a path //127.0.0.1/ROOT/CIMV2:... (the agent's name)" "REFERENCES OF {//127.0.0.1/ROOT/CIMV2:$PPATH1}" 1
count "a path root\\cimv2:..." "REFERENCES OF root\\cimv2:$PPATH1" 1
count "a REF compared with a path with the prefix" "SELECT * FROM Win32_ActiveRoute WHERE SameElement = \"\\\\\\\\.\\\\root\\\\cimv2:$PPATH1\"" 1
count "REFERENCES ... Role = SystemElement of a live route" "REFERENCES OF {$LPATH2} WHERE Role = SystemElement ResultClass = Win32_ActiveRoute" 1
count "a persisted route that does not exist" "ASSOCIATORS OF {Win32_IP4PersistedRouteTable.Destination='10.97.0.0',Mask='255.255.0.0',NextHop='10.1.0.9',Metric1=3}" 0
count "REFERENCES OF a live route that does not exist" "REFERENCES OF {Win32_IP4RouteTable.Destination='10.97.0.0',Mask='255.255.0.0',NextHop='10.1.0.9',InterfaceIndex=$IX0}" 0
count "a live route without a persisted one" "ASSOCIATORS OF {Win32_IP4RouteTable.Destination='10.100.0.0',Mask='255.255.255.0',NextHop='10.2.0.9',InterfaceIndex=$IX1}" 0
qrun "KeysOnly" json "ASSOCIATORS OF {$PPATH1} WHERE KeysOnly" &&
	is "$(jq -r '.[0] | keys_unsorted | join(" ")' "$T/q.json")" "Destination InterfaceIndex Mask NextHop" "KeysOnly: the keys of Win32_IP4RouteTable"
qrun "the table format" table "REFERENCES OF {$PPATH1}" &&
	grep -q "^SameElement  *SystemElement" "$T/q.table" && ok "the table format: SameElement, SystemElement" ||
	not_ok "the table format: SameElement, SystemElement"

# errors: status and message
qerr() { # TEXT WQL STATUS PATTERN
	q json "$2"
	if [ "$QRC" -eq "$3" ] && grep -q -- "$4" "$T/q.json.err"; then ok "$1 (exit $3)"; else
		not_ok "$1 (exit $3)"; diag "exit $QRC" "$(head -c 400 "$T/q.json.err")"; fi
}
qerr "ClassDefsOnly is refused" "ASSOCIATORS OF {$PPATH1} WHERE ClassDefsOnly" 8 "ClassDefsOnly is not supported"
qerr "an unknown class in the path" "ASSOCIATORS OF {Win32_IP4PersistedRouteTabel.Destination='10.95.0.0'}" 2 \
	"did you mean Win32_IP4PersistedRouteTable"
qerr "an unknown key in the path" "REFERENCES OF {Win32_IP4RouteTable.Destinaton='10.95.0.0'}" 2 "did you mean Destination"
qerr "a property that is no key" "REFERENCES OF {Win32_IP4RouteTable.Metric1=3}" 2 "Metric1 is not a key of Win32_IP4RouteTable"
qerr "an unknown AssocClass" "ASSOCIATORS OF {$PPATH1} WHERE AssocClass = Win32_ActivRoute" 2 "did you mean Win32_ActiveRoute"
qerr "a namespace other than root\\cimv2" "ASSOCIATORS OF {\\\\.\\root\\default:$PPATH1}" 2 'invalid namespace root.default'
qerr "a server other than the agent" "REFERENCES OF {\\\\router9\\root\\cimv2:$PPATH1}" 2 "server router9 is not the agent"
qerr "ISA an unknown class" "SELECT * FROM Win32_ActiveRoute WHERE SameElement ISA 'Win32_IP4RouteTabel'" 2 \
	"ISA: unknown class Win32_IP4RouteTabel (did you mean Win32_IP4RouteTable?)"
qerr "AssocClass in REFERENCES OF" "REFERENCES OF {$PPATH1} WHERE AssocClass = Win32_ActiveRoute" 1 "REFERENCES OF takes"
# the caret under the last TOKEN of WQL (the column computed here from the query, not read from cimq)
qcaret() { # TEXT WQL STATUS TOKEN
	local pre=${2%"$4"*}
	q json "$2"
	if [ "$QRC" -eq "$3" ] && grep -qx "  $(printf '%*s' ${#pre} '')^" "$T/q.json.err"; then ok "$1: the caret under $4 (exit $3)"; else
		not_ok "$1: the caret under $4 (exit $3)"; diag "exit $QRC" "$(head -c 600 "$T/q.json.err")"; fi
}
qcaret "an unknown ResultClass" "ASSOCIATORS OF {$PPATH1} WHERE KeysOnly ResultClass = Win32_IP4RouteTabel" 2 Win32_IP4RouteTabel
qcaret "SchemaOnly" "ASSOCIATORS OF {$PPATH1} WHERE KeysOnly SchemaOnly" 8 SchemaOnly
qcaret "a repeated Role" "ASSOCIATORS OF {$PPATH1} WHERE Role = SameElement Role = SameElement" 1 Role

# ---------------------------------------------------------------- costs, from snmpd's counters
# snmpInPkts, snmpInGetRequests, snmpInTotalReqVars before and after; the read costs 1 packet,
# 1 GET and 3 variables
ctr() { snmp_get .1.3.6.1.2.1.11.1.0 .1.3.6.1.2.1.11.15.0 .1.3.6.1.2.1.11.13.0 | sed 's/.*: //' | tr '\n' ' '; }
cost() { # FORMAT WQL: sets PKTS GETS VARS (the query's output in $T/q.FORMAT)
	local a b
	read -r -a a <<<"$(ctr)"
	q "$1" "$2"
	read -r -a b <<<"$(ctr)"
	PKTS=$((b[0] - a[0] - 1)); GETS=$((b[1] - a[1] - 1)); VARS=$((b[2] - a[2] - 3))
}
cost json "REFERENCES OF {$PPATH1}"
[ "$QRC" -eq 0 ] && [ "$PKTS" -eq 2 ] && [ "$GETS" -eq 2 ] &&
	ok "REFERENCES OF a persisted route: two GETs (the route, the association)" ||
	not_ok "REFERENCES OF a persisted route: two GETs (got exit $QRC, $PKTS packets, $GETS GETs)"

# ---------------------------------------------------------------- bounded ranges
# inrange.py ROUTES_JSON LO HI: the kernel's (Destination, Mask) with LO <= Destination < HI
# (addresses; "" for no bound; LO may end in "+" for >), one "dest mask" a line, in address order
cat >"$T/inrange.py" <<'EOF'
import ipaddress as ia, json, sys
routes = json.load(open(sys.argv[1]))
lo, hi = sys.argv[2], sys.argv[3]
strict = lo.endswith("+")
lo = lo.rstrip("+")
rows = []
for r in routes:
    net = ia.ip_network("0.0.0.0/0" if r["dst"] == "default" else r["dst"], strict=False)
    d = net.network_address
    if lo and (d < ia.ip_address(lo) or (strict and d == ia.ip_address(lo))):
        continue
    if hi and d >= ia.ip_address(hi):
        continue
    rows.append((d, str(net.netmask)))
for d, m in sorted(rows):
    print(d, m)
EOF
range_check() { # TEXT LO HI WQL_CONDITION
	local want got
	want=$(python3 "$T/inrange.py" "$T/r4.json" "$2" "$3")
	cost json "SELECT Destination, Mask FROM Win32_IP4RouteTable WHERE $4"
	got=$(jq -r '.[] | "\(.Destination) \(.Mask)"' "$T/q.json" 2>/dev/null)
	if [ "$QRC" -eq 0 ] && [ "$got" = "$want" ] && [ -n "$want" ]; then
		ok "$1: the kernel's $(wc -l <<<"$want") routes, in address order ($PKTS requests, $VARS variables)"
	else
		not_ok "$1: the kernel's routes"; diag "exit $QRC" "got $(wc -l <<<"$got"): $(head -n 3 <<<"$got" | tr '\n' ';')" "want $(wc -l <<<"$want"): $(head -n 3 <<<"$want" | tr '\n' ';')"
	fi
}
cost json "SELECT Destination, Mask FROM Win32_IP4RouteTable WHERE Metric1 = 12345"
walk_vars=$VARS walk_pkts=$PKTS
[ "$walk_vars" -ge 1000 ] && ok "a non-key condition walks ($walk_pkts requests, $walk_vars variables)" ||
	not_ok "a non-key condition walks (got $walk_pkts requests, $walk_vars variables)"
range_check "Destination >= a AND Destination < b" 10.101.0.0 10.101.10.0 \
	"Destination >= '10.101.0.0' AND Destination < '10.101.10.0'"
[ "$PKTS" -le 3 ] && [ "$VARS" -lt $((walk_vars / 10)) ] &&
	ok "a range of 10 routes in 1,000: $PKTS requests, $VARS variables (the walk: $walk_pkts, $walk_vars)" ||
	not_ok "a range of 10 routes in 1,000: got $PKTS requests, $VARS variables (the walk: $walk_pkts, $walk_vars)"
range_check "a range across requests (<= b)" 10.102.0.0 10.102.100.0 \
	"Destination <= '10.102.99.0' AND '10.102.0.0' <= Destination AND Metric1 >= 0"
[ "$VARS" -lt $((walk_vars / 4)) ] && ok "a range of 100 routes: $PKTS requests, $VARS variables" ||
	not_ok "a range of 100 routes: got $PKTS requests, $VARS variables"
range_check "a lower bound alone (>)" 10.103.239.0+ "" "Destination > '10.103.239.0'"
[ "$VARS" -lt $((walk_vars / 10)) ] && ok "a lower bound near the end: $VARS variables" ||
	not_ok "a lower bound near the end: got $VARS variables"
range_check "an upper bound alone (<)" "" 10.95.0.0 "Destination < '10.95.0.0'"
[ "$VARS" -lt $((walk_vars / 10)) ] && ok "an upper bound near the start: $VARS variables" ||
	not_ok "an upper bound near the start: got $VARS variables"
# a range on a one-component index (the bound itself is a row): InterfaceIndex of the adapters
want=$(nsx ip -j link show | jq -r --argjson a "$IX0" --argjson b "$IX1" \
	'[.[].ifindex | select(. >= $a and . <= $b)] | sort | map(tostring) | join(" ")')
qrun "InterfaceIndex >= a AND InterfaceIndex <= b" json \
	"SELECT InterfaceIndex FROM Win32_NetworkAdapter WHERE InterfaceIndex >= $IX0 AND InterfaceIndex <= $IX1" &&
	is "$(jq -r '[.[].InterfaceIndex] | map(tostring) | join(" ")' "$T/q.json")" "$want" \
		"InterfaceIndex >= $IX0 AND <= $IX1: the kernel's links, both bounds included"
# perturbed: a range one route short is told apart
want=$(python3 "$T/inrange.py" "$T/r4.json" 10.101.0.0 10.101.10.0)
[ "$(python3 "$T/inrange.py" "$T/r4.json" 10.101.0.0 10.101.9.0)" != "$want" ] && ok "perturbed: a range one route short differs" ||
	not_ok "perturbed: a range one route short differs"

# ---------------------------------------------------------------- array rows of a keyed query
cfg_ix=$(q json "SELECT Index, InterfaceIndex FROM Win32_NetworkAdapterConfiguration" &&
	jq -r --argjson i "$IX0" '.[] | select(.InterfaceIndex == $i) | .Index' "$T/q.json")
if [ -z "$cfg_ix" ]; then
	not_ok "the configuration of va0"; diag "$(head -c 400 "$T/q.json")"
else
	q json "SELECT Index, IPAddress FROM Win32_NetworkAdapterConfiguration"
	all=$(jq -c --argjson i "$cfg_ix" '[.[] | select(.Index == $i) | .IPAddress]' "$T/q.json")
	cost json "SELECT Index, IPAddress FROM Win32_NetworkAdapterConfiguration WHERE Index = $cfg_ix"
	is "$(jq -c '[.[].IPAddress]' "$T/q.json")" "$all" "Index = $cfg_ix: IPAddress as the unkeyed query has it"
	kern=$(nsx ip -j addr show dev va0 | jq -c '[.[0].addr_info[].local] | sort')
	is "$(jq -c '.[0].IPAddress | sort' "$T/q.json")" "$kern" "Index = $cfg_ix: IPAddress as the kernel has it"
	[ "$VARS" -lt 100 ] && ok "Index = $cfg_ix: the address table read under that index ($VARS variables; 200 addresses elsewhere)" ||
		not_ok "Index = $cfg_ix: the address table read under that index (got $VARS variables; 200 addresses elsewhere)"
fi

# ---------------------------------------------------------------- JSON property order
want=$(awk -F'\t' '$2 == "cimIP6RouteEntry" { on = 1; next } on && $2 !~ /^cimIP6Route/ { exit }
	on { sub(/^cimIP6Route/, "", $2); printf "%s%s", sep, $2; sep = " " }' "$TOP_SRCDIR/mof-map/map.tsv")
qrun "SELECT * FROM cimIP6Route" json "SELECT * FROM cimIP6Route" &&
	is "$(jq -r '.[0] | keys_unsorted | join(" ")' "$T/q.json")" "$want" "cimIP6Route in JSON: the properties in map.tsv's order"

both_alive "every query"
done_testing
