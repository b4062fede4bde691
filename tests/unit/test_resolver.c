/*
 * Unit tests: the resolver configuration (iface/resolver.c) read as glibc
 * reads it: comments, bad lines, a line longer than any buffer, more
 * servers and domains than kept, IPv6 servers with a zone by number and by
 * name, 'domain' and 'search' replacing each other; systemd-resolved's
 * per-link state; the stub detection and the files read again only when
 * they change; and cimDnsServerTable / cimDnsSuffixTable walked through
 * the real handler code (mib_tcpip.c).  And the DHCP clients' lease files
 * (iface/dhcplease.c): dhclient's blocks, the last one current, and
 * systemd-networkd's state by ifindex or NetworkManager's by name.  And
 * the writes: resolver_render() (other lines kept, servers and one search
 * line in place), resolver_manager(), and iface/resolvfile's load, atomic
 * replace, ownership (symbolic links, headers) and undo to the exact bytes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "iface/dhcplease.h"
#include "iface/ifmirror.h"
#include "iface/resolver.h"
#include "iface/resolvfile.h"
#include "snmp/mib.h"

#include "fixture.h"

static struct resolver_conf c;

static void
parse(const char *text)
{
	resolver_parse(text, strlen(text), &c);
}

static void
expect_server(size_t i, int family, const char *addr, uint32_t zone)
{
	uint8_t a[16] = { 0 };

	assert_true(i < c.srv.n);
	assert_int_equal(inet_pton(family, addr, a), 1);
	assert_int_equal(c.srv.v[i].family, family);
	assert_memory_equal(c.srv.v[i].addr, a, family == AF_INET ? 4 : 16);
	assert_int_equal(c.srv.v[i].zone, zone);
}

static void
test_basic(void **state)
{
	(void)state;
	parse("# comment\n"
	      "; another\n"
	      "nameserver 192.0.2.1\n"
	      "nameserver 2001:db8::53 # trailing comment\n"
	      "nameserver\t198.51.100.7;x\n"
	      "options ndots:2 edns0\n"
	      "search a.example b.example\n");
	assert_int_equal(c.srv.n, 3);
	expect_server(0, AF_INET, "192.0.2.1", 0);
	expect_server(1, AF_INET6, "2001:db8::53", 0);
	expect_server(2, AF_INET, "198.51.100.7", 0);
	assert_int_equal(c.nsearch, 2);
	assert_string_equal(c.search[0], "a.example");
	assert_string_equal(c.search[1], "b.example");
	assert_int_equal(c.skipped, 0);
}

static void
test_bad_lines(void **state)
{
	(void)state;
	parse(" nameserver 192.0.2.1\n" /* glibc: the keyword must start the line */
	      "nameserver\n"      /* no blank after the keyword: not a nameserver line at all */
	      "nameserver 10.1\n" /* inet_pton's dotted quad only */
	      "nameserver 192.0.2.300\n"
	      "nameserver fe80::1%nosuchif0\n"
	      "nameservers 192.0.2.9\n"
	      "nameserver 192.0.2.2\n"
	      "search\n" /* ignored: no name */
	      "domain\n" /* likewise */
	      "garbage line\n"
	      "nameserver 192.0.2.3"); /* no final newline */
	assert_int_equal(c.srv.n, 2);
	expect_server(0, AF_INET, "192.0.2.2", 0);
	expect_server(1, AF_INET, "192.0.2.3", 0);
	assert_int_equal(c.nsearch, 0);
	assert_int_equal(c.skipped, 3); /* 10.1, .300, the unknown zone */
}

static void
test_long_lines(void **state)
{
	size_t n = 100000;
	char *text = malloc(n + 2000), *p = text;

	(void)state;
	p += sprintf(p, "search ");
	memset(p, 'x', 300); /* a name longer than 253: not taken */
	p += 300;
	p += sprintf(p, " ok.example ");
	memset(p, 'y', n - 400); /* a word longer than any buffer */
	p += n - 400;
	p += sprintf(p, "\nnameserver ");
	memset(p, '1', 1000);
	p += 1000;
	sprintf(p, "\nnameserver 192.0.2.1\n");
	parse(text);
	free(text);
	assert_int_equal(c.nsearch, 1);
	assert_string_equal(c.search[0], "ok.example");
	assert_int_equal(c.srv.n, 1);
	expect_server(0, AF_INET, "192.0.2.1", 0);
	assert_int_equal(c.skipped, 3);
}

