#!/bin/bash
# tcpip_set.sh - the host-wide methods of Win32_NetworkAdapterConfiguration (issue 13): every
# writable cimTcpip scalar through snmpset, checked in the kernel afterwards.
#
# The sysctl methods write net.ipv4.* of the test namespace (each one is per network
# namespace: a namespace's /proc/sys/net/ipv4 lists only those), with WMI's units
# (milliseconds) and TruthValue mappings; the methods that ask for what Linux already is
# answer noError and change nothing; the others are refused with inconsistentValue and
# notSupported(64) or ipxNotEnabled(85); bad values with wrongType/wrongValue/wrongLength and
# their code; a value the kernel refuses with commitFailed. cimTcpipLastMethod and
# cimTcpipLastResult are read after each. EnableDNS (cimTcpipDNSHostName) sets the host name
# of cimrouted, which runs here in a UTS namespace of its own (unshare --uts), so the host's
# name is never touched. All or nothing: a sysctl or the host name written in the same SET as
# a route row that fails (in the check, or in the kernel) is as it was. Host sysctls are
# compared before and after.

. "$(dirname "$0")/lib.sh"
itest_init tcpip
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"
needs unshare nsenter

TC=.1.3.6.1.4.1.32473.1.1.6.12
SYSCTLS="ip_default_ttl tcp_keepalive_intvl tcp_keepalive_time tcp_mtu_probing ip_no_pmtu_disc
tcp_syn_retries tcp_retries2 tcp_stdurg"
for s in $SYSCTLS; do
	nsx test -f "/proc/sys/net/ipv4/$s" || skip_all "net.ipv4.$s is not per network namespace here"
done
host_sysctls() { for s in $SYSCTLS; do sysctl -n "net.ipv4.$s"; done; hostname; }
HOST_BEFORE=$(host_sysctls)

veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
write_cimrouted_conf "routeTables main"
start_snmpd || bail_out "snmpd did not start"
# A UTS namespace of its own: EnableDNS sets the host name of cimrouted's UTS namespace.
CIMR_WRAPPER="unshare --uts" start_cimrouted
wait_registered 10 || bail_out "cimrouted did not register"
nsenter -t "$CIMR_PID" -u hostname tcpip-test || bail_out "cannot name cimrouted's UTS namespace"

setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@" 2>&1; }
sc() { nsx sysctl -n "net.ipv4.$1"; }
daemon_host() { nsenter -t "$CIMR_PID" -u hostname; }
snap() { for s in $SYSCTLS; do echo "$s=$(sc "$s")"; done; echo "hostname=$(daemon_host)"; }
last() { echo "$(get_val $TC.29.0 | sed 's/^INTEGER: //') $(get_val $TC.30.0 | sed 's/^INTEGER: //;s/.*No Such Instance.*/none/')"; }
# value TYPE V: as snmpget prints it
shown() { case $1 in u) echo "Gauge32: $2" ;; i) echo "INTEGER: $2" ;; esac; }

is "$(last)" "0 none" "before any method: LastMethod none(0), LastResult absent"

# ---------------------------------------------------------------- the sysctl methods
# method col type value sysctl stored method-number
while read -r m col t v s want mn; do
	out=$(setw "$TC.$col.0" "$t" "$v"); rc=$?
	got="rc=$rc $(sc "$s") $(get_val "$TC.$col.0") / $(last)"
	is "$got" "rc=0 $want $(shown "$t" "$v") / $mn 0" "$m($v): net.ipv4.$s = $want, reads $v, LastMethod $mn, LastResult 0"
done <<'EOF'
SetDefaultTTL 6 u 77 ip_default_ttl 77 17
SetKeepAliveInterval 15 u 30000 tcp_keepalive_intvl 30 29
SetKeepAliveTime 16 u 600000 tcp_keepalive_time 600 30
SetPMTUBHDetect 18 i 1 tcp_mtu_probing 1 33
SetPMTUDiscovery 19 i 2 ip_no_pmtu_disc 1 34
SetTcpMaxConnectRetransmissions 20 u 3 tcp_syn_retries 3 36
SetTcpMaxDataRetransmissions 21 u 8 tcp_retries2 8 37
SetTcpUseRFC1122UrgentPointer 23 i 1 tcp_stdurg 1 39
EOF
nsx sysctl -qw net.ipv4.tcp_mtu_probing=2
setw "$TC.18.0" i 1 >/dev/null
is "$(sc tcp_mtu_probing)" 2 "SetPMTUBHDetect(true) leaves tcp_mtu_probing 2 (already probing)"
nsx sysctl -qw net.ipv4.ip_no_pmtu_disc=3
v=$(get_val $TC.19.0); setw "$TC.19.0" i 1 >/dev/null
is "$v $(sc ip_no_pmtu_disc)" "INTEGER: 1 3" "ip_no_pmtu_disc 3 (hardened discovery) reads true; SetPMTUDiscovery(true) leaves it"
setw "$TC.18.0" i 2 >/dev/null && setw "$TC.19.0" i 2 >/dev/null && setw "$TC.19.0" i 1 >/dev/null && setw "$TC.23.0" i 2 >/dev/null
is "$(sc tcp_mtu_probing) $(sc ip_no_pmtu_disc) $(sc tcp_stdurg)" "0 0 0" \
	"SetPMTUBHDetect(false), SetPMTUDiscovery(true), SetTcpUseRFC1122UrgentPointer(false): 0 0 0"
