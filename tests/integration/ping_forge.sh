#!/bin/bash
# ping_forge.sh - what is not an answer to our probes is never counted as one (issue 14), and
# a comparison with iputils' ping on the same paths.
#
# The topology of ping_lib.sh; icmp_forge.py answers for B's 10.14.1.3 and 2001:db8:14:1::3
# (nft drops those echo requests in B's input hook, so the kernel stays silent), each case
# with its own plan, and its log says what it really sent. Cases, IPv4 and IPv6:
#  - a reply with corrupted data: success, ReplyInconsistency true(1) (false for the others)
#  - three replies to each of 3 probes: 3 sent, 3 received, every probe success
#  - replies later than the timeout (700 ms for 400): every probe requestTimedOut, none
#    received; a row started right after, answered at once while the late replies arrive,
#    counts exactly its own reply
#  - before the real reply (sent 100 ms late): a truncated reply, one with a bad checksum, one
#    with another identifier, one with a sequence number never sent, errors quoting a probe
#    never sent and quoting another identifier: success, consistent, a response time of at
#    least 100 ms (the real reply's), 1 received
#  - iputils' ping to the same address at the same time (the forge answers both): the row
#    counts its 5 replies, not ping's; ping gets its 5
#  - iputils `ping -c 5 -i 0.2` and a row of 5 probes 200 ms apart, to B and through R to C,
#    IPv4 and IPv6: both without loss; the row's average is above 0 and below the timeout
#    (figures in the diagnostics, no timing assertion beyond that).
# Both daemons alive after each group.

. "$(dirname "$0")/lib.sh"
itest_init pforge
. "$ITDIR/ping_lib.sh"
ping_world
ping_daemons

FN=0
# forge_up PLAN MAX: a fresh responder for B's .3 and ::3 with that plan; FLOG its log
forge_up() {
	FN=$((FN + 1))
	FLOG=$T/forge$FN.log
	ip netns exec "$NSB" python3 "$FORGE" serve --iface b_a --addr 10.14.1.3 --addr 2001:db8:14:1::3 --actions "$1" \
		--log "$FLOG" --max "$2" --duration 30 >"$FLOG.out" 2>&1 &
	FORGE_PID=$!
	EXTRA_PIDS+=("$FORGE_PID")
	wait_until 10 grep -q ready "$FLOG.out" || bail_out "icmp_forge.py does not start: $(cat "$FLOG.out")"
}
forge_down() { stop_pid "$FORGE_PID" TERM 3; }
# forge_wait: until the forge has answered its MAX requests, delayed actions included
forge_wait() { wait_until 3 grep -q '^end' "$FLOG"; }
sent() { grep -c "^sent $1" "$FLOG"; }
# row NAME TARGET [VARBINDS...]: start, wait, read
N=0
row() {
	local name=$1 target=$2; shift 2
	ping_start "$name" "$target" "$@" || { not_ok "createAndGo $name"; diag "$START_ERR"; COL=(); return 1; }
	ping_wait 15 || diag "$name not completed"
	row_read
}
probes() { walk_vals "$PPR.2.$IX" | tr '\n' ' '; }

