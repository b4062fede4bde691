#!/bin/bash
# adapter_set.sh - the adapter methods through snmpset, checked in the kernel (issue 13).
#
# cimNetAdapterTable: Disable() and Enable() (NetEnabled: IFF_UP in `ip -j link`), the alias
# (NetConnectionID: ifalias, set and removed; also on a link that is down, whose alias change
# the kernel does not announce: an undo puts back the kernel's), Reset() (down and up), SetPowerState() refused;
# LastMethod and LastResult after each (a value of the wrong type too: failed(2), or
# invalidParameter(68)). cimAdapterCfgTable: SetMTU() (`ip -j link` mtu; below
# 68 and beyond the device refused with parameterOutOfBounds(90)), the methods that ask for
# what Linux already is (0, nothing changed) and for what it cannot do (inconsistentValue,
# notSupported(64)). cimAdapterCfgAddressTable: EnableStatic() of an IPv4 address (with its
# broadcast, permanent) and an IPv6 one, destroyed again; one SET replacing va's subnet (the
# first created becomes the primary); a nonVolatile address in the state file (volatile(2)
# while its link has another name), added again
# when `ip addr del` removes it and at a start after it was removed, a volatile one not; each
# refusal with its status and code, nothing changed.
# All or nothing across an address write and a route write: a route refused in RESERVE2, and
# an address the kernel refuses in ACTION (IPv6 disabled on the link: ipNotEnabled(84)) after a
# route was added; Disable(), Reset() and an MTU below 1280 with an address or a cimTcpip sysctl
# the kernel refuses (before or after them): the link untouched. An IPv6 address on a link whose
# MTU is or goes below 1280 (no IPv6 there) refused in RESERVE2 with ipNotEnabled(84). protectedInterfaces: adapter,
# configuration, address and route writes to the protected link refused with noAccess,
# accessDenied(91) recorded, the log naming the directive. Both daemons alive at the end.

. "$(dirname "$0")/lib.sh"
itest_init adapter_set
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

AD=.1.3.6.1.4.1.32473.1.1.5.3.1  # cimNetAdapterEntry
CFG=.1.3.6.1.4.1.32473.1.1.6.3.1 # cimAdapterCfgEntry
ADDR=.1.3.6.1.4.1.32473.1.1.6.4.1 # cimAdapterCfgAddressEntry

veth va vb 192.0.2.100/24 && veth vc vd && veth vm vn 203.0.113.1/24 && veth vg vh ||
	bail_out "cannot build the veths"
nsx ip link add br0 type bridge && nsx ip link set vc master br0 && nsx ip link set br0 up ||
	bail_out "cannot build the bridge"
nsx sysctl -qw net.ipv6.conf.vg.disable_ipv6=1 || bail_out "cannot disable IPv6 on vg"
write_cimrouted_conf "routeTables main" "protectedInterfaces vm"
start_agents

ifx() { nsx cat "/sys/class/net/$1/ifindex"; }
VA=$(ifx va) VC=$(ifx vc) VE=$(ifx vm) VG=$(ifx vg)
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@" 2>&1; }
# the links, addresses (without IPv6 DAD's passing "tentative") and IPv4 routes
snap() { nsx ip -j link; nsx ip -j addr | sed 's/"tentative":true,//g'; nsx ip -4 route show table all; }
# link IF FIELD: a field of `ip -j -d link show IF` (flags as one line)
link() { nsx ip -j -d link show "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)[0].get('$2', ''))"; }
# addrs IF FAMILY: its addresses in the kernel's order, "a/len[ brd B][ forever]"
addrs() {
	nsx ip -j addr show "$1" | python3 -c '
import json, sys
for a in json.load(sys.stdin)[0]["addr_info"]:
    if a["family"] != sys.argv[1] or a.get("scope") == "link": continue
    s = "%s/%d" % (a["local"], a["prefixlen"])
    if "broadcast" in a: s += " brd " + a["broadcast"]
    if a.get("valid_life_time") == 4294967295: s += " forever"
    print(s)' "$2"
}
int() { get_val "$1" | sed -n 's/^INTEGER: //p'; }
# methods TEXT TABLE IFINDEX METHOD RESULT: LastMethod and LastResult of that row
methods() {
	local col=41 entry=$AD
	[ "$2" = cfg ] && { col=24; entry=$CFG; }
	is "$(int "$entry.$col.$3") $(int "$entry.$((col + 1)).$3")" "$4 $5" "$1: LastMethod $4, LastResult $5"
}
# set_ok TEXT VARBINDS...: the SET succeeds
set_ok() {
	local text=$1 out; shift
	out=$(setw "$@") && ok "$text" || { not_ok "$text"; diag "$out"; }
}

