/* times.c - a customer's order times as one blob; see times.h. */
#include "times.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

size_t crm_times_size(size_t n)
{
	return n * CRM_TIME_BYTES;
}

static void reserve(struct crm_times *l, size_t more)
{
	if (l->n + more <= l->cap)
		return;
	l->cap = l->n + more > 2 * l->cap ? l->n + more : 2 * l->cap;
	if (l->cap < 8)
		l->cap = 8;
	l->t = crm_xrealloc(l->t, l->cap * sizeof *l->t);
}

void crm_times_push(struct crm_times *l, int64_t t)
{
	reserve(l, 1);
	l->t[l->n++] = t;
}

void crm_times_append(struct crm_times *l, const int64_t *t, size_t n)
{
	reserve(l, n);
	if (n)
		memcpy(l->t + l->n, t, n * sizeof *t);
	l->n += n;
}

void crm_times_set(struct crm_times *l, const int64_t *t, size_t n)
{
	l->n = 0;
	crm_times_append(l, t, n);
}

int crm_times_decode(struct crm_times *l, const void *blob, size_t len)
{
	const unsigned char *p = blob;
	size_t i, n = len / CRM_TIME_BYTES;
	if (len % CRM_TIME_BYTES)
		return -1;
	reserve(l, n);
	for (i = 0; i < n; i++, p += CRM_TIME_BYTES) {
		uint64_t u = 0;
		int b;
		for (b = CRM_TIME_BYTES - 1; b >= 0; b--)
			u = u << 8 | p[b];
		/* the sign of the top byte's bit 7, carried into the other three */
		if (u >> (8 * CRM_TIME_BYTES - 1))
			u |= ~(uint64_t)0 << (8 * CRM_TIME_BYTES);
		l->t[l->n++] = (int64_t)u;
	}
	return 0;
}

void crm_times_encode(const struct crm_times *l, unsigned char *out)
{
	size_t i;
	int b;
	for (i = 0; i < l->n; i++)
		for (b = 0; b < CRM_TIME_BYTES; b++)
			*out++ = (unsigned char)((uint64_t)l->t[i] >> (8 * b));
}

static int by_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void crm_times_sort(struct crm_times *l)
{
	size_t i;
	for (i = 1; i < l->n && l->t[i - 1] <= l->t[i]; i++)
		;
	if (i < l->n)
		qsort(l->t, l->n, sizeof *l->t, by_time);
}

/* The first index whose time is not below t. */
static size_t lower_bound(const struct crm_times *l, int64_t t)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->t[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t crm_times_count(const struct crm_times *l, int64_t from, int64_t to)
{
	size_t a = lower_bound(l, from), b = lower_bound(l, to);
	return b > a ? b - a : 0;
}

int crm_times_last_before(const struct crm_times *l, int64_t t, int64_t *out)
{
	size_t at = lower_bound(l, t);
	if (!at)
		return 0;
	*out = l->t[at - 1];
	return 1;
}

void crm_times_insert(struct crm_times *l, int64_t t)
{
	size_t at;
	reserve(l, 1);
	at = lower_bound(l, t);
	memmove(l->t + at + 1, l->t + at, (l->n - at) * sizeof *l->t);
	l->t[at] = t;
	l->n++;
}

int crm_times_remove(struct crm_times *l, int64_t t)
{
	size_t at = lower_bound(l, t);
	if (at == l->n || l->t[at] != t)
		return -1;
	memmove(l->t + at, l->t + at + 1, (l->n - at - 1) * sizeof *l->t);
	l->n--;
	return 0;
}

void crm_times_release(struct crm_times *l)
{
	free(l->t);
	memset(l, 0, sizeof *l);
}

/* ---- SQL ------------------------------------------------------------------ */

static void result_times(sqlite3_context *cx, struct crm_times *l)
{
	size_t size = crm_times_size(l->n);
	unsigned char *blob = sqlite3_malloc64(size ? size : 1);
	if (!blob) {
		sqlite3_result_error_nomem(cx);
		return;
	}
	crm_times_encode(l, blob);
	sqlite3_result_blob64(cx, blob, size, sqlite3_free);
}

static void pack_step(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct crm_times *l = sqlite3_aggregate_context(cx, sizeof *l);
	if (!l) {
		sqlite3_result_error_nomem(cx);
		return;
	}
	if (argc == 1 && sqlite3_value_type(v[0]) == SQLITE_INTEGER)
		crm_times_push(l, sqlite3_value_int64(v[0]));
}

static void pack_final(sqlite3_context *cx)
{
	struct crm_times *l = sqlite3_aggregate_context(cx, 0), none = {0};
	if (!l)
		l = &none;
	crm_times_sort(l);
	result_times(cx, l);
	crm_times_release(l);
}

static void merge(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct crm_times l = {0};
	int i;
	for (i = 0; i < argc; i++)
		if (sqlite3_value_type(v[i]) != SQLITE_NULL &&
		    crm_times_decode(&l, sqlite3_value_blob(v[i]), (size_t)sqlite3_value_bytes(v[i]))) {
			crm_times_release(&l);
			sqlite3_result_error(cx, "customer_stats.times: not a list of times", -1);
			return;
		}
	crm_times_sort(&l);
	result_times(cx, &l);
	crm_times_release(&l);
}

int crm_times_register(sqlite3 *h)
{
	int rc = sqlite3_create_function(h, "crm_times_pack", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					 NULL, NULL, pack_step, pack_final);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(h, "crm_times_merge", 2,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, merge, NULL, NULL);
	return rc;
}
