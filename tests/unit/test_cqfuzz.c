/*
 * Unit test: cimq's WQL parser, planner and evaluator on mutated queries.
 * A corpus of valid WQL (of the other cimq tests) is mutated with a fixed
 * seed: bytes flipped, the query cut short, a piece repeated, a long
 * string, name or number put in, conditions nested deep in parentheses or
 * NOTs.  Each result is parsed (wql_parse, wql_parse_path), and what parses
 * is planned on the real map and evaluated on rows of every kind.  What is
 * asserted: every refusal (parser, planner, names) has a message and its
 * caret inside the query, a status of cimq; nothing crashes; under
 * --enable-sanitizers ASan and UBSan see every access.  Also: the longest
 * queries a command line passes, in little memory (test_longest), and row
 * indexes an agent might send, decoded (test_decode_index).  The run takes
 * 0.1 s of the 5 s the test may take in the plain build.  CQFUZZ_SEED=n runs
 * another sequence (to search further by hand).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "cimq/assoc.h"
#include "cimq/plan.h"
#include "tests/unit/cqmib.h"

#define PERSISTED                                                                  \
	"Win32_IP4PersistedRouteTable.Destination='10.95.0.0',Mask='255.255.0.0'," \
	"NextHop='10.1.0.9',Metric1=3"

static const char *const corpus[] = {
	"SELECT * FROM Win32_IP4RouteTable",
	"SELECT Destination, Mask FROM Win32_IP4RouteTable WHERE Destination >= '10.101.0.0' AND "
	"Destination < '10.101.10.0'",
	"SELECT * FROM Win32_IP4RouteTable WHERE (Metric1 = 1 OR Metric1 = 2) AND NOT Type = 3",
	"SELECT * FROM Win32_IP4RouteTable WHERE Destination = '10.0.0.0' AND Mask = '255.0.0.0' "
	"AND NextHop = '192.0.2.1' AND InterfaceIndex = 2",
	"SELECT * FROM Win32_IP4RouteTable WHERE Caption LIKE '10.%[0-9]_' OR Name NOT LIKE "
	"'[^a]%'",
	"SELECT * FROM Win32_IP4RouteTable WHERE InstallDate > '20261203073000.000000+060'",
	"SELECT * FROM Win32_IP4RouteTable WHERE Metric1 > 1.5 AND 3 >= Age",
	"SELECT * FROM Win32_IP4RouteTable WHERE Description IS NOT NULL AND Information IS NULL",
	"SELECT * FROM Win32_IP4PersistedRouteTable WHERE Metric1 <> -0x10 OR Metric1 != 7",
	"SELECT * FROM Win32_NetworkAdapter WHERE NetEnabled = TRUE AND Speed > 1000",
	"SELECT * FROM Win32_NetworkAdapter WHERE NetEnabled = 'False' OR Speed = "
	"18446744073709551615",
	"SELECT Name FROM Win32_NetworkAdapter WHERE NetworkAddresses = '02:00:00:00:00:01'",
	"SELECT * FROM Win32_NetworkAdapter WHERE TimeOfLastReset < '2026120307****.******+000'",
	"SELECT * FROM Win32_NetworkAdapterConfiguration WHERE IPAddress = '192.0.2.7' AND Index = "
	"'3'",
	"SELECT * FROM Win32_NetworkAdapterConfiguration WHERE DefaultIPGateway LIKE 'fe80::%'",
	"SELECT * FROM Win32_ActiveRoute WHERE SameElement ISA 'Win32_IP4PersistedRouteTable'",
	"SELECT * FROM Win32_ActiveRoute WHERE SystemElement = "
	"'\\\\.\\root\\cimv2:Win32_IP4RouteTable.Destination=\"10.0.0.0\",InterfaceIndex=2'",
	"SELECT * FROM Win32_ActiveRoute WHERE SameElement = "
	"'Win32_IP4PersistedRouteTable.Destination=\"10.95.0.0\",Metric1=3'",
	"SELECT * FROM Win32_PingStatus WHERE Address = '127.0.0.1' AND Timeout = 500",
	"SELECT * FROM Win32_IP4RouteTableEvent WITHIN 5 WHERE Destination = '10.0.0.0'",
	"SELECT * FROM cimIP6Route WHERE Destination = '2001:db8::' AND PrefixLength = 32",
	"SELECT * FROM cimIP6Route WHERE Destination < 'fe80::1%3'",
	"ASSOCIATORS OF {" PERSISTED "}",
	"ASSOCIATORS OF {\\\\.\\root\\cimv2:" PERSISTED "} WHERE AssocClass = Win32_ActiveRoute "
	"ResultClass = Win32_IP4RouteTable Role = SameElement ResultRole = SystemElement KeysOnly",
	"REFERENCES OF {Win32_IP4RouteTable.Destination='10.0.0.0'} WHERE ResultClass = "
	"Win32_ActiveRoute Role = SystemElement",
	"REFERENCES OF //router1.example.net/ROOT/CIMV2:" PERSISTED,
	"ASSOCIATORS OF {" PERSISTED "} WHERE ClassDefsOnly SchemaOnly RequiredQualifier = Key "
	"RequiredAssocQualifier = Association",
	"CREATE Win32_IP4PersistedRouteTable SET Destination='10.1.0.0', Mask='255.255.0.0', "
	"NextHop='10.1.0.9', Metric1=3",
	"UPDATE Win32_IP4PersistedRouteTable SET Metric1 = 5 WHERE Destination = '10.1.0.0'",
	"DELETE FROM Win32_IP4PersistedRouteTable WHERE Destination = '10.50.0.0'",
	"CALL Win32_NetworkAdapter.Disable() WHERE InterfaceIndex = 2",
	"CALL Win32_NetworkAdapterConfiguration.EnableStatic(IPAddress=('192.0.2.7', "
	"'192.0.2.8'), SubnetMask=('255.255.255.0', '255.255.255.0')) WHERE Index = 3",
	"SELECT * FROM x WHERE a = 'it\\'s' AND b = \"q\\\"\" AND c = 1e3 AND d = -2.5e-3",
};

/* How far the mutated queries went: parsed, planned, evaluated. */
static size_t parsed, planned, evaluated;

