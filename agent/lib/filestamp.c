/* Small files watched by polling: see filestamp.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/filestamp.h"

int
file_stamp_changed(const char *path, struct file_stamp *st)
{
	struct stat sb;
	struct file_stamp now = { 0 };

	if (stat(path, &sb) == 0)
		now = (struct file_stamp){ sb.st_dev, sb.st_ino, sb.st_size, sb.st_mtim, 1 };
	if (now.present == st->present && now.dev == st->dev && now.ino == st->ino &&
	    now.size == st->size && now.mtime.tv_sec == st->mtime.tv_sec &&
	    now.mtime.tv_nsec == st->mtime.tv_nsec)
		return 0;
	*st = now;
	return 1;
}

char *
file_read_tail(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), saved;
	struct stat sb;
	char *buf = NULL;
	ssize_t n;

	*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) < 0)
		goto fail;
	if (!S_ISREG(sb.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((size_t)sb.st_size > max && lseek(fd, sb.st_size - (off_t)max, SEEK_SET) < 0)
		goto fail;
	if ((buf = malloc(max > 0 ? max : 1)) == NULL)
		goto fail;
	while (*len < max && (n = read(fd, buf + *len, max - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}
