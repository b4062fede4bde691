#!/bin/bash
# generate.sh [OUTPUT]: make snmp.yml from generator.yml (beside this script) and the MIB
# (mibs/CIM-ROUTE-MIB.txt) with prometheus-snmp-generator, the config generator of
# snmp_exporter (Debian: package prometheus-snmp-exporter). OUTPUT defaults to the snmp.yml
# beside this script, which is committed; tests/mib/check-prom.sh regenerates it into a
# temporary directory and fails when the two differ.
#
# Reproducible: the generator reads only CIM-ROUTE-MIB and the five IETF modules it imports,
# copied into a private directory (no host snmp.conf, no other MIB), and the output starts
# with the generator's upstream version, the only other input that changes it.
# The IETF modules come from MIB_BASE_DIR, else net-snmp's /usr/share/snmp/mibs (Debian's
# snmp-mibs-downloader), else Debian's erlang-snmp (/usr/lib/erlang/lib/snmp-*/mibs), as
# tests/mib/ietf-base.sh finds them for the tests.
# Environment: SNMP_GENERATOR, the generator (default prometheus-snmp-generator);
# GENERATOR_YML, the input (default the generator.yml beside this script).
# Exit status: 0 written, 1 failed, 2 a tool or a module is missing.

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$here/snmp.yml}
gen=${SNMP_GENERATOR:-prometheus-snmp-generator}
imports="SNMPv2-SMI SNMPv2-TC SNMPv2-CONF SNMP-FRAMEWORK-MIB INET-ADDRESS-MIB"

die() { echo "generate.sh: $2" >&2; exit "$1"; }
command -v "$gen" >/dev/null 2>&1 ||
	die 2 "$gen not found (Debian: apt-get install prometheus-snmp-exporter)"

# the IETF modules' directory, found as the tests find it
. "$top/tests/mib/ietf-base.sh"
base=$(ietf_base_dir)
[ -n "$base" ] || die 2 "IETF base MIB modules not found (install erlang-snmp or set MIB_BASE_DIR)"

# the generator's upstream version (Debian's package version without its revision)
version=unknown
if pkg=$(dpkg-query -S "$(command -v "$gen")" 2>/dev/null); then
	version=$(dpkg-query -W -f='${Version}' "${pkg%%:*}" 2>/dev/null)
	version=${version#*:}
	version=${version%-*}
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/mibs" "$tmp/conf"
cp "$top/mibs/CIM-ROUTE-MIB.txt" "$tmp/mibs/" || exit 1
for m in $imports; do
	f=$(ietf_base_module "$base" "$m") || die 2 "$m not found in $base"
	cp "$f" "$tmp/mibs/$m.txt" || exit 1
done
cp "${GENERATOR_YML:-$here/generator.yml}" "$tmp/generator.yml" || exit 1
( cd "$tmp" &&
	env -u MIBS -u MIBFILES HOME="$tmp" SNMPCONFPATH="$tmp/conf" MIBDIRS="$tmp/mibs" \
		"$gen" --fail-on-parse-errors --log.level=warn generate -o "$tmp/snmp.yml" ) ||
	die 1 "$gen failed"
{
	echo "# Made by contrib/prometheus/generate.sh from contrib/prometheus/generator.yml and"
	echo "# CIM-ROUTE-MIB with prometheus-snmp-generator $version. Do not edit: edit"
	echo "# generator.yml and run generate.sh again (tests/mib/check-prom.sh compares them)."
	cat "$tmp/snmp.yml"
} >"$tmp/out" || exit 1
mv "$tmp/out" "$out" || die 1 "cannot write $out"
