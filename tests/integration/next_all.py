#!/usr/bin/env python3
"""next_all.py - the truth and the oracle of next_all.sh: GET, GETNEXT and GETBULK over all of
CIM-ROUTE-MIB against one full walk (python3 standard library only; the BER code is
soak_probe.py's, the MIB reader hostile.py's).

  next_all.py walk HOST:PORT OUT [REPS]        GETNEXT walk of the cimRouteMIB subtree into OUT
                                               (GETBULK of REPS repetitions if given)
  next_all.py bulkwalk HOST:PORT WALK REPS...  GETBULK walks, each equal to WALK
  next_all.py tables MIB WALK                  the rows of every table in WALK (at least one
                                               each but for the tables Linux has nothing for),
                                               each equal to its cim*Count.0, every scalar
                                               walked but those the MIB says are always absent
  next_all.py cross MIB HOST:PORT WALK         GET of every column of every walked row, and of
                                               every scalar: the walk's value or noSuchInstance
  next_all.py steady MIB HOST:PORT WALK SECONDS GET every walked DateAndTime every 100 ms:
                                               the walk's value each time
  next_all.py random MIB HOST:PORT WALK SEED N [--perturb]
                                               N random requests, each answered as WALK implies
                                               (--perturb: against a walk with rows dropped
                                               and values changed, which must mismatch)
  next_all.py diff WALK1 WALK2                 the same OIDs, the same values but the volatile ones

A walk (`walk`) is the list of (OID, type, value) snmpd answers to GETNEXTs from the subtree's
root on, until the first answer outside it: that one ("after", the next object of another
registered subtree, or endOfMibView) is kept too. It must be strictly increasing and carry no
exception but the endOfMibView that may end it.

The oracle: a GETNEXT from any OID answers the first walked OID greater than it (OIDs past the
walk's last: "after", compared by OID and type only), with the walked value; a GETBULK
(non-repeaters N, max-repetitions M) answers the N GETNEXTs, then M rounds of the repeaters,
each from the previous round's answer (snmpd may stop early, after the first round at the
least; a repeater past "after" is not followed further); a GET of a walked OID answers its
value; of another OID, noSuchInstance when an accessible object's OID (a column or a scalar:
read-only, read-write or read-create) is a prefix of it or the name itself, else noSuchObject
(RFC 3416 4.2.1: the object type exists, or not; accessible-for-notify objects are not
accessible to a GET, not-accessible index columns neither, the table and entry OIDs are no
object types with instances).

VOLATILE values (they change on their own in a quiet world), compared as said; every other
value, exactly:
  cimIP4RouteAge, cimIP6RouteAge: may have grown by 0 to (seconds since the walk began) + 2
  the ping row in progress (owner "nx", name "zslow"): cimPingTable columns 20-44 (status,
    results, counters, times) by OID only; its cimPingProbeTable rows by OID only, and a probe
    row the walk did not see (it came later) is a right answer to a GETNEXT from before it
  the object after the subtree ("after"): OID and type only (snmpd's own, e.g. a counter)
  cimAdapterCfgAddressValidLife, cimAdapterCfgAddressPrefLife, cimIP6RouteValidLifetime, and
    the "expires Nsec" in cimIP6RouteDescription: a finite one may have shrunk by 0 to
    (seconds since the walk began) + 2; forever (4294967295) exactly, the rest of the text too
  nothing else: the adapters' counters and times (veth links) do not move (`diff` checks it)
A value that differs between the walk and an answer is a mismatch unless listed here.
"""

import bisect
import json
import os
import random
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_probe import message, decode_response_values, oid_tuple  # noqa: E402
from hostile import read_mib, ROOT, MAX_OID_LEN  # noqa: E402

ROOT_T = oid_tuple(ROOT)
NO_OBJ, NO_INST, END = 0x80, 0x81, 0x82
TAGS = {NO_OBJ: 'noSuchObject', NO_INST: 'noSuchInstance', END: 'endOfMibView'}
PING_ENTRY = ROOT_T + (1, 7, 3, 1)
PROBE_ENTRY = ROOT_T + (1, 7, 7, 1)


def ostr(o):
    return '.' + '.'.join(map(str, o))


def slow_row():
    """The index of the ping row in progress: owner "nx", name "zslow"."""
    return tuple([2] + [ord(c) for c in 'nx'] + [5] + [ord(c) for c in 'zslow'])


