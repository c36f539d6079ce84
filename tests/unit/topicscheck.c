/*
 * topicscheck - drive the topic matcher of lib/topics.c from the shell
 * (tests only: topics.bats, make quality-topics).  DICT is a dictionary
 * file read with crm_topics_load(), or @ko, @en, @all for the built-in
 * ones (crm_topics_default()); the polarity lexicon is always the built-in
 * @all one.
 *
 *   topicscheck tag [-k] DICT < TEXTS   per line of input: its topics in the
 *                                       dictionary's order, a '-' after a
 *                                       negated one (with -k, each as
 *                                       TOPIC-:KEYWORD@OFFSET), a tab and
 *                                       its sentiment (positive, negative,
 *                                       neutral); a line with invalid UTF-8
 *                                       is tagged all the same and named on
 *                                       standard error ("-:LINE: column C:
 *                                       invalid UTF-8"), status 1
 *   topicscheck list DICT               the dictionary as crm_topics_write()
 *   topicscheck quality [-v] LABELLED [DICT]
 *                                       LABELLED: lines TEXT<TAB>TOPIC,TOPIC
 *                                       (none after the tab: no topic); per
 *                                       topic tp, fp, fn, precision, recall
 *                                       and F1, then the micro averages over
 *                                       all lines, the Korean ones (holding
 *                                       a Hangul syllable) and the others;
 *                                       -v also lists each line tagged wrong.
 *                                       DICT defaults to @all
 *   topicscheck bench N LABELLED        tag N times the texts of LABELLED;
 *                                       prints texts per second
 *
 * When a dictionary does not load, its message goes to standard error as it
 * is and the status is its exit code (2 bad content, 3 cannot read).  Usage
 * errors exit 2 with "topicscheck: ...".
 */
#include "topics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "parse.h"

#define MAXHITS 64

static int usage(const char *what)
{
	fprintf(stderr, "topicscheck: %s\n", what);
	return CRM_EUSAGE;
}

static struct crm_topics *dict(const char *arg, int *code)
{
	char err[512];
	struct crm_topics *t;
	if (arg[0] == '@') {
		if (!(t = crm_topics_default(arg + 1))) {
			*code = usage("no such built-in dictionary");
			return NULL;
		}
		return t;
	}
	if (!(t = crm_topics_load(arg, err, sizeof err, code)))
		fprintf(stderr, "%s\n", err);
	return t;
}

static const char *const sentiment_name[] = { "negative", "neutral", "positive" };

static void print_hits(const struct crm_topic_hit *h, int n, int keys)
{
	for (int i = 0; i < n && i < MAXHITS; i++) {
		if (i)
			putchar(' ');
		crm_fputs_escaped(h[i].name, stdout);
		if (h[i].negated)
			putchar('-');
		if (keys) {
			putchar(':');
			crm_fputs_escaped(h[i].keyword, stdout);
			printf("@%zu", h[i].offset);
		}
	}
}

static int tag(const struct crm_topics *t, int keys)
{
	struct crm_topics *pol = crm_polarity_default("all");
	struct crm_topic_hit hits[MAXHITS];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int status = CRM_OK;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		long bad = crm_topics_bad_utf8(line, (size_t)len);
		if (bad >= 0) {
			char save = line[bad];
			line[bad] = '\0';
			fprintf(stderr, "topicscheck: -:%ld: column %ld: invalid UTF-8\n", lineno,
				crm_parse_column(line, line + bad));
			line[bad] = save;
			status = CRM_EDATA;
		}
		int n = crm_topics_tag(t, line, (size_t)len, hits, MAXHITS);
		print_hits(hits, n, keys);
		printf("\t%s\n", sentiment_name[crm_topics_sentiment(pol, line, (size_t)len, NULL) + 1]);
	}
	free(line);
	crm_topics_free(pol);
	return status;
}

/* ---- quality ------------------------------------------------------------------------ */

struct counts {
	long tp, fp, fn;
};

static double ratio(long a, long b)
{
	return b ? (double)a / (double)b : 0.0;
}

static void print_counts(const char *name, const struct counts *c)
{
	double p = ratio(c->tp, c->tp + c->fp), r = ratio(c->tp, c->tp + c->fn);
	printf("%-14s %5ld %5ld %5ld %9.3f %6.3f %6.3f\n", name, c->tp, c->fp, c->fn, p, r,
	       p + r > 0 ? 2 * p * r / (p + r) : 0.0);
}

/* Is topic name listed in the comma-separated labels? */
static int labelled(const char *labels, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = labels; *p;) {
		const char *c = strchr(p, ',');
		size_t k = c ? (size_t)(c - p) : strlen(p);
		if (k == n && !memcmp(p, name, n))
			return 1;
		if (!c)
			break;
		p = c + 1;
	}
	return 0;
}

static int hangul(const char *s)
{
	uint32_t cp;
	for (size_t len; *s; s += len ? len : 1)
		if ((len = crm_utf8_char(s, &cp)) && cp >= 0xAC00 && cp <= 0xD7A3)
			return 1;
	return 0;
}

