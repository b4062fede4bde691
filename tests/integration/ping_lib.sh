# ping_lib.sh - what the ping tests (ping_codes.sh, ping_opts.sh, ping_rows.sh) share: their
# namespaces, the wire captures, the forge, and the cimPingTable helpers. Sourced after lib.sh
# and itest_init.
#
# Topology (addresses 10.14.x and 2001:db8:14:x::, x the link):
#
#   A (lib.sh's $NS: snmpd, cimrouted)
#     a_b 10.14.1.1 .11  ::1 ::11 ---- b_a 10.14.1.2 ::2 (kernel answers)       B ($NSB)
#                                          10.14.1.3 ::3 (icmp_forge.py answers: nft drops
#                                                         the echo requests in B's input hook)
#     a_r 10.14.2.1 ::1 ---- r_a 10.14.2.2 ::2   R ($NSR, forwarding)
#                            r_c 10.14.3.2 ::2 (MTU 1280) ---- c_r 10.14.3.3 ::3 .33 ::33   C ($NSC)
#   A routes 10.14.3-5.0/24 and 2001:db8:14:3-5::/64 via R; 10.14.6.1-3 and 2001:db8:14:6::1-3
#   are unreachable, prohibit and blackhole routes in A; nothing else is routed (no default).
#   R rejects 10.14.4.1-7 (net, host, prot, port-unreachable, net, host, admin-prohibited) and
#   2001:db8:14:4::1-6 (no-route, admin-prohibited, addr-unreachable, port-unreachable,
#   policy-fail, reject-route) with nft; R drops the non-first fragments to .33/::33, whose
#   reassembly times out in C (ipfrag_time 1); C drops 10.14.5.0/24 and 2001:db8:14:5::/64 (the
#   silent addresses). ICMP rate limits are off everywhere; every namespace accepts source-routed
#   packets (Linux drops them otherwise, even those addressed to it).
#
# Captures: tcpdump -w on b_a ($T/capB.pcap), r_a ($T/capR.pcap), c_r ($T/capC.pcap).
# cap_mark before a case, then wire X ... / truth X ADDR read what came after the mark.

[ "$CIMROUTED" = mock ] && skip_all "not for the mock"
FORGE=$ITDIR/icmp_forge.py
NSB=cimr-$TEST_NAME-b-$$
NSR=cimr-$TEST_NAME-r-$$
NSC=cimr-$TEST_NAME-c-$$
NSDIR=/etc/netns/$NS
PING=.1.3.6.1.4.1.32473.1.1.7
PE=$PING.3.1      # cimPingEntry
PRR=$PING.4.1     # cimPingRouteRecordEntry
PTS=$PING.5.1     # cimPingTimeStampEntry
PPR=$PING.7.1     # cimPingProbeEntry
OWN=t

# (a process started with & must be `ip netns exec NS CMD &`, not `nb CMD &`: a function run in
# the background is a subshell, and $! its pid, not the process's, which stop_pid would miss)
nb() { ip netns exec "$NSB" "$@"; }
nr() { ip netns exec "$NSR" "$@"; }
nc() { ip netns exec "$NSC" "$@"; }
forge() { python3 "$FORGE" "$@"; }

_ping_cleanup() {
	local rc=$? n p
	for n in "$NSB" "$NSR" "$NSC"; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -TERM "$p" 2>/dev/null; done
	done
	sleep 0.2
	for n in "$NSB" "$NSR" "$NSC"; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	[ "${_PING_NSDIR:-0}" = 1 ] && rm -rf "$NSDIR"
	(exit $rc)
	_itest_cleanup
}

# ping_hosts SOURCES: the namespace's /etc/netns/$NS (ip netns exec mounts its files over /etc: start
# the daemon after it): nsswitch.conf "hosts: SOURCES", hosts from stdin; removed at exit
ping_hosts() {
	trap _ping_cleanup EXIT
	[ -e "$NSDIR" ] && bail_out "$NSDIR exists already"
	mkdir -p "$NSDIR" && _PING_NSDIR=1 || bail_out "cannot make $NSDIR"
	printf 'hosts: %s\n' "$1" >"$NSDIR/nsswitch.conf"
	cat >"$NSDIR/hosts"
}

