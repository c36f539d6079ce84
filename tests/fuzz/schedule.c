/*
 * schedule - fuzz the schedule parser (lib/schedule.h) and the business
 * seconds of what it reads.
 *
 * Input: one byte choosing the form (bit 0: a file through textfile.h, else
 * text in memory) and the instants (the other bits), then the schedule.
 * Properties: a refusal says why with exit code 2 or 3; a schedule that
 * parses prints a canonical text that parses back and prints the same; the
 * seconds of an interval lie between 0 and its length, add up at a point
 * between, and crm_schedule_add() is their inverse.
 */
#include "diag.h"
#include "fuzz.h"
#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *canonical(const struct crm_schedule *s)
{
	char *text = NULL;
	size_t n = 0;
	FILE *fp = crm_xcheck(open_memstream(&text, &n));
	crm_schedule_write(fp, s);
	fclose(fp);
	return text;
}

static void check_roundtrip(const struct crm_schedule *s)
{
	char err[512] = "";
	char *text = canonical(s);
	struct crm_schedule *t = crm_schedule_parse_text("canonical", text, err, sizeof err, NULL);
	if (!t)
		fuzz_fail("the canonical text does not parse", err);
	char *again = canonical(t);
	if (strcmp(text, again))
		fuzz_fail("the canonical text prints differently the second time", again);
	crm_schedule_free(t);
	free(text);
	free(again);
}

static void check_seconds(const struct crm_schedule *s, unsigned how)
{
	/* 2025-03-07, 2025-10-30 (both near DST changes), 1970, the range's ends */
	static const int64_t at[] = { 1741305600, 1761782400, 0, CRM_SCHEDULE_FIRST,
				      CRM_SCHEDULE_END - 86400 * 30 };
	static const int64_t len[] = { 3600, 86400 * 3 + 1234, 86400 * 40 + 59, 7 };
	int64_t a = at[(how >> 1) % 5], b = a + len[(how >> 4) & 3], mid = a + (b - a) / 3;
	int64_t n = crm_schedule_seconds(s, a, b);
	if (n < 0 || n > b - a)
		fuzz_fail("business seconds outside 0 and the interval's length", NULL);
	if (crm_schedule_seconds(s, a, mid) + crm_schedule_seconds(s, mid, b) != n)
		fuzz_fail("business seconds do not add up at a point between", NULL);
	if (crm_schedule_seconds(s, b, a) != 0)
		fuzz_fail("a reversed interval has business seconds", NULL);
	if (n > 0) {
		int64_t t = crm_schedule_add(s, a, n);
		if (t > b || crm_schedule_seconds(s, a, t) != n ||
		    crm_schedule_seconds(s, a, t - 1) != n - 1)
			fuzz_fail("add() is not the inverse of seconds()", NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned how = fuzz_byte(&in);
	struct crm_schedule *s;
	char err[512] = "";
	int code = -1;
	fuzz_quiet();
	if (how & 1) {
		s = crm_schedule_load(fuzz_file(in.p, in.n), err, sizeof err, &code);
	} else {
		char *text = fuzz_rest(&in);
		s = crm_schedule_parse_text("text", text, err, sizeof err, &code);
		free(text);
	}
	if (!s) {
		if (!err[0] || (code != CRM_EUSAGE && code != CRM_EIO))
			fuzz_fail("a schedule refused without a reason or an exit code", err);
		return 0;
	}
	if (code != CRM_OK)
		fuzz_fail("a schedule read with an exit code", NULL);
	check_roundtrip(s);
	check_seconds(s, how);
	crm_schedule_free(s);
	return 0;
}
