/* strpool.c - strings in blocks that never move.  See strpool.h. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "strpool.h"

struct crm_strblock {
	struct crm_strblock *next;
	size_t used, size;
	char data[];
};

void crm_strpool_init(struct crm_strpool *p, size_t block)
{
	p->head = NULL;
	p->block = block;
}

char *crm_strpool_dup(struct crm_strpool *p, const char *s, size_t n)
{
	struct crm_strblock *b = p->head;
	char *d;
	if (!b || b->size - b->used < n + 1) {
		size_t size = n + 1 > p->block ? n + 1 : p->block;
		b = crm_xmalloc(sizeof *b + size);
		b->size = size;
		b->used = 0;
		b->next = p->head;
		p->head = b;
	}
	d = b->data + b->used;
	memcpy(d, s, n);
	d[n] = '\0';
	b->used += n + 1;
	return d;
}

void crm_strpool_take(struct crm_strpool *to, struct crm_strpool *from)
{
	struct crm_strblock *tail = from->head;
	if (!tail)
		return;
	while (tail->next)
		tail = tail->next;
	tail->next = to->head;
	to->head = from->head;
	from->head = NULL;
}

void crm_strpool_release(struct crm_strpool *p)
{
	struct crm_strblock *b, *next;
	for (b = p->head; b; b = next) {
		next = b->next;
		free(b);
	}
	p->head = NULL;
}