# ping_world: the namespaces, links, routes, nft rules and captures above; bails out on failure
ping_world() {
	needs nft tcpdump
	# names for the tests (and for the reverse lookups); files only, so a missing name is
	# EAI_NONAME at once, whatever the host's DNS
	ping_hosts files <<-EOF
	127.0.0.1 localhost
	10.14.1.2 dual.example peer-b.example
	2001:db8:14:1::2 dual.example peer-b6.example
	10.14.3.3 v4only.example far-c.example
	10.14.2.2 rtr-a.example
	10.14.3.2 rtr-c.example
	10.14.2.1 self-r.example
	EOF
	local n
	for n in "$NSB" "$NSR" "$NSC"; do ip netns add "$n" || bail_out "cannot add namespace $n"; done
	_ping_build 2>"$T/world.err" || bail_out "cannot build the ping topology: $(tail -n 3 "$T/world.err")"
	# neighbours resolved once, so that the first probe of a case is not the one that waits
	local t
	for t in 10.14.1.2 10.14.3.3 2001:db8:14:1::2 2001:db8:14:3::3; do
		wait_until 10 nsx ping -c 1 -W 1 "$t" || bail_out "the topology does not forward (iputils ping from A to $t fails)"
	done
	cap_start B "$NSB" b_a && cap_start R "$NSR" r_a && cap_start C "$NSC" c_r || bail_out "tcpdump does not start"
}

_ping_build() {
	local n x
	for n in "$NS" "$NSB" "$NSR" "$NSC"; do
		ip netns exec "$n" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
			net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000 \
			net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
			net.ipv4.conf.all.accept_source_route=1 net.ipv4.conf.default.accept_source_route=1 &&
			ip -n "$n" link set lo up || return 1
	done
	ip link add a_b netns "$NS" type veth peer name b_a netns "$NSB" &&
			ip link add a_r netns "$NS" type veth peer name r_a netns "$NSR" &&
			ip link add r_c netns "$NSR" type veth peer name c_r netns "$NSC" &&
			nsx ip addr add 10.14.1.1/24 dev a_b && nsx ip addr add 10.14.1.11/24 dev a_b &&
			nsx ip addr add 2001:db8:14:1::1/64 dev a_b nodad && nsx ip addr add 2001:db8:14:1::11/64 dev a_b nodad &&
			nsx ip addr add 10.14.2.1/24 dev a_r && nsx ip addr add 2001:db8:14:2::1/64 dev a_r nodad &&
			nb ip addr add 10.14.1.2/24 dev b_a && nb ip addr add 10.14.1.3/24 dev b_a &&
			nb ip addr add 2001:db8:14:1::2/64 dev b_a nodad && nb ip addr add 2001:db8:14:1::3/64 dev b_a nodad &&
			nr ip addr add 10.14.2.2/24 dev r_a && nr ip addr add 2001:db8:14:2::2/64 dev r_a nodad &&
			nr ip addr add 10.14.3.2/24 dev r_c && nr ip addr add 2001:db8:14:3::2/64 dev r_c nodad &&
			nc ip addr add 10.14.3.3/24 dev c_r && nc ip addr add 10.14.3.33/24 dev c_r &&
			nc ip addr add 2001:db8:14:3::3/64 dev c_r nodad && nc ip addr add 2001:db8:14:3::33/64 dev c_r nodad &&
			nr ip link set r_c mtu 1280 && nc ip link set c_r mtu 1280 &&
			nsx ip link set a_b up && nsx ip link set a_r up && nb ip link set b_a up &&
			nr ip link set r_a up && nr ip link set r_c up && nc ip link set c_r up &&
			nr sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 &&
			nc sysctl -qw net.ipv4.ipfrag_time=1 net.ipv6.ip6frag_time=1 &&
			nsx sysctl -qw net.ipv4.neigh.a_b.mcast_solicit=2 net.ipv4.neigh.a_b.retrans_time_ms=250 \
				net.ipv6.neigh.a_b.mcast_solicit=2 net.ipv6.neigh.a_b.retrans_time_ms=250 &&
			for x in 3 4 5; do
				nsx ip route add 10.14.$x.0/24 via 10.14.2.2 &&
					nsx ip -6 route add 2001:db8:14:$x::/64 via 2001:db8:14:2::2 || return 1
			done &&
			nsx ip -6 route add 2001:db8:14:3::33/128 via 2001:db8:14:2::2 mtu 1280 &&
			nsx ip route add unreachable 10.14.6.1/32 && nsx ip route add prohibit 10.14.6.2/32 &&
			nsx ip route add blackhole 10.14.6.3/32 &&
			nsx ip -6 route add unreachable 2001:db8:14:6::1/128 && nsx ip -6 route add prohibit 2001:db8:14:6::2/128 &&
			nsx ip -6 route add blackhole 2001:db8:14:6::3/128 &&
			nr ip route add 10.14.4.0/24 via 10.14.3.3 && nr ip route add 10.14.5.0/24 via 10.14.3.3 &&
			nr ip -6 route add 2001:db8:14:4::/64 via 2001:db8:14:3::3 &&
			nr ip -6 route add 2001:db8:14:5::/64 via 2001:db8:14:3::3 &&
			nc ip route add default via 10.14.3.2 && nc ip -6 route add default via 2001:db8:14:3::2 &&
			nb nft -f - <<-'EOF' &&
			table inet forge {
				chain input_rules { type filter hook input priority 0;
					ip daddr 10.14.1.3 icmp type echo-request drop
					ip6 daddr 2001:db8:14:1::3 icmpv6 type echo-request drop
				}
			}
			EOF
			nr nft -f - <<-'EOF' &&
			table inet rej {
				chain forward_rules { type filter hook forward priority 0;
					ip daddr 10.14.4.1 reject with icmp type net-unreachable
					ip daddr 10.14.4.2 reject with icmp type host-unreachable
					ip daddr 10.14.4.3 reject with icmp type prot-unreachable
					ip daddr 10.14.4.4 reject with icmp type port-unreachable
					ip daddr 10.14.4.5 reject with icmp type net-prohibited
					ip daddr 10.14.4.6 reject with icmp type host-prohibited
					ip daddr 10.14.4.7 reject with icmp type admin-prohibited
					ip6 daddr 2001:db8:14:4::1 reject with icmpv6 type no-route
					ip6 daddr 2001:db8:14:4::2 reject with icmpv6 type admin-prohibited
					ip6 daddr 2001:db8:14:4::3 reject with icmpv6 type addr-unreachable
					ip6 daddr 2001:db8:14:4::4 reject with icmpv6 type port-unreachable
					ip6 daddr 2001:db8:14:4::5 reject with icmpv6 type policy-fail
					ip6 daddr 2001:db8:14:4::6 reject with icmpv6 type reject-route
					ip daddr 10.14.3.33 ip frag-off & 0x1fff != 0 drop
					ip6 daddr 2001:db8:14:3::33 frag frag-off != 0 drop
				}
			}
			EOF
			nc nft -f - <<-'EOF'
			table inet silent {
				chain pre { type filter hook prerouting priority 0;
					ip daddr 10.14.5.0/24 drop
					ip6 daddr 2001:db8:14:5::/64 drop
				}
			}
			EOF
}

