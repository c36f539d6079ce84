/* stats.c - customer_stats upkeep through the customer ledger; see stats.h. */
#include "i18n.h"
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"
#include "idset.h"
#include "norm.h"

/*
 * Orders arrive in file order, which is random in customer order.  Creating
 * each order's customer and adding to its figures as the order arrives
 * touches a random page of customers and of customer_stats each time, and
 * at a few million customers those pages no longer fit in the cache.  So
 * the ledger sums in memory what the run says of each (customer, currency)
 * key; when its memory is full it writes its keys, sorted, as one run of
 * records to an unlinked temporary file.  A flush merges the runs and the
 * memory in key order and writes each customer once, so both B-trees grow
 * at their end (a new database) or are walked once from front to back (an
 * old one).
 *
 * The table is open addressing with the entries in the slots, so that
 * finding a key costs one cache miss, not one for a slot and one for an
 * entry.  Memory: a slot, and for the FILL of slots in use a sort key and
 * ID_BYTES of id, out of CRM_LEDGER_KB (default DEFAULT_KB); a merge adds a
 * READ_BUF per run, and MAX_RUNS runs are merged into one, so no figure
 * grows with the input.
 */
#define DEFAULT_KB 16384
#define FILL_NUM 3           /* at most 3/4 of the slots in use */
#define FILL_DEN 4
#define ID_BYTES 16
#define MIN_KEYS 16
#define ID_MAX 1023          /* longer customer ids are refused */
#define MAX_RUNS 64
#define READ_BUF (32 * 1024)
#define WRITE_BUF (256 * 1024)
#define BATCH 64             /* rows of a flush's multi-row INSERT */

/* A record of a run: this header, then the id's bytes (no NUL).  The file
 * is private to the process, so integers are in the machine's order. */
enum {
	R_LEN = 0,           /* uint16_t: id length */
	R_ENSURE = 2,        /* 1 byte */
	R_CURRENCY = 3,      /* 3 bytes, NUL-padded */
	R_FIRST = 6,         /* int64_t: Unix seconds */
	R_LAST = R_FIRST + 8,                   /* int64_t */
	R_ORDERS = R_LAST + 8,                  /* int64_t */
	R_AMOUNT = R_ORDERS + 8,                /* int64_t */
	R_HEAD = R_AMOUNT + 8
};

/* A slot of the table in memory; the id's bytes are in the arena. */
struct entry {
	uint64_t prefix;         /* the id's first 8 bytes, big-endian: most compares end here */
	uint32_t off;
	uint16_t len;
	uint8_t used;
	uint8_t ensure;          /* the customer must exist */
	char currency[4];        /* "" when the entry only ensures */
	int64_t first, last;     /* Unix seconds */
	int64_t orders, amount;  /* orders 0: no figures yet */
};

/* A key in use, by slot: sorting these moves 16 bytes, not an entry. */
struct sortkey {
	uint64_t prefix;
	uint32_t entry;
};

/* A key with its figures as runs and merges pass it on. */
struct rec {
	size_t len;
	int ensure;
	char currency[4];
	int64_t first, last;
	int64_t orders, amount;
	char id[ID_MAX + 1];
};

struct run {
	off_t start, end;
};

/* The temporary file: the runs written so far. */
struct runfile {
	int fd;                  /* -1: none yet */
	off_t size;
	struct run run[MAX_RUNS];
	size_t nrun;
};

/* One sorted input of a merge: a run of the file, or the sorted memory. */
struct source {
	struct rec r;            /* its current record */
	int mem;
	size_t next;             /* the memory: its next sort key */
	off_t pos, end;          /* a run: what is left of it in the file */
	char *buf;
	size_t at, have;
};

struct merge {
	struct crm_stats *s;
	struct source src[MAX_RUNS + 1];
	struct source *heap[MAX_RUNS + 1];
	size_t nsrc, nheap;
};

/*
 * Rows a flush writes with one multi-row INSERT: one statement of BATCH
 * rows costs about two thirds of BATCH statements of one row.  The rows'
 * values are copies: the merge's records move on.
 */
struct batch {
	sqlite3_stmt *many, *one;
	const char *what;
	int (*bind)(sqlite3_stmt *st, int at, const struct rec *r);
	int n;
	struct rec rec[BATCH];
};

struct crm_stats {
	struct crm_db *db;
	struct batch create, figures;
	sqlite3_stmt *add_figures;   /* ADD_FIGURES_SQL */
	/* the table in memory */
	struct entry *entry;     /* nslot slots */
	struct sortkey *order;   /* the nentry slots in use, sorted before they are read */
	char *arena;
	size_t nentry, maxentry, nslot, aused, asize;
	size_t ensures;          /* notes of customers to create since the last flush */
	/* what did not fit */
	struct runfile file;
	char *wbuf;
	size_t wn;
	const char *tmpdir;
	struct merge m;          /* big (a record per source): kept, not on the stack */
	struct rec out, prev;
	long long *created;      /* the flush's count of new customers */
};

