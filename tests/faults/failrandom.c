/*
 * failrandom.c - an LD_PRELOAD shim over getrandom(2), for the tests of
 * the paths crm-coupon takes when the system's random numbers fail or
 * repeat (lib/coupon.c: a code drawn again, at most CRM_COUPON_TRIES times).
 *
 *   FAILRANDOM=fail    every call fails with ENOSYS, as on a kernel
 *                      without the call
 *   FAILRANDOM=same    every call fills its buffer with the same bytes: each
 *                      code drawn is the one drawn before
 *
 * Without FAILRANDOM the shim passes every call on.  Built by the Makefile
 * into $(B)/libfailrandom.so; used only by the tests.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

typedef ssize_t getrandom_fn(void *, size_t, unsigned int);

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	const char *mode = getenv("FAILRANDOM");
	static getrandom_fn *real;
	if (mode && !strcmp(mode, "fail")) {
		errno = ENOSYS;
		return -1;
	}
	if (mode && !strcmp(mode, "same")) {
		memset(buf, 7, len);   /* 7 < 248: every byte makes a character */
		return (ssize_t)len;
	}
	if (!real)
		real = (getrandom_fn *)dlsym(RTLD_NEXT, "getrandom");
	return real(buf, len, flags);
}
