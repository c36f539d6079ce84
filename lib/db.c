/* db.c - open, migrate and report on the crm database; see db.h. */
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "i18n.h"
#include "runblob.h"
#include "times.h"

/* The crm_dbs open in the process, and the write-behind descriptors that
 * wait for the last of them to close (see crm_db_write_behind()). */
static atomic_int open_dbs;
static int behind_fds[8];
static atomic_int n_behind;

/* Busy timeout: a report waits this long for an import's commit. */
#define BUSY_MS 5000

static int busy_timeout(void)
{
	const char *env = getenv("CRM_BUSY_TIMEOUT");
	char *end;
	long ms;
	if (!env || !*env)
		return BUSY_MS;
	ms = strtol(env, &end, 10);
	return *end || ms < 0 || ms > 3600000 ? BUSY_MS : (int)ms;
}

/*
 * Forward migrations: migrations[i] takes schema version i to i+1.  Never
 * edit a released step; add a new one.  Times are ISO 8601 text in UTC
 * (customer_stats': Unix seconds), money is integer minor units beside an
 * ISO 4217 code.
 */
static const char *const migrations[] = {
	/* 0 -> 1: the data model of crm(7) */
	"CREATE TABLE customers ("
	"  customer_id TEXT PRIMARY KEY NOT NULL,"
	"  email TEXT, phone TEXT, name TEXT, signup_at TEXT, birthday TEXT,"
	"  country TEXT, marketing_opt_in INTEGER"
	") WITHOUT ROWID;"
	"CREATE UNIQUE INDEX customers_email ON customers(email) WHERE email IS NOT NULL;"
	"CREATE UNIQUE INDEX customers_phone ON customers(phone) WHERE phone IS NOT NULL;"
	/* another id of a customer, found to be the same person by e-mail or phone */
	"CREATE TABLE customer_aliases ("
	"  alias TEXT PRIMARY KEY NOT NULL, customer_id TEXT NOT NULL, reason TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE orders ("
	"  order_id TEXT PRIMARY KEY NOT NULL, customer_id TEXT,"
	"  ordered_at TEXT NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status = 'paid' OR status = 'cancelled' OR"
	"    status = 'refunded' OR status = 'pending'),"   /* an IN list costs a temp table per row */
	"  channel TEXT"
	") WITHOUT ROWID;"
	"CREATE TABLE order_items ("
	"  order_id TEXT NOT NULL, line INTEGER NOT NULL, sku TEXT, product TEXT,"
	"  category TEXT, quantity INTEGER NOT NULL, unit_price INTEGER NOT NULL,"
	"  PRIMARY KEY (order_id, line)"
	") WITHOUT ROWID;"
	"CREATE TABLE tickets ("
	"  ticket_id TEXT PRIMARY KEY NOT NULL, customer_id TEXT, channel TEXT,"
	"  category TEXT, opened_at TEXT NOT NULL, first_response_at TEXT,"
	"  resolved_at TEXT, status TEXT, csat INTEGER"
	") WITHOUT ROWID;"
	"CREATE TABLE reviews ("
	"  review_id TEXT PRIMARY KEY NOT NULL, customer_id TEXT, sku TEXT,"
	"  rating INTEGER NOT NULL, title TEXT, body TEXT, posted_at TEXT NOT NULL,"
	"  replied_at TEXT, platform TEXT"
	") WITHOUT ROWID;"
	"CREATE TABLE responses ("
	"  response_id TEXT PRIMARY KEY NOT NULL, customer_id TEXT, answered_at TEXT,"
	"  score INTEGER NOT NULL, comment TEXT, survey TEXT, channel TEXT"
	") WITHOUT ROWID;"
	/* one row per crm-import run that wrote, for the record */
	"CREATE TABLE imports ("
	"  id INTEGER PRIMARY KEY, entity TEXT NOT NULL, files TEXT NOT NULL,"
	"  finished_at TEXT NOT NULL, read INTEGER, inserted INTEGER, updated INTEGER,"
	"  unchanged INTEGER, rejected INTEGER"
	");",
	/* 1 -> 2: per-customer figures kept at import (stats.h), and saved
	 * segment runs so that crm-segment can tell who moved where */
	"CREATE TABLE customer_stats ("
	"  customer_id TEXT NOT NULL, currency TEXT NOT NULL,"
	"  first_at TEXT NOT NULL, last_at TEXT NOT NULL,"
	"  orders INTEGER NOT NULL, monetary INTEGER NOT NULL,"
	"  PRIMARY KEY (customer_id, currency)"
	") WITHOUT ROWID;"
	/* the step as released: stats.h's SELECT of that time, text times */
	"INSERT INTO customer_stats SELECT customer_id, currency, min(ordered_at), "
	"max(ordered_at), count(*), sum(amount) FROM orders WHERE customer_id IS NOT NULL "
	"AND (status = 'paid' OR status = 'pending') GROUP BY customer_id, currency;"
	"CREATE TABLE segment_runs ("
	"  run_id INTEGER PRIMARY KEY, saved_at TEXT NOT NULL, as_of TEXT NOT NULL,"
	"  scheme TEXT NOT NULL, currency TEXT NOT NULL, customers INTEGER NOT NULL"
	");"
	"CREATE TABLE segment_members ("
	"  run_id INTEGER NOT NULL REFERENCES segment_runs ON DELETE CASCADE,"
	"  customer_id TEXT NOT NULL, segment TEXT NOT NULL,"
	"  recency INTEGER NOT NULL, frequency INTEGER NOT NULL, monetary INTEGER NOT NULL,"
	"  r INTEGER NOT NULL, f INTEGER NOT NULL, m INTEGER NOT NULL,"
	"  PRIMARY KEY (run_id, customer_id)"
	") WITHOUT ROWID;",
	/* 2 -> 3: coupon codes (crm-coupon) and the detractors called back
	 * (crm-nps --followed-up) */
	"CREATE TABLE coupons ("
	"  code TEXT PRIMARY KEY NOT NULL, campaign TEXT NOT NULL, customer_id TEXT,"
	"  discount TEXT NOT NULL, min_order INTEGER, currency TEXT,"
	"  issued_at TEXT NOT NULL, expires_at TEXT, redeemed_at TEXT, order_id TEXT,"
	"  voided_at TEXT, expired_at TEXT,"
	/* a redemption names its order; a code ends at most one way */
	"  CHECK ((redeemed_at IS NULL) = (order_id IS NULL)),"
	"  CHECK ((redeemed_at IS NOT NULL) + (voided_at IS NOT NULL) +"
	"    (expired_at IS NOT NULL) <= 1)"
	") WITHOUT ROWID;"
	"CREATE INDEX coupons_campaign ON coupons(campaign, customer_id);"
	/* codes are typed without their dashes: one code per compact form */
	"CREATE UNIQUE INDEX coupons_key ON coupons(replace(code, '-', ''));"
	"CREATE TABLE followups ("
	"  response_id TEXT PRIMARY KEY NOT NULL, customer_id TEXT,"
	"  followed_at TEXT NOT NULL, note TEXT"
	") WITHOUT ROWID;"
	/* crm-report reads one period's rows; the orders index covers its
	 * queries so that a week of a large shop is one short index range */
	"CREATE INDEX orders_time ON orders(ordered_at, status, currency, amount, customer_id);"
	"CREATE INDEX tickets_opened ON tickets(opened_at);"
	"CREATE INDEX reviews_posted ON reviews(posted_at, rating);"
	"CREATE INDEX reviews_unreplied ON reviews(posted_at) WHERE replied_at IS NULL AND rating <= 2;"
	"CREATE INDEX responses_answered ON responses(answered_at, score, survey);"
	/* who moved where between saved runs, counted once at --save */
	"CREATE TABLE segment_flows ("
	"  run_id INTEGER NOT NULL REFERENCES segment_runs ON DELETE CASCADE,"
	"  from_segment TEXT NOT NULL, to_segment TEXT NOT NULL, customers INTEGER NOT NULL,"
	"  PRIMARY KEY (run_id, from_segment, to_segment)"
	") WITHOUT ROWID;"
	CRM_FLOWS_SQL("1") ";",
	/* 3 -> 4: customer_stats' times become integer Unix seconds: a
	 * segmentation reads the whole table, a report a range of it */
	"CREATE TABLE customer_stats_4 ("
	"  customer_id TEXT NOT NULL, currency TEXT NOT NULL,"
	"  first_unix INTEGER NOT NULL, last_unix INTEGER NOT NULL,"
	"  orders INTEGER NOT NULL, monetary INTEGER NOT NULL,"
	"  PRIMARY KEY (customer_id, currency)"
	") WITHOUT ROWID;"
	"INSERT INTO customer_stats_4 SELECT customer_id, currency, unixepoch(first_at), "
	"unixepoch(last_at), orders, monetary FROM customer_stats ORDER BY 1, 2;"
	"DROP TABLE customer_stats;"
	"ALTER TABLE customer_stats_4 RENAME TO customer_stats;"
	/* the unanswered negative reviews' index covers the report's count:
	 * without its two columns each entry cost a lookup of its review */
	"DROP INDEX reviews_unreplied;"
	"CREATE INDEX reviews_unreplied ON reviews(posted_at, rating, replied_at) "
	"WHERE replied_at IS NULL AND rating <= 2;",
	/* 4 -> 5: coupon redemptions dated in the past with --backdate say when
	 * they were entered; failed redemptions leave a trace (the first
	 * characters of the code only), which the throttle counts by time */
	"ALTER TABLE coupons ADD COLUMN backdated_at TEXT;"
	"CREATE TABLE coupon_failures ("
	"  id INTEGER PRIMARY KEY, at TEXT NOT NULL, prefix TEXT NOT NULL, reason TEXT NOT NULL"
	");"
	"CREATE INDEX coupon_failures_at ON coupon_failures(at);",
	/* 5 -> 6: real exports.  A review or a survey answer may name its
	 * order, which names the customer the review lacks.  An order keeps
	 * the total of its lines beside its amount: lines imported after an
	 * orders (or payments) file no longer write over the amount it gave;
	 * amount_from_lines says the amount is the lines' total, as for an
	 * order only an order_items file made.  Orders of an earlier crm that
	 * have lines are taken to have their amount from them where it equals
	 * their total, as order_items then wrote it. */
	"ALTER TABLE reviews ADD COLUMN order_id TEXT;"
	"ALTER TABLE responses ADD COLUMN order_id TEXT;"
	"ALTER TABLE orders ADD COLUMN lines_total INTEGER;"
	"ALTER TABLE orders ADD COLUMN amount_from_lines INTEGER NOT NULL DEFAULT 0;"
	"UPDATE orders SET lines_total = (SELECT sum(quantity * unit_price) FROM order_items i "
	"WHERE i.order_id = orders.order_id) WHERE order_id IN (SELECT order_id FROM order_items);"
	"UPDATE orders SET amount_from_lines = 1 WHERE lines_total = amount;"
	"CREATE INDEX reviews_order ON reviews(order_id) WHERE order_id IS NOT NULL;"
	"CREATE INDEX responses_order ON responses(order_id) WHERE order_id IS NOT NULL;",
	/* 6 -> 7: crm-loyalty (ledger.h).  The programs a shop ran, each
	 * version in its canonical text from the instant it took effect; the
	 * ledger, append-only, whose credits are the lots its debits draw on;
	 * the runs that acted on a day (none may act on an earlier one); the
	 * tier each member holds and every move between tiers. */
	"CREATE TABLE loyalty_programs ("
	"  version INTEGER PRIMARY KEY, effective_at TEXT NOT NULL, loaded_at TEXT NOT NULL,"
	"  text TEXT NOT NULL"
	");"
	"CREATE TABLE loyalty_entries ("
	"  entry_id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind = 'earn' OR kind = 'release' OR kind = 'redeem' OR"
	"    kind = 'adjust' OR kind = 'expire' OR kind = 'reverse' OR kind = 'bonus'),"
	"  points INTEGER NOT NULL, lot INTEGER, at TEXT NOT NULL, order_id TEXT, reason TEXT,"
	"  program INTEGER, tier TEXT, basis INTEGER, available_at TEXT, expires_at TEXT,"
	"  shortfall INTEGER NOT NULL DEFAULT 0, run_id INTEGER"
	");"
	"CREATE INDEX loyalty_entries_customer ON loyalty_entries(customer_id, entry_id);"
	"CREATE INDEX loyalty_entries_order ON loyalty_entries(order_id) WHERE order_id IS NOT NULL;"
	"CREATE INDEX loyalty_entries_lot ON loyalty_entries(lot) WHERE lot IS NOT NULL;"
	"CREATE UNIQUE INDEX loyalty_entries_bonus ON loyalty_entries(customer_id, reason) "
	"WHERE kind = 'bonus';"
	"CREATE TABLE loyalty_runs ("
	"  run_id INTEGER PRIMARY KEY, verb TEXT NOT NULL, as_of TEXT NOT NULL, at TEXT NOT NULL"
	");"
	"CREATE TABLE loyalty_tiers ("
	"  customer_id TEXT PRIMARY KEY NOT NULL, tier TEXT, since TEXT NOT NULL,"
	"  last_qualified TEXT"
	") WITHOUT ROWID;"
	"CREATE TABLE loyalty_tier_moves ("
	"  move_id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, effective_at TEXT NOT NULL,"
	"  from_tier TEXT, to_tier TEXT, why TEXT NOT NULL, run_id INTEGER NOT NULL"
	");"
	"CREATE INDEX loyalty_tier_moves_customer ON loyalty_tier_moves(customer_id, effective_at);",
	/* 7 -> 8: what help-desk exports carry beside the times (crm-service):
	 * the priority in crm's four words, the agent and team, the text, the
	 * product, and how often a ticket was reopened and answered.  A ticket
	 * stored before has none of them (NULL).  No index more: tickets_opened
	 * gives crm-service its period, and one on resolved_at cost an import
	 * of 1M tickets a third more time (3.7 -> 5.4 s). */
	"ALTER TABLE tickets ADD COLUMN priority TEXT CHECK (priority = 'urgent' OR"
	"  priority = 'high' OR priority = 'normal' OR priority = 'low');"
	"ALTER TABLE tickets ADD COLUMN agent TEXT;"
	"ALTER TABLE tickets ADD COLUMN team TEXT;"
	"ALTER TABLE tickets ADD COLUMN subject TEXT;"
	"ALTER TABLE tickets ADD COLUMN description TEXT;"
	"ALTER TABLE tickets ADD COLUMN sku TEXT;"
	"ALTER TABLE tickets ADD COLUMN reopens INTEGER CHECK (reopens >= 0);"
	"ALTER TABLE tickets ADD COLUMN replies INTEGER CHECK (replies >= 0);",
	/* 8 -> 9: a saved run's members are one blob (runblob.h), no longer a
	 * row each: a run of 3.3M customers took 2.3 s to insert, 4 s to count
	 * its flows and 200 MB of the file.  Every run gets its blob, an empty
	 * one when it had no members; the members go in in the key's order,
	 * which is customer order (crm_runblob_pack refuses any other); the
	 * flows stay as they were counted. */
	"CREATE TABLE segment_blobs ("
	"  run_id INTEGER PRIMARY KEY REFERENCES segment_runs ON DELETE CASCADE,"
	"  members BLOB NOT NULL"
	");"
	"INSERT INTO segment_blobs SELECT s.run_id, (SELECT crm_runblob_pack(m.customer_id, "
	"m.segment, m.recency, m.frequency, m.monetary, m.r, m.f, m.m) FROM segment_members m "
	"WHERE m.run_id = s.run_id) FROM segment_runs s;"
	"DROP TABLE segment_members;",
	/* 9 -> 10: each customer's order times beside their figures (times.h),
	 * so that an order leaving them (a refund) is taken out without reading
	 * every order: no index of orders leads with the customer, and a
	 * week's 5,000 refunds at 10M orders read all of them (1 s).  The
	 * table is made again from the orders, as stats.h's figures are
	 * defined; the times as crm_times_pack of that time builds them. */
	"CREATE TABLE customer_stats_10 ("
	"  customer_id TEXT NOT NULL, currency TEXT NOT NULL,"
	"  first_unix INTEGER NOT NULL, last_unix INTEGER NOT NULL,"
	"  orders INTEGER NOT NULL, monetary INTEGER NOT NULL, times BLOB NOT NULL,"
	"  PRIMARY KEY (customer_id, currency)"
	") WITHOUT ROWID;"
	"INSERT INTO customer_stats_10 SELECT customer_id, currency, unixepoch(min(ordered_at)), "
	"unixepoch(max(ordered_at)), count(*), sum(amount), crm_times_pack(unixepoch(ordered_at)) "
	"FROM orders WHERE customer_id IS NOT NULL AND (status = 'paid' OR status = 'pending') "
	"GROUP BY customer_id, currency ORDER BY 1, 2;"
	"DROP TABLE customer_stats;"
	"ALTER TABLE customer_stats_10 RENAME TO customer_stats;",
	/* 10 -> 11: the negative reviews replied, by the time of the reply,
	 * for the report's count of those awaiting a reply at a period's end:
	 * the unreplied ones' index leaves out those replied after the end,
	 * and finding them looked up every negative review (81,311 waiting
	 * of 1.25M reviews at 10M orders: 4-5 s a period) */
	("CREATE INDEX IF NOT EXISTS reviews_late ON reviews(replied_at, posted_at) "
	 "WHERE rating <= 2 AND replied_at IS NOT NULL;"),   /* one step: clang's -Wstring-concatenation */
	/* 11 -> 12: the figures a later import changes are kept apart until
	 * they are folded in (figures.h), so that a week's orders do not
	 * rewrite every page of customer_stats; the view reads both by key */
	"CREATE TABLE customer_stats_changed ("
	"  customer_id TEXT NOT NULL, currency TEXT NOT NULL,"
	"  first_unix INTEGER NOT NULL, last_unix INTEGER NOT NULL,"
	"  orders INTEGER NOT NULL, monetary INTEGER NOT NULL, times BLOB NOT NULL,"
	"  PRIMARY KEY (customer_id, currency)"
	") WITHOUT ROWID;"
	"CREATE VIEW customer_figures AS "
	"SELECT customer_id, currency, first_unix, last_unix, orders, monetary, times "
	"FROM customer_stats_changed WHERE orders > 0 UNION ALL "
	"SELECT customer_id, currency, first_unix, last_unix, orders, monetary, times "
	"FROM customer_stats s WHERE NOT EXISTS (SELECT 1 FROM customer_stats_changed c "
	"WHERE c.customer_id = s.customer_id AND c.currency = s.currency);",
	/* 12 -> 13: the orders kept in time order, their id in a narrow
	 * unique index, instead of in id order beside a covering index by
	 * time that held most of each row again: a first import writes one
	 * wide b-tree where it wrote two (10M orders, crm-import in turns:
	 * a median 0.84x the time), and the reports' time ranges read the
	 * table itself.  A lookup by id takes one step more. */
	"CREATE TABLE orders_13 ("
	"  order_id TEXT NOT NULL, customer_id TEXT,"
	"  ordered_at TEXT NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status = 'paid' OR status = 'cancelled' OR"
	"    status = 'refunded' OR status = 'pending'),"
	"  channel TEXT, lines_total INTEGER, amount_from_lines INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (ordered_at, order_id)"
	") WITHOUT ROWID;"
	"INSERT INTO orders_13 SELECT order_id, customer_id, ordered_at, amount, currency, status, "
	"channel, lines_total, amount_from_lines FROM orders ORDER BY ordered_at, order_id;"
	"DROP TABLE orders;"
	"ALTER TABLE orders_13 RENAME TO orders;"
	"CREATE UNIQUE INDEX orders_id ON orders(order_id);",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == CRM_SCHEMA_VERSION,
	       "one migration per schema version");

