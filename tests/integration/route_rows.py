#!/usr/bin/env python3
"""route_rows.py - expected cimIP4RouteTable rows from the kernel, and checks of SNMP output.

Part of the cimroute integration tests (python3 standard library only).

Inputs:
  * `ip -j -d -4 route show table all` JSON (--routes FILE)
  * `ip -j link show` JSON (--links FILE), to map device names to ifindex
  * `ip -j nexthop show` JSON (--nexthops FILE, optional), to resolve the next hops of
    routes that name a nexthop object alone (net.ipv4.nexthop_compat_mode=0)
  * an snmpwalk/snmpbulkwalk/snmpget output taken with `-On -Ox` (numeric OIDs,
    octet strings in hex); `-Ob -Oe -Ot` are harmless.

Sub-commands (exit status 0 = all good, 1 = a difference was found, 2 = bad usage/input):
  compare   kernel routes vs a walk of cimIP4RouteTable, row by row, column by column
  expected  print the expected rows (one per line, tab separated) - for tests and debugging
  diffwalk  compare two walks of the table (e.g. over two transports); Age may drift
  next      for each query OID print the OID a GETNEXT must return (or END), from a full walk
  checkget  compare snmpget output with the values in a walk (Age may drift)
  pick      print random rows of a walk: one line per row with the OIDs of all its columns
  nextcheck check GETNEXT answers (several varbinds, request order) against a full walk
  bulkcheck check a GETBULK answer against a full walk
  dtcheck   check that an snmpget line holds a valid DateAndTime close to now
  rows      print the rows of a walk (decoded index), for debugging

The expectations implement doc/route-table-layout.md; every rule used here says so in a comment.
"""

import argparse
import ipaddress
import json
import os
import random
import sys

TABLE_PREFIX = (1, 3, 6, 1, 4, 1, 32473, 1, 1, 1, 3, 1)   # cimIP4RouteEntry
PFX_LEN = len(TABLE_PREFIX)
INDEX_LEN = 4 + 4 + 4 + 1 + 1 + 1 + 1                      # dst, mask, nexthop, ifindex, table, tos, metric
IP_POSITIONS = range(0, 12)                                 # index subids that are IpAddress octets
BYTE_POSITIONS = list(IP_POSITIONS) + [14]                  # index subids that are at most 255 (tos too)
METRIC_POS = 15                                             # the index subid of the metric (the last)
COUNT_NAME = 'cimIP4RouteCount'
# route6_rows.py rebinds these module globals (and fmt_index, expected_rows, COL, COLNAME,
# COLTYPE, NOT_ACCESSIBLE) for cimIP6RouteTable and reuses every check and sub-command.

COL = {
    'Age': 8, 'Caption': 9, 'Description': 10, 'Information': 11, 'InstallDate': 12,
    'Metric1': 13, 'Metric2': 14, 'Metric3': 15, 'Metric4': 16, 'Metric5': 17, 'Name': 18,
    'Protocol': 19, 'Status': 20, 'Type': 21, 'KernelProtocol': 22, 'KernelType': 23,
    'RowStatus': 24, 'NextHopAddressType': 25, 'NextHopAddress': 26,
}
COLNAME = {v: k for k, v in COL.items()}
NOT_ACCESSIBLE = set(range(1, 8))   # index columns: never in a walk
# wire types as net-snmp's tools print them
COLTYPE = {
    8: 'INTEGER', 9: 'STRING', 10: 'STRING', 11: 'OID', 12: 'STRING', 13: 'INTEGER',
    14: 'INTEGER', 15: 'INTEGER', 16: 'INTEGER', 17: 'INTEGER', 18: 'STRING', 19: 'INTEGER',
    20: 'STRING', 21: 'INTEGER', 22: 'Gauge32', 23: 'INTEGER', 24: 'INTEGER', 25: 'INTEGER',
    26: 'STRING',
}

# rtm_type numbers (linux/rtnetlink.h); the MIB's cimIP4RouteKernelType uses the same numbers
RTN = {'unspec': 0, 'unicast': 1, 'local': 2, 'broadcast': 3, 'anycast': 4, 'multicast': 5,
       'blackhole': 6, 'unreachable': 7, 'prohibit': 8, 'throw': 9, 'nat': 10, 'xresolve': 11}
# rtm_protocol numbers built into iproute2 (lib/rt_names.c) and the kernel headers
RTPROT = {'unspec': 0, 'redirect': 1, 'kernel': 2, 'boot': 3, 'static': 4, 'gated': 8, 'ra': 9,
          'mrt': 10, 'zebra': 11, 'bird': 12, 'dnrouted': 13, 'xorp': 14, 'ntk': 15, 'dhcp': 16,
          'keepalived': 18, 'babel': 42, 'openr': 99, 'bgp': 186, 'isis': 187, 'ospf': 188,
          'rip': 189, 'eigrp': 192}
RTTABLE = {'unspec': 0, 'default': 253, 'main': 254, 'local': 255}
DSFIELD = {}
NO_NEXTHOP_TYPES = {'blackhole', 'unreachable', 'prohibit', 'throw'}

IPROUTE2_DIRS = ['/etc/iproute2', '/usr/share/iproute2', '/usr/lib/iproute2']



def max_age_of(args):
    """The largest Age a row may have: given, or the daemon's uptime when the check runs."""
    if getattr(args, 'max_age_since_ms', None) is not None:
        import time
        return (int(time.time() * 1000) - args.max_age_since_ms) // 1000 + 2
    return args.max_age

