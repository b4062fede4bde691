#!/usr/bin/env python3
"""adapter_rows.py - compare a walk of cimNetworkAdapter with the kernel (adapters.sh).

Run inside the test's namespace (its /sys is the namespace's):
    adapter_rows.py WALK_FILE [--old NAME,NAME...] [--down-alias-late]
WALK_FILE is `snmpbulkwalk -On -Ox` of .1.3.6.1.4.1.32473.1.1.5. The expected rows come
from `ip -j -d link`, sysfs (/sys/class/net/IF) and `ethtool IF` when it is installed; every
column of cimNetAdapterTable, both array tables and cimNetAdapterCount are compared. Links
named by --old existed when cimrouted started: no InstallDate. With --down-alias-late the
NetConnectionID of a link that is down is not compared (README: the kernel announces an alias
change only on a link that is up; another program's shows when the link next changes).
Prints one line per difference and exits 1 when there is one.
"""
import json
import os
import re
import shutil
import subprocess
import sys

ARC = ".1.3.6.1.4.1.32473.1.1.5"


def parse_walk(path):
    vals = {}
    cur = None
    for line in open(path, encoding="latin-1"):
        line = line.rstrip("\n")
        if line.startswith("."):
            oid, _, rest = line.partition(" = ")
            cur = oid
            vals[cur] = rest
        elif cur is not None:
            vals[cur] += " " + line
    out = {}
    for oid, rest in vals.items():
        typ, _, v = rest.partition(": ")
        v = v.strip()
        if typ == "Hex-STRING":
            out[oid] = bytes.fromhex(v)
        elif typ == "STRING":
            out[oid] = v.strip('"').encode("latin-1")
        elif rest.strip() == '""':
            out[oid] = b""
        elif typ in ("INTEGER", "Gauge32", "Counter64", "Counter32"):
            out[oid] = int(v.split()[0])
        else:
            out[oid] = rest
    return out


def sysfs(name, attr):
    try:
        with open(f"/sys/class/net/{name}/{attr}") as f:
            return f.read().strip()
    except OSError:
        return None


def ethtool(name):
    """(settings read, autoneg supported, fastest supported Mbit/s or None, speed or None)"""
    if shutil.which("ethtool") is None:
        return None
    out = subprocess.run(["ethtool", name], capture_output=True, text=True).stdout
    if "Speed:" not in out:
        return (False, None, None, None)
    autoneg = re.search(r"Supports auto-negotiation:\s*Yes", out) is not None
    sup = re.search(r"Supported link modes:(.*?)\n\s*Supported pause", out, re.S)
    speeds = [int(x) for x in re.findall(r"\b(\d+)base", sup.group(1))] if sup else []
    m = re.search(r"Speed:\s*(\d+)Mb/s", out)
    return (True, autoneg, max(speeds) if speeds else None, int(m.group(1)) if m else None)


TYPES = {"ether": 0, "ppp": 3, "fddi": 2, "ieee1394": 13, "arcnet": 6, "atm": 8}
TYPE_TEXT = {0: b"Ethernet 802.3", 2: b"Fiber Distributed Data Interface (FDDI)",
             3: b"Wide Area Network (WAN)", 6: b"ARCNET", 8: b"ATM", 9: b"Wireless",
             13: b"1394"}


def mac(s):
    return bytes.fromhex(s.replace(":", "")) if s else None


