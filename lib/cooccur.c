/*
 * cooccur.c - products bought together (see cooccur.h).
 */
#include "cooccur.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "i18n.h"

/* The purchases of buyer b: h->p[first(b)] .. h->p[last(b) - 1], sorted by
 * (prod, at); a product's run of purchases is one "bought". */
#define FIRST(h, b) ((size_t)(h)->start[(b)])
#define LAST(h, b)  ((size_t)(h)->start[(b) + 1])

/* The number of distinct buyers of product x. */
static int32_t buyers(const struct crm_history *h, int32_t x)
{
	return (int32_t)(h->pstart[x + 1] - h->pstart[x]);
}

static int also_cmp(const void *x, const void *y)
{
	const struct crm_also *a = x, *b = y;
	if (a->both != b->both)
		return a->both > b->both ? -1 : 1;
	if (a->lift != b->lift)
		return a->lift > b->lift ? -1 : 1;
	return (a->prod > b->prod) - (a->prod < b->prod);
}

int32_t crm_cooccur_also(const struct crm_history *h, int32_t prod, const unsigned char *eligible,
			 size_t top, struct crm_also **out, size_t *n)
{
	int32_t *both = crm_xcalloc((size_t)h->nprod, sizeof *both);
	int32_t na = buyers(h, prod);

	for (int64_t j = h->pstart[prod]; j < h->pstart[prod + 1]; j++) {
		int32_t b = h->pbuyer[j];
		for (size_t i = FIRST(h, b); i < LAST(h, b); i++)
			if ((i == FIRST(h, b) || h->p[i].prod != h->p[i - 1].prod) &&
			    h->p[i].prod != prod)
				both[h->p[i].prod]++;
	}
	size_t k = 0;
	struct crm_also *v = crm_xcalloc((size_t)h->nprod, sizeof *v);
	for (int32_t q = 0; q < h->nprod; q++) {
		if (!both[q] || (eligible && !eligible[q]))
			continue;
		v[k].prod = q;
		v[k].both = both[q];
		v[k].support = (double)both[q] / (double)h->nbuyer;
		v[k].confidence = (double)both[q] / (double)na;
		v[k].lift = (double)both[q] * (double)h->nbuyer / ((double)na * (double)buyers(h, q));
		k++;
	}
	qsort(v, k, sizeof *v, also_cmp);
	*out = v;
	*n = top && k > top ? top : k;
	free(both);
	return na;
}

/* ---- rules ---------------------------------------------------------------- */

/* Baskets as one array of products per basket: bk_prod[bk_start[k]] ..
 * bk_prod[bk_start[k + 1] - 1], distinct and ascending. */
struct baskets {
	int32_t n;
	int64_t *start;          /* n + 1 */
	int32_t *prod;
};

/* Each order's products, from the purchases: a buyer's are by product, so
 * each basket fills in product order, and a product twice in one order
 * (two lines) lands next to itself. */
static void baskets_build(const struct crm_history *h, struct baskets *bk)
{
	size_t np = (size_t)crm_history_npurchase(h);
	int64_t *fill = crm_xcalloc((size_t)h->norder + 1, sizeof *fill);
	int32_t *last = crm_xcalloc((size_t)h->norder + 1, sizeof *last);
	bk->n = h->norder;
	bk->start = crm_xcalloc((size_t)h->norder + 1, sizeof *bk->start);
	bk->prod = crm_xcalloc(np, sizeof *bk->prod);
	for (size_t i = 0; i < np; i++)
		bk->start[h->p[i].order + 1]++;
	for (int32_t k = 0; k < h->norder; k++)
		bk->start[k + 1] += bk->start[k];
	memcpy(fill, bk->start, (size_t)h->norder * sizeof *fill);
	for (size_t i = 0; i < np; i++) {
		int32_t k = h->p[i].order, x = h->p[i].prod;
		if (fill[k] == bk->start[k] || last[k] != x)
			bk->prod[fill[k]++] = last[k] = x;
	}
	/* Close the gaps the duplicates left. */
	int64_t w = 0;
	for (int32_t k = 0; k < h->norder; k++) {
		int64_t from = bk->start[k];
		bk->start[k] = w;
		for (int64_t i = from; i < fill[k]; i++)
			bk->prod[w++] = bk->prod[i];
	}
	bk->start[h->norder] = w;
	free(last);
	free(fill);
}

/* The smallest count whose support (count / orders) reaches min_support,
 * compared as the support is computed; at least min_count. */
