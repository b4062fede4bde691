# cimq_lib.sh - what the cimq integration tests share (sourced after lib.sh's itest_init).
#
# CIMQ: the program (default $BUILDDIR/cimq/cimq). It reads map.tsv (CIMQ_MAP, the source
# tree's) and CIM-ROUTE-MIB from the source tree's mibs/ (lib.sh points net-snmp's tools at no
# MIB at all; cimq alone gets MIBDIRS, with the IETF base modules CIM-ROUTE-MIB imports: cimq's
# stand-ins from mibs/base, as an installed cimq uses them on Debian, or MIB_BASE_DIR;
# tests/mib/check-base.sh shows they decode as the real modules do). cimq_rows.py checks its answers.

CQROWS=$ITDIR/cimq_rows.py
ENT=.1.3.6.1.4.1.32473.1.1

cimq_require() {
	[ "$CIMROUTED" = mock ] && skip_all "not for the mock"
	CIMQ=${CIMQ:-$BUILDDIR/cimq/cimq}
	[ -x "$CIMQ" ] || skip_all "$CIMQ not built"
	needs jq
	local base=${MIB_BASE_DIR:-$TOP_SRCDIR/mibs/base}
	CQ_MIBDIRS=$TOP_SRCDIR/mibs:$base
}

# cq ARGS...: cimq in the namespace with the test's client environment; stdout as is
cq() {
	nsx env CIMQ_MAP="$TOP_SRCDIR/mof-map/map.tsv" MIBDIRS="$CQ_MIBDIRS" MIBS= "$CIMQ" "$@"
}
# q FORMAT WQL [OUT]: cimq -v2c over UDP to the test's agent, -o FORMAT; output in OUT
# (default $T/q.FORMAT), stderr in OUT.err; sets QRC
q() {
	local out=${3:-$T/q.$1}
	cq -v2c -c public -t 6 -r 1 -o "$1" "$AGENT" "$2" >"$out" 2>"$out.err"
	QRC=$?
	return $QRC
}

# walk_ent OUT: the whole enterprise subtree, as cimq_rows.py reads it
walk_ent() {
	nsx snmpbulkwalk "${V2[@]}" "${SNMP_OPTS[@]}" -Cr50 "$AGENT" "$ENT" >"$1" 2>"$1.err"
}

# rows SUBCOMMAND ARGS...: cimq_rows.py; one TAP line for TEXT (first arg), diag on failure
rows_check() {
	local text=$1 out rc; shift
	out=$(python3 "$CQROWS" "$@" 2>&1); rc=$?
	if [ $rc -eq 0 ]; then
		ok "$text"
		echo "$out" | grep '^# ' | sed 's/^# //' | diag
	else
		not_ok "$text"
		echo "$out" | head -n 25 | diag
	fi
	return $rc
}
