/* crm-loyalty - a points ledger on the orders crm keeps: program, earn,
 * redeem, adjust, expire, tiers, balance, expiring, statement, birthday,
 * stats, check.  See crm-loyalty(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "diag.h"
#include "entity.h"
#include "i18n.h"
#include "ledger.h"
#include "loyalty_tier.h"
#include "loyalty_query.h"
#include "loyalty_earn.h"
#include "norm.h"
#include "opts.h"
#include "table.h"

static const char usage[] = N_(
	"usage: crm-loyalty [--db PATH] [-t | -d CHAR] [--tz ZONE] [--as-of DATE]\n"
	"                   VERB [OPTIONS]\n"
	"       crm-loyalty program [--program FILE [--effective DATE] [-q]]\n"
	"       crm-loyalty earn [--program FILE] [-q]\n"
	"       crm-loyalty redeem --customer ID --points N [--order ID] [--reason TEXT]\n"
	"       crm-loyalty adjust --customer ID --points +N|-N --reason TEXT\n"
	"       crm-loyalty expire [--program FILE] [-q]\n"
	"       crm-loyalty tiers [--save] [--program FILE] [-q] [--format csv|text|json]\n"
	"       crm-loyalty balance [--customer ID] [--tier NAME] [--opted-in]\n"
	"                   [--format csv|text|json]\n"
	"       crm-loyalty expiring --within Nd [--opted-in] [--format csv|text|json]\n"
	"       crm-loyalty statement --customer ID [--format csv|text|json]\n"
	"       crm-loyalty birthday --month M [--grant] [--program FILE] [-q]\n"
	"                   [--format csv|text|json]\n"
	"       crm-loyalty stats [--from DATE] [--to DATE] [--format csv|text|json]\n"
	"       crm-loyalty check\n"
	"\n"
	"Keeps a shop's loyalty points in an append-only ledger: what paid orders\n"
	"earn under the stored program, what is redeemed, adjusted, reversed and\n"
	"expired, the tiers members hold.  Every verb acts as of --as-of DATE\n"
	"(default today in --tz).  See crm-loyalty(1).\n");

enum { OPT_AS_OF = CRM_OPT_CMD, OPT_FORMAT, OPT_PROGRAM, OPT_EFFECTIVE, OPT_CUSTOMER,
	OPT_POINTS, OPT_ORDER, OPT_REASON, OPT_SAVE, OPT_TIER, OPT_OPTED_IN, OPT_WITHIN,
	OPT_MONTH, OPT_GRANT, OPT_FROM, OPT_TO };

#define O_AS_OF {"as-of", required_argument, NULL, OPT_AS_OF}
#define O_FORMAT {"format", required_argument, NULL, OPT_FORMAT}
#define O_PROGRAM {"program", required_argument, NULL, OPT_PROGRAM}
#define O_CUSTOMER {"customer", required_argument, NULL, OPT_CUSTOMER}
#define O_POINTS {"points", required_argument, NULL, OPT_POINTS}
#define O_REASON {"reason", required_argument, NULL, OPT_REASON}
#define O_OPTED_IN {"opted-in", no_argument, NULL, OPT_OPTED_IN}
#define O_QUIET {"quiet", no_argument, NULL, 'q'}
#define O_END {NULL, 0, NULL, 0}
#define COMMON CRM_COMMON_LONGOPTS, O_AS_OF

/* Before the verb: the common options only. */
static const struct option common_opts[] = {COMMON, O_END};

static const struct option program_opts[] = {COMMON, O_PROGRAM, O_QUIET,
	{"effective", required_argument, NULL, OPT_EFFECTIVE}, O_END};
static const struct option earn_opts[] = {COMMON, O_PROGRAM, O_QUIET, O_END};
static const struct option redeem_opts[] = {COMMON, O_PROGRAM, O_QUIET, O_CUSTOMER, O_POINTS,
	O_REASON, {"order", required_argument, NULL, OPT_ORDER}, O_END};
static const struct option adjust_opts[] = {COMMON, O_PROGRAM, O_QUIET, O_CUSTOMER, O_POINTS,
	O_REASON, O_END};
static const struct option expire_opts[] = {COMMON, O_PROGRAM, O_QUIET, O_END};
static const struct option tiers_opts[] = {COMMON, O_PROGRAM, O_QUIET, O_FORMAT,
	{"save", no_argument, NULL, OPT_SAVE}, O_END};
