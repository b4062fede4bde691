#!/usr/bin/env python3
"""persist_churn.py - the model, driver and comparator of persist_churn.sh (see there).

  persist_churn.py init STATE                 an empty model
  persist_churn.py kind SEED ROUND            the round's churn, and its restart (TERM, KILL, -)
  persist_churn.py round STATE SEED ROUND     persisted createAndGo/destroy of both families
                                              interleaved with the round's churn, each SET's
                                              answer against the model, a check after each step
  persist_churn.py down STATE SEED ROUND      while the daemon is stopped: some nonVolatile
                                              rows' routes deleted by hand
  persist_churn.py restarted STATE SIGNAL     after the restart: volatile rows gone (their routes
                                              left in the kernel), nonVolatile rows back
  persist_churn.py perturbed STATE            the comparator against the model with one fact
                                              changed: it must report a difference

Each check prints `ok TEXT` or `not_ok TEXT` (tap_from in lib.sh); the first not_ok ends the
round (the model no longer knows the daemon). Environment: NS, AGENT, STATEDIR (churn_lib).

The rules (README "Writing routes", agent/route/persist.c, writer.c, mib_set.c):
  createAndGo of a persisted row: a row that exists, inconsistentValue; the very route in
  main (one hop, a writable protocol): adopted, the kernel untouched, its protocol kept;
  else an interface named that does not exist, a next hop not reachable now (link down or
  gone, no address of its subnet; fe80:: needs the link up only) or another route at the
  destination and metric: inconsistentValue; else installed, proto 252.
  destroy: the row goes; its route goes with it if it is proto 252, an adopted one stays.
  A row's route that vanishes (deleted, its link down or deleted, IPv4: the link's last IPv4
  address removed) is installed again, proto 252, as soon as it can be: link up, address back,
  the route that took its destination and metric gone (within 3 s here: not at the 30 s
  retry). An IPv6 address removed leaves the routes through it. A route replaced by hand by
  the same one of proto static stays the row's.
  Status OK iff the kernel has the row's route, else Error with an ApplyError ("another route
  with this destination and metric is in the main table" where one holds it; "interface X does
  not exist" for an IPv6 row naming a link that is gone).
  Restart: nonVolatile rows come back from the state files, volatile ones do not; their routes
  stay in the kernel as plain routes.
"""
import ipaddress
import json
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from churn_lib import STATEDIR, nsx, subs6, mask4, walk, snmpset, diff, settle  # noqa: E402

BASE = '.1.3.6.1.4.1.32473.1.1'
P = {4: BASE + '.2.3.1', 6: BASE + '.9.3.1'}           # persisted entries
A = {4: BASE + '.3.3.1', 6: BASE + '.10.3.1'}          # active entries
E = {4: BASE + '.1.3.1', 6: BASE + '.8.3.1'}           # live entries
COL = {4: {'caption': 5, 'status': 9, 'error': 10, 'storage': 11, 'row': 12},
       6: {'caption': 6, 'status': 10, 'error': 11, 'storage': 12, 'row': 13}}
AGE = {4: 8, 6: 9}
LINKS = {'va0': ('10.1.0', '2001:db8:1'), 'va1': ('10.2.0', '2001:db8:2')}
PEERS = {'va0': 'vb0', 'va1': 'vb1'}
POOL = {4: ipaddress.ip_network('10.70.0.0/16'), 6: ipaddress.ip_network('2001:db8:70::/48')}
GWS = {4: [('10.1.0.5', ''), ('10.2.0.5', ''), ('10.2.0.6', '')],
       6: [('2001:db8:1::5', ''), ('2001:db8:2::5', 'va1'), ('2001:db8:2::6', ''), ('fe80::5', 'va0'),
           ('fe80::5', 'va1')]}
EEXIST = 'another route with this destination and metric is in the main table'
LINE = {4: re.compile(r'^(\d+\.\d+\.\d+\.\d+)/(\d+) via (\d+\.\d+\.\d+\.\d+) metric (\d+)'
                      r'( created \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?$'),
        6: re.compile(r'^([0-9a-f:]+)/(\d+) via ([0-9a-f:]+)(?: dev ([^ ]+))? metric (\d+)'
                      r'( created \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?$')}
