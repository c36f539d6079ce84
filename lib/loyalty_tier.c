/* loyalty_tier.c - crm-loyalty's tiers and birthday bonus; see loyalty_tier.h. */
#include "i18n.h"
#include "loyalty_tier.h"

#include <stdlib.h>
#include <string.h>

#include "coupon.h"
#include "diag.h"

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The first instant of local day `day` in tz; CRM_OK or CRM_EUSAGE, reported. */
static int day_start(const struct crm_tz *tz, int64_t day, char out[CRM_TIME_LEN])
{
	char date[CRM_DATE_LEN];
	const char *why = "";
	if (crm_day_start(tz, day, out, &why) == 0)
		return CRM_OK;
	crm_day_date(day, date);
	crm_error(_("%s: the day's first instant %s"), date, why);
	return CRM_EUSAGE;
}

/* ---- the ledger's shared pieces ------------------------------------------------------ */

/* ---- tiers: the figures of every customer in one pass ---------------------------------- */

/* Spend and orders over window ?I (its first instant): columns 6 + 2w, 7 + 2w. */
#define WINDOW(i) ", sum(CASE WHEN ordered_at >= ?" #i " THEN amount ELSE 0 END), " \
	"sum(ordered_at >= ?" #i " AND amount >= 0)"

static const char figures_sql[] =
	"WITH f AS (SELECT customer_id AS id" WINDOW(1) WINDOW(2) WINDOW(3) WINDOW(4) WINDOW(5)
	WINDOW(6) WINDOW(7) WINDOW(8) " FROM orders WHERE ordered_at < ?9 AND status = 'paid' "
	"AND currency = ?10 AND customer_id IS NOT NULL GROUP BY customer_id), "
	"ids AS (SELECT id FROM f UNION SELECT customer_id FROM loyalty_tiers) "
	"SELECT ids.id, c.email, c.name, t.tier, t.last_qualified, t.customer_id IS NOT NULL, "
	"f.* FROM ids LEFT JOIN f ON f.id = ids.id LEFT JOIN loyalty_tiers t ON "
	"t.customer_id = ids.id LEFT JOIN customers c ON c.customer_id = ids.id ORDER BY ids.id";

enum { F_ID, F_EMAIL, F_NAME, F_TIER, F_LAST, F_ROW, F_FIRST = 7 };

struct eval {
	struct crm_db *db;
	const struct crm_tiers_req *rq;
	struct crm_loyalty_program p;
	int64_t version;
	char date[CRM_DATE_LEN];
	char start[CRM_TIME_LEN];                      /* DATE's first instant */
	sqlite3_stmt *keep;                             /* into the temporary table (save) */
	struct crm_tier_moves *out;
};

static int figures_stmt(struct eval *e, sqlite3_stmt **out)
{
	char first[CRM_TIME_LEN];
	sqlite3_stmt *st = crm_db_prepare(e->db, figures_sql);
	int rc;
	*out = NULL;
	if (!st)
		return crm_db_last_status(e->db);
	for (int w = 0; w < CRM_LOYALTY_WINDOWS; w++) {
		if (w >= e->p.nwindows) {
			sqlite3_bind_text(st, w + 1, CRM_TIME_END, -1, SQLITE_STATIC);
			continue;
		}
		int64_t day = crm_loyalty_window_first(&e->p.window[w], e->rq->day);
		if ((rc = day_start(e->rq->tz, day, first)) != CRM_OK) {
			sqlite3_finalize(st);
			return rc;
		}
		sqlite3_bind_text(st, w + 1, first, -1, SQLITE_TRANSIENT);
	}
	crm_bind_static(st, 9, e->rq->end);
	crm_bind_static(st, 10, e->p.currency);
	*out = st;
	return CRM_OK;
}

