/*
 * fuzz.c - the helpers of fuzz.h, linked into every harness.
 */
#include "fuzz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Where fuzz_fail() writes: the real standard error, kept by fuzz_quiet(). */
static FILE *err_fp;

unsigned fuzz_byte(struct fuzz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

char *fuzz_rest(struct fuzz_in *in)
{
	char *s = malloc(in->n + 1);
	if (!s)
		abort();
	memcpy(s, in->p, in->n);
	s[in->n] = '\0';
	in->p += in->n;
	in->n = 0;
	return s;
}

void fuzz_quiet(void)
{
	FILE *null;
	if (err_fp)
		return;
	err_fp = stderr;
	/* diag.c writes through the stderr stream, which may be replaced */
	if ((null = fopen("/dev/null", "w")))
		stderr = null;
}

const char *fuzz_file(const void *data, size_t n)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		if ((fd = memfd_create("fuzz-input", MFD_CLOEXEC)) < 0)
			fuzz_fail("memfd_create", strerror(errno));
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || (n && pwrite(fd, data, n, 0) != (ssize_t)n))
		fuzz_fail("writing the memfd", strerror(errno));
	return path;
}

void fuzz_fail(const char *what, const char *value)
{
	FILE *fp = err_fp ? err_fp : stderr;
	fprintf(fp, "fuzz: property violated: %s: '%s'\n", what, value ? value : "(null)");
	fflush(fp);
	abort();
}
