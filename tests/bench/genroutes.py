#!/usr/bin/env python3
"""Generate N distinct IPv4 (or IPv6) prefixes with an Internet-like length mix.

    genroutes.py [-6] N SEED GATEWAY DEV BATCHFILE PREFIXFILE

BATCHFILE gets one `route add P via GATEWAY dev DEV proto bgp metric 20` line
per prefix (for `ip -batch`, or `ip -6 -batch` with -6), PREFIXFILE one
`A.B.C.D LEN` line per prefix (with -6: the 16 bytes of the address, dotted
decimal as in an OID index, then LEN).

The mix follows the public IPv4 BGP table (roughly 60% /24, 10% /23, 13% /22,
then /21../8); prefixes overlap as real ones do, but no two are equal.
Destinations are drawn from 1.0.0.0-223.255.255.255 without 10/8, 100/8
(kept free for the change-latency test, 100.64.0.0/16) and 127/8.

With -6 the mix follows the public IPv6 BGP table (about half /48, then /32,
/44, /40, /36, /29, /46, /47 ..., a few /56 and /64); destinations are drawn
from 2000::/3 without 2001:db8::/32 (kept free for the change-latency test).
"""
import random
import sys

MIX = [  # (prefix length, weight)
    (24, 600), (23, 100), (22, 130), (21, 45), (20, 45), (19, 25), (18, 12),
    (17, 7), (16, 13), (15, 2), (14, 2), (13, 1), (12, 1), (11, 1), (10, 1),
    (9, 1), (8, 1),
]
EXCLUDED_FIRST = {0, 10, 100, 127}
MIX6 = [  # (prefix length, weight): roughly the shares of the IPv6 BGP table
    (48, 480), (32, 125), (44, 75), (40, 55), (36, 30), (29, 30), (46, 35),
    (47, 25), (45, 15), (42, 15), (43, 10), (41, 8), (38, 10), (39, 8),
    (33, 12), (34, 10), (35, 8), (31, 5), (30, 5), (28, 8), (37, 5),
    (56, 12), (64, 8), (27, 2), (26, 1), (24, 2), (20, 1),
]
DOC6 = 0x20010DB8  # 2001:db8::/32, the first 32 bits


def draw(n, rnd, mix, bits, pick):
    """N distinct (address, length) pairs: lengths drawn by the weights of MIX,
    addresses by pick(rnd) (None: excluded, draw again), masked to the length."""
    lengths = [l for l, _ in mix]
    weights = [w for _, w in mix]
    full = (1 << bits) - 1
    seen = set()
    out = []
    # draw lengths in blocks: random.choices is much faster than one by one
    while len(out) < n:
        for ln in rnd.choices(lengths, weights, k=max(1024, n - len(out))):
            if len(out) >= n:
                break
            addr = pick(rnd)
            if addr is None:
                continue
            addr &= (full << (bits - ln)) & full
            key = (addr << 8) | ln
            if key in seen:
                continue  # short lengths run out of space: draw again
            seen.add(key)
            out.append((addr, ln))
    return out


def pick4(rnd, firsts=[a for a in range(1, 224) if a not in EXCLUDED_FIRST]):
    return (rnd.choice(firsts) << 24) | rnd.getrandbits(24)


def pick6(rnd):
    addr = (1 << 125) | rnd.getrandbits(125)  # 2000::/3
    return None if addr >> 96 == DOC6 else addr


def write4(out, gw, dev, b, p):
    for addr, ln in out:
        a = "%d.%d.%d.%d" % (addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255, addr & 255)
        b.write("route add %s/%d via %s dev %s proto bgp metric 20\n" % (a, ln, gw, dev))
        p.write("%s %d\n" % (a, ln))


def write6(out, gw, dev, b, p):
    for addr, ln in out:
        by = addr.to_bytes(16, "big")
        words = ["%x" % ((by[i] << 8) | by[i + 1]) for i in range(0, 16, 2)]
        # the prefix is at most /64: the last four words are zero
        b.write("route add %s::/%d via %s dev %s proto bgp metric 20\n"
                % (":".join(words[:4]), ln, gw, dev))
        p.write("%s %d\n" % (".".join(str(x) for x in by), ln))


def main():
    args = sys.argv[1:]
    six = args[:1] == ["-6"]
    if six:
        args = args[1:]
    if len(args) != 6:
        sys.exit(__doc__)
    n = int(args[0])
    rnd = random.Random(int(args[1]))
    gw, dev, batch, pfx = args[2:6]
    if six:
        out, write = draw(n, rnd, MIX6, 128, pick6), write6
    else:
        out, write = draw(n, rnd, MIX, 32, pick4), write4
    with open(batch, "w") as b, open(pfx, "w") as p:
        write(out, gw, dev, b, p)


if __name__ == "__main__":
    main()
