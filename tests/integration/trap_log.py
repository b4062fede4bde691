#!/usr/bin/env python3
"""trap_log.py - read what notify.sh's snmptrapd received, and check it.

Part of the cimroute integration tests (python3 standard library only).

Inputs:
  * the handler log (LOG): one line per received notification, written by the
    `traphandle default` script of notify.sh, tab separated:
        RECV_NS  SINK  TRANSPORT  OID VALUE  OID VALUE ...
    RECV_NS is the receive time (ns since the epoch), SINK the listener it came in on
    (v4: SNMPv2c trap over IPv4, v6: SNMPv2c trap over IPv6, v3i: SNMPv3 inform),
    TRANSPORT snmptrapd's transport line, then the varbinds as snmptrapd hands them to
    a traphandle (numeric OIDs, values without type, octet strings in hex: -On -Ox).
  * the snmptrapd log (FMTLOG, `types`): one line per notification from `format2
    TRAPLOG %P|%b|%v`, with the PDU type, version, security name and typed values.

Sub-commands (exit status 0 = all good, 1 = a problem was found, 2 = bad usage/input);
--sink takes a comma-separated list for covered, expect, coverage, none and timecheck:
  changes    one line per cimIP4RouteChange:
             seq kind dest mask nexthop ifindex table tos metric recv_ns sink timecreated
             and per cimIP6RouteChange (the same stream of sequence numbers):
             seq kind ip6 dest/plen nexthop ifindex table metric src/srclen recv_ns sink timecreated
  summaries  one line per cimIP4RouteChangeSummary:
             added removed changed first last recv_ns sink timecreated
  covered    exit 0 when every sequence number given is reported (individually or in a summary)
  expect     the individual notification of one sequence number carries the expected route
  coverage   every sequence number of FIRST..LAST is reported exactly once, by kind
  none       no notification reports any sequence number of FIRST..LAST
  history    cimIP4RouteChange and cimIP6RouteChange notifications equal the
             cimRouteEventTable rows (snmpget output of the columns --cols); the other
             family's columns answer noSuchInstance
  timecheck  TimeCreated of notifications is a valid UTC DateAndTime just before reception
  latency    receive time minus a start time per sequence number (median, max)
  walkcheck  a walk of cimRouteEvent: order, scalars, rows, rows equal to the notifications
  types      the snmptrapd log: varbind order and types, PDU type (TRAP2/INFORM) per sink

Informs can be retransmitted by the sender when the acknowledgement is late; on the v3i
sink records that are identical in every varbind (sysUpTime included) are counted once
(reported as 'retransmissions'). On the trap sinks every duplicate is an error.
"""

import argparse
import calendar
import ipaddress
import os
import statistics
import sys

ROOT = '.1.3.6.1.4.1.32473.1'
TRAP_CHANGE = ROOT + '.0.1'
TRAP_SUMMARY = ROOT + '.0.2'
TRAP_CHANGE6 = ROOT + '.0.4'
E = ROOT + '.1.4'
NOTIFY = E + '.10.'
SYSUPTIME = '.1.3.6.1.2.1.1.3.0'
TRAPOID = '.1.3.6.1.6.3.1.1.4.1.0'

CHANGE_OIDS = [NOTIFY + '%d.0' % i for i in range(1, 11)]
SUMMARY_OIDS = [NOTIFY + '%d.0' % i for i in (2, 11, 12, 13, 14, 15)]
# cimIP6RouteChange: sequence, time, kind, then cimIP6RouteEntry's INDEX order
CHANGE6_OIDS = [NOTIFY + '%d.0' % i for i in (1, 2, 3, 16, 17, 18, 7, 8, 10, 19, 20)]
# types as snmptrapd prints them (typed output, -Ox)
CHANGE_TYPES = ['Timeticks', 'OID', 'Gauge32', 'Hex-STRING', 'INTEGER', 'IpAddress', 'IpAddress',
                'IpAddress', 'INTEGER', 'Gauge32', 'Gauge32', 'Gauge32']
SUMMARY_TYPES = ['Timeticks', 'OID', 'Hex-STRING', 'Gauge32', 'Gauge32', 'Gauge32', 'Gauge32',
                 'Gauge32']
KINDS = {1: 'added', 2: 'removed', 3: 'changed'}


class Rec:
    __slots__ = ('recv', 'sink', 'transport', 'vbs', 'raw', 'lineno')


