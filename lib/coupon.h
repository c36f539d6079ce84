/*
 * coupon.h - single-use coupon codes: making and checking them, and keeping
 * them in the database through their life (issued, then redeemed, voided or
 * expired).
 *
 * Contract:
 *  - Alphabet.  Codes use the 31 characters of CRM_COUPON_ALPHABET: the
 *    digits 2-9 and the capital letters but I, L and O, so that no character
 *    can be read as another (0/O, 1/I/L).  31 is prime; the check character
 *    relies on it.
 *  - Form.  A code is an optional campaign prefix (1 to CRM_COUPON_MAX_PREFIX
 *    alphabet characters), LENGTH random characters (CRM_COUPON_MIN_LENGTH to
 *    CRM_COUPON_MAX_LENGTH, default CRM_COUPON_LENGTH) and one check
 *    character.  It is printed and stored grouped for reading: the prefix,
 *    then the random and check characters in groups of three, joined by '-':
 *    "WB-7K3-M9Q-XPR".  Its compact form ("WB7K3M9QXPR") is its key: unique
 *    in the database (index coupons_key), whatever the grouping.
 *  - Typing.  A typed code is compacted: ASCII letters are upper-cased, and
 *    spaces, tabs and dashes dropped.  Nothing else is mapped: a character
 *    outside the alphabet (0, O, 1, I, L, punctuation, anything not ASCII),
 *    a length no code has, or a wrong check character makes it mistyped,
 *    which is known without the database.
 *  - Check character.  With v(c) the index of c in the alphabet and the n
 *    characters of the compact code numbered k = 1..n from the right (the
 *    check character is k = 1), a code is valid when
 *        sum of k * v(c_k) = 0  (mod 31).
 *    n is at most 30, so the weights 1..30 are distinct and non-zero modulo
 *    the prime 31.  Changing one character from a to b changes the sum by
 *    k * (a - b); swapping two different characters at positions j and k
 *    changes it by (j - k) * (b - a); a product of two numbers that are not
 *    multiples of a prime is not one either, so every single substitution
 *    and every transposition, adjacent or not, is caught.  (Luhn mod N
 *    misses some transpositions; this weighted sum misses none.)  The
 *    prefix is covered too.  tests/unit/couponcheck.c checks it at every
 *    position of codes of every length.
 *  - Randomness.  getrandom(2), one byte per draw; bytes of 248 (8 * 31) and
 *    more are drawn again, so that every character has probability exactly
 *    1/31 (no modulo bias).
 *  - Code space.  The check character is public, so a guess that passes it
 *    hits one of N live codes (issued, not redeemed, voided or expired) with
 *    probability N / 31^LENGTH.  Issuing refuses to make that more than 1 in
 *    CRM_COUPON_GUESS_ODDS (a million): at most crm_coupon_capacity(LENGTH) =
 *    floor(31^LENGTH / 10^6) live codes, counted over every prefix and length
 *    (prefixes are guessable).  Repeats are handled, not assumed away: by
 *    the birthday bound N random codes are likely to hold a repeat once N
 *    nears sqrt(31^LENGTH), which for 8 characters and more is below the
 *    capacity.  A new code equal to any stored code (live or not) is drawn
 *    again, at most CRM_COUPON_TRIES times; one draw collides with
 *    probability (codes stored) / 31^LENGTH, about 1e-6 at the capacity, so
 *    running out of tries means a broken random source or a space filled by
 *    old codes, and is reported.
 *  - Planning an issue (coupon_plan.c).  Its customers come from a stream
 *    (crm_customer_stream's columns; a row without an id takes its e-mail
 *    as crm-import does, a bad row is reported and counted as rejected) or
 *    are added one by one.  Each is looked up in the database, through
 *    crm-import's aliases, for their merged id and what they lack; one
 *    listed again gets no second code (the first listing counts); one who
 *    holds a code of the campaign gets it again if it is live and nothing
 *    if not, unless `again`.  Before any code is made the new codes and the
 *    live ones must fit the code space (below), else CRM_EUSAGE, reported
 *    with the --length that would hold them.
 *  - Times are canonical UTC text (norm.h, CRM_TIME_LEN).  "Now" is passed in
 *    (`now`) so that a caller can fix it; a redemption also gets the real
 *    time (`clock`), which its `now` may not overrule but on purpose.  A code is expired from its
 *    expires_at on, whether or not crm_coupon_expire() has marked it.
 *  - Functions that use the database return CRM_OK or an exit code (db.h),
 *    having reported the error.  Redeeming and voiding also return a
 *    crm_coupon_status above the shared exit codes, having reported it as
 *    "PROG: 'TYPED': REASON".  An unknown code always gets the same words,
 *    "code not valid", so that the answer never tells which codes exist;
 *    so do expired and voided ones when redeemed, unless explained.
 */
