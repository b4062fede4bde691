/*
 * Unit test: cimq's WQL parser (cimq/wql.c): every statement form, the
 * operators and their precedence, literals, and syntax errors with their
 * exact byte offsets and messages.  The AST is printed as an S-expression
 * and compared with the expected text.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cimq/wql.h"

struct buf {
	char s[2048];
	size_t n;
};

static void __attribute__((format(printf, 2, 3))) out(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	b->n += (size_t)vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
}

static void
lit(struct buf *b, const struct wql_lit *l)
{
	switch (l->kind) {
	case WQL_L_STR: out(b, "'%s'", l->s); break;
	case WQL_L_INT: out(b, "%s%llu", l->neg ? "-" : "", (unsigned long long)l->mag); break;
	case WQL_L_REAL: out(b, "%g", l->r); break;
	case WQL_L_BOOL: out(b, l->b ? "TRUE" : "FALSE"); break;
	case WQL_L_NULL: out(b, "NULL"); break;
	case WQL_L_LIST:
		out(b, "(");
		for (size_t k = 0; k < l->n; k++) {
			out(b, k > 0 ? " " : "");
			lit(b, &l->items[k]);
		}
		out(b, ")");
		break;
	}
}

static void
expr(struct buf *b, const struct wql_expr *e)
{
	switch (e->kind) {
	case WQL_E_CMP: out(b, "(%s %s ", wql_op_text(e->op), e->prop); break;
	case WQL_E_LIKE: out(b, "(LIKE %s ", e->prop); break;
	case WQL_E_ISA: out(b, "(ISA %s ", e->prop); break;
	case WQL_E_ISNULL: out(b, "(ISNULL %s)", e->prop); return;
	case WQL_E_NOT:
		out(b, "(NOT ");
		expr(b, e->l);
		out(b, ")");
		return;
	default:
		out(b, "(%s ", e->kind == WQL_E_AND ? "AND" : "OR");
		expr(b, e->l);
		out(b, " ");
		expr(b, e->r);
		out(b, ")");
		return;
	}
	lit(b, &e->lit);
	out(b, ")");
}

static void
assigns(struct buf *b, const struct wql_stmt *s)
{
	for (size_t k = 0; k < s->nset; k++) {
		out(b, " %s=", s->set[k].name);
		lit(b, &s->set[k].val);
	}
}

static const char *const kinds[] = { "SELECT", "ASSOCIATORS", "REFERENCES", "CREATE", "UPDATE",
	"DELETE", "CALL" };

static void
stmt(struct buf *b, const struct wql_stmt *s)
{
	out(b, "%s %s", kinds[s->kind], s->cls);
	if (s->kind == WQL_SELECT) {
		out(b, s->star ? " [*]" : " [");
		for (size_t k = 0; k < s->nprops; k++)
			out(b, "%s%s", k > 0 ? " " : "", s->props[k]);
		out(b, s->star ? "" : "]");
	}
	if (s->method != NULL)
		out(b, ".%s", s->method);
	assigns(b, s);
	if (s->within >= 0)
		out(b, " WITHIN %g", s->within);
	if (s->result_class != NULL)
		out(b, " ResultClass=%s", s->result_class);
	if (s->assoc_class != NULL)
		out(b, " AssocClass=%s", s->assoc_class);
	if (s->role != NULL)
		out(b, " Role=%s", s->role);
	if (s->keys_only)
		out(b, " KeysOnly");
	if (s->where != NULL) {
		out(b, " WHERE ");
		expr(b, s->where);
	}
}

static void
ok(const char *q, const char *want)
{
	struct wql_stmt *s;
	struct wql_err err;
	struct buf b = { .n = 0 };

	if (wql_parse(q, &s, &err) != 0)
		fail_msg("%s: error at %zu: %s", q, err.pos, err.msg);
	stmt(&b, s);
	if (strcmp(b.s, want) != 0)
		fail_msg("%s\n got  %s\n want %s", q, b.s, want);
	wql_free(s);
}

static void
bad(const char *q, size_t pos, const char *msg)
{
	struct wql_stmt *s = NULL;
	struct wql_err err;

	if (wql_parse(q, &s, &err) == 0)
		fail_msg("%s: parsed", q);
	assert_null(s);
	if (err.pos != pos || strcmp(err.msg, msg) != 0)
		fail_msg("%s\n got  %zu %s\n want %zu %s", q, err.pos, err.msg, pos, msg);
}

static void
test_select(void **state)
{
	(void)state;
	ok("SELECT * FROM Win32_IP4RouteTable", "SELECT Win32_IP4RouteTable [*]");
	ok("select Destination, Mask,NextHop FROM Win32_IP4RouteTable",
	    "SELECT Win32_IP4RouteTable [Destination Mask NextHop]");
	ok("SELECT Destination, Mask, NextHop, Metric1 FROM Win32_IP4RouteTable WHERE NextHop = "
	   "'192.0.2.1'",
	    "SELECT Win32_IP4RouteTable [Destination Mask NextHop Metric1] WHERE (= NextHop "
	    "'192.0.2.1')");
	ok("SELECT * FROM Win32_NetworkAdapterConfiguration WHERE IPEnabled = TRUE",
	    "SELECT Win32_NetworkAdapterConfiguration [*] WHERE (= IPEnabled TRUE)");
	ok("SeLeCt * fRoM x wHeRe a=1", "SELECT x [*] WHERE (= a 1)");
	ok("  SELECT\t*\nFROM x  ", "SELECT x [*]");
}

static void
test_events(void **state)
{
	(void)state;
	ok("SELECT * FROM Win32_IP4RouteTableEvent WITHIN 5",
	    "SELECT Win32_IP4RouteTableEvent [*] WITHIN 5");
	ok("SELECT * FROM Win32_IP4RouteTableEvent WITHIN 0.5 WHERE TIME_CREATED > "
	   "'20261202000000.000000+000'",
	    "SELECT Win32_IP4RouteTableEvent [*] WITHIN 0.5 WHERE (> TIME_CREATED "
	    "'20261202000000.000000+000')");
	bad("SELECT * FROM E WITHIN", 22, "expected a number of seconds");
	bad("SELECT * FROM E WITHIN 0", 23, "expected a number of seconds above 0");
}

static void
test_operators(void **state)
{
	(void)state;
	ok("SELECT * FROM c WHERE a = 1 AND b <> 2 AND c != 3",
	    "SELECT c [*] WHERE (AND (AND (= a 1) (<> b 2)) (<> c 3))");
	ok("SELECT * FROM c WHERE a < 1 OR b > 2 OR c <= 3 OR d >= 4",
	    "SELECT c [*] WHERE (OR (OR (OR (< a 1) (> b 2)) (<= c 3)) (>= d 4))");
	ok("SELECT * FROM c WHERE a LIKE '10.%' AND b NOT LIKE '_x[a-c]'",
	    "SELECT c [*] WHERE (AND (LIKE a '10.%') (NOT (LIKE b '_x[a-c]')))");
	ok("SELECT * FROM c WHERE a IS NULL OR b IS NOT NULL",
	    "SELECT c [*] WHERE (OR (ISNULL a) (NOT (ISNULL b)))");
	ok("SELECT * FROM c WHERE SameElement ISA 'Win32_IP4PersistedRouteTable'",
	    "SELECT c [*] WHERE (ISA SameElement 'Win32_IP4PersistedRouteTable')");
	/* literal first: the operator turns around */
	ok("SELECT * FROM c WHERE 10 < Metric1 AND 'x' = Name",
	    "SELECT c [*] WHERE (AND (> Metric1 10) (= Name 'x'))");
}

