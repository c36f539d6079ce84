/* feedback.c - the texts customers wrote, read and tagged; see feedback.h. */
#include "feedback.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "diag.h"
#include "i18n.h"

static const char *const source_names[CRM_FB_NSOURCE] = {"reviews", "responses", "tickets"};
/* a row of a source, named in messages */
static const char *const row_names[CRM_FB_NSOURCE] = {"review", "response", "ticket"};

int crm_fb_source_parse(const char *name)
{
	int i;
	for (i = 0; i < CRM_FB_NSOURCE; i++)
		if (!strcmp(name, source_names[i]))
			return i;
	return -1;
}

const char *crm_fb_source_name(enum crm_fb_source s)
{
	return source_names[s];
}

/* Every source's rows in one shape: id, customer, time, two parts of text,
 * rating, sku, platform, channel, category, survey, replied_at.  The time
 * range is ?1, ?2 (NULL: no bound).  Rows come in the table's own order,
 * by id: read straight through, a million reviews take 0.2 s where the
 * same rows by time, each looked up from the index on the time, took 2.6 s
 * (and a range written with ?1 IS NULL cannot use that index anyway).  An
 * order's customer is looked up only for a row without one of its own
 * (coalesce evaluates its second argument only then). */
#define RANGE(at) " WHERE (?1 IS NULL OR " at " >= ?1) AND (?2 IS NULL OR " at " < ?2) " \
	"AND (" at " IS NOT NULL OR (?1 IS NULL AND ?2 IS NULL)) "
#define ORDER_CUSTOMER(r) "coalesce(" r ".customer_id, (SELECT o.customer_id FROM orders o " \
	"WHERE o.order_id = " r ".order_id))"
static const char *const source_sql[CRM_FB_NSOURCE] = {
	"SELECT r.review_id, " ORDER_CUSTOMER("r") ", r.posted_at, r.title, "
	"r.body, r.rating, r.sku, r.platform, NULL, NULL, NULL, r.replied_at FROM reviews r"
	RANGE("r.posted_at") "ORDER BY r.review_id",
	"SELECT r.response_id, " ORDER_CUSTOMER("r") ", r.answered_at, "
	"r.comment, NULL, r.score, NULL, NULL, r.channel, NULL, r.survey, NULL FROM responses r"
	RANGE("r.answered_at") "ORDER BY r.response_id",
	"SELECT ticket_id, customer_id, opened_at, subject, description, csat, sku, NULL, "
	"channel, category, NULL, NULL FROM tickets" RANGE("opened_at")
	"ORDER BY ticket_id",
};

enum { C_ID, C_CUSTOMER, C_AT, C_PART1, C_PART2, C_RATING, C_SKU, C_PLATFORM, C_CHANNEL,
	C_CATEGORY, C_SURVEY, C_REPLIED };

#define TEXT(st, c) ((const char *)sqlite3_column_text((st), (c)))

/* ---- sentiment ------------------------------------------------------------------- */

enum crm_sentiment crm_fb_sentiment(enum crm_fb_source s, int rating, const struct crm_topics *pol,
				    const char *text, size_t n, const char **source)
{
	static const char *const rated[CRM_FB_NSOURCE] = {"rating", "score", "csat"};
	if (rating < 0) {
		*source = "lexicon";
		return pol ? crm_topics_sentiment(pol, text, n, NULL) : CRM_NEUTRAL;
	}
	*source = rated[s];
	if (s == CRM_FB_RESPONSES)   /* NPS classes: detractors, passives, promoters */
		return rating <= 6 ? CRM_NEGATIVE : rating <= 8 ? CRM_NEUTRAL : CRM_POSITIVE;
	return rating <= 2 ? CRM_NEGATIVE : rating == 3 ? CRM_NEUTRAL : CRM_POSITIVE;
}

int crm_feedback_check_topics(const struct crm_topics *t, const char *name)
{
	char q[80];
	int i;
	for (i = 0; i < crm_topics_count(t); i++)
		if (strchr(crm_topics_name(t, i), ';')) {
			crm_error(_("%s: topic %s: ';' joins the topics of a text in the output; "
				  "name it without one"), name, crm_quote(crm_topics_name(t, i), q,
									sizeof q));
			return CRM_EUSAGE;
		}
	return CRM_OK;
}

int crm_feedback_dictionary(const char *path, const char *lang, struct crm_topics **topics,
			    struct crm_topics **polarity)
{
	char err[1024];
	int rc = CRM_OK;
	lang = lang ? lang : "all";
	*topics = *polarity = NULL;
	if (path) {
		if (!(*topics = crm_topics_load(path, err, sizeof err, &rc))) {
			crm_error("%s", err);
			return rc;
		}
		if ((rc = crm_feedback_check_topics(*topics, path)) != CRM_OK) {
			crm_topics_free(*topics);
			*topics = NULL;
			return rc;
		}
	} else {
		*topics = crm_topics_default(lang);
	}
	*polarity = crm_polarity_default(lang);
	return CRM_OK;
}

