/*
 * Unit test: cimq's class map (cimq/cmap.c) and planner (cimq/plan.c) on the
 * real mof-map/map.tsv and CIM-ROUTE-MIB: which conditions become GETs,
 * which become GETNEXT ranges under an index prefix, which walk; the
 * columns fetched; index encoding and decoding; unknown names (exit
 * status 2, nearest name) and type mismatches (status 3).  Skipped where
 * the IETF base MIB modules are missing.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cimq/assoc.h"
#include "cimq/plan.h"
#include "tests/unit/cqmib.h"

#define NEED_MAP()               \
	do {                     \
		(void)state;     \
		if (map == NULL) \
			skip();  \
	} while (0)

static struct wql_stmt *stmt;

/* Plans q; NULL (and err) when the planner refuses it. */
static struct plan *
plan_of(const char *q, struct plan_err *err)
{
	struct wql_err perr;
	const struct cmap_class *c;
	struct plan *pl;

	wql_free(stmt);
	if (wql_parse(q, &stmt, &perr) != 0)
		fail_msg("%s: %s at %zu", q, perr.msg, perr.pos);
	c = cmap_class(map, stmt->cls);
	if (c == NULL)
		fail_msg("%s: no class %s", q, stmt->cls);
	if (plan_make(c, stmt, &pl, err) != 0)
		return NULL;
	return pl;
}

static struct plan *
plan_ok(const char *q)
{
	struct plan_err err;
	struct plan *pl = plan_of(q, &err);

	if (pl == NULL)
		fail_msg("%s: status %d at %zu: %s", q, err.status, err.pos, err.msg);
	return pl;
}

static void
key_is(const struct plan *pl, size_t k, const char *want)
{
	char got[512];
	size_t n = 0;

	assert_true(k < pl->nkeys);
	got[0] = '\0';
	for (size_t i = 0; i < pl->keys[k].len; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%lu", i > 0 ? "." : "",
		    (unsigned long)pl->keys[k].sub[i]);
	assert_string_equal(got, want);
}

static void
access_is(const char *q, enum plan_access want, size_t nkeys)
{
	struct plan *pl = plan_ok(q);

	if (pl->access != want || pl->nkeys != nkeys)
		fail_msg("%s: access %d with %zu keys, want %d with %zu", q, pl->access, pl->nkeys,
		    want, nkeys);
	plan_free(pl);
}

/* The names of list[0..n) joined by spaces. */
static const char *
names(const struct plan *pl, const size_t *list, size_t n)
{
	static char s[2048];
	size_t at = 0;

	s[0] = '\0';
	for (size_t k = 0; k < n; k++)
		at += (size_t)snprintf(s + at, sizeof(s) - at, "%s%s", k > 0 ? " " : "",
		    pl->cls->props[list[k]].name);
	return s;
}

static void
refused(const char *q, int status, size_t pos, const char *msg)
{
	struct plan_err err;
	struct plan *pl = plan_of(q, &err);

	if (pl != NULL)
		fail_msg("%s: planned", q);
	if (err.status != status || err.pos != pos || strcmp(err.msg, msg) != 0)
		fail_msg("%s\n got  %d %zu %s\n want %d %zu %s", q, err.status, err.pos, err.msg,
		    status, pos, msg);
}

/* ---- the map ---- */

static void
test_map_classes(void **state)
{
	const struct cmap_class *c;

	NEED_MAP();
	c = cmap_class(map, "win32_ip4routetable");
	assert_non_null(c);
	assert_string_equal(c->name, "Win32_IP4RouteTable");
	assert_int_equal(c->table.nix, 7);
	assert_string_equal(c->table.ix[0].mib_name, "cimIP4RouteDestination");
	assert_int_equal(c->table.ix[0].enc, CMAP_IX_IPADDR);
	assert_string_equal(c->props[c->table.ix[3].prop].name, "InterfaceIndex");
	assert_string_equal(c->props[c->table.ix[4].prop].name, "KernelTable");
	assert_true(c->props[c->table.ix[4].prop].ext);
	assert_true(cmap_prop(c, "nexthop")->key);
	assert_false(cmap_prop(c, "Metric1")->key);
	assert_true(cmap_prop(cmap_class(map, "Win32_IP4PersistedRouteTable"), "Metric1")->key);
	assert_string_equal(cmap_nearest_class(map, "Win32_IP4RouteTabel"), "Win32_IP4RouteTable");
	assert_string_equal(cmap_nearest_class(map, "win32_networkadaptor"),
	    "Win32_NetworkAdapter");
	assert_null(cmap_nearest_class(map, "Foo"));
	assert_null(cmap_class(map, "cimIP4Route")); /* a WMI class's table is the class */
	c = cmap_class(map, "cimIP6Route");
	assert_non_null(c);
	assert_false(c->wmi);
	assert_int_equal(c->table.nix, 8);
	assert_int_equal(c->table.ix[0].fixed_len, 16);
	assert_true(cmap_prop(c, "PrefixLength")->key);
	/* the properties in the MIB's (and map.tsv's) order, not net-snmp's */
	assert_string_equal(c->props[7].name, "SourceLength");
	assert_string_equal(c->props[8].name, "Age");
	assert_string_equal(c->props[9].name, "Caption");
	assert_string_equal(c->props[c->nprops - 1].name, "RowStatus");
	assert_string_equal(cmap_class(map, "cimIP6ActiveRoute")->props[5].name, "SameElement");
	assert_string_equal(cmap_prop(c, "Metric1")->cim_type, "sint32");
	assert_non_null(cmap_class(map, "cimIP6PersistedRoute"));
	assert_non_null(cmap_class(map, "cimIP6ActiveRoute"));
	assert_non_null(cmap_class(map, "cimRouteEvent"));
	assert_non_null(cmap_class(map, "cimPingProbe"));
	/* the entry's prefix is cut before a word: cimNetAdapterNetworkAddress
	   of cimNetAdapterNetworkAddrEntry is Address, not "ess" */
	c = cmap_class(map, "cimNetAdapterNetworkAddr");
	assert_non_null(c);
	assert_non_null(cmap_prop(c, "Address"));
	assert_null(cmap_prop(c, "ess"));
	assert_true(cmap_prop(c, "Pos")->key);
	assert_non_null(cmap_prop(cmap_class(map, "cimAdapterCfgAddress"), "cimAdapterCfgAddress"));
	c = cmap_class(map, "Win32_IP4RouteTableEvent");
	assert_int_equal(c->kind, CMAP_K_EVENT);
	assert_string_equal(c->table.mib_name, "cimRouteEventTable");
	/* TIME_CREATED (cimRouteNotifyTimeCreated) is read from the history's column */
	assert_ptr_equal(cmap_prop(c, "TIME_CREATED")->table, &c->table);
	assert_int_equal(cmap_prop(c, "TIME_CREATED")->oid_len, c->table.entry_len + 1);
	assert_int_equal(snmp_oid_compare(cmap_prop(c, "TIME_CREATED")->oid, c->table.entry_len,
			     c->table.entry, c->table.entry_len),
	    0);
}

