#!/usr/bin/env python3
"""mixset_churn.py - the pieces, the model and the comparisons of mixset_churn.sh (see there).

Each round: one SET of 2 to 8 varbinds made of random pieces (a piece is one row's varbinds).
A piece knows the phase that refuses it (None: good; 1: RESERVE1; 2: RESERVE2; 3: ACTION, the
kernel), its status, the method record it leaves (LastMethod, LastResult) and, when the SET
succeeds, what it does to the model's world. The prediction:
  - any RESERVE1 piece: its status on the first such varbind (each table stops at its first
    refused varbind in RESERVE1: a later piece of that table records nothing);
  - else any RESERVE2 piece: the status of the first (every row is checked: each refused one
    records its code);
  - else any ACTION piece: commitFailed on the first in the order ACTION runs the rows (the
    tables in the order their first varbind comes, rows in varbind order within a table;
    Disable()/Reset()/MTU below 1280 after every other row), its code recorded;
  - else noError, every piece applied (a Disable() or Reset() last: the routes through the
    link go, those this SET added included).
A refused SET must leave the kernel (links, addresses, routes of every table), the state files
and the resolver file exactly as they were (but for an IPv6 address of a link that is down put
back by UNDO: undone_as()), and the records as predicted.
Prints "ok TEXT", "not_ok TEXT" and "# diag" lines for tap_from.
"""
import ipaddress
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from churn_lib import AGENT, STATEDIR, nsx, subs6, snmpset, walk, diff, settle, records  # noqa: E402

RESOLV = os.environ['RESOLV']
SEED, ROUNDS = os.environ['SEED'], int(os.environ['ROUNDS'])
E = '.1.3.6.1.4.1.32473.1.1'
E4, P4, E6, P6 = E + '.1.3.1', E + '.2.3.1', E + '.8.3.1', E + '.9.3.1'
AD, CFG, ADDR, GW, SRV, TC = E + '.5.3.1', E + '.6.3.1', E + '.6.4.1', E + '.6.5.1', E + '.6.10.1', E + '.6.12'
TABLES = {E4: 'E4', P4: 'P4', E6: 'E6', P6: 'P6', AD: 'AD', CFG: 'CFG', ADDR: 'ADDR', GW: 'GW', SRV: 'SRV'}
LINKS = ('va0', 'va1', 'vd', 'vp')
NET4 = {'va0': '10.41.0', 'va1': '10.42.0', 'vd': '10.43.0', 'vp': '10.44.0'}
NET6 = {'va0': '2001:db8:41', 'va1': '2001:db8:42'}
ORIG_ADDRS = {'va0 10.41.0.1/24', 'va0 2001:db8:41::1/64', 'va1 10.42.0.1/24', 'va1 2001:db8:42::1/64'}
IFX = {n: int(nsx('cat', '/sys/class/net/%s/ifindex' % n).strip()) for n in LINKS}
# CimAdapterCfgMethod / CIM_LogicalDevice methods
ENABLE, DISABLE, RESET = 1, 2, 3
ENABLESTATIC, SETDNSSERVER, SETGATEWAYS, SETMETRIC, SETMTU = 6, 19, 23, 25, 31


def tname(oid):
    for e, n in TABLES.items():
        if oid.startswith(e + '.'):
            return n
    raise ValueError(oid)


# ------------------------------------------------------------------ the kernel and the files

def jx(*cmd):
    return json.loads(nsx(*cmd) or '[]')


def snapshot():
    """Everything a refused SET must leave as it was, normalized."""
    links = sorted(json.dumps(l, sort_keys=True) for l in jx('ip', '-j', 'link', 'show'))
    addrs = []
    for l in jx('ip', '-j', 'addr', 'show'):
        for a in l.get('addr_info', []):
            a = {k: v for k, v in a.items() if k not in ('valid_life_time', 'preferred_life_time')}
            addrs.append(l['ifname'] + ' ' + json.dumps(a, sort_keys=True))
    routes = []
    for f in ('-4', '-6'):
        routes += [f + ' ' + json.dumps(r, sort_keys=True) for r in jx('ip', '-j', f, 'route', 'show', 'table', 'all')]
    files = {}
    for n in ('persisted-routes', 'persisted-routes6', 'static-addresses'):
        try:
            files[n] = open(os.path.join(STATEDIR, n), 'rb').read()
        except FileNotFoundError:
            files[n] = None
    files['resolv.conf'] = open(RESOLV, 'rb').read()
    return {'links': links, 'addrs': sorted(addrs), 'routes': sorted(routes), 'files': files}


def snap_diff(a, b):
    lines = []
    for k in ('links', 'addrs', 'routes'):
        lines += diff('the kernel\'s %s (before: missing, after: extra)' % k, a[k], b[k])
    for n in a['files']:
        if a['files'][n] != b['files'][n]:
            lines += ['%s before: %r' % (n, a['files'][n]), '%s after:  %r' % (n, b['files'][n])]
    return lines


def route_key(f, r):
    dst = r['dst']
    if dst == 'default':
        dst = '0.0.0.0/0' if f == 4 else '::/0'
    elif '/' not in dst:
        dst += '/32' if f == 4 else '/128'
    proto = str(r.get('protocol', 'boot'))
    return '-%d %s via %s dev %s metric %s proto %s' % (f, dst, r.get('gateway', '-'), r.get('dev', '-'),
                                                      r.get('metric', 0 if f == 4 else 1024),
                                                      '252' if proto == 'cimrouted' else proto)


def state_lines(name):
    """A state file's lines without their creation time."""
    try:
        text = open(os.path.join(STATEDIR, name)).read()
    except FileNotFoundError:
        return []
    return sorted(l.split(' created ')[0].strip() for l in text.splitlines() if l.strip() and not l.startswith('#'))


def servers():
    return [l.split()[1] for l in open(RESOLV).read().splitlines() if l.split()[:1] == ['nameserver']]