class Change:
    __slots__ = ('seq', 'tc', 'kind', 'dest', 'mask', 'nh', 'ifindex', 'table', 'tos', 'metric',
                 'recv', 'sink')

    def key(self):
        return '%d %s %s %s %d %d %d %d' % (self.kind, self.dest, self.mask, self.nh, self.ifindex,
                                            self.table, self.tos, self.metric)

    def line(self):
        return '%d %d %s %s %s %d %d %d %d %d %s %s' % (
            self.seq, self.kind, self.dest, self.mask, self.nh, self.ifindex, self.table,
            self.tos, self.metric, self.recv, self.sink, self.tc.hex().upper())


class Change6:
    """A cimIP6RouteChange; key(): 'kind dest/plen nexthop ifindex table metric src/srclen'."""
    __slots__ = ('seq', 'tc', 'kind', 'dest', 'plen', 'nh', 'ifindex', 'table', 'metric', 'src',
                 'srclen', 'recv', 'sink')

    def key(self):
        return '%d %s/%d %s %d %d %d %s/%d' % (self.kind, self.dest, self.plen, self.nh,
                                               self.ifindex, self.table, self.metric, self.src,
                                               self.srclen)

    def line(self):
        return '%d %d ip6 %s/%d %s %d %d %d %s/%d %d %s %s' % (
            self.seq, self.kind, self.dest, self.plen, self.nh, self.ifindex, self.table,
            self.metric, self.src, self.srclen, self.recv, self.sink, self.tc.hex().upper())


def ip6(v):
    """16 hex octets (or raw bytes) -> the compressed IPv6 text."""
    b = v if isinstance(v, bytes) else hexval(v)
    if len(b) != 16:
        raise ValueError('not 16 octets: %r' % v)
    return str(ipaddress.IPv6Address(b))


class Summary:
    __slots__ = ('tc', 'added', 'removed', 'changed', 'first', 'last', 'recv', 'sink')

    def line(self):
        return '%d %d %d %d %d %d %s %s' % (self.added, self.removed, self.changed, self.first,
                                            self.last, self.recv, self.sink, self.tc.hex().upper())

    def size(self):
        return self.last - self.first + 1


def hexval(v):
    v = v.strip().strip('"').strip()
    return bytes(int(x, 16) for x in v.split()) if v else b''


def read_log(path):
    recs = []
    problems = []
    try:
        fh = open(path, errors='replace')
    except FileNotFoundError:
        return recs, problems
    with fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip('\n')
            if not line:
                continue
            f = line.split('\t')
            if len(f) < 3:
                problems.append('log line %d: cannot parse %r' % (n, line[:200]))
                continue
            r = Rec()
            try:
                r.recv = int(f[0])
            except ValueError:
                problems.append('log line %d: bad receive time %r' % (n, f[0]))
                continue
            r.sink, r.transport, r.lineno = f[1], f[2], n
            r.vbs = []
            for vb in f[3:]:
                oid, _, val = vb.partition(' ')
                r.vbs.append((oid, val))
            r.raw = '\t'.join(f[3:])
            recs.append(r)
    return recs, problems


def trap_oid(r):
    for oid, val in r.vbs:
        if oid == TRAPOID:
            return val.strip()
    return None


_CACHE = {}