def expect(l, old, node):
    name = l["ifname"]
    flags = l.get("flags", [])
    up = "UP" in flags
    kind = (l.get("linkinfo") or {}).get("info_kind", "")
    has_dev = os.path.exists(f"/sys/class/net/{name}/device")
    if l.get("operstate") == "NOTPRESENT":
        st = (4, 11, 24, b"Lost Comm")
    elif not up:
        st = (0, 8, 22, b"OK")
    elif "LOWER_UP" not in flags:
        st = (7, 19, 0, b"No Contact")
    elif l.get("operstate") == "DORMANT":
        st = (8, 19, 0, b"Starting")
    elif l.get("operstate") == "TESTING":
        st = (1, 5, 0, b"Service")
    else:
        st = (2, 3, 0, b"OK")
    tid = TYPES.get(l.get("link_type"))
    if tid == 0 and os.path.exists(f"/sys/class/net/{name}/phy80211"):
        tid = 9
    e = {
        2: TYPE_TEXT.get(tid) if tid is not None else None, 3: tid,
        5: st[1], 6: b"[%08d] %s" % (l["ifindex"], name.encode()), 7: st[2],
        9: b"Win32_NetworkAdapter", 11: str(l["ifindex"]).encode(), 15: l["ifindex"],
        17: 1, 19: mac(l.get("address")), 21: 0,
        24: (l.get("ifalias") or name).encode(), 25: st[0], 26: 1 if up else 2,
        27: mac(l.get("permaddr")), 28: 1 if has_dev else 2,
        30: 1 if os.path.exists(f"/sys/class/net/{name}/device/power/control") else 2,
        34: st[3], 35: 3 if up else 4, 36: b"Win32_ComputerSystem", 37: node.encode(),
        39: 1, 41: 0,
    }
    if not has_dev:  # virtual: named by the interface, described by its kind
        e[10] = (kind or name).encode()
        e[23] = e[31] = name.encode()
        e[20] = e[29] = None
        e[32] = kind.encode() if kind else None
    speed = sysfs(name, "speed") if up else None
    e[33] = int(speed) * 1000000 if speed and int(speed) > 0 else None
    et = ethtool(name)
    if et is not None:
        e[4] = None if not et[0] else (1 if et[1] else 2)
        e[22] = et[2] * 1000000 if et[2] else None
        if up and et[3] is not None and e[33] != et[3] * 1000000:
            e[33] = ("ethtool and sysfs differ", et[3], speed)
    if name in old:
        e[16] = None
    return e


def main():
    walk = parse_walk(sys.argv[1])
    old = set()
    if "--old" in sys.argv[2:-1]:
        old = set(sys.argv[sys.argv.index("--old") + 1].split(","))
    down_alias = "--down-alias-late" in sys.argv[2:]
    links = json.loads(subprocess.run(["ip", "-j", "-d", "link"], capture_output=True,
                                      text=True, check=True).stdout)
    node = os.uname().nodename
    bad = []
    seen = set()
    if walk.get(ARC + ".1.0") != len(links):
        bad.append(f"cimNetAdapterCount {walk.get(ARC + '.1.0')}, kernel {len(links)}")
    for l in links:
        ix = l["ifindex"]
        e = expect(l, old, node)
        for col in range(2, 43):
            oid = f"{ARC}.3.1.{col}.{ix}"
            got = walk.get(oid)
            seen.add(oid)
            if col in (16, 38):  # DateAndTime: present (16: new links), well formed
                if col == 16 and col in e:
                    if got is not None:
                        bad.append(f"{l['ifname']} col {col}: InstallDate of an old link")
                elif not (isinstance(got, bytes) and len(got) == 11):
                    bad.append(f"{l['ifname']} col {col}: {got!r} is no DateAndTime")
                continue
            want = e.get(col)
            if col not in e and col not in (4, 22):
                want = None  # absent on Linux
            if col in (4, 22) and col not in e:
                continue  # no ethtool here: not compared
            if col in (20, 29, 10, 23, 31, 32) and col not in e:
                if got is None and col in (10, 23, 31):
                    bad.append(f"{l['ifname']} col {col}: absent")
                continue  # a physical device: its names are not compared
            if col == 24 and down_alias and "UP" not in l.get("flags", []):
                continue  # an alias set while down is announced when the link next changes
            if got != want:
                bad.append(f"{l['ifname']} col {col}: got {got!r}, want {want!r}")
        addrs = []
        if l.get("address"):
            addrs.append(l["address"].encode())
            if l.get("permaddr") and l["permaddr"] != l["address"]:
                addrs.append(l["permaddr"].encode())
        for i, a in enumerate(addrs, 1):
            oid = f"{ARC}.5.1.2.{ix}.{i}"
            seen.add(oid)
            if walk.get(oid) != a:
                bad.append(f"{l['ifname']} NetworkAddress {i}: got {walk.get(oid)!r}, want {a!r}")
        pm = sysfs(l["ifname"], "device/power/control")
        caps = [3, 4] if pm == "auto" else [2] if pm is not None else []
        for i, c in enumerate(caps, 1):
            oid = f"{ARC}.4.1.2.{ix}.{i}"
            seen.add(oid)
            if walk.get(oid) != c:
                bad.append(f"{l['ifname']} PowerMgmtCap {i}: got {walk.get(oid)!r}, want {c}")
    for oid in walk:
        if oid.startswith(ARC + ".3.") or oid.startswith(ARC + ".4.") or \
                oid.startswith(ARC + ".5."):
            if oid not in seen:
                bad.append(f"extra row: {oid} = {walk[oid]!r}")
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


main()
