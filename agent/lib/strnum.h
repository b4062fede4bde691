/*
 * The one number parser for configuration directives, state files and
 * names that may be numbers: a whole unsigned decimal number within a
 * range.  Digits only: no sign, no space, no base prefix, nothing after
 * (strtoul alone would take " +12abc" as 12).  Leading zeros are decimal.
 */
#ifndef CIMR_STRNUM_H
#define CIMR_STRNUM_H

/*
 * 0 with *out set, or -1 with errno EINVAL (s is not such a number) or
 * ERANGE (a number outside [min, max]); *out is then unchanged.
 */
int strnum(const char *s, unsigned long long min, unsigned long long max, unsigned long long *out);

#endif
