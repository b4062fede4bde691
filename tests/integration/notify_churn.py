#!/usr/bin/env python3
"""notify_churn.py - notify_churn.sh's generator of random route changes and its checker.

Part of the cimroute integration tests (python3 standard library only).

  gen SEED ROUNDS BURST_ROUND AWAY_ROUND LOST PREFIX HAVE_NH HAVE_COMPAT
      PREFIX.N: round N's operations (a bash script, one a line; `sleep` lines pace them;
      in AWAY_ROUND the lines #MASTER_DOWN and #MASTER_UP stop and start the master; with
      LOST 1, #DAEMON_STOP and #DAEMON_CONT around the burst's additions stop cimrouted),
      PREFIX.N.probe: what the round does to the two probe routes (JSON: the number of
      changed(3) notifications each must get), and the ip -batch files a burst names.
  check --before B --after A --traps LOG --burst 0|1 --lost 0|1 --rate R --history H
        --t0 SECONDS --t1 SECONDS --probe FILE [--mode normal|rate0|disabled] [--perturb P]
      B and A are snapshot prefixes (notify_churn.sh's snap): B.seq (cimRouteEventLastSequence
      before and after the snapshot), B.v4.json / B.v6.json (`ip -j -d -4|-6 route show
      table all`), B.links.json, B.nexthops.json, B.events (a walk of cimRouteEvent),
      B.stats (cimRouteNotifySuppressed and cimRouteNotifyDropped). Prints one line per
      check, "CHECK ok|fail TEXT", and the problems after it as "# ..." lines.

The checks (notify_churn.sh's header says what each means and why):
  replay    the round's changes, in sequence order, applied to the kernel's rows before it
            give the kernel's rows after it, both families (each added row absent before,
            each removed or changed row present)
  sequence  the round's numbers, one each, individually or in exactly one summary whose
            counts by kind equal the history's kinds of the numbers it covers; no summary in
            a round below the rate limit, at least one in the burst; Suppressed and Dropped;
            with the rate limit 0 no individual notification, with notifications disabled none
  history   cimRouteEventTable: min(history size H, rows before + changes) rows, the newest,
            in order, equal
            to the notifications; cimRouteEventCount, LastSequence and LastChange
  values    every row whose columns changed (same index), and every IPv4 route the kernel
            changed in what no column shows, has a notification; the probe routes got
            exactly the changed(3) notifications their operations call for
  time      TimeCreated: UTC DateAndTime, never decreasing with the sequence number, within
            the round's wall-clock time; a summary's not before the changes it covers
"""

import ipaddress
import json
import os
import random
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import route_rows as rr  # noqa: E402
import route6_rows as r6  # noqa: E402
import trap_log as tl  # noqa: E402

E = (1, 3, 6, 1, 4, 1, 32473, 1, 1, 4)   # cimRouteEvent
TABLES = os.environ.get('CIMR_NCHURN_TABLES', 'main local 100')   # routeTables (notify_churn.sh)
PROBE4 = ('10.99.0.0/24', '10.9.0.99', 'va9')
PROBE6 = ('2001:db8:99::/64', '2001:db8:9::99', 'va9')

# ---------------------------------------------------------------- the generator