def _read_name_file(name, table, base=10, reverse=False):
    """Fill table (name -> number) from iproute2 files NAME and NAME.d/*.conf."""
    files = []
    for d in IPROUTE2_DIRS:
        files.append(os.path.join(d, name))
        dd = os.path.join(d, name + '.d')
        if os.path.isdir(dd):
            files += [os.path.join(dd, f) for f in sorted(os.listdir(dd)) if f.endswith('.conf')]
    for f in files:
        try:
            with open(f) as fh:
                for line in fh:
                    line = line.split('#', 1)[0].split()
                    if len(line) < 2:
                        continue
                    try:
                        num = int(line[0], 0)
                    except ValueError:
                        continue
                    table[line[1]] = num
        except OSError:
            pass


_read_name_file('rt_protos', RTPROT)
_read_name_file('rt_tables', RTTABLE)
_read_name_file('rt_dsfield', DSFIELD)


def name2num(value, table, what):
    """ip prints a name when it knows one, else the number (decimal, or 0x.. for tos)."""
    if isinstance(value, int):
        return value
    s = str(value)
    try:
        return int(s, 0)
    except ValueError:
        pass
    if s in table:
        return table[s]
    raise ValueError('unknown %s name %r (not in iproute2 files nor built-in)' % (what, s))


# ---------------------------------------------------------------- expected rows from the kernel

def protocol_enum(proto, own_proto=None):
    """doc: Protocol (from rtm_protocol)."""
    if proto == 2:
        return 2                                  # kernel -> local(2)
    if proto in (3, 4, 16) or (own_proto is not None and proto == own_proto):
        return 3                                  # boot, static, dhcp, cimrouted -> netmgmt(3)
    if proto in (1, 9):
        return 4                                  # redirect, ra -> icmp(4)
    return {189: 8, 188: 13, 186: 14, 187: 9, 192: 11}.get(proto, 1)   # else other(1)


def type_enum(rtype, has_gateway):
    """doc: Type. unicast with gateway indirect(4); unicast w/o gateway, local, broadcast,
    anycast direct(3); everything else other(1)."""
    if rtype == 'unicast':
        return 4 if has_gateway else 3
    if rtype in ('local', 'broadcast', 'anycast'):
        return 3
    return 1


def parse_dst(dst):
    if dst in (None, 'default', 'any'):
        return '0.0.0.0', 0
    if '/' in dst:
        a, l = dst.split('/')
        return a, int(l)
    return dst, 32


def ip_tuple(a):
    return tuple(int(x) for x in a.split('.'))


def mask_tuple(plen):
    return tuple(ipaddress.IPv4Network('0.0.0.0/%d' % plen).netmask.packed)


def parse_tables(spec):
    """routeTables main | all | list of ids/names. None means all."""
    if spec is None:
        return {254}
    words = spec.replace(',', ' ').split()
    if 'all' in words:
        return None
    return {name2num(w, RTTABLE, 'table') for w in words}


class Row:
    __slots__ = ('index', 'cols', 'route', 'warnings')

    def __init__(self, index, cols, route):
        self.index = index
        self.cols = cols
        self.route = route
        self.warnings = []


def object_hops(r, nexthops):
    """doc: a route that names a nexthop object alone (nexthop_compat_mode=0) has the rows
    the kernel lists with compat mode on: the object's gateway and device, or one row per
    member of a group (a group of one is a single next hop)."""
    nhs = {o['id']: o for o in nexthops or []}
    obj = nhs.get(r['nhid'])
    if obj is None:
        obj = r.get('nh_info')                    # -d output: the object itself, no members
        if obj is None or 'group' in obj:
            raise ValueError('route %s names nexthop object %s: give --nexthops'
                             % (json.dumps(r), r['nhid']))
    members = [nhs[g['id']] for g in obj['group']] if 'group' in obj else [obj]
    flags = set(r.get('flags', []))
    return [(m.get('gateway'), m.get('dev'), flags | set(m.get('flags', [])), m) for m in members]


def load_nexthops(path):
    """`ip -j nexthop show` output; an empty file (no nexthop objects in this kernel) is []."""
    if path is None:
        return None
    with open(path) as f:
        text = f.read()
    return json.loads(text) if text.strip() else []


def hop_gateway(gw, h):
    """The gateway of a hop as (IPv4 text or None, IPv6 text or None): `ip -j` shows an IPv6
    gateway of an IPv4 route (RFC 5549, RTA_VIA) as "via": {"family": "inet6", "host": ...},
    and a nexthop object's IPv6 gateway as its "gateway"."""
    via = h.get('via')
    if isinstance(via, dict) and via.get('family') == 'inet6':
        return None, via['host']
    if gw is not None and ':' in gw:
        return None, gw
    return gw, None


def next_hop_address(rtype, gw, gw6):
    """doc: NextHopAddressType/NextHopAddress, RFC 4292's convention: ipv4(1) and 4 octets,
    ipv6(2) and 16 for an IPv6 gateway, unknown(0) and '' without a gateway."""
    if rtype in NO_NEXTHOP_TYPES or (gw is None and gw6 is None):
        return 0, b''
    if gw6 is not None:
        return 2, ipaddress.IPv6Address(gw6).packed
    return 1, ipaddress.IPv4Address(gw).packed


