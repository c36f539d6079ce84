/*
 * sqlite-floor - what SQLite alone costs to store an orders file: the lower
 * bound of any importer that keeps those rows in that table.
 *
 *   sqlite-floor [-i] DB CSV
 *
 * DB holds a table `orders` with the seven columns of crm-synth's orders
 * (order_id, customer_id, ordered_at, amount, currency, status, channel);
 * its key, indexes and journal mode are the caller's.  Every row of CSV goes
 * into it in one transaction, 64 rows to a prepared INSERT, as crm-import
 * writes them.  The time counted is SQLite's only: binding, stepping and the
 * commit.  Reading and splitting the file are not counted, and nothing is
 * validated, so the figure is a floor under crm-import's wall time on the
 * same table, not a rival to it.
 *
 * -i: the table's indexes are dropped first and built again after the
 * rows, in the same transaction and timed with them: SQLite sorts each
 * index once instead of inserting into it row by row, the fastest way it
 * has to fill an empty table's indexes.
 *
 * Prints "SECONDS ROWS".  The file must be crm-synth's plain CSV: a header,
 * then seven comma-separated fields with no quotes (anything else is refused).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NCOL 7
#define BATCH 64
#define MAX_INDEX 16

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void die_db(sqlite3 *db, const char *what)
{
	fprintf(stderr, "sqlite-floor: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static sqlite3_stmt *prepare_insert(sqlite3 *db, int rows)
{
	char sql[BATCH * 20 + 64];
	sqlite3_stmt *st;
	int n = snprintf(sql, sizeof sql, "INSERT INTO orders VALUES "), r;
	for (r = 0; r < rows; r++)
		n += snprintf(sql + n, sizeof sql - n, "%s(?,?,?,?,?,?,?)", r ? "," : "");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die_db(db, "prepare");
	return st;
}

/* Split a line into NCOL fields in place; 0 when it is not of that shape. */
static int split(char *line, char **f)
{
	int i = 0;
	if (strchr(line, '"'))
		return 0;
	f[i++] = line;
	for (char *p = line; *p; p++)
		if (*p == ',') {
			if (i == NCOL)
				return 0;
			*p = '\0';
			f[i++] = p + 1;
		}
	return i == NCOL;
}

/* Bind the n rows of fields f to st: amounts as integers, the rest as text. */
static void bind_rows(sqlite3_stmt *st, int n, char *f[][NCOL])
{
	for (int r = 0; r < n; r++)
		for (int i = 0; i < NCOL; i++) {
			int at = r * NCOL + i + 1;
			if (i == 3)
				sqlite3_bind_int64(st, at, strtoll(f[r][i], NULL, 10));
			else if (*f[r][i])
				sqlite3_bind_text(st, at, f[r][i], -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, at);
		}
}

/* Insert n rows; the seconds it took. */
static double insert(sqlite3 *db, sqlite3_stmt *st, int n, char *f[][NCOL])
{
	double t = now();
	bind_rows(st, n, f);
	if (sqlite3_step(st) != SQLITE_DONE)
		die_db(db, "insert");
	sqlite3_reset(st);
	return now() - t;
}

/* The CREATE INDEX statements of the orders table's own indexes, dropped;
 * their number. */
static int drop_indexes(sqlite3 *db, char **create)
{
	sqlite3_stmt *st;
	char drop[300];
	int n = 0;
	if (sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' "
			       "AND tbl_name = 'orders' AND sql IS NOT NULL", -1, &st, NULL) != SQLITE_OK)
		die_db(db, "read the indexes");
	while (sqlite3_step(st) == SQLITE_ROW && n < MAX_INDEX)
		create[n++] = strdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++) {
		/* "CREATE INDEX name ON ...": the name is the third word */
		if (sscanf(create[i], "CREATE INDEX %250s", drop + 11) != 1)
			die_db(db, "parse an index");
		memcpy(drop, "DROP INDEX ", 11);
		if (sqlite3_exec(db, drop, NULL, NULL, NULL) != SQLITE_OK)
			die_db(db, drop);
	}
	return n;
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *many, *tail;
	FILE *in;
	char *line[BATCH] = {NULL}, *f[BATCH][NCOL];
	size_t cap[BATCH] = {0};
	long lineno = 0, rows = 0;
	int r = 0, after = argc == 4 && !strcmp(argv[1], "-i"), nindex = 0;
	char *create[MAX_INDEX];
	double spent, t;
	argv += after;
	argc -= after;
	if (argc != 3) {
		fprintf(stderr, "usage: sqlite-floor [-i] DB CSV\n");
		return 2;
	}
	if (!(in = fopen(argv[2], "r"))) {
		perror(argv[2]);
		return 1;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die_db(db, argv[1]);
	t = now();
	/* crm-import's settings for a write */
	if (sqlite3_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384; BEGIN IMMEDIATE",
			 NULL, NULL, NULL) != SQLITE_OK)
		die_db(db, "begin");
	if (after)
		nindex = drop_indexes(db, create);
	many = prepare_insert(db, BATCH);
	spent = now() - t;
	while (getline(&line[r], &cap[r], in) > 0) {
		line[r][strcspn(line[r], "\r\n")] = '\0';
		if (++lineno == 1)
			continue;
		if (!split(line[r], f[r])) {
			fprintf(stderr, "sqlite-floor: %s:%ld: not %d plain fields\n", argv[2], lineno,
				NCOL);
			return 1;
		}
		rows++;
		if (++r == BATCH) {
			spent += insert(db, many, BATCH, f);
			r = 0;
		}
	}
	if (ferror(in)) {
		perror(argv[2]);
		return 1;
	}
	t = now();
	if (r) {
		tail = prepare_insert(db, r);
		insert(db, tail, r, f);
		sqlite3_finalize(tail);
	}
	sqlite3_finalize(many);
	for (int i = 0; i < nindex; i++) {
		if (sqlite3_exec(db, create[i], NULL, NULL, NULL) != SQLITE_OK)
			die_db(db, create[i]);
		free(create[i]);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die_db(db, "commit");
	if (sqlite3_close(db) != SQLITE_OK)
		die_db(db, "close");
	spent += now() - t;
	printf("%.2f %ld\n", spent, rows);
	for (r = 0; r < BATCH; r++)
		free(line[r]);
	fclose(in);
	return 0;
}