static void read_figures(sqlite3_stmt *st, struct crm_loyalty_figures *f)
{
	for (int w = 0; w < CRM_LOYALTY_WINDOWS; w++) {
		f->spend[w] = sqlite3_column_int64(st, F_FIRST + 2 * w);
		f->orders[w] = sqlite3_column_int64(st, F_FIRST + 2 * w + 1);
	}
}

static void add_move(struct crm_tier_moves *out, sqlite3_stmt *st, const char *to,
		     const struct crm_loyalty_move *m)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->v = crm_xrealloc(out->v, out->cap * sizeof *out->v);
	}
	struct crm_tier_moved *v = &out->v[out->n++];
	v->customer_id = crm_xstrdup(col_text(st, F_ID));
	v->email = crm_xstrdup_or_null(col_text(st, F_EMAIL));
	v->name = crm_xstrdup_or_null(col_text(st, F_NAME));
	v->from = crm_xstrdup_or_null(col_text(st, F_TIER));
	v->to = crm_xstrdup_or_null(to);
	v->change = m->change;
	memcpy(v->why, m->why, sizeof v->why);
	out->up += m->change == CRM_LOYALTY_UP;
	out->down += m->change == CRM_LOYALTY_DOWN;
	out->held += m->change == CRM_LOYALTY_HELD;
}

/* The row of a customer to save: their tier now, whether they moved and
 * whether they qualify for it. */
static int keep_row(struct eval *e, sqlite3_stmt *st, const char *to,
		    const struct crm_loyalty_move *m)
{
	sqlite3_stmt *k = e->keep;
	int moved = m->change == CRM_LOYALTY_UP || m->change == CRM_LOYALTY_DOWN;
	if (!to && !sqlite3_column_int(st, F_ROW))
		return CRM_OK;                  /* no tier, none held: nothing to keep */
	sqlite3_reset(k);
	crm_bind_static(k, 1, col_text(st, F_ID));
	crm_bind_static(k, 2, col_text(st, F_TIER));
	crm_bind_static(k, 3, to);
	sqlite3_bind_int(k, 4, moved);
	sqlite3_bind_int(k, 5, m->qualified >= m->to);
	crm_bind_static(k, 6, m->why);
	if (sqlite3_step(k) != SQLITE_DONE)
		return crm_db_fail(e->db, N_("keep a tier evaluation"));
	return CRM_OK;
}

/* Evaluate the customer of the current row. */
static int evaluate_row(struct eval *e, sqlite3_stmt *st)
{
	struct crm_loyalty_figures f;
	struct crm_loyalty_move m;
	const char *held = col_text(st, F_TIER), *last = col_text(st, F_LAST);
	int current = held ? crm_loyalty_tier_find(&e->p, held) : -1;
	int64_t last_day = CRM_DAY_FIRST;
	if (last && crm_date_day(last, &last_day) < 0)
		last_day = CRM_DAY_FIRST;
	read_figures(st, &f);
	crm_loyalty_evaluate(&e->p, &f, current, last_day, e->rq->day, &m);
	if (held && current < 0 && m.to < 0) {          /* a tier the program has no more */
		m.change = CRM_LOYALTY_DOWN;
		snprintf(m.why, sizeof m.why, _("not a tier of program version %lld"),
			 (long long)e->version);
	}
	const char *to = m.to >= 0 ? e->p.tier[m.to].name : NULL;
	e->out->evaluated++;
	if (m.change != CRM_LOYALTY_STAY)
		add_move(e->out, st, to, &m);
	return e->keep ? keep_row(e, st, to, &m) : CRM_OK;
}

