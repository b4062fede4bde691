#!/usr/bin/env python3
"""set_churn.py - the model and driver of set_churn.sh (see there).

  set_churn.py mode SEED ROUND            what the round does besides its SETs
  set_churn.py round STATE SEED ROUND     one round: random PDUs through snmpset, each
                                          predicted by the model (success, or failure with
                                          its status and failed object), the kernel and the
                                          state files compared after each, the four tables
                                          walked at the end; exit 1 on the first difference
  set_churn.py restarted STATE            after a daemon restart: volatile and createAndWait
                                          rows forgotten, nonVolatile rows back and installed

Environment (set_churn.sh): NS, AGENT, STATEDIR, OUT (a directory for the files of a failure).
The model reads the rules of agent/route/mib_set.c, snmp/txn.c and the README's "Writing
routes": RESERVE1 refusals (notWritable, noCreation of an index, wrongType, wrongValue, two
values for one object) on the first such varbind; then every row checked against the model's
kernel, then the rows together (two rows on one kernel route, two installs at one key, an
install at a key whose route no row deletes); the refused row with the first varbind is the
failed object. A SET that passes is applied whole.
"""
import ipaddress
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from churn_lib import NS, AGENT, STATEDIR, nsx, subs6, mask4, state_file, walk, snmpset, diff, settle  # noqa: E402

OUT = os.environ.get('OUT', '/tmp')
BASE = '.1.3.6.1.4.1.32473.1.1'
E4, P4, E6, P6 = BASE + '.1.3.1', BASE + '.2.3.1', BASE + '.8.3.1', BASE + '.9.3.1'
# writable columns: table -> {column: check}; the rest of 1..N are notWritable
COLS = {
    'E4': {13: 'metric1', 14: 'unused', 15: 'unused', 16: 'unused', 17: 'unused', 21: 'type', 24: 'status'},
    'E6': {19: 'metric1', 22: 'status'},
    'P4': {11: 'storage', 12: 'gostatus'},
    'P6': {12: 'storage', 13: 'gostatus'},
}
ENTRY = {'E4': E4, 'E6': E6, 'P4': P4, 'P6': P6}
STATUS_COL = {'E4': 24, 'E6': 22, 'P4': 12, 'P6': 13}
WRITABLE_PROTOS = {'boot', 'static', '252', 'cimrouted'}
# the topology (set_churn.sh): link -> IPv4 subnet, IPv6 subnet; own addresses .1 / ::1
LINKS = {'va0': ('10.1.0', '2001:db8:1'), 'va1': ('10.2.0', '2001:db8:2')}
POOL4, POOL6 = ipaddress.ip_network('10.60.0.0/16'), ipaddress.ip_network('2001:db8:60::/48')


IFX = {}


def ifindex(dev):
    if dev not in IFX:
        IFX[dev] = int(nsx('cat', '/sys/class/net/%s/ifindex' % dev).strip())
    return IFX[dev]


# ------------------------------------------------------------------ the kernel

def kernel_routes(fam):
    """{(dst, plen, gw, dev, metric): proto} of table main in the pool; multipath: key 'mp'."""
    out = {}
    pool = POOL4 if fam == 4 else POOL6
    for r in json.loads(nsx('ip', '-j', '-%d' % fam, 'route', 'show', 'table', 'all') or '[]'):
        dst = r.get('dst', '')
        if dst == 'default' or r.get('type', 'unicast') != 'unicast':
            continue
        if '/' not in dst:
            dst += '/32' if fam == 4 else '/128'
        net = ipaddress.ip_network(dst, strict=False)
        if not net.subnet_of(pool):
            continue
        table = r.get('table', 'main')
        proto = str(r.get('protocol', 'boot'))
        if proto == 'cimrouted':
            proto = '252'
        metric = int(r.get('metric', 0 if fam == 4 else 1024))
        hops = r.get('nexthops') or [r]
        for h in hops:
            gw = h.get('gateway') or (r.get('prefsrc', '') if fam == 4 else '::')
            key = (str(net.network_address), net.prefixlen, gw, h.get('dev', ''), metric)
            out[key] = proto if table == 'main' and len(hops) == 1 else 'x-%s-%s' % (table, len(hops))
    return out


def file_bytes():
    b = []
    for n in ('persisted-routes', 'persisted-routes6'):
        try:
            b.append(open(os.path.join(STATEDIR, n), 'rb').read())
        except FileNotFoundError:
            b.append(None)
    return b


def snapshot():
    return (nsx('ip', '-4', 'route', 'show', 'table', 'all'), nsx('ip', '-6', 'route', 'show', 'table', 'all'),
            file_bytes())


# ------------------------------------------------------------------ the model

class Model:
    """What the daemon must hold: the pool's routes in main, the waiting rows, the persisted rows."""

    def __init__(self, d=None):
        d = d or {}
        self.k = {4: {}, 6: {}}      # (dst, plen, gw, dev, metric) -> proto
        self.pend = {4: set(), 6: set()}   # indexes (dst, plen, gw, dev, metric)
        self.p = {4: {}, 6: {}}      # (dst, plen, gw, ifname, metric) -> volatile
        for f in (4, 6):
            for k, v in d.get('k%d' % f, []):
                self.k[f][tuple(k)] = v
            self.pend[f] = {tuple(k) for k in d.get('pend%d' % f, [])}
            for k, v in d.get('p%d' % f, []):
                self.p[f][tuple(k)] = v

    def dump(self):
        d = {}
        for f in (4, 6):
            d['k%d' % f] = sorted([list(k), v] for k, v in self.k[f].items())
            d['pend%d' % f] = sorted(list(k) for k in self.pend[f])
            d['p%d' % f] = sorted([list(k), v] for k, v in self.p[f].items())
        return d

    def copy(self):
        return Model(json.loads(json.dumps(self.dump())))

    # the persisted row's live route (live_of): the kernel's very route
    def live_of(self, fam, pk):
        dst, plen, gw, ifn, metric = pk
        for k in self.k[fam]:
            if k[:3] == (dst, plen, gw) and k[4] == metric and (not ifn or k[3] == ifn) \
                    and not self.k[fam][k].startswith('x-'):
                return k
        return None

    def owner(self, fam, kk):
        for pk in self.p[fam]:
            if self.live_of(fam, pk) == kk:
                return pk
        return None


DOWN = set()   # links set down in this round


def reach_dev(fam, gw, dev_hint=''):
    """The link (up) a gateway is on (a subnet of it; IPv4: or one of its own addresses, a
    direct route; IPv6: fe80::/10 or :: on the link named), or None; broadcasts, IPv6 own
    addresses: None."""
    if dev_hint in DOWN:
        return None
    if fam == 6 and (gw.startswith('fe80:') or gw == '::'):
        return dev_hint or None
    for dev, (n4, n6) in LINKS.items():
        if (dev_hint and dev != dev_hint) or dev in DOWN:
            continue
        if fam == 4 and gw.startswith(n4 + '.') and gw != n4 + '.255':
            return dev
        if fam == 6 and ipaddress.IPv6Address(gw) in ipaddress.ip_network(n6 + '::/64') and \
                gw != n6 + '::1':
            return dev
    return None


