/*
 * segment_run.c - saved segment runs (segment.h): each run's members are
 * one blob (runblob.h) in segment_blobs, and two runs are compared by
 * reading both blobs side by side, in customer order, as a merge.
 */
#include "segment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "i18n.h"
#include "keycmp.h"
#include "runblob.h"

/* ---- customers per pair of segments --------------------------------------------- */

/* Counts by (from, to), segment indexes of the older and the newer run, -1
 * for a customer in one of them only: an open-addressed table, as a rules
 * file may have many segments and a run holds few of the pairs. */
struct pairs {
	uint64_t *key;           /* (from + 1) << 32 | (to + 1); 0: an empty slot */
	long long *n;
	size_t cap, used;
};

static size_t pair_slot(const struct pairs *p, uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15u) >> 32) & (p->cap - 1);
	while (p->key[i] && p->key[i] != key)
		i = (i + 1) & (p->cap - 1);
	return i;
}

static void pairs_grow(struct pairs *p)
{
	struct pairs old = *p;
	size_t i;
	p->cap = old.cap ? old.cap * 2 : 64;
	p->key = crm_xcalloc(p->cap, sizeof *p->key);
	p->n = crm_xcalloc(p->cap, sizeof *p->n);
	for (i = 0; i < old.cap; i++)
		if (old.key[i]) {
			size_t j = pair_slot(p, old.key[i]);
			p->key[j] = old.key[i];
			p->n[j] = old.n[i];
		}
	free(old.key);
	free(old.n);
}

static void pairs_add(struct pairs *p, int from, int to)
{
	uint64_t key = (uint64_t)(uint32_t)(from + 1) << 32 | (uint32_t)(to + 1);
	size_t i;
	if (2 * (p->used + 1) > p->cap)
		pairs_grow(p);
	i = pair_slot(p, key);
	if (!p->key[i]) {
		p->key[i] = key;
		p->used++;
	}
	p->n[i]++;
}

static void pairs_release(struct pairs *p)
{
	free(p->key);
	free(p->n);
	memset(p, 0, sizeof *p);
}

/* One pair as names: "(new)" and "(gone)" for a customer in one run only. */
struct pair_row {
	const char *from, *to;
	long long n;
};

/* The pairs as rows, named by the runs' names; how many. */
static size_t pair_rows(const struct pairs *p, char **from_names, char **to_names,
			struct pair_row **out)
{
	struct pair_row *r = crm_xmalloc((p->used ? p->used : 1) * sizeof *r);
	size_t i, k = 0;
	for (i = 0; i < p->cap; i++) {
		int from = (int)(p->key[i] >> 32) - 1, to = (int)(uint32_t)p->key[i] - 1;
		if (!p->key[i])
			continue;
		r[k].from = from < 0 ? "(new)" : from_names[from];
		r[k].to = to < 0 ? "(gone)" : to_names[to];
		r[k++].n = p->n[i];
	}
	*out = r;
	return k;
}

/* ---- a saved run, read ---------------------------------------------------------- */

/* One side of a merge: a run's blob (a copy: the statement that read it is
 * gone), its reader and the member it stands at. */
struct side {
	long long run;
	unsigned char *blob;
	struct crm_runblob rb;
	struct crm_runblob_member m;
	int has;                 /* m is a member; 0 past the last */
};

static int corrupt_run(struct crm_db *db, long long run, const char *why, size_t at)
{
	crm_error(_("%s: segment run %lld: its saved members cannot be read: %s (at byte %zu)"),
		  db->path, run, crm_tr(why), at);
	return CRM_EDATA;
}

/* Why the blob of `run` did not open (msg, code: SQLite's): no row for it
 * or a value that is no blob, which is bad data, or the database's failure. */
