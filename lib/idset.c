/* idset.c - a set of ids with a filter in front; see idset.h. */
#include "idset.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

struct crm_idslot {
	uint32_t hash, k;                /* k: 1 + index, 0 free */
};

#define FILTER_BITS 21            /* 256 KiB: stays in the cache */

static uint32_t filter_bit(uint32_t h)
{
	return (h * 0x9E3779B1u) >> (32 - FILTER_BITS);
}

/* The slot of an id: free, or holding it.  Most ids the scan looks up are
 * not in the set: their hash ends the search without reading an id. */
static struct crm_idslot *slot_of(const struct crm_idset *s, const char *id, uint32_t h)
{
	size_t i = h & (s->nslot - 1);
	while (s->slot[i].k && (s->slot[i].hash != h || strcmp(s->id[s->slot[i].k - 1], id)))
		i = (i + 1) & (s->nslot - 1);
	return &s->slot[i];
}

/* At half load the slots double. */
static void grow(struct crm_idset *s)
{
	struct crm_idslot *old = s->slot;
	size_t i, n = s->nslot;
	s->nslot = n ? 2 * n : 4096;
	s->slot = crm_xcalloc(s->nslot, sizeof *s->slot);
	for (i = 0; i < n; i++)
		if (old[i].k)
			*slot_of(s, s->id[old[i].k - 1], old[i].hash) = old[i];
	free(old);
}

size_t crm_idset_add(struct crm_idset *s, const char *id, uint32_t h)
{
	struct crm_idslot *slot;
	size_t len;
	if (2 * (s->n + 1) > s->nslot)
		grow(s);
	if ((slot = slot_of(s, id, h))->k)
		return slot->k - 1;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->id = crm_xrealloc(s->id, s->cap * sizeof *s->id);
	}
	if (!s->filter) {
		s->filter = crm_xcalloc((1u << FILTER_BITS) / 64, sizeof *s->filter);
		crm_strpool_init(&s->pool, 64 * 1024);
	}
	s->filter[filter_bit(h) / 64] |= (uint64_t)1 << (filter_bit(h) % 64);
	len = strlen(id);
	s->id[s->n] = crm_strpool_dup(&s->pool, id, len);
	slot->hash = h;
	slot->k = (uint32_t)++s->n;
	return s->n - 1;
}

long crm_idset_find(const struct crm_idset *s, const char *id, uint32_t h)
{
	uint32_t b = filter_bit(h);
	const struct crm_idslot *slot;
	if (!s->filter || !(s->filter[b / 64] >> (b % 64) & 1))
		return -1;
	slot = slot_of(s, id, h);
	return slot->k ? (long)slot->k - 1 : -1;
}

void crm_idset_release(struct crm_idset *s)
{
	if (s->filter)
		crm_strpool_release(&s->pool);
	free(s->id);
	free(s->slot);
	free(s->filter);
	memset(s, 0, sizeof *s);
}
