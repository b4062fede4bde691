#!/bin/bash
# prometheus.sh - Debian's prometheus-snmp-exporter with contrib/prometheus/snmp.yml scrapes a
# live cimrouted; the scraped values equal the kernel's and cimrouted's own answers (issue 16).
#
# Topology: veth va/vb (192.0.2.100/24 on va, alias "uplink", MTU 1400), veth vc/vd with vd down
# (vc up without carrier); routes 10.60.0.0/16 via 192.0.2.1 metric 20, 10.61.1.0/24 dev va and
# 2001:db8:60::/48 via fe80::1 dev va metric 20; routeTables all. A persisted route 10.50.0.0/16 via 192.0.2.1 metric 5 and a ping row (owner
# t, name prom, 3 probes to 192.0.2.100; row t/named to the host name localhost) are made
# through SNMP. The exporter runs inside the
# namespace on its own port, with its own pid (stopped at the end), and is scraped with curl.
# Cases:
#   a. the exporter loads snmp.yml and answers; module cimroute scrapes without an error.
#   b. counts: cimIP4RouteCount and cimIP6RouteCount equal the routes of `ip -j -d -4/-6 route
#      show table all` as cimrouted counts them (route_rows.py, route6_rows.py) and the
#      snmpget; cimNetAdapterCount the links.
#   c. cimIP4RouteLastChange (DateAndTime) is the snmpget's time, in seconds since the epoch.
#   d. adapters: per link, NetConnectionStatus (connected/mediaDisconnected/disconnected from
#      the flags), NetEnabled, MTU (cimAdapterCfgMTU), MAC address, Speed (sysfs), the name
#      label (alias, else ifname) beside the ifindex, against `ip -j link`.
#   e. the persisted routes: cimIP4PersistedRouteStatus "OK" with dotted index labels and
#      cimIP6PersistedRouteStatus "OK" with IPv6 and interface name labels, the kernel has both;
#      the other counts and counters of the default module equal the snmpget.
#   f. the ping row: loss, rtt min/avg/max, probes sent/received equal the snmpget of the row;
#      the status code and oper status labels; the host name label (cimPingAddressName) is
#      empty for the literal address, "localhost" for the row given that name.
#   g. module cimroute_routes: the label sets (destination, mask, next hop as dotted addresses,
#      ifindex, table, tos, metric; for IPv6 the addresses in snmp_exporter's 0102:0304:... form
#      and the prefix lengths), Type and Metric1 equal the kernel's routes of both families; the
#      IPv4 series count equals cimIP4RouteCount.
#   h. va down: the scrape follows within 5 s: both persisted routes' Status "Error" (the kernel
#      dropped the routes), va disconnected, NetEnabled false.
#   i. the exporter logged no error; both daemons alive.

. "$(dirname "$0")/lib.sh"
itest_init prometheus
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"
. "$ITDIR/ping_lib.sh"
EXPORTER=${PROMETHEUS_SNMP_EXPORTER:-prometheus-snmp-exporter}
command -v "$EXPORTER" >/dev/null 2>&1 ||
	skip_all "$EXPORTER not installed (Debian: prometheus-snmp-exporter)"
needs curl
CONF=$TOP_SRCDIR/contrib/prometheus/snmp.yml
[ -f "$CONF" ] || bail_out "$CONF not found"
ROWS=$ITDIR/prom_rows.py
EPORT=9116   # the namespace has its own loopback: no other process listens there
T0=$(date +%s)

OBJ=.1.3.6.1.4.1.32473.1.1
P_ENTRY=$OBJ.2.3.1
PIX=10.50.0.0.255.255.0.0.192.0.2.1.5
PLABELS=(cimIP4PersistedRouteDestination=10.50.0.0 cimIP4PersistedRouteMask=255.255.0.0
	cimIP4PersistedRouteNextHop=192.0.2.1 cimIP4PersistedRouteMetric1=5)
