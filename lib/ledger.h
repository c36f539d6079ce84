/*
 * ledger.h - the loyalty ledger (crm-loyalty): the append-only
 * loyalty_entries table whose credits are lots and whose debits draw on
 * them; a customer's figures as of a day; redeem, adjust and check.
 *
 * Contract: the ledger (crm(7), loyalty_entries).
 *  - A credit (earn, bonus, adjust > 0) is a lot: lot NULL, points > 0,
 *    usable from available_at, expired from expires_at (NULL: never).  A
 *    debit (redeem, expire, reverse, adjust < 0) has points < 0 and lot =
 *    the entry_id of the credit it draws on, one entry per lot.  A release
 *    names its lot and moves nothing.  No row is ever updated or deleted.
 *  - A lot's remainder is its points plus the points of every debit that
 *    names it (releases excluded); it is never negative.
 *  - Every time is canonical UTC text (norm.h, CRM_TIME_LEN), compared as
 *    text.  "As of DATE" means: with D1 the first instant of the day after
 *    DATE in --tz, an instant T has happened iff T < D1
 *    (crm_ledger_day_end() gives D1).
 *
 * Contract: drawing (crm_ledger_draw).
 *  - Takes up to N points from a customer's lots available at the instant
 *    `at` (available_at <= at, expires_at NULL or > at, remainder > 0),
 *    oldest first: by expires_at, the lots that never expire last, then
 *    by entry_id; one debit entry per lot drawn on, of the caller's kind,
 *    at, order_id and reason, run_id NULL unless the caller's is given.
 *    A remainder counts every debit of the lot whatever its time, so no
 *    draw ever makes one negative.
 *  - It runs inside the caller's transaction (a write: BEGIN IMMEDIATE, so
 *    that what it reads stays true) and takes what there is: *taken may
 *    be less than N, and the caller decides what a shortfall means (redeem
 *    rolls back; a reversal records it).
 *
 * Contract: the figures (crm_ledger_figures, CRM_LEDGER_FIGURES_SQL): the
 * ONE definition of a customer's sums, as of D1 (only entries with at < D1):
 *    earned = sum of earn points, bonus = sum of bonus points, adjusted =
 *    sum of adjust points (signed), redeemed = -sum redeem, reversed =
 *    -sum reverse, shortfall = sum of reverse entries' shortfall;
 *    a lot's remainder as of D1 counts the debits with at < D1; a lot is
 *    expired when expires_at < D1, pending when not expired and
 *    available_at >= D1, else available; expired = the remainders of the
 *    expired lots + -sum expire; available and pending: the remainders.
 *    next_expiry_at: the earliest expires_at >= D1 of a lot with points
 *    left (available or pending), next_expiry_points: the remainders of
 *    the lots expiring then ("" and 0 when none).
 *  - The balance equation, which check verifies:
 *    earned + bonus + adjusted = available + pending + redeemed + expired + reversed.
 *
 * Errors: every function reports its own database failures (db.h) and
 * returns CRM_OK or the exit code.
 */
#ifndef CRM_LEDGER_H
#define CRM_LEDGER_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "norm.h"

/* ---- drawing -------------------------------------------------------------------- */

/* What a draw writes on each debit entry (NULL or "": SQL NULL). */
struct crm_ledger_debit {
	const char *customer_id;
	const char *kind;        /* "redeem", "expire", "reverse" or "adjust" */
	const char *at;          /* canonical UTC: the debit's time, and the instant of availability */
	const char *order_id;
	const char *reason;
	int64_t run_id;          /* 0: NULL */
};

/*
 * Draw up to `points` (> 0) from d->customer_id's lots available at d->at,
 * FIFO as above; *taken: the points drawn (0..points).  Inside the
 * caller's transaction.  CRM_OK or an exit code (reported).
 */
int crm_ledger_draw(struct crm_db *db, const struct crm_ledger_debit *d, int64_t points,
		    int64_t *taken);

/* ---- days and stamps ------------------------------------------------------------- */

/* D1 for DATE = day (a local day of tz): the first instant of day + 1,
 * canonical UTC.  CRM_OK, or -1 with *why (a midnight tz skips). */
int crm_ledger_day_end(const struct crm_tz *tz, int64_t day, char d1[CRM_TIME_LEN],
		       const char **why);
/* The `at` of an entry a verb writes on DATE = day without an order
 * (redeem, adjust, bonus): `clock` (the real time, canonical) when day is
 * its local day in tz, else the last second of day (D1 - 1 s).  CRM_OK,
 * or -1 with *why. */
int crm_ledger_stamp(const struct crm_tz *tz, int64_t day, const char clock[CRM_TIME_LEN],
		     char at[CRM_TIME_LEN], const char **why);

/* ---- the figures ------------------------------------------------------------------ */

