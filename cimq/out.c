/* out: a result as Format-Table, Format-List, CSV or JSON (see out.h). */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimq/out.h"

struct out {
	enum out_format fmt;
	FILE *fp;
	const char *const *names;
	size_t ncols;
	size_t width;
	size_t nrows;
	/* table: cell texts (NULL for a NULL value), row after row */
	char **cells;
	size_t cap;
	int *text_col; /* table: the column holds a value that is not a number */
};

static const char *const format_names[] = {
	[OUT_TABLE] = "table",
	[OUT_LIST] = "list",
	[OUT_CSV] = "csv",
	[OUT_JSON] = "json",
};

int
out_parse_format(const char *name, enum out_format *f)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcasecmp(name, format_names[i]) == 0) {
			*f = (enum out_format)i;
			return 0;
		}
	}
	return -1;
}

/* ---- text of a value (table, list, csv) */

/* The C1 control (U+0080 to U+009F) encoded at s, or 0. */
static unsigned
c1_at(const unsigned char *s)
{
	return s[0] == 0xc2 && s[1] >= 0x80 && s[1] < 0xa0 ? s[1] : 0;
}

/* Length of the valid UTF-8 sequence at s (2 to 4: RFC 3629, no overlong
   form, no surrogate, nothing past U+10FFFF), or 0. */
static size_t
utf8_seq(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 :
	    s[0] >= 0xe0 && s[0] <= 0xef        ? 3 :
	    s[0] >= 0xc2 && s[0] <= 0xdf        ? 2 :
						  0;
	unsigned lo = s[0] == 0xe0 ? 0xa0 : s[0] == 0xf0 ? 0x90 : 0x80;
	unsigned hi = s[0] == 0xed ? 0x9f : s[0] == 0xf4 ? 0x8f : 0xbf;

	if (n > 0 && (s[1] < lo || s[1] > hi))
		return 0;
	for (size_t i = 2; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return n;
}

/* How text from an agent is printed: TEXT_UTF8 (csv) with '?' for each byte
   that is not UTF-8, so the output is UTF-8; TEXT_TERMINAL (table, list) also
   with '?' for each control (C0, DEL, C1: a terminal takes U+009B for CSI),
   so what an agent sends never drives the terminal. */
enum text_mode { TEXT_UTF8, TEXT_TERMINAL };

static void
put_text_str(FILE *f, const char *s, enum text_mode mode)
{
	const unsigned char *p = (const unsigned char *)s;
	int term = mode == TEXT_TERMINAL;

	while (*p) {
		size_t n = *p >= 0x80 && !(term && c1_at(p)) ? utf8_seq(p) : 0;

		if (n > 0) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		if (term && c1_at(p))
			p++; /* a C1 control: one '?' */
		putc(*p >= 0x80 || (term && (*p < 0x20 || *p == 0x7f)) ? '?' : *p, f);
		p++;
	}
}

static void
put_text(FILE *f, const struct cq_value *v, enum text_mode mode)
{
	switch (v->kind) {
	case CQ_V_NULL: break;
	case CQ_V_STR: put_text_str(f, v->s ? v->s : "", mode); break;
	case CQ_V_SINT: fprintf(f, "%" PRId64, v->i); break;
	case CQ_V_UINT: fprintf(f, "%" PRIu64, v->u); break;
	case CQ_V_BOOL: fputs(v->b ? "True" : "False", f); break;
	case CQ_V_ARRAY:
		putc('{', f);
		for (size_t i = 0; i < v->n; i++) {
			if (i > 0)
				fputs(", ", f);
			put_text(f, &v->a[i], mode);
		}
		putc('}', f);
		break;
	}
}

/* The text of v as a new string (NULL for a NULL value, or ENOMEM: *err). */
static char *
text_of(const struct cq_value *v, int *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (v->kind == CQ_V_NULL)
		return NULL;
	f = open_memstream(&buf, &len);
	if (f == NULL) {
		*err = 1;
		return NULL;
	}
	put_text(f, v, TEXT_TERMINAL);
	if (fclose(f) != 0) {
		free(buf);
		*err = 1;
		return NULL;
	}
	return buf;
}

/* ---- display widths: UTF-8 code points */

static size_t
text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Bytes of the first n code points of s. */
static size_t
text_prefix(const char *s, size_t n)
{
	size_t i = 0;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (n == 0)
				break;
			n--;
		}
	}
	return i;
}

/* ---- table */

static int
is_number(const struct cq_value *v)
{
	return v->kind == CQ_V_SINT || v->kind == CQ_V_UINT;
}