/* xorshift64*: the same sequence on every run. */
static uint64_t rng = 0x9e3779b97f4a7c15u;

static size_t
rnd(size_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return n == 0 ? 0 : (size_t)((rng * 0x2545f4914f6cdd1du) >> 33) % n;
}

/* A growing query text. */
struct text {
	char *s;
	size_t n, cap;
};

static void
put(struct text *t, size_t at, const char *s, size_t n)
{
	if (t->n + n + 1 > t->cap) {
		t->cap = (t->n + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
		t->s[t->n] = '\0';
	}
	memmove(t->s + at + n, t->s + at, t->n - at + 1);
	memcpy(t->s + at, s, n);
	t->n += n;
}

static void
put_rep(struct text *t, size_t at, const char *s, size_t times)
{
	for (size_t k = 0; k < times; k++)
		put(t, at, s, strlen(s));
}

/* Where the condition starts (after WHERE), or a random place. */
static size_t
cond_at(const struct text *t)
{
	const char *w = strstr(t->s, "WHERE ");

	return w != NULL ? (size_t)(w - t->s) + 6 : rnd(t->n + 1);
}

static void
mutate(struct text *t)
{
	static const char bytes[] = "'\"\\{}()[]%_^-.,=<>!*:/ \t\n0aZ\x80\xc3\xff";
	size_t at = rnd(t->n + 1), k, len;
	const char *q;
	char big[6000];

	switch (rnd(10)) {
	case 0: /* bytes flipped */
		for (k = 1 + rnd(4); k > 0 && t->n > 0; k--) {
			at = rnd(t->n);
			t->s[at] = rnd(2) ? bytes[rnd(sizeof(bytes) - 1)] : (char)(1 + rnd(255));
		}
		break;
	case 1: /* cut short */
		t->n = at;
		t->s[at] = '\0';
		break;
	case 2: /* a piece repeated */
		len = rnd(t->n - at + 1);
		memcpy(big, t->s + at, len < sizeof(big) ? len : sizeof(big));
		for (k = 1 + rnd(20); k > 0; k--)
			put(t, at, big, len < sizeof(big) ? len : sizeof(big));
		break;
	case 3: /* a long string, name or number */
		len = 1 + rnd(sizeof(big) - 3);
		memset(big, "a9%'"[rnd(4)], len);
		if (rnd(2)) {
			big[0] = '\'';
			big[len++] = '\'';
		}
		put(t, at, big, len);
		break;
	case 4: /* nested parentheses around the condition */
		len = rnd(2) ? 1 + rnd(199) : 190 + rnd(20);
		at = cond_at(t);
		put_rep(t, t->n, ")", len);
		put_rep(t, at, "(", len);
		break;
	case 5: /* NOTs */
		put_rep(t, cond_at(t), rnd(2) ? "NOT " : "NOT(",
		    rnd(2) ? 1 + rnd(199) : 190 + rnd(20));
		break;
	case 6: /* a piece of another query */
		q = corpus[rnd(sizeof(corpus) / sizeof(corpus[0]))];
		put(t, at, q, rnd(strlen(q) + 1));
		break;
	case 8: /* a long run after a quote: mostly inside a string */
		if ((q = strchr(t->s + at, '\'')) == NULL && (q = strchr(t->s, '\'')) == NULL)
			break;
		len = 1 + rnd(sizeof(big) - 1);
		memset(big, "a%_[9 "[rnd(6)], len);
		put(t, (size_t)(q - t->s) + 1, big, len);
		break;
	case 9: /* the condition doubled: (c) AND (c), (c) OR NOT (c) */
		at = cond_at(t);
		len = t->n - at;
		if (len >= sizeof(big) || strstr(t->s, "WHERE ") == NULL)
			break;
		memcpy(big, t->s + at, len);
		q = rnd(2) ? ") AND (" : ") OR NOT (";
		put(t, t->n, q, strlen(q));
		put(t, t->n, big, len);
		put(t, t->n, ")", 1);
		put(t, at, "(", 1);
		break;
	default: { /* a token of WQL */
		static const char *const toks[] = { " AND ", " OR ", " NOT ", "(", ")", " LIKE ",
			" IS ", " ISA ", " = ", ",", "{", "}", " WHERE ", " KeysOnly ",
			"\\\\.\\root:", " NULL ", "''", "0x", "-", "." };
		const char *tok = toks[rnd(sizeof(toks) / sizeof(toks[0]))];

		put(t, at, tok, strlen(tok));
		break;
	}
	}
}

/* A value of p's kind (v: 0 NULL, 1 a plausible one, 2 the text junk). */
static void
value_of(const struct cmap_prop *p, int v, const char *junk, struct cq_value *out)
{
	static const char *const plausible[] = { "eth0", "-3", "7", "1",
		"20261203073000.000000+060", PERSISTED };

	memset(out, 0, sizeof(*out));
	if (v == 0)
		return;
	if (p->array) {
		struct cmap_prop one = *p;

		one.array = 0;
		out->kind = CQ_V_ARRAY;
		out->n = 2;
		out->a = calloc(2, sizeof(*out->a));
		assert_non_null(out->a);
		value_of(&one, 1, junk, &out->a[0]);
		value_of(&one, v, junk, &out->a[1]);
		return;
	}
	switch (p->type) {
	case CMAP_T_SINT: out->kind = CQ_V_SINT, out->i = v == 1 ? -3 : INT64_MIN; break;
	case CMAP_T_UINT: out->kind = CQ_V_UINT, out->u = v == 1 ? 7 : UINT64_MAX; break;
	case CMAP_T_BOOL: out->kind = CQ_V_BOOL, out->b = v == 1; break;
	default:
		out->kind = CQ_V_STR;
		out->s = strdup(v == 2 ? junk :
			p->syntax != NULL && strstr(p->syntax, "Address") != NULL ?
					 "10.1.0.0" :
					 plausible[p->type]);
		assert_non_null(out->s);
	}
}

/* The where of p evaluated on rows of every kind. */
static void
eval_rows(const struct plan *p, const char *junk)
{
	const struct cmap_class *c = p->cls;
	struct cq_value *row = calloc(c->nprops + 1, sizeof(*row));

	assert_non_null(row);
	evaluated++;
	for (int v = 0; v < 3; v++) {
		enum cq_truth t;

		for (size_t k = 0; k < c->nprops; k++)
			value_of(&c->props[k], v, junk, &row[k]);
		t = eval_expr(c, p->filter, row);
		assert_true(t == CQ_TRUE || t == CQ_FALSE || t == CQ_UNKNOWN);
		for (size_t k = 0; k < c->nprops; k++)
			cq_value_clear(&row[k]);
	}
	free(row);
}

static void
plan_err_ok(const char *q, const struct plan_err *pe)
{
	if (pe->pos > strlen(q) || pe->msg[0] == '\0' || pe->status < 1 || pe->status > 8)
		fail_msg("%s: status %d, caret at %zu: '%s'", q, pe->status, pe->pos, pe->msg);
}

/* What cimq does with a statement s of q (main.c's prepare, without SNMP). */
static void
plan_stmt(const char *q, struct wql_stmt *s)
{
	const struct cmap_class *c = cmap_class(map, s->cls);
	struct plan_err pe = { 0 };
	struct assoc_plan *ap = NULL;
	struct plan *p = NULL;
	size_t pos = 0;
	char msg[200];

	if (c == NULL)
		return;
	if (plan_make(c, s, &p, &pe) != 0) {
		plan_err_ok(q, &pe);
		return;
	}
	planned++;
	if ((s->kind == WQL_ASSOCIATORS || s->kind == WQL_REFERENCES) &&
	    assoc_plan_make(map, s, &ap, &pe) != 0)
		plan_err_ok(q, &pe);
	assoc_plan_free(ap);
	if (eval_check_names(map, c, s->where, "router1", &pos, msg, sizeof(msg)) != 0 &&
	    (pos > strlen(q) || msg[0] == '\0'))
		fail_msg("%s: names: caret at %zu: '%s'", q, pos, msg);
	eval_rows(p, q);
	plan_free(p);
}

/* q through the parsers, the planner and the evaluator. */
static void
run_one(const char *q, FILE *null)
{
	struct wql_stmt *s = NULL;
	struct wql_err err;

	if (wql_parse(q, &s, &err) != 0) {
		if (s != NULL || err.pos > strlen(q) || err.msg[0] == '\0')
			fail_msg("%s: refused with a caret at %zu: '%s'", q, err.pos, err.msg);
		wql_err_print(null, "cimq", q, &err);
	} else {
		assert_non_null(s);
		parsed++;
		if (wql_path_check(s, "router1", &err) != 0)
			wql_err_print(null, "cimq", q, &err);
		else
			plan_stmt(q, s);
		wql_free(s);
	}
	if (wql_parse_path(q, &s, &err) == 0) {
		wql_path_check(s, NULL, &err);
		wql_free(s);
	} else if (err.pos > strlen(q))
		fail_msg("%s: path refused with a caret at %zu", q, err.pos);
	eval_like(q, corpus[rnd(sizeof(corpus) / sizeof(corpus[0]))]);
	eval_like(corpus[rnd(sizeof(corpus) / sizeof(corpus[0]))], q);
}

/* The corpus is valid WQL (else the mutations start from errors only). */
static void
test_corpus(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(corpus) / sizeof(corpus[0]); k++) {
		struct wql_stmt *s;
		struct wql_err err;

		if (wql_parse(corpus[k], &s, &err) != 0)
			fail_msg("%s: %s at %zu", corpus[k], err.msg, err.pos);
		wql_free(s);
	}
}

