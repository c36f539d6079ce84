/*
 * norm.c - normalisers for the messy values of shop exports (see norm.h).
 *
 * Ambiguity rules.  Nothing is guessed: a value that can be read two ways is
 * refused with a reason, unless one of the rules below settles it.
 *
 * Dates and times
 *  - Years have four digits (1000-9999).  A value whose year has two digits
 *    ("03/10/25", "25-03-10", "25. 3. 10.", "25년 3월 10일") is refused:
 *    "has a two-digit year".
 *  - Year-first forms (2025-03-10, 2025.3.10, 2025/03/10, 20250310,
 *    2025년 3월 10일) are always year, month, day.
 *  - Slash dates d/d/yyyy are read in the caller's order (month/day/year by
 *    default, day/month/year with CRM_DMY).  A value that is impossible in
 *    that order but possible in the other one is refused with a reason that
 *    names the order ("is not a month/day/year date"), so that the user can
 *    switch; a value impossible in both orders "is not a date".
 *  - Other day-first forms (10.03.2025, 10-03-2025) are not accepted.
 *  - A 12-hour time (AM/PM, 오전/오후, before or after the time) has an hour
 *    of 1-12; 12 AM is midnight, 12 PM is noon.
 *  - A time without an offset is local time in the given zone.  A local time
 *    that the zone skips (clocks go forward) or repeats (clocks go back) is
 *    refused: it does not name one instant.  Add an offset to such values.
 *  - A fraction of a second is dropped; a leap second (:60) is refused.
 *
 * Money
 *  - If both '.' and ',' appear, the last one is the decimal separator and
 *    the other one separates thousands.
 *  - Only ',': if every group after a comma has exactly three digits the
 *    commas separate thousands ("12,900"); otherwise a single comma followed
 *    by one or two digits is a decimal comma ("3,5"); anything else is
 *    refused.
 *  - Only '.': several dots separate thousands ("1.234.567"); a single dot
 *    is a decimal point ("1.5"), except before exactly three digits after
 *    one to three others ("1.000", "12.900"): a thousand in a Korean or
 *    German export and one in an American one, so refused as "is
 *    ambiguous: the dot may separate thousands or decimals", unless the
 *    currency has three decimals (KWD, BHD, ...).
 *  - A space (also U+00A0, U+202F, U+2009) or an apostrophe between digits
 *    separates thousands; then a single '.' or ',' is the decimal separator.
 *  - Thousands groups: the first has 1-3 digits and no leading zero, every
 *    later one exactly 3.
 *  - Digits beyond the currency's minor unit must be zeros ("0.500" or
 *    "1.5000" USD is 150 cents); otherwise the value is refused, never
 *    rounded.
 *  - Symbols: "$" means USD when no currency is known, and agrees with any
 *    dollar/peso currency (CAD, AUD, ...) when one is; "¥"/"￥" mean JPY and
 *    agree with CNY.  Other symbols and ISO codes name one currency.
 *  - Negative: a leading '-' (before or after the symbol) or parentheses.
 *
 * Phones
 *  - "+" or "00" starts an international number; otherwise it is national
 *    in the given country.  A trunk prefix written after the calling code
 *    ("+44 (0)20 ...", "+82 010 ...") is dropped for countries whose trunk
 *    prefix is 0.  A national number may be written with or without its
 *    trunk prefix (spreadsheets drop leading zeros).
 */
#include "i18n.h"
#include "norm.h"
#include "diag.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef const unsigned char *cursor;

/* The reasons are marked N_() where they are written and given out in the
 * message language, as every caller prints them. */
static int fail(const char **why, const char *reason)
{
	if (why)
		*why = _(reason);
	return -1;
}

static inline int is_digit(unsigned c)
{
	return c - '0' < 10u;
}

static inline int is_alpha(unsigned c)
{
	return (c | 0x20) - 'a' < 26u;
}

static inline unsigned to_lower(unsigned c)
{
	return c - 'A' < 26u ? c + 32 : c;
}

static inline unsigned to_upper(unsigned c)
{
	return c - 'a' < 26u ? c - 32 : c;
}

/* Width of the white-space character at p: ASCII, U+00A0, U+2009, U+202F,
 * U+3000; 0 if there is none. */
static int space_len(cursor p, cursor e)
{
	if (p >= e)
		return 0;
	switch (p[0]) {
	case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
		return 1;
	case 0xC2:
		return e - p >= 2 && p[1] == 0xA0 ? 2 : 0;
	case 0xE2:
		return e - p >= 3 && p[1] == 0x80 && (p[2] == 0x89 || p[2] == 0xAF) ? 3 : 0;
	case 0xE3:
		return e - p >= 3 && p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
	}
	return 0;
}

/* Width of the white-space character that ends just before e. */
static int space_len_back(cursor b, cursor e)
{
	if (e <= b)
		return 0;
	unsigned c = e[-1];
	if (c == ' ' || c - '\t' < 5u)
		return 1;
	if (c == 0xA0 && e - b >= 2 && e[-2] == 0xC2)
		return 2;
	if (e - b >= 3 && e[-3] == 0xE2 && e[-2] == 0x80 && (c == 0x89 || c == 0xAF))
		return 3;
	if (e - b >= 3 && e[-3] == 0xE3 && e[-2] == 0x80 && c == 0x80)
		return 3;
	return 0;
}

static void skip_space(cursor *pp, cursor e)
{
	int k;
	while ((k = space_len(*pp, e)) > 0)
		*pp += k;
}

/* The field without surrounding white space, as [*pb, *pe). */
static void trim_span(const char *s, cursor *pb, cursor *pe)
{
	cursor b = (cursor)s, e = b + strlen(s);
	int k;
	skip_space(&b, e);
	while ((k = space_len_back(b, e)) > 0)
		e -= k;
	*pb = b;
	*pe = e;
}

/* Match the literal w at *pp and step over it. */
static int lit(cursor *pp, cursor e, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(e - *pp) < n || memcmp(*pp, w, n) != 0)
		return 0;
	*pp += n;
	return 1;
}

/* Read a run of digits; returns its length (value kept for up to 9 digits). */
static int digit_run(cursor *pp, cursor e, int *v)
{
	cursor p = *pp;
	int x = 0, n = 0;
	while (p < e && is_digit(*p)) {
		if (n < 9)
			x = x * 10 + (*p - '0');
		n++;
		p++;
	}
	*pp = p;
	*v = x;
	return n;
}

/* Read exactly two digits. */
static int two_digits(cursor *pp, cursor e, int *v)
{
	cursor p = *pp;
	if (e - p < 2 || !is_digit(p[0]) || !is_digit(p[1]))
		return 0;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	*pp = p + 2;
	return 1;
}

/* ---- calendar ------------------------------------------------------------ */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int valid_ymd(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *py, int *pm, int *pd)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*py = yoe + era * 400 + (m <= 2);
	*pm = m;
	*pd = d;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void put2(char *o, int v)
{
	o[0] = (char)('0' + v / 10);
	o[1] = (char)('0' + v % 10);
}

static void put_date(char *o, int y, int m, int d)
{
	put2(o, y / 100);
	put2(o + 2, y % 100);
	o[4] = '-';
	put2(o + 5, m);
	o[7] = '-';
	put2(o + 8, d);
}

/* ---- time zones ---------------------------------------------------------- */

/*
 * A named zone is converted with the C library (TZ, tzset, localtime_r),
 * which is slow when TZ has to be switched, so the results are cached per
 * local calendar day in blocks of one year: a day whose UTC offset does not
 * change within a window around it stores that offset; a day near a
 * transition stores the instant of the transition and the offsets before and
 * after it, which settles gaps and overlaps exactly.  Filling one year costs
 * one switch of TZ and about 370 calls of localtime_r.  Neither the cache
 * nor the switching of TZ is thread-safe; a crm_tz is for one thread.
 */
#define TZ_SLOTS   64
#define TZ_NSUSP   24
#define OFF_SUSP   0x40000000   /* off[i] - OFF_SUSP indexes susp[] */
#define OFF_EXACT  0x50000000   /* resolve each value on its own */
#define DAY        86400
#define TZ_NAME_MAX 256

struct tz_susp {
	int64_t t;              /* first instant with offset b */
	int32_t a, b;           /* offsets before and after */
};

struct tz_year {
	int32_t year;           /* 0 while empty */
	int32_t nsusp;
	int64_t jan1;           /* day number of 1 January */
	int32_t off[366];
	struct tz_susp susp[TZ_NSUSP];
};

struct crm_tz {
	int fixed;              /* 1: a fixed offset; 0: a named zone */
	int32_t off;            /* the fixed offset in seconds east of UTC */
	struct tz_year *years;  /* the cache of a named zone; mutable */
	char name[TZ_NAME_MAX]; /* the value for TZ of a named zone */
};

