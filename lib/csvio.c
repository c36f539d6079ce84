/*
 * csvio.c - CSV/TSV reader on libcsv, and the writer; see csvio.h.
 *
 * libcsv is a push parser that knows nothing of lines, BOMs or encodings.
 * The reader converts the input to UTF-8 in a buffer, then feeds libcsv one
 * physical line at a time: the line counter is then exact.  A row starts on
 * the line it is fed with unless a quoted field is still open from the line
 * before; the reader tells that from the quotes it feeds (quote_open)
 * rather than from libcsv's parser state, a private field.
 */
#include "csvio.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "i18n.h"
#include "norm.h"

/* The fuzz build reads in small chunks: a fresh 256 KiB buffer per input costs
 * the fuzzer more than the parsing, and small chunks put more inputs across
 * a chunk boundary (a CR at the end of one, its LF in the next). */
#ifndef CRM_CSV_CHUNK
#define CRM_CSV_CHUNK (256 * 1024)
#endif
#define RAW_CHUNK CRM_CSV_CHUNK

struct crm_reader {
	int fd;
	int cancel_fd;               /* readable: stop waiting for input; -1: none */
	void (*idle)(void *);        /* called before waiting for input */
	void *idle_ctx;
	char *name;
	char delim;
	char *encoding;              /* as given, for messages */
	iconv_t cd;                  /* (iconv_t)-1: input is UTF-8 */
	int fifo;                    /* a named pipe: its writer may come later */
	int started;                 /* first bytes seen (BOM checks done) */
	int eof;
	off_t pos;                   /* the file's bytes read so far: the next one's offset */
	off_t to;                    /* crm_reader_range(): read up to here; -1: to the end */

	unsigned char *raw;          /* bytes read, not yet converted */
	size_t rawlen;
	char *buf;                   /* UTF-8 text not yet parsed */
	size_t len, cap;

	struct csv_parser p;
	long line;                   /* line number of the next byte fed */
	long row_start;
	int quote_open;              /* the lines fed end inside a quoted field */
	int header_done;
	int stop;                    /* nonzero: a callback asked to stop */

	char *fbuf;                  /* fields of the current row, NUL-separated */
	int nul_free;                /* the row is known to hold no NUL byte */
	size_t flen, fcap;
	size_t *foff, *flens;
	char **fptr;
	size_t nf, fmax;

	crm_row_fn *on_header, *on_row;
	void *ctx;

	char err[256];
	long errline;
};

/* ---- small helpers --------------------------------------------------------- */

static int grow(char **buf, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 4096;
	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	*buf = crm_xrealloc(*buf, c);
	*cap = c;
	return 0;
}

int crm_parse_delim(const char *arg, char *out, const char **why)
{
	if (!strcmp(arg, "\\t") || !strcasecmp(arg, "tab")) {
		*out = '\t';
		return 0;
	}
	if (strlen(arg) != 1)
		return *why = _("must be one character"), -1;
	/* the quote and line ends are CSV's own; the apostrophe is the guard
	 * against spreadsheet formulas, which as a delimiter would be lost */
	if (arg[0] == '"')
		return *why = _("cannot be the quote"), -2;
	if (arg[0] == '\n' || arg[0] == '\r')
		return *why = _("cannot be a line end"), -2;
	if (arg[0] == '\'')
		return *why = _("cannot be the apostrophe: it guards against spreadsheet formulas"), -2;
	*out = arg[0];
	return 0;
}

/* "cp949" -> the iconv name; NULL for UTF-8 (no conversion). */
static const char *iconv_name(const char *enc)
{
	static const struct { const char *alias, *name; } map[] = {
		{"cp949", "CP949"}, {"uhc", "CP949"}, {"ms949", "CP949"},
		{"euc-kr", "EUC-KR"}, {"euckr", "EUC-KR"},
		{"latin1", "ISO-8859-1"}, {"latin-1", "ISO-8859-1"},
		{"iso-8859-1", "ISO-8859-1"}, {"cp1252", "CP1252"},
		{"windows-1252", "CP1252"}, {"shift_jis", "SHIFT_JIS"},
		{"sjis", "SHIFT_JIS"}, {"cp932", "CP932"}, {"utf-16", "UTF-16"},
		{"utf-16le", "UTF-16LE"}, {"utf-16be", "UTF-16BE"},
	};
	size_t i;
	if (!enc || !strcasecmp(enc, "utf-8") || !strcasecmp(enc, "utf8"))
		return NULL;
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcasecmp(enc, map[i].alias))
			return map[i].name;
	return enc;                  /* let iconv judge other names */
}

