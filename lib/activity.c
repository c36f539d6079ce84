/*
 * activity.c - customers of two periods; see activity.h.
 *
 * One pass over customer_stats.  The order times (times.h) are decoded only
 * for a customer whose last order lies at or after the earlier period's
 * start: anyone else ordered in neither period, and their last order before
 * either end is last_unix.  No order is read: a week's report at 10M orders
 * grouped two weeks of orders by customer and looked each up in
 * customer_stats (0.3 s), and read the year of orders before it for the
 * lost (1 s), as no index of orders leads with the customer.
 */
#include "activity.h"

#include <string.h>

#include "diag.h"
#include "figures.h"
#include "i18n.h"
#include "stats.h"
#include "times.h"

/* Bounds of one period in Unix seconds, as customer_stats keeps times. */
struct bounds {
	int64_t from, to, lost_from, lost_to;
};

/* Does this customer's last order before `end` lie in [from, to)? */
static int lost_in(int64_t last, const struct crm_times *t, int64_t from, int64_t to,
		   int64_t end)
{
	if (last >= end && !crm_times_last_before(t, end, &last))
		return 0;                /* no order before the end */
	return last >= from && last < to;
}

/* One customer into one period's counts; t holds their times when last
 * lies at or after the period's start. */
static void count_customer(struct crm_activity *a, const struct bounds *b, int64_t first,
			   int64_t last, const struct crm_times *t)
{
	size_t k = last >= b->from ? crm_times_count(t, b->from, b->to) : 0;
	if (k) {
		a->active++;
		a->fresh += first >= b->from;
		a->repeat += first < b->from || k > 1;
	}
	a->lost += lost_in(last, t, b->lost_from, b->lost_to, b->to);
}

static void set_bounds(const struct crm_activity_window w[2], struct bounds b[2])
{
	int i;
	for (i = 0; i < 2; i++) {
		b[i].from = crm_time_epoch(w[i].from);
		b[i].to = crm_time_epoch(w[i].to);
		b[i].lost_from = crm_time_epoch(w[i].lost_from);
		b[i].lost_to = crm_time_epoch(w[i].lost_to);
	}
}

