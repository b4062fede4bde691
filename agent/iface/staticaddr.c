/* The addresses kept across restarts: see staticaddr.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iface/staticaddr.h"
#include "lib/log.h"
#include "lib/statefile.h"
#include "lib/strnum.h"
#include "lib/text.h"
#include "lib/vec.h"

#define HEADER "# cimrouted: addresses made through SNMP (nonVolatile), IFNAME ADDRESS/PREFIXLEN\n"

static int
cmp(const void *elem, const void *key)
{
	const struct staticaddr *a = elem, *b = key;
	int c = strcmp(a->ifname, b->ifname);

	if (c != 0)
		return c;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((c = memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16)) != 0)
		return c;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

int
staticaddrs_put(struct staticaddrs *s, const struct staticaddr *a)
{
	if (s->n >= STATICADDR_MAX && vec_find(s->v, s->n, sizeof(*s->v), a, cmp) == NULL) {
		errno = ENOSPC;
		return -1;
	}
	return vec_put(&s->v, &s->n, &s->cap, sizeof(*a), a, a, cmp, NULL) < 0 ? -1 : 0;
}

int
staticaddrs_has(const struct staticaddrs *s, const struct staticaddr *a)
{
	return vec_find(s->v, s->n, sizeof(*s->v), a, cmp) != NULL;
}

int
staticaddrs_del(struct staticaddrs *s, const struct staticaddr *a)
{
	return vec_del(s->v, &s->n, sizeof(*a), a, cmp, NULL);
}

void
staticaddr_format(const struct staticaddr *a, char *buf, size_t len)
{
	char t[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->addr, t, sizeof(t));
	/* A name may begin with '#': a blank before it, so that the line is not a comment. */
	snprintf(buf, len, "%s%s %s/%u", a->ifname[0] == '#' ? " " : "", a->ifname, t, a->plen);
}

/* "IFNAME ADDRESS/PREFIXLEN": a name the kernel could have, an address, its prefix length. */
int
staticaddr_parse(const char *line, struct staticaddr *a)
{
	char name[IFNAMSIZ + 1], text[INET6_ADDRSTRLEN + 8], *slash, extra;
	unsigned long long plen;

	memset(a, 0, sizeof(*a));
	if (sscanf(line, "%16s %53s %c", name, text, &extra) != 2 ||
	    !text_is_ifname(name, strlen(name)) || (slash = strchr(text, '/')) == NULL)
		return -1;
	*slash = '\0';
	a->family = strchr(text, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, text, a->addr) != 1 ||
	    strnum(slash + 1, 1, a->family == AF_INET ? 32 : 128, &plen) < 0)
		return -1;
	a->plen = (uint8_t)plen;
	snprintf(a->ifname, sizeof(a->ifname), "%s", name);
	return 0;
}

static void
load(struct staticaddrs *s, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	struct staticaddr a;

	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (staticaddr_parse(line, &a) < 0 || staticaddrs_put(s, &a) < 0)
			log_err("staticaddr", "%s/" STATICADDR_FILE ": line %u skipped: %.80s",
			    s->dir, lineno,
			    text_printable(line, strlen(line)) ? line : "(not printable ASCII)");
	}
	free(line);
}

int
staticaddrs_open(struct staticaddrs *s, const char *dir, char *err, size_t errlen)
{
	FILE *f;

	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
	if ((s->dir = strdup(dir)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((s->dirfd = statefile_opendir(dir, err, errlen)) < 0)
		return -1;
	statefile_clean(s->dirfd, STATICADDR_FILE);
	if ((f = statefile_open(s->dirfd, dir, STATICADDR_FILE, err, errlen)) == NULL)
		return errno == ENOENT ? 0 : -1;
	load(s, f);
	fclose(f);
	return 0;
}

void
staticaddrs_free(struct staticaddrs *s)
{
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->v);
	free(s->dir);
	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
}

int
staticaddrs_save(const struct staticaddrs *s, char *err, size_t errlen)
{
	char *data = NULL, line[IFNAMSIZ + INET6_ADDRSTRLEN + 8];
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	int rc;

	if (f == NULL) {
		snprintf(err, errlen, "cannot write " STATICADDR_FILE ": out of memory");
		return -1;
	}
	fputs(HEADER, f);
	for (size_t i = 0; i < s->n; i++) {
		staticaddr_format(&s->v[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	if (fclose(f) != 0) {
		free(data);
		snprintf(err, errlen, "cannot write " STATICADDR_FILE ": out of memory");
		return -1;
	}
	rc = statefile_write(s->dirfd, s->dir, STATICADDR_FILE, data, len, err, errlen);
	free(data);
	return rc;
}

int
staticaddrs_file_exists(const struct staticaddrs *s)
{
	return s->dirfd >= 0 && statefile_exists(s->dirfd, STATICADDR_FILE);
}

int
staticaddrs_unsave(const struct staticaddrs *s, char *err, size_t errlen)
{
	return statefile_remove(s->dirfd, s->dir, STATICADDR_FILE, err, errlen);
}
