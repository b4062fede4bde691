#!/usr/bin/env python3
"""hostile.py - malformed and hostile SNMP requests against cimrouted through snmpd, each
answer checked against the error it must carry (python3 standard library only; the BER
encoder is soak_probe.py's).

  hostile.py MIB HOST:PORT N SEED ROWS [--raw-share F]

MIB: mibs/CIM-ROUTE-MIB.txt, read for every object's OID, access and syntax. ROWS: a file of
`ENTRY-OID INDEX` lines, one existing row per table (the caller reads them with GETNEXT), so
that SETs aim at real rows as well as at invented ones. N requests are made (SEED fixes them),
one at a time, SNMPv2c (GETs with community public, SETs with private), each of a kind:

  get, getnext, getbulk   random OIDs under every arc of the MIB (real objects with random
                          suffixes: too short, too long, subids 0..2^32-1): noError, and a
                          GETNEXT/GETBULK answers OIDs past the one asked
  wrongtype               a writable object (a scalar, a column of an existing row) with a
                          value of another type: wrongType
  range                   an integer outside its range or enumeration: wrongValue
  length                  a string longer than its SIZE: wrongLength
  readonly                a read-only object: notWritable
  index                   a not-accessible index column: notWritable or noAccess
  longindex               createAndGo(4) with an index too long (the real one plus 1-100
                          subids), or too short: noCreation
  mixed                   2 to 5 varbinds across tables: a persisted-route createAndGo that
                          would succeed alone, plus bad ones of the kinds above in random order:
                          an error of the class its varbind must get, and error-index naming
                          a bad varbind (nothing is created: the caller compares the kernel and
                          the state files)
  raw                     a well-formed GET with bytes cut off or flipped (--raw-share of the
                          requests, default 0.05): no answer is required, snmpd must survive
A request with an OID of more than 128 sub-identifiers is not answered by snmpd (it cannot
parse it, MAX_OID_LEN): counted as unparsable, not as a timeout.
Invented indexes (random subids) are also sent to the kinds above; there the answer must be an
error of the kind's class or one of noCreation/notWritable/inconsistentName (the row does not
exist), never noError.
Prints `hostile: N requests, K checked, M mismatches, T timeouts, R raw, U unparsable` and per kind counts, then up
to 20 mismatches with their request; exit status 1 on a mismatch or a timeout.
"""

import os
import random
import re
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_probe import tlv, ber_int, ber_oid, message, decode_response, oid_tuple  # noqa: E402

ERR = {0: 'noError', 1: 'tooBig', 2: 'noSuchName', 3: 'badValue', 4: 'readOnly', 5: 'genErr',
       6: 'noAccess', 7: 'wrongType', 8: 'wrongLength', 9: 'wrongEncoding', 10: 'wrongValue',
       11: 'noCreation', 12: 'inconsistentValue', 13: 'resourceUnavailable', 14: 'commitFailed',
       15: 'undoFailed', 16: 'authorizationError', 17: 'notWritable', 18: 'inconsistentName'}
ABSENT_ROW = {'noCreation', 'notWritable', 'inconsistentName'}
ROOT = '1.3.6.1.4.1.32473.1'
MAX_OID_LEN = 128   # net-snmp's: a request with a longer OID is not parsed, so not answered

# base ASN.1 types of the MIB's syntaxes (TCs included)
T_INT, T_STR, T_OID, T_IP, T_C32, T_U32, T_TT, T_C64 = 0x02, 0x04, 0x06, 0x40, 0x41, 0x42, 0x43, 0x46
STRINGS = ('DisplayString', 'SnmpAdminString', 'InetAddress', 'PhysAddress', 'DateAndTime', 'OCTET')
UNSIGNED = ('Unsigned32', 'Gauge32', 'InetAddressPrefixLength')


# ------------------------------------------------------------------ the MIB