int crm_encoding_known(const char *enc)
{
	const char *name = iconv_name(enc);
	iconv_t cd;
	if (!name)
		return 1;
	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return 0;
	iconv_close(cd);
	return 1;
}

static int open_iconv(struct crm_reader *r, const char *enc, char *err, size_t errsize)
{
	const char *name = iconv_name(enc);
	if (!name)
		return 0;
	r->cd = iconv_open("UTF-8", name);
	if (r->cd == (iconv_t)-1) {
		snprintf(err, errsize, _("unknown encoding '%s'"), enc);
		return -1;
	}
	free(r->encoding);
	r->encoding = crm_xstrdup(enc);
	return 0;
}

/*
 * open() of a named pipe waits for a writer, where nothing can cancel it;
 * opened without waiting, the pipe is then waited on in poll() like any
 * pipe (Linux's poll() reports no hang-up before a writer has come).
 */
static int open_input(const char *path, int *fifo)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), err;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	*fifo = S_ISFIFO(st.st_mode);
	return fd;
}

struct crm_reader *crm_reader_open(const char *path, const struct crm_csv_opts *o,
				   char *err, size_t errsize)
{
	struct crm_reader *r = crm_xcalloc(1, sizeof *r);
	r->cd = (iconv_t)-1;
	r->cancel_fd = -1;
	r->delim = o && o->delim ? o->delim : ',';
	if (!strcmp(path, "-")) {
		r->fd = STDIN_FILENO;
		r->name = crm_xstrdup("stdin");
	} else {
		r->fd = open_input(path, &r->fifo);
		r->name = crm_xstrdup(path);
		if (r->fd < 0) {
			snprintf(err, errsize, "%s: %s", path, strerror(errno));
			crm_reader_close(r);
			return NULL;
		}
	}
	if (open_iconv(r, o ? o->encoding : NULL, err, errsize) < 0) {
		crm_reader_close(r);
		return NULL;
	}
	r->raw = crm_xrealloc(NULL, RAW_CHUNK);
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		snprintf(err, errsize, _("out of memory"));
		crm_reader_close(r);
		return NULL;
	}
	csv_set_delim(&r->p, (unsigned char)r->delim);
	r->line = 1;
	r->to = -1;
	return r;
}

const char *crm_reader_name(const struct crm_reader *r) { return r->name; }
const char *crm_reader_error(const struct crm_reader *r) { return r->err; }
long crm_reader_error_line(const struct crm_reader *r) { return r->errline; }

void crm_reader_waits(struct crm_reader *r, void (*idle)(void *ctx), void *ctx, int cancel_fd)
{
	r->idle = idle;
	r->idle_ctx = ctx;
	r->cancel_fd = cancel_fd;
}

void crm_reader_close(struct crm_reader *r)
{
	if (!r)
		return;
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	csv_free(&r->p);
	free(r->name);
	free(r->encoding);
	free(r->raw);
	free(r->buf);
	free(r->fbuf);
	free(r->foff);
	free(r->flens);
	free(r->fptr);
	free(r);
}

static void set_error(struct crm_reader *r, long line, const char *fmt, const char *arg)
{
	r->errline = line;
	snprintf(r->err, sizeof r->err, fmt, arg);
}

struct crm_row *crm_row_dup(const struct crm_row *row)
{
	struct crm_row *copy = crm_xmalloc(sizeof *copy);
	size_t i;
	copy->n = row->n;
	copy->line = row->line;
	copy->field = crm_xcalloc(row->n + 1, sizeof *copy->field);
	copy->len = crm_xcalloc(row->n + 1, sizeof *copy->len);
	for (i = 0; i < row->n; i++) {
		copy->field[i] = crm_xmalloc(row->len[i] + 1);
		memcpy(copy->field[i], row->field[i], row->len[i]);
		copy->field[i][row->len[i]] = '\0';
		copy->len[i] = row->len[i];
	}
	return copy;
}

