/*
 * scorecheck - crm_rfm_score()'s quintile scores against their definition
 * (tests only): score = 1 + floor(5 B / N), B the customers whose figure
 * is worse (recency: greater; frequency, monetary: smaller), counted by a
 * binary search in a plain sort.  Many shapes of figures are drawn: all
 * alike, two values, small spans (days, order counts), wide spans, one
 * customer stretching the span, the ends of int32 and int64, negative
 * sums, and every size up to 40 and some to 300,000 customers; each also
 * with fixed bins for one figure (--bins), the others still quintiles.
 *
 *   scorecheck [SEED]   prints "ok CASES CUSTOMERS", or the first
 *                       customer scored otherwise, and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rfm.h"

static uint64_t state;

static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

enum { ALIKE, TWO, SMALL, WIDE, OUTLIER, ENDS, SHAPES };

/* A figure of the shape: int64 (monetary), folded into int32 when small. */
static int64_t draw(int shape, int wide64)
{
	switch (shape) {
	case ALIKE: return 7;
	case TWO: return next() % 2 ? 3 : 900;
	case SMALL: return (int64_t)(next() % 400);
	case WIDE: return wide64 ? (int64_t)(next() % 2000000000000) - 1000000 :
			(int64_t)(next() % 2000000000);
	case OUTLIER: return next() % 100000 == 0 ? (wide64 ? INT64_MAX / 3 : INT32_MAX) :
			(int64_t)(next() % 5000);
	default: {
		uint64_t k = next() % 5;
		if (wide64)
			return k == 0 ? INT64_MIN : k == 1 ? INT64_MAX : k == 2 ? -1 : (int64_t)next();
		return k == 0 ? INT32_MIN + 1 : k == 1 ? INT32_MAX : k == 2 ? 0 : (int32_t)next();
	}
	}
}

static int64_t figure(const struct crm_rfm_entry *e, int fig)
{
	return fig == CRM_FIG_R ? -(int64_t)e->recency : fig == CRM_FIG_F ? e->frequency :
		e->monetary;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* How many of sorted[0..n) are below v. */
static size_t below(const int64_t *sorted, size_t n, int64_t v)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sorted[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The score --bins gives: as many steps as cuts below the figure. */
static int binned(const struct crm_rfm_entry *e, int fig, const struct crm_bins *b)
{
	int64_t v = fig == CRM_FIG_R ? e->recency : fig == CRM_FIG_F ? e->frequency : e->monetary;
	int over = 0, k;
	for (k = 0; k < 4; k++)
		over += v > b->cut[k];
	return fig == CRM_FIG_R ? 5 - over : 1 + over;
}

static int check(struct crm_rfm *r, const struct crm_bins bins[CRM_NFIG])
{
	int64_t *sorted = malloc((r->n ? r->n : 1) * sizeof *sorted);
	size_t i;
	int fig, ok = 1;
	for (fig = 0; fig < CRM_NFIG && ok; fig++) {
		for (i = 0; i < r->n; i++)
			sorted[i] = figure(&r->e[i], fig);
		qsort(sorted, r->n, sizeof *sorted, by_value);
		for (i = 0; i < r->n && ok; i++) {
			size_t b = below(sorted, r->n, figure(&r->e[i], fig));
			int want = bins[fig].set ? binned(&r->e[i], fig, &bins[fig]) :
				   1 + (int)(5 * (unsigned long long)b / r->n);
			if (r->e[i].score[fig] != want) {
				printf("differ: %zu customers, customer %zu, figure %d%s: %lld scored "
				       "%d, not %d\n", r->n, i, fig, bins[fig].set ? " (bins)" : "",
				       (long long)figure(&r->e[i], fig), r->e[i].score[fig], want);
				ok = 0;
			}
		}
	}
	free(sorted);
	return ok;
}

/* n customers of the shape, scored with bins for figure `with_bins` (-1:
 * none). */
static int one_case(size_t n, int shape, int with_bins, unsigned long long *customers)
{
	static const struct crm_bins cuts = {1, {3, 30, 300, 3000}};
	struct crm_bins bins[CRM_NFIG];
	struct crm_rfm r;
	size_t i;
	int ok;
	memset(&r, 0, sizeof r);
	memset(bins, 0, sizeof bins);
	if (with_bins >= 0)
		bins[with_bins] = cuts;
	r.e = calloc(n ? n : 1, sizeof *r.e);
	r.n = n;
	for (i = 0; i < n; i++) {
		int64_t v = draw(shape, 0);
		r.e[i].recency = (int32_t)(v < 0 ? -(v + 1) : v);   /* days: not negative */
		r.e[i].frequency = (int32_t)draw(shape, 0);
		r.e[i].monetary = draw(shape, 1);
	}
	crm_rfm_score(&r, bins);
	ok = check(&r, bins);
	*customers += n;
	free(r.e);
	return ok;
}

int main(int argc, char **argv)
{
	unsigned long long customers = 0;
	int cases = 0, shape;
	size_t n;
	state = argc > 1 ? strtoull(argv[1], NULL, 10) | 1 : 88172645463325252ull;
	for (shape = 0; shape < SHAPES; shape++) {
		for (n = 0; n <= 40; n++, cases++)
			if (!one_case(n, shape, (int)(n % 4) - 1, &customers))
				return 1;
		for (n = 1000; n <= 300000; n *= 17, cases++)
			if (!one_case(n + next() % 97, shape, (int)(n % 4) - 1, &customers))
				return 1;
	}
	printf("ok %d %llu\n", cases, customers);
	return 0;
}
