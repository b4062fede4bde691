#!/bin/bash
# persist6.sh - cimIP6PersistedRouteTable, its state file persisted-routes6 and
# cimIP6ActiveRouteTable (issue 11, write side).
#
# Topology: veth va/vb, 192.0.2.100/24 and 2001:db8:1::100/64 on va (kept when va goes down).
# Cases:
#   a. createAndGo of 2001:db8:10::/48 via 2001:db8:1::1 (no interface) metric 10 and of
#      2001:db8:11::/48 via fe80::1 dev va metric 5: the kernel has each (ip -j -6 route:
#      gateway, dev va, proto 252, the metric), the state file has its line, the persisted
#      row reads Status OK, ApplyError "", nonVolatile, active, Name, Caption; the active row
#      points to the Caption and to the live row's cimIP6RouteAge, which answers a GET.
#   b. SIGKILL, both routes deleted by hand, restart: both are back.
#   c. a route deleted by hand while the daemon runs: back within 5 s.
#   d. va down: the kernel drops the routes; Status "Error" with an ApplyError and no active
#      row; va up: the routes, Status OK and the active rows are back.
#   e. adoption: a static route added by hand is adopted (Status OK, line, active row);
#      destroy leaves it in the kernel. A bgp route (notWritable) and one hop of a
#      multipath route (inconsistentValue, as for IPv4) are refused, nothing changed.
#   f. bad input, each refused with its status and the kernel's IPv4 and IPv6 tables and
#      both state files byte-identical: an index of the wrong length, prefix length 129,
#      host bits, a multicast destination, a link-local next hop without an interface,
#      metric 0, an interface name with a '/', an interface that does not exist, an
#      unreachable next hop, createAndWait, a row that exists, destroying the persisted
#      route's live row through cimIP6RouteTable, and one SET with a good IPv4 persisted
#      row and a bad IPv6 one.
#   g. destroy: the route leaves the kernel and the file, the rows their tables.
#   h. an IPv4-only state file as older versions wrote it (no persisted-routes6): loads,
#      its route is installed, the file stays byte-identical and no IPv6 file appears.
#   j. the link of a 'dev va' row renamed vx while up: Status Error, ApplyError "interface
#      va does not exist", no active row, the kernel keeps the route on vx; destroy deletes
#      it (no proto 252 route left) and the line. (Run between g and h.)
#   i. persisted-routes6 a symbolic link: the daemon refuses to start (exit 1), the link's
#      target is untouched.

. "$(dirname "$0")/lib.sh"
itest_init persist6

OBJ=.1.3.6.1.4.1.32473.1.1
E6=$OBJ.8.3.1        # cimIP6RouteEntry
P6_COUNT=$OBJ.9.1.0
P6=$OBJ.9.3.1        # cimIP6PersistedRouteEntry
A6_COUNT=$OBJ.10.1.0
A6=$OBJ.10.3.1       # cimIP6ActiveRouteEntry
P4=$OBJ.2.3.1        # cimIP4PersistedRouteEntry
STATE=$T/state/persisted-routes
STATE6=$T/state/persisted-routes6

veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
nsx sysctl -qw net.ipv6.conf.va.keep_addr_on_down=1 || bail_out "cannot set keep_addr_on_down"
nsx ip -6 addr add 2001:db8:1::100/64 dev va nodad || bail_out "cannot add the IPv6 address"
write_cimrouted_conf "routeTables main"
start_agents
IFA=$(nsx cat /sys/class/net/va/ifindex)

# ------------------------------------------------------------------ helpers

setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$@" 2>&1; }
# gstr OID: a string value as text (noSuch* as net-snmp says it); no python per call,
# which costs half a second on a loaded machine
gstr() {
	local v
	v=$(nsx snmpget "${V2[@]}" -On -Oqv -Oa -t 6 -r 1 "$AGENT" "$1" 2>&1)
	v=${v#\"}
	printf '%s' "${v%\"}"
}
# The indexes, all computed by one python run. Each line of the spec:
#   NAME p DST PLEN NEXTHOP IFNAME METRIC   a cimIP6PersistedRouteTable index (IFNAME - for none)
#   NAME l DST PLEN NEXTHOP METRIC          a cimIP6RouteTable index (dev va, table main)
indexes() {
	python3 -c '
import ipaddress, sys
ifa = sys.argv[1]
def subs(a):
    return ".".join(str(b) for b in ipaddress.IPv6Address(a).packed)
for line in sys.stdin:
    f = line.split()
    if not f:
        continue
    if f[1] == "p":
        name = b"" if f[5] == "-" else f[5].encode()
        ix = [subs(f[2]), f[3], subs(f[4]), str(len(name))] + [str(c) for c in name] + [f[6]]
    else:
        ix = [subs(f[2]), f[3], subs(f[4]), ifa, "254", f[5], subs("::"), "0"]
    print("%s=%s" % (f[0], ".".join(ix)))
' "$IFA"
}
G=2001:db8:1::1
eval "$(indexes <<EOF
IX1 p 2001:db8:10:: 48 $G - 10
L1 l 2001:db8:10:: 48 $G 10
IX2 p 2001:db8:11:: 48 fe80::1 va 5
L2 l 2001:db8:11:: 48 fe80::1 5
IX3 p 2001:db8:12:: 48 $G - 7
L3 l 2001:db8:12:: 48 $G 7
IXBGP p 2001:db8:13:: 48 $G - 3
LBGP l 2001:db8:13:: 48 $G 3
IXMP p 2001:db8:14:: 48 2001:db8:1::2 - 4
LMP l 2001:db8:14:: 48 2001:db8:1::2 4
F129 p 2001:db8:20:: 129 $G - 10
FHOST p 2001:db8:20::1 48 $G - 10
FMCAST p ff0e:: 16 $G - 10
FLL p 2001:db8:20:: 48 fe80::1 - 10
FM0 p 2001:db8:20:: 48 $G - 0
FSLASH p 2001:db8:20:: 48 $G a/b 10
FNOIF p 2001:db8:20:: 48 fe80::1 nope0 10
FUNR p 2001:db8:20:: 48 2001:db8:99::1 - 10
FOK p 2001:db8:20:: 48 $G - 10
FMIX p 2001:db8:21:: 48 2001:db8:99::1 - 10
EOF
)"
[ -n "$FMIX" ] || bail_out "cannot compute the indexes"
# kroute6 DST/LEN: the kernel's route as "via GW dev DEV proto P metric M" (empty: none)
kroute6() {
	nsx ip -j -6 route show table main "$1" | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print("via", r.get("gateway", "-"), "dev", r.get("dev", "-"), "proto", r.get("protocol", "-"),
          "metric", r.get("metric", 0))'
}
kernel_is() { [ "$(kroute6 "$1")" = "$2" ]; }
fbare6() { grep -v -e '^#' -e '^[[:space:]]*$' "$STATE6" 2>/dev/null | sed 's/ created .*//'; }
file6_has() { fbare6 | grep -qxF "$1"; }
# the kernel's routes of table main (the persisted routes' table: the local table changes on its
# own as link-local addresses end DAD) and the state files
snap() {
	nsx ip -j -d -4 route show table main; nsx ip -j -d -6 route show table main
	cat "$STATE" "$STATE6" 2>/dev/null
}
count_of() { get_val "$1" | sed -n 's/^Gauge32: //p'; }
status_is() { [ "$(gstr "$P6.10.$1")" = "$2" ]; }
active_absent() { get_val "$A6.1.$1" >/dev/null; [ $? -eq 1 ]; }
active_present() { get_val "$A6.1.$1" >/dev/null; }
in_mirror() { get_val "$E6.19.$1" >/dev/null; }

