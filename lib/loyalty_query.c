/* loyalty_query.c - balance, expiring, statement and stats of the loyalty
 * ledger; see loyalty_query.h. */
#include "i18n.h"
#include "loyalty_query.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "ledger.h"

#define DAY_SECS 86400

/* ---- days and times --------------------------------------------------------------- */

/* D1 of a day (ledger.h): the first instant of the day after it in tz;
 * CRM_OK or CRM_EUSAGE, reported. */
static int day_end(const struct crm_tz *tz, int64_t day, char d1[CRM_TIME_LEN])
{
	const char *why;
	char date[CRM_DATE_LEN];
	if (crm_ledger_day_end(tz, day, d1, &why) == CRM_OK)
		return CRM_OK;
	crm_day_date(day + 1, date);
	crm_error(_("%s: the local midnight %s"), date, why);
	return CRM_EUSAGE;
}

/* D1: the first instant of the day after the as-of day. */
static int as_of_end(const struct crm_loyalty_query *q, char d1[CRM_TIME_LEN])
{
	return day_end(q->tz, q->as_of, d1);
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
 * CRM_LEDGER_EUNKNOWN (reported) or a database failure's code. */
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
		return crm_db_fail(db, N_("the customer"));
	if (ledger)
		return CRM_OK;
	if (known)
		crm_error(_("customer %s has no ledger entries"), crm_quote(customer, buf, sizeof buf));
	else
		crm_error(_("no customer %s"), crm_quote(customer, buf, sizeof buf));
	return CRM_LEDGER_EUNKNOWN;
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
	crm_table_int(s->t, s->balance);
}