def load(path, sink=None):
    """-> (changes, summaries, problems, stats) for one sink (all sinks if None)."""
    if path not in _CACHE:
        _CACHE[path] = read_log(path)
    recs, problems = _CACHE[path]
    problems = list(problems)
    changes, summaries = [], []
    stats = {'retransmissions': 0, 'other': 0}
    seen = set()
    for r in recs:
        if sink and r.sink != sink:
            continue
        t = trap_oid(r)
        if t not in (TRAP_CHANGE, TRAP_SUMMARY, TRAP_CHANGE6):
            stats['other'] += 1
            continue
        if r.sink == 'v3i':
            k = (r.sink, r.raw)
            if k in seen:
                stats['retransmissions'] += 1
                continue
            seen.add(k)
        oids = [o for o, _ in r.vbs]
        vals = [v for _, v in r.vbs]
        want = [SYSUPTIME, TRAPOID] + {TRAP_CHANGE: CHANGE_OIDS, TRAP_CHANGE6: CHANGE6_OIDS,
                                       TRAP_SUMMARY: SUMMARY_OIDS}[t]
        if oids != want:
            problems.append('%s log line %d: varbinds %s, expected %s' % (
                r.sink, r.lineno, ' '.join(oids), ' '.join(want)))
            continue
        try:
            if t == TRAP_CHANGE:
                c = Change()
                c.seq = int(vals[2])
                c.tc = hexval(vals[3])
                c.kind = int(vals[4])
                c.dest, c.mask, c.nh = vals[5].strip(), vals[6].strip(), vals[7].strip()
                c.ifindex, c.table, c.tos, c.metric = (int(v) for v in vals[8:12])
                c.recv, c.sink = r.recv, r.sink
                changes.append(c)
            elif t == TRAP_CHANGE6:
                c = Change6()
                c.seq = int(vals[2])
                c.tc = hexval(vals[3])
                c.kind = int(vals[4])
                c.dest, c.plen, c.nh = ip6(vals[5]), int(vals[6]), ip6(vals[7])
                c.ifindex, c.table, c.metric = (int(v) for v in vals[8:11])
                c.src, c.srclen = ip6(vals[11]), int(vals[12])
                c.recv, c.sink = r.recv, r.sink
                changes.append(c)
            else:
                su = Summary()
                su.tc = hexval(vals[2])
                su.added, su.removed, su.changed, su.first, su.last = (int(v) for v in vals[3:8])
                su.recv, su.sink = r.recv, r.sink
                summaries.append(su)
        except ValueError as e:
            problems.append('%s log line %d: bad value (%s): %s' % (r.sink, r.lineno, e, r.raw[:300]))
    return changes, summaries, problems, stats


def per_sink(func):
    """Run func(args) once per sink of --sink (comma separated); 1 if any failed."""
    def run(args):
        rc = 0
        for sink in args.sink.split(','):
            a = argparse.Namespace(**vars(args))
            a.sink = sink
            rc |= func(a)
        return rc
    return run


def seqrange(a, b):
    return range(a, b + 1)


# ---------------------------------------------------------------- commands

def cmd_changes(args):
    ch, _, problems, _ = load(args.log, args.sink)
    for c in ch:
        if args.min_seq is None or c.seq >= args.min_seq:
            print(c.line())
    for p in problems:
        print('# ' + p, file=sys.stderr)
    return 1 if problems else 0


def cmd_summaries(args):
    _, su, problems, _ = load(args.log, args.sink)
    for s in su:
        if args.min_seq is None or s.last >= args.min_seq:
            print(s.line())
    for p in problems:
        print('# ' + p, file=sys.stderr)
    return 1 if problems else 0


def covered_set(ch, su):
    cov = {c.seq for c in ch}
    for s in su:
        cov.update(seqrange(s.first, s.last))
    return cov


def cmd_covered(args):
    want = set(seqrange(args.first, args.last))
    for sink in args.sink.split(','):
        ch, su, _, _ = load(args.log, sink)
        if not want <= covered_set(ch, su):
            return 1
    return 0


def cmd_expect(args):
    ch, _, problems, _ = load(args.log, args.sink)
    got = [c for c in ch if c.seq == args.seq]
    want = ' '.join(args.want.split())
    if len(got) == 1 and got[0].key() == want:
        print('# seq %d on %s: %s' % (args.seq, args.sink, got[0].key()))
        return 0
    if not got:
        print('# no cimIP4RouteChange with sequence %d on %s (want %s)' % (args.seq, args.sink, want))
        near = [c for c in ch if abs(c.seq - args.seq) <= 3]
        for c in near:
            print('#   nearby: ' + c.line())
    elif len(got) > 1:
        print('# sequence %d received %d times on %s:' % (args.seq, len(got), args.sink))
        for c in got:
            print('#   ' + c.line())
    else:
        print('# seq %d on %s:' % (args.seq, args.sink))
        print('#   got  (kind dest mask nexthop ifindex table tos metric): ' + got[0].key())
        print('#   want (kind dest mask nexthop ifindex table tos metric): ' + want)
    for p in problems:
        print('# ' + p)
    return 1


