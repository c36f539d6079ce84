/* survey.c - survey answers counted per group, detractors, follow-ups; see survey.h. */
#include "i18n.h"
#include "survey.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "entity.h"
#include "figures.h"
#include "segment.h"

static const char *const by_names[CRM_NBY] = {N_("month"), N_("week"), N_("channel"),
	N_("segment"), N_("survey"), N_("category"), N_("sku")};

int crm_by_parse(const char *name)
{
	int i;
	for (i = 0; i < CRM_NBY; i++)
		if (!strcmp(by_names[i], name))
			return i;
	return -1;
}

const char *crm_by_name(enum crm_by by) { return by_names[by]; }
int crm_by_is_time(enum crm_by by) { return by == CRM_BY_MONTH || by == CRM_BY_WEEK; }

long long crm_survey_bad_total(const struct crm_survey_bad *b)
{
	return b->range + b->nan + b->other;
}

/* ---- sources --------------------------------------------------------------------- */

#define KEY(by) (1u << (by))
/* every source's keys */
#define COMMON_KEYS (KEY(CRM_BY_MONTH) | KEY(CRM_BY_WEEK) | KEY(CRM_BY_CHANNEL) | \
	KEY(CRM_BY_SEGMENT))

/* An answer's customer: its own or, without one, that of the order it
 * names (which may have been imported after it), with its order joined as
 * o by ORDER_JOIN.  The one rule of every query on answers. */
#define ORDER_JOIN(x) " LEFT JOIN orders o ON o.order_id = " x ".order_id "
#define ORDER_CUSTOMER(x) "coalesce(" x ".customer_id, o.customer_id)"
/* The customer's segment in the last saved run: crm_run_segment(), which
 * segment.h registers on the connection for that run (a run is one blob). */
#define SEGMENT_OF(cust) "crm_run_segment(" cust ")"
/* The answers of a source within the time range [?1, ?2) and survey ?3:
 * id, score, time, channel, survey, category, sku, then the segment. */
#define ANSWERS_SQL(cols, from, at, survey, seg, join) "SELECT " cols ", " seg " FROM " from \
	join " WHERE (?1 IS NULL OR " at " >= ?1) AND (?2 IS NULL OR " at " < ?2) AND " \
	"(?3 IS NULL OR " survey " = ?3)"
#define SOURCE_SQL(cols, from, alias, at, survey) \
	ANSWERS_SQL(cols, from, at, survey, "NULL", ""), \
	ANSWERS_SQL(cols, from, at, survey, SEGMENT_OF(ORDER_CUSTOMER(alias)), ORDER_JOIN(alias))
#define R_COLS "r.response_id, r.score, r.answered_at, r.channel, r.survey, NULL, NULL"
/* CSAT is asked when a ticket is resolved; one still open was rated when opened */
#define T_AT "coalesce(t.resolved_at, t.opened_at)"
#define T_COLS "t.ticket_id, t.csat, " T_AT ", t.channel, NULL, t.category, NULL"
#define V_COLS "v.review_id, v.rating, v.posted_at, v.platform, NULL, NULL, v.sku"

static const struct source {
	const char *name, *noun;        /* "tickets", "ticket" */
	const char *score, *at;         /* the columns named in messages */
	const char *rating;             /* a source of 1-5 ratings: what they are */
	unsigned keys;                  /* KEY() of the --by keys it has */
	const char *plain, *segmented;  /* its answers, without and with segments */
} sources[] = {
	[CRM_SOURCE_RESPONSES] = {"responses", "response", "score", "answered_at", NULL,
		COMMON_KEYS | KEY(CRM_BY_SURVEY),
		SOURCE_SQL(R_COLS, "responses r", "r", "r.answered_at", "r.survey")},
	[CRM_SOURCE_TICKETS] = {"tickets", "ticket", "csat", "resolved_at",
		N_("tickets' CSAT is a 1-5 rating"), COMMON_KEYS | KEY(CRM_BY_CATEGORY),
		ANSWERS_SQL(T_COLS, "tickets t", T_AT, "NULL", "NULL", ""),
		ANSWERS_SQL(T_COLS, "tickets t", T_AT, "NULL", SEGMENT_OF("t.customer_id"), "")},
	[CRM_SOURCE_REVIEWS] = {"reviews", "review", "rating", "posted_at",
		N_("reviews' rating is 1 to 5 stars"), COMMON_KEYS | KEY(CRM_BY_SKU),
		SOURCE_SQL(V_COLS, "reviews v", "v", "v.posted_at", "NULL")},
};

