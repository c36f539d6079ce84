/* crm-service - the help desk's figures in business hours, SLA breaches,
 * backlog and agents.  See crm-service(1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "diag.h"
#include "i18n.h"
#include "nps.h"
#include "opts.h"
#include "period.h"
#include "schedule.h"
#include "service.h"
#include "sla.h"
#include "table.h"

static const char usage[] = N_(
	"usage: crm-service [--db PATH] [-t | -d CHAR] [--tz ZONE]\n"
	"                   [--period SPEC | --from DATE --to DATE] [--as-of DATE]\n"
	"                   [--week-start DAY] [--by KEY[,KEY]...]...\n"
	"                   [--hours business|calendar] [--schedule FILE] [--sla FILE]\n"
	"                   [--breaches | --backlog] [--format csv|text|json]\n"
	"       crm-service --show-schedule [--schedule FILE]\n"
	"\n"
	"The help desk's figures of the tickets opened in a period (default: last\n"
	"week): first response and resolution times (median, 90th percentile) in\n"
	"business or calendar hours, customers' wait, one-touch and reopen rates,\n"
	"CSAT and SLA breaches, overall or per channel, category, priority, agent,\n"
	"team, month or week (KEY).  --breaches lists the tickets that missed a\n"
	"target of the --sla file, --backlog the tickets still open at the end of\n"
	"the period, oldest first.  See crm-service(1).\n");

enum { OPT_BY = CRM_OPT_CMD, OPT_HOURS, OPT_SCHEDULE, OPT_SLA, OPT_BREACHES, OPT_BACKLOG,
	OPT_FORMAT, OPT_SHOW_SCHEDULE };

static const struct option longopts[] = {
	CRM_COMMON_LONGOPTS,
	CRM_PERIOD_LONGOPTS,
	{"by", required_argument, NULL, OPT_BY},
	{"hours", required_argument, NULL, OPT_HOURS},
	{"schedule", required_argument, NULL, OPT_SCHEDULE},
	{"sla", required_argument, NULL, OPT_SLA},
	{"breaches", no_argument, NULL, OPT_BREACHES},
	{"backlog", no_argument, NULL, OPT_BACKLOG},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"show-schedule", no_argument, NULL, OPT_SHOW_SCHEDULE},
	{NULL, 0, NULL, 0},
};

enum hours { HOURS_DEFAULT, HOURS_BUSINESS, HOURS_CALENDAR };

struct svc {
	struct crm_common co;
	struct crm_period_opts po;
	struct crm_service_opts so;
	const char *schedule_path, *sla_path;
	enum hours hours;
	int breaches, backlog, show_schedule;
	enum crm_format format;
	/* the run */
	char from[CRM_TIME_LEN], to[CRM_TIME_LEN];
	struct crm_schedule *sched;
	struct crm_sla *sla;
	struct crm_table *t;
};

/* ---- options ---------------------------------------------------------------------- */

static int by_option(struct svc *s, const char *arg)
{
	char buf[128], *tok, *save = NULL;
	int k, by;
	if (strlen(arg) >= sizeof buf)
		return crm_usage_error(_("--by '%s': too long"), arg);
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if ((by = crm_svc_by_parse(tok)) < 0)
			return crm_usage_error(_("--by '%s': expected channel, category, priority, "
					       "agent, team, month or week"), tok);
		for (k = 0; k < s->so.nby; k++)
			if (s->so.by[k] == (enum crm_svc_by)by)
				return crm_usage_error(_("--by %s: given twice"), tok);
		s->so.by[s->so.nby++] = by;
	}
	return 0;
}

