/* crm-coupon - single-use coupon codes: issue, redeem, void, expire, list,
 * stats.  See crm-coupon(1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "coupon.h"
#include "csvio.h"
#include "db.h"
#include "diag.h"
#include "entity.h"
#include "norm.h"
#include "opts.h"

static const char usage[] =
	"usage: crm-coupon [--db PATH] [-t | -d CHAR] [--encoding NAME] [--tz ZONE] [--now TIME]\n"
	"                  VERB [OPTIONS] [ARGS]\n"
	"       crm-coupon issue --campaign NAME --discount PCT%|AMOUNT --expires Nd|DATE\n"
	"                  [--min-order AMOUNT] [--currency CODE] [--prefix PREFIX] [--length N]\n"
	"                  [--birthday-month M] [--opted-in] [--again] [--map COLUMN=HEADER]...\n"
	"                  [--date-order mdy|dmy] [-q] [FILE]\n"
	"       crm-coupon redeem --order ID [--amount AMOUNT] [--currency CODE] CODE\n"
	"       crm-coupon void [-q] CODE... | --campaign NAME\n"
	"       crm-coupon expire [-q] [--campaign NAME]\n"
	"       crm-coupon list [--campaign NAME] [--state issued|redeemed|voided|expired]\n"
	"                  [--customer ID]\n"
	"       crm-coupon stats [--campaign NAME] [--from DATE] [--to DATE] [--currency CODE]\n"
	"\n"
	"Issues single-use coupon codes to customers (a CSV on standard input, such as\n"
	"crm-segment's), redeems each exactly once, and counts what they brought in.\n"
	"See crm-coupon(1).\n";

enum { OPT_NOW = CRM_OPT_CMD, OPT_CAMPAIGN, OPT_DISCOUNT, OPT_EXPIRES, OPT_MIN_ORDER,
	OPT_PREFIX, OPT_LENGTH, OPT_BIRTHDAY_MONTH, OPT_OPTED_IN, OPT_AGAIN, OPT_ORDER, OPT_AMOUNT,
	OPT_STATE, OPT_CUSTOMER, OPT_FROM, OPT_TO };

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
	CRM_INPUT_MAP, CRM_INPUT_DATE_ORDER,
	O_END,
};
static const struct option redeem_opts[] = {
	CRM_COMMON_LONGOPTS, O_NOW, CRM_INPUT_CURRENCY,
	{"order", required_argument, NULL, OPT_ORDER},
	{"amount", required_argument, NULL, OPT_AMOUNT},
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
	/* what the run reads of in */
	const char *currency;     /* NULL: none */
	const char *const *map;
	int nmap;
	enum crm_date_order date_order;
	/* the run */
	struct crm_tz *tz;
	char now[CRM_TIME_LEN];
	int64_t now_t;
	struct crm_db db;
	int have_db;
	struct crm_writer w;
};

/* ---- options ------------------------------------------------------------- */

static int number_option(const char *name, const char *arg, long min, long max, int *out)
{
	long v;
	if (crm_parse_long(arg, min, max, &v) < 0)
		return crm_usage_error("%s '%s': expected a whole number from %ld to %ld", name, arg,
				       min, max);
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
		return crm_input_option(&c->in, opt, arg);
	case OPT_ORDER: c->order = arg; return 0;
	case OPT_AMOUNT: c->amount = arg; return 0;
	case OPT_STATE:
		if ((c->state = crm_coupon_state_parse(arg)) < 0)
			return crm_usage_error("--state must be issued, redeemed, voided or expired, "
					       "not '%s'", arg);
		return 0;
	case OPT_CUSTOMER: c->customer = arg; return 0;
	case OPT_FROM: c->from = arg; return 0;
	case OPT_TO: c->to = arg; return 0;
	}
	return crm_usage_error("unknown option");
}

/* Parse options with getopt_long over argv; CRM_OK or an exit code. */
static int parse(struct coupon *c, int argc, char **argv, const char *shortopts,
		 const struct option *opts)
{
	return crm_parse_options(&c->co, argc, argv, shortopts, opts, usage, own_option, c);
}

/* A campaign names the codes in reports: printable text, not too long. */
static int check_campaign(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!*p)
		return crm_usage_error("--campaign must not be empty");
	if (strlen(s) > 100)
		return crm_usage_error("--campaign is longer than 100 bytes");
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return crm_usage_error("--campaign has a control character");
	return CRM_OK;
}

