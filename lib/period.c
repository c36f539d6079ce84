/* period.c - reporting periods; see period.h. */
#include "i18n.h"
#include "period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int crm_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday */
	int64_t r = (day + 3) % 7;
	return (int)(r < 0 ? r + 7 : r) + 1;
}

int64_t crm_week_first(int64_t day, int week_start)
{
	return day - (crm_weekday(day) - week_start + 7) % 7;
}

void crm_day_labels(int64_t day, int week_start, char month[CRM_DATE_LEN],
		    char week[CRM_DATE_LEN])
{
	crm_day_date(day, month);
	month[7] = '\0';
	crm_day_date(crm_week_first(day, week_start), week);
}

int64_t crm_month_first(int year, int month)
{
	char s[24];
	int64_t d;
	if (month > 12) {
		year++;
		month = 1;
	} else if (month < 1) {
		year--;
		month = 12;
	}
	if (year > 9999)        /* the end of 9999-12, which has no date */
		return CRM_DAY_LAST + 1;
	if (year < 1)           /* before 0001-01: a start check_range() refuses */
		return CRM_DAY_FIRST - 1;
	snprintf(s, sizeof s, "%04d-%02d-01", year % 10000, month);
	return crm_date_day(s, &d) < 0 ? -1 : d;
}

static void label_days(struct crm_period *p)
{
	char a[CRM_DATE_LEN], b[CRM_DATE_LEN];
	crm_day_date(p->from, a);
	crm_day_date(p->to - 1, b);
	snprintf(p->label, sizeof p->label, "%s..%s", a, b);
}

/* The ISO year and week of a day: those of its week's Thursday. */
void crm_iso_week(int64_t day, int *year, int *week)
{
	char s[CRM_DATE_LEN];
	int64_t thu = crm_week_first(day, 1) + 3, jan1;
	crm_day_date(thu, s);
	*year = atoi(s);
	jan1 = crm_month_first(*year, 1);
	*week = (int)((thu - jan1) / 7) + 1;
}

static void set_week(struct crm_period *p, int64_t first, int week_start)
{
	int y, w;
	p->from = first;
	p->to = first + 7;
	p->kind = CRM_PERIOD_WEEK;
	if (week_start != 1) {
		label_days(p);
		return;
	}
	crm_iso_week(first, &y, &w);
	snprintf(p->label, sizeof p->label, "%04d-W%02d", y % 10000, w % 100);
}

static void set_month(struct crm_period *p, int year, int month)
{
	p->from = crm_month_first(year, month);
	p->to = crm_month_first(year, month + 1);
	p->kind = CRM_PERIOD_MONTH;
	snprintf(p->label, sizeof p->label, "%04d-%02d", year % 10000, month % 100);
}

/* "YYYY-MM" or "YYYY-Www"; 1 if it was one, 0 if not, -1 if out of range. */
static int parse_named(const char *s, struct crm_period *p, const char **why)
{
	int year, n, len = -1;
	char c[2];
	if (sscanf(s, "%4d-W%2d%n%1s", &year, &n, &len, c) == 2 && len == (int)strlen(s) &&
	    len == 8) {
		int y, w;
		int64_t jan4 = crm_month_first(year, 1) + 3;
		set_week(p, crm_week_first(jan4, 1) + 7 * (int64_t)(n - 1), 1);
		crm_iso_week(p->from, &y, &w);
		if (n < 1 || y != year || w != n) {
			*why = _("there is no such ISO week in that year");
			return -1;
		}
		return 1;
	}
	len = -1;
	if (sscanf(s, "%4d-%2d%n%1s", &year, &n, &len, c) == 2 && len == 7 &&
	    len == (int)strlen(s)) {
		if (year < 1970 || n < 1 || n > 12) {
			*why = _("there is no such month");
			return -1;
		}
		set_month(p, year, n);
		return 1;
	}
	return 0;
}

/* Every day of a period has a date: a week or month that would run past
 * 9999-12-31 is refused, never given a label of year 10000 or 0; and so
 * has the period before it, which a report compares it with. */
static int check_range(const struct crm_period *p, const char **why)
{
	struct crm_period prev;
	if (p->from < CRM_DAY_FIRST || p->to - 1 > CRM_DAY_LAST || p->from >= p->to) {
		*why = _("the period does not lie within 0001-01-01..9999-12-31");
		return -1;
	}
	crm_period_previous(p, &prev);
	if (prev.from < CRM_DAY_FIRST) {
		*why = _("the period before it, which a report compares it with, starts before 0001-01-01");
		return -1;
	}
	return 0;
}

int crm_period_parse(const char *spec, int64_t today, int week_start, struct crm_period *p,
		     const char **why)
{
	char d[CRM_DATE_LEN];
	int rc;
	memset(p, 0, sizeof *p);
	crm_day_date(today, d);
	if (!strcmp(spec, "this-week") || !strcmp(spec, "last-week")) {
		int64_t first = crm_week_first(today, week_start);
		set_week(p, spec[1] == 'a' ? first - 7 : first, week_start);
		return check_range(p, why);
	}
	if (!strcmp(spec, "this-month") || !strcmp(spec, "last-month")) {
		int year = atoi(d), month = atoi(d + 5) - (spec[1] == 'a');
		if (month < 1) {
			year--;
			month = 12;
		}
		set_month(p, year, month);
		return check_range(p, why);
	}
	if ((rc = parse_named(spec, p, why)) != 0)
		return rc > 0 ? check_range(p, why) : -1;
	*why = _("expected last-week, this-week, last-month, this-month, YYYY-MM or YYYY-Www");
	return -1;
}

int crm_period_span(const char *from, const char *to, struct crm_period *p, const char **why)
{
	int64_t a, b;
	memset(p, 0, sizeof *p);
	if (crm_date_day(from, &a) < 0 || crm_date_day(to, &b) < 0) {
		*why = _("expected a date YYYY-MM-DD");
		return -1;
	}
	if (b < a) {
		*why = _("the period ends before it starts");
		return -1;
	}
	p->from = a;
	p->to = b + 1;
	p->kind = CRM_PERIOD_DAYS;
	label_days(p);
	return check_range(p, why);
}

void crm_period_previous(const struct crm_period *p, struct crm_period *prev)
{
	*prev = *p;
	if (p->kind == CRM_PERIOD_MONTH) {
		char d[CRM_DATE_LEN];
		crm_day_date(p->from - 1, d);
		set_month(prev, atoi(d), atoi(d + 5));
		return;
	}
	prev->from = p->from - (p->to - p->from);
	prev->to = p->from;
	if (p->kind == CRM_PERIOD_WEEK && p->label[4] == '-' && p->label[5] == 'W')
		set_week(prev, prev->from, 1);
	else
		label_days(prev);
}

int crm_period_bounds(const struct crm_period *p, const struct crm_tz *tz,
		      char from[CRM_TIME_LEN], char to[CRM_TIME_LEN], const char **why)
{
	if (crm_day_start(tz, p->from, from, why) < 0)
		return -1;
	return crm_day_start(tz, p->to, to, why);
}