struct tz_switch {
	int pinned;             /* TZ is the zone's already: nothing to switch */
	int had;
	char saved[512];
};

/* The zone TZ is set to by crm_tz_pin(), how many pins hold it, and what
 * TZ was before. */
static const struct crm_tz *pinned;
static int pins;
static struct tz_switch unpinned;

/* Is TZ this zone's already?  A copy (crm_tz_copy) of the pinned zone is. */
static int is_pinned(const struct crm_tz *tz)
{
	return pinned && (tz == pinned || !strcmp(tz->name, pinned->name));
}

static int tz_enter(const struct crm_tz *tz, struct tz_switch *sw)
{
	const char *old;
	if ((sw->pinned = is_pinned(tz)))
		return 0;
	old = getenv("TZ");
	sw->had = old != NULL;
	if (old) {
		size_t n = strlen(old);
		if (n >= sizeof sw->saved)
			return -1;
		memcpy(sw->saved, old, n + 1);
	}
	if (setenv("TZ", tz->name, 1) != 0)
		return -1;
	tzset();
	return 0;
}

static void tz_leave(struct tz_switch *sw)
{
	if (sw->pinned)
		return;
	if (sw->had)
		setenv("TZ", sw->saved, 1);
	else
		unsetenv("TZ");
	tzset();
}

/* UTC offset at instant t in the current TZ. */
static int32_t off_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return 0;
	return (int32_t)tm.tm_gmtoff;
}

/* The first instant of (lo, hi] on the other side of "the offset is x"
 * from lo, which is on it when at_lo (hi being on the other side): a
 * binary search, so some such instant, the first when the side changes
 * once.  From a: the first change from a; to b: the last change to b. */
static int64_t first_change(int32_t x, int at_lo, int64_t lo, int64_t hi)
{
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if ((off_at(mid) == x) == at_lo)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

static void fill_year(struct tz_year *blk, int year)
{
	int n = is_leap(year) ? 366 : 365;
	int32_t at[366 + 4];
	int64_t jan1 = days_from_civil(year, 1, 1);

	/* at[j + 1]: the offset at 00:00 UTC of day jan1 + j, j = -1 .. n + 1;
	 * the local day i lies within [at[i], at[i + 3]] (|offset| < 24 h). */
	for (int j = -1; j <= n + 1; j++)
		at[j + 1] = off_at((jan1 + j) * DAY);
	blk->nsusp = 0;
	for (int i = 0; i < n; i++) {
		int32_t a = at[i], b = at[i + 3];
		if (a == b && at[i + 1] == a && at[i + 2] == a) {
			blk->off[i] = a;
			continue;
		}
		/* one transition, a to b, when the last change to b is the first
		 * change from a: else several (resolved one by one) */
		int64_t lo = (jan1 + i - 1) * DAY, end = (jan1 + i + 2) * DAY, hi = 0;
		if (a == b || (hi = first_change(a, 1, lo, end)) != first_change(b, 0, lo, end) ||
		    blk->nsusp == TZ_NSUSP) {
			blk->off[i] = OFF_EXACT;
			continue;
		}
		blk->susp[blk->nsusp] = (struct tz_susp){ hi, a, b };
		blk->off[i] = OFF_SUSP + blk->nsusp++;
	}
	blk->jan1 = jan1;
	blk->year = year;
}

static const char R_GAP[] = N_("does not exist in the time zone (clocks go forward)");
static const char R_OVERLAP[] = N_("occurs twice in the time zone (add an offset)");
static const char R_TZFAIL[] = N_("cannot be converted from the time zone");

/* Resolve local seconds ls (day ld of year y) in a named zone. */
static int tz_resolve(const struct crm_tz *tz, int y, int64_t ld, int64_t ls,
		      int64_t *utc, const char **why)
{
	struct tz_year *blk = &tz->years[y & (TZ_SLOTS - 1)];
	if (blk->year != y) {
		struct tz_switch sw;
		if (tz_enter(tz, &sw) != 0)
			return fail(why, R_TZFAIL);
		fill_year(blk, y);
		tz_leave(&sw);
	}
	int32_t code = blk->off[ld - blk->jan1];
	if (code < OFF_SUSP) {
		*utc = ls - code;
		return 0;
	}
	if (code < OFF_EXACT) {
		const struct tz_susp *s = &blk->susp[code - OFF_SUSP];
		int64_t u1 = ls - s->a, u2 = ls - s->b;
		int v1 = u1 < s->t, v2 = u2 >= s->t;
		if (v1 && v2)
			return fail(why, R_OVERLAP);
		if (!v1 && !v2)
			return fail(why, R_GAP);
		*utc = v1 ? u1 : u2;
		return 0;
	}

	/* Several transitions near this day: try every offset seen nearby. */
	struct tz_switch sw;
	int32_t cand[16];
	int ncand = 0, nvalid = 0;
	int64_t found = 0;
	if (tz_enter(tz, &sw) != 0)
		return fail(why, R_TZFAIL);
	for (int k = -27; k <= 27; k += 3) {
		int32_t o = off_at(ls + (int64_t)k * 3600), seen = 0;
		for (int i = 0; i < ncand; i++)
			seen |= cand[i] == o;
		if (!seen && ncand < 16)
			cand[ncand++] = o;
	}
	for (int i = 0; i < ncand; i++) {
		int64_t u = ls - cand[i];
		if (off_at(u) == cand[i] && (nvalid == 0 || u != found)) {
			found = u;
			nvalid++;
		}
	}
	tz_leave(&sw);
	if (nvalid == 0)
		return fail(why, R_GAP);
	if (nvalid > 1)
		return fail(why, R_OVERLAP);
	*utc = found;
	return 0;
}

/* The UTC offset of a named zone at instant t, from the day cache. */
/* The cached year that holds day, found without the calendar arithmetic
 * of civil_from_days: the year a mean Gregorian year puts it in is right
 * or one off, and its slot, or a neighbour's, holds it when cached. */
static struct tz_year *cached_year(const struct crm_tz *tz, int64_t day)
{
	int64_t y = 1970 + floor_div(day * 400, 146097), k;
	for (k = y - 1; k <= y + 1; k++) {
		struct tz_year *blk = &tz->years[k & (TZ_SLOTS - 1)];
		if (blk->year == k && day >= blk->jan1 &&
		    day < blk->jan1 + (is_leap((int)k) ? 366 : 365))
			return blk;
	}
	return NULL;
}

static int32_t tz_offset(const struct crm_tz *tz, int64_t t)
{
	int64_t day = floor_div(t, DAY), y;
	int m, d;
	struct tz_year *blk = cached_year(tz, day);
	if (blk) {
		y = blk->year;
	} else {
		civil_from_days(day, &y, &m, &d);
		blk = &tz->years[y & (TZ_SLOTS - 1)];
	}
	struct tz_switch sw;
	int32_t off;
	if (blk->year != y) {
		if (tz_enter(tz, &sw) != 0)
			return 0;
		fill_year(blk, (int)y);
		tz_leave(&sw);
	}
	int32_t code = blk->off[day - blk->jan1];
	if (code < OFF_SUSP)
		return code;
	if (code < OFF_EXACT) {
		const struct tz_susp *s = &blk->susp[code - OFF_SUSP];
		return t >= s->t ? s->b : s->a;
	}
	if (tz_enter(tz, &sw) != 0)
		return 0;
	off = off_at(t);
	tz_leave(&sw);
	return off;
}

int crm_tz_fixed(const struct crm_tz *tz, int32_t *off)
{
	*off = tz->off;
	return tz->fixed;
}

int64_t crm_local_day(const struct crm_tz *tz, int64_t t)
{
	return floor_div(t + (tz->fixed ? tz->off : tz_offset(tz, t)), DAY);
}

int32_t crm_tz_offset_at(const struct crm_tz *tz, int64_t t)
{
	return tz->fixed ? tz->off : tz_offset(tz, t);
}

int crm_date_day(const char *s, int64_t *day)
{
	const unsigned char *u = (const unsigned char *)s;
	static const char shape[] = "dddd-dd-dd";
	for (int i = 0; i < 10; i++)
		if (shape[i] == 'd' ? !is_digit(u[i]) : u[i] != '-')
			return -1;
	if (u[10])
		return -1;
	int y = (u[0] - '0') * 1000 + (u[1] - '0') * 100 + (u[2] - '0') * 10 + (u[3] - '0');
	int m = (u[5] - '0') * 10 + (u[6] - '0'), d = (u[8] - '0') * 10 + (u[9] - '0');
	if (y < 1 || !valid_ymd(y, m, d))
		return -1;
	*day = days_from_civil(y, m, d);
	return 0;
}

int crm_day_date(int64_t day, char out[CRM_DATE_LEN])
{
	int64_t y;
	int m, d;
	if (day < CRM_DAY_FIRST || day > CRM_DAY_LAST) {
		memcpy(out, "0000-00-00", CRM_DATE_LEN);
		return -1;
	}
	civil_from_days(day, &y, &m, &d);
	put_date(out, (int)y, m, d);
	out[10] = '\0';
	return 0;
}

/* "Z", "UTC", "GMT" (any case), or +HH, +HHMM, +HH:MM, -..., up to 18 hours. */
static int parse_fixed_zone(const char *s, int32_t *off)
{
	cursor p = (cursor)s, e = p + strlen(s);
	if (e - p == 1 && (*p == 'Z' || *p == 'z')) {
		*off = 0;
		return 0;
	}
	if (e - p == 3) {
		char u[4] = { (char)to_upper(p[0]), (char)to_upper(p[1]), (char)to_upper(p[2]), 0 };
		if (strcmp(u, "UTC") == 0 || strcmp(u, "GMT") == 0) {
			*off = 0;
			return 0;
		}
	}
	if (p == e || (*p != '+' && *p != '-'))
		return -1;
	int sign = *p++ == '-' ? -1 : 1, h, m = 0;
	if (!two_digits(&p, e, &h))
		return -1;
	if (p < e) {
		if (*p == ':')
			p++;
		if (!two_digits(&p, e, &m) || p != e)
			return -1;
	}
	if (h > CRM_TZ_MAX_HOURS || m > 59 || (h == CRM_TZ_MAX_HOURS && m))
		return -1;
	*off = sign * (h * 3600 + m * 60);
	return 0;
}

static int is_tzif(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, magic, 4);
	close(fd);
	return n == 4 && memcmp(magic, "TZif", 4) == 0;
}

