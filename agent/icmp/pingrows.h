/*
 * The rows of cimPingTable without SNMP: their parameters, the requests
 * they run through the engine (icmp/ping.h) and the resolver
 * (icmp/resolve.h), their results (the latest probe, the history of
 * probes, the summary), the limits and counters, ageing, and the state
 * file of the settings and the nonVolatile rows.
 *
 * The engine and the resolver are reached through an operations table
 * (struct ping_ops): the daemon gives the real functions, unit tests their
 * fakes.  The glue (snmp/mib_ping.c) owns the SNMP side: index, columns,
 * SET phases, the notification.
 */
#ifndef CIMR_PINGROWS_H
#define CIMR_PINGROWS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "icmp/ping.h"
#include "icmp/resolve.h"
#include "snmp/loop.h"

#define PING_FILE         "ping-state"
#define PING_KEY_MAX      32  /* octets of an owner, of a name */
#define PING_TEXT_MAX     255 /* AddressName, SourceRoute */
#define PING_INET_MAX     20  /* an InetAddress: ipv6z */
#define PING_MAXROWS_MAX  10000
#define PING_AGEOUT_MAX   604800
#define PING_RATE_MAX     100000
#define PING_DEFAULT_ROWS 100
#define PING_DEFAULT_RATE 1000
#define PING_DEFAULT_AGE  3600

enum { PING_OPER_NOTSTARTED = 1, PING_OPER_INPROGRESS = 2, PING_OPER_COMPLETED = 3 };
enum { PING_ADMIN_ENABLED = 1, PING_ADMIN_DISABLED = 2 };
enum { PING_TRUE = 1, PING_FALSE = 2 };
enum { PING_ST_VOLATILE = 2, PING_ST_NONVOLATILE = 3 };
/* InetAddressType */
enum {
	PING_AT_UNKNOWN = 0,
	PING_AT_IPV4 = 1,
	PING_AT_IPV6 = 2,
	PING_AT_IPV4Z = 3,
	PING_AT_IPV6Z = 4
};

/* The numeric parameters of a row (read-create columns), in struct ping_cfg's v[]. */
enum ping_field {
	PF_ADDRTYPE,
	PF_BUFSIZE,
	PF_DF,
	PF_RR,
	PF_RESOLVE,
	PF_SRTYPE,
	PF_TIMEOUT,
	PF_TS,
	PF_TTL,
	PF_TOS,
	PF_ADMIN,
	PF_TRAP,
	PF_STORAGE,
	PF_SRCTYPE,
	PF_IFINDEX,
	PF_COUNT,
	PF_INTERVAL,
	PF_N
};

/* A field's name (the state file), its MIB range and its DEFVAL. */
struct ping_field_desc {
	const char *name;
	uint32_t min, max, def;
};
extern const struct ping_field_desc ping_fields[PF_N];
/* v is a value the field may hold (its range; TruthValue 1|2; StorageType 2|3; types). */
int ping_field_ok(enum ping_field, unsigned long v);

/* An InetAddress with its type as the row holds them. */
struct ping_inet {
	uint8_t len;
	uint8_t a[PING_INET_MAX];
};

struct ping_cfg {
	uint32_t v[PF_N];
	struct ping_inet addr, src;
	char name[PING_TEXT_MAX + 1]; /* cimPingAddressName */
	char sr[PING_TEXT_MAX + 1];   /* cimPingSourceRoute */
};

/* The index: SnmpAdminStrings owner and name. */
struct ping_key {
	uint8_t olen, nlen;
	uint8_t owner[PING_KEY_MAX], name[PING_KEY_MAX];
};

/* One probe of the history (cimPingProbeTable). */
struct ping_hist {
	uint32_t index;
	int status;
	struct timespec when;
	int time_source;
	uint32_t rtt_us;
	uint8_t has_ttl, ttl, is_reply;
	uint32_t reply_size;
	struct ping_target from;
};

/* A reverse lookup of a result's address: the reply's (slot 0), the recorded route's, the timestamps'. */
#define PING_NAMES (1 + PING_RR_MAX + PING_TS_MAX)
struct ping_name_job {
	struct ping_row *row;
	struct resolve_req *req;
};

struct pingrows;

struct ping_row {
	struct ping_key key;
	struct ping_cfg cfg;
	int active; /* RowStatus active(1); else notInService(2) or notReady(3) */
	int oper;   /* PING_OPER_* */

	/* results of the current (or last) activation */
	int started;         /* PrimaryResolutionStatus, ProbesSent, ProbesReceived are there */
	uint32_t res_status; /* cimPingPrimaryResolutionStatus */
	int has_result;      /* last: the row's WMI columns (StatusCode ...) */
	struct ping_probe last;
	char *names[PING_NAMES]; /* ResolveAddressNames: "" when none; NULL: not asked */
	uint32_t sent, received, rtt_min, rtt_max;
	uint64_t rtt_sum;
	long double rtt_sum2;
	struct timespec completed, completed_mono;
	struct ping_hist *hist; /* by index */
	size_t nhist, hcap;

	/* in progress */
	struct ping_run *run;
	struct resolve_req *name_req;
	struct ping_name_job jobs[PING_NAMES];
	unsigned jobs_left;
	struct pingrows *set;
};

/*
 * The engine, the resolver and the host's addresses as the rows use them
 * (main.c: ping_run_start, resolve_name ...).
 */
