/* report_fmt.c - the report for a terminal, Markdown and JSON, and
 * crm_report_write(), which hands HTML to report_html.c; see report.h. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "table.h"

/* ---- text ---------------------------------------------------------------------------- */

/* The columns that s takes on a terminal once escaped. */
static int width(const char *s)
{
	char *e = crm_escape(s);
	int w = (int)crm_utf8_width(e);
	free(e);
	return w;
}

/* s escaped (a customer's name may hold ESC or C1 bytes), padded to w. */
static void pad(FILE *out, const char *s, int w, int right)
{
	char *e = crm_escape(s);
	int n = w - (int)crm_utf8_width(e);
	if (right)
		fprintf(out, "%*s%s", n > 0 ? n : 0, "", e);
	else
		fprintf(out, "%s%*s", e, n > 0 ? n : 0, "");
	free(e);
}

/* The widest of the section's metric labels, and of its figures and the
 * periods' labels, at least the layout's 34 and 16 columns. */
static void metric_widths(const struct crm_section *s, const struct crm_report_head *h,
			  char v[][3][CRM_CELL], const int *has, int *lw, int *vw)
{
	int i, k;
	*lw = 34;
	*vw = 16;
	for (k = 0; k < 2; k++)
		if (width(k ? h->prev : h->period) > *vw)
			*vw = width(k ? h->prev : h->period);
	for (i = 0; i < s->nmetrics; i++) {
		if (!has[i])
			continue;
		if (width(crm_report_word(s->metrics[i].label)) > *lw)
			*lw = width(crm_report_word(s->metrics[i].label));
		for (k = 0; k < 2; k++)
			if (width(v[i][k]) > *vw)
				*vw = width(v[i][k]);
	}
}

static void text_metrics(FILE *out, const struct crm_report *r, const struct crm_section *s)
{
	char v[CRM_SECTION_METRICS][3][CRM_CELL];
	int has[CRM_SECTION_METRICS], i, lw, vw;
	struct crm_report_head h;
	crm_report_head(r, &h);
	for (i = 0; i < s->nmetrics; i++)
		has[i] = crm_report_cells(&s->metrics[i], r->currency, v[i]);
	metric_widths(s, &h, v, has, &lw, &vw);
	fputs("  ", out);
	pad(out, "", lw, 0);
	fputc(' ', out);
	pad(out, h.period, vw, 1);
	fputc(' ', out);
	pad(out, h.prev, vw, 1);
	/* TRANSLATORS: the head of the column of changes in a report's figures */
	fprintf(out, "  %s\n", _("change"));
	for (i = 0; i < s->nmetrics; i++) {
		if (!has[i])
			continue;
		fputs("  ", out);
		pad(out, crm_report_word(s->metrics[i].label), lw, 0);
		fputc(' ', out);
		pad(out, v[i][0], vw, 1);
		fputc(' ', out);
		pad(out, v[i][1], vw, 1);
		fprintf(out, "%s%s\n", v[i][2][0] ? "  " : "", v[i][2]);
	}
}

/* The head of column k of a table, or its cell of row i (i >= 0), as
 * people read it. */
static const char *text_cell(const struct crm_report_table *t, int i, int k, char *buf,
			     size_t size)
{
	return i < 0 ? crm_report_word(t->cols[k]) : crm_report_shown(t, i, k, buf, size);
}

static void text_table(FILE *out, const struct crm_report_table *t)
{
	int w[CRM_REPORT_TABLE_COLS], i, k;
	char buf[CRM_CELL], more[CRM_CELL];
	fprintf(out, "\n  %s\n", crm_report_word(t->title));
	for (k = 0; k < t->ncols; k++) {
		w[k] = 0;
		for (i = -1; i < t->nrows; i++)
			if (width(text_cell(t, i, k, buf, sizeof buf)) > w[k])
				w[k] = width(text_cell(t, i, k, buf, sizeof buf));
	}
	for (i = -1; i < t->nrows; i++) {
		fputs("   ", out);
		for (k = 0; k < t->ncols; k++) {
			fputs(k ? "  " : " ", out);
			pad(out, text_cell(t, i, k, buf, sizeof buf),
			    k == t->ncols - 1 && !t->right[k] ? 0 : w[k], t->right[k]);
		}
		fputc('\n', out);
	}
	crm_report_more(more, sizeof more, t->more);
	if (t->more)
		fprintf(out, "    %s\n", more);
}

