#!/bin/bash
# The whole test suite, from a fresh Debian 12 machine, as root:
#   installs the Debian packages it needs, builds from scratch twice (plain,
#   and with AddressSanitizer + UndefinedBehaviorSanitizer), runs `make check`
#   in both builds and `make distcheck`, and ends with the line
#   "N passed, N failed, N skipped".
# Options: --quick (plain build only, no distcheck).
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

. "$src/tests/packages.sh"
. "$src/tests/pin_python.sh"

pass=0 fail=0 skip=0
t0=$(date +%s)
# the time since the suite began, as m:ss (each stage's line says when it starts)
at() { local t=$(($(date +%s) - t0)); printf '%d:%02d' $((t / 60)) $((t % 60)); }
failures=$(mktemp) brief=$(mktemp) pydir=$(mktemp -d) && trap 'rm -rf "$failures" "$brief" "$pydir"' EXIT
count_log() { # test-suite.log of one build
	local log=$1 n
	n=$(sed -n 's/^# PASS: *//p' "$log" | head -1); pass=$((pass + ${n:-0}))
	n=$(sed -n 's/^# SKIP: *//p' "$log" | head -1); skip=$((skip + ${n:-0}))
	for k in FAIL ERROR XPASS; do
		n=$(sed -n "s/^# $k: *//p" "$log" | head -1); fail=$((fail + ${n:-0}))
	done
}

run_build() { # name, configure flags...
	local name=$1; shift
	local dir="$src/build-suite-$name"
	echo "suite: == $name build == (at $(at))"
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || return 1
	if ! "$src/configure" -q "$@" >configure.out 2>&1 || ! make -j2 >make.out 2>&1; then
		{ echo "suite: $name build failed:"; tail -30 configure.out make.out; } | tee -a "$failures"
		echo "  [$name] the build failed" >>"$brief"
		fail=$((fail + 1)); return 1
	fi
	# Three at a time (they mostly wait: on the kernel, snmpd, each other), but the tests that
	# measure delivery times run alone afterwards: a test beside them on two cores makes
	# their bounds a matter of luck.
	local alone="tests/integration/notify.sh" together
	together=$(make -s print-tests | grep -vxF "$alone" | tr '\n' ' ')
	echo "suite: $name: built, checking (at $(at))"
	make -j3 check TESTS="$together" >check.out 2>&1
	make check TESTS="$alone" TEST_SUITE_LOG=alone-suite.log >>check.out 2>&1
	if [ ! -f test-suite.log ] || [ ! -f alone-suite.log ]; then
		echo "suite: $name: make check produced no test-suite.log:"; tail -30 check.out
		fail=$((fail + 1)); return 1
	fi
	grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS|XFAIL):' check.out | sed "s/^/  [$name] /"
	# What failed, with the test's own diagnostics: collected here and
	# printed again just before the summary line, where a truncated CI log
	# still shows it.
	grep -lE '^:test-result: (FAIL|ERROR|XPASS)' $(find . -name '*.trs') 2>/dev/null | while read -r trs; do
		echo "---- ${trs%.trs}.log ($name) ----"
		grep -E '^(not ok|Bail out)' "${trs%.trs}.log" | head -20
		tail -40 "${trs%.trs}.log"
	done | tee -a "$failures"
	grep -E '^(FAIL|ERROR|XPASS):' check.out | sed "s/^/  [$name] /" >>"$brief"
	count_log test-suite.log
	count_log alone-suite.log
	echo "suite: $name: the slowest tests (s):"
	grep -H '^# elapsed: ' $(find tests -name '*.log' ! -name 'test-suite.log') 2>/dev/null |
		sed 's/\.log:# elapsed: / /; s/ s$//' | sort -k2 -n -r | head -n 6 | sed 's/^/    /'
}

cimr_install_packages || { echo "0 passed, 1 failed"; exit 1; }
cimr_pin_python "$pydir"
cd "$src" && autoreconf -fi >/dev/null 2>&1 || { echo "suite: autoreconf failed"; echo "0 passed, 1 failed"; exit 1; }

run_build plain
if [ $quick -eq 0 ]; then
	# The daemon's leak check is valgrind's job (README); ASan checks memory errors.
	# Memory errors need the code paths, not the scale (the plain build runs the full sizes):
	# fewer routes in ip6_routes.sh (600, not 1,200), walk_compare.sh (1,500, not 3,000) and
	# changes.sh' burst (4,000, not 10,000), and notify.sh's bursts (3,000 and 1,000, not 10,000
	# and 3,000: still past the rate limit, so summaries are made and checked); fewer rounds of
	# the randomized tests, whose every kind of operation a round or two already takes (the
	# plain build runs the full count): adapter_churn.sh and route_churn.sh 10 (not 30 and 20),
	# killwrite.sh 20 kills (not 50), cfg_churn.sh 6 rounds (not 12), cimq_diff.sh 100 queries
	# (not 200), overrun.sh 4 rounds (not 10), set_parallel.sh 8 clients of 60 SETs (not 125),
	# master_soak.sh 4 master restarts (not 6).
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		CIMR_IP6_ROUTES=600 CIMR_WALK_ROUTES=1500 CIMR_BURST_ROUTES=4000 \
		CIMR_NOTIFY_BURST=3000 CIMR_NOTIFY_LOST=1000 \
		CIMR_CHURN_ROUNDS=10 CIMR_KILL_N=20 CIMR_CFGCHURN_ROUNDS=6 CIMR_WQLDIFF_QUERIES=100 \
		CIMR_OVERRUN_ROUNDS=4 CIMR_SET_PER_CLIENT=60 CIMR_SOAK_RESTARTS=4 \
		run_build sanitizers --enable-sanitizers
	echo "suite: == make distcheck == (at $(at))"
	cd "$src/build-suite-plain" && if make distcheck CIMR_SKIP_INTEGRATION=1 >distcheck.out 2>&1; then
		echo "  PASS: make distcheck"; pass=$((pass + 1))
	else
		echo "  FAIL: make distcheck"; tail -40 distcheck.out | tee -a "$failures"; fail=$((fail + 1))
		echo "  FAIL: make distcheck" >>"$brief"
	fi
fi
if [ -s "$failures" ]; then
	echo "suite: == what failed (again, for short logs) =="; cat "$failures"
fi
if [ -s "$brief" ]; then
	echo "suite: == the failed checks, a line each =="; cat "$brief"
fi
echo "suite: done (at $(at))"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
