/*
 * heading.h - a table's column names as its readers see them.
 *
 * Contract:
 *  - crm_table_begin_headed() is crm_table_begin() (table.h) for a table
 *    whose text format is for people: there each column's name is shown in
 *    the message language (crm_tr() of the name, which the caller's column
 *    table marks with N_()); the CSV and JSON formats keep the names as
 *    they are, byte for byte, since programs read them.
 *  - The copy of the columns is crm_table_begin()'s own: cols stays the
 *    caller's and unchanged.
 */
#ifndef CRM_HEADING_H
#define CRM_HEADING_H

#include <stdio.h>

#include "table.h"

struct crm_table *crm_table_begin_headed(FILE *fp, enum crm_format f, char delim,
					 const struct crm_table_col *cols, int ncols);

#endif