#define RUNS 4000

static void
test_mutations(void **state)
{
	FILE *null = fopen("/dev/null", "w");
	struct text t = { 0 };

	(void)state;
	if (getenv("CQFUZZ_SEED") != NULL) /* another sequence, to search further */
		rng = strtoull(getenv("CQFUZZ_SEED"), NULL, 0) * 2 + 1;
	assert_non_null(null);
	if (map == NULL) {
		fclose(null);
		skip();
	}
	for (size_t run = 0; run < RUNS; run++) {
		const char *q = corpus[run % (sizeof(corpus) / sizeof(corpus[0]))];

		t.n = 0;
		if (t.s != NULL)
			t.s[0] = '\0';
		put(&t, 0, q, strlen(q));
		for (size_t k = 1 + rnd(3) * rnd(2); k > 0; k--)
			mutate(&t);
		run_one(t.s, null);
	}
	free(t.s);
	fclose(null);
	/* the mutations reach the planner and the evaluator, not the lexer only */
	print_message("%zu queries: %zu parsed, %zu planned, %zu evaluated\n", (size_t)RUNS, parsed,
	    planned, evaluated);
	assert_true(parsed > RUNS / 5 && evaluated > RUNS / 10);
}

/* Row indexes as an agent might send them (never trust the agent): random
   lengths and sub-identifiers (0, 4, 16, 20, 255, 256, 2^31, 2^32 - 1...)
   decoded for every table of the map; a decoded index encodes back to
   itself. */