void crm_row_free(struct crm_row *row)
{
	size_t i;
	if (!row)
		return;
	for (i = 0; i < row->n; i++)
		free(row->field[i]);
	free(row->field);
	free(row->len);
	free(row);
}

/* ---- libcsv callbacks ------------------------------------------------------ */

/* s[0..n) is a number as a spreadsheet shows it.  Bounded by n, never by a
 * NUL: libcsv's field is not terminated, and a field may hold NUL bytes. */
static int is_plain_number(const char *s, size_t n)
{
	const char *end = s + n;
	int digits = 0;
	if (s < end && (*s == '+' || *s == '-'))
		s++;
	for (; s < end; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s != '.' && *s != ',')
			return 0;
	}
	return digits > 0;
}

static int formula_lead(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* Undo the writer's formula guard: "'=x" was "=x".  1 if f[0] is one. */
static int formula_guard(const char *f, size_t len)
{
	return len >= 2 && f[0] == '\'' && formula_lead(f[1]) && !is_plain_number(f + 1, len - 1);
}

/* Room for one field more in the row's arrays. */
static void field_slot(struct crm_reader *r)
{
	if (r->nf < r->fmax)
		return;
	r->fmax = r->fmax ? r->fmax * 2 : 16;
	r->foff = crm_xrealloc(r->foff, r->fmax * sizeof *r->foff);
	r->flens = crm_xrealloc(r->flens, r->fmax * sizeof *r->flens);
	r->fptr = crm_xrealloc(r->fptr, r->fmax * sizeof *r->fptr);
}

static void on_field(void *s, size_t len, void *ctx)
{
	struct crm_reader *r = ctx;
	const char *f = s ? s : "";
	if (r->stop)
		return;
	if (formula_guard(f, len)) {
		f++;
		len--;
	}
	field_slot(r);
	grow(&r->fbuf, &r->fcap, r->flen + len + 1);
	memcpy(r->fbuf + r->flen, f, len);
	r->fbuf[r->flen + len] = '\0';
	r->foff[r->nf] = r->flen;
	r->flens[r->nf] = len;
	r->nf++;
	r->flen += len + 1;
}

static void reset_row(struct crm_reader *r)
{
	r->nf = 0;
	r->flen = 0;
}

static void on_row_end(int c, void *ctx)
{
	struct crm_reader *r = ctx;
	struct crm_row row;
	size_t i;
	int rc;
	(void)c;
	if (r->stop) {
		reset_row(r);
		return;
	}
	for (i = 0; i < r->nf; i++)
		r->fptr[i] = r->fbuf + r->foff[i];
	row.line = r->row_start;
	row.n = r->nf;
	row.field = r->fptr;
	row.len = r->flens;
	row.nul_free = r->nul_free;
	if (!r->header_done) {
		r->header_done = 1;
		rc = r->on_header ? r->on_header(&row, r->ctx) : 0;
	} else {
		rc = r->on_row(&row, r->ctx);
	}
	if (rc)
		r->stop = rc;
	reset_row(r);
}

/* ---- feeding ----------------------------------------------------------------- */

/* 1-based field number of byte `off` in a line, counting delimiters outside quotes. */
static size_t field_at(const char *s, size_t off, char delim)
{
	size_t i, n = 1;
	int q = 0;
	for (i = 0; i < off; i++) {
		if (s[i] == '"')
			q = !q;
		else if (s[i] == delim && !q)
			n++;
	}
	return n;
}

static void parser_reset(struct crm_reader *r)
{
	csv_free(&r->p);
	csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_delim(&r->p, (unsigned char)r->delim);
	r->quote_open = 0;
}

static const char MALFORMED[] = N_("malformed quoting: a quote inside a quoted field must be "
	"doubled, and a quoted field must end at a delimiter");

/*
 * A whole line without a quote, from the start of a row: split here as
 * libcsv would split it (the fields between delimiters, spaces and tabs
 * around each trimmed; a line of nothing else no row), without its work
 * per byte, which is most of reading a plain export.  libcsv is left as it
 * was, at the start of a row.
 */
static void feed_plain(struct crm_reader *r, const char *s, size_t n)
{
	const char *e = s + n, *end, *f, *p;
	char *buf;
	if (e > s && e[-1] == '\n')
		e--;
	if (e > s && e[-1] == '\r')
		e--;
	for (p = s; p < e && crm_csv_space(*p, r->delim); p++)
		;
	if (p == e || r->stop)
		return;                  /* a blank line, or a row after a stop */
	/* the line is copied once and its fields ended in place: a field ends
	 * at or before its delimiter, so its NUL never lands on the next one */
	grow(&r->fbuf, &r->fcap, (size_t)(e - s) + 1);
	buf = memcpy(r->fbuf, s, (size_t)(e - s));
	r->nul_free = !memchr(s, '\0', (size_t)(e - s));
	for (f = s;; f = end + 1) {
		const char *b = f;
		end = memchr(f, r->delim, (size_t)(e - f));
		if (!end)
			end = e;
		while (b < end && crm_csv_space(*b, r->delim))
			b++;
		for (p = end; p > b && crm_csv_space(p[-1], r->delim); p--)
			;
		b += formula_guard(b, (size_t)(p - b));
		field_slot(r);
		buf[p - s] = '\0';
		r->foff[r->nf] = (size_t)(b - s);
		r->flens[r->nf++] = (size_t)(p - b);
		if (end == e)
			break;
	}
	on_row_end(0, r);
	r->nul_free = 0;
}

static int feed_line(struct crm_reader *r, const char *s, size_t n, crm_bad_fn *on_bad)
{
	size_t used;
	if (r->cd == (iconv_t)-1) {
		size_t ok = crm_utf8_valid_prefix(s, n);
		if (ok < n) {
			char msg[200];
			snprintf(msg, sizeof msg, _("field %zu: invalid UTF-8 (byte 0x%02x); if the file is in "
				 "a legacy encoding, give it with --encoding, e.g. --encoding cp949"),
				 field_at(s, ok, r->delim), (unsigned char)s[ok]);
			set_error(r, r->line, "%s", msg);
			return -1;
		}
	}
	if (!r->quote_open)
		r->row_start = r->line;
	if (!r->quote_open && n && (s[n - 1] == '\n' || s[n - 1] == '\r') && !memchr(s, '"', n)) {
		feed_plain(r, s, n);
		return 0;
	}
	used = csv_parse(&r->p, s, n, on_field, on_row_end, r);
	if (used == n) {
		r->quote_open ^= crm_csv_odd_quotes(s, n);
		return 0;
	}
	/* A malformed quote: report the row, start afresh on the next line. */
	size_t field = r->nf + 1;
	int rc = 0;
	if (csv_error(&r->p) != CSV_EPARSE) {
		set_error(r, r->line, "%s", csv_strerror(csv_error(&r->p)));
		return -1;
	}
	if (!r->header_done) {
		/* the next row would be taken for the header and every row read
		 * under the wrong columns: the input cannot be read */
		char msg[200];
		snprintf(msg, sizeof msg, _("cannot read the header: field %zu: %s"), field, _(MALFORMED));
		set_error(r, r->row_start, "%s", msg);
		return -1;
	}
	if (!r->stop && on_bad)
		rc = on_bad(r->row_start, field, _(MALFORMED), r->ctx);
	if (rc)
		r->stop = rc;
	parser_reset(r);
	reset_row(r);
	return 0;
}

/*
 * The end of the line starting at s, after its line end: LF, CRLF, or a
 * CR alone (old Mac exports), each one line end; NULL when s..e holds none.
 * *lf and *cr keep the next LF and CR found (e: none; NULL: not looked for
 * yet), each looked for again only once passed: a file with one kind of
 * line end is not searched to its end for the other at every line.
 */
static const char *line_end(const char *s, const char *e, const char **lf, const char **cr)
{
	const char *p;
	if (!*lf || (*lf < s && *lf != e))
		*lf = (p = memchr(s, '\n', (size_t)(e - s))) ? p : e;
	if (!*cr || (*cr < s && *cr != e))
		*cr = (p = memchr(s, '\r', (size_t)(e - s))) ? p : e;
	p = *lf < *cr ? *lf : *cr;
	if (p == e)
		return NULL;
	if (*p == '\r' && p + 1 < e && p[1] == '\n')
		p++;
	return p + 1;
}

/* The line ends in s[0..n), for a message's line number. */
static long count_lines(const char *s, size_t n)
{
	const char *e = s + n, *lf = NULL, *cr = NULL;
	long lines = 0;
	while ((s = line_end(s, e, &lf, &cr)) != NULL)
		lines++;
	return lines;
}

/* The bytes of buf[0..len) that are whole lines; a CR at the very end is
 * not known to be one before the end of the input, as an LF may follow. */
static size_t whole_lines(const char *buf, size_t len, int eof)
{
	const char *lf, *cr;
	size_t a, b;
	if (eof || !len)
		return eof ? len : 0;
	lf = memrchr(buf, '\n', len);
	cr = memrchr(buf, '\r', len - 1);
	a = lf ? (size_t)(lf - buf) + 1 : 0;
	b = cr ? (size_t)(cr - buf) + 1 : 0;
	return a > b ? a : b;
}

/* Feed every complete line of buf[0..end); returns bytes consumed or -1. */
static long feed_lines(struct crm_reader *r, size_t end, crm_bad_fn *on_bad)
{
	const char *p = r->buf, *e = r->buf + end, *lf = NULL, *cr = NULL, *next;
	while (p < e && !r->stop) {
		next = line_end(p, e, &lf, &cr);
		if (feed_line(r, p, (size_t)((next ? next : e) - p), on_bad) < 0)
			return -1;
		if (next)
			r->line++;
		p = next ? next : e;
	}
	return (long)(p - r->buf);
}

/* Convert raw bytes into buf; returns -1 on an invalid sequence. */
static int convert(struct crm_reader *r)
{
	char *in = (char *)r->raw, *out;
	size_t inleft = r->rawlen, outleft;
	if (r->cd == (iconv_t)-1) {
		grow(&r->buf, &r->cap, r->len + r->rawlen + 1);
		memcpy(r->buf + r->len, r->raw, r->rawlen);
		r->len += r->rawlen;
		r->rawlen = 0;
		return 0;
	}
	grow(&r->buf, &r->cap, r->len + 4 * r->rawlen + 16);
	out = r->buf + r->len;
	outleft = r->cap - r->len;
	if (iconv(r->cd, &in, &inleft, &out, &outleft) == (size_t)-1 && errno != EINVAL) {
		r->len = (size_t)(out - r->buf);
		r->errline = r->line + count_lines(r->buf, r->len);
		snprintf(r->err, sizeof r->err, _("invalid %s byte sequence (byte 0x%02x); is the "
			 "file really in that encoding?"), r->encoding, (unsigned char)*in);
		return -1;
	}
	r->len = (size_t)(out - r->buf);
	memmove(r->raw, in, inleft);   /* an incomplete sequence waits for more */
	r->rawlen = inleft;
	return 0;
}

static int detect_boms(struct crm_reader *r)
{
	if (r->cd == (iconv_t)-1 && r->rawlen >= 2 &&
	    ((r->raw[0] == 0xFF && r->raw[1] == 0xFE) || (r->raw[0] == 0xFE && r->raw[1] == 0xFF))) {
		char e[64];
		if (open_iconv(r, "utf-16", e, sizeof e) < 0) {
			set_error(r, 1, "%s", e);
			return -1;
		}
	}
	return 0;
}

/* Wait until there is input or cancel_fd is readable: 0, or -1 to give up.
 * A regular file always has input: the first poll() returns at once. */
static int wait_input(struct crm_reader *r)
{
	struct pollfd pf[2] = {{r->fd, POLLIN, 0}, {r->cancel_fd, POLLIN, 0}};
	int n, timeout = 0;
	for (;;) {
		n = poll(pf, 2, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != 0 || timeout < 0)
			break;
		if (r->idle)
			r->idle(r->idle_ctx);
		timeout = -1;
	}
	/* a poll that fails leaves the wait to read() */
	if (n > 0 && pf[1].revents) {
		set_error(r, 0, "%s", "cancelled");
		return -1;
	}
	return 0;
}

/* What a read in a range may take: the room left, up to the range's end. */
static size_t range_room(const struct crm_reader *r)
{
	size_t room = RAW_CHUNK - r->rawlen;
	return (off_t)room < r->to - r->pos ? room : (size_t)(r->to - r->pos);
}

static int fill(struct crm_reader *r)
{
	ssize_t n;
	if ((r->cancel_fd >= 0 || r->idle || r->fifo) && wait_input(r) < 0)
		return -1;
	do
		n = r->to < 0 ? read(r->fd, r->raw + r->rawlen, RAW_CHUNK - r->rawlen) :
		    pread(r->fd, r->raw + r->rawlen, range_room(r), r->pos);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		set_error(r, 0, _("read error: %s"), strerror(errno));
		return -1;
	}
	r->pos += n;
	if (n == 0 || (r->to >= 0 && r->pos >= r->to))
		r->eof = 1;
	r->rawlen += (size_t)n;
	if (!r->started && (r->rawlen >= 3 || r->eof)) {
		r->started = 1;
		if (detect_boms(r) < 0)
			return -1;
	}
	if (!r->started)
		return 0;
	if (convert(r) < 0)
		return -1;
	if (r->eof && r->rawlen) {
		set_error(r, r->line, _("incomplete %s character at the end of the input"), r->encoding);
		return -1;
	}
	return 0;
}

