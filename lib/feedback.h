/*
 * feedback.h - what customers say: the texts of reviews, survey answers and
 * tickets read from the database, each tagged with the topics it mentions
 * (topics.h) and a sentiment; per topic the figures of a period against the
 * one before; the negative reviews still waiting for a reply.  crm-feedback
 * prints them; crm-report's section takes its figures from here too.
 *
 * Contract: the texts.
 *  - A text is one row of a source: a review (title and body, rating 1-5,
 *    posted_at, sku, platform, replied_at), a survey answer (comment, score
 *    0-10, answered_at, channel, survey) or a ticket (subject and
 *    description, csat 1-5 when rated, opened_at, channel, category, sku).
 *    Two parts are joined by a line end, which is a clause break for the
 *    matcher.  The customer is the row's, else its order's (reviews and
 *    answers may name only an order).  A row with no text at all (all its
 *    parts NULL or empty) is still a text: it counts among the texts of a
 *    period and mentions no topic.
 *  - Texts of a range [from, to) of canonical UTC times (NULL: no bound;
 *    an answer without a time only when both are NULL), source by source in
 *    the order reviews, responses, tickets, each by id (the table's order,
 *    read straight through; sort by the time column where it matters).
 *  - Sentiment: from the rating when the row has one, reviews' rating and
 *    tickets' csat 1-2 negative, 3 neutral, 4-5 positive, answers' score by
 *    NPS class 0-6 / 7-8 / 9-10 (sentiment source "rating", "csat",
 *    "score"); else from the polarity lexicon ("lexicon").
 *  - Invalid UTF-8 in a text is tagged all the same (topics.h reads each
 *    bad byte as a space) and reported once per text on standard error as
 *    "PROG: reviews: review R1: invalid UTF-8 at byte N", N counted from 1
 *    in the joined text; crm_fb_counts.bad_utf8 counts them.
 *  - Topics in tag's output: the names joined by ';' in the dictionary's
 *    order; negated those of them with a negated mention (topics.h).
 *    crm_feedback_check_topics() refuses a dictionary with a ';' in a name.
 *
 * Contract: the figures of `topics` (crm_feedback_topics).
 *  - Texts of the period [from, to) and of the previous period [pfrom,
 *    from) are read once.  Per group (by: none, month, week, platform, sku,
 *    category or source; a text without the key in the group NULL) and
 *    topic, of the period's texts:
 *      texts       the group's texts (the denominator of the shares)
 *      mentions    texts mentioning the topic; share = mentions / texts
 *      negative    of them, texts that are negative or whose mention of the
 *                  topic is negated; negative share = negative / mentions
 *      avg_rating  mean of the 1-5 ratings of the mentioning texts that
 *                  have one: reviews' stars and tickets' csat (survey
 *                  scores, on 0-10, are left out), with their number
 *  - The change: the share of mentions now against the previous period's
 *    (the same key in the previous period; with by month or week, the
 *    month or week just before the row's, counted over both periods), in
 *    percentage points, with the two-proportion z test of nps.h:
 *        p = m / n,  SE = 100 sqrt(p (1 - p) / n)  (per period)
 *        significant when |p2 - p1| 100 > 1.96 sqrt(SE1^2 + SE2^2)
 *    (unpooled, as crm_nps_change tests CSAT; no test when a period has no
 *    texts, nor when both shares are at 0% or 100% and differ: the
 *    approximation then gives no noise at all).  `rising`: negative mentions per text grew and the same test
 *    on negative / texts says the growth is larger than the noise.
 *  - Examples: the n most recent of the period's texts mentioning the
 *    topic (ties by source then id), each an excerpt: the text cut after
 *    CRM_FB_EXCERPT characters (a bad byte counting as one) with "..."
 *    added, never inside a character.
 *  - Rows: groups sorted by key (NULL last), topics in the dictionary's
 *    order, topics no text of the group or of its base mentions left out.
 *
 * Contract: triage (crm_feedback_triage) and replies.
 *  - Waiting at `end`: reviews rated 1-2, posted before end, not replied
 *    by it (replied_at NULL or later), oldest first (ties by id), with the
 *    platform, sku and a product name from order_items, the customer (the
 *    review's or its order's) with name, email and phone, the last paid or
 *    pending order (stats.h, as crm-nps --detractors) and the wait end -
 *    posted_at in seconds.
 *  - Reply figures of the reviews posted in [from, to): how many, how many
 *    replied by end, the rate, and the reply time (replied_at - posted_at)
 *    median and 90th percentile by nearest rank in hours; the same counts
 *    for the negative ones.  A reply time below 0 (replied before posted)
 *    counts as replied but not in the times.
 *  - crm_feedback_replied() marks review id replied at `at` in one
 *    transaction.  A review already replied keeps its first time (the reply
 *    time measures the first answer): CRM_FB_KEPT with *first set.  An
 *    unknown id is CRM_FB_EUNKNOWN (6, crm-feedback's exit status), a time
 *    before the review was posted CRM_EDATA; neither reported here.
 *
 * Errors: convention (b) of diag.h unless said otherwise.
 */
