/*
 * loyalty_tier.h - crm-loyalty's tiers and birthday bonus (crm-loyalty(1),
 * tiers and birthday): who moves between the program's tiers as of a day,
 * the moves saved, the members of each tier and the moves of a period for
 * stats and the report; the customers born in a month and their bonus.
 *
 * Contract: a day of evaluation DATE is a local day in a zone tz; D1 is the
 * first instant of the day after it.  An instant T has happened as of DATE
 * iff T < D1.  The program in force as of DATE is the latest version whose
 * effective_at < D1.
 *  - crm_tiers_evaluate(): every customer who has a paid order before D1,
 *    or holds a tier (loyalty_tiers), is evaluated in one pass of SQL: over
 *    each window of the program (crm_loyalty_window_first() to DATE), their
 *    spend (the sum of the amounts of their paid orders in the program's
 *    currency, so net of returns, which are paid orders of a negative
 *    amount) and their orders (paid orders of an amount >= 0: a return is
 *    no order); then crm_loyalty_evaluate() with the tier held
 *    (loyalty_tiers.tier; one the program no longer has is taken as none,
 *    and the customer moves from it) and the day they last qualified for
 *    it.  The moves found (up, down, and held: kept by the grace or by
 *    downgrade = never) are listed by customer_id.
 *  - With save, in one BEGIN IMMEDIATE transaction, refused (CRM_LOYALTY_EBEHIND)
 *    when DATE is before the last run's day (crm_loyalty_run_begin()):
 *    a loyalty_runs row (verb 'tiers'); one loyalty_tier_moves row per up
 *    or down move, effective_at the first instant of DATE, from_tier and
 *    to_tier the names (NULL: none); loyalty_tiers for every customer
 *    evaluated: tier, since (the DATE of the last move, 'YYYY-MM-DD') and
 *    last_qualified (DATE when they qualify for the tier they hold or a
 *    higher one, else left as it was).  Saving the same day twice moves
 *    no one the second time.
 *  - crm_tier_counts(): members of each tier at an instant (the to_tier of
 *    each customer's last move with effective_at < end) and the moves with
 *    from <= effective_at < end: the program's tiers in rank order (with 0
 *    rows), then any other tier named by the moves, by name.
 *  - crm_birthday_run(): the customers whose birthday (YYYY-MM-DD or
 *    MM-DD) is in month M, by customer_id, each with whether their bonus
 *    of the grant year (crm_loyalty_birthday_year(M, DATE)) is in the
 *    ledger.  With grant, in one BEGIN IMMEDIATE transaction guarded as
 *    above: a loyalty_runs row (verb 'birthday') and for each of them
 *    without one, a bonus entry: points = the program's birthday, reason
 *    'birthday YYYY', at as the caller gives it (the clock's now when DATE
 *    is today in tz, else the last second of DATE); available at once; expiring per the program
 *    from that day (crm_loyalty_expiry_at); program = its version.  The
 *    unique index (customer_id, reason) of bonus entries makes it once per
 *    customer and year however often it runs (INSERT OR IGNORE).
 *  - crm_loyalty_program_in_force() and crm_loyalty_run_begin() are pieces
 *    every writing verb shares; they are here until lib/loyalty_earn's
 *    (crm_loyalty_versions_load() and crm_loyalty_version_at(); its
 *    crm_loyalty_run_begin(), whose contract this copy keeps) are merged.
 *
 * Errors: convention (b) of diag.h: every function reports on standard
 * error and returns CRM_OK or an exit code (CRM_EDATA: no program stored,
 * or none gives birthday points; CRM_LOYALTY_EBEHIND; CRM_EIO, CRM_EBUSY).
 */
#ifndef CRM_LOYALTY_TIER_H
#define CRM_LOYALTY_TIER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "loyalty_store.h"
#include "loyalty_program.h"
#include "norm.h"
#include "table.h"

/* ---- tiers ------------------------------------------------------------------ */

struct crm_tiers_req {
	const struct crm_tz *tz;
	int64_t day;                 /* DATE, a local day */
	const char *end;             /* D1: the first instant of the day after DATE in tz */
	const char *now;             /* the clock's time (canonical UTC): the run's at */
	int save;
};

/* One customer who moves (or is held). */
struct crm_tier_moved {
	char *customer_id, *email, *name;     /* email, name NULL when unknown */
	char *from, *to;                      /* tier names, NULL: none */
	enum crm_loyalty_change change;       /* UP, DOWN or HELD */
	char why[CRM_LOYALTY_WHY];
};

struct crm_tier_moves {
	struct crm_tier_moved *v;
	size_t n, cap;
	long long evaluated;                  /* customers evaluated */
	long long up, down, held;
	int64_t run_id;                       /* the run saved, 0 without save */
};

/* Evaluate (and with rq->save, save) as the contract says, filling *out
 * (crm_tier_moves_release() it, whatever the result). */
int crm_tiers_evaluate(struct crm_db *db, const struct crm_tiers_req *rq,
		       struct crm_tier_moves *out);
void crm_tier_moves_release(struct crm_tier_moves *m);
/* "up", "down", "held" (or "stay"). */
const char *crm_tier_change_name(enum crm_loyalty_change c);
/* The moves as a table: customer_id, email, name, old, new, change, why. */
void crm_tier_moves_write(const struct crm_tier_moves *m, FILE *fp, enum crm_format f,
			  char delim);

/* ---- members and moves, for stats and the report ------------------------------ */

struct crm_tier_count {
	char name[CRM_LOYALTY_NAME_MAX + 1];
	int rank;                /* index in the program, -1: not in it */
	int64_t members;         /* holding it at `end` */
	int64_t in, out;         /* moves into it, out of it, in [from, end) */
	int64_t up;              /* of `in`, from a lower tier (or none) */
	int64_t down;            /* of `out`, to a lower tier (or none) */
};

struct crm_tier_counts {
	struct crm_tier_count *v;
	size_t n;
	int64_t moves, ups, downs;   /* all moves of the period, and by direction */
};

/*
 * Members of each tier at `end` and moves with from <= effective_at < end
 * (from NULL: since the beginning), ranked by program p (NULL: by name
 * only; then every move between two named tiers counts as neither up nor
 * down but a move to or from none does).  crm_tier_counts_release() *out.
 * Inside the caller's transaction (or none).
 */
int crm_tier_counts(struct crm_db *db, const struct crm_loyalty_program *p, const char *from,
		    const char *end, struct crm_tier_counts *out);
void crm_tier_counts_release(struct crm_tier_counts *c);

/* ---- birthday ----------------------------------------------------------------- */

struct crm_birthday_req {
	const struct crm_tz *tz;
	int64_t day;                 /* DATE */
	const char *end;             /* D1 */
	const char *now;             /* the clock's time: the run's at */
	const char *at;              /* the bonus entries' at: now when DATE is today,
					else D1 - 1 s */
	int month;                   /* 1-12 */
	int grant;
};

struct crm_birthday_sum {
	int year;                    /* the grant year */
	long long customers;         /* born in the month */
	long long granted;           /* bonus entries written now */
	int64_t points;              /* each */
	int64_t run_id;
};

/* List (after the grant, when rq->grant) to fp: customer_id, email, name,
 * birthday, granted (yes/no: the bonus of the grant year is in the
 * ledger). */
int crm_birthday_run(struct crm_db *db, const struct crm_birthday_req *rq, FILE *fp,
		     enum crm_format f, char delim, struct crm_birthday_sum *sum);

#endif
