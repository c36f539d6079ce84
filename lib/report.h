/*
 * report.h - the weekly customer report: what happened to customers,
 * revenue, segments, satisfaction, service, reviews, what customers say
 * and coupons in a period, beside the period before it.
 *
 * Contract:
 *  - crm_report_build() reads the database (read only) in one read
 *    transaction it begins, which the caller ends (crm_db_rollback), and
 *    two more connections' that have the same snapshot (db.h's twins: the
 *    customers are counted on two threads while a third sums the weekly
 *    revenue); it fills a report:
 *    a list of sections, each a list of metrics (a value this period and the
 *    previous one), tables (rows of text cells) and charts (labelled
 *    series).  A section whose data does not exist (no tickets, no survey
 *    answers, no saved segment run, ...) is left out.
 *  - The figures come from the modules that own them: customer_stats
 *    (stats.h) for first and last orders, saved segment runs (segment.h),
 *    survey scores (nps.h), coupons (coupon.h), what customers say
 *    (feedback.h: crm-feedback's topics and triage figures).  Orders, tickets, reviews
 *    and answers are selected by their stored UTC time within the period's
 *    local days (period.h), through indexes, so the cost grows with the
 *    period's rows, not the database's; but for lost customers once an
 *    order lies after the previous period's end: then the orders of the
 *    lost_days before the period's end are read once.
 *  - Every figure of a period reads only what came before its end (the
 *    previous period's, before its own end), so a back-dated report does
 *    not change as later orders arrive; the weekly charts' last week stops
 *    at the period's end.
 *  - Definitions (crm-report(1) documents them for users):
 *      active customers   customers with a counting order (paid or pending)
 *                         in the period, in the report's currency
 *      new                active customers whose first counting order is in it
 *      returning          active customers who are not new
 *      repeat rate        share of active customers with a second (or later)
 *                         order by the end of the period
 *      lost               customers whose last counting order before the
 *                         period's end turned lost_days old on a day of it
 *      revenue            sum of counting orders, guests included
 *      response, resolve  first_response_at and resolved_at minus opened_at,
 *                         median and 90th percentile by nearest rank; a
 *                         ticket whose times contradict each other has
 *                         neither, nor an SLA breach (ticket.h)
 *      SLA breach         a ticket of the period answered (resolved) later
 *                         than the SLA, or not yet at the report's as-of end
 *                         when the SLA has passed
 *      reviewers          customers of the period's reviews, a review without
 *                         a customer counting as its order's customer's
 *      negative review    rating 1 or 2; listed while replied_at is empty,
 *                         with its local day, and its order's customer when
 *                         it has none
 *      what customers say the texts of the period (reviews, survey answers,
 *                         tickets) and of the previous one, tagged by the
 *                         dictionary in force: crm-feedback topics' figures
 *                         (the top 5 by mentions, the rising ones
 *                         with their most recent example); triage --summary's
 *                         of each period as they stood at its end (or the
 *                         as-of day's end when that is earlier).  Present
 *                         when either period has a text or a negative review
 *                         waits at either end.
 *  - The output is a pure function of the database, the options and the
 *    as-of day: no clock is read when as_of is given.
 *  - Functions return CRM_OK or an exit code, having reported the error.
 */
#ifndef CRM_REPORT_H
#define CRM_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "l10n.h"
#include "norm.h"
#include "period.h"
#include "schedule.h"
#include "sla.h"
#include "topics.h"

enum crm_unit {
	CRM_U_COUNT,        /* whole number */
	CRM_U_MONEY,        /* minor units of the report's currency */
	CRM_U_PCT,          /* percent, 0..100 */
	CRM_U_SCORE,        /* NPS, -100..100 */
	CRM_U_HOURS,        /* hours */
	CRM_U_RATING,       /* mean of a 1-5 (or 1-7) scale */
};

/*
 * The words of a report (titles, labels, column names, a chart's "none")
 * are English, marked N_() for the catalogue: JSON writes them so, the
 * other writers through crm_report_word().  A note is kept twice: in
 * English for JSON, and in the language of the messages for people.
 */
struct crm_metric {
	const char *key, *label;     /* "new", "New customers" */
	enum crm_unit unit;
	enum crm_counter counter;    /* what a count counts: "31명" in Korean */
	double cur, prev;
	int has_cur, has_prev;       /* 0: no value (n = 0, nothing to compare) */
	double margin;               /* 95% margin of cur, 0 for none */
	int noise;                   /* 1: the change is within the noise */
};

