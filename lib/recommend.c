/* recommend.c - item-to-item recommendations, sparse.  See recommend.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "entity.h"
#include "i18n.h"
#include "recommend.h"

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
	return _("cosine, iuf, bm25, recent or pruned");
}

struct crm_reco_model {
	const struct crm_history *h;
	const struct crm_reco_method *m;
	unsigned char *skip;         /* inactive, or skipped by the caller */
	/* distinct products of each buyer (CSR), the last time bought */
	int64_t *dstart;
	int32_t *dprod;
	int64_t *dlast;
	/* similarity rows (CSR), most similar first (ties by column) */
	int64_t *rstart;
	int32_t *rj;
	double *rs;
	/* the popular products, most buyers first, and their buyers */
	int32_t *pop, *popn, npop;
	/* scratch of each thread (crm_reco_batch) */
	struct scratch {
		double *acc;             /* by product: 0 between uses */
		int32_t *touched;
		unsigned char *bought;   /* by product: 0 between uses */
		long long *keys;         /* of the recommendations kept */
		int nkeys;
		unsigned char *cand;     /* by product: 0 between uses */
		int32_t *why;            /* by product: a candidate's reason */
		double *why_v;           /* by product: what it added (0 between uses) */
		struct walk {            /* a bought product's row, best first */
			int64_t row, pos, end;
			double w;        /* the product's weight (liked_weight) */
		} *walk;
		int64_t nwalk;
		double *best;            /* the top partial scores (threshold) */
	} sc[2];
};

/* ---- building ------------------------------------------------------------ */

