/*
 * period - fuzz the reporting periods (lib/period.h): crm_period_parse
 * relative to any day of years 1 to 9999 with any week start,
 * crm_period_span of two dates, crm_period_previous and crm_period_bounds.
 *
 * Input: three bytes for today, one for the week start, then the spec
 * (for a span: FROM, a newline, TO).  Properties: no period is reversed
 * or empty; its label is set; the period before it is not reversed and
 * ends where it starts; its bounds, when it has them, are not reversed.
 */
#include "fuzz.h"
#include "period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MIN (-719162)            /* 0001-01-01 */
#define DAYS 3652059                 /* to 9999-12-31 */

static const struct crm_tz *zone(void)
{
	static struct crm_tz *tz;
	const char *why;
	if (!tz && !(tz = crm_tz_open("America/New_York", &why)))
		fuzz_fail("a zone does not open", "America/New_York");
	return tz;
}

static void check(const struct crm_period *p, const char *spec)
{
	struct crm_period prev;
	char from[CRM_TIME_LEN], to[CRM_TIME_LEN];
	const char *why;
	if (p->from >= p->to)
		fuzz_fail("a period is reversed or empty", spec);
	if (!p->label[0] || !memchr(p->label, '\0', sizeof p->label))
		fuzz_fail("a period has no label", spec);
	crm_period_previous(p, &prev);
	if (prev.from >= prev.to || prev.to != p->from)
		fuzz_fail("the period before does not end where the period starts", spec);
	/* bounds, clamped to the times crm stores (CRM_TIME_FIRST..CRM_TIME_END),
	 * are equal for a period that lies wholly before year 1000: it selects
	 * nothing, which is right */
	if (crm_period_bounds(p, zone(), from, to, &why) == 0 && strcmp(from, to) > 0)
		fuzz_fail("a period's bounds are reversed", spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint32_t t = fuzz_byte(&in) << 16 | fuzz_byte(&in) << 8 | fuzz_byte(&in);
	int64_t today = DAY_MIN + (int64_t)(t % DAYS);
	int week_start = 1 + (int)(fuzz_byte(&in) % 7);
	char *s = fuzz_rest(&in), *nl;
	struct crm_period p;
	const char *why;
	fuzz_quiet();
	if (crm_period_parse(s, today, week_start, &p, &why) == 0)
		check(&p, s);
	if ((nl = strchr(s, '\n'))) {
		*nl = '\0';
		if (crm_period_span(s, nl + 1, &p, &why) == 0)
			check(&p, s);
	}
	(void)crm_weekday(today);
	if (crm_week_first(today, week_start) > today || crm_week_first(today, week_start) <= today - 7)
		fuzz_fail("the first day of a week does not hold the day", s);
	free(s);
	return 0;
}
