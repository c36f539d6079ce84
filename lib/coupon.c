/* coupon.c - coupon codes and their life in the database; see coupon.h. */
#include "coupon.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "csvio.h"
#include "diag.h"
#include "i18n.h"
#include "opts.h"

static const char alphabet[] = CRM_COUPON_ALPHABET;

/* The longest compact code: a prefix, the random characters, the check. */
#define MAX_COMPACT (CRM_COUPON_MAX_PREFIX + CRM_COUPON_MAX_LENGTH + 1)

_Static_assert(sizeof alphabet - 1 == CRM_COUPON_RADIX, "the radix is the alphabet's size");
/* Weights 1..MAX_COMPACT must be distinct and non-zero modulo the radix. */
_Static_assert(MAX_COMPACT < CRM_COUPON_RADIX, "codes too long for the check character");

const char *crm_coupon_campaign_bad(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!*p)
		return _("must not be empty");
	if (strlen(s) > 100)
		return _("is longer than 100 bytes");
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return _("has a control character");
	return NULL;
}

static const char *const state_names[] = {"issued", "redeemed", "voided", "expired"};

const char *crm_coupon_state_name(enum crm_coupon_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "unknown";
}

int crm_coupon_state_parse(const char *s)
{
	int i;
	if (!strcmp(s, "void"))
		return CRM_COUPON_VOIDED;
	for (i = 0; i < 4; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return -1;
}

/* ---- codes --------------------------------------------------------------- */

int crm_coupon_value(int c)
{
	const char *p;
	if (c <= 0 || c > 127 || !(p = strchr(alphabet, c)))
		return -1;
	return (int)(p - alphabet);
}

/* The sum of k * v(c) over s[0..n), where the last character has weight
 * `last` and each one before it one more, modulo the radix. */
static unsigned weighted_sum(const char *s, size_t n, unsigned last)
{
	unsigned sum = 0;
	size_t i;
	for (i = 0; i < n; i++)
		sum += (unsigned)(last + (n - 1 - i)) * (unsigned)crm_coupon_value((unsigned char)s[i]);
	return sum % CRM_COUPON_RADIX;
}

char crm_coupon_check(const char *s, size_t n)
{
	/* the check character will have weight 1, so the others start at 2 */
	unsigned sum = weighted_sum(s, n, 2);
	return alphabet[(CRM_COUPON_RADIX - sum) % CRM_COUPON_RADIX];
}

int crm_coupon_compact(const char *typed, char *out, size_t size, const char **why)
{
	const unsigned char *p;
	size_t n = 0;
	for (p = (const unsigned char *)typed; *p; p++) {
		int c = *p;
		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (crm_coupon_value(c) < 0) {
			*why = _("has a character that no code has (none has 0, O, 1, I or L)");
			return -1;
		}
		if (n >= MAX_COMPACT || n + 1 >= size) {
			*why = _("is too long for a code");
			return -1;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	if (n < CRM_COUPON_MIN_LENGTH + 1) {
		*why = _("is too short for a code");
		return -1;
	}
	if (weighted_sum(out, n, 1) != 0) {
		*why = _("fails its check character");
		return -1;
	}
	return 0;
}

int crm_coupon_prefix(const char *in, char *out, const char **why)
{
	size_t n = 0;
	for (; *in; in++) {
		int c = (unsigned char)*in;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (crm_coupon_value(c) < 0) {
			*why = _("has a character that codes do not use (only 2-9 and A-Z but I, L, O)");
			return -1;
		}
		if (n == CRM_COUPON_MAX_PREFIX) {
			*why = _("is longer than 8 characters");
			return -1;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	if (!n) {
		*why = _("is empty");
		return -1;
	}
	return 0;
}

int crm_coupon_random(char *out, size_t n)
{
	unsigned char buf[64];
	size_t have = 0, used = 0, o = 0;
	while (o < n) {
		unsigned b;
		if (used == have) {
			ssize_t got = getrandom(buf, sizeof buf, 0);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return -1;
			have = (size_t)got;
			used = 0;
		}
		/* 248 = 8 * 31: every character keeps exactly 8 of the bytes */
		b = buf[used++];
		if (b < 8 * CRM_COUPON_RADIX)
			out[o++] = alphabet[b % CRM_COUPON_RADIX];
	}
	return 0;
}

/* The prefix, a dash, then the rest in groups of three. */
static void group(const char *s, size_t nprefix, size_t n, char *out)
{
	size_t i, o = 0;
	for (i = 0; i < n; i++) {
		if (i > 0 && (i == nprefix || (i > nprefix && (i - nprefix) % 3 == 0)))
			out[o++] = '-';
		out[o++] = s[i];
	}
	out[o] = '\0';
}

int crm_coupon_make(const char *prefix, int length, char out[CRM_COUPON_SIZE])
{
	char s[MAX_COMPACT + 1];
	size_t np = prefix ? strlen(prefix) : 0, n;
	if (length < CRM_COUPON_MIN_LENGTH || length > CRM_COUPON_MAX_LENGTH ||
	    np > CRM_COUPON_MAX_PREFIX) {
		errno = EINVAL;
		return -1;
	}
	memcpy(s, prefix ? prefix : "", np);
	if (crm_coupon_random(s + np, (size_t)length) < 0)
		return -1;
	n = np + (size_t)length;
	s[n] = crm_coupon_check(s, n);
	group(s, np, n + 1, out);
	return 0;
}

long long crm_coupon_capacity(int length)
{
	/* 31^20 needs 99 bits: exact in 128 */
	unsigned __int128 space = 1;
	int i;
	for (i = 0; i < length; i++)
		space *= CRM_COUPON_RADIX;
	space /= CRM_COUPON_GUESS_ODDS;
	return space > LLONG_MAX ? LLONG_MAX : (long long)space;
}

int crm_coupon_length_for(long long codes)
{
	int len;
	for (len = CRM_COUPON_MIN_LENGTH; len <= CRM_COUPON_MAX_LENGTH; len++)
		if (crm_coupon_capacity(len) >= codes)
			return len;
	return -1;
}

/* ---- terms --------------------------------------------------------------- */

void crm_coupon_money(int64_t minor, const char *currency, char *out, size_t size)
{
	char num[32];
	if (crm_format_money(minor, currency, num, sizeof num) <= 0)
		snprintf(num, sizeof num, "%lld", (long long)minor);
	snprintf(out, size, "%s %s", num, currency);
}

/* A positive amount; its currency becomes the terms' currency. */
static int parse_amount(const char *s, const char *dflt, struct crm_coupon_terms *t,
			int64_t *minor, const char **why)
{
	char cur[4];
	snprintf(cur, sizeof cur, "%s", t->currency[0] ? t->currency : dflt ? dflt : "");
	if (crm_parse_money(s, cur, minor, why) < 0)
		return -1;
	if (*minor <= 0) {
		*why = _("is not a positive amount");
		return -1;
	}
	memcpy(t->currency, cur, sizeof cur);
	return 0;
}

int crm_coupon_parse_discount(const char *s, const char *currency, struct crm_coupon_terms *t,
			      const char **why)
{
	char buf[64];
	size_t n;
	long pct;
	int64_t minor;
	if (strlen(s) >= sizeof buf) {
		*why = _("is too long for a discount");
		return -1;
	}
	strcpy(buf, s);
	crm_trim(buf);
	n = strlen(buf);
	if (n && buf[n - 1] == '%') {
		buf[n - 1] = '\0';
		if (crm_parse_long(crm_trim(buf), 1, 100, &pct) < 0) {
			*why = _("is not a whole percentage from 1 to 100");
			return -1;
		}
		snprintf(t->discount, sizeof t->discount, "%ld%%", pct);
		return 0;
	}
	if (parse_amount(s, currency, t, &minor, why) < 0)
		return -1;
	crm_coupon_money(minor, t->currency, t->discount, sizeof t->discount);
	return 0;
}

int crm_coupon_parse_min_order(const char *s, const char *currency, struct crm_coupon_terms *t,
			       const char **why)
{
	return parse_amount(s, currency, t, &t->min_order, why);
}

void crm_coupon_valid_until(const struct crm_tz *tz, const char *expires_at,
			    char out[CRM_DATE_LEN])
{
	char t[CRM_TIME_LEN];
	out[0] = '\0';
	if (!expires_at || strlen(expires_at) != CRM_TIME_LEN - 1)
		return;
	memcpy(t, expires_at, sizeof t);
	crm_day_date(crm_local_day(tz, crm_time_epoch(t) - 1), out);
}

/* The first instant of local day `day`, as canonical UTC time; past
 * 9999-12-31 the end of the times crm keeps (crm_day_start). */
static int day_start(const struct crm_tz *tz, int64_t day, char out[CRM_TIME_LEN])
{
	char date[CRM_DATE_LEN];
	const char *why = "";
	if (crm_day_start(tz, day, out, &why) < 0) {
		crm_day_date(day, date);
		crm_error(_("%s: the local midnight %s"), date, why);
		return CRM_EUSAGE;
	}
	return CRM_OK;
}

int crm_coupon_expiry(const char *arg, const struct crm_tz *tz, int64_t now,
		      char out[CRM_TIME_LEN])
{
	int64_t today = crm_local_day(tz, now), last;
	size_t n = strlen(arg);
	long days;
	if (n > 1 && n < 16 && arg[n - 1] == 'd') {
		char num[16];
		memcpy(num, arg, n - 1);
		num[n - 1] = '\0';
		if (crm_parse_long(num, 0, CRM_COUPON_MAX_DAYS, &days) < 0)
			return crm_usage_error(_("--expires '%s': expected from 0d to %dd"), arg,
					       CRM_COUPON_MAX_DAYS);
		last = today + days;
	} else if (crm_date_day(arg, &last) < 0) {
		return crm_usage_error(_("--expires '%s': expected a number of days such as 30d, or a "
				       "date YYYY-MM-DD"), arg);
	} else if (last < today) {
		return crm_usage_error(_("--expires '%s' is in the past"), arg);
	}
	return day_start(tz, last + 1, out);
}

int crm_coupon_days(const char *from, const char *to, const struct crm_tz *tz,
		    char start[CRM_TIME_LEN], char end[CRM_TIME_LEN])
{
	int64_t a = 0, b = 0;
	int rc;
	if (from && crm_date_day(from, &a) < 0)
		return crm_usage_error(_("--from '%s' is not a date (YYYY-MM-DD)"), from);
	if (to && crm_date_day(to, &b) < 0)
		return crm_usage_error(_("--to '%s' is not a date (YYYY-MM-DD)"), to);
	if (from && to && b < a)
		return crm_usage_error(_("--to %s is before --from %s"), to, from);
	if (from && (rc = day_start(tz, a, start)) != CRM_OK)
		return rc;
	if (to && (rc = day_start(tz, b + 1, end)) != CRM_OK)
		return rc;
	return CRM_OK;
}

int crm_coupon_birthday_month(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	const char *m;
	int v;
	if (n == 10 && s[4] == '-' && s[7] == '-')
		m = s + 5;
	else if (n == 5 && s[2] == '-')
		m = s;
	else
		return -1;
	if (m[0] < '0' || m[0] > '9' || m[1] < '0' || m[1] > '9')
		return -1;
	v = (m[0] - '0') * 10 + (m[1] - '0');
	return v >= 1 && v <= 12 ? v : -1;
}

/* ---- the database -------------------------------------------------------- */

/* A coupon's state now (crm_coupon_state), from its columns. */
#define STATE_SQL \
	"(CASE WHEN redeemed_at IS NOT NULL THEN 1 WHEN voided_at IS NOT NULL THEN 2 " \
	"WHEN expired_at IS NOT NULL OR expires_at <= :now THEN 3 ELSE 0 END)"
#define COUPON_COLS \
	"code, campaign, customer_id, discount, currency, min_order, issued_at, expires_at, " \
	"redeemed_at, order_id, voided_at, expired_at, " STATE_SQL
/* The key of a code: its compact form, as index coupons_key has it. */
#define BY_KEY "replace(code, '-', '') = :key"
/* Only a live code may be redeemed or voided. */
#define LIVE \
	"redeemed_at IS NULL AND voided_at IS NULL AND expired_at IS NULL AND " \
	"(expires_at IS NULL OR expires_at > :now)"

/* Bind a named parameter if the statement has it. */
static void bind_name(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i)
		crm_bind_static(st, i, v);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void read_coupon(sqlite3_stmt *st, struct crm_coupon *c)
{
	c->code = col_text(st, 0);
	c->campaign = col_text(st, 1);
	c->customer_id = col_text(st, 2);
	c->discount = col_text(st, 3);
	c->currency = col_text(st, 4);
	c->min_order = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 5);
	c->issued_at = col_text(st, 6);
	c->expires_at = col_text(st, 7);
	c->redeemed_at = col_text(st, 8);
	c->order_id = col_text(st, 9);
	c->voided_at = col_text(st, 10);
	c->expired_at = col_text(st, 11);
	c->state = (enum crm_coupon_state)sqlite3_column_int(st, 12);
}

/* Step st to its end, handing each coupon to fn; finalizes st.  Returns
 * fn's nonzero result, CRM_OK, or an exit code. */
static int each_coupon(struct crm_db *db, sqlite3_stmt *st, crm_coupon_fn *fn, void *ctx)
{
	struct crm_coupon c;
	int rc, stop = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_coupon(st, &c);
		if ((stop = fn(&c, ctx)) != 0)
			break;
	}
	if (!stop && rc != SQLITE_DONE)
		stop = crm_db_fail(db, N_("read coupons"));
	sqlite3_finalize(st);
	return stop;
}

/* Run a statement that changes rows; *n says how many; finalizes st. */
static int change(struct crm_db *db, sqlite3_stmt *st, const char *what, long long *n)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(db, what);
	*n = sqlite3_changes(db->h);
	return CRM_OK;
}

/* ---- issuing ------------------------------------------------------------- */

struct crm_coupon_issuer {
	struct crm_db *db;
	const struct crm_coupon_issue *is;
	sqlite3_stmt *who, *held, *add;
};

struct crm_coupon_issuer *crm_coupon_issuer_open(struct crm_db *db,
						 const struct crm_coupon_issue *is)
{
	struct crm_coupon_issuer *iss = crm_xcalloc(1, sizeof *iss);
	const struct crm_coupon_terms *t = is->terms;
	iss->db = db;
	iss->is = is;
	iss->who = crm_db_prepare(db, "SELECT customer_id, email, name, birthday, marketing_opt_in "
				  "FROM customers WHERE customer_id = coalesce((SELECT customer_id "
				  "FROM customer_aliases WHERE alias = ?1), ?1)");
	iss->held = crm_db_prepare(db, "SELECT " COUPON_COLS " FROM coupons WHERE campaign = :campaign "
				   "AND customer_id = :customer ORDER BY " STATE_SQL " = 0 DESC, "
				   "issued_at DESC, code LIMIT 1");
	iss->add = crm_db_prepare(db, "INSERT INTO coupons(code, campaign, customer_id, discount, "
				  "min_order, currency, issued_at, expires_at) VALUES "
				  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!iss->who || !iss->held || !iss->add) {
		crm_coupon_issuer_close(iss);
		return NULL;
	}
	bind_name(iss->held, ":campaign", is->campaign);
	bind_name(iss->held, ":now", is->now);
	crm_bind_static(iss->add, 2, is->campaign);
	crm_bind_static(iss->add, 4, t->discount);
	if (t->min_order >= 0)
		sqlite3_bind_int64(iss->add, 5, t->min_order);
	crm_bind_static(iss->add, 6, t->currency);
	crm_bind_static(iss->add, 7, is->now);
	crm_bind_static(iss->add, 8, t->expires_at);
	return iss;
}

void crm_coupon_issuer_close(struct crm_coupon_issuer *iss)
{
	if (!iss)
		return;
	sqlite3_finalize(iss->who);
	sqlite3_finalize(iss->held);
	sqlite3_finalize(iss->add);
	free(iss);
}

static void read_who(sqlite3_stmt *st, struct crm_coupon_who *who)
{
	who->id = col_text(st, 0);
	who->email = col_text(st, 1);
	who->name = col_text(st, 2);
	who->birthday = col_text(st, 3);
	who->opted_in = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 4);
}

int crm_coupon_customer(struct crm_coupon_issuer *iss, const char *id,
			struct crm_coupon_who *who, int *found)
{
	int rc;
	sqlite3_reset(iss->who);
	sqlite3_bind_text(iss->who, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(iss->who);
	*found = rc == SQLITE_ROW;
	if (*found)
		read_who(iss->who, who);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CRM_OK : crm_db_fail(iss->db, N_("read customers"));
}

int crm_coupon_held(struct crm_coupon_issuer *iss, const char *customer_id, crm_coupon_fn *fn,
		    void *ctx, int *found)
{
	struct crm_coupon c;
	int rc;
	sqlite3_reset(iss->held);
	bind_name(iss->held, ":customer", customer_id);
	rc = sqlite3_step(iss->held);
	*found = rc == SQLITE_ROW;
	if (*found) {
		read_coupon(iss->held, &c);
		rc = fn(&c, ctx);
		sqlite3_reset(iss->held);
		return rc;
	}
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(iss->db, N_("read coupons"));
}

int crm_coupon_issue(struct crm_coupon_issuer *iss, const char *customer_id,
		     char code[CRM_COUPON_SIZE])
{
	int try, rc;
	for (try = 0; try < CRM_COUPON_TRIES; try++) {
		if (crm_coupon_make(iss->is->prefix, iss->is->length, code) < 0) {
			crm_error(_("no random numbers from the system: %s"), strerror(errno));
			return CRM_EIO;
		}
		sqlite3_reset(iss->add);
		crm_bind_static(iss->add, 1, code);
		crm_bind_static(iss->add, 3, customer_id);
		rc = sqlite3_step(iss->add);
		if (rc == SQLITE_DONE)
			return CRM_OK;
		/* the code is taken (by its key or its grouping): draw another */
		if (rc != SQLITE_CONSTRAINT_PRIMARYKEY && rc != SQLITE_CONSTRAINT_UNIQUE)
			return crm_db_fail(iss->db, N_("store a coupon"));
	}
	crm_error(_("%s: no free code in %d draws: codes of %d characters are running out; use a "
		  "longer --length"), iss->db->path, CRM_COUPON_TRIES, iss->is->length);
	return CRM_EIO;
}

int crm_coupon_live(struct crm_db *db, const char *now, long long *n)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT count(*) FROM coupons WHERE " LIVE);
	if (!st)
		return crm_db_last_status(db);
	bind_name(st, ":now", now);
	return crm_db_one_int(db, st, N_("count live coupons"), n);
}

int crm_coupon_birthdays(struct crm_db *db, int month,
			 int (*fn)(const struct crm_coupon_who *who, void *ctx), void *ctx)
{
	struct crm_coupon_who who;
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT customer_id, email, name, birthday, "
					  "marketing_opt_in FROM customers WHERE birthday IS NOT NULL "
					  "ORDER BY customer_id");
	int rc, stop = 0;
	if (!st)
		return crm_db_last_status(db);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_who(st, &who);
		if (crm_coupon_birthday_month(who.birthday) == month && (stop = fn(&who, ctx)) != 0)
			break;
	}
	if (!stop && rc != SQLITE_DONE)
		stop = crm_db_fail(db, N_("read customers"));
	sqlite3_finalize(st);
	return stop;
}

