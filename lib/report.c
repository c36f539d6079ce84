/* report.c - the figures of the weekly report; see report.h. */
#include "report.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "coupon.h"
#include "diag.h"
#include "feedback.h"
#include "loyalty_query.h"
#include "nps.h"
#include "segment.h"
#include "service.h"
#include "stats.h"

#define WEEKS 12                        /* points of the weekly charts */
#define SWAP_TABLES(s) do { struct crm_report_table t_ = (s)->tables[0]; \
	(s)->tables[0] = (s)->tables[1]; (s)->tables[1] = t_; } while (0)
#define CUR 0
#define PREV 1

struct weeks;

struct ctx {
	struct crm_db *db;
	struct crm_db_twin *twin;           /* for the customers' count, or NULL */
	struct weeks *weeks;                /* the weekly revenue's weeks and twin */
	const struct crm_report_opts *o;
	struct crm_report *r;
	char from[2][CRM_TIME_LEN], to[2][CRM_TIME_LEN];   /* CUR, PREV bounds */
	char end[CRM_TIME_LEN];             /* the end of the as-of day */
};

/* ---- building blocks ------------------------------------------------------------ */

static struct crm_section *section(struct crm_report *r, const char *key, const char *title)
{
	struct crm_section *s = &r->sections[r->nsections++];
	memset(s, 0, sizeof *s);
	s->key = key;
	s->title = title;
	return s;
}

static struct crm_metric *metric(struct crm_section *s, const char *key, const char *label,
				 enum crm_unit unit)
{
	struct crm_metric *m = &s->metrics[s->nmetrics++];
	memset(m, 0, sizeof *m);
	m->key = key;
	m->label = label;
	m->unit = unit;
	return m;
}

/* A metric that counts things: customers, orders, points. */
static void count(struct crm_section *s, const char *key, const char *label,
		  enum crm_counter counter)
{
	metric(s, key, label, CRM_U_COUNT)->counter = counter;
}

/* The section's note, fmt's English for JSON and its translation for
 * people, alike but for the language. */
__attribute__((format(printf, 2, 3)))
static void note(struct crm_section *s, const char *fmt, ...)
{
	va_list a, b;
	va_start(a, fmt);
	va_copy(b, a);
	vsnprintf(s->note, sizeof s->note, fmt, a);
	vsnprintf(s->note_text, sizeof s->note_text, _(fmt), b);
	va_end(b);
	va_end(a);
}

static void set(struct crm_metric *m, int which, double v)
{
	if (which == CUR) {
		m->cur = v;
		m->has_cur = 1;
	} else {
		m->prev = v;
		m->has_prev = 1;
	}
}

static struct crm_report_table *table(struct crm_section *s, const char *key,
				      const char *title, const char *const *cols,
				      const int *right)
{
	struct crm_report_table *t = &s->tables[s->ntables++];
	memset(t, 0, sizeof *t);
	t->key = key;
	t->title = title;
	for (; cols[t->ncols]; t->ncols++) {
		t->cols[t->ncols] = cols[t->ncols];
		t->right[t->ncols] = right[t->ncols];
	}
	return t;
}

/* Append a row of t->ncols cells (copied). */
static void table_row(struct crm_report_table *t, const char *const *cells)
{
	int i;
	char **c = crm_xrealloc(t->cells, (size_t)(t->nrows + 1) * (size_t)t->ncols * sizeof *c);
	t->cells = c;
	for (i = 0; i < t->ncols; i++)
		c[t->nrows * t->ncols + i] = crm_xstrdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

static struct crm_chart *chart(struct crm_section *s, const char *key, const char *title,
			       enum crm_chart_kind kind, enum crm_unit unit)
{
	struct crm_chart *c = crm_xcalloc(1, sizeof *c);
	c->key = key;
	c->title = title;
	c->kind = kind;
	c->unit = unit;
	s->chart = c;
	return c;
}

/* A statement with text parameters ?1, ?2, ... (NULL ends the list). */
static sqlite3_stmt *query(struct ctx *c, const char *sql, const char *const *args)
{
	sqlite3_stmt *st = crm_db_prepare(c->db, sql);
	int i;
	for (i = 0; st && args[i]; i++)
		crm_bind_static(st, i + 1, args[i]);
	return st;
}

/* Step a prepared one-row query and finalize it; its columns as numbers
 * into v[0..n-1]. */
static int row_values(struct ctx *c, sqlite3_stmt *st, double *v, int n)
{
	int rc, i;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < n; i++)
			v[i] = sqlite3_column_double(st, i);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return CRM_OK;
	/* the one sum of money here */
	return crm_stats_overflowed(c->db) ? crm_stats_sum_fail(c->db, "revenue")
		: crm_db_fail(c->db, N_("report"));
}

/* Run a one-row query; its columns as numbers into v[0..n-1]. */
static int one_row(struct ctx *c, const char *sql, const char *const *args, double *v, int n)
{
	sqlite3_stmt *st = query(c, sql, args);
	if (!st)
		return crm_db_last_status(c->db);
	return row_values(c, st, v, n);
}

/* The UTC bounds of a period shifted by `days`. */
static int shifted(struct ctx *c, const struct crm_period *p, int64_t days,
		   char from[CRM_TIME_LEN], char to[CRM_TIME_LEN])
{
	struct crm_period q = *p;
	const char *why;
	q.from += days;
	q.to += days;
	if (crm_period_bounds(&q, c->o->tz, from, to, &why) < 0) {
		crm_error(_("the period's bounds: %s"), why);
		return CRM_EUSAGE;
	}
	return CRM_OK;
}

/* ---- customers and revenue ----------------------------------------------------------- */

#define COUNTING "(status = 'paid' OR status = 'pending')"