static int own_option(void *ctx, int c, const char *arg)
{
	struct svc *s = ctx;
	int v;
	switch (c) {
	case CRM_OPT_PERIOD:
	case CRM_OPT_FROM:
	case CRM_OPT_TO:
	case CRM_OPT_WEEK_START:
	case CRM_OPT_AS_OF:
		return crm_period_option(&s->po, c, arg);
	case OPT_BY: return by_option(s, arg);
	case OPT_HOURS:
		if (strcmp(arg, "business") && strcmp(arg, "calendar"))
			return crm_usage_error(_("--hours must be business or calendar, not '%s'"), arg);
		s->hours = strcmp(arg, "business") ? HOURS_CALENDAR : HOURS_BUSINESS;
		return 0;
	case OPT_SCHEDULE: s->schedule_path = arg; return 0;
	case OPT_SLA: s->sla_path = arg; return 0;
	case OPT_BREACHES: s->breaches = 1; return 0;
	case OPT_BACKLOG: s->backlog = 1; return 0;
	case OPT_SHOW_SCHEDULE: s->show_schedule = 1; return 0;
	case OPT_FORMAT:
		if ((v = crm_format_parse(arg)) < 0)
			return crm_usage_error(_("--format must be csv, text or json, not '%s'"), arg);
		s->format = v;
		return 0;
	}
	return crm_usage_error(_("unknown option"));
}

static int check_options(const struct svc *s, int argc, char **argv)
{
	if (argc)
		return crm_usage_error(_("unexpected argument '%s': crm-service reads the database"),
				       argv[0]);
	if (s->breaches && s->backlog)
		return crm_usage_error(_("--breaches and --backlog are two lists: one at a time"));
	if ((s->breaches || s->backlog) && s->so.nby)
		return crm_usage_error(_("%s lists tickets; it takes no --by"),
				       s->breaches ? "--breaches" : "--backlog");
	if (s->breaches && !s->sla_path)
		return crm_usage_error(_("--breaches needs the targets: --sla FILE"));
	if (s->show_schedule && (s->breaches || s->backlog || s->so.nby || s->sla_path))
		return crm_usage_error(_("--show-schedule prints the schedule alone"));
	if (s->hours == HOURS_CALENDAR && s->schedule_path && !s->sla_path)
		return crm_usage_error(_("--schedule with --hours calendar: the schedule would go unused"));
	return CRM_OK;
}

/* ---- the schedule, the SLA, the period -------------------------------------------- */

static int load_files(struct svc *s)
{
	char err[1024];
	int rc = CRM_OK;
	if (s->schedule_path &&
	    !(s->sched = crm_schedule_load(s->schedule_path, err, sizeof err, &rc))) {
		crm_error("%s", err);
		return rc;
	}
	if (s->sla_path && !(s->sla = crm_sla_load(s->sla_path, &rc, err, sizeof err))) {
		crm_error("%s", err);
		return rc;
	}
	/* business hours asked for, or needed by a target, without a file: the
	 * built-in Korean schedule */
	if (!s->sched && (s->hours == HOURS_BUSINESS || s->show_schedule ||
			  (s->sla && crm_sla_uses_business(s->sla))))
		s->sched = crm_schedule_default();
	s->so.sched = s->hours == HOURS_BUSINESS ||
		      (s->hours == HOURS_DEFAULT && s->schedule_path) ? s->sched : NULL;
	s->so.sla = s->sla;
	s->so.sla_sched = s->sched;
	return CRM_OK;
}

/* The period's bounds and the instant of the figures: the end of the
 * --as-of day, else now. */
static int choose_run(struct svc *s, const struct crm_tz *tz)
{
	struct crm_period p;
	int64_t today;
	const char *why;
	int rc = crm_period_choose(&s->po, tz, "last-week", &p, &today);
	if (rc != CRM_OK)
		return rc;
	if (crm_period_bounds(&p, tz, s->from, s->to, &why) < 0 ||
	    (s->po.as_of && crm_day_start(tz, today + 1, s->so.end, &why) < 0))
		return crm_usage_error(_("the period %s: %s"), p.label, why);
	if (!s->po.as_of && (rc = crm_clock(tz, s->so.end)) != CRM_OK)
		return rc;
	s->so.from = s->from;
	s->so.to = s->to;
	s->so.tz = tz;
	s->so.week_start = s->po.week_start;
	return CRM_OK;
}

/* ---- output ----------------------------------------------------------------------- */

static void cell_hours(struct crm_table *t, int64_t secs)
{
	crm_table_fixed(t, secs < 0 ? NAN : (double)secs / 3600.0, 2);
}

