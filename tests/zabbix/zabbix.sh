#!/bin/bash
# zabbix.sh - contrib/zabbix/cimroute_template.yaml in a real Zabbix 6.0 from Debian
# (zabbix-server-pgsql, zabbix-frontend-php) against a live cimrouted.
#
# Everything runs in the test's namespace and temp dir (tests/integration/lib.sh): a private
# PostgreSQL cluster (initdb as user postgres, Unix socket only, in $T/pg), Zabbix's schema
# loaded into it, zabbix_server (user zabbix, its own config, log and pid file in $T/zbx), the
# frontend's API served by `php -S` with a generated zabbix.conf.php (Debian's frontend reads
# /etc/zabbix/zabbix.conf.php only: the file is bind-mounted there in a private mount
# namespace of the php process, the host's /etc/zabbix is not touched), snmpd + cimrouted,
# and snmptrapd writing Zabbix's trap file with contrib/zabbix/zabbix_trap_handler.sh.
#
# Through the JSON-RPC API it imports the template, creates a host whose SNMP interface is the
# namespace's snmpd, with the host macros {$CIMROUTE.INTERVAL} = 5s and
# {$CIMROUTE.LLD.INTERVAL} = 10s (the template says 1m and 1h), then checks that the
# discovered items get the values of the kernel (adapters: ip -j link; the persisted routes
# created with snmpset; the route count; ping rows), that route changes (added, removed,
# changed, both families), a summary and a ping completion arrive in their trap items and
# not in the others, that the triggers fire (adapter link down, persisted route in Error,
# route count drop, ping loss) and only then. The template's JavaScript steps also run in
# zabbix_js on inputs the agent does not give.
#
# Part of `make check`: 50 to 80 s, 10 to 25 s of which load Zabbix's schema into PostgreSQL.
# Standalone, as root:
#   BUILDDIR=/path/to/build bash tests/zabbix/zabbix.sh
# CIMR_ZBX_WAIT_S: the deadline of each wait for Zabbix (default 180 s).

ZDIR=$(cd "$(dirname "$0")" && pwd)
. "$ZDIR/../integration/lib.sh"

TEMPLATE=$ZDIR/../../contrib/zabbix/cimroute_template.yaml
HANDLER=$ZDIR/../../contrib/zabbix/zabbix_trap_handler.sh
ZAPI_PY=$ZDIR/zbx_api.py
ZSQL=/usr/share/zabbix-server-pgsql
ZWEB=/usr/share/zabbix
TNAME='Template CIM-ROUTE-MIB SNMP'
WAIT_S=${CIMR_ZBX_WAIT_S:-180}

# ------------------------------------------------------------------ can it run here?

