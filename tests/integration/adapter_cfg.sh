#!/bin/bash
# adapter_cfg.sh - cimAdapterConfig (Win32_NetworkAdapterConfiguration, read side, issue 12)
# equals the kernel, the resolver file and the sysctls, row by row.
#
# A namespace with three veth pairs: several IPv4 addresses (two primaries and
# a secondary; one with a finite lifetime, as a DHCP client sets it), IPv6 addresses (global,
# link-local, temporary ones made by mngtmpaddr), a link with only fe80:: (b0) and the
# loopback, both IPEnabled FALSE, a link down with an address (c0), default routes of both families
# with metrics (a link-local IPv6 gateway among them), and a resolver file of its own
# (/etc/netns/NS/resolv.conf, which `ip netns exec` bind-mounts). adcfg_rows.py compares every
# row of the configuration, address, gateway, permit/IPX, DNS server and suffix tables and the
# cimTcpip scalars with `ip -j link/addr/route`, the file and the sysctls. Then, each compared
# again until equal: an address added and one removed, a link down and up, a default route
# changed, the resolver file rewritten, a sysctl changed, a carrier lost, an MTU and an alias
# changed, a link renamed, a master restart, and a netlink overrun (a tiny event buffer and 120
# addresses added while cimrouted is stopped).

. "$(dirname "$0")/lib.sh"
itest_init adcfg
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

OID_ADCFG=.1.3.6.1.4.1.32473.1.1.6
RESOLV_DIR=/etc/netns/$NS
_adcfg_cleanup() {
	local rc=$?
	rm -rf "$RESOLV_DIR"
	(exit $rc)
	_itest_cleanup
}
trap _adcfg_cleanup EXIT

# ---------------------------------------------------------------- topology
# The resolver file first: `ip netns exec` bind-mounts it over /etc/resolv.conf from now on.
# It is rewritten in place below (the bind mount holds the inode: a rename would not show).
mkdir -p "$RESOLV_DIR" || bail_out "cannot create $RESOLV_DIR"
cat >"$RESOLV_DIR/resolv.conf" <<'EOF'
# a resolver file of the test's own
search one.example two.example
nameserver 192.0.2.53
nameserver 2001:db8::53
nameserver fe80::53%a0
options ndots:2
domain last.example
EOF

veth a0 b0 && veth a1 b1 && veth c0 c1 || bail_out "cannot build the veth topology"
nsx sysctl -qw net.ipv6.conf.a0.use_tempaddr=2 net.ipv6.conf.b0.accept_dad=0 >/dev/null
nsx ip addr add 10.10.0.1/24 dev a0 &&
	nsx ip addr add 10.10.0.7/24 dev a0 &&
	nsx ip addr add 10.20.0.1/24 dev a0 &&
	nsx ip -6 addr add 2001:db8:10::1/64 dev a0 nodad &&
	nsx ip -6 addr add 2001:db8:11::1/64 dev a0 nodad mngtmpaddr &&
	nsx ip addr add 10.30.0.2/24 dev a1 valid_lft 3600 preferred_lft 1800 &&
	nsx ip addr add 10.40.0.1/24 dev c0 && nsx ip link set c0 down ||
	bail_out "cannot add addresses"
nsx ip route add default via 10.10.0.254 dev a0 metric 100 &&
	nsx ip route add default via 10.10.0.253 dev a0 metric 50 &&
	nsx ip route add default via 10.30.0.1 dev a1 metric 300 &&
	nsx ip -6 route add default via fe80::1 dev a0 metric 1024 &&
	nsx ip -6 route add default via 2001:db8:10::fe dev a0 metric 20 ||
	bail_out "cannot add default routes"

write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
start_cimrouted
wait_registered 20

