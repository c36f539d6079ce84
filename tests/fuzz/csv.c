/*
 * csv - fuzz the CSV/TSV reader (lib/csvio.h) on an input in memory: any
 * delimiter, quotes and doubled quotes, quoted line ends, BOMs, legacy
 * encodings; and the writer, by a round trip.
 *
 * Input: one byte choosing the delimiter (',', TAB, ';', '|') and the
 * encoding (none, cp949, latin1), then the file.  Properties: rows come in
 * the order of their lines, each field is NUL-terminated at its length,
 * a malformed row names a field of its own line, a fatal error has a
 * reason; and the rows read, written back with crm_write_field() as
 * customers' text (CRM_CELL_TEXT: the formula guard), read back the same.
 */
#include "csvio.h"
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char delims[] = {',', '\t', ';', '|'};
static const char *const encodings[] = {NULL, NULL, "cp949", "latin1"};

struct pass {
	long last;                       /* line of the last row or bad row */
	long bad;                        /* malformed rows */
	struct crm_writer out;           /* the rows written back (first pass) */
	FILE *sig;                       /* each row's fields, length-prefixed */
	char *outbuf, *sigbuf;
	size_t outlen, siglen;
};

static int on_row(const struct crm_row *row, void *ctx)
{
	struct pass *p = ctx;
	if (row->line < 1 || row->line < p->last)
		fuzz_fail("rows out of the order of their lines", NULL);
	p->last = row->line;
	if (row->n < 1)
		fuzz_fail("a row without a field", NULL);
	for (size_t i = 0; i < row->n; i++)
		if (row->field[i][row->len[i]] != '\0')
			fuzz_fail("a field not NUL-terminated at its length", row->field[i]);
	/* a row of one empty field is a blank line, which the reader skips */
	if (row->n == 1 && row->len[0] == 0)
		return 0;
	fprintf(p->sig, "%zu:", row->n);
	for (size_t i = 0; i < row->n; i++) {
		fprintf(p->sig, "%zu:", row->len[i]);
		fwrite(row->field[i], 1, row->len[i], p->sig);
		if (p->out.fp)
			crm_write_fieldn(&p->out, row->field[i], row->len[i], CRM_CELL_TEXT);
	}
	if (p->out.fp)
		crm_write_end(&p->out);
	return 0;
}

static int on_bad(long line, size_t field, const char *why, void *ctx)
{
	struct pass *p = ctx;
	if (line < 1 || line < p->last || field < 1 || !why || !*why)
		fuzz_fail("a malformed row without its line, field or reason", why);
	p->last = line;
	p->bad++;
	return 0;
}

/* Read data[0..n) into p; the result of crm_read(). */
static int pass(const void *data, size_t n, const struct crm_csv_opts *o, struct pass *p,
		int write_back)
{
	char err[256];
	struct crm_reader *r;
	int rc;
	p->last = p->bad = 0;
	p->out.fp = NULL;
	if (!(p->sig = open_memstream(&p->sigbuf, &p->siglen)))
		abort();
	if (write_back && !(p->out.fp = open_memstream(&p->outbuf, &p->outlen)))
		abort();
	if (p->out.fp)
		crm_writer_init(&p->out, p->out.fp, o->delim);
	if (!(r = crm_reader_open(fuzz_file(data, n), o, err, sizeof err)))
		fuzz_fail("a file in memory does not open", err);
	rc = crm_read(r, on_row, on_row, on_bad, p);
	if (rc < 0 && !*crm_reader_error(r))
		fuzz_fail("a fatal error without a reason", NULL);
	crm_reader_close(r);
	fclose(p->sig);
	if (p->out.fp)
		fclose(p->out.fp);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned b = fuzz_byte(&in);
	struct crm_csv_opts o = {delims[b & 3], encodings[(b >> 2) & 3]};
	struct pass first = {0}, again = {0};
	int rc = pass(in.p, in.n, &o, &first, 1);
	if (rc == 0 && !first.bad) {
		/* what was written is UTF-8, whatever the input's encoding */
		struct crm_csv_opts utf8 = {o.delim, NULL};
		if (pass(first.outbuf, first.outlen, &utf8, &again, 0) != 0 ||
		    again.siglen != first.siglen || memcmp(again.sigbuf, first.sigbuf, first.siglen) != 0)
			fuzz_fail("rows written back do not read back the same", first.outbuf);
		free(again.sigbuf);
	}
	free(first.sigbuf);
	free(first.outbuf);
	return 0;
}
