#!/bin/bash
# cimq_write.sh - cimq's writes (PutInstance, DeleteInstance as WQL-like statements, issue 15).
#
# CREATE / UPDATE / DELETE of a live route (Win32_IP4RouteTable) and CREATE / DELETE of a
# persisted route (Win32_IP4PersistedRouteTable), each checked against the kernel (ip -j route)
# and, for the persisted route, the state file; a refusal (a next hop no link reaches): exit 7,
# the SNMP error named as snmpset names it for the same createAndGo, the WMI return value
# printed, nothing changed in the kernel; a write with the read-only community: refused (exit
# 5 or 7, never 0), nothing changed.
# Method calls with parameters: EnableStatic (ip -j addr, the state file), SetGateways (ip -j
# route), SetDNSServerSearchOrder, SetDNSSuffixSearchOrder and EnableDNS (the namespace's
# resolver file, /etc/netns/NS/resolv.conf), SetDefaultTTL (sysctl), each with ReturnValue = 0;
# EnableWINS, SetWINSServer, SetDynamicDNSRegistration, EnableIPSec, SetIPXFrameTypeNetworkPairs:
# 0 for what Linux is, the agent's code (64, 85) otherwise; EnableStatic on
# a link DHCP holds (an address of finite lifetime; dhcpCommand disable a stub): 4096 then 0;
# the link's IPv6 addresses untouched by an IPv4 list; the local refusals (arrays of different lengths 68, a bad address 70, a bad mask 66, an
# unknown parameter exit 2) and the agent's (a gateway on no subnet of the link 71,
# SetTcpWindowSize 64): exit status, message, return value, nothing changed in the kernel.
# Both daemons alive after.

. "$(dirname "$0")/lib.sh"
itest_init cimqwr
. "$ITDIR/cimq_lib.sh"
cimq_require

NSDIR=/etc/netns/$NS
[ -e "$NSDIR" ] && bail_out "$NSDIR exists already"
trap 'rc=$?; rm -rf "$NSDIR"; (exit $rc); _itest_cleanup' EXIT
mkdir -p "$NSDIR" && printf 'nameserver 192.0.2.53\nsearch first.example\n' >"$NSDIR/resolv.conf" ||
	bail_out "cannot make $NSDIR"
veth va vb 192.0.2.100/24 || bail_out "cannot build the veths"
# the DHCP client's stop, for EnableStatic on a link DHCP holds: a stub that takes a second
printf '#!/bin/sh\necho "$*" >>%s/dhcp-stub.log\nsleep 1\n' "$T" >"$T/dhcp-stub"
chmod +x "$T/dhcp-stub"
write_cimrouted_conf "routeTables main" "dhcpCommand disable $T/dhcp-stub %i"
start_agents
IFA=$(nsx cat /sys/class/net/va/ifindex)
# w COMMUNITY WQL: cimq with stdout/stderr in $T/w.out, $T/w.err; sets RC
w() {
	cq -v2c -c "$1" -t 10 -r 0 "$AGENT" "$2" >"$T/w.out" 2>"$T/w.err"
	RC=$?
}
# kr DST: "gateway dev metric protocol" of the kernel's route DST in table main, or empty
kr() { nsx ip -j -4 route show table main "$1" | jq -r '.[] | "\(.gateway) \(.dev) \(.metric // 0) \(.protocol)"'; }
snap() { nsx ip -4 route show table all; cat "$T/state/persisted-routes" 2>/dev/null; }
wrote() { # TEXT: exit 0 and stdout names WMI's return value 0
	if [ "$RC" -eq 0 ] && grep -qw 0 "$T/w.out"; then ok "$1"; else
		not_ok "$1 (exit $RC)"; diag "stdout: $(head -c 300 "$T/w.out")" "stderr: $(head -c 400 "$T/w.err")"; fi
}