def cmd_coverage(args):
    ch, su, problems, stats = load(args.log, args.sink)
    lo, hi = args.first, args.last
    n = hi - lo + 1
    ind = {}
    dup = []
    for c in ch:
        if lo <= c.seq <= hi:
            if c.seq in ind:
                dup.append(c.seq)
            ind[c.seq] = c
        elif c.seq > hi and args.strict_after:
            problems.append('individual notification after the range: ' + c.line())
    ssum = [s for s in su if s.last >= lo and s.first <= hi]
    by_sum = {}
    kinds_ind = {1: 0, 2: 0, 3: 0}
    for c in ind.values():
        kinds_ind[c.kind] = kinds_ind.get(c.kind, 0) + 1
    kinds_sum = {1: 0, 2: 0, 3: 0}
    for s in ssum:
        if s.first < lo or s.last > hi:
            problems.append('summary reaches outside %d..%d: %s' % (lo, hi, s.line()))
        if s.first > s.last:
            problems.append('summary with first > last: ' + s.line())
            continue
        own = [q for q in seqrange(s.first, s.last) if q not in ind]
        if s.added + s.removed + s.changed != len(own):
            problems.append('summary counts %d+%d+%d changes but covers %d not sent individually '
                            '(first %d last %d): %s' % (s.added, s.removed, s.changed, len(own),
                                                        s.first, s.last, s.line()))
        for q in own:
            if q in by_sum:
                problems.append('sequence %d covered by two summaries' % q)
            by_sum[q] = s
        kinds_sum[1] += s.added
        kinds_sum[2] += s.removed
        kinds_sum[3] += s.changed
    if dup:
        msg = '%d sequence numbers received more than once individually: %s' % (
            len(dup), ' '.join(map(str, sorted(set(dup))[:20])))
        lo_ok, hi_ok = args.allow_dup_in or (0, -1)
        if all(lo_ok <= q <= hi_ok for q in dup):
            print('# %s: %s (allowed in %d..%d)' % (args.sink, msg, lo_ok, hi_ok))
        else:
            problems.append(msg)
    missing = [q for q in seqrange(lo, hi) if q not in ind and q not in by_sum]
    if missing:
        problems.append('%d of %d sequence numbers not reported: %s' % (
            len(missing), n, fmt_ranges(missing)))
    tot = {k: kinds_ind[k] + kinds_sum[k] for k in (1, 2, 3)}
    for k, want in ((1, args.added), (2, args.removed), (3, args.changed)):
        if want is not None and tot[k] != want:
            problems.append('%s: %d reported (individual %d, summarised %d), expected %d' % (
                KINDS[k], tot[k], kinds_ind[k], kinds_sum[k], want))
    if args.max_individual is not None and len(ind) > args.max_individual:
        problems.append('%d sent individually, at most %d expected' % (len(ind), args.max_individual))
    if args.min_individual is not None and len(ind) < args.min_individual:
        problems.append('%d sent individually, at least %d expected' % (len(ind), args.min_individual))
    if args.min_summaries is not None and len(ssum) < args.min_summaries:
        problems.append('%d summaries, at least %d expected' % (len(ssum), args.min_summaries))
    if args.individual_per_summary is not None and len(ind) > args.individual_per_summary * (len(ssum) + 2):
        problems.append('%d individual notifications with %d summaries: more than %d per '
                        'interval' % (len(ind), len(ssum), args.individual_per_summary))
    print('# %s %d..%d (%d changes): individual %d (added %d, removed %d, changed %d); '
          '%d summaries covering %d (added %d, removed %d, changed %d)%s' % (
              args.sink, lo, hi, n, len(ind), kinds_ind[1], kinds_ind[2], kinds_ind[3],
              len(ssum), len(by_sum), kinds_sum[1], kinds_sum[2], kinds_sum[3],
              '; %d inform retransmissions ignored' % stats['retransmissions']
              if stats['retransmissions'] else ''))
    if args.show_summaries:
        for s in ssum:
            print('#   summary: added %d removed %d changed %d first %d last %d' % (
                s.added, s.removed, s.changed, s.first, s.last))
    for p in problems[:30]:
        print('# ' + p)
    return 1 if problems else 0


def fmt_ranges(seqs, most=20):
    """[1, 2, 3, 5, 5] -> '1-3 5 5': the first most runs (the tests' one way to show numbers)"""
    seqs = sorted(seqs)
    out = []
    i = 0
    while i < len(seqs):
        j = i
        while j + 1 < len(seqs) and seqs[j + 1] == seqs[j] + 1:
            j += 1
        out.append(str(seqs[i]) if i == j else '%d-%d' % (seqs[i], seqs[j]))
        i = j + 1
    s = ' '.join(out[:most])
    return s + (' ...' if len(out) > most else '')


