/*
 * stream - fuzz crm_stream_read (lib/entity.h): a CSV stream in memory read
 * as one of crm-import's entities or one of the other commands' streams,
 * its header mapped, every row normalised cell by cell.
 *
 * Input: one byte choosing the entity, one the delimiter, the date order,
 * the zone, the starting currency and whether a header is required, then
 * the file.  Properties: every row reaches on_row or on_reject, never
 * both, in the order of its line; a rejection has its reason; a value is
 * never longer than the room the reader gives it, and its length is its
 * text's.
 */
#include "diag.h"
#include "entity.h"
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const entities[] = {"customers", "orders", "order_items", "tickets",
				       "reviews", "responses", "coupons"};
#define NSTREAMS 4
#define NENTITIES (sizeof entities / sizeof *entities)
static const char delims[] = {',', '\t', ';', '|'};
static const char *const currencies[] = {"", "KRW", "USD", "EUR"};

struct seen {
	const struct crm_entity *e;
	long last;
};

static const struct crm_entity *entity(unsigned b)
{
	static const struct crm_entity *const streams[NSTREAMS] = {
		&crm_order_stream, &crm_response_stream, &crm_followup_stream, &crm_customer_stream,
	};
	const struct crm_entity *e;
	b %= NENTITIES + NSTREAMS;
	if (b >= NENTITIES)
		return streams[b - NENTITIES];
	e = crm_entity_find(entities[b]);
	return e ? e : &crm_order_stream;
}

static int on_row(const struct crm_values *v, const struct crm_row *row, void *ctx)
{
	struct seen *s = ctx;
	if (row->line < 1 || row->line <= s->last)
		fuzz_fail("a row comes twice or out of the order of its lines", NULL);
	s->last = row->line;
	for (int c = 0; c < s->e->ncols; c++) {
		if (v->val[c] && strlen(v->val[c]) > crm_row_values_need(row))
			fuzz_fail("a value longer than the room for its row", v->val[c]);
		/* a normalised value's length is counted as it is made (raw ones have none) */
		if (v->val[c] && v->len[c] && v->len[c] != strlen(v->val[c]))
			fuzz_fail("a value's length is not its text's", v->val[c]);
	}
	return 0;
}

static int on_reject(long line, const char *why, void *ctx)
{
	struct seen *s = ctx;
	if (line < 1 || line <= s->last || !why || !*why)
		fuzz_fail("a rejection without its own line or a reason", why);
	s->last = line;
	return 0;
}

static const struct crm_tz *zone(unsigned b)
{
	static struct crm_tz *tz[2];
	static const char *const names[2] = {"UTC", "Asia/Seoul"};
	const char *why;
	if (!tz[b] && !(tz[b] = crm_tz_open(names[b], &why)))
		fuzz_fail("a zone does not open", names[b]);
	return tz[b];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	const struct crm_entity *e = entity(fuzz_byte(&in));
	unsigned b = fuzz_byte(&in);
	struct crm_csv_opts csv = {delims[b & 3], NULL};
	struct seen seen = {e, 0};
	struct crm_stream st = {
		.e = e, .csv = &csv, .flags = b & 4 ? CRM_READ_NEED_HEADER : 0,
		.on_row = on_row, .on_reject = on_reject, .ctx = &seen,
	};
	st.vc.tz = zone((b >> 3) & 1);
	st.vc.order = b & 16 ? CRM_DMY : CRM_MDY;
	st.vc.country = "KR";
	snprintf(st.vc.currency, sizeof st.vc.currency, "%s", currencies[(b >> 5) & 3]);
	fuzz_quiet();
	(void)crm_stream_read(&st, fuzz_file(in.p, in.n));
	return 0;
}
