#!/bin/bash
# adapter_churn.sh - randomized differential test of the interface mirror: cimNetworkAdapter
# (.1.5) and cimAdapterConfig (.1.6) against the kernel after random churn.
#
# One namespace, only lo when cimrouted starts (every other link is made while it runs: each
# has an InstallDate). A seed (CIMR_CHURN_SEED, default fixed; printed) drives ROUNDS rounds
# (CIMR_CHURN_ROUNDS) of 10-40 random operations each: veth pairs, bridges, a vxlan on a link
# (deleted with it) and an ifb made and deleted (names reused: new ifindexes), links up and
# down, ARP off and on, MTU (below 1280 too: IPv6 off), hardware address, alias, rename (while
# down), bridge enslave and release, IPv4 addresses (primaries, secondaries, lifetimes) added,
# replaced, deleted and flushed with promote_secondaries set both ways, IPv6 addresses (global,
# nodad, lifetimes) likewise, sysctls (disable_ipv6, forwarding, default TTL, keepalive),
# default routes of both families through a link (with and without a gateway, multipath, an
# expiring one, one in another table) added and deleted, and bursts through `ip -batch`.
# After each round, once the daemon has settled (compared until equal, at most SETTLE_S
# seconds), adapter_rows.py and adcfg_rows.py compare both arcs with `ip -j -d link/addr`,
# sysfs, the routes, the resolver file (the host's: read only) and the sysctls. On a
# difference: the round's operations and the differing lines as diag, and the churn stops (the
# seed and round reproduce it). One round in four stops cimrouted for some of its operations,
# and every other seed gives it a tiny event buffer: overruns and re-dumps amid the churn.

. "$(dirname "$0")/lib.sh"
itest_init achurn
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

SEED=${CIMR_CHURN_SEED:-20261203}
ROUNDS=${CIMR_CHURN_ROUNDS:-30}
SETTLE_S=${CIMR_CHURN_SETTLE_S:-8}
RANDOM=$SEED
diag "seed $SEED (CIMR_CHURN_SEED), $ROUNDS rounds (CIMR_CHURN_ROUNDS)"

ARC5=.1.3.6.1.4.1.32473.1.1.5
ARC6=.1.3.6.1.4.1.32473.1.1.6
# DAD off for every link to come: addresses settle at once (the global ones are nodad anyway)
nsx sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 ||
	bail_out "cannot set accept_dad"

# ---------------------------------------------------------------- the random operations

