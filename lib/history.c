/* history.c - the purchase history of a window: one query, interned
 * strings, CSR arrays.  See history.h. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "diag.h"
#include "history.h"
#include "i18n.h"
#include "norm.h"
#include "strpool.h"

/* ---- strings: a pool of chunks, and an intern table over it -------------- */

/* the pools history.h's structures own: chunks of 64 KiB */
static struct crm_strpool *pool_new(void)
{
	struct crm_strpool *p = crm_xmalloc(sizeof *p);
	crm_strpool_init(p, 65536);
	return p;
}

static void pool_free(struct crm_strpool *p)
{
	if (!p)
		return;
	crm_strpool_release(p);
	free(p);
}

struct slot {
	uint32_t hash;
	int32_t k;                /* index + 1, 0 when empty */
	const char *s;
};

struct intern {
	char **s;                 /* the strings, in the order first seen */
	uint32_t *len;
	int32_t n, cap;
	struct slot *slot;        /* open addressing, linear probing */
	uint32_t mask;
	struct crm_strpool *pool;
};

/* FNV-1a, then murmur3's finaliser, so that the low bits the table uses
 * depend on every byte. */
static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

static void intern_init(struct intern *t, struct crm_strpool *pool)
{
	memset(t, 0, sizeof *t);
	t->mask = 1023;
	t->slot = crm_xcalloc(t->mask + 1, sizeof *t->slot);
	t->pool = pool;
}

static void intern_release(struct intern *t)
{
	free(t->s);
	free(t->len);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

static void intern_grow(struct intern *t)
{
	uint32_t mask = t->mask * 2 + 1, i, j;
	struct slot *slot = crm_xcalloc_big((size_t)mask + 1, sizeof *slot);
	for (i = 0; i <= t->mask; i++) {
		if (!t->slot[i].k)
			continue;
		for (j = t->slot[i].hash & mask; slot[j].k; j = (j + 1) & mask)
			;
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->mask = mask;
}

/* The index of s[0..n), added when new. */
static int32_t intern(struct intern *t, const char *s, size_t n)
{
	uint32_t j, h = hash(s, n);
	struct slot *e;
	for (j = h & t->mask; (e = &t->slot[j])->k; j = (j + 1) & t->mask)
		if (e->hash == h && !memcmp(e->s, s, n) && !e->s[n])
			return e->k - 1;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->s = crm_xrealloc(t->s, (size_t)t->cap * sizeof *t->s);
		t->len = crm_xrealloc(t->len, (size_t)t->cap * sizeof *t->len);
	}
	t->s[t->n] = crm_strpool_dup(t->pool, s, n);
	t->len[t->n] = (uint32_t)n;
	e->hash = h;
	e->s = t->s[t->n];
	e->k = ++t->n;
	/* up to three quarters full: a half's 150,000 customer ids fill a
	 * table of 4 MB, not 8, and a lookup misses the cache less often */
	if ((uint64_t)t->n * 4 > (uint64_t)t->mask * 3)
		intern_grow(t);
	return t->n - 1;
}

/* A set of strings (customer ids, SKUs) read in one or two parts, in byte
 * order: s[0..n), and the rank in it of each part's string k, r[part][k]. */
struct ranks {
	char **s;
	int32_t n;
	int32_t *r[2];
};

struct keyed {
	const char *s;
	int32_t k;
};

static int by_text(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->s, ((const struct keyed *)b)->s);
}

/* t's strings in byte order (their indexes), for merge_ranks(). */
static int32_t *sorted_order(const struct intern *t)
{
	struct keyed *x = crm_xmalloc(((size_t)t->n + 1) * sizeof *x);
	int32_t *order = crm_xmalloc(((size_t)t->n + 1) * sizeof *order), i;
	for (i = 0; i < t->n; i++)
		x[i] = (struct keyed){t->s[i], i};
	qsort(x, (size_t)t->n, sizeof *x, by_text);
	for (i = 0; i < t->n; i++)
		order[i] = x[i].k;
	free(x);
	return order;
}

/* The union of a's and b's strings (each sorted: ao, bo), in byte order. */
static void merge_ranks(struct ranks *g, const struct intern *a, const int32_t *ao,
			const struct intern *b, const int32_t *bo)
{
	int32_t i = 0, j = 0;
	g->s = crm_xmalloc(((size_t)a->n + (size_t)b->n + 1) * sizeof *g->s);
	g->r[0] = crm_xmalloc(((size_t)a->n + 1) * sizeof *g->r[0]);
	g->r[1] = crm_xmalloc(((size_t)b->n + 1) * sizeof *g->r[1]);
	g->n = 0;
	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->s[ao[i]], b->s[bo[j]]);
		g->s[g->n] = c <= 0 ? a->s[ao[i]] : b->s[bo[j]];
		if (c <= 0)
			g->r[0][ao[i++]] = g->n;
		if (c >= 0)
			g->r[1][bo[j++]] = g->n;
		g->n++;
	}
}