def truth():
    """What a good SET changes, as the model holds it."""
    t = {}
    for l in jx('ip', '-j', 'link', 'show'):
        if l['ifname'] in LINKS:
            t['link ' + l['ifname']] = 'up=%d mtu=%d alias=%r' % ('UP' in l['flags'], l['mtu'], l.get('ifalias', ''))
    t['addrs'] = sorted('%s %s/%d' % (l['ifname'], a['local'], a['prefixlen'])
                        for l in jx('ip', '-j', 'addr', 'show') if l['ifname'] in LINKS
                        for a in l.get('addr_info', []) if a.get('scope') != 'link')
    t['routes'] = sorted(route_key(f, r) for f in (4, 6)
                         for r in jx('ip', '-j', '-%d' % f, 'route', 'show', 'table', 'main')
                         if r.get('protocol') != 'kernel' and r.get('type', 'unicast') == 'unicast')
    t['persisted-routes'] = state_lines('persisted-routes')
    t['persisted-routes6'] = state_lines('persisted-routes6')
    t['static-addresses'] = state_lines('static-addresses')
    t['servers'] = servers()
    return t


# ------------------------------------------------------------------ the model's world

class World:
    """The model: links, addresses, routes of table main (not the kernel's own), persisted rows
    {family: {state-file line: volatile}}, saved addresses, the resolver's servers."""

    def __init__(self, t):
        self.links = {}
        for n in LINKS:
            f = dict(kv.split('=', 1) for kv in t['link ' + n].split(' ', 2))
            self.links[n] = {'up': f['up'] == '1', 'mtu': int(f['mtu']), 'alias': eval(f['alias'])}
        self.addrs = set(t['addrs'])
        self.routes = set(t['routes'])
        self.pers = {'persisted-routes': {l: False for l in t['persisted-routes']},
                     'persisted-routes6': {l: False for l in t['persisted-routes6']}}
        self.pers_route = {}    # state-file line (or volatile row) -> the route it installs
        self.saved = set(t['static-addresses'])
        self.servers = list(t['servers'])

    def copy(self):
        w = World.__new__(World)
        w.__dict__ = json.loads(json.dumps({k: (sorted(v) if isinstance(v, set) else v)
                                            for k, v in self.__dict__.items()}))
        w.addrs, w.routes, w.saved = set(w.addrs), set(w.routes), set(w.saved)
        return w

    def expect(self):
        t = {'link ' + n: 'up=%d mtu=%d alias=%r' % (l['up'], l['mtu'], l['alias']) for n, l in self.links.items()}
        routes = set(self.routes)
        for line, r in self.pers_route.items():
            if self.links[r.split(' dev ')[1].split()[0]]['up']:
                routes.add(r)
        t['addrs'] = sorted(self.addrs)
        t['routes'] = sorted(routes)
        for f in self.pers:
            t[f] = sorted(l for l, vol in self.pers[f].items() if not vol)
        t['static-addresses'] = sorted(self.saved)
        t['servers'] = list(self.servers)
        return t

    def link_down(self, dev):
        """The kernel drops the routes through it; persisted ones come back when it is up."""
        self.links[dev]['up'] = False
        self.routes = {r for r in self.routes if ' dev %s ' % dev not in r}

    def metric_of_default(self, dev):
        for r in self.routes:
            if r.startswith('-4 0.0.0.0/0 ') and ' dev %s ' % dev in r:
                return int(r.split(' metric ')[1].split()[0])
        return None

    def default_metrics(self):
        ms = {int(r.split(' metric ')[1].split()[0]) for r in self.routes if r.startswith('-4 0.0.0.0/0 ')}
        return ms | {int(r.split(' metric ')[1].split()[0]) for r in self.pers_route.values()
                     if r.startswith('-4 0.0.0.0/0 ')}


# ------------------------------------------------------------------ the pieces

class Piece:
    """One row's varbinds: vbs [(oid, type, value)], phase (None good, 1, 2, 3 ACTION), status,
    rec {key: (method, result)} left when it is refused (or performed), last (applied after every
    other row), apply(world) when the SET succeeds, text for the log."""

    def __init__(self, text, vbs, phase=None, status=None, rec=None, apply=None, last=False):
        self.text, self.vbs, self.phase, self.status = text, vbs, phase, status
        self.rec, self.apply, self.last = rec or {}, apply, last
        self.table = tname(vbs[0][0])
        self.undone_down6 = None
        self.six_on = None      # an IPv6 address created on this link


def ip_oid(a):
    ip = ipaddress.ip_address(a)
    return ('1.4.' if ip.version == 4 else '2.16.') + '.'.join(str(b) for b in ip.packed)


def hex_of(a):
    return ' '.join('%02X' % b for b in ipaddress.ip_address(a).packed)


