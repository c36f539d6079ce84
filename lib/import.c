/*
 * import.c - the import engine; see import.h.
 *
 * One pass over each file, one transaction for the run.  Every row goes
 * through the same steps: check its width, normalise each mapped cell by its
 * column kind, resolve its customer, upsert it.  Upserts never read a row
 * first: INSERT ... ON CONFLICT DO NOTHING tells a new row from an old one,
 * and an UPDATE whose WHERE compares old and new values tells an updated row
 * from an unchanged one.  That keeps a fresh import at one B-tree insert per
 * row.  A row that names its customer by id alone leaves the customer to the
 * ledger of stats.h, which creates all such customers at the end in key
 * order; rows with an e-mail, phone or name resolve theirs at once.
 *
 * Reading, checking and normalising rows needs nothing but the options and
 * the header, so it runs on the feed's thread (feed.h), a batch ahead of
 * this one, which writes: the two halves of an import overlap on two cores.
 */
#include "i18n.h"
#include "import.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "entity.h"
#include "feed.h"
#include "keyset.h"
#include "stats.h"
#include "ticket.h"
#include "tmpstack.h"

enum who { W_ID, W_EMAIL, W_PHONE, W_NAME, W_N };
static const char *const who_names[W_N] = {"customer_id", "email", "phone", "name"};

enum { UP_INSERTED, UP_UPDATED, UP_UNCHANGED, UP_ERROR = -1, UP_CONFLICT = -2 };

/* A prepared upsert into one table: columns[0..nkey) are the natural key. */
struct upsert {
	sqlite3_stmt *ins, *upd, *fill;
	int n, nkey;
};

/*
 * Rows of import_generic() waiting for one multi-row INSERT ... ON CONFLICT
 * DO NOTHING RETURNING key: RETURNING names the rows that were new.  The
 * others then take the update path: one multi-row UPDATE ... FROM (VALUES
 * ...) RETURNING key when every key of the batch is different, else one
 * UPDATE per row in file order.  Nothing a row does before its upsert reads
 * its own table, so deferring the upserts of a batch changes no outcome: a
 * key twice in a batch is inserted by its first row and updated by the
 * later ones, as one row at a time would do.
 *
 * A batch whose keys are all different and all above the greatest key in
 * the table cannot clash with a row: it takes the same INSERT without
 * RETURNING, whose ephemeral table of returned keys cost a quarter of the
 * orders' insert time (10M orders in key order: 18.7 -> 13.7 s).  Exports
 * number their orders as they come, so this is the common case of a new
 * file.  The greatest key is read once (the run holds the write lock) and
 * moved up by every batch.
 *
 * Any other batch whose keys are all different is first probed: one
 * SELECT of the stored rows in the range of its keys (a re-imported
 * export numbers its orders in order, so the range is the batch's rows and
 * few more), compared in C with what the batch would write.  A row whose
 * every value is already stored is unchanged and costs no write, nor its
 * customer a place in the ledger (a stored order's customer exists).  Only
 * a sure "unchanged" counts: a value that differs, or that compares in a
 * way C does not mirror (a REAL, a number spelled otherwise), takes the
 * update, whose WHERE decides as before.  The rest of the batch then goes
 * the usual way, one statement per row when few are left.  Re-importing 1M
 * unchanged orders: one range read per 64 rows instead of an INSERT and an
 * UPDATE that each seek every row (see the bench's re-import row).
 *
 * A batch whose keys fall, none stored, is set aside instead and written
 * back in key order later (set_aside(): an export listing its newest rows
 * first).
 */
#define BATCH_ROWS 64
#define PROBE_ROWS (4 * BATCH_ROWS)   /* stored rows read per probe, at most */
#define TIME_REST 8                   /* batches by key alone after a miss by time */

/* What an order adds to its customer's figures: its amount and time (Unix
 * seconds), and its line for a message. */
struct sale {
	int64_t amount, at;
	long line;
};

struct batch_row {
	size_t val[CRM_MAX_COLS];   /* offsets into the batch's bytes; NO_VAL: NULL */
	uint32_t len[CRM_MAX_COLS]; /* and lengths: binding them spares SQLite a strlen() */
	int64_t num[CRM_MAX_COLS];  /* the value of a column batch.isnum marks */
	struct sale sale;           /* an order's, for its customer's figures */
	int deferred;               /* the customer is the ledger's to create */
	int outcome;                /* UP_INSERTED, UP_UPDATED, ...; NOT_YET */
	int stored;                 /* the probe found the key: 1; did not: 0; unknown: -1 */
};

#define NOT_YET (-3)

struct batch {
	sqlite3_stmt *ins, *upd;    /* BATCH_ROWS rows */
	sqlite3_stmt *append;       /* the INSERT without RETURNING */
	sqlite3_stmt *probe;        /* the stored rows of a range of keys */
	sqlite3_stmt *probe_time;   /* orders: of a range of times; NULL: none */
	int time_col;               /* orders: the batch's column of the time */
	int time_rest;              /* batches left to probe by key alone */
	int all_tried;              /* the batch's INSERT ran for every row */
	char *top;                  /* the greatest key in the table; NULL: none */
	size_t top_cap;
	int n;
	int repeats;                /* a key is in the batch twice */
	/* the column is a number (an INTEGER column): bound as one, it spares
	 * SQLite reading the text back into the number crm_value() had */
	char isnum[CRM_MAX_COLS];
	struct batch_row row[BATCH_ROWS];
	signed char first[2 * BATCH_ROWS];   /* key hash -> first row with the key, -1: none */
	char *bytes;
	size_t used, cap;
	/* batches of a descending run, set aside to be written in key order
	 * (set_aside()); their least key; the record of one; and where one is
	 * read back into */
	struct crm_tmpstack *aside;
	char *low;
	size_t low_cap;
	char *pack;
	size_t pack_cap;
	struct batch *back;
};

#define NO_VAL ((size_t)-1)


/* A falling run of rows set aside (order_items' orders, the bulk phase's
 * customers; the batches have their own, see set_aside()): records of
 * rows, tag 0 an order, 1 a row of the file's own table, written back
 * the last record first (fall_put_back()). */
struct falling {
	struct crm_tmpstack *stack;
	struct crm_rec rec;              /* the rows of the record being made */
	char low[CRM_KEY_MAX + 1];       /* the least key pushed */
	char prev[CRM_KEY_MAX + 1];      /* the key before */
};

/* The order an order_items file is currently adding lines to. */
struct cur_order {
	char id[CRM_KEY_MAX + 1];
	int open;
	int seen_before;         /* its lines were split in the file */
	long line;               /* its first line in the file, for a message */
	int overflow;            /* a line or the total passed 64 bits: not written */
	long lines;
	int64_t amount;
	char currency[4];
	int aside;               /* it and its lines are set aside (struct falling) */
	char *vals[7];           /* order_id customer_id ordered_at amount currency status channel */
	char *buf;               /* the vals but amount and currency */
	size_t cap;
};

struct imp {
	struct crm_db *db;
	const struct crm_import_opts *o;
	const struct crm_entity *e;
	struct crm_import_counts *c;
	const struct crm_tz *tz;
	int status;              /* exit code so far */
	int stop;                /* fatal: abandon the run */
	int broken;              /* the database or the ledger failed: touch neither again */

	char *fname;             /* the file being imported, for messages */
	struct crm_row *hdr;
	size_t nhdr;
	int colmap[CRM_MAX_COLS];
	struct crm_values *v;    /* the row's normalised values */
	const char *key;         /* its content key, when its key column is empty */
	struct crm_values own;   /* else normalised here, into scratch */
	char currency0[4];       /* --currency: every row's until it names its own */
	char *scratch;
	size_t scap;

	FILE *rej;
	char *rej_tmp;           /* written here, renamed over rej_target at the end; NULL:
				  * FILE is a device or a pipe, written through */
	char *rej_target;        /* FILE, its symbolic links followed */
	int rej_failed;          /* a write error, reported: it is said once */
	struct crm_writer rw;
	int rej_header;
	char *rej_cols;          /* the rejects file's header, joined by \x1f */

	int col[CRM_MAX_COLS];    /* entity column of each table column, or -1 */
	enum { E_CUSTOMERS, E_ITEMS, E_OTHER } kind;
	int is_orders;           /* E_OTHER: the orders, whose rows are figures too */
	int order_col;           /* entity column of a review's or answer's order_id, or -1 */
	long long made_keys;     /* rows of this file given a content key (feed.h) */
	int is_tickets;          /* E_OTHER: the tickets, whose times are checked */
	int tcol[3];             /* tickets: opened_at, first_response_at, resolved_at */
	int qcol;                /* order_items: quantity */
	long long bad_times;     /* tickets whose times contradict each other */
	char **names;            /* order_items: every file's name, for a later message */
	int nnames;
	long long old_orders;    /* order_items: orders that were stored before the run */
	char (*seen)[24];        /* SEEN_SLOTS customer ids known to exist */

	struct upsert main, orders;
	struct batch batch;          /* import_generic()'s rows */
	struct crm_stats *stats;     /* orders' customers' figures */
	sqlite3_stmt *alias_get, *alias_put, *by_email, *by_phone, *cust_exists,
		*cust_ensure, *cust_fill, *touched_get, *touched_put,
		*order_resum, *stale_lines, *order_cust;
	int have_aliases;
	long long new_ids, known_ids;    /* insert_new_customer()'s outcomes */
	struct bulk *bulk;       /* a new database's customers: their indexes come last */
	int defer;               /* this file names customers by id alone: the ledger creates them */
	int who[W_N];            /* entity column of each customer column, or -1 */
	char conflict[200];      /* SQLite's words for the last UNIQUE conflict */
	struct cur_order cur;
	/* order_items: the orders above every stored order id (items_top)
	 * whose ids fall, set aside with their lines */
	int items_aside;         /* 0: none is (a stored id too long to keep) */
	char items_top[CRM_KEY_MAX + 1];     /* "": no order nor line stored */
	struct falling orders_fall;
};

/* ---- statements ---------------------------------------------------------------- */

/* A bounded SQL text; a text too long fails to prepare rather than overflow. */
struct sqlbuf {
	char s[4096];
	size_t n;
};

/* An SQL text of any length, for the statements of many rows. */
struct sqlbig {
	char *s;
	size_t n, cap;
};

static void big(struct sqlbig *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void big(struct sqlbig *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->n : NULL, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (n < 0)      /* impossible: our formats print no wide characters */
			abort();
		if (b->n + (size_t)n < b->cap)
			break;
		b->cap = (b->n + (size_t)n + 1) * 2;
		b->s = crm_xrealloc(b->s, b->cap);
	}
	b->n += (size_t)n;
}

static void add(struct sqlbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct sqlbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->n = b->n + (size_t)n < sizeof b->s ? b->n + (size_t)n : sizeof b->s - 1;
}

/*
 * Build and prepare the three statements of an upsert into `table`:
 *   INSERT INTO t(k,a,b) VALUES (?1,?2,?3) ON CONFLICT DO NOTHING
 *   UPDATE t SET a=coalesce(?2,a),... WHERE k=?1 AND (a IS NOT coalesce(?2,a) OR ...)
 *   UPDATE t SET a=coalesce(a,?2),... WHERE k=?1 AND (a IS NULL AND ?2 IS NOT NULL OR ...)
 * coalesce(?i, c) is what makes an empty cell erase nothing; the WHERE
 * clauses make sqlite3_changes() say whether anything changed.
 */
static int upsert_prepare(struct imp *im, struct upsert *u, const char *table,
			  const char *const *cols, int nkey)
{
	struct sqlbuf ins = {"", 0}, upd = {"", 0}, fill = {"", 0}, chg = {"", 0}, nul = {"", 0};
	int i, n;
	for (n = 0; cols[n]; n++)
		;
	u->n = n;
	u->nkey = nkey;
	add(&ins, "INSERT INTO %s(", table);
	for (i = 0; i < n; i++)
		add(&ins, "%s%s", i ? "," : "", cols[i]);
	add(&ins, ") VALUES (");
	for (i = 0; i < n; i++) {
		/* an order whose file says nothing of its status is paid; an
		 * existing order keeps the status it has */
		int dflt = !strcmp(cols[i], "status") && !strcmp(table, "orders");
		add(&ins, dflt ? "%scoalesce(?%d,'paid')" : "%s?%d", i ? "," : "", i + 1);
	}
	/* the key alone: a clash on another UNIQUE index must not pass silently */
	add(&ins, ") ON CONFLICT(");
	for (i = 0; i < nkey; i++)
		add(&ins, "%s%s", i ? "," : "", cols[i]);
	add(&ins, ") DO NOTHING");
	add(&upd, "UPDATE %s SET ", table);
	add(&fill, "UPDATE %s SET ", table);
	for (i = nkey; i < n; i++) {
		const char *c = cols[i], *comma = i > nkey ? "," : "", *or = i > nkey ? " OR " : "";
		add(&upd, "%s%s=coalesce(?%d,%s)", comma, c, i + 1, c);
		add(&fill, "%s%s=coalesce(%s,?%d)", comma, c, c, i + 1);
		add(&chg, "%s%s IS NOT coalesce(?%d,%s)", or, c, i + 1, c);
		add(&nul, "%s%s IS NULL AND ?%d IS NOT NULL", or, c, i + 1);
	}
	if (!strcmp(table, "orders")) {
		/* an orders file's amount is its own, not its lines' (crm(7)): the
		 * column is 0 by default, so only an update names it */
		add(&upd, ",amount_from_lines=0");
		add(&chg, " OR amount_from_lines");
	}
	add(&upd, " WHERE ");
	add(&fill, " WHERE ");
	for (i = 0; i < nkey; i++) {
		add(&upd, "%s=?%d AND ", cols[i], i + 1);
		add(&fill, "%s=?%d AND ", cols[i], i + 1);
	}
	add(&upd, "(%s)", chg.s);
	add(&fill, "(%s)", nul.s);
	u->ins = crm_db_prepare(im->db, ins.s);
	u->upd = crm_db_prepare(im->db, upd.s);
	u->fill = crm_db_prepare(im->db, fill.s);
	return u->ins && u->upd && u->fill ? 0 : -1;
}

/* "(?1,?2),(?3,?4),..." for BATCH_ROWS rows of n columns; with `paid`, an
 * orders row's status defaults as in upsert_prepare(). */