zbx_require() {
	local b
	for b in zabbix_server zabbix_js php psql setpriv unshare snmptrapd; do
		command -v "$b" >/dev/null 2>&1 || skip_all "$b not installed (Debian: zabbix-server-pgsql zabbix-frontend-php php-cli php-pgsql postgresql snmptrapd)"
	done
	PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/postgres" ] || skip_all "PostgreSQL server not installed (Debian: postgresql)"
	for b in schema images data; do
		[ -r "$ZSQL/$b.sql.gz" ] || skip_all "$ZSQL/$b.sql.gz missing (Debian: zabbix-server-pgsql)"
	done
	[ -d /etc/zabbix ] || skip_all "no /etc/zabbix (the frontend's configuration is mounted there)"
	[ -r "$ZWEB/api_jsonrpc.php" ] || skip_all "$ZWEB/api_jsonrpc.php missing (Debian: zabbix-frontend-php)"
	php -m 2>/dev/null | grep -qx pgsql || skip_all "php has no pgsql module (Debian: php-pgsql)"
	id postgres >/dev/null 2>&1 || skip_all "no user postgres (Debian: postgresql)"
	id zabbix >/dev/null 2>&1 || skip_all "no user zabbix (Debian: zabbix-server-pgsql)"
}
[ "${CIMR_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "CIMR_SKIP_INTEGRATION=1"
zbx_require
itest_init zabbix
. "$ITDIR/ping_lib.sh"   # ix, setw, oper_is, PE (cimPingEntry)

OID_OBJ=.1.3.6.1.4.1.32473.1.1
P_ENTRY=$OID_OBJ.2.3.1
# (zabbix_server takes a ListenPort up to 32767)
ZPORT=$((10051 + PORT % 20000)) WPORT=$((PORT + 2)) TPORT=$((PORT + 3)) PGPORT=$((PORT + 4))
URL=http://127.0.0.1:$WPORT/api_jsonrpc.php
PG_PID= ZBX_PID= PHP_PID= TRAPD_PID=

# our processes first (PostgreSQL's fast shutdown is SIGINT), then lib.sh's teardown
zbx_cleanup() {
	local rc=$?
	stop_pid "$PHP_PID" TERM 5
	stop_pid "$ZBX_PID" TERM 20
	stop_pid "$TRAPD_PID" TERM 5
	stop_pid "$PG_PID" INT 20
	if [ "$_TAP_FAILED" -gt 0 ] || [ "$_TAP_DONE" = 0 ]; then
		local f
		for f in zbx/server.log pg/postgres.log php.log; do
			[ -s "$T/$f" ] && { diag "---- last lines of $f"; tail -n 20 "$T/$f" | diag; }
		done
	fi
	(exit $rc)
	_itest_cleanup
}
trap zbx_cleanup EXIT
# the users postgres and zabbix reach their directories in $T (and nothing else there)
chmod 0711 "$T"

# ------------------------------------------------------------------ the router and cimrouted

# va: the persisted route's and 10 static routes' link (taken down at the end: Error, drop);
# vc: an adapter that stays up. vb, the peer of va, is taken down first: va loses its carrier.
NH=192.0.2.1 PDST=198.51.100.0 PMASK=255.255.255.0 PMETRIC=7
PIX=$PDST.$PMASK.$NH.$PMETRIC
# and an IPv6 one: 2001:db8:10::/48 via 2001:db8:1::1 (no interface named) metric 10
v6subs() { python3 -c 'import ipaddress, sys; print(".".join(map(str, ipaddress.IPv6Address(sys.argv[1]).packed)))' "$1"; }
NH6=2001:db8:1::1 P6DST=2001:db8:10::/48
P6IX=$(v6subs "${P6DST%/*}").48.$(v6subs $NH6).0.10
veth va vb 192.0.2.100/24 && veth vc vd 198.18.0.1/24 &&
	nsx ip -6 addr add 2001:db8:1::100/64 dev va nodad || bail_out "cannot build the veth topology"
for i in $(seq 1 10); do echo "route add 10.77.$i.0/24 via $NH"; done >"$T/routes.batch"
nsx ip -batch "$T/routes.batch" || bail_out "cannot add the static routes"
write_snmpd_conf "trap2sink 127.0.0.1:$TPORT public"
start_snmpd || bail_out "snmpd does not start"
write_cimrouted_conf "routeTables main"
start_cimrouted
wait_registered 30 "$OID_OBJ.1.1.0" "$OID_OBJ.2.1.0" "$OID_OBJ.5.1.0" "$OID_OBJ.6.1.0" "$OID_OBJ.7.1.0" ||
	bail_out "cimrouted does not register"

out=$(setw "$P_ENTRY.12.$PIX" i 4)
nsx ip -4 route show table main "$PDST/24" | grep -q "via $NH dev va proto 252 metric $PMETRIC"
result $? "snmpset creates the persisted route $PDST/24 via $NH metric $PMETRIC" || diag "$out"
out=$(setw "$OID_OBJ.9.3.1.13.$P6IX" i 4)
nsx ip -6 route show table main "$P6DST" | grep -q "via $NH6 dev va proto 252 metric 10"
result $? "snmpset creates the persisted route $P6DST via $NH6 metric 10" || diag "$out"
# ping rows (owner zbx): "lo" answers (127.0.0.1), "lost" does not (no neighbour at 192.0.2.2)
IX_LO=$(ix zbx lo) IX_LOST=$(ix zbx lost)
out=$(setw "$PE.19.$IX_LO" i 4 "$PE.3.$IX_LO" i 1 "$PE.4.$IX_LO" x 7F000001 "$PE.18.$IX_LO" i 3)$'\n'
out+=$(setw "$PE.19.$IX_LOST" i 4 "$PE.3.$IX_LOST" i 1 "$PE.4.$IX_LOST" x C0000202 "$PE.18.$IX_LOST" i 3)
wait_until 20 oper_is "$IX_LO" 3 && wait_until 20 oper_is "$IX_LOST" 3
result $? "the ping rows zbx/lo and zbx/lost complete" || diag "$out"
diag "cimPingLossPercent: zbx/lo $(get_val "$PE.39.$IX_LO"), zbx/lost $(get_val "$PE.39.$IX_LOST")"

# ------------------------------------------------------------------ snmptrapd -> Zabbix's trap file

mkdir -p "$T/traps" "$T/trapd-persist" && chmod 0755 "$T/traps"
cat >"$T/snmptrapd.conf" <<EOF
authCommunity log,execute public
traphandle default /bin/sh $HANDLER $T/traps/zabbix_traps.log
EOF
ip netns exec "$NS" env SNMP_PERSISTENT_DIR="$T/trapd-persist" MIBS= \
	snmptrapd -f -n -C -c "$T/snmptrapd.conf" -Lf "$T/snmptrapd.log" -On "udp:127.0.0.1:$TPORT" \
	</dev/null >>"$T/snmptrapd.out" 2>&1 &
TRAPD_PID=$!
trapd_listens() { nsx ss -Hlun 2>/dev/null | grep -q "127.0.0.1:$TPORT "; }
wait_until 10 trapd_listens || bail_out "snmptrapd does not listen"

# ------------------------------------------------------------------ PostgreSQL

T0=$(date +%s)
mkdir -m 0711 "$T/pg" && chown postgres: "$T/pg" || bail_out "cannot make $T/pg"
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
as_pg "$PGBIN/initdb" -D "$T/pg/data" -U zabbix --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
	>"$T/initdb.out" 2>&1 || bail_out "initdb failed: $(tail -n 3 "$T/initdb.out")"
ip netns exec "$NS" setpriv --reuid=postgres --regid=postgres --init-groups -- \
	"$PGBIN/postgres" -D "$T/pg/data" -k "$T/pg" -p "$PGPORT" -c listen_addresses= \
	-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB \
	</dev/null >>"$T/pg/postgres.log" 2>&1 &
PG_PID=$!
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$T/pg" -p "$PGPORT" -U zabbix)
wait_until 30 "$PGBIN/pg_isready" -q -U zabbix -h "$T/pg" -p "$PGPORT" || bail_out "PostgreSQL does not start"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE zabbix ENCODING 'UTF8' TEMPLATE template0" >/dev/null ||
	bail_out "CREATE DATABASE failed"
for f in schema images data; do
	zcat "$ZSQL/$f.sql.gz" | "${PSQL[@]}" -d zabbix >"$T/pg/load-$f.out" 2>&1 ||
		bail_out "loading $f.sql.gz failed: $(tail -n 3 "$T/pg/load-$f.out")"
done
# the host "Zabbix server" of data.sql would poll an agent that is not there: disabled
"${PSQL[@]}" -d zabbix -c "UPDATE hosts SET status = 1 WHERE host = 'Zabbix server'" >/dev/null ||
	bail_out "cannot disable the host Zabbix server"
ok "a private PostgreSQL with Zabbix's schema ($(($(date +%s) - T0)) s)"

# ------------------------------------------------------------------ zabbix_server and the API

mkdir -m 0750 "$T/zbx" && chown zabbix: "$T/zbx" || bail_out "cannot make $T/zbx"
cat >"$T/zbx/zabbix_server.conf" <<EOF
LogType=file
LogFile=$T/zbx/server.log
LogFileSize=0
PidFile=$T/zbx/server.pid
SocketDir=$T/zbx
ListenIP=127.0.0.1
ListenPort=$ZPORT
DBHost=$T/pg
DBPort=$PGPORT
DBName=zabbix
DBUser=zabbix
StartPollers=2
StartPollersUnreachable=1
StartPreprocessors=1
StartLLDProcessors=1
StartDBSyncers=1
StartHistoryPollers=1
StartTrappers=1
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartAlerters=1
StartEscalators=1
StartTimers=1
StartSNMPTrapper=1
SNMPTrapperFile=$T/traps/zabbix_traps.log
CacheUpdateFrequency=1
HousekeepingFrequency=0
UnreachablePeriod=10
UnavailableDelay=5
UnreachableDelay=5
Timeout=5
EOF
ip netns exec "$NS" setpriv --reuid=zabbix --regid=zabbix --init-groups -- \
	zabbix_server -f -c "$T/zbx/zabbix_server.conf" </dev/null >>"$T/zbx/server.out" 2>&1 &
ZBX_PID=$!

mkdir -p "$T/etc-zabbix"
sed -e "s|^\$DB\['TYPE'\].*|\$DB['TYPE'] = 'POSTGRESQL';|" \
	-e "s|^\$DB\['SERVER'\].*|\$DB['SERVER'] = '$T/pg';|" \
	-e "s|^\$DB\['PORT'\].*|\$DB['PORT'] = '$PGPORT';|" \
	-e "s|^\$DB\['DATABASE'\].*|\$DB['DATABASE'] = 'zabbix';|" \
	-e "s|^\$DB\['USER'\].*|\$DB['USER'] = 'zabbix';|" \
	-e "s|^\$DB\['PASSWORD'\].*|\$DB['PASSWORD'] = '';|" \
	-e "s|^\$ZBX_SERVER_NAME.*|\$ZBX_SERVER_NAME = 'cimroute-test';|" \
	"$ZWEB/conf/zabbix.conf.php.example" >"$T/etc-zabbix/zabbix.conf.php"
printf '$ZBX_SERVER = %s;\n$ZBX_SERVER_PORT = %s;\n' "'127.0.0.1'" "'$ZPORT'" >>"$T/etc-zabbix/zabbix.conf.php"
chmod 0755 "$T/etc-zabbix" && chmod 0644 "$T/etc-zabbix/zabbix.conf.php"
# a private mount namespace: /etc/zabbix is $T/etc-zabbix for php only
ip netns exec "$NS" unshare -m --propagation private sh -c \
	'mount --bind "$1" /etc/zabbix && shift && exec "$@"' sh "$T/etc-zabbix" \
	setpriv --reuid=zabbix --regid=zabbix --init-groups -- \
	php -d memory_limit=512M -d max_execution_time=300 -d post_max_size=16M \
	-S "127.0.0.1:$WPORT" -t "$ZWEB" </dev/null >>"$T/php.log" 2>&1 &
PHP_PID=$!

zbx_up() { grep -q ' started \[' "$T/zbx/server.log" 2>/dev/null || ! alive "$ZBX_PID"; }
wait_until 60 zbx_up
alive "$ZBX_PID" && grep -q ' started \[' "$T/zbx/server.log" ||
	bail_out "zabbix_server does not start: $(cat "$T/zbx/server.out" 2>/dev/null; tail -n 5 "$T/zbx/server.log" 2>/dev/null)"

zapi() { nsx python3 "$ZAPI_PY" "$URL" "$@"; }
wait_until 30 zapi apiinfo.version || bail_out "the API does not answer: $(tail -n 3 "$T/php.log")"
diag "Zabbix API $(zapi apiinfo.version)"
ZBX_AUTH=$(zapi user.login '{"username": "Admin", "password": "zabbix"}' | jq -r .) && [ -n "$ZBX_AUTH" ] ||
	bail_out "user.login failed"
export ZBX_AUTH
! grep -q ' /etc/zabbix ' /proc/self/mountinfo
result $? "the host's mount table is unchanged (the frontend's config is bind-mounted for php only)"

# ------------------------------------------------------------------ import, host, link

jq -n --rawfile src "$TEMPLATE" '{format: "yaml", source: $src, rules: {
	groups: {createMissing: true},
	templates: {createMissing: true, updateExisting: true},
	items: {createMissing: true, updateExisting: true},
	discoveryRules: {createMissing: true, updateExisting: true},
	triggers: {createMissing: true, updateExisting: true},
	valueMaps: {createMissing: true, updateExisting: true}}}' >"$T/import.json"
