#!/usr/bin/env python3
"""master_kill_sets.py - the writer and the judge of master_kill_sets.sh (python3 standard
library only; the BER code is soak_probe.py's). Run inside the test's namespace.

Keys (each toggles between two states; a SET's target is the state it does not have):
  p4:N     persisted IPv4 route 10.61.N.0/24 via 10.1.0.9 metric 5 (createAndGo / destroy):
           its state file line, its cimIP4PersistedRouteTable row and its kernel route
  p6:N     persisted IPv6 route 2001:db8:61:N::/64 via 2001:db8:1::9 metric 5: likewise
  l4:N     live IPv4 route 10.62.N.0/24 via 10.1.0.9 dev va0 metric 7 (cimIP4RouteTable)
  a4:N     nonVolatile address 10.63.N.1/24 on va0 (cimAdapterCfgAddressTable): the kernel,
           static-addresses
  mtu:IF   SetMTU 1400 / 1500 (cimAdapterCfgTable); on va1 also 1279 from 1500, a row applied
           after every other row of its SET (txn_apply_last()), and not after the master went away
  alias:IF NetConnectionID (cimNetAdapterTable): the kernel's ifalias
  ttl      SetDefaultTTL (cimTcpip): net.ipv4.ip_default_ttl

  plan STATEDIR SEED CYCLE OUT.json
      Observes every key, picks 1-3 PDUs of 1-5 disjoint keys (several tables in one PDU),
      each key's target the other state; writes the plan (with every key's state before).
  send HOST:PORT PLAN.json ANSWERS.json TIMEOUT_S [PID SIGNAL DELAY_MS]
      Sends the plan's PDUs at once (UDP, SNMPv2c), DELAY_MS later sends SIGNAL (KILL, TERM)
      to PID (snmpd), then makes ANSWERS.json.sent and collects the answers (none: null).
  judge STATEDIR PLAN.json ANSWERS.json
      After the master came back: each PDU all or nothing (noError: all), every key in no PDU
      as before, each key consistent (state file, table, kernel), state files parse, no .tmp.
      Prints what differs; exit status 1 on a violation.
"""

import ipaddress
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_probe import ber_int, decode_response, message, tlv  # noqa: E402

R = '1.3.6.1.4.1.32473.1.1'
P4 = R + '.2.3.1'       # cimIP4PersistedRouteEntry (12: RowStatus)
P6 = R + '.9.3.1'       # cimIP6PersistedRouteEntry (13: RowStatus)
E4 = R + '.1.3.1'       # cimIP4RouteEntry (24: RowStatus)
AD = R + '.5.3.1'       # cimNetAdapterEntry (24: NetConnectionID)
CFG = R + '.6.3.1'      # cimAdapterCfgEntry (17: MTU)
ADDR = R + '.6.4.1'     # cimAdapterCfgAddressEntry (8: RowStatus)
TC = R + '.6.12'        # cimTcpip (6: DefaultTTL)
GW4, GW6 = '10.1.0.9', '2001:db8:1::9'
N_ROUTES = 6
IFS = ('va0', 'va1')
ROUTE_LINE = re.compile(r'^([0-9a-fA-F.:]+)/(\d+) via ([0-9a-fA-F.:]+)(?: dev \S+)? metric (\d+)'
                        r'(?: created \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?$')
ADDR_LINE = re.compile(r'^(\S+) ([0-9a-fA-F.:]+)/(\d+)$')


def all_keys():
    ks = []
    for n in range(N_ROUTES):
        ks += ['p4:%d' % n, 'p6:%d' % n, 'l4:%d' % n, 'a4:%d' % n]
    return ks + ['mtu:%s' % i for i in IFS] + ['alias:%s' % i for i in IFS] + ['ttl']


