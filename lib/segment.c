/* segment.c - segment schemes and saved runs; see segment.h. */
#include "i18n.h"
#include "segment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "diag.h"

/* ---- schemes ---------------------------------------------------------------------- */

/* The R x F grid as rectangles; the tests prove they tile the 25 cells. */
static const struct cell {
	const char *name;
	int r_lo, r_hi, f_lo, f_hi;
} grid[] = {
	{"Champions", 5, 5, 4, 5},
	{"Loyal", 3, 4, 4, 5},
	{"Potential Loyalists", 4, 5, 2, 3},
	{"New", 5, 5, 1, 1},
	{"Promising", 4, 4, 1, 1},
	{"Need Attention", 3, 3, 3, 3},
	{"About to Sleep", 3, 3, 1, 2},
	{"At Risk", 1, 2, 3, 4},
	{"Can't Lose", 1, 2, 5, 5},
	{"Hibernating", 1, 2, 1, 2},
};
#define NGRID ((int)(sizeof grid / sizeof grid[0]))

static const char *grid_names[NGRID];
static const char *life_names[] = {"New", "Regular", "VIP", "At Risk", "Lost"};
enum { L_NEW, L_REGULAR, L_VIP, L_RISK, L_LOST };

static int grid_index(int r, int f)
{
	int i;
	for (i = 0; i < NGRID; i++)
		if (r >= grid[i].r_lo && r <= grid[i].r_hi && f >= grid[i].f_lo && f <= grid[i].f_hi)
			return i;
	return -1;
}

int crm_grid_claims(int r, int f)
{
	int i, n = 0;
	for (i = 0; i < NGRID; i++)
		n += r >= grid[i].r_lo && r <= grid[i].r_hi && f >= grid[i].f_lo && f <= grid[i].f_hi;
	return n;
}

const char *crm_grid_segment(int r, int f)
{
	int i = grid_index(r, f);
	return i < 0 ? NULL : grid[i].name;
}

void crm_scheme_rfm(struct crm_scheme *s)
{
	int i;
	for (i = 0; i < NGRID; i++)
		grid_names[i] = grid[i].name;
	memset(s, 0, sizeof *s);
	s->kind = CRM_SCHEME_RFM;
	s->n = NGRID;
	s->names = grid_names;
}

void crm_scheme_lifecycle(struct crm_scheme *s, const struct crm_lifecycle *l)
{
	memset(s, 0, sizeof *s);
	s->kind = CRM_SCHEME_LIFECYCLE;
	s->life = *l;
	s->n = 5;
	s->names = life_names;
}

void crm_scheme_rules(struct crm_scheme *s, const struct crm_rules *rules)
{
	int i, n = crm_rules_nsegments(rules);
	memset(s, 0, sizeof *s);
	s->kind = CRM_SCHEME_RULES;
	s->rules = rules;
	s->names = crm_xmalloc((size_t)(n + 1) * sizeof *s->names);
	for (i = 0; i < n; i++)
		s->names[i] = crm_rules_segment(rules, i);
	s->n = n;
	/* a rules file may name its catch-all "Other" itself */
	if (crm_segment_find(s, "Other") < 0)
		s->names[s->n++] = "Other";
}

void crm_scheme_release(struct crm_scheme *s)
{
	if (s->kind == CRM_SCHEME_RULES)
		free(s->names);
	s->names = NULL;
}

const char *crm_scheme_label(const struct crm_scheme *s)
{
	return s->kind == CRM_SCHEME_RFM ? "rfm" : s->kind == CRM_SCHEME_LIFECYCLE ? "lifecycle" :
	       "rules";
}

static int lifecycle_of(const struct crm_lifecycle *l, const struct crm_rfm_entry *e)
{
	if (e->recency > l->lost_days)
		return L_LOST;
	if (e->recency > l->risk_days)
		return L_RISK;
	if (e->tenure <= l->new_days)
		return L_NEW;
	if (e->frequency >= l->vip_orders || (l->vip_spend >= 0 && e->monetary >= l->vip_spend))
		return L_VIP;
	return L_REGULAR;
}

