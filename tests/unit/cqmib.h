/*
 * Shared by cimq's unit tests: loads CIM-ROUTE-MIB (with the IETF base
 * modules of Debian's erlang-snmp, as test_oids does) and mof-map/map.tsv.
 * cq_load returns NULL when the base modules are missing: the test skips.
 * cq_setup and cq_teardown are the group fixtures of the tests: map is the
 * loaded map, NULL when the tests skip.
 */
#ifndef CQMIB_H
#define CQMIB_H

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>

#include "cimq/cmap.h"

static struct cmap *
cq_load(void)
{
	const char *src = getenv("srcdir");
	static char dirs[4096], map[4096], err[256];
	glob_t g;
	struct cmap *m;

	if (src == NULL)
		src = ".";
	if (glob("/usr/lib/erlang/lib/snmp-*/mibs", 0, NULL, &g) != 0)
		return NULL;
	snprintf(dirs, sizeof(dirs), "%s/mibs:%s", src, g.gl_pathv[0]);
	globfree(&g);
	setenv("MIBDIRS", dirs, 1);
	setenv("MIBS", "CIM-ROUTE-MIB", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_init_mib();
	snprintf(map, sizeof(map), "%s/mof-map/map.tsv", src);
	m = cmap_load(map, err, sizeof(err));
	if (m == NULL) {
		fprintf(stderr, "cmap_load: %s\n", err);
		abort();
	}
	return m;
}

static struct cmap *map;

static int
cq_setup(void **state)
{
	(void)state;
	map = cq_load();
	return 0;
}

static int
cq_teardown(void **state)
{
	(void)state;
	if (map == NULL)
		return 0;
	cmap_free(map);
	shutdown_mib();
	return 0;
}

#endif
