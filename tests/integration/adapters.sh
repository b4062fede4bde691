#!/bin/bash
# adapters.sh - cimNetworkAdapter (Win32_NetworkAdapter) equals the kernel's links (issue 12).
#
# A namespace with links of several kinds: lo, a veth pair, a bridge with a veth port, a link
# with an alias, one administratively down, one up without carrier (its peer is down).
# adapter_rows.py compares every row and column of cimNetAdapterTable, both array tables
# (NetworkAddresses, PowerManagementCapabilities) and cimNetAdapterCount with `ip -j -d link`,
# sysfs and `ethtool` (when installed). Then, each time compared again until equal: link down
# and up, carrier loss, operstate dormant, rename, MTU, alias set and removed, a new hardware
# address, a bridge port leaving its bridge and joining it again, the Speed of a bridge and of
# a vxlan on it when a port comes up, leaves, joins and is deleted, a link added
# (InstallDate) and deleted; cimNetAdapterLastChange moves with each change; a master restart;
# a netlink overrun (a tiny event buffer and a burst of link changes, a new link among them,
# while cimrouted is stopped: the device facts of the new link come from the re-dump). The
# writes (the methods) are adapter_set.sh's. Both daemons alive after each case.

. "$(dirname "$0")/lib.sh"
itest_init adapters
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

ARC=.1.3.6.1.4.1.32473.1.1.5
ROWS=$ITDIR/adapter_rows.py

veth va0 vb0 && veth vc0 vd0 && veth ve0 vf0 && veth vg0 vh0 || bail_out "cannot build the veths"
nsx ip link add br0 type bridge && nsx ip link set vc0 master br0 && nsx ip link set br0 up ||
	bail_out "cannot build the bridge"
nsx ip link set va0 alias "uplink" && nsx ip link set ve0 down && nsx ip link set vh0 down ||
	bail_out "cannot set the links up"
command -v ethtool >/dev/null || diag "ethtool not installed: AutoSense and MaxSpeed not compared"

names() { nsx ip -j link | python3 -c 'import json,sys; print(",".join(l["ifname"] for l in json.load(sys.stdin)))'; }
walk() { nsx snmpbulkwalk "${V2[@]}" "${SNMP_OPTS[@]}" -Cr50 "$AGENT" "$ARC" >"$T/walk" 2>&1; }
equal() { walk && nsx python3 "$ROWS" "$T/walk" --old "$OLD" >"$T/diff" 2>&1; }
# compare TEXT: the walk equals the kernel within 5 s
compare() {
	if wait_for equal; then
		ok "$1 (${WAITED_MS} ms)"
	else
		not_ok "$1"
		diag <"$T/diff"
	fi
}
last_change() { get_val "$ARC.2.0"; }
# changed TEXT CMD...: CMD changes the links; the walk follows and LastChange moves
changed() {
	local text=$1 before; shift
	before=$(last_change)
	sleep 0.15   # DateAndTime has deci-seconds
	"$@" || { not_ok "$text: $*"; return; }
	compare "$text"
	[ "$(last_change)" != "$before" ] && ok "$text: cimNetAdapterLastChange moved" ||
		not_ok "$text: cimNetAdapterLastChange moved"
}

start_snmpd || bail_out "snmpd did not start"
OLD=$(names)
start_cimrouted
wait_registered 10 || bail_out "cimrouted did not register"
compare "the adapter tables equal the kernel's links at start"
ix=$(nsx cat /sys/class/net/va0/ifindex)
is "$(get_str "$ARC.3.1.24.$ix")" "uplink" "NetConnectionID of va0 is its alias"
is "$(get_str "$ARC.3.1.23.$ix")" "va0" "Name of va0 (no device) is its name"
both_alive "start"

changed "link down" nsx ip link set va0 down
changed "link up" nsx ip link set va0 up
changed "carrier loss (peer down)" nsx ip link set vb0 down
changed "carrier back" nsx ip link set vb0 up
# link mode dormant: the carrier comes back as operstate DORMANT (802.1X pending)
bounce() { nsx ip link set va0 mode "$1" && nsx ip link set vb0 down && nsx ip link set vb0 up; }
changed "dormant (link mode dormant)" bounce dormant
ix=$(nsx cat /sys/class/net/va0/ifindex)
get_val "$ARC.3.1.25.$ix" | grep -Eq '(: |\()8\)?$' &&
	ok "NetConnectionStatus of a dormant link is authenticating(8)" ||
	not_ok "NetConnectionStatus of a dormant link is authenticating(8)"
