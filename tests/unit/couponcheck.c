/*
 * couponcheck - drive the code functions of lib/coupon.c from the shell
 * (tests only; coupon.bats).
 *
 *   couponcheck alphabet          check the alphabet; print it
 *   couponcheck errors            every single substitution and every
 *                                 transposition at every position of codes
 *                                 of every length must fail the check
 *   couponcheck check CODE...     the compact form of each code, or
 *                                 "error: 'CODE' REASON" (exit 1)
 *   couponcheck seal CHARS        CHARS and their check character
 *   couponcheck make PREFIX LENGTH COUNT   COUNT new codes
 *   couponcheck capacity          "LENGTH CAPACITY" for every length
 *   couponcheck random N          chi-square of N random characters over
 *                                 the 31 of the alphabet ("chi2 X")
 *   couponcheck plan [-o] DB LENGTH ID...
 *                                 plan an issue of codes of LENGTH to the
 *                                 customers ID... (-o: opted in only) in the
 *                                 database DB, making none: "ID EMAIL NAME
 *                                 FATE" for each ('-' for unknown), then the
 *                                 tally; exit status the plan's
 *   couponcheck issue DB FILE ID...
 *                                 issue codes of 8 characters to the
 *                                 customers ID... in DB, the CSV to FILE;
 *                                 exit status the issue's
 *   couponcheck expires ZONE NOW ARG...
 *                                 "ARG EXPIRES_AT" for each --expires ARG
 *                                 issued at NOW in ZONE, or "ARG refused"
 *                                 after the usage error (exit 2)
 *   couponcheck days ZONE FROM TO "START END" of --from FROM --to TO in
 *                                 ZONE ('-': not given), or the usage error
 */
#include "coupon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "diag.h"

#define RADIX CRM_COUPON_RADIX
#define LONGEST (CRM_COUPON_MAX_PREFIX + CRM_COUPON_MAX_LENGTH + 1)

static int alphabet(void)
{
	const char *a = CRM_COUPON_ALPHABET;
	int c, bad = 0, seen = 0;
	if ((int)strlen(a) != RADIX)
		bad = printf("the alphabet has %zu characters, not %d\n", strlen(a), RADIX);
	for (c = 0; c < 256; c++) {
		int v = crm_coupon_value(c), in = c && strchr(a, c) != NULL;
		if (in != (v >= 0) || (in && a[v] != c))
			bad = printf("character %d: value %d\n", c, v);
		if (strchr("01OIL", c) && c && v >= 0)
			bad = printf("look-alike '%c' is in the alphabet\n", c);
		if (in && !((c >= '2' && c <= '9') || (c >= 'A' && c <= 'Z')))
			bad = printf("'%c' is neither a digit 2-9 nor a capital\n", c);
		seen += v >= 0;
	}
	if (seen != RADIX)
		bad = printf("%d characters have a value, not %d\n", seen, RADIX);
	printf("%s %d\n", a, seen);
	return bad ? 1 : 0;
}

/* A valid compact code of n characters from the digits d[0..n-1). */
static void code_of(const int *d, int n, char *s)
{
	int i;
	for (i = 0; i < n - 1; i++)
		s[i] = CRM_COUPON_ALPHABET[d[i]];
	s[n - 1] = crm_coupon_check(s, (size_t)n - 1);
	s[n] = '\0';
}

static int passes(const char *s)
{
	char out[64];
	const char *why;
	return crm_coupon_compact(s, out, sizeof out, &why) == 0;
}

struct tally {
	long subst, subst_missed, adj, adj_missed, swap, swap_missed, valid_missed;
};

/* Every error of one kind at every position of one valid code. */
static void try_code(const char *s, int n, struct tally *t)
{
	char e[LONGEST + 1];
	int i, j, c;
	if (!passes(s))
		t->valid_missed++;
	for (i = 0; i < n; i++)
		for (c = 0; c < RADIX; c++) {
			if (CRM_COUPON_ALPHABET[c] == s[i])
				continue;
			memcpy(e, s, (size_t)n + 1);
			e[i] = CRM_COUPON_ALPHABET[c];
			t->subst++;
			t->subst_missed += passes(e);
		}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			if (s[i] == s[j])
				continue;
			memcpy(e, s, (size_t)n + 1);
			e[i] = s[j];
			e[j] = s[i];
			if (j == i + 1) {
				t->adj++;
				t->adj_missed += passes(e);
			}
			t->swap++;
			t->swap_missed += passes(e);
		}
}

