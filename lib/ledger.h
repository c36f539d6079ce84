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

#endif