/* A table in a section, held whole (table.h's crm_table streams rows out).
 * A cell of a right-aligned column is a figure as machines read it: a
 * count, a signed count ("+3"), a percent ("40.2%") or crm_report_figure()'s
 * money ("1,234.50 USD"); JSON writes it as a number (crm_report_number()),
 * an empty cell or "-" as null.  The other writers show a cell as
 * crm_report_shown() says, by its column's kind. */
#define CRM_REPORT_TABLE_COLS 6
enum crm_show {
	CRM_SHOW_DATA,               /* the data as it is; "(none)" and money in
				      * the language of the messages */
	CRM_SHOW_DATE,               /* an ISO date, shown in the reader's form */
	CRM_SHOW_NAME,               /* a name the catalogue may know (a segment,
				      * a topic, "yes"): shown through it */
};
struct crm_report_table {
	const char *key, *title;
	int ncols;
	const char *cols[CRM_REPORT_TABLE_COLS];
	int right[CRM_REPORT_TABLE_COLS];   /* 1: a number, aligned right */
	unsigned char show[CRM_REPORT_TABLE_COLS];   /* enum crm_show */
	int nrows;
	char **cells;                /* nrows * ncols strings */
	long long more;              /* rows left out of a long list */
};

#define CRM_CHART_POINTS 16
#define CRM_CHART_LABEL 256          /* a week's first day, or a saved segment's
				      * name: at most 255 bytes (runblob.h) */
/* How a chart is drawn; JSON calls the two kinds of bars "bars". */
enum crm_chart_kind {
	CRM_CHART_LINE,              /* points joined by a line */
	CRM_CHART_COLUMNS,           /* a column per point, the last one stressed */
	CRM_CHART_BARS,              /* labelled horizontal bars, whose figures are
				      * a table of the section already */
};

struct crm_chart {
	const char *key, *title;
	enum crm_chart_kind kind;
	enum crm_unit unit;
	int n;
	char labels[CRM_CHART_POINTS][CRM_CHART_LABEL];
	double values[CRM_CHART_POINTS];
	int has[CRM_CHART_POINTS];   /* 0: no value for the point */
	const char *none;            /* what it lacks when it has nothing to show
				      * ("no survey answers"); NULL: "no data" */
};

#define CRM_SECTION_METRICS 12
#define CRM_SECTION_TABLES 3
struct crm_section {
	const char *key, *title;
	int nmetrics, ntables;
	struct crm_metric metrics[CRM_SECTION_METRICS];
	struct crm_report_table tables[CRM_SECTION_TABLES];
	struct crm_chart *chart;     /* NULL: none */
	char note[160];              /* a line for people, or "": in English */
	char note_text[320];         /* the note in the language of the messages */
};

#define CRM_REPORT_SECTIONS 10
struct crm_report {
	struct crm_period period, prev;
	char currency[4];
	char as_of[CRM_DATE_LEN];
	int nsections;
	struct crm_section sections[CRM_REPORT_SECTIONS];
};

struct crm_report_opts {
	const struct crm_tz *tz;     /* zone of the period's days */
	const char *currency;        /* NULL: the period's most used */
	int lost_days;               /* 365 */
	const struct crm_sla *sla;   /* NULL: no SLA */
	/* durations in its business hours (NULL: calendar); business targets
	 * of the SLA in sla_sched's */
	const struct crm_schedule *sched, *sla_sched;
	int64_t as_of;               /* today (a day number) */
	int list_rows;               /* longest list shown (negative reviews) */
	/* what customers say: the dictionary and polarity lexicon (feedback.h;
	 * NULL: the built-in "all"), the dictionary's name in the note (NULL:
	 * the built-in one) */
	const struct crm_topics *topics, *polarity;
	const char *topics_name;
};

int crm_report_build(struct crm_db *db, const struct crm_period *p,
		     const struct crm_report_opts *o, struct crm_report *r);
void crm_report_release(struct crm_report *r);

/*
 * Writers.  crm_report_write() (report_fmt.c) writes the same report for a
 * terminal, Markdown or JSON itself, and hands the HTML page (one
 * self-contained page with inline SVG charts) to crm_report_html()
 * (report_html.c).  What both need to show a figure is report_value.c's,
 * below; one writer never calls into the other but for that hand-over.
 */
