/* rfm.c - customers' figures and RFM scores; see rfm.h. */
#include "i18n.h"
#include "rfm.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "custsum.h"
#include "diag.h"
#include "entity.h"
#include "feed.h"
#include "figures.h"
#include "stats.h"

/* ---- bins ---------------------------------------------------------------------- */

/* A non-negative amount in major units: "500000", "49.99" -> minor units. */
static int parse_major(const char *s, int exp, int64_t *out)
{
	int64_t v = 0;
	int decimals = -1;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s == '.' && decimals < 0 && exp > 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || decimals >= exp)
			return -1;
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
			return -1;
		decimals += decimals >= 0;
	}
	for (decimals = decimals < 0 ? 0 : decimals; decimals < exp; decimals++)
		if (__builtin_mul_overflow(v, 10, &v))
			return -1;
	*out = v;
	return 0;
}

int crm_bins_parse(const char *arg, const char *currency, struct crm_bins bins[CRM_NFIG],
		   char *err, size_t errsize)
{
	static const char figs[] = "RFM";
	/* ' ' & ~0x20 is NUL, which strchr() finds at the end of figs */
	int fig = arg[0] & ~0x20;
	const char *f = fig ? strchr(figs, fig) : NULL;
	int exp = currency && *currency ? crm_currency_exponent(currency) : 0;
	struct crm_bins b = {1, {0}};
	char buf[256], *tok, *save = NULL;
	int i = 0;
	if (!f || arg[1] != '=' || strlen(arg + 2) >= sizeof buf) {
		snprintf(err, errsize, _("--bins '%s': expected R=, F= or M= and four cut-offs"), arg);
		return -1;
	}
	strcpy(buf, arg + 2);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), i++) {
		if (i == 4 || parse_major(tok, *f == 'M' ? exp : 0, &b.cut[i]) < 0 ||
		    (i > 0 && b.cut[i] <= b.cut[i - 1])) {
			snprintf(err, errsize, _("--bins '%s': expected four increasing %s, such as "
				 "%s"), arg, *f == 'M' ? _("amounts") : _("whole numbers"),
				 *f == 'R' ? "R=30,90,180,365" : *f == 'F' ? "F=1,2,3,5" :
				 "M=10000,50000,100000,500000");
			return -1;
		}
	}
	if (i != 4) {
		snprintf(err, errsize, _("--bins '%s': expected four cut-offs, found %d"), arg, i);
		return -1;
	}
	bins[f - figs] = b;
	return 0;
}

/* ---- scores ---------------------------------------------------------------------- */

/* Sort int64 values: LSD radix on 16-bit digits, sign bit flipped. */
static void radix_sort(uint64_t *a, uint64_t *tmp, size_t n)
{
	size_t i, count[65536];
	int shift;
	for (shift = 0; shift < 64; shift += 16) {
		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++)
			count[(a[i] >> shift) & 0xffff]++;
		if (n && count[(a[0] >> shift) & 0xffff] == n)
			continue;        /* one digit for all: small figures skip most passes */
		for (i = 1; i < 65536; i++)
			count[i] += count[i - 1];
		for (i = n; i-- > 0;)
			tmp[--count[(a[i] >> shift) & 0xffff]] = a[i];
		memcpy(a, tmp, n * sizeof *a);
	}
}

/* The figure as "more is better", as an order-preserving unsigned key. */
static uint64_t fig_key(const struct crm_rfm_entry *e, int fig)
{
	int64_t v = fig == CRM_FIG_R ? -(int64_t)e->recency :
		    fig == CRM_FIG_F ? e->frequency : e->monetary;
	return (uint64_t)v ^ (UINT64_C(1) << 63);
}

/*
 * The four cut keys of a figure are order statistics, found by selection
 * rather than by sorting every key: the keys' span in 65,536 buckets (one
 * key a bucket when the span is that small, as days and order counts are),
 * counted in one pass; then only the buckets the four ranks fall in are
 * gathered and sorted.  No array of n keys (53 MB at 3.3M customers) unless
 * one bucket holds most keys (one customer stretching monetary's span):
 * then it is a sort again.  The figures share each pass over the entries,
 * which memory's speed bounds.
 */
#define BUCKETS 65536

struct select {
	uint64_t lo, hi;         /* the least and the greatest key */
	int shift;               /* a key's bucket: (key - lo) >> shift */
	size_t *count;           /* keys per bucket */
	size_t bucket[4], pos[4];   /* each cut's bucket, its place in keys[] */
	int gather;              /* a quintile figure of buckets wider than a key */
	uint64_t *keys;          /* the keys of those buckets, gathered */
	size_t m;
};

static size_t bucket_of(const struct select *sel, uint64_t key)
{
	return (size_t)((key - sel->lo) >> sel->shift);
}

/* Each cut's bucket and place among the gathered keys, sorted: the ranks
 * ascend, so do their buckets, and a lower bucket's keys come first. */