KINDS = ['linkflap', 'relink', 'addr4', 'addr6', 'handdel', 'reproto', 'block']


def out(ok, text, lines=()):
    print('%s %s' % ('ok' if ok else 'not_ok', text))
    for l in lines:
        print('# %s' % l)
    sys.stdout.flush()


# ------------------------------------------------------------------ the model

class Model:
    """The persisted rows and the pool's routes in main as the daemon and the kernel must hold them.

    rows: (fam, dst, plen, gw, ifname, metric) -> {'vol': bool, 'proto': the route's protocol
    while the kernel has it, or None}; other: the pool's routes no row has, (fam, dst, plen, gw,
    dev, metric) -> protocol; env: the links 'down' and 'gone', the links whose IPv4 ('no4') or
    IPv6 ('no6') address is removed."""

    def __init__(self, d=None):
        d = d or {}
        self.rows = {tuple(k): v for k, v in d.get('rows', [])}
        self.other = {tuple(k): v for k, v in d.get('other', [])}
        self.env = {k: set(v) for k, v in d.get('env', {}).items()}
        for k in ('down', 'gone', 'no4', 'no6'):
            self.env.setdefault(k, set())

    def dump(self):
        return {'rows': sorted([list(k), v] for k, v in self.rows.items()),
                'other': sorted([list(k), v] for k, v in self.other.items()),
                'env': {k: sorted(v) for k, v in self.env.items()}}

    def save(self, path):
        json.dump(self.dump(), open(path, 'w'))


def subnet_dev(fam, gw):
    for dev, nets in LINKS.items():
        if ipaddress.ip_address(gw) in ipaddress.ip_network(nets[fam == 6] + ('.0/24' if fam == 4 else '::/64')):
            return dev
    return None


def row_dev(k):
    """The link the row's route is on."""
    fam, _, _, gw, ifname, _ = k
    return ifname or subnet_dev(fam, gw)


def live_key(k):
    fam, dst, plen, gw, _, metric = k
    return (fam, dst, plen, gw, row_dev(k), metric)


def fib(k):
    return (k[0], k[1], k[2], k[5])


def reachable(m, fam, gw, dev):
    """Can a route through gw on dev be installed now (the kernel's and rtcheck's view)?"""
    env = m.env
    if dev is None or dev in env['gone'] or dev in env['down']:
        return False
    if gw.startswith('fe80:'):
        return True
    return subnet_dev(fam, gw) == dev and dev not in env['no%d' % fam]


def blocker(m, k):
    """A route of the kernel at the row's destination and metric that is not its own, or None."""
    for o in m.other:
        if fib(o) == fib(k):
            return o
    for r, v in m.rows.items():
        if r != k and v['proto'] and fib(r) == fib(k):
            return live_key(r)
    return None


def settle_model(m):
    """What the daemon does on its own: a row without its route gets it (proto 252) if it can."""
    for k, v in sorted(m.rows.items()):
        if v['proto'] is None and reachable(m, k[0], k[3], row_dev(k)) and blocker(m, k) is None:
            v['proto'] = '252'


def lose(m, pred):
    """Routes the kernel drops (pred(fam, dev) on the route's key): the rows' and the others'."""
    for k, v in m.rows.items():
        if v['proto'] and pred(k[0], row_dev(k)):
            v['proto'] = None
    m.other = {k: v for k, v in m.other.items() if not pred(k[0], k[4])}


# ------------------------------------------------------------------ SNMP and the kernel

def pindex(k):
    fam, dst, plen, gw, ifname, metric = k
    if fam == 4:
        return '%s.%s.%s.%d' % (dst, mask4(plen), gw, metric)
    name = ''.join('.%d' % ord(c) for c in ifname)
    return '%s.%d.%s.%d%s.%d' % (subs6(dst), plen, subs6(gw), len(ifname), name, metric)


def lindex(lk, ifx):
    fam, dst, plen, gw, dev, metric = lk
    if fam == 4:
        return '%s.%s.%s.%d.254.0.%d' % (dst, mask4(plen), gw, ifx[dev], metric)
    return '%s.%d.%s.%d.254.%d.%s.0' % (subs6(dst), plen, subs6(gw), ifx[dev], metric, subs6('::'))


