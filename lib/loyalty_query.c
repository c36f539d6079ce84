/* loyalty_query.c - balance, expiring, statement and stats of the loyalty
 * ledger; see loyalty_query.h. */
#include "loyalty_query.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

#define DAY_SECS 86400

/* ---- days and times --------------------------------------------------------------- */

/* The first instant of local day `day` in tz; CRM_OK or CRM_EUSAGE, reported. */
static int day_start(const struct crm_tz *tz, int64_t day, char out[CRM_TIME_LEN])
{
	const char *why;
	char date[CRM_DATE_LEN];
	if (crm_day_start(tz, day, out, &why) == 0)
		return CRM_OK;
	crm_day_date(day, date);
	crm_error("%s: the local midnight %s", date, why);
	return CRM_EUSAGE;
}

/* D1: the first instant of the day after the as-of day. */
static int as_of_end(const struct crm_loyalty_query *q, char d1[CRM_TIME_LEN])
{
	return day_start(q->tz, q->as_of + 1, d1);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t d = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? d - 1 : d;
}

/* The local day in tz of a stored time. */
static int64_t local_day(const struct crm_tz *tz, const char *at)
{
	return crm_local_day(tz, crm_time_epoch(at));
}

/* A stored time as local time with its offset: "2026-03-10T14:05:06+09:00". */
static void local_time(const struct crm_tz *tz, const char *at, char out[32])
{
	int64_t t = crm_time_epoch(at);
	int32_t off = crm_tz_offset_at(tz, t);
	int64_t lt = t + off, day = floor_div(lt, DAY_SECS), s = lt - day * DAY_SECS;
	int32_t a = off < 0 ? -off : off;
	char date[CRM_DATE_LEN];
	crm_day_date(day, date);
	snprintf(out, 32, "%sT%02d:%02d:%02d%c%02d:%02d", date, (int)(s / 3600),
		 (int)(s / 60 % 60), (int)(s % 60), off < 0 ? '-' : '+', (int)(a / 3600),
		 (int)(a / 60 % 60));
}

/* ---- cells ------------------------------------------------------------------------ */

static void cell_int(struct crm_table *t, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRId64, v);
	crm_table_cell(t, buf);
}

static void cell_day(struct crm_table *t, int64_t day)
{
	char date[CRM_DATE_LEN];
	crm_day_date(day, date);
	crm_table_cell(t, date);
}

/* Column `i` of a row as text, NULL for SQL NULL. */
static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Step st to its end, handing each row to fn; CRM_OK or the exit code of a
 * failure to `what`.  st is finalized. */
static int each_row(struct crm_db *db, sqlite3_stmt *st, const char *what,
		    void (*fn)(sqlite3_stmt *, void *), void *ctx)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(st, ctx);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, what);
}

/* ---- the customer asked for -------------------------------------------------------- */

/* CRM_OK when customer has a ledger entry before d1, else
 * CRM_LOYALTY_EUNKNOWN (reported) or a database failure's code. */
static int known_customer(struct crm_db *db, const char *customer, const char *d1)
{
	static const char sql[] = "SELECT EXISTS (SELECT 1 FROM loyalty_entries WHERE "
		"customer_id = ?1 AND at < ?2), EXISTS (SELECT 1 FROM customers WHERE "
		"customer_id = ?1)";
	sqlite3_stmt *st = crm_db_prepare(db, sql);
	char buf[128];
	int rc, ledger = 0, known = 0;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, customer);
	crm_bind_static(st, 2, d1);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ledger = sqlite3_column_int(st, 0);
		known = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return crm_db_fail(db, "the customer");
	if (ledger)
		return CRM_OK;
	if (known)
		crm_error("customer %s has no ledger entries", crm_quote(customer, buf, sizeof buf));
	else
		crm_error("no customer %s", crm_quote(customer, buf, sizeof buf));
	return CRM_LOYALTY_EUNKNOWN;
}

/* ---- statement ----------------------------------------------------------------------- */

struct statement {
	struct crm_table *t;
	const struct crm_tz *tz;
	int64_t balance;
};

static void statement_row(sqlite3_stmt *st, void *ctx)
{
	struct statement *s = ctx;
	const char *kind = col_text(st, 2);
	int64_t points = sqlite3_column_int64(st, 3);
	char at[32];
	int i;
	if (strcmp(kind, "release"))
		s->balance += points;
	local_time(s->tz, col_text(st, 1), at);
	crm_table_cell(s->t, col_text(st, 0));
	crm_table_cell(s->t, at);
	for (i = 2; i <= 7; i++)
		crm_table_cell(s->t, col_text(st, i));
	cell_int(s->t, s->balance);
}

