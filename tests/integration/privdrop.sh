#!/bin/bash
# privdrop.sh - cimrouted -u USER (issue 16, least privilege).
#
# A user of its own (cimrpNNNN, with a supplementary group cimrgNNNN) is made for the test and
# deleted at its end. Cases:
#   a. refusals, each exit status 1 with a one-line reason and nothing started: -u when not
#      root, -u of an unknown user, -u root, -u of a user in group root (its primary group,
#      then a supplementary one), -u as a root that cannot change its bounding set
#      (no CAP_SETPCAP, as in some containers), -u with a state directory owned by root, and with
#      a state file in it owned by root (the upgrade from a root daemon: it says whose it is).
#   b. started as root with -u and a state directory that does not exist: /proc/PID/status
#      has the user's uid and gid (real, effective, saved, fs), the supplementary group,
#      CapEff = CapPrm = CapInh = CapAmb = CapBnd = CAP_NET_ADMIN and CAP_NET_RAW only,
#      NoNewPrivs 1; the state directory was made 0700 and given to the user; the event
#      socket's receive buffer is past net.core.rmem_max (SO_RCVBUFFORCE).
#   c. every feature as that user: a live route created through snmpset is in the kernel; a
#      persisted route too, and its state file is 0600 and the user's; SetMTU, Disable and
#      Enable in the kernel; EnableStatic (nonVolatile) in the kernel and in its 0600 state
#      file; EnableDHCP's command (a script of dhcpCommand) runs as the user with the two
#      capabilities as ambient ones (what resolvectl and networkctl need) and no_new_privs; SetDefaultTTL in the namespace's sysctl (CAP_NET_ADMIN opens /proc/sys/net);
#      EnableDNS's host name is refused (commitFailed, LastResult accessDenied: no
#      CAP_SYS_ADMIN) and the daemon's UTS name is unchanged; SetDNSDomain is refused
#      (resourceUnavailable: /etc is not the user's) and the resolver file unchanged; ping rows to 127.0.0.1 and ::1
#      with pingTimeSource capture complete with status 0 and cimPingTimeSource capture(1)
#      (raw sockets and the AF_PACKET capture); a route change reaches snmptrapd as a
#      notification; a master restart: the daemon connects again through the socket
#      $T/agentx/master, made by snmpd with agentXPerms 0660 0711 root GROUP (the README's line).
#   d. started as systemd's unit does it (setpriv: the user, ambient CAP_NET_ADMIN and CAP_NET_RAW,
#      that bounding set, no_new_privs; no -u), under strace: the same status; a live and a
#      persisted route deleted, SetMTU, SetDefaultTTL, EnableDNS refused, EnableDHCP's command,
#      pings, a master restart; then every system call the daemon and its command made is in
#      the unit's SystemCallFilter (expanded by systemd-analyze), but for EnableDNS's
#      sethostname, which the filter refuses with EPERM as the kernel does without the
#      capability.
# Pass/fail: each TAP line; both daemons alive after every case.

. "$(dirname "$0")/lib.sh"
itest_init privdrop
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (useradd, -u)"
command -v useradd >/dev/null && command -v setpriv >/dev/null || skip_all "useradd or setpriv missing"
. "$ITDIR/ping_lib.sh"

