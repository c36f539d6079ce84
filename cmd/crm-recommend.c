/* crm-recommend - what each customer is likely to buy next, from the
 * purchase history: recommendations, also-bought, rules, replenishment,
 * and the evaluation of the recommendations.  See crm-recommend(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "diag.h"
#include "entity.h"
#include "history.h"
#include "norm.h"
#include "opts.h"
#include "recommend.h"
#include "table.h"

static const char usage[] =
	"usage: crm-recommend [--db PATH] [-t | -d CHAR] [--tz ZONE] [--as-of DATE]\n"
	"                     [--format csv|text|json] [--top N] [--customer ID]...\n"
	"                     [--active-days N] [--exclude FILE] [--opted-in]\n"
	"                     [--method NAME]\n"
	"       crm-recommend --also-bought SKU [--top N]\n"
	"       crm-recommend --rules [--min-support X] [--min-confidence Y] [--top N]\n"
	"       crm-recommend --replenish [--within DAYS]\n"
	"       crm-recommend --evaluate --split DATE [--top N] [--method NAME]\n"
	"\n"
	"Recommends to each customer the products they have not bought yet that\n"
	"buyers like them bought, from the orders up to --as-of (default today);\n"
	"lists what the buyers of a product also bought, association rules, the\n"
	"customers due to buy a product again, and measures the recommendations\n"
	"against a popularity baseline.  See crm-recommend(1).\n";

enum { OPT_AS_OF = CRM_OPT_CMD, OPT_FORMAT, OPT_TOP, OPT_CUSTOMER, OPT_ACTIVE_DAYS,
	OPT_EXCLUDE, OPT_OPTED_IN, OPT_METHOD, OPT_ALSO_BOUGHT, OPT_RULES, OPT_MIN_SUPPORT,
	OPT_MIN_CONFIDENCE, OPT_REPLENISH, OPT_WITHIN, OPT_EVALUATE, OPT_SPLIT, OPT_LAST };

static const struct option longopts[] = {
	CRM_COMMON_LONGOPTS,
	{"as-of", required_argument, NULL, OPT_AS_OF},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"top", required_argument, NULL, OPT_TOP},
	{"customer", required_argument, NULL, OPT_CUSTOMER},
	{"active-days", required_argument, NULL, OPT_ACTIVE_DAYS},
	{"exclude", required_argument, NULL, OPT_EXCLUDE},
	{"opted-in", no_argument, NULL, OPT_OPTED_IN},
	{"method", required_argument, NULL, OPT_METHOD},
	{"also-bought", required_argument, NULL, OPT_ALSO_BOUGHT},
	{"rules", no_argument, NULL, OPT_RULES},
	{"min-support", required_argument, NULL, OPT_MIN_SUPPORT},
	{"min-confidence", required_argument, NULL, OPT_MIN_CONFIDENCE},
	{"replenish", no_argument, NULL, OPT_REPLENISH},
	{"within", required_argument, NULL, OPT_WITHIN},
	{"evaluate", no_argument, NULL, OPT_EVALUATE},
	{"split", required_argument, NULL, OPT_SPLIT},
	{NULL, 0, NULL, 0},
};

/* The modes, and the options each takes (beyond the common ones, --as-of
 * and --format, which all take). */
enum { M_RECOMMEND = 1, M_ALSO = 2, M_RULES = 4, M_REPLENISH = 8, M_EVALUATE = 16 };

static const struct {
	int opt, modes;
	const char *name;
} takes[] = {
	{OPT_TOP, M_RECOMMEND | M_ALSO | M_RULES | M_EVALUATE, "--top"},
	{OPT_CUSTOMER, M_RECOMMEND | M_REPLENISH, "--customer"},
	{OPT_ACTIVE_DAYS, M_RECOMMEND | M_ALSO | M_RULES | M_REPLENISH | M_EVALUATE,
	 "--active-days"},
	{OPT_EXCLUDE, M_RECOMMEND | M_ALSO | M_RULES | M_EVALUATE, "--exclude"},
	{OPT_OPTED_IN, M_RECOMMEND | M_REPLENISH, "--opted-in"},
	{OPT_METHOD, M_RECOMMEND | M_EVALUATE, "--method"},
	{OPT_MIN_SUPPORT, M_RULES, "--min-support"},
	{OPT_MIN_CONFIDENCE, M_RULES, "--min-confidence"},
	{OPT_WITHIN, M_REPLENISH, "--within"},
	{OPT_SPLIT, M_EVALUATE, "--split"},
};

