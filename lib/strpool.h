/*
 * strpool.h - copies of strings that live as long as their pool.
 *
 * Contract:
 *  - crm_strpool_dup() copies n bytes and a NUL into the pool's current
 *    block, starting a new block (of at least `block` bytes, or the string's
 *    size) when it does not fit; the copy never moves.
 *  - crm_strpool_take() moves every block of `from` into `to` (strings
 *    made by either stay where they are) and leaves `from` empty: pools
 *    filled by two threads become one.
 *  - A pool is zeroed by crm_strpool_init(); crm_strpool_release() frees
 *    every block and leaves it empty.  Out of memory ends the program
 *    (crm_xmalloc).
 */
#ifndef CRM_STRPOOL_H
#define CRM_STRPOOL_H

#include <stddef.h>

struct crm_strblock;

struct crm_strpool {
	struct crm_strblock *head;
	size_t block;            /* bytes of a new block */
};

void crm_strpool_init(struct crm_strpool *p, size_t block);
char *crm_strpool_dup(struct crm_strpool *p, const char *s, size_t n);
void crm_strpool_take(struct crm_strpool *to, struct crm_strpool *from);
void crm_strpool_release(struct crm_strpool *p);

#endif
