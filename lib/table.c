/* table.c - a table of results as CSV/TSV, aligned text or JSON; see table.h. */
#include "table.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "diag.h"
#include "i18n.h"
#include "norm.h"
#include "nps.h"

struct crm_table {
	FILE *fp;
	enum crm_format f;
	struct crm_writer w;
	struct crm_table_col *cols;
	int ncols;
	int col;                 /* next cell's column */
	long long rows;
	/* csv: the rendered cells of the current row (crm_table_put), written
	 * with one call at its end or before an ordinary cell; when hold, rows
	 * of them are kept up to RB_HOLD bytes (fp is not a terminal: no one
	 * waits for a row, and two million small writes cost more than the
	 * rows' bytes) */
	char *rb;
	size_t rbn, rbcap;
	int hold;
	/* text: every cell kept, escaped, row after row */
	char **cells;
	size_t ncells, cap;
};

int crm_format_parse(const char *name)
{
	if (!strcmp(name, "csv"))
		return CRM_FORMAT_CSV;
	if (!strcmp(name, "text"))
		return CRM_FORMAT_TEXT;
	if (!strcmp(name, "json"))
		return CRM_FORMAT_JSON;
	return -1;
}

/* ---- json ------------------------------------------------------------------------ */

void crm_json_string(FILE *fp, const char *s)
{
	size_t n = strlen(s), i = 0;
	putc('"', fp);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			/* one character: copied when it is UTF-8, else U+FFFD */
			size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			if (len <= n - i && crm_utf8_valid_prefix(s + i, len) == len) {
				/* a C1 control (U+0080..U+009F) is escaped like C0's,
				 * so that JSON shown on a terminal is inert */
				if (c == 0xC2 && (unsigned char)s[i + 1] < 0xA0)
					fprintf(fp, "\\u%04x", (unsigned char)s[i + 1]);
				else
					fwrite(s + i, 1, len, fp);
				i += len;
			} else {
				fputs("\xEF\xBF\xBD", fp);
				i++;
			}
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c == '\r')
			fputs("\\r", fp);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\u%04x", c);
		else
			putc(c, fp);
		i++;
	}
	putc('"', fp);
}

int crm_json_number(const char *s)
{
	const char *p = s + (*s == '-');
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		p += strspn(p, "0123456789");
	else
		return 0;
	if (*p == '.') {
		size_t n = strspn(p + 1, "0123456789");
		if (!n)
			return 0;
		p += 1 + n;
	}
	if (*p == 'e' || *p == 'E') {
		size_t n;
		p += 1 + (p[1] == '+' || p[1] == '-');
		if (!(n = strspn(p, "0123456789")))
			return 0;
		p += n;
	}
	return *p == '\0';
}

/* A number cell as every format writes it: a zero has no sign ("-0.0" is
 * "0.0"), and in JSON no '+' either. */
static const char *num_cell(const char *s, int json)
{
	if (*s == '-' && isdigit((unsigned char)s[1]) && strspn(s + 1, "0.") == strlen(s + 1))
		return s + 1;
	return json && *s == '+' ? s + 1 : s;
}

static void json_cell(struct crm_table *t, const char *s)
{
	const struct crm_table_col *c = &t->cols[t->col];
	fputs(t->col ? ", " : (t->rows ? ",\n  {" : "[\n  {"), t->fp);
	crm_json_string(t->fp, c->name);
	fputs(": ", t->fp);
	if (c->kind == CRM_T_NUM && s)
		s = *s ? num_cell(s, 1) : NULL;
	if (!s)
		fputs("null", t->fp);
	else if (c->kind == CRM_T_NUM && crm_json_number(s))
		fputs(s, t->fp);
	else if (c->kind == CRM_T_BOOL)
		fputs(strcmp(s, "0") ? "true" : "false", t->fp);
	else
		crm_json_string(t->fp, s);
	if (t->col == t->ncols - 1)
		putc('}', t->fp);
}

/* ---- text ------------------------------------------------------------------------ */

