/*
 * cooccurcheck - drive lib/cooccur.c and lib/replenish.c from the shell on
 * a purchase history built by hand (tests only; no database).
 *
 *   cooccurcheck [-x SKU]... [-z ZONE] also SKU [TOP]     < purchases
 *   cooccurcheck [-x SKU]... [-z ZONE] rules MINSUP MINCONF [TOP]
 *   cooccurcheck [-x SKU]... [-z ZONE] cycles
 *   cooccurcheck [-x SKU]... [-z ZONE] replenish ASOF WITHIN
 *
 * A purchase is a line "BUYER SKU TIME [ORDER]": BUYER a customer id, or one
 * that starts with "guest" for a guest order (each a buyer of its own);
 * TIME as crm_parse_time reads it in ZONE (default UTC), with 'T' between
 * date and time; ORDER an order id (default: one order per buyer and TIME).
 * -x SKU: the product is not eligible (inactive or excluded).
 *
 * Output, one line per result, numbers with six decimals:
 *   also:      "buyers N", then "SKU both support confidence lift"
 *   rules:     "orders N", then "A B n_ab n_a n_b support confidence lift"
 *   cycles:    "SKU interval"
 *   replenish: "CUSTOMER SKU LAST INTERVAL own|product DUE"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cooccur.h"
#include "diag.h"
#include "norm.h"
#include "replenish.h"

struct rec {
	char *buyer, *sku, *order;
	int64_t at;
	int32_t b, prod, o;
};

static int usage(void)
{
	fputs("usage: cooccurcheck [-x SKU]... [-z ZONE] also SKU [TOP] | rules MINSUP MINCONF [TOP]"
	      " | cycles | replenish ASOF WITHIN\n", stderr);
	return CRM_EUSAGE;
}

static int by_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int is_guest(const char *id)
{
	return !strncmp(id, "guest", 5);
}

/* Guests after the customers, in the order they first appear (by name). */
static int by_buyer(const void *x, const void *y)
{
	const char *a = *(char *const *)x, *b = *(char *const *)y;
	if (is_guest(a) != is_guest(b))
		return is_guest(a) - is_guest(b);
	return strcmp(a, b);
}

static int by_purchase(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;
	if (a->b != b->b)
		return a->b < b->b ? -1 : 1;
	if (a->prod != b->prod)
		return a->prod < b->prod ? -1 : 1;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return (a->o > b->o) - (a->o < b->o);
}

/* Sorted distinct strings of v[0..n) into *out; returns how many. */
static int32_t distinct(char **v, size_t n, int (*cmp)(const void *, const void *), char ***out)
{
	char **s = crm_xcalloc(n, sizeof *s);
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp);
	int32_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || strcmp(s[k - 1], s[i]))
			s[k++] = s[i];
	*out = s;
	return k;
}

static int32_t find(char **v, int32_t n, const char *s)
{
	for (int32_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return i;
	return -1;
}

static size_t read_recs(const struct crm_tz *tz, struct rec **out)
{
	char line[512], buyer[128], sku[128], when[128], order[300], canon[CRM_TIME_LEN];
	const char *why;
	size_t n = 0, cap = 0;
	struct rec *r = NULL;
	while (fgets(line, sizeof line, stdin)) {
		int got = sscanf(line, "%127s %127s %127s %127s", buyer, sku, when, order);
		if (got < 3)
			continue;
		if (got == 3)
			snprintf(order, sizeof order, "%s %s", buyer, when);
		for (char *t = strchr(when, 'T'); t; t = NULL)
			*t = ' ';
		if (crm_parse_time(when, tz, CRM_MDY, canon, &why) < 0) {
			fprintf(stderr, "cooccurcheck: '%s' %s\n", when, why);
			exit(CRM_EDATA);
		}
		if (n == cap)
			r = crm_xrealloc(r, (cap = cap ? 2 * cap : 16) * sizeof *r);
		r[n++] = (struct rec){ crm_xstrdup(buyer), crm_xstrdup(sku), crm_xstrdup(order),
				      crm_time_epoch(canon), 0, 0, 0 };
	}
	*out = r;
	return n;
}

/* The distinct buyers of each product, in buyer order (history.h). */
static void build_by_product(struct crm_history *h, size_t n)
{
	h->pstart = crm_xcalloc((size_t)h->nprod + 1, sizeof *h->pstart);
	h->pbuyer = crm_xcalloc(n, sizeof *h->pbuyer);
	for (int32_t x = 0; x < h->nprod; x++) {
		h->pstart[x + 1] = h->pstart[x];
		for (int32_t b = 0; b < h->nbuyer; b++)
			for (int64_t i = h->start[b]; i < h->start[b + 1]; i++)
				if (h->p[i].prod == x) {
					h->pbuyer[h->pstart[x + 1]++] = b;
					break;
				}
	}
}

/* The history of the purchases r[0..n), as lib/history would load it. */
static void build(struct rec *r, size_t n, struct crm_history *h)
{
	char **names = crm_xcalloc(n, sizeof *names);
	memset(h, 0, sizeof *h);
	for (size_t i = 0; i < n; i++)
		names[i] = r[i].sku;
	h->nprod = distinct(names, n, by_str, &h->sku);
	for (size_t i = 0; i < n; i++)
		names[i] = r[i].buyer;
	h->nbuyer = distinct(names, n, by_buyer, &h->customer_id);
	while (h->ncust < h->nbuyer && !is_guest(h->customer_id[h->ncust]))
		h->ncust++;
	free(names);
	h->name = h->category = h->sku;
	h->last_sold = crm_xcalloc((size_t)h->nprod, sizeof *h->last_sold);
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < i && strcmp(r[j].order, r[i].order))
			j++;
		r[i].o = j < i ? r[j].o : h->norder++;
		r[i].prod = find(h->sku, h->nprod, r[i].sku);
		r[i].b = find(h->customer_id, h->nbuyer, r[i].buyer);
		if (r[i].at > h->last_sold[r[i].prod])
			h->last_sold[r[i].prod] = r[i].at;
	}
	if (n > 1)
		qsort(r, n, sizeof *r, by_purchase);
	h->start = crm_xcalloc((size_t)h->nbuyer + 1, sizeof *h->start);
	h->p = crm_xcalloc(n, sizeof *h->p);
	for (size_t i = 0; i < n; i++) {
		h->p[i] = (struct crm_purchase){ r[i].prod, 1, r[i].o, r[i].at };
		h->start[r[i].b + 1]++;
	}
	for (int32_t b = 0; b < h->nbuyer; b++)
		h->start[b + 1] += h->start[b];
	build_by_product(h, n);
}

