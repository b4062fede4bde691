#!/usr/bin/env python3
"""ping_churn.py - the model and driver of ping_churn.sh (see there).

  ping_churn.py init STATE                 the model of a daemon just started; MaxRows 8 and
                                           MaxRowsPerOwner 4 written
  ping_churn.py mode SEED ROUND            plain, or restart (cimrouted restarted after it)
  ping_churn.py round STATE SEED ROUND     one round: random PDUs through snmpset, each
                                           predicted by the model (noError, or the error
                                           status and failed object), cimPingTable walked
                                           after each; at the end the rows' results, the
                                           probe table and the wire compared; exit 1 on the
                                           first difference
  ping_churn.py quiesce STATE              every request in progress abandoned (before a stop)
  ping_churn.py restarted STATE            after a restart of cimrouted: volatile rows gone,
                                           nonVolatile rows back notStarted and disabled

Environment (ping_churn.sh): NS, AGENT, T (captures capB.pcap, capR.pcap; failure files).

The model is agent/snmp/mib_pingset.c's and snmp/txn.c's rules, checked against the MIB:
RESERVE1, each varbind alone (notWritable outside the writable columns; noCreation for an
index that is not two length-prefixed strings of 0..32 octets; wrongType, wrongLength,
wrongValue by the column's SYNTAX; inconsistentValue for two values of one object), the
table stopping at its first refusal, each limit scalar on its own, the lowest index of them
answered; only when none refused, RESERVE2 row by row
in the order of their first varbinds (RowStatus as RFC 2579, a request in progress, the
addresses against their types, one target at activation, an ifIndex that exists, the
limits with the rows this SET creates before and those it destroys, the probe rate, each
refusal of a limit counted); the failed object is the first varbind of the first refused row.
"""
import ipaddress
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import churn_lib  # noqa: E402

NS, AGENT, T = os.environ.get('NS', ''), os.environ.get('AGENT', ''), os.environ.get('T', '/tmp')
FORGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'icmp_forge.py')
PING = '.1.3.6.1.4.1.32473.1.1.7'
PE, PPR = PING + '.3.1', PING + '.7.1'
# the writable limits: object -> (name, min, max)
LIMITS = {6: ('maxRows', 0, 10000), 8: ('perOwner', 0, 10000), 9: ('rate', 1, 100000),
          10: ('ageOut', 0, 604800)}
LIMIT_DEF = {6: 100, 8: 100, 9: 1000, 10: 3600}
COUNTERS = {11: 'rows', 12: 'owner', 13: 'rate'}

# cimPingTable's writable columns: col -> (snmpset type, kind, lo, hi, default)
# kind: int (INTEGER), uns (Unsigned32), inet (InetAddress), text (DisplayString printable),
# sr (a source route), rs (RowStatus)
COLS = {
    3: ('i', 'int', 0, 4, 0), 4: ('x', 'inet', 0, 20, ''), 5: ('s', 'text', 0, 255, ''),
    6: ('u', 'uns', 0, 65500, 32), 7: ('i', 'int', 1, 2, 2), 8: ('u', 'uns', 0, 9, 0),
    9: ('i', 'int', 1, 2, 2), 10: ('s', 'sr', 0, 255, ''), 11: ('i', 'int', 0, 2, 0),
    12: ('u', 'uns', 1, 600000, 1000), 13: ('u', 'uns', 0, 4, 0), 14: ('u', 'uns', 1, 255, 80),
    15: ('u', 'uns', 0, 255, 0), 16: ('i', 'int', 1, 2, 1), 17: ('i', 'int', 1, 2, 2),
    18: ('i', 'int', 2, 3, 2), 19: ('i', 'rs', 1, 6, None), 32: ('i', 'int', 0, 2, 0),
    33: ('x', 'inet', 0, 20, ''), 34: ('u', 'uns', 0, 2147483647, 0), 35: ('u', 'uns', 1, 1000, 1),
    36: ('u', 'uns', 10, 60000, 1000),
}
PARAMS = [c for c in COLS if c not in (16, 18, 19)]   # a parameter (inconsistentValue in progress)
SAFE = [6, 7, 8, 9, 10, 11, 13, 14, 15, 17, 35, 36]   # no target, address or interface
ASN = {'i': 'INTEGER', 'u': 'Gauge32', 's': 'OCTET', 'x': 'OCTET', 'a': 'IpAddress', 't': 'TimeTicks',
       'c': 'Counter32', 'o': 'OID'}
WANT_ASN = {'int': 'INTEGER', 'rs': 'INTEGER', 'uns': 'Gauge32', 'inet': 'OCTET', 'text': 'OCTET', 'sr': 'OCTET'}
ACTIVE, NIS, NREADY, CGO, CWAIT, DESTROY = 1, 2, 3, 4, 5, 6
NOTSTARTED, INPROGRESS, COMPLETED = 1, 2, 3

# the targets of ping_lib.sh's topology: name -> (address or host name, family, kind)
# kind: B (the kernel of B answers, TTL 64), C (C behind R: TTL 63; TTL 1 expires at R),
# S (the silent prefix: no answer), N (a name that does not resolve)
TARGETS = {
    'B4': ('10.14.1.2', 4, 'B'), 'B6': ('2001:db8:14:1::2', 6, 'B'), 'C4': ('10.14.3.3', 4, 'C'),
    'C6': ('2001:db8:14:3::3', 6, 'C'), 'S4': ('10.14.5.1', 4, 'S'), 'S6': ('2001:db8:14:5::1', 6, 'S'),
    'nB': ('peer-b.example', 4, 'B'), 'nN': ('nosuch.example', 0, 'N'),
}
NAMES = {'10.14.1.2': 'dual.example', '2001:db8:14:1::2': 'dual.example', '10.14.3.3': 'v4only.example',
         '10.14.2.2': 'rtr-a.example', '2001:db8:14:3::3': '', '2001:db8:14:2::2': ''}
