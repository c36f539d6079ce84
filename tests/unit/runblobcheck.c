/*
 * runblobcheck - lib/runblob.h from the shell, driven by segment_runs.bats:
 *   runblobcheck pack < ROWS > BLOB   encode lines "id|segment|recency|
 *                                     frequency|monetary|r|f|m" (names in
 *                                     order of first use; with -n NAME...
 *                                     before them, those first)
 *   runblobcheck rows RUN < BLOB      decode: one SQL INSERT of schema 8's
 *                                     segment_members per member, for RUN
 *   runblobcheck find ID... < BLOB    the table's segment of each id, or -
 * A refusal is "runblobcheck: line N: REASON" (line 0: a -n name), a corrupt
 * blob "runblobcheck: REASON (at byte N)"; either exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "runblob.h"

static unsigned char *slurp(size_t *len)
{
	size_t cap = 1 << 16, n;
	unsigned char *buf = crm_xmalloc(cap);
	*len = 0;
	while ((n = fread(buf + *len, 1, cap - *len, stdin)) > 0)
		if ((*len += n) == cap)
			buf = crm_xrealloc(buf, cap *= 2);
	return buf;
}

static int refused(const char *why, size_t at)
{
	fprintf(stderr, "runblobcheck: %s (at byte %zu)\n", why, at);
	return 1;
}

static int refused_line(const char *why, long line)
{
	fprintf(stderr, "runblobcheck: line %ld: %s\n", line, why);
	return 1;
}

/* One row "id|segment|recency|frequency|monetary|r|f|m" into the encoder. */
static int pack_line(struct crm_runblob_enc *e, char *line, long n)
{
	char *f[8], *p = line;
	long long v[6];
	struct crm_runblob_member m;
	const char *why;
	int i;
	for (i = 0; i < 8; i++) {
		f[i] = p;
		p = i < 7 ? strchr(p, '|') : NULL;
		if (i < 7 && !p)
			return refused_line("a row of fewer than 8 fields", n);
		if (p)
			*p++ = '\0';
	}
	for (i = 0; i < 6; i++)
		v[i] = strtoll(f[2 + i], NULL, 10);
	m.id = f[0];
	m.idlen = strlen(f[0]);
	if ((m.seg = crm_runblob_enc_name(e, f[1], strlen(f[1]), &why)) < 0)
		return refused_line(why, n);
	m.recency = (int32_t)v[0];
	m.frequency = (int32_t)v[1];
	m.monetary = v[2];
	for (i = 0; i < 3; i++)
		m.score[i] = (unsigned char)v[3 + i];
	return crm_runblob_enc_add(e, &m, &why) < 0 ? refused_line(why, n) : 0;
}

static int pack(int argc, char **argv)
{
	struct crm_runblob_enc e;
	char line[4096];
	const char *why;
	unsigned char *blob;
	size_t len;
	long n = 0;
	int i;
	crm_runblob_enc_init(&e);
	for (i = 0; i + 1 < argc && !strcmp(argv[i], "-n"); i += 2)
		if (crm_runblob_enc_name(&e, argv[i + 1], strlen(argv[i + 1]), &why) < 0)
			return refused_line(why, 0);
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (pack_line(&e, line, ++n)) {
			crm_runblob_enc_release(&e);
			return 1;
		}
	}
	blob = crm_runblob_enc_finish(&e, &len);
	fwrite(blob, 1, len, stdout);
	free(blob);
	return 0;
}

static void sql_text(const char *s)
{
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'')
			putchar('\'');
		putchar(*s);
	}
	putchar('\'');
}

static int rows(const char *run)
{
	struct crm_runblob rb;
	struct crm_runblob_member m;
	size_t len;
	unsigned char *blob = slurp(&len);
	int rc = crm_runblob_open(&rb, blob, len);
	while (rc == 0 && (rc = crm_runblob_next(&rb, &m)) > 0) {
		rc = 0;
		printf("INSERT INTO segment_members VALUES (%s, ", run);
		sql_text(m.id);
		fputs(", ", stdout);
		sql_text(rb.names[m.seg]);
		printf(", %d, %d, %lld, %d, %d, %d);\n", m.recency, m.frequency,
		       (long long)m.monetary, m.score[0], m.score[1], m.score[2]);
	}
	if (rc < 0)
		rc = refused(rb.why, rb.at);
	crm_runblob_release(&rb);
	free(blob);
	return rc;
}

static int find(int argc, char **argv)
{
	struct crm_runblob_table t;
	const char *why, *seg;
	size_t len, at;
	unsigned char *blob = slurp(&len);
	int i;
	if (crm_runblob_table_load(&t, blob, len, &why, &at) < 0) {
		free(blob);
		return refused(why, at);
	}
	for (i = 0; i < argc; i++)
		printf("%s %s\n", argv[i], (seg = crm_runblob_table_find(&t, argv[i])) ? seg : "-");
	crm_runblob_table_release(&t);
	free(blob);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "pack"))
		return pack(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "rows"))
		return rows(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "find"))
		return find(argc - 2, argv + 2);
	fputs("usage: runblobcheck pack [-n NAME]... | rows RUN | find ID...\n", stderr);
	return 2;
}
