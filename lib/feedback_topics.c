/* feedback_topics.c - per topic the mentions of a period against the one
 * before, and the examples; see feedback.h. */
#include "feedback.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "i18n.h"
#include "nps.h"
#include "period.h"

static const char *const by_names[] = {N_("none"), N_("month"), N_("week"), N_("platform"),
	N_("sku"), N_("category"), N_("source")};
#define NBY ((int)(sizeof by_names / sizeof by_names[0]))

int crm_fb_by_parse(const char *name)
{
	int i;
	for (i = 0; i < NBY; i++)
		if (!strcmp(name, by_names[i]))
			return i;
	return -1;
}

const char *crm_fb_by_name(enum crm_fb_by by)
{
	return by_names[by];
}

/* Shares as nps.h's CSAT: k "satisfied" answers of n, so that the test is
 * crm_nps_change's. */
static void share_result(const struct crm_fb_share *s, struct crm_nps_result *r)
{
	struct crm_nps_acc a;
	crm_nps_acc_init(&a);
	crm_nps_add_many(&a, 5, s->k);
	crm_nps_add_many(&a, 1, s->n - s->k);
	crm_nps_compute(&a, CRM_SCALE_CSAT, r);
}

int crm_fb_share_change(const struct crm_fb_share *prev, const struct crm_fb_share *cur,
			double *delta, double *noise)
{
	struct crm_nps_result a, b;
	int r;
	share_result(prev, &a);
	share_result(cur, &b);
	r = crm_nps_change(&a, &b, delta, noise);
	/* both shares at 0% or 100%: the normal approximation has no noise to
	 * give, and a change from 1 of 1 to 0 of 1 is no evidence: no test */
	return r >= 0 && *noise == 0 && *delta != 0 ? -1 : r;
}

/* ---- accumulating ------------------------------------------------------------- */

struct cell {
	long long mentions, negative, rating_n;
	double rating_sum;
	struct crm_fb_example *ex;       /* examples slots, most recent first */
	int nex;
};

struct acc {
	long long texts;
	struct cell *c;                  /* per topic */
};

struct group {
	char *key;
	struct acc cur, all;             /* the period's texts; both periods' */
};

struct run {
	const struct crm_fb_topics_opts *o;
	int ntopics;
	struct group *g;
	size_t n, cap;
	size_t *slot, nslot;             /* index + 1, 0 empty */
	long long texts[2];              /* of the period, of the previous one */
};

