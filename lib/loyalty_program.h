/*
 * loyalty_program.h - a shop's loyalty program (crm-loyalty --program FILE):
 * what an order earns, when points become usable and when they expire, the
 * tiers and their multipliers, the bonuses; read from a file or from the
 * text the database keeps, printed back in one canonical form, and the
 * arithmetic on it, exact in integers.  Nothing here opens a database: the
 * ledger computes a customer's figures and calls these.
 *
 *   currency  = KRW
 *   earn      = 1 per 100            # 1 point per 100 KRW, rounded down per order
 *   min_order = 10000                # smaller orders earn nothing
 *   pending   = 14 days              # usable once the 14 days after the order's day end
 *   expires   = 12 months month-end  # usable through the 12th month after the month earned
 *   tier Silver = spend >= 300000 in 12 months, earn x1.5
 *   tier Gold   = spend >= 1000000 in 12 months or orders >= 10 in 12 months, earn x2
 *   downgrade = at evaluation, grace 1 month
 *   birthday  = 2000                 # once a year, in the birthday month
 *   signup    = 1000
 *   point_value = 1                  # a point redeemed is worth 1 KRW
 *
 * Contract: the file.
 *  - One "KEY = VALUE" a line, "tier NAME = VALUE" for a tier.  '#' anywhere
 *    starts a comment (so a tier name cannot hold one); blank lines are
 *    skipped; spaces and tabs between words are free.  Keys and the words
 *    of values (per, day(s), month(s), year(s), month-end, never, spend,
 *    orders, in, and, or, always, at, evaluation, grace, earn) are read in
 *    any case; a tier name keeps its own.  Lines may come in any order but
 *    for the tiers', which ranks them (below); each key is given once.
 *  - The keys, their values and defaults:
 *      currency  = CODE    ISO 4217, one crm_currency_exponent() knows;
 *                          required.  Every AMOUNT is in its major units.
 *      earn      = N per AMOUNT
 *                          N points (1..1000000000, whole) per AMOUNT
 *                          (> 0) of an order, rounded down per order (see
 *                          the arithmetic below); required.
 *      min_order = AMOUNT  an order (or a return) of less earns (takes
 *                          back) nothing; default 0.
 *      pending   = 0 | N day(s)
 *                          points earned on local day D are usable from the
 *                          start of day D + N + 1 (the return window is the
 *                          order's day and the N days after it); 0, the
 *                          default, means at once.  N <= 3650.
 *      expires   = never | N day(s) | N month(s) [month-end] | N year(s) [month-end]
 *                          a lot earned on local day D is usable through
 *                          day D + N, or through the same day of the month
 *                          N months later (the month's last day when it
 *                          has no such day: Jan 31 + 1 month is Feb 28 or
 *                          29), or with month-end through the last day of
 *                          the month N months after D's month; it expires
 *                          at the local midnight that ends that day.  N
 *                          years is 12 N months.  Default never.  N from 1
 *                          to 36500 days or 1200 months.
 *      tier NAME = CONDITION {and CONDITION | or CONDITION} [, earn xM]
 *                          CONDITION is "spend >= AMOUNT in SPAN",
 *                          "orders >= N in SPAN" or "always"; SPAN is
 *                          N day(s) (1..36500), month(s) (1..1200) or
 *                          year(s) (1..100), the local days ending on the
 *                          day of evaluation (crm_loyalty_window_first).
 *                          One tier joins its conditions with and, or with
 *                          or, not both; at most CRM_LOYALTY_CONDS of them;
 *                          "always" stands alone and only in the first
 *                          tier (it would hide the tiers below it).  xM
 *                          multiplies what an order earns: x0.001 to
 *                          x1000, at most three decimals; default x1.
 *      downgrade = at evaluation [, grace N day(s)|month(s)|year(s)] | never
 *                          a customer who no longer qualifies for the tier
 *                          held moves down at the first evaluation after
 *                          the grace (counted from the last day they
 *                          qualified; default 0); never: tiers only rise.
 *                          Default "at evaluation".
 *      birthday  = N       bonus points once a year in the birthday month
 *                          (0..1000000000000); default 0, none.
 *      signup    = N       bonus points once, on joining; default 0.
 *      point_value = AMOUNT
 *                          what one point is worth when redeemed, for the
 *                          liability in money; default 0: not given.
 *  - Tiers rank in the order of their lines, the first lowest.  A customer
 *    qualifies for the highest-ranked tier whose condition holds; nothing
 *    asks thresholds to rise with rank.  At most CRM_LOYALTY_TIERS tiers,
 *    CRM_LOYALTY_WINDOWS distinct spans among their conditions.  A name is
 *    1 to 63 bytes of UTF-8 after trimming, without control characters, ',',
 *    '"', '<' or '>'; two names that differ only in ASCII case are the same
 *    tier.
 *  - Numbers are plain decimals without signs or thousands separators.  An
 *    AMOUNT has at most as many decimals as the currency (KRW none, USD 2):
 *    10000.5 KRW is refused, never rounded.  Every number is checked
 *    against overflow of int64 minor units and against its range.
 *  - The first problem is reported, in the order of the lines (an amount
 *    written before the currency line is checked when that line comes, and
 *    reported at the amount): "PATH:LINE: column COL: PROBLEM", COL counted
 *    in characters from 1, naming the offending word; "PATH: currency is
 *    required" and "PATH: earn is required" at the end.  A file is read
 *    through textfile.h, with its caps and messages (BOM, CRLF, NUL); the
 *    text form strips a BOM and a '\r' before each '\n' the same way.
 *    Invalid UTF-8 is refused.
 *
 * Contract: the arithmetic.  Every function is pure (reads the program and
 * its arguments, writes only its outputs, allocates nothing unless it says
 * so), exact in integers, and safe for any int64 argument.
 *  - Points of an order (crm_loyalty_points): for an amount A in minor
 *    units and a tier multiplier M, floor(|A| * N * M / AMOUNT), computed
 *    in 128 bits: the multiplier applies before the one rounding down, per
 *    order.  |A| below min_order earns 0.  A negative amount (a return)
 *    gives the negative of what |A| earns, so a return of a whole order
 *    takes back exactly what it earned; partial returns each round toward
 *    zero (the customer keeps the fractions).  When the ledger knows an
 *    order's amount before and after a change, crm_loyalty_points_change()
 *    is exact for any number of changes.
 *  - Days are local day numbers (norm.h), in CRM_DAY_FIRST..CRM_DAY_LAST
 *    (others are first clamped into it); a day after CRM_DAY_LAST comes out
 *    as CRM_DAY_LAST + 1, whose first instant is CRM_TIME_END.  Month
 *    arithmetic is period.h's calendar (crm_month_first).
 *  - Tier moves: up at once, to the tier qualified for (the ledger applies
 *    it on the next earn); down only at an evaluation, straight to the tier
 *    qualified for (perhaps none), once the day of evaluation is past the
 *    grace: the last day of qualifying plus the grace span.
 *
 * Errors: parsers print nothing (diag.h's convention (a)): they return
 * CRM_OK or a crm_exit code with one message in err.
 */