/* ---- redeeming and voiding ----------------------------------------------- */

/* Report a refusal of the code as typed; returns the status.  `why`, when
 * given, replaces the usual words. */
static int refuse(const char *typed, int status, const char *why)
{
	char q[128];
	crm_quote(typed, q, sizeof q);
	if (status == CRM_COUPON_EMISTYPED)
		crm_error(_("%s %s: mistyped, check the code"), q, why);
	else if (why)
		crm_error("%s: %s", q, why);
	else if (status == CRM_COUPON_EREDEEMED)
		crm_error(_("%s: already redeemed"), q);
	else if (status == CRM_COUPON_EEXPIRED)
		crm_error(_("%s: expired"), q);
	else if (status == CRM_COUPON_EVOIDED)
		crm_error(_("%s: voided"), q);
	else    /* the same words for every code that does not exist */
		crm_error(_("%s: code not valid"), q);
	return status;
}

static const int state_refusal[] = {
	[CRM_COUPON_REDEEMED] = CRM_COUPON_EREDEEMED,
	[CRM_COUPON_VOIDED] = CRM_COUPON_EVOIDED,
	[CRM_COUPON_EXPIRED] = CRM_COUPON_EEXPIRED,
};

/* What the code with this key is: *found 0 when there is none. */
struct lookup {
	int found;
	enum crm_coupon_state state;
	int64_t min_order;
	char currency[4];
	char issued_at[CRM_TIME_LEN], expires_at[CRM_TIME_LEN];
	int same_order;          /* redeemed by the order asked about */
};

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t size)
{
	snprintf(out, size, "%s", col_text(st, i) ? col_text(st, i) : "");
}