static void
test_map_props(void **state)
{
	const struct cmap_class *c;
	const struct cmap_prop *p;

	NEED_MAP();
	c = cmap_class(map, "Win32_NetworkAdapter");
	p = cmap_prop(c, "NetworkAddresses");
	assert_true(p->array);
	assert_string_equal(p->table->mib_name, "cimNetAdapterNetworkAddrTable");
	assert_int_equal(p->table->parent_nix, 1);
	assert_int_equal(p->ix, -1);
	assert_int_equal(cmap_prop(c, "Speed")->type, CMAP_T_UINT);
	assert_int_equal(cmap_prop(c, "Speed")->bits, 64);
	assert_null(cmap_prop(cmap_class(map, "Win32_IP4RouteTableEvent"), "SECURITY_DESCRIPTOR")
			->mib_name);
	assert_string_equal(cmap_method(c, "enable")->mib_name, "cimNetAdapterNetEnabled");
	assert_string_equal(cmap_nearest_method(c, "Enabel"), "Enable");
	assert_string_equal(cmap_nearest_prop(c, "MacAdress"), "MACAddress");
	c = cmap_class(map, "Win32_NetworkAdapterConfiguration");
	p = cmap_prop(c, "IPAddress");
	assert_string_equal(p->table->mib_name, "cimAdapterCfgAddressTable");
	assert_int_equal(p->ix, 2); /* the address is in the row's index */
	p = cmap_prop(c, "DNSDomainSuffixSearchOrder");
	assert_int_equal(p->table->parent_nix, 0); /* one list for the host */
	p = cmap_prop(c, "DNSHostName");
	assert_null(p->table); /* a scalar */
	assert_string_equal(cmap_method(c, "EnableStatic")->mib_name,
	    "cimAdapterCfgAddressRowStatus");
	c = cmap_class(map, "Win32_ActiveRoute");
	assert_int_equal(cmap_prop(c, "SystemElement")->type, CMAP_T_REF);
}

/* A map of the given rows after the header: cmap_load's message. */
static const char *
load_error(const char *rows)
{
	static char err[256];
	char path[] = "/tmp/cqmapXXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct cmap *m;

	fprintf(f, "class\tproperty\tcim_type\tmib_object\tsyntax\taccess\tsource\n%s", rows);
	fclose(f);
	m = cmap_load(path, err, sizeof(err));
	unlink(path);
	cmap_free(m);
	return m == NULL ? err : "loaded";
}