# installed TEXT DST/LEN INDEX LIVE_INDEX KERNEL_LINE LINE: the TAP lines of an installed
# persisted route
installed() {
	local text=$1 dst=$2 ix=$3 lix=$4 kline=$5 line=$6 same sys
	is "$(kroute6 "$dst")" "$kline" "$text: the kernel has the route"
	file6_has "$line"
	result $? "$text: the state file has '$line'" || sed 's/^/file: /' "$STATE6" | diag
	is "$(gstr "$P6.10.$ix")|$(gstr "$P6.11.$ix")|$(get_val "$P6.12.$ix")|$(get_val "$P6.13.$ix")|$(gstr "$P6.9.$ix")|$(gstr "$P6.6.$ix")" \
		"OK||INTEGER: 3|INTEGER: 1|$dst|$line" \
		"$text: Status|ApplyError|StorageType|RowStatus|Name|Caption"
	same=$(get_val "$A6.1.$ix")
	sys=$(get_val "$A6.2.$ix")
	is "$same|$sys" "OID: $P6.6.$ix|OID: $E6.9.$lix" \
		"$text: active row: SameElement -> Caption, SystemElement -> the live row's Age"
	[[ $(get_val "${sys#OID: }") =~ ^INTEGER:\ [0-9]+$ ]]
	result $? "$text: the SystemElement answers a GET"
}

D1=2001:db8:10:: D1L="via 2001:db8:1::1 dev va proto 252 metric 10"
D2=2001:db8:11:: D2L="via fe80::1 dev va proto 252 metric 5"

# ------------------------------------------------------------------ a. create
out=$(setw "$P6.13.$IX1" i 4)
result $? "a. createAndGo of $D1/48 via 2001:db8:1::1 metric 10" || diag "$out"
installed "a. global next hop" $D1/48 "$IX1" "$L1" "$D1L" "$D1/48 via 2001:db8:1::1 metric 10"
out=$(setw "$P6.13.$IX2" i 4)
result $? "a. createAndGo of $D2/48 via fe80::1 dev va metric 5" || diag "$out"
installed "a. link-local next hop" $D2/48 "$IX2" "$L2" "$D2L" "$D2/48 via fe80::1 dev va metric 5"
is "$(count_of $P6_COUNT)|$(count_of $A6_COUNT)" "2|2" "a. persisted and active IPv6 counts are 2"
is "$(nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$P6.13" 2>&1 | sed 's/ = .*//')" \
	"$(printf '%s\n' "$P6.13.$IX1" "$P6.13.$IX2")" "a. a walk of RowStatus lists both rows in index order"
is "$(cat "$STATE" 2>/dev/null)" "" "a. the IPv4 state file is not written"
both_alive "a. create"

# ------------------------------------------------------------------ b. restart
stop_cimrouted KILL
nsx ip -6 route del $D1/48
nsx ip -6 route del $D2/48
start_cimrouted
wait_registered 10 || bail_out "cimrouted did not register after the restart"
wait_until 5 kernel_is $D1/48 "$D1L" && kernel_is $D2/48 "$D2L"
result $? "b. after SIGKILL and a restart both routes are installed again"
wait_until 5 status_is "$IX2" OK
is "$(count_of $P6_COUNT)|$(count_of $A6_COUNT)" "2|2" "b. both rows are back, both active"

# ------------------------------------------------------------------ c. deleted by hand
nsx ip -6 route del $D2/48
wait_until 5 kernel_is $D2/48 "$D2L"
result $? "c. a route deleted by hand is installed again (${WAITED_MS} ms)"

