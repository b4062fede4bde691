#!/bin/bash
# dns_set.sh - the DNS methods of Win32_NetworkAdapterConfiguration (issue 13) through snmpset:
# SetDNSServerSearchOrder (cimDnsServerTable rows), SetDNSSuffixSearchOrder (cimDnsSuffixTable
# rows) and SetDNSDomain (cimTcpipDNSDomain), checked in the resolver file afterwards.
#
# The namespace gets its own resolver file, /etc/netns/NS/resolv.conf, which ip netns exec
# bind-mounts over /etc/resolv.conf for cimrouted: a mount point, so cimrouted rewrites it in
# place (and says so), and the host's /etc/resolv.conf is compared before and after. Each
# refusal is checked with its status, cimTcpipLastMethod/LastResult and the file byte for byte;
# a file NetworkManager or resolvconf owns is refused (accessDenied(91)) and left as it was; a
# SET with DNS rows, the domain and a route row that fails (in its check, or in the kernel) is
# all or nothing; a SET touching both tables and the domain rewrites the file once.
# systemd-resolved is not installed here: its per-link state is a folder of the test's (the
# directive resolvedDir) and dnsLinkCommand a stub standing in for resolvectl, which writes that
# state as resolved would; a link it keeps servers for is changed through the stub, never the file.

. "$(dirname "$0")/lib.sh"
itest_init dns
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

CFG=.1.3.6.1.4.1.32473.1.1.6
SRV=$CFG.10.1
SFX=$CFG.11.1
TC=$CFG.12
HOST_BEFORE=$(sha256sum /etc/resolv.conf 2>/dev/null)
START='# the test namespace resolver file
options ndots:2 timeout:1
nameserver 192.0.2.53
search first.example second.example
; a trailing comment'
netns_resolv_conf "$START"
chmod 0640 "$RC"

veth va vb 192.0.2.100/24 198.51.100.101/24 || bail_out "cannot build the veth topology"
veth vc vd 203.0.113.1/24 || bail_out "cannot build the second veth pair"
IFA=$(nsx cat /sys/class/net/va/ifindex)
IFB=$(nsx cat /sys/class/net/vb/ifindex)
IFC=$(nsx cat /sys/class/net/vc/ifindex)
# resolved's state for vc, and a stub resolvectl that records its calls and writes that state
mkdir -p "$T/resolve/netif"
echo "SERVERS=203.0.113.53" >"$T/resolve/netif/$IFC"
cat >"$T/resolvectl" <<STUB
#!/bin/sh
echo "\$*" >>"$T/resolvectl.log"
[ -e "$T/resolvectl.fail" ] && { echo "Failed to set DNS configuration: the stub refuses" >&2; exit 1; }
[ "\$1" = dns ] || exit 2
i=\$(cat "/sys/class/net/\$2/ifindex") || exit 3
shift 2
[ "\$*" = "" ] && set --
echo "SERVERS=\$*" >"$T/resolve/netif/\$i.new" && mv "$T/resolve/netif/\$i.new" "$T/resolve/netif/\$i"
STUB
chmod +x "$T/resolvectl"
write_cimrouted_conf "routeTables main" "resolvedDir $T/resolve" "dnsLinkCommand $T/resolvectl"
start_agents

setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@" 2>&1; }
last() { echo "$(get_val $TC.29.0 | sed 's/^INTEGER: //') $(get_val $TC.30.0 | sed 's/^INTEGER: //;s/.*No Such Instance.*/none/')"; }
conf() { grep -v '^#\|^;\|^options' "$RC" | tr '\n' '|'; }
snap() { sha256sum "$RC"; }
rewrites() { grep -c 'resolver: /etc/resolv.conf rewritten:' "$T/cimrouted.log"; }
hexval() { get_val "$1" | sed 's/ *$//'; }
hex4() { printf '%02X %02X %02X %02X' ${1//./ }; }

# ---------------------------------------------------------------- reading it
wait_for get_val "$SRV.3.$IFA.1" >/dev/null # the adapter tables register after the route tables
is "$(hexval "$SRV.3.$IFA.1") $(get_str "$SFX.2.2") $(get_str $TC.7.0)" \
	"Hex-STRING: C0 00 02 35 second.example first.example" "the file reads back: server 1, suffix 2, the domain"

# ---------------------------------------------------------------- SetDNSServerSearchOrder
out=$(setw "$SRV.4.$IFA.2" i 4 "$SRV.3.$IFA.2" x "$(hex4 192.0.2.54)"); rc=$?
is "rc=$rc $(conf) $(last)" "rc=0 nameserver 192.0.2.53|nameserver 192.0.2.54|search first.example second.example| 19 0" \
	"createAndGo at position 2: a second nameserver line after the first, LastMethod 19, LastResult 0"
is "$(head -2 "$RC" | tr '\n' '|')$(tail -1 "$RC") $(stat -c %a "$RC")" \
	"# the test namespace resolver file|options ndots:2 timeout:1|; a trailing comment 640" \
	"comments and options stay where they were, the mode too"
grep -q "resolver: /etc/resolv.conf is a mount point (a bind mount, as ip netns exec makes): rewritten in place" "$T/cimrouted.log"
result $? "the bind-mounted file is rewritten in place, and the log says why"
is "$(hexval "$SRV.3.$IFB.2")" "Hex-STRING: C0 00 02 36" "the list is system-wide: vb's row 2 reads the new server at once"
out=$(setw "$SRV.3.$IFA.1" x "$(hex4 198.51.100.1)" "$SRV.4.$IFA.5" i 4 "$SRV.2.$IFA.5" i 2 \
	"$SRV.3.$IFA.5" x "20 01 0D B8 00 00 00 00 00 00 00 00 00 00 00 53"); rc=$?
is "rc=$rc $(conf)" "rc=0 nameserver 198.51.100.1|nameserver 192.0.2.54|nameserver 2001:db8::53|search first.example second.example|" \
	"an address changed, an IPv6 server at position 5: in position order, the gap closed"
out=$(setw "$SRV.4.$IFA.6" i 4 "$SRV.2.$IFA.6" i 4 \
	"$SRV.3.$IFA.6" x "FE 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01 $(printf '%08X' "$IFA" | sed 's/../& /g')"); rc=$?
is "rc=$rc $(conf | cut -d'|' -f4)" "rc=0 nameserver fe80::1%$IFA" "an ipv6z server: the zone as the interface index"
out=$(setw "$SRV.4.$IFA.1" i 6 "$SRV.4.$IFA.4" i 6); rc=$?
is "rc=$rc $(conf)" "rc=0 nameserver 192.0.2.54|nameserver 2001:db8::53|search first.example second.example|" \
	"destroy rows 1 and 4: their lines are gone"
out=$(setw "$SRV.4.$IFB.3" i 4 "$SRV.2.$IFB.3" i 2 \
	"$SRV.3.$IFB.3" x "FE 80 00 00 00 00 00 00 00 00 00 00 00 00 00 02"); rc=$?
is "rc=$rc $(conf | cut -d'|' -f3)" "rc=0 nameserver fe80::2%$IFB" \
	"a link-local ipv6(2) server without zone: written with the zone of its row's interface (vb)"
out=$(setw "$SRV.4.$IFB.3" i 6); rc=$?
is "rc=$rc $(conf)" "rc=0 nameserver 192.0.2.54|nameserver 2001:db8::53|search first.example second.example|" \
	"and destroyed"
both_alive "SetDNSServerSearchOrder"

# ---------------------------------------------------------------- SetDNSSuffixSearchOrder
out=$(setw "$SFX.3.3" i 4 "$SFX.2.3" s third.example); rc=$?
is "rc=$rc $(conf | cut -d'|' -f3) $(last)" "rc=0 search first.example second.example third.example 20 0" \
	"createAndGo suffix 3: the search line gets it, LastMethod 20"
out=$(setw "$SFX.3.1" i 6 "$SFX.2.2" s two.example); rc=$?
is "rc=$rc $(conf | cut -d'|' -f3)" "rc=0 search two.example third.example" "destroy suffix 1, rename suffix 2"
out=$(setw "$SFX.3.3" i 4 "$SFX.2.3" s four.example.); rc=$?
is "rc=$rc $(conf | cut -d'|' -f3) $(get_str "$SFX.2.3")" "rc=0 search two.example third.example four.example four.example" \
	"an absolute suffix 'four.example.' is taken, kept without the root's dot"
out=$(setw "$SFX.3.3" i 6); rc=$?

# ---------------------------------------------------------------- SetDNSDomain
out=$(setw $TC.7.0 s corp.example.); rc=$?
is "rc=$rc $(conf | cut -d'|' -f3) $(get_str $TC.7.0) $(last)" "rc=0 search corp.example two.example third.example corp.example 18 0" \
	"SetDNSDomain('corp.example.'): first in the search list without the root's dot, reads back, LastMethod 18"
printf 'nameserver 192.0.2.53\nsearch a.example b.example\ndomain c.example\noptions edns0\n' >"$RC"
out=$(setw $TC.7.0 s d.example); rc=$?
is "rc=$rc $(tr '\n' '|' <"$RC")" "rc=0 nameserver 192.0.2.53|search d.example c.example|options edns0|" \
	"a 'domain' line (glibc: the last of domain/search wins) folds into one search line"
out=$(setw $TC.7.0 s ""); rc=$?
is "rc=$rc $(conf) $(get_str $TC.7.0)" "rc=0 nameserver 192.0.2.53|search c.example| c.example" \
	"SetDNSDomain(''): the first name removed"
before=$(rewrites)
out=$(setw "$SRV.4.$IFA.2" i 4 "$SRV.3.$IFA.2" x "$(hex4 192.0.2.9)" "$SFX.3.2" i 4 "$SFX.2.2" s e.example \
	$TC.7.0 s f.example); rc=$?
is "rc=$rc $(conf) $(($(rewrites) - before)) $(last)" \
	"rc=0 nameserver 192.0.2.53|nameserver 192.0.2.9|search f.example c.example e.example| 1 18 0" \
	"EnableDNS-like SET (servers, suffixes, domain): one rewrite, LastMethod 18"
both_alive "SetDNSSuffixSearchOrder and SetDNSDomain"

# ---------------------------------------------------------------- refusals
# expect STATUS METHOD CODE TEXT VARBINDS...: the SET fails with STATUS, records METHOD and
# CODE, and the file is byte for byte as it was
expect() {
	local want=$1 mn=$2 code=$3 text=$4 before out; shift 4
	before=$(snap); out=$(setw "$@")
	if ! echo "$out" | grep -q "Reason: $want"; then
		not_ok "$text: expected $want"; diag "$out"
	elif [ "$before" != "$(snap)" ]; then
		not_ok "$text: $want, but the file changed"
	else
		is "$(last)" "$mn $code" "$text: $want, LastMethod $mn, LastResult $code, file unchanged"
	fi
}
expect wrongValue 19 70 "server 0.0.0.0" "$SRV.4.$IFA.3" i 4 "$SRV.3.$IFA.3" x "$(hex4 0.0.0.0)"
expect wrongValue 19 70 "server 224.0.0.1 (multicast)" "$SRV.4.$IFA.3" i 4 "$SRV.3.$IFA.3" x "$(hex4 224.0.0.1)"
expect wrongValue 19 70 "an ipv4 type with 16 bytes" "$SRV.4.$IFA.3" i 4 "$SRV.3.$IFA.3" x "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"
expect wrongValue 19 70 "address type dns(16)" "$SRV.4.$IFA.3" i 4 "$SRV.2.$IFA.3" i 16 "$SRV.3.$IFA.3" x "$(hex4 192.0.2.1)"
expect inconsistentValue 19 70 "an ipv6z server whose zone names no interface (ifindex 999)" \
	"$SRV.4.$IFA.3" i 4 "$SRV.2.$IFA.3" i 4 "$SRV.3.$IFA.3" x "FE 80 00 00 00 00 00 00 00 00 00 00 00 00 00 53 00 00 03 E7"
expect noCreation 19 90 "position 65" "$SRV.4.$IFA.65" i 4 "$SRV.3.$IFA.65" x "$(hex4 192.0.2.1)"
expect noCreation 20 90 "suffix position 0" "$SFX.3.0" i 4 "$SFX.2.0" s x.example
grep -qF "set: refused (noCreation): cimDnsServerTable index $IFA.65: the index" "$T/cimrouted.log" &&
	grep -qF "set: refused (noCreation): cimDnsSuffixTable index 0: the index" "$T/cimrouted.log"
result $? "the index refusals are logged with their table and index"
expect inconsistentValue 19 84 "a server of lo (not IP-enabled)" "$SRV.4.1.3" i 4 "$SRV.3.1.3" x "$(hex4 192.0.2.1)"
expect wrongValue 20 73 "suffix 'bad..name'" "$SFX.3.3" i 4 "$SFX.2.3" s bad..name
expect wrongValue 18 73 "SetDNSDomain('bad name')" $TC.7.0 s "bad name"
expect wrongValue 19 68 "createAndWait" "$SRV.4.$IFA.3" i 5 "$SRV.3.$IFA.3" x "$(hex4 192.0.2.1)"
expect inconsistentValue 19 68 "createAndGo on an existing row" "$SRV.4.$IFA.1" i 4 "$SRV.3.$IFA.1" x "$(hex4 192.0.2.1)"
expect inconsistentName 20 68 "a name for a suffix row that does not exist" "$SFX.2.9" s x.example
expect inconsistentValue 19 68 "a server the list names already" "$SRV.4.$IFA.3" i 4 "$SRV.3.$IFA.3" x "$(hex4 192.0.2.53)"
expect inconsistentValue 20 68 "a suffix the list names already (in other letters)" "$SFX.3.4" i 4 "$SFX.2.4" s C.Example
expect inconsistentValue 19 68 "two interfaces, one position, two servers" \
	"$SRV.3.$IFA.1" x "$(hex4 192.0.2.1)" "$SRV.3.$IFB.1" x "$(hex4 192.0.2.2)"
grep -q "refused (wrongValue): cimDnsServerTable row $IFA.3: not a unicast IPv4 address; result 70" "$T/cimrouted.log"
result $? "a refusal is one log line naming the row, the reason and the code"
both_alive "the refusals"

# ---------------------------------------------------------------- a link systemd-resolved keeps
calls() { wc -l <"$T/resolvectl.log" 2>/dev/null || echo 0; }
link_servers() { wait_for grep -qx "SERVERS=$1" "$T/resolve/netif/$IFC" && hexval "$SRV.3.$IFC.$2"; }
is "$(hexval "$SRV.3.$IFC.1")" "Hex-STRING: CB 00 71 35" "vc's servers are resolved's for the link, not the file's"
before=$(snap)
out=$(setw "$SRV.4.$IFC.2" i 4 "$SRV.3.$IFC.2" x "$(hex4 203.0.113.54)"); rc=$?
is "rc=$rc $(tail -1 "$T/resolvectl.log") $(link_servers "203.0.113.53 203.0.113.54" 2) $([ "$before" = "$(snap)" ] && echo file-same) $(last)" \
	"rc=0 dns vc 203.0.113.53 203.0.113.54 Hex-STRING: CB 00 71 36 file-same 19 0" \
	"a server of vc: 'resolvectl dns vc' with the link's whole list, read back, the file untouched"
touch "$T/resolvectl.fail"
expect commitFailed 19 72 "the command fails" "$SRV.4.$IFC.3" i 4 "$SRV.3.$IFC.3" x "$(hex4 203.0.113.55)"
rm -f "$T/resolvectl.fail"
grep -q "resolver: the per-link DNS command failed (exit status 1: Failed to set DNS configuration: the stub refuses)" "$T/cimrouted.log"
result $? "the log says the command failed, with its error"
n=$(calls)
nsx ip route del 192.0.2.0/24 dev va
out=$(setw "$SRV.4.$IFC.1" i 6 "$SRV.4.$IFA.1" i 6 "$OID_ENTRY.24.10.11.0.0.255.255.0.0.192.0.2.1.$IFA.254.0.0" i 4)
is "$(echo "$out" | grep -o 'Reason: commitFailed') $(sed -n "$((n + 1)),\$p" "$T/resolvectl.log" | tr '\n' '|') $(link_servers "203.0.113.53 203.0.113.54" 1) $([ "$before" = "$(snap)" ] && echo file-same)" \
	"Reason: commitFailed dns vc 203.0.113.54|dns vc 203.0.113.53 203.0.113.54| Hex-STRING: CB 00 71 35 file-same" \
	"a link's row and a file row with a route the kernel refuses: the command run again with the old list, the file as it was"
nsx ip route add 192.0.2.0/24 dev va src 192.0.2.100 proto kernel scope link
out=$(setw "$SRV.4.$IFC.1" i 6 "$SRV.4.$IFC.2" i 6); rc=$?
is "rc=$rc $(tail -1 "$T/resolvectl.log" | od -An -c | tr -s ' ')" "rc=0  d n s v c \n" \
	"every server of vc destroyed: 'resolvectl dns vc' with an empty argument, which resets the link's list"
both_alive "a link systemd-resolved keeps"

# ---------------------------------------------------------------- a file a manager owns
for hdr in "# Generated by NetworkManager" \
	"# Dynamic resolv.conf(5) file for glibc resolver(3) generated by resolvconf(8)"; do
	printf '%s\nnameserver 192.0.2.1\nsearch m.example\n' "$hdr" >"$RC"
	who=$(echo "$hdr" | grep -o 'NetworkManager\|resolvconf')
	expect inconsistentValue 19 91 "a new server, the file owned by $who" "$SRV.4.$IFA.2" i 4 "$SRV.3.$IFA.2" x "$(hex4 192.0.2.2)"
	expect inconsistentValue 18 91 "SetDNSDomain, the file owned by $who" $TC.7.0 s x.example
	grep -q "resolver: /etc/resolv.conf belongs to $who (its header names it): not written" "$T/cimrouted.log"
	result $? "the log names $who"
done

# Debian's dhclient-script writes no header: a dhclient running in the namespace owns the file.
printf '%s\n' "$START" >"$RC"
cp "$(command -v sleep)" "$T/dhclient"
ip netns exec "$NS" "$T/dhclient" 60 &
DHC=$!
EXTRA_PIDS+=("$DHC")
wait_for grep -qx dhclient "/proc/$DHC/comm"
expect inconsistentValue 20 91 "a new suffix while a dhclient runs in the namespace" "$SFX.3.3" i 4 "$SFX.2.3" s q.example
grep -q "resolver: /etc/resolv.conf belongs to dhclient-script (dhclient, pid $DHC, runs in this network namespace)" "$T/cimrouted.log"
result $? "the log names dhclient and its pid"
stop_pid "$DHC" TERM 3

# ---------------------------------------------------------------- all or nothing
ROW() { echo "$OID_ENTRY.24.$1.255.255.0.0.$2.$IFA.254.0.0"; }
DNSVB=("$SRV.4.$IFA.2" i 4 "$SRV.3.$IFA.2" x "$(hex4 192.0.2.77)" "$SFX.3.3" i 4 "$SFX.2.3" s z.example $TC.7.0 s y.example)
setw $TC.7.0 s first.example >/dev/null # LastMethod 18, LastResult 0 from here
expect inconsistentValue 18 0 "DNS rows and the domain with a route row refused in its check" \
	"${DNSVB[@]}" "$(ROW 10.9.0.0 203.0.113.1)" i 4
nsx ip route del 192.0.2.0/24 dev va
before=$(cat "$RC")
out=$(setw "${DNSVB[@]}" "$(ROW 10.11.0.0 192.0.2.1)" i 4)
is "$(echo "$out" | grep -o 'Reason: commitFailed') $([ "$before" = "$(cat "$RC")" ] && echo same) $(last)" \
	"Reason: commitFailed same 18 0" "DNS rows and the domain with a route the kernel refuses: the file put back byte for byte"
grep -q "resolver: undone: /etc/resolv.conf put back as it was" "$T/cimrouted.log"
result $? "the log says the file was put back"
nsx ip route add 192.0.2.0/24 dev va src 192.0.2.100 proto kernel scope link
out=$(setw "${DNSVB[@]}" "$(ROW 10.11.0.0 192.0.2.1)" i 4); rc=$?
is "rc=$rc $(conf) $(nsx ip -4 route show 10.11.0.0/16 | wc -l)" \
	"rc=0 nameserver 192.0.2.53|nameserver 192.0.2.77|search y.example first.example second.example z.example| 1" \
	"the same SET once the kernel takes the route: both applied"
both_alive "all or nothing"

is "$(sha256sum /etc/resolv.conf 2>/dev/null)" "$HOST_BEFORE" "the host's /etc/resolv.conf is unchanged"
[ ! -e /etc/.resolv.conf.cimrouted-new ] && [ ! -e /etc/.resolv.conf.cimrouted-old ]
result $? "no temporary file beside the host's /etc/resolv.conf"
done_testing
