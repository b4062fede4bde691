#!/usr/bin/env python3
"""cimq_rows.py - check cimq's answers against an snmpwalk of the same agent and the kernel.

Part of the cimroute integration tests (python3 standard library only). Its knowledge of the
mapping comes from the same two files cimq reads (mof-map/map.tsv and mibs/CIM-ROUTE-MIB.txt),
parsed here independently (regular expressions, not net-snmp's parser): a class's table, each
property's column or scalar, the INDEX clause and its components' syntaxes, WMI's types.

Sub-commands (exit status 0 = equal, 1 = a difference, 2 = bad usage/input):
  walk   CLASS WALK JSON [--props P,..] [--where-json FILE]
         the instances cimq printed as JSON equal the rows of the walk (-On -Ob -Oe -Ox of the
         enterprise subtree), property by property, converted to WMI types here; --props: the
         properties cimq was asked for (default every property of the class). With --subset,
         cimq's instances must be a subset of the walk's (a WHERE), and --expect-keys FILE
         (one key tuple a line, as 'keys' prints) names exactly which.
  keys   CLASS JSON        print each instance's key tuple, sorted (for set comparisons)
  types  CLASS JSON        every value has the JSON type of its WMI type (numbers, booleans,
                           arrays, null; CIM_DATETIME and MAC shapes)
  csv    JSON CSV          the CSV (python's csv module) holds the same instances and values
  table  JSON TEXT         Format-Table shape: a header naming the properties, one line each
  list   JSON TEXT         Format-List shape: "Name : value" blocks, one per instance
  kroutes4 JSON ROUTES LINKS, kroutes6 ...: Destination/Mask|PrefixLength/NextHop/InterfaceIndex
         of every instance equal the kernel's rows (route_rows.py / route6_rows.py 'expected')
  kadapters JSON LINKS     Win32_NetworkAdapter against `ip -j -d link`
  kadcfg JSON LINKS ADDRS  Win32_NetworkAdapterConfiguration against `ip -j link` / `ip -j addr`
"""

import csv
import ipaddress
import json
import os
import re
import subprocess
import sys

import cimq_wql

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
MAP = os.environ.get('CIMQ_MAP', os.path.join(TOP, 'mof-map', 'map.tsv'))
MIB = os.path.join(TOP, 'mibs', 'CIM-ROUTE-MIB.txt')
ENTERPRISE = '1.3.6.1.4.1.32473'
DATETIME_RE = re.compile(r'^\d{14}\.\d{6}[+-]\d{3}$')
MAC_RE = re.compile(r'^[0-9A-F]{2}(:[0-9A-F]{2}){5}$')
# properties whose value moves between two reads: (numeric slack, datetime slack in s)
DRIFT = {'Age': 30, 'DHCPLeaseExpires': 30, 'DHCPLeaseObtained': 30, 'ValidLifetime': 30}
# cimrouted computes a route's InstallDate at each read, and two reads a moment apart differ by
# a second (07 EA 0C 02 10 35 27 00 then ..28 00 then ..27 00): the walk and cimq's read may too
JITTER = {'InstallDate': 1}
# an IPv6 route class of cimIP6RouteTable; its name is wql's choice (CIMQ_IP6_CLASS)
IP6_CLASS = os.environ.get('CIMQ_IP6_CLASS', 'cimIP6Route')


# ---------------------------------------------------------------- the MIB, the map

def load_mib():
    """{name: (parent, subid, syntax)} and {entry name: [index names]}."""
    t = open(MIB).read()
    t = re.sub(r'--[^\n]*', '', t)
    objs, index = {'cimRouteMIB': ('enterprises', '32473.1', '')}, {}
    pat = re.compile(r'\n(\w+)\s+(OBJECT-TYPE|OBJECT IDENTIFIER|MODULE-IDENTITY|OBJECT-IDENTITY|'
                     r'NOTIFICATION-TYPE|OBJECT-GROUP|NOTIFICATION-GROUP|MODULE-COMPLIANCE)'
                     r'((?:(?!::=).)*)::=\s*\{\s*(\w+)\s+(\d+)\s*\}', re.S)
    for m in pat.finditer(t):
        body = m.group(3)
        s = re.search(r'SYNTAX\s+(.*?)\n\s*(?:UNITS|MAX-ACCESS|ACCESS)', body, re.S)
        syn = re.sub(r'\s+', ' ', s.group(1)).strip() if s else ''
        objs[m.group(1)] = (m.group(4), m.group(5), syn)
        ix = re.search(r'INDEX\s*\{([^}]*)\}', body)
        if ix:
            index[m.group(1)] = [x.strip().replace('IMPLIED ', '') for x in ix.group(1).split(',')]
    return objs, index