/* ---- time ---------------------------------------------------------------- */

static int set_now(struct coupon *c)
{
	const char *why = "";
	if (c->now_opt) {
		if (crm_parse_time(c->now_opt, c->tz, CRM_MDY, c->now, &why) < 0)
			return crm_usage_error("--now '%s' %s", c->now_opt, why);
	} else {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(c->now, sizeof c->now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	c->now_t = crm_time_epoch(c->now);
	return CRM_OK;
}

/* The first instant of local day `day`, as canonical UTC time. */
static int day_start(struct coupon *c, int64_t day, char out[CRM_TIME_LEN])
{
	char date[CRM_DATE_LEN];
	const char *why = "";
	crm_day_date(day, date);
	if (crm_parse_time(date, c->tz, CRM_MDY, out, &why) < 0) {
		crm_error("%s: the local midnight %s", date, why);
		return CRM_EUSAGE;
	}
	return CRM_OK;
}

/* The last local day on which a code that expires at `expires_at` is valid. */
static void valid_until(struct coupon *c, const char *expires_at, char out[CRM_DATE_LEN])
{
	char t[CRM_TIME_LEN];
	out[0] = '\0';
	if (!expires_at || strlen(expires_at) != CRM_TIME_LEN - 1)
		return;
	memcpy(t, expires_at, sizeof t);
	crm_day_date(crm_local_day(c->tz, crm_time_epoch(t) - 1), out);
}

/* --expires Nd (through the local day N days from today) or DATE (through
 * that day): the code expires at the next local midnight. */
static int parse_expires(struct coupon *c, char out[CRM_TIME_LEN])
{
	const char *arg = c->expires;
	int64_t today = crm_local_day(c->tz, c->now_t), last;
	size_t n = strlen(arg);
	long days;
	if (n > 1 && n < 16 && arg[n - 1] == 'd') {
		char num[16];
		memcpy(num, arg, n - 1);
		num[n - 1] = '\0';
		if (crm_parse_long(num, 0, 3650, &days) < 0)
			return crm_usage_error("--expires '%s': expected from 0d to 3650d", arg);
		last = today + days;
	} else if (crm_date_day(arg, &last) < 0) {
		return crm_usage_error("--expires '%s': expected a number of days such as 30d, or a "
				       "date YYYY-MM-DD", arg);
	} else if (last < today) {
		return crm_usage_error("--expires '%s' is in the past", arg);
	}
	return day_start(c, last + 1, out);
}

/* --from and --to: local days, both included. */
static int parse_range(struct coupon *c, char from[CRM_TIME_LEN], char to[CRM_TIME_LEN])
{
	int64_t a = 0, b = 0;
	int rc;
	if (c->from && crm_date_day(c->from, &a) < 0)
		return crm_usage_error("--from '%s' is not a date (YYYY-MM-DD)", c->from);
	if (c->to && crm_date_day(c->to, &b) < 0)
		return crm_usage_error("--to '%s' is not a date (YYYY-MM-DD)", c->to);
	if (c->from && c->to && b < a)
		return crm_usage_error("--to %s is before --from %s", c->to, c->from);
	if (c->from && (rc = day_start(c, a, from)) != CRM_OK)
		return rc;
	if (c->to && (rc = day_start(c, b + 1, to)) != CRM_OK)
		return rc;
	return CRM_OK;
}

/* ---- output -------------------------------------------------------------- */

static void write_money(struct crm_writer *w, int64_t minor, const char *currency)
{
	char buf[64];
	if (minor < 0) {
		crm_write_field(w, "", CRM_CELL_PLAIN);
		return;
	}
	crm_coupon_money(minor, currency ? currency : "", buf, sizeof buf);
	crm_write_field(w, buf, CRM_CELL_PLAIN);
}

static int open_db(struct coupon *c, int flags)
{
	int rc = crm_db_open(&c->db, crm_db_path(c->co.db), flags);
	c->have_db = 1;
	return rc;
}

/* ---- issue --------------------------------------------------------------- */

enum fate { F_NEW, F_RESEND, F_SPENT, F_UNSELECTED, F_DUPLICATE };

struct customer {
	char *id, *email, *name;
	int month;               /* of the birthday, or -1 when not known */
	enum fate fate;
};

struct issue {
	struct coupon *c;
	struct crm_coupon_terms terms;
	struct crm_coupon_issue is;
	struct crm_coupon_issuer *iss;
	struct customer *cust;
	size_t n, cap;
	/* the stream */
	const char *fname;
	int colmap[CRM_MAX_COLS];
	size_t nhdr;
	int fatal;
	long long rejected;
	/* the codes, written out after the commit */
	FILE *out;
	struct crm_writer w;
	long long count[F_DUPLICATE + 1];
};

enum { C_ID, C_EMAIL, C_NAME, C_BIRTHDAY };   /* crm_customer_stream */

static char *dup_or_null(const char *s)
{
	char *d;
	if (!s || !*s)
		return NULL;
	if (!(d = strdup(s)))
		abort();
	return d;
}

static void add_customer(struct issue *is, const char *id, const char *email, const char *name,
			 int month)
{
	struct customer *k;
	if (is->n == is->cap) {
		is->cap = is->cap ? 2 * is->cap : 256;
		if (!(is->cust = realloc(is->cust, is->cap * sizeof *is->cust)))
			abort();
	}
	k = &is->cust[is->n++];
	k->id = dup_or_null(id);
	k->email = dup_or_null(email);
	k->name = dup_or_null(name);
	k->month = month;
	k->fate = F_NEW;
}

static int on_header(const struct crm_row *row, void *ctx)
{
	struct issue *is = ctx;
	char err[1024];
	int rc = crm_header_map(&crm_customer_stream, row, is->c->map, is->c->nmap, is->colmap, err,
				sizeof err);
	if (rc < 0) {
		crm_error_at(is->fname, row->line, "%s", err);
		is->fatal = rc == -2 ? CRM_EUSAGE : CRM_EDATA;
		return 1;
	}
	is->nhdr = row->n;
	return 0;
}

static int reject(struct issue *is, long line, const char *msg)
{
	crm_error_at(is->fname, line, "%s", msg);
	is->rejected++;
	return 0;
}

/* One cell of the stream normalised by its column's kind into out[size]:
 * 1 with a value, 0 when absent or empty, -1 after rejecting the row. */
static int cell(struct issue *is, const struct crm_row *row, int col, char *out, size_t size)
{
	const struct crm_column *cc = &crm_customer_stream.cols[col];
	struct crm_value_ctx vc = {is->c->tz, is->c->date_order, NULL, ""};
	int h = is->colmap[col], rc;
	const char *why = "";
	int64_t num;
	char q[128], msg[400];
	if (h < 0)
		return 0;
	rc = crm_value(cc->kind, row->field[h], &vc, out, size, &num, &why);
	if (rc == CRM_VALUE_BAD) {
		snprintf(msg, sizeof msg, "column '%s': %s %s", cc->name,
			 crm_quote(crm_trim(row->field[h]), q, sizeof q), why);
		return reject(is, row->line, msg), -1;
	}
	return rc == CRM_VALUE_OK;
}

/* The birthday's month: MM-DD as it is, other forms as crm-import reads them. */
static int birthday_cell(struct issue *is, const struct crm_row *row, int *month)
{
	char date[CRM_DATE_LEN + 64];
	int h = is->colmap[C_BIRTHDAY], rc;
	*month = -1;
	if (h < 0 || !is->c->birthday_month)
		return 0;
	if ((*month = crm_coupon_birthday_month(crm_trim(row->field[h]))) > 0)
		return 0;
	if ((rc = cell(is, row, C_BIRTHDAY, date, sizeof date)) <= 0)
		return rc;
	*month = crm_coupon_birthday_month(date);
	return 0;
}

static int on_row(const struct crm_row *row, void *ctx)
{
	struct issue *is = ctx;
	size_t size = row->n ? 64 : 1, k;
	char *id, *email, *name, msg[128];
	int month, have_id;
	if (row->n != is->nhdr) {
		snprintf(msg, sizeof msg, "expected %zu fields as in the header, found %zu", is->nhdr,
			 row->n);
		return reject(is, row->line, msg);
	}
	for (k = 0; k < row->n; k++)
		size += row->len[k] * 2 + 64;
	if (!(id = malloc(3 * size)))
		abort();
	email = id + size;
	name = email + size;
	email[0] = name[0] = '\0';
	if ((have_id = cell(is, row, C_ID, id, size)) >= 0 && cell(is, row, C_EMAIL, email, size) >= 0 &&
	    cell(is, row, C_NAME, name, size) >= 0 && birthday_cell(is, row, &month) >= 0) {
		/* crm-import knows a customer without an id by their e-mail */
		if (have_id || email[0])
			add_customer(is, have_id ? id : email, email, name, month);
		else
			reject(is, row->line, "column 'customer_id' is empty");
	}
	free(id);
	return 0;
}

static int on_malformed(long line, size_t field, const char *why, void *ctx)
{
	char msg[300];
	snprintf(msg, sizeof msg, "field %zu: %s", field, why);
	return reject(ctx, line, msg);
}

static int read_customers(struct issue *is, const char *path)
{
	int rc = crm_read_path(path, &is->c->co.csv, CRM_READ_NEED_HEADER, &is->fname, on_header,
			       on_row, on_malformed, is);
	return is->fatal ? is->fatal : rc;
}

static int add_birthday(const struct crm_coupon_who *who, void *ctx)
{
	add_customer(ctx, who->id, who->email, who->name, crm_coupon_birthday_month(who->birthday));
	return 0;
}

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
		return crm_usage_error("issue needs --campaign, --discount and --expires");
	if ((rc = check_campaign(c->campaign)) != CRM_OK)
		return rc;
	t->min_order = -1;
	if (crm_coupon_parse_discount(c->discount, c->currency, t, &why) < 0)
		return crm_usage_error("--discount '%s' %s (a whole percentage such as 15%%, or an "
				       "amount such as 5000 or $5.00)", c->discount, why);
	if (c->min_order && crm_coupon_parse_min_order(c->min_order, c->currency, t, &why) < 0)
		return crm_usage_error("--min-order '%s' %s", c->min_order, why);
	if ((rc = parse_expires(c, t->expires_at)) != CRM_OK)
		return rc;
	prefix[0] = '\0';
	if (c->prefix_opt && crm_coupon_prefix(c->prefix_opt, prefix, &why) < 0)
		return crm_usage_error("--prefix '%s' %s", c->prefix_opt, why);
	is->is.campaign = c->campaign;
	is->is.prefix = prefix;
	is->is.length = c->length ? c->length : CRM_COUPON_LENGTH;
	is->is.terms = t;
	is->is.now = c->now;
	return CRM_OK;
}

static int by_id(const void *a, const void *b)
{
	const struct customer *const *x = a, *const *y = b;
	int d = strcmp((*x)->id, (*y)->id);
	return d ? d : (*x < *y ? -1 : *x > *y);
}

/* A customer listed twice gets one code: the first row counts. */
static void mark_duplicates(struct issue *is)
{
	struct customer **by = malloc((is->n + 1) * sizeof *by);
	size_t i;
	if (!by)
		abort();
	for (i = 0; i < is->n; i++)
		by[i] = &is->cust[i];
	qsort(by, is->n, sizeof *by, by_id);
	for (i = 1; i < is->n; i++)
		if (!strcmp(by[i]->id, by[i - 1]->id) && by[i]->fate != F_UNSELECTED)
			by[i]->fate = F_DUPLICATE;
	free(by);
}

static void replace(char **field, const char *v)
{
	free(*field);
	*field = dup_or_null(v);
}

/* Fill a customer from the database (their id as crm-import merged it, and
 * what the stream lacks) and decide whether the options select them. */
static int resolve(struct issue *is, struct customer *k)
{
	struct crm_coupon_who who;
	int found, rc;
	if ((rc = crm_coupon_customer(is->iss, k->id, &who, &found)) != CRM_OK)
		return rc;
	if (found) {
		if (strcmp(who.id, k->id))
			replace(&k->id, who.id);
		if (!k->email)
			k->email = dup_or_null(who.email);
		if (!k->name)
			k->name = dup_or_null(who.name);
		if (k->month < 0)
			k->month = crm_coupon_birthday_month(who.birthday);
	}
	if ((is->c->birthday_month && k->month != is->c->birthday_month) ||
	    (is->c->opted_in && (!found || who.opted_in != 1)))
		k->fate = F_UNSELECTED;
	return CRM_OK;
}

static int note_held(const struct crm_coupon *cp, void *ctx)
{
	struct customer *k = ctx;
	k->fate = cp->state == CRM_COUPON_ISSUED ? F_RESEND : F_SPENT;
	return 0;
}

/* Decide every customer's fate; *fresh counts the codes to make. */
static int plan(struct issue *is, long long *fresh)
{
	size_t i;
	int rc, found;
	*fresh = 0;
	for (i = 0; i < is->n; i++)
		if ((rc = resolve(is, &is->cust[i])) != CRM_OK)
			return rc;
	mark_duplicates(is);
	for (i = 0; i < is->n; i++) {
		struct customer *k = &is->cust[i];
		if (k->fate != F_NEW)
			continue;
		if (!is->c->again &&
		    (rc = crm_coupon_held(is->iss, k->id, note_held, k, &found)) != CRM_OK)
			return rc;
		*fresh += k->fate == F_NEW;
	}
	return CRM_OK;
}

/* Refuse before any code is made when the live codes would not fit. */
static int check_space(struct issue *is, long long fresh)
{
	long long live, cap = crm_coupon_capacity(is->is.length);
	int rc, need;
	if ((rc = crm_coupon_live(&is->c->db, is->c->now, &live)) != CRM_OK)
		return rc;
	if (fresh <= cap - live)
		return CRM_OK;
	need = crm_coupon_length_for(live + fresh);
	crm_error("%lld new codes and %lld live ones do not fit codes of %d random characters "
		  "safely (at most %lld live, so that a guess hits one in a million at worst); "
		  "use --length %d", fresh, live, is->is.length, cap,
		  need > 0 ? need : CRM_COUPON_MAX_LENGTH);
	return CRM_EUSAGE;
}

static void write_code(struct issue *is, const struct customer *k, const char *code,
		       const char *discount, int64_t min_order, const char *currency,
		       const char *expires_at)
{
	struct crm_writer *w = &is->w;
	char until[CRM_DATE_LEN];
	valid_until(is->c, expires_at, until);
	crm_write_field(w, code, CRM_CELL_PLAIN);
	crm_write_field(w, k->id, CRM_CELL_TEXT);
	crm_write_field(w, k->email, CRM_CELL_TEXT);
	crm_write_field(w, k->name, CRM_CELL_TEXT);
	crm_write_field(w, is->c->campaign, CRM_CELL_TEXT);
	crm_write_field(w, discount, CRM_CELL_PLAIN);
	write_money(w, min_order, currency);
	crm_write_field(w, expires_at, CRM_CELL_PLAIN);
	crm_write_field(w, until, CRM_CELL_PLAIN);
	crm_write_end(w);
}

struct resend {
	struct issue *is;
	const struct customer *k;
};

static int write_held(const struct crm_coupon *cp, void *ctx)
{
	struct resend *r = ctx;
	write_code(r->is, r->k, cp->code, cp->discount, cp->min_order, cp->currency, cp->expires_at);
	return 0;
}

/* Make the new codes and write every code to send, in the input's order. */
static int make_codes(struct issue *is)
{
	static const char *const cols[] = {"code", "customer_id", "email", "name", "campaign",
		"discount", "min_order", "expires_at", "valid_until"};
	const struct crm_coupon_terms *t = &is->terms;
	char code[CRM_COUPON_SIZE];
	size_t i;
	int rc, found;
	crm_write_row(&is->w, cols, sizeof cols / sizeof cols[0]);
	for (i = 0; i < is->n; i++) {
		struct customer *k = &is->cust[i];
		struct resend r = {is, k};
		is->count[k->fate]++;
		if (k->fate == F_NEW) {
			if ((rc = crm_coupon_issue(is->iss, k->id, code)) != CRM_OK)
				return rc;
			write_code(is, k, code, t->discount, t->min_order, t->currency, t->expires_at);
		} else if (k->fate == F_RESEND &&
			   (rc = crm_coupon_held(is->iss, k->id, write_held, &r, &found)) != CRM_OK) {
			return rc;
		}
	}
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
		crm_error("temporary file: read error");
		return CRM_EIO;
	}
	return CRM_OK;
}

