/*
 * norm.h - normalisers for the messy values of shop exports.
 *
 * Contract:
 *  - Every function takes one field as a NUL-terminated UTF-8 string,
 *    tolerates surrounding white space, and either fills its output and
 *    returns 0, or returns -1 and sets *why to a static, lower-case reason
 *    phrase such as "is not a date" that the caller appends to the quoted
 *    value in a diagnostic: column 'ordered_at': '2024-13-01' is not a date.
 *  - Nothing is guessed silently: a value that could mean two things, or
 *    that would lose precision, is refused with a reason.
 *  - No function allocates; outputs go to caller-supplied buffers.
 *  - Not thread-safe where noted (the time-zone cache).  A named zone is
 *    converted by switching TZ in the environment for a moment, which no
 *    other thread may read meanwhile (getenv is not safe against setenv);
 *    crm_tz_pin() sets TZ once for a while instead, so that one thread can
 *    convert times while others run.
 */
#ifndef CRM_NORM_H
#define CRM_NORM_H

#include <stddef.h>
#include <stdint.h>

/* ---- time ---------------------------------------------------------------- */

/* How to read d/d/yyyy dates: month first (US exports, the default) or day first. */
enum crm_date_order { CRM_MDY, CRM_DMY };

struct crm_tz;          /* a time zone: an IANA name or a fixed offset */

/* Open a zone: NULL or "" means $TZ, else UTC; "UTC", "Z", "+09:00", "-0530"
 * and IANA names ("Asia/Seoul") are accepted.  Returns NULL with *why set
 * when the zone is unknown. */
struct crm_tz *crm_tz_open(const char *spec, const char **why);
void crm_tz_close(struct crm_tz *tz);
/* Set TZ to a named zone until crm_tz_unpin(), converting times in it
 * without touching the environment again; nothing for a fixed offset.  Call
 * both while no other thread runs.  Pins of one zone nest.  Returns -1 if
 * TZ cannot be set, or another zone is pinned (times are then converted
 * as without it). */
int crm_tz_pin(const struct crm_tz *tz);
void crm_tz_unpin(const struct crm_tz *tz);
/* The same zone with a cache of its own, for another thread: while the zone
 * is pinned, the two convert times at once; crm_tz_close() it. */
struct crm_tz *crm_tz_copy(const struct crm_tz *tz);
/* 1 with the offset in seconds east of UTC when the zone is a fixed offset
 * (UTC included), 0 for a named zone whose offset changes. */
int crm_tz_fixed(const struct crm_tz *tz, int32_t *off);

/* The canonical stored forms. */
#define CRM_TIME_LEN 21   /* "2025-03-10T05:06:07Z" + NUL */
#define CRM_DATE_LEN 11   /* "2025-03-10" + NUL */

/*
 * The range of stored times and dates.  A stored time is shown in a zone up
 * to CRM_TZ_MAX_HOURS from UTC (fixed offsets are refused past it; no real
 * zone comes near), so the last time kept is CRM_TIME_LAST, which is still
 * 9999-12-31 in every such zone: no year 10000 ever reaches a month, a
 * period or an expiry.  The first is CRM_TIME_FIRST (four-digit years from
 * 1000, before or after any zone shift).  CRM_TIME_END sorts after every
 * stored time, as a range's open end.  Calendar dates (days) run from
 * CRM_DAY_FIRST, 0001-01-01, to CRM_DAY_LAST, 9999-12-31.
 */
#define CRM_TZ_MAX_HOURS 18
#define CRM_TIME_FIRST "1000-01-01T00:00:00Z"
#define CRM_TIME_LAST  "9999-12-31T05:59:59Z"
#define CRM_TIME_END   "9999-12-31T06:00:00Z"
#define CRM_DAY_FIRST  (-719162)         /* 0001-01-01 */
#define CRM_DAY_LAST   2932896           /* 9999-12-31 */

/*
 * Parse a timestamp in any accepted form and write it as UTC ISO 8601,
 * "YYYY-MM-DDTHH:MM:SSZ", into out[CRM_TIME_LEN].  Accepted:
 *   2025-03-10, 2025-03-10 14:05, 2025-03-10 14:05:06, 2025-03-10T14:05:06,
 *   optional fraction (dropped), optional Z or +09:00/+0900 offset;
 *   2025.03.10, 2025.3.10, 2025. 3. 10. (trailing dot optional);
 *   2025/03/10; 20250310;
 *   2025년 3월 10일 (optionally followed by a time);
 *   03/10/2025 and 12/1/2010 8:26 (read by `order`);
 *   times as HH:MM[:SS], with AM/PM or 오전/오후 before or after.
 * A time without an offset is local time in `tz`.  A date alone is midnight
 * local time.  Refused: two-digit years, impossible dates (2024-02-30),
 * a d/m/y value that does not fit `order`, out-of-range times, a year
 * before 1000 ("has a year out of range") and a time after CRM_TIME_LAST
 * once in UTC ("is out of range ..."): 9999-12-31T23:59:59Z is refused.
 */
int crm_parse_time(const char *s, const struct crm_tz *tz, enum crm_date_order order,
		   char out[CRM_TIME_LEN], const char **why);
/* The same, and the time's Unix seconds in *epoch: crm_time_epoch(out). */
int crm_parse_time_epoch(const char *s, const struct crm_tz *tz, enum crm_date_order order,
			 char out[CRM_TIME_LEN], int64_t *epoch, const char **why);