#ifndef CRM_FEEDBACK_H
#define CRM_FEEDBACK_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "norm.h"
#include "topics.h"

enum crm_fb_source { CRM_FB_REVIEWS, CRM_FB_RESPONSES, CRM_FB_TICKETS, CRM_FB_NSOURCE };
#define CRM_FB_ALL ((1u << CRM_FB_NSOURCE) - 1)

/* "reviews", "responses", "tickets" -> the source; -1 for another name. */
int crm_fb_source_parse(const char *name);
const char *crm_fb_source_name(enum crm_fb_source s);

enum { CRM_FB_EUNKNOWN = 6, CRM_FB_KEPT = -1 };
#define CRM_FB_EXCERPT 200
#define CRM_FB_HITS 64        /* topics kept per text: more are counted, not named */

struct crm_fb_text {
	enum crm_fb_source source;
	const char *id, *customer_id, *at;   /* at: canonical UTC, or NULL */
	const char *text;                    /* the parts joined; never NULL */
	size_t len;
	int rating;                          /* -1: none */
	const char *sku, *platform, *channel, *category, *survey, *replied_at;
	/* the tagging */
	struct crm_topic_hit hits[CRM_FB_HITS];
	int nhits;
	enum crm_sentiment sentiment;
	const char *sentiment_source;        /* "rating", "score", "csat", "lexicon" */
	long bad_utf8;                       /* offset of the first bad byte, or -1 */
};

struct crm_fb_opts {
	unsigned sources;                    /* bits 1 << source; 0: all */
	const char *from, *to;               /* canonical UTC; NULL: no bound */
	const struct crm_topics *topics, *polarity;
};

struct crm_fb_counts {
	long long texts, bad_utf8;
};

/* The sentiment of a rating on its source's scale (-1: none, then
 * pol's reading of text[0..n)); *source gets the name of what decided. */
enum crm_sentiment crm_fb_sentiment(enum crm_fb_source s, int rating, const struct crm_topics *pol,
				    const char *text, size_t n, const char **source);

/* CRM_OK, or CRM_EUSAGE after reporting "NAME: topic 'X': ';' ..." */
int crm_feedback_check_topics(const struct crm_topics *t, const char *name);

/* The dictionary in force for crm-feedback and crm-report: the file path
 * (read once, its errors reported as "PATH:LINE: column C: ...", then
 * checked by crm_feedback_check_topics()), else the built-in one of lang
 * ("ko", "en" or "all"; NULL: "all"); and the polarity lexicon of lang.
 * CRM_OK, or the exit code of the error reported (nothing to free then). */
int crm_feedback_dictionary(const char *path, const char *lang, struct crm_topics **topics,
			    struct crm_topics **polarity);

typedef int crm_fb_text_fn(const struct crm_fb_text *t, void *ctx);
/* Every text of o, tagged, to fn (stops at its nonzero result, returned);
 * counts added to *c (may be NULL). */
int crm_feedback_each(struct crm_db *db, const struct crm_fb_opts *o, crm_fb_text_fn *fn,
		      void *ctx, struct crm_fb_counts *c);

