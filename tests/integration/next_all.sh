#!/bin/bash
# next_all.sh - GET, GETNEXT and GETBULK over every table and scalar of CIM-ROUTE-MIB, exactly.
#
# The world: three veth pairs (one end of the third in a bridge) and a fourth with ifindex
# 70000, IPv4 and IPv6 addresses, secondaries among them, one of each family with finite
# lifetimes; IPv4 and IPv6 routes in the main table and in tables 100, 200 and 3000000000
# (routeTables), metrics above 2^31, multipath routes of both families, routes over nexthop
# objects (one a group), a blackhole, an unreachable, an IPv6 route that expires, a
# source-specific one where the kernel has them; a link without carrier; a persisted route of
# each family and an IPv4 gateway row, made by snmpset;
# the test's resolver file (/etc/netns/NS/resolv.conf, which `ip netns exec` bind-mounts) with
# nameservers of both families and a search list, and systemd-resolved's per-link servers of two
# links (the directive resolvedDir); cimPing rows: completed ones (a recorded route, timestamps,
# IPv6, a 32-octet name, the empty owner) and one in progress (a silent target, 600 probes 1 s
# apart); route events (routes added and removed after the start); cimTcpipDefaultTTL set (so
# that cimTcpipLastMethod and LastResult have values); rows made by createAndWait and left
# waiting, among the kernel's: three IPv4 routes, two IPv6 routes, a ping row.
#
# Then, with the world quiet (next_all.py: the truth and the oracle):
#   a. a GETNEXT walk of the whole cimRouteMIB subtree (1.3.6.1.4.1.32473.1), strictly
#      increasing, and the first OID snmpd answers after it (another subtree's, or endOfMibView);
#      a GET of every accessible column of every walked row and of every scalar answers the
#      walk's value or, where the walk has none, noSuchInstance; every DateAndTime (but the
#      volatile ones), read every 100 ms for 1.2 s, is the walk's; every table holds rows (but
#      the permit and IPX tables, empty on Linux, and cimNetAdapterPowerMgmtCapTable: no link
#      here has a device), as many as its cim*Count.0 says; every scalar is walked but those
#      the MIB says are always absent; every walked OID is an instance of an accessible object
#   b. GETBULK walks with max-repetitions 5, 17 and 60 equal to it, OID for OID, value for value
#   c. random requests from a seed (printed; CIMR_ITEST_SEED repeats it; CIMR_NEXTALL_N requests,
#      default 2500): GETs of walked instances (the walk's value) and of non-instances
#      (noSuchInstance where an accessible object's OID is a prefix of the name or the name,
#      else noSuchObject), GETNEXTs and GETBULKs (random non-repeaters, max-repetitions, 1-6
#      varbinds) from walked OIDs, OIDs between them, truncated and over-long indexes, sub-ids
#      > 255 in an address or a string, 2^31 and 4294967295 anywhere, length prefixes that lie,
#      column 0 and columns past the last, entry and table OIDs, scalars with other suffixes,
#      before the first and after the last object: each answer must be exactly the first walked
#      OID greater than the one asked, with the walked value (past the last: what snmpd answered
#      after the walk); and the same oracle against a perturbed walk must find mismatches
#   d. a second walk (GETBULK) at the end: nothing but the volatile values changed.
# Values that change on their own are compared with a slack or by OID only: next_all.py's
# VOLATILE lists them (route ages, lifetimes and "expires Nsec" with a slack of the seconds since
# the walk + 2; the ping row in progress by OID only). Both daemons alive after each step.

. "$(dirname "$0")/lib.sh"
itest_init nextall
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

PY=$ITDIR/next_all.py
MIB=$TOP_SRCDIR/mibs/CIM-ROUTE-MIB.txt
OBJ=.1.3.6.1.4.1.32473.1.1
NSDIR=/etc/netns/$NS
[ -e "$NSDIR" ] && bail_out "$NSDIR exists already"
trap 'rc=$?; rm -rf "$NSDIR"; (exit $rc); _itest_cleanup' EXIT
mkdir -p "$NSDIR" || bail_out "cannot make $NSDIR"
printf '%s\n' '# next_all resolver file' 'options ndots:2' 'nameserver 192.0.2.53' 'nameserver 192.0.2.54' \
	'nameserver 2001:db8:53::1' 'search one.example two.example three.example' >"$NSDIR/resolv.conf"