int crm_loyalty_statement(struct crm_db *db, const struct crm_loyalty_query *q, FILE *out)
{
	static const char sql[] = "SELECT entry_id, at, kind, points, lot, order_id, reason, "
		"shortfall FROM loyalty_entries WHERE customer_id = ?1 AND at < ?2 ORDER BY entry_id";
	static const struct crm_table_col cols[] = {
		{N_("entry_id"), CRM_T_NUM}, {N_("at"), CRM_T_PLAIN}, {N_("kind"), CRM_T_PLAIN},
		{N_("points"), CRM_T_NUM}, {N_("lot"), CRM_T_NUM}, {N_("order_id"), CRM_T_TEXT},
		{N_("reason"), CRM_T_TEXT}, {N_("shortfall"), CRM_T_NUM},
		{N_("balance"), CRM_T_NUM},
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
	rc = each_row(db, st, N_("statement"), statement_row, &s);
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

/* Write the pending row (write 0: drop it, after a failure). */
static void expiring_flush(struct expiring *e, int write)
{
	if (!e->id)
		return;
	if (write) {
		crm_table_cell(e->t, e->id);
		crm_table_cell(e->t, e->email);
		crm_table_cell(e->t, e->name);
		crm_table_day(e->t, e->day);
		crm_table_int(e->t, e->points);
	}
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
	expiring_flush(e, 1);
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
		"sum(" CRM_LEDGER_LOT_LEFT("l", "d.at < ?1") ") AS left "
		"FROM loyalty_entries l LEFT JOIN customers c ON c.customer_id = l.customer_id "
		"WHERE " CRM_LEDGER_IS_LOT("l") " AND l.at < ?1 AND l.expires_at >= ?1 AND "
		"l.expires_at < ?2 AND (?3 = 0 OR c.marketing_opt_in = 1) "
		"GROUP BY l.customer_id, l.expires_at HAVING left > 0 "
		"ORDER BY l.expires_at, l.customer_id";
	static const struct crm_table_col cols[] = {
		{N_("customer_id"), CRM_T_TEXT}, {N_("email"), CRM_T_TEXT},
		{N_("name"), CRM_T_TEXT},
		{N_("expiry_date"), CRM_T_PLAIN}, {N_("points"), CRM_T_NUM},
	};
	struct expiring e;
	char d1[CRM_TIME_LEN], until[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;
	memset(&e, 0, sizeof e);
	e.tz = q->tz;
	if ((rc = as_of_end(q, d1)) != CRM_OK ||
	    (rc = day_end(q->tz, q->as_of + q->within, until)) != CRM_OK)
		return rc;
	if (!(st = crm_db_prepare(db, sql)))
		return crm_db_last_status(db);
	crm_bind_static(st, 1, d1);
	crm_bind_static(st, 2, until);
	sqlite3_bind_int(st, 3, q->opted_in);
	e.t = crm_table_begin(out, q->format, q->delim, cols, (int)(sizeof cols / sizeof cols[0]));
	rc = each_row(db, st, N_("expiring"), expiring_row, &e);
	expiring_flush(&e, rc == CRM_OK);
	if (rc == CRM_OK)
		crm_table_finish(e.t);
	crm_table_free(e.t);
	return rc;
}

/* ---- the program ---------------------------------------------------------------------- */

/* The program in force at instants before `end` into *p, *found 1; *found
 * 0, silently, when no version was in force yet. */
static int program_before(struct crm_db *db, const char *end, struct crm_loyalty_program *p,
			  int *found)
{
	struct crm_loyalty_versions vs;
	const struct crm_loyalty_version *v;
	int rc = crm_loyalty_versions_load(db, &vs);
	memset(p, 0, sizeof *p);
	*found = 0;
	if (rc != CRM_OK)
		return rc;
	if ((v = crm_loyalty_version_before(&vs, end))) {
		*p = v->p;
		*found = 1;
	}
	crm_loyalty_versions_free(&vs);
	return CRM_OK;
}

int crm_loyalty_has_program(struct crm_db *db, int *yes)
{
	long long n = 0;
	int rc = crm_db_one_int(db, crm_db_prepare(db, "SELECT EXISTS (SELECT 1 FROM "
						      "loyalty_programs)"), N_("the program"), &n);
	*yes = n != 0;
	return rc;
}

/* --tier NAME: one of the program's tiers (in any ASCII case): its own
 * name into out; else a usage error naming the tiers there are. */
static int tier_name(struct crm_db *db, const char *d1, const char *tier,
		     char out[CRM_LOYALTY_NAME_MAX + 1])
{
	struct crm_loyalty_program p;
	char list[CRM_LOYALTY_TIERS * (CRM_LOYALTY_NAME_MAX + 2) + 8] = "", buf[96];
	int rc, found, i;
	if ((rc = program_before(db, d1, &p, &found)) != CRM_OK)
		return rc;
	if (found && (i = crm_loyalty_tier_find(&p, tier)) >= 0) {
		memcpy(out, p.tier[i].name, sizeof p.tier[i].name);
		return CRM_OK;
	}
	for (i = 0; i < p.ntiers; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
			 p.tier[i].name);
	crm_quote(tier, buf, sizeof buf);
	if (!found)
		return crm_usage_error(_("--tier %s: no loyalty program is in force"), buf);
	if (!p.ntiers)
		return crm_usage_error(_("--tier %s: the program has no tiers"), buf);
	return crm_usage_error(_("--tier %s: the program's tiers are %s"), buf, list);
}

/* ---- balance ------------------------------------------------------------------------- */

#define BALANCE_SQL(WHO) "SELECT f.*, c.email, c.name, t.tier FROM (" \
	CRM_LEDGER_FIGURES_SQL(WHO) ") f LEFT JOIN customers c ON c.customer_id = " \
	"f.customer_id LEFT JOIN loyalty_tiers t ON t.customer_id = f.customer_id " \
	"WHERE (:opted = 0 OR c.marketing_opt_in = 1) AND (:tier IS NULL OR t.tier = :tier) " \
	"ORDER BY f.customer_id"

/* A row of BALANCE_SQL: the figures' columns, then email, name, tier. */
static void balance_row(struct crm_table *t, sqlite3_stmt *st, const struct crm_tz *tz)
{
	struct crm_ledger_figures f;
	int i;
	crm_ledger_figures_row(st, 0, tz, &f);
	const int64_t fig[] = {f.available, f.pending, f.earned, f.bonus, f.adjusted,
		f.redeemed, f.expired, f.reversed, f.shortfall};
	crm_table_cell(t, col_text(st, 0));
	for (i = 0; i < 3; i++)
		crm_table_cell(t, col_text(st, CRM_LEDGER_FIGURES_COLS + i));
	for (i = 0; i < (int)(sizeof fig / sizeof fig[0]); i++)
		crm_table_int(t, fig[i]);
	if (f.next_expiry_day == CRM_LOYALTY_NEVER)
		crm_table_cell(t, NULL);
	else
		crm_table_day(t, f.next_expiry_day);
	crm_table_int(t, f.next_expiry_points);
}

int crm_loyalty_balance(struct crm_db *db, const struct crm_loyalty_query *q, FILE *out)
{
	static const struct crm_table_col cols[] = {
		{N_("customer_id"), CRM_T_TEXT}, {N_("email"), CRM_T_TEXT},
		{N_("name"), CRM_T_TEXT},
		{N_("tier"), CRM_T_TEXT}, {N_("available"), CRM_T_NUM}, {N_("pending"), CRM_T_NUM},
		{N_("earned"), CRM_T_NUM}, {N_("bonus"), CRM_T_NUM}, {N_("adjusted"), CRM_T_NUM},
		{N_("redeemed"), CRM_T_NUM}, {N_("expired"), CRM_T_NUM},
		{N_("reversed"), CRM_T_NUM},
		{N_("shortfall"), CRM_T_NUM}, {N_("next_expiry_date"), CRM_T_PLAIN},
		{N_("next_expiry_points"), CRM_T_NUM},
	};
	char d1[CRM_TIME_LEN], tier[CRM_LOYALTY_NAME_MAX + 1];
	struct crm_table *t;
	sqlite3_stmt *st;
	int rc;
	if ((rc = as_of_end(q, d1)) != CRM_OK ||
	    (q->customer && (rc = known_customer(db, q->customer, d1)) != CRM_OK) ||
	    (q->tier && (rc = tier_name(db, d1, q->tier, tier)) != CRM_OK))
		return rc;
	st = crm_db_prepare(db, q->customer ? BALANCE_SQL("customer_id = :customer")
			    : BALANCE_SQL("1"));
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, sqlite3_bind_parameter_index(st, ":d1"), d1);
	if (q->customer)
		crm_bind_static(st, sqlite3_bind_parameter_index(st, ":customer"), q->customer);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":opted"), q->opted_in);
	if (q->tier)
		crm_bind_static(st, sqlite3_bind_parameter_index(st, ":tier"), tier);
	t = crm_table_begin(out, q->format, q->delim, cols, (int)(sizeof cols / sizeof cols[0]));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		balance_row(t, st, q->tz);
	sqlite3_finalize(st);
	rc = rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("balance"));
	if (rc == CRM_OK)
		crm_table_finish(t);
	crm_table_free(t);
	return rc;
}

