#!/bin/bash
# ping_codes.sh - every cimPingStatusCode (issue 14) provoked on the wire and compared with it.
#
# The topology of ping_lib.sh: a peer B (the kernel's answers on .2/::2, icmp_forge.py's on
# .3/::3), a router R towards C (TTL expiry, nft rejects of every ICMP and ICMPv6 unreachable
# type nft offers, a 1280-octet link for packet too big, the non-first fragments dropped for
# reassembly timeouts, a silent prefix). For each case a row is created with createAndGo and
# read when completed; the truth is the wire: icmp_forge.py truth reads the capture where the
# answer passes (R's or B's link), finds the answer quoting our echo request, and maps its type
# and code by the table of cimPingStatusCode's DESCRIPTION. The row must give that status,
# that source (cimPingProtocolAddress), and a response time when an ICMP answer came (none on
# a timeout); the answer's TTL (cimPingResponseTimeToLive) is checked for each group at once. Each case first checks that the wire
# carried the answer the case means to provoke (else the topology, not the daemon, is wrong).
# Local errors: the truth is the kernel's errno for the same send from a raw socket in A
# (icmp_forge.py errno), mapped by the same table; nothing must reach the wire. A neighbour
# that never answers: 11003 once `ip neigh` says FAILED (from A's own address, or none). Unusable targets (0.0.0.0, a
# broadcast, ::, multicast): badDestination(11018), nothing sent. The forge sends the errors
# no router here gives (source route failed, net/host unknown, isolated, TOS, precedence,
# source quench, parameter problem; ICMPv6 beyond scope, unknown code, erroneous header,
# unrecognized next header and option). Both daemons alive after each group.

. "$(dirname "$0")/lib.sh"
itest_init pcodes
. "$ITDIR/ping_lib.sh"
ping_world
ping_daemons

N=0
# run_row TARGET TIMEOUT_S [VARBINDS...]: a fresh row (name c$N), started and read when complete
run_row() {
	local target=$1 to=$2; shift 2
	N=$((N + 1))
	ping_start "c$N" "$target" "$@" || { ROW_ERR="createAndGo refused: $START_ERR"; COL=(); return 1; }
	ping_wait "$to" || { row_read; ROW_ERR="not completed after ${to}s: $(row_summary)"; return 1; }
	row_read
	ROW_ERR=
}