SLOW = slow_row()


AGE_COLS = (ROOT_T + (1, 1, 3, 1, 8), ROOT_T + (1, 8, 3, 1, 9))   # cimIP4RouteAge, cimIP6RouteAge
# cimAdapterCfgAddressValidLife, cimAdapterCfgAddressPrefLife, cimIP6RouteValidLifetime
LIFE_COLS = (ROOT_T + (1, 6, 4, 1, 5), ROOT_T + (1, 6, 4, 1, 6), ROOT_T + (1, 8, 3, 1, 21))
DESCR6 = ROOT_T + (1, 8, 3, 1, 11)   # cimIP6RouteDescription: "... expires Nsec ..."
EXPIRES = re.compile(rb'expires (\d+)sec')
WALK_START = [None]   # when the walk being compared with began (time.time())


def volatile(o):
    """How the value of walked OID o is compared (VOLATILE above): 'exact', 'age' (grows),
    'life' (shrinks), 'expires' (a lifetime in a text) or 'oid' (not at all)."""
    if o[:len(AGE_COLS[0])] in AGE_COLS:
        return 'age'
    if o[:len(LIFE_COLS[0])] in LIFE_COLS:
        return 'life'
    if o[:len(DESCR6)] == DESCR6:
        return 'expires'
    if o[:len(PING_ENTRY)] == PING_ENTRY and len(o) > len(PING_ENTRY) and o[len(PING_ENTRY)] >= 20 \
            and o[len(PING_ENTRY) + 1:] == SLOW:
        return 'oid'
    if o[:len(PROBE_ENTRY)] == PROBE_ENTRY and o[len(PROBE_ENTRY) + 1:len(PROBE_ENTRY) + 1 + len(SLOW)] == SLOW:
        return 'oid'
    return 'exact'


# ------------------------------------------------------------------ the client

class Client:
    def __init__(self, agent, community='public'):
        host, port = agent.rsplit(':', 1)
        self.addr = (host, int(port))
        self.community = community
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.reqid = random.randrange(1, 1 << 30)
        self.requests = 0

    def ask(self, tag, oids, f1=0, f2=0):
        """(error-status, error-index, [(oid tuple, tag, value)]); None for no answer."""
        self.reqid += 1
        self.requests += 1
        pkt = message(self.community, tag, self.reqid, [(ostr(o), b'\x05\x00') for o in oids], f1, f2)
        for timeout in (3, 6):
            self.s.settimeout(timeout)
            self.s.sendto(pkt, self.addr)
            try:
                while True:
                    rid, st, ix, vbs = decode_response_values(self.s.recv(65535))
                    if rid == self.reqid:
                        return st, ix, vbs
            except socket.timeout:
                continue
        return None

    def get(self, oids):
        return self.ask(0xa0, oids)

    def getnext(self, oids):
        return self.ask(0xa1, oids)

    def getbulk(self, oids, n, m):
        return self.ask(0xa5, oids, n, m)


def in_subtree(o):
    return o[:len(ROOT_T)] == ROOT_T


# ------------------------------------------------------------------ walks

def save(path, rows, after, start):
    with open(path, 'w') as f:
        json.dump({'start': start, 'rows': [[ostr(o), t, v.hex()] for o, t, v in rows],
                   'after': [ostr(after[0]), after[1], after[2].hex()]}, f)


def load(path):
    d = json.load(open(path))
    rows = [(oid_tuple(o), t, bytes.fromhex(v)) for o, t, v in d['rows']]
    a = d['after']
    WALK_START[0] = d['start']
    return rows, (oid_tuple(a[0]), a[1], bytes.fromhex(a[2]))


def check_walk(rows, errs):
    for i, (o, t, _) in enumerate(rows):
        if i and o <= rows[i - 1][0]:
            errs.append('not increasing: %s after %s' % (ostr(o), ostr(rows[i - 1][0])))
        if t in TAGS:
            errs.append('%s in a walk at %s' % (TAGS[t], ostr(o)))


