/*
 * Numeric sysctls under a directory of /proc/sys (a parameter, so that
 * tests can point it at a directory of their own).  A procfs read or write
 * of a sysctl is a few microseconds and never blocks.  Paths are opened
 * with O_NOFOLLOW: a sysctl is never a symbolic link.
 */
#ifndef CIMR_SYSCTL_H
#define CIMR_SYSCTL_H

/* The value of root/name (its first line, a decimal number): 0, or -1 with errno. */
int sysctl_read(const char *root, const char *name, unsigned long long *out);

/*
 * Write v to root/name: 0, or -1 with errno (EINVAL: the kernel refused
 * the value; EIO: a short write).
 */
int sysctl_write(const char *root, const char *name, unsigned long long v);

#endif