#ifndef CRM_COUPON_H
#define CRM_COUPON_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "norm.h"

struct crm_writer;

#define CRM_COUPON_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define CRM_COUPON_RADIX 31
#define CRM_COUPON_MAX_PREFIX 8
#define CRM_COUPON_MIN_LENGTH 5
#define CRM_COUPON_MAX_LENGTH 20
#define CRM_COUPON_LENGTH 8
#define CRM_COUPON_GUESS_ODDS 1000000LL
#define CRM_COUPON_TRIES 8
#define CRM_COUPON_MAX_DAYS 3650   /* --expires 3650d at most: ten years */
/* A grouped code and its NUL: prefix, '-', 21 characters in 7 groups. */
#define CRM_COUPON_SIZE 48

/* Refusals, numbered above the shared exit codes of diag.h. */
enum crm_coupon_status {
	CRM_COUPON_EREDEEMED = 5,  /* already redeemed */
	CRM_COUPON_EEXPIRED = 6,   /* past its expiry */
	CRM_COUPON_EVOIDED = 7,    /* voided */
	CRM_COUPON_EUNKNOWN = 8,   /* no such code: "code not valid" */
	CRM_COUPON_EMISTYPED = 9,  /* not a code at all: typing error */
	CRM_COUPON_EMINIMUM = 10,  /* the order does not reach the minimum order */
	CRM_COUPON_ETHROTTLED = 11,  /* --max-failures reached: no redemptions for now */
};

/* How many characters of a code a failed redemption keeps. */
#define CRM_COUPON_TRACE 3

enum crm_coupon_state {
	CRM_COUPON_ISSUED, CRM_COUPON_REDEEMED, CRM_COUPON_VOIDED, CRM_COUPON_EXPIRED,
};

/* Why a campaign name will not do ("must not be empty", "is longer than
 * 100 bytes", "has a control character"), or NULL: a campaign names the
 * codes in reports, so it is printable text, not too long. */
const char *crm_coupon_campaign_bad(const char *s);

/* "issued", "redeemed", "voided", "expired". */
const char *crm_coupon_state_name(enum crm_coupon_state s);
/* The state named s ("void" is "voided"), or -1. */
int crm_coupon_state_parse(const char *s);

/* ---- codes --------------------------------------------------------------- */

/* Index of character c in the alphabet (upper case only), or -1. */
int crm_coupon_value(int c);
/* The check character for the n (at most 29) alphabet characters s[0..n). */
char crm_coupon_check(const char *s, size_t n);
/* Compact a typed code into out as above; 0, or -1 with *why (mistyped). */
int crm_coupon_compact(const char *typed, char *out, size_t size, const char **why);
/* Upper-case and check a --prefix into out[CRM_COUPON_MAX_PREFIX + 1]. */
int crm_coupon_prefix(const char *in, char *out, const char **why);
/* n random alphabet characters into out (no NUL); -1 with errno set. */
int crm_coupon_random(char *out, size_t n);
/* A new grouped code: prefix ("" for none), `length` random characters and
 * the check character; -1 with errno set when there is no randomness. */
