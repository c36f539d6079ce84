/*
 * figures.h - the customers' figures as every reader sees them:
 * customer_stats, with the rows a later import changed kept apart in
 * customer_stats_changed until they are folded in (stats.h writes both).
 *
 * Why two tables: a week's 100,000 orders name customers all over
 * customer_stats, so changing its rows in place rewrites nearly every page
 * of it (10,900 of 16 KiB at 10M orders, twice with the log), and the
 * week's import would grow with the shop.  Kept apart, the week writes
 * about as many pages as it has customers.
 *
 * Contract:
 *  - A (customer, currency) in customer_stats_changed is its whole current
 *    row; its row in customer_stats, if any, is stale and never read.
 *    orders = 0 there says the key has no counting order any more (its
 *    other columns say nothing).  A key in neither table has no figures.
 *  - A reader of many keys, in key order, reads through a cursor:
 *    crm_figures_open() takes the columns and the FROM clause, which names
 *    the table as %s with the alias s ("FROM %s s WHERE s.currency = ?1")
 *    and holds no other % (it is a format);
 *    the cursor reads that from both tables ordered by s.customer_id,
 *    s.currency, and crm_figures_step() gives each live key once, its row
 *    in f->st (the columns as the caller listed them; three of the cursor's
 *    follow them).  Parameters are bound to both statements.
 *  - A reader of a few keys in SQL reads CRM_FIGURES_OF(COLS, WHERE): the
 *    rows of both tables that WHERE picks (alias s), the stale and dead
 *    ones left out, each table searched by its key.  The view
 *    customer_figures is the same for people with sqlite3; SQLite (3.40)
 *    does not push a correlated WHERE into a view's arms, and reads it
 *    whole for each row.
 *  - With customer_stats_changed empty (a first import, or after a fold)
 *    a cursor costs one more empty statement.
 */
#ifndef CRM_FIGURES_H
#define CRM_FIGURES_H

#include <sqlite3.h>

#include "db.h"

#define CRM_FIGURES_OF(COLS, WHERE) "SELECT " COLS " FROM customer_stats_changed s " \
	"WHERE s.orders > 0 AND " WHERE " UNION ALL SELECT " COLS " FROM customer_stats s " \
	"WHERE " WHERE " AND NOT EXISTS (SELECT 1 FROM customer_stats_changed c WHERE " \
	"c.customer_id = s.customer_id AND c.currency = s.currency)"

struct crm_figures {
	sqlite3_stmt *st;               /* the row crm_figures_step() gave */
	sqlite3_stmt *base, *changed;   /* over customer_stats, customer_stats_changed */
	int brc, crc;                   /* their last step */
	int next;                       /* which to step first: 1 base, 2 changed */
	int key;                        /* the column of s.customer_id; currency, orders follow */
	const unsigned char *id, *cur;  /* the changed row's key, while it is current */
	int idlen, curlen;
};

/* Prepare the cursor: CRM_OK, or an exit code (reported unless quiet, as
 * a twin's part does, which is read again on failure). */
int crm_figures_open(struct crm_figures *f, struct crm_db *db, const char *cols,
		     const char *from, int quiet);
/* Bind parameter i of both statements to s, which outlives the cursor. */
void crm_figures_bind(struct crm_figures *f, int i, const char *s);
/* SQLITE_ROW (the row in f->st), SQLITE_DONE, or SQLite's error code. */
int crm_figures_step(struct crm_figures *f);
/* Finalize both; safe after a failed open. */
void crm_figures_close(struct crm_figures *f);

#endif
