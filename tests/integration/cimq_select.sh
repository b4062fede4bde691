#!/bin/bash
# cimq_select.sh - cimq's SELECT answers equal what snmpwalk and the kernel show (issue 15).
#
# A namespace with two veth pairs (an alias on one), IPv4 and IPv6 addresses, routes of every
# kind (gateway, connected, multipath, blackhole, same prefix with two metrics, one added after
# the daemon started so that it has an InstallDate), a persisted route made with snmpset. For
# every class cimq serves (Win32_IP4RouteTable, Win32_IP4PersistedRouteTable, Win32_ActiveRoute,
# Win32_NetworkAdapter, Win32_NetworkAdapterConfiguration, cimIP6Route):
#   - SELECT * -o json: every instance and property equals the row of a walk of the enterprise
#     subtree, converted to WMI's types by cimq_rows.py from map.tsv and the MIB text (its own
#     parse, not cimq's); the JSON types match WMI's (numbers, booleans, arrays, null,
#     CIM_DATETIME and MAC shapes); and the kernel agrees (ip -j route / link / addr);
#   - a projection: exactly the properties asked, values as the walk's;
#   - the projection in csv (python's csv module), table (Format-Table) and list (Format-List)
#     holds the JSON's instances and values.
# WHERE, each compared with the same predicate evaluated by cimq_rows.py over the walk: all
# keys (a GET / a one-row range), a key prefix (range), non-keys (walk), LIKE with % _ [],
# IS NULL / IS NOT NULL, AND / OR / NOT with parentheses, an empty result (exit 0), an array
# property (any element). The plans,
# from snmpd's SNMPv2-MIB counters: every key of a table is one GET of one variable; a key prefix
# a range costing under a quarter of the walk a non-key condition makes (214 rows).
# The comparators are shown to detect perturbed answers. An alias that is not UTF-8 read back
# from the CSV through python's csv module.
# Both daemons alive at the end.

. "$(dirname "$0")/lib.sh"
itest_init cimqsel
. "$ITDIR/cimq_lib.sh"
cimq_require

veth va0 vb0 10.1.0.1/24 10.1.0.2/24 && veth va1 vb1 10.2.0.1/24 || bail_out "cannot build the veths"
nsx ip link set va0 alias uplink
for a in "2001:db8:1::1/64 dev va0 nodad" "2001:db8:2::1/64 dev va1 nodad" "10.1.0.3/24 dev va0"; do
	nsx ip addr add $a || bail_out "ip addr add $a"
done
cat >"$T/routes.batch" <<'EOF'
route add default via 10.1.0.254 dev va0 metric 100
route add 10.50.0.0/16 via 10.1.0.9 dev va0 proto static
route add 10.60.0.0/16 proto bgp nexthop via 10.1.0.254 dev va0 nexthop via 10.2.0.254 dev va1
route add blackhole 10.70.0.0/16
route add unreachable 10.71.0.0/16 metric 7
route add 10.80.0.0/24 dev va1 metric 5
route add 10.80.0.0/24 via 10.2.0.7 dev va1 metric 20
route add 10.90.1.0/24 via 10.1.0.9 dev va0 proto ospf metric 30
route add 2001:db8:50::/48 via 2001:db8:1::9 dev va0
route add 2001:db8:60::/48 nexthop via 2001:db8:1::fe dev va0 nexthop via 2001:db8:2::fe dev va1
route add blackhole 2001:db8:70::/48
route add default via 2001:db8:1::fe dev va0 metric 1024
EOF
# enough rows that a range and a walk differ in cost by far
for i in $(seq 0 199); do echo "route add 10.100.$i.0/24 via 10.2.0.9 dev va1 proto static metric $((i % 3 * 10))"; done >>"$T/routes.batch"
nsx ip -batch "$T/routes.batch" >"$T/batch.out" 2>&1 || { head -n 5 "$T/batch.out" | diag; bail_out "ip -batch routes"; }

