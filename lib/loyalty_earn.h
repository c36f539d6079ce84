/*
 * loyalty_earn.h - crm-loyalty's earn and expire: the writers of the
 * ledger that act on a day (ledger.h has the ledger's contract,
 * loyalty_store.h the program versions and the runs, loyalty_program.h the
 * program and its arithmetic).
 *
 * Contract: earn (one BEGIN IMMEDIATE transaction, all or nothing).  With
 * D1 the first instant after the --as-of day:
 *  - Every paid order with a customer_id, in the currency of the program
 *    in force at its ordered_at, ordered_at < D1, not yet in the ledger
 *    (no earn or reverse entry names it), whose points
 *    (crm_loyalty_points at the tier held at ordered_at: the to_tier of the
 *    customer's last loyalty_tier_moves row with effective_at <=
 *    ordered_at) are more than 0, gets one earn entry, a lot: at =
 *    ordered_at, basis = the amount, available_at and expires_at as the
 *    program says.  In one INSERT ... SELECT with SQL functions
 *    registered on the connection.  An order that earns 0 gets no entry;
 *    one that earns nothing at any tier (below min_order, or too small
 *    for a point) is passed over by the scan before any lookup in the
 *    ledger, and earns once a change of its amount makes it earn.
 *  - An order in the ledger whose basis (the amount its points rest on:
 *    that of its latest earn or reverse entry with a basis) differs from
 *    what it is now (its amount when paid in the program's currency, else
 *    0: cancelled, refunded) earns the difference
 *    (crm_loyalty_points_change, original program and tier): more as a
 *    new lot (reason 'amount'); less as reverse entries (reason
 *    'cancelled', 'refunded' or 'amount') from the order's own lots first
 *    (pending or not, unless expired), then from the customer's available
 *    points (crm_ledger_draw), the rest recorded as shortfall on a reverse
 *    entry of 0 points without a lot, which also carries the new basis
 *    when no own lot did.
 *  - A paid order with a negative amount (a return) not yet in the ledger
 *    takes back what it earns (negative) the same way from the
 *    customer's available points, reason 'return'.
 *  - Lots that were pending and whose available_at < D1 get their release
 *    entry, once; a customer's first earn gets the signup bonus when the
 *    program then in force gives one (once per customer: reason 'signup').
 *  - Debits and bonuses are stamped with the run's stamp (ledger.h's
 *    rule: the clock's now when the as-of day is today, else D1 - 1 s).
 * Contract: expire: every lot with points left whose expires_at < D1 gets
 * an expire entry of its remainder at expires_at, in one transaction.
 *
 * Errors: every function reports its own failures and returns CRM_OK or
 * the exit code (db.h; CRM_LOYALTY_EBEHIND; CRM_EDATA for no program).
 */
#ifndef CRM_LOYALTY_EARN_H
#define CRM_LOYALTY_EARN_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "loyalty_program.h"
#include "loyalty_store.h"
#include "norm.h"


/* ---- earn and expire ------------------------------------------------------------- */

/* The day a run acts on (see crm-loyalty's time rules). */
struct crm_loyalty_day {
	const struct crm_tz *tz;
	const char *as_of;       /* "YYYY-MM-DD" */
	const char *d1;          /* the first instant after it */
	const char *stamp;       /* `at` of the debits and bonuses it writes */
	const char *now;         /* the clock, for the run's row */
};

struct crm_loyalty_earn_tally {
	long long orders, points;                       /* lots written, their points */
	long long reversed, reversed_points, short_points;   /* orders taken back */
	long long released, bonuses;
};

int crm_loyalty_earn(struct crm_db *db, const struct crm_loyalty_day *d,
		     struct crm_loyalty_earn_tally *t);
int crm_loyalty_expire(struct crm_db *db, const struct crm_loyalty_day *d, long long *lots,
		       long long *points);

#endif
