/*
 * out: printing a result (ordered property names, rows of values or NULL) in
 * the forms PowerShell users know.  No network, no knowledge of the map.
 *
 *  table (Format-Table -AutoSize): a blank line, the header, a line of dashes
 *    as long as each name, the rows, a blank line.  Columns are as wide as
 *    their widest value or name, one space apart; a column whose values are
 *    all numbers is right-aligned (header too), others left-aligned; no
 *    trailing blanks.  Rows are buffered (the widths need them all).  With a
 *    width (a terminal's), columns that would start beyond it are removed
 *    (their names go to stderr, as PowerShell warns) and the values of the
 *    last column kept are cut to the width, ending in "..."; without a width
 *    (output not a terminal) nothing is cut.
 *  list (Format-List): a blank line, then per row "Name : value" lines with
 *    the names padded to the longest, rows separated by a blank line, a
 *    blank line at the end.  Nothing is cut or wrapped.
 *  csv (RFC 4180, as Export-Csv -NoTypeInformation): a header row of the
 *    names, then one record per row, every field in double quotes (quotes
 *    doubled) except NULL, which is an empty unquoted field (so '' and NULL
 *    differ); records end in CRLF.  No rows: the header alone.
 *  json: an array of objects, one a line, with the names as keys: numbers as
 *    numbers, booleans as true/false, arrays as arrays, strings (also
 *    datetimes in CIM_DATETIME form, MAC addresses, REFs) as strings
 *    (UTF-8 kept, other bytes as \u00XX), NULL as null.  No rows: [].
 * In table, list and csv, booleans are True/False and arrays {a, b} (as
 * PowerShell shows them, every element); in table and list control
 * characters of values are shown as '?' (values come from the network).
 */
#ifndef CIMQ_OUT_H
#define CIMQ_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "cimq/eval.h"

enum out_format { OUT_TABLE, OUT_LIST, OUT_CSV, OUT_JSON };

struct out;

/* "table", "list", "csv", "json" to *f: 0, or -1 if unknown. */
int out_parse_format(const char *name, enum out_format *f);

/* Starts a result of ncols columns named names (kept, not copied) on fp;
   width: the terminal's width for table, 0 for no limit.  NULL on ENOMEM. */
struct out *out_open(enum out_format f, FILE *fp, const char *const *names, size_t ncols,
    size_t width);
/* Adds a row of ncols values (copied as needed).  0, or -1 on ENOMEM or a
   write error. */
int out_row(struct out *o, const struct cq_value *row);
/* Prints what is buffered and the end, frees o.  0, or -1 on a write error. */
int out_close(struct out *o);

#endif