/* Same forms, but a calendar date "YYYY-MM-DD" with no zone conversion (a
 * birthday); a time part, if present, is ignored. */
int crm_parse_date(const char *s, enum crm_date_order order,
		   char out[CRM_DATE_LEN], const char **why);

/* Seconds since the epoch of a canonical UTC time written by crm_parse_time. */
int64_t crm_time_epoch(const char canonical[CRM_TIME_LEN]);

/* Calendar days since 1970-01-01: the local day of instant t in tz, the day
 * of a "YYYY-MM-DD" date (-1 when it is not one, year 0000 included), and
 * the date of a day: -1 and the impossible "0000-00-00", which every parser
 * refuses, for a day outside CRM_DAY_FIRST..CRM_DAY_LAST. */
int64_t crm_local_day(const struct crm_tz *tz, int64_t t);
/* The offset of tz from UTC at instant t (seconds since the epoch), in
 * seconds east: local time is t plus it. */
int32_t crm_tz_offset_at(const struct crm_tz *tz, int64_t t);
int crm_date_day(const char *s, int64_t *day);
int crm_day_date(int64_t day, char out[CRM_DATE_LEN]);
/* The first instant of local day `day` in tz as canonical UTC, for the
 * bounds of a range of days: CRM_TIME_END for a day that starts after
 * CRM_TIME_LAST and CRM_TIME_FIRST for one before it, which select the same
 * stored times; -1 with *why when the midnight does not exist in the zone. */
int crm_day_start(const struct crm_tz *tz, int64_t day, char out[CRM_TIME_LEN],
		  const char **why);

/* ---- money ---------------------------------------------------------------- */

/* Decimal exponent of an ISO 4217 code (KRW 0, USD 2, KWD 3), or -1 if the
 * code is unknown.  Case-insensitive. */
int crm_currency_exponent(const char *code);

/*
 * Parse an amount into integer minor units of a currency.
 *   "12,900원", "₩12,900", "KRW 12900", "$1,234.50", "1234.5", "-3.00",
 *   "€ 1.234,50", "1 234,50 EUR", "(12.00)" (negative)
 * `currency` (in/out, 4 bytes): on entry the currency already known for the
 * row (a currency column or --currency), or "" if none; a symbol or code in
 * the value fills it when empty and must agree with it otherwise.  Refused:
 * no digits, no currency known at all, an unknown code, a conflict between
 * symbol and currency, more decimals than the currency has (0.001 GBP is
 * never rounded), and overflow of int64.
 */
int crm_parse_money(const char *s, char currency[4], int64_t *minor, const char **why);

/* Write minor units as a plain decimal in the currency's exponent:
 * 123450 USD -> "1234.50", 12900 KRW -> "12900".  Returns the length. */
int crm_format_money(int64_t minor, const char *currency, char *out, size_t size);

/* Parse a whole number (optional sign, thousands separators "," allowed)
 * such as a quantity, a rating or a score: the one integer parse of cells,
 * for every reader of them.  A decimal point followed only by zeros, or by
 * nothing, is a whole number as spreadsheets write it ("3.0", "3.00",
 * "3."); "3.5" is refused ("is not a whole number"), and so is an exponent
 * ("1e3", "1.23457E+11": a spreadsheet writes that for digits it has cut). */
int crm_parse_int(const char *s, int64_t *out, const char **why);

/* ---- people -------------------------------------------------------------- */

/* Trim and lower-case an e-mail address; refuse one without exactly one '@',
 * a non-empty local part and a domain containing a dot, or with spaces. */
int crm_norm_email(const char *s, char *out, size_t size, const char **why);

/*
 * Write a phone number in E.164 ("+821012345678").  Spaces, dashes, dots and
 * parentheses are dropped; "+" or "00" starts an international number;
 * otherwise the number is national in `country` (ISO 3166 alpha-2, e.g. "KR":
 * its trunk prefix 0 is dropped and +82 put in front).  Refused: letters, too
 * few or too many digits (E.164 allows 8 to 15), a national number with no
 * known country.
 */
int crm_norm_phone(const char *s, const char *country, char *out, size_t size,
		   const char **why);

/* Calling code of a country ("KR" -> 82), or -1 if unknown. */
int crm_country_calling_code(const char *country);

/* Booleans: Y/N, yes/no, true/false, 1/0, on/off, O/X, 예/아니오, 동의/미동의,
 * 수신/거부 (case-insensitive); *out is 1 or 0. */
int crm_parse_bool(const char *s, int *out, const char **why);

/* ---- text ---------------------------------------------------------------- */

/* Length of the valid UTF-8 prefix of s[0..n): n when all of it is valid. */
size_t crm_utf8_valid_prefix(const char *s, size_t n);

/* Terminal columns of UTF-8 text, for aligned output: East Asian wide
 * characters (Hangul, CJK, full-width forms, emoji) count 2, combining
 * marks 0, every other character 1, and each byte that is not UTF-8 1. */
size_t crm_utf8_width(const char *s);

/* Trim ASCII white space in place; returns s. */
char *crm_trim(char *s);
/* The same, and the length it leaves in *len. */
char *crm_trim_len(char *s, size_t *len);
/* crm_trim_len() of s whose length n is known (s[n] is its NUL, and no
 * NUL before it): a reader's field, whose length came with it. */
char *crm_trim_n(char *s, size_t n, size_t *len);
/* Where s[0..n) trimmed so begins (*start) and its length, s untouched. */
size_t crm_trim_span(const char *s, size_t n, size_t *start);

#endif