static const struct option balance_opts[] = {COMMON, O_FORMAT, O_CUSTOMER, O_OPTED_IN,
	{"tier", required_argument, NULL, OPT_TIER}, O_END};
static const struct option expiring_opts[] = {COMMON, O_FORMAT, O_OPTED_IN,
	{"within", required_argument, NULL, OPT_WITHIN}, O_END};
static const struct option statement_opts[] = {COMMON, O_FORMAT, O_CUSTOMER, O_END};
static const struct option birthday_opts[] = {COMMON, O_PROGRAM, O_QUIET, O_FORMAT,
	{"month", required_argument, NULL, OPT_MONTH},
	{"grant", no_argument, NULL, OPT_GRANT}, O_END};
static const struct option stats_opts[] = {COMMON, O_FORMAT,
	{"from", required_argument, NULL, OPT_FROM},
	{"to", required_argument, NULL, OPT_TO}, O_END};
static const struct option check_opts[] = {COMMON, O_END};

struct loyalty {
	struct crm_common co;
	const char *verb;
	int argc;                 /* the verb's operands */
	char **argv;
	/* options, as given: each verb reads and checks its own */
	const char *as_of_opt, *program, *effective, *customer, *points, *order, *reason;
	const char *tier, *within, *month, *from, *to;
	int quiet, save, opted_in, grant;
	enum crm_format format;
	/* the run */
	struct crm_tz *tz;
	char clock[CRM_TIME_LEN];          /* now, by the clock (CRM_TEST_CLOCK) */
	int64_t today;                     /* the clock's local day */
	int64_t as_of;                     /* the --as-of day (local day number) */
	char as_of_date[CRM_DATE_LEN];     /* the same as YYYY-MM-DD */
	char d1[CRM_TIME_LEN];             /* the first instant after it: T happened iff T < d1 */
	char stamp[CRM_TIME_LEN];          /* `at` of redeem, adjust, bonus: the clock's now
					      when as_of is today, else d1 - 1 s */
	struct crm_db db;
	int have_db;
};

/* ---- options ------------------------------------------------------------- */

static int own_option(void *ctx, int opt, const char *arg)
{
	struct loyalty *l = ctx;
	int v;
	switch (opt) {
	case OPT_AS_OF: l->as_of_opt = arg; return 0;
	case OPT_FORMAT:
		if ((v = crm_format_parse(arg)) < 0)
			return crm_usage_error(_("--format must be csv, text or json, not '%s'"), arg);
		l->format = v;
		return 0;
	case OPT_PROGRAM: l->program = arg; return 0;
	case OPT_EFFECTIVE: l->effective = arg; return 0;
	case OPT_CUSTOMER: l->customer = arg; return 0;
	case OPT_POINTS: l->points = arg; return 0;
	case OPT_ORDER: l->order = arg; return 0;
	case OPT_REASON: l->reason = arg; return 0;
	case OPT_SAVE: l->save = 1; return 0;
	case OPT_TIER: l->tier = arg; return 0;
	case OPT_OPTED_IN: l->opted_in = 1; return 0;
	case OPT_WITHIN: l->within = arg; return 0;
	case OPT_MONTH: l->month = arg; return 0;
	case OPT_GRANT: l->grant = 1; return 0;
	case OPT_FROM: l->from = arg; return 0;
	case OPT_TO: l->to = arg; return 0;
	case 'q': l->quiet = 1; return 0;
	}
	return crm_usage_error(_("unknown option"));
}

static int no_operands(const struct loyalty *l)
{
	if (l->argc)
		return crm_usage_error(_("%s takes no arguments ('%s')"), l->verb, l->argv[0]);
	return CRM_OK;
}

/* ---- time ---------------------------------------------------------------- */

/* The as-of day, the instant that ends it, and the stamp of dated entries. */
static int set_days(struct loyalty *l)
{
	const char *why = "";
	if (crm_clock(l->tz, l->clock) != CRM_OK)
		return CRM_EUSAGE;
	l->today = crm_local_day(l->tz, crm_time_epoch(l->clock));
	l->as_of = l->today;
	if (l->as_of_opt && (crm_date_day(l->as_of_opt, &l->as_of) < 0 ||
			     l->as_of < CRM_DAY_FIRST || l->as_of >= CRM_DAY_LAST))
		return crm_usage_error(_("--as-of '%s' is not a date (YYYY-MM-DD)"), l->as_of_opt);
	crm_day_date(l->as_of, l->as_of_date);
	if (crm_day_start(l->tz, l->as_of + 1, l->d1, &why) < 0)
		return crm_usage_error(_("--as-of '%s': the day after %s"), l->as_of_opt, why);
	if (crm_ledger_stamp(l->tz, l->as_of, l->clock, l->stamp, &why) != CRM_OK)
		return crm_usage_error(_("--as-of '%s': the day after %s"), l->as_of_opt, why);
	return CRM_OK;
}