class Refused(Exception):
    def __init__(self, status):
        self.status = status


class Row:
    def __init__(self, tbl, idx):
        self.tbl, self.idx, self.vals, self.first = tbl, idx, {}, None
        self.act, self.err, self.adopt, self.live = None, None, False, None
        self.cur = self.want = None
        self.vol = False

    @property
    def fam(self):
        return 6 if self.tbl in ('E6', 'P6') else 4


def parse_index(tbl, idx):
    """The row's key, or None (noCreation in RESERVE1)."""
    o = [int(x) for x in idx.split('.')] if idx else []
    if tbl == 'E4':
        if len(o) != 16 or any(x > 255 for x in o[:12]) or o[12] > 2**31 - 1 or o[13] == 0 or o[14] > 255:
            return None
        return {'dst': '.'.join(map(str, o[:4])), 'mask': '.'.join(map(str, o[4:8])),
                'gw': '.'.join(map(str, o[8:12])), 'ifindex': o[12], 'table': o[13], 'tos': o[14], 'metric': o[15]}
    if tbl == 'P4':
        if len(o) != 13 or any(x > 255 for x in o[:12]) or o[8:12] == [0, 0, 0, 0] or o[12] > 2**31 - 1:
            return None
        return {'dst': '.'.join(map(str, o[:4])), 'mask': '.'.join(map(str, o[4:8])),
                'gw': '.'.join(map(str, o[8:12])), 'metric': o[12]}
    if tbl == 'E6':
        if len(o) != 53 or any(x > 255 for x in o[:16] + o[17:33] + o[36:52]) or o[16] > 255 or \
                o[33] > 2**31 - 1 or o[34] == 0 or o[52] > 255:
            return None
        a = lambda s: str(ipaddress.IPv6Address(bytes(s)))
        return {'dst': a(o[:16]), 'plen': o[16], 'gw': a(o[17:33]), 'ifindex': o[33], 'table': o[34],
                'metric': o[35], 'src': a(o[36:52]), 'srclen': o[52]}
    if tbl == 'P6':
        if len(o) < 35 or any(x > 255 for x in o[:16] + o[17:33]) or o[16] > 255 or o[33] >= 16:
            return None
        n = o[33]
        if len(o) != 35 + n or any(x > 255 for x in o[34:34 + n]):
            return None
        name = ''.join(chr(x) for x in o[34:34 + n])
        if n and (not all(33 <= ord(c) < 127 for c in name) or '/' in name or ':' in name or name in ('.', '..')):
            return None
        a = lambda s: str(ipaddress.IPv6Address(bytes(s)))
        return {'dst': a(o[:16]), 'plen': o[16], 'gw': a(o[17:33]), 'ifname': name, 'metric': o[34 + n]}


def check_value(kind, typ, v):
    if typ != 'i':
        return 'wrongType'
    if kind == 'metric1' and not -1 <= v <= 2**31 - 1:
        return 'wrongValue'
    if kind == 'unused' and v != -1:
        return 'wrongValue'
    if kind == 'type' and not 2 <= v <= 4:
        return 'wrongValue'
    if kind == 'status' and (v < 1 or v > 6 or v == 3):
        return 'wrongValue'
    if kind == 'gostatus' and v not in (1, 4, 6):
        return 'wrongValue'
    if kind == 'storage' and v not in (2, 3):
        return 'wrongValue'
    return None


def split_oid(oid):
    for tbl, e in ENTRY.items():
        if oid.startswith(e + '.'):
            col, _, idx = oid[len(e) + 1:].partition('.')
            return tbl, int(col), idx
    raise ValueError(oid)


def reserve1(vbs):
    """(status, vb position) of the first varbind refused in RESERVE1, or the rows in order."""
    rows = {}
    for i, (oid, typ, v) in enumerate(vbs):
        if typ == 'i':      # snmpd keeps 32 bits of an INTEGER (asn_parse_int: "truncating")
            v = (v + 2**31) % 2**32 - 2**31
        tbl, col, idx = split_oid(oid)
        if col not in COLS[tbl]:
            return ('notWritable', i), None
        key = (tbl, idx)
        if key not in rows:
            if parse_index(tbl, idx) is None:
                return ('noCreation', i), None
        err = check_value(COLS[tbl][col], typ, v)
        if err:
            return (err, i), None
        if key not in rows:
            rows[key] = Row(tbl, idx)
            rows[key].first = i
        r = rows[key]
        if col in r.vals:
            if r.vals[col] != (typ, v):
                return ('inconsistentValue', i), None
            continue
        r.vals[col] = (typ, v)
    # the agent runs a table's varbinds together, tables in the order they first appear
    order = []
    for t in dict.fromkeys(split_oid(oid)[0] for oid, _, _ in vbs):
        order += [r for r in rows.values() if r.tbl == t]
    return None, order


def plen_of_mask(m):
    b = int(ipaddress.IPv4Address(m))
    s = bin(b)[2:].zfill(32)
    return None if '01' in s else s.count('1')


def val(r, col):
    return r.vals[col][1] if col in r.vals else None


def find_row(m, r, ix, plain):
    """A live row's key (dst, plen, gw, dev, metric), and itself if it is a route or waits."""
    dev = next((d for d in LINKS if ifindex(d) == ix['ifindex']), None)
    r.key = key = (ix['dst'], ix['plen'], ix['gw'], dev, ix['metric'])
    exact = ix['table'] == 254 and plain and dev is not None
    return key, key if exact and key in m.k[r.fam] else None, key if exact and key in m.pend[r.fam] else None


def wmi_type(gw):
    return 3 if any(gw == n4 + '.1' for n4, _ in LINKS.values()) else 4


