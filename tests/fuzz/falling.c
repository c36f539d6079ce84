/*
 * falling - fuzz the plan to read a file last row first (lib/falling.h)
 * against the reader (lib/csvio.h) reading it in file order.
 *
 * Input: one byte choosing the delimiter (',', TAB, ';', '|'), the key's
 * column (0-3) and the plan's chunks (1-4 rows, 16-128 bytes), then the
 * file; an input of odd length has the file scanned in two halves at once.
 * Properties: where the plan says yes, the rows in file order each have
 * the key's cell, not empty, each below the one before; and the plan's
 * chunks, each read as a range and turned round, the last chunk first,
 * give exactly the rows and malformed rows of file order, last first,
 * each with its line and fields.
 */
#include "csvio.h"
#include "falling.h"
#include "fuzz.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char delims[] = {',', '\t', ';', '|'};

/* What a read gives: each row as "LINE:N:LEN:FIELD..." or "LINE:bad",
 * one record after another; a record's start in `at`. */
struct rows {
	char *buf;
	size_t len, cap;
	size_t *at;
	size_t n, ncap;
	int keycol;
	int falls;                       /* every row's key below the one before */
	char *prev;
	size_t prevlen;
	int any;
};

static void put(struct rows *r, const void *p, size_t n)
{
	if (r->len + n > r->cap) {
		r->cap = (r->len + n) * 2 + 64;
		if (!(r->buf = realloc(r->buf, r->cap)))
			abort();
	}
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

static void start(struct rows *r)
{
	if (r->n == r->ncap) {
		r->ncap = r->ncap * 2 + 16;
		if (!(r->at = realloc(r->at, r->ncap * sizeof *r->at)))
			abort();
	}
	r->at[r->n++] = r->len;
}

static void key_falls(struct rows *r, const struct crm_row *row)
{
	const char *k;
	size_t n, m;
	if ((size_t)r->keycol >= row->n || !row->len[r->keycol]) {
		r->falls = 0;
		return;
	}
	k = row->field[r->keycol];
	n = row->len[r->keycol];
	if (r->any) {
		int cmp = memcmp(k, r->prev, (m = n < r->prevlen ? n : r->prevlen));
		if (cmp > 0 || (cmp == 0 && n >= r->prevlen))
			r->falls = 0;
	}
	if (!(r->prev = realloc(r->prev, n + 1)))
		abort();
	memcpy(r->prev, k, n);
	r->prevlen = n;
	r->any = 1;
}

static int on_row(const struct crm_row *row, void *ctx)
{
	struct rows *r = ctx;
	char head[64];
	start(r);
	put(r, head, (size_t)snprintf(head, sizeof head, "%ld:%zu", row->line, row->n));
	for (size_t i = 0; i < row->n; i++) {
		put(r, head, (size_t)snprintf(head, sizeof head, ":%zu:", row->len[i]));
		put(r, row->field[i], row->len[i]);
	}
	key_falls(r, row);
	return 0;
}

static int on_bad(long line, size_t field, const char *why, void *ctx)
{
	struct rows *r = ctx;
	char head[64];
	(void)field;
	(void)why;
	start(r);
	put(r, head, (size_t)snprintf(head, sizeof head, "%ld:bad", line));
	r->falls = 0;
	return 0;
}

static int stop_at_header(const struct crm_row *row, void *ctx)
{
	(void)row;
	(void)ctx;
	return 1;
}

static void rows_free(struct rows *r)
{
	free(r->buf);
	free(r->at);
	free(r->prev);
}

/* Record i of r. */
static const char *rec(const struct rows *r, size_t i, size_t *len)
{
	size_t end = i + 1 < r->n ? r->at[i + 1] : r->len;
	*len = end - r->at[i];
	return r->buf + r->at[i];
}

/* The chunks read as ranges, last first, each turned round, into back. */
static void read_back(const char *path, const struct crm_csv_opts *o, const struct crm_falling *plan,
		      off_t hdr_end, struct rows *back)
{
	char err[256];
	struct crm_reader *r = crm_reader_open(path, o, err, sizeof err);
	size_t i = plan->n;
	if (!r || crm_reader_range(r, 0, hdr_end, 1, 1) < 0 ||
	    crm_read(r, NULL, on_row, on_bad, back) != 0 || back->n)
		fuzz_fail("the header's range does not read as the header alone", NULL);
	while (i-- > 0) {
		const struct crm_falling_chunk *c = &plan->chunk[i];
		struct rows part = {.keycol = back->keycol};
		crm_reader_range(r, c->at, c->end, c->line, 0);
		if (crm_read(r, NULL, on_row, on_bad, &part) != 0)
			fuzz_fail("a chunk does not read", crm_reader_error(r));
		if ((long)part.n > c->rows)
			fuzz_fail("a chunk holds more rows than planned", NULL);
		if (c->rows > plan->max_rows ||
		    (c->rows > 1 && (size_t)(c->end - c->at) > plan->max_bytes))
			fuzz_fail("a chunk past the rows or bytes asked for", NULL);
		for (size_t j = part.n; j-- > 0;) {
			size_t len;
			const char *p = rec(&part, j, &len);
			start(back);
			put(back, p, len);
		}
		rows_free(&part);
	}
	crm_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned b = fuzz_byte(&in);
	struct crm_csv_opts o = {delims[b & 3], NULL};
	struct rows fwd = {.keycol = (int)(b >> 2) & 3, .falls = 1}, back = {.keycol = fwd.keycol};
	/* chunks of 1-4 rows and 16-128 bytes: a short file crosses them; an
	 * input of odd length is scanned in two halves at once */
	struct crm_falling plan = {.max_rows = 1 + (int)(b >> 4 & 3), .max_bytes = (size_t)16 << (b >> 6 & 3),
				   .split_bytes = size & 1 ? 8 : 0};
	struct crm_reader *r;
	const char *path = fuzz_file(in.p, in.n);
	char err[256];
	off_t hdr_end;
	long line;
	int rc;
	fuzz_quiet();
	if (!(r = crm_reader_open(path, &o, err, sizeof err)))
		fuzz_fail("a file in memory does not open", err);
	rc = crm_read(r, stop_at_header, NULL, NULL, NULL);
	hdr_end = crm_reader_offset(r, &line);
	crm_reader_close(r);
	if (rc != 1 || hdr_end < 0)
		return 0;
	if (!(r = crm_reader_open(path, &o, err, sizeof err)))
		fuzz_fail("a file in memory does not open", err);
	if (!crm_falling_plan(crm_reader_fd(r), hdr_end, line, o.delim, fwd.keycol, &plan)) {
		crm_reader_close(r);
		return 0;
	}
	if (crm_read(r, NULL, on_row, on_bad, &fwd) != 0)
		fuzz_fail("a file planned to be read from its end does not read", crm_reader_error(r));
	crm_reader_close(r);
	if (!fwd.falls || fwd.n < 2)
		fuzz_fail("planned to be read from its end, its keys do not fall", NULL);
	read_back(path, &o, &plan, hdr_end, &back);
	if (back.n != fwd.n)
		fuzz_fail("read from its end, another count of rows", NULL);
	for (size_t i = 0; i < fwd.n; i++) {
		size_t la, lb;
		const char *a = rec(&fwd, i, &la), *z = rec(&back, fwd.n - 1 - i, &lb);
		if (la != lb || memcmp(a, z, la))
			fuzz_fail("read from its end, another row", a);
	}
	crm_falling_free(&plan);
	rows_free(&fwd);
	rows_free(&back);
	return 0;
}
