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
 *
 * The input options of the commands that read exports are written down
 * once too: a command puts CRM_INPUT_LONGOPTS (or the one macro of each
 * option it takes) in its table, and hands CRM_OPT_MAP, CRM_OPT_DATE_ORDER
 * CRM_OPT_CURRENCY, CRM_OPT_MAP_VALUE and CRM_OPT_MAP_VALUE_FILE to
 * crm_input_option():
 *   --map COLUMN=HEADER (at most CRM_MAX_MAPS), --date-order mdy|dmy,
 *   --currency CODE (an ISO 4217 code, kept in upper case),
 *   --map-value COLUMN:FROM=TO and --map-value-file FILE (one COLUMN:FROM=TO
 *   a line; blank lines and lines starting with '#' skipped), together at
 *   most CRM_VALUE_MAPS_MAX maps (entity.h), in the order given
 * A bad value is a usage error reported as soon as the option is read; a
 * bad line of a --map-value-file is one too, reported as FILE:LINE without
 * the --help hint (as crm-segment --rules reports its file).  What needs
 * the entity (does it have COLUMN, does the column take TO) is checked
 * once it is known: crm_input_entity() for crm-import, crm_stream_read()
 * for a stream.
 * $CRM_CURRENCY is read by crm_input_env() alone, and only by the commands
 * whose --currency is the currency of amounts that name none (crm-import,
 * crm-coupon); for crm-segment and crm-report --currency chooses which
 * orders to count or show, which no environment should do unasked.
 */
#ifndef CRM_OPTS_H
#define CRM_OPTS_H

#include <getopt.h>
#include <limits.h>

#include "csvio.h"
#include "entity.h"
#include "norm.h"
#include "period.h"

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
	CRM_OPT_MAP,
	CRM_OPT_DATE_ORDER,
	CRM_OPT_CURRENCY,
	CRM_OPT_MAP_VALUE,
	CRM_OPT_MAP_VALUE_FILE,
	CRM_OPT_PERIOD,
	CRM_OPT_FROM,
	CRM_OPT_TO,
	CRM_OPT_WEEK_START,
	CRM_OPT_AS_OF,
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

#define CRM_MAX_MAPS 64

struct crm_input {
	const char *map[CRM_MAX_MAPS];   /* "canonical=Header" */
	int nmap;
	enum crm_date_order date_order;  /* of dates like 03/10/2025; CRM_MDY */
	char currency[4];                /* upper case; "" when not given */
	struct crm_value_maps vmap;      /* --map-value, --map-value-file */
};

#define CRM_INPUT_MAP {"map", required_argument, NULL, CRM_OPT_MAP}
#define CRM_INPUT_DATE_ORDER {"date-order", required_argument, NULL, CRM_OPT_DATE_ORDER}
#define CRM_INPUT_CURRENCY {"currency", required_argument, NULL, CRM_OPT_CURRENCY}
#define CRM_INPUT_MAP_VALUE {"map-value", required_argument, NULL, CRM_OPT_MAP_VALUE}, \
	{"map-value-file", required_argument, NULL, CRM_OPT_MAP_VALUE_FILE}
#define CRM_INPUT_LONGOPTS CRM_INPUT_MAP, CRM_INPUT_DATE_ORDER, CRM_INPUT_CURRENCY, \
	CRM_INPUT_MAP_VALUE

void crm_input_init(struct crm_input *in);
/* Option `c` (one of those above): 0 when its value is good, else
 * CRM_EUSAGE after reporting it, or CRM_EIO for a --map-value-file that
 * cannot be opened or read; crm_own_option_fn's convention. */
int crm_input_option(struct crm_input *in, int c, const char *arg);
/* Once the entity is known: 0 when the --map-value maps suit it, else
 * CRM_EUSAGE after reporting the first that does not. */
int crm_input_entity(const struct crm_input *in, const struct crm_entity *e);
/* After the options: the currency from $CRM_CURRENCY when --currency was
 * not given (unset or empty: none).  0, or CRM_EUSAGE after reporting a
 * bad value as --currency's would be. */
int crm_input_env(struct crm_input *in);
/* The currency, or NULL when there is none. */
const char *crm_input_currency(const struct crm_input *in);

/* Handle option `c`: returns 1 if it was a common option, 0 if not, or
 * CRM_EUSAGE negated (-2) after reporting a bad value.  --help and
 * --version exit here; --help prints `usage` in the message language (the
 * command marks its text N_()). */
int crm_common_option(struct crm_common *co, int c, const char *arg, const char *usage);

/* A command's own options: 0 when `c` was one (and its value good), else
 * nonzero after reporting: CRM_EIO for a file it names that cannot be read
 * (--map-value-file), any other value for a usage error. */
typedef int crm_own_option_fn(void *ctx, int c, const char *arg);
/* getopt_long over argv: the common options into *co, the command's own
 * to own(ctx, ...).  CRM_OK with optind past the options, or the exit
 * code of a usage error, or CRM_EIO for a file an option names that cannot
 * be read (reported). */
