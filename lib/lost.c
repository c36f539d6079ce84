/*
 * lost.c - lost customers of two periods; see lost.h.
 *
 * One pass over customer_stats.  A customer whose last order (last_unix)
 * lies before a period's end has it as their last order before the end; a
 * customer who ordered at or after the end has their last order before it
 * among their order times (times.h), the greatest below the end.  No order
 * is read: a week's report at 10M orders read the year of orders before it
 * (1 s), as no index of orders leads with the customer.
 */
#include "lost.h"

#include <string.h>

#include "diag.h"
#include "i18n.h"
#include "times.h"

#define CUR 0
#define PREV 1

/* Does this customer's last order before `end` lie in [from, to)? */
static int lost_in(int64_t last, const struct crm_times *t, int64_t from, int64_t to,
		   int64_t end)
{
	if (last >= end && !crm_times_last_before(t, end, &last))
		return 0;                /* no order before the end */
	return last >= from && last < to;
}

int crm_lost_count(struct crm_db *db, const char *currency,
		   const struct crm_lost_window w[2], int64_t n[2])
{
	static const char sql[] = "SELECT customer_id, last_unix, CASE WHEN last_unix >= ?1 "
		"THEN times END FROM customer_stats WHERE currency = ?2";
	struct crm_times t = {0};
	int64_t from[2], to[2], end[2];
	sqlite3_stmt *st;
	int i, rc, bad = 0;
	for (i = CUR; i <= PREV; i++) {
		from[i] = crm_time_epoch(w[i].from);
		to[i] = crm_time_epoch(w[i].to);
		end[i] = crm_time_epoch(w[i].end);
		n[i] = 0;
	}
	if (!(st = crm_db_prepare(db, sql)))
		return crm_db_last_status(db);
	sqlite3_bind_int64(st, 1, end[CUR] < end[PREV] ? end[CUR] : end[PREV]);
	crm_bind_static(st, 2, currency);
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t last = sqlite3_column_int64(st, 1);
		t.n = 0;
		if (sqlite3_column_type(st, 2) != SQLITE_NULL &&
		    crm_times_decode(&t, sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2))) {
			crm_error(_("%s: customer '%s': its order times are not crm's"), db->path,
				  (const char *)sqlite3_column_text(st, 0));
			bad = 1;
		}
		for (i = CUR; i <= PREV && !bad; i++)
			n[i] += lost_in(last, &t, from[i], to[i], end[i]);
	}
	sqlite3_finalize(st);
	crm_times_release(&t);
	if (bad)
		return CRM_EDATA;
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("report"));
}