def parse_pindex(fam, idx):
    o = [int(x) for x in idx.split('.')]
    if fam == 4:
        net = ipaddress.IPv4Network('%s/%s' % ('.'.join(map(str, o[:4])), '.'.join(map(str, o[4:8]))))
        return (4, str(net.network_address), net.prefixlen, '.'.join(map(str, o[8:12])), '', o[12])
    a = lambda s: str(ipaddress.IPv6Address(bytes(s)))
    n = o[33]
    return (6, a(o[:16]), o[16], a(o[17:33]), ''.join(chr(c) for c in o[34:34 + n]), o[34 + n])


def kernel(fam):
    """The pool's routes in main: {(fam, dst, plen, gw, dev, metric): protocol}; a multipath
    route or another table: the key with dev 'x-...'."""
    got = {}
    for r in json.loads(nsx('ip', '-j', '-%d' % fam, 'route', 'show', 'table', 'all') or '[]'):
        dst = r.get('dst', '')
        if dst == 'default':
            continue
        if '/' not in dst:
            dst += '/32' if fam == 4 else '/128'
        net = ipaddress.ip_network(dst, strict=False)
        if not net.subnet_of(POOL[fam]):
            continue
        proto = str(r.get('protocol', 'boot'))
        proto = '252' if proto == 'cimrouted' else proto
        hops = r.get('nexthops') or [r]
        for h in hops:
            dev = h.get('dev', '')
            if len(hops) > 1 or r.get('table', 'main') != 'main':
                dev = 'x-%s-%d-%s' % (r.get('table', 'main'), len(hops), dev)
            got[(fam, str(net.network_address), net.prefixlen, h.get('gateway', ''), dev,
                 int(r.get('metric', 0)))] = proto
    return got


def ifindexes():
    ifx = {}
    for link in json.loads(nsx('ip', '-j', 'link', 'show')):
        ifx[link['ifname']] = link['ifindex']
    return ifx


def state_lines(fam, bad):
    """{row key: ''} of the state file, its bad lines into bad."""
    name = 'persisted-routes' + ('6' if fam == 6 else '')
    try:
        text = open(os.path.join(STATEDIR, name)).read()
    except FileNotFoundError:
        return set()
    keys = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith('#'):
            continue
        mt = LINE[fam].match(line)
        if not mt:
            bad.append('%s: a line that does not parse: %r' % (name, line))
            continue
        g = mt.groups()
        net = ipaddress.ip_network('%s/%s' % (g[0], g[1]), strict=False)
        ifname = (g[3] or '') if fam == 6 else ''
        k = (fam, str(net.network_address), net.prefixlen, str(ipaddress.ip_address(g[2])), ifname,
             int(g[4] if fam == 6 else g[3]))
        if k in keys:
            bad.append('%s: a line twice: %r' % (name, line))
        keys.add(k)
    return keys


def group(entry):
    """A persisted or active table's group walked at once (its count, last change and entries):
    {(column, index): value}, the count as ('count', '')."""
    arc = entry[:-len('.3.1')]
    t = {}
    for i, v in walk(arc).items():
        if i == '1.0':
            t[('count', '')] = v
        elif i.startswith('3.1.'):
            c, _, ix = i[4:].partition('.')
            t[(c, ix)] = v
    return t


def norm(v):
    return '' if v == '""' else v


# ------------------------------------------------------------------ the comparison