static void day_out(int64_t day)
{
	char d[CRM_DATE_LEN];
	crm_day_date(day, d);
	fputs(d, stdout);
}

static int run_also(const struct crm_history *h, const unsigned char *ok, char **argv, int argc)
{
	int32_t a = find(h->sku, h->nprod, argv[0]);
	if (a < 0) {
		fprintf(stderr, "cooccurcheck: unknown product '%s'\n", argv[0]);
		return 6;
	}
	struct crm_also *v;
	size_t n;
	printf("buyers %d\n", crm_cooccur_also(h, a, ok, argc > 1 ? (size_t)atol(argv[1]) : 0, &v, &n));
	for (size_t i = 0; i < n; i++)
		printf("%s %d %.6f %.6f %.6f\n", h->sku[v[i].prod], v[i].both, v[i].support,
		       v[i].confidence, v[i].lift);
	free(v);
	return CRM_OK;
}

static int run_rules(const struct crm_history *h, const unsigned char *ok, char **argv, int argc)
{
	if (argc < 2)
		return usage();
	struct crm_rules_opts o = { atof(argv[0]), atof(argv[1]), 2, ok,
				    argc > 2 ? (size_t)atol(argv[2]) : 0 };
	struct crm_rule *v;
	size_t n;
	int32_t orders;
	crm_cooccur_rules(h, &o, &v, &n, &orders);
	printf("orders %d\n", orders);
	for (size_t i = 0; i < n; i++)
		printf("%s %s %d %d %d %.6f %.6f %.6f\n", h->sku[v[i].a], h->sku[v[i].b], v[i].n_ab,
		       v[i].n_a, v[i].n_b, v[i].support, v[i].confidence, v[i].lift);
	free(v);
	return CRM_OK;
}

static int run_replenish(const struct crm_history *h, const struct crm_tz *tz,
			 const unsigned char *ok, char **argv, int argc)
{
	struct crm_replenish_opts o = { .tz = tz, .eligible = ok };
	if (argc < 2 || crm_date_day(argv[0], &o.as_of) < 0)
		return usage();
	o.within = atol(argv[1]);
	struct crm_due *v;
	size_t n;
	crm_replenish(h, &o, &v, &n);
	for (size_t i = 0; i < n; i++) {
		printf("%s %s ", h->customer_id[v[i].cust], h->sku[v[i].prod]);
		day_out(v[i].last);
		printf(" %d %s ", v[i].interval, v[i].own ? "own" : "product");
		day_out(v[i].due);
		putchar('\n');
	}
	free(v);
	return CRM_OK;
}

static int run(const struct crm_history *h, const struct crm_tz *tz, const unsigned char *ok,
	       char **argv, int argc)
{
	if (!strcmp(argv[0], "also") && argc >= 2)
		return run_also(h, ok, argv + 1, argc - 1);
	if (!strcmp(argv[0], "rules"))
		return run_rules(h, ok, argv + 1, argc - 1);
	if (!strcmp(argv[0], "replenish"))
		return run_replenish(h, tz, ok, argv + 1, argc - 1);
	if (strcmp(argv[0], "cycles"))
		return usage();
	int32_t *cycle = crm_replenish_cycles(h, tz);
	for (int32_t x = 0; x < h->nprod; x++)
		if (cycle[x])
			printf("%s %d\n", h->sku[x], cycle[x]);
	free(cycle);
	return CRM_OK;
}

int main(int argc, char **argv)
{
	const char *zone = "UTC", *why, *skip[64];
	int nskip = 0, a = 1;
	for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
		if (!strcmp(argv[a], "-z"))
			zone = argv[a + 1];
		else if (!strcmp(argv[a], "-x") && nskip < 64)
			skip[nskip++] = argv[a + 1];
		else
			return usage();
	}
	if (a >= argc)
		return usage();
	struct crm_tz *tz = crm_tz_open(zone, &why);
	if (!tz)
		return usage();
	struct rec *r;
	size_t n = read_recs(tz, &r);
	struct crm_history h;
	build(r, n, &h);
	unsigned char *ok = crm_xcalloc((size_t)h.nprod, 1);
	for (int32_t x = 0; x < h.nprod; x++)
		ok[x] = find((char **)skip, nskip, h.sku[x]) < 0;
	int status = run(&h, tz, ok, argv + a, argc - a);
	for (size_t i = 0; i < n; i++) {
		free(r[i].buyer);
		free(r[i].sku);
		free(r[i].order);
	}
	free(r);
	free(ok);
	free(h.sku);
	free(h.customer_id);
	free(h.last_sold);
	free(h.start);
	free(h.p);
	free(h.pstart);
	free(h.pbuyer);
	crm_tz_close(tz);
	return crm_close_stdout(status);
}