static void
test_map_errors(void **state)
{
	char err[256];

	NEED_MAP();
	assert_null(cmap_load("/nonexistent/map.tsv", err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/map.tsv: No such file or directory");
	assert_string_equal(load_error("W\t*\t-\tcimNoSuchTable\tx\tx\tx\n"),
	    "W: cimNoSuchTable is not in the MIB (is CIM-ROUTE-MIB loaded?)");
	assert_string_equal(load_error("W\t*\t-\tcimIP4RouteCount\tx\tx\tx\n"),
	    "W: cimIP4RouteCount is not a table");
	assert_string_equal(load_error("W\tName\tstring\tcimIP4RouteName\tx\tx\tx\n"),
	    "map: W.Name before its class row");
	assert_string_equal(load_error("W\t*\t-\tcimIP4RouteTable\tx\tx\tx\n"
				       "W\tName\tstring\tcimIP4RouteNam\tx\tx\tx\n"),
	    "W.Name: cimIP4RouteNam is not in the MIB (is CIM-ROUTE-MIB loaded?)");
	assert_non_null(strstr(load_error("W\t*\n"), ":2: fewer than 6 fields"));
	assert_string_equal(load_error("W\t*\t-\tcimIP4RouteTable\tx\tx\tx\n"
				       "W\tName\tstring\tcimIP4RouteName\tx\tx\tx\n"),
	    "loaded");
}

/* ---- access paths ---- */

static void
test_route_paths(void **state)
{
	struct plan *pl;
	const char *all4 = "SELECT * FROM Win32_IP4RouteTable WHERE Destination = '10.0.0.0' AND "
			   "Mask = '255.0.0.0' AND NextHop = '192.0.2.1' AND InterfaceIndex = 2";
	char q[512];

	NEED_MAP();
	pl = plan_ok("SELECT * FROM Win32_IP4RouteTable WHERE Destination = '10.0.0.0'");
	assert_int_equal(pl->access, PLAN_RANGE);
	key_is(pl, 0, "10.0.0.0");
	plan_free(pl);
	/* the four WMI keys: still a range (table, TOS and metric follow) */
	pl = plan_ok(all4);
	assert_int_equal(pl->access, PLAN_RANGE);
	key_is(pl, 0, "10.0.0.0.255.0.0.0.192.0.2.1.2");
	plan_free(pl);
	snprintf(q, sizeof(q), "%s AND KernelTable = 254 AND Tos = 0 AND KernelMetric = 100", all4);
	pl = plan_ok(q);
	assert_int_equal(pl->access, PLAN_GET);
	key_is(pl, 0, "10.0.0.0.255.0.0.0.192.0.2.1.2.254.0.100");
	plan_free(pl);
	pl = plan_ok("SELECT * FROM Win32_IP4RouteTable WHERE Destination = '10.1.0.0' OR "
		     "Destination = '10.0.0.0' OR Destination = '10.1.0.0'");
	assert_int_equal(pl->access, PLAN_RANGE);
	assert_int_equal(pl->nkeys, 2); /* sorted, once each */
	key_is(pl, 0, "10.0.0.0");
	key_is(pl, 1, "10.1.0.0");
	plan_free(pl);
	pl = plan_ok("SELECT * FROM Win32_IP4RouteTable WHERE Metric1 > 5 AND (Destination = "
		     "'10.0.0.0' OR Destination = '10.1.0.0') AND (Mask = '255.255.0.0' OR Mask "
		     "= '255.0.0.0')");
	assert_int_equal(pl->nkeys, 4);
	key_is(pl, 0, "10.0.0.0.255.0.0.0");
	key_is(pl, 3, "10.1.0.0.255.255.0.0");
	plan_free(pl);
}

static void
test_walks(void **state)
{
	NEED_MAP();
	/* not the index's first component */
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE NextHop = '192.0.2.1'", PLAN_WALK, 0);
	access_is("SELECT * FROM Win32_IP4RouteTable", PLAN_WALK, 0);
	/* an OR with a non-key, a NOT, an inequality, LIKE: no fixed value */
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination = '10.0.0.0' OR Metric1 = 5",
	    PLAN_WALK, 0);
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE NOT Destination = '10.0.0.0'", PLAN_WALK,
	    0);
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination <> '10.0.0.0'", PLAN_WALK,
	    0);
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination LIKE '10.%'", PLAN_WALK, 0);
	/* bounds on a component that is not the first, in an OR, under NOT */
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Mask >= '255.0.0.0'", PLAN_WALK, 0);
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination > '10.0.0.0' OR Metric1 = 1",
	    PLAN_WALK, 0);
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE NOT Destination < '10.0.0.0'", PLAN_WALK,
	    0);
	access_is("SELECT * FROM Win32_PingStatus WHERE Address = 'www.example.net'", PLAN_WALK, 0);
	/* a key that cannot be an IpAddress: nothing can match */
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination = '10.0.0'", PLAN_NONE, 0);
	access_is("SELECT * FROM Win32_NetworkAdapter WHERE InterfaceIndex = 4294967295", PLAN_GET,
	    1);
}

/* The span of q: "lo..hi" ("" for no bound), "]" or ")" for hi_incl. */
static void
span_is(const char *q, const char *lo, const char *hi, int hi_incl)
{
	struct plan *pl = plan_ok(q);
	struct plan one = { .nkeys = 1 };

	if (pl->access != PLAN_SPAN)
		fail_msg("%s: access %d, want a span", q, pl->access);
	one.keys = &pl->lo;
	if (*lo != '\0')
		key_is(&one, 0, lo);
	else
		assert_int_equal(pl->lo.len, 0);
	one.keys = &pl->hi;
	if (*hi != '\0')
		key_is(&one, 0, hi);
	else
		assert_int_equal(pl->hi.len, 0);
	assert_int_equal(pl->hi_incl, hi_incl);
	assert_int_equal(pl->nkeys, 0);
	plan_free(pl);
}

/* Inequalities on the first index component: a bounded walk. */
static void
test_spans(void **state)
{
	NEED_MAP();
	span_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination >= '10.0.0.0' AND "
		"Destination < '11.0.0.0'",
	    "10.0.0.0", "11.0.0.0", 0);
	span_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination > '10.0.0.0'", "10.0.0.0", "",
	    0);
	span_is("SELECT Name FROM Win32_IP4RouteTable WHERE Metric1 = 3 AND '10.1.2.3' >= "
		"Destination",
	    "", "10.1.2.3", 1);
	/* the tightest bounds win; a NOT or an OR elsewhere does not matter */
	span_is(
	    "SELECT * FROM Win32_IP4RouteTable WHERE Destination > '9.0.0.0' AND (Metric1 = 1 OR "
	    "NOT Type = 3) AND Destination >= '10.0.0.0' AND Destination <= '12.0.0.0' AND "
	    "Destination < '12.0.0.0' AND Destination < '13.0.0.0'",
	    "10.0.0.0", "12.0.0.0", 0);
	/* a literal that is not an address bounds nothing */
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination >= '10.0'", PLAN_WALK, 0);
	span_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination >= '10.0' AND Destination < "
		"'10.1.0.0'",
	    "", "10.1.0.0", 0);
	/* empty: lo above hi, or equal and excluded */
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination > '11.0.0.0' AND "
		  "Destination < '10.0.0.0'",
	    PLAN_NONE, 0);
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination >= '10.0.0.0' AND "
		  "Destination < '10.0.0.0'",
	    PLAN_NONE, 0);
	span_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination >= '10.0.0.0' AND "
		"Destination <= '10.0.0.0'",
	    "10.0.0.0", "10.0.0.0", 1);
	/* integers */
	span_is(
	    "SELECT * FROM Win32_NetworkAdapter WHERE InterfaceIndex >= 3 AND InterfaceIndex < 10",
	    "3", "10", 0);
	/* a fixed-size IPv6 address */
	span_is("SELECT * FROM cimIP6Route WHERE Destination < '2001:db8::'", "",
	    "32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.0", 0);
	/* an equality on the first component is still a range or a GET */
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Destination = '10.0.0.0' AND "
		  "Destination < '11.0.0.0'",
	    PLAN_RANGE, 1);
	/* strings order by length first in an index: a walk */
	access_is("SELECT * FROM cimPingProbe WHERE Owner >= 'a'", PLAN_WALK, 0);
}