static int
table_row(struct out *o, const struct cq_value *row)
{
	int err = 0;

	if ((o->nrows + 1) * o->ncols > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : o->ncols * 64;
		char **cells = realloc(o->cells, cap * sizeof(*cells));

		if (cells == NULL)
			return -1;
		o->cells = cells;
		o->cap = cap;
	}
	for (size_t c = 0; c < o->ncols; c++) {
		char **cell = &o->cells[o->nrows * o->ncols + c];

		*cell = text_of(&row[c], &err);
		if (row[c].kind != CQ_V_NULL && !is_number(&row[c]))
			o->text_col[c] = 1;
	}
	o->nrows++;
	return err ? -1 : 0;
}

/* Appends text padded to w code points (cut to w when longer: "..."). */
static char *
put_cell(char *p, const char *text, size_t w, int right)
{
	size_t tw = text_width(text), len = strlen(text);
	int cut = tw > w;

	if (cut) {
		len = text_prefix(text, w > 3 ? w - 3 : w);
		tw = w;
	}
	if (right)
		p += sprintf(p, "%*s", (int)(w - tw), "");
	memcpy(p, text, len);
	p += len;
	if (cut && w > 3)
		p += sprintf(p, "...");
	if (!right)
		p += sprintf(p, "%*s", (int)(w - tw), "");
	return p;
}

/* Prints one line of the kept columns (texts[c], NULL as empty), trimmed. */
static void
table_line(struct out *o, char *line, const char *const *texts, const size_t *w, size_t kept)
{
	char *p = line;

	for (size_t c = 0; c < kept; c++) {
		if (c > 0)
			*p++ = ' ';
		p = put_cell(p, texts[c] ? texts[c] : "", w[c], !o->text_col[c]);
	}
	while (p > line && p[-1] == ' ')
		p--;
	*p = '\0';
	fprintf(o->fp, "%s\n", line);
}

/* Column widths; returns how many columns fit o->width (at least one), the
   last of them cut to the width. */
static size_t
table_widths(struct out *o, size_t *w)
{
	size_t kept = o->ncols, pos = 0;

	for (size_t c = 0; c < o->ncols; c++) {
		w[c] = text_width(o->names[c]);
		for (size_t r = 0; r < o->nrows; r++) {
			const char *t = o->cells[r * o->ncols + c];
			size_t tw = t ? text_width(t) : 0;

			w[c] = tw > w[c] ? tw : w[c];
		}
	}
	if (o->width == 0)
		return kept;
	for (size_t c = 0; c < o->ncols; c++) {
		if (c > 0 && pos >= o->width) {
			kept = c;
			break;
		}
		if (pos + w[c] > o->width)
			w[c] = o->width - pos;
		pos += w[c] + 1;
	}
	return kept;
}

static void
table_warn_removed(const struct out *o, size_t kept)
{
	if (kept == o->ncols)
		return;
	fprintf(stderr, "cimq: columns that do not fit the width of %zu were removed:", o->width);
	for (size_t c = kept; c < o->ncols; c++)
		fprintf(stderr, "%s %s", c > kept ? "," : "", o->names[c]);
	fprintf(stderr, " (use -o list)\n");
}

static int
table_print(struct out *o)
{
	size_t *w = calloc(o->ncols, sizeof(*w)), kept, linecap = 2;
	const char **dashes = calloc(o->ncols, sizeof(*dashes));
	char *line = NULL, *dash = NULL;
	int rc = -1;

	if (w == NULL || dashes == NULL)
		goto out;
	kept = table_widths(o, w);
	table_warn_removed(o, kept);
	for (size_t c = 0; c < kept; c++)
		linecap += w[c] * 4 + 4;
	line = malloc(linecap);
	dash = malloc(linecap);
	if (line == NULL || dash == NULL)
		goto out;
	for (size_t c = 0, off = 0; c < kept; c++) {
		size_t n = text_width(o->names[c]);

		n = n < w[c] ? n : w[c];
		dashes[c] = memset(dash + off, '-', n);
		dash[off + n] = '\0';
		off += n + 1;
	}
	fputc('\n', o->fp);
	table_line(o, line, o->names, w, kept);
	table_line(o, line, dashes, w, kept);
	for (size_t r = 0; r < o->nrows; r++)
		table_line(o, line, (const char *const *)&o->cells[r * o->ncols], w, kept);
	fputc('\n', o->fp);
	rc = 0;
out:
	free(w);
	free(dashes);
	free(line);
	free(dash);
	return rc;
}

/* ---- list */

