/* recommend.c - item-to-item recommendations, sparse.  See recommend.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "entity.h"
#include "recommend.h"
#include "textfile.h"

const struct crm_reco_method crm_reco_methods[] = {
	{"cosine", CRM_RECO_W_BINARY, 1, 0, 0, 0,
	 "cosine of the binary buyer x product matrix (the default)"},
	{"iuf", CRM_RECO_W_IUF, 1, 0, 0, 0,
	 "cosine with each buyer weighted 1 / log2(2 + products bought)"},
	{"bm25", CRM_RECO_W_BM25, 0, 1, 0, 0,
	 "dot products of BM25-weighted columns (k1 1.2, b 0.75), idf per product"},
	{"recent", CRM_RECO_W_BINARY, 1, 0, 90, 0,
	 "cosine, each bought product weighted by half every 90 days since"},
	{"pruned", CRM_RECO_W_BINARY, 1, 0, 0, 50,
	 "cosine, each product keeping its 50 most similar"},
	{NULL, 0, 0, 0, 0, 0, NULL},
};

const struct crm_reco_method *crm_reco_method_find(const char *name)
{
	const struct crm_reco_method *m;
	for (m = crm_reco_methods; m->name; m++)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

const char *crm_reco_method_names(void)
{
	return "cosine, iuf, bm25, recent or pruned";
}

struct crm_reco_model {
	const struct crm_history *h;
	const struct crm_reco_method *m;
	unsigned char *skip;         /* inactive, or skipped by the caller */
	/* distinct products of each buyer (CSR), the last time bought */
	int64_t *dstart;
	int32_t *dprod;
	int64_t *dlast;
	/* similarity rows (CSR), by increasing column */
	int64_t *rstart, rcap;
	int32_t *rj;
	double *rs;
	/* the popular products, most buyers first, and their buyers */
	int32_t *pop, *popn, npop;
	/* scratch, by product: -1 / 0 between uses */
	double *acc, *best;
	int32_t *because, *touched;
	unsigned char *bought;
	long long *keys;             /* of the recommendations kept */
	int nkeys;
};

/* ---- building ------------------------------------------------------------ */

/* Each buyer's distinct products, and when each was bought last. */
static void distinct_products(struct crm_reco_model *m)
{
	const struct crm_history *h = m->h;
	int64_t n = 0, j;
	int32_t b;
	m->dstart = crm_xcalloc((size_t)h->nbuyer + 1, sizeof *m->dstart);
	m->dprod = crm_xmalloc(((size_t)h->pstart[h->nprod] + 1) * sizeof *m->dprod);
	m->dlast = crm_xmalloc(((size_t)h->pstart[h->nprod] + 1) * sizeof *m->dlast);
	for (b = 0; b < h->nbuyer; b++) {
		m->dstart[b] = n;
		for (j = h->start[b]; j < h->start[b + 1]; j++) {
			if (n == m->dstart[b] || m->dprod[n - 1] != h->p[j].prod)
				m->dprod[n++] = h->p[j].prod;
			m->dlast[n - 1] = h->p[j].at;
		}
	}
	m->dstart[h->nbuyer] = n;
}

/* The weight of buyer b's ones in X, squared: what b adds to a product's
 * norm and to a pair's dot product. */
static double buyer_w2(const struct crm_reco_model *m, int32_t b, double avg)
{
	double d = (double)(m->dstart[b + 1] - m->dstart[b]), w = 1;
	if (m->m->weight == CRM_RECO_W_IUF)
		w = 1 / log2(2 + d);
	else if (m->m->weight == CRM_RECO_W_BM25)
		w = 2.2 / (1.2 * (0.25 + 0.75 * d / avg) + 1);
	return w * w;
}

struct cell {
	int32_t j;
	double s;
};

static int by_column(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	return (x->j > y->j) - (x->j < y->j);
}

static int by_similarity(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? 1 : -1;
	return (x->j > y->j) - (x->j < y->j);
}

