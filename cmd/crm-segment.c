/* crm-segment - RFM scores and segments of customers.  See crm-segment(1). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "db.h"
#include "diag.h"
#include "i18n.h"
#include "opts.h"
#include "rfm.h"
#include "rules.h"
#include "segment.h"

static const char usage[] = N_(
	"usage: crm-segment [--db PATH] [-t | -d CHAR] [--tz ZONE] [--as-of DATE]\n"
	"                   [--currency CODE] [--bins R|F|M=C1,C2,C3,C4]...\n"
	"                   [--scheme rfm|lifecycle | --rules FILE] [--new-days N]\n"
	"                   [--risk-days N] [--lost-days N] [--vip-orders N] [--vip-spend AMOUNT]\n"
	"                   [--segment NAME] [--opted-in] [--summary] [--save]\n"
	"                   [--map COLUMN=HEADER]... [--map-value COLUMN:FROM=TO]...\n"
	"                   [--map-value-file FILE] [--date-order mdy|dmy] [FILE]\n"
	"       crm-segment --diff[=OLD:NEW] [--list] [--segment NAME]\n"
	"       crm-segment --runs\n"
	"\n"
	"Scores customers by recency, frequency and monetary value and names their\n"
	"segments, from the database or from an orders CSV (FILE, or standard input\n"
	"when it is a pipe or file and no database is named).  See crm-segment(1).\n");

enum { OPT_AS_OF = CRM_OPT_CMD, OPT_BINS, OPT_SCHEME, OPT_RULES, OPT_NEW_DAYS,
	OPT_RISK_DAYS, OPT_LOST_DAYS, OPT_VIP_ORDERS, OPT_VIP_SPEND, OPT_SEGMENT, OPT_OPTED_IN,
	OPT_SUMMARY, OPT_SAVE, OPT_DIFF, OPT_LIST, OPT_RUNS };

static const struct option longopts[] = {
	CRM_COMMON_LONGOPTS,
	{"as-of", required_argument, NULL, OPT_AS_OF},
	CRM_INPUT_CURRENCY,
	{"bins", required_argument, NULL, OPT_BINS},
	{"scheme", required_argument, NULL, OPT_SCHEME},
	{"rules", required_argument, NULL, OPT_RULES},
	{"new-days", required_argument, NULL, OPT_NEW_DAYS},
	{"risk-days", required_argument, NULL, OPT_RISK_DAYS},
	{"lost-days", required_argument, NULL, OPT_LOST_DAYS},
	{"vip-orders", required_argument, NULL, OPT_VIP_ORDERS},
	{"vip-spend", required_argument, NULL, OPT_VIP_SPEND},
	{"segment", required_argument, NULL, OPT_SEGMENT},
	{"opted-in", no_argument, NULL, OPT_OPTED_IN},
	{"summary", no_argument, NULL, OPT_SUMMARY},
	{"save", no_argument, NULL, OPT_SAVE},
	{"diff", optional_argument, NULL, OPT_DIFF},
	{"list", no_argument, NULL, OPT_LIST},
	{"runs", no_argument, NULL, OPT_RUNS},
	CRM_INPUT_MAP, CRM_INPUT_DATE_ORDER, CRM_INPUT_MAP_VALUE,
	{NULL, 0, NULL, 0},
};

struct seg {
	struct crm_common co;
	struct crm_rfm_opts ro;
	const char *bins[8];
	int nbins;
	const char *scheme, *rules_path, *segment, *vip_spend;
	struct crm_lifecycle life;
	int opted_in, summary, save, diff, list, runs;
	long long diff_old, diff_new;     /* 0: the last two runs */
	struct crm_input in;              /* --currency, --map, --date-order */

	/* the run */
	struct crm_db db;
	int have_db;
	struct crm_rfm r;
	struct crm_rules *rules;
	struct crm_scheme sch;
	unsigned short *seg;              /* segment of each entry */
	int want;                         /* --segment's index, or -1 */
	struct crm_writer w;
	struct crm_run *run;
	long long *count;                 /* summary: customers per segment */
	int64_t *revenue;
};

static int days_option(const char *name, const char *arg, int *out)
{
	long v;
	if (crm_number_option(name, arg, 0, 1000000, _("days"), &v) != 0)
		return CRM_EUSAGE;
	*out = (int)v;
	return 0;
}