def check_e4(m, r, ix):
    """RESERVE2 of a cimIP4RouteTable row (check_route_row)."""
    st = val(r, 24) or 0
    m1, ty = val(r, 13), val(r, 21)
    key, kern, pend = find_row(m, r, ix, ix['tos'] == 0)
    if st in (4, 5):
        if kern or pend:
            raise Refused('inconsistentValue')
        if ix['table'] != 254:
            raise Refused('noCreation')
        if ix['tos'] & 3:
            raise Refused('noCreation')
        if ix['ifindex'] == 0:
            raise Refused('inconsistentValue')
        if m1 is not None and m1 != ix['metric']:
            raise Refused('inconsistentValue')
        if ty == 2:
            raise Refused('inconsistentValue')
        if key[3] is None or reach_dev(4, ix['gw'], key[3]) != key[3]:
            raise Refused('inconsistentValue')
        if ty is not None and ty != wmi_type(ix['gw']):
            raise Refused('inconsistentValue')
        r.act, r.want = ('create' if st == 4 else 'wait'), key
        return
    if not kern and not pend:
        if st == 6:
            r.act = None
            return
        raise Refused('inconsistentValue' if st else 'inconsistentName')
    deleting = st == 6 or ty == 2
    if m1 == -1:
        raise Refused('inconsistentValue')
    if deleting and m1 is not None and m1 != ix['metric']:
        raise Refused('inconsistentValue')
    if deleting:
        if pend:
            r.act = 'drop'
            return
        may_change(m, r, 4, kern)
        r.act = 'delete'
        return
    if pend:
        if m1 is not None and m1 != ix['metric']:
            raise Refused('inconsistentValue')
        if ty is not None and ty != wmi_type(ix['gw']):
            raise Refused('inconsistentValue')
        if st == 1:
            if key[3] is None or reach_dev(4, ix['gw'], key[3]) != key[3]:
                raise Refused('inconsistentValue')
            r.act, r.want = 'activate', key
        return
    if st == 2:
        raise Refused('inconsistentValue')
    if ty is not None and ty != 2 and ty != wmi_type(ix['gw']):
        raise Refused('inconsistentValue')
    if m1 is not None and m1 != ix['metric']:
        may_change(m, r, 4, kern)
        r.act, r.want = 'move', key[:4] + (m1,)


def may_change(m, r, fam, kk):
    if m.k[fam][kk] not in WRITABLE_PROTOS:
        raise Refused('notWritable')
    if m.owner(fam, kk):
        raise Refused('inconsistentValue')
    r.cur = kk


def host_bits(dst, plen):
    return ipaddress.ip_address(dst).packed != ipaddress.ip_network('%s/%d' % (dst, plen), strict=False) \
        .network_address.packed


def check_e6(m, r, ix):
    """RESERVE2 of a cimIP6RouteTable row (check_route6_row)."""
    st = val(r, 22) or 0
    m1 = val(r, 19)
    if ix['plen'] > 128 or ix['srclen'] > 128:
        raise Refused('wrongValue')
    if host_bits(ix['dst'], ix['plen']) or host_bits(ix['src'], ix['srclen']):
        raise Refused('inconsistentValue')
    key, kern, pend = find_row(m, r, ix, ix['srclen'] == 0)
    dev = key[3]

    def create6():
        if ix['table'] != 254:
            raise Refused('noCreation')
        if ix['metric'] == 0:
            raise Refused('noCreation')
        if m1 is not None and m1 != ix['metric']:
            raise Refused('inconsistentValue')
        if dev is None or reach_dev(6, ix['gw'], dev) != dev:
            raise Refused('inconsistentValue')
        r.want = key

    if st in (4, 5):
        if kern or pend:
            raise Refused('inconsistentValue')
        create6()
        r.act = 'create' if st == 4 else 'wait'
        return
    if not kern and not pend:
        if st == 6:
            return
        raise Refused('inconsistentValue' if st else 'inconsistentName')
    if m1 == -1:
        raise Refused('inconsistentValue')
    if st == 6 and m1 is not None and m1 != ix['metric']:
        raise Refused('inconsistentValue')
    if pend:
        if st == 6:
            r.act = 'drop'
            return
        if m1 is not None and m1 != ix['metric']:
            raise Refused('inconsistentValue')
        if st == 1:
            create6()
            r.act = 'activate'
        return
    if st == 2:
        raise Refused('inconsistentValue')
    if st == 6:
        may_change(m, r, 6, kern)
        r.act = 'delete'
        return
    if m1 is not None and m1 != ix['metric']:
        may_change(m, r, 6, kern)
        if m1 == 0:
            raise Refused('inconsistentValue')
        r.act, r.want = 'move', key[:4] + (m1,)


def check_p(m, r, ix):
    """RESERVE2 of a persisted row of either family (check_persist_row, check_persist6_row)."""
    fam = r.fam
    sc, tc = (12, 11) if fam == 4 else (13, 12)
    st, sto = val(r, sc) or 0, val(r, tc)
    if fam == 4:
        plen = plen_of_mask(ix['mask'])
        if plen is None:
            raise Refused('wrongValue')
        if host_bits(ix['dst'], plen):
            raise Refused('inconsistentValue')
        pk = (ix['dst'], plen, ix['gw'], '', ix['metric'])
    else:
        if ix['plen'] > 128:
            raise Refused('wrongValue')
        pk = (ix['dst'], ix['plen'], ix['gw'], ix['ifname'], ix['metric'])
        if st == 4 and pk not in m.p[6]:
            if ix['metric'] == 0:
                raise Refused('noCreation')
            if host_bits(ix['dst'], ix['plen']):
                raise Refused('inconsistentValue')
            g = ipaddress.IPv6Address(ix['gw'])
            if ipaddress.IPv6Address(ix['dst']).is_multicast or g.is_multicast or \
                    ((g.is_link_local or g == ipaddress.IPv6Address('::')) and not ix['ifname']):
                raise Refused('noCreation')
    r.key = pk
    cur = pk in m.p[fam]
    if st != 4:
        if not cur:
            if st == 6:
                return
            raise Refused('inconsistentValue' if st else 'inconsistentName')
        if sto is not None and sto != (2 if m.p[fam][pk] else 3):
            raise Refused('inconsistentValue')
        if st == 6:
            r.act = 'pdestroy'
            lv = m.live_of(fam, pk)
            if lv and m.k[fam][lv] == '252':
                r.live = lv
        return
    if cur:
        raise Refused('inconsistentValue')
    r.vol = sto == 2
    r.act = 'pcreate'
    lv = m.live_of(fam, pk)
    if lv:
        may_change(m, r, fam, lv)
        r.adopt, r.live = True, lv
        return
    if fam == 6 and ix['ifname'] and ix['ifname'] not in LINKS:
        raise Refused('inconsistentValue')
    dev = reach_dev(fam, pk[2], pk[3])
    if dev is None:
        raise Refused('inconsistentValue')
    r.want = (pk[0], pk[1], pk[2], dev, pk[4])


def touches(r):
    if r.act in ('delete', 'move'):
        return r.cur
    if r.act == 'pcreate':
        return r.live if r.adopt else None
    if r.act == 'pdestroy':
        return r.live
    return None


def installs(r):
    return r.act in ('create', 'activate', 'move') or (r.act == 'pcreate' and not r.adopt)


def fib(fam, k):
    return (k[0], k[1], k[4])


