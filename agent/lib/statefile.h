/*
 * State files: the one place where cimrouted opens, reads and replaces the
 * small files of its state directory (persisted-routes, notify-state).
 *
 * The directory is opened once (O_DIRECTORY|O_NOFOLLOW) and every file is
 * opened relative to it with O_NOFOLLOW, so a symbolic link planted in the
 * directory is never followed (issue 9, item 2): reading refuses anything
 * but a regular file owned by our effective uid, and a new file is created
 * with O_CREAT|O_EXCL, mode 0600.  The directory itself must be ours and
 * writable by nobody else, or anyone who can write it can swap our files.
 */
#ifndef CIMR_STATEFILE_H
#define CIMR_STATEFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Open the state directory dir: refused (-1, errno and a one-line reason in
 * err) if it is a symbolic link, not a directory, not owned by the
 * effective uid, or writable by group or others.  Returns the descriptor.
 */
int statefile_opendir(const char *dir, char *err, size_t errlen);

/*
 * Open the file name of the directory dirfd (its path dir, for messages)
 * for reading: a regular file owned by the effective uid, not a link.
 * NULL with errno (ENOENT: there is none) and a one-line reason in err.
 */
FILE *statefile_open(int dirfd, const char *dir, const char *name, char *err, size_t errlen);

/*
 * Replace the file name with data: name.tmp is created (O_EXCL, 0600),
 * written and fsynced, renamed over name, and the directory fsynced, so
 * that a crash leaves the old file or the new one, never a mix.  If the
 * directory fsync fails, the old file (kept as name.old meanwhile) is put
 * back, so that a failure always means the old file is in place.
 * Returns 0, or -1 with a one-line reason in err.
 */
int statefile_write(int dirfd, const char *dir, const char *name, const char *data, size_t len,
    char *err, size_t errlen);

/*
 * The same for a file of a directory that is not ours alone (the resolver
 * file in /etc: iface/resolvfile): the new file gets mode, and the names
 * beside it are .NAME.cimrouted-new and .NAME.cimrouted-old, which no one
 * else uses (NAME.old may be an administrator's copy).
 */
int statefile_replace(int dirfd, const char *dir, const char *name, const char *data, size_t len,
    mode_t mode, char *err, size_t errlen);

/* Does name exist in the directory dirfd (not followed if a link)? */
int statefile_exists(int dirfd, const char *name);

/*
 * Remove name (none: nothing to do) and sync the directory: what an undone
 * first write of name puts back.  Returns 0, or -1 with a one-line reason.
 */
int statefile_remove(int dirfd, const char *dir, const char *name, char *err, size_t errlen);

/* Remove name.tmp and name.old, left by a crash in the middle of a write. */
void statefile_clean(int dirfd, const char *name);

/* Test hook: nonzero makes every directory fsync fail with EIO. */
extern int statefile_fail_dirsync;

#endif
