/* crm-nps - NPS, CSAT and CES from survey answers, and the detractors to call back.
 * See crm-nps(1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "db.h"
#include "diag.h"
#include "i18n.h"
#include "nps.h"
#include "opts.h"
#include "segment.h"
#include "survey.h"
#include "table.h"

static const char usage[] = N_(
	"usage: crm-nps [--db PATH] [-t | -d CHAR] [--encoding NAME] [--tz ZONE]\n"
	"               [--source responses|tickets|reviews] [--scale nps|csat|ces]\n"
	"               [--by KEY[,KEY]...]... [--from DATE] [--to DATE]\n"
	"               [--survey NAME] [--strict] [--format csv|text|json]\n"
	"               [--map COLUMN=HEADER]... [--map-value COLUMN:FROM=TO]...\n"
	"               [--map-value-file FILE] [--date-order mdy|dmy] [FILE]\n"
	"       crm-nps --detractors [--followed-up FILE] [--from DATE] [--to DATE]\n"
	"               [--survey NAME] [--format csv|text|json]\n"
	"       crm-nps --followed-up FILE [--strict]\n"
	"\n"
	"Net Promoter Score (or CSAT, or CES) of survey answers with its margin of\n"
	"error, overall or per month, week, channel, segment, survey, category or sku\n"
	"(KEY), from the database (its survey answers, or tickets' CSAT or reviews'\n"
	"ratings with --source) or from a CSV of answers (FILE, or standard input when\n"
	"it is a pipe or file and no database is named).  --detractors lists the\n"
	"customers to call back; --followed-up records those called.  See crm-nps(1).\n");

enum { OPT_BY = CRM_OPT_CMD, OPT_SCALE, OPT_FROM, OPT_TO, OPT_SURVEY, OPT_DETRACTORS,
	OPT_FOLLOWED_UP, OPT_STRICT, OPT_FORMAT, OPT_SOURCE };

static const struct option longopts[] = {
	CRM_COMMON_LONGOPTS,
	{"by", required_argument, NULL, OPT_BY},
	{"scale", required_argument, NULL, OPT_SCALE},
	{"from", required_argument, NULL, OPT_FROM},
	{"to", required_argument, NULL, OPT_TO},
	{"survey", required_argument, NULL, OPT_SURVEY},
	{"detractors", no_argument, NULL, OPT_DETRACTORS},
	{"followed-up", required_argument, NULL, OPT_FOLLOWED_UP},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"source", required_argument, NULL, OPT_SOURCE},
	CRM_INPUT_MAP, CRM_INPUT_DATE_ORDER, CRM_INPUT_MAP_VALUE,
	{NULL, 0, NULL, 0},
};

/* Groups named in the small-n warning before "and N more". */
#define SMALL_LISTED 5

struct nps {
	struct crm_common co;
	struct crm_survey_opts so;
	const char *from_date, *to_date, *followed_up;
	char from[CRM_TIME_LEN], to[CRM_TIME_LEN];
	int detractors, scale_given, source_given;
	enum crm_format format;
	struct crm_input in;       /* --map, --date-order */
	/* the run */
	struct crm_db db;
	int have_db;
	struct crm_groups gs;
	struct crm_table *t;
};

/* ---- options ---------------------------------------------------------------------- */

static int by_option(struct nps *s, const char *arg)
{
	char buf[128], *tok, *save = NULL;
	int k, by;
	if (strlen(arg) >= sizeof buf)
		return crm_usage_error(_("--by '%s': too long"), arg);
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if ((by = crm_by_parse(tok)) < 0)
			return crm_usage_error(_("--by '%s': expected month, week, channel, segment, "
					       "survey, category or sku"), tok);
		for (k = 0; k < s->so.nby; k++) {
			if (s->so.by[k] == (enum crm_by)by)
				return crm_usage_error(_("--by %s: given twice"), tok);
			if (crm_by_is_time(s->so.by[k]) && crm_by_is_time(by))
				return crm_usage_error(_("--by %s and %s: one time grouping at most"),
						       crm_by_name(s->so.by[k]), tok);
		}
		s->so.by[s->so.nby++] = by;
	}
	return 0;
}