class Gen:
    def __init__(self, R, w, used):
        self.R, self.w, self.used = R, w, used   # used: row keys (and pools) taken in this SET

    def take(self, key):
        if key in self.used:
            return False
        self.used.add(key)
        return True

    def up_links(self):
        return [n for n in ('va0', 'va1') if self.w.links[n]['up']]

    # -- cimIP4RouteTable / cimIP6RouteTable
    def destroy_route(self, prefix, oid_of):
        """destroy(6) of a route of the pool made here (a model route: '-F DST via GW dev D metric M ...')."""
        mine = sorted(r for r in self.w.routes if r.startswith(prefix))
        if not mine:
            return None
        r = self.R.choice(mine)
        _f, dst, _v, gw, _d, dev, _m, metric = r.split()[:8]
        if not self.take(('r' + r[1], dst)):
            return None
        return Piece('destroy ' + r, [(oid_of(dst.split('/')[0], gw, dev, int(metric)), 'i', 6)],
                     apply=lambda w: w.routes.discard(r))

    def route4(self):
        R, w = self.R, self.w
        k = R.randrange(7)
        if k == 0:
            return self.destroy_route('-4 10.60.', lambda dst, gw, dev, metric:
                                      '%s.24.%s.255.255.255.0.%s.%d.254.0.%d' % (E4, dst, gw, IFX[dev], metric))
        n = R.randrange(256)
        if not self.take(('r4', '10.60.%d.0/24' % n)):
            return None
        dev = R.choice(self.up_links() or ['va0'])
        gw, metric = '%s.%d' % (NET4[dev], R.randrange(2, 9)), R.randrange(10, 20)
        oid = lambda g, d, col=24, m=metric: '%s.%d.10.60.%d.0.255.255.255.0.%s.%d.254.0.%d' % (
            E4, col, n, g, IFX[d], m)
        r = '-4 10.60.%d.0/24 via %s dev %s metric %d proto 252' % (n, gw, dev, metric)
        if any(x.startswith('-4 10.60.%d.0/24 ' % n) for x in w.expect()['routes']):
            return None
        if k == 1:
            return Piece('create %s, next hop on no subnet' % r, [(oid('10.99.0.1', dev), 'i', 4)], 2,
                         'inconsistentValue')
        if k == 2:
            return Piece('RowStatus notReady(3)', [(oid(gw, dev), 'i', 3)], 1, 'wrongValue')
        if k == 3:
            return Piece('Metric1 of a row that does not exist', [(oid(gw, dev, 13), 'i', 30)], 2,
                         'inconsistentName')
        if not w.links[dev]['up']:
            return Piece('create %s on a link that is down' % r, [(oid(gw, dev), 'i', 4)], 2, 'inconsistentValue')
        return Piece('create ' + r, [(oid(gw, dev), 'i', 4)], apply=lambda w: w.routes.add(r))

    def route6(self):
        R, w = self.R, self.w
        k = R.randrange(6)
        if k == 0:
            return self.destroy_route('-6 2001:db8:60:', lambda dst, gw, dev, metric:
                                      '%s.22.%s.64.%s.%d.254.%d.%s.0' % (E6, subs6(dst), subs6(gw), IFX[dev], metric,
                                                                          subs6('::')))
        n = R.randrange(256)
        dst = str(ipaddress.IPv6Address('2001:db8:60:%x::' % n))
        if not self.take(('r6', dst + '/64')):
            return None
        metric = R.randrange(10, 20)
        if any(x.startswith('-6 %s/64 ' % dst) for x in w.expect()['routes']):
            return None
        if k == 1:      # IPv6 is off on vd: the kernel refuses
            oid = '%s.22.%s.64.%s.%d.254.%d.%s.0' % (E6, subs6(dst), subs6('::'), IFX['vd'], metric, subs6('::'))
            return Piece('create %s/64 dev vd (no IPv6 there)' % dst, [(oid, 'i', 4)], 3, 'commitFailed')
        if k == 2:
            oid = '%s.22.%s.64.%s.%d.254.%d.%s.0' % (E6, subs6(dst), subs6('::'), IFX['va0'], metric, subs6('::'))
            return Piece('RowStatus wrong type', [(oid, 's', 'go')], 1, 'wrongType')
        dev = R.choice(self.up_links() or ['va0'])
        gw = '%s::%x' % (NET6[dev], R.randrange(2, 9))
        oid = '%s.22.%s.64.%s.%d.254.%d.%s.0' % (E6, subs6(dst), subs6(gw), IFX[dev], metric, subs6('::'))
        r = '-6 %s/64 via %s dev %s metric %d proto 252' % (dst, gw, dev, metric)
        if not w.links[dev]['up']:
            return Piece('create %s on a link that is down' % r, [(oid, 'i', 4)], 2, 'inconsistentValue')
        return Piece('create ' + r, [(oid, 'i', 4)], apply=lambda w: w.routes.add(r))

    # -- the persisted tables
    def pers4(self):
        R, w = self.R, self.w
        mine = sorted((l, vol) for l, vol in w.pers['persisted-routes'].items() if l.startswith('10.61.'))
        mine += sorted((l, True) for l in w.pers_route if l.startswith('v 10.61.'))
        k = R.randrange(6)
        if k == 0 and mine:
            line, vol = R.choice(mine)
            wds = line.split()[1:] if line.startswith('v ') else line.split()
            dst, gw, metric = wds[0], wds[2], int(wds[-1])
            if not self.take(('p4', dst)):
                return None
            oid = '%s.12.%s.255.255.255.0.%s.%d' % (P4, dst.split('/')[0], gw, metric)

            def drop(w):
                w.pers['persisted-routes'].pop(line, None)
                w.pers_route.pop(line, None)
            return Piece('destroy persisted ' + line, [(oid, 'i', 6)], apply=drop)
        n = R.randrange(256)
        if not self.take(('p4', '10.61.%d.0/24' % n)):
            return None
        if any(x.startswith('-4 10.61.%d.0/24 ' % n) for x in w.expect()['routes']) or \
                any(x.startswith(('10.61.%d.0/24 ' % n, 'v 10.61.%d.0/24 ' % n)) for x in w.pers_route):
            return None
        if k == 1:
            oid = '%s.12.10.61.%d.0.255.255.255.0.0.0.0.0.5' % (P4, n)
            return Piece('persisted next hop 0.0.0.0', [(oid, 'i', 4)], 1, 'noCreation')
        dev = R.choice(self.up_links() or ['va0'])
        if not w.links[dev]['up']:
            return None
        gw, metric = '%s.%d' % (NET4[dev], R.randrange(2, 9)), R.randrange(1, 9)
        oid = '%s.%%d.10.61.%d.0.255.255.255.0.%s.%d' % (P4, n, gw, metric)
        line = '10.61.%d.0/24 via %s metric %d' % (n, gw, metric)
        route = '-4 10.61.%d.0/24 via %s dev %s metric %d proto 252' % (n, gw, dev, metric)
        vol = R.random() < 0.3
        vbs = [(oid % 12, 'i', 4)] + ([(oid % 11, 'i', 2)] if vol else [])

        def add(w):
            key = ('v ' + line) if vol else line
            if not vol:
                w.pers['persisted-routes'][line] = False
            w.pers_route[key] = route
        return Piece('persisted %s%s' % (line, ' volatile' if vol else ''), vbs, apply=add)

    def pers6(self):
        R, w = self.R, self.w
        mine = sorted(l for l in w.pers['persisted-routes6'] if l.startswith('2001:db8:61:'))
        k = R.randrange(5)
        if k == 0 and mine:
            line = R.choice(mine)
            wds = line.split()
            dst, gw, metric = wds[0], wds[2], int(wds[-1])
            if not self.take(('p6', dst)):
                return None
            oid = '%s.13.%s.64.%s.0.%d' % (P6, subs6(dst.split('/')[0]), subs6(gw), metric)

            def drop(w):
                w.pers['persisted-routes6'].pop(line, None)
                w.pers_route.pop(line, None)
            return Piece('destroy persisted ' + line, [(oid, 'i', 6)], apply=drop)
        n = R.randrange(256)
        dst = str(ipaddress.IPv6Address('2001:db8:61:%x::' % n))
        if not self.take(('p6', dst)):
            return None
        if any(x.startswith('-6 %s/64 ' % dst) for x in w.expect()['routes']) or \
                any(x.startswith(dst + '/64 ') for x in w.pers_route):
            return None
        if k == 1:      # through vd, IPv6 off: installed at once, the kernel refuses
            oid = '%s.13.%s.64.%s.2.118.100.5' % (P6, subs6(dst), subs6('fe80::1'))
            return Piece('persisted %s/64 via fe80::1 dev vd (no IPv6 there)' % dst, [(oid, 'i', 4)], 3,
                         'commitFailed')
        dev = R.choice(self.up_links() or ['va0'])
        if not w.links[dev]['up']:
            return None
        gw, metric = '%s::%x' % (NET6[dev], R.randrange(2, 9)), R.randrange(1, 9)
        oid = '%s.13.%s.64.%s.0.%d' % (P6, subs6(dst), subs6(gw), metric)
        line = '%s/64 via %s metric %d' % (dst, gw, metric)
        route = '-6 %s/64 via %s dev %s metric %d proto 252' % (dst, gw, dev, metric)

        def add(w):
            w.pers['persisted-routes6'][line] = False
            w.pers_route[line] = route
        return Piece('persisted ' + line, [(oid, 'i', 4)], apply=add)

    # -- cimNetAdapterTable
    def adapter(self):
        R, w = self.R, self.w
        k = R.randrange(7)
        if k == 0:
            dev = R.choice(('va0', 'va1', 'vd'))
            if not self.take(('ad', dev)):
                return None
            alias = R.choice(['', 'mix-%d' % R.randrange(100), 'uplink %d' % R.randrange(100)])
            return Piece('alias %s %r' % (dev, alias), [('%s.24.%d' % (AD, IFX[dev]), 's', alias)],
                         apply=lambda w: w.links[dev].__setitem__('alias', alias))
        if k == 1:
            dev = R.choice(('va0', 'vd'))
            if not self.take(('ad', dev)):
                return None
            return Piece('alias %s with a control character' % dev,
                         [('%s.24.%d' % (AD, IFX[dev]), 'x', '41 0A 42')], 1, 'wrongValue')
        if k == 2:
            if not self.take(('ad', 'vp')):
                return None
            return Piece('Disable() of vp (protected)', [('%s.26.%d' % (AD, IFX['vp']), 'i', 2)], 2, 'noAccess',
                         {'ad vp': (DISABLE, 2)})
        if not self.take(('ad', 'va1')):
            return None
        if k == 3:
            return Piece('NetEnabled 7 on va1', [('%s.26.%d' % (AD, IFX['va1']), 'i', 7)], 1, 'wrongValue')
        if k == 4 or (k == 5 and not w.links['va1']['up']):
            return Piece('Enable() of va1', [('%s.26.%d' % (AD, IFX['va1']), 'i', 1)],
                         rec={'ad va1': (ENABLE, 0)}, apply=lambda w: w.links['va1'].__setitem__('up', True))
        if k == 5:
            return Piece('Disable() of va1', [('%s.26.%d' % (AD, IFX['va1']), 'i', 2)],
                         rec={'ad va1': (DISABLE, 0)}, apply=lambda w: w.link_down('va1'), last=True)
        if not w.links['va1']['up']:
            return Piece('Reset() of va1, disabled', [('%s.39.%d' % (AD, IFX['va1']), 'i', 2)], 2,
                         'inconsistentValue', {'ad va1': (RESET, 2)})

        def reset(w):
            w.link_down('va1')
            w.links['va1']['up'] = True
        return Piece('Reset() of va1', [('%s.39.%d' % (AD, IFX['va1']), 'i', 2)], rec={'ad va1': (RESET, 0)},
                     apply=reset, last=True)

    # -- cimAdapterCfgTable
    def cfg(self):
        R, w = self.R, self.w
        k = R.randrange(7)
        dev = R.choice(('va0', 'va1', 'vd')) if k < 4 else 'va0' if k < 6 else 'vd'
        if not self.take(('cfg', 'vp' if k == 3 else dev)):
            return None
        mtu_oid = '%s.17.%d' % (CFG, IFX[dev])
        if k == 0:
            mtu = R.randrange(1280, 1501) if dev != 'vd' else R.choice([R.randrange(1280, 1501), R.randrange(68, 1280)])
            return Piece('SetMTU(%d) of %s' % (mtu, dev), [(mtu_oid, 'u', mtu)], rec={'cfg ' + dev: (SETMTU, 0)},
                         apply=lambda w: w.links[dev].__setitem__('mtu', mtu), last=mtu < 1280 <= w.links[dev]['mtu'])
        if k == 1:
            return Piece('SetMTU(50) of %s' % dev, [(mtu_oid, 'u', 50)], 2, 'wrongValue',
                         {'cfg ' + dev: (SETMTU, 90)})
        if k == 2:
            return Piece('SetMTU of the wrong type on %s' % dev, [(mtu_oid, 'i', 1400)], 1, 'wrongType',
                         {'cfg ' + dev: (SETMTU, 68)})
        if k == 3:
            return Piece('SetMTU(1400) of vp (protected)', [('%s.17.%d' % (CFG, IFX['vp']), 'u', 1400)], 2,
                         'noAccess', {'cfg vp': (SETMTU, 91)})
        oid = '%s.11.%d' % (CFG, IFX[dev])
        if dev == 'vd':
            return Piece('SetIPConnectionMetric(50) of vd, no default route', [(oid, 'u', 50)], 2,
                         'inconsistentValue', {'cfg vd': (SETMETRIC, 94)})
        cur = w.metric_of_default('va0')
        taken = w.default_metrics()
        m = R.choice([x for x in range(1000, 1010) if x not in taken])

        def move(w):
            old = next(r for r in w.routes if r.startswith('-4 0.0.0.0/0 ') and ' dev va0 ' in r)
            w.routes.discard(old)
            w.routes.add(old.replace(' metric %d ' % cur, ' metric %d ' % m))
        return Piece('SetIPConnectionMetric(%d) of va0 (from %s)' % (m, cur), [(oid, 'u', m)],
                     rec={'cfg va0': (SETMETRIC, 0)}, apply=move)

    # -- cimAdapterCfgAddressTable (EnableStatic)
    def address(self):
        R, w = self.R, self.w
        k = R.randrange(6)
        mine = sorted(a for a in w.addrs - ORIG_ADDRS if a.split()[0] in ('va0', 'va1'))
        if k == 0 and mine:
            a = R.choice(mine)
            dev, ip, plen = a.split()[0], a.split()[1].split('/')[0], int(a.split('/')[1])
            if not self.take(('addr', ip)):
                return None
            oid = '%s.8.%d.%s.%d' % (ADDR, IFX[dev], ip_oid(ip), plen)

            def drop(w):
                w.addrs.discard(a)
                w.saved.discard(a)
            p = Piece('destroy address ' + a, [(oid, 'i', 6)], rec={'cfg ' + dev: (ENABLESTATIC, 0)}, apply=drop)
            if ':' in ip and not w.links[dev]['up']:
                p.undone_down6 = (dev, ip)      # what its undo cannot put back as it was (README, Limits)
            return p
        if k == 1:
            ip = '2001:db8:43::%x' % R.randrange(16, 256)
            if not self.take(('addr', ip)):
                return None
            oid = '%s.8.%d.%s.64' % (ADDR, IFX['vd'], ip_oid(ip))
            # the kernel refuses it in ACTION: disable_ipv6 (EACCES), or below MTU 1280 before a
            # SetMTU() of 1280 or more of the SET that comes after it (EINVAL): ipNotEnabled(84) both;
            # refused in RESERVE2 where vd stays below 1280 (six_off())
            p = Piece('address %s/64 on vd (no IPv6 there)' % ip, [(oid, 'i', 4)], 3, 'commitFailed',
                      {'cfg vd': (ENABLESTATIC, 84)})
            p.six_on = 'vd'
            return p
        if k == 2:
            dev = R.choice(('va0', 'vd'))
            ip = NET4[dev] + '.1'
            if not self.take(('addr', ip)):
                return None
            oid = '%s.8.%d.%s.24' % (ADDR, IFX[dev], ip_oid(ip))
            return Piece('address %s/24 on %s, which it has' % (ip, dev), [(oid, 'i', 4)], 2, 'inconsistentValue',
                         {'cfg ' + dev: (ENABLESTATIC, 93)})
        dev = R.choice(('va0', 'va1'))
        if not w.links[dev]['up']:
            return None
        six = k == 5
        ip = ('%s::%x' % (NET6[dev], R.randrange(16, 256))) if six else '%s.%d' % (NET4[dev], R.randrange(10, 60))
        plen = 64 if six else 24
        a = '%s %s/%d' % (dev, ip, plen)
        if a in w.addrs or not self.take(('addr', ip)):
            return None
        oid = '%s.%%d.%d.%s.%d' % (ADDR, IFX[dev], ip_oid(ip), plen)
        vol = R.random() < 0.3
        vbs = [(oid % 8, 'i', 4)] + ([(oid % 7, 'i', 2)] if vol else [])

        def add(w):
            w.addrs.add(a)
            if not vol:
                w.saved.add('%s %s/%d' % (dev, ip, plen))
        return Piece('address %s%s' % (a, ' volatile' if vol else ''), vbs, rec={'cfg ' + dev: (ENABLESTATIC, 0)},
                     apply=add)

    # -- cimAdapterCfgGatewayTable (SetGateways), on va1 (va0's default route is SetIPConnectionMetric's)
    def gateway(self):
        R, w = self.R, self.w
        k = R.randrange(5)
        mine = sorted(l for l in w.pers['persisted-routes'] if l.startswith('0.0.0.0/0 '))
        mine += sorted(l for l in w.pers_route if l.startswith('v 0.0.0.0/0 '))
        if k == 0 and mine:
            line = R.choice(mine)
            wds = line.split()[1:] if line.startswith('v ') else line.split()
            gw, metric = wds[2], int(wds[-1])
            if not self.take(('gw', gw)):
                return None
            oid = '%s.6.%d.1.4.%s.%d' % (GW, IFX['va1'], gw, metric)

            def drop(w):
                w.pers['persisted-routes'].pop(line, None)
                w.pers_route.pop(line, None)
            return Piece('destroy gateway ' + line, [(oid, 'i', 6)], rec={'cfg va1': (SETGATEWAYS, 0)}, apply=drop)
        if k == 1:
            if not self.take(('gw', 'fe80::1')):
                return None
            oid = '%s.6.%d.2.16.%s.5' % (GW, IFX['vd'], subs6('fe80::1'))
            # ipNotEnabled(84), as for EnableStatic: the kernel's EACCES (IPv6 disabled), or below
            # MTU 1280, where vd has no IPv6 state at all, its ENODEV
            return Piece('gateway fe80::1 on vd (no IPv6 there)', [(oid, 'i', 4)], 3, 'commitFailed',
                         {'cfg vd': (SETGATEWAYS, 84)})
        if k == 2:
            if not self.take(('gw', '10.99.0.1')):
                return None
            oid = '%s.6.%d.1.4.10.99.0.1.7' % (GW, IFX['va1'])
            return Piece('gateway 10.99.0.1 on va1, on no subnet', [(oid, 'i', 4)], 2, 'inconsistentValue',
                         {'cfg va1': (SETGATEWAYS, 71)})
        gw = '%s.%d' % (NET4['va1'], R.randrange(200, 210))
        taken = w.default_metrics() | {int(l.split()[-1]) for l in mine}
        metric = R.choice([x for x in range(200, 220) if x not in taken])
        if not self.take(('gw', gw)) or not self.take(('gwmetric', metric)) or \
                sum(1 for u in self.used if u[0] == 'gwmetric') > 5:     # WMI: 5 new gateways at most
            return None
        oid = '%s.%%d.%d.1.4.%s.%d' % (GW, IFX['va1'], gw, metric)
        if not w.links['va1']['up']:
            return Piece('gateway %s on va1, down' % gw, [(oid % 6, 'i', 4)], 2, 'inconsistentValue',
                         {'cfg va1': (SETGATEWAYS, 71)})
        vol = R.random() < 0.3
        vbs = [(oid % 6, 'i', 4)] + ([(oid % 5, 'i', 2)] if vol else [])
        line = '0.0.0.0/0 via %s dev va1 metric %d' % (gw, metric)
        route = '-4 0.0.0.0/0 via %s dev va1 metric %d proto 252' % (gw, metric)

        def add(w):
            if not vol:
                w.pers['persisted-routes'][line] = False
            w.pers_route[('v ' + line) if vol else line] = route
        return Piece('gateway %s%s' % (line, ' volatile' if vol else ''), vbs, rec={'cfg va1': (SETGATEWAYS, 0)},
                     apply=add)

    # -- cimDnsServerTable (the resolver file), at most one piece a SET: one list for the system
    def dns(self):
        R = self.R
        if not self.take(('dns',)):
            return None
        k = R.randrange(3)
        if k == 0:
            return Piece('DNS server at position 65', [('%s.4.%d.65' % (SRV, IFX['va0']), 'i', 4)], 1, 'noCreation',
                         {'tcpip': (SETDNSSERVER, 90)})
        pos = R.randrange(1, len(self.w.servers) + 1)
        others = [a for i, a in enumerate(self.w.servers) if i != pos - 1]
        ip = R.choice(others) if others and k == 1 else '198.51.100.%d' % R.randrange(1, 250)
        vbs = [('%s.3.%d.%d' % (SRV, IFX['va0'], pos), 'x', hex_of(ip))]
        if ip in others:   # the list would name it twice: refused as cimq refuses such an array
            return Piece('DNS server %d = %s, at another position already' % (pos, ip), vbs, 2,
                         'inconsistentValue', {'tcpip': (SETDNSSERVER, 68)})

        def change(w):
            w.servers[pos - 1] = ip
        return Piece('DNS server %d = %s' % (pos, ip), vbs, rec={'tcpip': (SETDNSSERVER, 0)}, apply=change)

    def pdu(self):
        """2 to 8 varbinds: good pieces, and in most SETs one to three refused ones (of phases
        drawn at random), in random places."""
        R = self.R
        kinds = [self.route4, self.route6, self.pers4, self.pers6, self.adapter, self.cfg, self.address,
                 self.gateway, self.dns]
        want = R.randint(2, 8)
        nbad = R.choice([0, 0, 1, 1, 1, 2, 3])
        plan = [R.choice([1, 2, 3, 3]) for _ in range(nbad)] + [None] * want
        pieces, n = [], 0
        for phase in plan:
            for _ in range(40):
                used = set(self.used)
                p = R.choice(kinds)()
                if p is not None and p.phase == phase and n + len(p.vbs) <= 8:
                    pieces.insert(R.randint(0, len(pieces)), p)
                    n += len(p.vbs)
                    break
                self.used = used        # not drawn after all: its rows are free again
            if n >= want:
                break
        return six_off(pieces, self.w)


