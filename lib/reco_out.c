/* reco_out.c - crm-recommend's tables.  See reco_out.h. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "i18n.h"
#include "reco_out.h"

static const struct crm_table_col reco_cols[] = {
	{N_("customer_id"), CRM_T_PLAIN}, {N_("email"), CRM_T_TEXT}, {N_("name"), CRM_T_TEXT},
	{N_("rank"), CRM_T_NUM}, {N_("sku"), CRM_T_TEXT}, {N_("product"), CRM_T_TEXT},
	{N_("score"), CRM_T_NUM}, {N_("reason"), CRM_T_TEXT},
};

struct crm_table *crm_reco_out_begin(FILE *fp, enum crm_format f, char delim)
{
	return crm_table_begin(fp, f, delim, reco_cols,
			       (int)(sizeof reco_cols / sizeof reco_cols[0]));
}

/* "bought SKU NAME" of product i, or the popular products' reason, into
 * buf (size bytes), else into a string to free in *own when longer. */
static const char *reason(const struct crm_history *h, int32_t i, char *buf, size_t size,
			  char **own)
{
	size_t ns, nn;
	char *s = buf;
	*own = NULL;
	if (i < 0) {
		snprintf(buf, size, "popular in the last %d weeks", CRM_RECO_POPULAR_DAYS / 7);
		return buf;
	}
	ns = strlen(h->sku[i]);
	nn = h->name[i] ? strlen(h->name[i]) : 0;
	if (ns + nn + 9 > size)
		s = *own = crm_xmalloc(ns + nn + 9);
	memcpy(s, "bought ", 7);
	memcpy(s + 7, h->sku[i], ns);
	if (nn) {
		s[7 + ns] = ' ';
		memcpy(s + 8 + ns, h->name[i], nn);
		ns += nn + 1;
	}
	s[7 + ns] = '\0';
	return s;
}

/* A score >= 0 with six decimals, as "%.6f" prints it but without the
 * printf machinery (two million of them in a shop's run). */
static void six_decimals(double v, char out[32])
{
	char digits[24];
	long long m;
	int n = 0, k = 0;
	if (!(v >= 0 && v < 1e12)) {
		snprintf(out, 32, "%.6f", v);
		return;
	}
	for (m = llround(v * 1e6); m > 0 || n < 7; m /= 10)
		digits[n++] = (char)('0' + m % 10);
	while (n > 6)
		out[k++] = digits[--n];
	out[k++] = '.';
	while (n > 0)
		out[k++] = digits[--n];
	out[k] = '\0';
}

/* The score's text: a popular product's buyers as a whole number. */
static void score_text(const struct crm_reco_item *it, char out[32])
{
	if (it->because < 0)
		snprintf(out, 32, "%.0f", it->score);
	else
		six_decimals(it->score, out);
}

/* ---- every customer asked for ---------------------------------------------- */

#define CHUNK 8192          /* customers scored at once */
#define CHUNK_ITEMS 81920   /* fewer when top is large */

struct chunk {
	int32_t n, *id, *contact, *buyer;
	int *count;
	struct crm_reco_item *out;
};

/* The cells every customer's rows repeat, rendered once (table.h): the
 * ranks, each product's SKU and name (one run) and reason, the popular
 * products' reason; and the current customer's id, email and name, and the
 * current score. */
struct cells {
	struct crm_table_rendered *rank, *item, *because, popular, who, score;
};

struct writer {
	struct crm_table *t;
	const struct crm_reco_who *w;
	int top;
	const struct chunk *c;
	struct cells *cells;
};

static void chunk_init(struct chunk *c, int32_t per, int top)
{
	c->id = crm_xmalloc((size_t)per * sizeof *c->id);
	c->contact = crm_xmalloc((size_t)per * sizeof *c->contact);
	c->buyer = crm_xmalloc((size_t)per * sizeof *c->buyer);
	c->count = crm_xmalloc((size_t)per * sizeof *c->count);
	c->out = crm_xmalloc((size_t)per * (size_t)top * sizeof *c->out);
}

static void chunk_free(struct chunk *c)
{
	free(c->id);
	free(c->contact);
	free(c->buyer);
	free(c->count);
	free(c->out);
}

static const char *who_id(const struct crm_reco_who *w, int32_t k)
{
	return w->ids ? w->ids[k] : w->h->customer_id[k];
}