struct ping_ops {
	struct ping_run *(*run_start)(struct ping_engine *, const struct ping_params *,
	    const struct ping_hooks *, void *owner);
	void (*run_cancel)(struct ping_run *);
	int (*may_start)(const struct ping_engine *);
	void (*set_rate)(struct ping_engine *, uint32_t per_second);
	struct resolve_req *(
	    *name)(struct resolve_pool *, const char *, resolve_name_fn, void *arg);
	struct resolve_req *(
	    *addr)(struct resolve_pool *, const struct ping_target *, resolve_addr_fn, void *arg);
	void (*cancel)(struct resolve_req *);
	/*
	 * 1 when t is a broadcast address of one of the host's IPv4 networks
	 * (main.c: from the interface mirror, hosts); such a target completes
	 * with badDestination, nothing sent.  May be NULL.
	 */
	int (*broadcast)(const void *hosts, const struct ping_target *t);
};

/* The settings (scalars); which were written through SNMP (kept in the state file). */
struct ping_limits {
	uint32_t max_rows, per_owner, rate, ageout;
};
#define PING_SET_MAXROWS  0x1
#define PING_SET_PEROWNER 0x2
#define PING_SET_RATE     0x4
#define PING_SET_AGEOUT   0x8

struct pingrows {
	struct ping_row **rows; /* in index order */
	size_t n, cap;
	struct ping_limits lim;
	unsigned written; /* PING_SET_* */
	uint32_t refused_rows, refused_owner, refused_rate, aged_out;
	struct timespec last_change;
	int hold; /* SETs holding row pointers: nothing is aged out meanwhile */

	const struct ping_ops *ops;
	struct ping_engine *engine; /* NULL: no ICMP socket (activation refused) */
	struct resolve_pool *resolver;
	const void *hosts; /* ops->broadcast's */
	/* A request completed (the notification); may be NULL. */
	void (*completed)(const struct ping_row *, void *arg);
	void *carg;
	void (*clock)(struct timespec *mono); /* CLOCK_MONOTONIC; tests give theirs */

	char *dir; /* the state directory, opened; NULL / -1: none (tests) */
	int dirfd;
	struct loop_timer age_timer;
};

/* Defaults: pingAgeOut fills lim.ageout before pingrows_open(). */
void pingrows_init(struct pingrows *, const struct ping_ops *, struct ping_engine *,
    struct resolve_pool *);
/* The directives pingAgeOut and pingTimeSource (*time_source: enum ping_time_source); 0, or -1. */
int pingrows_conf_register(struct pingrows *, int *time_source);
/* Read DIR/ping-state (settings written through SNMP, nonVolatile rows: notStarted); 0, or -1 with err. */
int pingrows_open(struct pingrows *, const char *dir, char *err, size_t errlen);
/* Join the loop: the ageing timer (every second). */
int pingrows_start(struct pingrows *);
void pingrows_stop(struct pingrows *);
/* Cancel every request and free every row. */
void pingrows_free(struct pingrows *);

/* Rows by index: the one >= (strict: >) key, its position, or NULL. */
size_t pingrows_seek(const struct pingrows *, const struct ping_key *, int strict);
struct ping_row *pingrows_find(const struct pingrows *, const struct ping_key *);
int ping_key_cmp(const struct ping_key *, const struct ping_key *);
size_t pingrows_owned(const struct pingrows *, const struct ping_key *); /* rows of its owner */

/* A new row with the defaults (not in the set yet); NULL when out of memory. */
struct ping_row *ping_row_new(struct pingrows *, const struct ping_key *);
/* Put r in the set (room reserved: 0, or -1); take it out (not freed). */
int pingrows_insert(struct pingrows *, struct ping_row *);
void pingrows_remove(struct pingrows *, struct ping_row *);
/* Stop what r runs and free it (not in the set any more). */
void ping_row_free(struct ping_row *);

/* Start a request on r (the parameters were checked): results cleared, inProgress. */
void ping_row_start(struct ping_row *);
/* Abandon r's request (admin disabled): notStarted, results removed. */
void ping_row_abandon(struct ping_row *);
/* r has exactly one target: a literal address of a consistent type, or a name. */
int ping_row_ready(const struct ping_row *);

/* The target of an InetAddress of type (PING_AT_*); -1 if the length does not fit the type. */
int ping_inet_target(uint32_t type, const struct ping_inet *, struct ping_target *);
/* The length an InetAddress of type has (unknown: 0). */
size_t ping_inet_len(uint32_t type);
/* A comma-separated list of IPv4 addresses ("" : none); 0, or -1. */
int ping_parse_sr(const char *s, size_t len, struct in_addr *out, uint32_t *n);

/* The summary of a row's activation, as iputils' ping computes it. */
struct ping_summary {
	uint32_t loss;                /* percent; valid when sent > 0 */
	uint32_t min, avg, max, mdev; /* us; valid when received > 0 */
};
void ping_row_summary(const struct ping_row *, struct ping_summary *);

/* Ageing (the timer): completed volatile rows older than lim.ageout go. */
void pingrows_age(struct pingrows *);
/* Write the state file; 0, or -1 with err. */
int pingrows_save(const struct pingrows *, char *err, size_t errlen);
/* One state-file line into the set (tests); 0, or -1 with err. */
int pingrows_parse_line(struct pingrows *, const char *line, char *err, size_t errlen);
/* The state file's text (malloc'd), its length in *len; NULL when out of memory. */
char *pingrows_format(const struct pingrows *, size_t *len);

#endif