# 2001:db8:50::/48 via fe80::1 dev va metric 5 (README, Writing routes: the IPv6 index)
P6_ENTRY=$OBJ.9.3.1
P6IX=32.1.13.184.0.80.0.0.0.0.0.0.0.0.0.0.48.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.2.118.97.5
P6LABELS=(cimIP6PersistedRouteDestination=2001:0DB8:0050:0000:0000:0000:0000:0000
	cimIP6PersistedRoutePrefixLength=48 cimIP6PersistedRouteNextHop=FE80:0000:0000:0000:0000:0000:0000:0001
	cimIP6PersistedRouteInterface=va cimIP6PersistedRouteMetric1=5)

veth va vb 192.0.2.100/24 && veth vc vd || bail_out "cannot build the veths"
nsx ip link set va alias uplink && nsx ip link set va mtu 1400 && nsx ip link set vd down &&
	nsx ip route add 10.60.0.0/16 via 192.0.2.1 metric 20 && nsx ip route add 10.61.1.0/24 dev va &&
	nsx ip -6 route add 2001:db8:60::/48 via fe80::1 dev va metric 20 ||
	bail_out "cannot set the links and routes up"
write_cimrouted_conf "routeTables all"
ping_daemons

out=$(setw "$P_ENTRY.12.$PIX" i 4) || bail_out "cannot create the persisted route: $out"
out=$(setw "$P6_ENTRY.13.$P6IX" i 4) || bail_out "cannot create the persisted IPv6 route: $out"
ping_start prom 192.0.2.100 "$PE.35.$(ix "$OWN" prom)" u 3 "$PE.36.$(ix "$OWN" prom)" u 10 ||
	bail_out "cannot create the ping row: $START_ERR"
ping_wait 10 || bail_out "the ping row did not complete"
ping_start named @localhost || bail_out "cannot create the ping row named: $START_ERR"
ping_wait 10 || bail_out "the ping row named (localhost) did not complete"

ip netns exec "$NS" "$EXPORTER" --config.file="$CONF" --web.listen-address="127.0.0.1:$EPORT" \
	</dev/null >"$T/exporter.log" 2>&1 &
EXPORTER_PID=$!
EXTRA_PIDS+=("$EXPORTER_PID")

# scrape MODULE FILE: the exporter's answer for cimrouted in FILE (status of curl)
scrape() {
	nsx curl -sS -f -m 30 -o "$2" "http://127.0.0.1:$EPORT/snmp?target=127.0.0.1:$PORT&module=$1" 2>"$2.err"
}
prom() { python3 "$ROWS" "$@"; }
exporter_up() { nsx curl -sf -o /dev/null "http://127.0.0.1:$EPORT/"; }

# ------------------------------------------------------------------ a. the exporter
if wait_until 10 exporter_up; then
	ok "a. the exporter loads snmp.yml and answers on 127.0.0.1:$EPORT (${WAITED_MS} ms)"
else
	not_ok "a. the exporter loads snmp.yml and answers on 127.0.0.1:$EPORT"
	diag <"$T/exporter.log"
fi
scrape cimroute "$T/s1"
rc=$?
pdus=$(prom value "$T/s1" snmp_scrape_pdus_returned 2>&1)
if [ $rc -eq 0 ] && [ "${pdus:-0}" -gt 0 ] 2>/dev/null; then
	ok "a. module cimroute scraped ($pdus PDUs, $(grep -vc '^#' "$T/s1") samples)"
else
	not_ok "a. module cimroute scraped"
	diag "curl status $rc: $(cat "$T/s1.err")" "$pdus" "$(head -c 600 "$T/s1" 2>/dev/null)"
fi

