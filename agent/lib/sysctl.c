/* Numeric sysctls: see sysctl.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/strnum.h"
#include "lib/sysctl.h"

static int
sysctl_open(const char *root, const char *name, int flags)
{
	char path[256];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, name) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, flags | O_NOFOLLOW | O_CLOEXEC);
}

int
sysctl_read(const char *root, const char *name, unsigned long long *out)
{
	char buf[32];
	ssize_t n;
	int fd, e;

	if ((fd = sysctl_open(root, name, O_RDONLY)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	e = errno;
	close(fd);
	if (n <= 0) {
		errno = n < 0 ? e : EINVAL;
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strnum(buf, 0, UINT32_MAX, out);
}

int
sysctl_write(const char *root, const char *name, unsigned long long v)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%llu\n", v);
	ssize_t n;
	int fd, e;

	if ((fd = sysctl_open(root, name, O_WRONLY)) < 0)
		return -1;
	n = write(fd, buf, (size_t)len);
	e = errno;
	if (close(fd) < 0 && n == len)
		return -1;
	if (n != len) {
		errno = n < 0 ? e : EIO;
		return -1;
	}
	return 0;
}
