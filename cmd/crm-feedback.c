/* crm-feedback - what customers say: the topics of reviews, survey comments
 * and tickets, their trend, and the negative reviews waiting for a reply.
 * See crm-feedback(1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "diag.h"
#include "feedback.h"
#include "i18n.h"
#include "nps.h"
#include "opts.h"
#include "period.h"
#include "table.h"
#include "topics.h"

static const char usage[] = N_(
	"usage: crm-feedback [--db PATH] [-t | -d CHAR] [--tz ZONE] VERB [OPTIONS] [ARGS]\n"
	"       crm-feedback tag [--source SOURCE[,SOURCE]...] [--period SPEC | --from DATE\n"
	"                    --to DATE] [--as-of DATE] [--topics FILE] [--lang ko|en|all]\n"
	"                    [--format csv|text|json]\n"
	"       crm-feedback topics [--source SOURCE[,SOURCE]...] [--period SPEC | --from DATE\n"
	"                    --to DATE] [--as-of DATE] [--week-start DAY]\n"
	"                    [--by month|week|platform|sku|category|source] [--examples N]\n"
	"                    [--topics FILE] [--lang ko|en|all] [--format csv|text|json]\n"
	"       crm-feedback topics --list [--topics FILE] [--lang ko|en|all]\n"
	"       crm-feedback triage [--period SPEC | --from DATE --to DATE] [--as-of DATE]\n"
	"                    [--summary] [--format csv|text|json]\n"
	"       crm-feedback replied [--at TIME] REVIEW_ID\n"
	"\n"
	"Tags the texts customers wrote (reviews, survey comments, tickets) with the\n"
	"topics of a dictionary and a sentiment (tag); counts each topic's mentions\n"
	"in a period against the period before (topics); lists the negative reviews\n"
	"still waiting for a reply, with the reply rate and time (triage); marks a\n"
	"review replied (replied).  SOURCE: reviews, responses or tickets.\n"
	"See crm-feedback(1).\n");

enum { OPT_SOURCE = CRM_OPT_CMD, OPT_TOPICS, OPT_LANG, OPT_FORMAT, OPT_BY, OPT_EXAMPLES,
	OPT_LIST, OPT_SUMMARY, OPT_AT };

#define O_SOURCE {"source", required_argument, NULL, OPT_SOURCE}
#define O_DICT {"topics", required_argument, NULL, OPT_TOPICS}, \
	{"lang", required_argument, NULL, OPT_LANG}
#define O_FORMAT {"format", required_argument, NULL, OPT_FORMAT}
#define O_END {NULL, 0, NULL, 0}

static const struct option common_opts[] = {CRM_COMMON_LONGOPTS, O_END};
static const struct option tag_opts[] = {
	CRM_COMMON_LONGOPTS, CRM_PERIOD_LONGOPTS, O_SOURCE, O_DICT, O_FORMAT, O_END,
};
static const struct option topics_opts[] = {
	CRM_COMMON_LONGOPTS, CRM_PERIOD_LONGOPTS, O_SOURCE, O_DICT, O_FORMAT,
	{"by", required_argument, NULL, OPT_BY},
	{"examples", required_argument, NULL, OPT_EXAMPLES},
	{"list", no_argument, NULL, OPT_LIST},
	O_END,
};
static const struct option triage_opts[] = {
	CRM_COMMON_LONGOPTS, CRM_PERIOD_LONGOPTS, O_FORMAT,
	{"summary", no_argument, NULL, OPT_SUMMARY},
	O_END,
};
static const struct option replied_opts[] = {
	CRM_COMMON_LONGOPTS, {"at", required_argument, NULL, OPT_AT}, O_END,
};

struct fb {
	struct crm_common co;
	struct crm_period_opts po;
	const char *verb, *topics_path, *lang, *at;
	int argc;
	char **argv;
	unsigned sources;
	enum crm_fb_by by;
	long examples;
	int list, summary, have_period;
	enum crm_format format;
	/* the run */
	struct crm_tz *tz;
	struct crm_topics *topics, *polarity;
	struct crm_period period;
	char from[CRM_TIME_LEN], to[CRM_TIME_LEN], prev_from[CRM_TIME_LEN], end[CRM_TIME_LEN];
	struct crm_db db;
	int have_db;
	struct crm_table *t;
};