static int rules_of(const struct crm_scheme *s, const struct crm_rfm_entry *e)
{
	struct crm_rule_vals v;
	int i;
	v.v[CRM_RV_RECENCY] = e->recency;
	v.v[CRM_RV_FREQUENCY] = e->frequency;
	v.v[CRM_RV_MONETARY] = e->monetary;
	v.v[CRM_RV_R] = e->score[CRM_FIG_R];
	v.v[CRM_RV_F] = e->score[CRM_FIG_F];
	v.v[CRM_RV_M] = e->score[CRM_FIG_M];
	v.v[CRM_RV_TENURE] = e->tenure;
	i = crm_rules_match(s->rules, &v);
	return i >= 0 ? i : crm_segment_find(s, "Other");
}

int crm_segment_of(const struct crm_scheme *s, const struct crm_rfm_entry *e)
{
	switch (s->kind) {
	case CRM_SCHEME_RFM:
		return grid_index(e->score[CRM_FIG_R], e->score[CRM_FIG_F]);
	case CRM_SCHEME_LIFECYCLE:
		return lifecycle_of(&s->life, e);
	default:
		return rules_of(s, e);
	}
}

/* The built-in segments' Korean labels, written here rather than taken from
 * the catalogue: a label given as --segment means its segment whatever the
 * locale and whether or not the catalogue is installed. */
static const struct label {
	const char *name, *ko;
} labels[] = {
	{"Champions", "최우수고객"}, {"Loyal", "충성고객"}, {"Potential Loyalists", "잠재충성고객"},
	{"New", "신규고객"}, {"Promising", "유망고객"}, {"Need Attention", "관심필요"},
	{"About to Sleep", "휴면임박"}, {"At Risk", "이탈위험"}, {"Can't Lose", "놓치면안될고객"},
	{"Hibernating", "휴면고객"}, {"Regular", "일반고객"}, {"VIP", "VIP고객"},
	{"Lost", "이탈고객"}, {"Other", "기타"},
};
#define NLABEL ((int)(sizeof labels / sizeof labels[0]))

const char *crm_segment_label(const char *name)
{
	int i;
	if (strcmp(crm_lang(), "ko"))
		return name;
	for (i = 0; i < NLABEL; i++)
		if (!strcmp(labels[i].name, name))
			return labels[i].ko;
	return name;
}

const char *crm_segment_name(const char *arg)
{
	int i;
	for (i = 0; i < NLABEL; i++)
		if (!strcmp(labels[i].ko, arg))
			return labels[i].name;
	return arg;
}

int crm_segment_find(const struct crm_scheme *s, const char *name)
{
	int i;
	name = crm_segment_name(name);
	for (i = 0; i < s->n; i++)
		if (!strcasecmp(s->names[i], name))
			return i;
	return -1;
}

void crm_segment_list(const struct crm_scheme *s, char *out, size_t size)
{
	size_t o = 0;
	int i;
	out[0] = '\0';
	for (i = 0; i < s->n && o + 1 < size; i++) {
		const char *label = crm_segment_label(s->names[i]);
		if (label == s->names[i])
			o += (size_t)snprintf(out + o, size - o, "%s'%s'", i ? ", " : "", label);
		else
			o += (size_t)snprintf(out + o, size - o, "%s'%s' (%s)", i ? ", " : "",
					      s->names[i], label);
	}
}

/* ---- saving ------------------------------------------------------------------------ */

struct crm_run {
	struct crm_db *db;
	sqlite3_stmt *add;
	long long id, customers;
	int failed;
};

