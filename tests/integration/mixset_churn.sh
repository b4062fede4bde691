#!/bin/bash
# mixset_churn.sh - randomized differential test of "a SET is all or nothing, across every
# writable table": random SETs of 2 to 8 varbinds that mix rows of several writable tables in
# one PDU (cimIP4RouteTable, cimIP6RouteTable, both persisted route tables, cimNetAdapterTable
# Enable/Disable/alias/Reset, cimAdapterCfgTable SetMTU/SetIPConnectionMetric,
# cimAdapterCfgAddressTable EnableStatic, cimAdapterCfgGatewayTable SetGateways and
# cimDnsServerTable on a resolver file of the test's), against a model (mixset_churn.py) and
# the kernel.
#
# One namespace: veth va0 (10.41.0.1/24, 2001:db8:41::1/64, a default route via 10.41.0.254
# metric 100 proto static), va1 (10.42.0.1/24, 2001:db8:42::1/64), vd (10.43.0.1/24, IPv6
# disabled by sysctl: the kernel refuses an IPv6 address or route there in ACTION; an address
# there while its MTU is below 1280 is refused in RESERVE2, ipNotEnabled(84)), vp
# (10.44.0.1/24, protectedInterfaces), keep_addr_on_down and promote_secondaries on, and its
# own resolver file (/etc/netns/NS/resolv.conf). A seed (printed; MIXSET_SEED overrides it)
# drives MIXSET_ROUNDS rounds (60) of one SET each, built from random pieces: good ones, ones
# refused in RESERVE1 (wrong type or value, noCreation, a read-only column), ones refused in
# RESERVE2 (inconsistentValue, inconsistentName, noAccess) and ones the kernel refuses in
# ACTION (IPv6 on vd: commitFailed). The model predicts the SET's answer: noError, or the
# status and index of the first refused piece in the phase that refuses it (RESERVE1 before
# RESERVE2 before ACTION; ACTION runs the tables in the order they first appear, a
# Disable()/Reset()/MTU<1280 after every other row, commit c35c558).
# Checked after each SET:
#   - refused: `ip -j link`, `ip -j addr`, `ip -j route show table all` of both families
#     (normalized), the state files and the resolver file exactly as before; status and
#     failed index as predicted; LastMethod/LastResult of every adapter as the model says (the
#     refused method's code recorded, the rest as before); the one exception, modelled: an IPv6
#     address destroyed on a link that is down comes back no longer tentative, with its local
#     route (README, Limits);
#   - noError: links (up, MTU, alias), addresses, the routes of table main that are not the
#     kernel's own, the state files' lines and the resolver's servers as the model predicts
#     (a Disable() drops the routes through the link, those this SET added included; persisted
#     routes come back when it comes up); LastMethod/LastResult as predicted; walks of the
#     route tables' RowStatus, the persisted tables and the address table agree with the kernel.
# A failure prints the round, the PDU (varbinds as snmpset takes them), the prediction, the
# answer and the difference; MIXSET_SEED=S MIXSET_ROUNDS=N reproduces it.

. "$(dirname "$0")/lib.sh"
itest_init mixset
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

SEED=${MIXSET_SEED:-$(date +%s)}
ROUNDS=${MIXSET_ROUNDS:-60}
diag "seed $SEED (MIXSET_SEED), $ROUNDS rounds (MIXSET_ROUNDS)"

netns_resolv_conf '# mixset_churn resolver file' 'options ndots:2' 'nameserver 192.0.2.53' \
	'nameserver 192.0.2.54' 'search first.example'

nsx sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
	net.ipv6.conf.default.router_solicitations=0 \
	net.ipv6.conf.default.keep_addr_on_down=1 net.ipv6.conf.all.keep_addr_on_down=1 \
	net.ipv4.conf.default.promote_secondaries=1 net.ipv4.conf.all.promote_secondaries=1 ||
	bail_out "cannot set the sysctls"
veth va0 vb0 10.41.0.1/24 && veth va1 vb1 10.42.0.1/24 && veth vd ve 10.43.0.1/24 &&
	veth vp vq 10.44.0.1/24 && nsx sysctl -qw net.ipv6.conf.vd.disable_ipv6=1 &&
	nsx ip -6 addr add 2001:db8:41::1/64 dev va0 nodad && nsx ip -6 addr add 2001:db8:42::1/64 dev va1 nodad &&
	nsx ip route add default via 10.41.0.254 dev va0 metric 100 proto static ||
	bail_out "cannot build the topology"
# an MTU below 1280 takes vd's IPv6 state away, and the kernel makes it anew from the defaults
# when the MTU comes back: IPv6 must stay disabled there
nsx sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || bail_out "cannot disable IPv6 by default"
write_cimrouted_conf "routeTables main" "protectedInterfaces vp"
start_agents
wait_registered 20 "$OID_COUNT" .1.3.6.1.4.1.32473.1.1.6.1.0 ||
	bail_out "the adapter tables did not register"

export NS AGENT T RESOLV=$RC STATEDIR=$T/state SEED ROUNDS
start=$SECONDS
tap_from "$ITDIR/mixset_churn.py"
diag "$ROUNDS rounds in $((SECONDS - start)) s"
both_alive "$ROUNDS mixed SETs"
done_testing