/* Append row i's cells (by column; the K most similar when pruning). */
static void append_row(struct crm_reco_model *m, int32_t i, struct cell *c, int32_t n)
{
	int64_t at = m->rstart[i], k;
	if (m->m->neighbours && n > m->m->neighbours) {
		qsort(c, (size_t)n, sizeof *c, by_similarity);
		n = m->m->neighbours;
	}
	qsort(c, (size_t)n, sizeof *c, by_column);
	if (at + n > m->rcap) {
		while (at + n > m->rcap)
			m->rcap = m->rcap ? 2 * m->rcap : 65536;
		m->rj = crm_xrealloc(m->rj, (size_t)m->rcap * sizeof *m->rj);
		m->rs = crm_xrealloc(m->rs, (size_t)m->rcap * sizeof *m->rs);
	}
	for (k = 0; k < n; k++) {
		m->rj[at + k] = c[k].j;
		m->rs[at + k] = c[k].s;
	}
	m->rstart[i + 1] = at + n;
}

/* Row i's dot products with every product its buyers bought, into co
 * (touched columns listed in c[].j); returns how many. */
static int32_t co_row(const struct crm_reco_model *m, int32_t i, const double *w2, double *co,
		      struct cell *c)
{
	const struct crm_history *h = m->h;
	int64_t k, q;
	int32_t n = 0;
	for (k = h->pstart[i]; k < h->pstart[i + 1]; k++) {
		int32_t b = h->pbuyer[k];
		for (q = m->dstart[b]; q < m->dstart[b + 1]; q++) {
			int32_t j = m->dprod[q];
			if (j == i)
				continue;
			if (co[j] == 0)
				c[n++].j = j;
			co[j] += w2[b];
		}
	}
	return n;
}

static void build_rows(struct crm_reco_model *m)
{
	const struct crm_history *h = m->h;
	double *w2 = crm_xmalloc(((size_t)h->nbuyer + 1) * sizeof *w2);
	double *norm = crm_xcalloc((size_t)h->nprod + 1, sizeof *norm);
	double *idf = crm_xmalloc(((size_t)h->nprod + 1) * sizeof *idf);
	double *co = crm_xcalloc((size_t)h->nprod + 1, sizeof *co);
	struct cell *c = crm_xmalloc(((size_t)h->nprod + 1) * sizeof *c);
	double avg = h->nbuyer ? (double)m->dstart[h->nbuyer] / h->nbuyer : 1;
	int32_t b, i, n, k, kept;
	int64_t q;
	for (b = 0; b < h->nbuyer; b++)
		w2[b] = buyer_w2(m, b, avg);
	for (i = 0; i < h->nprod; i++) {
		for (q = h->pstart[i]; q < h->pstart[i + 1]; q++)
			norm[i] += w2[h->pbuyer[q]];
		norm[i] = sqrt(norm[i]);
		idf[i] = m->m->idf ? log((double)h->nbuyer / (double)(h->pstart[i + 1] - h->pstart[i]))
			: 1;
	}
	m->rstart = crm_xcalloc((size_t)h->nprod + 1, sizeof *m->rstart);
	for (i = 0; i < h->nprod; i++) {
		n = co_row(m, i, w2, co, c);
		for (k = 0, kept = 0; k < n; k++) {
			int32_t j = c[k].j;
			/* a product never recommended needs no column */
			if (!m->skip[j]) {
				c[kept].j = j;
				c[kept++].s = co[j] * idf[i] * idf[j] /
					(m->m->normalize ? norm[i] * norm[j] : 1);
			}
			co[j] = 0;
		}
		append_row(m, i, c, kept);
	}
	free(w2);
	free(norm);
	free(idf);
	free(co);
	free(c);
}

static const int32_t *pop_count;
static int by_popularity(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	if (pop_count[x] != pop_count[y])
		return pop_count[x] < pop_count[y] ? 1 : -1;
	return (x > y) - (x < y);
}