static void locate_ranks(struct select *sel, const size_t rank[4])
{
	size_t b = 0, before = 0, start = 0;
	int j;
	sel->m = 0;
	for (j = 0; j < 4; j++) {
		while (before + sel->count[b] <= rank[j])
			before += sel->count[b++];
		if (!j || b != sel->bucket[j - 1]) {
			start = sel->m;
			sel->m += sel->count[b];
		}
		sel->bucket[j] = b;
		sel->pos[j] = start + (rank[j] - before);
	}
}

/* The keys of the cuts' buckets, of the figures that need them. */
static void gather(const struct crm_rfm *r, struct select sel[CRM_NFIG])
{
	size_t i;
	int f;
	for (i = 0; i < r->n; i++)
		for (f = 0; f < CRM_NFIG; f++) {
			uint64_t k;
			size_t kb;
			if (!sel[f].gather)
				continue;
			k = fig_key(&r->e[i], f);
			kb = bucket_of(&sel[f], k);
			if (kb == sel[f].bucket[0] || kb == sel[f].bucket[1] ||
			    kb == sel[f].bucket[2] || kb == sel[f].bucket[3])
				sel[f].keys[sel[f].m++] = k;
		}
}

static void cut_keys(struct crm_rfm *r, const int quint[CRM_NFIG], uint64_t cut[CRM_NFIG][4])
{
	struct select sel[CRM_NFIG];
	size_t i, rank[4];
	int f, j;
	for (j = 0; j < 4; j++)
		rank[j] = ((size_t)(j + 1) * r->n + 4) / 5 - 1;   /* ceil((k - 1) N / 5) - 1 */
	for (f = 0; f < CRM_NFIG; f++) {
		sel[f].lo = UINT64_MAX;
		sel[f].hi = 0;
	}
	for (i = 0; i < r->n; i++)
		for (f = 0; f < CRM_NFIG; f++) {
			uint64_t k = fig_key(&r->e[i], f);
			sel[f].lo = k < sel[f].lo ? k : sel[f].lo;
			sel[f].hi = k > sel[f].hi ? k : sel[f].hi;
		}
	for (f = 0; f < CRM_NFIG; f++) {
		for (sel[f].shift = 0; (sel[f].hi - sel[f].lo) >> sel[f].shift >= BUCKETS;
		     sel[f].shift++)
			;
		sel[f].count = quint[f] ? crm_xcalloc(BUCKETS, sizeof *sel[f].count) : NULL;
	}
	for (i = 0; i < r->n; i++)
		for (f = 0; f < CRM_NFIG; f++)
			if (quint[f])
				sel[f].count[bucket_of(&sel[f], fig_key(&r->e[i], f))]++;
	for (f = 0; f < CRM_NFIG; f++) {
		if (quint[f])
			locate_ranks(&sel[f], rank);
		/* a bucket a key: the buckets are the cuts */
		sel[f].gather = quint[f] && sel[f].shift;
		sel[f].keys = sel[f].gather ? crm_xmalloc(sel[f].m * sizeof *sel[f].keys) : NULL;
		sel[f].m = 0;
	}
	if (sel[0].gather || sel[1].gather || sel[2].gather)
		gather(r, sel);
	for (f = 0; f < CRM_NFIG; f++) {
		if (sel[f].gather) {
			uint64_t *tmp = crm_xmalloc(sel[f].m * sizeof *tmp);
			radix_sort(sel[f].keys, tmp, sel[f].m);
			free(tmp);
		}
		for (j = 0; quint[f] && j < 4; j++)
			cut[f][j] = sel[f].gather ? sel[f].keys[sel[f].pos[j]] :
				    sel[f].lo + sel[f].bucket[j];
		free(sel[f].keys);
		free(sel[f].count);
	}
}

/*
 * score(v) = 1 + floor(5 B / N) >= k  <=>  B >= ceil((k - 1) N / 5) = Bk
 * <=> v > sorted[Bk - 1], as B counts the keys below v.  So four cut keys
 * give every score with four comparisons, and no search per customer.
 */
static void score_quintiles(struct crm_rfm *r, const int quint[CRM_NFIG])
{
	uint64_t cut[CRM_NFIG][4];
	size_t i;
	int f;
	if (!r->n || !(quint[0] || quint[1] || quint[2]))
		return;
	cut_keys(r, quint, cut);
	for (i = 0; i < r->n; i++)
		for (f = 0; f < CRM_NFIG; f++) {
			uint64_t v;
			if (!quint[f])
				continue;
			v = fig_key(&r->e[i], f);
			r->e[i].score[f] = (unsigned char)(1 + (v > cut[f][0]) + (v > cut[f][1]) +
							   (v > cut[f][2]) + (v > cut[f][3]));
		}
}