def gen(seed, rounds, burst_round, away_round, lost, prefix, have_nh, have_compat):
    R = random.Random(seed)
    devs = ['va0', 'va1']
    net4 = {'va0': 1, 'va1': 2}
    tables = ['', '', '', ' table 100', ' table 200', ' table main']
    protos = ['', ' proto static', ' proto boot', ' proto bird', ' proto zebra', ' proto 42',
              ' proto 186', ' proto dhcp']
    metrics = ['', '', ' metric 0', ' metric 1', ' metric 100', ' metric 4294967295']
    types = ['blackhole', 'unreachable', 'prohibit', 'throw']
    nogw6 = '2001:db8:52:'
    added = []
    # the probes: what each is now (notify_churn.sh adds them as this before the first round)
    p4 = {'proto': 'static', 'mtu': 0}
    p6 = {'proto': 'static'}

    def pfx4():
        k = R.randrange(3)
        if k == 0:
            return '10.50.%d.0/24' % R.randrange(8)
        if k == 1:
            return '10.51.0.%d/32' % R.randrange(8)
        return R.choice(['10.53.0.0/16', '10.53.0.0/17', '192.0.2.0/24'])

    def pfx6():
        if R.random() < 0.5:
            return '2001:db8:50:%x::/64' % R.randrange(8)
        return '2001:db8:51::%x/128' % R.randrange(1, 8)

    def gw(fam, dev):
        if fam == 4:
            return '10.%d.0.%d' % (net4[dev], R.randrange(2, 20))
        if R.random() < 0.4:
            return 'fe80::%x' % R.randrange(1, 20)
        return '2001:db8:%d::%x' % (net4[dev], R.randrange(2, 20))

    def hop(fam, key=''):
        dev = R.choice(devs)
        if key.startswith(nogw6) or (fam == 4 and R.random() < 0.15):
            return 'dev %s' % dev
        return 'via %s dev %s' % (gw(fam, dev), dev)

    def proto(fam, key):
        # IPv6: one protocol per dst, table and metric (route_churn.sh says why)
        if fam == 6:
            return protos[zlib.crc32(key.encode()) % len(protos)]
        return R.choice(protos)

    def extra(fam):
        # what no column shows: MTU, realm (IPv4), a preferred source (Description)
        s = ''
        if R.random() < 0.2:
            s += ' mtu %d' % R.choice([1300, 1400])
        if fam == 4 and R.random() < 0.1:
            s += ' realm %d' % R.randint(1, 3)
        if R.random() < 0.15:
            # a preferred source: the links' first addresses, or one op_addr adds and removes
            # (the kernel then deletes the IPv4 routes using it, and takes it off the IPv6
            # ones, without a route message)
            s += ' src ' + R.choice(['10.1.0.1', '10.2.0.1', '10.60.0.1', '10.60.1.1'] if fam == 4
                                    else ['2001:db8:1::1', '2001:db8:60::1', '2001:db8:60:1::1'])
        return s

    def mp_hops(fam, n):
        def h():
            d = R.choice(devs)
            return 'via %s dev %s' % (gw(fam, d), d)
        return ' '.join('nexthop %s%s' % (h(), R.choice(['', ' weight 3'])) for _ in range(n))

    def route_spec(fam):
        p = pfx4() if fam == 4 else pfx6()
        k = R.random()
        if fam == 6 and (k < 0.12 or 0.27 <= k < 0.35):
            p = nogw6 + '%x::/64' % R.randrange(6)
        tos = ' tos 0x%02x' % R.choice([4, 8]) if fam == 4 and R.random() < 0.1 else ''
        key = p + R.choice(tables) + R.choice(metrics) + tos
        pr = proto(fam, key)
        if k < 0.12:
            return '%s %s%s' % (R.choice(types), key, pr), key
        if k < 0.27 and not key.startswith(nogw6):
            return '%s%s %s' % (key, pr, mp_hops(fam, R.randint(2, 3))), key
        if k < 0.35 and have_nh:
            return '%s nhid %d%s' % (key, R.choice([1, 2, 5, 20]), pr), key
        return '%s %s%s%s' % (key, hop(fam, key), extra(fam), pr), key

    def op_route(out):
        fam = R.choice([4, 6])
        verb = R.choice(['add', 'add', 'replace', 'replace', 'append', 'prepend', 'change',
                         'del', 'del'])
        mine = [a for a in added if a[0] == fam]
        if verb != 'add' and mine and R.random() < 0.8:
            _, key = R.choice(mine)
            if verb == 'del':
                out.append('ip -%d route del %s%s' % (fam, key, ' ' + hop(fam, key)
                                                      if R.random() < 0.3 else ''))
                return
            out.append('ip -%d route %s %s %s%s%s' % (fam, verb, key, hop(fam, key), extra(fam),
                                                     proto(fam, key)))
            return
        spec, key = route_spec(fam)
        out.append('ip -%d route %s %s' % (fam, verb, spec))
        added.append((fam, key))

    def op_multipath(out):
        fam = R.choice([4, 6])
        p = pfx4() if fam == 4 else pfx6()
        t = R.choice(tables)
        out.append('ip -%d route replace %s%s%s %s' % (fam, p, t, proto(fam, p + t),
                                                       mp_hops(fam, R.randint(2, 3))))
        added.append((fam, p + t))

    def op_nexthop(out):
        i = R.choice([1, 2, 5, 20])
        verb = R.choice(['add', 'replace', 'replace', 'del'])
        if verb == 'del':
            out.append('ip nexthop del id %d' % i)
        elif i == 20:
            out.append('ip nexthop %s id 20 group %s' % (verb, '/'.join(
                '%d%s' % (m, R.choice(['', ',3'])) for m in R.sample([1, 2], R.randint(1, 2)))))
        elif i == 5:
            d = R.choice(devs)
            out.append('ip -6 nexthop %s id 5 via %s dev %s' % (verb, gw(6, d), d))
        else:
            d = R.choice(devs)
            out.append('ip nexthop %s id %d via %s dev %s' % (verb, i, gw(4, d), d))

    def op_addr(out):
        dev = R.choice(devs)
        verb = R.choice(['add', 'del'])
        if R.random() < 0.5:
            # another subnet, or a secondary address in the link's own (the local table's
            # routes of both; a secondary goes with the primary's deletion)
            a = R.choice(['10.60.%d.1' % R.randrange(3), '10.%d.0.%d' % (net4[dev],
                                                                        R.randrange(100, 103))])
            out.append('ip -4 addr %s %s/24 dev %s' % (verb, a, dev))
        else:
            out.append('ip -6 addr %s 2001:db8:60:%x::1/64 dev %s%s' % (
                verb, R.randrange(3), dev, ' nodad' if verb == 'add' else ''))

    def op_prefsrc(out):
        # an address, a route with it as preferred source, and (mostly) the address removed:
        # the kernel deletes such IPv4 routes and takes it off IPv6 ones without a message
        fam = R.choice([4, 6])
        dev = R.choice(devs)
        k = R.randrange(2)
        a = '10.60.%d.1' % k if fam == 4 else '2001:db8:60:%x::1' % k
        out.append('ip -%d addr add %s/%d dev %s%s' % (fam, a, 24 if fam == 4 else 64, dev,
                                                       '' if fam == 4 else ' nodad'))
        spec, key = route_spec(fam)
        if ' via ' in spec or spec.split()[0] not in types:
            out.append('ip -%d route replace %s src %s' % (fam, spec, a))
            added.append((fam, key))
        if R.random() < 0.7:
            out.append('sleep 0.05')
            out.append('ip -%d addr del %s/%d dev %s' % (fam, a, 24 if fam == 4 else 64, dev))

    def op_link(out):
        dev = R.choice(['vb0', 'vb1', 'va1'])
        out.append('ip link set %s down' % dev)
        out.append('sleep 0.05')
        out.append('ip link set %s up' % dev)

    def op_compat(out):
        out.append('sysctl -qw net.ipv4.nexthop_compat_mode=%d' % R.randint(0, 1))

    def op_recreate(out):
        # va1 deleted (its routes and nexthop objects go silently) and made again: a new ifindex
        out.append('ip link del va1')
        out.append('ip link add va1 type veth peer name vb1 && ip link set vb1 up && '
                   'ip link set va1 up && ip addr add 10.2.0.1/24 dev va1 && '
                   'ip -6 addr add 2001:db8:2::1/64 dev va1 nodad')

    def op_flush(out):
        out.append('ip -%d route flush table %s' % (R.choice([4, 6]), R.choice(['100', '200'])))

    def op_probe(out, expect):
        """An operation on a probe route and how many changed(3) it must give: an identical
        replace (or IPv4 change) none, an IPv6 replace with only a new lifetime (or none)
        none; a new MTU (IPv4: the kernel announces a replace of what no column shows) or a
        new protocol (a column) one."""
        fam = R.choice([4, 6])
        what = R.choice(['same', 'same', 'proto'] + (['mtu'] if fam == 4 else ['life']))
        if fam == 4:
            dst, via, dev = PROBE4
            if what == 'proto':
                p4['proto'] = 'bgp' if p4['proto'] == 'static' else 'static'
            elif what == 'mtu':
                p4['mtu'] = 1400 if p4['mtu'] != 1400 else 1300
            verb = R.choice(['replace', 'change'])
            out.append('ip -4 route %s %s via %s dev %s proto %s%s' % (
                verb, dst, via, dev, p4['proto'], ' mtu %d' % p4['mtu'] if p4['mtu'] else ''))
        else:
            dst, via, dev = PROBE6
            if what == 'proto':
                p6['proto'] = 'bgp' if p6['proto'] == 'static' else 'static'
            # a new lifetime, or none, alone is no change (the MIB: as a daemon renews a
            # route learnt from router advertisements)
            life = ' expires %d' % R.randint(600, 900) if R.random() < 0.5 else ''
            out.append('ip -6 route replace %s via %s dev %s proto %s%s' % (dst, via, dev,
                                                                            p6['proto'], life))
        expect[str(fam)] += 0 if what in ('same', 'life') else 1

    def op_burst(out, name):
        n = R.randint(170, 240)
        for fam in (4, 6):
            lines = []
            for k in range(n // 2):
                p = ('10.70.%d.%d/32' % (k // 200, k % 200 + 1) if fam == 4
                     else '2001:db8:70::%x/128' % (k + 1))
                lines.append('route add %s via %s dev va0 proto bird' % (
                    p, '10.1.0.7' if fam == 4 else '2001:db8:1::7'))
            with open('%s.%d' % (name, fam), 'w') as f:
                f.write('\n'.join(lines) + '\n')
            with open('%s.%d.del' % (name, fam), 'w') as f:
                f.write('\n'.join(l.replace('route add', 'route del', 1) for l in lines) + '\n')
        # the additions of both families at once (with lost, while cimrouted is stopped and
        # its small event buffer overflows), then their deletions in a later interval
        if lost:
            out.append('#DAEMON_STOP')
        out.append('ip -4 -batch %s.4 & ip -6 -batch %s.6; wait' % (name, name))
        if lost:
            out.append('#DAEMON_CONT')
        out.append('sleep 1.2')
        out.append('ip -4 -force -batch %s.4.del & ip -6 -force -batch %s.6.del; wait'
                   % (name, name))

    ops = [(op_route, 60), (op_multipath, 8), (op_nexthop, 8 if have_nh else 0),
           (op_addr, 6), (op_prefsrc, 4), (op_link, 4), (op_flush, 2), (op_recreate, 1),
           (op_compat, 3 if have_nh and have_compat else 0)]
    for rnd in range(1, rounds + 1):
        # what seeds found once, first: an IPv4 route added in round 1, and in round 2 another
        # prepended in front of it that gives the same row, with another MTU and a realm
        # (seed 314: no changed(3))
        out = {1: ['ip -4 route add 10.98.0.0/24 via 10.1.0.98 dev va0 mtu 1400 proto static'],
               2: ['ip -4 route prepend 10.98.0.0/24 via 10.1.0.98 dev va0 realm 1 proto static'],
               }.get(rnd, [])
        expect = {'4': 0, '6': 0}
        nops = R.randint(8, 18)
        probes = set(R.sample(range(nops), R.randint(1, 3)))
        burst_at = R.randrange(nops) if rnd == burst_round else -1
        away = sorted(R.sample(range(nops), 2)) if rnd == away_round else []
        if burst_at >= 0 and rnd == away_round:
            away = [burst_at, burst_at + 1]     # the burst made while the master is away
        for k in range(nops):
            if k in away and k == burst_at:
                out.append('#MASTER_DOWN')
            if k == burst_at:
                op_burst(out, '%s.%d.burst' % (prefix, rnd))
            if k in away and k != burst_at:
                # notify_churn.sh stops the master here, and starts it again at the second
                out.append('#MASTER_%s' % ('DOWN' if k == away[0] else 'UP'))
            if k in probes:
                op_probe(out, expect)
            f = R.choices([o for o, w in ops], [w for o, w in ops])[0]
            f(out)
            out.append('sleep 0.0%d' % R.randint(1, 4))
        if away and '#MASTER_UP' not in out:
            out.append('#MASTER_UP')
        if len(added) > 40:
            del added[:len(added) - 40]
        with open('%s.%d' % (prefix, rnd), 'w') as fh:
            fh.write('\n'.join(out) + '\n')
        with open('%s.%d.probe' % (prefix, rnd), 'w') as fh:
            json.dump(expect, fh)
    return 0

# ---------------------------------------------------------------- reading the inputs


def ip4_index(dest, mask, nh, ifindex, table, tos, metric):
    return rr.ip_tuple(dest) + rr.ip_tuple(mask) + rr.ip_tuple(nh) + (ifindex, table, tos, metric)


def ip6_index(dest, plen, nh, ifindex, table, metric, src, srclen):
    return (r6.addr16(dest) + (plen,) + r6.addr16(nh) + (ifindex, table, metric) + r6.addr16(src)
            + (srclen,))


def fmt_key(fam, ix):
    return ('v4 ' + rr.fmt_index(ix)) if fam == 4 else ('v6 ' + r6.fmt_index6(ix))


class Event:
    """One change: from an individual notification or a history row."""
    __slots__ = ('seq', 'fam', 'kind', 'index', 'tc', 'source')

    def __init__(self, seq, fam, kind, index, tc, source):
        self.seq, self.fam, self.kind, self.index, self.tc, self.source = (
            seq, fam, kind, index, tc, source)

    def same(self, o):
        return (self.fam, self.kind, self.index, self.tc) == (o.fam, o.kind, o.index, o.tc)

    def text(self):
        return 'seq %d %s %s (%s)' % (self.seq, tl.KINDS.get(self.kind, self.kind),
                                      fmt_key(self.fam, self.index), self.source)


def notification_events(changes):
    out = []
    for c in changes:
        if isinstance(c, tl.Change6):
            ix = ip6_index(c.dest, c.plen, c.nh, c.ifindex, c.table, c.metric, c.src, c.srclen)
            out.append(Event(c.seq, 6, c.kind, ix, c.tc, 'notification'))
        else:
            ix = ip4_index(c.dest, c.mask, c.nh, c.ifindex, c.table, c.tos, c.metric)
            out.append(Event(c.seq, 4, c.kind, ix, c.tc, 'notification'))
    return out


def read_walk(path):
    """A walk of cimRouteEvent: (scalars {n: Var}, rows {seq: {col: Var}}, order problems)."""
    with open(path) as fh:
        vs = rr.parse_snmp_output(fh.read())
    scalars, rows, problems, prev = {}, {}, [], None
    for v in vs:
        if prev is not None and v.oid <= prev:
            problems.append('walk not increasing: %s after %s' % (rr.fmt_oid(v.oid),
                                                                 rr.fmt_oid(prev)))
        prev = v.oid
        rest = v.oid[len(E):]
        if v.oid[:len(E)] != E:
            continue
        if len(rest) == 2 and rest[1] == 0:
            scalars[rest[0]] = v
        elif len(rest) == 4 and rest[:2] == (3, 1):
            rows.setdefault(rest[3], {})[rest[2]] = v
        else:
            problems.append('unexpected object in the walk: %s' % rr.fmt_oid(v.oid))
    return scalars, rows, problems


def history_event(seq, cols, problems):
    try:
        fam = {1: 4, 2: 6}[cols[21].value]
        if fam == 4:
            ix = ip4_index(cols[4].value, cols[5].value, cols[6].value, cols[7].value,
                           cols[8].value, cols[9].value, cols[10].value)
        else:
            ip6 = lambda b: str(ipaddress.IPv6Address(b))
            ix = ip6_index(ip6(cols[16].value), cols[17].value, ip6(cols[18].value),
                           cols[7].value, cols[8].value, cols[10].value, ip6(cols[19].value),
                           cols[20].value)
        return Event(seq, fam, cols[3].value, ix, cols[2].value, 'history')
    except (KeyError, ValueError, TypeError) as e:
        problems.append('history row %d: unreadable (%s): columns %s' % (seq, e, sorted(cols)))
        return None


def load_json(path):
    with open(path) as fh:
        text = fh.read()
    return json.loads(text) if text.strip() else []


def kernel_rows(prefix):
    """{4: {index: Row}, 6: {index: Row}} of the mirrored tables, from a snapshot."""
    links = load_json(prefix + '.links.json')
    nhs = load_json(prefix + '.nexthops.json')
    tables = rr.parse_tables(TABLES)
    rows4, _ = rr.expected_rows(load_json(prefix + '.v4.json'), links, tables, nexthops=nhs)
    rows6, _ = r6.expected_rows6(load_json(prefix + '.v6.json'), links, tables, nexthops=nhs)
    return {4: rows4, 6: rows6}


def read_seq(prefix):
    with open(prefix + '.seq') as fh:
        return int(fh.read().split()[0])


def read_stats(prefix):
    with open(prefix + '.stats') as fh:
        return [int(x) for x in fh.read().split()]


# What no column of an IPv4 row shows but the kernel announces when it changes (rt.h,
# replace_changes): the route's metrics, realms, scope, preferred source, nexthop object, and
# the weight of the row's own hop. Not its hops' flags (the row's Status shows its own).
HIDDEN4 = ('metrics', 'flow', 'scope', 'prefsrc', 'nhid')


def hidden4(row):
    r = row.route
    h = {k: r.get(k) for k in HIDDEN4}
    if 'nexthops' in r and 'nhid' not in r:
        gws = [x for x in r['nexthops']]
        h['hops'] = sorted((x.get('gateway'), x.get('dev'), x.get('weight')) for x in gws)
    return h

def object_group(r, nhs):
    """A route that names a group object alone (nexthop_compat_mode 0): its hops as `ip -j
    route` would list them with compat mode 1 (gateway, dev, weight), or None."""
    objs = {o['id']: o for o in nhs or []}
    obj = objs.get(r.get('nhid'))
    if obj is None or 'group' not in obj or 'nexthops' in r:
        return None
    return [dict(gateway=objs.get(g['id'], {}).get('gateway'), dev=objs.get(g['id'], {}).get('dev'),
                 weight=g.get('weight', 1)) for g in obj['group']]


def described(f, ix, row, ifindex, nhs=None):
    """What the row's Description shows beyond route_rows.py's columns (routefmt.c): whether
    it is one hop of a multipath route and then its weight, onlink, the preferred source. The
    hops of a group object named alone come from the objects (nhs), as the daemon's do."""
    r = row.route
    hops = r.get('nexthops') or object_group(r, nhs)
    if hops is not None and len(hops) < 2:
        hops = None                       # a group of one is a single next hop
    if not hops:
        return (False, None, 'onlink' in r.get('flags', []), r.get('prefsrc'))
    if f == 4:
        nh, oif = '.'.join(map(str, ix[8:12])), ix[12]
    else:
        nh, oif = str(ipaddress.IPv6Address(bytes(ix[17:33]))), ix[33]
    for h in hops:
        gw = h.get('gateway') or ('0.0.0.0' if f == 4 else '::')
        if gw == nh and ifindex.get(h.get('dev')) == oif:
            return (True, h.get('weight', 1), 'onlink' in h.get('flags', []), r.get('prefsrc'))
    return (True, None, None, r.get('prefsrc'))


# ---------------------------------------------------------------- the checks


class Report:
    def __init__(self):
        self.lines = []

    def skip(self, name, why):
        self.lines.append('%s skip %s' % (name, why))

    def check(self, name, text, problems, limit=25):
        self.lines.append('%s %s %s' % (name, 'fail' if problems else 'ok', text))
        for p in problems[:limit]:
            self.lines.append('# ' + p)
        if len(problems) > limit:
            self.lines.append('# ... %d more' % (len(problems) - limit))


def check(args):
    rep = Report()
    s0, s1 = read_seq(args.before), read_seq(args.after)
    k0, k1 = kernel_rows(args.before), kernel_rows(args.after)
    scal, hrows, walk_problems = read_walk(args.after + '.events')
    changes, summaries, load_problems, _ = tl.load(args.traps, 'v4')
    notes = notification_events(changes)
    rnd = [e for e in notes if s0 < e.seq <= s1]
    sums = [s for s in summaries if s.last > s0 and s.first <= s1]
    hist = {}
    hp = list(walk_problems)
    for seq, cols in hrows.items():
        ev = history_event(seq, cols, hp)
        if ev is not None:
            hist[seq] = ev
    wanted = list(range(s0 + 1, s1 + 1))
    if args.perturb:
        perturb(args.perturb, rnd, notes, summaries, hist, hrows, s0, s1)
        sums = [s for s in summaries if s.last > s0 and s.first <= s1]

    # ---- sequence: each number of the round once, individually or in one summary
    sp = list(load_problems)
    ind = {}
    for e in rnd:
        if e.seq in ind:
            sp.append('sequence %d notified twice individually' % e.seq)
        ind[e.seq] = e
    later = [e for e in notes if e.seq > s1] + [s for s in summaries if s.last > s1]
    if later:
        sp.append('%d notifications name numbers above cimRouteEventLastSequence %d'
                  % (len(later), s1))
    by_sum = {}
    for s in sums:
        own = [q for q in range(s.first, s.last + 1) if q not in ind]
        if s.first < s0 + 1 or s.last > s1 or s.first > s.last:
            sp.append('summary %d..%d reaches outside the round %d..%d' % (s.first, s.last,
                                                                          s0 + 1, s1))
        if s.added + s.removed + s.changed != len(own):
            sp.append('summary %d..%d counts %d+%d+%d but covers %d numbers not sent '
                      'individually' % (s.first, s.last, s.added, s.removed, s.changed, len(own)))
        kinds = {1: 0, 2: 0, 3: 0}
        for q in own:
            if q in by_sum:
                sp.append('sequence %d in two summaries' % q)
            by_sum[q] = s
            if q in hist:
                kinds[hist[q].kind] += 1
        if all(q in hist for q in own) and (kinds[1], kinds[2], kinds[3]) != (
                s.added, s.removed, s.changed):
            sp.append('summary %d..%d counts added %d removed %d changed %d; the history\'s '
                      'rows it covers: %d %d %d' % (s.first, s.last, s.added, s.removed,
                                                    s.changed, kinds[1], kinds[2], kinds[3]))
    missing = [q for q in wanted if q not in ind and q not in by_sum]
    dense = max_per_second({**hist, **ind}, wanted)
    st0, st1 = read_stats(args.before), read_stats(args.after)
    if args.mode == 'disabled':
        # cimRouteNotifyEnabled false(2): the changes are only recorded in the history
        if ind or sums:
            sp.append('notifications disabled, yet %d individual and %d summaries name numbers '
                      'of the round' % (len(ind), len(sums)))
        missing = []
    elif args.mode == 'rate0' and ind:
        sp.append('cimRouteNotifyRateLimit 0 sends summaries only, yet %d changes were sent '
                  'individually: %s' % (len(ind), tl.fmt_ranges(sorted(ind))))
    if missing:
        sp.append('%d of %d numbers reported neither individually nor by a summary: %s'
                  % (len(missing), len(wanted), tl.fmt_ranges(missing)))
    if args.lost or args.mode != 'normal':
        # netlink lost events (notify_churn.sh saw cimrouted log an overrun: what the re-dump
        # found comes in a summary only, in any round), or the settings above
        pass
    elif not args.burst and sums and not (args.away and st1[1] > st0[1]):
        if dense < args.rate * 0.8:
            sp.append('%d summaries in a round below the rate limit (at most %d changes in a '
                      'second, limit %d)' % (len(sums), dense, args.rate))
    if args.burst and not sums:
        sp.append('no summary in the round above the rate limit (%d changes, at most %d in a '
                  'second)' % (len(wanted), dense))
    summarised = sum(1 for q in wanted if q in by_sum)
    supp, dropped = st1[0] - st0[0], st1[1] - st0[1]
    if not args.away:
        if supp != summarised:
            sp.append('cimRouteNotifySuppressed grew by %d, the summaries cover %d' % (
                supp, summarised))
        if dropped:
            sp.append('cimRouteNotifyDropped grew by %d with the master there' % dropped)
    elif not 0 <= summarised - supp <= dropped:
        # the master away: past notifyQueueLength, changes and summaries are dropped (a
        # dropped summary's changes were counted as suppressed already)
        sp.append('the summaries cover %d changes: %d suppressed and %d dropped notifications '
                  'cannot make that' % (summarised, supp, dropped))
    rep.check('sequence', 'numbers %d..%d (%d changes: %d individual, %d in %d summaries) each '
              'reported once, summaries exact' % (s0 + 1, s1, len(wanted), len(ind), summarised,
                                                   len(sums)), sp)

    # ---- history: the newest min(H, total) changes, in order, equal to the notifications
    hp2 = list(hp)
    count = scal.get(1).value if 1 in scal else None
    lastseq = scal.get(5).value if 5 in scal else None
    _, hrows0, _ = read_walk(args.before + '.events')
    want_n = min(args.history, len(hrows0) + len(wanted))
    if lastseq != s1:
        hp2.append('cimRouteEventLastSequence %s, %d before the walk' % (lastseq, s1))
    if count != len(hrows) or len(hrows) != want_n:
        hp2.append('cimRouteEventCount %s, %d rows walked, %d expected (history size %d, %d '
                   'rows before, %d changes)' % (count, len(hrows), want_n, args.history,
                                                 len(hrows0), len(wanted)))
    newest = hist.get(s1) or ind.get(s1)   # (history size 0: the notification's)
    if newest is not None and (2 not in scal or scal[2].value != newest.tc):
        hp2.append('cimRouteEventLastChange %s, the newest row\'s TimeCreated %s' % (
            scal[2].value.hex() if 2 in scal else 'absent', newest.tc.hex()))
    if hrows and sorted(hrows) != list(range(s1 - len(hrows) + 1, s1 + 1)):
        hp2.append('history rows are not the newest consecutive numbers: %s'
                   % tl.fmt_ranges(sorted(hrows)))
    compared = 0
    for e in rnd:
        h = hist.get(e.seq)
        if h is None:
            if e.seq > s1 - want_n:
                hp2.append('seq %d notified but not in the history' % e.seq)
            continue
        compared += 1
        if not h.same(e):
            hp2.append('history %s, notification %s (times %s, %s)' % (
                h.text(), e.text(), h.tc.hex(), e.tc.hex()))
    rep.check('history', 'cimRouteEventTable holds the newest %d changes in order, %d compared '
              'with their notifications' % (len(hrows), compared), hp2)

    # the round's changes: notified individually, else from the history (a summary's)
    events = []
    unknown = []
    for q in wanted:
        e = ind.get(q) or hist.get(q)
        if e is None:
            unknown.append(q)
        else:
            events.append(e)

    # ---- replay
    # A change a summary reported is known from its history row only: a history set smaller
    # than the round (the shrunk round) cannot give them all, and then neither the replay nor
    # the rows that must have been notified can be checked (a skip, not a pass).
    if unknown and want_n < len(wanted):
        why = ('%d summarised changes not in the history of %d rows (%d changes in the round)'
               % (len(unknown), args.history, len(wanted)))
        rep.skip('replay', why)
        rep.skip('values', why)
        time_check(rep, args, events, hist, sums)
        print('\n'.join(rep.lines))
        return 0
    rp = []
    if unknown:
        rp.append('no values for %d summarised changes (history too small): %s'
                  % (len(unknown), tl.fmt_ranges(unknown)))
    state = {f: set(k0[f]) for f in (4, 6)}
    for e in events:
        s = state[e.fam]
        if e.kind == 1:
            if e.index in s:
                rp.append('%s: the row is already there' % e.text())
            s.add(e.index)
        elif e.kind == 2:
            if e.index not in s:
                rp.append('%s: no such row' % e.text())
            s.discard(e.index)
        elif e.kind == 3:
            if e.index not in s:
                rp.append('%s: no such row' % e.text())
        else:
            rp.append('%s: bad kind' % e.text())
    for f in (4, 6):
        for ix in sorted(state[f] - set(k1[f])):
            rp.append('after the replay %s is there; the kernel does not have it' % fmt_key(f, ix))
        for ix in sorted(set(k1[f]) - state[f]):
            rp.append('the kernel has %s; the replay does not' % fmt_key(f, ix))
    rep.check('replay', 'before + %d changes = after (IPv4 %d -> %d rows, IPv6 %d -> %d rows)'
              % (len(events), len(k0[4]), len(k1[4]), len(k0[6]), len(k1[6])), rp)

    # ---- values: changed rows were notified; the probes exactly as their operations say
    vp = []
    if0, if1 = ({l['ifname']: l['ifindex'] for l in load_json(p + '.links.json')}
                for p in (args.before, args.after))
    nh0, nh1 = (load_json(p + '.nexthops.json') for p in (args.before, args.after))
    touched = {}
    for e in events:
        touched.setdefault((e.fam, e.index), []).append(e)
    for f in (4, 6):
        for ix in set(k0[f]) & set(k1[f]):
            a, b = k0[f][ix], k1[f][ix]
            why = None
            ca = {c: v for c, v in a.cols.items() if c != r6.COL['ValidLifetime'] or f == 4}
            cb = {c: v for c, v in b.cols.items() if c != r6.COL['ValidLifetime'] or f == 4}
            if ca != cb:
                why = 'its columns changed: %s' % ', '.join(
                    '%s %s -> %s' % (c, ca.get(c), cb.get(c)) for c in sorted(set(ca) | set(cb))
                    if ca.get(c) != cb.get(c))
            elif described(f, ix, a, if0, nh0) != described(f, ix, b, if1, nh1):
                why = 'its Description changed: (multipath, weight, onlink, src) %s -> %s' % (
                    described(f, ix, a, if0, nh0), described(f, ix, b, if1, nh1))
            elif f == 4 and hidden4(a) != hidden4(b):
                why = 'the kernel changed it in what no column shows: %s -> %s' % (
                    hidden4(a), hidden4(b))
            if why and (f, ix) not in touched:
                vp.append('%s: no notification, but %s' % (fmt_key(f, ix), why))
    for (f, ix), evs in touched.items():
        last = evs[-1]
        if (last.kind == 2) == (ix in k1[f]):
            vp.append('the last notification of the round for %s is %s, the kernel %s it' % (
                fmt_key(f, ix), last.text(), 'has' if ix in k1[f] else 'does not have'))
    with open(args.probe) as fh:
        pexp = json.load(fh)
    if args.perturb == 'probe':
        pexp['4'] += 1
    for f, ix in probe_indexes(args.after):
        evs = touched.get((f, ix), [])
        kinds = [e.kind for e in evs]
        if kinds != [3] * pexp[str(f)]:
            vp.append('probe %s: notifications %s, its operations call for %d changed(3)' % (
                fmt_key(f, ix), [tl.KINDS.get(k, k) for k in kinds], pexp[str(f)]))
    rep.check('values', 'notifications name the rows that changed (%d rows touched); probes: '
              'IPv4 %d, IPv6 %d changed(3)' % (len(touched), pexp['4'], pexp['6']), vp)

    time_check(rep, args, events, hist, sums)
    print('\n'.join(rep.lines))
    return 0


def perturb(kind, rnd, notes, summaries, hist, hrows, s0, s1):
    """The checker's self-test: one wrong expectation of the given kind, which the check
    named after it must find (notify_churn.sh runs each on the burst round)."""
    ind = [e for e in rnd if e.kind != 3] or rnd
    e = ind[len(ind) // 2]
    if kind == 'drop':             # replay, sequence: a notification not received
        rnd.remove(e)
        notes.remove(e)
    elif kind == 'kind':           # replay, history: added <-> removed
        e.kind = 3 - e.kind
    elif kind == 'metric':         # replay, history: another row's values
        e.index = e.index[:-1] + (e.index[-1] + 1,) if e.fam == 4 else (
            e.index[:35] + (e.index[35] + 1,) + e.index[36:])
    elif kind == 'summary':        # sequence: a count one too many
        s = [s for s in summaries if s.last > s0 and s.first <= s1][0]
        s.added += 1
    elif kind == 'time':           # time: a minute earlier than its predecessor
        e.tc = e.tc[:5] + bytes([(e.tc[5] + 59) % 60]) + e.tc[6:]
    elif kind == 'history':        # history: a row missing
        q = sorted(hrows)[len(hrows) // 2]
        del hrows[q]
        hist.pop(q, None)
    elif kind != 'probe':          # (values: check() expects one more probe change)
        raise ValueError('unknown perturbation %r' % kind)


def time_check(rep, args, events, hist, sums):
    """TimeCreated: UTC, never decreasing with the number, within the round; a summary's not
    before the changes it covers."""
    tp = []
    prev = None
    for e in events:
        t, why = tl.decode_dt(e.tc)
        if t is None:
            tp.append('%s: TimeCreated %s: %s' % (e.text(), e.tc.hex(), why))
            continue
        if prev is not None and t < prev[0]:
            tp.append('%s: TimeCreated %.1f before seq %d\'s %.1f' % (e.text(), t, prev[1],
                                                                    prev[0]))
        # a DateAndTime has deci-seconds: truncated, up to 0.1 s before the event
        if not args.t0 - 0.2 <= t <= args.t1 + 0.2:
            tp.append('%s: TimeCreated %.1f outside the round %.1f..%.1f' % (e.text(), t,
                                                                            args.t0, args.t1))
        prev = (t, e.seq)
    for s in sums:
        t, why = tl.decode_dt(s.tc)
        if t is None:
            tp.append('summary %d..%d: TimeCreated %s: %s' % (s.first, s.last, s.tc.hex(), why))
            continue
        newest = max((tl.decode_dt(hist[q].tc)[0] or 0 for q in range(s.first, s.last + 1)
                      if q in hist), default=0)
        if t + 0.1 < newest:
            tp.append('summary %d..%d: TimeCreated %.1f before a change it covers (%.1f)'
                      % (s.first, s.last, t, newest))
    rep.check('time', 'TimeCreated UTC, in sequence order, within the round', tp)


def max_per_second(known, seqs):
    """The most changes of seqs whose TimeCreated fall in one second (from the history and
    the notifications: known maps numbers to events)."""
    ts = sorted(t for t in (tl.decode_dt(known[q].tc)[0] for q in seqs if q in known)
                if t is not None)
    best, j = 0, 0
    for i, t in enumerate(ts):
        while ts[j] < t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


def probe_indexes(prefix):
    """The probes' row indexes in the snapshot (their gateway and link are fixed)."""
    links = {l['ifname']: l['ifindex'] for l in load_json(prefix + '.links.json')}
    out = []
    for f, dst, via, dev in ((4,) + PROBE4, (6,) + PROBE6):
        for r in load_json(prefix + '.v%d.json' % f):
            if r.get('dst') == dst and r.get('gateway') == via and r.get('table', 'main') == 'main':
                m = int(r.get('metric', 0))
                if f == 4:
                    a, plen = dst.split('/')
                    out.append((4, ip4_index(a, str(ipaddress.IPv4Network(dst).netmask), via,
                                             links[dev], 254, 0, m)))
                else:
                    a, plen = dst.split('/')
                    out.append((6, ip6_index(a, int(plen), via, links[dev], 254, m, '::', 0)))
    return out


def main(argv):
    if argv and argv[0] == 'gen':
        return gen(argv[1], int(argv[2]), int(argv[3]), int(argv[4]), argv[5] == '1', argv[6],
                   argv[7] == '1', argv[8] == '1')
    if argv and argv[0] == 'check':
        import argparse
        ap = argparse.ArgumentParser()
        for o in ('--before', '--after', '--traps', '--probe'):
            ap.add_argument(o, required=True)
        for o in ('--rate', '--history', '--burst', '--lost', '--away'):
            ap.add_argument(o, type=int, required=True)
        ap.add_argument('--t0', type=float, required=True)
        ap.add_argument('--t1', type=float, required=True)
        ap.add_argument('--perturb')
        ap.add_argument('--mode', choices=('normal', 'rate0', 'disabled'), default='normal')
        return check(ap.parse_args(argv[1:]))
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