static int diff_option(struct seg *s, const char *arg)
{
	char *colon, *end;
	s->diff = 1;
	if (!arg)
		return 0;
	s->diff_old = strtoll(arg, &colon, 10);
	if (colon == arg || *colon != ':' || s->diff_old <= 0)
		goto bad;
	s->diff_new = strtoll(colon + 1, &end, 10);
	if (end == colon + 1 || *end || s->diff_new <= 0)
		goto bad;
	return 0;
bad:
	return crm_usage_error(_("--diff '%s': expected OLD:NEW, two run ids (see --runs)"), arg);
}

static int own_option(void *ctx, int c, const char *arg)
{
	struct seg *s = ctx;
	long v;
	switch (c) {
	case OPT_AS_OF: s->ro.as_of = arg; return 0;
	case OPT_BINS:
		if (s->nbins == 8)
			return crm_usage_error(_("too many --bins options"));
		s->bins[s->nbins++] = arg;
		return 0;
	case OPT_SCHEME:
		if (strcmp(arg, "rfm") && strcmp(arg, "lifecycle"))
			return crm_usage_error(_("--scheme must be rfm or lifecycle, not '%s'"), arg);
		s->scheme = arg;
		return 0;
	case OPT_RULES: s->rules_path = arg; return 0;
	case OPT_NEW_DAYS: return days_option("--new-days", arg, &s->life.new_days);
	case OPT_RISK_DAYS: return days_option("--risk-days", arg, &s->life.risk_days);
	case OPT_LOST_DAYS: return days_option("--lost-days", arg, &s->life.lost_days);
	case OPT_VIP_ORDERS:
		if (crm_number_option("--vip-orders", arg, 1, 1000000000, _("orders"), &v) != 0)
			return CRM_EUSAGE;
		s->life.vip_orders = (int)v;
		return 0;
	case OPT_VIP_SPEND: s->vip_spend = arg; return 0;
	case OPT_SEGMENT: s->segment = crm_segment_name(arg); return 0;
	case OPT_OPTED_IN: s->opted_in = 1; return 0;
	case OPT_SUMMARY: s->summary = 1; return 0;
	case OPT_SAVE: s->save = 1; return 0;
	case OPT_DIFF: return diff_option(s, arg);
	case OPT_LIST: s->list = 1; return 0;
	case OPT_RUNS: s->runs = 1; return 0;
	case CRM_OPT_CURRENCY:
	case CRM_OPT_MAP:
	case CRM_OPT_DATE_ORDER:
	case CRM_OPT_MAP_VALUE:
	case CRM_OPT_MAP_VALUE_FILE:
		return crm_input_option(&s->in, c, arg);
	}
	return crm_usage_error(_("unknown option"));
}

/* Options that cannot go together, and values checkable before any input. */
static int check_options(struct seg *s)
{
	int64_t day;
	if (s->ro.as_of && crm_date_day(s->ro.as_of, &day) < 0)
		return crm_usage_error(_("--as-of '%s' is not a date (YYYY-MM-DD)"), s->ro.as_of);
	if (s->rules_path && s->scheme)
		return crm_usage_error(_("--rules and --scheme exclude each other"));
	if (s->runs && (s->diff || s->save || s->summary))
		return crm_usage_error(_("--runs goes alone"));
	if (s->diff && (s->save || s->summary || s->opted_in))
		return crm_usage_error(_("--diff compares saved runs; it takes only --list and --segment"));
	if (s->list && !s->diff)
		return crm_usage_error(_("--list goes with --diff"));
	return CRM_OK;
}

/* ---- output ----------------------------------------------------------------------- */

static void write_money(struct crm_writer *w, int64_t v, const char *currency)
{
	char buf[64];
	if (crm_format_money(v, currency, buf, sizeof buf) <= 0)
		snprintf(buf, sizeof buf, "%lld", (long long)v);     /* no currency: no orders */
	crm_write_field(w, buf, CRM_CELL_PLAIN);
}

static void write_header(struct seg *s)
{
	static const char *const cols[] = {"customer_id", "email", "name", "recency", "frequency",
		"monetary", "currency", "first_order", "last_order", "r", "f", "m", "rfm",
		"segment"};
	crm_write_row(&s->w, cols, sizeof cols / sizeof cols[0]);
}

