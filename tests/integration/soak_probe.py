#!/usr/bin/env python3
"""soak_probe.py - the measuring end of master_soak.sh, and the SNMP BER code hostile.py and
killwrite.py share (python3 standard library only).

Sub-commands:
  tables-time SOCK HOST:PORT COMMUNITY [--timeout S] [--launched EPOCH_MS] NAME=COLUMN=MINROWS...
      Polls a connect() to the master's AgentX Unix socket SOCK every 5 ms until it is accepted,
      then walks each COLUMN (GETBULK, SNMPv2c to HOST:PORT) again and again until it holds
      MINROWS rows at least: a complete walk of that table (a scalar's OID with MINROWS 1: its
      first answer with a value). Prints `NAME=MS ...`, the milliseconds from
      the master accepting AgentX connections to the end of each table's first complete walk
      (`never` if none within the timeout, default 30 s: exit status 1). With --launched (when
      the master was started), a second line `launch NAME=MS ...` counts from then.
  relay PORT TO_PORT RATE
      A receiver of finite speed in front of snmptrapd: listen on 127.0.0.1:PORT with a socket
      buffer of 212992 bytes (Linux's usual default), pass each datagram on to
      127.0.0.1:TO_PORT, and take 1/RATE s for each, as a receiver that hands every
      notification to a program would. A burst larger than the buffer holds is partly
      dropped by the kernel (RcvbufErrors).
  account LOG FIRST LAST [--history WALK]
      LOG: snmptrapd's log written with `format2 %V|%t|%v\\n` and -On -Oq (one line per
      notification: receive time, then `OID value` varbinds). Accounts for every sequence
      number of FIRST..LAST: reported alone (cimIP4RouteChange, cimIP6RouteChange) or inside a
      cimIP4RouteChangeSummary's FirstSequence..LastSequence. Prints one line
      `missing N individual N summaries N duplicates N max_per_s N` and the missing
      numbers (as ranges) when there are some; exit status 1 when a number is missing.
      With --history (a walk of cimRouteEventKind, snmpbulkwalk -On): the history's sequence
      numbers must run without a hole up to LAST, each must have reached the receiver, and
      the kind of each received alone must be the history's; a line `history N rows A-B, not
      received N, kind differs N, holes N`, exit status 1 when one is not 0.
"""

import os
import socket
import sys
import time

import trap_log  # beside this script

ROOT = '.1.3.6.1.4.1.32473.1'
TRAP_CHANGE = ROOT + '.0.1'
TRAP_SUMMARY = ROOT + '.0.2'
TRAP_CHANGE6 = ROOT + '.0.4'  # cimIP6RouteChange: numbered in the same sequence
NOTIFY = ROOT + '.1.4.10.'
HISTORY_KIND = ROOT + '.1.4.3.1.3.'   # cimRouteEventKind.SEQUENCE
TRAPOID = '.1.3.6.1.6.3.1.1.4.1.0'


# ------------------------------------------------------------------ a minimal SNMPv2c GET

def tlv(tag, body):
    n = len(body)
    if n < 128:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body


def ber_int(v):
    return tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), 'big', signed=True))


def ber_oid(oid):
    sub = [int(x) for x in oid.strip('.').split('.')]
    out = bytearray([40 * sub[0] + sub[1]])
    for s in sub[2:]:
        enc = [s & 0x7f]
        s >>= 7
        while s:
            enc.append(0x80 | (s & 0x7f))
            s >>= 7
        out += bytes(reversed(enc))
    return tlv(0x06, bytes(out))


def message(community, pdu_tag, reqid, varbinds, f1=0, f2=0):
    vbl = b''.join(tlv(0x30, ber_oid(o) + v) for o, v in varbinds)
    pdu = tlv(pdu_tag, ber_int(reqid) + ber_int(f1) + ber_int(f2) + tlv(0x30, vbl))
    return tlv(0x30, ber_int(1) + tlv(0x04, community.encode()) + pdu)


def read_tlv(b, i):
    tag = b[i]
    n = b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(b[i:i + k], 'big')
        i += k
    return tag, b[i:i + n], i + n


