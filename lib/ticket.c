/* ticket.c - the rule of a ticket's times; see ticket.h. */
#include "ticket.h"

#include <stddef.h>
#include <string.h>

enum crm_ticket_clash crm_ticket_clash(const struct crm_ticket_times *t)
{
	if (t->opened >= 0 && t->first >= 0 && t->first < t->opened)
		return CRM_TICKET_FIRST_BEFORE_OPENED;
	if (t->opened >= 0 && t->resolved >= 0 && t->resolved < t->opened)
		return CRM_TICKET_RESOLVED_BEFORE_OPENED;
	if (t->first >= 0 && t->resolved >= 0 && t->resolved < t->first)
		return CRM_TICKET_RESOLVED_BEFORE_FIRST;
	return CRM_TICKET_AGREE;
}

void crm_ticket_clash_columns(enum crm_ticket_clash c, const char **later, const char **earlier)
{
	*later = *earlier = NULL;
	switch (c) {
	case CRM_TICKET_AGREE:
		break;
	case CRM_TICKET_FIRST_BEFORE_OPENED:
		*later = "first_response_at";
		*earlier = "opened_at";
		break;
	case CRM_TICKET_RESOLVED_BEFORE_OPENED:
		*later = "resolved_at";
		*earlier = "opened_at";
		break;
	case CRM_TICKET_RESOLVED_BEFORE_FIRST:
		*later = "resolved_at";
		*earlier = "first_response_at";
		break;
	}
}

enum crm_ticket_clash crm_ticket_durations(const struct crm_ticket_times *t, int64_t *first,
					   int64_t *resolve)
{
	enum crm_ticket_clash c = crm_ticket_clash(t);
	int ok = c == CRM_TICKET_AGREE && t->opened >= 0;
	*first = ok && t->first >= 0 ? t->first - t->opened : -1;
	*resolve = ok && t->resolved >= 0 ? t->resolved - t->opened : -1;
	return c;
}

const char *const crm_ticket_priorities[] = {"urgent", "high", "normal", "low", NULL};

int crm_ticket_priority(const char *s, size_t n)
{
	int i;
	for (i = 0; crm_ticket_priorities[i]; i++)
		if (strlen(crm_ticket_priorities[i]) == n && !memcmp(crm_ticket_priorities[i], s, n))
			return i;
	return -1;
}