# ---- cimNetAdapterTable
set_ok "Disable() of va" "$AD.26.$VA" i 2
[[ $(link va flags) != *"'UP'"* ]] && ok "va is down in the kernel" || not_ok "va is down in the kernel"
methods "Disable()" ad "$VA" 2 0
set_ok "Enable() of va" "$AD.26.$VA" i 1
[[ $(link va flags) == *"'UP'"* ]] && ok "va is up in the kernel" || not_ok "va is up in the kernel"
methods "Enable()" ad "$VA" 1 0
set_ok "NetConnectionID of va" "$AD.24.$VA" s "uplink to core"
is "$(link va ifalias)" "uplink to core" "the alias is set in the kernel"
is "$(get_str "$AD.24.$VA")" "uplink to core" "NetConnectionID reads the alias"
set_ok "NetConnectionID '' removes the alias" "$AD.24.$VA" s ""
is "$(link va ifalias)" "" "the alias is gone from the kernel"
is "$(get_str "$AD.24.$VA")" "va" "NetConnectionID reads the name again"
refused wrongValue "a NetConnectionID with a control character" "$AD.24.$VA" x 410962
set_ok "Reset() of va" "$AD.39.$VA" i 2
[[ $(link va flags) == *"'UP'"* ]] && ok "va is up after Reset()" || not_ok "va is up after Reset()"
methods "Reset()" ad "$VA" 3 0
refused inconsistentValue "SetPowerState(powerOff)" "$AD.40.$VA" i 6
methods "SetPowerState()" ad "$VA" 4 1
refused wrongType "Reset() with a Gauge32" "$AD.39.$VA" u 2
methods "Reset() of the wrong type" ad "$VA" 3 2
nsx ip link set vb down && nsx ip link set va down
refused inconsistentValue "Reset() of a disabled interface" "$AD.39.$VA" i 2
methods "Reset() refused" ad "$VA" 3 2
# the kernel announces no alias change of a link that is down: a GET after the SET still sees it
set_ok "NetConnectionID of va while it is down" "$AD.24.$VA" s "spare uplink"
is "$(link va ifalias)" "spare uplink" "the alias of the down link is set in the kernel"
is "$(get_str "$AD.24.$VA")" "spare uplink" "NetConnectionID reads the alias of the down link"
set_ok "NetConnectionID '' while down" "$AD.24.$VA" s ""
is "$(get_str "$AD.24.$VA")" "va" "NetConnectionID reads the name of the down link again"
nsx ip link set va up && nsx ip link set vb up

# ---- cimAdapterCfgTable
set_ok "SetMTU(1400) of va" "$CFG.17.$VA" u 1400
is "$(link va mtu)" 1400 "the MTU is 1400 in the kernel"
methods "SetMTU()" cfg "$VA" 31 0
refused wrongValue "SetMTU(67)" "$CFG.17.$VA" u 67
methods "SetMTU(67)" cfg "$VA" 31 90
refused wrongValue "SetMTU beyond the device's IFLA_MAX_MTU ($(link va max_mtu))" \
	"$CFG.17.$VA" u $(($(link va max_mtu) + 1))
