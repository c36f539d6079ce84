/*
 * idset.h - a set of ids (customers') in memory, for a scan that reads
 * many ids and keeps few: most lookups of an id not in the set end at a
 * bit of its filter, without reading an id.
 *
 * Contract:
 *  - The caller hashes each id (any 32-bit hash, the same for the same id:
 *    crm_customer_hash(id, "") in stats.h) and passes the hash with it.
 *  - crm_idset_add() returns the id's index (0, 1, ... in the order ids
 *    were first added), copying the id when it is new; crm_idset_find()
 *    the index of an id, or -1.  s->id[k] is the id of index k, s->n how
 *    many there are; the copies live until crm_idset_release().
 *  - A set is zeroed by memset (or = {0}) before use; release leaves it
 *    so.  Out of memory ends the program (crm_xmalloc).
 */
#ifndef CRM_IDSET_H
#define CRM_IDSET_H

#include <stddef.h>
#include <stdint.h>

#include "strpool.h"

struct crm_idslot;

struct crm_idset {
	char **id;
	size_t n, cap;
	struct crm_idslot *slot;
	size_t nslot;
	uint64_t *filter;                /* a bit per hash bucket: clear, no id of the set */
	struct crm_strpool pool;
};

size_t crm_idset_add(struct crm_idset *s, const char *id, uint32_t h);
long crm_idset_find(const struct crm_idset *s, const char *id, uint32_t h);
void crm_idset_release(struct crm_idset *s);

#endif
