/*
 * Writing the resolver file (/etc/resolv.conf, or the path a test gives):
 * what the DNS methods of cimAdapterConfig change (snmp/mib_tcpip.c).
 *
 * The file is read and written relative to its directory, which is opened
 * once a SET through lib/statefile (not a symbolic link, owned by the
 * effective uid, writable by nobody else); the file itself is never
 * followed through a symbolic link (O_NOFOLLOW, fstatat without following).
 *
 *   - A symbolic link (to systemd-resolved's stub, NetworkManager's or
 *     resolvconf's run directory) or a header naming a manager
 *     (resolver_manager()) means the file belongs to another service, whose
 *     next lease or change rewrites it: resolvfile_load() names the owner
 *     and cimrouted refuses to write.  So does a dhclient running beside
 *     cimrouted (resolvfile_dhclient()).
 *   - A plain file is replaced atomically: a new file in the same directory
 *     with the old one's mode, fsynced, renamed over it, the directory
 *     fsynced (statefile_replace()).  A crash leaves the old file or the
 *     new one.
 *   - A file that is a mount point (ip netns exec bind-mounts
 *     /etc/netns/NS/resolv.conf over /etc/resolv.conf) cannot be renamed
 *     over (EBUSY), and a new file beside it would land in the host's /etc:
 *     it is rewritten in place (written from its start, truncated, fsynced),
 *     which a reader can see half done; the log says so once a write.
 *
 * The file is what persists: it is not copied to the state directory.
 */
#ifndef CIMR_RESOLVFILE_H
#define CIMR_RESOLVFILE_H

#include <stddef.h>
#include <sys/types.h>

/* The file as it was read: its bytes and what its replacement keeps. */
struct resolvfile {
	char *text; /* malloc'ed, len bytes; NULL when missing */
	size_t len;
	mode_t mode;     /* the permission bits (0644 for a new file) */
	int missing;     /* there was none: a write creates it, an undo removes it */
	int in_place;    /* a mount point: rewritten in place */
	char owner[128]; /* the service it belongs to ("NetworkManager"), "" if none */
};

/*
 * Read the file at path: 0 (f filled, f->owner set when another service
 * owns it), or -1 with a one-line reason in err (the directory cannot be
 * used, not a regular file, larger than RESOLVER_FILE_MAX, a read error).
 */
int resolvfile_load(const char *path, struct resolvfile *f, char *err, size_t errlen);
void resolvfile_free(struct resolvfile *f);

/*
 * Replace the file as f describes it (its mode, in place or not) with
 * len bytes of text: 0, or -1 with a one-line reason in err (the file is
 * then as it was, except in place where a failed write may leave it
 * half written: err says so).
 */
int resolvfile_write(const char *path, const struct resolvfile *f, const char *text, size_t len,
    char *err, size_t errlen);
/* Put back the file f was read from: its bytes, or no file; 0 or -1 with err. */
int resolvfile_restore(const char *path, const struct resolvfile *f, char *err, size_t errlen);

/*
 * Debian's dhclient-script rewrites the file at every lease without a
 * header that names it: a dhclient process in cimrouted's network
 * namespace (its /proc/PID/ns/net the same as ours; proc is /proc, or a
 * test's) makes the file its own.  1 with owner filled, or 0.  At most
 * RESOLVFILE_PROCS_MAX entries of proc are looked at.
 */
#define RESOLVFILE_PROCS_MAX 65536
int resolvfile_dhclient(const char *proc, char *owner, size_t len);

#endif