class Obj:
    def __init__(self, oid, name, access, syntax):
        self.oid, self.name, self.access, self.syntax = oid, name, access, syntax
        self.type = self.base_type(syntax)
        m = re.search(r'SIZE\s*\(\s*(\d+)\s*\.\.\s*(\d+)\s*\)', syntax)
        self.size = (int(m.group(1)), int(m.group(2))) if m else None
        m = re.search(r'\(\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\)', syntax)
        self.range = (int(m.group(1)), int(m.group(2))) if m and not self.size else None
        self.enum = [int(v) for v in re.findall(r'\w+\s*\(\s*(-?\d+)\s*\)', syntax)] if '{' in syntax else None
        if syntax.startswith('TruthValue'):
            self.enum = [1, 2]
        elif syntax.startswith('RowStatus'):
            self.enum = [1, 2, 3, 4, 5, 6]
        elif syntax.startswith('StorageType'):
            self.enum = [1, 2, 3, 4, 5]
        elif syntax.startswith('InetAddressType'):
            self.enum = [0, 1, 2, 3, 4, 16]

    @staticmethod
    def base_type(s):
        if s.startswith('InetAddressType'):
            return T_INT
        if s.startswith('InetAddressPrefixLength'):
            return T_U32
        if s.startswith(STRINGS) or s.startswith('InetAddressIPv6'):
            return T_STR
        if s.startswith(('OBJECT IDENTIFIER', 'RowPointer')):
            return T_OID
        if s.startswith('IpAddress'):
            return T_IP
        if s.startswith('Counter32'):
            return T_C32
        if s.startswith('CimGauge64'):
            return T_C64
        if s.startswith(UNSIGNED):
            return T_U32
        return T_INT   # Integer32, INTEGER {...}, TruthValue, RowStatus, StorageType, Cim* enums

    @property
    def writable(self):
        return self.access in ('read-write', 'read-create')


def read_mib(path):
    text = re.sub(r'--[^\n]*', '', open(path).read())
    # no SEQUENCE: its "cimIP4RouteInformation OBJECT IDENTIFIER," swallowed cimIP4RouteDestination
    text = re.sub(r'::=\s*SEQUENCE\s*\{[^}]*\}', '', text)
    defs = {}
    pat = r'(\w[\w-]*)\s+(OBJECT-TYPE|OBJECT IDENTIFIER|OBJECT-IDENTITY|MODULE-IDENTITY|NOTIFICATION-TYPE|OBJECT-GROUP|NOTIFICATION-GROUP|MODULE-COMPLIANCE)(.*?)::=\s*\{\s*(\w[\w-]*)\s+(\d+)\s*\}'
    for m in re.finditer(pat, text, re.S):
        name, kind, body, parent, n = m.groups()
        syn = re.search(r'SYNTAX\s+(.*?)\n\s*(?:UNITS|MAX-ACCESS)', body, re.S)
        acc = re.search(r'MAX-ACCESS\s+([\w-]+)', body)
        defs[name] = (parent, n, ' '.join(syn.group(1).split()) if syn else '', acc.group(1) if acc else '')

    def oid(name):
        if name == 'cimRouteMIB':
            return ROOT
        if name not in defs:
            return None
        p = oid(defs[name][0])
        return p and p + '.' + defs[name][1]
    objs = []
    for name, (_, _, syntax, access) in defs.items():
        o = oid(name)
        if o and access:
            objs.append(Obj(o, name, access, syntax))
    return objs


# ------------------------------------------------------------------ BER