static int32_t least_count(double min_support, int32_t min_count, int32_t orders)
{
	if (!(min_support <= 1.0))
		return INT32_MAX;
	int64_t m = min_support > 0 ? (int64_t)(min_support * (double)orders) : 0;
	while (m > 0 && (double)(m - 1) / (double)orders >= min_support)
		m--;
	while (m <= orders && (double)m / (double)orders < min_support)
		m++;
	if (m < min_count)
		m = min_count;
	if (m < 2)
		m = 2;
	return m > INT32_MAX ? INT32_MAX : (int32_t)m;
}

/* Keep in each basket only the products with n[prod] >= least (in place);
 * returns the inverted index: the baskets of product X are
 * inv[ix[X]] .. inv[ix[X + 1] - 1], ascending. */
static int32_t *baskets_prune(struct baskets *bk, const int32_t *n, int32_t least, int32_t nprod,
			      int64_t **ixp)
{
	int64_t w = 0, *ix = crm_xcalloc((size_t)nprod + 1, sizeof *ix);
	for (int32_t k = 0; k < bk->n; k++) {
		int64_t from = bk->start[k], to = bk->start[k + 1];
		bk->start[k] = w;
		for (int64_t i = from; i < to; i++)
			if (n[bk->prod[i]] >= least)
				bk->prod[w++] = bk->prod[i];
	}
	bk->start[bk->n] = w;
	for (int64_t i = 0; i < w; i++)
		ix[bk->prod[i] + 1]++;
	for (int32_t x = 0; x < nprod; x++)
		ix[x + 1] += ix[x];
	int32_t *inv = crm_xcalloc((size_t)w, sizeof *inv);
	int64_t *fill = crm_xcalloc((size_t)nprod, sizeof *fill);
	for (int32_t k = 0; k < bk->n; k++)
		for (int64_t i = bk->start[k]; i < bk->start[k + 1]; i++)
			inv[ix[bk->prod[i]] + fill[bk->prod[i]]++] = k;
	free(fill);
	*ixp = ix;
	return inv;
}

static int rule_cmp(const void *x, const void *y)
{
	const struct crm_rule *a = x, *b = y;
	if (a->lift != b->lift)
		return a->lift > b->lift ? -1 : 1;
	if (a->n_ab != b->n_ab)
		return a->n_ab > b->n_ab ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

struct rule_set {
	const struct crm_rules_opts *o;
	const int32_t *n;        /* baskets per product */
	int32_t orders;
	struct crm_rule *v;
	size_t len, cap;
};

/* Add a -> b when it passes min_confidence and both may be shown; past
 * twice `top` rules, keep the best `top`, so that memory stays small. */
static void rule_add(struct rule_set *rs, int32_t a, int32_t b, int32_t both)
{
	const struct crm_rules_opts *o = rs->o;
	double conf = (double)both / (double)rs->n[a];
	if (conf < o->min_confidence || (o->eligible && (!o->eligible[a] || !o->eligible[b])))
		return;
	if (rs->len == rs->cap) {
		if (o->top && rs->len >= 2 * o->top) {
			qsort(rs->v, rs->len, sizeof *rs->v, rule_cmp);
			rs->len = o->top;
		} else {
			rs->cap = rs->cap ? 2 * rs->cap : 64;
			rs->v = crm_xrealloc(rs->v, rs->cap * sizeof *rs->v);
		}
	}
	struct crm_rule *r = &rs->v[rs->len++];
	r->a = a;
	r->b = b;
	r->n_ab = both;
	r->n_a = rs->n[a];
	r->n_b = rs->n[b];
	r->support = (double)both / (double)rs->orders;
	r->confidence = conf;
	r->lift = (double)both * (double)rs->orders / ((double)r->n_a * (double)r->n_b);
}

/* The pairs (a, b > a) of product a: counted in the scratch row cnt over
 * a's baskets, then cleared. */
static void pairs_of(const struct baskets *bk, const int32_t *inv, const int64_t *ix, int32_t a,
		     int32_t least, int32_t *cnt, int32_t *touched, struct rule_set *rs)
{
	int32_t nt = 0;
	for (int64_t j = ix[a]; j < ix[a + 1]; j++) {
		int32_t k = inv[j];
		for (int64_t i = bk->start[k + 1] - 1; i >= bk->start[k] && bk->prod[i] > a; i--)
			if (cnt[bk->prod[i]]++ == 0)
				touched[nt++] = bk->prod[i];
	}
	for (int32_t t = 0; t < nt; t++) {
		int32_t b = touched[t];
		if (cnt[b] >= least) {
			rule_add(rs, a, b, cnt[b]);
			rule_add(rs, b, a, cnt[b]);
		}
		cnt[b] = 0;
	}
}

void crm_cooccur_rules(const struct crm_history *h, const struct crm_rules_opts *o,
		       struct crm_rule **out, size_t *n, int32_t *norders)
{
	struct baskets bk;
	baskets_build(h, &bk);
	int32_t *cnt = crm_xcalloc((size_t)h->nprod, sizeof *cnt);
	for (int64_t i = 0; i < bk.start[bk.n]; i++)
		cnt[bk.prod[i]]++;
	struct rule_set rs = { .o = o, .n = cnt, .orders = bk.n };
	*norders = bk.n;
	if (bk.n > 0) {
		int32_t least = least_count(o->min_support, o->min_count, bk.n);
		int64_t *ix;
		int32_t *inv = baskets_prune(&bk, cnt, least, h->nprod, &ix);
		int32_t *row = crm_xcalloc((size_t)h->nprod, sizeof *row);
		int32_t *touched = crm_xcalloc((size_t)h->nprod, sizeof *touched);
		for (int32_t a = 0; a < h->nprod; a++)
			if (cnt[a] >= least)
				pairs_of(&bk, inv, ix, a, least, row, touched, &rs);
		free(touched);
		free(row);
		free(inv);
		free(ix);
	}
	if (rs.len > 1)
		qsort(rs.v, rs.len, sizeof *rs.v, rule_cmp);
	*out = rs.v;
	*n = o->top && rs.len > o->top ? o->top : rs.len;
	free(cnt);
	free(bk.prod);
	free(bk.start);
}

/* ---- output --------------------------------------------------------------- */

/* The figures of a row: support, confidence, lift. */
static void figures(struct crm_table *t, double support, double confidence, double lift)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.6f", support);
	crm_table_cell(t, buf);
	snprintf(buf, sizeof buf, "%.4f", confidence);
	crm_table_cell(t, buf);
	snprintf(buf, sizeof buf, "%.4f", lift);
	crm_table_cell(t, buf);
}

