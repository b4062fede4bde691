#!/bin/bash
# route_churn.sh - randomized differential test: after rounds of random route changes the
# IPv4 and IPv6 route tables equal the kernel's.
#
# One namespace: three veth pairs (va2's peer a port of the bridge br0, itself addressed), the
# daemon mirroring routeTables main local 100 200 (table 300 is churned too and must never
# show). A seed (printed; CIMR_CHURN_SEED overrides it) drives CIMR_CHURN_ROUNDS rounds (20) of
# 20-60 random operations each: ip route add/del/replace/change/append/prepend of both
# families (gateways, dev-only, blackhole/unreachable/prohibit/throw, metrics 0 to 2^32-1,
# protocols static/boot/kernel/bird/zebra/numbers, tables, TOS, IPv4 preferred sources, IPv6
# source prefixes), multipath routes replaced by other hops, nexthop objects and groups (added,
# replaced, deleted while routes use them; routes via nhid of both families;
# nexthop_compat_mode 0 and 1), addresses added and removed, links set down and up (a peer:
# linkdown; the link itself: routes removed), a link deleted and created again under its name
# (a new ifindex), `ip route flush table N`, and bursts of hundreds of adds and deletes through
# `ip -batch`. Two rounds in five change routes and objects only (no re-dump helps there).
# Pass/fail, after each round (once the daemon's cimIP4/6RouteCount and LastChange are stable):
# route_rows.py and route6_rows.py compare a GETBULK walk of each table with
# `ip -j -d route show table all` row by row and column by column, and the count scalar with
# the rows walked; after the last round a GETNEXT walk too. A mismatch prints the round's
# operations and the differing lines: rerun with its seed (CIMR_ITEST_KEEP=1 keeps them).
# What a seed found once is a fixed round, run first.

. "$(dirname "$0")/lib.sh"
itest_init churn
[ "$CIMROUTED" = mock ] && skip_all "not for the mock"

SEED=${CIMR_CHURN_SEED:-20261203}
ROUNDS=${CIMR_CHURN_ROUNDS:-20}
ROUTE_TABLES="main local 100 200"
OID_IP6ROUTE=.1.3.6.1.4.1.32473.1.1.8

# family 4|6: lib.sh's comparisons (compare_once, get_count) on that family's table
family() {
	local base=$OID_IP4ROUTE
	ROUTE_ROWS=$ITDIR/route_rows.py IP_FAMILY=-4
	[ "$1" = 6 ] && base=$OID_IP6ROUTE ROUTE_ROWS=$ITDIR/route6_rows.py IP_FAMILY=-6
	OID_COUNT=$base.1.0 OID_LASTCHANGE=$base.2.0 OID_TABLE=$base.3 OID_ENTRY=$base.3.1
}

# ---------------------------------------------------------------- topology
# no DAD, no router solicitation: the kernel's IPv6 routes change only when the test says so;
# forwarding on: each IPv6 prefix has its subnet-router anycast route in the local table
nsx sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
	net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.forwarding=1 || bail_out "cannot set the IPv6 sysctls"
nsx ip link add br0 type bridge stp_state 0 forward_delay 0 && nsx ip link set br0 up &&
	veth va0 vb0 10.1.0.1/24 && veth va1 vb1 10.2.0.1/24 && veth va2 vb2 10.4.0.1/24 &&
	nsx ip link set vb2 master br0 && nsx ip addr add 10.3.0.1/24 dev br0 &&
	nsx ip -6 addr add 2001:db8:1::1/64 dev va0 nodad && nsx ip -6 addr add 2001:db8:2::1/64 dev va1 nodad &&
	nsx ip -6 addr add 2001:db8:3::1/64 dev br0 nodad && nsx ip -6 addr add 2001:db8:4::1/64 dev va2 nodad ||
	bail_out "cannot build the topology"
nsx ip nexthop show >/dev/null 2>&1 && HAVE_NH=1 || HAVE_NH=0
nsx sysctl -qw net.ipv4.nexthop_compat_mode=1 2>/dev/null && HAVE_COMPAT=1 || HAVE_COMPAT=0
diag "seed $SEED, $ROUNDS rounds (CIMR_CHURN_SEED, CIMR_CHURN_ROUNDS); nexthop objects $HAVE_NH, compat_mode sysctl $HAVE_COMPAT"