/* Distinct buyers of each product in the last CRM_RECO_POPULAR_DAYS. */
static void build_popular(struct crm_reco_model *m)
{
	const struct crm_history *h = m->h;
	int64_t from = h->end - (int64_t)CRM_RECO_POPULAR_DAYS * 86400, q;
	int32_t *count = crm_xcalloc((size_t)h->nprod + 1, sizeof *count), b, i;
	for (b = 0; b < h->nbuyer; b++)
		for (q = m->dstart[b]; q < m->dstart[b + 1]; q++)
			count[m->dprod[q]] += m->dlast[q] >= from;
	m->pop = crm_xmalloc(((size_t)h->nprod + 1) * sizeof *m->pop);
	for (i = 0; i < h->nprod; i++)
		if (count[i] > 0 && !m->skip[i])
			m->pop[m->npop++] = i;
	pop_count = count;
	qsort(m->pop, (size_t)m->npop, sizeof *m->pop, by_popularity);
	pop_count = NULL;
	m->popn = count;
}

struct crm_reco_model *crm_reco_model_new(const struct crm_history *h,
					  const struct crm_reco_method *meth,
					  const unsigned char *skip)
{
	struct crm_reco_model *m = crm_xcalloc(1, sizeof *m);
	size_t n = (size_t)h->nprod + 1;
	int32_t i;
	m->h = h;
	m->m = meth;
	m->skip = crm_xcalloc(n, 1);
	for (i = 0; i < h->nprod; i++)
		m->skip[i] = !h->active[i] || (skip && skip[i]);
	distinct_products(m);
	build_rows(m);
	build_popular(m);
	m->acc = crm_xcalloc(n, sizeof *m->acc);
	m->best = crm_xcalloc(n, sizeof *m->best);
	m->because = crm_xmalloc(n * sizeof *m->because);
	for (i = 0; i < h->nprod; i++)
		m->because[i] = -1;
	m->touched = crm_xmalloc(n * sizeof *m->touched);
	m->bought = crm_xcalloc(n, 1);
	return m;
}

void crm_reco_model_free(struct crm_reco_model *m)
{
	if (!m)
		return;
	free(m->skip);
	free(m->dstart);
	free(m->dprod);
	free(m->dlast);
	free(m->rstart);
	free(m->rj);
	free(m->rs);
	free(m->pop);
	free(m->popn);
	free(m->acc);
	free(m->best);
	free(m->because);
	free(m->touched);
	free(m->bought);
	free(m->keys);
	free(m);
}

/* ---- recommending -------------------------------------------------------- */

/* A score as compared: to 9 decimal places (scores are not negative). */
static long long score_key(double s)
{
	return s >= 9e9 ? (long long)9e18 : (long long)(s * 1e9 + 0.5);
}

/* Put it into out[*n] (at most top, best first; keys[] their score keys)
 * if it belongs there. */
static void offer(struct crm_reco_item *out, long long *keys, int *n, int top,
		  const struct crm_reco_item *it)
{
	long long k = score_key(it->score);
	int at = *n;
	if (at == top && (keys[at - 1] > k || (keys[at - 1] == k && out[at - 1].prod < it->prod)))
		return;
	while (at > 0 && (keys[at - 1] < k || (keys[at - 1] == k && out[at - 1].prod > it->prod)))
		at--;
	if (*n < top)
		(*n)++;
	memmove(out + at + 1, out + at, (size_t)(*n - 1 - at) * sizeof *out);
	memmove(keys + at + 1, keys + at, (size_t)(*n - 1 - at) * sizeof *keys);
	out[at] = *it;
	keys[at] = k;
}

static void mark_bought(struct crm_reco_model *m, int32_t b, unsigned char v)
{
	int64_t q;
	if (b < 0 || b >= m->h->nbuyer)
		return;
	for (q = m->dstart[b]; q < m->dstart[b + 1]; q++)
		m->bought[m->dprod[q]] = v;
}

int crm_reco_popular(struct crm_reco_model *m, int32_t b, int top, struct crm_reco_item *out)
{
	int32_t k;
	int n = 0;
	mark_bought(m, b, 1);
	for (k = 0; k < m->npop && n < top; k++)
		if (!m->bought[m->pop[k]]) {
			out[n].prod = m->pop[k];
			out[n].because = -1;
			out[n++].score = m->popn[m->pop[k]];
		}
	mark_bought(m, b, 0);
	return n;
}