def six_off(pieces, w):
    """An IPv6 address created on a link whose MTU is below 1280 once the SET is applied is refused
    in RESERVE2 with ipNotEnabled(84): the same SET takes it there (a last row: the kernel would drop
    the address at once), or it is there and the SET leaves it (no IPv6 at all, commit 5dd8a70 and
    the next)."""
    mtu = {p.text.split()[2]: int(p.text[len('SetMTU('):p.text.index(')')])
           for p in pieces if p.phase is None and p.text.startswith('SetMTU(')}
    for p in pieces:
        if p.six_on is None or mtu.get(p.six_on, w.links[p.six_on]['mtu']) >= 1280:
            continue
        p.phase, p.status, p.rec = 2, 'inconsistentValue', {'cfg ' + p.six_on: (ENABLESTATIC, 84)}
        p.text += ', with SetMTU below 1280 of its link' if p.six_on in mtu else ', its MTU below 1280'
    return pieces


# ------------------------------------------------------------------ the prediction

def action_order(pieces):
    """ACTION's order: the tables in the order their first varbind comes, each table's rows in
    varbind order, then the last rows (Disable(), Reset(), MTU below 1280) in that order."""
    tables = dict.fromkeys(p.table for p in pieces)
    return [i for last in (False, True) for t in tables for i, p in enumerate(pieces)
            if p.table == t and p.last == last]