int crm_parse_options(struct crm_common *co, int argc, char **argv, const char *shortopts,
		      const struct option *longopts, const char *usage,
		      crm_own_option_fn *own, void *ctx);

/* The zone of --tz ($TZ, else UTC, when not given or empty); NULL after
 * reporting the usage error that names the value and where it came from
 * (--tz, or the TZ environment variable).  crm_tz_close() it. */
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
/* A number option's value in [min, max] into *out: 0, or CRM_EUSAGE after
 * reporting "NAME 'ARG': expected a whole number of UNIT from MIN to MAX"
 * (unit NULL: "a whole number from MIN to MAX"), one message for a value
 * that is no number and for one out of range, so the range is always said. */
int crm_number_option(const char *name, const char *arg, long min, long max,
		      const char *unit, long *out);
/* A number of days, "N" or "Nd" ("Nd" only when need_d), in [min, max],
 * into *out: 0, or CRM_EUSAGE after reporting "NAME 'ARG': expected N or
 * Nd, N a whole number of days from MIN to MAX" ("expected Nd, ..."). */
int crm_days_option(const char *name, const char *arg, long min, long max, int need_d,
		    long *out);
/* A share from 0 to 1 written as a plain decimal (1, 0.05, .05; no sign,
 * exponent or blank) into *out: 0, or CRM_EUSAGE after reporting "NAME
 * 'ARG': expected a number from 0 to 1". */
int crm_share_option(const char *name, const char *arg, double *out);

/* ---- the period of a report -------------------------------------------- */

/*
 * The commands that report on a period (crm-report, crm-service) take it
 * the same way: --period SPEC (period.h's forms) or --from DATE --to DATE
 * (inclusive local days), relative to --as-of DATE (default: today in the
 * zone), weeks starting on --week-start DAY (default Monday).  A command
 * puts CRM_PERIOD_LONGOPTS in its table and hands CRM_OPT_PERIOD ..
 * CRM_OPT_AS_OF to crm_period_option().
 */
struct crm_period_opts {
	const char *period, *from, *to, *as_of;
	int week_start;                  /* 1 Monday ... 7 Sunday */
};

#define CRM_PERIOD_LONGOPTS \
	{"period", required_argument, NULL, CRM_OPT_PERIOD}, \
	{"from", required_argument, NULL, CRM_OPT_FROM}, \
	{"to", required_argument, NULL, CRM_OPT_TO}, \
	{"week-start", required_argument, NULL, CRM_OPT_WEEK_START}, \
	{"as-of", required_argument, NULL, CRM_OPT_AS_OF}

void crm_period_opts_init(struct crm_period_opts *po);
/* Option `c` (one of those above): 0, or CRM_EUSAGE after reporting a bad
 * --week-start. */
int crm_period_option(struct crm_period_opts *po, int c, const char *arg);
/* The period asked for (def when none is: "last-week"), and the as-of day
 * in *today: CRM_OK, or CRM_EUSAGE after reporting what is wrong (a bad
 * date or spec, --from without --to, both forms at once). */
int crm_period_choose(const struct crm_period_opts *po, const struct crm_tz *tz,
		      const char *def, struct crm_period *p, int64_t *today);

/* ---- verbs --------------------------------------------------------------- */

/*
 * Commands made of verbs (crm-coupon, crm-loyalty): the common options
 * before the verb, then the verb's own and the common ones anywhere after
 * it, and its operands, as GNU getopt_long permutes them.  Each verb names
 * its long options (CRM_COMMON_LONGOPTS among them) and its short ones
 * ("+" CRM_COMMON_SHORTOPTS ...); the command keeps what a verb does in a
 * table of its own, indexed as its crm_verb table.
 */
struct crm_verb {
	const char *name;
	const struct option *opts;
	const char *shortopts;
};

struct crm_command {
	/* in */
	struct crm_common *co;
	const char *usage;
	const struct option *common_opts;  /* before the verb: read with "+" CRM_COMMON_SHORTOPTS */
	crm_own_option_fn *own;
	void *ctx;
	const struct crm_verb *verbs;
	int nverbs;
	/* out */
	int verb;                          /* index in verbs */
	int argc;                          /* the verb's operands */
	char **argv;
};

/* The index of verb `name` in verbs[n], or -1. */
int crm_find_verb(const struct crm_verb *verbs, int n, const char *name);
/* Parse argv as the command's verbs say: CRM_OK with cmd->verb, argc and
 * argv set, or the exit code of a usage error ("no verb given (a, b or c)",
 * "unknown verb 'x' (a, b or c)", an option's) or CRM_EIO (an unreadable
 * file an option names), reported. */
int crm_parse_command(struct crm_command *cmd, int argc, char **argv);

/* ---- the clock ----------------------------------------------------------- */

/* The real time now as a canonical UTC time: the system's, or that of
 * $CRM_TEST_CLOCK (any form crm_parse_time reads, local times in tz) for
 * the test suite.  CRM_OK, or CRM_EUSAGE after reporting a bad
 * $CRM_TEST_CLOCK. */
int crm_clock(const struct crm_tz *tz, char out[CRM_TIME_LEN]);

#endif
