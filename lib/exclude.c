/*
 * exclude.c - crm-recommend --exclude FILE (see exclude.h).
 */
#include "exclude.h"

#include <string.h>

#include "diag.h"
#include "entity.h"
#include "textfile.h"

/* The SKU of a line, without the blanks around it: its length (0: none). */
static size_t line_sku(const char *line, const char **sku)
{
	const char *s = line + strspn(line, " \t");
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*sku = s;
	return n && *s != '#' ? n : 0;
}

int crm_exclude_load(const char *path, const struct crm_history *h, unsigned char *ok)
{
	char err[512], sku[CRM_KEY_MAX + 1];
	struct crm_text_line l;
	struct crm_textfile *tf = crm_textfile_open(path, err, sizeof err);
	const char *s;
	int rc;
	if (!tf) {
		crm_error("--exclude: %s", err);
		return CRM_EIO;
	}
	while ((rc = crm_textfile_next(tf, &l, err, sizeof err)) > 0) {
		size_t n = line_sku(l.s, &s);
		if (!n)
			continue;
		if (n > CRM_KEY_MAX) {
			crm_error_at(path, l.lineno, "a SKU is 1 to %d bytes", CRM_KEY_MAX);
			crm_textfile_close(tf);
			return CRM_EUSAGE;
		}
		memcpy(sku, s, n);
		sku[n] = '\0';
		int32_t x = crm_history_product(h, sku);
		if (x >= 0)
			ok[x] = 0;
	}
	crm_textfile_close(tf);
	if (rc == 0)
		return CRM_OK;
	crm_error("--exclude: %s", err);
	return rc == -CRM_EIO ? CRM_EIO : CRM_EUSAGE;
}
