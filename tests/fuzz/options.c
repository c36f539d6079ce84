/*
 * options - fuzz the parsers of option values that live in lib/: numbers
 * (crm_parse_long of opts.h), delimiters (crm_parse_delim, crm_encoding_
 * known of csvio.h), --map/--date-order/--currency/--map-value
 * (crm_input_option, and crm_value_maps_check against orders),
 * RFM --bins with money (crm_bins_parse of rfm.h) and survey scores
 * (crm_score_parse of nps.h).
 *
 * Input: one byte choosing the parser, one its bounds or currency, then
 * the value.  Properties: an accepted number lies within its bounds and
 * is what strtol reads; an accepted delimiter is none CSV or the formula
 * guard needs; accepted bins are four increasing cuts; an accepted score
 * lies on its scale.
 */
#include "csvio.h"
#include "fuzz.h"
#include "nps.h"
#include "opts.h"
#include "rfm.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const long bounds[][2] = {
	{0, 1000000}, {1, 100000}, {LONG_MIN, LONG_MAX}, {1, 7}, {0, 0}, {-5, 5},
};
static const char *const currencies[] = {NULL, "KRW", "USD", "KWD"};

static void check_long(const char *s, unsigned b)
{
	const long *lim = bounds[b % (sizeof bounds / sizeof *bounds)];
	long v;
	if (crm_parse_long(s, lim[0], lim[1], &v) == 0 &&
	    (v < lim[0] || v > lim[1] || v != strtol(s, NULL, 10)))
		fuzz_fail("an accepted number is out of its bounds", s);
}

static void check_delim(const char *s)
{
	char d = 0;
	const char *why;
	if (crm_parse_delim(s, &d, &why) == 0 &&
	    (d == '"' || d == '\n' || d == '\r' || d == '\'' || d == '\0'))
		fuzz_fail("an accepted delimiter is one CSV or the formula guard needs", s);
	(void)crm_encoding_known(s);
}

static void check_input(const char *s, unsigned b)
{
	static const int opt[] = {CRM_OPT_MAP, CRM_OPT_DATE_ORDER, CRM_OPT_CURRENCY,
				  CRM_OPT_MAP_VALUE};
	static struct crm_input in;      /* large: its value maps */
	char err[1024];
	int o = opt[b % 4];
	crm_input_init(&in);
	if (crm_input_option(&in, o, s) != 0)
		return;
	if (o == CRM_OPT_CURRENCY && crm_currency_exponent(in.currency) < 0)
		fuzz_fail("an accepted --currency is not a known currency", s);
	if (o == CRM_OPT_MAP_VALUE) {
		const struct crm_value_map *m = &in.vmap.m[0];
		if (in.vmap.n != 1 || !m->col[0] || !m->from[0] || strchr(m->from, '='))
			fuzz_fail("an accepted --map-value has no COLUMN or FROM", s);
		(void)crm_value_maps_check(crm_entity_find("orders"), &in.vmap, err, sizeof err);
	}
}

static void check_bins(const char *s, unsigned b)
{
	struct crm_bins bins[CRM_NFIG];
	char err[256];
	memset(bins, 0, sizeof bins);
	if (crm_bins_parse(s, currencies[b & 3], bins, err, sizeof err) < 0)
		return;
	for (int f = 0; f < CRM_NFIG; f++)
		for (int i = 1; i < 4 && bins[f].set; i++)
			if (bins[f].cut[i] <= bins[f].cut[i - 1])
				fuzz_fail("accepted --bins are not increasing", s);
}

static void check_score(const char *s, unsigned b)
{
	enum crm_scale scale = (enum crm_scale)(b % 3);
	char why[128];
	int score = -1;
	if (crm_score_parse(s, scale, &score, why, sizeof why) == CRM_SCORE_OK &&
	    (score < crm_scale_lo(scale) || score > crm_scale_hi(scale)))
		fuzz_fail("an accepted score is off its scale", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned which = fuzz_byte(&in), b = fuzz_byte(&in);
	char *s = fuzz_rest(&in);
	fuzz_quiet();
	switch (which % 5) {
	case 0: check_long(s, b); break;
	case 1: check_delim(s); break;
	case 2: check_input(s, b); break;
	case 3: check_bins(s, b); break;
	default: check_score(s, b); break;
	}
	free(s);
	return 0;
}
