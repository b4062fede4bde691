/* The resolver configuration: see resolver.h. */
#define _GNU_SOURCE /* memmem, open_memstream */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface/resolver.h"
#include "snmp/conf.h"
#include "lib/filestamp.h"
#include "lib/log.h"
#include "lib/strnum.h"
#include "lib/text.h"
#include "lib/vec.h"

#define RESOLV_CONF  "/etc/resolv.conf"
#define RESOLVED_DIR "/run/systemd/resolve"
#define LINK_CMD     "resolvectl"
#define UPSTREAM     "resolv.conf" /* resolved's list of upstream servers, in RESOLVED_DIR */
#define NETIF        "netif"       /* its per-link state, RESOLVED_DIR/netif/IFINDEX */
#define WORD_MAX     512           /* an address with its zone, port and name */

struct link_servers {
	int32_t ifindex;
	struct resolver_servers srv;
};

struct resolver {
	char *conf_path, *resolved_dir, *link_cmd;
	struct file_stamp conf_st, upstream_st, netif_st; /* reading again only what changed */
	struct resolver_conf global;
	struct link_servers *links; /* sorted by ifindex */
	size_t nlinks, cap;
	struct loop_timer timer;
};

/* ---- parsing --------------------------------------------------------------- */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The word at *p (up to a blank, a newline or one of stop) into w; *p moves past it. */
static size_t
word(const char **p, const char *end, const char *stop, char *w, size_t wlen)
{
	const char *s = *p;
	size_t n = 0;

	while (s < end && is_blank(*s))
		s++;
	while (s < end && !is_blank(*s) && *s != '\n' && strchr(stop, *s) == NULL) {
		if (n + 1 < wlen)
			w[n] = *s;
		n++, s++;
	}
	*p = s;
	if (n >= wlen) { /* too long: not taken */
		w[0] = '\0';
		return (size_t)-1;
	}
	w[n] = '\0';
	return n;
}

/* "ADDR" or "ADDR%ZONE" (zone: an interface name or index), as glibc takes it. */
static int
parse_server(const char *w, struct resolver_server *out)
{
	char a[INET6_ADDRSTRLEN + 1];
	const char *pct = strchr(w, '%');
	size_t alen = pct != NULL ? (size_t)(pct - w) : strlen(w);
	unsigned long long z;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(a))
		return -1;
	memcpy(a, w, alen);
	a[alen] = '\0';
	if (pct == NULL && inet_pton(AF_INET, a, out->addr) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, a, out->addr) != 1)
		return -1;
	out->family = AF_INET6;
	if (pct == NULL)
		return 0;
	if (strnum(pct + 1, 1, INT32_MAX, &z) == 0)
		out->zone = (uint32_t)z;
	else if ((out->zone = if_nametoindex(pct + 1)) == 0)
		return -1;
	return 0;
}

static void
add_server(struct resolver_servers *s, const char *w, unsigned *skipped)
{
	if (s->n == RESOLVER_MAX || parse_server(w, &s->v[s->n]) < 0)
		(*skipped)++;
	else
		s->n++;
}

/* "domain NAME" (one) or "search NAME..." (many): the list is replaced, as in glibc. */
static void
parse_search(const char *p, const char *end, struct resolver_conf *c, int one)
{
	char w[RESOLVER_NAME_MAX + 2];
	size_t n;
	int any = 0;

	for (;;) {
		n = word(&p, end, "", w, sizeof(w));
		if (n == 0)
			break;
		/* a domain: 1 to RESOLVER_NAME_MAX printable characters, no space */
		if (n == (size_t)-1 || !text_is_name(w, n, RESOLVER_NAME_MAX)) {
			c->skipped++;
			continue;
		}
		if (!any) { /* glibc ignores a line without a name, and replaces the list otherwise */
			c->nsearch = 0;
			any = 1;
		}
		if (c->nsearch == RESOLVER_MAX) {
			c->skipped++;
			continue;
		}
		memcpy(c->search[c->nsearch++], w, n + 1);
		if (one)
			break;
	}
}

