/*
 * replenish.c - products bought again on a cycle (see replenish.h).
 */
#include "i18n.h"
#include "replenish.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

#define FIRST(h, b) ((size_t)(h)->start[(b)])
#define LAST(h, b)  ((size_t)(h)->start[(b) + 1])

/* The local day of each purchase: day[i] for h->p[i]. */
static int64_t *purchase_days(const struct crm_history *h, const struct crm_tz *tz)
{
	size_t np = (size_t)crm_history_npurchase(h);
	int64_t *day = crm_xcalloc(np, sizeof *day);
	crm_tz_pin(tz);
	for (size_t i = 0; i < np; i++)
		day[i] = i && h->p[i].at == h->p[i - 1].at ? day[i - 1] : crm_local_day(tz, h->p[i].at);
	crm_tz_unpin(tz);
	return day;
}

/* The end of the run of purchases of one product starting at i. */
static size_t run_end(const struct crm_history *h, int32_t b, size_t i)
{
	size_t j = i + 1;
	while (j < LAST(h, b) && h->p[j].prod == h->p[i].prod)
		j++;
	return j;
}

/* The intervals between the distinct days of day[i..j) (ascending, as the
 * purchases are by time) into iv; returns how many. */
static size_t run_intervals(const int64_t *day, size_t i, size_t j, int32_t *iv)
{
	size_t k = 0;
	int64_t prev = day[i];
	for (size_t x = i + 1; x < j; x++)
		if (day[x] > prev) {
			int64_t d = day[x] - prev;
			iv[k++] = d > INT32_MAX ? INT32_MAX : (int32_t)d;
			prev = day[x];
		}
	return k;
}

static int int32_cmp(const void *x, const void *y)
{
	int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
	return (a > b) - (a < b);
}

/* The median of v[0..n) (n > 0; sorted here), halves rounded up. */
static int32_t median(int32_t *v, size_t n)
{
	qsort(v, n, sizeof *v, int32_cmp);
	if (n % 2)
		return v[n / 2];
	return (int32_t)(((int64_t)v[n / 2 - 1] + v[n / 2] + 1) / 2);
}

static int32_t *cycles_from(const struct crm_history *h, const int64_t *day)
{
	size_t np = (size_t)crm_history_npurchase(h);
	int64_t *ix = crm_xcalloc((size_t)h->nprod + 1, sizeof *ix);
	int32_t *repeat = crm_xcalloc((size_t)h->nprod, sizeof *repeat);
	int32_t *iv = crm_xcalloc(np, sizeof *iv);
	int32_t *cycle = crm_xcalloc((size_t)h->nprod, sizeof *cycle);

	/* Count, then place each product's intervals together. */
	for (int pass = 0; pass < 2; pass++) {
		for (int32_t b = 0; b < h->nbuyer; b++)
			for (size_t i = FIRST(h, b), j; i < LAST(h, b); i = j) {
				j = run_end(h, b, i);
				int32_t x = h->p[i].prod;
				size_t k = run_intervals(day, i, j, iv + (pass ? ix[x] : 0));
				if (pass)
					ix[x] += (int64_t)k;
				else {
					ix[x + 1] += (int64_t)k;
					repeat[x] += k > 0;
				}
			}
		if (!pass)
			for (int32_t x = 0; x < h->nprod; x++)
				ix[x + 1] += ix[x];
	}
	/* ix[x] is now the end of x's intervals, and ix[x - 1] its start. */
	for (int32_t x = 0; x < h->nprod; x++) {
		int64_t from = x ? ix[x - 1] : 0;
		if (repeat[x] >= CRM_CYCLE_BUYERS)
			cycle[x] = median(iv + from, (size_t)(ix[x] - from));
	}
	free(iv);
	free(repeat);
	free(ix);
	return cycle;
}

int32_t *crm_replenish_cycles(const struct crm_history *h, const struct crm_tz *tz)
{
	int64_t *day = purchase_days(h, tz);
	int32_t *cycle = cycles_from(h, day);
	free(day);
	return cycle;
}

static int due_cmp(const void *x, const void *y)
{
	const struct crm_due *a = x, *b = y;
	if (a->cust != b->cust)
		return a->cust < b->cust ? -1 : 1;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	return (a->prod > b->prod) - (a->prod < b->prod);
}

struct due_list {
	struct crm_due *v;
	size_t n, cap;
};