/* ---- reading ------------------------------------------------------------------- */

struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = b->n + n + 1 > 2 * b->cap ? b->n + n + 1 : 2 * b->cap;
		b->p = crm_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* The row's parts joined by a line end into b; a NUL inside a part (a
 * blob) ends it there, as text. */
static void join(sqlite3_stmt *st, struct buf *b)
{
	int c;
	b->n = 0;
	put(b, "", 0);
	for (c = C_PART1; c <= C_PART2; c++) {
		const char *s = TEXT(st, c);
		size_t n = s ? strlen(s) : 0;
		if (!n)
			continue;
		if (b->n)
			put(b, "\n", 1);
		put(b, s, n);
	}
}

static void read_row(sqlite3_stmt *st, enum crm_fb_source s, const struct crm_fb_opts *o,
		     struct buf *b, struct crm_fb_text *t)
{
	int n;
	join(st, b);
	t->source = s;
	t->id = TEXT(st, C_ID);
	t->customer_id = TEXT(st, C_CUSTOMER);
	t->at = TEXT(st, C_AT);
	t->text = b->p;
	t->len = b->n;
	t->rating = sqlite3_column_type(st, C_RATING) == SQLITE_INTEGER ?
		    sqlite3_column_int(st, C_RATING) : -1;
	if (t->rating < 0 || t->rating > (s == CRM_FB_RESPONSES ? 10 : 5) ||
	    (s != CRM_FB_RESPONSES && t->rating < 1))
		t->rating = -1;   /* off its scale: crm-import keeps none such */
	t->sku = TEXT(st, C_SKU);
	t->platform = TEXT(st, C_PLATFORM);
	t->channel = TEXT(st, C_CHANNEL);
	t->category = TEXT(st, C_CATEGORY);
	t->survey = TEXT(st, C_SURVEY);
	t->replied_at = TEXT(st, C_REPLIED);
	n = crm_topics_tag(o->topics, t->text, t->len, t->hits, CRM_FB_HITS);
	t->nhits = n < CRM_FB_HITS ? n : CRM_FB_HITS;
	t->sentiment = crm_fb_sentiment(s, t->rating, o->polarity, t->text, t->len,
					&t->sentiment_source);
	t->bad_utf8 = crm_topics_bad_utf8(t->text, t->len);
}

static int each_source(struct crm_db *db, enum crm_fb_source s, const struct crm_fb_opts *o,
		       crm_fb_text_fn *fn, void *ctx, struct crm_fb_counts *c)
{
	sqlite3_stmt *st = crm_db_prepare(db, source_sql[s]);
	struct crm_fb_text t;
	struct buf b = {NULL, 0, 0};
	char q[80], what[64];
	int rc, stop = 0;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, o->from);
	crm_bind_static(st, 2, o->to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&t, 0, sizeof t);
		read_row(st, s, o, &b, &t);
		c->texts++;
		if (t.bad_utf8 >= 0) {
			c->bad_utf8++;
			crm_error(_("%s: %s %s: invalid UTF-8 at byte %ld"), source_names[s],
				  row_names[s], crm_quote(t.id, q, sizeof q), t.bad_utf8 + 1);
		}
		if ((stop = fn(&t, ctx)) != 0)
			break;
	}
	sqlite3_finalize(st);
	free(b.p);
	if (stop)
		return stop;
	snprintf(what, sizeof what, _("read %s"), source_names[s]);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, what);
}

int crm_feedback_each(struct crm_db *db, const struct crm_fb_opts *o, crm_fb_text_fn *fn,
		      void *ctx, struct crm_fb_counts *c)
{
	struct crm_fb_counts none = {0, 0};
	unsigned sources = o->sources ? o->sources : CRM_FB_ALL;
	int s, rc = CRM_OK;
	if (!c)
		c = &none;
	for (s = 0; s < CRM_FB_NSOURCE && rc == CRM_OK; s++)
		if (sources & (1u << s))
			rc = each_source(db, s, o, fn, ctx, c);
	return rc;
}

/* ---- excerpts ------------------------------------------------------------------ */

char *crm_fb_excerpt(const char *text, size_t n, size_t max)
{
	size_t i = 0, chars = 0, len;
	uint32_t cp;
	char *out;
	while (i < n && chars < max) {
		len = (unsigned char)text[i] < 0x80 ? 1 : crm_utf8_char(text + i, &cp);
		i += len && i + len <= n ? len : 1;   /* a bad byte is one character */
		chars++;
	}
	out = crm_xmalloc(i + 4);
	memcpy(out, text, i);
	strcpy(out + i, i < n ? "..." : "");
	return out;
}
