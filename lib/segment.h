/*
 * segment.h - named segments of customers from their RFM figures (rfm.h),
 * and the history of saved segment runs: who moved where.
 *
 * Contract:
 *  - A scheme maps every customer to exactly one segment by index:
 *    - "rfm": the R x F grid below, which covers each of the 25 cells once:
 *        Champions R5 F4-5        Loyal R3-4 F4-5        Potential Loyalists R4-5 F2-3
 *        New R5 F1                Promising R4 F1        Need Attention R3 F3
 *        About to Sleep R3 F1-2   At Risk R1-2 F3-4      Can't Lose R1-2 F5
 *        Hibernating R1-2 F1-2
 *    - "lifecycle": the first that holds of
 *        Lost     recency > lost_days
 *        At Risk  recency > risk_days
 *        New      tenure <= new_days
 *        VIP      frequency >= vip_orders, or monetary >= vip_spend if set
 *        Regular  everybody else
 *    - "rules": a rules file (rules.h); a customer no rule matches is "Other".
 *  - Segment names compare case-insensitively (crm_segment_find); the
 *    built-in segments' Korean labels (이탈위험 for At Risk, ...) name them
 *    too, in every locale.  What is stored and written to CSV is always the
 *    English name; crm_segment_label() is the name shown to a person: the
 *    Korean label when the messages are Korean (i18n.h), else the name.
 *  - A saved run (crm_run_begin .. crm_run_finish) records the as-of day,
 *    the scheme and every customer's segment and figures (recency,
 *    frequency, monetary, r, f, m): one row of segment_runs, and the
 *    members as one blob (runblob.h) in segment_blobs, written in one go.
 *    crm_run_moves() counts, for two runs, the customers per (old segment,
 *    new segment) pair that differ, with "(new)" and "(gone)" for
 *    customers in one run only; crm_run_movers() lists them.  Both read
 *    the two blobs side by side, in customer order: memory for the two
 *    blobs (~15 bytes a customer each), time for one pass.
 *  - A blob that does not decode is bad data in the database: "PATH:
 *    segment run N: its saved members cannot be read: REASON (at byte B)",
 *    CRM_EDATA.  Functions return CRM_OK or an exit code, having reported.
 */
#ifndef CRM_SEGMENT_H
#define CRM_SEGMENT_H

#include <stdint.h>

#include "db.h"
#include "rfm.h"
#include "rules.h"

enum crm_scheme_kind { CRM_SCHEME_RFM, CRM_SCHEME_LIFECYCLE, CRM_SCHEME_RULES };

struct crm_lifecycle {
	int new_days, risk_days, lost_days, vip_orders;
	int64_t vip_spend;           /* minor units; -1: not used */
};
#define CRM_LIFECYCLE_DEFAULTS {30, 90, 365, 5, -1}

struct crm_scheme {
	enum crm_scheme_kind kind;
	struct crm_lifecycle life;
	const struct crm_rules *rules;
	int n;                       /* number of segments */
	const char **names;
};

void crm_scheme_rfm(struct crm_scheme *s);
void crm_scheme_lifecycle(struct crm_scheme *s, const struct crm_lifecycle *l);
void crm_scheme_rules(struct crm_scheme *s, const struct crm_rules *rules);
void crm_scheme_release(struct crm_scheme *s);
/* "rfm", "lifecycle" or "rules" */
const char *crm_scheme_label(const struct crm_scheme *s);

/* The segment of the R x F grid cell (scores 1..5), by name; and how many
 * of the grid's segments claim the cell (1 for each cell: tests prove it). */
const char *crm_grid_segment(int r, int f);
int crm_grid_claims(int r, int f);
/* Index of a customer's segment in s->names. */
int crm_segment_of(const struct crm_scheme *s, const struct crm_rfm_entry *e);
/* Index of a segment by name (any case), or -1. */
int crm_segment_find(const struct crm_scheme *s, const char *name);
/* "A, B, C": the scheme's segment names, for messages. */
void crm_segment_list(const struct crm_scheme *s, char *out, size_t size);
/* The name of a segment as a person reads it (the contract above). */
const char *crm_segment_label(const char *name);
/* The segment name an argument means: the English name of a Korean label
 * (이탈위험 -> At Risk), else the argument itself. */
const char *crm_segment_name(const char *arg);

/* ---- history ---------------------------------------------------------------------- */

/* Start a saved run into *run; the caller then adds every customer with
 * crm_run_add, in customer order (bytewise: crm_rfm's), inside the same
 * write transaction.  The scheme s must outlive the run.  The run before
 * it is read as the members come, to count the flows: when it cannot be,
 * this fails (CRM_EDATA, naming that run). */
struct crm_run;
int crm_run_begin(struct crm_db *db, const struct crm_rfm *r, const struct crm_scheme *s,
		  struct crm_run **run);
/* segment: the customer's index in the scheme's names.  Its flow from the
 * run before is counted as it comes (the two runs merged). */
int crm_run_add(struct crm_run *run, const char *customer_id, const struct crm_rfm_entry *e,
		int segment);
/* After the last customer: save the members, the count and the flows; the
 * run id, or -1 after reporting. */
long long crm_run_finish(struct crm_run *run);
/* Free the run, saved or not; safe with NULL. */
void crm_run_free(struct crm_run *run);

/* The ids of the last two saved runs; CRM_EDATA (reported) if fewer. */
int crm_run_last_two(struct crm_db *db, long long *older, long long *newer);
/* The ids and as-of days of up to n latest runs, newest first: how many,
 * or -1 after reporting a database error.  Quiet when there are none. */
int crm_run_latest(struct crm_db *db, int n, long long *ids, char (*as_of)[16]);
/*
 * A saved run's flows: for each pair (segment in the run before, segment in
 * this run), how many customers, stays included; "(new)" and "(gone)" stand
 * for a customer in one run only.  They are counted once, when the run is
 * saved, so that a report reads a few rows instead of merging two runs: the
 * rows db.h's CRM_FLOWS_SQL gave from schema 8's segment_members.
 */
typedef int crm_flow_fn(const char *from, const char *to, long long customers, void *ctx);
/* The flows into a saved run, most customers first. */
int crm_run_flows(struct crm_db *db, long long run, crm_flow_fn *fn, void *ctx);
/* Is run `id` saved?  1 or 0, or -1 after reporting a database error. */
int crm_run_exists(struct crm_db *db, long long id);
/* Do a saved run's members read to their end?  CRM_OK, or the exit code
 * after reporting: for a command that checks before it writes anything
 * (the merges below stream, and would stop part way). */
int crm_run_readable(struct crm_db *db, long long id);

typedef int crm_move_fn(const char *from, const char *to, long long customers, void *ctx);
int crm_run_moves(struct crm_db *db, long long older, long long newer, crm_move_fn *fn,
		  void *ctx);
typedef int crm_mover_fn(const char *id, const char *email, const char *name,
			 const char *from, const char *to, void *ctx);
int crm_run_movers(struct crm_db *db, long long older, long long newer, crm_mover_fn *fn,
		   void *ctx);
typedef int crm_runrow_fn(long long id, const char *saved_at, const char *as_of,
			  const char *scheme, const char *currency, long long customers, void *ctx);
int crm_run_list(struct crm_db *db, crm_runrow_fn *fn, void *ctx);
/* Register crm_run_segment(customer_id) on db's connection: the customer's
 * segment name in saved run `run`, NULL when not one of its members (a
 * binary search of the run, decoded whole: ~20 bytes a member).  For
 * queries that group by a saved run's segments (survey.c). */
int crm_run_segment_fn(struct crm_db *db, long long run);

#endif