ROUTER = {4: '10.14.2.2', 6: '2001:db8:14:2::2'}
CAPTURE = {'B': 'B', 'C': 'R', 'S': 'R'}   # the capture that sees a kind's requests
OWNERS = ['t', 'u', '']
NAMES_POOL = ['a', 'b', 'c', 'd', 'e', 'n' * 32]


def log(*a):
    print('#', *a, flush=True)


def nsx(*cmd):
    return subprocess.run(['ip', 'netns', 'exec', NS] + list(cmd), capture_output=True, text=True)


def ifindex(dev):
    return int(nsx('cat', '/sys/class/net/%s/ifindex' % dev).stdout.strip())


def index_of(owner, name):
    o = [len(owner)] + [ord(c) for c in owner] + [len(name)] + [ord(c) for c in name]
    return '.'.join(str(x) for x in o)


def parse_index(idx):
    """(owner, name) of an index, or None: noCreation (mib_ping_key_parse)."""
    o = [int(x) for x in idx.split('.')] if idx else []
    if not o or o[0] > 32 or 1 + o[0] >= len(o) or any(x > 255 for x in o[1:1 + o[0]]):
        return None
    n = 1 + o[0]
    if o[n] > 32 or n + 1 + o[n] != len(o) or any(x > 255 for x in o[n + 1:]):
        return None
    return ''.join(chr(x) for x in o[1:n]), ''.join(chr(x) for x in o[n + 1:])


def inet_hex(a):
    return ''.join('%02X' % b for b in ipaddress.ip_address(a).packed) if a else ''


def hex_bytes(h):
    return bytes.fromhex(h) if h else b''


def inet_len_ok(n):
    return n in (0, 4, 8, 16, 20)


def type_len(t):
    return {0: 0, 1: 4, 2: 16, 3: 8, 4: 20}.get(t, -1)


def sr_ok(s):
    """ping_parse_sr(): empty, or 1..9 dotted quads joined by commas."""
    if s == '':
        return True
    parts = s.split(',')
    if len(parts) > 9:
        return False
    for p in parts:
        w = p.split('.')
        if len(w) != 4 or not all(x.isdigit() and len(x) <= 3 and int(x) <= 255 for x in w):
            return False
    return True


def printable(s):
    return all(0x20 <= ord(c) < 0x7f for c in s)


# ------------------------------------------------------------------ the model

def defaults():
    return {str(c): v[4] for c, v in COLS.items() if v[4] is not None}


class Model:
    def __init__(self, d):
        self.rows = d.get('rows', {})       # "owner\x00name" -> row dict
        self.lim = {int(k): v for k, v in d.get('lim', {}).items()} or dict(LIMIT_DEF)
        self.cnt = {int(k): v for k, v in d.get('cnt', {}).items()} or {11: 0, 12: 0, 13: 0}
        self.ifx = d.get('ifx', {})

    def dump(self):
        return {'rows': self.rows, 'lim': self.lim, 'cnt': self.cnt, 'ifx': self.ifx}

    @staticmethod
    def key(owner, name):
        return owner + '\0' + name

    def owned(self, owner):
        return sum(1 for k in self.rows if k.split('\0')[0] == owner)


def ready(cfg):
    """ping_row_ready(): exactly one target, the address of its type."""
    has_a, has_n = cfg['4'] != '', cfg['5'] != ''
    if has_a == has_n:
        return False
    return has_n or type_len(cfg['3']) == len(hex_bytes(cfg['4'])) and cfg['3'] != 0


def rowstatus(r):
    return ACTIVE if r['active'] else NIS if ready(r['cfg']) else NREADY


class Refuse(Exception):
    pass


def reserve1(m, vbs):
    """The RESERVE1 refusals: [(index, status)] (the table's first, each scalar's)."""
    errs, table_failed, seen = [], False, {}
    for i, (oid, t, v) in enumerate(vbs, 1):
        if oid.startswith(PE + '.'):
            if table_failed:
                continue
            st = reserve1_col(oid, t, v, seen)
            if st:
                errs.append((i, st))
                table_failed = True
        else:
            obj = int(oid[len(PING) + 1:].split('.')[0])
            lo, hi = LIMITS[obj][1:]
            if t != 'u':
                errs.append((i, 'wrongType'))
            elif not lo <= int(v) <= hi:
                errs.append((i, 'wrongValue'))
            elif any(o == oid and (tt, str(vv)) != (t, str(v)) for o, tt, vv in vbs):
                errs.append((i, 'inconsistentValue'))
    return errs


def reserve1_col(oid, t, v, seen):
    rest = oid[len(PE) + 1:]
    col, idx = int(rest.split('.')[0]), '.'.join(rest.split('.')[1:])
    if col not in COLS:
        return 'notWritable'
    if parse_index(idx) is None:
        return 'noCreation'
    typ, kind, lo, hi, _ = COLS[col]
    if ASN[t] != WANT_ASN[kind]:
        return 'wrongType'
    if kind in ('inet', 'text', 'sr'):
        b = hex_bytes(v) if t == 'x' else v.encode('latin-1')
        if len(b) > hi or (kind == 'inet' and not inet_len_ok(len(b))):
            return 'wrongLength'
        s = b.decode('latin-1')
        if (kind == 'text' and not printable(s)) or (kind == 'sr' and not sr_ok(s)):
            return 'wrongValue'
        val = s if kind != 'inet' else b.hex().upper()
    else:
        val = int(v)
        if kind == 'uns' and val > 4294967295:
            val &= 0xffffffff
        if kind == 'rs':
            if val not in (1, 2, 4, 5, 6):
                return 'wrongValue'
        elif not lo <= val <= hi:
            return 'wrongValue'
    if oid in seen and seen[oid] != val:
        return 'inconsistentValue'
    seen[oid] = val
    return None