static void
test_too_many(void **state)
{
	char *text = malloc(100 * 64 + 20000), *p = text;

	(void)state;
	for (int i = 0; i < RESOLVER_MAX + 6; i++)
		p += sprintf(p, "nameserver 10.0.%d.%d\n", i / 256, i % 256);
	p += sprintf(p, "search");
	for (int i = 0; i < RESOLVER_MAX + 3; i++)
		p += sprintf(p, " d%d.example", i);
	sprintf(p, "\n");
	parse(text);
	free(text);
	assert_int_equal(c.srv.n, RESOLVER_MAX);
	expect_server(RESOLVER_MAX - 1, AF_INET, "10.0.0.63", 0);
	assert_int_equal(c.nsearch, RESOLVER_MAX);
	assert_string_equal(c.search[RESOLVER_MAX - 1], "d63.example");
	assert_int_equal(c.skipped, 6 + 3);
}

static void
test_zones(void **state)
{
	(void)state;
	parse("nameserver fe80::53%7\n"
	      "nameserver fe80::54%lo\n"
	      "nameserver 192.0.2.1%1\n" /* a zone on IPv4: glibc refuses it */
	      "nameserver fe80::55%\n");
	assert_int_equal(c.srv.n, 2);
	expect_server(0, AF_INET6, "fe80::53", 7);
	expect_server(1, AF_INET6, "fe80::54", if_nametoindex("lo"));
	assert_int_equal(c.skipped, 2);
}

static void
test_domain_search(void **state)
{
	(void)state;
	parse("search a.example b.example\ndomain d.example\n");
	assert_int_equal(c.nsearch, 1);
	assert_string_equal(c.search[0], "d.example");
	parse("domain d.example extra\nsearch a.example b.example\n");
	assert_int_equal(c.nsearch, 2);
	assert_string_equal(c.search[0], "a.example");
	parse("domain d.example\nsearch\n"); /* an empty search line changes nothing */
	assert_int_equal(c.nsearch, 1);
	assert_string_equal(c.search[0], "d.example");
}

static void
test_stub_and_link(void **state)
{
	struct resolver_servers s;

	(void)state;
	parse("nameserver 127.0.0.53\noptions edns0 trust-ad\n");
	assert_true(resolver_is_stub(&c));
	parse("nameserver 127.0.0.53\nnameserver 192.0.2.1\n");
	assert_false(resolver_is_stub(&c));
	parse("");
	assert_false(resolver_is_stub(&c));
	assert_int_equal(resolver_parse_link("# This is private data. Do not parse.\n"
					     "LLMNR=yes\n"
					     "SERVERS=192.0.2.1 [fe80::1]:53%3#dns.example bad "
					     "2001:db8::1%4\n"
					     "DOMAINS=x.example ~.\n",
			     strlen("# This is private data. Do not parse.\n"
				    "LLMNR=yes\n"
				    "SERVERS=192.0.2.1 [fe80::1]:53%3#dns.example bad "
				    "2001:db8::1%4\n"
				    "DOMAINS=x.example ~.\n"),
			     &s),
	    1);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.v[1].family, AF_INET6);
	assert_int_equal(s.v[1].zone, 3);
	assert_int_equal(s.v[2].zone, 4);
}

/* A temporary folder with a resolv.conf and resolved's state. */
static char dir[] = "/tmp/cimr-test-resolver.XXXXXX";
static char conf[64], rdir[64], netif[128], upstream[128], link2[192];