#ifndef CRM_LOYALTY_PROGRAM_H
#define CRM_LOYALTY_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "norm.h"

#define CRM_LOYALTY_TIERS 16          /* tiers in a program, at most */
#define CRM_LOYALTY_CONDS 4           /* conditions of one tier, at most */
#define CRM_LOYALTY_WINDOWS 8         /* distinct spans of all conditions, at most */
#define CRM_LOYALTY_NAME_MAX 63       /* bytes of a tier name */
#define CRM_LOYALTY_X1 1000           /* multipliers are thousandths: x1.5 is 1500 */
#define CRM_LOYALTY_NEVER INT64_MAX   /* the expiry day of points that never expire */
#define CRM_LOYALTY_WHY 512           /* bytes of a move's reason, NUL included */

enum crm_loyalty_unit { CRM_LOYALTY_DAYS, CRM_LOYALTY_MONTHS };

/* A span of time: "14 days", "12 months" (years are kept as months). */
struct crm_loyalty_span {
	int32_t n;
	enum crm_loyalty_unit unit;
};

enum crm_loyalty_expiry {
	CRM_LOYALTY_EXPIRES_NEVER,
	CRM_LOYALTY_EXPIRES_AFTER,        /* through day D + span */
	CRM_LOYALTY_EXPIRES_MONTH_END,    /* through the end of the month D + span (months) */
};

enum crm_loyalty_metric { CRM_LOYALTY_SPEND, CRM_LOYALTY_ORDERS, CRM_LOYALTY_ALWAYS };

struct crm_loyalty_cond {
	enum crm_loyalty_metric metric;
	int64_t min;                      /* spend: minor units; orders: a count */
	int window;                       /* index in the program's window[] */
};

struct crm_loyalty_tier {
	char name[CRM_LOYALTY_NAME_MAX + 1];
	int ncond;
	int any;                          /* 1: the conditions are joined by or, 0: by and */
	struct crm_loyalty_cond cond[CRM_LOYALTY_CONDS];
	int32_t mult;                     /* thousandths */
};