static int evaluate_all(struct eval *e)
{
	sqlite3_stmt *st;
	int rc = figures_stmt(e, &st), step = SQLITE_DONE;
	if (rc != CRM_OK)
		return rc;
	while (rc == CRM_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = evaluate_row(e, st);
	if (rc == CRM_OK && step != SQLITE_DONE)
		rc = crm_db_fail(e->db, N_("evaluate the tiers"));
	sqlite3_finalize(st);
	return rc;
}

/* ---- tiers: saving ------------------------------------------------------------------- */

static int keep_begin(struct eval *e)
{
	int rc = crm_db_exec(e->db, "DROP TABLE IF EXISTS temp.loyalty_tier_eval; "
			     "CREATE TEMP TABLE loyalty_tier_eval (customer_id TEXT PRIMARY KEY, "
			     "from_tier TEXT, to_tier TEXT, moved INTEGER, qualified INTEGER, "
			     "why TEXT)");
	if (rc != CRM_OK)
		return rc;
	e->keep = crm_db_prepare(e->db, "INSERT INTO temp.loyalty_tier_eval VALUES "
				 "(?1, ?2, ?3, ?4, ?5, ?6)");
	return e->keep ? CRM_OK : crm_db_last_status(e->db);
}

/* Run stmt (bound ?1 = DATE's day or first instant, ?2 = the run) once. */
static int write_step(struct eval *e, const char *sql, const char *what, const char *first)
{
	sqlite3_stmt *st = crm_db_prepare(e->db, sql);
	int rc;
	if (!st)
		return crm_db_last_status(e->db);
	crm_bind_static(st, 1, first);
	sqlite3_bind_int64(st, 2, e->out->run_id);
	rc = sqlite3_step(st) == SQLITE_DONE ? CRM_OK : crm_db_fail(e->db, what);
	sqlite3_finalize(st);
	return rc;
}

static int save(struct eval *e)
{
	int rc = write_step(e, "INSERT INTO loyalty_tier_moves (customer_id, effective_at, "
				"from_tier, to_tier, why, run_id) SELECT customer_id, ?1, from_tier, "
				"to_tier, why, ?2 FROM temp.loyalty_tier_eval WHERE moved "
				"ORDER BY customer_id", N_("save the tier moves"), e->start);
	if (rc == CRM_OK)
		rc = write_step(e, "INSERT INTO loyalty_tiers (customer_id, tier, since, "
				"last_qualified) SELECT customer_id, to_tier, ?1, CASE WHEN qualified "
				"THEN ?1 END FROM temp.loyalty_tier_eval WHERE ?2 = ?2 ORDER BY "
				"customer_id ON CONFLICT (customer_id) DO UPDATE SET tier = "
				"excluded.tier, since = CASE WHEN tier IS excluded.tier THEN since "
				"ELSE excluded.since END, last_qualified = "
				"coalesce(excluded.last_qualified, last_qualified)",
				N_("save the tiers held"), e->date);
	if (rc == CRM_OK)
		rc = crm_db_exec(e->db, "DROP TABLE temp.loyalty_tier_eval");
	return rc;
}

static int tiers_begin(struct eval *e)
{
	const struct crm_tiers_req *rq = e->rq;
	int rc;
	crm_day_date(rq->day, e->date);
	if ((rc = day_start(rq->tz, rq->day, e->start)) != CRM_OK)
		return rc;
	rc = rq->save ? crm_db_begin_write(e->db) : crm_db_begin(e->db);
	if (rc == CRM_OK && rq->save)
		rc = crm_loyalty_run_begin(e->db, "tiers", e->date, rq->now, &e->out->run_id);
	if (rc == CRM_OK)
		rc = crm_loyalty_program_in_force(e->db, "tiers", rq->end, &e->p, &e->version);
	if (rc == CRM_OK && rq->save)
		rc = keep_begin(e);
	return rc;
}

int crm_tiers_evaluate(struct crm_db *db, const struct crm_tiers_req *rq,
		       struct crm_tier_moves *out)
{
	struct eval e;
	int rc;
	memset(&e, 0, sizeof e);
	memset(out, 0, sizeof *out);
	e.db = db;
	e.rq = rq;
	e.out = out;
	rc = tiers_begin(&e);
	if (rc == CRM_OK)
		rc = evaluate_all(&e);
	sqlite3_finalize(e.keep);
	if (rc == CRM_OK && rq->save)
		rc = save(&e);
	if (rc == CRM_OK)
		rc = rq->save ? crm_db_commit(db) : (crm_db_rollback(db), CRM_OK);
	else
		crm_db_rollback(db);
	return rc;
}

void crm_tier_moves_release(struct crm_tier_moves *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].customer_id);
		free(m->v[i].email);
		free(m->v[i].name);
		free(m->v[i].from);
		free(m->v[i].to);
	}
	free(m->v);
	memset(m, 0, sizeof *m);
}