static void skip_utf8_bom(struct crm_reader *r)
{
	if (r->line == 1 && r->len >= 3 && !memcmp(r->buf, "\xEF\xBB\xBF", 3)) {
		memmove(r->buf, r->buf + 3, r->len - 3);
		r->len -= 3;
	}
}

int crm_read(struct crm_reader *r, crm_row_fn *on_header, crm_row_fn *on_row,
	     crm_bad_fn *on_bad, void *ctx)
{
	int bom_checked = 0;
	r->on_header = on_header;
	r->on_row = on_row;
	r->ctx = ctx;
	r->stop = 0;
	while (!r->stop) {
		size_t whole;
		long used;
		if (fill(r) < 0)
			return -1;
		if (!bom_checked && (r->len >= 3 || r->eof)) {
			skip_utf8_bom(r);
			bom_checked = 1;
		}
		if (!bom_checked)
			continue;
		if (!(whole = whole_lines(r->buf, r->len, r->eof)) && !r->eof)
			continue;            /* a line longer than what we have: read on */
		used = feed_lines(r, whole, on_bad);
		if (used < 0)
			return -1;
		memmove(r->buf, r->buf + used, r->len - (size_t)used);
		r->len -= (size_t)used;
		if (r->eof && !r->stop) {
			if (csv_fini(&r->p, on_field, on_row_end, r) != 0) {
				r->errline = r->row_start;
				snprintf(r->err, sizeof r->err, _("unterminated quoted field: the quote opened "
					 "in the row starting here is never closed"));
				return -1;
			}
			break;
		}
	}
	return r->stop;
}

