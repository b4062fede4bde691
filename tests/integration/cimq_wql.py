#!/usr/bin/env python3
"""cimq_wql.py - a reference evaluator of WQL and random queries for cimq (cimq_diff.sh).

Part of the cimroute integration tests (python3 standard library only). The classes and their
properties come from mof-map/map.tsv and mibs/CIM-ROUTE-MIB.txt, read here as cimq(1) says it
reads them (WMI classes of the map, their tables' other columns as extension properties; every
other table of the MIB a class named after it minus "Table"); the rows from cimq itself
(every property selected by name: the truth), checked elsewhere against a walk.
The semantics are WMI's as cimq(1) states them: case-insensitive names and string compares
(ASCII, as strcasecmp), three-valued logic (a comparison with NULL is unknown, a row is
selected only when the WHERE is true), addresses in address order (IPv4 first) when both sides
are addresses, CIM_DATETIMEs in time order, object paths equal when class and keys are,
integers against integer literals, strings holding integers and reals (by value), booleans
against TRUE/FALSE, 0/1, 'true'/'false'; an array property holds a condition when an element
does; LIKE with % _ [set] [a-z] [a=z] [^set]; a literal of the wrong type, = NULL and LIKE on a
number are type mismatches (exit 3), an unknown property exit 2, a property on both sides of
an operator (WMI: "Property names cannot appear on both sides") a syntax error (exit 1).

Sub-commands (each prints 'ok TEXT' / 'not ok TEXT' lines and '# ' diagnostics; the cimq
command line is $CQCMD, to which '-o FORMAT HOST QUERY' is appended, HOST being $CQHOST):
  truth DIR          read every class twice, write DIR/CLASS.json (rows, volatile properties)
                     and DIR/CLASS.star.json (SELECT * -o json); check SELECT * against them
  fixed DIR          the queries a seed once found, and hand-made edge cases
  random DIR --seed S --queries N
  assoc DIR          ASSOCIATORS OF / REFERENCES OF every route with an active route
  formats DIR --seed S   default, table, list, csv and json agree for a few queries
  eval DIR QUERY     print what the reference selects (for a rerun by hand)
"""

import csv
import io
import ipaddress
import json
import os
import random
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
MAP = os.environ.get('CIMQ_MAP', os.path.join(TOP, 'mof-map', 'map.tsv'))
MIB = os.path.join(TOP, 'mibs', 'CIM-ROUTE-MIB.txt')
# classes cimq serves but cannot enumerate: a ping is sent per query; events are a stream
SKIP = {'win32_pingstatus', 'win32_ip4routetableevent'}
# properties known to move between reads (cimrouted computes them at each read)
VOLATILE = {'age', 'installdate', 'dhcpleaseexpires', 'dhcpleaseobtained', 'validlifetime',
            'preferredlifetime', 'expires'}
WMI_KEYS = {
    'win32_ip4routetable': ['Destination', 'Mask', 'NextHop', 'InterfaceIndex'],
    'win32_ip4persistedroutetable': ['Destination', 'Mask', 'NextHop', 'Metric1'],
    'win32_activeroute': ['SameElement', 'SystemElement'],
    'win32_networkadapter': ['DeviceID', 'CreationClassName', 'SystemCreationClassName', 'SystemName'],
    'win32_networkadapterconfiguration': ['Index'],
}
TRUE, FALSE, UNKNOWN = 1, 0, 2


# ---------------------------------------------------------------- the classes

def load_mib():
    """{name: {'parent', 'subid', 'syntax', 'enum'}}, {entry: [index objects]}, {TC: syntax}"""
    t = re.sub(r'--[^\n]*', '', open(MIB).read())
    objs, index, tcs = {}, {}, {}
    for m in re.finditer(r'\n(\w+)\s*::=\s*TEXTUAL-CONVENTION(.*?)SYNTAX\s+(\w+(?: STRING| IDENTIFIER)?)[ \t]*(\{)?', t, re.S):
        tcs[m.group(1)] = (m.group(3), m.group(4) == '{')
    pat = re.compile(r'\n(\w+)\s+OBJECT-TYPE((?:(?!::=).)*)::=\s*\{\s*(\w+)\s+(\d+)\s*\}', re.S)
    for m in pat.finditer(t):
        body = m.group(2)
        s = re.search(r'SYNTAX\s+(.*?)\n\s*(?:UNITS|MAX-ACCESS|ACCESS)', body, re.S)
        syn = re.sub(r'\s+', ' ', s.group(1)).strip() if s else ''
        objs[m.group(1)] = {'parent': m.group(3), 'subid': int(m.group(4)),
                            'syntax': re.split(r'[\s({]', syn)[0] if syn else '', 'enum': '{' in syn}
        ix = re.search(r'INDEX\s*\{([^}]*)\}', body)
        if ix:
            index[m.group(1)] = [x.strip().replace('IMPLIED ', '') for x in ix.group(1).split(',')]
    return objs, index, tcs


OBJS, INDEX, TCS = load_mib()
BASE_UINT = {'Unsigned32', 'Gauge32', 'Counter32', 'TimeTicks', 'TimeStamp', 'InetAddressPrefixLength'}


def cim_type_of(obj):
    """the CIM type cimq gives an extension object, from its syntax (cimq/cmap.h)"""
    syn, enum = OBJS[obj]['syntax'], OBJS[obj]['enum']
    seen = set()
    while True:
        if syn == 'DateAndTime':
            return 'datetime'
        if syn == 'TruthValue':
            return 'boolean'
        if syn in ('CimGauge64', 'Counter64'):
            return 'uint64'
        if syn in BASE_UINT:
            return 'uint32'
        if syn == 'Integer32':
            return 'sint32'
        if syn == 'INTEGER':
            return 'uint32' if enum else 'sint32'
        if syn in ('RowStatus', 'StorageType', 'InetAddressType'):
            return 'uint32'
        if syn in TCS and syn not in seen:
            seen.add(syn)
            syn, enum = TCS[syn]
            continue
        return 'string'


def short_name(obj):
    """The column without its entry's prefix, cut before a capital (no word split)."""
    entry = OBJS[obj]['parent']
    if entry.endswith('Entry') and obj.startswith(entry[:-5]) and obj != entry[:-5]:
        n = len(entry) - 5
        while n > 0 and not obj[n].isupper():
            n -= 1
        return obj[n:]
    return obj


def prop(name, cim_type, syntax, obj, ext):
    base = cim_type.replace('[]', '').strip()
    if base.endswith(' REF'):
        kind, bits = 'ref', 0
    elif re.match(r'^[su]int\d+$', base):
        kind, bits = base[0] + 'int', int(base[4:])
    else:
        kind, bits = {'boolean': 'bool', 'datetime': 'datetime'}.get(base, 'string'), 0
    addr = kind == 'string' and (syntax == 'IpAddress' or syntax.startswith('InetAddress'))
    return {'name': name, 'type': kind, 'bits': bits, 'array': cim_type.endswith('[]'),
            'addr': addr, 'obj': obj, 'ext': ext}


def columns(entry):
    return sorted((o for o, v in OBJS.items() if v['parent'] == entry), key=lambda o: OBJS[o]['subid'])