def predict(pieces):
    """(None, records) for noError, or ((status, varbind index from 1), records)."""
    pos, k = [], 1
    for p in pieces:
        pos.append(k)
        k += len(p.vbs)
    recs = {}

    def record(ps):
        for p in ps:
            for key, v in p.rec.items():
                recs.setdefault(key, set()).update(v if isinstance(v, set) else {v})
        return recs
    p1, stopped = [], set()
    for i, p in enumerate(pieces):      # RESERVE1: a table stops at its first refusal
        if p.table in stopped:
            continue
        if p.phase == 1:
            p1.append(i)
            stopped.add(p.table)
    if p1:
        return (pieces[p1[0]].status, pos[p1[0]]), record(pieces[i] for i in p1)
    p2 = [i for i, p in enumerate(pieces) if p.phase == 2]
    if p2:
        return (pieces[p2[0]].status, pos[p2[0]]), record(pieces[i] for i in p2)
    p3 = [i for i in action_order(pieces) if pieces[i].phase == 3]
    if p3:
        return ('commitFailed', pos[p3[0]]), record([pieces[p3[0]]])
    return None, record(pieces)


def applied_before(pieces, pred):
    """The pieces ACTION applies before the one the kernel refuses (UNDO takes them back): those
    before it in ACTION's order, and in its own table the address destroys (applied first)."""
    pos = [1 + sum(len(q.vbs) for q in pieces[:i]) for i in range(len(pieces))]
    f = pos.index(pred[1])
    order = action_order(pieces)
    return order[:order.index(f)] + [i for i, p in enumerate(pieces) if i != f and
                                                   p.table == pieces[f].table == 'ADDR' and p.undone_down6]


