/* opts.c - the shared options; see opts.h. */
#include "i18n.h"
#include "opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "textfile.h"

#ifndef CRM_VERSION
#define CRM_VERSION "0"
#endif

void crm_common_init(struct crm_common *co)
{
	co->db = NULL;
	co->csv.delim = ',';
	co->csv.encoding = NULL;
	co->tz = NULL;
}

int crm_common_option(struct crm_common *co, int c, const char *arg, const char *usage)
{
	const char *why = "";
	int rc;
	switch (c) {
	case CRM_OPT_DB:
		co->db = arg;
		return 1;
	case 't':
		co->csv.delim = '\t';
		return 1;
	case 'd':
		if ((rc = crm_parse_delim(arg, &co->csv.delim, &why)) < 0) {
			if (rc == -1)
				crm_usage_error(_("the delimiter %s, not '%s'"), why, arg);
			else
				crm_usage_error(_("the delimiter %s"), why);
			return -CRM_EUSAGE;
		}
		return 1;
	case CRM_OPT_ENCODING:
		if (!crm_encoding_known(arg)) {
			crm_usage_error(_("--encoding '%s': not an encoding iconv knows (try cp949, "
					"euc-kr, latin1, cp1252)"), arg);
			return -CRM_EUSAGE;
		}
		co->csv.encoding = arg;
		return 1;
	case CRM_OPT_TZ:
		co->tz = arg;
		return 1;
	case 'h':
		fputs(_(usage), stdout);
		exit(crm_close_stdout(CRM_OK));
	case CRM_OPT_VERSION:
		printf("%s (crm) %s\n", crm_progname, CRM_VERSION);
		exit(crm_close_stdout(CRM_OK));
	case '?':
		fprintf(stderr, _("Try '%s --help' for more information.\n"), crm_progname);
		return -CRM_EUSAGE;
	default:
		return 0;
	}
}

void crm_input_init(struct crm_input *in)
{
	memset(in, 0, sizeof *in);
	in->date_order = CRM_MDY;
}

static int currency_option(struct crm_input *in, const char *arg)
{
	int i;
	if (strlen(arg) != 3 || crm_currency_exponent(arg) < 0)
		return crm_usage_error(_("--currency '%s': not a known ISO 4217 code"), arg);
	for (i = 0; i < 3; i++)      /* stored codes are upper case */
		in->currency[i] = (char)(arg[i] >= 'a' && arg[i] <= 'z' ? arg[i] - 32 : arg[i]);
	in->currency[3] = '\0';
	return 0;
}

/* Add one COLUMN:FROM=TO, from file:line (file NULL: --map-value): 0, or
 * the reason it is refused in why. */
static int add_value_map(struct crm_input *in, const char *spec, const char *file, long line,
			 const char **why)
{
	struct crm_value_map *m = &in->vmap.m[in->vmap.n];
	if (in->vmap.n == CRM_VALUE_MAPS_MAX) {
		_Static_assert(CRM_VALUE_MAPS_MAX == 256, "the message names the cap");
		*why = _("too many value maps (at most 256)");
		return -1;
	}
	if (crm_value_map_parse(spec, m, why) < 0)
		return -1;
	m->file = file;
	m->line = line;
	in->vmap.n++;
	return 0;
}

static int value_map_option(struct crm_input *in, const char *arg)
{
	const char *why = "";
	char q[128];
	if (add_value_map(in, arg, NULL, 0, &why) < 0)
		return crm_usage_error(_("--map-value %s: %s"), crm_quote(arg, q, sizeof q), why);
	return 0;
}

/* A line to skip: blank, or a comment. */
static int map_line_blank(const char *s)
{
	s += strspn(s, " \t");
	return !*s || *s == '#';
}

static int value_map_file(struct crm_input *in, const char *path)
{
	struct crm_textfile *tf;
	struct crm_text_line l;
	const char *why = "";
	char err[1024], q[128];
	int rc;
	if (!(tf = crm_textfile_open(path, err, sizeof err))) {
		crm_error("%s", err);
		return CRM_EIO;
	}
	while ((rc = crm_textfile_next(tf, &l, err, sizeof err)) > 0) {
		if (map_line_blank(l.s))
			continue;
		if (add_value_map(in, l.s, path, l.lineno, &why) < 0) {
			crm_error_at(path, l.lineno, "%s: %s", crm_quote(l.s, q, sizeof q), why);
			break;
		}
	}
	crm_textfile_close(tf);
	if (rc < 0)
		crm_error("%s", err);
	if (rc == -CRM_EIO)
		return CRM_EIO;
	return rc < 0 || *why ? CRM_EUSAGE : 0;
}

int crm_input_entity(const struct crm_input *in, const struct crm_entity *e)
{
	char err[1024];
	if (crm_value_maps_check(e, &in->vmap, err, sizeof err) < 0)
		return crm_usage_error("%s", err);
	return 0;
}