static void count(struct crm_table *t, long long n)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", n);
	crm_table_cell(t, buf);
}

void crm_cooccur_write_also(FILE *fp, enum crm_format f, char delim, const struct crm_history *h,
			    const struct crm_also *v, size_t n)
{
	static const struct crm_table_col cols[] = {
		{N_("rank"), CRM_T_NUM}, {N_("sku"), CRM_T_TEXT}, {N_("product"), CRM_T_TEXT},
		{N_("buyers_both"), CRM_T_NUM}, {N_("support"), CRM_T_NUM},
		{N_("confidence"), CRM_T_NUM},
		{N_("lift"), CRM_T_NUM},
	};
	struct crm_table *t = crm_table_begin(fp, f, delim, cols, 7);
	for (size_t i = 0; i < n; i++) {
		count(t, (long long)i + 1);
		crm_table_cell(t, h->sku[v[i].prod]);
		crm_table_cell(t, h->name[v[i].prod]);
		count(t, v[i].both);
		figures(t, v[i].support, v[i].confidence, v[i].lift);
	}
	crm_table_finish(t);
	crm_table_free(t);
}

void crm_cooccur_write_rules(FILE *fp, enum crm_format f, char delim,
			     const struct crm_history *h, const struct crm_rule *v, size_t n)
{
	static const struct crm_table_col cols[] = {
		{N_("rank"), CRM_T_NUM}, {N_("if_sku"), CRM_T_TEXT}, {N_("if_product"), CRM_T_TEXT},
		{N_("then_sku"), CRM_T_TEXT}, {N_("then_product"), CRM_T_TEXT},
		{N_("orders_both"), CRM_T_NUM}, {N_("support"), CRM_T_NUM},
		{N_("confidence"), CRM_T_NUM},
		{N_("lift"), CRM_T_NUM},
	};
	struct crm_table *t = crm_table_begin(fp, f, delim, cols, 9);
	for (size_t i = 0; i < n; i++) {
		count(t, (long long)i + 1);
		crm_table_cell(t, h->sku[v[i].a]);
		crm_table_cell(t, h->name[v[i].a]);
		crm_table_cell(t, h->sku[v[i].b]);
		crm_table_cell(t, h->name[v[i].b]);
		count(t, v[i].n_ab);
		figures(t, v[i].support, v[i].confidence, v[i].lift);
	}
	crm_table_finish(t);
	crm_table_free(t);
}
