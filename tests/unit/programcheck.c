/*
 * programcheck - drive the loyalty program of lib/loyalty_program.c from the
 * shell (tests only; program.bats).  FILE is read with
 * crm_loyalty_program_load(), or with -t as text through
 * crm_loyalty_program_parse_text() (its name in messages: "text").
 *
 *   programcheck [-t] FILE                the canonical text
 *   programcheck [-t] FILE roundtrip      "ok" when the canonical text parses
 *                                         back to an equal program that prints
 *                                         the same text (exit 1 otherwise)
 *   programcheck FILE points TIER AMOUNT...
 *                                         "AMOUNT POINTS" for each amount in
 *                                         minor units (TIER a name, or '-' for
 *                                         none); "AMOUNT overflow" when -1
 *   programcheck FILE money POINTS...     "POINTS MINOR_UNITS" each: what they are
 *                                         worth, or "POINTS overflow"
 *   programcheck FILE change TIER BEFORE AFTER
 *                                         the points an order gains going from
 *                                         BEFORE to AFTER
 *   programcheck FILE release DATE...     "DATE RELEASE_DATE" each
 *   programcheck FILE expiry DATE...      "DATE EXPIRY_DATE" each, or "never"
 *   programcheck FILE release-at ZONE TIME...
 *   programcheck FILE expiry-at ZONE TIME...
 *                                         "TIME INSTANT" each ("never"), or
 *                                         "TIME error: WHY"
 *   programcheck FILE windows DATE        "SPAN FIRST_DATE" for each window
 *                                         of the program ending on DATE
 *   programcheck FILE decide CURRENT QUALIFIED LAST_QUALIFIED TODAY
 *                                         "TIER GRACE_END" (tiers by name or
 *                                         '-'; GRACE_END a date or "never")
 *   programcheck FILE evaluate CURRENT LAST_QUALIFIED TODAY [SPEND ORDERS]...
 *                                         "FROM -> TO CHANGE: WHY", with the
 *                                         figures of window 0, 1, ... (missing
 *                                         ones 0)
 *   programcheck FILE birthday MONTH DATE...
 *                                         "DATE YEAR DUE" each: the grant's
 *                                         year, and the year when due or 0
 *   programcheck FILE tier NAME           the tier's index, or -1
 *
 * When the file does not load, the message is printed to standard error as
 * it is and the status is its exit code (2 bad content, 3 cannot read).
 * Usage errors exit 2 with "programcheck: ...".
 */
#include "loyalty_program.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static int usage(const char *what)
{
	fprintf(stderr, "programcheck: %s\n", what);
	return CRM_EUSAGE;
}

static int number(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (end == s || *end || errno) {
		fprintf(stderr, "programcheck: '%s' is not a number\n", s);
		return -1;
	}
	*out = x;
	return 0;
}

static int day(const char *s, int64_t *out)
{
	if (crm_date_day(s, out) < 0) {
		fprintf(stderr, "programcheck: '%s' is not a date\n", s);
		return -1;
	}
	return 0;
}

static const char *day_text(int64_t d, char buf[CRM_DATE_LEN])
{
	if (d == CRM_LOYALTY_NEVER)
		return "never";
	if (d == CRM_DAY_LAST + 1)
		return "after-9999-12-31";
	crm_day_date(d, buf);
	return buf;
}

/* A tier by name, '-' for none; -2 when there is no such tier. */
static int tier(const struct crm_loyalty_program *p, const char *name)
{
	int t = strcmp(name, "-") ? crm_loyalty_tier_find(p, name) : -1;
	if (t < 0 && strcmp(name, "-")) {
		fprintf(stderr, "programcheck: no tier '%s'\n", name);
		return -2;
	}
	return t;
}

static const char *tier_name(const struct crm_loyalty_program *p, int t)
{
	return t < 0 ? "-" : p->tier[t].name;
}