def collect(c, reps=0):
    """The subtree as GETNEXTs (reps 0) or GETBULKs of reps repetitions from its root show it:
    (rows, after), or why not (a string): no answer, an error, an answer not past the OID asked."""
    rows, cur = [], ROOT_T
    while True:
        r = c.getbulk([cur], 0, reps) if reps else c.getnext([cur])
        if r is None or r[0] != 0 or not r[2] or (not reps and len(r[2]) != 1):
            return 'no answer, an error or no varbind from %s' % ostr(cur)
        for o, t, v in r[2]:
            if not in_subtree(o) or t == END:
                return rows, (o, t, v)
            if o <= cur:
                return '%s from %s answers %s, not past it' % ('GETBULK' if reps else 'GETNEXT', ostr(cur), ostr(o))
            rows.append((o, t, v))
            cur = o


def cmd_walk(agent, out, reps=0):
    c = Client(agent)
    start = time.time()
    got = collect(c, reps)
    if isinstance(got, str):
        print('walk: ' + got)
        return 1
    rows, after = got
    errs = []
    check_walk(rows, errs)
    save(out, rows, after, start)
    print('walk: %d objects, %d requests; after the subtree: %s %s' % (
        len(rows), c.requests, ostr(after[0]), TAGS.get(after[1], 'type 0x%02x' % after[1])))
    for e in errs[:20]:
        print('mismatch: ' + e)
    return 1 if errs else 0


def same_value(o, t, v, want, now=None):
    """None when (t, v) is what the walk says of o (want: (oid, tag, value)), else why not. An
    age read at time now (default: now) may have grown by the seconds since the walk began, + 2."""
    if t != want[1]:
        return 'type 0x%02x, walked 0x%02x' % (t, want[1])
    how = volatile(o)
    if how == 'life' and int.from_bytes(want[2], 'big') == 4294967295:
        how = 'exact'    # forever stays forever
    if how == 'expires':
        a, b = EXPIRES.search(v), EXPIRES.search(want[2])
        if a is None or b is None or EXPIRES.sub(b'', v) != EXPIRES.sub(b'', want[2]):
            how = 'exact'
        else:
            how, v, want = 'life', int(a.group(1)).to_bytes(4, 'big'), (o, t, int(b.group(1)).to_bytes(4, 'big'))
    if how in ('age', 'life'):
        grown = int.from_bytes(v, 'big', signed=True) - int.from_bytes(want[2], 'big', signed=True)
        if how == 'life':
            grown = -grown
        slack = int((now or time.time()) - WALK_START[0]) + 2
        return None if 0 <= grown <= slack else '%s moved by %d, slack [0, %d]' % (how, grown, slack)
    if how == 'exact' and v != want[2]:
        return 'value %s, walked %s' % (v.hex()[:40], want[2].hex()[:40])
    return None


def same_rows(got, rows):
    """Why the rows of a walk got are not those of the walk rows, position by position (but the
    probes of the ping in progress, which come and go): a list, empty when they are."""
    errs = []
    got, rows = stable(got), stable(rows)
    for i in range(max(len(got), len(rows))):
        g = got[i] if i < len(got) else None
        w = rows[i] if i < len(rows) else None
        if g is None or w is None or g[0] != w[0]:
            return errs + ['position %d: %s, walk %s' % (i, g and ostr(g[0]), w and ostr(w[0]))]
        why = same_value(g[0], g[1], g[2], w)
        if why:
            errs.append('%s: %s' % (ostr(g[0]), why))
    return errs


def cmd_bulkwalk(agent, walk, reps):
    rows, after = load(walk)
    c = Client(agent)
    bad = 0
    for m in reps:
        requests = c.requests
        got = collect(c, m)
        if isinstance(got, str):
            print('bulkwalk %d: %s' % (m, got))
            return 1
        errs = same_rows(got[0], rows)
        if got[1][:2] != after[:2]:
            errs.append('after the subtree: %s, walk %s' % (ostr(got[1][0]), ostr(after[0])))
        print('bulkwalk max-repetitions %d: %d objects in %d requests, %d mismatches' % (
            m, len(got[0]), c.requests - requests, len(errs)))
        for e in errs[:10]:
            print('mismatch: ' + e)
        bad += len(errs)
    return 1 if bad else 0


