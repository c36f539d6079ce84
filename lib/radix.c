/*
 * radix.c - keyed records sorted by a 64-bit key; see radix.h.
 *
 * A byte a pass, the least significant first, between a and tmp in turn.
 * 16-bit digits (custsum's sort before) were faster alone, a 73,000-key
 * sort 2.0 ms against 2.8 ms, but their 512 KiB of counters, cleared four
 * times a sort, cost the ledger's thread more than that between its sorts
 * (10M orders, five pairs in turns: 3.2-4.2 s of CPU, median 3.8 s,
 * against 3.1-4.0 s, median 3.2 s); a stream's 3.3M customers take
 * 0.13 s against 0.11 s.
 */
#include "radix.h"

#include <string.h>

void crm_radix_keyed(struct crm_keyed *a, struct crm_keyed *tmp, size_t n)
{
	uint32_t count[8][256];
	struct crm_keyed *from = a, *to = tmp, *t;
	size_t i;
	int b, d;
	memset(count, 0, sizeof count);
	for (i = 0; i < n; i++)
		for (b = 0; b < 8; b++)
			count[b][a[i].key >> 8 * b & 255]++;
	for (b = 0; b < 8 && n; b++) {
		uint32_t *c = count[b], sum = 0;
		if (c[from[0].key >> 8 * b & 255] == n)
			continue;
		for (d = 0; d < 256; d++) {
			uint32_t x = c[d];
			c[d] = sum;
			sum += x;
		}
		for (i = 0; i < n; i++)
			to[c[from[i].key >> 8 * b & 255]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	if (from != a)
		memcpy(a, from, n * sizeof *a);
}