# ---------------------------------------------------------------- a live route
# the issue's own example: WMI's keys and Metric1 only (table main, TOS 0 and the metric implied)
w private "CREATE Win32_IP4RouteTable SET Destination='10.1.0.0', Mask='255.255.0.0', NextHop='192.0.2.1', InterfaceIndex=$IFA, Metric1=10"
wrote "CREATE Win32_IP4RouteTable with the WMI keys and Metric1 only (table main, TOS 0, metric Metric1)"
is "$(kr 10.1.0.0/16)" "192.0.2.1 va 10 252" "the kernel has the route (via, dev, metric, protocol 252)"
w private "UPDATE Win32_IP4RouteTable SET Metric1=20 WHERE Destination='10.1.0.0' AND Mask='255.255.0.0'"
wrote "UPDATE Win32_IP4RouteTable SET Metric1"
is "$(kr 10.1.0.0/16)" "192.0.2.1 va 20 252" "the kernel's route has the new metric, and only it"
w private "DELETE FROM Win32_IP4RouteTable WHERE Destination='10.1.0.0' AND Mask='255.255.0.0'"
wrote "DELETE FROM Win32_IP4RouteTable"
is "$(kr 10.1.0.0/16)" "" "the route is gone from the kernel"

# ---------------------------------------------------------------- a persisted route
w private "CREATE Win32_IP4PersistedRouteTable SET Destination='10.50.0.0', Mask='255.255.0.0', NextHop='192.0.2.1', Metric1=3"
wrote "CREATE Win32_IP4PersistedRouteTable"
is "$(kr 10.50.0.0/16)" "192.0.2.1 va 3 252" "the kernel has the persisted route"
grep -q '^10.50.0.0/16 via 192.0.2.1 metric 3' "$T/state/persisted-routes" 2>/dev/null &&
	ok "the state file has its line" || { not_ok "the state file has its line"; diag "$(cat "$T/state/persisted-routes" 2>&1)"; }
w private "DELETE FROM Win32_IP4PersistedRouteTable WHERE Destination = '10.50.0.0'"
wrote "DELETE FROM Win32_IP4PersistedRouteTable"
is "$(kr 10.50.0.0/16)" "" "the persisted route is gone from the kernel"
grep -q '^10.50.0.0/16' "$T/state/persisted-routes" 2>/dev/null && not_ok "its line is gone from the state file" ||
	ok "its line is gone from the state file"

# ---------------------------------------------------------------- refusals
# the truth: the same createAndGo with snmpset, and the error it names
ix=10.2.0.0.255.255.0.0.203.0.113.1.$IFA.254.0.10
before=$(snap)
want=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$OID_ENTRY.24.$ix" i 4 2>&1 | sed -n 's/^Reason: \([A-Za-z]*\).*/\1/p')
[ -n "$want" ] || diag "snmpset was not refused"
w private "CREATE Win32_IP4RouteTable SET Destination='10.2.0.0', Mask='255.255.0.0', NextHop='203.0.113.1', InterfaceIndex=$IFA, Metric1=10, KernelTable=254, Tos=0, KernelMetric=10"
after=$(snap)
if [ "$RC" -eq 7 ] && [ -n "$want" ] && grep -qi "$want" "$T/w.err" "$T/w.out" && [ "$before" == "$after" ]; then
	ok "refused CREATE: exit 7, names $want (as snmpset), nothing changed"
else
	not_ok "refused CREATE: exit 7, names ${want:-the error} (as snmpset), nothing changed (exit $RC)"
	diag "stderr: $(head -c 400 "$T/w.err")"
	[ "$before" == "$after" ] || diff <(echo "$before") <(echo "$after") | diag
fi
before=$(snap)
w public "CREATE Win32_IP4RouteTable SET Destination='10.3.0.0', Mask='255.255.0.0', NextHop='192.0.2.1', InterfaceIndex=$IFA, Metric1=10, KernelTable=254, Tos=0, KernelMetric=10"
after=$(snap)
if { [ "$RC" -eq 5 ] || [ "$RC" -eq 7 ]; } && [ "$before" == "$after" ]; then
	ok "CREATE with the read-only community refused (exit $RC), nothing changed"