const char *crm_db_path(const char *opt)
{
	const char *env = getenv("CRM_DB");
	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	return "crm.db";
}

int crm_db_status(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? CRM_EBUSY : CRM_EIO;
}

int crm_db_fail(struct crm_db *db, const char *what)
{
	int rc = db->h ? sqlite3_extended_errcode(db->h) : SQLITE_ERROR;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		crm_error(_("%s: %s: the database is locked by another process; try again later"),
			  db->path, crm_tr(what));
	else
		crm_error("%s: %s: %s", db->path, crm_tr(what),
			  db->h ? sqlite3_errmsg(db->h) : _("out of memory"));
	return crm_db_status(rc);
}

/*
 * WAL writes every page twice, to the log and at the checkpoint to the file
 * (10M orders: a 5 s checkpoint at the commit).  A rollback journal keeps
 * only the pages the file had before, and a file born in this open had
 * none but the schema's; a write into empty tables (empty) adds pages and
 * changes few.  Nobody can have read those rows yet, so nobody waits for
 * them but a reader that comes during this write; it gets the usual busy
 * wait.  Should another connection have the file open already, the mode
 * stays WAL.
 */
int crm_db_begin_bulk(struct crm_db *db, int empty)
{
	if ((db->created || empty) &&
	    sqlite3_exec(db->h, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) == SQLITE_OK)
		db->bulk = 1;
	return crm_db_begin_write(db);
}

