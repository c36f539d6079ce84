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
#include "idset.h"
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

/* What the orders said of a customer of the set; each flag shifted by the
 * period (0 or 1). */
enum {
	CAND = 1,            /* ordered in the window */
	SEEN = 4,            /* ordered between the window's end and the period's */
	LATER = 16           /* ordered at or after the period's end */
};

/* The customers met, by id, with their flags. */
struct marked {
	struct crm_idset ids;
	unsigned char *mark;             /* by index of ids */
	size_t cap;
};

static void marked_release(struct marked *s)
{
	crm_idset_release(&s->ids);
	free(s->mark);
	memset(s, 0, sizeof *s);
}

/* The customers of [from, to) of the orders get `bits`; with `add` those
 * not in the set yet join it, else they are passed over. */
static int span(struct lost *l, struct marked *s, const char *from, const char *to, int add,
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
		long k = add ? (long)crm_idset_add(&s->ids, id, h) : crm_idset_find(&s->ids, id, h);
		if (k < 0)
			continue;
		if ((size_t)k >= s->cap) {
			size_t old = s->cap;
			s->cap = s->cap ? 2 * s->cap : 4096;
			s->mark = crm_xrealloc(s->mark, s->cap);
			memset(s->mark + old, 0, s->cap - old);
		}
		s->mark[k] |= (unsigned char)bits;
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
static int window_spans(struct lost *l, struct marked *s, int add)
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
static void count_marks(const struct lost *l, const struct marked *s, int want, int of)
{
	size_t k;
	int i;
	for (k = 0; k < s->ids.n; k++)
		for (i = CUR; i <= PREV; i++)
			l->n[i] += (s->mark[k] & (of << i)) == want << i;
}

/* Every count from the orders: the customers of the windows less those who
 * ordered again before the period's end. */
static int from_orders(struct lost *l)
{
	struct marked s = {0};
	int rc;
	if ((rc = window_spans(l, &s, 1)) == CRM_OK)
		count_marks(l, &s, CAND, CAND | SEEN);
	marked_release(&s);
	return rc;
}

/* The customers who ordered after an end (`first`, the earlier end, on):
 * those whose last order before the end lies in the window. */
static int from_later(struct lost *l, const char *first)
{
	const struct crm_lost_window *w = l->w;
	const char *second = strcmp(w[CUR].end, w[PREV].end) > 0 ? w[CUR].end : w[PREV].end;
	int early = strcmp(w[CUR].end, w[PREV].end) < 0 ? CUR : PREV;
	struct marked s = {0};
	int rc = CRM_OK;
	if (strcmp(first, second))
		rc = span(l, &s, first, second, 1, LATER << early);
	if (rc == CRM_OK)
		rc = span(l, &s, second, FOREVER, 1, LATER << CUR | LATER << PREV);
	if (rc == CRM_OK && (rc = window_spans(l, &s, 0)) == CRM_OK)
		count_marks(l, &s, LATER | CAND, LATER | CAND | SEEN);
	marked_release(&s);
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