# ------------------------------------------------------------------ d. link down and up
nsx ip link set va down
wait_until 5 active_absent "$IX2"
result $? "d. va down: the active row of the link-local route is gone"
wait_until 5 status_is "$IX2" Error
result $? "d. va down: Status is Error"
err=$(gstr "$P6.11.$IX2")
[ -n "$err" ]
result $? "d. va down: ApplyError says why ('$err')"
is "$(kroute6 $D2/48)" "" "d. va down: the kernel has no route"
nsx ip link set va up
wait_until 8 kernel_is $D2/48 "$D2L" && wait_until 5 status_is "$IX2" OK
result $? "d. va up: the route is installed again, Status OK (${WAITED_MS} ms)"
wait_until 5 kernel_is $D1/48 "$D1L"
result $? "d. va up: the route via the global next hop is back too"
active_present "$IX2" && [ -z "$(gstr "$P6.11.$IX2")" ]
result $? "d. va up: the active row is back, ApplyError empty"
both_alive "d. link down and up"

# ------------------------------------------------------------------ e. adoption
nsx ip -6 route add 2001:db8:12::/48 via 2001:db8:1::1 dev va proto static metric 7
wait_until 5 in_mirror "$L3"
out=$(setw "$P6.13.$IX3" i 4)
result $? "e. createAndGo of a static route the kernel has: adopted" || diag "$out"
is "$(kroute6 2001:db8:12::/48)|$(gstr "$P6.10.$IX3")" \
	"via 2001:db8:1::1 dev va proto static metric 7|OK" "e. the route is untouched (proto static), Status OK"
file6_has "2001:db8:12::/48 via 2001:db8:1::1 metric 7" && active_present "$IX3"
result $? "e. the adopted route has its line and its active row"
out=$(setw "$P6.13.$IX3" i 6)
result $? "e. destroy of the adopted row" || diag "$out"
is "$(kroute6 2001:db8:12::/48)" "via 2001:db8:1::1 dev va proto static metric 7" \
	"e. the adopted route stays in the kernel"
! file6_has "2001:db8:12::/48 via 2001:db8:1::1 metric 7"
result $? "e. its line is gone"
nsx ip -6 route add 2001:db8:13::/48 via 2001:db8:1::1 dev va proto bgp metric 3
wait_until 5 in_mirror "$LBGP"
refused notWritable "e. adopting a bgp route" "$P6.13.$IXBGP" i 4
nsx ip -6 route add 2001:db8:14::/48 proto static metric 4 \
	nexthop via 2001:db8:1::1 dev va nexthop via 2001:db8:1::2 dev va
wait_until 5 in_mirror "$LMP"
# As for IPv4: one hop of a multipath route is no persisted route, and the route's key is taken.
refused inconsistentValue "e. adopting one hop of a multipath route" \
	"$P6.13.$IXMP" i 4

# ------------------------------------------------------------------ f. bad input
refused noCreation "f. an index one sub-identifier short" "$P6.13.${IX1%.*}" i 4
refused wrongValue "f. prefix length 129" "$P6.13.$F129" i 4
refused inconsistentValue "f. host bits set" "$P6.13.$FHOST" i 4
refused noCreation "f. a multicast destination" "$P6.13.$FMCAST" i 4
refused noCreation "f. a link-local next hop without an interface" "$P6.13.$FLL" i 4
refused noCreation "f. metric 0" "$P6.13.$FM0" i 4
refused noCreation "f. an interface name with a '/'" "$P6.13.$FSLASH" i 4
refused inconsistentValue "f. an interface that does not exist" "$P6.13.$FNOIF" i 4
refused inconsistentValue "f. an unreachable next hop" "$P6.13.$FUNR" i 4
refused wrongValue "f. createAndWait" "$P6.13.$FOK" i 5
refused inconsistentValue "f. creating a row that exists" "$P6.13.$IX1" i 4
refused inconsistentValue "f. destroying the persisted route's live row in cimIP6RouteTable" \
	"$E6.22.$L1" i 6
refused inconsistentValue "f. a good IPv4 persisted row with a bad IPv6 one" \
	"$P4.12.10.60.0.0.255.255.0.0.192.0.2.1.5" i 4 "$P6.13.$FMIX" i 4
both_alive "f. bad input"

