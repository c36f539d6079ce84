/*
 * exclude.h - crm-recommend --exclude FILE: products never to list.
 *
 * Contract:
 *  - One SKU a line, read whole through lib/textfile (its caps and
 *    messages); spaces and tabs around it dropped; empty lines and lines
 *    starting with '#' skipped.
 *  - A SKU longer than CRM_KEY_MAX bytes or holding a control character is
 *    refused, never cut: "FILE:LINE: 'SKU': why", CRM_EUSAGE (the file is
 *    an option's, as crm-segment --rules); a file that cannot be read is
 *    CRM_EIO; a cap or a NUL byte (textfile.h) CRM_EUSAGE.
 *  - A SKU the history does not know (not sold in the window) is no error:
 *    it may be sold later, and the same file serves every day.
 *  - Reports its errors (diag.h (b)).
 */
#ifndef CRM_EXCLUDE_H
#define CRM_EXCLUDE_H

#include <stdint.h>

#include "history.h"

/* skip: h->nprod + 1 flags (crm_xmalloc'd), 1 for each product of h the
 * file at path names; NULL when path is NULL.  CRM_OK or an exit code. */
int crm_exclude_skip(const char *path, const struct crm_history *h, unsigned char **skip);
/* ok: h->nprod + 1 flags (crm_xmalloc'd), 1 for each active product of h
 * the file at path (NULL: none) does not name.  CRM_OK or an exit code. */
int crm_exclude_eligible(const char *path, const struct crm_history *h, unsigned char **ok);

#endif
