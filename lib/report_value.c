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

#include "l10n.h"
#include "table.h"

/* v with dec decimals, put into form ("%s h"): '+' before it with sign
 * (and not zero), and no '-' before a figure that rounds to zero: "+2.1",
 * "-0.4", "0.0", never "-0.0". */
static void fixed(char *out, size_t size, double v, int dec, int sign, const char *form)
{
	char digits[64], figure[72];
	snprintf(digits, sizeof digits, "%.*f", dec, fabs(v));
	if (strspn(digits, "0.") == strlen(digits))
		snprintf(figure, sizeof figure, "%s", digits);
	else
		snprintf(figure, sizeof figure, "%s%s", v < 0 ? "-" : sign ? "+" : "", digits);
	snprintf(out, size, form, figure);
}

/* A value in English (shown 0), or as people read it in the language of
 * the messages (shown 1). */
static void value_as(char *out, size_t size, enum crm_unit u, double v, const char *currency,
		     int shown)
{
	char plain[64];
	switch (u) {
	case CRM_U_COUNT:
		fixed(plain, sizeof plain, v, 0, 0, "%s");
		crm_l10n_group(plain, out, size);
		return;
	case CRM_U_MONEY:
		/* a double at 2^63 is past int64: llround() would wrap it */
		crm_l10n_money(v >= 0x1p63 ? INT64_MAX : v < -0x1p63 ? INT64_MIN : llround(v),
			       currency, shown && crm_l10n_ko(), out, size);
		return;
	case CRM_U_PCT: fixed(out, size, v, 1, 0, "%s%%"); return;
	case CRM_U_SCORE: fixed(out, size, v, 1, 1, "%s"); return;
	/* TRANSLATORS: a number of hours in a report: "4.2 h" */
	case CRM_U_HOURS: fixed(out, size, v, 1, 0, shown ? _("%s h") : "%s h"); return;
	case CRM_U_RATING: fixed(out, size, v, 2, 0, "%s"); return;
	}
}

void crm_report_value(char *out, size_t size, enum crm_unit u, double v, const char *currency)
{
	value_as(out, size, u, v, currency, 1);
}

void crm_report_figure(char *out, size_t size, enum crm_unit u, double v, const char *currency)
{
	value_as(out, size, u, v, currency, 0);
}

/* A change of a count or an amount: "+12 (+8.5%)", its counter's form. */
static void change_sum(char *out, size_t size, const struct crm_metric *m, double d,
		       const char *currency)
{
	char v[64], figure[72], rel[32];
	crm_report_value(v, sizeof v, m->unit, fabs(d), currency);
	snprintf(figure, sizeof figure, "%s%s", d < 0 ? "-" : d > 0 ? "+" : "", v);
	crm_l10n_count(figure, m->unit == CRM_U_COUNT ? m->counter : CRM_COUNT_BARE, out, size);
	fixed(rel, sizeof rel, m->prev != 0 ? 100.0 * d / fabs(m->prev) : 0, 1, 1, "%s%%");
	if (m->prev != 0)
		snprintf(out + strlen(out), size - strlen(out), " (%s)", rel);
}

void crm_report_change(char *out, size_t size, const struct crm_metric *m, const char *currency)
{
	double d = m->cur - m->prev;
	char v[CRM_CELL];
	*out = '\0';
	if (!m->has_cur || !m->has_prev)
		return;
	switch (m->unit) {
	case CRM_U_COUNT:
	case CRM_U_MONEY:
		change_sum(out, size, m, d, currency);
		return;
	/* TRANSLATORS: a change of a percentage in percentage points: "+2.1 pp" */
	case CRM_U_PCT: fixed(v, sizeof v, d, 1, 1, _("%s pp")); break;
	case CRM_U_SCORE: fixed(v, sizeof v, d, 1, 1, "%s"); break;
	case CRM_U_HOURS: fixed(v, sizeof v, d, 1, 1, _("%s h")); break;
	case CRM_U_RATING: fixed(v, sizeof v, d, 2, 1, "%s"); break;
	}
	/* TRANSLATORS: a change too small to tell from chance: "+25.0 (noise)" */
	snprintf(out, size, m->noise ? _("%s (noise)") : "%s", v);
}

/* The value of one side of a metric, with its margin; "-" when none. */
static void side(char *out, size_t size, const struct crm_metric *m, int prev, const char *cur)
{
	char v[CRM_CELL];
	if (!(prev ? m->has_prev : m->has_cur)) {
		snprintf(out, size, "-");
		return;
	}
	crm_report_value(v, sizeof v, m->unit, prev ? m->prev : m->cur, cur);
	crm_l10n_count(v, m->unit == CRM_U_COUNT ? m->counter : CRM_COUNT_BARE, out, size);
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
	int i, ko = crm_l10n_ko(), sums = c->unit == CRM_U_COUNT || c->unit == CRM_U_MONEY;
	int64_t first, last;
	const char *title = crm_report_word(c->title);
	const char *none = crm_report_word(c->none ? c->none : N_("no data"));
	for (i = 0; i < c->n; i++)
		if (c->has[i] && (!sums || c->values[i] != 0))
			return 0;
	if (c->n && crm_date_day(c->labels[0], &first) == 0 &&
	    crm_date_day(c->labels[c->n - 1], &last) == 0) {
		char a[64], b[64];
		crm_l10n_date(first, ko, a, sizeof a);
		crm_l10n_date(last + 6, ko, b, sizeof b);
		/* TRANSLATORS: a chart with nothing to show: its title, what it
		 * lacks ("no orders"), its number of weeks, its first and last day */
		snprintf(line, size, crm_n_("%s: %s in the %d week from %s to %s",
					    "%s: %s in the %d weeks from %s to %s", c->n),
			 title, none, c->n, a, b);
	} else {
		/* TRANSLATORS: a chart with nothing to show: its title, what it lacks */
		snprintf(line, size, _("%s: %s"), title, none);
	}
	return 1;
}