const char *crm_tier_change_name(enum crm_loyalty_change c)
{
	switch (c) {
	case CRM_LOYALTY_UP: return "up";
	case CRM_LOYALTY_DOWN: return "down";
	case CRM_LOYALTY_HELD: return "held";
	default: return "stay";
	}
}

static const struct crm_table_col move_cols[] = {
	{N_("customer_id"), CRM_T_PLAIN}, {N_("email"), CRM_T_TEXT}, {N_("name"), CRM_T_TEXT},
	{N_("old"), CRM_T_TEXT}, {N_("new"), CRM_T_TEXT}, {N_("change"), CRM_T_PLAIN},
	{N_("why"), CRM_T_TEXT},
};

void crm_tier_moves_write(const struct crm_tier_moves *m, FILE *fp, enum crm_format f,
			  char delim)
{
	struct crm_table *t = crm_table_begin(fp, f, delim, move_cols,
					      (int)(sizeof move_cols / sizeof move_cols[0]));
	for (size_t i = 0; i < m->n; i++) {
		const struct crm_tier_moved *v = &m->v[i];
		crm_table_cell(t, v->customer_id);
		crm_table_cell(t, v->email);
		crm_table_cell(t, v->name);
		crm_table_cell(t, v->from);
		crm_table_cell(t, v->to);
		crm_table_cell(t, crm_tier_change_name(v->change));
		crm_table_cell(t, v->why);
	}
	crm_table_finish(t);
	crm_table_free(t);
}

/* ---- members and moves ------------------------------------------------------------------ */

static struct crm_tier_count *count_of(struct crm_tier_counts *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			return &c->v[i];
	c->v = crm_xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	struct crm_tier_count *n = &c->v[c->n++];
	memset(n, 0, sizeof *n);
	snprintf(n->name, sizeof n->name, "%s", name);
	n->rank = -1;
	return n;
}

static int rank_of(const struct crm_loyalty_program *p, const char *name)
{
	return p && name ? crm_loyalty_tier_find(p, name) : -1;
}

static void count_move(struct crm_tier_counts *c, const struct crm_loyalty_program *p,
		       const char *from, const char *to, int64_t n)
{
	int a = rank_of(p, from), b = rank_of(p, to);
	int up = !from ? 1 : !to ? 0 : a >= 0 && b > a;
	int down = !to ? 1 : !from ? 0 : b >= 0 && a > b;
	c->moves += n;
	c->ups += up ? n : 0;
	c->downs += down ? n : 0;
	if (to) {
		count_of(c, to)->in += n;
		count_of(c, to)->up += up ? n : 0;
	}
	if (from) {
		count_of(c, from)->out += n;
		count_of(c, from)->down += down ? n : 0;
	}
}

static int count_cmp(const void *a, const void *b)
{
	const struct crm_tier_count *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < 0 ? 1 : y->rank < 0 ? -1 : x->rank - y->rank;
	return strcmp(x->name, y->name);
}

static int count_rows(struct crm_db *db, sqlite3_stmt *st, struct crm_tier_counts *c,
		      const struct crm_loyalty_program *p, int members)
{
	int rc;
	if (!st)
		return crm_db_last_status(db);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, 2);
		if (members)
			count_of(c, col_text(st, 0))->members += n;
		else
			count_move(c, p, col_text(st, 0), col_text(st, 1), n);
	}
	rc = rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("count the tiers' members and moves"));
	sqlite3_finalize(st);
	return rc;
}

