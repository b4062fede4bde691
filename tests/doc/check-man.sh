#!/bin/bash
# check-man.sh - the man pages render without a warning and keep up with the code (TAP).
#
# 1. man/cimrouted.8, man/cimrouted.conf.5 and man/cimq.1 render with `groff -ww -mandoc -Tutf8
#    -z` and with `man --warnings -l` (MANWIDTH=80) with nothing on stderr; a page with a
#    deliberate fault shows that both commands do report one.
# 2. Every option cimrouted accepts is in cimrouted.8 (SYNOPSIS and an OPTIONS entry) and in the
#    README's options table. The options are read twice, from the getopt string of
#    agent/main.c and from the usage line of `cimrouted -h`, and both must agree.
# 3. Every configuration directive cimrouted registers is an entry of cimrouted.conf.5 and a row
#    of the README's directive table, and every entry of cimrouted.conf.5 is a directive it
#    registers. The directives are the daemon's own: tests/doc/confspy.c, preloaded, writes down
#    each register_config_handler() whose handler is not net-snmp's and stops the daemon at
#    init_snmp() (no file read, no master, no netlink; any user).
#
# Environment: abs_top_srcdir / abs_top_builddir (automake), or BUILDDIR; CC for confspy.c.
# Needs groff and man (Debian: groff, man-db), else skipped.

. "$(dirname "$0")/../integration/lib.sh"
SRC=${abs_top_srcdir:-$TOP_SRCDIR}
BUILD=${abs_top_builddir:-${BUILDDIR:-$PWD}}
DAEMON=$BUILD/agent/cimrouted
command -v groff >/dev/null 2>&1 || skip_all "groff not installed (Debian package groff)"
command -v man >/dev/null 2>&1 || skip_all "man not installed (Debian package man-db)"
[ -x "$DAEMON" ] || bail_out "$DAEMON not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/check-man.XXXXXX") || bail_out "mktemp failed"
trap 'rm -rf "$T"' EXIT
PAGES=(man/cimrouted.8 man/cimrouted.conf.5 man/cimq.1)
PAGE8=$SRC/man/cimrouted.8
PAGE5=$SRC/man/cimrouted.conf.5
README=$SRC/README.md

# ------------------------------------------------------------------ rendering

# render_groff PAGE / render_man PAGE: the page's warnings (stderr), nothing when clean
render_groff() { groff -ww -mandoc -Tutf8 -z "$1" 2>&1 >/dev/null; }
render_man() { MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings -l "$1" 2>&1 >/dev/null; }

# clean TEXT RENDERER PAGE: RENDERER prints nothing for PAGE
clean() {
	local out
	out=$("$2" "$3")
	if [ -z "$out" ]; then ok "$1"; else not_ok "$1"; printf '%s\n' "$out" | head -n 10 | diag; fi
}

for p in "${PAGES[@]}"; do
	[ -r "$SRC/$p" ] || { not_ok "$p exists"; continue; }
	clean "$p: groff -ww -mandoc renders it without a warning" render_groff "$SRC/$p"
	clean "$p: man --warnings -l (MANWIDTH=80) renders it without a warning" render_man "$SRC/$p"
	for s in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
		grep -q "^\.SH \"\{0,1\}$s\"\{0,1\}\$" "$SRC/$p" || { not_ok "$p has a $s section"; continue 2; }
	done
	ok "$p has NAME, SYNOPSIS, DESCRIPTION and SEE ALSO"
done

# the checks can fail: an undefined macro and an unbreakable line
{ sed -n '1,/^\.SH DESCRIPTION/p' "$PAGE8"; echo ".XX undefined"; printf 'x%.0s' {1..200}; echo; } >"$T/bad.8"
[ -n "$(render_groff "$T/bad.8")" ]
result $? "a faulty page (undefined macro, overlong word) gives groff warnings"
[ -n "$(render_man "$T/bad.8")" ]
result $? "a faulty page gives man warnings"

# ------------------------------------------------------------------ options

# the getopt string of agent/main.c, and the usage line of cimrouted -h: one letter a line
getopt_letters() {
	sed -n 's/.*getopt(argc, argv, "\([^"]*\)").*/\1/p' "$SRC/agent/main.c" | tr -d ':' | fold -w1 | sort -u
}
usage_letters() { "$DAEMON" -h | sed '/^  -/,$d' | grep -o '\[-[A-Za-z]' | cut -c3 | sort -u; }
getopt_letters >"$T/opts.getopt"
usage_letters >"$T/opts.usage"
[ -s "$T/opts.getopt" ] || bail_out "no getopt string found in agent/main.c"
if diff -u "$T/opts.getopt" "$T/opts.usage" >"$T/opts.diff"; then
	ok "cimrouted -h lists the options of its getopt string ($(tr -d '\n' <"$T/opts.getopt"))"