else
	not_ok "CREATE with the read-only community refused, nothing changed (exit $RC)"
	diag "stderr: $(head -c 400 "$T/w.err")"
fi
# ---------------------------------------------------------------- method calls with parameters
NAC=Win32_NetworkAdapterConfiguration
# addrs: the link's IPv4 addresses as ADDRESS/LEN, in the kernel's order
addrs() { nsx ip -j -4 addr show dev va | jq -r '[.[].addr_info[] | "\(.local)/\(.prefixlen)"] | join(" ")'; }
# gws: the link's default routes as GATEWAY:METRIC
gws() { nsx ip -j -4 route show default dev va | jq -r '[.[] | "\(.gateway):\(.metric // 0)"] | sort | join(" ")'; }
ksnap() { nsx ip -4 addr show dev va; nsx ip -4 route show table all; cat "$NSDIR/resolv.conf"; }
# rv N TEXT: exit 0 (N = 0) or 7, stdout says ReturnValue = N
rv() {
	local want=0
	[ "$1" -ne 0 ] && want=7
	if [ "$RC" -eq "$want" ] && grep -q "ReturnValue = $1\$" "$T/w.out"; then ok "$2"; else
		not_ok "$2 (exit $RC)"; diag "stdout: $(head -c 300 "$T/w.out")" "stderr: $(head -c 400 "$T/w.err")"; fi
}
# refused N|2 PATTERN TEXT WQL: the call refused (exit 7 and ReturnValue = N, or exit 2),
# stderr matches PATTERN, nothing changed in the kernel or the resolver file
refused() {
	local before after good=1
	before=$(ksnap)
	w private "$4"
	after=$(ksnap)
	if [ "$1" = 2 ]; then [ "$RC" -eq 2 ] || good=0; else
		[ "$RC" -eq 7 ] && grep -q "ReturnValue = $1\$" "$T/w.out" || good=0; fi
	grep -q -- "$2" "$T/w.err" || good=0
	[ "$before" == "$after" ] || good=0
	if [ $good = 1 ]; then ok "$3"; else
		not_ok "$3 (exit $RC)"; diag "stdout: $(head -c 300 "$T/w.out")" "stderr: $(head -c 400 "$T/w.err")"
		[ "$before" == "$after" ] || diff <(echo "$before") <(echo "$after") | diag; fi
}

v6() { nsx ip -j -6 addr show dev va | jq -r '[.[].addr_info[] | "\(.local)/\(.prefixlen)"] | join(" ")'; }
V6=$(v6)
w private "CALL $NAC.EnableStatic(IPAddress=('192.0.2.7','192.0.2.8'), SubnetMask=('255.255.255.0','255.255.255.0')) WHERE Index = $IFA"
rv 0 "EnableStatic of two addresses: ReturnValue = 0"
[ -n "$V6" ] && is "$(v6)" "$V6" "the IPv6 addresses ($V6) left alone by an IPv4 list" ||
	skip "the IPv6 addresses left alone by an IPv4 list" "no IPv6 address on va"
is "$(addrs)" "192.0.2.7/24 192.0.2.8/24" "ip -j addr: the two addresses replace the link's, the first the primary"
is "$(grep -c "^va 192.0.2.[78]/24\$" "$T/state/static-addresses" 2>/dev/null)" 2 "both kept in the state file (nonVolatile)"
w private "CALL $NAC.EnableStatic(IPAddress=('192.0.2.7','198.51.100.9'), SubnetMask=('255.255.255.0','255.255.255.128')) WHERE Index = $IFA"
rv 0 "EnableStatic again: one kept, one replaced"
is "$(addrs)" "192.0.2.7/24 198.51.100.9/25" "ip -j addr: 192.0.2.8 gone, 198.51.100.9/25 added"
refused 68 "IPAddress has 1 elements, SubnetMask 2" "arrays of different lengths: 68, nothing changed" \
	"CALL $NAC.EnableStatic(IPAddress=('192.0.2.9'), SubnetMask=('255.255.255.0','255.255.255.0')) WHERE Index = $IFA"
