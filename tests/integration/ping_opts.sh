#!/bin/bash
# ping_opts.sh - every request option of cimPingTable (issue 14) checked on the wire, and names.
#
# The topology of ping_lib.sh. Each case creates a row with createAndGo and reads it when
# complete; tcpdump in B, R or C shows the echo request as it really left: BufferSize 0, 32,
# 1472 (1452 for IPv6) and 65500 (the request's data length, reassembled from its fragments;
# ReplySize and ReplyInconsistency against the reply's); TimeToLive / hop limit (and the
# reply's TTL in cimPingResponseTimeToLive, one less through R); TypeofService / traffic class;
# NoFragmentation (DF set or clear on the wire; IPv6 fragments without it); RecordRoute (an RR
# option with that many slots; cimPingRouteRecordTable equal to the route recorded in the
# reply R passes to A, with A's own address that Linux records on delivery, as iputils' ping -R
# shows); TimeStampRoute (a timestamp option with addresses and that many slots;
# cimPingTimeStampTable's addresses and timestamps equal to the reply's); RR and TS together
# within 40 octets, and over them optionTooBig(11017) with nothing sent; SourceRoute loose and
# strict through R (the option seen in C, its slot replaced by R's address); IPv4 options for an IPv6 target: badOption(11007)
# and nothing sent; SourceAddress (the source on the wire; an address not of this host: the
# kernel's EINVAL, badRoute(11012); another family: badOption); IfIndex (the request leaves by
# the interface named, seen in R; one that does not exist: inconsistentValue). Names from
# /etc/netns/NS/hosts: the address pinged is the first `getent ahosts` gives (RFC 6724 order),
# seen on the wire; a missing name: no StatusCode, PrimaryResolutionStatus 11001, nothing
# sent; both a name and an address: inconsistentValue; ResolveAddressNames: the reply's and
# the recorded hops' names are `getent hosts`'s. Both daemons alive after each group.

. "$(dirname "$0")/lib.sh"
itest_init popts
. "$ITDIR/ping_lib.sh"
ping_world
ping_daemons

N=0
nx() { ix "$OWN" "o$((N + 1))"; } # the index of the next row
# run_row TARGET [VARBINDS...]: a fresh row (name oN), started and read when complete
run_row() {
	local target=$1; shift
	N=$((N + 1))
	ping_start "o$N" "$target" "$@" || { ROW_ERR="createAndGo refused: $START_ERR"; COL=(); return 1; }
	ping_wait 15 || { row_read; ROW_ERR="not completed: $(row_summary)"; return 1; }
	row_read
	ROW_ERR=
}
# opt_case TEXT CAP TARGET "KEY=VALUE..." [VARBINDS...]: the first request to TARGET on CAP's link
# has each KEY=VALUE of the wire (icmp_forge.py truth fields), and the row's status is the wire's
WLINE=
opt_case() {
	local text=$1 cap=$2 target=$3 want=$4 k got; shift 4
	cap_mark
	run_row "$target" "$@"
	WLINE=$(truth "$cap" "$target" | head -n 1)
	if [ -n "$ROW_ERR" ]; then not_ok "$text"; diag "$ROW_ERR" "wire: $WLINE"; return 1; fi
	got=""
	for k in $want; do got+="${k%%=*}=$(field "$WLINE" "${k%%=*}" || echo none) "; done
	got+="row-status=$(col 21)"
	want+=" row-status=$(field "$WLINE" status || echo no-request)"
	is "$got" "$want" "$text"
	[ "$got" = "$want" ] || diag "wire: $WLINE" "row: $(row_summary)"
}
# nothing_sent TEXT TARGET STATUS [VARBINDS...]: the row completes with STATUS, no request on the wire
nothing_sent() {
	local text=$1 target=$2 st=$3 sent; shift 3
	cap_mark
	run_row "$target" "$@"
	sent=$( { truth B "$target"; truth R "$target"; truth C "$target"; } | wc -l)
	if [ -n "$ROW_ERR" ]; then not_ok "$text"; diag "$ROW_ERR"; return; fi
	is "status=$(col 21) on-the-wire=$sent" "status=$st on-the-wire=0" "$text: status $st, nothing sent"
}