U=cimrp$$
XG=cimrg$$
U0=cimr0p$$ # in group root: primary (gid 0), then supplementary
_priv_cleanup() {
	local rc=$? p
	[ -n "${CIMR_PID:-}" ] && stop_pid "$CIMR_PID" TERM 3
	CIMR_PID=
	# userdel refuses a user with processes: what is left of ours in the namespace goes first
	for p in $(ip netns pids "$NS" 2>/dev/null); do
		[ "$(stat -c %u "/proc/$p" 2>/dev/null)" = "${UID_U:-x}" ] && kill -KILL "$p" 2>/dev/null
	done
	sleep 0.2
	userdel "$U" 2>/dev/null || diag "userdel $U failed"
	[ "${_PRIV_U0:-0}" = 1 ] && { userdel "$U0" 2>/dev/null || diag "userdel $U0 failed"; }
	[ "${_PRIV_NSDIR:-0}" = 1 ] && rm -rf "$NSDIR"
	groupdel "$XG" 2>/dev/null
	(exit $rc)
	_itest_cleanup
}
trap _priv_cleanup EXIT
groupadd --system "$XG" && useradd --system --user-group --groups "$XG" --no-create-home \
	--home-dir /nonexistent --shell /usr/sbin/nologin "$U" || bail_out "cannot add user $U"
UID_U=$(id -u "$U") GID_U=$(id -g "$U") GID_X=$(getent group "$XG" | cut -d: -f3)
diag "test user $U uid $UID_U gid $GID_U, supplementary $XG gid $GID_X"
# the user reaches the socket, the configuration and its state directory through $T
chmod 0711 "$T"

SD=$T/state-u
# the namespace's resolver file (ip netns exec mounts it over /etc/resolv.conf), root's, 0644
[ -e "$NSDIR" ] && bail_out "$NSDIR exists already"
mkdir -p "$NSDIR" && _PRIV_NSDIR=1 || bail_out "cannot make $NSDIR"
printf 'nameserver 192.0.2.53\n' >"$NSDIR/resolv.conf" && chmod 0644 "$NSDIR/resolv.conf"
veth va vb 192.0.2.100/24 || bail_out "cannot build the veth topology"
# the socket in a directory snmpd makes, as /var/agentx: the README's agentXPerms
AX=$T/agentx/master
write_snmpd_conf "agentXSocket $AX" "agentXPerms 0660 0711 root $U" "trap2sink 127.0.0.1:$((PORT + 1)) public"
# EnableDHCP's command: what a program cimrouted runs holds (its ambient capabilities)
mkdir -m 0700 "$T/child" && chown "$U" "$T/child"
printf '#!/bin/sh\ngrep -E "^(Uid|CapEff|CapAmb|CapBnd|NoNewPrivs):" /proc/self/status >%s/child/$1.status\n' "$T" >"$T/child.sh"
chmod 0755 "$T/child.sh"
write_cimrouted_conf "routeTables main" "pingTimeSource capture" "dhcpCommand enable $T/child.sh %i"

# ---------------------------------------------------------------- a. refusals
# start_refused NAME TEXT WANT ARGS...: the daemon exits 1 within 5 s with one stderr line, and
# WANT on it or in its log
start_refused() {
	local name=$1 text=$2 want=$3 rc
	shift 3
	nsx timeout 5 "$@" -f -x "$T/agentx.sock" -c "$T/cimrouted.conf" -Lf "$T/$name.log" \
		</dev/null >"$T/$name.out" 2>&1
	rc=$?
	# (a state file's reason is logged, then the refusal names the file on stderr)
	if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/$name.out")" -eq 1 ] &&
		cat "$T/$name.out" "$T/$name.log" 2>/dev/null | grep -qF -- "$want"; then
		ok "$text"
	else
		not_ok "$text"
		diag "exit $rc, stderr: $(cat "$T/$name.out")"
	fi
}
start_refused notroot "-u as a user that is not root is refused" \
	"-u $U: only root can change user (running as uid $UID_U)" \
	setpriv --reuid "$U" --regid "$U" --init-groups "$CIMROUTED" -u "$U" -S "$SD"
start_refused nouser "-u of a user that does not exist is refused" \
	"-u nosuch$$: no such user" "$CIMROUTED" -u "nosuch$$" -S "$SD"
start_refused root "-u root is refused" "-u root: that is root (uid 0)" "$CIMROUTED" -u root -S "$SD"
useradd --system -g 0 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$U0" &&
	_PRIV_U0=1 || bail_out "cannot add user $U0"