static double chart_max(const struct crm_chart *c)
{
	double m = 0;
	int i;
	for (i = 0; i < c->n; i++)
		if (c->has[i] && fabs(c->values[i]) > m)
			m = fabs(c->values[i]);
	return m;
}

static void text_chart(FILE *out, const struct crm_report *r, const struct crm_chart *c)
{
	double max = chart_max(c);
	char buf[CRM_CELL];
	int i, lw = 0;
	fprintf(out, "\n  %s\n", crm_report_word(c->title));
	for (i = 0; i < c->n; i++)
		if (width(crm_report_label(c, i, buf, sizeof buf)) > lw)
			lw = width(crm_report_label(c, i, buf, sizeof buf));
	for (i = 0; i < c->n; i++) {
		char v[64];
		int bar = max > 0 && c->has[i] ? (int)lround(30.0 * fabs(c->values[i]) / max) : 0;
		crm_report_point(v, sizeof v, c, i, r->currency);
		fputs("    ", out);
		pad(out, crm_report_label(c, i, buf, sizeof buf), lw, 0);
		fprintf(out, "  %-30.*s  %s\n", bar, "##############################", v);
	}
}

/* The parts of a plain layout (text or Markdown), walked in one order;
 * each printf format takes the text that goes into it. */
struct layout {
	void (*head)(FILE *, const struct crm_report_head *);
	const char *nodata;          /* printf: "No data in this period." */
	const char *section;         /* printf: title */
	const char *note;            /* printf: note */
	const char *empty;           /* printf: the line of a chart with nothing to show */
	void (*metrics)(FILE *, const struct crm_report *, const struct crm_section *);
	void (*table)(FILE *, const struct crm_report_table *);
	void (*chart)(FILE *, const struct crm_report *, const struct crm_chart *);
};

static void walk(FILE *out, const struct crm_report *r, const struct layout *l)
{
	struct crm_report_head h;
	char line[CRM_CELL * 4];
	int i, k;
	crm_report_head(r, &h);
	l->head(out, &h);
	if (!r->nsections)
		/* TRANSLATORS: the whole report of a period without any data */
		fprintf(out, l->nodata, _("No data in this period."));
	for (i = 0; i < r->nsections; i++) {
		const struct crm_section *s = &r->sections[i];
		fprintf(out, l->section, crm_report_word(s->title));
		if (s->nmetrics)
			l->metrics(out, r, s);
		for (k = 0; k < s->ntables; k++)
			l->table(out, &s->tables[k]);
		/* bars only repeat their table where nothing is drawn */
		if (s->chart && crm_report_chart_empty(s->chart, line, sizeof line))
			fprintf(out, l->empty, line);
		else if (s->chart && s->chart->kind != CRM_CHART_BARS)
			l->chart(out, r, s->chart);
		if (s->note_text[0])
			fprintf(out, l->note, s->note_text);
	}
}

static void text_head(FILE *out, const struct crm_report_head *h)
{
	/* TRANSLATORS: the text report's first line: this period, the one before */
	fprintf(out, _("Customer report %s, against %s"), h->period, h->prev);
	fputc('\n', out);
	/* TRANSLATORS: the text report's second line, before "; money in KRW" */
	fprintf(out, _("as of %s"), h->as_of);
	fprintf(out, "%s\n", h->money);
}

