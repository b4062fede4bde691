/*
 * Unit tests: the ping engine's capture (icmp/capture.c): the filter text
 * compiles for LINUX_SLL2 and passes exactly the echo requests and replies
 * of our identifiers and the ICMP errors quoting them (IPv4 inner headers
 * with options too), checked with pcap_offline_filter() on hand-made
 * frames; capture_parse() of the same frames, LINUX_SLL2 and LINUX_SLL.
 */
#include "config.h"

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "icmp/capture.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

#define ID4 0x1234
#define ID6 0xbeef

struct frame {
	uint8_t b[256];
	size_t len;
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The LINUX_SLL2 header: protocol, interface, packet type. */
static uint8_t *
sll2(struct frame *f, uint16_t proto, int outgoing)
{
	memset(f, 0, sizeof(*f));
	put16(f->b, proto);
	f->b[7] = 2;                 /* ifindex */
	f->b[9] = 1;                 /* ARPHRD_ETHER */
	f->b[10] = outgoing ? 4 : 0; /* PACKET_OUTGOING, PACKET_HOST */
	f->b[11] = 6;
	return f->b + 20;
}

/* An IPv4 header of hl octets (options zero) for an ICMP message of n octets. */
static uint8_t *
ip4(uint8_t *p, size_t hl, uint8_t ttl, size_t n)
{
	p[0] = 0x40 | (uint8_t)(hl / 4);
	put16(p + 2, (uint16_t)(hl + n));
	p[8] = ttl;
	p[9] = IPPROTO_ICMP;
	return p + hl;
}

static void
echo(uint8_t *p, uint8_t type, uint16_t id, uint16_t seq)
{
	p[0] = type;
	put16(p + 4, id);
	put16(p + 6, seq);
}

static void
echo4(struct frame *f, uint8_t type, uint16_t id, int outgoing)
{
	uint8_t *p = ip4(sll2(f, 0x0800, outgoing), 20, 64, 16);

	echo(p, type, id, 7);
	f->len = 20 + 20 + 16;
}

/* An ICMP error quoting an echo request whose IP header has hl octets. */
static void
error4(struct frame *f, uint8_t type, uint16_t id, size_t hl)
{
	uint8_t *p = ip4(sll2(f, 0x0800, 0), 24, 250, 8 + hl + 8);

	p[0] = type;
	p[1] = 1;
	echo(ip4(p + 8, hl, 1, 8), 8, id, 9);
	f->len = 20 + 24 + 8 + hl + 8;
}

static uint8_t *
ip6(uint8_t *p, uint8_t hop)
{
	p[0] = 0x60;
	p[6] = IPPROTO_ICMPV6;
	p[7] = hop;
	return p + 40;
}

static void
echo6(struct frame *f, uint8_t type, uint16_t id, int outgoing)
{
	echo(ip6(sll2(f, 0x86dd, outgoing), 64), type, id, 11);
	f->len = 20 + 40 + 16;
}

/* The first fragment of an echo (type) and a later one. */
static void
frag6(struct frame *f, uint8_t type, uint16_t id, uint16_t offset)
{
	uint8_t *p = ip6(sll2(f, 0x86dd, 0), 64);

	p[-34] = 44; /* the fragment header follows */
	p[0] = IPPROTO_ICMPV6;
	put16(p + 2, offset);
	echo(p + 8, type, id, 13);
	f->len = 20 + 40 + 8 + 16;
}

static void
error6(struct frame *f, uint8_t type, uint16_t id)
{
	uint8_t *p = ip6(sll2(f, 0x86dd, 0), 61);

	p[0] = type;
	echo(ip6(p + 8, 1), 128, id, 12);
	f->len = 20 + 40 + 8 + 40 + 8;
}

/* An ICMPv6 error quoting the first fragment of a large echo request (offset: its fragment's). */
static void
error6frag(struct frame *f, uint8_t type, uint16_t id, uint16_t offset)
{
	uint8_t *p = ip6(sll2(f, 0x86dd, 0), 63), *in;

	p[0] = type;
	p[1] = 1;
	in = ip6(p + 8, 1);
	in[-34] = 44; /* the quoted header: a fragment header follows */
	in[0] = IPPROTO_ICMPV6;
	put16(in + 2, offset);
	echo(in + 8, 128, id, 14);
	f->len = 20 + 40 + 8 + 40 + 8 + 8;
}

static int
passes(struct bpf_program *prog, const struct frame *f)
{
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)f->len, .len = (bpf_u_int32)f->len };

	return pcap_offline_filter(prog, &h, f->b) != 0;
}

