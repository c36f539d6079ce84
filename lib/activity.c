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
#include "i18n.h"
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

static void set_bounds(const struct crm_activity_window w[2], struct bounds b[2],
		       struct crm_activity out[2])
{
	int i;
	for (i = 0; i < 2; i++) {
		b[i].from = crm_time_epoch(w[i].from);
		b[i].to = crm_time_epoch(w[i].to);
		b[i].lost_from = crm_time_epoch(w[i].lost_from);
		b[i].lost_to = crm_time_epoch(w[i].lost_to);
		memset(&out[i], 0, sizeof out[i]);
	}
}

/* The customer whose times blob[0..n) are not crm's, for the message. */
static void bad_times(struct crm_db *db, const char *currency, const void *blob, int n)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT customer_id FROM customer_stats "
					  "WHERE currency = ?1 AND times = ?2");
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

/* Only what counting needs comes back a row: 3.29M customers at 10M orders
 * are most of a report's time.  The times are decoded, and their bytes
 * looked at, only for a customer who ordered since the earlier start. */
int crm_activity_count(struct crm_db *db, const char *currency,
		       const struct crm_activity_window w[2], struct crm_activity out[2])
{
	static const char sql[] = "SELECT first_unix, last_unix, times FROM customer_stats "
		"WHERE currency = ?1";
	struct crm_times t = {0};
	struct bounds b[2];
	sqlite3_stmt *st;
	int64_t since, first, last;
	int i, rc, bad = 0;
	set_bounds(w, b, out);
	since = b[0].from < b[1].from ? b[0].from : b[1].from;
	if (!(st = crm_db_prepare(db, sql)))
		return crm_db_last_status(db);
	crm_bind_static(st, 1, currency);
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		first = sqlite3_column_int64(st, 0);
		last = sqlite3_column_int64(st, 1);
		t.n = 0;
		if (last >= since && crm_times_decode(&t, sqlite3_column_blob(st, 2),
						      (size_t)sqlite3_column_bytes(st, 2))) {
			bad_times(db, currency, sqlite3_column_blob(st, 2), sqlite3_column_bytes(st, 2));
			bad = 1;
		}
		for (i = 0; i < 2 && !bad; i++)
			count_customer(&out[i], &b[i], first, last, &t);
	}
	sqlite3_finalize(st);
	crm_times_release(&t);
	if (bad)
		return CRM_EDATA;
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("report"));
}