/* ---- associations ---- */

#define PERSISTED                                                                   \
	"{Win32_IP4PersistedRouteTable.Destination='10.95.0.0',Mask='255.255.0.0'," \
	"NextHop='10.1.0.9',Metric1=3}"
#define LIVE                                                                                       \
	"Win32_IP4RouteTable.Destination=\"10.95.0.0\",Mask=\"255.255.0.0\",NextHop=\"10.1.0.9\"," \
	"InterfaceIndex=3"

static size_t ways_pos; /* the offset of ways' last refusal */

/* The ways of q as "Assoc.Role>ResultRole:Result[=]" (= same_index), or
   "status: message" (its offset in ways_pos). */
static const char *
ways(const char *q)
{
	static char s[1024];
	struct wql_err we;
	struct plan_err err;
	struct assoc_plan *ap;
	size_t at = 0;

	wql_free(stmt);
	if (wql_parse(q, &stmt, &we) != 0)
		fail_msg("%s: %s at %zu", q, we.msg, we.pos);
	if (assoc_plan_make(map, stmt, &ap, &err) != 0) {
		snprintf(s, sizeof(s), "%d: %s", err.status, err.msg);
		ways_pos = err.pos;
		return s;
	}
	s[0] = '\0';
	for (size_t k = 0; k < ap->nways; k++) {
		const struct assoc_way *w = &ap->ways[k];

		at += (size_t)snprintf(s + at, sizeof(s) - at, "%s%s.%s>%s:%s%s", k ? " " : "",
		    w->assoc->name, w->role->name, w->result_role ? w->result_role->name : "-",
		    w->result->name, w->same_index ? "=" : "");
	}
	assoc_plan_free(ap);
	return s;
}

/* ways(q) refuses q with want, its caret under the last token in q. */
static void
refused_at(const char *q, const char *token, const char *want)
{
	const char *at = strstr(q, token), *next;

	assert_non_null(at);
	while ((next = strstr(at + 1, token)) != NULL)
		at = next;
	assert_string_equal(ways(q), want);
	if (ways_pos != (size_t)(at - q))
		fail_msg("%s: caret at %zu, not under %s at %zu", q, ways_pos, token,
		    (size_t)(at - q));
}

static void
test_assoc_ways(void **state)
{
	const struct cmap_class *a;

	NEED_MAP();
	a = cmap_class(map, "Win32_ActiveRoute");
	assert_ptr_equal(assoc_ref_class(map, cmap_prop(a, "SameElement")),
	    cmap_class(map, "Win32_IP4PersistedRouteTable"));
	assert_ptr_equal(assoc_ref_class(map, cmap_prop(a, "SystemElement")),
	    cmap_class(map, "Win32_IP4RouteTable"));
	assert_null(assoc_ref_class(map, cmap_prop(a, "Destination")));
	/* the persisted route: the association shares its index (a GET) */
	assert_string_equal(ways("ASSOCIATORS OF " PERSISTED),
	    "Win32_ActiveRoute.SameElement>SystemElement:Win32_IP4RouteTable=");
	assert_string_equal(ways("REFERENCES OF " PERSISTED),
	    "Win32_ActiveRoute.SameElement>-:Win32_ActiveRoute=");
	/* the live route: the association's column is walked */
	assert_string_equal(ways("ASSOCIATORS OF {" LIVE "}"),
	    "Win32_ActiveRoute.SystemElement>SameElement:Win32_IP4PersistedRouteTable");
	assert_string_equal(ways("REFERENCES OF " LIVE " WHERE ResultClass = win32_activeroute"),
	    "Win32_ActiveRoute.SystemElement>-:Win32_ActiveRoute");
	/* the filters */
	assert_string_equal(ways("ASSOCIATORS OF {" LIVE "} WHERE AssocClass = Win32_ActiveRoute "
				 "Role = SystemElement ResultRole = SameElement ResultClass = "
				 "Win32_IP4PersistedRouteTable KeysOnly"),
	    "Win32_ActiveRoute.SystemElement>SameElement:Win32_IP4PersistedRouteTable");
	assert_string_equal(ways("ASSOCIATORS OF {" LIVE
				 "} WHERE ResultClass = Win32_IP4RouteTable"),
	    "");
	assert_string_equal(ways("ASSOCIATORS OF {" LIVE "} WHERE Role = SameElement"), "");
	assert_string_equal(ways("ASSOCIATORS OF {" LIVE "} WHERE ResultRole = SystemElement"), "");
	assert_string_equal(ways("ASSOCIATORS OF {" LIVE
				 "} WHERE AssocClass = Win32_NetworkAdapter"),
	    "");
	assert_string_equal(ways("REFERENCES OF " PERSISTED
				 " WHERE ResultClass = Win32_IP4RouteTable"),
	    "");
	assert_string_equal(ways("ASSOCIATORS OF {Win32_NetworkAdapter.DeviceID='2'}"), "");
	/* refusals, the caret under the keyword or the name refused */
	refused_at("ASSOCIATORS OF " PERSISTED " WHERE ClassDefsOnly", "ClassDefsOnly",
	    "8: ClassDefsOnly is not supported: SNMP carries instances, not class definitions or "
	    "qualifiers");
	refused_at("ASSOCIATORS OF " PERSISTED " WHERE KeysOnly SchemaOnly", "SchemaOnly",
	    "8: SchemaOnly is not supported: SNMP carries instances, not class definitions or "
	    "qualifiers");
	refused_at("ASSOCIATORS OF " PERSISTED " WHERE RequiredQualifier = Key",
	    "RequiredQualifier",
	    "8: RequiredQualifier is not supported: SNMP carries instances, not class definitions "
	    "or qualifiers");
	refused_at("ASSOCIATORS OF " PERSISTED " WHERE Role = SameElement RequiredAssocQualifier = "
		   "Association",
	    "RequiredAssocQualifier",
	    "8: RequiredAssocQualifier is not supported: SNMP carries instances, not class "
	    "definitions or qualifiers");
	refused_at("REFERENCES OF " PERSISTED " WHERE AssocClass = Win32_ActiveRoute", "AssocClass",
	    "1: REFERENCES OF takes ResultClass, Role and KeysOnly, not AssocClass");
	refused_at("REFERENCES OF " PERSISTED " WHERE KeysOnly ResultRole = SystemElement",
	    "ResultRole", "1: REFERENCES OF takes ResultClass, Role and KeysOnly, not ResultRole");
	refused_at("ASSOCIATORS OF " PERSISTED " WHERE ResultClass = Win32_ActivRoute",
	    "Win32_ActivRoute",
	    "2: ResultClass: unknown class Win32_ActivRoute (did you mean Win32_ActiveRoute?)");
	refused_at("ASSOCIATORS OF " PERSISTED " WHERE KeysOnly AssocClass = Win32_ActivRoute",
	    "Win32_ActivRoute",
	    "2: AssocClass: unknown class Win32_ActivRoute (did you mean Win32_ActiveRoute?)");
	refused_at("ASSOCIATORS OF " PERSISTED " WHERE Role = SystemElemnt", "SystemElemnt",
	    "2: Role: no association class has the role SystemElemnt (did you mean "
	    "SystemElement?)");
	refused_at("ASSOCIATORS OF " PERSISTED " WHERE Role = SameElement ResultRole = SameElemnt",
	    "SameElemnt",
	    "2: ResultRole: no association class has the role SameElemnt (did you mean "
	    "SameElement?)");
	assert_string_equal(ways("ASSOCIATORS OF {Win32_IP4RouteTable.Destination='10.0.0.0'}"),
	    "Win32_ActiveRoute.SystemElement>SameElement:Win32_IP4PersistedRouteTable");
	refused_at("REFERENCES OF {Win32_IP4RouteTable}", "Win32_IP4RouteTable",
	    "2: {Win32_IP4RouteTable} names a class, not an instance: give its keys");
	refused_at("ASSOCIATORS OF {" LIVE ",Metric1=3}", "Metric1",
	    "2: Metric1 is not a key of Win32_IP4RouteTable: the path names no instance");
}

