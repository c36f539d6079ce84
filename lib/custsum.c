/*
 * custsum.c - orders summed per customer in memory; see custsum.h.
 *
 * The customers are records in one array, in the order first seen; an
 * open-addressing table of 8-byte slots (a 32-bit tag of the key's hash,
 * and the record's index) finds them.  A record holds the id's first 8
 * bytes, so most keys compare without their text: a look-up touches a slot
 * and a record, two cache misses at millions of customers.  Orders are
 * therefore summed in batches: the slots of the whole batch are fetched,
 * then the records they name, then the orders are summed in their order.
 * The ids, e-mails and names are copied into blocks that never move.
 */
#include "custsum.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "keycmp.h"
#include "radix.h"
#include "strpool.h"

enum {
	BATCH = 64,              /* orders looked up at once */
	BLOCK = 1 << 20,         /* bytes of a block of texts */
	SMALL_SORT = 2048        /* runs sorted by comparison, not by radix */
};

struct rec {
	uint64_t prefix;         /* the id's first 8 bytes, big-endian, NUL-padded */
	const char *id;
	int64_t first, last, orders, amount;
	uint32_t who;            /* 1 + index into who[], 0: no e-mail nor name yet */
	uint8_t len;
	char currency[3];
};

struct who {
	const char *email, *name;
};


/* An order waiting in the batch; its texts are in the batch's bytes. */
struct pend {
	uint64_t hash, prefix;
	int64_t at, amount;
	size_t id, email, name;  /* offsets in qbuf; email, name: SIZE_MAX for none */
	uint32_t rec;            /* a record whose slot's tag matched, or UINT32_MAX */
	uint8_t len;
	char currency[3];
};

struct crm_custsum {
	struct rec *rec;
	size_t n, cap;
	struct who *who;
	size_t nwho, capwho;
	uint64_t *slot;          /* tag << 32 | (1 + record), 0: free */
	size_t mask;             /* slots - 1 (a power of two) */
	struct crm_strpool texts; /* blocks of BLOCK bytes */
	struct pend q[BATCH];
	int nq;
	char *qbuf;
	size_t qlen, qcap;
	uint64_t bound;          /* the sum of |amount| so far, saturated */
	int direct;              /* once it may pass 64 bits: orders summed at once */
	uint32_t *order;         /* after sorting: records in id order */
};

/* ---- texts and keys ------------------------------------------------------------- */

static const char *keep(struct crm_custsum *s, const char *p, size_t n)
{
	return crm_strpool_dup(&s->texts, p, n);
}

/* 8 bytes of the id from byte `at`, big-endian and NUL-padded: comparing
 * two of these as numbers compares those bytes as strcmp() would. */
static uint64_t chunk(const char *id, size_t len, size_t at)
{
	uint64_t v = 0;
	size_t i;
	for (i = at; i < at + 8; i++)
		v = v << 8 | (i < len ? (unsigned char)id[i] : 0);
	return v;
}

static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
	return h ^ h >> 32;
}

static uint64_t key_hash(const char *id, size_t len, const char cur[3])
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ len, w;
	size_t i;
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, id + i, 8);
		h = mix(h, w);
	}
	w = 0;
	memcpy(&w, id + i, len - i);
	h = mix(h, w);
	h = mix(h, (uint64_t)(unsigned char)cur[0] | (uint64_t)(unsigned char)cur[1] << 8 |
		(uint64_t)(unsigned char)cur[2] << 16);
	return h * UINT64_C(0xc4ceb9fe1a85ec53);
}

static int rec_is(const struct rec *r, const char *id, size_t len, uint64_t prefix,
		  const char cur[3])
{
	return r->prefix == prefix && r->len == len && !memcmp(r->currency, cur, 3) &&
	       (len <= 8 || !memcmp(r->id + 8, id + 8, len - 8));
}

/* ---- the table ------------------------------------------------------------------- */

/* Where a key's probe starts: its tag (the hash's high half) scaled to the
 * table, so that growing it moves slots without their keys. */
static size_t home(const struct crm_custsum *s, uint32_t tag)
{
	return (size_t)(((uint64_t)tag * (s->mask + 1)) >> 32);
}