def decode_oid(b):
    sub = [b[0] // 40, b[0] % 40]
    v = 0
    for c in b[1:]:
        v = (v << 7) | (c & 0x7f)
        if not c & 0x80:
            sub.append(v)
            v = 0
    return tuple(sub)


def decode_response(data):
    """(reqid, error-status, error-index, [(oid tuple, tag)])"""
    rid, st, ix, vbs = decode_response_values(data)
    return rid, st, ix, [(o, tag) for o, tag, _ in vbs]


def decode_response_values(data):
    """(reqid, error-status, error-index, [(oid tuple, tag, value octets)])"""
    _, msg, _ = read_tlv(data, 0)
    _, _, i = read_tlv(msg, 0)          # version
    _, _, i = read_tlv(msg, i)          # community
    _, pdu, _ = read_tlv(msg, i)
    _, rid, i = read_tlv(pdu, 0)
    _, st, i = read_tlv(pdu, i)
    _, ix, i = read_tlv(pdu, i)
    _, vbl, _ = read_tlv(pdu, i)
    vbs, j = [], 0
    while j < len(vbl):
        _, vb, j = read_tlv(vbl, j)
        _, o, k = read_tlv(vb, 0)
        tag, val, _ = read_tlv(vb, k)
        vbs.append((decode_oid(o), tag, val))
    big = lambda b: int.from_bytes(b, 'big', signed=True)
    return big(rid), big(st), big(ix), vbs


def oid_tuple(o):
    return tuple(int(x) for x in o.strip('.').split('.'))


def wait_accept(sock_path, deadline):
    """Poll a connect() to the master's AgentX socket every 5 ms: the time it is accepted."""
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(sock_path)
            return time.monotonic()
        except OSError:
            pass
        finally:
            s.close()
        if time.monotonic() > deadline:
            print('the master does not accept AgentX connections on %s' % sock_path, file=sys.stderr)
            return None
        time.sleep(0.005)


def walk_rows(u, addr, community, column, reqid, need):
    """Rows of a column read with GETBULKs (50 a request), or None on a timeout or an error.
    The walk stops once it holds `need` rows: a table that grows while it is walked (the event
    history under churn appends faster than a slow build is walked) is complete when it holds
    what it held before, not when the walk catches up with its end.
    The first request waits 20 ms (snmpd answers UDP a little after it accepts AgentX: no long
    waits meanwhile); once snmpd has answered, the rest of the walk waits up to 1 s a request, so
    that a slow answer (a sanitizer build under load) counts as its time, not as a failed walk
    begun again from the start."""
    col = oid_tuple(column)
    start, rows = column, 0
    u.settimeout(0.02)
    while True:
        reqid += 1
        u.sendto(message(community, 0xa5, reqid, [(start, b'\x05\x00')], 0, 50), addr)
        try:
            while True:
                r = decode_response(u.recv(65535))
                if r[0] == reqid:
                    break
        except (OSError, IndexError, ValueError):
            return None
        u.settimeout(1.0)
        if r[1] != 0 or not r[3]:
            return None
        for o, tag in r[3]:
            if o[:len(col)] != col or tag == 0x82:
                return rows
            if tag not in (0x80, 0x81):
                rows += 1
        if rows >= need:
            return rows
        start = '.'.join(map(str, r[3][-1][0]))


def tables_time(args):
    sock_path, agent, community = args[:3]
    rest = args[3:]
    timeout, launched = 30.0, None
    while rest[:1] in (['--timeout'], ['--launched']):
        if rest[0] == '--timeout':
            timeout = float(rest[1])
        else:
            launched = float(rest[1]) / 1000
        rest = rest[2:]
    tables = [spec.split('=') for spec in rest]
    host, port = agent.rsplit(':', 1)
    deadline = time.monotonic() + timeout
    t_accept = wait_accept(sock_path, deadline)
    if t_accept is None:
        return 1
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    done, reqid = {}, 1
    while len(done) < len(tables) and time.monotonic() < deadline:
        for name, column, minrows in tables:
            if name in done:
                continue
            reqid += 1000
            rows = walk_rows(u, (host, int(port)), community, column, reqid, int(minrows))
            if rows is not None and rows >= int(minrows):
                done[name] = (time.monotonic(), time.time())
        time.sleep(0.005)
    print(' '.join('%s=%s' % (name, round((done[name][0] - t_accept) * 1000) if name in done else 'never')
                   for name, _, _ in tables))
    if launched is not None:
        print('launch ' + ' '.join('%s=%s' % (name, round((done[name][1] - launched) * 1000) if name in done
                                              else 'never') for name, _, _ in tables))
    return 0 if len(done) == len(tables) else 1


# ------------------------------------------------------------------ a receiver of finite speed

def relay(args):
    port, to, rate = int(args[0]), int(args[1]), float(args[2])
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 212992 // 2)  # the kernel doubles it
    r.bind(('127.0.0.1', port))
    w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    while True:
        data = r.recv(65535)
        w.sendto(data, ('127.0.0.1', to))
        time.sleep(1.0 / rate)


# ------------------------------------------------------------------ accounting

def ranges(nums):
    return trap_log.fmt_ranges(nums, 30)


def history_kinds(path):
    """cimRouteEventKind's walk (snmpbulkwalk -On): {sequence: kind}."""
    kinds = {}
    for line in open(path):
        oid, _, val = line.partition(' = ')
        if oid.startswith(HISTORY_KIND) and ':' in val:
            kinds[int(oid[len(HISTORY_KIND):])] = int(val.split(':')[1])
    return kinds


def account(args):
    path, first, last = args[0], int(args[1]), int(args[2])
    history = history_kinds(args[args.index('--history') + 1]) if '--history' in args else None
    alone, per_s, kind_of = {}, {}, {}
    summaries = []
    with open(path, errors='replace') as fh:
        for line in fh:
            f = line.rstrip('\n').split('|')
            if len(f) < 3:
                continue
            vbs = dict(v.split(' ', 1) for v in f[1:] if ' ' in v)
            trap = vbs.get(TRAPOID, '').strip()
            try:
                if trap in (TRAP_CHANGE, TRAP_CHANGE6):
                    q = int(vbs[NOTIFY + '1.0'])
                    alone[q] = alone.get(q, 0) + 1
                    if NOTIFY + '3.0' in vbs:
                        kind_of[q] = int(vbs[NOTIFY + '3.0'])
                    sec = f[0].strip()
                    per_s[sec] = per_s.get(sec, 0) + 1
                elif trap == TRAP_SUMMARY:
                    summaries.append((int(vbs[NOTIFY + '14.0']), int(vbs[NOTIFY + '15.0'])))
            except (KeyError, ValueError):
                print('# cannot read: %s' % line.strip()[:200], file=sys.stderr)
    covered = set(alone)
    for a, b in summaries:
        covered.update(range(a, b + 1))
    missing = [q for q in range(first, last + 1) if q not in covered]
    dups = sum(c - 1 for c in alone.values())
    print('missing %d individual %d summaries %d duplicates %d max_per_s %d' % (
        len(missing), len(alone), len(summaries), dups, max(per_s.values(), default=0)))
    if missing:
        print('missing: ' + ranges(missing))
    if history is None:
        return 1 if missing else 0
    # the history's rows: contiguous up to LAST, each received, of the kind received
    seqs = sorted(history)
    holes = [q for q in range(seqs[0], last + 1) if q not in history] if seqs else []
    unseen = [q for q in seqs if q not in covered]
    differ = [q for q in seqs if q in kind_of and kind_of[q] != history[q]]
    print('history %d rows %s, not received %d, kind differs %d, holes %d' % (
        len(seqs), '%d-%d' % (seqs[0], seqs[-1]) if seqs else 'none', len(unseen), len(differ), len(holes)))
    for what, nums in (('not received', unseen), ('kind differs', differ), ('holes', holes)):
        if nums:
            print('history %s: %s' % (what, ranges(nums)))
    return 1 if missing or unseen or differ or holes or not seqs or seqs[-1] != last else 0


def main():
    if len(sys.argv) >= 6 and sys.argv[1] == 'tables-time':
        return tables_time(sys.argv[2:])
    if len(sys.argv) == 5 and sys.argv[1] == 'relay':
        return relay(sys.argv[2:])
    if len(sys.argv) in (5, 7) and sys.argv[1] == 'account':
        return account(sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