def cmd_diff(w1, w2):
    b, _ = load(w2)
    a, _ = load(w1)      # ages compared from the first walk's start to now
    errs = []
    mb = {o: (o, t, v) for o, t, v in b}
    ma = {o for o, _, _ in a}
    for o, t, v in a:
        if o not in mb:
            if volatile(o) != 'oid':
                errs.append('%s gone' % ostr(o))
            continue
        t2, v2 = mb[o][1:]
        why = same_value(o, t2, v2, (o, t, v))
        if why:
            errs.append('%s: %s' % (ostr(o), why))
    for o, _, _ in b:
        if o not in ma and volatile(o) != 'oid':
            errs.append('%s new' % ostr(o))
    print('diff: %d and %d objects, %d differences' % (len(a), len(b), len(errs)))
    for e in errs[:20]:
        print('mismatch: ' + e)
    return 1 if errs else 0


# ------------------------------------------------------------------ the MIB's tables

def read_indexes(path):
    """entry name -> [index object names] (AUGMENTS: the base entry's)."""
    text = re.sub(r'--[^\n]*', '', open(path).read())
    text = re.sub(r'"[^"]*"', '""', text)
    idx, aug = {}, {}
    for m in re.finditer(r'(\w[\w-]*)\s+OBJECT-TYPE(.*?)::=', text, re.S):
        name, body = m.groups()
        im = re.search(r'INDEX\s*\{([^}]*)\}', body)
        am = re.search(r'AUGMENTS\s*\{\s*(\w+)\s*\}', body)
        if im:
            idx[name] = [x.strip() for x in im.group(1).split(',')]
        elif am:
            aug[name] = am.group(1)
    for n, base in aug.items():
        idx[n] = idx[base]
    return idx


class Mib:
    def __init__(self, path):
        self.objs = read_mib(path)
        self.by_name = {o.name: o for o in self.objs}
        self.by_oid = {oid_tuple(o.oid): o for o in self.objs}
        self.readable = {oid_tuple(o.oid) for o in self.objs if o.access in ('read-only', 'read-write', 'read-create')}
        self.entries = {}    # entry oid -> (table oid, [column numbers], [index kinds])
        for name, comps in read_indexes(path).items():
            e = oid_tuple(self.by_name[name].oid)
            cols = sorted(o[-1] for o in self.by_oid if o[:-1] == e)
            self.entries[e] = (e[:-1], cols, [self.kind(self.by_name[c].syntax) for c in comps])
        self.scalars = sorted(o for o in self.readable if o[:-1] not in self.entries)
        self.text = open(path).read()

    def counts(self):
        """[(scalar oid, entry oid)]: each cim*Count whose DESCRIPTION says "The number of rows in X"."""
        out = []
        for sc in self.scalars:
            m = re.match(r'The number of rows in (\w+)Table\b', self.descr(self.by_oid[sc].name))
            if m and m.group(1) + 'Entry' in self.by_name:
                out.append((sc, oid_tuple(self.by_name[m.group(1) + 'Entry'].oid)))
        return out

    def descr(self, name):
        """An object's DESCRIPTION, on one line."""
        m = re.search(r'^%s\s+OBJECT-TYPE.*?DESCRIPTION\s*"([^"]*)"' % re.escape(name), self.text, re.S | re.M)
        return ' '.join(m.group(1).split()) if m else ''

    @staticmethod
    def kind(syntax):
        if syntax.startswith('IpAddress'):
            return 'ip'
        if syntax.startswith('InetAddressIPv6'):
            return 'fixed16'
        if syntax.startswith(('InetAddress ', 'InetAddress(', 'DisplayString', 'SnmpAdminString', 'OCTET')) \
                or syntax == 'InetAddress':
            return 'str'
        return 'int'

    def split(self, o):
        """(entry oid, column, index) of a column instance, or None."""
        for n in range(len(o) - 2, len(ROOT_T), -1):
            if o[:n] in self.entries:
                return o[:n], o[n], o[n + 1:]
        return None

    def index_parts(self, entry, idx):
        """[(kind, start, end)] of the index components of idx (as far as it goes)."""
        parts, i = [], 0
        for k in self.entries[entry][2]:
            if i >= len(idx):
                break
            if k == 'ip':
                n = 4
            elif k == 'fixed16':
                n = 16
            elif k == 'str':
                n = 1 + idx[i]
            else:
                n = 1
            parts.append((k, i, min(i + n, len(idx))))
            i += n
        return parts

    def get_expect(self, o, walked):
        if o in walked:
            return walked[o]
        for n in range(len(o), 0, -1):
            if o[:n] in self.readable:
                return (o, NO_INST, b'')
        return (o, NO_OBJ, b'')