start_agents
# after the start: an InstallDate
ADDED=$(date +%s)
nsx ip route add 10.91.0.0/16 via 10.2.0.9 dev va1 metric 40 || not_ok "route added after the start"
# a persisted route (and with it an active route)
PIX=10.95.0.0.255.255.0.0.10.1.0.9.3
out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$ENT.2.3.1.12.$PIX" i 4 2>&1)
result $? "snmpset createAndGo of a persisted route"
[ $? -eq 0 ] || diag "$out"
wait_for served "$ENT.3.3.1.2.$PIX" || diag "no active route row after ${WAITED_MS} ms"

snap() { # PREFIX: the kernel and a walk, as the comparisons read them
	nsx ip -j -d -4 route show table main >"$1.r4.json" && nsx ip -j -d -6 route show table main >"$1.r6.json" &&
		nsx ip -j -d link show >"$1.links.json" && nsx ip -j addr show >"$1.addrs.json" && walk_ent "$1.walk"
}
snap "$T/k" || bail_out "kernel snapshot or walk failed"
WALKED=$SECONDS # Age grows by the time between the walk and a query (--slack)
diag "walk: $(wc -l <"$T/k.walk") lines"

# qcheck TEXT FORMAT WQL: the query succeeds (exit 0); its output in $T/q.FORMAT
qcheck() {
	if q "$2" "$3"; then return 0; fi
	not_ok "$1: cimq exit status $QRC"
	diag "query: $3" "$(head -c 600 "$T/q.$2.err")"
	return 1
}

# ---------------------------------------------------------------- every class
# class  projection (scalar properties)  kernel check
CASES=(
	"Win32_IP4RouteTable|Destination, Mask, NextHop, InterfaceIndex, Metric1, Type|kroutes4 R4"
	"Win32_IP4PersistedRouteTable|Destination, Mask, NextHop, Metric1, Status|"
	"Win32_ActiveRoute|SameElement, SystemElement|"
	"Win32_NetworkAdapter|DeviceID, Name, NetConnectionID, NetEnabled, MACAddress|kadapters"
	"Win32_NetworkAdapterConfiguration|Index, SettingID, MTU, IPEnabled, MACAddress|kadcfg"
	"cimIP6Route|Destination, PrefixLength, NextHop, InterfaceIndex, Name|kroutes6 R6"
)
for c in "${CASES[@]}"; do
	IFS='|' read -r cls proj kern <<<"$c"
	if qcheck "SELECT * FROM $cls" json "SELECT * FROM $cls"; then
		cp "$T/q.json" "$T/$cls.all.json"
		rows_check "SELECT * FROM $cls equals the walk (every instance, every property)" \
			walk "$cls" "$T/k.walk" "$T/$cls.all.json" --slack $((SECONDS - WALKED + 5))
		rows_check "SELECT * FROM $cls: JSON types are WMI's" types "$cls" "$T/$cls.all.json"
		n=$(jq length "$T/$cls.all.json")
		[ "${n:-0}" -gt 0 ] && ok "SELECT * FROM $cls has instances ($n)" || not_ok "SELECT * FROM $cls has instances"
		case $kern in
		kroutes4*) rows_check "$cls equals the kernel's IPv4 routes (ip -j route)" kroutes4 "$T/$cls.all.json" "$T/k.r4.json" "$T/k.links.json" ;;
		kroutes6*) rows_check "$cls equals the kernel's IPv6 routes (ip -j route)" kroutes6 "$T/$cls.all.json" "$T/k.r6.json" "$T/k.links.json" ;;
		kadapters) rows_check "$cls equals the kernel's links (ip -j link)" kadapters "$T/$cls.all.json" "$T/k.links.json" ;;
		kadcfg) rows_check "$cls equals the kernel's links and addresses (ip -j link/addr)" kadcfg "$T/$cls.all.json" "$T/k.links.json" "$T/k.addrs.json" ;;
		esac
	fi
	wql="SELECT $proj FROM $cls"
	if qcheck "$wql" json "$wql"; then
		cp "$T/q.json" "$T/$cls.proj.json"
		rows_check "$wql equals the walk, exactly those properties" walk "$cls" "$T/k.walk" "$T/$cls.proj.json" --props "${proj// /}"
		for f in csv table list; do
			qcheck "$wql -o $f" "$f" "$wql" && rows_check "$wql -o $f holds the JSON's instances and values" "$f" "$T/$cls.proj.json" "$T/q.$f"
		done
	fi
done