static int issue_locked(struct issue *is)
{
	long long fresh;
	int rc;
	if (!(is->iss = crm_coupon_issuer_open(&is->c->db, &is->is)))
		return crm_db_status(sqlite3_errcode(is->c->db.h));
	if (is->c->birthday_month && !stream_path(is->c) &&
	    (rc = crm_coupon_birthdays(&is->c->db, is->c->birthday_month, add_birthday, is)) != CRM_OK)
		return rc;
	if ((rc = plan(is, &fresh)) != CRM_OK || (rc = check_space(is, fresh)) != CRM_OK)
		return rc;
	return make_codes(is);
}

static void issue_summary(const struct issue *is)
{
	const long long *n = is->count;
	crm_error("issue '%s': %zu customers, %lld issued, %lld resent, %lld spent, %lld not "
		  "selected, %lld duplicates, %lld rejected", is->c->campaign,
		  is->n + (size_t)is->rejected, n[F_NEW], n[F_RESEND], n[F_SPENT], n[F_UNSELECTED],
		  n[F_DUPLICATE], is->rejected);
}

static void issue_free(struct issue *is)
{
	size_t i;
	crm_coupon_issuer_close(is->iss);
	for (i = 0; i < is->n; i++) {
		free(is->cust[i].id);
		free(is->cust[i].email);
		free(is->cust[i].name);
	}
	free(is->cust);
	if (is->out)
		fclose(is->out);
}