static void
test_precedence(void **state)
{
	(void)state;
	/* NOT binds tighter than AND, AND tighter than OR */
	ok("SELECT * FROM c WHERE a = 1 OR b = 2 AND c = 3",
	    "SELECT c [*] WHERE (OR (= a 1) (AND (= b 2) (= c 3)))");
	ok("SELECT * FROM c WHERE NOT a = 1 AND b = 2",
	    "SELECT c [*] WHERE (AND (NOT (= a 1)) (= b 2))");
	ok("SELECT * FROM c WHERE (a = 1 OR b = 2) AND c = 3",
	    "SELECT c [*] WHERE (AND (OR (= a 1) (= b 2)) (= c 3))");
	ok("SELECT * FROM c WHERE NOT (a = 1 OR NOT b = 2)",
	    "SELECT c [*] WHERE (NOT (OR (= a 1) (NOT (= b 2))))");
	ok("SELECT * FROM c WHERE ((a = 1))", "SELECT c [*] WHERE (= a 1)");
}

static void
test_literals(void **state)
{
	(void)state;
	ok("SELECT * FROM c WHERE a = 'it\\'s' OR b = \"say \\\"hi\\\"\" OR c = 'a\\\\b'",
	    "SELECT c [*] WHERE (OR (OR (= a 'it's') (= b 'say \"hi\"')) (= c 'a\\b'))");
	/* WQL escapes with a backslash: a doubled quote is an error, where it stands */
	bad("SELECT * FROM c WHERE a = 'it''s'", 29,
	    "expected \\' for a quote inside a string (WQL has no doubled quotes)");
	bad("SELECT * FROM c WHERE a = \"say \"\"hi\"\"\"", 31,
	    "expected \\\" for a quote inside a string (WQL has no doubled quotes)");
	ok("SELECT * FROM c WHERE a = '' OR b = \"'\"",
	    "SELECT c [*] WHERE (OR (= a '') (= b '''))");
	ok("SELECT * FROM c WHERE a = -5 OR b = +7 OR c = 0x1F OR d = 18446744073709551615",
	    "SELECT c [*] WHERE (OR (OR (OR (= a -5) (= b 7)) (= c 31)) (= d "
	    "18446744073709551615))");
	ok("SELECT * FROM c WHERE a = 1.5 OR b = 2e3 OR c = -0",
	    "SELECT c [*] WHERE (OR (OR (= a 1.5) (= b 2000)) (= c 0))");
	ok("SELECT * FROM c WHERE a = true OR b = FALSE OR c = null",
	    "SELECT c [*] WHERE (OR (OR (= a TRUE) (= b FALSE)) (= c NULL))");
	ok("SELECT * FROM c WHERE a = ''", "SELECT c [*] WHERE (= a '')");
	ok("SELECT * FROM c WHERE a = 1e-400 OR b = -2.5e-310",
	    "SELECT c [*] WHERE (OR (= a 0) (= b -2.5e-310))");
	bad("SELECT * FROM c WHERE a = 1e400", 26, "number too large");
	bad("SELECT * FROM c WHERE a = 18446744073709551616", 26, "number too large");
	bad("SELECT * FROM c WHERE a = -9223372036854775809", 26, "number too large");
	bad("SELECT * FROM c WHERE a = 12ab", 26, "bad number");
	bad("SELECT * FROM c WHERE a = 'abc", 26, "unterminated string");
	bad("SELECT * FROM c WHERE a = - 'x'", 28, "expected a number");
}

