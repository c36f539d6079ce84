/* service.c - the help desk's figures from the tickets; see service.h. */
#include "i18n.h"
#include "service.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "diag.h"
#include "period.h"
#include "ticket.h"

static const char *const by_names[CRM_SVC_NBY] = {N_("channel"), N_("category"), N_("priority"),
	N_("agent"), N_("team"), N_("month"), N_("week")};

int crm_svc_by_parse(const char *name)
{
	int i;
	for (i = 0; i < CRM_SVC_NBY; i++)
		if (!strcmp(name, by_names[i]))
			return i;
	return -1;
}

const char *crm_svc_by_name(enum crm_svc_by by)
{
	return by_names[by];
}

const char *const crm_service_bands[4] = {"<1d", "1-3d", "3-7d", ">7d"};

/* ---- one ticket ------------------------------------------------------------ */

enum col { C_ID, C_CUSTOMER, C_OPENED, C_FIRST, C_RESOLVED, C_STATUS, C_CSAT, C_CHANNEL,
	C_CATEGORY, C_PRIORITY, C_AGENT, C_TEAM, C_REOPENS, C_REPLIES, C_SUBJECT, NCOL };

#define TICKET_COLS "ticket_id, customer_id, opened_at, first_response_at, resolved_at, " \
	"status, csat, channel, category, priority, agent, team, reopens, replies, subject"

static const char run_sql[] =
	"SELECT " TICKET_COLS " FROM tickets WHERE opened_at >= ?1 AND opened_at < ?2 "
	"ORDER BY opened_at, ticket_id";

/* Whether the run's tickets are most of the table: then reading it
 * straight through beats a lookup of each row from the index on opened_at
 * (1M tickets: 0.45 s against 2.2 s). */
static const char share_sql[] =
	"SELECT (SELECT count(*) FROM tickets WHERE opened_at >= ?1 AND opened_at < ?2), "
	"(SELECT count(*) FROM tickets)";

/* Open at ?1: opened before it, not resolved by it, not closed without a time. */
static const char backlog_sql[] =
	"SELECT " TICKET_COLS " FROM tickets WHERE opened_at < ?1 "
	"AND (resolved_at IS NULL OR resolved_at >= ?1) "
	"AND NOT (resolved_at IS NULL AND status IN ('resolved', 'closed')) "
	"ORDER BY opened_at, ticket_id";

#define TEXT(st, c) ((const char *)sqlite3_column_text((st), (c)))

/* What a ticket's row says, as of o->end. */
struct facts {
	struct crm_ticket_times t;   /* a time after end: none yet */
	enum crm_ticket_clash clash;
	int64_t end;
	int64_t first, resolve, wait;   /* seconds in o's hours; -1 none */
	int solved;
	struct crm_sla_target target[2];   /* first response, resolution */
	int64_t took[2];                /* in the target's hours, -1: no target */
	int done[2];
};

static int64_t time_of(sqlite3_stmt *st, int col, int64_t end)
{
	const char *s = TEXT(st, col);
	int64_t t = s && strlen(s) == CRM_TIME_LEN - 1 ? crm_time_epoch(s) : -1;
	return t == INT64_MIN || t > end ? -1 : t;
}

static int64_t span(const struct crm_schedule *sched, int64_t from, int64_t to)
{
	if (to <= from)
		return 0;
	return sched ? crm_schedule_seconds(sched, from, to) : to - from;
}

/* How long target k took (or has waited) in its own hours. */
static void took(const struct crm_service_opts *o, struct facts *f, int k, int64_t at)
{
	const struct crm_schedule *s = f->target[k].calendar ? NULL : o->sla_sched;
	f->took[k] = -1;
	if (f->target[k].secs <= 0)
		return;
	f->done[k] = at >= 0;
	f->took[k] = span(s, f->t.opened, at >= 0 ? at : f->end);
}

