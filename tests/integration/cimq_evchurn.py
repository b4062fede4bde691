#!/usr/bin/env python3
"""cimq_evchurn.py - cimq_evchurn.sh's event queries under route churn, and its association
queries, checked against walks of the daemon's tables and the kernel.

Part of the cimroute integration tests (python3 standard library only). The WHERE clauses
are made and evaluated by cimq_wql.py (its generator and reference evaluator: WMI's rules as
cimq(1) states them), the walks read into WMI values by cimq_rows.py; what is new here is
the event stream's model (which rows a query must print, which gap lines it may print) and
the associations' (which instances a path names, through cimActiveRouteTable's pointers).

  events   cimq_evchurn.sh's part 1     assoc   its part 2
Environment (cimq_evchurn.sh exports it): NS, AGENT, T, SEED, QUERIES, ASSOC, HIST, CIMQ,
CQ_MIBDIRS, CQ_MAP. Prints 'ok TEXT' / 'not_ok TEXT' lines (lib.sh's tap_from) and '# ' lines.
"""

import csv
import io
import ipaddress
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cimq_rows as CR  # noqa: E402
import cimq_wql as W  # noqa: E402
import trap_log as TL  # noqa: E402

ENV = os.environ
NS, AGENT, T = ENV['NS'], ENV['AGENT'], ENV['T']
SEED = ENV.get('SEED', '1')
HIST = int(ENV.get('HIST', '1000'))
ENT = '.1.3.6.1.4.1.32473.1.1'
EV = ENT + '.4'                 # cimRouteEvent
EV_TABLE = EV + '.3'
LASTSEQ = EV + '.5.0'
IN_GETS = '.1.3.6.1.2.1.11.15.0'  # snmpd's snmpInGetRequests
SNMP_OPTS = ['-On', '-Ob', '-Oe', '-Ox', '-OU', '-t', '6', '-r', '1']
CQBASE = ['ip', 'netns', 'exec', NS, 'env', 'CIMQ_MAP=' + ENV['CQ_MAP'], 'MIBDIRS=' + ENV['CQ_MIBDIRS'],
          'MIBS=', ENV['CIMQ'], '-t', '6', '-r', '1']
# cimq_wql.cimq() and cimq_json() run this
ENV['CQCMD'] = ' '.join(CQBASE + ['-v2c', '-c', 'public'])
ENV['CQHOST'] = AGENT
GAP = re.compile(r'^cimq: (\d+) changes missed \(sequence (\d+)\.\.(\d+)\)$')
FILETIME_EPOCH = 11644473600  # seconds from 1601-01-01 to 1970-01-01


def ok(good, text, problems=()):
    print(('ok ' if good else 'not_ok ') + text)
    for p in list(problems)[:15]:
        print('# ' + str(p)[:500])
    return good


def nsx(*args, **kw):
    return subprocess.run(['ip', 'netns', 'exec', NS] + list(args), capture_output=True, text=True, **kw)


def snmp_get(o):
    p = nsx('snmpget', '-v2c', '-c', 'public', *SNMP_OPTS, AGENT, o)
    m = re.search(r'= \w+: (\d+)', p.stdout)
    return int(m.group(1)) if m else None


def walk(oids, path):
    with open(path, 'w') as f:
        for o in oids.split():
            f.write(nsx('snmpbulkwalk', '-v2c', '-c', 'public', *SNMP_OPTS, '-Cr50', AGENT, o).stdout)
    return CR.parse_walk(path)


# ---------------------------------------------------------------- the event classes

CLASSES = W.load_classes()
HISTORY = CLASSES['cimrouteevent']


def event_class():
    """Win32_IP4RouteTableEvent as map.tsv gives it (cimq_wql.py leaves the event class out)"""
    props = []
    for line in open(W.MAP):
        f = line.rstrip('\n').split('\t')
        if len(f) >= 6 and f[0] == 'Win32_IP4RouteTableEvent' and f[1] != '*':
            p = W.prop(f[1], f[2], f[4], None if f[3] == '-' else f[3], False)
            p['key'] = False
            props.append(p)
    return {'name': 'Win32_IP4RouteTableEvent', 'props': props, 'table': 'cimRouteEventTable', 'wmi': True}


EVENT = event_class()


def filetime(dt):
    """CIM_DATETIME -> WMI's TIME_CREATED (100 ns since 1601, UTC)"""
    s, us = W.dt_value(dt)
    return (s + FILETIME_EPOCH) * 10 ** 7 + us * 10


def history_rows(walkv):
    """{seq: cimRouteEvent row} (WMI values, cimq_rows.py's conversion) from a walk"""
    entry = tuple(int(x) for x in (EV_TABLE + '.1').strip('.').split('.'))
    by_sub = {W.OBJS[p['obj']]['subid']: p for p in HISTORY['props'] if p['obj'] in W.OBJS}
    rows = {}
    for o, (t, v) in walkv.items():
        if o[:len(entry)] != entry or len(o) != len(entry) + 2:
            continue
        col, seq = o[len(entry)], o[len(entry) + 1]
        row = rows.setdefault(seq, {p['name']: None for p in HISTORY['props']})
        row['Sequence'] = seq
        p = by_sub.get(col)
        if p is not None:
            row[p['name']] = CR.convert(p['obj'], p['type'], t, v)
    return rows