int crm_tier_counts(struct crm_db *db, const struct crm_loyalty_program *p, const char *from,
		    const char *end, struct crm_tier_counts *out)
{
	sqlite3_stmt *st;
	int rc;
	memset(out, 0, sizeof *out);
	for (int i = 0; p && i < p->ntiers; i++)
		count_of(out, p->tier[i].name);
	st = crm_db_prepare(db, "SELECT to_tier, NULL, count(*) FROM (SELECT to_tier, "
			    "row_number() OVER (PARTITION BY customer_id ORDER BY effective_at DESC, "
			    "move_id DESC) AS k FROM loyalty_tier_moves WHERE effective_at < ?1) "
			    "WHERE k = 1 AND to_tier IS NOT NULL GROUP BY to_tier");
	if (st)
		crm_bind_static(st, 1, end);
	rc = count_rows(db, st, out, p, 1);
	if (rc != CRM_OK)
		return rc;
	st = crm_db_prepare(db, "SELECT from_tier, to_tier, count(*) FROM loyalty_tier_moves "
			    "WHERE effective_at >= ?1 AND effective_at < ?2 GROUP BY 1, 2");
	if (st) {
		sqlite3_bind_text(st, 1, from ? from : "", -1, SQLITE_STATIC);   /* "" sorts first */
		crm_bind_static(st, 2, end);
	}
	if ((rc = count_rows(db, st, out, p, 0)) != CRM_OK)
		return rc;
	for (size_t i = 0; i < out->n; i++)
		out->v[i].rank = rank_of(p, out->v[i].name);
	if (out->n)          /* no tier yet (a period before any run): v is NULL */
		qsort(out->v, out->n, sizeof *out->v, count_cmp);
	return CRM_OK;
}

void crm_tier_counts_release(struct crm_tier_counts *c)
{
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* ---- birthday ------------------------------------------------------------------------- */

/* crm_birthday_month(TEXT): the month of a birthday (coupon.h), or NULL. */
static void birthday_month_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	int m = crm_coupon_birthday_month((const char *)sqlite3_value_text(argv[0]));
	(void)argc;
	if (m > 0)
		sqlite3_result_int(cx, m);
	else
		sqlite3_result_null(cx);
}

struct bday {
	struct crm_db *db;
	const struct crm_birthday_req *rq;
	struct crm_birthday_sum *sum;
	char date[CRM_DATE_LEN], reason[32];
	char expires[CRM_TIME_LEN];
	struct crm_loyalty_program p;
	int64_t version;
};

static int grant_terms(struct bday *b)
{
	const char *why = "";
	int rc = crm_loyalty_program_in_force(b->db, "birthday", b->rq->end, &b->p, &b->version);
	if (rc != CRM_OK)
		return rc;
	if (b->p.birthday <= 0) {
		crm_error(_("birthday: program version %lld gives no birthday points (birthday = 0)"),
			  (long long)b->version);
		return CRM_EDATA;
	}
	if (crm_loyalty_expiry_at(&b->p, b->rq->tz, b->rq->at, b->expires, &why) < 0) {
		crm_error(_("birthday: the expiry of points granted at %s %s"), b->rq->at, why);
		return CRM_EUSAGE;
	}
	return CRM_OK;
}

