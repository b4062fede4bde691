#!/bin/bash
# cimroute fault and soak figures (issue 16): the integration tests that CI runs in a short
# form, run here in their long form, and their figure lines collected.
#
#   bash tests/bench/soak.sh [-b BUILDDIR] [-a ASAN_BUILDDIR] [-short | -long] [-t "TESTS"] [-k]
#
#   -b  build directory holding agent/cimrouted (default: $BUILDDIR, else ./build)
#   -a  a build configured with --enable-sanitizers: hostile.sh runs its daemon (default: -b's)
#   -short  the forms `make check` runs (about 3 minutes in all)
#   -long   the README's figures (default): master_soak 100 restarts, hostile 10,000
#       requests, killwrite 1,000 kills, overrun 2,010,750 changes (3 in parallel), soak_rss 600 s (about
#       40 minutes; run it on a quiet machine, the RSS soak last)
#   -t  which, among master_soak hostile killwrite overrun soak_rss (default all, that order)
#   -k  keep each test's temp dir (CIMR_ITEST_KEEP=1)
#
# Each test's TAP goes to stderr; stdout gets, for each, its pass/fail count, its figure line
# (SOAK, HOSTILE, KILLWRITE, OVERRUN, RSS), the load average before and after, and the exact
# command that reproduces it. Exit status 1 when a test failed.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IT=$(cd "$HERE/../integration" && pwd)
BUILD=${BUILDDIR:-$PWD/build}
ASAN=
FORM=long
TESTS="master_soak hostile killwrite overrun soak_rss"
KEEP=0
while [ $# -gt 0 ]; do
	case $1 in
	-b) BUILD=$2; shift ;;
	-a) ASAN=$2; shift ;;
	-short) FORM=short ;;
	-long) FORM=long ;;
	-t) TESTS=$2; shift ;;
	-k) KEEP=1 ;;
	*) sed -n '2,18p' "$0" >&2; exit 2 ;;
	esac
	shift
done
[ -x "$BUILD/agent/cimrouted" ] || { echo "no $BUILD/agent/cimrouted (-b)" >&2; exit 2; }
# the daemons under test are copied: a rebuild during a long run must not change them
BIN=$(mktemp -d /tmp/cimr-soakbin.XXXXXX) || exit 1
trap 'rm -rf "$BIN"' EXIT
cp "$BUILD/agent/cimrouted" "$BIN/cimrouted" || exit 1
[ -n "$ASAN" ] && { cp "$ASAN/agent/cimrouted" "$BIN/cimrouted-asan" || exit 1; }

# env_of TEST: the environment of its form
env_of() {
	case $FORM:$1 in
	long:master_soak) echo "CIMR_SOAK_RESTARTS=100" ;;
	short:master_soak) echo "CIMR_SOAK_RESTARTS=6" ;;
	long:hostile) echo "CIMR_HOSTILE_N=10000" ;;
	long:killwrite) echo "CIMR_KILL_N=1000" ;;
	long:overrun) echo "CIMR_OVERRUN_PARALLEL=3 CIMR_OVERRUN_ROUNDS=67" ;;
	long:soak_rss) echo "CIMR_RSS_SECONDS=600" ;;
	esac
}

failed=0
for t in $TESTS; do
	e=$(env_of "$t")
	daemon=CIMROUTED=$BIN/cimrouted shown=
	[ "$t" = hostile ] && [ -n "$ASAN" ] && daemon=CIMROUTED=$BIN/cimrouted-asan shown="CIMROUTED=$ASAN/agent/cimrouted"
	cmd="BUILDDIR=$BUILD $shown $e bash tests/integration/$t.sh"
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	start=$(date -u +%FT%TZ)
	out=$(env BUILDDIR="$BUILD" CIMR_ITEST_KEEP=$KEEP $daemon $e bash "$IT/$t.sh" 2>&1| tee -a /dev/fd/2)
	load1=$(cut -d' ' -f1-3 /proc/loadavg)
	nok=$(grep -c '^not ok' <<<"$out")
	n=$(grep -c '^\(not \)\?ok' <<<"$out")
	[ "$nok" -gt 0 ] && failed=1
	echo "== $t ($FORM, $start, $(sed -n 's/^# elapsed: //p' <<<"$out")): $((n - nok))/$n ok"
	grep -E '^# (SOAK|HOSTILE|KILLWRITE|OVERRUN|RSS) ' <<<"$out" | sed 's/^# /   /'
	echo "   load average before: $load0, after: $load1"
	echo "   command: $cmd" | tr -s ' '
done
exit $failed