# ---------------------------------------------------------------- BufferSize
diag "---- BufferSize"
for sz in 0 32 1472 65500; do
	opt_case "IPv4 BufferSize $sz: the request carries $sz octets" B 10.14.1.2 "data=$sz" "$PE.6.$(nx)" u "$sz"
	is "size=$(col 25) incons=$(col 26)" "size=$(field "$WLINE" rdata) incons=2" \
		"IPv4 BufferSize $sz: ReplySize is the reply's data length on the wire, ReplyInconsistency false"
done
for sz in 0 1452 65500; do
	opt_case "IPv6 BufferSize $sz: the request carries $sz octets" B 2001:db8:14:1::2 "data=$sz" "$PE.6.$(nx)" u "$sz"
	is "size=$(col 25) incons=$(col 26)" "size=$(field "$WLINE" rdata) incons=2" \
		"IPv6 BufferSize $sz: ReplySize as on the wire, ReplyInconsistency false"
done
opt_case "IPv4 default BufferSize: 32 octets (WMI's default)" B 10.14.1.2 "data=32"
both_alive "BufferSize"

# ---------------------------------------------------------------- TTL, TOS, DF
diag "---- TimeToLive, TypeofService, NoFragmentation"
opt_case "IPv4 TimeToLive 7 on the wire" B 10.14.1.2 "ttl=7" "$PE.14.$(nx)" u 7
opt_case "IPv6 hop limit 7 on the wire" B 2001:db8:14:1::2 "ttl=7" "$PE.14.$(nx)" u 7
opt_case "IPv4 default TimeToLive: 80 (WMI's default)" B 10.14.1.2 "ttl=80"
opt_case "IPv4 through R: the reply's TTL" R 10.14.3.3 "status=0"
is "$(col 24)" "$(field "$WLINE" rttl)" "cimPingResponseTimeToLive is the TTL of the reply as R passed it to A"
opt_case "IPv6 through R: the reply's hop limit" R 2001:db8:14:3::3 "status=0"
is "$(col 24)" "$(field "$WLINE" rttl)" "IPv6 cimPingResponseTimeToLive is the reply's hop limit as R passed it"
opt_case "IPv4 TypeofService 0x28 (DSCP AF11) on the wire" B 10.14.1.2 "tos=40" "$PE.15.$(nx)" u 40
opt_case "IPv4 TypeofService 16 (minimize delay) on the wire" B 10.14.1.2 "tos=16" "$PE.15.$(nx)" u 16
opt_case "IPv6 traffic class 0x28 on the wire" B 2001:db8:14:1::2 "tos=40" "$PE.15.$(nx)" u 40
opt_case "IPv4 NoFragmentation true: DF set" B 10.14.1.2 "df=1 frags=1" "$PE.7.$(nx)" i 1 "$PE.6.$(nx)" u 1000
opt_case "IPv4 NoFragmentation false (the default): DF clear" B 10.14.1.2 "df=0" "$PE.6.$(nx)" u 1000
opt_case "IPv4 NoFragmentation true, 1472 octets: one 1500-octet packet" B 10.14.1.2 "df=1 iplen=1500 frags=1" \
	"$PE.7.$(nx)" i 1 "$PE.6.$(nx)" u 1472
opt_case "IPv4 NoFragmentation false, 1473 octets: fragmented" B 10.14.1.2 "df=0 frags=2" "$PE.6.$(nx)" u 1473
opt_case "IPv6 NoFragmentation true, 1452 octets: fits, one packet" B 2001:db8:14:1::2 "frags=1 iplen=1500" \
	"$PE.7.$(nx)" i 1 "$PE.6.$(nx)" u 1452
opt_case "IPv6 NoFragmentation false, 1453 octets: fragmented by A" B 2001:db8:14:1::2 "frags=2" "$PE.6.$(nx)" u 1453
both_alive "TTL, TOS, DF"