static void utc_now(char out[CRM_TIME_LEN])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, CRM_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct crm_run *crm_run_begin(struct crm_db *db, const struct crm_rfm *r,
			      const struct crm_scheme *s)
{
	struct crm_run *run = crm_xcalloc(1, sizeof *run);
	sqlite3_stmt *st;
	char now[CRM_TIME_LEN];
	run->db = db;
	utc_now(now);
	st = crm_db_prepare(db, "INSERT INTO segment_runs(saved_at, as_of, scheme, currency, "
			    "customers) VALUES (?1, ?2, ?3, ?4, 0)");
	run->add = crm_db_prepare(db, "INSERT INTO segment_members VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
	if (st && run->add) {
		crm_bind_static(st, 1, now);
		crm_bind_static(st, 2, r->as_of_date);
		crm_bind_static(st, 3, crm_scheme_label(s));
		sqlite3_bind_text(st, 4, r->currency, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE) {
			run->id = sqlite3_last_insert_rowid(db->h);
			sqlite3_finalize(st);
			return run;
		}
		crm_db_fail(db, N_("save the segment run"));
	}
	sqlite3_finalize(st);
	sqlite3_finalize(run->add);
	free(run);
	return NULL;
}

int crm_run_add(struct crm_run *run, const char *customer_id, const struct crm_rfm_entry *e,
		const char *segment)
{
	sqlite3_stmt *st = run->add;
	int rc;
	sqlite3_bind_int64(st, 1, run->id);
	crm_bind_static(st, 2, customer_id);
	crm_bind_static(st, 3, segment);
	sqlite3_bind_int(st, 4, e->recency);
	sqlite3_bind_int(st, 5, e->frequency);
	sqlite3_bind_int64(st, 6, e->monetary);
	sqlite3_bind_int(st, 7, e->score[CRM_FIG_R]);
	sqlite3_bind_int(st, 8, e->score[CRM_FIG_F]);
	sqlite3_bind_int(st, 9, e->score[CRM_FIG_M]);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		run->failed = 1;
		return crm_db_fail(run->db, N_("save a segment member"));
	}
	run->customers++;
	return CRM_OK;
}

/* The run's flows from the run before it (segment.h). */
static int save_flows(struct crm_run *run)
{
	sqlite3_stmt *st = crm_db_prepare(run->db, CRM_FLOWS_SQL("s.run_id = ?1"));
	int rc;
	if (!st)
		return crm_db_last_status(run->db);
	sqlite3_bind_int64(st, 1, run->id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(run->db, N_("save the segment moves"));
}

long long crm_run_finish(struct crm_run *run)
{
	long long id = -1;
	sqlite3_stmt *st;
	if (!run->failed &&
	    (st = crm_db_prepare(run->db, "UPDATE segment_runs SET customers=?1 WHERE run_id=?2"))) {
		sqlite3_bind_int64(st, 1, run->customers);
		sqlite3_bind_int64(st, 2, run->id);
		if (sqlite3_step(st) == SQLITE_DONE)
			id = run->id;
		else
			crm_db_fail(run->db, N_("save the segment run"));
		sqlite3_finalize(st);
	}
	if (id >= 0 && save_flows(run) != CRM_OK)
		id = -1;
	return id;
}

void crm_run_free(struct crm_run *run)
{
	if (!run)
		return;
	sqlite3_finalize(run->add);
	free(run);
}

/* ---- reading runs ------------------------------------------------------------------ */

int crm_run_latest(struct crm_db *db, int n, long long *ids, char (*as_of)[16])
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT run_id, as_of FROM segment_runs "
					  "ORDER BY run_id DESC LIMIT ?1");
	int got = 0, rc;
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && got < n) {
		ids[got] = sqlite3_column_int64(st, 0);
		if (as_of)
			snprintf(as_of[got], sizeof as_of[got], "%s",
				 (const char *)sqlite3_column_text(st, 1));
		got++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		crm_db_fail(db, N_("read segment runs"));
		return -1;
	}
	return got;
}

int crm_run_last_two(struct crm_db *db, long long *older, long long *newer)
{
	long long id[2];
	int n = crm_run_latest(db, 2, id, NULL);
	if (n < 0)
		return crm_db_last_status(db);
	if (n < 2) {
		if (n)
			crm_error(_("%s: only one saved segment run; save runs with --save to "
				    "compare them"), db->path);
		else
			crm_error(_("%s: no saved segment runs; save runs with --save to compare "
				    "them"), db->path);
		return CRM_EDATA;
	}
	*newer = id[0];
	*older = id[1];
	return CRM_OK;
}

int crm_run_exists(struct crm_db *db, long long id)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT 1 FROM segment_runs WHERE run_id=?1");
	int rc;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		crm_db_fail(db, N_("read segment runs"));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Members of ?1 against ?2, then those of ?2 only. */