static int own_option(void *ctx, int c, const char *arg)
{
	struct nps *s = ctx;
	int v;
	switch (c) {
	case OPT_BY: return by_option(s, arg);
	case OPT_SCALE:
		if ((v = crm_scale_parse(arg)) < 0)
			return crm_usage_error(_("--scale must be nps, csat or ces, not '%s'"), arg);
		s->so.scale = v;
		s->scale_given = 1;
		return 0;
	case OPT_SOURCE:
		if ((v = crm_source_parse(arg)) < 0)
			return crm_usage_error(_("--source must be responses, tickets or reviews, not '%s'"),
					       arg);
		s->so.source = v;
		s->source_given = 1;
		return 0;
	case OPT_FROM: s->from_date = arg; return 0;
	case OPT_TO: s->to_date = arg; return 0;
	case OPT_SURVEY: s->so.survey = arg; return 0;
	case OPT_DETRACTORS: s->detractors = 1; return 0;
	case OPT_FOLLOWED_UP: s->followed_up = arg; return 0;
	case OPT_STRICT: s->so.strict = 1; return 0;
	case OPT_FORMAT:
		if ((v = crm_format_parse(arg)) < 0)
			return crm_usage_error(_("--format must be csv, text or json, not '%s'"), arg);
		s->format = v;
		return 0;
	case CRM_OPT_MAP:
	case CRM_OPT_DATE_ORDER:
	case CRM_OPT_MAP_VALUE:
	case CRM_OPT_MAP_VALUE_FILE:
		return crm_input_option(&s->in, c, arg);
	}
	return crm_usage_error(_("unknown option"));
}

/* A --from/--to day as the UTC instant of its local midnight. */
static int day_option(const struct nps *s, const char *name, const char *arg,
		      char out[CRM_TIME_LEN])
{
	int64_t day;
	const char *why = "";
	if (crm_date_day(arg, &day) < 0 || crm_parse_time(arg, s->so.tz, CRM_MDY, out, &why) < 0)
		return crm_usage_error(_("%s '%s' is not a date (YYYY-MM-DD)"), name, arg);
	return 0;
}

/* --source names a table of the database; the call list and follow-ups
 * are survey answers'. */
static int check_source(struct nps *s, int argc)
{
	char why[256];
	if (s->source_given && argc)
		return crm_usage_error(_("--source reads the database, not a FILE of answers"));
	if (s->so.source != CRM_SOURCE_RESPONSES && (s->detractors || s->followed_up))
		return crm_usage_error(_("%s works on survey answers; it takes no --source"),
				       s->detractors ? "--detractors" : "--followed-up");
	if (crm_survey_check(&s->so, s->scale_given, why, sizeof why) < 0)
		return crm_usage_error("%s", why);
	return CRM_OK;
}

static int check_options(struct nps *s, int argc)
{
	if (check_source(s, argc))
		return CRM_EUSAGE;
	if (s->detractors && s->so.nby)
		return crm_usage_error(_("--detractors lists answers; it takes no --by"));
	if (s->detractors && s->so.scale != CRM_SCALE_NPS)
		return crm_usage_error(_("--detractors are NPS answers from 0 to 6; it takes no --scale"));
	if ((s->detractors || s->followed_up) && argc)
		return crm_usage_error(_("%s works on the database, not on a FILE of answers"),
				       s->detractors ? "--detractors" : "--followed-up");
	if (s->followed_up && !s->detractors && (s->so.nby || s->so.scale != CRM_SCALE_NPS))
		return crm_usage_error(_("--followed-up records calls back; it takes no --by or --scale"));
	if (s->from_date && day_option(s, "--from", s->from_date, s->from))
		return CRM_EUSAGE;
	if (s->to_date && day_option(s, "--to", s->to_date, s->to))
		return CRM_EUSAGE;
	if (s->from_date && s->to_date && strcmp(s->from, s->to) >= 0)
		return crm_usage_error(_("--from %s is not before --to %s"), s->from_date, s->to_date);
	s->so.from = s->from_date ? s->from : NULL;
	s->so.to = s->to_date ? s->to : NULL;
	return CRM_OK;
}