/* An IANA name such as "Asia/Seoul" with a TZif file under $TZDIR or
 * /usr/share/zoneinfo. */
static int is_zone_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 200 || name[0] == '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned c = (unsigned char)name[i];
		if (!(is_alpha(c) || is_digit(c) || c == '/' || c == '_' || c == '-' || c == '+'))
			return 0;
		if (c == '/' && (i + 1 == n || name[i + 1] == '/'))
			return 0;
	}
	const char *dir = getenv("TZDIR");
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	char path[512];
	size_t dn = strlen(dir);
	if (dn + 1 + n + 1 > sizeof path)
		return 0;
	memcpy(path, dir, dn);
	path[dn] = '/';
	memcpy(path + dn + 1, name, n + 1);
	return is_tzif(path);
}

/* A POSIX TZ string such as "KST-9" or "EST5EDT,M3.2.0,M11.1.0". */
static int is_posix_tz(const char *s)
{
	size_t i = 0;
	if (s[0] == '<') {
		while (s[i] && s[i] != '>')
			i++;
		if (s[i] != '>' || i < 4)
			return 0;
		i++;
	} else {
		while (is_alpha((unsigned char)s[i]))
			i++;
		if (i < 3)
			return 0;
	}
	if (s[i] == '+' || s[i] == '-')
		i++;
	return is_digit((unsigned char)s[i]);
}

struct crm_tz *crm_tz_open(const char *spec, const char **why)
{
	static const char unknown[] = N_("is not a known time zone");
	int from_env = 0;
	int32_t off;

	if (!spec || !*spec) {
		spec = getenv("TZ");
		from_env = 1;
		if (!spec || !*spec)
			spec = "UTC";
	}
	if (parse_fixed_zone(spec, &off) == 0) {
		struct crm_tz *tz = crm_xcalloc(1, sizeof *tz);
		tz->fixed = 1;
		tz->off = off;
		return tz;
	}
	const char *name = spec;
	int ok;
	if (from_env) {
		/* TZ may also be ":NAME", an absolute path or a POSIX rule. */
		if (*name == ':')
			name++;
		ok = name[0] == '/' ? is_tzif(name) : is_zone_name(name) || is_posix_tz(name);
	} else {
		ok = is_zone_name(name);
	}
	if (!ok || strlen(spec) >= TZ_NAME_MAX) {
		fail(why, unknown);
		return NULL;
	}
	struct crm_tz *tz = crm_xcalloc(1, sizeof *tz);
	tz->years = crm_xcalloc(TZ_SLOTS, sizeof *tz->years);
	strcpy(tz->name, spec);
	return tz;
}

struct crm_tz *crm_tz_copy(const struct crm_tz *tz)
{
	struct crm_tz *c = crm_xmalloc(sizeof *c);
	*c = *tz;
	if (!tz->fixed)
		c->years = crm_xcalloc(TZ_SLOTS, sizeof *c->years);
	return c;
}

int crm_tz_pin(const struct crm_tz *tz)
{
	if (tz->fixed)
		return 0;
	if (pinned) {
		pins += is_pinned(tz);
		return is_pinned(tz) ? 0 : -1;
	}
	if (tz_enter(tz, &unpinned) != 0)
		return -1;
	pinned = tz;
	pins = 1;
	return 0;
}

void crm_tz_unpin(const struct crm_tz *tz)
{
	if (!tz || tz->fixed || !is_pinned(tz) || --pins > 0)
		return;
	pinned = NULL;
	tz_leave(&unpinned);
}

void crm_tz_close(struct crm_tz *tz)
{
	if (!tz)
		return;
	free(tz->years);
	free(tz);
}

/* ---- dates and times ------------------------------------------------------ */

static const char R_NOTDATE[] = N_("is not a date");
static const char R_TWODIGIT[] = N_("has a two-digit year");
static const char R_NOTTIME[] = N_("is not a time of day");
static const char R_BADOFF[] = N_("has an invalid time-zone offset");
static const char R_YEAR[] = N_("has a year out of range");
/* CRM_TIME_LAST written out: xgettext reads no macro */
static const char R_LATE[] = N_("is out of range (the last time crm keeps is 9999-12-31T05:59:59Z, "
				"still in year 9999 in every time zone)");

/* Seconds since the epoch of CRM_TIME_LAST. */
#define EPOCH_LAST  ((int64_t)CRM_DAY_LAST * DAY + (24 - CRM_TZ_MAX_HOURS) * 3600 - 1)
#define DAY_YEAR1000 (-354285)          /* 1000-01-01, the first day of CRM_TIME_FIRST */

struct when {
	int y, mo, d, h, mi, sec;
	int has_off;
	int32_t off;
};

/* AM/PM, a.m./p.m. (any case) or 오전/오후: 1 for am, 2 for pm, 0 if none. */
static int match_ampm(cursor *pp, cursor e)
{
	cursor p = *pp;
	int r;
	if (lit(&p, e, "오전"))
		r = 1;
	else if (lit(&p, e, "오후"))
		r = 2;
	else {
		if (e - p < 2 || ((p[0] | 0x20) != 'a' && (p[0] | 0x20) != 'p'))
			return 0;
		r = (p[0] | 0x20) == 'a' ? 1 : 2;
		if ((p[1] | 0x20) == 'm')
			p += 2;
		else if (e - p >= 4 && p[1] == '.' && (p[2] | 0x20) == 'm' && p[3] == '.')
			p += 4;
		else
			return 0;
		if (p < e && is_alpha(*p))
			return 0;
	}
	*pp = p;
	return r;
}

/* An offset after a time: Z, UTC, GMT, +HH, +HHMM, +HH:MM.  Returns 1 and
 * steps over it, 0 if there is none, -1 if it is malformed. */
static int match_offset(cursor *pp, cursor e, int32_t *off)
{
	cursor p = *pp;
	if (p >= e)
		return 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (e - p >= 3 && ((to_upper(p[0]) == 'U' && to_upper(p[1]) == 'T' && to_upper(p[2]) == 'C') ||
				  (to_upper(p[0]) == 'G' && to_upper(p[1]) == 'M' && to_upper(p[2]) == 'T'))) {
		p += 3;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, h, m = 0;
		if (!two_digits(&p, e, &h))
			return -1;
		if (p < e && *p == ':') {
			p++;
			if (!two_digits(&p, e, &m))
				return -1;
		} else if (p < e && is_digit(*p)) {
			if (!two_digits(&p, e, &m))
				return -1;
		}
		if (p < e && is_digit(*p))
			return -1;
		if (h > 18 || m > 59)
			return -1;
		*off = sign * (h * 3600 + m * 60);
		*pp = p;
		return 1;
	} else {
		return 0;
	}
	if (p < e && is_alpha(*p))
		return 0;
	*off = 0;
	*pp = p;
	return 1;
}