for fam in 4 6; do
	if [ $fam = 4 ]; then F=10.14.1.3; else F=2001:db8:14:1::3; fi
	diag "---- IPv$fam: corrupted data"
	forge_up corrupt 1
	row corrupt$fam $F
	forge_wait
	is "status=$(col 21) incons=$(col 26) size=$(col 25) forged=$(sent corrupt)" "status=0 incons=1 size=32 forged=1" \
		"IPv$fam a reply with corrupted data: success, ReplyInconsistency true(1)"
	forge_down

	diag "---- IPv$fam: duplicates"
	forge_up "reply,reply@20,reply@40" 3
	IX=$(ix "$OWN" dup$fam)
	row dup$fam $F "$PE.35.$IX" u 3 "$PE.36.$IX" u 200
	forge_wait
	is "$(probes)sent=$(col 37) recv=$(col 38) incons=$(col 26) forged=$(sent reply)" "0 0 0 sent=3 recv=3 incons=2 forged=9" \
		"IPv$fam three replies to each of 3 probes: 3 received, not 9"
	forge_down

	diag "---- IPv$fam: late replies"
	forge_up "reply@700;reply@700;reply@700;reply" 4
	IX=$(ix "$OWN" late$fam)
	row late$fam $F "$PE.35.$IX" u 3 "$PE.36.$IX" u 200 "$PE.12.$IX" u 400
	is "$(probes)recv=$(col 38) status=$(col 21)" "11010 11010 11010 recv=0 status=11010" \
		"IPv$fam replies 700 ms late for a 400 ms timeout: every probe requestTimedOut, none received" ||
		diag "row: $(row_summary) timeout=$(col 12) count=$(col 35)" "forge: $(cut -c1-40 "$FLOG" | tr '\n' '|')"
	row next$fam $F "$PE.12.$(ix $OWN next$fam)" u 1000
	forge_wait
	is "status=$(col 21) recv=$(col 38) late-sent=$(sent 'reply@700')" "status=0 recv=1 late-sent=3" \
		"IPv$fam the next row, while the 3 late replies arrive, counts only its own reply"
	forge_down

	diag "---- IPv$fam: garbage, foreign and forged answers before the real one"
	err=3:1; [ $fam = 6 ] && err=1:3
	forge_up "short,badsum,wrongid,wrongseq,forged:$err,forgedid:$err,reply@100" 1
	row junk$fam $F "$PE.12.$(ix $OWN junk$fam)" u 2000
	forge_wait
	us=$(col 23)
	[ "$us" != absent ] && [ "$us" -ge 100000 ] && [ "$us" -lt 2000000 ]
	result $? "IPv$fam garbage and forged errors first: the response time ($us us) is the real reply's, 100 ms late"
	is "status=$(col 21) incons=$(col 26) recv=$(col 38) forged=$(grep -c '^sent' "$FLOG")" "status=0 incons=2 recv=1 forged=7" \
		"IPv$fam none of the 6 forged packets is a result: success, consistent, 1 received"
	forge_down

	diag "---- IPv$fam: another process pings the same address"
	forge_up reply 20
	IX=$(ix "$OWN" other$fam)
	ip netns exec "$NS" ping -c 5 -i 0.2 -W 2 "$F" >"$T/other$fam.ping" 2>&1 &
	PINGPID=$!
	row other$fam $F "$PE.35.$IX" u 5 "$PE.36.$IX" u 200
	wait $PINGPID
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$T/other$fam.ping")
	is "sent=$(col 37) recv=$(col 38) ping-recv=$got forged=$(sent reply)" "sent=5 recv=5 ping-recv=5 forged=10" \
		"IPv$fam iputils' ping at the same time: the row counts its own 5 replies, ping its 5"
	forge_down
	both_alive "IPv$fam forge cases"
done

# ---------------------------------------------------------------- iputils
diag "---- the same paths with iputils' ping"
for t in 10.14.1.2 2001:db8:14:1::2 10.14.3.3 2001:db8:14:3::3; do
	out=$(nsx ping -c 5 -i 0.2 -W 2 "$t" 2>&1)
	loss=$(echo "$out" | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
	avg=$(echo "$out" | sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
	N=$((N + 1))
	IX=$(ix "$OWN" ip$N)
	row "ip$N" "$t" "$PE.35.$IX" u 5 "$PE.36.$IX" u 200
	avgus=$(col 41)
	[ "$loss" = 0 ] && [ "$(col 39)" = 0 ] && [ "$avgus" != absent ] && [ "$avgus" -gt 0 ] && [ "$avgus" -lt 1000000 ]
	result $? "$t: iputils and the row both without loss; the row's average RTT is above 0 and below the timeout"
	diag "$t: iputils avg ${avg} ms; row min/avg/max/mdev $(col 40)/$avgus/$(col 42)/$(col 43) us, time source $(col 44)"
done
both_alive "iputils comparison"

done_testing
