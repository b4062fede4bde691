#!/usr/bin/env python3
"""icmp_forge.py - the ping tests' ICMP responder and forger, and their pcap reader.

Only the standard library (raw AF_PACKET sockets and struct): scapy would take seconds to
import on a loaded machine, and the python3 first on PATH need not be the one with
python3-scapy.

  icmp_forge.py serve --iface IF --addr ADDR [--addr ADDR...] --actions PLAN --log FILE
                      [--max N] [--duration S]
      Run inside a peer namespace whose kernel does not answer echo requests to ADDR (the
      test drops them with nft in its input hook, or sets icmp_echo_ignore_all): every echo
      request (IPv4 or IPv6) to one of the ADDRs seen on IF is answered as PLAN says. PLAN is
      a ';'-separated cycle, one element per request (request 1 the first, ...), each a
      ','-separated list of ACTION[@MS] (sent MS milliseconds after the request):
        reply          the echo reply
        corrupt        an echo reply whose data differs from the request's (one octet flipped)
        short          an echo reply cut to 4 octets of ICMP header
        badsum         the echo reply with a wrong ICMP checksum
        wrongid        the echo reply with another identifier
        wrongseq       the echo reply with a sequence number never sent (seq + 0x8000)
        error:T:C[:X]  an ICMP (or ICMPv6, by the request's family) error of type T code C
                       quoting the request; X: the pointer (parameter problem), the MTU
                       (IPv4 frag needed, ICMPv6 packet too big)
        forged:T:C     the same error quoting a request never sent (seq + 0x8000)
        forgedid:T:C   the same error quoting the request with another identifier
        none           nothing
      Bounded: stops after --max requests (default 100) plus their delayed actions, or after
      --duration seconds (default 30). The log has one line per request ("req" and the packet
      as `dump` prints it) and one per packet sent ("sent ACTION[@MS] t=TIME").
      Prints "ready" on stdout once it listens.

  icmp_forge.py dump FILE.pcap [--after N] [--from-byte OFFSET]
      One line per IPv4/IPv6 packet of a tcpdump -w file (Ethernet, Linux cooked v1/v2 or raw
      IP), numbered from 1 (only those after the Nth with --after, or whose record starts at
      OFFSET or later: the file's size before a case), with fragments reassembled:
      "N t=EPOCH v4|v6 SRC>DST ttl= tos= df= frag=OFF/MF id= iplen= opts=HEX [rr=A,B ts=A@MS,..
      lsrr=.. ssrr=..] icmp=TYPE/CODE [id= seq= data=LEN] [in=SRC>DST in_id= in_seq=]". A
      reassembled datagram is printed when its last fragment is read, with frags=N.
  icmp_forge.py count FILE.pcap
      The number of records in the file (the next mark for --after).
  icmp_forge.py truth FILE.pcap [--after N] [--from-byte OFFSET] --dst ADDR
      What the wire says of each echo request to ADDR (after the Nth record), one line each:
      "seq= id= src= ttl= tos= df= data= iplen= frags= [rr=.. ts=.. lsrr=.. ssrr=..] status=S
      [from=ADDR rttl=TTL rdata=LEN rrr=.. rts=..]": S is the CimPingStatus the answer maps to
      by the table of cimPingStatusCode's DESCRIPTION (an echo reply 0, an ICMP error its
      code, no answer 11010); from, rttl: the answer's source and TTL; rdata, rrr, rts: the
      reply's data length, recorded route and timestamps.
  icmp_forge.py errno ADDR [--df] [--size N] [--src ADDR] [--ifindex N]
      Send one echo request from a raw socket and print the errno name of the send (OK when
      it left) and the status the MIB maps it to: "EMSGSIZE 11009".
"""
import argparse
import heapq
import ipaddress
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


# ------------------------------------------------------------------ parsing

