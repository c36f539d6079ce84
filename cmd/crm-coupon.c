/* crm-coupon - single-use coupon codes: issue, redeem, void, expire, list,
 * stats.  See crm-coupon(1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "coupon.h"
#include "csvio.h"
#include "db.h"
#include "diag.h"
#include "i18n.h"
#include "norm.h"
#include "opts.h"

static const char usage[] = N_(
	"usage: crm-coupon [--db PATH] [-t | -d CHAR] [--encoding NAME] [--tz ZONE] [--now TIME]\n"
	"                  VERB [OPTIONS] [ARGS]\n"
	"       crm-coupon issue --campaign NAME --discount PCT%|AMOUNT --expires Nd|DATE\n"
	"                  [--min-order AMOUNT] [--currency CODE] [--prefix PREFIX] [--length N]\n"
	"                  [--birthday-month M] [--opted-in] [--again] [--map COLUMN=HEADER]...\n"
	"                  [--map-value COLUMN:FROM=TO]... [--map-value-file FILE]\n"
	"                  [--date-order mdy|dmy] [-q] [FILE]\n"
	"       crm-coupon redeem --order ID [--amount AMOUNT] [--currency CODE] [--backdate]\n"
	"                  [--explain] [--max-failures N[/hour]] CODE\n"
	"       crm-coupon void [-q] CODE... | --campaign NAME\n"
	"       crm-coupon expire [-q] [--campaign NAME]\n"
	"       crm-coupon list [--campaign NAME] [--state issued|redeemed|voided|expired]\n"
	"                  [--customer ID]\n"
	"       crm-coupon stats [--campaign NAME] [--from DATE] [--to DATE] [--currency CODE]\n"
	"       crm-coupon stats --failures\n"
	"\n"
	"Issues single-use coupon codes to customers (a CSV on standard input, such as\n"
	"crm-segment's), redeems each exactly once, and counts what they brought in.\n"
	"See crm-coupon(1).\n");

enum { OPT_NOW = CRM_OPT_CMD, OPT_CAMPAIGN, OPT_DISCOUNT, OPT_EXPIRES, OPT_MIN_ORDER,
	OPT_PREFIX, OPT_LENGTH, OPT_BIRTHDAY_MONTH, OPT_OPTED_IN, OPT_AGAIN, OPT_ORDER, OPT_AMOUNT,
	OPT_STATE, OPT_CUSTOMER, OPT_FROM, OPT_TO, OPT_BACKDATE, OPT_EXPLAIN, OPT_MAX_FAILURES,
	OPT_FAILURES };

#define O_NOW {"now", required_argument, NULL, OPT_NOW}
#define O_CAMPAIGN {"campaign", required_argument, NULL, OPT_CAMPAIGN}
#define O_QUIET {"quiet", no_argument, NULL, 'q'}
#define O_END {NULL, 0, NULL, 0}

/* Before the verb: the common options only. */
static const struct option common_opts[] = {CRM_COMMON_LONGOPTS, O_NOW, O_END};

