/* diag.c - messages, exit codes, progress; see diag.h. */
#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *crm_progname = "crm";

void crm_set_progname(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	if (argv0)
		crm_progname = slash ? slash + 1 : argv0;
}

/* The escape of control byte c ("\\n", "\\x1b") into out[5], or 0 when c
 * is no control byte: what a message and crm_quote() write for it. */
static int escape_control(unsigned char c, char out[5])
{
	if (c == '\n' || c == '\t' || c == '\r')
		return snprintf(out, 5, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
	if (c < 0x20 || c == 0x7f)
		return snprintf(out, 5, "\\x%02x", c);
	return 0;
}

/* A message's text goes out with its control bytes escaped, whatever a
 * caller put in it unquoted (a file name, an option's value): a message
 * never moves the cursor, clears the screen or forges a line. */
static void put_escaped(const char *s)
{
	char esc[5];
	for (; *s; s++) {
		if (escape_control((unsigned char)*s, esc))
			fputs(esc, stderr);
		else
			fputc(*s, stderr);
	}
}

static void vmessage(const char *file, long line, const char *fmt, va_list ap)
{
	char small[512], *text = small;
	va_list again;
	int n;
	va_copy(again, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= (int)sizeof small) {
		text = crm_xmalloc((size_t)n + 1);
		vsnprintf(text, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	fprintf(stderr, "%s: ", crm_progname);
	if (file) {
		put_escaped(file);
		if (line > 0)
			fprintf(stderr, ":%ld", line);
		fputs(": ", stderr);
	}
	put_escaped(n < 0 ? fmt : text);
	fputc('\n', stderr);
	if (text != small)
		free(text);
}

void crm_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(NULL, 0, fmt, ap);
	va_end(ap);
}

void crm_error_at(const char *file, long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(file, line, fmt, ap);
	va_end(ap);
}

int crm_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(NULL, 0, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", crm_progname);
	return CRM_EUSAGE;
}

const char *crm_quote(const char *s, char *buf, size_t size)
{
	size_t o = 0, i;
	const size_t max = 60;
	if (size < 8) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '\'';
	for (i = 0; s[i] && o + 6 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= max) {
			/* do not cut a UTF-8 sequence in half */
			while (o > 1 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
				o--;
			if (o > 1 && ((unsigned char)buf[o - 1] & 0x80))
				o--;
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		char esc[5];
		int n = escape_control(c, esc);
		if (n) {
			memcpy(buf + o, esc, (size_t)n);
			o += (size_t)n;
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

/* The clock is read every PROGRESS_ROWS rows (a mask test on the others),
 * and a line written when PROGRESS_NS have passed since the last one: a few
 * lines a second at any speed above a few thousand rows a second. */
#define PROGRESS_ROWS 1024
#define PROGRESS_NS 250000000LL

static int progress_shown;
static long long progress_last = -PROGRESS_NS;  /* the first check writes */

void crm_progress(const char *what, long long rows)
{
	static int tty = -1;
	struct timespec ts;
	long long now;
	if ((rows & (PROGRESS_ROWS - 1)) != 0)
		return;
	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty || clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return;
	now = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	if (now - progress_last < PROGRESS_NS)
		return;
	progress_last = now;
	fprintf(stderr, "\r%s: %s: %lld rows\033[K", crm_progname, what, rows);
	progress_shown = 1;
}

void crm_progress_done(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = 0;
}

int crm_close_stdout(int status)
{
	int err = ferror(stdout);
	if (fclose(stdout) != 0 || err) {
		crm_error("write error: %s", strerror(err && !errno ? EIO : errno));
		return CRM_EIO;
	}
	return status;
}

void *crm_xcheck(void *p)
{
	if (!p) {
		crm_error("out of memory");
		abort();
	}
	return p;
}

void *crm_xmalloc(size_t n)
{
	return crm_xcheck(malloc(n ? n : 1));
}

void *crm_xcalloc(size_t n, size_t size)
{
	return crm_xcheck(calloc(n ? n : 1, size ? size : 1));
}

void *crm_xrealloc(void *p, size_t n)
{
	return crm_xcheck(realloc(p, n ? n : 1));
}

char *crm_xstrdup(const char *s)
{
	return crm_xcheck(strdup(s));
}

char *crm_xstrndup(const char *s, size_t n)
{
	return crm_xcheck(strndup(s, n));
}

char *crm_xstrdup_or_null(const char *s)
{
	return s ? crm_xstrdup(s) : NULL;
}