/* Each buyer's distinct products, and when each was bought last. */
static void distinct_products(struct crm_reco_model *m)
{
	const struct crm_history *h = m->h;
	int64_t n = 0, j;
	int32_t b;
	m->dstart = crm_xcalloc((size_t)h->nbuyer + 1, sizeof *m->dstart);
	m->dprod = crm_xmalloc_big(((size_t)h->pstart[h->nprod] + 1) * sizeof *m->dprod);
	m->dlast = crm_xmalloc_big(((size_t)h->pstart[h->nprod] + 1) * sizeof *m->dlast);
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

static int by_similarity(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? 1 : -1;
	return (x->j > y->j) - (x->j < y->j);
}

/* The rows of products [from, to), built on a thread of their own: its
 * cells in rj/rs, row i's from rstart[i] - rstart[from] on. */
struct rows_part {
	const struct crm_reco_model *m;
	const double *w2, *norm, *idf;
	int32_t from, to;
	int64_t *rstart;             /* the model's, rows from + 1 .. to */
	int32_t *rj;
	double *rs;
	int64_t n, cap;
};

/* Append row i's cells, best first (the K most similar when pruning). */
static void append_row(struct rows_part *p, int32_t i, struct cell *c, int32_t n)
{
	int64_t k;
	qsort(c, (size_t)n, sizeof *c, by_similarity);
	if (p->m->m->neighbours && n > p->m->m->neighbours)
		n = p->m->m->neighbours;
	if (p->n + n > p->cap) {
		while (p->n + n > p->cap)
			p->cap = p->cap ? 2 * p->cap : 65536;
		p->rj = crm_xrealloc_big(p->rj, (size_t)p->n * sizeof *p->rj,
					 (size_t)p->cap * sizeof *p->rj);
		p->rs = crm_xrealloc_big(p->rs, (size_t)p->n * sizeof *p->rs,
					 (size_t)p->cap * sizeof *p->rs);
	}
	for (k = 0; k < n; k++) {
		p->rj[p->n + k] = c[k].j;
		p->rs[p->n + k] = c[k].s;
	}
	p->n += n;
	p->rstart[i + 1] = p->n;
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

static void *build_part(void *arg)
{
	struct rows_part *p = arg;
	const struct crm_reco_model *m = p->m;
	size_t np = (size_t)m->h->nprod + 1;
	double *co = crm_xcalloc(np, sizeof *co);
	struct cell *c = crm_xmalloc(np * sizeof *c);
	int32_t i, n, k, kept;
	for (i = p->from; i < p->to; i++) {
		n = co_row(m, i, p->w2, co, c);
		for (k = 0, kept = 0; k < n; k++) {
			int32_t j = c[k].j;
			/* a product never recommended needs no column */
			if (!m->skip[j]) {
				c[kept].j = j;
				c[kept++].s = co[j] * p->idf[i] * p->idf[j] /
					(m->m->normalize ? p->norm[i] * p->norm[j] : 1);
			}
			co[j] = 0;
		}
		append_row(p, i, c, kept);
	}
	free(co);
	free(c);
	return NULL;
}

/* The product whose row starts the second half of the work: rows cost
 * about what their buyers bought. */
static int32_t half_of_rows(const struct crm_history *h)
{
	int32_t i = 0;
	while (i < h->nprod && 2 * h->pstart[i] < h->pstart[h->nprod])
		i++;
	return i;
}

/* The rows in two parts on two threads, then joined. */
static void build_rows_parts(struct crm_reco_model *m, const double *w2, const double *norm,
			     const double *idf)
{
	int32_t mid = half_of_rows(m->h), i;
	struct rows_part a = {m, w2, norm, idf, 0, mid, m->rstart, NULL, NULL, 0, 0}, b = a;
	b.from = mid;
	b.to = m->h->nprod;
	crm_run_pair(build_part, &a, &b);
	m->rj = crm_xrealloc_big(a.rj, (size_t)a.n * sizeof *m->rj,
				 ((size_t)(a.n + b.n) + 1) * sizeof *m->rj);
	m->rs = crm_xrealloc_big(a.rs, (size_t)a.n * sizeof *m->rs,
				 ((size_t)(a.n + b.n) + 1) * sizeof *m->rs);
	if (b.n) {
		memcpy(m->rj + a.n, b.rj, (size_t)b.n * sizeof *m->rj);
		memcpy(m->rs + a.n, b.rs, (size_t)b.n * sizeof *m->rs);
	}
	for (i = mid + 1; i <= m->h->nprod; i++)
		m->rstart[i] += a.n;
	free(b.rj);
	free(b.rs);
}

static void build_rows(struct crm_reco_model *m)
{
	const struct crm_history *h = m->h;
	double *w2 = crm_xmalloc(((size_t)h->nbuyer + 1) * sizeof *w2);
	double *norm = crm_xcalloc((size_t)h->nprod + 1, sizeof *norm);
	double *idf = crm_xmalloc(((size_t)h->nprod + 1) * sizeof *idf);
	double avg = h->nbuyer ? (double)m->dstart[h->nbuyer] / h->nbuyer : 1;
	int32_t b, i;
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
	build_rows_parts(m, w2, norm, idf);
	free(w2);
	free(norm);
	free(idf);
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

static void scratch_init(struct scratch *sc, size_t n)
{
	sc->acc = crm_xcalloc(n, sizeof *sc->acc);
	sc->touched = crm_xmalloc(n * sizeof *sc->touched);
	sc->bought = crm_xcalloc(n, 1);
	sc->cand = crm_xcalloc(n, 1);
	sc->why = crm_xmalloc(n * sizeof *sc->why);
	sc->why_v = crm_xcalloc(n, sizeof *sc->why_v);
	sc->keys = NULL;
	sc->nkeys = 0;
	sc->walk = NULL;
	sc->nwalk = 0;
	sc->best = NULL;
}

static void scratch_release(struct scratch *sc)
{
	free(sc->acc);
	free(sc->touched);
	free(sc->bought);
	free(sc->cand);
	free(sc->why);
	free(sc->why_v);
	free(sc->keys);
	free(sc->walk);
	free(sc->best);
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
	scratch_init(&m->sc[0], n);
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
	scratch_release(&m->sc[0]);
	scratch_release(&m->sc[1]);
	free(m);
}

/* ---- recommending -------------------------------------------------------- */

/* Below another score by more than this, a score cannot equal it to 9
 * decimal places (score_key), float rounding included. */
#define TIE_MARGIN 1e-8

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

static void mark_bought(const struct crm_reco_model *m, struct scratch *sc, int32_t b,
			unsigned char v)
{
	int64_t q;
	if (b < 0 || b >= m->h->nbuyer)
		return;
	for (q = m->dstart[b]; q < m->dstart[b + 1]; q++)
		sc->bought[m->dprod[q]] = v;
	if (b >= m->h->ncust)
		return;
	/* what they sent back is not offered again either */
	for (q = m->h->rstart[b]; q < m->h->rstart[b + 1]; q++)
		sc->bought[m->h->rprod[q]] = v;
}

static int popular(const struct crm_reco_model *m, struct scratch *sc, int32_t b, int top,
		   struct crm_reco_item *out)
{
	int32_t k;
	int n = 0;
	mark_bought(m, sc, b, 1);
	for (k = 0; k < m->npop && n < top; k++)
		if (!sc->bought[m->pop[k]]) {
			out[n].prod = m->pop[k];
			out[n].because = -1;
			out[n++].score = m->popn[m->pop[k]];
		}
	mark_bought(m, sc, b, 0);
	return n;
}

int crm_reco_popular(struct crm_reco_model *m, int32_t b, int top, struct crm_reco_item *out)
{
	return popular(m, &m->sc[0], b, top, out);
}

/* The weight of b's q-th distinct product in its scores. */
static double liked_weight(const struct crm_reco_model *m, int64_t q)
{
	if (!m->m->halflife)
		return 1;
	return exp2(-(double)(m->h->end - m->dlast[q]) / (m->m->halflife * 86400.0));
}

static void add_candidate(struct scratch *sc, int32_t j, double v, int32_t prod)
{
	sc->acc[j] += v;
	if (v > sc->why_v[j]) {
		sc->why_v[j] = v;
		sc->why[j] = prod;
	}
}

/* The full scores of the candidates (cand[j] set), and their reasons:
 * b's rows added up in order, as a walk of all of them would add up every
 * column, so that a score is the same double however few columns are
 * candidates; the reason is the first of b's products whose row adds most. */
static void full_scores(const struct crm_reco_model *m, struct scratch *sc, int32_t b,
			int64_t d)
{
	const unsigned char *cand = sc->cand;
	const int32_t *rj = m->rj;
	int64_t q, k, e;
	for (q = 0; q < d; q++) {
		const struct walk *w = &sc->walk[q];
		int32_t prod = m->dprod[m->dstart[b] + q];
		/* candidates are few: eight cells tested at once */
		for (k = w->row; k + 8 <= w->end; k += 8) {
			if (!(cand[rj[k]] | cand[rj[k + 1]] | cand[rj[k + 2]] | cand[rj[k + 3]] |
			      cand[rj[k + 4]] | cand[rj[k + 5]] | cand[rj[k + 6]] | cand[rj[k + 7]]))
				continue;
			for (e = k; e < k + 8; e++)
				if (cand[rj[e]])
					add_candidate(sc, rj[e], m->rs[e] * w->w, prod);
		}
		for (; k < w->end; k++)
			if (cand[rj[k]])
				add_candidate(sc, rj[k], m->rs[k] * w->w, prod);
	}
}

/* Each row `step` cells further into acc, the columns touched listed in
 * touched[*nt...]; 1 when some row has cells left that add to a score. */
static int walk_rows(const struct crm_reco_model *m, struct scratch *sc, int64_t d,
		     int64_t step, int32_t *nt)
{
	int64_t q, k, lim;
	int left = 0;
	for (q = 0; q < d; q++) {
		struct walk *w = &sc->walk[q];
		lim = w->pos + step < w->end ? w->pos + step : w->end;
		for (k = w->pos; k < lim && m->rs[k] * w->w > 0; k++) {
			int32_t j = m->rj[k];
			if (sc->acc[j] == 0)
				sc->touched[(*nt)++] = j;
			sc->acc[j] += m->rs[k] * w->w;
		}
		w->pos = k < lim ? w->end : k;
		left |= w->pos < w->end;
	}
	return left;
}

/* What the rows' cells not walked yet can add to any one score at most. */
static double unseen(const struct crm_reco_model *m, const struct scratch *sc, int64_t d)
{
	double ub = 0;
	int64_t q;
	for (q = 0; q < d; q++)
		if (sc->walk[q].pos < sc->walk[q].end)
			ub += m->rs[sc->walk[q].pos] * sc->walk[q].w;
	return ub;
}

/* The top-th highest partial score of the products that may be offered;
 * -1 when fewer are touched. */
static double threshold(struct scratch *sc, int32_t nt, int top)
{
	int32_t k;
	int n = 0, at;
	for (k = 0; k < nt; k++) {
		double v = sc->acc[sc->touched[k]];
		if (sc->bought[sc->touched[k]] || (n == top && v <= sc->best[top - 1]))
			continue;
		for (at = n < top ? n++ : top - 1; at > 0 && sc->best[at - 1] < v; at--)
			sc->best[at] = sc->best[at - 1];
		sc->best[at] = v;
	}
	return n == top ? sc->best[top - 1] : -1;
}

static void scratch_fit(struct scratch *sc, int64_t d, int top)
{
	if (top > sc->nkeys) {
		sc->keys = crm_xrealloc(sc->keys, (size_t)top * sizeof *sc->keys);
		sc->best = crm_xrealloc(sc->best, (size_t)top * sizeof *sc->best);
		sc->nkeys = top;
	}
	if (d > sc->nwalk) {
		sc->walk = crm_xrealloc(sc->walk, (size_t)d * sizeof *sc->walk);
		sc->nwalk = d;
	}
}

/* Mark the touched products whose partial score plus what is unseen may
 * reach theta as candidates (all of them when theta < 0), clearing acc;
 * the candidates listed first in touched[], their number returned. */
static int32_t pick_candidates(struct scratch *sc, int32_t nt, double ub, double theta)
{
	int32_t k, nc = 0;
	for (k = 0; k < nt; k++) {
		int32_t j = sc->touched[k];
		double partial = sc->acc[j];
		sc->acc[j] = 0;
		if (sc->bought[j] || (theta >= 0 && partial + ub < theta - TIE_MARGIN))
			continue;
		sc->cand[j] = 1;
		sc->touched[nc++] = j;
	}
	return nc;
}

/* b's top recommendations.  Scoring every product that shares a buyer
 * with b's takes a walk of all of their rows; instead the rows are walked
 * best first, twice as far each round, until what the cells not walked
 * could add (unseen) falls below the top-th partial score: no product left
 * untouched can reach the top then (Fagin's threshold algorithm).  Only
 * the touched products whose partial score plus unseen reach it stay
 * candidates, and one pass over the rows adds up their full scores.  The
 * margin (TIE_MARGIN) keeps every product whose score could equal the top-th's
 * to 9 decimals (ties), and float rounding. */
static int top_with(const struct crm_reco_model *m, struct scratch *sc, int32_t b, int top,
		    struct crm_reco_item *out)
{
	int64_t q, d, step = top < 8 ? 8 : top;
	int32_t nt = 0, k;
	int n = 0, left;
	double ub, theta;
	if (b < 0 || b >= m->h->ncust || m->dstart[b] == m->dstart[b + 1])
		return popular(m, sc, b, top, out);
	d = m->dstart[b + 1] - m->dstart[b];
	scratch_fit(sc, d, top);
	for (q = 0; q < d; q++) {
		int32_t i = m->dprod[m->dstart[b] + q];
		sc->walk[q] = (struct walk){m->rstart[i], m->rstart[i], m->rstart[i + 1],
			liked_weight(m, m->dstart[b] + q)};
	}
	mark_bought(m, sc, b, 1);
	do {
		left = walk_rows(m, sc, d, step, &nt);
		ub = left ? unseen(m, sc, d) : 0;
		theta = threshold(sc, nt, top);
		step *= 2;
	} while (left && !(theta >= 0 && ub < theta - TIE_MARGIN));
	nt = pick_candidates(sc, nt, ub, theta);
	full_scores(m, sc, b, d);
	for (k = 0; k < nt; k++) {
		int32_t j = sc->touched[k];
		struct crm_reco_item it = {j, sc->why[j], sc->acc[j]};
		sc->acc[j] = 0;
		sc->cand[j] = 0;
		sc->why_v[j] = 0;
		if (n == top && it.score < out[n - 1].score - TIE_MARGIN)
			continue;
		offer(out, sc->keys, &n, top, &it);
	}
	mark_bought(m, sc, b, 0);
	return n;
}

int crm_reco_top(struct crm_reco_model *m, int32_t b, int top, struct crm_reco_item *out)
{
	return top_with(m, &m->sc[0], b, top, out);
}

struct batch {
	const struct crm_reco_model *m;
	struct scratch *sc;
	const int32_t *buyers;
	int32_t from, to;
	int top;
	struct crm_reco_item *out;
	int *count;
};

static void *batch_run(void *arg)
{
	struct batch *x = arg;
	int32_t i;
	for (i = x->from; i < x->to; i++)
		x->count[i] = top_with(x->m, x->sc, x->buyers[i], x->top, x->out + (size_t)i * x->top);
	return NULL;
}

void crm_reco_batch(struct crm_reco_model *m, const int32_t *buyers, int32_t n, int top,
		    struct crm_reco_item *out, int *count)
{
	struct batch a = {m, &m->sc[0], buyers, 0, n, top, out, count}, b = a;
	if (n < 64) {
		batch_run(&a);
		return;
	}
	if (!m->sc[1].acc)
		scratch_init(&m->sc[1], (size_t)m->h->nprod + 1);
	a.to = b.from = n / 2;
	b.sc = &m->sc[1];
	crm_run_pair(batch_run, &a, &b);
}

/* ---- --exclude FILE ------------------------------------------------------ */

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
	mark_bought(m, &m->sc[0], b, 1);
	for (q = test->start[tc]; q < test->start[tc + 1]; q++) {
		t = x->tmap[test->p[q].prod];
		if (q > test->start[tc] && test->p[q].prod == test->p[q - 1].prod)
			continue;
		if (t < 0 || !m->sc[0].bought[t]) {
			nnew++;
			if (t >= 0)
				x->is_new[x->news[nnew - 1] = t] = 1;
			else
				x->news[nnew - 1] = -1;
		}
	}
	mark_bought(m, &m->sc[0], b, 0);
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