/* The code with this key as it is at now; order: NULL, or the order to
 * compare the redeeming one with. */
static int look_up(struct crm_db *db, const char *key, const char *now, const char *order,
		   struct lookup *l)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT " STATE_SQL ", min_order, currency, "
					  "issued_at, expires_at, order_id IS :order FROM coupons "
					  "WHERE " BY_KEY);
	int rc;
	if (!st)
		return crm_db_last_status(db);
	bind_name(st, ":key", key);
	bind_name(st, ":now", now);
	bind_name(st, ":order", order);
	rc = sqlite3_step(st);
	memset(l, 0, sizeof *l);
	if (rc == SQLITE_ROW) {
		l->found = 1;
		l->state = (enum crm_coupon_state)sqlite3_column_int(st, 0);
		l->min_order = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 :
			       sqlite3_column_int64(st, 1);
		copy_col(st, 2, l->currency, sizeof l->currency);
		copy_col(st, 3, l->issued_at, sizeof l->issued_at);
		copy_col(st, 4, l->expires_at, sizeof l->expires_at);
		l->same_order = order && sqlite3_column_int(st, 5);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read coupons"));
}

/* One redemption under way, inside the write lock. */
struct redeeming {
	struct crm_db *db;
	const char *typed;
	char key[MAX_COMPACT + 1];
	const struct crm_coupon_redemption *r;
	const char *clock;
	const char *reason;      /* of a refusal, for coupon_failures */
};