# ------------------------------------------------------------------ b. counts
# counts_equal FAMILY: cimIP<FAMILY>RouteCount scraped now, read by snmpget and made of the
# kernel's routes agree (COUNTS holds the three)
counts_equal() {
	local f=$1 c6='' arc=1 a b c
	[ "$f" = 6 ] && c6=-6 arc=8
	scrape cimroute "$T/c$f" && nsx ip -j -d "-$f" route show table all >"$T/k$f.routes.json" &&
		nsx ip -j link show >"$T/k$f.links.json" || return 1
	COUNTS="$(prom value "$T/c$f" "cimIP${f}RouteCount" 2>&1)|$(num "$OBJ.$arc.1.0")|$(prom count "$T/k$f.routes.json" "$T/k$f.links.json" --tables all $c6 2>&1)"
	IFS='|' read -r a b c <<<"$COUNTS"
	[ -n "$c" ] && [ "$a" = "$c" ] && [ "$b" = "$c" ]
}
for f in 4 6; do
	# IPv6 routes come and go while duplicate address detection ends: compared again for 5 s
	if wait_until 5 counts_equal $f; then
		ok "b. cimIP${f}RouteCount scraped, read by snmpget, and the kernel's routes (tables all) agree: ${COUNTS%%|*}"
	else
		not_ok "b. cimIP${f}RouteCount scraped, read by snmpget, and the kernel's routes (tables all) agree"
		diag "scraped|snmpget|kernel: $COUNTS"
	fi
done
nsx ip -j link show >"$T/k1.links.json"
nlinks=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/k1.links.json")
is "$(prom value "$T/s1" cimNetAdapterCount 2>&1)" "$nlinks" "b. cimNetAdapterCount is the number of links"

# ------------------------------------------------------------------ c. last change
# date_of HEX: seconds since the epoch of a DateAndTime (8 or 11 octets, UTC when without zone)
date_of() {
	python3 -c '
import datetime, sys
b = bytes.fromhex(sys.argv[1])
t = datetime.datetime(b[0] * 256 + b[1], b[2], b[3], b[4], b[5], b[6], tzinfo=datetime.timezone.utc)
off = 0 if len(b) < 11 else (1 if b[8] == ord("+") else -1) * (b[9] * 3600 + b[10] * 60)
print(int(t.timestamp()) - off)' "$1"
}
lc=$(get_val "$OID_LASTCHANGE")
lc=$(date_of "$(sed 's/^Hex-STRING: //; s/ //g' <<<"$lc")" 2>&1)
got=$(prom value "$T/s1" cimIP4RouteLastChange 2>&1)
if [ "$got" = "$lc" ] && [ "$lc" -ge "$T0" ] && [ "$lc" -le "$(date +%s)" ]; then
	ok "c. cimIP4RouteLastChange is the snmpget's DateAndTime in seconds since the epoch ($got)"
else
	not_ok "c. cimIP4RouteLastChange is the snmpget's DateAndTime in seconds since the epoch"
	diag "scraped '$got', snmpget '$lc', test started at $T0"
fi

# ------------------------------------------------------------------ d. adapters
nsx ip -j -d link show >"$T/links1.json"
nsx python3 "$ROWS" adapters "$T/s1" "$T/links1.json" >"$T/ad1.cmp" 2>&1
result $? "d. adapters: status, NetEnabled, MTU, MAC, Speed and name labels equal ip link and sysfs ($nlinks links)"
[ -s "$T/ad1.cmp" ] && diag <"$T/ad1.cmp"
vaix=$(nsx cat /sys/class/net/va/ifindex)
is "$(prom label "$T/s1" cimAdapterCfgMTU cimNetAdapterNetConnectionID cimAdapterCfgIndex="$vaix" 2>&1)|$(prom value "$T/s1" cimAdapterCfgMTU cimAdapterCfgIndex="$vaix" 2>&1)" \
	"uplink|1400" "d. va's MTU series: name label uplink (its alias), value 1400"

# ------------------------------------------------------------------ e. persisted route
st=$(prom label "$T/s1" cimIP4PersistedRouteStatus cimIP4PersistedRouteStatus "${PLABELS[@]}" 2>&1)
is "$st|$(prom value "$T/s1" cimIP4PersistedRouteStatus "${PLABELS[@]}" 2>&1)|$(get_str "$P_ENTRY.9.$PIX")" "OK|1|OK" \
	"e. persisted route 10.50.0.0/255.255.0.0 via 192.0.2.1 metric 5: Status OK as scraped and read"