def table_rows(vbs):
    """The PDU's rows of cimPingTable in the order of their first varbinds: [(key, {col: value}, [i])]."""
    rows, order = {}, []
    for i, (oid, t, v) in enumerate(vbs, 1):
        if not oid.startswith(PE + '.'):
            continue
        rest = oid[len(PE) + 1:]
        col, idx = int(rest.split('.')[0]), '.'.join(rest.split('.')[1:])
        k = Model.key(*parse_index(idx))
        if k not in rows:
            rows[k] = {'vals': {}, 'vbs': []}
            order.append(k)
        kind = COLS[col][1]
        if kind == 'inet':
            val = v.upper()
        elif kind in ('text', 'sr'):
            val = v
        else:
            val = int(v)
        rows[k]['vals'][str(col)] = val
        rows[k]['vbs'].append(i)
    return [(k, rows[k]['vals'], rows[k]['vbs']) for k in order]


def reserve2(m, rows, running):
    """Each row's plan or refusal, in order: [(key, plan or None, status or None)]."""
    out, made_all, made_owner = [], 0, {}
    gone = [k for k, vals, _ in rows if vals.get('19') == DESTROY and k in m.rows]   # room, as if simultaneous
    for k, vals, _ in rows:
        try:
            plan = check_row(m, k, vals, running, made_all - len(gone), made_owner, gone)
            if plan.get('create'):
                made_all += 1
                o = k.split('\0')[0]
                made_owner[o] = made_owner.get(o, 0) + 1
            out.append((k, plan, None))
        except Refuse as e:
            out.append((k, None, str(e)))
    return out


def check_row(m, k, vals, running, made_all, made_owner, gone):
    r = m.rows.get(k)
    rs = vals.get('19')
    creating = rs in (CGO, CWAIT)
    plan = {'create': False, 'destroy': False, 'noop': False}
    if r is None:
        if rs == DESTROY:
            return dict(plan, noop=True)
        if rs is None:
            raise Refuse('inconsistentName')
        if not creating:
            raise Refuse('inconsistentValue')
        plan['create'] = True
        active = rs == CGO
    else:
        if creating or '18' in vals:
            raise Refuse('inconsistentValue')
        if rs == DESTROY:
            return dict(plan, destroy=True)
        active = rs == ACTIVE if rs is not None else r['active']
    busy = r is not None and k in running
    admin = vals.get('16', 0)
    if busy and (any(c in vals for c in map(str, PARAMS)) or admin == 1 or not active):
        raise Refuse('inconsistentValue')
    cfg = dict(r['cfg']) if r else defaults()
    cfg.update({c: v for c, v in vals.items() if c != '19'})
    if cfg['4'] != '' and type_len(cfg['3']) != len(hex_bytes(cfg['4'])) or cfg['4'] != '' and cfg['3'] == 0:
        raise Refuse('inconsistentValue')
    if cfg['33'] != '' and (cfg['32'] == 0 or type_len(cfg['32']) != len(hex_bytes(cfg['33']))):
        raise Refuse('inconsistentValue')
    if (active or rs == NIS) and not ready(cfg):   # RFC 2579: notInService needs a ready row too
        raise Refuse('inconsistentValue')
    if active and cfg['34'] != 0 and cfg['34'] not in m.ifx.values():
        raise Refuse('inconsistentValue')
    abandon = busy and admin == 2
    start = active and cfg['16'] == 1 and not abandon and (plan['create'] or admin == 1 or (rs is not None and not r['active']))
    if plan['create']:
        o = k.split('\0')[0]
        if len(m.rows) + made_all >= m.lim[6]:
            m.cnt[11] += 1
            raise Refuse('resourceUnavailable')
        if m.owned(o) - sum(1 for g in gone if g.split('\0')[0] == o) + made_owner.get(o, 0) >= m.lim[8]:
            m.cnt[12] += 1
            raise Refuse('resourceUnavailable')
    plan.update(active=active, cfg=cfg, start=start, abandon=abandon)
    return plan


def predict(m, vbs, running):
    """(status, failed index) or (None, None); the plans of a good PDU."""
    errs = reserve1(m, vbs)   # one TestSet: RESERVE2 runs only when RESERVE1 passed everywhere
    plans = []
    if not errs:
        rows = table_rows(vbs)
        res = reserve2(m, rows, running)
        for (k, vals, idxs), (_, plan, st) in zip(rows, res):
            if st:
                errs.append((idxs[0], st))
                break
        plans = res
    if errs:
        i, st = min(errs)
        return st, i, []
    return None, None, plans


def apply(m, vbs, plans, running, now):
    """A PDU that passed: its rows and limits changed, requests started and abandoned."""
    for oid, t, v in vbs:
        if not oid.startswith(PE + '.'):
            m.lim[int(oid[len(PING) + 1:].split('.')[0])] = int(v)
    for k, plan, _ in plans:
        if plan['noop']:
            continue
        if plan['destroy']:
            del m.rows[k]
            running.pop(k, None)
            continue
        r = m.rows.get(k)
        if r is None:
            r = m.rows[k] = {'oper': NOTSTARTED, 'res': None}
        r['cfg'], r['active'] = plan['cfg'], plan['active']
        if plan['abandon']:
            r['oper'], r['res'] = NOTSTARTED, None
            running.pop(k, None)
        if plan['start']:
            r['oper'], r['res'] = INPROGRESS, None
            running[k] = now


# ------------------------------------------------------------------ what a request gives

def target_of(cfg):
    """(kind, address, family) of a row's target, by TARGETS."""
    if cfg['5']:
        for a, fam, kind in TARGETS.values():
            if a == cfg['5']:
                return kind, ('10.14.1.2' if kind == 'B' else None), fam
        return 'N', None, 0
    b = hex_bytes(cfg['4'])
    a = str(ipaddress.ip_address(b[:4] if len(b) in (4, 8) else b[:16]))
    for addr, fam, kind in TARGETS.values():
        if addr == a:
            return kind, a, fam
    return '?', a, 6 if len(b) >= 16 else 4