int crm_loyalty_statement(struct crm_db *db, const struct crm_loyalty_query *q, FILE *out)
{
	static const char sql[] = "SELECT entry_id, at, kind, points, lot, order_id, reason, "
		"shortfall FROM loyalty_entries WHERE customer_id = ?1 AND at < ?2 ORDER BY entry_id";
	static const struct crm_table_col cols[] = {
		{"entry_id", CRM_T_NUM}, {"at", CRM_T_PLAIN}, {"kind", CRM_T_PLAIN},
		{"points", CRM_T_NUM}, {"lot", CRM_T_NUM}, {"order_id", CRM_T_TEXT},
		{"reason", CRM_T_TEXT}, {"shortfall", CRM_T_NUM}, {"balance", CRM_T_NUM},
	};
	struct statement s = {NULL, q->tz, 0};
	char d1[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;
	if ((rc = as_of_end(q, d1)) != CRM_OK || (rc = known_customer(db, q->customer, d1)) != CRM_OK)
		return rc;
	if (!(st = crm_db_prepare(db, sql)))
		return crm_db_last_status(db);
	crm_bind_static(st, 1, q->customer);
	crm_bind_static(st, 2, d1);
	s.t = crm_table_begin(out, q->format, q->delim, cols, (int)(sizeof cols / sizeof cols[0]));
	rc = each_row(db, st, "statement", statement_row, &s);
	if (rc == CRM_OK)
		crm_table_finish(s.t);
	crm_table_free(s.t);
	return rc;
}

/* ---- expiring ------------------------------------------------------------------------ */

struct expiring {
	struct crm_table *t;
	const struct crm_tz *tz;
	char *id, *email, *name;         /* the row pending, merged with the next of its day */
	int64_t day, points;
};

static void expiring_flush(struct expiring *e)
{
	if (!e->id)
		return;
	crm_table_cell(e->t, e->id);
	crm_table_cell(e->t, e->email);
	crm_table_cell(e->t, e->name);
	cell_day(e->t, e->day);
	cell_int(e->t, e->points);
	free(e->id);
	free(e->email);
	free(e->name);
	e->id = e->email = e->name = NULL;
}

/* Lots of one customer that expire at different instants of one local day
 * (written under another --tz) make one row. */
static void expiring_row(sqlite3_stmt *st, void *ctx)
{
	struct expiring *e = ctx;
	const char *id = col_text(st, 0);
	int64_t day = local_day(e->tz, col_text(st, 3));
	if (e->id && day == e->day && !strcmp(id, e->id)) {
		e->points += sqlite3_column_int64(st, 4);
		return;
	}
	expiring_flush(e);
	e->id = crm_xstrdup(id);
	e->email = crm_xstrdup_or_null(col_text(st, 1));
	e->name = crm_xstrdup_or_null(col_text(st, 2));
	e->day = day;
	e->points = sqlite3_column_int64(st, 4);
}

int crm_loyalty_expiring(struct crm_db *db, const struct crm_loyalty_query *q, FILE *out)
{
	/* the lots (credits) with points left at D1 that expire in [D1, until) */
	static const char sql[] = "SELECT l.customer_id, c.email, c.name, l.expires_at, "
		"sum(l.points + coalesce((SELECT sum(d.points) FROM loyalty_entries d WHERE "
		"d.lot = l.entry_id AND d.kind <> 'release' AND d.at < ?1), 0)) AS left "
		"FROM loyalty_entries l LEFT JOIN customers c ON c.customer_id = l.customer_id "
		"WHERE l.lot IS NULL AND l.points > 0 AND l.at < ?1 AND l.expires_at >= ?1 AND "
		"l.expires_at < ?2 AND (?3 = 0 OR c.marketing_opt_in = 1) "
		"GROUP BY l.customer_id, l.expires_at HAVING left > 0 "
		"ORDER BY l.expires_at, l.customer_id";
	static const struct crm_table_col cols[] = {
		{"customer_id", CRM_T_TEXT}, {"email", CRM_T_TEXT}, {"name", CRM_T_TEXT},
		{"expiry_date", CRM_T_PLAIN}, {"points", CRM_T_NUM},
	};
	struct expiring e;
	char d1[CRM_TIME_LEN], until[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;
	memset(&e, 0, sizeof e);
	e.tz = q->tz;
	if ((rc = as_of_end(q, d1)) != CRM_OK ||
	    (rc = day_start(q->tz, q->as_of + 1 + q->within, until)) != CRM_OK)
		return rc;
	if (!(st = crm_db_prepare(db, sql)))
		return crm_db_last_status(db);
	crm_bind_static(st, 1, d1);
	crm_bind_static(st, 2, until);
	sqlite3_bind_int(st, 3, q->opted_in);
	e.t = crm_table_begin(out, q->format, q->delim, cols, (int)(sizeof cols / sizeof cols[0]));
	rc = each_row(db, st, "expiring", expiring_row, &e);
	expiring_flush(&e);
	if (rc == CRM_OK)
		crm_table_finish(e.t);
	crm_table_free(e.t);
	return rc;
}
