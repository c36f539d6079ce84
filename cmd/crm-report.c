/* crm-report - the weekly customer report.  See crm-report(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "diag.h"
#include "feedback.h"
#include "i18n.h"
#include "opts.h"
#include "parse.h"
#include "period.h"
#include "report.h"

static const char usage[] = N_(
	"usage: crm-report [--db PATH] [--tz ZONE] [--period SPEC | --from DATE --to DATE]\n"
	"                  [--week-start DAY] [--as-of DATE] [--format text|markdown|html|json]\n"
	"                  [--currency CODE] [--sla FILE | --sla first=DURATION,resolve=DURATION]\n"
	"                  [--schedule FILE] [--lost-days N] [--list N] [--topics FILE]\n"
	"\n"
	"The customer report of a period (default: last week, Monday to Sunday) against\n"
	"the period before it: customers, revenue, segments, satisfaction, service,\n"
	"reviews, what customers say and coupons.  SPEC: last-week, this-week, last-month, this-month,\n"
	"YYYY-MM or YYYY-Www.  See crm-report(1).\n");

enum { OPT_FORMAT = CRM_OPT_CMD, OPT_SLA, OPT_SCHEDULE, OPT_LOST_DAYS, OPT_LIST, OPT_TOPICS };

static const struct option longopts[] = {
	CRM_COMMON_LONGOPTS,
	CRM_PERIOD_LONGOPTS,
	{"format", required_argument, NULL, OPT_FORMAT},
	CRM_INPUT_CURRENCY,
	{"sla", required_argument, NULL, OPT_SLA},
	{"schedule", required_argument, NULL, OPT_SCHEDULE},
	{"lost-days", required_argument, NULL, OPT_LOST_DAYS},
	{"list", required_argument, NULL, OPT_LIST},
	{"topics", required_argument, NULL, OPT_TOPICS},
	{NULL, 0, NULL, 0},
};

struct rep {
	struct crm_common co;
	struct crm_report_opts ro;
	struct crm_period_opts po;
	long long sla_first, sla_resolve;     /* --sla first=,resolve= */
	const char *sla_path, *schedule_path, *topics_path;
	enum crm_report_format format;
	struct crm_input in;       /* --currency */
};

static int format_option(struct rep *r, const char *arg)
{
	static const char *const names[] = {"text", "markdown", "html", "json"};
	int i;
	for (i = 0; i < 4; i++)
		if (!strcmp(arg, names[i])) {
			r->format = (enum crm_report_format)i;
			return 0;
		}
	return crm_usage_error(_("--format must be text, markdown, html or json, not '%s'"), arg);
}

/* --sla FILE, or the targets of every ticket in calendar hours */
static int sla_option(struct rep *r, const char *arg)
{
	char buf[128], *item, *save = NULL;
	if (!strchr(arg, '=')) {
		r->sla_path = arg;
		return 0;
	}
	snprintf(buf, sizeof buf, "%s", arg);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		long long secs = eq ? crm_parse_duration(eq + 1, strlen(eq + 1), 365LL * 86400) : -1;
		if (secs <= 0)
			goto bad;
		*eq = '\0';
		if (!strcmp(item, "first"))
			r->sla_first = secs;
		else if (!strcmp(item, "resolve"))
			r->sla_resolve = secs;
		else
			goto bad;
	}
	return 0;
bad:
	return crm_usage_error(_("--sla '%s': expected first=DURATION,resolve=DURATION "
			       "(DURATION like 4h, 30m, 2d)"), arg);
}

static int own_option(void *ctx, int c, const char *arg)
{
	struct rep *r = ctx;
	long v;
	switch (c) {
	case CRM_OPT_PERIOD:
	case CRM_OPT_FROM:
	case CRM_OPT_TO:
	case CRM_OPT_WEEK_START:
	case CRM_OPT_AS_OF:
		return crm_period_option(&r->po, c, arg);
	case OPT_FORMAT: return format_option(r, arg);
	case CRM_OPT_CURRENCY: return crm_input_option(&r->in, c, arg);
	case OPT_SLA: return sla_option(r, arg);
	case OPT_SCHEDULE: r->schedule_path = arg; return 0;
	case OPT_TOPICS: r->topics_path = arg; return 0;
	case OPT_LOST_DAYS:
		if (crm_number_option("--lost-days", arg, 1, 100000, _("days"), &v) != 0)
			return CRM_EUSAGE;
		r->ro.lost_days = (int)v;
		return 0;
	case OPT_LIST:
		if (crm_number_option("--list", arg, 0, 100000, _("rows"), &v) != 0)
			return CRM_EUSAGE;
		r->ro.list_rows = (int)v;
		return 0;
	}
	return crm_usage_error(_("unknown option"));
}

