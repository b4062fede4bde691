#!/bin/bash
# walk_compare.sh - cimIP4RouteTable equals the kernel's IPv4 routes, walked every way.
#
# A namespace with three veth pairs and a few thousand routes of every kind (connected,
# via gateway, multipath, blackhole/unreachable/prohibit/throw, many protocols and metrics,
# same prefix with two metrics, TOS routes, huge metrics, tables main/local/100/200).
# Pass/fail: route_rows.py compares every row and column of a GETBULK walk with
# `ip -j -d -4 route show table all`; a GETNEXT walk must be identical; the row count scalar
# must equal the rows walked; GETs of random rows must answer what the walk said; GETNEXT
# from gaps, before the first row, after the last and from partial or invalid indexes must
# return exactly the next OID a complete walk implies. The comparator is shown to detect
# deliberately perturbed expectations (one changed value, an invented row, a dropped row, a
# changed metric, two swapped walk lines): each must produce exactly its problem line, so
# the comparison cannot pass vacuously. Then the daemon is restarted with `routeTables main`
# and with `routeTables 100 local` and compared again.

. "$(dirname "$0")/lib.sh"
itest_init walk

NROUTES=${CIMR_WALK_ROUTES:-3000}

# ---------------------------------------------------------------- topology and routes
veth va0 vb0 10.1.0.1/24 10.1.0.2/24 &&
	veth va1 vb1 10.2.0.1/24 10.2.0.2/24 &&
	veth va2 vb2 10.3.0.1/24 10.3.0.2/24 || bail_out "cannot build the veth topology"