static const char *const figure_cols[] = {N_("tickets"), N_("solved"),
	N_("first_response_median_h"), N_("first_response_p90_h"), N_("resolution_median_h"),
	N_("resolution_p90_h"), N_("wait_median_h"), N_("one_touch_pct"), N_("reopened_pct"),
	N_("csat_pct"), N_("csat_margin"), N_("csat_n"), N_("sla_first_breaches"),
	N_("sla_resolution_breaches"), N_("left_out")};
#define NFIG ((int)(sizeof figure_cols / sizeof figure_cols[0]))

static void figure_row(struct crm_table *t, const char *const *key, int nkey,
		       const struct crm_service_figures *f, int sla)
{
	int k;
	for (k = 0; k < nkey; k++)
		crm_table_cell(t, key[k] ? key[k] : "(none)");
	crm_table_int(t, f->opened);
	crm_table_int(t, f->solved);
	crm_table_fixed(t, f->first_med, 2);
	crm_table_fixed(t, f->first_p90, 2);
	crm_table_fixed(t, f->resolve_med, 2);
	crm_table_fixed(t, f->resolve_p90, 2);
	crm_table_fixed(t, f->wait_med, 2);
	crm_table_share(t, f->one_touch, f->touch_n);
	crm_table_share(t, f->reopened, f->reopen_n);
	crm_table_fixed(t, f->csat.n ? f->csat.value : NAN, 1);
	crm_table_fixed(t, f->csat.n ? f->csat.margin : NAN, 1);
	crm_table_int(t, f->csat.n);
	if (sla) {
		crm_table_int(t, f->breach_first);
		crm_table_int(t, f->breach_resolve);
	} else {
		crm_table_cell(t, NULL);
		crm_table_cell(t, NULL);
	}
	crm_table_int(t, f->left_out);
}

static int figures(struct svc *s, struct crm_db *db)
{
	struct crm_table_col cols[CRM_SVC_NBY + NFIG];
	struct crm_service sv;
	size_t i;
	int k, rc = crm_service_figures(db, &s->so, &sv);
	for (k = 0; k < s->so.nby; k++)
		cols[k] = (struct crm_table_col){crm_svc_by_name(s->so.by[k]), CRM_T_TEXT};
	for (k = 0; k < NFIG; k++)
		cols[s->so.nby + k] = (struct crm_table_col){figure_cols[k], CRM_T_NUM};
	if (rc == CRM_OK) {
		s->t = crm_table_begin(stdout, s->format, s->co.csv.delim, cols, s->so.nby + NFIG);
		if (!s->so.nby)
			figure_row(s->t, NULL, 0, &sv.all, s->sla != NULL);
		for (i = 0; i < sv.n; i++)
			figure_row(s->t, sv.g[i].key, s->so.nby, &sv.g[i].f, s->sla != NULL);
		crm_table_finish(s->t);
		if (sv.all.left_out)
			crm_error(crm_n_("%lld ticket left out of every duration: its times "
					 "contradict each other (crm-import named them)",
					 "%lld tickets left out of every duration: their times "
					 "contradict each other (crm-import named them)",
					 sv.all.left_out), sv.all.left_out);
	}
	crm_service_release(&sv);
	return rc;
}

static const struct crm_table_col breach_cols[] = {
	{N_("ticket_id"), CRM_T_PLAIN}, {N_("customer_id"), CRM_T_PLAIN},
	{N_("opened_at"), CRM_T_PLAIN},
	{N_("priority"), CRM_T_TEXT}, {N_("channel"), CRM_T_TEXT}, {N_("agent"), CRM_T_TEXT},
	{N_("team"), CRM_T_TEXT}, {N_("target"), CRM_T_PLAIN}, {N_("hours"), CRM_T_PLAIN},
	{N_("target_h"), CRM_T_NUM}, {N_("took_h"), CRM_T_NUM}, {N_("over_h"), CRM_T_NUM},
	{N_("done"), CRM_T_BOOL},
};