/* ---- stats ---------------------------------------------------------------------------- */

/* Every customer's figures as of d1, summed: the ledger's figures, set-wise. */
static int totals(struct crm_db *db, const char *d1, struct crm_ledger_figures *f)
{
	static const char sql[] = "WITH f(customer_id, earned, bonus, adjusted, available, "
		"pending, redeemed, expired, reversed, shortfall, next_at, next_points) AS ("
		CRM_LEDGER_FIGURES_SQL("1") ") SELECT '', coalesce(sum(earned), 0), "
		"coalesce(sum(bonus), 0), coalesce(sum(adjusted), 0), coalesce(sum(available), 0), "
		"coalesce(sum(pending), 0), coalesce(sum(redeemed), 0), coalesce(sum(expired), 0), "
		"coalesce(sum(reversed), 0), coalesce(sum(shortfall), 0), '', 0 FROM f";
	sqlite3_stmt *st = crm_db_prepare(db, sql);
	int rc;
	memset(f, 0, sizeof *f);
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, sqlite3_bind_parameter_index(st, ":d1"), d1);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		crm_ledger_figures_row(st, 0, NULL, f);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? CRM_OK : crm_db_fail(db, N_("the loyalty figures"));
}

/* Liability in money and tiers, by the program in force at `end`. */
static int stats_program(struct crm_db *db, const char *start, const char *end,
			 struct crm_loyalty_stats *s)
{
	struct crm_loyalty_program p;
	int rc;
	if ((rc = program_before(db, end, &p, &s->has_program)) != CRM_OK)
		return rc;
	if (s->has_program) {
		memcpy(s->currency, p.currency, sizeof s->currency);
		s->has_money = p.point_value != 0 &&
			crm_loyalty_points_money(&p, s->liability, &s->liability_money) == 0;
	}
	return crm_tier_counts(db, s->has_program ? &p : NULL, start, end, &s->tiers);
}

/* The ledger's totals at instants, each instant's read once. */
struct totals_memo {
	int n;
	char at[2 * CRM_LOYALTY_STATS_MAX][CRM_TIME_LEN];
	struct crm_ledger_figures f[2 * CRM_LOYALTY_STATS_MAX];
};

static int totals_at(struct crm_db *db, struct totals_memo *m, const char *at,
		     struct crm_ledger_figures *f)
{
	int i, rc;
	for (i = 0; i < m->n; i++)
		if (!strcmp(m->at[i], at)) {
			*f = m->f[i];
			return CRM_OK;
		}
	if ((rc = totals(db, at, f)) == CRM_OK && m->n < 2 * CRM_LOYALTY_STATS_MAX) {
		memcpy(m->at[m->n], at, CRM_TIME_LEN);
		m->f[m->n++] = *f;
	}
	return rc;
}

