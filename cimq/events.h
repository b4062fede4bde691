/*
 * events: event queries (issue 15).  SELECT ... FROM an event class
 * (Win32_IP4RouteTableEvent: the IPv4 changes) or, with WITHIN, FROM
 * cimRouteEvent (the history table's own class: both families, AddressType
 * 1 or 2, so WHERE AddressType = 2 selects the IPv6 changes) follows
 * cimRouteEventTable by sequence number: cimRouteEventLastSequence is read
 * at start, then every WITHIN seconds (default 1) the rows after the last
 * one seen are read (a GETBULK walk of AddressType from the first new
 * sequence number to the last, then one of the query's columns over the
 * selected rows) and each new change printed
 * as a result of its own in the output format, stdout flushed.  Rows gone
 * from the history (it wrapped) are reported on stderr as one line
 * "cimq: N changes missed (sequence A..B)" and the stream continues; so are
 * the selected rows gone by the second walk (events_lost()), after the gaps
 * the first one found.
 * Runs until SIGINT/SIGTERM (exit 0) or count events were printed.
 */
#ifndef CIMQ_EVENTS_H
#define CIMQ_EVENTS_H
#include <stdint.h>

#include "cimq/exec.h"

/* Whether s on class c is an event query. */
int events_is(const struct cmap_class *c, const struct wql_stmt *s);
/* Follows the history for the event query s planned as p; count > 0 stops
   after count events.  0, or -1 and err. */
int events_run(netsnmp_session *ss, const struct cmap *m, const struct wql_stmt *s,
    const struct plan *p, enum out_format f, unsigned long count, struct exec_err *err);

/* Sequence numbers run from 1 to 4294967295 and wrap to 1 (a wrap is not a
   gap).  s moved k steps on (s 0, "none yet", counts as 4294967295). */
uint32_t events_seq_add(uint32_t s, uint32_t k);
/* The steps from a to b (0 when equal). */
uint32_t events_seq_dist(uint32_t a, uint32_t b);
/* Whether seq is next or after it (within half the ring): not seen yet. */
int events_seq_ahead(uint32_t next, uint32_t seq);
/* A row seq read when next was expected: the count of changes missed
   before it (0: none), the first of them in *first; next becomes seq's
   successor. */
uint32_t events_gap(uint32_t *next, uint32_t seq, uint32_t *first);
/* The rows to read from next to last: their count, at most max (the newest
   ones), the first in *first; 0 when last is before next (nothing new). */
uint32_t events_window(uint32_t next, uint32_t last, uint32_t max, uint32_t *first);
/* Whether the second pass of a poll asked for row seq: in seqs[at..n), the
   rows the first one selected, in sequence order. */
int events_asked(const uint32_t *seqs, size_t n, size_t at, uint32_t seq);
/* The second pass of a poll reads the rows seqs[0..n) the first one
   selected, in order, and got row seq (0: it ended): the rows asked for
   before seq, from seqs[*at], left the history between the two passes.
   Their count as changes, from the first to the last of them (0: none), the
   first and last in *first and *last; *at moves past seq. */
uint32_t events_lost(const uint32_t *seqs, size_t n, size_t *at, uint32_t seq, uint32_t *first,
    uint32_t *last);
#endif