/* ---- options ------------------------------------------------------------------------- */

static int source_option(struct fb *f, const char *arg)
{
	char buf[64], *tok, *save = NULL;
	int s;
	if (strlen(arg) >= sizeof buf)
		return crm_usage_error(_("--source '%s': too long"), arg);
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if ((s = crm_fb_source_parse(tok)) < 0)
			return crm_usage_error(_("--source '%s': expected reviews, responses or tickets"),
					       tok);
		f->sources |= 1u << s;
	}
	return f->sources ? 0 : crm_usage_error(_("--source '%s': expected reviews, responses or "
						"tickets"), arg);
}

static int own_option(void *ctx, int c, const char *arg)
{
	struct fb *f = ctx;
	int v;
	switch (c) {
	case CRM_OPT_PERIOD:
	case CRM_OPT_FROM:
	case CRM_OPT_TO:
		f->have_period = 1;
		/* fall through */
	case CRM_OPT_WEEK_START:
	case CRM_OPT_AS_OF:
		return crm_period_option(&f->po, c, arg);
	case OPT_SOURCE: return source_option(f, arg);
	case OPT_TOPICS: f->topics_path = arg; return 0;
	case OPT_LANG:
		if (strcmp(arg, "ko") && strcmp(arg, "en") && strcmp(arg, "all"))
			return crm_usage_error(_("--lang must be ko, en or all, not '%s'"), arg);
		f->lang = arg;
		return 0;
	case OPT_FORMAT:
		if ((v = crm_format_parse(arg)) < 0)
			return crm_usage_error(_("--format must be csv, text or json, not '%s'"), arg);
		f->format = v;
		return 0;
	case OPT_BY:
		if ((v = crm_fb_by_parse(arg)) <= 0)
			return crm_usage_error(_("--by '%s': expected month, week, platform, sku, "
					       "category or source"), arg);
		f->by = v;
		return 0;
	case OPT_EXAMPLES:
		return crm_number_option("--examples", arg, 0, 100, NULL, &f->examples);
	case OPT_LIST: f->list = 1; return 0;
	case OPT_SUMMARY: f->summary = 1; return 0;
	case OPT_AT: f->at = arg; return 0;
	}
	return crm_usage_error(_("unknown option"));
}

/* ---- the run's pieces ----------------------------------------------------------------- */

static int load_dictionary(struct fb *f)
{
	return crm_feedback_dictionary(f->topics_path, f->lang, &f->topics, &f->polarity);
}

/* The period (def when none is asked for), the one before it, and the
 * instant of the figures: the end of the --as-of day, else now. */
static int choose_period(struct fb *f, const char *def)
{
	struct crm_period prev;
	int64_t today;
	const char *why;
	int rc = crm_period_choose(&f->po, f->tz, def, &f->period, &today);
	if (rc != CRM_OK)
		return rc;
	crm_period_previous(&f->period, &prev);
	if (crm_period_bounds(&f->period, f->tz, f->from, f->to, &why) < 0 ||
	    crm_day_start(f->tz, prev.from, f->prev_from, &why) < 0 ||
	    (f->po.as_of && crm_day_start(f->tz, today + 1, f->end, &why) < 0))
		return crm_usage_error(_("the period %s: %s"), f->period.label, why);
	return f->po.as_of ? CRM_OK : crm_clock(f->tz, f->end);
}

static int open_db(struct fb *f, int mode)
{
	int rc = crm_db_open(&f->db, crm_db_path(f->co.db), mode);
	if (rc != CRM_OK)
		return rc;
	f->have_db = 1;
	return mode == CRM_DB_READ ? crm_db_begin_read(&f->db) : CRM_OK;
}

