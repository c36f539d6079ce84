/*
 * diag.h - diagnostics and exit codes shared by every crm command.
 *
 * Contract:
 *  - One exit-code table for the whole toolkit (crm(7), EXIT STATUS).
 *  - Messages go to standard error as "PROG: MESSAGE" or, for a place in an
 *    input, "PROG: FILE:LINE: MESSAGE"; lower case, no full stop, the subject
 *    quoted with single quotes.  Values are quoted with crm_quote(), which
 *    escapes control characters and shortens very long values.  The whole
 *    message, file name included, is written with its control characters
 *    escaped the same way (crm_escape_next(): \n, \t, \r, \xHH), so a
 *    value that reaches it unquoted still cannot move the cursor or forge
 *    a line.
 *  - crm_escape_next() is the one escape of text for people: messages, and
 *    the text, Markdown and HTML outputs of table.c and the report use it.
 *  - crm_progress() writes a self-erasing line only when standard error is a
 *    terminal, about four times a second (it reads the clock every 1,024
 *    rows and writes when a quarter of a second has passed, the first time
 *    at once); never in a pipe or under cron.
 *
 * Ownership and names (every module, git's rule):
 *  - S_init(x) sets up an object the caller owns (on its stack or inside
 *    another); so does a function that fills one (crm_rfm_load_csv(),
 *    crm_report_build()).  S_release(x) frees what x holds, not x itself,
 *    and leaves it empty.
 *  - S_new() (or a loader: crm_rules_load()) returns an object that S_free()
 *    frees, contents and all.  S_open() is S_new() for an object that also
 *    holds a file, a thread or a database handle, and S_close() closes that
 *    and frees the object (crm_db_open() fills a struct the caller owns:
 *    crm_db_close() closes the handle and frees the contents only).
 *  - S_begin() returns a new object for a piece of output or of a
 *    transaction's work; S_finish() completes that work (writes what is
 *    pending, saves) without freeing, and S_free() frees it, finished or not.
 *  - S_free(NULL) and S_close(NULL) do nothing.  Any other function frees
 *    nothing it was given.
 *
 * Errors: three conventions, one for each kind of function.
 *  (a) Parsers, normalisers and checkers print nothing: they return -1 (or
 *      NULL, or CRM_VALUE_BAD, or a crm_score_bad) with the reason in words
 *      for the caller, who knows the file, line or option it came from:
 *      `const char **why` (a static message) or `char *err, size_t size`.
 *      So norm (crm_parse_*, crm_norm_*, crm_tz_open), period, rules
 *      (crm_rules_load, which also gives the exit code in *code), entity's
 *      crm_header_map, crm_row_values and crm_stream_value, csvio's reader
 *      (crm_reader_open, crm_read, crm_reader_error) and crm_parse_delim,
 *      coupon's codes and terms (crm_coupon_compact, _prefix,
 *      _parse_discount, _parse_min_order, _campaign_bad), rfm's
 *      crm_bins_parse, nps's crm_score_parse, opts' crm_parse_long, and the
 *      feed, whose items carry the reason to its consumer.  A system call's
 *      failure is -1 with errno (crm_coupon_random, crm_pipe_open).
 *      Lookups (crm_entity_find, crm_segment_find,
 *      crm_format_parse, ..._parse of a name) return -1 or NULL, no more.
 *  (b) Functions that do a command's work report on standard error
 *      themselves (crm_error, crm_error_at, crm_db_fail; crm_usage_error
 *      for an option's value) and return CRM_OK or a crm_exit code: db,
 *      import, stats, rfm, segment, survey, nps's database readers, coupon's
 *      issuing, redeeming and planning, report's building, opts (option
 *      values: CRM_EUSAGE; crm_common_option, whose 1 and 0 say whether it
 *      knew the option, gives it negated), csvio's crm_read_path and
 *      entity's crm_stream_read (which hand each rejected row to the
 *      caller's on_reject with its reason, as (a)).  One that returns a
 *      count, an id or an object returns -1 or NULL after reporting, and
 *      crm_db_last_status() gives the exit code of a database failure.
 *      Writers of output (table, report_fmt, report_html, csvio's writer)
 *      return nothing: a write error stays in the FILE, and
 *      crm_close_stdout() reports it.
 *  (c) Running out of memory is no error to handle: it ends the command
 *      through crm_xmalloc() and the rest of that family, below.
 */
#ifndef CRM_DIAG_H
#define CRM_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum crm_exit {
	CRM_OK = 0,      /* success */
	CRM_EDATA = 1,   /* bad input data: rows were rejected, or the input is malformed */
	CRM_EUSAGE = 2,  /* bad options or arguments */
	CRM_EIO = 3,     /* I/O or database error */
	CRM_EBUSY = 4,   /* the database is locked by another process: worth a retry */
};

/* The command name used as the message prefix, set once from argv[0]. */
extern const char *crm_progname;
void crm_set_progname(const char *argv0);

