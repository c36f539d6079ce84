/*
 * loyalty_earn.h - crm-loyalty's program versions, runs, earn and expire:
 * the writers of the ledger that act on a day (ledger.h has the ledger's
 * contract, loyalty_program.h the program and its arithmetic).
 *
 * Contract: program versions (loyalty_programs).
 *  - Each version keeps the canonical text of a program
 *    (crm_loyalty_program_format) and the instant it took effect; it is in
 *    force from there until the next version's effective_at (by
 *    effective_at, then version).  An instant before the first version's
 *    has no program: nothing earns then.
 *  - crm_loyalty_program_store() stores a program as a new version unless
 *    it equals (crm_loyalty_program_equal) the latest one; a version
 *    effective before the latest one's is refused (the ledger's past stays
 *    explainable by the program that wrote it).
 *
 * Contract: runs (loyalty_runs).
 *  - Every run of earn, expire, tiers --save and birthday --grant writes a
 *    row with its --as-of day, inside its own transaction
 *    (crm_loyalty_run_begin).  A day earlier than the latest as_of of ANY
 *    run is refused with CRM_LOYALTY_EBEHIND: "--as-of DAY is before the
 *    last run's day DAY (VERB); the ledger does not go back".
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
#include "norm.h"

#define CRM_LOYALTY_EBEHIND 7   /* exit status: --as-of before the last run's day */

/* ---- program versions ---------------------------------------------------------- */

struct crm_loyalty_version {
	int64_t version;
	char effective_at[CRM_TIME_LEN];
	struct crm_loyalty_program p;
};

/* Every stored version, by effective_at then version. */
struct crm_loyalty_versions {
	struct crm_loyalty_version *v;
	size_t n;
};

/* Read every version (none: n = 0).  CRM_OK or an exit code; a stored text
 * that no longer parses is CRM_EDATA, reported. */
int crm_loyalty_versions_load(struct crm_db *db, struct crm_loyalty_versions *vs);
void crm_loyalty_versions_free(struct crm_loyalty_versions *vs);
/* The version in force at instant `at` (canonical UTC), or NULL. */
const struct crm_loyalty_version *crm_loyalty_version_at(const struct crm_loyalty_versions *vs,
							 const char *at);
/* The program in force at instants before `end` (the latest version with
 * effective_at < end), read alone: CRM_OK with *p and *version; CRM_EDATA,
 * reported as "VERB: no program is stored; store one with 'crm-loyalty
 * program --program FILE'" (or "no program is in force yet") when there is
 * none, or when its stored text no longer parses. */
int crm_loyalty_program_in_force(struct crm_db *db, const char *verb, const char *end,
				 struct crm_loyalty_program *p, int64_t *version);
/* The version numbered `version`, or NULL. */
const struct crm_loyalty_version *crm_loyalty_version_find(const struct crm_loyalty_versions *vs,
							   int64_t version);

/*
 * Read the program file `path` and store it effective at `effective_at`,
 * loaded at `now`, in its own transaction unless it equals the latest
 * version: *version is the new version, or 0 when nothing was stored.
 * A bad file: its message ("PATH:LINE: column C: ...") and CRM_EUSAGE (or
 * CRM_EIO); effective before the latest version: CRM_EUSAGE, reported.
 */
int crm_loyalty_program_store(struct crm_db *db, const char *path, const char *effective_at,
			      const char *now, int64_t *version);
/* Write the version in force at `at` to fp: "# version N, effective DAY"
 * (DAY local in tz) and its canonical text.  No version: CRM_EDATA,
 * reported. */
int crm_loyalty_program_print(struct crm_db *db, const struct crm_tz *tz, const char *at, FILE *fp);

/* ---- runs ------------------------------------------------------------------------ */

/* Inside the caller's write transaction: refuse an as_of ("YYYY-MM-DD")
 * before the last run's (CRM_LOYALTY_EBEHIND, reported), else record the
 * run of `verb` at `now`: *run_id. */
int crm_loyalty_run_begin(struct crm_db *db, const char *verb, const char *as_of, const char *now,
			  int64_t *run_id);

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
