#!/bin/bash
# garbage.sh - cimrouted keeps serving, correctly, while managers send nonsense.
#
# GETs of invalid OIDs under the table (too long/short indexes, IpAddress subids > 255, subids
# 4294967295, out-of-range ifindex/table/tos, column 0, 99 and 4294967295, entry .2, OIDs of
# 120 subids) must answer noSuchObject/noSuchInstance; GETNEXTs from the same OIDs, from 200
# random OIDs and GETBULKs from odd places must answer exactly what a full walk implies
# (route_rows.py nextcheck/bulkcheck); SETs of every kind (read-only columns, wrong types,
# bad RowStatus values, creation with impossible indexes, scalars) must get an error status
# and change nothing (the kernel's routes and a fresh walk are identical to before); random
# UDP datagrams to snmpd must not hurt. Both daemons must be alive after every case.

. "$(dirname "$0")/lib.sh"
itest_init garbage

veth va0 vb0 10.1.0.1/24 10.1.0.2/24 &&
	veth va1 vb1 10.2.0.1/24 10.2.0.2/24 || bail_out "cannot build the veth topology"
{
	for i in $(seq 1 40); do echo "route add 172.28.$i.0/24 via 10.$((i % 2 + 1)).0.$((i + 10)) proto bgp metric $((i % 3))"; done
	echo "route add 172.27.0.0/16 proto ospf nexthop via 10.1.0.9 dev va0 nexthop via 10.2.0.9 dev va1"
	echo "route add blackhole 172.26.0.0/16"
	echo "route add 172.25.0.0/16 via 10.1.0.5 dev va0 metric 4294967295"
} >"$T/routes.batch"
nsx ip -batch "$T/routes.batch" || bail_out "cannot load routes"

write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
ROUTE_TABLES=main
start_cimrouted
wait_registered 20
result $? "cimrouted registers with the master"
REF_MS=$(now_ms)
compare_kernel "table equals the kernel's before the garbage" ref --install-date absent
cp "$T/ref.walk" "$T/walk.ref"
# the GETNEXT oracle needs everything under cimIP4Route (the scalars too)
walk_sub() { timeout 60 ip netns exec "$NS" snmpbulkwalk -Cr50 "${SNMP_OPTS[@]}" "${V2[@]}" "$AGENT" "$OID_IP4ROUTE" >"$1"; }
walk_sub "$T/walk.sub" || not_ok "walk of cimIP4Route"
both_alive "start"
slack() { echo $((($(now_ms) - REF_MS) / 1000 + 2)); }