refused 70 "IPAddress\[0\] '192.0.2.300' is not an IP address" "a bad address: 70, nothing changed" \
	"CALL $NAC.EnableStatic(IPAddress=('192.0.2.300'), SubnetMask=('255.255.255.0')) WHERE Index = $IFA"
refused 66 "SubnetMask\[0\] '255.0.255.0' is not a subnet mask" "a bad mask: 66, nothing changed" \
	"CALL $NAC.EnableStatic(IPAddress=('192.0.2.9'), SubnetMask=('255.0.255.0')) WHERE Index = $IFA"
refused 2 "EnableStatic has no parameter Mask" "an unknown parameter: exit 2, nothing changed" \
	"CALL $NAC.EnableStatic(IPAddress=('192.0.2.9'), Mask=('255.255.255.0')) WHERE Index = $IFA"
refused 70 "inconsistentName" "the agent's refusal (a network address): 70, inconsistentName named, nothing changed" \
	"CALL $NAC.EnableStatic(IPAddress=('192.0.2.0'), SubnetMask=('255.255.255.0')) WHERE Index = $IFA"

before=$(ksnap)
w public "CALL $NAC.EnableStatic(IPAddress=('192.0.2.9'), SubnetMask=('255.255.255.0')) WHERE Index = $IFA"
if [ "$RC" -eq 5 ] && ! grep -q ReturnValue "$T/w.out" && [ "$before" == "$(ksnap)" ]; then
	ok "EnableStatic with the read-only community: exit 5, no stale ReturnValue (the last call's 0), nothing changed"
else
	not_ok "EnableStatic with the read-only community: exit 5, no stale ReturnValue, nothing changed (exit $RC)"
	diag "stdout: $(head -c 300 "$T/w.out")" "stderr: $(head -c 400 "$T/w.err")"
fi

w private "CALL $NAC.SetGateways(DefaultIPGateway=('192.0.2.1','192.0.2.2'), GatewayCostMetric=(7, 9)) WHERE Index = $IFA"
rv 0 "SetGateways of two gateways: ReturnValue = 0"
is "$(gws)" "192.0.2.1:7 192.0.2.2:9" "ip -j route: both default routes, at their metrics"
w private "CALL $NAC.SetGateways(DefaultIPGateway=('192.0.2.2')) WHERE Index = $IFA"
rv 0 "SetGateways of one gateway (GatewayCostMetric absent: 1)"
is "$(gws)" "192.0.2.2:1" "ip -j route: the old ones gone, the new one at metric 1"
refused 71 "inconsistentValue" "a gateway on no subnet of the link: 71, inconsistentValue named, nothing changed" \
	"CALL $NAC.SetGateways(DefaultIPGateway=('203.0.113.1')) WHERE Index = $IFA"
w private "CALL $NAC.SetGateways(DefaultIPGateway=()) WHERE Index = $IFA"
rv 0 "SetGateways with no gateway"
is "$(gws)" "" "ip -j route: no default route left"
# WMI: SetGateways with the adapter's own address (as EnableStatic gave it above) clears its gateways
# (with 1,100 more addresses on va: cimq looks its own up, it does not read them all)
extra() { for i in $(seq 1 1100); do echo "addr $1 10.9.$((i / 250)).$((i % 250 + 1))/32 dev va"; done | nsx ip -batch -; }
extra add
w private "CALL $NAC.SetGateways(DefaultIPGateway=('192.0.2.1')) WHERE Index = $IFA"
w private "CALL $NAC.SetGateways(DefaultIPGateway=('192.0.2.7')) WHERE Index = $IFA"
rv 0 "SetGateways with the adapter's own address"
is "$(gws) $(nsx ip -4 route show default | wc -l)" " 0" "ip -j route: the gateway cleared, no default route (none direct either)"
extra del