def outcome(m, cfg):
    """What the request of a row gives: a dict (status None: unpredictable; sent: probes on the
    wire, None: unknown), and its minimum and maximum duration in seconds."""
    kind, addr, fam = target_of(cfg)
    count, ivl, tmo = cfg['35'], cfg['36'] / 1000.0, cfg['12'] / 1000.0
    span = (count - 1) * ivl
    o = {'kind': kind, 'addr': addr, 'fam': fam, 'status': None, 'wire': count, 'recv': None}
    o['cfg'] = dict(cfg)
    if kind == 'N':
        return dict(o, status='absent', wire=0, res=11001, sent=0), 0, 2
    opts4 = cfg['8'] > 0 or cfg['13'] > 0 or (cfg['11'] != 0 and cfg['10'] != '')
    opts6 = cfg['8'] > 0 or cfg['13'] > 0 or (cfg['11'] != 0 and cfg['10'] != '')   # the MIB: a source route
    srcfam = {0: 0, 1: 4, 2: 6}[cfg['32']] if cfg['33'] != '' else 0
    if cfg['3'] in (3, 4) and not cfg['5']:
        return o, 0, span + tmo + 1.5   # a zone: the interface it names decides
    if srcfam and srcfam != fam:
        return dict(o, status=11007, wire=0, sent=0, recv=0), 0, 2
    if fam == 6 and opts6:   # refused before sending: every probe fails at once
        return dict(o, status=11007, wire=0, sent=count, recv=0), 0, 2
    dmax, dmin = span + tmo + 1.5, span   # the last probe leaves span after the first
    if fam == 4 and opts4 or cfg['6'] > 1200:
        return o, 0, dmax   # IPv4 options (a source route through B); R's link beyond has MTU 1280
    if cfg['34'] != 0 and not (cfg['34'] == m.ifx.get('a_b') and kind == 'B'):
        return o, 0, dmax   # another interface than the route's: an ARP that fails, ENETUNREACH
    if srcfam and kind in ('C', 'S') and (kind == 'C' or cfg['14'] == 1):
        return o, 0, dmax   # R has no route back to B's link: what answers is lost
    if kind in ('C', 'S') and cfg['14'] == 1:   # both behind R
        return dict(o, status=11013, sent=count, recv=0, res=0, frm=ROUTER[fam]), dmin, dmax
    if kind == 'S':
        return dict(o, status=11010, sent=count, recv=0, res=0), span + tmo, dmax
    if cfg['12'] < 200:
        return o, 0, dmax   # an answer may come too late
    return dict(o, status=0, sent=count, recv=count, res=0, frm=addr, ttl=64 if kind == 'B' else 63,
                size=cfg['6']), dmin, dmax


# ------------------------------------------------------------------ SNMP

def snmpset(vbs):
    """(None, None, text) on success, else (status, failed object, text): churn_lib's."""
    got, text = churn_lib.snmpset(vbs)
    return (got or (None, None)) + (text,)


def walk(oid):
    """{suffix: value}: INTEGER, Gauge32, Counter32 as int, strings as upper hex."""
    p = nsx('snmpbulkwalk', '-v2c', '-c', 'public', '-On', '-Oe', '-Ox', '-OU', '-t', '6', '-r', '1',
            '-Cr60', AGENT, oid)
    if p.returncode != 0:
        raise RuntimeError('walk %s: %s' % (oid, p.stderr.strip()))
    out, last = {}, None
    for line in p.stdout.splitlines():
        if ' = ' not in line:
            if last is not None:
                out[last] += line.strip().replace(' ', '')
            continue
        name, v = line.split(' = ', 1)
        last = None
        if not name.startswith(oid + '.'):
            continue
        sfx = name[len(oid) + 1:]
        if v.startswith('Hex-STRING: '):
            out[sfx] = v[12:].replace(' ', '').strip()
            last = sfx
        elif v == '""':
            out[sfx] = ''
        elif v.startswith('STRING: '):
            out[sfx] = v[8:].strip('"').encode('latin-1').hex().upper()
        elif v.split(':')[0] in ('INTEGER', 'Gauge32', 'Counter32'):
            out[sfx] = int(v.split()[1])
        else:
            out[sfx] = v
    return out


def get_ints(oids):
    p = nsx('snmpget', '-v2c', '-c', 'public', '-On', '-Oe', '-OU', '-t', '6', '-r', '1', AGENT, *oids)
    vals = {}
    for line in p.stdout.splitlines():
        if ' = ' in line:
            n, v = line.split(' = ', 1)
            try:
                vals[n] = int(v.split()[1])
            except (IndexError, ValueError):
                vals[n] = None
    return [vals.get(o) for o in oids]


def table_cells(cims=None):
    """{(key, col): value} of cimPingTable (from a walk of cimPing, or its own)."""
    cells = {}
    for sfx, v in (cims if cims is not None else walk(PE)).items():
        if cims is not None:
            if not sfx.startswith('3.1.'):
                continue
            sfx = sfx[4:]
        col, idx = sfx.split('.', 1)
        ow = parse_index(idx)
        cells[(Model.key(*ow), int(col))] = v
    return cells


def cfg_cell(col, v):
    kind = COLS[col][1]
    if kind == 'inet':
        return v
    if kind in ('text', 'sr'):
        return v.encode('latin-1').hex().upper()
    return v