/* Score one labelled line into per-topic counts c and the micro counts m. */
static void score_line(const struct crm_topics *t, char *line, struct counts *c,
		       struct counts *m, int verbose, long lineno)
{
	struct crm_topic_hit hits[MAXHITS];
	char *tab = strchr(line, '\t');
	const char *labels = tab ? tab + 1 : "";
	if (tab)
		*tab = '\0';
	int n = crm_topics_tag(t, line, strlen(line), hits, MAXHITS), wrong = 0;
	for (int k = 0; k < crm_topics_count(t); k++) {
		int found = 0, want = labelled(labels, crm_topics_name(t, k));
		for (int i = 0; i < n && i < MAXHITS; i++)
			found |= hits[i].topic == k;
		c[k].tp += found && want, c[k].fp += found && !want, c[k].fn += !found && want;
		m->tp += found && want, m->fp += found && !want, m->fn += !found && want;
		wrong |= found != want;
	}
	if (verbose && wrong) {
		printf("%ld: want [%s] got [", lineno, labels);
		print_hits(hits, n, 1);
		printf("] %s\n", line);
	}
}

static int quality(const struct crm_topics *t, const char *path, int verbose)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		perror(path);
		return CRM_EIO;
	}
	int nt = crm_topics_count(t);
	struct counts *c = crm_xcalloc((size_t)nt, sizeof *c), all = { 0 }, micro[2] = { { 0 } };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0, lines[2] = { 0, 0 };
	while ((len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		int ko = hangul(line);
		score_line(t, line, c, &micro[ko], verbose, lineno);
		lines[ko]++;
	}
	free(line);
	fclose(fp);
	printf("%-14s %5s %5s %5s %9s %6s %6s\n", "topic", "tp", "fp", "fn", "precision", "recall",
	       "f1");
	for (int k = 0; k < nt; k++)
		print_counts(crm_topics_name(t, k), &c[k]);
	all = (struct counts){ micro[0].tp + micro[1].tp, micro[0].fp + micro[1].fp,
			       micro[0].fn + micro[1].fn };
	print_counts("micro", &all);
	print_counts("micro-korean", &micro[1]);
	print_counts("micro-other", &micro[0]);
	printf("lines: %ld Korean, %ld other\n", lines[1], lines[0]);
	free(c);
	return CRM_OK;
}

/* ---- bench -------------------------------------------------------------------------- */

static int bench(const struct crm_topics *t, long n, const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		perror(path);
		return CRM_EIO;
	}
	char **texts = NULL, *line = NULL;
	size_t cap = 0, nt = 0, tcap = 0, bytes = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		char *tab = strchr(line, '\t');
		if (tab)
			*tab = '\0';
		if (nt == tcap)
			texts = crm_xrealloc(texts, (tcap = tcap ? 2 * tcap : 256) * sizeof *texts);
		texts[nt++] = crm_xstrdup(line);
	}
	free(line);
	fclose(fp);
	struct crm_topics *pol = crm_polarity_default("all");
	struct crm_topic_hit hits[MAXHITS];
	struct timespec a, b;
	long found = 0, total = 0;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long r = 0; r < n; r++)
		for (size_t i = 0; i < nt; i++, total++) {
			size_t k = strlen(texts[i]);
			bytes += k;
			found += crm_topics_tag(t, texts[i], k, hits, MAXHITS);
			found += crm_topics_sentiment(pol, texts[i], k, NULL);
		}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%ld texts (%zu bytes) tagged with sentiment in %.3f s: %.0f texts/s, %.1f MB/s "
	       "(check %ld)\n", total, bytes, s, (double)total / s, (double)bytes / s / 1e6, found);
	for (size_t i = 0; i < nt; i++)
		free(texts[i]);
	free(texts);
	crm_topics_free(pol);
	return CRM_OK;
}

int main(int argc, char **argv)
{
	int code = CRM_OK, flag = 0, status;
	struct crm_topics *t;
	if (argc < 3)
		return usage("usage: topicscheck tag|list|quality|bench ...");
	const char *verb = argv[1];
	argv += 2, argc -= 2;
	if (argc > 1 && (!strcmp(argv[0], "-k") || !strcmp(argv[0], "-v")))
		flag = 1, argv++, argc--;
	if (!strcmp(verb, "bench")) {
		if (argc != 2 || atol(argv[0]) <= 0)
			return usage("usage: topicscheck bench N LABELLED");
		if (!(t = crm_topics_default("all")))
			return CRM_EIO;
		status = bench(t, atol(argv[0]), argv[1]);
	} else if (!strcmp(verb, "quality")) {
		if (!(t = dict(argc > 1 ? argv[1] : "@all", &code)))
			return code;
		status = quality(t, argv[0], flag);
	} else if (!strcmp(verb, "tag") || !strcmp(verb, "list")) {
		if (argc != 1)
			return usage("one dictionary, please");
		if (!(t = dict(argv[0], &code)))
			return code;
		if (!strcmp(verb, "list"))
			crm_topics_write(stdout, t), status = CRM_OK;
		else
			status = tag(t, flag);
	} else
		return usage("unknown verb");
	crm_topics_free(t);
	return crm_close_stdout(status);
}