out=$(zapi configuration.import "@$T/import.json" 2>&1)
is "$out" true "configuration.import of contrib/zabbix/cimroute_template.yaml" || bail_out "the template does not import"
TID=$(zapi template.get "$(jq -nc --arg n "$TNAME" '{filter: {host: $n}, output: ["templateid"]}')" | jq -r '.[0].templateid')
GID=$(zapi hostgroup.create '{"name": "cimroute"}' | jq -r '.groupids[0]')
host_json=$(jq -nc --arg gid "$GID" --arg tid "$TID" --arg port "$PORT" '{host: "cimrouted", groups: [{groupid: $gid}],
	interfaces: [{type: 2, main: 1, useip: 1, ip: "127.0.0.1", dns: "", port: $port,
		details: {version: 2, bulk: 1, community: "public"}}],
	templates: [{templateid: $tid}],
	macros: [{macro: "{$CIMROUTE.INTERVAL}", value: "5s"}, {macro: "{$CIMROUTE.LLD.INTERVAL}", value: "10s"}]}')
HID=$(zapi host.create "$host_json" | jq -r '.hostids[0]')
[ -n "$TID" ] && [ "$TID" != null ] && [ -n "$HID" ] && [ "$HID" != null ]
result $? "a host with an SNMP interface at $AGENT, linked to the template (template $TID, host $HID)" ||
	bail_out "no host"
