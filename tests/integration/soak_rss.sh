#!/bin/bash
# soak_rss.sh - cimrouted's memory stays flat under churn (issue 16).
#
# For CIMR_RSS_SECONDS (default 60; the README's figure used 600) a loop makes, every second:
# 200 routes added (IPv4 and IPv6, ip -batch) or the previous 200 deleted, a ping row created
# (3 probes to the peer, 100 ms apart) and the previous one destroyed, an address created
# through cimAdapterCfgAddressTable or the previous one destroyed, a veth pair added or
# deleted (adapter rows come and go), and GETs (cimIP4RouteCount, a walk of cimNetAdapterTable's
# names, the event history's last sequence). Notifications go to a sink nobody reads (snmpd
# sends them all the same). cimrouted's VmRSS (/proc/PID/status) is sampled every
# CIMR_RSS_INTERVAL s (default 10, 5 in the short form).
# Pass/fail: both daemons alive; the churn really happened (each of its SETs, batches, link
# changes and GETs succeeded, the route events' last sequence grew by 100 a second at least); after a warm-up (CIMR_RSS_WARMUP s, default
# 15: the event history and the ping and address tables reach their steady size), the last
# sample is within CIMR_RSS_BOUND_KB (default 1024) of the first sample after the warm-up.
# Figure line: `RSS start=KiB peak=KiB end=KiB slope=KiB/min samples=N seconds=S load=L`
# (start = first sample after the warm-up, slope = least squares over the samples after it).

. "$(dirname "$0")/lib.sh"
[ "${CIMR_ITEST_MOCK:-0}" = 1 ] && skip_all "not for the mock"
itest_init soakrss
daemon_sanitized && skip_all "an AddressSanitizer build: its RSS is the quarantine of freed memory"

DUR=${CIMR_RSS_SECONDS:-60}
IVL=${CIMR_RSS_INTERVAL:-$([ "$DUR" -le 120 ] && echo 5 || echo 10)}
WARM=${CIMR_RSS_WARMUP:-15}
BOUND=${CIMR_RSS_BOUND_KB:-1024}
R=.1.3.6.1.4.1.32473.1.1
PE=$R.7.3.1; ADDR=$R.6.4.1
LASTSEQ=$R.4.5.0

nsx sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
veth va vb 192.0.2.100/24 192.0.2.1/24 || bail_out "cannot build the veth topology"
nsx ip -6 addr add 2001:db8:16::100/64 dev va nodad || bail_out "cannot add an IPv6 address"
IFA=$(nsx cat /sys/class/net/va/ifindex)
write_snmpd_conf "trap2sink 127.0.0.1:$((PORT + 3)) public"
write_cimrouted_conf "routeTables main" "pingAgeOut 5"
start_snmpd || bail_out "snmpd does not start"
start_cimrouted
wait_registered 30 "$OID_COUNT" "$PE.20.1.116.1.48" || bail_out "cimrouted does not register"

setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" -t 3 -r 0 "$AGENT" "$@" >/dev/null 2>&1; }
for i in $(seq 1 200); do
	echo "route add 172.20.$i.0/24 via 192.0.2.1 proto static"
	[ $((i % 4)) = 0 ] && echo "route add 2001:db8:20:$i::/64 via 2001:db8:16::1 proto static"
done >"$T/add.batch"
sed 's/^route add \([^ ]*\) .*/route del \1/' "$T/add.batch" >"$T/del.batch"