/* Refuse for `reason`.  Unknown, expired and voided codes (and one not yet
 * issued at --now) get the same words and status unless --explain: the
 * answer must not tell a guesser which codes were ever issued. */
static int fail(struct redeeming *x, int status, const char *reason, const char *why)
{
	x->reason = reason;
	if (!x->r->explain && (status == CRM_COUPON_EUNKNOWN || status == CRM_COUPON_EEXPIRED ||
			       status == CRM_COUPON_EVOIDED))
		return refuse(x->typed, CRM_COUPON_EUNKNOWN, NULL);
	return refuse(x->typed, status, why);
}

/* The order's amount: from the database, else as given; *known 0 if neither.
 * status is the order's in the database, "" for one given by --amount. */
struct order {
	int known;
	int64_t amount;
	char currency[4], status[16];
};

static int order_amount(struct crm_db *db, const struct crm_coupon_redemption *r, struct order *o)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT amount, currency, status FROM orders "
					  "WHERE order_id = ?1");
	int rc;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, r->order_id);
	rc = sqlite3_step(st);
	memset(o, 0, sizeof *o);
	o->known = 1;
	if (rc == SQLITE_ROW) {
		o->amount = sqlite3_column_int64(st, 0);
		copy_col(st, 1, o->currency, sizeof o->currency);
		copy_col(st, 2, o->status, sizeof o->status);
	} else if (r->amount >= 0) {
		o->amount = r->amount;
		snprintf(o->currency, 4, "%s", r->amount_currency ? r->amount_currency : "");
	} else {
		o->known = 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read orders"));
}