int crm_order_counts(const char *status)
{
	return !status || !strcmp(status, "paid") || !strcmp(status, "pending");
}

unsigned crm_customer_hash(const char *id, const char *currency)
{
	unsigned h = 2166136261u;
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	for (; *currency; currency++)
		h = (h ^ (unsigned char)*currency) * 16777619u;
	return h;
}

int crm_stats_overflowed(struct crm_db *db)
{
	return db->h && sqlite3_errcode(db->h) == SQLITE_ERROR &&
	       !strcmp(sqlite3_errmsg(db->h), "integer overflow");
}

int crm_stats_sum_fail(struct crm_db *db, const char *figure)
{
	if (!crm_stats_overflowed(db))
		return crm_db_fail(db, figure);
	crm_error(_("%s: %s: a sum of amounts does not fit in 64 bits (the database holds orders "
		  "that crm-import refuses)"), db->path, figure);
	return CRM_EDATA;
}

/* A customer whose figures the run would take past 64 bits: the run stops,
 * as the order that did it is in the database already. */
static int too_much(const char *customer, const char *currency)
{
	crm_error(_("customer '%s': the total of its %s orders would overflow (more than 64 bits "
		  "of minor units)"), customer, currency);
	return CRM_EDATA;
}

/* ---- setting up ----------------------------------------------------------------- */

/*
 * Figures are written without a statement journal, which SQLite keeps for
 * a statement that changes many rows and may fail halfway (an upsert's DO
 * UPDATE always may), and spills to a temporary file past 64 KiB: a batch
 * is INSERT OR ROLLBACK ... ON CONFLICT DO NOTHING RETURNING the keys it
 * inserted, and each key it did not is added to by this UPDATE, whose
 * WHERE refuses a total past 64 bits (no row changed: the caller names the
 * customer), so that no statement fails on the data.
 */
#define ADD_FIGURES_SQL "UPDATE OR ROLLBACK customer_stats SET " \
	"first_unix = min(first_unix, ?3), last_unix = max(last_unix, ?4), " \
	"orders = orders + ?5, monetary = monetary + ?6 " \
	"WHERE customer_id = ?1 AND currency = ?2 AND " \
	"(?6 >= 0 AND monetary <= 9223372036854775807 - ?6 OR " \
	"?6 < 0 AND monetary >= -9223372036854775807 - 1 - ?6)"

