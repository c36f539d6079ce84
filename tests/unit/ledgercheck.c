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
	else
		rc = CRM_EUSAGE;
	crm_db_close(&db);
	return rc;
}