static const struct option issue_opts[] = {
	CRM_COMMON_LONGOPTS, O_NOW, O_CAMPAIGN, CRM_INPUT_CURRENCY, O_QUIET,
	{"discount", required_argument, NULL, OPT_DISCOUNT},
	{"expires", required_argument, NULL, OPT_EXPIRES},
	{"min-order", required_argument, NULL, OPT_MIN_ORDER},
	{"prefix", required_argument, NULL, OPT_PREFIX},
	{"length", required_argument, NULL, OPT_LENGTH},
	{"birthday-month", required_argument, NULL, OPT_BIRTHDAY_MONTH},
	{"opted-in", no_argument, NULL, OPT_OPTED_IN},
	{"again", no_argument, NULL, OPT_AGAIN},
	CRM_INPUT_MAP, CRM_INPUT_DATE_ORDER, CRM_INPUT_MAP_VALUE,
	O_END,
};
static const struct option redeem_opts[] = {
	CRM_COMMON_LONGOPTS, O_NOW, CRM_INPUT_CURRENCY,
	{"order", required_argument, NULL, OPT_ORDER},
	{"amount", required_argument, NULL, OPT_AMOUNT},
	{"backdate", no_argument, NULL, OPT_BACKDATE},
	{"explain", no_argument, NULL, OPT_EXPLAIN},
	{"max-failures", required_argument, NULL, OPT_MAX_FAILURES},
	O_END,
};
static const struct option void_opts[] = {CRM_COMMON_LONGOPTS, O_NOW, O_CAMPAIGN, O_QUIET, O_END};
static const struct option expire_opts[] = {CRM_COMMON_LONGOPTS, O_NOW, O_CAMPAIGN, O_QUIET, O_END};
static const struct option list_opts[] = {
	CRM_COMMON_LONGOPTS, O_NOW, O_CAMPAIGN,
	{"state", required_argument, NULL, OPT_STATE},
	{"customer", required_argument, NULL, OPT_CUSTOMER},
	O_END,
};
static const struct option stats_opts[] = {
	CRM_COMMON_LONGOPTS, O_NOW, O_CAMPAIGN, CRM_INPUT_CURRENCY,
	{"from", required_argument, NULL, OPT_FROM},
	{"to", required_argument, NULL, OPT_TO},
	{"failures", no_argument, NULL, OPT_FAILURES},
	O_END,
};

struct coupon {
	struct crm_common co;
	const char *verb;
	int argc;                 /* the verb's operands */
	char **argv;
	/* options */
	const char *now_opt, *campaign, *discount, *expires, *min_order, *prefix_opt, *order;
	const char *amount, *customer, *from, *to;
	struct crm_input in;      /* --currency (else $CRM_CURRENCY), --map, --date-order */
	int length, birthday_month, opted_in, again, quiet, state;
	int backdate, explain, max_failures, failures;
	const char *currency;     /* what the run reads of in; NULL: none */
	/* the run */
	struct crm_tz *tz;
	char now[CRM_TIME_LEN], clock[CRM_TIME_LEN];   /* --now, and the real time */
	int64_t now_t;
	struct crm_db db;
	int have_db;
	struct crm_writer w;
};

/* ---- options ------------------------------------------------------------- */

static int number_option(const char *name, const char *arg, long min, long max, int *out)
{
	long v;
	if (crm_number_option(name, arg, min, max, NULL, &v) != 0)
		return CRM_EUSAGE;
	*out = (int)v;
	return 0;
}

/* --max-failures N or N/hour. */
static int max_failures(const char *arg, int *out)
{
	char num[16];
	size_t n = strcspn(arg, "/");
	long v;
	if (n >= sizeof num || (arg[n] && strcmp(arg + n, "/hour")))
		n = 0;
	memcpy(num, arg, n);
	num[n] = '\0';
	if (crm_parse_long(num, 1, 1000000, &v) < 0)
		return crm_usage_error(_("--max-failures '%s': expected N or N/hour, N a whole number "
				       "from 1 to 1000000"), arg);
	*out = (int)v;
	return 0;
}

