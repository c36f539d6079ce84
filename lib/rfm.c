/* rfm.c - customers' figures and RFM scores; see rfm.h. */
#include "i18n.h"
#include "rfm.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "entity.h"
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
 * score(v) = 1 + floor(5 B / N) >= k  <=>  B >= ceil((k - 1) N / 5) = Bk
 * <=> v > sorted[Bk - 1], as B counts the keys below v.  So four cut keys
 * give every score with four comparisons, and no search per customer.
 */
static void score_quintiles(struct crm_rfm *r, int fig, uint64_t *keys, uint64_t *tmp)
{
	uint64_t cut[4];
	size_t i, n = r->n;
	int k;
	for (i = 0; i < n; i++)
		keys[i] = fig_key(&r->e[i], fig);
	radix_sort(keys, tmp, n);
	for (k = 2; k <= 5; k++) {
		size_t bk = ((size_t)(k - 1) * n + 4) / 5;
		cut[k - 2] = bk ? keys[bk - 1] : 0;
	}
	for (i = 0; i < n; i++) {
		uint64_t v = fig_key(&r->e[i], fig);
		r->e[i].score[fig] = (unsigned char)(1 + (v > cut[0]) + (v > cut[1]) + (v > cut[2]) +
						      (v > cut[3]));
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
	uint64_t *keys = crm_xrealloc(NULL, r->n * sizeof *keys);
	uint64_t *tmp = crm_xrealloc(NULL, r->n * sizeof *tmp);
	int fig;
	for (fig = 0; fig < CRM_NFIG; fig++) {
		if (bins[fig].set)
			score_bins(r, fig, &bins[fig]);
		else
			score_quintiles(r, fig, keys, tmp);
	}
	free(keys);
	free(tmp);
}

/* ---- entries ---------------------------------------------------------------------- */

static struct crm_rfm_entry *add_entry(struct crm_rfm *r, size_t *cap)
{
	if (r->n == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		r->e = crm_xrealloc(r->e, *cap * sizeof *r->e);
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
	AFTER_AS_OF = -1,    /* an order lies after the as-of day */
	NO_SPLIT = -2        /* too few customer ids to split */
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

#define PART_SQL(WHERE) "SELECT currency, first_unix, last_unix, orders, monetary " \
	"FROM customer_stats " WHERE "ORDER BY customer_id, currency"
static const char *const part_sql[] = {
	PART_SQL(""), PART_SQL("WHERE customer_id < ?1 "), PART_SQL("WHERE customer_id >= ?1 "),
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

static void scan_part(struct part *p)
{
	sqlite3_stmt *st = crm_db_prepare(p->db, part_sql[p->split ? 1 + p->upper : 0]);
	size_t cap = 0;
	int rc;
	if (!st) {
		p->rc = crm_db_last_status(p->db);
		return;
	}
	if (p->split)
		crm_bind_static(st, 1, p->split);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
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
		if (part_currency(p, (const char *)sqlite3_column_text(st, 0)))
			set_entry(add_entry(&p->r, &cap), p->as_of,
				  crm_local_day(p->tz, sqlite3_column_int64(st, 1)), last,
				  sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
	}
	sqlite3_finalize(st);
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
	/* the lower half's array grows in place (a big block moves by its
	 * pages, not its bytes) to take the upper half's entries */
	r->e = crm_xrealloc(lo->r.e, (lo->r.n + hi->r.n) * sizeof *r->e);
	lo->r.e = NULL;
	if (hi->r.n)
		memcpy(r->e + lo->r.n, hi->r.e, hi->r.n * sizeof *r->e);
	r->n = lo->r.n + hi->r.n;
	return CRM_OK;
}

static int data_version(struct crm_db *db, long long *v)
{
	return crm_db_one_int(db, crm_db_prepare(db, "PRAGMA data_version"),
			      N_("read the data version"), v);
}

/* An id between the least and the greatest: the midpoint of their first
 * eight bytes.  Any id is correct; an even split is only faster.  NO_SPLIT
 * when the ids leave no room (one customer, or none). */
static int split_key(struct crm_db *db, char key[9])
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
	return v[1] - v[0] < 2 ? NO_SPLIT : CRM_OK;
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
	struct crm_db other;
	struct part lo, hi;
	long long v0, v1;
	char key[9];
	int rc, threaded;
	if ((rc = crm_db_open(&other, db->path, CRM_DB_READ)) != CRM_OK)
		return rc;
	if ((rc = data_version(&other, &v0)) != CRM_OK || (rc = split_key(db, key)) != CRM_OK ||
	    (rc = crm_db_begin_read(&other)) != CRM_OK) {
		crm_db_close(&other);
		return rc;
	}
	part_init(&lo, db, o, r, key, 0);
	part_init(&hi, &other, o, r, key, 1);
	threaded = scan_both(&lo, &hi);
	sqlite3_exec(other.h, "COMMIT", NULL, NULL, NULL);
	if (!threaded || data_version(&other, &v1) != CRM_OK || v1 != v0) {
		free(hi.r.e);
		part_init(&hi, db, o, r, key, 1);
		scan_part(&hi);
	}
	crm_db_close(&other);
	rc = join_parts(&lo, &hi, r);
	free(lo.r.e);
	free(hi.r.e);
	return rc;
}

/* customer_stats, in customer order, or AFTER_AS_OF.  In halves unless our
 * snapshot began before this call without the write lock: then the second
 * connection could not be shown to see what we see. */
static int load_stats(struct crm_db *db, const struct crm_rfm_opts *o, struct crm_rfm *r)
{
	struct part all, empty;
	int rc;
	if (sqlite3_txn_state(db->h, "main") != SQLITE_TXN_READ &&
	    (rc = load_halves(db, o, r)) != NO_SPLIT)
		return rc;
	part_init(&all, db, o, r, NULL, 0);
	part_init(&empty, db, o, r, NULL, 0);
	scan_part(&all);
	rc = join_parts(&all, &empty, r);
	free(all.r.e);
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

/* One customer (in one currency) of the stream. */
struct agg {
	char *id, *email, *name;
	char currency[4];
	int64_t first, last;     /* epoch seconds */
	int64_t orders, amount;
};

struct stream {
	const struct crm_rfm_opts *o;
	const char *fname;
	int64_t before;          /* orders at or after this instant are ignored */
	struct agg *agg;         /* the customers, densely */
	size_t nagg, cap;
	uint32_t *slot;          /* open addressing: 1 + index into agg, 0 free */
	size_t nslot;
	long long bad;
};

enum { S_ID, S_AT, S_AMOUNT, S_CURRENCY, S_STATUS, S_EMAIL, S_NAME };   /* crm_order_stream */

/* The slot of a customer: free, or holding it. */
static uint32_t *agg_slot(struct stream *s, const char *id, const char *currency)
{
	size_t i = crm_customer_hash(id, currency) & (s->nslot - 1);
	while (s->slot[i]) {
		const struct agg *a = &s->agg[s->slot[i] - 1];
		if (!strcmp(a->id, id) && !strcmp(a->currency, currency))
			break;
		i = (i + 1) & (s->nslot - 1);
	}
	return &s->slot[i];
}

/* Slots of 4 bytes at half load keep the table small beside the customers. */
static void agg_grow(struct stream *s)
{
	size_t i;
	s->nslot = s->nslot ? s->nslot * 2 : 1024;
	free(s->slot);
	s->slot = crm_xcalloc(s->nslot, sizeof *s->slot);
	for (i = 0; i < s->nagg; i++)
		*agg_slot(s, s->agg[i].id, s->agg[i].currency) = (uint32_t)(i + 1);
}

/* One order of the customer `id` (an id or an e-mail) of the values v;
 * -1, the customer unchanged, when it would take its total past 64 bits. */
static int agg_add(struct stream *s, const char *id, const struct crm_values *v, int64_t t)
{
	struct agg *a;
	uint32_t *slot;
	int64_t sum;
	if (2 * (s->nagg + 1) > s->nslot)
		agg_grow(s);
	slot = agg_slot(s, id, v->currency);
	if (!*slot) {
		if (s->nagg == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 1024;
			s->agg = crm_xrealloc(s->agg, s->cap * sizeof *s->agg);
		}
		a = &s->agg[s->nagg++];
		memset(a, 0, sizeof *a);
		a->id = crm_xstrdup_or_null(id);
		snprintf(a->currency, sizeof a->currency, "%s", v->currency);
		a->first = a->last = t;
		*slot = (uint32_t)s->nagg;
	}
	a = &s->agg[*slot - 1];
	if (__builtin_add_overflow(a->amount, v->num[S_AMOUNT], &sum))
		return -1;   /* a new customer's first order cannot: nothing was added */
	if (!a->email)
		a->email = crm_xstrdup_or_null(v->val[S_EMAIL]);
	if (!a->name)
		a->name = crm_xstrdup_or_null(v->val[S_NAME]);
	a->first = t < a->first ? t : a->first;
	a->last = t > a->last ? t : a->last;
	a->orders++;
	a->amount = sum;
	return 0;
}

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
	t = crm_time_epoch(v->val[S_AT]);
	if (t >= s->before)
		return 0;
	if (agg_add(s, id, v, t) == 0)
		return 0;
	snprintf(why, sizeof why, _("column 'amount': customer '%s': the total of its %s orders "
		 "would overflow (more than 64 bits of minor units)"), id, v->currency);
	return s_reject(row->line, why, s);
}

/* The currency is normalised before the money, which needs it (crm_row_values). */
static int read_stream(const char *path, struct stream *s)
{
	struct crm_stream st = {
		.e = &crm_order_stream, .maps = s->o->in->map, .nmap = s->o->in->nmap,
		.vc = {s->o->tz, s->o->in->date_order, NULL, "", &s->o->in->vmap}, .csv = &s->o->csv,
		.flags = CRM_READ_NEED_HEADER, .name = &s->fname,
		.on_row = s_row, .on_reject = s_reject, .ctx = s,
	};
	memcpy(st.vc.currency, s->o->in->currency, sizeof st.vc.currency);
	return crm_stream_read(&st, path);
}

static int by_id(const void *a, const void *b)
{
	return strcmp((*(struct agg *const *)a)->id, (*(struct agg *const *)b)->id);
}

/* The chosen currency's customers, sorted by id, as entries. */
static int stream_entries(struct stream *s, const struct crm_rfm_opts *o, struct crm_rfm *r)
{
	struct agg **list = crm_xrealloc(NULL, s->nagg * sizeof *list);
	size_t i, n = 0;
	int64_t last = INT64_MIN;
	const char *chosen = crm_input_currency(o->in);
	for (i = 0; i < s->nagg; i++)
		if (!chosen || !strcmp(s->agg[i].currency, chosen))
			list[n++] = &s->agg[i];
	qsort(list, n, sizeof *list, by_id);
	/* in customer order, so that a clash names the same pair as the database */
	for (i = 0; i < n; i++) {
		if (!r->currency[0])
			memcpy(r->currency, list[i]->currency, sizeof r->currency);
		if (strcmp(list[i]->currency, r->currency)) {
			int rc = currency_clash(r->currency, list[i]->currency);
			free(list);
			return rc;
		}
		last = list[i]->last > last ? list[i]->last : last;
	}
	if (!o->as_of && n && set_as_of(r, o, crm_local_day(o->tz, last) + 1) != CRM_OK) {
		free(list);
		return CRM_EUSAGE;
	}
	r->e = crm_xrealloc(NULL, n * sizeof *r->e);
	r->id = crm_xrealloc(NULL, n * sizeof *r->id);
	r->email = crm_xrealloc(NULL, n * sizeof *r->email);
	r->name = crm_xrealloc(NULL, n * sizeof *r->name);
	for (i = 0; i < n; i++) {
		struct agg *a = list[i];
		set_entry(&r->e[i], r->as_of, crm_local_day(o->tz, a->first),
			  crm_local_day(o->tz, a->last), a->orders, a->amount);
		r->id[i] = a->id;
		r->email[i] = a->email;
		r->name[i] = a->name;
		a->id = a->email = a->name = NULL;     /* r owns them now */
	}
	r->n = n;
	free(list);
	return CRM_OK;
}

static void stream_release(struct stream *s)
{
	size_t i;
	for (i = 0; i < s->nagg; i++) {
		free(s->agg[i].id);
		free(s->agg[i].email);
		free(s->agg[i].name);
	}
	free(s->agg);
	free(s->slot);
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
	agg_grow(&s);
	rc = read_stream(path, &s);
	if (rc == CRM_OK)
		rc = stream_entries(&s, o, r);
	r->bad_rows = s.bad;
	stream_release(&s);
	return rc;
}

/* ---- listing ------------------------------------------------------------------------ */

static int each_stream(const struct crm_rfm *r, crm_rfm_fn *fn, void *ctx)
{
	size_t i;
	int rc;
	char first[CRM_DATE_LEN], last[CRM_DATE_LEN];
	for (i = 0; i < r->n; i++) {
		struct crm_rfm_who w = {r->id[i], r->email[i], r->name[i], first, last, -1};
		crm_day_date(r->as_of - r->e[i].tenure, first);
		crm_day_date(r->as_of - r->e[i].recency, last);
		if ((rc = fn(i, &w, ctx)) != 0)
			return rc;
	}
	return CRM_OK;
}

int crm_rfm_each(struct crm_db *db, const struct crm_rfm *r, crm_rfm_fn *fn, void *ctx)
{
	static const char from_stats[] =
		"SELECT s.customer_id, c.email, c.name, c.marketing_opt_in FROM customer_stats s "
		"LEFT JOIN customers c ON c.customer_id = s.customer_id WHERE s.currency = ?1 "
		"ORDER BY s.customer_id";
	static const char from_orders[] =
		"SELECT o.customer_id, c.email, c.name, c.marketing_opt_in FROM (SELECT customer_id "
		ORDERS_UPTO ") o LEFT JOIN customers c ON c.customer_id = o.customer_id "
		"ORDER BY o.customer_id";
	char first[CRM_DATE_LEN], last[CRM_DATE_LEN];
	sqlite3_stmt *st;
	size_t i = 0;
	int rc, stop = 0;
	if (r->id || !r->n)
		return each_stream(r, fn, ctx);
	if (!(st = crm_db_prepare(db, r->from_orders ? from_orders : from_stats)))
		return crm_db_last_status(db);
	crm_bind_static(st, 1, r->currency);
	if (r->from_orders)
		crm_bind_static(st, 2, r->as_of_end);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW && i < r->n) {
		struct crm_rfm_who w = {
			(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2), first, last,
			sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 3),
		};
		crm_day_date(r->as_of - r->e[i].tenure, first);
		crm_day_date(r->as_of - r->e[i].recency, last);
		stop = fn(i++, &w, ctx);
	}
	sqlite3_finalize(st);
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

void crm_rfm_release(struct crm_rfm *r)
{
	size_t i;
	for (i = 0; r->id && i < r->n; i++) {
		free(r->id[i]);
		free(r->email[i]);
		free(r->name[i]);
	}
	free(r->id);
	free(r->email);
	free(r->name);
	free(r->e);
	memset(r, 0, sizeof *r);
}