static void no_operands(const struct fb *f, int *rc)
{
	if (*rc == CRM_OK && f->argc)
		*rc = crm_usage_error(_("%s: unexpected argument '%s': crm-feedback reads the database"),
				      f->verb, f->argv[0]);
}

static void bad_utf8_summary(const struct crm_fb_counts *c)
{
	if (c->bad_utf8)
		crm_error(crm_n_("%lld of %lld text with invalid UTF-8, tagged all the same",
				 "%lld of %lld texts with invalid UTF-8, tagged all the same",
				 c->texts), c->bad_utf8, c->texts);
}

#define NCOLS(a) ((int)(sizeof a / sizeof a[0]))

/* ---- tag ------------------------------------------------------------------------------ */

static const struct crm_table_col tag_cols[] = {
	{N_("source"), CRM_T_PLAIN}, {N_("id"), CRM_T_TEXT}, {N_("customer_id"), CRM_T_TEXT},
	{N_("at"), CRM_T_PLAIN}, {N_("rating"), CRM_T_NUM}, {N_("topics"), CRM_T_PLAIN},
	{N_("negated"), CRM_T_PLAIN}, {N_("sentiment"), CRM_T_PLAIN},
	{N_("sentiment_source"), CRM_T_PLAIN},
};

static const char *sentiment_name(enum crm_sentiment s)
{
	return s == CRM_NEGATIVE ? "negative" : s == CRM_POSITIVE ? "positive" : "neutral";
}

/* The names of t's topics joined by ';' (negated ones only, when neg). */
static void joined(struct crm_table *tb, const struct crm_fb_text *t, int neg)
{
	char buf[CRM_FB_HITS * (CRM_TOPIC_NAME_MAX + 1) + 1];
	size_t n = 0;
	int i;
	buf[0] = '\0';
	for (i = 0; i < t->nhits; i++)
		if (!neg || t->hits[i].negated)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? ";" : "",
					      t->hits[i].name);
	crm_table_cell(tb, buf);
}

static int tag_row(const struct crm_fb_text *t, void *ctx)
{
	struct crm_table *tb = ctx;
	crm_table_cell(tb, crm_fb_source_name(t->source));
	crm_table_cell(tb, t->id);
	crm_table_cell(tb, t->customer_id);
	crm_table_cell(tb, t->at);
	if (t->rating >= 0)
		crm_table_int(tb, t->rating);
	else
		crm_table_cell(tb, NULL);
	joined(tb, t, 0);
	joined(tb, t, 1);
	crm_table_cell(tb, sentiment_name(t->sentiment));
	crm_table_cell(tb, t->sentiment_source);
	return 0;
}

static int tag(struct fb *f)
{
	struct crm_fb_opts o = {f->sources, NULL, NULL, f->topics, f->polarity};
	struct crm_fb_counts c = {0, 0};
	int rc = CRM_OK;
	no_operands(f, &rc);
	if (rc == CRM_OK && f->have_period && (rc = choose_period(f, "last-week")) == CRM_OK) {
		o.from = f->from;
		o.to = f->to;
	}
	if (rc != CRM_OK || (rc = open_db(f, CRM_DB_READ)) != CRM_OK)
		return rc;
	f->t = crm_table_begin(stdout, f->format, f->co.csv.delim, tag_cols, NCOLS(tag_cols));
	if ((rc = crm_feedback_each(&f->db, &o, tag_row, f->t, &c)) == CRM_OK)
		crm_table_finish(f->t);
	bad_utf8_summary(&c);
	return rc;
}

/* ---- topics --------------------------------------------------------------------------- */

static const char *const topic_cols[] = {N_("topic"), N_("texts"), N_("mentions"),
	N_("share_pct"), N_("negative"), N_("negative_pct"), N_("avg_rating"), N_("rated"),
	N_("prev_texts"), N_("prev_mentions"), N_("prev_share_pct"), N_("change_pts"),
	N_("noise_pts"), N_("significant"), N_("rising")};
#define NTOPIC ((int)(sizeof topic_cols / sizeof topic_cols[0]))

