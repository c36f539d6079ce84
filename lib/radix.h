/*
 * radix.h - keyed records sorted by a 64-bit key, for sorts of millions
 * of ids by their first 8 bytes (big-endian, so that the integers sort as
 * the bytes do) where a comparison sort's callbacks cost most of the time.
 *
 * Contract:
 *  - crm_radix_keyed() sorts a[0..n) by key, ascending: an LSD radix sort
 *    on the key's 8 bytes.  It is stable: records of equal keys keep their
 *    order, which a caller breaks by the rest of its key afterwards.
 *  - tmp has room for n records, its contents on return of no use; n is
 *    below 2^32 (at is an index of 32 bits).
 *  - One pass counts every byte; a byte that every key shares then costs
 *    nothing more: ids that share their first bytes, as a shop's do, skip
 *    their passes.  The counters are 8 KiB on the stack, so a sort of a few
 *    keys costs little and evicts little of its caller's cache.
 */
#ifndef CRM_RADIX_H
#define CRM_RADIX_H

#include <stddef.h>
#include <stdint.h>

struct crm_keyed {
	uint64_t key;
	uint32_t at;             /* what the key is of: an index of the caller's */
};

void crm_radix_keyed(struct crm_keyed *a, struct crm_keyed *tmp, size_t n);

#endif
