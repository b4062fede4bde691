#!/bin/bash
# hostile.sh - malformed and hostile requests through snmpd under every arc of the MIB (issue 16).
#
# The world: veth va/vb (192.0.2.100/24, 2001:db8:16::100/64), a persisted IPv4 and an IPv6
# route, a nonVolatile address row, a gateway row and a ping row in progress (probes every
# second), so that every kind of table has a real row. cimrouted runs in a UTS namespace of its
# own (unshare --uts: nothing a SET could do reaches the host's name) with resolvedDir in the
# temp dir. hostile.py then sends CIMR_HOSTILE_N requests (default 1000; the figure in the README
# used 10,000), seed CIMR_ITEST_SEED: random OIDs under every arc (GET, GETNEXT, GETBULK), wrong
# types, out-of-range values, over-long strings, read-only and index columns, over-long and
# short indexes, SETs mixing tables (a valid persisted-route creation among bad varbinds), and
# corrupted datagrams (see hostile.py for the error each must get).
# For the AddressSanitizer run: CIMROUTED=/path/to/build-san/agent/cimrouted (both_alive fails
# on any sanitizer report in cimrouted's stderr).
# Pass/fail: every request answered with an error of its class (hostile.py's check, 0
# mismatches, 0 timeouts); both daemons alive, no sanitizer report; the kernel's routes,
# addresses and links, the UTS name and every state file byte-identical before and after.
# Figure line: `HOSTILE requests=N checked=K mismatches=M timeouts=T raw=R seconds=S`.

. "$(dirname "$0")/lib.sh"
[ "${CIMR_ITEST_MOCK:-0}" = 1 ] && skip_all "not for the mock"
itest_init hostile
needs unshare

N=${CIMR_HOSTILE_N:-1000}
SEED=${CIMR_ITEST_SEED:-$$}
R=.1.3.6.1.4.1.32473.1.1
P=$R.2.3.1; P6=$R.9.3.1; ADDR=$R.6.4.1; GW=$R.6.5.1; PE=$R.7.3.1

# no DAD: link-local addresses that finish it add local routes, a change the comparison would see
nsx sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
nsx ip -6 addr add 2001:db8:16::100/64 dev va nodad || bail_out "cannot add an IPv6 address"
IFA=$(nsx cat /sys/class/net/va/ifindex)
mkdir -p "$T/resolve"
write_snmpd_conf
write_cimrouted_conf "routeTables main" "resolvedDir $T/resolve"
start_snmpd || bail_out "snmpd does not start"
CIMR_WRAPPER="unshare --uts" start_cimrouted
wait_registered 30 "$OID_COUNT" "$PE.20.1.116.1.104" || bail_out "cimrouted does not register"
both_alive "start"

setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@" 2>&1; }
v6=32.1.13.184.0.22.0.0.0.0.0.0.0.0.0.0      # 2001:db8:16::
gw6=32.1.13.184.0.22.0.0.0.0.0.0.0.0.0.1     # 2001:db8:16::1
check "a persisted IPv4 route" setw "$P.12.10.50.0.0.255.255.0.0.192.0.2.1.5" i 4
check "a persisted IPv6 route" setw "$P6.13.32.1.13.184.0.23.0.0.0.0.0.0.0.0.0.0.48.$gw6.2.118.97.10" i 4
check "a nonVolatile address" setw "$ADDR.8.$IFA.1.4.192.0.2.50.24" i 4
check "a gateway" setw "$GW.6.$IFA.1.4.192.0.2.1.100" i 4
check "a ping row in progress" setw "$PE.19.1.116.1.104" i 4 "$PE.3.1.116.1.104" i 1 "$PE.4.1.116.1.104" x C0000264 \
	"$PE.35.1.116.1.104" u 1000 "$PE.36.1.116.1.104" u 1000

# one existing row of each table (its index), for the SETs aimed at real rows
rows() {
	local e o
	for e in $(python3 -c '
import sys; sys.path.insert(0, sys.argv[1]); import hostile
g = hostile.Gen(hostile.read_mib(sys.argv[2]), {}, 0)
print(" ".join(sorted(g.entries)))' "$ITDIR" "$TOP_SRCDIR/mibs/CIM-ROUTE-MIB.txt"); do
		o=$(nsx snmpgetnext "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" ".$e" 2>/dev/null | cut -d' ' -f1)
		# .ENTRY.COLUMN.INDEX: the index
		case $o in ".$e".*.*) o=${o#".$e".}; echo "$e ${o#*.}" ;; esac
	done
	echo "__gateway 192.0.2.1"
}
rows >"$T/rows"
diag "tables with a row: $(($(wc -l <"$T/rows") - 1))"

snap() {
	nsx ip -j -d route show table all; nsx ip -6 -j -d route show table all | sed 's/"expires":[0-9]*,//g'
	nsx ip -j addr show | sed 's/"\(valid\|preferred\)_life_time":[0-9]*,//g'; nsx ip -j link show
	nsenter -t "$CIMR_PID" -u hostname
	(cd "$T/state" && for f in *; do echo "== $f"; cat "$f"; done)
}
snap >"$T/before"
t0=$(now_ms)
out=$(nsx python3 "$ITDIR/hostile.py" "$TOP_SRCDIR/mibs/CIM-ROUTE-MIB.txt" "$AGENT" "$N" "$SEED" "$T/rows")
rc=$?
secs=$((($(now_ms) - t0) / 1000))
result $rc "$N hostile requests (seed $SEED): each answered with the error of its class"
echo "$out" | diag
both_alive "$N hostile requests"
snap >"$T/after"
if cmp -s "$T/before" "$T/after"; then
	ok "kernel routes, addresses, links, UTS name and state files byte-identical after the $N requests"
else
	not_ok "kernel routes, addresses, links, UTS name and state files byte-identical after the $N requests"
	diff "$T/before" "$T/after" | head -n 20 | diag
fi
get_val "$PE.20.1.116.1.104" | grep -q 'INTEGER: 2'
result $? "the ping row is still in progress"
line=$(echo "$out" | head -n 1)
set -- $line
diag "HOSTILE requests=$N checked=${4%,} mismatches=${6%,} timeouts=${8%,} raw=${10%,} unparsable=${12} seconds=$secs build=$CIMROUTED"
done_testing