w private "CALL $NAC.SetDNSServerSearchOrder(DNSServerSearchOrder=('192.0.2.54','2001:db8::53')) WHERE Index = $IFA"
rv 0 "SetDNSServerSearchOrder: ReturnValue = 0"
is "$(grep '^nameserver' "$NSDIR/resolv.conf" | tr '\n' '|')" "nameserver 192.0.2.54|nameserver 2001:db8::53|" "the resolver file has the two servers, in order"
w private "CALL $NAC.SetDNSSuffixSearchOrder(DNSDomainSuffixSearchOrder=('a.example','b.example'))"
rv 0 "SetDNSSuffixSearchOrder (static: one SET, no instance): ReturnValue = 0"
is "$(grep '^search' "$NSDIR/resolv.conf")" "search a.example b.example" "the resolver file's search line"

w private "CALL $NAC.EnableDNS(DNSDomain='c.example', DNSDomainSuffixSearchOrder=('c.example','d.example'))"
rv 0 "EnableDNS with a domain and suffixes (static, one SET; no host name: cimrouted shares the host's UTS namespace here)"
is "$(grep '^search' "$NSDIR/resolv.conf")" "search c.example d.example" "the resolver file's search line"

# what Linux is already: 0, nothing changed; anything else: the agent's code
w private "CALL $NAC.EnableWINS(DNSEnabledForWINSResolution=FALSE, WINSEnableLMHostsLookup=FALSE)"
rv 0 "EnableWINS of no WINS (two cimTcpip scalars): 0"
refused 64 "inconsistentValue" "EnableWINS with WINS: 64 (cimTcpipLastResult), nothing changed" \
	"CALL $NAC.EnableWINS(DNSEnabledForWINSResolution=TRUE, WINSEnableLMHostsLookup=FALSE)"
w private "CALL $NAC.SetWINSServer(WINSPrimaryServer='0.0.0.0', WINSSecondaryServer='0.0.0.0') WHERE Index = $IFA"
rv 0 "SetWINSServer of no server (two columns of the row): 0"
refused 64 "inconsistentValue" "SetWINSServer of a server: 64, nothing changed" \
	"CALL $NAC.SetWINSServer(WINSPrimaryServer='192.0.2.9', WINSSecondaryServer='0.0.0.0') WHERE Index = $IFA"
w private "CALL $NAC.SetDynamicDNSRegistration(FullDNSRegistrationEnabled=FALSE) WHERE Index = $IFA"
rv 0 "SetDynamicDNSRegistration(FALSE): 0"
w private "CALL $NAC.EnableIPSec(IPSecPermitTCPPorts=(), IPSecPermitUDPPorts=(), IPSecPermitIPProtocols=()) WHERE Index = $IFA"
rv 0 "EnableIPSec of three empty lists (permit all: no row to destroy, no SET): 0"
refused 64 "cimAdapterCfgPermitTcpRowStatus" "EnableIPSec with a port: 64, the permit row named, nothing changed" \
	"CALL $NAC.EnableIPSec(IPSecPermitTCPPorts=('80'), IPSecPermitUDPPorts=(), IPSecPermitIPProtocols=()) WHERE Index = $IFA"
refused 85 "inconsistentValue" "SetIPXFrameTypeNetworkPairs of a pair: 85 (no IPX), nothing changed" \
	"CALL $NAC.SetIPXFrameTypeNetworkPairs(IPXNetworkNumber=('1'), IPXFrameType=(0)) WHERE Index = $IFA"