static void score_bins(struct crm_rfm *r, int fig, const struct crm_bins *b)
{
	size_t i;
	int k;
	for (i = 0; i < r->n; i++) {
		const struct crm_rfm_entry *e = &r->e[i];
		int64_t v = fig == CRM_FIG_R ? e->recency : fig == CRM_FIG_F ? e->frequency :
			    e->monetary;
		int over = 0;
		for (k = 0; k < 4; k++)
			over += v > b->cut[k];
		r->e[i].score[fig] = (unsigned char)(fig == CRM_FIG_R ? 5 - over : 1 + over);
	}
}

void crm_rfm_score(struct crm_rfm *r, const struct crm_bins bins[CRM_NFIG])
{
	int fig, quint[CRM_NFIG];
	for (fig = 0; fig < CRM_NFIG; fig++) {
		quint[fig] = !bins[fig].set;
		if (bins[fig].set)
			score_bins(r, fig, &bins[fig]);
	}
	score_quintiles(r, quint);
}

/* ---- entries ---------------------------------------------------------------------- */

static struct crm_rfm_entry *add_entry(struct crm_rfm *r, size_t *cap)
{
	if (r->n == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		r->e = crm_xrealloc_big(r->e, r->n * sizeof *r->e, *cap * sizeof *r->e);
	}
	return &r->e[r->n++];
}

static void set_entry(struct crm_rfm_entry *e, int64_t as_of, int64_t first_day,
		      int64_t last_day, int64_t orders, int64_t monetary)
{
	memset(e, 0, sizeof *e);
	e->recency = (int32_t)(as_of - last_day);
	e->tenure = (int32_t)(as_of - first_day);
	e->frequency = (int32_t)orders;
	e->monetary = monetary;
}

/* The as-of day and the first instant after it (UTC text). */
static int set_as_of(struct crm_rfm *r, const struct crm_rfm_opts *o, int64_t day)
{
	char next[CRM_DATE_LEN];
	const char *why = "";
	r->as_of = day;
	crm_day_date(day, r->as_of_date);
	crm_day_date(day + 1, next);
	if (crm_parse_time(next, o->tz, CRM_MDY, r->as_of_end, &why) < 0) {
		crm_error(_("--as-of %s: the next midnight %s"), r->as_of_date, why);
		return CRM_EUSAGE;
	}
	return CRM_OK;
}

/*
 * The local day of a stored UTC time.  Millions of them are read in customer
 * order, where neighbours often share a date: with a fixed offset the day
 * number of the date is cached and only the time of day is added.
 */
struct day_cache {
	char date[10];
	int64_t day;
	int fixed;
	int32_t off;
};

static void day_cache_init(struct day_cache *c, const struct crm_rfm_opts *o)
{
	memset(c, 0, sizeof *c);
	c->fixed = crm_tz_fixed(o->tz, &c->off);
}

static int64_t local_day(const struct crm_rfm_opts *o, struct day_cache *c,
			 const char *canonical)
{
	int64_t secs;
	const char *t = canonical + 11;
	if (!c->fixed || strlen(canonical) != 20)
		return crm_local_day(o->tz, crm_time_epoch(canonical));
	if (memcmp(c->date, canonical, 10)) {
		char d[CRM_DATE_LEN];
		memcpy(d, canonical, 10);
		d[10] = '\0';
		if (crm_date_day(d, &c->day) < 0)
			return crm_local_day(o->tz, crm_time_epoch(canonical));
		memcpy(c->date, canonical, 10);
	}
	secs = ((t[0] - '0') * 10 + (t[1] - '0')) * 3600 + ((t[3] - '0') * 10 + (t[4] - '0')) * 60 +
	       (t[6] - '0') * 10 + (t[7] - '0') + c->off;
	return c->day + (secs < 0 ? -1 : secs >= 86400 ? 1 : 0);
}

/* ---- from the database ------------------------------------------------------------ */

static int currency_clash(const char *a, const char *b)
{
	crm_error(_("customers have orders in %s and %s: choose one with --currency"), a, b);
	return CRM_EDATA;
}

enum {
	AFTER_AS_OF = -1     /* an order lies after the as-of day (load_halves() may
			      * return it or CRM_STATS_NO_SPLIT: the two differ) */
};

/*
 * customer_stats is read in two halves at once, split at a customer id,
 * each by its own connection on its own thread: SQLite's work per row is
 * most of a segmentation (0.73 against 0.46 s for 3.3M customers, 2 cores).
 */
struct part {
	struct crm_db *db;
	const struct crm_rfm_opts *o;
	const struct crm_tz *tz; /* the thread's own: a zone's cache is not shared */
	int64_t as_of;
	const char *split;       /* NULL: the whole table */
	int upper;               /* ids from split on, else those before it */
	struct crm_rfm r;        /* its entries, and the currency it met first */
	char other[4];           /* a second currency it met, without --currency */
	int after_as_of, rc;
	int not_minor;           /* a monetary that is not an integer */
};

