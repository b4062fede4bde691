#!/usr/bin/env python3
"""route6_rows.py - expected cimIP6RouteTable rows from the kernel, and checks of SNMP output.

Part of the cimroute integration tests (python3 standard library only). The sub-commands,
options and output are route_rows.py's (compare, expected, diffwalk, next, checkget, pick,
nextcheck, bulkcheck, dtcheck, rows); this file gives them the IPv6 table: its OIDs, its
53-subid index, its columns and the rows the kernel's IPv6 routes must give
(`ip -j -d -6 route show table all` as --routes).

The expectations implement mibs/CIM-ROUTE-MIB.txt's cimIP6RouteTable; each rule says so.
"""

import ipaddress
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import route_rows as rr  # noqa: E402

TABLE_PREFIX = (1, 3, 6, 1, 4, 1, 32473, 1, 1, 8, 3, 1)   # cimIP6RouteEntry
# dst 0-15, prefix length 16, next hop 17-32, ifindex 33, table 34, metric 35, source 36-51,
# source length 52
INDEX_LEN = 16 + 1 + 16 + 1 + 1 + 1 + 16 + 1
ADDR_POSITIONS = list(range(0, 16)) + list(range(17, 33)) + list(range(36, 52))
COL = {
    'Age': 9, 'Caption': 10, 'Description': 11, 'InstallDate': 12, 'Name': 13, 'Protocol': 14,
    'Status': 15, 'Type': 16, 'KernelProtocol': 17, 'KernelType': 18, 'Metric1': 19,
    'Preference': 20, 'ValidLifetime': 21, 'RowStatus': 22,
}
COLTYPE = {
    9: 'INTEGER', 10: 'STRING', 11: 'STRING', 12: 'STRING', 13: 'STRING', 14: 'INTEGER',
    15: 'STRING', 16: 'INTEGER', 17: 'Gauge32', 18: 'INTEGER', 19: 'INTEGER', 20: 'INTEGER',
    21: 'Gauge32', 22: 'INTEGER',
}
PREF = {'low': -1, 'medium': 0, 'high': 1}   # MIB: RFC 4191 2.1's signed values
INFINITE = 4294967295                          # MIB: ValidLifetime of a route that does not expire
NO_GATEWAY_TYPES = rr.NO_NEXTHOP_TYPES


def addr16(a):
    return tuple(ipaddress.IPv6Address(a).packed)


def prefix6(p):
    """ip's dst or from: 'default', 'ADDR/LEN' or 'ADDR' (a /128)."""
    if p in (None, 'default', 'any'):
        return '::', 0
    if '/' in p:
        a, l = p.split('/')
        return str(ipaddress.IPv6Address(a)), int(l)
    return str(ipaddress.IPv6Address(p)), 128


def fmt_index6(ix):
    if len(ix) != INDEX_LEN:
        return '<bad index %s>' % '.'.join(map(str, ix))
    a = lambda s: str(ipaddress.IPv6Address(bytes(s)))
    return 'dst %s/%d nexthop %s if %d table %d metric %d from %s/%d' % (
        a(ix[0:16]), ix[16], a(ix[17:33]), ix[33], ix[34], ix[35], a(ix[36:52]), ix[52])


def caption(rtype, dst, plen, src, slen, gw, dev):
    """MIB cimIP6RouteCaption: '[type ]prefix[ from source][ via gw][ dev name]', cut to 64."""
    s = ('' if rtype == 'unicast' else rtype + ' ') + '%s/%d' % (dst, plen)
    if slen:
        s += ' from %s/%d' % (src, slen)
    if gw:
        s += ' via ' + gw
    if dev:
        s += ' dev ' + dev
    return s.encode()[:64]


