#!/bin/bash
# cimq_calls.sh - randomized differential test of cimq's writes and WMI method calls.
#
# One namespace: veth pairs va0/vb0 (10.20.0.1/24), va1/vb1 (10.21.0.1/24) and vp/vq
# (10.22.0.1/24, protected: protectedInterfaces), its own resolver file
# (/etc/netns/NS/resolv.conf). A seed (CIMR_CQCALLS_SEED, printed) drives CIMR_CQCALLS_CALLS
# random cimq statements, good and bad, as a WMI user makes them: Win32_NetworkAdapterConfiguration
# methods (EnableStatic, SetGateways, SetDNSServerSearchOrder, SetDNSSuffixSearchOrder,
# SetDefaultTTL, SetMTU) with arrays of 0..6 elements, arrays of different lengths, bad
# addresses, masks and metrics, optional parameters left out, unknown parameters, elements
# twice; Win32_NetworkAdapter's Enable, Disable, SetPowerState and the NetConnectionID write;
# CREATE and DELETE of Win32_IP4RouteTable and Win32_IP4PersistedRouteTable rows; on the
# protected link, on absent instances, instances named by Index, InterfaceIndex or DeviceID;
# the static methods (SetDefaultTTL, SetDNSSuffixSearchOrder) also with a WHERE naming an instance.
# cimq_calls.py's model (WMI's documented semantics, cimq(1), the README) predicts each
# statement's exit status, the ReturnValue printed and its effect; the truth is read after it
# from the kernel (ip -j link/addr/route, the TTL sysctl, the resolver file, the state files)
# and must equal the prediction; a refused statement must change nothing. After each
# statement a SELECT of the instances it names through cimq must show what the kernel has.
# On a difference the test stops (the seed reproduces it).

. "$(dirname "$0")/lib.sh"
itest_init cqcalls
. "$ITDIR/cimq_lib.sh"
cimq_require

SEED=${CIMR_CQCALLS_SEED:-20261203}
CALLS=${CIMR_CQCALLS_CALLS:-80}
diag "seed $SEED (CIMR_CQCALLS_SEED), $CALLS statements (CIMR_CQCALLS_CALLS)"

NSDIR=/etc/netns/$NS
[ -e "$NSDIR" ] && bail_out "$NSDIR exists already"
trap 'rc=$?; rm -rf "$NSDIR"; (exit $rc); _itest_cleanup' EXIT
mkdir -p "$NSDIR" && printf '%s\n' 'nameserver 192.0.2.53' 'search first.example' >"$NSDIR/resolv.conf" ||
	bail_out "cannot make $NSDIR"
# addresses stay when a link goes down and a primary's removal promotes a secondary
nsx sysctl -qw net.ipv6.conf.default.keep_addr_on_down=1 net.ipv6.conf.all.keep_addr_on_down=1 \
	net.ipv4.conf.default.promote_secondaries=1 net.ipv4.conf.all.promote_secondaries=1 ||
	bail_out "cannot set the sysctls"
veth va0 vb0 10.20.0.1/24 && veth va1 vb1 10.21.0.1/24 && veth vp vq 10.22.0.1/24 ||
	bail_out "cannot build the topology"
write_cimrouted_conf "routeTables main" "protectedInterfaces vp"
start_agents

IFX=$(nsx ip -j link show | jq -c '[.[] | {(.ifname): .ifindex}] | add')
export NS AGENT T RESOLV=$NSDIR/resolv.conf STATEDIR=$T/state SEED CALLS IFX PROTECTED=vp \
	CIMQ CQ_MIBDIRS CQ_MAP="$TOP_SRCDIR/mof-map/map.tsv"
start=$SECONDS
tap_from "$ITDIR/cimq_calls.py"
diag "$CALLS statements in $((SECONDS - start)) s"
both_alive "$CALLS cimq statements"
done_testing
