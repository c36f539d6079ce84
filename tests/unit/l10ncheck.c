/*
 * l10ncheck - drive l10n.h's forms, one per line of standard output.
 *   l10ncheck date DATE LANG          crm_l10n_date
 *   l10ncheck week DATE LANG          crm_l10n_week
 *   l10ncheck tick DATE LANG          crm_l10n_day_tick
 *   l10ncheck period SPEC TODAY LANG  crm_period_parse (weeks from Monday),
 *                                     then crm_l10n_period
 *   l10ncheck span FROM TO LANG       crm_period_span, then crm_l10n_period
 *   l10ncheck money MINOR CUR LANG    crm_l10n_money
 *   l10ncheck group TEXT              crm_l10n_group
 *   l10ncheck count FIGURE KIND       crm_l10n_count in the messages' language
 *                                     (KIND: bare, people, cases, coupons, points)
 *   l10ncheck lang                    "ko" or "en": crm_l10n_ko()
 * LANG is en or ko.  The catalogue is the one beside the commands (the
 * environment's L10NCHECK_LOCALEDIR, else i18n.h's search).  Exit 2 on bad
 * arguments.  Driven by report_ko.bats.
 */
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l10n.h"
#include "norm.h"
#include "period.h"

static int day_of(const char *date, int64_t *day)
{
	if (crm_date_day(date, day) < 0) {
		fprintf(stderr, "l10ncheck: '%s' is not a date\n", date);
		return -1;
	}
	return 0;
}

static int lang_of(const char *s)
{
	return !strcmp(s, "ko") ? 1 : !strcmp(s, "en") ? 0 : -1;
}

static int period(int argc, char **argv, char *out, size_t size)
{
	struct crm_period p;
	const char *why = "";
	int64_t today;
	int ko = lang_of(argv[argc - 1]), rc;
	if (ko < 0)
		return 2;
	if (!strcmp(argv[1], "period"))
		rc = day_of(argv[3], &today) < 0 ? -1 : crm_period_parse(argv[2], today, 1, &p, &why);
	else
		rc = crm_period_span(argv[2], argv[3], &p, &why);
	if (rc < 0) {
		fprintf(stderr, "l10ncheck: %s\n", why);
		return 2;
	}
	crm_l10n_period(&p, ko, out, size);
	return 0;
}

static int counter_of(const char *s)
{
	static const char *const kinds[] = {"bare", "people", "cases", "coupons", "points"};
	int i;
	for (i = 0; i < (int)(sizeof kinds / sizeof kinds[0]); i++)
		if (!strcmp(s, kinds[i]))
			return i;
	return -1;
}

/* The forms of one date in one language. */
static int on_day(const char *what, const char *date, const char *lang, char *out, size_t size)
{
	int64_t day;
	int ko = lang_of(lang);
	if (ko < 0 || day_of(date, &day) < 0)
		return 2;
	if (!strcmp(what, "date"))
		crm_l10n_date(day, ko, out, size);
	else if (!strcmp(what, "week"))
		crm_l10n_week(day, ko, out, size);
	else
		crm_l10n_day_tick(day, ko, out, size);
	return 0;
}

static int run(int argc, char **argv, char *out, size_t size)
{
	const char *cmd = argv[1];
	int k;
	if (argc == 4 && (!strcmp(cmd, "date") || !strcmp(cmd, "week") || !strcmp(cmd, "tick")))
		return on_day(cmd, argv[2], argv[3], out, size);
	if (argc == 5 && (!strcmp(cmd, "period") || !strcmp(cmd, "span")))
		return period(argc, argv, out, size);
	if (argc == 5 && !strcmp(cmd, "money") && lang_of(argv[4]) >= 0) {
		crm_l10n_money(strtoll(argv[2], NULL, 10), argv[3], lang_of(argv[4]), out, size);
		return 0;
	}
	if (argc == 3 && !strcmp(cmd, "group")) {
		crm_l10n_group(argv[2], out, size);
		return 0;
	}
	if (argc == 4 && !strcmp(cmd, "count") && (k = counter_of(argv[3])) >= 0) {
		crm_l10n_count(argv[2], (enum crm_counter)k, out, size);
		return 0;
	}
	if (argc == 2 && !strcmp(cmd, "lang")) {
		snprintf(out, size, "%s", crm_l10n_ko() ? "ko" : "en");
		return 0;
	}
	return 2;
}

int main(int argc, char **argv)
{
	char out[256];
	const char *dir = getenv("L10NCHECK_LOCALEDIR");
	int rc;
	crm_i18n_init(argv[0]);
	if (dir && *dir)
		bindtextdomain(CRM_TEXTDOMAIN, dir);
	if (argc < 2 || (rc = run(argc, argv, out, sizeof out)) != 0) {
		fprintf(stderr, "usage: l10ncheck date|week|tick|period|span|money|group|count|lang ...\n");
		return 2;
	}
	puts(out);
	return 0;
}
