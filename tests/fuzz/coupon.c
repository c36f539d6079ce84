/*
 * coupon - fuzz coupon codes (lib/coupon.h): compacting typed codes, the
 * check character, prefixes, and the terms of an issue (--discount,
 * --min-order), states and birthdays.
 *
 * Input: three bytes shaping a code (prefix length, length, the position
 * and value of a change), then text used both as a typed code and as the
 * characters of a code built from it.  Properties (the contract's): a code
 * built with crm_coupon_check(), grouped or typed in lower case with
 * spaces, compacts to itself; so does one crm_coupon_make() draws; one
 * character changed, or two different characters swapped, and it no
 * longer does; whatever compacts is alphabet characters that compact to
 * themselves again.
 */
#include "coupon.h"
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#define NMAX (CRM_COUPON_MAX_PREFIX + CRM_COUPON_MAX_LENGTH + 1)

static int compacts_to(const char *typed, const char *want)
{
	char out[CRM_COUPON_SIZE];
	const char *why;
	return crm_coupon_compact(typed, out, sizeof out, &why) == 0 && !strcmp(out, want);
}

/* A code of np + len characters taken from text, its check appended. */
static size_t build(const char *text, size_t np, size_t len, char *code)
{
	size_t n = np + len, i;
	for (i = 0; i < n; i++)
		code[i] = CRM_COUPON_ALPHABET[(unsigned char)(text[i % (strlen(text) + 1)] + i) %
					      CRM_COUPON_RADIX];
	code[n] = crm_coupon_check(code, n);
	code[n + 1] = '\0';
	return n + 1;
}

/* The code grouped by threes after its prefix, in lower case. */
static void typed_form(const char *code, size_t np, char *out)
{
	size_t k = 0;
	for (size_t i = 0; code[i]; i++) {
		if (i == np && np)
			out[k++] = '-';
		else if (i > np && (i - np) % 3 == 0)
			out[k++] = i % 2 ? ' ' : '-';
		out[k++] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] + 32 : code[i]);
	}
	out[k] = '\0';
}

static void check_built(const char *text, unsigned shape, unsigned change)
{
	size_t np = shape % (CRM_COUPON_MAX_PREFIX + 1);
	size_t len = CRM_COUPON_MIN_LENGTH + (shape >> 4) % (CRM_COUPON_MAX_LENGTH -
							     CRM_COUPON_MIN_LENGTH + 1);
	char code[NMAX + 1], typed[2 * NMAX + 2], bad[NMAX + 1];
	size_t n = build(text, np, len, code), i = change % n, j = (change >> 5) % n;
	typed_form(code, np, typed);
	if (!compacts_to(code, code) || !compacts_to(typed, code))
		fuzz_fail("a code made with its check character does not validate", typed);
	memcpy(bad, code, n + 1);
	/* a change of 1 to 30 places in the alphabet: another character */
	bad[i] = CRM_COUPON_ALPHABET[(crm_coupon_value(bad[i]) + 1 + (unsigned char)text[0] % 30) %
				     CRM_COUPON_RADIX];
	if (compacts_to(bad, bad))
		fuzz_fail("a code with one character changed still validates", bad);
	memcpy(bad, code, n + 1);
	bad[i] = code[j];
	bad[j] = code[i];
	if (code[i] != code[j] && compacts_to(bad, bad))
		fuzz_fail("a code with two characters swapped still validates", bad);
}

static void check_made(const char *text)
{
	char prefix[CRM_COUPON_MAX_PREFIX + 1], made[CRM_COUPON_SIZE], out[CRM_COUPON_SIZE];
	const char *why;
	if (crm_coupon_prefix(text, prefix, &why) < 0)
		return;
	if (crm_coupon_make(prefix, CRM_COUPON_LENGTH, made) < 0)
		return;   /* no randomness: not the parser's fault */
	if (crm_coupon_compact(made, out, sizeof out, &why) < 0 || strncmp(out, prefix, strlen(prefix)))
		fuzz_fail("a code crm_coupon_make() drew does not validate", made);
}

static void check_typed(const char *text)
{
	char out[CRM_COUPON_SIZE];
	const char *why;
	if (crm_coupon_compact(text, out, sizeof out, &why) < 0)
		return;
	for (const char *p = out; *p; p++)
		if (crm_coupon_value((unsigned char)*p) < 0)
			fuzz_fail("a compacted code holds a character outside the alphabet", out);
	if (!compacts_to(out, out))
		fuzz_fail("a compacted code does not compact to itself", out);
}

static void check_terms(const char *text)
{
	struct crm_coupon_terms t;
	const char *why;
	memset(&t, 0, sizeof t);
	t.min_order = -1;
	(void)crm_coupon_parse_discount(text, "KRW", &t, &why);
	if (crm_coupon_parse_min_order(text, "", &t, &why) == 0 && t.min_order <= 0)
		fuzz_fail("an accepted minimum order is not positive", text);
	(void)crm_coupon_state_parse(text);
	(void)crm_coupon_campaign_bad(text);
	int m = crm_coupon_birthday_month(text);
	if (m != -1 && (m < 1 || m > 12))
		fuzz_fail("a birthday month outside 1-12", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned shape = fuzz_byte(&in), change = fuzz_byte(&in) | fuzz_byte(&in) << 8;
	char *text = fuzz_rest(&in);
	check_built(text, shape, change);
	check_made(text);
	check_typed(text);
	check_terms(text);
	free(text);
	return 0;
}