static void
test_other_paths(void **state)
{
	struct plan *pl;

	NEED_MAP();
	pl = plan_ok("SELECT Name FROM Win32_NetworkAdapter WHERE InterfaceIndex = 3 OR "
		     "InterfaceIndex = 1");
	assert_int_equal(pl->access, PLAN_GET);
	assert_int_equal(pl->nkeys, 2);
	key_is(pl, 0, "1");
	key_is(pl, 1, "3");
	plan_free(pl);
	/* WMI accepts a number in quotes */
	pl = plan_ok("SELECT * FROM Win32_NetworkAdapterConfiguration WHERE Index = '3'");
	assert_int_equal(pl->access, PLAN_GET);
	key_is(pl, 0, "3");
	plan_free(pl);
	pl = plan_ok("SELECT * FROM cimIP6Route WHERE Destination = '2001:db8::' AND PrefixLength "
		     "= 32");
	assert_int_equal(pl->access, PLAN_RANGE);
	key_is(pl, 0, "32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.0.32");
	plan_free(pl);
	/* strings with letters compare case-insensitively: no GET for them */
	pl = plan_ok("SELECT * FROM cimIP6PersistedRoute WHERE Destination = '::' AND "
		     "PrefixLength = 0 AND NextHop = 'fe80::1' AND Interface = 'eth0' AND "
		     "Metric1 = 1024");
	assert_int_equal(pl->access, PLAN_RANGE);
	key_is(pl, 0, "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1");
	plan_free(pl);
	pl = plan_ok("SELECT * FROM cimPingProbe WHERE Owner = '1' AND Name = '22'");
	key_is(pl, 0, "1.49.2.50.50");
	plan_free(pl);
}

/* ---- columns ---- */

static void
test_columns(void **state)
{
	struct plan *pl;

	NEED_MAP();
	pl = plan_ok("SELECT Destination, Metric1 FROM Win32_IP4RouteTable WHERE Metric1 > 10");
	assert_string_equal(names(pl, pl->out, pl->nout), "Destination Metric1");
	/* RowStatus, every row's, enumerates the rows: Metric1 is absent beyond
	   2^31-1 and such a route is still an instance (cimq_diff.sh found it
	   lost); Age, the first readable column, is absent in a createAndWait row */
	assert_string_equal(names(pl, pl->cols, pl->ncols), "Metric1 RowStatus");
	assert_string_equal(names(pl, pl->idx, pl->nidx),
	    "Destination InterfaceIndex Mask NextHop");
	assert_int_equal(pl->filter->prop_ix, 8);
	plan_free(pl);
	/* only index values: the rows are walked through that column */
	pl = plan_ok("SELECT Destination FROM Win32_IP4RouteTable");
	assert_string_equal(names(pl, pl->cols, pl->ncols), "RowStatus");
	plan_free(pl);
	pl = plan_ok("SELECT Name FROM Win32_NetworkAdapter WHERE Speed > 100000000");
	assert_string_equal(names(pl, pl->cols, pl->ncols),
	    "Name Speed CreationClassName DeviceID SystemCreationClassName "
	    "SystemName AdapterType");
	plan_free(pl);
	pl = plan_ok("SELECT DHCPServer FROM Win32_NetworkAdapterConfiguration");
	assert_string_equal(names(pl, pl->cols, pl->ncols), "DHCPServer Caption");
	plan_free(pl);
	pl = plan_ok("SELECT IPAddress, DNSHostName, Index FROM Win32_NetworkAdapterConfiguration");
	assert_string_equal(names(pl, pl->arrays, pl->narrays), "IPAddress");
	assert_string_equal(names(pl, pl->scalars, pl->nscalars), "DNSHostName");
	assert_string_equal(names(pl, pl->idx, pl->nidx), "Index");
	assert_int_equal(pl->ncols, 1);
	plan_free(pl);
	/* SELECT * leaves out extension columns; they can be named */
	pl = plan_ok("SELECT * FROM Win32_IP4RouteTable");
	assert_int_equal(pl->nout, 18);
	plan_free(pl);
	pl = plan_ok("SELECT KernelTable, rowstatus FROM Win32_IP4RouteTable");
	assert_string_equal(names(pl, pl->out, pl->nout), "KernelTable RowStatus");
	plan_free(pl);
	pl = plan_ok("SELECT * FROM Win32_IP4RouteTableEvent");
	assert_string_equal(names(pl, pl->none, pl->nnone), "SECURITY_DESCRIPTOR");
	plan_free(pl);
	/* an event is a row of the history, read through TIME_CREATED's column
	   (its map row says accessible-for-notify, the notification's object):
	   SECURITY_DESCRIPTOR alone had no column, exit 8 (cimq_evchurn.sh) */
	pl = plan_ok("SELECT SECURITY_DESCRIPTOR FROM Win32_IP4RouteTableEvent");
	assert_string_equal(names(pl, pl->cols, pl->ncols), "TIME_CREATED");
	plan_free(pl);
	/* DELETE prints and needs the keys */
	pl = plan_ok("DELETE FROM Win32_IP4PersistedRouteTable WHERE Destination = '10.50.0.0'");
	assert_string_equal(names(pl, pl->out, pl->nout), "Destination Mask Metric1 NextHop");
	assert_int_equal(pl->access, PLAN_RANGE);
	plan_free(pl);
}

