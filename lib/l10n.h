/*
 * l10n.h - the forms a person reads in the language of the messages:
 * dates, ISO weeks, periods, money and counted things, for the reports.
 *
 * Contract:
 *  - Each form is written in English (ko = 0) or Korean (ko = 1), given
 *    explicitly so that one process can write both and a test can check
 *    both; crm_l10n_ko() says which the messages are in (i18n.h's
 *    crm_lang()), which is what a report follows, never LC_TIME.
 *  - The English forms are the ones machines read too (ISO 8601 dates and
 *    weeks, "1,234.50 USD"): what the reports wrote before they spoke
 *    Korean, byte for byte.  The Korean forms:
 *      date    2026년 11월 16일 (월)        the weekday in brackets
 *      week    2026년 47주차 (2026-W47)     the ISO week, beside its label
 *      month   2026년 10월
 *      span    2026년 11월 1일 (일) ~ 11월 7일 (토)   (the year once when
 *              both ends share it)
 *      money   1,386,800원 for KRW; other currencies as in English,
 *              "1,234.50 USD", digits grouped by threes in both
 *  - Counted things take the catalogue's counter words (31명, 34건,
 *    2장, 15,760점): crm_l10n_count() puts a figure into its counter's form,
 *    "%s" in English (the figure alone), "%s명" in Korean.  C_(context,
 *    text) is gettext's pgettext: a message told apart by its context,
 *    the same msgid in several roles.
 *  - Every function writes a NUL-terminated string into out, cut to size.
 */
#ifndef CRM_L10N_H
#define CRM_L10N_H

#include <stddef.h>
#include <stdint.h>

#include "i18n.h"
#include "period.h"

#define C_(context, text) crm_pgettext(context "\004" text, text)
const char *crm_pgettext(const char *key, const char *text);

/* 1 when the messages are Korean: the reports take the Korean forms. */
int crm_l10n_ko(void);

/* Digits grouped by threes: "1234567.50" -> "1,234,567.50", "-1234" -> "-1,234". */
void crm_l10n_group(const char *in, char *out, size_t size);

/* A day: "2026-11-16" / "2026년 11월 16일 (월)". */
void crm_l10n_date(int64_t day, int ko, char *out, size_t size);
/* An ISO date text ("2026-11-16") as crm_l10n_date() writes its day; any
 * other text as it is. */
void crm_l10n_date_text(const char *date, int ko, char *out, size_t size);
/* The ISO week that holds a day: "2026-W47" / "2026년 47주차 (2026-W47)". */
void crm_l10n_week(int64_t day, int ko, char *out, size_t size);
/* A day as the tick of a chart's axis: "11-16" / "11월 16일". */
void crm_l10n_day_tick(int64_t day, int ko, char *out, size_t size);
/* A report's period: its label in English ("2026-W46", "2026-10",
 * "2026-11-01..2026-11-07"); in Korean an ISO week as crm_l10n_week(), a
 * month and any other span of days as the forms above. */
void crm_l10n_period(const struct crm_period *p, int ko, char *out, size_t size);

/* An amount of minor units of a currency: "1,386,800 KRW" / "1,386,800원";
 * "1,234.50 USD" in both.  An unknown currency has no figure: " XYZ". */
void crm_l10n_money(int64_t minor, const char *currency, int ko, char *out, size_t size);
/* The currency as the Korean head line names it: "원" for KRW, else the code. */
const char *crm_l10n_currency(const char *currency, int ko);

/* The things a figure counts, each with its counter word in Korean. */
enum crm_counter {
	CRM_COUNT_BARE,       /* no counter: a figure alone */
	CRM_COUNT_PEOPLE,     /* customers, members: 31명 */
	CRM_COUNT_CASES,      /* orders, reviews, tickets, answers, texts: 34건 */
	CRM_COUNT_COUPONS,    /* coupons: 2장 */
	CRM_COUNT_POINTS,     /* loyalty points: 15,760점 */
};
/* A figure already written ("31", "+2", "1,032,472") with the counter of
 * what it counts, in the language of the messages. */
void crm_l10n_count(const char *figure, enum crm_counter c, char *out, size_t size);

#endif