#define CUSTOMERS_MAX 100000      /* --customer options */

struct rec {
	struct crm_common co;
	/* options */
	const char *as_of_opt, *exclude, *method, *also_bought, *min_support, *min_confidence;
	const char *within, *split_opt;
	const char **customer;
	int ncustomer;
	int top, active_days, top_given, opted_in, mode, nmodes;
	unsigned long long given;         /* 1 << (option - OPT_AS_OF) of those given */
	enum crm_format format;
	/* the run */
	struct crm_tz *tz;
	int64_t as_of;                    /* the --as-of day */
	char as_of_date[CRM_DATE_LEN];
	char end[CRM_TIME_LEN];           /* the first instant after it */
	const struct crm_reco_method *reco;   /* --method */
	struct crm_db db;
	int have_db;
};

/* ---- options ------------------------------------------------------------- */

static int number(const char *name, const char *arg, long min, long max, const char *unit,
		  int *out)
{
	long v;
	if (crm_number_option(name, arg, min, max, unit, &v) != 0)
		return CRM_EUSAGE;
	*out = (int)v;
	return 0;
}

static int set_mode(struct rec *r, int mode)
{
	if (r->mode != mode)
		r->nmodes++;
	r->mode = mode;
	return 0;
}

static int add_customer(struct rec *r, const char *arg)
{
	if (!*arg || strlen(arg) > CRM_KEY_MAX)
		return crm_usage_error("--customer: an id is 1 to %d bytes", CRM_KEY_MAX);
	if (r->ncustomer == CUSTOMERS_MAX)
		return crm_usage_error("--customer: at most %d of them", CUSTOMERS_MAX);
	r->customer = crm_xrealloc(r->customer, (size_t)(r->ncustomer + 1) * sizeof *r->customer);
	r->customer[r->ncustomer++] = arg;
	return 0;
}

static int own_option(void *ctx, int opt, const char *arg)
{
	struct rec *r = ctx;
	int v;
	if (opt >= OPT_AS_OF && opt < OPT_LAST)
		r->given |= 1ull << (opt - OPT_AS_OF);
	switch (opt) {
	case OPT_AS_OF: r->as_of_opt = arg; return 0;
	case OPT_FORMAT:
		if ((v = crm_format_parse(arg)) < 0)
			return crm_usage_error("--format must be csv, text or json, not '%s'", arg);
		r->format = v;
		return 0;
	case OPT_TOP: r->top_given = 1; return number("--top", arg, 1, 1000, NULL, &r->top);
	case OPT_CUSTOMER: return add_customer(r, arg);
	case OPT_ACTIVE_DAYS:
		return number("--active-days", arg, 1, 36500, "days", &r->active_days);
	case OPT_EXCLUDE: r->exclude = arg; return 0;
	case OPT_OPTED_IN: r->opted_in = 1; return 0;
	case OPT_METHOD:
		if (!(r->reco = crm_reco_method_find(arg)))
			return crm_usage_error("--method must be %s, not '%s'",
					       crm_reco_method_names(), arg);
		return 0;
	case OPT_ALSO_BOUGHT: r->also_bought = arg; return set_mode(r, M_ALSO);
	case OPT_RULES: return set_mode(r, M_RULES);
	case OPT_MIN_SUPPORT: r->min_support = arg; return 0;
	case OPT_MIN_CONFIDENCE: r->min_confidence = arg; return 0;
	case OPT_REPLENISH: return set_mode(r, M_REPLENISH);
	case OPT_WITHIN: r->within = arg; return 0;
	case OPT_EVALUATE: return set_mode(r, M_EVALUATE);
	case OPT_SPLIT: r->split_opt = arg; return 0;
	}
	return crm_usage_error("unknown option");
}

static const char *mode_name(int mode)
{
	switch (mode) {
	case M_ALSO: return "--also-bought";
	case M_RULES: return "--rules";
	case M_REPLENISH: return "--replenish";
	case M_EVALUATE: return "--evaluate";
	}
	return "recommendations";
}