/* The time after a date: [ampm] H:MM[:SS[.frac]] [ampm] [offset]. */
static int parse_clock(cursor p, cursor e, struct when *w, const char **why)
{
	int ampm = match_ampm(&p, e), h, mi, sec = 0, n;
	if (ampm)
		skip_space(&p, e);
	n = digit_run(&p, e, &h);
	if (n == 0)
		return fail(why, ampm ? R_NOTTIME : R_NOTDATE);
	if (n > 2 || p >= e || *p != ':')
		return fail(why, R_NOTTIME);
	p++;
	if (digit_run(&p, e, &mi) != 2)
		return fail(why, R_NOTTIME);
	if (p < e && *p == ':') {
		p++;
		if (digit_run(&p, e, &sec) != 2)
			return fail(why, R_NOTTIME);
		if (p < e && (*p == '.' || *p == ',')) {
			int frac;
			p++;
			if (digit_run(&p, e, &frac) == 0)
				return fail(why, R_NOTTIME);
		}
	}
	cursor q = p;
	skip_space(&q, e);
	if (!ampm && (ampm = match_ampm(&q, e)) != 0)
		p = q;
	q = p;
	skip_space(&q, e);
	int r = match_offset(&q, e, &w->off);
	if (r < 0)
		return fail(why, R_BADOFF);
	if (r > 0) {
		w->has_off = 1;
		p = q;
	}
	if (p != e)
		return fail(why, R_NOTTIME);
	if (ampm) {
		if (h < 1 || h > 12)
			return fail(why, R_NOTTIME);
		h = h % 12 + (ampm == 2 ? 12 : 0);
	}
	if (h > 23 || mi > 59 || sec > 59)
		return fail(why, R_NOTTIME);
	w->h = h;
	w->mi = mi;
	w->sec = sec;
	return 0;
}

/* Korean unit after a number, with optional spaces before it. */
static int kor_unit(cursor *pp, cursor e, const char *unit)
{
	cursor p = *pp;
	skip_space(&p, e);
	if (!lit(&p, e, unit))
		return 0;
	*pp = p;
	return 1;
}

/* The first number of a date, its digit count, and where the date ends. */
struct lead {
	int a, na;
	cursor p, e;
};

static void set_ymd(struct when *w, int y, int mo, int d)
{
	w->y = y;
	w->mo = mo;
	w->d = d;
}

/* 2025-03-10 and 2025/03/10, or d/d/yyyy read in `order`. */
static int date_dashed(struct lead *l, enum crm_date_order order, struct when *w,
		       const char **why)
{
	cursor e = l->e;
	unsigned char sep = *l->p++;
	int a = l->a, na = l->na, b, c;
	int nb = digit_run(&l->p, e, &b);
	if (nb < 1 || nb > 2 || l->p >= e || *l->p != sep)
		return fail(why, R_NOTDATE);
	l->p++;
	int nc = digit_run(&l->p, e, &c);
	if (na == 4 && nc >= 1 && nc <= 2) {
		set_ymd(w, a, b, c);
	} else if (sep == '/' && na <= 2 && nc == 4) {
		int m1 = order == CRM_DMY ? b : a, d1 = order == CRM_DMY ? a : b;
		if (!valid_ymd(c, m1, d1)) {
			if (!valid_ymd(c, d1, m1))
				return fail(why, R_NOTDATE);
			return fail(why, order == CRM_DMY ? N_("is not a day/month/year date")
							  : N_("is not a month/day/year date"));
		}
		set_ymd(w, c, m1, d1);
	} else if (nc == 2 && (na == 2 || (sep == '/' && na == 1))) {
		return fail(why, R_TWODIGIT);
	} else {
		return fail(why, R_NOTDATE);
	}
	return 0;
}

/* 2025.03.10, 2025. 3. 10. (the last dot optional) */
static int date_dotted(struct lead *l, struct when *w, const char **why)
{
	cursor e = l->e;
	int b, c;
	l->p++;
	skip_space(&l->p, e);
	int nb = digit_run(&l->p, e, &b);
	if (nb < 1 || nb > 2 || l->p >= e || *l->p != '.')
		return fail(why, R_NOTDATE);
	l->p++;
	skip_space(&l->p, e);
	int nc = digit_run(&l->p, e, &c);
	if (nc < 1 || nc > 2 || (l->na != 4 && l->na != 2))
		return fail(why, R_NOTDATE);
	if (l->p < e && *l->p == '.')
		l->p++;
	if (l->na == 2)
		return fail(why, R_TWODIGIT);
	set_ymd(w, l->a, b, c);
	return 0;
}

/* 2025년 3월 10일, the year's unit already read */
static int date_korean(struct lead *l, struct when *w, const char **why)
{
	cursor e = l->e;
	int b, c;
	skip_space(&l->p, e);
	int nb = digit_run(&l->p, e, &b);
	if (nb < 1 || nb > 2 || !kor_unit(&l->p, e, "월"))
		return fail(why, R_NOTDATE);
	skip_space(&l->p, e);
	int nc = digit_run(&l->p, e, &c);
	if (nc < 1 || nc > 2 || !kor_unit(&l->p, e, "일") || (l->na != 4 && l->na != 2))
		return fail(why, R_NOTDATE);
	if (l->na == 2)
		return fail(why, R_TWODIGIT);
	set_ymd(w, l->a, b, c);
	return 0;
}

/* The date in whichever form its first separator names. */
static int parse_date_part(struct lead *l, enum crm_date_order order, struct when *w,
			   const char **why)
{
	cursor e = l->e;
	if (l->na == 0)
		return fail(why, R_NOTDATE);
	if (l->na == 8 && (l->p == e || *l->p == 'T' || *l->p == 't' || space_len(l->p, e))) {
		/* 20250310 */
		set_ymd(w, l->a / 10000, l->a / 100 % 100, l->a % 100);
		return 0;
	}
	if (l->na > 4 || l->p == e)
		return fail(why, R_NOTDATE);
	if (*l->p == '-' || *l->p == '/')
		return date_dashed(l, order, w, why);
	if (*l->p == '.')
		return date_dotted(l, w, why);
	if (kor_unit(&l->p, e, "년"))
		return date_korean(l, w, why);
	return fail(why, R_NOTDATE);
}

static int parse_when(cursor p, cursor e, enum crm_date_order order, struct when *w,
		      const char **why)
{
	struct lead l = { 0, 0, p, e };

	memset(w, 0, sizeof *w);
	l.na = digit_run(&l.p, e, &l.a);
	if (parse_date_part(&l, order, w, why) != 0)
		return -1;
	if (!valid_ymd(w->y, w->mo, w->d))
		return fail(why, R_NOTDATE);
	if (w->y < 1000)
		return fail(why, R_YEAR);

	/* the time after a 'T' or white space */
	p = l.p;
	if (p == e)
		return 0;
	if (*p == 'T' || *p == 't') {
		p++;
		if (p >= e || !is_digit(*p))
			return fail(why, R_NOTDATE);
	} else if (space_len(p, e)) {
		skip_space(&p, e);
	} else {
		return fail(why, R_NOTDATE);
	}
	return parse_clock(p, e, w, why);
}

/* The exact forms "YYYY-MM-DD" and "YYYY-MM-DD HH:MM:SS" (or 'T'), which
 * most exports use; returns 0 if s has another form. */
static int fast_iso(const unsigned char *s, struct when *w)
{
#define D(i) is_digit(s[i])
#define V(i) (s[i] - '0')
	if (!(D(0) && D(1) && D(2) && D(3) && s[4] == '-' && D(5) && D(6) && s[7] == '-' && D(8) && D(9)))
		return 0;
	w->y = V(0) * 1000 + V(1) * 100 + V(2) * 10 + V(3);
	w->mo = V(5) * 10 + V(6);
	w->d = V(8) * 10 + V(9);
	w->has_off = 0;
	if (s[10] == '\0') {
		w->h = w->mi = w->sec = 0;
	} else if ((s[10] == ' ' || s[10] == 'T') && D(11) && D(12) && s[13] == ':' && D(14) && D(15) &&
		   s[16] == ':' && D(17) && D(18) && s[19] == '\0') {
		w->h = V(11) * 10 + V(12);
		w->mi = V(14) * 10 + V(15);
		w->sec = V(17) * 10 + V(18);
		if (w->h > 23 || w->mi > 59 || w->sec > 59)
			return 0;
	} else {
		return 0;
	}
	return w->y >= 1000 && valid_ymd(w->y, w->mo, w->d);
#undef D
#undef V
}

/* A date and time in any accepted form: the common exact ones first. */
static int read_when(const char *s, enum crm_date_order order, struct when *w,
		     const char **why)
{
	cursor b, e;
	if (fast_iso((const unsigned char *)s, w))
		return 0;
	trim_span(s, &b, &e);
	if (b == e)
		return fail(why, N_("is empty"));
	return parse_when(b, e, order, w, why);
}

/* The calendar date of UTC day ud, when the local date w is on day ld:
 * usually the same day or one next to it, stepped without the full
 * conversion.  Returns the year, -1 when out of 0-9999. */
