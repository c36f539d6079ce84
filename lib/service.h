/*
 * service.h - the help desk's figures: response and resolution times in
 * business or calendar hours, one-touch and reopen rates, CSAT, SLA
 * breaches, the tickets that missed and the backlog.  crm-service prints
 * them; crm-report's service section takes its figures from here too.
 *
 * Contract:
 *  - The tickets of a run are those opened in [from, to) (canonical UTC
 *    bounds) and before `end`, the instant the figures are taken at: what
 *    happened after it (a response, a resolution) has not happened yet, so
 *    a back-dated run does not change as tickets move on.
 *  - Durations are from opened_at to first_response_at (first response)
 *    and to resolved_at (resolution), in the business hours of `sched`
 *    (schedule.h) or, when it is NULL, in calendar seconds.  A ticket whose
 *    times contradict each other has no duration and no SLA breach
 *    (ticket.h); it is counted in left_out, and in opened.
 *  - Figures of a group of tickets:
 *      opened       tickets
 *      solved       of them, resolved by `end` (a resolved_at before it, or
 *                   a status resolved or closed without one)
 *      first response, resolution   median and 90th percentile by nearest
 *                   rank, in hours, of the tickets that have one
 *      wait         median of how long customers waited for a first
 *                   response: its duration, or for a ticket not answered by
 *                   `end`, the time until `end`, so the slowest are in it
 *      one-touch    share of solved tickets with a replies count that were
 *                   solved with one reply
 *      reopened     share of solved tickets with a reopens count reopened
 *                   at least once
 *      CSAT         share of 4-5 ratings (nps.h, with its margin)
 *      SLA breaches tickets whose first response (resolution) took longer
 *                   than their target (sla.h), or has not come by `end`
 *                   when the target has passed; each target in its own
 *                   hours: business ones in sla_sched
 *  - Groups (by, up to CRM_SVC_NBY keys at once): a ticket's channel,
 *    category, priority, agent or team (NULL when it has none), or the
 *    month ("YYYY-MM") or week (its first day) of its local opening day in
 *    tz.  Groups come sorted by their keys, priorities most pressing first,
 *    NULL keys last.
 *  - Functions return CRM_OK or an exit code, having reported the error.
 */
#ifndef CRM_SERVICE_H
#define CRM_SERVICE_H

#include <stdint.h>

#include "db.h"
#include "norm.h"
#include "nps.h"
#include "schedule.h"
#include "sla.h"

enum crm_svc_by { CRM_SVC_CHANNEL, CRM_SVC_CATEGORY, CRM_SVC_PRIORITY, CRM_SVC_AGENT,
	CRM_SVC_TEAM, CRM_SVC_MONTH, CRM_SVC_WEEK, CRM_SVC_NBY };

/* "channel", ... -> the key; -1 for another name. */
int crm_svc_by_parse(const char *name);
const char *crm_svc_by_name(enum crm_svc_by by);

struct crm_service_opts {
	const char *from, *to;               /* opened in [from, to): canonical UTC */
	char end[CRM_TIME_LEN];              /* the figures' instant: canonical UTC */
	const struct crm_tz *tz;             /* months and weeks */
	int week_start;                      /* 1 Monday ... 7 Sunday */
	const struct crm_schedule *sched;    /* durations' hours; NULL: calendar */
	const struct crm_sla *sla;           /* NULL: no targets */
	const struct crm_schedule *sla_sched;   /* business targets' hours */
	enum crm_svc_by by[CRM_SVC_NBY];
	int nby;
};

struct crm_service_figures {
	long long opened, solved, left_out;
	long long first_n, resolve_n, wait_n;  /* durations behind the hours */
	double first_med, first_p90, resolve_med, resolve_p90, wait_med;   /* hours */
	long long touch_n, one_touch;          /* solved with a replies count; one reply */
	long long reopen_n, reopened;          /* solved with a reopens count; reopened */
	struct crm_nps_result csat;
	long long sla_first, sla_resolve;      /* tickets with that target */
	long long breach_first, breach_resolve;
};

struct crm_service_group {
	const char *key[CRM_SVC_NBY];          /* in the order of opts.by; NULL: none */
	struct crm_service_figures f;
};

struct crm_service {
	struct crm_service_group *g;
	size_t n;
	struct crm_service_figures all;        /* every ticket of the run; with groups,
						  its counts only (no hours) */
	void *priv_;
};

int crm_service_figures(struct crm_db *db, const struct crm_service_opts *o,
			struct crm_service *out);
void crm_service_release(struct crm_service *s);

/* A target missed: by a ticket of the run, oldest first, first response
 * before resolution. */
struct crm_service_breach {
	const char *ticket_id, *customer_id, *opened_at, *priority, *channel, *agent, *team;
	const char *target;                   /* "first_response" or "resolution" */
	int64_t limit, took;                  /* seconds in the target's hours */
	int calendar;                         /* the target's hours */
	int done;                             /* 0: not responded (resolved) by end */
};
typedef int crm_service_breach_fn(const struct crm_service_breach *b, void *ctx);
int crm_service_breaches(struct crm_db *db, const struct crm_service_opts *o,
			 crm_service_breach_fn *fn, void *ctx);

/* A ticket open at `end`: opened before it (in any period) and neither
 * resolved by it nor closed; oldest first.  Its age in calendar seconds
 * and, with a schedule, in business seconds (else -1); band 0..3 for
 * less than 1 day, 1-3 days, 3-7 days, more than 7 days of calendar age. */
struct crm_service_open {
	const char *ticket_id, *customer_id, *opened_at, *status, *priority, *channel;
	const char *agent, *team, *subject;
	int64_t age, business_age;
	int answered;                         /* a first response by end */
	int band;
};
extern const char *const crm_service_bands[4];   /* "<1d", "1-3d", "3-7d", ">7d" */
typedef int crm_service_open_fn(const struct crm_service_open *t, void *ctx);
int crm_service_backlog(struct crm_db *db, const struct crm_service_opts *o,
			crm_service_open_fn *fn, void *ctx);

#endif
