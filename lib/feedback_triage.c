/* feedback_triage.c - the negative reviews waiting for a reply, the reply
 * figures of a period, and marking a review replied; see feedback.h. */
#include "feedback.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "diag.h"
#include "figures.h"
#include "i18n.h"

#define CUSTOMER "coalesce(r.customer_id, o.customer_id)"

/* Waiting at ?1: rated 1-2, posted before it, not replied by it. */
#define WAITING "r.rating <= 2 AND r.posted_at < ?1 AND (r.replied_at IS NULL OR " \
	"r.replied_at >= ?1)"
static const char waiting_sql[] =
	"SELECT r.review_id, r.posted_at, r.rating, r.platform, r.sku, NULL, r.title, r.body, "
	CUSTOMER ", c.name, c.email, c.phone, "
	"(SELECT max(last_unix) FROM (" CRM_FIGURES_OF("s.last_unix", "s.customer_id = " CUSTOMER) ")) "
	"FROM reviews r LEFT JOIN orders o ON o.order_id = r.order_id "
	"LEFT JOIN customers c ON c.customer_id = " CUSTOMER " "
	"WHERE " WAITING " ORDER BY r.posted_at, r.review_id";
/* Their number alone (the report's): WAITING split at its OR, those never
 * replied, by their index
 * (reviews_unreplied), and those replied at or after ?1, by theirs
 * (reviews_late); no order, customer or figures joined, where the
 * listing's join looked each up at random (81,311 waiting at 10M orders:
 * 5 s a period). */
static const char waiting_count_sql[] = "SELECT (SELECT count(*) FROM reviews WHERE rating <= 2 "
	"AND replied_at IS NULL AND posted_at < ?1) + (SELECT count(*) FROM reviews WHERE "
	"rating <= 2 AND replied_at >= ?1 AND posted_at < ?1)";
/* Their skus; then the order lines, newest first, that name a product. */
static const char skus_sql[] = "SELECT DISTINCT r.sku FROM reviews r WHERE " WAITING
	" AND r.sku IS NOT NULL";
static const char lines_sql[] = "SELECT sku, product FROM order_items WHERE sku IS NOT NULL "
	"AND product IS NOT NULL AND product <> '' ORDER BY order_id DESC, line DESC";

/* The reviews posted in [?1, ?2) before ?3. */
static const char replies_sql[] =
	"SELECT rating, posted_at, replied_at FROM reviews WHERE posted_at >= ?1 AND "
	"posted_at < ?2 AND posted_at < ?3";

#define TEXT(st, c) ((const char *)sqlite3_column_text((st), (c)))

/*
 * The product name of each waiting review's sku: that of its newest order
 * line.  order_items has no index on sku, and a lookup per review read the
 * lines from the newest back until its sku came: 48 s for the 8142 waiting
 * reviews of a shop of 1M orders with 100000 products.  So the skus are
 * gathered first, and the lines read once, newest first, until each has its
 * name (0.3 s for all 1.7M lines at worst).
 */
struct names {
	char **sku, **product;           /* sorted by sku; product NULL: none yet */
	size_t n, named;
};

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The slot of sku in n, or NULL. */
static char **name_of(const struct names *n, const char *sku)
{
	char **k;
	if (!sku || !n->n)
		return NULL;
	k = bsearch(&sku, n->sku, n->n, sizeof *n->sku, by_str);
	return k ? &n->product[k - n->sku] : NULL;
}

static int gather_skus(struct crm_db *db, const char *end, struct names *n)
{
	sqlite3_stmt *st = crm_db_prepare(db, skus_sql);
	size_t cap = 0;
	int rc;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, end);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n->n == cap) {
			cap = cap ? 2 * cap : 64;
			n->sku = crm_xrealloc(n->sku, cap * sizeof *n->sku);
		}
		n->sku[n->n++] = crm_xstrdup(TEXT(st, 0));
	}
	sqlite3_finalize(st);
	if (n->sku)
		qsort(n->sku, n->n, sizeof *n->sku, by_str);
	n->product = crm_xcalloc(n->n + 1, sizeof *n->product);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read reviews waiting for a reply"));
}

static int read_names(struct crm_db *db, const char *end, struct names *n)
{
	sqlite3_stmt *st;
	char **slot;
	int rc = gather_skus(db, end, n);
	if (rc != CRM_OK || !n->n)
		return rc;
	if (!(st = crm_db_prepare(db, lines_sql)))
		return crm_db_last_status(db);
	while (n->named < n->n && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((slot = name_of(n, TEXT(st, 0))) && !*slot) {
			*slot = crm_xstrdup(TEXT(st, 1));
			n->named++;
		}
	sqlite3_finalize(st);
	return n->named == n->n || rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read order lines"));
}

static void names_release(struct names *n)
{
	size_t i;
	for (i = 0; i < n->n; i++) {
		free(n->sku[i]);
		free(n->product[i]);
	}
	free(n->sku);
	free(n->product);
}

static void waiting_row(sqlite3_stmt *st, const struct crm_fb_triage_opts *o, int64_t end,
			const struct names *n, struct crm_fb_waiting *w, char last[CRM_DATE_LEN])
{
	char **product;
	memset(w, 0, sizeof *w);
	w->review_id = TEXT(st, 0);
	w->posted_at = TEXT(st, 1);
	w->rating = sqlite3_column_int(st, 2);
	w->platform = TEXT(st, 3);
	w->sku = TEXT(st, 4);
	w->product = (product = name_of(n, w->sku)) ? *product : NULL;
	w->title = TEXT(st, 6);
	w->body = TEXT(st, 7);
	w->customer_id = TEXT(st, 8);
	w->name = TEXT(st, 9);
	w->email = TEXT(st, 10);
	w->phone = TEXT(st, 11);
	if (sqlite3_column_type(st, 12) != SQLITE_NULL &&
	    crm_day_date(crm_local_day(o->tz, sqlite3_column_int64(st, 12)), last) == 0)
		w->last_order = last;
	w->waited = w->posted_at && strlen(w->posted_at) == CRM_TIME_LEN - 1 ?
		    end - crm_time_epoch(w->posted_at) : -1;
}

static int count_waiting(struct crm_db *db, const struct crm_fb_triage_opts *o, long long *count)
{
	sqlite3_stmt *st = crm_db_prepare(db, waiting_count_sql);
	long long n;
	int rc;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, o->end);
	if ((rc = crm_db_one_int(db, st, N_("read reviews waiting for a reply"), &n)) == CRM_OK)
		*count += n;
	return rc;
}