static void derive(const struct crm_service_opts *o, sqlite3_stmt *st, int64_t end,
		   struct facts *f)
{
	const char *status = TEXT(st, C_STATUS);
	memset(f, 0, sizeof *f);
	f->end = end;
	f->t.opened = time_of(st, C_OPENED, INT64_MAX);
	f->t.first = time_of(st, C_FIRST, end);
	f->t.resolved = time_of(st, C_RESOLVED, end);
	f->solved = f->t.resolved >= 0 || (!TEXT(st, C_RESOLVED) && status &&
					   (!strcmp(status, "resolved") || !strcmp(status, "closed")));
	f->first = f->resolve = f->wait = f->took[0] = f->took[1] = -1;
	f->clash = crm_ticket_durations(&f->t, &f->first, &f->resolve);
	if (f->clash != CRM_TICKET_AGREE || f->t.opened < 0)
		return;
	if (f->first >= 0)
		f->first = span(o->sched, f->t.opened, f->t.first);
	if (f->resolve >= 0)
		f->resolve = span(o->sched, f->t.opened, f->t.resolved);
	f->wait = f->first >= 0 ? f->first : span(o->sched, f->t.opened, end);
	if (!o->sla)
		return;
	crm_sla_targets(o->sla, TEXT(st, C_PRIORITY), TEXT(st, C_CHANNEL), &f->target[0],
			&f->target[1]);
	took(o, f, 0, f->t.first);
	took(o, f, 1, f->t.resolved);
}

static int breached(const struct facts *f, int k)
{
	return f->took[k] >= 0 && f->took[k] > f->target[k].secs;
}

/* ---- accumulating ----------------------------------------------------------- */

struct durations {
	int64_t *v;
	size_t n, cap;
};

static void push(struct durations *d, int64_t v)
{
	if (v < 0)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->v = crm_xrealloc(d->v, d->cap * sizeof *d->v);
	}
	d->v[d->n++] = v;
}

struct acc {
	struct crm_service_figures f;
	struct durations first, resolve, wait;
	struct crm_nps_acc csat;
};

/* One ticket more; its durations kept for the percentiles unless counts
 * alone are wanted. */
static void add(struct acc *a, const struct facts *f, sqlite3_stmt *st, int counts_only)
{
	int k;
	a->f.opened++;
	a->f.solved += f->solved;
	if (f->clash != CRM_TICKET_AGREE) {
		a->f.left_out++;
		return;
	}
	if (!counts_only) {
		push(&a->first, f->first);
		push(&a->resolve, f->resolve);
		push(&a->wait, f->wait);
	}
	if (f->solved && sqlite3_column_type(st, C_REPLIES) == SQLITE_INTEGER) {
		a->f.touch_n++;
		a->f.one_touch += sqlite3_column_int64(st, C_REPLIES) == 1;
	}
	if (f->solved && sqlite3_column_type(st, C_REOPENS) == SQLITE_INTEGER) {
		a->f.reopen_n++;
		a->f.reopened += sqlite3_column_int64(st, C_REOPENS) > 0;
	}
	k = sqlite3_column_type(st, C_CSAT) == SQLITE_INTEGER ? sqlite3_column_int(st, C_CSAT) : 0;
	if (k >= 1 && k <= 5)
		crm_nps_add(&a->csat, k);
	a->f.sla_first += f->took[0] >= 0;
	a->f.sla_resolve += f->took[1] >= 0;
	a->f.breach_first += breached(f, 0);
	a->f.breach_resolve += breached(f, 1);
}

static void swap(int64_t *a, int64_t *b)
{
	int64_t t = *a;
	*a = *b;
	*b = t;
}

/* Put the k-th smallest of v[0..n) at v[k], none larger before it and
 * none smaller after it: Wirth's selection, linear on average, where
 * sorting a million durations took a third of a run. */