def undone_as(before, pieces, pred):
    """The kernel after an UNDO: as before, but an IPv6 address of a link that is down put back
    (its destroy undone) is no longer tentative and has its local route: with accept_dad 0 the
    kernel completes its DAD at once, where it had made it tentative when the link went down."""
    if pred is None or pred[0] != 'commitFailed':
        return before
    want = {k: v if k == 'files' else list(v) for k, v in before.items()}
    for i in applied_before(pieces, pred):
        if not pieces[i].undone_down6:
            continue
        dev, ip = pieces[i].undone_down6
        for j, a in enumerate(want['addrs']):
            d, _, js = a.partition(' ')
            info = json.loads(js)
            if d == dev and info.get('local') == ip:
                info.pop('tentative', None)
                want['addrs'][j] = d + ' ' + json.dumps(info, sort_keys=True)
        want['routes'].append('-6 ' + json.dumps({'dev': dev, 'dst': ip, 'flags': [], 'metric': 0, 'pref': 'medium',
                                                  'protocol': 'kernel', 'table': 'local', 'type': 'local'},
                                                 sort_keys=True))
    want['addrs'].sort()
    want['routes'].sort()
    return want


def apply_all(w, pieces):
    nw = w.copy()
    for p in [p for p in pieces if not p.last] + [p for p in pieces if p.last]:
        p.apply(nw)
    return nw