/* The slot of a key: its own, or the free one where it would go. */
static uint64_t *find(struct crm_custsum *s, uint64_t h, const char *id, size_t len,
		      uint64_t prefix, const char cur[3])
{
	uint32_t tag = (uint32_t)(h >> 32);
	size_t i = home(s, tag);
	for (;; i = (i + 1) & s->mask) {
		uint64_t v = s->slot[i];
		if (!v || ((uint32_t)(v >> 32) == tag &&
			   rec_is(&s->rec[(uint32_t)v - 1], id, len, prefix, cur)))
			return &s->slot[i];
	}
}

/* Room for `more` customers: the table at most half full, the records
 * grown.  The slots move by their tags alone: no key is read again. */
static void reserve(struct crm_custsum *s, size_t more)
{
	size_t i, nslot = s->mask + 1, old = nslot;
	uint64_t *was = s->slot;
	if (s->n + more > s->cap) {
		s->cap = s->cap * 2 > s->n + more ? s->cap * 2 : s->n + more + 1024;
		s->rec = crm_xrealloc_big(s->rec, s->n * sizeof *s->rec, s->cap * sizeof *s->rec);
	}
	if (2 * (s->n + more) <= nslot && s->slot)
		return;
	while (2 * (s->n + more) > nslot)
		nslot *= 2;
	s->slot = crm_xcalloc(nslot, sizeof *s->slot);
	crm_big_pages(s->slot, nslot * sizeof *s->slot);
	s->mask = nslot - 1;
	for (i = 0; was && i < old; i++) {
		size_t k;
		if (!was[i])
			continue;
		for (k = home(s, (uint32_t)(was[i] >> 32)); s->slot[k]; k = (k + 1) & s->mask)
			;
		s->slot[k] = was[i];
	}
	free(was);
}

/* The record of a key, made (without orders) when it is new. */
static struct rec *get_rec(struct crm_custsum *s, uint64_t h, const char *id, size_t len,
			   uint64_t prefix, const char cur[3])
{
	uint64_t *slot = find(s, h, id, len, prefix, cur);
	struct rec *r;
	if (*slot)
		return &s->rec[(uint32_t)*slot - 1];
	reserve(s, 1);
	slot = find(s, h, id, len, prefix, cur);   /* the table may have grown */
	r = &s->rec[s->n++];
	memset(r, 0, sizeof *r);
	r->prefix = prefix;
	r->id = keep(s, id, len);
	r->len = (uint8_t)len;
	memcpy(r->currency, cur, 3);
	*slot = (h >> 32) << 32 | s->n;
	return r;
}

static struct who *who_of(struct crm_custsum *s, struct rec *r)
{
	if (!r->who) {
		if (s->nwho == s->capwho) {
			s->capwho = s->capwho ? 2 * s->capwho : 1024;
			s->who = crm_xrealloc(s->who, s->capwho * sizeof *s->who);
		}
		s->who[s->nwho].email = s->who[s->nwho].name = NULL;
		r->who = (uint32_t)++s->nwho;
	}
	return &s->who[r->who - 1];
}

/* One order of the record; CRM_CUSTSUM_OVERFLOW leaves it as it was. */
static int sum(struct crm_custsum *s, struct rec *r, int64_t at, int64_t amount,
	       const char *email, size_t elen, const char *name, size_t nlen)
{
	int64_t total = amount;
	if (r->orders && __builtin_add_overflow(r->amount, amount, &total))
		return CRM_CUSTSUM_OVERFLOW;
	if (email && !(r->who && s->who[r->who - 1].email))
		who_of(s, r)->email = keep(s, email, elen);
	if (name && !(r->who && s->who[r->who - 1].name))
		who_of(s, r)->name = keep(s, name, nlen);
	if (!r->orders || at < r->first)
		r->first = at;
	if (!r->orders || at > r->last)
		r->last = at;
	r->orders++;
	r->amount = total;
	return 0;
}

/* ---- batches --------------------------------------------------------------------- */

