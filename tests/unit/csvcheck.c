/*
 * csvcheck - the CSV reader of lib/csvio.c against libcsv itself (tests only).
 *
 *   csvcheck random SEED COUNT [DELIM]   COUNT random texts (from SEED) of
 *       short lines: letters, spaces, tabs, delimiters, empty and blank
 *       lines, LF, CRLF and CR alone, some fields quoted (a doubled quote, a
 *       delimiter or a line end inside), the last line with or without its
 *       end.  Each is read by crm_read_path() from a file and by libcsv
 *       alone over the whole text (CSV_STRICT | CSV_STRICT_FINI |
 *       CSV_APPEND_NULL, as the reader uses it); the rows must agree field
 *       for field.  A text whose quoting libcsv refuses is skipped (alone, it
 *       stops there; the reader goes on at the next line).  Prints "ok
 *       COMPARED of COUNT", or the first text that differs with both
 *       readings, and exits 1.
 *   csvcheck rows FILE [DELIM]           each row as "LINE: [field] [field]"
 *
 * DELIM: one character, "tab" for a tab (default ",").
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "diag.h"

/* Rows as text: "[a] [b]\n" per row, fields' bytes as they are. */
struct out {
	char *s;
	size_t n, cap;
	int lines;               /* prefix each row with its line */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n + n + 1 > o->cap) {
		o->cap = 2 * (o->n + n + 1);
		o->s = crm_xrealloc(o->s, o->cap);
	}
	memcpy(o->s + o->n, s, n);
	o->n += n;
	o->s[o->n] = '\0';
}

static int on_row(const struct crm_row *row, void *ctx)
{
	struct out *o = ctx;
	char line[32];
	size_t i;
	if (o->lines)
		put(o, line, (size_t)snprintf(line, sizeof line, "%ld:", row->line));
	for (i = 0; i < row->n; i++) {
		put(o, i || o->lines ? " [" : "[", i || o->lines ? 2 : 1);
		put(o, row->field[i], row->len[i]);
		put(o, "]", 1);
	}
	put(o, "\n", 1);
	return 0;
}

static int on_bad(long line, size_t field, const char *why, void *ctx)
{
	char msg[64];
	(void)why;
	put(ctx, msg, (size_t)snprintf(msg, sizeof msg, "bad %ld %zu\n", line, field));
	return 0;
}

/* libcsv alone: its fields and rows into o as on_row writes them. */
struct ref {
	struct out *o;
	int nf;
};

static void ref_field(void *s, size_t n, void *ctx)
{
	struct ref *r = ctx;
	if (r->nf++)
		put(r->o, " [", 2);
	else
		put(r->o, "[", 1);
	put(r->o, s ? s : "", n);
	put(r->o, "]", 1);
}

static void ref_row(int c, void *ctx)
{
	struct ref *r = ctx;
	(void)c;
	put(r->o, "\n", 1);
	r->nf = 0;
}

static int reference(const char *text, size_t n, char delim, struct out *o)
{
	struct csv_parser p;
	struct ref r = {o, 0};
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_delim(&p, (unsigned char)delim);
	if (csv_parse(&p, text, n, ref_field, ref_row, &r) != n ||
	    csv_fini(&p, ref_field, ref_row, &r) != 0) {
		csv_free(&p);
		return -1;               /* the generator makes no malformed text */
	}
	csv_free(&p);
	return 0;
}

static int read_file(const char *path, char delim, struct out *o)
{
	struct crm_csv_opts co = {delim, NULL};
	const char *name;
	return crm_read_path(path, &co, 0, &name, on_row, on_row, on_bad, o);
}

static const char *const pieces[] = {
	"a", "b", "x1", " ", "  ", "\t", "D", "D", "D", "\n", "\n", "\r\n", "\r",
	"\"q\"", "\"q\"\"r\"", "\"D\"", "\" s \"", "\"l\nm\"",
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

/* A random text of up to 40 pieces, D standing for the delimiter. */
static size_t make_text(char *buf, size_t size, char delim)
{
	size_t n = 0, k, count = (size_t)(rand() % 40);
	for (k = 0; k < count; k++) {
		const char *p = pieces[rand() % (int)NPIECES];
		for (; *p && n + 1 < size; p++)
			buf[n++] = *p == 'D' ? delim : *p;
	}
	if (rand() % 2 && n + 1 < size)
		buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

static void show(const char *what, const char *s, size_t n)
{
	printf("%s: ", what);
	crm_fputs_escaped(n ? s : "", stdout);
	putchar('\n');
}

static int random_texts(unsigned seed, long count, char delim)
{
	char path[] = "/tmp/csvcheck-XXXXXX", text[1024];
	int fd = mkstemp(path);
	long i, compared = 0;
	if (fd < 0)
		return perror("csvcheck"), 2;
	srand(seed);
	for (i = 0; i < count; i++) {
		struct out got = {0}, want = {0};
		size_t n = make_text(text, sizeof text, delim);
		if (ftruncate(fd, 0) < 0 || pwrite(fd, text, n, 0) != (ssize_t)n)
			return perror("csvcheck"), 2;
		put(&got, "", 0);
		put(&want, "", 0);
		if (reference(text, n, delim, &want) != 0) {
			free(want.s);        /* malformed quoting: libcsv alone stops there */
			free(got.s);
			continue;
		}
		compared++;
		if (read_file(path, delim, &got) != 0 || strcmp(got.s, want.s)) {
			show("text", text, n);
			show("crm", got.s, got.n);
			show("libcsv", want.s, want.n);
			unlink(path);
			return 1;
		}
		free(got.s);
		free(want.s);
	}
	unlink(path);
	close(fd);
	printf("ok %ld of %ld\n", compared, count);
	return 0;
}

int main(int argc, char **argv)
{
	char delim = ',';
	crm_set_progname("csvcheck");
	if (argc > 3 && !strcmp(argv[1], "random")) {
		if (argc > 4)
			delim = !strcmp(argv[4], "tab") ? '\t' : argv[4][0];
		return random_texts((unsigned)strtoul(argv[2], NULL, 10), strtol(argv[3], NULL, 10),
				    delim);
	}
	if (argc > 2 && !strcmp(argv[1], "rows")) {
		struct out o = {0};
		int rc;
		if (argc > 3)
			delim = !strcmp(argv[3], "tab") ? '\t' : argv[3][0];
		o.lines = 1;
		put(&o, "", 0);
		rc = read_file(argv[2], delim, &o);
		fputs(o.s, stdout);
		free(o.s);
		return rc ? 1 : 0;
	}
	fputs("usage: csvcheck random SEED COUNT [DELIM] | csvcheck rows FILE [DELIM]\n", stderr);
	return 2;
}