int crm_coupon_make(const char *prefix, int length, char out[CRM_COUPON_SIZE]);
/* How many live codes of `length` random characters keep a guess at 1 in
 * CRM_COUPON_GUESS_ODDS or less: floor(31^length / CRM_COUPON_GUESS_ODDS),
 * saturating at LLONG_MAX (from 17 characters on). */
long long crm_coupon_capacity(int length);
/* The smallest length whose capacity holds `codes`, or -1. */
int crm_coupon_length_for(long long codes);

/* ---- terms --------------------------------------------------------------- */

/* What every code of one issue carries. */
struct crm_coupon_terms {
	char discount[48];       /* canonical: "15%", or "5000 KRW", "5.00 USD" */
	int64_t min_order;       /* minor units of currency, or -1: none */
	char currency[4];        /* of an amount discount or a minimum; "" if neither */
	char expires_at[CRM_TIME_LEN];
};

/* Parse --discount: a whole percentage from 1 to 100 ("15%"), or a positive
 * amount (money as norm.h reads it; `currency` is its default, "" for none).
 * A currency already in t->currency wins over the default and must agree
 * with the amount's own.  0, or -1 with *why. */
int crm_coupon_parse_discount(const char *s, const char *currency, struct crm_coupon_terms *t,
			      const char **why);
/* Parse --min-order, a positive amount, in the same way. */
int crm_coupon_parse_min_order(const char *s, const char *currency, struct crm_coupon_terms *t,
			       const char **why);
/* Write minor units with their currency, "5000 KRW", into out. */
void crm_coupon_money(int64_t minor, const char *currency, char *out, size_t size);
/* The last local day in tz on which a code that expires at expires_at (a
 * canonical time) is valid, YYYY-MM-DD; "" for NULL or not a time. */
void crm_coupon_valid_until(const struct crm_tz *tz, const char *expires_at,
			    char out[CRM_DATE_LEN]);
/* --expires: Nd (0 to CRM_COUPON_MAX_DAYS: through the local day in tz N
 * days after the day of `now`, epoch seconds) or YYYY-MM-DD (through that
 * day, not before today).  A code expires at the local midnight that ends
 * its last day: that instant into out.  CRM_OK, or CRM_EUSAGE reported as a
 * usage error naming --expires (or, for a zone whose midnight does not
 * exist, "DATE: the local midnight WHY"). */
int crm_coupon_expiry(const char *arg, const struct crm_tz *tz, int64_t now,
		      char out[CRM_TIME_LEN]);
/* --from and --to (NULL: not given), local days in tz, both included: the
 * first instant of `from` into start and the first after `to` into end, so
 * that a time t is in them when start <= t < end.  CRM_OK, or CRM_EUSAGE
 * reported as crm_coupon_expiry() does. */
int crm_coupon_days(const char *from, const char *to, const struct crm_tz *tz,
		    char start[CRM_TIME_LEN], char end[CRM_TIME_LEN]);
/* A money cell: minor units with their currency ("5000 KRW"), or empty
 * for a negative `minor` (none). */
void crm_coupon_write_money(struct crm_writer *w, int64_t minor, const char *currency);
/* The month (1-12) of a birthday stored as YYYY-MM-DD or MM-DD, or -1. */
int crm_coupon_birthday_month(const char *s);

/* ---- the database -------------------------------------------------------- */

/* One coupon as stored; strings (NULL when unset) last for the callback. */
struct crm_coupon {
	const char *code, *campaign, *customer_id, *discount, *currency;
	int64_t min_order;       /* -1: none */
	const char *issued_at, *expires_at, *redeemed_at, *order_id, *voided_at, *expired_at;
	enum crm_coupon_state state;
};
typedef int crm_coupon_fn(const struct crm_coupon *c, void *ctx);   /* nonzero stops */