/* read through figures.h: customer_stats and the rows changed since */
#define PART_COLS "s.currency, s.first_unix, s.last_unix, s.orders, s.monetary, s.customer_id"
static const char *const part_from[] = {
	"FROM %s s", "FROM %s s WHERE s.customer_id < ?1", "FROM %s s WHERE s.customer_id >= ?1",
};

/* Is this row's currency the part's?  A second one is noted, not fatal
 * yet: an order after the as-of day, anywhere, makes it moot. */
static int part_currency(struct part *p, const char *cur)
{
	int chosen = crm_input_currency(p->o->in) != NULL;
	if (!strcmp(cur, p->r.currency))
		return 1;
	if (!chosen && !p->r.currency[0])
		snprintf(p->r.currency, sizeof p->r.currency, "%s", cur);
	else if (!chosen && !p->other[0])
		snprintf(p->other, sizeof p->other, "%s", cur);
	return !chosen && !p->other[0];
}

/* The id of the entry just added, its array grown with the entries'. */
static void add_id(struct crm_rfm *r, size_t *idcap, size_t cap, sqlite3_stmt *st, int col)
{
	if (*idcap < cap) {
		r->id = crm_xrealloc_big(r->id, (r->n - 1) * sizeof *r->id, cap * sizeof *r->id);
		*idcap = cap;
	}
	if (!r->idpool.block)
		crm_strpool_init(&r->idpool, 1 << 20);
	r->id[r->n - 1] = crm_strpool_dup(&r->idpool, (const char *)sqlite3_column_text(st, col),
					  (size_t)sqlite3_column_bytes(st, col));
}