refused wrongType "SetMTU() with an INTEGER" "$CFG.17.$VA" i 1400
methods "SetMTU() of the wrong type" cfg "$VA" 31 68
set_ok "SetDynamicDNSRegistration(false, false)" "$CFG.8.$VA" i 2 "$CFG.9.$VA" i 2
methods "SetDynamicDNSRegistration(off)" cfg "$VA" 21 0
refused inconsistentValue "SetDynamicDNSRegistration(true)" "$CFG.9.$VA" i 1
methods "SetDynamicDNSRegistration(on)" cfg "$VA" 21 64
set_ok "SetTcpipNetbios(disable)" "$CFG.20.$VA" i 2
methods "SetTcpipNetbios(disable)" cfg "$VA" 35 0
refused inconsistentValue "SetTcpipNetbios(enable)" "$CFG.20.$VA" i 1
methods "SetTcpipNetbios(enable)" cfg "$VA" 35 64
set_ok "SetWINSServer('', '')" "$CFG.21.$VA" a 0.0.0.0 "$CFG.22.$VA" a 0.0.0.0
methods "SetWINSServer(none)" cfg "$VA" 41 0
refused inconsistentValue "SetWINSServer(10.0.0.1)" "$CFG.21.$VA" a 10.0.0.1
methods "SetWINSServer(10.0.0.1)" cfg "$VA" 41 64
set_ok "DisableIPSec()" "$CFG.23.$VA" i 4
methods "DisableIPSec()" cfg "$VA" 1 0

# ---- cimAdapterCfgAddressTable: EnableStatic()
A4() { echo "$ADDR.8.$1.1.4.${2//./.}.$3"; }
A6() { echo "$ADDR.8.$1.2.16.$(python3 -c "import ipaddress,sys; print('.'.join(str(b) for b in ipaddress.ip_address(sys.argv[1]).packed))" "$2").$3"; }
set_ok "EnableStatic(198.51.100.5/24)" "$(A4 "$VA" 198.51.100.5 24)" i 4 "$ADDR.7.$VA.1.4.198.51.100.5.24" i 2
addrs va inet | grep -qx "198.51.100.5/24 brd 198.51.100.255 forever" &&
	ok "198.51.100.5/24 is in the kernel, with its broadcast, permanent" ||
	{ not_ok "198.51.100.5/24 is in the kernel, with its broadcast, permanent"; addrs va inet | diag; }
methods "EnableStatic()" cfg "$VA" 6 0
is "$(int "$ADDR.7.$VA.1.4.198.51.100.5.24")" 2 "its StorageType reads volatile(2), as created"
is "$(int "$ADDR.7.$VA.1.4.192.0.2.100.24")" 1 "an address made by ip reads other(1)"
set_ok "EnableStatic(2001:db8:5::1/64)" "$(A6 "$VA" 2001:db8:5::1 64)" i 4
addrs va inet6 | grep -q "^2001:db8:5::1/64" && ok "2001:db8:5::1/64 is in the kernel" ||
	not_ok "2001:db8:5::1/64 is in the kernel"
set_ok "destroy both" "$(A4 "$VA" 198.51.100.5 24)" i 6 "$(A6 "$VA" 2001:db8:5::1 64)" i 6
[ -z "$(addrs va inet | grep 198.51.100.5)$(addrs va inet6 | grep 2001:db8:5::1)" ] &&
	ok "both are gone from the kernel" || not_ok "both are gone from the kernel"
nsx ip addr add 192.0.2.101/24 dev va
set_ok "EnableStatic(192.0.2.7, 192.0.2.8) replacing 192.0.2.100 and its secondary" \
	"$(A4 "$VA" 192.0.2.7 24)" i 4 "$(A4 "$VA" 192.0.2.100 24)" i 6 "$(A4 "$VA" 192.0.2.101 24)" i 6 \
	"$(A4 "$VA" 192.0.2.8 24)" i 4
is "$(addrs va inet | cut -d' ' -f1 | tr '\n' ' ')" "192.0.2.7/24 192.0.2.8/24 " \
	"the first created is the primary, in the kernel's order"