/* The excerpt of text[0..n) for people: at most max characters, then
 * "..." (crm_xmalloc'd). */
char *crm_fb_excerpt(const char *text, size_t n, size_t max);

/* ---- topics ------------------------------------------------------------------ */

enum crm_fb_by { CRM_FB_BY_NONE, CRM_FB_BY_MONTH, CRM_FB_BY_WEEK, CRM_FB_BY_PLATFORM,
	CRM_FB_BY_SKU, CRM_FB_BY_CATEGORY, CRM_FB_BY_SOURCE };
/* "month", ... -> the key; -1 for another name ("none" is none). */
int crm_fb_by_parse(const char *name);
const char *crm_fb_by_name(enum crm_fb_by by);

struct crm_fb_topics_opts {
	struct crm_fb_opts fb;               /* from, to: the period */
	const char *prev_from;               /* the previous period: [prev_from, fb.from) */
	enum crm_fb_by by;
	const struct crm_tz *tz;             /* months and weeks */
	int week_start;
	int examples;                        /* per topic and group, 0..100 */
};

struct crm_fb_share {
	long long n, k;                      /* texts, of them counted */
};

struct crm_fb_example {
	char *id, *at, *excerpt;
	enum crm_fb_source source;
};

struct crm_fb_topic_row {
	const char *key;                     /* the group's; NULL: none */
	int topic;
	const char *name;
	struct crm_fb_share mentions, prev_mentions;   /* k of n texts */
	long long negative, prev_negative;
	double rating_sum;
	long long rating_n;
	/* the tests: delta and noise in points; significant -1 when untested */
	double delta, noise, neg_delta, neg_noise;
	int significant, rising;
	struct crm_fb_example *ex;           /* the most recent first */
	int nex;
};

struct crm_fb_topics {
	struct crm_fb_topic_row *rows;
	size_t n;
	struct crm_fb_counts counts;         /* of every text read, both periods */
	long long texts, prev_texts;         /* of the period, of the previous one */
	void *priv_;
};

int crm_feedback_topics(struct crm_db *db, const struct crm_fb_topics_opts *o,
			struct crm_fb_topics *out);
void crm_fb_topics_release(struct crm_fb_topics *t);

/* The change of a share k/n from prev to cur, the z test above: sets
 * *delta and *noise in points and returns 1 (significant), 0, or -1 when
 * a period has no texts (nothing set). */
int crm_fb_share_change(const struct crm_fb_share *prev, const struct crm_fb_share *cur,
			double *delta, double *noise);

/* ---- triage ------------------------------------------------------------------ */

struct crm_fb_waiting {
	const char *review_id, *posted_at, *platform, *sku, *product, *title, *body;
	int rating;
	const char *customer_id, *name, *email, *phone;
	const char *last_order;              /* local date, or NULL */
	int64_t waited;                      /* seconds to end */
};
typedef int crm_fb_waiting_fn(const struct crm_fb_waiting *w, void *ctx);

struct crm_fb_triage_opts {
	const char *from, *to;               /* the period of the reply figures */
	char end[CRM_TIME_LEN];              /* the instant of the figures */
	const struct crm_tz *tz;
};

struct crm_fb_replies {
	long long reviews, replied, negative, negative_replied, timed;
	double median_h, p90_h;              /* NAN when no reply was timed */
	long long waiting;                   /* the list's length */
};

/* The waiting reviews to fn (NULL: counted only), oldest first, and the
 * reply figures into *r. */
int crm_feedback_triage(struct crm_db *db, const struct crm_fb_triage_opts *o,
			crm_fb_waiting_fn *fn, void *ctx, struct crm_fb_replies *r);

/* Mark review id replied at `at` (canonical UTC): CRM_OK, CRM_FB_KEPT (the
 * first time into first[CRM_TIME_LEN]), CRM_FB_EUNKNOWN, CRM_EDATA (at
 * before posted_at, which goes into first), or an exit code reported. */
int crm_feedback_replied(struct crm_db *db, const char *id, const char *at,
			 char first[CRM_TIME_LEN]);

#endif
