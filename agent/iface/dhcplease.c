/* DHCP leases from the clients' files: see dhcplease.h. */
#define _GNU_SOURCE /* memmem, timegm */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface/dhcplease.h"
#include "lib/filestamp.h"
#include "lib/log.h"
#include "lib/strnum.h"
#include "lib/text.h"
#include "snmp/conf.h"

#define FILE_MAX (1 << 20) /* a dhclient file grows a block a renewal: its last MiB */

static const char *const default_dirs[] = { "/run/systemd/netif/leases", "/var/lib/dhcp",
	"/var/lib/NetworkManager" };

/* ---- the directive --------------------------------------------------------- */

static int
dirs_line(const char *token, const char *value, void *arg, char *err, size_t errlen)
{
	struct dhcplease_config *cfg = arg, c = { 0 };
	char buf[4096], *save = NULL, *tok;

	if (strlen(value) >= sizeof(buf)) {
		snprintf(err, errlen, "%s: too long", token);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	for (tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		if (tok[0] != '/' || c.ndirs == DHCPLEASE_DIRS_MAX) {
			char t[TEXT_TOKEN_LEN];

			snprintf(err, errlen, "%s: '%s': expected up to %d absolute paths", token,
			    text_token(tok, t, sizeof(t)), DHCPLEASE_DIRS_MAX);
			goto fail;
		}
		if ((c.dirs[c.ndirs++] = strdup(tok)) == NULL) {
			snprintf(err, errlen, "%s: out of memory", token);
			goto fail;
		}
	}
	for (size_t i = 0; i < cfg->ndirs; i++)
		free(cfg->dirs[i]);
	*cfg = c;
	return 0;
fail:
	for (size_t i = 0; i < c.ndirs; i++)
		free(c.dirs[i]);
	return -1;
}

int
dhcplease_conf_register(struct dhcplease_config *cfg)
{
	return conf_directive("dhcpLeaseDirs", dirs_line, cfg,
	    "DIR... (the DHCP clients' lease folders; default "
	    "/run/systemd/netif/leases "
	    "/var/lib/dhcp /var/lib/NetworkManager)");
}

/* ---- parsing --------------------------------------------------------------- */

/* The value of "KEY=" at the start of a line of text, copied into buf; NULL if absent. */
static const char *
kv(const char *text, size_t len, const char *key, char *buf, size_t buflen)
{
	size_t klen = strlen(key);

	for (const char *p = text, *end = text + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n;

		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == '=') {
			n = (size_t)(eol - p) - klen - 1;
			if (n >= buflen)
				return NULL;
			memcpy(buf, p + klen + 1, n);
			buf[n] = '\0';
			return buf;
		}
		p = eol + 1;
	}
	return NULL;
}

static int
ipv4(const char *s, uint8_t out[4])
{
	return s != NULL && inet_pton(AF_INET, s, out) == 1 ? 0 : -1;
}

/* networkd's state: named by ifindex, or NetworkManager's internal-UUID-IFNAME.lease. */
static int
parse_networkd(const char *name, const char *text, size_t len, int64_t mtime, struct dhcp_lease *l)
{
	char buf[64];
	const char *dash = strrchr(name, '-'), *dot = strrchr(name, '.');
	unsigned long long v;

	if (ipv4(kv(text, len, "ADDRESS", buf, sizeof(buf)), l->addr) < 0)
		return -1;
	if (strnum(name, 1, INT32_MAX, &v) == 0)
		l->ifindex = (int32_t)v;
	else if (dash != NULL && dot != NULL && dot > dash + 1 &&
	    (size_t)(dot - dash - 1) < sizeof(l->ifname))
		memcpy(l->ifname, dash + 1, (size_t)(dot - dash - 1));
	else
		return -1;
	l->has_server = ipv4(kv(text, len, "SERVER_ADDRESS", buf, sizeof(buf)), l->server) == 0;
	l->obtained = mtime;
	if (kv(text, len, "LIFETIME", buf, sizeof(buf)) != NULL &&
	    strnum(buf, 0, UINT32_MAX, &v) == 0)
		l->expires = mtime + (int64_t)v;
	return 0;
}

