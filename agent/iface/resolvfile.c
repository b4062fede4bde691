/* Writing the resolver file: see resolvfile.h. */
#define _GNU_SOURCE /* statx */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iface/resolver.h"
#include "iface/resolvfile.h"
#include "lib/log.h"
#include "lib/statefile.h"

/* Open the directory of path into *dirfd; dir its text, *base the file's name in it. */
static int
open_dir(const char *path, char *dir, size_t dlen, const char **base, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL ? 0 : slash == path ? 1 : (size_t)(slash - path);

	*base = slash == NULL ? path : slash + 1;
	if (**base == '\0' || n >= dlen) {
		snprintf(err, errlen, "%s: not a file name", path);
		return -1;
	}
	if (slash == NULL)
		snprintf(dir, dlen, ".");
	else {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	return statefile_opendir(dir, err, errlen);
}

/* The service a symbolic link's target names. */
static void
link_owner(int dirfd, const char *base, struct resolvfile *f)
{
	static const struct {
		const char *mark, *name;
	} marks[] = {
		{ "systemd/resolve", "systemd-resolved" },
		{ "NetworkManager", "NetworkManager" },
		{ "resolvconf", "resolvconf" },
		{ "netconfig", "netconfig" },
	};
	char target[PATH_MAX];
	ssize_t n = readlinkat(dirfd, base, target, sizeof(target) - 1);
	const char *name = "another service";

	target[n > 0 ? n : 0] = '\0';
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strstr(target, marks[i].mark) != NULL)
			name = marks[i].name;
	snprintf(f->owner, sizeof(f->owner), "%s (a symbolic link to %.64s)", name, target);
}

/* Read at most RESOLVER_FILE_MAX bytes of the regular file base; 0 or -1 with err. */
static int
read_text(int dirfd, const char *path, const char *base, struct resolvfile *f, char *err,
    size_t errlen)
{
	/* O_NONBLOCK: a FIFO put there since it was checked never holds the loop. */
	int fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((f->text = malloc(RESOLVER_FILE_MAX + 1)) == NULL)
		goto fail;
	while (f->len <= RESOLVER_FILE_MAX &&
	    (n = read(fd, f->text + f->len, RESOLVER_FILE_MAX + 1 - f->len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		f->len += (size_t)n;
	}
	close(fd);
	if (f->len > RESOLVER_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, RESOLVER_FILE_MAX);
		return -1;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int
resolvfile_load(const char *path, struct resolvfile *f, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *base, *manager;
	struct statx st;
	int dirfd, rc = -1;

	memset(f, 0, sizeof(*f));
	f->mode = 0644;
	if ((dirfd = open_dir(path, dir, sizeof(dir), &base, err, errlen)) < 0)
		return -1;
	if (statx(dirfd, base, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MODE, &st) < 0) {
		if ((rc = errno == ENOENT ? 0 : -1) < 0)
			snprintf(err, errlen, "cannot stat %s: %s", path, strerror(errno));
		f->missing = 1;
	} else if (S_ISLNK(st.stx_mode)) {
		link_owner(dirfd, base, f);
		rc = 0;
	} else if (!S_ISREG(st.stx_mode))
		snprintf(err, errlen, "%s: not a regular file", path);
	else if ((rc = read_text(dirfd, path, base, f, err, errlen)) == 0) {
		f->mode = st.stx_mode & 07777;
		/* A bind mount's target (ip netns exec): see resolvfile.h. */
		f->in_place = (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0 &&
		    (st.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
		if ((manager = resolver_manager(f->text, f->len)) != NULL)
			snprintf(f->owner, sizeof(f->owner), "%s (its header names it)", manager);
	}
	close(dirfd);
	if (rc < 0)
		resolvfile_free(f);
	return rc;
}

void
resolvfile_free(struct resolvfile *f)
{
	free(f->text);
	f->text = NULL;
	f->len = 0;
}

/* A mount point: write from the start, truncate, fsync. */
static int
write_in_place(int dirfd, const char *path, const char *base, const char *text, size_t len,
    char *err, size_t errlen)
{
	int fd = openat(dirfd, base, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t done = 0;
	ssize_t n;

	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (done < len) {
		if ((n = pwrite(fd, text + done, len - done, (off_t)done)) < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		done += (size_t)n;
	}
	if (ftruncate(fd, (off_t)len) < 0 || fsync(fd) < 0)
		goto fail;
	close(fd);
	log_info("resolver",
	    "%s is a mount point (a bind mount, as ip netns exec makes): rewritten in place, "
	    "not replaced",
	    path);
	return 0;
fail:
	snprintf(err, errlen, "cannot write %s in place: %s; it may be half written", path,
	    strerror(errno));
	close(fd);
	return -1;
}

int
resolvfile_write(const char *path, const struct resolvfile *f, const char *text, size_t len,
    char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *base;
	int dirfd, rc;

	if ((dirfd = open_dir(path, dir, sizeof(dir), &base, err, errlen)) < 0)
		return -1;
	if (f->in_place)
		rc = write_in_place(dirfd, path, base, text, len, err, errlen);
	else
		rc = statefile_replace(dirfd, dir, base, text, len, f->mode, err, errlen);
	close(dirfd);
	return rc;
}

int
resolvfile_restore(const char *path, const struct resolvfile *f, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *base;
	int dirfd, rc = 0;

	if (!f->missing)
		return resolvfile_write(path, f, f->text != NULL ? f->text : "", f->len, err,
		    errlen);
	if ((dirfd = open_dir(path, dir, sizeof(dir), &base, err, errlen)) < 0)
		return -1;
	if (unlinkat(dirfd, base, 0) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
		rc = -1;
	}
	close(dirfd);
	return rc;
}

/* Is pid's network namespace net (st_dev, st_ino of proc/self/ns/net)? */
static int
same_netns(int procfd, const char *pid, const struct stat *net)
{
	char p[NAME_MAX + 16];
	struct stat st;

	snprintf(p, sizeof(p), "%s/ns/net", pid);
	return fstatat(procfd, p, &st, 0) == 0 && st.st_dev == net->st_dev &&
	    st.st_ino == net->st_ino;
}

/* Is pid's command name dhclient? */
static int
is_dhclient(int procfd, const char *pid)
{
	char p[NAME_MAX + 16], comm[32];
	int fd;
	ssize_t n;

	snprintf(p, sizeof(p), "%s/comm", pid);
	if ((fd = openat(procfd, p, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	comm[n > 0 ? n : 0] = '\0';
	return strcmp(comm, "dhclient\n") == 0;
}

int
resolvfile_dhclient(const char *proc, char *owner, size_t len)
{
	int procfd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat net;
	struct dirent *e;
	unsigned seen = 0;
	DIR *d;

	if (procfd < 0)
		return 0;
	if (fstatat(procfd, "self/ns/net", &net, 0) < 0 || (d = fdopendir(procfd)) == NULL) {
		close(procfd);
		return 0;
	}
	while ((e = readdir(d)) != NULL && seen++ < RESOLVFILE_PROCS_MAX) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || !is_dhclient(procfd, e->d_name) ||
		    !same_netns(procfd, e->d_name, &net))
			continue;
		snprintf(owner, len,
		    "dhclient-script (dhclient, pid %s, runs in this network namespace)",
		    e->d_name);
		closedir(d);
		return 1;
	}
	closedir(d);
	return 0;
}