python3 - "$NROUTES" >"$T/routes.batch" <<'EOF'
import sys
n = int(sys.argv[1])
out = []
def add(s): out.append('route add ' + s)
# fixed corner cases
add('default via 10.1.0.254 dev va0 proto dhcp metric 100')
add('default via 10.2.0.254 dev va1 proto dhcp metric 200')
add('10.200.0.0/16 dev va2 proto static')                       # no gateway, no prefsrc: NextHop 0.0.0.0
add('10.201.0.0/16 dev va2 proto static src 10.3.0.1')          # no gateway, prefsrc: NextHop = src
add('10.202.0.0/16 via 10.3.0.9 dev va2 src 10.3.0.1')          # gateway wins over src
add('10.203.0.0/16 via 10.3.0.9 dev va2 metric 2147483647')      # largest Metric1
add('10.203.0.0/16 via 10.3.0.9 dev va2 metric 2147483648')      # Metric1 absent
add('10.203.0.0/16 via 10.3.0.9 dev va2 metric 4294967295')      # Metric1 absent, max index subid
add('10.204.0.0/16 via 10.3.0.9 dev va2 tos 0x10')               # tos printed as 0x10
add('10.204.0.0/16 via 10.3.0.8 dev va2 tos 0x20')               # tos printed as CS1
add('10.204.0.0/16 via 10.3.0.7 dev va2')                        # same prefix, tos 0
add('10.205.0.1/32 via 10.1.0.7 dev va0 proto redirect')         # host route, icmp(4)
add('10.205.0.2/32 via 10.1.0.7 dev va0 proto ra')
add('10.205.0.3/32 via 10.1.0.7 dev va0 proto kernel')
add('10.205.0.4/32 via 10.1.0.7 dev va0 proto unspec')
add('10.205.0.5/32 via 10.1.0.7 dev va0 proto rip')
add('10.205.0.6/32 via 10.1.0.7 dev va0 proto isis')
add('10.205.0.7/32 via 10.1.0.7 dev va0 proto eigrp')
add('10.205.0.8/32 via 10.1.0.7 dev va0 proto 250')
add('10.205.0.9/32 via 10.1.0.7 dev va0 proto keepalived')
add('10.206.0.0/16 via 192.0.2.1 dev va2 onlink proto bird')     # onlink gateway outside the subnet
add('10.207.0.0/16 proto ospf nexthop via 10.1.0.9 dev va0 nexthop dev va2')  # hop without gateway
add('throw 10.208.0.0/16 table 100')
add('10.209.0.0/16 via 10.2.0.9 dev va1 table 200 proto static metric 5')
add('unreachable 0.0.0.0/0 table 200 metric 4294967295')
protos = ['static', 'boot', 'bgp', 'ospf', 'zebra', 'babel', '42', 'rip', 'dhcp', 'isis', '99', '200']
i = 0
while len(out) < n:
    a, b = 100 + (i // 250) % 100, i % 250
    k = i % 20
    p = protos[i % len(protos)]
    pre = '%d.%d.%d.0/24' % (a, b, (i * 7) % 256)
    if k < 6:
        add('%s via 10.1.0.%d dev va0 proto %s metric %d' % (pre, 10 + i % 200, p, i % 5 * 10))
    elif k < 8:
        add('%s dev va1 proto %s scope link' % (pre, p))
    elif k < 10:
        add('%s proto %s nexthop via 10.1.0.254 dev va0 nexthop via 10.2.0.254 dev va1 weight 3'
            % (pre, p))
    elif k == 10:
        add('blackhole %s proto %s' % (pre, p))
    elif k == 11:
        add('unreachable %s proto %s metric 7' % (pre, p))
    elif k == 12:
        add('prohibit %s proto %s' % (pre, p))
    elif k == 13:                              # same prefix, two metrics
        add('%s via 10.3.0.2 dev va2 proto %s metric 10' % (pre, p))
        add('%s via 10.3.0.3 dev va2 proto %s metric 20' % (pre, p))
    elif k == 14:
        add('%s via 10.2.0.%d dev va1 table 100 proto %s' % (pre, 10 + i % 200, p))
    elif k == 15:
        add('%s via 10.2.0.%d dev va1 table 200 proto %s tos 0x%02x' % (pre, 10 + i % 200, p, (i % 8) * 4))
    elif k == 16:
        add('%s proto %s table 100 nexthop via 10.1.0.254 dev va0 nexthop via 10.3.0.254 dev va2 nexthop via 10.2.0.254 dev va1' % (pre, p))
    else:
        add('%s via 10.3.0.%d dev va2 proto %s' % ('%d.%d.%d.%d/32' % (a, b, i % 256, 1 + i % 250), 10 + i % 200, p))
    i += 1
print('\n'.join(out))
EOF
if nsx ip -batch "$T/routes.batch" >"$T/batch.out" 2>&1; then
	ok "loaded $(wc -l <"$T/routes.batch") route commands with ip -batch"
else
	not_ok "loaded routes with ip -batch"
	head -n 5 "$T/batch.out" | diag
fi

# ---------------------------------------------------------------- daemons
write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
ROUTE_TABLES=all
write_cimrouted_conf "routeTables all"
start_cimrouted
wait_registered 20
result $? "cimrouted registers with the master (routeTables all)"
both_alive "start"

# ---------------------------------------------------------------- full walk
start=$(now_ms)
compare_kernel "GETBULK walk equals ip route show table all (every row, every column)" all \
	--install-date absent --max-age-since-ms "$CIMR_STARTED_MS"
diag "compare (walk + check) took $(($(now_ms) - start)) ms"
both_alive "GETBULK walk"
cp "$T/all.walk" "$T/bulk.walk"
BULK_WALK_MS=$start
# Age moves on between two reads of the same row: allow the time since the walk
age_slack() { echo $((($(now_ms) - BULK_WALK_MS) / 1000 + 2)); }

rows=$(grep -c "^$OID_ENTRY\.18\." "$T/bulk.walk")
count=$(get_count)
is "$count" "$rows" "cimIP4RouteCount.0 equals the number of rows walked ($rows)"
kernel_rows=$(route_rows expected --routes "$T/all.routes.json" --links "$T/all.links.json" --tables all | wc -l)
is "$rows" "$kernel_rows" "number of rows equals the kernel's next hops in all tables"
if [ "$kernel_rows" -lt "$((NROUTES / 2))" ]; then not_ok "the world has at least $((NROUTES / 2)) rows ($kernel_rows)"; fi

# the comparator must be able to fail: break one expectation (or the walk's order) on the
# walk just compared, and it must report exactly that problem (whatever else it reports)
for kind in value missing extra metric order; do
	route_rows compare --routes "$T/all.routes.json" --links "$T/all.links.json" --walk "$T/bulk.walk" \
		--tables all --perturb "$kind" --max-report 1000000 >"$T/perturb.$kind" 2>&1
	rc=$?
	want=$(sed -n 's/^# expect-problem: //p' "$T/perturb.$kind")
	found=$(sed '/^# expect-problem: /d; /^# perturbation: /d' "$T/perturb.$kind" |
		awk -v w="$want" 'index($0, w) == 1 { print; exit }')
	if [ $rc -eq 1 ] && [ -n "$want" ] && [ -n "$found" ]; then
		ok "comparator detects a perturbation ($kind)"
		echo "$found" | cut -c1-200 | diag
	else
		not_ok "comparator detects a perturbation ($kind) (exit status $rc)"
		diag "wanted a line starting: $want"
		head -n 5 "$T/perturb.$kind" | diag
	fi
done

lc=$(snmp_get "$OID_LASTCHANGE" 2>&1)
if python3 - "$lc" <<'EOF'; then ok "cimIP4RouteLastChange.0 is a DateAndTime"; else not_ok "cimIP4RouteLastChange.0 is a DateAndTime"; diag "$lc"; fi
import sys
v = sys.argv[1]
assert 'Hex-STRING:' in v, v
b = bytes(int(x, 16) for x in v.split('Hex-STRING:')[1].split())
assert len(b) in (8, 11) and 1 <= b[2] <= 12 and 1 <= b[3] <= 31 and b[0] * 256 + b[1] >= 2000, b
EOF

# ---------------------------------------------------------------- GETNEXT walk
start=$(now_ms)
if walk_table "$T/next.walk" next; then
	diag "GETNEXT walk of $(wc -l <"$T/next.walk") lines took $(($(now_ms) - start)) ms"
	out=$(route_rows diffwalk --age-slack "$(age_slack)" "$T/bulk.walk" "$T/next.walk" 2>&1)
	result $? "GETNEXT walk (snmpwalk) gives the same rows and values as the GETBULK walk"
	echo "$out" | head -n 20 | sed 's/^# //' | diag
	out=$(route_rows compare --routes "$T/all.routes.json" --links "$T/all.links.json" --walk "$T/next.walk" \
		--tables all --install-date absent --max-age-since-ms "$CIMR_STARTED_MS" 2>&1)
	result $? "GETNEXT walk equals the kernel table"
	echo "$out" | head -n 20 | sed 's/^# //' | diag
else
	not_ok "GETNEXT walk (snmpwalk) completes"
fi
both_alive "GETNEXT walk"

# ---------------------------------------------------------------- GET of random rows
# 30 rows chosen by a fixed seed, plus every row of the corner-case prefixes (metrics 2^31-1,
# 2^31, 2^32-1; three TOS values)
route_rows pick --walk "$T/bulk.walk" --n 30 --seed 20260101 --include-dst 10.203.0.0 \
	--include-dst 10.204.0.0 >"$T/pick.txt"
npick=$(wc -l <"$T/pick.txt")
: >"$T/get.out"
fails=0
while read -r -a oids; do
	snmp_get "${oids[@]}" >>"$T/get.out" 2>>"$T/get.err" || fails=$((fails + 1))
done <"$T/pick.txt"
out=$(route_rows checkget --age-slack "$(age_slack)" --walk "$T/bulk.walk" --get "$T/get.out" 2>&1)
rc=$?
[ $fails -eq 0 ] || rc=1
result $rc "GET of every column of $npick rows (random and corner cases) answers what the walk said"
{ echo "$out"; [ $fails -eq 0 ] || head -n 5 "$T/get.err"; } | sed 's/^# //' | head -n 20 | diag
both_alive "random GETs"

# GET of the not-accessible index columns and of a row that does not exist
first_ix=$(sed -n "s/^$OID_ENTRY\.8\.\([0-9.]*\) = .*/\1/p" "$T/bulk.walk" | head -n 1)
bad=0
for c in 1 2 3 4 5 6 7; do
	out=$(snmp_get "$OID_ENTRY.$c.$first_ix" 2>&1)
	case $out in *"No Such"*) ;; *) bad=1; diag "GET column $c: $out" ;; esac
