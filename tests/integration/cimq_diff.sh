#!/bin/bash
# cimq_diff.sh - randomized differential test of cimq's WQL evaluation against a reference.
#
# One namespace: three veth pairs (aliases with quotes, a backslash, LIKE's metacharacters,
# characters beyond ASCII; one link down), IPv4 and IPv6 addresses, routes of both families
# with many protocols, types and metrics (0, 2^31-1, 2^31 where Metric1 is NULL, 2^32-1),
# multipath, blackhole, unreachable, prohibit, a route added after the start (an InstallDate),
# persisted routes of both families made with cimq CREATE (and with them active routes).
# The ground truth: for every class cimq serves that can be enumerated (the seven WMI classes
# but the ping and event ones, and every extension class of the MIB), each instance with every
# property (SELECT of every property, extension columns too), read twice: what changed between
# the reads (Age, ...) is volatile, compared loosely and never put in a WHERE. The full-select
# path is checked against it: SELECT * is the projection of it, and for the WMI classes and
# cimIP6Route SELECT * -o json equals a walk of the enterprise subtree mapped through map.tsv
# (cimq_rows.py walk, its own parse of map.tsv and the MIB).
# Then a seed (printed; CIMR_WQLDIFF_SEED overrides it) drives CIMR_WQLDIFF_QUERIES random
# queries (default 200) made by cimq_wql.py: random property lists (any case), WHERE with
# = <> != < <= > >=, LIKE (% _ [a-z] [^x]), [NOT] LIKE, IS [NOT] NULL, AND/OR/NOT with
# parentheses, literals of every type (strings with escapes, integers decimal and hex, strings
# holding integers, reals, booleans as TRUE/1/'true', CIM_DATETIMEs in another UTC offset,
# object paths with keys reordered and in another case), a literal left of the operator, and
# queries WMI refuses (a property on both sides of an operator, = NULL, a literal of the wrong
# type, an unknown property): the reference (cimq_wql.py, WMI's rules as cimq(1) states them:
# three-valued logic with NULL, case-insensitive names and strings, addresses in address
# order; integers beyond 64 bits a syntax error) predicts the exit status and the instances;
# cimq -o json must give exactly those, with the truth's values. A quarter of the WHERE
# clauses are what cimq plans as a GET, a range or a span (equalities on the index components,
# ORed values, bounds on the first one), with more conditions ANDed. ISA on the REFs.
# ASSOCIATORS OF / REFERENCES OF each end of each active route (paths with keys reordered, in
# another case, with braces or \\.\root\cimv2:), alone and with each of AssocClass,
# ResultClass, Role, ResultRole, KeysOnly: against the truth's Win32_ActiveRoute. A smaller
# check: for 8 queries the default format is -o table, and table, list, csv and json hold the
# same instances and values.
# A failing query is printed with the seed (rerun: CIMR_WQLDIFF_SEED=S; CIMR_ITEST_KEEP=1).
# What a seed once found is a fixed query, run first. Both daemons alive at the end.

. "$(dirname "$0")/lib.sh"
itest_init cimqdiff
. "$ITDIR/cimq_lib.sh"
cimq_require

SEED=${CIMR_WQLDIFF_SEED:-20261203}
QUERIES=${CIMR_WQLDIFF_QUERIES:-200}
WQL=$ITDIR/cimq_wql.py

nsx sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
	net.ipv6.conf.default.router_solicitations=0 || bail_out "cannot set the IPv6 sysctls"
veth va0 vb0 10.1.0.1/24 10.1.0.2/24 && veth va1 vb1 10.2.0.1/24 && veth va2 vb2 10.3.0.1/24 ||
	bail_out "cannot build the veths"
nsx ip link set va0 alias uplink && nsx ip link set va1 alias "it's a \"link\" \\ 50%_[x]" &&
	nsx ip link set vb0 alias "Café-É ü€" && nsx ip link set vb2 down || bail_out "cannot set the aliases"
for a in "2001:db8:1::1/64 dev va0 nodad" "2001:db8:2::1/64 dev va1 nodad" "10.1.0.3/24 dev va0" \
	"2001:db8:3::1/64 dev va2 nodad" "10.4.0.1/16 dev va2"; do
	nsx ip addr add $a || bail_out "ip addr add $a"