static void ranks_release(struct ranks *g)
{
	free(g->s);
	free(g->r[0]);
	free(g->r[1]);
	memset(g, 0, sizeof *g);
}

/* ---- reading the lines --------------------------------------------------- */

struct line {
	int32_t who;              /* customer (intern index), or -1 - guest order number */
	int32_t order, prod, qty; /* qty < 0: a return */
	int32_t name, cat;        /* intern index, -1: none */
	int64_t at;
};

struct load {
	struct crm_strpool *pool;
	struct intern skus, custs, names;
	struct line *l;
	size_t n, cap;
	struct line *l2;          /* the later half's lines, in this load's numbers */
	size_t n2;
	int32_t (*seen)[2];       /* by SKU: the name and category ids last seen */
	int32_t nseen;
	int32_t norder, nguest;
	int32_t *corder, *porder; /* its customers and SKUs in byte order (sorted_order) */
	struct ranks cid, sid;    /* the parts' customers and SKUs (join_ranks) */
	struct split *split;      /* the earlier of two halves: where to stop */
	char prev_at[CRM_TIME_LEN];   /* the last order's time ("" when other) */
	/* the current order */
	char *prev;
	size_t prevn, prevcap;
	int32_t who;
	int negative;             /* its amount is below 0 */
	int64_t at;
};

static const char load_sql[] =
	"SELECT o.order_id, o.customer_id, o.ordered_at, o.amount, i.sku, i.product, "
	"i.category, i.quantity, i.unit_price FROM orders o JOIN order_items i "
	"ON i.order_id = o.order_id "
	"WHERE o.status = 'paid' AND o.ordered_at < ?1 AND o.ordered_at >= ?2 "
	"ORDER BY o.ordered_at";

static int has_digit(const char *s, size_t n)
{
	for (; n; n--, s++)
		if (*s >= '0' && *s <= '9')
			return 1;
	return 0;
}

static int32_t text_id(struct intern *t, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);
	return s && n > 0 ? intern(t, s, (size_t)n) : -1;
}

/* The id of a name or category (col) of a line of SKU prod: most lines
 * repeat the SKU's last one, which needs no hashing. */
static int32_t name_id(struct load *L, int32_t prod, int which, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	int32_t *last;
	if (prod >= L->nseen) {
		int32_t cap = L->nseen ? 2 * L->nseen : 1024;
		L->seen = crm_xrealloc(L->seen, (size_t)cap * sizeof *L->seen);
		memset(L->seen + L->nseen, 0xff, (size_t)(cap - L->nseen) * sizeof *L->seen);
		L->nseen = cap;
	}
	last = &L->seen[prod][which];
	if (!s || !n)
		return -1;
	if (*last >= 0 && L->names.len[*last] == n && !memcmp(L->names.s[*last], s, n))
		return *last;
	return *last = intern(&L->names, s, n);
}

/* A row of a new order: its buyer, time and sign. */
static void new_order(struct load *L, sqlite3_stmt *st, const char *oid, size_t on)
{
	const char *at = (const char *)sqlite3_column_text(st, 2);
	if (on + 1 > L->prevcap) {
		L->prevcap = on + 64;
		L->prev = crm_xrealloc(L->prev, L->prevcap);
	}
	memcpy(L->prev, oid, on);
	L->prevn = on;
	L->norder++;
	L->who = text_id(&L->custs, st, 1);
	if (L->who < 0)
		L->who = -1 - L->nguest++;
	L->negative = sqlite3_column_int64(st, 3) < 0;
	L->at = at && sqlite3_column_bytes(st, 2) == CRM_TIME_LEN - 1 ? crm_time_epoch(at) :
		INT64_MIN;
}

/* Two halves of a window read at once (read_halves): the earlier read
 * from the start here, the later on the twin's thread, which first finds
 * the time that splits what is left to read in two (find_split) while the
 * earlier is already being read, and publishes it (state SPLIT_AT, mid);
 * the earlier stops at its first order at or past mid.  Should it have
 * read past mid before it was published, it reads on to the end instead
 * (stopped stays 0) and the later half is not used. */
enum { SPLIT_WAIT, SPLIT_AT, SPLIT_NONE };

struct split {
	atomic_int state;
	char mid[CRM_TIME_LEN];
	atomic_llong progress;    /* orders the earlier half has read */
	atomic_int earlier_done;
	int stopped;              /* the earlier half stopped at mid */
	int test;                 /* split_test() */
};

/* CRM_TEST_SPLIT (tests only) makes the race's outcomes certain: "wait":
 * the earlier half waits at its first order for the split, and stops at
 * it; "late": the split is the window's second order, and the earlier
 * half waits for it at its third, having read past it. */
enum { SPLIT_RACE, SPLIT_TEST_WAIT, SPLIT_TEST_LATE };

