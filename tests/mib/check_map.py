#!/usr/bin/env python3
"""Check mof-map/map.tsv against mibs/CIM-ROUTE-MIB.txt, the mof-map/*.mof files and,
when it is present, the WMI class reference. Output: TAP, one line per check.

usage: check_map.py SRCDIR [REFERENCE]

The reference defaults to SRCDIR/../shared/reference/wmi-classes.md; the checks that need
it are skipped when it is absent (for example in 'make distcheck').
Python 3 standard library only.
"""
import os
import re
import sys

HEADER = ['class', 'property', 'cim_type', 'mib_object', 'syntax', 'access', 'source']
CLASSES = ['Win32_IP4RouteTable', 'Win32_IP4PersistedRouteTable', 'Win32_ActiveRoute',
           'Win32_IP4RouteTableEvent', 'Win32_NetworkAdapter',
           'Win32_NetworkAdapterConfiguration', 'Win32_PingStatus']
# the MIB arc of each class (doc/route-table-layout.md)
CLASS_ARC = {'Win32_IP4RouteTable': 'cimIP4Route',
             'Win32_IP4PersistedRouteTable': 'cimIP4PersistedRoute',
             'Win32_ActiveRoute': 'cimActiveRoute',
             'Win32_IP4RouteTableEvent': 'cimRouteEvent',
             'Win32_NetworkAdapter': 'cimNetworkAdapter',
             'Win32_NetworkAdapterConfiguration': 'cimAdapterConfig',
             'Win32_PingStatus': 'cimPing'}
CIM_BASE = {'boolean', 'string', 'char16', 'datetime', 'sint8', 'uint8', 'sint16', 'uint16',
            'sint32', 'uint32', 'sint64', 'uint64', 'real32', 'real64', 'object'}
ACCESS = {'not-accessible', 'accessible-for-notify', 'read-only', 'read-write', 'read-create'}
WELL_KNOWN = {'iso': [1], 'org': [1, 3], 'dod': [1, 3, 6], 'internet': [1, 3, 6, 1],
              'private': [1, 3, 6, 1, 4], 'enterprises': [1, 3, 6, 1, 4, 1]}


# ------------------------------------------------------------------ parsers