def ber_value(t, v):
    if t in (T_INT,):
        return ber_int(v)
    if t in (T_U32, T_C32, T_TT, T_C64):
        return tlv(t, v.to_bytes(max(1, (v.bit_length() + 8) // 8), 'big'))
    if t == T_OID:
        return ber_oid(v)
    if t == T_IP:
        return tlv(T_IP, bytes(v))
    return tlv(T_STR, v)


# ------------------------------------------------------------------ the requests

SUBIDS = [0, 1, 2, 3, 4, 10, 16, 127, 128, 254, 255, 256, 1000, 65535, 65536, 2147483647,
          2147483648, 4294967294, 4294967295]


class Gen:
    def __init__(self, objs, rows, seed):
        self.rnd = random.Random(seed)
        self.objs = objs
        self.rows = rows                                  # entry oid -> an existing index
        self.entries = {o.oid for o in objs if o.name.endswith('Entry') and o.syntax.startswith('Cim')}
        self.leaves = [o for o in objs if o.access != 'not-accessible' or self.column(o)]
        self.writable = [o for o in objs if o.writable]
        self.readonly = [o for o in objs if o.access == 'read-only']
        self.index_cols = [o for o in objs if o.access == 'not-accessible' and self.column(o)]
        self.ranged = [o for o in self.writable if o.type in (T_INT, T_U32) and (o.range or o.enum)]
        self.sized = [o for o in self.writable if o.type == T_STR and o.size]
        self.rowstatus = [o for o in self.writable if o.syntax.startswith('RowStatus')]
        self.persisted = [o for o in objs if o.name == 'cimIP4PersistedRouteRowStatus'][0]
        self.n_persist = 0

    def column(self, o):
        """The entry OID of a table column, None for a scalar."""
        parent = o.oid.rsplit('.', 1)[0]
        return parent if parent in self.entries else None

    def random_suffix(self):
        n = self.rnd.choice([0, 1, 2, 3, 5, 8, 13, 15, 16, 20, 35, 53, 60, 100])
        return [self.rnd.choice(SUBIDS) if self.rnd.random() < 0.4 else self.rnd.randrange(0, 300)
                for _ in range(n)]

    def instance(self, o):
        """(OID, real): the instance to aim at, and whether it exists (scalar .0 or a real row)."""
        entry = self.column(o)
        if entry is None:
            if self.rnd.random() < 0.85:
                return o.oid + '.0', True
            return o.oid + '.' + '.'.join(map(str, [self.rnd.choice(SUBIDS)] + self.random_suffix())), False
        if entry in self.rows and self.rnd.random() < 0.7:
            return o.oid + '.' + self.rows[entry], True
        suf = self.random_suffix() or [1]
        return o.oid + '.' + '.'.join(map(str, suf)), False

    def bad_value(self, o):
        """A value of another type than o's."""
        t = self.rnd.choice([x for x in (T_INT, T_STR, T_OID, T_IP, T_C32, T_U32, T_TT, T_C64) if x != o.type])
        v = {T_INT: self.rnd.choice([0, 1, -1, 5]), T_STR: b'hostile', T_OID: '1.3.6.1',
             T_IP: [10, 0, 0, 1], T_C32: 1, T_U32: 1, T_TT: 1, T_C64: 1}[t]
        return ber_value(t, v)

    def out_of_range(self, o):
        if o.enum:
            cands = [v for v in (-1, 0, 7, 8, 9, 99, 1000, 2147483647) if v not in o.enum]
            if o.type == T_U32:
                cands = [v for v in cands if v >= 0]
        else:
            lo, hi = o.range
            cands = [hi + 1, hi + 1000] + ([lo - 1] if lo > 0 or (lo > -2147483648 and o.type == T_INT) else [])
            cands = [v for v in cands if (0 <= v <= 4294967295 if o.type == T_U32 else -2147483648 <= v <= 2147483647)]
        return ber_value(o.type, self.rnd.choice(cands)) if cands else None

    # each kind: (pdu tag, community, varbinds, expected statuses for a real instance)
    def one(self, kind):
        r = self.rnd
        if kind in ('get', 'getnext', 'getbulk'):
            oids = []
            for _ in range(r.choice([1, 1, 2, 5, 10])):
                o = r.choice(self.objs)
                oids.append(o.oid + ('.' + '.'.join(map(str, self.random_suffix())) if r.random() < 0.9 else ''))
            oids = [x.rstrip('.') for x in oids]
            tag = {'get': 0xa0, 'getnext': 0xa1, 'getbulk': 0xa5}[kind]
            return tag, 'public', [(x, b'\x05\x00') for x in oids], {'noError'}, True
        if kind == 'mixed':
            return self.mixed()
        o, inst, real, val, want = self.bad_one(kind)
        return 0xa3, 'private', [(inst, val)], want, real

    def bad_one(self, kind):
        r = self.rnd
        while True:
            if kind == 'wrongtype':
                o = r.choice(self.writable)
                inst, real = self.instance(o)
                return o, inst, real, self.bad_value(o), {'wrongType'}
            if kind == 'range':
                o = r.choice(self.ranged)
                val = self.out_of_range(o)
                if val is None:
                    continue
                inst, real = self.instance(o)
                return o, inst, real, val, {'wrongValue'}
            if kind == 'length':
                o = r.choice(self.sized)
                inst, real = self.instance(o)
                return o, inst, real, ber_value(T_STR, b'x' * (o.size[1] + r.choice([1, 2, 50, 300, 1200]))), {'wrongLength'}
            if kind == 'readonly':
                o = r.choice(self.readonly)
                inst, real = self.instance(o)
                return o, inst, real, ber_value(o.type, {T_STR: b'x', T_OID: '1.3', T_IP: [1, 2, 3, 4]}.get(o.type, 1)), {'notWritable'}
            if kind == 'index':
                o = r.choice(self.index_cols)
                inst, real = self.instance(o)
                return o, inst, real, ber_value(o.type, {T_STR: b'x', T_IP: [1, 2, 3, 4]}.get(o.type, 1)), {'notWritable', 'noAccess'}
            if kind == 'longindex':
                o = r.choice([x for x in self.rowstatus if self.column(x) in self.rows])
                idx = self.rows[self.column(o)].split('.')
                if r.random() < 0.7:
                    idx += [str(r.choice(SUBIDS)) for _ in range(r.choice([1, 2, 5, 40, 100]))]
                else:
                    idx = idx[:r.randrange(0, len(idx))]
                return o, o.oid + ('.' + '.'.join(idx) if idx else ''), True, ber_int(4), {'noCreation'}
            raise ValueError(kind)

    def good_persisted(self):
        self.n_persist += 1
        n = self.n_persist
        return self.persisted.oid + '.10.%d.%d.0.255.255.255.0.%s.5' % (200 + n // 65536 % 50, n // 256 % 256,
                                                                        self.rows['__gateway'])

    def mixed(self):
        r = self.rnd
        bad = []
        for _ in range(r.choice([1, 1, 2, 3, 4])):
            k = r.choice(['wrongtype', 'range', 'length', 'readonly', 'longindex'])
            o, inst, real, val, want = self.bad_one(k)
            bad.append((inst, val, want if real else want | ABSENT_ROW))
        vbs = bad + [(self.good_persisted(), ber_int(4), None)]
        r.shuffle(vbs)
        return 0xa3, 'private', [(i, v) for i, v, _ in vbs], [w for _, _, w in vbs], True


KINDS = ['get', 'getnext', 'getbulk', 'wrongtype', 'range', 'length', 'readonly', 'index', 'longindex', 'mixed']


# ------------------------------------------------------------------ the run

def check(kind, req_vbs, want, real, resp):
    """None when the answer is right, else why not."""
    rid, st, ix, vbs = resp
    got = ERR.get(st, str(st))
    if kind in ('get', 'getnext', 'getbulk'):
        if st != 0:
            return 'error status %s' % got
        if kind == 'get':
            return None if [v[0] for v in vbs] == [oid_tuple(o) for o, _ in req_vbs] else 'OIDs differ'
        asked = [oid_tuple(o) for o, _ in req_vbs]
        for n, (o, tag) in enumerate(vbs):
            if tag != 0x82 and o <= asked[n % len(asked)]:
                return 'answer %s not past %s' % ('.'.join(map(str, o)), '.'.join(map(str, asked[n % len(asked)])))
        return None
    if kind == 'mixed':
        if st == 0:
            return 'noError for a SET with bad varbinds'
        if not 1 <= ix <= len(want) or want[ix - 1] is None:
            return '%s names varbind %d, not a bad one' % (got, ix)
        return None if got in want[ix - 1] else '%s at varbind %d, expected %s' % (got, ix, '/'.join(sorted(want[ix - 1])))
    allowed = want if real else want | ABSENT_ROW
    if got in allowed and (st == 0 or ix == 1):
        return None
    return '%s (index %d), expected %s' % (got, ix, '/'.join(sorted(allowed)))


def raw_variant(rnd, pkt):
    b = bytearray(pkt)
    how = rnd.choice(['cut', 'flip', 'len'])
    if how == 'cut':
        return bytes(b[:rnd.randrange(1, len(b))])
    if how == 'flip':
        for _ in range(rnd.choice([1, 2, 5])):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    b[1] = rnd.choice([0x84, 0xff, 0x00, 0x7f])
    return bytes(b)


def main():
    if len(sys.argv) < 6:
        print(__doc__, file=sys.stderr)
        return 2
    mib, agent, n, seed, rows_path = sys.argv[1:6]
    raw_share = float(sys.argv[sys.argv.index('--raw-share') + 1]) if '--raw-share' in sys.argv else 0.05
    host, port = agent.rsplit(':', 1)
    rows = dict(line.split() for line in open(rows_path) if len(line.split()) == 2)
    gen = Gen(read_mib(mib), rows, int(seed))
    rnd = random.Random(int(seed) + 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    counts, bad, timeouts, checked, raw, dropped = {}, [], 0, 0, 0, 0
    for i in range(int(n)):
        reqid = 1000 + i
        if rnd.random() < raw_share:
            kind = 'raw'
            tag, comm, vbs, want, real = gen.one('get')
            s.sendto(raw_variant(rnd, message(comm, tag, reqid, vbs)), (host, int(port)))
            raw += 1
            counts[kind] = counts.get(kind, 0) + 1
            continue
        kind = KINDS[i % len(KINDS)]
        tag, comm, vbs, want, real = gen.one(kind)
        f1, f2 = (0, rnd.choice([1, 5, 50, 1000])) if tag == 0xa5 else (0, 0)
        pkt = message(comm, tag, reqid, vbs, f1, f2)
        resp = None
        overlong = max(len(oid_tuple(o)) for o, _ in vbs) > MAX_OID_LEN
        s.settimeout(0.3 if overlong else 5)
        for _ in range(1 if overlong else 2):
            s.sendto(pkt, (host, int(port)))
            try:
                while True:
                    data = s.recv(65535)
                    r = decode_response(data)
                    if r[0] == reqid:
                        resp = r
                        break
            except socket.timeout:
                continue
            except (IndexError, ValueError) as e:
                bad.append((kind, 'undecodable answer: %s' % e, vbs))
            break
        counts[kind] = counts.get(kind, 0) + 1
        if resp is None and overlong:
            dropped += 1    # snmpd cannot parse it (an ASN.1 parse error): no answer is right
            continue
        if resp is None:
            timeouts += 1
            bad.append((kind, 'no answer', vbs))
            continue
        checked += 1
        why = check(kind, vbs, want, real, resp)
        if why:
            bad.append((kind, why, vbs))
    print('hostile: %d requests, %d checked, %d mismatches, %d timeouts, %d raw, %d unparsable' % (
        int(n), checked, len([b for b in bad if b[1] != 'no answer']), timeouts, raw, dropped))
    print('kinds: ' + ' '.join('%s=%d' % kv for kv in sorted(counts.items())))
    for kind, why, vbs in bad[:20]:
        print('mismatch %s: %s: %s' % (kind, why, ' '.join('.%s=%s' % (o, v.hex()) for o, v in vbs)[:400]))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