static void scan_part(struct part *p)
{
	struct crm_figures f;
	sqlite3_stmt *st;
	size_t cap = 0, idcap = 0;
	int rc;
	if ((p->rc = crm_figures_open(&f, p->db, PART_COLS, part_from[p->split ? 1 + p->upper : 0],
				      0)) != CRM_OK)
		return;
	if (p->split)
		crm_figures_bind(&f, 1, p->split);
	while ((rc = crm_figures_step(&f)) == SQLITE_ROW) {
		st = f.st;
		int64_t last = crm_local_day(p->tz, sqlite3_column_int64(st, 2));
		if (last > p->as_of) {
			p->after_as_of = 1;
			break;
		}
		/* SQLite's + goes to floating point past 64 bits: a monetary
		 * that is not an integer is a sum that overflowed */
		if (sqlite3_column_type(st, 4) != SQLITE_INTEGER) {
			p->not_minor = 1;   /* said once, by join_parts() */
			continue;
		}
		if (!part_currency(p, (const char *)sqlite3_column_text(st, 0)))
			continue;
		set_entry(add_entry(&p->r, &cap), p->as_of,
			  crm_local_day(p->tz, sqlite3_column_int64(st, 1)), last,
			  sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
		if (p->o->ids)
			add_id(&p->r, &idcap, cap, st, 5);
	}
	crm_figures_close(&f);
	p->rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? CRM_OK
		: crm_db_fail(p->db, N_("read customer figures"));
}

static void *part_thread(void *arg)
{
	scan_part(arg);
	return NULL;
}

static void part_init(struct part *p, struct crm_db *db, const struct crm_rfm_opts *o,
		      const struct crm_rfm *r, const char *split, int upper)
{
	memset(p, 0, sizeof *p);
	p->db = db;
	p->o = o;
	p->tz = o->tz;
	p->as_of = r->as_of;
	p->split = split;
	p->upper = upper;
	memcpy(p->r.currency, r->currency, sizeof p->r.currency);
}

static const char *second_currency(const struct part *lo, const struct part *hi)
{
	if (lo->other[0] || hi->other[0])
		return lo->other[0] ? lo->other : hi->other;
	if (lo->r.currency[0] && hi->r.currency[0] && strcmp(lo->r.currency, hi->r.currency))
		return hi->r.currency;
	return NULL;
}

static void join_ids(struct part *lo, struct part *hi, struct crm_rfm *r)
{
	r->id = crm_xrealloc_big(lo->r.id, lo->r.n * sizeof *r->id, r->n * sizeof *r->id);
	lo->r.id = NULL;
	if (hi->r.n)
		memcpy(r->id + lo->r.n, hi->r.id, hi->r.n * sizeof *r->id);
	crm_strpool_take(&r->idpool, &lo->r.idpool);
	crm_strpool_take(&r->idpool, &hi->r.idpool);
	r->db_ids = 1;
}

/* The halves as one result, in customer order, or AFTER_AS_OF. */
static int join_parts(struct part *lo, struct part *hi, struct crm_rfm *r)
{
	const char *second = second_currency(lo, hi);
	if (lo->rc != CRM_OK || hi->rc != CRM_OK)
		return lo->rc != CRM_OK ? lo->rc : hi->rc;
	if (lo->after_as_of || hi->after_as_of)
		return AFTER_AS_OF;
	if (lo->not_minor || hi->not_minor) {
		crm_error(_("%s: monetary: a customer's total is not a whole number of minor units "
			  "(a sum past 64 bits?)"), lo->db->path);
		return CRM_EDATA;
	}
	if (second)
		return currency_clash(lo->r.currency[0] ? lo->r.currency : hi->r.currency, second);
	memcpy(r->currency, lo->r.currency[0] ? lo->r.currency : hi->r.currency, sizeof r->currency);
	/* both halves into a new block of huge pages: realloc() cannot move
	 * the lower half's by its pages (mremap refuses a mapping that
	 * crm_big_pages' madvise split, EFAULT) and copied it into small
	 * ones, 15,000 page faults at 3.3M customers */
	r->e = crm_xrealloc_big(lo->r.e, lo->r.n * sizeof *r->e, (lo->r.n + hi->r.n) * sizeof *r->e);
	lo->r.e = NULL;
	if (hi->r.n)
		memcpy(r->e + lo->r.n, hi->r.e, hi->r.n * sizeof *r->e);
	r->n = lo->r.n + hi->r.n;
	if (lo->o->ids)
		join_ids(lo, hi, r);
	return CRM_OK;
}

/* Run the upper half on its own thread, the lower one on this; 0 when the
 * thread could not be started.  A named zone is pinned meanwhile and each
 * half has its own copy: converting times then writes neither the
 * environment nor a shared cache. */
static int scan_both(struct part *lo, struct part *hi)
{
	struct crm_tz *tz = NULL;
	pthread_t t;
	int threaded = crm_tz_pin(lo->tz) == 0;
	if (threaded)
		tz = crm_tz_copy(lo->tz);
	hi->tz = tz;
	if (threaded)
		threaded = pthread_create(&t, NULL, part_thread, hi) == 0;
	scan_part(lo);
	if (threaded)
		pthread_join(t, NULL);
	hi->tz = lo->tz;
	crm_tz_close(tz);
	crm_tz_unpin(lo->tz);
	return threaded;
}

/* The upper half on a second connection, while this thread reads the lower
 * one.  The second connection's snapshot must be ours: it is when no other
 * writer committed between its first look at the data version and its
 * last, and ours starts in between (or holds the write lock); otherwise its
 * half is read again here. */
static int load_halves(struct crm_db *db, const struct crm_rfm_opts *o, struct crm_rfm *r)
{
	struct crm_db_twin other;
	struct part lo, hi;
	char key[9];
	int rc, threaded;
	if ((rc = crm_db_twin_open(db, &other, 1)) != CRM_OK)
		return rc;
	if ((rc = crm_stats_split_key(db, key)) != CRM_OK) {
		crm_db_twin_close(&other);
		return rc;
	}
	part_init(&lo, db, o, r, key, 0);
	part_init(&hi, &other.db, o, r, key, 1);
	threaded = scan_both(&lo, &hi);
	if (!crm_db_twin_close(&other) || !threaded) {
		crm_rfm_release(&hi.r);
		part_init(&hi, db, o, r, key, 1);
		scan_part(&hi);
	}
	rc = join_parts(&lo, &hi, r);
	crm_rfm_release(&lo.r);
	crm_rfm_release(&hi.r);
	return rc;
}

/* customer_stats, in customer order, or AFTER_AS_OF.  In halves unless our
 * snapshot began before this call without the write lock: then the second
 * connection could not be shown to see what we see. */
static int load_stats(struct crm_db *db, const struct crm_rfm_opts *o, struct crm_rfm *r)
{
	struct part all, empty;
	int rc;
	if (!crm_db_in_read(db) && (rc = load_halves(db, o, r)) != CRM_STATS_NO_SPLIT)
		return rc;
	part_init(&all, db, o, r, NULL, 0);
	part_init(&empty, db, o, r, NULL, 0);
	scan_part(&all);
	rc = join_parts(&all, &empty, r);
	crm_rfm_release(&all.r);
	return rc;
}

/* The counting orders up to the as-of day, of the chosen currency. */
#define ORDERS_UPTO "FROM orders WHERE customer_id IS NOT NULL AND (status = 'paid' OR " \
	"status = 'pending') AND currency = ?1 AND ordered_at < ?2 GROUP BY customer_id"

static int orders_currency(struct crm_db *db, struct crm_rfm *r)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT DISTINCT currency FROM orders WHERE "
					  "customer_id IS NOT NULL AND ordered_at < ?1 LIMIT 2");
	int rc, n = 0;
	char seen[2][4] = {"", ""};
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, r->as_of_end);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(seen[n++], sizeof seen[0], "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(db, N_("read currencies"));
	if (n == 2)
		return currency_clash(seen[0], seen[1]);
	memcpy(r->currency, seen[0], sizeof r->currency);
	return CRM_OK;
}