static uint64_t hash_key(const char *key)
{
	uint64_t h = key ? 1469598103934665603ULL : 7;
	const unsigned char *p = (const unsigned char *)(key ? key : "");
	for (; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void rehash(struct run *r)
{
	size_t i, j;
	free(r->slot);
	r->nslot = r->nslot ? 2 * r->nslot : 64;
	r->slot = crm_xcalloc(r->nslot, sizeof *r->slot);
	for (i = 0; i < r->n; i++) {
		for (j = hash_key(r->g[i].key) & (r->nslot - 1); r->slot[j]; j = (j + 1) & (r->nslot - 1))
			;
		r->slot[j] = i + 1;
	}
}

/* The group of key; NULL when there is none and make is 0. */
static struct group *group_of(struct run *r, const char *key, int make)
{
	size_t j;
	struct group *g;
	if (2 * (r->n + 1) > r->nslot)
		rehash(r);
	for (j = hash_key(key) & (r->nslot - 1); r->slot[j]; j = (j + 1) & (r->nslot - 1))
		if (same(r->g[r->slot[j] - 1].key, key))
			return &r->g[r->slot[j] - 1];
	if (!make)
		return NULL;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->g = crm_xrealloc(r->g, r->cap * sizeof *r->g);
	}
	g = &r->g[r->n];
	g->key = crm_xstrdup_or_null(key);
	g->cur = (struct acc){0, crm_xcalloc((size_t)r->ntopics + 1, sizeof(struct cell))};
	g->all = (struct acc){0, crm_xcalloc((size_t)r->ntopics + 1, sizeof(struct cell))};
	r->slot[j] = ++r->n;
	return g;
}

/* The text's key under o->by into buf: NULL when it has none. */
static const char *key_of(const struct crm_fb_topics_opts *o, const struct crm_fb_text *t,
			  char buf[CRM_DATE_LEN])
{
	char month[CRM_DATE_LEN];
	int64_t day;
	switch (o->by) {
	case CRM_FB_BY_NONE: return NULL;
	case CRM_FB_BY_MONTH:
	case CRM_FB_BY_WEEK:
		if (!t->at || strlen(t->at) != CRM_TIME_LEN - 1)
			return NULL;
		day = crm_local_day(o->tz, crm_time_epoch(t->at));
		crm_day_labels(day, o->week_start, month, buf);
		if (o->by == CRM_FB_BY_MONTH)
			memcpy(buf, month, CRM_DATE_LEN);
		return buf;
	case CRM_FB_BY_PLATFORM: return t->platform;
	case CRM_FB_BY_SKU: return t->sku;
	case CRM_FB_BY_CATEGORY: return t->category;
	case CRM_FB_BY_SOURCE: return crm_fb_source_name(t->source);
	}
	return NULL;
}

/* Is example a more recent than b?  Ties by source, then id. */
static int newer(const char *at, enum crm_fb_source s, const char *id,
		 const struct crm_fb_example *b)
{
	int c = strcmp(at ? at : "", b->at ? b->at : "");
	if (c)
		return c > 0;
	if (s != b->source)
		return s < b->source;
	return strcmp(id, b->id) < 0;
}

static void keep_example(struct cell *c, int max, const struct crm_fb_text *t)
{
	int i;
	if (!c->ex)
		c->ex = crm_xcalloc((size_t)max, sizeof *c->ex);
	for (i = c->nex; i > 0 && newer(t->at, t->source, t->id, &c->ex[i - 1]); i--)
		;
	if (i == max)
		return;
	if (c->nex == max) {   /* the oldest goes */
		free(c->ex[max - 1].id);
		free(c->ex[max - 1].at);
		free(c->ex[max - 1].excerpt);
		c->nex--;
	}
	memmove(&c->ex[i + 1], &c->ex[i], (size_t)(c->nex - i) * sizeof *c->ex);
	c->ex[i] = (struct crm_fb_example){crm_xstrdup(t->id), crm_xstrdup_or_null(t->at),
		crm_fb_excerpt(t->text, t->len, CRM_FB_EXCERPT), t->source};
	c->nex++;
}

static void add(struct acc *a, const struct crm_fb_text *t, int now, int examples)
{
	int i;
	a->texts++;
	for (i = 0; i < t->nhits; i++) {
		struct cell *c = &a->c[t->hits[i].topic];
		c->mentions++;
		c->negative += t->sentiment == CRM_NEGATIVE || t->hits[i].negated;
		if (!now)
			continue;
		if (t->rating >= 1 && t->source != CRM_FB_RESPONSES) {
			c->rating_n++;
			c->rating_sum += t->rating;
		}
		if (examples)
			keep_example(c, examples, t);
	}
}

static int on_text(const struct crm_fb_text *t, void *ctx)
{
	struct run *r = ctx;
	char buf[CRM_DATE_LEN];
	struct group *g = group_of(r, key_of(r->o, t, buf), 1);
	int now = t->at && strcmp(t->at, r->o->fb.from) >= 0;
	r->texts[!now]++;
	add(&g->all, t, 0, 0);
	if (now)
		add(&g->cur, t, 1, r->o->examples);
	return 0;
}

/* ---- the rows ------------------------------------------------------------------ */

/* The label of the month or week before `key` into out, or NULL. */
static const char *label_before(enum crm_fb_by by, const char *key, char out[CRM_DATE_LEN])
{
	int64_t day;
	int y, m;
	char date[CRM_DATE_LEN];
	if (!key)
		return NULL;
	if (by == CRM_FB_BY_WEEK) {
		if (crm_date_day(key, &day) < 0 || crm_day_date(day - 7, out) < 0)
			return NULL;
		return out;
	}
	if (sscanf(key, "%4d-%2d", &y, &m) != 2 || crm_day_date(crm_month_first(y, m - 1), date) < 0)
		return NULL;
	memcpy(out, date, 7);
	out[7] = '\0';
	return out;
}

/* What the group's period is compared with: the same group's texts of the
 * previous period, or for months and weeks the group before it. */
static void base_of(struct run *r, const struct group *g, int topic, struct crm_fb_share *m,
		    long long *neg)
{
	char buf[CRM_DATE_LEN];
	const struct group *b;
	*m = (struct crm_fb_share){0, 0};
	*neg = 0;
	if (r->o->by != CRM_FB_BY_MONTH && r->o->by != CRM_FB_BY_WEEK) {
		m->n = g->all.texts - g->cur.texts;
		m->k = g->all.c[topic].mentions - g->cur.c[topic].mentions;
		*neg = g->all.c[topic].negative - g->cur.c[topic].negative;
		return;
	}
	if (!g->key || !(b = group_of(r, label_before(r->o->by, g->key, buf), 0)))
		return;
	m->n = b->all.texts;
	m->k = b->all.c[topic].mentions;
	*neg = b->all.c[topic].negative;
}

static void test_row(struct crm_fb_topic_row *w)
{
	struct crm_fb_share neg = {w->mentions.n, w->negative};
	struct crm_fb_share pneg = {w->prev_mentions.n, w->prev_negative};
	int s;
	w->significant = crm_fb_share_change(&w->prev_mentions, &w->mentions, &w->delta, &w->noise);
	w->delta = w->significant < 0 ? NAN : w->delta;
	w->noise = w->significant < 0 ? NAN : w->noise;
	s = crm_fb_share_change(&pneg, &neg, &w->neg_delta, &w->neg_noise);
	w->rising = s == 1 && w->neg_delta > 0;
	if (s < 0)
		w->neg_delta = w->neg_noise = NAN;
}

static void group_rows(struct run *r, struct group *g, struct crm_fb_topics *out, size_t *cap)
{
	int i;
	for (i = 0; i < r->ntopics; i++) {
		struct crm_fb_topic_row w;
		struct cell *c = &g->cur.c[i];
		memset(&w, 0, sizeof w);
		base_of(r, g, i, &w.prev_mentions, &w.prev_negative);
		if (!c->mentions && !w.prev_mentions.k)
			continue;
		w.key = g->key;
		w.topic = i;
		w.name = crm_topics_name(r->o->fb.topics, i);
		w.mentions = (struct crm_fb_share){g->cur.texts, c->mentions};
		w.negative = c->negative;
		w.rating_sum = c->rating_sum;
		w.rating_n = c->rating_n;
		w.ex = c->ex;
		w.nex = c->nex;
		test_row(&w);
		if (out->n == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			out->rows = crm_xrealloc(out->rows, *cap * sizeof *out->rows);
		}
		out->rows[out->n++] = w;
	}
}

static int by_key(const void *a, const void *b)
{
	const struct group *x = *(const struct group *const *)a, *y = *(const struct group *const *)b;
	if (!x->key || !y->key)
		return !x->key - !y->key;
	return strcmp(x->key, y->key);
}

static void make_rows(struct run *r, struct crm_fb_topics *out)
{
	struct group **order = crm_xcalloc(r->n + 1, sizeof *order);
	size_t i, cap = 0;
	for (i = 0; i < r->n; i++)
		order[i] = &r->g[i];
	qsort(order, r->n, sizeof *order, by_key);
	for (i = 0; i < r->n; i++)
		if (order[i]->cur.texts)
			group_rows(r, order[i], out, &cap);
	free(order);
}

int crm_feedback_topics(struct crm_db *db, const struct crm_fb_topics_opts *o,
			struct crm_fb_topics *out)
{
	struct run *r = crm_xcalloc(1, sizeof *r);
	struct crm_fb_opts fb = o->fb;
	int rc;
	memset(out, 0, sizeof *out);
	out->priv_ = r;
	r->o = o;
	r->ntopics = crm_topics_count(o->fb.topics);
	fb.from = o->prev_from;
	rc = crm_feedback_each(db, &fb, on_text, r, &out->counts);
	if (rc == CRM_OK)
		make_rows(r, out);
	out->texts = r->texts[0];
	out->prev_texts = r->texts[1];
	return rc;
}

static void release_acc(struct acc *a, int ntopics)
{
	int i, k;
	for (i = 0; i < ntopics; i++) {
		for (k = 0; k < a->c[i].nex; k++) {
			free(a->c[i].ex[k].id);
			free(a->c[i].ex[k].at);
			free(a->c[i].ex[k].excerpt);
		}
		free(a->c[i].ex);
	}
	free(a->c);
}

void crm_fb_topics_release(struct crm_fb_topics *t)
{
	struct run *r = t->priv_;
	size_t i;
	if (r) {
		for (i = 0; i < r->n; i++) {
			release_acc(&r->g[i].cur, r->ntopics);
			release_acc(&r->g[i].all, r->ntopics);
			free(r->g[i].key);
		}
		free(r->g);
		free(r->slot);
		free(r);
	}
	free(t->rows);
	memset(t, 0, sizeof *t);
}