static int grant(struct bday *b)
{
	sqlite3_stmt *st;
	int rc = crm_db_begin_write(b->db);
	if (rc == CRM_OK)
		rc = crm_loyalty_run_begin(b->db, "birthday", b->date, b->rq->now, &b->sum->run_id);
	if (rc == CRM_OK)
		rc = grant_terms(b);
	if (rc != CRM_OK) {
		crm_db_rollback(b->db);
		return rc;
	}
	st = crm_db_prepare(b->db, "INSERT OR IGNORE INTO loyalty_entries (customer_id, kind, "
			    "points, at, reason, program, available_at, expires_at, run_id) "
			    "SELECT customer_id, 'bonus', ?1, ?2, ?3, ?4, ?2, ?5, ?6 FROM customers "
			    "WHERE crm_birthday_month(birthday) = ?7 ORDER BY customer_id");
	if (!st) {
		crm_db_rollback(b->db);
		return crm_db_last_status(b->db);
	}
	sqlite3_bind_int64(st, 1, b->p.birthday);
	crm_bind_static(st, 2, b->rq->at);
	crm_bind_static(st, 3, b->reason);
	sqlite3_bind_int64(st, 4, b->version);
	crm_bind_static(st, 5, b->expires);
	sqlite3_bind_int64(st, 6, b->sum->run_id);
	sqlite3_bind_int(st, 7, b->rq->month);
	rc = sqlite3_step(st) == SQLITE_DONE ? CRM_OK : crm_db_fail(b->db, N_("grant birthday points"));
	sqlite3_finalize(st);
	b->sum->granted = sqlite3_changes(b->db->h);
	b->sum->points = b->p.birthday;
	if (rc == CRM_OK)
		return crm_db_commit(b->db);
	crm_db_rollback(b->db);
	return rc;
}

static const struct crm_table_col birthday_cols[] = {
	{N_("customer_id"), CRM_T_PLAIN}, {N_("email"), CRM_T_TEXT}, {N_("name"), CRM_T_TEXT},
	{N_("birthday"), CRM_T_PLAIN}, {N_("granted"), CRM_T_BOOL},
};

static int list(struct bday *b, struct crm_table *t)
{
	sqlite3_stmt *st = crm_db_prepare(b->db, "SELECT customer_id, email, name, birthday, "
					  "EXISTS (SELECT 1 FROM loyalty_entries e WHERE "
					  "e.customer_id = c.customer_id AND e.kind = 'bonus' AND "
					  "e.reason = ?1) FROM customers c WHERE "
					  "crm_birthday_month(birthday) = ?2 ORDER BY customer_id");
	int rc;
	if (!st)
		return crm_db_last_status(b->db);
	crm_bind_static(st, 1, b->reason);
	sqlite3_bind_int(st, 2, b->rq->month);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < 4; i++)
			crm_table_cell(t, col_text(st, i));
		crm_table_cell(t, sqlite3_column_int(st, 4) ? "1" : "0");
		b->sum->customers++;
	}
	rc = rc == SQLITE_DONE ? CRM_OK : crm_db_fail(b->db, N_("list the birthdays"));
	sqlite3_finalize(st);
	return rc;
}

int crm_birthday_run(struct crm_db *db, const struct crm_birthday_req *rq, FILE *fp,
		     enum crm_format f, char delim, struct crm_birthday_sum *sum)
{
	struct bday b;
	struct crm_table *t;
	int rc;
	memset(&b, 0, sizeof b);
	memset(sum, 0, sizeof *sum);
	b.db = db;
	b.rq = rq;
	b.sum = sum;
	sum->year = crm_loyalty_birthday_year(rq->month, rq->day);
	snprintf(b.reason, sizeof b.reason, "birthday %d", sum->year);
	crm_day_date(rq->day, b.date);
	if (sqlite3_create_function(db->h, "crm_birthday_month", 1,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, birthday_month_fn,
				    NULL, NULL) != SQLITE_OK)
		return crm_db_fail(db, N_("register crm_birthday_month"));
	if (rq->grant && (rc = grant(&b)) != CRM_OK)
		return rc;
	if ((rc = crm_db_begin(db)) != CRM_OK)
		return rc;
	t = crm_table_begin(fp, f, delim, birthday_cols,
			    (int)(sizeof birthday_cols / sizeof birthday_cols[0]));
	rc = list(&b, t);
	crm_table_finish(t);
	crm_table_free(t);
	crm_db_rollback(db);
	return rc;
}
