/*
 * custlist.h - the customers a command is asked about: the ids of its
 * --customer options, else a customer CSV on standard input (crm-segment's,
 * crm-loyalty balance's or any file with a customer_id column, through
 * the customer stream of entity.h with the command's --map).
 *
 * Contract:
 *  - --customer ids win: standard input is then not read.  Without them,
 *    standard input is read only when it is data (opts.h
 *    crm_stdin_is_data()); a terminal or cron's /dev/null gives no list
 *    (n = 0: the caller's "everyone").
 *  - Ids are kept in their order, duplicates included (the caller decides).
 *  - A row with an empty customer_id is refused "stdin:LINE: column
 *    'customer_id' is empty", CRM_EDATA; the stream's own errors (no
 *    header, a missing column) as crm_stream_read() reports them.
 */
#ifndef CRM_CUSTLIST_H
#define CRM_CUSTLIST_H

#include <stdint.h>

#include "csvio.h"
#include "norm.h"
#include "opts.h"

struct crm_custlist {
	char **id;
	int32_t n;
	const char *fname;       /* of the stream, while it is read */
};

/* Fill l (zeroed first): CRM_OK or an exit code, reported. */
int crm_custlist_read(struct crm_custlist *l, const char *const *ids, int nids,
		      const struct crm_input *in, const struct crm_tz *tz,
		      const struct crm_csv_opts *csv);
void crm_custlist_free(struct crm_custlist *l);

#endif