static int pick_currency(struct ctx *c)
{
	static const char sql[] = "SELECT currency FROM orders WHERE ordered_at >= ?1 AND "
		"ordered_at < ?2 AND " COUNTING " GROUP BY currency ORDER BY count(*) DESC, "
		"currency LIMIT 1";
	int i;
	for (i = CUR; i <= PREV && !c->r->currency[0]; i++) {
		const char *args[] = {c->from[i], c->to[i], NULL};
		sqlite3_stmt *st = query(c, sql, args);
		int rc;
		if (!st)
			return crm_db_last_status(c->db);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			snprintf(c->r->currency, sizeof c->r->currency, "%s",
				 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return crm_db_fail(c->db, N_("read orders"));
	}
	return CRM_OK;
}

/* The customers of both periods (activity.h); lost: their last order
 * before the period's end lies lost_days before a day of the period. */
static int customers_of(struct ctx *c, struct crm_section *s)
{
	const struct crm_period *p[2] = {&c->r->period, &c->r->prev};
	struct crm_activity_window w[2];
	struct crm_activity a[2];
	int i, rc;
	for (i = CUR; i <= PREV; i++) {
		if ((rc = shifted(c, p[i], -c->o->lost_days, w[i].lost_from, w[i].lost_to)) != CRM_OK)
			return rc;
		w[i].from = c->from[i];
		w[i].to = c->to[i];
	}
	if ((rc = crm_activity_count(c->db, &c->twin, c->r->currency, w, a)) != CRM_OK)
		return rc;
	for (i = CUR; i <= PREV; i++) {
		set(&s->metrics[0], i, (double)a[i].active);
		set(&s->metrics[1], i, (double)a[i].fresh);
		set(&s->metrics[2], i, (double)(a[i].active - a[i].fresh));
		if (a[i].active > 0)
			set(&s->metrics[3], i, 100.0 * (double)a[i].repeat / (double)a[i].active);
		set(&s->metrics[4], i, (double)a[i].lost);
	}
	return CRM_OK;
}

static int customers_section(struct ctx *c)
{
	struct crm_section *s = section(c->r, "customers", N_("Customers"));
	int rc;
	count(s, "active", N_("Active customers"), CRM_COUNT_PEOPLE);
	count(s, "new", N_("New customers"), CRM_COUNT_PEOPLE);
	count(s, "returning", N_("Returning customers"), CRM_COUNT_PEOPLE);
	metric(s, "repeat_rate", N_("Repeat-purchase rate"), CRM_U_PCT);
	count(s, "lost", N_("Lost customers"), CRM_COUNT_PEOPLE);
	if ((rc = customers_of(c, s)) != CRM_OK)
		return rc;
	/* TRANSLATORS: the customers section's note: who counts as lost */
	note(s, N_("lost: no order for %d days"), c->o->lost_days);
	return CRM_OK;
}

static const char revenue_sql[] = "SELECT count(*), coalesce(sum(amount), 0) FROM orders "
	"WHERE ordered_at >= ?1 AND ordered_at < ?2 AND " COUNTING " AND currency = ?3";

static int revenue_of(struct ctx *c, struct crm_section *s, int i)
{
	const char *args[] = {c->from[i], c->to[i], c->r->currency, NULL};
	double v[2] = {0, 0};
	int rc = one_row(c, revenue_sql, args, v, 2);
	if (rc != CRM_OK)
		return rc;
	set(&s->metrics[0], i, v[1]);
	set(&s->metrics[1], i, v[0]);
	if (v[0] > 0)
		set(&s->metrics[2], i, floor(v[1] / v[0] + 0.5));
	return CRM_OK;
}

/* Week k (0 .. WEEKS-1) of the charts, the last being the period's last
 * week: its UTC bounds, and its first day as the point's label.  A week
 * that runs past the period's end (a month's last) stops at it: no figure
 * of a period reads what came after it. */
static int chart_week(struct ctx *c, int k, char from[CRM_TIME_LEN], char to[CRM_TIME_LEN],
		      char label[CRM_CHART_LABEL])
{
	struct crm_period w = {crm_week_first(c->r->period.to - 1, 1) - 7 * (WEEKS - 1 - k), 0,
		CRM_PERIOD_WEEK, ""};
	int rc;
	w.to = w.from + 7;
	crm_day_date(w.from, label);
	if ((rc = shifted(c, &w, 0, from, to)) == CRM_OK && strcmp(to, c->to[CUR]) > 0)
		memcpy(to, c->to[CUR], CRM_TIME_LEN);
	return rc;
}

/* The period (CUR or PREV) whose bounds these are, or -1. */
static int period_with(const struct ctx *c, const char *from, const char *to)
{
	int i;
	for (i = CUR; i <= PREV; i++)
		if (!strcmp(from, c->from[i]) && !strcmp(to, c->to[i]))
			return i;
	return -1;
}

/* The weekly revenue of the weeks that are not one of the periods, summed
 * on a twin of its own and a thread while the customers are counted (the
 * report's two largest reads: 3.3M customers, 1.3M orders at 10M orders).
 * A week the twin could not sum, or a twin whose snapshot may not be db's,
 * is summed again on db. */
struct weeks {
	struct crm_db_twin twin;
	const char *currency;
	char from[WEEKS][CRM_TIME_LEN], to[WEEKS][CRM_TIME_LEN];
	char label[WEEKS][CRM_CHART_LABEL];
	int period[WEEKS];                  /* CUR, PREV, or -1 */
	double value[WEEKS];
	int rc, started, open;
	pthread_t thread;
};

static void *weeks_sum(void *arg)
{
	struct weeks *w = arg;
	sqlite3_stmt *st = NULL;
	int k, rc = sqlite3_prepare_v2(w->twin.db.h, revenue_sql, -1, &st, NULL);
	crm_thread_helps();
	if (rc == SQLITE_OK)
		crm_bind_static(st, 3, w->currency);
	for (k = 0; k < WEEKS && rc == SQLITE_OK; k++) {
		if (w->period[k] >= 0)
			continue;
		crm_bind_static(st, 1, w->from[k]);
		crm_bind_static(st, 2, w->to[k]);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			w->value[k] = sqlite3_column_double(st, 1);
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	w->rc = rc == SQLITE_OK ? CRM_OK : CRM_EIO;
	return NULL;
}

/* The weeks' bounds, and their sums begun on the twin's thread. */
static int weeks_start(struct ctx *c)
{
	struct weeks *w = c->weeks;
	int k, rc;
	w->currency = c->r->currency;
	for (k = 0; k < WEEKS; k++) {
		if ((rc = chart_week(c, k, w->from[k], w->to[k], w->label[k])) != CRM_OK)
			return rc;
		w->period[k] = period_with(c, w->from[k], w->to[k]);
	}
	w->rc = CRM_EIO;
	w->started = w->open && pthread_create(&w->thread, NULL, weeks_sum, w) == 0;
	return CRM_OK;
}

/* Wait for the weeks' thread and close their twin: 1 when its sums stand. */
static int weeks_end(struct weeks *w)
{
	int same, started = w->started;
	if (!w->open)
		return 0;
	if (started)
		pthread_join(w->thread, NULL);
	same = crm_db_twin_close(&w->twin);
	w->open = w->started = 0;
	return same && started && w->rc == CRM_OK;
}

/* Revenue of the WEEKS weeks that end with the period's last week; a week
 * that is one of the periods (a weekly report's last two) has its revenue
 * already in the section's first metric. */
static int weekly_revenue(struct ctx *c, struct crm_section *s)
{
	struct crm_chart *ch = chart(s, "weekly_revenue", N_("Weekly revenue"), CRM_CHART_COLUMNS,
				     CRM_U_MONEY);
	struct weeks *w = c->weeks;
	int k, i, rc, summed = weeks_end(w);
	ch->none = N_("no orders");
	for (k = 0; k < WEEKS; k++) {
		const char *args[] = {w->from[k], w->to[k], c->r->currency, NULL};
		double v[2] = {0, summed ? w->value[k] : 0};
		memcpy(ch->labels[k], w->label[k], sizeof ch->labels[k]);
		if ((i = w->period[k]) >= 0)
			v[1] = i == CUR ? s->metrics[0].cur : s->metrics[0].prev;
		else if (!summed && (rc = one_row(c, revenue_sql, args, v, 2)) != CRM_OK)
			return rc;
		ch->values[k] = v[1];
		ch->has[k] = 1;
	}
	ch->n = WEEKS;
	return CRM_OK;
}

static int revenue_section(struct ctx *c)
{
	struct crm_section *s = section(c->r, "revenue", N_("Revenue"));
	int rc;
	metric(s, "revenue", N_("Revenue"), CRM_U_MONEY);
	count(s, "orders", N_("Orders"), CRM_COUNT_CASES);
	metric(s, "aov", N_("Average order value"), CRM_U_MONEY);
	if ((rc = revenue_of(c, s, CUR)) != CRM_OK || (rc = revenue_of(c, s, PREV)) != CRM_OK)
		return rc;
	return weekly_revenue(c, s);
}

/* ---- segments ------------------------------------------------------------------------ */

/* The segments of the last saved run and where their customers came from,
 * from the flows counted when it was saved (segment.h). */
#define MAX_SEGMENTS 64
struct flows {
	struct crm_report_table *moves;
	char name[MAX_SEGMENTS][CRM_CHART_LABEL];   /* a saved run's names: whole */
	long long now[MAX_SEGMENTS], before[MAX_SEGMENTS], total;
	int n, left, had_before;
};

static int segment_slot(struct flows *f, const char *name)
{
	int i;
	for (i = 0; i < f->n; i++)
		if (!strcmp(f->name[i], name))
			return i;
	if (f->n == MAX_SEGMENTS)
		return -1;
	snprintf(f->name[f->n], sizeof f->name[0], "%s", name);
	return f->n++;
}

static int flow_row(const char *from, const char *to, long long n, void *ctx)
{
	struct flows *f = ctx;
	int i;
	if (strcmp(to, "(gone)") && (i = segment_slot(f, to)) >= 0) {
		f->now[i] += n;
		f->total += n;
	}
	if (strcmp(from, "(new)") && (i = segment_slot(f, from)) >= 0) {
		f->before[i] += n;
		f->had_before = 1;
	}
	if (f->moves && strcmp(from, to)) {
		char cnt[24];
		const char *cells[3] = {from, to, cnt};
		snprintf(cnt, sizeof cnt, "%lld", n);
		if (f->left-- > 0)
			table_row(f->moves, cells);
		else
			f->moves->more++;
	}
	return 0;
}

static void distribution(struct crm_section *s, struct flows *f)
{
	static const char *const cols[] = {N_("segment"), N_("customers"), N_("share"),
		N_("change"), NULL};
	static const int right[] = {0, 1, 1, 1};
	struct crm_report_table *t = table(s, "distribution", N_("Customers per segment"), cols,
					   right);
	struct crm_chart *ch = chart(s, "segment_bars", N_("Segments"), CRM_CHART_BARS, CRM_U_COUNT);
	int done[MAX_SEGMENTS] = {0}, k, i;
	for (k = 0; k < f->n; k++) {
		char cnt[24], pct[24], chg[32] = "";
		const char *cells[4] = {NULL, cnt, pct, chg};
		int best = -1;
		for (i = 0; i < f->n; i++)      /* most customers first, then by name */
			if (!done[i] && (best < 0 || f->now[i] > f->now[best] ||
					 (f->now[i] == f->now[best] && strcmp(f->name[i], f->name[best]) < 0)))
				best = i;
		done[best] = 1;
		t->show[0] = CRM_SHOW_NAME;
		if (!f->now[best])
			continue;                    /* a segment everybody left */
		cells[0] = f->name[best];
		snprintf(cnt, sizeof cnt, "%lld", f->now[best]);
		snprintf(pct, sizeof pct, "%.1f%%", 100.0 * (double)f->now[best] / (double)f->total);
		if (f->had_before)
			snprintf(chg, sizeof chg, f->now[best] == f->before[best] ? "%lld" : "%+lld",
				 f->now[best] - f->before[best]);
		table_row(t, cells);
		if (ch->n < CRM_CHART_POINTS) {
			snprintf(ch->labels[ch->n], sizeof ch->labels[0], "%s", f->name[best]);
			ch->values[ch->n] = (double)f->now[best];
			ch->has[ch->n++] = 1;
		}
	}
}

/* Which saved runs the section shows, with their as-of days. */
static void runs_note(struct crm_section *s, int n, const long long *id, char as_of[][16])
{
	char day[2][64];
	int i, ko = crm_l10n_ko();
	for (i = 0; i < n && i < 2; i++)
		crm_l10n_date_text(as_of[i], ko, day[i], sizeof day[i]);
	if (n > 1) {
		snprintf(s->note, sizeof s->note, "saved run %lld (as of %s) against run %lld "
			 "(as of %s)", id[0], as_of[0], id[1], as_of[1]);
		/* TRANSLATORS: the segments section's note: the two saved runs of
		 * crm-segment --save it compares, each with its as-of day */
		snprintf(s->note_text, sizeof s->note_text, _("saved run %lld (as of %s) against "
			 "run %lld (as of %s)"), id[0], day[0], id[1], day[1]);
	} else {
		snprintf(s->note, sizeof s->note, "saved run %lld (as of %s)", id[0], as_of[0]);
		snprintf(s->note_text, sizeof s->note_text, _("saved run %lld (as of %s)"), id[0],
			 day[0]);
	}
}

static int segments_section(struct ctx *c)
{
	static const char *const mcols[] = {N_("from"), N_("to"), N_("customers"), NULL};
	static const int mright[] = {0, 0, 1};
	long long id[2];
	char as_of[2][16];
	int n = crm_run_latest(c->db, 2, id, as_of), rc;
	struct crm_section *s;
	struct flows *f;
	if (n <= 0)
		return n < 0 ? crm_db_last_status(c->db) : CRM_OK;
	f = crm_xcalloc(1, sizeof *f);
	s = section(c->r, "segments", N_("Segments"));
	if (n > 1) {
		f->moves = table(s, "moves", N_("Biggest moves"), mcols, mright);
		f->moves->show[0] = f->moves->show[1] = CRM_SHOW_NAME;
		f->left = 5;
	}
	runs_note(s, n, id, as_of);
	if ((rc = crm_run_flows(c->db, id[0], flow_row, f)) == CRM_OK)
		distribution(s, f);
	if (n > 1)                  /* the distribution first, then the moves */
		SWAP_TABLES(s);
	free(f);
	return rc;
}

/* ---- satisfaction ---------------------------------------------------------------------- */

/* A satisfaction figure of both periods, with its margin and noise test. */
static void satisfaction_metric(struct crm_metric *m, const struct crm_nps_result *r)
{
	double delta, noise;
	if (r[CUR].n)
		set(m, CUR, r[CUR].value);
	if (r[PREV].n)
		set(m, PREV, r[PREV].value);
	m->margin = r[CUR].n ? r[CUR].margin : 0;
	m->noise = crm_nps_change(&r[PREV], &r[CUR], &delta, &noise) == 0;
}

/* CSAT of the tickets opened in a period: their 1-5 ratings. */
static int tickets_csat(struct ctx *c, int i, struct crm_nps_acc *acc)
{
	const char *args[] = {c->from[i], c->to[i], NULL};
	sqlite3_stmt *st = query(c, "SELECT csat, count(*) FROM tickets WHERE opened_at >= ?1 "
				 "AND opened_at < ?2 AND csat BETWEEN 1 AND 5 GROUP BY csat", args);
	int rc;
	if (!st)
		return crm_db_last_status(c->db);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		crm_nps_add_many(acc, sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(c->db, N_("read tickets"));
}

/* NPS of the WEEKS weeks that end with the period's last week. */
static int weekly_nps(struct ctx *c, struct crm_section *s)
{
	struct crm_chart *ch = chart(s, "weekly_nps", N_("Weekly NPS"), CRM_CHART_LINE, CRM_U_SCORE);
	int k, rc;
	ch->none = N_("no survey answers");
	for (k = 0; k < WEEKS; k++) {
		char f[CRM_TIME_LEN], t[CRM_TIME_LEN];
		struct crm_nps_acc acc;
		struct crm_nps_result r;
		long long bad = 0;
		crm_nps_acc_init(&acc);
		if ((rc = chart_week(c, k, f, t, ch->labels[k])) != CRM_OK ||
		    (rc = crm_nps_db_range(c->db, f, t, NULL, CRM_SCALE_NPS, &acc, &bad)) != CRM_OK)
			return rc;
		crm_nps_compute(&acc, CRM_SCALE_NPS, &r);
		ch->values[k] = r.value;
		ch->has[k] = r.n > 0;
	}
	ch->n = WEEKS;
	return CRM_OK;
}

static int satisfaction_section(struct ctx *c)
{
	struct crm_nps_result nps[2], csat[2];
	struct crm_section *s;
	int i, rc;
	for (i = CUR; i <= PREV; i++) {
		struct crm_nps_acc a, t;
		long long bad = 0;
		crm_nps_acc_init(&a);
		crm_nps_acc_init(&t);
		if ((rc = crm_nps_db_range(c->db, c->from[i], c->to[i], NULL, CRM_SCALE_NPS, &a,
					   &bad)) != CRM_OK || (rc = tickets_csat(c, i, &t)) != CRM_OK)
			return rc;
		crm_nps_compute(&a, CRM_SCALE_NPS, &nps[i]);
		crm_nps_compute(&t, CRM_SCALE_CSAT, &csat[i]);
	}
	if (!nps[CUR].n && !nps[PREV].n && !csat[CUR].n && !csat[PREV].n)
		return CRM_OK;
	s = section(c->r, "satisfaction", N_("Satisfaction"));
	count(s, "answers", N_("Survey answers"), CRM_COUNT_CASES);
	set(&s->metrics[0], CUR, (double)nps[CUR].n);
	set(&s->metrics[0], PREV, (double)nps[PREV].n);
	satisfaction_metric(metric(s, "nps", N_("NPS"), CRM_U_SCORE), nps);
	satisfaction_metric(metric(s, "csat", N_("CSAT of tickets (4-5 of 5)"), CRM_U_PCT), csat);
	if (nps[CUR].small)
		/* TRANSLATORS: the satisfaction section's note on few survey answers */
		note(s, N_("%lld answers: below %d a margin of error says little"), nps[CUR].n,
		     CRM_NPS_SMALL_N);
	return weekly_nps(c, s);
}

/* ---- coupons --------------------------------------------------------------------------- */

struct coupons {
	struct crm_report_table *t;
	long long issued, redeemed;
	int64_t revenue;
	const char *currency;
};

static int coupon_row(const struct crm_coupon_figures *f, void *ctx)
{
	struct coupons *cp = ctx;
	char iss[24], red[24], rate[24], rev[64];
	const char *cells[5] = {f->campaign, iss, red, rate, rev};
	cp->issued += f->issued;
	cp->redeemed += f->redeemed;
	cp->revenue += f->revenue;
	if (!cp->t || !f->issued)
		return 0;
	snprintf(iss, sizeof iss, "%lld", f->issued);
	snprintf(red, sizeof red, "%lld", f->redeemed);
	snprintf(rate, sizeof rate, "%.1f%%", 100.0 * (double)f->redeemed / (double)f->issued);
	crm_report_figure(rev, sizeof rev, CRM_U_MONEY, (double)f->revenue, cp->currency);
	table_row(cp->t, cells);
	return 0;
}

static int coupons_section(struct ctx *c)
{
	static const char *const cols[] = {N_("campaign"), N_("issued"), N_("redeemed"), N_("rate"),
		N_("revenue"), NULL};
	static const int right[] = {0, 1, 1, 1, 1};
	struct coupons cp[2];
	struct crm_section *s;
	int i, rc;
	memset(cp, 0, sizeof cp);
	for (i = CUR; i <= PREV; i++) {
		struct crm_coupon_filter f = {NULL, NULL, -1, c->from[i], c->to[i],
			c->r->currency[0] ? c->r->currency : NULL, c->end};
		cp[i].currency = c->r->currency;
		if ((rc = crm_coupon_stats(c->db, &f, coupon_row, &cp[i])) != CRM_OK)
			return rc;
	}
	if (!cp[CUR].issued && !cp[PREV].issued)
		return CRM_OK;
	s = section(c->r, "coupons", N_("Coupons"));
	count(s, "issued", N_("Coupons issued"), CRM_COUNT_COUPONS);
	count(s, "redeemed", N_("Redeemed (of those issued)"), CRM_COUNT_COUPONS);
	metric(s, "rate", N_("Redemption rate"), CRM_U_PCT);
	metric(s, "revenue", N_("Revenue of redeeming orders"), CRM_U_MONEY);
	for (i = CUR; i <= PREV; i++) {
		set(&s->metrics[0], i, (double)cp[i].issued);
		set(&s->metrics[1], i, (double)cp[i].redeemed);
		if (cp[i].issued)
			set(&s->metrics[2], i, 100.0 * (double)cp[i].redeemed / (double)cp[i].issued);
		set(&s->metrics[3], i, (double)cp[i].revenue);
	}
	/* the campaigns of the period, listed by a second pass */
	memset(&cp[CUR], 0, sizeof cp[CUR]);
	cp[CUR].t = table(s, "campaigns", N_("Campaigns"), cols, right);
	cp[CUR].currency = c->r->currency;
	{
		struct crm_coupon_filter f = {NULL, NULL, -1, c->from[CUR], c->to[CUR],
			c->r->currency[0] ? c->r->currency : NULL, c->end};
		rc = crm_coupon_stats(c->db, &f, coupon_row, &cp[CUR]);
	}
	/* TRANSLATORS: the coupons section's note */
	note(s, N_("coupons issued in the period, and what became of them by the as-of day"));
	return rc;
}

/* ---- customer service ------------------------------------------------------------------ */

/* The service figures of period i (service.h), by `by` keys. */
static int service_of(struct ctx *c, int i, const enum crm_svc_by *by, int nby,
		      struct crm_service *sv)
{
	struct crm_service_opts so = {.from = c->from[i], .to = c->to[i], .tz = c->o->tz,
		.week_start = 1, .sched = c->o->sched, .sla = c->o->sla,
		.sla_sched = c->o->sla_sched, .nby = nby};
	memcpy(so.end, c->end, sizeof so.end);
	if (nby)
		memcpy(so.by, by, (size_t)nby * sizeof *by);
	return crm_service_figures(c->db, &so, sv);
}

static void service_metrics(struct ctx *c, struct crm_section *s, int i,
			    const struct crm_service_figures *f)
{
	set(&s->metrics[0], i, (double)f->opened);
	if (f->first_n) {
		set(&s->metrics[1], i, f->first_med);
		set(&s->metrics[2], i, f->first_p90);
	}
	if (f->resolve_n) {
		set(&s->metrics[3], i, f->resolve_med);
		set(&s->metrics[4], i, f->resolve_p90);
	}
	if (c->o->sla) {
		set(&s->metrics[5], i, (double)f->breach_first);
		set(&s->metrics[6], i, (double)f->breach_resolve);
	}
}

/* The current period's breaches per priority, most pressing first. */
static int breaches_by_priority(struct ctx *c, struct crm_section *s)
{
	static const int right[] = {0, 1, 1, 1};
	static const enum crm_svc_by by[] = {CRM_SVC_PRIORITY};
	const char *cols[] = {N_("priority"), N_("tickets"), N_("first_response"), N_("resolution"),
		NULL};
	struct crm_report_table *t = table(s, "sla_breaches", N_("SLA breaches by priority"), cols,
					   right);
	struct crm_service sv;
	size_t i;
	int rc = service_of(c, CUR, by, 1, &sv);
	t->show[0] = CRM_SHOW_NAME;
	for (i = 0; rc == CRM_OK && i < sv.n; i++) {
		char n[3][24];
		/* "(none)": shown in the language of the messages (crm_report_shown()) */
		const char *cells[4] = {sv.g[i].key[0] ? sv.g[i].key[0] : "(none)", n[0], n[1], n[2]};
		snprintf(n[0], sizeof n[0], "%lld", sv.g[i].f.opened);
		snprintf(n[1], sizeof n[1], "%lld", sv.g[i].f.breach_first);
		snprintf(n[2], sizeof n[2], "%lld", sv.g[i].f.breach_resolve);
		table_row(t, cells);
	}
	crm_service_release(&sv);
	return rc;
}

/* Tickets of the period per value of a column, most first. */
static int tickets_by(struct ctx *c, struct crm_section *s, const char *key, const char *title,
		      const char *sql)
{
	static const int right[] = {0, 1};
	const char *cols[] = {key, N_("tickets"), NULL};
	const char *args[] = {c->from[CUR], c->to[CUR], NULL};
	struct crm_report_table *t = table(s, key, title, cols, right);
	sqlite3_stmt *st = query(c, sql, args);
	int rc;
	if (!st)
		return crm_db_last_status(c->db);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cells[2] = {(const char *)sqlite3_column_text(st, 0),
					(const char *)sqlite3_column_text(st, 1)};
		table_row(t, cells);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(c->db, N_("read tickets"));
}

#define TICKETS_BY(COL) "SELECT coalesce(" COL ", '(none)'), count(*) FROM tickets WHERE " \
	"opened_at >= ?1 AND opened_at < ?2 GROUP BY 1 ORDER BY 2 DESC, 1"

static void service_labels(struct ctx *c, struct crm_section *s)
{
	int b = c->o->sched != NULL;
	count(s, "tickets", N_("Tickets opened"), CRM_COUNT_CASES);
	metric(s, "first_response_median", b ? N_("First response, median (business hours)") :
	       N_("First response, median"), CRM_U_HOURS);
	metric(s, "first_response_p90", b ? N_("First response, 90th percentile (business hours)") :
	       N_("First response, 90th percentile"), CRM_U_HOURS);
	metric(s, "resolution_median", b ? N_("Resolution, median (business hours)") :
	       N_("Resolution, median"), CRM_U_HOURS);
	metric(s, "resolution_p90", b ? N_("Resolution, 90th percentile (business hours)") :
	       N_("Resolution, 90th percentile"), CRM_U_HOURS);
	count(s, "sla_first_breaches", N_("First-response SLA breaches"), CRM_COUNT_CASES);
	count(s, "sla_resolve_breaches", N_("Resolution SLA breaches"), CRM_COUNT_CASES);
}

/* The tickets whose times contradict each other: English for JSON as it
 * always was, the catalogue's plural for people. */
static void left_out_note(struct crm_section *s, long long n)
{
	snprintf(s->note, sizeof s->note, "%lld ticket%s left out of the durations: %s times "
		 "contradict each other", n, n == 1 ? "" : "s", n == 1 ? "its" : "their");
	/* TRANSLATORS: the service section's note */
	snprintf(s->note_text, sizeof s->note_text,
		 crm_n_("%lld ticket left out of the durations: its times contradict each other",
			"%lld tickets left out of the durations: their times contradict each other",
			n), n);
}

static int service_section(struct ctx *c)
{
	struct crm_service sv[2];
	struct crm_section *s;
	int i, rc = CRM_OK;
	memset(sv, 0, sizeof sv);
	for (i = CUR; i <= PREV && rc == CRM_OK; i++)
		rc = service_of(c, i, NULL, 0, &sv[i]);
	if (rc == CRM_OK && sv[CUR].all.opened + sv[PREV].all.opened > 0) {
		s = section(c->r, "service", N_("Customer service"));
		service_labels(c, s);
		for (i = CUR; i <= PREV; i++)
			service_metrics(c, s, i, &sv[i].all);
		if (sv[CUR].all.left_out)
			left_out_note(s, sv[CUR].all.left_out);
		/* the keys are the tables' first columns' names too */
		if ((rc = tickets_by(c, s, N_("channel"), N_("Tickets by channel"),
				     TICKETS_BY("channel"))) == CRM_OK)
			rc = tickets_by(c, s, N_("category"), N_("Tickets by category"),
					TICKETS_BY("category"));
		if (rc == CRM_OK && c->o->sla)
			rc = breaches_by_priority(c, s);
	}
	for (i = CUR; i <= PREV; i++)
		crm_service_release(&sv[i]);
	return rc;
}

/* ---- reviews ------------------------------------------------------------------------- */

/* The local day of --tz of a stored UTC time, as the period's days are. */
static void local_date(const struct ctx *c, const char *t, char out[CRM_DATE_LEN])
{
	char canonical[CRM_TIME_LEN];
	snprintf(canonical, sizeof canonical, "%s", t ? t : "");
	crm_day_date(crm_local_day(c->o->tz, crm_time_epoch(canonical)), out);
}

/* A review's customer: its own, else its order's (which may have been
 * imported after it): reports join through the order when they read. */
#define REVIEW_CUSTOMER "coalesce(r.customer_id, o.customer_id)"
#define REVIEW_ORDER "LEFT JOIN orders o ON o.order_id = r.order_id "

static int negative_reviews(struct ctx *c, struct crm_section *s)
{
	static const char *const cols[] = {N_("posted"), N_("rating"), N_("customer"), N_("order"),
		N_("platform"), N_("title"), NULL};
	static const int right[] = {0, 1, 0, 0, 0, 0};
	/* the oldest few with their customers, and how many in all: both
	 * through the partial index of unanswered negative reviews */
	static const char sql[] = "SELECT r.posted_at, r.rating, "
		"coalesce(c.name, c.email, " REVIEW_CUSTOMER ", ''), coalesce(r.order_id, ''), "
		"coalesce(r.platform, ''), coalesce(r.title, substr(r.body, 1, 60), '') "
		"FROM reviews r " REVIEW_ORDER "LEFT JOIN customers c ON c.customer_id = "
		REVIEW_CUSTOMER " WHERE r.replied_at IS NULL AND r.rating <= 2 "
		"AND r.posted_at < ?1 ORDER BY r.posted_at, r.review_id LIMIT ?2";
	static const char count_sql[] = "SELECT count(*) FROM reviews WHERE replied_at IS NULL "
		"AND rating <= 2 AND posted_at < ?1";
	const char *args[] = {c->end, NULL};
	struct crm_report_table *t = table(s, "unanswered", N_("Negative reviews without a reply"),
					   cols, right);
	sqlite3_stmt *st = query(c, sql, args);
	char day[CRM_DATE_LEN];
	double all = 0;
	int rc, k;
	t->show[0] = CRM_SHOW_DATE;
	if (!st)
		return crm_db_last_status(c->db);
	sqlite3_bind_int(st, 2, c->o->list_rows);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cells[6];
		for (k = 0; k < 6; k++)
			cells[k] = (const char *)sqlite3_column_text(st, k);
		local_date(c, cells[0], day);
		cells[0] = day;
		table_row(t, cells);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(c->db, N_("read reviews"));
	if ((rc = one_row(c, count_sql, args, &all, 1)) != CRM_OK)
		return rc;
	t->more = (long long)all - t->nrows;
	set(&s->metrics[3], CUR, all);
	return CRM_OK;
}

static int reviews_section(struct ctx *c)
{
	/* customers through their reviews' orders too */
	static const char sql[] = "SELECT count(*), avg(r.rating), count(DISTINCT "
		REVIEW_CUSTOMER ") FROM reviews r " REVIEW_ORDER "WHERE "
		"r.posted_at >= ?1 AND r.posted_at < ?2";
	double v[2][3] = {{0, 0, 0}, {0, 0, 0}}, any = 0;
	const char *none[] = {NULL};
	struct crm_section *s;
	int i, rc;
	if ((rc = one_row(c, "SELECT EXISTS (SELECT 1 FROM reviews)", none, &any, 1)) != CRM_OK ||
	    !any)
		return rc;
	for (i = CUR; i <= PREV; i++) {
		const char *args[] = {c->from[i], c->to[i], NULL};
		if ((rc = one_row(c, sql, args, v[i], 3)) != CRM_OK)
			return rc;
	}
	s = section(c->r, "reviews", N_("Reviews"));
	count(s, "reviews", N_("Reviews"), CRM_COUNT_CASES);
	metric(s, "rating", N_("Average rating"), CRM_U_RATING);
	count(s, "reviewers", N_("Customers who reviewed"), CRM_COUNT_PEOPLE);
	count(s, "unanswered_negative", N_("Negative reviews without a reply"), CRM_COUNT_CASES);
	for (i = CUR; i <= PREV; i++) {
		set(&s->metrics[0], i, v[i][0]);
		if (v[i][0] > 0)
			set(&s->metrics[1], i, v[i][1]);
		set(&s->metrics[2], i, v[i][2]);
	}
	return negative_reviews(c, s);
}

/* ---- what customers say ---------------------------------------------------------------- */

#define TOP_TOPICS 5                    /* rows of the top topics */
#define EXAMPLE_CHARS 60                /* an example's excerpt, in characters */

/* A change in points as people read it: "+4.2", "-0.5", "0.0"; "-" untested. */
static void points(char out[24], double v)
{
	if (isnan(v)) {
		snprintf(out, 24, "-");
		return;
	}
	snprintf(out, 24, "%+.1f", v);
	if (!strcmp(out, "+0.0") || !strcmp(out, "-0.0"))
		snprintf(out, 24, "0.0");
}

static void percent(char out[24], long long k, long long n)
{
	if (n > 0)
		snprintf(out, 24, "%.1f%%", 100.0 * (double)k / (double)n);
	else
		snprintf(out, 24, "-");
}

/* Most mentions first, then in the dictionary's order. */
static int by_mentions(const void *a, const void *b)
{
	const struct crm_fb_topic_row *x = *(const struct crm_fb_topic_row *const *)a;
	const struct crm_fb_topic_row *y = *(const struct crm_fb_topic_row *const *)b;
	if (x->mentions.k != y->mentions.k)
		return x->mentions.k < y->mentions.k ? 1 : -1;
	return (x->topic > y->topic) - (x->topic < y->topic);
}

static void top_topics(struct crm_section *s, const struct crm_fb_topics *t)
{
	static const char *const cols[] = {N_("topic"), N_("mentions"), N_("share"),
		N_("change (pp)"), N_("beyond noise"), N_("negative"), NULL};
	static const int right[] = {0, 1, 1, 1, 0, 1};
	struct crm_report_table *tb;
	const struct crm_fb_topic_row **order;
	size_t i;
	if (!t->n)
		return;            /* no topic mentioned in either period */
	tb = table(s, "topics", N_("Top topics"), cols, right);
	tb->show[0] = tb->show[4] = CRM_SHOW_NAME;
	order = crm_xcalloc(t->n + 1, sizeof *order);
	for (i = 0; i < t->n; i++)
		order[i] = &t->rows[i];
	qsort(order, t->n, sizeof *order, by_mentions);
	for (i = 0; i < t->n; i++) {
		const struct crm_fb_topic_row *w = order[i];
		char n[24], share[24], chg[24], neg[24];
		const char *cells[6] = {w->name, n, share, chg, w->significant < 0 ? "-" :
			w->significant ? "yes" : "no", neg};
		if (i == TOP_TOPICS) {
			tb->more = (long long)(t->n - i);
			break;
		}
		snprintf(n, sizeof n, "%lld", w->mentions.k);
		percent(share, w->mentions.k, w->mentions.n);
		points(chg, w->delta);
		percent(neg, w->negative, w->mentions.k);
		table_row(tb, cells);
	}
	free(order);
}

/* The example of a row for a table cell: short, on one line. */
static char *example_text(const struct crm_fb_example *ex)
{
	char *e = crm_fb_excerpt(ex->excerpt, strlen(ex->excerpt), EXAMPLE_CHARS), *p;
	for (p = e; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return e;
}

/* The topics whose negative mentions grew beyond the noise, each with the
 * most recent text that mentions it; how many. */
static int rising_topics(struct crm_section *s, const struct crm_fb_topics *t)
{
	static const char *const cols[] = {N_("topic"), N_("negative"), N_("before"),
		N_("change (pp)"), N_("example"), N_("text"), NULL};
	static const int right[] = {0, 1, 1, 1, 0, 0};
	struct crm_report_table *tb = NULL;
	size_t i;
	for (i = 0; i < t->n; i++) {
		const struct crm_fb_topic_row *w = &t->rows[i];
		char n[24], before[24], chg[24], id[96];
		char *text = w->nex ? example_text(&w->ex[0]) : NULL;
		const char *cells[6] = {w->name, n, before, chg, id, text};
		if (!w->rising) {
			free(text);
			continue;
		}
		if (!tb) {
			tb = table(s, "rising", N_("Rising complaints"), cols, right);
			tb->show[0] = CRM_SHOW_NAME;
		}
		snprintf(n, sizeof n, "%lld", w->negative);
		snprintf(before, sizeof before, "%lld", w->prev_negative);
		points(chg, w->neg_delta);
		snprintf(id, sizeof id, "%s", "");
		if (w->nex)
			snprintf(id, sizeof id, "%s:%.80s", crm_fb_source_name(w->ex[0].source),
				 w->ex[0].id);
		table_row(tb, cells);
		free(text);
	}
	return tb ? tb->nrows : 0;
}

/* The reply figures of period i as they stood at its end (or at the as-of
 * day's, when that comes first), and the negative reviews waiting then. */
static int replies_of(struct ctx *c, int i, struct crm_fb_replies *r)
{
	struct crm_fb_triage_opts o;
	memset(&o, 0, sizeof o);
	o.from = c->from[i];
	o.to = c->to[i];
	o.tz = c->o->tz;
	memcpy(o.end, strcmp(c->to[i], c->end) < 0 ? c->to[i] : c->end, sizeof o.end);
	return crm_feedback_triage(c->db, &o, NULL, NULL, r);
}

static void feedback_metrics(struct crm_section *s, const struct crm_fb_topics *t,
			     const struct crm_fb_replies *r)
{
	int i;
	count(s, "texts", N_("Texts (reviews, answers, tickets)"), CRM_COUNT_CASES);
	count(s, "waiting", N_("Negative reviews awaiting a reply"), CRM_COUNT_CASES);
	metric(s, "reply_rate", N_("Reviews replied"), CRM_U_PCT);
	metric(s, "negative_reply_rate", N_("Negative reviews replied"), CRM_U_PCT);
	metric(s, "reply_median", N_("Reply time, median"), CRM_U_HOURS);
	metric(s, "reply_p90", N_("Reply time, 90th percentile"), CRM_U_HOURS);
	set(&s->metrics[0], CUR, (double)t->texts);
	set(&s->metrics[0], PREV, (double)t->prev_texts);
	for (i = CUR; i <= PREV; i++) {
		set(&s->metrics[1], i, (double)r[i].waiting);
		if (r[i].reviews)
			set(&s->metrics[2], i, 100.0 * (double)r[i].replied / (double)r[i].reviews);
		if (r[i].negative)
			set(&s->metrics[3], i, 100.0 * (double)r[i].negative_replied /
			    (double)r[i].negative);
		if (r[i].timed) {
			set(&s->metrics[4], i, r[i].median_h);
			set(&s->metrics[5], i, r[i].p90_h);
		}
	}
}

/* Whether topics rose, and whose dictionary tagged the texts. */
static void feedback_note(struct ctx *c, struct crm_section *s, int rising, size_t topics)
{
	/* TRANSLATORS: the notes of the "What customers say" section; %s is
	 * the dictionary: a file's name in quotes or "the built-in dictionary" */
	static const char *const forms[] = {
		N_("topics of %s; replies as at each period's end"),
		N_("no topic rising; topics of %s; replies as at each period's end"),
		N_("no topic mentioned; topics of %s; replies as at each period's end"),
	};
	const char *form = forms[rising ? 0 : topics ? 1 : 2];
	char name[72];
	if (c->o->topics_name)
		crm_quote(c->o->topics_name, name, sizeof name);
	snprintf(s->note, sizeof s->note, form, c->o->topics_name ? name :
		 "the built-in dictionary");
	snprintf(s->note_text, sizeof s->note_text, _(form), c->o->topics_name ? name :
		 _("the built-in dictionary"));
}

/* The figures of crm-feedback topics (the period against the previous one,
 * one example each) and triage --summary, of the dictionary in force. */
static int feedback_section(struct ctx *c)
{
	struct crm_fb_topics_opts o;
	struct crm_fb_topics t;
	struct crm_fb_replies r[2];
	struct crm_topics *own = NULL, *pol = NULL;
	struct crm_section *s;
	int i, rc = CRM_OK, rising;
	memset(&o, 0, sizeof o);
	o.fb.from = c->from[CUR];
	o.fb.to = c->to[CUR];
	o.fb.topics = c->o->topics ? c->o->topics : (own = crm_topics_default("all"));
	o.fb.polarity = c->o->polarity ? c->o->polarity : (pol = crm_polarity_default("all"));
	o.prev_from = c->from[PREV];
	o.tz = c->o->tz;
	o.week_start = 1;
	o.examples = 1;
	memset(r, 0, sizeof r);
	memset(&t, 0, sizeof t);
	for (i = CUR; i <= PREV && rc == CRM_OK; i++)
		rc = replies_of(c, i, &r[i]);
	if (rc == CRM_OK && (rc = crm_feedback_topics(c->db, &o, &t)) == CRM_OK &&
	    t.texts + t.prev_texts + r[CUR].waiting + r[PREV].waiting > 0) {
		s = section(c->r, "feedback", N_("What customers say"));
		feedback_metrics(s, &t, r);
		top_topics(s, &t);
		rising = rising_topics(s, &t);
		feedback_note(c, s, rising, t.n);
	}
	crm_fb_topics_release(&t);
	crm_topics_free(own);
	crm_topics_free(pol);
	return rc;
}

/* ---- loyalty ---------------------------------------------------------------------------- */

/* Members of each tier at the period's end, and the moves of the period. */
static void loyalty_tiers(struct crm_section *s, const struct crm_tier_counts *tc)
{
	static const char *const cols[] = {N_("tier"), N_("members"), N_("moved in"),
		N_("moved out"), NULL};
	static const int right[] = {0, 1, 1, 1};
	struct crm_report_table *t = table(s, "tiers", N_("Members per tier"), cols, right);
	char m[24], in[24], out[24];
	const char *cells[4] = {NULL, m, in, out};
	size_t i;
	for (i = 0; i < tc->n; i++) {
		cells[0] = tc->v[i].name;
		snprintf(m, sizeof m, "%lld", (long long)tc->v[i].members);
		snprintf(in, sizeof in, "%lld", (long long)tc->v[i].in);
		snprintf(out, sizeof out, "%lld", (long long)tc->v[i].out);
		table_row(t, cells);
	}
}

static void loyalty_metrics(struct ctx *c, const struct crm_loyalty_stats *ls);

/* The figures of crm-loyalty stats for both periods, whenever a program is
 * stored: each period's flows, and its liability at its end (no later than
 * the as-of day). */
static int loyalty_section(struct ctx *c)
{
	struct crm_loyalty_stats ls[2];
	const struct crm_period *p[2] = {&c->r->period, &c->r->prev};
	int64_t from[2], last[2];
	int i, rc, yes;
	memset(ls, 0, sizeof ls);
	if ((rc = crm_loyalty_has_program(c->db, &yes)) != CRM_OK || !yes)
		return rc;
	for (i = CUR; i <= PREV; i++) {
		from[i] = p[i]->from;
		last[i] = p[i]->to - 1 < c->o->as_of ? p[i]->to - 1 : c->o->as_of;
	}
	rc = crm_loyalty_stats(c->db, c->o->tz, 2, from, last, ls);
	if (rc == CRM_OK)
		loyalty_metrics(c, ls);
	crm_loyalty_stats_release(&ls[CUR]);
	crm_loyalty_stats_release(&ls[PREV]);
	return rc;
}

static void loyalty_metrics(struct ctx *c, const struct crm_loyalty_stats *ls)
{
	struct crm_section *s;
	int i, money;
	money = ls[CUR].has_money && !strcmp(ls[CUR].currency, c->r->currency);
	s = section(c->r, "loyalty", N_("Loyalty"));
	count(s, "earned", N_("Points earned"), CRM_COUNT_POINTS);
	count(s, "bonus", N_("Bonus points"), CRM_COUNT_POINTS);
	count(s, "adjusted", N_("Points adjusted (net)"), CRM_COUNT_POINTS);
	count(s, "redeemed", N_("Points redeemed"), CRM_COUNT_POINTS);
	count(s, "expired", N_("Points expired"), CRM_COUNT_POINTS);
	count(s, "reversed", N_("Points reversed"), CRM_COUNT_POINTS);
	count(s, "shortfall", N_("Shortfall (spent, not taken back)"), CRM_COUNT_POINTS);
	count(s, "liability", N_("Outstanding points (liability)"), CRM_COUNT_POINTS);
	if (money)
		metric(s, "liability_money", N_("Liability in money"), CRM_U_MONEY);
	metric(s, "breakage", N_("Breakage rate"), CRM_U_PCT);
	for (i = CUR; i <= PREV; i++) {
		int k = 0;
		set(&s->metrics[k++], i, (double)ls[i].earned);
		set(&s->metrics[k++], i, (double)ls[i].bonus);
		set(&s->metrics[k++], i, (double)ls[i].adjusted);
		set(&s->metrics[k++], i, (double)ls[i].redeemed);
		set(&s->metrics[k++], i, (double)ls[i].expired);
		set(&s->metrics[k++], i, (double)ls[i].reversed);
		set(&s->metrics[k++], i, (double)ls[i].shortfall);
		set(&s->metrics[k++], i, (double)ls[i].liability);
		if (money && ls[i].has_money && !strcmp(ls[i].currency, c->r->currency))
			set(&s->metrics[k], i, (double)ls[i].liability_money);
		k += money;
		if (ls[i].has_breakage)
			set(&s->metrics[k], i, ls[i].breakage);
	}
	loyalty_tiers(s, &ls[CUR].tiers);
	/* TRANSLATORS: the loyalty section's note */
	note(s, N_("breakage: points expired / (expired + redeemed) in the period; members and "
		   "liability at the period's end"));
}

/* ---- the report ------------------------------------------------------------------------ */

static int bounds(struct ctx *c)
{
	struct crm_period asof = {c->o->as_of, c->o->as_of + 1, CRM_PERIOD_DAYS, ""};
	char unused[CRM_TIME_LEN];
	int rc;
	if ((rc = shifted(c, &c->r->period, 0, c->from[CUR], c->to[CUR])) != CRM_OK ||
	    (rc = shifted(c, &c->r->prev, 0, c->from[PREV], c->to[PREV])) != CRM_OK)
		return rc;
	return shifted(c, &asof, 0, unused, c->end);
}

static int has_orders(struct ctx *c)
{
	return c->r->currency[0] != '\0';
}

/* The twin opens before db's read begins, so that a twin that saw no
 * commit has db's snapshot (db.h).  A twin that cannot be opened ends the
 * report, as it ends crm-segment (rfm.c). */
static int begin_reads(struct ctx *c)
{
	int rc = crm_db_twin_open(c->db, &c->weeks->twin, 1);
	if (rc != CRM_OK)
		return rc;
	c->weeks->open = 1;
	if ((rc = crm_db_twin_open(c->db, c->twin, 1)) != CRM_OK) {
		c->twin = NULL;
		return rc;
	}
	return crm_db_begin_read(c->db);
}

static int build(struct ctx *c, const struct crm_period *p)
{
	const struct crm_report_opts *o = c->o;
	struct crm_report *r = c->r;
	int rc;
	r->period = *p;
	crm_period_previous(p, &r->prev);
	crm_day_date(o->as_of, r->as_of);
	if (o->currency)
		snprintf(r->currency, sizeof r->currency, "%s", o->currency);
	if ((rc = bounds(c)) != CRM_OK || (!o->currency && (rc = pick_currency(c)) != CRM_OK))
		return rc;
	if (has_orders(c) && ((rc = weeks_start(c)) != CRM_OK ||
			      (rc = customers_section(c)) != CRM_OK ||
			      (rc = revenue_section(c)) != CRM_OK))
		return rc;
	if ((rc = segments_section(c)) != CRM_OK || (rc = satisfaction_section(c)) != CRM_OK ||
	    (rc = service_section(c)) != CRM_OK || (rc = reviews_section(c)) != CRM_OK ||
	    (rc = feedback_section(c)) != CRM_OK ||
	    (rc = coupons_section(c)) != CRM_OK || (rc = loyalty_section(c)) != CRM_OK)
		return rc;
	return CRM_OK;
}

int crm_report_build(struct crm_db *db, const struct crm_period *p,
		     const struct crm_report_opts *o, struct crm_report *r)
{
	struct crm_db_twin twin;
	struct weeks weeks = {.open = 0};
	struct ctx c = {db, &twin, &weeks, o, r, {"", ""}, {"", ""}, ""};
	int rc;
	memset(r, 0, sizeof *r);
	rc = begin_reads(&c);
	if (rc == CRM_OK)
		rc = build(&c, p);
	if (c.twin)
		crm_db_twin_close(c.twin);
	weeks_end(&weeks);        /* a report that ended before its revenue */
	return rc;
}

void crm_report_release(struct crm_report *r)
{
	int i, k, n;
	for (i = 0; i < r->nsections; i++) {
		struct crm_section *s = &r->sections[i];
		for (k = 0; k < s->ntables; k++) {
			for (n = 0; n < s->tables[k].nrows * s->tables[k].ncols; n++)
				free(s->tables[k].cells[n]);
			free(s->tables[k].cells);
		}
		free(s->chart);
	}
	r->nsections = 0;
}