done
result $bad "GET of the not-accessible index columns 1-7 answers noSuchObject/noSuchInstance"
out=$(snmp_get "$OID_ENTRY.18.${first_ix%.*}.12345" 2>&1)
case $out in *"No Such Instance"*) ok "GET of a row that does not exist answers noSuchInstance" ;;
*) not_ok "GET of a row that does not exist answers noSuchInstance"; diag "$out" ;; esac
both_alive "GETs of absent instances"

# ---------------------------------------------------------------- GETNEXT boundaries
mapfile -t idx < <(sed -n "s/^$OID_ENTRY\.13\.\([0-9.]*\) = .*/\1/p" "$T/bulk.walk")
n=${#idx[@]}
mid=${idx[$((n / 2))]}
mid_next=${idx[$((n / 2 + 1))]}
last_oid=$(tail -n 200 "$T/bulk.walk" | grep '^\.' | tail -n 1 | cut -d' ' -f1)
mid_m=${mid%.*}; mid_metric=${mid##*.}
queries=(
	"$OID_TABLE" "before the table's first row (table OID)"
	"$OID_ENTRY" "from the entry OID"
	"$OID_ENTRY.1" "from not-accessible column 1"
	"$OID_ENTRY.7.255.255.255.255" "from inside not-accessible column 7"
	"$OID_ENTRY.8" "from the column OID of Age"
	"$OID_ENTRY.8.0" "from a partial index before the first row"
	"$OID_ENTRY.13.$mid.0" "from a gap (a row's OID plus .0)"
	"$OID_ENTRY.13.$mid_m.$((mid_metric + 1))" "from a gap (a row's index with metric + 1)"
	"$OID_ENTRY.13.${mid_next%.*}" "from a truncated index (14 subids)"
	"$OID_ENTRY.13.100" "from a partial index (1 subid)"
	"$OID_ENTRY.13.100.0.5" "from a partial index (3 subids)"
	"$OID_ENTRY.13.10.204.0.0.255.255.0.0" "from a partial index (8 subids)"
	"$OID_ENTRY.13.300" "from an IpAddress subid > 255"
	"$OID_ENTRY.13.10.300.1.1" "from a second IpAddress subid > 255"
	"$OID_ENTRY.13.4294967295" "from subid 4294967295"
	"$OID_ENTRY.13.10.204.0.0.255.255.0.0.10.3.0.7.99999" "from an ifindex subid beyond every row"
	"$OID_ENTRY.17.255.255.255.255.255.255.255.255.255.255.255.255.2147483647.4294967295.255.4294967295" "from beyond the last row of a column"
	"$OID_ENTRY.23.255.255.255.255.255.255.255.255.255.255.255.255.2147483647.4294967295.255.4294967295.0" "from beyond the last row, longer than an index"
	"$last_oid" "from the last OID of the table"
	"$OID_ENTRY.25" "from after the last column"
	"$OID_ENTRY.24.255" "from a partial index after the last row"
)
qs=()
for ((i = 0; i < ${#queries[@]}; i += 2)); do qs+=("${queries[i]}"); done
route_rows next --walk "$T/bulk.walk" "${qs[@]}" >"$T/next.expected" || not_ok "route_rows next"
i=0
while read -r q exp; do
	what=${queries[i + 1]}; i=$((i + 2))
	out=$(snmp_getnext "$q" 2>&1)
	got=$(echo "$out" | head -n 1 | cut -d' ' -f1)
	if [ "$exp" = END ]; then
		# past the table: anything outside cimIP4RouteEntry (or endOfMibView), never a row
		case "$got." in
		"$OID_ENTRY".*) not_ok "GETNEXT $what leaves the table"; diag "query $q" "got $out" ;;
		*) if echo "$out" | grep -q 'Timeout\|rror'; then not_ok "GETNEXT $what leaves the table"; diag "$out"
			else ok "GETNEXT $what leaves the table ($got)"; fi ;;
		esac
	elif [ "$got" = "$exp" ]; then
		ok "GETNEXT $what"
	else
		not_ok "GETNEXT $what"
		diag "query    $q" "expected $exp" "got      $out"
	fi
done <"$T/next.expected"
both_alive "GETNEXT boundaries"

# ---------------------------------------------------------------- other routeTables settings
for setting in "main" "100 local"; do
	stop_cimrouted TERM
	is "$STOP_STATUS" 0 "cimrouted exits 0 on SIGTERM before the restart with routeTables $setting"
	if [ "$setting" = main ]; then
		write_cimrouted_conf "# routeTables main is the default"
	else
		write_cimrouted_conf "routeTables $setting"
	fi
	ROUTE_TABLES=$setting
	start_cimrouted
	# the old registration must be gone before the new one counts
	wait_registered 20
	result $? "cimrouted registers again (routeTables $setting)"
	name=tables-${setting// /-}
	compare_kernel "walk equals the kernel's routes of table(s) '$setting'" "$name" \
		--install-date absent --max-age-since-ms "$CIMR_STARTED_MS"
	both_alive "routeTables $setting"
done

done_testing