POOL=(v0 v1 v2 w0 w1 w2 b0 b1 n0 n1 u0 u1)   # every name a link may have (lo is left alone)
# rnd N: R = a random number in [0, N) (no subshell: the seed's sequence stays the caller's)
rnd() { R=$((RANDOM % $1)); }
# pick WORDS...: P = one of them, empty without any
pick() { P=; [ $# -gt 0 ] || return 0; rnd $#; local a=("$@"); P=${a[R]}; }
links() { nsx ip -o link show | sed -n 's/^[0-9]*: \([^:@]*\)[:@].*/\1/p' | grep -vx lo; }
free_names() { local n; for n in "${POOL[@]}"; do grep -qx "$n" <<<"$LINKS" || echo "$n"; done; }
# run CMD...: one operation inside the namespace, logged with its status for the report (its own
# status is always 0: `[ X ] && run A || run B` is an if-then-else)
run() {
	local rc
	nsx "$@" >/dev/null 2>"$T/op.err"; rc=$?
	printf '%s  # rc %d%s\n' "$*" $rc "$([ $rc -ne 0 ] && printf ' %s' "$(head -c 80 "$T/op.err" | tr '\n' ' ')")" >>"$T/round.ops"
}
lft() { # LFT = " valid_lft V preferred_lft P" one time in three (V >= P), else empty
	LFT=; rnd 3; [ $R -eq 0 ] || return 0
	rnd 300; local v=$((R + 5)); rnd $((v + 1)); LFT=" valid_lft $v preferred_lft $R"
}
addr4() { rnd 3; local k=$R; rnd 6; A4=10.9.$k.$((R + 1))/24; }
addr6() { rnd 3; local k=$R; rnd 6; A6=2001:db8:$k::$((R + 1))/64; }
# addrs_of IF FAMILY: the addresses of IF (ADDR/LEN), one a line
addrs_of() { nsx ip -o "$2" addr show dev "$1" 2>/dev/null | awk '{print $4}' | grep -v '^fe80:'; }

op() {
	local l n
	LINKS=$(links)
	pick $LINKS; l=$P
	rnd 32
	case $R in
	0 | 1) rnd 3; run ip link add "v$R" type veth peer name "w$R"; run ip link set "v$R" up; run ip link set "w$R" up ;;
	2) rnd 2; run ip link add "b$R" type bridge; rnd 2; [ $R = 0 ] && run ip link set "b$R" up ;;
	3) [ -n "$l" ] && run ip link del "$l" ;;
	4 | 5) [ -n "$l" ] && { rnd 3; [ $R = 0 ] && run ip link set "$l" down || run ip link set "$l" up; } ;;
	6) [ -n "$l" ] && { pick 1200 1280 1400 1500 2000 9000; run ip link set "$l" mtu "$P"; } ;;
	7) [ -n "$l" ] && { rnd 256; run ip link set "$l" address "$(printf '02:00:00:00:%02x:%02x' $((RANDOM % 4)) $R)"; } ;;
	8) [ -n "$l" ] && { rnd 3; [ $R = 0 ] && run ip link set "$l" alias "" || run ip link set "$l" alias "al $R$RANDOM"; } ;;
	9) [ -n "$l" ] && { pick $(free_names); n=$P; [ -n "$n" ] && { run ip link set "$l" down; run ip link set "$l" name "$n"; rnd 2; [ $R = 0 ] && run ip link set "$n" up; }; } ;;
	10) [ -n "$l" ] && { pick $(grep '^b' <<<"$LINKS"); [ -n "$P" ] && run ip link set "$l" master "$P"; } ;;
	11) [ -n "$l" ] && run ip link set "$l" nomaster ;;
	12 | 13) [ -n "$l" ] && { addr4; lft; run ip addr add "$A4" dev "$l"$LFT; } ;;
	14) [ -n "$l" ] && { pick $(addrs_of "$l" -4); [ -n "$P" ] && run ip addr del "$P" dev "$l"; } ;;
	15) rnd 2; n=$R; pick all default $LINKS; run sysctl -qw "net.ipv4.conf.$P.promote_secondaries=$n" ;;
	16) [ -n "$l" ] && { addr6; lft; run ip -6 addr add "$A6" dev "$l" nodad$LFT; } ;;
	17) [ -n "$l" ] && { pick $(addrs_of "$l" -6); [ -n "$P" ] && run ip -6 addr del "$P" dev "$l"; } ;;
	18) [ -n "$l" ] && { rnd 4; n=$((R == 0)); rnd 3
		case $R in
		0) run sysctl -qw "net.ipv6.conf.$l.disable_ipv6=$n" ;;
		1) run sysctl -qw "net.ipv4.conf.$l.forwarding=$n" ;;
		2) run sysctl -qw "net.ipv6.conf.$l.forwarding=$n" ;;
		esac; } ;;
	19) rnd 3; case $R in
		0) rnd 200; run sysctl -qw "net.ipv4.ip_default_ttl=$((R + 1))" ;;
		1) rnd 7200; run sysctl -qw "net.ipv4.tcp_keepalive_time=$((R + 1))" ;;
		2) rnd 2; run sysctl -qw "net.ipv4.ip_forward=$R" ;;
		esac ;;
	20 | 24 | 25) [ -n "$l" ] && { rnd 3; local k=$R; rnd 4; local m=$((R * 100)); rnd 3
		case $R in
		0) run ip route add default via "10.9.$k.254" dev "$l" metric "$m" onlink ;;
		1) run ip -6 route add default via "fe80::$((k + 1))" dev "$l" metric "$m" ;;
		2) run ip -6 route add default via "2001:db8:$k::fe" dev "$l" metric "$m" onlink ;;
		esac; } ;;
	21) local r; r=$({ nsx ip -o route show default; nsx ip -o -6 route show default; } |
			sed -E 's/^(default via [^ ]+ dev [^ ]+)( proto [^ ]+)?( metric [0-9]+)?.*/\1\3/;
				s/^(default)( proto [^ ]+)?( metric [0-9]+)? .*nexthop via ([^ ]+) .*/\1\3 # \4/')
		[ -n "$r" ] && { rnd "$(wc -l <<<"$r")"; r=$(sed -n "$((R + 1))p" <<<"$r")
			case $r in *:*) run ip -6 route del ${r% #*} ;; *) run ip route del ${r% #*} ;; esac; } ;;
	22 | 23) [ -n "$l" ] && burst "$l" ;;
	26) [ -n "$l" ] && { rnd 2; [ $R = 0 ] && run ip link add u0 type vxlan id 5 dstport 4789 dev "$l" ||
		run ip link add u1 type ifb; rnd 2; [ $R = 0 ] && run ip link set "u$R" up; } ;;
	27) [ -n "$l" ] && { pick on off; run ip link set "$l" arp "$P"; } ;;
	28) [ -n "$l" ] && { pick $(addrs_of "$l" -4) $(addrs_of "$l" -6); [ -n "$P" ] && { lft
		run ip addr replace "$P" dev "$l"$LFT; }; } ;;
	29) [ -n "$l" ] && { pick -4 -6; run ip "$P" addr flush dev "$l" scope global; } ;;
	30) [ -n "$l" ] && { pick $LINKS; n=$P; rnd 4; local m=$((R * 100 + 50)); rnd 2
		[ $R = 0 ] && run ip route add default metric "$m" nexthop via 10.9.0.254 dev "$l" onlink \
			nexthop via 10.9.1.254 dev "$n" onlink ||
			run ip -6 route add default metric "$m" nexthop via fe80::11 dev "$l" nexthop via fe80::12 dev "$n"; } ;;
	31) [ -n "$l" ] && { rnd 4
		case $R in
		0) run ip route add default via 10.9.2.254 dev "$l" onlink table 100 ;;
		1) run ip route add default dev "$l" metric 7 ;;
		2) run ip -6 route add default via fe80::21 dev "$l" metric 9 expires 4 ;;
		3) run ip route replace default via 10.9.0.253 dev "$l" onlink metric 100 ;;
		esac; } ;;
	esac
}

