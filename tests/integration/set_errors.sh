#!/bin/bash
# set_errors.sh - every refused SET gets its exact error status and changes nothing.
#
# For each bad SET (issue 3, section 2): snmpset reports the expected status
# (wrongType, wrongValue, inconsistentValue, inconsistentName, noCreation, notWritable,
# commitFailed; noAccess for a route through an interface of protectedInterfaces), the daemon logs a one-line reason, and the kernel's routes (all tables)
# and the state file are byte-identical before and after. Multi-varbind SETs are all or
# nothing: across rows, across the live and persisted tables, and when the kernel refuses
# the last row (commitFailed: the rows already applied are undone). Both daemons alive.
# The log lines of the refusals made before any row is checked (RESERVE1: wrongType,
# wrongValue, notWritable, noCreation of an index) are checked with their index.

. "$(dirname "$0")/lib.sh"
itest_init set_errors
veth va vb 192.0.2.100/24 && veth vp vq 198.18.0.1/24 || bail_out "cannot build the veth topology"
write_cimrouted_conf "routeTables main" "protectedInterfaces vp"
start_agents

IFA=$(nsx cat /sys/class/net/va/ifindex)
P=.1.3.6.1.4.1.32473.1.1.2.3.1 # cimIP4PersistedRouteEntry
STATE=$T/state/persisted-routes
idx() { echo "$1.$2.$3.$4.254.0.$5"; }
setw() { nsx snmpset "${V2W[@]}" "${SNMP_OPTS[@]}" "$AGENT" "$@" 2>&1; }
snap() { nsx ip -4 route show table all; cat "$STATE" 2>/dev/null; }

# A persisted route and a live one exist before the error cases.
setw "$P.12.10.50.0.0.255.255.0.0.192.0.2.1.5" i 4 >/dev/null || bail_out "cannot create a persisted route"
setw "$OID_ENTRY.24.$(idx 10.1.0.0 255.255.0.0 192.0.2.1 "$IFA" 10)" i 4 >/dev/null ||
	bail_out "cannot create a live route"
nsx ip route add 10.60.0.0/16 via 192.0.2.1 proto static metric 3

GOOD=$(idx 10.9.0.0 255.255.0.0 192.0.2.1 "$IFA" 20)
refused wrongType "RowStatus as a string" "$OID_ENTRY.24.$GOOD" s active
refused wrongType "Metric1 as a Gauge32" "$OID_ENTRY.13.$GOOD" u 5
refused wrongValue "non-contiguous mask" "$OID_ENTRY.24.10.9.0.0.255.0.255.0.192.0.2.1.$IFA.254.0.20" i 4
refused inconsistentValue "destination with host bits set" \
	"$OID_ENTRY.24.$(idx 10.9.0.1 255.255.0.0 192.0.2.1 "$IFA" 20)" i 4
refused inconsistentValue "next hop on no interface" \
	"$OID_ENTRY.24.$(idx 10.9.0.0 255.255.0.0 203.0.113.1 "$IFA" 20)" i 4
refused inconsistentValue "interface that does not exist" \
	"$OID_ENTRY.24.$(idx 10.9.0.0 255.255.0.0 192.0.2.1 999 20)" i 4
refused inconsistentValue "interface 0" "$OID_ENTRY.24.$(idx 10.9.0.0 255.255.0.0 192.0.2.1 0 20)" i 4
# the kernel takes no broadcast gateway ("Nexthop has invalid gateway"): refused at check time
refused inconsistentValue "next hop the subnet's broadcast address" \
	"$OID_ENTRY.24.$(idx 10.9.0.0 255.255.0.0 192.0.2.255 "$IFA" 20)" i 4
is "$(grep -c 'refused (inconsistentValue): .*next hop 192.0.2.255 is a broadcast address of a subnet of this host' "$T/cimrouted.log")" 1 \
	"... logged once, with the reason"
refused wrongValue "Metric1 out of range (-5)" "$OID_ENTRY.24.$GOOD" i 4 "$OID_ENTRY.13.$GOOD" i -5
refused wrongValue "Metric2 other than -1" "$OID_ENTRY.24.$GOOD" i 4 "$OID_ENTRY.14.$GOOD" i 5
refused wrongValue "Type other(1)" "$OID_ENTRY.24.$GOOD" i 4 "$OID_ENTRY.21.$GOOD" i 1
refused wrongValue "Type 9" "$OID_ENTRY.24.$GOOD" i 4 "$OID_ENTRY.21.$GOOD" i 9
refused wrongValue "RowStatus notReady(3)" "$OID_ENTRY.24.$GOOD" i 3
refused wrongValue "RowStatus 7" "$OID_ENTRY.24.$GOOD" i 7
refused inconsistentValue "Metric1 differing from the index at creation" \
	"$OID_ENTRY.24.$GOOD" i 4 "$OID_ENTRY.13.$GOOD" i 21
refused inconsistentValue "Type direct(3) for a gateway next hop" \
	"$OID_ENTRY.24.$GOOD" i 4 "$OID_ENTRY.21.$GOOD" i 3