static int blob_missing(struct crm_db *db, long long run, const char *msg, int code)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT typeof(members) FROM segment_blobs "
					  "WHERE run_id = ?1");
	char type[16] = "", why[48];
	int rc;
	if (!st)
		return crm_db_last_status(db);
	sqlite3_bind_int64(st, 1, run);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(type, sizeof type, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_db_fail(db, N_("read a segment run"));
	if (rc == SQLITE_DONE)
		return corrupt_run(db, run, N_("no members stored"), 0);
	if (strcmp(type, "blob") && strcmp(type, "text")) {
		snprintf(why, sizeof why, _("members stored as %s, not a blob"), type);
		return corrupt_run(db, run, why, 0);
	}
	crm_error(_("%s: read segment run %lld: %s"), db->path, run, msg);
	return crm_db_status(code);
}

/* The blob of `run` into a malloc'd copy, read from its pages straight
 * into it; CRM_OK or an exit code, reported. */
static int read_blob(struct crm_db *db, long long run, unsigned char **blob, size_t *len)
{
	sqlite3_blob *b = NULL;
	char msg[256];
	int rc, n;
	*blob = NULL;
	*len = 0;
	if ((rc = sqlite3_blob_open(db->h, "main", "segment_blobs", "members", run, 0, &b)) !=
	    SQLITE_OK) {
		snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db->h));
		sqlite3_blob_close(b);
		return blob_missing(db, run, msg, rc);
	}
	n = sqlite3_blob_bytes(b);
	/* huge pages: 43 MB at 3.3M customers faulted in 4 KiB pages was a
	 * third of reading a run */
	*blob = crm_xmalloc_big(n ? (size_t)n : 1);
	*len = (size_t)n;
	rc = sqlite3_blob_read(b, *blob, n, 0);
	sqlite3_blob_close(b);
	if (rc != SQLITE_OK) {
		free(*blob);
		*blob = NULL;
		return crm_db_fail(db, N_("read a segment run"));
	}
	return CRM_OK;
}

static int side_step(struct crm_db *db, struct side *s)
{
	int rc = crm_runblob_next(&s->rb, &s->m);
	if (rc < 0)
		return corrupt_run(db, s->run, s->rb.why, s->rb.at);
	s->has = rc;
	return CRM_OK;
}

static int side_open(struct crm_db *db, long long run, struct side *s)
{
	size_t len;
	int rc;
	memset(s, 0, sizeof *s);
	s->run = run;
	if ((rc = read_blob(db, run, &s->blob, &len)) != CRM_OK)
		return rc;
	if (crm_runblob_open(&s->rb, s->blob, len) < 0)
		return corrupt_run(db, run, s->rb.why, s->rb.at);
	return side_step(db, s);
}

static void side_close(struct side *s)
{
	crm_runblob_release(&s->rb);
	free(s->blob);
	memset(s, 0, sizeof *s);
}

/* Bytewise, as SQLite's BINARY collation orders the ids. */
static int id_cmp(const struct crm_runblob_member *a, const struct crm_runblob_member *b)
{
	return crm_key_cmp(a->id, a->idlen, b->id, b->idlen);
}

/* ---- saving ---------------------------------------------------------------------- */

struct crm_run {
	struct crm_db *db;
	long long id, customers;
	int failed;
	const struct crm_scheme *s;
	struct crm_runblob_enc enc;
	struct side prev;        /* the run before, if any, merged as members come */
	struct pairs flows;
};

