/*
 * historycheck - crm_history_load() read in two halves of time on two
 * connections (lib/history.c) against the same load in one read (tests
 * only).
 *
 *   historycheck DB END [START]   loads the history of [START, END) (END,
 *       START canonical UTC times; no START: from the first order) twice:
 *       as crm-recommend does (two halves, when they can be shown to see
 *       one snapshot), and inside a read transaction begun first (one
 *       read: a second connection could not be shown to share it).  Every
 *       array of the two histories must be equal: products (SKU, name,
 *       category, last sale, activity), buyers and customer ids, purchases
 *       (product, quantity, order, time), buyers by product, returns.
 *       Prints "ok PRODUCTS BUYERS PURCHASES ORDERS", or the first field
 *       that differs, and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "diag.h"
#include "history.h"

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

#define SAME_ARRAY(a, b, n, what) \
	do { \
		if ((n) > 0 && memcmp((a), (b), (size_t)(n) * sizeof *(a))) { \
			printf("differ: %s\n", what); \
			return 0; \
		} \
	} while (0)

static int same_history(const struct crm_history *x, const struct crm_history *y)
{
	int32_t i;
	int64_t k;
	if (x->nprod != y->nprod || x->nbuyer != y->nbuyer || x->ncust != y->ncust ||
	    x->norder != y->norder || x->end != y->end) {
		printf("differ: counts %d/%d products, %d/%d buyers, %d/%d orders\n", x->nprod,
		       y->nprod, x->nbuyer, y->nbuyer, x->norder, y->norder);
		return 0;
	}
	for (i = 0; i < x->nprod; i++)
		if (!same_text(x->sku[i], y->sku[i]) || !same_text(x->name[i], y->name[i]) ||
		    !same_text(x->category[i], y->category[i])) {
			printf("differ: product %d (%s / %s)\n", i, x->sku[i], y->sku[i]);
			return 0;
		}
	for (i = 0; i < x->ncust; i++)
		if (strcmp(x->customer_id[i], y->customer_id[i])) {
			printf("differ: customer %d (%s / %s)\n", i, x->customer_id[i],
			       y->customer_id[i]);
			return 0;
		}
	SAME_ARRAY(x->last_sold, y->last_sold, x->nprod, "last_sold");
	SAME_ARRAY(x->active, y->active, x->nprod, "active");
	SAME_ARRAY(x->start, y->start, x->nbuyer + 1, "start");
	for (k = 0; k < crm_history_npurchase(x); k++)
		if (x->p[k].prod != y->p[k].prod || x->p[k].qty != y->p[k].qty ||
		    x->p[k].order != y->p[k].order || x->p[k].at != y->p[k].at) {
			printf("differ: purchase %lld\n", (long long)k);
			return 0;
		}
	SAME_ARRAY(x->pstart, y->pstart, x->nprod + 1, "pstart");
	SAME_ARRAY(x->pbuyer, y->pbuyer, x->pstart[x->nprod], "pbuyer");
	SAME_ARRAY(x->rstart, y->rstart, x->ncust + 1, "rstart");
	SAME_ARRAY(x->rprod, y->rprod, x->rstart[x->ncust], "rprod");
	return 1;
}

int main(int argc, char **argv)
{
	struct crm_db db;
	struct crm_history halves, one;
	struct crm_history_window w;
	int ok;
	if (argc != 3 && argc != 4) {
		fputs("usage: historycheck DB END [START]\n", stderr);
		return 2;
	}
	w = (struct crm_history_window){argv[2], argc == 4 ? argv[3] : NULL, 90};
	if (crm_db_open(&db, argv[1], CRM_DB_READ) != CRM_OK ||
	    crm_history_load(&db, &w, &halves) != CRM_OK)
		return 2;
	/* a read transaction begun first: the load cannot split */
	if (crm_db_begin(&db) != CRM_OK ||
	    sqlite3_exec(db.h, "SELECT count(*) FROM orders", NULL, NULL, NULL) != SQLITE_OK ||
	    !crm_db_in_read(&db) || crm_history_load(&db, &w, &one) != CRM_OK)
		return 2;
	ok = same_history(&halves, &one);
	if (ok)
		printf("ok %d %d %lld %d\n", halves.nprod, halves.nbuyer,
		       (long long)crm_history_npurchase(&halves), halves.norder);
	crm_history_release(&halves);
	crm_history_release(&one);
	crm_db_close(&db);
	return !ok;
}