static void
test_files(void **state)
{
	struct resolver *r;
	struct timespec ts[2] = { { 0, UTIME_NOW }, { 100, 0 } };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/resolv.conf", dir);
	snprintf(rdir, sizeof(rdir), "%s/resolve", dir);
	snprintf(netif, sizeof(netif), "%s/netif", rdir);
	snprintf(upstream, sizeof(upstream), "%s/resolv.conf", rdir);
	snprintf(link2, sizeof(link2), "%s/2", netif);
	fx_write_file(conf, "nameserver 192.0.2.1\nsearch a.example\n");
	r = resolver_new(conf, rdir, NULL);
	assert_non_null(r);
	assert_int_equal(resolver_refresh(r), 1);
	assert_int_equal(resolver_global(r)->srv.n, 1);
	assert_null(resolver_link(r, 2));
	assert_int_equal(resolver_refresh(r), 0); /* unchanged: not read */
	/* The stub: the upstream file's servers and domains. */
	assert_int_equal(mkdir(rdir, 0700), 0);
	assert_int_equal(mkdir(netif, 0700), 0);
	fx_write_file(upstream,
	    "nameserver 198.51.100.1\nnameserver 198.51.100.2\nsearch up.example\n");
	fx_write_file(conf, "nameserver 127.0.0.53\nsearch stub.example\n");
	utimensat(AT_FDCWD, conf, ts, 0); /* a new mtime even within the same tick */
	fx_write_file(link2, "SERVERS=203.0.113.9\n");
	assert_int_equal(resolver_refresh(r), 1);
	assert_int_equal(resolver_global(r)->srv.n, 2);
	assert_string_equal(resolver_global(r)->search[0], "up.example");
	assert_non_null(resolver_link(r, 2));
	assert_int_equal(resolver_link(r, 2)->n, 1);
	assert_null(resolver_link(r, 3));

	/* The tables: lo (1) is not IP-enabled; eth (2) has resolved's; v4 (3) the global list. */
	{
		struct iface *ifm = iface_new();
		struct nl_msg *msg;
		oid name[MAX_OID_LEN], out[MAX_OID_LEN];
		size_t outlen, base = mib_dns_server_table->entry_len;
		struct mib_value v;
		static const oid want[][2] = { { 2, 1 }, { 3, 1 }, { 3, 2 } };

		msg = fx_link_msg(RTM_NEWLINK, 1, IFF_UP | IFF_LOOPBACK, "lo");
		iface_apply(ifm, nlmsg_hdr(msg));
		nlmsg_free(msg);
		msg = fx_link_msg(RTM_NEWLINK, 2, IFF_UP, "eth");
		iface_apply(ifm, nlmsg_hdr(msg));
		nlmsg_free(msg);
		msg = fx_link_msg(RTM_NEWLINK, 3, IFF_UP, "v4");
		iface_apply(ifm, nlmsg_hdr(msg));
		nlmsg_free(msg);
		msg = fx_addr_msg(RTM_NEWADDR, AF_INET, 1, "127.0.0.1", 8);
		iface_apply(ifm, nlmsg_hdr(msg));
		nlmsg_free(msg);
		msg = fx_addr_msg(RTM_NEWADDR, AF_INET, 2, "10.0.0.1", 24);
		iface_apply(ifm, nlmsg_hdr(msg));
		nlmsg_free(msg);
		msg = fx_addr_msg(RTM_NEWADDR, AF_INET, 3, "10.1.0.1", 24);
		iface_apply(ifm, nlmsg_hdr(msg));
		nlmsg_free(msg);
		mib_adcfg_bind(ifm, NULL, NULL, 0, 0);
		mib_tcpip_bind(ifm, r);

		memcpy(name, mib_dns_server_table->entry, base * sizeof(oid));
		name[base] = COL_DNSSERVER_ADDRESS;
		outlen = base + 1;
		for (size_t i = 0; i < 3; i++) {
			assert_int_equal(mib_table_getnext(mib_dns_server_table, name, outlen, 1,
					     out, &outlen, &v),
			    0);
			assert_int_equal(out[base], COL_DNSSERVER_ADDRESS);
			assert_int_equal(outlen, base + 3);
			assert_int_equal(out[base + 1], want[i][0]);
			assert_int_equal(out[base + 2], want[i][1]);
			assert_int_equal(v.len, 4);
			memcpy(name, out, outlen * sizeof(oid));
		}
		/* Past the last row: the RowStatus column's first row. */
		assert_int_equal(mib_table_getnext(mib_dns_server_table, name, outlen, 1, out,
				     &outlen, &v),
		    0);
		assert_int_equal(out[base], COL_DNSSERVER_ROWSTATUS);
		assert_int_equal(out[base + 1], 2);
		/* A partial index (3) and a gap (2.5): 3.1. */
		name[base] = COL_DNSSERVER_ADDRESS;
		name[base + 1] = 3;
		assert_int_equal(mib_table_getnext(mib_dns_server_table, name, base + 2, 1, out,
				     &outlen, &v),
		    0);
		assert_int_equal(out[base + 1], 3);
		assert_int_equal(out[base + 2], 1);
		name[base + 1] = 2;
		name[base + 2] = 5;
		assert_int_equal(mib_table_getnext(mib_dns_server_table, name, base + 3, 1, out,
				     &outlen, &v),
		    0);
		assert_int_equal(out[base + 1], 3);
		assert_int_equal(out[base + 2], 1);

		/* The suffixes: one, up.example. */
		base = mib_dns_suffix_table->entry_len;
		memcpy(name, mib_dns_suffix_table->entry, base * sizeof(oid));
		name[base] = COL_DNSSUFFIX_NAME;
		assert_int_equal(mib_table_getnext(mib_dns_suffix_table, name, base + 1, 1, out,
				     &outlen, &v),
		    0);
		assert_int_equal(out[base + 1], 1);
		assert_int_equal(v.len, strlen("up.example"));
		name[base + 1] = 1;
		assert_int_equal(mib_table_getnext(mib_dns_suffix_table, name, base + 2, 1, out,
				     &outlen, &v),
		    0);
		assert_int_equal(out[base], COL_DNSSUFFIX_ROWSTATUS);
		mib_adcfg_bind(NULL, NULL, NULL, 0, 0);
		iface_free(ifm);
	}
	resolver_free(r);
	unlink(link2);
	rmdir(netif);
	unlink(upstream);
	rmdir(rdir);
	unlink(conf);
	rmdir(dir);
}