const char *crm_report_word(const char *word)
{
	/* the catalogue's "" is its header */
	return *word ? _(word) : word;
}

void crm_report_head(const struct crm_report *r, struct crm_report_head *h)
{
	int ko = crm_l10n_ko();
	int64_t day;
	crm_l10n_period(&r->period, ko, h->period, sizeof h->period);
	crm_l10n_period(&r->prev, ko, h->prev, sizeof h->prev);
	if (crm_date_day(r->as_of, &day) == 0)
		crm_l10n_date(day, ko, h->as_of, sizeof h->as_of);
	else
		snprintf(h->as_of, sizeof h->as_of, "%s", r->as_of);
	h->money[0] = '\0';
	if (r->currency[0])
		/* TRANSLATORS: after the report's as-of day: the currency of its
		 * money, "KRW" ("원" in Korean) */
		snprintf(h->money, sizeof h->money, _("; money in %s"),
			 crm_l10n_currency(r->currency, ko));
}

void crm_report_more(char *out, size_t size, long long more)
{
	/* TRANSLATORS: under a table: the rows left out of it */
	snprintf(out, size, crm_n_("... and %lld more", "... and %lld more", more), more);
}

/* A figure's amount in a currency, "1,234 KRW", as a Korean reader reads
 * it: "1,234원"; 0 when the cell is none. */
static int korean_money(const char *cell, char *buf, size_t size)
{
	size_t len = strlen(cell);
	if (len < 5 || strcmp(cell + len - 4, " KRW") || !strchr("0123456789", cell[len - 5]))
		return 0;
	snprintf(buf, size, "%.*s원", (int)(len - 4), cell);
	return 1;
}

/* The names of a report's cells that the catalogue translates: crm's own
 * words, the built-in segments and topics.  Any other name (a segment of
 * one's own rules, a tier, a category) is shown as it is. */
static const char *const known_names[] = {
	/* TRANSLATORS: a cell of the report's tables: no value in the data */
	N_("(none)"),
	/* TRANSLATORS: "beyond noise" column of the report's topics: the change is real */
	N_("yes"), N_("no"),
	/* TRANSLATORS: the segment moves' from column: customers new to the segments */
	N_("(new)"),
	/* TRANSLATORS: the segment moves' to column: customers no longer in any segment */
	N_("(gone)"),
	/* TRANSLATORS: the RFM segments' names (crm-segment) */
	N_("Champions"), N_("Loyal"), N_("Potential Loyalists"), N_("New"), N_("Promising"),
	N_("Need Attention"), N_("About to Sleep"), N_("At Risk"), N_("Can't Lose"),
	N_("Hibernating"), N_("Regular"), N_("VIP"), N_("Lost"),
	/* TRANSLATORS: the tickets' priorities (crm-import's) */
	N_("urgent"), N_("high"), N_("normal"), N_("low"),
	/* TRANSLATORS: the built-in topics' names (crm-feedback topics) */
	N_("delivery"), N_("design"), N_("effect"), N_("packaging"), N_("price"), N_("quality"),
	N_("returns"), N_("service"), N_("size"), N_("smell"),
};

/* A known name's translation, or the name itself. */
static const char *name_shown(const char *name, int any)
{
	size_t i, n = any ? sizeof known_names / sizeof known_names[0] : 1;
	for (i = 0; i < n; i++)
		if (!strcmp(name, known_names[i]))
			return _(known_names[i]);
	return name;
}

const char *crm_report_shown(const struct crm_report_table *t, int row, int col, char *buf,
			     size_t size)
{
	const char *cell = crm_report_cell(t, row, col);
	int ko = crm_l10n_ko();
	if (!*cell)
		return cell;
	if (t->show[col] == CRM_SHOW_DATE) {
		crm_l10n_date_text(cell, ko, buf, size);
		return buf;
	}
	if (ko && t->right[col] && korean_money(cell, buf, size))
		return buf;
	/* "(none)" (the first name) in any column, the others in a name's */
	return name_shown(cell, t->show[col] == CRM_SHOW_NAME);
}

const char *crm_report_label(const struct crm_chart *c, int i, char *buf, size_t size)
{
	int64_t day;
	if (c->kind != CRM_CHART_BARS && crm_date_day(c->labels[i], &day) == 0) {
		if (!crm_l10n_ko())
			return c->labels[i];
		crm_l10n_week(day, 1, buf, size);
		return buf;
	}
	return name_shown(c->labels[i], 1);
}
