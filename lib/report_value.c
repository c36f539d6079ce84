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

void crm_report_value(char *out, size_t size, enum crm_unit u, double v, const char *currency)
{
	char plain[64];
	switch (u) {
	case CRM_U_COUNT:
		snprintf(plain, sizeof plain, "%.0f", v);
		group_digits(plain, out, size);
		return;
	case CRM_U_MONEY:
		/* a double at 2^63 is past int64: llround() would wrap it */
		crm_format_money(v >= 0x1p63 ? INT64_MAX : v < -0x1p63 ? INT64_MIN : llround(v),
				 currency, plain, sizeof plain);
		group_digits(plain, out, size > 5 ? size - 4 : size);
		snprintf(out + strlen(out), size - strlen(out), " %s", currency);
		return;
	case CRM_U_PCT: snprintf(out, size, "%.1f%%", v); return;
	case CRM_U_SCORE: snprintf(out, size, "%+.1f", v); return;
	case CRM_U_HOURS: snprintf(out, size, "%.1f h", v); return;
	case CRM_U_RATING: snprintf(out, size, "%.2f", v); return;
	}
}

void crm_report_change(char *out, size_t size, const struct crm_metric *m, const char *currency)
{
	double d = m->cur - m->prev;
	char v[64];
	*out = '\0';
	if (!m->has_cur || !m->has_prev)
		return;
	switch (m->unit) {
	case CRM_U_COUNT:
	case CRM_U_MONEY:
		crm_report_value(v, sizeof v, m->unit, fabs(d), currency);
		if (m->prev != 0)
			snprintf(out, size, "%s%s (%+.1f%%)", d < 0 ? "-" : "+", v,
				 100.0 * d / fabs(m->prev));
		else
			snprintf(out, size, "%s%s", d < 0 ? "-" : "+", v);
		return;
	case CRM_U_PCT: snprintf(out, size, "%+.1f pp", d); break;
	case CRM_U_SCORE: snprintf(out, size, "%+.1f", d); break;
	case CRM_U_HOURS: snprintf(out, size, "%+.1f h", d); break;
	case CRM_U_RATING: snprintf(out, size, "%+.2f", d); break;
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