def compare(m):
    """The differences between the model and the daemon, the kernel and the state files."""
    ifx = ifindexes()
    d, bad = [], []
    want_k, got_k = {}, {}
    for fam in (4, 6):
        got_k.update(kernel(fam))
    for k, v in m.rows.items():
        if v['proto']:
            want_k[live_key(k)] = v['proto']
    want_k.update(m.other)
    d += diff('the kernel (the pool, table main: route -> protocol)', want_k.items(), got_k.items())
    for fam in (4, 6):
        rows = {k: v for k, v in m.rows.items() if k[0] == fam}
        col = COL[fam]
        pt, at = group(P[fam]), group(A[fam])
        col_of = lambda t, c: {parse_pindex(fam, i): norm(v) for (cc, i), v in t.items() if cc == str(c)}
        d += diff('IPv%d persisted rows (key, StorageType)' % fam,
                  [(k, 2 if v['vol'] else 3) for k, v in rows.items()], col_of(pt, col['storage']).items())
        status, error = col_of(pt, col['status']), col_of(pt, col['error'])
        want_s, got_s = [], []
        for k, v in rows.items():
            if v['proto']:
                want_s.append((k, 'OK', ''))
            else:
                why = 'an ApplyError'
                dev = row_dev(k)
                if dev in m.env['gone'] and k[4]:
                    why = 'interface %s does not exist' % dev
                elif reachable(m, fam, k[3], dev) and blocker(m, k):
                    why = EEXIST
                want_s.append((k, 'Error', why))
            e = error.get(k)
            got_s.append((k, status.get(k), 'an ApplyError' if e and want_s[-1][2] == 'an ApplyError' else e))
        d += diff('IPv%d Status, ApplyError' % fam, want_s, got_s)
        want_a, got_a = [], []
        for k, v in rows.items():
            if v['proto']:
                ix = pindex(k)
                want_a.append((ix, '%s.%d.%s' % (P[fam], col['caption'], ix),
                               '%s.%d.%s' % (E[fam], AGE[fam], lindex(live_key(k), ifx))))
        for ix in {i for (c, i) in at if c in ('1', '2')}:
            got_a.append((ix, at.get(('1', ix)), at.get(('2', ix))))
        d += diff('IPv%d active rows (index, SameElement, SystemElement)' % fam, want_a, got_a)
        d += diff('IPv%d persisted and active counts' % fam,
                  [(len(rows), sum(1 for v in rows.values() if v['proto']))],
                  [(pt.get(('count', '')), at.get(('count', '')))])
        d += diff('persisted-routes%s (the nonVolatile rows)' % ('6' if fam == 6 else ''),
                  [k for k, v in rows.items() if not v['vol']], state_lines(fam, bad))
    left = [n for n in os.listdir(STATEDIR) if n.endswith(('.tmp', '.old')) or '.bad-' in n]
    if left:
        bad.append('left in the state directory: %s' % ' '.join(sorted(left)))
    return d + bad


def check(m, text, timeout=8.0):
    """Wait (polling) until the daemon equals the model, or the timeout: one TAP line."""
    settle_model(m)
    t0 = time.time()
    d = settle(lambda: compare(m), timeout)
    out(not d, '%s (%d ms)' % (text, (time.time() - t0) * 1000) if not d else text, d[:40])
    return not d


# ------------------------------------------------------------------ SETs

def predict_create(m, k):
    """None (success) or the refusal's status; and the row's protocol when made."""
    if k in m.rows:
        return 'inconsistentValue', None
    lk = live_key(k)
    for o, proto in m.other.items():
        # the very route (IPv6 without a name: on any link)
        if o[:4] == lk[:4] and o[5] == lk[5] and (not k[4] or o[4] == k[4]):
            return None, ('adopt', o)
    if k[0] == 6 and k[4] and k[4] in m.env['gone']:
        return 'inconsistentValue', None
    if not reachable(m, k[0], k[3], row_dev(k)) or blocker(m, k):
        return 'inconsistentValue', None
    return None, ('install', None)


def do_create(m, k, vol, log):
    fam = k[0]
    vbs = [('%s.%d.%s' % (P[fam], COL[fam]['row'], pindex(k)), 'i', 4)]
    if vol or random.random() < 0.3:
        vbs.insert(0, ('%s.%d.%s' % (P[fam], COL[fam]['storage'], pindex(k)), 'i', 2 if vol else 3))
    want, how = predict_create(m, k)
    got, text = snmpset(vbs)
    got = got[0] if got else None
    log.append('createAndGo%s %s: expected %s, got %s' % (' volatile' if vol else '', k, want or 'noError',
                                                           got or 'noError'))
    if got != want:
        return ['createAndGo%s of %s: expected %s, got %s' % (' volatile' if vol else '', k, want or 'noError',
                                                              got or 'noError'), text.strip()]
    if want is None:
        proto = '252'
        if how[0] == 'adopt':
            proto = m.other.pop(how[1])
        m.rows[k] = {'vol': vol, 'proto': proto}
    return []


