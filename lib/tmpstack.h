/*
 * tmpstack.h - unlinked temporary files, and a stack of records kept in
 * one: pushed in order, popped last first, memory flat however many.
 *
 * Why: SQLite fills a b-tree fastest in key order, appending at its right
 * edge; rows that come in descending order (an export listing its newest
 * order first) land at its left edge, where every full page is split among
 * its siblings: twice the time and 1.6-1.8x the pages.  crm-import keeps
 * such a run of rows aside here and writes it back last first, in key
 * order (import.c, set_aside()).  The ledger (stats.h) spills its runs to
 * the same kind of file.
 *
 * Contract:
 *  - crm_tmp_open() gives a file in crm_tmp_dir() ($TMPDIR, else /tmp) that
 *    has no name: nothing is left behind, even by kill -9.  Every function
 *    reports its own failure (diag.h), naming the directory.
 *  - A stack opens its file when its 1 MiB write buffer first fills: a
 *    stack that never holds more needs no file.  crm_tmpstack_pop() gives
 *    the last record pushed and not yet popped, whole, in a buffer of the
 *    stack's that stays valid until the next call; a stack emptied by pops
 *    gives its file's pages back (the file is cut to nothing).
 *  - Records are at most CRM_TMPSTACK_MAX bytes, each followed in the file
 *    by its length; the stack's memory is its write buffer and its read
 *    buffer, however many records it holds.
 */
#ifndef CRM_TMPSTACK_H
#define CRM_TMPSTACK_H

#include <stddef.h>
#include <sys/types.h>

#define CRM_TMPSTACK_MAX (64u << 20)

const char *crm_tmp_dir(void);

/* A file without a name in dir, read and write; -1 (reported). */
int crm_tmp_open(const char *dir);

/* n bytes to or from offset `at`, whole; CRM_OK or CRM_EIO (reported). */
int crm_tmp_write(int fd, const char *dir, const void *p, size_t n, off_t at);
int crm_tmp_read(int fd, const char *dir, void *p, size_t n, off_t at);

struct crm_tmpstack;

struct crm_tmpstack *crm_tmpstack_new(void);
void crm_tmpstack_free(struct crm_tmpstack *s);

/* CRM_OK or CRM_EIO (reported). */
int crm_tmpstack_push(struct crm_tmpstack *s, const void *rec, size_t n);

size_t crm_tmpstack_count(const struct crm_tmpstack *s);

/* The last record, removed from the stack; NULL with *rc CRM_OK when the
 * stack is empty, NULL with *rc the exit code on a failure (reported). */
const void *crm_tmpstack_pop(struct crm_tmpstack *s, size_t *n, int *rc);

/* ---- records of rows ---------------------------------------------------------------- */

/* A record of rows of text values, each row with a tag of the caller's, to
 * push whole: per row its tag and count, then per value its length
 * (UINT32_MAX: NULL) and its bytes with their NUL. */
struct crm_rec {
	char *p;
	size_t n, cap;
};

void crm_rec_put(struct crm_rec *r, int tag, char *const *vals, int n);

/* The row of rec[*at..len) into tag and vals (at most max, pointing into
 * rec), *at moved past it; the number of values, or -1 at the end or when
 * the row does not fit (then nothing is read). */
int crm_rec_get(const char *rec, size_t len, size_t *at, int *tag, char **vals, int max);

#endif