def route_hops(r, nexthops):
    """doc: one row per next hop (RTA_MULTIPATH split): (gateway, dev, flags, hop) of each."""
    if 'nexthops' in r:
        return [(h.get('gateway'), h.get('dev'), set(h.get('flags', [])), h) for h in r['nexthops']]
    if 'nhid' in r and 'gateway' not in r and 'dev' not in r:
        return object_hops(r, nexthops)
    return [(r.get('gateway'), r.get('dev'), set(r.get('flags', [])), r)]


def table_routes(routes, tables):
    """The routes of the mirrored tables (None: all), with their type, table and protocol."""
    for r in routes:
        rtype = r.get('type', 'unicast')
        table = name2num(r.get('table', 'main'), RTTABLE, 'table')
        if tables is not None and table not in tables:
            continue
        yield r, rtype, table, name2num(r.get('protocol', 'boot'), RTPROT, 'protocol')


def expected_rows(routes, links, tables=None, own_proto=None, nexthops=None):
    """Return (dict index -> Row, list of notes). tables: set of table ids, or None for all."""
    ifindex = {l['ifname']: l['ifindex'] for l in links}
    rows = {}
    notes = []
    for r, rtype, table, proto in table_routes(routes, tables):
        ktype = name2num(rtype, RTN, 'route type')
        tos = name2num(r.get('tos', 0), DSFIELD, 'tos')
        metric = int(r.get('metric', 0))          # doc: KernelMetric = RTA_PRIORITY, 0 if absent
        dst, plen = parse_dst(r.get('dst'))
        prefsrc = r.get('prefsrc')
        for gw, dev, flags, h in route_hops(r, nexthops):
            gw, gw6 = hop_gateway(gw, h)
            if 'via' in h and gw6 is None:
                notes.append('route %s has a "via" next hop of another family; not modelled here'
                             % json.dumps(r))
            if rtype in NO_NEXTHOP_TYPES:
                # doc: blackhole/unreachable/prohibit/throw: NextHop 0.0.0.0, InterfaceIndex 0
                nh, oif = '0.0.0.0', 0
            else:
                # doc: NextHop = RTA_GATEWAY, else RTA_PREFSRC, else 0.0.0.0; 0.0.0.0 for
                # an IPv6 gateway (RFC 5549), which NextHopAddress shows
                nh = '0.0.0.0' if gw6 is not None else (gw or prefsrc or '0.0.0.0')
                if dev is None:
                    oif = 0
                elif dev in ifindex:
                    oif = ifindex[dev]
                else:
                    raise ValueError('device %r of route %s not in ip link output' % (dev, json.dumps(r)))
            index = ip_tuple(dst) + mask_tuple(plen) + ip_tuple(nh) + (oif, table, tos, metric)
            cols = {
                COL['Information']: ('OID', '.0.0'),                   # doc: always zeroDotZero
                COL['Name']: ('STRING', ('%s/%d' % (dst, plen)).encode()),   # doc: "A.B.C.D/len"
                COL['Protocol']: ('INTEGER', protocol_enum(proto, own_proto)),
                # doc: Error when the kernel marks this next hop dead or linkdown
                COL['Status']: ('STRING', b'Error' if flags & {'dead', 'linkdown'} else b'OK'),
                COL['Type']: ('INTEGER', type_enum(rtype, bool(gw or gw6) and rtype not in NO_NEXTHOP_TYPES)),
                COL['KernelProtocol']: ('Gauge32', proto),
                COL['KernelType']: ('INTEGER', ktype),
                COL['RowStatus']: ('INTEGER', 1),                      # live rows are active(1)
            }
            nat, nav = next_hop_address(rtype, gw, gw6)
            cols[COL['NextHopAddressType']] = ('INTEGER', nat)
            cols[COL['NextHopAddress']] = ('STRING', nav)
            # doc: Metric1 = RTA_PRIORITY when <= 2147483647, else absent; Metric2..5 always -1
            if metric <= 2147483647:
                cols[COL['Metric1']] = ('INTEGER', metric)
            for c in range(COL['Metric2'], COL['Metric5'] + 1):
                cols[c] = ('INTEGER', -1)
            add_row(rows, notes, Row(index, cols, r))
    return rows, notes


def add_row(rows, notes, row):
    # the kernel uses the first of routes that share an index (ip route append);
    # `ip route` lists them in the kernel's order, so the first one stays
    if row.index in rows:
        notes.append('two kernel next hops give the same index %s; the table shows the first'
                     % fmt_index(row.index))
    else:
        rows[row.index] = row


# ---------------------------------------------------------------- parsing net-snmp tool output

class Var:
    __slots__ = ('oid', 'type', 'value', 'raw', 'line')

    def __init__(self, oid, typ, value, raw, line):
        self.oid, self.type, self.value, self.raw, self.line = oid, typ, value, raw, line


EXCEPTIONS = ('No Such Object available on this agent at this OID',
              'No Such Instance currently exists at this OID',
              'No more variables left in this MIB View')


def parse_oid(s):
    s = s.strip()
    if s.startswith('iso'):
        s = '.1' + s[3:]
    return tuple(int(x) for x in s.strip('.').split('.') if x != '')


