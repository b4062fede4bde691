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

struct resolver;
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

/* threads: 1..16; queue_max: jobs waiting at most. */
struct resolver *resolver_new(unsigned threads, unsigned queue_max);
/* Start the threads and join the loop; 0 or -1. */
int resolver_start(struct resolver *);
/* Stop the threads (a lookup in progress is waited for) and free every job. */
void resolver_free(struct resolver *);

/* Queue a lookup; NULL with errno EAGAIN when the queue is full, ENOMEM. */
struct resolve_req *resolve_name(struct resolver *, const char *name, resolve_name_fn, void *arg);
struct resolve_req *resolve_addr(struct resolver *, const struct ping_target *, resolve_addr_fn,
    void *arg);
/* Never call the function of req (which is then forgotten). */
void resolve_cancel(struct resolve_req *);

/* The Windows Sockets code WMI gives for a getaddrinfo() error (EAI_NONAME: 11001). */
uint32_t resolve_wsa_status(int gai_err);

#endif