static void utc_now(char out[CRM_TIME_LEN])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, CRM_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The run's row, its id into run->id; CRM_OK or an exit code. */
static int insert_run(struct crm_run *run, const struct crm_rfm *r)
{
	sqlite3_stmt *st = crm_db_prepare(run->db, "INSERT INTO segment_runs(saved_at, as_of, "
					  "scheme, currency, customers) VALUES (?1, ?2, ?3, ?4, 0)");
	char now[CRM_TIME_LEN];
	int rc;
	if (!st)
		return crm_db_last_status(run->db);
	utc_now(now);
	crm_bind_static(st, 1, now);
	crm_bind_static(st, 2, r->as_of_date);
	crm_bind_static(st, 3, crm_scheme_label(run->s));
	sqlite3_bind_text(st, 4, r->currency, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(run->db, N_("save the segment run"));
	run->id = sqlite3_last_insert_rowid(run->db->h);
	return CRM_OK;
}

/* The run saved last before this one, read side by side with it. */
static int open_prev(struct crm_run *run)
{
	sqlite3_stmt *st = crm_db_prepare(run->db, "SELECT max(run_id) FROM segment_runs "
					  "WHERE run_id < ?1");
	long long prev;
	int rc;
	if (st)
		sqlite3_bind_int64(st, 1, run->id);
	if ((rc = crm_db_one_int(run->db, st, "read segment runs", &prev)) != CRM_OK || !prev)
		return rc;
	return side_open(run->db, prev, &run->prev);
}

int crm_run_begin(struct crm_db *db, const struct crm_rfm *r, const struct crm_scheme *s,
		  struct crm_run **out)
{
	struct crm_run *run = crm_xcalloc(1, sizeof *run);
	const char *why = NULL;
	int i, rc;
	*out = NULL;
	run->db = db;
	run->s = s;
	crm_runblob_enc_init(&run->enc);
	for (i = 0; i < s->n; i++)
		if (crm_runblob_enc_name(&run->enc, s->names[i], strlen(s->names[i]), &why) != i) {
			crm_error(_("%s: cannot save segment '%s': %s"), db->path, s->names[i],
				  crm_tr(why ? why : N_("a segment name twice")));
			crm_run_free(run);
			return CRM_EDATA;
		}
	if ((rc = insert_run(run, r)) != CRM_OK || (rc = open_prev(run)) != CRM_OK) {
		crm_run_free(run);
		return rc;
	}
	/* about the run before's size: the buffer is not copied as it grows */
	crm_runblob_enc_reserve(&run->enc, run->prev.blob ?
				(size_t)(run->prev.rb.end - run->prev.rb.start) * 9 / 8 : r->n * 16);
	*out = run;
	return CRM_OK;
}

int crm_run_add(struct crm_run *run, const char *customer_id, const struct crm_rfm_entry *e,
		int segment)
{
	struct crm_runblob_member m = {customer_id, strlen(customer_id), segment, e->recency,
		e->frequency, e->monetary, {e->score[CRM_FIG_R], e->score[CRM_FIG_F],
		e->score[CRM_FIG_M]}};
	struct side *p = &run->prev;
	const char *why;
	int c = 1, rc;
	if (crm_runblob_enc_add(&run->enc, &m, &why) < 0) {
		crm_error(_("%s: cannot save customer '%s': %s"), run->db->path, customer_id,
			  crm_tr(why));
		run->failed = 1;
		return CRM_EDATA;
	}
	/* the customers of the run before up to this one: gone, or this one */
	while (p->has && (c = id_cmp(&p->m, &m)) < 0) {
		pairs_add(&run->flows, p->m.seg, -1);
		if ((rc = side_step(run->db, p)) != CRM_OK)
			return run->failed = 1, rc;
	}
	pairs_add(&run->flows, p->has && !c ? p->m.seg : -1, segment);
	if (p->has && !c && (rc = side_step(run->db, p)) != CRM_OK)
		return run->failed = 1, rc;
	run->customers++;
	return CRM_OK;
}

/* The blob, written into its row's pages: bound as a value, SQLite would
 * first build the whole record in memory (43 MB for 3.3M customers, each
 * page of it touched for the first time). */
static int write_blob(struct crm_run *run)
{
	sqlite3_stmt *st = crm_db_prepare(run->db, "INSERT INTO segment_blobs(run_id, members) "
					  "VALUES (?1, zeroblob(?2))");
	sqlite3_blob *b = NULL;
	const unsigned char *blob;
	size_t len;
	int rc;
	if (!st)
		return crm_db_last_status(run->db);
	blob = crm_runblob_enc_blob(&run->enc, &len);
	sqlite3_bind_int64(st, 1, run->id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)len);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && len > 0 && (rc = sqlite3_blob_open(run->db->h, "main",
				"segment_blobs", "members", run->id, 1, &b)) == SQLITE_OK)
		rc = sqlite3_blob_write(b, blob, (int)len, 0);
	if (b && sqlite3_blob_close(b) != SQLITE_OK && rc == SQLITE_OK)
		rc = SQLITE_ERROR;
	return rc == SQLITE_DONE || rc == SQLITE_OK ? CRM_OK
		: crm_db_fail(run->db, N_("save the segment run"));
}