def parse_snmp_output(text):
    """Parse `-On -Ox` output of snmpwalk/snmpbulkwalk/snmpget/snmpgetnext into Vars.
    Hex-STRING values continue on following lines (16 octets per line)."""
    out = []
    lineno = 0
    for line in text.splitlines():
        lineno += 1
        if not line.strip():
            continue
        if line.startswith('.') and ' = ' in line:
            o, v = line.split(' = ', 1)
            out.append([parse_oid(o), v, lineno])
        elif out and out[-1][1].startswith('Hex-STRING:'):
            out[-1][1] += ' ' + line.strip()
        else:
            raise ValueError('line %d: cannot parse %r' % (lineno, line))
    res = []
    for oid, v, ln in out:
        raw = v
        if v in EXCEPTIONS:
            res.append(Var(oid, 'EXCEPTION', v, raw, ln))
            continue
        if v == '""':
            res.append(Var(oid, 'STRING', b'', raw, ln))
            continue
        if ': ' not in v and not v.endswith(':'):
            raise ValueError('line %d: value without type %r' % (ln, v))
        typ, val = (v.split(': ', 1) + [''])[:2] if ': ' in v else (v[:-1], '')
        val = val.strip()
        if typ == 'INTEGER' or typ in ('Gauge32', 'Counter32', 'Unsigned32', 'Counter64'):
            # without a MIB enums print as numbers; with one they could print name(n)
            if val.endswith(')') and '(' in val:
                val = val[val.rindex('(') + 1:-1]
            value = int(val.split()[0])
            if typ == 'Unsigned32':
                typ = 'Gauge32'
        elif typ == 'Hex-STRING':
            value = bytes(int(x, 16) for x in val.split())
            typ = 'STRING'
        elif typ == 'STRING':
            if len(val) >= 2 and val[0] == '"' and val[-1] == '"':
                val = val[1:-1]
            value = val.encode()
        elif typ == 'OID':
            value = val if val.startswith('.') else val
        elif typ == 'IpAddress':
            value = val
        elif typ == 'Timeticks':
            value = int(val.strip('()').split(')')[0]) if val.startswith('(') else int(val.split()[0])
        else:
            value = val
        res.append(Var(oid, typ, value, raw, ln))
    return res


def read_snmp_file(path):
    with open(path, errors='replace') as fh:
        return parse_snmp_output(fh.read())


# ---------------------------------------------------------------- formatting

def fmt_index(ix):
    if len(ix) != INDEX_LEN:
        return '<bad index %s>' % '.'.join(map(str, ix))
    return 'dst %s mask %s nexthop %s if %d table %d tos %d metric %d' % (
        '.'.join(map(str, ix[0:4])), '.'.join(map(str, ix[4:8])), '.'.join(map(str, ix[8:12])),
        ix[12], ix[13], ix[14], ix[15])


def fmt_oid(oid):
    return '.' + '.'.join(map(str, oid))


def fmt_val(typ, value):
    if isinstance(value, bytes):
        try:
            s = value.decode('ascii')
            if all(32 <= ord(c) < 127 for c in s):
                return '%s "%s"' % (typ, s)
        except UnicodeDecodeError:
            pass
        return '%s 0x%s' % (typ, value.hex())
    return '%s %s' % (typ, value)


def fmt_route(r):
    return json.dumps(r, sort_keys=True)


# ---------------------------------------------------------------- checks on a walk

def table_rows_from_walk(vars_, problems, check_order=True):
    """Split walk vars into {index: {col: Var}}; record problems (order, foreign, malformed)."""
    rows = {}
    prev = None
    seen = set()
    nbad = 0
    for v in vars_:
        if v.type == 'EXCEPTION':
            problems.append('walk line %d: exception value %r at %s' % (v.line, v.value, fmt_oid(v.oid)))
            continue
        if check_order and prev is not None and not v.oid > prev:
            nbad += 1
            if nbad <= 10:
                problems.append('ORDER: walk line %d: %s is not greater than the previous %s'
                                % (v.line, fmt_oid(v.oid), fmt_oid(prev)))
        prev = v.oid
        if v.oid in seen:
            problems.append('DUPLICATE OID %s (line %d)' % (fmt_oid(v.oid), v.line))
            continue
        seen.add(v.oid)
        if v.oid[:PFX_LEN] != TABLE_PREFIX or len(v.oid) <= PFX_LEN:
            problems.append('FOREIGN OID in table walk: %s (line %d)' % (fmt_oid(v.oid), v.line))
            continue
        col = v.oid[PFX_LEN]
        ix = v.oid[PFX_LEN + 1:]
        if len(ix) != INDEX_LEN or any(ix[i] > 255 for i in BYTE_POSITIONS):
            problems.append('MALFORMED INDEX (%d subids) in %s (line %d)' % (len(ix), fmt_oid(v.oid), v.line))
            continue
        if col in NOT_ACCESSIBLE:
            problems.append('NOT-ACCESSIBLE column %d served: %s' % (col, fmt_oid(v.oid)))
            continue
        if col not in COLTYPE:
            problems.append('UNKNOWN column %d: %s' % (col, fmt_oid(v.oid)))
            continue
        rows.setdefault(ix, {})[col] = v
    if nbad > 10:
        problems.append('ORDER: %d OIDs out of order in total' % nbad)
    return rows


def valid_dateandtime(b):
    if len(b) not in (8, 11):
        return False
    year = b[0] * 256 + b[1]
    return (1990 <= year <= 2200 and 1 <= b[2] <= 12 and 1 <= b[3] <= 31 and b[4] <= 23
            and b[5] <= 59 and b[6] <= 60 and b[7] <= 9
            and (len(b) == 8 or (b[8] in (ord('+'), ord('-')) and b[9] <= 13 and b[10] <= 59)))


