/*
 * loyalty_query.h - what the loyalty ledger (ledger.h) holds, for people
 * and for pipes: crm-loyalty's balance, expiring, statement and stats, and
 * the figures of crm-report's Loyalty section.  Nothing here writes.
 *
 * Contract: every query is "as of" a day (crm_loyalty_query.as_of): with
 * D1 the first instant of the day after it in the zone tz, only ledger
 * entries with at < D1 count (ledger.h).  A customer's sums are ledger.h's
 * (crm_ledger_figures, CRM_LEDGER_FIGURES_SQL), never summed a second time
 * here.  Days shown are local days in tz; times, local times with their
 * UTC offset ("2026-03-10T14:05:06+09:00").
 *
 *  - balance: one row per customer with a ledger entry before D1 (or the
 *    one --customer), by customer_id: customer_id, email, name, tier (the
 *    tier held, loyalty_tiers), available, pending, earned, bonus,
 *    adjusted, redeemed, expired, reversed, shortfall, next_expiry_date
 *    (the local day the next lot with points left expires, "" when none)
 *    and next_expiry_points.  Only holders of `tier` when it is given,
 *    only customers who opted in to marketing with `opted_in`.  Its CSV
 *    feeds crm-coupon issue (customer_id, email, name).
 *  - expiring: the points that expire within `within` days after the
 *    as-of day: for each customer and each local day E in as_of+1 ..
 *    as_of+within on which lots of theirs with points left (available or
 *    pending as of D1) expire, one row: customer_id, email, name,
 *    expiry_date (E: gone that day, usable through E - 1), points; by
 *    expiry_date, then customer_id.
 *  - statement: one customer's ledger lines before D1, in entry order:
 *    entry_id, at (local), kind, points, lot, order_id, reason, shortfall,
 *    balance (the points held after the line: the sum of every line's
 *    points so far but releases', which move none; pending points and
 *    those of lots past expiry not yet expired by crm-loyalty expire
 *    included).
 *  - stats: the figures of the days from..to (both included, the end no
 *    later than the as-of day), crm_loyalty_stats below, as rows of
 *    figure, tier, value.
 *
 * Errors: every function reports its own failures and returns CRM_OK or
 * the exit code: CRM_LEDGER_EUNKNOWN (ledger.h) for a customer who is neither in
 * customers nor in the ledger before D1 ("no customer 'X'"), or in
 * customers but not in the ledger ("customer 'X' has no ledger entries").
 */
#ifndef CRM_LOYALTY_QUERY_H
#define CRM_LOYALTY_QUERY_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "loyalty_program.h"
#include "loyalty_tier.h"
#include "norm.h"
#include "table.h"

struct crm_loyalty_query {
	const struct crm_tz *tz;     /* the zone of days */
	int64_t as_of;               /* the as-of day (norm.h day number) */
	enum crm_format format;      /* of the output table */
	char delim;                  /* CSV: ',' or '\t' */
	const char *customer;        /* balance (NULL: all), statement */
	const char *tier;            /* balance: holders of this tier only, NULL: all */
	int opted_in;                /* balance, expiring: opted-in customers only */
	int within;                  /* expiring: days after as_of, >= 1 */
	int64_t from, to;            /* stats: days, both included */
};

int crm_loyalty_balance(struct crm_db *db, const struct crm_loyalty_query *q, FILE *out);
int crm_loyalty_expiring(struct crm_db *db, const struct crm_loyalty_query *q, FILE *out);
int crm_loyalty_statement(struct crm_db *db, const struct crm_loyalty_query *q, FILE *out);
int crm_loyalty_stats_write(struct crm_db *db, const struct crm_loyalty_query *q, FILE *out);

/*
 * The figures of a period, for stats and crm-report's Loyalty section.
 * The flows (earned ... shortfall) are the ledger's figures as of the
 * period's last day less those as of the day before its first, summed
 * over every customer: so expired counts the lots whose expiry fell in
 * the period whether or not crm-loyalty expire has run.  liability: the
 * points available or pending at the period's end; liability_money what
 * they are worth at the point_value of the program in force then
 * (has_money 0 when there is no program or it gives no point_value).
 * breakage: expired / (expired + redeemed) of the period, in percent
 * (has_breakage 0 when both are 0).  tiers: the members of each tier at
 * the period's end and the moves of the period (loyalty_tier.h's
 * crm_tier_counts).  crm_loyalty_stats_release() each, whatever the result.
 */
struct crm_loyalty_stats {
	int64_t earned, bonus, adjusted, redeemed, expired, reversed, shortfall;
	int64_t liability;
	int has_program;                       /* a program is in force at the end */
	int has_money;
	int64_t liability_money;               /* minor units of currency */
	char currency[4];                      /* the program's; "" without one */
	int has_breakage;
	double breakage;                       /* percent */
	struct crm_tier_counts tiers;
};

/* 1 in *yes when the database holds a loyalty program (loyalty_programs). */
int crm_loyalty_has_program(struct crm_db *db, int *yes);
/* The figures of n periods (at most CRM_LOYALTY_STATS_MAX), the local days
 * from[i]..to[i] (both included) in tz, into s[0..n-1]: the ledger is read
 * once per distinct instant (a period and the one before share one). */
#define CRM_LOYALTY_STATS_MAX 2
int crm_loyalty_stats(struct crm_db *db, const struct crm_tz *tz, int n, const int64_t *from,
		      const int64_t *to, struct crm_loyalty_stats *s);
void crm_loyalty_stats_release(struct crm_loyalty_stats *s);

#endif
