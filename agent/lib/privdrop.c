/*
 * Least privilege: -u USER.  See privdrop.h, and the README's "Least
 * privilege" for why each capability is kept.
 */
#define _GNU_SOURCE /* setresuid, setresgid */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/privdrop.h"

const cap_value_t privdrop_caps[] = {
	CAP_NET_ADMIN, /* netlink writes, SO_RCVBUFFORCE, /proc/sys/net writes */
	CAP_NET_RAW,   /* the raw ICMP sockets, the AF_PACKET capture */
};
const size_t privdrop_ncaps = sizeof(privdrop_caps) / sizeof(privdrop_caps[0]);

/* Whether pw's groups (primary, and the supplementary ones initgroups() would give) hold
   gid 0, root's files' group; 1 too when they cannot be read. */
static int
in_root_group(const struct passwd *pw)
{
	int n = 1, r = 1;
	gid_t *g, probe[1];

	if (pw->pw_gid == 0)
		return 1;
	getgrouplist(pw->pw_name, pw->pw_gid, probe, &n); /* n: how many there are */
	if (n <= 0 || (g = calloc((size_t)n, sizeof(*g))) == NULL)
		return 1;
	if (getgrouplist(pw->pw_name, pw->pw_gid, g, &n) >= 0)
		for (r = 0; r == 0 && n > 0; n--)
			r = g[n - 1] == 0;
	free(g);
	return r;
}

int
privdrop_lookup(const char *user, uid_t euid, struct privdrop *p, char *err, size_t errlen)
{
	struct passwd *pw;

	if (euid != 0) {
		snprintf(err, errlen, "-u %s: only root can change user (running as uid %u)", user,
		    (unsigned)euid);
		return -1;
	}
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "-u %s: no such user%s%s", user, errno != 0 ? ": " : "",
		    errno != 0 ? strerror(errno) : "");
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "-u %s: that is root (uid 0); name an unprivileged user",
		    user);
		return -1;
	}
	if (in_root_group(pw)) {
		snprintf(err, errlen,
		    "-u %s: a member of group root (gid 0); name a user outside it", user);
		return -1;
	}
	if (snprintf(p->name, sizeof(p->name), "%s", pw->pw_name) >= (int)sizeof(p->name)) {
		snprintf(err, errlen, "-u %s: user name too long", user);
		return -1;
	}
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	return 0;
}

static int
kept(cap_value_t c)
{
	for (size_t i = 0; i < privdrop_ncaps; i++)
		if (privdrop_caps[i] == c)
			return 1;
	return 0;
}

/* "cannot VERB CAP REST: errno's reason" in err (errno read first: cap_to_name() allocates). */
static void
cap_err(char *err, size_t errlen, const char *verb, cap_value_t c, const char *rest)
{
	int e = errno;
	char *name = cap_to_name(c);

	snprintf(err, errlen, "cannot %s %s%s: %s", verb, name != NULL ? name : "?", rest,
	    strerror(e));
	cap_free(name);
}

/* Every capability but the kept ones out of the bounding set (needs CAP_SETPCAP: as root). */
static int
drop_bounding(char *err, size_t errlen)
{
	cap_value_t n = cap_max_bits(); /* what the running kernel knows */

	for (cap_value_t c = 0; c < n; c++) {
		if (kept(c))
			continue;
		if (cap_drop_bound(c) < 0) {
			cap_err(err, errlen, "drop", c, " from the bounding set");
			return -1;
		}
	}
	return 0;
}

/* The kept capabilities effective, permitted, inheritable, then ambient. */
static int
set_kept(char *err, size_t errlen)
{
	cap_t caps = cap_init();
	int r = -1;

	if (caps == NULL ||
	    cap_set_flag(caps, CAP_EFFECTIVE, (int)privdrop_ncaps, privdrop_caps, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_PERMITTED, (int)privdrop_ncaps, privdrop_caps, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_INHERITABLE, (int)privdrop_ncaps, privdrop_caps, CAP_SET) < 0 ||
	    cap_set_proc(caps) < 0) {
		snprintf(err, errlen, "cannot set the capabilities: %s", strerror(errno));
		goto fail;
	}
	/* Ambient: kept across execve() of the programs iface/proc runs (resolvectl, networkctl). */
	for (size_t i = 0; i < privdrop_ncaps; i++)
		if (cap_set_ambient(privdrop_caps[i], CAP_SET) < 0) {
			cap_err(err, errlen, "make", privdrop_caps[i], " ambient");
			goto fail;
		}
	r = 0;
fail:
	cap_free(caps);
	return r;
}

/*
 * Directory name of dfd, made 0700 (with the umask of 077 too) when missing
 * and then given to owner through the directory opened, never by its name
 * (which could have been swapped for a link since); a link is followed only
 * when follow is set and the directory was there already.  Its fd, or -1.
 */
static int
mkdir_at(int dfd, const char *name, const struct privdrop *owner, int follow)
{
	int made = mkdirat(dfd, name, 0700) == 0, fd, e;
	struct stat st;

	if (!made && errno != EEXIST)
		return -1;
	fd = openat(dfd, name,
	    O_PATH | O_DIRECTORY | O_CLOEXEC | (follow && !made ? 0 : O_NOFOLLOW));
	if (fd < 0 && errno == ENOTDIR && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		errno = ELOOP; /* a link not followed (O_DIRECTORY says ENOTDIR) */
	if (fd >= 0 && made && owner != NULL &&
	    fchownat(fd, "", owner->uid, owner->gid, AT_EMPTY_PATH) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Links are followed out of root's directories and ours only: one in a
   directory of another user (USER's, as -u makes them) may be a plant. */
int
privdrop_mkdirs(const char *path, const struct privdrop *owner)
{
	char buf[4096], *save = NULL;
	int dfd, follow = 1, e;
	struct stat st;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((dfd = open(buf[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	for (char *n = strtok_r(buf, "/", &save); n != NULL; n = strtok_r(NULL, "/", &save)) {
		int fd = mkdir_at(dfd, n, owner, follow);

		e = errno;
		close(dfd);
		if (fd < 0 || fstat(fd, &st) < 0) {
			if (fd >= 0)
				e = errno, close(fd);
			errno = e;
			return -1;
		}
		follow = st.st_uid == 0 || st.st_uid == geteuid();
		dfd = fd;
	}
	close(dfd);
	return 0;
}

int
privdrop_apply(const struct privdrop *p, char *err, size_t errlen)
{
	if (drop_bounding(err, errlen) < 0)
		return -1;
	/* Keep the permitted set across setresuid(), which would otherwise empty it. */
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0 || initgroups(p->name, p->gid) < 0 ||
	    setresgid(p->gid, p->gid, p->gid) < 0 || setresuid(p->uid, p->uid, p->uid) < 0 ||
	    prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) < 0) {
		snprintf(err, errlen, "cannot become user %s (uid %u, gid %u): %s", p->name,
		    (unsigned)p->uid, (unsigned)p->gid, strerror(errno));
		return -1;
	}
	if (set_kept(err, errlen) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0) {
		snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	/* Paranoia: root must be out of reach now. */
	if (setuid(0) == 0 || geteuid() == 0) {
		snprintf(err, errlen, "still able to become root after dropping privileges");
		return -1;
	}
	return 0;
}
