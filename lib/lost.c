/*
 * lost.c - lost customers of two periods; see lost.h.
 *
 * A customer who made no counting order at or after a period's end has
 * their last order before it in customer_stats (last_unix): one pass over
 * that table counts them for both periods (0.15 s at 3.3M customers).  The
 * others, who ordered again later, need their orders: the last of them
 * before the end.  No index of orders leads with the customer, so their
 * orders are read in time order through orders_time, window by window; the
 * customers met are kept in a hash set of ids.
 *
 * Which customers the set holds depends on which is shorter.  When the
 * time since the earlier end is shorter than the windows (a report of last
 * week: a week against a year), the set holds only the customers who
 * ordered after an end, and the windows' orders are looked up in it: most
 * lookups end at a bit of the set's filter.  Otherwise (a report of a year
 * ago) it holds the customers of the windows, and every count comes from
 * the orders (customer_stats does not know the past).
 */
#include "lost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "i18n.h"
#include "stats.h"

#define COUNTING "(status = 'paid' OR status = 'pending')"
#define CUR 0
#define PREV 1
/* A bound after every canonical time, which begins with a digit. */
#define FOREVER "~"

struct lost {
	struct crm_db *db;
	const char *currency;
	const struct crm_lost_window *w;
	int64_t *n;
};

/* The customers of the windows, by id, with what the orders said of them;
 * each flag shifted by the period (0 or 1). */
enum {
	CAND = 1,            /* ordered in the window */
	SEEN = 4,            /* ordered between the window's end and the period's */
	LATER = 16           /* ordered at or after the period's end */
};
struct idslot {
	uint32_t hash, k;                /* k: 1 + index, 0 free */
};
#define FILTER_BITS 21            /* 256 KiB: stays in the cache */
struct idset {
	char **id;
	unsigned char *mark;
	struct idslot *slot;
	size_t n, cap, nslot;
	uint64_t *filter;                /* a bit per hash bucket: clear, no id of the set */
};

static uint32_t filter_bit(uint32_t h)
{
	return (h * 0x9E3779B1u) >> (32 - FILTER_BITS);
}

/* Is an id of this hash possibly in the set? */
static int idset_may_hold(const struct idset *s, uint32_t h)
{
	uint32_t b = filter_bit(h);
	return s->filter && (s->filter[b / 64] >> (b % 64) & 1);
}

/* The slot of an id: free, or holding it.  Most ids the scan looks up are
 * not in the set: their hash ends the search without reading an id. */
static struct idslot *idset_slot(const struct idset *s, const char *id, uint32_t h)
{
	size_t i = h & (s->nslot - 1);
	while (s->slot[i].k && (s->slot[i].hash != h || strcmp(s->id[s->slot[i].k - 1], id)))
		i = (i + 1) & (s->nslot - 1);
	return &s->slot[i];
}

/* The index of a customer, added when new; at half load the slots double. */
static size_t idset_add(struct idset *s, const char *id, uint32_t h)
{
	struct idslot *slot;
	size_t i;
	if (2 * (s->n + 1) > s->nslot) {
		struct idslot *old = s->slot;
		size_t n = s->nslot;
		s->nslot = n ? 2 * n : 4096;
		s->slot = crm_xcalloc(s->nslot, sizeof *s->slot);
		for (i = 0; i < n; i++)
			if (old[i].k)
				*idset_slot(s, s->id[old[i].k - 1], old[i].hash) = old[i];
		free(old);
	}
	if ((slot = idset_slot(s, id, h))->k)
		return slot->k - 1;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->id = crm_xrealloc(s->id, s->cap * sizeof *s->id);
		s->mark = crm_xrealloc(s->mark, s->cap);
	}
	if (!s->filter)
		s->filter = crm_xcalloc((1u << FILTER_BITS) / 64, sizeof *s->filter);
	s->filter[filter_bit(h) / 64] |= (uint64_t)1 << (filter_bit(h) % 64);
	s->id[s->n] = crm_xstrdup(id);
	s->mark[s->n] = 0;
	slot->hash = h;
	slot->k = (uint32_t)++s->n;
	return s->n - 1;
}