ITEMS=$(zapi item.get "$(jq -nc --arg h "$HID" '{hostids: $h, output: ["key_"]}')" | jq length)
RULES=$(zapi discoveryrule.get "$(jq -nc --arg h "$HID" '{hostids: $h, output: ["key_"]}')" | jq length)
TRIGS=$(zapi trigger.get "$(jq -nc --arg h "$HID" '{hostids: $h, output: ["triggerid"]}')" | jq length)
diag "the host has $ITEMS items, $RULES discovery rules, $TRIGS triggers from the template"
[ "$RULES" = 4 ] && [ "$ITEMS" -ge 20 ]
result $? "the template brings its items and 4 discovery rules"

# ------------------------------------------------------------------ the JavaScript steps

# The template's JavaScript, as Zabbix imported it, run by zabbix_js (Zabbix's own Duktape)
# on inputs the live agent does not give: time zone offsets, the MIB's display form, 8 octets,
# a UTF-8 ping name, the {"data": [...]} form of discovery, malformed values.
js_of() { # API METHOD KEY: the template's first preprocessing step of that item or rule
	zapi "$1" "$(jq -nc --arg t "$TID" --arg k "$2" '{templateids: $t, filter: {key_: $k},
		selectPreprocessing: "extend", output: ["key_"]}')" | jq -r '.[0].preprocessing[0].params'
}
js_of item.get cimroute.ip4.route.lastchange >"$T/dat.js"
js_of discoveryrule.get cimroute.ping.discovery >"$T/ping.js"
js_of discoveryrule.get cimroute.persisted4.discovery >"$T/pr4.js"
js() { zabbix_js -s "$T/$1" -p "$2" 2>&1 | sed '/^$/d'; }
utc=$(date -u -d '2026-12-02 18:21:41' +%s)
js_got=$(for v in '07 EA 0C 02 12 15 29 00 2B 00 00 ' '07 EA 0C 02 14 15 29 00 2B 02 00' \
	'07 EA 0C 02 0D 15 29 00 2D 05 00' '07 EA 0C 02 12 15 29 00' '2026-12-2,20:21:41.0,+2:0'; do js dat.js "$v"; done | sort -u)
