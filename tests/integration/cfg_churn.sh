#!/bin/bash
# cfg_churn.sh - randomized differential test of the writable adapter tables through real
# snmpset PDUs: cimNetAdapterTable (NetEnabled, NetConnectionID, Reset, SetPowerState),
# cimAdapterCfgTable (MTU, TcpipNetbiosOptions, the dynamic DNS registration, WINS servers,
# Action), cimAdapterCfgAddressTable (createAndGo/destroy/active, StorageType), the permit and
# IPX tables, cimDnsServerTable, cimDnsSuffixTable and the cimTcpip scalars (sysctls, fixed
# values, DNSDomain).
#
# One namespace: veth pairs va0/vb0, va1/vb1, va2/vb2 (vb2 a port of the bridge br0), vp/vq
# (vp protected: protectedInterfaces), vd/ve (IPv6 disabled on vd: the kernel refuses its IPv6
# addresses in ACTION, and UNDO must put back what the PDU applied before), its own resolver file (/etc/netns/NS/resolv.conf, as
# dns_set.sh). A seed (CIMR_CFGCHURN_SEED, printed) drives CIMR_CFGCHURN_ROUNDS rounds of
# PDUS PDUs of 1-5 varbinds (more with a StorageType or a duplicate), mixing tables and
# interfaces, many of them bad: wrong type or length, values out of range, no such ifindex,
# the protected interface, malformed addresses and prefix lengths, duplicate varbinds with
# the same or another value, DNS positions that exist or not. cfg_churn.py's model predicts
# from the state before each PDU whether it succeeds as a whole or fails as a whole (with the
# error status and index; any of them when several varbinds are bad), the state after
# (`ip -j link/addr/route`, sysctls, the resolver file, the state file of the saved
# addresses) and the LastMethod/LastResult columns (the WMI return codes) of every row and of
# cimTcpip. A failed PDU must change nothing but the refusal's record. Every third round
# changes links, addresses and sysctls from the shell between PDUs. On a difference: the
# round's PDUs with their answers and the differing items, and the test stops (the seed
# reproduces it). After the rounds, adcfg_rows.py compares the whole cimAdapterConfig arc
# with the kernel.

. "$(dirname "$0")/lib.sh"
itest_init cfgchurn
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

SEED=${CIMR_CFGCHURN_SEED:-20261203}
ROUNDS=${CIMR_CFGCHURN_ROUNDS:-12}
PDUS=${CIMR_CFGCHURN_PDUS:-8}
diag "seed $SEED (CIMR_CFGCHURN_SEED), $ROUNDS rounds (CIMR_CFGCHURN_ROUNDS) of $PDUS PDUs"

netns_resolv_conf '# cfg_churn resolver file' 'options ndots:2' 'nameserver 192.0.2.53' \
	'search first.example second.example'

# addresses stay when a link goes down (Disable, Reset), settle at once, and a primary's
# removal promotes a secondary: what the model knows
nsx sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
	net.ipv6.conf.default.keep_addr_on_down=1 net.ipv6.conf.all.keep_addr_on_down=1 \
	net.ipv4.conf.default.promote_secondaries=1 net.ipv4.conf.all.promote_secondaries=1 ||
	bail_out "cannot set the sysctls"
veth va0 vb0 10.20.0.1/24 && veth va1 vb1 10.21.0.1/24 && veth va2 vb2 && veth vp vq 10.22.0.1/24 &&
	nsx ip link add br0 type bridge && nsx ip link set vb2 master br0 && nsx ip link set br0 up &&
	nsx ip addr add 10.20.2.1/24 dev br0 && veth vd ve 10.23.0.1/24 &&
	nsx sysctl -qw net.ipv6.conf.vd.disable_ipv6=1 || bail_out "cannot build the topology"
write_cimrouted_conf "routeTables main" "protectedInterfaces vp"
start_snmpd || bail_out "snmpd did not start"
start_cimrouted
wait_registered 20 "$OID_COUNT" .1.3.6.1.4.1.32473.1.1.6.1.0 .1.3.6.1.4.1.32473.1.1.6.12.6.0 ||
	bail_out "cimrouted did not register"

IFX=$(nsx ip -j link show | python3 -c 'import json,sys; print(json.dumps({l["ifname"]: l["ifindex"] for l in json.load(sys.stdin)}))')
export NS AGENT T RESOLV=$RC STATEDIR=$T/state SEED ROUNDS PDUS IFX PROTECTED=vp
start=$SECONDS
tap_from "$ITDIR/cfg_churn.py"
diag "$ROUNDS rounds in $((SECONDS - start)) s"

# the whole arc against the kernel once the churn is over
ARC6=.1.3.6.1.4.1.32473.1.1.6
nsx ip -j -d link show >"$T/links.json" && nsx ip -j addr show >"$T/addrs.json" &&
	nsx ip -j -d -4 route show table main >"$T/r4.json" && nsx ip -j -d -6 route show table main >"$T/r6.json"
nsx sysctl net.ipv4.ip_default_ttl net.ipv4.tcp_keepalive_intvl net.ipv4.tcp_keepalive_time \
	net.ipv4.tcp_mtu_probing net.ipv4.ip_no_pmtu_disc net.ipv4.tcp_syn_retries \
	net.ipv4.tcp_retries2 net.ipv4.tcp_stdurg | sed 's/ = / /' >"$T/sysctls"
echo "hostname $(nsx uname -n)" >>"$T/sysctls"
# the LastMethod/LastResult the methods recorded and the StorageType of the addresses made
# here are the model's, checked after each PDU: here they read as before any method
# (adcfg_rows.py's view: no method, every address other(1))
nsx snmpbulkwalk -Cr50 "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$ARC6" 2>"$T/walk.err" |
	grep -Ev "^$ARC6\.(3\.1\.2[45]\.|12\.30\.0 )" |
	sed "s/^\($ARC6\.12\.29\.0 = \).*/\1INTEGER: 0/; s/^\($ARC6\.4\.1\.7\.[0-9.]* = \).*/\1INTEGER: 1/" >"$T/walk6"
python3 "$ITDIR/adcfg_rows.py" "$T/walk6" "$T/links.json" "$T/addrs.json" "$T/r4.json" "$T/r6.json" \
	"$RC" "$T/sysctls" >"$T/cmp6" 2>&1
result $? "after the churn, cimAdapterConfig equals the kernel and the resolver file" ||
	grep -v '^# compare:' "$T/cmp6" | head -n 30 | diag
both_alive "$ROUNDS rounds of SET churn"
done_testing