printf 'hosts: files\n' >"$NSDIR/nsswitch.conf"
printf '127.0.0.1 localhost\n' >"$NSDIR/hosts"

# ---------------------------------------------------------------- the world
nsx sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
	net.ipv6.conf.default.accept_ra=0 || bail_out "cannot set the sysctls"
{
	veth va0 vb0 10.1.0.1/24 10.1.0.2/24 &&
		veth va1 vb1 10.2.0.1/24 10.2.0.2/24 &&
		veth va2 vb2 &&
		nsx ip link add br0 type bridge && nsx ip link set vb2 master br0 && nsx ip link set br0 up &&
		nsx ip addr add 10.3.0.1/24 dev br0 && nsx ip addr add 10.3.0.7/24 dev br0 &&
		nsx ip addr add 10.1.0.9/24 dev va0 && nsx ip addr add 10.2.0.77/24 dev va1 &&
		nsx ip addr add 192.0.2.1/24 dev va2 &&
		nsx ip link add dm0 index 70000 type veth peer name dm1 index 70001 && nsx ip link set dm0 up && nsx ip link set dm1 up &&
		nsx ip addr add 198.51.100.1/24 dev dm0 && nsx ip -6 addr add 2001:db8:7::1/64 dev dm0 nodad &&
		nsx ip route add 172.24.0.0/16 dev dm0 metric 3000000000 &&
		nsx ip route add 172.25.0.0/16 via 198.51.100.2 table 3000000000 &&
		nsx ip -6 route add 2001:db8:203::/48 dev dm0 metric 2147483648 &&
		nsx ip -6 addr add 2001:db8:1::1/64 dev va0 nodad && nsx ip -6 addr add 2001:db8:1::9/64 dev va0 nodad &&
		nsx ip -6 addr add 2001:db8:2::1/64 dev va1 nodad && nsx ip -6 addr add 2001:db8:3::1/64 dev br0 nodad &&
		nsx ip addr add 10.1.0.33/24 dev va0 valid_lft 3600 preferred_lft 1800 &&
		nsx ip -6 addr add 2001:db8:2::77/64 dev va1 nodad valid_lft 3000 preferred_lft 900 &&
		nsx ip -6 route add 2001:db8:204::/48 dev va1 expires 3600 &&
		nsx ip route add default via 10.1.0.254 dev va0 metric 100 &&
		nsx ip route add 172.16.0.0/16 via 10.2.0.2 proto static metric 5 &&
		nsx ip route add 172.17.1.0/24 via 10.3.0.9 &&
		nsx ip route add blackhole 172.18.0.0/16 &&
		nsx ip route add 172.19.0.0/16 proto ospf nexthop via 10.1.0.2 dev va0 nexthop via 10.2.0.2 dev va1 &&
		nsx ip route add 172.20.0.0/16 via 10.1.0.2 table 100 &&
		nsx ip route add default via 10.2.0.2 table 100 &&
		nsx ip route add 172.21.0.0/16 dev va1 table 200 tos 0x10 &&
		nsx ip -6 route add default via 2001:db8:1::fe dev va0 metric 1024 &&
		nsx ip -6 route add 2001:db8:100::/48 via 2001:db8:2::2 metric 7 &&
		nsx ip -6 route add unreachable 2001:db8:dead::/48 &&
		nsx ip -6 route add 2001:db8:200::/48 via 2001:db8:1::2 table 100 &&
		nsx ip -6 route add 2001:db8:201::/48 dev va1 table 200
} 2>"$T/world.err" || bail_out "cannot build the topology: $(tail -n 2 "$T/world.err")"
# an IPv6 multipath route (siblings), routes over nexthop objects, a link without carrier
{
	nsx ip -6 route add 2001:db8:206::/48 nexthop via 2001:db8:1::2 dev va0 nexthop via 2001:db8:2::2 dev va1 &&
		nsx ip nexthop add id 10 via 10.1.0.2 dev va0 && nsx ip nexthop add id 11 via 10.2.0.2 dev va1 &&
		nsx ip nexthop add id 12 group 10/11 && nsx ip route add 172.26.0.0/16 nhid 12 &&
		nsx ip route add 172.27.0.0/16 nhid 10 metric 4 &&
		nsx ip link add dn0 type veth peer name dn1 && nsx ip link set dn0 up &&
		nsx ip addr add 203.0.113.1/24 dev dn0
} 2>>"$T/world.err" || bail_out "cannot build the topology: $(tail -n 2 "$T/world.err")"
# a source-specific IPv6 route where the kernel has IPV6_SUBTREES
nsx ip -6 route add 2001:db8:207::/48 from 2001:db8:9::/64 via 2001:db8:2::2 2>/dev/null &&
	diag "a source-specific IPv6 route (from 2001:db8:9::/64)"