void crm_db_end_bulk(struct crm_db *db)
{
	/* best effort: a reader holding the file keeps it in the journal mode
	 * until the next open, which asks for WAL again */
	if (db->bulk)
		sqlite3_exec(db->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	db->bulk = 0;
}

int crm_db_begin_read(struct crm_db *db)
{
	int rc = crm_db_exec(db, "PRAGMA mmap_size=1099511627776");
	return rc == CRM_OK ? crm_db_begin(db) : rc;
}

int crm_db_begin_write_mapped(struct crm_db *db)
{
	int rc = crm_db_exec(db, "PRAGMA mmap_size=1099511627776");
	return rc == CRM_OK ? crm_db_begin_write(db) : rc;
}

int crm_db_begin(struct crm_db *db)
{
	return crm_db_exec(db, "BEGIN");
}

static int data_version(struct crm_db *db, long long *v)
{
	return crm_db_one_int(db, crm_db_prepare(db, "PRAGMA data_version"),
			      N_("read the data version"), v);
}

/* CRM_TEST_TWIN_PAUSE=FIFO (tests only): the twin's snapshot begins at
 * once, then the process's Nth twin (CRM_TEST_TWIN_PAUSE_AT, default 1)
 * waits for FIFO's writer to close, so that a test can commit before the
 * first connection's snapshot begins: the case the data version is
 * compared for, on every twin opened by then. */
static void twin_test_pause(struct crm_db_twin *t)
{
	static atomic_int opened;
	const char *fifo = getenv("CRM_TEST_TWIN_PAUSE"), *at = getenv("CRM_TEST_TWIN_PAUSE_AT");
	FILE *f;
	if (!fifo)
		return;
	sqlite3_exec(t->db.h, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	if (atomic_fetch_add(&opened, 1) + 1 != (at ? atoi(at) : 1))
		return;
	if ((f = fopen(fifo, "r"))) {
		while (fgetc(f) != EOF)
			;
		fclose(f);
	}
}

int crm_db_twin_open(struct crm_db *db, struct crm_db_twin *t, int mapped)
{
	int rc = crm_db_open(&t->db, db->path, CRM_DB_READ);
	if (rc != CRM_OK)
		return rc;
	if ((rc = data_version(&t->db, &t->version)) != CRM_OK ||
	    (rc = mapped ? crm_db_begin_read(&t->db) : crm_db_begin(&t->db)) != CRM_OK)
		crm_db_close(&t->db);
	else
		twin_test_pause(t);
	return rc;
}

int crm_db_twin_close(struct crm_db_twin *t)
{
	long long v = -1;
	int same;
	sqlite3_exec(t->db.h, "COMMIT", NULL, NULL, NULL);
	same = data_version(&t->db, &v) == CRM_OK && v == t->version;
	crm_db_close(&t->db);
	return same;
}

int crm_db_in_read(struct crm_db *db)
{
	return sqlite3_txn_state(db->h, "main") == SQLITE_TXN_READ;
}

int crm_db_begin_write(struct crm_db *db)
{
	return crm_db_exec(db, "BEGIN IMMEDIATE");
}

int crm_db_exec(struct crm_db *db, const char *sql)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return crm_db_fail(db, sql);
	return CRM_OK;
}

/*
 * The e-mail and phone indexes of 4M customers took 7.5-10.2 s on one
 * thread with a 16 MiB cache, 4.3-5.3 s with two helpers and a 4 MiB one
 * (bench/run's customers, SQLite alone): the sorter sorts a run per
 * cache's worth of rows, on a helper while the caller reads the next, and
 * a run of 4 MiB stays in the processor's cache.  Helpers past the cores
 * cost only their stacks; SQLite sorts on the caller's thread where it
 * cannot have one.  Threads go back to 0, SQLite's default: crm sets them
 * nowhere else.
 */
int crm_db_exec_sorting(struct crm_db *db, const char *sql)
{
	long long pages = 0;
	char restore[64];
	int rc = crm_db_one_int(db, crm_db_prepare(db, "PRAGMA cache_size"), N_("read the cache size"),
				&pages), after;
	if (rc != CRM_OK || (rc = crm_db_exec(db, "PRAGMA threads=2; PRAGMA cache_size=-4096")) != CRM_OK)
		return rc;
	rc = crm_db_exec(db, sql);
	snprintf(restore, sizeof restore, "PRAGMA threads=0; PRAGMA cache_size=%lld", pages);
	after = crm_db_exec(db, restore);
	return rc != CRM_OK ? rc : after;
}

sqlite3_stmt *crm_db_prepare(struct crm_db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		crm_db_fail(db, N_("prepare"));
		return NULL;
	}
	return st;
}