/* The members and their count. */
static int save_members(struct crm_run *run)
{
	sqlite3_stmt *st;
	int rc;
	if ((rc = write_blob(run)) != CRM_OK)
		return rc;
	if (!(st = crm_db_prepare(run->db, "UPDATE segment_runs SET customers = ?1 "
				  "WHERE run_id = ?2")))
		return crm_db_last_status(run->db);
	sqlite3_bind_int64(st, 1, run->customers);
	sqlite3_bind_int64(st, 2, run->id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(run->db, N_("save the segment run"));
}

/* The run's flows from the run before it (segment.h).  A rules file may
 * name a segment "(new)": rows of equal names add up, as GROUP BY did. */
static int save_flows(struct crm_run *run)
{
	sqlite3_stmt *st = crm_db_prepare(run->db, "INSERT INTO segment_flows VALUES (?1, ?2, ?3, ?4) "
					  "ON CONFLICT DO UPDATE SET customers = customers + "
					  "excluded.customers");
	struct pair_row *rows;
	size_t n, i;
	int rc = SQLITE_DONE;
	if (!st)
		return crm_db_last_status(run->db);
	n = pair_rows(&run->flows, run->prev.rb.names, run->enc.names, &rows);   /* the scheme's */
	sqlite3_bind_int64(st, 1, run->id);
	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		crm_bind_static(st, 2, rows[i].from);
		crm_bind_static(st, 3, rows[i].to);
		sqlite3_bind_int64(st, 4, rows[i].n);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	free(rows);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(run->db, N_("save the segment moves"));
}

long long crm_run_finish(struct crm_run *run)
{
	struct side *p = &run->prev;
	int rc = run->failed ? CRM_EIO : CRM_OK;
	while (rc == CRM_OK && p->has) {
		pairs_add(&run->flows, p->m.seg, -1);
		rc = side_step(run->db, p);
	}
	if (rc == CRM_OK && (rc = save_members(run)) == CRM_OK && (rc = save_flows(run)) == CRM_OK)
		return run->id;
	run->failed = 1;
	return -1;
}

void crm_run_free(struct crm_run *run)
{
	if (!run)
		return;
	crm_runblob_enc_release(&run->enc);
	side_close(&run->prev);
	pairs_release(&run->flows);
	free(run);
}

/* ---- reading runs ------------------------------------------------------------------ */

int crm_run_latest(struct crm_db *db, int n, long long *ids, char (*as_of)[16])
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT run_id, as_of FROM segment_runs "
					  "ORDER BY run_id DESC LIMIT ?1");
	int got = 0, rc;
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && got < n) {
		ids[got] = sqlite3_column_int64(st, 0);
		if (as_of)
			snprintf(as_of[got], sizeof as_of[got], "%s",
				 (const char *)sqlite3_column_text(st, 1));
		got++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		crm_db_fail(db, N_("read segment runs"));
		return -1;
	}
	return got;
}

int crm_run_last_two(struct crm_db *db, long long *older, long long *newer)
{
	long long id[2];
	int n = crm_run_latest(db, 2, id, NULL);
	if (n < 0)
		return crm_db_last_status(db);
	if (n < 2) {
		if (n)
			crm_error(_("%s: only one saved segment run; save runs with --save to "
				    "compare them"), db->path);
		else
			crm_error(_("%s: no saved segment runs; save runs with --save to compare "
				    "them"), db->path);
		return CRM_EDATA;
	}
	*newer = id[0];
	*older = id[1];
	return CRM_OK;
}

int crm_run_readable(struct crm_db *db, long long id)
{
	struct side s;
	int rc = side_open(db, id, &s);
	while (rc == CRM_OK && s.has)
		rc = side_step(db, &s);
	side_close(&s);
	return rc;
}

int crm_run_exists(struct crm_db *db, long long id)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT 1 FROM segment_runs WHERE run_id=?1");
	int rc;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		crm_db_fail(db, N_("read segment runs"));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Two runs side by side, both opened (CRM_OK, or an exit code with both
 * closed): fn(a, b, ctx) once per customer of either, in customer order, a
 * or b NULL for a customer of one run only; a nonzero result stops the
 * merge and is returned. */