# ---------------------------------------------------------------- IPv4 options
diag "---- RecordRoute and TimeStampRoute through R"
# rr_table: the recorded hops of the row, comma-separated, and their names
rr_table() { walk_vals "$PRR.2.$IX" | paste -sd, -; }
ts_table() {
	paste -d@ <(walk_vals "$PTS.3.$IX") <(walk_vals "$PTS.2.$IX") | paste -sd, -
}
# Linux records the receiving address in an RR option with room left when it delivers the
# packet (ip_options_compile), as iputils' ping -R shows: A's own 10.14.2.1 after the wire's.
opt_case "RecordRoute 9: an RR option of 9 slots on the wire" R 10.14.3.3 "rrslots=9" "$PE.8.$(nx)" u 9
rrr=$(field "$WLINE" rrr),10.14.2.1
is "$(rr_table)" "$rrr" "RecordRoute 9: cimPingRouteRecordTable holds the reply's recorded route, and A's address ($rrr)"
iprr=$(nsx ping -c 1 -W 2 -R 10.14.3.3 | awk '/^RR:/ { f = 1; print $2; next } f && NF == 1 { print $1 } f && NF == 0 { f = 0 }' | paste -sd, -)
is "$iprr" "$rrr" "iputils' ping -R reads the same route"
case ",$rrr," in *,10.14.3.2,*) ok "the recorded route passes R's far address (the option worked)" ;;
*) not_ok "the recorded route passes R's far address"; diag "$WLINE" ;; esac
opt_case "RecordRoute 3: 3 slots" R 10.14.3.3 "rrslots=3" "$PE.8.$(nx)" u 3
is "$(rr_table)" "$(field "$WLINE" rrr)" "RecordRoute 3: the table holds the 3 recorded hops (full before A)"
opt_case "TimeStampRoute 4: a timestamp option with addresses (flag 1), 4 slots" R 10.14.3.3 "tsflags=1 tsslots=4" \
	"$PE.13.$(nx)" u 4
is "$(ts_table)" "$(field "$WLINE" rts)" "TimeStampRoute 4: cimPingTimeStampTable has the reply's addresses and timestamps"
opt_case "RecordRoute 4 and TimeStampRoute 2 (39 octets): both options" R 10.14.3.3 "rrslots=4 tsslots=2" \
	"$PE.8.$(nx)" u 4 "$PE.13.$(nx)" u 2
nothing_sent "RecordRoute 9 and TimeStampRoute 1 (over 40 octets)" 10.14.3.3 11017 "$PE.8.$(nx)" u 9 "$PE.13.$(nx)" u 1
opt_case "no option by default: RecordRoute 0, TimeStampRoute 0" R 10.14.3.3 "opts=none"
is "$(rr_table)$(ts_table)" "" "no option: no cimPingRouteRecordTable or cimPingTimeStampTable rows"
both_alive "RR and TS"

diag "---- SourceRoute"
# R, the one hop of the route, replaces its slot with its outgoing address (RFC 791) and sends
# the request on to the final destination, C, with the pointer past the end
opt_case "SourceRoute 10.14.2.2 loose: an LSRR option, used up by R, reaches C" C 10.14.3.3 "lsrr=10.14.3.2" \
	"$PE.10.$(nx)" s 10.14.2.2 "$PE.11.$(nx)" i 1
opt_case "SourceRoute 10.14.2.2 strict: an SSRR option, used up by R, reaches C" C 10.14.3.3 "ssrr=10.14.3.2" \
	"$PE.10.$(nx)" s 10.14.2.2 "$PE.11.$(nx)" i 2
out=$(setw "$PE.19.$(nx)" i 4 "$PE.3.$(nx)" i 1 "$PE.4.$(nx)" x "$(addr_hex 10.14.3.3)" "$PE.11.$(nx)" i 3)
case $out in *"Reason: wrongValue"*) ok "SourceRouteType 3 is refused with wrongValue" ;;
*) not_ok "SourceRouteType 3 is refused with wrongValue"; diag "$out" ;; esac
setw "$PE.19.$(nx)" i 6 >/dev/null

