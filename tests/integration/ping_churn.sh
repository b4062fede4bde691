#!/bin/bash
# ping_churn.sh - randomized differential test of cimPingTable's SET path and the life of its
# rows, through real snmpset PDUs, against a model (ping_churn.py) of the rules of
# agent/snmp/mib_pingset.c, snmp/txn.c and the MIB (cimPingRowStatus, cimPingAdminStatus,
# the columns' SYNTAX, the writable limits cimPingMaxRows, MaxRowsPerOwner, MaxProbeRate,
# AgeOut).
#
# The topology of ping_lib.sh: B (10.14.1.2, 2001:db8:14:1::2) answers, C (10.14.3.3,
# 2001:db8:14:3::3) answers behind R (a TTL of 1 expires at R), 10.14.5.1 and
# 2001:db8:14:5::1 are silent; peer-b.example names 10.14.1.2, nosuch.example nothing.
# A seed (printed; CIMR_PINGCHURN_SEED overrides it) drives CIMR_PINGCHURN_ROUNDS rounds (4)
# of 10-16 PDUs of 1-5 varbinds over three owners and six names: createAndGo (literal or
# name targets, volatile or nonVolatile), createAndWait with or without a target, active,
# notInService, destroy, on rows absent, present and in progress; AdminStatus enabled and
# disabled (in progress: abandoned); every writable column with in-range, boundary and
# out-of-range values and wrong types or lengths; bad indexes; read-only and index columns;
# one object twice (the same value or another); a destroy and a create in one PDU; the four
# limits (good, out of range, the wrong type; MaxRows 8 and MaxRowsPerOwner 4 written first),
# so that creations run over cimPingMaxRows and MaxRowsPerOwner.
# Pass/fail: each PDU answers as the model predicts (noError, or the error status and the
# failed object); after each PDU the parameter columns, RowStatus and OperStatus of every row,
# cimPingCount, the limits and the refusal counters equal the model (a refused PDU changed
# nothing); at the end of a round (long requests abandoned, the others awaited) every
# completed row's StatusCode, ProbesSent and ProbesReceived, reply size and TTL, answering
# address and its name, LossPercent and cimPingProbeTable's rows equal what the target gives
# (B: success, TTL 64; C: TTL 63, or timeToLiveExpiredTransit from R; silent: requestTimedOut;
# IPv6 with IPv4 options or a source of the other family: badOption; an unknown name:
# StatusCode absent, PrimaryResolutionStatus 11001), rows never started have no results, and
# the echo requests captured to each target since the round began are the model's (number,
# TTL, TOS, size: nothing for a refused PDU). Rows whose outcome depends on more than the model
# knows (IPv4 options, over 1200 octets of data, an interface or source that is not the
# route's, timeouts under 200 ms to answering targets) are checked for their parameters and
# state only, and make their target's count on the wire unchecked for the round, as do requests
# abandoned in progress. A request is "in progress" for the model only while it certainly is
# (its last probe not yet due); a PDU that touches a row which may have just completed waits
# for it first.
# About a third of the rounds (by the seed) end with a restart of cimrouted: the nonVolatile
# rows come back with their parameters and RowStatus, notStarted and disabled; the volatile
# ones are gone; the written limits are kept, the counters start at 0.
# A failure prints the round, the PDU and the difference: rerun with its seed.

. "$(dirname "$0")/lib.sh"
itest_init pchurn
. "$ITDIR/ping_lib.sh"
ping_world

SEED=${CIMR_PINGCHURN_SEED:-20261203}
ROUNDS=${CIMR_PINGCHURN_ROUNDS:-4}
diag "seed $SEED, $ROUNDS rounds (CIMR_PINGCHURN_SEED, CIMR_PINGCHURN_ROUNDS)"
ping_daemons

export NS AGENT T
MODEL=$T/model.json
churn() { python3 "$ITDIR/ping_churn.py" "$@"; }
churn init "$MODEL" || bail_out "cannot read the interfaces"

restart() {
	stop_cimrouted
	start_cimrouted
	ping_registered
	churn restarted "$MODEL"
}

round() {
	local seed=$1 n=$2 mode out rc
	mode=$(churn mode "$seed" "$n")
	out=$(churn round "$MODEL" "$seed" "$n" 2>&1); rc=$?
	if [ $rc -eq 0 ]; then
		ok "seed $seed round $n ($mode): every PDU, row and request as the model says"
		printf '%s\n' "$out" | grep '^# round' | sed 's/^# //' | diag
	else
		not_ok "seed $seed round $n ($mode)"
		printf '%s\n' "$out" | sed 's/^# //' | head -n 60 | diag
		diag "rerun: CIMR_PINGCHURN_SEED=$seed (CIMR_ITEST_KEEP=1 keeps $T)"
	fi
	if [ $rc -eq 0 ] && [ "$mode" = restart ]; then
		if restart >"$T/restart.out" 2>&1; then
			ok "seed $seed round $n: after a restart the nonVolatile rows are back, the volatile ones gone"
		else
			rc=1
			not_ok "seed $seed round $n: after a restart the nonVolatile rows are back, the volatile ones gone"
			sed 's/^# //' "$T/restart.out" | head -n 40 | diag
		fi
	fi
	both_alive "seed $seed round $n"
	return $rc
}

for ((n = 1; n <= ROUNDS; n++)); do
	round "$SEED" "$n" || break
done

done_testing
