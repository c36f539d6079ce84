/*
 * history.h - the purchase history of a time window, as compact arrays, for
 * crm-recommend (recommend.h, cooccur.h, replenish.h).  The only module of
 * crm-recommend that reads the database.
 *
 * Contract (crm-recommend(1), "What counts as a purchase"):
 *  - A liked line is a line (order_items) of an order with status 'paid'
 *    and ordered_at in [w->start, w->end) (start NULL: from the first),
 *    whose SKU holds a digit (so not empty, nor Online Retail's POST, DOT,
 *    M, BANK CHARGES, ...), whose unit_price is above 0 and whose quantity
 *    is above 0, in an order whose amount is not negative.  cancelled,
 *    refunded and pending orders never count.
 *  - A return is a line of such a paid order in the window with a
 *    quantity below 0, or any line of one whose amount is negative (Online
 *    Retail's C-invoices), of a product as above.  A customer whose returned
 *    quantity of a SKU is at least what they bought of it in the window
 *    has no liked line of it: all of them are dropped, and the product is
 *    listed as returned by that customer (rstart, rprod), so that it is
 *    never recommended back.  A guest's return is no one's: it drops
 *    nothing.
 *  - Buyers: the customers with a liked line, sorted by customer_id (byte
 *    order), are 0 .. ncust - 1; then each guest order (customer_id NULL)
 *    with a liked line is a buyer of its own, in the order the database
 *    gives them.  Guests count for similarity, popularity and rules, and
 *    are never listed.
 *  - Products: those with a liked line, sorted by SKU (byte order).  A
 *    product's name and category are those of its most recent liked line
 *    (at the same instant: the greater name); last_sold is the time of its
 *    latest liked line (guests' too); active[i] is 1 when last_sold is
 *    within w->active_days days before w->end.
 *  - Purchases: one per liked line, grouped by buyer (CSR: buyer b's are
 *    p[start[b]] .. p[start[b + 1] - 1]) and sorted by (prod, at, order)
 *    within a buyer.  Orders are numbered 0 .. norder - 1 (those with a
 *    liked line, in the order the database gives them): p[k].order, for
 *    baskets.
 *  - By product (CSR too): the distinct buyers of product i are
 *    pbuyer[pstart[i]] .. pbuyer[pstart[i + 1] - 1], in increasing order.
 *  - One SQL query over orders joined with order_items; SKUs, ids and
 *    names interned through hash tables: no allocation per line.  The
 *    query runs over two halves of the window's time at once: the
 *    earlier from the start at once, the later on a second connection
 *    and thread (db.h's twin), which first finds the time halfway through
 *    what is left to read, where the earlier stops; the halves' lines are
 *    joined as one read would give them.  Inside a read transaction begun
 *    earlier it is one read; when the twin's snapshot may not be db's,
 *    its half is read again on db.  CRM_TEST_SPLIT (tests only) settles
 *    the race between the two (history.c).
 *  - crm_history_load() reports its errors (diag.h (b)) and returns CRM_OK
 *    or an exit code; on failure h is empty.  crm_history_release() frees
 *    what h holds (safe on an empty or zeroed one).
 *
 * Contacts: crm_contacts_load() reads every customer's email, name and
 * marketing_opt_in (customers table) sorted by customer_id, for the rows of
 * the output; crm_contacts_find() looks one up by id (-1: none).
 * crm_history_load_contacts() loads both, the contacts on a second thread
 * while the history's lines are numbered (db is free then); on failure
 * both are empty.
 */
#ifndef CRM_HISTORY_H
#define CRM_HISTORY_H
#include <stdint.h>

struct crm_db;
struct crm_strpool;

/* crm-recommend's exit status for an unknown customer (--customer) or
 * product (--also-bought), above crm(7)'s common ones. */
enum { CRM_HISTORY_EUNKNOWN = 6 };

struct crm_history_window {
	const char *end;          /* canonical UTC time (norm.h), exclusive */
	const char *start;        /* NULL, or the first instant counted */
	int active_days;          /* products sold within these days before end */
};

struct crm_purchase {
	int32_t prod;             /* product index */
	int32_t qty;              /* quantity of the line (> 0) */
	int32_t order;            /* order index */
	int64_t at;               /* ordered_at, seconds since the epoch */
};

struct crm_history {
	int64_t end;              /* the window's end, seconds since the epoch */
	int32_t nprod;
	char **sku, **name, **category;   /* name, category: NULL when none */
	int64_t *last_sold;
	unsigned char *active;
	int32_t nbuyer, ncust;    /* buyers 0..ncust-1 = customers, then guest orders */
	char **customer_id;       /* ncust */
	int64_t *start;           /* nbuyer + 1 */
	struct crm_purchase *p;   /* start[nbuyer] of them */
	int32_t norder;
	int64_t *pstart;          /* nprod + 1 */
	int32_t *pbuyer;          /* pstart[nprod] */
	int64_t *rstart;          /* ncust + 1: the products each customer buyer */
	int32_t *rprod;           /* returned in full (not liked, never offered back) */
	struct crm_strpool *pool_;   /* private: the strings above */
};

int crm_history_load(struct crm_db *db, const struct crm_history_window *w,
		     struct crm_history *h);
void crm_history_release(struct crm_history *h);
/* The contract's spelling of crm_history_release(). */
#define crm_history_free crm_history_release
/* The index of a product by SKU, or -1 (binary search). */
int32_t crm_history_product(const struct crm_history *h, const char *sku);
/* The buyer index of a customer with a liked line, or -1. */
int32_t crm_history_customer(const struct crm_history *h, const char *id);
/* Number of purchases. */
static inline int64_t crm_history_npurchase(const struct crm_history *h)
{
	return h->start ? h->start[h->nbuyer] : 0;
}

/* ---- contacts ---- */
struct crm_contacts {
	int32_t n;
	char **id, **email, **name;       /* email, name: NULL when none */
	unsigned char *opted_in;          /* marketing_opt_in = 1 */
	struct crm_strpool *pool_;        /* private */
};
int crm_contacts_load(struct crm_db *db, struct crm_contacts *c);
int crm_history_load_contacts(struct crm_db *db, const struct crm_history_window *w,
			      struct crm_history *h, struct crm_contacts *c);
void crm_contacts_release(struct crm_contacts *c);
int32_t crm_contacts_find(const struct crm_contacts *c, const char *id);

#endif
