/*
 * stats.h - per-customer order figures, kept up to date by whoever writes
 * orders, so that segmenting a shop never rescans its orders.
 *
 * Contract:
 *  - customer_stats holds, per customer and currency, the time of the first
 *    and the last order, the number of orders and their total in minor
 *    units, over the orders that count: those paid or pending
 *    (crm_order_counts); cancelled and refunded orders do not.  Times are
 *    integer Unix seconds (first_unix, last_unix), not text like the other
 *    tables': a segmentation reads the whole table, and integers make it
 *    smaller and a local day one division.  times holds the time of each
 *    of those orders (times.h), so that an order can leave the figures
 *    exactly without the others being read.
 *  - Where it writes them: a transaction whose first flush finds no figures
 *    (a first import) writes customer_stats; any later one writes each key
 *    it changes whole to customer_stats_changed (figures.h), and
 *    crm_stats_finish() folds those rows into customer_stats once they are a
 *    quarter of it and at least 4096 ($CRM_FOLD_MIN).  A key is read as
 *    readers read it: its row apart first.
 *  - A writer of orders brackets its transaction's writes with
 *    crm_stats_begin() and crm_stats_finish(), and calls crm_stats_add() for
 *    every order it INSERTS.  Orders it UPDATES need no call: a temporary
 *    trigger notes each change (the order leaving its old customer and
 *    currency, coming into its new ones), and crm_stats_finish() gives the
 *    changes to the ledger, whose flush reads, changes and writes back each
 *    key that orders left.  The figures are then exactly what a GROUP BY
 *    over orders would give, and the times the same bytes whichever way
 *    the orders came.
 *  - The customer ledger: what crm_stats_add() and crm_stats_ensure() note is
 *    summed in memory per (customer, currency), and written only by
 *    crm_stats_flush() (crm_stats_finish() flushes first), in customer order:
 *    each customer noted with CRM_STATS_ENSURE or by crm_stats_ensure() is
 *    created (INSERT ... ON CONFLICT DO NOTHING) and counted in *created
 *    when it was new, and its figures are added.  Until then such customers
 *    are NOT in the database: a writer that looks customers up must flush
 *    first whenever crm_stats_pending() says so.  The ledger keeps each
 *    key's order times with its sums.
 *  - Memory is bounded ($CRM_LEDGER_KB, default 16384 KiB, for the table):
 *    when it is full the table is written, sorted, as a run to an unlinked
 *    temporary file in $TMPDIR (default /tmp); a flush merges the runs.
 *    Nothing grows with the number of orders (the trigger's changes wait in
 *    a temporary table, which SQLite keeps on disk when it is large); a
 *    failure to write the file
 *    (a full disk) is reported and returned, and the caller rolls back.
 *  - A customer's total (monetary) never passes 64 bits: a run that would
 *    take one there fails with CRM_EDATA, the customer named (by the flush,
 *    or by crm_stats_finish() for updated orders); crm_stats_add() and
 *    crm_stats_sync() return CRM_STATS_OVERFLOW unreported, and
 *    crm_stats_fault() names the order the caller gave, for its message.
 *  - The notes are summed on a thread of the ledger's own (the caller's
 *    thread is the one that writes the orders), in blocks of 4096, at most
 *    eight in flight; everything else waits for it to catch up first.  A
 *    flush merges on a thread too, a few keys ahead of the caller's writes.
 *  - Functions return CRM_OK or an exit code, having reported the error.
 */
#ifndef CRM_STATS_H
#define CRM_STATS_H

#include <stdint.h>

#include "db.h"

struct crm_stats;

/* The hash of a customer in a currency, for in-memory tables of figures. */
unsigned crm_customer_hash(const char *id, const char *currency);

/* Does an order of this status (NULL: paid) count for the customer? */
int crm_order_counts(const char *status);

/* Prepare for a transaction that writes orders; NULL after reporting. */
struct crm_stats *crm_stats_begin(struct crm_db *db);
/* A new order of `customer` (not NULL) at `at` (Unix seconds); with
 * CRM_STATS_ENSURE the customer is also one to create (crm_stats_ensure).
 * `order` and `line` only name the order should it fail (crm_stats_fault).
 * The ledger sums notes on a thread of its own, in the order given: this
 * and crm_stats_ensure() return what an EARLIER note met, if anything
 * (as crm_stats_sync() does), and every note after a failure is dropped. */
enum { CRM_STATS_ENSURE = 1 };
/* CRM_STATS_OVERFLOW, unreported: a customer's total would pass 64 bits. */
enum { CRM_STATS_OVERFLOW = -1 };
int crm_stats_add(struct crm_stats *s, const char *customer, const char *currency,
		  int64_t at, int64_t amount, int flags, const char *order, long line);
/* A customer that must exist once the ledger is flushed. */
int crm_stats_ensure(struct crm_stats *s, const char *customer);
/* Wait until every note is summed: CRM_OK, CRM_STATS_OVERFLOW (unreported;
 * crm_stats_fault() says which note) or an exit code, reported. */
int crm_stats_sync(struct crm_stats *s);
/* The note that took its customer's total past 64 bits, as it was given. */
struct crm_stats_fault {
	const char *order, *customer, *currency;
	long line;
};
void crm_stats_fault(const struct crm_stats *s, struct crm_stats_fault *f);
/* Does the ledger hold customers that are not yet created? */
int crm_stats_pending(const struct crm_stats *s);
/* Write the ledger (create its customers, adding the new ones to *created;
 * add its figures) and empty it. */
int crm_stats_flush(struct crm_stats *s, long long *created);
/* Flush, then recompute customers with updated orders. */
int crm_stats_finish(struct crm_stats *s, long long *created);
/* Free, dropping the temporary trigger; safe with NULL. */
void crm_stats_free(struct crm_stats *s);

/* Did the database's last statement fail on a sum past 64 bits (SQLite's
 * sum() says "integer overflow")? */
int crm_stats_overflowed(struct crm_db *db);
/* A reader's failed statement over money: a sum past 64 bits is reported
 * with the figure's name as bad data (CRM_EDATA), anything else as
 * crm_db_fail(db, figure) does. */
int crm_stats_sum_fail(struct crm_db *db, const char *figure);
/* A customer id that splits customer_stats in two halves to read at once
 * (ids below it, and from it on): the midpoint of the least and greatest
 * ids' first eight bytes, NUL-terminated in key.  CRM_OK, an exit code
 * (reported), or CRM_STATS_NO_SPLIT when the ids leave no room. */
enum { CRM_STATS_NO_SPLIT = -2 };
int crm_stats_split_key(struct crm_db *db, char key[9]);

#endif