def do_destroy(m, k, log):
    fam = k[0]
    got, text = snmpset([('%s.%d.%s' % (P[fam], COL[fam]['row'], pindex(k)), 'i', 6)])
    log.append('destroy %s: got %s' % (k, got[0] if got else 'noError'))
    if got:
        return ['destroy of %s: expected noError, got %s' % (k, got[0]), text.strip()]
    v = m.rows.pop(k, None)
    if v and v['proto'] and v['proto'] != '252':
        m.other[live_key(k)] = v['proto']      # an adopted route stays
    return []


def new_key(R, m):
    fam = R.choice([4, 6])
    others = [o for o in m.other if o[0] == fam]
    if others and R.random() < 0.3:     # a route already in the kernel: adopted, or refused
        o = R.choice(sorted(others))
        ifname = o[4] if fam == 6 and (o[3].startswith('fe80:') or R.random() < 0.5) else ''
        return (fam, o[1], o[2], o[3], ifname, o[5])
    used = {k[1] for k in m.rows if k[0] == fam}
    dsts = [str(POOL[fam].network_address + (i << (8 if fam == 4 else 64))) for i in range(8)]
    dst = (R.choice([d for d in dsts if d not in used] or dsts), 24 if fam == 4 else 64)
    gw, ifname = R.choice(GWS[fam])
    return (fam,) + dst + (gw, ifname, R.choice([5, 7, 20] if fam == 6 else [0, 5, 7]))


def route_spec(lk):
    fam, dst, plen, gw, dev, metric = lk
    return ['-%d' % fam, 'route', '%s/%d' % (dst, plen), 'via', gw, 'dev', dev, 'metric', str(metric)]


def random_set(R, m, log):
    """One SET: a destroy of a row, a createAndGo (after the very route added by hand, sometimes;
    of a row that exists, seldom)."""
    if m.rows and (len(m.rows) > 7 or R.random() < 0.3):
        return do_destroy(m, R.choice(sorted(m.rows)), log)
    if m.rows and R.random() < 0.08:    # a row that exists: refused
        return do_create(m, R.choice(sorted(m.rows)), R.random() < 0.5, log)
    k = new_key(R, m)
    if k not in m.rows and R.random() < 0.2 and reachable(m, k[0], k[3], row_dev(k)) and \
            blocker(m, k) is None and live_key(k) not in m.other:
        lk = live_key(k)
        spec = route_spec(lk)
        nsx('ip', spec[0], 'route', 'add', *spec[2:], 'proto', 'static')
        m.other[lk] = 'static'
        log.append('added by hand before the SET: %s' % (lk,))
    return do_create(m, k, R.random() < 0.35, log)


def sets(R, m, n, log):
    for _ in range(n):
        d = random_set(R, m, log)
        if d:
            return d
    return []


# ------------------------------------------------------------------ churn

def link_make(dev):
    peer = PEERS[dev]
    n4, n6 = LINKS[dev]
    nsx('ip', 'link', 'add', dev, 'type', 'veth', 'peer', 'name', peer)
    nsx('ip', 'addr', 'add', n4 + '.1/24', 'dev', dev)
    nsx('ip', '-6', 'addr', 'add', n6 + '::1/64', 'dev', dev, 'nodad')
    nsx('ip', 'link', 'set', peer, 'up')
    nsx('ip', 'link', 'set', dev, 'up')


def addr_cmd(fam, op, dev):
    n4, n6 = LINKS[dev]
    if fam == 4:
        nsx('ip', 'addr', op, n4 + '.1/24', 'dev', dev)
    else:
        nsx('ip', '-6', 'addr', op, n6 + '::1/64', 'dev', dev, *(['nodad'] if op == 'add' else []))


def present_rows(m, pred=lambda k: True):
    return [k for k, v in sorted(m.rows.items()) if v['proto'] and pred(k)]


