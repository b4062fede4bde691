#!/usr/bin/env python3
"""cfg_churn.py - the random PDUs, the model and the comparisons of cfg_churn.sh.

Run by cfg_churn.sh inside its namespace (the environment names the agent, the links, the
resolver file, the state directory).  Prints TAP-ish lines the script relays: "ok TEXT",
"not_ok TEXT", "# diag".  Per PDU: the truth is read (links, addresses, default routes,
sysctls, the resolver file, the state file of the saved addresses, the LastMethod/LastResult
columns), the model predicts the PDU's outcome from it, snmpset sends it, and the truth read
again must equal the prediction: on failure everything as before (all or nothing) but the
refusal's recorded code, on success exactly the predicted change.
"""

import ipaddress
import json
import os
import random
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from churn_lib import records  # noqa: E402

ENV = os.environ
NS, AGENT, T = ENV['NS'], ENV['AGENT'], ENV['T']
RESOLV = ENV['RESOLV']          # the file as the host sees it (bind-mounted in the namespace)
STATE = ENV['STATEDIR']
E = '.1.3.6.1.4.1.32473.1.1'
AD, CFG, ADDR, GW = E + '.5.3.1', E + '.6.3.1', E + '.6.4.1', E + '.6.5.1'
PTCP, PUDP, PIP, IPX = E + '.6.6.1', E + '.6.7.1', E + '.6.8.1', E + '.6.9.1'
SRV, SFX, TC = E + '.6.10.1', E + '.6.11.1', E + '.6.12'
SNMP = ['-v2c', '-c', 'private', '-On', '-Ob', '-Oe', '-Ox', '-OU', '-t', '6', '-r', '0']

# SNMP error statuses
ST = {'noError': 0, 'wrongType': 7, 'wrongLength': 8, 'wrongValue': 10, 'noCreation': 11,
      'inconsistentValue': 12, 'resourceUnavailable': 13, 'commitFailed': 14, 'undoFailed': 15,
      'notWritable': 17, 'inconsistentName': 18, 'noAccess': 6, 'genErr': 5}
NAME = {v: k for k, v in ST.items()}
WV, WT, WL, IV, IN, NC, NA = (ST[k] for k in ('wrongValue', 'wrongType', 'wrongLength',
                                               'inconsistentValue', 'inconsistentName',
                                               'noCreation', 'noAccess'))
SYSCTLS = {6: ('ip_default_ttl', 1, 1, 255, 17), 16: ('tcp_keepalive_time', 1000, 1000, 32767000, 30),
           15: ('tcp_keepalive_intvl', 1000, 1000, 32767000, 29),
           20: ('tcp_syn_retries', 1, 1, 127, 36)}