# the JSON's types read with jq, as a PowerShell user's ConvertFrom-Json would see them
jqt() { # TEXT FILE FILTER: one TAP line: jq -e FILTER holds
	if jq -e "$3" "$2" >/dev/null 2>&1; then ok "$1"; else not_ok "$1"; diag "jq -e '$3'" "$(head -c 300 "$2")"; fi
}
DT='test("^[0-9]{14}\\.[0-9]{6}[+-][0-9]{3}$")'
NA=$T/Win32_NetworkAdapter.all.json
jqt "jq: InterfaceIndex, Speed are numbers" "$NA" 'all(.[]; (.InterfaceIndex | type) == "number" and ((.Speed | type) == "number" or .Speed == null))'
jqt "jq: NetEnabled, Installed are booleans" "$NA" 'all(.[]; (.NetEnabled | type) == "boolean" and .Installed == true)'
jqt "jq: NetworkAddresses is an array of strings (or null)" "$NA" 'all(.[]; .NetworkAddresses == null or ((.NetworkAddresses | type) == "array" and all(.NetworkAddresses[]; type == "string")))'
jqt "jq: MACAddress is 00:80:C7:8F:6C:96-shaped" "$NA" 'all(.[]; .MACAddress | test("^[0-9A-F]{2}(:[0-9A-F]{2}){5}$"))'
jqt "jq: GUID (always absent) is null" "$NA" 'all(.[]; .GUID == null)'
jqt "jq: TimeOfLastReset is CIM_DATETIME" "$NA" "all(.[]; .TimeOfLastReset | $DT)"
jqt "jq: InstallDate of routes is null or CIM_DATETIME, some of each" "$T/Win32_IP4RouteTable.all.json" \
	"all(.[]; .InstallDate == null or (.InstallDate | $DT)) and any(.[]; .InstallDate == null) and any(.[]; .InstallDate != null)"
jqt "jq: IPAddress and IPSubnet are arrays of the same length" "$T/Win32_NetworkAdapterConfiguration.all.json" \
	'all(.[]; .IPAddress == null or ((.IPAddress | length) == (.IPSubnet | length)))'

# the comparisons can fail: a changed value, a dropped instance, a changed key each detected
A=$T/Win32_IP4RouteTable.all.json
if [ -s "$A" ]; then
	for p in '.[0].Metric1 += 1|changed Metric1' 'del(.[1])|dropped instance' '.[2].NextHop = "10.1.0.77"|changed NextHop' \
		'.[0].Caption = "x"|changed Caption'; do
		jq "${p%|*}" "$A" >"$T/perturbed.json"
		python3 "$CQROWS" walk Win32_IP4RouteTable "$T/k.walk" "$T/perturbed.json" >"$T/perturbed.out" 2>&1
		[ $? -eq 1 ] && ok "the walk comparison detects a ${p#*|}" || { not_ok "the walk comparison detects a ${p#*|}"; diag <"$T/perturbed.out"; }
	done
	jq 'del(.[1])' "$A" >"$T/perturbed.json"
	python3 "$CQROWS" kroutes4 "$T/perturbed.json" "$T/k.r4.json" "$T/k.links.json" >"$T/perturbed.out" 2>&1
	[ $? -eq 1 ] && ok "the kernel comparison detects a dropped route" || { not_ok "the kernel comparison detects a dropped route"; diag <"$T/perturbed.out"; }
fi

# SELECT * (arrays, NULLs, booleans, datetimes) in every text format, and the default format
for cls in Win32_NetworkAdapter Win32_NetworkAdapterConfiguration; do
	[ -s "$T/$cls.all.json" ] || continue
	for f in csv table list; do
		qcheck "SELECT * FROM $cls -o $f" "$f" "SELECT * FROM $cls" &&
			rows_check "SELECT * FROM $cls -o $f holds the JSON's instances and values" "$f" "$T/$cls.all.json" "$T/q.$f"
	done
done
cq -v2c -c public "$AGENT" "SELECT DeviceID, NetConnectionID FROM Win32_NetworkAdapter" >"$T/default.out" 2>&1
q table "SELECT DeviceID, NetConnectionID FROM Win32_NetworkAdapter"
cmp -s "$T/default.out" "$T/q.table" && ok "the default format is the table" || { not_ok "the default format is the table"; diff "$T/default.out" "$T/q.table" | head | diag; }