int crm_source_parse(const char *name)
{
	size_t i;
	for (i = 0; i < sizeof sources / sizeof sources[0]; i++)
		if (!strcmp(sources[i].name, name))
			return (int)i;
	return -1;
}

int crm_survey_check(struct crm_survey_opts *o, int scale_given, char *why, size_t size)
{
	const struct source *src = &sources[o->source];
	int k;
	if (src->rating && !scale_given)
		o->scale = CRM_SCALE_CSAT;
	if (src->rating && o->scale != CRM_SCALE_CSAT) {
		snprintf(why, size, _("--source %s: %s; --scale %s needs %d-%d answers"), src->name,
			 _(src->rating), crm_scale_name(o->scale), crm_scale_lo(o->scale),
			 crm_scale_hi(o->scale));
		return -1;
	}
	if (o->survey && !(src->keys & KEY(CRM_BY_SURVEY))) {
		snprintf(why, size, _("--survey: %s have no survey"), src->name);
		return -1;
	}
	for (k = 0; k < o->nby; k++) {
		if (src->keys & KEY(o->by[k]))
			continue;
		snprintf(why, size, _("--by %s: %s have no %s"), crm_by_name(o->by[k]), src->name,
			 crm_by_name(o->by[k]));
		return -1;
	}
	return 0;
}

/* ---- groups ---------------------------------------------------------------------- */

static uint32_t key_hash(char *const *key, int nby)
{
	uint32_t h = 2166136261u;
	int k;
	for (k = 0; k < nby; k++) {
		const unsigned char *p = (const unsigned char *)(key[k] ? key[k] : "");
		for (; *p; p++)
			h = (h ^ *p) * 16777619u;
		h = (h ^ (key[k] ? 0xffu : 0xfeu)) * 16777619u;   /* "" and missing differ */
	}
	return h;
}

static int key_equal(char *const *a, char *const *b, int nby)
{
	int k;
	for (k = 0; k < nby; k++)
		if (!a[k] != !b[k] || (a[k] && strcmp(a[k], b[k])))
			return 0;
	return 1;
}

static uint32_t *group_slot(struct crm_groups *gs, char *const *key, int nby)
{
	size_t i = key_hash(key, nby) & (gs->nslot - 1);
	while (gs->slot[i] && !key_equal(gs->g[gs->slot[i] - 1].key, key, nby))
		i = (i + 1) & (gs->nslot - 1);
	return &gs->slot[i];
}

static void groups_grow(struct crm_groups *gs, int nby)
{
	size_t i;
	gs->nslot = gs->nslot ? 2 * gs->nslot : 64;
	free(gs->slot);
	gs->slot = crm_xcalloc(gs->nslot, sizeof *gs->slot);
	for (i = 0; i < gs->n; i++)
		*group_slot(gs, gs->g[i].key, nby) = (uint32_t)(i + 1);
}

/* The group of these keys, made on first sight (the keys are copied). */
static size_t group_of(struct crm_groups *gs, char *const *key, int nby)
{
	uint32_t *slot;
	struct crm_group *g;
	int k;
	if (2 * (gs->n + 1) > gs->nslot)
		groups_grow(gs, nby);
	slot = group_slot(gs, key, nby);
	if (*slot)
		return *slot - 1;
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? 2 * gs->cap : 64;
		gs->g = crm_xrealloc(gs->g, gs->cap * sizeof *gs->g);
	}
	g = &gs->g[gs->n];
	memset(g, 0, sizeof *g);
	for (k = 0; k < nby; k++)
		g->key[k] = crm_xstrdup_or_null(key[k]);
	crm_nps_acc_init(&g->acc);
	g->prev = -1;
	*slot = (uint32_t)++gs->n;
	return gs->n - 1;
}

void crm_groups_release(struct crm_groups *gs)
{
	size_t i;
	int k;
	for (i = 0; i < gs->n; i++)
		for (k = 0; k < CRM_NBY; k++)
			free(gs->g[i].key[k]);
	free(gs->g);
	free(gs->slot);
	memset(gs, 0, sizeof *gs);
}

