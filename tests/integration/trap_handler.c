/*
 * trap_handler - notify.sh's snmptrapd traphandle: one notification, one line.
 *
 *   trap_handler LOGFILE V4PORT V3IPORT
 *
 * snmptrapd hands a notification to its traphandle on standard input (the
 * host, the transport, then one varbind a line) and waits for the handler to
 * exit before it reads the next datagram.  A shell script as handler costs a
 * shell's start-up per notification, 20-30 ms on a loaded machine, and then
 * sets the pace of a burst and makes snmpd send its informs again; this
 * program costs an exec.  It appends, in one write(2), the line
 *
 *   RECEIVE_NS <TAB> SINK <TAB> TRANSPORT <TAB> VARBIND <TAB> VARBIND ...
 *
 * where SINK is v6 (an IPv6 transport), v3i or v4 (the IPv4 listener on
 * V3IPORT or V4PORT), or other; trap_log.py reads the file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *
sink_of(const char *transport, const char *v4port, const char *v3iport)
{
	char want[64];

	if (strncmp(transport, "UDP/IPv6:", 9) == 0)
		return "v6";
	snprintf(want, sizeof(want), "->[127.0.0.1]:%s", v3iport);
	if (strstr(transport, want) != NULL && strlen(strstr(transport, want)) == strlen(want))
		return "v3i";
	snprintf(want, sizeof(want), "->[127.0.0.1]:%s", v4port);
	if (strstr(transport, want) != NULL && strlen(strstr(transport, want)) == strlen(want))
		return "v4";
	return "other";
}

/* Append s (without its newline) to the growing buffer *out. */
static int
append(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 2 > *cap) {
		size_t ncap = (*len + n + 2) * 2;
		char *p = realloc(*out, ncap);
		if (p == NULL)
			return -1;
		*out = p;
		*cap = ncap;
	}
	memcpy(*out + *len, s, n);
	*len += n;
	return 0;
}

int
main(int argc, char **argv)
{
	struct timespec ts;
	char *line = NULL, *out = NULL, head[64];
	size_t lcap = 0, len = 0, cap = 0;
	ssize_t n;
	int lineno = 0, fd;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (argc != 4) {
		fprintf(stderr, "usage: trap_handler LOGFILE V4PORT V3IPORT\n");
		return 2;
	}
	snprintf(head, sizeof(head), "%lld", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if (append(&out, &len, &cap, head, strlen(head)) < 0)
		return 1;
	while ((n = getline(&line, &lcap, stdin)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (++lineno == 1)
			continue; /* the host: the transport says more */
		if (lineno == 2) {
			while (n > 0 && line[n - 1] == ' ')
				line[--n] = '\0';
			const char *sink = sink_of(line, argv[2], argv[3]);
			if (append(&out, &len, &cap, "\t", 1) < 0 ||
			    append(&out, &len, &cap, sink, strlen(sink)) < 0)
				return 1;
		}
		if (append(&out, &len, &cap, "\t", 1) < 0 ||
		    append(&out, &len, &cap, line, (size_t)n) < 0)
			return 1;
	}
	out[len++] = '\n';
	fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, out, len) != (ssize_t)len) {
		perror(argv[1]);
		return 1;
	}
	close(fd);
	free(line);
	free(out);
	return 0;
}