# the persisted route and its active route, from the kernel's side
if [ -s "$T/Win32_IP4PersistedRouteTable.all.json" ]; then
	k=$(jq -r '.[] | select(.Destination == "10.95.0.0") | "\(.Mask) \(.NextHop) \(.Metric1)"' "$T/Win32_IP4PersistedRouteTable.all.json")
	kr=$(jq -r '.[] | select(.dst == "10.95.0.0/16") | "255.255.0.0 \(.gateway) \(.metric)"' "$T/k.r4.json")
	is "$k" "$kr" "the persisted route cimq shows is the kernel's (mask, next hop, metric)"
	n=$(jq length "$T/Win32_ActiveRoute.all.json" 2>/dev/null)
	is "$n" 1 "one active route (the persisted route is installed)"
fi
# the datetime: InstallDate of the route added after the start is CIM_DATETIME, between the
# second it was added and now (a loaded machine may take long between the two)
d=$(jq -r '.[] | select(.Destination == "10.91.0.0") | .InstallDate' "$T/Win32_IP4RouteTable.all.json" 2>/dev/null)
if PYTHONPATH=$ITDIR python3 - "$d" "$ADDED" <<'EOF'; then ok "InstallDate of a new route is a CIM_DATETIME between its addition and now ($d)"; else not_ok "InstallDate of a new route is a CIM_DATETIME between its addition and now"; diag "$d, added at $ADDED"; fi
import sys, time, cimq_rows
s = cimq_rows.dt_seconds(sys.argv[1])
assert s is not None and int(sys.argv[2]) - 1 <= s <= time.time() + 1, (sys.argv[1], s, time.time())
EOF

# ---------------------------------------------------------------- WHERE
# where TEXT CLASS PROPS WQL-CONDITION PY-PREDICATE: cimq's instances are exactly those the
# predicate keeps in the walk, with the walk's values
where() {
	local text=$1 cls=$2 props=$3 cond=$4 pred=$5 wql
	wql="SELECT $props FROM $cls WHERE $cond"
	python3 "$CQROWS" select "$cls" "$T/k.walk" "$pred" >"$T/where.want" 2>&1 || { not_ok "$text: predicate"; diag <"$T/where.want"; return; }
	if qcheck "$text" json "$wql"; then
		rows_check "$text: $cond ($(wc -l <"$T/where.want") instances)" walk "$cls" "$T/k.walk" "$T/q.json" \
			--props "${props// /}" --subset --expect-keys "$T/where.want"
	fi
}
RK="Destination, Mask, NextHop, InterfaceIndex, Metric1, Name"
va0=$(nsx cat /sys/class/net/va0/ifindex)
where "all keys (GET)" Win32_IP4PersistedRouteTable "Destination, Mask, NextHop, Metric1, Status" \
	"Destination = '10.95.0.0' AND Mask = '255.255.0.0' AND NextHop = '10.1.0.9' AND Metric1 = 3" \
	"Destination == '10.95.0.0' and Mask == '255.255.0.0' and NextHop == '10.1.0.9' and Metric1 == 3"
where "all WMI keys of a route" Win32_IP4RouteTable "$RK" \
	"Destination = '10.50.0.0' AND Mask = '255.255.0.0' AND NextHop = '10.1.0.9' AND InterfaceIndex = $va0" \
	"Destination == '10.50.0.0' and Mask == '255.255.0.0' and NextHop == '10.1.0.9' and InterfaceIndex == $va0"
where "key prefix (range)" Win32_IP4RouteTable "$RK" "Destination = '10.80.0.0'" "Destination == '10.80.0.0'"
where "adapter key (GET)" Win32_NetworkAdapter "InterfaceIndex, Name, NetConnectionID" "InterfaceIndex = $va0" "InterfaceIndex == $va0"
where "a key that matches nothing (empty, exit 0)" Win32_IP4RouteTable "$RK" "Destination = '192.0.2.77'" "Destination == '192.0.2.77'"
where "non-key (walk)" Win32_IP4RouteTable "$RK" "Metric1 >= 20" "Metric1 is not None and Metric1 >= 20"
where "an array property: any element (cimq's extension, cimq(1))" Win32_NetworkAdapterConfiguration "Index, IPAddress" \
	"IPAddress = '10.1.0.3' OR IPAddress LIKE '2001:DB8:2:%'" \
	"IPAddress is not None and any(a == '10.1.0.3' or a.lower().startswith('2001:db8:2:') for a in IPAddress)"