else
	not_ok "cimrouted -h lists the options of its getopt string"
	diag <"$T/opts.diff"
fi

# opt_missing LETTER: where option -LETTER is missing (SYNOPSIS, OPTIONS, README), one a line
opt_missing() {
	local o=$1
	# SYNOPSIS: \-o in .RB/.BR; OPTIONS: a .TP entry .B \-o or .BI "\-o "
	sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$PAGE8" | grep -q "\\\\-$o\\b" || echo "-$o (SYNOPSIS)"
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$PAGE8" | grep -A1 '^\.TP' | grep -q "^\.BI\{0,1\} \\\\-$o\\b" ||
		echo "-$o (OPTIONS)"
	grep -q "^| \`-$o\\b\|^| \`-[A-Za-z]\`, \`-$o\`" "$README" || echo "-$o (README)"
}
missing=$(while read -r o; do opt_missing "$o"; done <"$T/opts.getopt" | tr '\n' ' ')
is "$missing" "" "every option is in cimrouted.8's SYNOPSIS and OPTIONS, and in the README's table"
is "$(opt_missing Z | tr '\n' ' ')" "-Z (SYNOPSIS) -Z (OPTIONS) -Z (README) " \
	"the check finds an option the pages lack (-Z)"

# ------------------------------------------------------------------ directives

CC=${CC:-cc}
if ! $CC -shared -fPIC -o "$T/confspy.so" "$SRC/tests/doc/confspy.c" -ldl 2>"$T/cc.err"; then
	bail_out "cannot build tests/doc/confspy.c: $(head -n 3 "$T/cc.err")"
fi
# a sanitized build wants its runtime first among the preloads
asan=$(ldd "$DAEMON" 2>/dev/null | sed -n 's/.*libasan[^ ]* => \([^ ]*\) .*/\1/p')
CONFSPY_OUT=$T/directives.tsv LD_PRELOAD="${asan:+$asan }$T/confspy.so" \
	"$DAEMON" -f -Le -S "$T/state" -x "$T/no-master" >"$T/daemon.out" 2>&1
rc=$?
cut -f1 "$T/directives.tsv" 2>/dev/null | sort >"$T/registered"
if [ $rc -eq 0 ] && [ -s "$T/registered" ]; then
	ok "cimrouted registers $(wc -l <"$T/registered") directives of its own"
else
	not_ok "the daemon's directives are listed (rc $rc)"
	diag <"$T/daemon.out"
fi
dups=$(uniq -d "$T/registered")
is "$dups" "" "no directive is registered twice"

# the .TP entries of cimrouted.conf.5 outside FILES and SEE ALSO: their first word
sed -n '1,/^\.SH FILES/p' "$PAGE5" | grep -A1 '^\.TP' | sed -n 's/^\.B[IR]\{0,1\} \([A-Za-z][A-Za-z0-9]*\).*/\1/p' |
	sort -u >"$T/documented"
undoc=$(comm -23 "$T/registered" "$T/documented" | tr '\n' ' ')
is "$undoc" "" "every directive cimrouted registers has an entry in cimrouted.conf.5"
stale=$(comm -13 "$T/registered" "$T/documented" | tr '\n' ' ')
is "$stale" "" "every entry of cimrouted.conf.5 is a directive cimrouted registers"
noreadme=$(while read -r d; do grep -q "^| \`$d\\b" "$README" || printf '%s ' "$d"; done <"$T/registered")
is "$noreadme" "" "every directive is a row of the README's directive table"

# a directive the page lacks is found: the check run on the page less its first entry
first=$(head -n 1 "$T/documented")
sed "/^\.B[IR]\{0,1\} $first\\b/d" "$PAGE5" | sed -n '1,/^\.SH FILES/p' | grep -A1 '^\.TP' |
	sed -n 's/^\.B[IR]\{0,1\} \([A-Za-z][A-Za-z0-9]*\).*/\1/p' | sort -u >"$T/documented-1"
is "$(comm -23 "$T/registered" "$T/documented-1" | tr -d '\n')" "$first" \
	"the check finds a directive missing from the page ($first taken out)"

done_testing