static size_t queue_text(struct crm_custsum *s, const char *p, size_t n)
{
	size_t at = s->qlen;
	if (s->qlen + n + 1 > s->qcap) {
		s->qcap = 2 * (s->qlen + n + 1) + 4096;
		s->qbuf = crm_xrealloc(s->qbuf, s->qcap);
	}
	memcpy(s->qbuf + at, p, n);
	s->qbuf[at + n] = '\0';
	s->qlen += n + 1;
	return at;
}

/* The slot of each order fetched, then the record its tag names, then the
 * orders summed in order; a key whose record was not the one fetched (a
 * new customer, a tag shared by two keys) is looked up as usual. */
static void run_batch(struct crm_custsum *s)
{
	int i;
	reserve(s, BATCH);
	for (i = 0; i < s->nq; i++)
		__builtin_prefetch(&s->slot[home(s, (uint32_t)(s->q[i].hash >> 32))]);
	for (i = 0; i < s->nq; i++) {
		struct pend *p = &s->q[i];
		uint32_t tag = (uint32_t)(p->hash >> 32);
		size_t k = home(s, tag);
		p->rec = UINT32_MAX;
		for (; s->slot[k]; k = (k + 1) & s->mask)
			if ((uint32_t)(s->slot[k] >> 32) == tag) {
				p->rec = (uint32_t)s->slot[k] - 1;
				__builtin_prefetch(&s->rec[p->rec]);
				break;
			}
	}
	for (i = 0; i < s->nq; i++) {
		struct pend *p = &s->q[i];
		const char *id = s->qbuf + p->id;
		struct rec *r = p->rec != UINT32_MAX ? &s->rec[p->rec] : NULL;
		if (!r || !rec_is(r, id, p->len, p->prefix, p->currency))
			r = get_rec(s, p->hash, id, p->len, p->prefix, p->currency);
		/* cannot overflow: the bound says so (crm_custsum_add) */
		sum(s, r, p->at, p->amount, p->email == SIZE_MAX ? NULL : s->qbuf + p->email,
		    p->email == SIZE_MAX ? 0 : strlen(s->qbuf + p->email),
		    p->name == SIZE_MAX ? NULL : s->qbuf + p->name,
		    p->name == SIZE_MAX ? 0 : strlen(s->qbuf + p->name));
	}
	s->nq = 0;
	s->qlen = 0;
}

struct crm_custsum *crm_custsum_new(void)
{
	struct crm_custsum *s = crm_xcalloc(1, sizeof *s);
	crm_strpool_init(&s->texts, BLOCK);
	s->mask = 1023;
	reserve(s, 0);
	return s;
}

/*
 * An order is queued while the sum of every |amount| so far stays within
 * 64 bits: no customer's total can pass them then, and the order's result
 * is known (0) before it is summed.  After that, each is summed at once.
 */
int crm_custsum_add(struct crm_custsum *s, const char *id, const char *currency, int64_t at,
		    int64_t amount, const char *email, const char *name)
{
	size_t len = strlen(id);
	uint64_t mag = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
	char cur[3] = {0, 0, 0};
	struct pend *p;
	int i;
	if (len > CRM_CUSTSUM_KEY_MAX)
		return CRM_CUSTSUM_LONG;
	for (i = 0; i < 3 && currency[i]; i++)
		cur[i] = currency[i];
	if (!s->direct && (__builtin_add_overflow(s->bound, mag, &s->bound) ||
			   s->bound > (uint64_t)INT64_MAX)) {
		s->direct = 1;
		run_batch(s);
	}
	if (s->direct) {
		uint64_t h = key_hash(id, len, cur);
		struct rec *r = get_rec(s, h, id, len, chunk(id, len, 0), cur);
		return sum(s, r, at, amount, email, email ? strlen(email) : 0, name,
			   name ? strlen(name) : 0);
	}
	p = &s->q[s->nq++];
	p->hash = key_hash(id, len, cur);
	p->prefix = chunk(id, len, 0);
	p->at = at;
	p->amount = amount;
	p->len = (uint8_t)len;
	memcpy(p->currency, cur, 3);
	p->id = queue_text(s, id, len);
	p->email = email ? queue_text(s, email, strlen(email)) : SIZE_MAX;
	p->name = name ? queue_text(s, name, strlen(name)) : SIZE_MAX;
	if (s->nq == BATCH)
		run_batch(s);
	return 0;
}