/* The schedule and the SLA: durations in business hours with a schedule;
 * business targets in its hours, else in the built-in Korean schedule's. */
static int load_files(struct rep *r, struct crm_schedule **sched, struct crm_sla **sla)
{
	char err[1024];
	int rc = CRM_OK;
	if (r->schedule_path && !(*sched = crm_schedule_load(r->schedule_path, err, sizeof err,
							     &rc))) {
		crm_error("%s", err);
		return rc;
	}
	if (r->sla_path && !(*sla = crm_sla_load(r->sla_path, &rc, err, sizeof err))) {
		crm_error("%s", err);
		return rc;
	}
	if (!r->sla_path && (r->sla_first || r->sla_resolve))
		*sla = crm_sla_calendar(r->sla_first, r->sla_resolve);
	if (!*sched && *sla && crm_sla_uses_business(*sla))
		*sched = crm_schedule_default();
	r->ro.sched = r->schedule_path ? *sched : NULL;
	r->ro.sla_sched = *sched;
	r->ro.sla = *sla;
	return CRM_OK;
}

/* --topics FILE: crm-feedback's dictionary, read once; else the report
 * takes the built-in one. */
static int load_topics(struct rep *r, struct crm_topics **topics, struct crm_topics **polarity)
{
	int rc;
	if (!r->topics_path)
		return CRM_OK;
	if ((rc = crm_feedback_dictionary(r->topics_path, NULL, topics, polarity)) != CRM_OK)
		return rc;
	r->ro.topics = *topics;
	r->ro.polarity = *polarity;
	r->ro.topics_name = r->topics_path;
	return CRM_OK;
}

static int report(struct rep *r, const struct crm_period *p)
{
	struct crm_db db;
	struct crm_report rep;
	int rc = crm_db_open(&db, crm_db_path(r->co.db), CRM_DB_READ);
	rep.nsections = 0;
	if (rc != CRM_OK)
		return rc;
	if ((rc = crm_report_build(&db, p, &r->ro, &rep)) == CRM_OK)
		crm_report_write(stdout, &rep, r->format);
	crm_report_release(&rep);
	crm_db_rollback(&db);     /* ends the snapshot */
	crm_db_close(&db);
	return rc;
}

int main(int argc, char **argv)
{
	static struct rep r;
	struct crm_period p;
	struct crm_tz *tz;
	struct crm_schedule *sched = NULL;
	struct crm_sla *sla = NULL;
	struct crm_topics *topics = NULL, *polarity = NULL;
	int rc;

	crm_i18n_init(argv[0]);
	crm_set_progname(argv[0]);
	crm_i18n_init(argv[0]);
	argv[0] = (char *)crm_progname;
	crm_common_init(&r.co);
	crm_input_init(&r.in);
	crm_period_opts_init(&r.po);
	r.ro.lost_days = 365;
	r.ro.list_rows = 10;
	if ((rc = crm_parse_options(&r.co, argc, argv, CRM_COMMON_SHORTOPTS, longopts, usage,
				    own_option, &r)) != CRM_OK)
		return rc;
	r.ro.currency = crm_input_currency(&r.in);
	if (optind < argc)
		return crm_usage_error(_("unexpected argument '%s': the report reads the database"),
				       argv[optind]);
	if (!(tz = crm_common_tz(&r.co)))
		return CRM_EUSAGE;
	r.ro.tz = tz;
	rc = crm_period_choose(&r.po, tz, "last-week", &p, &r.ro.as_of);
	if (rc == CRM_OK && (rc = load_files(&r, &sched, &sla)) == CRM_OK &&
	    (rc = load_topics(&r, &topics, &polarity)) == CRM_OK)
		rc = report(&r, &p);
	crm_topics_free(topics);
	crm_topics_free(polarity);
	crm_schedule_free(sched);
	crm_sla_free(sla);
	crm_tz_close(tz);
	return crm_close_stdout(rc);
}
