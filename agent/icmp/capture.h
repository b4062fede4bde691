/*
 * The ping engine's capture: libpcap on the "any" device, kernel-filtered
 * by a BPF program compiled for the engine's identifiers (echo requests and
 * replies carrying them, ICMP errors quoting them), in immediate mode on a
 * memory-mapped ring, with the best timestamps the devices give.  Open only
 * while probes are outstanding, so that a router forwarding traffic pays
 * nothing when nobody pings.
 *
 * It reports each packet it sees (a request leaving, an answer arriving)
 * with its timestamp; the engine matches them to its probes.  An answer
 * carries what tells it apart from another with the same id and seq (a
 * forged or corrupted one): its ICMP checksum field, its ICMP length and
 * its source, which the engine compares with the answer its socket
 * accepted.
 */
#ifndef CIMR_CAPTURE_H
#define CIMR_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct capture_pkt {
	int family;   /* AF_INET, AF_INET6 */
	int outgoing; /* 1: sent by this host */
	int loopback; /* on a loopback device, whose one copy libpcap shows as received */
	uint8_t type; /* the ICMP / ICMPv6 type */
	uint8_t code;
	uint16_t id, seq;   /* of the echo, or of the echo an error quotes */
	struct timespec ts; /* CLOCK_REALTIME, the capture's */
	uint8_t ttl;        /* of this packet (TTL / hop limit) */
	uint16_t sum;       /* the ICMP checksum field, as on the wire (network order) */
	uint32_t len;       /* the ICMP message's length; 0: unknown (a first fragment) */
	uint8_t src[16];    /* the packet's source address (IPv4: the first 4 octets) */
};

typedef void (*capture_fn)(void *arg, const struct capture_pkt *);

struct capture;

struct capture *capture_new(capture_fn, void *arg);
void capture_free(struct capture *);
/* Open the capture for these identifiers; 0, or -1 with err filled (no libpcap device, no right). */
int capture_open(struct capture *, uint16_t id4, uint16_t id6, char *err, size_t errlen);
/* The capture's selectable fd, or -1 while closed. */
int capture_fd(const struct capture *);
/* Read what the capture holds now, without waiting; the packets seen, or -1. */
int capture_drain(struct capture *);
void capture_close(struct capture *);
/* The timestamp type in use ("host", "adapter", ...), for the log and the README. */
const char *capture_tstamp_name(const struct capture *);

/* The filter text for these identifiers (for the unit tests and the log); buf is len bytes. */
void capture_filter_text(uint16_t id4, uint16_t id6, char *buf, size_t len);
/* Parse one captured frame of the "any" device (LINUX_SLL2); 0 with *p filled, or -1. */
int capture_parse(const uint8_t *frame, size_t len, int linktype, struct capture_pkt *p);

#endif
