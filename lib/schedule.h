/*
 * schedule.h - business hours: a time zone, opening hours per weekday and
 * holidays, read from a schedule file; the business seconds between two
 * instants, in closed form, and the instant a number of business seconds
 * after another (for SLA due times).
 *
 *   zone Asia/Seoul                       # IANA name or fixed offset; required once
 *   mon-fri 09:00-12:00, 13:00-18:00      # a day or a range of days (fri-mon wraps)
 *   sat 10:00-14:00
 *   sun closed                            # also the default for a day not listed
 *   holiday 2025-10-03  개천절              # a date and an optional name
 *   holiday 2025-10-05..2025-10-08  추석 연휴 # an inclusive range of dates
 *
 * Contract: the file (read through textfile.h, so its caps and messages).
 *  - '#' anywhere starts a comment; blank lines are skipped; words are
 *    separated by spaces or tabs; keywords and day names (mon tue wed thu
 *    fri sat sun) are read in ASCII case.  Lines come in any order.
 *  - "zone SPEC": what crm_tz_open() takes (not empty: no $TZ here).
 *  - "DAYS HOURS" or "DAYS closed": DAYS is a day or FIRST-LAST, which
 *    runs forward and wraps past sunday (fri-mon is fri, sat, sun, mon);
 *    FIRST-FIRST is refused.  HOURS is one or more HH:MM-HH:MM ranges
 *    separated by commas, each [start, end) in local wall time, 00:00 to
 *    24:00 (24:00 only as an end; H:MM is read too); a range must end after
 *    it starts, and the ranges of one day must not overlap (they may touch).
 *    A day is given on one line only; a day given on none is closed.
 *  - "holiday DATE[..DATE] [NAME]": YYYY-MM-DD, the range inclusive and not
 *    backwards; NAME is the rest of the line, trimmed, UTF-8 without control
 *    characters.  A holiday is closed all day whatever its weekday.  Dates
 *    may be given twice or overlap: the union counts, and the same range
 *    given twice is one entry (its first name that is not empty).
 *  - Refused, as "NAME:LINE: column COL: PROBLEM" (COL in characters, from
 *    crm_parse_column): an unknown keyword, a bad day name, a bad time or
 *    range, overlapping ranges, a day given twice, zone given twice or
 *    unknown, a bad date or a backwards range, a stray word.  After the
 *    last line, "NAME: zone is required" and "NAME: no opening hours: every
 *    day is closed" (business durations would mean nothing).
 *
 * Contract: the arithmetic.
 *  - An instant t is open when its local wall time t + offset(t)
 *    (crm_tz_offset_at) falls, on its local date, in one of that weekday's
 *    ranges, and that date is no holiday.  crm_schedule_seconds(s, from,
 *    to) counts the open seconds of the instants in [from, to) (0 when
 *    to <= from).  So across a DST change: wall times that do not exist
 *    (clocks go forward) are never open, and those that happen twice
 *    (clocks go back) are open twice when inside the hours; a 00:00-24:00
 *    day of a spring-forward change has 23 hours.
 *  - Closed form: with the offset constant on [a, b), the count is
 *    W(b + off) - W(a + off), where W(x) is the open seconds of local wall
 *    time before x from a fixed Monday: whole weeks times the week's total,
 *    the days before in the week, a binary search in the day's ranges,
 *    less the holidays before x (merged ranges with a prefix sum, binary
 *    search).  [from, to) is cut where the offset changes: in pieces of at
 *    most CRM_SCHEDULE_PIECE seconds, each whose two ends have different
 *    offsets is bisected to the second of the change.  A zone that changed
 *    its offset and changed it back within one piece (7 days) would be
 *    taken as constant: none of the tz database has since 1970 (Ramadan
 *    suspensions last weeks).  Cost: O(length / 7 days + log) per call.
 *  - Instants are clamped to [CRM_SCHEDULE_FIRST, CRM_SCHEDULE_END], the
 *    range of stored times (norm.h's CRM_TIME_FIRST..CRM_TIME_END).
 *  - crm_schedule_add(s, from, n): the first instant t >= from with
 *    crm_schedule_seconds(s, from, t) == n (from itself when n <= 0), found
 *    by doubling then bisecting; CRM_SCHEDULE_NEVER when it would lie past
 *    CRM_SCHEDULE_END.  The end of the n-th business second, so a due time
 *    of 1 h from Friday 17:30 with 09:00-18:00 is Monday 09:30.
 *  - Not thread-safe: the zone's offset cache (norm.h) is the schedule's.
 *
 * Errors: convention (a) of diag.h.  crm_schedule_load() and
 * crm_schedule_parse_text() return NULL with the message in err and the exit
 * code in *code (if not NULL): CRM_EUSAGE for bad content or a file past
 * the caps, CRM_EIO for one that cannot be opened or read.
 */
#ifndef CRM_SCHEDULE_H
#define CRM_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CRM_SCHEDULE_FIRST (-30610224000LL)    /* 1000-01-01T00:00:00Z */
#define CRM_SCHEDULE_END   253402236000LL      /* 9999-12-31T06:00:00Z */
#define CRM_SCHEDULE_NEVER INT64_MAX
#define CRM_SCHEDULE_PIECE (7 * 86400)

struct crm_schedule;

/* Read a schedule file (its name in messages is path). */
struct crm_schedule *crm_schedule_load(const char *path, char *err, size_t errsize, int *code);
/* The same from a text in memory, lines split at '\n' (a '\r' before it and
 * a leading BOM dropped); name is the file name in messages. */
struct crm_schedule *crm_schedule_parse_text(const char *name, const char *text, char *err,
					     size_t errsize, int *code);
/* The default Korean schedule, built in from data/schedule/ko-KR.schedule:
 * Mon-Fri 09:00-18:00 Asia/Seoul and the public holidays of 2024-2027. */
struct crm_schedule *crm_schedule_default(void);
void crm_schedule_free(struct crm_schedule *s);

/* The schedule in canonical form, which reads back to the same schedule:
 * the zone, the seven days in runs of equal hours (mon..sun, no wrap), then
 * the holiday entries by date, names escaped (diag.h). */
void crm_schedule_write(FILE *fp, const struct crm_schedule *s);

/* Business seconds in [from, to); see the contract. */
int64_t crm_schedule_seconds(const struct crm_schedule *s, int64_t from, int64_t to);
/* The instant n business seconds after from; see the contract. */
int64_t crm_schedule_add(const struct crm_schedule *s, int64_t from, int64_t n);
/* Is instant t open? */
int crm_schedule_is_open(const struct crm_schedule *s, int64_t t);
/* Is local day `day` (norm.h's day numbers) a holiday?  1 with its name in
 * *name ("" when it has none; NULL name allowed), else 0. */
int crm_schedule_holiday(const struct crm_schedule *s, int64_t day, const char **name);
/* The zone of the schedule (owned by it). */
const struct crm_tz *crm_schedule_zone(const struct crm_schedule *s);

#endif
