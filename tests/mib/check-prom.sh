#!/bin/bash
# Check contrib/prometheus/snmp.yml (TAP output): it is what contrib/prometheus/generate.sh
# makes of generator.yml and the MIB with Debian's prometheus-snmp-generator (package
# prometheus-snmp-exporter), the exporter accepts it, and the default module walks no per-route
# table. tests/integration/prometheus.sh scrapes a live cimrouted with it.
#
# Skipped when the generator is not installed, when the IETF base modules are missing (as
# tests/mib/check-mib.sh), or when the installed generator's version is not the one snmp.yml
# names in its header (another version writes another file: regenerate and commit it).
# Environment: srcdir (set by automake); SNMP_GENERATOR, MIB_BASE_DIR as generate.sh reads them.

srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
dir="$srcdir/contrib/prometheus"
gen=${SNMP_GENERATOR:-prometheus-snmp-generator}
exporter=prometheus-snmp-exporter

command -v "$gen" >/dev/null 2>&1 ||
	{ echo "1..0 # SKIP $gen not found (Debian: install prometheus-snmp-exporter)"; exit 0; }
[ -f "$dir/snmp.yml" ] && [ -f "$dir/generator.yml" ] ||
	{ echo "1..1"; echo "not ok 1 - $dir holds generator.yml and snmp.yml"; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
bash "$dir/generate.sh" "$tmp/snmp.yml" 2>"$tmp/gen.err"
rc=$?
if [ $rc -eq 2 ]; then
	echo "1..0 # SKIP $(head -n 1 "$tmp/gen.err")"
	exit 0
fi
made_with() { sed -n 's/^# CIM-ROUTE-MIB with prometheus-snmp-generator \([^ ]*\)\. .*/\1/p' "$1"; }
have=$(made_with "$tmp/snmp.yml")
want=$(made_with "$dir/snmp.yml")
if [ $rc -eq 0 ] && [ "$have" != "$want" ]; then
	echo "1..0 # SKIP the installed generator is $have, snmp.yml was made with $want"
	exit 0
fi

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
diag() { sed 's/^/# /'; }

echo "1..5"

# 1, 2: the committed file is the generator's output
if [ $rc -eq 0 ]; then ok "generate.sh makes snmp.yml ($gen $have)"
else notok "generate.sh makes snmp.yml"; diag <"$tmp/gen.err"; fi
if [ $rc -eq 0 ] && cmp -s "$tmp/snmp.yml" "$dir/snmp.yml"; then
	ok "contrib/prometheus/snmp.yml is generate.sh's output (regenerated: identical)"
else
	notok "contrib/prometheus/snmp.yml is generate.sh's output (regenerated: identical)"
	diff -u "$dir/snmp.yml" "$tmp/snmp.yml" 2>&1 | head -n 40 | diag
	echo "run contrib/prometheus/generate.sh and commit snmp.yml" | diag
fi

# 3: the comparison sees a change of generator.yml (one walked column less)
grep -v '^ *- cimPingRttMax$' "$dir/generator.yml" >"$tmp/generator.yml"
if cmp -s "$tmp/generator.yml" "$dir/generator.yml"; then
	notok "a generator.yml without cimPingRttMax gives another snmp.yml"
	echo "generator.yml walks no cimPingRttMax: the check needs another column to drop" | diag
elif GENERATOR_YML="$tmp/generator.yml" bash "$dir/generate.sh" "$tmp/other.yml" 2>"$tmp/other.err" &&
	! cmp -s "$tmp/other.yml" "$dir/snmp.yml"; then
	ok "a generator.yml without cimPingRttMax gives another snmp.yml (the check can fail)"
else
	notok "a generator.yml without cimPingRttMax gives another snmp.yml (the check can fail)"
	diag <"$tmp/other.err"
fi

# 4: the exporter loads it
if ! command -v "$exporter" >/dev/null 2>&1; then
	n=$((n + 1)); echo "ok $n - $exporter --dry-run accepts snmp.yml # SKIP $exporter not installed"
elif "$exporter" --dry-run --config.file="$dir/snmp.yml" >"$tmp/dry" 2>&1; then
	ok "$exporter --dry-run accepts snmp.yml"
else
	notok "$exporter --dry-run accepts snmp.yml"
	diag <"$tmp/dry"
fi

# 5: the live route tables (cimIP4RouteTable .1.1.1.3, cimIP6RouteTable .1.1.8.3) are walked by
# cimroute_routes alone: a default scrape stays small on a router with a full table
awk '/^[a-z_]+:$/ { mod = substr($1, 1, length($1) - 1) }
     /^  (walk|get):$/ { inlist = 1; next }
     /^  [a-z_]+:/ { inlist = 0 }
     inlist && /^  - / { print mod, $2 }' "$dir/snmp.yml" >"$tmp/oids"
route_oid='^1\.3\.6\.1\.4\.1\.32473\.1\.1\.(1|8)\.3(\.|$)'
bad=$(awk -v re="$route_oid" '$1 != "cimroute_routes" && $2 ~ re' "$tmp/oids")
routes=$(awk -v re="$route_oid" '$1 == "cimroute_routes" && $2 ~ re' "$tmp/oids" | wc -l)
defaults=$(awk '$1 == "cimroute"' "$tmp/oids" | wc -l)
if [ -z "$bad" ] && [ "$routes" -gt 0 ] && [ "$defaults" -gt 0 ]; then
	ok "only cimroute_routes walks the route tables ($routes columns; cimroute: $defaults OIDs)"
else
	notok "only cimroute_routes walks the route tables"
	{ echo "cimroute_routes: $routes route columns, cimroute: $defaults OIDs"; echo "$bad"; } | diag
fi

[ $failed -eq 0 ]
