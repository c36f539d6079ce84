/*
 * ledger.c - the loyalty ledger: drawing on lots, a customer's figures,
 * redeem, adjust and check.  See ledger.h.
 */
#include "i18n.h"
#include "ledger.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "loyalty_program.h"
#include "loyalty_store.h"

/* A credit is a lot (CRM_LEDGER_IS_LOT); a debit names one; a release
 * names one but moves nothing. */

/* The lots of customer ?1 available at instant ?2 with points left, FIFO:
 * the soonest expiry first, the lots that never expire last, then the oldest. */
static const char draw_lots_sql[] =
	"SELECT c.entry_id, " CRM_LEDGER_LOT_LEFT("c", "1") " AS rem "
	"FROM loyalty_entries c WHERE c.customer_id = ?1 AND " CRM_LEDGER_IS_LOT("c") " "
	"AND coalesce(c.available_at, c.at) <= ?2 "
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
		rc = crm_db_fail(db, N_("loyalty lots"));
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
			rc = crm_db_fail(db, N_("loyalty draw"));
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
		rc = crm_db_fail(db, N_("loyalty figures"));
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
		return -crm_db_fail(it->db, N_("loyalty figures"));
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

/* ---- redeem and adjust ------------------------------------------------------------ */

/* 1 when customer_id is in customers, 0 when not, -1 on failure (reported,
 * its code in *rc). */
static int customer_known(struct crm_db *db, const char *customer_id, int *rc)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT count(*) FROM customers WHERE customer_id = ?1");
	long long n = 0;

	if (st)
		crm_bind_static(st, 1, customer_id);
	if ((*rc = crm_db_one_int(db, st, N_("customers"), &n)) != CRM_OK)
		return -1;
	return n > 0;
}

/* Draw m->points (> 0) of m's kind inside the open transaction, all or
 * nothing: CRM_OK, or CRM_LEDGER_ESHORT with *available. */
static int draw_all(struct crm_db *db, const struct crm_ledger_move *m, const char *kind,
		    int64_t points, int64_t *available)
{
	struct crm_ledger_debit d = { m->customer_id, kind, m->at, m->order_id, m->reason, 0 };
	int64_t taken;
	int rc = crm_ledger_draw(db, &d, points, &taken);

	if (rc != CRM_OK)
		return rc;
	*available = taken;
	return taken < points ? CRM_LEDGER_ESHORT : CRM_OK;
}

/* BEGIN IMMEDIATE and know the customer: CRM_OK inside the transaction,
 * else out of it with the exit code. */
static int move_begin(struct crm_db *db, const struct crm_ledger_move *m)
{
	int rc = crm_db_begin_write(db), known;

	if (rc != CRM_OK)
		return rc;
	known = customer_known(db, m->customer_id, &rc);
	if (known <= 0) {
		crm_db_rollback(db);
		return known < 0 ? rc : CRM_LEDGER_EUNKNOWN;
	}
	return CRM_OK;
}

/* Commit when rc is CRM_OK, else roll back; the outcome. */
static int move_end(struct crm_db *db, int rc)
{
	if (rc == CRM_OK)
		return crm_db_commit(db);
	crm_db_rollback(db);
	return rc;
}

int crm_ledger_redeem(struct crm_db *db, const struct crm_ledger_move *m, int64_t *available)
{
	int rc = move_begin(db, m);

	*available = 0;
	if (rc != CRM_OK)
		return rc;
	return move_end(db, draw_all(db, m, "redeem", m->points, available));
}

/* The expiry of a lot credited at `at` under the program in force then
 * (loyalty_store.h), "" when none is or it never expires. */
static int lot_expiry(struct crm_db *db, const struct crm_tz *tz, const char *at,
		      char expires_at[CRM_TIME_LEN])
{
	struct crm_loyalty_versions vs;
	const struct crm_loyalty_version *v;
	const char *why = "";
	int rc;

	expires_at[0] = '\0';
	if ((rc = crm_loyalty_versions_load(db, &vs)) != CRM_OK)
		return rc;
	if ((v = crm_loyalty_version_at(&vs, at)) &&
	    crm_loyalty_expiry_at(&v->p, tz, at, expires_at, &why) < 0) {
		crm_error(_("%s: expiry of a lot at %s: %s"), db->path, at, why);
		rc = CRM_EDATA;
	}
	crm_loyalty_versions_free(&vs);
	return rc;
}

static int credit(struct crm_db *db, const struct crm_tz *tz, const struct crm_ledger_move *m,
		  char expires_at[CRM_TIME_LEN])
{
	sqlite3_stmt *st;
	int rc = lot_expiry(db, tz, m->at, expires_at);

	if (rc != CRM_OK)
		return rc;
	st = crm_db_prepare(db, "INSERT INTO loyalty_entries(customer_id, kind, points, at, reason, "
			    "available_at, expires_at) VALUES (?1, 'adjust', ?2, ?3, ?4, ?3, ?5)");
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, m->customer_id);
	sqlite3_bind_int64(st, 2, m->points);
	crm_bind_static(st, 3, m->at);
	crm_bind_static(st, 4, m->reason);
	crm_bind_static(st, 5, expires_at);
	rc = sqlite3_step(st) == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("loyalty adjust"));
	sqlite3_finalize(st);
	return rc;
}