int crm_reader_range(struct crm_reader *r, off_t from, off_t to, long line, int header)
{
	if (r->fifo || r->fd == STDIN_FILENO || r->cd != (iconv_t)-1 || from < 0 || to < from)
		return -1;
	r->pos = from;
	r->to = to;
	r->eof = 0;
	r->started = from > 0;     /* a byte-order mark is the file's first bytes */
	r->rawlen = r->len = 0;
	r->line = r->row_start = line;
	r->header_done = !header;
	parser_reset(r);
	reset_row(r);
	return 0;
}

int crm_reader_fd(const struct crm_reader *r)
{
	return r->fd;
}

off_t crm_reader_offset(const struct crm_reader *r, long *line)
{
	*line = r->line;
	if (r->cd != (iconv_t)-1)    /* a UTF-16 file's: its bytes are not the buffer's */
		return -1;
	return r->pos - (off_t)r->rawlen - (off_t)r->len;
}

int crm_read_path(const char *path, const struct crm_csv_opts *o, int flags, const char **name,
		  crm_row_fn *on_header, crm_row_fn *on_row, crm_bad_fn *on_bad, void *ctx)
{
	char err[512];
	int rc;
	struct crm_reader *r = crm_reader_open(path, o, err, sizeof err);
	if (!r) {
		crm_error("%s", err);
		return CRM_EIO;
	}
	*name = r->name;
	rc = crm_read(r, on_header, on_row, on_bad, ctx);
	if (rc < 0) {
		crm_error_at(r->name, r->errline, "%s", r->err);
		rc = r->errline > 0 ? CRM_EDATA : CRM_EIO;
	} else if (rc == 0 && !r->header_done && (flags & CRM_READ_NEED_HEADER)) {
		crm_error_at(r->name, 0, _("empty input: no header line"));
		rc = CRM_EDATA;
	}
	*name = NULL;
	crm_reader_close(r);
	return rc;
}