static int own_option(void *ctx, int opt, const char *arg)
{
	struct coupon *c = ctx;
	switch (opt) {
	case OPT_NOW: c->now_opt = arg; return 0;
	case OPT_CAMPAIGN: c->campaign = arg; return 0;
	case OPT_DISCOUNT: c->discount = arg; return 0;
	case OPT_EXPIRES: c->expires = arg; return 0;
	case OPT_MIN_ORDER: c->min_order = arg; return 0;
	case OPT_PREFIX: c->prefix_opt = arg; return 0;
	case OPT_LENGTH:
		return number_option("--length", arg, CRM_COUPON_MIN_LENGTH, CRM_COUPON_MAX_LENGTH,
				     &c->length);
	case OPT_BIRTHDAY_MONTH:
		return number_option("--birthday-month", arg, 1, 12, &c->birthday_month);
	case OPT_OPTED_IN: c->opted_in = 1; return 0;
	case OPT_AGAIN: c->again = 1; return 0;
	case 'q': c->quiet = 1; return 0;
	case CRM_OPT_CURRENCY:
	case CRM_OPT_MAP:
	case CRM_OPT_DATE_ORDER:
	case CRM_OPT_MAP_VALUE:
	case CRM_OPT_MAP_VALUE_FILE:
		return crm_input_option(&c->in, opt, arg);
	case OPT_ORDER: c->order = arg; return 0;
	case OPT_AMOUNT: c->amount = arg; return 0;
	case OPT_STATE:
		if ((c->state = crm_coupon_state_parse(arg)) < 0)
			return crm_usage_error(_("--state must be issued, redeemed, voided or expired, "
					       "not '%s'"), arg);
		return 0;
	case OPT_CUSTOMER: c->customer = arg; return 0;
	case OPT_FROM: c->from = arg; return 0;
	case OPT_TO: c->to = arg; return 0;
	case OPT_BACKDATE: c->backdate = 1; return 0;
	case OPT_EXPLAIN: c->explain = 1; return 0;
	case OPT_MAX_FAILURES: return max_failures(arg, &c->max_failures);
	case OPT_FAILURES: c->failures = 1; return 0;
	}
	return crm_usage_error(_("unknown option"));
}

static int check_campaign(const char *s)
{
	const char *why = crm_coupon_campaign_bad(s);
	return why ? crm_usage_error(_("--campaign %s"), why) : CRM_OK;
}

/* ---- time ---------------------------------------------------------------- */

/* The real time, which --now may not overrule when redeeming: the system's,
 * or $CRM_TEST_CLOCK's for the test suite. */
static int set_now(struct coupon *c)
{
	const char *why = "";
	if (crm_clock(c->tz, c->clock) != CRM_OK)
		return CRM_EUSAGE;
	if (c->now_opt) {
		if (crm_parse_time(c->now_opt, c->tz, CRM_MDY, c->now, &why) < 0)
			return crm_usage_error(_("--now '%s' %s"), c->now_opt, why);
	} else {
		memcpy(c->now, c->clock, sizeof c->now);
	}
	c->now_t = crm_time_epoch(c->now);
	return CRM_OK;
}

/* ---- the database -------------------------------------------------------- */

static int open_db(struct coupon *c, int flags)
{
	int rc = crm_db_open(&c->db, crm_db_path(c->co.db), flags);
	c->have_db = 1;
	return rc;
}

/* ---- issue --------------------------------------------------------------- */

struct issue {
	struct coupon *c;
	struct crm_coupon_terms terms;
	struct crm_coupon_issue is;
	struct crm_coupon_plan *plan;
	/* the codes, written out after the commit */
	FILE *out;
	struct crm_writer w;
};

/* Customers come from a named FILE, or from standard input when it is a
 * pipe or a file (never a terminal or cron's /dev/null). */
static const char *stream_path(const struct coupon *c)
{
	if (c->argc > 0)
		return c->argv[0];
	return crm_stdin_is_data() ? "-" : NULL;
}

