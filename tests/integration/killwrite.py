#!/usr/bin/env python3
"""killwrite.py - the writer and the judge of killwrite.sh (python3 standard library only; the
BER code is soak_probe.py's).

  killwrite.py write HOST:PORT IFINDEX BASELINE LOG SEED
      SETs one after another, each a createAndGo(4) of a key the baseline (a JSON list of
      keys present) does not have, or a destroy(6) of one it has, until killed. Keys:
        route:N    a persisted IPv4 route 10.60.N.0/24 via 192.0.2.1 metric 5 (N 0..199)
        addr:N     a nonVolatile address 10.77.N.1/24 on the interface (N 0..39)
        gw:M       a nonVolatile gateway 192.0.2.1 at metric M (M 100..139)
      Before each SET it appends `send OP KEY` to LOG, after its answer `ack OP KEY STATUS`
      (the error status's number; 0 = noError), flushed at once. Each SET would succeed, so
      it stops at the first answer that is an error, or none within 3 s (the daemon killed).
  write-check LOG BASELINE STATEDIR ROUTES_JSON ADDRS_JSON NEWBASELINE
      After the restart: replays LOG over BASELINE. A key whose last SET got noError must be
      as that SET left it (present: in the state file and the kernel, absent: in neither); a
      key with a SET unanswered or answered with an error since is free (in flight when the
      daemon was killed). Every state file line must parse, and no NAME.tmp / NAME.old may be
      left. Writes the keys the state files now hold to NEWBASELINE, and those only the kernel
      has (routes of SETs unanswered at a kill: the README's Limits) to NEWBASELINE.orphans: a
      later row adopts such a route, and its destroy leaves it in the kernel (adopted-left, not
      a violation). Prints `writes N acked N inflight N adopted-left N` and each violation;
      exit status 1 on one.
"""

import json
import os
import random
import re
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_probe import ber_int, message, decode_response  # noqa: E402

R = '1.3.6.1.4.1.32473.1.1'
GW = '192.0.2.1'
# DESTINATION/LEN via NEXTHOP [dev INTERFACE] metric METRIC [created YYYY-MM-DDTHH:MM:SSZ]
ROUTE_LINE = re.compile(r'^(\d+\.\d+\.\d+\.\d+/\d+) via (\d+\.\d+\.\d+\.\d+)(?: dev \S+)? metric (\d+)'
                        r'(?: created \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?$')
ADDR_LINE = re.compile(r'^(\S+) ([0-9a-fA-F.:]+)/(\d+)$')


def keys():
    return (['route:%d' % n for n in range(200)] + ['addr:%d' % n for n in range(40)] +
            ['gw:%d' % m for m in range(100, 140)])


def oid_of(key, ifindex):
    kind, n = key.split(':')
    n = int(n)
    if kind == 'route':
        return '%s.2.3.1.12.10.60.%d.0.255.255.255.0.%s.5' % (R, n, GW)
    if kind == 'addr':
        return '%s.6.4.1.8.%s.1.4.10.77.%d.1.24' % (R, ifindex, n)
    return '%s.6.5.1.6.%s.1.4.%s.%d' % (R, ifindex, GW, n)


def write(args):
    agent, ifindex, baseline, log, seed = args
    host, port = agent.rsplit(':', 1)
    present = set(json.load(open(baseline)))
    rnd = random.Random(int(seed))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    out = open(log, 'a', buffering=1)
    reqid = rnd.randrange(1, 1 << 30)
    all_keys = keys()
    while True:
        key = rnd.choice(all_keys)
        op = 'destroy' if key in present else 'create'
        reqid += 1
        out.write('send %s %s\n' % (op, key))
        s.sendto(message('private', 0xa3, reqid, [(oid_of(key, ifindex), ber_int(6 if op == 'destroy' else 4))]),
                 (host, int(port)))
        try:
            while True:
                r = decode_response(s.recv(65535))
                if r[0] == reqid:
                    break
        except socket.timeout:
            return 0   # the daemon is gone: this SET stays unanswered
        out.write('ack %s %s %d\n' % (op, key, r[1]))
        if r[1] != 0:
            return 0   # each SET would succeed: an error is the daemon going away
        (present.discard if op == 'destroy' else present.add)(key)