int crm_input_option(struct crm_input *in, int c, const char *arg)
{
	switch (c) {
	case CRM_OPT_MAP:
		if (in->nmap == CRM_MAX_MAPS)
			return crm_usage_error(_("too many --map options (at most %d)"), CRM_MAX_MAPS);
		in->map[in->nmap++] = arg;
		return 0;
	case CRM_OPT_DATE_ORDER:
		if (strcmp(arg, "mdy") && strcmp(arg, "dmy"))
			return crm_usage_error(_("--date-order must be mdy or dmy, not '%s'"), arg);
		in->date_order = arg[0] == 'd' ? CRM_DMY : CRM_MDY;
		return 0;
	case CRM_OPT_CURRENCY:
		return currency_option(in, arg);
	case CRM_OPT_MAP_VALUE:
		return value_map_option(in, arg);
	case CRM_OPT_MAP_VALUE_FILE:
		return value_map_file(in, arg);
	}
	return crm_usage_error(_("unknown option"));
}

int crm_input_env(struct crm_input *in)
{
	const char *env = getenv("CRM_CURRENCY");
	if (in->currency[0] || !env || !*env)
		return 0;
	return currency_option(in, env);
}

const char *crm_input_currency(const struct crm_input *in)
{
	return in->currency[0] ? in->currency : NULL;
}

struct crm_tz *crm_common_tz(const struct crm_common *co)
{
	const char *why = "";
	struct crm_tz *tz = crm_tz_open(co->tz, &why);
	if (tz)
		return tz;
	/* an empty --tz means $TZ too: name what was read */
	if (co->tz && *co->tz)
		crm_usage_error(_("--tz '%s' %s"), co->tz, why);
	else
		crm_usage_error(_("the TZ environment variable '%s' %s"), getenv("TZ"), why);
	return NULL;
}

int crm_parse_options(struct crm_common *co, int argc, char **argv, const char *shortopts,
		      const struct option *longopts, const char *usage,
		      crm_own_option_fn *own, void *ctx)
{
	int c, rc;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if ((rc = crm_common_option(co, c, optarg, usage)) < 0)
			return -rc;
		if (rc == 0 && (rc = own(ctx, c, optarg)) != 0)
			return rc == CRM_EIO ? CRM_EIO : CRM_EUSAGE;   /* an unreadable file */
	}
	return CRM_OK;
}

int crm_parse_long(const char *arg, long min, long max, long *out)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int crm_number_option(const char *name, const char *arg, long min, long max,
		      const char *unit, long *out)
{
	if (crm_parse_long(arg, min, max, out) == 0)
		return 0;
	if (unit)
		return crm_usage_error(_("%s '%s': expected a whole number of %s from %ld to %ld"),
				       name, arg, unit, min, max);
	return crm_usage_error(_("%s '%s': expected a whole number from %ld to %ld"), name, arg,
			       min, max);
}

int crm_days_option(const char *name, const char *arg, long min, long max, int need_d,
		    long *out)
{
	size_t n = strlen(arg);
	char num[16];
	int has_d = n > 0 && arg[n - 1] == 'd';
	if (has_d)
		n--;
	if ((has_d || !need_d) && n < sizeof num) {
		memcpy(num, arg, n);
		num[n] = '\0';
		if (crm_parse_long(num, min, max, out) == 0)
			return 0;
	}
	return crm_usage_error(_("%s '%s': expected %s, N a whole number of days from %ld to %ld"),
			       name, arg, need_d ? "Nd" : _("N or Nd"), min, max);
}

void crm_period_opts_init(struct crm_period_opts *po)
{
	memset(po, 0, sizeof *po);
	po->week_start = 1;
}

static int week_start_option(struct crm_period_opts *po, const char *arg)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	int i;
	for (i = 0; i < 7; i++)
		if (!strncasecmp(arg, days[i], 3) && strlen(arg) >= 3) {
			po->week_start = i + 1;
			return 0;
		}
	return crm_usage_error(_("--week-start '%s': expected a day of the week (mon, sun, ...)"), arg);
}

int crm_period_option(struct crm_period_opts *po, int c, const char *arg)
{
	switch (c) {
	case CRM_OPT_PERIOD: po->period = arg; return 0;
	case CRM_OPT_FROM: po->from = arg; return 0;
	case CRM_OPT_TO: po->to = arg; return 0;
	case CRM_OPT_AS_OF: po->as_of = arg; return 0;
	case CRM_OPT_WEEK_START: return week_start_option(po, arg);
	}
	return crm_usage_error(_("unknown option"));
}

int crm_period_choose(const struct crm_period_opts *po, const struct crm_tz *tz,
		      const char *def, struct crm_period *p, int64_t *today)
{
	const char *why;
	if (po->as_of) {
		if (crm_date_day(po->as_of, today) < 0)
			return crm_usage_error(_("--as-of '%s' is not a date (YYYY-MM-DD)"), po->as_of);
	} else {
		*today = crm_local_day(tz, (int64_t)time(NULL));
	}
	if (po->from || po->to) {
		if (!po->from || !po->to || po->period)
			return crm_usage_error(_("--from and --to go together, without --period"));
		if (crm_period_span(po->from, po->to, p, &why) < 0)
			return crm_usage_error(_("--from %s --to %s: %s"), po->from, po->to, why);
		return CRM_OK;
	}
	if (crm_period_parse(po->period ? po->period : def, *today, po->week_start, p, &why) < 0)
		return crm_usage_error(_("--period '%s': %s"), po->period ? po->period : def, why);
	return CRM_OK;
}

