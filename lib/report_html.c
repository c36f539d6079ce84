/*
 * report_html.c - the report as one self-contained HTML page; see report.h.
 *
 * Mail clients drop <style> blocks, scripts and external files, and some
 * drop SVG: so every style is inline, nothing is loaded, and each chart is
 * followed by its figures as a table, which carries the content where the
 * SVG is not drawn.
 */
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

#define FONT "font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans KR',Arial,sans-serif"
#define TD "padding:4px 8px;border-bottom:1px solid #e5e7eb"
#define ACCENT "#2563eb"

/* One character that needs no escape of crm_escape_next(), as HTML text. */
static void html_char(FILE *out, const char *c, size_t len)
{
	switch (*c) {
	case '&': fputs("&amp;", out); break;
	case '<': fputs("&lt;", out); break;
	case '>': fputs("&gt;", out); break;
	case '"': fputs("&quot;", out); break;
	case '\'': fputs("&#39;", out); break;
	default: fwrite(c, 1, len, out);
	}
}

/* Text for the page: markup escaped, and control characters and bytes that
 * are not UTF-8 shown as in the text report (\x1b), since XML, and so an
 * SVG, may not hold them at all. */
static void esc(FILE *out, const char *s)
{
	crm_fputs_escaped_by(s, out, html_char);
}

/* A message of the catalogue with its arguments, as HTML text. */
__attribute__((format(printf, 2, 3)))
static void html_printf(FILE *out, const char *fmt, ...)
{
	char buf[512];
	va_list a;
	va_start(a, fmt);
	vsnprintf(buf, sizeof buf, fmt, a);
	va_end(a);
	esc(out, buf);
}

static void td(FILE *out, const char *s, int right, int head)
{
	fprintf(out, "<%s style=\"%s;text-align:%s%s\">", head ? "th" : "td", TD,
		right ? "right" : "left", head ? ";color:#6b7280;font-weight:600" : "");
	esc(out, s);
	fprintf(out, "</%s>", head ? "th" : "td");
}

static void table_open(FILE *out)
{
	fputs("<table role=\"presentation\" cellspacing=\"0\" style=\"border-collapse:collapse;"
	      "width:100%;font-size:14px;margin:8px 0 16px\">\n", out);
}

