/*
 * falling.h - a file whose keys fall from its first row to its last (an
 * export listing its newest orders first), planned to be read last row
 * first.
 *
 * Read in file order, such a file gives crm-import every key below the one
 * before: each row would land at the left edge of the orders' b-trees, so
 * import.c keeps them aside and writes them in key order after the last row
 * (set_aside()), its writing then no longer overlapping the reading (10M
 * orders: 1.33x the same rows in key order).  Read from its end, the same
 * rows come in key order and are written as they come.
 *
 * Contract:
 *  - crm_falling_plan() scans the regular file open as `fd` (by pread(2):
 *    its offset stays as it is) from offset `from`
 *    (where its header ends; `line` is that line's number) to its end, and
 *    returns 1 when the key of every row, the cell of column `keycol` of the
 *    file (0-based), is below the key of the row before it, byte by byte:
 *    then no two rows share a key.  Whether anything else depends on the
 *    rows' order is the caller's to know.
 *  - It returns 1 only where the reader (csvio.h) reads the same rows, with
 *    the same lines and keys: every line ends in LF or CRLF (no CR alone)
 *    and is valid UTF-8; a row ends at the first line end outside quotes,
 *    as the reader joins lines (a quoted cell may span lines), and its
 *    quoting is what libcsv reads strictly (a quote opens a cell, closes
 *    it or is doubled inside it; no quote left open at the end); each key
 *    is not empty, at most CRM_KEY_MAX bytes, holds no control character,
 *    starts and ends with a visible ASCII character and does not start
 *    with the apostrophe of a formula guard (so the reader and the key's
 *    normaliser leave it as it is), and is quoted only whole, with no
 *    doubled quote inside.  At least two rows.  Anything else returns 0 and
 *    the file is read as it is; so does a read error, which the reader
 *    then reports.
 *  - With 1, *plan cuts [from, end of file) into chunks, each starting
 *    where a row does: at most max_rows rows and, unless one row is
 *    longer, max_bytes bytes (set by the caller, 0 for CRM_FALLING_ROWS
 *    and CRM_FALLING_BYTES; the fuzz harness asks for small chunks, so that
 *    its short files cross them); blank lines are lines, not rows.
 *    For each, its first line's number, its rows and the most fields its
 *    rows can have (the delimiters in them, and one a row).
 *  - A file of at least split_bytes past its header (the caller's; 0 for
 *    CRM_FALLING_SPLIT) is scanned in two halves at once, the second on a
 *    thread of its own (crm_run_pair(): both on this one when none
 *    starts), from the first line start past the middle.  They join only
 *    when the first half's rows end exactly there (a quoted cell may span
 *    it) and the second's first key falls below the first's last; when
 *    the first half's rows do not end there it goes on alone.  So the
 *    answer is that of one scan; only the chunks may be cut otherwise
 *    where the halves meet.
 *  - Memory: the plan (40 bytes a chunk) and a buffer of CRM_FALLING_LINE
 *    bytes a half; a row longer than that returns 0.  crm_falling_free()
 *    frees the plan.
 */
#ifndef CRM_FALLING_H
#define CRM_FALLING_H

#include <stddef.h>
#include <sys/types.h>

#define CRM_FALLING_ROWS 1000
#define CRM_FALLING_BYTES (64 * 1024)
#define CRM_FALLING_LINE (1024 * 1024)
#define CRM_FALLING_SPLIT (1024 * 1024)

struct crm_falling_chunk {
	off_t at, end;           /* the bytes [at, end) of the file */
	long line;               /* the line at `at` */
	int rows;
	size_t fields;
};

struct crm_falling {
	struct crm_falling_chunk *chunk;
	size_t n, cap;
	int max_rows;            /* the caller's; 0: CRM_FALLING_ROWS */
	size_t max_bytes;        /* the caller's; 0: CRM_FALLING_BYTES */
	size_t split_bytes;      /* the caller's; 0: CRM_FALLING_SPLIT */
};

int crm_falling_plan(int fd, off_t from, long line, char delim, int keycol,
		     struct crm_falling *plan);
void crm_falling_free(struct crm_falling *plan);

#endif