# wire_case TEXT CAP TARGET ANSWER TIMEOUT_S [VARBINDS...]: the wire must show ANSWER (icmp
# TYPE/CODE, or "none") to the row's echo request; the row must agree with it
wire_case() {
	local text=$1 cap=$2 target=$3 answer=$4 to=$5 line want got rt; shift 5
	cap_mark
	run_row "$target" "$to" "$@"
	line=$(truth "$cap" "$target" | head -n 1)
	ping_destroy
	if [ -n "$ROW_ERR" ]; then not_ok "$text"; diag "$ROW_ERR" "wire: $line"; return; fi
	if [ -z "$line" ]; then not_ok "$text: no echo request to $target on $cap's link"; diag "$(row_summary)"; return; fi
	if [ "$(field "$line" answer || echo none)" != "$answer" ]; then
		not_ok "$text: the wire shows answer $(field "$line" answer || echo none), not $answer (topology)"
		diag "$line"
		return
	fi
	rt=present; [ "$(col 23)" = absent ] && rt=absent
	want="status=$(field "$line" status) from=$(field "$line" from || echo absent)"
	[ "$answer" = none ] && want+=" rtt=absent" || want+=" rtt=present"
	got="status=$(col 21) from=$(col_addr 28) rtt=$rt"
	is "$got" "$want" "$text: $want"
	[ "$got" = "$want" ] || diag "wire: $line" "row: $(row_summary)"
	# the answer's TTL, checked for all cases at once by ttl_summary
	[ "$(col 24)" = "$(field "$line" rttl || echo absent)" ] ||
		TTL_BAD+=("$text: cimPingResponseTimeToLive $(col 24), the answer's TTL $(field "$line" rttl || echo absent)")
	TTL_CASES=$((TTL_CASES + 1))
}
TTL_BAD=()
TTL_CASES=0
ttl_summary() {
	if [ ${#TTL_BAD[@]} -eq 0 ]; then ok "$1 ($TTL_CASES cases)"; else not_ok "$1 (${#TTL_BAD[@]} of $TTL_CASES differ)"; diag "${TTL_BAD[@]}"; fi
	TTL_BAD=() TTL_CASES=0
}

# local_case TEXT TARGET ERRNO [--df] [--size N] -- [VARBINDS...]: the kernel refuses the send with
# ERRNO (checked with a raw socket); the row has the status it maps to, nothing on the wire
local_case() {
	local text=$1 target=$2 errno=$3 fargs=() k want got sent; shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do fargs+=("$1"); shift; done
	shift
	k=$(nsx python3 "$FORGE" errno "$target" "${fargs[@]}")
	if [ "${k% *}" != "$errno" ]; then not_ok "$text: the kernel answers $k, not $errno (topology)"; return; fi
	cap_mark
	run_row "$target" 5 "$@"
	sent=$( { truth B "$target"; truth R "$target"; } | wc -l)
	ping_destroy
	if [ -n "$ROW_ERR" ]; then not_ok "$text"; diag "$ROW_ERR"; return; fi
	want="status=${k#* } from=absent rtt=absent on-the-wire=0"
	got="status=$(col 21) from=$(col_addr 28) rtt=$(col 23) on-the-wire=$sent"
	[ "$(col 23)" != absent ] && got="status=$(col 21) from=$(col_addr 28) rtt=present on-the-wire=$sent"
	is "$got" "$want" "$text ($errno): $want"
	[ "$got" = "$want" ] || diag "row: $(row_summary)"
}

# ---------------------------------------------------------------- answers through the router
diag "---- echo replies"
wire_case "IPv4 echo reply from B" B 10.14.1.2 0/0 5
wire_case "IPv6 echo reply from B" B 2001:db8:14:1::2 129/0 5
wire_case "IPv4 echo reply from C through R (TTL one less)" R 10.14.3.3 0/0 5
wire_case "IPv6 echo reply from C through R" R 2001:db8:14:3::3 129/0 5
both_alive "echo replies"

diag "---- time exceeded in transit"
wire_case "IPv4 TimeToLive 1 through R: time exceeded in transit" R 10.14.3.3 11/0 5 "$PE.14.$(ix $OWN c$((N + 1)))" u 1
wire_case "IPv6 hop limit 1 through R: time exceeded in transit" R 2001:db8:14:3::3 3/0 5 "$PE.14.$(ix $OWN c$((N + 1)))" u 1

diag "---- nft rejects in R"
i=0
for a in 3/0:net-unreachable 3/1:host-unreachable 3/2:prot-unreachable 3/3:port-unreachable \
	3/9:net-prohibited 3/10:host-prohibited 3/13:admin-prohibited; do
	i=$((i + 1))
	wire_case "IPv4 reject with icmp type ${a#*:}" R 10.14.4.$i "${a%%:*}" 5
done
i=0
for a in 1/0:no-route 1/1:admin-prohibited 1/3:addr-unreachable 1/4:port-unreachable 1/5:policy-fail \
	1/6:reject-route; do
	i=$((i + 1))
	wire_case "IPv6 reject with icmpv6 type ${a#*:}" R 2001:db8:14:4::$i "${a%%:*}" 5
done
ttl_summary "cimPingResponseTimeToLive is the TTL of the answer on the wire (echo replies, TTL expiry, rejects)"
both_alive "TTL expiry and rejects"

diag "---- packet too big from R (MTU 1280 towards C)"
wire_case "IPv4 1400 octets with NoFragmentation through R: fragmentation needed" R 10.14.3.3 3/4 5 \
	"$PE.6.$(ix $OWN c$((N + 1)))" u 1400 "$PE.7.$(ix $OWN c$((N + 1)))" i 1
wire_case "IPv6 1400 octets through R: packet too big" R 2001:db8:14:3::3 2/0 5 "$PE.6.$(ix $OWN c$((N + 1)))" u 1400
nsx ip route flush cache
nsx ip -6 route flush cache

diag "---- reassembly time exceeded in C (R drops the non-first fragments, ipfrag_time 1)"
wire_case "IPv4 3000 octets, fragments lost: time exceeded in reassembly" R 10.14.3.33 11/1 8 \
	"$PE.6.$(ix $OWN c$((N + 1)))" u 3000 "$PE.12.$(ix $OWN c$((N + 1)))" u 4000
wire_case "IPv6 3000 octets, fragments lost: time exceeded in reassembly" R 2001:db8:14:3::33 3/1 8 \
	"$PE.6.$(ix $OWN c$((N + 1)))" u 3000 "$PE.12.$(ix $OWN c$((N + 1)))" u 4000

diag "---- silent addresses (C drops them)"
wire_case "IPv4 silent address, Timeout 500: requestTimedOut" R 10.14.5.1 none 5 "$PE.12.$(ix $OWN c$((N + 1)))" u 500
wire_case "IPv6 silent address, Timeout 500: requestTimedOut" R 2001:db8:14:5::1 none 5 "$PE.12.$(ix $OWN c$((N + 1)))" u 500
ttl_summary "cimPingResponseTimeToLive is the answer's TTL (packet too big, reassembly; absent without an answer)"
both_alive "packet too big, reassembly, timeouts"

# ---------------------------------------------------------------- local errors
diag "---- local send errors"
local_case "IPv4 no route" 198.18.0.1 ENETUNREACH --
local_case "IPv6 no route" 2001:db8:99::1 ENETUNREACH --
local_case "IPv4 unreachable route" 10.14.6.1 EHOSTUNREACH --
local_case "IPv4 prohibit route" 10.14.6.2 EACCES --
local_case "IPv4 blackhole route" 10.14.6.3 EINVAL --
local_case "IPv6 unreachable route" 2001:db8:14:6::1 EHOSTUNREACH --
local_case "IPv6 prohibit route" 2001:db8:14:6::2 EACCES --
local_case "IPv6 blackhole route" 2001:db8:14:6::3 EINVAL --
local_case "IPv4 1473 octets with NoFragmentation on a 1500 link" 10.14.1.2 EMSGSIZE --df --size 1473 -- \
	"$PE.6.$(ix $OWN c$((N + 1)))" u 1473 "$PE.7.$(ix $OWN c$((N + 1)))" i 1
local_case "IPv6 1453 octets with NoFragmentation on a 1500 link" 2001:db8:14:1::2 EMSGSIZE --df --size 1453 -- \
	"$PE.6.$(ix $OWN c$((N + 1)))" u 1453 "$PE.7.$(ix $OWN c$((N + 1)))" i 1
both_alive "local send errors"

diag "---- a neighbour that never answers"
for t in 10.14.1.99 2001:db8:14:1::99; do
	cap_mark
	run_row "$t" 10 "$PE.12.$(ix $OWN c$((N + 1)))" u 5000
	neigh=$(nsx ip neigh show "$t" dev a_b)
	ping_destroy
	if [ -n "$ROW_ERR" ]; then not_ok "$t: neighbour never answers"; diag "$ROW_ERR"; continue; fi
	case $neigh in *FAILED* | *INCOMPLETE*) ;; *) not_ok "$t: the kernel's neighbour entry is '$neigh', not FAILED (topology)"; continue ;; esac
	# the kernel reports it as an ICMP host unreachable from A itself (or a local error): the
	# answering address, when there is one, is A's own on that link
	from=$(col_addr 28)
	nsx ip -o addr show dev a_b | grep -qw "${from:-none}" || [ "$from" = absent ] && from=A-or-absent
	is "status=$(col 21) from=$from" "status=11003 from=A-or-absent" \
		"$t, a neighbour that never answers ($neigh): destinationHostUnreachable(11003) from the error queue"