def churn_start(kind, R, m, log):
    """Begin the round's churn; returns what to undo at its end (or None), and a description."""
    dev = 'va1' if R.random() < 0.8 else 'va0'
    if kind == 'linkflap':
        nsx('ip', 'link', 'set', dev, 'down')
        m.env['down'].add(dev)
        lose(m, lambda fam, d: d == dev)
        return ('up', dev), '%s down' % dev
    if kind == 'relink':
        nsx('ip', 'link', 'del', dev)
        m.env['gone'].add(dev)
        lose(m, lambda fam, d: d == dev)
        return ('make', dev), '%s deleted' % dev
    if kind in ('addr4', 'addr6'):
        fam = int(kind[-1])
        addr_cmd(fam, 'del', dev)
        m.env['no%d' % fam].add(dev)
        if fam == 4:        # its last IPv4 address: the kernel flushes the link's IPv4 routes
            lose(m, lambda f, d: f == 4 and d == dev)
        return ('addr', fam, dev), 'the IPv%d address of %s removed' % (fam, dev)
    rows = present_rows(m)
    if not rows:
        return None, 'no row installed to change by hand'
    k = R.choice(rows)
    lk = live_key(k)
    spec = route_spec(lk)
    if kind == 'handdel':
        nsx('ip', spec[0], 'route', 'del', *spec[2:])
        m.rows[k]['proto'] = None
        return None, 'the route of %s deleted by hand' % (k,)
    if kind == 'reproto':
        nsx('ip', spec[0], 'route', 'replace', *spec[2:], 'proto', 'static')
        m.rows[k]['proto'] = 'static'
        return None, 'the route of %s replaced by the same, proto static' % (k,)
    # block: replaced by another route at its destination and metric
    gw2 = 'fe80::9' if lk[3].startswith('fe80:') else (LINKS[lk[4]][0] + '.9' if lk[0] == 4
                                                       else LINKS[lk[4]][1] + '::9')
    bk = lk[:3] + (gw2,) + lk[4:]
    sb = route_spec(bk)
    nsx('ip', sb[0], 'route', 'replace', *sb[2:], 'proto', 'static')
    m.rows[k]['proto'] = None
    m.other[bk] = 'static'
    return ('unblock', bk), 'the route of %s replaced by %s' % (k, bk)


def churn_end(undo, m, log):
    if undo is None:
        return None
    if undo[0] == 'up':
        nsx('ip', 'link', 'set', undo[1], 'up')
        m.env['down'].discard(undo[1])
        return '%s up' % undo[1]
    if undo[0] == 'make':
        link_make(undo[1])
        m.env['gone'].discard(undo[1])
        return '%s created again (ifindex %d)' % (undo[1], ifindexes()[undo[1]])
    if undo[0] == 'addr':
        addr_cmd(undo[1], 'add', undo[2])
        m.env['no%d' % undo[1]].discard(undo[2])
        return 'the IPv%d address of %s back' % (undo[1], undo[2])
    bk = undo[1]
    if bk in m.other:       # (a destroy or an adoption may have taken it)
        sb = route_spec(bk)
        nsx('ip', sb[0], 'route', 'del', *sb[2:])
        del m.other[bk]
    return 'the route in its place (%s) deleted by hand' % (bk,)


