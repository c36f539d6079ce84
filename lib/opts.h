/*
 * opts.h - the options every crm command shares, parsed once.
 *
 * Contract: a command puts CRM_COMMON_LONGOPTS in its getopt_long table and
 * CRM_COMMON_SHORTOPTS in its short string, and hands every option it does not
 * know itself to crm_common_option():
 *   --db PATH, -t/--tsv, -d/--delimiter CHAR, --encoding NAME, --tz ZONE,
 *   -h/--help, --version
 * A delimiter of more than one character and an encoding iconv does not
 * know are usage errors, reported as soon as the option is read.
 * --help prints the command's usage text to standard output and exits 0;
 * --version prints "PROG (crm) VERSION" and exits 0.  Long-only options are
 * numbered from CRM_OPT_BASE so they never collide with short ones; a
 * command's own long-only options start at CRM_OPT_CMD.
 */
#ifndef CRM_OPTS_H
#define CRM_OPTS_H

#include <getopt.h>
#include <limits.h>

#include "csvio.h"
#include "norm.h"

struct crm_common {
	const char *db;            /* NULL: $CRM_DB or ./crm.db */
	struct crm_csv_opts csv;   /* delimiter and encoding of input and output */
	const char *tz;            /* NULL: $TZ, else UTC */
};

enum {
	CRM_OPT_BASE = CHAR_MAX + 1,
	CRM_OPT_DB = CRM_OPT_BASE,
	CRM_OPT_ENCODING,
	CRM_OPT_TZ,
	CRM_OPT_VERSION,
	CRM_OPT_CMD = CRM_OPT_BASE + 32,
};

#define CRM_COMMON_SHORTOPTS "td:h"
#define CRM_COMMON_LONGOPTS \
	{"db", required_argument, NULL, CRM_OPT_DB}, \
	{"tsv", no_argument, NULL, 't'}, \
	{"delimiter", required_argument, NULL, 'd'}, \
	{"encoding", required_argument, NULL, CRM_OPT_ENCODING}, \
	{"tz", required_argument, NULL, CRM_OPT_TZ}, \
	{"help", no_argument, NULL, 'h'}, \
	{"version", no_argument, NULL, CRM_OPT_VERSION}

void crm_common_init(struct crm_common *co);

/* Handle option `c`: returns 1 if it was a common option, 0 if not, or
 * CRM_EUSAGE negated (-2) after reporting a bad value.  --help and
 * --version exit here. */
int crm_common_option(struct crm_common *co, int c, const char *arg, const char *usage);

/* A command's own options: 0 when `c` was one (and its value good), else
 * nonzero after reporting. */
typedef int crm_own_option_fn(void *ctx, int c, const char *arg);
/* getopt_long over argv: the common options into *co, the command's own
 * to own(ctx, ...).  CRM_OK with optind past the options, or the exit
 * code of a usage error (reported). */
int crm_parse_options(struct crm_common *co, int argc, char **argv, const char *shortopts,
		      const struct option *longopts, const char *usage,
		      crm_own_option_fn *own, void *ctx);

/* The zone of --tz ($TZ, else UTC, when not given); NULL after reporting
 * the usage error that names the value.  crm_tz_close() it. */
struct crm_tz *crm_common_tz(const struct crm_common *co);

/* Is standard input a pipe or a file?  Not a terminal, and not cron's
 * /dev/null (a character device): those never pass for input data. */
int crm_stdin_is_data(void);
/* What a command that works with or without a database reads: the FILE
 * named (argv[0]), else "-" when standard input is data and no database is
 * named (--db or $CRM_DB), else NULL: the database. */
const char *crm_stream_path(const struct crm_common *co, int argc, char *const *argv);

/* Checked number parsing for option values (no atoi): returns 0 and sets
 * *out, or -1 when arg is not an integer within [min, max]. */
int crm_parse_long(const char *arg, long min, long max, long *out);

#endif