def cmd_none(args):
    ch, su, problems, _ = load(args.log, args.sink)
    bad = [c.line() for c in ch if args.first <= c.seq <= args.last]
    bad += ['summary ' + s.line() for s in su if s.last >= args.first and s.first <= args.last]
    for b in bad:
        print('# notified although it should not be: ' + b)
    return 1 if bad else 0


def decode_dt(b):
    """11-byte UTC DateAndTime -> epoch seconds, or (None, reason)."""
    if len(b) != 11:
        return None, 'length %d, not 11' % len(b)
    year = b[0] * 256 + b[1]
    if not (1990 <= year <= 2200 and 1 <= b[2] <= 12 and 1 <= b[3] <= 31 and b[4] <= 23
            and b[5] <= 59 and b[6] <= 60 and b[7] <= 9):
        return None, 'invalid date/time fields'
    if b[8] != ord('+') or b[9] != 0 or b[10] != 0:
        return None, 'not UTC (direction/offset %02x %02x %02x, want 2B 00 00)' % (b[8], b[9], b[10])
    t = calendar.timegm((year, b[2], b[3], b[4], b[5], b[6], 0, 0, 0)) + b[7] / 10.0
    return t, None


def cmd_timecheck(args):
    ch, su, problems, _ = load(args.log, args.sink)
    items = [(c.seq, c.seq, c.tc, c.recv, 'change') for c in ch]
    items += [(s.first, s.last, s.tc, s.recv, 'summary') for s in su]
    n = 0
    worst = 0.0
    for first, last, tc, recv, what in items:
        if last < args.first or first > args.last:
            continue
        n += 1
        t, why = decode_dt(tc)
        if t is None:
            problems.append('%s %d: TimeCreated %s: %s' % (what, first, tc.hex(), why))
            continue
        d = recv / 1e9 - t
        worst = max(worst, d)
        # a DateAndTime is truncated to deci-seconds: it may be up to 0.1 s before the event
        if d < -args.ahead or d > args.slack:
            problems.append('%s %d: TimeCreated is %.2f s before reception (allowed -%.1f..%.1f)'
                            % (what, first, d, args.ahead, args.slack))
    if n == 0:
        problems.append('no notification in %d..%d' % (args.first, args.last))
    print('# timecheck %s %d..%d: %d notifications, TimeCreated at most %.2f s before reception'
          % (args.sink, args.first, args.last, n, worst))
    for p in problems[:20]:
        print('# ' + p)
    return 1 if problems else 0


def cmd_latency(args):
    ch, _, _, _ = load(args.log, args.sink)
    first_recv = {}
    for c in ch:
        first_recv.setdefault(c.seq, c.recv)
    lat = []
    missing = []
    with open(args.t0) as fh:
        for line in fh:
            f = line.split()
            if len(f) < 2:
                continue
            seq, t0 = int(f[0]), int(f[1])
            if seq in first_recv:
                lat.append((first_recv[seq] - t0) / 1e6)
            else:
                missing.append(seq)
    if not lat:
        print('%s: no notification received for %d changes' % (args.sink, len(missing)))
        return 1
    lat.sort()
    print('%s: %d changes, latency median %.1f ms, min %.1f ms, max %.1f ms%s' % (
        args.sink, len(lat), statistics.median(lat), lat[0], lat[-1],
        ', missing: ' + ' '.join(map(str, missing)) if missing else ''))
    return 1 if missing or lat[-1] > args.limit_ms else 0