/* A stream as crm_stream_path() decides; the call list, follow-ups and
 * --source need the database whatever standard input is. */
static const char *stream_path(const struct nps *s, int argc, char **argv)
{
	if (argc == 0 && (s->detractors || s->followed_up || s->source_given))
		return NULL;
	return crm_stream_path(&s->co, argc, argv);
}

/* ---- figures ---------------------------------------------------------------------- */

/* The headline figure's decimals: tenths of a point or percent, hundredths of a step. */
static int decimals(enum crm_scale scale)
{
	return scale == CRM_SCALE_CES ? 2 : 1;
}

/* The headline figure as shown, in units of its last decimal: changes are
 * the difference of what the rows show. */
static long long shown(const struct crm_nps_result *r)
{
	if (r->scale == CRM_SCALE_NPS)
		return crm_nps_tenths_nps(r);
	if (r->scale == CRM_SCALE_CSAT)
		return crm_nps_tenths(r->satisfied, r->n);
	return llround(r->ces_mean * 100);
}

static int has_time_key(const struct crm_survey_opts *o)
{
	int k;
	for (k = 0; k < o->nby; k++)
		if (crm_by_is_time(o->by[k]))
			return 1;
	return 0;
}

static struct crm_table *begin_figures(struct nps *s)
{
	static const struct crm_table_col nps_cols[] = {
		{N_("n"), CRM_T_NUM}, {N_("promoters"), CRM_T_NUM}, {N_("passives"), CRM_T_NUM},
		{N_("detractors"), CRM_T_NUM}, {N_("promoters_pct"), CRM_T_NUM},
		{N_("passives_pct"), CRM_T_NUM},
		{N_("detractors_pct"), CRM_T_NUM}, {N_("nps"), CRM_T_NUM},
		{N_("margin"), CRM_T_NUM},
		{N_("adj_low"), CRM_T_NUM}, {N_("adj_high"), CRM_T_NUM}};
	static const struct crm_table_col csat_cols[] = {
		{N_("n"), CRM_T_NUM}, {N_("satisfied"), CRM_T_NUM}, {N_("csat"), CRM_T_NUM},
		{N_("margin"), CRM_T_NUM}, {N_("adj_low"), CRM_T_NUM}, {N_("adj_high"), CRM_T_NUM}};
	static const struct crm_table_col ces_cols[] = {
		{N_("n"), CRM_T_NUM}, {N_("ces"), CRM_T_NUM}, {N_("sd"), CRM_T_NUM},
		{N_("margin"), CRM_T_NUM},
		{N_("low"), CRM_T_NUM}, {N_("high"), CRM_T_NUM}};
	static const struct crm_table_col none_col = {N_("no_answer"), CRM_T_NUM};
	static const struct crm_table_col trend_cols[] = {
		{N_("change"), CRM_T_NUM}, {N_("noise"), CRM_T_NUM},
		{N_("significant"), CRM_T_BOOL}};
	const struct crm_table_col *fig = s->so.scale == CRM_SCALE_NPS ? nps_cols :
					  s->so.scale == CRM_SCALE_CSAT ? csat_cols : ces_cols;
	int nfig = s->so.scale == CRM_SCALE_NPS ? 11 : 6, n = 0, k;
	struct crm_table_col cols[CRM_NBY + 11 + 1 + 3];
	for (k = 0; k < s->so.nby; k++) {
		cols[n].name = crm_by_name(s->so.by[k]);
		cols[n++].kind = crm_by_is_time(s->so.by[k]) ? CRM_T_PLAIN : CRM_T_TEXT;
	}
	memcpy(cols + n, fig, (size_t)nfig * sizeof *fig);
	n += nfig;
	cols[n++] = none_col;
	if (has_time_key(&s->so)) {
		memcpy(cols + n, trend_cols, sizeof trend_cols);
		n += 3;
	}
	return crm_table_begin(stdout, s->format, s->co.csv.delim, cols, n);
}

