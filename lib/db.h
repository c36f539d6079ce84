/*
 * db.h - the crm database: one SQLite file.
 *
 * Contract:
 *  - crm_db_path() picks the file: --db, else $CRM_DB, else ./crm.db.
 *  - crm_db_open() opens a database crm wrote, in one of three modes.
 *    CRM_DB_CREATE (crm-import, crm-coupon issue) creates a missing file
 *    readable by its owner only (0600; SQLite gives its -wal and -shm
 *    files the same mode) and makes crm's schema in it, as in an empty one
 *    (0 bytes, or an SQLite file with no schema, no user_version and no
 *    application_id).  CRM_DB_WRITE wants the database there.  Both open
 *    it in WAL mode and migrate the schema forward to CRM_SCHEMA_VERSION,
 *    stamping CRM_DB_APPLICATION_ID, in one transaction.  CRM_DB_READ (a
 *    command that only reads) opens the file read-only and writes nothing:
 *    no journal mode, no migration (an older schema is refused: "run
 *    crm-import to upgrade it"), so that a user who may not write the file
 *    or its directory can read it (where it cannot create the -wal and
 *    -shm files and none are there, the file alone is read as immutable).
 *    Every mode waits a busy timeout ($CRM_BUSY_TIMEOUT ms, default 5000).
 *  - Before anything is written, the file must be crm's: its application_id
 *    is CRM_DB_APPLICATION_ID, or (an earlier crm's, which set none) it is 0
 *    and crm's first tables are there.  Anything else that is not empty is
 *    refused as "not a crm database" and left as it was, byte for byte; so
 *    is a schema version crm never wrote (below 1), and a newer one is
 *    refused, never downgraded.
 *  - crm_db_begin_read() starts a reader's one snapshot: whatever an import
 *    commits meanwhile shows in none of what it reads or in all of it.  The
 *    file is mapped rather than copied page by page, as far as SQLite's
 *    build allows (Debian's: 2 GiB); a report of a large shop reads a
 *    third of its pages from the file's far end.
 *  - crm_db_begin_bulk() starts a large write (an import).  Into a file
 *    that this open created, or whose tables it fills are empty (the
 *    caller says so: a first import of orders into a file of customers),
 *    it goes without the write-ahead log, which would write every page
 *    twice, as long as no other connection has the file open; the file is
 *    back in WAL mode after crm_db_end_bulk().  Killed in between, the file keeps a rollback
 *    journal that the next writer's open plays back: it is as it was
 *    before.  A reader refuses such a file ("a write to it was
 *    interrupted"), as playing the journal back is a write.
 *  - crm_db_begin() and crm_db_begin_write() are the other ways into a
 *    transaction (a snapshot; a write that holds the lock from the start),
 *    and crm_db_commit() and crm_db_rollback() the ways out, so that no
 *    command writes SQL of its own.  A failure is reported with the
 *    statement, "PROG: PATH: BEGIN IMMEDIATE: SQLITE MESSAGE".
 *  - Every SQLite call's result is checked; failures are reported as
 *    "PROG: PATH: WHAT: SQLITE MESSAGE" by crm_db_fail(), which returns the exit
 *    code: CRM_EBUSY when the database is locked, else CRM_EIO.
 *  - Only bound parameters are used for values; SQL text is always constant
 *    or assembled from the schema's own column names.
 *  - The schema is db's own: db.c makes every table; db uses no module
 *    above it (runblob, whose format the migration to schema 9 writes
 *    through crm_runblob_pack(), an aggregate registered on every
 *    writer's connection, is below it).
 */
#ifndef CRM_DB_H
#define CRM_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define CRM_SCHEMA_VERSION 13

/* PRAGMA application_id of a database crm made or migrated: "CRM1" */
#define CRM_DB_APPLICATION_ID 0x43524d31

/* CRM_FLOWS_SQL(RUNS) adds the segment_flows rows (segment.h) of the saved
 * runs s that RUNS selects, from schema 8's segment_members: the migration
 * that made the table ran it over every run (a released step, kept as it
 * was).  Since schema 9, crm_run_finish() counts the same rows in C from
 * the runs' blobs. */
#define CRM_FLOWS_SQL(RUNS) \
	"WITH pairs AS (SELECT s.run_id AS r, (SELECT max(q.run_id) FROM segment_runs q " \
	"WHERE q.run_id < s.run_id) AS p FROM segment_runs s WHERE " RUNS ") " \
	"INSERT INTO segment_flows SELECT pairs.r, coalesce(a.segment, '(new)'), b.segment, " \
	"count(*) FROM pairs JOIN segment_members b ON b.run_id = pairs.r LEFT JOIN " \
	"segment_members a ON a.run_id = pairs.p AND a.customer_id = b.customer_id " \
	"GROUP BY 1, 2, 3 UNION ALL SELECT pairs.r, a.segment, '(gone)', count(*) FROM pairs " \
	"JOIN segment_members a ON a.run_id = pairs.p WHERE NOT EXISTS (SELECT 1 FROM " \
	"segment_members b WHERE b.run_id = pairs.r AND b.customer_id = a.customer_id) " \
	"GROUP BY 1, 2, 3"

/* crm_db_open()'s modes: see the contract above */
enum { CRM_DB_CREATE = 0, CRM_DB_WRITE = 1, CRM_DB_READ = 2 };

struct crm_db {
	sqlite3 *h;
	char *path;
	int created;             /* this open created the file */
	int bulk;                /* crm_db_begin_bulk() left WAL mode */
	int behind_fd;           /* crm_db_write_behind()'s descriptor, or -1 */
	unsigned behind_calls;
};