# compare_cfg NAME: walk .1.6 and snapshot the kernel, the file and the sysctls; 0 when equal
compare_cfg() {
	local p=$T/$1
	nsx ip -j -d link show >"$p.links.json" && nsx ip -j addr show >"$p.addrs.json" &&
		nsx ip -j -d -4 route show table main >"$p.r4.json" &&
		nsx ip -j -d -6 route show table main >"$p.r6.json" || return 2
	{
		nsx sysctl net.ipv4.ip_default_ttl net.ipv4.tcp_keepalive_intvl net.ipv4.tcp_keepalive_time \
			net.ipv4.tcp_mtu_probing net.ipv4.ip_no_pmtu_disc net.ipv4.tcp_syn_retries \
			net.ipv4.tcp_retries2 net.ipv4.tcp_stdurg | sed 's/ = / /'
		echo "hostname $(nsx uname -n)"
	} >"$p.sysctls"
	nsx snmpbulkwalk -Cr50 "${SNMP_OPTS[@]}" "${V2[@]}" "$AGENT" "$OID_ADCFG" >"$p.walk" 2>"$p.walk.err" || return 2
	python3 "$ITDIR/adcfg_rows.py" "$p.walk" "$p.links.json" "$p.addrs.json" "$p.r4.json" "$p.r6.json" \
		"$RESOLV_DIR/resolv.conf" "$p.sysctls" >"$p.cmp" 2>&1
}

# wait_cfg TIMEOUT_S TEXT NAME: compare until equal or the deadline; one TAP line
wait_cfg() {
	local to=$1 text=$2 name=$3 start rc n=0
	start=$(now_ms)
	while :; do
		n=$((n + 1))
		compare_cfg "$name"; rc=$?
		[ $rc -eq 0 ] && break
		[ $(($(now_ms) - start)) -ge $((to * 1000)) ] && [ $n -ge 2 ] && break
		sleep 0.2
	done
	if [ $rc -eq 0 ]; then
		ok "$text"
		diag "equal after $(($(now_ms) - start)) ms ($n comparisons); $(grep '^# compare:' "$T/$name.cmp" | sed 's/^# //')"
	else
		not_ok "$text"
		{ cat "$T/$name.walk.err" 2>/dev/null; sed 's/^# //' "$T/$name.cmp"; } | head -n 40 | diag
	fi
}

# ---------------------------------------------------------------- cases
wait_cfg 5 "every table equals the kernel, the resolver file and the sysctls" start
lo=$(nsx cat /sys/class/net/lo/ifindex) b0=$(nsx cat /sys/class/net/b0/ifindex)
a0=$(nsx cat /sys/class/net/a0/ifindex) a1=$(nsx cat /sys/class/net/a1/ifindex)
is "$(get_val "$OID_ADCFG.3.1.12.$lo")" "INTEGER: 2" "the loopback reads IPEnabled FALSE"
is "$(get_val "$OID_ADCFG.3.1.12.$b0")" "INTEGER: 2" "a link with only fe80:: reads IPEnabled FALSE"
is "$(get_val "$OID_ADCFG.3.1.12.$a0")" "INTEGER: 1" "a0 reads IPEnabled TRUE"
tmp=$(nsx ip -j -6 addr show dev a0 | python3 -c 'import json,sys; print(sum(1 for a in json.load(sys.stdin)[0]["addr_info"] if a.get("temporary")))')
if [ "${tmp:-0}" -gt 0 ]; then ok "a0 has $tmp temporary address(es) (compared as random(6))"; else skip "temporary addresses" "the kernel made none"; fi
# IPAddress[0] is the primary 10.10.0.1, IPSubnet[0] its dotted mask
is "$(get_val "$OID_ADCFG.4.1.10.$a0.1.4.10.10.0.1.24")" "Gauge32: 0" "IPAddress[0] is the primary IPv4 address"
is "$(get_str "$OID_ADCFG.4.1.9.$a0.1.4.10.10.0.1.24")" "255.255.255.0" "IPSubnet[0] is its dotted mask"
is "$(get_val "$OID_ADCFG.5.1.7.$a0.1.4.10.10.0.253.50")" "Gauge32: 0" "DefaultIPGateway[0] is the lowest metric's"
case $(get_val "$OID_ADCFG.12.1.0") in *"No Such Instance"*) ok "a property Linux lacks (ArpAlwaysSourceRoute) reads noSuchInstance" ;; *) not_ok "a property Linux lacks (ArpAlwaysSourceRoute) reads noSuchInstance" ;; esac
case $(get_val "$OID_ADCFG.3.1.21.$a0") in *"No Such Instance"*) ok "an absent column (WINSPrimaryServer) reads noSuchInstance" ;; *) not_ok "an absent column (WINSPrimaryServer) reads noSuchInstance" ;; esac
! grep -q "No Such" "$T/start.walk"; result $? "the walk holds no exception values"
# Description and ServiceName are Win32_NetworkAdapter's (cimNetAdapterTable, .1.5: 10 and 32)
val_only() { get_val "$1" | sed 's/^.* = No Such/No Such/'; }
same=1
for x in $lo $a0 $a1 $b0; do
	c="$(val_only "$OID_ADCFG.3.1.3.$x") | $(val_only "$OID_ADCFG.3.1.18.$x")"
	n="$(val_only "${OID_ADCFG%.6}.5.3.1.10.$x") | $(val_only "${OID_ADCFG%.6}.5.3.1.32.$x")"
	[ "$c" = "$n" ] || { same=0; diag "ifindex $x: configuration $c, adapter $n"; }