is "$js_got" "$utc" "DateAndTime step: UTC, +2:00, -5:00, 8 octets and the MIB's display form give one Unix time"
js dat.js 'abc' | grep -q 'not a DateAndTime'
result $? "DateAndTime step: a value that is none is an error (the item becomes not supported)"
js_got=$(js ping.js '{"data": [{"{#SNMPINDEX}": "3.122.98.120.2.195.169"}]}' | jq -c '.data[0] | [."{#PING.OWNER}", ."{#PING.NAME}"]')
is "$js_got" '["zbx","é"]' "ping discovery step: owner and a UTF-8 name decoded from the index"
js_got=$(js pr4.js '[{"{#SNMPINDEX}": "10.1.0.0.255.255.0.0.192.0.2.1.20"}]' |
	jq -r '.[0] | [."{#PR.DEST}", ."{#PR.MASK}", ."{#PR.NEXTHOP}", ."{#PR.METRIC}"] | join(" ")')
is "$js_got" "10.1.0.0 255.255.0.0 192.0.2.1 20" "persisted route discovery step: the index decoded"
js pr4.js '[{"{#SNMPINDEX}": "10.1.0.0.255"}]' | grep -q 'unexpected index'
result $? "persisted route discovery step: a short index is an error"

tmacros=$(zapi usermacro.get "$(jq -nc --arg t "$TID" '{hostids: $t, output: ["macro", "value"]}')" |
	jq -r '[.[] | select(.macro | test("INTERVAL")) | "\(.macro)=\(.value)"] | sort | join(" ")')
is "$tmacros" '{$CIMROUTE.INTERVAL}=1m {$CIMROUTE.LLD.INTERVAL}=1h' "the template's own intervals (the host overrides them)"

