/*
 * radix.c - keyed records sorted by a 64-bit key; see radix.h.
 */
#include "radix.h"

#include <string.h>

void crm_radix_keyed(size_t *count, struct crm_keyed *a, struct crm_keyed *tmp, size_t n)
{
	size_t i;
	int shift;
	for (shift = 0; shift < 64; shift += 16) {
		memset(count, 0, CRM_RADIX_COUNTS * sizeof *count);
		for (i = 0; i < n; i++)
			count[(a[i].key >> shift) & 0xffff]++;
		if (!n || count[(a[0].key >> shift) & 0xffff] == n)
			continue;
		for (i = 1; i < CRM_RADIX_COUNTS; i++)
			count[i] += count[i - 1];
		for (i = n; i-- > 0;)
			tmp[--count[(a[i].key >> shift) & 0xffff]] = a[i];
		memcpy(a, tmp, n * sizeof *a);
	}
}