/* Customer b's run of product x, day[i..j): added when due and not lapsed. */
static void due_run(const struct crm_replenish_opts *o, int32_t b, int32_t x, int32_t cycle,
		    const int64_t *day, size_t i, size_t j, int32_t *iv, struct due_list *dl)
{
	size_t k = run_intervals(day, i, j, iv);
	int own = k >= 2;
	int32_t interval = own ? median(iv, k) : cycle;
	int64_t last = day[j - 1], due = last + interval;
	if (due > o->as_of + o->within || o->as_of >= last + (int64_t)CRM_LAPSE_CYCLES * interval)
		return;
	if (dl->n == dl->cap) {
		dl->cap = dl->cap ? 2 * dl->cap : 64;
		dl->v = crm_xrealloc(dl->v, dl->cap * sizeof *dl->v);
	}
	dl->v[dl->n++] = (struct crm_due){ b, x, last, interval, own, due };
}

void crm_replenish(const struct crm_history *h, const struct crm_replenish_opts *o,
		   struct crm_due **out, size_t *n)
{
	int64_t *day = purchase_days(h, o->tz);
	int32_t *cycle = cycles_from(h, day);
	size_t most = 0;
	for (int32_t b = 0; b < h->ncust; b++)
		if (LAST(h, b) - FIRST(h, b) > most)
			most = LAST(h, b) - FIRST(h, b);
	int32_t *iv = crm_xcalloc(most, sizeof *iv);
	struct due_list dl = { 0 };

	for (int32_t b = 0; b < h->ncust; b++) {
		if (o->want && !o->want[b])
			continue;
		for (size_t i = FIRST(h, b), j; i < LAST(h, b); i = j) {
			j = run_end(h, b, i);
			int32_t x = h->p[i].prod;
			if (cycle[x] && (!o->eligible || o->eligible[x]))
				due_run(o, b, x, cycle[x], day, i, j, iv, &dl);
		}
	}
	if (dl.n > 1)
		qsort(dl.v, dl.n, sizeof *dl.v, due_cmp);
	*out = dl.v;
	*n = dl.n;
	free(iv);
	free(cycle);
	free(day);
}

int crm_replenish_want(const struct crm_history *h, const struct crm_contacts *c,
		       const char *const *ids, int nids, int opted_in, unsigned char *want)
{
	char q[80];
	memset(want, nids ? 0 : 1, (size_t)h->ncust + 1);
	for (int i = 0; i < nids; i++) {
		int32_t b = crm_history_customer(h, ids[i]);
		if (b < 0 && crm_contacts_find(c, ids[i]) < 0) {
			crm_error(_("unknown customer %s"), crm_quote(ids[i], q, sizeof q));
			return CRM_HISTORY_EUNKNOWN;
		}
		if (b >= 0)
			want[b] = 1;
	}
	for (int32_t b = 0; opted_in && b < h->ncust; b++) {
		int32_t k = crm_contacts_find(c, h->customer_id[b]);
		want[b] &= k >= 0 && c->opted_in[k];
	}
	return CRM_OK;
}

/* ---- output --------------------------------------------------------------- */

void crm_replenish_write(FILE *fp, enum crm_format f, char delim, const struct crm_history *h,
			 const struct crm_contacts *c, const struct crm_due *v, size_t n,
			 int64_t as_of)
{
	static const struct crm_table_col cols[] = {
		{N_("customer_id"), CRM_T_TEXT}, {N_("email"), CRM_T_TEXT},
		{N_("name"), CRM_T_TEXT},
		{N_("sku"), CRM_T_TEXT}, {N_("product"), CRM_T_TEXT},
		{N_("last_bought"), CRM_T_PLAIN},
		{N_("interval_days"), CRM_T_NUM}, {N_("interval_from"), CRM_T_PLAIN},
		{N_("due"), CRM_T_PLAIN},
		{N_("overdue_days"), CRM_T_NUM},
	};
	struct crm_table *t = crm_table_begin(fp, f, delim, cols, 10);
	for (size_t i = 0; i < n; i++) {
		const char *id = h->customer_id[v[i].cust];
		int32_t k = crm_contacts_find(c, id);
		crm_table_cell(t, id);
		crm_table_cell(t, k < 0 ? NULL : c->email[k]);
		crm_table_cell(t, k < 0 ? NULL : c->name[k]);
		crm_table_cell(t, h->sku[v[i].prod]);
		crm_table_cell(t, h->name[v[i].prod]);
		crm_table_day(t, v[i].last);
		crm_table_int(t, v[i].interval);
		crm_table_cell(t, v[i].own ? "own" : "product");
		crm_table_day(t, v[i].due);
		crm_table_int(t, as_of - v[i].due);
	}
	crm_table_finish(t);
	crm_table_free(t);
}