def cmd_history(args):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from route_rows import parse_snmp_output
    ch, _, problems, _ = load(args.log, args.sink)
    by_seq = {}
    for c in ch:
        by_seq.setdefault(c.seq, c)
    with open(args.get) as fh:
        vs = parse_snmp_output(fh.read())
    pfx = tuple(int(x) for x in (E + '.3.1').strip('.').split('.'))
    rows = {}
    for v in vs:
        if v.oid[:len(pfx)] != pfx or len(v.oid) != len(pfx) + 2:
            problems.append('unexpected OID in the GET output: %s' % v.line)
            continue
        col, seq = v.oid[len(pfx)], v.oid[len(pfx) + 1]
        rows.setdefault(seq, {})[col] = v
    n = 0
    for seq in sorted(rows):
        r = rows[seq]
        c = by_seq.get(seq)
        if c is None:
            problems.append('seq %d: history row but no cimIP4RouteChange or cimIP6RouteChange '
                            'on %s' % (seq, args.sink))
            continue
        if isinstance(c, Change6):
            want = {2: ('STRING', c.tc), 3: ('INTEGER', c.kind),
                    16: ('STRING', ipaddress.IPv6Address(c.dest).packed),
                    17: ('Gauge32', c.plen),
                    18: ('STRING', ipaddress.IPv6Address(c.nh).packed),
                    7: ('INTEGER', c.ifindex), 8: ('Gauge32', c.table), 10: ('Gauge32', c.metric),
                    19: ('STRING', ipaddress.IPv6Address(c.src).packed),
                    20: ('Gauge32', c.srclen), 21: ('INTEGER', 2)}
        else:
            want = {2: ('STRING', c.tc), 3: ('INTEGER', c.kind), 4: ('IpAddress', c.dest),
                    5: ('IpAddress', c.mask), 6: ('IpAddress', c.nh), 7: ('INTEGER', c.ifindex),
                    8: ('Gauge32', c.table), 9: ('Gauge32', c.tos), 10: ('Gauge32', c.metric),
                    21: ('INTEGER', 1)}
        for col in args.cols:
            v = r.get(col)
            if col not in want:
                # the other family's column: absent from this row
                if v is not None and v.type != 'EXCEPTION':
                    problems.append('seq %d column %d: %s %r, but the row is of the other '
                                    'family' % (seq, col, v.type, v.value))
                continue
            typ, val = want[col]
            if v is None:
                problems.append('seq %d: column %d not in the GET output' % (seq, col))
            elif v.type != typ or v.value != val:
                problems.append('seq %d column %d: history %s %r, notification %s %r' % (
                    seq, col, v.type, v.value, typ, val))
        n += 1
    print('# history: %d rows compared with the notifications on %s' % (n, args.sink))
    for p in problems[:30]:
        print('# ' + p)
    return 1 if problems or n == 0 else 0


