/*
 * failwrite.c - an LD_PRELOAD shim that fills the disk for the fault suite
 * (tests/faults.bats), as jq tests its I/O failures with an error injector.
 *
 *   FAILWRITE_MATCH=TEXT   the files to fail: those whose path, as opened,
 *                          contains TEXT (crm.db also matches crm.db-wal)
 *   FAILWRITE_AFTER=N      fail once N bytes have been written to them
 *   FAILWRITE_CALL=N       or: fail from the Nth write call to them on
 *   FAILWRITE_FSYNC=1      fsync and fdatasync of them fail with ENOSPC, as
 *                          when the disk fills up under written-back pages
 *   FAILWRITE_RANGE=FILE   sync_file_range of them fails with EIO, and each
 *                          call adds a line to FILE: a hint to write pages
 *                          behind that fails loses nothing, and a test can
 *                          tell whether one was given
 *
 * A write that would pass the limit writes nothing and fails with ENOSPC, and
 * so does every later one (a full disk stays full); a write of what fits
 * first would be a short write, which SQLite retries into the same ENOSPC.
 * The file descriptors of matching files are tracked from open, open64,
 * openat, openat64 and creat to close; dup and fcntl copies are not.
 * Without FAILWRITE_MATCH the shim does nothing.  Built by the Makefile into
 * $(B)/libfailwrite.so; used only by the tests.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FD 4096

static unsigned char tracked[MAX_FD];
static long long written, calls;
static int full;

static const char *match(void)
{
	const char *m = getenv("FAILWRITE_MATCH");
	return m && *m ? m : NULL;
}

static long long env_ll(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? strtoll(v, NULL, 10) : -1;
}

static void *real(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static int track(int fd, const char *path)
{
	const char *m = match();
	if (fd >= 0 && fd < MAX_FD)
		tracked[fd] = m && path && strstr(path, m);
	return fd;
}

/* 1 when this write to fd must fail (errno ENOSPC), else 0 and it counts. */
static int refuse(int fd, size_t n)
{
	long long after, nth;
	if (fd < 0 || fd >= MAX_FD || !tracked[fd] || !match())
		return 0;
	after = env_ll("FAILWRITE_AFTER");
	nth = env_ll("FAILWRITE_CALL");
	calls++;
	if (!full && ((after >= 0 && written + (long long)n > after) || (nth > 0 && calls >= nth)))
		full = 1;
	if (full) {
		errno = ENOSPC;
		return 1;
	}
	written += (long long)n;
	return 0;
}

static int refuse_sync(int fd)
{
	if (fd < 0 || fd >= MAX_FD || !tracked[fd] || env_ll("FAILWRITE_FSYNC") != 1)
		return 0;
	errno = ENOSPC;
	return 1;
}

/* The mode argument is there only when the flags create a file. */
static mode_t mode_of(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

typedef int open_fn(const char *, int, ...);
typedef int openat_fn(int, const char *, int, ...);

#define OPEN(type, name, ...)                                                   \
	{                                                                       \
		type *f = (type *)real(name);                                   \
		va_list ap;                                                     \
		mode_t mode;                                                    \
		va_start(ap, flags);                                            \
		mode = mode_of(flags, ap);                                      \
		va_end(ap);                                                     \
		return track(f(__VA_ARGS__, flags, mode), path);                \
	}

int open(const char *path, int flags, ...) OPEN(open_fn, "open", path)
int open64(const char *path, int flags, ...) OPEN(open_fn, "open64", path)
int openat(int dir, const char *path, int flags, ...) OPEN(openat_fn, "openat", dir, path)
int openat64(int dir, const char *path, int flags, ...) OPEN(openat_fn, "openat64", dir, path)

int creat(const char *path, mode_t mode)
{
	int (*f)(const char *, mode_t) = (int (*)(const char *, mode_t))real("creat");
	return track(f(path, mode), path);
}

int close(int fd)
{
	int (*f)(int) = (int (*)(int))real("close");
	if (fd >= 0 && fd < MAX_FD)
		tracked[fd] = 0;
	return f(fd);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	ssize_t (*f)(int, const void *, size_t) = (ssize_t (*)(int, const void *, size_t))real("write");
	return refuse(fd, n) ? -1 : f(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	ssize_t (*f)(int, const void *, size_t, off_t) =
		(ssize_t (*)(int, const void *, size_t, off_t))real("pwrite");
	return refuse(fd, n) ? -1 : f(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	ssize_t (*f)(int, const void *, size_t, off64_t) =
		(ssize_t (*)(int, const void *, size_t, off64_t))real("pwrite64");
	return refuse(fd, n) ? -1 : f(fd, buf, n, off);
}

int fsync(int fd)
{
	int (*f)(int) = (int (*)(int))real("fsync");
	return refuse_sync(fd) ? -1 : f(fd);
}

int fdatasync(int fd)
{
	int (*f)(int) = (int (*)(int))real("fdatasync");
	return refuse_sync(fd) ? -1 : f(fd);
}

int sync_file_range(int fd, off64_t off, off64_t n, unsigned int flags)
{
	int (*f)(int, off64_t, off64_t, unsigned int) =
		(int (*)(int, off64_t, off64_t, unsigned int))real("sync_file_range");
	const char *log = getenv("FAILWRITE_RANGE");
	FILE *fp;
	if (fd < 0 || fd >= MAX_FD || !tracked[fd] || !log || !*log)
		return f(fd, off, n, flags);
	if ((fp = fopen(log, "a"))) {
		fputs("sync_file_range\n", fp);
		fclose(fp);
	}
	errno = EIO;
	return -1;
}
