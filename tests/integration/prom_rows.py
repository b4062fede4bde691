#!/usr/bin/env python3
"""prom_rows.py - read what snmp_exporter scraped from cimrouted (prometheus.sh).

    prom_rows.py value SCRAPE METRIC [LABEL=VALUE...]   the value of the one matching series
    prom_rows.py label SCRAPE METRIC LABEL [LABEL=VALUE...]   a label of the one matching series
    prom_rows.py adapters SCRAPE LINKS_JSON             the adapter series against `ip -j link`
                                                        and sysfs (run it in the namespace)
    prom_rows.py routes SCRAPE ROUTES_JSON LINKS_JSON [--tables main] [-6]
                                                        the cimroute_routes series against
                                                        `ip -j -d -4 route show table all`
                                                        (IPv6 with -6 and `ip -j -d -6 ...`)
    prom_rows.py count ROUTES_JSON LINKS_JSON [--tables main] [-6]
                                                        the number of rows cimrouted makes of
                                                        those routes (IPv4, or IPv6 with -6)

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


def sysfs_speed(name):
    """Mbit/s as /sys/class/net/NAME/speed says (run in the namespace), None if unknown."""
    try:
        v = int(open('/sys/class/net/%s/speed' % name).read())
    except (OSError, ValueError):
        return None
    return v if v > 0 else None


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
        speed = sysfs_speed(l['ifname']) if 'UP' in l.get('flags', []) else None
        sp = [x[2] for x in select(samples, 'cimNetAdapterSpeed', {ix_label: ix})]
        if sp != ([speed * 1e6] if speed else []):
            bad.append('%s: Speed %s, /sys/class/net/%s/speed says %s Mbit/s' % (l['ifname'], sp, l['ifname'], speed))
        mac = select(samples, 'cimNetAdapterMACAddress', {ix_label: ix})
        if l.get('link_type') == 'ether':
            macs = [x[1].get('cimNetAdapterMACAddress', '').lower() for x in mac]
            if macs != [l['address'].lower()]:
                bad.append('%s: MACAddress %s, want %s' % (l['ifname'], macs, l['address']))
    return bad


def dotted(octets):
    return '.'.join(map(str, octets))


def colons(octets):
    """An IPv6 address as snmp_exporter 0.21 writes an InetAddressIPv6 index (0102:0304:...)."""
    return ':'.join('%02X%02X' % tuple(octets[i:i + 2]) for i in range(0, 16, 2))


# per family: the label names of the index in order, the index tuple -> label values, the module
FAMILY = {
    4: ('cimIP4Route', ('Destination', 'Mask', 'NextHop', 'InterfaceIndex', 'KernelTable', 'Tos',
                        'KernelMetric'),
        lambda i: (dotted(i[0:4]), dotted(i[4:8]), dotted(i[8:12])) + tuple(map(str, i[12:]))),
    6: ('cimIP6Route', ('Destination', 'PrefixLength', 'NextHop', 'InterfaceIndex', 'KernelTable',
                        'KernelMetric', 'Source', 'SourceLength'),
        lambda i: (colons(i[0:16]), str(i[16]), colons(i[17:33])) + tuple(map(str, i[33:36]))
        + (colons(i[36:52]), str(i[52]))),
}


def expected(route_json, links, tables, family):
    if family == 6:
        import route6_rows
        return route6_rows.expected_rows6(route_json, links, route6_rows.rr.parse_tables(tables))[0], \
            route6_rows.COL
    import route_rows
    return route_rows.expected_rows(route_json, links, route_rows.parse_tables(tables))[0], route_rows.COL


def routes(samples, route_json, links, tables, family):
    prefix, names, labels_of = FAMILY[family]
    exp, col = expected(route_json, links, tables, family)

    def key(labels):
        return tuple(labels.get(prefix + n, '?') for n in names)

    want = {labels_of(index): row for index, row in exp.items()}
    bad = []
    got = {key(s[1]): s for s in select(samples, prefix + 'Type_info', {})}
    for k in sorted(set(want) - set(got)):
        bad.append('missing route %s' % (k,))
    for k in sorted(set(got) - set(want)):
        bad.append('extra route %s' % (k,))
    types = {1: 'other', 2: 'invalid', 3: 'direct', 4: 'indirect'}
    metric_at = names.index('KernelMetric')
    for k in sorted(set(got) & set(want)):
        t = types[want[k].cols[col['Type']][1]]
        if got[k][1].get(prefix + 'Type') != t:
            bad.append('route %s: Type %r, want %r' % (k, got[k][1].get(prefix + 'Type'), t))
        metric = int(k[metric_at])
        m1 = [s[2] for s in samples if s[0] == prefix + 'Metric1' and key(s[1]) == k]
        if m1 != ([float(metric)] if metric <= 2147483647 else []):
            bad.append('route %s: Metric1 %s, want %d' % (k, m1, metric))
    print('# compare: %d IPv%d routes scraped, %d in the kernel tables %s'
          % (len(got), family, len(want), tables))
    return bad


def count(route_json, links, tables, family):
    return len(expected(route_json, links, tables, family)[0])


def main(argv):
    cmd = argv[1]
    tables = argv[argv.index('--tables') + 1] if '--tables' in argv else 'main'
    family = 6 if '-6' in argv else 4
    if cmd == 'count':
        print(count(json.load(open(argv[2])), json.load(open(argv[3])), tables, family))
        return 0
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
        bad = routes(samples, json.load(open(argv[3])), json.load(open(argv[4])), tables, family)
    else:
        sys.stderr.write(__doc__)
        return 2
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