static const char dirty_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS stats_dirty(customer_id TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TEMP TRIGGER IF NOT EXISTS stats_dirty_update AFTER UPDATE OF customer_id, "
	"ordered_at, amount, currency, status ON orders BEGIN "
	"INSERT INTO stats_dirty SELECT OLD.customer_id WHERE OLD.customer_id IS NOT NULL "
	"ON CONFLICT DO NOTHING;"
	"INSERT INTO stats_dirty SELECT NEW.customer_id WHERE NEW.customer_id IS NOT NULL "
	"ON CONFLICT DO NOTHING;"
	"END;";

/* How many slots fit in the memory $CRM_LEDGER_KB allows. */
static size_t ledger_slots(void)
{
	const char *env = getenv("CRM_LEDGER_KB");
	unsigned long long kb = DEFAULT_KB, per_slot, n;
	char *end;
	if (env && *env) {
		kb = strtoull(env, &end, 10);
		if (*end || kb > (1ull << 22))
			kb = DEFAULT_KB;
	}
	per_slot = sizeof(struct entry) + (sizeof(struct sortkey) + ID_BYTES) * FILL_NUM / FILL_DEN;
	n = kb * 1024 / per_slot;
	return n * FILL_NUM / FILL_DEN < MIN_KEYS ? MIN_KEYS * FILL_DEN / FILL_NUM + 1 : n;
}

static int bind_create(sqlite3_stmt *st, int at, const struct rec *r)
{
	crm_bind_static(st, at + 1, r->id);
	return 1;
}

static int bind_figures(sqlite3_stmt *st, int at, const struct rec *r)
{
	crm_bind_static(st, at + 1, r->id);
	crm_bind_static(st, at + 2, r->currency);
	sqlite3_bind_int64(st, at + 3, r->first);
	sqlite3_bind_int64(st, at + 4, r->last);
	sqlite3_bind_int64(st, at + 5, r->orders);
	sqlite3_bind_int64(st, at + 6, r->amount);
	return 6;
}

/* "HEAD ROW TAIL" and "HEAD ROW,ROW,... TAIL" with BATCH rows. */
static int batch_prepare(struct crm_stats *s, struct batch *b, const char *head,
			 const char *row, const char *tail)
{
	size_t hl = strlen(head), rl = strlen(row), tl = strlen(tail), n = hl;
	char *sql = crm_xmalloc(hl + BATCH * (rl + 1) + tl + 1);
	int i;
	memcpy(sql, head, hl);
	for (i = 0; i < BATCH; i++) {
		if (i)
			sql[n++] = ',';
		memcpy(sql + n, row, rl);
		n += rl;
		if (i == 0) {
			memcpy(sql + n, tail, tl + 1);
			b->one = crm_db_prepare(s->db, sql);
		}
	}
	memcpy(sql + n, tail, tl + 1);
	b->many = crm_db_prepare(s->db, sql);
	free(sql);
	return b->one && b->many ? CRM_OK : crm_db_last_status(s->db);
}

/* The table is read at random: on 2 MiB pages a lookup misses no TLB. */
static void *alloc_table(size_t size)
{
	size_t huge = (size_t)2 << 20, n = (size + huge - 1) / huge * huge;
	void *p = crm_xcheck(aligned_alloc(huge, n));
	madvise(p, n, MADV_HUGEPAGE);   /* advice: without it, 4 KiB pages */
	memset(p, 0, n);
	return p;
}

struct crm_stats *crm_stats_begin(struct crm_db *db)
{
	struct crm_stats *s = crm_xcalloc(1, sizeof *s);
	s->db = db;
	s->nslot = ledger_slots();
	s->maxentry = s->nslot * FILL_NUM / FILL_DEN;
	s->asize = s->maxentry * ID_BYTES > ID_MAX + 1 ? s->maxentry * ID_BYTES : ID_MAX + 1;
	s->entry = alloc_table(s->nslot * sizeof *s->entry);
	s->order = crm_xcalloc(s->maxentry, sizeof *s->order);
	s->arena = crm_xcalloc(s->asize, 1);
	s->wbuf = crm_xcalloc(WRITE_BUF, 1);
	s->file.fd = -1;
	s->tmpdir = getenv("TMPDIR");
	if (!s->tmpdir || !*s->tmpdir)
		s->tmpdir = "/tmp";
	if (crm_db_exec(db, dirty_sql) != CRM_OK ||
	    batch_prepare(s, &s->create, "INSERT OR ROLLBACK INTO customers(customer_id) VALUES ", "(?)",
			  " ON CONFLICT(customer_id) DO NOTHING") != CRM_OK ||
	    batch_prepare(s, &s->figures, "INSERT OR ROLLBACK INTO customer_stats VALUES ",
			  "(?,?,?,?,?,?)", " ON CONFLICT DO NOTHING RETURNING customer_id, "
			  "currency") != CRM_OK ||
	    !(s->add_figures = crm_db_prepare(db, ADD_FIGURES_SQL))) {
		crm_stats_free(s);
		return NULL;
	}
	s->create.what = "create a customer";
	s->create.bind = bind_create;
	s->figures.what = "update customer figures";
	s->figures.bind = bind_figures;
	return s;
}

/* ---- the table in memory -------------------------------------------------------- */

static uint64_t id_prefix(const char *id, size_t len)
{
	uint64_t p = 0;
	size_t i;
	for (i = 0; i < 8; i++)
		p = p << 8 | (i < len ? (unsigned char)id[i] : 0);
	return p;
}

/* Where a key's probe starts: the hash scaled to the table, any size. */
static size_t home(const struct crm_stats *s, const char *id, const char *currency)
{
	return (size_t)(((uint64_t)crm_customer_hash(id, currency) * s->nslot) >> 32);
}

void crm_stats_prefetch(struct crm_stats *s, const char *customer, const char *currency)
{
	__builtin_prefetch(&s->entry[home(s, customer, currency)]);
}

/* The slot of a key: its own, or the free one where it would go. */
static struct entry *find(struct crm_stats *s, const char *id, size_t len, uint64_t prefix,
			  const char *currency)
{
	size_t i = home(s, id, currency);
	for (;;) {
		struct entry *e = &s->entry[i];
		if (!e->used)
			return e;
		/* the prefix holds an id of up to 8 bytes whole */
		if (e->prefix == prefix && e->len == len && !strcmp(e->currency, currency) &&
		    (len <= 8 || !memcmp(s->arena + e->off, id, len)))
			return e;
		if (++i == s->nslot)
			i = 0;
	}
}

static int key_cmp(const char *a, size_t alen, const char *acur, const char *b, size_t blen,
		   const char *bcur)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return strcmp(acur, bcur);
}

static int by_key(const void *x, const void *y, void *ctx)
{
	const struct sortkey *a = x, *b = y;
	const struct crm_stats *s = ctx;
	const struct entry *ea, *eb;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	ea = &s->entry[a->entry];
	eb = &s->entry[b->entry];
	return key_cmp(s->arena + ea->off, ea->len, ea->currency, s->arena + eb->off, eb->len,
		       eb->currency);
}

