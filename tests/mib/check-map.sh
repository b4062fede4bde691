#!/bin/bash
# Check mof-map/map.tsv against mibs/CIM-ROUTE-MIB.txt, mof-map/*.mof and the WMI class
# reference (TAP output; the work is done by check_map.py next to this script).
#
# The reference lives outside the repository, in ../shared/reference/wmi-classes.md next
# to the source tree (as CI lays it out); WMI_REFERENCE may name another file. When it is
# absent (make distcheck), the checks that need it are reported as skipped.

srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
here=$(dirname "$0")
ref=${WMI_REFERENCE:-$srcdir/../shared/reference/wmi-classes.md}

command -v python3 >/dev/null 2>&1 || { echo "1..0 # SKIP python3 not found"; exit 0; }
[ -f "$here/check_map.py" ] || here="$srcdir/tests/mib"
exec python3 "$here/check_map.py" "$srcdir" "$ref"
