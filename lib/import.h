/*
 * import.h - bring rows of shop exports into the crm database.
 *
 * Contract:
 *  - crm_import() reads each file (CSV/TSV as csvio.h says) as rows of one
 *    entity (customers, orders, order_items, tickets, reviews, responses),
 *    maps its header onto the entity's canonical columns (canonical names,
 *    the aliases of crm(7) in English and Korean, --map), normalises every
 *    value (norm.h), and upserts each row by its natural key, all in ONE
 *    transaction: on any fatal error, or with dry_run, nothing is written.
 *  - Every row read is counted exactly once as inserted, updated, unchanged
 *    or rejected; a rejected row is reported as FILE:LINE with its column and
 *    reason, and copied to the rejects file when one is given.  With strict,
 *    the first rejected row aborts the whole import.
 *  - The rejects file is written to a temporary (mode 0600) beside it and
 *    renamed over it when the run wrote all its rejects: it committed, or was
 *    a dry run, or was stopped by its input (CRM_EDATA, CRM_EUSAGE).  A run
 *    that fails otherwise leaves the file as it was.  A device or a pipe is
 *    written through.  crm_import_check_rejects() refuses, before anything
 *    is opened, a rejects file that is the database or an input.
 *  - An empty cell never erases a stored value.
 *  - Customers: the same e-mail or phone under another id is the same
 *    customer; the other id becomes an alias and the merge is reported.
 *    Orders, tickets, reviews and responses of an unknown customer create it.
 *  - order_items rows also create or update their orders: lines_total is
 *    the sum of quantity x unit_price of the order's lines (quantity 1 per
 *    row when the file has no quantity column, said once unless quiet); a
 *    row without a customer is a guest order.  The amount is that sum for
 *    an order the lines make (amount_from_lines); an order an orders file
 *    stored keeps its amount and currency, and the orders whose lines' total
 *    differs are reported at the end in one count line and the first few.
 *    An orders file sets the amount and amount_from_lines = 0.
 *  - A ticket whose times contradict each other (ticket.h) is imported as
 *    given and reported, the first few one by one, then in one count line.
 *    Such warnings are said even when quiet, and leave the status alone.
 *  - The caller checks the entity and opens the --tz zone, once, as the
 *    command line names them (crm_entity_find, crm_common_tz of opts.h).
 *  - Returns CRM_OK, CRM_EDATA (rows rejected, or a file-level data error),
 *    CRM_EUSAGE (a bad --map), CRM_EIO or CRM_EBUSY, having reported the
 *    reason.  A run that failed (not a dry run), its COMMIT too (a full
 *    disk), has said last that nothing was imported and set
 *    counts->aborted: its counts are of rows never stored, not to print.
 *  - Threads: crm_import() reads on a thread of its own (feed.h; on the
 *    calling thread, between its writes, when none can be had), which
 *    parses and converts the files, maps their headers, and checks and
 *    normalises their rows (for order_items without a currency option, only
 *    checks them); it writes nothing anywhere.  The calling thread does all
 *    the rest, in file order: the database and the customer ledger, the
 *    messages and the progress line on standard error, the rejects file, the
 *    counts.  So what an import writes is the same as when one thread did it
 *    all, and the reading thread is joined before crm_import() returns.
 *    Meanwhile TZ holds the --tz zone when it is a named one (norm.h,
 *    crm_tz_pin), and the caller must have no other thread running.
 */
#ifndef CRM_IMPORT_H
#define CRM_IMPORT_H

#include <stdio.h>

#include "csvio.h"
#include "db.h"
#include "entity.h"
#include "norm.h"
#include "opts.h"

struct crm_import_opts {
	const struct crm_entity *entity;  /* crm_entity_find()'s */
	struct crm_csv_opts csv;
	const struct crm_tz *tz;     /* zone of naive times: the caller's, open */
	struct crm_input in;         /* --map, --date-order, and --currency: for amounts
				      * with no currency of their own */
	const char *country;         /* for national phone numbers */
	const char *rejects;         /* NULL: no rejects file */
	int strict, dry_run, quiet;
};

struct crm_import_counts {
	long long read, inserted, updated, unchanged, rejected;
	long long merged;            /* customer ids found to be another customer */
	long long new_customers;     /* created from orders, tickets, ... */
	long long orders_inserted, orders_updated, orders_unchanged;   /* order_items */
	long long return_lines, cancelled_orders, guest_orders;
	long long unknown_orders;    /* reviews, responses: rows naming an order not stored */
	int aborted;                 /* rolled back: nothing was written */
};

int crm_import(struct crm_db *db, const struct crm_import_opts *o,
	       char *const *files, int nfiles, struct crm_import_counts *counts);

/* CRM_OK, or CRM_EUSAGE reported when rejects names the database at
 * db_path (or its -wal, -shm or -journal file, existing or not) or one of the
 * files ("-" or none: standard input), by any path: writing it would destroy
 * them. */
int crm_import_check_rejects(const char *rejects, const char *db_path, char *const *files,
			     int nfiles);

/* The one-line summary written to standard error after an import. */
void crm_import_summary(const struct crm_import_opts *o, const struct crm_import_counts *c,
			FILE *out);

#endif