static int utc_date(int64_t ud, int64_t ld, const struct when *w, int *pm, int *pd)
{
	int y = w->y, m = w->mo, d = w->d;
	if (ud == ld + 1) {
		if (++d > days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	} else if (ud == ld - 1) {
		if (--d < 1) {
			if (--m < 1) {
				m = 12;
				y--;
			}
			d = days_in_month(y, m);
		}
	} else if (ud != ld) {
		int64_t yy;
		civil_from_days(ud, &yy, &m, &d);
		y = yy < 0 || yy > 9999 ? -1 : (int)yy;
	}
	*pm = m;
	*pd = d;
	return y;
}

int crm_parse_time(const char *s, const struct crm_tz *tz, enum crm_date_order order,
		   char out[CRM_TIME_LEN], const char **why)
{
	int64_t epoch;
	return crm_parse_time_epoch(s, tz, order, out, &epoch, why);
}

int crm_parse_time_epoch(const char *s, const struct crm_tz *tz, enum crm_date_order order,
			 char out[CRM_TIME_LEN], int64_t *epoch, const char **why)
{
	struct when w;
	if (read_when(s, order, &w, why) != 0)
		return -1;
	int64_t ld = days_from_civil(w.y, w.mo, w.d);
	int64_t ls = ld * DAY + w.h * 3600 + w.mi * 60 + w.sec, utc;
	if (w.has_off)
		utc = ls - w.off;
	else if (!tz || tz->fixed)
		utc = ls - (tz ? tz->off : 0);
	else if (tz_resolve(tz, w.y, ld, ls, &utc, why) != 0)
		return -1;
	/* shown in a zone east of UTC, a later time would be in year 10000 */
	if (utc > EPOCH_LAST)
		return fail(why, R_LATE);
	int64_t ud = floor_div(utc, DAY);
	int m, d, sec = (int)(utc - ud * DAY);
	int y = utc_date(ud, ld, &w, &m, &d);
	if (y < 1000 || y > 9999)
		return fail(why, R_YEAR);
	put_date(out, y, m, d);
	out[10] = 'T';
	put2(out + 11, sec / 3600);
	out[13] = ':';
	put2(out + 14, sec / 60 % 60);
	out[16] = ':';
	put2(out + 17, sec % 60);
	out[19] = 'Z';
	out[20] = '\0';
	*epoch = utc;
	return 0;
}

int crm_parse_date(const char *s, enum crm_date_order order, char out[CRM_DATE_LEN],
		   const char **why)
{
	struct when w;
	if (read_when(s, order, &w, why) != 0)
		return -1;
	put_date(out, w.y, w.mo, w.d);
	out[10] = '\0';
	return 0;
}

int crm_day_start(const struct crm_tz *tz, int64_t day, char out[CRM_TIME_LEN],
		  const char **why)
{
	char date[CRM_DATE_LEN];
	const char *bound = NULL;
	if (day > CRM_DAY_LAST)
		bound = CRM_TIME_END;
	else if (day < DAY_YEAR1000)
		bound = CRM_TIME_FIRST;
	else if (crm_day_date(day, date), crm_parse_time(date, tz, CRM_MDY, out, why) == 0)
		return 0;
	else if (*why == _(R_LATE))     /* past an end by the zone's offset */
		bound = CRM_TIME_END;
	else if (*why == _(R_YEAR))
		bound = CRM_TIME_FIRST;
	else
		return -1;
	memcpy(out, bound, CRM_TIME_LEN);
	return 0;
}

int64_t crm_time_epoch(const char canonical[CRM_TIME_LEN])
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	const unsigned char *s = (const unsigned char *)canonical;
	for (int i = 0; i < 20; i++)
		if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != (unsigned char)shape[i])
			return INT64_MIN;
#define N2(i) ((s[i] - '0') * 10 + (s[i + 1] - '0'))
	int y = N2(0) * 100 + N2(2), m = N2(5), d = N2(8);
	if (!valid_ymd(y, m, d))
		return INT64_MIN;
	return days_from_civil(y, m, d) * DAY + N2(11) * 3600 + N2(14) * 60 + N2(17);
#undef N2
}

/* ---- money ---------------------------------------------------------------- */

struct currency {
	char code[4];
	signed char exp;
};

#define CUR(c, e) { #c, e }
/* Sorted by code (binary search). */
static const struct currency currencies[] = {
	CUR(AED, 2), CUR(ARS, 2), CUR(AUD, 2), CUR(BDT, 2), CUR(BGN, 2), CUR(BHD, 3),
	CUR(BRL, 2), CUR(CAD, 2), CUR(CHF, 2), CUR(CLP, 0), CUR(CNY, 2), CUR(COP, 2),
	CUR(CZK, 2), CUR(DKK, 2), CUR(EGP, 2), CUR(EUR, 2), CUR(GBP, 2), CUR(HKD, 2),
	CUR(HUF, 2), CUR(IDR, 2), CUR(ILS, 2), CUR(INR, 2), CUR(IQD, 3), CUR(ISK, 0),
	CUR(JOD, 3), CUR(JPY, 0), CUR(KES, 2), CUR(KRW, 0), CUR(KWD, 3), CUR(LYD, 3),
	CUR(MXN, 2), CUR(MYR, 2), CUR(NGN, 2), CUR(NOK, 2), CUR(NZD, 2), CUR(OMR, 3),
	CUR(PEN, 2), CUR(PHP, 2), CUR(PKR, 2), CUR(PLN, 2), CUR(PYG, 0), CUR(QAR, 2),
	CUR(RON, 2), CUR(RUB, 2), CUR(SAR, 2), CUR(SEK, 2), CUR(SGD, 2), CUR(THB, 2),
	CUR(TND, 3), CUR(TRY, 2), CUR(TWD, 2), CUR(UAH, 2), CUR(UGX, 0), CUR(USD, 2),
	CUR(VND, 0), CUR(XAF, 0), CUR(XOF, 0), CUR(ZAR, 2),
};
#undef CUR
#define NCUR ((int)(sizeof currencies / sizeof currencies[0]))

/* Index of a three-letter code (any case) in currencies[], or -1. */
static int find_currency3(const unsigned char *c)
{
	/* the three letters as one number compare as memcmp() compares them:
	 * a search on every row's amount and currency costs no call per step;
	 * a file's rows name one currency or a few: the last found first */
	static _Thread_local uint32_t last_k;
	static _Thread_local int last = -1;
	uint32_t k = (uint32_t)to_upper(c[0]) << 16 | (uint32_t)to_upper(c[1]) << 8 |
		     (uint32_t)to_upper(c[2]);
	int lo = 0, hi = NCUR - 1;
	if (last >= 0 && k == last_k)
		return last;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const unsigned char *m = (const unsigned char *)currencies[mid].code;
		uint32_t v = (uint32_t)m[0] << 16 | (uint32_t)m[1] << 8 | m[2];
		if (k == v) {
			last_k = k;
			return last = mid;
		}
		if (k < v)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

static int find_currency(const char *code)
{
	/* three bytes and the end: strlen() was a call on every row's amount */
	if (!code || !code[0] || !code[1] || !code[2] || code[3])
		return -1;
	return find_currency3((const unsigned char *)code);
}

int crm_currency_exponent(const char *code)
{
	int i = find_currency(code);
	return i < 0 ? -1 : currencies[i].exp;
}

struct symbol {
	const char *text;
	unsigned char len;
	const char *code;       /* what it means alone */
	const char *also;       /* other currencies it agrees with */
};

#define SYM(t, c, a) { t, sizeof t - 1, c, a }
/* Longer symbols first where one is a prefix of another. */
static const struct symbol symbols[] = {
	SYM("US$", "USD", NULL), SYM("R$", "BRL", NULL), SYM("CA$", "CAD", NULL),
	SYM("C$", "CAD", NULL), SYM("AU$", "AUD", NULL), SYM("A$", "AUD", NULL),
	SYM("NZ$", "NZD", NULL), SYM("HK$", "HKD", NULL), SYM("S$", "SGD", NULL),
	SYM("NT$", "TWD", NULL), SYM("MX$", "MXN", NULL),
	SYM("$", "USD", "CAD AUD NZD HKD SGD TWD MXN CLP COP ARS"),
	SYM("₩", "KRW", NULL), SYM("￦", "KRW", NULL), SYM("원", "KRW", NULL),
	SYM("€", "EUR", NULL), SYM("£", "GBP", NULL),
	SYM("¥", "JPY", "CNY"), SYM("￥", "JPY", "CNY"), SYM("円", "JPY", NULL),
	SYM("元", "CNY", NULL), SYM("₹", "INR", NULL), SYM("₫", "VND", NULL),
	SYM("₽", "RUB", NULL), SYM("₱", "PHP", NULL), SYM("฿", "THB", NULL),
	SYM("₺", "TRY", NULL),
};
#undef SYM

struct mark {
	int cur;                /* index in currencies[], -1 if none */
	const char *also;
};

/* A currency symbol or ISO code at *pp: 1 if found (stepped over), 0 if
 * none, -1 for three letters that are not a known code. */
static int match_mark(cursor *pp, cursor e, struct mark *m)
{
	cursor p = *pp;
	if (p >= e || is_digit(*p))
		return 0;
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		const struct symbol *y = &symbols[i];
		if ((unsigned char)y->text[0] == p[0] && e - p >= y->len &&
		    memcmp(p, y->text, y->len) == 0) {
			m->cur = find_currency3((const unsigned char *)y->code);
			m->also = y->also;
			*pp = p + y->len;
			return 1;
		}
	}
	if (e - p >= 3 && is_alpha(p[0]) && is_alpha(p[1]) && is_alpha(p[2]) &&
	    (e - p == 3 || !is_alpha(p[3]))) {
		m->cur = find_currency3(p);
		m->also = NULL;
		*pp = p + 3;
		return m->cur < 0 ? -1 : 1;
	}
	return 0;
}