/* Does the line start with the keyword kw followed by a blank? */
static int
keyword(const char *p, const char *end, const char *kw)
{
	size_t n = strlen(kw);

	return (size_t)(end - p) > n && memcmp(p, kw, n) == 0 && is_blank(p[n]);
}

void
resolver_parse(const char *text, size_t len, struct resolver_conf *c)
{
	const char *p = text, *end = text + len;
	char w[WORD_MAX];

	memset(c, 0, sizeof(*c));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (eol == NULL)
			eol = end;
		if (keyword(p, eol, "nameserver")) {
			const char *q = p + strlen("nameserver");
			size_t n = word(&q, eol, ";#", w, sizeof(w));

			if (n == 0 || n == (size_t)-1)
				c->skipped++;
			else
				add_server(&c->srv, w, &c->skipped);
		} else if (keyword(p, eol, "domain")) {
			parse_search(p + strlen("domain"), eol, c, 1);
		} else if (keyword(p, eol, "search")) {
			parse_search(p + strlen("search"), eol, c, 0);
		}
		p = eol + 1;
	}
}

/* resolved's form "[ADDR]:PORT%IFINDEX#NAME" or "ADDR%IFINDEX#NAME" into "ADDR%IFINDEX". */
static void
strip_server(char *w)
{
	char *hash = strchr(w, '#'), *pct, *close;

	if (hash != NULL)
		*hash = '\0';
	if (w[0] != '[' || (close = strchr(w, ']')) == NULL)
		return;
	pct = strchr(close, '%');
	*close = '\0';
	memmove(w, w + 1, strlen(w + 1) + 1);
	if (pct != NULL)
		memmove(w + strlen(w), pct, strlen(pct) + 1);
}

unsigned
resolver_parse_link(const char *text, size_t len, struct resolver_servers *s)
{
	const char *p = text, *end = text + len;
	char w[WORD_MAX];
	unsigned skipped = 0;
	size_t n;

	memset(s, 0, sizeof(*s));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) > 8 && memcmp(p, "SERVERS=", 8) == 0) {
			const char *q = p + 8;

			s->n = 0;
			while ((n = word(&q, eol, "", w, sizeof(w))) != 0) {
				if (n == (size_t)-1) {
					skipped++;
					continue;
				}
				strip_server(w);
				add_server(s, w, &skipped);
			}
		}
		p = eol + 1;
	}
	return skipped;
}

int
resolver_is_stub(const struct resolver_conf *c)
{
	static const uint8_t stub[3] = { 127, 0, 0 };

	if (c->srv.n == 0)
		return 0;
	for (size_t i = 0; i < c->srv.n; i++) {
		const struct resolver_server *s = &c->srv.v[i];

		if (s->family != AF_INET || memcmp(s->addr, stub, 3) != 0 ||
		    (s->addr[3] != 53 && s->addr[3] != 54))
			return 0;
	}
	return 1;
}

/* ---- writing ---------------------------------------------------------------- */

const char *
resolver_manager(const char *text, size_t len)
{
	static const char *const marks[] = { "NetworkManager", "resolvconf", "dhclient-script",
		"dhcpcd", "systemd-resolved", "netconfig" };
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *s = p;

		if (eol == NULL)
			eol = end;
		while (s < eol && is_blank(*s))
			s++;
		if (s < eol && *s != '#' && *s != ';')
			return NULL; /* the header is over */
		for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
			if (memmem(s, (size_t)(eol - s), marks[i], strlen(marks[i])) != NULL)
				return marks[i];
		p = eol + 1;
	}
	return NULL;
}

enum { LINE_OTHER, LINE_SERVER, LINE_SEARCH };

/*
 * What a line is for the rendering: one of the first RESOLVER_MAX server
 * lines the parser takes (*nsrv counts them: they are what the
 * configuration's list replaces), the search list, or another line, kept as
 * it is: a nameserver line that does not parse (a zone naming an absent
 * interface) or comes after the kept ones stays in the file.
 */
