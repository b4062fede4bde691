# CIMR_CHECK_NETSNMP: find net-snmp's agent library through net-snmp-config
# and prove with a link test that a subagent can be built against it.
AC_DEFUN([CIMR_CHECK_NETSNMP], [
	AC_ARG_VAR([NETSNMP_CONFIG], [path to net-snmp-config])
	AC_PATH_PROG([NETSNMP_CONFIG], [net-snmp-config], [no])
	AS_IF([test "x$NETSNMP_CONFIG" = xno],
		[AC_MSG_ERROR([net-snmp-config not found: install libsnmp-dev])])
	NETSNMP_VERSION=`$NETSNMP_CONFIG --version`
	NETSNMP_LIBS=`$NETSNMP_CONFIG --agent-libs`
	dnl --base-cflags carries Debian's build flags (and perl's include path):
	dnl keep only the definitions that change what the headers declare.
	NETSNMP_CFLAGS=
	for f in `$NETSNMP_CONFIG --base-cflags`; do
		case "$f" in
		-DNETSNMP_*) NETSNMP_CFLAGS="$NETSNMP_CFLAGS $f" ;;
		esac
	done
	AC_MSG_CHECKING([whether a net-snmp AgentX subagent links])
	cimr_save_LIBS="$LIBS"; cimr_save_CFLAGS="$CFLAGS"
	LIBS="$NETSNMP_LIBS $LIBS"; CFLAGS="$CFLAGS $NETSNMP_CFLAGS"
	AC_LINK_IFELSE([AC_LANG_PROGRAM([[
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
]], [[
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	init_agent("conftest");
	init_snmp("conftest");
	agent_check_and_process(0);
	snmp_shutdown("conftest");
]])], [AC_MSG_RESULT([yes])],
	[AC_MSG_RESULT([no])
	 AC_MSG_ERROR([cannot link against net-snmp's agent library ($NETSNMP_LIBS): install libsnmp-dev])])
	LIBS="$cimr_save_LIBS"; CFLAGS="$cimr_save_CFLAGS"
	AC_SUBST([NETSNMP_CFLAGS])
	AC_SUBST([NETSNMP_LIBS])
	AC_SUBST([NETSNMP_VERSION])
])