/* q's object path has the prefix \\server\ns: (NULL: none) at those offsets */
static void
prefix_ok(const char *q, const char *server, size_t server_pos, const char *ns, size_t ns_pos)
{
	struct wql_stmt *s;
	struct wql_err err;

	if (wql_parse(q, &s, &err) != 0)
		fail_msg("%s: error at %zu: %s", q, err.pos, err.msg);
	if ((server == NULL) != (s->server == NULL) || (ns == NULL) != (s->ns == NULL) ||
	    (server != NULL && (strcmp(server, s->server) != 0 || server_pos != s->server_pos)) ||
	    (ns != NULL && (strcmp(ns, s->ns) != 0 || ns_pos != s->ns_pos)))
		fail_msg("%s: server %s at %zu, namespace %s at %zu", q, s->server, s->server_pos,
		    s->ns, s->ns_pos);
	wql_free(s);
}

static void
test_assoc(void **state)
{
	(void)state;
	ok("ASSOCIATORS OF {Win32_IP4PersistedRouteTable.Destination='10.0.0.0',"
	   "Mask='255.0.0.0',NextHop='192.0.2.1',Metric1=-1}",
	    "ASSOCIATORS Win32_IP4PersistedRouteTable Destination='10.0.0.0' Mask='255.0.0.0' "
	    "NextHop='192.0.2.1' Metric1=-1");
	ok("REFERENCES OF {Win32_IP4RouteTable.Destination='0.0.0.0'} WHERE ResultClass = "
	   "Win32_ActiveRoute Role = SystemElement KeysOnly",
	    "REFERENCES Win32_IP4RouteTable Destination='0.0.0.0' ResultClass=Win32_ActiveRoute "
	    "Role=SystemElement KeysOnly");
	ok("associators of {Win32_IP4RouteTable} where AssocClass=Win32_ActiveRoute",
	    "ASSOCIATORS Win32_IP4RouteTable AssocClass=Win32_ActiveRoute");
	bad("ASSOCIATORS {x}", 12, "expected OF");
	ok("ASSOCIATORS OF Win32_IP4PersistedRouteTable.Destination='10.0.0.0', Metric1=1 WHERE "
	   "Role = SameElement",
	    "ASSOCIATORS Win32_IP4PersistedRouteTable Destination='10.0.0.0' Metric1=1 "
	    "Role=SameElement"); /* the braces are optional */
	bad("ASSOCIATORS OF", 14, "expected a class name");
	bad("ASSOCIATORS OF x.a='1'}", 22, "expected the end of the query");
	bad("REFERENCES OF {x.a}", 18, "expected '='");
	bad("REFERENCES OF {x.a='1'", 22, "expected '}'");
	prefix_ok("ASSOCIATORS OF {\\\\.\\root\\cimv2:Win32_NetworkAdapter.DeviceID=\"2\"}", ".",
	    18, "root\\cimv2", 20);
	prefix_ok("REFERENCES OF //router1.example.net/ROOT/CIMV2:x.a=1", "router1.example.net", 16,
	    "ROOT/CIMV2", 36);
	prefix_ok("ASSOCIATORS OF root\\cimv2:x.a=1", NULL, 0, "root\\cimv2", 15);
	prefix_ok("ASSOCIATORS OF {x.a=1}", NULL, 0, NULL, 0);
	bad("ASSOCIATORS OF {\\\\.\\root\\cimv2 x.a=1}", 16, "unexpected character '\\'");
	bad("ASSOCIATORS OF {\\\\\\root:x.a=1}", 16, "unexpected character '\\'");
	bad("ASSOCIATORS OF {root\\cimv2:}", 27, "expected a class name");
	bad("SELECT * FROM root\\cimv2:x", 14, "expected a class name");
	bad("REFERENCES OF {x} WHERE Colour = 1", 24,
	    "expected ResultClass, AssocClass, Role, ResultRole, RequiredQualifier, "
	    "RequiredAssocQualifier, ClassDefsOnly, KeysOnly or SchemaOnly");
}