/* One mode at most, and only the options it takes. */
static int check_mode(struct rec *r, int argc, char **argv)
{
	char q[80];
	size_t i;
	if (argc > 0)
		return crm_usage_error("unexpected argument %s (customers come on standard input "
				       "or with --customer)", crm_quote(argv[0], q, sizeof q));
	if (r->nmodes > 1)
		return crm_usage_error("--also-bought, --rules, --replenish and --evaluate are "
				       "modes: give one at most");
	if (!r->mode)
		r->mode = M_RECOMMEND;
	for (i = 0; i < sizeof takes / sizeof takes[0]; i++)
		if ((r->given & (1ull << (takes[i].opt - OPT_AS_OF))) && !(takes[i].modes & r->mode))
			return crm_usage_error("%s does not go with %s", takes[i].name,
					       mode_name(r->mode));
	if (r->mode == M_EVALUATE && !r->split_opt)
		return crm_usage_error("--evaluate needs --split DATE");
	if (r->also_bought && (!*r->also_bought || strlen(r->also_bought) > CRM_KEY_MAX))
		return crm_usage_error("--also-bought: a SKU is 1 to %d bytes", CRM_KEY_MAX);
	return CRM_OK;
}

/* ---- time ---------------------------------------------------------------- */

/* The as-of day (default: today in --tz) and the instant that ends it. */
static int set_days(struct rec *r)
{
	char clock[CRM_TIME_LEN];
	const char *why = "";
	if (crm_clock(r->tz, clock) != CRM_OK)
		return CRM_EUSAGE;
	r->as_of = crm_local_day(r->tz, crm_time_epoch(clock));
	if (r->as_of_opt && (crm_date_day(r->as_of_opt, &r->as_of) < 0 ||
			     r->as_of < CRM_DAY_FIRST || r->as_of >= CRM_DAY_LAST))
		return crm_usage_error("--as-of '%s' is not a date (YYYY-MM-DD)", r->as_of_opt);
	crm_day_date(r->as_of, r->as_of_date);
	if (crm_day_start(r->tz, r->as_of + 1, r->end, &why) < 0)
		return crm_usage_error("--as-of '%s': the day after %s", r->as_of_date, why);
	return CRM_OK;
}

/* ---- the history --------------------------------------------------------- */

static int load_history(struct rec *r, struct crm_history *h)
{
	struct crm_history_window w = {r->end, NULL, r->active_days};
	return crm_history_load(&r->db, &w, h);
}

/* ---- R1: recommendations, evaluation ---- */

static const struct crm_table_col reco_cols[] = {
	{"customer_id", CRM_T_PLAIN}, {"email", CRM_T_TEXT}, {"name", CRM_T_TEXT},
	{"rank", CRM_T_NUM}, {"sku", CRM_T_TEXT}, {"product", CRM_T_TEXT},
	{"score", CRM_T_NUM}, {"reason", CRM_T_TEXT},
};

struct reco_run {
	struct rec *r;
	struct crm_history h;
	struct crm_contacts c;
	struct crm_reco_model *model;
	struct crm_table *t;
	struct crm_reco_item *out;
	char **wanted;               /* the customers asked for (--customer, stdin) */
	int32_t nwanted;
	const char *fname;           /* of the stream read */
};

static void print_reason(const struct crm_history *h, int32_t i, char *buf, size_t size)
{
	if (i < 0)
		snprintf(buf, size, "popular in the last %d weeks", CRM_RECO_POPULAR_DAYS / 7);
	else if (h->name[i])
		snprintf(buf, size, "bought %s %s", h->sku[i], h->name[i]);
	else
		snprintf(buf, size, "bought %s", h->sku[i]);
}