done
cat >"$T/routes.batch" <<'EOF'
route add default via 10.1.0.254 dev va0 metric 100
route add 10.50.0.0/16 via 10.1.0.9 dev va0 proto static
route add 10.51.0.0/16 via 10.1.0.9 dev va0 proto boot metric 0
route add 10.52.0.0/16 via 10.2.0.9 dev va1 proto zebra metric 2147483647
route add 10.53.0.0/16 via 10.2.0.9 dev va1 proto 42 metric 2147483648
route add 10.54.0.0/16 via 10.2.0.9 dev va1 proto dhcp metric 4294967295
route add 10.55.0.0/24 via 10.3.0.9 dev va2 proto rip metric 9
route add 10.56.0.0/24 via 10.3.0.9 dev va2 proto isis metric 11
route add 10.57.0.0/24 via 10.3.0.9 dev va2 proto ra metric 12
route add 10.60.0.0/16 proto bgp nexthop via 10.1.0.254 dev va0 nexthop via 10.2.0.254 dev va1
route add blackhole 10.70.0.0/16
route add unreachable 10.71.0.0/16 metric 7
route add prohibit 10.72.0.0/16 metric 8
route add 10.80.0.0/24 dev va1 metric 5
route add 10.80.0.0/24 via 10.2.0.7 dev va1 metric 20
route add 10.90.1.0/24 via 10.1.0.9 dev va0 proto ospf metric 30
route add 10.99.0.0/16 via 10.1.0.9 dev va0 tos 0x10
route add 100.64.0.0/10 via 10.1.0.9 dev va0 proto bird metric 3
route add 9.9.9.0/24 via 10.1.0.9 dev va0 proto kernel metric 3
route add 2001:db8:50::/48 via 2001:db8:1::9 dev va0
route add 2001:db8:51::/48 via 2001:db8:2::9 dev va1 proto bgp metric 5
route add 2001:db8:52::/64 via 2001:db8:3::9 dev va2 proto ospf metric 2147483648
route add 2001:db8:53::/48 from 2001:db8:1::/64 via 2001:db8:1::9 dev va0 proto static
route add 2001:db8:60::/48 nexthop via 2001:db8:1::fe dev va0 nexthop via 2001:db8:2::fe dev va1
route add blackhole 2001:db8:70::/48
route add unreachable 2001:db8:71::/48 metric 9
route add default via 2001:db8:1::fe dev va0 metric 1024
EOF
for i in $(seq 0 19); do echo "route add 10.100.$i.0/24 via 10.2.0.9 dev va1 proto static metric $((i % 4 * 10))"; done >>"$T/routes.batch"
nsx ip -batch "$T/routes.batch" >"$T/batch.out" 2>&1 || { head -n 5 "$T/batch.out" | diag; bail_out "ip -batch routes"; }

start_agents
nsx ip route add 10.91.0.0/16 via 10.2.0.9 dev va1 metric 40 || bail_out "route added after the start"
w() { cq -v2c -c private -t 10 -r 0 "$AGENT" "$1" >"$T/w.out" 2>&1 || { diag "$1" "$(head -n 5 "$T/w.out")"; bail_out "cimq: $1"; }; }
w "CREATE Win32_IP4PersistedRouteTable SET Destination='10.95.0.0', Mask='255.255.0.0', NextHop='10.1.0.9', Metric1=3"
w "CREATE Win32_IP4PersistedRouteTable SET Destination='10.96.0.0', Mask='255.255.255.0', NextHop='10.2.0.9', Metric1=5"
w "CREATE Win32_IP4PersistedRouteTable SET Destination='10.97.0.0', Mask='255.255.0.0', NextHop='10.3.0.9', Metric1=0"
w "CREATE cimIP6PersistedRoute SET Destination='2001:db8:95::', PrefixLength=48, NextHop='2001:db8:1::9', Interface='', Metric1=10"
w "CREATE cimIP6PersistedRoute SET Destination='2001:db8:96::', PrefixLength=64, NextHop='fe80::1', Interface='va1', Metric1=5"
wait_for served "$ENT.3.3.1.2.10.96.0.0.255.255.255.0.10.2.0.9.5" || bail_out "no active route after ${WAITED_MS} ms"

CQCMD="ip netns exec $NS env CIMQ_MAP=$TOP_SRCDIR/mof-map/map.tsv MIBDIRS=$CQ_MIBDIRS MIBS= $CIMQ -v2c -c public -t 6 -r 1"
diag "seed $SEED, $QUERIES queries (CIMR_WQLDIFF_SEED, CIMR_WQLDIFF_QUERIES)"

# wql SUBCOMMAND ARGS...: cimq_wql.py; its 'ok'/'not ok' lines become TAP lines, '# ' lines diag
wql() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "${line#ok }" ;;
		"not ok "*) not_ok "${line#not ok }" ;;
		"# "*) diag "${line#\# }" ;;
		*) diag "$line" ;;
		esac
	done < <(CQCMD=$CQCMD CQHOST=$AGENT python3 "$WQL" "$@" 2>&1 || echo "not ok cimq_wql.py $1: exit status $?")
}

if [ -n "${CIMR_WQLDIFF_HOLD:-}" ]; then # a namespace to query by hand: CQCMD and CQHOST in $T/env
	printf 'CQCMD="%s" CQHOST=%s\n' "$CQCMD" "$AGENT" >"$T/env"
	diag "holding for $CIMR_WQLDIFF_HOLD s: $T/env"
	sleep "$CIMR_WQLDIFF_HOLD"
fi
wql truth "$T/truth"
walk_ent "$T/k.walk" || not_ok "walk of the enterprise subtree"
for cls in Win32_IP4RouteTable Win32_IP4PersistedRouteTable Win32_ActiveRoute Win32_NetworkAdapter \
	Win32_NetworkAdapterConfiguration cimIP6Route; do
	rows_check "SELECT * FROM $cls equals the walk mapped through map.tsv" walk "$cls" "$T/k.walk" "$T/truth/$cls.star.json"
done
wql fixed "$T/truth"
wql random "$T/truth" --seed "$SEED" --queries "$QUERIES"
wql assoc "$T/truth"
wql formats "$T/truth" --seed "$SEED"

both_alive "every query"
done_testing
