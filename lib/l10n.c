/* l10n.c - dates, weeks, periods, money and counters for people; see l10n.h. */
#include "l10n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm.h"

const char *crm_pgettext(const char *key, const char *text)
{
	const char *t = dgettext(CRM_TEXTDOMAIN, key);
	/* untranslated, gettext gives the key back, context and all */
	return t == key || !strcmp(t, key) ? text : t;
}

int crm_l10n_ko(void)
{
	return !strcmp(crm_lang(), "ko");
}

void crm_l10n_group(const char *in, char *out, size_t size)
{
	const char *dot = strchr(in, '.'), *p = in;
	size_t intlen, k = 0, i;
	if (!size)
		return;
	if (*p == '-' && k + 1 < size)
		out[k++] = *p++;
	intlen = (size_t)((dot ? dot : in + strlen(in)) - p);
	for (i = 0; i < intlen && k + 2 < size; i++) {
		if (i && (intlen - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = p[i];
	}
	snprintf(out + k, size - k, "%s", dot ? dot : "");
}

/* The year, month and day of a day number, by its ISO date. */
static void ymd(int64_t day, int *y, int *m, int *d)
{
	char s[CRM_DATE_LEN];
	crm_day_date(day, s);
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
}

static const char *const weekdays[] = {"월", "화", "수", "목", "금", "토", "일"};

void crm_l10n_date(int64_t day, int ko, char *out, size_t size)
{
	char iso[CRM_DATE_LEN];
	int y, m, d;
	if (!ko) {
		crm_day_date(day, iso);
		snprintf(out, size, "%s", iso);
		return;
	}
	ymd(day, &y, &m, &d);
	snprintf(out, size, "%d년 %d월 %d일 (%s)", y, m, d, weekdays[crm_weekday(day) - 1]);
}

void crm_l10n_date_text(const char *date, int ko, char *out, size_t size)
{
	int64_t day;
	if (strlen(date) == 10 && crm_date_day(date, &day) == 0)
		crm_l10n_date(day, ko, out, size);
	else
		snprintf(out, size, "%s", date);
}

void crm_l10n_week(int64_t day, int ko, char *out, size_t size)
{
	int y, w;
	crm_iso_week(day, &y, &w);
	if (ko)
		snprintf(out, size, "%d년 %d주차 (%04d-W%02d)", y, w, y % 10000, w % 100);
	else
		snprintf(out, size, "%04d-W%02d", y % 10000, w % 100);
}

void crm_l10n_day_tick(int64_t day, int ko, char *out, size_t size)
{
	int y, m, d;
	ymd(day, &y, &m, &d);
	if (ko)
		snprintf(out, size, "%d월 %d일", m, d);
	else
		snprintf(out, size, "%02d-%02d", m, d);
}

/* A span of days in Korean: the year once when both ends share it. */
static void korean_span(int64_t first, int64_t last, char *out, size_t size)
{
	char a[64];
	int y1, y2, m, d;
	crm_l10n_date(first, 1, a, sizeof a);
	ymd(first, &y1, &m, &d);
	ymd(last, &y2, &m, &d);
	if (y1 == y2)
		snprintf(out, size, "%s ~ %d월 %d일 (%s)", a, m, d, weekdays[crm_weekday(last) - 1]);
	else {
		char b[64];
		crm_l10n_date(last, 1, b, sizeof b);
		snprintf(out, size, "%s ~ %s", a, b);
	}
}

void crm_l10n_period(const struct crm_period *p, int ko, char *out, size_t size)
{
	int y, m, d;
	if (!ko) {
		snprintf(out, size, "%s", p->label);
		return;
	}
	if (p->kind == CRM_PERIOD_WEEK && p->label[4] == '-' && p->label[5] == 'W') {
		crm_l10n_week(p->from, 1, out, size);
	} else if (p->kind == CRM_PERIOD_MONTH) {
		ymd(p->from, &y, &m, &d);
		snprintf(out, size, "%d년 %d월", y, m);
	} else {
		korean_span(p->from, p->to - 1, out, size);
	}
}

void crm_l10n_money(int64_t minor, const char *currency, int ko, char *out, size_t size)
{
	char plain[32], grouped[48];
	crm_format_money(minor, currency, plain, sizeof plain);
	crm_l10n_group(plain, grouped, sizeof grouped);
	if (ko && !strcmp(currency, "KRW"))
		snprintf(out, size, "%s원", grouped);
	else
		snprintf(out, size, "%s %s", grouped, currency);
}

const char *crm_l10n_currency(const char *currency, int ko)
{
	return ko && !strcmp(currency, "KRW") ? "원" : currency;
}

void crm_l10n_count(const char *figure, enum crm_counter c, char *out, size_t size)
{
	const char *form = "%s";
	switch (c) {
	case CRM_COUNT_BARE: break;
	/* TRANSLATORS: a number of people (customers, members) in a report's
	 * table: "%s" is the figure, "31" or "+2"; Korean puts its counter after it */
	case CRM_COUNT_PEOPLE: form = C_("number of people", "%s"); break;
	/* TRANSLATORS: a number of orders, reviews, tickets, answers or texts */
	case CRM_COUNT_CASES: form = C_("number of cases", "%s"); break;
	/* TRANSLATORS: a number of coupons */
	case CRM_COUNT_COUPONS: form = C_("number of coupons", "%s"); break;
	/* TRANSLATORS: a number of loyalty points */
	case CRM_COUNT_POINTS: form = C_("number of points", "%s"); break;
	}
	snprintf(out, size, form, figure);
}
