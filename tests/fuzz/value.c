/*
 * value - fuzz crm_value (lib/entity.h), the normaliser of a cell by its
 * column's kind: order and ticket statuses, ticket priorities, booleans,
 * currencies, countries, ratings, scores, counts and whole numbers, and through it the norm.h
 * parsers, with a zone, a date order, a country and a row currency.
 *
 * Input: one byte for the kind, one for the context, then the cell.
 * Property: an accepted value (money aside, whose output is minor units)
 * is canonical: normalised again in the same context it is itself; a
 * numeric one's number is its text.
 */
#include "entity.h"
#include "fuzz.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NKINDS (CRM_K_COUNT + 1)

static const char *const currencies[] = {"", "KRW", "USD", "KWD"};
static const char *const countries[] = {"KR", "US", "", "GB"};

static struct crm_tz *seoul(void)
{
	static struct crm_tz *tz;
	const char *why;
	if (!tz && !(tz = crm_tz_open("Asia/Seoul", &why)))
		fuzz_fail("a zone does not open", "Asia/Seoul");
	return tz;
}

static int numeric(enum crm_kind k)
{
	return k == CRM_K_INT || k == CRM_K_BOOL || k == CRM_K_RATING || k == CRM_K_SCORE ||
	       k == CRM_K_MONEY || k == CRM_K_COUNT;
}

static void check_again(enum crm_kind k, const char *out, int64_t num,
			const struct crm_value_ctx *vc0)
{
	struct crm_value_ctx vc = *vc0;
	size_t size = strlen(out) * 2 + 64;
	char *in = strdup(out), *again = malloc(size), text[32];
	int64_t n2 = 0;
	const char *why;
	if (!in || !again)
		abort();
	if (numeric(k)) {
		snprintf(text, sizeof text, "%" PRId64, num);
		if (strcmp(text, out) != 0)
			fuzz_fail("a value's number is not its text", out);
	}
	if (k != CRM_K_MONEY && (crm_value(k, in, &vc, again, size, &n2, &why) != CRM_VALUE_OK ||
				 strcmp(again, out) != 0 || (numeric(k) && n2 != num)))
		fuzz_fail("a normalised value does not normalise to itself", out);
	free(in);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	enum crm_kind k = (enum crm_kind)(fuzz_byte(&in) % NKINDS);
	unsigned c = fuzz_byte(&in);
	struct crm_value_ctx vc = {seoul(), c & 1 ? CRM_DMY : CRM_MDY, countries[(c >> 1) & 3], "", NULL};
	char *s = fuzz_rest(&in), *out;
	size_t room = strlen(s) * 2 + 64;
	int64_t num = 0;
	const char *why;
	snprintf(vc.currency, sizeof vc.currency, "%s", currencies[(c >> 3) & 3]);
	out = malloc(room);
	if (!out)
		abort();
	fuzz_quiet();
	if (crm_value(k, s, &vc, out, room, &num, &why) == CRM_VALUE_OK)
		check_again(k, out, num, &vc);
	free(out);
	free(s);
	return 0;
}