start_refused rootgid "-u of a user whose group is root (gid 0) is refused" \
	"-u $U0: a member of group root (gid 0); name a user outside it" "$CIMROUTED" -u "$U0" -S "$SD"
usermod -g "$XG" -a -G root "$U0" || bail_out "cannot move $U0 to group root as a supplementary one"
start_refused rootgroups "-u of a user with root as a supplementary group is refused" \
	"-u $U0: a member of group root (gid 0); name a user outside it" "$CIMROUTED" -u "$U0" -S "$SD"
[ -e "$SD" ] && not_ok "the refusals made no state directory" || ok "the refusals made no state directory"
start_refused setpcap "-u as a root without CAP_SETPCAP (a container's) is refused with the reason" \
	"cannot drop cap_chown from the bounding set: Operation not permitted" \
	setpriv --bounding-set -setpcap "$CIMROUTED" -u "$U" -S "$T/state-setpcap"
start_refused rootdir "-u with a state directory owned by root is refused with its owner" \
	"state directory $T/state is owned by uid 0, not by cimrouted's uid $UID_U" \
	"$CIMROUTED" -u "$U" -S "$T/state"
mkdir -m 0700 "$T/state-old" && chown "$U:$U" "$T/state-old" && : >"$T/state-old/persisted-routes"
start_refused rootfile "-u with a state file owned by root (left by a root daemon) is refused with its owner" \
	"persisted-routes is owned by uid 0, not by cimrouted's uid $UID_U" \
	"$CIMROUTED" -u "$U" -S "$T/state-old"

# ---------------------------------------------------------------- b. the process
start_snmpd || bail_out "snmpd did not start"
CIMR_WRAPPER="unshare --uts" start_cimrouted -u "$U" -S "$SD" -x "$AX"
ping_registered
nsenter -t "$CIMR_PID" -u hostname privdrop-test || bail_out "cannot name cimrouted's UTS namespace"
both_alive "start as $U"
is "$(stat -c '%U:%G %a' "$T/agentx" "$AX" | tr '\n' ' ')" "root:root 711 root:$U 660 " \
	"snmpd made the socket's directory 0711 and the socket 0660 for group $U"

st() { sed -n "s/^$1:[[:space:]]*//p" "/proc/${SPID:-$CIMR_PID}/status" | tr -s '\t ' ' ' | sed 's/ $//'; }
is "$(st Uid)" "$UID_U $UID_U $UID_U $UID_U" "Uid: real, effective, saved and fs uid are $U's"
is "$(st Gid)" "$GID_U $GID_U $GID_U $GID_U" "Gid: real, effective, saved and fs gid are $U's group"
is "$(st Groups | tr ' ' '\n' | sort -n | tr '\n' ' ')" "$(printf '%s\n' "$GID_U" "$GID_X" | sort -n | tr '\n' ' ')" \
	"Groups: $U's groups (initgroups), nothing of root's"
# CAP_NET_ADMIN is 12, CAP_NET_RAW 13
for c in CapEff CapPrm CapInh CapAmb CapBnd; do
	is "$(st $c)" 0000000000003000 "$c: CAP_NET_ADMIN and CAP_NET_RAW only"
done
is "$(st NoNewPrivs)" 1 "NoNewPrivs: 1"
is "$(stat -c '%u %a' "$SD")" "$UID_U 700" "the state directory was made 0700 and given to $U"
rmem_max=$(nsx cat /proc/sys/net/core/rmem_max)
# (ss names no process for netlink sockets: the largest route socket of the namespace, where
# only cimrouted has one of 64 MiB; SO_RCVBUF stops at rmem_max, doubled by the kernel)
rb=$(nsx ss -f netlink -H -m 2>/dev/null | grep 'rtnl:' | grep -o 'rb[0-9]*' | tr -d rb | sort -n | tail -n 1)
[ -n "$rb" ] && [ "$rb" -gt $((2 * rmem_max)) ]
result $? "the event socket's buffer ($rb) is past rmem_max ($rmem_max, doubled): SO_RCVBUFFORCE works"

