/* The chunked ordered store: what moves elements (see ostore.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/ostore.h"
#include "lib/vec.h"

/* A bulk load fills chunks to this many elements, leaving room to grow. */
static unsigned
load_fill(const struct ostore_type *t)
{
	return t->chunk - t->chunk / 8;
}

static unsigned
marked(const struct ostore_type *t, const void *e)
{
	return t->marked != NULL && t->marked(e) ? 1u : 0u;
}

static unsigned
count_marked(const struct ostore_type *t, struct ostore_chunk *ch)
{
	unsigned k = 0;

	if (t->marked == NULL)
		return 0;
	for (unsigned i = 0; i < ch->n; i++)
		k += marked(t, ostore_elem(t, ch, i));
	return k;
}

void
ostore_init(struct ostore *s)
{
	memset(s, 0, sizeof(*s));
}

void
ostore_clear(struct ostore *s)
{
	for (size_t c = 0; c < s->nchunks; c++)
		free(s->chunks[c]);
	free(s->chunks);
	ostore_init(s);
}

void *
ostore_next_marked(const struct ostore_type *t, const struct ostore *s, struct ostore_pos *pos)
{
	unsigned i = pos->i + 1;

	for (size_t c = pos->c; c < s->nchunks; c++, i = 0) {
		struct ostore_chunk *ch = s->chunks[c];

		for (; ch->nmarked > 0 && i < ch->n; i++) {
			if (marked(t, ostore_elem(t, ch, i))) {
				pos->c = c;
				pos->i = i;
				return ostore_elem(t, ch, i);
			}
		}
	}
	pos->c = s->nchunks;
	pos->i = 0;
	return NULL;
}

/* ---- chunks ---------------------------------------------------------------- */

static struct ostore_chunk *
chunk_new(const struct ostore_type *t)
{
	struct ostore_chunk *ch = malloc(sizeof(*ch) + (size_t)t->chunk * t->size);

	if (ch != NULL)
		ch->n = ch->nmarked = 0;
	return ch;
}

static int
chunk_insert_at(struct ostore *s, size_t c, struct ostore_chunk *ch)
{
	if (vec_reserve(&s->chunks, &s->cap, s->nchunks, sizeof(*s->chunks), 16) == -1)
		return -1;
	vec_insert_at(s->chunks, &s->nchunks, sizeof(*s->chunks), c, &ch);
	return 0;
}

static void
chunk_remove_at(struct ostore *s, size_t c)
{
	free(s->chunks[c]);
	vec_remove_at(s->chunks, &s->nchunks, sizeof(*s->chunks), c);
}

/* Split the full chunk c in two halves; 0, or -1 with nothing changed. */
static int
chunk_split(const struct ostore_type *t, struct ostore *s, size_t c)
{
	struct ostore_chunk *ch = s->chunks[c], *half;

	if ((half = chunk_new(t)) == NULL)
		return -1;
	half->n = t->chunk / 2;
	memcpy(half->e, ostore_elem(t, ch, t->chunk / 2), (size_t)half->n * t->size);
	if (chunk_insert_at(s, c + 1, half) == -1) {
		free(half);
		return -1;
	}
	ch->n = t->chunk / 2;
	half->nmarked = count_marked(t, half);
	ch->nmarked -= half->nmarked;
	return 0;
}

/* ---- changes --------------------------------------------------------------- */

int
ostore_insert_at(const struct ostore_type *t, struct ostore *s, const struct ostore_pos *pos,
    const void *elem)
{
	struct ostore_chunk *ch;
	size_t c = pos->c;
	unsigned i = pos->i;

	if (s->nchunks == 0) {
		if ((ch = chunk_new(t)) == NULL || chunk_insert_at(s, 0, ch) == -1) {
			free(ch);
			return -1;
		}
		c = i = 0;
	} else if (c == s->nchunks) {
		/* After everything: at the end of the last chunk. */
		c--;
		i = s->chunks[c]->n;
	}
	ch = s->chunks[c];
	if (ch->n == t->chunk) {
		/* Insert into the half that covers elem. */
		if (chunk_split(t, s, c) == -1)
			return -1;
		if (i > ch->n) {
			i -= ch->n;
			ch = s->chunks[c + 1];
		}
	}
	memmove(ostore_elem(t, ch, i + 1), ostore_elem(t, ch, i), (size_t)(ch->n - i) * t->size);
	memcpy(ostore_elem(t, ch, i), elem, t->size);
	ch->n++;
	ch->nmarked += marked(t, elem);
	s->count++;
	return 0;
}

void
ostore_replace_at(const struct ostore_type *t, struct ostore *s, const struct ostore_pos *pos,
    const void *elem)
{
	struct ostore_chunk *ch = s->chunks[pos->c];
	void *e = ostore_elem(t, ch, pos->i);

	ch->nmarked = ch->nmarked - marked(t, e) + marked(t, elem);
	memcpy(e, elem, t->size);
}

void
ostore_remove_at(const struct ostore_type *t, struct ostore *s, const struct ostore_pos *pos)
{
	struct ostore_chunk *ch = s->chunks[pos->c], *nx;
	void *e = ostore_elem(t, ch, pos->i);

	ch->nmarked -= marked(t, e);
	memmove(e, ostore_elem(t, ch, pos->i + 1), (size_t)(ch->n - pos->i - 1) * t->size);
	ch->n--;
	s->count--;
	if (ch->n == 0) {
		chunk_remove_at(s, pos->c);
	} else if (pos->c + 1 < s->nchunks && ch->n < t->chunk / 4 &&
	    ch->n + s->chunks[pos->c + 1]->n <= load_fill(t)) {
		/* Merge sparse neighbours so that deletions do not waste memory. */
		nx = s->chunks[pos->c + 1];
		memcpy(ostore_elem(t, ch, ch->n), nx->e, (size_t)nx->n * t->size);
		ch->n += nx->n;
		ch->nmarked += nx->nmarked;
		chunk_remove_at(s, pos->c + 1);
	}
}

/* ---- bulk ------------------------------------------------------------------ */

size_t
ostore_sort_unique(const struct ostore_type *t, void *v, size_t n)
{
	unsigned char *b = v;
	size_t i, j;

	if (n == 0)
		return 0;
	qsort(v, n, t->size, t->cmp);
	for (i = 0, j = 1; j < n; j++)
		if (t->cmp(b + i * t->size, b + j * t->size) != 0 && ++i != j)
			memcpy(b + i * t->size, b + j * t->size, t->size);
	return i + 1;
}

int
ostore_load_sorted(const struct ostore_type *t, struct ostore *s, const void *v, size_t n)
{
	const unsigned char *b = v;
	unsigned fill = load_fill(t);
	struct ostore ns;

	ostore_init(&ns);
	if (n > 0 && vec_reserve(&ns.chunks, &ns.cap, (n - 1) / fill, sizeof(*ns.chunks), 16) == -1)
		return -1;
	for (size_t off = 0; off < n; off += fill) {
		struct ostore_chunk *ch = chunk_new(t);

		if (ch == NULL) {
			ostore_clear(&ns);
			return -1;
		}
		ch->n = n - off < fill ? (unsigned)(n - off) : fill;
		memcpy(ch->e, b + off * t->size, (size_t)ch->n * t->size);
		ch->nmarked = count_marked(t, ch);
		ns.chunks[ns.nchunks++] = ch;
	}
	ns.count = n;
	ostore_clear(s);
	*s = ns;
	return 0;
}
