/* stats.c - customer_stats upkeep through the customer ledger; see stats.h. */
#include "i18n.h"
#include "stats.h"
#include "tmpstack.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"
#include "entity.h"
#include "keycmp.h"
#include "norm.h"
#include "pipe.h"
#include "radix.h"
#include "times.h"

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
 *
 * Each order's time goes with its key too (customer_stats.times, times.h):
 * the times of the orders in memory are a log of (entry, time) in arrival
 * order, TIMES_PER_KEY per slot in use; a spill or flush deals them out to
 * their keys in key order (each key's count is its orders), and a run
 * carries each key's times after its id.  So do the times of orders that
 * left a key (a refund): a key with such is read, changed and written back
 * whole by the flush (rewrite_key).
 */
#define DEFAULT_KB 16384
#define FILL_NUM 3           /* at most 3/4 of the slots in use */
#define FILL_DEN 4
#define ID_BYTES 16
#define MIN_KEYS 16
#define ID_MAX 1023          /* longer customer ids are refused */
/* Runs merged at once: a merge of them all into one (compact) rewrites
 * everything spilled so far while the writer waits for the thread; at the
 * default memory 256 runs (8 MiB of READ_BUF at a flush) put that past
 * about 40 million orders. */
#define MAX_RUNS 256
#define READ_BUF (32 * 1024)
#define WRITE_BUF (256 * 1024)
#define BATCH 64             /* rows of a flush's multi-row INSERT */
#define TIMES_PER_KEY 2      /* room in the log of times, per key of the table */
#define WALK_STEPS 4         /* steps of walk_has() before a seek: a step costs a fifth of one */
#define WALK_SKIP 16         /* keys after a far one that walk_has() leaves to the INSERT */
/* The blocks in flight hold what the writer notes while the thread spills
 * (tens of milliseconds, tens of thousands of orders): with fewer the
 * writer waits at each spill, and each block handed over wakes the thread. */
#define NOTE_BLOCK 4096      /* notes a block carries to the ledger's thread */
#define NOTE_BYTES (128 * 1024)   /* and bytes of their ids */
#define NOTE_BLOCKS 8        /* blocks in flight: 1.6 MiB */
/* A flush merges on a thread of its own while the caller writes what it
 * merged: the merge was a third of a first import's flush at 10M. */
#define MERGED 64            /* keys a block of merged records carries */
#define MERGED_BLOCKS 4

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
	R_NTIMES = R_AMOUNT + 8,                /* uint32_t: times after the id, int64_t each */
	R_NGONE = R_NTIMES + 4,                 /* uint32_t: the gone times after those */
	R_HEAD = R_NGONE + 4
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
	uint32_t tpos;           /* a spill's: the end of its times in the dealt log */
	uint32_t ngone;          /* orders that left the key: their times follow its orders' */
};

/* A key in use is a struct crm_keyed (radix.h): its prefix, and at its
 * slot; sorting these moves 16 bytes, not an entry. */

/* A key with its figures as runs and merges pass it on. */
struct rec {
	size_t len;
	int ensure;
	char currency[4];
	int64_t first, last;
	int64_t orders, amount;
	struct crm_times times;  /* its own memory: rec_copy copies the times */
	struct crm_times gone;   /* the times of orders that left the key (amount: net) */
	char id[ID_MAX + 1];
};

/* A time of an order in memory, by the slot of its key: one that came in,
 * or (gone) left. */
struct logged {
	uint32_t entry;
	uint32_t gone;
	int64_t t;
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
	/* figures: BATCH rows into a table that had none when the flush began
	 * (a first import), whose keys the merge gives once each: no RETURNING,
	 * which cost a third of a first import's flush */
	sqlite3_stmt *fresh;
	const char *what;
	int (*bind)(sqlite3_stmt *st, int at, const struct rec *r);
	int n;
	struct rec rec[BATCH];
};

/* Keys a flush's merge found, in key order, for the caller to write. */
struct merged {
	int n;                   /* < MERGED: the merge's last block */
	int rc;                  /* CRM_OK, or how the merge failed after them */
	struct rec rec[MERGED];
};

/* What crm_stats_add() or crm_stats_ensure() was told, until the ledger's
 * thread sums it; the ids are NUL-terminated in the block's bytes. */
struct note {
	int64_t at, amount;
	long line;
	uint32_t id, order;
	uint8_t add;             /* 0: crm_stats_ensure() */
	uint8_t flags;
	char currency[4];
};

struct note_block {
	int n;
	size_t used;
	struct note note[NOTE_BLOCK];
	char bytes[NOTE_BYTES];
};

/* The stored customers, read in key order beside a flush's (walk_has()). */
struct walk {
	sqlite3_stmt *st;        /* the ids at or after ?1, in key order */
	int at;                  /* W_NONE, W_ROW (st is on one) or W_END (none left) */
	int steps;               /* steps before a seek: fewer after a far key */
	int skip;                /* keys left to the INSERT alone after a far one */
};

enum { W_NONE, W_ROW, W_END };

struct crm_stats {
	struct crm_db *db;
	struct batch create, figures;
	struct walk walk;        /* the customers a flush's keys may have already */
	sqlite3_stmt *add_figures;   /* ADD_FIGURES_SQL */
	sqlite3_stmt *get_figures, *set_figures, *drop_figures;   /* a changed key's row */
	sqlite3_stmt *get_changed, *put_changed;   /* its row kept apart (figures.h) */
	/* the table in memory */
	struct entry *entry;     /* nslot slots */
	struct crm_keyed *order; /* the nentry slots in use, sorted before they are read */
	struct crm_keyed *sorting;   /* as many: the radix sort's other half */
	char *arena;
	size_t nentry, maxentry, nslot, aused, asize;
	struct logged *tlog;     /* the times of the orders in memory */
	int64_t *tdealt;         /* the same times, a spill's: by key in key order */
	size_t ntlog, maxtlog;
	size_t ensures;          /* notes of customers to create since the last flush */
	/* what did not fit */
	struct runfile file;
	char *wbuf;
	size_t wn;
	const char *tmpdir;
	struct merge m;          /* big (a record per source): kept, not on the stack */
	struct rec out, prev;
	struct rec stored;       /* the stored row of a key rewrite_key() changes */
	long long *created;      /* the flush's count of new customers */
	int fresh;               /* the flush began with no figures in the table */
	int apart;               /* -1 until the first flush; then 1 when figures were
				  * there: every key is written to customer_stats_changed */
	struct crm_pipe *mpipe;  /* a flush's merge, when it has a thread */
	pthread_t mthread;
	struct merged *mblock[MERGED_BLOCKS];
	/* the ledger's thread: the caller's notes go to it in blocks (below) */
	struct crm_pipe *pipe;   /* NULL: none, a note is summed at once */
	pthread_t thread;
	struct note_block *block[NOTE_BLOCKS];
	struct note_block *cur;  /* the block being filled */
	struct note_block *held[NOTE_BLOCKS];   /* free blocks the caller holds */
	int nheld;
	size_t noted;            /* customers to create noted since the last flush */
	_Atomic int failed;      /* the first failure of a note: CRM_OK till then */
	struct {                 /* the note that took a total past 64 bits */
		long line;
		char currency[4];
		char customer[ID_MAX + 1];
		char order[CRM_KEY_MAX + 1];
	} fault;
};