set_ok "back to 192.0.2.100" "$(A4 "$VA" 192.0.2.7 24)" i 6 "$(A4 "$VA" 192.0.2.8 24)" i 6 \
	"$(A4 "$VA" 192.0.2.100 24)" i 4
# nonVolatile (the default): saved, added again when deleted and at start; volatile: not
has() { addrs "$1" inet | grep -q "^$2 "; }
set_ok "EnableStatic(198.51.100.20/24) nonVolatile, 198.51.100.21/24 volatile" \
	"$(A4 "$VA" 198.51.100.20 24)" i 4 "$(A4 "$VA" 198.51.100.21 24)" i 4 \
	"$ADDR.7.$VA.1.4.198.51.100.21.24" i 2
grep -qx "va 198.51.100.20/24" "$T/state/static-addresses" && ! grep -q 198.51.100.21 "$T/state/static-addresses" &&
	ok "the state file lists the nonVolatile address only" ||
	{ not_ok "the state file lists the nonVolatile address only"; diag <"$T/state/static-addresses"; }
# saved by interface name: renamed, the link's address would not come back
storage_is() { [ "$(int "$ADDR.7.$VA.1.4.198.51.100.20.24")" = "$1" ]; }
nsx ip link set va down && nsx ip link set va name vz || bail_out "cannot rename va"
wait_for storage_is 2 && ok "va renamed vz: it reads volatile(2)" ||
	not_ok "va renamed vz: it reads volatile(2) (reads $(int "$ADDR.7.$VA.1.4.198.51.100.20.24"))"
nsx ip link set vz name va && nsx ip link set va up || bail_out "cannot rename vz back"
wait_for storage_is 3 && ok "named va again: it reads nonVolatile(3)" ||
	not_ok "named va again: it reads nonVolatile(3)"
nsx ip addr del 198.51.100.21/24 dev va && nsx ip addr del 198.51.100.20/24 dev va
wait_for has va 198.51.100.20/24 && ok "deleted by ip, the nonVolatile address is back (${WAITED_MS} ms)" ||
	not_ok "deleted by ip, the nonVolatile address is back"
has va 198.51.100.21/24 && not_ok "the volatile address stays deleted" || ok "the volatile address stays deleted"
stop_cimrouted
nsx ip addr del 198.51.100.20/24 dev va
start_cimrouted
wait_registered 10 || bail_out "cimrouted did not register again"
wait_for has va 198.51.100.20/24 && ok "deleted while cimrouted was stopped: added at start" ||
	not_ok "deleted while cimrouted was stopped: added at start"
is "$(int "$ADDR.7.$VA.1.4.198.51.100.20.24")" 3 "it reads nonVolatile(3)"
set_ok "destroy it" "$(A4 "$VA" 198.51.100.20 24)" i 6
! has va 198.51.100.20/24 && ! grep -q 198.51.100.20 "$T/state/static-addresses" &&
	ok "gone from the kernel and the state file" || not_ok "gone from the kernel and the state file"

# refused_code STATUS CODE TEXT VARBIND VALUE...: refused, nothing changed, LastResult CODE
refused_code() {
	local st=$1 code=$2 text=$3; shift 3
	refused "$st" "$text" "$@"
	is "$(int "$CFG.25.$(echo "${1#"$ADDR".8.}" | cut -d. -f1)")" "$code" "$text: LastResult $code"
}
refused_code inconsistentName 70 "a multicast address" "$(A4 "$VA" 224.0.0.5 24)" i 4
refused_code inconsistentName 70 "0.0.0.0" "$(A4 "$VA" 0.0.0.0 8)" i 4
refused_code inconsistentName 70 "the broadcast address of the prefix" "$(A4 "$VA" 10.1.2.255 24)" i 4
refused_code inconsistentName 70 "an IPv6 multicast address" "$(A6 "$VA" ff02::5 64)" i 4
refused_code inconsistentName 66 "a prefix longer than the address" "$(A4 "$VA" 10.1.2.3 33)" i 4
refused_code inconsistentValue 70 "a loopback address on va" "$(A4 "$VA" 127.0.0.2 8)" i 4
refused_code inconsistentValue 93 "an address va has" "$(A4 "$VA" 192.0.2.100 24)" i 4
refused_code inconsistentValue 97 "an address on a bridge port" "$(A4 "$VC" 198.51.100.5 24)" i 4
refused wrongValue "createAndWait" "$(A4 "$VA" 198.51.100.5 24)" i 5
refused wrongValue "StorageType permanent" "$(A4 "$VA" 198.51.100.5 24)" i 4 "$ADDR.7.$VA.1.4.198.51.100.5.24" i 4
methods "EnableStatic() refused by the column check" cfg "$VA" 6 90
set_ok "destroy(6) of an address va does not have (RFC 2579: done already)" "$(A4 "$VA" 198.51.100.99 24)" i 6
methods "... recorded as done" cfg "$VA" 6 0