/* One period's figures: totals b at its end less totals a at its start. */
static void stats_flows(const struct crm_ledger_figures *a, const struct crm_ledger_figures *b,
			struct crm_loyalty_stats *s)
{
	s->earned = b->earned - a->earned;
	s->bonus = b->bonus - a->bonus;
	s->adjusted = b->adjusted - a->adjusted;
	s->redeemed = b->redeemed - a->redeemed;
	s->expired = b->expired - a->expired;
	s->reversed = b->reversed - a->reversed;
	s->shortfall = b->shortfall - a->shortfall;
	s->liability = b->available + b->pending;
	if (s->expired + s->redeemed > 0) {
		s->has_breakage = 1;
		s->breakage = 100.0 * (double)s->expired / (double)(s->expired + s->redeemed);
	}
}

int crm_loyalty_stats(struct crm_db *db, const struct crm_tz *tz, int n, const int64_t *from,
		      const int64_t *to, struct crm_loyalty_stats *s)
{
	struct totals_memo *m = crm_xcalloc(1, sizeof *m);
	struct crm_ledger_figures a, b;
	char start[CRM_TIME_LEN], end[CRM_TIME_LEN];
	int i, rc = CRM_OK;
	memset(s, 0, (size_t)n * sizeof *s);
	for (i = 0; i < n && i < CRM_LOYALTY_STATS_MAX && rc == CRM_OK; i++) {
		/* a period after the as-of day: nothing happened in it */
		int64_t last = to[i] < from[i] ? from[i] - 1 : to[i];
		if ((rc = day_end(tz, from[i] - 1, start)) == CRM_OK &&
		    (rc = day_end(tz, last, end)) == CRM_OK &&
		    (rc = totals_at(db, m, start, &a)) == CRM_OK &&
		    (rc = totals_at(db, m, end, &b)) == CRM_OK) {
			stats_flows(&a, &b, &s[i]);
			rc = stats_program(db, start, end, &s[i]);
		}
	}
	free(m);
	return rc;
}

void crm_loyalty_stats_release(struct crm_loyalty_stats *s)
{
	crm_tier_counts_release(&s->tiers);
}

/* One row of the stats table: figure, tier, value, unit. */
static void stat_row(struct crm_table *t, const char *figure, const char *tier,
		     const char *value, const char *unit)
{
	crm_table_cell(t, figure);
	crm_table_cell(t, tier);
	crm_table_cell(t, value);
	crm_table_cell(t, unit);
}

static void stat_int(struct crm_table *t, const char *figure, const char *tier, int64_t v,
		     const char *unit)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRId64, v);
	stat_row(t, figure, tier, buf, unit);
}

static void stats_rows(struct crm_table *t, const struct crm_loyalty_stats *s)
{
	const char *names[] = {"earned", "bonus", "adjusted", "redeemed", "expired", "reversed",
		"shortfall", "liability_points"};
	const int64_t v[] = {s->earned, s->bonus, s->adjusted, s->redeemed, s->expired,
		s->reversed, s->shortfall, s->liability};
	char buf[64];
	size_t i;
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		stat_int(t, names[i], NULL, v[i], "points");
	if (s->has_money)
		crm_format_money(s->liability_money, s->currency, buf, sizeof buf);
	stat_row(t, "liability_money", NULL, s->has_money ? buf : "not given",
		 s->has_money ? s->currency : NULL);
	snprintf(buf, sizeof buf, "%.1f", s->breakage);
	stat_row(t, "breakage_rate", NULL, s->has_breakage ? buf : NULL, "percent");
	for (i = 0; i < s->tiers.n; i++)
		stat_int(t, "members", s->tiers.v[i].name, s->tiers.v[i].members, "customers");
	stat_int(t, "moves", NULL, s->tiers.moves, "moves");
	stat_int(t, "moves_up", NULL, s->tiers.ups, "moves");
	stat_int(t, "moves_down", NULL, s->tiers.downs, "moves");
	for (i = 0; i < s->tiers.n; i++) {
		stat_int(t, "moves_in", s->tiers.v[i].name, s->tiers.v[i].in, "moves");
		stat_int(t, "moves_out", s->tiers.v[i].name, s->tiers.v[i].out, "moves");
	}
}

int crm_loyalty_stats_write(struct crm_db *db, const struct crm_loyalty_query *q, FILE *out)
{
	static const struct crm_table_col cols[] = {
		{N_("figure"), CRM_T_PLAIN}, {N_("tier"), CRM_T_TEXT}, {N_("value"), CRM_T_NUM},
		{N_("unit"), CRM_T_PLAIN},
	};
	struct crm_loyalty_stats s;
	struct crm_table *t;
	int64_t to = q->to < q->as_of ? q->to : q->as_of;
	int rc = crm_loyalty_stats(db, q->tz, 1, &q->from, &to, &s);
	if (rc == CRM_OK) {
		t = crm_table_begin(out, q->format, q->delim, cols, 4);
		stats_rows(t, &s);
		crm_table_finish(t);
		crm_table_free(t);
	}
	crm_loyalty_stats_release(&s);
	return rc;
}