/* Add the rows of b's products into acc, noting the best contributor. */
static int32_t accumulate(struct crm_reco_model *m, int32_t b)
{
	int64_t q, k;
	int32_t nt = 0;
	for (q = m->dstart[b]; q < m->dstart[b + 1]; q++) {
		int32_t i = m->dprod[q];
		double w = m->m->halflife ? exp2(-(double)(m->h->end - m->dlast[q]) /
						 (m->m->halflife * 86400.0)) : 1;
		for (k = m->rstart[i]; k < m->rstart[i + 1]; k++) {
			int32_t j = m->rj[k];
			double v = m->rs[k] * w;
			if (m->because[j] < 0) {
				m->touched[nt++] = j;
				m->because[j] = i;
				m->best[j] = v;
			} else if (v > m->best[j]) {
				m->because[j] = i;
				m->best[j] = v;
			}
			m->acc[j] += v;
		}
	}
	return nt;
}

int crm_reco_top(struct crm_reco_model *m, int32_t b, int top, struct crm_reco_item *out)
{
	int32_t nt, k;
	int n = 0;
	if (b < 0 || b >= m->h->ncust || m->dstart[b] == m->dstart[b + 1])
		return crm_reco_popular(m, b, top, out);
	if (top > m->nkeys) {
		m->keys = crm_xrealloc(m->keys, (size_t)top * sizeof *m->keys);
		m->nkeys = top;
	}
	mark_bought(m, b, 1);
	nt = accumulate(m, b);
	for (k = 0; k < nt; k++) {
		int32_t j = m->touched[k];
		struct crm_reco_item it = {j, m->because[j], m->acc[j]};
		if (!m->bought[j] && !m->skip[j] && it.score > 0)
			offer(out, m->keys, &n, top, &it);
		m->acc[j] = 0;
		m->because[j] = -1;
	}
	mark_bought(m, b, 0);
	return n;
}

/* ---- --exclude FILE ------------------------------------------------------ */

/* Why line s (trimmed) is no SKU, or NULL. */
static const char *not_a_sku(const char *s, size_t n)
{
	size_t i;
	if (n > CRM_KEY_MAX)
		return "a SKU is at most 255 bytes";
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "a SKU holds no control character";
	return NULL;
}

int crm_reco_exclude_read(const char *path, char ***skus, int32_t *n)
{
	char err[512], q[80];
	struct crm_textfile *tf = crm_textfile_open(path, err, sizeof err);
	struct crm_text_line l;
	int rc;
	*skus = NULL;
	*n = 0;
	if (!tf)
		return crm_error("%s", err), CRM_EIO;
	while ((rc = crm_textfile_next(tf, &l, err, sizeof err)) > 0) {
		size_t a = strspn(l.s, " \t"), e = l.n;
		const char *why;
		while (e > a && (l.s[e - 1] == ' ' || l.s[e - 1] == '\t'))
			e--;
		if (e == a || l.s[a] == '#')
			continue;
		if ((why = not_a_sku(l.s + a, e - a))) {
			crm_error_at(path, l.lineno, "%s: %s", crm_quote_n(l.s + a, e - a, q, sizeof q),
				     why);
			rc = -CRM_EUSAGE;
			break;
		}
		*skus = crm_xrealloc(*skus, ((size_t)*n + 1) * sizeof **skus);
		(*skus)[(*n)++] = crm_xstrndup(l.s + a, e - a);
	}
	if (rc < 0 && rc != -CRM_EUSAGE)
		crm_error("%s", err);
	crm_textfile_close(tf);
	if (rc < 0) {
		crm_reco_exclude_free(*skus, *n);
		*skus = NULL;
		*n = 0;
		return rc == -CRM_EIO ? CRM_EIO : CRM_EUSAGE;
	}
	return CRM_OK;
}

void crm_reco_exclude_free(char **skus, int32_t n)
{
	int32_t i;
	for (i = 0; i < n; i++)
		free(skus[i]);
	free(skus);
}