def nsx(*cmd, check=True):
    p = subprocess.run(['ip', 'netns', 'exec', NS] + list(cmd), capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError('%s: %s' % (' '.join(cmd), p.stderr.strip()))
    return p


# ------------------------------------------------------------------ the truth

def truth(ifx):
    """Everything the PDUs may change, as one comparable dict."""
    t = {}
    for l in json.loads(nsx('ip', '-j', '-d', 'link', 'show').stdout):
        n = l['ifname']
        if n not in ifx:
            continue
        t['link %s' % n] = 'up=%d mtu=%d alias=%r' % ('UP' in l['flags'], l['mtu'], l.get('ifalias', ''))
    addrs = []
    for l in json.loads(nsx('ip', '-j', 'addr', 'show').stdout):
        if l['ifname'] not in ifx:
            continue
        for a in l.get('addr_info', []):
            if a.get('scope') == 'link' or a['local'].startswith('127.') or a['local'] == '::1':
                continue
            addrs.append('%s %s/%d' % (l['ifname'], a['local'], a['prefixlen']))
    t['addrs'] = sorted(addrs)
    gws = []
    for fam in ('-4', '-6'):
        for r in json.loads(nsx('ip', '-j', fam, 'route', 'show', 'default', 'table', 'main').stdout):
            gws.append('%s via %s dev %s metric %s proto %s' % (fam, r.get('gateway', '-'), r.get('dev'),
                                                              r.get('metric', 0), r.get('protocol', '')))
    t['defaults'] = sorted(gws)
    for col, (name, *_x) in SYSCTLS.items():
        t['sysctl ' + name] = nsx('sysctl', '-n', 'net.ipv4.' + name).stdout.strip()
    with open(RESOLV) as f:
        text = f.read()
    ns, search, other = [], [], []
    for line in text.splitlines():
        w = line.split()
        if w and w[0] == 'nameserver' and len(w) > 1:
            ns.append(w[1])
        elif w and w[0] in ('search', 'domain'):
            search = w[1:]
        else:
            other.append(line)
    t['nameservers'], t['search'], t['resolv other'] = ns, search, other
    # the StorageType of the address rows: other(1) but for those made here
    names = {v: k for k, v in ifx.items()}
    st = []
    for line in nsx('snmpbulkwalk', *SNMP, AGENT, ADDR + '.7').stdout.splitlines():
        m = re.match(re.escape(ADDR) + r'\.7\.(\d+)\.\d+\.(\d+)\.([\d.]+) = INTEGER: (\d+)', line)
        if m and names.get(int(m.group(1))):
            o = [int(x) for x in m.group(3).split('.')]
            ip = ipaddress.ip_address(bytes(o[:int(m.group(2))]))
            if not ip.is_link_local and not ip.is_loopback:
                st.append('%s %s/%d %s' % (names[int(m.group(1))], ip.compressed, o[-1], m.group(4)))
    t['storage'] = sorted(st)
    try:
        with open(os.path.join(STATE, 'static-addresses')) as f:
            t['saved'] = sorted(l.strip() for l in f if l.strip() and not l.startswith('#'))
    except FileNotFoundError:
        t['saved'] = []
    return t


# ------------------------------------------------------------------ the varbinds

class VB:
    """One varbind: oid, snmpset type and value; row (its row's key, for the transaction's
    tables) and column; sem, the value the generator meant; scalar, (column, method) of a
    cimTcpip scalar.  The model reads the value itself (num(), hexbytes())."""

    def __init__(self, oid, typ, val, row=None, col=None, sem=None, scalar=None):
        self.oid, self.typ, self.val = oid, typ, str(val)
        self.row, self.col, self.sem, self.scalar = row, col, sem, scalar

    def text(self):
        v = self.val if len(self.val) < 40 else self.val[:37] + '...'
        return '%s %s %s' % (self.oid.replace(E, 'E'), self.typ, v)


def ip_oid(a):
    ip = ipaddress.ip_address(a)
    return ('1.4.' if ip.version == 4 else '2.16.') + '.'.join(str(b) for b in ip.packed)


class Gen:
    def __init__(self, rnd, ifx, prot):
        self.R, self.ifx, self.prot, self.clean = rnd, ifx, prot, False

    def pick(self, n, good):
        """A case 0..n-1; in a clean PDU, one of those in good (the valid writes)."""
        return self.R.choice(good) if self.clean else self.R.randrange(n)

    def link(self, pool):
        if self.clean:      # a clean PDU: only interfaces that exist and are not protected
            pool = [x for x in pool if x not in (self.prot, 'ghost', 'lo', 'vb2')]
        n = self.R.choice(pool)
        return n, self.ifx.get(n, 999)

    def adapter(self):
        R = self.R
        # (not va1: its gateways' routes would go with its IFF_UP)
        n, i = self.link(['va0', 'va0', 'br0', self.prot, 'ghost'])
        k = self.pick(9, [0, 1, 3, 5])
        row = ('ad', i)
        if k <= 1:
            v = R.choice([1, 2])
            return VB('%s.26.%d' % (AD, i), 'i', v, row, 26, v)
        if k == 2:
            v = R.choice([0, 3, 7])
            return VB('%s.26.%d' % (AD, i), 'i', v, row, 26, v)
        if k == 3:
            v = R.choice(['uplink %d' % R.randrange(100), '', 'core-%d' % R.randrange(9)])
            return VB('%s.24.%d' % (AD, i), 's', v, row, 24, v)
        if k == 4:
            bad = R.choice(['long', 'ctl'])
            if bad == 'long':
                return VB('%s.24.%d' % (AD, i), 's', 'x' * 256, row, 24, None)
            return VB('%s.24.%d' % (AD, i), 'x', '41 0A 42', row, 24, None)
        if k == 5:
            return VB('%s.39.%d' % (AD, i), 'i', 2, row, 39, 2)
        if k == 6:
            return VB('%s.39.%d' % (AD, i), 'i', 1, row, 39, 1)
        if k == 7:
            v = R.choice([1, 3, 6])
            return VB('%s.40.%d' % (AD, i), 'i', v, row, 40, v)
        return VB('%s.26.%d' % (AD, i), 's', 'on', row, 26, None)

    def cfg(self):
        R = self.R
        n, i = self.link(['va0', 'br0', 'va1', 'va1', self.prot, 'ghost'])
        row = ('cfg', i)
        k = self.pick(14, [0, 1, 2, 5, 7, 8, 10, 12])
        if k == 12:     # DHCPEnabled: false(2) is what a static link is; true(1) has no command
            v = R.choice([2, 2, 1]) if not self.clean else 2
            return VB('%s.4.%d' % (CFG, i), 'i', v, row, 4, v)
        if k == 13:     # Release/RenewDHCPLease(): no DHCP here (100); 5 is no action
            v = R.choice([2, 3, 5])
            return VB('%s.23.%d' % (CFG, i), 'i', v, row, 23, v)
        if k <= 2:
            v = R.choice([1280, 1400, 1450, 1500, 1500])
            return VB('%s.17.%d' % (CFG, i), 'u', v, row, 17, v)
        if k == 3:
            v = R.choice([0, 67, 65536, 70000])
            return VB('%s.17.%d' % (CFG, i), 'u', v, row, 17, v)   # refused in RESERVE2
        if k == 4:
            return VB('%s.17.%d' % (CFG, i), 'i', 1500, row, 17, None)
        if k == 5:
            v = R.choice([2, 2, 0, 1])
            return VB('%s.20.%d' % (CFG, i), 'i', v, row, 20, v)
        if k == 6:
            return VB('%s.20.%d' % (CFG, i), 'i', 3, row, 20, 3)
        if k == 7:
            c = R.choice([8, 9])
            v = R.choice([2, 2, 1])
            return VB('%s.%d.%d' % (CFG, c, i), 'i', v, row, c, v)
        if k == 8:
            c = R.choice([21, 22])
            v = R.choice(['0.0.0.0', '0.0.0.0', '192.0.2.9'])
            return VB('%s.%d.%d' % (CFG, c, i), 'a', v, row, c, v)
        if k == 9:
            return VB('%s.21.%d' % (CFG, i), 's', 'x', row, 21, None)
        if k == 10:
            return VB('%s.23.%d' % (CFG, i), 'i', 4, row, 23, 4)
        return VB('%s.23.%d' % (CFG, i), 'i', 1, row, 23, None)

    def addr(self, have):
        R = self.R
        k = self.pick(10, [0, 1, 2, 7, 8, 9])
        mine = [a for a in have if a.split()[0] in ('va0', 'va1', 'br0') and
                (a.split()[1].startswith('10.20.') or a.split()[1].startswith('2001:db8:20'))]
        if k <= 2 and mine:
            n, a = R.choice(mine).split()
            ip, plen = a.split('/')
            i = self.ifx[n]
            return VB('%s.8.%d.%s.%s' % (ADDR, i, ip_oid(ip), plen), 'i', 6, ('addr', i, ip, int(plen)), 8, 6)
        n, i = self.link(['va0', 'va0', 'br0', 'va1', 'vb2', 'vd', self.prot, 'ghost'])
        if R.randrange(4) == 0 or n == 'vd':
            ip, plen = '2001:db8:20:%x::%x' % (R.randrange(3), R.randrange(1, 6)), 64
        else:
            ip, plen = '10.20.%d.%d' % (R.randrange(3), R.randrange(1, 6)), 24
        if k == 3:
            ip, plen = R.choice([('10.20.1.0', 24), ('10.20.1.255', 24), ('127.0.0.9', 8), ('10.20.1.7', 0),
                                 ('10.20.1.7', 33), ('224.0.0.9', 4), ('0.1.2.3', 8)])
        oid = '%s.%%d.%d.%s.%d' % (ADDR, i, ip_oid(ip), plen)
        row = ('addr', i, ip, plen)
        if k == 4:
            return VB(oid % 8, 'i', R.choice([2, 5]), row, 8, None)
        if k == 5:
            return VB(oid % 7, 'i', 1, row, 7, None)
        if k == 6:
            return VB(oid % 8, 'i', 1, row, 8, 1)
        if k == 7:
            return VB(oid % 8, 'i', 6, row, 8, 6)
        return VB(oid % 8, 'i', 4, row, 8, 4)

    def storage(self, vb):
        """A StorageType for a createAndGo address row (same row)."""
        i, ip, plen = vb.row[1:]
        return VB('%s.7.%d.%s.%d' % (ADDR, i, ip_oid(ip), plen), 'i', self.R.choice([2, 3]), vb.row, 7,
                  None)

    def tcpip(self):
        R = self.R
        k = self.pick(8, [0, 1, 2, 5, 6])
        if k <= 2:
            col = R.choice(list(SYSCTLS))
            name, f, lo, hi, m = SYSCTLS[col]
            v = R.choice([lo, hi, 5 * f, 60 * f, 64 * f, 100 * f]) if col != 20 else R.choice([1, 3, 6, 127])
            v = min(v, hi)
            return VB('%s.%d.0' % (TC, col), 'u', v, scalar=(col, m), sem=v)
        if k == 3:
            col = R.choice(list(SYSCTLS))
            name, f, lo, hi, m = SYSCTLS[col]
            v = R.choice([lo - 1, hi + f] + ([1500] if f > 1 else []))
            return VB('%s.%d.0' % (TC, col), 'u', v, scalar=(col, m), sem=v)
        if k == 4:
            col = R.choice(list(SYSCTLS))
            return VB('%s.%d.0' % (TC, col), 'i', 64, scalar=(col, SYSCTLS[col][4]))
        if k == 5:
            v = R.choice([0, 0, 8])
            return VB('%s.5.0' % TC, 'u', v, scalar=(5, 16), sem=v)
        if k == 6:
            v = R.choice(['%s.example' % R.choice(['a', 'b', 'c', 'd']), '', 'bad..name'])
            return VB('%s.7.0' % TC, 's', v, scalar=(7, 18), sem=v)
        return VB('%s.11.0' % TC, 'i', R.choice([2, 1]), scalar=(11, 24),
                  sem=None)  # IGMPLevel: 2 ok, else 64

    def none_rows(self):
        R = self.R
        n, i = self.link(['va0', 'va1', self.prot, 'ghost'])
        base = R.choice([PTCP, PUDP, PIP, IPX])
        col = 4 if base == IPX else 3
        v = R.choice([6, 6, 4, 5])
        p = R.randrange(1, 4)
        return VB('%s.%d.%d.%d' % (base, col, i, p), 'i', v, ('none', base, i, p), col, v)

    def dns(self, t):
        R = self.R
        k = self.pick(7, [0, 1, 2, 3, 4, 5, 6])
        nsrv, nsfx = len(t['nameservers']), len(t['search'])
        if k <= 2:
            n, i = self.link(['va1', 'va1', 'va0', 'lo'])
            p = R.choice([1, 2, nsrv, nsrv + 1, nsrv + 2]) or 1
            ip = R.choice(['192.0.2.%d' % R.randrange(50, 60), '2001:db8::%x' % R.randrange(0x50, 0x53)])
            six = ':' in ip
            hx = ' '.join('%02X' % b for b in ipaddress.ip_address(ip).packed)
            row = ('srv', i, p)
            w = R.randrange(5)
            if w == 0:
                return [VB('%s.4.%d.%d' % (SRV, i, p), 'i', 6, row, 4, 6)]
            if w == 1:
                return [VB('%s.3.%d.%d' % (SRV, i, p), 'x', hx, row, 3, ip)] + \
                    ([VB('%s.2.%d.%d' % (SRV, i, p), 'i', 2, row, 2, 2)] if six else [])
            if w == 2:
                return [VB('%s.3.%d.%d' % (SRV, i, p), 'x', '00 00 00 00', row, 3, 'zero')]
            vbs = [VB('%s.4.%d.%d' % (SRV, i, p), 'i', 4, row, 4, 4), VB('%s.3.%d.%d' % (SRV, i, p), 'x', hx, row, 3, ip)]
            if six:
                vbs.append(VB('%s.2.%d.%d' % (SRV, i, p), 'i', 2, row, 2, 2))
            R.shuffle(vbs)
            return vbs
        p = R.choice([1, 2, nsfx, nsfx + 1]) or 1
        row = ('sfx', p)
        name = R.choice(['s%d.example' % R.randrange(5), 'corp.example', 'bad_name!'])
        w = R.randrange(3)
        if w == 0:
            return [VB('%s.3.%d' % (SFX, p), 'i', 6, row, 3, 6)]
        if w == 1:
            return [VB('%s.2.%d' % (SFX, p), 's', name, row, 2, name)]
        vbs = [VB('%s.3.%d' % (SFX, p), 'i', 4, row, 3, 4), VB('%s.2.%d' % (SFX, p), 's', name, row, 2, name)]
        R.shuffle(vbs)
        return vbs

    def gateway(self):
        """A row of cimAdapterCfgGatewayTable: SetGateways() on va1 (always up), the others
        refused (a gateway on no subnet of va0, the protected link, no such link)."""
        R = self.R
        n, i = self.link(['va1', 'va1', 'va1', 'va0', self.prot, 'ghost'])
        gw = {'va0': '10.99.0.1', self.prot: '10.22.0.254'}.get(n, '10.21.0.%d' % R.choice([253, 254]))
        metric = R.choice([10, 20, 30, 30] + ([] if self.clean else [0, 10000]))
        idx = '%d.%s.%d' % (i, ip_oid(gw), metric)
        row = ('gw', i, gw, metric)
        st = R.choice([4, 4, 6])
        vbs = [VB('%s.6.%s' % (GW, idx), 'i', st, row, 6, st)]
        if st == 4 and R.randrange(3) == 0:
            vbs.append(VB('%s.5.%s' % (GW, idx), 'i', R.choice([2, 3]), row, 5, None))
        return vbs

    def pdu(self, t):
        R = self.R
        self.clean = R.randrange(2) == 0
        vbs = []
        n = R.randrange(1, 6)
        while len(vbs) < n:
            k = R.randrange(12)
            if k <= 1:
                vbs.append(self.adapter())
            elif k <= 3:
                vbs.append(self.cfg())
            elif k <= 5:
                v = self.addr(t['addrs'])
                vbs.append(v)
                if v.sem == 4 and R.randrange(3) == 0:
                    vbs.append(self.storage(v))
            elif k == 6:
                vbs.append(self.tcpip())
            elif k == 7:
                vbs.append(self.none_rows())
            elif k == 8:
                vbs += self.dns(t)
            elif k == 9:
                vbs += self.gateway()
            elif k == 10 and vbs:
                d = R.choice(vbs)         # a duplicate: the same value, or another one
                if d.scalar is None and d.row is not None and R.randrange(2) == 0 and d.typ == 'i':
                    vbs.append(VB(d.oid, d.typ, int(d.val) ^ 1 if d.val.isdigit() else d.val, d.row, d.col,
                                  None if d.val.isdigit() else None))
                elif d.scalar is not None and R.randrange(2) == 0 and d.typ in 'iu' and d.val.isdigit():
                    # a scalar named twice with two values: inconsistentValue, as for a column
                    vbs.append(VB(d.oid, d.typ, int(d.val) ^ 1, d.row, d.col, None, scalar=d.scalar))
                else:
                    vbs.append(VB(d.oid, d.typ, d.val, d.row, d.col, d.sem, scalar=d.scalar))
            elif k == 11:
                vbs.append(self.tcpip())
        return vbs[:8]


# ------------------------------------------------------------------ the model

CFG_ORDER = [(11,), (4,), (8, 9), (17,), (20,), (21, 22), (23,)]   # mib_ifset.c cfg_methods[]
CFG_METHOD = {11: 25, 8: 21, 9: 21, 17: 31, 20: 35, 21: 41, 22: 41}
ACTION_METHOD = {2: 8, 3: 10, 4: 1}     # cimAdapterCfgAction: Release, Renew, DisableIPSec
NONE_METHOD = {PTCP: (5, 64), PUDP: (5, 64), PIP: (5, 64), IPX: (27, 85)}


def num(vb):
    return int(vb.val) if vb.typ in 'iu' else None


def printable(s):
    return all(32 <= ord(c) < 127 for c in s)


def hexbytes(vb):
    return bytes(int(x, 16) for x in vb.val.split())


class Outcome:
    def __init__(self):
        self.faults = []        # (status, index) any of which the agent may answer
        self.rec = {}           # key -> set of acceptable (m, r); absent: unchanged
        self.unsure = False     # the model cannot tell success from failure
        self.unsure_keys = set()  # ... nor these records


def syntax(vb, stored):
    """RESERVE1's refusal of vb: (status, record key, (m, r)) or None; stored: the values the
    row took before (a refusal's method may come from them)."""
    tbl, col, v = vb.row[0] if vb.row else 'scalar', vb.col, num(vb)
    if vb.scalar:
        col, m = vb.scalar
        if col in SYSCTLS:
            name, f, lo, hi, _m = SYSCTLS[col]
            if vb.typ != 'u':
                return WT, 'tcpip', (m, 68)
            if v < lo or v > hi or v % f:
                return WV, 'tcpip', (m, 90)
            return None
        if col == 5:
            if vb.typ != 'u':
                return WT, 'tcpip', (m, 68)
            return None if v == 0 else (IV, 'tcpip', (m, 64))
        if col == 11:
            return None if v == 2 else (IV, 'tcpip', (m, 64))
        if col == 7:         # DNSDomain: a domain name or empty (the file's part in RESERVE2)
            ok = vb.typ == 's' and (vb.val == '' or re.match(r'^[a-z0-9]+(\.[a-z0-9]+)*$', vb.val))
            return None if ok else (WV, 'tcpip', (m, 73))
        return None
    key = None
    if tbl == 'ad':
        key = 'ad %d' % vb.row[1]  # (named by keyname())
        if col == 26:
            prev = stored.get(26)
            rec = (1 if prev == 1 else 2, 2) if prev is not None else None
            if vb.typ != 'i':
                return WT, key, rec
            return None if v in (1, 2) else (WV, key, rec)   # the value names the method
        if col == 24:
            if vb.typ == 'x':
                return None if printable(hexbytes(vb).decode('latin1')) else (WV, key, None)
            return (WL, key, None) if len(vb.val) > 255 else None
        if col == 39:
            return None if v == 2 else (WV, key, (3, 2))
        if col == 40:
            return None if 1 <= v <= 6 else (WV, key, (4, 2))
    if tbl == 'cfg':
        key = 'cfg %d' % vb.row[1]
        if col == 17:
            return (WT, key, (31, 68)) if vb.typ != 'u' else None
        if col == 20:
            return None if 0 <= v <= 2 else (WV, key, (35, 90))
        if col in (8, 9):
            return None if v in (1, 2) else (WV, key, (21, 90))
        if col in (21, 22):
            return (WT, key, (41, 68)) if vb.typ != 'a' else None
        if col == 4:        # the value names the method: recorded only from an earlier one
            prev = stored.get(4)
            rec = ({1: 2, 2: 6}[prev], 90) if prev is not None else None
            return None if v in (1, 2) else (WV, key, rec)
        if col == 23:
            prev = stored.get(23)
            rec = (ACTION_METHOD.get(prev), 90) if prev is not None else None
            return None if 2 <= v <= 4 else (WV, key, rec)
    if tbl == 'addr':
        key = 'cfg %d' % vb.row[1]
        if col == 8:
            return None if v in (1, 4, 6) else (WV, key, (6, 90))
        if col == 7:
            return None if v in (2, 3) else (WV, key, (6, 90))
    if tbl == 'gw':
        key = 'cfg %d' % vb.row[1]
        ok = v in (1, 4, 6) if col == 6 else v in (2, 3)
        return None if ok else (WV, key, (23, 90))
    if tbl == 'none':
        key = 'cfg %d' % vb.row[2]
        return None if v in (1, 4, 6) else (WV, key, (NONE_METHOD[vb.row[1]][0], 90))
    return None


class Model:
    def __init__(self, ifx, names, prot):
        self.ifx, self.names, self.prot = ifx, names, prot   # name -> ifindex, ifindex -> name

    def link(self, t, i):
        n = self.names.get(i)
        if n is None or 'link %s' % n not in t:
            return None, None
        f = dict(kv.split('=', 1) for kv in t['link %s' % n].split(' ', 2))
        return n, f

    def ip_enabled(self, t, n, f):
        if n == 'lo' or f['up'] != '1':
            return False
        return any(a.split()[0] == n and not a.split()[1].startswith('fe80') for a in t['addrs'])

    def predict(self, vbs, t):
        o = Outcome()
        exp = json.loads(json.dumps(t))
        seen, stored, p1 = {}, {}, []
        for k, vb in enumerate(vbs, 1):
            rk = vb.row or ('scalar', vb.oid)
            st = stored.setdefault(rk, {})
            r = syntax(vb, st)
            if r:
                p1.append((k, r))
                continue
            if vb.oid in seen and seen[vb.oid] != (vb.typ, vb.val):
                p1.append((k, (IV, None, None)))
                continue
            # a scalar compares itself with the whole PDU (mibtable.c named_otherwise()):
            # its first naming is refused too when a later one has another value
            if vb.scalar is not None and any(w.oid == vb.oid and (w.typ, w.val) != (vb.typ, vb.val)
                                             for w in vbs):
                p1.append((k, (IV, None, None)))
                continue
            seen[vb.oid] = (vb.typ, vb.val)
            st[vb.col] = num(vb) if vb.typ in 'iu' else vb.val
        if p1:
            o.faults = [(r[0], k) for k, r in p1]
            for k, (s, key, rec) in p1:
                if key and rec and rec[0] and self.key_exists(t, key):
                    o.rec.setdefault(self.keyname(key), set()).add(tuple(rec))
            if len(p1) > 1:
                for key in list(o.rec):
                    o.rec[key] = 'any'
            return o, t
        # RESERVE2: every row checked
        rows, first, every = {}, {}, {}
        for k, vb in enumerate(vbs, 1):
            rk = vb.row or ('scalar', vb.oid)
            if rk not in rows:
                rows[rk], first[rk], every[rk] = {}, k, []
            rows[rk][vb.col] = vb
            every[rk].append(k)
        faults, recs, tc_methods, afaults = [], [], [], []
        self.unsure, self.unsure_keys, self.gw_new, self.rec_alt = False, set(), {}, {}
        self.gw_metrics = set()
        self.gw_gone = {'-4 via %s dev %s metric %d proto 252' % (rk[2], self.names.get(rk[1]), rk[3])
                        for rk, cols in rows.items() if rk[0] == 'gw' and num(cols[6]) == 6}
        dns = {'srv': {}, 'sfx': {}, 'domain': None}
        for rk, cols in rows.items():
            r = self.check(rk, cols, t, exp, dns, tc_methods)
            if r is None:
                continue
            status, key, rec = r
            if isinstance(rec, set):        # the model accepts any of these
                self.rec_alt[self.keyname(key)] = rec
                rec = sorted(rec)[0]
            if status == 'action':
                afaults.append((rk, key, rec))
            elif status:
                faults.append((status, first[rk]))
                if key and rec and rec[0]:
                    recs.append((key, rec, 'fault'))
            elif key and rec and rec[0]:
                recs.append((key, rec, 'ok'))
        for i, k in self.gw_new.items():
            if k > 5:       # WMI: more than 5 gateways (69), on one of the interface's rows
                faults += [(IV, first[rk]) for rk in rows if rk[0] == 'gw' and rk[1] == i]
                recs.append(('cfg %d' % i, (23, 69), 'fault'))
        for fault, rec in self.dns_apply(dns, t, exp, first):
            faults.append(fault)
            recs.append(('tcpip', rec, 'fault'))
        if dns['domain'] is not None or dns['sfx'] or dns['srv']:   # the last DNS method it performs
            tc_methods.append(18 if dns['domain'] is not None else 20 if dns['sfx'] else 19)
        o.unsure = self.unsure
        o.unsure_keys = self.unsure_keys
        if faults:
            o.faults = faults
            by = {}
            for key, rec, kind in recs:
                if kind == 'fault':
                    by.setdefault(self.keyname(key), set()).add(tuple(rec))
            for key, alt in self.rec_alt.items():
                if key in by:
                    by[key] |= alt
            o.rec = by
            return o, t
        if afaults:     # ACTION fails, UNDO puts back what was applied: records included
            o.faults = [(ST['commitFailed'], k) for rk, _k, _r in afaults for k in every[rk]]
            o.rec = {self.keyname(key): {tuple(rec)} if len(afaults) == 1 else 'any' for _rk, key, rec in afaults}
            return o, t
        by = {}
        for key, rec, kind in recs:
            by.setdefault(self.keyname(key), set()).add(tuple(rec))
        if tc_methods:
            by['tcpip'] = {(m, 0) for m in tc_methods}
        o.rec = by
        return o, exp

    def keyname(self, key):
        if key is None or key == 'tcpip':
            return key
        tbl, i = key.split()
        return '%s %s' % (tbl, self.names.get(int(i), i))

    def key_exists(self, t, key):
        if key == 'tcpip':
            return True
        n = self.names.get(int(key.split()[1]))
        return n is not None and 'link %s' % n in t

    def check(self, rk, cols, t, exp, dns, tc_methods):
        tbl = rk[0]
        if tbl == 'scalar':
            vb = list(cols.values())[0]
            col, m = vb.scalar
            if col in SYSCTLS:
                name, f = SYSCTLS[col][:2]
                exp['sysctl ' + name] = str(num(vb) // f)
            if col == 7:
                dns['domain'] = vb.val
            else:
                tc_methods.append(m)
            return None
        if tbl in ('srv', 'sfx'):
            return self.check_dns(rk, cols, t, dns)
        if tbl == 'gw':
            return self.check_gw(rk, cols, t, exp)
        i = rk[2] if tbl == 'none' else rk[1]
        n, f = self.link(t, i)
        key = 'cfg %d' % i if tbl != 'ad' else 'ad %d' % i
        if f is None:
            return (IN if tbl == 'addr' else NC), None, None
        v = {c: (num(vb) if vb.typ in 'iu' else vb.val) for c, vb in cols.items()}
        if tbl == 'none':
            m, code = NONE_METHOD[rk[1]]
            if n == self.prot:
                return NA, key, (m, 91)
            s = v.get(4 if rk[1] == IPX else 3)
            if s == 6:
                return 0, key, (m, 0)
            return (IV if s in (4, 5) else (IV if s else IN)), key, (m, code)
        if tbl == 'ad':
            return self.check_ad(n, f, v, key, exp)
        if tbl == 'cfg':
            return self.check_cfg(n, f, v, key, exp)
        return self.check_addr(rk, n, f, v, key, t, exp)

    def check_gw(self, rk, cols, t, exp):
        """SetGateways(): a persisted default route through the row's link (README)."""
        _x, i, gw, metric = rk
        n, f = self.link(t, i)
        key = 'cfg %d' % i
        st = num(cols[6])
        route = '-4 via %s dev %s metric %d proto 252' % (gw, n, metric)
        if f is None:
            return (0, None, None) if st == 6 else (IV, None, None)
        if n == self.prot and (st == 6 or 0 < metric <= 9999):    # (mib_set.c's order)
            self.unsure_keys.add(self.keyname(key))
            if st == 6 and route not in t['defaults']:
                return 0, None, None        # no route through it to delete: noError
            return NA, None, None
        if st == 6:
            if route in t['defaults']:
                exp['defaults'] = sorted(x for x in exp['defaults'] if x != route)
                return 0, key, (23, 0)
            self.unsure = True      # a row that is not there
            self.unsure_keys.add(self.keyname(key))
            return 0, None, None
        if any(d.startswith('-4 via %s dev %s metric %d ' % (gw, n, metric)) for d in t['defaults']):
            return IV, key, (23, 93)
        if metric == 0 or metric > 9999:
            return IV, key, (23, 90)
        if f['up'] != '1' or not any(a.startswith('%s 10.21.0.' % n) for a in t['addrs']):
            return IV, key, (23, 71)
        if any(' metric %d ' % metric in d for d in t['defaults']
               if d.startswith('-4 ') and d not in self.gw_gone):   # destroys go first
            # another default route at the metric: Linux keeps one (the code: see the report)
            return IV, key, {(23, 71), (23, 93)}
        if metric in self.gw_metrics:    # another row of the SET installs one at the metric
            return IV, key, {(23, 71), (23, 93)}
        self.gw_metrics.add(metric)
        self.gw_new[i] = self.gw_new.get(i, 0) + 1
        exp['defaults'] = sorted(exp['defaults'] + [route])
        return 0, key, (23, 0)

    def check_ad(self, n, f, v, key, exp):
        asked = 4 if 40 in v else 3 if 39 in v else (1 if v[26] == 1 else 2) if 26 in v else 0
        if n == self.prot:
            return NA, key, (asked, 2)
        up = f['up'] == '1'
        if 40 in v:
            return IV, key, (4, 1)
        if 39 in v and (not up or v.get(26) == 2):
            return IV, key, (3, 2)
        method = 0
        lk = exp['link %s' % n]
        if 24 in v:
            lk = re.sub(r"alias=.*", 'alias=%r' % v[24], lk)
        if 26 in v:
            method = 1 if v[26] == 1 else 2
            lk = lk.replace('up=%d' % up, 'up=%d' % (v[26] == 1))
        if 39 in v:
            method = 3
        exp['link %s' % n] = lk
        return 0, key, (method, 0)

    def check_cfg(self, n, f, v, key, exp):
        if n == self.prot:
            for group in CFG_ORDER:
                if any(c in v for c in group):
                    c = group[0] if group[0] in v else group[1]
                    m = CFG_METHOD.get(c) or (ACTION_METHOD.get(v.get(23)) if c == 23 else
                                              {1: 2, 2: 6}.get(v.get(4)))
                    return NA, key, (m, 91)
        method = 0
        for group in CFG_ORDER:
            if not any(c in v for c in group):
                continue
            if group == (17,):
                method = 31
                if v[17] < 68 or v[17] > 65535:
                    return WV, key, (31, 90)
                exp['link %s' % n] = re.sub(r'mtu=\d+', 'mtu=%d' % v[17], exp['link %s' % n])
            elif group == (20,):
                method = 35
                if v[20] != 2:
                    return IV, key, (35, 64)
            elif group == (8, 9):
                method = 21
                if 1 in (v.get(8), v.get(9)):
                    return IV, key, (21, 64)
            elif group == (21, 22):
                method = 41
                if any(v.get(c, '0.0.0.0') != '0.0.0.0' for c in (21, 22)):
                    return IV, key, (41, 64)
            elif group == (4,):
                method = 6 if v[4] == 2 else 2       # EnableStatic()'s stop, EnableDHCP()
                if v[4] == 1:
                    return IV, key, (2, 64)
            elif group == (23,):
                method = ACTION_METHOD[v[23]]
                if v[23] != 4:
                    return IV, key, (method, 100)
        return 0, key, (method, 0)

    def check_addr(self, rk, n, f, v, key, t, exp):
        _x, i, ip, plen = rk
        if n == self.prot:
            return NA, key, (6, 91)
        a = ipaddress.ip_address(ip)
        text = '%s %s/%d' % (n, a.compressed, plen)
        exists = text in t['addrs']
        st = v.get(8)
        if st is None:
            return (IV if exists else IN), None, None
        if 7 in v and st != 4:
            return IV, None, None
        if st == 4:
            if plen == 0 or plen > a.max_prefixlen:
                return IN, key, (6, 66)
            if a.version == 4:
                x = int(a)
                mask = (0xffffffff << (32 - plen)) & 0xffffffff
                if x >> 24 == 0 or x >> 28 >= 14 or (plen < 31 and (x & ~mask & 0xffffffff in (0, ~mask & 0xffffffff))):
                    return IN, key, (6, 70)
                if x >> 24 == 127:
                    return IV, key, (6, 70)
            if f.get('master') == '1' or n == 'vb2':
                return IV, key, (6, 97)
            if exists:
                return IV, key, (6, 93)
            if n == 'vd' and a.version == 6:    # IPv6 is disabled there: the kernel refuses in ACTION
                return 'action', key, (6, 84)
            exp['addrs'] = sorted(exp['addrs'] + [text])
            exp['storage'] = sorted(exp['storage'] + ['%s %d' % (text, v.get(7, 3))])
            if v.get(7, 3) == 3:
                exp['saved'] = sorted(exp['saved'] + ['%s %s/%d' % (n, a.compressed, plen)])
            return 0, key, (6, 0)
        if st == 1:
            return (0, key, (0, 0)) if exists else (IV, key, (6, 94))
        if exists:
            exp['addrs'] = sorted(x for x in exp['addrs'] if x != text)
            exp['storage'] = sorted(x for x in exp['storage'] if x.rsplit(' ', 1)[0] != text)
            exp['saved'] = sorted(x for x in exp['saved'] if x != '%s %s/%d' % (n, a.compressed, plen))
        return 0, key, (6, 0)

    def check_dns(self, rk, cols, t, dns):
        v = {c: vb for c, vb in cols.items()}
        if rk[0] == 'srv':
            _x, i, p = rk
            n, f = self.link(t, i)
            if f is None:
                return NC, 'tcpip', (19, 68)
            if not self.ip_enabled(t, n, f):
                return IV, 'tcpip', (19, 84)
            st = num(v[4]) if 4 in v else None
            val = None
            if st != 6 and 3 in v:
                b = hexbytes(v[3])
                if b == bytes(4):
                    return WV, 'tcpip', (19, 70)
                val = str(ipaddress.ip_address(b))
            dns['srv'].setdefault(p, []).append((st, val, rk))
            return None
        p = rk[1]
        st = num(v[3]) if 3 in v else None
        val = None
        if st != 6 and 2 in v:
            val = v[2].val
            if not re.match(r'^[a-z0-9]+(\.[a-z0-9]+)*$', val):
                return WV, 'tcpip', (20, 73)
        dns['sfx'][p] = (st, val, rk)   # (one row a position)
        return None

    def dns_apply(self, dns, t, exp, first):
        """The file's lists after the SET's rows and domain; the refusals [(fault, record)]."""
        bad = []
        for kind, lname, m in (('srv', 'nameservers', 19), ('sfx', 'search', 20)):
            cur = {k + 1: x for k, x in enumerate(t[lname])}
            rows = dns[kind]
            if not rows:
                continue
            for p, rs in sorted(rows.items()):
                rs = rs if kind == 'srv' else [rs]
                if len({(s, x) for s, x, _r in rs}) > 1:   # two interfaces, one position
                    bad += [((IV, first[r[2]]), (m, 68)) for r in rs]
                for st, val, rk in rs:
                    if st == 6:
                        cur.pop(p, None)
                    elif st == 4 and p in cur:
                        bad.append(((IV, first[rk]), (m, 68)))
                    elif st is None and p not in cur:
                        bad.append(((IN, first[rk]), (m, 68)))
                    elif val is not None:
                        cur[p] = val
            exp[lname] = [cur[k] for k in sorted(cur)]
        d = dns['domain']
        if d is not None:
            lst = exp['search']
            exp['search'] = ([d] + [x for x in lst if x != d]) if d else lst[1:]
        return bad


# ------------------------------------------------------------------ the run

def snmpset(vbs):
    args = []
    for vb in vbs:
        args += [vb.oid, vb.typ, vb.val]
    p = nsx('snmpset', *SNMP, AGENT, *args, check=False)
    if p.returncode == 0:
        return 0, 0, ''
    m = re.search(r'Reason: (\w+)', p.stderr)
    fo = re.search(r'Failed object: (\S+)', p.stderr)
    st = ST.get(m.group(1), -1) if m else -1
    return st, fo.group(1) if fo else '?', p.stderr.strip()


def diff(a, b):
    out = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            out.append('%s: expected %s, got %s' % (k, a.get(k), b.get(k)))
    return out


def addr_vbs(ifx, name, ip, plen, status, storage=None):
    """The varbinds of an address row: RowStatus, and StorageType if given."""
    i = ifx[name]
    row = ('addr', i, ip, plen)
    idx = '%d.%s.%d' % (i, ip_oid(ip), plen)
    vbs = [VB('%s.8.%s' % (ADDR, idx), 'i', status, row, 8, status)]
    if storage:
        vbs.append(VB('%s.7.%s' % (ADDR, idx), 'i', storage, row, 7, storage))
    return vbs


def fixed_round(ifx):
    """What seeds once found, run first: the PDUs, each a list of varbinds."""
    v6 = '2001:db8:20:2::4'
    return [
        addr_vbs(ifx, 'va0', '10.20.1.1', 24, 4, 2) + addr_vbs(ifx, 'br0', v6, 64, 4),
        # seed 31: the kernel refuses the second address: commitFailed names it, not the first
        addr_vbs(ifx, 'br0', v6, 64, 6) + addr_vbs(ifx, 'vd', '2001:db8:20::4', 64, 4),
        # seed 38: the destroy undone: the address is back, volatile(2) still
        addr_vbs(ifx, 'va0', '10.20.1.1', 24, 6) + addr_vbs(ifx, 'vd', '2001:db8:20::4', 64, 4),
        addr_vbs(ifx, 'va0', '10.20.1.1', 24, 6) + addr_vbs(ifx, 'br0', v6, 64, 6),
    ]


def run_pdu(model, ifx, vbs, log):
    """Send one PDU; what differs from the model's prediction (empty: nothing)."""
    t = truth(ifx)
    rec = records(ifx)
    o, exp = model.predict(vbs, t)
    st, oid, err = snmpset(vbs)
    t2 = truth(ifx)
    rec2 = records(ifx)
    log.append('  PDU %d: %s -> %s%s' % (len(log) + 1, ' | '.join(v.text() for v in vbs),
                                        NAME.get(st, st), ' at ' + oid.replace(E, 'E') if st else ''))
    why = judge(o, exp, t, t2, rec, rec2, st, oid, vbs)
    return (why + ['stderr: ' + err] if why and err else why), st == 0


def main():
    seed, rounds, pdus = int(ENV['SEED']), int(ENV['ROUNDS']), int(ENV.get('PDUS', '8'))
    ifx = json.loads(ENV['IFX'])
    names = {v: k for k, v in ifx.items()}
    prot = ENV['PROTECTED']
    R = random.Random(seed)
    g, model = Gen(R, ifx, prot), Model(ifx, names, prot)
    total = fails = succeeded = 0
    for rnd in range(0, rounds + 1):
        log, bad = [], None
        shell = rnd % 3 == 2
        fixed = fixed_round(ifx) if rnd == 0 else []
        for k in range(len(fixed) if rnd == 0 else pdus):
            if shell and R.randrange(2) == 0:
                log.append('  shell: ' + churn(R))
                time.sleep(0.3)     # the daemon reads the change's events
            vbs = fixed[k] if rnd == 0 else g.pdu(truth(ifx))
            bad, ok = run_pdu(model, ifx, vbs, log)
            total += 1
            succeeded += ok
            if bad:
                break
        what = 'the fixed round (what seeds found once)' if rnd == 0 else 'round %d' % rnd
        if bad:
            fails += 1
            print('not_ok %s (seed %d): the PDU\'s outcome is not the model\'s' % (what, seed))
            for l in log + bad:
                print('# ' + l)
            break
        print('ok %s: %d PDUs, outcome and state as the model predicts%s' % (
            what, k + 1, ' (shell churn between PDUs)' if shell else ''))
    print('# %d PDUs sent (%d succeeded, %d refused), %d rounds failed' % (total, succeeded, total - succeeded, fails))
    return 0


def judge(o, exp, t, t2, rec, rec2, st, oid, vbs):
    """What differs from the prediction: the answer (status and failed object: snmpset names
    the object, and a duplicate varbind has the same one), the state, the records."""
    why = []
    if o.faults:
        want = {(s, vbs[i - 1].oid) for s, i in o.faults}
        if (st, oid) not in want:
            why.append('expected one of %s, got %s at %s' % (
                ', '.join('%s at varbind %d' % (NAME.get(s, s), i) for s, i in o.faults), NAME.get(st, st), oid))
        if st:
            d = diff(t, t2)
            if d:
                why.append('a failed PDU changed: ' + '; '.join(d))
    else:
        if st and o.unsure:     # the kernel may refuse: then nothing changed
            d = diff(t, t2)
            if d:
                why.append('a failed PDU changed: ' + '; '.join(d))
        elif st:
            why.append('expected success, got %s at %s' % (NAME.get(st, st), oid))
        else:
            d = diff(exp, t2)
            if d:
                why.append('after the PDU: ' + '; '.join(d))
    for key in sorted(set(rec) | set(rec2)):
        want = o.rec.get(key)
        got = rec2.get(key)
        if want == 'any' or key in o.unsure_keys:
            continue
        if o.unsure and st and not o.faults:     # refused where the model was unsure
            want = None
        if want is None:
            if got != rec.get(key):
                why.append('record %s: expected unchanged %s, got %s' % (key, rec.get(key), got))
        elif got not in want:
            why.append('record %s: expected %s, got %s' % (key, ' or '.join(map(str, sorted(want))), got))
    return why


def churn(R):
    """A change from the shell between two PDUs; returns what it did."""
    k = R.randrange(6)
    if k == 0:
        cmd = ['ip', 'addr', 'add', '10.30.%d.%d/24' % (R.randrange(2), R.randrange(1, 9)), 'dev', R.choice(['va0', 'va1', 'br0'])]
    elif k == 1:
        cmd = ['ip', 'addr', 'flush', 'dev', R.choice(['va0', 'br0']), 'to', '10.30.0.0/16']
    elif k == 2:
        cmd = ['ip', 'link', 'set', R.choice(['va0', 'br0']), R.choice(['up', 'up', 'down'])]
    elif k == 3:
        # only on a link that is up: the kernel announces no alias change of a link that is down
        # (README), and the daemon would take a write of the alias it knew for nothing to do
        n = R.choice(['va0', 'va1', 'br0'])
        if 'UP' not in json.loads(nsx('ip', '-j', 'link', 'show', n).stdout)[0]['flags']:
            return 'ip link set %s alias: not while it is down' % n
        cmd = ['ip', 'link', 'set', n, 'alias', 'sh%d' % R.randrange(99)]
    elif k == 4:
        cmd = ['ip', 'link', 'set', R.choice(['va0', 'br0']), 'mtu', str(R.choice([1300, 1500]))]
    else:
        cmd = ['sysctl', '-qw', 'net.ipv4.ip_default_ttl=%d' % R.randrange(30, 90)]
    p = nsx(*cmd, check=False)
    return ' '.join(cmd) + ('' if p.returncode == 0 else ' (rc %d)' % p.returncode)


if __name__ == '__main__':
    sys.exit(main())
