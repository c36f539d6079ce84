/*
 * csvio.h - streaming CSV/TSV reading (on libcsv) and writing.
 *
 * Contract:
 *  - crm_reader reads a named file or standard input ("-") in constant
 *    memory: the buffers grow only to the longest line and the widest row.
 *    A named pipe is opened without waiting for its writer; the wait is in
 *    reading it, where crm_reader_waits() below can cut it short.
 *  - Input is UTF-8 after conversion: --encoding names a legacy encoding
 *    converted through iconv (cp949, euc-kr, latin1, cp1252, ...); a UTF-16
 *    byte-order mark selects UTF-16 by itself; a UTF-8 BOM is skipped.
 *    Without --encoding, invalid UTF-8 is a fatal error naming its line.
 *  - Lines end with LF, CRLF or a CR alone (old Mac exports), each one line
 *    end.  Row line numbers are the physical line on which a row starts, and
 *    stay right across quoted newlines.  Blank lines are skipped.
 *  - The first row is the header; crm_read() passes it to on_header, every
 *    other row to on_row.  A row whose quoting is malformed is passed to
 *    on_bad with its line, 1-based field number and reason, and reading goes
 *    on at the next line.  Fatal, as nothing after them can be read right:
 *    a header whose quoting is malformed (the next row would pass for the
 *    header) and an unterminated quote at the end of the input; crm_read()
 *    then returns -1 and crm_reader_error() says why.
 *  - For a reader on a thread of its own, crm_reader_waits(): before it
 *    waits for input that has not come yet (a pipe, a terminal), it calls
 *    idle(), so that what it has read so far can be passed on; and while it
 *    waits it also watches cancel_fd and gives up as soon as that is
 *    readable: another thread's way to stop a reader that may never get
 *    more input.  crm_read() then returns -1, the error being "cancelled".
 *  - The writer quotes a field only when it must (delimiter, quote, CR, LF,
 *    leading or trailing space or tab, which the reader would trim; a
 *    leading BOM, which a reader would take for the file's), and
 *    with CRM_CELL_TEXT guards a customer's text against running as a
 *    spreadsheet formula by prefixing "'" to a value starting with = + - @
 *    TAB or CR that is not a plain number; the reader removes exactly that
 *    prefix again, so files round-trip.
 */
#ifndef CRM_CSVIO_H
#define CRM_CSVIO_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

struct crm_csv_opts {
	char delim;              /* ',' by default, '\t' for --tsv */
	const char *encoding;    /* NULL or "utf-8": no conversion */
};

struct crm_row {
	long line;               /* physical line where the row starts */
	size_t n;                /* number of fields */
	char **field;            /* NUL-terminated fields, in place */
	size_t *len;             /* their lengths */
	int nul_free;            /* 1: known to hold no NUL byte; 0: not known */
};

/* A copy of a row that outlives the reader's buffers (a header kept while
 * the rows after it are read): every field's len bytes, a NUL among them
 * too.  crm_row_free() frees it; NULL is no row. */
struct crm_row *crm_row_dup(const struct crm_row *row);
void crm_row_free(struct crm_row *row);

struct crm_reader;

typedef int crm_row_fn(const struct crm_row *row, void *ctx);   /* nonzero stops */
typedef int crm_bad_fn(long line, size_t field, const char *why, void *ctx);

/* Open a file ("-" is standard input).  On failure returns NULL and writes a
 * message (without the program name) into err. */
struct crm_reader *crm_reader_open(const char *path, const struct crm_csv_opts *o,
				   char *err, size_t errsize);
/* The name to use in messages: the path, or "stdin". */
const char *crm_reader_name(const struct crm_reader *r);
/* Read every row.  Returns 0 at the end of input, the callback's nonzero
 * value if one stopped the reading, or -1 on a fatal error. */
int crm_read(struct crm_reader *r, crm_row_fn *on_header, crm_row_fn *on_row,
	     crm_bad_fn *on_bad, void *ctx);
/*
 * Open path, crm_read() it into the callbacks and close it: the whole read
 * of a command that takes one file.  *name is the reader's name for the
 * file ("stdin" for "-") while the callbacks run, for their messages, and
 * is NULL afterwards.  It reports what no callback sees: a file that does
 * not open (CRM_EIO), a fatal error at its line (CRM_EDATA; CRM_EIO when the
 * error is no line's, a read error) and, with CRM_READ_NEED_HEADER, an input
 * without even a header line (CRM_EDATA).  Returns CRM_OK, a callback's
 * nonzero stop value, or that exit code.
 */
