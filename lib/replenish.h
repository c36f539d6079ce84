/*
 * replenish.h - products bought again on a cycle, and the customers due to
 * buy them again (crm-recommend --replenish).
 *
 * Contract:
 *  - Pure functions over a struct crm_history (history.h): no SQL, nothing
 *    printed; crm_replenish_write() turns the result into a table.  Days are local calendar days in the zone given (norm.h,
 *    crm_local_day), counted from 1970-01-01; a buyer's purchases of a
 *    product on one day are one purchase.
 *  - A buyer's intervals for a product: the days between consecutive
 *    distinct days they bought it on.  A product is on a cycle when at
 *    least CRM_CYCLE_BUYERS (3) buyers bought it on 2 or more distinct
 *    days; its interval is the median of all those buyers' intervals
 *    together.
 *  - The median of an even count of intervals is the mean of the two
 *    middle ones, rounded half up to a whole day (28 and 31: 30).
 *  - A customer's interval for a product on a cycle is the median of their
 *    own intervals when they have 2 or more (3 distinct days), else the
 *    product's.  due = the last day they bought it + that interval.  A
 *    (customer, product) is due when due <= as_of + within, and has lapsed
 *    (and is left out) when as_of >= last + 3 x interval.
 *  - Results in customer order (customer_id byte order, the history's
 *    order), then due day, then product (SKU byte order): the same history
 *    gives the same rows.  Only customers are listed, never guest orders.
 */
#ifndef CRM_REPLENISH_H
#define CRM_REPLENISH_H

#include <stddef.h>
#include <stdint.h>

#include "history.h"
#include "norm.h"
#include "table.h"

#define CRM_CYCLE_BUYERS 3
#define CRM_LAPSE_CYCLES 3

/* The interval in days of each product on a cycle, 0 for the others:
 * cycle[nprod] (crm_xcalloc'd: free it). */
int32_t *crm_replenish_cycles(const struct crm_history *h, const struct crm_tz *tz);

struct crm_replenish_opts {
	const struct crm_tz *tz;
	int64_t as_of;                   /* the as-of day */
	int64_t within;                  /* days ahead, >= 0 */
	const unsigned char *eligible;   /* nprod flags: may be listed; NULL all */
	const unsigned char *want;       /* ncust flags: customers to list; NULL all */
};

struct crm_due {
	int32_t cust, prod;
	int64_t last;                    /* the last day cust bought prod */
	int32_t interval;                /* days */
	int own;                         /* 1: the customer's own median */
	int64_t due;                     /* last + interval */
};

/* The (customer, product) pairs due, into *out (free it) and *n. */
void crm_replenish(const struct crm_history *h, const struct crm_replenish_opts *o,
		   struct crm_due **out, size_t *n);

/* The customers to list, want[ncust]: those of ids[0..nids) (each known
 * to the history or to c, else "unknown customer 'ID'" and
 * CRM_HISTORY_EUNKNOWN), or all when nids is 0; with opted_in, only those
 * whose marketing_opt_in is 1.  CRM_OK or that exit code. */
int crm_replenish_want(const struct crm_history *h, const struct crm_contacts *c,
		       const char *const *ids, int nids, int opted_in, unsigned char *want);

/* The output of crm-recommend --replenish (crm-recommend(1)):
 *   customer_id,email,name,sku,product,last_bought,interval_days,
 *   interval_from,due,overdue_days
 * email and name from c (missing when the customer is not there);
 * overdue_days = as_of - due, below 0 while not yet due. */
void crm_replenish_write(FILE *fp, enum crm_format f, char delim, const struct crm_history *h,
			 const struct crm_contacts *c, const struct crm_due *v, size_t n,
			 int64_t as_of);

#endif