/* Each WHERE keyword of ASSOCIATORS/REFERENCES OF at most once (WMI:
   WBEM_E_INVALID_QUERY), the caret under the second; where each one is. */
static void
test_assoc_repeated(void **state)
{
	struct wql_stmt *s;
	struct wql_err err;

	(void)state;
	bad("ASSOCIATORS OF {x.a=1} WHERE ResultClass = A ResultClass = B", 45,
	    "ResultClass given twice");
	bad("REFERENCES OF {x.a=1} WHERE KeysOnly Role = r keysonly", 46, "KeysOnly given twice");
	bad("ASSOCIATORS OF x.a=1 WHERE Role = r ResultRole = s ROLE = r", 51, "Role given twice");
	bad("ASSOCIATORS OF x.a=1 WHERE SchemaOnly SchemaOnly", 38, "SchemaOnly given twice");
	bad("ASSOCIATORS OF x.a=1 WHERE RequiredQualifier = q RequiredQualifier = q", 49,
	    "RequiredQualifier given twice");
	assert_int_equal(wql_parse("ASSOCIATORS OF {x.a=1} WHERE KeysOnly AssocClass = A "
				   "ResultClass=B Role = r ResultRole= s RequiredQualifier = q "
				   "RequiredAssocQualifier = Q ClassDefsOnly SchemaOnly",
			     &s, &err),
	    0);
	assert_int_equal(s->keys_only_at.kw, 29);
	assert_int_equal(s->keys_only_at.val, 29);
	assert_int_equal(s->assoc_class_at.kw, 38);
	assert_int_equal(s->assoc_class_at.val, 51);
	assert_int_equal(s->result_class_at.kw, 53);
	assert_int_equal(s->result_class_at.val, 65);
	assert_int_equal(s->role_at.val, 74);
	assert_int_equal(s->result_role_at.val, 88);
	assert_int_equal(s->required_qualifier_at.val, 110);
	assert_int_equal(s->required_assoc_qualifier_at.val, 137);
	assert_int_equal(s->classdefs_only_at.kw, 139);
	assert_int_equal(s->schema_only_at.kw, 153);
	assert_int_equal(s->role_at.kw, 67);
	assert_int_equal(s->result_role_at.kw, 76);
	assert_int_equal(s->required_qualifier_at.kw, 90);
	assert_int_equal(s->required_assoc_qualifier_at.kw, 112);
	wql_free(s);
	assert_int_equal(wql_parse("REFERENCES OF {x.a=1}", &s, &err), 0);
	assert_int_equal(s->keys_only_at.kw + s->role_at.kw + s->role_at.val, 0);
	wql_free(s);
}