static int errors(void)
{
	struct tally t = {0};
	int d[LONGEST], n, k, i;
	char s[LONGEST + 1], r[LONGEST];
	for (n = CRM_COUPON_MIN_LENGTH + 1; n <= LONGEST; n++) {
		/* every character at every position, as a rotating pattern */
		for (k = 0; k < RADIX; k++) {
			for (i = 0; i < n - 1; i++)
				d[i] = (k + i * 7) % RADIX;
			code_of(d, n, s);
			try_code(s, n, &t);
		}
		/* and random ones */
		for (k = 0; k < 20; k++) {
			if (crm_coupon_random(r, (size_t)n - 1) < 0)
				return perror("getrandom"), 2;
			for (i = 0; i < n - 1; i++)
				d[i] = crm_coupon_value(r[i]);
			code_of(d, n, s);
			try_code(s, n, &t);
		}
	}
	printf("valid codes refused: %ld\n", t.valid_missed);
	printf("substitutions: %ld, missed %ld\n", t.subst, t.subst_missed);
	printf("adjacent transpositions: %ld, missed %ld\n", t.adj, t.adj_missed);
	printf("all transpositions: %ld, missed %ld\n", t.swap, t.swap_missed);
	return t.valid_missed || t.subst_missed || t.adj_missed || t.swap_missed ? 1 : 0;
}

static int check(int argc, char **argv)
{
	char out[64];
	const char *why = "";
	int i, rc = 0;
	for (i = 2; i < argc; i++) {
		if (crm_coupon_compact(argv[i], out, sizeof out, &why) < 0) {
			printf("error: '%s' %s\n", argv[i], why);
			rc = 1;
		} else {
			printf("%s\n", out);
		}
	}
	return rc;
}

static int seal(const char *s)
{
	size_t i, n = strlen(s);
	for (i = 0; i < n; i++)
		if (crm_coupon_value((unsigned char)s[i]) < 0 || n > LONGEST - 1)
			return printf("error: '%s' is not alphabet characters\n", s), 1;
	printf("%s%c\n", s, crm_coupon_check(s, n));
	return 0;
}

static int make(int argc, char **argv)
{
	char prefix[CRM_COUPON_MAX_PREFIX + 1], code[CRM_COUPON_SIZE];
	const char *why = "";
	long n, i;
	if (argc != 5)
		return 2;
	prefix[0] = '\0';
	if (*argv[2] && crm_coupon_prefix(argv[2], prefix, &why) < 0) {
		printf("error: '%s' %s\n", argv[2], why);
		return 1;
	}
	n = atol(argv[4]);
	for (i = 0; i < n; i++) {
		if (crm_coupon_make(prefix, atoi(argv[3]), code) < 0)
			return perror("make"), 1;
		puts(code);
	}
	return 0;
}

static int capacity(void)
{
	int len;
	for (len = CRM_COUPON_MIN_LENGTH; len <= CRM_COUPON_MAX_LENGTH; len++)
		printf("%d %lld\n", len, crm_coupon_capacity(len));
	return 0;
}

