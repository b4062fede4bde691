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

#endif