int crm_ledger_adjust(struct crm_db *db, const struct crm_tz *tz, const struct crm_ledger_move *m,
		      int64_t *available, char expires_at[CRM_TIME_LEN])
{
	int rc = move_begin(db, m);

	*available = 0;
	expires_at[0] = '\0';
	if (rc != CRM_OK)
		return rc;
	if (m->points > 0)
		rc = credit(db, tz, m, expires_at);
	else
		rc = draw_all(db, m, "adjust", -m->points, available);
	return move_end(db, rc);
}

/* ---- check ------------------------------------------------------------------------ */

/* A canonical UTC time: the pattern, and a real instant SQLite prints back. */
#define CANON(X) "(" X " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:" \
	"[0-9][0-9]Z' AND strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(" X "), 'unixepoch') IS " X ")"
/* A debit d on its credit c, both before :d1. */
#define ON_LOT "FROM loyalty_entries d JOIN loyalty_entries c ON c.entry_id = d.lot AND " \
	"c.customer_id = d.customer_id AND " CRM_LEDGER_IS_LOT("c") " WHERE d.at < :d1 AND "

/* The rules: each query gives customer_id, entry_id, detail, ordered. */
static const struct rule {
	const char *name, *sql;
} rules[] = {
	{ N_("time not canonical"),
	  "SELECT customer_id, entry_id, 'at ' || quote(at) || ', available_at ' || "
	  "quote(available_at) || ', expires_at ' || quote(expires_at) FROM loyalty_entries "
	  "WHERE NOT " CANON("at") " OR (available_at IS NOT NULL AND NOT " CANON("available_at")
	  ") OR (expires_at IS NOT NULL AND NOT " CANON("expires_at") ") ORDER BY 1, 2" },
	{ N_("shape"),
	  "SELECT customer_id, entry_id, kind || ' of ' || points || ' points, ' || "
	  "CASE WHEN lot IS NULL THEN 'no lot' ELSE 'lot ' || lot END || "
	  "CASE WHEN kind = 'bonus' AND reason IS NULL THEN ', no reason' ELSE '' END || "
	  "CASE WHEN lot IS NULL AND points > 0 AND available_at IS NULL THEN ', no available_at' "
	  "ELSE '' END FROM loyalty_entries WHERE at < :d1 AND NOT ("
	  "(kind IN ('earn', 'bonus') AND lot IS NULL AND points > 0 AND available_at IS NOT NULL "
	  "AND (kind = 'earn' OR reason IS NOT NULL)) OR "
	  "(kind = 'adjust' AND points > 0 AND lot IS NULL AND available_at IS NOT NULL) OR "
	  "(kind = 'adjust' AND points < 0 AND lot IS NOT NULL) OR "
	  "(kind IN ('redeem', 'expire', 'reverse') AND points < 0 AND lot IS NOT NULL) OR "
	  "(kind = 'reverse' AND points = 0 AND lot IS NULL AND order_id IS NOT NULL AND "
	  "(shortfall > 0 OR basis IS NOT NULL)) OR "
	  "(kind = 'release' AND points > 0 AND lot IS NOT NULL)) ORDER BY 1, 2" },
	{ N_("not on a lot of its customer"),
	  "SELECT d.customer_id, d.entry_id, d.kind || ' on entry ' || d.lot || CASE WHEN "
	  "c.entry_id IS NULL THEN ', which is no lot' ELSE ', a lot of customer ' || "
	  "c.customer_id END FROM loyalty_entries d LEFT JOIN loyalty_entries c ON c.entry_id = "
	  "d.lot AND " CRM_LEDGER_IS_LOT("c") " WHERE d.lot IS NOT NULL AND d.at < :d1 AND "
	  "(c.entry_id IS NULL OR c.customer_id IS NOT d.customer_id) ORDER BY 1, 2" },
	{ N_("negative remainder"),
	  "SELECT c.customer_id, c.entry_id, 'lot of ' || c.points || ' points holds ' || "
	  "(c.points + sum(d.points)) " ON_LOT "d.kind <> 'release' AND c.at < :d1 "
	  "GROUP BY c.entry_id HAVING c.points + sum(d.points) < 0 ORDER BY 1, 2" },
	{ N_("drawn before available"),
	  "SELECT d.customer_id, d.entry_id, d.kind || ' at ' || d.at || ' on lot ' || c.entry_id || "
	  "' available at ' || c.available_at " ON_LOT "d.points < 0 AND d.at < c.available_at "
	  "AND NOT (d.kind = 'reverse' AND d.order_id IS c.order_id AND c.kind = 'earn') "
	  "ORDER BY 1, 2" },
	{ N_("drawn after expiry"),
	  "SELECT d.customer_id, d.entry_id, d.kind || ' at ' || d.at || ' on lot ' || c.entry_id || "
	  "' expired at ' || c.expires_at " ON_LOT "d.points < 0 AND d.kind <> 'expire' AND "
	  "c.expires_at IS NOT NULL AND d.at >= c.expires_at ORDER BY 1, 2" },
	{ N_("expire not at expiry"),
	  "SELECT d.customer_id, d.entry_id, 'expire at ' || d.at || ' on lot ' || c.entry_id || "
	  "' expiring ' || coalesce(c.expires_at, 'never') " ON_LOT "d.kind = 'expire' AND "
	  "d.at IS NOT c.expires_at ORDER BY 1, 2" },
	{ N_("bonus twice"),
	  "SELECT customer_id, max(entry_id), 'bonus ' || quote(reason) || ' granted ' || count(*) || "
	  "' times' FROM loyalty_entries WHERE kind = 'bonus' AND at < :d1 GROUP BY customer_id, "
	  "reason HAVING count(*) > 1 ORDER BY 1, 2" },
	{ N_("release does not match its lot"),
	  "SELECT d.customer_id, d.entry_id, 'release of ' || d.points || ' at ' || d.at || "
	  "' on lot ' || c.entry_id || ' of ' || c.points || ' available at ' || c.available_at || "
	  "CASE WHEN (SELECT count(*) FROM loyalty_entries r WHERE r.lot = c.entry_id AND r.kind = "
	  "'release') > 1 THEN ', released twice' ELSE '' END " ON_LOT "d.kind = 'release' AND "
	  "(d.points <> c.points OR d.at IS NOT c.available_at OR (SELECT count(*) FROM "
	  "loyalty_entries r WHERE r.lot = c.entry_id AND r.kind = 'release') > 1) ORDER BY 1, 2" },
};