# ---- the array tables Linux has no rows of: EnableIPSec(), SetIPXFrameTypeNetworkPairs()
PT=.1.3.6.1.4.1.32473.1.1.6.6.1 PU=.1.3.6.1.4.1.32473.1.1.6.7.1 PI=.1.3.6.1.4.1.32473.1.1.6.8.1
IPX=.1.3.6.1.4.1.32473.1.1.6.9.1
set_ok "EnableIPSec() permitting all: destroying the permit rows" "$PT.3.$VA.1" i 6 "$PU.3.$VA.1" i 6 \
	"$PI.3.$VA.1" i 6
methods "EnableIPSec() permitting all" cfg "$VA" 5 0
refused inconsistentValue "EnableIPSec() with a TCP port" "$PT.3.$VA.1" i 4 "$PT.2.$VA.1" u 22
methods "EnableIPSec() with a port" cfg "$VA" 5 64
refused inconsistentName "a permit row's port without its RowStatus" "$PU.2.$VA.1" u 53
refused inconsistentValue "SetIPXFrameTypeNetworkPairs() creating a pair" "$IPX.4.$VA.1" i 4
methods "SetIPXFrameTypeNetworkPairs()" cfg "$VA" 27 85
refused noCreation "a permit row of position 0" "$PT.3.$VA.0" i 6
refused noCreation "an IPX row without position" "$IPX.4.$VA" i 6
grep -qF "set: refused (noCreation): cimAdapterCfgPermitTcpTable index $VA.0: not an interface" "$T/cimrouted.log" &&
	grep -qF "set: refused (noCreation): cimAdapterCfgIpxTable index $VA: not an interface" "$T/cimrouted.log"
result $? "... each logged with its table and index"

# ---- all or nothing across an address write and a route write
RT=$OID_ENTRY.24.10.77.0.0.255.255.0.0
refused inconsistentValue "an address and a route whose next hop is not on-link" \
	"$(A4 "$VA" 198.51.100.9 24)" i 4 "$RT.203.0.113.99.$VA.254.0.5" i 4
before=$(snap)
out=$(setw "$RT.192.0.2.1.$VA.254.0.5" i 4 "$(A6 "$VG" 2001:db8:9::1 64)" i 4)
if echo "$out" | grep -q "Reason: commitFailed" && [ "$before" == "$(snap)" ]; then
	ok "a route added, then an address the kernel refuses: commitFailed, the route removed again"
else
	not_ok "a route added, then an address the kernel refuses: commitFailed, the route removed again"
	diag "$out"; diff <(echo "$before") <(snap) | diag
fi
is "$(int "$CFG.25.$VG")" 84 "IPv6 disabled on the link: LastResult ipNotEnabled(84)"
grep -q "add 10.77.0.0/16 via 192.0.2.1" "$T/cimrouted.log" && grep -q "delete 10.77.0.0/16 via 192.0.2.1" "$T/cimrouted.log" &&
	ok "the route was in the kernel before the address was refused" ||
	not_ok "the route was in the kernel before the address was refused"

