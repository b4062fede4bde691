#!/bin/bash
# valgrind.sh - a normal run of cimrouted under valgrind: no leak, no memory error.
#
# The daemon loads a few hundred routes, serves walks, follows route changes, a link
# flap (a re-dump), an address removal and a master restart, takes SETs (live and
# persisted rows created, moved, refused, undone and destroyed; notification settings; the
# cimTcpip methods; the adapter methods, a value of the wrong type among them; IPv6 routes,
# live and persisted), sends notifications and summaries, walks the adapter configuration,
# then every table, and stops on SIGTERM with a persisted IPv4 and IPv6 route.
# Pass/fail: valgrind's exit status (--error-exitcode) and its summary: no invalid
# access, no definitely or indirectly lost block. It also checks that the table still
# equals the kernel's under valgrind's slowdown.

. "$(dirname "$0")/lib.sh"
itest_init valgrind
needs valgrind
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"
case "${CFLAGS:-}$(grep -s '^CFLAGS' "$BUILDDIR/Makefile")" in
*fsanitize*) skip_all "sanitizer build: valgrind cannot run ASan binaries" ;;
esac

veth va0 vb0 10.1.0.1/24 10.1.0.2/24 && veth va1 vb1 10.2.0.1/24 10.2.0.2/24 ||
	bail_out "cannot build the veth topology"
for i in $(seq 0 199); do
	echo "route add 172.16.$i.0/24 via 10.1.0.2 proto bgp metric $((i % 3))"
done >"$T/routes.batch"
echo "route add 172.17.0.0/16 nexthop via 10.1.0.2 dev va0 nexthop via 10.2.0.2 dev va1" >>"$T/routes.batch"
echo "route add blackhole 172.18.0.0/16" >>"$T/routes.batch"
nsx ip -batch "$T/routes.batch" || bail_out "cannot load routes"

# names for the ping rows: the namespace's hosts file, then a DNS server that never answers (a row
# is destroyed while its name is being resolved)
. "$ITDIR/ping_lib.sh"
ping_hosts "files dns" <<-EOF
127.0.0.1 localhost
10.1.0.2 peer.example
EOF
printf 'nameserver 10.2.0.99\noptions timeout:3 attempts:1\n' >"$NSDIR/resolv.conf"

write_cimrouted_conf "routeTables main" "agentxPingInterval 1"
start_snmpd || bail_out "snmpd did not start"
# valgrind.supp: one leak inside net-snmp when the master goes with data unread, not ours
CIMR_WRAPPER="valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
--suppressions=$ITDIR/valgrind.supp \
--errors-for-leak-kinds=definite,indirect --error-exitcode=99 --log-file=$T/valgrind.log" \
	start_cimrouted
wait_registered 60 "$OID_COUNT" "$PING.1.0" "$PPR.2.$(ix - -).1"
result $? "cimrouted under valgrind registers (the route table and cimPing)"
both_alive "after start"

wait_compare 10 "the table equals the kernel's (valgrind)" vg-start
for i in $(seq 0 49); do nsx ip route del 172.16.$i.0/24 via 10.1.0.2 metric $((i % 3)); done
nsx ip route add 192.0.2.0/24 via 10.2.0.2 proto static
wait_compare 10 "after 50 deletions and an addition" vg-changes
nsx ip link set va1 down
wait_compare 10 "after a link went down (silent removals, re-dump)" vg-linkdown
nsx ip link set va1 up
nsx ip addr del 10.1.0.1/24 dev va0
wait_compare 10 "after an address removal" vg-addr
both_alive "after changes"

# SETs: every write path once, the refusals and an undo included
IF=$(nsx cat /sys/class/net/va1/ifindex)
P=.1.3.6.1.4.1.32473.1.1.2.3.1
R=$OID_ENTRY.24.10.77.0.0.255.255.0.0.10.2.0.2.$IF.254.0
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 20 -r 0 "$AGENT" "$@" >/dev/null 2>&1; }
setw "$R.5" i 4 && setw "$OID_ENTRY.13.10.77.0.0.255.255.0.0.10.2.0.2.$IF.254.0.5" i 9 &&
	setw "$R.9" i 6 && setw "$R.1" i 5 && setw "$R.1" i 1 && setw "$R.1" i 6 &&
	setw "$P.12.10.78.0.0.255.255.0.0.10.2.0.2.3" i 4 && setw "$P.12.10.78.0.0.255.255.0.0.10.2.0.2.3" i 6
result $? "SETs under valgrind: create, move, createAndWait/active, destroy, persisted create/destroy"
setw "$R.2" i 4 "$OID_ENTRY.24.10.79.0.0.255.255.0.0.203.0.113.1.$IF.254.0.0" i 4
result $((!$?)) "a refused two-row SET under valgrind"
wait_compare 10 "the table equals the kernel's after the SETs" vg-sets

