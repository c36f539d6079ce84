/*
 * rules - fuzz the segment rules parser (lib/rules.h) on a file in memory,
 * and match what it compiles.
 *
 * Input: one byte choosing the currency of m (none, KRW, USD, KWD), then
 * the rules file.  Properties: a refusal says why and gives an exit code;
 * loaded rules have at least one segment, each named 1 to 63 bytes
 * without ',', '"' or a control character; a match is -1 or a segment.
 */
#include "diag.h"
#include "fuzz.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>

static const char *const currencies[] = {NULL, "KRW", "USD", "KWD"};

static void check_names(const struct crm_rules *rs)
{
	int n = crm_rules_nsegments(rs);
	if (n < 1 || crm_rules_segment(rs, n) || crm_rules_segment(rs, -1))
		fuzz_fail("loaded rules have no segment, or one out of range", NULL);
	for (int i = 0; i < n; i++) {
		const char *name = crm_rules_segment(rs, i);
		size_t len = name ? strlen(name) : 0;
		if (len < 1 || len > 63 || strpbrk(name, ",\""))
			fuzz_fail("a segment's name is empty, too long or holds ',' or '\"'", name);
		for (size_t k = 0; k < len; k++)
			if ((unsigned char)name[k] < 0x20 || name[k] == 0x7f)
				fuzz_fail("a segment's name holds a control character", name);
	}
}

/* Customers at the edges of every figure: nothing, the middle, the most. */
static void check_match(const struct crm_rules *rs)
{
	static const int64_t edge[] = {0, 1, 3, 5, 30, 499999, INT64_MAX, -1, INT64_MIN};
	struct crm_rule_vals v;
	for (size_t e = 0; e < sizeof edge / sizeof *edge; e++) {
		for (int k = 0; k < CRM_RV_N; k++)
			v.v[k] = edge[(e + (size_t)k) % (sizeof edge / sizeof *edge)];
		int m = crm_rules_match(rs, &v);
		if (m < -1 || m >= crm_rules_nsegments(rs))
			fuzz_fail("a match is no segment", NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	const char *currency = currencies[fuzz_byte(&in) & 3];
	char err[512] = "";
	int code = 0;
	struct crm_rules *rs = crm_rules_load(fuzz_file(in.p, in.n), currency, err, sizeof err, &code);
	if (!rs) {
		if (!err[0] || (code != CRM_EIO && code != CRM_EUSAGE))
			fuzz_fail("rules refused without a reason or an exit code", err);
		return 0;
	}
	check_names(rs);
	check_match(rs);
	crm_rules_free(rs);
	return 0;
}
