/*
 * period.h - reporting periods: a span of whole local days, the period
 * before it, and its bounds as stored (UTC) times.
 *
 * Contract:
 *  - A period is the half-open range of local calendar days [from, to)
 *    (day numbers of norm.h), with a label for people.
 *  - crm_period_parse() reads: last-week, this-week, last-month, this-month,
 *    YYYY-MM (a calendar month), YYYY-Www (an ISO 8601 week number, weeks of
 *    Monday to Sunday whatever week_start says), relative to `today`.  Weeks
 *    of last-week/this-week start on `week_start` (1 Monday ... 7 Sunday).
 *    crm_period_span() makes one from two inclusive dates (--from/--to).
 *  - crm_period_previous(): the period the report compares with: the
 *    calendar month before a month, else the same number of days just
 *    before.
 *  - Every day of a period has a date: one that would reach past
 *    9999-12-31 (9999-W52, this-week on 9999-12-31) or before 0001-01-01
 *    is refused.  9999-12 is a month like any other: its `to` is the day
 *    after 9999-12-31, which has a day number but no date.
 *  - crm_period_bounds() gives the first instant of `from` and of `to` in
 *    zone tz as canonical UTC text (crm_day_start(): CRM_TIME_END for the
 *    end of 9999-12-31), so that a range query on stored times (which sort
 *    as text) selects exactly the period's local days.
 *  - Functions return 0, or -1 with *why set to a static message.
 */
#ifndef CRM_PERIOD_H
#define CRM_PERIOD_H

#include <stdint.h>

#include "norm.h"

enum crm_period_kind { CRM_PERIOD_DAYS, CRM_PERIOD_WEEK, CRM_PERIOD_MONTH };

struct crm_period {
	int64_t from, to;                /* local days, [from, to) */
	enum crm_period_kind kind;
	char label[32];                  /* "2026-W47", "2026-10", "2026-11-01..2026-11-07" */
};

int crm_period_parse(const char *spec, int64_t today, int week_start, struct crm_period *p,
		     const char **why);
int crm_period_span(const char *from, const char *to, struct crm_period *p, const char **why);
void crm_period_previous(const struct crm_period *p, struct crm_period *prev);
int crm_period_bounds(const struct crm_period *p, const struct crm_tz *tz,
		      char from[CRM_TIME_LEN], char to[CRM_TIME_LEN], const char **why);

/* The day number of the first day of month (1-12; 0 and 13 are December
 * of the year before and January of the next) of year: CRM_DAY_LAST + 1
 * past year 9999, CRM_DAY_FIRST - 1 before year 1. */
int64_t crm_month_first(int year, int month);
/* Day of the week of a day number: 1 Monday ... 7 Sunday. */
int crm_weekday(int64_t day);
/* The ISO 8601 year and week number (1-53) of a day: those of the
 * Thursday of its Monday-to-Sunday week (2026-11-16 -> 2026, 47). */
void crm_iso_week(int64_t day, int *year, int *week);
/* The first day of the week (starting on week_start) that holds `day`. */
int64_t crm_week_first(int64_t day, int week_start);
/* The labels of a day in a series by month and by week: "YYYY-MM" into
 * month and the date of its week's first day into week. */
void crm_day_labels(int64_t day, int week_start, char month[CRM_DATE_LEN],
		    char week[CRM_DATE_LEN]);

#endif
