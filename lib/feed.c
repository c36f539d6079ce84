/*
 * feed.c - the reading half of an import; see feed.h.
 *
 * The thread copies each row into the batch it fills, as the reader's
 * buffers are reused at the next row, and normalises the copy in place.  A
 * batch's bytes and field slots never move while it fills: a row that does
 * not fit sends the batch on and starts the next one, and only an empty
 * batch grows, for a row larger than any before.  So items point straight
 * into their batch and the consumer reads them as they are.
 */
#include "feed.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "falling.h"
#include "pipe.h"

/* Four batches: one filling, one in use, two waiting.  Deeper queues only
 * hold more memory; what evens out the two threads is the batch size. */
#define NBATCH 4
#define BATCH_ITEMS 1024
#define BATCH_BYTES (256 * 1024)
#define BATCH_FIELDS (16 * 1024)
#define TEXT_MAX 1024            /* the longest reason or name an item needs room for */

struct batch {
	struct crm_feed_batch pub;
	struct crm_feed_item item[BATCH_ITEMS];
	struct crm_values vals[BATCH_ITEMS];
	char *bytes;
	size_t used, cap;
	char **fptr;
	size_t *flen;
	size_t fused, fcap;
};

struct crm_feed {
	struct crm_feed_opts fo;
	char *const *files;
	int nfiles;
	struct crm_pipe *pipe;       /* NULL: the feed runs on the caller's thread */
	pthread_t thread;
	struct batch *all[NBATCH];
	struct batch *cur;           /* the thread's, filling */

	/* the thread's own */
	char currency0[4];
	int colmap[CRM_MAX_COLS];
	struct crm_row *hdr;         /* the file's header, for crm_row_check() */
	int chunked;                 /* reading a chunk of a falling file into one batch */

	/* without a thread: the consumer, and the first nonzero it returned */
	crm_feed_fn *fn;
	void *ctx;
	int stop;
};

/* ---- batches --------------------------------------------------------------------- */

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	free(b->bytes);
	free(b->fptr);
	free(b->flen);
	free(b);
}

static struct batch *batch_new(void)
{
	struct batch *b = crm_xcalloc(1, sizeof *b);
	b->pub.item = b->item;
	b->cap = BATCH_BYTES;
	b->fcap = BATCH_FIELDS;
	b->bytes = crm_xmalloc(b->cap);
	b->fptr = crm_xmalloc(b->fcap * sizeof *b->fptr);
	b->flen = crm_xmalloc(b->fcap * sizeof *b->flen);
	return b;
}

/* Hand the batch being filled to the consumer: through the queue, or
 * without a thread straight to it, its one batch then free again. */
static void send(struct crm_feed *f)
{
	if (!f->cur)
		return;
	if (f->pipe)
		crm_pipe_put(f->pipe, f->cur);
	else if (!f->stop)
		f->stop = f->fn(&f->cur->pub, f->ctx);
	f->cur = NULL;
}

/* A batch to fill; NULL once the consumer has stopped the feed. */
static struct batch *free_batch(struct crm_feed *f)
{
	if (f->pipe)
		return crm_pipe_get(f->pipe);
	return f->stop ? NULL : f->all[0];
}

static int stopped(struct crm_feed *f)
{
	return f->pipe ? crm_pipe_cancelled(f->pipe) : f->stop != 0;
}

/* The input makes us wait: what is read so far need not. */
static void send_now(void *ctx)
{
	send(ctx);
}

static int fits(const struct batch *b, size_t bytes, size_t nfields)
{
	return b->pub.n < BATCH_ITEMS && b->used + bytes <= b->cap && b->fused + nfields <= b->fcap;
}

/* Empty a batch and size it for its first item, nothing pointing into it
 * yet: the usual size, larger for a row that needs it, and the usual size
 * again after such a row, so that one huge row does not hold memory. */
static void batch_start(struct batch *b, size_t bytes, size_t nfields)
{
	size_t cap = bytes > BATCH_BYTES ? bytes : BATCH_BYTES;
	size_t fcap = nfields > BATCH_FIELDS ? nfields : BATCH_FIELDS;
	b->pub.n = 0;
	b->used = b->fused = 0;
	if (cap != b->cap)
		b->bytes = crm_xrealloc(b->bytes, b->cap = cap);
	if (fcap != b->fcap) {
		b->fcap = fcap;
		b->fptr = crm_xrealloc(b->fptr, b->fcap * sizeof *b->fptr);
		b->flen = crm_xrealloc(b->flen, b->fcap * sizeof *b->flen);
	}
}