# ---------------------------------------------------------------- c. the features
IFA=$(nsx cat /sys/class/net/va/ifindex)
I1="10.1.0.0.255.255.0.0.192.0.2.1.$IFA.254.0.10"
out=$(setw "$OID_ENTRY.24.$I1" i 4)
is "$(nsx ip route show 10.1.0.0/16)" "10.1.0.0/16 via 192.0.2.1 dev va proto 252 metric 10 " \
	"a live route created through snmpset is in the kernel${out:+ ($out)}"

P_ENTRY=.1.3.6.1.4.1.32473.1.1.2.3.1
IXP=10.2.0.0.255.255.0.0.192.0.2.1.7
out=$(setw "$P_ENTRY.12.$IXP" i 4)
is "$(nsx ip route show 10.2.0.0/16)" "10.2.0.0/16 via 192.0.2.1 dev va proto 252 metric 7 " \
	"a persisted route created through snmpset is in the kernel${out:+ ($out)}"
is "$(stat -c '%u %a' "$SD/persisted-routes" 2>&1) $(grep -c '^10.2.0.0/16 via 192.0.2.1 metric 7' "$SD/persisted-routes")" \
	"$UID_U 600 1" "its state file has its line, mode 0600, owned by $U"
both_alive "routes"

AD=.1.3.6.1.4.1.32473.1.1.5.3.1
CFG=.1.3.6.1.4.1.32473.1.1.6.3.1
ADDR=.1.3.6.1.4.1.32473.1.1.6.4.1
link_field() { nsx ip -j link show "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)[0].get('$2', ''))"; }
out=$(setw "$CFG.17.$IFA" u 1400)
is "$(link_field va mtu)" 1400 "SetMTU(1400): the kernel's MTU${out:+ ($out)}"
setw "$AD.26.$IFA" i 2 >/dev/null
is "$(link_field va flags | grep -c "'UP'")" 0 "Disable(): the link is down"
setw "$AD.26.$IFA" i 1 >/dev/null
is "$(link_field va flags | grep -c "'UP'")" 1 "Enable(): the link is up"
out=$(setw "$ADDR.8.$IFA.1.4.198.51.100.20.24" i 4)
is "$(nsx ip -4 -o addr show dev va | grep -c 'inet 198.51.100.20/24')" 1 "EnableStatic(198.51.100.20/24): in the kernel${out:+ ($out)}"
is "$(stat -c '%u %a' "$SD/static-addresses" 2>&1) $(grep -cx 'va 198.51.100.20/24' "$SD/static-addresses")" \
	"$UID_U 600 1" "nonVolatile: its state file has it, mode 0600, owned by $U"
out=$(setw "$CFG.4.$IFA" i 1)
wait_for test -s "$T/child/va.status"
is "$(tr -s '\t ' ' ' <"$T/child/va.status" 2>&1 | tr '\n' '|')" \
	"Uid: $UID_U $UID_U $UID_U $UID_U|CapEff: 0000000000003000|CapBnd: 0000000000003000|CapAmb: 0000000000003000|NoNewPrivs: 1|" \
	"EnableDHCP's command runs as $U with the two capabilities, ambient, and no_new_privs${out:+ ($out)}"
both_alive "the adapter methods"

TC=.1.3.6.1.4.1.32473.1.1.6.12
out=$(setw "$TC.6.0" u 77)
is "$(nsx cat /proc/sys/net/ipv4/ip_default_ttl)" 77 "SetDefaultTTL(77): the namespace's net.ipv4.ip_default_ttl${out:+ ($out)}"
out=$(setw "$TC.9.0" s other-name)
case $out in *commitFailed*) ok "EnableDNS(host name) is refused: commitFailed (no CAP_SYS_ADMIN)" ;;
*) not_ok "EnableDNS(host name) is refused: commitFailed (no CAP_SYS_ADMIN)"; diag "$out" ;; esac
is "$(get_val "$TC.30.0") $(nsenter -t "$CIMR_PID" -u hostname)" "INTEGER: 91 privdrop-test" \
	"LastResult accessDenied(91), the daemon's host name unchanged"