static int issue(struct coupon *c)
{
	static struct issue is;
	static char prefix[CRM_COUPON_MAX_PREFIX + 1];
	const char *path = stream_path(c);
	int rc;
	is.c = c;
	if (c->argc > 1)
		return crm_usage_error("issue reads one customers file at most, not %d", c->argc);
	if (!path && !c->birthday_month)
		return crm_usage_error("issue reads customers from FILE or standard input, or from "
				       "the database with --birthday-month");
	if ((rc = issue_terms(c, &is, prefix)) != CRM_OK)
		return rc;
	if (!(is.out = tmpfile())) {
		crm_error("cannot make a temporary file: %s", strerror(errno));
		return CRM_EIO;
	}
	crm_writer_init(&is.w, is.out, c->co.csv.delim);
	if ((path && (rc = read_customers(&is, path)) != CRM_OK) ||
	    (rc = open_db(c, CRM_DB_CREATE)) != CRM_OK ||
	    (rc = crm_db_exec(&c->db, "BEGIN IMMEDIATE")) != CRM_OK)
		goto done;
	if ((rc = issue_locked(&is)) == CRM_OK && fflush(is.out) != 0) {
		crm_error("temporary file: write error: %s", strerror(errno));
		rc = CRM_EIO;
	}
	if (rc == CRM_OK)
		rc = crm_db_exec(&c->db, "COMMIT");
	if (rc != CRM_OK) {
		sqlite3_exec(c->db.h, "ROLLBACK", NULL, NULL, NULL);
		goto done;
	}
	rc = copy_out(is.out);
	if (!c->quiet || is.rejected)
		issue_summary(&is);
	if (rc == CRM_OK && is.rejected)
		rc = CRM_EDATA;
done:
	issue_free(&is);
	return rc;
}