# ------------------------------------------------------------------ values

# items KEY_PATTERN: the host's items whose key matches the search, with their last values
items() {
	zapi item.get "$(jq -nc --arg h "$HID" --arg k "$1" '{hostids: $h, search: {key_: $k},
		output: ["key_", "name", "lastvalue", "lastclock", "state", "error"]}')"
}
# lv KEY: the last value of the item with this exact key (status 1 when it has none yet)
lv() {
	zapi item.get "$(jq -nc --arg h "$HID" --arg k "$1" '{hostids: $h, filter: {key_: $k},
		output: ["lastvalue", "lastclock"]}')" | jq -er '.[0] | select(.lastclock != "0") | .lastvalue'
}
lv_is() { [ "$(lv "$1")" = "$2" ]; }
# zwait TEXT CMD...: one TAP line, CMD polled until it succeeds or WAIT_S
zwait() {
	local text=$1; shift
	wait_until "$WAIT_S" "$@"
	result $? "$text" && diag "after ${WAITED_MS} ms"
}

# every item of the template outside the discovery rules (the SNMP ones) has a value, and the
# discovery rules work: an OID or a preprocessing step that Zabbix refuses shows here
scalars_ok() {
	zapi item.get "$(jq -nc --arg h "$HID" '{hostids: $h, filter: {flags: 0, type: 20},
		output: ["key_", "state", "error", "lastclock"]}')" >"$T/scalars.json" &&
		jq -e 'length >= 14 and all(.[]; .state == "0" and .lastclock != "0")' "$T/scalars.json" >/dev/null
}
zwait "every SNMP item of the template outside discovery has a value" scalars_ok
jq -c '.[] | select(.state != "0" or .lastclock == "0")' "$T/scalars.json" | diag
diag "$(jq length "$T/scalars.json") SNMP items"
rules_ok() {
	zapi discoveryrule.get "$(jq -nc --arg h "$HID" '{hostids: $h, output: ["key_", "state", "error", "lastclock"]}')" \
		>"$T/rules.json" && jq -e 'length == 4 and all(.[]; .state == "0" and .error == "")' "$T/rules.json" >/dev/null
}
zwait "the 4 discovery rules run without error" rules_ok || jq -c '.[]' "$T/rules.json" | diag

kcount() { nsx ip -4 -j route show table main | jq length; }
count_matches() { lv_is cimroute.ip4.route.count "$(kcount)"; }
zwait "cimroute.ip4.route.count is the kernel's main table ($(kcount) routes)" count_matches
diag "Zabbix: $(lv cimroute.ip4.route.count), kernel: $(kcount)"
lc=$(lv cimroute.ip4.route.lastchange)
now=$(date +%s)
[ -n "$lc" ] && [ "$lc" -ge $((T0 - 120)) ] && [ "$lc" -le $((now + 2)) ]
result $? "cimroute.ip4.route.lastchange (DateAndTime, converted) is a Unix time of this run: ${lc:-none} (now $now)"

# adapters: each link of the namespace but lo, as ip -j link shows it
nsx ip -j link show | jq -r '.[] | select(.ifname != "lo") |
	[.ifindex, .ifname, .mtu, (if (.flags | index("UP")) == null then 0
		elif (.flags | index("LOWER_UP")) == null then 7 else 2 end)] | @tsv' >"$T/links.tsv"
adapters_match() {
	local ix name mtu st
	while read -r ix name mtu st; do
		lv_is "cimroute.adapter.status[$ix]" "$st" && lv_is "cimroute.adapter.mtu[$ix]" "$mtu" || return 1
	done <"$T/links.tsv"
}
zwait "adapters discovered, status and MTU as ip -j link: $(cut -f2 "$T/links.tsv" | tr '\n' ' ')" adapters_match
items 'cimroute.adapter.' | jq -r '.[] | "\(.key_) \(.name) = \(.lastvalue)"' | sort | head -n 30 | diag
[ "$(items 'cimroute.adapter.status[' | jq '[.[] | select(.name | test(" (va|vb|vc|vd): "))] | length')" = 4 ]
result $? "the adapter items are named after the interfaces ({#ADAPTER.CONNID})"
vaix=$(awk '$2 == "va" { print $1 }' "$T/links.tsv")
lv_is "cimroute.adapter.speed[$vaix]" "$(($(nsx cat /sys/class/net/va/speed) * 1000000))"
result $? "the speed of va is /sys/class/net/va/speed in bit/s ($(lv "cimroute.adapter.speed[$vaix]"))"
is "$(items 'cimroute.adapter.status[1]' | jq length)" 0 "lo is not discovered ({\$CIMROUTE.ADAPTER.NOT_MATCHES} = ^lo\$)"