OBJS, INDEX = load_mib()


def oid_of(name):
    if name == 'enterprises':
        return '1.3.6.1.4.1'
    if name not in OBJS:
        raise KeyError(name)
    p, n, _ = OBJS[name]
    return oid_of(p) + '.' + n


def base_syntax(name):
    s = OBJS[name][2]
    s = re.sub(r'\s*\(.*', '', s)
    s = re.sub(r'\s*\{.*', '', s)
    return s.strip()


def load_map():
    classes = {}
    for line in open(MAP):
        f = line.rstrip('\n').split('\t')
        if len(f) < 5 or f[0] in ('class', 'extension') or f[1].endswith('()'):
            continue
        c = classes.setdefault(f[0].lower(), {'name': f[0], 'props': {}, 'table': None})
        if f[1] == '*':
            c['table'] = f[3] if f[3].endswith('Table') else None
        elif f[3] != '-' and f[3] in OBJS:
            c['props'][f[1].lower()] = {'name': f[1], 'type': f[2], 'obj': f[3]}
    # the IPv6 route table: an extension class named after its table (cimq/cmap.h),
    # its properties the entry's objects without the prefix, typed from their syntax
    c = classes.setdefault(IP6_CLASS.lower(), {'name': IP6_CLASS, 'props': {}, 'table': 'cimIP6RouteTable'})
    for o in OBJS:
        if o.startswith('cimIP6Route') and OBJS[o][0] == 'cimIP6RouteEntry':
            prop = o[len('cimIP6Route'):]
            c['props'][prop.lower()] = {'name': prop, 'type': SYNTAX_TYPE.get(base_syntax(o), 'string'), 'obj': o}
    return {k: v for k, v in classes.items() if v['table']}


SYNTAX_TYPE = {'Integer32': 'sint32', 'INTEGER': 'sint32', 'Unsigned32': 'uint32', 'Gauge32': 'uint32',
               'InetAddressPrefixLength': 'uint32', 'InetAddressType': 'sint32', 'TruthValue': 'boolean',
               'DateAndTime': 'datetime', 'Counter64': 'uint64', 'CimGauge64': 'uint64', 'RowStatus': 'sint32',
               'StorageType': 'sint32'}


CLASSES = load_map()


def cls_of(name):
    c = CLASSES.get(name.lower())
    if not c:
        sys.exit('unknown class %s' % name)
    return c


# ---------------------------------------------------------------- the walk

def parse_walk(path):
    """{oid tuple: (type, raw value)} from -On -Ob -Oe -Ox output."""
    rows, cur = {}, None
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('.') and ' = ' in line:
            o, _, v = line.partition(' = ')
            t, sep, v = v.partition(': ')
            if not sep:
                t, v = 'STRING', '' if t == '""' else t
            cur = tuple(int(x) for x in o[1:].split('.'))
            rows[cur] = [t, v]
        elif cur is not None:
            rows[cur][1] += ' ' + line.strip()
    return rows


def octets(t, v):
    if t == 'Hex-STRING':
        return bytes.fromhex(v.replace(' ', ''))
    if t == 'STRING':
        v = v.strip()
        if v.startswith('"') and v.endswith('"'):
            v = v[1:-1]
        return v.encode()
    return b''


def dt_text(b):
    """DateAndTime -> CIM_DATETIME (the agent's local offset kept)."""
    if len(b) not in (8, 11):
        return None
    y = b[0] * 256 + b[1]
    s = '%04d%02d%02d%02d%02d%02d.%06d' % (y, b[2], b[3], b[4], b[5], b[6], b[7] * 100000)
    off = 0 if len(b) == 8 else (b[9] * 60 + b[10]) * (1 if b[8] == ord('+') else -1)
    return s + ('+' if off >= 0 else '-') + '%03d' % abs(off)


