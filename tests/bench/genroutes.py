#!/usr/bin/env python3
"""Generate N distinct IPv4 prefixes with an Internet-like length mix.

    genroutes.py N SEED GATEWAY DEV BATCHFILE PREFIXFILE

BATCHFILE gets one `route add P via GATEWAY dev DEV proto bgp metric 20` line
per prefix (for `ip -batch`), PREFIXFILE one `A.B.C.D LEN` line per prefix.

The mix follows the public IPv4 BGP table (roughly 60% /24, 10% /23, 13% /22,
then /21../8); prefixes overlap as real ones do, but no two are equal.
Destinations are drawn from 1.0.0.0-223.255.255.255 without 10/8, 100/8
(kept free for the change-latency test, 100.64.0.0/16) and 127/8.
"""
import random
import sys

MIX = [  # (prefix length, weight)
    (24, 600), (23, 100), (22, 130), (21, 45), (20, 45), (19, 25), (18, 12),
    (17, 7), (16, 13), (15, 2), (14, 2), (13, 1), (12, 1), (11, 1), (10, 1),
    (9, 1), (8, 1),
]
EXCLUDED_FIRST = {0, 10, 100, 127}


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    rnd = random.Random(int(sys.argv[2]))
    gw, dev, batch, pfx = sys.argv[3:7]
    lengths = [l for l, _ in MIX]
    weights = [w for _, w in MIX]
    firsts = [a for a in range(1, 224) if a not in EXCLUDED_FIRST]
    seen = set()
    out = []
    # draw lengths in blocks: random.choices is much faster than one by one
    while len(out) < n:
        for ln in rnd.choices(lengths, weights, k=max(1024, n - len(out))):
            if len(out) >= n:
                break
            first = rnd.choice(firsts)
            addr = (first << 24) | rnd.getrandbits(24)
            addr &= (0xFFFFFFFF << (32 - ln)) & 0xFFFFFFFF
            key = (addr << 6) | ln
            if key in seen:
                continue  # short lengths run out of space: draw again
            seen.add(key)
            out.append((addr, ln))
    with open(batch, "w") as b, open(pfx, "w") as p:
        for addr, ln in out:
            a = "%d.%d.%d.%d" % (addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255, addr & 255)
            b.write("route add %s/%d via %s dev %s proto bgp metric 20\n" % (a, ln, gw, dev))
            p.write("%s %d\n" % (a, ln))


if __name__ == "__main__":
    main()