# ------------------------------------------------------------------ g. destroy
out=$(setw "$P6.13.$IX1" i 6)
result $? "g. destroy" || diag "$out"
is "$(kroute6 $D1/48)" "" "g. the route left the kernel"
! file6_has "$D1/48 via 2001:db8:1::1 metric 10"
result $? "g. its line left the state file"
get_val "$P6.13.$IX1" >/dev/null; a=$?
active_absent "$IX1"; b=$?
is "$a|$b" "1|0" "g. the persisted and the active rows are gone"

# ------------------------------------------------------------------ j. the row's link renamed
# A rename sends no route message: the route stays, on a link of another name, and is no
# longer the row's (which names va); destroy deletes it all the same.
wait_until 5 kernel_is $D2/48 "$D2L" && wait_until 5 status_is "$IX2" OK
result $? "j. before: the link-local route of 'dev va' is installed, Status OK"
nsx ip link set va name vx || diag "cannot rename va while up"
wait_until 5 status_is "$IX2" Error
result $? "j. va renamed vx while up: Status is Error"
wait_until 5 eval '[ "$(gstr "$P6.11.$IX2")" = "interface va does not exist" ]'
result $? "j. ApplyError says va does not exist ('$(gstr "$P6.11.$IX2")')"
active_absent "$IX2"
result $? "j. no active row"
is "$(kroute6 $D2/48)" "via fe80::1 dev vx proto 252 metric 5" "j. the kernel keeps the route, dev vx"
out=$(setw "$P6.13.$IX2" i 6)
result $? "j. destroy of the row" || diag "$out"
is "$(nsx ip -6 route show table all proto 252)" "" "j. no proto 252 route is left in the kernel"
! grep -q "$D2" "$STATE6"
result $? "j. its line left the state file"
nsx ip link set vx name va || bail_out "cannot rename vx back to va"
both_alive "j. link renamed"

# ------------------------------------------------------------------ h. an old IPv4-only file
stop_cimrouted
rm -f "$STATE6"
printf '%s\n' '# cimrouted persisted routes (CIM-ROUTE-MIB cimIP4PersistedRouteTable),' \
	'# installed in the main table at start.  Written by cimrouted; one route a line:' \
	'#   DESTINATION/LEN via NEXTHOP metric METRIC [created YYYY-MM-DDTHH:MM:SSZ]' \
	'10.61.0.0/16 via 192.0.2.1 metric 6 created 2026-11-22T10:11:12Z' >"$STATE"
cp "$STATE" "$T/old.state"
start_cimrouted
wait_registered 10 || bail_out "cimrouted did not register with an old state file"
wait_until 5 eval 'nsx ip -4 route show 10.61.0.0/16 | grep -q "proto 252 metric 6"'
result $? "h. the route of an IPv4-only state file is installed"
cmp -s "$STATE" "$T/old.state"
result $? "h. the IPv4 state file is byte-identical"
[ ! -e "$STATE6" ]
result $? "h. no IPv6 state file appears"
is "$(count_of $OBJ.2.1.0)|$(count_of $P6_COUNT)" "1|0" "h. one IPv4 persisted row, no IPv6 one"

# ------------------------------------------------------------------ i. a link as the file
stop_cimrouted
printf 'secret\n' >"$T/target"
chmod 600 "$T/target"
ln -s "$T/target" "$STATE6"
start_cimrouted
if wait_until 10 eval '! alive "$CIMR_PID"'; then
	dead_why "$CIMR_PID"
	is "$DEAD_WHY" "exit status 1" "i. persisted-routes6 a link: the daemon exits 1"
else
	not_ok "i. persisted-routes6 a link: the daemon exits 1"
fi
is "$(cat "$T/target")" "secret" "i. the link's target is untouched"
grep -q "persisted-routes6" "$T/cimrouted.log"
result $? "i. the log names the file"
CIMR_PID=
done_testing