#define MOVES_SQL(COLS_OLD, COLS_NEW, GROUP) \
	"SELECT " COLS_OLD " FROM segment_members a LEFT JOIN segment_members b " \
	"ON b.run_id = ?2 AND b.customer_id = a.customer_id " \
	"LEFT JOIN customers c ON c.customer_id = a.customer_id " \
	"WHERE a.run_id = ?1 AND b.segment IS NOT a.segment " GROUP \
	" UNION ALL SELECT " COLS_NEW " FROM segment_members b " \
	"LEFT JOIN customers c ON c.customer_id = b.customer_id " \
	"WHERE b.run_id = ?2 AND NOT EXISTS (SELECT 1 FROM segment_members a " \
	"WHERE a.run_id = ?1 AND a.customer_id = b.customer_id) " GROUP

static sqlite3_stmt *runs_stmt(struct crm_db *db, const char *sql, long long older,
			       long long newer)
{
	sqlite3_stmt *st = crm_db_prepare(db, sql);
	if (st) {
		sqlite3_bind_int64(st, 1, older);
		sqlite3_bind_int64(st, 2, newer);
	}
	return st;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The caller's callback and context, behind one row function. */
struct visit {
	int (*row)(sqlite3_stmt *st, const struct visit *v);
	void *fn, *ctx;
};

/* Step a statement to its end, one visit per row; a nonzero visit stops. */
static int each_row(struct crm_db *db, sqlite3_stmt *st, const struct visit *v, const char *what)
{
	int rc = SQLITE_DONE, stop = 0;
	if (!st)
		return crm_db_last_status(db);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = v->row(st, v);
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, what);
}

static int move_row(sqlite3_stmt *st, const struct visit *v)
{
	return ((crm_move_fn *)v->fn)(col(st, 0), col(st, 1), sqlite3_column_int64(st, 2), v->ctx);
}

static int mover_row(sqlite3_stmt *st, const struct visit *v)
{
	return ((crm_mover_fn *)v->fn)(col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
				       v->ctx);
}

static int run_row(sqlite3_stmt *st, const struct visit *v)
{
	return ((crm_runrow_fn *)v->fn)(sqlite3_column_int64(st, 0), col(st, 1), col(st, 2),
					col(st, 3), col(st, 4), sqlite3_column_int64(st, 5), v->ctx);
}

int crm_run_moves(struct crm_db *db, long long older, long long newer, crm_move_fn *fn,
		  void *ctx)
{
	struct visit v = {move_row, (void *)fn, ctx};
	return each_row(db, runs_stmt(db, MOVES_SQL(
		"a.segment, coalesce(b.segment, '(gone)'), count(*)",
		"'(new)', b.segment, count(*)", "GROUP BY 1, 2") " ORDER BY 3 DESC, 1, 2",
		older, newer), &v, N_("compare segment runs"));
}

int crm_run_movers(struct crm_db *db, long long older, long long newer, crm_mover_fn *fn,
		   void *ctx)
{
	struct visit v = {mover_row, (void *)fn, ctx};
	return each_row(db, runs_stmt(db, MOVES_SQL(
		"a.customer_id, c.email, c.name, a.segment, coalesce(b.segment, '(gone)')",
		"b.customer_id, c.email, c.name, '(new)', b.segment", "") " ORDER BY 1",
		older, newer), &v, N_("compare segment runs"));
}

int crm_run_flows(struct crm_db *db, long long run, crm_flow_fn *fn, void *ctx)
{
	struct visit v = {move_row, (void *)fn, ctx};
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT from_segment, to_segment, customers FROM "
					  "segment_flows WHERE run_id = ?1 ORDER BY 3 DESC, 1, 2");
	if (st)
		sqlite3_bind_int64(st, 1, run);
	return each_row(db, st, &v, N_("read a segment run"));
}

int crm_run_list(struct crm_db *db, crm_runrow_fn *fn, void *ctx)
{
	struct visit v = {run_row, (void *)fn, ctx};
	return each_row(db, crm_db_prepare(db, "SELECT run_id, saved_at, as_of, scheme, currency, "
					   "customers FROM segment_runs ORDER BY run_id"),
			&v, N_("list segment runs"));
}
