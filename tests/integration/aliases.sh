#!/bin/bash
# aliases.sh - routes that share a kernel key (ip route prepend / append / replace)
# and routes that share an index (append of another type) are mirrored as the kernel
# holds them.
#
# Linux keeps several routes with the same table, destination, tos and metric when they
# are added with `ip route prepend` or `ip route append`; a `replace` then replaces only
# the first. Pass/fail: after each step the whole table equals `ip -j route` (route_rows.py;
# of routes sharing an index the first, which the kernel uses, is the row), within 2 s.

. "$(dirname "$0")/lib.sh"
itest_init aliases
veth va vb 192.0.2.100/24 192.0.2.200/24 || bail_out "cannot build the veth topology"
write_cimrouted_conf "routeTables main" "resyncInterval 0"
start_agents

step() { # text, commands...: run, then compare
	local text=$1; shift
	"$@" || not_ok "$text: command failed: $*"
	wait_compare 2 "$text" "step$((++STEP))"
}
STEP=0
step "a route" nsx ip route add 10.1.0.0/24 via 192.0.2.1
step "prepend: both routes stay" nsx ip route prepend 10.1.0.0/24 via 192.0.2.2
step "append: three routes" nsx ip route append 10.1.0.0/24 via 192.0.2.3
step "replace of the first of three" nsx ip route replace 10.1.0.0/24 via 192.0.2.9
step "delete one of them" nsx ip route del 10.1.0.0/24 via 192.0.2.3
step "append then replace" sh -c "ip netns exec $NS ip route add 10.6.0.0/24 via 192.0.2.1 &&
	ip netns exec $NS ip route append 10.6.0.0/24 via 192.0.2.2 &&
	ip netns exec $NS ip route replace 10.6.0.0/24 via 192.0.2.3"
step "blackhole, then unreachable appended with the same index" sh -c "
	ip netns exec $NS ip route add blackhole 10.2.0.0/24 &&
	ip netns exec $NS ip route append unreachable 10.2.0.0/24"
step "delete the blackhole: the unreachable route shows" nsx ip route del blackhole 10.2.0.0/24
step "blackhole with a source address has no next hop" nsx ip route add blackhole 10.20.0.0/24 src 192.0.2.100
step "flush the prefix" nsx ip route flush 10.1.0.0/24
both_alive "after the alias steps"
done_testing