# notifications: settings written (history shrunk and grown, summaries only), the history walked
E=.1.3.6.1.4.1.32473.1.1.4
setw "$E.4.0" u 3 && setw "$E.7.0" u 0 && setw "$E.4.0" u 50 && setw "$E.6.0" i 2 && setw "$E.6.0" i 1
result $? "notification settings written under valgrind"
nsx ip route add 192.0.2.128/25 via 10.2.0.2 && nsx ip route del 192.0.2.128/25 via 10.2.0.2
sleep 1.5   # the summary's interval ends
nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" -t 20 "$AGENT" "$E" >"$T/vg-events.txt" 2>&1
grep -q "^$E.3.1.3." "$T/vg-events.txt"
result $? "the event history walks under valgrind"

# the adapter configuration (cimAdapterConfig: links, addresses, gateways, resolver, cimTcpip)
A=.1.3.6.1.4.1.32473.1.1.6
nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" -t 20 "$AGENT" "$A" >"$T/vg-adcfg.txt" 2>&1
grep -q "^$A.4.1.10." "$T/vg-adcfg.txt" && grep -q "^$A.12.6.0" "$T/vg-adcfg.txt"
result $? "the adapter configuration walks under valgrind"
# the host-wide methods (cimTcpip): a sysctl written, one in a SET whose route row is refused, a
# no-op, refusals (the host name only refused: this daemon shares the host's UTS namespace)
ttl=$(nsx sysctl -n net.ipv4.ip_default_ttl)
setw "$A.12.16.0" u 60000 && setw "$A.12.11.0" i 2 && ! setw "$A.12.11.0" i 0 && ! setw "$A.12.9.0" s bad_name &&
	! setw "$A.12.6.0" u 99 "$OID_ENTRY.24.10.79.0.0.255.255.0.0.203.0.113.1.$IF.254.0.0" i 4 &&
	[ "$(nsx sysctl -n net.ipv4.tcp_keepalive_time) $(nsx sysctl -n net.ipv4.ip_default_ttl)" = "60 $ttl" ]
result $? "cimTcpip methods under valgrind: a sysctl written, a no-op, refusals, a SET refused for its route row"
# the adapter methods: an MTU, an address and a gateway made and removed (nonVolatile: the state
# files), SetIPConnectionMetric refused for the persisted gateway, EnableDHCP without a command
C=.1.3.6.1.4.1.32473.1.1.6
setw "$C.3.1.17.$IF" u 1400 && setw "$C.4.1.8.$IF.1.4.198.18.0.1.24" i 4 &&
	setw "$C.5.1.6.$IF.1.4.10.2.0.3.77" i 4 && ! setw "$C.3.1.11.$IF" u 78 &&
	! setw "$C.3.1.4.$IF" i 1 && setw "$C.5.1.6.$IF.1.4.10.2.0.3.77" i 6 &&
	setw "$C.4.1.8.$IF.1.4.198.18.0.1.24" i 6 && setw "$C.3.1.17.$IF" u 1500
result $? "adapter methods under valgrind: SetMTU, EnableStatic, SetGateways, refusals"
# the adapter table: the alias set and removed, Disable(), Enable(), Reset(), refusals (a wrong
# type, recorded in LastResult), the table walked
AD=.1.3.6.1.4.1.32473.1.1.5
setw "$AD.3.1.24.$IF" s "vg uplink" && setw "$AD.3.1.24.$IF" s "" && setw "$AD.3.1.26.$IF" i 2 &&
	setw "$AD.3.1.26.$IF" i 1 && setw "$AD.3.1.39.$IF" i 2 && ! setw "$AD.3.1.40.$IF" i 6 &&
	! setw "$AD.3.1.39.$IF" u 2 && ! setw "$C.3.1.17.$IF" i 1400 &&
	nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" -t 20 "$AGENT" "$AD" >"$T/vg-adapters.txt" 2>&1 &&
	grep -q "^$AD.3.1.42.$IF = INTEGER: 2$" "$T/vg-adapters.txt"
result $? "adapter table under valgrind: NetConnectionID, Disable, Enable, Reset, refusals, walked"
# IPv6 routes: one from the kernel walked, one created, moved and destroyed, one persisted (kept
# to the end: the state file), an IPv4 persisted one kept too
nsx ip -6 addr add 2001:db8:1::1/64 dev va0 nodad && nsx ip -6 route add 2001:db8:50::/48 via 2001:db8:1::2 dev va0 ||
	bail_out "cannot add the IPv6 address and route"
