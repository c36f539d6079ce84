/* textfile.c - files read whole, with caps; see textfile.h. */
#include "i18n.h"
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"

struct crm_textfile {
	FILE *f;
	char *path;
	char *buf;              /* CRM_LINE_MAX bytes, a '\r' and a NUL */
	long lineno;
	size_t total;           /* bytes read so far */
	int done;
};

struct crm_textfile *crm_textfile_open(const char *path, char *err, size_t errsize)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct crm_textfile *tf = crm_xcalloc(1, sizeof *tf);
	tf->f = f;
	tf->path = crm_xstrdup(path);
	tf->buf = crm_xmalloc(CRM_LINE_MAX + 2);
	return tf;
}

void crm_textfile_close(struct crm_textfile *tf)
{
	if (!tf)
		return;
	fclose(tf->f);
	free(tf->path);
	free(tf->buf);
	free(tf);
}

/* Stop reading: every later call says "end". */
static int refuse(struct crm_textfile *tf, int code)
{
	tf->done = 1;
	return -code;
}

static int too_large(struct crm_textfile *tf, char *err, size_t errsize)
{
	snprintf(err, errsize, _("%s: larger than %d bytes"), tf->path, CRM_FILE_MAX);
	return refuse(tf, CRM_EDATA);
}

static int too_long(struct crm_textfile *tf, char *err, size_t errsize)
{
	snprintf(err, errsize, _("%s:%ld: line longer than %d bytes"), tf->path, tf->lineno,
		 CRM_LINE_MAX);
	return refuse(tf, CRM_EDATA);
}

/* A NUL byte after n bytes of the line: its column in UTF-8 characters. */
static int nul_byte(struct crm_textfile *tf, size_t n, char *err, size_t errsize)
{
	long col = 1;
	for (size_t i = 0; i < n; i++)
		col += ((unsigned char)tf->buf[i] & 0xC0) != 0x80;
	snprintf(err, errsize, _("%s:%ld: column %ld: NUL byte"), tf->path, tf->lineno, col);
	return refuse(tf, CRM_EDATA);
}

/* A regular file too large is refused before a byte of it is read. */
static int check_size(struct crm_textfile *tf, char *err, size_t errsize)
{
	struct stat st;
	if (fstat(fileno(tf->f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > CRM_FILE_MAX)
		return too_large(tf, err, errsize);
	return 0;
}

int crm_textfile_next(struct crm_textfile *tf, struct crm_text_line *line, char *err,
		      size_t errsize)
{
	size_t n = 0;
	int c, rc;

	if (tf->done)
		return 0;
	if (tf->lineno == 0 && (rc = check_size(tf, err, errsize)) < 0)
		return rc;
	tf->lineno++;
	errno = 0;
	while ((c = getc(tf->f)) != EOF && c != '\n') {
		if (++tf->total > CRM_FILE_MAX)
			return too_large(tf, err, errsize);
		if (c == '\0')
			return nul_byte(tf, n, err, errsize);
		if (n > CRM_LINE_MAX)           /* room for one '\r' past the cap */
			return too_long(tf, err, errsize);
		tf->buf[n++] = (char)c;
	}
	if (c == EOF && ferror(tf->f)) {
		snprintf(err, errsize, "%s: %s", tf->path, strerror(errno ? errno : EIO));
		return refuse(tf, CRM_EIO);
	}
	if (c == '\n' && ++tf->total > CRM_FILE_MAX)
		return too_large(tf, err, errsize);
	if (c == EOF) {
		tf->done = 1;
		if (n == 0)
			return 0;
	}
	if (n && tf->buf[n - 1] == '\r')
		n--;
	if (n > CRM_LINE_MAX)
		return too_long(tf, err, errsize);
	tf->buf[n] = '\0';
	line->s = tf->buf;
	if (tf->lineno == 1 && n >= 3 && !memcmp(line->s, "\xEF\xBB\xBF", 3))
		line->s += 3, n -= 3;
	line->n = n;
	line->lineno = tf->lineno;
	return 1;
}
