/*
 * Small files watched by polling: what a file was when last read (device,
 * inode, size, mtime), so that a module on a timer reads it again only
 * when it changed, and a bounded read of it.  The resolver and the DHCP
 * leases (iface/) watch their files this way: their folders are on tmpfs
 * or in the page cache, a stat is microseconds, and inotify would not see
 * a bind mount's target replaced (ip netns exec's resolv.conf).
 */
#ifndef CIMR_FILESTAMP_H
#define CIMR_FILESTAMP_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct file_stamp {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int present;
};

/* 1 if the file at path is not what *st says (and *st is updated), 0 if it is the same. */
int file_stamp_changed(const char *path, struct file_stamp *st);
/*
 * The last max bytes of a regular file at most, in a new buffer (free()),
 * their count in *len; NULL with errno if it cannot be read.
 */
char *file_read_tail(const char *path, size_t max, size_t *len);

#endif
