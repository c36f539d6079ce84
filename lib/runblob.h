/*
 * runblob.h - the members of a saved segment run as one blob: every
 * customer's id, segment and figures, in customer order, a few bytes each.
 *
 * Contract:
 *  - A run of 3.3M customers was 3.3M rows of segment_members (200 MB, 2.3 s
 *    to insert, 4 s more to count its flows); as one blob it is ~15 bytes a
 *    customer, written in one go and read back in one pass.  segment.h
 *    keeps the blobs (segment_blobs) and merges two runs read with this.
 *  - The format, version 1 (varint: LEB128, 7 bits a byte, low first, in
 *    its shortest form; zigzag: a signed value v as 2v, or -2v - 1 when
 *    negative, then as a varint):
 *        byte    version, 1
 *        varint  number of segment names, at most CRM_RUNBLOB_NAMES_MAX
 *        each    varint length (1 .. CRM_RUNBLOB_NAME_MAX), the name's
 *                bytes (no NUL); the names are distinct
 *        varint  number of members
 *        each    varint bytes shared with the previous member's id (0 for
 *                the first), varint length of the rest (at least 1), the
 *                rest's bytes; varint segment (an index of the names);
 *                zigzag recency, frequency, monetary (days, orders, minor
 *                units); varint r, f, m (scores 1 to 5)
 *    and nothing after the last member.  Ids are at most CRM_RUNBLOB_ID_MAX
 *    bytes, hold no NUL, and increase strictly, bytewise (SQLite's BINARY
 *    order, which is crm_rfm's); so the shared prefix is always the longest
 *    one.  An encoding is canonical: a blob decodes only when encoding
 *    what it decodes to gives the same bytes back.
 *  - The encoder (crm_runblob_enc) is fed member by member and refuses what
 *    the format cannot hold (an id out of order or too long, a segment it
 *    was not given, a score outside 1 to 5) with the reason in *why; the
 *    blob is assembled at the end.  Its all-zero state is a valid empty
 *    encoder (an SQLite aggregate context starts so).
 *  - The decoder checks every byte against the format and its caps (no
 *    count or length is trusted before the bytes it promises are there):
 *    a corrupt blob is -1 with a reason and the byte offset where it was
 *    found, never a read outside the blob, an unbounded allocation or a
 *    crash (tests/fuzz/runblob.c).
 *  - Parsers per diag.h (a): nothing is printed; the caller names the run.
 */
#ifndef CRM_RUNBLOB_H
#define CRM_RUNBLOB_H

#include <stddef.h>
#include <stdint.h>

#define CRM_RUNBLOB_VERSION 1
#define CRM_RUNBLOB_ID_MAX 1024         /* bytes of an id (crm's keys: 255) */
#define CRM_RUNBLOB_NAME_MAX 255        /* bytes of a segment name (rules': 63) */
#define CRM_RUNBLOB_NAMES_MAX 65535     /* segments of a run */

/* One member: id (idlen bytes, NUL-terminated), segment index, figures. */
struct crm_runblob_member {
	const char *id;
	size_t idlen;
	int seg;
	int32_t recency, frequency;
	int64_t monetary;
	unsigned char score[3];          /* r, f, m */
};

/* ---- writing ---- */

struct crm_runblob_enc {
	unsigned char *buf;              /* room for the header, the members so far */
	size_t room, len, cap;
	char **names;
	int nnames, capnames;
	uint64_t count;
	size_t prevlen;
	char prev[CRM_RUNBLOB_ID_MAX + 1];
};

void crm_runblob_enc_init(struct crm_runblob_enc *e);
/* The index of a segment name, added when new; -1 with *why when it is
 * empty, too long, holds a NUL (len differs from strlen) or is one too many. */
int crm_runblob_enc_name(struct crm_runblob_enc *e, const char *name, size_t len,
			 const char **why);
/* Append a member (m->seg an index the encoder gave); 0, or -1 with *why. */
int crm_runblob_enc_add(struct crm_runblob_enc *e, const struct crm_runblob_member *m,
			const char **why);
/* Room for this many bytes of members, when the caller knows about how
 * many (a run the size of the one before): no copies as the buffer grows. */
void crm_runblob_enc_reserve(struct crm_runblob_enc *e, size_t bytes);
/* The blob, *len bytes, assembled where the members are: the header goes
 * into room kept for it in front (copied only when names came after the
 * first member).  Valid until the encoder changes or is released. */
const unsigned char *crm_runblob_enc_blob(struct crm_runblob_enc *e, size_t *len);
/* The blob as a malloc'd buffer of its own; the encoder is left empty. */
unsigned char *crm_runblob_enc_finish(struct crm_runblob_enc *e, size_t *len);
void crm_runblob_enc_release(struct crm_runblob_enc *e);

/* ---- reading, member by member ---- */

struct crm_runblob {
	const unsigned char *start, *p, *end;
	int nnames;
	char **names;                    /* NUL-terminated copies */
	uint64_t count, left;
	size_t idlen;
	char id[CRM_RUNBLOB_ID_MAX + 1];
	const char *why;                 /* what was wrong, and where */
	size_t at;
};

/* Read the header of blob[0..len); 0, or -1 with rb->why and rb->at.  The
 * blob must stay there while it is read.  Release rb either way. */
int crm_runblob_open(struct crm_runblob *rb, const void *blob, size_t len);
/* The next member into *m (m->id points into rb, valid until the next
 * call): 1, 0 after the last (the blob checked to its end), or -1. */
int crm_runblob_next(struct crm_runblob *rb, struct crm_runblob_member *m);
void crm_runblob_release(struct crm_runblob *rb);

/* ---- reading into a table, for lookups by id ---- */

struct crm_runblob_table {
	size_t n;
	char *ids;                       /* the ids, each NUL-terminated */
	uint32_t *off;                   /* where each starts in ids */
	uint32_t *seg;
	int nnames;
	char **names;
};

/* Decode a whole blob; 0, or -1 with *why and *at (t is left empty). */
int crm_runblob_table_load(struct crm_runblob_table *t, const void *blob, size_t len,
			   const char **why, size_t *at);
/* The segment name of customer id, or NULL when it is not a member. */
const char *crm_runblob_table_find(const struct crm_runblob_table *t, const char *id);
void crm_runblob_table_release(struct crm_runblob_table *t);

#endif