const char *crm_db_path(const char *opt);
/* Returns CRM_OK or an exit code (after reporting). */
/* On failure the error is reported and nothing is left open; closing
 * again is harmless. */
int crm_db_open(struct crm_db *db, const char *path, int mode);
void crm_db_close(struct crm_db *db);
/* In a bulk write (crm_db_begin_bulk), have the kernel start writing the
 * file's changed pages out, without waiting for them: left for the
 * commit's fsync, a first import of 10M orders waited 1.4 s there for its
 * 1.6 GB.  Call it at every batch; it acts at every 256th call.  It keeps
 * a descriptor of the file, closed when the process's last crm_db closes:
 * closing any descriptor of a file drops the process's locks on it. */
void crm_db_write_behind(struct crm_db *db);
/* Step a one-row statement st (from crm_db_prepare: NULL when that failed)
 * and finalize it: its first column into *out (0 when no row).  CRM_OK, or
 * the exit code of the failure to `what`, reported. */
int crm_db_one_int(struct crm_db *db, sqlite3_stmt *st, const char *what, long long *out);
/* BEGIN IMMEDIATE a large write; into a file this open created, or into
 * empty tables (empty: the caller knows), without the write-ahead log (see
 * db.c).  crm_db_end_bulk() after its COMMIT or ROLLBACK goes back to WAL.
 * CRM_OK or an exit code. */
int crm_db_begin_bulk(struct crm_db *db, int empty);
void crm_db_end_bulk(struct crm_db *db);
/* BEGIN a read transaction over the mapped file; CRM_OK or an exit code. */
int crm_db_begin_read(struct crm_db *db);
/* BEGIN a plain transaction: a snapshot from its first read on, the file
 * read as SQLite would (no mapping asked).  CRM_OK or an exit code. */
int crm_db_begin(struct crm_db *db);
/* BEGIN IMMEDIATE: take the write lock now (waiting out the busy timeout),
 * so what the transaction reads stays true until its COMMIT.  CRM_OK or an
 * exit code. */
int crm_db_begin_write(struct crm_db *db);
/* The same, the file mapped for what the transaction reads, as for
 * crm_db_begin_read(): a write that first reads much (crm-segment --save
 * reads every customer's figures), its writes still go through the log. */
int crm_db_begin_write_mapped(struct crm_db *db);

/* A second connection to db's file, for reading part of what db reads on
 * a thread of its own, in a read transaction (mapped: over the mapped
 * file, as crm_db_begin_read()).  Its snapshot is db's when nothing was
 * committed between crm_db_twin_open() and crm_db_twin_close() and db's
 * own reads ran in between (not in a transaction db began earlier): then
 * crm_db_twin_close() returns 1; 0 says the caller must read the twin's
 * part again on db.  crm_db_twin_open() returns CRM_OK or an exit code
 * (reported); crm_db_twin_close() closes in every case. */
struct crm_db_twin {
	struct crm_db db;
	long long version;       /* PRAGMA data_version when opened */
};
int crm_db_twin_open(struct crm_db *db, struct crm_db_twin *t, int mapped);
int crm_db_twin_close(struct crm_db_twin *t);
/* 1 when db is in a read transaction it began earlier (a twin's snapshot
 * cannot be shown to be its). */
int crm_db_in_read(struct crm_db *db);

/* Report the database's last error for `what` (words the caller marks with
 * N_(), given in the message language); returns CRM_EBUSY or CRM_EIO. */
int crm_db_fail(struct crm_db *db, const char *what);
/* Exit code for an SQLite result code. */
int crm_db_status(int rc);

/* Run constant SQL; CRM_OK or an exit code (after reporting). */
int crm_db_exec(struct crm_db *db, const char *sql);
/* Run constant SQL that builds indexes over many rows (CREATE INDEX):
 * SQLite's sorter gets helper threads and sorts in runs that fit the
 * processor's cache; the connection's cache size is as before afterwards.
 * CRM_OK or an exit code (after reporting). */
int crm_db_exec_sorting(struct crm_db *db, const char *sql);
/* Prepare constant SQL; NULL after reporting. */
sqlite3_stmt *crm_db_prepare(struct crm_db *db, const char *sql);

/* Bind helpers: NULL or "" binds SQL NULL. */
int crm_bind_text(sqlite3_stmt *st, int i, const char *s);
/* The same without a copy: s must stay valid until the statement is reset. */
int crm_bind_static(sqlite3_stmt *st, int i, const char *s);
/* The same for the n bytes at s, known already (SQLite needs no strlen);
 * n 0 binds SQL NULL as "" does. */
int crm_bind_static_len(sqlite3_stmt *st, int i, const char *s, size_t n);

/* ---- ending a transaction ---- */
/* COMMIT; CRM_OK, or the exit code of its failure (reported). */
int crm_db_commit(struct crm_db *db);
/* Undo the open transaction, if there is one, silently: for the error
 * path, after the error has been reported.  It also ends a reader's
 * snapshot (crm_db_begin_read), where there is nothing to undo. */
void crm_db_rollback(struct crm_db *db);
/* The exit code (CRM_EBUSY or CRM_EIO) of the last SQLite call on db that
 * failed, for a caller whose callee reported it but returned only NULL or
 * -1 (crm_db_prepare and the openers built on it): the one way to learn it
 * after the fact. */
int crm_db_last_status(struct crm_db *db);

#endif
