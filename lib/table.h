/*
 * table.h - one table of results written as CSV/TSV, aligned text or JSON,
 * for the commands' --format option.
 *
 * Contract:
 *  - The caller names the columns and their kinds once, then gives rows cell
 *    by cell, as strings already formatted (numbers with their decimals);
 *    a NULL cell is a missing value.  A number that is zero has no sign in
 *    any format: "-0.0" is written "0.0".
 *  - csv: the header, then one line per row through the crm_writer of
 *    csvio.h: quoted only where needed, CRM_T_TEXT cells guarded against
 *    running as spreadsheet formulas; a missing value is an empty field;
 *    booleans are "yes"/"no".  Rows stream out as they come; rows
 *    of rendered cells (crm_table_put) in blocks of 64 KiB when fp is not
 *    a terminal, the last block at crm_table_finish or crm_table_free.
 *  - json: an array of objects, one per row, keys in column order, two
 *    spaces of indent; numbers bare (a leading '+' dropped; an empty number
 *    cell is a missing value, and a number cell that JSON could not read as
 *    one is written as a string rather than break the document), booleans
 *    true/false, missing values null, strings escaped as RFC 8259 says
 *    (quote, backslash, control characters as \n, \t, ... or \u00XX, the
 *    C1 controls U+0080..U+009F too; bytes that are not UTF-8 become
 *    U+FFFD).  Rows stream out as they come; "[]" for no rows.
 *  - text: for people; a header (the column names in the messages' language,
 *    crm_tr() of i18n.h: the caller marks them with N_(); csv and json keep
 *    them byte for byte) and the rows in columns separated by two
 *    spaces, numbers and their names right-aligned, text left-aligned,
 *    widths counted in terminal columns (crm_utf8_width); control characters
 *    (C0, DEL, C1) and bytes that are not UTF-8 shown as crm_escape_next()
 *    shows them (\n, \t, \xHH); missing values as "-".  Rows are kept until crm_table_finish, so
 *    memory grows with the rows of this format only.
 *  - crm_table_finish writes what is pending (the text rows, JSON's closing
 *    bracket); crm_table_free frees the table.
 */
#ifndef CRM_TABLE_H
#define CRM_TABLE_H

#include <stdint.h>
#include <stdio.h>

enum crm_format { CRM_FORMAT_CSV, CRM_FORMAT_TEXT, CRM_FORMAT_JSON };

enum crm_cell_kind {
	CRM_T_TEXT,      /* a customer's text (a comment, a name): guarded in CSV */
	CRM_T_PLAIN,     /* our own text (an id, a date, a label) */
	CRM_T_NUM,       /* a number written by us: bare in JSON, right-aligned */
	CRM_T_BOOL,      /* "1" or "0" */
};

struct crm_table_col {
	const char *name;
	enum crm_cell_kind kind;
};

/* A JSON string literal of s (RFC 8259): quote, backslash and control
 * characters (C1 too) escaped, invalid UTF-8 replaced by U+FFFD. */
void crm_json_string(FILE *fp, const char *s);

/* 1 when s is a number as JSON (RFC 8259) writes it: -?int(.frac)?(e exp)?. */
int crm_json_number(const char *s);

/* "csv", "text" or "json" -> the format; -1 for another name. */
int crm_format_parse(const char *name);

struct crm_table;

/* delim: the CSV delimiter (',' or '\t' for --tsv); copies cols.  Writes the
 * header at once (CSV); crm_table_free() the table. */
struct crm_table *crm_table_begin(FILE *fp, enum crm_format f, char delim,
				  const struct crm_table_col *cols, int ncols);
/* The next cell of the current row; after the last column the row ends. */
void crm_table_cell(struct crm_table *t, const char *s);
/* Cells rendered once for writing many times (a customer's id, email and
 * name on each of their rows; a product's SKU and name on every row that
 * offers it): render() keeps the bytes that crm_table_cell() of s[0..n)
 * would write in columns col..col + n - 1, put() writes them as the next
 * n cells, which must be in those columns.  Same output as
 * crm_table_cell(); in CSV without its work per cell.  A rendered run is
 * reused by each render() (fit() gives back its spare room when it is kept
 * for good), freed by crm_table_rendered_free(). */
struct crm_table_rendered {
	char *s;                 /* CSV: the fields' bytes; else each cell as a
	                          * byte (0: missing, 1: present) and its text */
	size_t n, cap;
	int ncells;
};
void crm_table_render(const struct crm_table *t, int col, int n, const char *const *s,
		      struct crm_table_rendered *r);
void crm_table_put(struct crm_table *t, const struct crm_table_rendered *r);
void crm_table_rendered_fit(struct crm_table_rendered *r);
void crm_table_rendered_free(struct crm_table_rendered *r);
/* Typed cells, written alike by every command:
 *  - crm_table_int: a whole number;
 *  - crm_table_fixed: v with `decimals` decimals (0..6), rounded half away
 *    from zero and never "-0.0" (crm_nps_format), missing when v is NAN;
 *  - crm_table_share: 100 k / n with one decimal, missing when n is 0;
 *  - crm_table_day: the date of a day number (norm.h). */
void crm_table_int(struct crm_table *t, long long v);
void crm_table_fixed(struct crm_table *t, double v, int decimals);
void crm_table_share(struct crm_table *t, long long k, long long n);
void crm_table_day(struct crm_table *t, int64_t day);
/* After the last row: write what is pending. */
void crm_table_finish(struct crm_table *t);
/* Free the table (not its FILE); safe with NULL. */
void crm_table_free(struct crm_table *t);

#endif