def dt_seconds(s):
    """CIM_DATETIME -> seconds since an epoch (UTC), for comparisons with slack."""
    import calendar
    m = re.match(r'^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\.(\d{6})([+-])(\d{3})$', s)
    if not m:
        return None
    g = [int(x) for x in m.groups()[:7]]
    t = calendar.timegm((g[0], g[1], g[2], g[3], g[4], g[5], 0, 0, 0)) + g[6] / 1e6
    off = int(m.group(9)) * (1 if m.group(8) == '+' else -1)
    return t - off * 60


def inet_text(b):
    if len(b) == 4:
        return str(ipaddress.IPv4Address(b))
    if len(b) == 16:
        return str(ipaddress.IPv6Address(b))
    return None


def convert(obj, wmitype, t, v):
    """A walk value -> the WMI value cimq must print (JSON types)."""
    syn = base_syntax(obj)
    base = wmitype.replace('[]', '')
    if t in ('INTEGER', 'Gauge32', 'Counter32', 'Counter64', 'Unsigned32', 'Timeticks', 'Integer32'):
        n = int(re.match(r'-?\d+', v.strip().split('(')[-1].rstrip(')')).group(0)) if '(' in v else int(v.split()[0])
        if base == 'boolean':
            return {1: True, 2: False}.get(n)
        return n
    if t == 'IpAddress':
        return v.strip()
    if t == 'OID':
        if base.endswith('REF'):
            return ref_of(v.strip())
        return v.strip()
    b = octets(t, v)
    if base == 'datetime' or syn == 'DateAndTime':
        return dt_text(b)
    if syn == 'PhysAddress':
        return ':'.join('%02X' % x for x in b) if b else None
    if syn.startswith('InetAddress') and syn not in ('InetAddressType', 'InetAddressPrefixLength'):
        return inet_text(b)
    return b.decode('utf-8', 'replace')


def ref_of(o):
    """RowPointer -> ('REF', [the pointed row's index values]): an object path names them"""
    o = tuple(int(x) for x in o.strip('.').split('.'))
    for name, (parent, n, _) in OBJS.items():
        if name in INDEX:
            try:
                eoid = tuple(int(x) for x in oid_of(name).split('.'))
            except KeyError:
                continue
            if o[:len(eoid)] == eoid:
                vals = split_index(name, o[len(eoid) + 1:])
                return ('REF', sorted(map(str, vals.values())) if vals else None)
    return ('REF', None)


def index_components(entry):
    """[(name, kind)] kind: n subids, or 'len' (length-prefixed) for the entry's INDEX."""
    out = []
    for name in INDEX[entry]:
        syn = base_syntax(name)
        if syn == 'IpAddress':
            k = 4
        elif syn == 'InetAddressIPv6':
            k = 16
        elif syn in ('InetAddress', 'SnmpAdminString', 'DisplayString', 'OCTET STRING'):
            k = 'len'
        else:
            k = 1
        out.append((name, k))
    return out


def split_index(entry, ix):
    """{index object: value as WMI text/number}, or None when ix does not parse."""
    vals, i = {}, 0
    for name, k in index_components(entry):
        if k == 'len':
            if i >= len(ix):
                return None
            k, i = ix[i], i + 1
        part = ix[i:i + k]
        if len(part) != k:
            return None
        i += k
        syn = base_syntax(name)
        if syn == 'IpAddress':
            vals[name] = '.'.join(map(str, part))
        elif syn.startswith('InetAddress') and syn not in ('InetAddressType', 'InetAddressPrefixLength'):
            vals[name] = inet_text(bytes(part)) if k in (4, 16) else None
        elif k == 1:
            vals[name] = part[0]
        else:
            vals[name] = bytes(part).decode('utf-8', 'replace')
    return vals if i == len(ix) else None


def entry_of(obj):
    return OBJS[obj][0]


def instances(cls, walk):
    """{index tuple: {prop lower: value}} from a walk, for every property of the class."""
    entry = cls['table'].replace('Table', 'Entry')
    eoid = tuple(int(x) for x in oid_of(entry).split('.'))
    rows = {}
    for o in walk:
        if o[:len(eoid)] == eoid and len(o) > len(eoid) + 1:
            ix = o[len(eoid) + 1:]
            if split_index(entry, ix) is not None:
                rows.setdefault(ix, {})
    out = {}
    for ix in rows:
        keyvals = split_index(entry, ix)
        inst = {}
        for pl, p in cls['props'].items():
            inst[pl] = prop_value(p, entry, ix, keyvals, walk)
        out[ix] = inst
    return out