# burst IF: 5-20 changes of IF in one `ip -batch -force`
burst() {
	local i n
	rnd 16; n=$((R + 5))
	for ((i = 0; i < n; i++)); do
		rnd 5
		case $R in
		0) addr4; echo "address add $A4 dev $1" ;;
		1) addr4; echo "address del $A4 dev $1" ;;
		2) addr6; echo "address add $A6 dev $1 nodad" ;;
		3) rnd 2; echo "link set $1 $([ $R = 0 ] && echo down || echo up)" ;;
		4) echo "link set $1 alias burst$RANDOM" ;;
		esac
	done >"$T/burst.batch"
	sed 's/^/    batch: /' "$T/burst.batch" >>"$T/round.ops"
	run ip -force -batch "$T/burst.batch"
}

# ---------------------------------------------------------------- the comparison

# compare NAME: walk both arcs, snapshot the kernel before and after; 0 equal, 1 different,
# 3 the kernel changed meanwhile. $T/NAME.cmp holds the differences.
snap() {
	nsx ip -j -d link show >"$1.links.json" && nsx ip -j addr show >"$1.addrs.json" &&
		nsx ip -j -d -4 route show table main >"$1.r4.json" &&
		nsx ip -j -d -6 route show table main >"$1.r6.json"
}
norm() { sed -E 's/"(valid_life_time|preferred_life_time|expires|[a-z_]*_timer)":-?[0-9.]+//g' "$@"; }
compare() {
	local p=$T/$1 rc=0
	snap "$p" || return 3
	nsx sysctl net.ipv4.ip_default_ttl net.ipv4.tcp_keepalive_intvl net.ipv4.tcp_keepalive_time \
		net.ipv4.tcp_mtu_probing net.ipv4.ip_no_pmtu_disc net.ipv4.tcp_syn_retries \
		net.ipv4.tcp_retries2 net.ipv4.tcp_stdurg | sed 's/ = / /' >"$p.sysctls"
	echo "hostname $(nsx uname -n)" >>"$p.sysctls"
	nsx snmpbulkwalk -Cr50 "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$ARC5" >"$p.walk5" 2>"$p.walk.err" &&
		nsx snmpbulkwalk -Cr50 "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$ARC6" >"$p.walk6" 2>>"$p.walk.err" ||
		{ cat "$p.walk.err" >"$p.cmp"; return 1; }
	nsx python3 "$ITDIR/adapter_rows.py" "$p.walk5" --old lo --down-alias-late >"$p.cmp" 2>&1 || rc=1
	python3 "$ITDIR/adcfg_rows.py" "$p.walk6" "$p.links.json" "$p.addrs.json" "$p.r4.json" "$p.r6.json" \
		/etc/resolv.conf "$p.sysctls" >"$p.cmp6" 2>&1 || rc=1
	grep -v '^# compare:' "$p.cmp6" >>"$p.cmp"
	snap "$p.after" || return 3
	for f in links.json addrs.json r4.json r6.json; do
		cmp -s <(norm "$p.$f") <(norm "$p.after.$f") || return 3
	done
	return $rc
}