/* ---- writing: resolver_render(), resolver_manager(), iface/resolvfile ---- */

/* text rendered with the servers (IPv4 text) and search names of the NULL-ended lists. */
static char *
render(const char *text, const char *const *srv, const char *const *search)
{
	static struct resolver_conf w;
	size_t len;
	char *out;

	memset(&w, 0, sizeof(w));
	for (; srv != NULL && *srv != NULL; srv++, w.srv.n++) {
		w.srv.v[w.srv.n].family = strchr(*srv, ':') != NULL ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(w.srv.v[w.srv.n].family, *srv, w.srv.v[w.srv.n].addr),
		    1);
	}
	for (; search != NULL && *search != NULL; search++)
		snprintf(w.search[w.nsearch++], sizeof(w.search[0]), "%s", *search);
	out = resolver_render(text, strlen(text), &w, &len);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
assert_render(const char *text, const char *const *srv, const char *const *search, const char *want)
{
	char *out = render(text, srv, search);

	assert_string_equal(out, want);
	parse(out); /* and glibc reads it back as asked */
	free(out);
}

static void
test_render(void **state)
{
	(void)state;
	/* Every other line stays where it was; servers where the first was, in order. */
	assert_render("# head\noptions ndots:2\nnameserver 192.0.2.1\n; mid\nnameserver 192.0.2.2\n"
		      "search a.example\noptions edns0\n",
	    LIST("198.51.100.1", "2001:db8::1", "192.0.2.2"), LIST("a.example", "b.example"),
	    "# head\noptions ndots:2\nnameserver 198.51.100.1\nnameserver 2001:db8::1\n"
	    "nameserver 192.0.2.2\n; mid\nsearch a.example b.example\noptions edns0\n");
	assert_int_equal(c.srv.n, 3);
	assert_int_equal(c.nsearch, 2);
	/* 'domain' and 'search': one search line where the last was, the domain line gone. */
	assert_render("search a.example\nnameserver 192.0.2.1\ndomain b.example\n",
	    LIST("192.0.2.1"), LIST("c.example", "b.example"),
	    "nameserver 192.0.2.1\nsearch c.example b.example\n");
	assert_string_equal(c.search[0], "c.example");
	/* No search list: no search line; no servers: no nameserver line. */
	assert_render("nameserver 192.0.2.1\nsearch a.example\n", NULL, NULL, "");
	/* A file without them: the search line, then the servers, at its end (a last newline added). */
	assert_render("options rotate", LIST("192.0.2.9"), LIST("z.example"),
	    "options rotate\nsearch z.example\nnameserver 192.0.2.9\n");
	/* Servers but no search line: the search line comes just before them. */
	assert_render("# x\nnameserver 192.0.2.1\n", LIST("192.0.2.1"), LIST("y.example"),
	    "# x\nsearch y.example\nnameserver 192.0.2.1\n");
	/* Keywords only at a line's start, followed by a blank, as glibc reads them. */
	assert_render("nameservers 1\n#nameserver 192.0.2.7\n", LIST("192.0.2.1"), NULL,
	    "nameservers 1\n#nameserver 192.0.2.7\nnameserver 192.0.2.1\n");
	/*
	 * A nameserver line the parser does not take (a zone naming no interface, a word that
	 * is no address) is not the list's: it stays as it was.
	 */
	assert_render(
	    "nameserver fe80::1%nosuchif0\nnameserver 192.0.2.1\nnameserver dns.example\n",
	    LIST("192.0.2.2"), NULL,
	    "nameserver fe80::1%nosuchif0\nnameserver 192.0.2.2\nnameserver dns.example\n");
}