static struct crm_table *topics_table(const struct fb *f)
{
	struct crm_table_col cols[1 + NTOPIC + 2 * 100];
	char names[100][2][24];
	int n = 0, k;
	struct crm_table *t;
	if (f->by)
		cols[n++] = (struct crm_table_col){crm_fb_by_name(f->by), CRM_T_TEXT};
	for (k = 0; k < NTOPIC; k++)
		cols[n++] = (struct crm_table_col){topic_cols[k], k ? CRM_T_NUM : CRM_T_PLAIN};
	cols[n - 2].kind = cols[n - 1].kind = CRM_T_BOOL;
	for (k = 0; k < f->examples; k++) {
		snprintf(names[k][0], sizeof names[k][0], "example_%d_id", k + 1);
		snprintf(names[k][1], sizeof names[k][1], "example_%d", k + 1);
		cols[n++] = (struct crm_table_col){names[k][0], CRM_T_TEXT};
		cols[n++] = (struct crm_table_col){names[k][1], CRM_T_TEXT};
	}
	t = crm_table_begin(stdout, f->format, f->co.csv.delim, cols, n);   /* copies cols */
	return t;
}

static void topic_row(const struct fb *f, const struct crm_fb_topic_row *w)
{
	struct crm_table *t = f->t;
	char id[256];
	int k;
	if (f->by)
		crm_table_cell(t, w->key ? w->key : "(none)");
	crm_table_cell(t, w->name);
	crm_table_int(t, w->mentions.n);
	crm_table_int(t, w->mentions.k);
	crm_table_share(t, w->mentions.k, w->mentions.n);
	crm_table_int(t, w->negative);
	crm_table_share(t, w->negative, w->mentions.k);
	crm_table_fixed(t, w->rating_n ? w->rating_sum / (double)w->rating_n : NAN, 2);
	crm_table_int(t, w->rating_n);
	crm_table_int(t, w->prev_mentions.n);
	crm_table_int(t, w->prev_mentions.k);
	crm_table_share(t, w->prev_mentions.k, w->prev_mentions.n);
	crm_table_fixed(t, w->delta, 1);
	crm_table_fixed(t, w->noise, 1);
	crm_table_cell(t, w->significant < 0 ? NULL : w->significant ? "1" : "0");
	crm_table_cell(t, w->rising ? "1" : "0");
	for (k = 0; k < f->examples; k++) {
		if (k < w->nex)
			snprintf(id, sizeof id, "%s:%s", crm_fb_source_name(w->ex[k].source),
				 w->ex[k].id);
		crm_table_cell(t, k < w->nex ? id : NULL);
		crm_table_cell(t, k < w->nex ? w->ex[k].excerpt : NULL);
	}
}

static int topics(struct fb *f)
{
	struct crm_fb_topics_opts o;
	struct crm_fb_topics r;
	size_t i;
	int rc = CRM_OK;
	no_operands(f, &rc);
	if (rc == CRM_OK && f->list) {
		if (f->have_period || f->by || f->examples || f->sources || f->po.as_of)
			return crm_usage_error(_("topics --list prints the dictionary alone"));
		crm_topics_write(stdout, f->topics);
		return CRM_OK;
	}
	if (rc != CRM_OK || (rc = choose_period(f, "last-week")) != CRM_OK ||
	    (rc = open_db(f, CRM_DB_READ)) != CRM_OK)
		return rc;
	memset(&o, 0, sizeof o);
	o.fb = (struct crm_fb_opts){f->sources, f->from, f->to, f->topics, f->polarity};
	o.prev_from = f->prev_from;
	o.by = f->by;
	o.tz = f->tz;
	o.week_start = f->po.week_start;
	o.examples = (int)f->examples;
	if ((rc = crm_feedback_topics(&f->db, &o, &r)) == CRM_OK) {
		f->t = topics_table(f);
		for (i = 0; i < r.n; i++)
			topic_row(f, &r.rows[i]);
		crm_table_finish(f->t);
	}
	bad_utf8_summary(&r.counts);
	crm_fb_topics_release(&r);
	return rc;
}

