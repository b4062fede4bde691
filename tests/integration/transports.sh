#!/bin/bash
# transports.sh - the same rows over every way a manager reaches the master.
#
# Walks of cimIP4RouteTable over SNMPv2c/UDP/IPv4 (the reference, compared with the kernel by
# route_rows.py), v2c/UDP/IPv6 [::1], v2c/TCP, v1 (GETNEXT), and SNMPv3 authPriv (SHA/AES)
# over UDP and TCP must give identical rows and values (route_rows.py diffwalk; Age may move
# by the seconds between walks). A wrong v3 authentication or privacy password, a v3 request
# below the required security level and an unknown community must get no table values.
# Both daemons must be alive after every case.

. "$(dirname "$0")/lib.sh"
itest_init transports

veth va0 vb0 10.1.0.1/24 10.1.0.2/24 &&
	veth va1 vb1 10.2.0.1/24 10.2.0.2/24 || bail_out "cannot build the veth topology"
{
	for i in $(seq 1 60); do echo "route add 172.31.$i.0/24 via 10.$((i % 2 + 1)).0.$((i + 10)) proto $((i % 5 + 1)) metric $i"; done
	echo "route add 172.30.0.0/16 proto ospf nexthop via 10.1.0.9 dev va0 nexthop via 10.2.0.9 dev va1"
	echo "route add prohibit 172.29.0.0/16"
} >"$T/routes.batch"
nsx ip -batch "$T/routes.batch" || bail_out "cannot load routes"

write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
ROUTE_TABLES=main
start_cimrouted
wait_registered 20
result $? "cimrouted registers with the master"
both_alive "start"

REF_MS=$(now_ms)
compare_kernel "v2c over UDP/IPv4: table equals the kernel's" ref --install-date absent
cp "$T/ref.walk" "$T/walk.ref"
both_alive "v2c/udp walk"

slack() { echo $((($(now_ms) - REF_MS) / 1000 + 2)); }

# same_as_ref TEXT NAME KIND ARGS...: walk with ARGS and compare with the reference walk
same_as_ref() {
	local text=$1 name=$2 kind=$3 out; shift 3
	if ! walk_table "$T/walk.$name" "$kind" "$@"; then
		not_ok "$text"
		return
	fi
	out=$(route_rows diffwalk --age-slack "$(slack)" "$T/walk.ref" "$T/walk.$name" 2>&1)
	result $? "$text"
	echo "$out" | sed 's/^# //' | head -n 15 | diag
}

if nsx sh -c 'ip -6 addr show dev lo | grep -q "inet6 ::1"'; then
	same_as_ref "v2c over UDP/IPv6 [::1]: same rows" udp6 bulk "${V2[@]}" "udp6:[::1]:$PORT"
else
	skip "v2c over UDP/IPv6 [::1]: same rows" "no ::1 in the namespace (IPv6 disabled)"
fi
both_alive "v2c/udp6 walk"

same_as_ref "v2c over TCP: same rows" tcp bulk "${V2[@]}" "tcp:127.0.0.1:$PORT"
both_alive "v2c/tcp walk"

same_as_ref "v1 (GETNEXT walk): same rows" v1 next -v1 -c public "$AGENT"
both_alive "v1 walk"

same_as_ref "v3 authPriv SHA/AES over UDP: same rows" v3udp bulk "${V3[@]}" "$AGENT"
both_alive "v3/udp walk"

same_as_ref "v3 authPriv SHA/AES over TCP: same rows" v3tcp bulk "${V3[@]}" "tcp:127.0.0.1:$PORT"
both_alive "v3/tcp walk"

# refused_walk TEXT ARGS...: the request gets no table value (error or timeout)
refused_walk() {
	local text=$1 out rc; shift
	out=$(timeout 30 ip netns exec "$NS" snmpbulkwalk "${SNMP_OPTS[@]}" -t 1 -r 0 "$@" "$OID_TABLE" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && ! echo "$out" | grep -q "^$OID_ENTRY\."; then
		ok "$text"
		diag "exit status $rc: $(echo "$out" | head -n 1)"
	else
		not_ok "$text"
		diag "exit status $rc" "$(echo "$out" | head -n 5)"
	fi
}

refused_walk "v3 with a wrong authentication password is refused" \
	-v3 -l authPriv -u "$V3USER" -a SHA -A "wrong-$V3AUTH" -x AES -X "$V3PRIV" "$AGENT"
out=$(nsx snmpget "${SNMP_OPTS[@]}" -t 1 -r 0 -v3 -l authPriv -u "$V3USER" -a SHA -A "wrong-$V3AUTH" \
	-x AES -X "$V3PRIV" "$AGENT" "$OID_COUNT" 2>&1)
case $out in *"Authentication failure"*) ok "the wrong v3 password is reported as an authentication failure" ;;
*) not_ok "the wrong v3 password is reported as an authentication failure"; diag "$out" ;; esac
both_alive "wrong v3 auth password"
refused_walk "v3 with a wrong privacy password gets no values" \
	-v3 -l authPriv -u "$V3USER" -a SHA -A "$V3AUTH" -x AES -X "wrong-$V3PRIV" "$AGENT"
both_alive "wrong v3 priv password"
refused_walk "v3 authNoPriv is below the user's required level and gets no values" \
	-v3 -l authNoPriv -u "$V3USER" -a SHA -A "$V3AUTH" "$AGENT"
both_alive "v3 authNoPriv"
refused_walk "an unknown v3 user gets no values" \
	-v3 -l authPriv -u nosuchuser -a SHA -A "$V3AUTH" -x AES -X "$V3PRIV" "$AGENT"
both_alive "unknown v3 user"
refused_walk "an unknown community gets no values" -v2c -c notpublic "$AGENT"
both_alive "unknown community"

# the table is still the same after all the refused requests
same_as_ref "v2c over UDP/IPv4 again: same rows as at first" again bulk "${V2[@]}" "$AGENT"
both_alive "final walk"

done_testing