static void
test_render_zone(void **state)
{
	static struct resolver_conf w;
	size_t len;
	char *out;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.srv.n = 1;
	w.srv.v[0].family = AF_INET6;
	inet_pton(AF_INET6, "fe80::1", w.srv.v[0].addr);
	w.srv.v[0].zone = 7;
	out = resolver_render("", 0, &w, &len);
	assert_string_equal(out, "nameserver fe80::1%7\n");
	parse(out);
	assert_int_equal(c.srv.v[0].zone, 7); /* glibc takes the zone by number */
	free(out);
}

static void
test_manager(void **state)
{
	static const struct {
		const char *text, *want;
	} t[] = {
		{ "# Generated by NetworkManager\nnameserver 192.0.2.1\n", "NetworkManager" },
		{ "# Dynamic resolv.conf(5) file for glibc resolver(3) generated by resolvconf(8)\n"
		  "#     DO NOT EDIT THIS FILE BY HAND -- YOUR CHANGES WILL BE OVERWRITTEN\n",
		    "resolvconf" },
		{ "; generated by /usr/sbin/dhclient-script\nnameserver 192.0.2.1\n",
		    "dhclient-script" },
		{ "\n# This is /run/systemd/resolve/resolv.conf managed by man:systemd-resolved(8).\n",
		    "systemd-resolved" },
		{ "# Generated by dhcpcd from eth0.dhcp\n", "dhcpcd" },
		{ "# my own file\nnameserver 192.0.2.1\n", NULL },
		/* only the header counts: a later comment is the operator's */
		{ "nameserver 192.0.2.1\n# was: Generated by NetworkManager\n", NULL },
		{ "", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *m = resolver_manager(t[i].text, strlen(t[i].text));

		if (t[i].want == NULL)
			assert_null(m);
		else
			assert_string_equal(m, t[i].want);
	}
}

/* A temporary folder for the writes (0700, ours: statefile_opendir() takes it). */
static char wdir[] = "/tmp/cimr-test-resolvfile.XXXXXX";
static char wpath[128];

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 70000);

	assert_non_null(f);
	*len = fread(buf, 1, 70000, f);
	fclose(f);
	return buf;
}

static int
wsetup(void **state)
{
	(void)state;
	strcpy(wdir, "/tmp/cimr-test-resolvfile.XXXXXX");
	assert_non_null(mkdtemp(wdir));
	snprintf(wpath, sizeof(wpath), "%s/resolv.conf", wdir);
	return 0;
}

static int
wteardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", wdir);
	return system(cmd);
}

