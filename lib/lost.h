/*
 * lost.h - how many customers a shop lost in each of two periods, from the
 * customer figures and each customer's order times (stats.h, times.h).
 *
 * Contract:
 *  - A customer is lost in a period when the last counting order (paid or
 *    pending) of the currency they made before the period's end lies in the
 *    period's window [from, to): the period shifted back by the days after
 *    which a customer counts as lost.  Orders at or after the period's end
 *    play no part, so that an old period's figure never moves as new orders
 *    arrive.
 *  - Bounds are canonical UTC times (CRM_TIME_LEN text, as orders store
 *    them); to <= end for each period.  The two periods may overlap.
 *  - Read only, inside the caller's read transaction: the counts agree with
 *    the rest of what it reads.
 *  - crm_lost_count() returns CRM_OK with n[0], n[1], or an exit code after
 *    reporting the database's error.
 */
#ifndef CRM_LOST_H
#define CRM_LOST_H

#include <stdint.h>

#include "db.h"
#include "norm.h"

struct crm_lost_window {
	char from[CRM_TIME_LEN], to[CRM_TIME_LEN];   /* the window of last orders */
	const char *end;                             /* the period's end */
};

int crm_lost_count(struct crm_db *db, const char *currency,
		   const struct crm_lost_window w[2], int64_t n[2]);

#endif
