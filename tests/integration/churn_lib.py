"""churn_lib.py - what the randomized SET tests share (set_churn.py, persist_churn.py,
cfg_churn.py, mixset_churn.py): commands in the test's namespace, a column walked, an snmpset's
outcome, the persisted routes' state files read, the adapters' method records read, two sets of
facts compared, a comparison repeated until it holds.

Environment (the test's shell script): NS, AGENT, STATEDIR.
"""
import ipaddress
import os
import subprocess
import time

NS, AGENT = os.environ.get('NS', ''), os.environ.get('AGENT', '')
STATEDIR = os.environ.get('STATEDIR', '')


def nsx(*cmd, check=True):
    p = subprocess.run(['ip', 'netns', 'exec', NS] + list(cmd), capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError('%s: %s' % (' '.join(cmd), p.stderr.strip()))
    return p.stdout


def subs6(a):
    return '.'.join(str(b) for b in ipaddress.IPv6Address(a).packed)


def mask4(plen):
    return str(ipaddress.IPv4Network('0.0.0.0/%d' % plen).netmask)


def state_file(fam):
    """{(dst, plen, gw, ifname, metric)} of the state file (ifname '' for IPv4)."""
    path = os.path.join(STATEDIR, 'persisted-routes' + ('6' if fam == 6 else ''))
    rows = set()
    try:
        lines = open(path).read().splitlines()
    except FileNotFoundError:
        return rows
    for line in lines:
        w = line.split()
        if not w or w[0].startswith('#'):
            continue
        net = ipaddress.ip_network(w[0], strict=False)
        dev = w[w.index('dev') + 1] if 'dev' in w else ''
        rows.add((str(net.network_address), net.prefixlen, w[w.index('via') + 1], dev if fam == 6 else '',
                  int(w[w.index('metric') + 1])))
    return rows


def walk(oid):
    """{index: value} of a column (INTEGER values as int, strings decoded)."""
    p = subprocess.run(['ip', 'netns', 'exec', NS, 'snmpbulkwalk', '-v2c', '-c', 'public', '-On', '-Oe', '-Ox',
                        '-OU', '-t', '6', '-r', '1', '-Cr50', AGENT, oid], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError('walk %s: %s' % (oid, p.stderr.strip()))
    rows, last = {}, None
    for line in p.stdout.splitlines():
        if ' = ' not in line:
            if last is not None:   # a hex string continued
                rows[last] += bytes.fromhex(line.strip()).decode('latin-1')
            continue
        name, v = line.split(' = ', 1)
        if not name.startswith(oid + '.'):
            continue
        idx = name[len(oid) + 1:]
        last = None
        if v.startswith('INTEGER: '):
            rows[idx] = int(v.split()[1])
        elif v.startswith('Hex-STRING: '):
            rows[idx] = bytes.fromhex(v[12:]).decode('latin-1')
            last = idx
        elif v.startswith('OID: '):
            rows[idx] = v[5:]
        elif v.startswith('Gauge32: '):
            rows[idx] = int(v.split()[1])
        elif v.startswith('STRING: '):
            rows[idx] = v[8:].strip('"')
        else:
            rows[idx] = v
    return rows


def snmpset(vbs):
    """None (success), (status, failed oid), or ('timeout', text)."""
    args = []
    for o, t, v in vbs:
        args += [o, t, str(v)]
    p = subprocess.run(['ip', 'netns', 'exec', NS, 'snmpset', '-v2c', '-c', 'private', '-On', '-t', '10', '-r', '0',
                        AGENT] + args, capture_output=True, text=True)
    text = p.stdout + p.stderr
    if p.returncode == 0 and 'Reason' not in text:
        return None, text
    st = obj = None
    for line in text.splitlines():
        if line.startswith('Reason: '):
            st = line.split()[1]
        if line.startswith('Failed object: '):
            obj = line.split()[2]
    return (st or 'error', obj), text


ARC = '.1.3.6.1.4.1.32473.1.1'


def records(ifx):
    """The methods recorded: {'ad NAME' / 'cfg NAME': (LastMethod, LastResult) or None} of each
    link of ifx (name -> ifindex), its cimNetAdapterTable and cimAdapterCfgTable rows, and
    'tcpip': cimTcpip's."""
    oids, keys = [], []
    for n, i in sorted(ifx.items()):
        for tbl, entry, col in (('ad', ARC + '.5.3.1', 41), ('cfg', ARC + '.6.3.1', 24)):
            oids += ['%s.%d.%d' % (entry, col, i), '%s.%d.%d' % (entry, col + 1, i)]
            keys.append('%s %s' % (tbl, n))
    oids += [ARC + '.6.12.29.0', ARC + '.6.12.30.0']
    keys.append('tcpip')
    p = subprocess.run(['ip', 'netns', 'exec', NS, 'snmpget', '-v2c', '-c', 'public', '-On', '-Oe', '-t', '6',
                        '-r', '1', AGENT] + oids, capture_output=True, text=True)
    vals = []
    for line in p.stdout.splitlines():
        v = line.split(' = ', 1)[1] if ' = ' in line else ''
        vals.append(int(v.split()[1]) if v.startswith(('INTEGER: ', 'Gauge32: ')) else None)
    if len(vals) != len(oids):
        raise RuntimeError('records: %s %s' % (p.stdout, p.stderr))
    return {k: None if not vals[2 * j] else (vals[2 * j], vals[2 * j + 1]) for j, k in enumerate(keys)}


def diff(what, want, got):
    want, got = set(want), set(got)
    if want == got:
        return []
    lines = ['%s differs:' % what]
    lines += ['  missing %s' % (x,) for x in sorted(want - got, key=str)]
    lines += ['  extra   %s' % (x,) for x in sorted(got - want, key=str)]
    return lines


def settle(fn, timeout=5.0):
    """fn() until it returns no difference, or the timeout; its last answer."""
    end = time.time() + timeout
    while True:
        d = fn()
        if not d or time.time() > end:
            return d
        time.sleep(0.2)