static void cell_scaled(struct crm_table *t, long long v, int dec)
{
	char buf[48];
	crm_nps_format_scaled(v, dec, buf, sizeof buf);
	crm_table_cell(t, buf);
}

static void cell_missing(struct crm_table *t, int n)
{
	while (n-- > 0)
		crm_table_cell(t, NULL);
}

/* The shares of the three NPS groups, or of the satisfied for CSAT. */
static void write_counts(struct crm_table *t, const struct crm_nps_result *r)
{
	if (r->scale == CRM_SCALE_NPS) {
		crm_table_int(t, r->promoters);
		crm_table_int(t, r->passives);
		crm_table_int(t, r->detractors);
		if (!r->n) {
			cell_missing(t, 3);
			return;
		}
		cell_scaled(t, crm_nps_tenths(r->promoters, r->n), 1);
		cell_scaled(t, crm_nps_tenths(r->passives, r->n), 1);
		cell_scaled(t, crm_nps_tenths(r->detractors, r->n), 1);
	} else if (r->scale == CRM_SCALE_CSAT) {
		crm_table_int(t, r->satisfied);
	}
}

static void write_figures(struct crm_table *t, const struct crm_nps_result *r)
{
	int dec = decimals(r->scale);
	crm_table_int(t, r->n);
	write_counts(t, r);
	if (!r->n) {      /* no figure of nothing */
		cell_missing(t, r->scale == CRM_SCALE_CES ? 5 : 4);
		return;
	}
	cell_scaled(t, shown(r), dec);
	if (r->scale == CRM_SCALE_CES)
		crm_table_fixed(t, r->ces_sd, dec);
	crm_table_fixed(t, r->margin, dec);
	crm_table_fixed(t, r->low, dec);
	crm_table_fixed(t, r->high, dec);
}

static void write_change(struct crm_table *t, const struct crm_nps_result *prev,
			 const struct crm_nps_result *cur)
{
	double delta, noise;
	int sig = prev ? crm_nps_change(prev, cur, &delta, &noise) : -1;
	if (sig < 0) {
		cell_missing(t, 3);
		return;
	}
	cell_scaled(t, shown(cur) - shown(prev), decimals(cur->scale));
	crm_table_fixed(t, noise, decimals(cur->scale));
	crm_table_cell(t, sig ? "1" : "0");
}

/* "2025-01/email": a group's keys for messages. */
static void group_label(const struct crm_group *g, int nby, char *out, size_t size)
{
	size_t o = 0;
	int k;
	out[0] = '\0';
	for (k = 0; k < nby && o + 1 < size; k++)
		o += (size_t)snprintf(out + o, size - o, "%s%s", k ? "/" : "",
				      g->key[k] ? g->key[k] : "-");
}

/* One warning line for the groups whose margin means little. */
static void warn_small(const struct nps *s, const struct crm_nps_result *res)
{
	char list[1024], label[256];
	size_t i, o = 0, small = 0;
	if (!s->so.nby) {
		if (res[0].small)
			crm_error(crm_n_("only %lld answer: below %d answers the margin of error "
					 "means little",
					 "only %lld answers: below %d answers the margin of error "
					 "means little", res[0].n), res[0].n, CRM_NPS_SMALL_N);
		return;
	}
	list[0] = '\0';
	for (i = 0; i < s->gs.n; i++) {
		if (!res[i].small || small++ >= SMALL_LISTED)
			continue;
		group_label(&s->gs.g[i], s->so.nby, label, sizeof label);
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s (%lld)", o ? ", " : "", label,
				      res[i].n);
		o = o < sizeof list ? o : sizeof list - 1;
	}
	if (small > SMALL_LISTED)
		snprintf(list + o, sizeof list - o, _(" and %zu more"), small - SMALL_LISTED);
	if (small)
		crm_error(crm_n_("fewer than %d answers in %s: its margin of error means little",
				 "fewer than %d answers in %s: their margins of error mean little",
				 small), CRM_NPS_SMALL_N, list);
}

