/* crm-recommend - what each customer is likely to buy next, from the
 * purchase history: recommendations, also-bought, rules, replenishment,
 * and the evaluation of the recommendations.  See crm-recommend(1). */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cooccur.h"
#include "custlist.h"
#include "db.h"
#include "diag.h"
#include "entity.h"
#include "exclude.h"
#include "history.h"
#include "i18n.h"
#include "norm.h"
#include "opts.h"
#include "recommend.h"
#include "reco_out.h"
#include "replenish.h"
#include "table.h"

static const char usage[] = N_(
	"usage: crm-recommend [--db PATH] [-t | -d CHAR] [--tz ZONE] [--as-of DATE]\n"
	"                     [--format csv|text|json] [--top N] [--customer ID]...\n"
	"                     [--active-days N] [--exclude FILE] [--opted-in]\n"
	"                     [--method NAME] [--map customer_id=HEADER]\n"
	"       crm-recommend --also-bought SKU [--top N]\n"
	"       crm-recommend --rules [--min-support X] [--min-confidence Y] [--top N]\n"
	"       crm-recommend --replenish [--within DAYS]\n"
	"       crm-recommend --evaluate --split DATE [--top N] [--method NAME]\n"
	"\n"
	"Recommends to each customer the products they have not bought yet that\n"
	"buyers like them bought, from the orders up to --as-of (default today);\n"
	"lists what the buyers of a product also bought, association rules, the\n"
	"customers due to buy a product again, and measures the recommendations\n"
	"against a popularity baseline.  See crm-recommend(1).\n");

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
	CRM_INPUT_MAP,
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
	{CRM_OPT_MAP, M_RECOMMEND, "--map"},
};

#define CUSTOMERS_MAX 100000      /* --customer options */

struct rec {
	struct crm_common co;
	/* options */
	const char *as_of_opt, *exclude, *also_bought, *min_support, *min_confidence;
	const char *within, *split_opt;
	double support, confidence;       /* --min-support, --min-confidence */
	long within_days;                 /* --within */
	const char **customer;
	int ncustomer;
	int top, active_days, top_given, opted_in, mode, nmodes;
	unsigned long long given;         /* 1 << (option - OPT_AS_OF) of those given */
	int map_given;
	struct crm_input in;              /* --map, for the customers' stream */
	enum crm_format format;
	/* the run */
	struct crm_tz *tz;
	int64_t as_of;                    /* the --as-of day */
	char as_of_date[CRM_DATE_LEN];
	char end[CRM_TIME_LEN];           /* the first instant after it */
	char split[CRM_TIME_LEN];         /* --split DATE's first instant */
	const struct crm_reco_method *reco;   /* --method */
	struct crm_db db;
	int have_db;
};

/* ---- options ------------------------------------------------------------- */

static int r2_options(struct rec *r);

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
		return crm_usage_error(_("--customer: an id is 1 to %d bytes"), CRM_KEY_MAX);
	if (r->ncustomer == CUSTOMERS_MAX)
		return crm_usage_error(_("--customer: at most %d of them"), CUSTOMERS_MAX);
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
			return crm_usage_error(_("--format must be csv, text or json, not '%s'"), arg);
		r->format = v;
		return 0;
	case OPT_TOP: r->top_given = 1; return number("--top", arg, 1, 1000, NULL, &r->top);
	case OPT_CUSTOMER: return add_customer(r, arg);
	case OPT_ACTIVE_DAYS:
		return number("--active-days", arg, 1, 36500, _("days"), &r->active_days);
	case OPT_EXCLUDE: r->exclude = arg; return 0;
	case OPT_OPTED_IN: r->opted_in = 1; return 0;
	case OPT_METHOD:
		if (!(r->reco = crm_reco_method_find(arg)))
			return crm_usage_error(_("--method must be %s, not '%s'"),
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
	case CRM_OPT_MAP: r->map_given = 1; return crm_input_option(&r->in, opt, arg);
	}
	return crm_usage_error(_("unknown option"));
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
		return crm_usage_error(_("unexpected argument %s (customers come on standard input "
				       "or with --customer)"), crm_quote(argv[0], q, sizeof q));
	if (r->nmodes > 1)
		return crm_usage_error(_("--also-bought, --rules, --replenish and --evaluate are "
				       "modes: give one at most"));
	if (!r->mode)
		r->mode = M_RECOMMEND;
	for (i = 0; i < sizeof takes / sizeof takes[0]; i++)
		if ((takes[i].opt == CRM_OPT_MAP ? r->map_given != 0 :
		     (r->given & (1ull << (takes[i].opt - OPT_AS_OF))) != 0) && !(takes[i].modes & r->mode))
			return crm_usage_error(_("%s does not go with %s"), takes[i].name,
					       mode_name(r->mode));
	if (r->mode == M_EVALUATE && !r->split_opt)
		return crm_usage_error(_("--evaluate needs --split DATE"));
	if (r->also_bought && (!*r->also_bought || strlen(r->also_bought) > CRM_KEY_MAX))
		return crm_usage_error(_("--also-bought: a SKU is 1 to %d bytes"), CRM_KEY_MAX);
	return r2_options(r);
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
		return crm_usage_error(_("--as-of '%s' is not a date (YYYY-MM-DD)"), r->as_of_opt);
	crm_day_date(r->as_of, r->as_of_date);
	if (crm_day_start(r->tz, r->as_of + 1, r->end, &why) < 0)
		return crm_usage_error(_("--as-of '%s': the day after %s"), r->as_of_date, why);
	return CRM_OK;
}

