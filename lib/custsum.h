/*
 * custsum.h - the orders of a stream summed per customer in memory: the
 * table behind crm-segment's figures from a CSV (rfm.h), where millions of
 * orders of millions of customers arrive in no useful order.
 *
 * Contract:
 *  - A customer is a key (id, currency): an id of at most CRM_CUSTSUM_KEY_MAX
 *    bytes without a NUL (entity.h's CRM_KEY_MAX: a longer one is refused,
 *    never cut), and a currency of up to 3 bytes ("" for none).
 *  - crm_custsum_add() notes one order: its time (any int64, Unix seconds),
 *    its amount (minor units) and the e-mail and name of the row, each kept
 *    as the customer's when it has none yet (NULL: the row has none).  The
 *    first and last time, the number of orders and their total are kept.
 *    An order that would take the customer's total past 64 bits leaves the
 *    customer as it was and returns CRM_CUSTSUM_OVERFLOW.
 *  - Orders may be summed later than they are added (a batch of keys is
 *    looked up at once, their memory fetched ahead), but never so that the
 *    result shows it: an order that could overflow is summed at once, after
 *    the ones before it, so the return value is always the order's own.
 *  - crm_custsum_sort() ends the adding and puts the customers in id order
 *    (bytewise, a shorter id before the longer one it begins), those of
 *    one id in the order they were first seen; crm_custsum_get() reads the
 *    i-th.  The texts it gives (id, e-mail, name) live until
 *    crm_custsum_free(); crm_custsum_shrink() frees the figures before that.
 *  - Memory grows with the customers (about 56 bytes each, their texts,
 *    and 8 bytes per slot of a table at most half full), not with the orders.
 */
#ifndef CRM_CUSTSUM_H
#define CRM_CUSTSUM_H

#include <stddef.h>
#include <stdint.h>

#define CRM_CUSTSUM_KEY_MAX 255

enum { CRM_CUSTSUM_OVERFLOW = -1, CRM_CUSTSUM_LONG = -2 };

struct crm_custsum;

struct crm_cust {
	const char *id, *email, *name;   /* email, name: NULL when none was seen */
	char currency[4];
	int64_t first, last;             /* Unix seconds */
	int64_t orders, amount;
};

struct crm_custsum *crm_custsum_new(void);
/* 0, CRM_CUSTSUM_OVERFLOW, or CRM_CUSTSUM_LONG for an id too long. */
int crm_custsum_add(struct crm_custsum *s, const char *id, const char *currency, int64_t at,
		    int64_t amount, const char *email, const char *name);
/* The number of customers, now in order. */
size_t crm_custsum_sort(struct crm_custsum *s);
/* The i-th customer in that order (i < the count). */
void crm_custsum_get(const struct crm_custsum *s, size_t i, struct crm_cust *c);
/* Free the figures, keeping the texts that crm_custsum_get() gave. */
void crm_custsum_shrink(struct crm_custsum *s);
/* Free everything; safe with NULL. */
void crm_custsum_free(struct crm_custsum *s);

#endif