# cap_start X NAMESPACE IFACE: tcpdump -w $T/capX.pcap, until it listens. Immediate mode (else a
# TPACKET_V3 block holds packets back up to a second); the ring's frames are as large as the
# snapshot length, so 1600 (every link's MTU is 1500 at most) and an 8 MiB buffer keep a
# 65,500-octet echo request's 45 fragments and its reply's.
cap_start() {
	ip netns exec "$2" tcpdump -i "$3" -U --immediate-mode -n -s 1600 -B 8192 -Z root -w "$T/cap$1.pcap" </dev/null 2>"$T/cap$1.err" &
	EXTRA_PIDS+=($!)
	wait_until 10 grep -q "listening on" "$T/cap$1.err"
}

# cap_mark: remember the size of each capture file (MARK_B, MARK_R, MARK_C): what a case
# sends is in the records that start at or after it
cap_mark() {
	sleep 0.05
	MARK_B=$(stat -c %s "$T/capB.pcap") MARK_R=$(stat -c %s "$T/capR.pcap") MARK_C=$(stat -c %s "$T/capC.pcap")
}
_mark_of() { local v=MARK_$1; echo "${!v:-0}"; }
# wire X: the packets of capture X since the mark (icmp_forge.py dump lines)
wire() { sleep 0.1; forge dump "$T/cap$1.pcap" --from-byte "$(_mark_of "$1")"; }
# truth X ADDR: each echo request to ADDR in capture X since the mark, and its answer
truth() { sleep 0.1; forge truth "$T/cap$1.pcap" --from-byte "$(_mark_of "$1")" --dst "$2"; }
# walk_vals OID: the values under OID, in order, one a line (types stripped, strings as printed)
walk_vals() {
	nsx snmpwalk "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$1" 2>/dev/null | grep "^$1\." | sed 's/^[^=]*= //; s/^[A-Za-z0-9-]*: //'
}
# field LINE KEY: the value of KEY=VALUE in a line
field() { local w; for w in $1; do case $w in "$2"=*) echo "${w#*=}"; return 0 ;; esac; done; return 1; }