static void select_kth(int64_t *v, size_t n, size_t k)
{
	ptrdiff_t l = 0, r = (ptrdiff_t)n - 1, i, j, kk = (ptrdiff_t)k;
	while (l < r) {
		int64_t x = v[kk];
		i = l;
		j = r;
		do {
			while (v[i] < x)
				i++;
			while (x < v[j])
				j--;
			if (i <= j)
				swap(&v[i++], &v[j--]);
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			r = j;
	}
}

/* The p-th percentile by nearest rank, in hours (NAN when there is none).
 * Called with increasing p on the same durations: each selection leaves the
 * larger ones after its rank, where the next one looks. */
static double percentile(struct durations *d, double p, size_t *from)
{
	size_t k;
	if (!d->n)
		return NAN;
	k = (size_t)ceil(p * (double)d->n);
	k = k ? k - 1 : 0;
	select_kth(d->v + *from, d->n - *from, k - *from);
	*from = k;
	return (double)d->v[k] / 3600.0;
}

static void finish(struct acc *a, struct crm_service_figures *out)
{
	size_t f = 0, r = 0, w = 0;
	a->f.first_n = (long long)a->first.n;
	a->f.resolve_n = (long long)a->resolve.n;
	a->f.wait_n = (long long)a->wait.n;
	a->f.first_med = percentile(&a->first, 0.5, &f);
	a->f.first_p90 = percentile(&a->first, 0.9, &f);
	a->f.resolve_med = percentile(&a->resolve, 0.5, &r);
	a->f.resolve_p90 = percentile(&a->resolve, 0.9, &r);
	a->f.wait_med = percentile(&a->wait, 0.5, &w);
	crm_nps_compute(&a->csat, CRM_SCALE_CSAT, &a->f.csat);
	*out = a->f;
	free(a->first.v);
	free(a->resolve.v);
	free(a->wait.v);
}

/* ---- groups ------------------------------------------------------------------ */

struct group {
	char *key[CRM_SVC_NBY];
	struct acc a;
};

struct groups {
	const struct crm_service_opts *o;
	struct group *g;
	size_t n, cap;
	size_t *slot, nslot;          /* index + 1 of the group, 0 empty */
};

static int same_key(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static uint64_t hash_keys(const char *const *key, int n)
{
	uint64_t h = 1469598103934665603ULL;
	int i;
	for (i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)(key[i] ? key[i] : "");
		for (; *p; p++)
			h = (h ^ *p) * 1099511628211ULL;
		h = (h ^ (key[i] ? 0x1f : 0x1e)) * 1099511628211ULL;
	}
	return h;
}

static void rehash(struct groups *gs)
{
	size_t i, j;
	free(gs->slot);
	gs->nslot = gs->nslot ? 2 * gs->nslot : 64;
	gs->slot = crm_xcalloc(gs->nslot, sizeof *gs->slot);
	for (i = 0; i < gs->n; i++) {
		j = hash_keys((const char *const *)gs->g[i].key, gs->o->nby) & (gs->nslot - 1);
		while (gs->slot[j])
			j = (j + 1) & (gs->nslot - 1);
		gs->slot[j] = i + 1;
	}
}

static struct group *group_of(struct groups *gs, const char *const *key)
{
	int n = gs->o->nby, k;
	size_t j;
	struct group *g;
	if (2 * (gs->n + 1) > gs->nslot)
		rehash(gs);
	j = hash_keys(key, n) & (gs->nslot - 1);
	for (; gs->slot[j]; j = (j + 1) & (gs->nslot - 1)) {
		g = &gs->g[gs->slot[j] - 1];
		for (k = 0; k < n && same_key(g->key[k], key[k]); k++)
			;
		if (k == n)
			return g;
	}
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? 2 * gs->cap : 16;
		gs->g = crm_xrealloc(gs->g, gs->cap * sizeof *gs->g);
	}
	g = &gs->g[gs->n];
	memset(g, 0, sizeof *g);
	crm_nps_acc_init(&g->a.csat);
	for (k = 0; k < n; k++)
		g->key[k] = crm_xstrdup_or_null(key[k]);
	gs->slot[j] = ++gs->n;
	return g;
}

static const int by_col[CRM_SVC_NBY] = {C_CHANNEL, C_CATEGORY, C_PRIORITY, C_AGENT, C_TEAM,
	C_OPENED, C_OPENED};

/* The month and week labels of local days, cached by day: tickets come
 * by their opening or nearly, so a few days hold most of them. */
#define LABEL_SLOTS 64

struct labels {
	int64_t day[LABEL_SLOTS];     /* the day of each slot; INT64_MIN none */
	char lab[LABEL_SLOTS][2][CRM_DATE_LEN];
};

static void labels_init(struct labels *l)
{
	int i;
	for (i = 0; i < LABEL_SLOTS; i++)
		l->day[i] = INT64_MIN;
}

static char (*label_day(const struct crm_service_opts *o, struct labels *l,
			int64_t t))[CRM_DATE_LEN]
{
	int64_t day = crm_local_day(o->tz, t);
	int i = (int)(day & (LABEL_SLOTS - 1));
	if (l->day[i] != day) {
		l->day[i] = day;
		crm_day_labels(day, o->week_start, l->lab[i][0], l->lab[i][1]);
	}
	return l->lab[i];
}

/* The keys of the row's ticket into key[]. */
static void keys_of(const struct crm_service_opts *o, sqlite3_stmt *st, const struct facts *f,
		    const char **key, struct labels *l)
{
	int k;
	for (k = 0; k < o->nby; k++) {
		enum crm_svc_by by = o->by[k];
		if (by != CRM_SVC_MONTH && by != CRM_SVC_WEEK) {
			key[k] = TEXT(st, by_col[by]);
			continue;
		}
		key[k] = label_day(o, l, f->t.opened)[by == CRM_SVC_WEEK];
	}
}