/* ---- the database -------------------------------------------------------- */

static int open_db(struct loyalty *l, int mode)
{
	int rc = crm_db_open(&l->db, crm_db_path(l->co.db), mode);
	l->have_db = 1;
	return rc;
}

/* The instant a program stored now takes effect: the first of --effective
 * DATE, else of the as-of day, in --tz. */
static int effective_at(const struct loyalty *l, char out[CRM_TIME_LEN])
{
	int64_t day = l->as_of;
	const char *why = "";
	if (l->effective && (crm_date_day(l->effective, &day) < 0 || day < CRM_DAY_FIRST ||
			     day >= CRM_DAY_LAST))
		return crm_usage_error(_("--effective '%s' is not a date (YYYY-MM-DD)"), l->effective);
	if (crm_day_start(l->tz, day, out, &why) < 0)
		return crm_usage_error(_("--effective '%s' %s"), l->effective ? l->effective :
				       l->as_of_date, why);
	return CRM_OK;
}

/* --program FILE: stored as a new version unless it is the latest. */
static int store_program(struct loyalty *l)
{
	char at[CRM_TIME_LEN];
	int64_t version;
	int rc = effective_at(l, at);
	if (rc == CRM_OK)
		rc = crm_loyalty_program_store(&l->db, l->program, at, l->clock, &version);
	if (rc == CRM_OK && version && !l->quiet)
		crm_error(_("program: stored as version %lld"), (long long)version);
	return rc;
}

/* A verb that writes: the database, and --program FILE stored first when it
 * differs from the version in force. */
static int open_write(struct loyalty *l)
{
	int rc = open_db(l, CRM_DB_WRITE);
	if (rc == CRM_OK && l->program)
		rc = store_program(l);
	return rc;
}

/* The day a run acts on. */
static struct crm_loyalty_day day_of(const struct loyalty *l)
{
	struct crm_loyalty_day d = {l->tz, l->as_of_date, l->d1, l->stamp, l->clock};
	return d;
}

/* ---- A1: program, earn, expire ------------------------------------------- */

static int program(struct loyalty *l)
{
	char at[CRM_TIME_LEN];
	int rc = no_operands(l);
	if (rc != CRM_OK)
		return rc;
	if (l->effective && !l->program)
		return crm_usage_error(_("--effective needs --program FILE"));
	if (l->program) {
		if ((rc = effective_at(l, at)) != CRM_OK)     /* before a database is made */
			return rc;
		if ((rc = open_db(l, CRM_DB_CREATE)) != CRM_OK)
			return rc;
		return store_program(l);
	}
	if ((rc = open_db(l, CRM_DB_READ)) != CRM_OK)
		return rc;
	return crm_loyalty_program_print(&l->db, l->tz, l->stamp, stdout);
}

static int earn(struct loyalty *l)
{
	struct crm_loyalty_day d = day_of(l);
	struct crm_loyalty_earn_tally t;
	int rc = no_operands(l);
	if (rc != CRM_OK || (rc = open_write(l)) != CRM_OK ||
	    (rc = crm_loyalty_earn(&l->db, &d, &t)) != CRM_OK)
		return rc;
	if (!l->quiet)
		crm_error(_("earn: %lld orders, %lld points; %lld reversed (%lld points, %lld short); "
			  "%lld released; %lld signup bonuses"), t.orders, t.points, t.reversed,
			  t.reversed_points, t.short_points, t.released, t.bonuses);
	return CRM_OK;
}

static int expire(struct loyalty *l)
{
	struct crm_loyalty_day d = day_of(l);
	long long lots, points;
	int rc = no_operands(l);
	if (rc != CRM_OK || (rc = open_write(l)) != CRM_OK ||
	    (rc = crm_loyalty_expire(&l->db, &d, &lots, &points)) != CRM_OK)
		return rc;
	if (!l->quiet)
		crm_error(_("expire: %lld lots, %lld points"), lots, points);
	return CRM_OK;
}

