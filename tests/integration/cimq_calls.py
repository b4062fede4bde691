#!/usr/bin/env python3
"""cimq_calls.py - the random statements, the model and the comparisons of cimq_calls.sh.

Run by cimq_calls.sh (the environment names the namespace, the agent, the links, the
resolver file, the state directory, cimq and its map and MIBs).  Prints "ok TEXT",
"not_ok TEXT" and "# diag" lines the script relays.  Per statement: the truth is read, the
model predicts from it (exit status, ReturnValue printed, the truth after), cimq runs it, the
truth is read again and compared; then a SELECT through cimq of the instances named must
show the kernel's values.  The first difference stops the run.
"""

import ipaddress
import json
import os
import random
import re
import subprocess
import sys
import time

ENV = os.environ
NS, AGENT, T = ENV['NS'], ENV['AGENT'], ENV['T']
RESOLV, STATE = ENV['RESOLV'], ENV['STATEDIR']
IFX = json.loads(ENV['IFX'])
NAMES = {v: k for k, v in IFX.items()}
PROT = ENV['PROTECTED']
LINKS = ['va0', 'va1', 'vp']
SUBNET = {'va0': '10.20.0', 'va1': '10.21.0', 'vp': '10.22.0'}
ABSENT = 9999           # no such ifindex
NAC, NA = 'Win32_NetworkAdapterConfiguration', 'Win32_NetworkAdapter'
CQ = ['ip', 'netns', 'exec', NS, 'env', 'CIMQ_MAP=' + ENV['CQ_MAP'], 'MIBDIRS=' + ENV['CQ_MIBDIRS'],
      'MIBS=', ENV['CIMQ']]


