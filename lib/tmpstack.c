#include "diag.h"
#include "i18n.h"
#include "tmpstack.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WRITE_BUF (1u << 20)
#define READ_BUF (1u << 20)

const char *crm_tmp_dir(void)
{
	const char *d = getenv("TMPDIR");
	return d && *d ? d : "/tmp";
}

int crm_tmp_open(const char *dir)
{
	char path[4096];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* file systems without O_TMPFILE: a named file, unlinked at once */
	if (snprintf(path, sizeof path, "%s/crm-XXXXXX", dir) >= (int)sizeof path) {
		crm_error(_("TMPDIR is too long: %s"), dir);
		return -1;
	}
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0) {
		crm_error(_("%s: cannot create a temporary file: %s"), dir, strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

int crm_tmp_write(int fd, const char *dir, const void *p, size_t n, off_t at)
{
	const char *from = p;
	while (n) {
		ssize_t k = pwrite(fd, from, n, at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			crm_error(_("%s: write error on a temporary file: %s"), dir,
				  k < 0 ? strerror(errno) : _("nothing written"));
			return CRM_EIO;
		}
		from += k;
		at += k;
		n -= (size_t)k;
	}
	return CRM_OK;
}

int crm_tmp_read(int fd, const char *dir, void *p, size_t n, off_t at)
{
	char *to = p;
	while (n) {
		ssize_t k = pread(fd, to, n, at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			crm_error(_("%s: read error on a temporary file: %s"), dir,
				  k < 0 ? strerror(errno) : _("it ends early"));
			return CRM_EIO;
		}
		to += k;
		at += k;
		n -= (size_t)k;
	}
	return CRM_OK;
}

/*
 * The records lie end to end in one stream of `size` bytes, each followed
 * by its length (a uint32_t), so that a pop finds the last one's start
 * with no memory kept per record: the stream's first `in_file` bytes are
 * in the file, the rest in wbuf.  No record straddles the two (a push that
 * does not fit drains wbuf first), so a record is read whole from one
 * place.  The read buffer holds the file's bytes [rfrom, rto).
 */
struct crm_tmpstack {
	const char *dir;
	int fd;
	size_t n;                /* records */
	off_t size, in_file;
	char *wbuf;
	char *rbuf;
	size_t rcap;
	off_t rfrom, rto;
};

#define TRAILER ((off_t)sizeof(uint32_t))

struct crm_tmpstack *crm_tmpstack_new(void)
{
	struct crm_tmpstack *s = crm_xcalloc(1, sizeof *s);
	s->dir = crm_tmp_dir();
	s->fd = -1;
	return s;
}

void crm_tmpstack_free(struct crm_tmpstack *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->wbuf);
	free(s->rbuf);
	free(s);
}

size_t crm_tmpstack_count(const struct crm_tmpstack *s)
{
	return s->n;
}

/* wbuf's bytes into the file at its end. */
static int drain(struct crm_tmpstack *s)
{
	size_t k = (size_t)(s->size - s->in_file);
	int rc;
	if (!k)
		return CRM_OK;
	if (s->fd < 0 && (s->fd = crm_tmp_open(s->dir)) < 0)
		return CRM_EIO;
	if ((rc = crm_tmp_write(s->fd, s->dir, s->wbuf, k, s->in_file)) != CRM_OK)
		return rc;
	s->in_file = s->size;
	return CRM_OK;
}

int crm_tmpstack_push(struct crm_tmpstack *s, const void *rec, size_t n)
{
	uint32_t len = (uint32_t)n;
	size_t unit = n + sizeof len;
	int rc;
	if (n > CRM_TMPSTACK_MAX) {
		crm_error(_("%s: a record of %zu bytes is too large for a temporary file"),
			  s->dir, n);
		return CRM_EIO;
	}
	if (!s->wbuf)
		s->wbuf = crm_xmalloc(WRITE_BUF);
	if (s->in_file > s->size) {           /* popped back into the file */
		s->in_file = s->size;
		s->rto = s->rto < s->size ? s->rto : s->size;
	}
	if ((size_t)(s->size - s->in_file) + unit > WRITE_BUF && (rc = drain(s)) != CRM_OK)
		return rc;
	s->n++;
	if (unit > WRITE_BUF) {              /* straight to the file */
		if (s->fd < 0 && (s->fd = crm_tmp_open(s->dir)) < 0)
			return CRM_EIO;
		if ((rc = crm_tmp_write(s->fd, s->dir, rec, n, s->size)) != CRM_OK ||
		    (rc = crm_tmp_write(s->fd, s->dir, &len, sizeof len, s->size + (off_t)n)) != CRM_OK)
			return rc;
		s->size = s->in_file = s->size + (off_t)unit;
		return CRM_OK;
	}
	memcpy(s->wbuf + (s->size - s->in_file), rec, n);
	memcpy(s->wbuf + (s->size - s->in_file) + n, &len, sizeof len);
	s->size += (off_t)unit;
	return CRM_OK;
}

/* The file's bytes [from, to) into rbuf, with as many before them as it
 * holds; the pages after `to` are given back. */
static int refill(struct crm_tmpstack *s, off_t from, off_t to)
{
	size_t want = (size_t)(to - from) > READ_BUF ? (size_t)(to - from) : READ_BUF;
	int rc;
	if (want > s->rcap)
		s->rbuf = crm_xrealloc(s->rbuf, s->rcap = want);
	s->rfrom = to - (off_t)want < 0 ? 0 : to - (off_t)want;
	s->rto = to;
	if ((rc = crm_tmp_read(s->fd, s->dir, s->rbuf, (size_t)(to - s->rfrom), s->rfrom)) != CRM_OK)
		return rc;
	if (ftruncate(s->fd, to) < 0) {
		crm_error(_("%s: cannot shorten a temporary file: %s"), s->dir, strerror(errno));
		return CRM_EIO;
	}
	return CRM_OK;
}

/* The last record's start, from its length before `to`, in the file: the
 * read window ends at `to` and holds the record; -1 (reported). */
static off_t read_last(struct crm_tmpstack *s, off_t to)
{
	uint32_t len;
	if ((to - TRAILER < s->rfrom || to > s->rto) && refill(s, to - TRAILER, to) != CRM_OK)
		return -1;
	memcpy(&len, s->rbuf + (to - TRAILER - s->rfrom), sizeof len);
	if (len > CRM_TMPSTACK_MAX || (off_t)len > to - TRAILER) {
		crm_error(_("%s: read error on a temporary file: %s"), s->dir, _("it ends early"));
		return -1;
	}
	if (to - TRAILER - (off_t)len < s->rfrom &&
	    refill(s, to - TRAILER - (off_t)len, to) != CRM_OK)
		return -1;
	return to - TRAILER - (off_t)len;
}

const void *crm_tmpstack_pop(struct crm_tmpstack *s, size_t *n, int *rc)
{
	off_t from, to = s->size;
	const char *rec;
	uint32_t len;
	*rc = CRM_OK;
	if (!s->n)
		return NULL;
	s->n--;
	if (to - TRAILER >= s->in_file) {     /* the record is in wbuf */
		memcpy(&len, s->wbuf + (to - TRAILER - s->in_file), sizeof len);
		from = to - TRAILER - (off_t)len;
		*n = len;
		s->size = from;
		return s->wbuf + (from - s->in_file);
	}
	if ((from = read_last(s, to)) < 0) {
		*rc = CRM_EIO;
		return NULL;
	}
	*n = (size_t)(to - TRAILER - from);
	s->size = from;
	rec = s->rbuf + (from - s->rfrom);
	if (!s->n) {                          /* empty: the file's pages back */
		s->in_file = s->rfrom = s->rto = 0;
		if (ftruncate(s->fd, 0) < 0) {
			crm_error(_("%s: cannot shorten a temporary file: %s"), s->dir,
				  strerror(errno));
			*rc = CRM_EIO;
			return NULL;
		}
	}
	return rec;
}

static void rec_add(struct crm_rec *r, const void *p, size_t n)
{
	if (r->n + n > r->cap)
		r->p = crm_xrealloc(r->p, r->cap = 2 * (r->n + n) + 256);
	memcpy(r->p + r->n, p, n);
	r->n += n;
}

void crm_rec_put(struct crm_rec *r, int tag, char *const *vals, int n)
{
	unsigned char head[2] = {(unsigned char)tag, (unsigned char)n};
	int i;
	rec_add(r, head, sizeof head);
	for (i = 0; i < n; i++) {
		size_t len = vals[i] ? strlen(vals[i]) : 0;
		uint32_t l = vals[i] ? (uint32_t)len : UINT32_MAX;
		rec_add(r, &l, sizeof l);
		if (vals[i])
			rec_add(r, vals[i], len + 1);
	}
}

int crm_rec_get(const char *rec, size_t len, size_t *at, int *tag, char **vals, int max)
{
	size_t p = *at;
	int i, n;
	uint32_t l;
	if (p + 2 > len || (n = (unsigned char)rec[p + 1]) > max)
		return -1;
	*tag = (unsigned char)rec[p];
	for (p += 2, i = 0; i < n; i++) {
		if (p + sizeof l > len)
			return -1;
		memcpy(&l, rec + p, sizeof l);
		p += sizeof l;
		if (l == UINT32_MAX) {
			vals[i] = NULL;
			continue;
		}
		if ((size_t)l + 1 > len - p)
			return -1;
		vals[i] = (char *)rec + p;
		p += (size_t)l + 1;
	}
	*at = p;
	return n;
}
