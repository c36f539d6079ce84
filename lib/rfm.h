/*
 * rfm.h - recency, frequency and monetary value of customers, and their
 * scores from 1 to 5.
 *
 * Contract:
 *  - A crm_rfm holds one entry per customer with at least one counting order
 *    (paid or pending; stats.h) on or before the as-of day, in one currency:
 *      recency   days from the local day of the last order to the as-of day
 *      tenure    days from the local day of the first order to the as-of day
 *      frequency the number of orders
 *      monetary  their total, in minor units of the currency
 *    Local days are calendar days in the time zone given (--tz, TZ).
 *  - Entries are in customer_id order (bytewise), whatever the input order.
 *  - From the database, figures come from customer_stats (kept at import),
 *    read in two halves at once, split at a customer id, by this connection
 *    and a second one on a second thread; the second one's half is read
 *    again here when a writer committed meanwhile, or when this
 *    connection's read snapshot began before the call (without the write
 *    lock).  When the as-of day lies before some customer's last order,
 *    figures are computed from the orders on or before that day instead
 *    (slower, same result); only then is a second currency an error, if
 *    none was chosen.  From an orders CSV stream they are summed in memory that grows
 *    with the number of customers, not of orders (custsum.h), the rows read
 *    and normalised on a second thread (feed.h).  Both give the same result
 *    for the same orders.
 *  - Quintile scores: for a figure where more is better (frequency,
 *    monetary, and recency negated), a customer's score is
 *      1 + floor(5 * B / N)
 *    where N is the number of customers and B the number whose figure is
 *    strictly worse.  Equal figures always get equal scores, the input order
 *    never matters, and the worst figure always scores 1; with one customer,
 *    or all equal, everybody scores 1.  A small population leaves some
 *    scores unused (N = 2: scores 1 and 3).
 *  - Fixed bins: four increasing cut-offs c1 < c2 < c3 < c4.  For frequency
 *    and monetary (in major units of the currency) the score is 1 plus the
 *    number of cut-offs the figure exceeds; for recency (days) it is 5 minus
 *    the number of cut-offs the recency exceeds.
 *  - Functions return CRM_OK or an exit code, having reported the error.
 */
#ifndef CRM_RFM_H
#define CRM_RFM_H

#include <stdint.h>

#include "csvio.h"
#include "custsum.h"
#include "db.h"
#include "norm.h"
#include "opts.h"
#include "strpool.h"

enum crm_fig { CRM_FIG_R, CRM_FIG_F, CRM_FIG_M, CRM_NFIG };

/* Fixed cut-offs for one figure, or none (quintiles). */
struct crm_bins {
	int set;
	int64_t cut[4];          /* days, orders, or minor units */
};

struct crm_rfm_opts {
	const struct crm_tz *tz;
	const char *as_of;       /* "YYYY-MM-DD", or NULL for the default */
	/* --currency (none: the only one there is), and for a stream --map of
	 * crm-import and --date-order; never NULL */
	const struct crm_input *in;
	struct crm_csv_opts csv; /* stream input */
	/* the database's ids too, read with the figures, for a caller that
	 * lists the ids alone (crm_rfm_each_id): no second pass over them */
	int ids;
};

/* One customer's figures and scores. */
struct crm_rfm_entry {
	int32_t recency, tenure;
	int32_t frequency;
	unsigned char score[CRM_NFIG];
	int64_t monetary;
};

struct crm_rfm {
	struct crm_rfm_entry *e;
	size_t n;
	int64_t as_of;           /* day number (norm.h) */
	char as_of_date[CRM_DATE_LEN];
	char currency[4];
	/* what the database path needs to list the same customers again */
	int from_orders;         /* figures computed from orders, not customer_stats */
	char as_of_end[CRM_TIME_LEN];   /* first instant after the as-of day, UTC */
	/* the stream's customers, parallel to e (NULL for the database unless
	 * opts.ids; email and name NULL too when no customer has one), their
	 * texts in `texts` */
	char **id, **email, **name;
	struct crm_custsum *texts;
	int db_ids;              /* id holds the database's ids (opts.ids) ... */
	struct crm_strpool idpool;   /* ... in here */
	long long bad_rows;      /* stream rows reported and skipped */
};

/* Parse --bins "R=30,90,180,365" (one figure per option); money in major
 * units of `currency` (NULL: exponent 0).  0, or -1 with a reason in err. */
int crm_bins_parse(const char *arg, const char *currency, struct crm_bins bins[CRM_NFIG],
		   char *err, size_t errsize);

/* Figures from the database, inside a read transaction that the
 * caller keeps open while it lists the customers (crm_rfm_each). */
int crm_rfm_load_db(struct crm_db *db, const struct crm_rfm_opts *o, struct crm_rfm *out);

/* Figures from an orders CSV (path "-": standard input).  Bad rows
 * are reported as FILE:LINE, counted in bad_rows and skipped: they do not
 * make the result an error by themselves.  An order without customer_id is
 * its e-mail's customer, as crm-import makes it; without either, a guest's. */
int crm_rfm_load_csv(const char *path, const struct crm_rfm_opts *o, struct crm_rfm *out);

/* Score every entry: quintiles, or the fixed bins of figures that have them
 * (bins[] as crm_bins_parse fills it, all zero for quintiles only). */
void crm_rfm_score(struct crm_rfm *r, const struct crm_bins bins[CRM_NFIG]);

/* The customers' descriptive columns, entry by entry in the same order. */
struct crm_rfm_who {
	const char *id, *email, *name;
	const char *first, *last;   /* dates "YYYY-MM-DD" */
	int opted_in;              /* 1, 0, or -1 when unknown */
};
typedef int crm_rfm_fn(size_t i, const struct crm_rfm_who *who, void *ctx);
/* Call fn for each entry, in order; stops at fn's nonzero result, which it
 * returns, else CRM_OK or an exit code. */
int crm_rfm_each(struct crm_db *db, const struct crm_rfm *r, crm_rfm_fn *fn, void *ctx);
/* The same for a caller that needs no customer's columns but the id (a
 * --save of the summary): first and last are NULL, opted_in -1, and from
 * the database email and name too: no customers row is read, and with
 * opts.ids no row at all. */
int crm_rfm_each_id(struct crm_db *db, const struct crm_rfm *r, crm_rfm_fn *fn, void *ctx);

void crm_rfm_release(struct crm_rfm *r);

#endif
