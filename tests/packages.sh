# Sourced by tests/suite.sh and tests/demo.sh: the Debian packages cimroute
# needs to build, test and demonstrate, installed when missing (as root).
CIMR_PACKAGES="build-essential autoconf automake pkg-config libsnmp-dev snmpd snmp snmptrapd snmptt
	libnl-3-dev libnl-route-3-dev libpcap-dev libcmocka-dev smitools erlang-snmp
	iproute2 python3 jq procps valgrind strace dnsmasq-base isc-dhcp-client ethtool pci.ids
	nftables iputils-ping tcpdump python3-scapy iperf3"
CIMR_PACKAGES="$CIMR_PACKAGES groff man-db"   # tests/doc/check-man.sh renders the man pages
CIMR_PACKAGES="$CIMR_PACKAGES prometheus-snmp-exporter curl"   # contrib/prometheus, its tests
# -u's capabilities (libcap), and systemd-analyze for the unit's security score (issue 16)
CIMR_PACKAGES="$CIMR_PACKAGES libcap-dev systemd"
# the Zabbix template's test: a real Zabbix 6.0 server, its API under php, its own PostgreSQL
CIMR_PACKAGES="$CIMR_PACKAGES zabbix-server-pgsql zabbix-frontend-php php-cli php-pgsql postgresql"

cimr_install_packages() {
	local missing="" p
	for p in $CIMR_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing Debian packages:$missing (run as root to install them)" >&2
		return 1
	fi
	echo "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null
}
