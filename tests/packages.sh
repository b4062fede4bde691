# Sourced by tests/suite.sh and tests/demo.sh: the Debian packages cimroute
# needs to build, test and demonstrate, installed when missing (as root).
CIMR_PACKAGES="build-essential autoconf automake pkg-config libsnmp-dev snmpd snmp snmptrapd snmptt
	libnl-3-dev libnl-route-3-dev libpcap-dev libcmocka-dev smitools erlang-snmp
	iproute2 python3 jq procps valgrind strace dnsmasq-base isc-dhcp-client ethtool pci.ids
	nftables iputils-ping tcpdump python3-scapy iperf3
	zabbix-server-pgsql zabbix-frontend-php php-cli php-pgsql postgresql"

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
