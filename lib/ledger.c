/*
 * ledger.c - the loyalty ledger: drawing on lots, a customer's figures,
 * redeem, adjust and check.  See ledger.h.
 */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "loyalty_program.h"

/* A credit is a lot; a debit names one; a release names one but moves nothing. */
#define CREDIT "lot IS NULL AND points > 0 AND kind IN ('earn', 'bonus', 'adjust')"

/* The lots of customer ?1 available at instant ?2 with points left, FIFO:
 * the soonest expiry first, the lots that never expire last, then the oldest. */
static const char draw_lots_sql[] =
	"SELECT c.entry_id, c.points + coalesce((SELECT sum(d.points) FROM loyalty_entries d "
	"WHERE d.lot = c.entry_id AND d.kind <> 'release'), 0) AS rem "
	"FROM loyalty_entries c WHERE c.customer_id = ?1 AND c.lot IS NULL AND c.points > 0 "
	"AND c.kind IN ('earn', 'bonus', 'adjust') AND coalesce(c.available_at, c.at) <= ?2 "
	"AND (c.expires_at IS NULL OR c.expires_at > ?2) AND rem > 0 "
	"ORDER BY c.expires_at IS NULL, c.expires_at, c.entry_id";

static const char debit_sql[] =
	"INSERT INTO loyalty_entries(customer_id, kind, points, lot, at, order_id, reason, run_id) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

struct lot {
	int64_t id, rem;
};

/* The lots to draw on, in order, until `points` are covered: *lots is
 * malloc'd (free it), *n of them. */
static int draw_plan(struct crm_db *db, const struct crm_ledger_debit *d, int64_t points,
		     struct lot **lots, size_t *n)
{
	sqlite3_stmt *st = crm_db_prepare(db, draw_lots_sql);
	size_t cap = 0;
	int64_t got = 0;
	int rc = SQLITE_DONE;

	*lots = NULL;
	*n = 0;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, d->customer_id);
	crm_bind_static(st, 2, d->at);
	while (got < points && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*lots = crm_xrealloc(*lots, cap * sizeof **lots);
		}
		(*lots)[*n].id = sqlite3_column_int64(st, 0);
		(*lots)[*n].rem = sqlite3_column_int64(st, 1);
		got += (*lots)[(*n)++].rem;
	}
	if (got < points && rc != SQLITE_DONE) {
		rc = crm_db_fail(db, "loyalty lots");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return CRM_OK;
}

int crm_ledger_draw(struct crm_db *db, const struct crm_ledger_debit *d, int64_t points,
		    int64_t *taken)
{
	struct lot *lots;
	size_t n, i;
	sqlite3_stmt *st;
	int rc;

	*taken = 0;
	if (points <= 0)
		return CRM_OK;
	if ((rc = draw_plan(db, d, points, &lots, &n)) != CRM_OK)
		return rc;
	st = crm_db_prepare(db, debit_sql);
	if (!st) {
		free(lots);
		return crm_db_last_status(db);
	}
	for (i = 0; i < n && *taken < points; i++) {
		int64_t take = lots[i].rem < points - *taken ? lots[i].rem : points - *taken;

		sqlite3_reset(st);
		crm_bind_static(st, 1, d->customer_id);
		crm_bind_static(st, 2, d->kind);
		sqlite3_bind_int64(st, 3, -take);
		sqlite3_bind_int64(st, 4, lots[i].id);
		crm_bind_static(st, 5, d->at);
		crm_bind_static(st, 6, d->order_id);
		crm_bind_static(st, 7, d->reason);
		if (d->run_id > 0)
			sqlite3_bind_int64(st, 8, d->run_id);
		else
			sqlite3_bind_null(st, 8);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = crm_db_fail(db, "loyalty draw");
			break;
		}
		*taken += take;
	}
	sqlite3_finalize(st);
	free(lots);
	if (rc != CRM_OK)
		*taken = 0;
	return rc;
}

/* ---- days and stamps ------------------------------------------------------------- */

