/*
 * feed.h - the reading half of an import (and of crm-segment's figures from
 * a stream: rfm.c), on a thread of its own when it can have one.
 *
 * Contract:
 *  - crm_feed_each() starts a thread that reads the files one after the
 *    other (csvio.h) and hands what it finds to the caller's thread as
 *    items, in file order, in batches through a bounded queue (pipe.h):
 *    the memory of a feed does not grow with its input.  When no thread
 *    can be had (a process limit: EAGAIN), the caller's thread reads and
 *    hands each batch on as it fills: the same items in the same order,
 *    only not overlapping the consumer's work.
 *  - The items of one file: CRM_FEED_FILE, then (when it opened) its
 *    CRM_FEED_HEADER, a CRM_FEED_ROW for each row and a CRM_FEED_BAD for each
 *    row whose quoting is malformed, in the order of the file, and last
 *    CRM_FEED_END.  No item follows a file that could not be opened, whose
 *    header does not map, or whose reading failed.  With `backward` below,
 *    the rows of a file whose keys fall come last row first (and so do the
 *    bad ones), each with its own line.
 *  - The thread does only what depends on the options and the header: it
 *    maps the header (crm_header_map), checks each row's width and that
 *    no cell holds a NUL byte (crm_row_check, as every reader does), and with
 *    `normalise` normalises the row's mapped cells (crm_row_values) and
 *    gives a row whose key column is empty its content key (of all its
 *    columns but the CRM_COL_LINK ones: content_key() in feed.c).  A row
 *    it finds bad carries the reason.  It writes no message and touches no database:
 *    reporting and counting are the consumer's.
 *  - The consumer is called with each batch on the caller's thread; the
 *    batch stays valid, and its rows writable, until it returns.  When it
 *    returns nonzero the feed stops (the thread wherever it is, waiting for
 *    the queue or for input on a pipe) and crm_feed_each() returns that
 *    value; else 0 once the files are read.  Nothing is left running.
 */
#ifndef CRM_FEED_H
#define CRM_FEED_H

#include "csvio.h"
#include "entity.h"
#include "opts.h"

enum crm_feed_kind { CRM_FEED_FILE, CRM_FEED_HEADER, CRM_FEED_ROW, CRM_FEED_BAD, CRM_FEED_END };

struct crm_feed_item {
	enum crm_feed_kind kind;
	/* FILE: 0, or -1 when the file could not be opened; HEADER:
	 * crm_header_map()'s result; END: crm_read()'s (-1: a fatal error) */
	int rc;
	/* HEADER, ROW: the fields (a normalised row's mapped cells trimmed);
	 * BAD: line only; END after a fatal error: its line */
	struct crm_row row;
	/* FILE: the name for messages, or why it could not be opened; HEADER:
	 * why it does not map; ROW, BAD: why the row is rejected, or NULL; END:
	 * the fatal error */
	const char *text;
	const int *colmap;           /* HEADER that maps */
	struct crm_values *v;        /* ROW normalised and not rejected */
	const char *key;             /* and whose key column is empty: its content key */
};

struct crm_feed_batch {
	int n;
	struct crm_feed_item *item;
};

struct crm_feed_opts {
	struct crm_csv_opts csv;             /* the files' format */
	const struct crm_input *in;          /* --map, and the normalisers' date order and
					      * currency; read by the thread until stopped */
	const char *country;                 /* with normalise: for national phone numbers */
	const struct crm_entity *e;
	int normalise;
	const struct crm_tz *tz;             /* with normalise: for the feed's thread alone */
	int keycol;                          /* the entity's key column, or -1 */
	/* a named file whose keys fall from its first row to its last may be
	 * read last row first (falling.h): the consumer's rows depend on
	 * nothing but their keys and values, whatever their order, except for
	 * the customer columns and value maps on the key, which the feed
	 * checks */
	int backward;
};

/* The consumer: 0 to go on, nonzero to stop the feed. */
typedef int crm_feed_fn(const struct crm_feed_batch *b, void *ctx);

/* Read the files, each batch to fn in order: 0, or what fn returned
 * nonzero. */
int crm_feed_each(const struct crm_feed_opts *fo, char *const *files, int nfiles,
		  crm_feed_fn *fn, void *ctx);

#endif