static void metrics(FILE *out, const struct crm_report *r, const struct crm_section *s)
{
	struct crm_report_head h;
	int i;
	crm_report_head(r, &h);
	table_open(out);
	fputs("<tr>", out);
	td(out, "", 0, 1);
	td(out, h.period, 1, 1);
	td(out, h.prev, 1, 1);
	td(out, _("change"), 1, 1);
	fputs("</tr>\n", out);
	for (i = 0; i < s->nmetrics; i++) {
		char v[3][CRM_CELL];
		if (!crm_report_cells(&s->metrics[i], r->currency, v))
			continue;
		fputs("<tr>", out);
		td(out, crm_report_word(s->metrics[i].label), 0, 0);
		td(out, v[0], 1, 0);
		td(out, v[1], 1, 0);
		td(out, v[2], 1, 0);
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* The title over a table or a chart. */
static void heading(FILE *out, const char *title)
{
	fputs("<h3 style=\"font-size:15px;margin:12px 0 4px\">", out);
	esc(out, title);
	fputs("</h3>\n", out);
}

static void table(FILE *out, const struct crm_report_table *t)
{
	char buf[CRM_CELL];
	int i, k;
	heading(out, crm_report_word(t->title));
	table_open(out);
	fputs("<tr>", out);
	for (k = 0; k < t->ncols; k++)
		td(out, crm_report_word(t->cols[k]), t->right[k], 1);
	fputs("</tr>\n", out);
	for (i = 0; i < t->nrows; i++) {
		fputs("<tr>", out);
		for (k = 0; k < t->ncols; k++)
			td(out, crm_report_shown(t, i, k, buf, sizeof buf), t->right[k], 0);
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	crm_report_more(buf, sizeof buf, t->more);
	if (t->more) {
		fputs("<p style=\"font-size:13px;color:#6b7280\">", out);
		esc(out, buf);
		fputs("</p>\n", out);
	}
}

/* ---- charts ----------------------------------------------------------------------------- */

#define W 640
#define H 220
#define PAD_L 8
#define PAD_B 40
#define PAD_T 24

static void range(const struct crm_chart *c, double *lo, double *hi)
{
	int i;
	*lo = 0;
	*hi = 0;
	for (i = 0; i < c->n; i++) {
		if (!c->has[i])
			continue;
		*lo = c->values[i] < *lo ? c->values[i] : *lo;
		*hi = c->values[i] > *hi ? c->values[i] : *hi;
	}
	if (*hi - *lo <= 0)
		*hi = *lo + 1;
}

static double y_of(double v, double lo, double hi)
{
	return PAD_T + (H - PAD_T - PAD_B) * (hi - v) / (hi - lo);
}

static void svg_open(FILE *out, const struct crm_chart *c, int height)
{
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\" style=\"max-width:100%%;height:auto;" FONT "\" "
		"font-size=\"11\">\n<title>", W, height, W, height);
	esc(out, crm_report_word(c->title));
	fputs("</title>\n", out);
}

/* A label under a point: the date's month and day ("11-16", Korean
 * "11월 16일"), or the text itself. */
static void short_label(FILE *out, const char *l)
{
	char tick[32];
	int64_t day;
	if (strlen(l) == 10 && l[4] == '-' && crm_date_day(l, &day) == 0) {
		crm_l10n_day_tick(day, crm_l10n_ko(), tick, sizeof tick);
		esc(out, tick);
	} else {
		esc(out, l);
	}
}

static void column_chart(FILE *out, const struct crm_report *r, const struct crm_chart *c)
{
	double lo, hi, slot = (double)(W - 2 * PAD_L) / (c->n ? c->n : 1);
	int i;
	range(c, &lo, &hi);
	svg_open(out, c, H);
	fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#9ca3af\"/>\n",
		PAD_L, y_of(0, lo, hi), W - PAD_L, y_of(0, lo, hi));
	for (i = 0; i < c->n; i++) {
		double x = PAD_L + slot * i + slot * 0.15, y0 = y_of(0, lo, hi);
		double y = c->has[i] ? y_of(c->values[i], lo, hi) : y0;
		char v[64];
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
			x, y < y0 ? y : y0, slot * 0.7, fabs(y0 - y), i == c->n - 1 ? ACCENT : "#93c5fd");
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#374151\">",
			x + slot * 0.35, H - PAD_B + 16);
		short_label(out, c->labels[i]);
		fputs("</text>\n", out);
		if (i == c->n - 1 && c->has[i]) {
			crm_report_value(v, sizeof v, c->unit, c->values[i], r->currency);
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#111827\">",
				x + slot * 0.7, (y < y0 ? y : y0) - 6);
			esc(out, v);
			fputs("</text>\n", out);
		}
	}
	fputs("</svg>\n", out);
}

static void line_chart(FILE *out, const struct crm_report *r, const struct crm_chart *c)
{
	double lo, hi, step = (double)(W - 2 * PAD_L - 40) / (c->n > 1 ? c->n - 1 : 1);
	int i, pen = 0;
	range(c, &lo, &hi);
	svg_open(out, c, H);
	fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#9ca3af\"/>\n",
		PAD_L, y_of(0, lo, hi), W - PAD_L, y_of(0, lo, hi));
	fputs("<path fill=\"none\" stroke=\"" ACCENT "\" stroke-width=\"2\" d=\"", out);
	for (i = 0; i < c->n; i++) {
		if (!c->has[i]) {
			pen = 0;
			continue;
		}
		fprintf(out, "%s%.1f %.1f ", pen ? "L" : "M", PAD_L + 20 + step * i,
			y_of(c->values[i], lo, hi));
		pen = 1;
	}
	fputs("\"/>\n", out);
	for (i = 0; i < c->n; i++) {
		double x = PAD_L + 20 + step * i;
		char v[64];
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#374151\">", x,
			H - PAD_B + 16);
		short_label(out, c->labels[i]);
		fputs("</text>\n", out);
		if (!c->has[i])
			continue;
		crm_report_value(v, sizeof v, c->unit, c->values[i], r->currency);
		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"" ACCENT "\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#111827\">", x,
			y_of(c->values[i], lo, hi), x, y_of(c->values[i], lo, hi) - 8);
		esc(out, v);
		fputs("</text>\n", out);
	}
	fputs("</svg>\n", out);
}