def complete(c, entry, wmi):
    """index components from other tables, then the entry's columns the map does not name"""
    named = {p['obj'] for p in c['props'] if p['obj'] and p.get('own')}
    for o in [x for x in INDEX[entry] if OBJS[x]['parent'] != entry] + columns(entry):
        if o in named:
            continue
        named.add(o)
        n = short_name(o)
        if any(p['name'].lower() == n.lower() for p in c['props']):
            n = o
        c['props'].append(prop(n, cim_type_of(o), OBJS[o]['syntax'], o, wmi))
    keys = INDEX[entry] if not wmi else []
    for p in c['props']:
        p['key'] = p['obj'] in keys or p['name'] in WMI_KEYS.get(c['name'].lower(), [])


def load_classes():
    classes, used = {}, set()
    for line in open(MAP):
        f = line.rstrip('\n').split('\t')
        if len(f) < 6 or f[0] in ('class', 'extension') or f[1].endswith('()'):
            continue
        if f[1] == '*':
            classes[f[0].lower()] = {'name': f[0], 'props': [], 'table': f[3], 'wmi': True}
            used.add(f[3])
            continue
        p = prop(f[1], f[2], f[4], None if f[3] == '-' else f[3], False)
        table = classes[f[0].lower()]['table']
        p['own'] = p['obj'] is not None and p['obj'] in OBJS and OBJS[p['obj']]['parent'] == table.replace('Table', 'Entry')
        classes[f[0].lower()]['props'].append(p)
    for c in classes.values():
        if c['table'] in OBJS or c['table'] + 'X' in ():
            pass
    for o, v in OBJS.items():
        if o.endswith('Table') and o.replace('Table', 'Entry') in INDEX and o not in used:
            classes[o[:-5].lower()] = {'name': o[:-5], 'props': [], 'table': o, 'wmi': False}
    for k, c in list(classes.items()):
        entry = c['table'][:-5] + 'Entry'
        if entry in INDEX:
            complete(c, entry, c['wmi'])
        else:
            classes.pop(k)  # the event class (a notification)
    return {k: v for k, v in classes.items() if k not in SKIP}


# ---------------------------------------------------------------- running cimq