/* ---- writer ----------------------------------------------------------------- */

void crm_writer_init(struct crm_writer *w, FILE *fp, char delim)
{
	w->fp = fp;
	w->delim = delim ? delim : ',';
	w->nfield = 0;
}

static int needs_quotes(const char *s, size_t n, char delim)
{
	size_t i;
	/* the reader (libcsv) trims spaces and tabs round an unquoted field */
	if (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		return 1;
	/* a field that begins with a BOM, written first, would be taken for the
	 * file's BOM and lost by the next reader */
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		return 1;
	for (i = 0; i < n; i++)
		if (s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

/* Does s[0..n), a cell of that kind, start like a formula a spreadsheet
 * would run? */
static int needs_guard(const char *s, size_t n, int kind)
{
	return kind == CRM_CELL_TEXT && n && formula_lead(s[0]) && !is_plain_number(s, n);
}

void crm_write_fieldn(struct crm_writer *w, const char *s, size_t n, int kind)
{
	int guard = needs_guard(s, n, kind);
	int quote = needs_quotes(s, n, w->delim);
	const char *q;
	/* one writer per stream, on one thread: stdio's lock per character
	 * was a tenth of writing a large table */
	if (w->nfield++)
		putc_unlocked(w->delim, w->fp);
	if (quote)
		putc_unlocked('"', w->fp);
	if (guard)
		putc_unlocked('\'', w->fp);
	while (quote && (q = memchr(s, '"', n))) {      /* each '"' doubled */
		fwrite_unlocked(s, 1, (size_t)(q - s) + 1, w->fp);
		putc_unlocked('"', w->fp);
		n -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	fwrite_unlocked(s, 1, n, w->fp);
	if (quote)
		putc_unlocked('"', w->fp);
}

size_t crm_csv_encode(const char *s, size_t n, int kind, char delim, char *out)
{
	int quote = needs_quotes(s, n, delim ? delim : ',');
	char *o = out;
	size_t i;
	if (quote)
		*o++ = '"';
	if (needs_guard(s, n, kind))
		*o++ = '\'';
	for (i = 0; i < n; i++) {
		*o++ = s[i];
		if (quote && s[i] == '"')
			*o++ = '"';
	}
	if (quote)
		*o++ = '"';
	*o = '\0';
	return (size_t)(o - out);
}

void crm_write_field(struct crm_writer *w, const char *s, int kind)
{
	crm_write_fieldn(w, s ? s : "", s ? strlen(s) : 0, kind);
}

void crm_write_int(struct crm_writer *w, long long v)
{
	if (w->nfield++)
		putc(w->delim, w->fp);
	fprintf(w->fp, "%lld", v);
}

void crm_write_end(struct crm_writer *w)
{
	putc_unlocked('\n', w->fp);
	w->nfield = 0;
}

void crm_write_row(struct crm_writer *w, const char *const *fields, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		crm_write_field(w, fields[i], CRM_CELL_PLAIN);
	crm_write_end(w);
}
