/*
 * email - fuzz crm_norm_email (lib/norm.h).
 *
 * Properties: an accepted address has exactly one '@', a non-empty local
 * part, a dot in its domain, no space and no upper-case ASCII, and
 * normalises to itself again.
 */
#include "fuzz.h"
#include "norm.h"

#include <stdlib.h>
#include <string.h>

static void check_shape(const char *out)
{
	const char *at = strchr(out, '@');
	if (!at || at == out || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		fuzz_fail("an accepted e-mail address has not one '@' and a domain", out);
	for (const char *p = out; *p; p++)
		if (*p == ' ' || (*p >= 'A' && *p <= 'Z'))
			fuzz_fail("an accepted e-mail address has a space or a capital", out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	char *s = fuzz_rest(&in);
	char out[320], again[320];
	const char *why;
	if (crm_norm_email(s, out, sizeof out, &why) == 0) {
		check_shape(out);
		if (crm_norm_email(out, again, sizeof again, &why) < 0 || strcmp(again, out) != 0)
			fuzz_fail("a normalised e-mail address does not normalise to itself", out);
	}
	(void)crm_norm_email(s, out, 8, &why);
	free(s);
	return 0;
}