/* ---- redeem -------------------------------------------------------------- */

static int write_redeemed(const struct crm_coupon *cp, void *ctx)
{
	static const char *const cols[] = {"code", "campaign", "customer_id", "discount",
		"min_order", "order_id", "redeemed_at"};
	struct crm_writer *w = &((struct coupon *)ctx)->w;
	crm_write_row(w, cols, sizeof cols / sizeof cols[0]);
	crm_write_field(w, cp->code, CRM_CELL_PLAIN);
	crm_write_field(w, cp->campaign, CRM_CELL_TEXT);
	crm_write_field(w, cp->customer_id, CRM_CELL_TEXT);
	crm_write_field(w, cp->discount, CRM_CELL_PLAIN);
	write_money(w, cp->min_order, cp->currency);
	crm_write_field(w, cp->order_id, CRM_CELL_TEXT);
	crm_write_field(w, cp->redeemed_at, CRM_CELL_PLAIN);
	crm_write_end(w);
	return 0;
}

static int redeem(struct coupon *c)
{
	struct crm_coupon_redemption r = {c->order, c->now, -1, NULL};
	char cur[4];
	const char *why = "";
	int rc;
	if (c->argc != 1)
		return crm_usage_error("redeem takes one code, not %d", c->argc);
	if (!c->order || !*c->order)
		return crm_usage_error("redeem needs --order ID");
	if (c->amount) {
		snprintf(cur, sizeof cur, "%s", c->currency ? c->currency : "");
		if (crm_parse_money(c->amount, cur, &r.amount, &why) < 0 || r.amount < 0)
			return crm_usage_error("--amount '%s' %s", c->amount,
					       r.amount < 0 ? "is negative" : why);
		r.amount_currency = cur;
	}
	if ((rc = open_db(c, CRM_DB_MUST_EXIST)) != CRM_OK)
		return rc;
	return crm_coupon_redeem(&c->db, c->argv[0], &r, write_redeemed, c);
}