static int breach_row(const struct crm_service_breach *b, void *ctx)
{
	struct crm_table *t = ctx;
	crm_table_cell(t, b->ticket_id);
	crm_table_cell(t, b->customer_id);
	crm_table_cell(t, b->opened_at);
	crm_table_cell(t, b->priority);
	crm_table_cell(t, b->channel);
	crm_table_cell(t, b->agent);
	crm_table_cell(t, b->team);
	crm_table_cell(t, b->target);
	crm_table_cell(t, b->calendar ? "calendar" : "business");
	cell_hours(t, b->limit);
	cell_hours(t, b->took);
	cell_hours(t, b->took - b->limit);
	crm_table_cell(t, b->done ? "1" : "0");
	return CRM_OK;
}

static const struct crm_table_col backlog_cols[] = {
	{N_("ticket_id"), CRM_T_PLAIN}, {N_("customer_id"), CRM_T_PLAIN},
	{N_("opened_at"), CRM_T_PLAIN},
	{N_("age_h"), CRM_T_NUM}, {N_("business_age_h"), CRM_T_NUM}, {N_("band"), CRM_T_PLAIN},
	{N_("status"), CRM_T_PLAIN}, {N_("priority"), CRM_T_TEXT}, {N_("channel"), CRM_T_TEXT},
	{N_("agent"), CRM_T_TEXT}, {N_("team"), CRM_T_TEXT}, {N_("answered"), CRM_T_BOOL},
	{N_("subject"), CRM_T_TEXT},
};

static int backlog_row(const struct crm_service_open *o, void *ctx)
{
	struct crm_table *t = ctx;
	crm_table_cell(t, o->ticket_id);
	crm_table_cell(t, o->customer_id);
	crm_table_cell(t, o->opened_at);
	cell_hours(t, o->age);
	cell_hours(t, o->business_age);
	crm_table_cell(t, crm_service_bands[o->band]);
	crm_table_cell(t, o->status);
	crm_table_cell(t, o->priority);
	crm_table_cell(t, o->channel);
	crm_table_cell(t, o->agent);
	crm_table_cell(t, o->team);
	crm_table_cell(t, o->answered ? "1" : "0");
	crm_table_cell(t, o->subject);
	return CRM_OK;
}

#define NCOLS(a) ((int)(sizeof a / sizeof a[0]))

static int run(struct svc *s)
{
	struct crm_db db;
	int rc = crm_db_open(&db, crm_db_path(s->co.db), CRM_DB_READ);
	if (rc != CRM_OK)
		return rc;
	if ((rc = crm_db_begin_read(&db)) == CRM_OK) {
		if (s->breaches) {
			s->t = crm_table_begin(stdout, s->format, s->co.csv.delim, breach_cols,
					       NCOLS(breach_cols));
			rc = crm_service_breaches(&db, &s->so, breach_row, s->t);
		} else if (s->backlog) {
			s->t = crm_table_begin(stdout, s->format, s->co.csv.delim, backlog_cols,
					       NCOLS(backlog_cols));
			rc = crm_service_backlog(&db, &s->so, backlog_row, s->t);
		} else {
			rc = figures(s, &db);
		}
		if (rc == CRM_OK && (s->breaches || s->backlog))
			crm_table_finish(s->t);
		crm_db_rollback(&db);
	}
	crm_db_close(&db);
	return rc;
}

int main(int argc, char **argv)
{
	static struct svc s;
	struct crm_tz *tz = NULL;
	int rc;

	crm_set_progname(argv[0]);
	crm_i18n_init(argv[0]);
	argv[0] = (char *)crm_progname;
	crm_common_init(&s.co);
	crm_period_opts_init(&s.po);
	if ((rc = crm_parse_options(&s.co, argc, argv, CRM_COMMON_SHORTOPTS, longopts, usage,
				    own_option, &s)) != CRM_OK)
		return rc;
	if ((rc = check_options(&s, argc - optind, argv + optind)) == CRM_OK &&
	    (rc = load_files(&s)) == CRM_OK) {
		if (s.show_schedule)
			crm_schedule_write(stdout, s.sched);
		else if (!(tz = crm_common_tz(&s.co)))
			rc = CRM_EUSAGE;
		else if ((rc = choose_run(&s, tz)) == CRM_OK)
			rc = run(&s);
	}
	crm_table_free(s.t);
	crm_schedule_free(s.sched);
	crm_sla_free(s.sla);
	crm_tz_close(tz);
	return crm_close_stdout(rc);
}