/* The rows of one customer: contact k (-1: none in the customers table). */
static void customer_rows(struct reco_run *x, const char *id, int32_t k)
{
	const struct crm_history *h = &x->h;
	int32_t b = crm_history_customer(h, id);
	int n = crm_reco_top(x->model, b, x->r->top, x->out), i;
	char rank[16], score[64], *reason;
	size_t size;
	if (x->r->opted_in && (k < 0 || !x->c.opted_in[k]))
		return;
	for (i = 0; i < n; i++) {
		int32_t p = x->out[i].prod;
		size = 32 + strlen(h->sku[p]) + (x->out[i].because >= 0 ?
			strlen(h->sku[x->out[i].because]) + (h->name[x->out[i].because] ?
			strlen(h->name[x->out[i].because]) : 0) : 0);
		reason = crm_xmalloc(size);
		print_reason(h, x->out[i].because, reason, size);
		snprintf(rank, sizeof rank, "%d", i + 1);
		if (x->out[i].because < 0)
			snprintf(score, sizeof score, "%.0f", x->out[i].score);
		else
			snprintf(score, sizeof score, "%.6f", x->out[i].score);
		crm_table_cell(x->t, id);
		crm_table_cell(x->t, k >= 0 ? x->c.email[k] : NULL);
		crm_table_cell(x->t, k >= 0 ? x->c.name[k] : NULL);
		crm_table_cell(x->t, rank);
		crm_table_cell(x->t, h->sku[p]);
		crm_table_cell(x->t, h->name[p]);
		crm_table_cell(x->t, score);
		crm_table_cell(x->t, reason);
		free(reason);
	}
}

static void want(struct reco_run *x, const char *id)
{
	x->wanted = crm_xrealloc(x->wanted, ((size_t)x->nwanted + 1) * sizeof *x->wanted);
	x->wanted[x->nwanted++] = crm_xstrdup(id);
}

static int stream_reject(long line, const char *why, void *ctx)
{
	struct reco_run *x = ctx;
	crm_error_at(x->fname, line, "%s", why);
	return CRM_EDATA;
}

static int stream_row(const struct crm_values *v, const struct crm_row *row, void *ctx)
{
	if (!v->val[0])
		return stream_reject(row->line, "column 'customer_id' is empty", ctx);
	want(ctx, v->val[0]);
	return 0;
}

/* The customers asked for: --customer, else the stream on standard input
 * (crm-segment's output, ...); none: every customer with a liked line. */
static int read_wanted(struct reco_run *x)
{
	struct crm_stream st = {
		.e = &crm_customer_stream, .vc = {x->r->tz, CRM_MDY, NULL, "", NULL},
		.csv = &x->r->co.csv, .flags = CRM_READ_NEED_HEADER, .name = &x->fname,
		.on_row = stream_row, .on_reject = stream_reject, .ctx = x,
	};
	int i;
	for (i = 0; i < x->r->ncustomer; i++)
		want(x, x->r->customer[i]);
	if (x->r->ncustomer || !crm_stdin_is_data())
		return CRM_OK;
	return crm_stream_read(&st, "-");
}

static int check_wanted(struct reco_run *x)
{
	char q[80];
	int32_t i;
	for (i = 0; i < x->nwanted; i++)
		if (crm_contacts_find(&x->c, x->wanted[i]) < 0 &&
		    crm_history_customer(&x->h, x->wanted[i]) < 0) {
			crm_error("unknown customer %s", crm_quote(x->wanted[i], q, sizeof q));
			return CRM_HISTORY_EUNKNOWN;
		}
	return CRM_OK;
}

/* --exclude FILE's products of h: NULL when none. */
static int excluded(struct rec *r, const struct crm_history *h, unsigned char **skip)
{
	char **skus;
	int32_t n;
	int rc;
	*skip = NULL;
	if (!r->exclude)
		return CRM_OK;
	if ((rc = crm_reco_exclude_read(r->exclude, &skus, &n)) != CRM_OK)
		return rc;
	*skip = crm_reco_exclude_mark(h, skus, n);
	crm_reco_exclude_free(skus, n);
	return CRM_OK;
}

static void write_recommendations(struct reco_run *x)
{
	int32_t i;
	x->t = crm_table_begin(stdout, x->r->format, x->r->co.csv.delim, reco_cols,
			       (int)(sizeof reco_cols / sizeof reco_cols[0]));
	x->out = crm_xmalloc((size_t)x->r->top * sizeof *x->out);
	if (x->nwanted)
		for (i = 0; i < x->nwanted; i++)
			customer_rows(x, x->wanted[i], crm_contacts_find(&x->c, x->wanted[i]));
	else
		for (i = 0; i < x->h.ncust; i++)
			customer_rows(x, x->h.customer_id[i],
				      crm_contacts_find(&x->c, x->h.customer_id[i]));
	crm_table_finish(x->t);
	crm_table_free(x->t);
	free(x->out);
}