/* ---- A2: redeem, adjust, check ------------------------------------------- */

#define POINTS_MAX 1000000000000000LL    /* 10^15: what one move may carry */
#define REASON_MAX 1000                  /* bytes of a --reason */

/* --customer, --points, --order and --reason of a move; redeem wants N > 0,
 * adjust +N or -N. */
static int move_options(const struct loyalty *l, int redeeming, struct crm_ledger_move *m)
{
	const char *why = "";
	if (no_operands(l) != CRM_OK)
		return CRM_EUSAGE;
	if (!l->customer || !*l->customer || strlen(l->customer) > CRM_KEY_MAX)
		return crm_usage_error(_("%s needs --customer ID (1 to %d bytes)"), l->verb, CRM_KEY_MAX);
	if (l->order && (!*l->order || strlen(l->order) > CRM_KEY_MAX))
		return crm_usage_error(_("--order must be 1 to %d bytes"), CRM_KEY_MAX);
	if (!l->points)
		return crm_usage_error(_("%s needs --points %s"), l->verb, redeeming ? "N" : "+N|-N");
	if (crm_parse_int(l->points, &m->points, &why) < 0 || m->points == 0 ||
	    m->points > POINTS_MAX || m->points < -POINTS_MAX ||
	    (redeeming && (m->points < 0 || l->points[0] == '+')))
		return crm_usage_error(_("--points '%s' is not %s"), l->points, redeeming ?
				       _("a number of points from 1 to 10^15") :
				       _("+N or -N points, N from 1 to 10^15"));
	if (l->reason && (strlen(l->reason) > REASON_MAX || !l->reason[strspn(l->reason, " \t")]))
		return crm_usage_error(_("--reason must hold some text, at most %d bytes"), REASON_MAX);
	if (!redeeming && !l->reason)
		return crm_usage_error(_("adjust needs --reason TEXT"));
	m->customer_id = l->customer;
	m->order_id = l->order;
	m->reason = l->reason;
	m->at = l->stamp;
	return CRM_OK;
}

/* Say how a move went: to stderr, the customer and reason escaped. */
static int move_said(const struct loyalty *l, const struct crm_ledger_move *m, int rc,
		     int64_t available, long long signed_points)
{
	char q[80], r[80];
	crm_quote(m->customer_id, q, sizeof q);
	if (rc == CRM_LEDGER_EUNKNOWN)
		crm_error(_("%s: unknown customer %s"), l->verb, q);
	else if (rc == CRM_LEDGER_ESHORT)
		crm_error(_("%s: insufficient points: customer %s has %lld available, not %lld"),
			  l->verb, q, (long long)available, signed_points < 0 ? -signed_points :
			  signed_points);
	else if (rc == CRM_OK && !l->quiet)
		crm_error(_("%s: customer %s %+lld points at %s%s%s"), l->verb, q, signed_points, m->at,
			  m->reason ? ": " : "", m->reason ? crm_quote(m->reason, r, sizeof r) : "");
	return rc;
}

static int redeem(struct loyalty *l)
{
	struct crm_ledger_move m;
	int64_t available = 0;
	int rc = move_options(l, 1, &m);
	if (rc != CRM_OK || (rc = open_write(l)) != CRM_OK)
		return rc;
	rc = crm_ledger_redeem(&l->db, &m, &available);
	return move_said(l, &m, rc, available, -(long long)m.points);
}

static int adjust(struct loyalty *l)
{
	struct crm_ledger_move m;
	int64_t available = 0;
	char expires[CRM_TIME_LEN];
	int rc = move_options(l, 0, &m);
	if (rc != CRM_OK || (rc = open_write(l)) != CRM_OK)
		return rc;
	rc = crm_ledger_adjust(&l->db, l->tz, &m, &available, expires);
	return move_said(l, &m, rc, available, (long long)m.points);
}