def prop_value(p, entry, ix, keyvals, walk):
    obj, typ = p['obj'], p['type']
    if obj in keyvals:
        return keyvals[obj]
    ent = entry_of(obj)
    coid = tuple(int(x) for x in oid_of(obj).split('.'))
    if ent == entry:
        tv = walk.get(coid + ix)
        return convert(obj, typ, *tv) if tv else None
    if not ent.endswith('Entry'):   # a scalar: the same for every instance
        tv = walk.get(coid + (0,))
        return convert(obj, typ, *tv) if tv else None
    # an array property: the rows of a dependent table whose index starts with this row's
    vals = []
    n = len(ix)
    for o, tv in walk.items():
        if o[:len(coid)] == coid and o[len(coid):len(coid) + n] == ix:
            sub = split_index(ent, o[len(coid):])
            if sub is None:
                continue
            vals.append(sub[obj] if obj in sub else convert(obj, typ, *tv))
    if not vals and obj in INDEX.get(ent, []):
        # the array is an index component of its table: any column of the rows carries it
        eoid = tuple(int(x) for x in oid_of(ent).split('.'))
        seen = set()
        for o in walk:
            if o[:len(eoid)] == eoid and o[len(eoid) + 1:len(eoid) + 1 + n] == ix:
                rix = o[len(eoid) + 1:]
                sub = split_index(ent, rix)
                if sub is not None and rix not in seen:
                    seen.add(rix)
                    vals.append(sub[obj])
    return vals if vals else None


# ---------------------------------------------------------------- cimq's output

def load_json(path):
    text = open(path).read().strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(data, dict):
        data = [data]
    return data


def norm(v):
    if isinstance(v, list):
        return sorted(norm(x) for x in v) if v else None
    if isinstance(v, str) and v.startswith('.') and re.match(r'^[.0-9]+$', v):
        return v[1:]
    return v


def equal(pname, got, exp, slack_s):
    if isinstance(exp, tuple) and exp and exp[0] == 'REF':
        # an object path names the pointed row's WMI keys: at least its addresses
        return isinstance(got, str) and exp[1] is not None and all(v in got for v in exp[1] if '.' in v)
    got, exp = norm(got), norm(exp)
    if got == exp:
        return True
    if pname in DRIFT and isinstance(got, int) and isinstance(exp, int):
        return abs(got - exp) <= DRIFT[pname] + slack_s
    if isinstance(got, str) and isinstance(exp, str) and DATETIME_RE.match(got) and DATETIME_RE.match(exp):
        a, b = dt_seconds(got), dt_seconds(exp)
        return abs(a - b) <= (DRIFT[pname] + slack_s if pname in DRIFT else JITTER.get(pname, 0) + 0.0001)
    return False


def key_names(cls):
    entry = cls['table'].replace('Table', 'Entry')
    objs = INDEX[entry]
    return [p['name'] for p in cls['props'].values() if p['obj'] in objs]


def inst_key(cls, inst):
    return tuple(str(norm(inst.get(k, inst.get(k.lower())))) for k in key_names(cls))


def lower_keys(d):
    return {k.lower(): v for k, v in d.items()}