static void sort_memory(struct crm_stats *s)
{
	qsort_r(s->order, s->nentry, sizeof *s->order, by_key, s);
}

static void clear_memory(struct crm_stats *s)
{
	memset(s->entry, 0, s->nslot * sizeof *s->entry);
	s->nentry = 0;
	s->aused = 0;
}

/* The i-th entry in key order as a record. */
static void entry_rec(const struct crm_stats *s, size_t i, struct rec *r)
{
	const struct entry *e = &s->entry[s->order[i].entry];
	r->len = e->len;
	r->ensure = e->ensure;
	memcpy(r->currency, e->currency, sizeof r->currency);
	r->first = e->first;
	r->last = e->last;
	r->orders = e->orders;
	r->amount = e->amount;
	memcpy(r->id, s->arena + e->off, e->len);
	r->id[e->len] = '\0';
}

/* ---- the temporary file ------------------------------------------------------- */

/* An unlinked file in $TMPDIR: nothing is left behind, even by kill -9. */
static int open_tmp(struct crm_stats *s)
{
	char path[4096];
	int fd = open(s->tmpdir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* file systems without O_TMPFILE: a named file, unlinked at once */
	if (snprintf(path, sizeof path, "%s/crm-ledger-XXXXXX", s->tmpdir) >= (int)sizeof path) {
		crm_error(_("TMPDIR is too long: %s"), s->tmpdir);
		return -1;
	}
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0) {
		crm_error(_("%s: cannot create a temporary file: %s"), s->tmpdir, strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

static int drain(struct crm_stats *s, struct runfile *f)
{
	size_t done = 0;
	while (done < s->wn) {
		ssize_t n = write(f->fd, s->wbuf + done, s->wn - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			crm_error(_("%s: write error on a temporary file: %s"), s->tmpdir,
				  n < 0 ? strerror(errno) : _("nothing written"));
			return CRM_EIO;
		}
		done += (size_t)n;
	}
	f->size += (off_t)s->wn;
	s->wn = 0;
	return CRM_OK;
}

static int put(struct crm_stats *s, struct runfile *f, const struct rec *r)
{
	uint16_t len = (uint16_t)r->len;
	char *p;
	int rc;
	if (s->wn + R_HEAD + r->len > WRITE_BUF && (rc = drain(s, f)) != CRM_OK)
		return rc;
	p = s->wbuf + s->wn;
	memcpy(p + R_LEN, &len, sizeof len);
	p[R_ENSURE] = (char)r->ensure;
	memcpy(p + R_CURRENCY, r->currency, 3);
	memcpy(p + R_FIRST, &r->first, 8);
	memcpy(p + R_LAST, &r->last, 8);
	memcpy(p + R_ORDERS, &r->orders, 8);
	memcpy(p + R_AMOUNT, &r->amount, 8);
	memcpy(p + R_HEAD, r->id, r->len);
	s->wn += R_HEAD + r->len;
	return CRM_OK;
}

static int end_run(struct crm_stats *s, struct runfile *f, off_t start)
{
	int rc = drain(s, f);
	if (rc == CRM_OK) {
		f->run[f->nrun].start = start;
		f->run[f->nrun++].end = f->size;
	}
	return rc;
}

static void close_file(struct runfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->size = 0;
	f->nrun = 0;
}

/* ---- merging -------------------------------------------------------------------- */

/* Have at least `need` bytes of a run's next record in the buffer. */
static int fill(struct crm_stats *s, struct source *x, size_t need)
{
	if (x->have - x->at >= need)
		return CRM_OK;
	memmove(x->buf, x->buf + x->at, x->have - x->at);
	x->have -= x->at;
	x->at = 0;
	while (x->have < need) {
		size_t want = READ_BUF - x->have;
		ssize_t n;
		if ((off_t)want > x->end - x->pos)
			want = (size_t)(x->end - x->pos);
		n = want ? pread(s->file.fd, x->buf + x->have, want, x->pos) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			crm_error(_("%s: read error on a temporary file: %s"), s->tmpdir,
				  n < 0 ? strerror(errno) : _("a run ends early"));
			return CRM_EIO;
		}
		x->have += (size_t)n;
		x->pos += n;
	}
	return CRM_OK;
}

static int run_next(struct crm_stats *s, struct source *x)
{
	struct rec *r = &x->r;
	uint16_t len;
	const char *p;
	int rc;
	if (x->at == x->have && x->pos == x->end)
		return 0;
	if ((rc = fill(s, x, R_HEAD)) != CRM_OK)
		return -rc;
	memcpy(&len, x->buf + x->at + R_LEN, sizeof len);
	if ((rc = fill(s, x, R_HEAD + (size_t)len)) != CRM_OK)
		return -rc;
	p = x->buf + x->at;
	r->len = len;
	r->ensure = p[R_ENSURE];
	memcpy(r->currency, p + R_CURRENCY, 3);
	r->currency[3] = '\0';
	memcpy(&r->first, p + R_FIRST, 8);
	memcpy(&r->last, p + R_LAST, 8);
	memcpy(&r->orders, p + R_ORDERS, 8);
	memcpy(&r->amount, p + R_AMOUNT, 8);
	memcpy(r->id, p + R_HEAD, len);
	r->id[len] = '\0';
	x->at += R_HEAD + len;
	return 1;
}

/* Move a source to its next record: 1, 0 at its end, or -exit code. */
static int source_next(struct crm_stats *s, struct source *x)
{
	if (!x->mem)
		return run_next(s, x);
	if (x->next == s->nentry)
		return 0;
	entry_rec(s, x->next++, &x->r);
	return 1;
}

static int rec_cmp(const struct rec *a, const struct rec *b)
{
	return key_cmp(a->id, a->len, a->currency, b->id, b->len, b->currency);
}

static void sift_down(struct merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, min = i;
		struct source *t;
		if (l < m->nheap && rec_cmp(&m->heap[l]->r, &m->heap[min]->r) < 0)
			min = l;
		if (l + 1 < m->nheap && rec_cmp(&m->heap[l + 1]->r, &m->heap[min]->r) < 0)
			min = l + 1;
		if (min == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[min];
		m->heap[min] = t;
		i = min;
	}
}

static void merge_release(struct merge *m)
{
	size_t i;
	for (i = 0; i < m->nsrc; i++)
		free(m->src[i].buf);
	m->nsrc = m->nheap = 0;
}

/* A merge of the file's runs and, with_memory, of the sorted memory. */
static int merge_init(struct merge *m, struct crm_stats *s, int with_memory)
{
	size_t i;
	int rc;
	m->s = s;
	m->nsrc = m->nheap = 0;
	for (i = 0; i < s->file.nrun + (with_memory != 0); i++) {
		struct source *x = &m->src[m->nsrc++];
		x->mem = i == s->file.nrun;
		x->next = 0;
		x->pos = x->end = 0;
		x->buf = NULL;
		x->at = x->have = 0;
		if (!x->mem) {
			x->pos = s->file.run[i].start;
			x->end = s->file.run[i].end;
			x->buf = crm_xcalloc(READ_BUF, 1);
		}
		if ((rc = source_next(s, x)) < 0) {
			merge_release(m);
			return -rc;
		}
		if (rc)
			m->heap[m->nheap++] = x;
	}
	for (i = m->nheap / 2; i-- > 0;)
		sift_down(m, i);
	return CRM_OK;
}

static int combine(struct rec *into, const struct rec *r)
{
	into->ensure |= r->ensure;
	if (!r->orders)
		return CRM_OK;
	if (!into->orders) {
		into->first = r->first;
		into->last = r->last;
	} else {
		if (r->first < into->first)
			into->first = r->first;
		if (r->last > into->last)
			into->last = r->last;
	}
	into->orders += r->orders;
	if (__builtin_add_overflow(into->amount, r->amount, &into->amount))
		return too_much(into->id, into->currency);
	return CRM_OK;
}

static void rec_copy(struct rec *to, const struct rec *from)
{
	memcpy(to, from, offsetof(struct rec, id));
	memcpy(to->id, from->id, from->len + 1);
}

/* The next key of the merge with everything the sources say of it: 1, 0
 * at the end, or -exit code. */
static int merge_next(struct merge *m, struct rec *out)
{
	int first = 1, rc;
	while (m->nheap && (first || !rec_cmp(&m->heap[0]->r, out))) {
		struct source *x = m->heap[0];
		if (first)
			rec_copy(out, &x->r);
		else if ((rc = combine(out, &x->r)) != CRM_OK)
			return -rc;
		first = 0;
		if ((rc = source_next(m->s, x)) < 0)
			return rc;
		if (!rc)
			m->heap[0] = m->heap[--m->nheap];
		sift_down(m, 0);
	}
	return !first;
}

/* ---- spilling ------------------------------------------------------------------- */

/* Too many runs to merge at once: merge them into one in a new file. */
static int compact(struct crm_stats *s)
{
	struct runfile nf;
	int rc;
	nf.fd = open_tmp(s);
	nf.size = 0;
	nf.nrun = 0;
	if (nf.fd < 0)
		return CRM_EIO;
	if ((rc = merge_init(&s->m, s, 0)) == CRM_OK) {
		while ((rc = merge_next(&s->m, &s->out)) > 0)
			if ((rc = put(s, &nf, &s->out)) != CRM_OK)
				break;
		rc = rc < 0 ? -rc : rc;
		merge_release(&s->m);
	}
	if (rc == CRM_OK)
		rc = end_run(s, &nf, 0);
	if (rc != CRM_OK) {
		close_file(&nf);
		return rc;
	}
	close_file(&s->file);
	s->file = nf;
	return CRM_OK;
}

/* The memory, sorted, as one more run of the file; the memory is then empty. */
static int spill(struct crm_stats *s)
{
	off_t start;
	size_t i;
	int rc;
	if (s->file.fd < 0 && (s->file.fd = open_tmp(s)) < 0)
		return CRM_EIO;
	sort_memory(s);
	start = s->file.size;
	for (i = 0; i < s->nentry; i++) {
		entry_rec(s, i, &s->out);
		if ((rc = put(s, &s->file, &s->out)) != CRM_OK)
			return rc;
	}
	if ((rc = end_run(s, &s->file, start)) != CRM_OK)
		return rc;
	clear_memory(s);
	return s->file.nrun == MAX_RUNS ? compact(s) : CRM_OK;
}

/* ---- noting --------------------------------------------------------------------- */

/* snprintf("%s") without the formatting: it is on every order's path. */
static void copy_text(char *to, const char *from, size_t size)
{
	size_t n = strnlen(from, size - 1);
	memcpy(to, from, n);
	to[n] = '\0';
}

/* The entry of a key, made when it is new; NULL after reporting. */
static struct entry *note(struct crm_stats *s, const char *customer, const char *currency,
			  int *rc)
{
	size_t len = strlen(customer);
	uint64_t prefix = id_prefix(customer, len);
	struct entry *e = find(s, customer, len, prefix, currency);
	if (e->used)
		return e;
	if (len > ID_MAX) {
		crm_error(_("customer id of %zu bytes: too long (at most %d)"), len, ID_MAX);
		*rc = CRM_EDATA;
		return NULL;
	}
	if (s->nentry == s->maxentry || s->aused + len > s->asize) {
		if ((*rc = spill(s)) != CRM_OK)
			return NULL;
		e = find(s, customer, len, prefix, currency);
	}
	/* a free slot is all zero bytes: none stray into the file */
	e->used = 1;
	e->prefix = prefix;
	e->off = (uint32_t)s->aused;
	e->len = (uint16_t)len;
	memcpy(s->arena + s->aused, customer, len);
	s->aused += len;
	copy_text(e->currency, currency, sizeof e->currency);
	s->order[s->nentry].prefix = prefix;
	s->order[s->nentry++].entry = (uint32_t)(e - s->entry);
	return e;
}

int crm_stats_add(struct crm_stats *s, const char *customer, const char *currency,
		  int64_t at, int64_t amount, int flags)
{
	int rc = CRM_OK;
	struct entry *e = note(s, customer, currency, &rc);
	if (!e)
		return rc;
	if (!e->orders || at < e->first)
		e->first = at;
	if (!e->orders || at > e->last)
		e->last = at;
	e->orders++;
	if (__builtin_add_overflow(e->amount, amount, &e->amount))
		return CRM_STATS_OVERFLOW;   /* the caller knows the row: it says where */
	if (flags & CRM_STATS_ENSURE) {
		e->ensure = 1;
		s->ensures++;
	}
	return CRM_OK;
}

int crm_stats_ensure(struct crm_stats *s, const char *customer)
{
	int rc = CRM_OK;
	struct entry *e = note(s, customer, "", &rc);
	if (!e)
		return rc;
	e->ensure = 1;
	s->ensures++;
	return CRM_OK;
}

int crm_stats_pending(const struct crm_stats *s)
{
	return s->ensures != 0;
}

/* ---- flushing ------------------------------------------------------------------- */

/* The rows of a figures batch its INSERT did not write: keys already
 * there, added to one by one. */
static int add_existing(struct crm_stats *s, const struct rec *r, int n, const char *inserted)
{
	sqlite3_stmt *st = s->add_figures;
	int i, rc;
	for (i = 0; i < n; i++) {
		if (inserted[i])
			continue;
		bind_figures(st, 0, &r[i]);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return crm_db_fail(s->db, s->figures.what);
		if (sqlite3_changes(s->db->h) == 0)
			return too_much(r[i].id, r[i].currency);
	}
	return CRM_OK;
}

/* Mark the record a RETURNING row names; records are few, rows in order. */
static void mark_inserted(sqlite3_stmt *st, const struct rec *r, int n, char *inserted, int *at)
{
	const char *id = (const char *)sqlite3_column_text(st, 0);
	const char *cur = (const char *)sqlite3_column_text(st, 1);
	int k, i;
	for (k = 0; id && cur && k < n; k++) {
		i = (*at + k) % n;
		if (!inserted[i] && !strcmp(r[i].id, id) && !strcmp(r[i].currency, cur)) {
			inserted[i] = 1;
			*at = i + 1;
			return;
		}
	}
}

static int step_batch(struct crm_stats *s, struct batch *b, sqlite3_stmt *st, int from, int n)
{
	char inserted[BATCH] = {0};
	int i, at = 0, rc;
	for (i = from; i < from + n; i++)
		at += b->bind(st, at, &b->rec[i]);
	at = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		mark_inserted(st, &b->rec[from], n, inserted, &at);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(s->db, b->what);
	if (b == &s->create)
		*s->created += sqlite3_changes(s->db->h);
	return b == &s->figures ? add_existing(s, &b->rec[from], n, inserted) : CRM_OK;
}

/* Write the rows of a batch: all at once when it is full, else one by one. */
static int write_batch(struct crm_stats *s, struct batch *b)
{
	int i, rc = CRM_OK;
	if (b->n == BATCH)
		rc = step_batch(s, b, b->many, 0, BATCH);
	else
		for (i = 0; i < b->n && rc == CRM_OK; i++)
			rc = step_batch(s, b, b->one, i, 1);
	b->n = 0;
	return rc;
}

static int add_row(struct crm_stats *s, struct batch *b, const struct rec *r)
{
	rec_copy(&b->rec[b->n++], r);
	return b->n == BATCH ? write_batch(s, b) : CRM_OK;
}

/* One key, in key order: create its customer once, add its figures. */
static int write_key(struct crm_stats *s, const struct rec *r)
{
	int rc;
	if (r->ensure && (r->len != s->prev.len || memcmp(r->id, s->prev.id, r->len))) {
		if ((rc = add_row(s, &s->create, r)) != CRM_OK)
			return rc;
		rec_copy(&s->prev, r);
	}
	return r->orders ? add_row(s, &s->figures, r) : CRM_OK;
}

int crm_stats_flush(struct crm_stats *s, long long *created)
{
	int rc;
	sort_memory(s);
	if ((rc = merge_init(&s->m, s, 1)) != CRM_OK)
		return rc;
	s->created = created;
	s->prev.len = 0;
	s->prev.id[0] = '\0';
	s->create.n = s->figures.n = 0;
	while ((rc = merge_next(&s->m, &s->out)) > 0)
		if ((rc = write_key(s, &s->out)) != CRM_OK)
			break;
	rc = rc < 0 ? -rc : rc;
	merge_release(&s->m);
	if (rc == CRM_OK && (rc = write_batch(s, &s->create)) == CRM_OK)
		rc = write_batch(s, &s->figures);
	if (rc != CRM_OK)
		return rc;
	clear_memory(s);
	close_file(&s->file);
	s->ensures = 0;
	return CRM_OK;
}

/*
 * Customers whose orders changed get their figures again from their orders.
 * No index of orders leads with the customer, so the orders are read
 * whole, through the narrower time index, and summed here: the changed
 * customers are a set of ids with a filter in front (idset.h), which turns
 * away nearly every row at the cost of a hash, where SQL's IN (SELECT ...)
 * searched a B-tree for each row (a week's 5,000 refunds at 10M orders:
 * 2.2 s).  What was read is written as a flush writes (no statement
 * journal; an INSERT ... SELECT keeps one).
 */
struct refig {
	char currency[4];
	int64_t first, last, orders, amount;
	long more;               /* the customer's next currency: an index of refig, or -1 */
};

struct refigs {
	struct crm_idset ids;    /* the changed customers */
	struct refig *fig;       /* fig[k]: customer k's first currency; then the others */
	size_t n, cap;
};

static long refig_new(struct refigs *r, const char *currency)
{
	struct refig *f;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->fig = crm_xrealloc(r->fig, r->cap * sizeof *r->fig);
	}
	f = &r->fig[r->n];
	memset(f, 0, sizeof *f);
	copy_text(f->currency, currency, sizeof f->currency);
	f->more = -1;
	return (long)r->n++;
}

/* Customer k's figures in a currency, new when the currency is. */
static struct refig *refig_of(struct refigs *r, size_t k, const char *currency)
{
	long i = (long)k;
	while (r->fig[i].orders && strcmp(r->fig[i].currency, currency)) {
		if (r->fig[i].more < 0) {
			long j = refig_new(r, currency);
			r->fig[i].more = j;
			return &r->fig[j];
		}
		i = r->fig[i].more;
	}
	if (!r->fig[i].orders)
		copy_text(r->fig[i].currency, currency, sizeof r->fig[i].currency);
	return &r->fig[i];
}

/* The changed customers into r->ids, each with an empty figure of its own. */
static int read_dirty(struct crm_stats *s, struct refigs *r)
{
	sqlite3_stmt *st = crm_db_prepare(s->db, "SELECT customer_id FROM temp.stats_dirty");
	int rc;
	if (!st)
		return crm_db_last_status(s->db);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (crm_idset_add(&r->ids, id, crm_customer_hash(id, "")) == r->n)
			refig_new(r, "");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(s->db, N_("read changed customers"));
}

/* One counting order of a changed customer k. */
static int refig_add(struct refigs *r, size_t k, sqlite3_stmt *st)
{
	const char *cur = (const char *)sqlite3_column_text(st, 2);
	const char *at = (const char *)sqlite3_column_text(st, 3);
	struct refig *f = refig_of(r, k, cur ? cur : "");
	int64_t t = at && strlen(at) == CRM_TIME_LEN - 1 ? crm_time_epoch(at) : 0;
	if (!f->orders || t < f->first)
		f->first = t;
	if (!f->orders || t > f->last)
		f->last = t;
	f->orders++;
	if (__builtin_add_overflow(f->amount, sqlite3_column_int64(st, 4), &f->amount))
		return too_much(r->ids.id[k], f->currency);
	return CRM_OK;
}

/* Every order, the changed customers' summed. */
static int scan_orders(struct crm_stats *s, struct refigs *r)
{
	sqlite3_stmt *st = crm_db_prepare(s->db, "SELECT customer_id, status, currency, ordered_at, "
					  "amount FROM orders WHERE customer_id IS NOT NULL");
	int step, rc = CRM_OK;
	if (!st)
		return crm_db_last_status(s->db);
	while (rc == CRM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		long k = crm_idset_find(&r->ids, id, crm_customer_hash(id, ""));
		if (k >= 0 && crm_order_counts((const char *)sqlite3_column_text(st, 1)))
			rc = refig_add(r, (size_t)k, st);
	}
	sqlite3_finalize(st);
	if (rc == CRM_OK && step != SQLITE_DONE)
		rc = crm_db_fail(s->db, N_("recompute customer figures"));
	return rc;
}

/* The figures summed, written as a flush's. */
static int write_refigs(struct crm_stats *s, const struct refigs *r)
{
	size_t k;
	long i;
	int rc = CRM_OK;
	s->figures.n = 0;
	for (k = 0; k < r->ids.n && rc == CRM_OK; k++)
		for (i = (long)k; i >= 0 && rc == CRM_OK; i = r->fig[i].more) {
			const struct refig *f = &r->fig[i];
			if (!f->orders)
				continue;
			s->out.len = strlen(r->ids.id[k]);
			s->out.ensure = 0;
			memcpy(s->out.id, r->ids.id[k], s->out.len + 1);
			memcpy(s->out.currency, f->currency, sizeof s->out.currency);
			s->out.first = f->first;
			s->out.last = f->last;
			s->out.orders = f->orders;
			s->out.amount = f->amount;
			rc = add_row(s, &s->figures, &s->out);
		}
	return rc == CRM_OK ? write_batch(s, &s->figures) : rc;
}

static int recompute_dirty(struct crm_stats *s)
{
	struct refigs r = {0};
	long long any;
	int rc = crm_db_one_int(s->db, crm_db_prepare(s->db, "SELECT EXISTS (SELECT 1 FROM "
							    "temp.stats_dirty)"), N_("read changed customers"), &any);
	if (rc != CRM_OK || !any)
		return rc;
	if ((rc = read_dirty(s, &r)) == CRM_OK &&
	    (rc = crm_db_exec(s->db, "DELETE FROM customer_stats WHERE customer_id IN "
			      "(SELECT customer_id FROM temp.stats_dirty)")) == CRM_OK &&
	    (rc = scan_orders(s, &r)) == CRM_OK)
		rc = write_refigs(s, &r);
	crm_idset_release(&r.ids);
	free(r.fig);
	return rc != CRM_OK ? rc : crm_db_exec(s->db, "DELETE FROM temp.stats_dirty");
}

int crm_stats_finish(struct crm_stats *s, long long *created)
{
	int rc = crm_stats_flush(s, created);
	return rc != CRM_OK ? rc : recompute_dirty(s);
}

void crm_stats_free(struct crm_stats *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->create.many);
	sqlite3_finalize(s->create.one);
	sqlite3_finalize(s->figures.many);
	sqlite3_finalize(s->figures.one);
	sqlite3_finalize(s->add_figures);
	/* the trigger is the connection's; no later writer should feed it */
	sqlite3_exec(s->db->h, "DROP TRIGGER IF EXISTS temp.stats_dirty_update", NULL, NULL, NULL);
	merge_release(&s->m);
	close_file(&s->file);
	free(s->entry);
	free(s->order);
	free(s->arena);
	free(s->wbuf);
	free(s);
}