# ------------------------------------------------------------------ the tables against the kernel

def walks(w):
    """The route tables' RowStatus, the persisted rows, the adapters and the addresses, as the model
    says and as walked."""
    want, got = set(), set()
    for r in w.expect()['routes']:
        f, dst, gw, dev, metric = r.split()[0], r.split()[1], r.split()[3], r.split()[5], int(r.split()[7])
        if dst.startswith(('10.60.', '2001:db8:60:')):
            want.add('%s %s via %s dev %s metric %d' % (f, dst, gw, dev, metric))
    for idx, v in walk(E4 + '.24').items():
        o = [int(x) for x in idx.split('.')]
        if o[:2] == [10, 60] and v == 1:
            got.add('-4 %d.%d.%d.%d/24 via %s dev %s metric %d' % (*o[:4], '.'.join(map(str, o[8:12])),
                                                                   name_of(o[12]), o[15]))
    for idx, v in walk(E6 + '.22').items():
        o = [int(x) for x in idx.split('.')]
        if o[:6] == [32, 1, 13, 184, 0, 96] and v == 1:
            got.add('-6 %s/%d via %s dev %s metric %d' % (ipaddress.IPv6Address(bytes(o[:16])), o[16],
                                                          ipaddress.IPv6Address(bytes(o[17:33])), name_of(o[33]),
                                                          o[35]))
    for f, tbl in (('persisted-routes', P4 + '.12'), ('persisted-routes6', P6 + '.13')):
        want |= {'P ' + l for l in w.pers[f]} | {'P ' + l[2:] for l in w.pers_route if l.startswith('v ')
                                                 and (':' in l) == (f[-1] == '6')}
        for idx, v in walk(tbl).items():
            o = [int(x) for x in idx.split('.')]
            if f[-1] != '6':
                plen = bin(int(ipaddress.IPv4Address('.'.join(map(str, o[4:8]))))).count('1')
                gw = '.'.join(map(str, o[8:12]))
                line = '%d.%d.%d.%d/%d via %s' % (*o[:4], plen, gw)
                line += ' dev va1' if plen == 0 and gw.startswith(NET4['va1'] + '.') else ''
                got.add('P %s metric %d' % (line, o[12]))
            else:
                n = o[33]
                dev = ''.join(map(chr, o[34:34 + n]))
                got.add('P %s/%d via %s%s metric %d' % (ipaddress.IPv6Address(bytes(o[:16])), o[16],
                                                        ipaddress.IPv6Address(bytes(o[17:33])),
                                                        ' dev ' + dev if dev else '', o[34 + n]))
    for n, l in w.links.items():    # the adapters: NetEnabled, NetConnectionID (the alias, else the name), MTU
        want.add('L %s %d %s %d' % (n, 1 if l['up'] else 2, l['alias'] or n, l['mtu']))
    cols = [walk('%s.%d' % (entry, col)) for entry, col in ((AD, 26), (AD, 24), (CFG, 17))]
    for n in LINKS:
        got.add('L %s %s %s %s' % (n, *(c.get(str(IFX[n])) for c in cols)))
    want |= {'A ' + a for a in w.addrs}
    for idx, v in walk(ADDR + '.8').items():
        o = [int(x) for x in idx.split('.')]
        dev = name_of(o[0])
        ip = ipaddress.ip_address(bytes(o[3:3 + o[2]]))
        if dev in LINKS and not ip.is_link_local:
            got.add('A %s %s/%d' % (dev, ip, o[-1]))
    return diff('the tables walked (route RowStatus, persisted rows, adapters, addresses)', want, got)


