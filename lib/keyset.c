/*
 * keyset.c - fingerprints of strings in an open-addressed table; see
 * keyset.h.  A fingerprint's high bits choose its first slot, so that a
 * doubled table places it again from the fingerprint alone.
 */
#include "keyset.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

#define FIRST_SLOTS 1024

/* MurmurHash3's finalizer: every bit of x moves every bit of the result.
 * Weaker steps (one multiply) let two e-mails of 4M share a fingerprint:
 * a multiply carries a difference only upwards, and the next block's
 * bytes could cancel what was left of it. */
static uint64_t fmix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	return x ^ x >> 33;
}

uint64_t crm_keyset_key(const char *s, size_t len)
{
	uint64_t h = fmix(UINT64_C(0x9e3779b97f4a7c15) ^ len), w;
	size_t i;
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = fmix(h ^ w) + UINT64_C(0x9e3779b97f4a7c15);
	}
	w = 0;
	memcpy(&w, s + i, len - i);
	h = fmix(h ^ w);
	return h ? h : 1;
}

/* Fingerprint f's first slot: its high bits. */
static size_t first_slot(const struct crm_keyset *s, uint64_t f)
{
	return (size_t)(f >> s->shift);
}

/* The slot of fingerprint f, or the empty slot where it would go. */
static size_t find(const struct crm_keyset *s, uint64_t f)
{
	size_t i = first_slot(s, f);
	while (s->slot[i] && s->slot[i] != f)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void grow(struct crm_keyset *s)
{
	uint64_t *old = s->slot;
	size_t n = s->cap, i;
	s->cap = n ? n * 2 : FIRST_SLOTS;
	for (s->shift = 64; (size_t)1 << (64 - s->shift) < s->cap; s->shift--)
		;
	s->slot = crm_xcalloc_big(s->cap, sizeof *s->slot);
	for (i = 0; i < n; i++)
		if (old[i])
			s->slot[find(s, old[i])] = old[i];
	free(old);
}

void crm_keyset_init(struct crm_keyset *s, size_t max_slots)
{
	memset(s, 0, sizeof *s);
	s->max = max_slots < FIRST_SLOTS ? FIRST_SLOTS : max_slots;
}

int crm_keyset_has(const struct crm_keyset *s, uint64_t key)
{
	return s->used && s->slot[find(s, key)] != 0;
}

void crm_keyset_prefetch(const struct crm_keyset *s, uint64_t key)
{
	if (s->slot)
		__builtin_prefetch(&s->slot[first_slot(s, key)]);
}

int crm_keyset_add(struct crm_keyset *s, uint64_t key)
{
	size_t i;
	if (4 * (s->used + 1) > 3 * s->cap) {
		if (s->cap >= s->max)
			return -1;
		grow(s);
	}
	i = find(s, key);
	if (!s->slot[i]) {
		s->slot[i] = key;
		s->used++;
	}
	return 0;
}

void crm_keyset_release(struct crm_keyset *s)
{
	free(s->slot);
	memset(s, 0, sizeof *s);
}