typedef int merge_fn(const struct side *a, const struct side *b, void *ctx);

static int open_both(struct crm_db *db, long long older, long long newer, struct side *a,
		     struct side *b)
{
	int rc;
	memset(b, 0, sizeof *b);
	if ((rc = side_open(db, older, a)) == CRM_OK && (rc = side_open(db, newer, b)) == CRM_OK)
		return CRM_OK;
	side_close(a);
	side_close(b);
	return rc;
}

static int merge_runs(struct crm_db *db, struct side *a, struct side *b, merge_fn *fn,
		      void *ctx)
{
	int rc, c;
	while (a->has || b->has) {
		c = !a->has ? 1 : !b->has ? -1 : id_cmp(&a->m, &b->m);
		if ((rc = fn(c <= 0 ? a : NULL, c >= 0 ? b : NULL, ctx)) != 0)
			return rc;
		if ((c <= 0 && (rc = side_step(db, a)) != CRM_OK) ||
		    (c >= 0 && (rc = side_step(db, b)) != CRM_OK))
			return rc;
	}
	return CRM_OK;
}

static const char *seg_name(const struct side *s)
{
	return s->rb.names[s->m.seg];
}

/* A customer whose segment differs between the runs (by name, as SQL's IS
 * NOT compared them), or who is in one run only. */
static int moved(const struct side *a, const struct side *b)
{
	return !a || !b || strcmp(seg_name(a), seg_name(b)) != 0;
}

static int count_move(const struct side *a, const struct side *b, void *ctx)
{
	if (moved(a, b))
		pairs_add(ctx, a ? a->m.seg : -1, b ? b->m.seg : -1);
	return 0;
}

/* Most customers first, then by the names, bytewise (ORDER BY 3 DESC, 1, 2). */
static int by_count(const void *x, const void *y)
{
	const struct pair_row *a = x, *b = y;
	int c;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return (c = strcmp(a->from, b->from)) ? c : strcmp(a->to, b->to);
}

int crm_run_moves(struct crm_db *db, long long older, long long newer, crm_move_fn *fn,
		  void *ctx)
{
	struct side a, b;
	struct pairs pairs;
	struct pair_row *rows = NULL;
	size_t n = 0, i;
	int rc;
	memset(&pairs, 0, sizeof pairs);
	if ((rc = open_both(db, older, newer, &a, &b)) != CRM_OK)
		return rc;
	if ((rc = merge_runs(db, &a, &b, count_move, &pairs)) == CRM_OK) {
		n = pair_rows(&pairs, a.rb.names, b.rb.names, &rows);
		qsort(rows, n, sizeof *rows, by_count);
	}
	for (i = 0; rc == CRM_OK && i < n; i++)
		rc = fn(rows[i].from, rows[i].to, rows[i].n, ctx);
	free(rows);
	pairs_release(&pairs);
	side_close(&a);
	side_close(&b);
	return rc;
}

/* The movers, with each one's e-mail and name looked up as they come. */
struct movers {
	struct crm_db *db;
	sqlite3_stmt *who;
	crm_mover_fn *fn;
	void *ctx;
};

static const char *text_or_null(sqlite3_stmt *st, int rc, int i)
{
	return rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, i) : NULL;
}

static int list_mover(const struct side *a, const struct side *b, void *ctx)
{
	struct movers *mv = ctx;
	const struct crm_runblob_member *m = a ? &a->m : &b->m;
	int rc, stop;
	if (!moved(a, b))
		return 0;
	sqlite3_bind_text(mv->who, 1, m->id, (int)m->idlen, SQLITE_STATIC);
	rc = sqlite3_step(mv->who);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(mv->who);
		return crm_db_fail(mv->db, N_("read customers"));
	}
	stop = mv->fn(m->id, text_or_null(mv->who, rc, 0), text_or_null(mv->who, rc, 1),
		      a ? seg_name(a) : "(new)", b ? seg_name(b) : "(gone)", mv->ctx);
	sqlite3_reset(mv->who);
	return stop;
}