/* ---- triage --------------------------------------------------------------------------- */

static const struct crm_table_col waiting_cols[] = {
	{N_("review_id"), CRM_T_TEXT}, {N_("posted_at"), CRM_T_PLAIN}, {N_("waited_h"), CRM_T_NUM},
	{N_("waited_d"), CRM_T_NUM}, {N_("rating"), CRM_T_NUM}, {N_("platform"), CRM_T_TEXT},
	{N_("sku"), CRM_T_TEXT}, {N_("product"), CRM_T_TEXT}, {N_("customer_id"), CRM_T_TEXT},
	{N_("name"), CRM_T_TEXT}, {N_("email"), CRM_T_TEXT}, {N_("phone"), CRM_T_TEXT},
	{N_("last_order"), CRM_T_PLAIN}, {N_("text"), CRM_T_TEXT},
};

static int waiting_row(const struct crm_fb_waiting *w, void *ctx)
{
	struct crm_table *t = ctx;
	char *text, *excerpt;
	size_t n;
	crm_table_cell(t, w->review_id);
	crm_table_cell(t, w->posted_at);
	crm_table_fixed(t, w->waited < 0 ? NAN : (double)w->waited / 3600.0, 1);
	crm_table_fixed(t, w->waited < 0 ? NAN : (double)w->waited / 86400.0, 1);
	crm_table_int(t, w->rating);
	crm_table_cell(t, w->platform);
	crm_table_cell(t, w->sku);
	crm_table_cell(t, w->product);
	crm_table_cell(t, w->customer_id);
	crm_table_cell(t, w->name);
	crm_table_cell(t, w->email);
	crm_table_cell(t, w->phone);
	crm_table_cell(t, w->last_order);
	n = (w->title ? strlen(w->title) : 0) + (w->body ? strlen(w->body) : 0) + 2;
	text = crm_xmalloc(n);
	snprintf(text, n, "%s%s%s", w->title ? w->title : "", w->title && *w->title && w->body &&
		 *w->body ? "\n" : "", w->body ? w->body : "");
	excerpt = crm_fb_excerpt(text, strlen(text), CRM_FB_EXCERPT);
	crm_table_cell(t, excerpt);
	free(excerpt);
	free(text);
	return 0;
}

static const struct crm_table_col summary_cols[] = {
	{N_("reviews"), CRM_T_NUM}, {N_("replied"), CRM_T_NUM}, {N_("reply_rate_pct"), CRM_T_NUM},
	{N_("reply_median_h"), CRM_T_NUM}, {N_("reply_p90_h"), CRM_T_NUM},
	{N_("negative"), CRM_T_NUM},
	{N_("negative_replied"), CRM_T_NUM}, {N_("negative_reply_rate_pct"), CRM_T_NUM},
	{N_("waiting"), CRM_T_NUM},
};

static void summary_row(struct crm_table *t, const struct crm_fb_replies *r)
{
	crm_table_int(t, r->reviews);
	crm_table_int(t, r->replied);
	crm_table_share(t, r->replied, r->reviews);
	crm_table_fixed(t, r->median_h, 1);
	crm_table_fixed(t, r->p90_h, 1);
	crm_table_int(t, r->negative);
	crm_table_int(t, r->negative_replied);
	crm_table_share(t, r->negative_replied, r->negative);
	crm_table_int(t, r->waiting);
}

static int triage(struct fb *f)
{
	struct crm_fb_triage_opts o;
	struct crm_fb_replies r;
	int rc = CRM_OK;
	no_operands(f, &rc);
	if (rc != CRM_OK || (rc = choose_period(f, "last-week")) != CRM_OK ||
	    (rc = open_db(f, CRM_DB_READ)) != CRM_OK)
		return rc;
	o.from = f->from;
	o.to = f->to;
	memcpy(o.end, f->end, sizeof o.end);
	o.tz = f->tz;
	if (f->summary)
		f->t = crm_table_begin(stdout, f->format, f->co.csv.delim, summary_cols,
				       NCOLS(summary_cols));
	else
		f->t = crm_table_begin(stdout, f->format, f->co.csv.delim, waiting_cols,
				       NCOLS(waiting_cols));
	rc = crm_feedback_triage(&f->db, &o, f->summary ? NULL : waiting_row, f->t, &r);
	if (rc == CRM_OK && f->summary)
		summary_row(f->t, &r);
	if (rc == CRM_OK)
		crm_table_finish(f->t);
	return rc;
}