static int cmp_key(const char *a, const char *b)
{
	if (!a || !b)
		return !b - !a;      /* a missing value first */
	return strcmp(a, b);
}

static int by_keys(const void *pa, const void *pb, void *ctx)
{
	const struct crm_group *a = pa, *b = pb;
	int k, n = *(const int *)ctx, c;
	for (k = 0; k < n; k++)
		if ((c = cmp_key(a->key[k], b->key[k])) != 0)
			return c;
	return 0;
}

struct period_order {
	const struct crm_groups *gs;
	int nby, t;               /* t: the time key's position */
};

/* The other keys first, then the time: one group's periods side by side. */
static int by_group_then_time(const void *pa, const void *pb, void *ctx)
{
	const struct period_order *po = ctx;
	const struct crm_group *a = &po->gs->g[*(const size_t *)pa], *b = &po->gs->g[*(const size_t *)pb];
	int k, c;
	for (k = 0; k < po->nby; k++)
		if (k != po->t && (c = cmp_key(a->key[k], b->key[k])) != 0)
			return c;
	return cmp_key(a->key[po->t], b->key[po->t]);
}

static void link_previous(struct crm_groups *gs, const struct crm_survey_opts *o)
{
	struct period_order po = {gs, o->nby, -1};
	size_t *idx, i;
	long last;
	int k;
	for (k = 0; k < o->nby; k++)
		if (crm_by_is_time(o->by[k]))
			po.t = k;
	if (po.t < 0 || gs->n < 2)
		return;
	idx = crm_xrealloc(NULL, gs->n * sizeof *idx);
	for (i = 0; i < gs->n; i++)
		idx[i] = i;
	qsort_r(idx, gs->n, sizeof *idx, by_group_then_time, &po);
	for (i = 1, last = -1; i < gs->n; i++) {
		const struct crm_group *b = &gs->g[idx[i]];
		int same = 1;
		if (gs->g[idx[i - 1]].acc.n)      /* a period of no answers is skipped */
			last = (long)idx[i - 1];
		for (k = 0; last >= 0 && k < o->nby; k++)
			same &= k == po.t || !cmp_key(gs->g[last].key[k], b->key[k]);
		if (last >= 0 && !same)
			last = -1;
		gs->g[idx[i]].prev = last;
	}
	free(idx);
}

/* Sorted groups, linked to their previous periods; the hash is spent. */
static void finish_groups(struct crm_groups *gs, const struct crm_survey_opts *o)
{
	int nby = o->nby;
	if (gs->n > 1)
		qsort_r(gs->g, gs->n, sizeof *gs->g, by_keys, &nby);
	free(gs->slot);
	gs->slot = NULL;
	gs->nslot = 0;
	link_previous(gs, o);
}

/* ---- one answer ------------------------------------------------------------------ */

struct load {
	const struct crm_survey_opts *o;
	struct crm_groups *gs;
	const char *file;          /* stream name or database path */
	const struct source *src;  /* its names for messages */
	int time_key, need_time;   /* a month or week key; that or a range */
	int fatal;                 /* an exit code that stops the reading */
	/* the last answer's local day and labels, and its group */
	int64_t day;
	char label[2][CRM_DATE_LEN];
	long last;
	const struct crm_stream *st;   /* the stream read, or NULL */
};

static void load_init(struct load *L, const struct crm_survey_opts *o, struct crm_groups *gs)
{
	int k;
	memset(L, 0, sizeof *L);
	memset(gs, 0, sizeof *gs);
	L->o = o;
	L->gs = gs;
	L->src = &sources[CRM_SOURCE_RESPONSES];
	L->day = INT64_MIN;
	L->last = -1;
	for (k = 0; k < o->nby; k++)
		L->time_key |= crm_by_is_time(o->by[k]);
	L->need_time = L->time_key || o->from || o->to;
	if (o->nby == 0)
		group_of(gs, NULL, 0);     /* the one group, answers or not */
}

/* Report a bad answer: at a line of a stream, or by response id in the
 * database.  Returns nonzero (and sets fatal) when strict stops here. */