where "an array property without elements IS NULL" Win32_NetworkAdapterConfiguration "Index, IPAddress" \
	"IPAddress IS NULL OR DefaultIPGateway IS NULL" "IPAddress is None or DefaultIPGateway is None"
where "non-key string, other case of the keyword and the name" Win32_NetworkAdapter "InterfaceIndex, NetConnectionID" \
	"netconnectionid = 'uplink'" "NetConnectionID == 'uplink'"
where "string = is case-insensitive, as WMI's" Win32_NetworkAdapter "InterfaceIndex, NetConnectionID" \
	"NetConnectionID = 'UPLINK'" "NetConnectionID is not None and NetConnectionID.lower() == 'uplink'"
where "LIKE with [^]" Win32_IP4RouteTable "$RK" "Name LIKE '10.[^1]%'" "like(Name, '10.[^1]%')"
where "LIKE with %" Win32_IP4RouteTable "$RK" "Name LIKE '10.8%'" "like(Name, '10.8%')"
where "LIKE with _ and []" Win32_IP4RouteTable "$RK" "Name LIKE '10.[5-7]0.0.0/1_'" "like(Name, '10.[5-7]0.0.0/1_')"
where "LIKE on the IPv6 class" cimIP6Route "Destination, PrefixLength, NextHop, InterfaceIndex, KernelTable, KernelMetric, Source, SourceLength, Name" \
	"Name LIKE '2001:db8:%'" "like(Name, '2001:db8:%')"
where "IS NULL" Win32_IP4RouteTable "$RK, InstallDate" "InstallDate IS NULL" "InstallDate is None"
where "IS NOT NULL" Win32_IP4RouteTable "$RK, InstallDate" "InstallDate IS NOT NULL" "InstallDate is not None"
where "AND / OR / NOT with parentheses" Win32_IP4RouteTable "$RK, Type" \
	"(Metric1 < 10 OR Destination = '10.60.0.0') AND NOT Type = 3" \
	"((Metric1 is not None and Metric1 < 10) or Destination == '10.60.0.0') and not Type == 3"
where "boolean literal" Win32_NetworkAdapter "InterfaceIndex, NetEnabled" "NetEnabled = TRUE" "NetEnabled is True"
where "array property (IPAddress) in the select, non-key" Win32_NetworkAdapterConfiguration "Index, IPAddress, IPEnabled" \
	"IPEnabled = TRUE" "IPEnabled is True"

# ---------------------------------------------------------------- the plans, from snmpd's counters
# snmpInGetRequests and snmpInTotalReqVars (SNMPv2-MIB) before and after a query; the read of the
# counters itself costs one request and two variables
ctr() { snmp_get .1.3.6.1.2.1.11.15.0 .1.3.6.1.2.1.11.13.0 | sed 's/.*: //' | tr '\n' ' '; }
cost() { # WQL: sets GETS and VARS
	local a b
	read -r -a a <<<"$(ctr)"
	q json "$1" >/dev/null
	read -r -a b <<<"$(ctr)"
	GETS=$((b[0] - a[0] - 1)); VARS=$((b[1] - a[1] - 2))
}
cost "SELECT Name FROM Win32_IP4PersistedRouteTable WHERE Destination = '10.95.0.0' AND Mask = '255.255.0.0' AND NextHop = '10.1.0.9' AND Metric1 = 3"
[ "$GETS" -eq 1 ] && [ "$VARS" -le 2 ] && ok "every key: one GET ($GETS GET, $VARS variables)" ||
	not_ok "every key: one GET (got $GETS GETs, $VARS variables)"
cost "SELECT Name FROM Win32_IP4RouteTable WHERE Metric1 = 12345"
walk_vars=$VARS
cost "SELECT Name FROM Win32_IP4RouteTable WHERE Destination = '10.80.0.0'"
[ "$VARS" -gt 0 ] && [ "$VARS" -lt $((walk_vars / 4)) ] && ok "key prefix: a range ($VARS variables; a walk of the same columns took $walk_vars)" ||
	not_ok "key prefix: a range (got $VARS variables; a walk of the same columns took $walk_vars)"