static void
test_decode_index(void **state)
{
	static const oid subs[] = { 0, 1, 3, 4, 8, 16, 20, 127, 255, 256, 0x7fffffff, 0x80000000,
		0xffffffff };
	size_t decoded = 0;

	(void)state;
	if (map == NULL)
		skip();
	for (size_t run = 0; run < 20000; run++) {
		const struct cmap_class *c = &map->classes[rnd(map->nclasses)];
		struct cq_value v[MAX_OID_LEN] = { { 0 } };
		oid sub[40], back[MAX_OID_LEN];
		size_t len = rnd(sizeof(sub) / sizeof(sub[0])), blen = 0;

		for (size_t k = 0; k < len; k++)
			sub[k] = rnd(3) ? (oid)rnd(256) : subs[rnd(sizeof(subs) / sizeof(subs[0]))];
		if (c->table.nix > MAX_OID_LEN || plan_decode_index(c, &c->table, sub, len, v) != 0)
			continue;
		decoded++;
		for (size_t k = 0; k < c->table.nix; k++) {
			assert_int_equal(plan_encode(&c->table, k, &v[k], back, &blen), 0);
			cq_value_clear(&v[k]);
		}
		assert_int_equal(blen, len);
		assert_memory_equal(back, sub, len * sizeof(oid));
	}
	print_message("20000 indexes: %zu decoded\n", decoded);
	assert_true(decoded > 100);
}