static void report_bad(const struct crm_groups *gs)
{
	const struct crm_survey_bad *b = &gs->bad;
	long long total = crm_survey_bad_total(b);
	if (total)
		crm_error(_("%lld of %lld answers left out: %lld outside the scale, %lld not a number, "
			  "%lld other"), total, gs->rows, b->range, b->nan, b->other);
}

/* A group's key as its cell shows it: a segment's Korean label in a text
 * table read in Korean; the name itself in CSV and JSON. */
static const char *shown_key(const struct nps *s, int k, const char *key)
{
	if (s->format != CRM_FORMAT_TEXT || s->so.by[k] != CRM_BY_SEGMENT || !key)
		return key;
	return crm_segment_label(key);
}

static int write_groups(struct nps *s)
{
	struct crm_nps_result *res = crm_xcalloc(s->gs.n + 1, sizeof *res);
	int trend = has_time_key(&s->so);
	long long answers = 0;
	size_t i;
	for (i = 0; i < s->gs.n; i++) {
		crm_nps_compute(&s->gs.g[i].acc, s->so.scale, &res[i]);
		answers += res[i].n;
	}
	s->t = begin_figures(s);
	for (i = 0; i < s->gs.n; i++) {
		const struct crm_group *g = &s->gs.g[i];
		int k;
		for (k = 0; k < s->so.nby; k++)
			crm_table_cell(s->t, shown_key(s, k, g->key[k]));
		write_figures(s->t, &res[i]);
		crm_table_int(s->t, res[i].no_answer);
		if (trend)
			write_change(s->t, g->prev >= 0 ? &res[g->prev] : NULL, &res[i]);
	}
	crm_table_finish(s->t);
	crm_table_free(s->t);
	s->t = NULL;
	if (!answers)
		crm_error("%s", s->gs.rows ? _("no answers left: nothing to measure") :
			  _("no answers: nothing to measure"));
	else
		warn_small(s, res);
	free(res);
	report_bad(&s->gs);
	return crm_survey_bad_total(&s->gs.bad) ? CRM_EDATA : CRM_OK;
}

/* ---- closed loop ------------------------------------------------------------------ */

static int write_detractor(const struct crm_detractor *d, void *ctx)
{
	struct crm_table *t = ctx;
	char score[8];
	snprintf(score, sizeof score, "%d", d->score);
	crm_table_cell(t, d->response_id);
	crm_table_cell(t, d->answered_at);
	crm_table_cell(t, score);
	crm_table_cell(t, d->comment);
	crm_table_cell(t, d->survey);
	crm_table_cell(t, d->channel);
	crm_table_cell(t, d->customer_id);
	crm_table_cell(t, d->name);
	crm_table_cell(t, d->email);
	crm_table_cell(t, d->phone);
	crm_table_cell(t, d->last_order);
	if (d->last_order)
		crm_table_int(t, d->orders);
	else
		crm_table_cell(t, NULL);
	crm_table_cell(t, d->spent);
	crm_table_cell(t, d->currency);
	return 0;
}

static int list_detractors(struct nps *s)
{
	static const struct crm_table_col cols[] = {
		{N_("response_id"), CRM_T_TEXT}, {N_("answered_at"), CRM_T_PLAIN},
		{N_("score"), CRM_T_NUM},
		{N_("comment"), CRM_T_TEXT}, {N_("survey"), CRM_T_TEXT},
		{N_("channel"), CRM_T_TEXT},
		{N_("customer_id"), CRM_T_TEXT}, {N_("name"), CRM_T_TEXT},
		{N_("email"), CRM_T_TEXT},
		{N_("phone"), CRM_T_TEXT}, {N_("last_order"), CRM_T_PLAIN},
		{N_("orders"), CRM_T_NUM},
		{N_("spent"), CRM_T_NUM}, {N_("currency"), CRM_T_PLAIN}};
	int rc;
	/* one snapshot for the whole list */
	if ((rc = crm_db_begin(&s->db)) != CRM_OK)
		return rc;
	s->t = crm_table_begin(stdout, s->format, s->co.csv.delim, cols, 14);
	rc = crm_detractors_each(&s->db, &s->so, write_detractor, s->t);
	crm_table_finish(s->t);
	crm_table_free(s->t);
	s->t = NULL;
	if (rc == CRM_OK)
		return crm_db_commit(&s->db);
	crm_db_rollback(&s->db);
	return rc;
}

