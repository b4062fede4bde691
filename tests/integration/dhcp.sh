#!/bin/bash
# dhcp.sh - DHCPEnabled, DHCPServer, DHCPLeaseObtained and DHCPLeaseExpires of
# cimAdapterCfgTable from a real DHCP exchange (issue 12).
#
# A server namespace runs dnsmasq (DHCP only, a 2-minute lease) on one end of a veth pair; the
# agent's namespace runs dhclient on the other end, with a lease file in the folder named by
# cimrouted's dhcpLeaseDirs and a client script of the test's own that only adds the address
# with the lease time as its lifetime (as Debian's dhclient-script does; ours touches no file
# of the host). The columns must read what the lease file says: the server identifier, the
# expiry, and the expiry less the lease time; the address's origin dhcp(4); a link with a
# static address reads DHCPEnabled FALSE with no server and no lease times.
# Then the DHCP methods (issue 13), through the directive dhcpCommand's commands (a script of
# the test that runs dhclient on the test's own files, renew and enable two seconds late):
# RenewDHCPLease (LastResult jobStarted(4096), then 0; a new lease), ReleaseDHCPLease (the
# address gone, DHCPEnabled FALSE), refused on a static link (100), DHCPEnabled false(2) on a
# static link (0, nothing runs), a renewal in a SET refused for its route row (no command
# runs: commands start at COMMIT), EnableDHCP (a lease again), EnableDHCP on a DHCP link (0,
# no command), EnableStatic's stop of the client (DHCPEnabled false(2) on a DHCP link), and
# RenewDHCPLeaseAll (cimTcpipAction: jobStarted, then 0; the renew run for the DHCP link only),
# ReleaseDHCPLeaseAll (the address gone), and RenewDHCPLeaseAll with no DHCP link left (100).

. "$(dirname "$0")/lib.sh"
itest_init dhcp
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"
command -v dnsmasq >/dev/null && command -v dhclient >/dev/null ||
	skip_all "dnsmasq (dnsmasq-base) or dhclient (isc-dhcp-client) not installed"

OID_CFG=.1.3.6.1.4.1.32473.1.1.6.3.1
NSD=cimr-dhcps-$$
DNSMASQ_PID=
_dhcp_cleanup() {
	local rc=$? p
	[ -n "$DNSMASQ_PID" ] && stop_pid "$DNSMASQ_PID" TERM 5
	ip netns pids "$NSD" 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$NSD" 2>/dev/null
	(exit $rc)
	_itest_cleanup
}
trap _dhcp_cleanup EXIT

ip netns add "$NSD" || bail_out "cannot create the server namespace"
ip link add c0 netns "$NS" type veth peer name s0 netns "$NSD" || bail_out "cannot create the veth pair"
ip -n "$NSD" addr add 10.50.0.1/24 dev s0 && ip -n "$NSD" link set s0 up && ip -n "$NSD" link set lo up &&
	nsx ip link set c0 up || bail_out "cannot bring the links up"
veth st0 st1 10.60.0.1/24 || bail_out "cannot build the static link"

mkdir -p "$T/leases"
cat >"$T/dhclient-script" <<'EOF'
#!/bin/sh
# The test's dhclient script: the address with the lease time as its lifetime, nothing else.
case $reason in
BOUND | RENEW | REBIND | REBOOT)
	ip -4 addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" \
		valid_lft "$new_dhcp_lease_time" preferred_lft "$new_dhcp_lease_time"
	;;
EXPIRE | FAIL | RELEASE | STOP)
	[ -n "$old_ip_address" ] && ip -4 addr del "$old_ip_address/$old_subnet_mask" dev "$interface"
	;;
esac
exit 0
EOF
chmod 0755 "$T/dhclient-script"
: >"$T/dhclient.conf"

ip netns exec "$NSD" dnsmasq -k --conf-file=/dev/null --interface=s0 --bind-interfaces --port=0 \
	--dhcp-range=10.50.0.10,10.50.0.20,255.255.255.0,2m --dhcp-leasefile="$T/dnsmasq.leases" \
	--pid-file="$T/dnsmasq.pid" --log-facility="$T/dnsmasq.log" 2>"$T/dnsmasq.err" &
DNSMASQ_PID=$!

