/*
 * crm - run a crm command: "crm import ARGS" runs "crm-import ARGS".
 * The command is looked up beside this program first, then in PATH, so an
 * uninstalled build runs its own commands.  See crm(7).
 * "Beside this program": the directory of crm_self_path() (self.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "i18n.h"
#include "self.h"

static const char *const commands[][2] = {
	{"import", N_("bring shop exports (customers, orders, ...) into the database")},
	{"nps", N_("NPS, CSAT and CES of survey answers; the detractors to call back")},
	{"segment", N_("RFM scores and segments of customers, and who moved where")},
	{"coupon", N_("single-use coupon codes: issue, redeem, void, expire, list, stats")},
	{"loyalty", N_("loyalty points: earn, redeem, expire, tiers, balances, the ledger checked")},
	{"recommend", N_("what each customer may buy next; also-bought, rules, replenishment")},
	{"service", N_("the help desk in business hours: response times, SLA breaches, backlog")},
	{"feedback", N_("what customers say: topics and their trend, reviews waiting for a reply")},
	{"report", N_("the weekly customer report, for people and for cron")},
};

static void list_commands(FILE *out)
{
	size_t i;
	fputs(_("usage: crm COMMAND [ARGS...]\n       crm --help | --version\n\ncommands:\n"), out);
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i][0], _(commands[i][1]));
	fputs(_("\n'crm COMMAND --help' or man crm-COMMAND tells more; man 7 crm the conventions.\n"),
	      out);
}

static int known(const char *name)
{
	size_t i;
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i][0], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 80], prog[64], *slash;
	crm_set_progname(argv[0]);
	crm_i18n_init(argv[0]);
	if (argc < 2)
		return list_commands(stderr), CRM_EUSAGE;
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		list_commands(stdout);
		return crm_close_stdout(CRM_OK);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("crm %s\n", CRM_VERSION);
		return crm_close_stdout(CRM_OK);
	}
	if (!known(argv[1]))
		return crm_usage_error(_("'%s' is not a crm command"), argv[1]);
	snprintf(prog, sizeof prog, "crm-%s", argv[1]);
	argv[1] = prog;
	if (crm_self_path(argv[0], self) == 0 && (slash = strrchr(self, '/'))) {
		*slash = '\0';
		snprintf(path, sizeof path, "%s/%s", self, prog);
		if (access(path, X_OK) == 0)
			execv(path, argv + 1);
	}
	execvp(prog, argv + 1);
	crm_error(_("cannot run %s: %s"), prog, strerror(errno));
	return CRM_EIO;
}
