/* Atomic replacement of a state file: see statefile.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "statefile.h"

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

int
statefile_write(const char *dir, const char *path, const char *data, size_t len,
    char *err, size_t errlen)
{
	char tmp[4096];
	int fd, dfd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "cannot write %s: path too long", path);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		goto fail;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0)
		goto fail;
	/* The rename itself must reach the disk before the caller reports success. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(dfd) < 0) {
		snprintf(err, errlen, "cannot sync directory %s: %s", dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	close(dfd);
	return 0;
fail:
	snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
	unlink(tmp);
	return -1;
}
