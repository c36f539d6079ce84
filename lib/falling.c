/*
 * falling.c - a file whose keys fall, planned to be read last row first;
 * see falling.h.
 *
 * The scan splits rows and cells itself, as the reader would, but only as
 * far as it is sure to: whatever it is not sure of (a quote it does not
 * follow, a CR alone, a key the reader or the normaliser would change) ends
 * the scan with 0, and the file is read in its order as before.  So a wrong
 * "no" costs speed only; a "yes" needs every row's key strictly below the
 * one before.
 */
#include "falling.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "diag.h"
#include "entity.h"
#include "keycmp.h"
#include "norm.h"

struct scan {
	struct crm_falling *plan;
	char delim;
	int keycol;
	long line;               /* the line being scanned */
	char prev[CRM_KEY_MAX];  /* the key of the row before */
	size_t prevlen;
	char first[CRM_KEY_MAX]; /* the first row's key */
	size_t firstlen;
	long rows;
	off_t stop_at;           /* stop at the first row starting there or past it; -1: none */
	off_t stopped;           /* where it stopped so; -1: at the end of the file */
	atomic_int *cancel;      /* set: give up (the other half failed) */
};

/* A key the reader and the key's normaliser keep as it is. */
static int plain_key(const char *k, size_t n)
{
	return n > 0 && n <= CRM_KEY_MAX && k[0] > ' ' && k[0] < 0x7f && k[0] != '\'' &&
	       k[n - 1] > ' ' && k[n - 1] < 0x7f;
}

/* Cell k of a line without a quote, and its count of fields (its
 * delimiters and one): 1, or 0 when it has fewer cells. */
static int plain_cell(const char *s, size_t n, char delim, int k, const char **cell, size_t *len,
		      size_t *fields)
{
	const char *e = s + n, *start = s, *d;
	size_t f = 0;
	int found = 0;
	for (;; f++, start = d + 1) {
		d = memchr(start, delim, (size_t)(e - start));
		if ((int)f == k) {
			*cell = start;
			*len = (size_t)((d ? d : e) - start);
			found = 1;
		}
		if (!d)
			break;
	}
	*fields = f + 1;
	return found;
}

/* Past a quoted cell's closing quote, s[*i] being its opening one: 0 when
 * the quote does not close on this line; *doubled when a quote is doubled
 * inside. */
static int skip_quoted(const char *s, size_t n, size_t *i, int *doubled)
{
	size_t at = *i + 1;
	const char *q;
	*doubled = 0;
	for (;;) {
		if (!(q = memchr(s + at, '"', n - at)))
			return 0;
		at = (size_t)(q - s) + 1;
		if (at < n && s[at] == '"') {
			*doubled = 1;
			at++;
			continue;
		}
		*i = at;
		return 1;
	}
}

/*
 * Cell k of a line with a quote, and its count of fields: 1, or 0 when
 * the line is not a whole row as libcsv reads one strictly (a quote that
 * does not close, text after a closing quote, a quote inside an unquoted
 * cell), has fewer cells, or cell k has a doubled quote.
 */
static int quoted_cell(const char *s, size_t n, char delim, int k, const char **cell,
		       size_t *len, size_t *fields)
{
	size_t i = 0, f = 0;
	int doubled, found = 0;
	for (;; f++, i++) {
		size_t b = i, end;
		while (i < n && crm_csv_space(s[i], delim))
			i++;
		if (i < n && s[i] == '"') {
			b = i + 1;
			if (!skip_quoted(s, n, &i, &doubled) || ((int)f == k && doubled))
				return 0;
			end = i - 1;
			while (i < n && crm_csv_space(s[i], delim))
				i++;
			if (i < n && s[i] != delim)
				return 0;
		} else {
			const char *d = memchr(s + i, delim, n - i);
			i = end = d ? (size_t)(d - s) : n;
			if (memchr(s + b, '"', end - b))
				return 0;
		}
		if ((int)f == k) {
			*cell = s + b;
			*len = end - b;
			found = 1;
		}
		if (i >= n)
			break;
	}
	*fields = f + 1;
	return found;
}

/* A chunk for a row of `bytes` bytes at `at`: the last one, or a new one. */
static struct crm_falling_chunk *chunk_for(struct scan *sc, off_t at, size_t bytes)
{
	struct crm_falling *p = sc->plan;
	struct crm_falling_chunk *c = p->n ? &p->chunk[p->n - 1] : NULL;
	if (c && c->rows < p->max_rows &&
	    (c->rows == 0 || (size_t)(at - c->at) + bytes <= p->max_bytes))
		return c;
	if (p->n == p->cap)
		p->chunk = crm_xrealloc(p->chunk, (p->cap = p->cap ? 2 * p->cap : 256) * sizeof *p->chunk);
	c = &p->chunk[p->n++];
	c->at = c->end = at;
	c->line = sc->line;
	c->rows = 0;
	c->fields = 0;
	return c;
}