/* "W YYYY/MM/DD HH:MM:SS" (UTC, dhclient's default) or "epoch N" into seconds; -1 if neither. */
static int64_t
dhclient_time(const char *s)
{
	struct tm tm = { 0 };
	int w;
	long long e;

	if (sscanf(s, " epoch %lld", &e) == 1)
		return e;
	if (sscanf(s, " %d %d/%d/%d %d:%d:%d", &w, &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		&tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

/* One statement of a lease block (up to ';'), trimmed, into *l. */
static void
dhclient_statement(const char *st, struct dhcp_lease *l, long long *lease_time)
{
	char v[128];

	while (*st == ' ' || *st == '\t' || *st == '\n')
		st++;
	if (sscanf(st, "interface \"%15[^\"]\"", v) == 1)
		memcpy(l->ifname, v, strnlen(v, sizeof(l->ifname) - 1) + 1);
	else if (sscanf(st, "fixed-address %127s", v) == 1)
		ipv4(v, l->addr);
	else if (sscanf(st, "option dhcp-server-identifier %127s", v) == 1)
		l->has_server = ipv4(v, l->server) == 0;
	else if (sscanf(st, "option dhcp-lease-time %lld", lease_time) == 1)
		;
	else if (strncmp(st, "expire ", 7) == 0)
		l->expires = dhclient_time(st + 6);
}

/* dhclient's blocks: the last one whose interface is named is the current lease. */
static int
parse_dhclient(const char *text, size_t len, struct dhcp_lease *out)
{
	const char *p = text, *end = text + len;
	int found = 0;

	while (p < end) {
		const char *open = memmem(p, (size_t)(end - p), "lease {", 7), *close;
		struct dhcp_lease l = { 0 };
		long long lease_time = -1;
		char st[512];

		if (open == NULL || (close = memchr(open, '}', (size_t)(end - open))) == NULL)
			break;
		for (const char *q = open + 7; q < close;) {
			const char *semi = memchr(q, ';', (size_t)(close - q));
			size_t n;

			if (semi == NULL)
				break;
			n = (size_t)(semi - q);
			if (n < sizeof(st)) {
				memcpy(st, q, n);
				st[n] = '\0';
				dhclient_statement(st, &l, &lease_time);
			}
			q = semi + 1;
		}
		if (l.ifname[0] != '\0' && l.expires > 0) {
			if (lease_time >= 0)
				l.obtained = l.expires - lease_time;
			*out = l;
			found = 1;
		}
		p = close + 1;
	}
	return found ? 0 : -1;
}

int
dhcplease_parse(const char *name, const char *text, size_t len, int64_t mtime,
    struct dhcp_lease *out)
{
	const char *base = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
	size_t n = strlen(base);
	int nm = n > 6 && strcmp(base + n - 6, ".lease") == 0 &&
	    (strncmp(base, "dhclient-", 9) == 0 || strncmp(base, "internal-", 9) == 0);

	memset(out, 0, sizeof(*out));
	if (memmem(text, len, "lease {", 7) != NULL) {
		out->client = nm ? DHCP_CLIENT_NM : DHCP_CLIENT_DHCLIENT;
		return parse_dhclient(text, len, out);
	}
	out->client = nm ? DHCP_CLIENT_NM : DHCP_CLIENT_NETWORKD;
	return parse_networkd(name, text, len, mtime, out);
}

/* ---- the files ------------------------------------------------------------- */

struct lease_file {
	char *path;
	struct file_stamp st;
	int valid; /* lease holds a lease */
	int seen;  /* found in this refresh */
	struct dhcp_lease lease;
};

struct dhcplease {
	struct dhcplease_config cfg;
	struct lease_file *f;
	size_t n, cap;
	struct loop_timer timer;
};

static struct lease_file *
file_of(struct dhcplease *d, const char *path)
{
	struct lease_file *nf;

	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->f[i].path, path) == 0)
			return &d->f[i];
	if (d->n == DHCPLEASE_MAX)
		return NULL;
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;

		if ((nf = realloc(d->f, cap * sizeof(*nf))) == NULL)
			return NULL;
		d->f = nf;
		d->cap = cap;
	}
	nf = &d->f[d->n];
	memset(nf, 0, sizeof(*nf));
	if ((nf->path = strdup(path)) == NULL)
		return NULL;
	d->n++;
	return nf;
}

