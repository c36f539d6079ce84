/*
 * radix.h - keyed records sorted by a 64-bit key, for sorts of millions
 * of ids by their first 8 bytes (big-endian, so that the integers sort as
 * the bytes do) where a comparison sort's callbacks cost most of the time.
 *
 * Contract:
 *  - crm_radix_keyed() sorts a[0..n) by key, ascending: an LSD radix sort
 *    on 16-bit digits.  It is stable: records of equal keys keep their
 *    order, which a caller breaks by the rest of its key afterwards.
 *  - tmp has room for n records; count for CRM_RADIX_COUNTS counters.
 *    Both are the caller's (a loop of sorts allocates them once); their
 *    contents on return are of no use.
 *  - A digit that every key shares costs one counting pass and no copy:
 *    ids that share their first bytes, as a shop's do, skip their passes.
 *  - Each pass clears and sums every counter, so a sort of 16 keys takes
 *    0.24 ms: below CRM_RADIX_MIN records a comparison sort is cheaper,
 *    and callers sort those so.  (3.3M keys: 0.11 s a sort, against 0.13 s
 *    on 8-bit digits; 73,000: 2.0 ms against 2.8 ms.)
 */
#ifndef CRM_RADIX_H
#define CRM_RADIX_H

#include <stddef.h>
#include <stdint.h>

#define CRM_RADIX_COUNTS 65536
#define CRM_RADIX_MIN 2048

struct crm_keyed {
	uint64_t key;
	uint32_t at;             /* what the key is of: an index of the caller's */
};

void crm_radix_keyed(size_t *count, struct crm_keyed *a, struct crm_keyed *tmp, size_t n);

#endif