def kind_of(seed, rnd):
    """Every kind once in each len(KINDS) rounds, in an order of the seed's; every third round
    ends with a restart, SIGTERM and SIGKILL in turn (which first: the seed's), other rounds
    one time in ten."""
    order = KINDS[:]
    random.Random('%s/%d/kinds' % (seed, (rnd - 1) // len(KINDS))).shuffle(order)
    R = random.Random('%s/%d/restart' % (seed, rnd))
    first = random.Random('%s/restart' % seed).randrange(2)
    if rnd % 3 == 0:
        sig = ('TERM', 'KILL')[(rnd // 3 + first) % 2]
    else:
        sig = R.choice(('TERM', 'KILL')) if R.random() < 0.1 else '-'
    return order[(rnd - 1) % len(KINDS)], sig


def run_round(state, seed, rnd):
    m = Model(json.load(open(state)))
    R = random.Random('%s/%d' % (seed, rnd))
    random.seed('%s/%d/storage' % (seed, rnd))
    kind, _ = kind_of(seed, rnd)
    log = []
    tag = 'seed %s round %d (%s)' % (seed, rnd, kind)
    d = sets(R, m, R.randint(2, 4), log)
    if d:
        return out(False, '%s: SETs before the churn answer as the model says' % tag, d + log)
    if not check(m, '%s: after %d SET(s) the daemon equals the model' % (tag, len(log))):
        return m.save(state + '.failed')
    undo, what = churn_start(kind, R, m, log)
    if not check(m, '%s: %s: the daemon equals the model' % (tag, what)):
        return m.save(state + '.failed')
    n = len(log)
    d = sets(R, m, R.randint(1, 3), log)
    if d:
        return out(False, '%s: SETs during the churn (%s) answer as the model says' % (tag, what), d + log)
    if not check(m, '%s: %d SET(s) during the churn: the daemon equals the model' % (tag, len(log) - n)):
        return m.save(state + '.failed')
    what = churn_end(undo, m, log)
    # the place freed: at once (a 200 ms apply), well before the 30 s retry a wait of 8 s could meet
    wait = 3.0 if undo and undo[0] == 'unblock' else 8.0
    if what and not check(m, '%s: %s: the daemon equals the model' % (tag, what), wait):
        return m.save(state + '.failed')
    m.save(state)
    print('# %s: %s' % (tag, '; '.join(log)))


def while_down(state, seed, rnd):
    """The daemon stopped: some nonVolatile rows' routes deleted by hand."""
    m = Model(json.load(open(state)))
    R = random.Random('%s/%d/down' % (seed, rnd))
    for k in present_rows(m, lambda k: not m.rows[k]['vol']):
        if R.random() < 0.4:
            spec = route_spec(live_key(k))
            nsx('ip', spec[0], 'route', 'del', *spec[2:])
            m.rows[k]['proto'] = None
            print('deleted while the daemon was stopped: %s' % (k,))
    m.save(state)


def restarted(state, sig):
    m = Model(json.load(open(state)))
    for k, v in list(m.rows.items()):
        if v['vol']:
            del m.rows[k]
            if v['proto']:
                m.other[live_key(k)] = v['proto']   # the route stays, no row's now
    if check(m, 'after SIG%s and a restart: nonVolatile rows back from the state files, volatile ones gone'
             % sig, 10.0):
        m.save(state)


def perturbed(state):
    """One fact of the model changed at a time: the comparator must see each."""
    m = Model(json.load(open(state)))
    settle_model(m)
    ways = []
    if m.rows:
        k = sorted(m.rows)[0]
        ways.append(('the StorageType of a row', lambda n: n.rows[k].update(vol=not n.rows[k]['vol'])))
        ways.append(('a row forgotten', lambda n: n.rows.pop(k)))
        ways.append(('a row without its route', lambda n: n.rows[k].update(proto=None if n.rows[k]['proto']
                                                                                else '252')))
    ways.append(('a row more', lambda n: n.rows.update({(4, '10.70.99.0', 24, '10.1.0.5', '', 5):
                                                       {'vol': False, 'proto': '252'}})))
    ways.append(('a route more in the kernel', lambda n: n.other.update({(6, '2001:db8:70:99::', 64, 'fe80::9',
                                                                          'va0', 5): 'static'})))
    missed = []
    for what, change in ways:
        n = Model(json.loads(json.dumps(m.dump())))
        change(n)
        if not compare(n):
            missed.append(what)
    if not compare(m):
        out(not missed, 'the comparator reports each of %d perturbed expectations (and none for the model)'
            % len(ways), ['not reported: %s' % w for w in missed])
    else:
        out(False, 'the comparator agrees with the unperturbed model first', compare(m)[:20])


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'init':
        Model().save(sys.argv[2])
    elif cmd == 'kind':
        print(*kind_of(sys.argv[2], int(sys.argv[3])))
    elif cmd == 'round':
        run_round(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == 'down':
        while_down(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == 'restarted':
        restarted(sys.argv[2], sys.argv[3])
    elif cmd == 'perturbed':
        perturbed(sys.argv[2])
    else:
        sys.exit(__doc__)
