/* Byte checks of text from outside (see text.h). */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "lib/text.h"

/* Printable ASCII from lo: 0x20 with the space, 0x21 without. */
static int
all_in(const unsigned char *s, size_t n, unsigned char lo)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < lo || s[i] > 0x7e)
			return 0;
	return 1;
}

int
text_printable(const void *s, size_t n)
{
	return all_in(s, n, 0x20);
}

int
text_is_name(const char *s, size_t n, size_t max)
{
	return n > 0 && n <= max && all_in((const unsigned char *)s, n, 0x21);
}

int
text_is_ifname(const char *s, size_t n)
{
	if (!text_is_name(s, n, IFNAMSIZ - 1) || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	return memchr(s, '/', n) == NULL && memchr(s, ':', n) == NULL;
}

size_t
text_escape(const void *s, size_t n, char *buf, size_t len)
{
	const unsigned char *p = s;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int plain = all_in(&p[i], 1, 0x20);

		if (o + (plain ? 1 : 4) >= len)
			break;
		o += (size_t)snprintf(buf + o, len - o, plain ? "%c" : "\\x%02x", p[i]);
	}
	if (len > 0)
		buf[o] = '\0';
	return o;
}

const char *
text_token(const char *tok, char *buf, size_t len)
{
	text_escape(tok, strnlen(tok, len / 4), buf, len);
	return buf;
}