/* A customer as the database knows them; strings last until the next call. */
struct crm_coupon_who {
	const char *id, *email, *name, *birthday;
	int opted_in;            /* 1, 0, or -1 when unknown */
};

/* Issuing, inside the caller's write transaction (BEGIN IMMEDIATE). */
struct crm_coupon_issue {
	const char *campaign;
	const char *prefix;      /* "" or NULL: none */
	int length;
	const struct crm_coupon_terms *terms;
	const char *now;
};
struct crm_coupon_issuer;
struct crm_coupon_issuer *crm_coupon_issuer_open(struct crm_db *db,
						 const struct crm_coupon_issue *is);
void crm_coupon_issuer_close(struct crm_coupon_issuer *iss);
/* Look a customer up by id or by an alias crm-import merged; *found 0/1. */
int crm_coupon_customer(struct crm_coupon_issuer *iss, const char *id,
			struct crm_coupon_who *who, int *found);
/* The customer's code in the campaign, a live one first, then the newest:
 * fn is called with it and *found set to 1, or *found is 0. */
int crm_coupon_held(struct crm_coupon_issuer *iss, const char *customer_id, crm_coupon_fn *fn,
		    void *ctx, int *found);
/* Store a new code for the customer (NULL: nobody's) and write it to code. */
int crm_coupon_issue(struct crm_coupon_issuer *iss, const char *customer_id,
		     char code[CRM_COUPON_SIZE]);

/* The number of live codes now. */
int crm_coupon_live(struct crm_db *db, const char *now, long long *n);
/* Every customer whose birthday falls in month (1-12), by customer_id. */
int crm_coupon_birthdays(struct crm_db *db, int month,
			 int (*fn)(const struct crm_coupon_who *who, void *ctx), void *ctx);

/* ---- planning an issue --------------------------------------------------- */

/* What an issue does for one customer. */
enum crm_coupon_fate {
	CRM_COUPON_NEW,          /* a new code */
	CRM_COUPON_RESEND,       /* their live code of the campaign, sent again */
	CRM_COUPON_SPENT,        /* none: their code of the campaign is no longer live */
	CRM_COUPON_UNSELECTED,   /* none: not born in the month, or not opted in */
	CRM_COUPON_DUPLICATE,    /* none: listed before */
	CRM_COUPON_FATES
};

struct crm_csv_opts;
struct crm_input;

/* Who an issue is for, and how its customers stream is read. */
struct crm_coupon_audience {
	int birthday_month;      /* 1-12: only those born in it; 0: anyone */
	int opted_in;            /* only those the database knows to have opted in */
	int again;               /* a new code even to those who hold one */
	const struct crm_csv_opts *csv;
	const struct crm_input *in;   /* --map and --date-order of the stream; NULL: none read */
	const struct crm_tz *tz; /* naive birthdays of the stream */
};

/* A customer of a plan; strings NULL when unknown, valid until the plan
 * changes. */
struct crm_coupon_planned {
	const char *id, *email, *name;
	int month;               /* of the birthday, or -1 */
	enum crm_coupon_fate fate;
};

/* The plan's figures: customers and rejected rows once read, fates once run. */
struct crm_coupon_tally {
	size_t customers;
	long long rejected;
	long long fate[CRM_COUPON_FATES];
};

struct crm_coupon_plan;
struct crm_coupon_plan *crm_coupon_plan_new(const struct crm_coupon_audience *a);
/* Frees the plan and its issuer; NULL is harmless. */
void crm_coupon_plan_free(struct crm_coupon_plan *p);
/* Read customers from the CSV at path ("-": standard input), reporting and
 * counting rejected rows.  CRM_OK (rows may have been rejected), CRM_EUSAGE
 * for a bad --map, CRM_EDATA for a header that will not do, or an I/O exit
 * code. */
