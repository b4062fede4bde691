#!/bin/bash
# nexthops.sh - routes through nexthop objects (`ip nexthop`, as FRR 8+ installs them).
#
# Replacing a nexthop object makes the kernel announce the routes that use it; deleting
# one (or a group member) removes or changes its routes without a route message. Pass/fail:
# after each step the table equals `ip -j route` within 2 s, with the periodic re-dump off.

. "$(dirname "$0")/lib.sh"
itest_init nexthops
veth va vb 192.0.2.100/24 192.0.2.200/24 || bail_out "cannot build the veth topology"
nsx ip nexthop add id 1 via 192.0.2.1 dev va 2>/dev/null || skip_all "no nexthop objects in this kernel"
write_cimrouted_conf "routeTables main" "resyncInterval 0"
start_agents

STEP=0
step() { # text, commands...
	local text=$1; shift
	"$@" || not_ok "$text: command failed: $*"
	wait_compare 2 "$text" "nh$((++STEP))"
}
step "objects and routes using them" sh -c "
	ip netns exec $NS ip nexthop add id 2 via 192.0.2.2 dev va &&
	ip netns exec $NS ip nexthop add id 3 via 192.0.2.3 dev va &&
	ip netns exec $NS ip nexthop add id 10 group 2/3 &&
	ip netns exec $NS ip route add 10.1.0.0/24 nhid 1 &&
	ip netns exec $NS ip route add 10.2.0.0/24 nhid 2 proto bgp &&
	ip netns exec $NS ip route add 10.3.0.0/24 nhid 10 proto bgp"
step "replace an object: its route follows" nsx ip nexthop replace id 1 via 192.0.2.9 dev va
step "a new object changes nothing" nsx ip nexthop add id 4 via 192.0.2.4 dev va
step "delete a group member: the group's route loses a hop" nsx ip nexthop del id 3
step "delete an object: its route goes without a message" nsx ip nexthop del id 2
step "delete the last group member and the group" sh -c "ip netns exec $NS ip nexthop flush"
both_alive "after the nexthop steps"
done_testing