static int randomness(long n)
{
	long count[RADIX] = {0}, i;
	char buf[4096];
	double chi2 = 0, e = (double)n / RADIX;
	for (i = 0; i < n; i += (long)sizeof buf) {
		size_t m = n - i < (long)sizeof buf ? (size_t)(n - i) : sizeof buf, k;
		if (crm_coupon_random(buf, m) < 0)
			return perror("getrandom"), 1;
		for (k = 0; k < m; k++)
			count[crm_coupon_value(buf[k])]++;
	}
	for (i = 0; i < RADIX; i++)
		chi2 += (count[i] - e) * (count[i] - e) / e;
	printf("chi2 %.1f\n", chi2);
	return 0;
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

static void print_plan(const struct crm_coupon_plan *p)
{
	static const char *const fates[] = {"new", "resend", "spent", "unselected", "duplicate"};
	const struct crm_coupon_tally *t = crm_coupon_plan_tally(p);
	struct crm_coupon_planned k;
	size_t i;
	for (i = 0; crm_coupon_plan_customer(p, i, &k); i++)
		printf("%s %s %s %s\n", k.id, or_dash(k.email), or_dash(k.name), fates[k.fate]);
	printf("%zu customers:", t->customers);
	for (i = 0; i < CRM_COUPON_FATES; i++)
		printf(" %lld %s", t->fate[i], fates[i]);
	putchar('\n');
}

/* The terms of every issue the checker plans or makes. */
static const struct crm_coupon_terms terms = {"10%", -1, "", "2027-01-01T00:00:00Z"};

/* Plan inside a transaction that is rolled back: the database stays as it was. */
static int plan(int argc, char **argv)
{
	struct crm_coupon_issue is = {"unit", "", 0, &terms, "2026-11-16T10:00:00Z"};
	struct crm_coupon_audience a = {0};
	struct crm_coupon_plan *p;
	struct crm_db db = {0};
	int i = 2, rc;
	crm_set_progname("couponcheck");
	if (i < argc && !strcmp(argv[i], "-o"))
		a.opted_in = 1, i++;
	if (argc - i < 2)
		return 2;
	is.length = atoi(argv[i + 1]);
	if ((rc = crm_db_open(&db, argv[i], CRM_DB_CREATE)) != CRM_OK)
		return rc;
	p = crm_coupon_plan_new(&a);
	for (i += 2; i < argc; i++)
		crm_coupon_plan_add(p, argv[i], NULL, NULL, -1);
	if ((rc = crm_db_begin_write(&db)) == CRM_OK &&
	    (rc = crm_coupon_plan_run(p, &db, &is)) == CRM_OK)
		print_plan(p);
	crm_db_rollback(&db);
	crm_coupon_plan_free(p);
	crm_db_close(&db);
	return rc;
}

/* Issue codes of 8 characters to ID... in DB, writing them to FILE. */
static int issue(int argc, char **argv)
{
	struct crm_coupon_issue is = {"unit", "", 8, &terms, "2026-11-16T10:00:00Z"};
	struct crm_coupon_audience a = {0};
	struct crm_coupon_plan *p;
	struct crm_db db = {0};
	struct crm_writer w;
	const char *why = "";
	FILE *f;
	int i, rc;
	crm_set_progname("couponcheck");
	if (argc < 4 || !(a.tz = crm_tz_open("UTC", &why)) || !(f = fopen(argv[3], "w")))
		return 2;
	crm_writer_init(&w, f, ',');
	p = crm_coupon_plan_new(&a);
	for (i = 4; i < argc; i++)
		crm_coupon_plan_add(p, argv[i], NULL, NULL, -1);
	if ((rc = crm_db_open(&db, argv[2], CRM_DB_CREATE)) == CRM_OK)
		rc = crm_coupon_plan_issue(p, &db, &is, &w);
	crm_coupon_plan_free(p);
	crm_db_close(&db);
	fclose(f);
	crm_tz_close((struct crm_tz *)a.tz);
	return rc;
}

/* The zone ZONE, or NULL (reported). */
static struct crm_tz *zone(const char *spec)
{
	const char *why = "";
	struct crm_tz *tz = crm_tz_open(spec, &why);
	crm_set_progname("couponcheck");
	if (!tz)
		fprintf(stderr, "couponcheck: '%s' %s\n", spec, why);
	return tz;
}

static int expires(int argc, char **argv)
{
	struct crm_tz *tz;
	char now[CRM_TIME_LEN], out[CRM_TIME_LEN];
	const char *why = "";
	int i, rc = 0;
	if (argc < 4 || !(tz = zone(argv[2])))
		return 2;
	if (crm_parse_time(argv[3], tz, CRM_MDY, now, &why) < 0) {
		fprintf(stderr, "couponcheck: '%s' %s\n", argv[3], why);
		crm_tz_close(tz);
		return 2;
	}
	for (i = 4; i < argc; i++) {
		if (crm_coupon_expiry(argv[i], tz, crm_time_epoch(now), out) == CRM_OK) {
			printf("%s %s\n", argv[i], out);
		} else {
			printf("%s refused\n", argv[i]);
			rc = 2;
		}
	}
	crm_tz_close(tz);
	return rc;
}

static const char *given(const char *s)
{
	return strcmp(s, "-") ? s : NULL;
}

static int days(int argc, char **argv)
{
	struct crm_tz *tz;
	char start[CRM_TIME_LEN] = "-", end[CRM_TIME_LEN] = "-";
	int rc;
	if (argc != 5 || !(tz = zone(argv[2])))
		return 2;
	if ((rc = crm_coupon_days(given(argv[3]), given(argv[4]), tz, start, end)) == CRM_OK)
		printf("%s %s\n", start, end);
	crm_tz_close(tz);
	return rc;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	if (!strcmp(what, "alphabet"))
		return alphabet();
	if (!strcmp(what, "errors"))
		return errors();
	if (!strcmp(what, "check"))
		return check(argc, argv);
	if (!strcmp(what, "seal") && argc == 3)
		return seal(argv[2]);
	if (!strcmp(what, "make"))
		return make(argc, argv);
	if (!strcmp(what, "capacity"))
		return capacity();
	if (!strcmp(what, "random") && argc == 3)
		return randomness(atol(argv[2]));
	if (!strcmp(what, "plan"))
		return plan(argc, argv);
	if (!strcmp(what, "issue"))
		return issue(argc, argv);
	if (!strcmp(what, "expires"))
		return expires(argc, argv);
	if (!strcmp(what, "days"))
		return days(argc, argv);
	fputs("usage: couponcheck alphabet|errors|check CODE...|seal CHARS|make PREFIX LENGTH COUNT|"
	      "capacity|random N|plan [-o] DB LENGTH ID...|issue DB FILE ID...|"
	      "expires ZONE NOW ARG...|days ZONE FROM TO\n", stderr);
	return 2;
}