def strip_asn1(text):
    """Remove comments and replace string contents by nothing (SMI strings have no escapes)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = text.find('"', i + 1)
            j = n if j < 0 else j
            out.append('""' + '\n' * text.count('\n', i, j))
            i = j + 1
        elif text.startswith('--', i):
            j = i + 2
            while j < n and text[j] != '\n' and not text.startswith('--', j):
                j += 1
            i = j + 2 if text.startswith('--', j) else j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def norm_syntax(s):
    s = ' '.join(s.split())
    if s.startswith('SEQUENCE OF'):
        return ' '.join(s.split()[:3])
    for two in ('OBJECT IDENTIFIER', 'OCTET STRING'):
        if s.startswith(two):
            return two
    m = re.match(r'[A-Za-z][\w-]*', s)
    return m.group(0) if m else s


class Mib:
    def __init__(self, path):
        text = strip_asn1(open(path, encoding='utf-8').read())
        # SEQUENCE types list column syntaxes (OBJECT IDENTIFIER among them): drop them
        self.text = re.sub(r'\b[A-Z][\w-]*\s*::=\s*SEQUENCE\s*\{[^}]*\}', ' ', text)
        self.objects = {}      # name -> dict(kind, syntax, access, index)
        self.defs = {}         # name -> (parent, [subids])
        pat = re.compile(
            r'\b([a-z][\w-]*)\s+(OBJECT-TYPE|NOTIFICATION-TYPE|OBJECT-IDENTITY|OBJECT\s+IDENTIFIER(?=\s*::=)|'
            r'MODULE-IDENTITY|OBJECT-GROUP|NOTIFICATION-GROUP|MODULE-COMPLIANCE)\b(.*?)::=\s*\{([^}]*)\}',
            re.S)
        for m in pat.finditer(self.text):
            name, kind, body, value = m.group(1), ' '.join(m.group(2).split()), m.group(3), m.group(4)
            parts = value.split()
            self.defs[name] = (parts[0], [int(x) for x in parts[1:] if x.isdigit()])
            if kind == 'OBJECT-TYPE':
                sm = re.search(r'\bSYNTAX\s+(.*?)\s+(?:UNITS\s+""\s+)?MAX-ACCESS\s+([\w-]+)', body, re.S)
                im = re.search(r'\bINDEX\s*\{([^}]*)\}', body)
                am = re.search(r'\bAUGMENTS\s*\{([^}]*)\}', body)
                self.objects[name] = dict(
                    kind=kind, syntax=norm_syntax(sm.group(1)) if sm else None,
                    access=sm.group(2) if sm else None,
                    index=[x.strip() for x in im.group(1).split(',')] if im else
                    ([am.group(1).strip()] if am else None))
            elif kind == 'NOTIFICATION-TYPE':
                self.objects[name] = dict(kind=kind, syntax='NOTIFICATION-TYPE', access='-', index=None)
        self._oids = {}

    def oid(self, name):
        if name in WELL_KNOWN:
            return WELL_KNOWN[name]
        if name in self._oids:
            return self._oids[name]
        if name not in self.defs:
            return None
        parent, subs = self.defs[name]
        base = self.oid(parent)
        r = None if base is None else base + subs
        self._oids[name] = r
        return r

    def parent(self, name):
        return self.defs.get(name, (None, []))[0]


def strip_mof(text):
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    return re.sub(r'//[^\n]*', '', text)


class Mof:
    def __init__(self, path):
        self.path = path
        t = strip_mof(open(path, encoding='utf-8').read())
        t = re.sub(r'#pragma[^\n]*', '', t)
        m = re.search(r'\bclass\s+(\w+)\s*(?::\s*(\w+))?\s*\{(.*)\}\s*;', t, re.S)
        if not m:
            raise ValueError('no class definition')
        self.name, self.superclass, body = m.group(1), m.group(2), m.group(3)
        body = re.sub(r'\[(?!\s*\])[^\]]*\]', ' ', body)   # qualifier lists, not the [] of arrays
        self.props, self.methods = {}, {}
        self.prop_order, self.method_order = [], []
        for decl in body.split(';'):
            d = ' '.join(decl.split())
            if not d:
                continue
            mm = re.match(r'(\w+)\s+(\w+)\s*\((.*)\)$', d)
            if mm:
                self.methods[mm.group(2)] = mm.group(1)
                self.method_order.append(mm.group(2))
                continue
            pm = re.match(r'(\w+(?:\s+REF)?)\s+(\w+)\s*(\[\s*\])?\s*(?:=.*)?$', d)
            if not pm:
                raise ValueError('cannot parse declaration: %r' % d)
            ctype = pm.group(1) + ('[]' if pm.group(3) else '')
            self.props[pm.group(2)] = ctype
            self.prop_order.append(pm.group(2))


def norm_cim(t):
    t = ' '.join(t.replace('`', '').split())
    arr = t.endswith('[]')
    base = t[:-2] if arr else t
    if base.lower() in CIM_BASE:
        base = base.lower()
    return base + ('[]' if arr else '')


def parse_reference(path):
    """-> {class: (props {name: type}, methods {name: return type})}"""
    ref = {}
    cls = None
    mode = None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        h = re.match(r'^##\s+\d+\.\s+(Win32_\w+)', line)
        if h:
            cls = h.group(1)
            ref.setdefault(cls, ({}, {}))
            mode = None
            continue
        if re.match(r'^##\s', line):
            cls, mode = None, None
            continue
        if not line.startswith('|'):
            mode = None
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if cls is None:
            continue
        if len(cells) >= 2 and cells[0] == 'Property' and cells[1] == 'CIM type':
            mode = 'prop'
            continue
        if len(cells) >= 2 and cells[0] == 'Method' and cells[1] == 'Signature':
            mode = 'method'
            continue
        if set(''.join(cells)) <= set('-: '):
            continue
        if mode == 'prop':
            m = re.match(r'`?(\w+)', cells[0])
            t = re.sub(r'\s*\(.*$', '', cells[1].replace('`', ''))
            ref[cls][0][m.group(1)] = norm_cim(t)
        elif mode == 'method':
            m = re.match(r'`?(\w+)', cells[0])
            s = re.match(r'`?(\w+)\s+\w+\s*\(', cells[1])
            ref[cls][1][m.group(1)] = s.group(1) if s else '?'
    return ref


# ------------------------------------------------------------------ checks

class Ctx:
    pass


def valid_cim_type(t):
    arr = t.endswith('[]')
    base = t[:-2] if arr else t
    if base in CIM_BASE:
        return True
    return bool(re.fullmatch(r'[A-Za-z_]\w* REF', base)) and not arr


def check_header(c):
    if c.header != HEADER:
        return ['header is %r, expected %r' % ('\t'.join(c.header), '\t'.join(HEADER))]
    return []


def check_fields(c):
    errs = []
    for ln, r in c.rows_all:
        if len(r) != 7:
            errs.append('line %d: %d fields, expected 7' % (ln, len(r)))
        elif any(x.strip() == '' or x != x.strip() for x in r):
            errs.append('line %d: empty field or surrounding blanks' % ln)
    return errs


def check_dups(c):
    seen, errs = {}, []
    for ln, r in c.rows:
        k = (r[0], r[1])
        if k in seen:
            errs.append('line %d: duplicate row for %s.%s (first on line %d)' % (ln, r[0], r[1], seen[k]))
        seen[k] = ln
    return errs


def check_classes(c):
    errs = []
    for ln, r in c.rows:
        if r[0] not in CLASSES and r[0] != 'extension':
            errs.append('line %d: unknown class %r' % (ln, r[0]))
    return errs


def check_cim_types(c):
    errs = []
    for ln, r in c.rows:
        cls, prop, t = r[0], r[1], r[2]
        if cls == 'extension' or prop == '*':
            if t != '-':
                errs.append('line %d: %s.%s: cim_type must be - for %s rows, is %r'
                            % (ln, cls, prop, 'extension' if cls == 'extension' else 'class', t))
        elif not valid_cim_type(t):
            errs.append('line %d: %s.%s: invalid cim_type %r' % (ln, cls, prop, t))
    return errs


def check_property_form(c):
    errs = []
    for ln, r in c.rows:
        cls, prop, obj = r[0], r[1], r[3]
        if cls == 'extension':
            if prop != obj:
                errs.append('line %d: extension row: property %r must equal mib_object %r' % (ln, prop, obj))
        elif not (prop == '*' or re.fullmatch(r'[A-Za-z_]\w*(\(\))?', prop)):
            errs.append('line %d: %s: bad property %r' % (ln, cls, prop))
    return errs


def check_objects_exist(c):
    errs = []
    for ln, r in c.rows:
        if r[3] != '-' and r[3] not in c.mib.objects:
            errs.append('line %d: %s.%s: mib_object %s is not an OBJECT-TYPE or NOTIFICATION-TYPE of the MIB'
                        % (ln, r[0], r[1], r[3]))
    return errs


def check_syntax(c):
    errs = []
    for ln, r in c.rows:
        o = c.mib.objects.get(r[3])
        if o and o['syntax'] != r[4]:
            errs.append('line %d: %s.%s: syntax %r, the MIB says %r for %s'
                        % (ln, r[0], r[1], r[4], o['syntax'], r[3]))
    return errs


def check_access(c):
    errs = []
    for ln, r in c.rows:
        o = c.mib.objects.get(r[3])
        if o and o['access'] != r[5]:
            errs.append('line %d: %s.%s: access %r, the MIB says %r for %s'
                        % (ln, r[0], r[1], r[5], o['access'], r[3]))
        if r[3] != '-' and r[5] not in ACCESS | {'-'}:
            errs.append('line %d: %s.%s: unknown access %r' % (ln, r[0], r[1], r[5]))
    return errs


def check_dash_rows(c):
    errs = []
    for ln, r in c.rows:
        if r[3] == '-':
            if r[0] == 'extension' or r[1] == '*' or r[1].endswith('()'):
                errs.append('line %d: %s.%s: only a property may map to -' % (ln, r[0], r[1]))
            if r[4] != '-' or r[5] != '-':
                errs.append('line %d: %s.%s: mib_object is -, so syntax and access must be -' % (ln, r[0], r[1]))
            if 'SNMP' not in r[6]:
                errs.append('line %d: %s.%s: mib_object is -: source must say what in SNMP provides it'
                            % (ln, r[0], r[1]))
    return errs


def check_mib_covered(c):
    mapped = {r[3] for _, r in c.rows}
    return ['%s %s is not in the map' % (o['kind'], n)
            for n, o in sorted(c.mib.objects.items()) if n not in mapped]


def check_star_rows(c):
    errs = []
    for cls in CLASSES:
        stars = [(ln, r) for ln, r in c.rows if r[0] == cls and r[1] == '*']
        if len(stars) != 1:
            errs.append('%s: %d rows with property *, expected 1' % (cls, len(stars)))
            continue
        ln, r = stars[0]
        o = c.mib.objects.get(r[3])
        if not o:
            continue
        mof = c.mofs.get(cls)
        event = mof is not None and mof.superclass == '__ExtrinsicEvent'
        if event and o['kind'] != 'NOTIFICATION-TYPE':
            errs.append('line %d: %s is an event class: * must name a NOTIFICATION-TYPE, not %s' % (ln, cls, r[3]))
        if not event and not (o['syntax'] or '').startswith('SEQUENCE OF'):
            errs.append('line %d: %s: * must name a table, %s is not one' % (ln, cls, r[3]))
    return errs


def check_methods_writable(c):
    errs = []
    for ln, r in c.rows:
        if r[1].endswith('()') and r[5] not in ('read-write', 'read-create'):
            errs.append('line %d: %s.%s is performed by %s, which is %s (not writable)'
                        % (ln, r[0], r[1], r[3], r[5]))
    return errs


def check_arrays(c):
    errs = []
    for ln, r in c.rows:
        if r[2].endswith('[]') and r[3] != '-':
            entry = c.mib.parent(r[3])
            e = c.mib.objects.get(entry)
            if not e or not e.get('index'):
                errs.append('line %d: %s.%s is an array: %s must be a column of a table (one row per element)'
                            % (ln, r[0], r[1], r[3]))
    return errs


def check_arcs(c):
    errs = []
    notif_root = c.mib.oid('cimRouteNotifications')
    for ln, r in c.rows:
        if r[0] not in CLASS_ARC or r[3] == '-':
            continue
        arc = c.mib.oid(CLASS_ARC[r[0]])
        oid = c.mib.oid(r[3])
        if arc is None or oid is None:
            errs.append('line %d: cannot resolve the OID of %s or %s' % (ln, r[3], CLASS_ARC[r[0]]))
            continue
        under_arc = oid[:len(arc)] == arc
        notif = c.mib.objects[r[3]]['kind'] == 'NOTIFICATION-TYPE' and notif_root and oid[:len(notif_root)] == notif_root
        if not (under_arc or notif):
            errs.append('line %d: %s.%s: %s (%s) is not under the arc %s of its class'
                        % (ln, r[0], r[1], r[3], '.'.join(map(str, oid)), CLASS_ARC[r[0]]))
    return errs


def check_mof_files(c):
    errs = list(c.mof_errors)
    for cls in CLASSES:
        m = c.mofs.get(cls)
        if m and m.name != cls:
            errs.append('%s.mof defines class %s' % (cls, m.name))
    return errs


def map_props(c, cls):
    return {r[1]: (ln, r[2]) for ln, r in c.rows
            if r[0] == cls and r[1] != '*' and not r[1].endswith('()')}


def check_mof_props(c):
    errs = []
    for cls in CLASSES:
        m = c.mofs.get(cls)
        if not m:
            continue
        mp = map_props(c, cls)
        for p, t in m.props.items():
            if p not in mp:
                errs.append('%s.%s (%s) is in %s.mof but not in the map' % (cls, p, t, cls))
            elif mp[p][1] != t:
                errs.append('%s.%s: cim_type %r in the map (line %d), %r in %s.mof'
                            % (cls, p, mp[p][1], mp[p][0], t, cls))
        for p, (ln, t) in mp.items():
            if p not in m.props:
                errs.append('line %d: %s.%s is in the map but not in %s.mof' % (ln, cls, p, cls))
    return errs


def check_mof_methods(c):
    errs = []
    for cls in CLASSES:
        m = c.mofs.get(cls)
        if not m:
            continue
        mm = {r[1][:-2]: (ln, r[2]) for ln, r in c.rows if r[0] == cls and r[1].endswith('()')}
        for name, ret in m.methods.items():
            if name not in mm:
                errs.append('%s.%s() is in %s.mof but has no %s() row in the map' % (cls, name, cls, name))
            elif mm[name][1] != ret:
                errs.append('line %d: %s.%s(): cim_type %r, %s.mof returns %r' % (mm[name][0], cls, name, mm[name][1], cls, ret))
        for name, (ln, _) in mm.items():
            if name not in m.methods:
                errs.append('line %d: %s.%s() is in the map but not in %s.mof' % (ln, cls, name, cls))
    return errs


def check_ref_props(c):
    errs = []
    for cls in CLASSES:
        if cls not in c.ref:
            errs.append('%s: not found in the reference' % cls)
            continue
        rp = c.ref[cls][0]
        mp = map_props(c, cls)
        if not rp:
            errs.append('%s: no properties found in the reference' % cls)
        for p, t in rp.items():
            if p not in mp:
                errs.append('%s.%s (%s) is in the reference but not in the map' % (cls, p, t))
            elif norm_cim(mp[p][1]) != t:
                errs.append('line %d: %s.%s: cim_type %r, the reference says %r' % (mp[p][0], cls, p, mp[p][1], t))
        for p, (ln, _) in mp.items():
            if p not in rp:
                errs.append('line %d: %s.%s is in the map but not in the reference' % (ln, cls, p))
    return errs


def check_ref_methods(c):
    errs = []
    for cls in CLASSES:
        if cls not in c.ref:
            continue
        rm = c.ref[cls][1]
        mm = {r[1][:-2]: ln for ln, r in c.rows if r[0] == cls and r[1].endswith('()')}
        for name in rm:
            if name not in mm:
                errs.append('%s.%s() is in the reference but has no row in the map' % (cls, name))
        for name, ln in mm.items():
            if name not in rm:
                errs.append('line %d: %s.%s() is in the map but not in the reference' % (ln, cls, name))
    return errs


def check_sources(c):
    errs = []
    for ln, r in c.rows:
        if len(r[6]) < 3:
            errs.append('line %d: %s.%s: source %r says nothing' % (ln, r[0], r[1], r[6]))
    return errs


CHECKS = [
    ('map.tsv header is exact', check_header, None),
    ('every row has 7 non-empty tab-separated fields', check_fields, None),
    ('no duplicate (class, property) rows', check_dups, None),
    ('class column names one of the seven classes or extension', check_classes, None),
    ('cim_type values are valid CIM types (- for * and extension rows)', check_cim_types, None),
    ('property column: names, Name() for methods, descriptor for extension rows', check_property_form, None),
    ('every mib_object exists in CIM-ROUTE-MIB', check_objects_exist, 'mib'),
    ('syntax column matches the MIB', check_syntax, 'mib'),
    ('access column matches the MIB', check_access, 'mib'),
    ('rows with mib_object - map a property SNMP itself provides', check_dash_rows, None),
    ('every OBJECT-TYPE and NOTIFICATION-TYPE of the MIB is in the map', check_mib_covered, 'mib'),
    ('each class has one * row naming its table (or notification for the event class)', check_star_rows, 'mib'),
    ('methods are performed by writable objects', check_methods_writable, None),
    ('array properties map to columns of tables', check_arrays, 'mib'),
    ('objects of each class are under its arc', check_arcs, 'mib'),
    ('one MOF file per class, each parses and defines its class', check_mof_files, None),
    ('MOF properties and map rows agree (names and cim_type)', check_mof_props, None),
    ('every MOF method has a Name() row and vice versa', check_mof_methods, None),
    ('every property of the reference is in the map with its cim_type, and no other', check_ref_props, 'ref'),
    ('every method of the reference has a Name() row, and no other', check_ref_methods, 'ref'),
    ('every row says where its value comes from', check_sources, None),
]


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    src = sys.argv[1]
    refpath = sys.argv[2] if len(sys.argv) > 2 else os.path.join(src, '..', 'shared', 'reference', 'wmi-classes.md')
    c = Ctx()
    print('1..%d' % len(CHECKS))
    mappath = os.path.join(src, 'mof-map', 'map.tsv')
    try:
        lines = open(mappath, encoding='utf-8').read().split('\n')
    except OSError as e:
        lines = []
        fatal = 'cannot read %s: %s' % (mappath, e)
    else:
        fatal = None
    if lines and lines[-1] == '':
        lines.pop()
    c.header = lines[0].split('\t') if lines else []
    c.rows_all = [(i + 2, l.split('\t')) for i, l in enumerate(lines[1:])]
    c.rows = [(ln, r) for ln, r in c.rows_all if len(r) == 7]
    try:
        c.mib = Mib(os.path.join(src, 'mibs', 'CIM-ROUTE-MIB.txt'))
        miberr = None if c.mib.objects else 'no OBJECT-TYPE found in the MIB'
    except OSError as e:
        c.mib, miberr = None, str(e)
    c.mofs, c.mof_errors = {}, []
    for cls in CLASSES:
        p = os.path.join(src, 'mof-map', cls + '.mof')
        try:
            c.mofs[cls] = Mof(p)
        except (OSError, ValueError) as e:
            c.mof_errors.append('%s: %s' % (p, e))
    c.ref = parse_reference(refpath) if os.path.isfile(refpath) else None

    failed = 0
    for i, (title, fn, needs) in enumerate(CHECKS, 1):
        if fatal:
            print('not ok %d - %s' % (i, title))
            print('# ' + fatal)
            failed += 1
            continue
        if needs == 'ref' and c.ref is None:
            print('ok %d - %s # SKIP reference not found at %s' % (i, title, refpath))
            continue
        if needs == 'mib' and c.mib is None:
            print('not ok %d - %s' % (i, title))
            print('# cannot read the MIB: %s' % miberr)
            failed += 1
            continue
        errs = fn(c)
        if errs:
            failed += 1
            print('not ok %d - %s' % (i, title))
            for e in errs[:40]:
                print('# ' + e)
            if len(errs) > 40:
                print('# ... and %d more' % (len(errs) - 40))
        else:
            print('ok %d - %s' % (i, title))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
