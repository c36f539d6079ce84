/*
 * tablecheck - lib/table.c's rendered cells against its ordinary ones
 * (tests only).
 *
 *   tablecheck SEED COUNT   COUNT random tables (from SEED), each written
 *       twice in every format (csv, tsv, text, json): once cell by cell
 *       with crm_table_cell(), once with a random mix of crm_table_cell()
 *       and crm_table_render() + crm_table_put() of runs of one to three
 *       cells (a rendered run reused across rows, as crm-recommend reuses
 *       a customer's).  The cells are
 *       drawn from values that each rule of the writers acts on: quotes,
 *       delimiters, line ends, leading and trailing blanks, a BOM,
 *       formula leads, signed zeros, booleans, control characters, bytes
 *       that are not UTF-8, missing values; every 50th table has
 *       thousands of rows.  The two outputs must be the
 *       same bytes.  Prints "ok TABLES", or the first that differs (its
 *       seed and format, both outputs) and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "table.h"

static const char *const values[] = {
	"plain", "", "a,b", "a\tb", "say \"hi\"", "line\nend", "cr\rend", " lead", "trail ",
	"\xEF\xBB\xBF" "bom", "=SUM(A1)", "+1", "-1", "-0", "-0.000", "+0.5", "@x", "1", "0",
	"12.500000", "X\x1b" "]0;t\aY", "\xc2\x9b" "2J", "\xff\xfe", "김민지", NULL,
};
#define NVALUES (sizeof values / sizeof values[0])

static const struct crm_table_col cols[] = {
	{"text", CRM_T_TEXT}, {"plain", CRM_T_PLAIN}, {"num", CRM_T_NUM}, {"bool", CRM_T_BOOL},
	{"more", CRM_T_TEXT},
};
#define NCOLS ((int)(sizeof cols / sizeof cols[0]))

struct formats {
	enum crm_format f;
	char delim;
	const char *name;
};

static const struct formats formats[] = {
	{CRM_FORMAT_CSV, ',', "csv"}, {CRM_FORMAT_CSV, '\t', "tsv"},
	{CRM_FORMAT_TEXT, ',', "text"}, {CRM_FORMAT_JSON, ',', "json"},
};

/* A table of rows x NCOLS cells, picks[] the values' indexes; rendered: put
 * some cells through a rendered cell (the same one each time per column). */
static char *write_table(const struct formats *fm, const int *picks, int rows, int rendered,
			 unsigned *seed)
{
	struct crm_table_rendered r[NCOLS];
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);
	struct crm_table *t;
	int i, c;
	if (!fp) {
		perror("open_memstream");
		exit(1);
	}
	memset(r, 0, sizeof r);
	t = crm_table_begin(fp, fm->f, fm->delim, cols, NCOLS);
	for (i = 0; i < rows; i++)
		for (c = 0; c < NCOLS; c++) {
			const char *v = values[picks[i * NCOLS + c]];
			if (rendered && rand_r(seed) % 2) {
				/* a run of 1..3 cells, to the row's end at most */
				int len = 1 + (int)(rand_r(seed) % 3), k;
				const char *run[3];
				if (len > NCOLS - c)
					len = NCOLS - c;
				for (k = 0; k < len; k++)
					run[k] = values[picks[i * NCOLS + c + k]];
				crm_table_render(t, c, len, run, &r[c]);
				crm_table_put(t, &r[c]);
				c += len - 1;
			} else {
				crm_table_cell(t, v);
			}
		}
	crm_table_finish(t);
	crm_table_free(t);
	for (c = 0; c < NCOLS; c++)
		crm_table_rendered_free(&r[c]);
	fclose(fp);
	return buf;
}

int main(int argc, char **argv)
{
	unsigned seed, s;
	long count, k;
	size_t f;
	if (argc != 3) {
		fputs("usage: tablecheck SEED COUNT\n", stderr);
		return 2;
	}
	seed = (unsigned)strtoul(argv[1], NULL, 10);
	count = strtol(argv[2], NULL, 10);
	for (k = 0; k < count; k++) {
		/* every 50th table long enough that rendered rows are written in
		 * more than one block (table.h) between ordinary cells */
		int rows = k % 50 == 49 ? 2000 + (int)(rand_r(&seed) % 1000) :
			1 + (int)(rand_r(&seed) % 6), i;
		int *picks = crm_xmalloc((size_t)rows * NCOLS * sizeof *picks);
		unsigned table_seed = seed;
		for (i = 0; i < rows * NCOLS; i++)
			picks[i] = (int)(rand_r(&seed) % NVALUES);
		for (f = 0; f < sizeof formats / sizeof formats[0]; f++) {
			char *a, *b;
			s = seed;
			a = write_table(&formats[f], picks, rows, 0, &s);
			b = write_table(&formats[f], picks, rows, 1, &s);
			if (strcmp(a, b)) {
				printf("table %ld (seed %u), %s:\n--- cells\n%s--- rendered\n%s",
				       k, table_seed, formats[f].name, a, b);
				return 1;
			}
			free(a);
			free(b);
		}
		free(picks);
		seed += 7919;
	}
	printf("ok %ld\n", count);
	return 0;
}