def name_of(ix):
    return next((n for n, i in IFX.items() if i == ix), str(ix))


def compare(w):
    e, t = w.expect(), truth()
    lines = []
    for k in sorted(set(e) | set(t)):
        if isinstance(e.get(k), list) and isinstance(t.get(k), list) and k != 'servers':
            lines += diff(k, e[k], t[k])
        elif e.get(k) != t.get(k):
            lines.append('%s: expected %r, got %r' % (k, e.get(k), t.get(k)))
    return lines


def rec_diff(want, before, after):
    """want: {key: set of (m, r)}; the others as before."""
    lines = []
    for key in sorted(after):
        if key in want:
            if after[key] not in want[key]:
                lines.append('record %s: expected %s, got %s' % (key, ' or '.join(map(str, sorted(want[key]))),
                                                                   after[key]))
        elif after[key] != before[key]:
            lines.append('record %s: expected unchanged %s, got %s' % (key, before[key], after[key]))
    return lines


# ------------------------------------------------------------------ the rounds

def show(pieces, pred):
    out, k = [], 1
    for p in pieces:
        tag = {None: 'good', 1: 'RESERVE1 %s' % p.status, 2: 'RESERVE2 %s' % p.status,
               3: 'ACTION %s' % p.status}[p.phase] + (', last' if p.last else '')
        for o, t, v in p.vbs:
            out.append('  %d. %s %s %r    # %s: %s' % (k, o.replace(E, 'E'), t, v, p.text, tag))
            k += 1
    out.append('  expected: %s' % ('noError' if pred is None else '%s at varbind %d' % pred))
    return out


def perturbed(w, rec):
    """The comparators must see a wrong expectation: a route, an alias, a record, a server."""
    misses = []
    for what in ('route', 'alias', 'record', 'server', 'walk'):
        p = w.copy()
        if what == 'route':
            p.routes.add('-4 10.60.250.0/24 via 10.41.0.9 dev va0 metric 11 proto 252')
            d = compare(p)
        elif what == 'alias':
            p.links['va0']['alias'] += 'x'
            d = compare(p)
        elif what == 'server':
            p.servers.append('192.0.2.99')
            d = compare(p)
        elif what == 'walk':
            p.addrs.add('va0 10.41.0.250/24')
            d = walks(p)
        else:
            d = rec_diff({'cfg va0': {(SETMTU, 7)}}, rec, rec)
        if not d:
            misses.append(what)
    return misses


def main():
    R = random.Random('mixset/%s' % SEED)
    w = World(truth())
    rec = records(IFX)
    d = compare(w) + walks(w)
    if d:
        print('not_ok the model reads the start as the kernel has it')
        print(''.join('# %s\n' % l for l in d), end='')
        return
    miss = perturbed(w, rec)
    print(('ok' if not miss else 'not_ok') + ' the comparators catch a perturbed expectation (route, alias, '
          'record, server, walk)' + (': missed %s' % miss if miss else ''))
    stats, failed = {}, 0
    for n in range(1, ROUNDS + 1):
        pieces = Gen(R, w, set()).pdu()
        vbs = [vb for p in pieces for vb in p.vbs]
        pred, want_rec = predict(pieces)
        before = snapshot()
        got, text = snmpset(vbs)
        gotx = None if got is None else (got[0], next((i + 1 for i, vb in enumerate(vbs) if vb[0] == got[1]), None))
        why = []
        if gotx != pred:
            why.append('answer: expected %s, got %s' % ('noError' if pred is None else pred,
                                                        'noError' if gotx is None else gotx))
        if pred is not None:
            if got is not None:
                why += snap_diff(undone_as(before, pieces, pred), snapshot())
        else:
            nw = apply_all(w, pieces)
            why += settle(lambda: compare(nw), 6.0)
            if not why:
                why += settle(lambda: walks(nw), 3.0)
            w = nw
        rec2 = records(IFX)
        why += rec_diff(want_rec, rec, rec2)
        rec = rec2
        key = 'noError' if pred is None else pred[0]
        stats[key] = stats.get(key, 0) + 1
        summary = 'round %d: %d varbinds, %d pieces, %s' % (n, len(vbs), len(pieces),
                                                           'noError' if pred is None else '%s at %d' % pred)
        if why:
            failed += 1
            print('not_ok seed %s %s' % (SEED, summary))
            print(''.join('# %s\n' % l for l in show(pieces, pred) + ['snmpset: ' + text.strip()] + why[:60]),
                  end='')
            print('# rerun: MIXSET_SEED=%s MIXSET_ROUNDS=%d' % (SEED, n))
            break
        print('# %s: %s' % (summary, '; '.join(p.text + ('' if p.phase is None else ' [%s]' % p.status)
                                                for p in pieces)))
    if not failed:
        print('ok seed %s: %d mixed SETs each all or nothing, as the model says (%s)' % (
            SEED, ROUNDS, ', '.join('%s %d' % kv for kv in sorted(stats.items()))))


if __name__ == '__main__':
    main()