IFA0=$(nsx cat /sys/class/net/va0/ifindex) IFA1=$(nsx cat /sys/class/net/va1/ifindex)
mkdir -p "$T/resolve/netif"
echo "SERVERS=10.2.0.53 2001:db8:2::53" >"$T/resolve/netif/$IFA1"
echo "SERVERS=198.51.100.53" >"$T/resolve/netif/70000"

write_cimrouted_conf "routeTables main 100 200 3000000000" "resolvedDir $T/resolve" "dnsLinkCommand /bin/false"
write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
start_cimrouted
PE=$OBJ.7.3.1
wait_registered 20 "$OID_COUNT" "$OBJ.7.1.0" "$OBJ.6.1.0" "$OBJ.9.1.0" || bail_out "cimrouted does not register"
both_alive "start"

setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$@" 2>&1; }
# ix OWNER NAME: a cimPingTable index
ix() { strings_index "$1" "$2"; }
dec6() { python3 -c 'import ipaddress,sys; print(".".join(str(b) for b in ipaddress.ip_address(sys.argv[1]).packed))' "$1"; }
# ping NAME TARGET TYPE [VARBINDS...]: createAndGo a row of owner "nx" (OWNER, if set)
ping() {
	local n=$1 a=$2 ty=$3 o=${OWNER-nx}; shift 3
	setw "$PE.19.$(ix "$o" "$n")" i 4 "$PE.3.$(ix "$o" "$n")" i "$ty" "$PE.4.$(ix "$o" "$n")" x "$(addr_hex "$a")" "$@"
}
LONG=abcdefghijklmnopqrstuvwxyz012345   # 32 octets, the longest name
made=0
{
	setw "$OBJ.2.3.1.12.172.30.0.0.255.255.0.0.10.1.0.2.3" i 4 &&
		setw "$OBJ.9.3.1.13.$(dec6 2001:db8:300::).48.$(dec6 2001:db8:1::2).3.118.97.48.5" i 4 &&
		setw "$OBJ.6.5.1.6.$IFA1.1.4.10.2.0.250.20" i 4 &&
		ping p1 10.1.0.2 1 "$PE.35.$(ix nx p1)" u 3 "$PE.36.$(ix nx p1)" u 10 &&
		ping p2 10.2.0.2 1 "$PE.8.$(ix nx p2)" u 3 "$PE.35.$(ix nx p2)" u 2 "$PE.36.$(ix nx p2)" u 10 &&
		ping p3 10.3.0.1 1 "$PE.13.$(ix nx p3)" u 2 "$PE.35.$(ix nx p3)" u 2 "$PE.36.$(ix nx p3)" u 10 &&
		ping p6 2001:db8:1::9 2 "$PE.35.$(ix nx p6)" u 2 "$PE.36.$(ix nx p6)" u 10 &&
		ping "$LONG" 198.51.100.1 1 "$PE.35.$(ix nx "$LONG")" u 1 &&
		OWNER= ping e 10.1.0.1 1 "$PE.35.$(ix "" e)" u 1 &&
		ping zslow 192.0.2.99 1 "$PE.35.$(ix nx zslow)" u 600 "$PE.36.$(ix nx zslow)" u 1000 &&
		setw "$OBJ.6.12.6.0" u 63 &&   # SetDefaultTTL: cimTcpipLastMethod and LastResult
		setw "$OBJ.1.3.1.24.172.19.0.0.255.255.0.0.10.1.0.2.$IFA0.254.0.7" i 5 &&
		setw "$OBJ.1.3.1.24.172.16.128.0.255.255.128.0.10.2.0.2.$IFA1.254.0.0" i 5 &&
		setw "$OBJ.1.3.1.24.172.20.0.0.255.255.0.0.10.1.0.2.$IFA0.100.0.1" i 5 &&
		setw "$OBJ.8.3.1.22.$(dec6 2001:db8:100::).48.$(dec6 2001:db8:2::2).$IFA1.254.6.$(dec6 ::).0" i 5 &&
		setw "$OBJ.8.3.1.22.$(dec6 2001:db8:1::).64.$(dec6 2001:db8:1::5).$IFA0.254.300.$(dec6 ::).0" i 5 &&
		setw "$PE.19.$(ix nx q)" i 5 &&
		made=1
} >"$T/sets.out"
[ $made = 1 ] || { diag "$(tail -n 5 "$T/sets.out")"; bail_out "the SETs that build the world failed"; }
# route events: routes added and removed with the daemon running
nsx ip route add 172.22.0.0/16 via 10.1.0.2 && nsx ip route del 172.22.0.0/16 &&
	nsx ip -6 route add 2001:db8:202::/48 via 2001:db8:1::2 && nsx ip -6 route del 2001:db8:202::/48 &&
	nsx ip route add 172.23.0.0/16 via 10.2.0.2 metric 9 || bail_out "cannot make route events"