int crm_run_movers(struct crm_db *db, long long older, long long newer, crm_mover_fn *fn,
		   void *ctx)
{
	struct movers mv = {db, NULL, fn, ctx};
	struct side a, b;
	int rc;
	if (!(mv.who = crm_db_prepare(db, "SELECT email, name FROM customers WHERE customer_id = ?1")))
		return crm_db_last_status(db);
	if ((rc = open_both(db, older, newer, &a, &b)) == CRM_OK) {
		rc = merge_runs(db, &a, &b, list_mover, &mv);
		side_close(&a);
		side_close(&b);
	}
	sqlite3_finalize(mv.who);
	return rc;
}

/* ---- flows and the list of runs: rows of their tables ------------------------------ */

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The caller's callback and context, behind one row function. */
struct visit {
	int (*row)(sqlite3_stmt *st, const struct visit *v);
	void *fn, *ctx;
};

/* Step a statement to its end, one visit per row; a nonzero visit stops. */
static int each_row(struct crm_db *db, sqlite3_stmt *st, const struct visit *v, const char *what)
{
	int rc = SQLITE_DONE, stop = 0;
	if (!st)
		return crm_db_last_status(db);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = v->row(st, v);
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, what);
}

static int flow_row(sqlite3_stmt *st, const struct visit *v)
{
	return ((crm_flow_fn *)v->fn)(col(st, 0), col(st, 1), sqlite3_column_int64(st, 2), v->ctx);
}

static int run_row(sqlite3_stmt *st, const struct visit *v)
{
	return ((crm_runrow_fn *)v->fn)(sqlite3_column_int64(st, 0), col(st, 1), col(st, 2),
					col(st, 3), col(st, 4), sqlite3_column_int64(st, 5), v->ctx);
}

int crm_run_flows(struct crm_db *db, long long run, crm_flow_fn *fn, void *ctx)
{
	struct visit v = {flow_row, (void *)fn, ctx};
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT from_segment, to_segment, customers FROM "
					  "segment_flows WHERE run_id = ?1 ORDER BY 3 DESC, 1, 2");
	if (st)
		sqlite3_bind_int64(st, 1, run);
	return each_row(db, st, &v, N_("read a segment run"));
}

int crm_run_list(struct crm_db *db, crm_runrow_fn *fn, void *ctx)
{
	struct visit v = {run_row, (void *)fn, ctx};
	return each_row(db, crm_db_prepare(db, "SELECT run_id, saved_at, as_of, scheme, currency, "
					   "customers FROM segment_runs ORDER BY run_id"),
			&v, "list segment runs");
}

/* ---- a run's segments in SQL ------------------------------------------------------- */

static void segment_of(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	const struct crm_runblob_table *t = sqlite3_user_data(cx);
	const char *id = (const char *)sqlite3_value_text(v[0]), *seg;
	(void)argc;
	if (id && (seg = crm_runblob_table_find(t, id)))
		sqlite3_result_text(cx, seg, -1, SQLITE_STATIC);
	else
		sqlite3_result_null(cx);
}

static void table_free(void *t)
{
	crm_runblob_table_release(t);
	free(t);
}

int crm_run_segment_fn(struct crm_db *db, long long run)
{
	struct crm_runblob_table *t = crm_xcalloc(1, sizeof *t);
	unsigned char *blob;
	const char *why;
	size_t len, at;
	int rc;
	if ((rc = read_blob(db, run, &blob, &len)) != CRM_OK) {
		free(t);
		return rc;
	}
	if (crm_runblob_table_load(t, blob, len, &why, &at) < 0)
		rc = corrupt_run(db, run, why, at);
	free(blob);
	if (rc != CRM_OK) {
		free(t);
		return rc;
	}
	/* on failure SQLite frees t through table_free */
	if (sqlite3_create_function_v2(db->h, "crm_run_segment", 1, SQLITE_UTF8 |
				       SQLITE_DETERMINISTIC, t, segment_of, NULL, NULL,
				       table_free) != SQLITE_OK)
		return crm_db_fail(db, N_("register crm_run_segment"));
	return CRM_OK;
}
