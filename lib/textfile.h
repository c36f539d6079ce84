/*
 * textfile.h - the files crm reads whole, line by line: rules today, and the
 * loyalty programs, topic dictionaries, schedules and SLA files to come.
 * A command's own file format reads through this and nothing else, so that
 * every such file has the same caps and the same messages.
 *
 *   struct crm_textfile *tf = crm_textfile_open(path, err, sizeof err);
 *   struct crm_text_line l;
 *   while ((rc = crm_textfile_next(tf, &l, err, sizeof err)) > 0)
 *           ...parse l.s (l.n bytes, NUL-terminated) of line l.lineno...
 *   crm_textfile_close(tf);
 *   rc is 0 at the end of the file, else -CRM_EDATA or -CRM_EIO with err.
 *
 * Contract:
 *  - A line is the bytes before a '\n' (or before the end of the file, for
 *    a last line without one), with a '\r' before the '\n' removed and, on
 *    line 1, a UTF-8 byte order mark.  Empty lines are given like any other;
 *    line numbers count from 1 and every line of the file, given or not.
 *  - Caps, each a refusal (never a truncation): a line of more than
 *    CRM_LINE_MAX bytes, "PATH:LINE: line longer than 65536 bytes"; a file
 *    of more than CRM_FILE_MAX bytes, "PATH: larger than 16777216 bytes"
 *    (a regular file is refused by its size before a byte is read; a pipe
 *    or a device once that many bytes have come); a NUL byte,
 *    "PATH:LINE: column COL: NUL byte" with COL counted in UTF-8 characters
 *    from 1.  So /dev/zero, /dev/urandom and `yes |` all end at once or
 *    after at most CRM_FILE_MAX bytes, in at most CRM_LINE_MAX + 2 bytes of
 *    memory.  Those are -CRM_EDATA: the caller decides what bad content
 *    means for its command (crm-segment --rules calls it a usage error).
 *  - A file that cannot be opened is NULL from crm_textfile_open() with
 *    "PATH: STRERROR"; a read error (a directory, EIO) is -CRM_EIO with the
 *    same form.  Nothing is printed (diag.h's convention (a)).
 *  - UTF-8 is not checked here: what a format accepts is the caller's rule.
 *  - The line given stays valid until the next call or crm_textfile_close().
 *    After a refusal or the end, crm_textfile_next() returns 0.
 */
#ifndef CRM_TEXTFILE_H
#define CRM_TEXTFILE_H

#include <stddef.h>

#define CRM_LINE_MAX (64 * 1024)          /* bytes in a line, its line end not counted */
#define CRM_FILE_MAX (16 * 1024 * 1024)   /* bytes in a file */

struct crm_textfile;

struct crm_text_line {
	const char *s;          /* the line, NUL-terminated, without its line end */
	size_t n;               /* its length in bytes */
	long lineno;            /* from 1 */
};

/* Open path for reading ("-" is no special name here); NULL with
 * "PATH: STRERROR" in err when it cannot be opened. */
struct crm_textfile *crm_textfile_open(const char *path, char *err, size_t errsize);
/* 1 with the next line in *line, 0 at the end, or -CRM_EDATA (a cap or a NUL
 * byte) or -CRM_EIO (a read error) with the message in err. */
int crm_textfile_next(struct crm_textfile *tf, struct crm_text_line *line, char *err,
		      size_t errsize);
void crm_textfile_close(struct crm_textfile *tf);

#endif