/* Read the whole file as text, for -t. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	if (!fp)
		return NULL;
	do {
		if (len + 1 >= cap)
			buf = crm_xrealloc(buf, cap = cap * 2 + 4096);
		n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
	} while (n);
	fclose(fp);
	buf[len] = '\0';
	return buf;
}

static int roundtrip(const struct crm_loyalty_program *p)
{
	struct crm_loyalty_program q;
	char err[512];
	char *text = crm_loyalty_program_format(p), *again;
	if (crm_loyalty_program_parse_text(text, "canonical", &q, err, sizeof err) != CRM_OK) {
		printf("the canonical text does not parse: %s\n%s", err, text);
		free(text);
		return 1;
	}
	again = crm_loyalty_program_format(&q);
	int ok = crm_loyalty_program_equal(p, &q) && !strcmp(text, again);
	printf(ok ? "ok\n" : "differs:\n%s---\n%s", text, again);
	free(text);
	free(again);
	return !ok;
}

static int points(const struct crm_loyalty_program *p, int argc, char **argv)
{
	int t;
	int64_t a, pts;
	if (argc < 1 || (t = tier(p, argv[0])) < -1)
		return CRM_EUSAGE;
	for (int i = 1; i < argc; i++) {
		if (number(argv[i], &a) < 0)
			return CRM_EUSAGE;
		if (crm_loyalty_points(p, t, a, &pts) < 0)
			printf("%s overflow\n", argv[i]);
		else
			printf("%s %lld\n", argv[i], (long long)pts);
	}
	return CRM_OK;
}

static int money(const struct crm_loyalty_program *p, int argc, char **argv)
{
	int64_t pts, minor;
	for (int i = 0; i < argc; i++) {
		if (number(argv[i], &pts) < 0)
			return CRM_EUSAGE;
		if (crm_loyalty_points_money(p, pts, &minor) < 0)
			printf("%s overflow\n", argv[i]);
		else
			printf("%s %lld\n", argv[i], (long long)minor);
	}
	return CRM_OK;
}

static int change(const struct crm_loyalty_program *p, int argc, char **argv)
{
	int t;
	int64_t a, b, d;
	if (argc != 3 || (t = tier(p, argv[0])) < -1 || number(argv[1], &b) < 0 ||
	    number(argv[2], &a) < 0)
		return usage("change TIER BEFORE AFTER");
	if (crm_loyalty_points_change(p, t, b, a, &d) < 0)
		puts("overflow");
	else
		printf("%lld\n", (long long)d);
	return CRM_OK;
}

static int days(const struct crm_loyalty_program *p, int expiry, int argc, char **argv)
{
	char a[CRM_DATE_LEN];
	int64_t d;
	for (int i = 0; i < argc; i++) {
		if (day(argv[i], &d) < 0)
			return CRM_EUSAGE;
		d = expiry ? crm_loyalty_expiry_day(p, d) : crm_loyalty_release_day(p, d);
		printf("%s %s\n", argv[i], day_text(d, a));
	}
	return CRM_OK;
}

static int instants(const struct crm_loyalty_program *p, int expiry, int argc, char **argv)
{
	const char *why = "";
	char out[CRM_TIME_LEN];
	struct crm_tz *tz;
	if (argc < 1)
		return usage("release-at|expiry-at ZONE TIME...");
	if (!(tz = crm_tz_open(argv[0], &why)))
		return usage(why);
	for (int i = 1; i < argc; i++) {
		int rc = expiry ? crm_loyalty_expiry_at(p, tz, argv[i], out, &why) :
			 crm_loyalty_release_at(p, tz, argv[i], out, &why);
		if (rc < 0)
			printf("%s error: %s\n", argv[i], why);
		else
			printf("%s %s\n", argv[i], out[0] ? out : "never");
	}
	crm_tz_close(tz);
	return CRM_OK;
}

static int windows(const struct crm_loyalty_program *p, int argc, char **argv)
{
	char a[CRM_DATE_LEN];
	int64_t last;
	if (argc != 1 || day(argv[0], &last) < 0)
		return usage("windows DATE");
	for (int w = 0; w < p->nwindows; w++) {
		const struct crm_loyalty_span *s = &p->window[w];
		printf("%d%c %s\n", (int)s->n, s->unit == CRM_LOYALTY_DAYS ? 'd' : 'm',
		       day_text(crm_loyalty_window_first(s, last), a));
	}
	return CRM_OK;
}

static int decide(const struct crm_loyalty_program *p, int argc, char **argv)
{
	char a[CRM_DATE_LEN];
	int cur, q;
	int64_t last, today, end;
	if (argc != 4 || (cur = tier(p, argv[0])) < -1 || (q = tier(p, argv[1])) < -1 ||
	    day(argv[2], &last) < 0 || day(argv[3], &today) < 0)
		return usage("decide CURRENT QUALIFIED LAST_QUALIFIED TODAY");
	int t = crm_loyalty_decide(p, cur, q, last, today, &end);
	printf("%s %s\n", tier_name(p, t), day_text(end, a));
	return CRM_OK;
}

static int evaluate(const struct crm_loyalty_program *p, int argc, char **argv)
{
	static const char *const change_names[] = {"stay", "up", "down", "held"};
	struct crm_loyalty_figures f = { { 0 }, { 0 } };
	struct crm_loyalty_move m;
	int cur;
	int64_t last, today;
	if (argc < 3 || argc % 2 == 0 || (argc - 3) / 2 > CRM_LOYALTY_WINDOWS ||
	    (cur = tier(p, argv[0])) < -1 || day(argv[1], &last) < 0 || day(argv[2], &today) < 0)
		return usage("evaluate CURRENT LAST_QUALIFIED TODAY [SPEND ORDERS]...");
	for (int i = 3, w = 0; i < argc; i += 2, w++)
		if (number(argv[i], &f.spend[w]) < 0 || number(argv[i + 1], &f.orders[w]) < 0)
			return CRM_EUSAGE;
	crm_loyalty_evaluate(p, &f, cur, last, today, &m);
	printf("%s -> %s %s: %s\n", tier_name(p, m.from), tier_name(p, m.to),
	       change_names[m.change], m.why);
	return CRM_OK;
}

static int birthday(const struct crm_loyalty_program *p, int argc, char **argv)
{
	int64_t month, d;
	if (argc < 1 || number(argv[0], &month) < 0)
		return usage("birthday MONTH DATE...");
	for (int i = 1; i < argc; i++) {
		if (day(argv[i], &d) < 0)
			return CRM_EUSAGE;
		printf("%s %d %d\n", argv[i], crm_loyalty_birthday_year((int)month, d),
		       crm_loyalty_birthday_due(p, (int)month, d));
	}
	return CRM_OK;
}

static int run(const struct crm_loyalty_program *p, const char *verb, int argc, char **argv)
{
	if (!strcmp(verb, "roundtrip"))
		return roundtrip(p);
	if (!strcmp(verb, "points"))
		return points(p, argc, argv);
	if (!strcmp(verb, "money"))
		return money(p, argc, argv);
	if (!strcmp(verb, "change"))
		return change(p, argc, argv);
	if (!strcmp(verb, "release") || !strcmp(verb, "expiry"))
		return days(p, verb[0] == 'e', argc, argv);
	if (!strcmp(verb, "release-at") || !strcmp(verb, "expiry-at"))
		return instants(p, verb[0] == 'e', argc, argv);
	if (!strcmp(verb, "windows"))
		return windows(p, argc, argv);
	if (!strcmp(verb, "decide"))
		return decide(p, argc, argv);
	if (!strcmp(verb, "evaluate"))
		return evaluate(p, argc, argv);
	if (!strcmp(verb, "birthday"))
		return birthday(p, argc, argv);
	if (!strcmp(verb, "tier") && argc == 1)
		return printf("%d\n", crm_loyalty_tier_find(p, argv[0])) < 0;
	return usage("unknown verb");
}

int main(int argc, char **argv)
{
	struct crm_loyalty_program p;
	char err[512];
	int text = argc > 1 && !strcmp(argv[1], "-t"), rc;

	argv += text;
	argc -= text;
	if (argc < 2)
		return usage("usage: programcheck [-t] FILE [VERB ARG...]");
	if (text) {
		char *s = slurp(argv[1]);
		if (!s)
			return usage("cannot read the file");
		rc = crm_loyalty_program_parse_text(s, "text", &p, err, sizeof err);
		free(s);
	} else {
		rc = crm_loyalty_program_load(argv[1], &p, err, sizeof err);
	}
	if (rc != CRM_OK) {
		fprintf(stderr, "%s\n", err);
		return rc;
	}
	if (argc == 2) {
		char *s = crm_loyalty_program_format(&p);
		fputs(s, stdout);
		free(s);
		return crm_close_stdout(CRM_OK);
	}
	return crm_close_stdout(run(&p, argv[2], argc - 3, argv + 3));
}