def cmd_walk(a):
    cls = cls_of(a.cls)
    walk = parse_walk(a.walk)
    got = [lower_keys(x) for x in load_json(a.json)]
    exp = instances(cls, walk)
    props = [x.strip().lower() for x in a.props.split(',')] if a.props else list(cls['props'])
    problems = []
    # the walk's rows by WMI key (what cimq prints has no SNMP index)
    bykey = {}
    for ix, inst in exp.items():
        bykey.setdefault(tuple(str(norm(inst[k.lower()])) for k in key_names(cls)), []).append(inst)
    keys = key_names(cls)
    seen = {}
    for g in got:
        missing = [p for p in props if p not in g]
        extra = [k for k in g if k not in props and k not in [x.lower() for x in keys]]
        if missing:
            problems.append('instance lacks %s: %s' % (','.join(missing), json.dumps(g)[:200]))
        if extra and a.props:
            problems.append('instance has unasked %s' % ','.join(extra))
        k = tuple(str(norm(g.get(x.lower()))) for x in keys) if all(x.lower() in g for x in keys) else None
        if k is None:
            # a projection without the keys: match on every asked property
            cands = [e for e in exp.values() if all(equal(cls['props'][p]['name'], g.get(p), e[p], a.slack) for p in props if p in g)]
        else:
            cands = bykey.get(k, [])
        cands = [e for e in cands if id(e) not in seen]
        match = None
        for e in cands:
            if all(equal(cls['props'][p]['name'], g.get(p), e[p], a.slack) for p in props if p in g):
                match = e
                break
        if match is None:
            e = cands[0] if cands else None
            if e is None:
                problems.append('instance not in the walk: %s' % json.dumps(g)[:300])
            else:
                diffs = ['%s: cimq %r, walk %r' % (cls['props'][p]['name'], g.get(p), e[p]) for p in props
                         if p in g and not equal(cls['props'][p]['name'], g.get(p), e[p], a.slack)]
                problems.append('key %s: %s' % (k, '; '.join(diffs)[:400]))
        else:
            seen[id(match)] = 1
    if not a.subset and len(got) != len(exp):
        problems.append('cimq printed %d instances, the walk has %d rows' % (len(got), len(exp)))
    if a.expect_keys is not None:
        want = sorted(l.rstrip('\n') for l in open(a.expect_keys) if l.strip())
        have = sorted('\t'.join(inst_key(cls, g)) for g in got)
        if want != have:
            problems.append('instances %s, expected %s' % (have[:6], want[:6]))
    print('# compare: %d instances from cimq, %d rows in the walk, %d properties, %d problems'
          % (len(got), len(exp), len(props), len(problems)))
    for p in problems[:a.max_report]:
        print(p)
    return 1 if problems else 0


def cmd_select(a):
    """print the keys of the walk's instances that satisfy a python predicate over WMI values"""
    cls = cls_of(a.cls)
    exp = instances(cls, parse_walk(a.walk))
    for inst in exp.values():
        env = {cls['props'][k]['name']: v for k, v in inst.items()}
        if eval(a.pred, {'re': re, 'like': like}, env):
            print('\t'.join(inst_key(cls, inst)))
    return 0


def like(s, pat):
    """WQL LIKE: % _ [abc] [a-z] [^abc], case-insensitive (cimq_wql.py's, the one reference)"""
    return s is not None and cimq_wql.like(str(s), pat)


def cmd_keys(a):
    cls = cls_of(a.cls)
    for k in sorted('\t'.join(inst_key(cls, lower_keys(g))) for g in load_json(a.json)):
        print(k)
    return 0


def type_ok(t, v):
    if v is None:
        return True
    if t.endswith('[]'):
        return isinstance(v, list) and all(v_ is not None and type_ok(t[:-2], v_) for v_ in v)
    if t == 'boolean':
        return isinstance(v, bool)
    if re.match(r'^[su]int\d+$', t):
        return isinstance(v, int) and not isinstance(v, bool)
    if t == 'datetime':
        return isinstance(v, str) and DATETIME_RE.match(v) is not None
    return isinstance(v, str)


def cmd_types(a):
    cls = cls_of(a.cls)
    problems, counts = [], {}
    for g in load_json(a.json):
        for k, v in g.items():
            p = cls['props'].get(k.lower())
            if p is None:
                problems.append('unknown property %s' % k)
                continue
            if p['name'] != k:
                problems.append('property %s printed as %s (WMI spells it %s)' % (k, k, p['name']))
            if not type_ok(p['type'], v):
                problems.append('%s (%s) has %r' % (k, p['type'], v))
            if 'MACAddress' in k or k == 'PermanentAddress':
                if v is not None and not MAC_RE.match(v):
                    problems.append('%s is not a MAC 00:80:C7:8F:6C:96: %r' % (k, v))
            kind = 'null' if v is None else type(v).__name__
            counts[kind] = counts.get(kind, 0) + 1
    print('# types: %s; %d problems' % (' '.join('%s=%d' % kv for kv in sorted(counts.items())), len(problems)))
    for p in problems[:20]:
        print(p)
    return 1 if problems else 0


def text_of(v):
    """how a CSV or text cell may show a JSON value"""
    if v is None:
        return ['', 'NULL', 'null']
    if isinstance(v, bool):
        return ['True', 'TRUE', 'true']
    if isinstance(v, list):
        parts = [text_of(x)[0] for x in v]
        return ['{' + ', '.join(parts) + '}', '{' + ','.join(parts) + '}', ';'.join(parts),
                ' '.join(parts), ','.join(parts), '{' + ', '.join('"%s"' % x for x in parts) + '}']
    return [str(v)]