def check_row(ix, got, exp, args, problems):
    """Compare one row: got {col: Var}, exp Row."""
    where = fmt_index(ix)
    # columns the daemon computes itself: checked for presence, type and range only
    for col in (COL['Age'], COL['Caption'], COL['Description']):
        if col not in got:
            problems.append('ROW %s: column %s(%d) missing' % (where, COLNAME[col], col))
    for col, v in sorted(got.items()):
        name = '%s(%d)' % (COLNAME.get(col, '?'), col)
        if v.type != COLTYPE[col]:
            problems.append('ROW %s: column %s has type %s, expected %s (value %s)'
                            % (where, name, v.type, COLTYPE[col], v.raw))
            continue
        if col == COL['Age']:
            if v.value < 0:
                problems.append('ROW %s: Age %d < 0' % (where, v.value))
            elif max_age_of(args) is not None and v.value > max_age_of(args):
                problems.append('ROW %s: Age %d > %d s (the daemon has not been up that long)'
                                % (where, v.value, max_age_of(args)))
        elif col == COL['Caption']:
            if len(v.value) > 64 or len(v.value) == 0:
                problems.append('ROW %s: Caption length %d not in 1..64: %s' % (where, len(v.value), fmt_val('', v.value)))
        elif col == COL['Description']:
            if len(v.value) > 255 or len(v.value) == 0:
                problems.append('ROW %s: Description length %d not in 1..255' % (where, len(v.value)))
        elif col == COL['InstallDate']:
            if not valid_dateandtime(v.value):
                problems.append('ROW %s: InstallDate is not a valid DateAndTime: %s' % (where, fmt_val('', v.value)))
            elif args.install_date == 'absent':
                problems.append('ROW %s: InstallDate present (%s) for a route that existed before the daemon started'
                                % (where, fmt_val('', v.value)))
        elif col in exp.cols:
            et, ev = exp.cols[col]
            if ev != v.value:
                problems.append('ROW %s: column %s = %s, expected %s' % (where, name, fmt_val(v.type, v.value), fmt_val(et, ev)))
        else:
            problems.append('ROW %s: column %s present (%s), expected absent' % (where, name, fmt_val(v.type, v.value)))
    for col in exp.cols:
        if col not in got:
            problems.append('ROW %s: column %s(%d) missing, expected %s'
                            % (where, COLNAME[col], col, fmt_val(*exp.cols[col])))
    if args.install_date == 'present' and COL['InstallDate'] not in got:
        problems.append('ROW %s: InstallDate absent' % where)
    cap, desc = got.get(COL['Caption']), got.get(COL['Description'])
    if cap is not None and desc is not None and cap.type == desc.type == 'STRING':
        if not desc.value.startswith(cap.value):
            args.warnings.append('ROW %s: Caption %s is not the start of Description %s'
                                 % (where, fmt_val('', cap.value), fmt_val('', desc.value)))