zwait "the persisted route's status is OK" lv_is "cimroute.persisted4.status[$PIX]" OK
pname=$(items "cimroute.persisted4.status[$PIX]" | jq -r '.[0].name')
is "$pname" "Persisted route $PDST/24 via $NH metric $PMETRIC: status" \
	"the persisted route's item is named from {#PR.NAME} and the decoded index"
zwait "the persisted IPv6 route's status is OK" lv_is "cimroute.persisted6.status[$P6IX]" OK

zwait "ping zbx/lo (127.0.0.1): loss 0%, status success(0)" \
	eval "lv_is 'cimroute.ping.loss[$IX_LO]' 0 && lv_is 'cimroute.ping.statuscode[$IX_LO]' 0"
zwait "ping zbx/lost (192.0.2.2, no neighbour): loss 100%" lv_is "cimroute.ping.loss[$IX_LOST]" 100
diag "zbx/lost status code: $(lv "cimroute.ping.statuscode[$IX_LOST]")"
rtt=$(lv "cimroute.ping.rtt.avg[$IX_LO]")
awk -v r="${rtt:-x}" 'BEGIN { exit !(r ~ /^[0-9.e-]+$/ && r > 0 && r < 1) }'
result $? "ping zbx/lo: average round-trip time in seconds, between 0 and 1 (${rtt:-none})"
is "$(items "cimroute.ping.loss[$IX_LOST]" | jq -r '.[0].name')" "Ping zbx/lost: loss" \
	"the ping items are named from the decoded owner and name"

# triggers in problem state, by name
problems() {
	zapi trigger.get "$(jq -nc --arg h "$HID" '{hostids: $h, filter: {value: 1}, expandDescription: true,
		output: ["description"]}')" | jq -r '.[].description'
}
has_problem() { problems | grep -qxF "$1"; }
# fired SINCE NAME: a problem event of that name since the Unix time SINCE. The route count
# trigger is a problem for one poll only (it resolves at the next poll without a drop), so it is
# asked of the event history, not of the triggers' state, which a slow step may have missed.
fired() {
	zapi event.get "$(jq -nc --arg h "$HID" --argjson t "$1" '{hostids: $h, source: 0, object: 0,
		value: 1, time_from: $t, output: ["name"]}')" | jq -r '.[].name' | grep -qxF "$2"
}
zwait "trigger: ping zbx/lost loss above 20%" has_problem 'Ping zbx/lost: loss above 20%'
is "$(problems)" 'Ping zbx/lost: loss above 20%' "no other problem while the links are up and the routes installed"

# ------------------------------------------------------------------ a trap

trap_item() { # NAME: the last value of the trap item of that name
	zapi item.get "$(jq -nc --arg h "$HID" --arg n "$1" '{hostids: $h, filter: {name: $n},
		output: ["lastvalue", "lastclock"]}')" | jq -er '.[0] | select(.lastclock != "0") | .lastvalue'
}
trap_has() { trap_item "$1" | grep -qF "$2"; }
nsx ip route add 203.0.113.0/24 via "$NH"
zwait "trap item 'Trap cimIP4RouteChange: route added' receives the route added in the kernel" \
	trap_has 'Trap cimIP4RouteChange: route added' 203.0.113.0
trap_has 'Trap cimIP4RouteChange' 203.0.113.0
result $? "trap item 'Trap cimIP4RouteChange' too"
! trap_item 'Trap cimIP4RouteChange: route removed' >/dev/null && ! trap_item 'SNMP traps (fallback)' >/dev/null
result $? "neither 'route removed' nor the fallback item got it"
# the route count goes 13 -> 14 -> 13: a fall of 1 in 14 (7%) is below the trigger's 20%
zwait "cimroute.ip4.route.count follows the kernel: $(kcount) routes" count_matches
t_fall=$(date +%s)
nsx ip route del 203.0.113.0/24 via "$NH"
zwait "trap item 'Trap cimIP4RouteChange: route removed' receives its removal" \
	trap_has 'Trap cimIP4RouteChange: route removed' 203.0.113.0