int crm_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int crm_bind_static(sqlite3_stmt *st, int i, const char *s)
{
	return crm_bind_static_len(st, i, s, s ? strlen(s) : 0);
}

int crm_bind_static_len(sqlite3_stmt *st, int i, const char *s, size_t n)
{
	if (!s || !n)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, (int)n, SQLITE_STATIC);
}

/* Create the file ourselves so that it is born 0600, whatever the umask:
 * 1 when it is new, 0 when it was there, -1 (reported) on failure.  Only
 * CRM_DB_CREATE makes a file; the other modes want one there. */
static int create_private(const char *path, int mode)
{
	int fd;
	if (mode != CRM_DB_CREATE) {
		if (access(path, F_OK) == 0)
			return 0;
		crm_error(_("%s: no such database (import something first: crm-import)"), path);
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return close(fd) == 0;
	if (errno == EEXIST)
		return 0;
	crm_error(_("%s: cannot create the database: %s"), path, strerror(errno));
	return -1;
}

int crm_db_one_int(struct crm_db *db, sqlite3_stmt *st, const char *what, long long *out)
{
	int rc;
	*out = 0;
	if (!st)
		return crm_db_last_status(db);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, what);
}

/* What a file says about itself, read in one statement (one snapshot):
 * its application_id, its user_version, how many schema objects it has
 * and how many of crm's first tables. */