/*
 * JSON writes every figure as an exact decimal number, never a string:
 * counts whole, money in the currency's units with its decimals (45000 for
 * KRW, 1234.50 for USD: the minor units exactly), the rest (percents, scores,
 * hours, ratings, margins) rounded to CRM_JSON_DECIMALS decimals, trailing
 * zeros dropped; a metric's change is exactly its current minus its previous
 * figure as written.  A figure with no value is null.
 */
#define CRM_JSON_DECIMALS 10
enum crm_report_format { CRM_FMT_TEXT, CRM_FMT_MARKDOWN, CRM_FMT_HTML, CRM_FMT_JSON };
void crm_report_write(FILE *out, const struct crm_report *r, enum crm_report_format f);
void crm_report_html(FILE *out, const struct crm_report *r);

/* ---- figures for people, in report_value.c ---------------------------------------- */

/* A value as people read it, in the language of the messages (l10n.h):
 * "1,234,000 KRW" (Korean "1,234,000원"), "12.5%", "+3.1", "4.2 h" ("4.2시간").
 * A figure that rounds to zero has no sign: "0.0", never "-0.0". */
void crm_report_value(char *out, size_t size, enum crm_unit u, double v, const char *currency);
/* The same value in English whatever the messages, as a table's cell
 * holds it for JSON (crm_report_number()). */
void crm_report_figure(char *out, size_t size, enum crm_unit u, double v, const char *currency);
/* The change from prev to cur: "+12 (+8.5%)", "+2.1 pp", "-0.4 h", or "";
 * a change that is or rounds to zero has no sign: "0 (0.0%)", "0.0 pp".
 * Korean: "+12명 (+8.5%)", "+2.1%p", "-0.4시간". */
void crm_report_change(char *out, size_t size, const struct crm_metric *m, const char *currency);
/* A metric's row for people: this period (with its margin), the previous
 * one ("-" when there is no value) and the change, counts with their
 * counter words.  0 when the metric has no value at all and its row is
 * left out. */
#define CRM_CELL 64
int crm_report_cells(const struct crm_metric *m, const char *currency, char cells[3][CRM_CELL]);
/* The label of point i of chart c as people read it: a week's first day
 * ("2026-11-09"; Korean "2026년 46주차 (2026-W46)"), a name through the
 * catalogue; written into buf, or the label itself. */
const char *crm_report_label(const struct crm_chart *c, int i, char *buf, size_t size);
/* Point i of chart c as people read it; "-" when it has no value. */
void crm_report_point(char *out, size_t size, const struct crm_chart *c, int i,
		      const char *currency);
/* The cell of a table's row and column. */
const char *crm_report_cell(const struct crm_report_table *t, int row, int col);
/* The cell as people read it (enum crm_show): the cell itself, a
 * translation, or its date or money in the reader's form written into buf. */
const char *crm_report_shown(const struct crm_report_table *t, int row, int col, char *buf,
			     size_t size);
/* A word of the report (a title, a label, a column's name) in the language
 * of the messages; "" stays "". */
const char *crm_report_word(const char *word);
/* The head of a report for people: its period and the previous one, its
 * as-of day, and "; money in KRW" (Korean "; 금액 단위 원"), or "" when the
 * report has no currency; in the language of the messages. */
struct crm_report_head {
	char period[96], prev[96], as_of[64], money[64];
};
void crm_report_head(const struct crm_report *r, struct crm_report_head *h);
/* "... and 3 more": the rows a table left out. */
void crm_report_more(char *out, size_t size, long long more);
/* The figure of a right-aligned cell as a JSON number into out: grouping
 * commas, a leading '+' and a trailing '%' or " CUR" dropped ("40.2%" ->
 * 40.2, "1,234.50 USD" -> 1234.50, "+3" -> 3); 0 when the cell holds none. */
int crm_report_number(const char *cell, char *out, size_t size);
/* 1 when chart c has nothing to show, every writer but JSON then printing
 * the line in its place: no point has a value, or the chart sums (counts,
 * money: a week without orders has revenue 0) and every point is 0.  The
 * line names the chart, what it lacks and its weeks, in the language of
 * the messages: "Weekly NPS: no survey answers in the 12 weeks from
 * 2026-08-24 to 2026-11-15". */
int crm_report_chart_empty(const struct crm_chart *c, char *line, size_t size);

#endif