zwait "cimroute.ip4.route.count follows the kernel: $(kcount) routes" count_matches
sleep 1
! fired "$t_fall" 'IPv4 route count fell by more than 20%'
result $? "a fall of 1 route in 14 fires no route count trigger"
# a route whose protocol changes keeps its row: changed(3)
nsx ip route replace 10.77.1.0/24 via "$NH" proto static
zwait "trap item 'Trap cimIP4RouteChange: route changed' receives a protocol change" \
	trap_has 'Trap cimIP4RouteChange: route changed' 10.77.1.0
nsx ip -6 route add 2001:db8:20::/48 via "$NH6"
zwait "trap item 'Trap cimIP6RouteChange: route added' receives 2001:db8:20::/48" \
	trap_has 'Trap cimIP6RouteChange: route added' '20 01 0D B8 00 20 00 00'

# the ping row zbx/lo again, with a notification at its completion
out=$(setw "$PE.17.$IX_LO" i 1 "$PE.16.$IX_LO" i 1)
zwait "trap item 'Trap cimPingCompletion' receives the completion of zbx/lo" \
	trap_has 'Trap cimPingCompletion' ".7.3.1.21.$IX_LO = 0" || diag "$out"

# summaries only (cimRouteNotifyRateLimit 0): 5 routes added make one cimIP4RouteChangeSummary
out=$(setw "$OID_OBJ.4.7.0" u 0)
for i in $(seq 1 5); do echo "route add 10.88.$i.0/24 via $NH"; done >"$T/burst.batch"
nsx ip -batch "$T/burst.batch"
zwait "trap item 'Trap cimIP4RouteChangeSummary' receives the summary of 5 routes added" \
	trap_has 'Trap cimIP4RouteChangeSummary' '.1.3.6.1.4.1.32473.1.0.2' || diag "$out"
suppressed_5() { local v; v=$(lv cimroute.notify.suppressed) && [ "$v" -ge 5 ]; }
zwait "cimroute.notify.suppressed counts them (>= 5)" suppressed_5
diag "Zabbix: $(lv cimroute.notify.suppressed), snmpget: $(get_val "$OID_OBJ.4.9.0")"
setw "$OID_OBJ.4.7.0" u 100 >/dev/null

# ------------------------------------------------------------------ failures and triggers

# vb down: va keeps IFF_UP but loses its carrier (mediaDisconnected(7))
nsx ip link set vb down
zwait "va without carrier: status mediaDisconnected(7)" lv_is "cimroute.adapter.status[$vaix]" 7
zwait "trigger: adapter va link down" has_problem 'Adapter va: link down'
has_problem 'Adapter vb: link down'
result $((!$?)) "no link down problem for vb, disabled on purpose (disconnected(0))"

# va down: the kernel drops the routes through it (11 of 13+): persisted route in Error, count drop
before=$(kcount)
t_down=$(date +%s)
nsx ip link set va down
zwait "the persisted route's status is Error" lv_is "cimroute.persisted4.status[$PIX]" Error
diag "apply error: '$(lv "cimroute.persisted4.error[$PIX]")'"
zwait "trigger: persisted route in Error" has_problem "Persisted route $PDST/24 via $NH is not installed"
zwait "the persisted IPv6 route's status is Error" lv_is "cimroute.persisted6.status[$P6IX]" Error
zwait "trigger: persisted IPv6 route in Error" has_problem "Persisted IPv6 route $P6DST is not installed"
zwait "cimroute.ip4.route.count follows the kernel: $before -> $(kcount)" count_matches
zwait "trigger: IPv4 route count fell by more than 20%" fired "$t_down" 'IPv4 route count fell by more than 20%'
zwait "trap item 'Trap cimIP6RouteChange: route removed' receives the removal of va's fe80::/64" \
	trap_has 'Trap cimIP6RouteChange: route removed' '.1.3.6.1.4.1.32473.1.0.4'
problems | diag

alive "$ZBX_PID" && alive "$PG_PID" && alive "$PHP_PID"
result $? "zabbix_server, PostgreSQL and php still run"
bad=$(grep -iE 'cannot|failed|error' "$T/zbx/server.log" | grep -vE 'became not supported|No Such Instance' | head -n 10)
is "$bad" "" "no unexpected error in zabbix_server's log"
both_alive "the Zabbix checks"
done_testing
