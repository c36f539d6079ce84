/* nps.c - NPS, CSAT and CES from counts of scores; see nps.h. */
#include "i18n.h"
#include "nps.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "norm.h"

static const struct {
	const char *name;
	int lo, hi;
} scales[] = {
	[CRM_SCALE_NPS] = {"nps", 0, 10},
	[CRM_SCALE_CSAT] = {"csat", 1, 5},
	[CRM_SCALE_CES] = {"ces", 1, 7},
};

int crm_scale_parse(const char *name)
{
	size_t i;
	for (i = 0; i < sizeof scales / sizeof scales[0]; i++)
		if (!strcmp(scales[i].name, name))
			return (int)i;
	return -1;
}

const char *crm_scale_name(enum crm_scale s) { return scales[s].name; }
int crm_scale_lo(enum crm_scale s) { return scales[s].lo; }
int crm_scale_hi(enum crm_scale s) { return scales[s].hi; }

/* "7.5": a number, but not a score. */
static int is_decimal(const char *s)
{
	int digits = 0, dot = 0;
	if (*s == '-' || *s == '+')
		s++;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '.' && !dot)
			dot = 1;
		else
			return 0;
	}
	return digits > 0 && dot;
}

enum crm_score_bad crm_score_parse(const char *s, enum crm_scale scale, int *score,
				   char *why, size_t size)
{
	char buf[64];
	const char *w = "";
	int64_t v;
	size_t n;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n) {
		snprintf(why, size, _("is empty"));
		return CRM_SCORE_EMPTY;
	}
	snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), s);
	if (n >= sizeof buf || crm_parse_int(buf, &v, &w) < 0) {
		/* a huge integer is a number, just not on any scale */
		if (n < sizeof buf && !strcmp(w, "is too large"))
			goto range;
		snprintf(why, size, "%s", n < sizeof buf && is_decimal(buf) ? _("is not a whole number") :
			 _("is not a number"));
		return CRM_SCORE_NAN;
	}
	if (v < scales[scale].lo || v > scales[scale].hi)
		goto range;
	*score = (int)v;
	return CRM_SCORE_OK;
range:
	snprintf(why, size, _("is outside the %d-%d scale"), scales[scale].lo, scales[scale].hi);
	return CRM_SCORE_RANGE;
}

/* ---- counts ---------------------------------------------------------------------- */

void crm_nps_acc_init(struct crm_nps_acc *a)
{
	memset(a, 0, sizeof *a);
}

void crm_nps_add(struct crm_nps_acc *a, int score)
{
	a->count[score]++;
	a->n++;
}

void crm_nps_add_many(struct crm_nps_acc *a, int score, long long count)
{
	a->count[score] += count;
	a->n += count;
}

void crm_nps_add_none(struct crm_nps_acc *a)
{
	a->no_answer++;
}

static long long sum_counts(const struct crm_nps_acc *a, int lo, int hi)
{
	long long s = 0;
	int i;
	for (i = lo; i <= hi; i++)
		s += a->count[i];
	return s;
}

/* ---- figures --------------------------------------------------------------------- */

