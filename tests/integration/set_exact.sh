#!/bin/bash
# set_exact.sh - SETs that re-create a route re-create it exactly (issue 9, item 7).
#
# Topology: veth va/vb, 192.0.2.100/24 on va (and its IPv6 link-local address).
# Routes added by hand, with what the mirror's 32-byte entry does not hold:
#   R1 10.70.0.0/24 via 192.0.2.1 src 192.0.2.100 mtu 1400 advmss 1300 realm 5, proto static
#   R2 10.71.0.0/24 via inet6 fe80::1 dev va (RFC 5549), proto static
# Cases:
#   a. Description of R1 shows "src 192.0.2.100" (a route with a gateway and a preferred source).
#   b. a metric change of R1 (3 -> 30): the kernel's route at metric 30 has every attribute
#      of the old one (src, mtu, advmss, realm, proto static); the old one is gone.
#   c. a metric change of R2 (4 -> 40): still "via inet6 fe80::1", not an on-link route.
#   d. an undone destroy (the same SET has a persisted row whose state file cannot be
#      written: commitFailed) brings R3 (made as R1, metric 6) back byte-identical in
#      `ip route show`.
#   e. an undone metric change (same trick) leaves R3 byte-identical too.
# Both daemons alive after every case.

. "$(dirname "$0")/lib.sh"
itest_init set_exact
veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
write_cimrouted_conf "routeTables main"
start_agents

IFA=$(nsx cat /sys/class/net/va/ifindex)
P=.1.3.6.1.4.1.32473.1.1.2.3.1 # cimIP4PersistedRouteEntry
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 10 -r 0 "$AGENT" "$@" 2>&1; }
idx() { echo "$1.$2.$3.$IFA.254.0.$4"; }
show() { nsx ip -4 route show "$@"; }
desc() { snmp_get "$OID_ENTRY.10.$1" | python3 -c '
import sys
v = sys.stdin.read().split("= ", 1)[1].strip()
if v.startswith("Hex-STRING:"):
    print(bytes.fromhex(v[len("Hex-STRING:"):].replace("\n", " ")).decode("latin-1"))
else:
    print(v.split(":", 1)[1].strip().strip("\""))'; }
has_ll() { nsx ip -6 addr show dev va scope link | grep -q fe80; }

nsx ip route add 10.70.0.0/24 via 192.0.2.1 src 192.0.2.100 mtu 1400 advmss 1300 realm 5 \
	metric 3 proto static || bail_out "cannot add R1"
wait_until 5 has_ll ||
	diag "va has no link-local address"
R2OK=1
nsx ip route add 10.71.0.0/24 via inet6 fe80::1 dev va metric 4 proto static 2>"$T/r2.err" ||
	{ R2OK=0; diag "cannot add R2: $(cat "$T/r2.err")"; }
R1=$(idx 10.70.0.0 255.255.255.0 192.0.2.1 3)
wait_until 5 snmp_get "$OID_ENTRY.10.$R1" >/dev/null

# ------------------------------------------------------------------ a. Description
d=$(desc "$R1")
case $d in *" src 192.0.2.100"*) ok "a. Description shows the preferred source: $d" ;;
*) not_ok "a. Description shows the preferred source"; diag "got: $d" ;; esac

# ------------------------------------------------------------------ b. metric change of R1
before=$(show 10.70.0.0/24 metric 3)
out=$(setw "$OID_ENTRY.13.$R1" i 30)
result $? "b. the metric change succeeds"
after=$(show 10.70.0.0/24 metric 30)
is "$after" "${before/metric 3 /metric 30 }" "b. the route at metric 30 has every attribute of the old one"
is "$(show 10.70.0.0/24 metric 3)" "" "b. the old route is gone"
R1=$(idx 10.70.0.0 255.255.255.0 192.0.2.1 30)
both_alive "b. metric change with src, mtu, advmss, realm"

# ------------------------------------------------------------------ c. metric change of R2
if [ $R2OK -eq 1 ]; then
	R2=$(idx 10.71.0.0 255.255.255.0 0.0.0.0 4)
	before=$(show 10.71.0.0/24)
	out=$(setw "$OID_ENTRY.13.$R2" i 40)
	result $? "c. the metric change of a route via inet6 succeeds"
	[ $? -eq 0 ] || diag "$out"
	is "$(show 10.71.0.0/24)" "${before/metric 4/metric 40}" "c. still via inet6 fe80::1, at metric 40"
	both_alive "c. metric change of a route via inet6"
else
	skip "c. metric change of a route via inet6" "the kernel refused the route"
fi

# ------------------------------------------------------------------ d, e. undone SETs
PBAD=10.90.0.0.255.255.0.0.192.0.2.1.5
nsx ip route add 10.72.0.0/24 via 192.0.2.1 src 192.0.2.100 mtu 1400 advmss 1300 realm 5 \
	metric 6 proto static
R3=$(idx 10.72.0.0 255.255.255.0 192.0.2.1 6)
wait_until 5 snmp_get "$OID_ENTRY.10.$R3" >/dev/null
mkdir "$T/state/persisted-routes.tmp" # the state file cannot be written
before=$(show table all)
out=$(setw "$OID_ENTRY.24.$R3" i 6 "$P.12.$PBAD" i 4)
echo "$out" | grep -q 'Reason: commitFailed'
result $? "d. a destroy in a SET that fails later: commitFailed"
is "$(show table all)" "$before" "d. R3 is back, byte-identical (src, mtu, advmss, realm)"
out=$(setw "$OID_ENTRY.13.$R3" i 31 "$P.12.$PBAD" i 4)
echo "$out" | grep -q 'Reason: commitFailed'
result $? "e. a metric change in a SET that fails later: commitFailed"
is "$(show table all)" "$before" "e. the route is unchanged, byte-identical"
rmdir "$T/state/persisted-routes.tmp"
both_alive "d, e. undone SETs"

done_testing