diag "---- IPv4 options for IPv6 targets"
nothing_sent "RecordRoute 3 to an IPv6 target" 2001:db8:14:1::2 11007 "$PE.8.$(nx)" u 3
nothing_sent "TimeStampRoute 2 to an IPv6 target" 2001:db8:14:1::2 11007 "$PE.13.$(nx)" u 2
nothing_sent "a loose SourceRoute to an IPv6 target" 2001:db8:14:1::2 11007 "$PE.10.$(nx)" s 10.14.2.2 "$PE.11.$(nx)" i 1
both_alive "source routes and options on IPv6"

# ---------------------------------------------------------------- source and interface
diag "---- SourceAddress and IfIndex"
opt_case "SourceAddress 10.14.1.11: the request's source on the wire" B 10.14.1.2 "src=10.14.1.11" \
	"$PE.32.$(nx)" i 1 "$PE.33.$(nx)" x "$(addr_hex 10.14.1.11)"
opt_case "SourceAddress 2001:db8:14:1::11: the request's source on the wire" B 2001:db8:14:1::2 "src=2001:db8:14:1::11" \
	"$PE.32.$(nx)" i 2 "$PE.33.$(nx)" x "$(addr_hex 2001:db8:14:1::11)"
k=$(nsx python3 "$FORGE" errno 10.14.1.2 --src 10.14.1.77)
nothing_sent "SourceAddress 10.14.1.77, not of this host (the kernel says ${k% *})" 10.14.1.2 "${k#* }" \
	"$PE.32.$(nx)" i 1 "$PE.33.$(nx)" x "$(addr_hex 10.14.1.77)"
nothing_sent "an IPv6 SourceAddress for an IPv4 target" 10.14.1.2 11007 \
	"$PE.32.$(nx)" i 2 "$PE.33.$(nx)" x "$(addr_hex 2001:db8:14:1::11)"
IFR=$(nsx cat /sys/class/net/a_r/ifindex)
MACR=$(nr cat /sys/class/net/r_a/address)
# B's address is on a_b; on a_r it needs a neighbour entry (R's MAC), and for IPv6 a route
# through a_r too (a worse metric: the ordinary route stays a_b's)
nsx ip neigh replace 10.14.1.2 lladdr "$MACR" dev a_r nud permanent &&
	nsx ip -6 neigh replace 2001:db8:14:1::2 lladdr "$MACR" dev a_r nud permanent &&
	nsx ip -6 route add 2001:db8:14:1::/64 dev a_r metric 2048 || not_ok "neighbour entries and route through a_r"
opt_case "IfIndex of a_r: the request to B's address leaves towards R (R answers it)" R 10.14.1.2 "icmp=none" \
	"$PE.34.$(nx)" u "$IFR"
[ -n "$(field "$WLINE" seq)" ]
result $? "IfIndex $IFR: the echo request to 10.14.1.2 is seen on R's link ($(field "$WLINE" answer || echo no answer))"
opt_case "IPv6 IfIndex of a_r: the request leaves towards R" R 2001:db8:14:1::2 "icmp=none" "$PE.34.$(nx)" u "$IFR"
[ -n "$(field "$WLINE" seq)" ]
result $? "IPv6 IfIndex $IFR: the echo request to 2001:db8:14:1::2 is seen on R's link"
nsx ip neigh del 10.14.1.2 dev a_r; nsx ip -6 neigh del 2001:db8:14:1::2 dev a_r
nsx ip -6 route del 2001:db8:14:1::/64 dev a_r metric 2048
out=$(setw "$PE.19.$(nx)" i 4 "$PE.3.$(nx)" i 1 "$PE.4.$(nx)" x "$(addr_hex 10.14.1.2)" "$PE.34.$(nx)" u 999)
case $out in *"Reason: inconsistentValue"*) ok "IfIndex 999 (no such interface) is refused with inconsistentValue" ;;
*) not_ok "IfIndex 999 (no such interface) is refused with inconsistentValue"; diag "$out" ;; esac
setw "$PE.19.$(nx)" i 6 >/dev/null
both_alive "source address and interface"

