#!/bin/bash
# Check mibs/CIM-ROUTE-MIB.txt with smilint and net-snmp's parser (TAP output).
#
# The IETF base modules (SNMPv2-SMI, SNMPv2-TC, SNMPv2-CONF, SNMP-FRAMEWORK-MIB,
# INET-ADDRESS-MIB) are found by tests/mib/ietf-base.sh: on Debian, erlang-snmp's copies
# (/usr/lib/erlang/lib/snmp-<version>/mibs/*.mib). Without smilint (package smitools),
# snmptranslate (package snmp) or those modules, the whole test is skipped.
#
# Environment: srcdir (set by automake) points to the source tree; MIB_BASE_DIR may name
# the directory of the IETF modules.

srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
mib="$srcdir/mibs/CIM-ROUTE-MIB.txt"
layout="$srcdir/doc/route-table-layout.md"
module=CIM-ROUTE-MIB
root=.1.3.6.1.4.1.32473.1

command -v smilint >/dev/null 2>&1 || { echo "1..0 # SKIP smilint not found (install smitools)"; exit 0; }
command -v snmptranslate >/dev/null 2>&1 || { echo "1..0 # SKIP snmptranslate not found (install snmp)"; exit 0; }
. "$srcdir/tests/mib/ietf-base.sh"
base=$(ietf_base_dir)
if [ -z "$base" ]; then
	echo "1..0 # SKIP IETF base MIB modules not found (install erlang-snmp)"
	exit 0
fi
[ -f "$mib" ] || { echo "1..1"; echo "not ok 1 - $mib exists"; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# keep the host's snmp.conf and MIB settings out of the test
export SNMPCONFPATH="$tmp/conf" HOME="$tmp"
unset MIBS MIBDIRS MIBFILES SNMP_PERSISTENT_DIR
mkdir -p "$tmp/conf" "$tmp/mibs"
cp "$mib" "$tmp/mibs/"
trans() { snmptranslate -M "$base:$tmp/mibs" -m "$module" "$@"; }

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
diag() { sed 's/^/# /'; }
check() {  # check TITLE DIAGFILE: ok when DIAGFILE is empty
	if [ -s "$2" ]; then notok "$1"; diag <"$2"; else ok "$1"; fi
}

echo "1..10"

# 1, 2: smilint. Severities 0-3 are errors, 4-6 warnings (smilint -s).
SMIPATH="$base" smilint -m -s -l 6 "$mib" >"$tmp/smilint.out" 2>&1
grep -E ':[0-9]+: \[[0-3]\] ' "$tmp/smilint.out" >"$tmp/errors"
# any other output (a module that cannot be found, a crash) counts as an error
grep -vE ':[0-9]+: \[[0-9]\] |^[[:space:]]*$' "$tmp/smilint.out" >>"$tmp/errors"
check "smilint -l 6 reports no errors" "$tmp/errors"
grep -E ':[0-9]+: \[[4-6]\] ' "$tmp/smilint.out" | diag
# accepted warnings: the implicit node 32473 above the root (the root is written as
# { enterprises 32473 1 }), and InetAddressIPv6 in the IPv6-only route table
grep -E ':[0-9]+: \[[4-6]\] ' "$tmp/smilint.out" |
	grep -vE '\{node-implicit\}|\{inetaddress-specific\}.*InetAddressIPv6' >"$tmp/warn"
check "smilint -l 6 reports no warnings beyond the accepted ones" "$tmp/warn"

# 3: net-snmp's parser loads the module without a word on stderr
# (but for the notice of the first net-snmp tool run as root on a new machine, which makes its
# persistent directory: "Created directory: /var/lib/snmp/cert_indexes")
trans -Tp >"$tmp/tree" 2>"$tmp/err.all"
rc=$?
grep -v '^Created directory: ' "$tmp/err.all" >"$tmp/err"
[ $rc -eq 0 ] || echo "snmptranslate exited with status $rc" >>"$tmp/err"
check "snmptranslate loads $module with empty stderr" "$tmp/err"

# 4: the tree holds every table of the module
: >"$tmp/missing"
awk '/^[a-z][A-Za-z0-9]* +OBJECT-TYPE/ { name = $1 }
     /^ +SYNTAX +SEQUENCE +OF / && name != "" { print name }
     /::=/ { name = "" }' "$mib" >"$tmp/tables"
[ -s "$tmp/tables" ] || echo "no table found in $mib" >>"$tmp/missing"
while read -r t; do
	grep -q -- "--$t(" "$tmp/tree" || echo "$t is not in the snmptranslate -Tp tree" >>"$tmp/missing"
done <"$tmp/tables"
check "snmptranslate -Tp draws all $(wc -l <"$tmp/tables") tables" "$tmp/missing"

# 5: a lookup by name
got=$(trans -On "$module::cimIP4RouteTable" 2>&1)
if [ "$got" = "$root.1.1.3" ]; then ok "$module::cimIP4RouteTable is $root.1.1.3"
else notok "$module::cimIP4RouteTable is $root.1.1.3"; echo "got: $got" | diag; fi

# 6: the index clause of the route entry
want="cimIP4RouteDestination, cimIP4RouteMask, cimIP4RouteNextHop, cimIP4RouteInterfaceIndex, cimIP4RouteKernelTable, cimIP4RouteTos, cimIP4RouteKernelMetric"
got=$(trans -Td "$module::cimIP4RouteEntry" 2>&1 | sed -n 's/^ *INDEX[[:space:]]*{ *\(.*\) *}[[:space:]]*$/\1/p' | sed 's/ *$//')
if [ "$got" = "$want" ]; then ok "cimIP4RouteEntry INDEX lists the 7 index objects in order"
else notok "cimIP4RouteEntry INDEX lists the 7 index objects in order"; printf 'got:  %s\nwant: %s\n' "$got" "$want" | diag; fi

# 7: notifications sit under the 0 arc
: >"$tmp/bad"
i=0
while read -r nt; do
	i=$((i + 1))
	o=$(trans -On "$module::$nt" 2>&1)
	case "$o" in "$root.0."[0-9]*) ;; *) echo "$nt is $o, not under $root.0" >>"$tmp/bad" ;; esac
