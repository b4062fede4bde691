#!/usr/bin/env python3
"""Compare a walk of cimAdapterConfig (.1.6) with the kernel and the resolver file.

adcfg_rows.py WALK LINKS.json ADDRS.json ROUTES4.json ROUTES6.json [RESOLV [SYSCTLS]]

WALK is `snmpbulkwalk -On -Ob -Oe -Ox` output of .1.3.6.1.4.1.32473.1.1.6; the JSON files
are `ip -j link`, `ip -j addr`, `ip -j -d -4 route show table main` and the same for -6.
RESOLV is the resolver file the agent reads; SYSCTLS a file of "name value" lines with the
host name as "hostname NAME". Prints "# compare: ..." and the differences; exit status 1
when there is one.
"""
import ipaddress
import json
import platform
import re
import sys

ARC = (1, 3, 6, 1, 4, 1, 32473, 1, 1, 6)
FOREVER = 4294967295
KERNEL = tuple(int(x) for x in re.findall(r'\d+', platform.release())[:2])


def parse_walk(path):
    """{oid tuple: (type, value)}; hex strings as bytes, numbers as int."""
    rows, cur = {}, None
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith('.'):
            o, _, v = line.partition(' = ')
            t, _, v = v.partition(': ')
            cur = tuple(int(x) for x in o[1:].split('.'))
            rows[cur] = [t, v]
        elif cur is not None:
            rows[cur][1] += ' ' + line.strip()
    out = {}
    for o, (t, v) in rows.items():
        if o[:len(ARC)] != ARC:
            continue
        if t == 'Hex-STRING':
            v = bytes.fromhex(v.replace(' ', ''))
        elif t == 'STRING':
            v = v.strip().strip('"').encode()
        elif t in ('INTEGER', 'Gauge32', 'Unsigned32'):
            v = int(v.split('(')[-1].rstrip(')')) if '(' in v else int(v)
        elif t == 'OID':
            v = v.strip()
        elif v == '""':
            v = b''
        out[o[len(ARC):]] = (t, v)
    return out


def table(walk, arc, cols=None):
    """{index tuple: {column: value}} of the table at arc (.arc.1.col.index)."""
    t = {}
    for o, (_, v) in walk.items():
        if o[:2] == (arc, 1) and len(o) > 3:
            t.setdefault(o[3:], {})[o[2]] = v
    return t


def addr_index(ifindex, a, plen):
    ip = ipaddress.ip_address(a)
    return (ifindex, 1 if ip.version == 4 else 2, len(ip.packed)) + tuple(ip.packed) + (plen,)


def ip_enabled(link, addrs):
    if 'UP' not in link['flags'] or 'LOOPBACK' in link['flags']:
        return False
    return any(a['family'] == 'inet' or a.get('scope') != 'link' for a in addrs)


def origin(a):
    if a.get('protocol') in ('kernel_lo', 'kernel_ra', 'kernel_ll'):
        return 5
    v6 = a['family'] == 'inet6'
    if v6 and a['local'] == '::1' and 'protocol' not in a and KERNEL >= (6, 3):
        return 5  # IFAPROT_KERNEL_LO, which iproute2 before 6.3 does not print
    if v6 and a.get('temporary'):
        return 6
    if v6 and 'protocol' not in a and ipaddress.ip_address(a['local']).is_link_local:
        return 5
    if not v6 and a.get('valid_life_time', FOREVER) != FOREVER:
        return 4
    if v6 and a.get('dynamic'):
        return 5
    return 2


def subnet(a):
    if a['family'] == 'inet':
        return str(ipaddress.ip_network('0.0.0.0/%d' % a['prefixlen']).netmask).encode()
    return str(a['prefixlen']).encode()


def default_hops(routes):
    """(route, next hop) of each unicast default route, one a next hop."""
    for r in routes:
        if r.get('dst') == 'default' and r.get('type', 'unicast') == 'unicast':
            for h in r.get('nexthops') or [r]:
                yield r, h


def gateways(routes, family, names):
    """[(ifindex, family, gateway, metric)] of the default routes through a gateway."""
    out = []
    for r, h in default_hops(routes):
        gw = h.get('gateway') or (h.get('via') or {}).get('host')
        if gw is not None:
            out.append((names[h['dev']], family, gw, r.get('metric', 0)))
    return out