/* Replaced atomically: a new inode, the old mode, no temporary file left; undo: the old bytes. */
static void
test_file_replace(void **state)
{
	static const char old[] = "# mine\nnameserver 192.0.2.1\r\n\n\tsearch a.example  \n";
	struct resolvfile f;
	struct stat st0, st1;
	char err[256], tmp[160], *got;
	size_t len;

	(void)state;
	fx_write_file(wpath, old);
	assert_int_equal(chmod(wpath, 0640), 0);
	snprintf(tmp, sizeof(tmp), "%s.old",
	    wpath); /* an administrator's copy: not ours to touch */
	fx_write_file(tmp, "backup\n");
	assert_int_equal(stat(wpath, &st0), 0);
	assert_int_equal(resolvfile_load(wpath, &f, err, sizeof(err)), 0);
	assert_string_equal(f.owner, "");
	assert_int_equal(f.len, strlen(old));
	assert_memory_equal(f.text, old, f.len);
	assert_int_equal(f.mode, 0640);
	assert_false(f.missing);
	assert_false(f.in_place);
	assert_int_equal(resolvfile_write(wpath, &f, "nameserver 192.0.2.9\n", 21, err,
			     sizeof(err)),
	    0);
	assert_int_equal(stat(wpath, &st1), 0);
	assert_int_not_equal(st0.st_ino, st1.st_ino); /* renamed over, not written in place */
	assert_int_equal(st1.st_mode & 07777, 0640);
	got = slurp(wpath, &len);
	assert_string_equal(got, "nameserver 192.0.2.9\n");
	free(got);
	snprintf(tmp, sizeof(tmp), "%s/.resolv.conf.cimrouted-new", wdir);
	assert_int_equal(access(tmp, F_OK), -1);
	snprintf(tmp, sizeof(tmp), "%s/.resolv.conf.cimrouted-old", wdir);
	assert_int_equal(access(tmp, F_OK), -1);
	snprintf(tmp, sizeof(tmp), "%s.old", wpath);
	got = slurp(tmp, &len);
	assert_string_equal(got, "backup\n");
	free(got);
	/* Undo: exactly the old bytes (CR, blanks, no normalisation), the old mode. */
	assert_int_equal(resolvfile_restore(wpath, &f, err, sizeof(err)), 0);
	got = slurp(wpath, &len);
	assert_int_equal(len, strlen(old));
	assert_memory_equal(got, old, len);
	free(got);
	assert_int_equal(stat(wpath, &st1), 0);
	assert_int_equal(st1.st_mode & 07777, 0640);
	resolvfile_free(&f);
}

