/*
 * times.h - a customer's order times as one value: the times column of
 * customer_stats (stats.h), which keeps the figures exact when an order
 * leaves them (a refund) without reading the other orders.
 *
 * Contract:
 *  - The value is a blob: the Unix seconds of each counting order of the
 *    customer in the currency, ascending (ties kept), each in CRM_TIME_BYTES
 *    bytes, least significant first, two's complement: every time crm
 *    stores (years 1000 to 9999) fits.  The same orders give the same
 *    bytes, whichever way they came.
 *  - crm_times_decode() appends a blob's times to a list (the list's
 *    memory grows; out of memory ends the program); crm_times_encode()
 *    writes a sorted list's blob into memory of crm_times_size(n) bytes.
 *    A blob whose length is not a multiple of CRM_TIME_BYTES is refused
 *    (-1): the file was not written by crm.
 *  - crm_times_register(h) adds to a connection the SQL functions
 *    crm_times_pack(t) (aggregate: the blob of the times fed to it, in any
 *    order; migration 9 -> 10) and crm_times_merge(a, b) (the blob of both
 *    blobs' times; NULL stands for none); SQLITE_OK or SQLite's code.
 */
#ifndef CRM_TIMES_H
#define CRM_TIMES_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define CRM_TIME_BYTES 5

struct crm_times {
	int64_t *t;
	size_t n, cap;
};

size_t crm_times_size(size_t n);
int crm_times_decode(struct crm_times *l, const void *blob, size_t len);
void crm_times_encode(const struct crm_times *l, unsigned char *out);
/* Sort a list ascending (its times came in any order). */
void crm_times_sort(struct crm_times *l);
/* Add a time, or take one out (-1: it is not there), keeping the order. */
void crm_times_insert(struct crm_times *l, int64_t t);
int crm_times_remove(struct crm_times *l, int64_t t);
/* How many times of a sorted list lie in [from, to). */
size_t crm_times_count(const struct crm_times *l, int64_t from, int64_t to);
/* The last time of a sorted list before t into *out: 1, or 0 for none. */
int crm_times_last_before(const struct crm_times *l, int64_t t, int64_t *out);
/* Append a time, order not kept (crm_times_sort before encoding). */
void crm_times_push(struct crm_times *l, int64_t t);
/* Append the n times t[0..n), or make them l's only ones (t outside l's
 * own memory). */
void crm_times_append(struct crm_times *l, const int64_t *t, size_t n);
void crm_times_set(struct crm_times *l, const int64_t *t, size_t n);
void crm_times_release(struct crm_times *l);

int crm_times_register(sqlite3 *h);

#endif