def perturb(exp, walkrows, kind):
    """Deliberately break one expectation, to prove the comparison can fail.
    Returns (what was done, the start of the problem line the comparison must then report)."""
    common = sorted(set(exp) & set(walkrows))
    if not common:
        return 'nothing to perturb', '# (no row present on both sides)'
    ix = common[len(common) // 2]
    if kind == 'value':
        t, v = exp[ix].cols[COL['KernelProtocol']]
        exp[ix].cols[COL['KernelProtocol']] = (t, v + 1)
        return ('KernelProtocol of %s changed to %d' % (fmt_index(ix), v + 1),
                '# ROW %s: column KernelProtocol(%d)' % (fmt_index(ix), COL['KernelProtocol']))
    if kind == 'missing':
        extra = ix[:METRIC_POS] + (ix[METRIC_POS] + 7777,) + ix[METRIC_POS + 1:]
        exp[extra] = exp[ix]
        return 'invented expected row %s' % fmt_index(extra), '# MISSING row %s ' % fmt_index(extra)
    if kind == 'extra':
        del exp[ix]
        return 'dropped expected row %s' % fmt_index(ix), '# EXTRA row %s ' % fmt_index(ix)
    if kind == 'metric':
        ix2 = ix[:METRIC_POS] + (ix[METRIC_POS] + 1,) + ix[METRIC_POS + 1:]
        exp[ix2] = exp.pop(ix)
        return ('metric of %s changed in the expected index' % fmt_index(ix),
                '# EXTRA row %s ' % fmt_index(ix))
    raise SystemExit('unknown perturbation %r' % kind)


def cmd_compare(args):
    with open(args.routes) as f:
        routes = json.load(f)
    with open(args.links) as f:
        links = json.load(f)
    exp, notes = expected_rows(routes, links, parse_tables(args.tables), args.own_proto,
                               load_nexthops(args.nexthops))
    problems = []
    args.warnings = []
    walk = read_snmp_file(args.walk)
    if args.perturb == 'order' and len(walk) > 2:
        i = len(walk) // 2
        walk[i], walk[i + 1] = walk[i + 1], walk[i]
        print('# perturbation: walk lines %d and %d swapped' % (walk[i].line, walk[i + 1].line))
        print('# expect-problem: # ORDER: walk line %d: %s is not greater than the previous %s'
              % (walk[i + 1].line, fmt_oid(walk[i + 1].oid), fmt_oid(walk[i].oid)))
    got = table_rows_from_walk(walk, problems)
    if args.perturb and args.perturb != 'order':
        what, expect = perturb(exp, got, args.perturb)
        print('# perturbation: ' + what)
        print('# expect-problem: ' + expect)
    for n in notes:
        print('# note: ' + n)
    missing = sorted(set(exp) - set(got))
    extra = sorted(set(got) - set(exp))
    for ix in missing[:args.max_report]:
        problems.append('MISSING row %s (kernel route %s)' % (fmt_index(ix), fmt_route(exp[ix].route)))
    if len(missing) > args.max_report:
        problems.append('MISSING: %d rows in total' % len(missing))
    for ix in extra[:args.max_report]:
        cols = got[ix]
        name = cols.get(COL['Name'])
        problems.append('EXTRA row %s (Name %s)' % (fmt_index(ix), fmt_val('', name.value).strip() if name else '?'))
    if len(extra) > args.max_report:
        problems.append('EXTRA: %d rows in total' % len(extra))
    rowprobs = []
    for ix in sorted(set(exp) & set(got)):
        check_row(ix, got[ix], exp[ix], args, rowprobs)
    problems += rowprobs[:args.max_report * 3]
    if len(rowprobs) > args.max_report * 3:
        problems.append('... %d column differences in total' % len(rowprobs))
    if args.count is not None and args.count != len(got):
        problems.append('COUNT: %s.0 = %d but the walk has %d rows (kernel: %d)'
                        % (COUNT_NAME, args.count, len(got), len(exp)))
    for w in args.warnings[:5]:
        print('# warning: ' + w)
    print('# compare: %d kernel rows expected, %d rows walked (%d values), %d problems'
          % (len(exp), len(got), len(walk), len(problems)))
    for p in problems:
        print('# ' + p)
    return 1 if problems else 0


def cmd_expected(args):
    with open(args.routes) as f:
        routes = json.load(f)
    with open(args.links) as f:
        links = json.load(f)
    exp, notes = expected_rows(routes, links, parse_tables(args.tables), args.own_proto,
                               load_nexthops(args.nexthops))
    for n in notes:
        print('# note: ' + n, file=sys.stderr)
    for ix in sorted(exp):
        r = exp[ix]
        print('%s\t%s\t%s' % ('.'.join(map(str, ix)), fmt_index(ix),
                              ' '.join('%d=%s' % (c, fmt_val(*r.cols[c])) for c in sorted(r.cols))))
    return 0


def age_ok(a, b, slack):
    return abs(a - b) <= slack


def drifting_same(col, a, b, slack):
    """Two reads of a column that moves with time (Age), within slack seconds; None for a
    column that does not move (compare exactly). route6_rows.py adds IPv6's."""
    if col == COL['Age']:
        return age_ok(a.value, b.value, slack)
    return None


def cmd_diffwalk(args):
    a = read_snmp_file(args.a)
    b = read_snmp_file(args.b)
    problems = []
    ra = table_rows_from_walk(a, problems)
    rb = table_rows_from_walk(b, problems)
    for ix in sorted(set(ra) - set(rb))[:args.max_report]:
        problems.append('row %s only in %s' % (fmt_index(ix), args.a))
    for ix in sorted(set(rb) - set(ra))[:args.max_report]:
        problems.append('row %s only in %s' % (fmt_index(ix), args.b))
    nd = 0
    for ix in sorted(set(ra) & set(rb)):
        for col in sorted(set(ra[ix]) | set(rb[ix])):
            va, vb = ra[ix].get(col), rb[ix].get(col)
            if va is None or vb is None:
                d = 'column %d present only in %s' % (col, args.a if vb is None else args.b)
            elif va.type != vb.type:
                d = 'column %d type %s vs %s' % (col, va.type, vb.type)
            elif drifting_same(col, va, vb, args.age_slack) is not None:
                d = None if drifting_same(col, va, vb, args.age_slack) else 'column %d %s vs %s' % (
                    col, fmt_val(va.type, va.value), fmt_val(vb.type, vb.value))
            else:
                d = None if va.value == vb.value else 'column %d %s vs %s' % (
                    col, fmt_val(va.type, va.value), fmt_val(vb.type, vb.value))
            if d:
                nd += 1
                if nd <= args.max_report:
                    problems.append('row %s: %s' % (fmt_index(ix), d))
    print('# diffwalk: %d vs %d rows, %d vs %d values, %d problems'
          % (len(ra), len(rb), len(a), len(b), len(problems) + max(0, nd - args.max_report)))
    for p in problems:
        print('# ' + p)
    return 1 if problems or nd else 0


def cmd_next(args):
    """Expected GETNEXT answers: the smallest table OID greater than the query, or END."""
    import bisect
    walk = read_snmp_file(args.walk)
    oids = sorted(v.oid for v in walk if v.oid[:PFX_LEN] == TABLE_PREFIX)
    for q in args.oids:
        qo = parse_oid(q)
        i = bisect.bisect_right(oids, qo)
        print('%s %s' % (q, fmt_oid(oids[i]) if i < len(oids) else 'END'))
    return 0


def cmd_checkget(args):
    walk = {v.oid: v for v in read_snmp_file(args.walk)}
    problems = []
    n = 0
    for v in read_snmp_file(args.get):
        n += 1
        w = walk.get(v.oid)
        if w is None:
            if v.type != 'EXCEPTION':
                problems.append('GET %s returned %s but the walk has no such OID' % (fmt_oid(v.oid), v.raw))
            continue
        if v.type != w.type:
            problems.append('GET %s: %s, walk: %s' % (fmt_oid(v.oid), v.raw, w.raw))
        elif v.oid[:PFX_LEN] == TABLE_PREFIX and drifting_same(v.oid[PFX_LEN], v, w, args.age_slack) is not None:
            if not drifting_same(v.oid[PFX_LEN], v, w, args.age_slack):
                problems.append('GET %s: %s, walk: %s' % (fmt_oid(v.oid), v.raw, w.raw))
        elif v.value != w.value:
            problems.append('GET %s: %s, walk: %s' % (fmt_oid(v.oid), v.raw, w.raw))
    print('# checkget: %d values compared, %d problems' % (n, len(problems)))
    for p in problems[:args.max_report]:
        print('# ' + p)
    return 1 if problems or n == 0 else 0


def cmd_pick(args):
    problems = []
    rows = table_rows_from_walk(read_snmp_file(args.walk), problems, check_order=False)
    rnd = random.Random(args.seed)
    keys = sorted(rows)
    chosen = rnd.sample(keys, min(args.n, len(keys)))
    for dst in args.include_dst or []:
        want = ip_tuple(dst)
        chosen += [ix for ix in keys if ix[:4] == want and ix not in chosen]
    for ix in chosen:
        print(' '.join(fmt_oid(rows[ix][c].oid) for c in sorted(rows[ix])))
    return 0


def cmd_rows(args):
    problems = []
    rows = table_rows_from_walk(read_snmp_file(args.walk), problems)
    for ix in sorted(rows):
        print('%s\t%s' % ('.'.join(map(str, ix)), fmt_index(ix)))
    for p in problems:
        print('# ' + p, file=sys.stderr)
    return 0


def _walk_index(path, subtree):
    """All values of a walk that lie in subtree (the table, or a bigger subtree walked whole)."""
    walk = read_snmp_file(path)
    tab = {v.oid: v for v in walk if v.type != 'EXCEPTION' and v.oid[:len(subtree)] == subtree}
    return sorted(tab), tab


def _same_value(a, b, slack):
    if a.type != b.type:
        return False
    if a.oid[:PFX_LEN] == TABLE_PREFIX and drifting_same(a.oid[PFX_LEN], a, b, slack) is not None:
        return drifting_same(a.oid[PFX_LEN], a, b, slack)
    return a.value == b.value


def cmd_nextcheck(args):
    """GETNEXT answers (in request order) against a full walk: each must be the smallest table
    OID greater than its query, with the walk's value; past the end, anything outside the table."""
    import bisect
    subtree = parse_oid(args.subtree)
    oids, tab = _walk_index(args.walk, subtree)
    with open(args.queries) as fh:
        queries = [parse_oid(l) for l in fh.read().split() if l.strip()]
    got = read_snmp_file(args.got)
    problems = []
    if len(got) != len(queries):
        problems.append('%d queries but %d answers' % (len(queries), len(got)))
    for q, a in zip(queries, got):
        i = bisect.bisect_right(oids, q)
        if i < len(oids):
            exp = oids[i]
            if a.oid != exp:
                problems.append('GETNEXT %s: got %s, expected %s' % (fmt_oid(q), fmt_oid(a.oid), fmt_oid(exp)))
            elif not _same_value(a, tab[exp], args.age_slack):
                problems.append('GETNEXT %s: value %s, walk %s' % (fmt_oid(q), a.raw, tab[exp].raw))
        else:
            if a.oid[:len(subtree)] == subtree or (a.type != 'EXCEPTION' and a.oid <= q):
                problems.append('GETNEXT %s past the end of %s: got %s %s'
                                % (fmt_oid(q), args.subtree, fmt_oid(a.oid), a.raw))
    print('# nextcheck: %d queries, %d problems' % (len(queries), len(problems)))
    for p in problems[:args.max_report]:
        print('# ' + p)
    return 1 if problems else 0


def cmd_bulkcheck(args):
    """A GETBULK answer (one repeater starting at --start) must be the walk's OIDs that follow
    the start, in order, with the walk's values; after the table's end, OIDs outside it."""
    import bisect
    subtree = parse_oid(args.subtree)
    oids, tab = _walk_index(args.walk, subtree)
    start = parse_oid(args.start)
    got = read_snmp_file(args.got)
    i = bisect.bisect_right(oids, start)
    problems = []
    prev = start
    for n, a in enumerate(got):
        if a.type == 'EXCEPTION':
            if i + n < len(oids):
                problems.append('answer %d: %s before the table ended' % (n, a.raw))
            break
        if not a.oid > prev:
            problems.append('answer %d: %s not after %s' % (n, fmt_oid(a.oid), fmt_oid(prev)))
        prev = a.oid
        if i + n < len(oids):
            if a.oid != oids[i + n]:
                problems.append('answer %d: %s, expected %s' % (n, fmt_oid(a.oid), fmt_oid(oids[i + n])))
                break
            if not _same_value(a, tab[a.oid], args.age_slack):
                problems.append('answer %d: %s value %s, walk %s' % (n, fmt_oid(a.oid), a.raw, tab[a.oid].raw))
        elif a.oid[:len(subtree)] == subtree:
            problems.append('answer %d: %s is inside %s after its end' % (n, fmt_oid(a.oid), args.subtree))
    if args.expect is not None and len(got) != args.expect:
        problems.append('%d values returned, expected %d' % (len(got), args.expect))
    print('# bulkcheck: %d values from %s, %d problems' % (len(got), fmt_oid(start), len(problems)))
    for p in problems[:args.max_report]:
        print('# ' + p)
    return 1 if problems else 0


def cmd_dtcheck(args):
    """An snmpget line with a DateAndTime: valid, and within --within seconds of now."""
    import calendar
    import time
    vs = parse_snmp_output(args.line)
    if len(vs) != 1 or vs[0].type != 'STRING':
        print('# dtcheck: not a single octet string: %r' % args.line)
        return 1
    b = vs[0].value
    if not valid_dateandtime(b):
        print('# dtcheck: not a valid DateAndTime: %s' % b.hex())
        return 1
    fields = (b[0] * 256 + b[1], b[2], b[3], b[4], b[5], b[6])
    if len(b) == 11:
        t = calendar.timegm(fields + (0, 0, 0))
        off = (b[9] * 3600 + b[10] * 60) * (1 if b[8] == ord('+') else -1)
        t -= off
    else:
        t = time.mktime(fields + (0, 0, -1))
    t += b[7] / 10.0
    diff = time.time() - t
    print('# dtcheck: %04d-%02d-%02d %02d:%02d:%02d.%d%s is %.1f s before now'
          % (fields + (b[7], '' if len(b) == 8 else ' %c%02d%02d' % (b[8], b[9], b[10]), diff)))
    return 0 if -2 <= diff <= args.within else 1


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)

    def kernel_args(p):
        p.add_argument('--routes', required=True, help='ip -j -d -4 route show table all')
        p.add_argument('--links', required=True, help='ip -j link show')
        p.add_argument('--nexthops', default=None, help='ip -j nexthop show (optional)')
        p.add_argument('--tables', default='main', help='routeTables setting: main | all | "254 100"')
        p.add_argument('--own-proto', type=int, default=252,
                       help="cimrouted's own rtm_protocol (routes created through SNMP)")

    p = sub.add_parser('compare')
    kernel_args(p)
    p.add_argument('--walk', required=True)
    p.add_argument('--count', type=int, default=None, help='cimIP4RouteCount.0 as read')
    p.add_argument('--install-date', choices=('absent', 'present', 'any'), default='any')
    p.add_argument('--max-age', type=int, default=None)
    # the bound taken when the check runs, after the walk: seconds since this time (ms) + 2
    p.add_argument('--max-age-since-ms', type=int, default=None)
    p.add_argument('--max-report', type=int, default=20)
    p.add_argument('--perturb', choices=('value', 'missing', 'extra', 'metric', 'order'), default=None)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser('expected')
    kernel_args(p)
    p.set_defaults(func=cmd_expected)

    p = sub.add_parser('diffwalk')
    p.add_argument('a')
    p.add_argument('b')
    p.add_argument('--age-slack', type=int, default=5)
    p.add_argument('--max-report', type=int, default=20)
    p.set_defaults(func=cmd_diffwalk)

    p = sub.add_parser('next')
    p.add_argument('--walk', required=True)
    p.add_argument('oids', nargs='+')
    p.set_defaults(func=cmd_next)

    p = sub.add_parser('checkget')
    p.add_argument('--walk', required=True)
    p.add_argument('--get', required=True)
    p.add_argument('--age-slack', type=int, default=5)
    p.add_argument('--max-report', type=int, default=20)
    p.set_defaults(func=cmd_checkget)

    p = sub.add_parser('pick')
    p.add_argument('--walk', required=True)
    p.add_argument('--n', type=int, default=10)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--include-dst', action='append', help='also every row with this destination')
    p.set_defaults(func=cmd_pick)

    p = sub.add_parser('nextcheck')
    p.add_argument('--walk', required=True)
    p.add_argument('--queries', required=True, help='file: query OIDs, whitespace separated')
    p.add_argument('--got', required=True, help='snmpgetnext output, answers in query order')
    p.add_argument('--subtree', default=fmt_oid(TABLE_PREFIX), help='what the walk covers completely')
    p.add_argument('--age-slack', type=int, default=5)
    p.add_argument('--max-report', type=int, default=20)
    p.set_defaults(func=cmd_nextcheck)

    p = sub.add_parser('bulkcheck')
    p.add_argument('--walk', required=True)
    p.add_argument('--start', required=True)
    p.add_argument('--got', required=True, help='snmpbulkget output (one repeater)')
    p.add_argument('--subtree', default=fmt_oid(TABLE_PREFIX), help='what the walk covers completely')
    p.add_argument('--expect', type=int, default=None, help='number of values expected')
    p.add_argument('--age-slack', type=int, default=5)
    p.add_argument('--max-report', type=int, default=20)
    p.set_defaults(func=cmd_bulkcheck)

    p = sub.add_parser('dtcheck')
    p.add_argument('line', help='one line of snmpget -On -Ox output')
    p.add_argument('--within', type=float, default=5)
    p.set_defaults(func=cmd_dtcheck)

    p = sub.add_parser('rows')
    p.add_argument('--walk', required=True)
    p.set_defaults(func=cmd_rows)

    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, OSError, json.JSONDecodeError) as e:
        print('# route_rows.py %s: error: %s' % (args.cmd, e))
        return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