static void idset_release(struct idset *s)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		free(s->id[i]);
	free(s->id);
	free(s->mark);
	free(s->slot);
	free(s->filter);
}

/* The customers of [from, to) of the orders get `bits`; with `add` those
 * not in the set yet join it, else they are passed over. */
static int span(struct lost *l, struct idset *s, const char *from, const char *to, int add,
		int bits)
{
	static const char sql[] = "SELECT customer_id FROM orders WHERE ordered_at >= ?1 AND "
		"ordered_at < ?2 AND currency = ?3 AND " COUNTING " AND customer_id IS NOT NULL";
	sqlite3_stmt *st = crm_db_prepare(l->db, sql);
	int rc;
	if (!st)
		return crm_db_last_status(l->db);
	crm_bind_static(st, 1, from);
	crm_bind_static(st, 2, to);
	crm_bind_static(st, 3, l->currency);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		uint32_t h = crm_customer_hash(id, "");
		struct idslot *slot;
		size_t k;
		if (add) {
			k = idset_add(s, id, h);    /* which may move s->mark */
			s->mark[k] |= (unsigned char)bits;
		} else if (idset_may_hold(s, h) && (slot = idset_slot(s, id, h))->k)
			s->mark[slot->k - 1] |= (unsigned char)bits;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(l->db, N_("read orders"));
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The windows' orders: the bounds of both periods cut time into spans, read
 * in time order, each with the flags it gives its customers.  With `add`,
 * a customer of a window is in the set before their orders after it come.
 */
static int window_spans(struct lost *l, struct idset *s, int add)
{
	const struct crm_lost_window *w = l->w;
	const char *b[6] = {w[CUR].from, w[CUR].to, w[CUR].end, w[PREV].from, w[PREV].to,
		w[PREV].end};
	int rc = CRM_OK, j, i;
	qsort(b, 6, sizeof *b, by_text);
	for (j = 0; j < 5 && rc == CRM_OK; j++) {
		int in = 0, after = 0;
		if (!strcmp(b[j], b[j + 1]))
			continue;
		for (i = CUR; i <= PREV; i++) {
			if (strcmp(b[j], w[i].from) >= 0 && strcmp(b[j + 1], w[i].to) <= 0)
				in |= CAND << i;
			if (strcmp(b[j], w[i].to) >= 0 && strcmp(b[j + 1], w[i].end) <= 0)
				after |= SEEN << i;
		}
		if (in || after)
			rc = span(l, s, b[j], b[j + 1], add && in, in | after);
	}
	return rc;
}

/* Add to n[] the customers whose marks are exactly `want` of those `of`. */
static void count_marks(const struct lost *l, const struct idset *s, int want, int of)
{
	size_t k;
	int i;
	for (k = 0; k < s->n; k++)
		for (i = CUR; i <= PREV; i++)
			l->n[i] += (s->mark[k] & (of << i)) == want << i;
}

/* Every count from the orders: the customers of the windows less those who
 * ordered again before the period's end. */
static int from_orders(struct lost *l)
{
	struct idset s;
	int rc;
	memset(&s, 0, sizeof s);
	if ((rc = window_spans(l, &s, 1)) == CRM_OK)
		count_marks(l, &s, CAND, CAND | SEEN);
	idset_release(&s);
	return rc;
}

/* The customers who ordered after an end (`first`, the earlier end, on):
 * those whose last order before the end lies in the window. */
static int from_later(struct lost *l, const char *first)
{
	const struct crm_lost_window *w = l->w;
	const char *second = strcmp(w[CUR].end, w[PREV].end) > 0 ? w[CUR].end : w[PREV].end;
	int early = strcmp(w[CUR].end, w[PREV].end) < 0 ? CUR : PREV;
	struct idset s;
	int rc = CRM_OK;
	memset(&s, 0, sizeof s);
	if (strcmp(first, second))
		rc = span(l, &s, first, second, 1, LATER << early);
	if (rc == CRM_OK)
		rc = span(l, &s, second, FOREVER, 1, LATER << CUR | LATER << PREV);
	if (rc == CRM_OK && (rc = window_spans(l, &s, 0)) == CRM_OK)
		count_marks(l, &s, LATER | CAND, LATER | CAND | SEEN);
	idset_release(&s);
	return rc;
}

/* Customers without an order at or after their period's end, whose last
 * order over all time is then their last before it. */
static int from_stats(struct lost *l)
{
	static const char sql[] = "SELECT last_unix FROM customer_stats WHERE "
		"last_unix >= ?1 AND last_unix < ?2 AND currency = ?3";
	int64_t from[2], to[2];
	sqlite3_stmt *st;
	int i, rc;
	for (i = CUR; i <= PREV; i++) {
		from[i] = crm_time_epoch(l->w[i].from);
		to[i] = crm_time_epoch(l->w[i].to);
	}
	if (!(st = crm_db_prepare(l->db, sql)))
		return crm_db_last_status(l->db);
	sqlite3_bind_int64(st, 1, from[PREV] < from[CUR] ? from[PREV] : from[CUR]);
	sqlite3_bind_int64(st, 2, to[PREV] > to[CUR] ? to[PREV] : to[CUR]);
	crm_bind_static(st, 3, l->currency);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t last = sqlite3_column_int64(st, 0);
		for (i = CUR; i <= PREV; i++)
			l->n[i] += last >= from[i] && last < to[i];
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(l->db, N_("report"));
}

/* The time of the last counting order at or after `at` into last ("" for
 * none): read backwards through the time index, it is the first found. */
static int last_order(struct lost *l, const char *at, char last[CRM_TIME_LEN])
{
	static const char sql[] = "SELECT ordered_at FROM orders WHERE ordered_at >= ?1 "
		"AND currency = ?2 AND " COUNTING " AND customer_id IS NOT NULL "
		"ORDER BY ordered_at DESC LIMIT 1";
	sqlite3_stmt *st = crm_db_prepare(l->db, sql);
	const char *t;
	int rc;
	if (!st)
		return crm_db_last_status(l->db);
	crm_bind_static(st, 1, at);
	crm_bind_static(st, 2, l->currency);
	last[0] = '\0';
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && (t = (const char *)sqlite3_column_text(st, 0)))
		snprintf(last, CRM_TIME_LEN, "%s", t);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CRM_OK : crm_db_fail(l->db, N_("read orders"));
}

int crm_lost_count(struct crm_db *db, const char *currency,
		   const struct crm_lost_window w[2], int64_t n[2])
{
	struct lost l = {db, currency, w, n};
	const char *first = strcmp(w[PREV].end, w[CUR].end) < 0 ? w[PREV].end : w[CUR].end;
	const char *from = strcmp(w[PREV].from, w[CUR].from) < 0 ? w[PREV].from : w[CUR].from;
	const char *end = strcmp(w[PREV].end, w[CUR].end) > 0 ? w[PREV].end : w[CUR].end;
	char last[CRM_TIME_LEN];
	int rc;
	n[CUR] = n[PREV] = 0;
	if ((rc = last_order(&l, first, last)) != CRM_OK)
		return rc;
	if (!*last)                      /* nothing after either end */
		return from_stats(&l);
	/* the later orders' customers against the windows', by time spanned */
	if (crm_time_epoch(last) - crm_time_epoch(first) >= crm_time_epoch(end) -
	    crm_time_epoch(from))
		return from_orders(&l);
	rc = from_stats(&l);
	return rc != CRM_OK ? rc : from_later(&l, first);
}