static const struct layout text_layout = {
	text_head, "\n%s\n", "\n%s\n", "  (%s)\n", "\n  %s\n",
	text_metrics, text_table, text_chart,
};

/* ---- Markdown ----------------------------------------------------------------------- */

/* One character of a cell that needs no escape of crm_escape_next(): a
 * backslash before anything a renderer would read as markup, '|' above all. */
static void md_char(FILE *out, const char *c, size_t len)
{
	if (strchr("|\\*_`[]<>#", *c))
		fputc('\\', out);
	fwrite(c, 1, len, out);
}

/* A table cell: control characters escaped as in text (\x1b: a backslash
 * before a letter is no Markdown escape, so it shows as it is), then
 * markup, so that the value stays in its cell. */
static void md_cell(FILE *out, const char *s)
{
	crm_fputs_escaped_by(s, out, md_char);
}

static void md_table(FILE *out, const struct crm_report_table *t)
{
	char buf[CRM_CELL];
	int i, k;
	fprintf(out, "\n**%s**\n\n|", crm_report_word(t->title));
	for (k = 0; k < t->ncols; k++)
		fprintf(out, " %s |", crm_report_word(t->cols[k]));
	fputs("\n|", out);
	for (k = 0; k < t->ncols; k++)
		fputs(t->right[k] ? " ---: |" : " --- |", out);
	fputc('\n', out);
	for (i = 0; i < t->nrows; i++) {
		fputc('|', out);
		for (k = 0; k < t->ncols; k++) {
			fputc(' ', out);
			md_cell(out, crm_report_shown(t, i, k, buf, sizeof buf));
			fputs(" |", out);
		}
		fputc('\n', out);
	}
	crm_report_more(buf, sizeof buf, t->more);
	if (t->more)
		fprintf(out, "\n%s\n", buf);
}

static void md_metrics(FILE *out, const struct crm_report *r, const struct crm_section *s)
{
	struct crm_report_head h;
	int i;
	crm_report_head(r, &h);
	fprintf(out, "\n| | %s | %s | %s |\n| --- | ---: | ---: | ---: |\n", h.period, h.prev,
		_("change"));
	for (i = 0; i < s->nmetrics; i++) {
		char v[3][CRM_CELL];
		if (crm_report_cells(&s->metrics[i], r->currency, v))
			fprintf(out, "| %s | %s | %s | %s |\n", crm_report_word(s->metrics[i].label),
				v[0], v[1], v[2]);
	}
}

static void md_chart(FILE *out, const struct crm_report *r, const struct crm_chart *c)
{
	char buf[CRM_CELL];
	int i;
	fprintf(out, "\n**%s**\n\n| | |\n| --- | ---: |\n", crm_report_word(c->title));
	for (i = 0; i < c->n; i++) {
		char v[64];
		crm_report_point(v, sizeof v, c, i, r->currency);
		fputs("| ", out);
		md_cell(out, crm_report_label(c, i, buf, sizeof buf));
		fprintf(out, " | %s |\n", v);
	}
}

static void md_head(FILE *out, const struct crm_report_head *h)
{
	fputs("# ", out);
	/* TRANSLATORS: the title of the Markdown and HTML reports */
	fprintf(out, _("Customer report %s"), h->period);
	fputs("\n\n", out);
	/* TRANSLATORS: under the title of the Markdown and HTML reports: the
	 * period compared with, the as-of day; "; money in KRW" follows */
	fprintf(out, _("Against %s; as of %s"), h->prev, h->as_of);
	fprintf(out, "%s.\n", h->money);
}

static const struct layout markdown_layout = {
	md_head, "\n%s\n", "\n## %s\n", "\n_%s_\n", "\n%s\n",
	md_metrics, md_table, md_chart,
};

/* ---- JSON --------------------------------------------------------------------------- */

/* A figure as a whole number n and its decimals (report.h: JSON figures):
 * 0 when it is too large for that, to be written as a double instead. */