oper() { snmp_get "$PE.20.$(ix "${3-nx}" "$1")" 2>/dev/null | grep -q "INTEGER: $2"; }
for p in p1 p2 p3 p6 "$LONG"; do wait_until 10 oper "$p" 3 || not_ok "ping row $p completed"; done
wait_until 10 oper e 3 "" || not_ok "ping row of the empty owner completed"
oper zslow 2 || not_ok "ping row zslow in progress"
sleep 1.2   # the persisted routes applied, the event history settled
both_alive "the world is built"

SEED=${CIMR_ITEST_SEED:-$$}
N=${CIMR_NEXTALL_N:-2500}
diag "seed $SEED (set CIMR_ITEST_SEED to repeat), $N requests"

# na TEXT SUBCOMMAND ARGS...: one TAP line from next_all.py (its report as diag)
na() {
	local text=$1 out rc; shift
	out=$(ip netns exec "$NS" python3 "$PY" "$@" 2>&1); rc=$?
	result $rc "$text"
	echo "$out" | grep -v '^cim.* rows$' | head -n 24 | diag
	return $rc
}

# ---------------------------------------------------------------- a, b: the truth
na "a. a GETNEXT walk of cimRouteMIB is strictly increasing and ends past the subtree" walk "$AGENT" "$T/walk.json" ||
	bail_out "no walk, no truth"
na "a. a GET of every column of every walked row, and of every scalar, answers the walk's value (or noSuchInstance)" \
	cross "$MIB" "$AGENT" "$T/walk.json"
na "a. every DateAndTime, read again and again for 1.2 s, is the walk's (an instant does not move)" \
	steady "$MIB" "$AGENT" "$T/walk.json" 1.2
na "a. every table has rows in the walk (but for the four Linux has nothing for), every scalar" \
	tables "$MIB" "$T/walk.json"
both_alive "the walk"
na "b. GETBULK walks (max-repetitions 5, 17, 60) equal the GETNEXT walk" bulkwalk "$AGENT" "$T/walk.json" 5 17 60
both_alive "the GETBULK walks"

# ---------------------------------------------------------------- c: the random requests
na "c. $N random GETs, GETNEXTs and GETBULKs each answer what the walk implies (seed $SEED)" \
	random "$MIB" "$AGENT" "$T/walk.json" "$SEED" "$N"
both_alive "the random requests"
na "c. the oracle notices a walk with every 50th row dropped and every 50th value changed" \
	random "$MIB" "$AGENT" "$T/walk.json" "$SEED" 300 --perturb

# ---------------------------------------------------------------- d: still the same world
na "d. a second walk (GETBULK, max-repetitions 25) at the end" walk "$AGENT" "$T/walk2.json" 25 &&
	na "d. nothing but the volatile values changed during the test" diff "$T/walk.json" "$T/walk2.json"
oper zslow 2
result $? "the ping row in progress is still in progress (its values were volatile throughout)"
both_alive "the end"

done_testing