/* The customer whose times blob[0..n) are not crm's, for the message. */
static void bad_times(struct crm_db *db, const char *currency, const void *blob, int n)
{
	sqlite3_stmt *st = crm_db_prepare(db, CRM_FIGURES_OF("s.customer_id",
						     "s.currency = ?1 AND s.times = ?2"));
	const char *id = NULL;
	if (st) {
		crm_bind_static(st, 1, currency);
		sqlite3_bind_blob(st, 2, blob, n, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = (const char *)sqlite3_column_text(st, 0);
	}
	crm_error(_("%s: customer '%s': its order times are not crm's"), db->path, id ? id : "?");
	sqlite3_finalize(st);
}

/* One part of customer_stats to count: all of it (split NULL), or the ids
 * below split (upper 0) or from it on (1).  A twin's part says nothing of
 * a failure (quiet): it is counted again on the first connection. */
struct part {
	struct crm_db *db;
	const char *currency, *split;
	int upper, quiet, rc;
	struct bounds b[2];
	struct crm_activity out[2];
};

/* read through figures.h: customer_stats and the rows changed since */
#define PART_FROM(AND) "FROM %s s WHERE s.currency = ?1" AND
static const char *const part_from[] = {
	PART_FROM(""), PART_FROM(" AND s.customer_id < ?2"), PART_FROM(" AND s.customer_id >= ?2"),
};

/* Only what counting needs comes back a row: 3.29M customers at 10M orders
 * are most of a report's time.  The times are decoded, and their bytes
 * looked at, only for a customer who ordered since the earlier start. */
static void *count_part(void *arg)
{
	struct part *p = arg;
	struct crm_times t = {0};
	struct crm_figures f;
	sqlite3_stmt *st;
	int64_t since = p->b[0].from < p->b[1].from ? p->b[0].from : p->b[1].from, first, last;
	int i, rc = SQLITE_ERROR, bad = 0;
	memset(p->out, 0, sizeof p->out);
	if ((p->rc = crm_figures_open(&f, p->db, "s.first_unix, s.last_unix, s.times",
				      part_from[p->split ? 1 + p->upper : 0], p->quiet)) != CRM_OK)
		return NULL;
	crm_figures_bind(&f, 1, p->currency);
	if (p->split)
		crm_figures_bind(&f, 2, p->split);
	while (!bad && (rc = crm_figures_step(&f)) == SQLITE_ROW) {
		st = f.st;
		first = sqlite3_column_int64(st, 0);
		last = sqlite3_column_int64(st, 1);
		t.n = 0;
		if (last >= since && crm_times_decode(&t, sqlite3_column_blob(st, 2),
						      (size_t)sqlite3_column_bytes(st, 2))) {
			if (!p->quiet)
				bad_times(p->db, p->currency, sqlite3_column_blob(st, 2),
					  sqlite3_column_bytes(st, 2));
			bad = 1;
		}
		for (i = 0; i < 2 && !bad; i++)
			count_customer(&p->out[i], &p->b[i], first, last, &t);
	}
	crm_figures_close(&f);
	crm_times_release(&t);
	if (bad)
		p->rc = CRM_EDATA;
	else if (rc != SQLITE_DONE)
		p->rc = p->quiet ? CRM_EIO : crm_db_fail(p->db, N_("report"));
	else
		p->rc = CRM_OK;
	return NULL;
}

static void part_init(struct part *p, struct crm_db *db, const char *currency,
		      const struct crm_activity_window w[2], const char *split, int upper)
{
	memset(p, 0, sizeof *p);
	p->db = db;
	p->currency = currency;
	p->split = split;
	p->upper = upper;
	set_bounds(w, p->b);
}

/* The lower half here and the upper on the twin's thread; the upper again
 * here when the twin failed or its snapshot may not be db's. */
static int count_halves(struct crm_db *db, struct crm_db_twin *twin, const char *currency,
			const struct crm_activity_window w[2], const char *key,
			struct crm_activity out[2])
{
	struct part lo, hi;
	int i, same;
	part_init(&lo, db, currency, w, key, 0);
	part_init(&hi, &twin->db, currency, w, key, 1);
	hi.quiet = 1;
	crm_run_pair(count_part, &lo, &hi);
	same = crm_db_twin_close(twin);
	if (lo.rc != CRM_OK)
		return lo.rc;
	if (!same || hi.rc != CRM_OK) {
		part_init(&hi, db, currency, w, key, 1);
		count_part(&hi);
	}
	if (hi.rc != CRM_OK)
		return hi.rc;
	for (i = 0; i < 2; i++) {
		out[i].active = lo.out[i].active + hi.out[i].active;
		out[i].fresh = lo.out[i].fresh + hi.out[i].fresh;
		out[i].repeat = lo.out[i].repeat + hi.out[i].repeat;
		out[i].lost = lo.out[i].lost + hi.out[i].lost;
	}
	return CRM_OK;
}

int crm_activity_count(struct crm_db *db, struct crm_db_twin **twin, const char *currency,
		       const struct crm_activity_window w[2], struct crm_activity out[2])
{
	struct crm_db_twin *tw = twin ? *twin : NULL;
	struct part all;
	char key[9];
	int rc;
	memset(out, 0, 2 * sizeof *out);
	if (twin)
		*twin = NULL;         /* closed below, whatever happens */
	if (tw && (rc = crm_stats_split_key(db, key)) != CRM_STATS_NO_SPLIT) {
		if (rc != CRM_OK) {
			crm_db_twin_close(tw);
			return rc;
		}
		return count_halves(db, tw, currency, w, key, out);
	}
	if (tw)
		crm_db_twin_close(tw);
	part_init(&all, db, currency, w, NULL, 0);
	count_part(&all);
	if (all.rc == CRM_OK)
		memcpy(out, all.out, sizeof all.out);
	return all.rc;
}