int crm_ledger_day_end(const struct crm_tz *tz, int64_t day, char d1[CRM_TIME_LEN],
		       const char **why)
{
	return crm_day_start(tz, day + 1, d1, why) < 0 ? -1 : CRM_OK;
}

/* Canonical UTC text of epoch seconds t. */
static void time_text(int64_t t, char out[CRM_TIME_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, CRM_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int crm_ledger_stamp(const struct crm_tz *tz, int64_t day, const char clock[CRM_TIME_LEN],
		     char at[CRM_TIME_LEN], const char **why)
{
	char d1[CRM_TIME_LEN];

	if (crm_local_day(tz, crm_time_epoch(clock)) == day) {
		memcpy(at, clock, CRM_TIME_LEN);
		return CRM_OK;
	}
	if (crm_ledger_day_end(tz, day, d1, why) != CRM_OK)
		return -1;
	time_text(crm_time_epoch(d1) - 1, at);
	return CRM_OK;
}

/* ---- the figures ------------------------------------------------------------------ */

void crm_ledger_figures_row(sqlite3_stmt *st, int col, const struct crm_tz *tz,
			    struct crm_ledger_figures *f)
{
	const char *next = (const char *)sqlite3_column_text(st, col + 10);
	int64_t *v[] = { &f->earned, &f->bonus, &f->adjusted, &f->available, &f->pending,
			 &f->redeemed, &f->expired, &f->reversed, &f->shortfall };
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		*v[i] = sqlite3_column_int64(st, col + 1 + (int)i);
	f->next_expiry_at[0] = '\0';
	f->next_expiry_day = CRM_LOYALTY_NEVER;
	if (next && strlen(next) == CRM_TIME_LEN - 1) {
		memcpy(f->next_expiry_at, next, CRM_TIME_LEN);
		f->next_expiry_day = crm_local_day(tz, crm_time_epoch(f->next_expiry_at));
	}
	f->next_expiry_points = sqlite3_column_int64(st, col + 11);
}

static void figures_zero(struct crm_ledger_figures *f)
{
	memset(f, 0, sizeof *f);
	f->next_expiry_day = CRM_LOYALTY_NEVER;
}

int crm_ledger_figures(struct crm_db *db, const struct crm_tz *tz, const char *d1,
		       const char *customer_id, struct crm_ledger_figures *f, int *found)
{
	sqlite3_stmt *st = crm_db_prepare(db, CRM_LEDGER_FIGURES_SQL("customer_id = :customer"));
	int rc;

	figures_zero(f);
	*found = 0;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, sqlite3_bind_parameter_index(st, ":d1"), d1);
	crm_bind_static(st, sqlite3_bind_parameter_index(st, ":customer"), customer_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		crm_ledger_figures_row(st, 0, tz, f);
		*found = 1;
	} else if (rc != SQLITE_DONE) {
		rc = crm_db_fail(db, "loyalty figures");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return CRM_OK;
}

struct crm_ledger_iter {
	struct crm_db *db;
	sqlite3_stmt *st;
};

struct crm_ledger_iter *crm_ledger_figures_open(struct crm_db *db, const char *d1)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT * FROM (" CRM_LEDGER_FIGURES_SQL("1")
					  ") ORDER BY 1");
	struct crm_ledger_iter *it;

	if (!st)
		return NULL;
	crm_bind_text(st, sqlite3_bind_parameter_index(st, ":d1"), d1);
	it = crm_xmalloc(sizeof *it);
	it->db = db;
	it->st = st;
	return it;
}

int crm_ledger_figures_next(struct crm_ledger_iter *it, const struct crm_tz *tz,
			    const char **customer_id, struct crm_ledger_figures *f)
{
	int rc = sqlite3_step(it->st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -crm_db_fail(it->db, "loyalty figures");
	*customer_id = (const char *)sqlite3_column_text(it->st, 0);
	crm_ledger_figures_row(it->st, 0, tz, f);
	return 1;
}

void crm_ledger_figures_close(struct crm_ledger_iter *it)
{
	if (!it)
		return;
	sqlite3_finalize(it->st);
	free(it);
}
