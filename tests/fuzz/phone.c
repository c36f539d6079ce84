/*
 * phone - fuzz crm_norm_phone and crm_country_calling_code (lib/norm.h).
 *
 * Input: one byte choosing the country of national numbers (or none), then
 * the value.  Properties: an accepted number is E.164 ('+' and 8 to 15
 * digits) and normalises to itself again, whatever the country.
 */
#include "fuzz.h"
#include "norm.h"

#include <stdlib.h>
#include <string.h>

static const char *const countries[] = {"KR", "US", "GB", "JP", "DE", "", "BR", "FR", "kr", "ZZ"};

static void check_e164(const char *out)
{
	size_t n = strlen(out);
	if (out[0] != '+' || n < 9 || n > 16 || strspn(out + 1, "0123456789") != n - 1)
		fuzz_fail("an accepted phone number is not E.164", out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	const char *country = countries[fuzz_byte(&in) % (sizeof countries / sizeof *countries)];
	char *s = fuzz_rest(&in);
	char out[64], again[64];
	const char *why;
	(void)crm_country_calling_code(country);
	if (crm_norm_phone(s, country, out, sizeof out, &why) == 0) {
		check_e164(out);
		if (crm_norm_phone(out, "", again, sizeof again, &why) < 0 || strcmp(again, out) != 0)
			fuzz_fail("a normalised phone number does not normalise to itself", out);
	}
	/* a buffer too small for the number must be refused, not overrun */
	(void)crm_norm_phone(s, country, out, 8, &why);
	free(s);
	return 0;
}
