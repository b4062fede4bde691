# ietf-base.sh - where the IETF base modules CIM-ROUTE-MIB imports are (sourced).
#
# ietf_base_dir: prints the directory holding SNMPv2-SMI (and its four siblings): MIB_BASE_DIR
# when set, else net-snmp's /usr/share/snmp/mibs when it has them (Debian's
# snmp-mibs-downloader), else Debian's erlang-snmp copy (/usr/lib/erlang/lib/snmp-*/mibs, the
# last version); nothing and status 1 when none has them. Used by tests/mib/check-mib.sh,
# tests/mib/check-base.sh and contrib/prometheus/generate.sh.

# ietf_base_module DIR NAME: the file of module NAME in DIR (.txt as net-snmp, .mib as erlang-snmp)
ietf_base_module() {
	local f
	for f in "$1/$2.txt" "$1/$2.mib" "$1/$2"; do [ -f "$f" ] && { echo "$f"; return 0; }; done
	return 1
}

ietf_base_dir() {
	local d base=${MIB_BASE_DIR:-}
	if [ -z "$base" ]; then
		if ietf_base_module /usr/share/snmp/mibs SNMPv2-SMI >/dev/null; then
			base=/usr/share/snmp/mibs
		else
			for d in /usr/lib/erlang/lib/snmp-*/mibs; do   # the glob sorts; the last one wins
				ietf_base_module "$d" SNMPv2-SMI >/dev/null && base=$d
			done
		fi
	fi
	[ -n "$base" ] && [ -d "$base" ] && echo "$base"
}
