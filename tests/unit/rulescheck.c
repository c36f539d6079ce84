/*
 * rulescheck - drive the segment rules of lib/rules.c from the shell (tests only).
 *
 *   rulescheck RULES_FILE CURRENCY                    the segments, one a line
 *   rulescheck RULES_FILE CURRENCY [r f m R F M tenure]...
 *                                                     per group of seven figures
 *                                                     (m in minor units), the
 *                                                     segment matched, or "-"
 *
 * CURRENCY "-" means none.  When the file does not load, the loader's message
 * is printed to standard error as it is, and the status is its exit code
 * (2 bad content, 3 cannot read).  Usage errors exit 2.
 */
#include "rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static int usage(void)
{
	fputs("usage: rulescheck RULES_FILE CURRENCY [r f m R F M tenure]...\n", stderr);
	return CRM_EUSAGE;
}

static int parse_figures(char **argv, struct crm_rule_vals *v)
{
	for (int i = 0; i < CRM_RV_N; i++) {
		char *end;
		errno = 0;
		long long x = strtoll(argv[i], &end, 10);
		if (end == argv[i] || *end || errno) {
			fprintf(stderr, "rulescheck: '%s' is not a figure\n", argv[i]);
			return -1;
		}
		v->v[i] = x;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char err[512];
	int code = 0, status = CRM_OK;

	if (argc < 3 || (argc - 3) % CRM_RV_N != 0)
		return usage();
	const char *currency = strcmp(argv[2], "-") ? argv[2] : NULL;
	struct crm_rules *rs = crm_rules_load(argv[1], currency, err, sizeof err, &code);
	if (!rs) {
		fprintf(stderr, "%s\n", err);
		return code;
	}
	if (argc == 3) {
		for (int i = 0; i < crm_rules_nsegments(rs); i++)
			puts(crm_rules_segment(rs, i));
	}
	for (int a = 3; a < argc; a += CRM_RV_N) {
		struct crm_rule_vals v;
		if (parse_figures(argv + a, &v) < 0) {
			status = CRM_EUSAGE;
			break;
		}
		int s = crm_rules_match(rs, &v);
		puts(s < 0 ? "-" : crm_rules_segment(rs, s));
	}
	crm_rules_free(rs);
	return crm_close_stdout(status);
}
