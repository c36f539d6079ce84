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
	case OPT_METHOD: r->method = arg; return 0;
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

static int recommend(struct rec *r)
{
	struct crm_history h;
	int rc = load_history(r, &h);
	if (rc == CRM_OK)
		crm_error("recommendations: not built yet");
	crm_history_release(&h);
	return rc == CRM_OK ? CRM_EUSAGE : rc;
}

static int evaluate(struct rec *r)
{
	(void)r;
	crm_error("--evaluate: not built yet");
	return CRM_EUSAGE;
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
	if (rc != CRM_OK || (rc = crm_db_begin_read(&r->db)) != CRM_OK)
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