/* ---- the history --------------------------------------------------------- */

static int load_history(struct rec *r, struct crm_history *h)
{
	struct crm_history_window w = {r->end, NULL, r->active_days};
	return crm_history_load(&r->db, &w, h);
}

/* The history and the customers' contacts, read at once (history.h). */
static int load_buyers(struct rec *r, struct crm_history *h, struct crm_contacts *c)
{
	struct crm_history_window w = {r->end, NULL, r->active_days};
	return crm_history_load_contacts(&r->db, &w, h, c);
}

/* ---- R1: recommendations, evaluation ---- */

struct reco_run {
	struct rec *r;
	struct crm_history h;
	struct crm_contacts c;
	struct crm_reco_model *model;
	struct crm_custlist want;    /* the customers asked for (--customer, stdin) */
};

static int check_wanted(struct reco_run *x)
{
	char q[80];
	int32_t i;
	for (i = 0; i < x->want.n; i++)
		if (crm_contacts_find(&x->c, x->want.id[i]) < 0 &&
		    crm_history_customer(&x->h, x->want.id[i]) < 0) {
			crm_error(_("unknown customer %s"), crm_quote(x->want.id[i], q, sizeof q));
			return CRM_HISTORY_EUNKNOWN;
		}
	return CRM_OK;
}

/* The customers' ids (--customer, stdin, else every buyer): their rows. */
static void write_recommendations(struct reco_run *x)
{
	struct crm_reco_who w = {&x->h, &x->c, x->want.n ? x->want.id : NULL, x->want.n,
		x->r->opted_in};
	struct crm_table *t = crm_reco_out_begin(stdout, x->r->format, x->r->co.csv.delim);
	crm_reco_out_all(t, x->model, &w, x->r->top);
	crm_table_free(t);
}

static int recommend(struct rec *r)
{
	struct reco_run x = {.r = r};
	unsigned char *skip = NULL;
	int rc = crm_custlist_read(&x.want, r->customer, r->ncustomer, &r->in, r->tz, &r->co.csv);
	if (rc == CRM_OK)
		rc = load_buyers(r, &x.h, &x.c);
	if (rc == CRM_OK)
		rc = check_wanted(&x);
	if (rc == CRM_OK && x.h.nprod == 0) {
		crm_error(_("no purchases to recommend from: no paid order lines up to %s"),
			  r->as_of_date);
		rc = CRM_EDATA;
	}
	if (rc == CRM_OK)
		rc = crm_exclude_skip(r->exclude, &x.h, &skip);
	if (rc == CRM_OK) {
		x.model = crm_reco_model_new(&x.h, r->reco, skip);
		write_recommendations(&x);
	}
	crm_reco_model_free(x.model);
	free(skip);
	crm_history_release(&x.h);
	crm_contacts_release(&x.c);
	crm_custlist_free(&x.want);
	return rc;
}

/* --split DATE: its first instant, before the as-of day's end. */
static int split_at(struct rec *r, char out[CRM_TIME_LEN])
{
	const char *why = "";
	int64_t day;
	if (crm_date_day(r->split_opt, &day) < 0 || day < CRM_DAY_FIRST || day >= CRM_DAY_LAST)
		return crm_usage_error(_("--split '%s' is not a date (YYYY-MM-DD)"), r->split_opt);
	if (crm_day_start(r->tz, day, out, &why) < 0)
		return crm_usage_error(_("--split '%s' %s"), r->split_opt, why);
	if (day > r->as_of)
		return crm_usage_error(_("--split %s is after the as-of day %s"), r->split_opt,
				       r->as_of_date);
	return CRM_OK;
}

static int evaluate(struct rec *r)
{
	struct crm_history train, test;
	struct crm_history_window wtrain = {r->split, NULL, r->active_days};
	struct crm_history_window wtest = {r->end, r->split, r->active_days};
	struct crm_reco_model *m = NULL;
	struct crm_reco_eval e;
	unsigned char *skip = NULL;
	int rc = CRM_OK;
	memset(&train, 0, sizeof train);
	memset(&test, 0, sizeof test);
	if (rc == CRM_OK)
		rc = crm_history_load(&r->db, &wtrain, &train);
	if (rc == CRM_OK)
		rc = crm_history_load(&r->db, &wtest, &test);
	if (rc == CRM_OK && (train.nprod == 0 || test.nprod == 0)) {
		crm_error(_("nothing to evaluate: no paid order lines %s %s"), train.nprod ?
			  "from" : "before", r->split_opt);
		rc = CRM_EDATA;
	}
	if (rc == CRM_OK)
		rc = crm_exclude_skip(r->exclude, &train, &skip);
	if (rc == CRM_OK) {
		m = crm_reco_model_new(&train, r->reco, skip);
		crm_reco_evaluate(m, &train, &test, r->top, &e);
		crm_reco_out_evaluation(stdout, r->format, r->co.csv.delim, r->reco->name, r->top,
					&e);
	}
	crm_reco_model_free(m);
	free(skip);
	crm_history_release(&train);
	crm_history_release(&test);
	return rc;
}