/* ---- replied -------------------------------------------------------------------------- */

static int replied(struct fb *f)
{
	char at[CRM_TIME_LEN], first[CRM_TIME_LEN], q[80];
	const char *why = "";
	int rc;
	if (f->argc != 1)
		return crm_usage_error(_("replied: expected one REVIEW_ID, not %d"), f->argc);
	if (f->at && crm_parse_time(f->at, f->tz, CRM_MDY, at, &why) < 0)
		return crm_usage_error(_("--at '%s' %s"), f->at, why);
	if (!f->at && (rc = crm_clock(f->tz, at)) != CRM_OK)
		return rc;
	if ((rc = open_db(f, CRM_DB_WRITE)) != CRM_OK)
		return rc;
	crm_quote(f->argv[0], q, sizeof q);
	rc = crm_feedback_replied(&f->db, f->argv[0], at, first);
	if (rc == CRM_FB_EUNKNOWN)
		crm_error(_("replied: unknown review %s"), q);
	else if (rc == CRM_EDATA)
		crm_error(_("replied: %s is before review %s was posted at %s"), at, q, first);
	else if (rc == CRM_FB_KEPT)
		crm_error(_("replied: review %s was replied at %s already; that first reply is kept"),
			  q, first);
	else if (rc == CRM_OK)
		crm_error(_("replied: review %s replied at %s"), q, at);
	return rc == CRM_FB_KEPT ? CRM_OK : rc;
}

/* ---- verbs ---------------------------------------------------------------------------- */

static const struct crm_verb verbs[] = {
	{"tag", tag_opts, "+" CRM_COMMON_SHORTOPTS},
	{"topics", topics_opts, "+" CRM_COMMON_SHORTOPTS},
	{"triage", triage_opts, "+" CRM_COMMON_SHORTOPTS},
	{"replied", replied_opts, "+" CRM_COMMON_SHORTOPTS},
};
/* What each verb does, in the order of verbs[]. */
static int (*const run[])(struct fb *f) = {tag, topics, triage, replied};

static int parse_command(struct fb *f, int argc, char **argv, int *verb)
{
	struct crm_command cmd = {&f->co, usage, common_opts, own_option, f, verbs,
		NCOLS(verbs), -1, 0, NULL};
	int rc = crm_parse_command(&cmd, argc, argv);
	if (rc != CRM_OK)
		return rc;
	*verb = cmd.verb;
	f->verb = verbs[cmd.verb].name;
	f->argc = cmd.argc;
	f->argv = cmd.argv;
	return CRM_OK;
}

int main(int argc, char **argv)
{
	static struct fb f;
	int verb = -1, rc;

	crm_set_progname(argv[0]);
	crm_i18n_init(argv[0]);
	argv[0] = (char *)crm_progname;
	crm_common_init(&f.co);
	crm_period_opts_init(&f.po);
	if ((rc = parse_command(&f, argc, argv, &verb)) == CRM_OK) {
		if (!(f.tz = crm_common_tz(&f.co)))
			rc = CRM_EUSAGE;
		else if (verb > 1 || (rc = load_dictionary(&f)) == CRM_OK)
			rc = run[verb](&f);
	}
	crm_table_free(f.t);
	crm_topics_free(f.topics);
	crm_topics_free(f.polarity);
	if (f.have_db) {
		crm_db_rollback(&f.db);
		crm_db_close(&f.db);
	}
	crm_tz_close(f.tz);
	return crm_close_stdout(rc);
}
