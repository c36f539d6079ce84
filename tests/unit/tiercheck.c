/*
 * tiercheck - drive crm_tier_counts() of lib/loyalty_tier.c from the shell
 * (tests only; loyalty_tier.bats), as helper B's stats and the report call it.
 *
 *   tiercheck counts DB PROGRAM FROM END
 *       the members of each tier at END and the moves in [FROM, END)
 *       (FROM '-': since the beginning), ranked by the program file PROGRAM
 *       ('-': none): "NAME rank R members M in I out O up U down D" a tier,
 *       then "moves N up U down D"; exit status the call's
 */
#include "loyalty_tier.h"

#include <stdio.h>
#include <string.h>

#include "diag.h"

static int counts(const char *path, const char *prog, const char *from, const char *end)
{
	struct crm_loyalty_program p;
	struct crm_tier_counts c;
	struct crm_db db;
	char err[512];
	int rc;
	if (strcmp(prog, "-") && crm_loyalty_program_load(prog, &p, err, sizeof err) != CRM_OK) {
		crm_error("%s", err);
		return CRM_EUSAGE;
	}
	if ((rc = crm_db_open(&db, path, CRM_DB_READ)) != CRM_OK)
		return rc;
	rc = crm_tier_counts(&db, strcmp(prog, "-") ? &p : NULL, strcmp(from, "-") ? from : NULL,
			     end, &c);
	for (size_t i = 0; rc == CRM_OK && i < c.n; i++)
		printf("%s rank %d members %lld in %lld out %lld up %lld down %lld\n", c.v[i].name,
		       c.v[i].rank, (long long)c.v[i].members, (long long)c.v[i].in,
		       (long long)c.v[i].out, (long long)c.v[i].up, (long long)c.v[i].down);
	if (rc == CRM_OK)
		printf("moves %lld up %lld down %lld\n", (long long)c.moves, (long long)c.ups,
		       (long long)c.downs);
	crm_tier_counts_release(&c);
	crm_db_close(&db);
	return rc;
}

int main(int argc, char **argv)
{
	crm_set_progname(argv[0]);
	if (argc == 6 && !strcmp(argv[1], "counts"))
		return counts(argv[2], argv[3], argv[4], argv[5]);
	fprintf(stderr, "usage: tiercheck counts DB PROGRAM FROM END\n");
	return CRM_EUSAGE;
}