/* Does the mark agree with currency index c? */
static int mark_agrees(const struct mark *m, int c)
{
	if (m->cur == c)
		return 1;
	for (const char *a = m->also; a && *a; a += a[3] ? 4 : 3)
		if (memcmp(a, currencies[c].code, 3) == 0)
			return 1;
	return 0;
}

/* A thousands space between digits: ' ', U+00A0, U+2009, U+202F. */
static int group_space_len(cursor p, cursor e)
{
	if (p >= e)
		return 0;
	if (*p == ' ')
		return 1;
	int k = space_len(p, e);
	return k >= 2 && !(p[0] == 0xE3) ? k : 0;
}

#define MAXGROUPS 24

static const char R_NOTAMOUNT[] = N_("is not an amount");
static const char R_UNKNOWN[] = N_("has an unknown currency");
static const char R_LARGE[] = N_("is too large");

/* An amount taken apart: its sign, the currency marks before and after the
 * digits, and the digit groups with the separators between them. */
struct amount {
	int neg, sign, paren, unknown;
	struct mark m1, m2;
	int ng;                 /* digit groups */
	cursor gpos[MAXGROUPS];
	int glen[MAXGROUPS];
	unsigned char gsep[MAXGROUPS];  /* after each group but the last */
	int dec;                /* index of the decimal separator, -1 if none */
	int nint;               /* groups before the decimal separator */
	int dot_or_thousand;    /* "1.000": a single dot before three digits */
};

/* A '-' or '+' at *pp, once per amount. */
static void money_sign(cursor *pp, cursor e, struct amount *a)
{
	if (!a->sign && *pp < e && (**pp == '-' || **pp == '+')) {
		a->sign = 1;
		a->neg = *(*pp)++ == '-';
		skip_space(pp, e);
	}
}

/* Parentheses around the amount, a sign and a currency mark before the
 * digits, and a sign after that mark ("$-5"). */
static int money_head(cursor *pp, cursor *pe, struct amount *a, const char **why)
{
	cursor p = *pp, e = *pe;
	int r;
	if (*p == '(') {
		if (e[-1] != ')')
			return fail(why, R_NOTAMOUNT);
		a->paren = 1;
		p++;
		e--;
		skip_space(&p, e);
		while ((r = space_len_back(p, e)) > 0)
			e -= r;
	}
	money_sign(&p, e, a);
	if ((r = match_mark(&p, e, &a->m1)) < 0)
		a->unknown = 1;
	if (r != 0) {
		skip_space(&p, e);
		money_sign(&p, e, a);
	}
	*pp = p;
	*pe = e;
	return 0;
}

/* The digit groups and the separators between them; a separator counts
 * only when a digit follows it. */
static int money_groups(cursor *pp, cursor e, struct amount *a, const char **why)
{
	cursor p = *pp;
	for (;;) {
		cursor q = p;
		while (p < e && is_digit(*p))
			p++;
		if (p == q)
			break;
		if (a->ng == MAXGROUPS)
			return fail(why, R_NOTAMOUNT);
		a->gpos[a->ng] = q;
		a->glen[a->ng++] = (int)(p - q);
		int sl = 0;
		unsigned char sc = 0;
		if (p < e && (*p == '.' || *p == ',' || *p == '\'')) {
			sc = *p;
			sl = 1;
		} else if ((sl = group_space_len(p, e)) > 0) {
			sc = ' ';
		}
		if (sl == 0 || p + sl >= e || !is_digit(p[sl]))
			break;
		a->gsep[a->ng - 1] = sc;
		p += sl;
	}
	*pp = p;
	return a->ng == 0 ? fail(why, R_NOTAMOUNT) : 0;
}

/* Which separator is the decimal one (a->dec) and which separates thousands
 * (*thou, 0 if none), by the rules at the top of this file. */
static int money_separators(struct amount *a, unsigned char *thou, const char **why)
{
	int nsep = a->ng - 1, ndot = 0, ncomma = 0, nspace = 0, napos = 0;
	const unsigned char *gsep = a->gsep;
	for (int i = 0; i < nsep; i++) {
		ndot += gsep[i] == '.';
		ncomma += gsep[i] == ',';
		nspace += gsep[i] == ' ';
		napos += gsep[i] == '\'';
	}
	a->dec = -1;
	*thou = 0;
	if (nspace || napos) {
		if ((nspace && napos) || ndot + ncomma > 1)
			return fail(why, R_NOTAMOUNT);
		*thou = nspace ? ' ' : '\'';
		if (ndot + ncomma == 1) {
			if (gsep[nsep - 1] != '.' && gsep[nsep - 1] != ',')
				return fail(why, R_NOTAMOUNT);
			a->dec = nsep - 1;
		}
	} else if (ndot && ncomma) {
		unsigned char last = gsep[nsep - 1];
		if ((last == '.' ? ndot : ncomma) != 1)
			return fail(why, R_NOTAMOUNT);
		a->dec = nsep - 1;
		*thou = last == '.' ? ',' : '.';
	} else if (ncomma) {
		int all3 = 1;
		for (int i = 1; i < a->ng; i++)
			all3 &= a->glen[i] == 3;
		if (all3)
			*thou = ',';
		else if (ncomma == 1 && a->glen[1] <= 2)
			a->dec = 0;
		else
			return fail(why, R_NOTAMOUNT);
	} else if (ndot) {
		if (ndot > 1)
			*thou = '.';
		else
			a->dec = 0;
	}
	/* "1.000" is a thousand in a German or Indonesian export and one in an
	 * American one: never guess (a currency with three decimals is exact) */
	a->dot_or_thousand = !nspace && !napos && !ncomma && ndot == 1 && a->glen[1] == 3 &&
			     a->glen[0] <= 3 && a->gpos[0][0] != '0';
	return 0;
}

/* The decimal separator, then the thousands groups before it: the first of
 * 1-3 digits and no leading zero, every later one of exactly 3. */
static int money_decimal(struct amount *a, const char **why)
{
	unsigned char thou;
	if (money_separators(a, &thou, why) != 0)
		return -1;
	a->nint = a->dec >= 0 ? a->dec + 1 : a->ng;
	if (thou && a->nint > 1) {
		if (a->glen[0] > 3 || a->gpos[0][0] == '0')
			return fail(why, R_NOTAMOUNT);
		for (int i = 1; i < a->nint; i++)
			if (a->glen[i] != 3)
				return fail(why, R_NOTAMOUNT);
	}
	return 0;
}

/* A reason that names currency c, in a buffer of the calling thread (the
 * reader's or the writer's of an import): its words translated, so it is
 * written when given out. */
static const char *currency_why(const char *fmt, int c)
{
	static _Thread_local char buf[128];
	snprintf(buf, sizeof buf, fmt, currencies[c].code);
	return buf;
}

/* The currency index: the row's, which the marks must agree with, else the
 * marks' own. */
static int money_currency(const struct amount *a, const char *currency, int *pc,
			  const char **why)
{
	const struct mark *m1 = &a->m1, *m2 = &a->m2;
	int c;
	if (currency && currency[0]) {
		c = find_currency(currency);
		if (c < 0)
			return fail(why, R_UNKNOWN);
		if ((m1->cur >= 0 && !mark_agrees(m1, c)) || (m2->cur >= 0 && !mark_agrees(m2, c)))
			return fail(why, currency_why(_("is not in %s"), c));
	} else if (m1->cur >= 0 && m2->cur >= 0) {
		if (mark_agrees(m1, m2->cur))
			c = m2->cur;
		else if (mark_agrees(m2, m1->cur))
			c = m1->cur;
		else
			return fail(why, N_("has two different currencies"));
	} else if (m1->cur >= 0 || m2->cur >= 0) {
		c = m1->cur >= 0 ? m1->cur : m2->cur;
	} else {
		return fail(why, N_("has no currency (use --currency)"));
	}
	*pc = c;
	return 0;
}