static int split_test(void)
{
	const char *e = getenv("CRM_TEST_SPLIT");
	return !e ? SPLIT_RACE : !strcmp(e, "wait") ? SPLIT_TEST_WAIT :
		!strcmp(e, "late") ? SPLIT_TEST_LATE : SPLIT_RACE;
}

/* The test's wait, for 10 s at most (no second thread: no split). */
static void split_wait(struct split *sp)
{
	const struct timespec ms = {0, 1000000};
	int k;
	for (k = 0; k < 10000 && atomic_load(&sp->state) == SPLIT_WAIT; k++)
		nanosleep(&ms, NULL);
}

/* At the first row of an order: 1 when the earlier half stops here. */
static int at_split(struct load *L, sqlite3_stmt *st)
{
	struct split *sp = L->split;
	const char *at = (const char *)sqlite3_column_text(st, 2);
	int n = sqlite3_column_bytes(st, 2);
	atomic_store_explicit(&sp->progress, L->norder, memory_order_relaxed);
	if (sp->test && L->norder == (sp->test == SPLIT_TEST_WAIT ? 0 : 2))
		split_wait(sp);
	if (atomic_load_explicit(&sp->state, memory_order_acquire) == SPLIT_AT && at &&
	    strcmp(at, sp->mid) >= 0) {
		if (L->norder && (!L->prev_at[0] || strcmp(L->prev_at, sp->mid) >= 0)) {
			L->split = NULL;   /* already past it: on to the end */
			return 0;
		}
		sp->stopped = 1;
		return 1;
	}
	if (at && n == CRM_TIME_LEN - 1)
		memcpy(L->prev_at, at, CRM_TIME_LEN);
	else
		L->prev_at[0] = '\0';
	return 0;
}

/* One row into L; 1 when the earlier of two halves stops before it. */
static int read_row(struct load *L, sqlite3_stmt *st)
{
	const char *oid = (const char *)sqlite3_column_text(st, 0);
	const char *sku = (const char *)sqlite3_column_text(st, 4);
	size_t on = (size_t)sqlite3_column_bytes(st, 0), skun;
	int64_t qty = sqlite3_column_int64(st, 7);
	struct line *l;
	if (!oid)
		return 0;
	if (!L->norder || on != L->prevn || memcmp(oid, L->prev, on)) {
		if (L->split && at_split(L, st))
			return 1;
		new_order(L, st, oid, on);
	}
	skun = (size_t)sqlite3_column_bytes(st, 4);
	if (L->at == INT64_MIN || !sku || !has_digit(sku, skun) || qty == 0 ||
	    sqlite3_column_int64(st, 8) <= 0)
		return 0;
	if (qty < 0 || L->negative) {
		if (L->who < 0)
			return 0;   /* a guest's return is no one's */
		qty = qty < 0 ? -qty : qty;
		qty = -(qty > INT32_MAX ? INT32_MAX : qty);
	} else if (qty > INT32_MAX) {
		qty = INT32_MAX;
	}
	if (L->n == L->cap) {
		L->cap = L->cap ? 2 * L->cap : 4096;
		L->l = crm_xrealloc_big(L->l, L->n * sizeof *L->l, L->cap * sizeof *L->l);
	}
	l = &L->l[L->n++];
	l->who = L->who;
	l->order = L->norder - 1;
	l->prod = intern(&L->skus, sku, skun);
	l->qty = (int32_t)qty;
	l->name = name_id(L, l->prod, 0, st, 5);
	l->cat = name_id(L, l->prod, 1, st, 6);
	l->at = L->at;
	return 0;
}