/* Horizontal bars with their labels: names of segments read better so. */
static void bar_chart(FILE *out, const struct crm_report *r, const struct crm_chart *c)
{
	double lo, hi;
	int i, row = 22, h = c->n * row + 8;
	range(c, &lo, &hi);
	svg_open(out, c, h);
	for (i = 0; i < c->n; i++) {
		double w = c->has[i] && hi > 0 ? (W - 260) * c->values[i] / hi : 0;
		char v[64] = "", label[CRM_CELL];
		if (c->has[i])
			crm_report_value(v, sizeof v, c->unit, c->values[i], r->currency);
		fprintf(out, "<text x=\"150\" y=\"%d\" text-anchor=\"end\" fill=\"#374151\">",
			i * row + 18);
		esc(out, crm_report_label(c, i, label, sizeof label));
		fprintf(out, "</text><rect x=\"158\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%d\" fill=\"#111827\">", i * row + 7, w,
			i ? "#93c5fd" : ACCENT, 164 + w, i * row + 18);
		esc(out, v);
		fputs("</text>\n", out);
	}
	fputs("</svg>\n", out);
}

/* A line for people, set small and grey: a section's note, the line of a
 * chart with nothing to show. */
static void aside(FILE *out, const char *s)
{
	fputs("<p style=\"font-size:13px;color:#6b7280\">", out);
	esc(out, s);
	fputs("</p>\n", out);
}

static void chart(FILE *out, const struct crm_report *r, const struct crm_chart *c)
{
	struct crm_report_table t;
	char cells[CRM_CHART_POINTS][2][64], *ptr[CRM_CHART_POINTS * 2], line[CRM_CELL * 4];
	int i;
	memset(&t, 0, sizeof t);
	t.key = c->key;
	t.ncols = 2;
	t.cols[0] = "";
	/* TRANSLATORS: the head of the column of figures under a chart */
	t.cols[1] = N_("value");
	t.right[1] = 1;
	if (crm_report_chart_empty(c, line, sizeof line)) {
		aside(out, line);
		return;
	}
	heading(out, crm_report_word(c->title));
	fputs("<div>", out);
	switch (c->kind) {
	case CRM_CHART_LINE: line_chart(out, r, c); break;
	case CRM_CHART_COLUMNS: column_chart(out, r, c); break;
	case CRM_CHART_BARS: bar_chart(out, r, c); break;
	}
	fputs("</div>\n", out);
	if (c->kind == CRM_CHART_BARS)
		return;      /* its figures are the distribution table above */
	for (i = 0; i < c->n; i++) {
		snprintf(cells[i][0], sizeof cells[i][0], "%s",
			 crm_report_label(c, i, line, sizeof line));
		crm_report_point(cells[i][1], sizeof cells[i][1], c, i, r->currency);
		ptr[2 * i] = cells[i][0];
		ptr[2 * i + 1] = cells[i][1];
	}
	t.nrows = c->n;
	t.cells = ptr;
	/* TRANSLATORS: the title of the table of figures under a chart */
	t.title = N_("Figures");
	table(out, &t);
}

void crm_report_html(FILE *out, const struct crm_report *r)
{
	struct crm_report_head h;
	int i, k;
	crm_report_head(r, &h);
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>",
		crm_l10n_ko() ? "ko" : "en");
	html_printf(out, _("Customer report %s"), h.period);
	fputs("</title></head>\n<body style=\"margin:0;background:#f3f4f6;" FONT ";color:#111827\">\n"
	      "<div style=\"max-width:720px;margin:0 auto;padding:16px;background:#ffffff\">\n"
	      "<h1 style=\"font-size:22px;margin:8px 0\">", out);
	html_printf(out, _("Customer report %s"), h.period);
	fputs("</h1>\n<p style=\"color:#6b7280;font-size:14px;margin:0 0 16px\">", out);
	html_printf(out, _("Against %s; as of %s"), h.prev, h.as_of);
	esc(out, h.money);
	fputs(".</p>\n", out);
	if (!r->nsections) {
		fputs("<p>", out);
		esc(out, _("No data in this period."));
		fputs("</p>\n", out);
	}
	for (i = 0; i < r->nsections; i++) {
		const struct crm_section *s = &r->sections[i];
		fputs("<h2 style=\"font-size:18px;margin:24px 0 4px;border-bottom:2px solid "
		      ACCENT "\">", out);
		esc(out, crm_report_word(s->title));
		fputs("</h2>\n", out);
		if (s->nmetrics)
			metrics(out, r, s);
		for (k = 0; k < s->ntables; k++)
			table(out, &s->tables[k]);
		if (s->chart)
			chart(out, r, s->chart);
		if (s->note_text[0])
			aside(out, s->note_text);
	}
	fputs("</div>\n</body></html>\n", out);
}