rows=$(jq length "$T/Win32_IP4RouteTable.all.json" 2>/dev/null)
[ "$walk_vars" -ge "${rows:-1}" ] && ok "non-key condition: a walk of the needed columns ($walk_vars variables, $rows rows)" ||
	not_ok "non-key condition: a walk of the needed columns ($walk_vars variables, $rows rows)"

# an alias that is not UTF-8 (bytes FF FE, a surrogate ED A0 80): the CSV decodes as UTF-8 with
# '?' for each such byte, controls and other UTF-8 kept (cimq(1) OUTPUT)
nsx ip link set va1 alias $'bad\xff\xfe|\xc3\xa9|\xed\xa0\x80|\ttab' || not_ok "ip link set va1 alias (bytes)"
for i in $(seq 50); do
	q csv "SELECT InterfaceIndex, NetConnectionID FROM Win32_NetworkAdapter WHERE NetConnectionID LIKE 'bad%'"
	[ "$(wc -l <"$T/q.csv")" -ge 2 ] && break
	sleep 0.1
done
if python3 - "$T/q.csv" <<'EOF'; then ok "csv: an alias with bytes that are not UTF-8 reads back through python's csv as UTF-8"; else not_ok "csv: an alias with bytes that are not UTF-8 reads back as UTF-8"; diag <"$T/q.csv"; fi
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8', errors='strict', newline='')))
assert rows[0] == ['InterfaceIndex', 'NetConnectionID'], rows
assert [r[1] for r in rows[1:]] == ['bad??|\u00e9|???|\ttab'], rows
EOF

# real literals against integers, by value (cimq(1) QUERIES)
for c in "Metric1 > 99.5|Metric1 >= 100" "Metric1 = 100.0|Metric1 = 100" "Metric1 < 100.5|Metric1 <= 100" \
	"Metric1 > -2.5e3|Metric1 >= -2500" "Metric1 = 99.5|Metric1 = -1 AND Metric1 = 0"; do
	q json "SELECT Destination, Metric1 FROM Win32_IP4RouteTable WHERE ${c%|*}" "$T/real.json"
	q json "SELECT Destination, Metric1 FROM Win32_IP4RouteTable WHERE ${c#*|}" "$T/int.json"
	is "$(jq -c . "$T/real.json")" "$(jq -c . "$T/int.json")" "WHERE ${c%|*}: as ${c#*|} ($(jq length "$T/int.json") rows)"
done
# csv without a matching row: the header line alone, exit 0 (cimq(1) OUTPUT)
q csv "SELECT Destination, Metric1 FROM Win32_IP4RouteTable WHERE Destination = '192.0.2.77'"
is "$QRC:$(cat -A "$T/q.csv")" '0:"Destination","Metric1"^M$' "csv without a match: the header alone, exit 0"

# SNMPv1 has no Counter64: Speed empty, one warning on stderr naming it (cimq(1) OUTPUT), walked and read by a GET
q csv "SELECT DeviceID, Name, Speed FROM Win32_NetworkAdapter WHERE Name = 'va0'"
dev=$(sed -n '2s/^"\([0-9]*\)".*/\1/p' "$T/q.csv")
for w in "Name = 'va0'" "DeviceID = '$dev'"; do
	cq -v1 -c public -t 6 -r 1 -o csv "$AGENT" "SELECT DeviceID, Name, Speed FROM Win32_NetworkAdapter WHERE $w" >"$T/v1.csv" 2>"$T/v1.err"
	is "$?:$(sed -n 2p "$T/v1.csv" | tr -d '\r'):$(grep -c 'SNMPv1 has no Counter64: Speed read as NULL' "$T/v1.err"):$(wc -l <"$T/v1.err")" \
		"0:\"$dev\",\"va0\",:1:1" "SNMPv1, WHERE $w: Speed empty, one warning (v2c: $(sed -n 2p "$T/q.csv" | tr -d '\r'))"
done

both_alive "every query"
done_testing
