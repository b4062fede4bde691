/* State files, opened relative to the state directory: see statefile.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/statefile.h"

int statefile_fail_dirsync;

int
statefile_opendir(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	size_t n;
	struct stat st;
	int fd, e;

	/* "link/" would follow the link in spite of O_NOFOLLOW. */
	if ((n = strlen(dir)) >= sizeof(path)) {
		snprintf(err, errlen, "state directory %s: path too long", dir);
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		e = errno;
		int seen = lstat(path, &st) == 0;

		if (seen && S_ISLNK(st.st_mode)) {
			snprintf(err, errlen, "state directory %s is a symbolic link", dir);
			e = ELOOP;
		} else if (seen && e == EACCES && st.st_uid != geteuid()) /* -u: root's */
			snprintf(err, errlen,
			    "state directory %s is owned by uid %u, not by cimrouted's uid %u", dir,
			    (unsigned)st.st_uid, (unsigned)geteuid());
		else
			snprintf(err, errlen, "state directory %s: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		snprintf(err, errlen, "state directory %s: %s", dir, strerror(e));
	} else if (st.st_uid != geteuid()) {
		snprintf(err, errlen,
		    "state directory %s is owned by uid %u, not by cimrouted's uid %u", dir,
		    (unsigned)st.st_uid, (unsigned)geteuid());
		e = EPERM;
	} else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen,
		    "state directory %s is writable by group or others (mode %04o)", dir,
		    (unsigned)(st.st_mode & 07777));
		e = EPERM;
	} else
		return fd;
	close(fd);
	errno = e;
	return -1;
}

FILE *
statefile_open(int dirfd, const char *dir, const char *name, char *err, size_t errlen)
{
	struct stat st;
	FILE *f;
	int fd, e;

	/* O_NONBLOCK: a FIFO planted here must not hang the open. */
	if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0) {
		e = errno;
		if (e == ELOOP)
			snprintf(err, errlen, "%s/%s is a symbolic link; refusing to read it", dir,
			    name);
		else
			snprintf(err, errlen, "cannot read %s/%s: %s", dir, name, strerror(e));
		errno = e;
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		snprintf(err, errlen, "cannot read %s/%s: %s", dir, name, strerror(e));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s/%s is not a regular file; refusing to read it", dir,
		    name);
		e = EINVAL;
	} else if (st.st_uid != geteuid()) {
		snprintf(err, errlen,
		    "%s/%s is owned by uid %u, not by cimrouted's uid %u; "
		    "refusing to read it",
		    dir, name, (unsigned)st.st_uid, (unsigned)geteuid());
		e = EPERM;
	} else if ((f = fdopen(fd, "r")) == NULL) {
		e = errno;
		snprintf(err, errlen, "cannot read %s/%s: %s", dir, name, strerror(e));
	} else
		return f;
	close(fd);
	errno = e;
	return NULL;
}

static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Create name.tmp afresh with mode and write data to it; 0, or -1 with err. */
static int
write_tmp(int dirfd, const char *dir, const char *tmp, const char *data, size_t len, mode_t mode,
    char *err, size_t errlen)
{
	int fd, e;

	/* A stale one (or anything planted in its place) goes first: O_EXCL below. */
	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s/%s: %s", dir, tmp, strerror(errno));
		return -1;
	}
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s/%s: %s", dir, tmp, strerror(errno));
		return -1;
	}
	/* fchmod: the umask does not narrow it (0600 stays 0600, 0644 is 0644). */
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		errno = e;
	} else if (close(fd) == 0)
		return 0;
	snprintf(err, errlen, "cannot write %s/%s: %s", dir, tmp, strerror(errno));
	unlinkat(dirfd, tmp, 0);
	return -1;
}

static int
sync_dir(int dirfd)
{
	if (statefile_fail_dirsync) {
		errno = EIO;
		return -1;
	}
	return fsync(dirfd);
}

/*
 * The directory fsync failed after the rename: put the old file back (or
 * remove the new one if there was none), so that the caller's failure is
 * the truth (issue 9, item 9).
 */