# The DHCP methods' commands: dhclient on the test's own files (never the host's pid and lease
# files); renew and enable two seconds late, so that LastResult can be seen in progress (even on a slow machine).
cat >"$T/dhc.sh" <<EOF
#!/bin/sh
a=\$1 i=\$2
set -- -4 -cf $T/dhclient.conf -lf $T/leases/dhclient.\$i.leases -pf $T/dhclient.\$i.pid -sf $T/dhclient-script
echo "\$a \$i" >>$T/dhc.calls
case \$a in
renew | enable) sleep 2; exec dhclient -nw "\$@" \$i ;;
release) exec dhclient -r "\$@" \$i ;;
disable) exec dhclient -x "\$@" \$i ;;
esac
EOF
chmod 0755 "$T/dhc.sh"

write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
write_cimrouted_conf "dhcpLeaseDirs $T/leases" "dhcpCommand enable $T/dhc.sh enable %i" \
	"dhcpCommand disable $T/dhc.sh disable %i" "dhcpCommand release $T/dhc.sh release %i" \
	"dhcpCommand renew $T/dhc.sh renew %i"
start_cimrouted
wait_registered 20

nsx dhclient -d -4 -cf "$T/dhclient.conf" -lf "$T/leases/dhclient.c0.leases" -pf "$T/dhclient.c0.pid" \
	-sf "$T/dhclient-script" c0 >"$T/dhclient.log" 2>&1 &
EXTRA_PIDS+=($!)
lease_addr() { nsx ip -j -4 addr show dev c0 | python3 -c 'import json,sys; a=[x["local"] for x in json.load(sys.stdin)[0]["addr_info"]]; print(a[0] if a else ""); sys.exit(0 if a else 1)'; }
if ! wait_until 20 lease_addr >/dev/null; then
	diag "$(tail -n 20 "$T/dhclient.log")" "$(cat "$T/dnsmasq.err" "$T/dnsmasq.log" 2>/dev/null | tail -n 10)"
	bail_out "no lease within 20 s"
fi
ok "dhclient got $(lease_addr) from dnsmasq"

c0=$(nsx cat /sys/class/net/c0/ifindex) st0=$(nsx cat /sys/class/net/st0/ifindex)
lease_enabled() { [ "$(get_val "$OID_CFG.4.$c0")" = "INTEGER: 1" ]; }
# DHCPEnabled turns TRUE as soon as the script has installed the leased address (its finite
# lifetime is the fallback); the lease file comes after it, and cimrouted reads the file on its
# one-second timer: wait for what only the file gives.
lease_read() { get_val "$OID_CFG.7.$c0" >/dev/null; }
wait_for lease_enabled
wait_for lease_read
is "$(get_val "$OID_CFG.4.$c0")" "INTEGER: 1" "DHCPEnabled TRUE on the DHCP client's link"
is "$(get_val "$OID_CFG.7.$c0")" "IpAddress: 10.50.0.1" "DHCPServer is the server's identifier from the lease"

# The lease file's expiry and lease time, against the two DateAndTime columns (UTC).
python3 - "$T/leases/dhclient.c0.leases" "$(get_val "$OID_CFG.5.$c0")" "$(get_val "$OID_CFG.6.$c0")" >"$T/times" <<'EOF'
import calendar, re, sys
text = open(sys.argv[1]).read()
block = text[text.rindex('lease {'):]
m = re.search(r'expire \d+ (\d+)/(\d+)/(\d+) (\d+):(\d+):(\d+);', block)
expire = calendar.timegm(tuple(int(x) for x in m.groups()) + (0, 0, 0))
lease = int(re.search(r'option dhcp-lease-time (\d+);', block).group(1))
def date(v):
    b = bytes.fromhex(v.split(':', 1)[1].replace(' ', ''))
    return calendar.timegm(((b[0] << 8) | b[1], b[2], b[3], b[4], b[5], b[6], 0, 0, 0))
