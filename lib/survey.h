/*
 * survey.h - survey answers read for their figures (nps.h): counted per
 * group from a CSV stream or from the database; the detractors to call
 * back; the follow-ups that take them off that list.
 *
 * Contract:
 *  - Answers are counted per group (crm_nps_acc); no answer is kept, so
 *    memory grows with the number of groups (months, weeks, channels,
 *    segments, surveys), never with the number of answers.
 *  - Sources (--source): the database's responses (score, answered_at,
 *    channel, survey), tickets (csat; resolved_at, when CSAT is asked, or
 *    opened_at for a ticket not resolved; channel, category) or reviews
 *    (rating, posted_at, platform as the channel, sku).  A stream is read
 *    as responses.  Tickets and reviews are 1-5 ratings: CSAT only.
 *  - Groups: the values of the --by keys, in the order given.  month is
 *    "YYYY-MM" and week the date "YYYY-MM-DD" of its Monday, both of the
 *    local day of the answer's time in the time zone given; channel, survey,
 *    category, sku and segment are the text of the answer (from the
 *    database, segment is the customer's in the last saved segment run, the
 *    customer being the answer's or, without one, its order's), NULL when
 *    missing.  Groups
 *    come out sorted by their keys in that order, bytewise, a missing value
 *    first, so months and weeks sort in time.  Without keys there is one
 *    group, even with no answers.
 *  - With a time key, each group is linked to the previous period with
 *    answers of the group that has the same other keys (prev), for trends.
 *  - An empty score (NULL in the database) is no answer: counted in the
 *    group's acc.no_answer, in no figure, and no error.  Without a time, it
 *    is in the group whose time key is missing.
 *  - Filters: answered_at in [from, to) (canonical UTC times; an answer
 *    without a time is outside any range) and one survey.
 *  - A bad answer (a score that is not a number or outside the scale; with
 *    a time key, a time that is missing or not a time; a stream row with
 *    the wrong number of fields or broken quoting) is reported as
 *    "FILE:LINE: column 'score': 'x' is not a number" (from the database:
 *    "DB: response 'ID': ...", "ticket 'ID': column 'csat' ..."), counted
 *    by class and left out.
 *    With strict the first one stops the reading: CRM_EDATA.
 *  - Functions return CRM_OK or an exit code, having reported the error.
 */
#ifndef CRM_SURVEY_H
#define CRM_SURVEY_H

#include <stdint.h>

#include "csvio.h"
#include "db.h"
#include "norm.h"
#include "nps.h"
#include "opts.h"

enum crm_by { CRM_BY_MONTH, CRM_BY_WEEK, CRM_BY_CHANNEL, CRM_BY_SEGMENT, CRM_BY_SURVEY,
	CRM_BY_CATEGORY, CRM_BY_SKU, CRM_NBY };

/* "month", ... -> the key; -1 for another name. */
int crm_by_parse(const char *name);
const char *crm_by_name(enum crm_by by);
int crm_by_is_time(enum crm_by by);

enum crm_source { CRM_SOURCE_RESPONSES, CRM_SOURCE_TICKETS, CRM_SOURCE_REVIEWS };

/* "responses", "tickets", "reviews" -> the source; -1 for another name. */
int crm_source_parse(const char *name);

struct crm_survey_opts {
	enum crm_source source;    /* of --db; a stream is responses */
	enum crm_scale scale;
	enum crm_by by[CRM_NBY];
	int nby;
	const struct crm_tz *tz;
	const char *from, *to;     /* canonical UTC instants, or NULL */
	const char *survey;        /* keep this survey only, or NULL */
	int strict;
	/* a stream: the follow-ups, and the answers when not from the database */
	struct crm_csv_opts csv;
	const struct crm_input *in;   /* --map of crm-import, --date-order; never NULL */
};

/* Check the options against the source: when no scale was given
 * (scale_given 0), a source of 1-5 ratings takes csat; then 0, or -1 with
 * the usage error in why[size] for a scale, --survey or --by key the source
 * has not ("--by sku: tickets have no sku"). */
int crm_survey_check(struct crm_survey_opts *o, int scale_given, char *why, size_t size);

/* Bad answers by class: the counts of the summary line. */
struct crm_survey_bad {
	long long range, nan, other;
};
long long crm_survey_bad_total(const struct crm_survey_bad *b);

struct crm_group {
	char *key[CRM_NBY];        /* the value of each --by key, or NULL */
	struct crm_nps_acc acc;
	long prev;                 /* the previous period's index, or -1 */
};

struct crm_groups {
	struct crm_group *g;
	size_t n;
	long long rows;            /* answers read within the filters, bad ones included,
				      no answers not */
	struct crm_survey_bad bad;
	/* private: the hash of keys */
	uint32_t *slot;
	size_t nslot, cap;
};

/* Count the answers of a CSV stream (path "-": standard input). */
int crm_survey_load_csv(const char *path, const struct crm_survey_opts *o,
			struct crm_groups *out);
/* Count the answers of the database's table of o->source. */
int crm_survey_load_db(struct crm_db *db, const struct crm_survey_opts *o,
		       struct crm_groups *out);
void crm_groups_release(struct crm_groups *g);

/* ---- closed loop ---------------------------------------------------------------- */

/* A detractor (NPS score 0-6) not followed up yet, with what is known of the
 * customer: contact data and the last counting order (stats.h).  Strings
 * may be NULL. */
struct crm_detractor {
	const char *response_id, *answered_at, *comment, *survey, *channel;
	int score;
	const char *customer_id, *name, *email, *phone;
	const char *last_order;    /* local date of the last paid or pending order */
	long long orders;          /* paid or pending orders in that currency */
	const char *spent, *currency;   /* their total as a decimal amount */
};
typedef int crm_detractor_fn(const struct crm_detractor *d, void *ctx);

/* Every open detractor within the filters, newest answer first (answers
 * without a time last, ties by response_id); stops at fn's nonzero
 * result, which it returns. */
int crm_detractors_each(struct crm_db *db, const struct crm_survey_opts *o,
			crm_detractor_fn *fn, void *ctx);

struct crm_followup_counts {
	long long read, recorded, unchanged, rejected;
};

/*
 * Record the follow-ups of a CSV file (response_id or customer_id, optional
 * followed_at, default now, and note) in one transaction.  A response_id
 * records that answer; a customer_id alone (or an alias of one) records all
 * the customer's detractor answers given up to followed_at that are still
 * open.  An answer already recorded is unchanged.  An unknown answer or
 * customer, or a bad followed_at, is reported and rejected; with strict it
 * rolls everything back (CRM_EDATA).
 */
int crm_followups_record(struct crm_db *db, const char *path, const struct crm_survey_opts *o,
			 struct crm_followup_counts *c);

#endif
