/*
 * normcheck - drive the normalisers of lib/norm.c from the shell (tests only).
 *
 *   normcheck time [--tz Z] [--dmy] VALUE     UTC time
 *   normcheck date [--dmy] VALUE              calendar date
 *   normcheck epoch CANONICAL                 seconds since the epoch
 *   normcheck tz SPEC                         "ok" if the zone opens
 *   normcheck money [--currency C] VALUE      "MINOR CUR"
 *   normcheck format MINOR CUR                minor units as a decimal
 *   normcheck exponent CUR                    decimal exponent of a currency
 *   normcheck int VALUE
 *   normcheck email VALUE
 *   normcheck phone [--country CC] VALUE
 *   normcheck calling CC                      calling code of a country
 *   normcheck bool VALUE                      1 or 0
 *   normcheck trim VALUE                      [VALUE without white space]
 *   normcheck utf8 FILE                       "PREFIX TOTAL"; exit 1 if invalid
 *   normcheck bench KIND [options] VALUE [--n N]   nanoseconds per call
 *
 * On success the normalised value is printed and the exit status is 0; on
 * refusal "error: 'VALUE' REASON" is printed to standard output and the
 * status is 1.  Usage errors exit 2.
 */
#include "diag.h"
#include "norm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct opts {
	const char *tz;
	const char *currency;
	const char *country;
	enum crm_date_order order;
	long n;
	const char *value;
	const char *value2;
};

static int usage(void)
{
	fputs("usage: normcheck KIND [--tz Z] [--dmy] [--currency C] [--country CC] VALUE\n", stderr);
	return 2;
}

static int refuse(const char *value, const char *why)
{
	printf("error: '%s' %s\n", value, why);
	return 1;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof *o);
	o->order = CRM_MDY;
	o->n = 1000000;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--tz") == 0 && i + 1 < argc)
			o->tz = argv[++i];
		else if (strcmp(a, "--currency") == 0 && i + 1 < argc)
			o->currency = argv[++i];
		else if (strcmp(a, "--country") == 0 && i + 1 < argc)
			o->country = argv[++i];
		else if (strcmp(a, "--n") == 0 && i + 1 < argc)
			o->n = atol(argv[++i]);
		else if (strcmp(a, "--dmy") == 0)
			o->order = CRM_DMY;
		else if (strcmp(a, "--mdy") == 0)
			o->order = CRM_MDY;
		else if (strcmp(a, "--") == 0 && i + 1 < argc && !o->value)
			o->value = argv[++i];
		else if (!o->value)
			o->value = a;
		else if (!o->value2)
			o->value2 = a;
		else
			return -1;
	}
	return o->value ? 0 : -1;
}

static int check_utf8(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 2;
	}
	size_t cap = 1 << 16, n = 0, r;
	char *buf = crm_xmalloc(cap);
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			buf = crm_xrealloc(buf, cap *= 2);
	}
	fclose(f);
	size_t valid = crm_utf8_valid_prefix(buf, n);
	printf("%zu %zu\n", valid, n);
	free(buf);
	return valid == n ? 0 : 1;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Time N calls of one normaliser on VALUE. */