/* ---- void and expire ----------------------------------------------------- */

/* Void each code; a refused one is reported and the others go on.  The
 * status is the first refusal's. */
static int void_each(struct coupon *c, long long n[3])
{
	int i, rc, v, status = CRM_OK;
	for (i = 0; i < c->argc; i++) {
		rc = crm_coupon_void(&c->db, c->argv[i], c->now, &v);
		if (rc == CRM_EIO || rc == CRM_EBUSY)
			return rc;
		n[rc != CRM_OK ? 2 : v ? 0 : 1]++;
		if (status == CRM_OK)
			status = rc;
	}
	return status;
}

static int void_codes(struct coupon *c)
{
	long long n[3] = {0, 0, 0};    /* voided, already void, refused */
	int rc, status;
	if (!c->argc == !c->campaign)
		return crm_usage_error("void takes codes or --campaign NAME");
	if ((rc = open_db(c, CRM_DB_MUST_EXIST)) != CRM_OK ||
	    (rc = crm_db_exec(&c->db, "BEGIN IMMEDIATE")) != CRM_OK)
		return rc;
	if (c->campaign)
		status = crm_coupon_void_campaign(&c->db, c->campaign, c->now, &n[0]);
	else
		status = void_each(c, n);
	if (status == CRM_EIO || status == CRM_EBUSY ||
	    (rc = crm_db_exec(&c->db, "COMMIT")) != CRM_OK) {
		sqlite3_exec(c->db.h, "ROLLBACK", NULL, NULL, NULL);
		return status == CRM_EIO || status == CRM_EBUSY ? status : rc;
	}
	if (!c->quiet)
		crm_error("void: %lld voided, %lld already void, %lld refused", n[0], n[1], n[2]);
	return status;
}