/* Only an order that counts (paid or pending, as in stats) reaches a
 * minimum: a cancelled or refunded one was never paid for. */
static int check_minimum(struct redeeming *x, const struct lookup *l)
{
	char qo[128], min[64], got[64], why[400];
	struct order o;
	int rc;
	if (l->min_order < 0)
		return CRM_OK;
	if ((rc = order_amount(x->db, x->r, &o)) != CRM_OK || !o.known)
		return rc;    /* an order not known yet: the shop's till applied the minimum */
	crm_coupon_money(l->min_order, l->currency, min, sizeof min);
	crm_quote(x->r->order_id, qo, sizeof qo);
	if (o.status[0] && strcmp(o.status, "paid") && strcmp(o.status, "pending")) {
		snprintf(why, sizeof why, _("order %s is %s: only a paid or pending order reaches the "
			 "minimum order of %s"), qo, o.status, min);
	} else if (strcmp(o.currency, l->currency)) {
		snprintf(why, sizeof why, _("order %s is in %s, the minimum order is %s"), qo, o.currency,
			 min);
	} else if (o.amount < l->min_order) {
		crm_coupon_money(o.amount, o.currency, got, sizeof got);
		snprintf(why, sizeof why, _("order %s of %s is below the minimum order of %s"), qo, got,
			 min);
	} else {
		return CRM_OK;
	}
	return fail(x, CRM_COUPON_EMINIMUM, "minimum", why);
}

/* --now may not revive a code that has expired by the clock, nor date a
 * redemption before the code was issued, but with --backdate; *backdated
 * says whether the redemption is dated before the clock under it. */
static int check_dates(struct redeeming *x, const struct lookup *l, int *backdated)
{
	const struct crm_coupon_redemption *r = x->r;
	char why[200];
	*backdated = r->backdate && strcmp(r->now, x->clock) < 0;
	if (r->backdate)
		return CRM_OK;
	if (l->expires_at[0] && strcmp(x->clock, l->expires_at) >= 0) {
		snprintf(why, sizeof why, _("expired at %s by the clock, though not at --now %s "
			 "(--backdate records a redemption made then)"), l->expires_at, r->now);
		return fail(x, CRM_COUPON_EEXPIRED, "expired", why);
	}
	if (strcmp(r->now, l->issued_at) < 0) {
		snprintf(why, sizeof why, _("not issued until %s, after --now %s (--backdate records a "
			 "redemption dated so)"), l->issued_at, r->now);
		return fail(x, CRM_COUPON_EUNKNOWN, "not issued yet", why);
	}
	return CRM_OK;
}

static int by_key(struct crm_db *db, const char *key, const char *now, crm_coupon_fn *fn,
		  void *ctx)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT " COUPON_COLS " FROM coupons WHERE " BY_KEY);
	if (!st)
		return crm_db_last_status(db);
	bind_name(st, ":key", key);
	bind_name(st, ":now", now);
	return each_coupon(db, st, fn, ctx);
}

static const char *const state_reason[] = {
	[CRM_COUPON_REDEEMED] = "redeemed", [CRM_COUPON_VOIDED] = "voided",
	[CRM_COUPON_EXPIRED] = "expired",
};

/* Inside the write lock: classify, check the dates and the minimum, then
 * the UPDATE that only a live code passes, so that exactly one redeemer can
 * ever win.  The same order redeeming its code again is told it again. */
static int redeem_locked(struct redeeming *x, crm_coupon_fn *fn, void *ctx)
{
	const struct crm_coupon_redemption *r = x->r;
	struct lookup l;
	sqlite3_stmt *st;
	long long n = 0;
	int rc, backdated;
	if ((rc = look_up(x->db, x->key, r->now, r->order_id, &l)) != CRM_OK)
		return rc;
	if (!l.found)
		return fail(x, CRM_COUPON_EUNKNOWN, "unknown", NULL);
	if (l.state == CRM_COUPON_REDEEMED && l.same_order)
		return fn ? by_key(x->db, x->key, r->now, fn, ctx) : CRM_OK;
	if (l.state != CRM_COUPON_ISSUED)
		return fail(x, state_refusal[l.state], state_reason[l.state], NULL);
	if ((rc = check_dates(x, &l, &backdated)) != CRM_OK || (rc = check_minimum(x, &l)) != CRM_OK)
		return rc;
	st = crm_db_prepare(x->db, "UPDATE coupons SET redeemed_at = :now, order_id = :order, "
			    "backdated_at = :backdated WHERE " BY_KEY " AND " LIVE);
	if (!st)
		return crm_db_last_status(x->db);
	bind_name(st, ":now", r->now);
	bind_name(st, ":order", r->order_id);
	bind_name(st, ":key", x->key);
	bind_name(st, ":backdated", backdated ? x->clock : NULL);
	if ((rc = change(x->db, st, N_("redeem a coupon"), &n)) != CRM_OK)
		return rc;
	if (n != 1)
		return fail(x, CRM_COUPON_EREDEEMED, "redeemed", NULL);
	return fn ? by_key(x->db, x->key, r->now, fn, ctx) : CRM_OK;
}

/* The first CRM_COUPON_TRACE characters of a typed code, as compacting
 * reads them ('?' for one no code has): enough to see a campaign's prefix
 * being guessed at, never the code. */