print(date(sys.argv[2]) - expire, date(sys.argv[3]) - (expire - lease), lease)
EOF
read -r d_exp d_obt lease_time <"$T/times"
diag "lease time ${lease_time:-?} s; expires differs by ${d_exp:-?} s, obtained by ${d_obt:-?} s"
[ "${d_exp:-x}" = 0 ]; result $? "DHCPLeaseExpires is the lease file's expiry"
[ "${d_obt:-x}" = 0 ]; result $? "DHCPLeaseObtained is the expiry less the lease time"
addr=$(lease_addr)
is "$(get_val ".1.3.6.1.4.1.32473.1.1.6.4.1.4.$c0.1.4.${addr//./.}.24")" "INTEGER: 4" "the leased address's origin is dhcp(4)"
is "$(get_val "$OID_CFG.4.$st0")" "INTEGER: 2" "DHCPEnabled FALSE on a static link"
get_val "$OID_CFG.7.$st0" >/dev/null; [ $? -eq 1 ]; result $? "no DHCPServer on a static link"
get_val "$OID_CFG.5.$st0" >/dev/null; [ $? -eq 1 ]; result $? "no DHCPLeaseExpires on a static link"
both_alive "a DHCP lease"

# ---------------------------------------------------------------- the DHCP methods
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -r 0 "$AGENT" "$@" 2>&1; }
last() { echo "$(get_val "$OID_CFG.24.$1") $(get_val "$OID_CFG.25.$1")"; }
calls() { cat "$T/dhc.calls" 2>/dev/null; }
obtained0=$(get_val "$OID_CFG.6.$c0")
sleep 1 # a renewed lease starts a second later at least
out=$(setw "$OID_CFG.23.$c0" i 3)
result $? "RenewDHCPLease(): Action renewDHCPLease(3) is accepted at once" || diag "$out"
is "$(last "$c0")" "INTEGER: 10 INTEGER: 4096" "RenewDHCPLease(): LastResult reads jobStarted(4096) while the client works"
renewed() { [ "$(last "$c0")" = "INTEGER: 10 INTEGER: 0" ]; }
CIMR_WAIT_S=15 wait_for renewed
result $? "RenewDHCPLease(): LastResult 0 when the command is done" || diag "$(last "$c0")" "$(tail -n 3 "$T/cimrouted.log")"
new_lease() { [ "$(get_val "$OID_CFG.6.$c0")" != "$obtained0" ]; }
CIMR_WAIT_S=15 wait_for new_lease
result $? "RenewDHCPLease(): DHCPLeaseObtained moved on (a new lease from dnsmasq)" || diag "$obtained0"
is "$(calls)" "renew c0" "RenewDHCPLease(): the client's command ran once, for c0"

out=$(setw "$OID_CFG.23.$c0" i 2)
result $? "ReleaseDHCPLease() is accepted" || diag "$out"
released() { [ "$(last "$c0")" = "INTEGER: 8 INTEGER: 0" ] && ! lease_addr >/dev/null; }
CIMR_WAIT_S=15 wait_for released
result $? "ReleaseDHCPLease(): done, LastResult 0, the leased address is gone from c0" || diag "$(last "$c0")" "$(nsx ip -4 addr show dev c0)"
# dhclient -r writes the released lease as expired: no lease, no leased address
dhcp_off() { [ "$(get_val "$OID_CFG.4.$c0")" = "INTEGER: 2" ]; }
wait_for dhcp_off
result $? "ReleaseDHCPLease(): DHCPEnabled reads FALSE without the lease"

out=$(setw "$OID_CFG.23.$st0" i 3)
echo "$out" | grep -q 'Reason: inconsistentValue'
result $? "RenewDHCPLease() on a static link: inconsistentValue" || diag "$out"
is "$(last "$st0")" "INTEGER: 10 INTEGER: 100" "... LastResult dhcpNotEnabled(100)"
out=$(setw "$OID_CFG.4.$st0" i 2)
result $? "DHCPEnabled false(2) on a static link: what it is, accepted" || diag "$out"
is "$(last "$st0")" "INTEGER: 6 INTEGER: 0" "... recorded as EnableStatic(), 0"
n=$(calls | wc -l)
out=$(setw "$OID_CFG.23.$c0" i 3 .1.3.6.1.4.1.32473.1.1.1.3.1.24.192.0.2.0.255.255.255.0.10.99.0.1.$c0.254.0.0 i 4)
echo "$out" | grep -q 'Reason: inconsistentValue'
result $? "a renewal and a bad route row in one SET: refused" || diag "$out"
sleep 1.5
is "$(calls | wc -l)" "$n" "... and no DHCP command ran"

