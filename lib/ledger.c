/*
 * ledger.c - the loyalty ledger: drawing on lots, a customer's figures,
 * redeem, adjust and check.  See ledger.h.
 */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

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