/* Figures computed from the orders themselves, for a past as-of day. */
static int load_orders(struct crm_db *db, const struct crm_rfm_opts *o, struct crm_rfm *r)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;
	struct day_cache fc, lc;
	day_cache_init(&fc, o);
	day_cache_init(&lc, o);
	r->n = 0;
	r->from_orders = 1;
	if (!crm_input_currency(o->in) && (rc = orders_currency(db, r)) != CRM_OK)
		return rc;
	st = crm_db_prepare(db, "SELECT min(ordered_at), max(ordered_at), count(*), sum(amount) "
			    ORDERS_UPTO " ORDER BY customer_id");
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, r->currency);
	crm_bind_static(st, 2, r->as_of_end);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		set_entry(add_entry(r, &cap), r->as_of,
			  local_day(o, &fc, (const char *)sqlite3_column_text(st, 0)),
			  local_day(o, &lc, (const char *)sqlite3_column_text(st, 1)),
			  sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_stats_sum_fail(db, "monetary");
}

static int64_t today(const struct crm_rfm_opts *o)
{
	return crm_local_day(o->tz, (int64_t)time(NULL));
}

/* An empty result with the options' currency and, if given, as-of day. */
static int start(struct crm_rfm *r, const struct crm_rfm_opts *o)
{
	int64_t day;
	memset(r, 0, sizeof *r);
	memcpy(r->currency, o->in->currency, sizeof r->currency);   /* "" for none */
	if (!o->as_of)
		return CRM_OK;
	if (crm_date_day(o->as_of, &day) < 0)
		return crm_usage_error(_("--as-of '%s' is not a date (YYYY-MM-DD)"), o->as_of);
	return set_as_of(r, o, day);
}

int crm_rfm_load_db(struct crm_db *db, const struct crm_rfm_opts *o, struct crm_rfm *r)
{
	int rc;
	if ((rc = start(r, o)) != CRM_OK ||
	    (!o->as_of && (rc = set_as_of(r, o, today(o))) != CRM_OK))
		return rc;
	rc = load_stats(db, o, r);
	if (rc == AFTER_AS_OF)
		rc = load_orders(db, o, r);
	return rc;
}

/* ---- from a stream ---------------------------------------------------------------- */

struct stream {
	const struct crm_rfm_opts *o;
	const char *fname;       /* the input's name for messages, while it is read */
	char name[1024];         /* the feed's copy of it */
	int64_t before;          /* orders at or after this instant are ignored */
	struct crm_custsum *sum; /* the customers */
	long long bad;
	int header;              /* the header was read */
};

enum { S_ID, S_AT, S_AMOUNT, S_CURRENCY, S_STATUS, S_EMAIL, S_NAME };   /* crm_order_stream */

/* Report a bad row and go on: the figures come from the good ones. */
static int s_reject(long line, const char *why, void *ctx)
{
	struct stream *s = ctx;
	crm_error_at(s->fname, line, "%s", why);
	s->bad++;
	return 0;
}

static int s_row(const struct crm_values *v, const struct crm_row *row, void *ctx)
{
	struct stream *s = ctx;
	/* crm-import knows a customer without an id by e-mail */
	const char *id = v->val[S_ID] ? v->val[S_ID] : v->val[S_EMAIL];
	int64_t t;
	char why[1024];
	if (!id || !crm_order_counts(v->val[S_STATUS]))
		return 0;    /* a guest's order, or one that does not count */
	t = v->num[S_AT];
	if (t >= s->before)
		return 0;
	/* the reader refuses a longer key: only the overflow is left */
	if (crm_custsum_add(s->sum, id, v->currency, t, v->num[S_AMOUNT], v->val[S_EMAIL],
			    v->val[S_NAME]) == 0)
		return 0;
	snprintf(why, sizeof why, _("column 'amount': customer '%s': the total of its %s orders "
		 "would overflow (more than 64 bits of minor units)"), id, v->currency);
	return s_reject(row->line, why, s);
}

/* One item of the feed, reported as crm_stream_read() and crm_read_path()
 * report theirs: CRM_OK to go on, else the exit code that ends the read. */
static int take_item(struct stream *s, const struct crm_feed_item *it)
{
	switch (it->kind) {
	case CRM_FEED_FILE:
		if (it->rc < 0) {
			crm_error("%s", it->text);
			return CRM_EIO;
		}
		snprintf(s->name, sizeof s->name, "%s", it->text);
		return CRM_OK;
	case CRM_FEED_HEADER:
		if (it->rc < 0) {
			crm_header_errors(s->fname, it->row.line, it->text);
			return it->rc == -2 ? CRM_EUSAGE : CRM_EDATA;
		}
		s->header = 1;
		return CRM_OK;
	case CRM_FEED_ROW:
		return it->text ? s_reject(it->row.line, it->text, s) : s_row(it->v, &it->row, s);
	case CRM_FEED_BAD:
		return s_reject(it->row.line, it->text, s);
	case CRM_FEED_END:
		if (it->rc < 0) {
			crm_error_at(s->fname, it->row.line, "%s", it->text);
			return it->row.line > 0 ? CRM_EDATA : CRM_EIO;
		}
		if (!s->header) {
			crm_error_at(s->fname, 0, "empty input: no header line");
			return CRM_EDATA;
		}
		return CRM_OK;
	}
	return CRM_OK;
}

