/*
 * money - fuzz crm_parse_money (in every currency form), crm_parse_int and
 * crm_currency_exponent (lib/norm.h).
 *
 * Input: one byte choosing the currency already known for the row (none,
 * or one of several exponents), then the value.  Properties: an accepted
 * amount has a known currency; written by crm_format_money() it parses
 * back to the same minor units in the same currency; an accepted integer
 * written in decimal parses back to itself.
 */
#include "fuzz.h"
#include "norm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const known[] = {"", "", "KRW", "USD", "EUR", "GBP", "JPY", "KWD", "BRL"};

static void check_money(const char *s, const char *given)
{
	char cur[4], again[4], text[48];
	int64_t minor, back;
	const char *why;
	snprintf(cur, sizeof cur, "%s", given);
	if (crm_parse_money(s, cur, &minor, &why) < 0)
		return;
	if (crm_currency_exponent(cur) < 0)
		fuzz_fail("accepted money has no known currency", s);
	if (crm_format_money(minor, cur, text, sizeof text) < 0)
		fuzz_fail("accepted money does not format", s);
	memcpy(again, cur, sizeof again);
	if (crm_parse_money(text, again, &back, &why) < 0)
		fuzz_fail("formatted money does not parse back", text);
	if (back != minor || strcmp(again, cur) != 0)
		fuzz_fail("formatted money parses to another amount", text);
}

static void check_int(const char *s)
{
	char text[32];
	int64_t v, back;
	const char *why;
	if (crm_parse_int(s, &v, &why) < 0)
		return;
	snprintf(text, sizeof text, "%" PRId64, v);
	if (crm_parse_int(text, &back, &why) < 0 || back != v)
		fuzz_fail("a whole number does not parse back", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	const char *given = known[fuzz_byte(&in) % (sizeof known / sizeof *known)];
	char *s = fuzz_rest(&in);
	char code[4];
	check_money(s, given);
	check_int(s);
	snprintf(code, sizeof code, "%s", s);
	(void)crm_currency_exponent(code);
	free(s);
	return 0;
}