static int
line_kind(const char *p, const char *eol, size_t *nsrv)
{
	if (keyword(p, eol, "nameserver")) {
		const char *q = p + strlen("nameserver");
		char w[WORD_MAX];
		struct resolver_server sv;
		size_t n = word(&q, eol, ";#", w, sizeof(w));

		if (n == 0 || n == (size_t)-1 || parse_server(w, &sv) < 0 || *nsrv == RESOLVER_MAX)
			return LINE_OTHER;
		++*nsrv;
		return LINE_SERVER;
	}
	if (keyword(p, eol, "domain") || keyword(p, eol, "search"))
		return LINE_SEARCH;
	return LINE_OTHER;
}

static void
put_search(FILE *f, const struct resolver_conf *c)
{
	if (c->nsearch == 0)
		return;
	fputs("search", f);
	for (size_t i = 0; i < c->nsearch; i++)
		fprintf(f, " %s", c->search[i]);
	fputc('\n', f);
}

static void
put_servers(FILE *f, const struct resolver_conf *c)
{
	char a[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < c->srv.n; i++) {
		const struct resolver_server *s = &c->srv.v[i];

		inet_ntop(s->family, s->addr, a, sizeof(a));
		if (s->zone != 0)
			fprintf(f, "nameserver %s%%%u\n", a, (unsigned)s->zone);
		else
			fprintf(f, "nameserver %s\n", a);
	}
}

char *
resolver_render(const char *text, size_t len, const struct resolver_conf *c, size_t *outlen)
{
	const char *p, *end = text + len, *first_srv = NULL, *last_search = NULL;
	char *buf = NULL;
	size_t n1 = 0, n2 = 0;
	FILE *f = open_memstream(&buf, outlen);

	if (f == NULL)
		return NULL;
	for (p = text; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		int kind = line_kind(p, eol != NULL ? eol : end, &n1);

		if (kind == LINE_SERVER && first_srv == NULL)
			first_srv = p;
		if (kind == LINE_SEARCH)
			last_search = p;
		p = eol != NULL ? eol + 1 : end;
	}
	for (p = text; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol != NULL ? eol + 1 : end;

		if (p == first_srv) {
			if (last_search == NULL)
				put_search(f, c);
			put_servers(f, c);
		}
		if (p == last_search)
			put_search(f, c);
		if (line_kind(p, eol != NULL ? eol : end, &n2) == LINE_OTHER) {
			fwrite(p, 1, (size_t)(next - p), f);
			if (eol == NULL && first_srv == NULL)
				fputc('\n', f); /* the servers come after it */
		}
		p = next;
	}
	if (first_srv == NULL) {
		if (last_search == NULL)
			put_search(f, c);
		put_servers(f, c);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- the files ------------------------------------------------------------- */

static void
read_conf(const char *path, struct resolver_conf *c)
{
	size_t len = 0;
	char *text = file_read_tail(path, RESOLVER_FILE_MAX, &len);

	resolver_parse(text != NULL ? text : "", len, c);
	if (c->skipped > 0)
		log_info("resolver", "%s: %u lines or words not taken (bad, too long or too many)",
		    path, c->skipped);
	free(text);
}

VEC_CMP_FIELD(link_cmp, struct link_servers, ifindex, int32_t)

/* resolved's per-link files: every link with servers, read again when the folder changed. */
static void
read_links(struct resolver *r, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	r->nlinks = 0;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		unsigned long long ifindex;
		struct link_servers ls = { 0 };
		size_t len = 0;
		char *text;

		if (strnum(e->d_name, 1, INT32_MAX, &ifindex) < 0 ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path) ||
		    (text = file_read_tail(path, RESOLVER_FILE_MAX, &len)) == NULL)
			continue;
		ls.ifindex = (int32_t)ifindex;
		resolver_parse_link(text, len, &ls.srv);
		free(text);
		if (ls.srv.n > 0 &&
		    vec_put(&r->links, &r->nlinks, &r->cap, sizeof(ls), &ls, &ls.ifindex, link_cmp,
			NULL) < 0)
			break;
	}
	closedir(d);
}