/* The prefix's server is . or the agent's name, its namespace root\cimv2. */
static void
test_path_check(void **state)
{
	static const struct {
		const char *path, *host, *msg; /* msg NULL: accepted */
		size_t pos;
	} cases[] = {
		{ "x.a=1", "r1", NULL, 0 },
		{ "\\\\.\\root\\cimv2:x.a=1", NULL, NULL, 0 },
		{ "\\\\R1\\Root\\CimV2:x.a=1", "r1", NULL, 0 },
		{ "//./root/cimv2:x.a=1", "r1", NULL, 0 },
		{ "\\\\./root\\cimv2:x.a=1", "r1", NULL, 0 },
		{ "\\root\\cimv2:x.a=1", "r1", NULL, 0 },
		{ "\\\\r2\\root\\cimv2:x.a=1", "r1",
		    "server r2 is not the agent queried: a path names \\\\. or \\\\r1", 2 },
		{ "\\\\r2\\root\\cimv2:x.a=1", NULL,
		    "server r2 is not the agent queried: a path names \\\\.", 2 },
		{ "\\\\.\\root\\default:x.a=1", "r1",
		    "invalid namespace root\\default: cimq's classes are in root\\cimv2", 4 },
		{ "root:x.a=1", "r1", "invalid namespace root: cimq's classes are in root\\cimv2",
		    0 },
		{ "root\\cimv2\\x:x.a=1", "r1",
		    "invalid namespace root\\cimv2\\x: cimq's classes are in root\\cimv2", 0 },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct wql_stmt *s;
		struct wql_err err;
		int rc;

		if (wql_parse_path(cases[k].path, &s, &err) != 0)
			fail_msg("%s: error at %zu: %s", cases[k].path, err.pos, err.msg);
		rc = wql_path_check(s, cases[k].host, &err);
		if (cases[k].msg == NULL ?
			rc != 0 :
			rc == 0 || strcmp(err.msg, cases[k].msg) != 0 || err.pos != cases[k].pos)
			fail_msg("%s: got %d at %zu '%s'", cases[k].path, rc, err.pos, err.msg);
		wql_free(s);
	}
}

