/*
 * cooccur.h - products bought together: "bought A, also bought B" for one
 * product, and association rules A -> B over all orders (crm-recommend
 * --also-bought, --rules).
 *
 * Contract:
 *  - Pure functions over a struct crm_history (history.h): no SQL, nothing
 *    printed; the two writers turn their results into a table (table.h).
 *    Memory grows with the purchases and the products, never with products
 *    x products: pairs are counted one product at a time in a scratch row
 *    of nprod counters, and past 2 x top rules only the best top are kept.
 *  - eligible (nprod flags, NULL for all): the products that may appear in a
 *    result (active, not excluded); the others still count as bought.
 *  - Also bought, over buyers (customers and guest orders, history.h): for
 *    product A and every other eligible product B bought by a buyer of A,
 *      both       = buyers who bought A and B (in any orders)
 *      support    = both / nbuyer
 *      confidence = both / buyers(A)
 *      lift       = confidence / (buyers(B) / nbuyer)
 *    sorted by both descending, lift descending, then SKU byte order (the
 *    product index); the first `top` (0: all).
 *  - Rules, over baskets: a basket is one order's liked products (two
 *    lines of one product in an order count once); orders = the orders
 *    with a liked line (h->norder); n(X) = orders holding X.  For each
 *    pair of products, both directions A -> B:
 *      support    = n(A and B) / orders
 *      confidence = n(A and B) / n(A)
 *      lift       = confidence / (n(B) / orders)
 *    kept when support >= min_support, n(A and B) >= min_count (at least
 *    2), confidence >= min_confidence, A and B both eligible; sorted by
 *    lift descending, support descending, A, B; the first `top` (0: all).
 *    Products are pruned by their own support first (a product in fewer
 *    than the minimum count of baskets is in no pair that passes).
 *  - Results are arrays the caller frees with free(); ties are broken by
 *    the product index, which is SKU byte order: the same history gives the
 *    same bytes.
 */
#ifndef CRM_COOCCUR_H
#define CRM_COOCCUR_H

#include <stddef.h>
#include <stdint.h>

#include "history.h"
#include "table.h"

struct crm_also {
	int32_t prod;            /* B */
	int32_t both;            /* buyers of A and B */
	double support, confidence, lift;
};

/* The products bought by the buyers of prod, best first, into *out (free
 * it) and *n; returns the number of buyers of prod (0: none, *n is 0). */
int32_t crm_cooccur_also(const struct crm_history *h, int32_t prod, const unsigned char *eligible,
			 size_t top, struct crm_also **out, size_t *n);

struct crm_rules_opts {
	double min_support;      /* share of orders, 0..1 */
	double min_confidence;   /* 0..1 */
	int32_t min_count;       /* orders holding both, at least 2 */
	const unsigned char *eligible;
	size_t top;              /* 0: all */
};

struct crm_rule {
	int32_t a, b;            /* if a then b */
	int32_t n_ab, n_a, n_b;  /* orders holding both, a, b */
	double support, confidence, lift;
};

/* The association rules, best first, into *out (free it) and *n; the
 * number of orders (baskets) in *norders. */
void crm_cooccur_rules(const struct crm_history *h, const struct crm_rules_opts *o,
		       struct crm_rule **out, size_t *n, int32_t *norders);

/* The output of crm-recommend --also-bought and --rules (crm-recommend(1)):
 *   rank,sku,product,buyers_both,support,confidence,lift
 *   rank,if_sku,if_product,then_sku,then_product,orders_both,support,
 *   confidence,lift
 * support with 6 decimals, confidence and lift with 4. */
void crm_cooccur_write_also(FILE *fp, enum crm_format f, char delim, const struct crm_history *h,
			    const struct crm_also *v, size_t n);
void crm_cooccur_write_rules(FILE *fp, enum crm_format f, char delim,
			     const struct crm_history *h, const struct crm_rule *v, size_t n);

#endif