/* A program, whole in one struct (no pointers: copy it freely). */
struct crm_loyalty_program {
	char currency[4];                 /* upper case */
	int exp;                          /* its decimals */
	int64_t earn_points;              /* earn = earn_points per earn_per */
	int64_t earn_per;                 /* minor units, > 0 */
	int64_t min_order;                /* minor units, >= 0 */
	int32_t pending_days;
	enum crm_loyalty_expiry expiry;
	struct crm_loyalty_span expires;  /* unless NEVER; MONTH_END: months */
	int ntiers;                       /* tier[0] ranks lowest */
	struct crm_loyalty_tier tier[CRM_LOYALTY_TIERS];
	int nwindows;                     /* distinct spans of the conditions, in order of use */
	struct crm_loyalty_span window[CRM_LOYALTY_WINDOWS];
	int downgrade;                    /* 1: at evaluation, 0: never */
	struct crm_loyalty_span grace;
	int64_t birthday, signup;         /* bonus points */
	int64_t point_value;              /* minor units a point is worth, 0: not given */
};

/* ---- reading and writing ----------------------------------------------------- */

/*
 * Read a program file into *p.  Returns CRM_OK; or CRM_EUSAGE (bad content,
 * a file past textfile.h's caps) or CRM_EIO (cannot open or read: "PATH:
 * STRERROR") with one message in err, and *p zeroed.
 */
int crm_loyalty_program_load(const char *path, struct crm_loyalty_program *p, char *err,
			     size_t errsize);
/* The same from text (a stored copy): lines end with '\n'; `name` stands for
 * PATH in messages ("program" when NULL).  CRM_OK or CRM_EUSAGE. */
int crm_loyalty_program_parse_text(const char *text, const char *name,
				   struct crm_loyalty_program *p, char *err, size_t errsize);

/*
 * The canonical text of a program: every key once, defaults included, in
 * the order of the example above (tiers in rank order), "KEY = VALUE"
 * with one space each side of '=', amounts with all the currency's
 * decimals, spans as days or months (singular for 1), multipliers without
 * trailing zeros, no comments; each line ends with '\n'.  Parsing it gives
 * back an equal program.  crm_xmalloc'd: free() it.
 */
char *crm_loyalty_program_format(const struct crm_loyalty_program *p);
/* 1 when a and b are the same program, field by field, else 0. */
int crm_loyalty_program_equal(const struct crm_loyalty_program *a,
			      const struct crm_loyalty_program *b);

/* Index of the tier called name (exactly, else in another ASCII case), or -1. */
int crm_loyalty_tier_find(const struct crm_loyalty_program *p, const char *name);

/* ---- points ------------------------------------------------------------------- */

/*
 * The points an order of amount_minor (minor units of the program's
 * currency; negative for a return) earns at tier (-1: none, x1; any index
 * outside the program is taken as -1): 0 with *points, or -1 when they do
 * not fit int64 (only a rate far beyond any shop's, on an amount near
 * INT64_MAX).
 */
int crm_loyalty_points(const struct crm_loyalty_program *p, int tier, int64_t amount_minor,
		       int64_t *points);
/* What `points` are worth (point_value each) in minor units: 0 with
 * *minor, or -1 when that does not fit int64. */
int crm_loyalty_points_money(const struct crm_loyalty_program *p, int64_t points, int64_t *minor);
/* What an order whose amount goes from `before` to `after` (a partial
 * refund, a corrected import) earns more (or, negative, takes back):
 * points(after) - points(before); -1 on overflow. */
int crm_loyalty_points_change(const struct crm_loyalty_program *p, int tier, int64_t before,
			      int64_t after, int64_t *delta);

/* ---- days and times ------------------------------------------------------------- */

/* The first local day on which points earned on day `earned` are usable:
 * earned itself when pending is 0, else earned + pending + 1. */
int64_t crm_loyalty_release_day(const struct crm_loyalty_program *p, int64_t earned);
/* The first local day on which a lot earned on day `earned` has expired,
 * or CRM_LOYALTY_NEVER. */
int64_t crm_loyalty_expiry_day(const struct crm_loyalty_program *p, int64_t earned);

/*
 * The same as instants, for the ledger's stored times: earned_at is a
 * canonical UTC time (CRM_TIME_LEN), its local day taken in tz.
 * crm_loyalty_release_at: earned_at itself when pending is 0, else the
 * first instant of the release day; crm_loyalty_expiry_at: 1 with the
 * first instant of the expiry day, or 0 with "" for never.  Both give -1
 * with *why for an earned_at that is no stored time, or a local midnight
 * that does not exist in tz (crm_day_start).
 */