def check_set(m, rows):
    good = lambda: [r for r in rows if r.err is None]
    for i, r in enumerate(rows):
        a = touches(r) if r.err is None else None
        if a is None:
            continue
        for o in rows[:i]:
            if o.err is None and o.fam == r.fam and touches(o) == a:
                r.err = 'inconsistentValue'
                break
    for i, r in enumerate(rows):
        if r.err is not None or not installs(r):
            continue
        for o in rows[:i]:
            if o.err is None and installs(o) and o.fam == r.fam and fib(r.fam, o.want) == fib(r.fam, r.want):
                r.err = 'inconsistentValue'
                break
    for r in good():
        if not (installs(r) or r.act == 'wait'):
            continue
        deleted = {touches(o) for o in good() if o is not r and o.fam == r.fam and o.act in ('delete', 'pdestroy')}
        for kk in m.k[r.fam]:
            if fib(r.fam, kk) == fib(r.fam, r.want) and kk not in deleted:
                r.err = 'inconsistentValue'
                break


def predict(m, vbs):
    """(None, new model) or ((status, position), None)."""
    err, rows = reserve1(vbs)
    if err:
        return err, None
    for r in rows:
        ix = parse_index(r.tbl, r.idx)
        if r.tbl == 'E4':
            ix['plen'] = plen_of_mask(ix['mask'])
            try:
                if ix['plen'] is None:
                    raise Refused('wrongValue')
                if host_bits(ix['dst'], ix['plen']):
                    raise Refused('inconsistentValue')
                check_e4(m, r, ix)
            except Refused as e:
                r.err = e.status
            continue
        try:
            (check_e6 if r.tbl == 'E6' else check_p)(m, r, ix)
        except Refused as e:
            r.err = e.status
    check_set(m, rows)
    bad = [r for r in rows if r.err]
    if bad:
        r = min(bad, key=lambda r: r.first)
        return (r.err, r.first), None
    n = m.copy()
    for r in rows:          # the deletes first (deleters_first)
        if r.act == 'delete':
            del n.k[r.fam][r.cur]
        elif r.act == 'drop':
            n.pend[r.fam].discard(r.key)
        elif r.act == 'pdestroy':
            del n.p[r.fam][r.key]
            if r.live:
                del n.k[r.fam][r.live]
    for r in rows:
        if r.act == 'create':
            n.k[r.fam][r.want] = '252'
        elif r.act == 'wait':
            n.pend[r.fam].add(r.want)
        elif r.act == 'activate':
            n.pend[r.fam].discard(r.key)
            n.k[r.fam][r.want] = '252'
        elif r.act == 'move':
            n.k[r.fam][r.want] = n.k[r.fam].pop(r.cur)
        elif r.act == 'pcreate':
            n.p[r.fam][r.key] = r.vol
            if not r.adopt:
                n.k[r.fam][r.want] = '252'
    for f in (4, 6):        # a waiting row whose route appears is that route's row
        n.pend[f] -= set(n.k[f])
    # the state file to write: a nonVolatile row made or destroyed
    n.rows = rows
    n.dirty = any((r.act == 'pcreate' and not r.vol) or (r.act == 'pdestroy' and not m.p[r.fam][r.key])
                  for r in rows)
    return None, n


# ------------------------------------------------------------------ the PDUs