/* ---- sorting ---------------------------------------------------------------------- */

/* A key (radix.h) is 8 bytes of the id, from the depth being sorted; at:
 * the record. */

/* Ids bytewise, then the order first seen (the record's index). */
static int by_id(const void *x, const void *y, void *ctx)
{
	const struct crm_custsum *s = ctx;
	const struct crm_keyed *a = x, *b = y;
	const struct rec *ra = &s->rec[a->at], *rb = &s->rec[b->at];
	int c = crm_key_cmp(ra->id, ra->len, rb->id, rb->len);
	if (c)
		return c;
	return a->at < b->at ? -1 : a->at > b->at;
}

/* Sort a[0..n), whose ids agree on their first 8 * depth bytes: by the next
 * eight, then each run that agrees on those too and is longer, deeper. */
static void sort_depth(struct crm_custsum *s, struct crm_keyed *a, struct crm_keyed *tmp,
		       size_t n, size_t depth)
{
	size_t i, j, at = 8 * depth;
	if (n < 2)
		return;
	if (n < SMALL_SORT) {
		qsort_r(a, n, sizeof *a, by_id, s);
		return;
	}
	for (i = 0; i < n && depth; i++) {
		const struct rec *r = &s->rec[a[i].at];
		a[i].key = chunk(r->id, r->len, at);
	}
	crm_radix_keyed(a, tmp, n);
	for (i = 0; i < n; i = j) {
		int longer = s->rec[a[i].at].len > at + 8;
		for (j = i + 1; j < n && a[j].key == a[i].key; j++)
			longer |= s->rec[a[j].at].len > at + 8;
		if (j - i > 1 && longer)
			sort_depth(s, a + i, tmp, j - i, depth + 1);
	}
}

size_t crm_custsum_sort(struct crm_custsum *s)
{
	struct crm_keyed *a, *tmp;
	size_t i;
	run_batch(s);
	free(s->slot);            /* no more look-ups */
	s->slot = NULL;
	a = crm_xmalloc((s->n + 1) * sizeof *a);
	tmp = crm_xmalloc((s->n + 1) * sizeof *tmp);
	crm_big_pages(a, (s->n + 1) * sizeof *a);
	crm_big_pages(tmp, (s->n + 1) * sizeof *tmp);
	for (i = 0; i < s->n; i++) {
		a[i].key = s->rec[i].prefix;
		a[i].at = (uint32_t)i;
	}
	sort_depth(s, a, tmp, s->n, 0);
	free(tmp);
	s->order = crm_xmalloc((s->n + 1) * sizeof *s->order);
	for (i = 0; i < s->n; i++)
		s->order[i] = a[i].at;
	free(a);
	return s->n;
}

void crm_custsum_get(const struct crm_custsum *s, size_t i, struct crm_cust *c)
{
	const struct rec *r = &s->rec[s->order[i]];
	const struct who *w = r->who ? &s->who[r->who - 1] : NULL;
	c->id = r->id;
	c->email = w ? w->email : NULL;
	c->name = w ? w->name : NULL;
	memcpy(c->currency, r->currency, 3);
	c->currency[3] = '\0';
	c->first = r->first;
	c->last = r->last;
	c->orders = r->orders;
	c->amount = r->amount;
}

void crm_custsum_shrink(struct crm_custsum *s)
{
	free(s->rec);
	free(s->who);
	free(s->slot);
	free(s->order);
	free(s->qbuf);
	s->rec = NULL;
	s->who = NULL;
	s->slot = NULL;
	s->order = NULL;
	s->qbuf = NULL;
	s->n = s->cap = s->nwho = s->capwho = s->qlen = s->qcap = 0;
}

void crm_custsum_free(struct crm_custsum *s)
{
	if (!s)
		return;
	crm_custsum_shrink(s);
	crm_strpool_release(&s->texts);
	free(s);
}