static int take_batch(const struct crm_feed_batch *b, void *ctx)
{
	struct stream *s = ctx;
	int i, rc = CRM_OK;
	for (i = 0; i < b->n && rc == CRM_OK; i++)
		rc = take_item(s, &b->item[i]);
	return rc;
}

/*
 * The orders are read, split and normalised on a thread of their own
 * (feed.h) while this one sums them: the two halves overlap, on two cores.
 * Messages stay on this thread, in the order of the rows.  A named zone is
 * pinned meanwhile (converting times then writes no environment), and only
 * the feed's thread converts times until it is closed.
 */
static int read_stream(const char *path, struct stream *s)
{
	struct crm_feed_opts fo = {s->o->csv, s->o->in, NULL, &crm_order_stream, 1, s->o->tz, -1, 0};
	char *files[1] = {(char *)path}, err[1024];
	int rc;
	if (crm_value_maps_check(&crm_order_stream, &s->o->in->vmap, err, sizeof err) < 0)
		return crm_usage_error("%s", err);
	crm_tz_pin(s->o->tz);
	s->fname = s->name;
	rc = crm_feed_each(&fo, files, 1, take_batch, s);
	crm_tz_unpin(s->o->tz);
	s->fname = NULL;
	return rc;
}

/* The chosen currency's customers, in customer order: the first one's
 * currency is the result's; another is a clash, named as the database
 * names it.  *n gets their number, *at (when not NULL) their positions. */
static int chosen_customers(struct crm_custsum *sum, size_t total, const char *chosen,
			    struct crm_rfm *r, size_t *n, size_t *at, int64_t *last)
{
	struct crm_cust c;
	size_t i;
	*n = 0;
	*last = INT64_MIN;
	for (i = 0; i < total; i++) {
		crm_custsum_get(sum, i, &c);
		if (chosen && strcmp(c.currency, chosen))
			continue;
		if (!r->currency[0])
			memcpy(r->currency, c.currency, sizeof r->currency);
		if (strcmp(c.currency, r->currency))
			return currency_clash(r->currency, c.currency);
		*last = c.last > *last ? c.last : *last;
		if (at)
			at[*n] = i;
		++*n;
	}
	return CRM_OK;
}

/* The chosen currency's customers, sorted by id, as entries; the ids,
 * e-mails and names stay in s->sum, which r keeps. */
static int stream_entries(struct stream *s, const struct crm_rfm_opts *o, struct crm_rfm *r)
{
	size_t total = crm_custsum_sort(s->sum), i, n;
	size_t *at = crm_xmalloc((total + 1) * sizeof *at);
	int64_t last;
	int rc = chosen_customers(s->sum, total, crm_input_currency(o->in), r, &n, at, &last);
	if (rc == CRM_OK && !o->as_of && n && set_as_of(r, o, crm_local_day(o->tz, last) + 1) != CRM_OK)
		rc = CRM_EUSAGE;
	if (rc != CRM_OK) {
		free(at);
		return rc;
	}
	r->e = crm_xrealloc(NULL, (n + 1) * sizeof *r->e);
	r->id = crm_xrealloc(NULL, (n + 1) * sizeof *r->id);
	crm_big_pages(r->e, (n + 1) * sizeof *r->e);
	crm_big_pages(r->id, (n + 1) * sizeof *r->id);
	for (i = 0; i < n; i++) {
		struct crm_cust c;
		crm_custsum_get(s->sum, at[i], &c);
		set_entry(&r->e[i], r->as_of, crm_local_day(o->tz, c.first),
			  crm_local_day(o->tz, c.last), c.orders, c.amount);
		r->id[i] = (char *)c.id;
		if ((c.email || c.name) && !r->email) {
			r->email = crm_xcalloc(n + 1, sizeof *r->email);
			r->name = crm_xcalloc(n + 1, sizeof *r->name);
		}
		if (r->email) {
			r->email[i] = (char *)c.email;
			r->name[i] = (char *)c.name;
		}
	}
	r->n = n;
	free(at);
	crm_custsum_shrink(s->sum);
	r->texts = s->sum;           /* r owns them now */
	s->sum = NULL;
	return CRM_OK;
}

int crm_rfm_load_csv(const char *path, const struct crm_rfm_opts *o, struct crm_rfm *r)
{
	struct stream s;
	int rc;
	memset(&s, 0, sizeof s);
	s.o = o;
	if ((rc = start(r, o)) != CRM_OK)
		return rc;
	s.before = o->as_of ? crm_time_epoch(r->as_of_end) : INT64_MAX;
	s.sum = crm_custsum_new();
	rc = read_stream(path, &s);
	if (rc == CRM_OK)
		rc = stream_entries(&s, o, r);
	r->bad_rows = s.bad;
	crm_custsum_free(s.sum);
	return rc;
}