# the resolver file is written only in a directory of cimrouted's own uid (iface/resolvfile)
out=$(setw "$TC.7.0" s corp.example)
case $out in *resourceUnavailable*) ok "SetDNSDomain as $U is refused: resourceUnavailable" ;;
*) not_ok "SetDNSDomain as $U is refused: resourceUnavailable"; diag "$out" ;; esac
is "$(cat "$NSDIR/resolv.conf")" "nameserver 192.0.2.53" "the resolver file is left as it was"
grep -q "/etc is owned by uid 0, not by cimrouted's uid $UID_U" "$T/cimrouted.log"
result $? "the log says why: /etc is root's"
both_alive "the TCP/IP methods"

for t in 127.0.0.1 ::1; do
	if ping_start "p$t" "$t" && ping_wait 10; then
		row_read
		is "oper=$(col 20) status=$(col 21) source=$(col 44)" "oper=3 status=0 source=1" \
			"ping $t: completed, status 0, times from the capture (raw socket and AF_PACKET)"
	else
		not_ok "ping $t: completed, status 0, times from the capture (raw socket and AF_PACKET)"
		diag "${START_ERR:-not completed}"
	fi
done
both_alive "the ping rows"

# notifications: snmpd sends what cimrouted hands it
cat >"$T/snmptrapd.conf" <<EOF
disableAuthorization yes
EOF
ip netns exec "$NS" env SNMP_PERSISTENT_DIR="$T/trapd-persist" MIBS= \
	snmptrapd -f -n -C -c "$T/snmptrapd.conf" -Lf "$T/snmptrapd.log" -On -F '%v\n' \
	"udp:127.0.0.1:$((PORT + 1))" </dev/null >>"$T/snmptrapd.out" 2>&1 &
EXTRA_PIDS+=($!)
wait_until 10 sh -c "ip netns exec '$NS' ss -Hlun | grep -q '127.0.0.1:$((PORT + 1)) '" ||
	bail_out "snmptrapd does not listen"
nsx ip route add 10.3.0.0/16 via 192.0.2.1 metric 3
wait_for grep -q '1.3.6.1.4.1.32473.1.0.1' "$T/snmptrapd.log"
result $? "a route added by ip reaches snmptrapd as cimIP4RouteChange"

stop_snmpd
start_snmpd || bail_out "snmpd did not start again"
wait_registered 15
result $? "after a master restart the daemon connects again as $U (the socket's group)"
both_alive "the master restart"

# ---------------------------------------------------------------- d. as systemd starts it
# contrib/cimrouted.service: User= with AmbientCapabilities and CapabilityBoundingSet, no -u.
# Under strace (when there is one), so that every system call made is checked against the
# unit's SystemCallFilter as systemd-analyze expands it.
stop_cimrouted
rm -f "$T/cimrouted.pid" && : >"$T/cimrouted.pid" && chown "$U" "$T/cimrouted.pid" "$T/cimrouted.log"
TRACE=
command -v strace >/dev/null && command -v systemd-analyze >/dev/null && TRACE="strace -f -qq -o $T/child/trace"
CIMR_WRAPPER="unshare --uts setpriv --reuid $U --regid $U --init-groups --inh-caps -all,+net_admin,+net_raw \
	--ambient-caps -all,+net_admin,+net_raw --bounding-set -all,+net_admin,+net_raw --no-new-privs $TRACE" \
	start_cimrouted -S "$SD" -x "$AX"