/* s is w, byte by byte: no call on every row, no read past s's end. */
static int is_word(const char *s, const char *w)
{
	while (*w && *s == *w)
		s++, w++;
	return *s == *w;
}

int crm_order_counts(const char *status)
{
	return !status || (status[0] == 'p' && (is_word(status, "paid") || is_word(status, "pending")));
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
	"orders = orders + ?5, monetary = monetary + ?6, times = crm_times_merge(times, ?7) " \
	"WHERE customer_id = ?1 AND currency = ?2 AND " \
	"(?6 >= 0 AND monetary <= 9223372036854775807 - ?6 OR " \
	"?6 < 0 AND monetary >= -9223372036854775807 - 1 - ?6)"

/*
 * An order that changes (an UPDATE: a refund, a new date, amount, currency
 * or customer) leaves its key and comes into its new one: the trigger notes
 * both in a temporary table, counting changes alike, and crm_stats_finish()
 * gives them to the ledger, which keeps them as it keeps new orders.  The
 * trigger calls no function and cannot fail: either would make SQLite keep
 * a statement journal for every multi-row UPDATE of orders.
 */
static const char change_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS stats_changes(customer_id, currency, sign, at, amount, "
	"n, PRIMARY KEY (customer_id, currency, sign, at, amount)) WITHOUT ROWID;"
	"CREATE TEMP TRIGGER IF NOT EXISTS stats_changes_update AFTER UPDATE OF customer_id, "
	"ordered_at, amount, currency, status ON orders WHEN OLD.customer_id IS NOT NEW.customer_id "
	"OR OLD.ordered_at IS NOT NEW.ordered_at OR OLD.amount IS NOT NEW.amount OR "
	"OLD.currency IS NOT NEW.currency OR OLD.status IS NOT NEW.status BEGIN "
	"INSERT INTO stats_changes SELECT OLD.customer_id, OLD.currency, -1, OLD.ordered_at, "
	"OLD.amount, 1 WHERE OLD.customer_id IS NOT NULL AND (OLD.status = 'paid' OR "
	"OLD.status = 'pending') ON CONFLICT DO UPDATE SET n = n + 1;"
	"INSERT INTO stats_changes SELECT NEW.customer_id, NEW.currency, 1, NEW.ordered_at, "
	"NEW.amount, 1 WHERE NEW.customer_id IS NOT NULL AND (NEW.status = 'paid' OR "
	"NEW.status = 'pending') ON CONFLICT DO UPDATE SET n = n + 1;"
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
	per_slot = sizeof(struct entry) + (2 * sizeof(struct crm_keyed) + ID_BYTES + TIMES_PER_KEY *
					   (sizeof(struct logged) + sizeof(int64_t))) * FILL_NUM / FILL_DEN;
	n = kb * 1024 / per_slot;
	return n * FILL_NUM / FILL_DEN < MIN_KEYS ? MIN_KEYS * FILL_DEN / FILL_NUM + 1 : n;
}

static int bind_create(sqlite3_stmt *st, int at, const struct rec *r)
{
	crm_bind_static(st, at + 1, r->id);
	return 1;
}

/* A list of times as a blob parameter (the statement frees it). */
static void bind_times(sqlite3_stmt *st, int i, const struct crm_times *t)
{
	size_t size = crm_times_size(t->n);
	unsigned char *blob = crm_xmalloc(size ? size : 1);
	crm_times_encode(t, blob);
	sqlite3_bind_blob64(st, i, blob, size, free);
}

static int bind_figures(sqlite3_stmt *st, int at, const struct rec *r)
{
	crm_bind_static(st, at + 1, r->id);
	crm_bind_static(st, at + 2, r->currency);
	sqlite3_bind_int64(st, at + 3, r->first);
	sqlite3_bind_int64(st, at + 4, r->last);
	sqlite3_bind_int64(st, at + 5, r->orders);
	sqlite3_bind_int64(st, at + 6, r->amount);
	bind_times(st, at + 7, &r->times);
	return 7;
}

/* "HEAD ROW TAIL" and "HEAD ROW,ROW,... TAIL" with BATCH rows. */
static int batch_prepare(struct crm_stats *s, struct batch *b, const char *head,
			 const char *row, const char *tail, const char *fresh_tail)
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
	if (fresh_tail) {
		sql = crm_xrealloc(sql, n + strlen(fresh_tail) + 1);
		strcpy(sql + n, fresh_tail);
		b->fresh = crm_db_prepare(s->db, sql);
	}
	free(sql);
	return b->one && b->many && (!fresh_tail || b->fresh) ? CRM_OK : crm_db_last_status(s->db);
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

static void ledger_start(struct crm_stats *s);

struct crm_stats *crm_stats_begin(struct crm_db *db)
{
	struct crm_stats *s = crm_xcalloc(1, sizeof *s);
	s->db = db;
	s->nslot = ledger_slots();
	s->maxentry = s->nslot * FILL_NUM / FILL_DEN;
	s->asize = s->maxentry * ID_BYTES > ID_MAX + 1 ? s->maxentry * ID_BYTES : ID_MAX + 1;
	s->entry = alloc_table(s->nslot * sizeof *s->entry);
	s->order = crm_xcalloc(s->maxentry, sizeof *s->order);
	s->sorting = crm_xcalloc(s->maxentry, sizeof *s->sorting);
	s->maxtlog = s->maxentry * TIMES_PER_KEY;
	s->tlog = crm_xcalloc(s->maxtlog, sizeof *s->tlog);
	s->tdealt = crm_xcalloc(s->maxtlog, sizeof *s->tdealt);
	s->arena = crm_xcalloc(s->asize, 1);
	s->wbuf = crm_xcalloc(WRITE_BUF, 1);
	s->file.fd = -1;
	s->apart = -1;
	s->walk.steps = WALK_STEPS;
	s->tmpdir = crm_tmp_dir();
	if (crm_db_exec(db, change_sql) != CRM_OK ||
	    batch_prepare(s, &s->create, "INSERT OR ROLLBACK INTO customers(customer_id) VALUES ", "(?)",
			  " ON CONFLICT(customer_id) DO NOTHING", NULL) != CRM_OK ||
	    !(s->walk.st = crm_db_prepare(db, "SELECT customer_id FROM customers WHERE "
					  "customer_id >= ?1 ORDER BY customer_id")) ||
	    batch_prepare(s, &s->figures, "INSERT OR ROLLBACK INTO customer_stats VALUES ",
			  "(?,?,?,?,?,?,?)", " ON CONFLICT DO NOTHING RETURNING customer_id, "
			  "currency", " ON CONFLICT DO NOTHING") != CRM_OK ||
	    !(s->add_figures = crm_db_prepare(db, ADD_FIGURES_SQL)) ||
	    !(s->get_figures = crm_db_prepare(db, "SELECT orders, monetary, times FROM "
					      "customer_stats WHERE customer_id = ?1 AND currency = ?2")) ||
	    !(s->set_figures = crm_db_prepare(db, "UPDATE OR ROLLBACK customer_stats SET "
					      "first_unix = ?3, last_unix = ?4, orders = ?5, "
					      "monetary = ?6, times = ?7 WHERE customer_id = ?1 AND "
					      "currency = ?2")) ||
	    !(s->drop_figures = crm_db_prepare(db, "DELETE FROM customer_stats WHERE "
					       "customer_id = ?1 AND currency = ?2")) ||
	    !(s->get_changed = crm_db_prepare(db, "SELECT orders, monetary, times FROM "
					      "customer_stats_changed WHERE customer_id = ?1 AND "
					      "currency = ?2")) ||
	    !(s->put_changed = crm_db_prepare(db, "INSERT OR REPLACE INTO customer_stats_changed "
					      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"))) {
		crm_stats_free(s);
		return NULL;
	}
	ledger_start(s);
	s->create.what = N_("create a customer");
	s->create.bind = bind_create;
	s->figures.what = N_("update customer figures");
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
	int c = crm_key_cmp(a, alen, b, blen);
	return c ? c : strcmp(acur, bcur);
}

static int by_key(const void *x, const void *y, void *ctx)
{
	const struct crm_keyed *a = x, *b = y;
	const struct crm_stats *s = ctx;
	const struct entry *ea, *eb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	ea = &s->entry[a->at];
	eb = &s->entry[b->at];
	return key_cmp(s->arena + ea->off, ea->len, ea->currency, s->arena + eb->off, eb->len,
		       eb->currency);
}

/* Slots ahead whose cache lines a loop over the keys in key order asks
 * for: the slots lie in hash order, so each key's is a miss. */
#define AHEAD 16

/* The slot of the i-th key in key order, AHEAD keys before it is read. */
static void fetch_ahead(const struct crm_stats *s, size_t i)
{
	if (i + AHEAD < s->nentry)
		__builtin_prefetch(&s->entry[s->order[i + AHEAD].at]);
}

/* The keys in memory in by_key()'s order: by prefix (qsort_r() with
 * by_key() was a quarter of the ledger's thread at 10M orders, 70 spills
 * of 73,000 keys), then each run of a prefix (longer ids that share their
 * first 8 bytes, or a customer's currencies) by the whole key. */
static void sort_keys(struct crm_stats *s)
{
	size_t i, j;
	crm_radix_keyed(s->order, s->sorting, s->nentry);
	for (i = 0; i < s->nentry; i = j) {
		for (j = i + 1; j < s->nentry && s->order[j].key == s->order[i].key; j++)
			;
		if (j - i > 1)
			qsort_r(s->order + i, j - i, sizeof *s->order, by_key, s);
	}
}

/* Sort the keys in memory, and deal the logged times out to them: each
 * key's times, its orders of them, follow the key before it's. */
static void sort_memory(struct crm_stats *s)
{
	uint32_t pos = 0;
	size_t i;
	sort_keys(s);
	for (i = 0; i < s->nentry; i++) {
		struct entry *e = &s->entry[s->order[i].at];
		fetch_ahead(s, i);
		e->tpos = pos;
		pos += (uint32_t)e->orders + e->ngone;
	}
	/* a key's orders first, then its gone: two passes */
	for (i = 0; i < s->ntlog; i++) {
		if (i + AHEAD < s->ntlog)
			__builtin_prefetch(&s->entry[s->tlog[i + AHEAD].entry]);
		if (!s->tlog[i].gone)
			s->tdealt[s->entry[s->tlog[i].entry].tpos++] = s->tlog[i].t;
	}
	for (i = 0; i < s->ntlog; i++)
		if (s->tlog[i].gone)
			s->tdealt[s->entry[s->tlog[i].entry].tpos++] = s->tlog[i].t;
}

static void clear_memory(struct crm_stats *s)
{
	memset(s->entry, 0, s->nslot * sizeof *s->entry);
	s->nentry = 0;
	s->aused = 0;
	s->ntlog = 0;
}

/* The i-th entry in key order as a record (after sort_memory). */
static void entry_rec(const struct crm_stats *s, size_t i, struct rec *r)
{
	const struct entry *e = &s->entry[s->order[i].at];
	const int64_t *end = s->tdealt + e->tpos;
	crm_times_set(&r->times, end - e->ngone - e->orders, (size_t)e->orders);
	crm_times_set(&r->gone, end - e->ngone, e->ngone);
	crm_times_sort(&r->times);
	crm_times_sort(&r->gone);
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

static int drain(struct crm_stats *s, struct runfile *f)
{
	int rc = crm_tmp_write(f->fd, s->tmpdir, s->wbuf, s->wn, f->size);
	if (rc != CRM_OK)
		return rc;
	f->size += (off_t)s->wn;
	s->wn = 0;
	return CRM_OK;
}

/* Bytes into the write buffer, drained as it fills: a record of any size. */
static int emit(struct crm_stats *s, struct runfile *f, const void *data, size_t n)
{
	const char *from = data;
	int rc;
	while (n) {
		size_t k = WRITE_BUF - s->wn < n ? WRITE_BUF - s->wn : n;
		memcpy(s->wbuf + s->wn, from, k);
		s->wn += k;
		from += k;
		n -= k;
		if (s->wn == WRITE_BUF && (rc = drain(s, f)) != CRM_OK)
			return rc;
	}
	return CRM_OK;
}

static int put(struct crm_stats *s, struct runfile *f, const struct rec *r)
{
	uint16_t len = (uint16_t)r->len;
	uint32_t nt = (uint32_t)r->times.n, ng = (uint32_t)r->gone.n;
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
	memcpy(p + R_NTIMES, &nt, sizeof nt);
	memcpy(p + R_NGONE, &ng, sizeof ng);
	memcpy(p + R_HEAD, r->id, r->len);
	s->wn += R_HEAD + r->len;
	if ((rc = emit(s, f, r->times.t, nt * sizeof *r->times.t)) != CRM_OK)
		return rc;
	return emit(s, f, r->gone.t, ng * sizeof *r->gone.t);
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
		int rc;
		if ((off_t)want > x->end - x->pos)
			want = (size_t)(x->end - x->pos);
		if (!want) {
			crm_error(_("%s: read error on a temporary file: %s"), s->tmpdir,
				  _("a run ends early"));
			return CRM_EIO;
		}
		rc = crm_tmp_read(s->file.fd, s->tmpdir, x->buf + x->have, want, x->pos);
		if (rc != CRM_OK)
			return rc;
		x->have += want;
		x->pos += (off_t)want;
	}
	return CRM_OK;
}

/* A record's nt times, through the buffer a part at a time. */
static int read_times(struct crm_stats *s, struct source *x, struct crm_times *l, uint32_t nt)
{
	const size_t per = READ_BUF / sizeof(int64_t);
	int rc;
	l->n = 0;
	while (nt) {
		size_t k = nt < per ? nt : per, i;
		if ((rc = fill(s, x, k * sizeof(int64_t))) != CRM_OK)
			return rc;
		for (i = 0; i < k; i++) {
			int64_t t;
			memcpy(&t, x->buf + x->at + i * sizeof t, sizeof t);
			crm_times_push(l, t);
		}
		x->at += k * sizeof(int64_t);
		nt -= (uint32_t)k;
	}
	return CRM_OK;
}

static int run_next(struct crm_stats *s, struct source *x)
{
	struct rec *r = &x->r;
	uint32_t nt, ng;
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
	memcpy(&nt, p + R_NTIMES, sizeof nt);
	memcpy(&ng, p + R_NGONE, sizeof ng);
	memcpy(r->id, p + R_HEAD, len);
	r->id[len] = '\0';
	x->at += R_HEAD + len;
	if ((rc = read_times(s, x, &r->times, nt)) != CRM_OK ||
	    (rc = read_times(s, x, &r->gone, ng)) != CRM_OK)
		return -rc;
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
	crm_times_append(&into->gone, r->gone.t, r->gone.n);
	if (r->orders && !into->orders) {
		into->first = r->first;
		into->last = r->last;
	} else if (r->orders) {
		if (r->first < into->first)
			into->first = r->first;
		if (r->last > into->last)
			into->last = r->last;
	}
	into->orders += r->orders;
	crm_times_append(&into->times, r->times.t, r->times.n);
	if (__builtin_add_overflow(into->amount, r->amount, &into->amount))
		return too_much(into->id, into->currency);
	return CRM_OK;
}

static void rec_copy(struct rec *to, const struct rec *from)
{
	memcpy(to, from, offsetof(struct rec, times));
	crm_times_set(&to->times, from->times.t, from->times.n);
	crm_times_set(&to->gone, from->gone.t, from->gone.n);
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
	nf.fd = crm_tmp_open(s->tmpdir);
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
	if (s->file.fd < 0 && (s->file.fd = crm_tmp_open(s->tmpdir)) < 0)
		return CRM_EIO;
	sort_memory(s);
	start = s->file.size;
	for (i = 0; i < s->nentry; i++) {
		fetch_ahead(s, i);
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

/* A customer id the ledger cannot keep, reported. */
static int long_id(size_t len)
{
	crm_error(_("customer id of %zu bytes: too long (at most %d)"), len, ID_MAX);
	return CRM_EDATA;
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
		*rc = long_id(len);
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
	s->order[s->nentry].key = prefix;
	s->order[s->nentry++].at = (uint32_t)(e - s->entry);
	return e;
}

/* The entry of a key with the time of an order that came (gone 0) or left
 * logged; NULL after reporting (*rc). */
static struct entry *log_time(struct crm_stats *s, const char *customer, const char *currency,
			      int64_t at, int gone, int *rc)
{
	struct entry *e;
	if (s->ntlog == s->maxtlog && (*rc = spill(s)) != CRM_OK)
		return NULL;
	if (!(e = note(s, customer, currency, rc)))
		return NULL;
	s->tlog[s->ntlog].entry = (uint32_t)(e - s->entry);
	s->tlog[s->ntlog].gone = (uint32_t)gone;
	s->tlog[s->ntlog++].t = at;
	return e;
}

static int stats_add(struct crm_stats *s, const char *customer, const char *currency,
		     int64_t at, int64_t amount, int flags)
{
	int rc = CRM_OK;
	struct entry *e = log_time(s, customer, currency, at, 0, &rc);
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

/* An order that leaves a key: its time goes, its amount comes off. */
static int stats_remove(struct crm_stats *s, const char *customer, const char *currency,
			int64_t at, int64_t amount)
{
	int rc = CRM_OK;
	struct entry *e = log_time(s, customer, currency, at, 1, &rc);
	if (!e)
		return rc;
	e->ngone++;
	if (__builtin_sub_overflow(e->amount, amount, &e->amount))
		return CRM_STATS_OVERFLOW;
	return CRM_OK;
}

static int stats_ensure(struct crm_stats *s, const char *customer)
{
	int rc = CRM_OK;
	struct entry *e = note(s, customer, "", &rc);
	if (!e)
		return rc;
	e->ensure = 1;
	s->ensures++;
	return CRM_OK;
}

/* ---- the ledger's thread -------------------------------------------------------- */

/*
 * Summing the notes (finding each key's slot, spilling the table) costs a
 * first import's writing thread a tenth of its time, and that thread is the
 * one SQLite keeps busy.  So crm_stats_add() and crm_stats_ensure() copy
 * their note into a block, and full blocks go through a pipe (pipe.h) to a
 * thread of the ledger's own, which sums them in order.  Whatever reads or
 * writes the table from the caller's thread first waits (crm_stats_sync) until
 * it holds every block again: the thread is then idle in crm_pipe_take().
 * A note that fails is not reported by the thread unless the failure is its
 * own (a full disk); a total past 64 bits is kept in s->fault for the
 * caller to name, and every note after a failure is dropped.
 */

static int sum_note(struct crm_stats *s, const struct note_block *b, const struct note *n)
{
	const char *id = b->bytes + n->id;
	int rc = n->add ? stats_add(s, id, n->currency, n->at, n->amount, n->flags)
		: stats_ensure(s, id);
	if (rc == CRM_STATS_OVERFLOW) {
		s->fault.line = n->line;
		memcpy(s->fault.currency, n->currency, sizeof s->fault.currency);
		copy_text(s->fault.customer, id, sizeof s->fault.customer);
		copy_text(s->fault.order, b->bytes + n->order, sizeof s->fault.order);
	}
	return rc;
}

static void sum_block(struct crm_stats *s, const struct note_block *b)
{
	int i, rc = CRM_OK;
	/* the slots' cache misses overlap instead of queueing */
	for (i = 0; i < b->n; i++)
		__builtin_prefetch(&s->entry[home(s, b->bytes + b->note[i].id, b->note[i].currency)]);
	for (i = 0; i < b->n && rc == CRM_OK; i++)
		rc = sum_note(s, b, &b->note[i]);
	if (rc != CRM_OK)
		atomic_store_explicit(&s->failed, rc, memory_order_release);
}

static void *ledger_main(void *arg)
{
	struct crm_stats *s = arg;
	struct note_block *b;
	crm_thread_helps();
	while ((b = crm_pipe_take(s->pipe))) {
		if (atomic_load_explicit(&s->failed, memory_order_relaxed) == CRM_OK)
			sum_block(s, b);
		crm_pipe_give(s->pipe, b);
	}
	return NULL;
}

/* The thread, when one can be had; without it notes are summed at once. */
static void ledger_start(struct crm_stats *s)
{
	int i;
	for (i = 0; i < NOTE_BLOCKS; i++)
		s->block[i] = crm_xmalloc(sizeof *s->block[i]);
	if (!(s->pipe = crm_pipe_open((void *const *)s->block, NOTE_BLOCKS)))
		return;
	if (pthread_create(&s->thread, NULL, ledger_main, s) != 0) {
		crm_pipe_close(s->pipe);
		s->pipe = NULL;
	}
}

/* The block being filled, with room for a note of `bytes`. */
static struct note_block *note_room(struct crm_stats *s, size_t bytes)
{
	struct note_block *b = s->cur;
	if (!s->pipe) {          /* a note at a time */
		s->block[0]->n = 0;
		s->block[0]->used = 0;
		return s->block[0];
	}
	if (b && (b->n == NOTE_BLOCK || b->used + bytes > NOTE_BYTES)) {
		crm_pipe_put(s->pipe, b);
		b = NULL;
	}
	if (!b) {
		b = s->nheld ? s->held[--s->nheld] : crm_pipe_get(s->pipe);
		b->n = 0;
		b->used = 0;
		s->cur = b;
	}
	return b;
}

static uint32_t note_text(struct note_block *b, const char *text, size_t len)
{
	uint32_t at = (uint32_t)b->used;
	memcpy(b->bytes + at, text, len);
	b->bytes[at + len] = '\0';
	b->used += len + 1;
	return at;
}

static int give_note(struct crm_stats *s, struct note *n, const char *customer, const char *order)
{
	size_t len = strlen(customer), olen = order ? strnlen(order, CRM_KEY_MAX) : 0;
	struct note_block *b;
	int rc = atomic_load_explicit(&s->failed, memory_order_acquire);
	if (rc != CRM_OK)
		return rc;
	if (len > ID_MAX)
		return long_id(len);
	if (n->add ? n->flags & CRM_STATS_ENSURE : 1)
		s->noted++;
	b = note_room(s, len + olen + 2);
	n->id = note_text(b, customer, len);
	n->order = note_text(b, order ? order : "", olen);
	if (!s->pipe)
		return sum_note(s, b, n);
	b->note[b->n++] = *n;
	return CRM_OK;
}

/* The thread idle, every block back in the caller's hands: the table is
 * then the caller's. */
int crm_stats_sync(struct crm_stats *s)
{
	if (s->pipe) {
		if (s->cur && s->cur->n)
			crm_pipe_put(s->pipe, s->cur);
		else if (s->cur)
			s->held[s->nheld++] = s->cur;
		s->cur = NULL;
		while (s->nheld < NOTE_BLOCKS)
			s->held[s->nheld++] = crm_pipe_get(s->pipe);
	}
	return atomic_load_explicit(&s->failed, memory_order_acquire);
}

static void ledger_stop(struct crm_stats *s)
{
	int i;
	if (s->pipe) {
		crm_stats_sync(s);
		crm_pipe_end(s->pipe);
		pthread_join(s->thread, NULL);
		crm_pipe_close(s->pipe);
	}
	for (i = 0; i < NOTE_BLOCKS; i++)
		free(s->block[i]);
}

int crm_stats_add(struct crm_stats *s, const char *customer, const char *currency,
		  int64_t at, int64_t amount, int flags, const char *order, long line)
{
	struct note n = {.at = at, .amount = amount, .line = line, .add = 1, .flags = (uint8_t)flags};
	copy_text(n.currency, currency, sizeof n.currency);
	return give_note(s, &n, customer, order);
}

int crm_stats_ensure(struct crm_stats *s, const char *customer)
{
	struct note n = {.add = 0};
	return give_note(s, &n, customer, NULL);
}

void crm_stats_fault(const struct crm_stats *s, struct crm_stats_fault *f)
{
	f->order = s->fault.order;
	f->customer = s->fault.customer;
	f->currency = s->fault.currency;
	f->line = s->fault.line;
}

int crm_stats_pending(const struct crm_stats *s)
{
	return s->noted != 0;
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
	crm_db_write_behind(s->db);
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
	if (st == b->fresh && sqlite3_changes(s->db->h) != n) {
		crm_error(_("%s: %s: figures not there when the writing began are there now"),
			  s->db->path, crm_tr(b->what));
		return CRM_EIO;
	}
	return b == &s->figures && st != b->fresh ? add_existing(s, &b->rec[from], n, inserted)
						  : CRM_OK;
}

/* Write the rows of a batch: all at once when it is full, else one by one. */
static int write_batch(struct crm_stats *s, struct batch *b)
{
	int i, rc = CRM_OK;
	if (b->n == BATCH)
		rc = step_batch(s, b, s->fresh && b->fresh ? b->fresh : b->many, 0, BATCH);
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

/*
 * A key that orders left (a refund, a move): its row is read with its
 * times, the new orders' times put in and the gone ones taken out, and the
 * row written back whole (first and last are the ends of the times), or
 * deleted when no order is left.  Nothing reads the other orders, which no
 * index finds by customer.
 */
static int mismatch(const struct rec *r)
{
	crm_error(_("customer '%s': the %s figures kept for it do not match its orders (the "
		  "database was changed outside crm)"), r->id, r->currency);
	return CRM_EDATA;
}

/* The key's row in one table (get): its orders, total and times into k;
 * *found.  CRM_OK or an exit code. */
static int read_row(struct crm_stats *s, sqlite3_stmt *get, const struct rec *r, struct rec *k,
		    int *found)
{
	int rc, bad = 0;
	crm_bind_static(get, 1, r->id);
	crm_bind_static(get, 2, r->currency);
	k->times.n = 0;
	k->orders = k->amount = 0;
	if ((*found = (rc = sqlite3_step(get)) == SQLITE_ROW)) {
		k->orders = sqlite3_column_int64(get, 0);
		k->amount = sqlite3_column_int64(get, 1);
		bad = crm_times_decode(&k->times, sqlite3_column_blob(get, 2),
				       (size_t)sqlite3_column_bytes(get, 2)) ||
		      k->times.n != (size_t)k->orders;
	}
	sqlite3_reset(get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_db_fail(s->db, N_("read customer figures"));
	return bad ? mismatch(r) : CRM_OK;
}

/* The key's figures as readers see them (figures.h): its row apart, if
 * any (none when it says the key is dead), else its row in customer_stats. */
static int read_key(struct crm_stats *s, const struct rec *r, struct rec *k, int *found)
{
	int rc = CRM_OK;
	*found = 0;
	if (s->apart == 1 && (rc = read_row(s, s->get_changed, r, k, found)) == CRM_OK && *found) {
		*found = k->orders != 0;
		return CRM_OK;
	}
	return rc == CRM_OK ? read_row(s, s->get_figures, r, k, found) : rc;
}

static int rewrite_key(struct crm_stats *s, const struct rec *r)
{
	struct rec *k = &s->stored;
	sqlite3_stmt *st;
	size_t i;
	int found, rc;
	if ((rc = read_key(s, r, k, &found)) != CRM_OK)
		return rc;
	for (i = 0; i < r->times.n; i++)
		crm_times_insert(&k->times, r->times.t[i]);
	for (i = 0; i < r->gone.n && rc == CRM_OK; i++)
		if (crm_times_remove(&k->times, r->gone.t[i]))
			rc = mismatch(r);
	if (rc == CRM_OK && __builtin_add_overflow(k->amount, r->amount, &k->amount))
		rc = too_much(r->id, r->currency);
	if (rc != CRM_OK || (!k->times.n && !found))
		return rc;
	memcpy(k->id, r->id, r->len + 1);
	k->len = r->len;
	memcpy(k->currency, r->currency, sizeof k->currency);
	if (s->apart == 1) {
		/* the whole row apart; a key with no order left is marked dead */
		st = s->put_changed;
		k->orders = (int64_t)k->times.n;
		k->first = k->times.n ? k->times.t[0] : 0;
		k->last = k->times.n ? k->times.t[k->times.n - 1] : 0;
		if (!k->times.n)
			k->amount = 0;
		bind_figures(st, 0, k);
	} else if (!k->times.n) {
		st = s->drop_figures;
		crm_bind_static(st, 1, k->id);
		crm_bind_static(st, 2, k->currency);
	} else {
		st = found ? s->set_figures : s->figures.one;
		k->orders = (int64_t)k->times.n;
		k->first = k->times.t[0];
		k->last = k->times.t[k->times.n - 1];
		bind_figures(st, 0, k);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(s->db, N_("update customer figures"));
}

/* ---- the stored customers, beside the keys --------------------------------------- */

static int walk_step(struct crm_stats *s)
{
	int rc = sqlite3_step(s->walk.st);
	s->walk.at = rc == SQLITE_ROW ? W_ROW : W_END;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CRM_OK : crm_db_fail(s->db, N_("read customers"));
}

/* The walk on the first stored id at or after r's. */
static int walk_seek(struct crm_stats *s, const struct rec *r)
{
	sqlite3_reset(s->walk.st);
	sqlite3_bind_text(s->walk.st, 1, r->id, (int)r->len, SQLITE_TRANSIENT);
	return walk_step(s);
}

/* The walk's id against r's, in the order of key_cmp() and of SQLite's
 * BINARY collation.  A blob (a file changed outside crm) sorts after every
 * text and is never the id. */
static int walk_cmp(const struct walk *w, const struct rec *r)
{
	const void *id;
	size_t n;
	/* asked first: SQLite leaves a column's type undefined once it has
	 * been read as another */
	if (sqlite3_column_type(w->st, 0) != SQLITE_TEXT)
		return 1;
	id = sqlite3_column_blob(w->st, 0);
	n = (size_t)sqlite3_column_bytes(w->st, 0);
	return crm_key_cmp(id, n, r->id, r->len);
}

/*
 * *has: whether r's customer is known to be stored (0: not, or not asked).
 * A flush asks in key order, so the walk steps on from the last answer:
 * the 10M shop's 4M stored customers asked by the INSERT ... ON CONFLICT
 * took 1.3 s of seeks, a walk over them 0.3 s.  A key a few steps do not
 * reach is sought, and the next WALK_SKIP keys are left to the INSERT
 * alone: a week's customers, far apart among millions, would otherwise
 * cost a seek of the walk's besides the INSERT's.  No stored id at or after
 * a key is none after any later one: the flush inserts only keys below its
 * next.
 */
static int walk_has(struct crm_stats *s, const struct rec *r, int *has)
{
	struct walk *w = &s->walk;
	int i, c = 1, rc = CRM_OK;
	*has = 0;
	if (w->skip) {
		w->skip--;
		return CRM_OK;
	}
	if (w->at == W_NONE)
		rc = walk_seek(s, r);
	for (i = 0; rc == CRM_OK && w->at == W_ROW && (c = walk_cmp(w, r)) < 0; i++)
		rc = i < w->steps ? walk_step(s) : walk_seek(s, r);
	w->skip = i > w->steps ? WALK_SKIP : 0;
	w->steps = i > w->steps ? 1 : WALK_STEPS;
	*has = rc == CRM_OK && w->at == W_ROW && c == 0;
	return rc;
}

/* The walk's statement let go at a flush's end: the next one seeks. */
static void walk_end(struct walk *w)
{
	sqlite3_reset(w->st);
	w->at = W_NONE;
	w->steps = WALK_STEPS;
	w->skip = 0;
}

/* One key, in key order: create its customer once, add its figures. */
static int write_key(struct crm_stats *s, struct rec *r)
{
	int rc, has;
	if (r->ensure && (r->len != s->prev.len || memcmp(r->id, s->prev.id, r->len))) {
		if ((rc = walk_has(s, r, &has)) != CRM_OK ||
		    (!has && (rc = add_row(s, &s->create, r)) != CRM_OK))
			return rc;
		s->prev.len = r->len;
		memcpy(s->prev.id, r->id, r->len + 1);
	}
	if (!r->orders && !r->gone.n)
		return CRM_OK;
	crm_times_sort(&r->times);       /* a key of several runs has their times one after another */
	return r->gone.n || s->apart == 1 ? rewrite_key(s, r) : add_row(s, &s->figures, r);
}

/* The thread caught up (crm_stats_sync), a total past 64 bits reported
 * here: whoever could name its order did so already. */
static int caught_up(struct crm_stats *s)
{
	int rc = crm_stats_sync(s);
	return rc == CRM_STATS_OVERFLOW ? too_much(s->fault.customer, s->fault.currency) : rc;
}

/* Merge the memory, sorted, with the file's runs. */
static int merge_start(struct crm_stats *s)
{
	sort_memory(s);
	return merge_init(&s->m, s, 1);
}

/* The merge's next keys into b; rc: merge_start()'s. */
static void merge_fill(struct crm_stats *s, struct merged *b, int rc)
{
	int got = 1;
	b->n = 0;
	b->rc = rc;
	while (b->rc == CRM_OK && b->n < MERGED && (got = merge_next(&s->m, &b->rec[b->n])) > 0)
		b->n++;
	if (got < 0)
		b->rc = -got;
}

static void *merge_main(void *arg)
{
	struct crm_stats *s = arg;
	struct merged *b;
	int rc;
	crm_thread_helps();
	rc = merge_start(s);
	while ((b = crm_pipe_get(s->mpipe))) {
		merge_fill(s, b, rc);
		crm_pipe_put(s->mpipe, b);
		if (b->n < MERGED || b->rc != CRM_OK)
			break;
	}
	merge_release(&s->m);
	crm_pipe_end(s->mpipe);
	return NULL;
}

/* The merge's thread, when one can be had. */
static int merge_thread(struct crm_stats *s)
{
	int i;
	for (i = 0; i < MERGED_BLOCKS; i++)
		if (!s->mblock[i])
			s->mblock[i] = crm_xcalloc(1, sizeof *s->mblock[i]);
	if (!(s->mpipe = crm_pipe_open((void *const *)s->mblock, MERGED_BLOCKS)))
		return -1;
	if (pthread_create(&s->mthread, NULL, merge_main, s) != 0) {
		crm_pipe_close(s->mpipe);
		s->mpipe = NULL;
		return -1;
	}
	return 0;
}

static int write_merged(struct crm_stats *s, struct merged *b)
{
	int i, rc = CRM_OK;
	for (i = 0; i < b->n && rc == CRM_OK; i++)
		rc = write_key(s, &b->rec[i]);
	return rc != CRM_OK ? rc : b->rc;
}

/* Every key of the merge written, in key order. */
static int write_all(struct crm_stats *s)
{
	struct merged *b;
	int rc = CRM_OK;
	if (merge_thread(s) < 0) {       /* merge and write in turns */
		b = s->mblock[0];
		rc = merge_start(s);
		do
			merge_fill(s, b, rc);
		while ((rc = write_merged(s, b)) == CRM_OK && b->n == MERGED);
		merge_release(&s->m);
		return rc;
	}
	while (rc == CRM_OK && (b = crm_pipe_take(s->mpipe))) {
		rc = write_merged(s, b);
		crm_pipe_give(s->mpipe, b);
	}
	crm_pipe_cancel(s->mpipe);       /* it stops, if it has not ended */
	pthread_join(s->mthread, NULL);
	crm_pipe_close(s->mpipe);
	s->mpipe = NULL;
	return rc;
}

int crm_stats_flush(struct crm_stats *s, long long *created)
{
	long long any;
	int rc = caught_up(s);
	if (rc == CRM_OK)
		rc = crm_db_one_int(s->db, crm_db_prepare(s->db, "SELECT EXISTS (SELECT 1 FROM "
					 "customer_stats) + 2 * EXISTS (SELECT 1 FROM "
					 "customer_stats_changed)"), N_("read customer figures"), &any);
	if (rc != CRM_OK)
		return rc;
	s->fresh = !any;
	/* decided once, within the transaction: a first import's later
	 * flushes write where its first did */
	if (s->apart < 0)
		s->apart = any != 0;
	s->created = created;
	s->prev.len = 0;
	s->prev.id[0] = '\0';
	s->create.n = s->figures.n = 0;
	rc = write_all(s);
	walk_end(&s->walk);
	if (rc == CRM_OK && (rc = write_batch(s, &s->create)) == CRM_OK)
		rc = write_batch(s, &s->figures);
	if (rc != CRM_OK)
		return rc;
	clear_memory(s);
	close_file(&s->file);
	s->ensures = 0;
	s->noted = 0;
	return CRM_OK;
}

/* One noted change, n times alike, to the ledger. */
static int feed_change(struct crm_stats *s, sqlite3_stmt *st)
{
	const char *id = (const char *)sqlite3_column_text(st, 0);
	const char *cur = (const char *)sqlite3_column_text(st, 1);
	const char *at = (const char *)sqlite3_column_text(st, 3);
	int64_t amount = sqlite3_column_int64(st, 4), n = sqlite3_column_int64(st, 5), t;
	int sign = sqlite3_column_int(st, 2), rc = CRM_OK;
	if (!id || !cur || !at || strlen(at) != CRM_TIME_LEN - 1)
		return crm_db_fail(s->db, N_("read changed customers"));
	t = crm_time_epoch(at);
	while (n-- > 0 && rc == CRM_OK)
		rc = sign > 0 ? stats_add(s, id, cur, t, amount, 0)
			: stats_remove(s, id, cur, t, amount);
	return rc == CRM_STATS_OVERFLOW ? too_much(id, cur) : rc;
}

/* The orders the trigger saw change, to the ledger. */
static int feed_changes(struct crm_stats *s)
{
	sqlite3_stmt *st = crm_db_prepare(s->db, "SELECT customer_id, currency, sign, at, amount, n "
					  "FROM temp.stats_changes");
	int step, rc = CRM_OK;
	if (!st)
		return crm_db_last_status(s->db);
	while (rc == CRM_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = feed_change(s, st);
	sqlite3_finalize(st);
	if (rc == CRM_OK && step != SQLITE_DONE)
		rc = crm_db_fail(s->db, N_("read changed customers"));
	return rc != CRM_OK ? rc : crm_db_exec(s->db, "DELETE FROM temp.stats_changes");
}

/*
 * The rows apart are folded into customer_stats once they are a quarter of
 * it (and at least FOLD_MIN, $CRM_FOLD_MIN for the tests): that week
 * rewrites customer_stats as every week did before, the weeks between
 * write about their customers' rows only, and a reader's merge stays
 * small beside its table.
 */
#define FOLD_MIN 4096
static const char fold_sql[] =
	"INSERT OR REPLACE INTO customer_stats SELECT * FROM customer_stats_changed "
	"WHERE orders > 0;"
	"DELETE FROM customer_stats WHERE (customer_id, currency) IN "
	"(SELECT customer_id, currency FROM customer_stats_changed WHERE orders = 0);"
	"DELETE FROM customer_stats_changed;";

/* $CRM_FOLD_MIN when it is a whole number from 1, else FOLD_MIN. */
static long long fold_min(void)
{
	const char *env = getenv("CRM_FOLD_MIN");
	char *end;
	long long v = env && *env ? strtoll(env, &end, 10) : 0;
	return v >= 1 && !*end ? v : FOLD_MIN;
}

static int fold_if_due(struct crm_stats *s)
{
	long long apart, base, min = fold_min();
	sqlite3_stmt *st;
	int rc = crm_db_one_int(s->db, crm_db_prepare(s->db, "SELECT count(*) FROM "
						    "customer_stats_changed"),
				N_("read customer figures"), &apart);
	if (rc != CRM_OK || apart < min)
		return rc;
	/* counted no further than four times the rows apart: the whole table
	 * is 10,900 pages at 10M orders, to be read every week */
	st = crm_db_prepare(s->db, "SELECT count(*) FROM (SELECT 1 FROM customer_stats LIMIT ?1)");
	if (st)
		sqlite3_bind_int64(st, 1, apart * 4 + 1);
	rc = crm_db_one_int(s->db, st, N_("read customer figures"), &base);
	if (rc != CRM_OK || base > apart * 4)
		return rc;
	return crm_db_exec(s->db, fold_sql);
}

int crm_stats_finish(struct crm_stats *s, long long *created)
{
	int rc = caught_up(s);
	if (rc == CRM_OK)
		rc = feed_changes(s);
	if (rc == CRM_OK)
		rc = crm_stats_flush(s, created);
	if (rc == CRM_OK && s->apart == 1)
		rc = fold_if_due(s);
	return rc;
}

/* The times records r[0..n) own. */
static void recs_release(struct rec *r, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		crm_times_release(&r[i].times);
		crm_times_release(&r[i].gone);
	}
}

void crm_stats_free(struct crm_stats *s)
{
	size_t i;
	if (!s)
		return;
	ledger_stop(s);
	sqlite3_finalize(s->walk.st);
	sqlite3_finalize(s->create.many);
	sqlite3_finalize(s->create.one);
	sqlite3_finalize(s->figures.many);
	sqlite3_finalize(s->figures.one);
	sqlite3_finalize(s->figures.fresh);
	sqlite3_finalize(s->add_figures);
	sqlite3_finalize(s->get_figures);
	sqlite3_finalize(s->set_figures);
	sqlite3_finalize(s->drop_figures);
	sqlite3_finalize(s->get_changed);
	sqlite3_finalize(s->put_changed);
	/* the trigger is the connection's; no later writer should feed it */
	sqlite3_exec(s->db->h, "DROP TRIGGER IF EXISTS temp.stats_changes_update", NULL, NULL, NULL);

	merge_release(&s->m);
	close_file(&s->file);
	recs_release(s->create.rec, BATCH);
	recs_release(s->figures.rec, BATCH);
	for (i = 0; i <= MAX_RUNS; i++)
		recs_release(&s->m.src[i].r, 1);
	for (i = 0; i < MERGED_BLOCKS && s->mblock[i]; i++) {
		recs_release(s->mblock[i]->rec, MERGED);
		free(s->mblock[i]);
	}
	recs_release(&s->out, 1);
	recs_release(&s->prev, 1);
	recs_release(&s->stored, 1);
	free(s->tlog);
	free(s->tdealt);
	free(s->entry);
	free(s->order);
	free(s->sorting);
	free(s->arena);
	free(s->wbuf);
	free(s);
}

/* An id between the least and the greatest: the midpoint of their first
 * eight bytes.  Any id is correct; an even split is only faster.  CRM_STATS_NO_SPLIT
 * when the ids leave no room (one customer, or none). */
int crm_stats_split_key(struct crm_db *db, char key[9])
{
	/* two queries: SQLite finds a lone min() or max() at an end of the key */
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT (SELECT min(customer_id) FROM customer_stats), "
					  "(SELECT max(customer_id) FROM customer_stats)");
	uint64_t v[2] = {0, 0}, mid;
	int rc, i, k;
	if (!st)
		return crm_db_last_status(db);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < 2; i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			for (k = 0; k < 8; k++)
				v[i] = v[i] << 8 | (t && *t ? *t++ : 0);
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return crm_db_fail(db, N_("read customer figures"));
	mid = v[0] + (v[1] - v[0]) / 2;
	for (k = 0; k < 8; k++) {
		unsigned char byte = (unsigned char)(mid >> (56 - 8 * k));
		key[k] = (char)(byte ? byte : 1);   /* a NUL would end the text */
	}
	key[8] = '\0';
	return v[1] - v[0] < 2 ? CRM_STATS_NO_SPLIT : CRM_OK;
}