int crm_share_option(const char *name, const char *arg, double *out)
{
	char *end;
	double v;
	errno = 0;
	v = strtod(arg, &end);
	if (strspn(arg, "0123456789.") != strlen(arg) || end == arg || *end || errno ||
	    !(v >= 0 && v <= 1))
		return crm_usage_error(_("%s '%s': expected a number from 0 to 1"), name, arg);
	*out = v;
	return 0;
}

int crm_stdin_is_data(void)
{
	struct stat st;
	return fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode));
}

const char *crm_stream_path(const struct crm_common *co, int argc, char *const *argv)
{
	const char *env = getenv("CRM_DB");
	if (argc > 0)
		return argv[0];
	if (co->db || (env && *env))
		return NULL;
	return crm_stdin_is_data() ? "-" : NULL;
}

/* ---- verbs --------------------------------------------------------------- */

int crm_find_verb(const struct crm_verb *verbs, int n, const char *name)
{
	int i;
	for (i = 0; i < n; i++)
		if (!strcmp(verbs[i].name, name))
			return i;
	return -1;
}

/* One option that getopt_long returned; CRM_OK or an exit code. */
static int take_option(struct crm_command *cmd, int opt)
{
	int rc = crm_common_option(cmd->co, opt, optarg, cmd->usage);
	if (rc < 0)
		return -rc;
	if (rc == 0 && (rc = cmd->own(cmd->ctx, opt, optarg)) != 0)
		return rc == CRM_EIO ? CRM_EIO : CRM_EUSAGE;     /* an unreadable file */
	return CRM_OK;
}

/*
 * The verb's own and the common options anywhere after it, and its
 * operands, as GNU getopt_long permutes them: the scan goes on from the
 * verb in the order given ("+") and gathers each operand it stops at, up
 * to a "--" (getopt stepped past it: the rest are operands).  Resuming
 * the one scan needs no reset of getopt, which has no portable form: POSIX
 * resets with optind = 1, which glibc takes for "go on in the same mode"
 * (it starts afresh, permuting or not, only from optind = 0, which POSIX
 * leaves undefined).
 */
static int parse_verb(struct crm_command *cmd, int argc, char **argv)
{
	const struct crm_verb *v = &cmd->verbs[cmd->verb];
	char **ops = argv + optind;
	int n = 0, at, opt, rc;
	while (optind < argc) {
		at = optind;
		if ((opt = getopt_long(argc, argv, v->shortopts, v->opts, NULL)) != -1) {
			if ((rc = take_option(cmd, opt)) != CRM_OK)
				return rc;
		} else if (optind > at) {
			break;
		} else {
			ops[n++] = argv[optind++];
		}
	}
	while (optind < argc)
		ops[n++] = argv[optind++];
	cmd->argc = n;
	cmd->argv = ops;
	return CRM_OK;
}

/* "a, b or c" of the verbs' names. */
static void verb_list(const struct crm_command *cmd, char *buf, size_t size)
{
	size_t len = 0;
	int i;
	buf[0] = '\0';
	for (i = 0; i < cmd->nverbs && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i == 0 ? "" : i == cmd->nverbs - 1 ? " or " : ", ",
					cmd->verbs[i].name);
}

int crm_parse_command(struct crm_command *cmd, int argc, char **argv)
{
	char names[512];
	int rc = crm_parse_options(cmd->co, argc, argv, "+" CRM_COMMON_SHORTOPTS, cmd->common_opts,
				   cmd->usage, cmd->own, cmd->ctx);
	if (rc != CRM_OK)
		return rc;
	verb_list(cmd, names, sizeof names);
	if (optind >= argc)
		return crm_usage_error(_("no verb given (%s)"), names);
	if ((cmd->verb = crm_find_verb(cmd->verbs, cmd->nverbs, argv[optind])) < 0)
		return crm_usage_error(_("unknown verb '%s' (%s)"), argv[optind], names);
	optind++;
	return parse_verb(cmd, argc, argv);
}

/* ---- the clock ----------------------------------------------------------- */

int crm_clock(const struct crm_tz *tz, char out[CRM_TIME_LEN])
{
	const char *env = getenv("CRM_TEST_CLOCK"), *why = "";
	time_t t = time(NULL);
	struct tm tm;
	if (env && *env) {
		if (crm_parse_time(env, tz, CRM_MDY, out, &why) < 0)
			return crm_usage_error(_("CRM_TEST_CLOCK '%s' %s"), env, why);
		return CRM_OK;
	}
	gmtime_r(&t, &tm);
	strftime(out, CRM_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return CRM_OK;
}