static int recommend(struct rec *r)
{
	struct reco_run x = {.r = r};
	unsigned char *skip = NULL;
	int rc = read_wanted(&x);
	int32_t i;
	if (rc == CRM_OK)
		rc = load_history(r, &x.h);
	if (rc == CRM_OK)
		rc = crm_contacts_load(&r->db, &x.c);
	if (rc == CRM_OK)
		rc = check_wanted(&x);
	if (rc == CRM_OK && x.h.nprod == 0) {
		crm_error("no purchases to recommend from: no paid order lines up to %s",
			  r->as_of_date);
		rc = CRM_EDATA;
	}
	if (rc == CRM_OK)
		rc = excluded(r, &x.h, &skip);
	if (rc == CRM_OK) {
		x.model = crm_reco_model_new(&x.h, r->reco, skip);
		write_recommendations(&x);
	}
	crm_reco_model_free(x.model);
	free(skip);
	crm_history_release(&x.h);
	crm_contacts_release(&x.c);
	for (i = 0; i < x.nwanted; i++)
		free(x.wanted[i]);
	free(x.wanted);
	return rc;
}

static const struct crm_table_col eval_cols[] = {
	{"method", CRM_T_PLAIN}, {"top", CRM_T_NUM}, {"customers", CRM_T_NUM},
	{"hits", CRM_T_NUM}, {"hit_rate", CRM_T_NUM}, {"precision", CRM_T_NUM},
	{"recall", CRM_T_NUM}, {"coverage", CRM_T_NUM},
};

static void cellf(struct crm_table *t, const char *fmt, double v)
{
	char buf[64];
	snprintf(buf, sizeof buf, fmt, v);
	crm_table_cell(t, buf);
}

/* The figures of one row: [hit rate, precision, recall, coverage]. */
static void eval_figures(const struct crm_reco_eval *e, const struct crm_reco_score *s, int top,
			 double f[4])
{
	double n = (double)e->tested;
	f[0] = n ? s->hit_customers / n : 0;
	f[1] = n ? s->hits / (n * top) : 0;
	f[2] = n ? s->recall_sum / n : 0;
	f[3] = e->active ? (double)s->covered / e->active : 0;
}

static void eval_row(struct crm_table *t, const char *name, const struct crm_reco_eval *e,
		     const struct crm_reco_score *s, int top)
{
	double f[4];
	int i;
	eval_figures(e, s, top, f);
	crm_table_cell(t, name);
	cellf(t, "%.0f", top);
	cellf(t, "%.0f", (double)e->tested);
	cellf(t, "%.0f", (double)s->hits);
	for (i = 0; i < 4; i++)
		cellf(t, "%.4f", f[i]);
}

static void write_evaluation(struct rec *r, const struct crm_reco_eval *e)
{
	struct crm_table *t = crm_table_begin(stdout, r->format, r->co.csv.delim, eval_cols,
					      (int)(sizeof eval_cols / sizeof eval_cols[0]));
	double a[4], b[4];
	int i;
	eval_row(t, r->reco->name, e, &e->method, r->top);
	eval_row(t, "popular", e, &e->popular, r->top);
	eval_figures(e, &e->method, r->top, a);
	eval_figures(e, &e->popular, r->top, b);
	crm_table_cell(t, "ratio");
	cellf(t, "%.0f", r->top);
	cellf(t, "%.0f", (double)e->tested);
	if (e->popular.hits)
		cellf(t, "%.4f", (double)e->method.hits / (double)e->popular.hits);
	else
		crm_table_cell(t, NULL);
	for (i = 0; i < 4; i++)
		if (b[i] > 0)
			cellf(t, "%.4f", a[i] / b[i]);
		else
			crm_table_cell(t, NULL);
	crm_table_finish(t);
	crm_table_free(t);
}