int crm_loyalty_release_at(const struct crm_loyalty_program *p, const struct crm_tz *tz,
			   const char *earned_at, char out[CRM_TIME_LEN], const char **why);
int crm_loyalty_expiry_at(const struct crm_loyalty_program *p, const struct crm_tz *tz,
			  const char *earned_at, char out[CRM_TIME_LEN], const char **why);

/* The first day of a span that ends on day `last` (both included): last -
 * N + 1 for days; for months the day after the same day N months before
 * (clamped to that month's end): 12 months to 2026-03-15 are 2025-03-16 ..
 * 2026-03-15; to 2028-02-29, 2027-03-01 .. 2028-02-29.  The caller sums a
 * customer's spend and orders over window[w] from here. */
int64_t crm_loyalty_window_first(const struct crm_loyalty_span *span, int64_t last);

/* ---- tiers ---------------------------------------------------------------------- */

/* A customer's figures over each window of the program, as the caller
 * computed them for the day of evaluation: spend in minor units of the
 * program's currency (net of returns), orders counted. */
struct crm_loyalty_figures {
	int64_t spend[CRM_LOYALTY_WINDOWS];
	int64_t orders[CRM_LOYALTY_WINDOWS];
};

/* The highest-ranked tier whose condition the figures meet, or -1. */
int crm_loyalty_qualify(const struct crm_loyalty_program *p, const struct crm_loyalty_figures *f);

/*
 * The tier held after an evaluation on day `today` of a customer who holds
 * `current` (-1: none), qualifies for `qualified`, and last qualified for
 * `current` on day `last_qualified`: `qualified` when it is not lower;
 * else `current` while today <= *grace_end (the last day of qualifying
 * plus the grace; CRM_LOYALTY_NEVER with downgrade = never), then
 * `qualified`.  *grace_end is CRM_LOYALTY_NEVER when no grace applies (no
 * move down).  Tiers outside the program are taken as -1.
 */
int crm_loyalty_decide(const struct crm_loyalty_program *p, int current, int qualified,
		       int64_t last_qualified, int64_t today, int64_t *grace_end);

enum crm_loyalty_change {
	CRM_LOYALTY_STAY,                 /* qualifies for the tier held */
	CRM_LOYALTY_UP,
	CRM_LOYALTY_DOWN,
	CRM_LOYALTY_HELD,                 /* qualifies lower, kept by the grace or downgrade = never */
};

struct crm_loyalty_move {
	int from, to, qualified;          /* tiers, -1 none */
	enum crm_loyalty_change change;
	int64_t grace_end;                /* as crm_loyalty_decide() gives it */
	char why[CRM_LOYALTY_WHY];        /* for people, see below */
};

/*
 * crm_loyalty_qualify() and crm_loyalty_decide() with the reason in words,
 * amounts in major units with thousands separators:
 *   UP, STAY:  the conditions met of the tier reached, "spend 1,250,000 >=
 *              1,000,000 in 12 months" (with or: the first met; with and:
 *              all, joined by " and ")
 *   DOWN:      the conditions missed of the tier left, "spend 120,000 <
 *              300,000 in 12 months" (with or: all; with and: the first
 *              missed), then "; grace 1 month ended 2026-04-15" if any
 *   HELD:      the same, then "; held through 2026-04-15 (grace 1 month)"
 *              or "; downgrade = never"
 *   no tier held nor reached: the lowest tier's conditions missed, or "".
 */
void crm_loyalty_evaluate(const struct crm_loyalty_program *p, const struct crm_loyalty_figures *f,
			  int current, int64_t last_qualified, int64_t today,
			  struct crm_loyalty_move *m);

/* ---- bonuses -------------------------------------------------------------------- */

/* The year of the birthday grant for a customer born in `month` (1-12), as
 * seen on day `today`: the year of that month's occurrence nearest today
 * (the coming one when the two are six months away), so that granting in
 * late December for January, or in early January for December, keys on
 * the same year as granting in the month itself.  0 for a month out of
 * range.  The ledger grants once per customer and year. */
int crm_loyalty_birthday_year(int month, int64_t today);
/* The grant's year when a birthday bonus is due on day `today` (the
 * program gives one and today is in the birthday month), else 0. */
int crm_loyalty_birthday_due(const struct crm_loyalty_program *p, int month, int64_t today);

#endif
