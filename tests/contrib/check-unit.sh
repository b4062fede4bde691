#!/bin/bash
# Check contrib/cimrouted.service (issue 16, TAP output): `systemd-analyze security
# --offline=true` scores its exposure 2.0 or lower and keeps no capability but CAP_NET_ADMIN
# and CAP_NET_RAW; `systemd-analyze verify` accepts it (with ExecStart pointed at the built
# daemon, since verify wants the program to exist); contrib/cimroute.sysusers declares the
# unit's User=. Skipped without systemd-analyze (package systemd).
#
# Environment: srcdir and abs_top_builddir (set by automake), or BUILDDIR.

srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${BUILDDIR:-${abs_top_builddir:-$PWD}}
unit=$srcdir/contrib/cimrouted.service
MAX=2.0

command -v systemd-analyze >/dev/null 2>&1 || { echo "1..0 # SKIP systemd-analyze not found (install systemd)"; exit 0; }
echo "1..5"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }

out=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1)
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
if [ -n "$score" ] && awk -v s="$score" -v m="$MAX" 'BEGIN { exit !(s <= m) }'; then
	ok "systemd-analyze security --offline=true scores the unit $score (at most $MAX)"
else
	not_ok "systemd-analyze security --offline=true scores the unit ${score:-?} (at most $MAX)"
	printf '%s\n' "$out" | grep -v '^✓' | diag
fi

caps() { sed -n "s/^$1=//p" "$unit" | tr ' ' '\n' | sort | tr '\n' ' '; }
if [ "$(caps CapabilityBoundingSet)" = "CAP_NET_ADMIN CAP_NET_RAW " ] &&
	[ "$(caps AmbientCapabilities)" = "CAP_NET_ADMIN CAP_NET_RAW " ]; then
	ok "bounding and ambient capabilities: CAP_NET_ADMIN and CAP_NET_RAW only"
else
	not_ok "bounding and ambient capabilities: CAP_NET_ADMIN and CAP_NET_RAW only"
	grep -E '^(CapabilityBoundingSet|AmbientCapabilities)=' "$unit" | diag
fi

if grep -q '^ReadWritePaths=' "$unit"; then
	not_ok "no ReadWritePaths (a path that does not exist makes the unit fail)"
else
	ok "no ReadWritePaths (a path that does not exist makes the unit fail)"
fi

daemon=$builddir/agent/cimrouted
if [ -x "$daemon" ]; then
	sed "s|^ExecStart=/usr/local/sbin/cimrouted |ExecStart=$daemon |" "$unit" >"$tmp/cimrouted.service"
	if out=$(systemd-analyze verify --man=no "$tmp/cimrouted.service" 2>&1) && [ -z "$out" ]; then
		ok "systemd-analyze verify accepts the unit"
	else
		not_ok "systemd-analyze verify accepts the unit"
		printf '%s\n' "$out" | diag
	fi
else
	ok "systemd-analyze verify accepts the unit # SKIP $daemon not built"
fi

user=$(sed -n 's/^User=//p' "$unit")
if [ -n "$user" ] && grep -Eq "^u $user " "$srcdir/contrib/cimroute.sysusers"; then
	ok "contrib/cimroute.sysusers declares the unit's user ($user)"
else
	not_ok "contrib/cimroute.sysusers declares the unit's user (${user:-none})"
fi