def nsx(*cmd, check=True):
    p = subprocess.run(['ip', 'netns', 'exec', NS] + list(cmd), capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError('%s: %s' % (' '.join(cmd), p.stderr.strip()))
    return p


def cimq(community, wql, fmt=None):
    args = CQ + ['-v2c', '-c', community, '-t', '10', '-r', '0']
    if fmt:
        args += ['-o', fmt]
    p = subprocess.run(args + [AGENT, wql], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


# ------------------------------------------------------------------ the truth

def route_text(r, fam='-4'):
    return '%s %s via %s dev %s metric %s' % (fam, r['dst'], r.get('gateway', '-'), r.get('dev'),
                                            r.get('metric', 0))


def truth():
    """What the statements may change, as one comparable dict."""
    t = {}
    for l in json.loads(nsx('ip', '-j', 'link', 'show').stdout):
        n = l['ifname']
        if n in LINKS:
            t['link ' + n] = {'up': 'UP' in l['flags'], 'mtu': l['mtu'], 'alias': l.get('ifalias', '')}
    for l in json.loads(nsx('ip', '-j', '-4', 'addr', 'show').stdout):
        if l['ifname'] in LINKS:
            t['addrs ' + l['ifname']] = sorted('%s/%d' % (a['local'], a['prefixlen'])
                                               for a in l.get('addr_info', []))
    for n in LINKS:
        t.setdefault('addrs ' + n, [])
        t['routes ' + n] = []
    for r in json.loads(nsx('ip', '-j', '-4', 'route', 'show', 'table', 'main').stdout):
        if r.get('dev') in LINKS and r.get('protocol') != 'kernel':
            t['routes ' + r['dev']].append(route_text(r))
    for n in LINKS:
        t['routes ' + n].sort()
    t['ttl'] = int(nsx('sysctl', '-n', 'net.ipv4.ip_default_ttl').stdout)
    ns, search = [], []
    with open(RESOLV) as f:
        for line in f:
            w = line.split()
            if w and w[0] == 'nameserver' and len(w) > 1:
                ns.append(w[1])
            elif w and w[0] in ('search', 'domain'):
                search = w[1:]
    t['nameservers'], t['search'] = ns, search
    for f in ('static-addresses', 'persisted-routes'):
        try:
            with open(os.path.join(STATE, f)) as fp:
                t[f] = sorted(re.sub(r' created \S+$', '', l.strip()) for l in fp
                              if l.strip() and not l.startswith('#'))
        except FileNotFoundError:
            t[f] = []
    return t


# ------------------------------------------------------------------ the model

class Exp:
    """A prediction: exit status, ReturnValue (None: none printed), the truth after; unsure:
    keys of the truth the kernel decides (adopted as read)."""
    def __init__(self, t, rc=0, rv=0):
        self.rc, self.rv, self.t, self.unsure, self.msg = rc, rv, json.loads(json.dumps(t)), set(), None
        self.rvs = None         # several ReturnValues acceptable (set)
        self.rcs = None         # several exit statuses acceptable (set)
        self.unsure_routes = {}  # 'routes N': the routes the kernel may keep or not

    def refuse(self, rc, rv, t):
        self.rc, self.rv, self.t = rc, rv, json.loads(json.dumps(t))
        return self


def lit(v):
    return "'%s'" % v if isinstance(v, str) else str(v)


def arr(vs):
    return '(' + ', '.join(lit(v) for v in vs) + ')'


def plen_of(m):
    if isinstance(m, int) or m.isdigit():
        return int(m)
    try:
        return ipaddress.ip_network('0.0.0.0/' + m).prefixlen
    except ValueError:
        return None


def is_ip(a):
    try:
        ipaddress.ip_address(a)
        return True
    except ValueError:
        return False


class Gen:
    def __init__(self, rnd):
        self.r = rnd
        self.domains = ['a.example', 'b.example', 'c.example', 'corp.example.org', 'x1.example']
        self.servers = ['192.0.2.53', '192.0.2.54', '198.51.100.7', '2001:db8::53', '2001:db8::54']

    def link(self):
        """(name or None, ifindex): mostly real links, sometimes the protected or none."""
        x = self.r.random()
        if x < 0.1:
            return None, ABSENT
        n = self.r.choice(LINKS + ['va0', 'va1'])
        return n, IFX[n]

    def where(self, idx, cls=NAC):
        """The instance named in one of the ways cimq accepts."""
        if cls == NA:
            return self.r.choice(["DeviceID = '%d'" % idx, 'Index = %d' % idx,
                                  "DeviceID = '%d' AND Index = %d" % (idx, idx)])
        return self.r.choice(['Index = %d' % idx, 'Index = %d' % idx, 'InterfaceIndex = %d' % idx,
                              '%d = Index' % idx])


class Model:
    def __init__(self, rnd):
        self.r = rnd
        self.g = Gen(rnd)

    # ---- the statements: each returns (wql, community, Exp, names of the links to read back)
    def pick(self, t):
        ops = [self.enable_static] * 4 + [self.set_gateways] * 4 + [self.dns_servers] * 2 + \
            [self.dns_suffixes] * 2 + [self.ttl, self.mtu] + [self.updown] * 2 + [self.alias] + \
            [self.route] * 3 + [self.power]
        return self.r.choice(ops)(t)

    def local(self, e, t, code):
        return e.refuse(7, code, t)

    def early(self, e, t, fault, code, n):
        """What cimq decides before any SET: an unknown parameter (exit 2), a local refusal
        (exit 7 and WMI's code), no instance (nothing written); else None."""
        if fault == 'unknown':
            return e.refuse(2, None, t)
        if code:
            return self.local(e, t, code)
        if n is None:
            return e.refuse(0, None, t)
        return None

    def guard(self, e, t, n, code=91):
        """An absent instance: nothing selected, nothing written (exit 0, no ReturnValue);
        the protected link: noAccess (exit 5, cimq(1)), accessDenied(91) recorded (the
        adapter's methods: failed(2), README)."""
        if n is None:
            return e.refuse(0, None, t)
        if n == PROT:
            e = e.refuse(5, code, t)
            e.rvs = {code, None}    # None: the row's record was that already (cimq(1))
            return e
        return None

    def enable_static(self, t):
        n, i = self.g.link()
        k = self.r.choice([0, 1, 1, 2, 2, 3])
        pool = [n and SUBNET[n] or '10.20.0'] * 3 + ['192.0.2', '198.51.100']
        ips, masks = [], []
        while len(ips) < k:
            a = '%s.%d' % (self.r.choice(pool), self.r.randint(1, 12))
            if a not in ips:
                ips.append(a)
                masks.append(self.r.choice(['255.255.255.0', '255.255.255.0', '255.255.255.128', 24, 25, 28]))
        fault = self.r.random() < 0.35 and self.r.choice(
            ['len', 'addr', 'mask', 'unknown', 'twice', 'nomask', 'net', 'zero'])
        code = None
        if fault == 'len':
            masks = masks + ['255.255.255.0'] if self.r.random() < 0.5 or not masks else masks[:-1]
            code = 68
        elif fault == 'addr':
            ips = ips + ['10.20.0.300']
            masks = masks + ['255.255.255.0']
            code = 70
        elif fault == 'mask':
            ips = ips + ['10.20.0.77']
            masks = masks + [self.r.choice(['255.0.255.0', 33, '255.255.255.1'])]
            code = 66
        elif fault == 'twice' and ips:
            ips, masks = ips + ips[:1], masks + masks[:1]
            code = 68
        elif fault == 'net':
            ips, masks = ips + ['10.20.0.0'], masks + ['255.255.255.0']
        elif fault == 'zero':       # an address, but not one a host may have: the agent's 70
            ips, masks = ips + ['0.0.0.0'], masks + ['255.255.255.0']
        else:
            fault = fault if fault in ('unknown', 'nomask') else None
        params = ['IPAddress=' + arr(ips)]
        if fault == 'unknown':
            params.append('Mask=' + arr(masks))
        elif fault != 'nomask':
            params.append('SubnetMask=' + arr(masks))
            self.r.shuffle(params)
        wql = 'CALL %s.EnableStatic(%s) WHERE %s' % (NAC, ', '.join(params), self.g.where(i))
        e = Exp(t)
        if fault == 'unknown':
            return wql, e.refuse(2, None, t), [n]
        if fault == 'nomask':
            return wql, self.local(e, t, 68), [n]
        if code:
            return wql, self.local(e, t, code), [n]
        g = self.guard(e, t, n)
        if g:
            return wql, g, [n]
        new = []
        for a, m in zip(ips, masks):
            p = plen_of(str(m))
            net = ipaddress.ip_network('%s/%d' % (a, p), strict=False)
            if ipaddress.ip_address(a) in (net.network_address, net.broadcast_address) or a == '0.0.0.0':
                return wql, e.refuse(7, 70, t), [n]     # inconsistentName
            new.append('%s/%d' % (a, p))
        if sorted(new) != t['addrs ' + n]:
            e.t['addrs ' + n] = sorted(new)
            # the routes through a gateway of a subnet gone: the kernel's to keep or not;
            # the persisted ones through a subnet new: installed again (a gateway now an own
            # address: a direct route)
            gone = set(t['addrs ' + n]) - set(new)
            kept = [] if gone else t['routes ' + n]
            e.unsure_routes['routes ' + n] = set(t['routes ' + n]) - set(kept)
            if t['link ' + n]['up']:
                e.t['routes ' + n] = sorted(set(kept) | set(self.persisted_through(e.t, n)))
        # the addresses made here are saved (nonVolatile); one the link had stays as it was
        # (StorageType only at creation: see the report)
        e.t['static-addresses'] = sorted([x for x in t['static-addresses'] if x.split()[0] != n or
                                          x.split()[1] in new] +
                                         ['%s %s' % (n, a) for a in new if a not in t['addrs ' + n]])
        return wql, e, [n]

    def covered(self, t, n, gw):
        """Whether gw is a gateway on a subnet of n (not one of n's own addresses)."""
        own = {a.split('/')[0] for a in t['addrs ' + n]}
        return is_ip(gw) and gw not in own and any(ipaddress.ip_address(gw) in ipaddress.ip_network(a, strict=False)
                                     for a in t['addrs ' + n])

    def set_gateways(self, t):
        n, i = self.g.link()
        k = self.r.choice([0, 1, 1, 1, 2, 2, 3, 6])
        sub = SUBNET[n] if n else '10.20.0'
        gws = []
        mine = {a.split('/')[0] for x in LINKS for a in t['addrs ' + x]}
        while len(gws) < k:
            a = '%s.%d' % (self.r.choice([sub] * 4 + ['10.21.0', '203.0.113']), self.r.randint(1, 12))
            if a not in gws and a not in mine:
                gws.append(a)
        metrics = None
        if self.r.random() < 0.6:
            metrics = [self.r.choice([1, 5, 10, 20, 30, 9999, 0, 10000]) for _ in gws]
        fault = self.r.random() < 0.3 and self.r.choice(['len', 'addr', 'unknown', 'twice'])
        code = None
        if fault == 'len':
            metrics = (metrics or [1] * len(gws)) + [7]
            code = 68
        elif fault == 'addr':
            gws = gws + ['10.20.0.256']
            metrics = None if metrics is None else metrics + [40]
            code = 71
        elif fault == 'twice' and gws:
            gws = gws + gws[:1]
            metrics = None if metrics is None else metrics + [41]
            code = 68
        elif fault != 'unknown':
            fault = None
        params = ['DefaultIPGateway=' + arr(gws)]
        if metrics is not None:
            params.append('GatewayCostMetric=' + arr(metrics))
        if fault == 'unknown':
            params.append('GatewayMetric=' + arr(metrics or [1]))
        self.r.shuffle(params)
        wql = 'CALL %s.SetGateways(%s) WHERE %s' % (NAC, ', '.join(params), self.g.where(i))
        e = Exp(t)
        early = self.early(e, t, fault, code, n)
        if early:
            return wql, early, [n]
        mets = metrics if metrics is not None else [1] * len(gws)
        # a direct default route (a persisted gateway that became an own address) is no
        # gateway of the list: it stays, and keeps its metric (see the report)
        mine = [r for r in t['routes ' + n] if r.startswith('-4 default via ') and ' via - ' not in r]
        want = sorted('-4 default via %s dev %s metric %d' % (gw, n, m) for gw, m in zip(gws, mets))
        if want == sorted(mine):
            return wql, e, [n]
        if n == PROT:
            e = e.refuse(5, 91, t)
            e.rvs = {91, None}      # None: the row's record was that already (cimq(1))
            if len(gws) > 5 or any(m == 0 or m > 9999 or not self.covered(t, n, gw) for gw, m in zip(gws, mets)):
                e.rcs, e.rvs = {5, 7}, {91, 69, 71, 90, None}     # other rows refused too: any of them
            return wql, e, [n]
        if len(gws) > 5:
            e = e.refuse(7, 69, t)
            if any(m == 0 or m > 9999 or not self.covered(t, n, gw) for gw, m in zip(gws, mets)) or \
                    len(set(mets)) < len(mets):
                e.rvs = {69, 71, 90, 93}     # other rows refused too: any of them
            return wql, e, [n]
        others = {r.rsplit(' ', 1)[1] for l in LINKS for r in t['routes ' + l]
                  if r.startswith('-4 default ') and (l != n or ' via - ' in r)}
        # each row refused records its code: several, any of them (the last recorded)
        codes = [90 if m == 0 or m > 9999 else 71 for gw, m in zip(gws, mets)
                 if m == 0 or m > 9999 or not t['link ' + n]['up'] or not self.covered(t, n, gw)]
        if codes:
            e = e.refuse(7, codes[0], t)
            e.rvs = set(codes)
            if len(set(mets)) < len(mets) or any(str(m) in others for m in mets):
                e.rvs |= {71, 93}   # two routes at one metric: refused too
            return wql, e, [n]
        if len(set(mets)) < len(mets) or any(str(m) in others for m in mets):
            e = e.refuse(7, 71, t)
            e.rvs = {71, 93}
            return wql, e, [n]
        e.t['routes ' + n] = sorted([r for r in t['routes ' + n] if r not in mine] + want)
        # the gateways made here are persisted routes (README: SetGateways)
        gone = {re.sub(r'-4 default via (\S+) dev (\S+) metric (\d+)', r'0.0.0.0/0 via \1 dev \2 metric \3', r)
                for r in mine}
        e.t['persisted-routes'] = sorted([x for x in t['persisted-routes'] if x not in gone] +
                                         ['0.0.0.0/0 via %s dev %s metric %d' % (gw, n, m)
                                                     for gw, m in zip(gws, mets)])
        return wql, e, [n]

    def ip_enabled(self, t, n):
        return t['link ' + n]['up'] and bool(t['addrs ' + n])

    def dns_servers(self, t):
        n, i = self.g.link()
        k = self.r.choice([0, 1, 2, 3])
        srv = self.r.sample(self.g.servers, k)
        fault = self.r.random() < 0.3 and self.r.choice(['addr', 'twice', 'absent', 'unknown'])
        code = None
        if fault == 'addr':
            srv, code = srv + ['192.0.2.999'], 70
        elif fault == 'twice' and srv:
            srv, code = srv + srv[:1], 68
        elif fault not in ('absent', 'unknown'):
            fault = None
        if fault == 'absent':
            srv = []
            params = ''
        else:
            params = 'DNSServerSearchOrder=' + arr(srv)
        if fault == 'unknown':
            params += ', DNSServers=' + arr(srv)
        wql = 'CALL %s.SetDNSServerSearchOrder(%s) WHERE %s' % (NAC, params, self.g.where(i))
        e = Exp(t)
        early = self.early(e, t, fault, code, n)
        if early:
            return wql, early, [n]
        if srv == (t['nameservers'] if self.ip_enabled(t, n) else []):
            return wql, e, [n]      # the list the agent has (none for a link not IP-enabled)
        if not self.ip_enabled(t, n):
            return wql, e.refuse(7, 84, t), [n]
        e.t['nameservers'] = srv
        return wql, e, [n]

    def dns_suffixes(self, t):
        k = self.r.choice([0, 1, 2, 3])
        sfx = self.r.sample(self.g.domains, k)
        fault = self.r.random() < 0.25 and self.r.choice(['bad', 'twice'])
        if fault == 'bad':
            sfx = sfx + ['bad domain!']
        elif fault == 'twice' and sfx:
            sfx = sfx + sfx[:1]
        else:
            fault = None
        wql = 'CALL %s.SetDNSSuffixSearchOrder(DNSDomainSuffixSearchOrder=%s)' % (NAC, arr(sfx))
        if self.r.random() < 0.3:   # a static method named on an instance: the same one SET
            wql += ' WHERE Index = %d' % self.r.choice([IFX['va0'], IFX['vp']])
        e = Exp(t)
        if fault == 'twice':
            return wql, self.local(e, t, 68), []
        if sfx == t['search']:
            return wql, e, []
        if fault == 'bad':
            return wql, e.refuse(7, 73, t), []
        e.t['search'] = sfx
        return wql, e, []

    def ttl(self, t):
        v = self.r.choice([1, 32, 64, 128, 255, 0, 256])
        wql = 'CALL %s.SetDefaultTTL(DefaultTTL=%d)' % (NAC, v)
        if self.r.random() < 0.3:   # a static method named on an instance: the same one SET
            wql += ' WHERE Index = %d' % self.r.choice([IFX['va0'], IFX['vp']])
        e = Exp(t)
        if v > 255:     # DefaultTTL is uint8: cimq refuses what does not fit (68)
            return wql, e.refuse(7, 68, t), []
        if v < 1:
            return wql, e.refuse(7, 90, t), []
        e.t['ttl'] = v
        return wql, e, []

    def mtu(self, t):
        n, i = self.g.link()
        v = self.r.choice([68, 576, 1400, 1500, 9000, 65535, 67, 65536])
        wql = 'CALL %s.SetMTU(MTU=%d) WHERE %s' % (NAC, v, self.g.where(i))
        e = Exp(t)
        g = self.guard(e, t, n)
        if g:
            return wql, g, [n]
        if not 68 <= v <= 65535:
            return wql, e.refuse(7, 90, t), [n]
        e.t['link ' + n]['mtu'] = v
        return wql, e, [n]

    def updown(self, t):
        n, i = self.g.link()
        m = self.r.choice(['Enable', 'Disable'])
        wql = 'CALL %s.%s() WHERE %s' % (NA, m, self.g.where(i, NA))
        e = Exp(t)
        g = self.guard(e, t, n, 2)
        if g:
            return wql, g, [n]
        up = m == 'Enable'
        if up != t['link ' + n]['up']:
            e.t['link ' + n]['up'] = up
            if not up:      # the kernel drops the IPv4 routes through a link it takes down
                e.t['routes ' + n] = []
            else:           # cimrouted installs its persisted routes through it again
                e.t['routes ' + n] = self.persisted_through(t, n)
        return wql, e, [n]

    def persisted_through(self, t, n):
        out = []
        for x in t['persisted-routes']:
            m = re.match(r'(\S+) via (\S+) (?:dev (\S+) )?metric (\d+)', x)
            own = any(a.startswith(m.group(2) + '/') for a in t['addrs ' + n])
            if m.group(3) in (n, None) and (own or self.covered(t, n, m.group(2))):
                dst = 'default' if m.group(1) == '0.0.0.0/0' else m.group(1)
                if any(r.split()[1] == dst and r.split()[-1] == m.group(4) for x in LINKS if x != n
                       for r in t['routes ' + x]):
                    continue    # another route has its destination and metric: Linux keeps one
                out.append('-4 %s via %s dev %s metric %s' % (dst, '-' if own else m.group(2), n, m.group(4)))
        return sorted(out)

    def power(self, t):
        n, i = self.g.link()
        wql = 'CALL %s.SetPowerState(PowerState=%d) WHERE %s' % (NA, self.r.randint(1, 6), self.g.where(i, NA))
        e = Exp(t)
        g = self.guard(e, t, n, 2)
        return wql, g or e.refuse(7, 1, t), [n]

    def alias(self, t):
        n, i = self.g.link()
        v = self.r.choice(['', 'uplink', 'LAN %d' % self.r.randint(1, 9), 'x' * 20])
        wql = "UPDATE %s SET NetConnectionID='%s' WHERE %s" % (NA, v, self.g.where(i, NA))
        e = Exp(t)
        g = self.guard(e, t, n)
        if g:
            g.rv = 0 if n is None else None
            g.rv = None
            return wql, g, [n]
        e.t['link ' + n]['alias'] = v
        return wql, e, [n]

    def route(self, t):
        cls = self.r.choice(['Win32_IP4RouteTable', 'Win32_IP4PersistedRouteTable'])
        dst = '10.%d.%d.0' % (self.r.choice([90, 91]), self.r.randint(0, 3))
        if self.r.random() < 0.4:
            pers = {(x.split()[0], x.split()[-1]) for x in t['persisted-routes']}     # (dst, metric)
            mine = [(n, r) for n in LINKS for r in t['routes ' + n] if r.startswith('-4 %s/24 ' % dst)]
            owned = [(n, r) for n, r in mine if (r.split()[1], r.split()[-1]) in pers]
            if owned and len(owned) < len(mine):
                cls = 'Win32_IP4PersistedRouteTable'    # (a partial DELETE is not modelled)
            wql = "DELETE FROM %s WHERE Destination = '%s'" % (cls, dst)
            e = Exp(t)
            gone = owned if cls.startswith('Win32_IP4P') else mine
            if any(n == PROT for n, r in gone):
                return wql, e.refuse(5, None, t), []
            if owned and not cls.startswith('Win32_IP4P'):
                return wql, e.refuse(7, None, t), []    # a persisted row's route: destroyed there
            for n, r in gone:
                e.t['routes ' + n] = [x for x in e.t['routes ' + n] if x != r]
            if cls.startswith('Win32_IP4P'):
                e.t['persisted-routes'] = [l for l in t['persisted-routes'] if not l.startswith(dst + '/24 ')]
                e.rv = 0 if any(l.startswith(dst + '/24 ') for l in t['persisted-routes']) else None
            else:
                e.rv = 0 if gone else None
            return wql, e, []
        n = self.r.choice(LINKS)
        gw = '%s.%d' % (self.r.choice([SUBNET[n]] * 3 + ['203.0.113']), self.r.randint(2, 12))
        if any(a.startswith(gw + '/') for x in LINKS for a in t['addrs ' + x]):
            gw = '203.0.113.1'  # not an own address: NextHop's direct route is not modelled
        m = self.r.choice([1, 5, 10])
        sets = ["Destination='%s'" % dst, "Mask='255.255.255.0'", "NextHop='%s'" % gw, 'Metric1=%d' % m]
        if cls == 'Win32_IP4RouteTable':
            sets.append('InterfaceIndex=%d' % IFX[n])
        self.r.shuffle(sets)
        wql = 'CREATE %s SET %s' % (cls, ', '.join(sets))
        e = Exp(t)
        text = '-4 %s/24 via %s dev %s metric %d' % (dst, gw, n, m)
        prot = n == PROT and self.covered(t, n, gw)
        if any(r.startswith('-4 %s/24 ' % dst) and r.endswith(' metric %d' % m) for l in LINKS
               for r in t['routes ' + l]):
            e = e.refuse(7, None, t)
            e.rcs = {5, 7} if prot else None    # protected too: either refusal
            return wql, e, []
        if prot:
            return wql, e.refuse(5, None, t), []
        if not t['link ' + n]['up'] or not self.covered(t, n, gw):
            return wql, e.refuse(7, None, t), []
        e.t['routes ' + n] = sorted(t['routes ' + n] + [text])
        if cls.startswith('Win32_IP4P'):
            e.t['persisted-routes'] = sorted(t['persisted-routes'] + ['%s/24 via %s metric %d' % (dst, gw, m)])
        return wql, e, []


# ------------------------------------------------------------------ reading back through cimq

def readback(t, names):
    """The differences between cimq's SELECT of the links named and the kernel's truth t."""
    out = []
    for n in names:
        if n is None:
            continue
        i = IFX[n]
        rc, o, err = cimq('public', 'SELECT IPAddress, IPSubnet, DefaultIPGateway, GatewayCostMetric, MTU, '
                          'DNSServerSearchOrder, DNSDomainSuffixSearchOrder, DefaultTTL FROM %s WHERE Index = %d'
                          % (NAC, i), 'json')
        rc2, o2, err2 = cimq('public', 'SELECT NetEnabled, NetConnectionID FROM %s WHERE DeviceID = \'%d\''
                             % (NA, i), 'json')
        if rc or rc2:
            return ['SELECT: exit %d/%d %s %s' % (rc, rc2, err.strip(), err2.strip())]
        c, a = json.loads(o), json.loads(o2)
        if len(c) != 1 or len(a) != 1:
            return ['SELECT of %s: %d and %d instances' % (n, len(c), len(a))]
        c, a = c[0], a[0]
        v4 = [(x, m) for x, m in zip(c['IPAddress'] or [], c['IPSubnet'] or []) if '.' in x]
        got = {
            'addrs': sorted('%s/%d' % (x, plen_of(m)) for x, m in v4),
            'gateways': sorted('%s %s' % (g, m) for g, m in zip(c['DefaultIPGateway'] or [],
                                                                  c['GatewayCostMetric'] or []) if '.' in g),
            'mtu': c['MTU'], 'ttl': c['DefaultTTL'],
            'servers': c['DNSServerSearchOrder'] or [], 'suffixes': c['DNSDomainSuffixSearchOrder'] or [],
            'up': a['NetEnabled'], 'alias': a['NetConnectionID'],
        }
        lk = t['link ' + n]
        want = {
            'addrs': t['addrs ' + n],
            'gateways': sorted(re.sub(r'-4 default via (\S+) dev \S+ metric (\d+)', r'\1 \2', r)
                               for r in t['routes ' + n] if r.startswith('-4 default via ') and
                               not r.startswith('-4 default via - ')),
            'mtu': lk['mtu'], 'ttl': t['ttl'],
            'servers': t['nameservers'] if lk['up'] and t['addrs ' + n] else [],
            'suffixes': t['search'], 'up': lk['up'], 'alias': lk['alias'] or n,
        }
        if ENV.get('CIMR_CQCALLS_PERTURB') == 'readback':
            want['alias'] += 'x'
        out += ['%s %s: cimq %s, kernel %s' % (n, k, got[k], want[k]) for k in want if got[k] != want[k]]
    return out


# ------------------------------------------------------------------ the run

def diff(a, b):
    return ['%s: expected %s, got %s' % (k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b))
            if a.get(k) != b.get(k)]


def printed_rv(out):
    return [int(x) for x in re.findall(r'ReturnValue = (\d+)', out)]


def judge(e, rc, out, err, t0, t1):
    bad = []
    if re.search(r'Sanitizer|runtime error:', err):
        bad.append('a sanitizer report in cimq\'s stderr')
    if rc not in (e.rcs or {e.rc}):
        bad.append('exit %d, expected %d' % (rc, e.rc))
    rvs = printed_rv(out)
    last = rvs[-1] if rvs else None
    ok_rv = e.rvs or {e.rv}
    if e.rv is None and e.rc == 7 and e.rvs is None:
        pass    # a route refusal: the SNMP error is named, the code is the agent's
    elif last not in ok_rv:
        bad.append('ReturnValue %s, expected %s' % (last, ' or '.join(str(x) for x in sorted(ok_rv, key=str))))
    if e.rc != 0 and t1 != e.t:
        bad.append('refused, yet changed: ' + '; '.join(diff(e.t, t1)))
    exp = dict(e.t)
    for k in e.unsure:
        exp[k] = t1.get(k)
    for k, rs in e.unsure_routes.items():
        exp[k] = sorted(set(exp[k]) | (set(t1[k]) & rs))
    bad += diff(exp, t1) if e.rc == 0 else []
    return bad


def settle(names, t1):
    rb = readback(t1, names)
    for _ in range(20):
        if not rb:
            break
        time.sleep(0.1)
        t1 = truth()
        rb = readback(t1, names)
    return rb


PERTURBED = []


def perturb(e, t):
    """CIMR_CQCALLS_PERTURB (a self-test of the comparators): the first prediction it fits made
    wrong: rc (the exit status), rv (the ReturnValue), effect (the TTL after an applied
    statement), refusal (a refused statement expected to change the TTL); readback (every
    kernel alias as the SELECT is compared with it: readback()).  The run must then fail."""
    what = ENV.get('CIMR_CQCALLS_PERTURB')
    if not what or PERTURBED:
        return
    if what == 'rc':
        e.rc, e.rcs = e.rc + 1, None
    elif what == 'rv' and e.rv is not None:
        e.rv, e.rvs = e.rv + 1, None
    elif what in ('effect', 'refusal') and (e.rc == 0) == (what == 'effect'):
        e.t['ttl'] = t['ttl'] % 255 + 1
    else:
        return
    PERTURBED.append(what)


def main():
    seed = int(ENV['SEED'])
    calls = int(ENV['CALLS'])
    rnd = random.Random(seed)
    model = Model(rnd)
    t = truth()
    counts = {}
    log = open(os.path.join(T, 'calls.log'), 'w', buffering=1)
    for k in range(1, calls + 1):
        wql, e, names = model.pick(t)
        perturb(e, t)
        rc, out, err = cimq('private', wql)
        t1 = truth()
        for _ in range(15):
            if not judge(e, rc, out, err, t, t1):
                break
            time.sleep(0.1)
            t1 = truth()
        log.write('%d: %s\n  exit %d (model %d, %s) %s %s\n' % (k, wql, rc, e.rc, e.rv, out.strip(), err.strip()))
        bad = judge(e, rc, out, err, t, t1)
        if not bad:
            bad = ['read back: ' + x for x in settle(names, t1)]
        kind = 'refused' if e.rc else 'applied'
        counts[kind] = counts.get(kind, 0) + 1
        if bad:
            print('not_ok statement %d of seed %d as the model predicts: %s' % (k, seed, wql))
            for x in bad + ['stdout: ' + out.strip(), 'stderr: ' + err.strip()]:
                for l in x.splitlines():
                    print('# ' + l)
            return 0
        t = t1
    print('ok %d statements as the model predicts (%s), each read back through cimq as the kernel has it'
          % (calls, ', '.join('%d %s' % (v, k) for k, v in sorted(counts.items()))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
