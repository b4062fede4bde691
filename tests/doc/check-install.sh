#!/bin/bash
# check-install.sh - what `make install` puts where, and that `make uninstall` takes it back (TAP).
#
# From the build tree: make install DESTDIR=$T/root. The files installed (relative to DESTDIR)
# must be exactly EXPECTED below, each written with the make variable of its directory (so the
# list holds for any --prefix, as in make distcheck); a file added or moved must change this
# list too. Then: programs 0755, everything else 0644, no directory writable by group or others;
# the systemd unit's ExecStart is the installed daemon (the configured sbindir) and its
# Documentation the installed README; man finds the three pages in the installed mandir and
# renders them; net-snmp's snmptranslate finds CIM-ROUTE-MIB in the installed mibdir (when the
# IETF modules of erlang-snmp are there); make uninstall DESTDIR=$T/root leaves no file.
#
# Environment: abs_top_builddir (automake) or BUILDDIR: a configured and built tree.

. "$(dirname "$0")/../integration/lib.sh"
BUILD=${abs_top_builddir:-${BUILDDIR:-$PWD}}
[ -f "$BUILD/Makefile" ] || bail_out "$BUILD/Makefile not found: set abs_top_builddir or BUILDDIR"

# directory variable / file name / mode; the unit only when configure names its directory
EXPECTED='
sbindir cimrouted 755
bindir cimq 755
mibdir CIM-ROUTE-MIB.txt 644
pkgdatadir map.tsv 644
pkgdatadir snmptt/cim-route.conf 644
cimqbasedir INET-ADDRESS-MIB.txt 644
cimqbasedir SNMP-FRAMEWORK-MIB.txt 644
cimqbasedir SNMPv2-CONF.txt 644
cimqbasedir SNMPv2-SMI.txt 644
cimqbasedir SNMPv2-TC.txt 644
docdir README.md 644
man1dir cimq.1 644
man5dir cimrouted.conf.5 644
man8dir cimrouted.8 644
systemdsystemunitdir cimrouted.service 644
sysusersdir cimroute.conf 644
'

T=$(mktemp -d "${TMPDIR:-/tmp}/check-install.XXXXXX") || bail_out "mktemp failed"
trap 'rm -rf "$T"' EXIT
ROOT=$T/root

# mk ARGS...: make in the build tree, outside any make that runs this test
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$BUILD" "$@"; }

# dir VAR: the value of the make variable VAR in the build tree, expanded
printf 'print-dir-%%:\n\t@echo "$($*)"\n' >"$T/print.mk"
dir() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s --no-print-directory -C "$BUILD" -f Makefile -f "$T/print.mk" "print-dir-$1"; }

# the unit is installed unless configure was given --without-systemdsystemunitdir
UNIT_OFF=$([ -n "$(dir systemdsystemunit_DATA)" ] || echo yes)
: >"$T/expected"
while read -r var name mode; do
	[ -n "$var" ] || continue
	case $var in systemdsystemunitdir | sysusersdir) [ -n "$UNIT_OFF" ] && continue ;; esac   # configured "no"
	d=$(dir "$var")
	[ -n "$d" ] || bail_out "make variable $var is empty"
	printf '%s %s\n' "$d/$name" "$mode" >>"$T/expected"
done <<<"$EXPECTED"
sort -o "$T/expected" "$T/expected"

mk install DESTDIR="$ROOT" >"$T/install.out" 2>&1
result $? "make install DESTDIR=... succeeds" || tail -n 20 "$T/install.out" | diag

(cd "$ROOT" && find . -type f -o -type l) | sed 's/^\.//' | sort >"$T/files"
cut -d' ' -f1 "$T/expected" >"$T/expected-files"
if diff -u "$T/expected-files" "$T/files" >"$T/files.diff"; then
	ok "the installed files are exactly the expected $(wc -l <"$T/files")"
else
	not_ok "the installed files are exactly the expected ones"
	diag <"$T/files.diff"
fi
diag <"$T/expected-files"

bad=$(while read -r f mode; do
	m=$(stat -c %a "$ROOT$f" 2>/dev/null)
	[ "$m" = "$mode" ] || printf '%s is %s, not %s; ' "$f" "${m:-missing}" "$mode"
done <"$T/expected")
is "$bad" "" "programs are 0755, the other files 0644"
wdirs=$(find "$ROOT" -mindepth 1 -type d -perm /022 | sed "s|^$ROOT||" | tr '\n' ' ')
is "$wdirs" "" "no installed directory is writable by group or others"

# the systemd unit names what was installed
if [ -z "$UNIT_OFF" ]; then
	unit=$ROOT$(dir systemdsystemunitdir)/cimrouted.service
	sbindir=$(dir sbindir)
	execstart=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
	is "$execstart" "$sbindir/cimrouted" "the unit's ExecStart is the installed daemon"
	[ -x "$ROOT$execstart" ]
	result $? "... which make install put there"
	docs=$(sed -n 's/^Documentation=//p' "$unit")
	is "$docs" "man:cimrouted(8) file://$(dir docdir)/README.md" "the unit's Documentation names the man page and the installed README"
fi

# man finds the installed pages by name; they render
mandir=$ROOT$(dir mandir)
if command -v man >/dev/null 2>&1; then
	for p in 1:cimq 5:cimrouted.conf 8:cimrouted; do
		out=$(MANWIDTH=80 man -M "$mandir" "${p%%:*}" "${p#*:}" 2>&1 | head -n 1)
		n=${p#*:}
		case $out in
		"${n^^}(${p%%:*})"*)
			ok "man -M MANDIR ${p%%:*} ${p#*:} finds the installed page" ;;
		*)
			not_ok "man -M MANDIR ${p%%:*} ${p#*:} finds the installed page"; diag "$out" ;;
		esac
	done
else
	skip "man finds the installed pages" "man not installed"
fi

# net-snmp finds the MIB where it was installed
erl=$(ls -d /usr/lib/erlang/lib/snmp-*/mibs 2>/dev/null | tail -n 1)
if command -v snmptranslate >/dev/null 2>&1 && [ -n "$erl" ]; then
	out=$(HOME=$T SNMPCONFPATH=$T MIBDIRS="$ROOT$(dir mibdir):$erl" MIBS=CIM-ROUTE-MIB \
		snmptranslate -On CIM-ROUTE-MIB::cimPingCompletion 2>&1)
	is "$out" ".1.3.6.1.4.1.32473.1.0.3" "snmptranslate finds CIM-ROUTE-MIB in the installed mibdir"
else
	skip "snmptranslate finds the installed MIB" "snmptranslate or erlang-snmp's MIBs not installed"
fi

mk uninstall DESTDIR="$ROOT" >"$T/uninstall.out" 2>&1
result $? "make uninstall DESTDIR=... succeeds" || tail -n 20 "$T/uninstall.out" | diag
left=$(cd "$ROOT" && find . -type f -o -type l | sed 's/^\.//' | tr '\n' ' ')
is "$left" "" "make uninstall leaves no file"

done_testing