static void
test_writes(void **state)
{
	(void)state;
	ok("CREATE Win32_IP4RouteTable SET Destination='10.1.0.0', Mask='255.255.0.0', "
	   "NextHop='192.0.2.1', InterfaceIndex=3, Metric1=10",
	    "CREATE Win32_IP4RouteTable Destination='10.1.0.0' Mask='255.255.0.0' "
	    "NextHop='192.0.2.1' InterfaceIndex=3 Metric1=10");
	ok("UPDATE Win32_NetworkAdapter SET NetConnectionID='uplink' WHERE DeviceID = '2'",
	    "UPDATE Win32_NetworkAdapter NetConnectionID='uplink' WHERE (= DeviceID '2')");
	ok("DELETE FROM Win32_IP4PersistedRouteTable WHERE Destination = '10.50.0.0'",
	    "DELETE Win32_IP4PersistedRouteTable WHERE (= Destination '10.50.0.0')");
	ok("DELETE FROM x", "DELETE x");
	ok("CALL Win32_NetworkAdapterConfiguration.EnableStatic(IPAddress=('192.0.2.7'), "
	   "SubnetMask=('255.255.255.0')) WHERE Index = 3",
	    "CALL Win32_NetworkAdapterConfiguration.EnableStatic IPAddress=('192.0.2.7') "
	    "SubnetMask=('255.255.255.0') WHERE (= Index 3)");
	ok("call Win32_NetworkAdapter.Enable() where InterfaceIndex=2",
	    "CALL Win32_NetworkAdapter.Enable WHERE (= InterfaceIndex 2)");
	ok("CALL c.M(A=('a', 'b'), B=(), C=5)", "CALL c.M A=('a' 'b') B=() C=5");
	bad("CREATE x Destination='1'", 9, "expected SET");
	bad("CREATE x SET a", 14, "expected '='");
	bad("CREATE x SET a=1 WHERE b=2", 17, "expected the end of the query");
	bad("UPDATE x SET a=1,", 17, "expected a property name");
	bad("DELETE x", 7, "expected FROM");
	bad("CALL c(a=1)", 6, "expected '.' and a method name");
	bad("CALL c.M(a=1", 12, "expected ',' or ')'");
	bad("CALL c.M(a=('x' 'y'))", 16, "expected ',' or ')'");
	bad("CALL c.M(=1)", 9, "expected a parameter name");
}