def cimq(query, fmt='json'):
    cmd = shlex.split(os.environ['CQCMD']) + ['-o', fmt, os.environ.get('CQHOST', '127.0.0.1'), query]
    p = subprocess.run(cmd, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def cimq_json(query):
    rc, out, err = cimq(query)
    rows = None
    if rc == 0:
        try:
            rows = json.loads(out) if out.strip() else []
        except ValueError as e:
            return rc, None, 'JSON: %s: %s' % (e, out[:300])
    return rc, rows, err


# ---------------------------------------------------------------- values and the reference

def ascii_lower(s):
    return s.translate(str.maketrans('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'))


def casecmp(a, b):
    a, b = ascii_lower(a).encode(), ascii_lower(b).encode()
    return (a > b) - (a < b)


def addr_key(s):
    for fam, cls in ((0, ipaddress.IPv4Address), (1, ipaddress.IPv6Address)):
        try:
            if fam == 0 and not re.match(r'^\d+\.\d+\.\d+\.\d+$', s):
                continue
            return (fam, cls(s).packed)
        except ValueError:
            pass
    return None


def addr_cmp(a, b):
    x, y = addr_key(a), addr_key(b)
    if x is None or y is None:
        return casecmp(a, b)
    return (x > y) - (x < y)


DT = re.compile(r'^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\.(\d{6})([+-])(\d{3})$')


def dt_value(s):
    import calendar
    m = DT.match(s)
    if not m:
        return None
    g = [int(x) for x in m.groups()[:7]]
    try:
        t = calendar.timegm((g[0], g[1], g[2], g[3], g[4], g[5], 0, 0, 0))
    except (ValueError, OverflowError):
        return None
    off = int(m.group(9)) * (1 if m.group(8) == '+' else -1)
    return (t - off * 60, g[6])


def is_datetime(s):
    return len(s) == 25 and s[14] == '.' and s[21] in '+-' and \
        all(c.isdigit() or c == '*' for i, c in enumerate(s) if i not in (14, 21)) and s.isascii()


def dt_cmp(a, b):
    x, y = dt_value(a), dt_value(b)
    if x is None or y is None or '*' in a or '*' in b:
        x, y = a.encode(), b.encode()
    return (x > y) - (x < y)


def parse_path(s):
    """WMI object path -> (class lower, {key lower: value}) or None (cimq's wql_parse_path)"""
    s = s.strip()
    if s.startswith('{') and s.endswith('}'):
        s = s[1:-1].strip()
    m = re.match(r'^(?:(?:[\\/]{2}[^\\/]+[\\/])?[A-Za-z0-9_]+[\\/][A-Za-z0-9_]+:)?([A-Za-z_][A-Za-z0-9_]*)\.(.*)$', s, re.S)
    if not m:
        return None
    keys, rest = {}, m.group(2)
    while rest:
        km = re.match(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*', rest)
        if not km:
            return None
        rest = rest[km.end():]
        if rest[:1] in ('"', "'"):
            q, i, v = rest[0], 1, ''
            while i < len(rest) and rest[i] != q:
                if rest[i] == '\\' and i + 1 < len(rest):
                    i += 1
                v += rest[i]
                i += 1
            if i >= len(rest):
                return None
            val, rest = v, rest[i + 1:]
        else:
            vm = re.match(r'^(-?(?:0x[0-9a-fA-F]+|\d+))', rest)
            if not vm:
                return None
            val, rest = int(vm.group(1), 0), rest[vm.end():]
        keys[km.group(1).lower()] = val
        rest = rest.strip()
        if rest.startswith(','):
            rest = rest[1:]
        elif rest:
            return None
    return (m.group(1).lower(), keys) if keys else None


def key_eq(a, b):
    if isinstance(a, int) or isinstance(b, int):
        try:
            return int(str(a).strip(), 0) == int(str(b).strip(), 0)
        except ValueError:
            return False
    return addr_cmp(a, b) == 0


def path_cmp(a, b):
    pa, pb = parse_path(a), parse_path(b)
    if pa and pb and pa[0] == pb[0] and len(pa[1]) == len(pb[1]) and \
            all(k in pb[1] and key_eq(v, pb[1][k]) for k, v in pa[1].items()):
        return 0
    c = casecmp(a, b)
    return c if c else 1


def like(s, pat):
    """WQL LIKE, case-insensitive: % any run, _ one character, [abc] [a-z] [a=z] [^abc]"""
    rx, i = '', 0
    while i < len(pat):
        c = pat[i]
        if c == '%':
            rx += '.*'
        elif c == '_':
            rx += '.'
        elif c == '[':
            j, neg = i + 1, False
            if pat[j:j + 1] == '^':
                neg, j = True, j + 1
            items, first = [], True
            while j < len(pat) and (pat[j] != ']' or first):
                first = False
                lo = hi = ascii_lower(pat[j])
                if j + 2 < len(pat) and pat[j + 1] in '-=' and pat[j + 2] != ']':
                    hi = ascii_lower(pat[j + 2])
                    j += 2
                items.append((lo, hi))
                j += 1
            rx += '(?:%s)' % ('(?!%s).' % '|'.join(cls_rx(x) for x in items) if neg and items else
                              '.' if neg else '|'.join(cls_rx(x) for x in items) or '(?!)')
            i = j
        else:
            rx += re.escape(ascii_lower(c))
        i += 1
    return re.fullmatch(rx, ascii_lower(s), re.S) is not None


def cls_rx(r):
    lo, hi = r
    if lo > hi:
        return '(?!)'
    return '[%s-%s]' % (re.escape(lo), re.escape(hi))


class Mismatch(Exception):
    """the reference's prediction of a refused query: exit status and why"""

    def __init__(self, rc, why):
        Exception.__init__(self, why)
        self.rc = rc


def lit_int(lit):
    if lit[0] == 'int':
        return lit[1]
    if lit[0] == 'str':
        s = lit[1].strip(' \t\n\r\f\v')
        m = re.match(r'^([+-]?)(0[xX][0-9a-fA-F]+|\d+)$', s)  # as the literal: decimal or 0x hex
        if not m:
            return None
        v = int(m.group(2), 16) if m.group(2)[:2].lower() == '0x' else int(m.group(2))
        return -v if m.group(1) == '-' else v
    return None


def lit_bool(lit):
    if lit[0] == 'bool':
        return lit[1]
    if lit[0] == 'int' and lit[1] in (0, 1):
        return bool(lit[1])
    if lit[0] == 'str' and lit[1].lower() in ('true', 'false'):
        return lit[1].lower() == 'true'
    return None


def fits(p, n):
    if p['type'] == 'uint':
        return 0 <= n < 2 ** p['bits']
    return -2 ** (p['bits'] - 1) <= n < 2 ** (p['bits'] - 1)


def check_leaf(p, e):
    """raise Mismatch (exit 3) where cimq's type check refuses the leaf"""
    kind, lit = e['kind'], e.get('lit')
    if kind == 'isnull':
        return
    if kind == 'isa':
        if p['type'] != 'ref':
            raise Mismatch(3, 'ISA on %s' % p['type'])
        return
    if kind == 'like':
        if p['type'] not in ('string', 'ref', 'datetime'):
            raise Mismatch(3, 'LIKE on %s' % p['type'])
        return
    if lit[0] == 'null':
        raise Mismatch(3, '= NULL')
    t = p['type']
    if t in ('string', 'ref'):
        ok = lit[0] == 'str'
    elif t == 'datetime':
        ok = lit[0] == 'str' and is_datetime(lit[1])
    elif t == 'bool':
        ok = lit_bool(lit) is not None
    else:
        n = lit_int(lit)
        ok = lit[0] == 'real' or (n is not None and fits(p, n))
    if not ok:
        raise Mismatch(3, '%s %s against %r' % (p['name'], t, lit))


def cmp_value(p, v, lit):
    """v (a scalar, not NULL) against lit: -1, 0, 1, or None when not comparable"""
    t = p['type']
    if isinstance(v, bool):
        b = lit_bool(lit)
        return None if b is None else (v > b) - (v < b)
    if isinstance(v, int):
        if lit[0] == 'real':
            r = lit[1]
            return (v > r) - (v < r)
        n = lit_int(lit)
        return None if n is None else (v > n) - (v < n)
    if isinstance(v, str):
        if lit[0] != 'str':
            return None
        if t == 'datetime':
            return dt_cmp(v, lit[1])
        if t == 'ref':
            return path_cmp(v, lit[1])
        if p['addr']:
            return addr_cmp(v, lit[1])
        return casecmp(v, lit[1])
    return None


OPS = {'=': lambda c: c == 0, '<>': lambda c: c != 0, '!=': lambda c: c != 0, '<': lambda c: c < 0,
       '>': lambda c: c > 0, '<=': lambda c: c <= 0, '>=': lambda c: c >= 0}


def leaf_scalar(p, e, v):
    if e['kind'] == 'isa':
        return TRUE if isinstance(v, str) and isa(v, e['lit'][1]) else FALSE
    if e['kind'] == 'like':
        return TRUE if isinstance(v, str) and like(v, e['lit'][1]) else FALSE
    c = cmp_value(p, v, e['lit'])
    return TRUE if c is not None and OPS[e['op']](c) else FALSE


def evaluate(cls, e, row):
    k = e['kind']
    if k == 'not':
        x = evaluate(cls, e['l'], row)
        return UNKNOWN if x == UNKNOWN else 1 - x
    if k in ('and', 'or'):
        a, b = evaluate(cls, e['l'], row), evaluate(cls, e['r'], row)
        if k == 'and':
            return FALSE if FALSE in (a, b) else UNKNOWN if UNKNOWN in (a, b) else TRUE
        return TRUE if TRUE in (a, b) else UNKNOWN if UNKNOWN in (a, b) else FALSE
    p = e['p']
    v = row.get(p['name'])
    if isinstance(v, list) and not v:
        v = None
    if k == 'isnull':
        x = TRUE if v is None else FALSE
        return 1 - x if e.get('neg') else x
    if v is None:
        return UNKNOWN
    if isinstance(v, list):
        x = TRUE if any(leaf_scalar(p, e, y) == TRUE for y in v) else FALSE
    else:
        x = leaf_scalar(p, e, v)
    if k == 'like' and e.get('neg'):
        return 1 - x
    return x


def isa(v, cls):
    pp = parse_path(v)
    return pp is not None and pp[0] == cls.lower()


def leaves(e):
    if e is None:
        return []
    if e['kind'] in ('and', 'or'):
        return leaves(e['l']) + leaves(e['r'])
    if e['kind'] == 'not':
        return leaves(e['l'])
    return [e]


def expect(cls, q, rows):
    """(exit status, [instances] or None, why) the reference predicts for query q"""
    # in cimq's order: syntax, property names, types, then the names literals give (ISA)
    bad = [e for e in leaves(q['where']) if e.get('bad')]
    for e in leaves(q['where']):  # integers are 64-bit: a literal beyond is "number too large"
        if e.get('lit') and e['lit'][0] == 'int' and not -2 ** 63 <= e['lit'][1] < 2 ** 64:
            bad.insert(0, dict(e, bad=1, why='an integer beyond 64 bits'))
    for code in (1, 2):
        for e in bad:
            if e['bad'] == code and e['kind'] != 'isa':
                return code, None, e['why']
    try:
        for e in leaves(q['where']):
            check_leaf(e['p'], e)
    except Mismatch as m:
        return m.rc, None, str(m)
    if bad:
        return bad[0]['bad'], None, bad[0]['why']
    names = [p['name'] for p in q['props']]
    out = [{n: r.get(n) for n in names} for r in rows
           if q['where'] is None or evaluate(cls, q['where'], r) == TRUE]
    return 0, out, ''


# ---------------------------------------------------------------- rendering queries

def quote(s, R):
    if R.random() < 0.3:
        return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'
    return "'" + s.replace('\\', '\\\\').replace("'", "\\'") + "'"


def render_lit(lit, R):
    k = lit[0]
    if k == 'str':
        return quote(lit[1], R)
    if k == 'int':
        v = lit[1]
        if lit[2:] and lit[2] == 'hex':
            return ('-' if v < 0 else '') + '0x%X' % abs(v)
        return ('+' if lit[2:] and lit[2] == 'plus' and v >= 0 else '') + str(v)
    if k == 'real':
        return lit[2]
    if k == 'bool':
        return R.choice(['TRUE', 'True', 'true']) if lit[1] else R.choice(['FALSE', 'False', 'false'])
    return R.choice(['NULL', 'null'])


FLIP = {'=': '=', '<>': '<>', '!=': '!=', '<': '>', '>': '<', '<=': '>=', '>=': '<='}


def kw(word, R):
    r = R.random()
    return word if r < 0.6 else word.lower() if r < 0.8 else ''.join(c.upper() if R.random() < 0.5 else c.lower() for c in word)


def name_case(n, R):
    r = R.random()
    return n if r < 0.5 else n.lower() if r < 0.7 else n.upper() if r < 0.8 else \
        ''.join(c.upper() if R.random() < 0.5 else c.lower() for c in n)


def render(e, R, top=True):
    k = e['kind']
    if k in ('and', 'or'):
        parts = []
        for child in (e['l'], e['r']):
            s = render(child, R, False)
            if child['kind'] in ('and', 'or') and (child['kind'] != k or R.random() < 0.3) or \
                    (child['kind'] not in ('and', 'or') and R.random() < 0.1):
                s = '(' + s + ')'
            parts.append(s)
        return (' %s ' % kw(k.upper(), R)).join(parts)
    if k == 'not':
        s = render(e['l'], R, False)
        if e['l']['kind'] in ('and', 'or', 'not') or R.random() < 0.3:
            s = '(' + s + ')'
        return kw('NOT', R) + ' ' + s
    if 'text' in e:
        return e['text']
    pn = name_case(e['pname'], R)
    if k == 'isnull':
        e['text'] = '%s %s %s' % (pn, kw('IS', R) + (' ' + kw('NOT', R) if e.get('neg') else ''), kw('NULL', R))
    elif k == 'like':
        e['text'] = '%s %s%s %s' % (pn, kw('NOT', R) + ' ' if e.get('neg') else '', kw('LIKE', R), quote(e['lit'][1], R))
    elif k == 'isa':
        e['text'] = '%s %s %s' % (pn, kw('ISA', R), quote(e['lit'][1], R))
    elif e.get('left'):
        e['text'] = '%s %s %s' % (render_lit(e['lit'], R), FLIP[e['op']], pn)
    else:
        e['text'] = '%s %s %s' % (pn, e['op'], render_lit(e['lit'], R))
    return e['text']


def render_query(cls, q, R):
    props = '*' if q['star'] else ', '.join(name_case(p['name'], R) for p in q['props'])
    s = '%s %s %s %s' % (kw('SELECT', R), props, kw('FROM', R), name_case(cls['name'], R))
    if q['where'] is not None:
        s += ' %s %s' % (kw('WHERE', R), render(q['where'], R))
    return s


# ---------------------------------------------------------------- random queries

class Gen:
    def __init__(self, R, cls, rows, volatile):
        self.R, self.cls, self.rows = R, cls, rows
        self.props = [p for p in cls['props'] if p['name'] not in volatile]
        self.all = cls['props']
        self.volatile = volatile

    def values(self, p):
        out = []
        for r in self.rows:
            v = r.get(p['name'])
            if isinstance(v, list):
                out += v
            elif v is not None:
                out.append(v)
        return out

    def query(self, depth=3):
        R = self.R
        star = R.random() < 0.3
        if star:
            props = [p for p in self.all if not p['ext']]
        else:
            props = R.sample(self.all, min(len(self.all), R.randint(1, 5)))
        r = R.random()
        where = None if r < 0.08 else self.keyed() if r < 0.35 else self.expr(R.randint(0, depth))
        return {'star': star, 'props': props, 'where': where}

    def index_props(self):
        entry = self.cls['table'][:-5] + 'Entry'
        by = {p['obj']: p for p in self.all if p['obj']}
        return [by[o] for o in INDEX.get(entry, []) if o in by and by[o]['name'] not in self.volatile]

    def keyed(self):
        """conditions cimq plans as a GET, a range or a span: equalities on the index
        components (a leading part, or all; ORed values), bounds on the first one"""
        R = self.R
        ix = self.index_props()
        if not ix:
            return self.expr(1)
        row = R.choice(self.rows) if self.rows else {}
        r = R.random()
        if r < 0.3 and ix[0]['type'] in ('sint', 'uint', 'string'):
            p = ix[0]
            lo, hi = self.literal(p, self.values(p)), self.literal(p, self.values(p))
            e = {'kind': 'and', 'l': self.cmp(p, R.choice(['>', '>=']), lo), 'r': self.cmp(p, R.choice(['<', '<=']), hi)}
            if R.random() < 0.3:
                e = e['l'] if R.random() < 0.5 else e['r']
        else:
            n = len(ix) if R.random() < 0.5 else R.randint(1, len(ix))
            e = None
            for p in ix[:n]:
                v = row.get(p['name'])
                lit = self.literal(p, [v] if v is not None else [])
                leaf = self.cmp(p, '=', lit)
                if R.random() < 0.2:
                    leaf = {'kind': 'or', 'l': leaf, 'r': self.cmp(p, '=', self.literal(p, self.values(p)))}
                e = leaf if e is None else {'kind': 'and', 'l': e, 'r': leaf}
        if R.random() < 0.3:
            e = {'kind': 'and', 'l': e, 'r': self.expr(1)}
        return e

    def cmp(self, p, op, lit):
        return {'p': p, 'pname': p['name'], 'kind': 'cmp', 'op': op, 'left': self.R.random() < 0.15, 'lit': lit}

    def expr(self, depth):
        R = self.R
        if depth <= 0 or R.random() < 0.35:
            return self.leaf()
        k = R.choice(['and', 'or', 'and', 'or', 'not'])
        if k == 'not':
            return {'kind': 'not', 'l': self.expr(depth - 1)}
        return {'kind': k, 'l': self.expr(depth - 1), 'r': self.expr(depth - 1)}

    def leaf(self):
        R = self.R
        p = R.choice(self.props)
        e = {'p': p, 'pname': p['name']}
        r = R.random()
        if r < 0.03:
            return self.bad(e)
        if r < 0.15:
            e.update(kind='isnull', neg=R.random() < 0.5)
            return e
        vals = self.values(p)
        if p['type'] == 'ref' and r < 0.25:
            c = R.choice(['Win32_IP4RouteTable', 'Win32_IP4PersistedRouteTable', 'Win32_ActiveRoute', 'cimIP6Route'])
            e.update(kind='isa', lit=('str', name_case(c, R)))
            if R.random() < 0.1:
                e.update(bad=2, why='ISA of an unknown class', lit=('str', 'Win32_NoSuchClass'))
            return e
        if p['type'] in ('string', 'datetime', 'ref') and r < 0.4:
            e.update(kind='like', neg=R.random() < 0.2, lit=('str', self.pattern(vals)))
            return e
        e.update(kind='cmp', op=R.choice(list(OPS)), left=R.random() < 0.15, lit=self.literal(p, vals))
        return e

    def bad(self, e):
        R = self.R
        r = R.random()
        other = R.choice(self.all)['name']
        if r < 0.3:
            e.update(kind='cmp', bad=1, why='a property on both sides', text='%s %s %s' % (
                e['pname'], R.choice(list(OPS)), other))
        elif r < 0.5:
            e.update(kind='cmp', bad=2, why='unknown property', text="%sX = 1" % e['pname'])
        elif r < 0.75:
            e.update(kind='cmp', op=R.choice(['=', '<>']), lit=('null',))
        else:
            e.update(kind='cmp', op=R.choice(list(OPS)), lit=R.choice([
                ('str', 'x1'), ('bool', True), ('int', 2 ** 64 - 1), ('int', -1), ('real', 1.5, '1.5'),
                ('str', '2026'), ('int', 7)]))
        return e

    def literal(self, p, vals):
        R, t = self.R, p['type']
        v = R.choice(vals) if vals and R.random() < 0.8 else None
        if t in ('sint', 'uint'):
            if v is None or R.random() < 0.2:
                b = p['bits']
                v = R.choice([0, 1, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, -2 ** 31, R.randint(-5, 5000),
                              2 ** b - 1, 2 ** b, 2 ** (b - 1), -2 ** (b - 1), -2 ** (b - 1) - 1])
            if R.random() < 0.03:
                text = R.choice(['1e30', '-1e30', '1e-400', '-0.0', '0.5'])
                return ('real', float(text), text)
            else:
                v += R.choice([0, 0, 0, 1, -1])
            r = R.random()
            if r < 0.08:
                f = v + R.choice([0.5, -0.5, 0.0])
                text = R.choice(['%.1f' % f, '%.3e' % f])
                return ('real', float(text), text)
            if r < 0.16:
                return ('str', R.choice(['%d', '%d', '0%d', ' %d ', '+%d']) % v if v >= 0 or R.random() < 0.5 else str(v))
            if r < 0.18 and v >= 0:
                return ('str', R.choice(['0x%x' % v, '0X%X' % v, '0x', '0x-%d' % v]))
            return ('int', v, R.choice(['', '', '', 'hex', 'plus']))
        if t == 'bool':
            b = R.random() < 0.5 if v is None else v
            return R.choice([('bool', b), ('bool', b), ('int', int(b)), ('str', R.choice(['true', 'True', 'FALSE', 'false']))])
        if t == 'datetime':
            if v is None:
                return ('str', R.choice(['20260101000000.000000+000', '20991231235959.999999-060']))
            return ('str', self.datetime_like(v))
        if t == 'ref':
            if v is None:
                return ('str', "Win32_IP4RouteTable.Destination='10.1.0.0'")
            return ('str', self.path_like(v))
        if v is None or R.random() < 0.15:
            return ('str', R.choice(['', 'a', 'OK', 'zzz', '10.50.0.0', '2001:db8::', 'va0', 'up%', '0.0.0.0']))
        return ('str', self.string_like(str(v), p))

    def string_like(self, s, p):
        R = self.R
        r = R.random()
        if r < 0.4:
            return s
        if r < 0.6:
            return ''.join(c.swapcase() if R.random() < 0.5 else c for c in s)
        if p['addr'] and addr_key(s):
            k = addr_key(s)
            if k[0] == 1:
                a = ipaddress.IPv6Address(k[1])
                return R.choice([a.exploded, a.exploded.upper(), str(ipaddress.IPv6Address(int(a) + 1))])
            a = ipaddress.IPv4Address(k[1])
            if R.random() < 0.3:  # not addresses (text order), or an IPv4-mapped IPv6 one
                return R.choice(['%s ' % a, '::ffff:%s' % a, str(a).rsplit('.', 1)[0], '0' + str(a)])
            return str(ipaddress.IPv4Address((int(a) + R.choice([1, -1, 256])) % 2 ** 32))
        if r < 0.8 and s:
            return s[:R.randint(0, len(s))]
        return s + R.choice(['a', 'Z', ' ', '0'])

    def datetime_like(self, s):
        import calendar
        R = self.R
        x = dt_value(s)
        if x is None:
            return s
        r = R.random()
        if r < 0.3:
            return s
        if r < 0.4:
            return s[:15] + '******' + s[21:]
        sec, usec = x
        sec += R.choice([0, 0, 1, -1, 3600])
        usec = min(999999, max(0, usec + R.choice([0, 1, -1])))
        off = R.choice([0, 60, -300, 345, 120])
        t = time.gmtime(sec + off * 60)
        return time.strftime('%Y%m%d%H%M%S', t) + '.%06d%s%03d' % (usec, '+' if off >= 0 else '-', abs(off))

    def path_like(self, s):
        R = self.R
        pp = parse_path(s)
        if pp is None or R.random() < 0.2:
            return s
        m = re.match(r'^\{?([A-Za-z0-9_]+)\.', s.lstrip('{'))
        cls = m.group(1) if m else pp[0]
        keys = list(pp[1].items())
        # the original spellings of the key names
        spell = {k.lower(): k for k in re.findall(r'([A-Za-z_][A-Za-z0-9_]*)\s*=', s)}
        R.shuffle(keys)
        if R.random() < 0.15 and len(keys) > 1:
            keys = keys[:-1]
        parts = []
        for k, v in keys:
            if isinstance(v, int):
                val = str(v + (1 if R.random() < 0.1 else 0))
            else:
                if R.random() < 0.1:
                    v = v + '1'
                val = R.choice(["'%s'", '"%s"']) % v.replace('\\', '\\\\')
            parts.append('%s=%s' % (name_case(spell.get(k, k), R), val))
        p = name_case(cls, R) + '.' + ','.join(parts)
        r = R.random()
        if r < 0.2:
            p = '{' + p + '}'
        elif r < 0.3:
            p = '\\\\.\\root\\cimv2:' + p
        return p

    def pattern(self, vals):
        R = self.R
        if not vals or R.random() < 0.1:
            return R.choice(['%', '_%', '%a%', '[0-9]%', '[^1]%', 'x%', ''])
        s = str(R.choice(vals))
        out = []
        i = 0
        while i < len(s):
            c = s[i]
            r = R.random()
            if r < 0.08:
                n = R.randint(1, 6)
                out.append('%')
                i += n
                continue
            if r < 0.16:
                out.append('_')
            elif r < 0.22 and c.isalnum():
                lo = chr(max(ord('0') if c.isdigit() else ord('a'), ord(c.lower()) - R.randint(0, 2)))
                hi = chr(min(ord('9') if c.isdigit() else ord('z'), ord(c.lower()) + R.randint(0, 2)))
                out.append('[%s%s%s]' % (lo, R.choice('-='), hi) if R.random() < 0.8 else '[%s%s]' % (c, c.swapcase()))
            elif r < 0.26 and c not in ']^-=[':
                x = R.choice('xyz0189' if c.lower() not in 'xyz0189' else 'abc')
                out.append('[^%s]' % (x if R.random() < 0.85 else c))
            elif c in '%_[':
                out.append('[%s]' % c)
            else:
                out.append(c.swapcase() if R.random() < 0.2 else c)
            i += 1
        if R.random() < 0.1:
            out.append(R.choice(['x', '%', '_']))
        return ''.join(out)


# ---------------------------------------------------------------- comparison

def norm_row(cls, row, volatile):
    out = []
    for k, v in sorted(row.items(), key=lambda kv: kv[0].lower()):
        if k in volatile:
            v = '<volatile>'
        elif isinstance(v, list) and not v:
            v = None
        out.append((k, json.dumps(v, sort_keys=True)))
    return tuple(out)


def compare(cls, want, got, volatile):
    """[problems] between the reference's instances and cimq's"""
    problems = []
    names = set(want[0]) if want else None
    for g in got:
        if names is not None and set(g) != names:
            problems.append('properties %s, expected %s' % (sorted(g), sorted(names)))
            break
    a = sorted(norm_row(cls, r, volatile) for r in want)
    b = sorted(norm_row(cls, r, volatile) for r in got)
    if a != b:
        missing = [dict(x) for x in a if x not in b]
        extra = [dict(x) for x in b if x not in a]
        problems.append('%d instances, expected %d; %d missing, %d extra' % (len(b), len(a), len(missing), len(extra)))
        for x in missing[:3]:
            problems.append('missing %s' % json.dumps(x)[:400])
        for x in extra[:3]:
            problems.append('extra %s' % json.dumps(x)[:400])
    return problems


# ---------------------------------------------------------------- sub-commands

def select_all(cls):
    return 'SELECT %s FROM %s' % (', '.join(p['name'] for p in cls['props']), cls['name'])


def cmd_truth(a):
    os.makedirs(a.dir, exist_ok=True)
    classes = load_classes()
    reads, fails = {}, []
    for k, c in sorted(classes.items()):
        rc, rows, err = cimq_json(select_all(c))
        if rc != 0 or rows is None:
            fails.append('%s: exit %d %s' % (c['name'], rc, err.strip()[:300]))
            continue
        reads[k] = rows
    time.sleep(1.1)
    n = 0
    for k, c in sorted(classes.items()):
        if k not in reads:
            continue
        rc, rows, err = cimq_json(select_all(c))
        first = reads[k]
        volatile = sorted({p['name'] for p in c['props'] if p['name'].lower() in VOLATILE} |
                          {n for r1, r2 in zip(first, rows or []) for n in r1 if r1.get(n) != r2.get(n)})
        if rc != 0 or rows is None or len(rows) != len(first):
            fails.append('%s: the second read: exit %d, %s instances, first %d' % (
                c['name'], rc, len(rows) if rows is not None else '-', len(first)))
            continue
        json.dump({'class': c, 'rows': rows, 'volatile': volatile}, open(os.path.join(a.dir, c['name'] + '.json'), 'w'))
        rc, star, err = cimq_json('SELECT * FROM %s' % c['name'])
        if star is not None:
            json.dump(star, open(os.path.join(a.dir, c['name'] + '.star.json'), 'w'))
        want = [{p['name']: r.get(p['name']) for p in c['props'] if not p['ext']} for r in rows]
        probs = ['exit %d %s' % (rc, err.strip()[:200])] if rc != 0 or star is None else compare(c, want, star, set(volatile))
        if probs:
            fails.append('SELECT * FROM %s is not the projection of every property: %s' % (c['name'], '; '.join(probs)))
        n += 1
        print('# %s: %d instances, %d properties, volatile %s' % (c['name'], len(rows), len(c['props']), ','.join(volatile) or '-'))
    result(not fails, 'every property of the %d enumerable classes read twice, SELECT * their projection (%d classes read)'
           % (len(classes), n), fails)


def result(good, text, problems=()):
    print(('ok ' if good else 'not ok ') + text)
    for p in list(problems)[:12]:
        print('# ' + p)


def load_truth(d):
    out = {}
    for f in sorted(os.listdir(d)):
        if f.endswith('.json') and not f.endswith('.star.json'):
            t = json.load(open(os.path.join(d, f)))
            out[t['class']['name'].lower()] = t
    return out


def prop_of(cls, name):
    for p in cls['props']:
        if p['name'].lower() == name.lower():
            return p
    return None


def run_one(t, q, text, R):
    """one query: cimq against the reference; (good, [problems])"""
    cls, rows, vol = t['class'], t['rows'], set(t['volatile'])
    wrc, want, why = expect(cls, q, rows)
    rc, got, err = cimq_json(text)
    if wrc != 0 or rc != 0:
        if rc == wrc:
            return True, []
        return False, ['exit %d, the reference expects %d (%s); stderr: %s' % (rc, wrc, why, err.strip()[:300])]
    if got is None:
        return False, [err]
    return not (p := compare(cls, want, got, vol)), p


def cmd_random(a):
    truth = load_truth(a.dir)
    R = random.Random(a.seed)
    names = sorted(truth)
    fails, counts = 0, {'rows': 0, 'refused': 0, 'empty': 0}
    per = {}
    for i in range(a.queries):
        # every class once, then by weight (classes with more instances more often)
        k = names[i] if i < len(names) else R.choice([n for n in names for _ in range(1 + min(len(truth[n]['rows']), 8))])
        t = truth[k]
        if not [p for p in t['class']['props'] if p['name'] not in t['volatile']]:
            continue
        g = Gen(R, t['class'], t['rows'], set(t['volatile']))
        q = g.query()
        text = render_query(t['class'], q, R)
        good, probs = run_one(t, q, text, R)
        wrc, want, _ = expect(t['class'], q, t['rows'])
        counts['refused' if wrc else 'empty' if not want else 'rows'] += 1
        per[t['class']['name']] = per.get(t['class']['name'], 0) + 1
        if not good:
            fails += 1
            result(False, 'seed %s query %d: %s' % (a.seed, i + 1, text), probs)
        elif not wrc and len(want) >= 2 and 'perturb' not in per and set(want[0]) - set(t['volatile']):
            per['perturb'] = (t, want)
    probe = per.pop('perturb', None)
    result(fails == 0, 'seed %s: %d random queries over %d classes agree with the reference '
           '(%d with instances, %d empty, %d refused)' % (a.seed, a.queries, len(per), counts['rows'],
                                                          counts['empty'], counts['refused']))
    # the comparison can fail: an instance dropped, a value changed, a property added
    good = probe is not None and counts['refused'] > 0 and counts['empty'] > 0
    if good:
        t, want = probe
        vol = set(t['volatile'])
        name = next((n for n in want[0] if n not in vol), None)
        changed = [dict(want[0], **({name: 'x' if want[0][name] != 'x' else 'y'} if name else {}))] + want[1:]
        good = name is not None and all(compare(t['class'], want, x, vol) for x in (
            want[1:], changed, [dict(w, Extra=1) for w in want]))
    result(good, 'the comparison detects a dropped instance, a changed value, an extra property')


def parse_fixed(t, text):
    """a hand-written query for run_one: the reference parses the WHERE of text itself"""
    return wql_parse(t['class'], text)


# a small parser for fixed queries (the generator's grammar only)
TOK = re.compile(r"\s*(?:(?P<str>'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\")|(?P<num>[+-]?(?:0[xX][0-9a-fA-F]+|\d+\.\d*(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+))"
                 r"|(?P<op><>|!=|<=|>=|=|<|>)|(?P<p>[()])|(?P<id>[A-Za-z_][A-Za-z0-9_]*)|(?P<comma>,)|(?P<star>\*))")


def tokens(s):
    out, i = [], 0
    while i < len(s):
        m = TOK.match(s, i)
        if not m or m.end() == i:
            if s[i:].strip() == '':
                break
            raise ValueError('cannot read %r' % s[i:])
        kind = m.lastgroup
        v = m.group(kind)
        if kind == 'str':
            v = re.sub(r'\\(.)', lambda x: {'n': '\n', 't': '\t'}.get(x.group(1), x.group(1)), v[1:-1])
        out.append((kind, v))
        i = m.end()
    return out


def wql_parse(cls, text):
    tk = tokens(text)
    pos = [0]

    def peek(n=0):
        return tk[pos[0] + n] if pos[0] + n < len(tk) else (None, None)

    def take():
        pos[0] += 1
        return tk[pos[0] - 1]

    def word(w):
        k, v = peek()
        if k == 'id' and v.upper() == w:
            take()
            return True
        return False

    def lit_of(k, v):
        if k == 'str':
            return ('str', v)
        if k == 'num':
            if re.search(r'[.eE]', v) and not v.lower().startswith(('0x', '+0x', '-0x')):
                return ('real', float(v), v)
            return ('int', int(v, 0))
        if k == 'id' and v.upper() in ('TRUE', 'FALSE'):
            return ('bool', v.upper() == 'TRUE')
        if k == 'id' and v.upper() == 'NULL':
            return ('null',)
        return None

    def primary():
        if peek() == ('p', '('):
            take()
            e = orx()
            take()
            return e
        k, v = take()
        lit = lit_of(k, v)
        if lit is not None:
            _, op = take()
            _, name = take()
            return {'kind': 'cmp', 'p': prop_of(cls, name), 'op': FLIP[op], 'lit': lit}
        p = prop_of(cls, v)
        if word('IS'):
            neg = word('NOT')
            take()
            return {'kind': 'isnull', 'p': p, 'neg': neg}
        neg = word('NOT')
        if word('LIKE'):
            return {'kind': 'like', 'p': p, 'neg': neg, 'lit': ('str', take()[1])}
        _, op = take()
        k2, v2 = take()
        lit = lit_of(k2, v2)
        if lit is None:
            return {'kind': 'cmp', 'p': p, 'bad': 1, 'why': 'a property on both sides'}
        return {'kind': 'cmp', 'p': p, 'op': op, 'lit': lit}

    def notx():
        if word('NOT'):
            return {'kind': 'not', 'l': notx()}
        return primary()

    def andx():
        e = notx()
        while word('AND'):
            e = {'kind': 'and', 'l': e, 'r': notx()}
        return e

    def orx():
        e = andx()
        while word('OR'):
            e = {'kind': 'or', 'l': e, 'r': andx()}
        return e

    word('SELECT')
    props, star = [], False
    while not word('FROM'):
        k, v = take()
        if k == 'star':
            star = True
        elif k == 'id':
            props.append(prop_of(cls, v))
    take()
    where = orx() if word('WHERE') else None
    if star:
        props = [p for p in cls['props'] if not p['ext']]
    for e in leaves(where):
        if e['p'] is None:
            e.update(bad=2, why='unknown property')
    return {'star': star, 'props': props, 'where': where}


# What seeds found once, and edge cases of WMI's rules: (class, query)
FIXED = [
    # seed 466866396: a row whose selected columns are all absent was no instance (plan.c)
    ('Win32_IP4RouteTable', "SELECT Destination, Metric1 FROM Win32_IP4RouteTable WHERE Metric1 IS NULL"),
    ('Win32_NetworkAdapterConfiguration', "SELECT DHCPServer FROM Win32_NetworkAdapterConfiguration"),
    ('cimIP6Route', "SELECT InstallDate FROM cimIP6Route"),
    # LIKE's _ and [set] matched a byte, not a character (eval.c)
    ('Win32_NetworkAdapter', "SELECT NetConnectionID FROM Win32_NetworkAdapter WHERE NetConnectionID LIKE 'caf_-_ [^x]_'"),
    ('Win32_NetworkAdapter', "SELECT NetConnectionID FROM Win32_NetworkAdapter WHERE NetConnectionID LIKE '%[é-ë]-%'"),
    # seed 8: a GET of position 0 of an adapter's array table answered "" (mib_adapter.c)
    ('cimNetAdapterNetworkAddr', "SELECT * FROM cimNetAdapterNetworkAddr WHERE InterfaceIndex = 2 AND Pos = 0"),
    # a string holding an integer was read as C reads it, '011' octal 9 (eval.c)
    ('Win32_IP4RouteTable', "SELECT Destination FROM Win32_IP4RouteTable WHERE Metric1 = '011' OR Metric1 = '09'"),
    ('Win32_IP4RouteTable', "SELECT Destination, Metric1 FROM Win32_IP4RouteTable WHERE NOT Metric1 = 0"),
    ('Win32_IP4RouteTable', "SELECT Destination, Metric1 FROM Win32_IP4RouteTable WHERE Metric1 IS NULL OR NOT Metric1 > 5"),
    ('Win32_IP4RouteTable', "SELECT Name FROM Win32_IP4RouteTable WHERE 20 <= Metric1 AND Destination < '10.80.0.0'"),
    ('Win32_IP4RouteTable', "SELECT Name FROM Win32_IP4RouteTable WHERE Metric1 = 2147483647 OR Metric1 = -1"),
    ('Win32_IP4RouteTable', "SELECT Name FROM Win32_IP4RouteTable WHERE Metric1 > 2147483646.5"),
    ('Win32_IP4RouteTable', "SELECT Name FROM Win32_IP4RouteTable WHERE Name LIKE '10.[5-5][^0-3]%'"),
    ('Win32_IP4RouteTable', "SELECT Name FROM Win32_IP4RouteTable WHERE Metric1 = 2147483648"),
    ('Win32_NetworkAdapter', "SELECT NetConnectionID FROM Win32_NetworkAdapter WHERE NetConnectionID LIKE '%[%]%'"),
    ('Win32_NetworkAdapter', "SELECT NetConnectionID FROM Win32_NetworkAdapter WHERE NetConnectionID = 'IT\\'S A \"LINK\" \\\\ 50%_[X]'"),
    ('Win32_NetworkAdapter', "SELECT NetConnectionID FROM Win32_NetworkAdapter WHERE NetConnectionID LIKE '%[_][[]x]'"),
    ('Win32_NetworkAdapter', "SELECT Name FROM Win32_NetworkAdapter WHERE NetEnabled = 'false' OR NetEnabled = 1"),
    ('Win32_NetworkAdapterConfiguration', "SELECT Index FROM Win32_NetworkAdapterConfiguration WHERE NOT IPAddress = '10.1.0.3'"),
    ('Win32_NetworkAdapterConfiguration', "SELECT Index FROM Win32_NetworkAdapterConfiguration WHERE Index = '3' OR Index = ' 0x2 '"),
    ('cimIP6Route', "SELECT Destination FROM cimIP6Route WHERE Destination >= '2001:DB8:50::' AND Destination < '2001:db8:0060:0::'"),
    ('cimIP6Route', "SELECT Destination FROM cimIP6Route WHERE Destination > '10.0.0.0'"),
]


def cmd_fixed(a):
    truth = load_truth(a.dir)
    R = random.Random(0)
    fails = 0
    for cname, text in FIXED:
        t = truth.get(cname.lower())
        if t is None:
            result(False, 'fixed: no truth for %s' % cname)
            fails += 1
            continue
        good, probs = run_one(t, wql_parse(t['class'], text), text, R)
        if not good:
            fails += 1
            result(False, 'fixed: %s' % text, probs)
    result(fails == 0, '%d fixed queries agree with the reference' % len(FIXED))


def path_variant(s, R):
    """the same object path: keys in another order, names in another case, quotes, braces,
    WMI's \\\\.\\root\\cimv2: prefix"""
    pp = parse_path(s)
    spell = {k.lower(): k for k in re.findall(r'([A-Za-z_][A-Za-z0-9_]*)\s*=', s)}
    cls = re.match(r'^\{?([A-Za-z0-9_]+)\.', s).group(1)
    keys = list(pp[1].items())
    R.shuffle(keys)
    parts = ['%s=%s' % (name_case(spell[k], R), v if isinstance(v, int) else R.choice(["'%s'", '"%s"']) % v)
             for k, v in keys]
    p = name_case(cls, R) + '.' + ','.join(parts)
    r = R.random()
    return '{' + p + '}' if r < 0.5 else '{\\\\.\\root\\cimv2:' + p + '}' if r < 0.7 else p


def cmd_assoc(a):
    """each end of each active route: ASSOCIATORS OF (the other end) and REFERENCES OF (the
    association) with WMI's WHERE keywords, each alone: those that name the other end's
    class and roles keep the instance, those that name this end's empty it"""
    truth = load_truth(a.dir)
    act = truth.get('win32_activeroute')
    R = random.Random(1)
    fails, n = [], 0
    live, pers = truth['win32_ip4routetable'], truth['win32_ip4persistedroutetable']
    ends = (('SameElement', 'SystemElement', pers, live), ('SystemElement', 'SameElement', live, pers))

    def visible(t, rows, keys_only=False):
        return [{k: v for k, v in r.items() if not prop_of(t['class'], k)['ext'] and
                 (not keys_only or prop_of(t['class'], k)['key'])} for r in rows]

    def find(t, path):
        pp = parse_path(path)
        return [r for r in t['rows'] if all(key_eq(r[k], pp[1][k.lower()]) for k in WMI_KEYS[t['class']['name'].lower()])]
    for r in (act['rows'] if act else []):
        for mine, other, tmine, tother in ends:
            other_rows = find(tother, r[other])
            refs = [x for x in act['rows'] if path_cmp(x[mine], r[mine]) == 0]
            cases = [('', visible(tother, other_rows)), (' WHERE AssocClass = Win32_ActiveRoute', visible(tother, other_rows)),
                     (' WHERE ResultClass = ' + tother['class']['name'], visible(tother, other_rows)),
                     (' WHERE ResultClass = ' + tmine['class']['name'], []),
                     (' WHERE Role = ' + mine, visible(tother, other_rows)), (' WHERE Role = ' + other, []),
                     (' WHERE ResultRole = ' + other, visible(tother, other_rows)), (' WHERE ResultRole = ' + mine, []),
                     (' WHERE KeysOnly', visible(tother, other_rows, True))]
            for where, want in cases:
                q = 'ASSOCIATORS OF %s%s' % (path_variant(r[mine], R), where)
                probs = assoc_run(tother, q, want)
                fails += ['%s: %s' % (q, x) for x in probs]
                n += 1
            for where, want in (('', refs), (' WHERE ResultClass = Win32_ActiveRoute', refs), (' WHERE Role = ' + mine, refs),
                                (' WHERE Role = ' + other, []), (' WHERE ResultClass = ' + tother['class']['name'], [])):
                q = 'REFERENCES OF %s%s' % (path_variant(r[mine], R), where)
                probs = assoc_run(act, q, visible(act, want))
                fails += ['%s: %s' % (q, x) for x in probs]
                n += 1
    result(not fails and n > 0, 'ASSOCIATORS OF and REFERENCES OF each end of the %d active routes (%d queries)'
           % (len(act['rows']) if act else 0, n), fails)


def assoc_run(t, q, want):
    rc, got, err = cimq_json(q)
    if rc or got is None:
        return ['exit %d: %s' % (rc, err.strip()[:200])]
    return compare(t['class'], want, got, set(t['volatile']))


def text_of(v):
    if v is None:
        return ''
    if isinstance(v, bool):
        return 'True' if v else 'False'
    if isinstance(v, list):
        return '{' + ', '.join(text_of(x) for x in v) + '}'
    return re.sub(r'[\x00-\x1f\x7f]', '?', str(v))


def cmd_formats(a):
    truth = load_truth(a.dir)
    R = random.Random(str(a.seed) + 'formats')
    fails, n = [], 0
    for k in [R.choice([n for n in sorted(truth) if truth[n]['rows']]) for _ in range(8)]:
        t = truth[k]
        g = Gen(R, t['class'], t['rows'], set(t['volatile']))
        q = g.query(depth=1)
        q['props'] = [p for p in q['props'] if p['name'] not in t['volatile']] or \
            [p for p in t['class']['props'] if p['name'] not in t['volatile']][:2]
        q['star'] = False
        text = render_query(t['class'], q, R)
        rc, js, err = cimq_json(text)
        if rc != 0:
            continue
        names = [p['name'] for p in q['props']]
        want = [[text_of(r.get(nm)) for nm in names] for r in js]
        words = [' '.join(w).split() for w in want]
        outs = {f: cimq(text, f) for f in ('table', 'list', 'csv')}
        cmd = shlex.split(os.environ['CQCMD']) + [os.environ.get('CQHOST', '127.0.0.1'), text]
        d = subprocess.run(cmd, capture_output=True)
        if d.stdout.decode('utf-8', 'replace') != outs['table'][1]:
            fails.append('%s: the default output is not -o table' % text)
        got = {'csv': read_csv(outs['csv'][1], names), 'list': read_list(outs['list'][1], names),
               'table': read_table(outs['table'][1], names)}
        for f, rows in got.items():
            exp = words if f == 'table' else want
            if sorted(rows) != sorted(exp):
                fails.append('%s -o %s: %s, json %s' % (text, f, rows[:3], exp[:3]))
        n += 1
    result(not fails and n > 0, 'default, table, list, csv and json agree (%d queries)' % n, fails)


def read_csv(s, names):
    rows = list(csv.reader(io.StringIO(s, newline='')))
    if not rows or [h.lower() for h in rows[0]] != [x.lower() for x in names]:
        return [['header', str(rows[:1])]]
    # a record of one NULL field is an empty line, which the csv module reads as []
    return [r if r or len(names) > 1 else [''] for r in rows[1:]]


def read_list(s, names):
    out = []
    for b in [b for b in re.split(r'\r?\n\s*\r?\n', s.strip('\n')) if b.strip()]:
        kv = {}
        for line in b.splitlines():
            m = re.match(r'^(\w+)\s*: ?(.*)$', line)
            if m:
                kv[m.group(1).lower()] = m.group(2).rstrip()
        out.append([kv.get(x.lower(), '<absent>') for x in names])
    return out


def read_table(s, names):
    """each row's words (alignment and padding aside): a blank line, the names, the dashes,
    one line a row (all NULL: blank), a blank line"""
    if not s:
        return []
    lines = s.split('\n')
    if len(lines) < 5 or lines[0] != '' or lines[-2:] != ['', ''] or \
            [h.lower() for h in lines[1].split()] != [x.lower() for x in names]:
        return [['shape', s[:200]]]
    return [l.split() for l in lines[3:-2]]


def cmd_eval(a):
    truth = load_truth(a.dir)
    m = re.search(r'\bFROM\s+(\w+)', a.query, re.I)
    t = truth[m.group(1).lower()]
    rc, want, why = expect(t['class'], wql_parse(t['class'], a.query), t['rows'])
    print(json.dumps({'exit': rc, 'why': why, 'instances': want}, indent=1))


def main():
    import argparse
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    for name, f in (('truth', cmd_truth), ('fixed', cmd_fixed), ('assoc', cmd_assoc)):
        p = sub.add_parser(name)
        p.add_argument('dir')
        p.set_defaults(func=f)
    p = sub.add_parser('random')
    p.add_argument('dir')
    p.add_argument('--seed', required=True)
    p.add_argument('--queries', type=int, default=150)
    p.set_defaults(func=cmd_random)
    p = sub.add_parser('formats')
    p.add_argument('dir')
    p.add_argument('--seed', required=True)
    p.set_defaults(func=cmd_formats)
    p = sub.add_parser('eval')
    p.add_argument('dir')
    p.add_argument('query')
    p.set_defaults(func=cmd_eval)
    a = ap.parse_args()
    a.func(a)


if __name__ == '__main__':
    main()