int crm_coupon_plan_read(struct crm_coupon_plan *p, const char *path);
/* One customer: id (not empty), e-mail and name (NULL or "": unknown), the
 * birthday month or -1. */
void crm_coupon_plan_add(struct crm_coupon_plan *p, const char *id, const char *email,
			 const char *name, int month);
/* Add every customer of the database born in the audience's month. */
int crm_coupon_plan_birthdays(struct crm_coupon_plan *p, struct crm_db *db);
/* Resolve, plan and check the code space, inside the caller's write
 * transaction, for the issue `is` (which must outlive the plan).  CRM_OK
 * or an exit code, reported. */
int crm_coupon_plan_run(struct crm_coupon_plan *p, struct crm_db *db,
			const struct crm_coupon_issue *is);
/* After crm_coupon_plan_run(): store the new codes and hand fn every code
 * to send, new or resent, in the customers' order (fn's nonzero result
 * stops and is returned).  CRM_OK or an exit code. */
typedef int crm_coupon_send_fn(const struct crm_coupon_planned *to, const struct crm_coupon *c,
			       void *ctx);
int crm_coupon_plan_make(struct crm_coupon_plan *p, crm_coupon_send_fn *fn, void *ctx);
/* Issue: in one write transaction (BEGIN IMMEDIATE), add the database's
 * customers born in the audience's month when no stream was read, run the
 * plan, make the codes and write every code to send to w as CSV: the
 * header "code,customer_id,email,name,campaign,discount,min_order,
 * expires_at,valid_until", then a row each.  w's file is flushed before
 * the COMMIT, so that a write that fails undoes the issue; the caller
 * passes a temporary file and shows it only once this returns CRM_OK.
 * CRM_OK or an exit code, reported; on failure nothing is stored. */
int crm_coupon_plan_issue(struct crm_coupon_plan *p, struct crm_db *db,
			  const struct crm_coupon_issue *is, struct crm_writer *w);
const struct crm_coupon_tally *crm_coupon_plan_tally(const struct crm_coupon_plan *p);
/* The i-th customer into *out: 1, or 0 past the last. */
int crm_coupon_plan_customer(const struct crm_coupon_plan *p, size_t i,
			     struct crm_coupon_planned *out);

/* Redeem a typed code for an order, exactly once: in one BEGIN IMMEDIATE
 * transaction, by an UPDATE that only a live code passes.  A minimum order
 * is checked against the order's amount in the database (one cancelled or
 * refunded does not reach it), else against `amount` when given (>= 0, in
 * amount_currency), else not at all.  fn gets the redeemed coupon before
 * the COMMIT: its nonzero result (an output that could not be written)
 * undoes the redemption and is returned.  The order that redeemed the code
 * redeeming it again succeeds and fn gets the coupon as stored.
 *  - Dates.  The code is judged at `now`; unless `backdate`, it must also
 *    not have expired by `clock` (the real time; NULL: now) nor have been
 *    issued after now.  With `backdate`, a redemption dated before the
 *    clock keeps the clock in backdated_at.
 *  - Refusals (of a code mistyped too) are reported and kept in
 *    coupon_failures (the clock, the first CRM_COUPON_TRACE characters of
 *    the typed code, the reason) in a transaction of their own.  Unknown,
 *    expired and voided codes, and one not issued yet at now, are all
 *    CRM_COUPON_EUNKNOWN, "code not valid", unless `explain`.
 *  - Throttle.  With max_failures > 0, while that many failures were kept
 *    in the hour before the clock (its own refusals not counted, so that
 *    the time it names holds however often the till retries), every
 *    redemption is refused with CRM_COUPON_ETHROTTLED, saying until when,
 *    and kept as a failure "throttled". */
struct crm_coupon_redemption {
	const char *order_id;
	const char *now;
	int64_t amount;          /* the order's total when it is not in the db; -1: unknown */
	const char *amount_currency;
	const char *clock;
	int backdate, explain, max_failures;
};
int crm_coupon_redeem(struct crm_db *db, const char *typed, const struct crm_coupon_redemption *r,
		      crm_coupon_fn *fn, void *ctx);

