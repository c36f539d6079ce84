/*
 * parse.h - what crm's small line languages share: the rules file of
 * crm-segment (rules.c) and the program file of crm-loyalty
 * (loyalty_program.c).  Each keeps its own tokens and grammar; these are
 * the pieces that must read and say things the same way in both.
 *
 * Contract:
 *  - A parse error is a place in the line and a message; the parser stops
 *    at the first and its caller prints "FILE:LINE: column C: MESSAGE" with
 *    C from crm_parse_column() (characters, not bytes).
 *  - Keywords are matched in ASCII case only, never the locale's ('IN' is
 *    'in' in a Turkish locale too).
 *  - A name that goes into CSV output (a segment, a tier) refuses ',', '"'
 *    and control characters, C1 ones (U+0080..U+009F) included.
 */
#ifndef CRM_PARSE_H
#define CRM_PARSE_H

#include <stddef.h>

struct crm_parse_error {
	const char *at;                 /* where the problem is, in the line */
	char msg[400];
};

/* Set e to (at, the message); returns -1, for `return crm_parse_fail(...)`. */
int crm_parse_fail(struct crm_parse_error *e, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Does s[0..n) spell kw (lower case), ignoring ASCII case? */
int crm_parse_keyword(const char *s, size_t n, const char *kw);

/* The 1-based column of p in line, in UTF-8 characters. */
long crm_parse_column(const char *line, const char *p);

/* The first character in s..e a name may not hold (those above, and the
 * bytes of `also`), with its length in *len (1, or 2 for a C1 control), or
 * NULL. */
const char *crm_parse_bad_name_char(const char *s, const char *e, const char *also, size_t *len);

/* A line of a line language: 0, or -1 with *e set (the place in line and
 * the message).  lineno counts from 1. */
typedef int crm_parse_line_fn(void *ctx, const char *line, size_t n, long lineno,
			      struct crm_parse_error *e);
/* Every line of the file at path, read through textfile.h (its caps), given
 * to fn until it refuses one: CRM_OK; CRM_EUSAGE with "PATH:LINE: column C:
 * MESSAGE" in err for a refused line, or textfile's message for a file past
 * the caps; CRM_EIO with "PATH: STRERROR" for one that cannot be read. */
int crm_parse_file(const char *path, crm_parse_line_fn *fn, void *ctx, char *err,
		   size_t errsize);
/* The same over a text in memory named name: lines split at '\n', a '\r'
 * before it and a leading UTF-8 byte order mark dropped. */
int crm_parse_text(const char *name, const char *text, crm_parse_line_fn *fn, void *ctx,
		   char *err, size_t errsize);

/* A duration written as whole numbers with units, largest first or not:
 * "4h", "90m", "2d", "30s", "1h30m" (d 86400 s, h 3600, m 60, s 1), in
 * s[0..n): its seconds, or -1 when it is not one or passes max seconds
 * (every part and the sum are checked, so nothing overflows). */
long long crm_parse_duration(const char *s, size_t n, long long max);

#endif