def parse_ip4_opts(opts):
    """Decoded record route, timestamp and source route options (dict of text)."""
    out = {}
    i = 0
    while i < len(opts):
        t = opts[i]
        if t == 0:
            break
        if t == 1:
            i += 1
            continue
        if i + 1 >= len(opts):
            break
        ln = opts[i + 1]
        if ln < 2 or i + ln > len(opts):
            break
        body = opts[i:i + ln]
        if t in (7, 131, 137):  # RR, LSRR, SSRR: pointer, then addresses
            ptr = body[2]
            addrs = [socket.inet_ntoa(body[j:j + 4]) for j in range(3, min(ptr - 1, ln), 4) if j + 4 <= ln]
            allslots = [socket.inet_ntoa(body[j:j + 4]) for j in range(3, ln - 3, 4)]
            name = {7: "rr", 131: "lsrr", 137: "ssrr"}[t]
            out[name] = ",".join(addrs) if t == 7 else ",".join(allslots)
            out[name + "slots"] = str((ln - 3) // 4)
            out[name + "ptr"] = str(ptr)
        elif t == 68:  # timestamp: pointer, overflow/flags, then (address,) timestamp
            ptr, of = body[2], body[3]
            flg = of & 0xF
            step = 8 if flg in (1, 3) else 4
            items = []
            j = 4
            while j + step <= min(ptr - 1, ln):
                if step == 8:
                    items.append("%s@%d" % (socket.inet_ntoa(body[j:j + 4]), struct.unpack("!I", body[j + 4:j + 8])[0]))
                else:
                    items.append("@%d" % struct.unpack("!I", body[j:j + 4])[0])
                j += step
            out["ts"] = ",".join(items)
            out["tsflags"] = str(flg)
            out["tsoverflow"] = str(of >> 4)
            out["tsslots"] = str((ln - 4) // step)
        i += ln
    return out


def parse_icmp(fam, p, quoted_ok=True):
    """Fields of an ICMP/ICMPv6 message (dict)."""
    f = {}
    if len(p) < 4:
        f["icmp"] = "short"
        return f
    t, c = p[0], p[1]
    f["icmp"] = "%d/%d" % (t, c)
    echo = (8, 0) if fam == 4 else (128, 129)
    if t in echo and len(p) >= 8:
        f["id"], f["seq"] = struct.unpack("!HH", p[4:8])
        f["data"] = len(p) - 8
    elif quoted_ok and len(p) >= 8:
        err_types = (3, 4, 5, 11, 12) if fam == 4 else (1, 2, 3, 4)
        if t in err_types:
            inner = parse_ip(p[8:], quoted=True)
            if inner:
                f["in"] = "%s>%s" % (inner["src"], inner["dst"])
                if "id" in inner:
                    f["in_id"], f["in_seq"] = inner["id"], inner["seq"]
                if "opts" in inner:
                    f["in_opts"] = inner["opts"]
            if fam == 4 and t == 12:
                f["ptr"] = p[4]
            if fam == 6 and t == 4:
                f["ptr"] = struct.unpack("!I", p[4:8])[0]
            if (fam == 4 and t == 3 and c == 4) or (fam == 6 and t == 2):
                f["mtu"] = struct.unpack("!H", p[6:8])[0] if fam == 4 else struct.unpack("!I", p[4:8])[0]
    return f


def parse_ip(b, quoted=False):
    """Fields of an IP packet (dict), None when it is not one. Fragments carry frag info."""
    if len(b) < 1:
        return None
    v = b[0] >> 4
    if v == 4 and len(b) >= 20:
        ihl = (b[0] & 15) * 4
        tos, iplen, ipid, fo, ttl, proto = struct.unpack("!xBHHHBB", b[:10])
        f = {"fam": 4, "src": socket.inet_ntoa(b[12:16]), "dst": socket.inet_ntoa(b[16:20]), "ttl": ttl,
             "tos": tos, "df": (fo >> 14) & 1, "mf": (fo >> 13) & 1, "off": (fo & 0x1FFF) * 8, "ipid": ipid,
             "iplen": iplen, "proto": proto, "hdr": b[:ihl]}
        if ihl > 20:
            f["opts"] = b[20:ihl].hex()
            f.update(parse_ip4_opts(b[20:ihl]))
        f["payload"] = b[ihl:iplen] if not quoted else b[ihl:]
        if proto == 1 and f["off"] == 0 and (quoted or not f["mf"]):
            f.update(parse_icmp(4, f["payload"], not quoted))
        return f
    if v == 6 and len(b) >= 40:
        tc = ((b[0] & 15) << 4) | (b[1] >> 4)
        plen, nh, hl = struct.unpack("!HBB", b[4:8])
        f = {"fam": 6, "src": str(ipaddress.IPv6Address(b[8:24])), "dst": str(ipaddress.IPv6Address(b[24:40])),
             "ttl": hl, "tos": tc, "df": 0, "mf": 0, "off": 0, "ipid": 0, "iplen": 40 + plen, "hdr": b[:40]}
        rest = b[40:40 + plen] if not quoted else b[40:]
        exts = []
        while nh in (0, 43, 44, 60) and len(rest) >= 8:
            if nh == 44:
                fo = struct.unpack("!H", rest[2:4])[0]
                f["off"], f["mf"] = fo & 0xFFF8, fo & 1
                f["ipid"] = struct.unpack("!I", rest[4:8])[0]
                f["fragnh"] = rest[0]
                exts.append("frag")
                nh, rest = rest[0], rest[8:]
                if f["off"] or f["mf"]:
                    f["proto"], f["payload"] = nh, rest
                    if f["off"] == 0 and quoted:
                        f.update(parse_icmp(6, rest, False))
                    return f
                continue
            ln = (rest[1] + 1) * 8
            exts.append({0: "hbh", 43: "rh", 60: "dst"}[nh])
            nh, rest = rest[0], rest[ln:]
        if exts:
            f["ext"] = "+".join(exts)
        f["proto"], f["payload"] = nh, rest
        if nh == 58:
            f.update(parse_icmp(6, rest, not quoted))
        return f
    return None


def describe(n, t, f, extra=""):
    keys = ["ttl", "tos", "df"]
    s = "%d t=%.6f v%d %s>%s" % (n, t, f["fam"], f["src"], f["dst"])
    for k in keys:
        s += " %s=%s" % (k, f[k])
    s += " frag=%d/%d ipid=%d iplen=%d" % (f["off"], f["mf"], f["ipid"], f["iplen"])
    for k in ("ext", "opts", "rr", "rrslots", "ts", "tsflags", "tsslots", "tsoverflow", "lsrr", "ssrr",
              "icmp", "id", "seq", "data", "ptr", "mtu", "in", "in_id", "in_seq", "in_opts"):
        if k in f:
            s += " %s=%s" % (k, f[k])
    return s + extra


# ------------------------------------------------------------------ pcap

def pcap_packets(path):
    """(time, ip bytes) of each record; stops at a truncated one (tcpdump still writing)."""
    with open(path, "rb") as fh:
        data = fh.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise SystemExit("%s: not a pcap file" % path)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", data[20:24])[0]
    i = 24
    while i + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(e + "IIII", data[i:i + 16])
        if i + 16 + incl > len(data):
            return
        rec = data[i + 16:i + 16 + incl]
        start = i
        i += 16 + incl
        t = sec + frac / (1e9 if nano else 1e6)
        if linktype == 1:  # Ethernet (a VLAN tag is not expected here)
            et, ip = struct.unpack("!H", rec[12:14])[0], rec[14:]
        elif linktype == 113:  # Linux cooked v1
            et, ip = struct.unpack("!H", rec[14:16])[0], rec[16:]
        elif linktype == 276:  # Linux cooked v2
            et, ip = struct.unpack("!H", rec[0:2])[0], rec[20:]
        elif linktype in (12, 101, 228, 229):
            et, ip = (ETH_P_IPV6 if rec and rec[0] >> 4 == 6 else ETH_P_IP), rec
        else:
            raise SystemExit("link type %d not handled" % linktype)
        yield t, et, ip, start


class Reassembler:
    """Fragments to datagrams (enough for the tests: in-order or not, no overlaps)."""

    def __init__(self):
        self.q = {}

    def add(self, f):
        if not f["off"] and not f["mf"]:
            return f, 1
        key = (f["fam"], f["src"], f["dst"], f["ipid"])
        q = self.q.setdefault(key, {"parts": {}, "end": None, "first": None})
        q["parts"][f["off"]] = f["payload"]
        if f["off"] == 0:
            q["first"] = f
        if not f["mf"]:
            q["end"] = f["off"] + len(f["payload"])
        if q["first"] is None or q["end"] is None:
            return None, 0
        buf, pos = b"", 0
        for off in sorted(q["parts"]):
            if off != pos:
                return None, 0
            buf += q["parts"][off]
            pos = off + len(q["parts"][off])
        if pos != q["end"]:
            return None, 0
        del self.q[key]
        first = q["first"]
        g = dict(first)
        for k in ("icmp", "id", "seq", "data"):
            g.pop(k, None)
        g["payload"], g["off"], g["mf"] = buf, 0, 0
        hl = len(first["hdr"]) if first["fam"] == 4 else 40
        g["iplen"] = hl + len(buf) + (8 if first["fam"] == 6 else 0)
        proto = first["proto"]
        if proto in (1, 58):
            g.update(parse_icmp(first["fam"], buf))
        return g, len(q["parts"])


def cmd_dump(a):
    r = Reassembler()
    n = 0
    for t, et, ip, off in pcap_packets(a.file):
        n += 1
        if et not in (ETH_P_IP, ETH_P_IPV6):
            continue
        f = parse_ip(ip)
        if not f:
            continue
        g, frags = r.add(f)
        if n <= a.after or off < a.from_byte:
            continue
        if g is None:
            print(describe(n, t, f, " fragment=1"))
            continue
        print(describe(n, t, g, " frags=%d" % frags if frags > 1 else ""))


def cmd_count(a):
    print(sum(1 for _ in pcap_packets(a.file)))


# ------------------------------------------------------------------ the MIB's mapping

# cimPingStatusCode's DESCRIPTION: ICMP (type, code) -> CimPingStatus
V4_UNREACH = {0: 11002, 6: 11002, 9: 11002, 11: 11002, 1: 11003, 7: 11003, 8: 11003, 10: 11003, 12: 11003,
              2: 11004, 13: 11004, 14: 11004, 15: 11004, 3: 11005, 4: 11009, 5: 11012}
V6_UNREACH = {0: 11002, 1: 11004, 5: 11004, 6: 11004, 2: 11045, 3: 11003, 4: 11005}
ERRNO_STATUS = {"ENETUNREACH": 11002, "EHOSTUNREACH": 11003, "EACCES": 11004, "EPERM": 11004,
                "EMSGSIZE": 11009, "ENOBUFS": 11006, "ENOMEM": 11006, "EINVAL": 11012}


def status_of(fam, t, c):
    if fam == 4:
        if t == 0:
            return 0
        if t == 3:
            return V4_UNREACH.get(c, 11050)
        if t == 11:
            return 11014 if c == 1 else 11013
        return {12: 11015, 4: 11016}.get(t, 11050)
    if t == 129:
        return 0
    if t == 1:
        return V6_UNREACH.get(c, 11040)
    if t == 3:
        return 11014 if c == 1 else 11013
    if t == 4:
        return 11043 if c == 1 else 11015
    return {2: 11009}.get(t, 11050)


def cmd_truth(a):
    dst = str(ipaddress.ip_address(a.dst))
    r = Reassembler()
    reqs, order = {}, []
    n = 0
    for _t, et, ip, off in pcap_packets(a.file):
        n += 1
        if et not in (ETH_P_IP, ETH_P_IPV6):
            continue
        f = parse_ip(ip)
        if not f:
            continue
        g, frags = r.add(f)
        if g is None or n <= a.after or off < a.from_byte or "icmp" not in g:
            continue
        t, c = (int(x) for x in g["icmp"].split("/")) if g["icmp"] != "short" else (-1, -1)
        if t in (8, 128) and c == 0 and g["dst"] == dst and "id" in g:
            key = (g["id"], g["seq"])
            if key not in reqs:
                order.append(key)
                reqs[key] = {"req": g, "frags": frags, "ans": None}
            continue
        if t in (0, 129) and g["src"] == dst and "id" in g:
            key = (g["id"], g["seq"])
        elif "in_id" in g and g.get("in", "").endswith(">" + dst):
            key = (g["in_id"], g["in_seq"])
        else:
            continue
        if key in reqs and reqs[key]["ans"] is None:
            reqs[key]["ans"] = g
    for key in order:
        q, g = reqs[key]["ans"], reqs[key]["req"]
        s = "seq=%d id=%d src=%s ttl=%d tos=%d df=%d data=%d iplen=%d frags=%d" % (
            g["seq"], g["id"], g["src"], g["ttl"], g["tos"], g["df"], g.get("data", -1), g["iplen"],
            reqs[key]["frags"])
        for k in ("opts", "rr", "rrslots", "ts", "tsslots", "tsflags", "lsrr", "ssrr"):
            if k in g:
                s += " %s=%s" % (k, g[k])
        if q is None:
            s += " status=11010"
        else:
            t, c = (int(x) for x in q["icmp"].split("/"))
            s += " status=%d from=%s rttl=%d answer=%s" % (status_of(g["fam"], t, c), q["src"], q["ttl"], q["icmp"])
            if t in (0, 129):
                s += " rdata=%d" % q.get("data", -1)
                for k in ("rr", "ts"):
                    if k in q:
                        s += " r%s=%s" % (k, q[k])
        print(s)


def cmd_errno(a):
    import errno as E
    fam = 6 if ":" in a.addr else 4
    if fam == 4:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        if a.df:
            s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER, IP_PMTUDISC_DO
        m = icmp_msg(4, "", "", 8, 0, struct.pack("!HH", 0x7777, 1), b"\0" * a.size)
    else:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        if a.df:
            s.setsockopt(socket.IPPROTO_IPV6, 62, 1)  # IPV6_DONTFRAG
        m = struct.pack("!BBHHH", 128, 0, 0, 0x7777, 1) + b"\0" * a.size  # the kernel sums ICMPv6
    anc = []
    if a.src or a.ifindex:
        if fam == 4:
            src = socket.inet_aton(a.src or "0.0.0.0")
            anc = [(socket.IPPROTO_IP, 8, struct.pack("=i4s4s", a.ifindex, src, b"\0" * 4))]  # IP_PKTINFO
        else:
            src = ipaddress.IPv6Address(a.src or "::").packed
            anc = [(socket.IPPROTO_IPV6, 50, src + struct.pack("=i", a.ifindex))]  # IPV6_PKTINFO
    try:
        s.sendmsg([m], anc, 0, (a.addr, 0))
        name = "OK"
    except OSError as e:
        name = E.errorcode.get(e.errno, str(e.errno))
    print(name, ERRNO_STATUS.get(name, 0 if name == "OK" else 11050))


# ------------------------------------------------------------------ building

def ip4(src, dst, proto, payload, ttl=64, tos=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), os.getpid() & 0xFFFF, 0, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ip6(src, dst, nh, payload, hl=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hl, ipaddress.IPv6Address(src).packed,
                       ipaddress.IPv6Address(dst).packed) + payload


def icmp_msg(fam, src, dst, t, c, rest4, body, bad=False):
    m = struct.pack("!BBH", t, c, 0) + rest4 + body
    if fam == 4:
        s = csum(m)
    else:
        pseudo = ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed + \
            struct.pack("!I3xB", len(m), 58)
        s = csum(pseudo + m)
    if bad:
        s ^= 0x5A5A
    return m[:2] + struct.pack("!H", s) + m[4:]


def wrap(fam, src, dst, icmp):
    return ip4(src, dst, 1, icmp) if fam == 4 else ip6(src, dst, 58, icmp)


def requote(f, ident=None, seq=None):
    """The request's packet as an error quotes it, with another identifier or sequence number."""
    hdr = bytearray(f["hdr"])
    pl = bytearray(f["payload"])
    if ident is not None:
        pl[4:6] = struct.pack("!H", ident)
    if seq is not None:
        pl[6:8] = struct.pack("!H", seq)
    if ident is not None or seq is not None:  # keep the quoted checksum right
        pl[2:4] = b"\0\0"
        if f["fam"] == 4:
            pl[2:4] = struct.pack("!H", csum(bytes(pl)))
        else:
            pseudo = ipaddress.IPv6Address(f["src"]).packed + ipaddress.IPv6Address(f["dst"]).packed + \
                struct.pack("!I3xB", len(pl), 58)
            pl[2:4] = struct.pack("!H", csum(pseudo + bytes(pl)))
    return bytes(hdr) + bytes(pl)


def build(action, f):
    """The IP packet ACTION answers request F with (None: nothing)."""
    fam, me, peer = f["fam"], f["dst"], f["src"]
    ident, seq, data = f["id"], f["seq"], f["payload"][8:]
    rt = 0 if fam == 4 else 129
    parts = action.split(":")
    kind = parts[0]
    if kind == "none":
        return None
    if kind in ("reply", "corrupt", "badsum", "wrongid", "wrongseq", "short"):
        i, s, d = ident, seq, data
        if kind == "corrupt":
            if d:
                d = bytearray(d)
                d[len(d) // 2] ^= 0xFF
                d = bytes(d)
            else:
                d = b"\xff"
        if kind == "wrongid":
            i = ident ^ 0x5A5A
        if kind == "wrongseq":
            s = (seq + 0x8000) & 0xFFFF
        m = icmp_msg(fam, me, peer, rt, 0, struct.pack("!HH", i, s), d, bad=(kind == "badsum"))
        if kind == "short":
            m = m[:4]
        return wrap(fam, me, peer, m)
    if kind in ("error", "forged", "forgedid"):
        t, c = int(parts[1]), int(parts[2])
        x = int(parts[3]) if len(parts) > 3 else 0
        if kind == "forged":
            quoted = requote(f, seq=(seq + 0x8000) & 0xFFFF)
        elif kind == "forgedid":
            quoted = requote(f, ident=ident ^ 0x5A5A)
        else:
            quoted = requote(f)
        if fam == 4:
            quoted = quoted[:len(f["hdr"]) + 8 + 64]
            if t == 12:
                rest = struct.pack("!B3x", x)
            elif t == 3 and c == 4:
                rest = struct.pack("!2xH", x or 576)
            else:
                rest = b"\0" * 4
        else:
            quoted = quoted[:1280 - 48]
            rest = struct.pack("!I", x if t in (2, 4) else 0)
            if t == 2 and not x:
                rest = struct.pack("!I", 1280)
        return wrap(fam, me, peer, icmp_msg(fam, me, peer, t, c, rest, quoted))
    raise SystemExit("unknown action %r" % action)


def parse_plan(plan):
    cycle = []
    for elem in plan.split(";"):
        acts = []
        for a in elem.split(","):
            a = a.strip()
            if not a:
                continue
            ms = 0
            if "@" in a:
                a, m = a.split("@", 1)
                ms = int(m)
            build_check = a.split(":")[0]
            if build_check not in ("reply", "corrupt", "short", "badsum", "wrongid", "wrongseq", "error",
                                   "forged", "forgedid", "none"):
                raise SystemExit("unknown action %r" % a)
            acts.append((ms, a, "%s@%d" % (a, ms) if ms else a))
        cycle.append(acts)
    return cycle


def cmd_serve(a):
    addrs = {str(ipaddress.ip_address(x)) for x in a.addr}
    cycle = parse_plan(a.actions)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
    s.bind((a.iface, 0))
    log = open(a.log, "a", buffering=1)
    end = time.time() + a.duration
    pending = []  # heap of (due, n, action, packet, ethertype, mac)
    nreq = 0
    n = 0
    print("ready", flush=True)
    while time.time() < end:
        if nreq >= a.max and not pending:
            break
        now = time.time()
        while pending and pending[0][0] <= now:
            _due, _k, act, pkt, et, mac = heapq.heappop(pending)
            s.sendto(pkt, (a.iface, et, 0, 0, mac))
            log.write("sent %s t=%.6f\n" % (act, time.time()))
        wait = min(end, pending[0][0] if pending else end) - time.time()
        r, _, _ = select.select([s], [], [], max(0.0, min(wait, 0.5)))
        if not r:
            continue
        buf, sa = s.recvfrom(70000)
        t = time.time()
        if sa[2] == PACKET_OUTGOING or sa[1] not in (ETH_P_IP, ETH_P_IPV6):
            continue
        f = parse_ip(buf)
        if not f or f["dst"] not in addrs or f["off"] or f["mf"]:
            continue
        if f.get("icmp") not in ("8/0", "128/0") or "id" not in f:
            continue
        if nreq >= a.max:
            continue
        n += 1
        log.write("req " + describe(n, t, f) + "\n")
        acts = cycle[nreq % len(cycle)]
        nreq += 1
        for ms, act, text in acts:
            pkt = build(act, f)
            if pkt is None:
                log.write("sent none t=%.6f\n" % t)
                continue
            n += 1
            heapq.heappush(pending, (t + ms / 1000.0, n, text, pkt, sa[1], sa[4]))
    log.write("end requests=%d\n" % nreq)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sv = sub.add_parser("serve")
    sv.add_argument("--iface", required=True)
    sv.add_argument("--addr", action="append", required=True)
    sv.add_argument("--actions", default="reply")
    sv.add_argument("--log", required=True)
    sv.add_argument("--max", type=int, default=100)
    sv.add_argument("--duration", type=float, default=30)
    dp = sub.add_parser("dump")
    dp.add_argument("file")
    dp.add_argument("--after", type=int, default=0)
    dp.add_argument("--from-byte", type=int, default=0)
    ct = sub.add_parser("count")
    ct.add_argument("file")
    tr = sub.add_parser("truth")
    tr.add_argument("file")
    tr.add_argument("--after", type=int, default=0)
    tr.add_argument("--from-byte", type=int, default=0)
    tr.add_argument("--dst", required=True)
    en = sub.add_parser("errno")
    en.add_argument("addr")
    en.add_argument("--df", action="store_true")
    en.add_argument("--size", type=int, default=32)
    en.add_argument("--src")
    en.add_argument("--ifindex", type=int, default=0)
    a = ap.parse_args()
    {"serve": cmd_serve, "dump": cmd_dump, "count": cmd_count, "truth": cmd_truth, "errno": cmd_errno}[a.cmd](a)


if __name__ == "__main__":
    main()
