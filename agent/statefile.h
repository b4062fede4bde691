/* Small state files in the state directory, replaced atomically. */
#ifndef CIMR_STATEFILE_H
#define CIMR_STATEFILE_H

#include <stddef.h>

/*
 * Replace the file path (in directory dir) with data: a temporary file
 * path.tmp is written and fsynced, renamed over path, and the directory
 * fsynced, so that a crash leaves the old file or the new one, never a mix.
 * Returns 0, or -1 with a one-line reason in err.
 */
int statefile_write(const char *dir, const char *path, const char *data, size_t len,
    char *err, size_t errlen);

#endif