/* Read one file again if it changed; 1 if it did. */
static int
refresh_file(struct dhcplease *d, const char *dir, const char *name)
{
	char path[PATH_MAX], *text;
	struct lease_file *f;
	size_t len;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    (f = file_of(d, path)) == NULL)
		return 0;
	f->seen = 1;
	if (!file_stamp_changed(path, &f->st))
		return 0;
	f->valid = 0;
	/* The last blocks of a dhclient file are the current ones. */
	if (f->st.present && (text = file_read_tail(path, FILE_MAX, &len)) != NULL) {
		f->valid = dhcplease_parse(name, text, len, f->st.mtime.tv_sec, &f->lease) == 0;
		free(text);
	}
	return 1;
}

int
dhcplease_refresh(struct dhcplease *d)
{
	int changed = 0;
	size_t i, j;

	for (i = 0; i < d->n; i++)
		d->f[i].seen = 0;
	for (i = 0; i < d->cfg.ndirs; i++) {
		DIR *dir = opendir(d->cfg.dirs[i]);
		struct dirent *e;

		if (dir == NULL)
			continue;
		while ((e = readdir(dir)) != NULL)
			if (e->d_name[0] != '.')
				changed |= refresh_file(d, d->cfg.dirs[i], e->d_name);
		closedir(dir);
	}
	for (i = j = 0; i < d->n; i++) { /* files gone: their leases too */
		if (d->f[i].seen) {
			d->f[j++] = d->f[i];
			continue;
		}
		free(d->f[i].path);
		changed = 1;
	}
	d->n = j;
	return changed;
}

const struct dhcp_lease *
dhcplease_find(const struct dhcplease *d, int32_t ifindex, const char *ifname, int64_t now)
{
	const struct dhcp_lease *best = NULL;

	for (size_t i = 0; i < d->n; i++) {
		const struct dhcp_lease *l = &d->f[i].lease;

		if (!d->f[i].valid || (l->expires != 0 && l->expires <= now))
			continue;
		if (l->ifindex != 0 ? l->ifindex != ifindex : strcmp(l->ifname, ifname) != 0)
			continue;
		if (best == NULL || l->obtained > best->obtained)
			best = l;
	}
	return best;
}

struct dhcplease *
dhcplease_new(const struct dhcplease_config *cfg)
{
	struct dhcplease *d = calloc(1, sizeof(*d));
	size_t n = cfg != NULL && cfg->ndirs > 0 ? cfg->ndirs :
						   sizeof(default_dirs) / sizeof(default_dirs[0]);

	if (d == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *dir = cfg != NULL && cfg->ndirs > 0 ? cfg->dirs[i] : default_dirs[i];

		if ((d->cfg.dirs[i] = strdup(dir)) == NULL) {
			dhcplease_free(d);
			return NULL;
		}
		d->cfg.ndirs++;
	}
	return d;
}

void
dhcplease_config_free(struct dhcplease_config *cfg)
{
	for (size_t i = 0; i < cfg->ndirs; i++)
		free(cfg->dirs[i]);
	cfg->ndirs = 0;
}

void
dhcplease_free(struct dhcplease *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->f[i].path);
	dhcplease_config_free(&d->cfg);
	free(d->f);
	free(d);
}

static void
tick(void *arg)
{
	dhcplease_refresh(arg);
}

int
dhcplease_start(struct dhcplease *d)
{
	dhcplease_refresh(d);
	loop_timer_init(&d->timer, tick, d);
	return loop_timer_every(&d->timer, 1);
}

void
dhcplease_stop(struct dhcplease *d)
{
	loop_timer_stop(&d->timer);
}
