/*
 * recocheck - crm_reco_top() (lib/recommend.c, which walks the similarity
 * rows best first and stops early) against cosine scores computed here the
 * plain way, from the buyers of each product (tests only).
 *
 *   recocheck DB END TOP   the history of DB up to END (a canonical UTC
 *       time, exclusive; active products: the last 90 days), method
 *       cosine: for every customer buyer, each active product they have
 *       neither bought nor returned scores the sum over their products i of
 *       |B(i) & B(j)| / sqrt(|B(i)| |B(j)|); the TOP best (scores equal to
 *       9 decimals in SKU order) must be crm_reco_top()'s, rank for rank,
 *       scores within 1e-9 (a rank may hold another product only where the
 *       two scores tie).  Prints "ok CUSTOMERS", or the first customer that
 *       differs with both lists, and exits 1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "diag.h"
#include "history.h"
#include "recommend.h"

struct scored {
	int32_t prod;
	double score;
};

static long long key(double s)
{
	return (long long)(s * 1e9 + 0.5);
}

static int best_first(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	if (key(x->score) != key(y->score))
		return key(x->score) < key(y->score) ? 1 : -1;
	return (x->prod > y->prod) - (x->prod < y->prod);
}

/* |B(i) & B(j)|: both buyer lists are in increasing order. */
static int64_t common(const struct crm_history *h, int32_t i, int32_t j)
{
	int64_t a = h->pstart[i], b = h->pstart[j], n = 0;
	while (a < h->pstart[i + 1] && b < h->pstart[j + 1]) {
		if (h->pbuyer[a] == h->pbuyer[b]) {
			n++;
			a++;
			b++;
		} else if (h->pbuyer[a] < h->pbuyer[b]) {
			a++;
		} else {
			b++;
		}
	}
	return n;
}

/* Customer c's scores of every product they may be offered, best first;
 * how many score above 0. */
static int32_t plain_scores(const struct crm_history *h, int32_t c, unsigned char *mine,
			    struct scored *out)
{
	int64_t q;
	int32_t j, n = 0;
	memset(mine, 0, (size_t)h->nprod);
	for (q = h->start[c]; q < h->start[c + 1]; q++)
		mine[h->p[q].prod] = 1;
	for (q = h->rstart[c]; q < h->rstart[c + 1]; q++)
		mine[h->rprod[q]] = 2;
	for (j = 0; j < h->nprod; j++) {
		double s = 0;
		int32_t i;
		if (mine[j] || !h->active[j])
			continue;
		for (i = 0; i < h->nprod; i++)
			if (mine[i] == 1)
				s += (double)common(h, i, j) /
					sqrt((double)(h->pstart[i + 1] - h->pstart[i]) *
					     (double)(h->pstart[j + 1] - h->pstart[j]));
		if (s > 0)
			out[n++] = (struct scored){j, s};
	}
	qsort(out, (size_t)n, sizeof *out, best_first);
	return n;
}

static int same(const struct scored *want, int32_t nw, const struct crm_reco_item *got, int ng,
		int top)
{
	int k;
	if (ng != (nw < top ? nw : top))
		return 0;
	for (k = 0; k < ng; k++)
		if (fabs(want[k].score - got[k].score) > 1e-9 ||
		    (want[k].prod != got[k].prod && key(want[k].score) != key(got[k].score)))
			return 0;
	return 1;
}

static void show(const struct crm_history *h, int32_t c, const struct scored *want, int32_t nw,
		 const struct crm_reco_item *got, int ng, int top)
{
	int k;
	printf("customer %s:\n", h->customer_id[c]);
	for (k = 0; k < top && (k < nw || k < ng); k++)
		printf("  %2d  %-12s %.12f    %-12s %.12f\n", k + 1,
		       k < nw ? h->sku[want[k].prod] : "-", k < nw ? want[k].score : 0,
		       k < ng ? h->sku[got[k].prod] : "-", k < ng ? got[k].score : 0);
}

int main(int argc, char **argv)
{
	struct crm_db db;
	struct crm_history h;
	struct crm_history_window w;
	struct crm_reco_model *m;
	struct crm_reco_item *got;
	struct scored *want;
	unsigned char *mine;
	int top, ng, bad = 0;
	int32_t c, nw;
	if (argc != 4) {
		fputs("usage: recocheck DB END TOP\n", stderr);
		return 2;
	}
	top = atoi(argv[3]);
	w = (struct crm_history_window){argv[2], NULL, 90};
	if (top < 1 || crm_db_open(&db, argv[1], CRM_DB_READ) != CRM_OK ||
	    crm_history_load(&db, &w, &h) != CRM_OK)
		return 2;
	m = crm_reco_model_new(&h, crm_reco_method_find("cosine"), NULL);
	got = crm_xmalloc((size_t)top * sizeof *got);
	want = crm_xmalloc(((size_t)h.nprod + 1) * sizeof *want);
	mine = crm_xmalloc((size_t)h.nprod + 1);
	for (c = 0; c < h.ncust && !bad; c++) {
		nw = plain_scores(&h, c, mine, want);
		ng = crm_reco_top(m, c, top, got);
		if (nw == 0)
			continue;   /* the popular products: not this check's */
		if (!same(want, nw, got, ng, top)) {
			show(&h, c, want, nw, got, ng, top);
			bad = 1;
		}
	}
	if (!bad)
		printf("ok %d\n", (int)h.ncust);
	free(got);
	free(want);
	free(mine);
	crm_reco_model_free(m);
	crm_history_release(&h);
	crm_db_close(&db);
	return bad;
}