out=$(setw "$TC.6.0" u 64 "$TC.16.0" u 7200000); rc=$?
is "rc=$rc $(sc ip_default_ttl) $(sc tcp_keepalive_time)" "rc=0 64 7200" "two methods in one SET: both applied"
both_alive "the sysctl methods"

# ---------------------------------------------------------------- refusals
# expect STATUS CODE METHOD TEXT VARBIND...: the SET fails with STATUS, records METHOD and CODE,
# changes nothing
expect() {
	local want=$1 code=$2 mn=$3 text=$4 before after out; shift 4
	before=$(snap); out=$(setw "$@"); after=$(snap)
	if ! echo "$out" | grep -q "Reason: $want"; then
		not_ok "$text: expected $want"; diag "$out"
	elif [ "$before" != "$after" ]; then
		not_ok "$text: $want, but something changed"; diff <(echo "$before") <(echo "$after") | diag
	else
		is "$(last)" "$mn $code" "$text: $want, LastMethod $mn, LastResult $code, nothing changed"
	fi
}
expect wrongValue 90 17 "SetDefaultTTL(0)" "$TC.6.0" u 0
expect wrongValue 90 17 "SetDefaultTTL(256)" "$TC.6.0" u 256
expect wrongType 68 17 "SetDefaultTTL as an INTEGER" "$TC.6.0" i 70
expect wrongValue 90 30 "SetKeepAliveTime(600500): not whole seconds" "$TC.16.0" u 600500
expect wrongValue 90 29 "SetKeepAliveInterval(999)" "$TC.15.0" u 999
expect wrongValue 90 36 "SetTcpMaxConnectRetransmissions(128)" "$TC.20.0" u 128
expect wrongValue 90 34 "SetPMTUDiscovery(3)" "$TC.19.0" i 3
# tcp_retries2 is a u8 in the kernel: the MIB's range lets 1000 through, the kernel refuses it
expect commitFailed 90 37 "SetTcpMaxDataRetransmissions(1000): the kernel's EINVAL" "$TC.21.0" u 1000
grep -q 'cimTcpipMaxDataRetrans.0: SetTcpMaxDataRetransmissions(): cannot write 1000 to .*tcp_retries2: Invalid argument' "$T/cimrouted.log"
result $? "the log names the sysctl and the kernel's error"
expect wrongValue 74 3 "EnableDNS('bad_name')" "$TC.9.0" s bad_name
expect wrongValue 74 3 "EnableDNS('-lead')" "$TC.9.0" s -lead
expect wrongLength 74 3 "EnableDNS(65 characters)" "$TC.9.0" s "$(printf 'a%.0s' {1..65})"

# What Linux cannot do: col type value method code
while read -r col t v mn code what; do
	[ "$v" = - ] && v=""
	expect inconsistentValue "$code" "$mn" "$what" "$TC.$col.0" "$t" "$v"
done <<'EOF'
1 i 1 12 64 SetArpAlwaysSourceRoute(true)
2 i 1 13 64 SetArpUseEtherSNAP(true)
3 s /tmp 14 64 SetDatabasePath(/tmp)
4 i 1 15 64 SetDeadGWDetect(true)
5 u 8 16 64 SetDefaultTOS(8)
8 i 1 7 64 EnableWINS(DNSEnabledForWINSResolution=true)
10 u 74240 22 64 SetForwardBufferMemory(74240)
11 i 0 24 64 SetIGMPLevel(noMulticast)
11 i 1 24 64 SetIGMPLevel(ipMulticast)
12 i 1 4 64 EnableIPFilterSec(true)
13 i 1 26 64 SetIPUseZeroBroadcast(true)
14 s 0000ABCD 28 85 SetIPXVirtualNetworkNumber(0000ABCD)
17 u 50 32 64 SetNumForwardPackets(50)
22 u 1000 38 64 SetTcpNumConnections(1000)
24 u 65535 40 64 SetTcpWindowSize(65535)
25 i 1 7 64 EnableWINS(WINSEnableLMHostsLookup=true)
26 s /etc/lmhosts 7 64 EnableWINS(WINSHostLookupFile)
27 s SCOPE 7 64 EnableWINS(WINSScopeID)
EOF
grep -q 'refused (inconsistentValue): cimTcpipIGMPLevel.0: SetIGMPLevel(0): Linux cannot turn multicast off system-wide; result 64' "$T/cimrouted.log"
result $? "a refusal is one log line naming the method, the value, the reason and the code"
both_alive "the refusals"

# ---------------------------------------------------------------- what Linux already is: 0
while read -r col t v mn what; do
	[ "$v" = - ] && v=""
	before=$(snap); out=$(setw "$TC.$col.0" "$t" "$v"); rc=$?; after=$(snap)
	[ "$before" = "$after" ] || diag "$(diff <(echo "$before") <(echo "$after"))"
	is "rc=$rc $([ "$before" = "$after" ] && echo same) $(last)" "rc=0 same $mn 0" \
		"$what: noError, nothing changed, LastMethod $mn, LastResult 0"