out=$(setw "$OID_CFG.4.$c0" i 1)
result $? "EnableDHCP() on c0: DHCPEnabled true(1) is accepted" || diag "$out"
is "$(last "$c0")" "INTEGER: 2 INTEGER: 4096" "EnableDHCP(): jobStarted(4096) while the client starts"
enabled() { [ "$(last "$c0")" = "INTEGER: 2 INTEGER: 0" ] && lease_addr >/dev/null &&
	[ "$(get_val "$OID_CFG.4.$c0")" = "INTEGER: 1" ]; }
CIMR_WAIT_S=15 wait_for enabled
result $? "EnableDHCP(): LastResult 0, c0 has a lease again and reads DHCPEnabled TRUE" || diag "$(last "$c0")"
n=$(calls | wc -l)
out=$(setw "$OID_CFG.4.$c0" i 1)
result $? "EnableDHCP() on a link configured for DHCP: accepted" || diag "$out"
is "$(last "$c0") $(calls | wc -l)" "INTEGER: 2 INTEGER: 0 $n" "... changes nothing, no command, LastResult 0"
out=$(setw "$OID_CFG.4.$c0" i 2)
result $? "EnableStatic()'s stop of the client: DHCPEnabled false(2) on c0 is accepted" || diag "$out"
stopped() { [ "$(last "$c0")" = "INTEGER: 6 INTEGER: 0" ] && [ "$(calls | tail -n 1)" = "disable c0" ]; }
CIMR_WAIT_S=10 wait_for stopped
result $? "... the client's disable command ran for c0, LastResult 0" || diag "$(last "$c0")" "$(calls)"

# The All variants (static methods): every interface with DHCP enabled; cimTcpipLastResult
OID_TCPIP=.1.3.6.1.4.1.32473.1.1.6.12
tlast() { echo "$(get_val "$OID_TCPIP.29.0") $(get_val "$OID_TCPIP.30.0")"; }
n=$(calls | wc -l)
out=$(setw "$OID_TCPIP.28.0" i 3)
result $? "RenewDHCPLeaseAll(): cimTcpipAction renewDHCPLeaseAll(3) is accepted" || diag "$out"
is "$(tlast)" "INTEGER: 11 INTEGER: 4096" "RenewDHCPLeaseAll(): jobStarted(4096) while the clients work"
all_done() { [ "$(tlast)" = "INTEGER: 11 INTEGER: 0" ]; }
CIMR_WAIT_S=15 wait_for all_done
result $? "RenewDHCPLeaseAll(): LastResult 0 when every command is done" || diag "$(tlast)"
is "$(calls | tail -n +$((n + 1)))" "renew c0" "RenewDHCPLeaseAll(): the renew command ran for c0 only (st0 has no DHCP)"
out=$(setw "$OID_TCPIP.28.0" i 2)
result $? "ReleaseDHCPLeaseAll(): cimTcpipAction releaseDHCPLeaseAll(2) is accepted" || diag "$out"
all_released() { [ "$(tlast)" = "INTEGER: 9 INTEGER: 0" ] && ! lease_addr >/dev/null; }
CIMR_WAIT_S=15 wait_for all_released
result $? "ReleaseDHCPLeaseAll(): LastResult 0, c0's leased address gone" || diag "$(tlast)" "$(nsx ip -4 addr show dev c0)"
dhcp_none() { [ "$(get_val "$OID_CFG.4.$c0")" = "INTEGER: 2" ]; }
wait_for dhcp_none
out=$(setw "$OID_TCPIP.28.0" i 3)
echo "$out" | grep -q 'Reason: inconsistentValue'
result $? "RenewDHCPLeaseAll() with no interface on DHCP: inconsistentValue" || diag "$out"
is "$(tlast)" "INTEGER: 11 INTEGER: 100" "... LastResult dhcpNotEnabled(100)"
is "$(get_val "$OID_TCPIP.28.0")" "INTEGER: 1" "cimTcpipAction reads none(1)"
out=$(setw "$OID_TCPIP.28.0" i 1)
echo "$out" | grep -q 'Reason: wrongValue'
result $? "cimTcpipAction none(1) cannot be written: wrongValue" || diag "$out"
both_alive "the DHCP methods"

done_testing