# ---------------------------------------------------------------- names
diag "---- names through /etc/netns/$NS/hosts"
first=$(nsx getent ahosts dual.example | awk 'NR == 1 { print $1 }')
diag "getent ahosts dual.example: $(nsx getent ahosts dual.example | awk '{ print $1 }' | uniq | tr '\n' ' ')"
cap_mark
run_row @dual.example "$PE.9.$(nx)" i 1
sent=$(truth B "$first" | wc -l)
want="proto=$first res=0 status=0 wire=1 name=$(nsx getent hosts "$first" | awk '{ print $2 }')"
is "proto=$(col_addr 28) res=$(col 30) status=$(col 21) wire=$sent name=$(col_str 29)" "$want" \
	"dual.example (A and AAAA): the first address getent ahosts gives (RFC 6724) is pinged, on the wire; its name resolved back"
is "$(col 3) $(col 4)" "0 " "a row with a name keeps cimPingAddressType unknown(0) and cimPingAddress empty"
cap_mark
run_row @v4only.example
is "proto=$(col_addr 28) res=$(col 30) status=$(col 21) wire=$(truth R 10.14.3.3 | wc -l) name=$(col_str 29)" \
	"proto=$(nsx getent ahosts v4only.example | awk 'NR == 1 { print $1 }') res=0 status=0 wire=1 name=" \
	"v4only.example: its address pinged; ResolveAddressNames false: ProtocolAddressResolved empty"
nsx getent ahosts missing.example >/dev/null; grc=$?
cap_mark
run_row @missing.example
sent=$(wire B | grep -c 'icmp=8/0\|icmp=128/0')
is "getent=$grc oper=$(col 20) status=$(col 21) res=$(col 30) sent=$sent" "getent=2 oper=3 status=absent res=11001 sent=0" \
	"missing.example (getent: not found): completed, no StatusCode, PrimaryResolutionStatus 11001, nothing sent"
out=$(setw "$PE.19.$(nx)" i 4 "$PE.3.$(nx)" i 1 "$PE.4.$(nx)" x "$(addr_hex 10.14.1.2)" "$PE.5.$(nx)" s dual.example)
case $out in *"Reason: inconsistentValue"*) ok "a name and an address together: inconsistentValue" ;;
*) not_ok "a name and an address together: inconsistentValue"; diag "$out" ;; esac
setw "$PE.19.$(nx)" i 6 >/dev/null
out=$(setw "$PE.19.$(nx)" i 4 "$PE.3.$(nx)" i 16 "$PE.4.$(nx)" s dual.example)
case $out in *"Reason: wrongValue"*) ok "cimPingAddressType dns(16): wrongValue" ;;
*) not_ok "cimPingAddressType dns(16): wrongValue"; diag "$out" ;; esac
setw "$PE.19.$(nx)" i 6 >/dev/null
# names of the recorded hops
opt_case "RecordRoute 9 with ResolveAddressNames" R 10.14.3.3 "rrslots=9" "$PE.8.$(nx)" u 9 "$PE.9.$(nx)" i 1
want=""
for a in $(walk_vals "$PRR.2.$IX"); do want+="$(nsx getent hosts "$a" | awk '{ print $2 }'),"; done
got=""
while IFS= read -r v; do
	case $v in '""') v= ;; *) v=$(printf '%b' "$(echo "$v" | tr -d ' \n' | sed 's/../\\x&/g')") ;; esac
	got+="$v,"
done < <(walk_vals "$PRR.3.$IX")
is "$got" "$want" "cimPingRouteRecordResolved: each hop's name as getent hosts gives it (empty when none)"
is "$(col_str 29)" "$(nsx getent hosts 10.14.3.3 | awk '{ print $2 }')" "ProtocolAddressResolved: the reply's source by name"
both_alive "names"

done_testing