static void
undo_rename(int dirfd, const char *dir, const char *name, const char *old, int had_old, char *err,
    size_t errlen)
{
	int e = errno, rc;

	rc = had_old ? renameat(dirfd, old, dirfd, name) : unlinkat(dirfd, name, 0);
	if (rc == 0)
		snprintf(err, errlen, "cannot sync directory %s: %s; %s left as it was", dir,
		    strerror(e), name);
	else
		snprintf(err, errlen,
		    "cannot sync directory %s: %s; and cannot put the previous "
		    "%s back: %s",
		    dir, strerror(e), name, strerror(errno));
}

/*
 * Replace name with data through a new file (mode), keeping the old one
 * meanwhile: their names are pre, name, and the suffix ("", "x", ".tmp").
 */
static int
replace(int dirfd, const char *dir, const char *name, const char *pre, const char *tmp_suffix,
    const char *old_suffix, const char *data, size_t len, mode_t mode, char *err, size_t errlen)
{
	char tmp[NAME_MAX + 1], old[NAME_MAX + 1];
	int had_old = 1;

	if (snprintf(tmp, sizeof(tmp), "%s%s%s", pre, name, tmp_suffix) >= (int)sizeof(tmp) ||
	    snprintf(old, sizeof(old), "%s%s%s", pre, name, old_suffix) >= (int)sizeof(old)) {
		snprintf(err, errlen, "cannot write %s/%s: name too long", dir, name);
		return -1;
	}
	if (write_tmp(dirfd, dir, tmp, data, len, mode, err, errlen) < 0)
		return -1;
	/* A second name for the old file, to put it back if the directory sync fails. */
	if (unlinkat(dirfd, old, 0) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s/%s: %s", dir, old, strerror(errno));
		goto fail;
	}
	if (linkat(dirfd, name, dirfd, old, 0) < 0) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "cannot keep %s/%s as %s: %s", dir, name, old,
			    strerror(errno));
			goto fail;
		}
		had_old = 0;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		snprintf(err, errlen, "cannot rename %s/%s to %s: %s", dir, tmp, name,
		    strerror(errno));
		goto fail;
	}
	/* The rename itself must reach the disk before the caller reports success. */
	if (sync_dir(dirfd) < 0) {
		undo_rename(dirfd, dir, name, old, had_old, err, errlen);
		return -1;
	}
	if (had_old)
		unlinkat(dirfd, old, 0);
	return 0;
fail:
	unlinkat(dirfd, tmp, 0);
	if (had_old)
		unlinkat(dirfd, old, 0);
	return -1;
}

int
statefile_write(int dirfd, const char *dir, const char *name, const char *data, size_t len,
    char *err, size_t errlen)
{
	return replace(dirfd, dir, name, "", ".tmp", ".old", data, len, 0600, err, errlen);
}

int
statefile_replace(int dirfd, const char *dir, const char *name, const char *data, size_t len,
    mode_t mode, char *err, size_t errlen)
{
	return replace(dirfd, dir, name, ".", ".cimrouted-new", ".cimrouted-old", data, len, mode,
	    err, errlen);
}

int
statefile_exists(int dirfd, const char *name)
{
	struct stat st;

	/* only ENOENT is absence: a file that cannot be looked at may be there */
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

int
statefile_remove(int dirfd, const char *dir, const char *name, char *err, size_t errlen)
{
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s/%s: %s", dir, name, strerror(errno));
		return -1;
	}
	if (sync_dir(dirfd) < 0) {
		snprintf(err, errlen, "cannot sync directory %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

void
statefile_clean(int dirfd, const char *name)
{
	char path[NAME_MAX + 1];

	if (snprintf(path, sizeof(path), "%s.tmp", name) < (int)sizeof(path))
		unlinkat(dirfd, path, 0);
	if (snprintf(path, sizeof(path), "%s.old", name) < (int)sizeof(path))
		unlinkat(dirfd, path, 0);
}