def cmd_tables(mibpath, walk):
    mib = Mib(mibpath)
    rows, _ = load(walk)
    per = {}
    for o, _, _ in rows:
        s = mib.split(o)
        if s:
            per.setdefault(s[0], set()).add(s[2])
    # empty on Linux (the MIB says so); and empty here: no link of the test has a device with
    # device/power/control (veth, bridge)
    never = {'cimAdapterCfgPermitTcpEntry', 'cimAdapterCfgPermitUdpEntry', 'cimAdapterCfgPermitIpEntry',
             'cimAdapterCfgIpxEntry'}
    empty_here = never | {'cimNetAdapterPowerMgmtCapEntry'}
    bad = 0
    for e in sorted(mib.entries):
        name = mib.by_oid[e].name
        n = len(per.get(e, ()))
        print('%-36s %4d rows' % (name, n))
        if n == 0 and name not in empty_here:
            print('mismatch: %s has no row' % name)
            bad += 1
        if n and name in never:
            print('mismatch: %s has rows: Linux has nothing for it' % name)
            bad += 1
    walked = {o: v for o, _, v in rows}
    for o in walked:
        sp = mib.split(o)
        if (sp is None and o[:-1] not in mib.scalars) or (sp is None and o[-1] != 0) or \
                (sp is not None and sp[0] + (sp[1],) not in mib.readable):
            print('mismatch: %s in the walk is no instance of an accessible object' % ostr(o))
            bad += 1
    for sc, entry in mib.counts():
        n = len(per.get(entry, ()))
        got = int.from_bytes(walked.get(sc + (0,), b''), 'big')
        if got != n:
            print('mismatch: %s.0 is %d, the walk has %d rows of %s' % (
                mib.by_oid[sc].name, got, n, mib.by_oid[entry].name))
            bad += 1
    miss = [s for s in mib.scalars if s + (0,) not in walked]
    print('scalars: %d of %d walked' % (len(mib.scalars) - len(miss), len(mib.scalars)))
    absent = [mib.by_oid[s].name for s in miss if 'always absent' in mib.descr(mib.by_oid[s].name)]
    if absent:
        print('absent as the MIB says ("always absent"): %s' % ' '.join(absent))
    other = [mib.by_oid[s].name for s in miss if mib.by_oid[s].name not in absent]
    if other:
        print('mismatch: scalars not walked: %s' % ' '.join(other))
        bad += 1
    return 1 if bad else 0


# ------------------------------------------------------------------ random requests

BIG = [256, 257, 300, 1000, 65535, 65536, 2147483647, 2147483648, 4294967294, 4294967295]