def cmd_walkcheck(args):
    """A walk of cimRouteEvent (-On -Ox): OIDs strictly increasing, the scalars .1 .2 .4-.9,
    for every history row the columns of its family (IPv4: 2-10 and 21; IPv6: 2, 3, 7, 8,
    10, 16-21; 21 says which), as many rows as cimRouteEventCount, nothing of
    cimRouteNotifyObjects (.10, accessible-for-notify), rows equal to the notifications."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from route_rows import parse_snmp_output
    with open(args.walk) as fh:
        vs = parse_snmp_output(fh.read())
    problems = []
    ev = tuple(int(x) for x in E.strip('.').split('.'))
    prev = None
    scalars = {}
    rows = {}
    for v in vs:
        if prev is not None and v.oid <= prev:
            problems.append('not increasing: %s after %s' % ('.'.join(map(str, v.oid)),
                                                             '.'.join(map(str, prev))))
        prev = v.oid
        if v.oid[:len(ev)] != ev:
            problems.append('outside cimRouteEvent: ' + v.line)
            continue
        rest = v.oid[len(ev):]
        if len(rest) == 2 and rest[1] == 0:
            scalars[rest[0]] = v
        elif len(rest) == 4 and rest[:2] == (3, 1):
            rows.setdefault(rest[3], {})[rest[2]] = v
        else:
            problems.append('unexpected object: %s' % '.'.join(map(str, v.oid)))
    for n in (1, 2, 4, 5, 6, 7, 8, 9):
        if n not in scalars:
            problems.append('scalar cimRouteEvent.%d.0 missing from the walk' % n)
    if 10 in scalars or any(v.oid[len(ev)] == 10 for v in vs if v.oid[:len(ev)] == ev):
        problems.append('accessible-for-notify objects (cimRouteEvent.10) show in the walk')
    want_cols = {1: list(range(2, 11)) + [21], 2: [2, 3, 7, 8, 10, 16, 17, 18, 19, 20, 21]}
    for seq, cols in sorted(rows.items()):
        fam = cols[21].value if 21 in cols else None
        if sorted(cols) != want_cols.get(fam):
            problems.append('history row %d (address type %s) has columns %s' % (
                seq, fam, sorted(cols)))
    if 1 in scalars and scalars[1].value != len(rows):
        problems.append('cimRouteEventCount.0 = %s but %d rows walked' % (scalars[1].value, len(rows)))
    if 5 in scalars and rows and max(rows) != scalars[5].value:
        problems.append('newest row %d, cimRouteEventLastSequence.0 = %s' % (max(rows), scalars[5].value))
    # the rows hold what the notifications carried
    ch, _, p2, _ = load(args.log, args.sink)
    problems += p2
    by_seq = {c.seq: c for c in ch}
    compared = 0
    for seq, cols in rows.items():
        c = by_seq.get(seq)
        fam = cols[21].value if 21 in cols else None
        if not c or sorted(cols) != want_cols.get(fam) or isinstance(c, Change6) != (fam == 2):
            if c and fam in want_cols:
                problems.append('row %d: address type %s, notification %s' % (
                    seq, fam, type(c).__name__))
            continue
        if fam == 2:
            got = (cols[2].value, cols[3].value, ip6(cols[16].value), cols[17].value,
                   ip6(cols[18].value), cols[7].value, cols[8].value, cols[10].value,
                   ip6(cols[19].value), cols[20].value)
            want = (c.tc, c.kind, c.dest, c.plen, c.nh, c.ifindex, c.table, c.metric, c.src,
                    c.srclen)
        else:
            got = (cols[2].value, cols[3].value, cols[4].value, cols[5].value, cols[6].value,
                   cols[7].value, cols[8].value, cols[9].value, cols[10].value)
            want = (c.tc, c.kind, c.dest, c.mask, c.nh, c.ifindex, c.table, c.tos, c.metric)
        if got != want:
            problems.append('row %d: %r, notification %r' % (seq, got, want))
        compared += 1
    print('# walk: %d objects, %d scalars, %d history rows (%d compared with the notifications on %s)'
          % (len(vs), len(scalars), len(rows), compared, args.sink))
    for p in problems[:30]:
        print('# ' + p)
    return 1 if problems else 0


def cmd_types(args):
    """The snmptrapd log (format2 'TRAPLOG %P|%b|%v'): for every cimroute notification,
    varbind OIDs and types in order; the PDU type and security per sink; and the same number
    of cimroute notifications as in the handler log, per sink."""
    problems = []
    count = {}
    pdu = {}
    with open(args.fmtlog, errors='replace') as fh:
        for n, line in enumerate(fh, 1):
            if not line.startswith('TRAPLOG '):
                continue
            line = line[len('TRAPLOG '):].rstrip('\n')
            try:
                sec, transport, vbtext = line.split('|', 2)
            except ValueError:
                problems.append('trapd log line %d: cannot parse' % n)
                continue
            if transport.startswith('UDP/IPv6'):
                sink = 'v6'
            elif transport.endswith(']:%d' % args.tp):
                sink = 'v4'
            elif transport.endswith(']:%d' % args.tpi):
                sink = 'v3i'
            else:
                sink = 'other'
            vbs = []
            for vb in vbtext.split('\t'):
                oid, _, tv = vb.partition(' = ')
                typ = tv.split(':', 1)[0] if ':' in tv else tv
                val = tv.split(': ', 1)[1] if ': ' in tv else ''
                vbs.append((oid, typ, val))
            t = vbs[1][2].strip() if len(vbs) > 1 else None
            if t not in (TRAP_CHANGE, TRAP_SUMMARY):
                continue
            count[sink] = count.get(sink, 0) + 1
            pdu.setdefault(sink, {}).setdefault(sec.strip(), 0)
            pdu[sink][sec.strip()] += 1
            want_oids = [SYSUPTIME, TRAPOID] + (CHANGE_OIDS if t == TRAP_CHANGE else SUMMARY_OIDS)
            want_types = CHANGE_TYPES if t == TRAP_CHANGE else SUMMARY_TYPES
            oids = [v[0] for v in vbs]
            types = [v[1] for v in vbs]
            if oids != want_oids:
                problems.append('%s trapd log line %d: OIDs %s' % (sink, n, ' '.join(oids)))
            elif types != want_types:
                problems.append('%s trapd log line %d: types %s, expected %s' % (
                    sink, n, ' '.join(types), ' '.join(want_types)))
            else:
                tcv = vbs[3][2] if t == TRAP_CHANGE else vbs[2][2]
                if len(tcv.split()) != 11:
                    problems.append('%s trapd log line %d: TimeCreated has %d octets' % (
                        sink, n, len(tcv.split())))
    want_pdu = {'v4': 'TRAP2, SNMP v2c, community public',
                'v6': 'TRAP2, SNMP v2c, community public',
                'v3i': 'INFORM, SNMP v3, user %s, context' % args.v3user}
    for sink in sorted(pdu):
        for sec, k in pdu[sink].items():
            if sink not in want_pdu or sec != want_pdu[sink]:
                problems.append('%s: %d notifications received as "%s" (want "%s")' % (
                    sink, k, sec, want_pdu.get(sink, 'nothing on this listener')))
    # the handler ran once per received notification
    recs, p2 = read_log(args.handler_log)
    problems += p2
    hcount = {}
    for r in recs:
        if trap_oid(r) in (TRAP_CHANGE, TRAP_SUMMARY):
            hcount[r.sink] = hcount.get(r.sink, 0) + 1
    for sink in sorted(set(count) | set(hcount)):
        if count.get(sink, 0) != hcount.get(sink, 0):
            problems.append('%s: %d cimroute notifications in the snmptrapd log, %d in the handler '
                            'log' % (sink, count.get(sink, 0), hcount.get(sink, 0)))
    print('# received cimroute notifications: ' + '; '.join(
        '%s %d (%s)' % (s, count[s], ', '.join('%s: %d' % kv for kv in pdu[s].items()))
        for s in sorted(count)))
    for sink in args.require:
        if not count.get(sink):
            problems.append('nothing received on sink %s' % sink)
    for p in problems[:30]:
        print('# ' + p)
    return 1 if problems else 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd')

    def base(name, func, sink_required=False):
        p = sub.add_parser(name)
        p.add_argument('log')
        p.add_argument('--sink', required=sink_required)
        p.set_defaults(func=func)
        return p

    p = base('changes', cmd_changes)
    p.add_argument('--min-seq', type=int)
    p = base('summaries', cmd_summaries)
    p.add_argument('--min-seq', type=int)
    p = base('covered', cmd_covered, True)
    p.add_argument('first', type=int)
    p.add_argument('last', type=int)
    p = base('expect', per_sink(cmd_expect), True)
    p.add_argument('seq', type=int)
    p.add_argument('want', help='"kind dest mask nexthop ifindex table tos metric"')
    p = base('coverage', per_sink(cmd_coverage), True)
    p.add_argument('first', type=int)
    p.add_argument('last', type=int)
    p.add_argument('--added', type=int)
    p.add_argument('--removed', type=int)
    p.add_argument('--changed', type=int)
    p.add_argument('--max-individual', type=int)
    p.add_argument('--min-individual', type=int)
    p.add_argument('--min-summaries', type=int)
    p.add_argument('--individual-per-summary', type=int,
                   help='rate limit: individual <= N * (summaries + 2)')
    p.add_argument('--strict-after', action='store_true')
    p.add_argument('--allow-dup-in', type=int, nargs=2, metavar=('FIRST', 'LAST'),
                   help='report individual duplicates of these sequence numbers without failing '
                   '(at-least-once delivery when the master dies)')
    p.add_argument('--show-summaries', action='store_true')
    p = base('none', per_sink(cmd_none), True)
    p.add_argument('first', type=int)
    p.add_argument('last', type=int)
    p = base('history', cmd_history, True)
    p.add_argument('--get', required=True)
    p.add_argument('--cols', type=lambda v: [int(x) for x in v.split(',')],
                   default=list(range(2, 11)),
                   help='the columns the GET output holds (default 2,...,10)')
    p = base('timecheck', per_sink(cmd_timecheck), True)
    p.add_argument('first', type=int)
    p.add_argument('last', type=int)
    p.add_argument('--slack', type=float, default=10.0)
    p.add_argument('--ahead', type=float, default=1.0)
    p = base('latency', cmd_latency, True)
    p.add_argument('--t0', required=True)
    p.add_argument('--limit-ms', type=float, default=5000)
    p = base('walkcheck', cmd_walkcheck, True)
    p.add_argument('--walk', required=True)
    p = sub.add_parser('types')
    p.add_argument('fmtlog')
    p.add_argument('--handler-log', required=True)
    p.add_argument('--tp', type=int, required=True)
    p.add_argument('--tpi', type=int, required=True)
    p.add_argument('--v3user', required=True)
    p.add_argument('--require', nargs='*', default=[])
    p.set_defaults(func=cmd_types)
    args = ap.parse_args(argv)
    if not getattr(args, 'func', None):
        ap.print_help()
        return 2
    return args.func(args)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