static void write_customer(struct seg *s, const struct crm_rfm_entry *e,
			   const struct crm_rfm_who *who, const char *segment)
{
	struct crm_writer *w = &s->w;
	char rfm[4] = {(char)('0' + e->score[0]), (char)('0' + e->score[1]),
		(char)('0' + e->score[2]), '\0'};
	crm_write_field(w, who->id, CRM_CELL_TEXT);
	crm_write_field(w, who->email ? who->email : "", CRM_CELL_TEXT);
	crm_write_field(w, who->name ? who->name : "", CRM_CELL_TEXT);
	crm_write_int(w, e->recency);
	crm_write_int(w, e->frequency);
	write_money(w, e->monetary, s->r.currency);
	crm_write_field(w, s->r.currency, CRM_CELL_PLAIN);
	crm_write_field(w, who->first, CRM_CELL_PLAIN);
	crm_write_field(w, who->last, CRM_CELL_PLAIN);
	crm_write_int(w, e->score[CRM_FIG_R]);
	crm_write_int(w, e->score[CRM_FIG_F]);
	crm_write_int(w, e->score[CRM_FIG_M]);
	crm_write_field(w, rfm, CRM_CELL_PLAIN);
	crm_write_field(w, segment, CRM_CELL_TEXT);
	crm_write_end(w);
}

/* "12.5": x as a percentage of total, one decimal, rounded half up. */
static void write_share(struct crm_writer *w, long double x, long double total)
{
	char buf[32];
	long long tenths = total > 0 ? (long long)(x * 1000 / total + 0.5L) : 0;
	snprintf(buf, sizeof buf, "%lld.%lld", tenths / 10, tenths % 10);
	crm_write_field(w, buf, CRM_CELL_PLAIN);
}

static void write_summary(struct seg *s)
{
	static const char *const cols[] = {"segment", "customers", "customers_pct", "revenue",
		"revenue_pct", "currency"};
	long long all = 0;
	int64_t total = 0;
	int i;
	for (i = 0; i < s->sch.n; i++) {
		all += s->count[i];
		total += s->revenue[i];
	}
	crm_write_row(&s->w, cols, sizeof cols / sizeof cols[0]);
	for (i = 0; i < s->sch.n; i++) {
		if (s->want >= 0 && i != s->want)
			continue;
		crm_write_field(&s->w, s->sch.names[i], CRM_CELL_TEXT);
		crm_write_int(&s->w, s->count[i]);
		write_share(&s->w, s->count[i], all);
		write_money(&s->w, s->revenue[i], s->r.currency);
		write_share(&s->w, s->revenue[i], total);
		crm_write_field(&s->w, s->r.currency, CRM_CELL_PLAIN);
		crm_write_end(&s->w);
	}
}

/* ---- the run ------------------------------------------------------------------------ */

/* One customer more in the summary of its segment. */
static void tally(struct seg *s, size_t i)
{
	s->count[s->seg[i]]++;
	s->revenue[s->seg[i]] += s->r.e[i].monetary;
}

static int each_customer(size_t i, const struct crm_rfm_who *who, void *ctx)
{
	struct seg *s = ctx;
	const struct crm_rfm_entry *e = &s->r.e[i];
	int g = s->seg[i];
	if (s->run && crm_run_add(s->run, who->id, e, g) != CRM_OK)
		return CRM_EIO;
	if (s->opted_in && who->opted_in != 1)
		return 0;
	if (s->summary)
		tally(s, i);
	else if (s->want < 0 || g == s->want)
		write_customer(s, e, who, s->sch.names[g]);
	return 0;
}

static int make_scheme(struct seg *s)
{
	char err[1024], list[1024];
	int code = CRM_EUSAGE;
	if (s->rules_path) {
		if (!(s->rules = crm_rules_load(s->rules_path, s->r.currency, err, sizeof err, &code))) {
			crm_error("%s", err);
			return code;
		}
		crm_scheme_rules(&s->sch, s->rules);
	} else if (s->scheme && !strcmp(s->scheme, "lifecycle")) {
		crm_scheme_lifecycle(&s->sch, &s->life);
	} else {
		crm_scheme_rfm(&s->sch);
	}
	s->want = s->segment ? crm_segment_find(&s->sch, s->segment) : -1;
	if (s->segment && s->want < 0) {
		crm_segment_list(&s->sch, list, sizeof list);
		return crm_usage_error(_("--segment '%s': no such segment (one of %s)"), s->segment, list);
	}
	return CRM_OK;
}

/* Bins and --vip-spend are in the currency, known only once the figures are. */
static int money_options(struct seg *s, struct crm_bins bins[CRM_NFIG])
{
	char err[512];
	int i;
	for (i = 0; i < s->nbins; i++)
		if (crm_bins_parse(s->bins[i], s->r.currency, bins, err, sizeof err) < 0)
			return crm_usage_error("%s", err);
	if (s->vip_spend) {
		char cur[4];
		const char *why = "";
		snprintf(cur, sizeof cur, "%s", s->r.currency);
		if (crm_parse_money(s->vip_spend, cur, &s->life.vip_spend, &why) < 0)
			return crm_usage_error(_("--vip-spend '%s' %s"), s->vip_spend, why);
		if (s->life.vip_spend < 0)
			return crm_usage_error(_("--vip-spend '%s' is negative"), s->vip_spend);
	}
	return CRM_OK;
}