/* What the options say every code carries. */
static int issue_terms(struct coupon *c, struct issue *is, char prefix[CRM_COUPON_MAX_PREFIX + 1])
{
	struct crm_coupon_terms *t = &is->terms;
	const char *why = "";
	int rc;
	if (!c->campaign || !c->discount || !c->expires)
		return crm_usage_error(_("issue needs --campaign, --discount and --expires"));
	if ((rc = check_campaign(c->campaign)) != CRM_OK)
		return rc;
	t->min_order = -1;
	if (crm_coupon_parse_discount(c->discount, c->currency, t, &why) < 0)
		return crm_usage_error(_("--discount '%s' %s (a whole percentage such as 15%%, or an "
				       "amount such as 5000 or $5.00)"), c->discount, why);
	if (c->min_order && crm_coupon_parse_min_order(c->min_order, c->currency, t, &why) < 0)
		return crm_usage_error(_("--min-order '%s' %s"), c->min_order, why);
	if ((rc = crm_coupon_expiry(c->expires, c->tz, c->now_t, t->expires_at)) != CRM_OK)
		return rc;
	prefix[0] = '\0';
	if (c->prefix_opt && crm_coupon_prefix(c->prefix_opt, prefix, &why) < 0)
		return crm_usage_error(_("--prefix '%s' %s"), c->prefix_opt, why);
	is->is.campaign = c->campaign;
	is->is.prefix = prefix;
	is->is.length = c->length ? c->length : CRM_COUPON_LENGTH;
	is->is.terms = t;
	is->is.now = c->now;
	return CRM_OK;
}