static void trace_prefix(const char *typed, char out[CRM_COUPON_TRACE + 1])
{
	size_t n = 0;
	for (; *typed && n < CRM_COUPON_TRACE; typed++) {
		int c = (unsigned char)*typed;
		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		out[n++] = crm_coupon_value(c) < 0 ? '?' : (char)c;
	}
	out[n] = '\0';
}

static int keep_failure(struct redeeming *x)
{
	char prefix[CRM_COUPON_TRACE + 1];
	sqlite3_stmt *st = crm_db_prepare(x->db, "INSERT INTO coupon_failures(at, prefix, reason) "
					  "VALUES (?1, ?2, ?3)");
	long long n = 0;
	if (!st)
		return crm_db_last_status(x->db);
	trace_prefix(x->typed, prefix);
	crm_bind_static(st, 1, x->clock);
	crm_bind_static(st, 2, prefix);
	crm_bind_static(st, 3, x->reason);
	return change(x->db, st, N_("record a failed redemption"), &n);
}

/* A canonical time an hour after (+) or before (-) the time t. */
#define HOUR(t, sign) "strftime('%Y-%m-%dT%H:%M:%SZ', " t ", '" sign "1 hour')"

/* The failures the throttle counts: those of the hour before the clock but
 * its own refusals, so that it ends when it says, however often the till
 * retries meanwhile. */
#define COUNTED "at > " HOUR(":clock", "-") " AND reason <> 'throttled'"

/* --max-failures: refused while the failures of the last hour reach it, until
 * the oldest of the last max_failures of them is an hour old. */
static int throttle(struct redeeming *x)
{
	sqlite3_stmt *st;
	char why[200];
	long long n;
	int rc;
	if (x->r->max_failures <= 0)
		return CRM_OK;
	st = crm_db_prepare(x->db, "SELECT count(*), (SELECT " HOUR("at", "+") " FROM "
			    "coupon_failures WHERE " COUNTED " ORDER BY at DESC LIMIT 1 OFFSET :skip) "
			    "FROM coupon_failures WHERE " COUNTED);
	if (!st)
		return crm_db_last_status(x->db);
	bind_name(st, ":clock", x->clock);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":skip"), x->r->max_failures - 1);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return crm_db_fail(x->db, N_("count failed redemptions"));
	}
	n = sqlite3_column_int64(st, 0);
	snprintf(why, sizeof why, _("not redeemed: %lld failed redemptions in the last hour reach "
		 "--max-failures %d/hour; no redemptions until %s"), n, x->r->max_failures,
		 col_text(st, 1) ? col_text(st, 1) : "");
	sqlite3_finalize(st);
	if (n < x->r->max_failures)
		return CRM_OK;
	x->reason = "throttled";
	return refuse(x->typed, CRM_COUPON_ETHROTTLED, why);
}

/* A refusal keeps its trace: the failure is committed, the refusal stays
 * the status unless the trace cannot be kept. */
static int finish(struct redeeming *x, int status)
{
	int rc;
	if (x->reason && (rc = keep_failure(x)) != CRM_OK)
		status = rc;
	else if ((status == CRM_OK || x->reason) && (rc = crm_db_commit(x->db)) != CRM_OK)
		status = rc;
	else if (status == CRM_OK || x->reason)
		return status;
	crm_db_rollback(x->db);
	return status;
}

int crm_coupon_redeem(struct crm_db *db, const char *typed, const struct crm_coupon_redemption *r,
		      crm_coupon_fn *fn, void *ctx)
{
	struct redeeming x = {db, typed, "", r, r->clock ? r->clock : r->now, NULL};
	const char *why = "";
	int rc;
	if ((rc = crm_db_begin_write(db)) != CRM_OK)
		return rc;
	if ((rc = throttle(&x)) != CRM_OK || x.reason)
		return finish(&x, rc);
	if (crm_coupon_compact(typed, x.key, sizeof x.key, &why) < 0) {
		x.reason = "mistyped";
		return finish(&x, refuse(typed, CRM_COUPON_EMISTYPED, why));
	}
	return finish(&x, redeem_locked(&x, fn, ctx));
}

int crm_coupon_void(struct crm_db *db, const char *typed, const char *now, int *voided)
{
	char key[MAX_COMPACT + 1];
	const char *why = "";
	struct lookup l;
	sqlite3_stmt *st;
	long long n = 0;
	int rc;
	*voided = 0;
	if (crm_coupon_compact(typed, key, sizeof key, &why) < 0)
		return refuse(typed, CRM_COUPON_EMISTYPED, why);
	if ((rc = look_up(db, key, now, NULL, &l)) != CRM_OK)
		return rc;
	if (!l.found)
		return refuse(typed, CRM_COUPON_EUNKNOWN, NULL);
	if (l.state == CRM_COUPON_VOIDED)
		return CRM_OK;
	if (l.state != CRM_COUPON_ISSUED)
		return refuse(typed, state_refusal[l.state], NULL);
	st = crm_db_prepare(db, "UPDATE coupons SET voided_at = :now WHERE " BY_KEY " AND " LIVE);
	if (!st)
		return crm_db_last_status(db);
	bind_name(st, ":now", now);
	bind_name(st, ":key", key);
	if ((rc = change(db, st, N_("void a coupon"), &n)) != CRM_OK)
		return rc;
	*voided = n == 1;
	return CRM_OK;
}

int crm_coupon_void_each(struct crm_db *db, char *const *typed, int count, const char *now,
			 long long n[3])
{
	int i, rc, v, status = CRM_OK;
	for (i = 0; i < count; i++) {
		rc = crm_coupon_void(db, typed[i], now, &v);
		if (rc == CRM_EIO || rc == CRM_EBUSY)
			return rc;
		n[rc != CRM_OK ? 2 : v ? 0 : 1]++;
		if (status == CRM_OK)
			status = rc;
	}
	return status;
}

