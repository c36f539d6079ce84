/* parse.c - the pieces crm's line languages share (parse.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "parse.h"

#include "diag.h"
#include "textfile.h"

int crm_parse_fail(struct crm_parse_error *e, const char *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->at = at;
	return -1;
}

int crm_parse_keyword(const char *s, size_t n, const char *kw)
{
	size_t i = 0;
	for (; i < n && kw[i]; i++)
		if ((s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]) != kw[i])
			return 0;
	return i == n && !kw[i];
}

long crm_parse_column(const char *line, const char *p)
{
	long col = 1;
	for (; line < p; line++)
		col += ((unsigned char)*line & 0xC0) != 0x80;
	return col;
}

const char *crm_parse_bad_name_char(const char *s, const char *e, const char *also, size_t *len)
{
	for (; s < e; s++) {
		unsigned char c = (unsigned char)*s;
		*len = 1;
		if (c == ',' || c == '"' || c < 0x20 || c == 0x7f || (c && strchr(also, c)))
			return s;
		if (c == 0xC2 && s + 1 < e && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9F) {
			*len = 2;
			return s;
		}
	}
	return NULL;
}

long long crm_parse_duration(const char *s, size_t n, long long max)
{
	const char *e = s + n;
	long long total = 0, v;
	if (s == e)
		return -1;
	while (s < e) {
		if (*s < '0' || *s > '9')
			return -1;
		for (v = 0; s < e && *s >= '0' && *s <= '9'; s++)
			if ((v = 10 * v + (*s - '0')) > max)
				return -1;
		if (s == e)
			return -1;
		switch (*s++) {
		case 'd': v *= 86400; break;
		case 'h': v *= 3600; break;
		case 'm': v *= 60; break;
		case 's': break;
		default: return -1;
		}
		if (v > max || (total += v) > max)
			return -1;
	}
	return total;
}

/* fn's refusal of line lineno of name, into err. */
static int refused(const char *name, long lineno, const char *line,
		   const struct crm_parse_error *e, char *err, size_t errsize)
{
	snprintf(err, errsize, _("%s:%ld: column %ld: %s"), name, lineno,
		 crm_parse_column(line, e->at), e->msg);
	return CRM_EUSAGE;
}

int crm_parse_file(const char *path, crm_parse_line_fn *fn, void *ctx, char *err,
		   size_t errsize)
{
	struct crm_parse_error e;
	struct crm_text_line l;
	struct crm_textfile *tf = crm_textfile_open(path, err, errsize);
	int rc, status = CRM_OK;
	if (!tf)
		return CRM_EIO;
	while ((rc = crm_textfile_next(tf, &l, err, errsize)) > 0)
		if (fn(ctx, l.s, l.n, l.lineno, &e) < 0) {
			status = refused(path, l.lineno, l.s, &e, err, errsize);
			break;
		}
	if (status == CRM_OK && rc < 0)    /* a file past the caps is bad content */
		status = rc == -CRM_EIO ? CRM_EIO : CRM_EUSAGE;
	crm_textfile_close(tf);
	return status;
}

int crm_parse_text(const char *name, const char *text, crm_parse_line_fn *fn, void *ctx,
		   char *err, size_t errsize)
{
	struct crm_parse_error e;
	long lineno = 0;
	if (!strncmp(text, "\xEF\xBB\xBF", 3))
		text += 3;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		lineno++;
		if (fn(ctx, text, n && nl && text[n - 1] == '\r' ? n - 1 : n, lineno, &e) < 0)
			return refused(name, lineno, text, &e, err, errsize);
		text += nl ? n + 1 : n;
	}
	return CRM_OK;
}