class Gen:
    def __init__(self, mib, rows, rnd):
        self.mib, self.rows, self.r = mib, rows, rnd
        self.oids = [o for o, _, _ in rows]

    def walked(self):
        return self.r.choice(self.oids)

    def mutate_index(self, o):
        r = self.r
        s = self.mib.split(o)
        if s is None:    # a scalar instance X.0
            x = o[:-1]
            return r.choice([x, x + (0, 0), x + (1,), x + (4294967295,), x + (0, 4294967295), x[:-1],
                             x + (r.choice(BIG),), x[:-1] + (x[-1] + 1,), x[:-1] + (x[-1] - 1, 4294967295)])
        entry, col, idx = s
        table, cols, kinds = self.mib.entries[entry]
        parts = self.mib.index_parts(entry, idx)
        idx = list(idx)
        how = r.choice(['truncate', 'extend', 'ip', 'big', 'lie', 'between', 'column', 'arc', 'neighbour'])
        if how == 'truncate' and idx:
            idx = idx[:r.randrange(0, len(idx))]
        elif how == 'extend':
            idx += [r.choice([0, 1, 255] + BIG) for _ in range(r.choice([1, 1, 2, 5, 20]))]
        elif how == 'ip' and any(b - a > 1 for k, a, b in parts if k != 'int'):
            # an octet of an address or a string > 255 (an IpAddress, an InetAddressIPv6, the
            # octets after a length prefix)
            k, a, b = r.choice([p for p in parts if p[0] != 'int' and p[2] - p[1] > 1])
            idx[r.randrange(a + (k == 'str'), b)] = r.choice(BIG)
        elif how == 'lie' and any(k == 'str' for k, _, _ in parts):
            k, a, b = r.choice([p for p in parts if p[0] == 'str'])
            n = idx[a]
            idx[a] = max(0, r.choice([n - 1, n + 1, n + 2, 0, 16, 200, 4294967295, n - 3]))
        elif how == 'between' and idx:
            i = r.randrange(len(idx))
            idx[i] = min(4294967295, max(0, idx[i] + r.choice([-1, 1])))
            if r.random() < 0.5:
                idx = idx[:i + 1] + [r.choice([0, 4294967295])]
        elif how == 'column':
            col = r.choice([0, cols[-1] + 1, cols[-1] + 2, 99, 4294967295] + cols)
            if r.random() < 0.3:
                return entry + (col,)
        elif how == 'arc':
            return r.choice([entry, table, table + (0,), table + (2,), entry + (0,), entry[:-2],
                             table + (2, 1), entry + (cols[0], 0)])
        elif how == 'neighbour':
            return o + (0,)
        else:   # 'big' (or a mutation the index has nothing for)
            if idx:
                idx[r.randrange(len(idx))] = r.choice([4294967295, 2147483648, 4294967294])
        return entry + (col,) + tuple(idx)

    def edge(self):
        r = self.r
        first, last = self.oids[0], self.oids[-1]
        if r.random() < 0.4:   # any table, the empty ones too: a column (or none), a short index
            entry = r.choice(sorted(self.mib.entries))
            cols = self.mib.entries[entry][1]
            col = r.choice(cols + [0, cols[-1] + 1])
            return entry + (col,) + tuple(r.choice([0, 1, 2, 4, 16, 255, 256, 70000, 4294967295])
                                          for _ in range(r.choice([0, 1, 2, 3])))
        return r.choice([ROOT_T[:-1] + (0,), ROOT_T, ROOT_T[:-1], ROOT_T + (0,), ROOT_T + (0, 1), ROOT_T + (1,), ROOT_T + (1, 0),
                         ROOT_T + (1, r.randrange(0, 13)), ROOT_T + (1, r.randrange(0, 13), r.randrange(0, 14)),
                         ROOT_T + (1, 4, 10, r.randrange(0, 22), 0), ROOT_T + (1, 4, 10),
                         ROOT_T + (2,), ROOT_T + (3,), ROOT_T + (4294967295,), ROOT_T + (1, 11),
                         ROOT_T + (1, 4294967295), first[:-1], first, last, last + (0,),
                         last[:-1] + (last[-1] + 1,)])

    def oid(self):
        r = self.r.random()
        if r < 0.3:
            o = self.walked()
        elif r < 0.75:
            o = self.mutate_index(self.walked())
        elif r < 0.9:   # two mutations
            o = self.walked()
            for _ in range(2):
                o = self.mutate_index(o) if self.mib.split(o) or o[:-1] in self.mib.readable else o
        else:
            o = self.edge()
        # a sub-id is 32 bits on the wire (a second mutation may add 1 to 4294967295)
        return tuple(min(x, 4294967295) for x in o[:MAX_OID_LEN])


def slow_probe(o):
    """o is a probe row of the ping in progress: it may appear (or vanish) at any time."""
    return o[:len(PROBE_ENTRY)] == PROBE_ENTRY and volatile(o) == 'oid'


def stable(rows):
    return [r for r in rows if not slow_probe(r[0])]


class Oracle:
    """The walk's answers. Its rows but the probe rows of the ping in progress are the truth
    of a GETNEXT; one of those probe rows, past the OID asked and before the expected answer,
    is a right answer too (its probe came after the walk, or the walk did not see it)."""

    def __init__(self, mib, rows, after):
        self.mib, self.after = mib, after
        self.map = {o: (o, t, v) for o, t, v in rows}
        self.rows = stable(rows)
        self.oids = [o for o, _, _ in self.rows]

    def next(self, o):
        """The first stable walked row past o, None past the walk."""
        i = bisect.bisect_right(self.oids, o)
        return self.rows[i] if i < len(self.rows) else None

    def check_next(self, asked, got):
        """None when got (oid, tag, value) is the right answer to a GETNEXT from asked, else why not."""
        o, t, v = got
        want = self.next(asked)
        if want is None:
            if (o, t) != self.after[:2]:
                return 'from %s: %s %s, expected %s (past the walk)' % (
                    ostr(asked), ostr(o), TAGS.get(t, ''), ostr(self.after[0]))
            return None
        if o != want[0]:
            if slow_probe(o) and asked < o < want[0] and t not in TAGS:
                return None
            return 'from %s: %s, expected %s' % (ostr(asked), ostr(o), ostr(want[0]))
        why = same_value(o, t, v, want)
        return 'from %s: %s %s' % (ostr(asked), ostr(o), why) if why else None

    def check_get(self, asked, got):
        o, t, v = got
        if o != asked:
            return 'GET %s answered for %s' % (ostr(o), ostr(asked))
        if slow_probe(asked) and (t == NO_INST or t not in TAGS):
            return None
        want = self.mib.get_expect(asked, self.map)
        if t in TAGS or want[1] in TAGS:
            if t != want[1]:
                return 'GET %s: %s, expected %s' % (ostr(asked), TAGS.get(t, 'a value'), TAGS.get(want[1], 'a value'))
            return None
        why = same_value(o, t, v, want)
        return 'GET %s: %s' % (ostr(asked), why) if why else None