nsx ip -j route show 10.50.0.0/16 proto 252 | grep -q '"gateway":"192.0.2.1"'
result $? "e. the kernel has the persisted route"
st=$(prom label "$T/s1" cimIP6PersistedRouteStatus cimIP6PersistedRouteStatus "${P6LABELS[@]}" 2>&1)
is "$st|$(get_str "$P6_ENTRY.10.$P6IX")" "OK|OK" \
	"e. persisted IPv6 route 2001:db8:50::/48 via fe80::1 dev va metric 5: Status OK as scraped and read"
nsx ip -j -6 route show 2001:db8:50::/48 proto 252 | grep -q '"gateway":"fe80::1"'
result $? "e. the kernel has the persisted IPv6 route"

# the scalars of the default module that no other case reads: as snmpget reads them (a scrape
# again until they agree: the event history grows while IPv6 duplicate address detection ends)
scalars_equal() {
	local o g w
	SCALARS_BAD=
	scrape cimroute "$T/s4" || { SCALARS_BAD="scrape failed"; return 1; }
	for o in cimRouteEventCount:4.1 cimRouteEventLastSequence:4.5 cimRouteNotifyDropped:4.8 \
		cimRouteNotifySuppressed:4.9 cimIP4PersistedRouteCount:2.1 cimIP6PersistedRouteCount:9.1 \
		cimActiveRouteCount:3.1 cimIP6ActiveRouteCount:10.1 cimAdapterCfgCount:6.1 cimPingCount:7.1 \
		cimPingRowsRefused:7.11 cimPingOwnerRowsRefused:7.12 cimPingRateRefused:7.13 cimPingRowsAgedOut:7.14; do
		g=$(prom value "$T/s4" "${o%%:*}" 2>&1)
		w=$(num "$OBJ.${o#*:}.0")
		[ "$g" = "$w" ] || SCALARS_BAD+="${o%%:*}: scraped '$g', snmpget '$w'; "
	done
	[ -z "$SCALARS_BAD" ]
}
wait_until 5 scalars_equal
is "$SCALARS_BAD" "" "e. 14 counts and counters (event history, notifications, persisted, active, pings) equal the snmpget"

# ------------------------------------------------------------------ f. the ping row
PIXP=$(ix "$OWN" prom)
PL=(cimPingOwner="$OWN" cimPingName=prom)
bad='' summary=''
for c in 37:ProbesSent 38:ProbesReceived 39:LossPercent 40:RttMin 41:RttAvg 42:RttMax; do
	g=$(prom value "$T/s1" "cimPing${c#*:}" "${PL[@]}" 2>&1)
	w=$(num "$PE.${c%%:*}.$PIXP")
	[ "$g" = "$w" ] || bad+="cimPing${c#*:}: scraped '$g', snmpget '$w'; "
	summary+="${c#*:}=$g "
done
if [ -z "$bad" ] && [ "$(num "$PE.39.$PIXP")" = 0 ]; then
	ok "f. ping row t/prom: loss, rtt min/avg/max, sent/received equal the snmpget ($summary)"
else
	not_ok "f. ping row t/prom: loss, rtt min/avg/max, sent/received equal the snmpget"
	diag "$bad" "$summary"
fi
is "$(prom label "$T/s1" cimPingStatusCode_info cimPingStatusCode "${PL[@]}" 2>&1)|$(num "$PE.21.$PIXP")|$(prom value "$T/s1" cimPingOperStatus "${PL[@]}" cimPingOperStatus=completed 2>&1)" \
	"success|0|1" "f. ping row: status code label success (snmpget 0), oper status completed"
is "$(prom label "$T/s1" cimPingLossPercent cimPingAddressName "${PL[@]}" 2>&1)|$(get_str "$PE.5.$PIXP")" "|" \
	"f. ping row t/prom (a literal address): the cimPingAddressName label is empty, as the column"
is "$(prom label "$T/s1" cimPingLossPercent cimPingAddressName cimPingOwner="$OWN" cimPingName=named 2>&1)|$(get_str "$PE.5.$(ix "$OWN" named)")" \
	"localhost|localhost" "f. ping row t/named: the cimPingAddressName label is the host name it was given"