# ---------------------------------------------------------------- cimPingTable

# ix OWNER NAME: the row index (two length-prefixed strings)
ix() { strings_index "$1" "$2"; }
# hex_addr "0A 0E 01 02": the address of an InetAddress in hex
hex_addr() {
	local h=${1//[$' \n']/}
	[ -z "$h" ] && return
	python3 -c 'import ipaddress,sys; print(ipaddress.ip_address(bytes.fromhex(sys.argv[1])))' "$h"
}
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@" 2>&1; }
# num OID: a scalar's number (empty when absent)
num() { snmp_get "$1" 2>/dev/null | sed -n 's/^[^=]*= [A-Za-z0-9-]*: *\([0-9]*\).*/\1/p' | head -n 1; }

# ping_start NAME TARGET [VARBINDS...]: createAndGo a row of owner $OWN with the literal address
# (or, for @NAME, cimPingAddressName) and the varbinds; status of snmpset. IX is its index.
ping_start() {
	local name=$1 target=$2 out; shift 2
	IX=$(ix "$OWN" "$name")
	setw "$PE.19.$IX" i 6 >/dev/null
	case $target in
	@*) out=$(setw "$PE.19.$IX" i 4 "$PE.5.$IX" s "${target#@}" "$@") ;;
	*:*) out=$(setw "$PE.19.$IX" i 4 "$PE.3.$IX" i 2 "$PE.4.$IX" x "$(addr_hex "$target")" "$@") ;;
	*) out=$(setw "$PE.19.$IX" i 4 "$PE.3.$IX" i 1 "$PE.4.$IX" x "$(addr_hex "$target")" "$@") ;;
	esac || { START_ERR=$out; return 1; }
	START_ERR=
}
oper_is() { [ "$(num "$PE.20.$1")" = "$2" ]; }
# ping_wait [TIMEOUT_S]: until the row IX is completed(3)
ping_wait() { wait_until "${1:-10}" oper_is "$IX" 3; }

# row_read [INDEX]: every column of the row into COL[n] ("absent" for noSuchInstance)
declare -A COL
row_read() {
	local i=${1:-$IX} line c v oids=()
	COL=()
	for c in $(seq 3 44); do oids+=("$PE.$c.$i"); done
	while IFS= read -r line; do
		c=${line#"$PE".}; c=${c%%.*}
		v=${line#* = }
		case $v in *"No Such"*) v=absent ;; *": "*) v=${v#*: } ;; '""') v= ;; esac
		COL[$c]=$v
	done < <(snmp_get "${oids[@]}" 2>&1 | grep "^$PE\.")
}
col() { echo "${COL[$1]-absent}"; }
col_addr() { local v=${COL[$1]-absent}; [ "$v" = absent ] && echo absent || hex_addr "$v"; }
# col_str N: an OCTET STRING column decoded
col_str() {
	local v=${COL[$1]-absent} h out="" i
	case $v in absent) echo absent; return ;; \"*\") v=${v:1:${#v}-2}; printf '%s' "$v"; return ;; esac
	h=${v//[$' \n']/}
	for ((i = 0; i < ${#h}; i += 2)); do out+="\\x${h:i:2}"; done
	printf '%b' "$out"
}
# row_summary: the usual result columns in one line (diag)
row_summary() {
	echo "oper=$(col 20) status=$(col 21) rtt=$(col 22)/$(col 23)us ttl=$(col 24) size=$(col 25) incons=$(col 26)" \
		"from=$(col_addr 28) res=$(col 30) sent=$(col 37) recv=$(col 38) loss=$(col 39) src=$(col 44)"
}
ping_destroy() { setw "$PE.19.${1:-$IX}" i 6 >/dev/null; }

# ping_registered [TIMEOUT_S]: until the route table, cimPingCount.0 and cimPingProbeTable (the
# last of the ping tables to register) are served; bails out if not
ping_registered() {
	wait_registered "${1:-20}" "$OID_COUNT" "$PING.1.0" "$PPR.2.$(ix - -).1" ||
		bail_out "cimrouted does not register the route table and cimPing"
}

# ping_daemons [SNMPD CONF LINES...]: snmpd and cimrouted in A, cimPing served (else bail out)
ping_daemons() {
	write_snmpd_conf "$@"
	start_snmpd || bail_out "snmpd does not start"
	start_cimrouted
	ping_registered
	both_alive "start"
}
