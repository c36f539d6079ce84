/*
 * exclude.c - crm-recommend --exclude FILE (see exclude.h).
 */
#include "exclude.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "entity.h"
#include "i18n.h"
#include "textfile.h"

/* Why line s (trimmed) is no SKU, or NULL. */
static const char *not_a_sku(const char *s, size_t n)
{
	size_t i;
	if (n > CRM_KEY_MAX)
		return _("a SKU is at most 255 bytes");
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return _("a SKU holds no control character");
	return NULL;
}

static void exclude_free(char **skus, int32_t n)
{
	int32_t i;
	for (i = 0; i < n; i++)
		free(skus[i]);
	free(skus);
}

static int exclude_read(const char *path, char ***skus, int32_t *n)
{
	char err[512], q[80];
	struct crm_textfile *tf = crm_textfile_open(path, err, sizeof err);
	struct crm_text_line l;
	int rc;
	*skus = NULL;
	*n = 0;
	if (!tf)
		return crm_error(_("--exclude: %s"), err), CRM_EIO;
	while ((rc = crm_textfile_next(tf, &l, err, sizeof err)) > 0) {
		size_t a = strspn(l.s, " \t"), e = l.n;
		const char *why;
		while (e > a && (l.s[e - 1] == ' ' || l.s[e - 1] == '\t'))
			e--;
		if (e == a || l.s[a] == '#')
			continue;
		if ((why = not_a_sku(l.s + a, e - a))) {
			crm_error_at(path, l.lineno, "%s: %s", crm_quote_n(l.s + a, e - a, q, sizeof q),
				     why);
			rc = -CRM_EUSAGE;
			break;
		}
		*skus = crm_xrealloc(*skus, ((size_t)*n + 1) * sizeof **skus);
		(*skus)[(*n)++] = crm_xstrndup(l.s + a, e - a);
	}
	if (rc < 0 && rc != -CRM_EUSAGE)
		crm_error(_("--exclude: %s"), err);
	crm_textfile_close(tf);
	if (rc < 0) {
		exclude_free(*skus, *n);
		*skus = NULL;
		*n = 0;
		return rc == -CRM_EIO ? CRM_EIO : CRM_EUSAGE;
	}
	return CRM_OK;
}

static unsigned char *exclude_mark(const struct crm_history *h, char *const *skus, int32_t n)
{
	unsigned char *skip = crm_xcalloc((size_t)h->nprod + 1, 1);
	int32_t i, p;
	for (i = 0; i < n; i++)
		if ((p = crm_history_product(h, skus[i])) >= 0)
			skip[p] = 1;
	return skip;
}

int crm_exclude_skip(const char *path, const struct crm_history *h, unsigned char **skip)
{
	char **skus;
	int32_t n;
	int rc;
	*skip = NULL;
	if (!path)
		return CRM_OK;
	if ((rc = exclude_read(path, &skus, &n)) != CRM_OK)
		return rc;
	*skip = exclude_mark(h, skus, n);
	exclude_free(skus, n);
	return CRM_OK;
}

int crm_exclude_eligible(const char *path, const struct crm_history *h, unsigned char **ok)
{
	unsigned char *skip;
	int32_t i;
	int rc = crm_exclude_skip(path, h, &skip);
	*ok = crm_xmalloc((size_t)h->nprod + 1);
	for (i = 0; i < h->nprod; i++)
		(*ok)[i] = h->active[i] && !(skip && skip[i]);
	free(skip);
	return rc;
}