/* Void one typed code, inside the caller's write transaction; voiding a
 * voided code again is no error (*voided is then 0). */
int crm_coupon_void(struct crm_db *db, const char *typed, const char *now, int *voided);
/* Void each typed code in turn, inside the caller's write transaction: a
 * refused one is reported and the others go on.  n[0] counts the codes
 * voided, n[1] those void already, n[2] the refused.  The status is the
 * first refusal's, or the exit code of a database error, which stops. */
int crm_coupon_void_each(struct crm_db *db, char *const *typed, int count, const char *now,
			 long long n[3]);
/* Void every live code of a campaign; *n says how many. */
int crm_coupon_void_campaign(struct crm_db *db, const char *campaign, const char *now,
			     long long *n);
/* Mark the codes past their expiry as expired (expired_at = now), of one
 * campaign or all (NULL); *n says how many. */
int crm_coupon_expire(struct crm_db *db, const char *campaign, const char *now, long long *n);

/* Which coupons to list or count. */
struct crm_coupon_filter {
	const char *campaign;    /* NULL: every campaign */
	const char *customer_id; /* list: NULL for every customer */
	int state;               /* list: a crm_coupon_state, or -1 for any */
	const char *from, *to;   /* stats: issued in [from, to); NULL: open */
	const char *currency;    /* stats: revenue in it; NULL: the only one */
	const char *now;         /* what has expired by now */
};

/* Coupons by campaign, issue time and code. */
int crm_coupon_list(struct crm_db *db, const struct crm_coupon_filter *f, crm_coupon_fn *fn,
		    void *ctx);

/* A campaign's figures over the codes issued in the filter's range, as they
 * stand now.  revenue is the total of the distinct orders that redeemed
 * them, those in the database that count (paid or pending, stats.h), in
 * `currency`: the filter's, else the only currency of those orders ("" when
 * there are none); orders in several is an error, CRM_EDATA. */
struct crm_coupon_figures {
	const char *campaign;
	long long issued, redeemed, expired, voided;
	long long backdated;     /* redeemed with --backdate */
	int64_t revenue;
	const char *currency;
};
typedef int crm_coupon_stats_fn(const struct crm_coupon_figures *f, void *ctx);
int crm_coupon_stats(struct crm_db *db, const struct crm_coupon_filter *f,
		     crm_coupon_stats_fn *fn, void *ctx);

/* The failed redemptions kept, by reason: in the day before now, and all. */
struct crm_coupon_failure {
	const char *reason;
	long long last_day, all;
};
typedef int crm_coupon_failures_fn(const struct crm_coupon_failure *f, void *ctx);
int crm_coupon_failures(struct crm_db *db, const char *now, crm_coupon_failures_fn *fn, void *ctx);

/* ---- writing ------------------------------------------------------------- */

/* What redeem tells the till: the header "code,campaign,customer_id,
 * discount,min_order,order_id,redeemed_at" and the coupon's row, made
 * whole first and written to standard output's descriptor (stdout's buffer
 * flushed before, and left empty): CRM_OK, or CRM_EIO reported as
 * "'CODE': not redeemed: standard output: ERROR".  Called before the
 * COMMIT, so that an answer lost undoes the redemption. */
int crm_coupon_answer(const struct crm_coupon *cp, char delim);
/* Rows of list, stats and stats --failures for the writer ctx (struct
 * crm_writer *), as crm_coupon_fn, crm_coupon_stats_fn and
 * crm_coupon_failures_fn; each returns 0. */
int crm_coupon_write_listed(const struct crm_coupon *cp, void *ctx);
int crm_coupon_write_figures(const struct crm_coupon_figures *f, void *ctx);
int crm_coupon_write_failure(const struct crm_coupon_failure *f, void *ctx);

#endif
