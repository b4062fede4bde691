/*
 * ping: Win32_PingStatus as WMI does it.  A SELECT whose WHERE fixes
 * Address = 'host' (and any of the other key properties with =, ANDed)
 * creates a cimPingTable row under owner "cimq" and a unique name
 * (cimq-PID-N) with createAndGo in one SET (a literal IPv4/IPv6 address as
 * cimPingAddressType/cimPingAddress, anything else as cimPingAddressName),
 * polls cimPingOperStatus every 100 ms until completed(3) (at most Timeout
 * + 2 s, + 10 s for a name to resolve), prints the row (Address as given)
 * and destroys it (destroy(6)).  SIGINT/SIGTERM during the wait destroy the
 * row too (status 130).  Without Address = the class cannot be enumerated.
 */
#ifndef CIMQ_PING_H
#define CIMQ_PING_H

#include "cimq/exec.h"

#define CIMQ_INTERRUPTED 130

/* 1 if c is Win32_PingStatus. */
int ping_is(const struct cmap_class *c);

/* 1 if p's WHERE fixes Address with = at its top-level AND. */
int ping_has_address(const struct plan *p);

/* Runs the ping p asks for over ss, prints its instance to o.  0, or -1 and
   err (CIMQ_INTERRUPTED on a signal; the row is destroyed in every case). */
int ping_select(netsnmp_session *ss, const struct cmap *m, struct plan *p, struct out *o,
    struct exec_err *err);

#endif
