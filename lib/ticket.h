/*
 * ticket.h - the one rule of a ticket's times: which of them make a
 * duration, and when they contradict each other.
 *
 * Contract:
 *  - A ticket has an opened_at and may have a first_response_at and a
 *    resolved_at (crm(7)), here as Unix seconds, negative for none.
 *  - Its times contradict each other when the first response is before the
 *    opening, the resolution before the opening, or the resolution before
 *    the first response.  crm_ticket_clash() names the first of these that
 *    holds, in that order; equal times are no contradiction.
 *  - A ticket whose times contradict each other has no duration at all: no
 *    first response time, no resolution time, and so no SLA breach either
 *    way, since none of its times can be trusted against the others.  It
 *    is still a ticket (it counts as opened).  crm-import stores its times
 *    as given and reports it; crm-report leaves it out of every duration,
 *    as any later reader of durations (crm-service) must: through
 *    crm_ticket_durations(), never a rule of its own.
 *  - A ticket whose times agree has a first response duration when it has
 *    a first_response_at, and a resolution duration when it has a
 *    resolved_at: that time minus opened_at, in seconds.
 *  - Pure functions of their arguments: any thread may call them.
 */
#ifndef CRM_TICKET_H
#define CRM_TICKET_H

#include <stddef.h>
#include <stdint.h>

enum crm_ticket_clash {
	CRM_TICKET_AGREE = 0,
	CRM_TICKET_FIRST_BEFORE_OPENED,      /* first_response_at < opened_at */
	CRM_TICKET_RESOLVED_BEFORE_OPENED,   /* resolved_at < opened_at */
	CRM_TICKET_RESOLVED_BEFORE_FIRST,    /* resolved_at < first_response_at */
};

struct crm_ticket_times {
	int64_t opened, first, resolved;     /* Unix seconds; negative: none */
};

/* Do the times contradict each other, and how (the first in the order of
 * the enum)? */
enum crm_ticket_clash crm_ticket_clash(const struct crm_ticket_times *t);

/* The column names of a contradiction's pair, the one that should be the
 * later first: "resolved_at" and "opened_at".  NULLs for CRM_TICKET_AGREE. */
void crm_ticket_clash_columns(enum crm_ticket_clash c, const char **later,
			      const char **earlier);

/* A ticket's durations in seconds: from opening to first response into
 * *first, to resolution into *resolve, each -1 when there is none: the time
 * is missing, or the times contradict each other.  Returns the clash. */
enum crm_ticket_clash crm_ticket_durations(const struct crm_ticket_times *t, int64_t *first,
					   int64_t *resolve);

/* The priorities a ticket may have, most pressing first, as stored (the
 * help desks' own words are mapped to them on import): "urgent", "high",
 * "normal", "low"; then NULL. */
extern const char *const crm_ticket_priorities[];
/* The index of priority s[0..n) in crm_ticket_priorities, or -1. */
int crm_ticket_priority(const char *s, size_t n);

#endif