void crm_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void crm_error_at(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print "PROG: MESSAGE" and "Try 'PROG --help' for more information.";
 * returns CRM_EUSAGE so that callers can `return crm_usage_error(...)`. */
int crm_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Quote a value for a message into buf: 'abc', escaped as
 * crm_escape_next() says, and cut with "..." between two characters when
 * longer than 60 bytes or than buf holds. */
const char *crm_quote(const char *s, char *buf, size_t size);
/* crm_quote() of the first n bytes of s (a token of a longer line); at most
 * the first 63 bytes are looked at, as crm_quote shows no more. */
const char *crm_quote_n(const char *s, size_t n, char *buf, size_t size);
/* crm_quote() of the n bytes of s that shows what a reader cannot see: a
 * NUL byte as \x00 (the quote goes on past it), and each code point that
 * unseen() names (a BOM, a no-break space) as \uXXXX, so that 'rating'
 * and '\ufeffrating' differ. */
const char *crm_quote_unseen(const char *s, size_t n, int (*unseen)(uint32_t cp), char *buf,
			     size_t size);

/* The Levenshtein distance between two strings of code points (or bytes
 * widened), each at most CRM_EDIT_MAX long (longer ones are cut there): for
 * "did you mean" suggestions. */
#define CRM_EDIT_MAX 64
size_t crm_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* The length of the UTF-8 character of two to four bytes at s, its code
 * point in *cp; 0 when the bytes there are no valid one (ASCII, a stray
 * continuation byte, an overlong form, a surrogate, a code point above
 * U+10FFFF, a sequence cut short by the NUL or another byte). */
size_t crm_utf8_char(const char *s, uint32_t *cp);

/* The longest escape of one character, with its NUL: \xc2\x9b and a NUL. */
#define CRM_ESCAPE_MAX 9

/* How a person is shown the character at s: returns its length in bytes
 * (0 at the end of s), and puts in esc its escape, or "" when it goes out
 * as it is.  Escaped are the C0 controls and DEL (\n, \t, \r, else \xHH),
 * the C1 controls U+0080..U+009F, byte by byte (U+009B as \xc2\x9b), and
 * each byte that is not part of a valid UTF-8 character (\xHH, one byte at
 * a time: some terminals read a lone 0x9b as CSI).  What comes out is
 * UTF-8 that moves no cursor and starts no line. */
size_t crm_escape_next(const char *s, char esc[CRM_ESCAPE_MAX]);
/* s written to fp with those escapes. */
void crm_fputs_escaped(const char *s, FILE *fp);
/* The same, with each character that needs none of them written by put (as
 * a format writes it: Markdown's backslashes, HTML's entities). */
void crm_fputs_escaped_by(const char *s, FILE *fp, void (*put)(FILE *, const char *, size_t));
/* A copy of s with those escapes (crm_xmalloc'd: free it). */
char *crm_escape(const char *s);

/* Progress on a terminal: crm_progress("orders.csv", rows) is cheap to call on
 * every row (rows counted from 1; the clock is read when rows is a multiple
 * of 1,024); crm_progress_done() erases the line. */
void crm_progress(const char *what, long long rows);
void crm_progress_done(void);

/* Allocation that does not return without the memory: out of it,
 * "PROG: out of memory" and abort(), since no command has a smaller way to
 * go on.  A size of 0 is taken as 1, so the result is never NULL;
 * crm_xcalloc() also refuses an n * size that overflows.
 * crm_xstrdup_or_null() keeps NULL as NULL; crm_xcheck(p) is p, or the same
 * end when p is NULL, for an allocator the family does not wrap. */
void *crm_xmalloc(size_t n);
void *crm_xcalloc(size_t n, size_t size);
void *crm_xrealloc(void *p, size_t n);
char *crm_xstrdup(const char *s);
char *crm_xstrndup(const char *s, size_t n);
char *crm_xstrdup_or_null(const char *s);
void *crm_xcheck(void *p);
/* A hint for an array of many megabytes about to be filled: 2 MiB pages,
 * where the kernel gives them on request (transparent huge pages in
 * "madvise" mode), so that filling it faults once per 2 MiB, not per 4 KiB,
 * which a virtual machine makes costly.  Nothing changes without them.
 * Grow such a block with crm_xrealloc_big(), not realloc(): the advice
 * splits the block's mapping, mremap() then fails (EFAULT) and realloc()
 * copies it into small pages (crm-segment from 10M orders: 93,000 page
 * faults against 23,000). */
void crm_big_pages(void *p, size_t n);
/* An array of n bytes that will be filled at once (the history's lines, a
 * model's rows): from 2 MiB on, on 2 MiB pages from its first byte, as
 * crm_big_pages() asks; free() frees it.  crm_xrealloc_big() gives p (from
 * any of them or NULL; its first `used` bytes kept) n bytes, in a new
 * block advised whole rather than by growing p in place. */
void *crm_xmalloc_big(size_t n);
void *crm_xcalloc_big(size_t n, size_t size);
void *crm_xrealloc_big(void *p, size_t used, size_t n);

/* fn(there) on a thread of its own while fn(here) runs on this one, then
 * both done; when no thread can start, both on this one, here first.
 * 1 when they ran at once. */
int crm_run_pair(void *(*fn)(void *), void *here, void *there);

/* For a thread that feeds or drains another that is the bottleneck (the
 * import's reader, ledger and merge, beside the thread that writes): it
 * stops preempting that thread each time that thread wakes it (Linux's
 * SCHED_BATCH; a no-op where there is none).  With both cores busy, every
 * wake-up of a helper had taken the writing thread off its core: 10M
 * orders imported in 0.95-0.97x the time of sqlite3's .import against
 * 1.02-1.17x, in eight pairs. */
void crm_thread_helps(void);

/* For a command that writes much: standard output fully buffered in blocks
 * of 256 KiB, unless it is a terminal (stdio's default block is the
 * device's, 4 KiB: 85,000 write calls for crm-recommend's 350 MB).  Call it
 * before writing anything. */
void crm_stdout_bulk(void);

/* Flush and close standard output; on a write error (a full disk, a closed
 * pipe) report it and return CRM_EIO, else return `status` unchanged. */
int crm_close_stdout(int status);

#endif
