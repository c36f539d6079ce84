/*
 * tmpstackcheck - lib/tmpstack.h on records of every size (tests only).
 *
 *   tmpstackcheck   pushes 6,000 records of 0 to 20,000 bytes and three of
 *       3 MiB (past the write and the read buffer), pops 2,000, pushes
 *       1,000 more, pops them all, then fills and empties the stack again
 *       (its file cut to nothing in between), and pushes a record over
 *       bytes read before (over_read_bytes()).  Every record popped must be
 *       the last one pushed, byte for byte.  Prints "ok PUSHED" and exits 0,
 *       or names the first wrong record and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "tmpstack.h"

#define MAXREC 20000
#define BIG (3u << 20)

static unsigned char *buf;
static long ids[16000];      /* the record ids on the stack, bottom first */
static size_t sizes[16000];  /* and their sizes */
static size_t depth;
static long pushed;

static size_t size_of(long id)
{
	if (id % 2500 == 7)
		return BIG;
	return (size_t)((id * 7919) % (MAXREC + 1));
}

static void fill(long id, unsigned char *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(id * 31 + i * 17 + (i >> 8));
}

static int push_n(struct crm_tmpstack *s, long id, size_t n)
{
	fill(id, buf, n);
	if (crm_tmpstack_push(s, buf, n) != CRM_OK) {
		printf("push of record %ld failed\n", id);
		return 1;
	}
	sizes[depth] = n;
	ids[depth++] = id;
	pushed++;
	return 0;
}

static int push(struct crm_tmpstack *s, long id)
{
	return push_n(s, id, size_of(id));
}

static int pop(struct crm_tmpstack *s)
{
	long id = ids[--depth];
	size_t n = 0, want = sizes[depth];
	int rc;
	const unsigned char *p = crm_tmpstack_pop(s, &n, &rc);
	if (!p || n != want) {
		printf("record %ld: %s, %zu bytes for %zu\n", id, p ? "popped" : "none", n, want);
		return 1;
	}
	fill(id, buf, n);
	if (memcmp(p, buf, n)) {
		printf("record %ld: its bytes differ\n", id);
		return 1;
	}
	return 0;
}

static int round_trip(struct crm_tmpstack *s, long first)
{
	long id = first;
	size_t n;
	int rc;
	while (id < first + 6000)
		if (push(s, id++))
			return 1;
	while (depth > 4000)
		if (pop(s))
			return 1;
	while (id < first + 7000)
		if (push(s, id++))
			return 1;
	while (depth)
		if (pop(s))
			return 1;
	if (crm_tmpstack_pop(s, &n, &rc) || rc != CRM_OK || crm_tmpstack_count(s)) {
		printf("the emptied stack gave a record\n");
		return 1;
	}
	return 0;
}

/* A record pushed over bytes read before: 104 records of 10,000 bytes
 * drained to the file, 96 more, all popped back to the 104th, which reads
 * the file's first MiB; then a smaller record, drained by a large one, takes
 * the 104th's place: it must be read again, not taken from the buffer. */
static int over_read_bytes(struct crm_tmpstack *s)
{
	long id;
	for (id = 200000; id < 200200; id++)
		if (push_n(s, id, 10000))
			return 1;
	while (depth > 103)
		if (pop(s))
			return 1;
	if (push_n(s, 300000, 5000) || push_n(s, 300001, 1048000))
		return 1;
	while (depth)
		if (pop(s))
			return 1;
	return 0;
}

int main(void)
{
	struct crm_tmpstack *s = crm_tmpstack_new();
	int bad;
	buf = crm_xmalloc(BIG);
	bad = round_trip(s, 1) || round_trip(s, 100000) || over_read_bytes(s);
	crm_tmpstack_free(s);
	free(buf);
	if (!bad)
		printf("ok %ld\n", pushed);
	return bad;
}