IF0=$(nsx cat /sys/class/net/va0/ifindex)
s6() { python3 -c 'import ipaddress,sys; print(".".join(str(b) for b in ipaddress.IPv6Address(sys.argv[1]).packed))' "$1"; }
G6=$(s6 2001:db8:1::2) Z6=$(s6 ::)
E6=.1.3.6.1.4.1.32473.1.1.8.3.1 P6=.1.3.6.1.4.1.32473.1.1.9.3.1
L6() { echo "$(s6 2001:db8:60::).48.$G6.$IF0.254.$1.$Z6.0"; }
setw "$E6.22.$(L6 10)" i 4 && setw "$E6.19.$(L6 10)" i 30 && setw "$E6.22.$(L6 30)" i 6 &&
	setw "$P6.13.$(s6 2001:db8:61::).48.$G6.0.7" i 4 && setw "$P.12.10.80.0.0.255.255.0.0.10.2.0.2.3" i 4 &&
	nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" -t 20 "$AGENT" .1.3.6.1.4.1.32473.1.1.8 >"$T/vg-r6.txt" 2>&1 &&
	grep -q "^$E6\.[0-9]*\.$(s6 2001:db8:50::)\.48\." "$T/vg-r6.txt" && grep -q "2001:db8:61::/48" "$T/state/persisted-routes6"
rc=$?
result $rc "IPv6 routes under valgrind: walked, created, moved, destroyed, persisted"
[ $rc = 0 ] || diag "$(head -n 3 "$T/vg-r6.txt")" "$(cat "$T/state/persisted-routes6")"

# ping rows: a peer that answers (3 probes), a name from the hosts file, a row destroyed while its
# probes are outstanding (10.2.0.99 has no neighbour), one destroyed while its name is being
# resolved (the DNS server does not answer), a nonVolatile row (the state file written)
pv() { echo "$PE.$1.$(ix "$OWN" "$2")"; }
t_ping=$SECONDS
ping_start vg-peer 10.1.0.2 "$(pv 35 vg-peer)" u 3 "$(pv 36 vg-peer)" u 100 &&
	ping_start vg-name @peer.example && ping_start vg-nv 10.1.0.2 "$(pv 18 vg-nv)" i 3 &&
	ping_start vg-lost 10.2.0.99 "$(pv 35 vg-lost)" u 3 "$(pv 12 vg-lost)" u 1000 &&
	wait_until 5 eval '[ "$(num "$(pv 37 vg-lost)")" -ge 1 ]' && ping_destroy &&
	ping_start vg-slow @slow.example && slow="oper $(num "$(pv 20 vg-slow)") sent $(num "$(pv 37 vg-slow)")" && ping_destroy
result $? "ping rows created under valgrind; one destroyed with a probe outstanding, one while resolving ($slow)"
for n in vg-peer vg-name vg-nv; do IX=$(ix "$OWN" "$n"); ping_wait 20 || diag "$n not completed"; done
IX=$(ix "$OWN" vg-peer); row_read
is "status=$(col 21) sent=$(col 37) recv=$(col 38)" "status=0 sent=3 recv=3" "a 3-probe row to a peer that answers"
IX=$(ix "$OWN" vg-name); row_read
is "status=$(col 21) addr=$(col_addr 28)" "status=0 addr=10.1.0.2" "a row whose name resolves through the namespace's hosts file"
is "$(num "$(pv 19 vg-lost)")$(num "$(pv 19 vg-slow)")" "" "the rows destroyed while in progress and while resolving are gone"
grep -q "^row 74 $(printf vg-nv | od -An -tx1 | tr -d ' \n') " "$T/state/ping-state"
result $? "the nonVolatile ping row is written to the state file"
sleep 3   # the resolver's answer for the destroyed row comes back (the DNS timeout)
both_alive "ping rows"
diag "the ping rows took $((SECONDS - t_ping)) s"

stop_snmpd
nsx ip route add 198.51.100.0/24 via 10.2.0.2
start_snmpd || not_ok "snmpd restarts"
wait_registered 30 && ok "re-registers after a master restart" || not_ok "re-registers after a master restart"
wait_compare 10 "the table equals the kernel's after the restart" vg-restart
both_alive "after the master restart"

nsx snmpbulkwalk "${V2[@]}" "${SNMP_OPTS[@]}" -t 30 "$AGENT" .1.3.6.1.4.1.32473 >"$T/vg-all.txt" 2>&1 &&
	! grep -qi "timeout\|no response" "$T/vg-all.txt" && grep -q "^.1.3.6.1.4.1.32473.1.1.9.3.1." "$T/vg-all.txt"
result $? "every table walks under valgrind ($(wc -l <"$T/vg-all.txt") objects)"

stop_pid "$CIMR_PID" TERM 60
CIMR_PID=
is "$STOP_STATUS" 0 "cimrouted exits 0 on SIGTERM under valgrind (99: valgrind found errors or leaks)"
if grep -qE 'Invalid (read|write)|uninitialised|definitely lost|indirectly lost' "$T/valgrind.log"; then
	not_ok "valgrind reports no memory error and no leak"
	diag "$(head -n 60 "$T/valgrind.log")"
else
	ok "valgrind reports no memory error and no leak"
fi
done_testing
