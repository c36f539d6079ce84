/* diag.c - messages, exit codes, progress; see diag.h. */
#include "diag.h"
#include "i18n.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

const char *crm_progname = "crm";

void crm_set_progname(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	if (argv0)
		crm_progname = slash ? slash + 1 : argv0;
}

size_t crm_utf8_char(const char *str, uint32_t *cp)
{
	static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
	const unsigned char *s = (const unsigned char *)str;
	size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0, i;
	if (!len || s[0] > 0xF4)
		return 0;
	*cp = s[0] & (0x7F >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3F);
	}
	if (*cp < least[len] || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return len;
}

size_t crm_escape_next(const char *str, char esc[CRM_ESCAPE_MAX])
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp = 0;
	size_t len;
	esc[0] = '\0';
	if (!s[0])
		return 0;
	if (s[0] == '\n' || s[0] == '\t' || s[0] == '\r') {
		snprintf(esc, CRM_ESCAPE_MAX, "\\%c", s[0] == '\n' ? 'n' : s[0] == '\t' ? 't' : 'r');
		return 1;
	}
	if (s[0] < 0x20 || s[0] == 0x7f) {
		snprintf(esc, CRM_ESCAPE_MAX, "\\x%02x", s[0]);
		return 1;
	}
	if (s[0] < 0x80)
		return 1;
	if (!(len = crm_utf8_char(str, &cp))) {
		snprintf(esc, CRM_ESCAPE_MAX, "\\x%02x", s[0]);
		return 1;
	}
	if (cp <= 0x9F)
		snprintf(esc, CRM_ESCAPE_MAX, "\\x%02x\\x%02x", s[0], s[1]);
	return len;
}

void crm_fputs_escaped_by(const char *s, FILE *fp, void (*put)(FILE *, const char *, size_t))
{
	char esc[CRM_ESCAPE_MAX];
	size_t len;
	for (; (len = crm_escape_next(s, esc)) > 0; s += len) {
		if (esc[0])
			fputs(esc, fp);
		else
			put(fp, s, len);
	}
}

static void put_as_is(FILE *fp, const char *c, size_t len)
{
	fwrite(c, 1, len, fp);
}

void crm_fputs_escaped(const char *s, FILE *fp)
{
	crm_fputs_escaped_by(s, fp, put_as_is);
}

char *crm_escape(const char *s)
{
	/* an escape is at most 4 bytes for each byte it stands for */
	char *out = crm_xmalloc(4 * strlen(s) + 1), *o = out, esc[CRM_ESCAPE_MAX];
	size_t len;
	for (; (len = crm_escape_next(s, esc)) > 0; s += len) {
		if (esc[0]) {
			strcpy(o, esc);
			o += strlen(esc);
		} else {
			memcpy(o, s, len);
			o += len;
		}
	}
	*o = '\0';
	return out;
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
		crm_fputs_escaped(file, stderr);
		if (line > 0)
			fprintf(stderr, ":%ld", line);
		fputs(": ", stderr);
	}
	crm_fputs_escaped(n < 0 ? fmt : text, stderr);
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
	fprintf(stderr, _("Try '%s --help' for more information.\n"), crm_progname);
	return CRM_EUSAGE;
}

/* crm_quote()'s loop over the n bytes of s; with unseen, a NUL byte is
 * \x00 and goes on, and each code point unseen() names is \uXXXX. */
static const char *quote_bytes(const char *s, size_t n, int (*unseen)(uint32_t), char *buf,
			       size_t size)
{
	size_t o = 0, i = 0, len, shown;
	const size_t max = 60;
	char esc[CRM_ESCAPE_MAX];
	uint32_t cp;
	if (size < 8) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '\'';
	for (; i < n; i += len) {
		if (!(len = crm_escape_next(s + i, esc))) {
			if (!unseen)
				break;
			memcpy(esc, "\\x00", sizeof "\\x00");
			len = 1;
		} else if (unseen && !esc[0] && len > 1 && crm_utf8_char(s + i, &cp) && unseen(cp)) {
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
		}
		shown = esc[0] ? strlen(esc) : len;
		/* cut between characters, leaving room for "...'" */
		if (i + len > max || o + shown + 5 > size) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, esc[0] ? esc : s + i, shown);
		o += shown;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

const char *crm_quote(const char *s, char *buf, size_t size)
{
	return quote_bytes(s, strlen(s), NULL, buf, size);
}

const char *crm_quote_unseen(const char *s, size_t n, int (*unseen)(uint32_t cp), char *buf,
			     size_t size)
{
	return quote_bytes(s, n, unseen, buf, size);
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
	fprintf(stderr, "\r%s: ", crm_progname);
	crm_fputs_escaped(what, stderr);
	fprintf(stderr, crm_n_(": %lld row", ": %lld rows", rows), rows);
	fputs("\033[K", stderr);
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
		crm_error(_("write error: %s"), strerror(err && !errno ? EIO : errno));
		return CRM_EIO;
	}
	return status;
}

void *crm_xcheck(void *p)
{
	if (!p) {
		crm_error(_("out of memory"));
		abort();
	}
	return p;
}

void crm_big_pages(void *p, size_t n)
{
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + n) & ~(huge - 1);
	if (e > a)
		madvise((void *)a, e - a, MADV_HUGEPAGE);
}

#define BIG_ARRAY ((size_t)2 << 20)

void *crm_xmalloc_big(size_t n)
{
	const size_t huge = (size_t)2 << 20, size = (n + huge - 1) / huge * huge;
	void *p;
	if (n < BIG_ARRAY)
		return crm_xmalloc(n);
	p = crm_xcheck(aligned_alloc(huge, size));
	crm_big_pages(p, size);
	return p;
}

void *crm_xcalloc_big(size_t n, size_t size)
{
	void *p;
	if (size && n > SIZE_MAX / size)
		return crm_xcheck(NULL);
	p = crm_xmalloc_big(n * size);
	memset(p, 0, n * size);
	return p;
}

void *crm_xrealloc_big(void *p, size_t used, size_t n)
{
	void *q;
	if (n < BIG_ARRAY)
		return crm_xrealloc(p, n);
	q = crm_xmalloc_big(n);
	if (p)
		memcpy(q, p, used < n ? used : n);
	free(p);
	return q;
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

const char *crm_quote_n(const char *s, size_t n, char *buf, size_t size)
{
	char tmp[64];
	if (n > sizeof tmp - 1)
		n = sizeof tmp - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return crm_quote(tmp, buf, size);
}

size_t crm_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t row[CRM_EDIT_MAX + 1], i, j, diag, up;
	if (na > CRM_EDIT_MAX)
		na = CRM_EDIT_MAX;
	if (nb > CRM_EDIT_MAX)
		nb = CRM_EDIT_MAX;
	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= nb; j++) {
			size_t best = diag + (a[i - 1] != b[j - 1]);
			up = row[j];
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[nb];
}

int crm_run_pair(void *(*fn)(void *), void *here, void *there)
{
	pthread_t t;
	if (pthread_create(&t, NULL, fn, there) != 0) {
		fn(here);
		fn(there);
		return 0;
	}
	fn(here);
	pthread_join(t, NULL);
	return 1;
}

void crm_thread_helps(void)
{
#ifdef SCHED_BATCH
	struct sched_param none = {0};
	(void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &none);   /* best effort */
#endif
}

void crm_stdout_bulk(void)
{
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 256 << 10);
}