static int segment_all(struct seg *s)
{
	struct crm_bins bins[CRM_NFIG];
	size_t i;
	int rc;
	memset(bins, 0, sizeof bins);
	if ((rc = money_options(s, bins)) != CRM_OK || (rc = make_scheme(s)) != CRM_OK)
		return rc;
	crm_rfm_score(&s->r, bins);
	s->seg = crm_xmalloc((s->r.n + 1) * sizeof *s->seg);
	s->count = crm_xcalloc((size_t)s->sch.n, sizeof *s->count);
	s->revenue = crm_xcalloc((size_t)s->sch.n, sizeof *s->revenue);
	for (i = 0; i < s->r.n; i++)
		s->seg[i] = (unsigned short)crm_segment_of(&s->sch, &s->r.e[i]);
	return CRM_OK;
}

/* Without --opted-in or --save the summary needs no customer's columns. */
static int output(struct seg *s)
{
	size_t i;
	int rc = CRM_OK;
	if (s->save && (rc = crm_run_begin(&s->db, &s->r, &s->sch, &s->run)) != CRM_OK)
		return rc;
	if (!s->summary)
		write_header(s);
	if (s->summary && !s->opted_in && !s->run) {
		for (i = 0; i < s->r.n; i++)
			tally(s, i);
	} else {
		rc = (s->summary && !s->opted_in ? crm_rfm_each_id : crm_rfm_each)(
			s->have_db ? &s->db : NULL, &s->r, each_customer, s);
	}
	if (s->run && rc == CRM_OK && crm_run_finish(s->run) < 0)
		rc = CRM_EIO;
	crm_run_free(s->run);
	s->run = NULL;
	if (rc == CRM_OK && s->summary)
		write_summary(s);
	return rc;
}

static int open_db(struct seg *s, int flags)
{
	int rc = crm_db_open(&s->db, crm_db_path(s->co.db), flags);
	s->have_db = rc == CRM_OK;
	return rc;
}

static int segment_db(struct seg *s)
{
	int rc;
	if ((rc = open_db(s, s->save ? CRM_DB_WRITE : CRM_DB_READ)) != CRM_OK)
		return rc;
	/* one snapshot for the figures and the customers listed after them */
	rc = s->save ? crm_db_begin_write_mapped(&s->db) : crm_db_begin_read(&s->db);
	if (rc != CRM_OK)
		return rc;
	if ((rc = crm_rfm_load_db(&s->db, &s->ro, &s->r)) == CRM_OK &&
	    (rc = segment_all(s)) == CRM_OK)
		rc = output(s);
	if (rc == CRM_OK && (rc = crm_db_commit(&s->db)) == CRM_OK)
		return CRM_OK;
	crm_db_rollback(&s->db);
	return rc;
}

/* A --save that failed on the database (a full disk at the COMMIT) says
 * that the run it may already have written out is not stored. */
static int from_db(struct seg *s)
{
	int rc = segment_db(s);
	if (s->save && (rc == CRM_EIO || rc == CRM_EBUSY))
		crm_error(_("nothing was saved"));
	return rc;
}

static int from_stream(struct seg *s, const char *path)
{
	int rc;
	if (s->save || s->opted_in)
		return crm_usage_error(_("%s needs the database, not a stream of orders"),
				       s->save ? "--save" : _("--opted-in (consent is kept with customers)"));
	if ((rc = crm_rfm_load_csv(path, &s->ro, &s->r)) != CRM_OK)
		return rc;
	if ((rc = segment_all(s)) == CRM_OK)
		rc = output(s);
	return rc == CRM_OK && s->r.bad_rows ? CRM_EDATA : rc;
}

/* ---- history -------------------------------------------------------------------- */

static int write_move(const char *from, const char *to, long long n, void *ctx)
{
	struct seg *s = ctx;
	crm_write_field(&s->w, from, CRM_CELL_TEXT);
	crm_write_field(&s->w, to, CRM_CELL_TEXT);
	crm_write_int(&s->w, n);
	crm_write_end(&s->w);
	return 0;
}