/* head, rep as often as it fits, tail: a query of 128 KiB, the longest one
   argument of a command line (MAX_ARG_STRLEN); *times rep. */
static char *
longest(const char *head, const char *rep, const char *tail, size_t *times)
{
	size_t cap = 128 * 1024, n = strlen(head), r = strlen(rep);
	char *q = malloc(cap);

	assert_non_null(q);
	memcpy(q, head, n);
	for (*times = 0; n + r + strlen(tail) < cap; ++*times, n += r)
		memcpy(q + n, rep, r);
	strcpy(q + n, tail);
	return q;
}

/* q parses, plans and evaluates on a row of NULLs to want. */
static struct wql_stmt *
long_ok(const char *q, enum cq_truth want)
{
	struct wql_stmt *s;
	struct wql_err err;
	struct plan_err pe;
	struct plan *p;
	struct cq_value row[64] = { { 0 } };
	const struct cmap_class *c;

	if (wql_parse(q, &s, &err) != 0)
		fail_msg("%.60s...: %s at %zu", q, err.msg, err.pos);
	c = cmap_class(map, s->cls);
	assert_true(c != NULL && c->nprops <= 64);
	if (plan_make(c, s, &p, &pe) != 0)
		fail_msg("%.60s...: %s at %zu", q, pe.msg, pe.pos);
	assert_int_equal(eval_expr(c, p->filter, row), want);
	plan_free(p);
	return s;
}

/* The longest queries: a list of 20,000 names or values, 10,000 strings,
   an OR chain of 10,000 (evaluated by recursion) in little memory: the
   parser's arrays and strings took memory quadratic in their number, GBs
   (8 GB and 20 s for the SELECT list). */
static void
test_longest(void **state)
{
	struct rusage ru;
	struct wql_stmt *s;
	size_t n;
	char *q;

	(void)state;
	if (map == NULL)
		skip();
	q = longest("SELECT Age", ", Age", " FROM Win32_IP4RouteTable", &n);
	s = long_ok(q, CQ_TRUE);
	assert_int_equal(s->nprops, n + 1);
	assert_string_equal(s->props[n], "Age");
	assert_int_equal(s->props_pos[n], 128 * 1024 - 30);
	wql_free(s);
	free(q);
	q = longest("SELECT * FROM Win32_IP4RouteTable WHERE Caption = 'a\\'b'",
	    " OR Caption = 'a\\'b'", "", &n);
	s = long_ok(q, CQ_UNKNOWN);
	assert_string_equal(s->where->r->lit.s, "a'b");
	wql_free(s);
	free(q);
	q = longest("CALL Win32_NetworkAdapterConfiguration.EnableStatic(IPAddress=('192.0.2.1'",
	    ", '192.0.2.1'", "), SubnetMask=('255.255.255.0')) WHERE Index = 3", &n);
	s = long_ok(q, CQ_UNKNOWN);
	assert_int_equal(s->nset, 2);
	assert_int_equal(s->set[0].val.n, n + 1);
	assert_string_equal(s->set[0].val.items[n].s, "192.0.2.1");
	assert_string_equal(s->set[1].val.items[0].s, "255.255.255.0");
	wql_free(s);
	free(q);
	q = longest("SELECT * FROM Win32_IP4RouteTable WHERE Metric1 = 1", " OR Metric1 = 1", "",
	    &n);
	wql_free(long_ok(q, CQ_UNKNOWN));
	free(q);
#ifndef __SANITIZE_ADDRESS__ /* ASan's quarantine and shadow add their own */
	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	if (ru.ru_maxrss > 256 * 1024)
		fail_msg("%ld kB at most in use: the parser's memory is not linear", ru.ru_maxrss);
#else
	(void)ru;
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_longest),
		cmocka_unit_test(test_decode_index),
	};

	return cmocka_run_group_tests(tests, cq_setup, cq_teardown);
}