/* A cell as a person sees it: control characters shown, never obeyed. */
static char *text_escape(const char *s, enum crm_cell_kind kind)
{
	if (!s)
		return crm_xstrdup("-");
	if (kind == CRM_T_BOOL)
		return crm_xstrdup(strcmp(s, "0") ? "yes" : "no");
	return crm_escape(s);
}

static void text_keep(struct crm_table *t, char *s)
{
	if (t->ncells == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->cells = crm_xrealloc(t->cells, t->cap * sizeof *t->cells);
	}
	t->cells[t->ncells++] = s;
}

static void pad(FILE *fp, size_t n)
{
	while (n--)
		putc(' ', fp);
}

static void text_flush(struct crm_table *t)
{
	size_t *width = crm_xrealloc(NULL, (size_t)t->ncols * sizeof *width), i;
	int c;
	for (c = 0; c < t->ncols; c++)
		width[c] = 0;
	for (i = 0; i < t->ncells; i++) {
		size_t w = crm_utf8_width(t->cells[i]);
		c = (int)(i % (size_t)t->ncols);
		width[c] = w > width[c] ? w : width[c];
	}
	for (i = 0; i < t->ncells; i++) {
		const char *s = t->cells[i];
		size_t gap = width[i % (size_t)t->ncols] - crm_utf8_width(s);
		int last = (int)(i % (size_t)t->ncols) == t->ncols - 1;
		int right = t->cols[i % (size_t)t->ncols].kind == CRM_T_NUM;
		if (right)
			pad(t->fp, gap);
		fputs(s, t->fp);
		if (!right && !last)
			pad(t->fp, gap);
		fputs(last ? "\n" : "  ", t->fp);
	}
	free(width);
}

/* ---- the table ------------------------------------------------------------------- */

struct crm_table *crm_table_begin(FILE *fp, enum crm_format f, char delim,
				  const struct crm_table_col *cols, int ncols)
{
	struct crm_table *t = crm_xcalloc(1, sizeof *t);
	int c;
	t->fp = fp;
	t->f = f;
	t->ncols = ncols;
	t->cols = crm_xrealloc(NULL, (size_t)ncols * sizeof *cols);
	memcpy(t->cols, cols, (size_t)ncols * sizeof *cols);
	crm_writer_init(&t->w, fp, delim);
	t->hold = f == CRM_FORMAT_CSV && !isatty(fileno(fp));
	for (c = 0; c < ncols; c++) {
		if (f == CRM_FORMAT_CSV)
			crm_write_field(&t->w, cols[c].name, CRM_CELL_PLAIN);
		else if (f == CRM_FORMAT_TEXT)   /* for people: in the messages' language */
			text_keep(t, crm_escape(crm_tr(cols[c].name)));
	}
	if (f == CRM_FORMAT_CSV)
		crm_write_end(&t->w);
	return t;
}

#define RB_HOLD (64 << 10)

static void flush_rendered(struct crm_table *t)
{
	if (t->rbn)
		fwrite_unlocked(t->rb, 1, t->rbn, t->fp);
	t->rbn = 0;
}

/* Past a cell: the row ends after its last column. */
static void next_column(struct crm_table *t)
{
	if (++t->col < t->ncols)
		return;
	t->col = 0;
	t->rows++;
	if (t->rbn) {
		t->rb[t->rbn++] = '\n';   /* put() left room for it */
		t->w.nfield = 0;
		if (!t->hold || t->rbn >= RB_HOLD)
			flush_rendered(t);
	} else if (t->f == CRM_FORMAT_CSV) {
		crm_write_end(&t->w);
	}
}

/* A CSV cell's text as written: numbers without a zero's sign, booleans as
 * yes/no. */
static const char *csv_text(const struct crm_table_col *c, const char *s)
{
	if (s && c->kind == CRM_T_NUM)
		return num_cell(s, 0);
	if (s && c->kind == CRM_T_BOOL)
		return strcmp(s, "0") ? "yes" : "no";
	return s;
}

