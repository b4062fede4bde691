#!/usr/bin/env python3
"""wire_log.py - when notifications leave the master, seen on the wire.

notify.sh times notifications at its receiver, whose handler is a shell that snmptrapd forks
and waits for, one notification at a time; on a loaded machine that handler, not cimrouted or
snmpd, sets the pace (and informs waiting for it are sent again). This sniffer records when
each UDP datagram to the trap ports was sent, so that the test can report both.

  wire_log.py record LOGFILE PORT...   (in the test namespace, until SIGTERM) writes one line
      "NANOSECONDS PORT" per datagram sent over lo to one of the PORTs (IPv4 or IPv6)
  wire_log.py last LOGFILE T0_MS PORT  prints "COUNT LAST_MS": the datagrams to PORT sent at
      or after T0_MS (epoch milliseconds) and the time from T0_MS to the last of them
  wire_log.py latency LOGFILE T0FILE PORT  T0FILE has lines "SEQ T0_NS": for each, the first
      datagram to PORT at or after T0_NS; prints "n=N median=X ms max=Y ms"
"""
import signal
import socket
import statistics
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def udp_dport(pkt):
    """The destination port of a UDP datagram in an IPv4 or IPv6 packet, or None."""
    if not pkt:
        return None
    version = pkt[0] >> 4
    if version == 4 and len(pkt) >= 20 and pkt[9] == 17:
        ihl = (pkt[0] & 0x0F) * 4
        off = ihl
    elif version == 6 and len(pkt) >= 48 and pkt[6] == 17:
        off = 40
    else:
        return None
    if len(pkt) < off + 4:
        return None
    return int.from_bytes(pkt[off + 2:off + 4], 'big')


def record(path, ports):
    want = set(ports)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(('lo', 0))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(path, 'a', buffering=1) as out:
        while True:
            pkt, addr = s.recvfrom(65535)
            if addr[2] != PACKET_OUTGOING:  # lo shows each packet leaving and arriving
                continue
            port = udp_dport(pkt)
            if port in want:
                out.write('%d %d\n' % (time.time_ns(), port))


def read_log(path, port):
    out = []
    with open(path) as fh:
        for line in fh:
            f = line.split()
            if len(f) == 2 and int(f[1]) == port:
                out.append(int(f[0]))
    return out


def last(path, t0_ms, port):
    t0 = t0_ms * 1000000
    times = [t for t in read_log(path, port) if t >= t0]
    print('%d %d' % (len(times), (max(times) - t0) // 1000000 if times else -1))


def latency(path, t0file, port):
    times = sorted(read_log(path, port))
    lat = []
    with open(t0file) as fh:
        for line in fh:
            t0 = int(line.split()[1])
            after = [t for t in times if t >= t0]
            if after:
                lat.append((after[0] - t0) / 1e6)
    if not lat:
        print('n=0')
        return 1
    print('n=%d median=%.1f ms max=%.1f ms' % (len(lat), statistics.median(lat), max(lat)))
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == 'record':
        record(argv[2], [int(p) for p in argv[3:]])
    elif len(argv) == 5 and argv[1] == 'last':
        last(argv[2], int(argv[3]), int(argv[4]))
    elif len(argv) == 5 and argv[1] == 'latency':
        return latency(argv[2], argv[3], int(argv[4]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