def cmd_csv(a):
    got = load_json(a.json)
    with open(a.csv, newline='') as f:
        rows = list(csv.reader(f))
    problems = []
    if not rows:
        problems.append('empty CSV')
    else:
        head, body = rows[0], rows[1:]
        if got and sorted(h.lower() for h in head) != sorted(k.lower() for k in got[0]):
            problems.append('header %s, JSON properties %s' % (head, list(got[0])))
        if len(body) != len(got):
            problems.append('%d CSV rows, %d JSON instances' % (len(body), len(got)))
        jrows = [{k.lower(): v for k, v in g.items()} for g in got]
        for r in body:
            d = {h.lower(): c for h, c in zip(head, r)}
            m = next((j for j in jrows if all(d.get(k) in text_of(v) or
                                              (isinstance(v, bool) and d.get(k) in ('False', 'FALSE', 'false') and not v)
                                              for k, v in j.items())), None)
            if m is None:
                problems.append('CSV row matches no JSON instance: %s' % r[:8])
            else:
                jrows.remove(m)
    print('# csv: %d rows; %d problems' % (max(len(rows) - 1, 0), len(problems)))
    for p in problems[:10]:
        print(p)
    return 1 if problems else 0


def cmd_table(a):
    got = load_json(a.json)
    lines = [l for l in open(a.text).read().splitlines() if l.strip()]
    problems = []
    props = list(got[0]) if got else []
    if not lines:
        problems.append('no output')
    else:
        head = lines[0].split()
        if [h.lower() for h in head] != [p.lower() for p in props]:
            problems.append('header %s, properties %s' % (head, props))
        if len(lines) > 1 and not re.match(r'^[- ]+$', lines[1]):
            problems.append('second line is not the dashes under the header: %r' % lines[1])
        if len(lines) - 2 != len(got):
            problems.append('%d lines of instances, %d JSON instances' % (len(lines) - 2, len(got)))
        # each instance's first property value begins its line (at column 0 when left-aligned)
        first = [text_of(g[props[0]])[0] for g in got]
        body = [l.strip() for l in lines[2:]]
        for v in first:
            if v and not any(l.startswith(v) or (' ' + v + ' ') in (' ' + l + ' ') for l in body):
                problems.append('no line shows %r' % v)
                break
    print('# table: %d lines; %d problems' % (len(lines), len(problems)))
    for p in problems[:10]:
        print(p)
    return 1 if problems else 0


def cmd_list(a):
    got = load_json(a.json)
    blocks = [b for b in re.split(r'\n\s*\n', open(a.text).read().strip()) if b.strip()] if got else []
    problems = []
    if len(blocks) != len(got):
        problems.append('%d blocks, %d JSON instances' % (len(blocks), len(got)))
    for b, g in zip(blocks, got):
        kv = {}
        for l in b.splitlines():
            m = re.match(r'^(\w+)\s*: ?(.*)$', l)
            if not m:
                problems.append('not "Name : value": %r' % l)
                continue
            kv[m.group(1).lower()] = m.group(2).rstrip()
        if sorted(kv) != sorted(k.lower() for k in g):
            problems.append('names %s, JSON %s' % (sorted(kv), sorted(g)))
        for k, v in g.items():
            if k.lower() in kv and kv[k.lower()] not in text_of(v) and not isinstance(v, (bool, list)):
                problems.append('%s: list %r, JSON %r' % (k, kv[k.lower()], v))
    print('# list: %d blocks; %d problems' % (len(blocks), len(problems)))
    for p in problems[:10]:
        print(p)
    return 1 if problems else 0


def expected_lines(script, routes, links):
    out = subprocess.run([sys.executable, os.path.join(HERE, script), 'expected', '--routes', routes,
                          '--links', links, '--tables', 'main'], capture_output=True, text=True, check=True)
    return [l.split('\t')[0] for l in out.stdout.splitlines() if l and not l.startswith('#')]


