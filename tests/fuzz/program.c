/*
 * program - fuzz the loyalty program parser (lib/loyalty_program.h) and the
 * arithmetic on what it reads.
 *
 * Input: one byte choosing the form (bit 0: a file through textfile.h, else
 * text in memory) and a day offset, then the program.  Properties: a
 * refusal says why; a program that parses prints a canonical text that
 * parses back to an equal program printing the same text (from both forms);
 * points of an order and of its return are opposite, are 0 below
 * min_order, and grow with the amount; days of release, expiry and windows
 * stay in order and in range; the tier qualified for meets its condition
 * and a decision moves to the tier held or the tier qualified for.
 */
#include "diag.h"
#include "fuzz.h"
#include "loyalty_program.h"

#include <stdlib.h>
#include <string.h>

static void check_roundtrip(const struct crm_loyalty_program *p)
{
	struct crm_loyalty_program q, r;
	char err[512] = "";
	char *text = crm_loyalty_program_format(p);
	if (crm_loyalty_program_parse_text(text, "canonical", &q, err, sizeof err) != CRM_OK)
		fuzz_fail("the canonical text does not parse", err);
	if (!crm_loyalty_program_equal(p, &q))
		fuzz_fail("the canonical text parses to another program", text);
	char *again = crm_loyalty_program_format(&q);
	if (strcmp(text, again))
		fuzz_fail("the canonical text prints differently the second time", again);
	if (crm_loyalty_program_load(fuzz_file(text, strlen(text)), &r, err, sizeof err) != CRM_OK ||
	    !crm_loyalty_program_equal(p, &r))
		fuzz_fail("the canonical text read as a file differs", err);
	free(text);
	free(again);
}

static void check_points(const struct crm_loyalty_program *p)
{
	static const int64_t amounts[] = {0, 1, 99, 100, 9999, 10000, 12345, 1000000, 123456789,
					  INT64_MAX / 1000, INT64_MAX - 1, INT64_MAX};
	for (int t = -1; t < p->ntiers; t++) {
		int64_t prev = 0;
		for (size_t i = 0; i < sizeof amounts / sizeof *amounts; i++) {
			int64_t a = amounts[i], up, down;
			int ru = crm_loyalty_points(p, t, a, &up), rd = crm_loyalty_points(p, t, -a, &down);
			if (ru != rd || (ru == 0 && up != -down))
				fuzz_fail("a whole return does not take back what its order earned", NULL);
			if (ru < 0)
				break;
			if (up < 0 || up < prev || (a < p->min_order && up != 0))
				fuzz_fail("points are negative, shrink with the amount or ignore min_order",
					  NULL);
			prev = up;
		}
		int64_t min = INT64_MIN, pts;
		if (crm_loyalty_points(p, t, min, &pts) == 0 && pts > 0)
			fuzz_fail("the return of INT64_MIN earns", NULL);
	}
}

static void check_days(const struct crm_loyalty_program *p, int64_t day)
{
	int64_t rel = crm_loyalty_release_day(p, day), exp = crm_loyalty_expiry_day(p, day);
	int64_t d = day < CRM_DAY_FIRST ? CRM_DAY_FIRST : day > CRM_DAY_LAST ? CRM_DAY_LAST : day;
	if (rel < d || rel > CRM_DAY_LAST + 1)
		fuzz_fail("a release day before the day earned or out of range", NULL);
	if (exp <= d || (exp != CRM_LOYALTY_NEVER && exp > CRM_DAY_LAST + 1))
		fuzz_fail("an expiry day not after the day earned or out of range", NULL);
	for (int w = 0; w < p->nwindows; w++) {
		int64_t first = crm_loyalty_window_first(&p->window[w], day);
		if (first > d || first < CRM_DAY_FIRST)
			fuzz_fail("a window starts after its last day or before 0001-01-01", NULL);
	}
}

static void check_tiers(const struct crm_loyalty_program *p, int64_t day, unsigned seed)
{
	static const int64_t figs[] = {0, 1, 9, 10, 299999, 300000, 1000000, INT64_MAX, -1};
	struct crm_loyalty_figures f;
	struct crm_loyalty_move m;
	for (int w = 0; w < CRM_LOYALTY_WINDOWS; w++) {
		f.spend[w] = figs[(seed + (unsigned)w) % 9];
		f.orders[w] = figs[(seed / 9 + (unsigned)w * 7) % 9];
	}
	int q = crm_loyalty_qualify(p, &f);
	if (q < -1 || q >= p->ntiers)
		fuzz_fail("a tier qualified for that is no tier", NULL);
	for (int cur = -1; cur < p->ntiers; cur++) {
		crm_loyalty_evaluate(p, &f, cur, day - (int64_t)(seed % 90), day, &m);
		if (m.qualified != q || (m.to != q && m.to != cur) || m.to < -1 ||
		    m.to >= p->ntiers || !memchr(m.why, '\0', sizeof m.why))
			fuzz_fail("a move goes to neither the tier held nor the tier qualified for",
				  m.why);
		for (const char *s = m.why; *s; s++)
			if ((unsigned char)*s < 0x20)
				fuzz_fail("a move's reason holds a control character", m.why);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned how = fuzz_byte(&in);
	struct crm_loyalty_program p;
	char err[512] = "";
	int rc;
	fuzz_quiet();
	if (how & 1) {
		rc = crm_loyalty_program_load(fuzz_file(in.p, in.n), &p, err, sizeof err);
	} else {
		char *text = fuzz_rest(&in);
		rc = crm_loyalty_program_parse_text(text, "text", &p, err, sizeof err);
		free(text);
	}
	if (rc != CRM_OK) {
		if (!err[0] || (rc != CRM_EUSAGE && rc != CRM_EIO))
			fuzz_fail("a program refused without a reason or an exit code", err);
		return 0;
	}
	/* days around 1970, 2026 and the ends of the calendar */
	static const int64_t days[] = {0, 20522, 20819, CRM_DAY_FIRST, CRM_DAY_LAST, -800000,
				       3000000, 2932800};
	int64_t day = days[(how >> 1) & 7];
	check_roundtrip(&p);
	check_points(&p);
	check_days(&p, day);
	check_tiers(&p, day, how >> 4);
	return 0;
}
