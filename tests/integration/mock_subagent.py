#!/usr/bin/env python3
"""mock_subagent.py - a stand-in for cimrouted, for testing the test harness itself.

NOT a test of anything in cimroute. It is an snmpd `pass_persist` script that serves
cimIP4RouteCount, cimIP4RouteLastChange and cimIP4RouteTable computed from `ip -j route`
with the same rules as route_rows.py. lib.sh runs it inside a second snmpd started as an
AgentX subagent (`snmpd -X`) when CIMR_ITEST_MOCK=1, so the harness (namespaces, snmpd
master, registration waits, walks, comparisons, master restarts) can be proven while the
daemon does not exist yet. Its Caption/Description/Age are simplistic.

Environment: CIMR_MOCK_CONF = the cimrouted config file (only `routeTables` is read).
"""

import bisect
import datetime
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import route_rows as rr  # noqa: E402

BASE = (1, 3, 6, 1, 4, 1, 32473, 1, 1, 1)
COUNT_OID = BASE + (1, 0)
LASTCHANGE_OID = BASE + (2, 0)
START = time.time()


def tables_from_conf():
    spec = 'main'
    path = os.environ.get('CIMR_MOCK_CONF')
    if path and os.path.exists(path):
        with open(path) as fh:
            for line in fh:
                w = line.split(None, 1)
                if len(w) == 2 and w[0] == 'routeTables':
                    spec = w[1].strip()
    return rr.parse_tables(spec)


class State:
    def __init__(self):
        self.loaded = 0.0
        self.oids = []
        self.vals = {}
        self.sig = None
        self.lastchange = time.time()
        self.tables = tables_from_conf()

    def refresh(self):
        if time.time() - self.loaded < 0.2:
            return
        routes = json.loads(subprocess.run(['ip', '-j', '-d', '-4', 'route', 'show', 'table', 'all'],
                                           capture_output=True, text=True).stdout or '[]')
        links = json.loads(subprocess.run(['ip', '-j', 'link', 'show'], capture_output=True,
                                          text=True).stdout or '[]')
        rows, _ = rr.expected_rows(routes, links, self.tables)
        sig = sorted(rows)
        if sig != self.sig:
            self.lastchange = time.time()
            self.sig = sig
        vals = {}
        now = int(time.time() - START)
        for ix, row in rows.items():
            cols = dict(row.cols)
            cols[8] = ('INTEGER', now)
            text = ('%s nh %s if %d table %d proto %d metric %d' % (
                cols[18][1].decode(), '.'.join(map(str, ix[8:12])), ix[12], ix[13],
                cols[22][1], ix[15])).encode()
            cols[9] = ('STRING', text[:64])
            cols[10] = ('STRING', text)
            for c, tv in cols.items():
                vals[rr.TABLE_PREFIX + (c,) + ix] = tv
        vals[COUNT_OID] = ('Gauge32', len(rows))
        d = datetime.datetime.fromtimestamp(self.lastchange)
        vals[LASTCHANGE_OID] = ('STRING', bytes([d.year >> 8, d.year & 255, d.month, d.day,
                                                 d.hour, d.minute, d.second, 0]))
        self.vals = vals
        self.oids = sorted(vals)
        self.loaded = time.time()


def answer(oid, tv):
    t, v = tv
    o = rr.fmt_oid(oid)
    if t == 'INTEGER':
        return '%s\ninteger\n%d\n' % (o, v)
    if t == 'Gauge32':
        return '%s\ngauge\n%d\n' % (o, v)
    if t == 'OID':
        return '%s\nobjectid\n%s\n' % (o, v)
    return '%s\noctet\n%s\n' % (o, ' '.join('%02X' % b for b in v))


def main():
    st = State()
    out = sys.stdout
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == 'PING':
            out.write('PONG\n')
        elif cmd in ('get', 'getnext'):
            q = rr.parse_oid(sys.stdin.readline())
            st.refresh()
            if cmd == 'get':
                tv = st.vals.get(q)
                out.write(answer(q, tv) if tv else 'NONE\n')
            else:
                i = bisect.bisect_right(st.oids, q)
                out.write(answer(st.oids[i], st.vals[st.oids[i]]) if i < len(st.oids) else 'NONE\n')
        elif cmd == 'set':
            sys.stdin.readline()
            sys.stdin.readline()
            out.write('not-writable\n')
        elif cmd == '':
            break
        out.flush()


if __name__ == '__main__':
    main()