static void
test_errors(void **state)
{
	(void)state;
	bad("", 0, "expected SELECT, ASSOCIATORS, REFERENCES, CREATE, UPDATE, DELETE or CALL");
	bad("SELEC * FROM x", 0,
	    "expected SELECT, ASSOCIATORS, REFERENCES, CREATE, UPDATE, DELETE or CALL");
	bad("SELECT FROM x", 7, "expected a property name or *");
	bad("SELECT a, FROM x", 10, "expected a property name or *");
	bad("SELECT 5 FROM x", 7, "expected a property name or *");
	bad("SELECT * x", 9, "expected FROM");
	bad("SELECT a b FROM x", 9, "expected FROM");
	bad("SELECT * FROM", 13, "expected a class name");
	bad("SELECT * FROM 'x'", 14, "expected a class name");
	bad("SELECT * FROM x y", 16, "expected WHERE or the end of the query");
	bad("SELECT * FROM x WHERE", 21, "expected a condition");
	bad("SELECT * FROM x WHERE a", 23, "expected a comparison operator, LIKE, IS or ISA");
	bad("SELECT * FROM x WHERE a =", 25, "expected a string, a number, TRUE, FALSE or NULL");
	bad("SELECT * FROM x WHERE a = b", 26, "expected a string, a number, TRUE, FALSE or NULL");
	bad("SELECT * FROM x WHERE a = 1 AND", 31, "expected a condition");
	bad("SELECT * FROM x WHERE (a = 1", 28, "expected ')'");
	bad("SELECT * FROM x WHERE a = 1)", 27, "expected the end of the query");
	bad("SELECT * FROM x WHERE a IS 1", 27, "expected NULL");
	bad("SELECT * FROM x WHERE a IS NOT", 30, "expected NULL");
	bad("SELECT * FROM x WHERE a NOT = 1", 28, "expected LIKE");
	bad("SELECT * FROM x WHERE a LIKE 5", 29, "expected a string");
	bad("SELECT * FROM x WHERE a ISA b", 28, "expected a string");
	bad("SELECT * FROM x WHERE 1 = 2", 26, "expected a property name");
	bad("SELECT * FROM x WHERE 1 LIKE a", 24, "expected a comparison operator");
	bad("SELECT * FROM x WHERE a == 1", 25, "expected a string, a number, TRUE, FALSE or NULL");
	bad("SELECT * FROM x WHERE a ! 1", 24, "unexpected character '!'");
	bad("SELECT * FROM x; DROP", 15, "unexpected character ';'");
}

static void
test_depth(void **state)
{
	char q[2048];
	size_t n = (size_t)snprintf(q, sizeof(q), "SELECT * FROM x WHERE ");

	(void)state;
	for (size_t k = 0; k < 200; k++)
		q[n++] = '(';
	n += (size_t)snprintf(q + n, sizeof(q) - n, "a = 1");
	for (size_t k = 0; k < 200; k++)
		q[n++] = ')';
	q[n] = '\0';
	ok(q, "SELECT x [*] WHERE (= a 1)");
	memmove(q + 23, q + 22, n - 21);
	q[22] = '(';
	bad(q, 222, "conditions nested too deeply (at most 200 parentheses and NOTs)");
	n = (size_t)snprintf(q, sizeof(q), "SELECT * FROM x WHERE ");
	for (size_t k = 0; k < 201; k++)
		n += (size_t)snprintf(q + n, sizeof(q) - n, "NOT ");
	snprintf(q + n, sizeof(q) - n, "a = 1");
	bad(q, 22 + 200 * 4, "conditions nested too deeply (at most 200 parentheses and NOTs)");
}

/* q fails to parse at pos; wql_err_print prints want */
static void
caret_is(const char *q, size_t pos, const char *want)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct wql_stmt *s;
	struct wql_err err;

	assert_non_null(f);
	assert_int_equal(wql_parse(q, &s, &err), -1);
	assert_int_equal(err.pos, pos);
	wql_err_print(f, "cimq", q, &err);
	fclose(f);
	assert_string_equal(text, want);
	free(text);
}

static void
test_caret(void **state)
{
	(void)state;
	caret_is("SELECT * FORM x", 9, "  SELECT * FORM x\n           ^\ncimq: expected FROM\n");
	/* a multi-byte character before the error takes one column */
	caret_is("SELECT * FROM x WHERE a = 'é' b", 31,
	    "  SELECT * FROM x WHERE a = 'é' b\n"
	    "                                ^\n"
	    "cimq: expected the end of the query\n");
	/* a query of several lines: the lines up to the error's, the caret under it in its line */
	caret_is("SELECT *\nFROM x\nWHERE\ta == 1\nAND b = 2", 25,
	    "  SELECT *\n"
	    "  FROM x\n"
	    "  WHERE\ta == 1\n"
	    "       \t   ^\n"
	    "cimq: expected a string, a number, TRUE, FALSE or NULL\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_assoc),
		cmocka_unit_test(test_assoc_repeated),
		cmocka_unit_test(test_path_check),
		cmocka_unit_test(test_writes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_caret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
