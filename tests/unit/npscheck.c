/*
 * npscheck - drive the parts of nps.h that crm-nps itself does not reach.
 *   npscheck range DB FROM|- TO|- SCALE   crm_nps_db_range over [FROM, TO):
 *                                         "n=N counts=C0,...,C10 bad=B nps=X"
 *   npscheck format                       rounding of figures, text widths
 * Driven by nps.bats.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "diag.h"
#include "norm.h"
#include "nps.h"

static const char *bound(const char *arg)
{
	return strcmp(arg, "-") ? arg : NULL;
}

static int range(char **argv)
{
	struct crm_db db;
	struct crm_nps_acc acc;
	struct crm_nps_result r;
	long long bad = 0;
	char buf[32];
	int rc, i, scale = crm_scale_parse(argv[3]);
	if (scale < 0 || (rc = crm_db_open(&db, argv[0], CRM_DB_READ)) != CRM_OK)
		return 2;
	crm_nps_acc_init(&acc);
	rc = crm_nps_db_range(&db, bound(argv[1]), bound(argv[2]), NULL, scale, &acc, &bad);
	crm_db_close(&db);
	if (rc != CRM_OK)
		return rc;
	crm_nps_compute(&acc, CRM_SCALE_NPS, &r);
	crm_nps_format_scaled(crm_nps_tenths_nps(&r), 1, buf, sizeof buf);
	printf("n=%lld counts=", acc.n);
	for (i = 0; i <= CRM_SCORE_MAX; i++)
		printf("%s%lld", i ? "," : "", acc.count[i]);
	printf(" bad=%lld nps=%s\n", bad, buf);
	return 0;
}

/* One figure of the format line, after a space but the first. */
static void show(const char *s)
{
	static int n;
	printf("%s%s", n++ ? " " : "", s);
}

static void show_tenths(long long num, long long den)
{
	char buf[32];
	crm_nps_format_scaled(crm_nps_tenths(num, den), 1, buf, sizeof buf);
	show(buf);
}

static void show_fixed(double v)
{
	char buf[32];
	crm_nps_format(v, 1, buf, sizeof buf);
	show(buf);
}

static int format(void)
{
	show_tenths(1, 8);
	show_tenths(-1, 8);
	show_fixed(-0.04);
	show_tenths(0, 5);
	show_fixed(-0.05);
	show_tenths(1, 3);
	show_tenths(2, 3);
	show_tenths(-2, 3);
	printf("\nwidths %zu %zu %zu %zu\n", crm_utf8_width("abc"), crm_utf8_width("이메일"),
	       crm_utf8_width("ab\xff" "cd"), crm_utf8_width("e\xcc\x81"));
	return 0;
}

int main(int argc, char **argv)
{
	crm_set_progname("npscheck");
	if (argc == 6 && !strcmp(argv[1], "range"))
		return range(argv + 2);
	if (argc == 2 && !strcmp(argv[1], "format"))
		return format();
	fputs("usage: npscheck range DB FROM|- TO|- SCALE | npscheck format\n", stderr);
	return 2;
}