static int bad(struct load *L, long line, const char *id, long long *count, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int bad(struct load *L, long line, const char *id, long long *count, const char *fmt, ...)
{
	char msg[512], q[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line > 0 || !id)
		crm_error_at(L->file, line, "%s", msg);
	else
		crm_error_at(L->file, 0, "%s %s: %s", L->src->noun, crm_quote(id, q, sizeof q), msg);
	(*count)++;
	if (L->o->strict)
		L->fatal = CRM_EDATA;
	return L->o->strict;
}

/* Month and week labels of the local day of a canonical UTC time; -1 when
 * the time is not one (a database written by hand). */
static int time_labels(struct load *L, const char *at)
{
	int64_t t = crm_time_epoch(at), day;
	if (t == INT64_MIN)
		return -1;
	if ((day = crm_local_day(L->o->tz, t)) == L->day)
		return 0;
	L->day = day;
	crm_day_labels(day, 1, L->label[0], L->label[1]);
	return 0;
}

static int in_range(const struct crm_survey_opts *o, const char *at)
{
	if (!o->from && !o->to)
		return 1;
	return at && (!o->from || strcmp(at, o->from) >= 0) && (!o->to || strcmp(at, o->to) < 0);
}

/* Why an answer is bad, or NULL: its score (a bad one; an empty one is
 * no answer) or, with a time key, its time (none needed for no answer). */
static long long *judge(struct load *L, const char *score, enum crm_score_bad b,
			const char *why, const char *at, char *msg, size_t size)
{
	const struct source *src = L->src;
	char q[128];
	if (b == CRM_SCORE_NAN || b == CRM_SCORE_RANGE) {
		snprintf(msg, size, _("column '%s': %s %s"), src->score, crm_quote(score, q, sizeof q),
			 why);
		return b == CRM_SCORE_NAN ? &L->gs->bad.nan : &L->gs->bad.range;
	}
	if (L->time_key && !at && b == CRM_SCORE_OK) {
		snprintf(msg, size, _("column '%s' is empty"), src->at);
		return &L->gs->bad.other;
	}
	if (L->time_key && at && time_labels(L, at) < 0) {
		snprintf(msg, size, _("column '%s': %s is not a time"), src->at, crm_quote(at, q, sizeof q));
		return &L->gs->bad.other;
	}
	return NULL;
}

/*
 * Count one answer within the filters, or no answer (an empty score), or
 * report why it is bad.  at is a canonical UTC time or NULL; text[] the
 * text keys by crm_by.  Returns nonzero to stop the reading.
 */
static int count_answer(struct load *L, long line, const char *id, const char *score,
			const char *at, const char *const text[CRM_NBY])
{
	struct crm_groups *gs = L->gs;
	const struct crm_survey_opts *o = L->o;
	char why[64], msg[256], *key[CRM_NBY];
	enum crm_score_bad b;
	long long *count;
	int s = 0, k;
	if (!in_range(o, at))
		return 0;
	b = crm_score_parse(score ? score : "", o->scale, &s, why, sizeof why);
	gs->rows += b != CRM_SCORE_EMPTY;
	if ((count = judge(L, score, b, why, at, msg, sizeof msg)) != NULL) {
		gs->rows += b == CRM_SCORE_EMPTY;   /* no answer, but a bad row */
		return bad(L, line, id, count, "%s", msg);
	}
	for (k = 0; k < o->nby; k++) {
		enum crm_by by = o->by[k];
		key[k] = !crm_by_is_time(by) ? (char *)(text[by] && *text[by] ? text[by] : NULL) :
			 !at ? NULL : by == CRM_BY_MONTH ? L->label[0] : L->label[1];
	}
	/* answers come in runs of one group: skip the hash for those */
	if (L->last < 0 || !key_equal(gs->g[L->last].key, key, o->nby))
		L->last = (long)group_of(gs, key, o->nby);
	if (b == CRM_SCORE_EMPTY)
		crm_nps_add_none(&gs->g[L->last].acc);
	else
		crm_nps_add(&gs->g[L->last].acc, s);
	return 0;
}

/* ---- from a stream --------------------------------------------------------------- */

enum { R_ID, R_CUSTOMER, R_AT, R_SCORE, R_COMMENT, R_SURVEY, R_CHANNEL, R_SEGMENT };   /* crm_response_stream */

/* A column the options need that the header lacks: a data error. */
static int need_column(struct load *L, const int colmap[CRM_MAX_COLS], const struct crm_row *hdr,
		       int col, const char *why)
{
	char found[512];
	if (colmap[col] >= 0)
		return 0;
	crm_header_list(hdr, found, sizeof found);
	crm_error_at(L->file, hdr->line, _("%s needs a column '%s' (found: %s); name it with --map %s=HEADER"),
		     why, crm_response_stream.cols[col].name, found, crm_response_stream.cols[col].name);
	return CRM_EDATA;
}

static int s_header(const int colmap[CRM_MAX_COLS], const struct crm_row *row, void *ctx)
{
	struct load *L = ctx;
	const struct crm_survey_opts *o = L->o;
	int k;
	for (k = 0; k < o->nby; k++) {
		enum crm_by by = o->by[k];
		int col = by == CRM_BY_CHANNEL ? R_CHANNEL : by == CRM_BY_SEGMENT ? R_SEGMENT :
			  by == CRM_BY_SURVEY ? R_SURVEY : R_AT;
		char why[32];
		snprintf(why, sizeof why, _("--by %s"), crm_by_name(by));
		if (need_column(L, colmap, row, col, why))
			return CRM_EDATA;
	}
	if ((o->from || o->to) && need_column(L, colmap, row, R_AT, o->from ? "--from" : "--to"))
		return CRM_EDATA;
	if (o->survey && need_column(L, colmap, row, R_SURVEY, "--survey"))
		return CRM_EDATA;
	return 0;
}

/* The time is read only when a key or range needs it, and after the
 * --survey filter: an answer to another survey is no answer, bad or not. */
static int s_row(const struct crm_values *v, const struct crm_row *row, void *ctx)
{
	struct load *L = ctx;
	const char *text[CRM_NBY] = {NULL}, *at = NULL;
	char canonical[CRM_TIME_LEN], why[512], *raw;
	text[CRM_BY_SURVEY] = v->val[R_SURVEY];
	if (L->o->survey && (!text[CRM_BY_SURVEY] || strcmp(text[CRM_BY_SURVEY], L->o->survey)))
		return 0;
	text[CRM_BY_CHANNEL] = v->val[R_CHANNEL];
	text[CRM_BY_SEGMENT] = v->val[R_SEGMENT];
	if (L->need_time && (raw = v->val[R_AT])) {
		if (crm_stream_value(L->st, R_AT, raw, canonical, sizeof canonical, NULL, why,
				     sizeof why) == CRM_VALUE_BAD) {
			L->gs->rows++;
			return bad(L, row->line, NULL, &L->gs->bad.other, "%s", why);
		}
		at = canonical;
	}
	return count_answer(L, row->line, NULL, v->val[R_SCORE], at, text);
}

static int s_reject(long line, const char *why, void *ctx)
{
	struct load *L = ctx;
	L->gs->rows++;
	return bad(L, line, NULL, &L->gs->bad.other, "%s", why);
}

int crm_survey_load_csv(const char *path, const struct crm_survey_opts *o, struct crm_groups *gs)
{
	struct load L;
	/* the score is text for the scale to judge; no header at all: no
	 * answers, which is no error */
	struct crm_stream st = {
		.e = &crm_response_stream, .maps = o->in->map, .nmap = o->in->nmap,
		.vc = {o->tz, o->in->date_order, NULL, "", &o->in->vmap}, .csv = &o->csv,
		.raw = CRM_STREAM_RAW(R_AT), .name = &L.file, .on_header = s_header,
		.on_row = s_row, .on_reject = s_reject, .ctx = &L,
	};
	int rc;
	load_init(&L, o, gs);
	L.st = &st;
	rc = crm_stream_read(&st, path);
	if (L.fatal)
		rc = L.fatal;
	if (rc == CRM_OK)
		finish_groups(gs, o);
	return rc;
}

/* ---- from the database ----------------------------------------------------------- */

/* The survey answers' (alias r) order and customer. */
#define ANSWER_ORDER ORDER_JOIN("r")
#define ANSWER_CUSTOMER ORDER_CUSTOMER("r")

#define ANSWERS_WHERE "WHERE (?1 IS NULL OR r.answered_at >= ?1) AND " \
	"(?2 IS NULL OR r.answered_at < ?2) AND (?3 IS NULL OR r.survey = ?3)"

/* The last saved segment run, or 0 (reported) when there is none. */
static long long last_segment_run(struct crm_db *db, int *rc)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT max(run_id) FROM segment_runs");
	long long id = 0;
	if (!st) {
		*rc = crm_db_last_status(db);
		return 0;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else
		*rc = crm_db_fail(db, N_("read segment runs"));
	sqlite3_finalize(st);
	if (!id && *rc == CRM_OK) {
		crm_error(_("%s: --by segment needs a saved segment run (crm-segment --save)"), db->path);
		*rc = CRM_EDATA;
	}
	return id;
}

static int want_segment(const struct crm_survey_opts *o)
{
	int k;
	for (k = 0; k < o->nby; k++)
		if (o->by[k] == CRM_BY_SEGMENT)
			return 1;
	return 0;
}

static sqlite3_stmt *answers_query(struct crm_db *db, const struct crm_survey_opts *o, int *rc)
{
	const struct source *src = &sources[o->source];
	long long run = 0;
	sqlite3_stmt *st;
	if (want_segment(o) && !(run = last_segment_run(db, rc)))
		return NULL;
	if (run && (*rc = crm_run_segment_fn(db, run)) != CRM_OK)
		return NULL;
	if (!(st = crm_db_prepare(db, run ? src->segmented : src->plain))) {
		*rc = crm_db_last_status(db);
		return NULL;
	}
	crm_bind_static(st, 1, o->from);
	crm_bind_static(st, 2, o->to);
	crm_bind_static(st, 3, o->survey);
	return st;
}

int crm_survey_load_db(struct crm_db *db, const struct crm_survey_opts *o, struct crm_groups *gs)
{
	struct load L;
	sqlite3_stmt *st;
	int rc = CRM_OK, step;
	load_init(&L, o, gs);
	L.file = db->path;
	L.src = &sources[o->source];
	if (!(st = answers_query(db, o, &rc)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *text[CRM_NBY] = {NULL};
		text[CRM_BY_CHANNEL] = (const char *)sqlite3_column_text(st, 3);
		text[CRM_BY_SURVEY] = (const char *)sqlite3_column_text(st, 4);
		text[CRM_BY_CATEGORY] = (const char *)sqlite3_column_text(st, 5);
		text[CRM_BY_SKU] = (const char *)sqlite3_column_text(st, 6);
		text[CRM_BY_SEGMENT] = (const char *)sqlite3_column_text(st, 7);
		if (count_answer(&L, 0, (const char *)sqlite3_column_text(st, 0),
				 (const char *)sqlite3_column_text(st, 1),
				 (const char *)sqlite3_column_text(st, 2), text))
			break;
	}
	if (L.fatal)
		rc = L.fatal;
	else if (step != SQLITE_DONE)
		rc = crm_db_fail(db, N_("read survey answers"));
	sqlite3_finalize(st);
	if (rc == CRM_OK)
		finish_groups(gs, o);
	return rc;
}

/* ---- detractors ------------------------------------------------------------------ */

/* Open detractors with their customer (their order's when they name none)
 * and the figures in the currency of the customer's latest counting order
 * (figures.h, one row per currency). */
#define LATEST(COL) "(SELECT " COL " FROM (" CRM_FIGURES_OF("s.last_unix, s.orders, " \
	"s.monetary, s.currency", "s.customer_id = " ANSWER_CUSTOMER) ") ORDER BY last_unix DESC, " \
	"currency LIMIT 1)"
static const char detractors_sql[] =
	"SELECT r.response_id, r.answered_at, r.score, r.comment, r.survey, r.channel, "
	ANSWER_CUSTOMER ", c.name, c.email, c.phone, " LATEST("last_unix") ", " LATEST("orders")
	", " LATEST("monetary") ", " LATEST("currency") " "
	"FROM responses r " ANSWER_ORDER "LEFT JOIN customers c ON c.customer_id = "
	ANSWER_CUSTOMER " "
	ANSWERS_WHERE " AND r.score >= 0 AND r.score <= 6 AND NOT EXISTS "
	"(SELECT 1 FROM followups f WHERE f.response_id = r.response_id) "
	"ORDER BY r.answered_at DESC, r.response_id";

#define TEXT(st, i) ((const char *)sqlite3_column_text(st, i))

static void detractor_row(sqlite3_stmt *st, const struct crm_survey_opts *o,
			  struct crm_detractor *d, char last[CRM_DATE_LEN], char spent[64])
{
	memset(d, 0, sizeof *d);
	d->response_id = TEXT(st, 0);
	d->answered_at = TEXT(st, 1);
	d->score = sqlite3_column_int(st, 2);
	d->comment = TEXT(st, 3);
	d->survey = TEXT(st, 4);
	d->channel = TEXT(st, 5);
	d->customer_id = TEXT(st, 6);
	d->name = TEXT(st, 7);
	d->email = TEXT(st, 8);
	d->phone = TEXT(st, 9);
	if (sqlite3_column_type(st, 10) == SQLITE_NULL)
		return;
	crm_day_date(crm_local_day(o->tz, sqlite3_column_int64(st, 10)), last);
	d->last_order = last;
	d->orders = sqlite3_column_int64(st, 11);
	d->currency = TEXT(st, 13);
	if (crm_format_money(sqlite3_column_int64(st, 12), d->currency, spent, 64) > 0)
		d->spent = spent;
}

int crm_detractors_each(struct crm_db *db, const struct crm_survey_opts *o,
			crm_detractor_fn *fn, void *ctx)
{
	sqlite3_stmt *st = crm_db_prepare(db, detractors_sql);
	struct crm_detractor d;
	char last[CRM_DATE_LEN], spent[64];
	int rc, stop = 0;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, o->from);
	crm_bind_static(st, 2, o->to);
	crm_bind_static(st, 3, o->survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		detractor_row(st, o, &d, last, spent);
		if ((stop = fn(&d, ctx)) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read detractors"));
}

/* ---- follow-ups ------------------------------------------------------------------ */

enum { F_RESPONSE, F_CUSTOMER, F_AT, F_NOTE };   /* crm_followup_stream */

struct follow {
	struct crm_db *db;
	const struct crm_survey_opts *o;
	struct crm_followup_counts *c;
	const char *file;
	char now[CRM_TIME_LEN];
	int fatal;
	sqlite3_stmt *answer, *one, *customer, *known;
};

static int f_reject(struct follow *F, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int f_reject(struct follow *F, long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	crm_error_at(F->file, line, "%s", msg);
	F->c->rejected++;
	if (F->o->strict)
		F->fatal = CRM_EDATA;
	return F->o->strict;
}

static int f_header(const int colmap[CRM_MAX_COLS], const struct crm_row *row, void *ctx)
{
	struct follow *F = ctx;
	if (colmap[F_RESPONSE] >= 0 || colmap[F_CUSTOMER] >= 0)
		return 0;
	crm_error_at(F->file, row->line, _("follow-ups need a column 'response_id' or 'customer_id'"));
	return CRM_EDATA;
}

/* Run a statement that writes; the number of rows it changed, or -1. */
static int f_step(struct follow *F, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		F->fatal = crm_db_fail(F->db, N_("record follow-ups"));
		return -1;
	}
	return sqlite3_changes(F->db->h);
}

/* Does a lookup find a row?  1, 0, or -1 on a database error. */
static int f_found(struct follow *F, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		F->fatal = crm_db_fail(F->db, N_("read survey answers"));
		return -1;
	}
	return rc == SQLITE_ROW;
}

/*
 * Record the answers `write` selects for `id` (a response or a customer);
 * when it records none, `exists` tells an answer already followed up
 * (unchanged) from an unknown id (rejected).  Returns nonzero to stop.
 */
static int f_record(struct follow *F, long line, sqlite3_stmt *write, sqlite3_stmt *exists,
		    const char *col, const char *id, const char *at, const char *note)
{
	char q[128];
	int changed, found;
	crm_bind_static(write, 1, id);
	crm_bind_static(write, 2, at);
	crm_bind_static(write, 3, note);
	if ((changed = f_step(F, write)) < 0)
		return 1;
	if (changed) {
		F->c->recorded += changed;
		return 0;
	}
	crm_bind_static(exists, 1, id);
	if ((found = f_found(F, exists)) < 0)
		return 1;
	if (!found)
		return f_reject(F, line, _("column '%s': %s has no survey answer in %s"), col,
				crm_quote(id, q, sizeof q), F->db->path);
	F->c->unchanged++;
	return 0;
}

/* A follow-up without a time was made now. */
static int f_row(const struct crm_values *v, const struct crm_row *row, void *ctx)
{
	struct follow *F = ctx;
	const char *resp = v->val[F_RESPONSE], *cust = v->val[F_CUSTOMER], *note = v->val[F_NOTE];
	const char *at = v->val[F_AT] ? v->val[F_AT] : F->now;
	F->c->read++;
	if (resp)
		return f_record(F, row->line, F->answer, F->one, "response_id", resp, at, note);
	if (cust)
		return f_record(F, row->line, F->customer, F->known, "customer_id", cust, at, note);
	return f_reject(F, row->line, _("no response_id or customer_id"));
}

static int f_bad_row(long line, const char *why, void *ctx)
{
	struct follow *F = ctx;
	F->c->read++;
	return f_reject(F, line, "%s", why);
}

/* A customer id as the file gives it, or the customer it is an alias of. */
#define F_CUSTOMER_ID "coalesce((SELECT customer_id FROM customer_aliases WHERE alias = ?1), ?1)"

static int f_prepare(struct follow *F)
{
	F->answer = crm_db_prepare(F->db, "INSERT INTO followups (response_id, customer_id, "
				   "followed_at, note) SELECT r.response_id, " ANSWER_CUSTOMER
				   ", ?2, ?3 FROM responses r " ANSWER_ORDER "WHERE r.response_id = ?1 "
				   "ON CONFLICT (response_id) DO NOTHING");
	F->one = crm_db_prepare(F->db, "SELECT 1 FROM responses WHERE response_id = ?1");
	/* the customer's detractor answers up to the call that are still open,
	 * the customer's through their orders too, as the list of detractors
	 * shows them */
	F->customer = crm_db_prepare(F->db, "INSERT INTO followups (response_id, customer_id, "
				     "followed_at, note) SELECT r.response_id, " ANSWER_CUSTOMER
				     ", ?2, ?3 FROM responses r " ANSWER_ORDER "WHERE "
				     ANSWER_CUSTOMER " = " F_CUSTOMER_ID " AND "
				     "r.score >= 0 AND r.score <= 6 AND "
				     "(r.answered_at IS NULL OR r.answered_at <= ?2) "
				     "ON CONFLICT (response_id) DO NOTHING");
	F->known = crm_db_prepare(F->db, "SELECT 1 FROM responses r " ANSWER_ORDER "WHERE "
				  ANSWER_CUSTOMER " = " F_CUSTOMER_ID " LIMIT 1");
	return F->one && F->answer && F->customer && F->known ? CRM_OK : crm_db_last_status(F->db);
}

static void f_finalize(struct follow *F)
{
	sqlite3_finalize(F->one);
	sqlite3_finalize(F->answer);
	sqlite3_finalize(F->customer);
	sqlite3_finalize(F->known);
}

static int f_read(struct follow *F, const char *path)
{
	const struct crm_survey_opts *o = F->o;
	struct crm_stream st = {
		.e = &crm_followup_stream, .maps = o->in->map, .nmap = o->in->nmap,
		.vc = {o->tz, o->in->date_order, NULL, "", NULL}, .csv = &o->csv, .name = &F->file,
		.on_header = f_header, .on_row = f_row, .on_reject = f_bad_row, .ctx = F,
	};
	int rc = crm_stream_read(&st, path);
	return F->fatal ? F->fatal : rc;
}

int crm_followups_record(struct crm_db *db, const char *path, const struct crm_survey_opts *o,
			 struct crm_followup_counts *c)
{
	struct follow F;
	time_t now = time(NULL);
	struct tm tm;
	int rc;
	memset(&F, 0, sizeof F);
	memset(c, 0, sizeof *c);
	F.db = db;
	F.o = o;
	F.c = c;
	gmtime_r(&now, &tm);
	strftime(F.now, sizeof F.now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((rc = crm_db_begin_write(db)) != CRM_OK)
		return rc;
	if ((rc = f_prepare(&F)) == CRM_OK)
		rc = f_read(&F, path);
	f_finalize(&F);
	if (rc == CRM_OK)
		return crm_db_commit(db);
	crm_db_rollback(db);
	return rc;
}
