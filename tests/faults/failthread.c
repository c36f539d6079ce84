/*
 * failthread.c - an LD_PRELOAD shim that refuses threads, for the tests of
 * the paths a command takes when it cannot have one (the import's ledger
 * and merge, crm-segment's halves, crm-recommend's writer, SQLite's sorter):
 * a machine at its process limit says EAGAIN to pthread_create.
 *
 *   FAILTHREAD=LIST   the calls to refuse, counted from 1 in the order the
 *                     process makes them: numbers separated by commas, a
 *                     number followed by '-' for it and every later call,
 *                     or "all"
 *
 * A refused call starts nothing and returns EAGAIN.  Without FAILTHREAD the
 * shim does nothing.  Built by the Makefile into $(B)/libfailthread.so;
 * used only by the tests.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef int create_fn(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

static long calls;

/* Is call n in the list? */
static int refused(const char *list, long n)
{
	char *end;
	long k;
	if (!strcmp(list, "all"))
		return 1;
	while (*list) {
		k = strtol(list, &end, 10);
		if (end == list)
			return 0;
		if (k == n || (*end == '-' && n >= k))
			return 1;
		end += *end == '-';
		if (*end != ',')
			return 0;
		list = end + 1;
	}
	return 0;
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static create_fn *real;
	const char *list = getenv("FAILTHREAD");
	long n = __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
	if (list && refused(list, n))
		return EAGAIN;
	if (!real)
		real = (create_fn *)dlsym(RTLD_NEXT, "pthread_create");
	return real ? real(t, attr, fn, arg) : EAGAIN;
}
