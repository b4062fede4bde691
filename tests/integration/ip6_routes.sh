#!/bin/bash
# ip6_routes.sh - cimIP6RouteTable equals the kernel's IPv6 routes, row by row (issue 11).
#
# A namespace with three veth pairs and a few thousand IPv6 routes of every kind Linux has:
# link-local next hops (the same fe80::1 on two interfaces), multipath routes and hops added
# with `ip -6 route append`, blackhole/unreachable/prohibit/throw, routes of protocol ra with
# `pref high|low` and expiring ones, source-specific routes (`from PREFIX`), other tables,
# metrics beyond Integer32, a preferred source, an onlink gateway. route6_rows.py (route_rows.py's
# checks with the IPv6 table's layout) compares every row and column of a GETBULK walk with
# `ip -j -d -6 route show table all`: the index, the GETNEXT order, cimIP6RouteCount, Caption,
# Name, Protocol, Status, Type, KernelProtocol/Type, Metric1, Preference and ValidLifetime
# (within a few seconds). Then, each time compared again until equal: changes while running
# (after which the load is flushed: the cases that follow walk a few hundred rows);
# ValidLifetime counting down, and an expired route removed by the kernel's garbage collector;
# the local table (routeTables main local 100); a cached PMTU exception (RTM_F_CLONED, made by a
# datagram too large for a router namespace's far link), which must not become a row; a link
# set down and an address removed (the kernel removes routes without a message); nexthop objects
# shared by IPv4 and IPv6 routes with net.ipv4.nexthop_compat_mode 1 and 0, changed and deleted;
# a master restart; a netlink overrun (a tiny event buffer and a burst while cimrouted is
# stopped), last, so that no other walk pays for its 4,000 rows. A SET of RowStatus active(1) on a kernel route changes nothing; a SET of Metric1 on a
# connected route answers notWritable (writableProtocols; set6.sh tests the writes whole).
# Both daemons alive after each case.

. "$(dirname "$0")/lib.sh"
itest_init ip6
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

# The IPv6 table in lib.sh's comparisons.
OID_IP6ROUTE=.1.3.6.1.4.1.32473.1.1.8
OID_COUNT=$OID_IP6ROUTE.1.0
OID_LASTCHANGE=$OID_IP6ROUTE.2.0
OID_TABLE=$OID_IP6ROUTE.3
OID_ENTRY=$OID_IP6ROUTE.3.1
ROUTE_ROWS=$ITDIR/route6_rows.py
IP_FAMILY=-6
NROUTES=${CIMR_IP6_ROUTES:-1200}

# Two namespaces of our own for the PMTU exception: a router and a far host.
NSR=cimr-ip6r-$$
NSF=cimr-ip6f-$$
_ip6_cleanup() {
	local rc=$? n
	for n in "$NSR" "$NSF"; do
		ip netns pids "$n" 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	(exit $rc)
	_itest_cleanup
}
trap _ip6_cleanup EXIT

# ---------------------------------------------------------------- topology and routes
veth va0 vb0 && veth va1 vb1 && veth va2 vb2 || bail_out "cannot build the veth topology"
nsx ip -6 addr add 2001:db8:a0::1/64 dev va0 nodad &&
	nsx ip -6 addr add 2001:db8:a1::1/64 dev va1 nodad &&
	nsx ip -6 addr add 2001:db8:a2::1/64 dev va2 nodad || bail_out "cannot add IPv6 addresses"