/* ---- writes, methods, associations ---- */

static void
test_statements(void **state)
{
	struct plan *pl;

	NEED_MAP();
	/* WMI's Metric1 -1 is no index value (the MIB: Integer32 (0..2147483647)) */
	access_is("ASSOCIATORS OF {Win32_IP4PersistedRouteTable.Destination='10.0.0.0',"
		  "Mask='255.0.0.0',NextHop='192.0.2.1',Metric1=-1}",
	    PLAN_NONE, 0);
	pl = plan_ok("REFERENCES OF {Win32_IP4PersistedRouteTable.Destination='10.0.0.0',"
		     "Mask='255.0.0.0',NextHop='192.0.2.1',Metric1=5} WHERE ResultClass = "
		     "Win32_ActiveRoute");
	assert_int_equal(pl->access, PLAN_GET);
	key_is(pl, 0, "10.0.0.0.255.0.0.0.192.0.2.1.5");
	assert_int_equal(pl->filter->kind, WQL_E_AND);
	plan_free(pl);
	pl = plan_ok("REFERENCES OF {Win32_IP4RouteTable.Destination='10.0.0.0'}");
	assert_int_equal(pl->access, PLAN_RANGE);
	assert_int_equal(pl->filter->kind, WQL_E_CMP);
	plan_free(pl);
	pl = plan_ok("REFERENCES OF {Win32_IP4RouteTable}");
	assert_int_equal(pl->access, PLAN_WALK);
	plan_free(pl);
	refused("ASSOCIATORS OF {Win32_IP4RouteTable.Mask='255.0.0.0',Dest='10.0.0.0'}", 2, 53,
	    "Win32_IP4RouteTable has no property Dest");
	refused("ASSOCIATORS OF {Win32_IP4RouteTable.Destination=1}", 3, 48,
	    "Destination is string; an integer does not fit it");
	pl = plan_ok("CALL Win32_NetworkAdapter.Disable() WHERE InterfaceIndex = 2");
	assert_int_equal(pl->access, PLAN_GET);
	assert_string_equal(names(pl, pl->out, pl->nout),
	    "CreationClassName DeviceID SystemCreationClassName SystemName");
	plan_free(pl);
	pl = plan_ok("UPDATE Win32_NetworkAdapter SET NetConnectionID = 'uplink' WHERE Name LIKE "
		     "'eth%'");
	assert_int_equal(pl->access, PLAN_WALK);
	plan_free(pl);
	pl = plan_ok("CREATE Win32_IP4RouteTable SET Destination='10.1.0.0', Mask='255.255.0.0', "
		     "NextHop='192.0.2.1', InterfaceIndex=3, Metric1=10");
	assert_int_equal(pl->access, PLAN_NONE);
	plan_free(pl);
}

/* ---- errors ---- */

static void
test_unknown_names(void **state)
{
	NEED_MAP();
	refused("SELECT Destinaton FROM Win32_IP4RouteTable", 2, 7,
	    "Win32_IP4RouteTable has no property Destinaton (did you mean Destination?)");
	refused("SELECT * FROM Win32_IP4RouteTable WHERE Metric = 1", 2, 40,
	    "Win32_IP4RouteTable has no property Metric (did you mean Metric1?)");
	refused("SELECT Colour FROM Win32_NetworkAdapter", 2, 7,
	    "Win32_NetworkAdapter has no property Colour");
	refused("CALL Win32_NetworkAdapter.Enabel()", 2, 26,
	    "Win32_NetworkAdapter has no method Enabel (did you mean Enable?)");
	refused("CREATE Win32_IP4RouteTable SET Destinatio='10.0.0.0'", 2, 31,
	    "Win32_IP4RouteTable has no property Destinatio (did you mean Destination?)");
}

