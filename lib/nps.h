/*
 * nps.h - satisfaction figures from survey scores: NPS, CSAT and CES, with
 * their margins of error, and the test of a change between two periods.
 *
 * Contract:
 *  - An accumulator counts answers per score value 0..10 in integers; it
 *    never keeps an answer, so memory does not depend on their number.
 *    Beside them it counts the questions left without an answer (an empty
 *    score: a ticket nobody rated), which no figure includes: n counts
 *    answers only.
 *    Figures are computed from the counts alone, in floating point only at
 *    the end.  All percentages are in percent (0..100), NPS in points
 *    (-100..100), CES in scale steps (1..7).
 *  - Scales (crm_scale_lo/hi): nps 0-10, csat 1-5, ces 1-7.  A score outside
 *    the scale is bad input for the caller to report; it never reaches an
 *    accumulator.
 *  - NPS, over n answers with P promoters (9-10), D detractors (0-6) and
 *    n - P - D passives (7-8), p+ = P/n, p- = D/n:
 *        NPS    = 100 (p+ - p-)
 *        var    = p+ + p- - (p+ - p-)^2     (of the score +1/0/-1 per answer)
 *        SE     = 100 sqrt(var / n)
 *        margin = 1.96 SE                   (95%, Wald)
 *    and the adjusted-Wald 95% interval of Rocks (2016): n' = n + 3,
 *    p+' = (P + 3/4) / n', p-' = (D + 3/4) / n', centred on 100 (p+' - p-')
 *    with half-width 1.96 * 100 sqrt((p+' + p-' - (p+' - p-')^2) / n'),
 *    clipped to [-100, 100].
 *    B. Rocks, "Interval Estimation for the 'Net Promoter Score'", The
 *    American Statistician 70(4), 2016, pp. 365-372.
 *  - CSAT: the share of satisfied answers (4-5 on 1-5), S of n:
 *        CSAT = 100 S/n, SE = 100 sqrt(p (1 - p) / n), margin = 1.96 SE
 *    and the adjusted-Wald (Agresti-Coull 1998) interval: n' = n + 1.96^2,
 *    p' = (S + 1.96^2 / 2) / n', p' +- 1.96 sqrt(p' (1 - p') / n'), clipped
 *    to [0, 100].
 *  - CES: the mean score on 1-7; var = mean of squares - square of mean
 *    (divided by n, as for NPS), SE = sqrt(var / n), margin = 1.96 SE; the
 *    interval is mean +- margin, clipped to [1, 7].
 *  - Below CRM_NPS_SMALL_N answers a margin says little (the normal
 *    approximation behind it needs about 30): callers warn.
 *  - A change between two periods is larger than the noise when
 *        |value2 - value1| > 1.96 sqrt(SE1^2 + SE2^2)
 *    (a two-sided z test at 5% for two independent samples).
 */
#ifndef CRM_NPS_H
#define CRM_NPS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

enum crm_scale { CRM_SCALE_NPS, CRM_SCALE_CSAT, CRM_SCALE_CES };

#define CRM_NPS_SMALL_N 30
#define CRM_NPS_Z 1.96
#define CRM_SCORE_MAX 10

/* "nps", "csat", "ces" <-> the scale; -1 for an unknown name. */
int crm_scale_parse(const char *name);
const char *crm_scale_name(enum crm_scale s);
int crm_scale_lo(enum crm_scale s);
int crm_scale_hi(enum crm_scale s);

/* Why a score cell is bad, for the counts of skipped rows. */
enum crm_score_bad { CRM_SCORE_OK, CRM_SCORE_EMPTY, CRM_SCORE_NAN, CRM_SCORE_RANGE };

/* Read one score cell (surrounding space allowed): CRM_SCORE_OK with *score
 * set, or the class of fault with a reason in why[size] such as "is
 * outside the 0-10 scale" or "is not a number". */
enum crm_score_bad crm_score_parse(const char *s, enum crm_scale scale, int *score,
				   char *why, size_t size);

struct crm_nps_acc {
	long long count[CRM_SCORE_MAX + 1];   /* answers per score value */
	long long n;
	long long no_answer;                  /* empty scores, in no figure */
};

void crm_nps_acc_init(struct crm_nps_acc *a);
/* One answer more; score must be on the scale (0..10 at most). */
void crm_nps_add(struct crm_nps_acc *a, int score);
void crm_nps_add_many(struct crm_nps_acc *a, int score, long long count);
/* One question left without an answer. */
void crm_nps_add_none(struct crm_nps_acc *a);

struct crm_nps_result {
	enum crm_scale scale;
	long long n;
	long long no_answer;     /* the accumulator's, for the output */
	/* nps */
	long long promoters, passives, detractors;
	double promoters_pct, passives_pct, detractors_pct;
	double nps;
	/* csat */
	long long satisfied;
	double csat;
	/* ces */
	double ces_mean, ces_sd;
	/* the scale's headline figure (nps, csat or ces_mean) and its error */
	double value, se, margin;
	double low, high;        /* adjusted Wald (nps, csat); mean +- margin (ces) */
	int small;               /* 0 < n < CRM_NPS_SMALL_N */
};

/* The figures of the counts on a scale; with n = 0 every figure is 0 and
 * the caller shows them as missing. */
void crm_nps_compute(const struct crm_nps_acc *a, enum crm_scale scale,
		     struct crm_nps_result *r);

/* The change from prev to cur: sets *delta (cur - prev) and *noise
 * (1.96 sqrt(SE1^2 + SE2^2)) and returns 1 when |delta| > noise, 0 when
 * not, -1 when a period has no answers (nothing set). */
int crm_nps_change(const struct crm_nps_result *prev, const struct crm_nps_result *cur,
		   double *delta, double *noise);

/* Percent of num in den in tenths, rounded half away from zero, in
 * integers: crm_nps_tenths(1, 8) = 125 (12.5%); 0 when den is 0. */
long long crm_nps_tenths(long long num, long long den);
/* The NPS of the counts in tenths of a point, exactly: 100 (P - D) / n. */
long long crm_nps_tenths_nps(const struct crm_nps_result *r);
/* Write v with `decimals` decimals (0..6), rounded half away from zero and
 * never as "-0.0"; tenths as "12.5" with decimals 1 and scaled = 1. */
void crm_nps_format(double v, int decimals, char *out, size_t size);
void crm_nps_format_scaled(long long v, int decimals, char *out, size_t size);

/*
 * Count the answers of the database's responses answered in [from, to)
 * (canonical UTC times "YYYY-MM-DDTHH:MM:SSZ"; NULL for no bound; answers
 * without a time only when both are NULL) of `survey` (NULL: all) into acc.
 * Scores off the scale are counted in *bad, not added and not reported.
 * Returns CRM_OK or an exit code, having reported.  For crm-report.
 */
int crm_nps_db_range(struct crm_db *db, const char *from, const char *to, const char *survey,
		     enum crm_scale scale, struct crm_nps_acc *acc, long long *bad);

#endif