/* The contact of customer k: every customer buyer is asked for in id
 * order, as the contacts are sorted, so a cursor (*at) walks them both;
 * customers given by id are looked up. */
static int32_t contact_of(const struct crm_reco_who *w, int32_t k, int32_t *at)
{
	const char *id = who_id(w, k);
	if (w->ids)
		return crm_contacts_find(w->c, id);
	while (*at < w->c->n && strcmp(w->c->id[*at], id) < 0)
		++*at;
	return *at < w->c->n && !strcmp(w->c->id[*at], id) ? *at : -1;
}

/* The customers from k on, up to per of them (--opted-in ones only): the
 * index to go on from. */
static int32_t chunk_pick(const struct crm_reco_who *w, int32_t k, int32_t total, int32_t per,
			  struct chunk *c, int32_t *at)
{
	int32_t from = k;
	for (c->n = 0; k < total && k - from < per; k++) {
		int32_t ct = contact_of(w, k, at);
		if (w->opted_in && (ct < 0 || !w->c->opted_in[ct]))
			continue;
		c->id[c->n] = k;
		c->contact[c->n] = ct;
		c->buyer[c->n++] = w->ids ? crm_history_customer(w->h, w->ids[k]) : k;
	}
	return k;
}

/* One cell rendered (table.h). */
static void render1(struct crm_table *t, int col, const char *s, struct crm_table_rendered *r)
{
	crm_table_render(t, col, 1, &s, r);
}

static void cells_init(struct cells *x, struct crm_table *t, const struct crm_history *h,
		       int top)
{
	char buf[512], *own;
	int32_t i;
	memset(x, 0, sizeof *x);
	x->rank = crm_xcalloc((size_t)top, sizeof *x->rank);
	for (i = 0; i < top; i++) {
		snprintf(buf, sizeof buf, "%d", (int)i + 1);
		render1(t, 3, buf, &x->rank[i]);
	}
	x->item = crm_xcalloc((size_t)h->nprod + 1, sizeof *x->item);
	x->because = crm_xcalloc((size_t)h->nprod + 1, sizeof *x->because);
	for (i = 0; i < h->nprod; i++) {
		const char *item[2] = {h->sku[i], h->name[i]};
		crm_table_render(t, 4, 2, item, &x->item[i]);
		render1(t, 7, reason(h, i, buf, sizeof buf, &own), &x->because[i]);
		free(own);
		/* two million rows read these: packed, they stay in the cache */
		crm_table_rendered_fit(&x->item[i]);
		crm_table_rendered_fit(&x->because[i]);
	}
	render1(t, 7, reason(h, -1, buf, sizeof buf, &own), &x->popular);
}

static void cells_free(struct cells *x, int32_t nprod, int top)
{
	int32_t i;
	for (i = 0; i < top; i++)
		crm_table_rendered_free(&x->rank[i]);
	for (i = 0; i < nprod; i++) {
		crm_table_rendered_free(&x->item[i]);
		crm_table_rendered_free(&x->because[i]);
	}
	crm_table_rendered_free(&x->who);
	crm_table_rendered_free(&x->popular);
	crm_table_rendered_free(&x->score);
	free(x->rank);
	free(x->item);
	free(x->because);
}

/* One customer's rows (reco_out.h's columns). */
static void customer_rows(struct crm_table *t, struct cells *x, const char *const who[3],
			  const struct crm_reco_item *it, int n)
{
	char score[32];
	int i;
	if (n)
		crm_table_render(t, 0, 3, who, &x->who);
	/* the products' cells are 2.6 MB read at random: asked for at once,
	 * their cache misses overlap */
	for (i = 0; i < n; i++)
		if (it[i].because >= 0) {
			__builtin_prefetch(x->item[it[i].prod].s);
			__builtin_prefetch(x->because[it[i].because].s);
		}
	for (i = 0; i < n; i++) {
		crm_table_put(t, &x->who);
		crm_table_put(t, &x->rank[i]);
		crm_table_put(t, &x->item[it[i].prod]);
		score_text(&it[i], score);
		render1(t, 6, score, &x->score);
		crm_table_put(t, &x->score);
		crm_table_put(t, it[i].because < 0 ? &x->popular : &x->because[it[i].because]);
	}
}