def cmd_kroutes(a, six):
    got = [lower_keys(x) for x in load_json(a.json)]
    exp = []
    for ix in expected_lines('route6_rows.py' if six else 'route_rows.py', a.routes, a.links):
        s = [int(x) for x in ix.split('.')]
        if six:
            exp.append((str(ipaddress.IPv6Address(bytes(s[0:16]))), str(s[16]),
                        str(ipaddress.IPv6Address(bytes(s[17:33]))), str(s[33])))
        else:
            exp.append(('.'.join(map(str, s[0:4])), '.'.join(map(str, s[4:8])), '.'.join(map(str, s[8:12])), str(s[12])))
    second = 'prefixlength' if six else 'mask'
    have = [(str(g.get('destination')), str(g.get(second)), str(g.get('nexthop')), str(g.get('interfaceindex')))
            for g in got]
    return report_sets('routes', sorted(have), sorted(exp))


def report_sets(what, have, exp):
    missing = [x for x in exp if x not in have]
    extra = [x for x in have if x not in exp]
    print('# kernel %s: cimq %d, kernel %d; %d missing, %d extra' % (what, len(have), len(exp), len(missing), len(extra)))
    for x in missing[:10]:
        print('missing %s' % (x,))
    for x in extra[:10]:
        print('extra %s' % (x,))
    return 1 if missing or extra or len(have) != len(exp) else 0


def cmd_kadapters(a):
    got = [lower_keys(x) for x in load_json(a.json)]
    links = json.load(open(a.links))
    exp = sorted((str(l['ifindex']), l.get('ifalias') or l['ifname'], str('UP' in l.get('flags', [])),
                  (l.get('address') or '').upper() or 'None') for l in links)
    have = sorted((str(g.get('deviceid')), str(g.get('netconnectionid')), str(g.get('netenabled')),
                   str(g.get('macaddress'))) for g in got)
    return report_sets('links', have, exp)


def cmd_kadcfg(a):
    got = [lower_keys(x) for x in load_json(a.json)]
    links = json.load(open(a.links))
    addrs = {x['ifindex']: x for x in json.load(open(a.addrs))}
    exp = []
    for l in links:
        ips = sorted(i['local'] for i in addrs.get(l['ifindex'], {}).get('addr_info', []))
        exp.append((l['ifindex'], l['ifname'], l.get('mtu'), ips))
    have = [(g.get('index'), g.get('settingid'), g.get('mtu'), sorted(g.get('ipaddress') or [])) for g in got]
    return report_sets('links and addresses', sorted(map(str, have)), sorted(map(str, exp)))


def main():
    import argparse
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('walk')
    p.add_argument('cls')
    p.add_argument('walk')
    p.add_argument('json')
    p.add_argument('--props', default='')
    p.add_argument('--subset', action='store_true')
    p.add_argument('--expect-keys')
    p.add_argument('--slack', type=float, default=5)
    p.add_argument('--max-report', type=int, default=20)
    p.set_defaults(func=cmd_walk)
    p = sub.add_parser('select')
    p.add_argument('cls')
    p.add_argument('walk')
    p.add_argument('pred')
    p.set_defaults(func=cmd_select)
    p = sub.add_parser('keys')
    p.add_argument('cls')
    p.add_argument('json')
    p.set_defaults(func=cmd_keys)
    p = sub.add_parser('types')
    p.add_argument('cls')
    p.add_argument('json')
    p.set_defaults(func=cmd_types)
    p = sub.add_parser('csv')
    p.add_argument('json')
    p.add_argument('csv')
    p.set_defaults(func=cmd_csv)
    for n, f in (('table', cmd_table), ('list', cmd_list)):
        p = sub.add_parser(n)
        p.add_argument('json')
        p.add_argument('text')
        p.set_defaults(func=f)
    for n, six in (('kroutes4', False), ('kroutes6', True)):
        p = sub.add_parser(n)
        p.add_argument('json')
        p.add_argument('routes')
        p.add_argument('links')
        p.set_defaults(func=lambda a, six=six: cmd_kroutes(a, six))
    p = sub.add_parser('kadapters')
    p.add_argument('json')
    p.add_argument('links')
    p.set_defaults(func=cmd_kadapters)
    p = sub.add_parser('kadcfg')
    p.add_argument('json')
    p.add_argument('links')
    p.add_argument('addrs')
    p.set_defaults(func=cmd_kadcfg)
    a = ap.parse_args()
    sys.exit(a.func(a))


if __name__ == '__main__':
    main()