static int scaled(enum crm_unit u, double v, const char *currency, long long *n, int *dec)
{
	double f;
	switch (u) {
	case CRM_U_COUNT: *dec = 0; break;
	case CRM_U_MONEY:
		*dec = crm_currency_exponent(currency);
		*dec = *dec < 0 ? 0 : *dec;
		break;
	default: *dec = CRM_JSON_DECIMALS; break;
	}
	f = u == CRM_U_COUNT || u == CRM_U_MONEY ? v : v * pow(10, CRM_JSON_DECIMALS);
	if (!(fabs(f) < 0x1p62))        /* NaN too */
		return 0;
	*n = llround(f);
	return 1;
}

/* n / 10^dec as an exact decimal; trailing zeros dropped when trim. */
static void json_decimal(FILE *out, long long n, int dec, int trim)
{
	unsigned long long a = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n, p = 1;
	char frac[24];
	int i;
	for (i = 0; i < dec; i++)
		p *= 10;
	fprintf(out, "%s%llu", n < 0 ? "-" : "", a / p);
	if (!dec || (trim && a % p == 0))
		return;
	snprintf(frac, sizeof frac, "%0*llu", dec, a % p);
	for (i = dec; trim && i > 0 && frac[i - 1] == '0'; i--)
		frac[i - 1] = '\0';
	fprintf(out, ".%s", frac);
}

/* A figure as JSON (report.h); null when it has no value. */
static void json_num(FILE *out, enum crm_unit u, double v, int has, const char *currency)
{
	long long n;
	int dec;
	if (!has)
		fputs("null", out);
	else if (scaled(u, v, currency, &n, &dec))
		json_decimal(out, n, dec, u != CRM_U_MONEY);
	else
		fprintf(out, "%.17g", v);
}

/* A metric's change: its current figure less its previous one as written. */
static void json_change(FILE *out, const struct crm_metric *m, const char *currency)
{
	long long a, b, d;
	int dec;
	if (!m->has_cur || !m->has_prev)
		fputs("null", out);
	else if (scaled(m->unit, m->cur, currency, &a, &dec) &&
		 scaled(m->unit, m->prev, currency, &b, &dec) && !__builtin_sub_overflow(a, b, &d))
		json_decimal(out, d, dec, m->unit != CRM_U_MONEY);
	else
		fprintf(out, "%.17g", m->cur - m->prev);
}

static void json_metrics(FILE *out, const struct crm_report *r, const struct crm_section *s)
{
	int i, first = 1;
	fputs("\"metrics\": {", out);
	for (i = 0; i < s->nmetrics; i++) {
		const struct crm_metric *m = &s->metrics[i];
		if (!m->has_cur && !m->has_prev)
			continue;
		fprintf(out, "%s\n      ", first ? "" : ",");
		first = 0;
		crm_json_string(out, m->key);
		fputs(": {\"label\": ", out);
		crm_json_string(out, m->label);
		fputs(", \"current\": ", out);
		json_num(out, m->unit, m->cur, m->has_cur, r->currency);
		fputs(", \"previous\": ", out);
		json_num(out, m->unit, m->prev, m->has_prev, r->currency);
		fputs(", \"change\": ", out);
		json_change(out, m, r->currency);
		if (m->margin > 0) {
			fputs(", \"margin\": ", out);
			json_num(out, CRM_U_SCORE, m->margin, 1, r->currency);
			fprintf(out, ", \"within_noise\": %s", m->noise ? "true" : "false");
		}
		fputc('}', out);
	}
	fputs("}", out);
}