done
both_alive "neighbour failure"

diag "---- unusable targets"
for t in 0.0.0.0 10.14.1.255 :: ff02::1; do
	cap_mark
	run_row "$t" 5
	sent=$( { truth B "$t"; truth R "$t"; } | wc -l)
	ping_destroy
	if [ -n "$ROW_ERR" ]; then not_ok "$t: badDestination"; diag "$ROW_ERR"; continue; fi
	is "status=$(col 21) on-the-wire=$sent" "status=11018 on-the-wire=0" "target $t: badDestination(11018), nothing sent"
done
both_alive "unusable targets"

# ---------------------------------------------------------------- errors only a forger sends
diag "---- ICMP errors forged by B's responder, quoting our request"
V4ERR="error:3:5 error:3:6 error:3:7 error:3:8 error:3:11 error:3:12 error:3:14 error:3:15 error:4:0 error:12:0:20"
V6ERR="error:1:2 error:1:7 error:4:0:40 error:4:1:40 error:4:2:40"
plan=$(echo $V4ERR $V6ERR | tr ' ' ';')
ip netns exec "$NSB" python3 "$FORGE" serve --iface b_a --addr 10.14.1.3 --addr 2001:db8:14:1::3 --actions "$plan" \
	--log "$T/forge-codes.log" --max 15 --duration 60 >"$T/forge-codes.out" 2>&1 &
EXTRA_PIDS+=($!)
wait_until 10 grep -q ready "$T/forge-codes.out" || bail_out "icmp_forge.py does not start: $(cat "$T/forge-codes.out")"
for e in $V4ERR; do
	tc=${e#error:}; tc=${tc%:20}
	wire_case "forged ICMP type ${tc%:*} code ${tc#*:}" B 10.14.1.3 "${tc/:/\/}" 5
done
for e in $V6ERR; do
	tc=${e#error:}; tc=${tc%:40}
	wire_case "forged ICMPv6 type ${tc%:*} code ${tc#*:}" B 2001:db8:14:1::3 "${tc/:/\/}" 5
done
ttl_summary "cimPingResponseTimeToLive is the forged error's TTL"
is "$(grep -c '^sent error' "$T/forge-codes.log")" 15 "the forge answered the 15 requests with its errors"
both_alive "forged errors"

done_testing
