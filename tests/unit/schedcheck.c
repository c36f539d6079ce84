/*
 * schedcheck - drive the business-hours schedules of lib/schedule.c from
 * the shell (tests only; schedule.bats).  FILE is read with
 * crm_schedule_load() ("-" is standard input), with -t as text through
 * crm_schedule_parse_text() (its name in messages: "text"), and "@default"
 * is crm_schedule_default().  A TIME is seconds since the epoch or any form
 * crm_parse_time() reads, a naive one in the schedule's zone.
 *
 *   schedcheck [-t] FILE print             the canonical text
 *   schedcheck [-t] FILE seconds FROM TO   business seconds in [FROM, TO)
 *   schedcheck [-t] FILE brute FROM TO     the same, counted minute by minute
 *                                          with crm_schedule_is_open()
 *   schedcheck [-t] FILE add FROM N        the instant N business seconds after
 *                                          FROM, in local time with its offset
 *                                          ("never" past the range)
 *   schedcheck [-t] FILE holidays FIRST LAST
 *                                          "DATE NAME" for each holiday day
 *   schedcheck property SEED N             N random schedules and intervals:
 *                                          closed form against a brute-force
 *                                          count; "ok N" or the failing case,
 *                                          exit 1
 *
 * When the file does not load, its message goes to standard error as it is
 * and the status is its exit code (2 bad content, 3 cannot read).  Usage
 * errors exit 2 with "schedcheck: ...".
 */
#include "schedule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "norm.h"
#include "period.h"

static int usage(const char *what)
{
	fprintf(stderr, "schedcheck: %s\n", what);
	return CRM_EUSAGE;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return q - (a % b != 0 && (a < 0) != (b < 0));
}

static int instant(const struct crm_schedule *s, const char *arg, int64_t *t)
{
	char *end, out[CRM_TIME_LEN];
	const char *why;
	errno = 0;
	long long x = strtoll(arg, &end, 10);
	if (end != arg && !*end && !errno) {
		*t = x;
		return 0;
	}
	if (crm_parse_time(arg, crm_schedule_zone(s), CRM_MDY, out, &why) < 0) {
		fprintf(stderr, "schedcheck: '%s' %s\n", arg, why);
		return -1;
	}
	*t = crm_time_epoch(out);
	return 0;
}

static int number(const char *arg, int64_t *n)
{
	char *end;
	errno = 0;
	long long x = strtoll(arg, &end, 10);
	if (end == arg || *end || errno) {
		fprintf(stderr, "schedcheck: '%s' is not a number\n", arg);
		return -1;
	}
	*n = x;
	return 0;
}

/* t in local time with its offset: 2025-10-10T10:00:00+09:00 */
static void print_local(const struct crm_tz *tz, int64_t t)
{
	char date[CRM_DATE_LEN];
	int32_t off = crm_tz_offset_at(tz, t);
	int64_t x = t + off, day = floor_div(x, 86400), sod = x - day * 86400;
	int a = off < 0 ? -off : off;
	crm_day_date(day, date);
	printf("%sT%02d:%02d:%02d%c%02d:%02d\n", date, (int)(sod / 3600), (int)(sod / 60 % 60),
	       (int)(sod % 60), off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

/* Minute by minute: the instants of a UTC minute share their offset and
 * their wall minute (offsets and hours are whole minutes), so one look at
 * each piece counts it. */
static int64_t brute(int (*open)(const void *, int64_t), const void *ctx, int64_t from, int64_t to)
{
	int64_t n = 0;
	for (int64_t t = from; t < to;) {
		int64_t e = floor_div(t, 60) * 60 + 60;
		if (e > to)
			e = to;
		if (open(ctx, t))
			n += e - t;
		t = e;
	}
	return n;
}

static int open_lib(const void *s, int64_t t)
{
	return crm_schedule_is_open(s, t);
}

/* ---- the property test ------------------------------------------------------------ */

static uint64_t rng;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 2685821657736338717ULL >> 11) % (n ? n : 1);
}

struct gen {
	const struct crm_tz *tz;
	int n[7];
	int from[7][4], to[7][4];         /* minutes of the day */
	int64_t hfirst[12], hlast[12];
	int nh;
	char lines[40][160];
	int nlines;
};