static int expire(struct coupon *c)
{
	long long n = 0;
	int rc;
	if (c->argc)
		return crm_usage_error("expire takes no arguments");
	if ((rc = open_db(c, CRM_DB_MUST_EXIST)) != CRM_OK ||
	    (rc = crm_coupon_expire(&c->db, c->campaign, c->now, &n)) != CRM_OK)
		return rc;
	if (!c->quiet)
		crm_error("expire: %lld codes expired", n);
	return CRM_OK;
}

/* ---- list and stats ------------------------------------------------------ */

static int write_listed(const struct crm_coupon *cp, void *ctx)
{
	struct crm_writer *w = &((struct coupon *)ctx)->w;
	crm_write_field(w, cp->code, CRM_CELL_PLAIN);
	crm_write_field(w, cp->campaign, CRM_CELL_TEXT);
	crm_write_field(w, cp->customer_id, CRM_CELL_TEXT);
	crm_write_field(w, crm_coupon_state_name(cp->state), CRM_CELL_PLAIN);
	crm_write_field(w, cp->discount, CRM_CELL_PLAIN);
	write_money(w, cp->min_order, cp->currency);
	crm_write_field(w, cp->issued_at, CRM_CELL_PLAIN);
	crm_write_field(w, cp->expires_at, CRM_CELL_PLAIN);
	crm_write_field(w, cp->redeemed_at, CRM_CELL_PLAIN);
	crm_write_field(w, cp->order_id, CRM_CELL_TEXT);
	crm_write_field(w, cp->voided_at, CRM_CELL_PLAIN);
	crm_write_field(w, cp->expired_at, CRM_CELL_PLAIN);
	crm_write_end(w);
	return 0;
}

static int list(struct coupon *c)
{
	static const char *const cols[] = {"code", "campaign", "customer_id", "state", "discount",
		"min_order", "issued_at", "expires_at", "redeemed_at", "order_id", "voided_at",
		"expired_at"};
	struct crm_coupon_filter f = {c->campaign, c->customer, c->state, NULL, NULL, NULL, c->now};
	int rc;
	if (c->argc)
		return crm_usage_error("list takes no arguments");
	if ((rc = open_db(c, CRM_DB_MUST_EXIST)) != CRM_OK)
		return rc;
	crm_write_row(&c->w, cols, sizeof cols / sizeof cols[0]);
	return crm_coupon_list(&c->db, &f, write_listed, c);
}

/* "12.5": part as a percentage of whole, one decimal, rounded half up. */
static void write_rate(struct crm_writer *w, long long part, long long whole)
{
	char buf[32];
	long long tenths = whole > 0 ? (part * 1000 + whole / 2) / whole : 0;
	snprintf(buf, sizeof buf, "%lld.%lld", tenths / 10, tenths % 10);
	crm_write_field(w, buf, CRM_CELL_PLAIN);
}