/* The codes reach standard output only once they are committed. */
static int copy_out(FILE *from)
{
	char buf[8192];
	size_t n;
	rewind(from);
	while ((n = fread(buf, 1, sizeof buf, from)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			return CRM_EIO;
	if (ferror(from)) {
		crm_error(_("temporary file: read error"));
		return CRM_EIO;
	}
	return CRM_OK;
}

static void issue_summary(const struct issue *is)
{
	const struct crm_coupon_tally *t = crm_coupon_plan_tally(is->plan);
	const long long *n = t->fate;
	crm_error(_("issue '%s': %zu customers, %lld issued, %lld resent, %lld spent, %lld not "
		  "selected, %lld duplicates, %lld rejected"), is->c->campaign,
		  t->customers + (size_t)t->rejected, n[CRM_COUPON_NEW], n[CRM_COUPON_RESEND],
		  n[CRM_COUPON_SPENT], n[CRM_COUPON_UNSELECTED], n[CRM_COUPON_DUPLICATE], t->rejected);
}

static struct crm_coupon_plan *new_plan(const struct coupon *c)
{
	struct crm_coupon_audience a = {c->birthday_month, c->opted_in, c->again, &c->co.csv,
		&c->in, c->tz};
	return crm_coupon_plan_new(&a);
}

static int issue(struct coupon *c)
{
	static struct issue is;
	static char prefix[CRM_COUPON_MAX_PREFIX + 1];
	const char *path = stream_path(c);
	int rc;
	is.c = c;
	if (c->argc > 1)
		return crm_usage_error(_("issue reads one customers file at most, not %d"), c->argc);
	if (!path && !c->birthday_month)
		return crm_usage_error(_("issue reads customers from FILE or standard input, or from "
				       "the database with --birthday-month"));
	if ((rc = issue_terms(c, &is, prefix)) != CRM_OK)
		return rc;
	if (!(is.out = tmpfile())) {
		crm_error(_("cannot make a temporary file: %s"), strerror(errno));
		return CRM_EIO;
	}
	crm_writer_init(&is.w, is.out, c->co.csv.delim);
	is.plan = new_plan(c);
	if (path && (rc = crm_coupon_plan_read(is.plan, path)) != CRM_OK)
		goto done;
	/* a failed issue (a full disk at the COMMIT) stored none: no summary */
	if ((rc = open_db(c, CRM_DB_CREATE)) != CRM_OK ||
	    (rc = crm_coupon_plan_issue(is.plan, &c->db, &is.is, &is.w)) != CRM_OK) {
		if (rc == CRM_EIO || rc == CRM_EBUSY)
			crm_error(_("no code was issued"));
		goto done;
	}
	rc = copy_out(is.out);
	if (!c->quiet || crm_coupon_plan_tally(is.plan)->rejected)
		issue_summary(&is);
	if (rc == CRM_OK && crm_coupon_plan_tally(is.plan)->rejected)
		rc = CRM_EDATA;
done:
	crm_coupon_plan_free(is.plan);
	fclose(is.out);
	return rc;
}

/* ---- redeem -------------------------------------------------------------- */

static int answer(const struct crm_coupon *cp, void *ctx)
{
	return crm_coupon_answer(cp, ((struct coupon *)ctx)->co.csv.delim);
}

static int redeem(struct coupon *c)
{
	struct crm_coupon_redemption r = {.order_id = c->order, .now = c->now, .amount = -1,
		.clock = c->clock, .backdate = c->backdate, .explain = c->explain,
		.max_failures = c->max_failures};
	char cur[4];
	const char *why = "";
	int rc;
	if (c->argc != 1)
		return crm_usage_error(_("redeem takes one code, not %d"), c->argc);
	if (!c->order || !*c->order)
		return crm_usage_error(_("redeem needs --order ID"));
	if (c->amount) {
		snprintf(cur, sizeof cur, "%s", c->currency ? c->currency : "");
		if (crm_parse_money(c->amount, cur, &r.amount, &why) < 0)
			return crm_usage_error(_("--amount '%s' %s"), c->amount, why);
		if (r.amount < 0)
			return crm_usage_error(_("--amount '%s' is negative"), c->amount);
		r.amount_currency = cur;
	}
	if ((rc = open_db(c, CRM_DB_WRITE)) != CRM_OK)
		return rc;
	return crm_coupon_redeem(&c->db, c->argv[0], &r, answer, c);
}

/* ---- void and expire ----------------------------------------------------- */

static int void_codes(struct coupon *c)
{
	long long n[3] = {0, 0, 0};    /* voided, already void, refused */
	int rc, status;
	if (!c->argc == !c->campaign)
		return crm_usage_error(_("void takes codes or --campaign NAME"));
	if ((rc = open_db(c, CRM_DB_WRITE)) != CRM_OK ||
	    (rc = crm_db_begin_write(&c->db)) != CRM_OK)
		return rc;
	if (c->campaign)
		status = crm_coupon_void_campaign(&c->db, c->campaign, c->now, &n[0]);
	else
		status = crm_coupon_void_each(&c->db, c->argv, c->argc, c->now, n);
	if (status == CRM_EIO || status == CRM_EBUSY ||
	    (rc = crm_db_commit(&c->db)) != CRM_OK) {
		crm_db_rollback(&c->db);
		return status == CRM_EIO || status == CRM_EBUSY ? status : rc;
	}
	if (!c->quiet)
		crm_error(_("void: %lld voided, %lld already void, %lld refused"), n[0], n[1], n[2]);
	return status;
}

static int expire(struct coupon *c)
{
	long long n = 0;
	int rc;
	if (c->argc)
		return crm_usage_error(_("expire takes no arguments"));
	if ((rc = open_db(c, CRM_DB_WRITE)) != CRM_OK ||
	    (rc = crm_coupon_expire(&c->db, c->campaign, c->now, &n)) != CRM_OK)
		return rc;
	if (!c->quiet)
		crm_error(_("expire: %lld codes expired"), n);
	return CRM_OK;
}

/* ---- list and stats ------------------------------------------------------ */

static int list(struct coupon *c)
{
	static const char *const cols[] = {"code", "campaign", "customer_id", "state", "discount",
		"min_order", "issued_at", "expires_at", "redeemed_at", "order_id", "voided_at",
		"expired_at"};
	struct crm_coupon_filter f = {c->campaign, c->customer, c->state, NULL, NULL, NULL, c->now};
	int rc;
	if (c->argc)
		return crm_usage_error(_("list takes no arguments"));
	if ((rc = open_db(c, CRM_DB_READ)) != CRM_OK)
		return rc;
	crm_write_row(&c->w, cols, sizeof cols / sizeof cols[0]);
	return crm_coupon_list(&c->db, &f, crm_coupon_write_listed, &c->w);
}

/* stats --failures: the failed redemptions by reason. */
static int failures(struct coupon *c)
{
	static const char *const cols[] = {"reason", "last_24h", "all"};
	int rc;
	if ((rc = open_db(c, CRM_DB_READ)) != CRM_OK)
		return rc;
	crm_write_row(&c->w, cols, sizeof cols / sizeof cols[0]);
	return crm_coupon_failures(&c->db, c->now, crm_coupon_write_failure, &c->w);
}

static int stats(struct coupon *c)
{
	static const char *const cols[] = {"campaign", "issued", "redeemed", "redemption_rate",
		"revenue", "currency", "expired", "voided", "backdated"};
	char from[CRM_TIME_LEN], to[CRM_TIME_LEN];
	struct crm_coupon_filter f = {c->campaign, NULL, -1, NULL, NULL, c->currency, c->now};
	int rc;
	if (c->argc)
		return crm_usage_error(_("stats takes no arguments"));
	if (c->failures)
		return failures(c);
	if ((rc = crm_coupon_days(c->from, c->to, c->tz, from, to)) != CRM_OK)
		return rc;
	f.from = c->from ? from : NULL;
	f.to = c->to ? to : NULL;
	if ((rc = open_db(c, CRM_DB_READ)) != CRM_OK)
		return rc;
	crm_write_row(&c->w, cols, sizeof cols / sizeof cols[0]);
	return crm_coupon_stats(&c->db, &f, crm_coupon_write_figures, &c->w);
}

/* ---- verbs --------------------------------------------------------------- */

static const struct crm_verb verbs[] = {
	{"issue", issue_opts, "+" CRM_COMMON_SHORTOPTS "q"},
	{"redeem", redeem_opts, "+" CRM_COMMON_SHORTOPTS},
	{"void", void_opts, "+" CRM_COMMON_SHORTOPTS "q"},
	{"expire", expire_opts, "+" CRM_COMMON_SHORTOPTS "q"},
	{"list", list_opts, "+" CRM_COMMON_SHORTOPTS},
	{"stats", stats_opts, "+" CRM_COMMON_SHORTOPTS},
};
/* What each verb does, in the order of verbs[]. */
static int (*const run[])(struct coupon *c) = {issue, redeem, void_codes, expire, list, stats};

static int parse_command(struct coupon *c, int argc, char **argv, int *verb)
{
	struct crm_command cmd = {&c->co, usage, common_opts, own_option, c, verbs,
		(int)(sizeof verbs / sizeof verbs[0]), -1, 0, NULL};
	int rc = crm_parse_command(&cmd, argc, argv);
	if (rc != CRM_OK)
		return rc;
	*verb = cmd.verb;
	c->verb = verbs[cmd.verb].name;
	c->argc = cmd.argc;
	c->argv = cmd.argv;
	return CRM_OK;
}

static int setup(struct coupon *c)
{
	if (crm_input_env(&c->in) != 0)
		return CRM_EUSAGE;
	c->currency = crm_input_currency(&c->in);
	if (!(c->tz = crm_common_tz(&c->co)))
		return CRM_EUSAGE;
	if (c->campaign && check_campaign(c->campaign) != CRM_OK)
		return CRM_EUSAGE;
	crm_writer_init(&c->w, stdout, c->co.csv.delim);
	return set_now(c);
}

int main(int argc, char **argv)
{
	static struct coupon c;
	int verb = -1, rc;

	crm_set_progname(argv[0]);
	crm_i18n_init(argv[0]);
	argv[0] = (char *)crm_progname;
	crm_common_init(&c.co);
	crm_input_init(&c.in);
	c.state = -1;
	if ((rc = parse_command(&c, argc, argv, &verb)) == CRM_OK && (rc = setup(&c)) == CRM_OK)
		rc = run[verb](&c);
	if (c.have_db)
		crm_db_close(&c.db);
	crm_tz_close(c.tz);
	return crm_close_stdout(rc);
}