static int record_followups(struct nps *s)
{
	struct crm_followup_counts c;
	int rc = crm_followups_record(&s->db, s->followed_up, &s->so, &c);
	if (rc != CRM_OK && rc != CRM_EDATA)
		return rc;
	if (rc == CRM_EDATA && s->so.strict) {
		crm_error(_("followups: nothing recorded (--strict)"));
		return rc;
	}
	crm_error(_("followups: %lld read, %lld recorded, %lld unchanged, %lld rejected"),
		  c.read, c.recorded, c.unchanged, c.rejected);
	return c.rejected || rc == CRM_EDATA ? CRM_EDATA : CRM_OK;
}

/* ---- the run ------------------------------------------------------------------------ */

static int from_db(struct nps *s)
{
	int rc, status = CRM_OK;
	if ((rc = crm_db_open(&s->db, crm_db_path(s->co.db),
			       s->followed_up ? CRM_DB_WRITE : CRM_DB_READ)) != CRM_OK)
		return rc;
	s->have_db = 1;
	if (s->followed_up) {
		status = record_followups(s);
		if (status != CRM_OK && status != CRM_EDATA)
			return status;
		if (!s->detractors || (status == CRM_EDATA && s->so.strict))
			return status;
	}
	if (s->detractors)
		return (rc = list_detractors(s)) != CRM_OK ? rc : status;
	/* one snapshot of the answers and the segment run they are grouped by */
	if ((rc = crm_db_begin(&s->db)) != CRM_OK)
		return rc;
	if ((rc = crm_survey_load_db(&s->db, &s->so, &s->gs)) != CRM_OK) {
		crm_db_rollback(&s->db);
		return rc;
	}
	if ((rc = crm_db_commit(&s->db)) != CRM_OK)
		return rc;
	return write_groups(s);
}

static int from_stream(struct nps *s, const char *path)
{
	int rc;
	if ((rc = crm_survey_load_csv(path, &s->so, &s->gs)) != CRM_OK) {
		if (rc == CRM_EDATA && s->so.strict)
			crm_error(_("a bad answer with --strict: no figures written"));
		return rc;
	}
	return write_groups(s);
}

int main(int argc, char **argv)
{
	static struct nps s;
	struct crm_tz *tz;
	const char *path;
	int rc;

	crm_set_progname(argv[0]);
	crm_i18n_init(argv[0]);
	argv[0] = (char *)crm_progname;
	crm_common_init(&s.co);
	crm_input_init(&s.in);
	if ((rc = crm_parse_options(&s.co, argc, argv, CRM_COMMON_SHORTOPTS, longopts, usage,
				    own_option, &s)) != CRM_OK)
		return rc;
	/* for the answers' stream and the follow-ups alike */
	s.so.in = &s.in;
	s.so.csv = s.co.csv;
	argc -= optind;
	argv += optind;
	if (argc > 1)
		return crm_usage_error(_("one file of answers at most, not %d"), argc);
	if (!(tz = crm_common_tz(&s.co)))
		return CRM_EUSAGE;
	s.so.tz = tz;
	if ((rc = check_options(&s, argc)) == CRM_OK) {
		path = stream_path(&s, argc, argv);
		rc = path ? from_stream(&s, path) : from_db(&s);
	}
	crm_groups_release(&s.gs);
	if (s.have_db)
		crm_db_close(&s.db);
	crm_tz_close(tz);
	return crm_close_stdout(rc);
}