class Gen:
    def __init__(self, rnd, m, devs=('va0', 'va1')):
        self.R, self.m, self.devs = rnd, m, list(devs)

    def dst(self, fam):
        R = self.R
        return ('10.60.%d.0' % R.randrange(6), 24) if fam == 4 else ('2001:db8:60:%x::' % R.randrange(6), 64)

    def gw(self, fam, dev):
        R = self.R
        if fam == 4:
            return '%s.%d' % (LINKS[dev][0], R.choice([1, 2, 3, 4]))
        if R.random() < 0.1:
            return '::'
        if R.random() < 0.3:
            return 'fe80::%d' % R.randrange(2, 4)
        return '%s::%d' % (LINKS[dev][1], R.randrange(2, 5))

    def metric(self):
        """Mostly three metrics (so that routes meet); 0 (IPv6: none) and 2^32-1 (no Metric1)."""
        return self.R.choice([10, 20, 30] * 4 + [0, 4294967295])

    def idx(self, tbl, k, ifx=None, table=254, tos=0, mask=None, src=('::', 0)):
        dst, plen, gw, dev, metric = k
        if tbl == 'E4':
            return '%s.%s.%s.%d.%d.%d.%d' % (dst, mask or mask4(plen), gw, ifindex(dev) if ifx is None else ifx,
                                             table, tos, metric)
        if tbl == 'E6':
            return '%s.%d.%s.%d.%d.%d.%s.%d' % (subs6(dst), plen, subs6(gw), ifindex(dev) if ifx is None else ifx,
                                                table, metric, subs6(src[0]), src[1])
        if tbl == 'P4':
            return '%s.%s.%s.%d' % (dst, mask or mask4(plen), gw, metric)
        name = '.'.join(str(ord(c)) for c in dev)
        return '%s.%d.%s.%d%s.%d' % (subs6(dst), plen, subs6(gw), len(dev), '.' + name if dev else '', metric)

    def live_key(self, fam):
        """An existing route of the pool (or a waiting row), or a new one."""
        R, m = self.R, self.m
        old = list(m.k[fam]) + list(m.pend[fam])
        if old and R.random() < 0.6:
            return R.choice(sorted(old))
        dev = R.choice(self.devs)
        d, plen = self.dst(fam)
        return (d, plen, self.gw(fam, dev), dev, self.metric())

    def pkey(self, fam):
        R, m = self.R, self.m
        if m.p[fam] and R.random() < 0.5:
            return R.choice(sorted(m.p[fam]))
        if m.k[fam] and R.random() < 0.25:          # a live route's: adoption
            d, plen, gw, dev, metric = R.choice(sorted(m.k[fam]))
            return (d, plen, gw, dev if fam == 6 and (gw.startswith('fe80') or R.random() < 0.5) else '', metric)
        dev = R.choice(self.devs)
        d, plen = self.dst(fam)
        gw = self.gw(fam, dev)
        return (d, plen, gw, dev if fam == 6 and (gw.startswith('fe80') or R.random() < 0.5) else '', self.metric())

    def replace(self, fam):
        """A route deleted and another put at its kernel key (or moved there), in either order,
        through the live or the persisted tables."""
        R, m = self.R, self.m
        ks = [k for k in sorted(m.k[fam]) if m.k[fam][k] in WRITABLE_PROTOS]
        if not ks:
            return self.op_persisted(fam)
        k = R.choice(ks)
        owner = m.owner(fam, k)
        e, p = ('E4', 'P4') if fam == 4 else ('E6', 'P6')
        if owner is not None:
            dele = [('%s.%d.%s' % (ENTRY[p], STATUS_COL[p], self.idx(p, owner)), 'i', 6)]
        else:
            dele = [('%s.%d.%s' % (ENTRY[e], STATUS_COL[e], self.idx(e, k)), 'i', 6)]
        dev = R.choice(self.devs)
        new = k[:2] + (self.gw(fam, dev), dev, k[4])
        x = R.random()
        if x < 0.5:
            put = [('%s.%d.%s' % (ENTRY[e], STATUS_COL[e], self.idx(e, new)), 'i', R.choice([4, 4, 5]))]
        elif x < 0.8:
            pk = new[:3] + (dev if fam == 6 and (new[2].startswith('fe80') or R.random() < 0.5) else '', new[4])
            put = [('%s.%d.%s' % (ENTRY[p], STATUS_COL[p], self.idx(p, pk)), 'i', 4)]
        else:   # a route moved onto the key
            o = [j for j in ks if j[:2] == k[:2] and j != k] or ks
            j = R.choice(o)
            put = [('%s.%d.%s' % (ENTRY[e], 13 if fam == 4 else 19, self.idx(e, j)), 'i', k[4])]
        return dele + put if R.random() < 0.5 else put + dele

    def op(self):
        """One to three varbinds: (oid, type, value)."""
        R = self.R
        fam = R.choice([4, 6])
        if R.random() < 0.15:
            return self.replace(fam)
        if R.random() < 0.35:
            return self.op_persisted(fam)
        k = self.live_key(fam)
        tbl = 'E4' if fam == 4 else 'E6'
        e, sc, mc = ENTRY[tbl], STATUS_COL[tbl], 13 if fam == 4 else 19
        exists = k in self.m.k[fam] or k in self.m.pend[fam]
        ix = self.idx(tbl, k)
        x = R.random()
        if not exists or x < 0.1:
            st = R.choice([4, 4, 4, 5])
            vb = [('%s.%d.%s' % (e, sc, ix), 'i', st)]
            if R.random() < 0.3:
                vb.append(('%s.%d.%s' % (e, mc, ix), 'i', k[4]))
            if fam == 4 and R.random() < 0.15:
                vb.append(('%s.21.%s' % (e, ix), 'i', 4))
            return vb
        if k in self.m.pend[fam] and x < 0.55:   # active; notInService leaves it waiting
            return [('%s.%d.%s' % (e, sc, ix), 'i', 1 if x < 0.45 else 2)]
        if x < 0.45:
            return [('%s.%d.%s' % (e, mc, ix), 'i', self.metric())]
        if fam == 4 and x < 0.55:
            return [('%s.21.%s' % (e, ix), 'i', 2)]
        return [('%s.%d.%s' % (e, sc, ix), 'i', 6)]

    def op_persisted(self, fam):
        R = self.R
        tbl = 'P4' if fam == 4 else 'P6'
        e, sc, tc = ENTRY[tbl], STATUS_COL[tbl], STATUS_COL[tbl] - 1
        pk = self.pkey(fam)
        ix = self.idx(tbl, pk)
        if pk in self.m.p[fam] and R.random() < 0.8:
            vb = [('%s.%d.%s' % (e, sc, ix), 'i', R.choice([6, 6, 6, 1]))]
            if R.random() < 0.2:
                vb.append(('%s.%d.%s' % (e, tc, ix), 'i', 2 if self.m.p[fam][pk] else 3))
            return vb
        vb = [('%s.%d.%s' % (e, sc, ix), 'i', 4)]
        if R.random() < 0.4:
            vb.insert(R.randrange(2), ('%s.%d.%s' % (e, tc, ix), 'i', R.choice([2, 3])))
        return vb

    def bad(self):
        """A varbind (or two) that must be refused, alone or beside good ones."""
        R = self.R
        k4 = self.live_key(4)
        k6 = self.live_key(6)
        e4 = lambda c, ix: '%s.%d.%s' % (E4, c, ix)
        e6 = lambda c, ix: '%s.%d.%s' % (E6, c, ix)
        new4 = (k4[0], 24, '10.1.0.2', 'va0', 40)
        new6 = (k6[0], 64, '2001:db8:1::2', 'va0', 40)
        choices = [
            lambda: [(e4(24, self.idx('E4', k4)), 's', 'x')],                          # wrong type
            lambda: [(e4(13, self.idx('E4', k4)), 'u', 10)],                           # Gauge32
            lambda: [(e6(22, self.idx('E6', k6)), 's', '4')],
            lambda: [(e4(24, self.idx('E4', k4)), 'i', R.choice([3, 0, 7]))],          # out of range
            lambda: [(e4(13, self.idx('E4', k4)), 'i', -2)],
            lambda: [(e4(14, self.idx('E4', k4)), 'i', R.choice([-1, -1, 5]))],        # Metric2
            lambda: [(e4(21, self.idx('E4', k4)), 'i', 1)],
            lambda: [(e6(22, self.idx('E6', k6)), 'i', 3)],
            lambda: [('%s.12.%s' % (P4, self.idx('P4', self.pkey(4))), 'i', 5)],     # createAndWait
            lambda: [('%s.11.%s' % (P4, self.idx('P4', self.pkey(4))), 'i', 1)],     # storage other
            lambda: [('%s.13.%s' % (P6, self.idx('P6', self.pkey(6))), 'i', 2)],
            lambda: [(e4(R.choice([1, 8, 9, 18, 19, 20, 22]), self.idx('E4', k4)), 'i', 4)],   # read-only
            lambda: [(e6(R.choice([9, 14, 20, 21]), self.idx('E6', k6)), 'i', 1)],
            lambda: [('%s.%d.%s' % (P4, R.choice([5, 9, 10]), self.idx('P4', self.pkey(4))), 'i', 1)],
            lambda: [(e4(24, self.idx('E4', new4, table=0)), 'i', 4)],                 # bad indexes
            lambda: [(e4(24, self.idx('E4', new4)) + '.1', 'i', 4)],
            lambda: [('%s.12.%s' % (P4, self.idx('P4', (k4[0], 24, '0.0.0.0', '', 5))), 'i', 4)],
            lambda: [('%s.13.%s' % (P6, self.idx('P6', (k6[0], 64, 'fe80::2', 'va/0', 5))), 'i', 4)],
            lambda: [(e4(24, self.idx('E4', new4, table=100)), 'i', 4)],               # not mirrored
            lambda: [(e4(24, self.idx('E4', new4, tos=1)), 'i', 4)],                   # ECN bits
            lambda: [(e4(24, self.idx('E4', new4, mask='255.0.255.0')), 'i', 4)],      # mask
            lambda: [(e4(24, self.idx('E4', (k4[0][:-1] + '7',) + new4[1:])), 'i', 4)],  # host bits
            lambda: [(e4(24, self.idx('E4', new4[:2] + ('10.9.0.5',) + new4[3:])), 'i', 4)],  # off-link
            lambda: [(e4(24, self.idx('E4', new4[:2] + ('10.1.0.255',) + new4[3:])), 'i', 4)],  # broadcast
            lambda: [(e4(24, self.idx('E4', new4[:2] + ('10.2.0.3',) + new4[3:])), 'i', 4)],  # other link
            lambda: [(e4(24, self.idx('E4', new4)), 'i', 4), (e4(13, self.idx('E4', new4)), 'i', 41)],
            lambda: [(e4(24, self.idx('E4', new4)), 'i', 4), (e4(21, self.idx('E4', new4)), 'i', R.choice([2, 3]))],
            lambda: [(e4(13, self.idx('E4', new4)), 'i', 50)],                         # no row
            lambda: [(e4(24, self.idx('E4', new4)), 'i', R.choice([1, 2]))],
            lambda: [(e6(24 - 2, self.idx('E6', new6[:4] + (0,))), 'i', 4)],            # metric 0
            lambda: [(e6(22, self.idx('E6', new6, ifx=0)), 'i', 4)],
            lambda: [(e6(22, self.idx('E6', (k6[0], 129) + new6[2:])), 'i', 4)],
            lambda: [(e6(22, self.idx('E6', (k6[0] + '7',) + new6[1:])), 'i', 4)],
            lambda: [(e6(22, self.idx('E6', new6[:2] + ('2001:db8:1::1',) + new6[3:])), 'i', 4)],  # own address
            lambda: [(e6(22, self.idx('E6', new6[:2] + ('2001:db8:9::5',) + new6[3:])), 'i', 4)],
            lambda: [(e6(22, self.idx('E6', new6)), 'i', 4), (e6(19, self.idx('E6', new6)), 'i', 7)],
            lambda: [('%s.13.%s' % (P6, self.idx('P6', (k6[0], 64, 'fe80::2', '', 5))), 'i', 4)],
            lambda: [('%s.13.%s' % (P6, self.idx('P6', (k6[0], 64, '2001:db8:1::2', 'vz9', 5))), 'i', 4)],
            lambda: [('%s.13.%s' % (P6, self.idx('P6', ('ff02::', 64, '2001:db8:1::2', '', 5))), 'i', 4)],
            lambda: [('%s.13.%s' % (P6, self.idx('P6', (k6[0], 64, '2001:db8:1::2', '', 0))), 'i', 4)],
            lambda: [('%s.12.%s' % (P4, self.idx('P4', (k4[0], 24, '10.9.0.5', '', 5))), 'i', 4)],
            lambda: [('%s.12.%s' % (P4, self.idx('P4', (k4[0], 24, '10.1.0.2', '', 5))), 'i', 1)],
            lambda: self.dup(),
            lambda: self.twice(),
        ]
        return R.choice(choices)()

    def dup(self):
        """The same object twice: the same value (accepted) or another (refused)."""
        vb = self.op()
        o, t, v = vb[0]
        return vb + [(o, t, v if self.R.random() < 0.4 else (v % 6) + 1)]

    def twice(self):
        """createAndGo of a row that exists, or a foreign protocol's route changed."""
        R, m = self.R, self.m
        fam = R.choice([4, 6])
        tbl = 'E4' if fam == 4 else 'E6'
        ks = sorted(m.k[fam])
        if not ks:
            return self.op()
        k = R.choice(ks)
        ix = self.idx(tbl, k)
        return [('%s.%d.%s' % (ENTRY[tbl], STATUS_COL[tbl], ix), 'i', R.choice([4, 5, 6]))]

    def pdu(self):
        """Half of them without a bad varbind (short ones mostly), the rest 1-6 with some."""
        R = self.R
        vbs = []
        clean = R.random() < 0.5
        n = R.randint(1, 3) if clean else R.randint(1, 6)
        while len(vbs) < n:
            vbs += self.bad() if not clean and R.random() < 0.3 else self.op()
        return vbs[:6]