/* ---- R2: also-bought, rules, replenish ---- */

/* R2's option values, parsed with the others, before the database; when
 * not given: 0.001, 0.1 and 14 days. */
static int r2_options(struct rec *r)
{
	r->support = 0.001;
	r->confidence = 0.1;
	r->within_days = 14;
	if ((r->min_support && crm_share_option("--min-support", r->min_support, &r->support)) ||
	    (r->min_confidence &&
	     crm_share_option("--min-confidence", r->min_confidence, &r->confidence)) ||
	    (r->within && crm_days_option("--within", r->within, 0, 36500, 0, &r->within_days)))
		return CRM_EUSAGE;
	return CRM_OK;
}

static int also_bought(struct rec *r)
{
	struct crm_history h;
	unsigned char *ok = NULL;
	struct crm_also *v = NULL;
	size_t n = 0;
	char q[80];
	int rc = load_history(r, &h);
	int32_t a = rc == CRM_OK ? crm_history_product(&h, r->also_bought) : 0;
	if (rc == CRM_OK)
		rc = crm_exclude_eligible(r->exclude, &h, &ok);
	if (rc == CRM_OK && a < 0) {
		crm_error(_("unknown product %s"), crm_quote(r->also_bought, q, sizeof q));
		rc = CRM_HISTORY_EUNKNOWN;
	}
	if (rc == CRM_OK) {
		crm_cooccur_also(&h, a, ok, (size_t)r->top, &v, &n);
		crm_cooccur_write_also(stdout, r->format, r->co.csv.delim, &h, v, n);
	}
	free(v);
	free(ok);
	crm_history_release(&h);
	return rc;
}

static int rules(struct rec *r)
{
	struct crm_history h;
	struct crm_rules_opts o = {.min_support = r->support, .min_confidence = r->confidence,
		.min_count = 2, .top = (size_t)r->top};
	struct crm_rule *v = NULL;
	unsigned char *ok = NULL;
	size_t n = 0;
	int32_t orders;
	int rc = load_history(r, &h);
	if (rc == CRM_OK && (rc = crm_exclude_eligible(r->exclude, &h, &ok)) == CRM_OK) {
		o.eligible = ok;
		crm_cooccur_rules(&h, &o, &v, &n, &orders);
		crm_cooccur_write_rules(stdout, r->format, r->co.csv.delim, &h, v, n);
	}
	free(v);
	free(ok);
	crm_history_release(&h);
	return rc;
}

static int replenish(struct rec *r)
{
	struct crm_history h;
	struct crm_contacts c;
	struct crm_custlist l;
	struct crm_replenish_opts o = {.tz = r->tz, .as_of = r->as_of, .within = r->within_days};
	struct crm_due *v = NULL;
	unsigned char *want = NULL;
	size_t n = 0;
	int rc = crm_custlist_read(&l, r->customer, r->ncustomer, &r->in, r->tz, &r->co.csv);
	memset(&h, 0, sizeof h);
	memset(&c, 0, sizeof c);
	if (rc == CRM_OK)
		rc = load_buyers(r, &h, &c);
	if (rc == CRM_OK) {
		want = crm_xmalloc((size_t)h.ncust + 1);
		rc = crm_replenish_want(&h, &c, (const char *const *)l.id, (int)l.n, r->opted_in, want);
	}
	if (rc == CRM_OK) {
		o.eligible = h.active;
		o.want = want;
		crm_replenish(&h, &o, &v, &n);
		crm_replenish_write(stdout, r->format, r->co.csv.delim, &h, &c, v, n, r->as_of);
	}
	free(v);
	free(want);
	crm_custlist_free(&l);
	crm_contacts_release(&c);
	crm_history_release(&h);
	return rc;
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
	crm_i18n_init(argv[0]);
	/* The history, the model and the output's chunks are large arrays made
	 * and freed in turn: kept in the heap for reuse rather than mapped
	 * afresh, where every new page is a fault (56,000 at 1M order lines) */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	crm_stdout_bulk();
	memset(&r, 0, sizeof r);
	crm_common_init(&r.co);
	crm_input_init(&r.in);
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
	if (rc == CRM_OK && r.mode == M_EVALUATE)
		rc = split_at(&r, r.split);
	if (rc == CRM_OK)
		rc = run(&r);
	if (r.have_db)
		crm_db_close(&r.db);
	crm_tz_close(r.tz);
	free(r.customer);
	return crm_close_stdout(rc);
}
