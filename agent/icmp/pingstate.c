/* The state file of the ping rows (settings written through SNMP, nonVolatile rows): see pingrows.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmp/pingrows.h"
#include "lib/log.h"
#include "lib/statefile.h"
#include "lib/strnum.h"

/* ---- the state file ---------------------------------------------------------- */

static const char HEADER[] =
    "# cimrouted ping state (CIM-ROUTE-MIB cimPing), rewritten by cimrouted: the\n"
    "# settings written through SNMP (they win over cimrouted.conf) and the\n"
    "# parameters of the nonVolatile rows of cimPingTable (hex: '-' is empty).\n";

static const struct {
	const char *name;
	unsigned bit;
	size_t off;
	uint32_t min, max;
} settings[] = {
	{ "maxRows", PING_SET_MAXROWS, offsetof(struct ping_limits, max_rows), 0,
	    PING_MAXROWS_MAX },
	{ "maxRowsPerOwner", PING_SET_PEROWNER, offsetof(struct ping_limits, per_owner), 0,
	    PING_MAXROWS_MAX },
	{ "maxProbeRate", PING_SET_RATE, offsetof(struct ping_limits, rate), 1, PING_RATE_MAX },
	{ "ageOut", PING_SET_AGEOUT, offsetof(struct ping_limits, ageout), 0, PING_AGEOUT_MAX },
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static uint32_t *
setting(struct ping_limits *l, size_t k)
{
	return (uint32_t *)((char *)l + settings[k].off);
}

/* Bytes as hex, "-" when empty. */
static int
put_hex(char *buf, size_t len, const uint8_t *p, size_t n)
{
	size_t k;

	if (n == 0)
		return snprintf(buf, len, " -");
	if (len < 2 * n + 2)
		return -1;
	buf[0] = ' ';
	for (k = 0; k < n; k++)
		snprintf(buf + 1 + 2 * k, 3, "%02x", p[k]);
	return (int)(1 + 2 * n);
}

static int
get_hex(const char *s, uint8_t *out, size_t max, size_t *n)
{
	size_t len = strlen(s);

	*n = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	if (len % 2 != 0 || len / 2 > max)
		return -1;
	for (size_t k = 0; k < len; k += 2) {
		unsigned v;

		if (!isxdigit((unsigned char)s[k]) || !isxdigit((unsigned char)s[k + 1]) ||
		    sscanf(s + k, "%2x", &v) != 1)
			return -1;
		out[(*n)++] = (uint8_t)v;
	}
	return 0;
}

/* "row OWNER NAME active addr src name sr field=..." */
static int
format_row(char *buf, size_t len, const struct ping_row *r)
{
	size_t o = 0;
	int k;

#define PUT(expr)                                             \
	do {                                                  \
		if ((k = (expr)) < 0 || (size_t)k >= len - o) \
			return -1;                            \
		o += (size_t)k;                               \
	} while (0)
	PUT(snprintf(buf, len, "row"));
	PUT(put_hex(buf + o, len - o, r->key.owner, r->key.olen));
	PUT(put_hex(buf + o, len - o, r->key.name, r->key.nlen));
	PUT(snprintf(buf + o, len - o, " %d", r->active));
	PUT(put_hex(buf + o, len - o, r->cfg.addr.a, r->cfg.addr.len));
	PUT(put_hex(buf + o, len - o, r->cfg.src.a, r->cfg.src.len));
	PUT(put_hex(buf + o, len - o, (const uint8_t *)r->cfg.name, strlen(r->cfg.name)));
	PUT(put_hex(buf + o, len - o, (const uint8_t *)r->cfg.sr, strlen(r->cfg.sr)));
	for (int f = 0; f < PF_N; f++)
		PUT(snprintf(buf + o, len - o, " %s=%u", ping_fields[f].name, r->cfg.v[f]));
	PUT(snprintf(buf + o, len - o, "\n"));
#undef PUT
	return (int)o;
}

char *
pingrows_format(const struct pingrows *s, size_t *len)
{
	size_t cap = sizeof(HEADER) + NSETTINGS * 40 + (s->n + 1) * 2400, o;
	char *buf = malloc(cap);
	struct ping_limits l = s->lim;

	if (buf == NULL)
		return NULL;
	o = (size_t)snprintf(buf, cap, "%s", HEADER);
	for (size_t k = 0; k < NSETTINGS; k++)
		if (s->written & settings[k].bit)
			o += (size_t)snprintf(buf + o, cap - o, "%s %u\n", settings[k].name,
			    *setting(&l, k));
	for (size_t i = 0; i < s->n; i++) {
		int k;

		if (s->rows[i]->cfg.v[PF_STORAGE] != PING_ST_NONVOLATILE)
			continue;
		if ((k = format_row(buf + o, cap - o, s->rows[i])) < 0) {
			free(buf);
			errno = ENOMEM;
			return NULL;
		}
		o += (size_t)k;
	}
	*len = o;
	return buf;
}

int
pingrows_save(const struct pingrows *s, char *err, size_t errlen)
{
	size_t len;
	char *data;
	int rc;

	if (s->dir == NULL)
		return 0;
	if ((data = pingrows_format(s, &len)) == NULL) {
		snprintf(err, errlen, "%s/" PING_FILE ": out of memory", s->dir);
		return -1;
	}
	rc = statefile_write(s->dirfd, s->dir, PING_FILE, data, len, err, errlen);
	free(data);
	return rc;
}

static int
parse_setting(struct pingrows *s, const char *name, const char *value, char *err, size_t errlen)
{
	unsigned long long v;

	for (size_t k = 0; k < NSETTINGS; k++) {
		if (strcmp(name, settings[k].name) != 0)
			continue;
		if (strnum(value, settings[k].min, settings[k].max, &v) < 0) {
			snprintf(err, errlen, "%s: expected %u to %u", name, settings[k].min,
			    settings[k].max);
			return -1;
		}
		*setting(&s->lim, k) = (uint32_t)v;
		s->written |= settings[k].bit;
		return 0;
	}
	snprintf(err, errlen, "unknown line '%s'", name);
	return -1;
}

static int
parse_field(struct ping_cfg *c, const char *tok)
{
	const char *eq = strchr(tok, '=');
	unsigned long long v;

	if (eq == NULL)
		return -1;
	for (int f = 0; f < PF_N; f++)
		if (strlen(ping_fields[f].name) == (size_t)(eq - tok) &&
		    strncmp(tok, ping_fields[f].name, (size_t)(eq - tok)) == 0) {
			if (strnum(eq + 1, ping_fields[f].min, ping_fields[f].max, &v) < 0 ||
			    !ping_field_ok((enum ping_field)f, (unsigned long)v))
				return -1;
			c->v[f] = (uint32_t)v;
			return 0;
		}
	return -1;
}

/* A text field: printable, no NUL. */
static int
get_text(const char *tok, char *out)
{
	size_t n;

	if (get_hex(tok, (uint8_t *)out, PING_TEXT_MAX, &n) < 0)
		return -1;
	out[n] = '\0';
	for (size_t k = 0; k < n; k++)
		if (!isprint((unsigned char)out[k]))
			return -1;
	return 0;
}

static int
parse_row(struct pingrows *s, char *rest, char *err, size_t errlen)
{
	char *tok[8], *save = NULL;
	struct ping_key k;
	struct ping_row *r;
	struct ping_target t;
	struct in_addr sr[PING_SR_MAX];
	uint32_t nsr;
	size_t n;

	for (int j = 0; j < 8; j++)
		if ((tok[j] = strtok_r(j == 0 ? rest : NULL, " ", &save)) == NULL) {
			snprintf(err, errlen, "a row line is too short");
			return -1;
		}
	memset(&k, 0, sizeof(k));
	if (get_hex(tok[0], k.owner, PING_KEY_MAX, &n) < 0 || (k.olen = (uint8_t)n, 0) ||
	    get_hex(tok[1], k.name, PING_KEY_MAX, &n) < 0) {
		snprintf(err, errlen, "a row's owner or name is not hex of 0 to 32 octets");
		return -1;
	}
	k.nlen = (uint8_t)n;
	if (pingrows_find(s, &k) != NULL) {
		snprintf(err, errlen, "a row is there twice");
		return -1;
	}
	if ((r = ping_row_new(s, &k)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->active = strcmp(tok[2], "1") == 0;
	if ((strcmp(tok[2], "0") != 0 && !r->active) ||
	    get_hex(tok[3], r->cfg.addr.a, PING_INET_MAX, &n) < 0 ||
	    (r->cfg.addr.len = (uint8_t)n, get_hex(tok[4], r->cfg.src.a, PING_INET_MAX, &n)) < 0 ||
	    (r->cfg.src.len = (uint8_t)n, get_text(tok[5], r->cfg.name)) < 0 ||
	    get_text(tok[6], r->cfg.sr) < 0)
		goto bad;
	for (char *f = tok[7]; f != NULL; f = strtok_r(NULL, " ", &save))
		if (parse_field(&r->cfg, f) < 0)
			goto bad;
	if (ping_parse_sr(r->cfg.sr, strlen(r->cfg.sr), sr, &nsr) < 0 ||
	    ping_inet_target(r->cfg.v[PF_SRCTYPE], &r->cfg.src, &t) < 0 ||
	    (r->cfg.addr.len > 0 &&
		ping_inet_target(r->cfg.v[PF_ADDRTYPE], &r->cfg.addr, &t) < 0) ||
	    r->cfg.v[PF_STORAGE] != PING_ST_NONVOLATILE || (r->active && !ping_row_ready(r)))
		goto bad;
	r->cfg.v[PF_ADMIN] = PING_ADMIN_DISABLED; /* back as notStarted */
	if (pingrows_insert(s, r) == 0)
		return 0;
	snprintf(err, errlen, "out of memory");
	ping_row_free(r);
	return -1;
bad:
	snprintf(err, errlen, "a row's parameters are not valid");
	ping_row_free(r);
	return -1;
}

int
pingrows_parse_line(struct pingrows *s, const char *line, char *err, size_t errlen)
{
	char buf[4096], *name, *rest;
	size_t len = strlen(line);

	if (len >= sizeof(buf)) {
		snprintf(err, errlen, "line too long");
		return -1;
	}
	memcpy(buf, line, len + 1);
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (buf[0] == '#' || buf[0] == '\0')
		return 0;
	name = buf;
	if ((rest = strchr(buf, ' ')) == NULL) {
		snprintf(err, errlen, "'%s' has no value", name);
		return -1;
	}
	*rest++ = '\0';
	if (strcmp(name, "row") == 0)
		return parse_row(s, rest, err, errlen);
	return parse_setting(s, name, rest, err, errlen);
}

int
pingrows_open(struct pingrows *s, const char *dir, char *err, size_t errlen)
{
	char line[4096], why[256];
	unsigned lineno = 0;
	FILE *f;

	if ((s->dirfd = statefile_opendir(dir, err, errlen)) < 0)
		return -1;
	if ((s->dir = strdup(dir)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	statefile_clean(s->dirfd, PING_FILE);
	if ((f = statefile_open(s->dirfd, dir, PING_FILE, err, errlen)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (pingrows_parse_line(s, line, why, sizeof(why)) < 0)
			log_warn("ping", "%s/" PING_FILE ":%u: %s; line ignored", dir, lineno, why);
	}
	fclose(f);
	return 0;
}