/* Is there a CR in s[0..n) that does not end a line (CRLF)?  The reader
 * takes a CR alone for a line end, which the scan does not follow. */
static int lone_cr(const char *s, size_t n)
{
	const char *cr, *e = s + n;
	while ((cr = memchr(s, '\r', (size_t)(e - s))) != NULL) {
		if (cr + 1 == e || cr[1] != '\n')
			return 1;
		s = cr + 2;
	}
	return 0;
}

/* One row, s[0..n) without its last line end (a quoted cell may hold
 * others), at `at`, the next at `next`, `quoted` if it has a quote: 1 to
 * go on, 0 to give up. */
static int scan_row(struct scan *sc, const char *s, size_t n, int quoted, off_t at, off_t next)
{
	struct crm_falling_chunk *c;
	const char *key;
	size_t klen, fields, i;
	for (i = 0; i < n && crm_csv_space(s[i], sc->delim); i++)
		;
	if (i == n) {                /* blank: a line, no row */
		c = chunk_for(sc, at, (size_t)(next - at));
		c->end = next;
		return 1;
	}
	if (lone_cr(s, n) || crm_utf8_valid_prefix(s, n) != n)
		return 0;
	if (!quoted) {
		if (!plain_cell(s, n, sc->delim, sc->keycol, &key, &klen, &fields))
			return 0;
	} else if (!quoted_cell(s, n, sc->delim, sc->keycol, &key, &klen, &fields)) {
		return 0;
	}
	/* a quoted key may hold a line end, which the normaliser refuses */
	if (!plain_key(key, klen) || (quoted && memchr(key, '\n', klen)))
		return 0;
	if (sc->rows == 0) {
		memcpy(sc->first, key, klen);
		sc->firstlen = klen;
	} else if (crm_key_cmp(key, klen, sc->prev, sc->prevlen) >= 0) {
		return 0;   /* not strictly below the row before */
	}
	memcpy(sc->prev, key, klen);
	sc->prevlen = klen;
	sc->rows++;
	c = chunk_for(sc, at, (size_t)(next - at));
	c->rows++;
	c->fields += fields;
	c->end = next;
	return 1;
}

/* The row starting at p, as the reader joins lines: up to the first line
 * end outside quotes.  Returns where the next row starts, its lines into
 * *lines and whether it has a quote into *quoted; NULL when buf holds no
 * whole row from p (or, at eof, when a quote is left open: the scan gives
 * up). */
static const char *row_end(const char *p, const char *e, int eof, long *lines, int *quoted)
{
	int open = 0;
	*lines = 0;
	*quoted = 0;
	for (;;) {
		const char *lf = memchr(p, '\n', (size_t)(e - p)), *end = lf ? lf + 1 : e;
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (q) {                         /* counted from the first */
			*quoted = 1;
			open ^= crm_csv_odd_quotes(q, (size_t)(end - q));
		}
		++*lines;
		if (!lf)
			return eof && !open && end > p ? end : NULL;
		p = end;
		if (!open)
			return p;
	}
}

/* The whole rows of buf[0..len), the first at `at`; at eof the last one
 * too.  Returns the bytes scanned, or -1 to give up. */
static long scan_rows(struct scan *sc, const char *buf, size_t len, off_t at, int eof)
{
	const char *p = buf, *e = buf + len, *next;
	long lines;
	int quoted;
	while (p < e) {
		size_t n;
		if (sc->stop_at >= 0 && at + (p - buf) >= sc->stop_at) {
			sc->stopped = at + (p - buf);
			break;
		}
		if (!(next = row_end(p, e, eof, &lines, &quoted)))
			return eof ? -1 : (long)(p - buf);
		n = (size_t)(next - p);
		if (n && p[n - 1] == '\n')
			n--;
		if (n && p[n - 1] == '\r')
			n--;
		if (!scan_row(sc, p, n, quoted, at + (p - buf), at + (next - buf)))
			return -1;
		sc->line += lines;
		p = next;
	}
	return (long)(p - buf);
}

/* Scan from `from` to the end of the file, or to sc->stop_at: 1 when
 * every row there is one the plan may take, 0 when not (or cancelled). */
static int scan_file(struct scan *sc, int fd, off_t from)
{
	char *buf = crm_xmalloc(CRM_FALLING_LINE);
	size_t len = 0;
	int ok = 0;
	sc->stopped = -1;
	while (!(sc->cancel && atomic_load_explicit(sc->cancel, memory_order_relaxed))) {
		ssize_t got = pread(fd, buf + len, CRM_FALLING_LINE - len, from + (off_t)len);
		long used;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		len += (size_t)got;
		if ((used = scan_rows(sc, buf, len, from, got == 0)) < 0 ||
		    (used == 0 && len == CRM_FALLING_LINE && sc->stopped < 0))
			break;           /* not falling, or a row longer than the buffer */
		memmove(buf, buf + used, len - (size_t)used);
		len -= (size_t)used;
		from += used;
		if (got == 0 || sc->stopped >= 0) {
			ok = 1;
			break;
		}
	}
	free(buf);
	return ok;
}