/* No file: created (0644), and the undo removes it. */
static void
test_file_missing(void **state)
{
	struct resolvfile f;
	struct stat st;
	char err[256];

	(void)state;
	assert_int_equal(resolvfile_load(wpath, &f, err, sizeof(err)), 0);
	assert_true(f.missing);
	assert_int_equal(resolvfile_write(wpath, &f, "search x.example\n", 17, err, sizeof(err)),
	    0);
	assert_int_equal(stat(wpath, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(resolvfile_restore(wpath, &f, err, sizeof(err)), 0);
	assert_int_equal(access(wpath, F_OK), -1);
	resolvfile_free(&f);
}

/* A symbolic link is another service's file, named by its target; never followed. */
static void
test_file_owned(void **state)
{
	static const struct {
		const char *target, *owner;
	} t[] = {
		{ "../run/systemd/resolve/stub-resolv.conf",
		    "systemd-resolved (a symbolic link to ../run/systemd/resolve/stub-resolv.conf)" },
		{ "/run/NetworkManager/resolv.conf",
		    "NetworkManager (a symbolic link to /run/NetworkManager/resolv.conf)" },
		{ "/run/resolvconf/resolv.conf",
		    "resolvconf (a symbolic link to /run/resolvconf/resolv.conf)" },
		{ "elsewhere", "another service (a symbolic link to elsewhere)" },
	};
	struct resolvfile f;
	char err[256], real[160];

	(void)state;
	snprintf(real, sizeof(real), "%s/elsewhere", wdir);
	fx_write_file(real, "nameserver 192.0.2.1\n");
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unlink(wpath);
		assert_int_equal(symlink(t[i].target, wpath), 0);
		assert_int_equal(resolvfile_load(wpath, &f, err, sizeof(err)), 0);
		assert_string_equal(f.owner, t[i].owner);
		assert_null(f.text); /* not read through the link */
		resolvfile_free(&f);
	}
	unlink(wpath);
	fx_write_file(wpath, "# Generated by NetworkManager\nnameserver 192.0.2.1\n");
	assert_int_equal(resolvfile_load(wpath, &f, err, sizeof(err)), 0);
	assert_string_equal(f.owner, "NetworkManager (its header names it)");
	resolvfile_free(&f);
}

/* What cannot be read or written: one line saying why. */
static void
test_file_refused(void **state)
{
	struct resolvfile f;
	char err[256], *big, sub[160];

	(void)state;
	assert_int_equal(mkdir(wpath, 0700), 0);
	assert_int_equal(resolvfile_load(wpath, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	rmdir(wpath);
	big = malloc(RESOLVER_FILE_MAX + 2);
	memset(big, '#', RESOLVER_FILE_MAX + 1);
	big[RESOLVER_FILE_MAX + 1] = '\0';
	fx_write_file(wpath, big);
	free(big);
	assert_int_equal(resolvfile_load(wpath, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than"));
	/* A directory others may write: anyone could swap the file (statefile_opendir()). */
	snprintf(sub, sizeof(sub), "%s/open", wdir);
	assert_int_equal(mkdir(sub, 0777), 0);
	assert_int_equal(chmod(sub, 0777), 0);
	snprintf(sub, sizeof(sub), "%s/open/resolv.conf", wdir);
	assert_int_equal(resolvfile_load(sub, &f, err, sizeof(err)), -1);
	assert_int_equal(resolvfile_load("", &f, err, sizeof(err)), -1);
}

static void
test_dhcp_leases(void **state)
{
	static const char dhclient[] = "lease {\n"
				       "  interface \"eth0\";\n"
				       "  fixed-address 10.0.0.5;\n"
				       "  option dhcp-lease-time 600;\n"
				       "  option dhcp-server-identifier 10.0.0.1;\n"
				       "  expire 3 2026/12/02 10:00:00;\n"
				       "}\n"
				       "lease {\n"
				       "  interface \"eth0\";\n"
				       "  fixed-address 10.0.0.6;\n"
				       "  option dhcp-lease-time 120;\n"
				       "  option dhcp-server-identifier 10.0.0.2;\n"
				       "  expire epoch 1800000000; # a comment\n"
				       "}\n";
	static const char networkd[] = "# This is private data. Do not parse.\n"
				       "ADDRESS=192.168.1.20\n"
				       "NETMASK=255.255.255.0\n"
				       "SERVER_ADDRESS=192.168.1.1\n"
				       "LIFETIME=3600\n";
	struct dhcp_lease l;
	uint8_t a[4];

	(void)state;
	assert_int_equal(dhcplease_parse("dhclient.leases", dhclient, strlen(dhclient), 0, &l), 0);
	assert_string_equal(l.ifname, "eth0");
	inet_pton(AF_INET, "10.0.0.6", a);
	assert_memory_equal(l.addr, a, 4);
	inet_pton(AF_INET, "10.0.0.2", a);
	assert_true(l.has_server);
	assert_memory_equal(l.server, a, 4);
	assert_int_equal(l.expires, 1800000000);
	assert_int_equal(l.obtained, 1800000000 - 120);
	/* The first block alone: UTC date. */
	assert_int_equal(dhcplease_parse("x", dhclient, strstr(dhclient, "}") + 2 - dhclient, 0,
			     &l),
	    0);
	assert_int_equal(l.expires, 1796205600); /* 2026-12-02 10:00:00 UTC */
	assert_int_equal(dhcplease_parse("7", networkd, strlen(networkd), 1000, &l), 0);
	assert_int_equal(l.ifindex, 7);
	assert_int_equal(l.obtained, 1000);
	assert_int_equal(l.expires, 4600);
	assert_true(l.has_server);
	assert_int_equal(dhcplease_parse("internal-1234-abcd-wlan0.lease", networkd,
			     strlen(networkd), 1000, &l),
	    0);
	assert_int_equal(l.ifindex, 0);
	assert_string_equal(l.ifname, "wlan0");
	assert_int_equal(dhcplease_parse("7", "garbage\n", 8, 0, &l), -1);
	assert_int_equal(dhcplease_parse("7", "lease {\n}\n", 10, 0, &l), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_domain_search),
		cmocka_unit_test(test_stub_and_link),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_dhcp_leases),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_zone),
		cmocka_unit_test(test_manager),
		cmocka_unit_test_setup_teardown(test_file_replace, wsetup, wteardown),
		cmocka_unit_test_setup_teardown(test_file_missing, wsetup, wteardown),
		cmocka_unit_test_setup_teardown(test_file_owned, wsetup, wteardown),
		cmocka_unit_test_setup_teardown(test_file_refused, wsetup, wteardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