done < <(sed -n 's/^\(cim[A-Za-z0-9]*\) NOTIFICATION-TYPE.*/\1/p' "$mib")
[ $i -gt 0 ] || echo "no NOTIFICATION-TYPE found" >>"$tmp/bad"
check "all $i notifications are under cimRouteNotifications ($root.0)" "$tmp/bad"

# 8: the enterprise number is written in one ::= clause only
c=$(grep -cE '::=[[:space:]]*\{[^}]*32473' "$mib")
if [ "$c" = 1 ]; then ok "the root { enterprises 32473 1 } is written once"
else notok "the root { enterprises 32473 1 } is written once"; echo "$c ::= clauses hold 32473" | diag; fi

# 9, 10: the fixed layout of doc/route-table-layout.md
if [ ! -f "$layout" ]; then
	n=$((n + 1)); echo "ok $n - every OID of the layout document has its documented name # SKIP $layout not found"
	n=$((n + 1)); echo "ok $n - SYNTAX and MAX-ACCESS of the route table match the layout document # SKIP $layout not found"
else
	# name <TAB> numeric OID <TAB> syntax <TAB> access (the last two for objects only)
	awk -v OFS='\t' '
	function trim(s) { gsub(/^[ \t]+|[ \t,]+$/, "", s); return s }
	function emit(name, oid, rest,    acc, syn) {
		acc = ""; syn = ""
		if (match(rest, /not-accessible|read-only|read-create|read-write|accessible-for-notify/)) {
			acc = substr(rest, RSTART, RLENGTH); syn = trim(substr(rest, 1, RSTART - 1))
			if (syn == "idem") syn = last
			last = syn
		}
		print name, oid, syn, acc
	}
	/^Semantics/ { exit }
	/MODULE-IDENTITY ::=/ && match($0, /-- *[0-9][0-9.]*/) {
		o[$1] = substr($0, RSTART, RLENGTH); sub(/-- */, "", o[$1]); print $1, "." o[$1], "", ""; next }
	/^ *cim[A-Za-z0-9]+ +::= +\{ *cim[A-Za-z0-9]+ +[0-9]+ *\}/ {
		o[$1] = o[$4] "." $5; print $1, "." o[$1], "", ""; next }
	/^Arcs under cimRouteObjects/ { arcs = 1; next }
	arcs && /^ +cim[A-Za-z0-9]+ +[0-9]+ / { print $1, "." o["cimRouteObjects"] "." $2, "", ""; next }
	arcs && /^Each arc/ { arcs = 0 }
	/^cimIP4Route \([0-9.]+\)/ { match($0, /\([0-9.]+\)/); sec = substr($0, RSTART + 1, RLENGTH - 2); next }
	sec != "" && /^ +cim[A-Za-z0-9]+ +\.[0-9.]+/ {
		rest = $0; sub(/^ +[^ ]+ +[^ ]+/, "", rest); emit($1, "." sec $2, rest); next }
	sec != "" && /^ +[0-9]+ +cim[A-Za-z0-9]+ / {
		pname = $2; poid = "." sec ".3.1." $1; prest = $0; sub(/^ +[0-9]+ +[^ ]+/, "", prest)
		if (prest ~ /not-accessible|read-only|read-create|read-write/) { emit(pname, poid, prest); pname = "" }
		next }
	sec != "" && pname != "" { prest = prest " " $0
		if (prest ~ /not-accessible|read-only|read-create|read-write/) { emit(pname, poid, prest); pname = "" } }
	' "$layout" >"$tmp/layout"

	: >"$tmp/bad"
	[ "$(wc -l <"$tmp/layout")" -ge 30 ] || echo "only $(wc -l <"$tmp/layout") OIDs read from $layout" >>"$tmp/bad"
	while IFS=$'\t' read -r name oid _ _; do
		got=$(trans "$oid" 2>&1)
		[ "$got" = "$module::$name" ] || echo "$oid is $got, the layout says $name" >>"$tmp/bad"
	done <"$tmp/layout"
	check "every OID of the layout document ($(wc -l <"$tmp/layout")) has its documented name" "$tmp/bad"

	norm_base() {  # base type of a syntax text
		case "$1" in
		"OBJECT IDENTIFIER"*) echo "OBJECT IDENTIFIER" ;;
		*) local w=${1%% *}; echo "${w%%[(,{]*}" ;;
		esac
	}
	ranges() { grep -oE -- '-?[0-9]+\.\.-?[0-9]+' <<<"$1" | tr '\n' ' '; }
	enums() { grep -oE '[a-zA-Z][A-Za-z0-9]*\([0-9]+\)' <<<"$1" | tr '\n' ' '; }
	: >"$tmp/bad"
	while IFS=$'\t' read -r name oid syn acc; do
		[ -n "$acc" ] || continue
		td=$(trans -Td "$module::$name" 2>&1)
		tacc=$(sed -n 's/^ *MAX-ACCESS[[:space:]]*//p' <<<"$td")
		tsyn=$(sed -n 's/^ *SYNTAX[[:space:]]*//p' <<<"$td" | sed 's/[[:space:]]*$//')
		ttc=$(sed -n 's/^ *-- TEXTUAL CONVENTION //p' <<<"$td")
		[ "$tacc" = "$acc" ] || echo "$name: MAX-ACCESS $tacc, the layout says $acc" >>"$tmp/bad"
		want=$(norm_base "$syn")
		have=${ttc:-$(norm_base "$tsyn")}
		[ "$have" = "$want" ] || echo "$name: SYNTAX $have, the layout says $want" >>"$tmp/bad"
		[ "$(ranges "$tsyn")" = "$(ranges "$syn")" ] ||
			echo "$name: range '$(ranges "$tsyn")', the layout says '$(ranges "$syn")'" >>"$tmp/bad"
		if [ -n "$(enums "$syn")" ] && [ "$(enums "$tsyn")" != "$(enums "$syn")" ]; then
			echo "$name: enumeration '$(enums "$tsyn")', the layout says '$(enums "$syn")'" >>"$tmp/bad"
		fi
	done <"$tmp/layout"
	check "SYNTAX and MAX-ACCESS of the route table match the layout document" "$tmp/bad"
fi

[ $failed -eq 0 ]