/* ---- listing ------------------------------------------------------------------------ */

/* The entries' customers as r holds them; their dates unless ids_only. */
static int each_stream(const struct crm_rfm *r, int ids_only, crm_rfm_fn *fn, void *ctx)
{
	size_t i;
	int rc;
	char first[CRM_DATE_LEN], last[CRM_DATE_LEN];
	for (i = 0; i < r->n; i++) {
		struct crm_rfm_who w = {r->id[i], r->email ? r->email[i] : NULL,
					r->name ? r->name[i] : NULL, NULL, NULL, -1};
		if (!ids_only) {
			crm_day_date(r->as_of - r->e[i].tenure, first);
			crm_day_date(r->as_of - r->e[i].recency, last);
			w.first = first;
			w.last = last;
		}
		if ((rc = fn(i, &w, ctx)) != 0)
			return rc;
	}
	return CRM_OK;
}

/* The entries' customers from the database: with their columns from
 * customers and their dates (4 columns), or their ids alone (1); from the
 * orders by the statement sql, or from the figures (figures.h) by the
 * columns sql FROM from. */
static int each_db(struct crm_db *db, const struct crm_rfm *r, const char *sql, const char *from,
		   int ncols, crm_rfm_fn *fn, void *ctx)
{
	char first[CRM_DATE_LEN], last[CRM_DATE_LEN];
	struct crm_figures f = {0};
	sqlite3_stmt *plain = NULL, *st;
	size_t i = 0;
	int rc, stop = 0;
	if (from)
		rc = crm_figures_open(&f, db, sql, from, 0);
	else
		rc = (plain = crm_db_prepare(db, sql)) ? CRM_OK : crm_db_last_status(db);
	if (rc != CRM_OK)
		return rc;
	if (plain) {
		crm_bind_static(plain, 1, r->currency);
		crm_bind_static(plain, 2, r->as_of_end);
	} else {
		crm_figures_bind(&f, 1, r->currency);
	}
	while (!stop && (rc = plain ? sqlite3_step(plain) : crm_figures_step(&f)) == SQLITE_ROW &&
	       i < r->n) {
		st = plain ? plain : f.st;
		struct crm_rfm_who w = {(const char *)sqlite3_column_text(st, 0), NULL, NULL, NULL,
			NULL, -1};
		if (ncols > 1) {
			w.email = (const char *)sqlite3_column_text(st, 1);
			w.name = (const char *)sqlite3_column_text(st, 2);
			if (sqlite3_column_type(st, 3) != SQLITE_NULL)
				w.opted_in = sqlite3_column_int(st, 3);
			crm_day_date(r->as_of - r->e[i].tenure, first);
			crm_day_date(r->as_of - r->e[i].recency, last);
			w.first = first;
			w.last = last;
		}
		stop = fn(i++, &w, ctx);
	}
	sqlite3_finalize(plain);
	crm_figures_close(&f);
	if (stop)
		return stop;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return crm_db_fail(db, N_("read customers"));
	if (i != r->n) {
		crm_error(_("%s: the customers changed while they were read"), db->path);
		return CRM_EIO;
	}
	return CRM_OK;
}

int crm_rfm_each(struct crm_db *db, const struct crm_rfm *r, crm_rfm_fn *fn, void *ctx)
{
	static const char from_orders[] =
		"SELECT o.customer_id, c.email, c.name, c.marketing_opt_in FROM (SELECT customer_id "
		ORDERS_UPTO ") o LEFT JOIN customers c ON c.customer_id = o.customer_id "
		"ORDER BY o.customer_id";
	if ((r->id && !r->db_ids) || !r->n)
		return each_stream(r, 0, fn, ctx);
	if (r->from_orders)
		return each_db(db, r, from_orders, NULL, 4, fn, ctx);
	return each_db(db, r, "s.customer_id, c.email, c.name, c.marketing_opt_in",
		       "FROM %s s LEFT JOIN customers c ON c.customer_id = s.customer_id "
		       "WHERE s.currency = ?1", 4, fn, ctx);
}

int crm_rfm_each_id(struct crm_db *db, const struct crm_rfm *r, crm_rfm_fn *fn, void *ctx)
{
	static const char from_orders[] = "SELECT customer_id " ORDERS_UPTO " ORDER BY customer_id";
	if (r->id || !r->n)
		return each_stream(r, 1, fn, ctx);
	if (r->from_orders)
		return each_db(db, r, from_orders, NULL, 1, fn, ctx);
	/* the figures' key alone: no lookup of each customer */
	return each_db(db, r, "s.customer_id", "FROM %s s WHERE s.currency = ?1", 1, fn, ctx);
}

void crm_rfm_release(struct crm_rfm *r)
{
	free(r->id);
	free(r->email);
	free(r->name);
	free(r->e);
	crm_custsum_free(r->texts);
	crm_strpool_release(&r->idpool);
	memset(r, 0, sizeof *r);
}
