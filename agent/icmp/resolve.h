/*
 * Names for the ping engine, resolved without blocking the loop.
 *
 * A small pool of resolver threads takes jobs from a bounded queue and
 * calls glibc's getaddrinfo() / getnameinfo() (so nsswitch.conf,
 * /etc/hosts, and a namespace's /etc/netns files apply as for every other
 * program); the results go back to the loop through an eventfd, where the
 * caller's function runs.  Why not getaddrinfo_a(): it notifies by signal
 * or by a new thread per request, and its own thread count is not bounded
 * by us; why not c-ares: it bypasses nsswitch.conf, so a router's
 * /etc/hosts entries or NSS modules would answer differently from every
 * other tool on it.
 *
 * A job that is cancelled before its result is delivered is dropped; its
 * function is never called.  The threads touch nothing but their job.
 */
#ifndef CIMR_RESOLVE_H
#define CIMR_RESOLVE_H

#include "icmp/ping.h"

/* Not "struct resolver": iface/resolver.h has that name (resolv.conf), and main.c links both. */
struct resolve_pool;
struct resolve_req;

/*
 * A name resolved: status 0 and the first address getaddrinfo(AF_UNSPEC,
 * AI_ADDRCONFIG) gives (RFC 6724's order: IPv6 first when the host can
 * reach it, as Windows orders them); else the Windows Sockets code
 * (resolve_wsa_status()) and t NULL.
 */
typedef void (*resolve_name_fn)(void *arg, uint32_t status, const struct ping_target *t);
/* An address resolved: its name, or "" when it has none (NI_NAMEREQD failed). */
typedef void (*resolve_addr_fn)(void *arg, const char *name);

#define RESOLVE_THREADS_MAX 16
#define RESOLVE_NAME_MAX    255 /* longer names are refused (11001) without a lookup */

/* threads: 1..RESOLVE_THREADS_MAX; queue_max: jobs waiting at most (>= 1).  NULL with errno. */
struct resolve_pool *resolve_pool_new(unsigned threads, unsigned queue_max);
/*
 * Start the threads and join the loop; 0 or -1 with errno.  Call it after
 * daemonizing: threads do not survive fork().  Jobs queued before it wait.
 */
int resolve_pool_start(struct resolve_pool *);
/*
 * Stop the threads (a lookup in progress is waited for) and free every job:
 * the caller's handles of jobs not yet delivered are then invalid.  Not from
 * a job's function.
 */
void resolve_pool_free(struct resolve_pool *);

/*
 * Queue a lookup; NULL with errno EAGAIN when the queue is full, ENOMEM.  The
 * function runs later, from the loop, never from here: a name longer than
 * RESOLVE_NAME_MAX or with a byte no host name has is answered 11001 that
 * way too, without a lookup.  The handle is valid until the function has run
 * or the job is cancelled.
 */
struct resolve_req *resolve_name(struct resolve_pool *, const char *name, resolve_name_fn,
    void *arg);
struct resolve_req *resolve_addr(struct resolve_pool *, const struct ping_target *, resolve_addr_fn,
    void *arg);
/* Never call the function of req (which is then forgotten). */
void resolve_cancel(struct resolve_req *);

/* The Windows Sockets code WMI gives for a getaddrinfo() error (EAI_NONAME: 11001). */
uint32_t resolve_wsa_status(int gai_err);

#endif