changed "dormant no more" bounce default
rename() { nsx ip link set vg0 down && nsx ip link set vg0 name vg9 && nsx ip link set vg9 up && OLD=$OLD,vg9; }
changed "rename" rename
changed "MTU" nsx ip link set va0 mtu 9000
changed "alias set" nsx ip link set vb0 alias "lan side"
changed "alias removed" nsx ip link set va0 alias ""
changed "new hardware address" nsx ip link set vd0 address 02:00:00:00:00:aa
changed "a bridge port leaves its bridge" nsx ip link set vc0 nomaster
changed "and joins it again" nsx ip link set vc0 master br0
# A bridge's Speed is its fastest running port's, a vxlan's its lower link's: a port that comes
# up changes both without a message of theirs (the kernel sends none for br1 or vx1).
nsx ip link add br1 type bridge && nsx ip link set br1 up && veth vp0 vq0 && nsx ip link set vp0 down &&
	nsx ip link set vp0 master br1 || bail_out "cannot build the portless bridge"
if nsx ip link add vx1 type vxlan id 42 dev br1 dstport 4789 2>/dev/null; then
	nsx ip link set vx1 up
else
	diag "no vxlan here: only the bridge's Speed followed"
fi
changed "a port of a bridge (and of the vxlan on it) comes up" nsx ip link set vp0 up
ix=$(nsx cat /sys/class/net/br1/ifindex)
get_val "$ARC.3.1.33.$ix" | grep -q "Counter64: 10000000000" && ok "the bridge's Speed is its new port's" ||
	not_ok "the bridge's Speed is its new port's"
changed "the port leaves the bridge" nsx ip link set vp0 nomaster
changed "and joins it again, up" nsx ip link set vp0 master br1
changed "the port is deleted" nsx ip link del vp0
changed "a link added" veth vx0 vy0
ix=$(nsx cat /sys/class/net/vx0/ifindex)
get_val "$ARC.3.1.16.$ix" | grep -q "Hex-STRING" && ok "a new link has an InstallDate" ||
	not_ok "a new link has an InstallDate"
changed "a link deleted" nsx ip link del vx0
both_alive "the changes"

# The methods (writes) are adapter_set.sh's.

# A master restart: the subagent reconnects, the tables are whole.
stop_snmpd
start_snmpd || bail_out "snmpd did not restart"
wait_registered 30 || bail_out "cimrouted did not register again"
compare "after a master restart"
both_alive "master restart"

# A netlink overrun: a tiny buffer, a burst of link changes while stopped, a link added among them.
stop_cimrouted
write_cimrouted_conf "routeTables main" "netlinkEventBuffer 4096"
: >"$T/cimrouted.log"
OLD=$(names)
start_cimrouted
wait_registered 10 || bail_out "cimrouted did not register"
for i in $(seq 1 1500); do echo "link set vb0 alias burst$i"; done >"$T/burst.batch"
echo "link add vz0 type veth peer name vw0" >>"$T/burst.batch"
echo "link set vz0 up" >>"$T/burst.batch"
echo "link set vw0 up" >>"$T/burst.batch"
kill -STOP "$CIMR_PID"
nsx ip -batch "$T/burst.batch" || not_ok "ip -batch burst"
kill -CONT "$CIMR_PID"
grep -q "event socket overrun" "$T/cimrouted.log" || wait_for grep -q "event socket overrun" "$T/cimrouted.log"
grep -q "event socket overrun" "$T/cimrouted.log" && ok "the overrun happened" ||
	not_ok "the overrun happened"
# vz0 and vw0 came while events were lost: new links all the same (InstallDate, the re-dump's time)
compare "after a netlink overrun"
ix=$(nsx cat /sys/class/net/vz0/ifindex)
get_val "$ARC.3.1.33.$ix" | grep -q "Counter64: 10000000000" && ok "the new link's speed came with the re-dump" ||
	not_ok "the new link's speed came with the re-dump"
both_alive "overrun"
done_testing
