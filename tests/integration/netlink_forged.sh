#!/bin/bash
# netlink_forged.sh - route messages that do not come from the kernel are dropped (issue 9,
# item 4).
#
# A process with CAP_NET_ADMIN can send a netlink datagram to another socket's port id, or to
# a multicast group that socket joined. The test sends a forged RTM_NEWROUTE (for a route the
# kernel does not have) from a netlink socket of its own: a. as a unicast to the daemon's
# event socket (its port id found in /proc/net/netlink through the daemon's socket inodes),
# b. to the RTNLGRP_IPV4_ROUTE group. After each it adds a real route and waits for it to
# show: the count must have grown by exactly one (the events arrive in order on the one
# socket), the forged route must have no row in cimIP4RouteTable, and the log must say that
# messages not sent by the kernel were dropped.

. "$(dirname "$0")/lib.sh"
[ "${CIMR_ITEST_MOCK:-0}" = 1 ] && skip_all "the mock subagent reads no netlink"
itest_init nlforged

veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
write_cimrouted_conf "routeTables main"
start_agents

# event_port: the port id of the daemon's netlink socket that joined groups (the event socket)
event_port() {
	local inodes
	inodes=$(ls -l "/proc/$CIMR_PID/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
	nsx cat /proc/net/netlink | awk -v inodes=" $inodes" '
		NR > 1 && $2 == 0 && $4 != "00000000" && index(inodes, " " $NF " ") { print $3; exit }'
}

# forge PORT GROUPS DST/LEN GATEWAY IFINDEX: send an RTM_NEWROUTE from a socket of our own
forge() {
	nsx python3 - "$@" <<'EOF'
import socket, struct, sys
port, groups = int(sys.argv[1]), int(sys.argv[2])
dst, plen = sys.argv[3].split("/")
gw, oif = sys.argv[4], int(sys.argv[5])
def rta(kind, data):
    n = 4 + len(data)
    return struct.pack("HH", n, kind) + data + b"\0" * (-n % 4)
# rtmsg: family, dst_len, src_len, tos, table, protocol (static), scope (universe), type (unicast), flags
body = struct.pack("BBBBBBBBI", socket.AF_INET, int(plen), 0, 0, 254, 4, 0, 1, 0)
body += rta(1, socket.inet_aton(dst)) + rta(5, socket.inet_aton(gw)) + rta(4, struct.pack("i", oif))
body += rta(15, struct.pack("I", 254))
msg = struct.pack("IHHII", 16 + len(body), 24, 0, 0, 0) + body  # RTM_NEWROUTE, nlmsg_pid 0
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.bind((0, 0))
s.sendto(msg, (port, groups))
EOF
}

PORT_EV=$(event_port)
if [ -n "$PORT_EV" ]; then ok "the daemon's event socket has port id $PORT_EV"; else
	not_ok "the daemon's event socket is found in /proc/net/netlink"
	nsx cat /proc/net/netlink | diag; ls -l "/proc/$CIMR_PID/fd" | diag
fi
IFX=$(nsx cat /sys/class/net/va/ifindex)

# case TEXT PORT GROUPS FORGED REAL: forge a route, add a real one, check the table
case_forged() {
	local text=$1 port=$2 groups=$3 forged=$4 real=$5 before after
	before=$(get_count)
	if ! forge "$port" "$groups" "$forged" 192.0.2.1 "$IFX"; then
		not_ok "$text: the forged message is sent"
		return
	fi
	nsx ip route add "$real" via 192.0.2.1
	wait_until 5 eval '[ "$(row_state "$(index_of "$real" 192.0.2.1 va 254 0 0)")" = present ]'
	result $? "$text: the real route added after it shows in the table"
	after=$(get_count)
	is "$after" $((before + 1)) "$text: the route count grew by exactly one (the real route)"
	is "$(row_state "$(index_of "$forged" 192.0.2.1 va 254 0 0)")" absent \
		"$text: the forged route has no row in cimIP4RouteTable"
	nsx ip -4 route show "$forged" | grep -q . && not_ok "$text: the kernel has no such route" ||
		ok "$text: the kernel has no such route"
	both_alive "$text"
}

case_forged "a. unicast to the event socket" "${PORT_EV:-1}" 0 10.66.0.0/16 10.67.0.0/16
# RTNLGRP_IPV4_ROUTE is group 7: bit 6 of the legacy group mask
case_forged "b. to the IPv4 route group" 0 64 10.68.0.0/16 10.69.0.0/16
line=$(grep -m1 'not sent by the kernel' "$T/cimrouted.log")
if [ -n "$line" ]; then ok "the log says that messages not sent by the kernel were dropped"; diag "$line"
else not_ok "the log says that messages not sent by the kernel were dropped"; fi

done_testing