static int write_mover(const char *id, const char *email, const char *name, const char *from,
		       const char *to, void *ctx)
{
	struct seg *s = ctx;
	if (s->segment && strcasecmp(to, s->segment))
		return 0;
	crm_write_field(&s->w, id, CRM_CELL_TEXT);
	crm_write_field(&s->w, email ? email : "", CRM_CELL_TEXT);
	crm_write_field(&s->w, name ? name : "", CRM_CELL_TEXT);
	crm_write_field(&s->w, from, CRM_CELL_TEXT);
	crm_write_field(&s->w, to, CRM_CELL_TEXT);
	crm_write_end(&s->w);
	return 0;
}

static int write_run(long long id, const char *saved_at, const char *as_of, const char *scheme,
		     const char *currency, long long customers, void *ctx)
{
	struct seg *s = ctx;
	crm_write_int(&s->w, id);
	crm_write_field(&s->w, saved_at, CRM_CELL_PLAIN);
	crm_write_field(&s->w, as_of, CRM_CELL_PLAIN);
	crm_write_field(&s->w, scheme, CRM_CELL_PLAIN);
	crm_write_field(&s->w, currency, CRM_CELL_PLAIN);
	crm_write_int(&s->w, customers);
	crm_write_end(&s->w);
	return 0;
}

static int history(struct seg *s)
{
	static const char *const runs_cols[] = {"run_id", "saved_at", "as_of", "scheme", "currency",
		"customers"};
	static const char *const move_cols[] = {"from", "to", "customers"};
	static const char *const mover_cols[] = {"customer_id", "email", "name", "from", "to"};
	long long old = s->diff_old, new = s->diff_new, ids[2];
	int rc, i;
	if ((rc = open_db(s, CRM_DB_READ)) != CRM_OK)
		return rc;
	if (s->runs) {
		crm_write_row(&s->w, runs_cols, 6);
		return crm_run_list(&s->db, write_run, s);
	}
	if (!old && (rc = crm_run_last_two(&s->db, &old, &new)) != CRM_OK)
		return rc;
	ids[0] = old;
	ids[1] = new;
	for (i = 0; i < 2; i++) {
		if ((rc = crm_run_exists(&s->db, ids[i])) < 0)
			return crm_db_last_status(&s->db);
		if (!rc) {
			crm_error(_("%s: no saved segment run %lld (see --runs)"), s->db.path, ids[i]);
			return CRM_EDATA;
		}
		if ((rc = crm_run_readable(&s->db, ids[i])) != CRM_OK)
			return rc;
	}
	if (s->list) {
		crm_write_row(&s->w, mover_cols, 5);
		return crm_run_movers(&s->db, old, new, write_mover, s);
	}
	crm_write_row(&s->w, move_cols, 3);
	return crm_run_moves(&s->db, old, new, write_move, s);
}

static void cleanup(struct seg *s)
{
	crm_rfm_release(&s->r);
	crm_scheme_release(&s->sch);
	crm_rules_free(s->rules);
	free(s->seg);
	free(s->count);
	free(s->revenue);
	if (s->have_db)
		crm_db_close(&s->db);
}

int main(int argc, char **argv)
{
	static struct seg s;
	struct crm_tz *tz;
	const char *path;
	int rc;

	crm_set_progname(argv[0]);
	crm_i18n_init(argv[0]);
	argv[0] = (char *)crm_progname;
	crm_common_init(&s.co);
	crm_input_init(&s.in);
	s.life = (struct crm_lifecycle)CRM_LIFECYCLE_DEFAULTS;
	if ((rc = crm_parse_options(&s.co, argc, argv, CRM_COMMON_SHORTOPTS, longopts, usage,
				    own_option, &s)) != CRM_OK)
		return rc;
	s.ro.in = &s.in;
	s.ro.csv = s.co.csv;
	argc -= optind;
	argv += optind;
	if (argc > 1)
		return crm_usage_error(_("one orders file at most, not %d"), argc);
	if ((rc = check_options(&s)) != CRM_OK)
		return rc;
	if (!(tz = crm_common_tz(&s.co)))
		return CRM_EUSAGE;
	s.ro.tz = tz;
	s.ro.ids = s.save && s.summary && !s.opted_in;   /* output() lists the ids alone */
	crm_writer_init(&s.w, stdout, s.co.csv.delim);
	path = crm_stream_path(&s.co, argc, argv);
	if (s.runs || s.diff)
		rc = argc ? crm_usage_error(_("--runs and --diff read the database, not a file")) :
		     history(&s);
	else
		rc = path ? from_stream(&s, path) : from_db(&s);
	cleanup(&s);
	crm_tz_close(tz);
	return crm_close_stdout(rc);
}