/* The liked lines of orders in [start, end) into L. */
static int read_lines(struct crm_db *db, const char *start, const char *end, struct load *L)
{
	sqlite3_stmt *st = crm_db_prepare(db, load_sql);
	int rc;
	if (!st)
		return crm_db_last_status(db);
	if (crm_bind_text(st, 1, end) != SQLITE_OK || crm_bind_text(st, 2, start) != SQLITE_OK) {
		sqlite3_finalize(st);
		return crm_db_fail(db, N_("bind"));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (read_row(L, st)) {
			rc = SQLITE_DONE;
			break;
		}
	if (rc != SQLITE_DONE) {
		rc = crm_db_fail(db, N_("reading order lines"));
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return CRM_OK;
}

/* ---- in two halves of time, on two threads ------------------------------- */

static void load_init(struct load *L)
{
	memset(L, 0, sizeof *L);
	L->pool = pool_new();
	intern_init(&L->skus, L->pool);
	intern_init(&L->custs, L->pool);
	intern_init(&L->names, L->pool);
}

/* Frees what L holds but its pool. */
static void load_release(struct load *L)
{
	free(L->l);
	free(L->l2);
	free(L->corder);
	free(L->porder);
	ranks_release(&L->cid);
	ranks_release(&L->sid);
	free(L->seen);
	free(L->prev);
	intern_release(&L->skus);
	intern_release(&L->custs);
	intern_release(&L->names);
}

/* The index in `to` of each string of `from`. */
static int32_t *intern_all(struct intern *to, const struct intern *from)
{
	int32_t *map = crm_xmalloc(((size_t)from->n + 1) * sizeof *map), k;
	for (k = 0; k < from->n; k++)
		map[k] = intern(to, from->s[k], from->len[k]);
	return map;
}

/* The lines of [start, end) into L, its customers and SKUs put in byte
 * order. */
static int read_part(struct crm_db *db, const char *start, const char *end, struct load *L)
{
	int rc = read_lines(db, start, end, L);
	if (rc == CRM_OK) {
		L->corder = sorted_order(&L->custs);
		L->porder = sorted_order(&L->skus);
	}
	return rc;
}

/* The parts' customers and SKUs ranked together (hi NULL: lo alone). */
static void join_ranks(struct load *lo, const struct load *hi)
{
	static const struct intern none;
	merge_ranks(&lo->cid, &lo->custs, lo->corder, hi ? &hi->custs : &none,
		    hi ? hi->corder : NULL);
	merge_ranks(&lo->sid, &lo->skus, lo->porder, hi ? &hi->skus : &none,
		    hi ? hi->porder : NULL);
}

/* The lines of hi (read after lo's) given to lo as its later ones: the same
 * lines, orders and guests, in the same order, as one read of both.  Their
 * customers and SKUs stay hi's numbers, ranked by join_ranks (r[1]); their
 * names take lo's; hi's strings move into lo's pool. */
static void append_load(struct load *lo, struct load *hi)
{
	int32_t *nmap = intern_all(&lo->names, &hi->names);
	size_t i;
	join_ranks(lo, hi);
	for (i = 0; i < hi->n; i++) {
		struct line *l = &hi->l[i];
		if (l->who < 0)
			l->who -= lo->nguest;
		l->order += lo->norder;
		l->name = l->name >= 0 ? nmap[l->name] : -1;
		l->cat = l->cat >= 0 ? nmap[l->cat] : -1;
	}
	lo->l2 = hi->l;
	lo->n2 = hi->n;
	hi->l = NULL;
	hi->n = 0;
	lo->norder += hi->norder;
	lo->nguest += hi->nguest;
	crm_strpool_take(lo->pool, hi->pool);
	free(nmap);
}

/* A statement over the orders of [start, end): ?1 end, ?2 start; NULL
 * when it cannot be prepared (reported). */
static sqlite3_stmt *range_stmt(struct crm_db *db, const char *sql, const char *start,
				const char *end)
{
	sqlite3_stmt *st = crm_db_prepare(db, sql);
	if (st && (crm_bind_text(st, 1, end) != SQLITE_OK ||
		   crm_bind_text(st, 2, start) != SQLITE_OK)) {
		sqlite3_finalize(st);
		crm_db_fail(db, N_("bind"));
		return NULL;
	}
	return st;
}

/* On the twin, while the earlier half is read: the time of the order
 * halfway through what that half has not read yet (the table is in time order:
 * any instant is correct, an even split only faster), published in sp. */
static int find_split(struct crm_db *db, const char *start, const char *end, struct split *sp)
{
	long long total, from;
	sqlite3_stmt *st = range_stmt(db, "SELECT count(*) FROM orders "
				      "WHERE ordered_at >= ?2 AND ordered_at < ?1", start, end);
	const char *t;
	int rc = crm_db_one_int(db, st, N_("reading order lines"), &total);
	if (rc != CRM_OK)
		return rc;
	from = atomic_load_explicit(&sp->progress, memory_order_relaxed);
	st = range_stmt(db, "SELECT ordered_at FROM orders WHERE ordered_at >= ?2 AND "
			"ordered_at < ?1 ORDER BY ordered_at LIMIT 1 OFFSET ?3", start, end);
	if (!st)
		return crm_db_last_status(db);
	if (sp->test == SPLIT_TEST_LATE)
		from = total = 1;   /* the split at the second order */
	if (sqlite3_bind_int64(st, 3, from < total ? from + (total - from) / 2 : total) !=
	    SQLITE_OK || ((rc = sqlite3_step(st)) != SQLITE_ROW && rc != SQLITE_DONE)) {
		sqlite3_finalize(st);
		return crm_db_fail(db, N_("reading order lines"));
	}
	t = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (t && strlen(t) == CRM_TIME_LEN - 1 && strcmp(t, start) > 0 && strcmp(t, end) < 0) {
		memcpy(sp->mid, t, CRM_TIME_LEN);
		atomic_store_explicit(&sp->state, SPLIT_AT, memory_order_release);
	}
	sqlite3_finalize(st);
	return CRM_OK;
}

struct half {
	struct crm_db *db;
	const char *start, *end;
	struct load *L;
	int rc;
	struct split *sp;
	int later;                /* the later half: find the split first */
};

static void *read_half(void *arg)
{
	struct half *h = arg;
	if (h->later) {
		if (atomic_load(&h->sp->earlier_done) ||
		    (h->rc = find_split(h->db, h->start, h->end, h->sp)) != CRM_OK ||
		    atomic_load(&h->sp->state) != SPLIT_AT) {
			atomic_store(&h->sp->state, SPLIT_NONE);
			return NULL;
		}
		h->start = h->sp->mid;
	} else {
		h->L->split = h->sp;
	}
	h->rc = read_part(h->db, h->start, h->end, h->L);
	if (!h->later) {
		h->L->split = NULL;
		atomic_store(&h->sp->earlier_done, 1);
	}
	return NULL;
}

static void discard(struct load *L)
{
	load_release(L);
	pool_free(L->pool);
}

/* The window read from its start here and, from the split on, on the
 * twin and a thread of its own (struct split); the later half read again
 * here when the twin failed or its snapshot may not be ours.  Closes the
 * twin. */
static int read_halves(struct crm_db *db, struct crm_db_twin *twin, const char *start,
		       const char *end, struct load *L)
{
	struct split sp;
	struct load later;
	struct half lo = {db, start, end, L, CRM_OK, &sp, 0};
	struct half hi = {&twin->db, start, end, &later, CRM_OK, &sp, 1};
	int rc, same;
	memset(&sp, 0, sizeof sp);
	atomic_init(&sp.state, SPLIT_WAIT);
	atomic_init(&sp.progress, 0);
	atomic_init(&sp.earlier_done, 0);
	sp.test = split_test();
	load_init(&later);
	crm_run_pair(read_half, &lo, &hi);
	same = crm_db_twin_close(twin);
	if ((rc = lo.rc) == CRM_OK && sp.stopped) {
		if (!same || hi.rc != CRM_OK || hi.start != sp.mid) {
			discard(&later);
			load_init(&later);
			hi.rc = read_part(db, sp.mid, end, &later);
		}
		if ((rc = hi.rc) == CRM_OK)
			append_load(L, &later);
	} else if (rc == CRM_OK) {
		join_ranks(L, NULL);   /* read to the end here */
	}
	discard(&later);
	return rc;
}

/* The window's lines, in two halves when it is not read inside a
 * transaction begun earlier.  The twin opens before db's first read here,
 * so that db's snapshot starts after the twin's first look at the data
 * version. */
static int read_window(struct crm_db *db, const struct crm_history_window *w, struct load *L)
{
	const char *start = w->start ? w->start : "0";
	struct crm_db_twin twin;
	int rc;
	if (!crm_db_in_read(db)) {
		if ((rc = crm_db_twin_open(db, &twin, 0)) != CRM_OK)
			return rc;
		return read_halves(db, &twin, start, w->end, L);
	}
	if ((rc = read_part(db, start, w->end, L)) == CRM_OK)
		join_ranks(L, NULL);
	return rc;
}

/* ---- from lines to the history ------------------------------------------- */

static int by_prod_at(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	if (x->prod != y->prod)
		return x->prod < y->prod ? -1 : 1;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x->qty > y->qty) - (x->qty < y->qty);
}

struct groups {
	struct line *l;
	const int64_t *ks;
	int32_t from, to;
};

static void *sort_some(void *arg)
{
	const struct groups *g = arg;
	int32_t k;
	for (k = g->from; k < g->to; k++)
		qsort(g->l + g->ks[k], (size_t)(g->ks[k + 1] - g->ks[k]), sizeof *g->l, by_prod_at);
	return NULL;
}

/* Each group of lines (ks: their bounds) sorted by (product, at, order),
 * half of the lines on a second thread. */
static void sort_groups(struct line *l, const int64_t *ks, int32_t nkey)
{
	struct groups a = {l, ks, 0, 0}, b = {l, ks, 0, nkey};
	while (a.to < nkey && 2 * ks[a.to] < ks[nkey])
		a.to++;
	b.from = a.to;
	crm_run_pair(sort_some, &a, &b);
}

/* The lines grouped by buyer key (customers in id order, then guest
 * orders), each group sorted by (product rank, at, order); *kstart gets
 * the groups' bounds.  Frees L->l. */
static struct line *group_lines(struct load *L, int32_t nkey, int64_t **kstart)
{
	int64_t *ks = crm_xcalloc((size_t)nkey + 2, sizeof *ks), k;
	struct line *out = crm_xmalloc_big((L->n + L->n2 + 1) * sizeof *out);
	struct line *part[2] = {L->l, L->l2};
	size_t n[2] = {L->n, L->n2}, i;
	int p;
	for (p = 0; p < 2; p++)
		for (i = 0; i < n[p]; i++) {
			struct line *l = &part[p][i];
			l->who = l->who >= 0 ? L->cid.r[p][l->who] : L->cid.n + (-1 - l->who);
			l->prod = L->sid.r[p][l->prod];
			ks[l->who + 2]++;
		}
	for (k = 2; k < (int64_t)nkey + 2; k++)
		ks[k] += ks[k - 1];
	for (p = 0; p < 2; p++)
		for (i = 0; i < n[p]; i++)
			out[ks[part[p][i].who + 1]++] = part[p][i];
	sort_groups(out, ks, nkey);
	free(L->l);
	free(L->l2);
	L->l = L->l2 = NULL;
	L->n += L->n2;
	L->n2 = 0;
	*kstart = ks;
	return out;
}

/* Drop the returned products of customers (keys below ncust_all), and the
 * return lines themselves: qty set to 0 for a line not liked.  Each
 * (customer key, product) returned in full goes to *ret (2 ints a pair). */
static void drop_returns(struct line *l, const int64_t *ks, int32_t ncust_all, int32_t **ret,
			 int64_t *nret)
{
	int32_t k;
	int64_t i, j, m, cap = 0;
	*ret = NULL;
	*nret = 0;
	for (k = 0; k < ncust_all; k++)
		for (i = ks[k]; i < ks[k + 1]; i = j) {
			int64_t bought = 0, returned = 0;
			for (j = i; j < ks[k + 1] && l[j].prod == l[i].prod; j++)
				if (l[j].qty > 0)
					bought += l[j].qty;
				else
					returned -= l[j].qty;
			for (m = i; m < j; m++)
				if (l[m].qty < 0 || (returned > 0 && returned >= bought))
					l[m].qty = 0;
			if (returned > 0 && returned >= bought) {
				if (*nret == cap)
					*ret = crm_xrealloc(*ret, (size_t)(cap = cap ? 2 * cap : 64) *
							    2 * sizeof **ret);
				(*ret)[2 * *nret] = k;
				(*ret)[2 * (*nret)++ + 1] = l[i].prod;
			}
		}
}

/* The products each customer buyer returned in full (CSR by buyer). */
static void fill_returned(struct crm_history *h, const int32_t *ret, int64_t nret,
			  const int32_t *pmap, const int32_t *bmap)
{
	int64_t i, *fill;
	int32_t b;
	h->rstart = crm_xcalloc((size_t)h->ncust + 2, sizeof *h->rstart);
	for (i = 0; i < nret; i++)
		if ((b = bmap[ret[2 * i]]) >= 0 && pmap[ret[2 * i + 1]] >= 0)
			h->rstart[b + 1]++;
	for (b = 0; b < h->ncust; b++)
		h->rstart[b + 1] += h->rstart[b];
	h->rprod = crm_xmalloc(((size_t)h->rstart[h->ncust] + 1) * sizeof *h->rprod);
	fill = crm_xmalloc(((size_t)h->ncust + 1) * sizeof *fill);
	memcpy(fill, h->rstart, ((size_t)h->ncust + 1) * sizeof *fill);
	for (i = 0; i < nret; i++)
		if ((b = bmap[ret[2 * i]]) >= 0 && pmap[ret[2 * i + 1]] >= 0)
			h->rprod[fill[b]++] = pmap[ret[2 * i + 1]];
	free(fill);
}

/* A product's name and category: its most recent liked line's (at the same
 * instant, the greater name). */
static void note_product(struct crm_history *h, const struct load *L, int32_t p,
			 const struct line *l, int first)
{
	const char *name = l->name >= 0 ? L->names.s[l->name] : NULL;
	if (!first && (l->at < h->last_sold[p] ||
		       (l->at == h->last_sold[p] && (!name || (h->name[p] &&
							       strcmp(name, h->name[p]) <= 0)))))
		return;
	h->last_sold[p] = l->at;
	h->name[p] = (char *)name;
	h->category[p] = l->cat >= 0 ? L->names.s[l->cat] : NULL;
}

/* New indexes of the products, orders and buyers that keep a liked line
 * (-1 for the others); counts into h. */
static void renumber(struct crm_history *h, const struct load *L, const struct line *l,
		     const int64_t *ks, int32_t nkey, int32_t *pmap, int32_t *omap, int32_t *bmap)
{
	int32_t k, i;
	int64_t j;
	for (k = 0; k < nkey; k++) {
		bmap[k] = -1;
		for (j = ks[k]; j < ks[k + 1]; j++)
			if (l[j].qty > 0) {
				bmap[k] = 0;
				pmap[l[j].prod] = 0;
				omap[l[j].order] = 0;
			}
	}
	for (i = 0; i < L->sid.n; i++)
		if (pmap[i] == 0)
			pmap[i] = h->nprod++;
	for (i = 0; i < L->norder; i++)
		if (omap[i] == 0)
			omap[i] = h->norder++;
	for (k = 0; k < nkey; k++)
		if (bmap[k] == 0) {
			bmap[k] = h->nbuyer++;
			h->ncust += k < L->cid.n;
		}
}

static void alloc_history(struct crm_history *h, int64_t np)
{
	h->sku = crm_xcalloc((size_t)h->nprod + 1, sizeof *h->sku);
	h->name = crm_xcalloc((size_t)h->nprod + 1, sizeof *h->name);
	h->category = crm_xcalloc((size_t)h->nprod + 1, sizeof *h->category);
	h->last_sold = crm_xcalloc((size_t)h->nprod + 1, sizeof *h->last_sold);
	h->active = crm_xcalloc((size_t)h->nprod + 1, 1);
	h->customer_id = crm_xcalloc((size_t)h->ncust + 1, sizeof *h->customer_id);
	h->start = crm_xcalloc((size_t)h->nbuyer + 1, sizeof *h->start);
	h->p = crm_xmalloc_big(((size_t)np + 1) * sizeof *h->p);
	h->pstart = crm_xcalloc((size_t)h->nprod + 1, sizeof *h->pstart);
}

/* The purchases by buyer, the products' names, last sales and activity. */
static void fill_purchases(struct crm_history *h, const struct load *L, const struct line *l,
			   const int64_t *ks, int32_t nkey, const int32_t *pmap,
			   const int32_t *omap, const int32_t *bmap)
{
	unsigned char *seen = crm_xcalloc((size_t)h->nprod + 1, 1);
	int64_t n = 0, j;
	int32_t k;
	for (k = 0; k < nkey; k++) {
		if (bmap[k] < 0)
			continue;
		h->start[bmap[k]] = n;
		for (j = ks[k]; j < ks[k + 1]; j++) {
			int32_t p = l[j].qty > 0 ? pmap[l[j].prod] : -1;
			if (p < 0)
				continue;
			h->p[n].prod = p;
			h->p[n].qty = l[j].qty;
			h->p[n].order = omap[l[j].order];
			h->p[n++].at = l[j].at;
			note_product(h, L, p, &l[j], !seen[p]);
			seen[p] = 1;
		}
	}
	h->start[h->nbuyer] = n;
	free(seen);
}

/* The customers' ids and the products' SKUs, in their new order. */
static void fill_names(struct crm_history *h, const struct load *L, const int32_t *pmap,
		       const int32_t *bmap, int64_t active_from)
{
	int32_t i;
	for (i = 0; i < L->cid.n; i++)
		if (bmap[i] >= 0)
			h->customer_id[bmap[i]] = L->cid.s[i];
	for (i = 0; i < L->sid.n; i++)
		if (pmap[i] >= 0)
			h->sku[pmap[i]] = L->sid.s[i];
	for (i = 0; i < h->nprod; i++)
		h->active[i] = h->last_sold[i] >= active_from;
}

/* Distinct buyers by product, buyers in increasing order. */
static void by_product(struct crm_history *h)
{
	int64_t *fill, j, total = 0;
	int32_t b, i, last;
	for (b = 0; b < h->nbuyer; b++)
		for (j = h->start[b], last = -1; j < h->start[b + 1]; j++)
			if (h->p[j].prod != last)
				h->pstart[(last = h->p[j].prod) + 1]++;
	for (i = 0; i < h->nprod; i++)
		h->pstart[i + 1] += h->pstart[i];
	total = h->pstart[h->nprod];
	h->pbuyer = crm_xmalloc_big(((size_t)total + 1) * sizeof *h->pbuyer);
	fill = crm_xmalloc(((size_t)h->nprod + 1) * sizeof *fill);
	memcpy(fill, h->pstart, (size_t)h->nprod * sizeof *fill);
	for (b = 0; b < h->nbuyer; b++)
		for (j = h->start[b], last = -1; j < h->start[b + 1]; j++)
			if (h->p[j].prod != last)
				h->pbuyer[fill[last = h->p[j].prod]++] = b;
	free(fill);
}

static void build(struct crm_history *h, struct load *L, int64_t active_from)
{
	int32_t nkey = L->cid.n + L->nguest;
	int64_t *ks, j, np = 0;
	struct line *l = group_lines(L, nkey, &ks);
	int32_t *pmap = crm_xcalloc((size_t)L->sid.n + 1, sizeof *pmap);
	int32_t *omap = crm_xcalloc((size_t)L->norder + 1, sizeof *omap);
	int32_t *bmap = crm_xcalloc((size_t)nkey + 1, sizeof *bmap), *ret;
	int64_t nret;
	drop_returns(l, ks, L->cid.n, &ret, &nret);
	for (j = 0; j < (int64_t)L->n; j++) {
		np += l[j].qty > 0;
		pmap[l[j].prod] = -1;
	}
	for (j = 0; j < L->norder; j++)
		omap[j] = -1;
	renumber(h, L, l, ks, nkey, pmap, omap, bmap);
	alloc_history(h, np);
	fill_purchases(h, L, l, ks, nkey, pmap, omap, bmap);
	fill_names(h, L, pmap, bmap, active_from);
	fill_returned(h, ret, nret, pmap, bmap);
	by_product(h);
	free(ret);
	free(l);
	free(ks);
	free(pmap);
	free(omap);
	free(bmap);
}

/* After the read: the history built here, the contacts (when asked for)
 * read on db on a second thread meanwhile. */
struct after_read {
	struct crm_history *h;
	struct load *L;
	int64_t active_from;
	struct crm_db *db;
	struct crm_contacts *c;
	int rc;
};

static void *after_read_step(void *arg)
{
	struct after_read *a = arg;
	if (a->c)
		a->rc = crm_contacts_load(a->db, a->c);
	else if (a->h)
		build(a->h, a->L, a->active_from);
	return NULL;
}

static int load(struct crm_db *db, const struct crm_history_window *w, struct crm_history *h,
		struct crm_contacts *c)
{
	struct load L;
	struct after_read here = {h, &L, 0, NULL, NULL, CRM_OK};
	struct after_read there = {NULL, NULL, 0, db, c, CRM_OK};
	int rc;
	memset(h, 0, sizeof *h);
	if (c)
		memset(c, 0, sizeof *c);
	load_init(&L);
	h->end = crm_time_epoch(w->end);
	here.active_from = h->end - (int64_t)w->active_days * 86400;
	if ((rc = read_window(db, w, &L)) != CRM_OK) {
		pool_free(L.pool);
		load_release(&L);
		return rc;
	}
	if (c)
		crm_run_pair(after_read_step, &here, &there);
	else
		after_read_step(&here);
	h->pool_ = L.pool;
	load_release(&L);
	if (there.rc != CRM_OK)
		crm_history_release(h);
	return there.rc;
}

int crm_history_load(struct crm_db *db, const struct crm_history_window *w,
		     struct crm_history *h)
{
	return load(db, w, h, NULL);
}

int crm_history_load_contacts(struct crm_db *db, const struct crm_history_window *w,
			      struct crm_history *h, struct crm_contacts *c)
{
	return load(db, w, h, c);
}

void crm_history_release(struct crm_history *h)
{
	free(h->sku);
	free(h->name);
	free(h->category);
	free(h->last_sold);
	free(h->active);
	free(h->customer_id);
	free(h->start);
	free(h->p);
	free(h->pstart);
	free(h->pbuyer);
	free(h->rstart);
	free(h->rprod);
	pool_free(h->pool_);
	memset(h, 0, sizeof *h);
}

static int32_t find(char *const *s, int32_t n, const char *key)
{
	int32_t lo = 0, hi = n;
	while (lo < hi) {
		int32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s[mid], key);
		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int32_t crm_history_product(const struct crm_history *h, const char *sku)
{
	return find(h->sku, h->nprod, sku);
}

int32_t crm_history_customer(const struct crm_history *h, const char *id)
{
	return find(h->customer_id, h->ncust, id);
}

/* ---- contacts ------------------------------------------------------------ */

static const char contacts_sql[] =
	"SELECT customer_id, email, name, marketing_opt_in = 1 FROM customers "
	"ORDER BY customer_id";

static char *pool_col(struct crm_strpool *p, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);
	return s && n > 0 ? crm_strpool_dup(p, s, (size_t)n) : NULL;
}

int crm_contacts_load(struct crm_db *db, struct crm_contacts *c)
{
	sqlite3_stmt *st = crm_db_prepare(db, contacts_sql);
	int32_t cap = 0;
	int rc;
	memset(c, 0, sizeof *c);
	if (!st)
		return crm_db_last_status(db);
	c->pool_ = pool_new();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->n == cap) {
			cap = cap ? 2 * cap : 1024;
			c->id = crm_xrealloc(c->id, (size_t)cap * sizeof *c->id);
			c->email = crm_xrealloc(c->email, (size_t)cap * sizeof *c->email);
			c->name = crm_xrealloc(c->name, (size_t)cap * sizeof *c->name);
			c->opted_in = crm_xrealloc(c->opted_in, (size_t)cap);
		}
		c->id[c->n] = pool_col(c->pool_, st, 0);
		c->email[c->n] = pool_col(c->pool_, st, 1);
		c->name[c->n] = pool_col(c->pool_, st, 2);
		c->opted_in[c->n++] = sqlite3_column_int(st, 3) == 1;
		if (!c->id[c->n - 1])
			c->id[c->n - 1] = crm_strpool_dup(c->pool_, "", 0);
	}
	rc = rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("reading customers"));
	sqlite3_finalize(st);
	if (rc != CRM_OK)
		crm_contacts_release(c);
	return rc;
}

void crm_contacts_release(struct crm_contacts *c)
{
	free(c->id);
	free(c->email);
	free(c->name);
	free(c->opted_in);
	pool_free(c->pool_);
	memset(c, 0, sizeof *c);
}

int32_t crm_contacts_find(const struct crm_contacts *c, const char *id)
{
	return find(c->id, c->n, id);
}