static int compare_key(enum crm_svc_by by, const char *a, const char *b)
{
	int x, y;
	if (!a || !b)
		return !a - !b;
	if (by == CRM_SVC_PRIORITY) {
		x = crm_ticket_priority(a, strlen(a));
		y = crm_ticket_priority(b, strlen(b));
		x = x < 0 ? 99 : x;
		y = y < 0 ? 99 : y;
		if (x != y)
			return x - y;
	}
	return strcmp(a, b);
}

static const struct crm_service_opts *sort_opts;
static int by_keys(const void *a, const void *b)
{
	const struct crm_service_group *x = a, *y = b;
	int k, c;
	for (k = 0; k < sort_opts->nby; k++)
		if ((c = compare_key(sort_opts->by[k], x->key[k], y->key[k])) != 0)
			return c;
	return 0;
}

/* ---- the runs ------------------------------------------------------------------ */

/* The statement of sql with ?1 and ?2 bound. */
static sqlite3_stmt *prepare(struct crm_db *db, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st = crm_db_prepare(db, sql);
	if (st && (sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC) != SQLITE_OK ||
		   (b && sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC) != SQLITE_OK))) {
		crm_db_fail(db, N_("read tickets"));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static const char *const col_name[NCOL] = {"ticket_id", "customer_id", "opened_at",
	"first_response_at", "resolved_at", "status", "csat", "channel", "category", "priority",
	"agent", "team", "reopens", "replies", "subject"};

/* The SELECT of the figures: the columns they read, NULL for the others
 * (each column read costs the scan of a million rows its share), in the
 * table's order (scan) or through the index on opened_at. */
static void figures_sql(const struct crm_service_opts *o, int scan, char *buf, size_t size)
{
	unsigned need = 1u << C_OPENED | 1u << C_FIRST | 1u << C_RESOLVED | 1u << C_STATUS |
			1u << C_CSAT | 1u << C_CHANNEL | 1u << C_PRIORITY | 1u << C_REOPENS |
			1u << C_REPLIES;
	size_t n;
	int k;
	for (k = 0; k < o->nby; k++)
		need |= 1u << by_col[o->by[k]];
	n = (size_t)snprintf(buf, size, "SELECT ");
	for (k = 0; k < NCOL; k++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", k ? ", " : "",
				      need & 1u << k ? col_name[k] : "NULL");
	snprintf(buf + n, size - n, " FROM tickets WHERE %s", scan ?
		 "+opened_at >= ?1 AND +opened_at < ?2" : "opened_at >= ?1 AND opened_at < ?2");
}

/* The tickets of the run: opened in [from, to) and before end; by their
 * opening with every column (ordered, for the lists), or for the figures
 * in any order, as fast as they come. */
static sqlite3_stmt *run_tickets(struct crm_db *db, const struct crm_service_opts *o,
				 int ordered)
{
	const char *to = strcmp(o->to, o->end) < 0 ? o->to : o->end;
	char sql[512];
	sqlite3_stmt *st;
	int scan = 0;
	if (ordered)
		return prepare(db, run_sql, o->from, to);
	if ((st = prepare(db, share_sql, o->from, to))) {
		/* a quarter of the table or more: read it all */
		if (sqlite3_step(st) == SQLITE_ROW)
			scan = 4 * sqlite3_column_int64(st, 0) >= sqlite3_column_int64(st, 1);
		sqlite3_finalize(st);
	}
	figures_sql(o, scan, sql, sizeof sql);
	return prepare(db, sql, o->from, to);
}

static void groups_finish(struct groups *gs, struct crm_service *out)
{
	size_t i;
	int k;
	out->g = crm_xcalloc(gs->n + 1, sizeof *out->g);
	for (i = 0; i < gs->n; i++) {
		for (k = 0; k < gs->o->nby; k++)
			out->g[i].key[k] = gs->g[i].key[k];
		finish(&gs->g[i].a, &out->g[i].f);
	}
	out->n = gs->n;
	sort_opts = gs->o;
	qsort(out->g, out->n, sizeof *out->g, by_keys);
	sort_opts = NULL;
	free(gs->slot);
	gs->slot = NULL;
}

int crm_service_figures(struct crm_db *db, const struct crm_service_opts *o,
			struct crm_service *out)
{
	struct groups *gs = crm_xcalloc(1, sizeof *gs);
	struct acc all;
	struct labels *lab = crm_xmalloc(sizeof *lab);
	sqlite3_stmt *st = run_tickets(db, o, 0);
	int64_t end = crm_time_epoch(o->end);
	int rc;
	memset(out, 0, sizeof *out);
	memset(&all, 0, sizeof all);
	crm_nps_acc_init(&all.csat);
	gs->o = o;
	out->priv_ = gs;
	labels_init(lab);
	if (!st) {
		free(lab);
		return crm_db_last_status(db);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key[CRM_SVC_NBY];
		struct facts f;
		derive(o, st, end, &f);
		if (f.t.opened < 0)
			continue;
		add(&all, &f, st, o->nby > 0);
		if (o->nby) {
			keys_of(o, st, &f, key, lab);
			add(&group_of(gs, key)->a, &f, st, 0);
		}
	}
	sqlite3_finalize(st);
	free(lab);
	finish(&all, &out->all);
	groups_finish(gs, out);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read tickets"));
}

void crm_service_release(struct crm_service *s)
{
	struct groups *gs = s->priv_;
	size_t i;
	int k;
	if (gs) {
		for (i = 0; i < gs->n; i++)
			for (k = 0; k < CRM_SVC_NBY; k++)
				free(gs->g[i].key[k]);
		free(gs->g);
		free(gs->slot);
		free(gs);
	}
	free(s->g);
	memset(s, 0, sizeof *s);
}

static int breach_rows(const struct crm_service_opts *o, sqlite3_stmt *st, const struct facts *f,
		       crm_service_breach_fn *fn, void *ctx)
{
	static const char *const target[2] = {"first_response", "resolution"};
	int k, rc;
	for (k = 0; k < 2; k++) {
		struct crm_service_breach b = {
			TEXT(st, C_ID), TEXT(st, C_CUSTOMER), TEXT(st, C_OPENED), TEXT(st, C_PRIORITY),
			TEXT(st, C_CHANNEL), TEXT(st, C_AGENT), TEXT(st, C_TEAM), target[k],
			f->target[k].secs, f->took[k], f->target[k].calendar, f->done[k],
		};
		if (breached(f, k) && (rc = fn(&b, ctx)) != CRM_OK)
			return rc;
	}
	(void)o;
	return CRM_OK;
}

int crm_service_breaches(struct crm_db *db, const struct crm_service_opts *o,
			 crm_service_breach_fn *fn, void *ctx)
{
	sqlite3_stmt *st = run_tickets(db, o, 1);
	int64_t end = crm_time_epoch(o->end);
	int rc, status = CRM_OK;
	if (!st)
		return crm_db_last_status(db);
	while (status == CRM_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct facts f;
		derive(o, st, end, &f);
		if (f.t.opened >= 0 && f.clash == CRM_TICKET_AGREE)
			status = breach_rows(o, st, &f, fn, ctx);
	}
	sqlite3_finalize(st);
	if (status != CRM_OK)
		return status;
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read tickets"));
}

static int band_of(int64_t age)
{
	return age < 86400 ? 0 : age < 3 * 86400 ? 1 : age <= 7 * 86400 ? 2 : 3;
}

int crm_service_backlog(struct crm_db *db, const struct crm_service_opts *o,
			crm_service_open_fn *fn, void *ctx)
{
	const char *at = strcmp(o->to, o->end) < 0 ? o->to : o->end;
	sqlite3_stmt *st = prepare(db, backlog_sql, at, NULL);
	int64_t end = crm_time_epoch(at);
	int rc, status = CRM_OK;
	if (!st)
		return crm_db_last_status(db);
	while (status == CRM_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t opened = time_of(st, C_OPENED, INT64_MAX);
		struct crm_service_open t = {
			TEXT(st, C_ID), TEXT(st, C_CUSTOMER), TEXT(st, C_OPENED), TEXT(st, C_STATUS),
			TEXT(st, C_PRIORITY), TEXT(st, C_CHANNEL), TEXT(st, C_AGENT), TEXT(st, C_TEAM),
			TEXT(st, C_SUBJECT), end - opened,
			o->sched ? span(o->sched, opened, end) : -1,
			time_of(st, C_FIRST, end - 1) >= opened, 0,
		};
		if (opened < 0)
			continue;
		t.band = band_of(t.age);
		status = fn(&t, ctx);
	}
	sqlite3_finalize(st);
	if (status != CRM_OK)
		return status;
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read tickets"));
}
