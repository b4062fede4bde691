#!/usr/bin/env python3
"""prom_rows.py - read what snmp_exporter scraped from cimrouted (prometheus.sh).

    prom_rows.py value SCRAPE METRIC [LABEL=VALUE...]   the value of the one matching series
    prom_rows.py label SCRAPE METRIC LABEL [LABEL=VALUE...]   a label of the one matching series
    prom_rows.py adapters SCRAPE LINKS_JSON             the adapter series against `ip -j link`
    prom_rows.py routes SCRAPE ROUTES_JSON LINKS_JSON [--tables main]
                                                        the cimroute_routes series against
                                                        `ip -j -d -4 route show table all`

SCRAPE is the exporter's answer (Prometheus text format). value and label exit 1 when no
series or more than one matches. adapters and routes print one line per difference, then a
"# compare: ..." line, and exit 1 when there is a difference.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SERIES = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')
UNESCAPE = {'\\\\': '\\', '\\"': '"', '\\n': '\n'}


def parse(path):
    """[(name, {label: value}, float)] of every sample; comments left out."""
    out = []
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line or line.startswith('#'):
            continue
        m = SERIES.match(line)
        if not m:
            raise ValueError('%s:%d: not a sample: %r' % (path, n, line))
        labels = {}
        body = m.group(2) or ''
        pos = 0
        while pos < len(body):
            lm = LABEL.match(body, pos)
            if not lm:
                raise ValueError('%s:%d: bad labels: %r' % (path, n, body))
            labels[lm.group(1)] = re.sub(r'\\[\\"n]', lambda e: UNESCAPE[e.group(0)], lm.group(2))
            pos = lm.end()
        out.append((m.group(1), labels, float(m.group(3))))
    return out


def select(samples, name, want):
    return [s for s in samples if s[0] == name and all(s[1].get(k) == v for k, v in want.items())]


def one(samples, name, pairs):
    want = dict(p.split('=', 1) for p in pairs)
    got = select(samples, name, want)
    if len(got) != 1:
        sys.stderr.write('%d series %s%s\n' % (len(got), name, want))
        for s in got[:5]:
            sys.stderr.write('  %s\n' % (s,))
        sys.exit(1)
    return got[0]


def num(v):
    return '%d' % v if v == int(v) else repr(v)


def expected_status(flags):
    """README, cimNetAdapterTable: the adapter's state from IFF_UP and the carrier."""
    if 'UP' not in flags:
        return 'disconnected'
    return 'connected' if 'LOWER_UP' in flags else 'mediaDisconnected'


def adapters(samples, links):
    bad = []
    ix_label, name_label = 'cimNetAdapterInterfaceIndex', 'cimNetAdapterNetConnectionID'
    for metric in ('cimNetAdapterNetConnectionStatus_info', 'cimAdapterCfgMTU'):
        got = len(select(samples, metric, {}))
        if got != len(links):
            bad.append('%s: %d series, the kernel has %d links' % (metric, got, len(links)))
    for l in links:
        ix, name = str(l['ifindex']), l.get('ifalias') or l['ifname']
        st = select(samples, 'cimNetAdapterNetConnectionStatus_info', {ix_label: ix})
        if len(st) != 1:
            bad.append('%s: %d NetConnectionStatus series' % (l['ifname'], len(st)))
        else:
            labels = st[0][1]
            if labels.get(name_label) != name:
                bad.append('%s: NetConnectionID label %r, want %r' % (l['ifname'], labels.get(name_label), name))
            want = expected_status(l.get('flags', []))
            if labels.get('cimNetAdapterNetConnectionStatus') != want or st[0][2] != 1:
                bad.append('%s (flags %s): NetConnectionStatus %r = %s, want %r = 1' % (
                    l['ifname'], ','.join(l.get('flags', [])),
                    labels.get('cimNetAdapterNetConnectionStatus'), num(st[0][2]), want))
        up = 'UP' in l.get('flags', [])
        for state, val in (('true', up), ('false', not up)):
            s = select(samples, 'cimNetAdapterNetEnabled', {ix_label: ix, 'cimNetAdapterNetEnabled': state})
            if [x[2] for x in s] != [1.0 if val else 0.0]:
                bad.append('%s: NetEnabled{%s} %s, want %d' % (l['ifname'], state, [x[2] for x in s], val))
        mtu = select(samples, 'cimAdapterCfgMTU', {'cimAdapterCfgIndex': ix, name_label: name})
        if [x[2] for x in mtu] != [float(l['mtu'])]:
            bad.append('%s: cimAdapterCfgMTU %s, want %d' % (l['ifname'], [x[2] for x in mtu], l['mtu']))
        mac = select(samples, 'cimNetAdapterMACAddress', {ix_label: ix})
        if l.get('link_type') == 'ether':
            macs = [x[1].get('cimNetAdapterMACAddress', '').lower() for x in mac]
            if macs != [l['address'].lower()]:
                bad.append('%s: MACAddress %s, want %s' % (l['ifname'], macs, l['address']))
    return bad


def routes(samples, route_json, links, tables):
    import route_rows
    exp, _ = route_rows.expected_rows(route_json, links, route_rows.parse_tables(tables))
    names = ('Destination', 'Mask', 'NextHop', 'InterfaceIndex', 'KernelTable', 'Tos', 'KernelMetric')

    def key(labels):
        return tuple(labels.get('cimIP4Route' + n, '?') for n in names)

    want = {}
    for index, row in exp.items():
        k = ('.'.join(map(str, index[0:4])), '.'.join(map(str, index[4:8])),
             '.'.join(map(str, index[8:12]))) + tuple(str(x) for x in index[12:])
        want[k] = row
    bad = []
    got = {key(s[1]): s for s in select(samples, 'cimIP4RouteType_info', {})}
    for k in sorted(set(want) - set(got)):
        bad.append('missing route %s' % (k,))
    for k in sorted(set(got) - set(want)):
        bad.append('extra route %s' % (k,))
    types = {1: 'other', 2: 'invalid', 3: 'direct', 4: 'indirect'}
    for k in sorted(set(got) & set(want)):
        t = types[want[k].cols[route_rows.COL['Type']][1]]
        if got[k][1].get('cimIP4RouteType') != t:
            bad.append('route %s: Type %r, want %r' % (k, got[k][1].get('cimIP4RouteType'), t))
        metric = int(k[6])
        m1 = [s[2] for s in samples if s[0] == 'cimIP4RouteMetric1' and key(s[1]) == k]
        if m1 != ([float(metric)] if metric <= 2147483647 else []):
            bad.append('route %s: Metric1 %s, want %d' % (k, m1, metric))
    print('# compare: %d routes scraped, %d in the kernel tables %s' % (len(got), len(want), tables))
    return bad


def main(argv):
    cmd = argv[1]
    samples = parse(argv[2])
    if cmd == 'value':
        print(num(one(samples, argv[3], argv[4:])[2]))
        return 0
    if cmd == 'label':
        print(one(samples, argv[3], argv[5:])[1].get(argv[4], ''))
        return 0
    if cmd == 'adapters':
        links = json.load(open(argv[3]))
        bad = adapters(samples, links)
        print('# compare: %d links' % len(links))
    elif cmd == 'routes':
        tables = argv[argv.index('--tables') + 1] if '--tables' in argv else 'main'
        bad = routes(samples, json.load(open(argv[3])), json.load(open(argv[4])), tables)
    else:
        sys.stderr.write(__doc__)
        return 2
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
