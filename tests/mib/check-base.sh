#!/bin/bash
# cimq's stand-ins for the IETF base modules (mibs/base/) against the real ones (TAP output).
#
# An installed cimq loads CIM-ROUTE-MIB with mibs/base/ when the system lacks the IETF base
# modules (Debian ships none outside erlang-snmp). The stand-ins must make net-snmp's parser
# see every CIM-ROUTE-MIB object exactly as the real modules do: OID, syntax, range, display
# hint, enumerations, index. This compares `snmptranslate -Td` of every object under both.
# The one deliberate difference: SnmpAdminString's DISPLAY-HINT is "255t" as RFC 3411 has it
# (erlang-snmp's copy says "255a"); cimq reads the octets, not the hint.
#
# Environment: srcdir (set by automake); MIB_BASE_DIR may name the real modules' directory.

srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v snmptranslate >/dev/null 2>&1 || { echo "1..0 # SKIP snmptranslate not found (install snmp)"; exit 0; }
. "$srcdir/tests/mib/ietf-base.sh"
real=$(ietf_base_dir)
[ -n "$real" ] || { echo "1..0 # SKIP IETF base MIB modules not found (install erlang-snmp)"; exit 0; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export SNMPCONFPATH="$tmp/conf" HOME="$tmp" SNMP_PERSISTENT_DIR="$tmp/persist"
unset MIBS MIBDIRS MIBFILES
mkdir -p "$tmp/conf"

# describe BASEDIR OUT ERR: -Td of every CIM-ROUTE-MIB object, base modules from BASEDIR
describe() {
	local dirs="$srcdir/mibs:$1" o
	snmptranslate -M "$dirs" -m CIM-ROUTE-MIB -TB '^cim' 2>"$3" >"$tmp/names"
	while read -r o; do
		snmptranslate -M "$dirs" -m CIM-ROUTE-MIB -Td -On "$o" 2>>"$3"
	done <"$tmp/names" | sed 's/DISPLAY-HINT\t"255t"/DISPLAY-HINT\t"255a"/' >"$2"
}

echo "1..4"
describe "$real" "$tmp/real" "$tmp/real.err"
describe "$srcdir/mibs/base" "$tmp/stand" "$tmp/stand.err"
n=$(grep -c '^\.1\.3\.6\.1\.4\.1\.32473\.1' "$tmp/stand")
if [ "$n" -gt 300 ]; then echo "ok 1 - the stand-ins resolve $n objects"; else echo "not ok 1 - only $n objects resolve with the stand-ins"; fi
if grep -qiE 'cannot find|did not find|unlinked|undefined' "$tmp/stand.err"; then
	echo "not ok 2 - the parser is silent with the stand-ins"
	sed 's/^/# /' "$tmp/stand.err" | head -20
else
	echo "ok 2 - the parser is silent with the stand-ins"
fi
if diff "$tmp/real" "$tmp/stand" >"$tmp/diff"; then
	echo "ok 3 - every object reads the same as with the real base modules"
else
	echo "not ok 3 - every object reads the same as with the real base modules"
	head -20 "$tmp/diff" | sed 's/^/# /'
fi
# the stand-ins hold only what CIM-ROUTE-MIB imports: each imported name is defined in them
imports=$(sed -n '/^IMPORTS/,/;/p' "$srcdir/mibs/CIM-ROUTE-MIB.txt" | sed 's/--.*//' |
	tr ',;' '  ' | tr -s ' \t\n' '\n' | grep -vE '^(IMPORTS|FROM|SNMPv2-(SMI|TC|CONF)|[A-Z0-9-]+-MIB)$' |
	grep -vE '^(MODULE-IDENTITY|OBJECT-TYPE|OBJECT-IDENTITY|NOTIFICATION-TYPE|TEXTUAL-CONVENTION|MODULE-COMPLIANCE|OBJECT-GROUP|NOTIFICATION-GROUP|Integer32|Unsigned32|Gauge32|Counter32|Counter64|IpAddress)$')
missing=""
for name in $imports; do
	grep -qE "^$name +(::=|OBJECT IDENTIFIER)" "$srcdir"/mibs/base/*.txt || missing="$missing $name"
done
if [ -z "$missing" ] && [ -n "$imports" ]; then
	echo "ok 4 - the stand-ins define the $(echo $imports | wc -w) names CIM-ROUTE-MIB imports"
else
	echo "not ok 4 - the stand-ins define the names CIM-ROUTE-MIB imports (missing:$missing)"
fi