unsigned char *crm_reco_exclude_mark(const struct crm_history *h, char *const *skus, int32_t n)
{
	unsigned char *skip = crm_xcalloc((size_t)h->nprod + 1, 1);
	int32_t i, p;
	for (i = 0; i < n; i++)
		if ((p = crm_history_product(h, skus[i])) >= 0)
			skip[p] = 1;
	return skip;
}

/* ---- evaluation ---------------------------------------------------------- */

/* The training product of each test product (by SKU), or -1. */
static int32_t *product_map(const struct crm_history *train, const struct crm_history *test)
{
	int32_t *map = crm_xmalloc(((size_t)test->nprod + 1) * sizeof *map), i, j = 0;
	for (i = 0; i < test->nprod; i++) {
		int c = 1;
		while (j < train->nprod && (c = strcmp(train->sku[j], test->sku[i])) < 0)
			j++;
		map[i] = j < train->nprod && c == 0 ? j : -1;
	}
	return map;
}

static void count_hits(struct crm_reco_score *s, const struct crm_reco_item *out, int n,
		       const unsigned char *is_new, int32_t nnew, unsigned char *covered)
{
	int hits = 0, k;
	for (k = 0; k < n; k++) {
		hits += is_new[out[k].prod];
		s->covered += !covered[out[k].prod];
		covered[out[k].prod] = 1;
	}
	s->hits += hits;
	s->hit_customers += hits > 0;
	s->recall_sum += (double)hits / nnew;
}

struct eval_scratch {
	unsigned char *is_new, *cov_m, *cov_p;
	int32_t *tmap, *news;
	struct crm_reco_item *out;
};

/* Test customer tc, training buyer b: counted when they bought a product
 * in the test that they had not bought in training. */
static void eval_customer(struct crm_reco_model *m, const struct crm_history *test, int32_t tc,
			  int32_t b, int top, struct eval_scratch *x, struct crm_reco_eval *e)
{
	int32_t nnew = 0, k, t;
	int64_t q;
	int n;
	mark_bought(m, b, 1);
	for (q = test->start[tc]; q < test->start[tc + 1]; q++) {
		t = x->tmap[test->p[q].prod];
		if (q > test->start[tc] && test->p[q].prod == test->p[q - 1].prod)
			continue;
		if (t < 0 || !m->bought[t]) {
			nnew++;
			if (t >= 0)
				x->is_new[x->news[nnew - 1] = t] = 1;
			else
				x->news[nnew - 1] = -1;
		}
	}
	mark_bought(m, b, 0);
	if (nnew) {
		e->tested++;
		n = crm_reco_top(m, b, top, x->out);
		count_hits(&e->method, x->out, n, x->is_new, nnew, x->cov_m);
		n = crm_reco_popular(m, b, top, x->out);
		count_hits(&e->popular, x->out, n, x->is_new, nnew, x->cov_p);
	}
	for (k = 0; k < nnew; k++)
		if (x->news[k] >= 0)
			x->is_new[x->news[k]] = 0;
}

void crm_reco_evaluate(struct crm_reco_model *m, const struct crm_history *train,
		       const struct crm_history *test, int top, struct crm_reco_eval *e)
{
	struct eval_scratch x;
	size_t n = (size_t)train->nprod + 1;
	int32_t i, b = 0;
	memset(e, 0, sizeof *e);
	x.is_new = crm_xcalloc(n, 1);
	x.cov_m = crm_xcalloc(n, 1);
	x.cov_p = crm_xcalloc(n, 1);
	x.tmap = product_map(train, test);
	x.news = crm_xmalloc(((size_t)test->nprod + 1) * sizeof *x.news);
	x.out = crm_xmalloc((size_t)top * sizeof *x.out);
	for (i = 0; i < train->nprod; i++)
		e->active += train->active[i];
	for (i = 0; i < test->ncust; i++) {
		int c = 1;
		while (b < train->ncust && (c = strcmp(train->customer_id[b], test->customer_id[i])) < 0)
			b++;
		if (b < train->ncust && c == 0)
			eval_customer(m, test, i, b, top, &x, e);
	}
	free(x.is_new);
	free(x.cov_m);
	free(x.cov_p);
	free(x.tmap);
	free(x.news);
	free(x.out);
}
