/*
 * exclude.h - crm-recommend --exclude FILE: products never to list.
 *
 * Contract:
 *  - The file holds one SKU a line, read whole through lib/textfile (its
 *    caps and messages); blanks (spaces, tabs) around a SKU are dropped,
 *    and empty lines and lines starting with '#' are skipped.
 *  - A SKU longer than CRM_KEY_MAX bytes is refused, never cut:
 *    "FILE:LINE: a SKU is 1 to 255 bytes", a usage error (2).  A file that
 *    cannot be read is CRM_EIO (3), a cap or a NUL byte (textfile.h) a
 *    usage error too, as crm-segment --rules calls a bad rules file.
 *  - A SKU the history does not know (never sold in the window) is no
 *    error: it may be sold later, and the same file serves every day.
 *  - Reports its errors (diag.h (b)).
 */
#ifndef CRM_EXCLUDE_H
#define CRM_EXCLUDE_H

#include "history.h"

/* Clear ok[x] of each product x of h the file names: CRM_OK or an exit code. */
int crm_exclude_load(const char *path, const struct crm_history *h, unsigned char *ok);

#endif
