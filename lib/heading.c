/*
 * heading.c - text tables' column names in the message language (heading.h).
 */
#include <stdlib.h>

#include "diag.h"
#include "heading.h"
#include "i18n.h"

struct crm_table *crm_table_begin_headed(FILE *fp, enum crm_format f, char delim,
					 const struct crm_table_col *cols, int ncols)
{
	struct crm_table_col *shown;
	struct crm_table *t;
	int i;
	if (f != CRM_FORMAT_TEXT || ncols <= 0)
		return crm_table_begin(fp, f, delim, cols, ncols);
	shown = crm_xcalloc((size_t)ncols, sizeof *shown);
	for (i = 0; i < ncols; i++) {
		shown[i] = cols[i];
		shown[i].name = crm_tr(cols[i].name);
	}
	t = crm_table_begin(fp, f, delim, shown, ncols);     /* copies the columns */
	free(shown);
	return t;
}