static void batch_values(struct sqlbig *b, const char *const *cols, int n, int paid)
{
	int r, i, p = 0;
	for (r = 0; r < BATCH_ROWS; r++)
		for (i = 0; i < n; i++) {
			int dflt = paid && !strcmp(cols[i], "status");
			big(b, dflt ? "%scoalesce(?%d,'paid')%s" : "%s?%d%s",
			    i ? "," : r ? ",(" : "(", ++p, i == n - 1 ? ")" : "");
		}
}

/* Remember key as the table's greatest key if it is above the one known. */
static void raise_top(struct batch *b, const char *key)
{
	size_t len;
	if (b->top && strcmp(key, b->top) <= 0)
		return;
	if ((len = strlen(key) + 1) > b->top_cap)
		b->top = crm_xrealloc(b->top, b->top_cap = len * 2);
	memcpy(b->top, key, len);
}

/* The greatest key of the table when the run starts; -1 (reported) on error. */
static int read_top(struct imp *im, const char *table, const char *key)
{
	char sql[128];
	sqlite3_stmt *st;
	int rc;
	snprintf(sql, sizeof sql, "SELECT max(%s) FROM %s", key, table);
	if (!(st = crm_db_prepare(im->db, sql)))
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		raise_top(&im->batch, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		crm_db_fail(im->db, N_("read the greatest key"));
		return -1;
	}
	return 0;
}

/*
 *   SELECT k,a,b[,amount_from_lines] FROM t WHERE k BETWEEN ?1 AND ?2 ORDER BY k
 *     LIMIT PROBE_ROWS
 * for batch_probe(): the columns the update compares, in the table's order.
 * The orders table is kept by time, so an orders file's batch is also
 * probed by the range of its times (... WHERE ordered_at BETWEEN ?1 AND ?2
 * LIMIT PROBE_ROWS): the table's own pages, where a range of ids looks each
 * row up through their index (10M unchanged orders: 10.8-11.2 s by id).
 */
static int probe_prepare(struct imp *im, const char *table, const char *const *cols)
{
	struct sqlbuf q = {"", 0};
	size_t head;
	int i;
	add(&q, "SELECT ");
	for (i = 0; cols[i]; i++)
		add(&q, "%s%s", i ? "," : "", cols[i]);
	add(&q, "%s FROM %s WHERE ", strcmp(table, "orders") ? "" : ",amount_from_lines", table);
	head = q.n;
	add(&q, "%s BETWEEN ?1 AND ?2 ORDER BY %s LIMIT %d", cols[0], cols[0], PROBE_ROWS);
	if (!(im->batch.probe = crm_db_prepare(im->db, q.s)))
		return -1;
	im->batch.time_col = -1;
	for (i = 0; im->is_orders && cols[i]; i++)
		if (!strcmp(cols[i], "ordered_at"))
			im->batch.time_col = i;
	if (im->batch.time_col < 0)
		return 0;
	q.n = head;
	add(&q, "ordered_at BETWEEN ?1 AND ?2 LIMIT %d", PROBE_ROWS);
	return (im->batch.probe_time = crm_db_prepare(im->db, q.s)) ? 0 : -1;
}

/*
 *   INSERT INTO t(k,a,b) VALUES (?1,?2,?3),(?4,?5,?6),... ON CONFLICT(k) DO NOTHING
 *     RETURNING k
 *   WITH v(x1,x2,x3) AS (VALUES (?1,?2,?3),(?4,?5,?6),...) UPDATE t SET
 *     a=coalesce(v.x2,a),... FROM v WHERE k=v.x1 AND (a IS NOT coalesce(v.x2,a)
 *     OR ...) RETURNING k
 * The rows' values and the update's test are those of upsert_prepare().
 */
static int batch_prepare(struct imp *im, const char *table, const char *const *cols)
{
	struct sqlbig ins = {NULL, 0, 0}, upd = {NULL, 0, 0};
	int i, n;
	for (n = 0; cols[n]; n++)
		;
	big(&ins, "INSERT OR ROLLBACK INTO %s(", table);
	for (i = 0; i < n; i++)
		big(&ins, "%s%s", i ? "," : "", cols[i]);
	big(&ins, ") VALUES ");
	batch_values(&ins, cols, n, !strcmp(table, "orders"));
	big(&ins, " ON CONFLICT(%s) DO NOTHING", cols[0]);
	im->batch.append = crm_db_prepare(im->db, ins.s);
	big(&ins, " RETURNING %s", cols[0]);
	big(&upd, "WITH v(");
	for (i = 0; i < n; i++)
		big(&upd, "%sx%d", i ? "," : "", i + 1);
	big(&upd, ") AS (VALUES ");
	batch_values(&upd, cols, n, 0);
	big(&upd, ") UPDATE OR ROLLBACK %s SET ", table);
	for (i = 1; i < n; i++)
		big(&upd, "%s%s=coalesce(v.x%d,%s)", i > 1 ? "," : "", cols[i], i + 1, cols[i]);
	if (!strcmp(table, "orders"))
		big(&upd, ",amount_from_lines=0");      /* as in upsert_prepare() */
	big(&upd, " FROM v WHERE %s=v.x1 AND (", cols[0]);
	for (i = 1; i < n; i++)
		big(&upd, "%s%s IS NOT coalesce(v.x%d,%s)", i > 1 ? " OR " : "", cols[i], i + 1,
		    cols[i]);
	big(&upd, "%s) RETURNING %s", strcmp(table, "orders") ? "" : " OR amount_from_lines",
	    cols[0]);
	for (i = 0; i < n; i++)
		im->batch.isnum[i] = im->col[i] >= 0 && crm_kind_integer(im->e->cols[im->col[i]].kind);
	im->batch.ins = crm_db_prepare(im->db, ins.s);
	im->batch.upd = crm_db_prepare(im->db, upd.s);
	free(ins.s);
	free(upd.s);
	if (!im->batch.ins || !im->batch.upd || !im->batch.append || probe_prepare(im, table, cols) < 0)
		return -1;
	return read_top(im, table, cols[0]);
}

static void upsert_finalize(struct upsert *u)
{
	sqlite3_finalize(u->ins);
	sqlite3_finalize(u->upd);
	sqlite3_finalize(u->fill);
}

/* The database or the ledger failed with exit code rc (reported). */
static void fail(struct imp *im, int rc)
{
	im->status = rc;
	im->stop = 1;
	im->broken = 1;
}

/* Step and reset: 0, or 1 for a row that breaks a UNIQUE index (an e-mail
 * or phone of another customer: the row is rejected, the run goes on), or
 * -1 for a fatal error (reported, run stopped). */
static int step_done(struct imp *im, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		snprintf(im->conflict, sizeof im->conflict, "%s", sqlite3_errmsg(im->db->h));
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fail(im, crm_db_fail(im->db, what));
		return -1;
	}
	return 0;
}

/* The values outlive the step (step_done resets), so no copies are made. */
static void bind_all(sqlite3_stmt *st, char *const *vals, int n)
{
	int i;
	for (i = 0; i < n; i++)
		crm_bind_static(st, i + 1, vals[i]);
}

/* Update a row known to exist, or leave it; fill_only updates only what it lacks. */
static int upsert_update(struct imp *im, struct upsert *u, char *const *vals, int fill_only)
{
	sqlite3_stmt *upd = fill_only ? u->fill : u->upd;
	int rc;
	bind_all(upd, vals, u->n);
	if ((rc = step_done(im, upd, N_("update"))) != 0)
		return rc < 0 ? UP_ERROR : UP_CONFLICT;
	return sqlite3_changes(im->db->h) ? UP_UPDATED : UP_UNCHANGED;
}

/* Insert, update, or leave; fill_only updates only what the row lacks. */
static int upsert_run(struct imp *im, struct upsert *u, char *const *vals, int fill_only)
{
	int rc;
	bind_all(u->ins, vals, u->n);
	if ((rc = step_done(im, u->ins, N_("insert"))) != 0)
		return rc < 0 ? UP_ERROR : UP_CONFLICT;
	if (sqlite3_changes(im->db->h) == 1)
		return UP_INSERTED;
	return upsert_update(im, u, vals, fill_only);
}

static void count_upsert(long long *ins, int r)
{
	/* inserted, updated and unchanged counters lie next to each other */
	if (r >= 0)
		ins[r]++;
}

/* Single-value lookup: the text of column 0 of the first row, copied to out. */
static int lookup1(struct imp *im, sqlite3_stmt *st, const char *key, char *out, size_t size)
{
	int rc, found = 0;
	crm_bind_static(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		snprintf(out, size, "%s", v ? v : "");
		found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		fail(im, crm_db_fail(im->db, N_("lookup")));
		return -1;
	}
	return found;
}

/*
 * An order as its lines make it: values ?1..?7 of the orders table's first
 * seven columns, the amount the lines' total.  A new order's amount is its
 * lines' total (amount_from_lines); a stored one keeps the amount an orders
 * file gave it, and takes the total as lines_total only.  The UPDATE
 * changes nothing, and so counts nothing, when nothing differs.
 */
static const char order_ins[] =
	"INSERT INTO orders(order_id,customer_id,ordered_at,amount,currency,status,channel,"
	"lines_total,amount_from_lines) VALUES (?1,?2,?3,?4,?5,coalesce(?6,'paid'),?7,?4,1) "
	"ON CONFLICT(order_id) DO NOTHING";
static const char order_upd[] =
	"UPDATE orders SET customer_id=coalesce(?2,customer_id),ordered_at=coalesce(?3,ordered_at),"
	"status=coalesce(?6,status),channel=coalesce(?7,channel),lines_total=?4,"
	"amount=iif(amount_from_lines,?4,amount),currency=iif(amount_from_lines,?5,currency) "
	"WHERE order_id=?1 AND (customer_id IS NOT coalesce(?2,customer_id) OR ordered_at IS NOT "
	"coalesce(?3,ordered_at) OR status IS NOT coalesce(?6,status) OR channel IS NOT "
	"coalesce(?7,channel) OR lines_total IS NOT ?4 OR amount_from_lines AND (amount IS NOT ?4 "
	"OR currency IS NOT ?5))";

/* The orders whose lines were split in the file: their total again from
 * all their lines, once stale lines are gone; the amount too where it is
 * the lines'. */
#define SPLIT_SUM "(SELECT coalesce(sum(quantity*unit_price),0) FROM order_items i WHERE " \
	"i.order_id=orders.order_id)"
static const char order_resum[] =
	"UPDATE orders SET lines_total=" SPLIT_SUM ",amount=iif(amount_from_lines," SPLIT_SUM
	",amount) WHERE order_id IN (SELECT order_id FROM temp.touched WHERE split AND NOT overflow)";

/* The greatest order id of orders and order_items, into items_top. */
static int read_items_top(struct imp *im)
{
	sqlite3_stmt *st = crm_db_prepare(im->db, "SELECT max(m) FROM (SELECT max(order_id) AS m "
					  "FROM orders UNION ALL SELECT max(order_id) FROM order_items)");
	const char *top;
	int rc;
	if (!st)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		top = (const char *)sqlite3_column_text(st, 0);
		im->items_aside = !top || strlen(top) < sizeof im->items_top;
		snprintf(im->items_top, sizeof im->items_top, "%s", im->items_aside && top ? top : "");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		crm_db_fail(im->db, N_("read orders"));
		return -1;
	}
	return 0;
}

/*
 * The orders an order_items run touched: the lines of each seen so far
 * (to number the lines of an order split in the file on), its currency,
 * whether it was split, whether a line overflowed, where it was first seen
 * (file number and line), and whether this run made it (fresh).
 */
static int prepare_items(struct imp *im)
{
	if (crm_db_exec(im->db, "CREATE TEMP TABLE IF NOT EXISTS touched(order_id TEXT "
			"PRIMARY KEY, lines INTEGER NOT NULL, currency TEXT, split INTEGER, "
			"overflow INTEGER, file INTEGER, line INTEGER, fresh INTEGER) WITHOUT ROWID") != CRM_OK)
		return -1;
	im->touched_get = crm_db_prepare(im->db, "SELECT lines || ' ' || "
					 "currency FROM temp.touched WHERE order_id=?1");
	im->touched_put = crm_db_prepare(im->db, "INSERT INTO temp.touched VALUES (?1,?2,?3,?4,"
					 "?5,?6,?7,?8) ON CONFLICT DO UPDATE SET lines=excluded.lines, "
					 "split=1, overflow=max(overflow,excluded.overflow)");
	im->order_resum = crm_db_prepare(im->db, order_resum);
	im->stale_lines = crm_db_prepare(im->db, "DELETE FROM order_items WHERE order_id IN "
					 "(SELECT order_id FROM temp.touched) AND line > (SELECT "
					 "lines FROM temp.touched t WHERE t.order_id=order_items.order_id)");
	im->orders.ins = crm_db_prepare(im->db, order_ins);
	im->orders.upd = crm_db_prepare(im->db, order_upd);
	im->orders.n = 7;
	im->orders.nkey = 1;
	if (read_items_top(im) < 0)
		return -1;
	return im->touched_get && im->touched_put && im->order_resum && im->stale_lines &&
	       im->orders.ins && im->orders.upd ? 0 : -1;
}

static int prepare_all(struct imp *im)
{
	const char *name = im->e->name;
	long long any;
	im->alias_get = crm_db_prepare(im->db, "SELECT customer_id FROM customer_aliases WHERE alias=?1");
	im->alias_put = crm_db_prepare(im->db, "INSERT OR IGNORE INTO customer_aliases(alias,"
				       "customer_id,reason) VALUES (?1,?2,?3)");
	im->by_email = crm_db_prepare(im->db, "SELECT customer_id FROM customers WHERE email=?1");
	im->by_phone = crm_db_prepare(im->db, "SELECT customer_id FROM customers WHERE phone=?1");
	im->cust_exists = crm_db_prepare(im->db, "SELECT customer_id FROM customers WHERE customer_id=?1");
	im->cust_ensure = crm_db_prepare(im->db, "INSERT INTO customers(customer_id,email,phone,name) "
					 "VALUES (?1,?2,?3,?4) ON CONFLICT(customer_id) DO NOTHING");
	im->cust_fill = crm_db_prepare(im->db, "UPDATE customers SET email=coalesce(email,?2),"
				       "phone=coalesce(phone,?3),name=coalesce(name,?4) WHERE "
				       "customer_id=?1 AND (email IS NULL AND ?2 IS NOT NULL OR phone "
				       "IS NULL AND ?3 IS NOT NULL OR name IS NULL AND ?4 IS NOT NULL)");
	if (!im->alias_get || !im->alias_put || !im->by_email || !im->by_phone ||
	    !im->cust_exists || !im->cust_ensure || !im->cust_fill)
		return -1;
	if (crm_db_one_int(im->db, crm_db_prepare(im->db, "SELECT EXISTS (SELECT 1 FROM "
						  "customer_aliases)"), N_("read customer aliases"), &any) != CRM_OK)
		return -1;
	im->have_aliases = any != 0;
	if (!strcmp(name, "order_items")) {
		if (prepare_items(im) < 0)
			return -1;
		return upsert_prepare(im, &im->main, "order_items", im->e->table, 2);
	}
	if (im->order_col >= 0 && !(im->order_cust = crm_db_prepare(im->db, "SELECT "
			"coalesce(customer_id, '') FROM orders WHERE order_id=?1")))
		return -1;
	if (upsert_prepare(im, &im->main, name, im->e->table, 1) < 0)
		return -1;
	return im->kind == E_OTHER ? batch_prepare(im, name, im->e->table) : 0;
}