def sh(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def ifindex(name):
    return int(open('/sys/class/net/%s/ifindex' % name).read())


def subs(a):
    return '.'.join(str(b) for b in ipaddress.ip_address(a).packed)


# ------------------------------------------------------------------ observing

def state_files(statedir, bad):
    """{file name: set of lines}; unparsable lines and leftovers appended to bad."""
    out = {}
    for name, pattern in (('persisted-routes', ROUTE_LINE), ('persisted-routes6', ROUTE_LINE),
                          ('static-addresses', ADDR_LINE)):
        try:
            lines = open(os.path.join(statedir, name)).read().splitlines()
        except FileNotFoundError:
            lines = []
        keep = set()
        for line in lines:
            if not line or line.startswith('#'):
                continue
            if not pattern.match(line):
                bad.append('%s: cannot parse %r' % (name, line))
            keep.add(line)
        out[name] = keep
    for name in os.listdir(statedir):
        if name.endswith(('.tmp', '.old')) or '.tmp' in name:
            bad.append('left in the state directory: %s' % name)
    return out


def walk(oid):
    """The instance OIDs under oid (snmpbulkwalk); None if the walk failed."""
    agent = os.environ['AGENT']
    p = subprocess.run(['snmpbulkwalk', '-v2c', '-c', 'public', '-On', '-Oq', '-t', '3', '-r', '1',
                        '-Cr50', agent, oid], capture_output=True, text=True)
    if p.returncode != 0:
        return None
    return {line.split()[0].lstrip('.')[len(oid) + 1:]: line.split(None, 1)[1] if ' ' in line else ''
            for line in p.stdout.splitlines() if line.startswith('.' + oid + '.')}


def observe(statedir, bad):
    """{key: state}; a state is 'on'/'off' for rows, a value for the others, 'mixed:...' when
    the kernel, the state file and the table disagree."""
    files = state_files(statedir, bad)
    r4 = json.loads(sh('ip', '-j', '-4', 'route', 'show', 'table', 'main'))
    r6 = json.loads(sh('ip', '-j', '-6', 'route', 'show', 'table', 'main'))
    links = {l['ifname']: l for l in json.loads(sh('ip', '-j', '-d', 'link', 'show'))}
    addrs = json.loads(sh('ip', '-j', 'addr', 'show', 'dev', 'va0'))
    ttl = int(open('/proc/sys/net/ipv4/ip_default_ttl').read())
    t4, t6 = walk(P4 + '.12'), walk(P6 + '.13')
    if t4 is None or t6 is None:
        bad.append('a walk of the persisted tables failed')
        t4, t6 = t4 or {}, t6 or {}
    k4 = {(r['dst'], r.get('gateway'), r.get('metric', 0)) for r in r4}
    k6 = {(r['dst'], r.get('gateway'), r.get('metric', 0)) for r in r6}
    local = {a['local'] + '/%d' % a['prefixlen'] for l in addrs for a in l.get('addr_info', [])}
    st = {}
    for n in range(N_ROUTES):
        d4, d6 = '10.61.%d.0/24' % n, str(ipaddress.ip_network('2001:db8:61:%d::/64' % n))
        st['p4:%d' % n] = agree(
            ('file', any(line.startswith(d4 + ' via ') for line in files['persisted-routes'])),
            ('table', p4_index(n) in t4),
            ('kernel', (d4, GW4, 5) in k4))
        st['p6:%d' % n] = agree(
            ('file', any(line.startswith(d6 + ' via ') for line in files['persisted-routes6'])),
            ('table', p6_index(n) in t6),
            ('kernel', (d6, GW6, 5) in k6))
        st['l4:%d' % n] = 'on' if ('10.62.%d.0/24' % n, GW4, 7) in k4 else 'off'
        a = '10.63.%d.1/24' % n
        st['a4:%d' % n] = agree(('file', 'va0 ' + a in files['static-addresses']),
                                ('kernel', a in local))
    for i in IFS:
        st['mtu:' + i] = links[i]['mtu']
        st['alias:' + i] = links[i].get('ifalias', '')
    st['ttl'] = ttl
    return st


def agree(*where):
    vals = {v for _, v in where}
    if len(vals) == 1:
        return 'on' if vals.pop() else 'off'
    return 'mixed:' + ','.join('%s=%d' % (w, v) for w, v in where)


def p4_index(n):
    return '10.61.%d.0.255.255.255.0.%s.5' % (n, GW4)


def p6_index(n):
    return '%s.64.%s.0.5' % (subs('2001:db8:61:%d::' % n), subs(GW6))


# ------------------------------------------------------------------ the SETs

def varbinds(key, target):
    """[(oid, type, value)] that moves key to target."""
    kind, _, arg = key.partition(':')
    rs = 4 if target == 'on' else 6
    if kind == 'p4':
        return [(P4 + '.12.' + p4_index(int(arg)), 'i', rs)]
    if kind == 'p6':
        return [(P6 + '.13.' + p6_index(int(arg)), 'i', rs)]
    if kind == 'l4':
        ix = '10.62.%s.0.255.255.255.0.%s.%d.254.0.7' % (arg, GW4, ifindex('va0'))
        return [(E4 + '.24.' + ix, 'i', rs)]
    if kind == 'a4':
        return [(ADDR + '.8.%d.1.4.10.63.%s.1.24' % (ifindex('va0'), arg), 'i', rs)]
    if kind == 'mtu':
        return [(CFG + '.17.%d' % ifindex(arg), 'u', target)]
    if kind == 'alias':
        return [(AD + '.24.%d' % ifindex(arg), 's', target)]
    return [(TC + '.6.0', 'u', target)]


def other(key, now, rnd, cycle):
    kind = key.split(':')[0]
    if kind in ('p4', 'p6', 'l4', 'a4'):
        return 'off' if now == 'on' else 'on'
    if kind == 'mtu':
        if now == 1500:     # va1 has no IPv6 address to lose below 1280 (va0 has, and its routes)
            return rnd.choice([1400, 1279]) if key == 'mtu:va1' else 1400
        return 1500
    if kind == 'alias':
        return 'chaos-%d-%d' % (cycle, rnd.randrange(1000)) if now == '' or rnd.random() < .7 else ''
    return rnd.choice([t for t in range(60, 128) if t != now])


def plan(args):
    statedir, seed, cycle, out = args[0], int(args[1]), int(args[2]), args[3]
    rnd = random.Random('%d:%d' % (seed, cycle))
    bad = []
    before = observe(statedir, bad)
    free = [k for k in all_keys() if not str(before[k]).startswith('mixed')]
    rnd.shuffle(free)
    pdus = []
    for _ in range(rnd.choice([1, 1, 2, 3])):
        n = min(len(free), rnd.choice([1, 2, 3, 4, 5]))
        keys, free = free[:n], free[n:]
        if keys:
            pdus.append({k: other(k, before[k], rnd, cycle) for k in keys})
    json.dump({'before': before, 'pdus': pdus, 'bad': bad}, open(out, 'w'))
    print(' | '.join(' '.join('%s->%s' % kv for kv in p.items()) for p in pdus))
    return 0


def encode(t, v):
    if t == 'i':
        return ber_int(v)
    if t == 'u':
        return tlv(0x42, v.to_bytes(max(1, (v.bit_length() + 8) // 8), 'big'))
    return tlv(0x04, v.encode())


def send(args):
    agent, planfile, answers = args[0], args[1], args[2]
    timeout = float(args[3])
    kill = (int(args[4]), getattr(signal, 'SIG' + args[5]), int(args[6])) if len(args) == 7 else None
    host, port = agent.rsplit(':', 1)
    p = json.load(open(planfile))
    socks, got = [], [None] * len(p['pdus'])
    rnd = random.Random()
    for i, pdu in enumerate(p['pdus']):
        vbs = [(o, encode(t, v)) for k, tgt in pdu.items() for o, t, v in varbinds(k, tgt)]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        reqid = rnd.randrange(1, 1 << 30)
        s.sendto(message('private', 0xa3, reqid, vbs), (host, int(port)))
        socks.append((s, reqid))
    if kill:   # the master's death, timed from the send (a shell's own steps take ms)
        time.sleep(kill[2] / 1000)
        os.kill(kill[0], kill[1])
    open(answers + '.sent', 'w').close()
    end = time.monotonic() + timeout
    while time.monotonic() < end and None in got:
        for i, (s, reqid) in enumerate(socks):
            try:
                r = decode_response(s.recv(65535))
            except BlockingIOError:
                continue
            if r[0] == reqid:
                got[i] = [r[1], r[2]]
        time.sleep(0.005)
    json.dump(got, open(answers, 'w'))
    return 0


# ------------------------------------------------------------------ judging

def judge(args):
    statedir, planfile, answers = args
    p = json.load(open(planfile))
    got = json.load(open(answers)) if os.path.exists(answers) else [None] * len(p['pdus'])
    bad = []
    after = observe(statedir, bad)
    before = p['before']
    touched = set()
    for i, pdu in enumerate(p['pdus']):
        touched |= set(pdu)
        done = [k for k, tgt in pdu.items() if after[k] == tgt]
        stay = [k for k in pdu if after[k] == before[k]]
        ans = got[i]
        desc = 'PDU %d (%s; answer %s)' % (i + 1, ' '.join('%s->%s' % kv for kv in pdu.items()),
                                           'none' if ans is None else 'status %d index %d' % tuple(ans))
        if len(done) + len(stay) != len(pdu):
            bad.append('%s: a key neither before nor target: %s' %
                       (desc, ' '.join('%s=%s' % (k, after[k]) for k in pdu if k not in done + stay)))
        elif done and stay:
            bad.append('%s: half applied: in effect %s, not %s' % (desc, ' '.join(done), ' '.join(stay)))
        elif ans is not None and ans[0] == 0 and stay:
            bad.append('%s: answered noError but not in effect: %s' % (desc, ' '.join(stay)))
    for k in all_keys():
        if k not in touched and after[k] != before[k]:
            bad.append('%s changed without a SET: %s -> %s' % (k, before[k], after[k]))
        if str(after[k]).startswith('mixed'):
            bad.append('%s inconsistent: %s' % (k, after[k]))
    for b in bad[:20]:
        print('violation: ' + b)
    applied = sum(1 for i, pdu in enumerate(p['pdus']) if all(after[k] == t for k, t in pdu.items()))
    print('pdus %d applied %d answers %s' % (len(p['pdus']), applied,
                                             ','.join('none' if a is None else str(a[0]) for a in got)))
    return 1 if bad else 0


def main():
    cmds = {'plan': (plan, 4), 'send': (send, None), 'judge': (judge, 3)}
    if len(sys.argv) >= 2 and sys.argv[1] in cmds:
        fn, n = cmds[sys.argv[1]]
        if n is None or len(sys.argv) == n + 2:
            return fn(sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