struct marker {
	long long app, version, objects, tables;
};

/* An SQLite result code, unreported: the caller decides what it means. */
static int read_marker(struct crm_db *db, struct marker *m)
{
	static const char sql[] =
		"SELECT (SELECT application_id FROM pragma_application_id),"
		" (SELECT user_version FROM pragma_user_version),"
		" (SELECT count(*) FROM sqlite_master),"
		" (SELECT count(*) FROM sqlite_master WHERE type = 'table'"
		"  AND name IN ('customers', 'orders', 'imports'))";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	memset(m, 0, sizeof *m);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		m->app = sqlite3_column_int64(st, 0);
		m->version = sqlite3_column_int64(st, 1);
		m->objects = sqlite3_column_int64(st, 2);
		m->tables = sqlite3_column_int64(st, 3);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Whether the file is crm's, and of a version this open may use: CRM_OK,
 * or the exit code after saying why not.  A file crm did not write is
 * refused before anything is written to it (the marker: crm(7)). */
static int check_marker(struct crm_db *db, int mode, const struct marker *m)
{
	int crm = m->app == CRM_DB_APPLICATION_ID || (m->app == 0 && m->tables == 3);
	if (!crm && !m->app && !m->version && !m->objects) {
		if (mode == CRM_DB_CREATE)
			return CRM_OK;
		crm_error(_("%s: an empty file, no crm database yet (import something first: crm-import)"),
			  db->path);
	} else if (!crm) {
		crm_error(_("%s: not a crm database"), db->path);
	} else if (m->version > CRM_SCHEMA_VERSION) {
		crm_error(_("%s: the database has schema version %lld, newer than this crm's %d; "
			  "upgrade crm"), db->path, m->version, CRM_SCHEMA_VERSION);
	} else if (m->version < 1) {
		/* migrations[] has no step from there: no crm wrote it */
		crm_error(_("%s: the database has schema version %lld, which no crm wrote"),
			  db->path, m->version);
	} else if (mode == CRM_DB_READ && m->version < CRM_SCHEMA_VERSION) {
		crm_error(_("%s: the database has schema version %lld, older than this crm's %d; "
			  "run crm-import to upgrade it"), db->path, m->version, CRM_SCHEMA_VERSION);
	} else {
		return CRM_OK;
	}
	return CRM_EIO;
}

/*
 * crm_runblob_pack(customer_id, segment, recency, frequency, monetary, r, f,
 * m): the aggregate of migration 8 -> 9, a run's segment_members rows, fed
 * in customer order, as its blob.  A row the format cannot hold stops the
 * migration with the reason (the file stays as it was).
 */
struct pack {
	struct crm_runblob_enc enc;
	int failed;
};

static int pack_int(sqlite3_value *v, int64_t lo, int64_t hi, int64_t *out)
{
	*out = sqlite3_value_int64(v);
	return sqlite3_value_type(v) == SQLITE_INTEGER && *out >= lo && *out <= hi;
}

static void pack_step(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct pack *p = sqlite3_aggregate_context(cx, sizeof *p);
	struct crm_runblob_member m;
	const char *why = "a figure out of range";
	int64_t x[6];
	int i, ok = 1;
	if (!p || p->failed || argc != 8) {
		if (!p)
			sqlite3_result_error_nomem(cx);
		return;
	}
	m.id = (const char *)sqlite3_value_text(v[0]);
	m.idlen = (size_t)sqlite3_value_bytes(v[0]);
	m.seg = crm_runblob_enc_name(&p->enc, sqlite3_value_type(v[1]) == SQLITE_TEXT ?
				     (const char *)sqlite3_value_text(v[1]) : "",
				     (size_t)sqlite3_value_bytes(v[1]), &why);
	ok = m.id && m.seg >= 0;
	for (i = 0; i < 6 && ok; i++)
		ok = pack_int(v[2 + i], i == 2 ? INT64_MIN : i < 2 ? INT32_MIN : 0,
			      i == 2 ? INT64_MAX : i < 2 ? INT32_MAX : 255, &x[i]);
	if (ok) {
		m.recency = (int32_t)x[0];
		m.frequency = (int32_t)x[1];
		m.monetary = x[2];
		for (i = 0; i < 3; i++)
			m.score[i] = (unsigned char)x[3 + i];
		ok = crm_runblob_enc_add(&p->enc, &m, &why) == 0;
	}
	if (!ok) {
		p->failed = 1;
		sqlite3_result_error(cx, m.id ? why : "a member without a customer id", -1);
	}
}

static void pack_final(sqlite3_context *cx)
{
	struct pack *p = sqlite3_aggregate_context(cx, 0), none;
	unsigned char *blob;
	size_t len;
	if (!p) {
		memset(&none, 0, sizeof none);    /* a run of no members */
		p = &none;
	}
	if (p->failed) {
		crm_runblob_enc_release(&p->enc);
		return;
	}
	blob = crm_runblob_enc_finish(&p->enc, &len);
	sqlite3_result_blob64(cx, blob, len, free);
}

/* A writer takes the file to CRM_SCHEMA_VERSION and stamps crm's
 * application_id on it (a file of an earlier crm has none), in one
 * transaction. */
static int migrate(struct crm_db *db, const struct marker *m)
{
	struct marker now;
	int v, rc;
	char sql[96];
	if (m->version == CRM_SCHEMA_VERSION && m->app == CRM_DB_APPLICATION_ID)
		return CRM_OK;
	if ((rc = crm_db_begin_write(db)) != CRM_OK)
		return rc;
	/* Another process may have migrated while we waited for the lock. */
	if (read_marker(db, &now) != SQLITE_OK)
		rc = crm_db_fail(db, N_("read the schema version"));
	else
		rc = check_marker(db, CRM_DB_CREATE, &now);
	if (rc != CRM_OK)
		goto fail;
	for (v = (int)now.version; v < CRM_SCHEMA_VERSION; v++)
		if ((rc = crm_db_exec(db, migrations[v])) != CRM_OK)
			goto fail;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
		 CRM_SCHEMA_VERSION, CRM_DB_APPLICATION_ID);
	if ((rc = crm_db_exec(db, sql)) != CRM_OK || (rc = crm_db_commit(db)) != CRM_OK)
		goto fail;
	return CRM_OK;
fail:
	crm_db_rollback(db);
	return rc;
}

