/*
 * runblob - fuzz the decoder of saved segment runs (lib/runblob.h): a blob
 * read from the database may be anything (a disk's error, a hand's UPDATE).
 *
 * Input: the blob.  Properties: decoding reads nothing outside it and ends
 * in a member count it promised or an error with an offset inside it; the
 * table decodes the same blobs as the reader, and finds each member's
 * segment; a blob that decodes encodes back to the same bytes (the format
 * is canonical).
 */
#include "fuzz.h"
#include "runblob.h"

#include <stdlib.h>
#include <string.h>

/* Encode what rb decodes: 0 when the encoder took it all. */
static int reencode(struct crm_runblob *rb, struct crm_runblob_enc *e, int *rc)
{
	struct crm_runblob_member m;
	const char *why;
	int i;
	for (i = 0; i < rb->nnames; i++)
		if (crm_runblob_enc_name(e, rb->names[i], strlen(rb->names[i]), &why) != i)
			fuzz_fail("a decoded name does not encode at its index", rb->names[i]);
	while ((*rc = crm_runblob_next(rb, &m)) == 1)
		if (crm_runblob_enc_add(e, &m, &why) < 0)
			fuzz_fail("a decoded member does not encode", why);
	return 0;
}

static void check_table(const uint8_t *data, size_t size, int decoded)
{
	struct crm_runblob_table t;
	struct crm_runblob rb;
	struct crm_runblob_member m;
	const char *why;
	size_t at;
	int ok = crm_runblob_table_load(&t, data, size, &why, &at) == 0;
	if (ok != decoded)
		fuzz_fail("the table and the reader disagree on a blob", ok ? "table" : "reader");
	if (!ok) {
		if (at > size)
			fuzz_fail("an error offset past the blob", why);
		return;
	}
	if (crm_runblob_open(&rb, data, size) == 0)
		while (crm_runblob_next(&rb, &m) == 1)
			if (strcmp(crm_runblob_table_find(&t, m.id) ? crm_runblob_table_find(&t, m.id) :
				   "", rb.names[m.seg]))
				fuzz_fail("the table finds another segment", m.id);
	crm_runblob_release(&rb);
	crm_runblob_table_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crm_runblob rb;
	struct crm_runblob_enc e;
	unsigned char *again;
	size_t len;
	int rc = -1;
	crm_runblob_enc_init(&e);
	if (crm_runblob_open(&rb, data, size) == 0)
		reencode(&rb, &e, &rc);
	if (rc < 0 && rb.at > size)
		fuzz_fail("an error offset past the blob", rb.why);
	if (rc == 0) {
		again = crm_runblob_enc_finish(&e, &len);
		if (len != size || memcmp(again, data, size))
			fuzz_fail("a blob that decodes does not encode back to its bytes", "");
		free(again);
	}
	crm_runblob_enc_release(&e);
	crm_runblob_release(&rb);
	check_table(data, size, rc == 0);
	return 0;
}
