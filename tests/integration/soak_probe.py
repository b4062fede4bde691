#!/usr/bin/env python3
"""soak_probe.py - the measuring end of master_soak.sh (python3 standard library only).

Sub-commands:
  serve-time SOCK HOST:PORT COMMUNITY OID [--timeout S]
      Poll a connect() to the master's AgentX Unix socket SOCK every 5 ms until it is
      accepted, then an SNMPv2c GET of OID on HOST:PORT every 10 ms until it answers with a
      value (not noSuchObject/noSuchInstance, no timeout). Prints the milliseconds between
      the two (the time to serve again after a restart of the master), then the milliseconds
      since snmpd first answered that GET at all (noSuchObject included); exit status 1 when
      either does not happen within the timeout (default 30 s).
  relay PORT TO_PORT RATE
      A receiver of finite speed in front of snmptrapd: listen on 127.0.0.1:PORT with a socket
      buffer of 212992 bytes (Linux's usual default), pass each datagram on to
      127.0.0.1:TO_PORT, and take 1/RATE s for each, as a receiver that hands every
      notification to a program would. A burst larger than the buffer holds is partly
      dropped by the kernel (RcvbufErrors).
  account LOG FIRST LAST
      LOG: snmptrapd's log written with `format2 %V|%t|%v\\n` and -On -Oq (one line per
      notification: receive time, then `OID value` varbinds). Accounts for every sequence
      number of FIRST..LAST: reported alone (cimIP4RouteChange, cimIP6RouteChange) or inside a
      cimIP4RouteChangeSummary's FirstSequence..LastSequence. Prints one line
      `missing N individual N summaries N duplicates N max_per_s N` and the missing
      numbers (as ranges) when there are some; exit status 1 when a number is missing.
"""

import os
import socket
import sys
import time

ROOT = '.1.3.6.1.4.1.32473.1'
TRAP_CHANGE = ROOT + '.0.1'
TRAP_SUMMARY = ROOT + '.0.2'
TRAP_CHANGE6 = ROOT + '.0.4'  # cimIP6RouteChange: numbered in the same sequence
NOTIFY = ROOT + '.1.4.10.'
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


def get_request(community, oid, reqid):
    vb = tlv(0x30, tlv(0x30, ber_oid(oid) + b'\x05\x00'))
    pdu = tlv(0xa0, ber_int(reqid) + ber_int(0) + ber_int(0) + vb)
    return tlv(0x30, ber_int(1) + tlv(0x04, community.encode()) + pdu)


def answers(resp, oid):
    """The response carries a value for oid (not an exception or an error)."""
    enc = ber_oid(oid)
    at = resp.find(enc)
    return at >= 0 and at + len(enc) < len(resp) and resp[at + len(enc)] not in (0x80, 0x81, 0x82)


def serve_time(args):
    sock_path, agent, community, oid = args[:4]
    timeout = float(args[args.index('--timeout') + 1]) if '--timeout' in args else 30.0
    host, port = agent.rsplit(':', 1)
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(sock_path)
            t_accept = time.monotonic()
            break
        except OSError:
            pass
        finally:
            s.close()
        if time.monotonic() > deadline:
            print('the master does not accept AgentX connections on %s' % sock_path, file=sys.stderr)
            return 1
        time.sleep(0.005)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(0.01)
    reqid = 1
    t_answer = None
    while True:
        reqid += 1
        try:
            u.sendto(get_request(community, oid, reqid), (host, int(port)))
            end = time.monotonic() + 0.01
            while time.monotonic() < end:
                resp = u.recv(65535)
                now = time.monotonic()
                if t_answer is None:
                    t_answer = now
                if ber_int(reqid) in resp and answers(resp, oid):
                    print('%d %d' % (round((now - t_accept) * 1000), round((now - t_answer) * 1000)))
                    return 0
        except OSError:
            pass
        if time.monotonic() > deadline:
            print('%s not served within %.0f s of the master accepting connections' % (oid, timeout),
                  file=sys.stderr)
            return 1


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
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else '%d-%d' % (nums[i], nums[j]))
        i = j + 1
    return ' '.join(out[:30]) + (' ...' if len(out) > 30 else '')


def account(args):
    path, first, last = args[0], int(args[1]), int(args[2])
    alone, per_s = {}, {}
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
    return 1 if missing else 0


def main():
    if len(sys.argv) >= 6 and sys.argv[1] == 'serve-time':
        return serve_time(sys.argv[2:])
    if len(sys.argv) == 5 and sys.argv[1] == 'relay':
        return relay(sys.argv[2:])
    if len(sys.argv) == 5 and sys.argv[1] == 'account':
        return account(sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