static void finalize_all(struct imp *im)
{
	sqlite3_stmt *sts[] = {im->alias_get, im->alias_put, im->by_email, im->by_phone,
		im->cust_exists, im->cust_ensure, im->cust_fill, im->touched_get,
		im->touched_put, im->order_resum, im->stale_lines, im->order_cust};
	size_t i;
	for (i = 0; i < sizeof sts / sizeof sts[0]; i++)
		sqlite3_finalize(sts[i]);
	upsert_finalize(&im->main);
	upsert_finalize(&im->orders);
	sqlite3_finalize(im->batch.ins);
	sqlite3_finalize(im->batch.upd);
	sqlite3_finalize(im->batch.append);
	sqlite3_finalize(im->batch.probe);
	sqlite3_finalize(im->batch.probe_time);
	im->batch.ins = im->batch.upd = im->batch.append = im->batch.probe = NULL;
	im->batch.probe_time = NULL;
}

/* ---- rejects --------------------------------------------------------------------- */

/* A header as one string, to compare the headers of several files. */
static char *join_header(const struct crm_row *h)
{
	size_t i, n = 1;
	char *s, *p;
	for (i = 0; i < h->n; i++)
		n += h->len[i] + 1;
	p = s = crm_xmalloc(n);
	for (i = 0; i < h->n; i++) {
		memcpy(p, h->field[i], h->len[i]);
		p += h->len[i];
		*p++ = '\x1f';
	}
	*p = '\0';
	return s;
}


static void write_reject(struct imp *im, const struct crm_row *row, long line, const char *reason)
{
	size_t i;
	/* a header line the reader could not split is rejected before there
	 * are columns to write a row under: its message is all there is */
	if (!im->rej || !im->hdr)
		return;
	if (!im->rej_header) {
		for (i = 0; i < im->hdr->n; i++)
			crm_write_field(&im->rw, im->hdr->field[i], CRM_CELL_TEXT);
		crm_write_field(&im->rw, "rejected_file", CRM_CELL_PLAIN);
		crm_write_field(&im->rw, "rejected_line", CRM_CELL_PLAIN);
		crm_write_field(&im->rw, "rejected_reason", CRM_CELL_PLAIN);
		crm_write_end(&im->rw);
		im->rej_header = 1;
		im->rej_cols = join_header(im->hdr);
	}
	for (i = 0; i < im->hdr->n; i++)
		crm_write_field(&im->rw, row && i < row->n ? row->field[i] : "", CRM_CELL_TEXT);
	crm_write_field(&im->rw, im->fname, CRM_CELL_TEXT);
	crm_write_int(&im->rw, line);
	crm_write_field(&im->rw, reason, CRM_CELL_TEXT);
	crm_write_end(&im->rw);
	if (ferror(im->rej) && !im->rej_failed) {
		/* the rejects cannot be complete: nothing may be imported */
		crm_error(_("%s: write error: %m"), im->o->rejects);
		im->rej_failed = im->stop = 1;
		im->status = CRM_EIO;
	}
}

/* Report a rejected row; returns nonzero when the run must stop (--strict). */
static int reject(struct imp *im, const struct crm_row *row, long line, const char *reason)
{
	im->c->rejected++;
	crm_error_at(im->fname, line, "%s", reason);
	write_reject(im, row, line, reason);
	if (im->status == CRM_OK)
		im->status = CRM_EDATA;
	if (im->o->strict) {
		im->stop = 1;
		return 1;
	}
	return 0;
}

/* ---- values ------------------------------------------------------------------------ */

/*
 * The feed normalises the rows of every entity on its own thread, except
 * order_items without --currency: there a row may take the currency of its
 * order, and which order is open depends on the rows before it, and on
 * whether this thread accepted them.  Those rows are normalised here.
 */
static int normalise_here(const struct imp *im)
{
	return im->kind == E_ITEMS && !im->currency0[0];
}

/* Is the row's field f, trimmed, id?  Read, not trimmed in place:
 * crm_row_values() reads the fields at the lengths the reader gave. */
static int field_is(const struct crm_row *row, int f, const char *id)
{
	size_t b, n = crm_trim_span(row->field[f], row->len[f], &b);
	return n == strlen(id) && !memcmp(row->field[f] + b, id, n);
}

static int normalise_row(struct imp *im, const struct crm_row *row)
{
	struct crm_value_ctx vc;
	size_t need = crm_row_values_need(row);
	char why[512];
	if (need > im->scap) {
		free(im->scratch);
		im->scap = need * 2;
		im->scratch = crm_xmalloc(im->scap);
	}
	vc.tz = im->tz;
	vc.order = im->o->in.date_order;
	vc.country = im->o->country;
	vc.vmap = &im->o->in.vmap;
	memcpy(vc.currency, im->currency0, sizeof vc.currency);
	/* Shopify-style exports name the currency on an order's first line only */
	if (im->kind == E_ITEMS && !vc.currency[0] && im->cur.open &&
	    field_is(row, im->colmap[0], im->cur.id))
		memcpy(vc.currency, im->cur.currency, sizeof vc.currency);
	im->v = &im->own;
	if (crm_row_values(im->e, im->colmap, row, &vc, im->scratch, &im->own, why, sizeof why) < 0)
		return reject(im, row, row->line, why) ? -2 : -1;
	return 0;
}

/* The value of a named column, looked up by name: for the rarer columns. */
static char *V(struct imp *im, const char *name)
{
	int c = crm_entity_col(im->e, name);
	return c >= 0 ? im->v->val[c] : NULL;
}

/* The customer columns every row asks for, by the indices found once. */
static char *W(struct imp *im, enum who w)
{
	return im->who[w] >= 0 ? im->v->val[im->who[w]] : NULL;
}

/* Values of the table's columns, in its order (customer_id left as is),
 * and their lengths if lens. */
static void table_values(struct imp *im, const char *const *cols, char **vals, uint32_t *lens)
{
	int i;
	for (i = 0; cols[i]; i++) {
		vals[i] = im->col[i] >= 0 ? im->v->val[im->col[i]] : NULL;
		if (lens)
			lens[i] = im->col[i] >= 0 ? im->v->len[im->col[i]] : 0;
	}
}

#define SEEN_SLOTS (1u << 16)