# churn: one step a second; ping row names p0/p1, addresses 10.88.0.1/24 on va
pix() { echo "1.116.2.112.$1"; }   # owner "t", name "p0" / "p1" (p = 112, 0 = 48)
churn() { # one line a step: "step N routes=RC ping=RC addr=RC link=RC get=RC" (0 = done)
	local n=0 k r p a l g
	while :; do
		k=$((n % 2))
		if [ $k = 0 ]; then nsx ip -batch "$T/add.batch"; else nsx ip -batch "$T/del.batch"; fi
		r=$?
		setw "$PE.19.$(pix $((49 - k)))" i 6
		setw "$PE.19.$(pix $((48 + k)))" i 4 "$PE.3.$(pix $((48 + k)))" i 1 "$PE.4.$(pix $((48 + k)))" x C0000201 \
			"$PE.35.$(pix $((48 + k)))" u 3 "$PE.36.$(pix $((48 + k)))" u 100
		p=$?
		setw "$ADDR.8.$IFA.1.4.10.88.0.1.24" i "$([ $k = 0 ] && echo 4 || echo 6)"
		a=$?
		l=0
		if [ $((n % 4)) = 0 ]; then nsx ip link add dsoak type veth peer name dsoakp; l=$?
		elif [ $((n % 4)) = 2 ]; then nsx ip link del dsoak; l=$?; fi
		snmp_get "$OID_COUNT" "$LASTSEQ" >/dev/null 2>&1 &&
			nsx snmpbulkwalk "${V2[@]}" "${SNMP_OPTS[@]}" -Cr20 "$AGENT" "$R.5.3.1.23" >/dev/null 2>&1
		g=$?
		echo "step $n routes=$r ping=$p addr=$a link=$l get=$g"
		n=$((n + 1))
		sleep 0.5
	done
}
uval() { get_val "$1" | sed -n 's/^[A-Za-z0-9]*: *\([0-9][0-9]*\).*/\1/p'; }
seq0=$(uval "$LASTSEQ")
churn >"$T/churn.out" 2>&1 &
CHURN_PID=$!
EXTRA_PIDS+=("$CHURN_PID")

rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$CIMR_PID/status"; }
: >"$T/rss"
t0=$(now_ms)
load0=$(cut -d' ' -f1 /proc/loadavg)
while :; do
	el=$((($(now_ms) - t0) / 1000))
	echo "$el $(rss)" >>"$T/rss"
	[ "$el" -ge "$DUR" ] && break
	alive "$CIMR_PID" || break
	sleep "$IVL"
done
load1=$(cut -d' ' -f1 /proc/loadavg)
kill "$CHURN_PID" 2>/dev/null
wait "$CHURN_PID" 2>/dev/null
both_alive "$DUR s of churn"
seq1=$(uval "$LASTSEQ")
[ $((${seq1:-0} - ${seq0:-0})) -ge $((DUR * 100)) ]
result $? "the churn made route changes: event sequence ${seq0:-?} -> ${seq1:-?} in $DUR s"
# every kind of churn ran, and (but for the step the end cut) succeeded each time
steps=$(grep -c '^step' "$T/churn.out")
for w in routes ping addr link get; do
	failed=$(grep '^step' "$T/churn.out" | head -n -1 | grep -vc " $w=0")
	is "$failed" 0 "churn: $w succeeded in each of $steps steps"
done
[ "$steps" -ge $((DUR / 2)) ]
result $? "the churn made $steps steps in $DUR s"

# start/peak/end/slope over the samples after the warm-up
stats=$(awk -v w="$WARM" '$1 >= w && $2 != "" {
	n++; x[n] = $1; y[n] = $2; if ($2 > pk) pk = $2; sx += $1; sy += $2; sxy += $1 * $2; sxx += $1 * $1 }
	END { if (n < 2) { print "none"; exit }
		d = n * sxx - sx * sx; s = d ? (n * sxy - sx * sy) / d * 60 : 0
		printf "%d %d %d %.1f %d", y[1], pk, y[n], s, n }' "$T/rss")
set -- $stats
diag "VmRSS samples (s KiB): $(tr '\n' ' ' <"$T/rss")"
if [ "$1" = none ]; then
	not_ok "enough RSS samples after the $WARM s warm-up"
else
	[ $(($3 - $1)) -le "$BOUND" ]
	result $? "VmRSS at the end ($3 KiB) within $BOUND KiB of the first sample after the warm-up ($1 KiB)"
	diag "RSS start=$1 peak=$2 end=$3 slope=$4KiB/min samples=$5 seconds=$DUR interval=$IVL load=$load0-$load1 sequence=${seq0:-?}-${seq1:-?}"
fi
done_testing
