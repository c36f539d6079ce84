/*
 * keyset.h - has this string been seen?  A set of 64-bit fingerprints of
 * strings, for a pass that may skip exact checks while the answer is no.
 *
 * Contract:
 *  - A string goes in and is asked about by its key, crm_keyset_key().
 *  - crm_keyset_has() never says no for a string added before; it may say
 *    yes for one never added, with a chance of about n / 2^64 for n strings
 *    (the caller then takes its exact, slower way).
 *  - The set grows by doubling up to max_slots slots of 8 bytes (a power
 *    of two, at least 1024); crm_keyset_add() returns -1, adding nothing,
 *    when the set holds as many strings as it may (three quarters of
 *    max_slots): its memory is bounded, whatever the input.
 *  - A set is zeroed by crm_keyset_init(); crm_keyset_release() frees it.
 *    Out of memory ends the program (crm_xmalloc).
 */
#ifndef CRM_KEYSET_H
#define CRM_KEYSET_H

#include <stddef.h>
#include <stdint.h>

struct crm_keyset {
	uint64_t *slot;          /* 0: empty; a fingerprint is never 0 */
	size_t cap, used, max;
	int shift;               /* 64 - log2(cap): a fingerprint's first slot */
};

void crm_keyset_init(struct crm_keyset *s, size_t max_slots);
/* A string's fingerprint, computed once for the calls below. */
uint64_t crm_keyset_key(const char *str, size_t len);
int crm_keyset_has(const struct crm_keyset *s, uint64_t key);
/* Start loading key's slot into the processor's cache, for a has or add
 * a little later: a set larger than the cache costs a miss per call. */
void crm_keyset_prefetch(const struct crm_keyset *s, uint64_t key);
int crm_keyset_add(struct crm_keyset *s, uint64_t key);
void crm_keyset_release(struct crm_keyset *s);

#endif