def expected_rows6(routes, links, tables=None, own_proto=None, nexthops=None):
    """Return (dict index -> Row, list of notes), as route_rows.expected_rows for IPv4."""
    ifindex = {l['ifname']: l['ifindex'] for l in links}
    rows = {}
    notes = []
    for r, rtype, table, proto in rr.table_routes(routes, tables):
        metric = int(r.get('metric', 0))
        dst, plen = prefix6(r.get('dst'))
        src, slen = prefix6(r.get('from'))
        for gw, dev, flags, h in rr.route_hops(r, nexthops):   # MIB: one row per next hop
            if dev is None and 'blackhole' in h:
                dev = 'lo'                        # README: a blackhole object's is the kernel's lo
            if dev is None:
                oif = 0
            elif dev in ifindex:
                oif = ifindex[dev]                # blackhole & co.: the kernel says dev lo
            else:
                raise ValueError('device %r of route %s not in ip link output' % (dev, json.dumps(r)))
            nh = gw or '::'                       # MIB: NextHop :: for routes without gateway
            index = addr16(dst) + (plen,) + addr16(nh) + (oif, table, metric) + addr16(src) + (slen,)
            cols = {
                COL['Caption']: ('STRING', caption(rtype, dst, plen, src, slen, gw, dev)),
                COL['Name']: ('STRING', ('%s/%d' % (dst, plen)).encode()),
                COL['Protocol']: ('INTEGER', rr.protocol_enum(proto, own_proto)),
                COL['Status']: ('STRING', b'Error' if flags & {'dead', 'linkdown'} else b'OK'),
                COL['Type']: ('INTEGER', rr.type_enum(rtype, bool(gw) and rtype not in NO_GATEWAY_TYPES)),
                COL['KernelProtocol']: ('Gauge32', proto),
                COL['KernelType']: ('INTEGER', rr.name2num(rtype, rr.RTN, 'route type')),
                COL['Preference']: ('INTEGER', PREF.get(r.get('pref', 'medium'), 0)),
                COL['RowStatus']: ('INTEGER', 1),
            }
            if metric <= 2147483647:              # MIB: Metric1 absent beyond Integer32
                cols[COL['Metric1']] = ('INTEGER', metric)
            # MIB: ValidLifetime counts down to the kernel's expiry; checked within a slack
            cols[COL['ValidLifetime']] = ('Gauge32', Lifetime(max(int(r['expires']), 0)) if 'expires' in r else INFINITE)
            rr.add_row(rows, notes, rr.Row(index, cols, r))
    return rows, notes


class Lifetime(int):
    """An expected lifetime, as ip showed it: the walk read it up to ELAPSED seconds later
    (a GETBULK walk reads column by column), so it may be that much lower, 2 s for rounding."""
    def __eq__(self, other):
        return isinstance(other, int) and int(self) - ELAPSED - 2 <= other <= int(self) + 2

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = int.__hash__


def routes_age(argv):
    """Seconds since the --routes snapshot was written (its mtime): how late the walk may be."""
    if '--routes' in argv[:-1]:
        return max(0, int(time.time() - os.path.getmtime(argv[argv.index('--routes') + 1]))) + 1
    return 0


ELAPSED = 0


def drifting_same6(col, a, b, slack):
    """Age and ValidLifetime move with time; Description holds the lifetime ('expires Ns')."""
    if col in (COL['Age'], COL['ValidLifetime']):
        return rr.age_ok(a.value, b.value, slack)
    if col == COL['Description']:
        return EXPIRES.sub(b'', a.value) == EXPIRES.sub(b'', b.value)
    return None


EXPIRES = re.compile(rb' expires -?[0-9]+sec')


def use_ip6_table():
    rr.TABLE_PREFIX = TABLE_PREFIX
    rr.PFX_LEN = len(TABLE_PREFIX)
    rr.INDEX_LEN = INDEX_LEN
    rr.IP_POSITIONS = ADDR_POSITIONS
    rr.BYTE_POSITIONS = ADDR_POSITIONS + [16, 52]
    rr.METRIC_POS = 35
    rr.COUNT_NAME = 'cimIP6RouteCount'
    rr.COL = COL
    rr.COLNAME = {v: k for k, v in COL.items()}
    rr.COLTYPE = COLTYPE
    rr.NOT_ACCESSIBLE = set(range(1, 9))
    rr.fmt_index = fmt_index6
    rr.expected_rows = expected_rows6
    rr.drifting_same = drifting_same6


if __name__ == '__main__':
    use_ip6_table()
    ELAPSED = routes_age(sys.argv)
    sys.exit(rr.main(sys.argv[1:]))