static void violation(FILE *out, const char *customer, const char *entry, const char *rule,
		      const char *detail, struct crm_ledger_check *c)
{
	fputs(_("customer "), out);
	crm_fputs_escaped(customer ? customer : _("(none)"), out);
	fprintf(out, _(", entry %s: %s: "), entry, crm_tr(rule));
	crm_fputs_escaped(detail ? detail : "", out);
	fputc('\n', out);
	c->violations++;
}

static int check_rule(struct crm_db *db, const struct rule *r, const char *d1, FILE *out,
		      struct crm_ledger_check *c)
{
	sqlite3_stmt *st = crm_db_prepare(db, r->sql);
	int i = 0, rc;

	if (!st)
		return crm_db_last_status(db);
	if ((i = sqlite3_bind_parameter_index(st, ":d1")) > 0)
		crm_bind_static(st, i, d1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		violation(out, (const char *)sqlite3_column_text(st, 0),
			  (const char *)sqlite3_column_text(st, 1), r->name,
			  (const char *)sqlite3_column_text(st, 2), c);
	rc = rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, r->name);
	sqlite3_finalize(st);
	return rc;
}

/* The balance equation of every customer, from the one definition. */
static int check_equation(struct crm_db *db, const struct crm_tz *tz, const char *d1, FILE *out,
			  struct crm_ledger_check *c)
{
	struct crm_ledger_iter *it = crm_ledger_figures_open(db, d1);
	struct crm_ledger_figures f;
	const char *id;
	char detail[512];
	int rc;

	if (!it)
		return crm_db_last_status(db);
	while ((rc = crm_ledger_figures_next(it, tz, &id, &f)) == 1) {
		c->customers++;
		if (f.earned + f.bonus + f.adjusted ==
		    f.available + f.pending + f.redeemed + f.expired + f.reversed)
			continue;
		snprintf(detail, sizeof detail, _("earned %lld + bonus %lld + adjusted %lld != "
			 "available %lld + pending %lld + redeemed %lld + expired %lld + reversed %lld"),
			 (long long)f.earned, (long long)f.bonus, (long long)f.adjusted,
			 (long long)f.available, (long long)f.pending, (long long)f.redeemed,
			 (long long)f.expired, (long long)f.reversed);
		violation(out, id, "-", N_("balance equation"), detail, c);
	}
	crm_ledger_figures_close(it);
	return rc < 0 ? -rc : CRM_OK;
}

int crm_ledger_check(struct crm_db *db, const struct crm_tz *tz, const char *d1, FILE *out,
		     struct crm_ledger_check *c)
{
	sqlite3_stmt *st;
	long long n = 0;
	size_t i;
	int rc;

	memset(c, 0, sizeof *c);
	if ((rc = check_equation(db, tz, d1, out, c)) != CRM_OK)
		return rc;
	for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if ((rc = check_rule(db, &rules[i], d1, out, c)) != CRM_OK)
			return rc;
	st = crm_db_prepare(db, "SELECT count(*) FROM loyalty_entries WHERE at < ?1");
	if (st)
		crm_bind_static(st, 1, d1);
	rc = crm_db_one_int(db, st, N_("loyalty_entries"), &n);
	c->entries = n;
	return rc;
}