def resolver(path):
    servers, search = [], []
    for line in open(path):
        w = line.split()
        if not w or w[0][0] in '#;':
            continue
        if w[0] == 'nameserver' and len(w) > 1:
            try:  # glibc skips what is not an address
                ipaddress.ip_address(w[1].partition('%')[0])
                servers.append(w[1])
            except ValueError:
                pass
        elif w[0] == 'domain' and len(w) > 1:
            search = [w[1]]
        elif w[0] == 'search':
            search = w[1:]
    return servers, search


def main():
    walk = parse_walk(sys.argv[1])
    links = json.load(open(sys.argv[2]))
    addrs = {l['ifindex']: l.get('addr_info', []) for l in json.load(open(sys.argv[3]))}
    names = {l['ifname']: l['ifindex'] for l in links}
    r4, r6 = json.load(open(sys.argv[4])), json.load(open(sys.argv[5]))
    errs = []

    def eq(what, got, want):
        if got != want:
            errs.append('%s: got %r, want %r' % (what, got, want))

    # cimAdapterCfgCount and the configuration rows
    eq('count', walk.get((1, 0), (0, None))[1], len(links))
    cfg = table(walk, 3)
    eq('rows', sorted(cfg), sorted((l['ifindex'],) for l in links))
    gws = gateways(r4, 4, names) + gateways(r6, 6, names)
    for l in links:
        i, row = l['ifindex'], cfg.get((l['ifindex'],), {})
        n = l['ifname']
        eq('%s IPEnabled' % n, row.get(12), 1 if ip_enabled(l, addrs.get(i, [])) else 2)
        eq('%s InterfaceIndex' % n, row.get(10), i)
        eq('%s MTU' % n, row.get(17), l['mtu'])
        eq('%s SettingID' % n, row.get(19), n.encode())
        eq('%s Caption' % n, row.get(2), ('[%08u] %s' % (i, n)).encode())
        mac = l.get('address')
        eq('%s MACAddress' % n, row.get(16), bytes.fromhex(mac.replace(':', '')) if mac else None)
        kind = (l.get('linkinfo') or {}).get('info_kind')
        eq('%s ServiceName' % n, row.get(18), kind.encode() if kind else None)
        # every default route through the link, with or without a gateway (README)
        metrics = [r.get('metric', 0) for r, h in default_hops(r4 + r6) if names.get(h.get('dev')) == i]
        eq('%s IPConnectionMetric' % n, row.get(11), min(metrics) if metrics else None)
        leased = any(a['family'] == 'inet' and a.get('valid_life_time', FOREVER) != FOREVER
                     for a in addrs.get(i, []))
        eq('%s DHCPEnabled' % n, row.get(4), 1 if leased else 2)
        eq('%s IPXEnabled' % n, row.get(14), 2)
        for absent in (8, 9, 13, 15, 20, 21, 22, 25):
            eq('%s column %d' % (n, absent), row.get(absent), None)

    # the address rows: every column, and WMI's positions
    at = table(walk, 4)
    want = {}
    for i, al in addrs.items():
        groups = sorted(al, key=lambda a: (2 if a['family'] == 'inet6' else 1 if a.get('secondary') else 0,
                                           addr_index(i, a['local'], a['prefixlen'])))
        for pos, a in enumerate(groups):
            want[addr_index(i, a['local'], a['prefixlen'])] = (a, pos)
    eq('address rows', sorted(at), sorted(want))
    for idx, (a, pos) in want.items():
        row, n = at.get(idx, {}), '%s/%d' % (a['local'], a['prefixlen'])
        eq('%s Origin' % n, row.get(4), origin(a))
        for col, key in ((5, 'valid_life_time'), (6, 'preferred_life_time')):
            w, g = a.get(key, FOREVER), row.get(col)
            if w == FOREVER or g is None:
                eq('%s %s' % (n, key), g, w)
            elif abs(g - w) > 3:
                eq('%s %s (within 3 s)' % (n, key), g, w)
        eq('%s StorageType' % n, row.get(7), 1)
        eq('%s RowStatus' % n, row.get(8), 1)
        eq('%s Subnet' % n, row.get(9), subnet(a))
        eq('%s Position' % n, row.get(10), pos)

    # the gateway rows
    gt = table(walk, 5)
    want = {}
    for i in set(x for x, _, _, _ in gws):
        mine = sorted((g for g in gws if g[0] == i), key=lambda g: (g[1], g[3], addr_index(i, g[2], 0)))
        for pos, (_, fam, gw, metric) in enumerate(mine):
            want[addr_index(i, gw, 0)[:-1] + (metric,)] = (fam, pos)
    eq('gateway rows', sorted(gt), sorted(want))
    for idx, (fam, pos) in want.items():
        row = gt.get(idx, {})
        eq('gateway %r Position' % (idx,), row.get(7), pos)
        prefix = '.1.3.6.1.4.1.32473.1.1.%s.' % ('1.3.1.8' if fam == 4 else '8.3.1.9')
        if not str(row.get(4, '')).startswith(prefix):
            errs.append('gateway %r Route %r does not start with %s' % (idx, row.get(4), prefix))

    # the permit and IPX tables have no rows
    for arc in (6, 7, 8, 9):
        eq('table .%d rows' % arc, len(table(walk, arc)), 0)

    nres = 0
    if len(sys.argv) > 6:
        servers, search = resolver(sys.argv[6])
        st, xt = table(walk, 10), table(walk, 11)
        want = {}
        for l in links:
            if ip_enabled(l, addrs.get(l['ifindex'], [])):
                for pos, s in enumerate(servers[:64], 1):
                    want[(l['ifindex'], pos)] = s
        eq('DNS server rows', sorted(st), sorted(want))
        for idx, s in want.items():
            a, _, zone = s.partition('%')
            ip = ipaddress.ip_address(a)
            packed = ip.packed + ((int(zone) if zone.isdigit() else names.get(zone, 0)).to_bytes(4, 'big') if zone else b'')
            eq('DNS server %r type' % (idx,), st.get(idx, {}).get(2), 4 if zone else 1 if ip.version == 4 else 2)
            eq('DNS server %r' % (idx,), st.get(idx, {}).get(3), packed)
        eq('DNS suffixes', [xt[k].get(2) for k in sorted(xt)], [s.encode() for s in search[:64]])
        tc = {o[1]: v for o, (_, v) in walk.items() if o[0] == 12 and len(o) == 3}
        eq('DNSDomain', tc.get(7), search[0].encode() if search else None)
        nres = len(st) + len(xt)
        if len(sys.argv) > 7:
            sc = dict(line.split(None, 1) for line in open(sys.argv[7]) if line.strip())
            sc = {k: v.strip() for k, v in sc.items()}
            eq('DefaultTTL', tc.get(6), int(sc['net.ipv4.ip_default_ttl']))
            eq('KeepAliveInterval', tc.get(15), 1000 * int(sc['net.ipv4.tcp_keepalive_intvl']))
            eq('KeepAliveTime', tc.get(16), 1000 * int(sc['net.ipv4.tcp_keepalive_time']))
            eq('PMTUBHDetect', tc.get(18), 1 if sc['net.ipv4.tcp_mtu_probing'] != '0' else 2)
            eq('PMTUDiscovery', tc.get(19), 1 if sc['net.ipv4.ip_no_pmtu_disc'] in ('0', '3') else 2)
            eq('MaxConnectRetrans', tc.get(20), int(sc['net.ipv4.tcp_syn_retries']))
            eq('MaxDataRetrans', tc.get(21), int(sc['net.ipv4.tcp_retries2']))
            eq('RFC1122UrgentPointer', tc.get(23), 1 if sc['net.ipv4.tcp_stdurg'] != '0' else 2)
            eq('DNSHostName', tc.get(9), sc['hostname'].encode())
            eq('IGMPLevel', tc.get(11), 2)
            eq('DatabasePath', tc.get(3), b'/etc')
            for col, want_v in ((2, 2), (4, 2), (5, 0), (13, 2), (28, 1), (29, 0)):
                eq('cimTcpip.%d' % col, tc.get(col), want_v)
            for col in (1, 8, 10, 12, 14, 17, 22, 24, 25, 26, 27, 30):
                eq('cimTcpip.%d absent' % col, tc.get(col), None)

    print('# compare: %d links, %d addresses, %d gateways, %d resolver rows, %d differences'
          % (len(cfg), len(at), len(gt), nres, len(errs)))
    for e in errs[:60]:
        print('# ' + e)
    return 1 if errs else 0


if __name__ == '__main__':
    sys.exit(main())