static void
test_mismatches(void **state)
{
	NEED_MAP();
	refused("SELECT * FROM Win32_IP4RouteTable WHERE Metric1 = 'ten'", 3, 50,
	    "Metric1 is sint32; a string does not fit it");
	/* no integer, as the literal 0x0x3 is none (strtoull() took a second 0x) */
	refused("SELECT * FROM Win32_IP4RouteTable WHERE Metric1 = '0x0x3'", 3, 50,
	    "Metric1 is sint32; a string does not fit it");
	refused("SELECT * FROM Win32_IP4RouteTable WHERE Destination = 10", 3, 54,
	    "Destination is string; an integer does not fit it");
	refused("SELECT * FROM Win32_IP4RouteTable WHERE Metric1 = 2147483648", 3, 50,
	    "Metric1 is sint32; an integer does not fit it");
	refused("SELECT * FROM Win32_IP4RouteTable WHERE Name > 1.5", 3, 47,
	    "Name is string; a real number does not fit it");
	refused("UPDATE Win32_IP4RouteTable SET Metric1 = 1.5", 3, 41,
	    "Metric1 is sint32: the value does not fit");
	refused("SELECT * FROM Win32_NetworkAdapterConfiguration WHERE IPEnabled = 'yes'", 3, 66,
	    "IPEnabled is boolean; a string does not fit it");
	refused("SELECT * FROM Win32_NetworkAdapter WHERE InstallDate < '2026'", 3, 55,
	    "InstallDate is datetime; a string does not fit it (yyyymmddHHMMSS.mmmmmmsUUU)");
	refused("SELECT * FROM Win32_NetworkAdapter WHERE Index = -1", 3, 49,
	    "Index is uint32; an integer does not fit it");
	refused("SELECT * FROM Win32_IP4RouteTable WHERE Metric1 = NULL", 3, 50,
	    "Metric1 = NULL is never true: use IS NULL");
	refused("SELECT * FROM Win32_IP4RouteTable WHERE Metric1 <> NULL", 3, 51,
	    "Metric1 <> NULL is never true: use IS NOT NULL");
	refused("SELECT * FROM Win32_IP4RouteTable WHERE Metric1 LIKE '1%'", 3, 40,
	    "LIKE needs a string property; Metric1 is sint32");
	refused("SELECT * FROM Win32_IP4RouteTable WHERE Name ISA 'x'", 3, 40,
	    "ISA needs a reference; Name is string");
	refused("CREATE Win32_IP4RouteTable SET Destination='10.0.0.0', Metric1='x'", 3, 63,
	    "Metric1 is sint32: the value does not fit");
	/* these fit */
	plan_free(plan_ok("SELECT * FROM Win32_NetworkAdapter WHERE InstallDate < "
			  "'20261202000000.000000+000' AND NetEnabled = 1 AND Speed = "
			  "18446744073709551615 AND AdapterTypeID = '0'"));
	plan_free(plan_ok("SELECT * FROM Win32_ActiveRoute WHERE SystemElement ISA "
			  "'Win32_IP4RouteTable' AND SameElement LIKE '%10.0.0.0%'"));
}

/* A real compared with a key does not fix it: the rows are walked, the WHERE compares. */
static void
test_reals(void **state)
{
	NEED_MAP();
	access_is("SELECT * FROM Win32_NetworkAdapterConfiguration WHERE Index = 2.0", PLAN_WALK,
	    0);
	access_is("SELECT * FROM Win32_NetworkAdapterConfiguration WHERE Index = 2 OR Index = 3.0",
	    PLAN_WALK, 0);
	access_is("SELECT * FROM Win32_NetworkAdapterConfiguration WHERE Index = 2 AND Index < 2.5",
	    PLAN_GET, 1);
	access_is("SELECT * FROM Win32_IP4RouteTable WHERE Metric1 > -2.5e3", PLAN_WALK, 0);
}