void crm_table_cell(struct crm_table *t, const char *s)
{
	const struct crm_table_col *c = &t->cols[t->col];
	if (t->f == CRM_FORMAT_CSV) {
		flush_rendered(t);
		crm_write_field(&t->w, csv_text(c, s),
				c->kind == CRM_T_TEXT ? CRM_CELL_TEXT : CRM_CELL_PLAIN);
	} else if (t->f == CRM_FORMAT_JSON)
		json_cell(t, s);
	else
		text_keep(t, text_escape(s && c->kind == CRM_T_NUM ? num_cell(s, 0) : s, c->kind));
	next_column(t);
}

static void rendered_room(struct crm_table_rendered *r, size_t more)
{
	if (r->n + more > r->cap) {
		r->cap = 2 * (r->n + more);
		r->s = crm_xrealloc(r->s, r->cap);
	}
}

void crm_table_render(const struct crm_table *t, int col, int n, const char *const *s,
		      struct crm_table_rendered *r)
{
	int k;
	r->n = 0;
	r->ncells = n;
	for (k = 0; k < n; k++) {
		const struct crm_table_col *c = &t->cols[col + k];
		const char *v = t->f == CRM_FORMAT_CSV ? csv_text(c, s[k]) : s[k];
		size_t len = v ? strlen(v) : 0;
		rendered_room(r, 2 * len + 5);
		if (t->f != CRM_FORMAT_CSV) {
			r->s[r->n++] = v != NULL;
			memcpy(r->s + r->n, v ? v : "", len + 1);
			r->n += len + 1;
			continue;
		}
		if (k)
			r->s[r->n++] = t->w.delim;
		r->n += crm_csv_encode(v ? v : "", len, c->kind == CRM_T_TEXT ? CRM_CELL_TEXT :
				       CRM_CELL_PLAIN, t->w.delim, r->s + r->n);
	}
}

void crm_table_put(struct crm_table *t, const struct crm_table_rendered *r)
{
	const char *p = r->s;
	int k;
	if (t->f != CRM_FORMAT_CSV) {
		for (k = 0; k < r->ncells; k++) {
			crm_table_cell(t, *p ? p + 1 : NULL);
			p += strlen(p + 1) + 2;
		}
		return;
	}
	if (t->rbn + r->n + 2 > t->rbcap) {   /* a delimiter, the row's end */
		t->rbcap = 2 * (t->rbn + r->n + 2) + 256;
		t->rb = crm_xrealloc(t->rb, t->rbcap);
	}
	if (t->w.nfield)
		t->rb[t->rbn++] = t->w.delim;
	t->w.nfield += r->ncells;
	memcpy(t->rb + t->rbn, r->s, r->n);
	t->rbn += r->n;
	for (k = 0; k < r->ncells; k++)
		next_column(t);
}

void crm_table_rendered_fit(struct crm_table_rendered *r)
{
	r->cap = r->n + 1;
	r->s = crm_xrealloc(r->s, r->cap);
}

void crm_table_rendered_free(struct crm_table_rendered *r)
{
	free(r->s);
	memset(r, 0, sizeof *r);
}

void crm_table_int(struct crm_table *t, long long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", v);
	crm_table_cell(t, buf);
}

void crm_table_fixed(struct crm_table *t, double v, int decimals)
{
	char buf[64];
	if (isnan(v)) {
		crm_table_cell(t, NULL);
		return;
	}
	crm_nps_format(v, decimals, buf, sizeof buf);
	crm_table_cell(t, buf);
}

void crm_table_share(struct crm_table *t, long long k, long long n)
{
	crm_table_fixed(t, n ? 100.0 * (double)k / (double)n : NAN, 1);
}

void crm_table_day(struct crm_table *t, int64_t day)
{
	char date[CRM_DATE_LEN];
	crm_day_date(day, date);
	crm_table_cell(t, date);
}

void crm_table_finish(struct crm_table *t)
{
	flush_rendered(t);
	if (t->f == CRM_FORMAT_JSON)
		fputs(t->rows ? "\n]\n" : "[]\n", t->fp);
	else if (t->f == CRM_FORMAT_TEXT)
		text_flush(t);
}

void crm_table_free(struct crm_table *t)
{
	size_t i;
	if (!t)
		return;
	flush_rendered(t);   /* rows held are rows written, finished or not */
	for (i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->rb);
	free(t->cols);
	free(t);
}
