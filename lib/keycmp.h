/*
 * keycmp.h - the order of text keys as SQLite stores them.
 *
 * Contract:
 *  - crm_key_cmp() orders two byte strings as SQLite's BINARY collation
 *    orders TEXT: bytewise over the shorter length (unsigned, memcmp),
 *    then the shorter first.  It returns a negative number, 0 or a
 *    positive number, as memcmp does.
 *  - A length of 0 may come with a null pointer.
 *  - Inline: sort comparators over millions of ids call it.
 */
#ifndef CRM_KEYCMP_H
#define CRM_KEYCMP_H

#include <stddef.h>
#include <string.h>

static inline int crm_key_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;
	return c ? c : (alen > blen) - (alen < blen);
}

#endif