/* The properties SNMPv1 cannot carry (Counter64). */
static void
test_counter64(void **state)
{
	char buf[200];
	struct plan *pl;

	NEED_MAP();
	pl = plan_ok("SELECT * FROM Win32_NetworkAdapter");
	assert_int_equal(plan_counter64(pl, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "MaxSpeed, Speed");
	plan_free(pl);
	pl = plan_ok("SELECT Name FROM Win32_NetworkAdapter WHERE Speed > 0");
	assert_int_equal(plan_counter64(pl, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "Speed");
	plan_free(pl);
	pl = plan_ok("SELECT Name, Index FROM Win32_NetworkAdapter");
	assert_int_equal(plan_counter64(pl, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	plan_free(pl);
}

/* ---- index encoding/decoding ---- */

static void
test_decode(void **state)
{
	const struct cmap_class *c;
	struct cq_value v[8];
	const oid route[] = { 10, 0, 0, 0, 255, 0, 0, 0, 192, 0, 2, 1, 2, 254, 0, 100 };
	const oid ping[] = { 3, 'n', 'm', 's', 2, 'p', '1' };
	const oid bad[] = { 3, 'n', 'm', 300, 2, 'p', '1' };

	NEED_MAP();
	c = cmap_class(map, "Win32_IP4RouteTable");
	assert_int_equal(plan_decode_index(c, &c->table, route, 16, v), 0);
	assert_string_equal(v[0].s, "10.0.0.0");
	assert_string_equal(v[2].s, "192.0.2.1");
	assert_int_equal(v[3].kind, CQ_V_SINT);
	assert_int_equal(v[3].i, 2);
	assert_int_equal(v[4].kind, CQ_V_UINT);
	assert_int_equal(v[6].u, 100);
	for (size_t k = 0; k < 7; k++)
		cq_value_clear(&v[k]);
	assert_int_equal(plan_decode_index(c, &c->table, route, 15, v), -1);
	assert_int_equal(plan_decode_index(c, &c->table, route, 12, v), -1);
	c = cmap_class(map, "Win32_PingStatus");
	assert_int_equal(plan_decode_index(c, &c->table, ping, 7, v), 0);
	assert_string_equal(v[0].s, "nms");
	assert_string_equal(v[1].s, "p1");
	cq_value_clear(&v[0]);
	cq_value_clear(&v[1]);
	assert_int_equal(plan_decode_index(c, &c->table, bad, 7, v), -1);
	assert_int_equal(plan_decode_index(c, &c->table, ping, 6, v), -1);
}

static void
test_roundtrip_ip6(void **state)
{
	const struct cmap_class *c = map != NULL ? cmap_class(map, "cimIP6Route") : NULL;
	const char *addr[] = { "2001:db8::", NULL, "fe80::1", NULL, NULL, NULL, "::", NULL };
	struct cq_value v[8];
	oid sub[MAX_OID_LEN];
	size_t len = 0;

	NEED_MAP();
	for (size_t k = 0; k < 8; k++) {
		struct cq_value in = { .kind = addr[k] != NULL ? CQ_V_STR : CQ_V_UINT,
			.s = (char *)(uintptr_t)addr[k],
			.u = 10 + k };

		assert_int_equal(plan_encode(&c->table, k, &in, sub, &len), 0);
	}
	assert_int_equal(len, 3 * 16 + 5);
	assert_int_equal(sub[16], 11);
	assert_int_equal(plan_decode_index(c, &c->table, sub, len, v), 0);
	assert_string_equal(v[0].s, "2001:db8::");
	assert_string_equal(v[2].s, "fe80::1");
	assert_string_equal(v[6].s, "::");
	assert_int_equal(v[5].u, 15);
	for (size_t k = 0; k < 8; k++)
		cq_value_clear(&v[k]);
	/* an IPv4 address is no InetAddressIPv6; a too short index is refused */
	{
		struct cq_value in = { .kind = CQ_V_STR, .s = (char *)(uintptr_t) "10.0.0.1" };

		len = 0;
		assert_int_equal(plan_encode(&c->table, 0, &in, sub, &len), -1);
	}
	assert_int_equal(plan_decode_index(c, &c->table, sub, 20, v), -1);
}

/* Encodes strs[] as the index of class cls and decodes it back. */
static void
roundtrip(const char *cls, const char *const *strs, size_t n, size_t want_len)
{
	const struct cmap_class *c = cmap_class(map, cls);
	struct cq_value v[8];
	oid sub[MAX_OID_LEN];
	size_t len = 0;

	for (size_t k = 0; k < n; k++) {
		struct cq_value in = { .kind = CQ_V_STR, .s = (char *)(uintptr_t)strs[k] };

		if (c->table.ix[k].enc == CMAP_IX_INT)
			in = (struct cq_value){ .kind = CQ_V_UINT,
				.u = strtoull(strs[k], NULL, 10) };
		assert_int_equal(plan_encode(&c->table, k, &in, sub, &len), 0);
	}
	assert_int_equal(len, want_len);
	assert_int_equal(plan_decode_index(c, &c->table, sub, len, v), 0);
	for (size_t k = 0; k < n; k++) {
		if (v[k].kind == CQ_V_STR)
			assert_string_equal(v[k].s, strs[k]);
		else
			assert_int_equal(v[k].u, strtoull(strs[k], NULL, 10));
		cq_value_clear(&v[k]);
	}
}

static void
test_inet_zones(void **state)
{
	const char *zoned[] = { "3", "4", "fe80::1%3", "64" };
	const char *unknown[] = { "3", "0", "", "0" };
	const char *v4[] = { "3", "1", "192.0.2.7", "24" };
	const struct cmap_class *c;
	const oid neg[] = { 10, 0, 0, 0, 255, 0, 0, 0, 192, 0, 2, 1, 4294967295u };
	const oid odd[] = { 3, 1, 3, 192, 0, 2, 24 };
	struct cq_value v[8], bad = { .kind = CQ_V_STR, .s = (char *)(uintptr_t) "fe80::1%x" };
	oid sub[MAX_OID_LEN];
	size_t len = 0;

	NEED_MAP();
	roundtrip("cimAdapterCfgAddress", zoned, 4, 1 + 1 + 1 + 20 + 1);
	roundtrip("cimAdapterCfgAddress", unknown, 4, 4);
	roundtrip("cimAdapterCfgAddress", v4, 4, 8);
	c = cmap_class(map, "cimAdapterCfgAddress");
	assert_int_equal(plan_encode(&c->table, 2, &bad, sub, &len), -1);
	assert_int_equal(plan_decode_index(c, &c->table, odd, 7, v), -1); /* 3-octet address */
	/* a negative Integer32 in an index is malformed */
	c = cmap_class(map, "Win32_IP4PersistedRouteTable");
	assert_int_equal(plan_decode_index(c, &c->table, neg, 13, v), -1);
}

/* A path an agent gave is followed only when it is one path, alone: it cannot add WHERE text. */
static void
test_assoc_path_query(void **state)
{
	char *q;

	(void)state;
	q = assoc_path_query("Win32_IP4RouteTable.Destination=\"10.0.0.0\",NextHop=\"192.0.2.1\"");
	assert_non_null(q);
	assert_string_equal(q,
	    "ASSOCIATORS OF {Win32_IP4RouteTable.Destination=\"10.0.0.0\","
	    "NextHop=\"192.0.2.1\"}");
	free(q);
	q = assoc_path_query("Win32_IP4RouteTable.Destination=\"a}b\"");
	assert_non_null(q); /* a brace inside a string is the string's */
	free(q);
	errno = 0;
	assert_null(assoc_path_query("Win32_IP4RouteTable.Destination=\"x\"} WHERE KeysOnly {"));
	assert_int_equal(errno, EINVAL);
	assert_null(assoc_path_query("Win32_IP4RouteTable.Destination=\"x\"} WHERE ResultClass = "
				     "Win32_IP4RouteTable"));
	assert_null(assoc_path_query(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_classes),
		cmocka_unit_test(test_map_props),
		cmocka_unit_test(test_map_errors),
		cmocka_unit_test(test_route_paths),
		cmocka_unit_test(test_walks),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_assoc_ways),
		cmocka_unit_test(test_other_paths),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_statements),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_mismatches),
		cmocka_unit_test(test_reals),
		cmocka_unit_test(test_counter64),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_roundtrip_ip6),
		cmocka_unit_test(test_inet_zones),
		cmocka_unit_test(test_assoc_path_query),
	};
	int rc = cmocka_run_group_tests(tests, cq_setup, cq_teardown);

	wql_free(stmt);
	return rc;
}