w private "CALL $NAC.SetDefaultTTL(DefaultTTL=77)"
rv 0 "SetDefaultTTL (a cimTcpip scalar): ReturnValue = 0"
is "$(nsx sysctl -n net.ipv4.ip_default_ttl)" 77 "sysctl net.ipv4.ip_default_ttl"
# a static method named with a WHERE: once if it selects an instance, nothing if none (WMIC)
w private "CALL $NAC.SetDefaultTTL(DefaultTTL=78) WHERE Index = $IFA"
rv 0 "SetDefaultTTL with a WHERE that selects an adapter: ReturnValue = 0"
is "$(nsx sysctl -n net.ipv4.ip_default_ttl)" 78 "... written once"
w private "CALL $NAC.SetDefaultTTL(DefaultTTL=79) WHERE Index = 999999"
is "$RC $(cat "$T/w.out") $(nsx sysctl -n net.ipv4.ip_default_ttl)" "0  78" \
	"SetDefaultTTL with a WHERE that selects nothing: exit 0, nothing printed, nothing written"
refused 64 "inconsistentValue" "SetTcpWindowSize: ReturnValue = 64 (cimTcpipLastResult), inconsistentValue named" \
	"CALL $NAC.SetTcpWindowSize(TcpWindowSize=8192)"

# EnableStatic on a link DHCP holds: the client stopped (the stub), jobStarted then the final code
nsx ip addr add 192.0.2.50/24 dev va valid_lft 300 preferred_lft 300
w private "CALL $NAC.EnableStatic(IPAddress=('192.0.2.7'), SubnetMask=('255.255.255.0')) WHERE Index = $IFA"
if [ "$RC" -eq 0 ] && grep -q "ReturnValue = 4096 (job started)" "$T/w.out" && tail -1 "$T/w.out" | grep -q "ReturnValue = 0\$"; then
	ok "EnableStatic with DHCP on: ReturnValue = 4096 (job started), then 0"
else
	not_ok "EnableStatic with DHCP on: ReturnValue = 4096 (job started), then 0 (exit $RC)"
	diag "stdout: $(head -c 300 "$T/w.out")" "stderr: $(head -c 400 "$T/w.err")"
fi
is "$(cat "$T/dhcp-stub.log" 2>/dev/null)" "va" "the DHCP client's stop ran once, for va"
is "$(addrs)" "192.0.2.7/24" "ip -j addr: the leased address gone, 192.0.2.7 left"

# methods without parameters, their codes as the agent records them (no link has DHCP now)
refused 100 "inconsistentValue" "RenewDHCPLeaseAll() (cimTcpipAction, static): 100 from cimTcpipLastResult" \
	"CALL $NAC.RenewDHCPLeaseAll()"
refused 100 "inconsistentValue" "ReleaseDHCPLease() on a static link: 100 from the row's LastResult" \
	"CALL $NAC.ReleaseDHCPLease() WHERE Index = $IFA"

# a list longer than cimq reads to replace (1,024 rows): refused before any SET, never cut short
for i in $(seq 0 1024); do echo "addr add 10.77.$((i / 256)).$((i % 256))/32 dev va"; done >"$T/many.batch"
nsx ip -batch "$T/many.batch"
# the agent's address table holds the 1,025 new rows
many_seen() { nsx snmpwalk -v2c -c public -On "$AGENT" "$ENT.6.4" 2>/dev/null | grep -c ' = ' | awk '$1 > 2 * 1025 { ok = 1 } END { exit !ok }'; }
wait_until 20 many_seen
before=$(ksnap)
w private "CALL $NAC.EnableStatic(IPAddress=('192.0.2.7'), SubnetMask=('255.255.255.0')) WHERE Index = $IFA"
if [ "$RC" -eq 8 ] && grep -q "more than 1024 rows" "$T/w.err" && [ "$before" == "$(ksnap)" ]; then
	ok "EnableStatic on a link of 1,026 addresses: exit 8, refused before any SET, nothing changed"
else
	not_ok "EnableStatic on a link of 1,026 addresses: exit 8, nothing changed (exit $RC)"
	diag "stdout: $(head -c 300 "$T/w.out")" "stderr: $(head -c 400 "$T/w.err")"
fi
sed 's/^addr add/addr del/' "$T/many.batch" | nsx ip -batch -

both_alive "writes"
done_testing