def cmd_cross(mibpath, agent, walk):
    """GET every accessible column of every row the walk shows, and every scalar: the walk's
    value, or noSuchInstance where the walk has none (a row's absent column)."""
    mib = Mib(mibpath)
    rows, after = load(walk)
    ora = Oracle(mib, rows, after)
    per = {}
    for o, _, _ in rows:
        sp = mib.split(o)
        if sp:
            per.setdefault(sp[0], set()).add(sp[2])
    asks = [sc + (0,) for sc in mib.scalars]
    for entry, idxs in sorted(per.items()):
        cols = [c for c in mib.entries[entry][1] if entry + (c,) in mib.readable]
        asks += [entry + (c,) + i for i in sorted(idxs) for c in cols]
    c = Client(agent)
    errs, absent = [], 0
    for k in range(0, len(asks), 16):
        part = asks[k:k + 16]
        r = c.get(part)
        if r is None or r[0] != 0:
            errs.append('no answer or an error for a GET of %s...' % ostr(part[0]))
            continue
        for o, g in zip(part, r[2]):
            absent += g[1] == NO_INST
            why = ora.check_get(o, g)
            if why:
                errs.append(why)
    print('cross: %d GETs of %d instances (%d absent), %d mismatches' % (c.requests, len(asks), absent, len(errs)))
    for e in errs[:20]:
        print('mismatch: ' + e)
    return 1 if errs else 0


def cmd_steady(mibpath, agent, walk, seconds):
    """GET every walked DateAndTime (but the volatile ones) every 100 ms for SECONDS: each
    answer the walk's, to the decisecond. An instant kept on one clock and shown on another
    moves by a second as the clocks' second boundaries pass, if each is cut to seconds apart."""
    mib = Mib(mibpath)
    rows, after = load(walk)
    ora = Oracle(mib, rows, after)
    dates = []
    for o, t, v in rows:
        sp = mib.split(o)
        obj = mib.by_oid.get(sp[0] + (sp[1],) if sp else o[:-1])
        if obj is not None and obj.syntax.startswith('DateAndTime') and volatile(o) == 'exact':
            dates.append(o)
    c = Client(agent)
    errs, rounds, end = [], 0, time.time() + seconds
    while time.time() < end or rounds < 2:
        rounds += 1
        for k in range(0, len(dates), 16):
            r = c.get(dates[k:k + 16])
            if r is None or r[0] != 0:
                errs.append('no answer or an error for a GET of %s...' % ostr(dates[k]))
                continue
            for o, g in zip(dates[k:k + 16], r[2]):
                why = ora.check_get(o, g)
                if why:
                    errs.append(why)
        time.sleep(0.1)
    print('steady: %d DateAndTime instances, %d rounds in %.1f s, %d mismatches' % (
        len(dates), rounds, seconds, len(errs)))
    for e in errs[:10]:
        print('mismatch: ' + e)
    return 1 if errs or not dates else 0


def perturb(rows):
    """The walk with every 50th stable row dropped and the value of every 50th (+25) changed."""
    out, k = [], 0
    for o, t, v in rows:
        if not slow_probe(o) and volatile(o) == 'exact':
            k += 1
            if k % 50 == 0:
                continue
            if k % 50 == 25:
                v = v + b'!'
        out.append((o, t, v))
    return out