/* Where a row may start after the middle of [from, size): past the first
 * LF from there; -1 when there is none near it. */
static off_t middle(int fd, off_t from, off_t size)
{
	char buf[64 * 1024];
	off_t mid = from + (size - from) / 2;
	ssize_t got;
	const char *lf;
	while ((got = pread(fd, buf, sizeof buf, mid)) < 0 && errno == EINTR)
		;
	if (got <= 0 || !(lf = memchr(buf, '\n', (size_t)got)))
		return -1;
	mid += lf - buf + 1;
	return mid < size ? mid : -1;
}

struct half {
	struct scan sc;
	int fd, ok;
	off_t from;
};

static void *scan_half(void *arg)
{
	struct half *h = arg;
	h->ok = scan_file(&h->sc, h->fd, h->from);
	if (!h->ok && h->sc.stop_at >= 0)    /* the first half: the file is not falling */
		atomic_store(h->sc.cancel, 1);
	return NULL;
}

/* b's chunks after a's plan, numbered on from a's lines, when b's first
 * key falls below a's last: 1, or 0. */
static int join_halves(struct scan *a, struct scan *b)
{
	struct crm_falling *p = a->plan, *q = b->plan;
	size_t i;
	if (a->rows && b->rows && crm_key_cmp(b->first, b->firstlen, a->prev, a->prevlen) >= 0)
		return 0;
	if (p->n + q->n > p->cap)
		p->chunk = crm_xrealloc(p->chunk, (p->cap = p->n + q->n) * sizeof *p->chunk);
	for (i = 0; i < q->n; i++) {
		p->chunk[p->n] = q->chunk[i];
		p->chunk[p->n++].line += a->line;
	}
	a->rows += b->rows;
	return 1;
}

/*
 * The scan in two halves at once, the second from the first row start
 * past the middle (as a guess: a quoted cell may span it), the first up to
 * there.  When the first half's rows end exactly there, the guess was
 * right and the halves join; when not, the first goes on alone.  The
 * file's first rows are scanned before, alone: a file in key order (the
 * usual) stops at its second row and starts no thread.
 */
static int scan_split(struct scan *sc, int fd, off_t from, off_t size)
{
	atomic_int cancel = 0;
	struct crm_falling second = {.max_rows = sc->plan->max_rows, .max_bytes = sc->plan->max_bytes};
	struct half a, b;
	int ok;
	sc->stop_at = from + (off_t)sc->plan->max_bytes;
	if (!scan_file(sc, fd, from))
		return 0;
	sc->stop_at = -1;
	if (sc->stopped < 0)
		return 1;                        /* the file ended there */
	from = sc->stopped;
	a = (struct half){.sc = *sc, .fd = fd, .from = from};
	b = (struct half){.sc = *sc, .fd = fd};
	if ((b.from = middle(fd, from, size)) < 0)
		return scan_file(sc, fd, from);
	a.sc.stop_at = b.from;
	a.sc.cancel = b.sc.cancel = &cancel;
	b.sc.plan = &second;
	b.sc.line = 0;                           /* numbered on from a's at the join */
	b.sc.rows = 0;
	b.sc.prevlen = b.sc.firstlen = 0;
	crm_run_pair(scan_half, &a, &b);
	*sc = a.sc;
	sc->cancel = NULL;
	sc->stop_at = -1;
	if (!a.ok)
		ok = 0;
	else if (a.sc.stopped == b.from)
		ok = b.ok && join_halves(sc, &b.sc);
	else if (a.sc.stopped >= 0)
		ok = scan_file(sc, fd, a.sc.stopped);
	else
		ok = 1;                          /* its last row spans the middle */
	crm_falling_free(&second);
	return ok;
}

int crm_falling_plan(int fd, off_t from, long line, char delim, int keycol,
		     struct crm_falling *plan)
{
	struct scan sc = {.plan = plan, .delim = delim, .keycol = keycol, .line = line,
			  .stop_at = -1};
	struct stat st;
	int ok = 0, max_rows = plan->max_rows;
	size_t max_bytes = plan->max_bytes, split = plan->split_bytes;
	memset(plan, 0, sizeof *plan);
	plan->max_rows = max_rows > 0 ? max_rows : CRM_FALLING_ROWS;
	plan->max_bytes = max_bytes > 0 ? max_bytes : CRM_FALLING_BYTES;
	plan->split_bytes = split > 0 ? split : CRM_FALLING_SPLIT;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && keycol >= 0 && from <= st.st_size)
		ok = st.st_size - from >= (off_t)plan->split_bytes ? scan_split(&sc, fd, from, st.st_size)
								 : scan_file(&sc, fd, from);
	if (ok && sc.rows < 2)
		ok = 0;
	if (!ok)
		crm_falling_free(plan);
	return ok;
}

void crm_falling_free(struct crm_falling *plan)
{
	free(plan->chunk);
	memset(plan, 0, sizeof *plan);
}