python3 - "$NROUTES" >"$T/routes.batch" <<'EOF'
import sys
n = int(sys.argv[1])
out = []
def add(s): out.append('route add ' + s)
def append(s): out.append('route append ' + s)
# corner cases, each a kind of route the issue names
add('default via fe80::1 dev va0 proto ra metric 1024 pref high expires 1800')
append('default via fe80::2 dev va1 proto ra metric 1024 pref low expires 1800')
add('2001:db8:100::/48 via fe80::1 dev va0 proto static')         # the same link-local gateway ...
append('2001:db8:100::/48 via fe80::1 dev va1 proto static')      # ... on a second link: a hop added
add('2001:db8:101::/48 via fe80::1 dev va0 metric 10')
add('2001:db8:101::/48 via fe80::1 dev va1 metric 20')
add('2001:db8:102::/48 proto bgp nexthop via fe80::2 dev va0 nexthop via fe80::3 dev va1 weight 3')
add('2001:db8:103::/48 via fe80::4 dev va0 proto zebra')
append('2001:db8:103::/48 via fe80::5 dev va2 proto zebra')
add('blackhole 2001:db8:104::/48')
add('unreachable 2001:db8:105::/48 metric 7')
add('prohibit 2001:db8:106::/48 proto static')
add('throw 2001:db8:107::/48 table 100')
add('2001:db8:108::/48 via fe80::6 dev va0 proto ra pref high expires 600')
add('2001:db8:109::/48 via fe80::6 dev va1 proto ra pref low expires 900')
add('2001:db8:10a::/64 via fe80::7 dev va0 expires 1200')
add('2001:db8:10b::/48 from 2001:db8:ff::/56 via fe80::8 dev va0')   # source-specific
add('2001:db8:10b::/48 from 2001:db8:fe::/56 via fe80::8 dev va0')
add('2001:db8:10b::/48 via fe80::8 dev va0')
add('::/0 from 2001:db8:ff::/56 via fe80::9 dev va1 proto static')
add('2001:db8:10c::/48 via fe80::a dev va1 table 100 proto static')
add('2001:db8:10d::/48 via fe80::b dev va0 metric 2147483647')       # the largest Metric1
add('2001:db8:10d::/48 via fe80::b dev va0 metric 2147483648')       # Metric1 absent
add('2001:db8:10d::/48 via fe80::b dev va0 metric 4294967295')
add('2001:db8:10e::1/128 via fe80::c dev va0 proto redirect')
add('2001:db8:10f::/48 via 2001:db8:a0::9 dev va0 src 2001:db8:a0::1 proto dhcp')
add('2001:db8:110::/48 via 2001:db8:ffff::1 dev va2 onlink proto bird')
add('2001:db8:111::/48 dev va2 proto static')                        # no gateway
append('2001:db8:111::/48 dev va1 proto static')
protos = ['static', 'boot', 'bgp', 'ospf', 'zebra', 'babel', '42', 'rip', 'dhcp', 'isis', '99', '200']
i = 0
while len(out) < n:
    p = protos[i % len(protos)]
    pre = '2001:db8:%x:%x::/64' % (0x1000 + i // 200, i % 200)
    k = i % 10
    if k < 5:
        add('%s via fe80::%x dev va%d proto %s metric %d' % (pre, 16 + i % 50, i % 3, p, 1024 + i % 4))
    elif k == 5:
        add('%s proto %s nexthop via fe80::1 dev va0 nexthop via fe80::1 dev va1' % (pre, p))
    elif k == 6:
        add('%s via 2001:db8:a%d::%x dev va%d proto %s' % (pre, i % 3, 16 + i % 200, i % 3, p))
    elif k == 7:
        add('unreachable %s proto %s' % (pre, p))
    elif k == 8:
        add('%s via fe80::%x dev va1 table 100 proto %s' % (pre, 16 + i % 50, p))
    else:
        add('2001:db8:%x:%x::%x/128 via fe80::1 dev va2 proto %s' % (0x2000 + i // 200, i % 200, i, p))
    i += 1
print('\n'.join(out))
EOF
if nsx ip -6 -batch "$T/routes.batch" >"$T/batch.out" 2>&1; then
	ok "loaded $(wc -l <"$T/routes.batch") IPv6 route commands with ip -batch"
else
	not_ok "loaded IPv6 routes with ip -batch"
	head -n 5 "$T/batch.out" | diag
fi

# ---------------------------------------------------------------- daemons
write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
ROUTE_TABLES="main 100"
write_cimrouted_conf "routeTables main 100"
start_cimrouted -D cimr:mirror
wait_registered 20
result $? "cimrouted registers cimIP6RouteCount with the master"
both_alive "start"

# ---------------------------------------------------------------- the full walk
compare_kernel "GETBULK walk equals ip -6 route show (tables main, 100): every row, every column" \
	start --install-date absent --max-age-since-ms "$CIMR_STARTED_MS"
rows=$(grep -c "^$OID_ENTRY\.13\." "$T/start.walk")
is "$(get_count)" "$rows" "cimIP6RouteCount.0 equals the number of rows walked ($rows)"
[ "$rows" -ge "$NROUTES" ]
result $? "the world has at least $NROUTES rows ($rows)"
for kind in value missing extra metric order; do
	route_rows compare --routes "$T/start.routes.json" --links "$T/start.links.json" \
		--walk "$T/start.walk" --tables "$ROUTE_TABLES" --perturb "$kind" --max-report 1000000 \
		>"$T/perturb.$kind" 2>&1
	want=$(sed -n 's/^# expect-problem: //p' "$T/perturb.$kind")
	found=$(sed '/^# expect-problem: /d; /^# perturbation: /d' "$T/perturb.$kind" |
		awk -v w="$want" 'index($0, w) == 1 { print; exit }')
	[ -n "$want" ] && [ -n "$found" ]
	result $? "the comparator detects a perturbation ($kind)"
done
walked=$(stat -c %Y "$T/start.routes.json")
timeout 120 ip netns exec "$NS" snmpwalk "${SNMP_OPTS[@]}" "${V2[@]}" "$AGENT" "$OID_TABLE" >"$T/next.walk" 2>&1
# Age and ValidLifetime move on between the two walks: the slack is the time since the first
slack() { echo $(($(date +%s) - walked + 2)); }
route_rows diffwalk "$T/start.walk" "$T/next.walk" --age-slack "$(slack)" >"$T/diffwalk.out"
result $? "a GETNEXT walk (snmpwalk) gives the rows and values of the GETBULK walk"
# GETNEXT from places that are not rows: the table, a column, a partial index, a gap
first=$(sed -n '1s/ = .*//p' "$T/start.walk")
printf '%s\n' "$OID_TABLE" "$OID_ENTRY.9" "$OID_ENTRY.10.32.1.13" "$first.0" "${first%.*}" \
	"$OID_ENTRY.13.255" "$OID_ENTRY.22.255" >"$T/queries"
nsx snmpgetnext "${SNMP_OPTS[@]}" "${V2[@]}" "$AGENT" $(cat "$T/queries") >"$T/getnext.out" 2>&1
route_rows nextcheck --walk "$T/start.walk" --queries "$T/queries" --got "$T/getnext.out" \
	--age-slack "$(slack)" >"$T/nextcheck.out"
result $? "GETNEXT from the table, a column, partial indexes and gaps answers the walk's next OID"
[ $? -eq 0 ] || diag "$(cat "$T/nextcheck.out")"
both_alive "the full walk"

# ---------------------------------------------------------------- writes (set6.sh has them all)
# A connected route (KernelProtocol kernel(2)), and the first row.
kern=$(grep -m1 "^$OID_ENTRY\.17\..* = Gauge32: 2$" "$T/start.walk" | sed "s/ = .*//; s/^$OID_ENTRY\.17\.//")
row=$(grep -m1 "^$OID_ENTRY\.19\." "$T/start.walk" | sed 's/ = .*//')
before=$(nsx ip -6 route show table all)
out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -r 0 "$AGENT" "$OID_ENTRY.22.${row#$OID_ENTRY.19.}" i 1 2>&1)
result $? "a SET of RowStatus active(1) on an existing row succeeds" || diag "$out"
out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -r 0 "$AGENT" "$OID_ENTRY.19.$kern" i 7 2>&1)
echo "$out" | grep -q notWritable
result $? "a SET of Metric1 on a connected route answers notWritable"
[ -n "$kern" ] && echo "$out" | grep -q notWritable || diag "row ${kern:-none}: $out"
is "$(nsx ip -6 route show table all | sed "s/ expires [0-9]*sec//")" "$(echo "$before" | sed "s/ expires [0-9]*sec//")" \
	"and the kernel's IPv6 routes are unchanged (but for lifetimes)"

# ---------------------------------------------------------------- changes
python3 - >"$T/changes.batch" <<'EOF'
for i in range(300):
    print('route add 2001:db8:3000:%x::/64 via fe80::%x dev va%d proto static' % (i, 16 + i % 40, i % 3))
for i in range(400):
    if i % 10 < 5:                     # the main table's routes of the load
        print('route del 2001:db8:%x:%x::/64' % (0x1000 + i // 200, i % 200))
print('route append 2001:db8:102::/48 proto bgp via fe80::33 dev va2')
print('route replace 2001:db8:103::/48 via fe80::44 dev va1 proto zebra')
print('route change 2001:db8:108::/48 via fe80::6 dev va0 proto ra pref low expires 700')
EOF
nsx ip -6 -batch "$T/changes.batch" >"$T/changes.out" 2>&1 || diag "$(head -n 3 "$T/changes.out")"
wait_compare 5 "after 300 additions, 200 deletions, an appended hop, a replace and a change" changes
ix=$(route_rows rows --walk "$T/changes.walk" | grep 'dst 2001:db8:3000::/64' | head -n 1 | cut -f1)
got=$(snmp_get "$OID_ENTRY.12.$ix" 2>&1)
route_rows dtcheck "$got" --within 600 >/dev/null
result $? "a route added while cimrouted runs has an InstallDate"
both_alive "changes"
# The cases below need no load: without it each of their walks is a few hundred rows, not 1,400.
for p in 2001:db8:1000::/36 2001:db8:2000::/36 2001:db8:3000::/36; do
	nsx ip -6 route flush root "$p" table all >/dev/null 2>&1
done
wait_compare 5 "the load removed (flushed with ip -6 route flush root)" unload

# ---------------------------------------------------------------- lifetimes
nsx ip -6 route add 2001:db8:e1::/64 via fe80::5 dev va0 expires 100
lifetime() { # the ValidLifetime of 2001:db8:e1::/64 via fe80::5 dev va0 (metric 1024, table main)
	local w=$T/lt.walk
	nsx snmpbulkwalk -Cr50 "${SNMP_OPTS[@]}" "${V2[@]}" "$AGENT" "$OID_ENTRY.21.32.1.13.184.0.225" >"$w" 2>/dev/null
	sed -n 's/.*Gauge32: //p' "$w" | head -1
}
wait_for test -n "$(lifetime)"
l1=$(lifetime); sleep 3; l2=$(lifetime)
[ -n "$l1" ] && [ -n "$l2" ] && [ "$l1" -le 100 ] && [ $((l1 - l2)) -ge 2 ] && [ $((l1 - l2)) -le 4 ]
result $? "ValidLifetime counts down: $l1, then $l2 three seconds later"
nsx ip -6 route del 2001:db8:e1::/64   # before the garbage collector takes it amid a later walk
nsx sysctl -qw net.ipv6.route.gc_interval=1
nsx ip -6 route add 2001:db8:e2::/64 via fe80::5 dev va0 expires 2
wait_compare 5 "an expiring route (expires 2) is a row" expiring
wait_until 40 sh -c "! ip netns exec $NS ip -6 route show 2001:db8:e2::/64 | grep -q ."
result $? "the kernel removes the expired route ($WAITED_MS ms)"
wait_compare 5 "and its row is gone" expired
both_alive "lifetimes"

# ---------------------------------------------------------------- a cached PMTU exception
ip netns add "$NSR" && ip netns add "$NSF" || bail_out "cannot add the router namespaces"
nr() { ip netns exec "$NSR" "$@"; }
nf() { ip netns exec "$NSF" "$@"; }
nsx ip link add vnear type veth peer name vrtr netns "$NSR" &&
	nr ip link add vrfar type veth peer name vfar netns "$NSF" &&
	nsx ip link set vnear up && nr ip link set vrtr up && nr ip link set vrfar up mtu 1280 &&
	nf ip link set vfar up && nr ip link set lo up && nf ip link set lo up &&
	nsx ip -6 addr add 2001:db8:c1::1/64 dev vnear nodad && nr ip -6 addr add 2001:db8:c1::2/64 dev vrtr nodad &&
	nr ip -6 addr add 2001:db8:c2::2/64 dev vrfar nodad && nf ip -6 addr add 2001:db8:c2::1/64 dev vfar nodad &&
	nr sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	nsx ip -6 route add 2001:db8:c2::/64 via 2001:db8:c1::2 dev vnear &&
	nf ip -6 route add 2001:db8:c1::/64 via 2001:db8:c2::2 || bail_out "cannot build the router topology"
sendbig() { # a 1400-byte datagram to the far host, too large for the router's far link
	nsx python3 -c 'import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.sendto(b"x" * 1400, ("2001:db8:c2::1", 9))'
}
cached() { nsx ip -6 route show cache | grep -q '2001:db8:c2::1'; }
for i in 1 2 3 4 5; do sendbig; cached && break; sleep 0.3; done
if cached; then
	ok "a PMTU exception is cached: $(nsx ip -6 route show cache | grep -m1 '2001:db8:c2::1')"
	wait_compare 5 "the cached exception route is not a row (the table equals ip -6 route show)" cache
	grep -q "^$OID_ENTRY\.13\.32\.1\.13\.184\.0\.194\(\.0\)*\.1\.128\." "$T/cache.walk"
	[ $? -ne 0 ]
	result $? "no row for 2001:db8:c2::1/128"
else
	not_ok "a PMTU exception is cached (ip -6 route show cache)"
fi
both_alive "a cached exception"

# ---------------------------------------------------------------- links and addresses
nsx ip link set vb2 down
wait_compare 5 "the peer of va2 down: its routes are linkdown (Status Error)" carrier
nsx ip link set vb2 up
nsx ip link set va2 down
wait_compare 5 "va2 down: the kernel removed its routes without a message" linkdown
nsx ip link set va2 up
nsx ip -6 addr add 2001:db8:a2::1/64 dev va2 nodad 2>/dev/null
nsx ip -6 route add 2001:db8:a2:1::/64 via 2001:db8:a2::5 dev va2
wait_compare 5 "va2 up again, a route through a global gateway on it" linkup
nsx ip -6 addr del 2001:db8:a1::1/64 dev va1
wait_compare 5 "an address removed from va1: its connected route is gone" addrdel
both_alive "links and addresses"

# ---------------------------------------------------------------- nexthop objects
if nsx ip nexthop add id 61 via fe80::61 dev va0 2>/dev/null; then
	nsx ip nexthop add id 62 via fe80::62 dev va1 && nsx ip nexthop add id 63 group 61/62 &&
		nsx ip -6 route add 2001:db8:61::/64 nhid 61 &&
		nsx ip -6 route add 2001:db8:63::/64 nhid 63 proto bgp || not_ok "IPv6 routes through nexthop objects"
	# RFC 5549: an IPv4 route through the same object (an IPv6 gateway)
	nsx ip route add 10.61.0.0/24 nhid 61 2>/dev/null || diag "no IPv4 route through an IPv6 nexthop object here"
	wait_compare 5 "routes through nexthop objects (compat mode 1)" nh1
	if nsx sysctl -qw net.ipv4.nexthop_compat_mode=0 2>/dev/null; then
		nsx ip -6 route add 2001:db8:64::/64 nhid 63
		wait_compare 5 "routes through nexthop objects (compat mode 0: the routes name the object alone)" nh0
		nsx ip nexthop replace id 62 via fe80::6262 dev va1
		wait_compare 5 "a group member replaced (compat mode 0: no route message)" nhrepl
		nsx ip nexthop del id 61
		wait_compare 5 "an object shared by IPv4 and IPv6 routes deleted: its routes are gone" nhdel
		is "$(snmp_get .1.3.6.1.4.1.32473.1.1.1.1.0 | sed -n 's/.*Gauge32: //p')" \
			"$(nsx ip -4 route show table main | grep -c .)" "cimIP4RouteCount follows the IPv4 side"
		nsx sysctl -qw net.ipv4.nexthop_compat_mode=1
	else
		skip "nexthop_compat_mode 0" "no per-namespace net.ipv4.nexthop_compat_mode"
	fi
	nsx ip nexthop flush >/dev/null
	wait_compare 5 "every nexthop object flushed" nhflush
else
	skip "nexthop objects" "no nexthop objects in this kernel"
fi
both_alive "nexthop objects"

# ---------------------------------------------------------------- the local table
ROUTE_TABLES="main local 100"
# forwarding on: the kernel adds the subnet-router anycast address of each prefix (RFC 4291
# 2.6.1) to the local table as an anycast route
nsx sysctl -qw net.ipv6.conf.all.forwarding=1
stop_cimrouted
write_cimrouted_conf "routeTables main local 100"
start_cimrouted
wait_registered 20
compare_kernel "routeTables main local 100: local, anycast and multicast routes are rows" local \
	--install-date absent
grep -q "^$OID_ENTRY\.18\..* = INTEGER: 5$" "$T/local.walk"
result $? "the multicast route ff00::/8 reads KernelType multicast(5)"
grep -q "^$OID_ENTRY\.18\..* = INTEGER: 4$" "$T/local.walk"
result $? "a subnet-router anycast route reads KernelType anycast(4)"
both_alive "the local table"

# ---------------------------------------------------------------- master restart
stop_snmpd TERM
nsx ip -6 route add 2001:db8:5::/64 via fe80::55 dev va1 proto static
nsx ip -6 route del 2001:db8:101::/48 via fe80::1 dev va0 metric 10
sleep 1
start_snmpd || bail_out "snmpd does not start again"
wait_registered 10
result $? "cimrouted registers again after the master restarted"
wait_compare 5 "the table equals the kernel's after the master restart" restart
both_alive "a master restart"

# ---------------------------------------------------------------- netlink overrun
for i in $(seq 0 3999); do
	echo "route add 2001:db8:4$((i / 4096)):$((i % 4096))::/64 via fe80::77 dev va0 proto bgp"
done >"$T/burst.batch"
ROUTE_TABLES=main
stop_cimrouted
: >"$T/cimrouted.log"
write_cimrouted_conf "routeTables main" "netlinkEventBuffer 4096"
start_cimrouted
wait_registered 20 || bail_out "cimrouted did not register"
kill -STOP "$CIMR_PID"
nsx ip -6 -batch "$T/burst.batch" || not_ok "ip -6 -batch of the burst"
kill -CONT "$CIMR_PID"
wait_compare 30 "after a burst of 4,000 routes with events lost, the table equals the kernel's" burst
grep -q "event socket overrun" "$T/cimrouted.log"
result $? "the overrun was detected"
both_alive "an overrun"

done_testing