static int open_gen(const void *ctx, int64_t t)
{
	const struct gen *g = ctx;
	int64_t x = t + crm_tz_offset_at(g->tz, t), day = floor_div(x, 86400), sod = x - day * 86400;
	int w = crm_weekday(day) - 1;
	for (int i = 0; i < g->nh; i++)
		if (g->hfirst[i] <= day && day <= g->hlast[i])
			return 0;
	for (int k = 0; k < g->n[w]; k++)
		if (g->from[w][k] * 60 <= sod && sod < g->to[w][k] * 60)
			return 1;
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static const char *const days[7] = { "mon", "Tue", "wed", "THU", "fri", "sat", "sun" };

/* Runs of days from a random weekday, each closed, left out or with 1-3 ranges. */
static void gen_week(struct gen *g)
{
	int d = (int)rnd(7), left = 7;
	while (left > 0) {
		int len = 1 + (int)rnd(left < 3 ? (uint64_t)left : 3), kind = (int)rnd(10), k = 0;
		int pts[6];
		char *l = g->lines[g->nlines], *p = l;
		p += sprintf(p, "%s", days[d]);
		if (len > 1)
			p += sprintf(p, "-%s", days[(d + len - 1) % 7]);
		if (kind >= 2 && rnd(10) == 0) {
			k = 1, pts[0] = 0, pts[1] = 1440;
		} else if (kind >= 2) {
			k = 1 + (int)rnd(3);
			for (int i = 0; i < 2 * k; i++) {
				int dup;
				do {
					pts[i] = (int)rnd(1441);
					dup = 0;
					for (int j = 0; j < i; j++)
						dup |= pts[j] == pts[i];
				} while (dup);
			}
			qsort(pts, (size_t)(2 * k), sizeof *pts, cmp_int);
		}
		for (int i = k - 1; i >= 0; i--)      /* written last first: the parser sorts */
			p += sprintf(p, "%s %02d:%02d-%02d:%02d", i == k - 1 ? "" : ",",
				     pts[2 * i] / 60, pts[2 * i] % 60, pts[2 * i + 1] / 60,
				     pts[2 * i + 1] % 60);
		if (kind == 1)
			sprintf(p, " closed");
		if (kind >= 1)
			g->nlines++;
		for (int j = 0; j < len; j++) {
			int w = (d + j) % 7;
			g->n[w] = k;
			for (int i = 0; i < k; i++)
				g->from[w][i] = pts[2 * i], g->to[w][i] = pts[2 * i + 1];
		}
		d = (d + len) % 7;
		left -= len;
	}
}

/* A change of offset near a random instant after t, or t. */
static int64_t near_change(const struct crm_tz *tz, int64_t t)
{
	int32_t off = crm_tz_offset_at(tz, t);
	for (int i = 1; i <= 400; i++) {
		int64_t u = t + (int64_t)i * 86400;
		if (crm_tz_offset_at(tz, u) != off) {
			int64_t lo = u - 86400, hi = u;
			while (hi - lo > 1) {
				int64_t mid = lo + (hi - lo) / 2;
				if (crm_tz_offset_at(tz, mid) == off)
					lo = mid;
				else
					hi = mid;
			}
			return hi;
		}
	}
	return t;
}

static void gen_interval(struct gen *g, int named, int64_t *from, int64_t *to)
{
	/* 1995-01-01 .. 2035-12-31 */
	int64_t base = 788918400 + (int64_t)rnd(41ULL * 365 * 86400), len;
	int c = (int)rnd(100);
	if (named && rnd(2))
		base = near_change(g->tz, base) - (int64_t)rnd(4 * 86400);
	len = c < 3 ? -(int64_t)rnd(3) : c < 70 ? (int64_t)rnd(3 * 86400) :
	      c < 95 ? (int64_t)rnd(21 * 86400) : (int64_t)rnd(70 * 86400);
	*from = base;
	*to = base + len;
}

static void gen_holidays(struct gen *g, int64_t from, int64_t to)
{
	int64_t d0 = floor_div(from, 86400) - 3, d1 = floor_div(to, 86400) + 3;
	if (d1 < d0)
		d1 = d0;
	g->nh = (int)rnd(7);
	for (int i = 0; i < g->nh; i++) {
		char a[CRM_DATE_LEN], b[CRM_DATE_LEN];
		if (i > 0 && rnd(10) == 0) {
			g->hfirst[i] = g->hfirst[i - 1], g->hlast[i] = g->hlast[i - 1];
		} else {
			g->hfirst[i] = d0 + (int64_t)rnd((uint64_t)(d1 - d0 + 1));
			g->hlast[i] = g->hfirst[i] + (rnd(3) ? 0 : (int64_t)rnd(5));
		}
		crm_day_date(g->hfirst[i], a);
		crm_day_date(g->hlast[i], b);
		if (g->hlast[i] > g->hfirst[i])
			sprintf(g->lines[g->nlines++], "holiday %s..%s%s", a, b, rnd(2) ? " 연휴" : "");
		else
			sprintf(g->lines[g->nlines++], "holiday %s%s", a, rnd(2) ? "  Day # off" : "");
	}
}

static int week_open(const struct gen *g)
{
	for (int w = 0; w < 7; w++)
		if (g->n[w])
			return 1;
	return 0;
}

static void text_of(struct gen *g, const char *zone, char *text, size_t size)
{
	size_t used = 0;
	sprintf(g->lines[g->nlines++], "zone %s", zone);
	for (int i = g->nlines - 1; i > 0; i--) {            /* lines in any order */
		int j = (int)rnd((uint64_t)i + 1);
		char tmp[160];
		memcpy(tmp, g->lines[i], sizeof tmp);
		memcpy(g->lines[i], g->lines[j], sizeof tmp);
		memcpy(g->lines[j], tmp, sizeof tmp);
	}
	for (int i = 0; i < g->nlines; i++)
		used += (size_t)snprintf(text + used, size - used, "%s\n", g->lines[i]);
}

static int fail_case(const char *text, int64_t from, int64_t to, const char *what, int64_t got,
		     int64_t want)
{
	printf("mismatch: %s: got %lld, want %lld\nfrom %lld to %lld\n%s", what, (long long)got,
	       (long long)want, (long long)from, (long long)to, text);
	return 1;
}

/* One random case; 0 when everything agrees. */
static int one_case(void)
{
	static const char *const zones[] = { "Asia/Seoul", "UTC", "America/New_York",
					     "Europe/London", "Australia/Lord_Howe" };
	const char *zone = zones[rnd(5)], *why;
	struct gen g;
	char text[8192], err[512];
	int64_t from, to;
	memset(&g, 0, sizeof g);
	struct crm_tz *tz = crm_tz_open(zone, &why);
	g.tz = tz;
	do {
		memset(g.n, 0, sizeof g.n);
		g.nlines = 0;
		gen_week(&g);
	} while (!week_open(&g));
	gen_interval(&g, strcmp(zone, "UTC") != 0, &from, &to);
	gen_holidays(&g, from, to);
	text_of(&g, zone, text, sizeof text);
	struct crm_schedule *s = crm_schedule_parse_text("property", text, err, sizeof err, NULL);
	int bad = 0;
	if (!s) {
		printf("does not parse: %s\n%s", err, text);
		bad = 1;
	}
	int64_t got = bad ? 0 : crm_schedule_seconds(s, from, to);
	int64_t want = bad ? 0 : brute(open_gen, &g, from, to);
	if (!bad && got != want)
		bad = fail_case(text, from, to, "seconds", got, want);
	if (!bad && to > from) {            /* additive at any point between */
		int64_t mid = from + (int64_t)rnd((uint64_t)(to - from + 1));
		int64_t sum = crm_schedule_seconds(s, from, mid) + crm_schedule_seconds(s, mid, to);
		if (sum != got)
			bad = fail_case(text, from, to, "seconds split at a point", sum, got);
	}
	if (!bad && got > 0) {              /* add() is the first instant with n seconds */
		int64_t n = 1 + (int64_t)rnd((uint64_t)got), t = crm_schedule_add(s, from, n);
		if (crm_schedule_seconds(s, from, t) != n || crm_schedule_seconds(s, from, t - 1) != n - 1 ||
		    t > to)
			bad = fail_case(text, from, to, "add", t, n);
	}
	crm_schedule_free(s);
	crm_tz_close(tz);
	return bad;
}

static int property(const char *seed, const char *count)
{
	int64_t sd, n;
	if (number(seed, &sd) < 0 || number(count, &n) < 0)
		return CRM_EUSAGE;
	rng = (uint64_t)sd * 0x9E3779B97F4A7C15ULL + 1;
	for (int64_t i = 0; i < n; i++)
		if (one_case()) {
			printf("case %lld of seed %lld\n", (long long)i, (long long)sd);
			return 1;
		}
	printf("ok %lld\n", (long long)n);
	return 0;
}

/* ---- the verbs on a file -------------------------------------------------------------- */

static struct crm_schedule *load(const char *path, int text, int *code)
{
	char err[1024];
	struct crm_schedule *s;
	if (!strcmp(path, "@default")) {
		if (!(s = crm_schedule_default()))
			fprintf(stderr, "schedcheck: the default schedule does not parse\n");
		*code = CRM_EDATA;
		return s;
	}
	if (!strcmp(path, "-"))
		path = "/dev/stdin";
	if (!text) {
		s = crm_schedule_load(path, err, sizeof err, code);
	} else {
		FILE *fp = fopen(path, "rb");
		static char buf[1 << 20];
		size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
		if (fp)
			fclose(fp);
		buf[n] = '\0';
		s = crm_schedule_parse_text("text", buf, err, sizeof err, code);
	}
	if (!s)
		fprintf(stderr, "%s\n", err);
	return s;
}

static int holidays(const struct crm_schedule *s, const char *first, const char *last)
{
	int64_t a, b;
	char date[CRM_DATE_LEN];
	const char *name;
	if (crm_date_day(first, &a) < 0 || crm_date_day(last, &b) < 0)
		return usage("holidays takes two dates");
	for (int64_t d = a; d <= b; d++)
		if (crm_schedule_holiday(s, d, &name)) {
			crm_day_date(d, date);
			printf("%s%s%s\n", date, *name ? " " : "", name);
		}
	return 0;
}

static int verb(struct crm_schedule *s, int argc, char **argv)
{
	int64_t a, b;
	const char *v = argv[0];
	if (!strcmp(v, "print") && argc == 1) {
		crm_schedule_write(stdout, s);
		return 0;
	}
	if (!strcmp(v, "holidays") && argc == 3)
		return holidays(s, argv[1], argv[2]);
	if (argc != 3)
		return usage("expected print, seconds FROM TO, brute FROM TO, add FROM N or holidays");
	if (instant(s, argv[1], &a) < 0 || (strcmp(v, "add") ? instant(s, argv[2], &b)
							     : number(argv[2], &b)) < 0)
		return CRM_EUSAGE;
	if (!strcmp(v, "seconds"))
		printf("%lld\n", (long long)crm_schedule_seconds(s, a, b));
	else if (!strcmp(v, "brute"))
		printf("%lld\n", (long long)(b > a ? brute(open_lib, s, a, b) : 0));
	else if (!strcmp(v, "add") && (a = crm_schedule_add(s, a, b)) == CRM_SCHEDULE_NEVER)
		printf("never\n");
	else if (!strcmp(v, "add"))
		print_local(crm_schedule_zone(s), a);
	else
		return usage("unknown verb");
	return 0;
}

int main(int argc, char **argv)
{
	int text = 0, code, rc;
	crm_set_progname("schedcheck");
	if (argc == 4 && !strcmp(argv[1], "property"))
		return property(argv[2], argv[3]);
	if (argc > 1 && !strcmp(argv[1], "-t"))
		text = 1, argc--, argv++;
	if (argc < 2)
		return usage("usage: schedcheck [-t] FILE VERB ARGS... | schedcheck property SEED N");
	struct crm_schedule *s = load(argv[1], text, &code);
	if (!s)
		return code;
	rc = argc < 3 ? usage("expected a verb") : verb(s, argc - 2, argv + 2);
	crm_schedule_free(s);
	return rc;
}
