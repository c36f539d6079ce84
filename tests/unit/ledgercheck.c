/*
 * ledgercheck - drive lib/ledger.c from the shell (tests only; ledger.bats).
 *
 *   ledgercheck DB draw CUSTOMER POINTS KIND AT [ORDER [REASON]]
 *                        draws POINTS in one BEGIN IMMEDIATE ... COMMIT and
 *                        prints the points taken
 *
 * Exit status: crm_exit's, 2 on a bad call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "diag.h"
#include "ledger.h"
#include "norm.h"

static int draw(struct crm_db *db, int argc, char **argv)
{
	struct crm_ledger_debit d = { 0 };
	int64_t taken;
	int rc;

	if (argc < 7)
		return CRM_EUSAGE;
	d.customer_id = argv[3];
	d.kind = argv[5];
	d.at = argv[6];
	d.order_id = argc > 7 ? argv[7] : NULL;
	d.reason = argc > 8 ? argv[8] : NULL;
	if ((rc = crm_db_begin_write(db)) != CRM_OK)
		return rc;
	if ((rc = crm_ledger_draw(db, &d, strtoll(argv[4], NULL, 10), &taken)) != CRM_OK) {
		crm_db_rollback(db);
		return rc;
	}
	if ((rc = crm_db_commit(db)) != CRM_OK)
		return rc;
	printf("%lld\n", (long long)taken);
	return CRM_OK;
}

static void print_figures(const char *id, const struct crm_ledger_figures *f)
{
	char day[CRM_DATE_LEN] = "-";

	if (f->next_expiry_at[0])
		crm_day_date(f->next_expiry_day, day);
	printf("%s %lld %lld %lld %lld %lld %lld %lld %lld %lld %s %lld\n", id,
	       (long long)f->earned, (long long)f->bonus, (long long)f->adjusted,
	       (long long)f->available, (long long)f->pending, (long long)f->redeemed,
	       (long long)f->expired, (long long)f->reversed, (long long)f->shortfall, day,
	       (long long)f->next_expiry_points);
}

/* D1 of DATE in $TZ (UTC when unset), the zone opened in *tz. */
static int day_end(const char *date, struct crm_tz **tz, char d1[CRM_TIME_LEN])
{
	const char *why = "", *tzname = getenv("TZ");
	int64_t day;

	*tz = NULL;
	if (crm_date_day(date, &day) < 0)
		return CRM_EUSAGE;
	if (!(*tz = crm_tz_open(tzname && *tzname ? tzname : "UTC", &why)) ||
	    crm_ledger_day_end(*tz, day, d1, &why) != CRM_OK) {
		fprintf(stderr, "ledgercheck: %s\n", why);
		crm_tz_close(*tz);
		return CRM_EUSAGE;
	}
	return CRM_OK;
}

static int check(struct crm_db *db, int argc, char **argv)
{
	struct crm_ledger_check c;
	struct crm_tz *tz;
	char d1[CRM_TIME_LEN];
	int rc;

	if (argc < 4 || (rc = day_end(argv[3], &tz, d1)) != CRM_OK)
		return CRM_EUSAGE;
	if ((rc = crm_ledger_check(db, tz, d1, stdout, &c)) == CRM_OK)
		printf("%lld customers, %lld entries, %lld violations\n", c.customers, c.entries,
		       c.violations);
	crm_tz_close(tz);
	return rc;
}

static int figures(struct crm_db *db, int argc, char **argv)
{
	const char *why = "", *tzname = getenv("TZ"), *id;
	char d1[CRM_TIME_LEN];
	struct crm_ledger_figures f;
	struct crm_ledger_iter *it;
	struct crm_tz *tz;
	int64_t day;
	int rc = CRM_OK, found;

	if (argc < 4 || crm_date_day(argv[3], &day) < 0)
		return CRM_EUSAGE;
	if (!(tz = crm_tz_open(tzname && *tzname ? tzname : "UTC", &why)) ||
	    crm_ledger_day_end(tz, day, d1, &why) != CRM_OK) {
		fprintf(stderr, "ledgercheck: %s\n", why);
		crm_tz_close(tz);
		return CRM_EUSAGE;
	}
	if (argc > 4) {
		if ((rc = crm_ledger_figures(db, tz, d1, argv[4], &f, &found)) == CRM_OK)
			print_figures(found ? argv[4] : "none", &f);
	} else if ((it = crm_ledger_figures_open(db, d1))) {
		while ((rc = crm_ledger_figures_next(it, tz, &id, &f)) == 1)
			print_figures(id, &f);
		rc = rc < 0 ? -rc : CRM_OK;
		crm_ledger_figures_close(it);
	} else {
		rc = crm_db_last_status(db);
	}
	crm_tz_close(tz);
	return rc;
}

int main(int argc, char **argv)
{
	struct crm_db db;
	int rc;

	crm_set_progname(argv[0]);
	if (argc < 3) {
		fprintf(stderr, "usage: ledgercheck DB VERB ARGS...\n");
		return CRM_EUSAGE;
	}
	if ((rc = crm_db_open(&db, argv[1], CRM_DB_WRITE)) != CRM_OK)
		return rc;
	if (!strcmp(argv[2], "draw"))
		rc = draw(&db, argc, argv);
	else if (!strcmp(argv[2], "check"))
		rc = check(&db, argc, argv);
	else if (!strcmp(argv[2], "figures"))
		rc = figures(&db, argc, argv);
	else
		rc = CRM_EUSAGE;
	crm_db_close(&db);
	return rc;
}