# ---------------------------------------------------------------- the operations
# gen SEED ROUNDS PREFIX: PREFIX.N (a bash script per round, one operation a line) and the
# burst files they name. Random but aware of what it added, so most operations do something.
gen() {
	python3 - "$@" "$HAVE_NH" "$HAVE_COMPAT" <<'EOF'
import random, sys, zlib
seed, rounds, prefix, have_nh, have_compat = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == '1', sys.argv[5] == '1'
R = random.Random(seed)
# link: (peer, IPv4 subnet's 3rd octet, IPv6 subnet, master of the peer)
LINKS = {'va0': ('vb0', 1, 1, None), 'va1': ('vb1', 2, 2, None), 'va2': ('vb2', 4, 4, 'br0')}
DEVS = ['va0', 'va1', 'va2', 'br0']
NET4 = {'va0': 1, 'va1': 2, 'va2': 4, 'br0': 3}
TABLES = ['', '', '', ' table 100', ' table 200', ' table 300', ' table main']
PROTOS = ['', ' proto static', ' proto boot', ' proto kernel', ' proto bird', ' proto zebra',
          ' proto 42', ' proto 186', ' proto 250', ' proto 252', ' proto dhcp', ' proto ra']
METRICS = ['', '', ' metric 0', ' metric 1', ' metric 100', ' metric 1024', ' metric 2147483647',
           ' metric 2147483648', ' metric 4294967295']
TYPES = ['blackhole', 'unreachable', 'prohibit', 'throw']
added = []          # (family, key) of routes added: candidates for del/change/replace

def pfx4():
    k = R.randrange(4)
    if k == 0: return '10.50.%d.0/24' % R.randrange(12)
    if k == 1: return '10.51.0.%d/32' % R.randrange(12)
    if k == 2: return '10.52.%d.0/23' % (2 * R.randrange(4))
    return R.choice(['0.0.0.0/0', '10.53.0.0/16', '10.53.0.0/17', '192.0.2.0/24'])

# IPv6 routes without a gateway (dev-only, blackhole & co., through an object) have prefixes
# of their own: they are no multipath siblings, and the kernel's dump hides one that sits
# between two siblings of its dst and metric (`ip -6 route show` and ip -j lose it; it is
# there: a new `add` of it says File exists). The daemon's row from the events is right.
NOGW6 = '2001:db8:52:'

def pfx6():
    k = R.randrange(3)
    if k == 0: return '2001:db8:50:%x::/64' % R.randrange(12)
    if k == 1: return '2001:db8:51::%x/128' % R.randrange(1, 12)
    return R.choice(['::/0', '2001:db8:53::/48', '2001:db8:53::/49'])

def gw(fam, dev):
    if fam == 4:
        return '10.%d.0.%d' % (NET4[dev], R.randrange(2, 30))
    if R.random() < 0.5:
        return 'fe80::%x' % R.randrange(1, 30)
    return '2001:db8:%d::%x' % (NET4[dev], R.randrange(2, 30))

def hop(fam, key=''):
    dev = R.choice(DEVS)
    if key.startswith(NOGW6):
        return 'dev %s' % dev
    if fam == 4 and R.random() < 0.2:
        return 'dev %s' % dev
    return 'via %s dev %s' % (gw(fam, dev), dev)

def src(fam, h):
    # IPv4: a preferred source, the link's first address or one op_addr may have added
    if fam == 6 or R.random() > 0.15:
        return ''
    return ' src 10.%d.0.%d' % (NET4[h.split()[-1]], R.choice([1, 1, 100, 101]))

def proto(fam, key):
    # IPv6: one protocol per dst, table and metric. The siblings of an IPv6 multipath route
    # keep a protocol each, but the kernel describes the route with one: a dump with its
    # first sibling's, an append with the new sibling's, and it says nothing when the first
    # is deleted: no mirror of the messages can follow that (cimrouted gives all the rows the
    # protocol of the last message, a dump the first sibling's).
    if fam == 6:
        w = key.split()
        metric = w[w.index('metric') + 1] if 'metric' in w else '0'
        norm = '%s %s %s %s' % (w[0], w[w.index('from') + 1] if 'from' in w else '',
                                w[w.index('table') + 1] if 'table' in w else 'main',
                             '1024' if metric == '0' else metric)     # metric 0 is 1024 in IPv6
        return PROTOS[zlib.crc32(norm.encode()) % len(PROTOS)]
    return R.choice(PROTOS)

def tos(fam):
    return ' tos 0x%02x' % R.choice([4, 8, 16]) if fam == 4 and R.random() < 0.1 else ''

def route_spec(fam, p=None):
    """dst and what follows it; returns (spec, key) with key the dst/table/metric part."""
    p = p or (pfx4() if fam == 4 else pfx6())
    k = R.random()
    if fam == 6 and (k < 0.12 or (k >= 0.27 and (k < 0.35 or R.random() < 0.15))):
        p = NOGW6 + '%x::/64' % R.randrange(8)
    frm = ' from 2001:db8:ff::/56' if fam == 6 and R.random() < 0.1 else ''   # source-specific
    key = p + frm + R.choice(TABLES) + R.choice(METRICS) + tos(fam)
    pr = proto(fam, key)
    if k < 0.12:
        return '%s %s%s' % (R.choice(TYPES), key, pr), key
    if k < 0.27:
        return '%s%s %s' % (key, pr, mp_hops(fam, R.randint(2, 3))), key
    if k < 0.35 and have_nh:
        return '%s nhid %d%s' % (key, R.choice([1, 2, 3, 4, 5, 6, 20, 21, 22, 23]), pr), key
    h = hop(fam, key)
    return '%s %s%s%s%s' % (key, h, src(fam, h), R.choice(['', '', ' onlink']) if fam == 4 else '', pr), key

def mp_hops(fam, n):
    # the kernel takes no IPv6 hop without a gateway in RTA_MULTIPATH
    def h():
        if fam == 4:
            return hop(4)
        d = R.choice(DEVS)
        return 'via %s dev %s' % (gw(6, d), d)
    return ' '.join('nexthop %s%s' % (h(), R.choice(['', ' weight 3'])) for _ in range(n))

def ip(fam):
    return 'ip -%d' % fam

def op_route(out):
    fam = R.choice([4, 6])
    verb = R.choice(['add', 'add', 'add', 'replace', 'replace', 'append', 'append', 'prepend', 'change', 'del', 'del'])
    if verb != 'add' and added and R.random() < 0.8:
        # a route added before: its dst, table and metric (IPv6: append adds a hop to it)
        f, key = R.choice([a for a in added if a[0] == fam] or added)
        fam = f
        if verb == 'del':
            # the route, or one hop of it
            out.append('%s route del %s%s' % (ip(fam), key, ' ' + hop(fam, key) if R.random() < 0.3 else ''))
            return
        h = hop(fam, key)
        out.append('%s route %s %s %s%s%s' % (ip(fam), verb, key, h, src(fam, h), proto(fam, key)))
        return
    spec, key = route_spec(fam)
    out.append('%s route %s %s' % (ip(fam), verb, spec))
    added.append((fam, key))

def op_multipath(out):
    fam = R.choice([4, 6])
    p = pfx4() if fam == 4 else pfx6()
    t = R.choice(TABLES) + R.choice(['', ' metric 7'])
    mk = lambda: mp_hops(fam, R.randint(2, 4))
    out.append('%s route replace %s%s%s %s' % (ip(fam), p, t, proto(fam, p + t), mk()))
    out.append('%s route replace %s%s%s %s' % (ip(fam), p, t, proto(fam, p + t), mk() if R.random() < 0.7 else hop(fam)))
    added.append((fam, p + t))

def op_nexthop(out):
    i = R.choice([1, 2, 3, 4, 5, 6, 20, 21, 22, 23])
    verb = R.choice(['add', 'add', 'replace', 'del'])
    if verb == 'del':
        out.append('ip nexthop del id %d' % i)
        return
    if i >= 20:
        members = R.sample([1, 2, 3, 5, 6], R.randint(1, 3))
        spec = 'group ' + '/'.join('%d%s' % (m, R.choice(['', ',3'])) for m in members)
    elif i == 4:
        spec = 'blackhole'
    else:
        fam = 6 if i >= 5 else 4
        dev = R.choice(DEVS)
        spec = 'via %s dev %s' % (gw(fam, dev), dev) if R.random() < 0.8 else 'dev %s' % dev
        if i >= 5 and spec.startswith('dev'):
            spec = '-6 ' + spec
    if spec.startswith('-6 '):
        out.append('ip -6 nexthop %s id %d %s' % (verb, i, spec[3:]))
    else:
        out.append('ip nexthop %s id %d %s' % (verb, i, spec))

def op_addr(out):
    dev = R.choice(DEVS)
    verb = R.choice(['add', 'del'])
    if R.random() < 0.5:
        a = R.choice(['10.60.%d.1/24' % R.randrange(4), '10.%d.0.%d/24' % (NET4[dev], R.randrange(100, 104)),
                      '10.61.0.%d/32' % R.randrange(4)])
        out.append('ip -4 addr %s %s dev %s' % (verb, a, dev))
    else:
        a = R.choice(['2001:db8:60:%x::1/64' % R.randrange(4), '2001:db8:61::%x/128' % R.randrange(1, 4)])
        out.append('ip -6 addr %s %s dev %s%s' % (verb, a, dev, ' nodad' if verb == 'add' else ''))

def op_link(out):
    dev = R.choice(['va0', 'va1', 'va2', 'vb0', 'vb1', 'vb2', 'br0'])
    out.append('ip link set %s down' % dev)
    if R.random() < 0.8:
        out.append('ip link set %s up' % dev)

def op_recreate(out):
    dev = R.choice(list(LINKS))
    peer, n4, n6, master = LINKS[dev]
    out.append('ip link del %s' % dev)
    if R.random() < 0.9:
        out.append('ip link add %s type veth peer name %s' % (dev, peer))
        if master:
            out.append('ip link set %s master %s' % (peer, master))
        out.append('ip link set %s up' % peer)
        out.append('ip link set %s up' % dev)
        out.append('ip -4 addr add 10.%d.0.1/24 dev %s' % (n4, dev))
        out.append('ip -6 addr add 2001:db8:%d::1/64 dev %s nodad' % (n6, dev))

def op_flush(out):
    fam = R.choice([4, 6])
    out.append('%s route flush table %s' % (ip(fam), R.choice(['100', '200', '300'])))

def op_compat(out):
    out.append('sysctl -qw net.ipv4.nexthop_compat_mode=%d' % R.randint(0, 1))

def op_burst(out, name):
    lines = []
    n = R.randint(100, 400)
    for k in range(n):
        fam = R.choice([4, 6])
        a = k % 250
        p = '10.70.%d.%d/32' % (a // 50, a) if fam == 4 else '2001:db8:70::%x/128' % (a + 1)
        t = R.choice(['', ' table 100', ' table 300'])
        if R.random() < 0.6:
            lines.append('%sroute replace %s%s via %s proto bird' % ('-6 ' if fam == 6 else '', p, t, gw(fam, 'va0') if fam == 4 else 'fe80::7') + ' dev va0')
        else:
            lines.append('%sroute del %s%s' % ('-6 ' if fam == 6 else '', p, t))
    # ip -batch takes no per-line options: one file per family
    for fam in (4, 6):
        sel = [l[3:] if l.startswith('-6 ') else l for l in lines if l.startswith('-6 ') == (fam == 6)]
        with open('%s.%d' % (name, fam), 'w') as f:
            f.write('\n'.join(sel) + '\n')
        out.append('ip -%d -force -batch %s.%d 2>/dev/null' % (fam, name, fam))

OPS = [(op_route, 50), (op_multipath, 8), (op_nexthop, 10 if have_nh else 0), (op_flush, 2), (op_addr, 8),
       (op_link, 5), (op_recreate, 2), (op_compat, 3 if have_nh and have_compat else 0)]
for rnd in range(1, rounds + 1):
    out = []
    nops = R.randint(20, 60)
    # two rounds in five change routes and objects only: no link or address change makes
    # cimrouted re-dump, its events alone must give the kernel's table
    ops = OPS[:4] if R.random() < 0.4 else OPS
    for k in range(nops):
        if R.random() < 0.02:
            op_burst(out, '%s.%d.burst%d' % (prefix, rnd, k))
            continue
        f = R.choices([o for o, w in ops], [w for o, w in ops])[0]
        f(out)
    # a route that was deleted is no longer worth deleting (most of the time)
    if len(added) > 60:
        del added[:len(added) - 60]
    with open('%s.%d' % (prefix, rnd), 'w') as fh:
        fh.write('\n'.join(out) + '\n')
EOF
}

# run_round FILE: each operation in the namespace; its failures (a route that is not there, a
# nexthop in use) are part of the game and logged to FILE.out
run_round() {
	nsx bash -c 'while IFS= read -r l; do echo "+ $l"; eval "$l" 2>&1; done' <"$1" >"$1.out" 2>&1
}

# ---------------------------------------------------------------- settling and comparing
scalars() {
	nsx snmpget "${V2[@]}" "${SNMP_OPTS[@]}" "$AGENT" $OID_IP4ROUTE.1.0 $OID_IP4ROUTE.2.0 \
		$OID_IP6ROUTE.1.0 $OID_IP6ROUTE.2.0 2>&1
}
# settle: until the count and LastChange scalars of both tables stay the same for 0.5 s (10 s at most)
settle() {
	local a b start=$(now_ms)
	a=$(scalars)
	while :; do
		sleep 0.5
		b=$(scalars)
		[ "$a" == "$b" ] && break
		[ $(($(now_ms) - start)) -ge 10000 ] && { diag "the scalars did not settle in 10 s"; break; }
		a=$b
	done
}

# compare_family 4|6 NAME [compare options]: compare_once, again while the kernel changed
# during the walk or a difference may be the daemon still catching up (3 s at most)
compare_family() {
	local fam=$1 name=$2 rc deadline=$(($(now_ms) + 3000)); shift 2
	family "$fam"
	while :; do
		compare_once "$name" "$@"; rc=$?
		[ $rc -eq 0 ] && break
		[ "$(now_ms)" -ge "$deadline" ] && break
		sleep 0.3
	done
	family 4
	return $rc
}

# check_round LABEL OPS-FILE...: one TAP line per family; on a difference the operations
check_round() {
	local label=$1 fam rc; shift
	settle
	for fam in 4 6; do
		compare_family "$fam" "$label-v$fam"; rc=$?
		if [ $rc -eq 0 ]; then
			ok "$label: IPv$fam table equals the kernel's ($(grep -o '[0-9]* rows walked' "$T/$label-v$fam.cmp"))"
		else
			not_ok "$label: IPv$fam table equals the kernel's"
			sed 's/^# //' "$T/$label-v$fam.cmp" | grep -v '^note:' | head -n 30 | diag
			diag "operations of this round (seed $SEED):"
			cat "$@" | head -n 120 | diag
			FAILED_ROUNDS+=("$label")
		fi
	done
}

# ---------------------------------------------------------------- daemons
write_snmpd_conf
start_snmpd || bail_out "snmpd does not start"
# no periodic re-dump: the events (and the re-dumps they cause) must be enough
write_cimrouted_conf "routeTables $ROUTE_TABLES" "resyncInterval 0"
start_cimrouted
wait_registered 20 || bail_out "cimrouted does not register"
FAILED_ROUNDS=()
check_round start

# ---------------------------------------------------------------- the rounds
# run_seed SEED ROUNDS TAG
run_seed() {
	local seed=$1 rounds=$2 tag=$3 r
	gen "$seed" "$rounds" "$T/$tag" || bail_out "the generator failed"
	for ((r = 1; r <= rounds; r++)); do
		run_round "$T/$tag.$r"
		check_round "$tag round $r" "$T/$tag.$r.out"
		alive "$CIMR_PID" || break
	done
	both_alive "seed $seed, $rounds rounds"
}
# fixed_round NAME OPERATION...: a round of given operations (what a seed once found)
fixed_round() {
	local name=$1; shift
	printf '%s\n' "$@" >"$T/$name"
	run_round "$T/$name"
	check_round "$name" "$T/$name.out"
}
if [ "$HAVE_NH" = 1 ]; then
	# seed 20261203 (an earlier generator): a route through a blackhole object has InterfaceIndex 0
	fixed_round "blackhole object" "ip nexthop add id 4 blackhole" \
		"ip route add 10.51.0.2/32 nhid 4 proto dhcp" "ip -6 nexthop add id 7 blackhole" \
		"ip -6 route add 2001:db8:51::2/128 nhid 7"
	fixed_round "blackhole object, compat mode 0" "sysctl -qw net.ipv4.nexthop_compat_mode=0" \
		"ip route add 10.51.0.3/32 nhid 4" "ip -6 route add 2001:db8:51::3/128 nhid 7"
	fixed_round "blackhole objects deleted" "sysctl -qw net.ipv4.nexthop_compat_mode=1" \
		"ip nexthop del id 4" "ip nexthop del id 7"
fi
start=$(now_ms)
run_seed "$SEED" "$ROUNDS" "seed-$SEED"
diag "$ROUNDS rounds took $(($(now_ms) - start)) ms"

# ---------------------------------------------------------------- a GETNEXT walk, once
for fam in 4 6; do
	family "$fam"
	name=getnext-v$fam
	settle
	kernel_snapshot "$T/$name" && count=$(get_count) && walk_table "$T/$name.walk" next
	route_rows compare --routes "$T/$name.routes.json" --links "$T/$name.links.json" \
		--nexthops "$T/$name.nexthops.json" --walk "$T/$name.walk" --tables "$ROUTE_TABLES" \
		${count:+--count "$count"} >"$T/$name.cmp" 2>&1
	result $? "a GETNEXT walk of the IPv$fam table equals the kernel's, and cimIP${fam}RouteCount the rows walked"
	sed 's/^# //' "$T/$name.cmp" | grep -v '^note:' | tail -n +2 | head -n 20 | diag
	family 4
done
[ ${#FAILED_ROUNDS[@]} -eq 0 ] || diag "rounds with differences: ${FAILED_ROUNDS[*]} (CIMR_CHURN_SEED=$SEED)"
done_testing