# ------------------------------------------------------------------ g. the routes module
scrape cimroute_routes "$T/r1"
result $? "g. module cimroute_routes scraped"
# routes_equal FAMILY: a scrape of cimroute_routes equals the kernel's routes of that family
routes_equal() {
	local f=$1 c6=''
	[ "$f" = 6 ] && c6=-6
	scrape cimroute_routes "$T/r$f" && nsx ip -j -d "-$f" route show table all >"$T/g$f.routes.json" &&
		nsx ip -j link show >"$T/g$f.links.json" &&
		prom routes "$T/r$f" "$T/g$f.routes.json" "$T/g$f.links.json" --tables all $c6 >"$T/r$f.cmp" 2>&1
}
wait_until 5 routes_equal 4
result $? "g. IPv4 route series: dotted destination/mask/next hop labels, ifindex, table, tos, metric, Type, Metric1 equal the kernel's"
diag <"$T/r4.cmp"
wait_until 5 routes_equal 6
result $? "g. IPv6 route series: destination/next hop/source labels (0000:...:0001), lengths, ifindex, table, metric, Type, Metric1 equal the kernel's"
diag <"$T/r6.cmp"
is "$(grep -c '^cimIP4RouteType_info{' "$T/r1")" "$(get_count)" "g. one cimIP4RouteType_info series per route (cimIP4RouteCount)"
is "$(prom label "$T/r6" cimIP6RouteType_info cimIP6RouteNextHop cimIP6RouteDestination=2001:0DB8:0060:0000:0000:0000:0000:0000 cimIP6RoutePrefixLength=48 2>&1)" \
	"FE80:0000:0000:0000:0000:0000:0000:0001" "g. 2001:db8:60::/48: next hop label FE80:0000:0000:0000:0000:0000:0000:0001 (fe80::1)"
is "$(prom label "$T/r1" cimIP4RouteMetric1 cimIP4RouteNextHop cimIP4RouteDestination=10.60.0.0 cimIP4RouteMask=255.255.0.0 2>&1)|$(prom value "$T/r1" cimIP4RouteMetric1 cimIP4RouteDestination=10.60.0.0 2>&1)" \
	"192.0.2.1|20" "g. 10.60.0.0/16: next hop label 192.0.2.1, Metric1 20"

# ------------------------------------------------------------------ h. link down
nsx ip link set va down
status_error() {
	scrape cimroute "$T/s2" &&
		[ "$(prom label "$T/s2" cimIP4PersistedRouteStatus cimIP4PersistedRouteStatus "${PLABELS[@]}")" = Error ] &&
		[ "$(prom label "$T/s2" cimIP6PersistedRouteStatus cimIP6PersistedRouteStatus "${P6LABELS[@]}")" = Error ]
}
if wait_until 5 status_error; then
	ok "h. va down: both persisted routes' Status is Error in the scrape (${WAITED_MS} ms)"
else
	not_ok "h. va down: both persisted routes' Status is Error in the scrape"
	diag "$(grep '^cimIP[46]PersistedRouteStatus' "$T/s2" 2>&1)" \
		"snmpget: $(get_str "$P_ENTRY.9.$PIX") $(get_str "$P6_ENTRY.10.$P6IX")"
fi
nsx ip -j route show 10.50.0.0/16 | grep -q 10.50.0.0
is "$?" 1 "h. the kernel has dropped the persisted route"
nsx ip -j -d link show >"$T/links2.json"
adapters_equal() { scrape cimroute "$T/s3" && nsx python3 "$ROWS" adapters "$T/s3" "$T/links2.json" >"$T/ad2.cmp" 2>&1; }
wait_until 5 adapters_equal
result $? "h. va down: the adapter series equal ip link again (va disconnected, NetEnabled false)"
[ -s "$T/ad2.cmp" ] && diag <"$T/ad2.cmp"

# ------------------------------------------------------------------ i. the end
if grep -E 'level=(error|warn)' "$T/exporter.log" >"$T/exporter.err"; then
	not_ok "i. the exporter logged no error or warning"
	head -n 10 "$T/exporter.err" | diag
else
	ok "i. the exporter logged no error or warning"
fi
both_alive "the scrapes"
done_testing