int crm_coupon_void_campaign(struct crm_db *db, const char *campaign, const char *now,
			     long long *n)
{
	sqlite3_stmt *st = crm_db_prepare(db, "UPDATE coupons SET voided_at = :now WHERE "
					  "campaign = :campaign AND " LIVE);
	if (!st)
		return crm_db_last_status(db);
	bind_name(st, ":now", now);
	bind_name(st, ":campaign", campaign);
	return change(db, st, N_("void coupons"), n);
}

int crm_coupon_expire(struct crm_db *db, const char *campaign, const char *now, long long *n)
{
	/* expired_at is the expiry itself, so marking late or twice changes nothing */
	sqlite3_stmt *st = crm_db_prepare(db, "UPDATE coupons SET expired_at = expires_at WHERE "
					  "(:campaign IS NULL OR campaign = :campaign) AND "
					  "redeemed_at IS NULL AND voided_at IS NULL AND "
					  "expired_at IS NULL AND expires_at <= :now");
	if (!st)
		return crm_db_last_status(db);
	bind_name(st, ":now", now);
	bind_name(st, ":campaign", campaign);
	return change(db, st, N_("expire coupons"), n);
}

/* ---- listing and counting ------------------------------------------------ */

int crm_coupon_list(struct crm_db *db, const struct crm_coupon_filter *f, crm_coupon_fn *fn,
		    void *ctx)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT " COUPON_COLS " FROM coupons WHERE "
					  "(:campaign IS NULL OR campaign = :campaign) AND "
					  "(:customer IS NULL OR customer_id = :customer) AND "
					  "(:state IS NULL OR " STATE_SQL " = :state) "
					  "ORDER BY campaign, issued_at, code");
	if (!st)
		return crm_db_last_status(db);
	bind_name(st, ":campaign", f->campaign);
	bind_name(st, ":customer", f->customer_id);
	bind_name(st, ":now", f->now);
	if (f->state >= 0)
		sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":state"), f->state);
	return each_coupon(db, st, fn, ctx);
}

/* The codes a filter selects for figures, as coupons `x`. */
#define SELECTED(x) \
	"(:campaign IS NULL OR " x ".campaign = :campaign) AND " \
	"(:from IS NULL OR " x ".issued_at >= :from) AND (:to IS NULL OR " x ".issued_at < :to)"
#define COUNTS "(o.status = 'paid' OR o.status = 'pending')"

static void bind_filter(sqlite3_stmt *st, const struct crm_coupon_filter *f, const char *currency)
{
	bind_name(st, ":campaign", f->campaign);
	bind_name(st, ":from", f->from);
	bind_name(st, ":to", f->to);
	bind_name(st, ":now", f->now);
	bind_name(st, ":currency", currency);
}

