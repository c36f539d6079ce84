/*
 * time - fuzz crm_parse_time and crm_parse_date (lib/norm.h) in several
 * zones (--tz: fixed offsets, named zones with summer time) and both date
 * orders, with the day arithmetic they rest on.
 *
 * Input: one byte choosing the zone and the date order, then the value.
 * Properties: an accepted time is canonical ("YYYY-MM-DDTHH:MM:SSZ"),
 * parses back to itself, and its epoch seconds fall on its own date; an
 * accepted date is canonical ("YYYY-MM-DD"), parses back to itself, and
 * its day number gives it back.
 */
#include "fuzz.h"
#include "norm.h"

#include <stdlib.h>
#include <string.h>

static const char *const zones[] = {
	"UTC", "Asia/Seoul", "America/New_York", "+09:00", "-0530", "Europe/London",
	"Australia/Lord_Howe", "America/Santiago",
};
#define NZONES (sizeof zones / sizeof *zones)

static const struct crm_tz *zone(unsigned i)
{
	static struct crm_tz *open[NZONES];
	const char *why;
	if (!open[i] && !(open[i] = crm_tz_open(zones[i], &why)))
		fuzz_fail("a zone does not open", zones[i]);
	return open[i];
}

static int64_t floor_day(int64_t t)
{
	return t / 86400 - (t % 86400 < 0);
}

static void check_time(const char *s, const struct crm_tz *tz, enum crm_date_order order)
{
	char out[CRM_TIME_LEN], again[CRM_TIME_LEN], date[CRM_DATE_LEN];
	const char *why;
	int64_t t;
	if (crm_parse_time(s, tz, order, out, &why) < 0)
		return;
	if ((t = crm_time_epoch(out)) == INT64_MIN)
		fuzz_fail("an accepted time is not canonical", out);
	if (crm_parse_time(out, tz, order, again, &why) < 0 || strcmp(again, out) != 0)
		fuzz_fail("a canonical time does not parse back to itself", out);
	crm_day_date(floor_day(t), date);
	if (strncmp(date, out, 10) != 0)
		fuzz_fail("a time's epoch seconds fall on another date", out);
	(void)crm_local_day(tz, t);
}

static void check_date(const char *s, enum crm_date_order order)
{
	char out[CRM_DATE_LEN], again[CRM_DATE_LEN];
	const char *why;
	int64_t day;
	if (crm_parse_date(s, order, out, &why) < 0)
		return;
	if (crm_date_day(out, &day) < 0)
		fuzz_fail("an accepted date is not canonical", out);
	if (crm_parse_date(out, order, again, &why) < 0 || strcmp(again, out) != 0)
		fuzz_fail("a canonical date does not parse back to itself", out);
	crm_day_date(day, again);
	if (strcmp(again, out) != 0)
		fuzz_fail("a date's day number gives another date", out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned b = fuzz_byte(&in);
	enum crm_date_order order = b & 0x80 ? CRM_DMY : CRM_MDY;
	const struct crm_tz *tz = zone((b & 0x7f) % NZONES);
	char *s = fuzz_rest(&in);
	fuzz_quiet();
	check_time(s, tz, order);
	check_date(s, order);
	free(s);
	return 0;
}
