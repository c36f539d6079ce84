/*
 * recommend.h - item-to-item recommendations over a purchase history
 * (history.h), and their evaluation against a popularity baseline.  No SQL.
 *
 * Contract (crm-recommend(1), Recommendations and Evaluation):
 *  - The buyer x product matrix X is binary: X[u][i] = 1 when buyer u
 *    (customers and guest orders) has a liked line of product i.  The
 *    default method, cosine, scores
 *        sim(i, j) = |B(i) & B(j)| / sqrt(|B(i)| * |B(j)|)    (i != j)
 *        score(c, j) = sum of sim(i, j) over the products i c bought
 *    with B(i) the buyers of i.  Other methods (crm_reco_methods) weight
 *    the buyers, decay the customer's own old purchases or keep only each
 *    product's nearest neighbours; each is written in the man page.
 *  - Sparse: a product's similarity row is built by walking its buyers'
 *    products into a scratch array with a list of the entries touched; the
 *    rows are kept in CSR arrays, never a dense product x product matrix,
 *    each row most similar first.  A customer's top N is found by
 *    walking their products' rows best first until no product not yet met
 *    can reach it (the threshold algorithm), then summing the candidates'
 *    scores in full: the same products and the same doubles as summing
 *    every row (in the order of the customer's products) would give.
 *  - Never recommended: what the customer bought (liked) in the history,
 *    inactive products, and those the caller excludes.  Ranked by score,
 *    highest first (scores equal to 9 decimal places are equal), ties in
 *    SKU order.  The reason of product j is the bought product i whose
 *    sim(i, j) (as weighted) added most to its score, ties in SKU order.
 *  - Popular: the products with the most distinct buyers (guest orders
 *    too) in the 28 days before the history's end, ties in SKU order; what
 *    a customer with no liked purchase gets, and the evaluation's baseline.
 */
#ifndef CRM_RECOMMEND_H
#define CRM_RECOMMEND_H
#include <stdint.h>

#include "history.h"

#define CRM_RECO_POPULAR_DAYS 28

struct crm_reco_method {
	const char *name;
	int weight;            /* how a buyer's products count: CRM_RECO_W_* */
	int normalize;         /* 1: cosine; 0: plain dot products */
	int idf;               /* 1: each product weighted by log(nbuyer / |B(i)|) */
	int halflife;          /* days; 0: no decay of the customer's purchases */
	int neighbours;        /* keep the K most similar per product; 0: all */
	const char *says;      /* one line for the man page and --help */
};
enum { CRM_RECO_W_BINARY, CRM_RECO_W_IUF, CRM_RECO_W_BM25 };

/* The methods, the default first; NULL-name terminated. */
extern const struct crm_reco_method crm_reco_methods[];
/* The method called name, or NULL. */
const struct crm_reco_method *crm_reco_method_find(const char *name);
/* "cosine, bm25, ..." for messages. */
const char *crm_reco_method_names(void);

struct crm_reco_item {
	int32_t prod;
	int32_t because;       /* the product that added most; -1: popular */
	double score;
};

struct crm_reco_model;
/* The similarities of h's products under method m; skip[i] (NULL: none)
 * marks products never to recommend, beside the inactive ones.  h and skip
 * must outlive the model. */
struct crm_reco_model *crm_reco_model_new(const struct crm_history *h,
					  const struct crm_reco_method *m,
					  const unsigned char *skip);
void crm_reco_model_free(struct crm_reco_model *m);
/* The top recommendations for buyer b (a customer, 0..h->ncust - 1, or -1
 * for someone with no liked purchase) into out[top]; a buyer with no
 * liked purchase gets the popular products.  Returns how many. */
int crm_reco_top(struct crm_reco_model *m, int32_t b, int top, struct crm_reco_item *out);
/* crm_reco_top() of buyers[0..n) into out[i * top ...], count[i] of them,
 * on two threads (each with its own scratch) when n is large enough; the
 * model is read only meanwhile. */
void crm_reco_batch(struct crm_reco_model *m, const int32_t *buyers, int32_t n, int top,
		    struct crm_reco_item *out, int *count);
/* The popular products buyer b (-1: none) has not bought, into out[top]. */
int crm_reco_popular(struct crm_reco_model *m, int32_t b, int top, struct crm_reco_item *out);

/* ---- evaluation ---- */
struct crm_reco_score {
	int64_t hits;          /* recommended products bought in the test */
	int64_t hit_customers; /* tested customers with a hit */
	double recall_sum;     /* of hits / new test products, per customer */
	int32_t covered;       /* distinct products recommended */
};
struct crm_reco_eval {
	int64_t tested;        /* customers tested */
	int32_t active;        /* active products of the training history */
	struct crm_reco_score method, popular;
};
/* Recommend from train to the customers of test (see crm-recommend(1),
 * Evaluation) and count. */
void crm_reco_evaluate(struct crm_reco_model *m, const struct crm_history *train,
		       const struct crm_history *test, int top, struct crm_reco_eval *e);

#endif