static void
test_filter(void **state)
{
	char text[1024];
	struct bpf_program prog;
	pcap_t *p = pcap_open_dead(DLT_LINUX_SLL2, 256);
	struct frame f;

	(void)state;
	assert_non_null(p);
	capture_filter_text(ID4, ID6, text, sizeof(text));
	assert_int_equal(pcap_compile(p, &prog, text, 1, PCAP_NETMASK_UNKNOWN), 0);
	echo4(&f, 8, ID4, 1), assert_true(passes(&prog, &f));
	echo4(&f, 0, ID4, 0), assert_true(passes(&prog, &f));
	echo4(&f, 0, ID4 + 1, 0), assert_false(passes(&prog, &f));
	echo4(&f, 0, ID6, 0), assert_false(passes(&prog, &f));
	echo4(&f, 13, ID4, 0), assert_false(passes(&prog, &f)); /* a timestamp request */
	error4(&f, 11, ID4, 20), assert_true(passes(&prog, &f));
	error4(&f, 3, ID4, 60), assert_true(passes(&prog, &f)); /* quoting options */
	error4(&f, 12, ID4, 28), assert_true(passes(&prog, &f));
	error4(&f, 4, ID4, 20), assert_true(passes(&prog, &f));
	error4(&f, 3, ID4 + 1, 60), assert_false(passes(&prog, &f));
	error4(&f, 5, ID4, 20), assert_false(passes(&prog, &f)); /* a redirect */
	echo6(&f, 128, ID6, 1), assert_true(passes(&prog, &f));
	echo6(&f, 129, ID6, 0), assert_true(passes(&prog, &f));
	echo6(&f, 129, ID4, 0), assert_false(passes(&prog, &f));
	echo6(&f, 135, ID6, 0), assert_false(passes(&prog, &f)); /* neighbour solicitation */
	error6(&f, 3, ID6), assert_true(passes(&prog, &f));
	error6(&f, 1, ID6), assert_true(passes(&prog, &f));
	error6(&f, 2, ID6 - 1), assert_false(passes(&prog, &f));
	frag6(&f, 129, ID6, 1), assert_true(passes(&prog, &f));    /* offset 0, more fragments */
	error6frag(&f, 3, ID6, 1), assert_true(passes(&prog, &f)); /* reassembly timed out */
	error6frag(&f, 3, ID6 + 1, 1), assert_false(passes(&prog, &f));
	error6frag(&f, 3, ID6, 8 | 1), assert_false(passes(&prog, &f)); /* not the first */
	frag6(&f, 129, ID6, 8 | 1), assert_false(passes(&prog, &f));
	frag6(&f, 129, ID4, 1), assert_false(passes(&prog, &f));
	pcap_freecode(&prog);
	pcap_close(p);
}

static void
test_parse(void **state)
{
	struct capture_pkt k;
	struct frame f;

	(void)state;
	echo4(&f, 8, ID4, 1);
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), 0);
	assert_int_equal(k.family, AF_INET);
	assert_true(k.outgoing);
	assert_int_equal(k.type, 8), assert_int_equal(k.id, ID4), assert_int_equal(k.seq, 7);
	assert_int_equal(k.ttl, 64);
	assert_false(k.loopback);
	f.b[8] = 772 >> 8, f.b[9] = 772 & 0xff; /* ARPHRD_LOOPBACK */
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), 0);
	assert_true(k.loopback);
	/* what tells two answers of one probe apart: checksum field, length, source */
	echo4(&f, 0, ID4, 0);
	f.b[42] = 0xab, f.b[43] = 0xcd;
	f.b[32] = 192, f.b[33] = 0, f.b[34] = 2, f.b[35] = 9;
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), 0);
	assert_memory_equal(&k.sum, "\xab\xcd", 2);
	assert_int_equal(k.len, 16);
	assert_memory_equal(k.src, "\xc0\x00\x02\x09", 4);
	f.b[26] = 0x20; /* more fragments: the length is unknown */
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), 0);
	assert_int_equal(k.len, 0);
	error4(&f, 11, ID4, 60);
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), 0);
	assert_false(k.outgoing);
	assert_int_equal(k.type, 11), assert_int_equal(k.code, 1);
	assert_int_equal(k.id, ID4), assert_int_equal(k.seq, 9);
	assert_int_equal(k.ttl, 250);
	assert_int_equal(capture_parse(f.b, f.len - 1, DLT_LINUX_SLL2, &k), -1); /* cut */
	error6(&f, 1, ID6);
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), 0);
	assert_int_equal(k.family, AF_INET6);
	assert_int_equal(k.type, 1), assert_int_equal(k.id, ID6), assert_int_equal(k.seq, 12);
	assert_int_equal(k.ttl, 61);
	error6frag(&f, 3, ID6, 1);
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), 0);
	assert_int_equal(k.type, 3), assert_int_equal(k.code, 1);
	assert_int_equal(k.id, ID6), assert_int_equal(k.seq, 14);
	assert_int_equal(k.ttl, 63);
	assert_int_equal(capture_parse(f.b, f.len - 1, DLT_LINUX_SLL2, &k), -1);
	echo6(&f, 129, ID6, 0);
	put16(f.b + 24, 16);
	f.b[62] = 0x12, f.b[63] = 0x34;
	f.b[28 + 15] = 7; /* the source's last octet */
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), 0);
	assert_int_equal(k.type, 129), assert_int_equal(k.seq, 11);
	assert_int_equal(k.len, 16);
	assert_memory_equal(&k.sum, "\x12\x34", 2);
	assert_int_equal(k.src[15], 7);
	frag6(&f, 129, ID6, 1);
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), 0);
	assert_int_equal(k.type, 129), assert_int_equal(k.id, ID6), assert_int_equal(k.seq, 13);
	frag6(&f, 129, ID6, 8);
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), -1);
	assert_int_equal(capture_parse(f.b, 19, DLT_LINUX_SLL2, &k), -1);
	assert_int_equal(capture_parse(f.b, f.len, 1 /* EN10MB */, &k), -1);
	f.b[0] = 0x08, f.b[1] = 0x06; /* ARP */
	assert_int_equal(capture_parse(f.b, f.len, DLT_LINUX_SLL2, &k), -1);
}

/* LINUX_SLL: packet type first, the protocol at 14, a 16-octet header. */
static void
test_parse_sll(void **state)
{
	struct frame f, g;
	struct capture_pkt k;

	(void)state;
	echo4(&f, 0, ID4, 0);
	memset(&g, 0, sizeof(g));
	put16(g.b, 4); /* outgoing */
	put16(g.b + 14, 0x0800);
	memcpy(g.b + 16, f.b + 20, f.len - 20);
	g.len = f.len - 4;
	assert_int_equal(capture_parse(g.b, g.len, DLT_LINUX_SLL, &k), 0);
	assert_true(k.outgoing);
	assert_int_equal(k.type, 0), assert_int_equal(k.id, ID4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_sll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