struct crm_ledger_figures {
	int64_t earned, bonus, adjusted;
	int64_t available, pending, redeemed, expired, reversed;
	int64_t shortfall;
	char next_expiry_at[CRM_TIME_LEN];  /* the first instant those points have expired; "" none */
	int64_t next_expiry_day;            /* its local day in tz (the first day without them);
					     * CRM_LOYALTY_NEVER (INT64_MAX) when none */
	int64_t next_expiry_points;
};

/* A lot in SQL: a credit entry of table alias L ("l"), and what is left of
 * it: its points less the debits of its own customer drawn on it that the
 * SQL condition DEBITS on their alias d keeps ("d.at < :d1" as of an
 * instant, "1" all of them, for a write).  The one definition the figures
 * below, the draw, expiry and every list of lots use. */
#define CRM_LEDGER_IS_LOT(L) L ".lot IS NULL AND " L ".points > 0 AND " L ".kind IN " \
	"('earn', 'bonus', 'adjust')"
#define CRM_LEDGER_LOT_LEFT(L, DEBITS) "(" L ".points + coalesce((SELECT sum(d.points) " \
	"FROM loyalty_entries d WHERE d.lot = " L ".entry_id AND d.customer_id = " L \
	".customer_id AND d.kind <> 'release' AND (" DEBITS ")), 0))"

/*
 * The figures set-wise, the one SQL text of the sums above: a SELECT of
 * CRM_LEDGER_FIGURES_COLS columns, one row per customer with an entry
 * at < :d1 among those WHO selects, in no particular order.  WHO is a
 * constant SQL condition on a loyalty_entries row (its columns unqualified:
 * "1" for everyone, "customer_id = :customer" for one, "customer_id IN
 * (SELECT ...)").  Parameters: :d1 (D1, canonical UTC) and WHO's own.
 * Wrap it as a subquery to join customers or order it.  The columns:
 *   customer_id, earned, bonus, adjusted, available, pending, redeemed,
 *   expired, reversed, shortfall, next_expiry_at (text, "" none),
 *   next_expiry_points
 * crm_ledger_figures_row() reads them into the struct.
 */
#define CRM_LEDGER_FIGURES_COLS 12
#define CRM_LEDGER_FIGURES_SQL(WHO) \
	"WITH lots AS (SELECT customer_id, coalesce(available_at, at) AS avail, " \
	"expires_at AS exp, " CRM_LEDGER_LOT_LEFT("loyalty_entries", "d.at < :d1") " AS rem " \
	"FROM loyalty_entries WHERE " CRM_LEDGER_IS_LOT("loyalty_entries") " AND at < :d1 " \
	"AND (" WHO ")), " \
	"kinds AS (SELECT customer_id, " \
	"sum(CASE WHEN kind = 'earn' THEN points ELSE 0 END) AS earned, " \
	"sum(CASE WHEN kind = 'bonus' THEN points ELSE 0 END) AS bonus, " \
	"sum(CASE WHEN kind = 'adjust' THEN points ELSE 0 END) AS adjusted, " \
	"-sum(CASE WHEN kind = 'redeem' THEN points ELSE 0 END) AS redeemed, " \
	"-sum(CASE WHEN kind = 'expire' THEN points ELSE 0 END) AS expire_entries, " \
	"-sum(CASE WHEN kind = 'reverse' THEN points ELSE 0 END) AS reversed, " \
	"sum(CASE WHEN kind = 'reverse' THEN shortfall ELSE 0 END) AS shortfall " \
	"FROM loyalty_entries WHERE at < :d1 AND (" WHO ") GROUP BY customer_id), " \
	"held AS (SELECT customer_id, " \
	"sum(CASE WHEN exp < :d1 THEN rem ELSE 0 END) AS lapsed, " \
	"sum(CASE WHEN (exp IS NULL OR exp >= :d1) AND avail < :d1 THEN rem ELSE 0 END) AS available, " \
	"sum(CASE WHEN (exp IS NULL OR exp >= :d1) AND avail >= :d1 THEN rem ELSE 0 END) AS pending, " \
	"min(CASE WHEN exp >= :d1 AND rem > 0 THEN exp END) AS next_at " \
	"FROM lots GROUP BY customer_id), " \
	"nxt AS (SELECT l.customer_id, sum(l.rem) AS next_points FROM lots l JOIN held h " \
	"ON h.customer_id = l.customer_id AND l.exp = h.next_at AND l.rem > 0 GROUP BY l.customer_id) " \
	"SELECT k.customer_id, k.earned, k.bonus, k.adjusted, coalesce(h.available, 0), " \
	"coalesce(h.pending, 0), k.redeemed, k.expire_entries + coalesce(h.lapsed, 0), " \
	"k.reversed, k.shortfall, coalesce(h.next_at, ''), coalesce(n.next_points, 0) " \
	"FROM kinds k LEFT JOIN held h ON h.customer_id = k.customer_id " \
	"LEFT JOIN nxt n ON n.customer_id = k.customer_id"

