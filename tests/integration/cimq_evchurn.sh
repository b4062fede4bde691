#!/bin/bash
# cimq_evchurn.sh - randomized differential test of cimq's event queries and association
# queries, against the daemon's own tables (walks) and the kernel.
#
# One namespace: va0/vb0 (10.1.0.1/24, 2001:db8:1::1/64) and va1/vb1 (10.2.0.1/24,
# 2001:db8:2::1/64). A seed (printed; CIMR_EVCHURN_SEED overrides it) chooses
# eventHistorySize (one seed in two small, 8-40, so that a burst or a slow poll loses
# changes; else 2000) and drives cimq_evchurn.py:
#
#  events  CIMR_EVCHURN_QUERIES (6) cimq event queries run at once in the background, after
#          two fixed ones (SELECT SECURITY_DESCRIPTOR FROM Win32_IP4RouteTableEvent, which a
#          seed found refused; SELECT Sequence, Kind FROM cimRouteEvent WITHIN 0.5, whose
#          numbers and gap lines must cover every change once, also those no walk saw):
#          Win32_IP4RouteTableEvent (WITHIN or not) and cimRouteEvent WITHIN n (0.5-3 s),
#          random property lists and WHERE clauses over the event properties (cimq_wql.py's
#          generator: comparisons, LIKE, IS NULL, AND/OR/NOT, keyed conditions on Sequence,
#          a few clauses WMI refuses), random -o table|list|csv|json, -N counts below and
#          above what comes. While they run, random route churn of both families (add, del,
#          replace to another gateway or device, metric changes, ip -batch bursts of adds
#          and deletes, some larger than the history). cimRouteEventTable is walked every
#          ~150 ms while the history is small (rows leave it; a row a walk read partly, added
#          or dropped while it passed, is left out), and once after the churn;
#          each query then gets SIGTERM (unless -N ended it). Checked for each query, with
#          the WHERE evaluated by cimq_wql.py (WMI's rules as cimq(1) states them, not
#          cimq's code) on the walk's rows: the exit status (0; 1, 2 or 3 as the reference
#          predicts for a refused clause, with nothing printed); the events printed are
#          rows after the start in increasing sequence order, each once, each with the
#          walk's values in the format asked for (TIME_CREATED the FILETIME of TimeCreated)
#          and its WHERE true; every row after the start that the query covered and whose
#          WHERE is true was printed, unless inside a gap; each stderr gap line is exactly
#          "cimq: N changes missed (sequence A..B)" with N = B-A+1, A one after the row
#          before it, the rows A..B gone from the history by then (B + size <= the last
#          sequence) and not printed, and none when nothing could be missed; with -N
#          reached exactly N events. The comparator is shown to fail on perturbed
#          expectations (a row dropped, a value changed, a gap line moved).
#  assoc   persisted routes made through SNMP (installed and not installed), live routes
#          with and without a persisted one: CIMR_EVCHURN_ASSOC (40) random ASSOCIATORS OF /
#          REFERENCES OF queries with random AssocClass, ResultClass, Role, ResultRole,
#          KeysOnly, paths with keys reordered, partial or naming nothing, checked against
#          a walk of cimActiveRouteTable (which persisted route points to which live one),
#          cimIP4RouteTable and cimIP4PersistedRouteTable (the instances' values) and the
#          kernel (ip -j route: every live route named exists there); exit status 2 for a
#          role no association has, 1 for AssocClass or ResultRole in REFERENCES OF, 8 for
#          ClassDefsOnly. Perturbed expectations fail too.
# Both daemons alive at the end. Rerun a failure with its seed (CIMR_ITEST_KEEP=1 keeps each
# query's output and the walks in the temp dir).

. "$(dirname "$0")/lib.sh"
itest_init evchurn
. "$ITDIR/cimq_lib.sh"
cimq_require

SEED=${CIMR_EVCHURN_SEED:-20261203}
QUERIES=${CIMR_EVCHURN_QUERIES:-6}
ASSOC=${CIMR_EVCHURN_ASSOC:-40}
HIST=$(python3 -c 'import random, sys; R = random.Random(sys.argv[1] + "hist"); print(R.randint(8, 40) if R.random() < 0.5 else 2000)' "$SEED")
diag "seed $SEED (CIMR_EVCHURN_SEED), eventHistorySize $HIST, $QUERIES event queries, $ASSOC association queries"

nsx sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
	net.ipv6.conf.default.router_solicitations=0 || bail_out "cannot set the IPv6 sysctls"
veth va0 vb0 10.1.0.1/24 && veth va1 vb1 10.2.0.1/24 && veth va2 vb2 10.3.0.1/24 || bail_out "cannot build the veths"
nsx ip addr add 2001:db8:1::1/64 dev va0 nodad && nsx ip addr add 2001:db8:2::1/64 dev va1 nodad ||
	bail_out "ip addr add (IPv6)"
write_cimrouted_conf "routeTables main" "eventHistorySize $HIST"
start_agents

export NS AGENT T SEED QUERIES ASSOC HIST CIMQ CQ_MIBDIRS CQ_MAP="$TOP_SRCDIR/mof-map/map.tsv"
start=$SECONDS
tap_from "$ITDIR/cimq_evchurn.py" events
diag "events: $((SECONDS - start)) s"
start=$SECONDS
tap_from "$ITDIR/cimq_evchurn.py" assoc
diag "associations: $((SECONDS - start)) s"
both_alive "event and association queries under route churn"
done_testing