static void json_table(FILE *out, const struct crm_report_table *t)
{
	int i, k;
	fputs("{\"key\": ", out);
	crm_json_string(out, t->key);
	fputs(", \"title\": ", out);
	crm_json_string(out, t->title);
	fputs(", \"columns\": [", out);
	for (k = 0; k < t->ncols; k++) {
		fputs(k ? ", " : "", out);
		crm_json_string(out, t->cols[k]);
	}
	fputs("], \"rows\": [", out);
	for (i = 0; i < t->nrows; i++) {
		fputs(i ? ",\n        [" : "\n        [", out);
		for (k = 0; k < t->ncols; k++) {
			const char *cell = crm_report_cell(t, i, k);
			char num[64];
			fputs(k ? ", " : "", out);
			if (t->right[k] && crm_report_number(cell, num, sizeof num))
				fputs(num, out);
			else if (t->right[k] && (!*cell || !strcmp(cell, "-")))
				fputs("null", out);
			else
				crm_json_string(out, cell);
		}
		fputc(']', out);
	}
	fprintf(out, "], \"more\": %lld}", t->more);
}

static void json_chart(FILE *out, const struct crm_report *r, const struct crm_chart *c)
{
	int i;
	fputs("\"chart\": {\"key\": ", out);
	crm_json_string(out, c->key);
	fputs(", \"title\": ", out);
	crm_json_string(out, c->title);
	fprintf(out, ", \"kind\": \"%s\", \"points\": [",
		c->kind == CRM_CHART_LINE ? "line" : "bars");
	for (i = 0; i < c->n; i++) {
		fputs(i ? ", {\"label\": " : "{\"label\": ", out);
		crm_json_string(out, c->labels[i]);
		fputs(", \"value\": ", out);
		json_num(out, c->unit, c->values[i], c->has[i], r->currency);
		fputc('}', out);
	}
	fputs("]}", out);
}

static void json_period(FILE *out, const char *name, const struct crm_period *p)
{
	char a[CRM_DATE_LEN], b[CRM_DATE_LEN];
	crm_day_date(p->from, a);
	crm_day_date(p->to - 1, b);
	fprintf(out, "  \"%s\": {\"label\": ", name);
	crm_json_string(out, p->label);
	fprintf(out, ", \"first_day\": \"%s\", \"last_day\": \"%s\"},\n", a, b);
}

static void write_json(FILE *out, const struct crm_report *r)
{
	int i, k;
	fputs("{\n", out);
	json_period(out, "period", &r->period);
	json_period(out, "previous", &r->prev);
	fprintf(out, "  \"as_of\": \"%s\",\n  \"currency\": ", r->as_of);
	if (r->currency[0])
		crm_json_string(out, r->currency);
	else
		fputs("null", out);
	fputs(",\n  \"sections\": [", out);
	for (i = 0; i < r->nsections; i++) {
		const struct crm_section *s = &r->sections[i];
		fputs(i ? ",\n    {\"key\": " : "\n    {\"key\": ", out);
		crm_json_string(out, s->key);
		fputs(", \"title\": ", out);
		crm_json_string(out, s->title);
		fputs(",\n     ", out);
		json_metrics(out, r, s);
		fputs(",\n     \"tables\": [", out);
		for (k = 0; k < s->ntables; k++) {
			fputs(k ? ", " : "", out);
			json_table(out, &s->tables[k]);
		}
		fputs("]", out);
		if (s->chart) {
			fputs(",\n     ", out);
			json_chart(out, r, s->chart);
		}
		if (s->note[0]) {
			fputs(",\n     \"note\": ", out);
			crm_json_string(out, s->note);
		}
		fputc('}', out);
	}
	fputs("\n  ]\n}\n", out);
}

/* ---- all formats -------------------------------------------------------------------- */

void crm_report_write(FILE *out, const struct crm_report *r, enum crm_report_format f)
{
	switch (f) {
	case CRM_FMT_TEXT: walk(out, r, &text_layout); break;
	case CRM_FMT_MARKDOWN: walk(out, r, &markdown_layout); break;
	case CRM_FMT_JSON: write_json(out, r); break;
	case CRM_FMT_HTML: crm_report_html(out, r); break;
	}
}
