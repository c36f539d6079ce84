/*
 * activity.h - a shop's customers in each of two periods: how many ordered
 * (active), how many of them ordered for the first time (new), bought
 * again (repeat), and how many it lost; from the customer figures and each
 * customer's order times (stats.h, times.h), without reading the orders.
 *
 * Contract:
 *  - Only counting orders (paid or pending) of the currency count, as
 *    customer_stats keeps them.  A customer is active in a period [from,
 *    to) with an order in it; new when active and their first order lies
 *    at or after from (the others, active - fresh, are returning); repeat
 *    when active and they ordered before from, or more than once in the
 *    period.
 *  - A customer is lost in a period when the last order they made before
 *    the period's end (to) lies in the lost window [lost_from, lost_to):
 *    the period shifted back by the days after which a customer counts as
 *    lost.  Orders at or after the period's end play no part, so that an
 *    old period's figures never move as new orders arrive.
 *  - Bounds are canonical UTC times (CRM_TIME_LEN text, as orders store
 *    them), from <= to and lost_to <= to.  The two periods may overlap.
 *  - Read only, inside the caller's read transaction: the counts agree with
 *    the rest of what it reads.
 *  - crm_activity_count() returns CRM_OK with out[0], out[1], or an exit
 *    code after reporting the database's error (or a times value that is
 *    not crm's, naming the customer).
 *  - *twin, when not NULL, is a second connection to db's file opened before
 *    db's read transaction began (db.h): the customers from the middle id on
 *    are counted on it, on a thread of their own, and again on db when its
 *    snapshot may not be db's.  crm_activity_count() closes it and sets
 *    *twin to NULL, whatever it returns.
 */
#ifndef CRM_ACTIVITY_H
#define CRM_ACTIVITY_H

#include <stdint.h>

#include "db.h"
#include "norm.h"

struct crm_activity_window {
	const char *from, *to;                       /* the period */
	char lost_from[CRM_TIME_LEN], lost_to[CRM_TIME_LEN];
};

struct crm_activity {
	int64_t active, fresh, repeat, lost;        /* fresh: the new customers */
};

int crm_activity_count(struct crm_db *db, struct crm_db_twin **twin, const char *currency,
		       const struct crm_activity_window w[2], struct crm_activity out[2]);

#endif
