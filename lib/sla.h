/*
 * sla.h - service level targets: how soon a ticket must get its first
 * response and its resolution, per priority and optionally per channel.
 *
 * The file (crm-service --sla FILE, crm-report --sla FILE), one statement a
 * line, '#' to the end of a line a comment, words separated by blanks:
 *
 *     hours business                  # the file's default: business or calendar
 *     urgent  first 1h   resolve 4h   calendar
 *     high    first 4h   resolve 16h
 *     normal  first 8h   resolve 40h
 *     low     first 16h  resolve 80h
 *     high via chat  first 10m        # a channel's own target
 *     default first 8h                # tickets with no priority
 *
 * Contract:
 *  - A target line is PRIORITY [via CHANNEL] then `first DURATION`,
 *    `resolve DURATION` or both, and optionally the hours it counts in
 *    (`business` or `calendar`, else the file's `hours`, else business).
 *    PRIORITY is one of ticket.h's priorities or `default`; DURATION is
 *    crm_parse_duration()'s form.  Days (`2d`) are refused in business
 *    hours, where a day could mean 24 hours or one opening day: write hours.
 *  - Refused with "FILE:LINE: column C: MESSAGE" (C in characters): an
 *    unknown word, an unknown priority, a missing or bad duration, a line
 *    with no target, a target given twice for the same priority and
 *    channel, a second `hours` line.  The file is read through textfile.h
 *    (its caps); a file with no target line is refused too.
 *  - The targets of a ticket (crm_sla_targets): each of the two is taken
 *    from the most specific line that sets it: its priority and channel,
 *    its priority, `default` and its channel, `default`.  A ticket whose
 *    priority is unknown (NULL) takes the `default` lines.  Channels are
 *    compared exactly as stored.
 */
#ifndef CRM_SLA_H
#define CRM_SLA_H

#include <stddef.h>

struct crm_sla;

/* One target: seconds (-1 none) and whether they are calendar seconds. */
struct crm_sla_target {
	long long secs;
	int calendar;
};

/* Read the file: the SLA, or NULL with the message in err (CRM_EIO in *rc
 * when it cannot be read, CRM_EUSAGE for bad content). */
struct crm_sla *crm_sla_load(const char *path, int *rc, char *err, size_t errsize);
/* The SLA of one `default` line in calendar hours: first and resolve in
 * seconds (0: none), for crm-report's --sla first=4h,resolve=2d. */
struct crm_sla *crm_sla_calendar(long long first, long long resolve);
void crm_sla_free(struct crm_sla *s);

/* The targets of a ticket of that priority (NULL: none) and channel (NULL:
 * none). */
void crm_sla_targets(const struct crm_sla *s, const char *priority, const char *channel,
		     struct crm_sla_target *first, struct crm_sla_target *resolve);

/* Does any target count in business hours (so a schedule is needed)? */
int crm_sla_uses_business(const struct crm_sla *s);

#endif