/* Every invariant as of the day: the violations, then the count line. */
static int check(struct loyalty *l)
{
	struct crm_ledger_check c;
	int rc = no_operands(l);
	if (rc != CRM_OK || (rc = open_db(l, CRM_DB_READ)) != CRM_OK ||
	    (rc = crm_db_begin_read(&l->db)) != CRM_OK)
		return rc;
	if ((rc = crm_ledger_check(&l->db, l->tz, l->d1, stdout, &c)) != CRM_OK)
		return rc;
	crm_db_rollback(&l->db);
	if (c.violations) {
		printf(_("check: %lld customers, %lld entries: %lld violations\n"), c.customers,
		       c.entries, c.violations);
		return CRM_EDATA;
	}
	printf(_("check: %lld customers, %lld entries: ok\n"), c.customers, c.entries);
	return CRM_OK;
}

/* ---- B: balance, expiring, statement, stats ------------------------------ */

/* What the reading verbs share: the as-of day, the format, the filters. */
static void query_init(const struct loyalty *l, struct crm_loyalty_query *q)
{
	memset(q, 0, sizeof *q);
	q->tz = l->tz;
	q->as_of = l->as_of;
	q->format = l->format;
	q->delim = l->co.csv.delim;
	q->customer = l->customer;
	q->tier = l->tier;
	q->opted_in = l->opted_in;
}

typedef int query_fn(struct crm_db *db, const struct crm_loyalty_query *q, FILE *out);

/* Run a query on one snapshot of the database, read only. */
static int read_query(struct loyalty *l, query_fn *fn, const struct crm_loyalty_query *q)
{
	int rc = no_operands(l);
	if (rc == CRM_OK && (rc = open_db(l, CRM_DB_READ)) == CRM_OK &&
	    (rc = crm_db_begin_read(&l->db)) == CRM_OK) {
		rc = fn(&l->db, q, stdout);
		crm_db_rollback(&l->db);
	}
	return rc;
}

/* --customer ID: a key, refused rather than cut when too long. */
static int customer_option(const struct loyalty *l, int required)
{
	if (!l->customer)
		return required ? crm_usage_error(_("%s needs --customer ID"), l->verb) : CRM_OK;
	if (!l->customer[0] || strlen(l->customer) > CRM_KEY_MAX)
		return crm_usage_error(_("--customer: an id is 1 to %d bytes"), CRM_KEY_MAX);
	return CRM_OK;
}

static int balance(struct loyalty *l)
{
	struct crm_loyalty_query q;
	int rc = customer_option(l, 0);
	if (rc != CRM_OK)
		return rc;
	if (l->tier && !l->tier[0])
		return crm_usage_error(_("--tier: a tier's name is not empty"));
	query_init(l, &q);
	return read_query(l, crm_loyalty_balance, &q);
}

/* --within Nd: N days, 1 to 36500. */
static int within_option(const char *arg, int *days)
{
	long v;
	if (!arg)
		return crm_usage_error(_("expiring needs --within Nd"));
	if (crm_days_option("--within", arg, 1, 36500, 1, &v) != 0)
		return CRM_EUSAGE;
	*days = (int)v;
	return CRM_OK;
}

static int expiring(struct loyalty *l)
{
	struct crm_loyalty_query q;
	query_init(l, &q);
	if (within_option(l->within, &q.within) != CRM_OK)
		return CRM_EUSAGE;
	return read_query(l, crm_loyalty_expiring, &q);
}

static int statement(struct loyalty *l)
{
	struct crm_loyalty_query q;
	int rc = customer_option(l, 1);
	if (rc != CRM_OK)
		return rc;
	query_init(l, &q);
	return read_query(l, crm_loyalty_statement, &q);
}

/* --from and --to: days, both included; by default from the beginning to
 * the as-of day. */
static int stats(struct loyalty *l)
{
	struct crm_loyalty_query q;
	query_init(l, &q);
	q.from = CRM_DAY_FIRST;
	q.to = l->as_of;
	if (l->from && crm_date_day(l->from, &q.from) < 0)
		return crm_usage_error(_("--from '%s' is not a date (YYYY-MM-DD)"), l->from);
	if (l->to && crm_date_day(l->to, &q.to) < 0)
		return crm_usage_error(_("--to '%s' is not a date (YYYY-MM-DD)"), l->to);
	if (q.from > q.to && l->to)
		return crm_usage_error(_("--from %s is after --to %s"), l->from, l->to);
	if (q.from > q.to)
		return crm_usage_error(_("--from %s is after the as-of day %s"), l->from, l->as_of_date);
	return read_query(l, crm_loyalty_stats_write, &q);
}

/* ---- C: tiers, birthday -------------------------------------------------- */

/* Open the database to write when the verb writes (or stores --program),
 * else to read. */