refused notWritable "a read-only column (Caption)" "$OID_ENTRY.9.$GOOD" s x
refused noCreation "an index one sub-identifier short" "$OID_ENTRY.24.10.9.0.0.255.255.0.0.192.0.2.1.$IFA.254.0" i 4
refused noCreation "a table cimrouted does not mirror" \
	"$OID_ENTRY.24.10.9.0.0.255.255.0.0.192.0.2.1.$IFA.100.0.20" i 4
refused noCreation "a tos with ECN bits" "$OID_ENTRY.24.10.9.0.0.255.255.0.0.192.0.2.1.$IFA.254.1.20" i 4

# The refusals of RESERVE1 (before any row check) are logged too: one line, with the table,
# the column, the index as the SET named it and the reason.
logged() { grep -qF "set: refused ($1): $2" "$T/cimrouted.log" || { diag "not in the log: $1: $2"; return 1; }; }
logged wrongType "cimIP4RouteTable column 24 index $GOOD: the value's type is not the column's" &&
	logged wrongValue "cimIP4RouteTable column 24 index $GOOD: the column cannot have this value" &&
	logged notWritable "cimIP4RouteTable column 9 index $GOOD: not a writable column" &&
	logged noCreation "cimIP4RouteTable index 10.9.0.0.255.255.0.0.192.0.2.1.$IFA.254.0: not destination"
result $? "the refusals of RESERVE1 (wrongType, wrongValue, notWritable, noCreation) are logged with their index"

EXIST=$(idx 10.1.0.0 255.255.0.0 192.0.2.1 "$IFA" 10)
refused inconsistentValue "createAndGo on a row that exists" "$OID_ENTRY.24.$EXIST" i 4
refused inconsistentValue "createAndWait on a row that exists" "$OID_ENTRY.24.$EXIST" i 5
refused inconsistentName "Metric1 on a row that does not exist" "$OID_ENTRY.13.$GOOD" i 20
refused inconsistentValue "active on a row that does not exist" "$OID_ENTRY.24.$GOOD" i 1
refused inconsistentValue "notInService on a kernel route" "$OID_ENTRY.24.$EXIST" i 2
refused inconsistentValue "a new route with the destination and metric of another" \
	"$OID_ENTRY.24.$(idx 10.1.0.0 255.255.0.0 192.0.2.2 "$IFA" 10)" i 4
nsx ip route add 10.60.0.0/16 via 192.0.2.1 proto static metric 4
refused inconsistentValue "moving a route onto the metric of another" \
	"$OID_ENTRY.13.$(idx 10.60.0.0 255.255.0.0 192.0.2.1 "$IFA" 3)" i 4
refused inconsistentValue "deleting a persisted route's live route through the live table" \
	"$OID_ENTRY.24.$(idx 10.50.0.0 255.255.0.0 192.0.2.1 "$IFA" 5)" i 6

# protectedInterfaces: no route through vp, live or persisted (noAccess)
VP=$(nsx cat /sys/class/net/vp/ifindex)
refused noAccess "a route through a protected interface" \
	"$OID_ENTRY.24.$(idx 10.9.0.0 255.255.0.0 198.18.0.2 "$VP" 20)" i 4
refused noAccess "a persisted route through a protected interface" \
	"$P.12.10.52.0.0.255.255.0.0.198.18.0.2.5" i 4

# The persisted table
PGOOD=10.51.0.0.255.255.0.0.192.0.2.1.5
refused wrongValue "persisted createAndWait" "$P.12.$PGOOD" i 5
refused wrongValue "persisted StorageType permanent(4)" "$P.12.$PGOOD" i 4 "$P.11.$PGOOD" i 4
refused wrongValue "persisted non-contiguous mask" "$P.12.10.51.0.0.255.0.255.0.192.0.2.1.5" i 4
refused inconsistentValue "persisted destination with host bits" "$P.12.10.51.0.1.255.255.0.0.192.0.2.1.5" i 4
refused inconsistentValue "persisted next hop on no interface" "$P.12.10.51.0.0.255.255.0.0.203.0.113.1.5" i 4
refused inconsistentValue "persisted row that exists" "$P.12.10.50.0.0.255.255.0.0.192.0.2.1.5" i 4
refused inconsistentValue "persisted StorageType change after creation" \
	"$P.11.10.50.0.0.255.255.0.0.192.0.2.1.5" i 2
refused inconsistentName "StorageType of a persisted row that does not exist" "$P.11.$PGOOD" i 3
refused noCreation "persisted metric above 2147483647" "$P.12.10.51.0.0.255.255.0.0.192.0.2.1.2147483648" i 4
refused inconsistentValue "persisted route where the main table has another with its metric" \
	"$P.12.10.1.0.0.255.255.0.0.192.0.2.7.10" i 4

# All or nothing across rows and tables: a good row first, a bad row last.
refused inconsistentValue "two rows, the second bad" \
	"$OID_ENTRY.24.$GOOD" i 4 "$OID_ENTRY.24.$(idx 10.10.0.0 255.255.0.0 203.0.113.1 "$IFA" 0)" i 4