/* --split DATE: its first instant, before the as-of day's end. */
static int split_at(struct rec *r, char out[CRM_TIME_LEN])
{
	const char *why = "";
	int64_t day;
	if (crm_date_day(r->split_opt, &day) < 0 || day < CRM_DAY_FIRST || day >= CRM_DAY_LAST)
		return crm_usage_error("--split '%s' is not a date (YYYY-MM-DD)", r->split_opt);
	if (crm_day_start(r->tz, day, out, &why) < 0)
		return crm_usage_error("--split '%s' %s", r->split_opt, why);
	if (day > r->as_of)
		return crm_usage_error("--split %s is after the as-of day %s", r->split_opt,
				       r->as_of_date);
	return CRM_OK;
}

static int evaluate(struct rec *r)
{
	char split[CRM_TIME_LEN];
	struct crm_history train, test;
	struct crm_history_window wtrain = {split, NULL, r->active_days};
	struct crm_history_window wtest = {r->end, split, r->active_days};
	struct crm_reco_model *m = NULL;
	struct crm_reco_eval e;
	unsigned char *skip = NULL;
	int rc = split_at(r, split);
	memset(&train, 0, sizeof train);
	memset(&test, 0, sizeof test);
	if (rc == CRM_OK)
		rc = crm_history_load(&r->db, &wtrain, &train);
	if (rc == CRM_OK)
		rc = crm_history_load(&r->db, &wtest, &test);
	if (rc == CRM_OK && (train.nprod == 0 || test.nprod == 0)) {
		crm_error("nothing to evaluate: no paid order lines %s %s", train.nprod ?
			  "from" : "before", r->split_opt);
		rc = CRM_EDATA;
	}
	if (rc == CRM_OK)
		rc = excluded(r, &train, &skip);
	if (rc == CRM_OK) {
		m = crm_reco_model_new(&train, r->reco, skip);
		crm_reco_evaluate(m, &train, &test, r->top, &e);
		write_evaluation(r, &e);
	}
	crm_reco_model_free(m);
	free(skip);
	crm_history_release(&train);
	crm_history_release(&test);
	return rc;
}

/* ---- R2: also-bought, rules, replenish ---- */

static int also_bought(struct rec *r)
{
	(void)r;
	crm_error("--also-bought: not built yet");
	return CRM_EUSAGE;
}

static int rules(struct rec *r)
{
	(void)r;
	crm_error("--rules: not built yet");
	return CRM_EUSAGE;
}

static int replenish(struct rec *r)
{
	(void)r;
	crm_error("--replenish: not built yet");
	return CRM_EUSAGE;
}

/* ---- R2 end ---- */

static int run(struct rec *r)
{
	int rc = crm_db_open(&r->db, crm_db_path(r->co.db), CRM_DB_READ);
	r->have_db = 1;
	/* a snapshot, read as SQLite reads (not mapped: the history is read
	 * once, and a mapped file would count in the memory used) */
	if (rc != CRM_OK || (rc = crm_db_begin(&r->db)) != CRM_OK)
		return rc;
	switch (r->mode) {
	case M_ALSO: rc = also_bought(r); break;
	case M_RULES: rc = rules(r); break;
	case M_REPLENISH: rc = replenish(r); break;
	case M_EVALUATE: rc = evaluate(r); break;
	default: rc = recommend(r); break;
	}
	crm_db_rollback(&r->db);
	return rc;
}

int main(int argc, char **argv)
{
	struct rec r;
	int rc;
	crm_set_progname(argv[0]);
	memset(&r, 0, sizeof r);
	crm_common_init(&r.co);
	r.top = 10;
	r.active_days = 90;
	r.format = CRM_FORMAT_CSV;
	r.reco = &crm_reco_methods[0];
	rc = crm_parse_options(&r.co, argc, argv, CRM_COMMON_SHORTOPTS, longopts, usage,
			       own_option, &r);
	if (rc == CRM_OK)
		rc = check_mode(&r, argc - optind, argv + optind);
	if (rc == CRM_OK && !(r.tz = crm_common_tz(&r.co)))
		rc = CRM_EUSAGE;
	if (rc == CRM_OK)
		rc = set_days(&r);
	if (rc == CRM_OK)
		rc = run(&r);
	if (r.have_db)
		crm_db_close(&r.db);
	crm_tz_close(r.tz);
	free(r.customer);
	return crm_close_stdout(rc);
}