static int bench(const char *kind, const struct opts *o)
{
	static const char *const kinds[] = { "time", "date", "money", "int", "email", "phone" };
	const char *why = NULL;
	struct crm_tz *tz = NULL;
	char out[256], cur[4];
	int64_t v = 0;
	long sink = 0, fails = 0;
	int k = -1;

	for (int i = 0; i < (int)(sizeof kinds / sizeof kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			k = i;
	if (k < 0)
		return usage();
	if (k == 0 && !(tz = crm_tz_open(o->tz, &why)))
		return refuse(o->tz ? o->tz : "", why);
	out[0] = 0;
	double t0 = now_ns();
	for (long i = 0; i < o->n; i++) {
		int r;
		switch (k) {
		case 0: r = crm_parse_time(o->value, tz, o->order, out, &why); break;
		case 1: r = crm_parse_date(o->value, o->order, out, &why); break;
		case 2:
			for (int j = 0; j < 4; j++)
				cur[j] = o->currency && j < 3 && (j == 0 || cur[j - 1]) ? o->currency[j] : 0;
			r = crm_parse_money(o->value, cur, &v, &why);
			break;
		case 3: r = crm_parse_int(o->value, &v, &why); break;
		case 4: r = crm_norm_email(o->value, out, sizeof out, &why); break;
		default: r = crm_norm_phone(o->value, o->country, out, sizeof out, &why); break;
		}
		fails += r != 0;
		sink += out[0] + (long)v;
	}
	double t1 = now_ns();
	crm_tz_close(tz);
	printf("%s: %.1f ns per call (%ld calls, %ld refused, %ld)\n", kind,
	       (t1 - t0) / (double)(o->n ? o->n : 1), o->n, fails, sink & 1);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	const char *why = NULL;
	char out[256];

	if (argc < 3 || parse_opts(argc, argv, &o) != 0)
		return usage();
	const char *kind = argv[1], *s = o.value;

	if (strcmp(kind, "time") == 0) {
		struct crm_tz *tz = crm_tz_open(o.tz, &why);
		if (!tz)
			return refuse(o.tz ? o.tz : "", why);
		int r = crm_parse_time(s, tz, o.order, out, &why);
		crm_tz_close(tz);
		if (r != 0)
			return refuse(s, why);
		puts(out);
	} else if (strcmp(kind, "date") == 0) {
		if (crm_parse_date(s, o.order, out, &why) != 0)
			return refuse(s, why);
		puts(out);
	} else if (strcmp(kind, "epoch") == 0) {
		char canon[CRM_TIME_LEN];
		snprintf(canon, sizeof canon, "%s", s);
		printf("%" PRId64 "\n", crm_time_epoch(canon));
	} else if (strcmp(kind, "tz") == 0) {
		struct crm_tz *tz = crm_tz_open(s, &why);
		if (!tz)
			return refuse(s, why);
		crm_tz_close(tz);
		puts("ok");
	} else if (strcmp(kind, "money") == 0) {
		char cur[4] = "";
		int64_t minor;
		if (o.currency)
			snprintf(cur, sizeof cur, "%s", o.currency);
		if (crm_parse_money(s, cur, &minor, &why) != 0)
			return refuse(s, why);
		printf("%" PRId64 " %s\n", minor, cur);
	} else if (strcmp(kind, "format") == 0) {
		if (!o.value2)
			return usage();
		char *end;
		long long minor = strtoll(s, &end, 10);
		if (*end || end == s)
			return refuse(s, "is not a whole number");
		if (crm_format_money(minor, o.value2, out, sizeof out) < 0)
			return refuse(o.value2, "is not a known currency");
		puts(out);
	} else if (strcmp(kind, "exponent") == 0) {
		printf("%d\n", crm_currency_exponent(s));
	} else if (strcmp(kind, "int") == 0) {
		int64_t v;
		if (crm_parse_int(s, &v, &why) != 0)
			return refuse(s, why);
		printf("%" PRId64 "\n", v);
	} else if (strcmp(kind, "email") == 0) {
		if (crm_norm_email(s, out, sizeof out, &why) != 0)
			return refuse(s, why);
		puts(out);
	} else if (strcmp(kind, "phone") == 0) {
		if (crm_norm_phone(s, o.country, out, sizeof out, &why) != 0)
			return refuse(s, why);
		puts(out);
	} else if (strcmp(kind, "calling") == 0) {
		printf("%d\n", crm_country_calling_code(s));
	} else if (strcmp(kind, "bool") == 0) {
		int b;
		if (crm_parse_bool(s, &b, &why) != 0)
			return refuse(s, why);
		printf("%d\n", b);
	} else if (strcmp(kind, "trim") == 0) {
		snprintf(out, sizeof out, "%s", s);
		printf("[%s]\n", crm_trim(out));
	} else if (strcmp(kind, "utf8") == 0) {
		return check_utf8(s);
	} else if (strcmp(kind, "bench") == 0) {
		if (!o.value2)
			return usage();
		const char *k = o.value;
		o.value = o.value2;
		return bench(k, &o);
	} else {
		return usage();
	}
	return 0;
}
