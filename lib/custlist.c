/* custlist.c - the customers a command is asked about (custlist.h). */
#include "custlist.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "entity.h"
#include "i18n.h"

static void add(struct crm_custlist *l, const char *id)
{
	l->id = crm_xrealloc(l->id, ((size_t)l->n + 1) * sizeof *l->id);
	l->id[l->n++] = crm_xstrdup(id);
}

static int reject(long line, const char *why, void *ctx)
{
	struct crm_custlist *l = ctx;
	crm_error_at(l->fname, line, "%s", why);
	return CRM_EDATA;
}

static int on_row(const struct crm_values *v, const struct crm_row *row, void *ctx)
{
	if (!v->val[0])
		return reject(row->line, _("column 'customer_id' is empty"), ctx);
	add(ctx, v->val[0]);
	return 0;
}

int crm_custlist_read(struct crm_custlist *l, const char *const *ids, int nids,
		      const struct crm_input *in, const struct crm_tz *tz,
		      const struct crm_csv_opts *csv)
{
	struct crm_stream st = {
		.e = &crm_customer_stream, .maps = in->map, .nmap = in->nmap,
		.vc = {tz, CRM_MDY, NULL, "", NULL},
		.csv = csv, .flags = CRM_READ_NEED_HEADER, .name = &l->fname,
		.on_row = on_row, .on_reject = reject, .ctx = l,
	};
	int i;
	memset(l, 0, sizeof *l);
	for (i = 0; i < nids; i++)
		add(l, ids[i]);
	if (nids || !crm_stdin_is_data())
		return CRM_OK;
	return crm_stream_read(&st, "-");
}

void crm_custlist_free(struct crm_custlist *l)
{
	int32_t i;
	for (i = 0; i < l->n; i++)
		free(l->id[i]);
	free(l->id);
	memset(l, 0, sizeof *l);
}