# ------------------------------------------------------------------ the PDUs shown

def show(vbs):
    return '\n'.join('  %s %s %s' % vb for vb in vbs)


def describe(vbs):
    out = []
    for o, t, v in vbs:
        tbl, col, idx = split_oid(o)
        ix = parse_index(tbl, idx)
        out.append('  %s col %d = %s %s  %s' % (tbl, col, t, v, ix if ix else idx))
    return '\n'.join(out)


# ------------------------------------------------------------------ comparisons

def compare_kernel_files(m):
    d = []
    for f in (4, 6):
        d += diff('the kernel (IPv%d, table main, the pool)' % f, m.k[f].items(), kernel_routes(f).items())
        d += diff('the state file (IPv%d)' % f, [k for k, v in m.p[f].items() if not v], state_file(f))
    return d


def snmp_rows(m):
    """What the four tables' RowStatus and the persisted Status columns must read."""
    want = {}
    for f, tbl in ((4, 'E4'), (6, 'E6')):
        g = Gen(None, m)
        for k, proto in m.k[f].items():
            want[(tbl, g.idx(tbl, k))] = 1
        for k in m.pend[f]:
            want[(tbl, g.idx(tbl, k))] = 2
    for f, tbl in ((4, 'P4'), (6, 'P6')):
        g = Gen(None, m)
        e, a = ('E4', 'A4') if f == 4 else ('E6', 'A6')
        for k in m.p[f]:
            want[(tbl, g.idx(tbl, k))] = 1
            want[(tbl + 'status', g.idx(tbl, k))] = 'OK' if m.live_of(f, k) else 'Error'
            lv = m.live_of(f, k)
            if lv:      # cimActiveRouteTable: the persisted row's Caption and the live row's Age
                want[(a + '.1', g.idx(tbl, k))] = '%s.%d.%s' % (ENTRY[tbl], 5 if f == 4 else 6, g.idx(tbl, k))
                want[(a + '.2', g.idx(tbl, k))] = '%s.%d.%s' % (ENTRY[e], 8 if f == 4 else 9, g.idx(e, lv))
        want[(tbl + 'count', '0')] = len(m.p[f])
        want[(a + 'count', '0')] = sum(1 for k in m.p[f] if m.live_of(f, k))
    return want


def in_pool(tbl, idx):
    o = [int(x) for x in idx.split('.')]
    if tbl.startswith('E4') or tbl.startswith('P4'):
        return o[0] == 10 and o[1] == 60
    return o[:6] == [32, 1, 13, 184, 0, 96]


def compare_snmp(m):
    got = {}
    for tbl in ('E4', 'E6', 'P4', 'P6'):
        for idx, v in walk('%s.%d' % (ENTRY[tbl], STATUS_COL[tbl])).items():
            if in_pool(tbl, idx):
                got[(tbl, idx)] = v
    for tbl, col in (('P4', 9), ('P6', 10)):
        for idx, v in walk('%s.%d' % (ENTRY[tbl], col)).items():
            if in_pool(tbl, idx):
                got[(tbl + 'status', idx)] = v
    for a, arc in (('A4', 3), ('A6', 10)):
        for col in (1, 2):
            for idx, v in walk('%s.%d.3.1.%d' % (BASE, arc, col)).items():
                got[('%s.%d' % (a, col), idx)] = v
        got[(a + 'count', '0')] = walk('%s.%d.1' % (BASE, arc)).get('0')
    for tbl, arc in (('P4', 2), ('P6', 9)):
        got[(tbl + 'count', '0')] = walk('%s.%d.1' % (BASE, arc)).get('0')
    return diff('the tables (RowStatus, persisted Status, active routes, counts)', snmp_rows(m).items(),
                got.items())


