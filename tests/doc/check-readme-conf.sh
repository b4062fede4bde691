#!/bin/bash
# check-readme-conf.sh - the README's snmpd.conf example says what its text says (TAP).
#
# The block of *Running it beside the system's snmpd* that starts "master agentx", and the
# trap sinks after it, are read as snmpd reads them:
# 1. No directive line carries a "#" after the directive: snmpd.conf has comments on lines of
#    their own only (a "# ..." after agentXSocket's path became part of the socket's name, after
#    a view's subtree its mask).
# 2. Every subtree of the write views names the MIB object the text gives it: cimroute-routes
#    exactly cimIP4Route, cimIP4PersistedRoute, cimRouteEvent, cimIP6Route and
#    cimIP6PersistedRoute; cimroute-adapters exactly cimNetworkAdapter and cimAdapterConfig
#    (snmptranslate with mibs/CIM-ROUTE-MIB.txt and the stand-ins of mibs/base).
# 3. The checks can fail: a copy of the block with a comment after a directive, and one with
#    the subtrees one arc short (.32473.1.N, the old mistake), are each refused.
#
# Environment: abs_top_srcdir (automake), else the tree this script is in.
# Needs snmptranslate (Debian: snmp), else skipped.

. "$(dirname "$0")/../integration/lib.sh"
SRC=${abs_top_srcdir:-$TOP_SRCDIR}
README=$SRC/README.md
command -v snmptranslate >/dev/null 2>&1 || skip_all "snmptranslate not installed (Debian package snmp)"

T=$(mktemp -d "${TMPDIR:-/tmp}/check-readme-conf.XXXXXX") || bail_out "mktemp failed"
trap 'rm -rf "$T"' EXIT

# the configuration blocks: from the fence before "master agentx" to the one after the sinks
awk '/^```/ { if (inb) { inb = 0; if (want) exit } else { inb = 1; buf = "" } next }
     inb { buf = buf $0 "\n"; if ($1 == "master" && $2 == "agentx") want = 1;
           if (want) print }' "$README" >"$T/conf"
awk '/^```/ { inb = !inb; next } inb && /^(trap2sink|informsink|trapsess)/' "$README" >>"$T/conf"
[ -s "$T/conf" ] || bail_out "no snmpd.conf block with 'master agentx' in $README"

# trailing_comments FILE: the directive lines of FILE with a "#" after the directive
trailing_comments() { grep -nE '^[[:space:]]*[^#[:space:]].*#' "$1" | head -n 1 | grep .; }

# view_names FILE VIEW: the MIB names of VIEW's subtrees, sorted, one a line
view_names() {
	local oid
	awk -v v="$2" '$1 == "view" && $2 == v { print $4 }' "$1" | while read -r oid; do
		MIBDIRS="$SRC/mibs:$SRC/mibs/base" MIBS=CIM-ROUTE-MIB snmptranslate -Os "$oid" 2>/dev/null ||
			echo "(unknown $oid)"
	done | sort
}

ROUTES=$(printf '%s\n' cimIP4PersistedRoute cimIP4Route cimIP6PersistedRoute cimIP6Route cimRouteEvent)
ADAPTERS=$(printf '%s\n' cimAdapterConfig cimNetworkAdapter)

# conf_ok FILE: 0 when FILE passes checks 1 and 2; the reason on stdout otherwise
conf_ok() {
	local bad got
	bad=$(trailing_comments "$1") && { echo "a comment after a directive: $bad"; return 1; }
	got=$(view_names "$1" cimroute-routes)
	[ "$got" = "$ROUTES" ] || { echo "cimroute-routes is" $got; return 1; }
	got=$(view_names "$1" cimroute-adapters)
	[ "$got" = "$ADAPTERS" ] || { echo "cimroute-adapters is" $got; return 1; }
}

plan 3
why=$(conf_ok "$T/conf")
result $? "the README's snmpd.conf: comments on lines of their own, write views as described${why:+ ($why)}"

sed 's#^\(agentXSocket .*\)$#\1   \# the default#' "$T/conf" >"$T/comment"
why=$(conf_ok "$T/comment")
[ $? -ne 0 ] && [ -n "$why" ]
result $? "a comment after agentXSocket's path is found ($why)"

sed 's#\.1\.3\.6\.1\.4\.1\.32473\.1\.1\.\([0-9]*\)$#.1.3.6.1.4.1.32473.1.\1#' "$T/conf" >"$T/short"
why=$(conf_ok "$T/short")
[ $? -ne 0 ] && [ -n "$why" ]
result $? "write views one arc short (.32473.1.N) are found ($why)"
done_testing
