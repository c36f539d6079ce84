/*
 * report_value.c - a report's figures as people read them; see report.h.
 * The part that the report's writers share, and the builder for its
 * tables' cells: the writers use it, never each other's code (only
 * crm_report_write() calls the HTML writer), and it uses none of them.
 */
#include "report.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "table.h"

/* "1234567.50" -> "1,234,567.50" */
static void group_digits(const char *in, char *out, size_t size)
{
	const char *dot = strchr(in, '.'), *p = in;
	size_t intlen, k = 0, i;
	if (*p == '-' && k + 1 < size)
		out[k++] = *p++;
	intlen = (size_t)((dot ? dot : in + strlen(in)) - p);
	for (i = 0; i < intlen && k + 2 < size; i++) {
		if (i && (intlen - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = p[i];
	}
	snprintf(out + k, size - k, "%s", dot ? dot : "");
}

/* v with dec decimals: '+' before it with sign (and not zero), and no '-'
 * before a figure that rounds to zero: "+2.1", "-0.4", "0.0", never "-0.0". */
static void fixed(char *out, size_t size, double v, int dec, int sign, const char *suffix)
{
	char digits[64];
	snprintf(digits, sizeof digits, "%.*f", dec, fabs(v));
	if (strspn(digits, "0.") == strlen(digits))
		snprintf(out, size, "%s%s", digits, suffix);
	else
		snprintf(out, size, "%s%s%s", v < 0 ? "-" : sign ? "+" : "", digits, suffix);
}

void crm_report_value(char *out, size_t size, enum crm_unit u, double v, const char *currency)
{
	char plain[64];
	switch (u) {
	case CRM_U_COUNT:
		fixed(plain, sizeof plain, v, 0, 0, "");
		group_digits(plain, out, size);
		return;
	case CRM_U_MONEY:
		/* a double at 2^63 is past int64: llround() would wrap it */
		crm_format_money(v >= 0x1p63 ? INT64_MAX : v < -0x1p63 ? INT64_MIN : llround(v),
				 currency, plain, sizeof plain);
		group_digits(plain, out, size > 5 ? size - 4 : size);
		snprintf(out + strlen(out), size - strlen(out), " %s", currency);
		return;
	case CRM_U_PCT: fixed(out, size, v, 1, 0, "%"); return;
	case CRM_U_SCORE: fixed(out, size, v, 1, 1, ""); return;
	case CRM_U_HOURS: fixed(out, size, v, 1, 0, " h"); return;
	case CRM_U_RATING: fixed(out, size, v, 2, 0, ""); return;
	}
}

void crm_report_change(char *out, size_t size, const struct crm_metric *m, const char *currency)
{
	double d = m->cur - m->prev;
	char v[64], rel[32];
	*out = '\0';
	if (!m->has_cur || !m->has_prev)
		return;
	switch (m->unit) {
	case CRM_U_COUNT:
	case CRM_U_MONEY:
		crm_report_value(v, sizeof v, m->unit, fabs(d), currency);
		fixed(rel, sizeof rel, m->prev != 0 ? 100.0 * d / fabs(m->prev) : 0, 1, 1, "%");
		snprintf(out, size, "%s%s", d < 0 ? "-" : d > 0 ? "+" : "", v);
		if (m->prev != 0)
			snprintf(out + strlen(out), size - strlen(out), " (%s)", rel);
		return;
	case CRM_U_PCT: fixed(out, size, d, 1, 1, " pp"); break;
	case CRM_U_SCORE: fixed(out, size, d, 1, 1, ""); break;
	case CRM_U_HOURS: fixed(out, size, d, 1, 1, " h"); break;
	case CRM_U_RATING: fixed(out, size, d, 2, 1, ""); break;
	}
	if (m->noise)
		snprintf(out + strlen(out), size - strlen(out), " (noise)");
}

/* The value of one side of a metric, with its margin; "-" when none. */
static void side(char *out, size_t size, const struct crm_metric *m, int prev, const char *cur)
{
	if (!(prev ? m->has_prev : m->has_cur)) {
		snprintf(out, size, "-");
		return;
	}
	crm_report_value(out, size, m->unit, prev ? m->prev : m->cur, cur);
	if (!prev && m->margin > 0)
		snprintf(out + strlen(out), size - strlen(out), " ±%.1f", m->margin);
}

int crm_report_cells(const struct crm_metric *m, const char *currency, char cells[3][CRM_CELL])
{
	if (!m->has_cur && !m->has_prev)
		return 0;
	side(cells[0], CRM_CELL, m, 0, currency);
	side(cells[1], CRM_CELL, m, 1, currency);
	crm_report_change(cells[2], CRM_CELL, m, currency);
	return 1;
}

void crm_report_point(char *out, size_t size, const struct crm_chart *c, int i,
		      const char *currency)
{
	if (c->has[i])
		crm_report_value(out, size, c->unit, c->values[i], currency);
	else
		snprintf(out, size, "-");
}

const char *crm_report_cell(const struct crm_report_table *t, int row, int col)
{
	return t->cells[row * t->ncols + col];
}

int crm_report_number(const char *cell, char *out, size_t size)
{
	size_t k = 0, len = strlen(cell);
	const char *p = cell, *end;
	if (*p == '+')
		p++;
	/* a trailing '%', or a space and a currency code */
	if (len && cell[len - 1] == '%')
		len--;
	else if (len > 4 && cell[len - 4] == ' ')
		len -= 4;
	end = cell + len;
	for (; p < end && k + 1 < size; p++)
		if (*p != ',')
			out[k++] = *p;
	out[k] = '\0';
	return p == end && crm_json_number(out);
}

int crm_report_chart_empty(const struct crm_chart *c, char *line, size_t size)
{
	int i, sums = c->unit == CRM_U_COUNT || c->unit == CRM_U_MONEY;
	int64_t first, last;
	for (i = 0; i < c->n; i++)
		if (c->has[i] && (!sums || c->values[i] != 0))
			return 0;
	snprintf(line, size, "%s: %s", c->title, c->none ? c->none : "no data");
	if (c->n && crm_date_day(c->labels[0], &first) == 0 &&
	    crm_date_day(c->labels[c->n - 1], &last) == 0) {
		char a[CRM_DATE_LEN], b[CRM_DATE_LEN];
		crm_day_date(first, a);
		crm_day_date(last + 6, b);
		snprintf(line + strlen(line), size - strlen(line), " in the %d weeks from %s to %s",
			 c->n, a, b);
	}
	return 1;
}