static double clip(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The adjusted-Wald interval of Rocks (2016), in points. */
static void nps_adjusted_wald(struct crm_nps_result *r)
{
	double n = (double)r->n + 3;
	double pp = ((double)r->promoters + 0.75) / n, pd = ((double)r->detractors + 0.75) / n;
	double centre = pp - pd, var = pp + pd - centre * centre;
	double half = CRM_NPS_Z * sqrt(var > 0 ? var / n : 0);
	r->low = clip(100 * (centre - half), -100, 100);
	r->high = clip(100 * (centre + half), -100, 100);
}

static void compute_nps(const struct crm_nps_acc *a, struct crm_nps_result *r)
{
	double n = (double)r->n, pp, pd, var;
	r->promoters = sum_counts(a, 9, 10);
	r->passives = sum_counts(a, 7, 8);
	r->detractors = sum_counts(a, 0, 6);
	pp = (double)r->promoters / n;
	pd = (double)r->detractors / n;
	r->promoters_pct = 100 * pp;
	r->passives_pct = 100 * (double)r->passives / n;
	r->detractors_pct = 100 * pd;
	r->nps = r->value = 100 * (pp - pd);
	/* the exact numerator n(P + D) - (P - D)^2 over n^2: never negative */
	var = (n * (double)(r->promoters + r->detractors) -
	       (double)(r->promoters - r->detractors) * (double)(r->promoters - r->detractors)) / (n * n);
	r->se = 100 * sqrt(var > 0 ? var / n : 0);
	nps_adjusted_wald(r);
}

/* The Agresti-Coull interval of the satisfied share, in percent. */
static void csat_adjusted_wald(struct crm_nps_result *r)
{
	double z2 = CRM_NPS_Z * CRM_NPS_Z, n = (double)r->n + z2;
	double p = ((double)r->satisfied + z2 / 2) / n;
	double half = CRM_NPS_Z * sqrt(p * (1 - p) / n);
	r->low = clip(100 * (p - half), 0, 100);
	r->high = clip(100 * (p + half), 0, 100);
}

static void compute_csat(const struct crm_nps_acc *a, struct crm_nps_result *r)
{
	double p;
	r->satisfied = sum_counts(a, 4, 5);
	p = (double)r->satisfied / (double)r->n;
	r->csat = r->value = 100 * p;
	r->se = 100 * sqrt(p * (1 - p) / (double)r->n);
	csat_adjusted_wald(r);
}

static void compute_ces(const struct crm_nps_acc *a, struct crm_nps_result *r)
{
	long long sum = 0, sumsq = 0;
	double n = (double)r->n, var;
	int i;
	for (i = 1; i <= 7; i++) {
		sum += i * a->count[i];
		sumsq += (long long)i * i * a->count[i];
	}
	r->ces_mean = r->value = (double)sum / n;
	/* (n sumsq - sum^2) / n^2, the numerator exact in integers when it fits */
	var = ((double)sumsq * n - (double)sum * (double)sum) / (n * n);
	r->ces_sd = sqrt(var > 0 ? var : 0);
	r->se = r->ces_sd / sqrt(n);
	r->margin = CRM_NPS_Z * r->se;
	r->low = clip(r->value - r->margin, 1, 7);
	r->high = clip(r->value + r->margin, 1, 7);
}

void crm_nps_compute(const struct crm_nps_acc *a, enum crm_scale scale,
		     struct crm_nps_result *r)
{
	memset(r, 0, sizeof *r);
	r->scale = scale;
	r->n = a->n;
	r->no_answer = a->no_answer;
	r->small = r->n > 0 && r->n < CRM_NPS_SMALL_N;
	if (r->n == 0)
		return;
	if (scale == CRM_SCALE_NPS)
		compute_nps(a, r);
	else if (scale == CRM_SCALE_CSAT)
		compute_csat(a, r);
	else
		compute_ces(a, r);
	if (scale != CRM_SCALE_CES)
		r->margin = CRM_NPS_Z * r->se;
}

int crm_nps_change(const struct crm_nps_result *prev, const struct crm_nps_result *cur,
		   double *delta, double *noise)
{
	if (!prev->n || !cur->n)
		return -1;
	*delta = cur->value - prev->value;
	*noise = CRM_NPS_Z * sqrt(prev->se * prev->se + cur->se * cur->se);
	return fabs(*delta) > *noise;
}

/* ---- formatting ------------------------------------------------------------------ */

/* num/den rounded half away from zero, den > 0, without overflow for the
 * counts of any survey (num * 2 fits). */
static long long div_round(long long num, long long den)
{
	long long q = num / den, r = num % den;
	if (r < 0)
		r = -r;
	if (2 * r >= den)
		q += num < 0 ? -1 : 1;
	return q;
}

long long crm_nps_tenths(long long num, long long den)
{
	return den > 0 ? div_round(num * 1000, den) : 0;
}

long long crm_nps_tenths_nps(const struct crm_nps_result *r)
{
	return crm_nps_tenths(r->promoters - r->detractors, r->n);
}

void crm_nps_format_scaled(long long v, int decimals, char *out, size_t size)
{
	long long unit = 1, a = v < 0 ? -v : v;
	int i;
	for (i = 0; i < decimals; i++)
		unit *= 10;
	if (decimals == 0)
		snprintf(out, size, "%lld", v);
	else
		snprintf(out, size, "%s%lld.%0*lld", v < 0 ? "-" : "", a / unit, decimals, a % unit);
}

void crm_nps_format(double v, int decimals, char *out, size_t size)
{
	double unit = 1;
	int i;
	for (i = 0; i < decimals; i++)
		unit *= 10;
	crm_nps_format_scaled(llround(v * unit), decimals, out, size);
}

/* ---- the database ---------------------------------------------------------------- */

int crm_nps_db_range(struct crm_db *db, const char *from, const char *to, const char *survey,
		     enum crm_scale scale, struct crm_nps_acc *acc, long long *bad)
{
	/* with both bounds, a plain range the answered_at index serves (an
	 * "?1 IS NULL OR" term would make SQLite scan every answer) */
	sqlite3_stmt *st = crm_db_prepare(db, from && to ?
					  "SELECT score, count(*) FROM responses "
					  "WHERE answered_at >= ?1 AND answered_at < ?2 AND "
					  "(?3 IS NULL OR survey = ?3) GROUP BY score" :
					  "SELECT score, count(*) FROM responses "
					  "WHERE (?1 IS NULL OR answered_at >= ?1) AND "
					  "(?2 IS NULL OR answered_at < ?2) AND "
					  "(?3 IS NULL OR survey = ?3) GROUP BY score");
	int rc;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, from);
	crm_bind_static(st, 2, to);
	crm_bind_static(st, 3, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long count = sqlite3_column_int64(st, 1);
		sqlite3_int64 score = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 0) == SQLITE_INTEGER && score >= crm_scale_lo(scale) &&
		    score <= crm_scale_hi(scale))
			crm_nps_add_many(acc, (int)score, count);
		else
			*bad += count;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("read survey answers"));
}
