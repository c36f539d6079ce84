/*
 * reco_out.h - crm-recommend's tables (table.h): the recommendations, one
 * row per product, and the evaluation's three rows.  See crm-recommend(1)
 * for the columns.
 *
 * Contract:
 *  - Recommendations: customer_id, email, name, rank (from 1), sku,
 *    product, score (six decimals; a popular product's buyers as a whole
 *    number), reason ("bought SKU NAME", or "popular in the last 4 weeks").
 *  - Evaluation: method, top, customers, hits, hit_rate, precision, recall,
 *    coverage (four decimals), a row for the method, one for "popular" and
 *    one "ratio" (the method's over the baseline's; empty where the
 *    baseline's is 0).
 *  - Writers of output (diag.h): nothing is returned, a write error stays
 *    in the FILE for crm_close_stdout().
 */
#ifndef CRM_RECO_OUT_H
#define CRM_RECO_OUT_H
#include <stdio.h>

#include "history.h"
#include "recommend.h"
#include "table.h"

struct crm_table *crm_reco_out_begin(FILE *fp, enum crm_format f, char delim);
/* Whom crm_reco_out_all() writes for: ids[0..nids) in their order (NULL:
 * every customer buyer of h, in h's order); with opted_in, only those c
 * says opted in.  email and name come from c. */
struct crm_reco_who {
	const struct crm_history *h;
	const struct crm_contacts *c;
	char *const *ids;
	int32_t nids;
	int opted_in;
};
/* The top recommendations of m for each of them, a row per product (email
 * and name empty when c does not know them), then the table's end.
 * Customers are scored a chunk at a time on two threads (crm_reco_batch)
 * while a third writes the chunk before, from cells rendered once
 * (table.h): the rows come out in order, the same bytes as one by one. */
void crm_reco_out_all(struct crm_table *t, struct crm_reco_model *m,
		      const struct crm_reco_who *w, int top);
/* The whole evaluation table. */
void crm_reco_out_evaluation(FILE *fp, enum crm_format f, char delim, const char *method,
			     int top, const struct crm_reco_eval *e);
#endif