/* v * 10 + dg without passing INT64_MAX. */
static int push_digit(uint64_t *v, unsigned dg)
{
	if (*v > ((uint64_t)INT64_MAX - dg) / 10)
		return -1;
	*v = *v * 10 + dg;
	return 0;
}

/* The value in minor units of currency c: the integer groups, then the
 * fraction padded or cut to the exponent, where only zeros may be cut. */
static int money_minor(const struct amount *a, int c, uint64_t *pv, const char **why)
{
	int exp = currencies[c].exp;
	if (a->dot_or_thousand && exp != 3)
		return fail(why, N_("is ambiguous: the dot may separate thousands or decimals"));
	uint64_t v = 0;
	for (int g = 0; g < a->nint; g++)
		for (int i = 0; i < a->glen[g]; i++)
			if (push_digit(&v, (unsigned)(a->gpos[g][i] - '0')) != 0)
				return fail(why, R_LARGE);
	cursor frac = a->dec >= 0 ? a->gpos[a->ng - 1] : NULL;
	int flen = a->dec >= 0 ? a->glen[a->ng - 1] : 0;
	for (int i = exp; i < flen; i++)
		if (frac[i] != '0')
			return fail(why, currency_why(_("is finer than %s's minor unit"), c));
	for (int i = 0; i < exp; i++)
		if (push_digit(&v, i < flen ? (unsigned)(frac[i] - '0') : 0) != 0)
			return fail(why, R_LARGE);
	*pv = v;
	return 0;
}

/*
 * An amount of bare digits in the row's own currency, as most exports write
 * it, read without taking it apart: 0 and *minor, or -1 for any other text,
 * which money_parse() reads.  At most 15 digits: times 10^3, the largest
 * exponent, still below INT64_MAX.  Reading every amount the long way was
 * 28 ns an order, a twelfth of the reading thread's time.
 */
static int money_digits(const char *s, char currency[4], int64_t *minor)
{
	uint64_t v = 0;
	int i, c;
	for (i = 0; is_digit((unsigned char)s[i]); i++) {
		if (i == 15)
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (i == 0 || s[i] != '\0' || !currency || (c = find_currency(currency)) < 0)
		return -1;
	for (i = 0; i < currencies[c].exp; i++)
		v *= 10;
	*minor = (int64_t)v;
	memcpy(currency, currencies[c].code, 4);
	return 0;
}

static int money_parse(const char *s, char currency[4], int64_t *minor, const char **why)
{
	struct amount a;            /* the groups' arrays are filled as read */
	cursor p, e;
	int c = 0;            /* set by money_currency(), as v by money_minor(): -O1 cannot tell */
	uint64_t v = 0;

	a.neg = a.sign = a.paren = a.unknown = a.ng = 0;
	a.m1 = a.m2 = (struct mark){ -1, NULL };
	trim_span(s, &p, &e);
	if (p == e)
		return fail(why, N_("is empty"));
	if (money_head(&p, &e, &a, why) != 0 || money_groups(&p, e, &a, why) != 0)
		return -1;
	skip_space(&p, e);
	if (match_mark(&p, e, &a.m2) < 0)
		a.unknown = 1;
	if (p != e || (a.paren && a.sign))
		return fail(why, R_NOTAMOUNT);
	if (a.unknown)
		return fail(why, R_UNKNOWN);
	if (money_decimal(&a, why) != 0 || money_currency(&a, currency, &c, why) != 0 ||
	    money_minor(&a, c, &v, why) != 0)
		return -1;
	*minor = a.paren || a.neg ? -(int64_t)v : (int64_t)v;
	if (currency)
		memcpy(currency, currencies[c].code, 4);
	return 0;
}

int crm_parse_money(const char *s, char currency[4], int64_t *minor, const char **why)
{
	if (money_digits(s, currency, minor) == 0)
		return 0;
	return money_parse(s, currency, minor, why);
}

int crm_format_money(int64_t minor, const char *currency, char *out, size_t size)
{
	int e = crm_currency_exponent(currency);
	if (e < 0) {
		if (size)
			out[0] = '\0';
		return -1;
	}
	char buf[32], *p = buf + sizeof buf;
	uint64_t m = minor < 0 ? -(uint64_t)minor : (uint64_t)minor;
	for (int k = 1;; k++) {
		*--p = (char)('0' + m % 10);
		m /= 10;
		if (k == e)
			*--p = '.';
		if (m == 0 && k > e)
			break;
	}
	if (minor < 0)
		*--p = '-';
	size_t len = (size_t)(buf + sizeof buf - p);
	if (size) {
		size_t n = len < size ? len : size - 1;
		memcpy(out, p, n);
		out[n] = '\0';
	}
	return (int)len;
}

int crm_parse_int(const char *s, int64_t *out, const char **why)
{
	static const char R_NOTINT[] = N_("is not a whole number");
	cursor p, e;
	trim_span(s, &p, &e);
	if (p == e)
		return fail(why, N_("is empty"));
	int neg = 0;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	uint64_t v = 0, max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	int ngroups = 0, first = 0;
	for (;;) {
		cursor q = p;
		while (p < e && is_digit(*p)) {
			unsigned dg = *p - '0';
			if (v > (max - dg) / 10)
				return fail(why, N_("is too large"));
			v = v * 10 + dg;
			p++;
		}
		int n = (int)(p - q);
		if (n == 0 || (ngroups > 0 && n != 3))
			return fail(why, R_NOTINT);
		if (ngroups++ == 0)
			first = n;
		if (p < e && *p == ',') {
			if (ngroups == 1 && (first > 3 || *q == '0'))
				return fail(why, R_NOTINT);
			p++;
			continue;
		}
		break;
	}
	/* a whole number as a spreadsheet writes it: 3.0, 3.00, 3. */
	int frac = 0;
	if (p < e && *p == '.')
		for (p++; p < e && is_digit(*p); p++)
			frac |= *p != '0';
	/* 1.23457E+11 is what a spreadsheet writes for digits it has cut */
	if (p < e && (*p == 'e' || *p == 'E'))
		return fail(why, N_("has an exponent: write the number out in digits"));
	if (p != e || frac)
		return fail(why, R_NOTINT);
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* ---- people -------------------------------------------------------------- */

int crm_norm_email(const char *s, char *out, size_t size, const char **why)
{
	static const char R_NOTEMAIL[] = N_("is not an e-mail address");
	cursor b, e;
	trim_span(s, &b, &e);
	size_t n = (size_t)(e - b);
	if (n == 0)
		return fail(why, N_("is empty"));
	if (n >= size)
		return fail(why, N_("is too long"));
	size_t at = 0;
	int nat = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned c = b[i];
		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
		    c == ';' || c == ':' || c == '"' || c == '[' || c == ']' || c == '\\')
			return fail(why, R_NOTEMAIL);
		if (c == 0xC2 && i + 1 < n && b[i + 1] == 0xA0)
			return fail(why, R_NOTEMAIL);
		if (c == '@') {
			nat++;
			at = i;
		}
		out[i] = (char)to_lower(c);
	}
	out[n] = '\0';
	if (nat != 1 || at == 0)
		return fail(why, R_NOTEMAIL);
	/* the domain: a dot, not at either end, no empty label */
	cursor d = b + at + 1;
	size_t dn = n - at - 1;
	if (dn < 3 || d[0] == '.' || d[dn - 1] == '.' || !memchr(d, '.', dn))
		return fail(why, R_NOTEMAIL);
	for (size_t i = 1; i < dn; i++)
		if (d[i] == '.' && d[i - 1] == '.')
			return fail(why, R_NOTEMAIL);
	return 0;
}

struct country {
	char cc[3];
	short code;             /* calling code */
	char trunk;             /* '0', or 0 if none */
	unsigned char min, max; /* digits of the national significant number */
};

static const struct country countries[] = {
	{ "AU", 61, '0', 9, 9 },   { "BR", 55, '0', 10, 11 }, { "CA", 1, 0, 10, 10 },
	{ "CN", 86, '0', 8, 11 },  { "DE", 49, '0', 6, 13 },  { "ES", 34, 0, 9, 9 },
	{ "FR", 33, '0', 9, 9 },   { "GB", 44, '0', 7, 10 },  { "HK", 852, 0, 8, 8 },
	{ "IN", 91, '0', 10, 10 }, { "IT", 39, 0, 6, 11 },    { "JP", 81, '0', 9, 10 },
	{ "KR", 82, '0', 8, 10 },  { "NL", 31, '0', 9, 9 },   { "NZ", 64, '0', 8, 10 },
	{ "SG", 65, 0, 8, 8 },     { "TW", 886, '0', 8, 9 },  { "US", 1, 0, 10, 10 },
	{ "VN", 84, '0', 9, 10 },
};
#define NCOUNTRY ((int)(sizeof countries / sizeof countries[0]))