def expect_table(m, loose, cims=None):
    """Differences between cimPingTable's parameter and state columns and the model. loose:
    rows whose request may have ended meanwhile (AdminStatus and OperStatus either way)."""
    cells, diffs = table_cells(cims), []
    keys = {k for k, _ in cells}
    for k in sorted(set(m.rows) | keys):
        r = m.rows.get(k)
        name = repr(tuple(k.split('\0')))
        if r is None:
            diffs.append('row %s exists, the model has none' % name)
            continue
        if k not in keys:
            diffs.append('row %s is missing' % name)
            continue
        want = {c: cfg_cell(c, r['cfg'][str(c)]) for c in COLS if c != 19}
        want[19] = rowstatus(r)
        want[20] = r['oper']
        for c, w in sorted(want.items()):
            g = cells.get((k, c), 'absent')
            if k in loose and c == 16 and g in (1, 2):
                continue
            if k in loose and c == 20 and g in (r['oper'], COMPLETED, NOTSTARTED):
                continue
            if g != w:
                diffs.append('row %s column %d: %r, the model says %r' % (name, c, g, w))
    return diffs


def expect_scalars(m, cims=None):
    objs = sorted(LIMITS) + sorted(COUNTERS) + [1]
    if cims is None:
        got = get_ints(['%s.%d.0' % (PING, o) for o in objs])
    else:
        got = [cims.get('%d.0' % o) for o in objs]
    want = [m.lim[o] for o in sorted(LIMITS)] + [m.cnt[o] for o in sorted(COUNTERS)] + [len(m.rows)]
    return ['cimPing.%d.0 is %s, the model says %s' % (o, g, w) for o, g, w in zip(objs, got, want) if g != w]


# ------------------------------------------------------------------ the random PDUs

class Gen:
    def __init__(self, rnd, m):
        self.r, self.m = rnd, m

    def key(self, existing=0.6):
        if self.m.rows and self.r.random() < existing:
            return self.r.choice(sorted(self.m.rows))
        return Model.key(self.r.choice(OWNERS), self.r.choice(NAMES_POOL))

    def oid(self, col, k):
        o, n = k.split('\0')
        return '%s.%d.%s' % (PE, col, index_of(o, n))

    def target_vbs(self, k):
        tn = self.r.choice(sorted(TARGETS))
        a, fam, kind = TARGETS[tn]
        if tn.startswith('n'):
            return [(self.oid(5, k), 's', a)]
        return [(self.oid(3, k), 'i', 1 if fam == 4 else 2), (self.oid(4, k), 'x', inet_hex(a))]

    def good(self, col):
        r = self.r
        ifx = self.m.ifx
        return {
            3: lambda: r.choice([0, 1, 2, 3, 4]),
            4: lambda: r.choice([inet_hex(a) for a in ('10.14.1.2', '10.14.5.1', '2001:db8:14:1::2')] +
                                [inet_hex('10.14.1.2') + '00000002', inet_hex('2001:db8:14:1::2') + '00000002']),
            5: lambda: r.choice(['peer-b.example', 'nosuch.example', '']),
            6: lambda: r.choice([0, 1, 8, 32, 56, 100, 1000, 1400, 65500]), 7: lambda: r.choice([1, 2]),
            8: lambda: r.choice([0, 0, 0, 9]), 9: lambda: r.choice([1, 2]),
            10: lambda: r.choice(['', '10.14.1.2', '10.14.2.2,10.14.3.3']), 11: lambda: r.choice([0, 0, 1, 2]),
            12: lambda: r.choice([1, 200, 300, 600000]), 13: lambda: r.choice([0, 0, 0, 4]),
            14: lambda: r.choice([1, 2, 64, 255]), 15: lambda: r.choice([0, 4, 16, 255]),
            16: lambda: r.choice([1, 2]), 17: lambda: r.choice([1, 2]), 18: lambda: r.choice([2, 3]),
            32: lambda: r.choice([0, 1, 2]), 33: lambda: inet_hex(r.choice(['', '10.14.1.11', '2001:db8:14:1::11'])),
            34: lambda: r.choice([0, 0, ifx.get('a_b', 0), 99999]), 35: lambda: r.choice([1, 1, 2, 3, 1000]),
            36: lambda: r.choice([10, 20, 100, 60000]),
        }[col]()

    def bad(self, col):
        """A value RESERVE1 refuses (or a wrong type)."""
        typ, kind, lo, hi, _ = COLS[col]
        r = self.r
        if r.random() < 0.3:   # the wrong type
            return r.choice([t for t in ('i', 'u', 's', 'a', 't') if ASN[t] != WANT_ASN[kind]]), \
                {'i': 1, 'u': 1, 's': 'x', 'a': '10.1.1.1', 't': 5}
        if kind == 'inet':
            return 'x', r.choice(['0A0E01', '0A0E010203', '00' * 21, '00' * 17])
        if kind == 'text':
            return r.choice([('s', 'z' * 256), ('x', '7A017A')])
        if kind == 'sr':
            return 's', r.choice(['10.14.1', ',10.1.1.1', '1.1.1.1,,2.2.2.2', ','.join(['1.1.1.1'] * 10), '300.1.1.1'])
        if kind == 'rs':
            return 'i', r.choice([0, 3, 7, -1])
        if kind == 'int':
            return 'i', r.choice([lo - 1, hi + 1, -1, 2147483647])
        return 'u', r.choice([v for v in (lo - 1, hi + 1, 4294967295) if v >= 0])

    def vb(self, col, k, good=True):
        if good:
            return (self.oid(col, k), COLS[col][0], self.good(col))
        t, v = self.bad(col)
        if isinstance(v, dict):
            v = v[t]
        return (self.oid(col, k), t, v)

    def params(self, k, n, safe=False):
        """n parameters; safe: mostly those that cannot make the row inconsistent."""
        pool = SAFE if safe and self.r.random() < 0.8 else PARAMS + [17]
        return [self.vb(c, k) for c in self.r.sample(pool, n)]

    def pdu(self):
        """1-5 varbinds: one piece (its first varbinds), then whole pieces while they fit, shuffled."""
        r = self.r
        g = self.piece()[:5]
        if r.random() < 0.3:
            more = self.piece()
            if len(g) + len(more) <= 5:
                g += more
        r.shuffle(g)
        return g

    def piece(self):
        r = self.r
        kind = r.choice(['cgo'] * 4 + ['swap', 'cwait', 'cwait', 'active', 'active', 'nis', 'nis', 'destroy', 'admin', 'admin', 'param',
                         'param', 'scalar', 'badval', 'badidx', 'ro', 'twice'])
        if kind == 'cgo':
            k = self.key(0.2)
            v = [(self.oid(19, k), 'i', CGO)] + self.target_vbs(k)
            extra = [(self.oid(12, k), 'u', r.choice([200, 300, 1500, 2500])),
                     (self.oid(35, k), 'u', r.choice([1, 1, 2, 3])), (self.oid(36, k), 'u', r.choice([10, 50]))]
            extra += self.params(k, r.choice([0, 1, 2]), safe=True)
            v += r.sample(extra, min(len(extra), 5 - len(v)))
            if r.random() < 0.3:
                v.append((self.oid(18, k), 'i', 3))
            return v
        if kind == 'swap':   # one row destroyed, another created: room as if simultaneous
            k, k2 = self.key(1.0), self.key(0.0)
            return [(self.oid(19, k), 'i', DESTROY), (self.oid(19, k2), 'i', CGO)] + self.target_vbs(k2)
        if kind == 'cwait':
            k = self.key(0.2)
            v = [(self.oid(19, k), 'i', CWAIT)]
            return v + (self.target_vbs(k) if r.random() < 0.4 else []) + self.params(k, r.randint(0, 2), safe=True)
        if kind in ('active', 'nis', 'destroy'):
            k = self.key(0.8)
            unready = sorted(x for x, row in self.m.rows.items() if rowstatus(row) == NREADY)
            if kind != 'destroy' and unready and r.random() < 0.5:
                k = r.choice(unready)   # RFC 2579: only if the SET makes it ready
            v = [(self.oid(19, k), 'i', {'active': ACTIVE, 'nis': NIS, 'destroy': DESTROY}[kind])]
            if kind == 'active' and r.random() < 0.5:
                v += self.target_vbs(k)
            if r.random() < 0.3:
                v += [(self.oid(16, k), 'i', r.choice([1, 2]))]
            return v
        if kind == 'admin':
            k = self.key(0.95)
            return [(self.oid(16, k), 'i', r.choice([1, 1, 2]))] + (self.params(k, 1) if r.random() < 0.2 else [])
        if kind == 'param':
            k = self.key(0.95)
            return self.params(k, r.randint(1, 3), safe=r.random() < 0.6)
        if kind == 'scalar':
            obj = r.choice(sorted(LIMITS))
            oid = '%s.%d.0' % (PING, obj)
            if r.random() < 0.25:
                lo, hi = LIMITS[obj][1:]
                return [r.choice([(oid, 'u', hi + 1), (oid, 'i', 5)] + ([(oid, 'u', lo - 1)] if lo > 0 else []))]
            good = {6: [4, 6, 8, 10, 12, 100], 8: [2, 3, 4, 6, 100, 10000], 9: [1000, 100000],
                    10: [0, 3600, 604800]}[obj]
            return [(oid, 'u', r.choice(good))]
        if kind == 'badval':
            k = self.key(0.7)
            return [self.vb(r.choice(sorted(COLS)), k, good=False)]
        if kind == 'badidx':
            col = r.choice(sorted(COLS))
            idx = r.choice(['', '1.116', '1.116.1', '33.' + '.'.join(['97'] * 33) + '.1.97', '1.300.1.97',
                            '1.116.1.97.5', '2.116', '1.116.33.' + '.'.join(['97'] * 33)])
            return [('%s.%d%s' % (PE, col, '.' + idx if idx else ''), COLS[col][0], self.good(col) if col != 19 else CGO)]
        if kind == 'ro':
            k = self.key(0.7)
            return [('%s.%d.%s' % (PE, r.choice([1, 2, 20, 21, 25, 37, 44, 45]), index_of(*k.split('\0'))), 'i', 1)]
        # twice: one object twice, the same value or another
        if r.random() < 0.25:
            oid = '%s.%d.0' % (PING, r.choice(sorted(LIMITS)))
            return [(oid, 'u', 100), (oid, 'u', r.choice([100, 1000]))]
        k = self.key(0.8)
        col = r.choice([6, 12, 14, 16])
        a = self.vb(col, k)
        b = (a[0], a[1], a[2] if r.random() < 0.5 else self.good(col))
        return [a, b]


