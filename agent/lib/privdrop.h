/*
 * Least privilege (issue 16): cimrouted started by root with -u USER
 * becomes USER (its uid, primary gid and supplementary groups) and keeps
 * only the capabilities its features need, privdrop_caps[]; every other
 * capability leaves the bounding set, and no_new_privs is set, so neither
 * cimrouted nor a program it runs can regain one.
 */
#ifndef CIMR_PRIVDROP_H
#define CIMR_PRIVDROP_H

#include <stddef.h>
#include <sys/capability.h>
#include <sys/types.h>

/*
 * The capabilities kept, effective, permitted, inheritable and ambient (the
 * programs of iface/proc need them too); the README's table says why each.
 */
extern const cap_value_t privdrop_caps[];
extern const size_t privdrop_ncaps;

struct privdrop {
	char name[64];
	uid_t uid;
	gid_t gid;
};

/*
 * Look USER up for a process of effective uid euid: refused (-1 and a
 * one-line reason in err) when euid is not 0, when there is no such user,
 * when it is root (uid 0), or when one of its groups is root's (gid 0: its
 * primary group or a supplementary one).  Fills p.
 */
int privdrop_lookup(const char *user, uid_t euid, struct privdrop *p, char *err, size_t errlen);

/*
 * Make path's missing directories, 0700, each given to owner when not
 * NULL (-u: before the drop).  0, or -1 and errno.
 */
int privdrop_mkdirs(const char *path, const struct privdrop *owner);

/*
 * Become p's user with privdrop_caps[] only.  Must run before any thread
 * is created: capabilities belong to a thread.  0, or -1 with a one-line
 * reason in err (the process may then be half-changed: the caller exits).
 */
int privdrop_apply(const struct privdrop *p, char *err, size_t errlen);

#endif