/* A new item with room for `bytes` bytes and `nfields` fields; NULL once
 * the consumer has stopped the feed. */
static struct crm_feed_item *new_item(struct crm_feed *f, enum crm_feed_kind kind, size_t bytes,
				      size_t nfields)
{
	struct crm_feed_item *it;
	if (f->cur && !fits(f->cur, bytes, nfields)) {
		if (f->chunked)      /* chunk_bytes() fell short: its rows would go out of order */
			abort();
		send(f);
	}
	if (!f->cur) {
		if (!(f->cur = free_batch(f)))
			return NULL;
		batch_start(f->cur, bytes, nfields);
	}
	it = &f->cur->item[f->cur->pub.n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	return it;
}

static char *take_bytes(struct batch *b, size_t n, size_t align)
{
	char *p;
	b->used = (b->used + align - 1) / align * align;
	p = b->bytes + b->used;
	b->used += n;
	return p;
}

static const char *keep_text(struct batch *b, const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(take_bytes(b, n, 1), s, n);
}

/* What new_item() must reserve for a copy of a row, alignment included. */
static size_t row_bytes(const struct crm_row *row)
{
	size_t n = 0, i;
	for (i = 0; i < row->n; i++)
		n += row->len[i] + 1;
	return n + TEXT_MAX + sizeof(int) * CRM_MAX_COLS + 16;
}

/* Does each field of row start just after the NUL of the one before, as the
 * reader leaves a line without quotes or spaces around its fields? */
static int fields_packed(const struct crm_row *row)
{
	size_t i;
	for (i = 1; i < row->n; i++)
		if (row->field[i] != row->field[i - 1] + row->len[i - 1] + 1)
			return 0;
	return row->n > 0;
}

static void copy_row(struct batch *b, struct crm_feed_item *it, const struct crm_row *row)
{
	size_t i, n = row->n;
	it->row.line = row->line;
	it->row.n = n;
	it->row.field = b->fptr + b->fused;
	it->row.len = b->flen + b->fused;
	it->row.nul_free = row->nul_free;
	b->fused += n;
	if (fields_packed(row)) {    /* one copy, not one a field */
		size_t span = (size_t)(row->field[n - 1] - row->field[0]) + row->len[n - 1] + 1;
		char *to = memcpy(take_bytes(b, span, 1), row->field[0], span);
		for (i = 0; i < n; i++) {
			it->row.field[i] = to + (row->field[i] - row->field[0]);
			it->row.len[i] = row->len[i];
		}
		return;
	}
	for (i = 0; i < n; i++) {
		it->row.field[i] = memcpy(take_bytes(b, row->len[i] + 1, 1), row->field[i],
					  row->len[i] + 1);
		it->row.len[i] = row->len[i];
	}
}

/* ---- the thread's work -------------------------------------------------------------- */

/*
 * A row without an id (a survey answer, a review) is known by its content:
 * 'h' and the 64-bit FNV-1a of its normalised values, each followed by
 * 0x1f, in the entity's column order.  A column that links the row to
 * another record (CRM_COL_LINK: order_id) is left out, so that the ids made
 * before crm knew the column stay the same, and an export that gains the
 * column later updates the rows it made rather than adding them again.
 * Any other column added to such an entity changes every id it makes.
 */
static const char *content_key(struct batch *b, const struct crm_entity *e,
			       const struct crm_values *v)
{
	uint64_t h = 1469598103934665603ULL;
	char key[32];
	int c;
	for (c = 0; c < e->ncols; c++) {
		const char *s = v->val[c] ? v->val[c] : "";
		if (e->cols[c].flags & CRM_COL_LINK)
			continue;
		for (; *s; s++)
			h = (h ^ (unsigned char)*s) * 1099511628211ULL;
		h = (h ^ 0x1f) * 1099511628211ULL;
	}
	snprintf(key, sizeof key, "h%016llx", (unsigned long long)h);
	return keep_text(b, key);
}

/* The row's values go right after its fields, in the room new_item() kept. */
static void normalise(struct crm_feed *f, struct crm_feed_item *it)
{
	const struct crm_input *o = f->fo.in;
	struct batch *b = f->cur;
	struct crm_values *v = &b->vals[it - b->item];
	struct crm_value_ctx vc;
	char why[512];
	long n;
	vc.tz = f->fo.tz;
	vc.order = o->date_order;
	vc.country = f->fo.country;
	vc.vmap = &o->vmap;
	memcpy(vc.currency, f->currency0, sizeof vc.currency);
	n = crm_row_values(f->fo.e, f->colmap, &it->row, &vc, b->bytes + b->used, v, why,
			   sizeof why);
	if (n < 0) {
		it->text = keep_text(b, why);
		return;
	}
	b->used += (size_t)n;
	it->v = v;
	if (f->fo.keycol >= 0 && !v->val[f->fo.keycol])
		it->key = content_key(b, f->fo.e, v);
}

static int on_header(const struct crm_row *row, void *ctx)
{
	struct crm_feed *f = ctx;
	const struct crm_input *o = f->fo.in;
	struct crm_feed_item *it = new_item(f, CRM_FEED_HEADER, row_bytes(row) + CRM_HEADER_ERR_MAX,
					    row->n);
	char err[CRM_HEADER_ERR_MAX];
	if (!it)
		return 1;
	copy_row(f->cur, it, row);
	crm_row_free(f->hdr);
	f->hdr = crm_row_dup(row);
	it->rc = crm_header_map(f->fo.e, &it->row, o->map, o->nmap, f->colmap, err, sizeof err);
	if (it->rc < 0) {
		it->text = keep_text(f->cur, err);
		return 1;            /* the consumer stops there */
	}
	it->colmap = memcpy(take_bytes(f->cur, sizeof f->colmap, sizeof(int)), f->colmap,
			    sizeof f->colmap);
	return 0;
}

static int on_row(const struct crm_row *row, void *ctx)
{
	struct crm_feed *f = ctx;
	size_t need = f->fo.normalise ? crm_row_values_need(row) : 0;
	struct crm_feed_item *it;
	char msg[300];
	if (stopped(f) ||
	    !(it = new_item(f, CRM_FEED_ROW, row_bytes(row) + need, row->n)))
		return 1;
	copy_row(f->cur, it, row);
	if (crm_row_check(f->fo.e, f->colmap, f->hdr, row, msg, sizeof msg) < 0)
		it->text = keep_text(f->cur, msg);
	else if (f->fo.normalise)
		normalise(f, it);
	return 0;
}

static int on_bad(long line, size_t field, const char *why, void *ctx)
{
	struct crm_feed *f = ctx;
	struct crm_feed_item *it = new_item(f, CRM_FEED_BAD, TEXT_MAX, 0);
	char msg[300];
	if (!it)
		return 1;
	crm_stream_malformed(msg, sizeof msg, field, why);
	it->row.line = line;
	it->text = keep_text(f->cur, msg);
	return 0;
}

/* After the file's last item, the batch goes at once: the consumer then
 * finishes the file while this thread opens the next. */
static void end_file(struct crm_feed *f, struct crm_reader *r, int rc)
{
	struct crm_feed_item *it = new_item(f, CRM_FEED_END, TEXT_MAX, 0);
	if (!it)
		return;
	it->rc = rc;
	if (rc < 0) {
		it->row.line = crm_reader_error_line(r);
		it->text = keep_text(f->cur, crm_reader_error(r));
	}
	send(f);
}

/* ---- a file whose keys fall, read last row first (falling.h) ------------------------- */

struct probe {
	const struct crm_feed *f;
	int keyraw;                  /* the key's column in the file; -1: read in file order */
};

/* May the rows of a file under this header come last first?  Only where
 * nothing but their keys tells them apart: no column naming a customer
 * (the first row to name one makes it), no value map on the key. */
static int probe_header(const struct crm_row *row, void *ctx)
{
	struct probe *p = ctx;
	const struct crm_feed_opts *fo = &p->f->fo;
	const struct crm_value_maps *vm = &fo->in->vmap;
	char err[CRM_HEADER_ERR_MAX];
	int colmap[CRM_MAX_COLS], c, i;
	if (crm_header_map(fo->e, row, fo->in->map, fo->in->nmap, colmap, err, sizeof err) < 0)
		return 1;
	for (c = 0; c < fo->e->ncols; c++)
		if ((fo->e->cols[c].flags & CRM_COL_CUSTOMER) && colmap[c] >= 0)
			return 1;
	for (i = 0; i < vm->n; i++)
		if (!strcmp(vm->m[i].col, fo->e->cols[fo->keycol].name))
			return 1;
	p->keyraw = colmap[fo->keycol];
	return 1;
}

/* Are the two descriptors one file? */
static int same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The plan to read r's file last row first, and where its header ends: 1,
 * or 0 to read it in its order.  The header is read by a reader of its own
 * (r has read nothing yet), of the same file: one put in its path's place
 * since r opened it would have other rows at those offsets. */
static int falling_plan(struct crm_feed *f, const char *path, const struct crm_reader *r,
			struct crm_falling *plan, off_t *hdr_end)
{
	struct probe p = {f, -1};
	struct crm_reader *h;
	char err[512];
	long line;
	int ok = 0;
	struct stat st;
	/* not even opened again unless a regular file: a named pipe's writer
	 * would see a reader come and go */
	if (!f->fo.backward || f->fo.keycol < 0 || !strcmp(path, "-") ||
	    fstat(crm_reader_fd(r), &st) < 0 || !S_ISREG(st.st_mode) ||
	    !(h = crm_reader_open(path, &f->fo.csv, err, sizeof err)))
		return 0;
	if (same_file(crm_reader_fd(h), crm_reader_fd(r)) &&
	    crm_reader_range(h, 0, INT64_MAX, 1, 1) == 0 && crm_read(h, probe_header, NULL, NULL, &p) == 1 &&
	    p.keyraw >= 0 && (*hdr_end = crm_reader_offset(h, &line)) >= 0)
		ok = crm_falling_plan(crm_reader_fd(r), *hdr_end, line,
				      f->fo.csv.delim ? f->fo.csv.delim : ',', p.keyraw, plan);
	crm_reader_close(h);
	return ok;
}

/* n rounded up to a power of two: the chunks of a file then ask for one
 * size of batch, which batch_start() keeps rather than reallocating. */
static size_t pow2(size_t n)
{
	size_t p = 1;
	while (p < n)
		p *= 2;
	return p;
}

/* The most a chunk's items can take of a batch: new_item() reserves
 * row_bytes() and the values' room for each row (or TEXT_MAX for a bad
 * one). */
static size_t chunk_bytes(const struct crm_falling_chunk *c)
{
	size_t bytes = (size_t)(c->end - c->at);
	return pow2(bytes + c->fields + crm_row_values_need_max(bytes, c->fields) +
		    (size_t)c->rows * (TEXT_MAX + sizeof(int) * CRM_MAX_COLS + 32));
}

static void reverse_items(struct batch *b)
{
	int i, j;
	for (i = 0, j = b->pub.n - 1; i < j; i++, j--) {
		struct crm_feed_item t = b->item[i];
		b->item[i] = b->item[j];
		b->item[j] = t;
	}
}

/* The header, then each chunk from the last, into a batch of its own whose
 * items are then turned round: crm_read()'s result. */
static int read_falling(struct crm_feed *f, struct crm_reader *r, const struct crm_falling *plan,
			off_t hdr_end)
{
	size_t i = plan->n;
	int rc;
	/* a regular file never makes the reader wait, and the batch being
	 * filled must not go before its chunk is whole and turned round */
	crm_reader_waits(r, NULL, NULL, f->pipe ? crm_pipe_cancel_fd(f->pipe) : -1);
	if (crm_reader_range(r, 0, hdr_end, 1, 1) < 0)
		return -1;
	if ((rc = crm_read(r, on_header, on_row, on_bad, f)) != 0)
		return rc;
	while (i-- > 0) {
		const struct crm_falling_chunk *c = &plan->chunk[i];
		struct batch *b;
		send(f);
		if (!(b = f->cur = free_batch(f)))
			return 1;
		batch_start(b, chunk_bytes(c), pow2(c->fields));
		if (crm_reader_range(r, c->at, c->end, c->line, 0) < 0)
			return -1;
		f->chunked = 1;
		rc = crm_read(r, on_header, on_row, on_bad, f);
		f->chunked = 0;
		if (rc != 0)
			return rc;
		reverse_items(b);
	}
	return 0;
}

/* Read one file into items: 0, or -1 when no file may follow. */
static int read_file(struct crm_feed *f, const char *path)
{
	char err[512];
	struct crm_reader *r = crm_reader_open(path, &f->fo.csv, err, sizeof err);
	const char *text = r ? crm_reader_name(r) : err;
	struct crm_feed_item *it = new_item(f, CRM_FEED_FILE, strlen(text) + 1, 0);
	struct crm_falling plan = {0};
	off_t hdr_end;
	int rc = -1;
	if (it) {
		it->rc = r ? 0 : -1;
		it->text = keep_text(f->cur, text);
	}
	if (it && r) {
		crm_reader_waits(r, send_now, f, f->pipe ? crm_pipe_cancel_fd(f->pipe) : -1);
		if (falling_plan(f, path, r, &plan, &hdr_end)) {
			rc = read_falling(f, r, &plan, hdr_end);
			crm_falling_free(&plan);
		} else {
			rc = crm_read(r, on_header, on_row, on_bad, f);
		}
		if (!stopped(f))
			end_file(f, r, rc);
	}
	crm_reader_close(r);
	return rc != 0 || stopped(f) ? -1 : 0;
}

static void read_files(struct crm_feed *f)
{
	int i;
	for (i = 0; i < f->nfiles; i++)
		if (read_file(f, f->files[i]) < 0)
			break;
	send(f);
}

static void *feed_main(void *arg)
{
	struct crm_feed *f = arg;
	crm_thread_helps();
	read_files(f);
	crm_pipe_end(f->pipe);
	return NULL;
}

/* ---- the consumer's side ------------------------------------------------------------- */

static void feed_free(struct crm_feed *f)
{
	int i;
	crm_pipe_close(f->pipe);            /* NULL without a thread: nothing */
	for (i = 0; i < NBATCH; i++)
		batch_free(f->all[i]);
	crm_row_free(f->hdr);
	free(f);
}

static struct crm_feed *feed_new(const struct crm_feed_opts *fo, char *const *files, int nfiles,
				 int nbatch)
{
	struct crm_feed *f = crm_xcalloc(1, sizeof *f);
	int i;
	f->fo = *fo;
	f->files = files;
	f->nfiles = nfiles;
	memcpy(f->currency0, fo->in->currency, sizeof f->currency0);
	for (i = 0; i < nbatch; i++)
		f->all[i] = batch_new();
	return f;
}

/* The feed on a thread of its own; NULL when none can be had (a process
 * limit: EAGAIN), or the queue cannot be made. */
static struct crm_feed *feed_start(const struct crm_feed_opts *fo, char *const *files, int nfiles)
{
	struct crm_feed *f = feed_new(fo, files, nfiles, NBATCH);
	void *bufs[NBATCH];
	int i;
	for (i = 0; i < NBATCH; i++)
		bufs[i] = f->all[i];
	if (!(f->pipe = crm_pipe_open(bufs, NBATCH)) ||
	    pthread_create(&f->thread, NULL, feed_main, f) != 0) {
		feed_free(f);
		return NULL;
	}
	return f;
}

/* The thread stopped wherever it is (waiting for room in the queue, or for
 * input on a pipe), then joined. */
static void feed_stop(struct crm_feed *f)
{
	crm_pipe_cancel(f->pipe);
	pthread_join(f->thread, NULL);
	feed_free(f);
}

int crm_feed_each(const struct crm_feed_opts *fo, char *const *files, int nfiles,
		  crm_feed_fn *fn, void *ctx)
{
	struct crm_feed *f = feed_start(fo, files, nfiles);
	struct batch *held;
	int rc = 0;
	if (f) {
		while (!rc && (held = crm_pipe_take(f->pipe))) {
			rc = fn(&held->pub, ctx);
			crm_pipe_give(f->pipe, held);
		}
		feed_stop(f);
		return rc;
	}
	f = feed_new(fo, files, nfiles, 1);
	f->fn = fn;
	f->ctx = ctx;
	read_files(f);
	rc = f->stop;
	feed_free(f);
	return rc;
}