int
resolver_refresh(struct resolver *r)
{
	char upstream[PATH_MAX], netif[PATH_MAX];
	int again = 0;

	snprintf(upstream, sizeof(upstream), "%s/%s", r->resolved_dir, UPSTREAM);
	snprintf(netif, sizeof(netif), "%s/%s", r->resolved_dir, NETIF);
	if (file_stamp_changed(r->conf_path, &r->conf_st))
		again = 1;
	/* Behind the stub: resolved's upstream file says what the stub forwards to. */
	if (file_stamp_changed(upstream, &r->upstream_st))
		again = 1;
	if (again) {
		read_conf(r->conf_path, &r->global);
		if (resolver_is_stub(&r->global) && r->upstream_st.present)
			read_conf(upstream, &r->global);
	}
	if (file_stamp_changed(netif, &r->netif_st)) {
		read_links(r, netif);
		again = 1;
	}
	return again;
}

const char *
resolver_path(const struct resolver *r)
{
	return r->conf_path;
}

const char *
resolver_link_command(const struct resolver *r)
{
	return r->link_cmd;
}

/* resolvedDir (an absolute path) or dnsLinkCommand (that, or a name looked up in PATH). */
static int
path_line(const char *token, const char *value, void *arg, char *err, size_t errlen)
{
	struct resolver_config *cfg = arg;
	int dir = strcmp(token, "resolvedDir") == 0;
	char *field = dir ? cfg->resolved_dir : cfg->link_cmd;

	if (value[0] == '\0' || strlen(value) >= PATH_MAX || strpbrk(value, " \t") != NULL ||
	    (dir && value[0] != '/') || (!dir && value[0] != '/' && strchr(value, '/') != NULL)) {
		snprintf(err, errlen, "%s: expected %s", token,
		    dir ? "an absolute path" : "an absolute path or a command name");
		return -1;
	}
	snprintf(field, PATH_MAX, "%s", value);
	return 0;
}

int
resolver_conf_register(struct resolver_config *cfg)
{
	if (conf_directive("resolvedDir", path_line, cfg,
		"DIR (systemd-resolved's run folder; default " RESOLVED_DIR ")") < 0)
		return -1;
	return conf_directive("dnsLinkCommand", path_line, cfg,
	    "CMD (sets a link's DNS servers in systemd-resolved: CMD dns IFNAME SERVER...; "
	    "default " LINK_CMD ")");
}

const struct resolver_conf *
resolver_global(const struct resolver *r)
{
	return &r->global;
}

const struct resolver_servers *
resolver_link(const struct resolver *r, int32_t ifindex)
{
	const struct link_servers *ls =
	    vec_find(r->links, r->nlinks, sizeof(*r->links), &ifindex, link_cmp);

	return ls != NULL ? &ls->srv : NULL;
}

static const char *
or_default(const char *s, const char *def)
{
	return s != NULL && s[0] != '\0' ? s : def;
}

struct resolver *
resolver_new(const char *resolv_conf, const char *resolved_dir, const char *link_cmd)
{
	struct resolver *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->conf_path = strdup(or_default(resolv_conf, RESOLV_CONF));
	r->resolved_dir = strdup(or_default(resolved_dir, RESOLVED_DIR));
	r->link_cmd = strdup(or_default(link_cmd, LINK_CMD));
	if (r->conf_path == NULL || r->resolved_dir == NULL || r->link_cmd == NULL) {
		resolver_free(r);
		return NULL;
	}
	return r;
}

void
resolver_free(struct resolver *r)
{
	if (r == NULL)
		return;
	free(r->conf_path);
	free(r->resolved_dir);
	free(r->link_cmd);
	free(r->links);
	free(r);
}

static void
tick(void *arg)
{
	resolver_refresh(arg);
}

int
resolver_start(struct resolver *r)
{
	resolver_refresh(r);
	loop_timer_init(&r->timer, tick, r);
	return loop_timer_every(&r->timer, 1);
}

void
resolver_stop(struct resolver *r)
{
	loop_timer_stop(&r->timer);
}