# ------------------------------------------------------------------ a round

MODES = ['plain', 'race', 'underneath', 'restart', 'linkdown', 'undo', 'refuse']


def mode_of(seed, rnd):
    """Round 1 plain, then every kind in an order of the seed's, again and again."""
    if rnd == 1:
        return 'plain'
    order = MODES[:]
    random.Random('%s/%d/modes' % (seed, (rnd - 2) // len(MODES))).shuffle(order)
    return order[(rnd - 2) % len(MODES)]


def fail(lines, m=None):
    sys.stdout.write(''.join('# %s\n' % l for l in lines))
    sys.stdout.flush()
    sys.exit(1)


def race_start(R):
    """ip route add/del of the pool's prefixes from the shell, in a loop, while the SETs run."""
    cmds = []
    for _ in range(40):
        if R.random() < 0.5:
            d = '10.60.%d.0/24' % R.randrange(6)
            g = '%s.%d' % (LINKS[R.choice(sorted(LINKS))][0], R.randrange(2, 5))
            cmds.append('ip -4 route %s %s via %s metric %d proto static' %
                        (R.choice(['add', 'del', 'add']), d, g, R.choice([10, 20, 30])))
        else:
            d = '2001:db8:60:%x::/64' % R.randrange(6)
            g = '%s::%d' % (LINKS[R.choice(sorted(LINKS))][1], R.randrange(2, 5))
            cmds.append('ip -6 route %s %s via %s metric %d proto static' %
                        (R.choice(['add', 'del', 'add']), d, g, R.choice([10, 20, 30])))
    script = 'for c in %s; do eval "$c" 2>/dev/null; sleep 0.0$((RANDOM %% 5)); done' % \
        ' '.join("'%s'" % c for c in cmds)
    return subprocess.Popen(['ip', 'netns', 'exec', NS, 'bash', '-c', script]), cmds


def resync(m, rows=False):
    """In a race: the kernel is what it is; the persisted rows (rows=True) the tables'."""
    for f in (4, 6):
        m.k[f] = kernel_routes(f)
        m.pend[f] -= set(m.k[f])
    if not rows:
        return
    for f, tbl in ((4, 'P4'), (6, 'P6')):
        st = walk('%s.%d' % (ENTRY[tbl], STATUS_COL[tbl] - 1))
        m.p[f] = {}
        for idx, v in st.items():
            if not in_pool(tbl, idx):
                continue
            ix = parse_index(tbl, idx)
            pk = (ix['dst'], plen_of_mask(ix['mask']) if f == 4 else ix['plen'], ix['gw'],
                  ix.get('ifname', ''), ix['metric'])
            m.p[f][pk] = v == 2


def run_round(state, seed, rnd):
    m = Model(json.load(open(state))) if os.path.exists(state) else Model()
    mode = mode_of(seed, rnd)
    R = random.Random('%s/%d' % (seed, rnd))
    npdu = R.randint(6, 10)
    race, cmds = (race_start(R) if mode == 'race' else (None, []))
    if mode == 'refuse':    # va1 keeps 10.2.0.1/24, its connected route goes: gateways refused
        nsx('ip', 'route', 'del', '10.2.0.0/24', 'dev', 'va1')
    if mode == 'linkdown':
        link_down(m, 'va1')
        # the kernel tells nothing of the IPv4 routes a link down removes: the daemon re-dumps
        # (20 ms later, then the dump); a SET before that is checked against the routes before
        d = settle(lambda: compare_kernel_files(m) + compare_snmp(m), 5.0)
        if d:
            fail(['round %d: va1 down, the daemon differs' % rnd] + d)
    squat = [os.path.join(STATEDIR, n + '.tmp') for n in ('persisted-routes', 'persisted-routes6')]
    if mode == 'undo':      # a directory squats the temporary names: no state file can be written
        for d in squat:
            os.mkdir(d)
    log, stats = [], {}
    for i in range(npdu):
        if race is not None:
            resync(m)
        vbs = Gen(R, m, ('va0', 'va1', 'va1', 'va1') if mode == 'refuse' else ('va0', 'va1')).pdu()
        err, nm = predict(m, vbs)
        before = snapshot()
        got, text = snmpset(vbs)
        log.append('PDU %d: %s' % (i + 1, 'expect success' if err is None else 'expect %s at %d' % err))
        if race is not None:
            log.append('  got %s' % (got,))
        log.append(describe(vbs))
        if race is not None:
            # the kernel moves under the SETs: all or nothing on the state files; the rest after
            if got is None and nm is not None:
                m = nm
            elif got is not None and nm is not None and got[0] != 'commitFailed' and \
                    got[0] != 'inconsistentValue' and got[0] != 'notWritable':
                fail(['round %d (race) PDU %d: expected success or a refusal the race explains, got %s'
                      % (rnd, i + 1, got), describe(vbs), text] + log)
            elif got is None and nm is None and err[0] not in ('inconsistentValue', 'inconsistentName'):
                fail(['round %d (race) PDU %d: expected %s, got success' % (rnd, i + 1, err), describe(vbs)])
            if got is not None and before[2] != file_bytes():
                fail(['round %d (race) PDU %d failed (%s) but a state file changed' % (rnd, i + 1, got),
                      describe(vbs)])
            if got is None and nm is None:
                resync(m, True)   # a success the model refused: the kernel had changed; learn it
            continue
        want = None if err is None else (err[0], vbs[err[1]][0])
        if mode == 'undo' and nm is not None and nm.dirty:
            # ACTION applied the rows, the file could not be written: every row undone
            want, nm = ('commitFailed', got[1] if got else None), None
        elif mode == 'refuse' and nm is not None and any(refused_gw(r, 'want') for r in nm.rows):
            # the kernel refuses a route through va1's subnet in ACTION: every row undone, but
            # a route of va1's subnet deleted before cannot come back either (undoFailed)
            lost = any(refused_gw(r, 'cur') or refused_gw(r, 'live') for r in nm.rows)
            want, nm = ('commitFailed', got[1] if got else None), None
            if lost and got is not None and got[0] == 'undoFailed':
                want = got
                stats['undoFailed'] = stats.get('undoFailed', 0) + 1
                resync(m, True)
                continue
        stats[want[0] if want else 'ok'] = stats.get(want[0] if want else 'ok', 0) + 1
        if got != want:
            fail(['round %d PDU %d: expected %s, got %s' % (rnd, i + 1,
                  'success' if want is None else '%s on %s' % want, 'success' if got is None else '%s on %s' % got),
                  'the PDU (seed %s):' % seed, show(vbs), describe(vbs), 'snmpset said: ' + text.strip()] + log[:-2])
        if got is not None:
            after = snapshot()
            if after != before:
                fail(['round %d PDU %d failed (%s) but changed something:' % (rnd, i + 1, got[0]), describe(vbs)] +
                     [l for a, b, n in zip(before, after, ('ip -4', 'ip -6', 'state files')) if a != b
                      for l in ['%s before: %r' % (n, a), '%s after:  %r' % (n, b)]])
            continue
        m = nm
        d = settle(lambda: compare_kernel_files(m), 1.0)
        if d:
            fail(['round %d PDU %d (success): the model and the daemon differ' % (rnd, i + 1), describe(vbs)] + d)
    if race is not None:
        race.wait()
        time.sleep(0.5)
        resync(m)
        # persisted routes the race deleted come back (or read not OK, which settle() reports)
        d = settle(lambda: (resync(m), compare_kernel_files(m) + compare_snmp(m))[1], 8.0)
        if d:
            fail(['round %d (race): after the race the daemon differs' % rnd] + d + ['race:'] + cmds + log)
    if mode == 'underneath' and (m.p[4] or m.p[6]):
        gone = delete_some(m, R, lambda pk, v: True, ('del', 'reproto', 'move'))
        d = settle(lambda: compare_kernel_files(m) + compare_snmp(m), 8.0)
        if d:
            fail(['round %d: persisted routes deleted underneath (%s) not back' % (rnd, gone)] + d)
    for d in squat:
        if os.path.isdir(d):
            os.rmdir(d)
    if mode == 'refuse':
        nsx('ip', 'route', 'add', '10.2.0.0/24', 'dev', 'va1', 'proto', 'kernel', 'scope', 'link', 'src', '10.2.0.1')
        reinstall(m)        # a row whose route an undo could not put back: installed again
    if mode == 'linkdown':
        d = settle(lambda: compare_kernel_files(m) + compare_snmp(m), 2.0)
        if d:
            fail(['round %d: with va1 down the daemon differs' % rnd] + d + log)
        link_up(m, 'va1')
        d = settle(lambda: compare_kernel_files(m) + compare_snmp(m), 8.0)
        if d:
            fail(['round %d: va1 up again, the persisted routes not back' % rnd] + d)
    d = settle(lambda: compare_kernel_files(m) + compare_snmp(m), 2.0)
    if d:
        fail(['round %d: after the round the daemon differs (seed %s)' % (rnd, seed)] + d + log)
    json.dump(m.dump(), open(state, 'w'))
    print('# round %d (%s): %d PDUs (%s), %d routes, %d waiting, %d persisted' % (
        rnd, mode, npdu, ' '.join('%s %d' % kv for kv in sorted(stats.items())),
        len(m.k[4]) + len(m.k[6]), len(m.pend[4]) + len(m.pend[6]), len(m.p[4]) + len(m.p[6])))


def refused_gw(r, what):
    """Does the row's route (want, cur or live) go through a gateway of 10.2.0.0/24?"""
    k = getattr(r, what, None) if r.act not in (None, 'wait', 'drop') else None
    if what == 'want' and (r.act == 'wait' or (r.act == 'pcreate' and r.adopt)):
        k = None
    return r.fam == 4 and k is not None and k[2].startswith('10.2.0.') and k[2] != '10.2.0.1'


def link_down(m, dev):
    """The kernel drops the link's routes; the persisted rows through it read Error."""
    nsx('ip', 'link', 'set', dev, 'down')
    DOWN.add(dev)
    for f in (4, 6):
        m.k[f] = {k: v for k, v in m.k[f].items() if k[3] != dev}


def link_up(m, dev):
    nsx('ip', 'link', 'set', dev, 'up')
    DOWN.discard(dev)
    reinstall(m)


def reinstall(m):
    """The persisted rows without their route get it again (as cimrouted's) where no twin is."""
    for f in (4, 6):
        for pk in sorted(m.p[f]):
            via = reach_dev(f, pk[2], pk[3])
            if m.live_of(f, pk) or via is None or any(fib(f, k) == fib(f, pk) for k in m.k[f]):
                continue
            m.k[f][pk[:3] + (via, pk[4])] = '252'


def delete_some(m, R, which, how=('del',)):
    """Some persisted rows' routes (installed or adopted) changed with ip route: deleted (they
    come back as cimrouted's own, proto 252), replaced by the same route of proto static (the
    row keeps it, as adopted), or moved to another metric (a plain route there, the row's
    route installed again)."""
    gone = []
    for f in (4, 6):
        for pk in sorted(m.p[f]):
            lv = m.live_of(f, pk)
            if not lv or not which(pk, m.p[f][pk]) or R.random() >= 0.6:
                continue
            via = [] if lv[2] == '::' or (f == 4 and wmi_type(lv[2]) == 3) else ['via', lv[2]]
            spec = ['%s/%d' % (lv[0], lv[1])] + via + ['dev', lv[3]]
            op = R.choice(how)
            if op == 'move' and (lv[4] >= 2**31 or any(fib(f, k) == fib(f, lv[:4] + (lv[4] + 1,)) for k in m.k[f])):
                op = 'del'
            src = ['src', lv[2]] if f == 4 and not via else []     # a direct route's
            if op == 'move':
                nsx('ip', '-%d' % f, 'route', 'add', *spec, *src, 'metric', str(lv[4] + 1), 'proto', 'static')
                m.k[f][lv[:4] + (lv[4] + 1,)] = 'static'
            nsx('ip', '-%d' % f, 'route', 'replace' if op == 'reproto' else 'del', *spec, 'metric', str(lv[4]),
                *((src if op == 'reproto' else []) + (['proto', 'static'] if op == 'reproto' else [])))
            m.k[f][lv] = 'static' if op == 'reproto' else '252'
            gone.append((op, lv))
    return gone


def restarted(state):
    """The daemon restarted: volatile rows and waiting rows are gone; nonVolatile rows back."""
    m = Model(json.load(open(state)))
    for f in (4, 6):
        m.pend[f] = set()
        m.p[f] = {k: v for k, v in m.p[f].items() if not v}
    d = settle(lambda: compare_kernel_files(m) + compare_snmp(m), 10.0)
    if d:
        fail(['after the restart the daemon differs'] + d)
    json.dump(m.dump(), open(state, 'w'))


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'mode':
        print(mode_of(sys.argv[2], int(sys.argv[3])))
    elif cmd == 'round':
        run_round(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == 'underneath':
        m = Model(json.load(open(sys.argv[2])))
        delete_some(m, random.Random(json.dumps(m.dump())), lambda pk, v: not v)
        json.dump(m.dump(), open(sys.argv[2], 'w'))
    elif cmd == 'restarted':
        restarted(sys.argv[2])
    elif cmd == 'init':
        m = Model()
        for f in (4, 6):
            m.k[f] = kernel_routes(f)
        json.dump(m.dump(), open(sys.argv[2], 'w'))