static void *chunk_write(void *arg)
{
	const struct writer *x = arg;
	const struct chunk *c = x->c;
	int32_t k;
	for (k = 0; k < c->n; k++) {
		int32_t ct = c->contact[k];
		const char *who[3] = {who_id(x->w, c->id[k]), ct >= 0 ? x->w->c->email[ct] : NULL,
			ct >= 0 ? x->w->c->name[ct] : NULL};
		customer_rows(x->t, x->cells, who, c->out + (size_t)k * x->top, c->count[k]);
	}
	return NULL;
}

void crm_reco_out_all(struct crm_table *t, struct crm_reco_model *m,
		      const struct crm_reco_who *w, int top)
{
	int32_t total = w->ids ? w->nids : w->h->ncust, k = 0;
	int32_t per = CHUNK_ITEMS / top < CHUNK ? CHUNK_ITEMS / top : CHUNK;
	struct chunk c[2];
	struct cells cells;
	struct writer x = {t, w, top, NULL, &cells};
	pthread_t th;
	int cur = 0, busy = 0;
	int32_t at = 0;
	cells_init(&cells, t, w->h, top);
	chunk_init(&c[0], per, top);
	chunk_init(&c[1], per, top);
	while (k < total) {
		k = chunk_pick(w, k, total, per, &c[cur], &at);
		crm_reco_batch(m, c[cur].buyer, c[cur].n, top, c[cur].out, c[cur].count);
		if (busy)
			pthread_join(th, NULL);
		x.c = &c[cur];
		busy = pthread_create(&th, NULL, chunk_write, &x) == 0;
		if (!busy)
			chunk_write(&x);
		cur ^= 1;
	}
	if (busy)
		pthread_join(th, NULL);
	crm_table_finish(t);
	cells_free(&cells, w->h->nprod, top);
	chunk_free(&c[0]);
	chunk_free(&c[1]);
}

static const struct crm_table_col eval_cols[] = {
	{N_("method"), CRM_T_PLAIN}, {N_("top"), CRM_T_NUM}, {N_("customers"), CRM_T_NUM},
	{N_("hits"), CRM_T_NUM}, {N_("hit_rate"), CRM_T_NUM}, {N_("precision"), CRM_T_NUM},
	{N_("recall"), CRM_T_NUM}, {N_("coverage"), CRM_T_NUM},
};

static void cellf(struct crm_table *t, const char *fmt, double v)
{
	char buf[64];
	snprintf(buf, sizeof buf, fmt, v);
	crm_table_cell(t, buf);
}

/* The figures of one row: hit rate, precision, recall, coverage. */
static void figures(const struct crm_reco_eval *e, const struct crm_reco_score *s, int top,
		    double f[4])
{
	double n = (double)e->tested;
	f[0] = n ? s->hit_customers / n : 0;
	f[1] = n ? s->hits / (n * top) : 0;
	f[2] = n ? s->recall_sum / n : 0;
	f[3] = e->active ? (double)s->covered / e->active : 0;
}

static void row(struct crm_table *t, const char *name, const struct crm_reco_eval *e,
		const struct crm_reco_score *s, int top)
{
	double f[4];
	int i;
	figures(e, s, top, f);
	crm_table_cell(t, name);
	cellf(t, "%.0f", top);
	cellf(t, "%.0f", (double)e->tested);
	cellf(t, "%.0f", (double)s->hits);
	for (i = 0; i < 4; i++)
		cellf(t, "%.4f", f[i]);
}

void crm_reco_out_evaluation(FILE *fp, enum crm_format f, char delim, const char *method,
			     int top, const struct crm_reco_eval *e)
{
	struct crm_table *t = crm_table_begin(fp, f, delim, eval_cols,
					      (int)(sizeof eval_cols / sizeof eval_cols[0]));
	double a[4], b[4];
	int i;
	row(t, method, e, &e->method, top);
	row(t, "popular", e, &e->popular, top);
	figures(e, &e->method, top, a);
	figures(e, &e->popular, top, b);
	crm_table_cell(t, "ratio");
	cellf(t, "%.0f", top);
	cellf(t, "%.0f", (double)e->tested);
	if (e->popular.hits)
		cellf(t, "%.4f", (double)e->method.hits / (double)e->popular.hits);
	else
		crm_table_cell(t, NULL);
	for (i = 0; i < 4; i++)
		if (b[i] > 0)
			cellf(t, "%.4f", a[i] / b[i]);
		else
			crm_table_cell(t, NULL);
	crm_table_finish(t);
	crm_table_free(t);
}