static int open_for(struct loyalty *l, int writes)
{
	return writes || l->program ? open_write(l) : open_db(l, CRM_DB_READ);
}

static int tiers(struct loyalty *l)
{
	struct crm_tiers_req rq = {l->tz, l->as_of, l->d1, l->clock, l->save};
	struct crm_tier_moves m;
	int rc = no_operands(l);
	if (rc != CRM_OK || (rc = open_for(l, l->save)) != CRM_OK)
		return rc;
	rc = crm_tiers_evaluate(&l->db, &rq, &m);
	if (rc == CRM_OK)
		crm_tier_moves_write(&m, stdout, l->format, l->co.csv.delim);
	if (rc == CRM_OK && !l->quiet && l->save)
		fprintf(stderr, _("%s: tiers: %lld customers evaluated; %lld up, %lld down, %lld held\n"),
			crm_progname, m.evaluated, m.up, m.down, m.held);
	crm_tier_moves_release(&m);
	return rc;
}

static int birthday(struct loyalty *l)
{
	struct crm_birthday_req rq = {l->tz, l->as_of, l->d1, l->clock, l->stamp, 0, l->grant};
	struct crm_birthday_sum sum;
	long month;
	int rc = no_operands(l);
	if (rc != CRM_OK)
		return rc;
	if (!l->month)
		return crm_usage_error(_("birthday: --month M is required"));
	if (crm_number_option("--month", l->month, 1, 12, NULL, &month) != 0)
		return CRM_EUSAGE;
	rq.month = (int)month;
	if ((rc = open_for(l, l->grant)) != CRM_OK)
		return rc;
	rc = crm_birthday_run(&l->db, &rq, stdout, l->format, l->co.csv.delim, &sum);
	if (rc == CRM_OK && !l->quiet && l->grant)
		fprintf(stderr, _("%s: birthday: %lld granted (%lld points each) for %d; %lld born in "
			"month %d\n"), crm_progname, sum.granted, (long long)sum.points, sum.year,
			sum.customers, rq.month);
	return rc;
}

/* ---- verbs --------------------------------------------------------------- */

#define SHORT "+" CRM_COMMON_SHORTOPTS
static const struct crm_verb verbs[] = {
	{"program", program_opts, SHORT "q"},
	{"earn", earn_opts, SHORT "q"},
	{"redeem", redeem_opts, SHORT "q"},
	{"adjust", adjust_opts, SHORT "q"},
	{"expire", expire_opts, SHORT "q"},
	{"tiers", tiers_opts, SHORT "q"},
	{"balance", balance_opts, SHORT},
	{"expiring", expiring_opts, SHORT},
	{"statement", statement_opts, SHORT},
	{"birthday", birthday_opts, SHORT "q"},
	{"stats", stats_opts, SHORT},
	{"check", check_opts, SHORT},
};
/* What each verb does, in the order of verbs[]. */
static int (*const run[])(struct loyalty *l) = {program, earn, redeem, adjust, expire, tiers,
	balance, expiring, statement, birthday, stats, check};

static int parse_command(struct loyalty *l, int argc, char **argv, int *verb)
{
	struct crm_command cmd = {&l->co, usage, common_opts, own_option, l, verbs,
		(int)(sizeof verbs / sizeof verbs[0]), -1, 0, NULL};
	int rc = crm_parse_command(&cmd, argc, argv);
	if (rc != CRM_OK)
		return rc;
	*verb = cmd.verb;
	l->verb = verbs[cmd.verb].name;
	l->argc = cmd.argc;
	l->argv = cmd.argv;
	return CRM_OK;
}

static int setup(struct loyalty *l)
{
	if (!(l->tz = crm_common_tz(&l->co)))
		return CRM_EUSAGE;
	return set_days(l);
}

int main(int argc, char **argv)
{
	static struct loyalty l;
	int verb = -1, rc;

	crm_set_progname(argv[0]);
	crm_i18n_init(argv[0]);
	argv[0] = (char *)crm_progname;
	crm_common_init(&l.co);
	l.format = CRM_FORMAT_CSV;
	if ((rc = parse_command(&l, argc, argv, &verb)) == CRM_OK && (rc = setup(&l)) == CRM_OK)
		rc = run[verb](&l);
	if (l.have_db)
		crm_db_close(&l.db);
	crm_tz_close(l.tz);
	return crm_close_stdout(rc);
}
