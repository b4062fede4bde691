#!/bin/sh
# zabbix_trap_handler.sh - an snmptrapd traphandle that appends each notification to the file
# the Zabbix server's SNMP trapper reads (SNMPTrapperFile), in the format of Zabbix's own
# receivers: a line "DATE ZBXTRAP ADDRESS", then the transport and the varbinds, one a line
# ("OID = VALUE"). Debian's Zabbix packages ship no receiver; this one needs only a shell.
#
# snmptrapd.conf:
#   authCommunity execute public
#   traphandle default /usr/local/bin/zabbix_trap_handler.sh /var/lib/zabbix/snmptraps/snmptraps.log
# Run snmptrapd with -On (numeric OIDs: the template's regular expressions match them, and also
# the names when CIM-ROUTE-MIB is loaded).
# zabbix_server.conf: StartSNMPTrapper=1 and SNMPTrapperFile=<the same file>.
# The ADDRESS must be the IP address of the host's SNMP interface in Zabbix.
trapfile=${1:-/var/lib/zabbix/snmptraps/snmptraps.log}

# snmptrapd writes the host name (the transport with -n), the transport, then the varbinds
IFS= read -r host || exit 0
IFS= read -r transport || exit 0
# "UDP: [192.0.2.1]:40123->[192.0.2.2]:162" -> 192.0.2.1 (also UDP/IPv6: "[2001:db8::1]:...")
addr=$(printf '%s\n' "$transport" | sed -n 's/^[^[]*\[\([^]]*\)\].*/\1/p')
[ -n "$addr" ] || addr=$host
record="$(date '+%Y-%m-%dT%H:%M:%S') ZBXTRAP $addr
$transport"
while read -r oid value; do
	record="$record
$oid = $value"
done
# the record in one printf (one write for a record of a few hundred bytes), so that the
# trapper, which reads the file as it grows, does not find half of one
printf '%s\n' "$record" >>"$trapfile"