def cmd_random(mibpath, agent, walk, seed, n, perturbed=False):
    mib = Mib(mibpath)
    rows, after = load(walk)
    if perturbed:
        rows = perturb(rows)
    rnd = random.Random(seed)
    gen, ora = Gen(mib, rows, rnd), Oracle(mib, rows, after)
    c = Client(agent)
    counts, errs, checked = {}, [], 0
    for _ in range(n):
        kind = rnd.choice(['get', 'getnext', 'getnext', 'getbulk', 'getbulk'])
        k = rnd.choice([1, 1, 2, 3, 4, 6])
        oids = [gen.oid() for _ in range(k)]
        if kind == 'get':
            oids = [gen.walked() if rnd.random() < 0.5 else o for o in oids]
        nr = rnd.choice([0, 0, 1, 2, k]) if kind == 'getbulk' else 0
        nr = min(nr, k)
        m = rnd.choice([0, 1, 2, 3, 5, 10, 30, 100, 1000]) if kind == 'getbulk' else 0
        r = c.getbulk(oids, nr, m) if kind == 'getbulk' else (c.get(oids) if kind == 'get' else c.getnext(oids))
        counts[kind] = counts.get(kind, 0) + 1
        req = '%s %s n=%d m=%d' % (kind, ' '.join(ostr(o) for o in oids), nr, m)
        if r is None:
            errs.append('no answer: ' + req)
            continue
        st, ix, vbs = r
        if st != 0:
            errs.append('error status %d index %d: %s' % (st, ix, req))
            continue
        checked += 1
        why = check_answer(kind, ora, oids, nr, m, vbs)
        if why:
            errs.append('%s: %s' % (why, req))
    print('random: seed %d, %d requests (%s), %d checked, %d mismatches' % (
        seed, n, ' '.join('%s=%d' % kv for kv in sorted(counts.items())), checked, len(errs)))
    if perturbed:
        print('perturbed walk: %d mismatches (none would be a comparator that cannot fail)' % len(errs))
        return 0 if errs else 1
    for e in errs[:20]:
        print('mismatch: ' + e[:600])
    return 1 if errs else 0


def check_answer(kind, ora, oids, nr, m, vbs):
    """None when the answer's varbinds vbs are right, else why not."""
    if kind in ('get', 'getnext'):
        if len(vbs) != len(oids):
            return '%d varbinds for %d' % (len(vbs), len(oids))
        for o, g in zip(oids, vbs):
            why = ora.check_get(o, g) if kind == 'get' else ora.check_next(o, g)
            if why:
                return why if kind == 'get' else 'GETNEXT ' + why
        return None
    # GETBULK: the non-repeaters' GETNEXTs, then the rounds of the repeaters, each a GETNEXT from
    # the repeater's previous answer; a repeater answered past the walk is not followed further.
    # snmpd may leave trailing varbinds out (RFC 3416 4.2.3: a message too large; its own
    # limits), never the first round
    reps = len(oids) - nr
    full = nr + reps * m
    least = nr + (reps if m > 0 else 0)
    if len(vbs) > full or len(vbs) < least:
        return 'GETBULK %d varbinds, expected %d (at least %d)' % (len(vbs), full, least)
    asked = list(oids)
    for i, g in enumerate(vbs):
        j = i if i < nr else nr + (i - nr) % reps
        if asked[j] is None:
            continue
        why = ora.check_next(asked[j], g)
        if why:
            return 'GETBULK varbind %d: %s' % (i + 1, why)
        asked[j] = g[0] if ora.next(asked[j]) is not None and in_subtree(g[0]) else None
    return None


def main():
    a = sys.argv[1:]
    if not a:
        print(__doc__, file=sys.stderr)
        return 2
    if a[0] == 'walk':
        return cmd_walk(a[1], a[2], int(a[3]) if len(a) > 3 else 0)
    if a[0] == 'bulkwalk':
        return cmd_bulkwalk(a[1], a[2], [int(x) for x in a[3:]])
    if a[0] == 'tables':
        return cmd_tables(a[1], a[2])
    if a[0] == 'random':
        return cmd_random(a[1], a[2], a[3], int(a[4]), int(a[5]), '--perturb' in a)
    if a[0] == 'steady':
        return cmd_steady(a[1], a[2], a[3], float(a[4]))
    if a[0] == 'cross':
        return cmd_cross(a[1], a[2], a[3])
    if a[0] == 'diff':
        return cmd_diff(a[1], a[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