ping_registered
SPID=$CIMR_PID
[ -n "$TRACE" ] && SPID=$(pgrep -P "$CIMR_PID" -x cimrouted)
is "$(st Uid) $(st CapEff) $(st CapBnd) $(st NoNewPrivs)" \
	"$UID_U $UID_U $UID_U $UID_U 0000000000003000 0000000000003000 1" \
	"started as $U with the two ambient capabilities (the unit's way, no -u): uid, capabilities"
out=$(setw "$OID_ENTRY.24.$I1" i 6)
is "$(nsx ip route show 10.1.0.0/16)" "" "the live route is deleted through snmpset${out:+ ($out)}"
out=$(setw "$P_ENTRY.12.$IXP" i 6)
is "$(nsx ip route show 10.2.0.0/16) $(grep -c 10.2.0.0 "$SD/persisted-routes")" " 0" \
	"the persisted route is destroyed: kernel and state file${out:+ ($out)}"
setw "$CFG.17.$IFA" u 1500 >/dev/null
setw "$TC.6.0" u 64 >/dev/null
is "$(link_field va mtu) $(nsx cat /proc/sys/net/ipv4/ip_default_ttl)" "1500 64" "SetMTU(1500) and SetDefaultTTL(64)"
out=$(setw "$TC.9.0" s other-name)
case $out in *commitFailed*) ok "EnableDNS(host name) is refused: commitFailed" ;;
*) not_ok "EnableDNS(host name) is refused: commitFailed"; diag "$out" ;; esac
setw "$CFG.4.$(nsx cat /sys/class/net/vb/ifindex)" i 1 >/dev/null
wait_for test -s "$T/child/vb.status"
result $? "EnableDHCP's command runs"
for t in 127.0.0.1 ::1; do
	if ping_start "u$t" "$t" && ping_wait 10; then
		row_read
		is "oper=$(col 20) status=$(col 21) source=$(col 44)" "oper=3 status=0 source=1" "ping $t with the capture"
	else
		not_ok "ping $t with the capture"; diag "${START_ERR:-not completed}"
	fi
done
stop_snmpd
start_snmpd || bail_out "snmpd did not start again"
wait_registered 15
result $? "after a master restart the daemon connects again"
both_alive "the unit's way"

# expand FILTER...: the system calls of systemd's groups and names
expand() {
	local x
	for x in "$@"; do
		case $x in
		@*) expand $(systemd-analyze syscall-filter "$x" | awk 'NR > 1 && NF == 1 && $1 !~ /^#/ { print $1 }') ;;
		*) echo "$x" ;;
		esac
	done
}
if [ -n "$TRACE" ]; then
	kill -TERM "$SPID"
	wait_until 10 sh -c "! kill -0 $SPID 2>/dev/null"
	stop_cimrouted
	UNIT=$ITDIR/../../contrib/cimrouted.service
	expand $(sed -n 's/^SystemCallFilter=\([^~]\)/\1/p' "$UNIT") | sort -u >"$T/allow"
	expand $(sed -n 's/^SystemCallFilter=~//p' "$UNIT") | sort -u >"$T/deny"
	comm -23 "$T/allow" "$T/deny" >"$T/filter"
	sed -E 's/^[0-9]+ +//; s/^(<\.\.\. )?([a-z_0-9]+).*/\2/' "$T/child/trace" | grep -E '^[a-z_0-9]+$' | sort -u >"$T/used"
	diag "$(wc -l <"$T/used") system calls made, $(wc -l <"$T/filter") in the unit's filter"
	# sethostname is EnableDNS's: the filter answers EPERM, as the kernel does without CAP_SYS_ADMIN
	is "$(comm -23 "$T/used" "$T/filter" | tr '\n' ' ')" "sethostname " \
		"every system call made (daemon and command) is in the unit's SystemCallFilter, but sethostname"
else
	skip "every system call made is in the unit's SystemCallFilter" "no strace or systemd-analyze"
fi
done_testing