static int waiting(struct crm_db *db, const struct crm_fb_triage_opts *o, crm_fb_waiting_fn *fn,
		   void *ctx, long long *count)
{
	sqlite3_stmt *st;
	struct crm_fb_waiting w;
	struct names n = {NULL, NULL, 0, 0};
	char last[CRM_DATE_LEN];
	int64_t end = crm_time_epoch(o->end);
	int rc, stop = 0;
	if (!fn)
		return count_waiting(db, o, count);
	if ((rc = read_names(db, o->end, &n)) != CRM_OK) {
		names_release(&n);
		return rc;
	}
	if (!(st = crm_db_prepare(db, waiting_sql))) {
		names_release(&n);
		return crm_db_last_status(db);
	}
	crm_bind_static(st, 1, o->end);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(*count)++;
		waiting_row(st, o, end, &n, &w, last);
		if ((stop = fn(&w, ctx)) != 0)
			break;
	}
	sqlite3_finalize(st);
	names_release(&n);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read reviews waiting for a reply"));
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The p-th percentile of v[0..n) (sorted) by nearest rank, in hours. */
static double rank_h(const int64_t *v, size_t n, double p)
{
	size_t k = (size_t)ceil(p * (double)n);
	return n ? (double)v[k ? k - 1 : 0] / 3600.0 : NAN;
}

static void reply_row(sqlite3_stmt *st, const char *end, struct crm_fb_replies *r, int64_t **v,
		      size_t *cap)
{
	const char *posted = TEXT(st, 1), *replied = TEXT(st, 2);
	int negative = sqlite3_column_int(st, 0) <= 2;
	int64_t took;
	r->reviews++;
	r->negative += negative;
	if (!replied || strcmp(replied, end) >= 0)
		return;
	r->replied++;
	r->negative_replied += negative;
	if (strlen(posted) != CRM_TIME_LEN - 1 || strlen(replied) != CRM_TIME_LEN - 1 ||
	    (took = crm_time_epoch(replied) - crm_time_epoch(posted)) < 0)
		return;
	if ((size_t)r->timed == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*v = crm_xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[r->timed++] = took;
}

static int replies(struct crm_db *db, const struct crm_fb_triage_opts *o, struct crm_fb_replies *r)
{
	sqlite3_stmt *st = crm_db_prepare(db, replies_sql);
	int64_t *v = NULL;
	size_t cap = 0;
	int rc;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, o->from);
	crm_bind_static(st, 2, o->to);
	crm_bind_static(st, 3, o->end);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		reply_row(st, o->end, r, &v, &cap);
	sqlite3_finalize(st);
	if (v)   /* none timed: no array, and qsort takes no NULL */
		qsort(v, (size_t)r->timed, sizeof *v, cmp64);
	r->median_h = rank_h(v, (size_t)r->timed, 0.5);
	r->p90_h = rank_h(v, (size_t)r->timed, 0.9);
	free(v);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read reviews"));
}

int crm_feedback_triage(struct crm_db *db, const struct crm_fb_triage_opts *o,
			crm_fb_waiting_fn *fn, void *ctx, struct crm_fb_replies *r)
{
	int rc;
	memset(r, 0, sizeof *r);
	if ((rc = waiting(db, o, fn, ctx, &r->waiting)) != CRM_OK)
		return rc;
	return replies(db, o, r);
}

/* ---- replied -------------------------------------------------------------------- */

static int mark(struct crm_db *db, const char *id, const char *at, char first[CRM_TIME_LEN])
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT posted_at, replied_at FROM reviews "
					  "WHERE review_id = ?1");
	const char *posted, *replied;
	int rc;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? CRM_FB_EUNKNOWN : crm_db_fail(db, N_("read the review"));
	}
	posted = TEXT(st, 0);
	replied = TEXT(st, 1);
	rc = replied ? CRM_FB_KEPT : posted && strcmp(at, posted) < 0 ? CRM_EDATA : CRM_OK;
	if (rc != CRM_OK)
		snprintf(first, CRM_TIME_LEN, "%s", replied ? replied : posted);
	sqlite3_finalize(st);
	if (rc != CRM_OK)
		return rc;
	if (!(st = crm_db_prepare(db, "UPDATE reviews SET replied_at = ?1 WHERE review_id = ?2")))
		return crm_db_last_status(db);
	crm_bind_static(st, 1, at);
	crm_bind_static(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("mark the review replied"));
}

int crm_feedback_replied(struct crm_db *db, const char *id, const char *at,
			 char first[CRM_TIME_LEN])
{
	int rc = crm_db_begin_write(db);
	if (rc != CRM_OK)
		return rc;
	rc = mark(db, id, at, first);
	if (rc == CRM_OK)
		return crm_db_commit(db);
	crm_db_rollback(db);
	return rc;
}