/* The cache slot of a customer id short enough to be cached, or NULL. */
static char *seen_slot(struct imp *im, const char *id)
{
	unsigned h = 2166136261u;
	const char *p;
	for (p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return p - id < 24 ? im->seen[h & (SEEN_SLOTS - 1)] : NULL;
}

/* ---- customers ------------------------------------------------------------------------ */

static void note_merge(struct imp *im, long line, const char *id, const char *owner,
		       const char *how, const char *value)
{
	char reason[300];
	snprintf(reason, sizeof reason, "same %s '%s'", how, value);
	crm_bind_static(im->alias_put, 1, id);
	crm_bind_static(im->alias_put, 2, owner);
	crm_bind_static(im->alias_put, 3, reason);
	if (step_done(im, im->alias_put, N_("record a customer alias")) < 0)
		return;
	im->have_aliases = 1;
	im->c->merged++;
	if (!im->o->quiet)
		crm_error_at(im->fname, line, _("customer '%s' is customer '%s' (%s): merged"),
			     id, owner, reason);
}

/*
 * Find the customer a row speaks of, by id (through aliases), else e-mail,
 * else phone.  *own is set when the row is that customer's own record (not an
 * alias's).  Returns 1 with the id in out, 0 for nobody (a guest), -1 when
 * the row must be rejected (reason in *why) or on a database error.
 */
static int find_customer(struct imp *im, const char *id, const char *email, const char *phone,
			 long line, char *out, size_t size, int *own, char *why, size_t whysize)
{
	char owner[CRM_KEY_MAX + 1];
	int i, found;
	const char *how[2] = {"e-mail", "phone"}, *val[2] = {email, phone};
	sqlite3_stmt *by[2] = {im->by_email, im->by_phone};
	*own = 1;
	if (!id) {
		for (i = 0; i < 2; i++) {
			if (!val[i])
				continue;
			if ((found = lookup1(im, by[i], val[i], out, size)) != 0)
				return found;
		}
		if (!email && !phone)
			return 0;
		snprintf(out, size, "%s", email ? email : phone);
		return 1;
	}
	snprintf(out, size, "%s", id);
	if (im->have_aliases && (found = lookup1(im, im->alias_get, id, out, size)) != 0) {
		*own = 0;
		if (found < 0)
			return -1;
	}
	for (i = 0; i < 2; i++) {
		char exists[8];
		if (!val[i] || (found = lookup1(im, by[i], val[i], owner, sizeof owner)) == 0)
			continue;
		if (found < 0)
			return -1;
		if (!strcmp(owner, out))
			continue;
		if ((found = lookup1(im, im->cust_exists, out, exists, sizeof exists)) != 0) {
			if (found > 0)
				snprintf(why, whysize, _("column '%s': '%s' belongs to customer '%s', "
					 "not '%s'"), i ? "phone" : "email", val[i], owner, out);
			return -1;
		}
		note_merge(im, line, out, owner, how[i], val[i]);
		snprintf(out, size, "%s", owner);
		*own = 0;
		break;
	}
	return im->stop ? -1 : 1;
}

/* A row whose e-mail or phone is another customer's: -1, or -2 to stop. */
static int reject_conflict(struct imp *im, const struct crm_row *row)
{
	char msg[300];
	snprintf(msg, sizeof msg, _("the e-mail or phone is another customer's (%s)"), im->conflict);
	return reject(im, row, row->line, msg) ? -2 : -1;
}

/* ?1..?4 of the customer statements: id, e-mail, phone, name. */
static void bind_customer(sqlite3_stmt *st, const char *id, const char *email,
			  const char *phone, const char *name)
{
	crm_bind_static(st, 1, id);
	crm_bind_static(st, 2, email);
	crm_bind_static(st, 3, phone);
	crm_bind_static(st, 4, name);
}

/* ensure_customer(): the customer, known by id, is the ledger's to create. */
#define DEFERRED 2

/*
 * A file without e-mail, phone or name columns cannot merge customers or
 * clash on an e-mail, so its customers need only exist by the end: the
 * ledger creates them in key order instead of one random B-tree seek per
 * row.  The id still goes through the aliases, which only rows with an
 * e-mail or phone add, in files that flush the ledger first.
 */
static int defer_customer(struct imp *im, const char *id, char *out, size_t size)
{
	size_t n = strnlen(id, size - 1);   /* snprintf's cut, without its cost per row */
	memcpy(out, id, n);
	out[n] = '\0';
	if (im->have_aliases && lookup1(im, im->alias_get, id, out, size) < 0)
		return -2;
	return DEFERRED;
}

/* Make sure the customer of a non-customer row exists, or will (DEFERRED:
 * the caller notes it in the ledger); fill what it lacks.  1 or DEFERRED
 * with the id in out, 0 for a guest, -1 for a rejected row, -2 to stop. */
static int ensure_customer(struct imp *im, const struct crm_row *row, const char *id,
			   const char *email, const char *phone, const char *name, char *out,
			   size_t size)
{
	char why[512];
	char *slot = id && !email && !phone && !name && !im->have_aliases ? seen_slot(im, id) : NULL;
	int own, rc;
	if (id && im->defer)
		return defer_customer(im, id, out, size);
	/* A repeat customer's row with nothing but an id needs no statement.
	 * Aliases turn the cache off: an id may then stand for another. */
	if (slot && !strcmp(slot, id) && strlen(id) < size) {
		strcpy(out, id);
		return 1;
	}
	rc = find_customer(im, id, email, phone, row->line, out, size, &own, why, sizeof why);
	if (rc <= 0) {
		if (rc < 0 && !im->stop)
			return reject(im, row, row->line, why) ? -2 : -1;
		return rc;
	}
	bind_customer(im->cust_ensure, out, email, phone, name);
	if ((rc = step_done(im, im->cust_ensure, N_("create a customer"))) != 0)
		return rc < 0 ? -2 : reject_conflict(im, row);
	if (sqlite3_changes(im->db->h))
		im->c->new_customers++;
	if (slot && !im->have_aliases)
		strcpy(slot, id);
	if (!email && !phone && !name)
		return 1;
	bind_customer(im->cust_fill, out, email, phone, name);
	if ((rc = step_done(im, im->cust_fill, N_("update a customer"))) != 0)
		return rc < 0 ? -2 : reject_conflict(im, row);
	return 1;
}

/* ---- a falling run, set aside (struct falling) ------------------------------------ */

/* Does key fall below the key before, and below those pushed?  It is the
 * key before from now on. */
static int falls(struct falling *f, const char *key)
{
	size_t len = strlen(key) + 1;
	int down = f->stack && crm_tmpstack_count(f->stack) ? strcmp(key, f->low) < 0 :
		   f->prev[0] && strcmp(key, f->prev) < 0;
	if (len > sizeof f->prev) {          /* the reader refuses longer keys */
		f->prev[0] = '\0';
		return 0;
	}
	memcpy(f->prev, key, len);
	return down;
}

/* The record made so far onto the stack, its least key `key` (one that
 * fell); -1 (reported). */
static int fall_push(struct imp *im, struct falling *f, const char *key)
{
	int rc;
	if (!f->stack)
		f->stack = crm_tmpstack_new();
	if ((rc = crm_tmpstack_push(f->stack, f->rec.p, f->rec.n)) != CRM_OK) {
		fail(im, rc);
		return -1;
	}
	f->rec.n = 0;
	memcpy(f->low, key, strlen(key) + 1);
	return 0;
}

/* A row of a record, which the database lacked when it was set aside. */
static int put_back_row(struct imp *im, int tag, char **vals, int n)
{
	struct upsert *u = tag ? &im->main : &im->orders;
	int rc;
	if (n != u->n) {
		crm_error(_("%s: a row set aside was not read back whole"), crm_tmp_dir());
		fail(im, CRM_EIO);
		return -1;
	}
	if ((rc = upsert_run(im, u, vals, 0)) == UP_INSERTED)
		return 0;
	if (rc != UP_ERROR) {
		crm_error(_("%s: insert: a row set aside was there already"), im->db->path);
		fail(im, CRM_EIO);
	}
	return -1;
}

/* Write the records set aside, the last first, each row inserted. */
static int fall_put_back(struct imp *im, struct falling *f)
{
	const char *rec;
	char *vals[CRM_MAX_COLS];
	size_t n, at;
	int rc, tag = 0, k;
	if (!f->stack)
		return 0;
	while ((rec = crm_tmpstack_pop(f->stack, &n, &rc)))
		for (at = 0; at < n;) {
			k = crm_rec_get(rec, n, &at, &tag, vals, CRM_MAX_COLS);
			if (put_back_row(im, tag, vals, k) < 0)   /* k -1: not whole */
				return -1;
		}
	if (rc != CRM_OK) {
		fail(im, rc);
		return -1;
	}
	return 0;
}

static void fall_free(struct falling *f)
{
	crm_tmpstack_free(f->stack);
	free(f->rec.p);
}

/*
 * A first import of customers (no customer, no alias yet) inserts its rows
 * without the customers table's indexes and builds them at the end, by a
 * sort: 4M customers took 83 s, nearly all of it reading and writing the
 * unique e-mail and phone indexes in random order, larger than the cache.
 * While no row's e-mail or phone may be an earlier row's (keyset.h: the
 * fingerprints of those inserted), each row is new to the customers table,
 * so find_customer() would find nobody and the row is inserted as it would
 * be.  The first row that may repeat a key, or has no id, or whose id is
 * there already, ends the phase: the indexes are built on the rows so far,
 * all different, and that row and the rest take the usual way.
 */
#define BULK_MAX_SLOTS ((size_t)1 << 24)   /* 128 MB: 12.5M e-mails and phones */
#define BULK_MAX_INDEXES 8                  /* more stay, filled row by row */

struct bulk {
	struct crm_keyset keys;
	char *sql[BULK_MAX_INDEXES];   /* the indexes, as the schema made them */
	int n;
	struct falling fall;           /* new customers set aside (aside_customer()) */
};

/* The customers table's indexes: their SQL kept in b, then dropped. */
static int bulk_drop_indexes(struct imp *im, struct bulk *b)
{
	sqlite3_stmt *st = crm_db_prepare(im->db, "SELECT name, sql FROM sqlite_master WHERE "
					  "type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL");
	char *name[BULK_MAX_INDEXES];
	int rc = SQLITE_DONE, i, bad = 0;
	if (!st)
		return -1;
	while (b->n < BULK_MAX_INDEXES && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		name[b->n] = crm_xstrdup((const char *)sqlite3_column_text(st, 0));
		b->sql[b->n++] = crm_xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		bad = crm_db_fail(im->db, N_("read the customers' indexes"));
	for (i = 0; i < b->n; i++) {
		char *drop = sqlite3_mprintf("DROP INDEX \"%w\"", name[i]);
		if (!bad)
			bad = crm_db_exec(im->db, crm_xcheck(drop));
		sqlite3_free(drop);
		free(name[i]);
	}
	return bad ? -1 : 0;
}

/* Start the phase when the run's database has no customer and no alias. */
static int bulk_begin(struct imp *im)
{
	long long any;
	if (crm_db_one_int(im->db, crm_db_prepare(im->db, "SELECT EXISTS (SELECT 1 FROM customers)"),
			   N_("read customers"), &any) != CRM_OK)
		return -1;
	if (any || im->have_aliases)
		return 0;
	im->bulk = crm_xcalloc(1, sizeof *im->bulk);
	crm_keyset_init(&im->bulk->keys, BULK_MAX_SLOTS);
	return bulk_drop_indexes(im, im->bulk);
}

static void bulk_free(struct imp *im)
{
	int i;
	if (!im->bulk)
		return;
	for (i = 0; i < im->bulk->n; i++)
		free(im->bulk->sql[i]);
	crm_keyset_release(&im->bulk->keys);
	fall_free(&im->bulk->fall);
	free(im->bulk);
	im->bulk = NULL;
}

/* End the phase: the indexes built on the rows so far.  -1 on an error. */
static int bulk_end(struct imp *im)
{
	int i, rc = CRM_OK;
	if (im->bulk && fall_put_back(im, &im->bulk->fall) < 0)
		return -1;
	for (i = 0; im->bulk && i < im->bulk->n && rc == CRM_OK; i++)
		rc = crm_db_exec_sorting(im->db, im->bulk->sql[i]);
	bulk_free(im);
	if (rc != CRM_OK) {
		fail(im, rc);
		return -1;
	}
	return 0;
}

/* The fingerprints of a row's e-mail and phone (0: none). */
struct row_keys {
	uint64_t email, phone;
};

/* A row's keys, their slots in b's set loading: 4M customers' keys fill
 * 128 MB, a miss for each, 1.9 s of the 7 s the rows took at 10M orders
 * when asked at once (perf, 500 Hz). */
static struct row_keys bulk_keys(const struct bulk *b, const char *email, const char *phone)
{
	struct row_keys k = {email ? crm_keyset_key(email, strlen(email)) : 0,
			     phone ? crm_keyset_key(phone, strlen(phone)) : 0};
	if (k.email)
		crm_keyset_prefetch(&b->keys, k.email);
	if (k.phone)
		crm_keyset_prefetch(&b->keys, k.phone);
	return k;
}

/* May the row's e-mail or phone be an earlier row's? */
static int bulk_seen(const struct bulk *b, struct row_keys k)
{
	return (k.email && crm_keyset_has(&b->keys, k.email)) ||
	       (k.phone && crm_keyset_has(&b->keys, k.phone));
}

/* The inserted row's keys; 0, or -1 when the set is full. */
static int bulk_note(struct bulk *b, struct row_keys k)
{
	return (k.email && crm_keyset_add(&b->keys, k.email) < 0) ||
	       (k.phone && crm_keyset_add(&b->keys, k.phone) < 0) ? -1 : 0;
}

/*
 * A customers export that lists its newest customers first gives their ids
 * falling (400,000 customers: 111 MB against 75 MB in key order).  In the
 * bulk phase a row whose id falls below the row before's and those set
 * aside, whose e-mail and phone no row had and whose id is not stored, is
 * a new customer: it is set aside (struct falling), a row to a record,
 * and written back, the last first, before any row that is not, and
 * before the indexes are built.
 */
/* 1: the row is set aside, a new customer; 0: it goes the usual way, the
 * rows set aside written; -1 (reported). */
static int aside_customer(struct imp *im, char **vals, struct row_keys k)
{
	struct bulk *b = im->bulk;
	char id[CRM_KEY_MAX + 1];
	int known = 1;
	if (falls(&b->fall, vals[0]) && !bulk_seen(b, k) &&
	    (known = lookup1(im, im->cust_exists, vals[0], id, sizeof id)) < 0)
		return -1;
	if (known)
		return fall_put_back(im, &b->fall);
	crm_rec_put(&b->fall.rec, 1, vals, im->main.n);
	if (fall_push(im, &b->fall, vals[0]) < 0)
		return -1;
	im->new_ids++;
	if (bulk_note(b, k) < 0 && bulk_end(im) < 0)
		return -1;
	return 1;
}

/*
 * A new customer's row, by id, with no aliases in the file: its INSERT alone
 * says whether find_customer() would find anybody, as the id is the key and
 * the e-mail and phone have unique indexes.  1 when it inserted the row, 0
 * when the row must take the usual way (the id is known, or the e-mail or
 * phone is somebody's), -1 on an error.  The lookups it spares are random
 * seeks into indexes that outgrow the cache (4M customers: 10 GB read).
 */
static int insert_new_customer(struct imp *im, char **vals, const char *email,
			       const char *phone)
{
	struct row_keys k = {0, 0};
	int rc;
	if (im->bulk)
		k = bulk_keys(im->bulk, email, phone);
	/* bulk_end(): 0 once the phase is over, or when there was none */
	if (!vals[0] || im->have_aliases)
		return bulk_end(im);
	if (im->bulk && (rc = aside_customer(im, vals, k)) != 0)
		return rc;
	if (im->known_ids > im->new_ids + 1024)
		return 0;   /* a file of known customers: the INSERT would be wasted */
	bind_all(im->main.ins, vals, im->main.n);   /* while the keys' slots load */
	if (im->bulk && bulk_seen(im->bulk, k)) {
		sqlite3_clear_bindings(im->main.ins);
		return bulk_end(im);
	}
	rc = sqlite3_step(im->main.ins);
	sqlite3_reset(im->main.ins);
	if (rc == SQLITE_DONE && sqlite3_changes(im->db->h) == 1) {
		im->new_ids++;
		if (im->bulk && bulk_note(im->bulk, k) < 0 && bulk_end(im) < 0)
			return -1;
		return 1;
	}
	if (rc == SQLITE_DONE || rc == SQLITE_CONSTRAINT_UNIQUE) {
		im->known_ids++;
		return bulk_end(im);
	}
	fail(im, crm_db_fail(im->db, N_("insert")));
	return -1;
}

static int import_customer(struct imp *im, const struct crm_row *row)
{
	char id[CRM_KEY_MAX + 1], why[512];
	char *vals[8];
	int own, rc;
	const char *email = W(im, W_EMAIL), *phone = W(im, W_PHONE);
	table_values(im, im->e->table, vals, NULL);
	vals[0] = W(im, W_ID);
	if ((rc = insert_new_customer(im, vals, email, phone)) != 0) {
		im->c->inserted += rc > 0;
		return rc < 0;
	}
	rc = find_customer(im, W(im, W_ID), email, phone, row->line, id, sizeof id, &own,
			   why, sizeof why);
	if (rc == 0) {
		snprintf(why, sizeof why, _("no customer_id, email or phone: nothing to know the "
			 "customer by"));
		rc = -1;
	}
	if (rc < 0)
		return im->stop ? 1 : reject(im, row, row->line, why);
	vals[0] = id;
	rc = upsert_run(im, &im->main, vals, !own);
	if (rc == UP_CONFLICT)
		return reject_conflict(im, row) == -2;
	count_upsert(&im->c->inserted, rc);
	return rc == UP_ERROR;
}

/* What the ledger met (stats.h): a total past 64 bits named by the order
 * that took it there; the import stops.  rc as given. */
static int ledger_check(struct imp *im, int rc)
{
	struct crm_stats_fault f;
	if (rc == CRM_STATS_OVERFLOW) {
		crm_stats_fault(im->stats, &f);
		crm_error_at(im->fname, f.line, _("order '%s': customer '%s': the total of its %s orders "
			     "would overflow (more than 64 bits of minor units)"), f.order, f.customer,
			     f.currency);
		rc = CRM_EDATA;
	}
	if (rc != CRM_OK)
		fail(im, rc);
	return rc;
}

/* What the ledger must know of a row (stats.h): a new order's part in its
 * customer's figures, and a customer to create when ensure_customer()
 * deferred it.  vals are the orders table's values of a row, r its sale.
 * An order that takes its customer's total past 64 bits stops the run (the ledger finds it a little later, on its own thread: the
 * file's end waits for it, so that the message names this file). */
static int note_customer(struct imp *im, char *const *vals, const struct sale *r,
			 int new_order, int deferred)
{
	int rc = CRM_OK;
	if (new_order && vals[1] && crm_order_counts(vals[5]))
		rc = crm_stats_add(im->stats, vals[1], vals[4], r->at, r->amount,
				   deferred ? CRM_STATS_ENSURE : 0, vals[0], r->line);
	else if (deferred)
		rc = crm_stats_ensure(im->stats, vals[1]);
	return ledger_check(im, rc);
}

/* ---- generic entities ---------------------------------------------------------------- */

static unsigned key_hash(const char *key)
{
	unsigned h = 2166136261u;
	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

static char *batch_val(const struct batch *b, const struct batch_row *r, int i)
{
	return r->val[i] == NO_VAL ? NULL : b->bytes + r->val[i];
}

/* The first row of the batch with a key: where the returned key was inserted. */
static signed char *batch_slot(struct batch *b, const char *key)
{
	unsigned i = key_hash(key) % (2 * BATCH_ROWS);
	while (b->first[i] >= 0 && strcmp(b->bytes + b->row[(int)b->first[i]].val[0], key))
		i = (i + 1) % (2 * BATCH_ROWS);
	return &b->first[i];
}

/* Queue a row: its values (of lengths lens) are copied, the row's buffers
 * being reused; amount and at are an order's. */
static void batch_add(struct imp *im, char *const *vals, const uint32_t *lens, int64_t amount,
		      int64_t at, int deferred, long line)
{
	struct batch *b = &im->batch;
	struct batch_row *r = &b->row[b->n];
	signed char *slot;
	int i;
	if (b->n == 0) {
		b->used = 0;
		b->repeats = 0;
		memset(b->first, -1, sizeof b->first);
	}
	for (i = 0; i < im->main.n; i++) {
		size_t len = vals[i] ? lens[i] + 1 : 0;
		r->val[i] = vals[i] ? b->used : NO_VAL;
		r->len[i] = vals[i] ? lens[i] : 0;
		if (b->isnum[i])
			r->num[i] = im->v->num[im->col[i]];
		if (b->used + len > b->cap) {
			b->cap = (b->used + len) * 2;
			b->bytes = crm_xrealloc(b->bytes, b->cap);
		}
		if (vals[i])
			memcpy(b->bytes + b->used, vals[i], len);
		b->used += len;
	}
	r->sale.amount = amount;
	r->sale.at = at;
	r->sale.line = line;
	r->deferred = deferred;
	r->outcome = NOT_YET;
	if (*(slot = batch_slot(b, r->val[0] == NO_VAL ? "" : b->bytes + r->val[0])) < 0)
		*slot = (signed char)b->n;
	else
		b->repeats = 1;
	b->n++;
}

/* Bind a full batch's rows, from `b`, to a statement of BATCH_ROWS rows. */
static void bind_batch(const struct imp *im, sqlite3_stmt *st, const struct batch *b)
{
	int r, i, p = 1;
	for (r = 0; r < BATCH_ROWS; r++)
		for (i = 0; i < im->main.n; i++, p++)
			if (b->isnum[i] && b->row[r].val[i] != NO_VAL)
				sqlite3_bind_int64(st, p, b->row[r].num[i]);
			else
				crm_bind_static_len(st, p, batch_val(b, &b->row[r], i), b->row[r].len[i]);
}

/* Run a statement of a full batch; the first row with each key it returns
 * gets `outcome`.  The number of keys returned, or -1 (reported). */
static int batch_step(struct imp *im, sqlite3_stmt *st, int outcome, const char *what)
{
	struct batch *b = &im->batch;
	int rc, got = 0;
	bind_batch(im, st, b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		signed char *slot = batch_slot(b, key ? key : "");
		if (*slot >= 0 && b->row[(int)*slot].outcome == NOT_YET) {
			b->row[(int)*slot].outcome = outcome;
			got++;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		fail(im, crm_db_fail(im->db, what));
		return -1;
	}
	return got;
}

/* Are the batch's keys all different and all above the table's greatest? */
static int all_above(const struct batch *b)
{
	int r;
	if (b->repeats)
		return 0;
	for (r = 0; r < BATCH_ROWS; r++) {
		const char *key = batch_val(b, &b->row[r], 0);
		if (!key || (b->top && strcmp(key, b->top) <= 0))
			return 0;
	}
	return 1;
}

/* A full batch of keys none of which is stored, rows from `from` (the
 * rows set aside: `aside`), in one INSERT; -1 (reported). */
static int append_rows(struct imp *im, const struct batch *from, int aside)
{
	sqlite3_stmt *st = im->batch.append;
	int rc;
	bind_batch(im, st, from);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		fail(im, crm_db_fail(im->db, N_("insert")));
		return -1;
	}
	if (sqlite3_changes(im->db->h) != BATCH_ROWS) {
		/* the greatest key or the probe was wrong: which rows went in
		 * is not known */
		crm_error(aside ? _("%s: insert: a row set aside was there already") :
			  _("%s: insert: a key taken for new was there already"),
			  im->db->path);
		fail(im, CRM_EIO);
		return -1;
	}
	return 0;
}

/* A full batch of keys above the table's, or none of which the probe
 * found: every row is new. */
static int batch_append(struct imp *im)
{
	int r;
	if (append_rows(im, &im->batch, 0) < 0)
		return -1;
	for (r = 0; r < BATCH_ROWS; r++)
		im->batch.row[r].outcome = UP_INSERTED;
	return 0;
}

/* Would the update leave the stored row (the probe's current one) as it
 * is?  Only a sure yes: the same bytes as the stored text, or as the stored
 * integer in decimal, which SQL's comparison under the column's affinity
 * also finds equal (an integer column's value is compared as the number
 * the reader made of it, which it wrote in decimal: no text is made of the
 * stored one); an empty cell (NULL) changes nothing. */
static int same_as_stored(struct imp *im, sqlite3_stmt *st, const struct batch_row *r)
{
	const struct batch *b = &im->batch;
	int i, t;
	for (i = 1; i < im->main.n; i++) {
		const char *v = batch_val(b, r, i);
		const void *s;
		if (!v)
			continue;
		t = sqlite3_column_type(st, i);      /* before the text converts it */
		if (t == SQLITE_INTEGER && b->isnum[i]) {
			if (sqlite3_column_int64(st, i) != r->num[i])
				return 0;
			continue;
		}
		if (t != SQLITE_TEXT && t != SQLITE_INTEGER)
			return 0;
		s = sqlite3_column_text(st, i);
		if (!s || r->len[i] != (uint32_t)sqlite3_column_bytes(st, i) ||
		    memcmp(s, v, r->len[i]))
			return 0;
	}
	/* an orders file takes the amount back from the lines (upsert_prepare()) */
	return !im->is_orders || sqlite3_column_int(st, im->main.n) == 0;
}

/* The batch's rows sorted by key, in idx: insertion sort, as a file's
 * keys mostly come in order already, or in reverse order (an export
 * newest first), when they are taken from the batch's end: 2,016
 * comparisons a batch the other way round. */
static void sort_keys(const struct batch *b, int *idx)
{
	int r, j, x, down = strcmp(b->bytes + b->row[0].val[0],
				   b->bytes + b->row[BATCH_ROWS - 1].val[0]) > 0;
	for (r = 0; r < BATCH_ROWS; r++) {
		x = down ? BATCH_ROWS - 1 - r : r;
		for (j = r; j > 0 && strcmp(b->bytes + b->row[idx[j - 1]].val[0],
					    b->bytes + b->row[x].val[0]) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = x;
	}
}

/* A probe's current row (st) is the batch row's key, stored: marked so,
 * and UP_UNCHANGED when it would change nothing; 1 then, else 0. */
static int found_stored(struct imp *im, sqlite3_stmt *st, struct batch_row *row)
{
	row->stored = 1;
	if (!same_as_stored(im, st, row))
		return 0;
	row->outcome = UP_UNCHANGED;
	return 1;
}

/* The row of the batch with the stored key, by the order idx sorts them
 * in; NULL: none. */
static struct batch_row *row_of_key(struct batch *b, const int *idx, const char *key)
{
	int lo = 0, hi = BATCH_ROWS - 1;
	while (key && lo <= hi) {
		int mid = (lo + hi) / 2;
		struct batch_row *row = &b->row[idx[mid]];
		int c = strcmp(b->bytes + row->val[0], key);
		if (!c)
			return row;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* The orders' probe by time (probe_prepare()): 1 when it found every
 * row's key, each marked as batch_probe() marks it and *left counted
 * down; 0 when it did not, the marks undone: a key it missed may be
 * stored at another time, which only the probe by key can tell; -1 on
 * an error (reported). */
static int probe_times(struct imp *im, const int *idx, int *left)
{
	struct batch *b = &im->batch;
	const char *lo = NULL, *hi = NULL;
	int r, found = 0, rc;
	for (r = 0; r < BATCH_ROWS; r++) {
		const char *t = batch_val(b, &b->row[r], b->time_col);
		if (!t)
			return 0;
		if (!lo || strcmp(t, lo) < 0)
			lo = t;
		if (!hi || strcmp(t, hi) > 0)
			hi = t;
	}
	crm_bind_static(b->probe_time, 1, lo);
	crm_bind_static(b->probe_time, 2, hi);
	while ((rc = sqlite3_step(b->probe_time)) == SQLITE_ROW) {
		struct batch_row *row = row_of_key(b, idx, (const char *)
						   sqlite3_column_text(b->probe_time, 0));
		if (!row || row->stored == 1)
			continue;
		found++;
		*left -= found_stored(im, b->probe_time, row);
	}
	sqlite3_reset(b->probe_time);
	if (rc != SQLITE_DONE) {
		fail(im, crm_db_fail(im->db, N_("read stored rows")));
		return -1;
	}
	if (found == BATCH_ROWS)
		return 1;
	/* ids that do not follow the times (or times changed): the next few
	 * batches go by key alone, so that such a file reads a range of
	 * times in one batch of TIME_REST + 1 */
	b->time_rest = TIME_REST;
	for (r = 0; r < BATCH_ROWS; r++) {
		b->row[r].stored = -1;
		b->row[r].outcome = NOT_YET;
	}
	*left = BATCH_ROWS;
	return 0;
}

/*
 * Mark the rows already stored as they are UP_UNCHANGED, and tell the
 * others whether their key is stored (see BATCH_ROWS).  Keys are all
 * different; a batch with a NULL key (import_generic() makes one, but a
 * NULL would sort nowhere) is left alone.  The number of rows left to
 * write, or -1 (reported).
 */
static int batch_probe(struct imp *im)
{
	struct batch *b = &im->batch;
	int idx[BATCH_ROWS], r, j = 0, rc = SQLITE_DONE, rows = 0, left = BATCH_ROWS;
	for (r = 0; r < BATCH_ROWS; r++)
		b->row[r].stored = -1;
	for (r = 0; r < BATCH_ROWS; r++)
		if (b->row[r].val[0] == NO_VAL)
			return BATCH_ROWS;
	sort_keys(b, idx);
	if (b->time_rest > 0)
		b->time_rest--;
	else if (b->probe_time && (r = probe_times(im, idx, &left)) != 0)
		return r < 0 ? -1 : left;
	crm_bind_static(b->probe, 1, b->bytes + b->row[idx[0]].val[0]);
	crm_bind_static(b->probe, 2, b->bytes + b->row[idx[BATCH_ROWS - 1]].val[0]);
	while (j < BATCH_ROWS && (rc = sqlite3_step(b->probe)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(b->probe, 0);
		struct batch_row *row;
		int c = 1;
		rows++;
		/* rows of the file below the stored key are not stored */
		while (j < BATCH_ROWS && key &&
		       (c = strcmp(b->bytes + (row = &b->row[idx[j]])->val[0], key)) < 0) {
			row->stored = 0;
			j++;
		}
		if (c != 0)
			continue;
		j++;
		left -= found_stored(im, b->probe, row);
	}
	if (j < BATCH_ROWS && rows < PROBE_ROWS && rc == SQLITE_DONE)
		for (; j < BATCH_ROWS; j++)      /* above every stored key of the range */
			b->row[idx[j]].stored = 0;
	else if (j >= BATCH_ROWS)
		rc = SQLITE_DONE;
	sqlite3_reset(b->probe);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fail(im, crm_db_fail(im->db, N_("read stored rows")));
		return -1;
	}
	return left;
}

/* Did the probe find the key of every row left to write? */
static int all_stored(const struct batch *b)
{
	int r;
	for (r = 0; r < BATCH_ROWS; r++)
		if (b->row[r].outcome == NOT_YET && b->row[r].stored != 1)
			return 0;
	return 1;
}

/* ---- a descending run, set aside --------------------------------------------------- */

/*
 * An export that lists its newest rows first gives SQLite its keys in
 * descending order, each at the left edge of the table's b-tree (the
 * orders': of their table by time and their index of ids), where a full
 * page is split among its siblings instead of a new one begun: 1M orders
 * took 2.4 s and 269 MB against 1.2 s and 164 MB in key order (schema
 * 12).  So a full batch whose keys fall row after row, none stored and
 * all below those set aside before, is kept in a temporary file
 * (tmpstack.h) and counted as inserted; the run is written back the
 * last batch first, each batch's rows reversed, before any other row is
 * written (the run's keys are then in the table when a later row names
 * one) and at each file's end.  Nothing reads
 * the table in between: the ledger has its notes already.  A named file
 * whose keys all fall is read from its end instead (falling.h, feed.h's
 * `backward`, set in import_files()), and its rows come in key order; this
 * is for the others: standard input, --strict, --rejects, a file naming
 * its customers by e-mail, phone or name.
 */

static size_t aside_n(const struct batch *b)
{
	return b->aside ? crm_tmpstack_count(b->aside) : 0;
}

/* Does each key fall below the one before, the first below the keys set
 * aside? */
static int runs_down(const struct batch *b)
{
	int r;
	if (b->repeats || b->row[0].val[0] == NO_VAL ||
	    (aside_n(b) && strcmp(batch_val(b, &b->row[0], 0), b->low) >= 0))
		return 0;
	for (r = 1; r < BATCH_ROWS; r++)
		if (b->row[r].val[0] == NO_VAL ||
		    strcmp(batch_val(b, &b->row[r - 1], 0), batch_val(b, &b->row[r], 0)) <= 0)
			return 0;
	return 1;
}

/* Did the probe find none of the keys? */
static int none_stored(const struct batch *b)
{
	int r;
	for (r = 0; r < BATCH_ROWS; r++)
		if (b->row[r].stored != 0)
			return 0;
	return 1;
}

/* The bytes a row takes in a record: per column its length (UINT32_MAX:
 * NULL), its number if the column is one, its text with the NUL. */
static size_t packed_size(const struct batch *b, const struct batch_row *row, int ncol)
{
	size_t n = 0;
	int i;
	for (i = 0; i < ncol; i++)
		n += sizeof(uint32_t) + (row->val[i] == NO_VAL ? 0 :
			row->len[i] + 1 + (b->isnum[i] ? sizeof(int64_t) : 0));
	return n;
}

static char *pack_row(const struct batch *b, const struct batch_row *row, int ncol, char *p)
{
	int i;
	for (i = 0; i < ncol; i++) {
		uint32_t len = row->val[i] == NO_VAL ? UINT32_MAX : row->len[i];
		memcpy(p, &len, sizeof len);
		p += sizeof len;
		if (len == UINT32_MAX)
			continue;
		if (b->isnum[i]) {
			memcpy(p, &row->num[i], sizeof row->num[i]);
			p += sizeof row->num[i];
		}
		memcpy(p, b->bytes + row->val[i], (size_t)len + 1);
		p += len + 1;
	}
	return p;
}

/* The batch into the run set aside, its least key first; its rows count as
 * inserted. */
static int set_aside(struct imp *im)
{
	struct batch *b = &im->batch;
	const char *least = batch_val(b, &b->row[BATCH_ROWS - 1], 0);
	size_t need = 0, len = strlen(least) + 1;
	char *p;
	int r, rc;
	for (r = 0; r < BATCH_ROWS; r++)
		need += packed_size(b, &b->row[r], im->main.n);
	if (need > b->pack_cap)
		b->pack = crm_xrealloc(b->pack, b->pack_cap = 2 * need);
	for (p = b->pack, r = BATCH_ROWS - 1; r >= 0; r--)
		p = pack_row(b, &b->row[r], im->main.n, p);
	if (!b->aside)
		b->aside = crm_tmpstack_new();
	if ((rc = crm_tmpstack_push(b->aside, b->pack, need)) != CRM_OK) {
		fail(im, rc);
		return -1;
	}
	if (len > b->low_cap)
		b->low = crm_xrealloc(b->low, b->low_cap = 2 * len);
	memcpy(b->low, least, len);
	for (r = 0; r < BATCH_ROWS; r++)
		b->row[r].outcome = UP_INSERTED;
	return 0;
}

/* A record back into the rows of `k`, whose values stay in the record. */
static void unpack(const struct imp *im, struct batch *k, const char *rec)
{
	const char *p = rec;
	int r, i;
	k->bytes = (char *)rec;
	for (r = 0; r < BATCH_ROWS; r++)
		for (i = 0; i < im->main.n; i++) {
			struct batch_row *row = &k->row[r];
			uint32_t len;
			memcpy(&len, p, sizeof len);
			p += sizeof len;
			row->val[i] = len == UINT32_MAX ? NO_VAL : 0;
			row->len[i] = len == UINT32_MAX ? 0 : len;
			if (len == UINT32_MAX)
				continue;
			if (k->isnum[i]) {
				memcpy(&row->num[i], p, sizeof row->num[i]);
				p += sizeof row->num[i];
			}
			row->val[i] = (size_t)(p - rec);
			p += len + 1;
		}
}

/* Write the run set aside, its last batch first: its keys in order. */
static int put_back(struct imp *im)
{
	struct batch *b = &im->batch;
	const char *rec;
	size_t n;
	int rc;
	if (!aside_n(b))
		return 0;
	if (!b->back) {
		b->back = crm_xcalloc(1, sizeof *b->back);
		memcpy(b->back->isnum, b->isnum, sizeof b->isnum);
	}
	while ((rec = crm_tmpstack_pop(b->aside, &n, &rc))) {
		unpack(im, b->back, rec);
		crm_db_write_behind(im->db);
		if (append_rows(im, b->back, 1) < 0)
			return -1;
	}
	if (rc != CRM_OK) {
		fail(im, rc);
		return -1;
	}
	return 0;
}

/* A full batch: one INSERT for the new rows; with no key twice, one UPDATE
 * for the others, which are then updated or unchanged.  A batch of keys all
 * different is probed first: of its rows left to write, a few go one by one
 * in batch_run(). */
static int batch_write(struct imp *im)
{
	struct batch *b = &im->batch;
	int r, got, down = runs_down(b);
	b->all_tried = 0;
	if (all_above(b)) {
		if (down)
			return set_aside(im);
		return put_back(im) < 0 ? -1 : batch_append(im);   /* the run below it first */
	}
	/* the probe does not see the run set aside: its keys are not yet stored */
	if (!b->repeats && (got = batch_probe(im)) <= BATCH_ROWS / 4)
		return got < 0 || put_back(im) < 0 ? -1 : 0;
	if (down && none_stored(b))
		return set_aside(im);
	/* none stored, nor set aside (the probe cannot see those): every row
	 * is new, and the INSERT need not say which */
	if (!b->repeats && !aside_n(b) && none_stored(b))
		return batch_append(im);
	if (put_back(im) < 0)
		return -1;
	b->all_tried = 1;
	/* the rows a probe found all stored (a week's refunds) need no INSERT */
	if (b->repeats || !all_stored(b)) {
		if ((got = batch_step(im, b->ins, UP_INSERTED, N_("insert"))) < 0)
			return -1;
		if (got == BATCH_ROWS || b->repeats)
			return 0;
	}
	if (batch_step(im, b->upd, UP_UPDATED, N_("update")) < 0)
		return -1;
	for (r = 0; r < BATCH_ROWS; r++)
		if (b->row[r].outcome == NOT_YET)
			b->row[r].outcome = UP_UNCHANGED;
	return 0;
}

/* Upsert the queued rows, count them and tell the ledger, in file order.
 * A batch that is not full (a file's end) goes one row at a time. */
static int batch_run(struct imp *im)
{
	struct batch *b = &im->batch;
	int r, i, rc, n = b->n, orders = im->is_orders;
	b->n = 0;   /* the rows stay readable until the next batch_add() */
	crm_db_write_behind(im->db);
	if (n == BATCH_ROWS ? batch_write(im) < 0 : put_back(im) < 0)
		return -1;
	for (r = 0; r < n; r++) {
		struct batch_row *row = &b->row[r];
		char *vals[CRM_MAX_COLS];
		for (i = 0; i < im->main.n; i++)
			vals[i] = batch_val(b, row, i);
		if (row->outcome != NOT_YET)
			rc = row->outcome;
		else if (n == BATCH_ROWS && (b->all_tried || row->stored == 1))
			rc = upsert_update(im, &im->main, vals, 0);
		else
			rc = upsert_run(im, &im->main, vals, 0);
		count_upsert(&im->c->inserted, rc);
		if (rc == UP_ERROR)
			return -1;
		/* an unchanged row's customer is the stored order's: it exists */
		if (note_customer(im, vals, &row->sale, rc == UP_INSERTED && orders,
				  row->deferred && rc != UP_UNCHANGED) != CRM_OK)
			return -1;
		if (vals[0])
			raise_top(b, vals[0]);   /* the row is in the table now */
	}
	return 0;
}

/*
 * A review or answer that names its order: an order not stored is counted
 * (the row is kept, and reports find its customer through the order once
 * it is imported); a row without a customer of its own takes the order's.
 * `who` is ensure_customer()'s; returns it, 1 when the order gave the
 * customer, or -2 to stop.
 */
static int order_customer(struct imp *im, int who, char *cust, size_t size)
{
	char owner[CRM_KEY_MAX + 1];
	const char *order = im->order_col >= 0 ? im->v->val[im->order_col] : NULL;
	int found;
	if (!order)
		return who;
	if ((found = lookup1(im, im->order_cust, order, owner, sizeof owner)) < 0)
		return -2;
	if (!found)
		im->c->unknown_orders++;
	else if (who == 0 && owner[0]) {
		snprintf(cust, size, "%s", owner);
		return 1;
	}
	return who;
}

/* The tickets whose times contradict each other listed one by one; the
 * rest are counted at the end of the run. */
#define BAD_TIMES_LISTED 10     /* written out in a message below */

/* A ticket whose times contradict each other is imported as it is, and
 * reported: it has no durations (ticket.h). */
static void check_ticket(struct imp *im, long line)
{
	const char *t[3], *later, *earlier;
	char q[128];
	struct crm_ticket_times tt;
	enum crm_ticket_clash c;
	int64_t *e[3] = {&tt.opened, &tt.first, &tt.resolved};
	int i;
	for (i = 0; i < 3; i++) {
		t[i] = im->tcol[i] >= 0 ? im->v->val[im->tcol[i]] : NULL;
		*e[i] = t[i] ? im->v->num[im->tcol[i]] : -1;
	}
	if ((c = crm_ticket_clash(&tt)) == CRM_TICKET_AGREE)
		return;
	if (++im->bad_times > BAD_TIMES_LISTED)
		return;
	crm_ticket_clash_columns(c, &later, &earlier);
	crm_error_at(im->fname, line, _("ticket %s: %s %s is before %s %s; left out of durations"),
		     crm_quote(im->v->val[im->col[0]], q, sizeof q), later,
		     t[c == CRM_TICKET_FIRST_BEFORE_OPENED ? 1 : 2], earlier,
		     t[c == CRM_TICKET_RESOLVED_BEFORE_FIRST ? 1 : 0]);
}

static int import_generic(struct imp *im, const struct crm_row *row)
{
	const char *const *cols = im->e->table;
	char cust[CRM_KEY_MAX + 1], *vals[CRM_MAX_COLS];
	uint32_t lens[CRM_MAX_COLS];
	int who;
	who = ensure_customer(im, row, W(im, W_ID), W(im, W_EMAIL), W(im, W_PHONE),
			      W(im, W_NAME), cust, sizeof cust);
	if (who >= 0)
		who = order_customer(im, who, cust, sizeof cust);
	if (who < 0)
		return who == -2;
	table_values(im, cols, vals, lens);
	vals[1] = who ? cust : NULL;         /* customer_id is second in every table */
	lens[1] = who ? (uint32_t)strlen(cust) : 0;
	if (im->is_orders) {
		vals[4] = im->v->currency;
		lens[4] = (uint32_t)strlen(im->v->currency);
		im->c->guest_orders += who == 0;
	}
	if (im->is_tickets)
		check_ticket(im, row->line);
	if (!vals[0]) {
		vals[0] = (char *)im->key;     /* the feed's, for a row without a key */
		lens[0] = (uint32_t)strlen(im->key);
		im->made_keys++;
	}
	batch_add(im, vals, lens, im->is_orders ? im->v->num[im->col[3]] : 0,
		  im->is_orders ? im->v->num[im->col[2]] : 0, who == DEFERRED, row->line);
	return im->batch.n == BATCH_ROWS && batch_run(im) < 0;
}

/* ---- order_items ------------------------------------------------------------------------ */

/*
 * An order_items export that lists its newest orders first (a shop's
 * export with a row per line) gives orders and order_items their keys
 * falling, each at the left edge of the b-trees (300,000 orders' lines:
 * 2.4 s and 159 MB against 2.0 s and 94 MB in key order; a week's
 * 100,000 orders: 54 MB against 32 MB).  An order not seen before in the
 * run whose id is above every stored order id (items_top: none on a first
 * import; a week's new orders, numbered as they come) is new: one whose
 * id falls below the one before, and below those set aside, is kept with
 * its lines in a record (struct falling) pushed when it closes, and
 * counted as written.  The records are written back the last first,
 * before an order that does not fall and before finish_items() reads the
 * lines, as batches are (set_aside()).
 */

/* Note the order in temp.touched (see prepare_items()); fresh: this run
 * inserted it. */
static int track_order(struct imp *im, int fresh)
{
	struct cur_order *o = &im->cur;
	char lines[32];
	snprintf(lines, sizeof lines, "%ld", o->lines);
	crm_bind_static(im->touched_put, 1, o->id);
	crm_bind_static(im->touched_put, 2, lines);
	crm_bind_static(im->touched_put, 3, o->currency);
	sqlite3_bind_int(im->touched_put, 4, o->seen_before);
	sqlite3_bind_int(im->touched_put, 5, o->overflow);
	sqlite3_bind_int(im->touched_put, 6, im->nnames - 1);
	sqlite3_bind_int64(im->touched_put, 7, o->line);
	sqlite3_bind_int(im->touched_put, 8, fresh);
	return step_done(im, im->touched_put, N_("track orders")) < 0 ? -1 : 0;
}

static int flush_order(struct imp *im)
{
	struct cur_order *o = &im->cur;
	struct sale sale;
	char amount[32];
	int rc;
	if (!o->open)
		return 0;
	o->open = 0;
	if (o->seen_before || o->overflow) {
		/* summed in finish_items(), or no total to write */
		if (o->aside && fall_push(im, &im->orders_fall, o->id) < 0)
			return -1;
		return track_order(im, 0);
	}
	snprintf(amount, sizeof amount, "%lld", (long long)o->amount);
	o->vals[3] = amount;
	o->vals[4] = o->currency;
	if (o->aside) {
		crm_rec_put(&im->orders_fall.rec, 0, o->vals, im->orders.n);
		rc = fall_push(im, &im->orders_fall, o->id) < 0 ? UP_ERROR : UP_INSERTED;
	} else {
		rc = upsert_run(im, &im->orders, o->vals, 0);
	}
	count_upsert(&im->c->orders_inserted, rc);
	if (rc == UP_ERROR || track_order(im, rc == UP_INSERTED) < 0)
		return -1;
	im->old_orders += rc != UP_INSERTED;
	/* open_order() noted a deferred customer already */
	sale.amount = o->amount;
	sale.at = o->vals[2] ? crm_time_epoch(o->vals[2]) : 0;
	sale.line = o->line;
	if (rc == UP_INSERTED && note_customer(im, o->vals, &sale, 1, 0) != CRM_OK)
		return -1;
	if (o->vals[5] && !strcmp(o->vals[5], "cancelled"))
		im->c->cancelled_orders++;
	return 0;
}

/* Copy the order's values of its first row, which outlive the row, whole
 * into o->buf: a value is never cut (a channel has no length limit).  The
 * amount and the currency are the order's own. */
static void keep_order(struct cur_order *o, char *const src[7])
{
	static const int kept[] = {0, 1, 2, 5, 6};
	size_t need = 0, off = 0, i, n;
	for (i = 0; i < sizeof kept / sizeof *kept; i++)
		need += src[kept[i]] ? strlen(src[kept[i]]) + 1 : 0;
	if (need > o->cap)
		o->buf = crm_xrealloc(o->buf, o->cap = 2 * need);
	for (i = 0; i < sizeof kept / sizeof *kept; i++) {
		const char *v = src[kept[i]];
		o->vals[kept[i]] = v ? memcpy(o->buf + off, v, n = strlen(v) + 1) : NULL;
		off += v ? n : 0;
	}
}

static int open_order(struct imp *im, const struct crm_row *row)
{
	struct cur_order *o = &im->cur;
	char cust[CRM_KEY_MAX + 1], *keep[7];
	int rc, found;
	if (flush_order(im) < 0)
		return -2;
	snprintf(o->id, sizeof o->id, "%s", V(im, "order_id"));
	found = lookup1(im, im->touched_get, o->id, cust, sizeof cust);
	if (found < 0)
		return -2;
	o->seen_before = found;
	o->aside = falls(&im->orders_fall, o->id) && !found && im->items_aside &&
		   strcmp(o->id, im->items_top) > 0;
	if (!o->aside && fall_put_back(im, &im->orders_fall) < 0)
		return -2;
	o->line = row->line;
	o->overflow = 0;
	o->amount = 0;
	memcpy(o->currency, im->v->currency, sizeof o->currency);
	if (found) {
		/* "LINES CURRENCY" of the part of the order seen earlier */
		char *sp;
		o->lines = strtol(cust, &sp, 10);
		snprintf(o->currency, sizeof o->currency, "%s", *sp ? sp + 1 : "");
	} else {
		o->lines = 0;
	}
	rc = ensure_customer(im, row, W(im, W_ID), W(im, W_EMAIL), W(im, W_PHONE),
			     W(im, W_NAME), cust, sizeof cust);
	if (rc < 0)
		return rc;
	/* noted now: an order seen before in the file is not flushed again */
	if (rc == DEFERRED && ledger_check(im, crm_stats_ensure(im->stats, cust)) != CRM_OK)
		return -2;
	im->c->guest_orders += rc == 0 && !found;
	keep[0] = o->id;
	keep[1] = rc ? cust : NULL;
	keep[2] = V(im, "ordered_at");
	keep[3] = keep[4] = NULL;
	keep[5] = V(im, "status");
	keep[6] = V(im, "channel");
	keep_order(o, keep);
	o->open = 1;
	return 0;
}

static int import_item(struct imp *im, const struct crm_row *row)
{
	struct cur_order *o = &im->cur;
	static char one[] = "1";
	char line[32], *vals[7], msg[400];
	/* a file without a quantity column has a row per unit */
	int has_q = im->colmap[im->qcol] >= 0;
	int64_t q = has_q ? im->v->num[im->qcol] : 1;
	int64_t p = im->v->num[crm_entity_col(im->e, "unit_price")], t, sum;
	int rc, mul;
	if (!o->open || strcmp(o->id, V(im, "order_id"))) {
		if ((rc = open_order(im, row)) < 0)
			return rc == -2;
	}
	o->lines++;      /* rejected lines keep their number too: fixing one inserts it */
	if (strcmp(im->v->currency, o->currency)) {
		snprintf(msg, sizeof msg, _("column 'unit_price': currency %s differs from the "
			 "order's %s"), im->v->currency, o->currency);
		return reject(im, row, row->line, msg);
	}
	/* a total without this line would be wrong: the order is not written */
	if ((mul = __builtin_mul_overflow(q, p, &t)) || __builtin_add_overflow(o->amount, t, &sum)) {
		snprintf(msg, sizeof msg, _("column 'unit_price': %s overflows (more than 64 bits of "
			 "minor units); order '%s' is not written"), mul ? _("quantity x unit price") :
			 _("the order's total"), o->id);
		o->overflow = 1;
		return reject(im, row, row->line, msg);
	}
	o->amount = sum;
	im->c->return_lines += q < 0;
	snprintf(line, sizeof line, "%ld", o->lines);
	vals[0] = o->id;
	vals[1] = line;
	vals[2] = V(im, "sku");
	vals[3] = V(im, "product");
	vals[4] = V(im, "category");
	vals[5] = has_q ? im->v->val[im->qcol] : one;
	vals[6] = V(im, "unit_price");
	if (o->aside) {
		crm_rec_put(&im->orders_fall.rec, 1, vals, im->main.n);
		rc = UP_INSERTED;
	} else {
		rc = upsert_run(im, &im->main, vals, 0);
	}
	count_upsert(&im->c->inserted, rc);
	return rc == UP_ERROR;
}

/* The split order whose lines' sum failed past 64 bits, named: each part
 * fit, so only SQL's sum over its lines knows, one order after another. */
static void split_overflow(struct imp *im)
{
	sqlite3_stmt *ids = crm_db_prepare(im->db, "SELECT order_id FROM temp.touched WHERE split");
	sqlite3_stmt *sum = crm_db_prepare(im->db, "SELECT sum(quantity*unit_price) FROM "
					   "order_items WHERE order_id=?1");
	const char *id = NULL;
	while (ids && sum && sqlite3_step(ids) == SQLITE_ROW) {
		sqlite3_bind_value(sum, 1, sqlite3_column_value(ids, 0));
		if (sqlite3_step(sum) != SQLITE_ROW) {
			id = (const char *)sqlite3_column_text(ids, 0);
			break;
		}
		sqlite3_reset(sum);
	}
	crm_error(_("%s: order '%s': its lines, split in the file, total more than 64 bits of "
		  "minor units"), im->fname, id ? id : "?");
	sqlite3_finalize(sum);
	sqlite3_finalize(ids);
}

static int finish_items(struct imp *im)
{
	if (flush_order(im) < 0 || fall_put_back(im, &im->orders_fall) < 0)
		return -1;
	/* lines beyond an order's count in this run are gone from the export */
	if (step_done(im, im->stale_lines, N_("remove stale order lines")) < 0)
		return -1;
	if (sqlite3_step(im->order_resum) == SQLITE_DONE) {
		sqlite3_reset(im->order_resum);
		return 0;
	}
	sqlite3_reset(im->order_resum);
	if (!crm_stats_overflowed(im->db)) {
		fail(im, crm_db_fail(im->db, N_("update split orders' totals")));
		return -1;
	}
	split_overflow(im);
	fail(im, CRM_EDATA);
	return -1;
}

/* Orders stored before the run whose amount is kept (an orders file's)
 * and differs from their lines' total, or is in another currency, in the
 * order the run first saw them; of the others, no amount was kept. */
static const char totals_sql[] =
	"SELECT t.order_id, o.amount, o.currency, o.lines_total, t.currency, t.file, t.line "
	"FROM temp.touched t JOIN orders o ON o.order_id=t.order_id WHERE NOT t.fresh AND NOT "
	"t.overflow AND NOT o.amount_from_lines AND o.lines_total IS NOT NULL AND "
	"(o.lines_total IS NOT o.amount OR o.currency IS NOT t.currency) ORDER BY t.file, t.line";

#define TOTALS_LISTED 5         /* written out in a message below */

struct total_diff {
	char id[CRM_KEY_MAX + 1];
	char amount[48], total[48];    /* "120.00 USD" */
	int file;
	long line;
};

static void money_text(sqlite3_stmt *st, int amount, int currency, char *out, size_t size)
{
	const char *cur = (const char *)sqlite3_column_text(st, currency);
	int n = crm_format_money(sqlite3_column_int64(st, amount), cur ? cur : "", out, size);
	snprintf(out + n, size - (size_t)n, " %s", cur ? cur : "");
}

/* Say how many orders' lines total differs from their kept amount, and
 * which are the first few: one line each would drown a large import. */
static int report_totals(struct imp *im)
{
	struct total_diff d[TOTALS_LISTED];
	sqlite3_stmt *st;
	long long n = 0;
	int i, rc;
	if (im->kind != E_ITEMS || !im->old_orders)
		return 0;
	if (!(st = crm_db_prepare(im->db, totals_sql))) {
		fail(im, crm_db_last_status(im->db));
		return -1;
	}
	for (; (rc = sqlite3_step(st)) == SQLITE_ROW; n++) {
		if (n >= TOTALS_LISTED)
			continue;
		snprintf(d[n].id, sizeof d[n].id, "%s", (const char *)sqlite3_column_text(st, 0));
		money_text(st, 1, 2, d[n].amount, sizeof d[n].amount);
		money_text(st, 3, 4, d[n].total, sizeof d[n].total);
		d[n].file = sqlite3_column_int(st, 5);
		d[n].line = (long)sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		fail(im, crm_db_fail(im->db, N_("compare orders' amounts with their lines")));
		return -1;
	}
	if (n == 1)
		crm_error(_("order_items: 1 order's lines total differs from its amount, which is kept:"));
	else if (n > 1)
		crm_error(_("order_items: %lld orders' lines totals differ from their amounts, which are "
			  "kept%s"), n, n > TOTALS_LISTED ? _(" (crm-import(1) shows how to list them "
			  "all); the first 5:") : ":");
	for (i = 0; i < n && i < TOTALS_LISTED; i++) {
		char q[128];
		crm_error_at(im->names[d[i].file], d[i].line, _("order %s: amount %s, lines total %s"),
			     crm_quote(d[i].id, q, sizeof q), d[i].amount, d[i].total);
	}
	return 0;
}

/* What a run found in rows it imported, said once at its end. */
static void report_at_end(struct imp *im)
{
	if (im->bad_times > BAD_TIMES_LISTED)
		crm_error(_("tickets: %lld tickets' times contradict each other (the first 10 are "
			    "listed above); all are left out of durations"), im->bad_times);
	report_totals(im);
}

/* ---- reading ---------------------------------------------------------------------------- */

static int has_column(struct imp *im, enum who w)
{
	return im->who[w] >= 0 && im->colmap[im->who[w]] >= 0;
}

/*
 * Decided per file, so that a file never switches path row by row: rows
 * without e-mail, phone and name columns defer their customers to the
 * ledger; rows with any of them look customers up (merges, clashes), so the
 * customers the ledger holds must be in the database first.
 */
static int choose_customer_path(struct imp *im)
{
	int rc;
	im->defer = im->kind != E_CUSTOMERS && !has_column(im, W_EMAIL) &&
		    !has_column(im, W_PHONE) && !has_column(im, W_NAME);
	if (im->defer || !crm_stats_pending(im->stats))
		return 0;
	if ((rc = crm_stats_flush(im->stats, &im->c->new_customers)) != CRM_OK) {
		fail(im, rc);
		return 1;
	}
	return 0;
}

/* Does a header match the one the rejects file was started with? */
static int same_header(struct imp *im, const struct crm_row *h)
{
	char *j = join_header(h);
	int same = !strcmp(j, im->rej_cols);
	free(j);
	return same;
}

/* A file's items, as the feed (feed.h) passes them; each handler stops the
 * run through im->stop as reading the file used to. */

static void begin_file(struct imp *im, const struct crm_feed_item *it)
{
	if (it->rc < 0) {
		crm_error("%s", it->text);
		im->stop = 1;
		im->status = CRM_EIO;
		return;
	}
	im->fname = crm_xstrdup(it->text);   /* the batch is reused, the name is not */
	if (im->kind == E_ITEMS) {           /* for the lines' totals, at the end */
		im->names = crm_xrealloc(im->names, (size_t)(im->nnames + 1) * sizeof *im->names);
		im->names[im->nnames++] = crm_xstrdup(it->text);
	}
}

/* The file's columns that map to none of the entity's, named once: a
 * column meant for one and not recognised would go unnoticed.  The columns
 * write_reject() adds are crm's own: a rejects file fed back says nothing. */
static void say_ignored(struct imp *im, const struct crm_row *hdr)
{
	static const char *const reject_cols[] = {"rejected_file", "rejected_line",
						  "rejected_reason", NULL};
	char list[1024];
	if (!im->o->quiet &&
	    crm_header_ignored(im->e, im->colmap, hdr, reject_cols, list, sizeof list))
		crm_error_at(im->fname, 0, _("ignored columns: %s"), list);
}

static void on_header(struct imp *im, const struct crm_feed_item *it)
{
	const struct crm_row *row = &it->row;
	/* kept for the rejects file, the batch holding it being reused; all
	 * len bytes, a NUL among them: join_header() reads that many */
	im->hdr = crm_row_dup(row);
	im->nhdr = row->n;
	if (im->rej_header && !same_header(im, im->hdr)) {
		crm_error_at(im->fname, row->line, _("--rejects: the columns differ from those of the "
			     "files before; import files of different shapes in separate runs"));
		im->status = CRM_EUSAGE;
		im->stop = 1;
		return;
	}
	if (it->rc < 0) {
		crm_header_errors(im->fname, row->line, it->text);
		im->status = it->rc == -2 ? CRM_EUSAGE : CRM_EDATA;
		im->stop = 1;
		return;
	}
	memcpy(im->colmap, it->colmap, sizeof im->colmap);
	say_ignored(im, row);
	if (im->kind == E_ITEMS && im->colmap[im->qcol] < 0 && !im->o->quiet)
		crm_error_at(im->fname, row->line, _("no quantity column: each row is one unit "
			     "(quantity 1)"));
	choose_customer_path(im);
	/* only an entity whose key may be missing has a header without it */
	im->made_keys = 0;
	if (im->kind == E_OTHER && im->colmap[im->col[0]] < 0 && !im->o->quiet)
		crm_error_at(im->fname, 0, _("no column '%s': ids made from each row's content"),
			     im->e->table[0]);
}

/* Rows of a file with a key column whose key cell was empty: said once. */
static void note_made_keys(struct imp *im)
{
	if (im->made_keys && im->kind == E_OTHER && im->colmap[im->col[0]] >= 0 &&
	    !im->o->quiet)
		crm_error_at(im->fname, 0, crm_n_("%lld row with an empty '%s': ids made from its "
						  "content",
						  "%lld rows with an empty '%s': ids made from their "
						  "content", im->made_keys),
			     im->made_keys, im->e->table[0]);
}

static void on_row(struct imp *im, const struct crm_feed_item *it)
{
	const struct crm_row *row = &it->row;
	im->c->read++;
	crm_progress(im->fname, im->c->read);
	if (it->text) {              /* the wrong width, or a value the feed refused */
		reject(im, row, row->line, it->text);
		return;
	}
	if (it->v) {
		im->v = it->v;
		im->key = it->key;
	} else if (normalise_row(im, row) < 0) {
		return;
	}
	if (im->kind == E_CUSTOMERS)
		import_customer(im, row);
	else if (im->kind == E_ITEMS)
		import_item(im, row);
	else
		import_generic(im, row);
}

static void on_bad(struct imp *im, const struct crm_feed_item *it)
{
	im->c->read++;
	reject(im, NULL, it->row.line, it->text);
}

/* What is left of a file once its items are done, or the run stopped. */
static void close_file(struct imp *im)
{
	crm_progress_done();
	crm_row_free(im->hdr);
	im->hdr = NULL;
	free(im->fname);
	im->fname = NULL;
}

static void end_file(struct imp *im, const struct crm_feed_item *it)
{
	if (it->rc < 0) {
		crm_error_at(im->fname, it->row.line, "%s", it->text);
		im->stop = 1;
		im->status = it->row.line > 0 ? CRM_EDATA : CRM_EIO;
	} else if (!im->hdr && !im->stop) {
		crm_error_at(im->fname, 0, _("empty input: no header line"));
		im->stop = 1;
		im->status = CRM_EDATA;
	}
	if (!im->stop && im->kind == E_ITEMS && finish_items(im) < 0)
		im->stop = 1;
	if (!im->stop && im->hdr)
		note_made_keys(im);
	/* the ledger may be flushed at the next file's header: these rows first */
	if (!im->stop && im->batch.n && batch_run(im) < 0)
		im->stop = 1;
	if (!im->stop && put_back(im) < 0)
		im->stop = 1;
	if (!im->stop)
		ledger_check(im, crm_stats_sync(im->stats));
	close_file(im);
}

static void take_item(struct imp *im, const struct crm_feed_item *it)
{
	switch (it->kind) {
	case CRM_FEED_FILE: begin_file(im, it); break;
	case CRM_FEED_HEADER: on_header(im, it); break;
	case CRM_FEED_ROW: on_row(im, it); break;
	case CRM_FEED_BAD: on_bad(im, it); break;
	case CRM_FEED_END: end_file(im, it); break;
	}
}

static int take_batch(const struct crm_feed_batch *b, void *ctx)
{
	struct imp *im = ctx;
	int i;
	for (i = 0; i < b->n && !im->stop; i++)
		take_item(im, &b->item[i]);
	return im->stop;
}

/*
 * The files are read and their rows normalised on the feed's thread while
 * this one writes: the two halves of an import overlap.  Everything that is
 * seen from outside (the database, the ledger, messages, the rejects file,
 * the counts, the progress line) stays on this thread, in file order.
 * Without that thread the feed reads on this one, to the same end.
 */
static void import_files(struct imp *im, char *const *files, int nfiles)
{
	struct crm_feed_opts fo = {im->o->csv, &im->o->in, im->o->country, im->e,
				   !normalise_here(im), im->tz,
				   im->kind == E_OTHER ? im->col[0] : -1,
				   /* an order's, a ticket's, a review's or an answer's
				    * row depends on nothing but its key and values but
				    * for its customer's columns (the feed checks those):
				    * newest first, last row first.  Not when the first
				    * bad row stops the run, nor when the rejects file
				    * is to keep the file's order. */
				   im->kind == E_OTHER && !im->o->strict && !im->o->rejects};
	/* converting times in a named zone must not write the environment
	 * while the other thread may read it */
	crm_tz_pin(im->tz);
	crm_feed_each(&fo, files, nfiles, take_batch, im);
	if (im->fname)               /* stopped within a file */
		close_file(im);
	crm_tz_unpin(im->tz);
}

static int log_import(struct imp *im, char *const *files, int nfiles)
{
	struct sqlbuf list = {"", 0};
	int i;
	sqlite3_stmt *st = crm_db_prepare(im->db, "INSERT INTO imports(entity,files,finished_at,"
					  "read,inserted,updated,unchanged,rejected) VALUES (?1,?2,"
					  "strftime('%Y-%m-%dT%H:%M:%SZ','now'),?3,?4,?5,?6,?7)");
	if (!st)
		return -1;
	for (i = 0; i < nfiles; i++)
		add(&list, "%s%s", i ? " " : "", files[i]);
	crm_bind_static(st, 1, im->e->name);
	crm_bind_static(st, 2, list.s);
	sqlite3_bind_int64(st, 3, im->c->read);
	sqlite3_bind_int64(st, 4, im->c->inserted);
	sqlite3_bind_int64(st, 5, im->c->updated);
	sqlite3_bind_int64(st, 6, im->c->unchanged);
	sqlite3_bind_int64(st, 7, im->c->rejected);
	i = step_done(im, st, N_("record the import"));
	sqlite3_finalize(st);
	return i;
}

/* The directory of path, stat'ed into dir, and the name in it. */
static int stat_dir(const char *path, struct stat *dir, const char **name)
{
	const char *slash = strrchr(path, '/');
	char *d = slash ? crm_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : NULL;
	int rc = stat(d ? d : ".", dir);
	free(d);
	*name = slash ? slash + 1 : path;
	return rc;
}

static int same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Do a and b name one file: the same inode, or where neither exists yet,
 * the same name in the same directory (a -wal the run may create)? */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	const char *na, *nb;
	int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
	if (ea || eb)
		return ea && eb && same_inode(&sa, &sb);
	return stat_dir(a, &sa, &na) == 0 && stat_dir(b, &sb, &nb) == 0 &&
	       same_inode(&sa, &sb) && !strcmp(na, nb);
}

/* Is the rejects file the input `file` ("-" or NULL: standard input)? */
static int check_input(const char *rejects, const char *file)
{
	struct stat sr, si;
	if (file && strcmp(file, "-")) {
		if (!same_file(rejects, file))
			return CRM_OK;
		return crm_usage_error(_("--rejects '%s' is the input file '%s': name another file"),
				       rejects, file);
	}
	if (stat(rejects, &sr) != 0 || fstat(STDIN_FILENO, &si) != 0 || !same_inode(&sr, &si))
		return CRM_OK;
	return crm_usage_error(_("--rejects '%s' is the standard input: name another file"), rejects);
}

int crm_import_check_rejects(const char *rejects, const char *db, char *const *files, int nfiles)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	size_t i;
	int k, same, rc;
	for (i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		char *p = crm_xmalloc(strlen(db) + strlen(sfx[i]) + 1);
		same = same_file(rejects, strcat(strcpy(p, db), sfx[i]));
		free(p);
		if (same)
			return crm_usage_error(_("--rejects '%s' is the database file '%s%s': name "
					       "another file"), rejects, db, sfx[i]);
	}
	if (nfiles == 0)
		return check_input(rejects, NULL);
	for (k = 0; k < nfiles; k++)
		if ((rc = check_input(rejects, files[k])) != CRM_OK)
			return rc;
	return CRM_OK;
}

/* FILE is written to a temporary beside it, private from the start (mkstemp's
 * 0600) as rejected rows hold the same personal data as the database, and
 * put in its place at the end; a device or a pipe is written through. */
static int open_rejects(struct imp *im)
{
	const char *path = im->o->rejects;
	struct stat st;
	int fd;
	if (!path)
		return 0;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
	} else {
		im->rej_target = realpath(path, NULL);
		if (!im->rej_target)
			im->rej_target = crm_xstrdup(path);
		im->rej_tmp = crm_xmalloc(strlen(im->rej_target) + sizeof ".tmp-XXXXXX");
		strcat(strcpy(im->rej_tmp, im->rej_target), ".tmp-XXXXXX");
		if ((fd = mkstemp(im->rej_tmp)) >= 0)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	im->rej = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!im->rej) {
		crm_error("%s: %m", path);
		if (fd >= 0)
			close(fd);
		if (im->rej_tmp)
			unlink(im->rej_tmp);
		free(im->rej_tmp);
		free(im->rej_target);
		return -1;
	}
	crm_writer_init(&im->rw, im->rej, im->o->csv.delim);
	return 0;
}

/* Flush and sync the rejects: they are part of what must not be lost, so a
 * run commits only after this.  -1 having said so, once. */
static int flush_rejects(struct imp *im, const char *then)
{
	if (!im->rej || im->rej_failed)
		return im->rej_failed ? -1 : 0;
	if (fflush(im->rej) == 0 && !ferror(im->rej) &&
	    (!im->rej_tmp || fsync(fileno(im->rej)) == 0))
		return 0;
	crm_error(_("%s: write error: %m%s"), im->o->rejects, then);
	im->rej_failed = 1;
	return -1;
}

/* A run that wrote all its rejects (it went through, was a dry run, or was
 * stopped by its input: rc says so) puts them in place of FILE; a failed
 * one leaves FILE as it was and removes the temporary.  rc, or CRM_EIO. */
static int close_rejects(struct imp *im, int rc)
{
	int keep = rc == CRM_OK || rc == CRM_EDATA || rc == CRM_EUSAGE;
	if (!im->rej)
		return rc;
	if (keep && flush_rejects(im, "") < 0) {
		keep = 0;
		rc = CRM_EIO;
	}
	fclose(im->rej);             /* flushed: nothing is left to fail */
	if (keep && im->rej_tmp && rename(im->rej_tmp, im->rej_target) != 0) {
		crm_error(_("%s: cannot put the rejects in place: %m"), im->o->rejects);
		keep = 0;
		rc = CRM_EIO;
	}
	if (!keep && im->rej_tmp)
		unlink(im->rej_tmp);
	free(im->rej_tmp);
	free(im->rej_target);
	return rc;
}

/* A dry run stopped by its input (--strict, a malformed or missing file)
 * still prints its counts: those of the rows before the stop, as when each
 * row was written at once. */
static void count_before_stop(struct imp *im)
{
	int rc;
	if (im->batch.n && batch_run(im) < 0)
		return;
	if ((rc = crm_stats_flush(im->stats, &im->c->new_customers)) != CRM_OK)
		fail(im, rc);
}

/* A run that writes nothing: rolled back, and a failed one says so last, so
 * that no count of rows that were never stored follows its error. */
static int give_up(struct imp *im)
{
	crm_db_rollback(im->db);
	im->c->aborted = !im->o->dry_run;
	if (im->o->strict && im->c->rejected)
		crm_error(_("--strict: a row was rejected, nothing was imported"));
	else if (im->stop && !im->o->dry_run)
		crm_error(_("nothing was imported"));
	return im->status;
}

/* A first import of orders (or their lines) into a file that holds other
 * things already, such as its customers: the orders' pages are all new,
 * and the write-ahead log would write each of them twice (1M orders:
 * 28,573 writes against 10,154).  0 when it cannot tell. */
static int first_orders(struct imp *im)
{
	long long any = 1;
	if (!im->is_orders && im->kind != E_ITEMS)
		return 0;
	return crm_db_one_int(im->db, crm_db_prepare(im->db, "SELECT EXISTS (SELECT 1 FROM orders)"),
			      N_("read orders"), &any) == CRM_OK && !any;
}

static int run(struct imp *im, char *const *files, int nfiles)
{
	int rc;
	if ((rc = crm_db_exec(im->db, "PRAGMA cache_size=-16384")) != CRM_OK ||
	    (rc = crm_db_begin_bulk(im->db, first_orders(im))) != CRM_OK)
		return rc;
	if (prepare_all(im) < 0 || !(im->stats = crm_stats_begin(im->db)) ||
	    (im->kind == E_CUSTOMERS && bulk_begin(im) < 0))
		fail(im, crm_db_last_status(im->db));
	if (!im->stop)
		import_files(im, files, nfiles);
	if (!im->stop)
		bulk_end(im);        /* the indexes, before anything reads by them */
	bulk_free(im);
	if (!im->stop)
		report_at_end(im);
	/* a dry run too: the ledger's customers are counted as they are created */
	if (!im->stop && (rc = crm_stats_finish(im->stats, &im->c->new_customers)) != CRM_OK)
		fail(im, rc);
	if (im->stop && !im->broken && im->o->dry_run)
		count_before_stop(im);
	crm_stats_free(im->stats);
	finalize_all(im);
	if (im->stop || im->o->dry_run)
		return give_up(im);
	if (log_import(im, files, nfiles) < 0) {
		if (!im->broken)     /* a failed prepare: reported, not yet failed */
			fail(im, crm_db_last_status(im->db));
		return give_up(im);
	}
	if (flush_rejects(im, _("; nothing was imported")) < 0) {
		crm_db_rollback(im->db);
		im->c->aborted = 1;
		return CRM_EIO;
	}
	/* the COMMIT is where a full disk shows: nothing of the run is stored */
	if ((rc = crm_db_commit(im->db)) != CRM_OK) {
		fail(im, rc);
		return give_up(im);
	}
	return im->status;
}

/* Entity column indices, found once so that rows never look up by name. */
static void find_columns(struct imp *im)
{
	const char *const *cols = im->e->table;
	int i;
	for (i = 0; cols[i]; i++)
		im->col[i] = crm_entity_col(im->e, cols[i]);
	for (i = 0; i < W_N; i++)
		im->who[i] = crm_entity_col(im->e, who_names[i]);
	im->qcol = crm_entity_col(im->e, "quantity");
	im->tcol[0] = crm_entity_col(im->e, "opened_at");
	im->tcol[1] = crm_entity_col(im->e, "first_response_at");
	im->tcol[2] = crm_entity_col(im->e, "resolved_at");
}

int crm_import(struct crm_db *db, const struct crm_import_opts *o,
	       char *const *files, int nfiles, struct crm_import_counts *counts)
{
	static char *const stdin_only[] = {(char *)"-"};
	struct imp im;
	int rc;
	memset(&im, 0, sizeof im);
	memset(counts, 0, sizeof *counts);
	im.db = db;
	im.o = o;
	im.c = counts;
	im.e = o->entity;
	im.tz = o->tz;
	memcpy(im.currency0, o->in.currency, sizeof im.currency0);
	im.kind = !strcmp(im.e->name, "customers") ? E_CUSTOMERS :
		  !strcmp(im.e->name, "order_items") ? E_ITEMS : E_OTHER;
	im.is_orders = !strcmp(im.e->name, "orders");
	im.order_col = im.kind == E_OTHER && !im.is_orders ? crm_entity_col(im.e, "order_id") : -1;
	im.is_tickets = !strcmp(im.e->name, "tickets");
	find_columns(&im);
	im.seen = crm_xcalloc(SEEN_SLOTS, sizeof *im.seen);
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	if (open_rejects(&im) < 0) {
		free(im.seen);
		return CRM_EIO;
	}
	rc = run(&im, files, nfiles);
	crm_db_end_bulk(db);
	rc = close_rejects(&im, rc);
	free(im.scratch);
	free(im.batch.bytes);
	free(im.batch.top);
	crm_tmpstack_free(im.batch.aside);
	fall_free(&im.orders_fall);
	free(im.batch.low);
	free(im.batch.pack);
	free(im.batch.back);
	free(im.cur.buf);
	free(im.seen);
	while (im.nnames > 0)
		free(im.names[--im.nnames]);
	free(im.names);
	free(im.rej_cols);
	return rc;
}

void crm_import_summary(const struct crm_import_opts *o, const struct crm_import_counts *c,
			FILE *out)
{
	fprintf(out, _("%s: %s: %lld read, %lld inserted, %lld updated, %lld unchanged, %lld rejected"),
		crm_progname, o->entity->name, c->read, c->inserted, c->updated, c->unchanged,
		c->rejected);
	if (o->dry_run)
		fputs(_(" (dry run: nothing written)"), out);
	fputc('\n', out);
	if (!strcmp(o->entity->name, "order_items"))
		fprintf(out, _("%s: orders: %lld inserted, %lld updated, %lld unchanged; %lld cancelled, "
			"%lld guest, %lld return lines\n"), crm_progname, c->orders_inserted,
			c->orders_updated, c->orders_unchanged, c->cancelled_orders, c->guest_orders,
			c->return_lines);
	if (!strcmp(o->entity->name, "customers") && c->merged)
		fprintf(out, _("%s: customers: %lld merged\n"), crm_progname, c->merged);
	else if (c->new_customers || c->merged)
		fprintf(out, _("%s: customers: %lld created, %lld merged\n"), crm_progname,
			c->new_customers, c->merged);
	if (c->unknown_orders)
		fprintf(out, crm_n_("%s: %s: %lld names an order not stored: kept, and linked to its "
				    "customer once the order is imported\n",
				    "%s: %s: %lld name an order not stored: kept, and linked to its "
				    "customer once the order is imported\n", c->unknown_orders),
			crm_progname, o->entity->name, c->unknown_orders);
}