/* Read the CRM_LEDGER_FIGURES_COLS columns of the current row of st,
 * from column `col` on (customer_id's), into *f; next_expiry_day in tz. */
void crm_ledger_figures_row(sqlite3_stmt *st, int col, const struct crm_tz *tz,
			    struct crm_ledger_figures *f);

/*
 * One customer's figures as of d1 (D1), in tz for next_expiry_day: *f,
 * with *found 1, or all zero ("" and CRM_LOYALTY_NEVER for the next
 * expiry) with *found 0 when the customer has no entry before d1.  Runs
 * in the caller's transaction if one is open.  CRM_OK or an exit code.
 */
int crm_ledger_figures(struct crm_db *db, const struct crm_tz *tz, const char *d1,
		       const char *customer_id, struct crm_ledger_figures *f, int *found);

/*
 * Every customer's figures as of d1, one at a time, by customer_id:
 *   struct crm_ledger_iter *it = crm_ledger_figures_open(db, d1);
 *   while ((rc = crm_ledger_figures_next(it, tz, &id, &f)) == 1) ...;
 *   crm_ledger_figures_close(it);
 * open gives NULL after reporting a failure (crm_db_last_status() tells
 * its code); next gives 1 with a row (id valid until the next call), 0 at
 * the end, or an exit code < 0 negated (-CRM_EIO, -CRM_EBUSY), reported.
 */
struct crm_ledger_iter;
struct crm_ledger_iter *crm_ledger_figures_open(struct crm_db *db, const char *d1);
int crm_ledger_figures_next(struct crm_ledger_iter *it, const struct crm_tz *tz,
			    const char **customer_id, struct crm_ledger_figures *f);
void crm_ledger_figures_close(struct crm_ledger_iter *it);

/* ---- redeem and adjust ------------------------------------------------------------ */

/* crm-loyalty's exit statuses beyond crm_exit's (crm(7)). */
enum {
	CRM_LEDGER_ESHORT = 5,   /* insufficient points */
	CRM_LEDGER_EUNKNOWN = 6, /* unknown customer */
};

/* A redemption or an adjustment. */
struct crm_ledger_move {
	const char *customer_id; /* in customers */
	int64_t points;          /* redeem: > 0; adjust: +N a new lot, -N drawn */
	const char *at;          /* its stamp (crm_ledger_stamp) */
	const char *order_id;    /* redeem --order, or NULL */
	const char *reason;      /* redeem --reason (or NULL), adjust --reason */
};

/*
 * Redeem m->points in one BEGIN IMMEDIATE ... COMMIT: drawn FIFO from the
 * lots available at m->at, all or nothing.  CRM_OK; CRM_LEDGER_ESHORT
 * with *available, the points the customer could spend (nothing written);
 * CRM_LEDGER_EUNKNOWN (the customer is not in customers); or an exit code
 * (reported).  Nothing is printed for the first three.
 */
int crm_ledger_redeem(struct crm_db *db, const struct crm_ledger_move *m, int64_t *available);

/*
 * Adjust by m->points (!= 0) in one BEGIN IMMEDIATE ... COMMIT.  +N: a new
 * lot at m->at, available at once, expiring per the program in force at
 * m->at (the last version of loyalty_programs effective at or before it;
 * none: never) counted from its local day in tz; its expires_at in
 * expires_at ("" never).  -N: drawn FIFO like a redemption, all or
 * nothing.  Returns as crm_ledger_redeem(); a stored program that does not
 * parse is reported, CRM_EDATA.
 */
int crm_ledger_adjust(struct crm_db *db, const struct crm_tz *tz, const struct crm_ledger_move *m,
		      int64_t *available, char expires_at[CRM_TIME_LEN]);

/* ---- check ------------------------------------------------------------------------ */

struct crm_ledger_check {
	long long customers;     /* with an entry before D1 */
	long long entries;       /* before D1 */
	long long violations;
};

/*
 * Check every invariant of the ledger as of d1 (entry times: all entries):
 * the balance equation of each customer; no lot's remainder negative; the
 * shape of each kind's entries; every debit and release on a credit of its
 * own customer; no debit before its lot's available_at (but a reverse on
 * its own order's lot) or at or after its expires_at (but an expire);
 * expire entries exactly at their lot's expires_at; one bonus per reason;
 * one release per lot, with its lot's points at its available_at; every
 * time canonical.  Each violation is a line on out, escaped:
 *   customer ID, entry N: RULE: DETAIL     ("entry -" for the equation)
 * in the order of the rules, then of customer and entry.  *c counts.
 * CRM_OK (whatever was found) or an exit code (reported).
 */
int crm_ledger_check(struct crm_db *db, const struct crm_tz *tz, const char *d1, FILE *out,
		     struct crm_ledger_check *c);

#endif