done <<'EOF'
1 i 2 12 SetArpAlwaysSourceRoute(false)
2 i 2 13 SetArpUseEtherSNAP(false)
3 s /etc 14 SetDatabasePath(/etc)
4 i 2 15 SetDeadGWDetect(false)
5 u 0 16 SetDefaultTOS(0)
8 i 2 7 EnableWINS(DNSEnabledForWINSResolution=false)
11 i 2 24 SetIGMPLevel(ipAndIgmpMulticast)
12 i 2 4 EnableIPFilterSec(false)
13 i 2 26 SetIPUseZeroBroadcast(false)
25 i 2 7 EnableWINS(WINSEnableLMHostsLookup=false)
26 s - 7 EnableWINS(no WINSHostLookupFile)
27 s - 7 EnableWINS(no WINSScopeID)
EOF
out=$(setw "$TC.8.0" i 2 "$TC.25.0" i 2 "$TC.26.0" s "" "$TC.27.0" s ""); rc=$?
is "rc=$rc $(last)" "rc=0 7 0" "EnableWINS asking for no WINS, all four parameters in one SET: 0"

# ---------------------------------------------------------------- EnableDNS
out=$(setw "$TC.9.0" s edge-1.example.net); rc=$?
is "rc=$rc $(daemon_host) $(get_str $TC.9.0) $(last)" "rc=0 edge-1.example.net edge-1.example.net 3 0" \
	"EnableDNS('edge-1.example.net'): cimrouted's host name, read back, LastResult 0"
both_alive "the no-op methods and EnableDNS"

# ---------------------------------------------------------------- all or nothing
IFA=$(nsx cat /sys/class/net/va/ifindex)
ROW() { echo "$OID_ENTRY.24.$1.255.255.0.0.$2.$IFA.254.0.0"; }
setw "$TC.20.0" u 4 >/dev/null   # LastMethod 36, LastResult 0 from here
# A SET that fails on another varbind did not perform the method: LastResult unchanged.
# A route row refused in RESERVE2 (next hop on no interface):
expect inconsistentValue 0 36 "SetDefaultTTL(99) with a route row refused in its check" \
	"$TC.6.0" u 99 "$(ROW 10.9.0.0 203.0.113.1)" i 4
# a route row the kernel refuses in ACTION: its connected route is gone (set_errors.sh does so)
nsx ip route del 192.0.2.0/24 dev va
for vb in "$TC.6.0 u 99" "$TC.16.0 u 60000" "$TC.18.0 i 1" "$TC.9.0 s renamed"; do
	set -- $vb
	before=$(snap); out=$(setw "$1" "$2" "$3" "$(ROW 10.11.0.0 192.0.2.1)" i 4); after=$(snap)
	if echo "$out" | grep -q 'Reason: commitFailed' && [ "$before" = "$after" ]; then
		is "$(last)" "36 0" "${1#"$TC".}=$3 with a route the kernel refuses: commitFailed, undone, LastResult unchanged"
	else
		not_ok "${1#"$TC".}=$3 with a route the kernel refuses: commitFailed, undone"
		diag "$out"; diff <(echo "$before") <(echo "$after") | diag
	fi
done
before=$(snap)
out=$(setw "$TC.6.0" u 70 "$TC.6.0" u 70 "$TC.9.0" s one "$TC.9.0" s one "$(ROW 10.11.0.0 192.0.2.1)" i 4)
is "$(echo "$out" | grep -o 'Reason: commitFailed') $(snap | tr '\n' ' ')" "Reason: commitFailed $(echo "$before" | tr '\n' ' ')" \
	"the TTL and the host name each named twice with a route the kernel refuses: as before the SET"
# two values for one scalar: inconsistentValue on the second, as for a column; nothing written
out=$(setw "$TC.6.0" u 70 "$TC.6.0" u 80); after=$(snap)
is "$(echo "$out" | grep -o 'Reason: inconsistentValue') $after" "Reason: inconsistentValue $before" \
	"the TTL named twice with two values: inconsistentValue, nothing written"
grep -q 'refused (inconsistentValue): cimTcpipDefaultTTL.0: two different values for one object' "$T/cimrouted.log"
result $? "the log names the scalar and the reason"
grep -q 'cimTcpipDefaultTTL.0: undone: ip_default_ttl back to 64' "$T/cimrouted.log"
result $? "the log says the sysctl was put back"
nsx ip route add 192.0.2.0/24 dev va src 192.0.2.100 proto kernel scope link
out=$(setw "$TC.6.0" u 99 "$(ROW 10.11.0.0 192.0.2.1)" i 4); rc=$?
is "rc=$rc $(sc ip_default_ttl) $(nsx ip -4 route show 10.11.0.0/16 | wc -l)" "rc=0 99 1" \
	"the same SET once the kernel takes the route: both applied"
both_alive "all or nothing"

is "$(host_sysctls)" "$HOST_BEFORE" "the host's own sysctls and host name are unchanged"
done_testing