/* "file:PATH?immutable=1", PATH percent-encoded: the one way to ask it */
static char *immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *uri = crm_xmalloc(strlen(path) * 3 + 32), *o = uri;
	const unsigned char *p = (const unsigned char *)path;
	o += sprintf(o, "file:%s", *p == '/' ? "//" : "");
	for (; *p; p++)
		if (strchr("/-._~", *p) || (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z')) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	strcpy(o, "?immutable=1");
	return uri;
}

/* 1 when PATH+SUFFIX is not there */
static int missing(const char *path, const char *suffix)
{
	size_t n = strlen(path) + strlen(suffix) + 1;
	char *name = crm_xmalloc(n);
	int gone;
	snprintf(name, n, "%s%s", path, suffix);
	gone = access(name, F_OK) != 0 && errno == ENOENT;
	free(name);
	return gone;
}

/* A WAL file is read beside its -wal and -shm files, which a reader that
 * may not write the directory cannot create when no writer left them
 * there (SQLite says SQLITE_READONLY_DIRECTORY).  With no -wal file there
 * is no log to read, and with no -journal no write to undo: the file alone
 * is the database, read as immutable (unlocked; a writer from another
 * account that starts during the read is not seen, and may tear it). */
static int reopen_immutable(struct crm_db *db, int rc)
{
	char *uri;
	if (rc != SQLITE_READONLY_DIRECTORY || !missing(db->path, "-wal") ||
	    !missing(db->path, "-journal"))
		return 0;
	sqlite3_close(db->h);
	uri = immutable_uri(db->path);
	rc = sqlite3_open_v2(uri, &db->h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
			     SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	return rc == SQLITE_OK;
}

/* Open the handle and read the marker; CRM_OK or the exit code, reported. */
static int open_handle(struct crm_db *db, int mode, struct marker *m)
{
	int flags = mode == CRM_DB_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	int rc;
	/* Every command uses its connection from one thread: no mutexes, and
	 * no allocation statistics (they take a global one on each malloc). */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	rc = sqlite3_open_v2(db->path, &db->h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (db->h)
		atomic_fetch_add(&open_dbs, 1);
	if (rc != SQLITE_OK)
		return crm_db_fail(db, N_("open"));
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, busy_timeout());
	rc = read_marker(db, m);
	if (rc != SQLITE_OK && mode == CRM_DB_READ && reopen_immutable(db, rc)) {
		sqlite3_extended_result_codes(db->h, 1);
		rc = read_marker(db, m);
	}
	if ((rc & 0xff) == SQLITE_NOTADB) {
		crm_error(_("%s: not a crm database"), db->path);
		return CRM_EIO;
	}
	if (rc == SQLITE_READONLY_ROLLBACK) {
		crm_error(_("%s: a write to it was interrupted, and only a command that may write it "
			  "(crm-import) can undo that"), db->path);
		return CRM_EIO;
	}
	if (rc != SQLITE_OK)
		return crm_db_fail(db, N_("open"));
	return check_marker(db, mode, m);
}

static int open_db(struct crm_db *db, const char *path, int mode)
{
	struct marker m;
	int rc;
	db->h = NULL;
	db->created = db->bulk = 0;
	db->behind_fd = -1;
	db->behind_calls = 0;
	db->path = crm_xstrdup(path);
	if (strcmp(path, ":memory:") && (db->created = create_private(path, mode)) < 0)
		return CRM_EIO;
	if ((rc = open_handle(db, mode, &m)) != CRM_OK)
		return rc;
	/* a reader leaves the file as it found it: no journal mode, no migration */
	if (mode == CRM_DB_READ)
		return crm_db_exec(db, "PRAGMA foreign_keys=ON");
	/* 16 KiB pages: a third off bulk imports; a no-op on an existing file */
	if (sqlite3_create_function_v2(db->h, "crm_runblob_pack", 8, SQLITE_UTF8 |
				       SQLITE_DETERMINISTIC, NULL, NULL, pack_step, pack_final,
				       NULL) != SQLITE_OK)
		return crm_db_fail(db, N_("register crm_runblob_pack"));
	if (crm_times_register(db->h) != SQLITE_OK)
		return crm_db_fail(db, N_("register crm_times_pack"));
	if ((rc = crm_db_exec(db, "PRAGMA page_size=16384")) != CRM_OK ||
	    (rc = crm_db_exec(db, "PRAGMA journal_mode=WAL")) != CRM_OK ||
	    (rc = crm_db_exec(db, "PRAGMA synchronous=NORMAL")) != CRM_OK ||
	    (rc = crm_db_exec(db, "PRAGMA foreign_keys=ON")) != CRM_OK)
		return rc;
	return migrate(db, &m);
}

int crm_db_open(struct crm_db *db, const char *path, int mode)
{
	int rc = open_db(db, path, mode);
	if (rc != CRM_OK)
		crm_db_close(db);    /* nothing stays open, whatever the caller does next */
	return rc;
}

void crm_db_write_behind(struct crm_db *db)
{
#ifdef SYNC_FILE_RANGE_WRITE
	/* Not the -wal file of an increment: its frames do not fill whole
	 * pages of the page cache, and the next frame waited for the page
	 * under writeback (10M orders: 1.2 -> 1.3 s, 0.15 s more system time) */
	if (!db->bulk || ++db->behind_calls % 256)
		return;
	if (db->behind_fd < 0 && atomic_load(&n_behind) < (int)(sizeof behind_fds / sizeof behind_fds[0])) {
		db->behind_fd = open(db->path, O_RDONLY | O_CLOEXEC);
		if (db->behind_fd >= 0)
			behind_fds[atomic_fetch_add(&n_behind, 1)] = db->behind_fd;
	}
	/* best effort: the commit's fsync writes whatever this did not */
	if (db->behind_fd >= 0)
		(void)sync_file_range(db->behind_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)db;
#endif
}

void crm_db_close(struct crm_db *db)
{
	if (db->h && sqlite3_close(db->h) != SQLITE_OK)
		crm_error(_("%s: close: %s"), db->path, sqlite3_errmsg(db->h));
	if (db->h && atomic_fetch_sub(&open_dbs, 1) == 1)
		while (atomic_load(&n_behind) > 0)
			close(behind_fds[atomic_fetch_sub(&n_behind, 1) - 1]);
	db->behind_fd = -1;
	db->h = NULL;
	free(db->path);
	db->path = NULL;
}

/* ---- ending a transaction ------------------------------------------------- */

int crm_db_commit(struct crm_db *db)
{
	return crm_db_exec(db, "COMMIT");
}

void crm_db_rollback(struct crm_db *db)
{
	/* silent: the failure that led here has been reported, and a ROLLBACK
	 * that fails leaves what SQLite rolls back itself when the file closes */
	if (db->h && !sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int crm_db_last_status(struct crm_db *db)
{
	return crm_db_status(sqlite3_errcode(db->h));
}
