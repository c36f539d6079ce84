/* crm-import - bring shop exports into the crm database.  See crm-import(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "diag.h"
#include "entity.h"
#include "i18n.h"
#include "import.h"
#include "opts.h"

static const char usage[] = N_(
	"usage: crm-import [--db PATH] [-t | -d CHAR] [--encoding NAME] [--tz ZONE]\n"
	"                  [--map COLUMN=HEADER]... [--map-value COLUMN:FROM=TO]...\n"
	"                  [--map-value-file FILE] [--currency CODE] [--default-country CC]\n"
	"                  [--date-order mdy|dmy] [--rejects FILE] [--strict] [--dry-run]\n"
	"                  [-q] ENTITY [FILE...]\n"
	"       crm-import --columns ENTITY\n"
	"\n"
	"ENTITY is customers, orders, order_items, tickets, reviews or responses.\n"
	"Reads standard input when no FILE is named.  See crm-import(1).\n");

enum { OPT_REJECTS = CRM_OPT_CMD, OPT_STRICT, OPT_DRY_RUN, OPT_COUNTRY, OPT_COLUMNS };

static const struct option longopts[] = {
	CRM_COMMON_LONGOPTS,
	CRM_INPUT_LONGOPTS,
	{"rejects", required_argument, NULL, OPT_REJECTS},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"default-country", required_argument, NULL, OPT_COUNTRY},
	{"columns", required_argument, NULL, OPT_COLUMNS},
	{"quiet", no_argument, NULL, 'q'},
	{NULL, 0, NULL, 0},
};

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

static int unknown_entity(const char *name)
{
	return crm_usage_error(_("unknown entity '%s' (one of %s)"), name, crm_entity_names());
}

static int own_option(void *ctx, int c, const char *arg)
{
	struct crm_import_opts *o = ctx;
	switch (c) {
	case CRM_OPT_MAP:
	case CRM_OPT_DATE_ORDER:
	case CRM_OPT_CURRENCY:
	case CRM_OPT_MAP_VALUE:
	case CRM_OPT_MAP_VALUE_FILE:
		return crm_input_option(&o->in, c, arg);
	case OPT_REJECTS: o->rejects = arg; return 0;
	case OPT_STRICT: o->strict = 1; return 0;
	case OPT_DRY_RUN: o->dry_run = 1; return 0;
	case 'q': o->quiet = 1; return 0;
	case OPT_COUNTRY:
		if (crm_country_calling_code(arg) < 0)
			return crm_usage_error(_("--default-country '%s': not a country crm knows the "
					       "calling code of"), arg);
		o->country = arg;
		return 0;
	case OPT_COLUMNS:
		if (crm_entity_describe(arg, stdout) < 0)
			return unknown_entity(arg);
		exit(crm_close_stdout(CRM_OK));
	}
	return crm_usage_error(_("unknown option"));
}

int main(int argc, char **argv)
{
	struct crm_common co;
	struct crm_import_opts o;
	struct crm_import_counts counts;
	struct crm_db db;
	struct crm_tz *tz;
	const char *path;
	int rc;

	crm_set_progname(argv[0]);
	crm_i18n_init(argv[0]);
	argv[0] = (char *)crm_progname;     /* getopt's messages use it */
	crm_common_init(&co);
	memset(&o, 0, sizeof o);
	crm_input_init(&o.in);
	if (own_option(&o, OPT_COUNTRY, env_or("CRM_COUNTRY", "KR")))
		return CRM_EUSAGE;
	if ((rc = crm_parse_options(&co, argc, argv, CRM_COMMON_SHORTOPTS "q", longopts, usage,
				    own_option, &o)) != CRM_OK)
		return rc;
	if (crm_input_env(&o.in) != 0)
		return CRM_EUSAGE;
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return crm_usage_error(_("no entity given (one of %s)"), crm_entity_names());
	if (!(o.entity = crm_entity_find(argv[0])))
		return unknown_entity(argv[0]);
	if (crm_input_entity(&o.in, o.entity) != 0)
		return CRM_EUSAGE;
	o.csv = co.csv;
	if (!(tz = crm_common_tz(&co)))
		return CRM_EUSAGE;
	o.tz = tz;
	path = crm_db_path(co.db);
	if (o.rejects && crm_import_check_rejects(o.rejects, path, argv + 1, argc - 1) != CRM_OK) {
		crm_tz_close(tz);
		return CRM_EUSAGE;
	}
	if (o.dry_run && access(path, F_OK) != 0)
		path = ":memory:";      /* a dry run creates no database file */

	if ((rc = crm_db_open(&db, path, CRM_DB_CREATE)) != CRM_OK) {
		crm_error(_("nothing was imported"));
		crm_db_close(&db);
		crm_tz_close(tz);
		return rc;
	}
	rc = crm_import(&db, &o, argv + 1, argc - 1, &counts);
	if (!counts.aborted && (rc == CRM_OK || counts.read))
		if (!o.quiet || rc != CRM_OK)
			crm_import_summary(&o, &counts, stderr);
	crm_db_close(&db);
	crm_tz_close(tz);
	return crm_close_stdout(rc);
}