# Disable(), Reset() and an MTU below 1280 run after every other row of their SET: an address
# the kernel refuses (a table after the adapters' and before the MTU's row's own) finds va as it
# was, with its route and IPv6 address (a link down drops both; an MTU below 1280 the address).
# So does a write of another handler that fails in ACTION, before or after them in the SET: a
# cimTcpip sysctl the kernel refuses (tcp_retries2 is a u8: 1000 is EINVAL), no row of the
# transaction (net-snmp calls every handler of the phase).
# untouched TEXT VARBINDS...: with va up, its route and IPv6 address, the SET fails with
# commitFailed and changes nothing
untouched() {
	local text=$1 before out; shift
	nsx ip link set va up && nsx ip link set va mtu 1400
	nsx ip route replace 10.78.0.0/16 via 192.0.2.1 dev va && nsx ip addr replace 2001:db8:78::1/64 dev va nodad
	before=$(snap)
	out=$(setw "$@")
	if echo "$out" | grep -q "Reason: commitFailed" && [ "$before" == "$(snap)" ]; then
		ok "$text"
	else
		not_ok "$text"
		diag "$out"; diff <(echo "$before") <(snap) | diag
	fi
}
TC=.1.3.6.1.4.1.32473.1.1.6.12
retries2=$(nsx test -f /proc/sys/net/ipv4/tcp_retries2 && echo yes)
for vb in "$AD.26.$VA i 2" "$AD.39.$VA i 2" "$CFG.17.$VA u 1279"; do
	# shellcheck disable=SC2086 # the varbind's three words
	untouched "${vb%% *} of va and an address the kernel refuses: va untouched, its route and address kept" \
		$vb "$(A6 "$VG" 2001:db8:9::4 64)" i 4
	if [ -z "$retries2" ]; then
		skip "${vb%% *} of va with a sysctl the kernel refuses" "net.ipv4.tcp_retries2 is not per network namespace here"
		continue
	fi
	# shellcheck disable=SC2086
	untouched "${vb%% *} of va, then a sysctl the kernel refuses: va untouched, its route and address kept" \
		$vb "$TC.21.0" u 1000
	# shellcheck disable=SC2086
	untouched "a sysctl the kernel refuses, then ${vb%% *} of va: va untouched, its route and address kept" \
		"$TC.21.0" u 1000 $vb
done
# An IPv6 address created on va with SetMTU(1279) of va: the MTU comes last and the kernel would
# drop the address with IPv6 (the SET a success, the address gone, yet saved): refused.
refused inconsistentValue "SetMTU(1279) of va and an IPv6 address of va in one SET" \
	"$CFG.17.$VA" u 1279 "$(A6 "$VA" 2001:db8:79::1 64)" i 4
methods "... the address refused" cfg "$VA" 6 84
# ... and on va whose MTU is below 1280 already: the kernel has no IPv6 there (EINVAL, which
# recorded invalidIPAddress(70) in ACTION, commitFailed); refused alike. SetMTU(1400) of va in the
# same SET lets it through (the MTU first: its table comes first in the SET).
nsx ip link set va mtu 1279
refused inconsistentValue "an IPv6 address of va, whose MTU is 1279 already" "$(A6 "$VA" 2001:db8:79::2 64)" i 4
methods "... ipNotEnabled(84) recorded" cfg "$VA" 6 84
set_ok "SetMTU(1400) of va (MTU 1279) and an IPv6 address of va in one SET" \
	"$CFG.17.$VA" u 1400 "$(A6 "$VA" 2001:db8:79::2 64)" i 4
is "$(link va mtu) $(addrs va inet6 | grep -c '^2001:db8:79::2/64')" "1400 1" "... both done"
nsx ip addr del 2001:db8:79::2/64 dev va
set_ok "Disable() of va and an address of va in one SET" "$AD.26.$VA" i 2 "$(A4 "$VA" 198.51.100.78 24)" i 4
is "$(link va flags | grep -c "'UP'") $(addrs va inet | grep -c 198.51.100.78)" "0 1" \
	"... both done: the address added before the link went down"