# ------------------------------------------------------------------ the round

def load(path):
    return Model(json.load(open(path)))


def save(m, path):
    json.dump(m.dump(), open(path, 'w'))


def cap_size(x):
    try:
        return os.path.getsize(os.path.join(T, 'cap%s.pcap' % x))
    except OSError:
        return 0


def truth(x, mark, dst):
    p = subprocess.run(['python3', FORGE, 'truth', os.path.join(T, 'cap%s.pcap' % x), '--from-byte', str(mark),
                        '--dst', dst], capture_output=True, text=True)
    out = []
    for line in p.stdout.splitlines():
        out.append(dict(w.split('=', 1) for w in line.split() if '=' in w))
    return out


class Round:
    def __init__(self, m, seed, n):
        self.m, self.seed, self.n = m, seed, n
        self.rnd = random.Random('%s:%d' % (seed, n))
        self.running = {}    # key -> (t before the SET, outcome, dmin, dmax)
        self.started = []    # (key, outcome) of the requests of this round that completed
        self.uncertain = set()   # destinations whose request count is unknown (abandoned runs)
        self.pdus = 0
        self.stats = {'busy': 0, 'limit': 0, 'abandon': 0}
        self.prev = None         # the last walk of cimPing, and the rows running then

    def fail(self, lines, vbs=None, text=''):
        for l in lines:
            log(l)
        if vbs is not None:
            log('the PDU:')
            for v in vbs:
                log('  %s %s %s' % v)
            for l in text.strip().splitlines()[:6]:
                log('  snmpset: ' + l)
        sys.exit(1)

    def settle(self, keys, deadline_extra=3.0):
        """Rows of keys that may have completed: wait until they have (OperStatus completed)."""
        now = time.monotonic()
        for k in list(keys):
            if k not in self.running:
                continue
            t0, o, dmin, dmax = self.running[k]
            if now + 0.5 < t0 + dmin:
                continue        # certainly still in progress when the PDU arrives
            self.wait_done(k, t0 + dmax + deadline_extra)

    def wait_done(self, k, until):
        o, n = k.split('\0')
        oid = '%s.20.%s' % (PE, index_of(o, n))
        while True:
            st = get_ints([oid])[0]
            if st == COMPLETED:
                break
            if time.monotonic() > until:
                self.fail(['row %r did not complete in time (OperStatus %s)' % ((o, n), st)])
            time.sleep(0.05)
        r = self.m.rows[k]
        r['oper'] = COMPLETED
        r['cfg']['16'] = 2
        r['res'] = self.running.pop(k)[1]
        self.started.append((k, r['res']))

    def touched(self, vbs):
        ks = set()
        for oid, _, _ in vbs:
            if oid.startswith(PE + '.'):
                rest = oid[len(PE) + 1:].split('.', 1)
                ow = parse_index(rest[1] if len(rest) > 1 else '')
                if ow:
                    ks.add(Model.key(*ow))
        return ks

    def send(self, vbs, what='', settle=True, loose=frozenset()):
        m = self.m
        if settle:
            self.settle(self.touched(vbs))
        before = json.dumps(m.dump())
        t0 = time.monotonic()
        st, idx, plans = predict(m, vbs, self.running)
        self.stats['busy'] += any(k in self.running for k in self.touched(vbs))
        self.stats['limit'] += st == 'resourceUnavailable'
        self.stats['abandon'] += any(p and p.get('abandon') for _, p, _ in plans)
        got_st, got_obj, text = snmpset(vbs)
        self.pdus += 1
        want_obj = vbs[idx - 1][0] if idx else None
        if (got_st, got_obj) != (st, want_obj):
            self.fail(['PDU %d%s: the daemon answers %s %s, the model says %s %s (varbind %s)' %
                       (self.pdus, what, got_st, got_obj, st, want_obj, idx)], vbs, text)
        if st is None:
            apply(m, vbs, plans, self.running, t0)
            for k, plan, _ in plans:
                if plan and plan.get('start'):
                    o, dmin, dmax = outcome(m, plan['cfg'])
                    self.running[k] = (t0, o, dmin, dmax)
                if plan and plan.get('abandon') or plan and plan.get('destroy'):
                    self.note_abandon(k, plan, before)
        cims = walk(PING)
        diffs = expect_table(m, set(self.running) | loose, cims) + expect_scalars(m, cims)
        if st is not None and self.prev is not None:
            diffs += self.unchanged(self.prev[0], cims, self.prev[1] | set(self.running) | loose)
        self.prev = (cims, set(self.running))
        if diffs:
            self.fail(['after PDU %d%s (%s):' % (self.pdus, what, 'noError' if st is None else st)] + diffs, vbs, text)
        return st

    @staticmethod
    def unchanged(before, after, running):
        """A refused PDU: the results of the rows not running, their probes, route records and
        timestamps, as they were."""
        def results(w):
            out = {}
            for sfx, v in w.items():
                parts = sfx.split('.', 3)
                if parts[0] not in ('3', '4', '5', '7') or len(parts) < 4 or parts[0] == '3' and int(parts[2]) in COLS:
                    continue
                tbl, idx = parts[0], parts[3]
                ow = parse_index(idx if tbl == '3' else idx.rsplit('.', 1)[0])
                if ow and Model.key(*ow) not in running:
                    out[sfx] = v
            return out
        b, a = results(before), results(after)
        return ['a refused PDU changed %s: %r -> %r' % (PING + '.' + k, b.get(k, 'absent'), a.get(k, 'absent'))
                for k in sorted(set(b) | set(a)) if b.get(k) != a.get(k)][:10]

    def note_abandon(self, k, plan, before):
        old = json.loads(before)['rows'].get(k)
        if old is None or old['oper'] != INPROGRESS:
            return
        o, _, _ = outcome(self.m, old['cfg'])
        if o['addr']:
            self.uncertain.add(o['addr'])

    def finish(self):
        """Every request ends: the long ones abandoned (AdminStatus disabled), the others awaited."""
        for k in sorted(self.running):
            t0, o, dmin, dmax = self.running[k]
            if dmax <= 6:
                continue
            oid = '%s.16.%s' % (PE, index_of(*k.split('\0')))
            if time.monotonic() + 0.5 < t0 + dmin:
                self.send([(oid, 'i', 2)], ' (round end: abandon a long request)', settle=False)
                continue
            # it may end before the PDU arrives: abandoned, or completed (no result checked)
            self.send([(oid, 'i', 2)], ' (round end: abandon a long request or not)', settle=False, loose={k})
            if get_ints(['%s.20.%s' % (PE, index_of(*k.split('\0')))])[0] == COMPLETED:
                r = self.m.rows[k]
                r['oper'], r['res'] = COMPLETED, dict(o, status=None)
            self.uncertain.add(o['addr'])
        for k in sorted(self.running):
            t0, o, dmin, dmax = self.running[k]
            self.wait_done(k, t0 + dmax + 3)

    def run(self):
        m, rnd = self.m, self.rnd
        marks = {x: cap_size(x) for x in ('B', 'R')}
        npdu = rnd.randint(14, 20)
        refused = 0
        g = Gen(rnd, m)
        for _ in range(npdu):
            vbs = g.pdu()
            if any(self.long_touch(k) for k in self.touched(vbs)):
                continue
            refused += self.send(vbs) is not None
        self.finish()
        time.sleep(0.2)
        diffs = expect_table(m, set()) + self.results() + self.wire(marks)
        if diffs:
            self.fail(['at the end of the round:'] + diffs)
        log('round %d: %d PDUs (%d refused, %d over a limit, %d on rows in progress, %d abandoning), '
            '%d requests checked, %d rows' % (self.n, self.pdus, refused, self.stats['limit'], self.stats['busy'],
                                              self.stats['abandon'], len(self.started), len(m.rows)))

    def long_touch(self, k):
        """A PDU touching a long request that may have ended: left out (it cannot be waited for)."""
        if k not in self.running:
            return False
        t0, o, dmin, dmax = self.running[k]
        return dmax > 6 and time.monotonic() + 0.5 >= t0 + dmin

    # ---- results against the model and the wire
    def results(self):
        cells = table_cells()
        probes = walk(PPR + '.2')   # cimPingProbeStatusCode
        psize, pttl = walk(PPR + '.6'), walk(PPR + '.5')
        diffs = []
        for k, r in sorted(self.m.rows.items()):
            o = r.get('res')
            name = repr(tuple(k.split('\0')))
            idx = index_of(*k.split('\0'))
            prows = sorted(int(s.split('.')[-1]) for s in probes if s.rsplit('.', 1)[0] == idx)

            def cell(c):
                return cells.get((k, c), 'absent')
            if r['oper'] != COMPLETED or o is None:
                if cell(21) != 'absent' or cell(37) != 'absent' or prows:
                    diffs.append('row %s not completed has results (StatusCode %s, ProbesSent %s, %d probes)' %
                                 (name, cell(21), cell(37), len(prows)))
                continue
            if o['status'] is None:
                continue
            if o['status'] == 'absent':
                got = (cell(21), cell(30), cell(37), len(prows))
                want = ('absent', o['res'], 0, 0)
            else:
                got = (cell(21), cell(37), cell(38))
                want = (o['status'], o['sent'] if o['sent'] is not None else cell(37),
                        o['recv'] if o.get('recv') is not None else cell(38))
                if o.get('frm'):
                    got += (cell(28), cell(29))
                    want += (inet_hex(o['frm']), NAMES.get(o['frm'], '').encode().hex().upper()
                             if o['cfg']['9'] == 1 else '')
                if 'size' in o:
                    got += (cell(25), cell(24), cell(39))
                    want += (o['size'], o['ttl'], 0)
                if o['status'] != 0:   # no echo reply; no answer at all but for an ICMP error
                    got += (cell(22) == 'absent', cell(25))
                    want += (o['status'] in (11010, 11007), 'absent')
                if o['sent'] and o.get('recv') is not None:
                    got += (cell(39),)
                    want += (100 * (o['sent'] - o['recv']) // o['sent'],)
                if o['sent'] is not None:
                    got += (prows,)
                    want += (list(range(1, o['sent'] + 1)),)
                    for p in prows:
                        s = '%s.%d' % (idx, p)
                        got += (probes.get(s),)
                        want += (o['status'],)
                        if 'size' in o:
                            got += (psize.get(s), pttl.get(s))
                            want += (o['size'], o['ttl'])
            if got != want:
                diffs.append('row %s (target %s %s): %r, the model says %r' % (name, o['kind'], o['addr'], got, want))
        return diffs

    def wire(self, marks):
        """The echo requests on the wire to each target, against the requests the model
        completed this round: their number and their TTL, TOS and size."""
        want = {}
        for k, o in self.started:
            if o['addr'] is None or o['kind'] not in CAPTURE:
                continue
            if o['status'] is None or o['wire'] is None:
                self.uncertain.add(o['addr'])
                continue
            cfg = o['cfg']
            want.setdefault(o['addr'], []).extend([(str(cfg['14']), str(cfg['15']), str(cfg['6']))] * o['wire'])
        diffs = []
        for addr, fam, kind in sorted(set(TARGETS.values())):
            if kind not in CAPTURE or addr in self.uncertain:
                continue
            got = sorted((q.get('ttl'), q.get('tos'), q.get('data'))
                         for q in truth(CAPTURE[kind], marks[CAPTURE[kind]], addr))
            w = sorted(want.get(addr, []))
            if got != w:
                diffs.append('echo requests to %s on the wire (ttl, tos, data): %s, the model says %s' % (addr, got, w))
        return diffs


# ------------------------------------------------------------------ commands

def mode(seed, n):
    return 'restart' if random.Random('%s:%d:mode' % (seed, n)).random() < 0.3 else 'plain'


def main():
    cmd = sys.argv[1]
    if cmd == 'mode':
        print(mode(sys.argv[2], int(sys.argv[3])))
        return
    path = sys.argv[2]
    if cmd == 'init':
        m = Model({})
        m.ifx = {d: ifindex(d) for d in ('lo', 'a_b', 'a_r')}
        # limits low enough that creations run over them
        vbs = [('%s.6.0' % PING, 'u', 8), ('%s.8.0' % PING, 'u', 4)]
        st, obj, text = snmpset(vbs)
        if st is not None:
            sys.exit('cannot write the limits: %s' % text)
        m.lim[6], m.lim[8] = 8, 4
        save(m, path)
        return
    m = load(path)
    if cmd == 'round':
        Round(m, sys.argv[3], int(sys.argv[4])).run()
    elif cmd == 'restarted':
        for k in list(m.rows):
            r = m.rows[k]
            if r['cfg']['18'] != 3:
                del m.rows[k]
                continue
            r['oper'], r['res'] = NOTSTARTED, None
            r['cfg']['16'] = 2
        m.cnt = {11: 0, 12: 0, 13: 0}
        diffs = expect_table(m, set()) + expect_scalars(m)
        if diffs:
            for d in diffs:
                log(d)
            sys.exit(1)
    save(m, path)


if __name__ == '__main__':
    main()
