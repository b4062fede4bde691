/*
 * Byte checks of text that comes from outside (an SNMP value, a
 * configuration file, a name to look up): printable ASCII, and a name as
 * the resolvers take it.
 */
#ifndef CIMR_TEXT_H
#define CIMR_TEXT_H

#include <stddef.h>

/* 1 if each of the n bytes at s is printable ASCII, 0x20 to 0x7e (n may be 0). */
int text_printable(const void *s, size_t n);
/* 1 if n is 1 to max and each byte at s is printable ASCII but the space (0x21 to 0x7e). */
int text_is_name(const char *s, size_t n, size_t max);
/*
 * 1 if the n bytes at s (not NUL-terminated) are a name an interface can
 * have and cimrouted may log: the kernel's dev_valid_name() (1..15 bytes, no
 * '/', ':' or whitespace, not "." nor ".."), narrowed to printable ASCII, as
 * the name goes into log lines and state files, where a control byte or a
 * newline could forge a line.  The one check of every interface name that
 * comes from outside: an SNMP index, a state file line, a directive.
 */
int text_is_ifname(const char *s, size_t n);
/*
 * The n bytes at s for a log line, into buf (len bytes, NUL-terminated):
 * printable ASCII as it is, any other byte as \xNN, cut at a whole byte when
 * buf is full.  The length written.
 */
size_t text_escape(const void *s, size_t n, char *buf, size_t len);
/* A buffer for text_token(): 32 bytes of a token, each as \xNN at worst. */
#define TEXT_TOKEN_LEN (4 * 32 + 1)
/*
 * A token of a configuration line for an error message: its first bytes
 * (as many as fit in len, at most 32 with TEXT_TOKEN_LEN) through
 * text_escape(), into buf; returns buf.
 */
const char *text_token(const char *tok, char *buf, size_t len);

#endif
