/* runblob.c - a saved run's members as one blob; see runblob.h. */
#include "runblob.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "i18n.h"

/* The fewest bytes a member takes: shared, length, one byte of id, segment,
 * three figures, three scores.  A count is never believed past len / this. */
#define MEMBER_MIN 10

/* ---- writing ------------------------------------------------------------------ */

void crm_runblob_enc_init(struct crm_runblob_enc *e)
{
	memset(e, 0, sizeof *e);
}

static void reserve(struct crm_runblob_enc *e, size_t more)
{
	if (e->len + more <= e->cap)
		return;
	e->cap = e->cap ? e->cap : 4096;
	while (e->len + more > e->cap)
		e->cap *= 2;
	e->buf = crm_xrealloc_big(e->buf, e->len, e->cap);
}

/* room for it reserved by the caller: at most 10 bytes */
static void put_varint(struct crm_runblob_enc *e, uint64_t v)
{
	while (v >= 0x80) {
		e->buf[e->len++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	e->buf[e->len++] = (unsigned char)v;
}

static uint64_t zigzag(int64_t v)
{
	return v < 0 ? ~((uint64_t)v << 1) : (uint64_t)v << 1;
}

int crm_runblob_enc_name(struct crm_runblob_enc *e, const char *name, size_t len,
			 const char **why)
{
	int i;
	if (!len || len > CRM_RUNBLOB_NAME_MAX || strlen(name) != len) {
		*why = !len ? N_("an empty segment name") : len > CRM_RUNBLOB_NAME_MAX ?
		       N_("a segment name longer than 255 bytes") : N_("a segment name holding a NUL");
		return -1;
	}
	for (i = 0; i < e->nnames; i++)
		if (!strcmp(e->names[i], name))
			return i;
	if (e->nnames == CRM_RUNBLOB_NAMES_MAX) {
		*why = N_("more than 65535 segments");
		return -1;
	}
	if (e->nnames == e->capnames) {
		e->capnames = e->capnames ? e->capnames * 2 : 16;
		e->names = crm_xrealloc(e->names, (size_t)e->capnames * sizeof *e->names);
	}
	e->names[e->nnames] = crm_xstrdup(name);
	return e->nnames++;
}

/* The longest header of the names given so far. */
static size_t header_max(const struct crm_runblob_enc *e)
{
	size_t n = 1 + 10 + 10;
	int i;
	for (i = 0; i < e->nnames; i++)
		n += 10 + strlen(e->names[i]);
	return n;
}

/* Before the first member: room for the header in front of the members, so
 * that the blob is assembled in place (crm_runblob_enc_blob), not copied. */
static void make_room(struct crm_runblob_enc *e)
{
	size_t room = header_max(e);
	reserve(e, room);
	memset(e->buf, 0, room);
	e->room = e->len = room;
}

/* Why m cannot follow what the encoder holds, or NULL. */
static const char *refuse(const struct crm_runblob_enc *e, const struct crm_runblob_member *m)
{
	size_t n = e->prevlen < m->idlen ? e->prevlen : m->idlen;
	int c = memcmp(e->prev, m->id, n);
	int i;
	if (!m->idlen || m->idlen > CRM_RUNBLOB_ID_MAX || memchr(m->id, '\0', m->idlen))
		return !m->idlen ? N_("an empty customer id") : m->idlen > CRM_RUNBLOB_ID_MAX ?
		       N_("a customer id longer than 1024 bytes") : N_("a customer id holding a NUL");
	if (e->count && (c > 0 || (c == 0 && e->prevlen >= m->idlen)))
		return N_("customer ids out of order");
	if (m->seg < 0 || m->seg >= e->nnames)
		return N_("a segment index without a name");
	for (i = 0; i < 3; i++)
		if (m->score[i] < 1 || m->score[i] > 5)
			return N_("a score outside 1 to 5");
	return NULL;
}

int crm_runblob_enc_add(struct crm_runblob_enc *e, const struct crm_runblob_member *m,
			const char **why)
{
	size_t shared = 0;
	int i;
	if ((*why = refuse(e, m)))
		return -1;
	while (shared < e->prevlen && shared < m->idlen && e->prev[shared] == m->id[shared])
		shared++;
	if (!e->count)
		make_room(e);
	reserve(e, m->idlen - shared + 9 * 10);
	put_varint(e, shared);
	put_varint(e, m->idlen - shared);
	memcpy(e->buf + e->len, m->id + shared, m->idlen - shared);
	e->len += m->idlen - shared;
	put_varint(e, (uint64_t)m->seg);
	put_varint(e, zigzag(m->recency));
	put_varint(e, zigzag(m->frequency));
	put_varint(e, zigzag(m->monetary));
	for (i = 0; i < 3; i++)
		put_varint(e, m->score[i]);
	memcpy(e->prev + shared, m->id + shared, m->idlen - shared);
	e->prevlen = m->idlen;
	e->count++;
	return 0;
}

void crm_runblob_enc_reserve(struct crm_runblob_enc *e, size_t bytes)
{
	reserve(e, bytes);
}

/* The header alone (malloc'd, *len bytes). */
static unsigned char *enc_header(const struct crm_runblob_enc *e, size_t *len)
{
	struct crm_runblob_enc h;
	int i;
	crm_runblob_enc_init(&h);
	reserve(&h, 1 + 10 + 10);
	h.buf[h.len++] = CRM_RUNBLOB_VERSION;
	put_varint(&h, (uint64_t)e->nnames);
	for (i = 0; i < e->nnames; i++) {
		size_t n = strlen(e->names[i]);
		reserve(&h, n + 10 + 10);
		put_varint(&h, n);
		memcpy(h.buf + h.len, e->names[i], n);
		h.len += n;
	}
	put_varint(&h, e->count);
	*len = h.len;
	return h.buf;
}

const unsigned char *crm_runblob_enc_blob(struct crm_runblob_enc *e, size_t *len)
{
	size_t hlen, members = e->len - e->room;
	unsigned char *head = enc_header(e, &hlen);
	if (hlen > e->room) {
		/* names given after the first member: the room is too small */
		unsigned char *buf = crm_xmalloc(hlen + members + 1);
		if (members)
			memcpy(buf + hlen, e->buf + e->room, members);
		free(e->buf);
		e->buf = buf;
		e->cap = hlen + members + 1;
		e->room = hlen;
		e->len = hlen + members;
	}
	memcpy(e->buf + e->room - hlen, head, hlen);
	free(head);
	*len = hlen + members;
	return e->buf + e->room - hlen;
}

unsigned char *crm_runblob_enc_finish(struct crm_runblob_enc *e, size_t *len)
{
	const unsigned char *blob = crm_runblob_enc_blob(e, len);
	unsigned char *out = e->buf;
	memmove(out, blob, *len);
	e->buf = NULL;
	crm_runblob_enc_release(e);
	return out;
}

void crm_runblob_enc_release(struct crm_runblob_enc *e)
{
	int i;
	for (i = 0; i < e->nnames; i++)
		free(e->names[i]);
	free(e->names);
	free(e->buf);
	crm_runblob_enc_init(e);
}

/* ---- reading ------------------------------------------------------------------ */

static int corrupt(struct crm_runblob *rb, const unsigned char *where, const char *why)
{
	rb->why = why;
	rb->at = (size_t)(where - rb->start);
	return -1;
}

/* A varint in its shortest form, at most `max`. */
static int get_varint_long(struct crm_runblob *rb, uint64_t max, uint64_t *out)
{
	const unsigned char *q = rb->p;
	uint64_t v = 0;
	int shift = 0;
	for (;;) {
		if (q == rb->end)
			return corrupt(rb, rb->p, N_("cut short"));
		if (shift == 63 && *q > 1)
			return corrupt(rb, rb->p, N_("a number past 64 bits"));
		v |= (uint64_t)(*q & 0x7f) << shift;
		if (!(*q++ & 0x80))
			break;
		if ((shift += 7) > 63)
			return corrupt(rb, rb->p, N_("a number past 64 bits"));
	}
	if (q - rb->p > 1 && q[-1] == 0)
		return corrupt(rb, rb->p, N_("a number not in its shortest form"));
	if (v > max)
		return corrupt(rb, rb->p, N_("a number out of range"));
	rb->p = q;
	*out = v;
	return 0;
}

/* Most numbers of a member fit one byte: read so, or as above (which also
 * reports a byte that is out of range). */
static inline int get_varint(struct crm_runblob *rb, uint64_t max, uint64_t *out)
{
	if (rb->p < rb->end && *rb->p < 0x80 && *rb->p <= max) {
		*out = *rb->p++;
		return 0;
	}
	return get_varint_long(rb, max, out);
}

static int get_signed(struct crm_runblob *rb, int64_t lo, int64_t hi, int64_t *out)
{
	const unsigned char *at = rb->p;
	uint64_t z;
	if (get_varint(rb, UINT64_MAX, &z) < 0)
		return -1;
	*out = z & 1 ? (int64_t)~(z >> 1) : (int64_t)(z >> 1);
	return *out < lo || *out > hi ? corrupt(rb, at, N_("a figure out of range")) : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names are distinct: sorted copies of the pointers, neighbours compared. */
static int names_distinct(struct crm_runblob *rb)
{
	char **s;
	int i, ok = 1;
	if (rb->nnames < 2)
		return 0;
	s = crm_xmalloc((size_t)rb->nnames * sizeof *s);
	memcpy(s, rb->names, (size_t)rb->nnames * sizeof *s);
	qsort(s, (size_t)rb->nnames, sizeof *s, by_name);
	for (i = 1; i < rb->nnames && ok; i++)
		ok = strcmp(s[i - 1], s[i]) != 0;
	free(s);
	return ok ? 0 : corrupt(rb, rb->p, N_("a segment name twice"));
}

static int read_names(struct crm_runblob *rb)
{
	uint64_t n, len;
	int i;
	/* each name takes two bytes at least: no more of them than that */
	if (get_varint(rb, CRM_RUNBLOB_NAMES_MAX, &n) < 0)
		return -1;
	if (n > (uint64_t)(rb->end - rb->p) / 2)
		return corrupt(rb, rb->p, N_("more segment names than bytes"));
	rb->names = crm_xcalloc(n ? n : 1, sizeof *rb->names);
	for (i = 0; i < (int)n; i++) {
		if (get_varint(rb, CRM_RUNBLOB_NAME_MAX, &len) < 0)
			return -1;
		if (!len || len > (uint64_t)(rb->end - rb->p))
			return corrupt(rb, rb->p, len ? N_("cut short") : N_("an empty segment name"));
		if (memchr(rb->p, '\0', len))
			return corrupt(rb, rb->p, N_("a segment name holding a NUL"));
		rb->names[i] = crm_xstrndup((const char *)rb->p, len);
		rb->nnames = i + 1;
		rb->p += len;
	}
	return names_distinct(rb);
}

int crm_runblob_open(struct crm_runblob *rb, const void *blob, size_t len)
{
	memset(rb, 0, sizeof *rb);
	rb->start = rb->p = blob;
	rb->end = rb->start + len;
	if (!len)
		return corrupt(rb, rb->p, N_("empty"));
	if (*rb->p != CRM_RUNBLOB_VERSION)
		return corrupt(rb, rb->p, N_("a format version this crm does not know"));
	rb->p++;
	if (read_names(rb) < 0 || get_varint(rb, UINT64_MAX, &rb->count) < 0)
		return -1;
	if (rb->count > (uint64_t)(rb->end - rb->p) / MEMBER_MIN)
		return corrupt(rb, rb->p, N_("more members than bytes"));
	rb->left = rb->count;
	return 0;
}

/* The member's id: the previous one's first `shared` bytes and the rest,
 * which must make it greater. */
static int read_id(struct crm_runblob *rb)
{
	const unsigned char *at = rb->p;
	uint64_t shared, rest;
	if (get_varint(rb, rb->idlen, &shared) < 0 ||
	    get_varint(rb, CRM_RUNBLOB_ID_MAX - shared, &rest) < 0)
		return -1;
	if (!rest)
		return corrupt(rb, at, N_("an id no greater than the one before"));
	if (rest > (uint64_t)(rb->end - rb->p))
		return corrupt(rb, rb->p, N_("cut short"));
	if (memchr(rb->p, '\0', rest))
		return corrupt(rb, rb->p, N_("an id holding a NUL"));
	if (shared < rb->idlen && *rb->p <= (unsigned char)rb->id[shared])
		return corrupt(rb, at, N_("an id no greater than the one before"));
	memcpy(rb->id + shared, rb->p, rest);
	rb->p += rest;
	rb->idlen = shared + rest;
	rb->id[rb->idlen] = '\0';
	return 0;
}

int crm_runblob_next(struct crm_runblob *rb, struct crm_runblob_member *m)
{
	uint64_t seg, score;
	int64_t v[3];
	int i;
	if (!rb->left)
		return rb->p == rb->end ? 0 : corrupt(rb, rb->p, N_("bytes after the last member"));
	if (read_id(rb) < 0 || get_varint(rb, rb->nnames ? (uint64_t)rb->nnames - 1 : 0, &seg) < 0)
		return -1;
	if (!rb->nnames)
		return corrupt(rb, rb->p, N_("a member of no segment"));
	if (get_signed(rb, INT32_MIN, INT32_MAX, &v[0]) < 0 ||
	    get_signed(rb, INT32_MIN, INT32_MAX, &v[1]) < 0 ||
	    get_signed(rb, INT64_MIN, INT64_MAX, &v[2]) < 0)
		return -1;
	for (i = 0; i < 3; i++) {
		if (get_varint(rb, 5, &score) < 0)
			return -1;
		if (!score)
			return corrupt(rb, rb->p - 1, N_("a score of 0"));
		m->score[i] = (unsigned char)score;
	}
	m->id = rb->id;
	m->idlen = rb->idlen;
	m->seg = (int)seg;
	m->recency = (int32_t)v[0];
	m->frequency = (int32_t)v[1];
	m->monetary = v[2];
	rb->left--;
	return 1;
}

void crm_runblob_release(struct crm_runblob *rb)
{
	int i;
	for (i = 0; rb->names && i < rb->nnames; i++)
		free(rb->names[i]);
	free(rb->names);
	memset(rb, 0, sizeof *rb);
}

/* ---- the table ---------------------------------------------------------------- */

static int table_fill(struct crm_runblob_table *t, struct crm_runblob *rb)
{
	struct crm_runblob_member m;
	size_t used = 0, cap = 4096;
	int rc;
	t->off = crm_xmalloc((rb->count ? rb->count : 1) * sizeof *t->off);
	t->seg = crm_xmalloc((rb->count ? rb->count : 1) * sizeof *t->seg);
	t->ids = crm_xmalloc(cap);
	while ((rc = crm_runblob_next(rb, &m)) == 1) {
		if (used + m.idlen + 1 > UINT32_MAX)
			return corrupt(rb, rb->p, N_("more id bytes than a table holds"));
		if (used + m.idlen + 1 > cap) {
			while (used + m.idlen + 1 > cap)
				cap *= 2;
			t->ids = crm_xrealloc(t->ids, cap);
		}
		memcpy(t->ids + used, m.id, m.idlen + 1);
		t->off[t->n] = (uint32_t)used;
		t->seg[t->n++] = (uint32_t)m.seg;
		used += m.idlen + 1;
	}
	return rc;
}

int crm_runblob_table_load(struct crm_runblob_table *t, const void *blob, size_t len,
			   const char **why, size_t *at)
{
	struct crm_runblob rb;
	memset(t, 0, sizeof *t);
	if (crm_runblob_open(&rb, blob, len) < 0 || table_fill(t, &rb) < 0) {
		*why = rb.why;
		*at = rb.at;
		crm_runblob_release(&rb);
		crm_runblob_table_release(t);
		return -1;
	}
	/* the names change hands */
	t->names = rb.names;
	t->nnames = rb.nnames;
	rb.names = NULL;
	crm_runblob_release(&rb);
	return 0;
}

const char *crm_runblob_table_find(const struct crm_runblob_table *t, const char *id)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->ids + t->off[mid], id);
		if (!c)
			return t->names[t->seg[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void crm_runblob_table_release(struct crm_runblob_table *t)
{
	int i;
	for (i = 0; t->names && i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->ids);
	free(t->off);
	free(t->seg);
	memset(t, 0, sizeof *t);
}