def route_key(m):
    dst, gw, metric = m.group(1), m.group(2), int(m.group(3))
    if dst == '0.0.0.0/0' and gw == GW:
        return 'gw:%d' % metric
    if dst.startswith('10.60.') and dst.endswith('.0/24') and metric == 5:
        return 'route:%s' % dst.split('.')[2]
    return None


def addr_key(m):
    a = m.group(2)
    return 'addr:%s' % a.split('.')[2] if a.startswith('10.77.') and m.group(3) == '24' else None


STATE_FILES = (('persisted-routes', ROUTE_LINE, route_key), ('static-addresses', ADDR_LINE, addr_key))


def state_keys(statedir, bad):
    """The keys the state files hold; bad lines appended to bad."""
    have = set()
    for name, pattern, key_of in STATE_FILES:
        try:
            lines = open(os.path.join(statedir, name)).read().splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines:
            if not line or line.startswith('#'):
                continue
            m = pattern.match(line)
            key = m and key_of(m)
            if key:
                have.add(key)
            else:
                bad.append('%s: %s %r' % (name, 'a line no SET made' if m else 'cannot parse', line))
    for name in os.listdir(statedir):
        if name.endswith(('.tmp', '.old')):
            bad.append('left in the state directory: %s' % name)
    return have


def kernel_keys(routes_json, addrs_json):
    have = set()
    for r in json.load(open(routes_json)):
        if r.get('protocol') not in ('252', 'cimrouted'):
            continue
        dst, gw, metric = r.get('dst'), r.get('gateway'), r.get('metric', 0)
        if dst == 'default' and gw == GW:
            have.add('gw:%d' % metric)
        elif dst and dst.startswith('10.60.') and metric == 5:
            have.add('route:%s' % dst.split('.')[2])
    for link in json.load(open(addrs_json)):
        for a in link.get('addr_info', []):
            if a.get('family') == 'inet' and a['local'].startswith('10.77.') and a['prefixlen'] == 24:
                have.add('addr:%s' % a['local'].split('.')[2])
    return have


def write_check(args):
    log, baseline, statedir, routes_json, addrs_json, newbase = args
    want = {k: True for k in json.load(open(baseline))}
    free = set()
    writes = acked = 0
    for line in open(log):
        f = line.split()
        if f[0] == 'send':
            writes += 1
            free.add(f[2])                 # until its answer: either way
        elif f[0] == 'ack':
            if f[3] == '0':
                acked += 1
                want[f[2]] = f[1] == 'create'
                free.discard(f[2])
            # an error answer: the daemon may have died after the change and before the answer
    bad = []
    in_state = state_keys(statedir, bad)
    in_kernel = kernel_keys(routes_json, addrs_json)
    try:
        orphans = set(json.load(open(baseline + '.orphans')))
    except FileNotFoundError:
        orphans = set()
    left = 0
    for k, present in sorted(want.items()):
        if k in free:
            continue
        for where, have in (('state file', in_state), ('kernel', in_kernel)):
            if present and k not in have:
                bad.append('%s acknowledged (created) but missing from the %s' % (k, where))
            if not present and k in have:
                if where == 'kernel' and k in orphans:
                    left += 1   # its row adopted the route an unanswered SET left: destroy leaves it
                    continue
                bad.append('%s acknowledged (destroyed) but still in the %s' % (k, where))
    for k in sorted(in_state - in_kernel):
        bad.append('%s in the state file but not in the kernel after the restart' % k)
    json.dump(sorted(in_state), open(newbase, 'w'))
    json.dump(sorted(in_kernel - in_state), open(newbase + '.orphans', 'w'))
    print('writes %d acked %d inflight %d adopted-left %d' % (writes, acked, len(free), left))
    for b in bad[:20]:
        print('violation: ' + b)
    return 1 if bad else 0


def main():
    if len(sys.argv) == 7 and sys.argv[1] == 'write':
        return write(sys.argv[2:])
    if len(sys.argv) == 8 and sys.argv[1] == 'write-check':
        return write_check(sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
