/* figures.c - customer_stats and customer_stats_changed read as one; see figures.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "figures.h"

static sqlite3_stmt *prepare(struct crm_db *db, const char *cols, const char *from,
			     const char *table, int quiet)
{
	/* the key and orders after the caller's columns, in the key's order */
	static const char keys[] = ", s.customer_id, s.currency, s.orders ";
	static const char order[] = " ORDER BY s.customer_id, s.currency";
	size_t n = strlen("SELECT ") + strlen(cols) + sizeof keys + strlen(from) + strlen(table) +
		   sizeof order;
	char *sql = crm_xmalloc(n), *at;
	sqlite3_stmt *st = NULL;
	int len = snprintf(sql, n, "SELECT %s%s", cols, keys);
	at = sql + len;
	len += snprintf(at, n - (size_t)len, from, table);
	snprintf(sql + len, n - (size_t)len, "%s", order);
	if (quiet)
		sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	else
		st = crm_db_prepare(db, sql);
	free(sql);
	return st;
}

int crm_figures_open(struct crm_figures *f, struct crm_db *db, const char *cols,
		     const char *from, int quiet)
{
	memset(f, 0, sizeof *f);
	f->base = prepare(db, cols, from, "customer_stats", quiet);
	if (f->base)
		f->changed = prepare(db, cols, from, "customer_stats_changed", quiet);
	if (!f->changed) {
		crm_figures_close(f);
		return quiet ? CRM_EIO : crm_db_last_status(db);
	}
	f->key = sqlite3_column_count(f->base) - 3;
	f->next = 3;
	return CRM_OK;
}

void crm_figures_bind(struct crm_figures *f, int i, const char *s)
{
	crm_bind_static(f->base, i, s);
	crm_bind_static(f->changed, i, s);
}

/* Text x[0..nx) against y[0..ny) as SQLite's BINARY collation orders it:
 * the common bytes, then the shorter first. */
static int text_cmp(const unsigned char *x, int nx, const unsigned char *y, int ny)
{
	int c = memcmp(x ? (const void *)x : "", y ? (const void *)y : "",
		       (size_t)(nx < ny ? nx : ny));
	return c ? c : (nx > ny) - (nx < ny);
}

/* Column k of st against text y[0..ny). */
static int column_cmp(sqlite3_stmt *st, int k, const unsigned char *y, int ny)
{
	const unsigned char *x = sqlite3_column_text(st, k);
	return text_cmp(x, sqlite3_column_bytes(st, k), y, ny);
}

/* The changed row's key, kept while the statement stays on it: every
 * base row before it is compared with it. */
static void note_changed(struct crm_figures *f)
{
	f->id = sqlite3_column_text(f->changed, f->key);
	f->idlen = sqlite3_column_bytes(f->changed, f->key);
	f->cur = sqlite3_column_text(f->changed, f->key + 1);
	f->curlen = sqlite3_column_bytes(f->changed, f->key + 1);
}

int crm_figures_step(struct crm_figures *f)
{
	int c;
	for (;;) {
		if (f->next & 1)
			f->brc = sqlite3_step(f->base);
		if ((f->next & 2) && (f->crc = sqlite3_step(f->changed)) == SQLITE_ROW)
			note_changed(f);
		f->next = 0;
		if (f->brc != SQLITE_ROW && f->brc != SQLITE_DONE)
			return f->brc;
		if (f->crc != SQLITE_ROW && f->crc != SQLITE_DONE)
			return f->crc;
		if (f->brc != SQLITE_ROW && f->crc != SQLITE_ROW)
			return SQLITE_DONE;
		c = f->crc != SQLITE_ROW ? -1 : f->brc != SQLITE_ROW ? 1
			: column_cmp(f->base, f->key, f->id, f->idlen);
		if (c == 0)
			c = column_cmp(f->base, f->key + 1, f->cur, f->curlen);
		if (c < 0) {
			f->next = 1;
			f->st = f->base;
			return SQLITE_ROW;
		}
		/* the changed row, over the stale one of the same key */
		f->next = c == 0 ? 3 : 2;
		if (sqlite3_column_int64(f->changed, f->key + 2) != 0) {
			f->st = f->changed;
			return SQLITE_ROW;
		}
	}
}

void crm_figures_close(struct crm_figures *f)
{
	sqlite3_finalize(f->base);
	sqlite3_finalize(f->changed);
	f->base = f->changed = f->st = NULL;
}