refused inconsistentValue "a live row and a bad persisted row" \
	"$OID_ENTRY.24.$GOOD" i 4 "$P.12.10.51.0.0.255.255.0.0.203.0.113.1.5" i 4
refused inconsistentValue "two rows installing the same destination and metric" \
	"$OID_ENTRY.24.$GOOD" i 4 "$P.12.10.9.0.0.255.255.0.0.192.0.2.1.20" i 4
refused inconsistentValue "destroying a route and a bad row" \
	"$OID_ENTRY.24.$EXIST" i 6 "$OID_ENTRY.24.$(idx 10.10.0.0 255.255.0.0 203.0.113.1 "$IFA" 0)" i 4

DIRECT=$(idx 10.13.0.0 255.255.0.0 192.0.2.100 "$IFA" 0)
setw "$OID_ENTRY.24.$DIRECT" i 4 >/dev/null || bail_out "cannot create a direct route"

# The kernel refusing: the connected route of va's subnet is gone, so a gateway on it
# passes cimrouted's checks (va still has 192.0.2.100/24) but the kernel says no.
nsx ip route del 192.0.2.0/24 dev va
refused commitFailed "the kernel refuses the route" \
	"$OID_ENTRY.24.$(idx 10.11.0.0 255.255.0.0 192.0.2.1 "$IFA" 0)" i 4
grep -q 'the kernel refused to add 10.11.0.0/16.*: ' "$T/cimrouted.log"
result $? "the log has the netlink error"
diag "$(grep 'kernel refused' "$T/cimrouted.log" | tail -1)"
# A good row applied first, then the kernel refuses the second: the first is undone.
refused commitFailed "a good row then a refused one: the good one is undone" \
	"$OID_ENTRY.24.$(idx 10.12.0.0 255.255.0.0 192.0.2.100 "$IFA" 0)" i 4 \
	"$OID_ENTRY.24.$(idx 10.11.0.0 255.255.0.0 192.0.2.1 "$IFA" 0)" i 4
# A destroy applied, then the kernel refuses: the route comes back.
refused commitFailed "a destroy then a refused row: the route comes back" \
	"$OID_ENTRY.24.$DIRECT" i 6 "$OID_ENTRY.24.$(idx 10.11.0.0 255.255.0.0 192.0.2.1 "$IFA" 0)" i 4
# A setting in the same SET as the refused row: undone, and notify-state byte-identical
# (no notifyRateLimit line appears, so the configuration still wins after a restart).
RATE=.1.3.6.1.4.1.32473.1.1.4.7.0
nbefore=$(cat "$T/state/notify-state"); rbefore=$(snmp_get $RATE)
out=$(setw $RATE u 7 "$OID_ENTRY.24.$(idx 10.11.0.0 255.255.0.0 192.0.2.1 "$IFA" 0)" i 4)
echo "$out" | grep -q 'Reason: commitFailed'
result $? "a setting and a refused row: commitFailed"
is "$(cat "$T/state/notify-state")" "$nbefore" "the undone setting left notify-state byte-identical"
is "$(snmp_get $RATE)" "$rbefore" "the undone setting reads its old value"
# The same with a route whose gateway the kernel no longer accepts: the undo cannot put
# it back, and the manager is told so (undoFailed), with the reason in the log.
out=$(setw "$OID_ENTRY.24.$EXIST" i 6 "$OID_ENTRY.24.$(idx 10.11.0.0 255.255.0.0 192.0.2.1 "$IFA" 0)" i 4)
echo "$out" | grep -q 'Reason: undoFailed'
result $? "a destroy whose undo the kernel refuses: undoFailed"
grep -q 'undo failed' "$T/cimrouted.log"
result $? "the log says the undo failed"
nsx ip route add 192.0.2.0/24 dev va src 192.0.2.100 proto kernel scope link
nsx ip route add 10.1.0.0/16 via 192.0.2.1 proto 252 metric 10

# The state file cannot be written (a directory squats its temporary name):
# the persisted row is not created, its live route is removed again.
mkdir "$T/state/persisted-routes.tmp"
refused commitFailed "the state file cannot be written" "$P.12.$PGOOD" i 4
refused commitFailed "a live row and a persisted row that cannot be saved" \
	"$OID_ENTRY.24.$GOOD" i 4 "$P.12.$PGOOD" i 4
refused commitFailed "destroying a persisted row that cannot be saved" \
	"$P.12.10.50.0.0.255.255.0.0.192.0.2.1.5" i 6
rmdir "$T/state/persisted-routes.tmp"
out=$(setw "$P.12.$PGOOD" i 4)
check "once the state directory is writable again the same SET succeeds" test $? -eq 0
grep -q '^10.51.0.0/16 via 192.0.2.1 metric 5 created ' "$STATE"
result $? "and the row is in the state file"

wait_compare 3 "table equals the kernel after the refused SETs" final
both_alive "after the refused SETs"
done_testing