static const struct country *find_country(const char *cc)
{
	if (!cc || strlen(cc) != 2)
		return NULL;
	char k0 = (char)to_upper((unsigned char)cc[0]), k1 = (char)to_upper((unsigned char)cc[1]);
	for (int i = 0; i < NCOUNTRY; i++)
		if (countries[i].cc[0] == k0 && countries[i].cc[1] == k1)
			return &countries[i];
	return NULL;
}

int crm_country_calling_code(const char *country)
{
	const struct country *c = find_country(country);
	return c ? c->code : -1;
}

static const char R_NOTPHONE[] = N_("is not a phone number");
static const char R_FEW[] = N_("has too few digits for a phone number");
static const char R_MANY[] = N_("has too many digits for a phone number");

/* The digits of a phone number, and whether a '+' led them: spaces, dashes,
 * dots and parentheses are dropped, anything else refused. */
static int phone_digits(cursor p, cursor e, char dg[24], int *pn, int *plus,
			const char **why)
{
	int n = 0;
	for (; p < e; p++) {
		unsigned c = *p;
		if (is_digit(c)) {
			if (n == 24)
				return fail(why, R_MANY);
			dg[n++] = (char)c;
		} else if (c == '+' && n == 0 && !*plus) {
			*plus = 1;
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t') {
			continue;
		} else {
			return fail(why, R_NOTPHONE);
		}
	}
	*pn = n;
	return n == 0 ? fail(why, R_NOTPHONE) : 0;
}

/* An international number d[0..n) after its "+" or "00": the calling code,
 * then the rest without a trunk prefix written after the code. */
static int phone_international(const char *d, int n, char num[24], int *plen,
			       const char **why)
{
	if (n == 0 || d[0] == '0')
		return fail(why, R_NOTPHONE);
	int cc = 0, cl = 0, len = 0;
	for (int k = 1; k <= 3 && k < n && !cl; k++) {
		cc = cc * 10 + (d[k - 1] - '0');
		for (int i = 0; i < NCOUNTRY; i++)
			if (countries[i].code == cc) {
				cl = k;
				if (countries[i].trunk && d[k] == countries[i].trunk)
					cl = -k;
				break;
			}
	}
	/* No number of these countries starts with its trunk digit: a second
	 * one is no number, and kept it would make "+CC0..." that reads as
	 * another number the next time. */
	if (cl < 0 && -cl + 1 < n && d[-cl + 1] == d[-cl])
		return fail(why, R_NOTPHONE);
	for (int i = 0; i < n; i++)
		if (!(cl < 0 && i == -cl))
			num[len++] = d[i];
	*plen = len;
	return 0;
}

/* A national number d[0..n) of `country`, with or without its trunk
 * prefix, behind the country's calling code. */
static int phone_national(const char *d, int n, const char *country, char num[24],
			  int *plen, const char **why)
{
	if (!country || !*country)
		return fail(why, N_("has no country code (use --default-country)"));
	const struct country *c = find_country(country);
	if (!c)
		return fail(why, N_("has an unknown country"));
	if ((c->code == 1 && n == 11 && d[0] == '1') || (c->trunk && d[0] == c->trunk)) {
		d++;
		n--;
	}
	if (n < c->min)
		return fail(why, R_FEW);
	if (n > c->max)
		return fail(why, R_MANY);
	if (c->code == 1 && (d[0] < '2' || d[3] < '2'))
		return fail(why, R_NOTPHONE);
	int cc = c->code, k = cc >= 100 ? 3 : cc >= 10 ? 2 : 1, len = k;
	for (int i = k - 1; i >= 0; i--, cc /= 10)
		num[i] = (char)('0' + cc % 10);
	for (int i = 0; i < n; i++)
		num[len++] = d[i];
	*plen = len;
	return 0;
}

int crm_norm_phone(const char *s, const char *country, char *out, size_t size,
		   const char **why)
{
	cursor p, e;
	char dg[24], num[24];
	int n, plus = 0, len, r;

	trim_span(s, &p, &e);
	if (p == e)
		return fail(why, N_("is empty"));
	if (phone_digits(p, e, dg, &n, &plus, why) != 0)
		return -1;
	if (plus)
		r = phone_international(dg, n, num, &len, why);
	else if (n >= 2 && dg[0] == '0' && dg[1] == '0')
		r = phone_international(dg + 2, n - 2, num, &len, why);
	else
		r = phone_national(dg, n, country, num, &len, why);
	if (r != 0)
		return -1;
	if (len < 8)
		return fail(why, R_FEW);
	if (len > 15)
		return fail(why, R_MANY);
	if ((size_t)len + 2 > size)
		return fail(why, N_("is too long"));
	out[0] = '+';
	memcpy(out + 1, num, (size_t)len);
	out[len + 1] = '\0';
	return 0;
}

int crm_parse_bool(const char *s, int *out, const char **why)
{
	static const struct {
		const char *word;
		int value;
	} words[] = {
		{ "y", 1 }, { "n", 0 }, { "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
		{ "1", 1 }, { "0", 0 }, { "on", 1 }, { "off", 0 }, { "o", 1 }, { "x", 0 },
		{ "예", 1 }, { "아니오", 0 }, { "네", 1 }, { "아니요", 0 },
		{ "동의", 1 }, { "미동의", 0 }, { "수신", 1 }, { "거부", 0 },
		{ "수신동의", 1 }, { "수신거부", 0 },
	};
	cursor b, e;
	trim_span(s, &b, &e);
	size_t n = (size_t)(e - b);
	if (n == 0)
		return fail(why, N_("is empty"));
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		const char *w = words[i].word;
		size_t k = 0;
		while (k < n && w[k] && to_lower(b[k]) == (unsigned char)w[k])
			k++;
		if (k == n && w[k] == '\0') {
			*out = words[i].value;
			return 0;
		}
	}
	return fail(why, N_("is not yes or no"));
}

/* ---- text ---------------------------------------------------------------- */

size_t crm_utf8_valid_prefix(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			while (i + 8 <= n) {
				uint64_t w;
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			while (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80)
				return i;
			i += 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			/* E0: no overlongs; ED: no surrogates */
			unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
			if (i + 2 >= n || s[i + 1] < lo || s[i + 1] > hi || (s[i + 2] & 0xC0) != 0x80)
				return i;
			i += 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			/* F0: no overlongs; F4: nothing above U+10FFFF */
			unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
			if (i + 3 >= n || s[i + 1] < lo || s[i + 1] > hi || (s[i + 2] & 0xC0) != 0x80 ||
			    (s[i + 3] & 0xC0) != 0x80)
				return i;
			i += 4;
		} else {
			return i;
		}
	}
	return n;
}

char *crm_trim_len(char *s, size_t *len)
{
	return crm_trim_n(s, strlen(s), len);
}

static int trim_space(char c)
{
	return c == ' ' || (unsigned char)(c - '\t') < 5;
}

size_t crm_trim_span(const char *s, size_t n, size_t *start)
{
	size_t b = 0, e = n;
	while (b < e && trim_space(s[b]))
		b++;
	while (e > b && trim_space(s[e - 1]))
		e--;
	*start = b;
	return e - b;
}

char *crm_trim_n(char *s, size_t n, size_t *len)
{
	size_t b;
	*len = crm_trim_span(s, n, &b);
	if (b > 0)
		memmove(s, s + b, *len);
	s[*len] = '\0';
	return s;
}

char *crm_trim(char *s)
{
	size_t len;
	return crm_trim_len(s, &len);
}

/* The wide ranges of Unicode's East Asian Width (W and F) that shop text
 * meets, and the combining marks that take no column. */
static int char_width(uint32_t c)
{
	static const uint32_t wide[][2] = {
		{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2E80, 0x303E}, {0x3041, 0x33FF},
		{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xA960, 0xA97F},
		{0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60},
		{0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
	};
	size_t i;
	if ((c >= 0x0300 && c <= 0x036F) || c == 0x200B || (c >= 0xFE00 && c <= 0xFE0F))
		return 0;
	for (i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

size_t crm_utf8_width(const char *str)
{
	size_t w = 0, i = 0, len;
	uint32_t c;
	while (str[i]) {
		/* ASCII and each byte of no valid character: one column */
		if (!(len = crm_utf8_char(str + i, &c))) {
			w++;
			i++;
			continue;
		}
		w += (size_t)char_width(c);
		i += len;
	}
	return w;
}