enum { CRM_READ_NEED_HEADER = 1 };
int crm_read_path(const char *path, const struct crm_csv_opts *o, int flags, const char **name,
		  crm_row_fn *on_header, crm_row_fn *on_row, crm_bad_fn *on_bad, void *ctx);
/* The fatal error of the last crm_read(), as "LINE: reason" text. */
const char *crm_reader_error(const struct crm_reader *r);
long crm_reader_error_line(const struct crm_reader *r);
void crm_reader_close(struct crm_reader *r);
/*
 * From now on crm_read() reads only the bytes [from, to) of the file, the
 * first of them on line `line`; with `header` the range starts with the
 * header row, else every row in it is a row.  For a reader of a regular
 * file in UTF-8 (no --encoding): -1 for any other, which stays as it was.
 * A range must start and end where a row does (crm_reader_offset()).
 * The reader may be given one range after another.
 */
int crm_reader_range(struct crm_reader *r, off_t from, off_t to, long line, int header);
/* Is c a space the reader trims around an unquoted cell (and the only
 * kind on a line it skips as blank)?  A space or a tab that is not the
 * delimiter.  Inline: the reader asks it for every byte of a plain line;
 * a scan that must split lines as the reader does (falling.c) asks it too. */
static inline int crm_csv_space(char c, char delim)
{
	return (c == ' ' || c == '\t') && c != delim;
}
/* Does s[0..n) hold an odd number of quotes?  Under CSV_STRICT a quote
 * opens a field, closes it, or is doubled inside it; any other is an error
 * after which the parser starts afresh.  So a line that libcsv takes whole
 * toggles "inside a quoted field" exactly when its count of quotes is odd:
 * the reader joins a row's lines by it, and a scan that must find rows as
 * the reader does (falling.c) asks it too. */
static inline int crm_csv_odd_quotes(const char *s, size_t n)
{
	const char *e = s + n;
	int odd = 0;
	while ((s = memchr(s, '"', (size_t)(e - s))) != NULL) {
		odd ^= 1;
		s++;
	}
	return odd;
}
/* The reader's descriptor, for a look at the file (fstat, pread) that
 * leaves its reading as it is. */
int crm_reader_fd(const struct crm_reader *r);
/* The offset in the file of the first byte crm_read() has not parsed, and
 * its line into *line: after a callback stopped it, where the next row
 * starts.  For UTF-8 input only: -1 for a file converted (--encoding, a
 * UTF-16 byte-order mark). */
off_t crm_reader_offset(const struct crm_reader *r, long *line);
/* Call idle(ctx) before waiting for input; give up waiting once cancel_fd
 * is readable (see above). */
void crm_reader_waits(struct crm_reader *r, void (*idle)(void *ctx), void *ctx, int cancel_fd);

/* Can --encoding NAME be converted from? */
int crm_encoding_known(const char *name);

/* Parse "-d" arguments: one single-byte character, or "\t"/"tab"; not the
 * quote, a line end, nor the apostrophe that guards formulas (below).
 * -1 for a value of more than one character, -2 for one of those, each with
 * its reason in *why ("must be one character"). */
int crm_parse_delim(const char *arg, char *out, const char **why);

/* ---- writer -------------------------------------------------------------- */

/* A writer and its stream belong to one thread at a time: the writer does
 * not take stdio's lock per character (putc_unlocked, fwrite_unlocked). */

enum { CRM_CELL_PLAIN = 0, CRM_CELL_TEXT = 1 };

struct crm_writer {
	FILE *fp;
	char delim;
	int nfield;              /* fields written on the current row */
};

void crm_writer_init(struct crm_writer *w, FILE *fp, char delim);
void crm_write_field(struct crm_writer *w, const char *s, int kind);
void crm_write_fieldn(struct crm_writer *w, const char *s, size_t n, int kind);
/* s[0..n) as crm_write_fieldn() writes it (without the delimiter before
 * it), into out, which has room for 2 n + 4 bytes; NUL-terminated, its
 * length returned.  For a cell written many times, encoded once. */
size_t crm_csv_encode(const char *s, size_t n, int kind, char delim, char *out);
void crm_write_int(struct crm_writer *w, long long v);
void crm_write_end(struct crm_writer *w);
/* Write a whole row of plain fields. */
void crm_write_row(struct crm_writer *w, const char *const *fields, size_t n);

#endif