nsx ip addr del 198.51.100.78/24 dev va; nsx ip link set va up
nsx ip route del 10.78.0.0/16 via 192.0.2.1 dev va 2>/dev/null; nsx ip addr del 2001:db8:78::1/64 dev va 2>/dev/null

# An undone destroy puts the address back as it was: its broadcast, label and route metric.
nsx ip addr add 10.9.0.1/24 brd 10.9.0.200 label vg:lab metric 55 dev vg
before=$(nsx ip -4 addr show dev vg; nsx ip -4 route show dev vg)
out=$(setw "$(A4 "$VG" 10.9.0.1 24)" i 6 "$(A6 "$VG" 2001:db8:9::2 64)" i 4)
echo "$out" | grep -q "Reason: commitFailed"
result $? "an address destroyed, then an IPv6 address the kernel refuses: commitFailed" || diag "$out"
is "$(nsx ip -4 addr show dev vg; nsx ip -4 route show dev vg)" "$before" \
	"... the undo adds it back with its broadcast 10.9.0.200, label vg:lab and route metric 55"

# The kernel announced no alias another program set on a link that is down: an undone SET puts
# back the kernel's (sysfs), not the old one cimrouted last saw.
# All of it: one of two lines (netlink takes it; sysfs adds a newline of its own).
nsx ip link set va down && nsx ip link set va alias "$(printf 'set by\nadmin')"
out=$(setw "$AD.24.$VA" s "from snmp" "$(A6 "$VG" 2001:db8:9::3 64)" i 4)
echo "$out" | grep -q "Reason: commitFailed"
result $? "NetConnectionID of the down va, then an address the kernel refuses: commitFailed" || diag "$out"
is "$(link va ifalias)" "$(printf 'set by\nadmin')" "... the undo puts back the alias set by another program, whole"
nsx ip link set va alias "" && nsx ip link set va up

# ---- protectedInterfaces
refused noAccess "Disable() of the protected vm" "$AD.26.$VE" i 2
methods "Disable() of vm" ad "$VE" 2 2
refused noAccess "NetConnectionID of vm" "$AD.24.$VE" s x
refused noAccess "SetMTU() of vm" "$CFG.17.$VE" u 1400
methods "SetMTU() of vm" cfg "$VE" 31 91
refused noAccess "EnableStatic() on vm" "$(A4 "$VE" 198.51.100.5 24)" i 4
refused noAccess "destroying vm's address" "$(A4 "$VE" 203.0.113.1 24)" i 6
refused noAccess "a route through vm" "$OID_ENTRY.24.10.88.0.0.255.255.0.0.203.0.113.2.$VE.254.0.5" i 4
grep -q "vm is protected from SNMP writes (protectedInterfaces)" "$T/cimrouted.log" &&
	ok "the log names the directive" || not_ok "the log names the directive"

# ---- an index no row can have: noCreation, logged in one line each
GW=.1.3.6.1.4.1.32473.1.1.6.5.1 # cimAdapterCfgGatewayEntry
refused noCreation "adapter index 0" "$AD.26.0" i 2
refused noCreation "configuration index of two components" "$CFG.17.$VA.1" u 1400
refused noCreation "address octet 300" "$ADDR.8.$VA.1.4.192.0.2.300.24" i 4
refused noCreation "gateway address type 3" "$GW.6.$VA.3.4.192.0.2.9.20" i 4
is "$(grep -c 'refused (noCreation): cimNetAdapterTable index 0: ' "$T/cimrouted.log") \
$(grep -c "refused (noCreation): cimAdapterCfgTable index $VA.1: " "$T/cimrouted.log") \
$(grep -c "refused (noCreation): cimAdapterCfgAddressTable index $VA.1.4.192.0.2.300.24: " "$T/cimrouted.log") \
$(grep -c "refused (noCreation): cimAdapterCfgGatewayTable index $VA.3.4.192.0.2.9.20: " "$T/cimrouted.log")" \
	"1 1 1 1" "each index refusal logged once, naming its table and index"

both_alive "the adapter methods"
done_testing