# settled TEXT: compare until equal or SETTLE_S; one TAP line; 1 when different
settled() {
	if wait_until "$SETTLE_S" compare cmp; then
		ok "$1 (equal after $WAITED_MS ms; $(sed -n 's/^# compare: \([^,]*, [^,]*, [^,]*\),.*/\1/p' "$T/cmp.cmp6"))"
		return 0
	fi
	not_ok "$1 (seed $SEED)"
	diag "still different after $WAITED_MS ms (or the kernel changed during each walk):"
	sed 's/^# //' "$T/cmp.cmp" | head -n 40 | diag
	diag "the round's operations:"
	diag <"$T/round.ops"
	return 1
}

# ---------------------------------------------------------------- the rounds

# Every other seed, a tiny event buffer: the rounds that stop cimrouted overrun it, and the
# re-dumps run while the churn goes on.
rnd 2
[ $R = 0 ] && write_cimrouted_conf "routeTables main" "netlinkEventBuffer 4096" &&
	diag "netlinkEventBuffer 4096"
write_snmpd_conf
start_snmpd || bail_out "snmpd did not start"
start_cimrouted
wait_registered 20 "$ARC5.1.0" "$ARC6.1.0" || bail_out "cimrouted did not register"
: >"$T/round.ops"
settled "at start, both arcs equal the kernel"

SECONDS_START=$SECONDS
done_rounds=0
for ((round = 1; round <= ROUNDS; round++)); do
	echo "# round $round (seed $SEED)" >"$T/round.ops"
	rnd 31; nops=$((R + 10))
	# one round in four stops cimrouted from operation STOP_AT to CONT_AT (events pile up)
	rnd 4; stop_at=-1 cont_at=-1; [ $R = 0 ] && { rnd "$nops"; stop_at=$R; rnd "$nops"; cont_at=$((stop_at + R)); }
	for ((i = 0; i < nops; i++)); do
		[ $i = $stop_at ] && { kill -STOP "$CIMR_PID"; echo "  (cimrouted stopped)" >>"$T/round.ops"; }
		op
		[ $i = $cont_at ] && { kill -CONT "$CIMR_PID"; echo "  (cimrouted continued)" >>"$T/round.ops"; }
	done
	kill -CONT "$CIMR_PID"
	done_rounds=$round
	settled "round $round: $nops operations, both arcs equal the kernel" || break
done
[ $done_rounds -eq $ROUNDS ] || diag "stopped after round $done_rounds of $ROUNDS: the state differs from here on"
diag "$done_rounds rounds in $((SECONDS - SECONDS_START)) s"
both_alive "$done_rounds rounds of churn"
done_testing