E=$OID_ENTRY
row=$(index_of 172.28.5.0/24 10.2.0.15 va1 254 0 2)   # a real row: 172.28.5.0/24 via 10.2.0.15 metric 2
grep -q "^$E\.9\.$row " "$T/walk.ref" || not_ok "the row chosen for the garbage ($row) is in the table"
r=(${row//./ })
ipfix() { # position value: the row's index with one subid replaced
	local a=("${r[@]}"); a[$1]=$2; local IFS=.; echo "${a[*]}"
}
long=$(printf '.%d' $(seq 1 105))
ODD=(
	"$E.9.$row.0" "$E.9.$row.1.2.3" "$E.9.${row%.*}" "$E.9.${row%.*.*.*}" "$E.9"
	"$E.9.$(ipfix 0 256)" "$E.9.$(ipfix 3 300)" "$E.9.$(ipfix 4 256)" "$E.9.$(ipfix 8 1000)" "$E.9.$(ipfix 11 65536)"
	"$E.9.$(ipfix 0 4294967295)" "$E.9.$(ipfix 12 4294967295)" "$E.9.$(ipfix 13 4294967295)"
	"$E.9.$(ipfix 14 4294967295)" "$E.9.$(ipfix 15 4294967295)"
	"$E.9.$(ipfix 12 2147483648)" "$E.9.$(ipfix 13 0)" "$E.9.$(ipfix 14 256)"
	"$E.0.$row" "$E.99.$row" "$E.4294967295.$row" "$E.1.$row" "$E.4.$row" "$E.7.$row"
	"$OID_TABLE.2.9.$row" "$OID_TABLE.0" "$OID_TABLE.1" "$OID_IP4ROUTE.1.1" "$OID_IP4ROUTE.1.0.0"
	"$OID_IP4ROUTE.2.0.1" "$OID_IP4ROUTE.4.0"
	"$E.9$long" "$E.13.10.1.0.0$long"
)

# ---------------------------------------------------------------- GET
: >"$T/get.odd"
for o in "${ODD[@]}"; do snmp_get "$o" >>"$T/get.odd" 2>&1; done
bad=$(grep -v 'No Such Instance\|No Such Object' "$T/get.odd" | grep -c .)
nans=$(grep -c '^\.' "$T/get.odd")
if [ "$bad" = 0 ] && [ "$nans" = "${#ODD[@]}" ]; then
	ok "GET of ${#ODD[@]} invalid OIDs under the table: each answers noSuchObject/noSuchInstance"
else
	not_ok "GET of ${#ODD[@]} invalid OIDs under the table: each answers noSuchObject/noSuchInstance"
	diag "$nans answers, $bad not an exception:"; grep -v 'No Such Instance\|No Such Object' "$T/get.odd" | head -n 10 | diag
fi
both_alive "GETs of invalid OIDs"
snmp_get "${ODD[@]:0:30}" >"$T/get.multi" 2>&1
out=$(route_rows checkget --walk "$T/walk.ref" --get "$T/get.multi" --age-slack "$(slack)" 2>&1)
if [ "$(grep -c '^\.' "$T/get.multi")" = 30 ] && ! grep -v 'No Such' "$T/get.multi" | grep -q .; then
	ok "one GET with 30 invalid varbinds answers an exception for each"
else
	not_ok "one GET with 30 invalid varbinds answers an exception for each"; head -n 10 "$T/get.multi" | diag
fi
both_alive "multi-varbind GET"

# ---------------------------------------------------------------- GETNEXT / GETBULK
printf '%s\n' "${ODD[@]}" >"$T/next.q"
: >"$T/next.a"
for o in "${ODD[@]}"; do snmp_getnext "$o" >>"$T/next.a" 2>&1; done
out=$(route_rows nextcheck --subtree "$OID_IP4ROUTE" --walk "$T/walk.sub" --queries "$T/next.q" --got "$T/next.a" --age-slack "$(slack)" 2>&1)
result $? "GETNEXT from each invalid OID returns exactly the next OID of the table"
echo "$out" | sed 's/^# //' | diag
both_alive "GETNEXTs from invalid OIDs"

SEED=${CIMR_ITEST_SEED:-$$}
diag "random OIDs from seed $SEED (set CIMR_ITEST_SEED to repeat)"
python3 - "$OID_ENTRY" "$SEED" >"$T/random.q" <<'EOF'
import random, sys
e, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
vals = [0, 1, 2, 10, 127, 172, 254, 255, 256, 1000, 65535, 2147483647, 2147483648, 4294967294, 4294967295]
for _ in range(200):
    col = rnd.choice([0, 1, 7, 8, 9, 12, 13, 17, 18, 20, 23, 24, 25, 99, rnd.randrange(0, 2**32)])
    n = rnd.choice([0, 1, 3, 4, 8, 12, 13, 15, 16, 20])
    sub = [rnd.choice(vals) if rnd.random() < 0.3 else rnd.choice([10, 172, 28, 0, 255, 1, 2, 254]) for _ in range(n)]
    print(e + '.' + '.'.join(map(str, [col] + sub)))
EOF
mapfile -t RQ <"$T/random.q"
: >"$T/random.a"
failed=0
for ((i = 0; i < 200; i += 20)); do
	snmp_getnext "${RQ[@]:i:20}" >>"$T/random.a" 2>>"$T/random.err" || failed=$((failed + 1))
done
out=$(route_rows nextcheck --subtree "$OID_IP4ROUTE" --walk "$T/walk.sub" --queries "$T/random.q" --got "$T/random.a" --age-slack "$(slack)" 2>&1)
rc=$?
[ $failed = 0 ] || rc=1
result $rc "200 random GETNEXTs (10 requests of 20 varbinds) all answer the walk's next OID"
{ echo "$out"; head -n 3 "$T/random.err" 2>/dev/null; } | sed 's/^# //' | head -n 20 | diag
both_alive "200 random GETNEXTs"
: >"$T/random1.a"
for o in "${RQ[@]:0:50}"; do snmp_getnext "$o" >>"$T/random1.a" 2>&1; done
head -n 50 "$T/random.q" >"$T/random1.q"
out=$(route_rows nextcheck --subtree "$OID_IP4ROUTE" --walk "$T/walk.sub" --queries "$T/random1.q" --got "$T/random1.a" --age-slack "$(slack)" 2>&1)
result $? "50 of them again, one request each: same answers"
echo "$out" | sed 's/^# //' | head -n 10 | diag
both_alive "50 single GETNEXTs"

bulk_from() { # TEXT START REPS [EXPECT]
	local text=$1 start=$2 reps=$3 expect=${4:-}
	nsx snmpbulkget "${V2[@]}" "${SNMP_OPTS[@]}" -Cn0 -Cr"$reps" "$AGENT" "$start" >"$T/bulk.a" 2>&1
	out=$(route_rows bulkcheck --subtree "$OID_IP4ROUTE" --walk "$T/walk.sub" --start "$start" --got "$T/bulk.a" \
		--age-slack "$(slack)" ${expect:+--expect "$expect"} 2>&1)
	result $? "$text"
	echo "$out" | sed 's/^# //' | head -n 8 | diag
}
bulk_from "GETBULK of 40 from the table OID" "$OID_TABLE" 40 40
bulk_from "GETBULK of 40 from a too-long index" "$E.9.$row.0" 40 40
bulk_from "GETBULK of 40 from an IpAddress subid 256" "$E.13.$(ipfix 0 256)" 40 40
bulk_from "GETBULK crossing the end of the table" "$E.24.$(ipfix 0 200)" 30
bulk_from "GETBULK of 10000 (snmpd caps the answer)" "$OID_TABLE" 10000
both_alive "GETBULKs"

# ---------------------------------------------------------------- SET
nsx ip -j -d -4 route show table all >"$T/kernel.before"
# set_refused TEXT OID TYPE VALUE [OID TYPE VALUE...]: an error status, never success
set_refused() {
	local text=$1 out rc; shift
	out=$(nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && echo "$out" | grep -q 'Reason:'; then
		ok "SET refused: $text"
		diag "$(echo "$out" | grep 'Reason:')"
	else
		not_ok "SET refused: $text"
		diag "exit status $rc" "$out"
	fi
}
set_refused "Age (read-only)" "$E.8.$row" i 5
set_refused "Caption (read-only)" "$E.9.$row" s "hello"
set_refused "Description (read-only)" "$E.10.$row" s "hello"
set_refused "Information (read-only)" "$E.11.$row" o .1.3.6
set_refused "Name (read-only)" "$E.18.$row" s "1.2.3.4/32"
set_refused "Protocol (read-only)" "$E.19.$row" i 14
set_refused "Status (read-only)" "$E.20.$row" s "Error"
set_refused "KernelProtocol (read-only)" "$E.22.$row" u 186
set_refused "KernelType (read-only)" "$E.23.$row" i 6
set_refused "Metric1 with a wrong type (OCTET STRING)" "$E.13.$row" s "abc"
set_refused "Metric1 below its range (-5)" "$E.13.$row" i -5
set_refused "Metric2 with a wrong type (IpAddress)" "$E.14.$row" a 1.2.3.4
set_refused "Type outside its enumeration (99)" "$E.21.$row" i 99
set_refused "RowStatus 7 (not a RowStatus value)" "$E.24.$row" i 7
set_refused "RowStatus 0" "$E.24.$row" i 0
set_refused "RowStatus createAndGo on an existing row" "$E.24.$row" i 4
set_refused "RowStatus with a wrong type" "$E.24.$row" s "active"
set_refused "RowStatus createAndGo with a too-long index" "$E.24.$row.7" i 4
set_refused "RowStatus createAndGo with an IpAddress subid 256" "$E.24.$(ipfix 0 256)" i 4
set_refused "RowStatus createAndGo with subid 4294967295 as ifindex" "$E.24.$(ipfix 12 4294967295)" i 4
set_refused "RowStatus createAndGo with tos 256" "$E.24.$(ipfix 14 256)" i 4
set_refused "an index column (not-accessible)" "$E.1.$row" a 1.2.3.4
set_refused "column 0" "$E.0.$row" i 1
set_refused "column 99" "$E.99.$row" i 1
set_refused "the entry OID" "$E" i 1
set_refused "cimIP4RouteCount.0" "$OID_COUNT" u 5
set_refused "cimIP4RouteLastChange.0" "$OID_LASTCHANGE" x 07E9010101010100
set_refused "two varbinds, both read-only" "$E.8.$row" i 1 "$E.18.$row" s "x"
set_refused "an OID of 120 subids" "$E.13.10.1.0.0$long" i 1
both_alive "SETs"
nsx ip -j -d -4 route show table all >"$T/kernel.after"
if cmp -s "$T/kernel.before" "$T/kernel.after"; then ok "the refused SETs changed no kernel route"; else
	not_ok "the refused SETs changed no kernel route"; diff <(tr '}' '\n' <"$T/kernel.before") <(tr '}' '\n' <"$T/kernel.after") | head -n 10 | diag; fi
walk_table "$T/walk.afterset" bulk
out=$(route_rows diffwalk --age-slack "$(slack)" "$T/walk.ref" "$T/walk.afterset" 2>&1)
result $? "the refused SETs changed nothing in the table"
echo "$out" | sed 's/^# //' | head -n 10 | diag

# ---------------------------------------------------------------- raw datagrams
ip netns exec "$NS" python3 - "$PORT" "$SEED" <<'EOF'
import os, random, socket, sys
port, seed = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def ber_getnext(oid_bytes):
    # v2c GetNext with a hand-made OID encoding (may be invalid on purpose)
    vb = b'\x06' + bytes([len(oid_bytes)]) + oid_bytes + b'\x05\x00'
    vb = b'\x30' + bytes([len(vb)]) + vb
    vbl = b'\x30' + bytes([len(vb)]) + vb
    pdu_body = b'\x02\x01\x01\x02\x01\x00\x02\x01\x00' + vbl
    pdu = b'\xa1' + bytes([len(pdu_body)]) + pdu_body
    msg = b'\x02\x01\x01\x04\x06public' + pdu
    return b'\x30' + bytes([len(msg)]) + msg
base = bytes([0x2b, 6, 1, 4, 1, 0x81, 0xfd, 0x59, 1, 1, 1, 3, 1])   # 1.3.6.1.4.1.32473.1.1.1.3.1
pkts = [os.urandom(rnd.randrange(1, 300)) for _ in range(30)]
pkts += [ber_getnext(base + b'\x09' + b'\x8f\xff\xff\xff\xff\x7f'),      # subid > 2^32
         ber_getnext(base + b'\x09' + b'\xff' * 20 + b'\x7f'),            # absurd subid
         ber_getnext(base + b'\x09\x80'),                                 # truncated subid
         ber_getnext(base[:5]),                                           # short OID
         ber_getnext(base + b'\x09' + b'\x01' * 100)]                     # 100 index subids
for p in pkts:
    s.sendto(p, ('127.0.0.1', port))
print('# sent %d raw datagrams' % len(pkts))
EOF
sleep 0.5
both_alive "raw garbage datagrams"

# ---------------------------------------------------------------- still right
wait_compare 3 "after all the garbage the table still equals the kernel's" final --install-date absent
both_alive "final comparison"

done_testing