static void
list_row(struct out *o, const struct cq_value *row)
{
	size_t nw = 0;

	for (size_t c = 0; c < o->ncols; c++) {
		size_t n = text_width(o->names[c]);

		nw = n > nw ? n : nw;
	}
	fputc('\n', o->fp);
	for (size_t c = 0; c < o->ncols; c++) {
		fprintf(o->fp, "%s%*s : ", o->names[c], (int)(nw - text_width(o->names[c])), "");
		put_text(o->fp, &row[c], TEXT_TERMINAL);
		fputc('\n', o->fp);
	}
}

/* ---- csv */

static void
csv_quoted(FILE *f, const char *s, size_t len)
{
	putc('"', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			putc('"', f);
		putc(s[i], f);
	}
	putc('"', f);
}

static void
csv_field(FILE *f, const struct cq_value *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (v->kind == CQ_V_NULL)
		return;
	m = open_memstream(&buf, &len);
	if (m == NULL)
		return;
	put_text(m, v, TEXT_UTF8);
	if (fclose(m) == 0)
		csv_quoted(f, buf, len);
	free(buf);
}

static void
csv_names(struct out *o)
{
	for (size_t c = 0; c < o->ncols; c++) {
		if (c > 0)
			putc(',', o->fp);
		csv_quoted(o->fp, o->names[c], strlen(o->names[c]));
	}
	fputs("\r\n", o->fp);
}

static void
csv_row(struct out *o, const struct cq_value *row)
{
	for (size_t c = 0; c < o->ncols; c++) {
		if (c > 0)
			putc(',', o->fp);
		csv_field(o->fp, &row[c]);
	}
	fputs("\r\n", o->fp);
}

/* ---- json */

static void
json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', f);
	while (*p) {
		size_t n = *p >= 0x80 && !c1_at(p) ? utf8_seq(p) : 0;

		if (n > 0) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		if (c1_at(p)) {
			fprintf(f, "\\u%04x", c1_at(p));
			p += 2;
			continue;
		}
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			putc(*p, f);
		p++;
	}
	putc('"', f);
}

static void
json_value(FILE *f, const struct cq_value *v)
{
	switch (v->kind) {
	case CQ_V_NULL: fputs("null", f); break;
	case CQ_V_STR: json_str(f, v->s ? v->s : ""); break;
	case CQ_V_SINT:
	case CQ_V_UINT:
	case CQ_V_BOOL:
		if (v->kind == CQ_V_BOOL)
			fputs(v->b ? "true" : "false", f);
		else
			put_text(f, v, TEXT_UTF8);
		break;
	case CQ_V_ARRAY:
		putc('[', f);
		for (size_t i = 0; i < v->n; i++) {
			if (i > 0)
				fputs(", ", f);
			json_value(f, &v->a[i]);
		}
		putc(']', f);
		break;
	}
}

static void
json_row(struct out *o, const struct cq_value *row)
{
	fputs(o->nrows == 0 ? "\n{" : ",\n{", o->fp);
	for (size_t c = 0; c < o->ncols; c++) {
		if (c > 0)
			fputs(", ", o->fp);
		json_str(o->fp, o->names[c]);
		fputs(": ", o->fp);
		json_value(o->fp, &row[c]);
	}
	putc('}', o->fp);
}

/* ---- the result */

struct out *
out_open(enum out_format f, FILE *fp, const char *const *names, size_t ncols, size_t width)
{
	struct out *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	*o = (struct out){ .fmt = f, .fp = fp, .names = names, .ncols = ncols, .width = width };
	o->text_col = calloc(ncols ? ncols : 1, sizeof(*o->text_col));
	if (o->text_col == NULL) {
		free(o);
		return NULL;
	}
	if (f == OUT_CSV)
		csv_names(o);
	else if (f == OUT_JSON)
		putc('[', fp);
	return o;
}

int
out_row(struct out *o, const struct cq_value *row)
{
	switch (o->fmt) {
	case OUT_TABLE: return table_row(o, row);
	case OUT_LIST: list_row(o, row); break;
	case OUT_CSV: csv_row(o, row); break;
	case OUT_JSON: json_row(o, row); break;
	}
	o->nrows++;
	return ferror(o->fp) ? -1 : 0;
}

int
out_close(struct out *o)
{
	int rc = 0;

	if (o->fmt == OUT_TABLE && o->nrows > 0)
		rc = table_print(o);
	else if (o->fmt == OUT_LIST && o->nrows > 0)
		fputc('\n', o->fp);
	else if (o->fmt == OUT_JSON)
		fputs(o->nrows ? "\n]\n" : "]\n", o->fp);
	if (fflush(o->fp) != 0 || ferror(o->fp))
		rc = -1;
	for (size_t i = 0; o->cells && i < o->nrows * o->ncols; i++)
		free(o->cells[i]);
	free(o->cells);
	free(o->text_col);
	free(o);
	return rc;
}