done
[ $same = 1 ]; result $? "Description and ServiceName equal the adapter's (cimNetAdapterTable), joined by Index"
both_alive "start"

nsx ip addr add 10.10.0.9/24 dev a0 && nsx ip addr del 10.20.0.1/24 dev a0
wait_cfg 5 "an address added and one removed" addr
nsx ip link set a1 down
wait_cfg 5 "a link set down" down
is "$(get_val "$OID_ADCFG.3.1.12.$a1")" "INTEGER: 2" "a link down reads IPEnabled FALSE"
nsx ip link set a1 up && nsx ip route replace default via 10.30.0.1 dev a1 metric 300
wait_cfg 5 "the link set up again" up
nsx ip route del default via 10.10.0.253 dev a0 metric 50 &&
	nsx ip route add default via 10.10.0.250 dev a0 metric 10 &&
	nsx ip -6 route del default via 2001:db8:10::fe dev a0 metric 20
wait_cfg 5 "default routes changed" gateways
is "$(get_val "$OID_ADCFG.5.1.7.$a0.1.4.10.10.0.250.10")" "Gauge32: 0" "the new lowest metric's gateway is element 0"
cat >"$RESOLV_DIR/resolv.conf" <<'EOF'
domain first.example
search s1.example s2.example s3.example
nameserver 198.51.100.1
nameserver not-an-address
EOF
nsx sysctl -qw net.ipv4.ip_default_ttl=77 net.ipv4.tcp_keepalive_time=600
wait_cfg 5 "the resolver file rewritten and sysctls changed" resolver
both_alive "changes"

nsx ip link set b1 down
wait_cfg 5 "a carrier lost (a1's peer down)" carrier
nsx ip link set b1 up && nsx ip link set a0 mtu 1400 && nsx ip link set a0 alias "uplink to core"
wait_cfg 5 "an MTU and an alias changed" mtu
nsx ip link set c0 name wan0
wait_cfg 5 "a link renamed (c0 to wan0: SettingID, Caption)" rename
both_alive "link changes"

stop_snmpd
start_snmpd || bail_out "snmpd does not restart"
wait_registered 20
wait_cfg 10 "after a master restart" restart
both_alive "master restart"

# A netlink overrun: a tiny event buffer, and changes made while cimrouted is stopped.
stop_cimrouted
: >"$T/cimrouted.log"
write_cimrouted_conf "netlinkEventBuffer 4096"
start_cimrouted
wait_registered 20 || bail_out "cimrouted did not register"
kill -STOP "$CIMR_PID"
for i in $(seq 1 120); do echo "address add 10.70.$((i / 250)).$((i % 250 + 1))/32 dev a1"; done >"$T/burst.batch"
echo "link set a1 mtu 1300" >>"$T/burst.batch"
nsx ip -batch "$T/burst.batch" || not_ok "ip -batch of the burst"
kill -CONT "$CIMR_PID"
wait_cfg 15 "after 120 addresses and an MTU change with events lost, every table equals the kernel" overrun
grep -q "overrun" "$T/cimrouted.log"
result $? "the overrun was detected (and the interface mirror dumped again)"
both_alive "an overrun"

done_testing