/* The currency of the redeeming orders: the filter's, else the only one. */
static int revenue_currency(struct crm_db *db, const struct crm_coupon_filter *f, char out[4])
{
	sqlite3_stmt *st;
	char seen[2][4] = {"", ""};
	int rc, n = 0;
	out[0] = '\0';
	if (f->currency) {
		snprintf(out, 4, "%s", f->currency);
		return CRM_OK;
	}
	st = crm_db_prepare(db, "SELECT DISTINCT o.currency FROM coupons c JOIN orders o ON "
			    "o.order_id = c.order_id WHERE c.redeemed_at IS NOT NULL AND " COUNTS
			    " AND " SELECTED("c") " ORDER BY 1 LIMIT 2");
	if (!st)
		return crm_db_last_status(db);
	bind_filter(st, f, NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(seen[n++], 4, "%s", col_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(db, N_("read orders"));
	if (n > 1) {
		crm_error(_("the redeeming orders are in %s and %s: choose one with --currency"),
			  seen[0], seen[1]);
		return CRM_EDATA;
	}
	memcpy(out, seen[0], 4);
	return CRM_OK;
}

int crm_coupon_stats(struct crm_db *db, const struct crm_coupon_filter *f,
		     crm_coupon_stats_fn *fn, void *ctx)
{
	struct crm_coupon_figures fig;
	sqlite3_stmt *st;
	char currency[4];
	int rc, stop = 0;
	if ((rc = revenue_currency(db, f, currency)) != CRM_OK)
		return rc;
	/* revenue counts each redeeming order once, however many codes it used */
	st = crm_db_prepare(db, "SELECT c.campaign, count(*), count(c.redeemed_at), "
			    "sum(c.redeemed_at IS NULL AND c.voided_at IS NULL AND "
			    "(c.expired_at IS NOT NULL OR c.expires_at <= :now)), count(c.voided_at), "
			    "(SELECT coalesce(sum(o.amount), 0) FROM orders o WHERE "
			    "o.currency = :currency AND " COUNTS " AND o.order_id IN "
			    "(SELECT r.order_id FROM coupons r WHERE r.campaign = c.campaign AND "
			    "r.redeemed_at IS NOT NULL AND " SELECTED("r") ")), count(c.backdated_at) "
			    "FROM coupons c WHERE " SELECTED("c") " GROUP BY c.campaign "
			    "ORDER BY c.campaign");
	if (!st)
		return crm_db_last_status(db);
	bind_filter(st, f, currency);
	fig.currency = currency;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fig.campaign = col_text(st, 0);
		fig.issued = sqlite3_column_int64(st, 1);
		fig.redeemed = sqlite3_column_int64(st, 2);
		fig.expired = sqlite3_column_int64(st, 3);
		fig.voided = sqlite3_column_int64(st, 4);
		fig.revenue = sqlite3_column_int64(st, 5);
		fig.backdated = sqlite3_column_int64(st, 6);
		if ((stop = fn(&fig, ctx)) != 0)
			break;
	}
	if (!stop && rc != SQLITE_DONE)
		stop = crm_db_fail(db, N_("count coupons"));
	sqlite3_finalize(st);
	return stop;
}

int crm_coupon_failures(struct crm_db *db, const char *now, crm_coupon_failures_fn *fn, void *ctx)
{
	struct crm_coupon_failure f;
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT reason, sum(at > strftime('%Y-%m-%dT%H:%M:%SZ', "
					  ":now, '-1 day')), count(*) FROM coupon_failures "
					  "GROUP BY reason ORDER BY reason");
	int rc, stop = 0;
	if (!st)
		return crm_db_last_status(db);
	bind_name(st, ":now", now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		f.reason = col_text(st, 0);
		f.last_day = sqlite3_column_int64(st, 1);
		f.all = sqlite3_column_int64(st, 2);
		if ((stop = fn(&f, ctx)) != 0)
			break;
	}
	if (!stop && rc != SQLITE_DONE)
		stop = crm_db_fail(db, N_("count failed redemptions"));
	sqlite3_finalize(st);
	return stop;
}

/* ---- writing ------------------------------------------------------------- */

void crm_coupon_write_money(struct crm_writer *w, int64_t minor, const char *currency)
{
	char buf[64];
	if (minor < 0) {
		crm_write_field(w, "", CRM_CELL_PLAIN);
		return;
	}
	crm_coupon_money(minor, currency ? currency : "", buf, sizeof buf);
	crm_write_field(w, buf, CRM_CELL_PLAIN);
}

/* What the till is told, written before the COMMIT: an answer that cannot
 * be written undoes the redemption.  Straight to the descriptor, so that a
 * failed write leaves nothing in stdout's buffer to fail again at exit. */
static int tell(const char *buf, size_t len, const char *code)
{
	char q[128];
	ssize_t n = 0;
	if (fflush(stdout) == 0)
		while (len > 0 && ((n = write(STDOUT_FILENO, buf, len)) > 0 || errno == EINTR))
			if (n > 0)
				buf += n, len -= (size_t)n;
	if (len == 0)
		return CRM_OK;
	crm_quote(code, q, sizeof q);
	crm_error(_("write error: %s"), strerror(errno));
	crm_error(_("%s: not redeemed"), q);      /* the verdict last, as import's */
	return CRM_EIO;
}

int crm_coupon_answer(const struct crm_coupon *cp, char delim)
{
	static const char *const cols[] = {"code", "campaign", "customer_id", "discount",
		"min_order", "order_id", "redeemed_at"};
	struct crm_writer w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = crm_xcheck(open_memstream(&buf, &len));
	int rc;
	crm_writer_init(&w, f, delim);
	crm_write_row(&w, cols, sizeof cols / sizeof cols[0]);
	crm_write_field(&w, cp->code, CRM_CELL_PLAIN);
	crm_write_field(&w, cp->campaign, CRM_CELL_TEXT);
	crm_write_field(&w, cp->customer_id, CRM_CELL_TEXT);
	crm_write_field(&w, cp->discount, CRM_CELL_PLAIN);
	crm_coupon_write_money(&w, cp->min_order, cp->currency);
	crm_write_field(&w, cp->order_id, CRM_CELL_TEXT);
	crm_write_field(&w, cp->redeemed_at, CRM_CELL_PLAIN);
	crm_write_end(&w);
	rc = fclose(f) == 0 ? tell(buf, len, cp->code) : CRM_EIO;
	free(buf);
	return rc;
}

int crm_coupon_write_listed(const struct crm_coupon *cp, void *ctx)
{
	struct crm_writer *w = ctx;
	crm_write_field(w, cp->code, CRM_CELL_PLAIN);
	crm_write_field(w, cp->campaign, CRM_CELL_TEXT);
	crm_write_field(w, cp->customer_id, CRM_CELL_TEXT);
	crm_write_field(w, crm_coupon_state_name(cp->state), CRM_CELL_PLAIN);
	crm_write_field(w, cp->discount, CRM_CELL_PLAIN);
	crm_coupon_write_money(w, cp->min_order, cp->currency);
	crm_write_field(w, cp->issued_at, CRM_CELL_PLAIN);
	crm_write_field(w, cp->expires_at, CRM_CELL_PLAIN);
	crm_write_field(w, cp->redeemed_at, CRM_CELL_PLAIN);
	crm_write_field(w, cp->order_id, CRM_CELL_TEXT);
	crm_write_field(w, cp->voided_at, CRM_CELL_PLAIN);
	crm_write_field(w, cp->expired_at, CRM_CELL_PLAIN);
	crm_write_end(w);
	return 0;
}

/* "12.5": part as a percentage of whole, one decimal, rounded half up. */
static void write_rate(struct crm_writer *w, long long part, long long whole)
{
	char buf[32];
	long long tenths = whole > 0 ? (part * 1000 + whole / 2) / whole : 0;
	snprintf(buf, sizeof buf, "%lld.%lld", tenths / 10, tenths % 10);
	crm_write_field(w, buf, CRM_CELL_PLAIN);
}

int crm_coupon_write_figures(const struct crm_coupon_figures *f, void *ctx)
{
	struct crm_writer *w = ctx;
	char buf[64];
	crm_write_field(w, f->campaign, CRM_CELL_TEXT);
	crm_write_int(w, f->issued);
	crm_write_int(w, f->redeemed);
	write_rate(w, f->redeemed, f->issued);
	if (crm_format_money(f->revenue, f->currency, buf, sizeof buf) <= 0)
		snprintf(buf, sizeof buf, "%lld", (long long)f->revenue);
	crm_write_field(w, buf, CRM_CELL_PLAIN);
	crm_write_field(w, f->currency, CRM_CELL_PLAIN);
	crm_write_int(w, f->expired);
	crm_write_int(w, f->voided);
	crm_write_int(w, f->backdated);
	crm_write_end(w);
	return 0;
}

int crm_coupon_write_failure(const struct crm_coupon_failure *f, void *ctx)
{
	struct crm_writer *w = ctx;
	crm_write_field(w, f->reason, CRM_CELL_PLAIN);
	crm_write_int(w, f->last_day);
	crm_write_int(w, f->all);
	crm_write_end(w);
	return 0;
}