static int write_figures(const struct crm_coupon_figures *f, void *ctx)
{
	struct crm_writer *w = &((struct coupon *)ctx)->w;
	char buf[64];
	crm_write_field(w, f->campaign, CRM_CELL_TEXT);
	crm_write_int(w, f->issued);
	crm_write_int(w, f->redeemed);
	write_rate(w, f->redeemed, f->issued);
	if (crm_format_money(f->revenue, f->currency, buf, sizeof buf) <= 0)
		snprintf(buf, sizeof buf, "%lld", (long long)f->revenue);
	crm_write_field(w, buf, CRM_CELL_PLAIN);
	crm_write_field(w, f->currency, CRM_CELL_PLAIN);
	crm_write_int(w, f->expired);
	crm_write_int(w, f->voided);
	crm_write_end(w);
	return 0;
}

static int stats(struct coupon *c)
{
	static const char *const cols[] = {"campaign", "issued", "redeemed", "redemption_rate",
		"revenue", "currency", "expired", "voided"};
	char from[CRM_TIME_LEN], to[CRM_TIME_LEN];
	struct crm_coupon_filter f = {c->campaign, NULL, -1, NULL, NULL, c->currency, c->now};
	int rc;
	if (c->argc)
		return crm_usage_error("stats takes no arguments");
	if ((rc = parse_range(c, from, to)) != CRM_OK)
		return rc;
	f.from = c->from ? from : NULL;
	f.to = c->to ? to : NULL;
	if ((rc = open_db(c, CRM_DB_MUST_EXIST)) != CRM_OK)
		return rc;
	crm_write_row(&c->w, cols, sizeof cols / sizeof cols[0]);
	return crm_coupon_stats(&c->db, &f, write_figures, c);
}

/* ---- verbs --------------------------------------------------------------- */

struct verb {
	const char *name;
	const struct option *opts;
	const char *shortopts;
	int (*run)(struct coupon *c);
};

static const struct verb verbs[] = {
	{"issue", issue_opts, CRM_COMMON_SHORTOPTS "q", issue},
	{"redeem", redeem_opts, CRM_COMMON_SHORTOPTS, redeem},
	{"void", void_opts, CRM_COMMON_SHORTOPTS "q", void_codes},
	{"expire", expire_opts, CRM_COMMON_SHORTOPTS "q", expire},
	{"list", list_opts, CRM_COMMON_SHORTOPTS, list},
	{"stats", stats_opts, CRM_COMMON_SHORTOPTS, stats},
};

static const struct verb *find_verb(const char *name)
{
	size_t i;
	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

/* Common options before the verb ("+": stop at the verb), then the verb's
 * own and common ones anywhere after it. */
static int parse_command(struct coupon *c, int argc, char **argv, const struct verb **v)
{
	int rc;
	if ((rc = parse(c, argc, argv, "+" CRM_COMMON_SHORTOPTS, common_opts)) != CRM_OK)
		return rc;
	if (optind >= argc)
		return crm_usage_error("no verb given (issue, redeem, void, expire, list or stats)");
	if (!(*v = find_verb(argv[optind])))
		return crm_usage_error("unknown verb '%s' (issue, redeem, void, expire, list or stats)",
				       argv[optind]);
	c->verb = argv[optind];
	argv += optind;
	argc -= optind;
	argv[0] = (char *)crm_progname;     /* getopt's messages use it */
	optind = 0;                         /* glibc: start afresh, permuting again */
	if ((rc = parse(c, argc, argv, (*v)->shortopts, (*v)->opts)) != CRM_OK)
		return rc;
	c->argc = argc - optind;
	c->argv = argv + optind;
	return CRM_OK;
}

static int setup(struct coupon *c)
{
	if (crm_input_env(&c->in) != 0)
		return CRM_EUSAGE;
	c->currency = crm_input_currency(&c->in);
	c->map = c->in.map;
	c->nmap = c->in.nmap;
	c->date_order = c->in.date_order;
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
	const struct verb *v = NULL;
	int rc;

	crm_set_progname(argv[0]);
	argv[0] = (char *)crm_progname;
	crm_common_init(&c.co);
	crm_input_init(&c.in);
	c.state = -1;
	if ((rc = parse_command(&c, argc, argv, &v)) == CRM_OK && (rc = setup(&c)) == CRM_OK)
		rc = v->run(&c);
	if (c.have_db)
		crm_db_close(&c.db);
	crm_tz_close(c.tz);
	return crm_close_stdout(rc);
}