ALWAYS = ('TimeCreated', 'Kind', 'InterfaceIndex', 'KernelTable', 'KernelMetric', 'AddressType')
BY_FAMILY = {1: ('Destination', 'Mask', 'NextHop', 'Tos'),
             2: ('IP6Destination', 'IP6PrefixLength', 'IP6NextHop', 'IP6Source', 'IP6SourceLength')}


def complete(row):
    """whether a walk read every column of the row (a walk during the churn reads a column
    after another: a row added after its first columns passed, or gone before its last, is
    partial)"""
    return all(row.get(k) is not None for k in ALWAYS + BY_FAMILY.get(row.get('AddressType'), ('?',)))


def as_event(row):
    """a history row as Win32_IP4RouteTableEvent sees it (None: not an IPv4 change)"""
    if row.get('AddressType') != 1:
        return None
    return {'SECURITY_DESCRIPTOR': None, 'TIME_CREATED': filetime(row['TimeCreated'])}


# ---------------------------------------------------------------- route churn

class Churn:
    """random route changes of both families on va0/va1: add, del, replace (another gateway
    or device), metric changes, ip -batch bursts of adds and of deletes"""

    def __init__(self, R):
        self.R, self.routes, self.n = R, {4: {}, 6: {}}, 0

    def hop(self, fam):
        dev = self.R.choice(['va0', 'va1'])
        k = 1 if dev == 'va0' else 2
        g = self.R.randrange(2, 30)
        return ('via 10.%d.0.%d dev %s' % (k, g, dev)) if fam == 4 else ('via 2001:db8:%d::%x dev %s' % (k, g, dev))

    def prefix(self, fam):
        if fam == 4:
            return '10.%d.%d.0/24' % (self.R.choice([50, 51, 52]), self.R.randrange(40))
        return '2001:db8:%x:%x::/64' % (self.R.choice([0x50, 0x51]), self.R.randrange(40))

    def metric(self):
        return self.R.choice([0, 1, 5, 100, 1024, 4294967295])

    def spec(self, fam, p, hop, m):
        return '%s %s metric %d' % (p, hop, m)

    def op(self):
        """[(shell-free argv or ('batch', lines))]"""
        R = self.R
        fam = R.choice([4, 4, 6])
        mine = self.routes[fam]
        k = R.random()
        if k < 0.07:
            return self.burst()
        if not mine or k < 0.4:
            p, m = self.prefix(fam), self.metric()
            if (p, m) in mine:
                return []
            mine[(p, m)] = self.hop(fam)
            return [['ip', '-%d' % fam, 'route', 'add'] + self.spec(fam, p, mine[(p, m)], m).split()]
        p, m = R.choice(sorted(mine))
        if k < 0.65:
            del mine[(p, m)]
            return [['ip', '-%d' % fam, 'route', 'del', p, 'metric', str(m)]]
        if k < 0.85:
            mine[(p, m)] = self.hop(fam)
            return [['ip', '-%d' % fam, 'route', 'replace'] + self.spec(fam, p, mine[(p, m)], m).split()]
        m2 = self.metric()
        if (p, m2) in mine:
            return []
        mine[(p, m2)] = mine.pop((p, m))
        return [['ip', '-%d' % fam, 'route', 'add'] + self.spec(fam, p, mine[(p, m2)], m2).split(),
                ['ip', '-%d' % fam, 'route', 'del', p, 'metric', str(m)]]

    def burst(self):
        R = self.R
        n = R.randint(4, 90)
        self.n += 1
        lines = []
        for i in range(n):
            fam = R.choice([4, 6])
            if fam == 4:
                lines.append('route add 10.%d.%d.%d/32 via 10.1.0.7 dev va0' % (60 + self.n % 4, i // 200, i % 200 + 1))
            else:
                lines.append('route add 2001:db8:6%x::%x/128 via 2001:db8:1::7 dev va0' % (self.n % 4, i + 1))
        dels = [l.replace('route add', 'route del', 1) for l in lines]
        return [('batch', lines), ('batch', dels)] if R.random() < 0.5 else [('batch', lines)]


def run_op(op, i):
    if isinstance(op, tuple):
        path = '%s/ev.batch.%d' % (T, i)
        with open(path, 'w') as f:
            f.write('\n'.join(op[1]) + '\n')
        return nsx('ip', '-force', '-batch', path)
    return nsx(*op)


# ---------------------------------------------------------------- the queries

FORMATS = ['table', 'list', 'csv', 'json']


# first, what a seed found once (SECURITY_DESCRIPTOR alone had no column to read: exit 8),
# and a query of every change by its number (its output and gap lines must cover each
# number after the start once, also the rows no walk of ours saw)
FIXED = [(EVENT, 'SELECT SECURITY_DESCRIPTOR FROM Win32_IP4RouteTableEvent'),
         (HISTORY, 'SELECT Sequence, Kind FROM cimRouteEvent')]


def make_queries(R, n, samples):
    qs = []
    for i in range(n + len(FIXED)):
        if i < len(FIXED):
            cls, text = FIXED[i]
            q = W.wql_parse(cls, text)
        else:
            cls = EVENT if R.random() < 0.4 else HISTORY
            g = W.Gen(R, cls, samples[cls['name']], set())
            q = g.query(depth=2)
            text = W.render_query(cls, q, R)
        within = None if cls is EVENT and R.random() < 0.3 else R.choice([0.5, 1, 1, 1.5, 2, 3])
        count = R.choice([None, None, R.randint(1, 6), R.randint(20, 60), 100000])
        if i == 1:   # the query of every change: to the end
            within, count = 0.5, None
        if within is not None:   # WITHIN comes before WHERE
            cut = re.search(r'\s(where)\s', text, re.I)
            w = ' %s %g' % (W.kw('WITHIN', R), within)
            text = text[:cut.start()] + w + text[cut.start():] if cut else text + w
        qs.append({'i': i, 'cls': cls, 'q': q, 'text': text, 'within': within or 1,
                   'fmt': R.choice(FORMATS), 'count': count})
    return qs


def start_query(qs):
    # a persistent directory each: net-snmp's snmp_shutdown() rewrites cimq.conf there, and
    # clients ending together race for it ("Cannot unlink .../cimq.0.conf" on stderr)
    pdir = '%s/persist.%d' % (T, qs['i'])
    os.makedirs(pdir + '/cert_indexes', exist_ok=True)   # else net-snmp says it made it
    args = CQBASE[:5] + ['SNMP_PERSISTENT_DIR=' + pdir] + CQBASE[5:] + ['-v2c', '-c', 'public', '-o', qs['fmt']]
    if qs['count'] is not None:
        args += ['-N', str(qs['count'])]
    qs['out'], qs['err'] = '%s/ev.%d.out' % (T, qs['i']), '%s/ev.%d.err' % (T, qs['i'])
    qs['proc'] = subprocess.Popen(args + [AGENT, qs['text']], stdout=open(qs['out'], 'wb'),
                                  stderr=open(qs['err'], 'wb'))


def parse_events(fmt, names, text):
    """the events a query printed, each as [text of each property] (table: its words), or
    (None, why) when the output does not have the format's shape"""
    out = []
    if fmt == 'json':
        dec, i = json.JSONDecoder(), 0
        while text[i:].strip():
            i += len(text[i:]) - len(text[i:].lstrip())
            arr, i = dec.raw_decode(text, i)
            if not isinstance(arr, list) or len(arr) != 1:
                return None, 'a JSON result of %d objects' % len(arr)
            o = arr[0]
            if [k.lower() for k in o] != [n.lower() for n in names]:
                return None, 'JSON properties %s, asked %s' % (list(o), names)
            out.append([W.text_of(v) for v in o.values()])
        return out, ''
    if fmt == 'csv':
        rows = list(csv.reader(io.StringIO(text, newline='')))
        if len(rows) % 2:
            return None, 'CSV of %d lines' % len(rows)
        for h, r in zip(rows[0::2], rows[1::2]):
            if [x.lower() for x in h] != [n.lower() for n in names]:
                return None, 'CSV header %s' % h
            out.append(r if r or len(names) > 1 else [''])
        return out, ''
    if fmt == 'list':
        return W.read_list(text, names) if text.strip() else [], ''
    lines = text.split('\n')
    if len(lines) % 5 != 1 or lines[-1] != '':
        return None, 'table of %d lines' % len(lines)
    for k in range(0, len(lines) - 1, 5):
        part = '\n'.join(lines[k:k + 5]) + '\n'
        got = W.read_table(part, names)
        if len(got) != 1 or got[0][:1] == ['shape']:
            return None, 'table result %r' % part[:200]
        out.append(got[0])
    return out, ''


def render_row(fmt, values):
    t = [W.text_of(v) for v in values]
    return ' '.join(t).split() if fmt == 'table' else t


def selected(qs, row):
    """the row as the query's class sees it if its WHERE selects it, else None"""
    if qs['cls'] is EVENT:
        row = as_event(row)
        if row is None:
            return None
    w = qs['q']['where']
    return row if w is None or W.evaluate(qs['cls'], w, row) == W.TRUE else None


def check_stream(qs, got, gaps, rc, by_self, known, L0, Lend):
    """[problems] of one event query's output against the history (known: {seq: row})"""
    probs = []
    names = [p['name'] for p in qs['q']['props']]
    if rc != 0:
        probs.append('exit status %d' % rc)
    n = qs['count']
    if by_self and n is None:
        probs.append('ended by itself without -N')
    if by_self and n is not None and len(got) != n:
        probs.append('ended by itself after %d events, -N %d' % (len(got), n))
    if not by_self and n is not None and len(got) >= n:
        probs.append('%d events printed and still running (-N %d)' % (len(got), n))
    # each printed event: the row of the history it is (the next one in sequence order with
    # these values), its WHERE true; then every selected row not in a gap printed
    want = []   # (seq, rendered values) of the rows it must print, in order
    end = Lend
    in_gap = set()
    prev_b = L0
    # in sequence order: a poll's second pass reports the rows it lost after the first
    # pass reported the gaps it found further on
    for cnt, a, b in sorted(gaps, key=lambda g: g[1]):
        if cnt != b - a + 1 or a > b:
            probs.append('gap line %d (sequence %d..%d): the count is not the range' % (cnt, a, b))
        if a <= prev_b:
            probs.append('gap %d..%d not after %d (the start or the gap before)' % (a, b, prev_b))
        if b + HIST > Lend:
            probs.append('gap %d..%d: row %d was still in the history of %d until sequence %d, the last %d'
                         % (a, b, b, HIST, b + HIST, Lend))
        in_gap.update(range(a, b + 1))
        prev_b = b
    rows = {}
    for s in range(L0 + 1, Lend + 1):
        if s in known and s not in in_gap:
            r = selected(qs, known[s])
            if r is not None:
                rows[s] = render_row(qs['fmt'], [r.get(nm) for nm in names])
    seqs = sorted(rows)
    # rows the query may have read that no walk of ours saw (a small history): an event
    # may be one of them, unverified
    unknown = [s for s in range(L0 + 1, Lend + 1) if s not in known and s not in in_gap]
    qs['unwalked'] = len(unknown)
    # an event's own number, when it shows it (a table leaves NULLs out: only first there)
    ix = names.index('Sequence') if 'Sequence' in names and (qs['fmt'] != 'table' or names[0] == 'Sequence') else None
    ambiguous = False
    if ix is None and unknown:
        # which unknown row an event is cannot be told: the events must be a subsequence of
        # the rows after the start, each selected row that no walk missed in it, a row no walk
        # saw anything or nothing
        if fits(got, [(s, rows.get(s)) for s in range(L0 + 1, Lend + 1) if s in rows or s in unknown],
                by_self and n is not None):
            return probs
        ambiguous = True   # then the diagnostics of the greedy match below
    pos, k, matched = L0, 0, []
    for j, ev in enumerate(got):
        if ix is not None:
            s = int(ev[ix]) if ev[ix:ix + 1] and ev[ix].isdigit() else -1
            if s <= pos or s > Lend or s in in_gap:
                probs.append('event %d %s: sequence %d is not after %d, or in a gap, or past %d' % (j + 1, ev, s, pos, Lend))
                break
            if s in known and rows.get(s) != ev:
                probs.append('event %d %s: the history\'s row %d is %s' % (j + 1, ev, s, rows.get(s, 'not selected')))
        else:
            nk = seqs[k] if k < len(seqs) else None
            u = next((x for x in unknown if x > pos and (nk is None or x < nk)), None)
            if nk is not None and rows[nk] == ev and (u is None or not ambiguous):
                s = nk
            elif u is not None:
                s = u
            else:
                later = next((x for x in seqs[k:] if rows[x] == ev), None)
                probs.append('event %d %s: the next selected row is %s%s' % (
                    j + 1, ev, nk and '%d %s' % (nk, rows[nk]), ', it is row %d' % later if later else ''))
                if later is None:
                    break
                s = later
        while k < len(seqs) and seqs[k] < s:
            probs.append('row %d selected (%s) but not printed before event %d' % (seqs[k], rows[seqs[k]], j + 1))
            k += 1
        if k < len(seqs) and seqs[k] == s:
            k += 1
        matched.append(s)
        pos = s
    if by_self and n is not None and matched:
        end = matched[-1]
    for s in seqs[k:]:
        if s <= end:
            probs.append('row %d selected (%s) but not printed' % (s, rows[s]))
    for cnt, a, b in gaps:
        if any(a <= s <= b for s in matched):
            probs.append('gap %d..%d holds a printed row' % (a, b))
    if qs['cls'] is HISTORY and qs['q']['where'] is None and ix is not None:
        # every change after the start: printed or in a gap line, once (also the rows that
        # came and went between two walks of ours)
        nums = [int(e[ix]) for e in got if e[ix:ix + 1] and e[ix].isdigit()]
        last = nums[-1] if by_self and nums else Lend
        have = sorted(nums + sorted(in_gap))
        if have != list(range(L0 + 1, last + 1)):
            probs.append('printed and missed numbers %s, not each of %d..%d once'
                         % (TL.fmt_ranges(have), L0 + 1, last))
    return probs


def fits(events, rows, limited):
    """whether events match an increasing subsequence of rows [(seq, rendering or None for
    a row no walk saw)] that holds every known row (up to the last event with limited)"""
    n, m = len(events), len(rows)
    # ok[j]: events[i:] fit rows[j:], for the current i (from the last event back)
    ok = [all(r[1] is None for r in rows[j:]) or limited for j in range(m + 1)]
    for i in range(n - 1, -1, -1):
        nxt = [False] * (m + 1)
        for j in range(m - 1, -1, -1):
            r = rows[j][1]
            if r is None:
                nxt[j] = ok[j + 1] or nxt[j + 1]
            else:
                nxt[j] = r == events[i] and ok[j + 1]
        ok = nxt
    return ok[0]


def read_gaps(path):
    gaps, other = [], []
    for line in open(path, errors='replace').read().splitlines():
        m = GAP.match(line)
        if m:
            gaps.append(tuple(int(x) for x in m.groups()))
        elif line.strip():
            other.append(line)
    return gaps, other


def warmup(R):
    """a few changes of both families, so that the generator has rows of both to draw its
    literals from; their values, Sequence and TimeCreated moved into the churn's range"""
    for fam, p, via in ((4, '10.59.0.0/24', '10.1.0.5'), (6, '2001:db8:59::/64', '2001:db8:1::5'),
                        (4, '10.59.1.0/24', '10.2.0.5')):
        nsx('ip', '-%d' % fam, 'route', 'add', p, 'via', via, 'metric', '7')
        nsx('ip', '-%d' % fam, 'route', 'del', p, 'via', via, 'metric', '7')
    rows = list(history_rows(walk(EV_TABLE, T + '/ev.warm.walk')).values())
    return rows


def shifted(R, rows, L0, est):
    out = []
    for r in rows:
        r = dict(r, Sequence=L0 + R.randint(1, max(1, est)))
        s, us = W.dt_value(r['TimeCreated'])
        t = time.gmtime(s + R.randint(0, 6))
        r['TimeCreated'] = time.strftime('%Y%m%d%H%M%S', t) + '.%06d+000' % R.choice([0, 100000, 500000, us])
        out.append(r)
    return out


def cmd_events():
    R = random.Random(SEED + 'events')
    nq = int(ENV.get('QUERIES', '6'))
    samples = warmup(R)
    L0 = snmp_get(LASTSEQ)
    churn = Churn(R)
    plan = []
    for _ in range(R.randint(18, 32)):
        plan.append((churn.op(), R.choice([0.02, 0.05, 0.1, 0.15, 0.25])))
    est = sum(len(o[1]) if isinstance(o, tuple) else 1 for ops, _ in plan for o in ops)
    hs = shifted(R, samples, L0, est)
    sample = {'cimRouteEvent': hs, 'Win32_IP4RouteTableEvent': [e for e in map(as_event, hs) if e]}
    qs = make_queries(R, nq, sample)
    for q in qs:
        q['expect'] = W.expect(q['cls'], q['q'], [])[0]
        print('# query %d: cimq -o %s%s "%s" (%s)' % (q['i'], q['fmt'], ' -N %d' % q['count'] if q['count'] else '',
                                                     q['text'], 'exit %d expected' % q['expect'] if q['expect'] else 'runs'))
    g0 = snmp_get(IN_GETS)
    for q in qs:
        start_query(q)
    # each query that runs reads cimRouteEventLastSequence once at its start: snmpd counts
    # their GETs (and ours); the churn starts when all have
    running = sum(1 for q in qs if q['expect'] == 0)
    polls, deadline = 0, time.time() + 8
    while time.time() < deadline:
        polls += 1
        g = snmp_get(IN_GETS)
        if g is not None and g - g0 - polls >= running:
            break
        time.sleep(0.05)
    else:
        ok(False, 'the %d event queries that run read cimRouteEventLastSequence within 8 s' % running)
    still = snmp_get(LASTSEQ)
    ok(still == L0, 'no change before the churn (cimRouteEventLastSequence %s, then %s)' % (L0, still))
    known, clash = {}, []
    stop = threading.Event()

    def merge(rows):
        for s, r in rows.items():
            if not complete(r):
                continue
            if s in known and known[s] != r:
                clash.append('row %d changed: %s, then %s' % (s, known[s], r))
            known[s] = r

    def walker():
        k = 0
        while not stop.is_set():
            k += 1
            merge(history_rows(walk(EV_TABLE, '%s/ev.walk.%d' % (T, k % 4))))
            stop.wait(0.15)
    th = threading.Thread(target=walker) if HIST < est else None
    if th:
        th.start()
    t0 = time.time()
    for i, (ops, pause) in enumerate(plan):
        for j, o in enumerate(ops):
            run_op(o, i * 10 + j)
            if j + 1 < len(ops) and isinstance(o, tuple):
                time.sleep(R.choice([0.05, 0.3, 1.2]))   # a burst's deletes in a later poll
        time.sleep(pause)
    t1 = time.time()
    time.sleep(0.3)
    Lend = snmp_get(LASTSEQ)
    stop.set()
    if th:
        th.join()
    merge(history_rows(walk(EV_TABLE, T + '/ev.final.walk')))
    if snmp_get(LASTSEQ) != Lend:
        ok(False, 'the history stood still after the churn')
    print('# churn: %d operations in %.1f s, sequence %d..%d (%d changes), history %d, %d rows known'
          % (len(plan), t1 - t0, L0 + 1, Lend, Lend - L0, HIST, len([s for s in known if s > L0])))
    ok(not clash, 'the history never changes a row it holds (walks during and after the churn)', clash)
    # every query has polled after the last change: then SIGTERM
    time.sleep(max(q['within'] for q in qs) + 1.5)
    for q in qs:
        q['by_self'] = q['proc'].poll() is not None
        if not q['by_self']:
            q['proc'].send_signal(signal.SIGTERM)
    for q in qs:
        try:
            q['rc'] = q['proc'].wait(timeout=10)
        except subprocess.TimeoutExpired:
            q['proc'].kill()
            q['rc'] = q['proc'].wait()
    fails = 0
    probe = None
    for q in qs:
        text = open(q['out'], errors='replace').read()
        gaps, other = read_gaps(q['err'])
        names = [p['name'] for p in q['q']['props']]
        label = 'seed %s query %d: cimq -o %s%s "%s"' % (SEED, q['i'], q['fmt'], ' -N %d' % q['count'] if q['count'] else '', q['text'])
        if q['expect']:
            probs = [] if q['rc'] == q['expect'] and not text and q['by_self'] else [
                'exit %d (%s), the reference expects %d; stdout %r' % (q['rc'], 'ended' if q['by_self'] else 'killed', q['expect'], text[:200])]
            fails += not ok(not probs, label + ': refused', probs + other[:3])
            continue
        got, why = parse_events(q['fmt'], names, text)
        probs = ['output: %s' % why] if got is None else \
            check_stream(q, got, gaps, q['rc'], q['by_self'], known, L0, Lend)
        probs += ['stderr: %s' % l for l in other]
        fails += not ok(not probs, '%s: %d events, %d gap lines (%d rows after its start no walk saw)'
                        % (label, len(got or []), len(gaps), q.get('unwalked', 0)), probs)
        if got is not None and not probs and q['count'] is None and (probe is None or q['i'] == 1):
            probe = (q, got, gaps)
    perturbations(known, L0, Lend, probe)


def perturbations(known, L0, Lend, probe):
    """the comparator fails on a dropped event, a changed value, an extra event and a moved
    or invented gap line: on a query's own output when one printed two events or more, and
    on the output a query of every change must print"""
    q = probe[0] if probe else {'cls': HISTORY, 'fmt': 'json', 'count': None,
                                'q': {'props': HISTORY['props'], 'where': None, 'star': True}}
    names = [p['name'] for p in q['q']['props']]
    if probe:
        got, gaps = probe[1], probe[2]
    else:
        got = [render_row('json', [known[s].get(nm) for nm in names]) for s in range(L0 + 1, Lend + 1) if s in known]
        gaps = []
    base = check_stream(q, got, gaps, 0, False, known, L0, Lend)
    cases = []
    if len(got) >= 2:
        cases.append(('an event dropped', got[1:], gaps))
        v = list(got[-1])
        v[-1] = v[-1] + '9'
        cases.append(('a value changed', got[:-1] + [v], gaps))
        cases.append(('an event twice', got + got[-1:], gaps))
        k = next((k for k in range(len(got) - 1) if got[k] != got[k + 1]), None)
        if k is not None:
            cases.append(('two events swapped', got[:k] + [got[k + 1], got[k]] + got[k + 2:], gaps))
    if gaps:
        c, a, b = gaps[0]
        cases.append(('a gap line\'s count one more', got, [(c + 1, a, b)] + gaps[1:]))
    cases.append(('a gap line for the last change', got, gaps + [(1, Lend, Lend)]))
    bad = [name for name, g, gp in cases if not check_stream(q, g, gp, 0, False, known, L0, Lend)]
    ok(not base and cases and not bad, 'the comparator passes %s and fails on each of %d perturbations (%s)'
       % ('query %d\'s output' % q['i'] if probe else 'the every-change output', len(cases),
          ', '.join(n for n, _, _ in cases)), base[:3] + ['not detected: %s' % b for b in bad])


# ---------------------------------------------------------------- associations

LIVE = CLASSES['win32_ip4routetable']
PERS = CLASSES['win32_ip4persistedroutetable']
ACT = CLASSES['win32_activeroute']
LIVE_ROWS = []   # every live instance of the last walk (two may share WMI's keys)


def quad(ix):
    return '.'.join(map(str, ix[:4]))


def path_of(cls, keys):
    parts = []
    for k, v in keys:
        parts.append('%s=%s' % (k, v if isinstance(v, int) else '"%s"' % v))
    return '%s.%s' % (cls, ','.join(parts))


def live_keys(r):
    return [('Destination', r['destination']), ('Mask', r['mask']), ('NextHop', r['nexthop']),
            ('InterfaceIndex', r['interfaceindex'])]


def pers_keys(r):
    return [('Destination', r['destination']), ('Mask', r['mask']), ('NextHop', r['nexthop']),
            ('Metric1', r['metric1'])]


def assoc_truth():
    """(live {key tuple: instance}, persisted {...}, [(persisted key, live key)]) from walks"""
    wv = walk(' '.join(ENT + t for t in ('.1.3', '.2.3', '.3.3')), T + '/as.walk')
    LIVE_ROWS[:] = CR.instances(CR.cls_of('Win32_IP4RouteTable'), wv).values()
    live = {tuple(v for _, v in live_keys(i)): i for i in LIVE_ROWS}
    pers = {tuple(v for _, v in pers_keys(i)): i for i in CR.instances(CR.cls_of('Win32_IP4PersistedRouteTable'), wv).values()}
    act_col = tuple(int(x) for x in (ENT + '.3.3.1.2').strip('.').split('.'))
    live_entry = tuple(int(x) for x in (ENT + '.1.3.1').strip('.').split('.'))
    links = []
    for o, (t, v) in wv.items():
        if o[:len(act_col)] != act_col:
            continue
        pix = o[len(act_col):]
        ptr = tuple(int(x) for x in v.strip().strip('.').split('.'))
        lix = ptr[len(live_entry) + 1:]
        links.append(((quad(pix), quad(pix[4:]), quad(pix[8:]), pix[12]),
                      (quad(lix), quad(lix[4:]), quad(lix[8:]), lix[12])))
    return live, pers, links


def kernel_routes():
    """the kernel's IPv4 routes of table main: [(dst, mask, ifindex, gateway or None, metric)]"""
    idx = {l['ifname']: l['ifindex'] for l in json.loads(nsx('ip', '-j', 'link', 'show').stdout)}
    out = []
    for r in json.loads(nsx('ip', '-j', '-4', 'route', 'show', 'table', 'main').stdout):
        net = ipaddress.ip_network('0.0.0.0/0' if r['dst'] == 'default' else r['dst'])
        out.append((str(net.network_address), str(net.netmask), idx.get(r.get('dev')), r.get('gateway'),
                    r.get('metric', 0)))
    return out


def kernel_agrees(live):
    """[problems]: the live instances and the kernel's routes, one for one"""
    kern = sorted((d, m, i, mt if mt < 2 ** 31 else -1) for d, m, i, _, mt in kernel_routes())
    mine = sorted((x['destination'], x['mask'], x['interfaceindex'],
                   -1 if x['metric1'] is None else x['metric1']) for x in live)
    if kern == mine:
        return []
    return ['kernel only: %s' % sorted(set(kern) - set(mine))[:5], 'walk only: %s' % sorted(set(mine) - set(kern))[:5]]


def assoc_setup():
    cq = CQBASE + ['-v2c', '-c', 'private']
    made = []
    for d, m, nh, met in (('10.95.0.0', '255.255.0.0', '10.1.0.9', 3), ('10.95.0.0', '255.255.0.0', '10.2.0.9', 5),
                          ('10.96.0.0', '255.255.255.0', '10.2.0.9', 0), ('10.97.0.0', '255.255.0.0', '10.1.0.9', 7),
                          ('10.98.0.0', '255.255.0.0', '10.3.0.9', 4)):
        q = "CREATE Win32_IP4PersistedRouteTable SET Destination='%s', Mask='%s', NextHop='%s', Metric1=%d" % (d, m, nh, met)
        p = subprocess.run(cq + [AGENT, q], capture_output=True, text=True)
        if p.returncode != 0:
            return ['%s: exit %d %s' % (q, p.returncode, p.stderr.strip()[:200])]
        made.append((d, m, nh, met))
    # 10.98.0.0/16 via va2, then va2 down: a persisted route without its live route
    r = nsx('ip', 'link', 'set', 'va2', 'down')
    for i in range(5):
        nsx('ip', 'route', 'add', '10.9%d.%d.0/24' % (i % 2, i), 'via', '10.%d.0.8' % (1 + i % 2))
    deadline = time.time() + 6
    while time.time() < deadline:
        live, pers, links = assoc_truth()
        if len(pers) == 5 and len(links) == 4:
            return []
        time.sleep(0.2)
    return ['after 6 s: %d persisted routes, %d active (want 5 and 4)%s' % (len(pers), len(links), r.stderr)]


def visible(cls, inst, keys_only):
    return {p['name']: inst.get(p['name'].lower()) for p in cls['props'] if not p['ext'] and (not keys_only or p['key'])}


def assoc_expect(kind, src_is_pers, keys, where, live, pers, links):
    """(exit status, [instances]) for ASSOCIATORS/REFERENCES OF a path of keys"""
    # cimq's order: what it cannot honour (8), what REFERENCES OF does not take (1), roles (2)
    if 'ClassDefsOnly' in where:
        return 8, None
    if kind == 'REFERENCES' and ('AssocClass' in where or 'ResultRole' in where):
        return 1, None
    if where.get('Role', '').lower() == 'destination' or where.get('ResultRole', '').lower() == 'destination':
        return 2, None
    table = pers if src_is_pers else live
    names = ['destination', 'mask', 'nexthop', 'metric1' if src_is_pers else 'interfaceindex']
    given = {k.lower(): v for k, v in keys}
    srcs = [k for k in table if all(W.key_eq(k[names.index(n)], v) for n, v in given.items())]
    my_role, other_role = ('SameElement', 'SystemElement') if src_is_pers else ('SystemElement', 'SameElement')
    if 'Role' in where and where['Role'].lower() != my_role.lower():
        return 0, []
    if kind == 'REFERENCES':
        if 'ResultClass' in where and where['ResultClass'].lower() != 'win32_activeroute':
            return 0, []
        out = [{'SameElement': path_of('Win32_IP4PersistedRouteTable', zip(['Destination', 'Mask', 'NextHop', 'Metric1'], p)),
                'SystemElement': path_of('Win32_IP4RouteTable', zip(['Destination', 'Mask', 'NextHop', 'InterfaceIndex'], l))}
               for p, l in links if (p if src_is_pers else l) in srcs]
        return 0, out
    if 'AssocClass' in where and where['AssocClass'].lower() != 'win32_activeroute':
        return 0, []
    if 'ResultRole' in where and where['ResultRole'].lower() != other_role.lower():
        return 0, []
    rcls = LIVE if src_is_pers else PERS
    if 'ResultClass' in where and where['ResultClass'].lower() != rcls['name'].lower():
        return 0, []
    other = live if src_is_pers else pers
    res = sorted({(l if src_is_pers else p) for p, l in links if (p if src_is_pers else l) in srcs})
    return 0, [visible(rcls, other[k], 'KeysOnly' in where) for k in res if k in other]


def assoc_query(R, live, pers, links):
    src_is_pers = R.random() < 0.5
    table = pers if src_is_pers else live
    cls = 'Win32_IP4PersistedRouteTable' if src_is_pers else 'Win32_IP4RouteTable'
    r = R.random()
    if r < 0.15:   # an instance that does not exist
        keys = [('Destination', '10.%d.0.0' % R.choice([93, 99])), ('Mask', '255.255.0.0'), ('NextHop', '10.1.0.9'),
                ('Metric1', 3) if src_is_pers else ('InterfaceIndex', 3)]
    else:
        linked = [p if src_is_pers else l for p, l in links]
        k = R.choice(linked) if linked and r < 0.7 else R.choice(sorted(table))
        keys = list(zip(['Destination', 'Mask', 'NextHop', 'Metric1' if src_is_pers else 'InterfaceIndex'], k))
    if R.random() < 0.25:
        keys = R.sample(keys, R.randint(1, len(keys) - 1))
    R.shuffle(keys)
    path = '%s.%s' % (W.name_case(cls, R), ','.join(
        '%s=%s' % (W.name_case(k, R), v if isinstance(v, int) else R.choice(["'%s'", '"%s"']) % v) for k, v in keys))
    path = R.choice(['{%s}' % path, path, '{\\\\.\\root\\cimv2:%s}' % path])
    kind = R.choice(['ASSOCIATORS', 'REFERENCES'])
    where = {}
    opts = ['ResultClass', 'Role', 'KeysOnly'] + (['AssocClass', 'ResultRole'] if kind == 'ASSOCIATORS' else [])
    for o in opts:
        if R.random() < 0.3:
            if o == 'KeysOnly':
                where[o] = ''
            elif o in ('AssocClass', 'ResultClass'):
                where[o] = R.choice(['Win32_ActiveRoute', 'Win32_IP4RouteTable', 'Win32_IP4PersistedRouteTable'])
            else:
                where[o] = R.choice(['SameElement', 'SystemElement', 'SameElement', 'SystemElement', 'Destination'])
    r = R.random()
    if r < 0.05:   # WMI's keywords refused: not in REFERENCES OF (1), no class definitions (8)
        where['AssocClass' if kind == 'REFERENCES' else 'ResultRole'] = 'SameElement'
    elif r < 0.08:
        where['ClassDefsOnly'] = ''
    text = '%s OF %s' % (kind, path)
    if where:
        text += ' WHERE ' + ' '.join(k if k in ('KeysOnly', 'ClassDefsOnly') else '%s = %s' % (k, v) for k, v in where.items())
    return text, kind, src_is_pers, keys, where


def assoc_compare(kind, src_is_pers, want, got):
    probs = []
    key = (lambda x: json.dumps(x, sort_keys=True)) if kind == 'REFERENCES' else \
        (lambda x: json.dumps([x.get(k) for k in ('Destination', 'Mask', 'NextHop', 'InterfaceIndex', 'Metric1')]))
    a, b = sorted(want, key=key), sorted(got, key=key)
    if len(a) != len(b):
        return ['%d instances, expected %d: %s' % (len(b), len(a), [key(x) for x in b][:4])]
    for w, g in zip(a, b):
        if set(w) != set(g):
            probs.append('properties %s, expected %s' % (sorted(g), sorted(w)))
            continue
        for k in w:
            if not CR.equal(k, g[k], w[k], 2):
                probs.append('%s: %s = %r, the walk %r' % (key(w), k, g[k], w[k]))
    return probs


def cmd_assoc():
    R = random.Random(SEED + 'assoc')
    n = int(ENV.get('ASSOC', '40'))
    probs = assoc_setup()
    if not ok(not probs, 'five persisted routes (one without its live route), four active routes', probs):
        return
    live, pers, links = assoc_truth()
    miss = kernel_agrees(LIVE_ROWS)
    miss += ['active route %s -> %s: no such live route' % (p, l) for p, l in links if l not in live]
    miss += ['active route %s -> %s: no such persisted route' % (p, l) for p, l in links if p not in pers]
    ok(not miss, 'the walks agree with the kernel: %d live routes, %d persisted, %d active' % (len(live), len(pers), len(links)), miss)
    fails, counts, probe = 0, {'instances': 0, 'empty': 0, 'refused': 0}, None
    for i in range(n):
        text, kind, sp, keys, where = assoc_query(R, live, pers, links)
        wrc, want = assoc_expect(kind, sp, keys, where, live, pers, links)
        rc, got, err = W.cimq_json(text)
        if wrc or rc:
            p = [] if rc == wrc else ['exit %d, expected %d: %s' % (rc, wrc, err.strip()[:200])]
            counts['refused'] += 1
        else:
            p = assoc_compare(kind, sp, want, got) if got is not None else [err]
            counts['instances' if want else 'empty'] += 1
            if want and probe is None and not p:
                probe = (kind, sp, want)
        if p:
            fails += 1
            ok(False, 'seed %s association %d: %s' % (SEED, i + 1, text), p)
    ok(fails == 0, 'seed %s: %d ASSOCIATORS OF / REFERENCES OF queries agree with the walks (%d with instances, %d empty, %d refused)'
       % (SEED, n, counts['instances'], counts['empty'], counts['refused']))
    # the comparison fails on a dropped instance, a changed value, an extra property
    if probe is None:
        return ok(False, 'a query with instances to perturb')
    kind, sp, want = probe
    w0 = dict(want[0])
    k0 = sorted(w0)[0]
    w0[k0] = 'x' if w0[k0] != 'x' else 'y'
    cases = [want[1:], [w0] + want[1:], [dict(want[0], Extra=1)] + want[1:], want + want[:1]]
    ok(all(assoc_compare(kind, sp, want, c) for c in cases) and not assoc_compare(kind, sp, want, want),
       'the association comparator fails on a dropped, a changed, a widened and a repeated instance')


if __name__ == '__main__':
    {'events': cmd_events, 'assoc': cmd_assoc}[sys.argv[1]]()
