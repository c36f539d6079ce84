/*
 * sqlite-floor - what SQLite alone costs to store an orders file: the lower
 * bound of any importer that keeps those rows in that table.
 *
 *   sqlite-floor [-i | -c | -f] DB CSV
 *
 * DB holds a table `orders` with the seven columns of crm-synth's orders
 * (order_id, customer_id, ordered_at, amount, currency, status, channel);
 * its key, indexes and journal mode are the caller's.  Every row of CSV goes
 * into it in one transaction, 64 rows to a prepared INSERT OR ROLLBACK (no
 * statement journal), as crm-import
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
 * -c: then also what crm-import writes besides the orders, into DB's
 * (empty) customers and customer_stats: one row for each customer the
 * orders name, and one of figures (first and last order, count, sum, and
 * the orders' times as the blob of times.h) for each customer and currency
 * of paid or pending orders, each table in key order as crm-import's ledger
 * writes them.  Summing them up is not
 * counted; inserting them is.
 *
 * -f: as -c, but no customers row besides the figures: what a schema that
 * kept each customer and its figures in one b-tree would write for a file
 * of orders (the customers they name have nothing but their id).
 *
 * Prints "SECONDS ROWS".  The file must be crm-synth's plain CSV: a header,
 * then seven comma-separated fields with no quotes (anything else is refused).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NCOL 7
#define BATCH 64
#define MAX_INDEX 16

/* -c: a customer and currency, summed from the orders */
struct cust {
	char id[24];
	char currency[4];
	int64_t first, last, orders, amount;
	int64_t *t;              /* the orders' times (orders of them) */
	size_t cap;
};

static struct cust *cust;
static size_t ncust, cap_cust;   /* slots of an open-addressing table, then a sorted array */

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
	int n = snprintf(sql, sizeof sql, "INSERT OR ROLLBACK INTO orders(order_id, customer_id, ordered_at, "
			 "amount, currency, status, channel) VALUES "), r;
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

/* "YYYY-MM-DD HH:MM:SS" as seconds since 1970 (days from the civil date). */
static int64_t unix_seconds(const char *s)
{
	int y, m, d, hh = 0, mm = 0, ss = 0;
	if (sscanf(s, "%d-%d-%d %d:%d:%d", &y, &m, &d, &hh, &mm, &ss) < 3)
		return 0;
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
	return days * 86400 + hh * 3600 + mm * 60 + ss;
}

static struct cust *cust_slot(struct cust *t, size_t cap, const char *id, const char *cur)
{
	uint64_t h = 1469598103934665603u;
	for (const char *p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	for (const char *p = cur; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1))
		if (!t[i].id[0] || (!strcmp(t[i].id, id) && !strcmp(t[i].currency, cur)))
			return &t[i];
}

/* Sum an order into its customer's figures (currency "" when it is not
 * counted: the customer exists all the same). */
static void cust_add(char **f)
{
	const char *cur = strcmp(f[5], "paid") && strcmp(f[5], "pending") ? "" : f[4];
	struct cust *c;
	if (!*f[1] || strlen(f[1]) >= sizeof c->id || strlen(cur) >= sizeof c->currency)
		return;
	if (2 * (ncust + 1) > cap_cust) {
		size_t cap = cap_cust ? 2 * cap_cust : 1 << 16;
		struct cust *t = calloc(cap, sizeof *t);
		if (!t)
			exit(1);
		for (size_t i = 0; i < cap_cust; i++)
			if (cust[i].id[0])
				*cust_slot(t, cap, cust[i].id, cust[i].currency) = cust[i];
		free(cust);
		cust = t;
		cap_cust = cap;
	}
	c = cust_slot(cust, cap_cust, f[1], cur);
	if (!c->id[0]) {
		strcpy(c->id, f[1]);
		strcpy(c->currency, cur);
		ncust++;
	}
	if (*cur) {
		int64_t t = unix_seconds(f[2]);
		if (!c->orders || t < c->first)
			c->first = t;
		if (!c->orders || t > c->last)
			c->last = t;
		if ((size_t)c->orders == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 4;
			if (!(c->t = realloc(c->t, c->cap * sizeof *c->t)))
				exit(1);
		}
		c->t[c->orders++] = t;
		c->amount += strtoll(f[3], NULL, 10);
	}
}

static int by_key(const void *a, const void *b)
{
	const struct cust *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : strcmp(x->currency, y->currency);
}

static int by_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The table's used slots, packed and sorted by customer and currency, each
 * one's times ascending. */
static void cust_sort(void)
{
	size_t n = 0;
	for (size_t i = 0; i < cap_cust; i++)
		if (cust[i].id[0]) {
			qsort(cust[i].t, (size_t)cust[i].orders, sizeof *cust[i].t, by_time);
			cust[n++] = cust[i];
		}
	qsort(cust, n, sizeof *cust, by_key);
}

static sqlite3_stmt *prepare_rows(sqlite3 *db, const char *head, const char *row, int rows,
				  const char *tail)
{
	char sql[BATCH * 20 + 128];
	sqlite3_stmt *st;
	int len = snprintf(sql, sizeof sql, "%s", head);
	for (int r = 0; r < rows; r++)
		len += snprintf(sql + len, sizeof sql - len, "%s%s", r ? "," : "", row);
	snprintf(sql + len, sizeof sql - len, "%s", tail);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die_db(db, "prepare");
	return st;
}

/* Insert the customers' rows that bind() takes, 64 to a statement:
 * bind(st, at, c, &skip) binds c's row at parameter `at` and returns how
 * many it bound, or sets skip (st NULL: only says whether it would).  The
 * seconds it took. */
static double insert_all(sqlite3 *db, const char *head, const char *row, const char *tail, size_t n,
			 int (*bind)(sqlite3_stmt *st, int at, const struct cust *c, int *skip))
{
	double t = now();
	sqlite3_stmt *full = prepare_rows(db, head, row, BATCH, tail), *st;
	size_t i = 0;
	while (i < n) {
		int rows = 0, at = 1, skip;
		size_t j;
		/* the rows this statement takes: up to BATCH bound ones */
		for (j = i; j < n && rows < BATCH; j++) {
			bind(NULL, 0, &cust[j], &skip);
			rows += !skip;
		}
		st = rows == BATCH ? full : rows ? prepare_rows(db, head, row, rows, tail) : NULL;
		for (; st && i < j; i++)
			at += bind(st, at, &cust[i], &skip);
		i = j;
		if (st && (sqlite3_step(st) != SQLITE_DONE || sqlite3_reset(st) != SQLITE_OK))
			die_db(db, head);
		if (st && st != full)
			sqlite3_finalize(st);
	}
	sqlite3_finalize(full);
	return now() - t;
}

/* A customer: once, at its first key (its currencies follow it). */
static int bind_customer(sqlite3_stmt *st, int at, const struct cust *c, int *skip)
{
	*skip = c > cust && !strcmp(c[-1].id, c->id);
	if (st && !*skip)
		sqlite3_bind_text(st, at, c->id, -1, SQLITE_STATIC);
	return !*skip;
}

/* The times ascending, five bytes each, least significant first (times.h). */
static void bind_times(sqlite3_stmt *st, int at, const struct cust *c)
{
	unsigned char *blob = malloc((size_t)c->orders * 5), *p = blob;
	if (!blob)
		exit(1);
	for (int64_t i = 0; i < c->orders; i++)
		for (int b = 0; b < 5; b++)
			*p++ = (unsigned char)((uint64_t)c->t[i] >> (8 * b));
	sqlite3_bind_blob64(st, at, blob, (sqlite3_uint64)c->orders * 5, free);
}

static int bind_figures(sqlite3_stmt *st, int at, const struct cust *c, int *skip)
{
	*skip = !c->orders;
	if (!st || *skip)
		return 0;
	sqlite3_bind_text(st, at, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, at + 1, c->currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, at + 2, c->first);
	sqlite3_bind_int64(st, at + 3, c->last);
	sqlite3_bind_int64(st, at + 4, c->orders);
	sqlite3_bind_int64(st, at + 5, c->amount);
	bind_times(st, at + 6, c);
	return 7;
}

/* The CREATE INDEX statements of the orders table's own indexes, dropped;
 * their number. */
static int drop_indexes(sqlite3 *db, char **create)
{
	sqlite3_stmt *st;
	char drop[MAX_INDEX][300];
	int n = 0;
	if (sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' "
			       "AND tbl_name = 'orders' AND sql IS NOT NULL", -1, &st, NULL) != SQLITE_OK)
		die_db(db, "read the indexes");
	while (sqlite3_step(st) == SQLITE_ROW && n < MAX_INDEX) {
		snprintf(drop[n], sizeof drop[n], "DROP INDEX \"%s\"", sqlite3_column_text(st, 0));
		create[n++] = strdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	/* not while the schema is being read: it is locked */
	for (int i = 0; i < n; i++)
		if (sqlite3_exec(db, drop[i], NULL, NULL, NULL) != SQLITE_OK)
			die_db(db, drop[i]);
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
	int figures_only = argc == 4 && !strcmp(argv[1], "-f");
	int customers = figures_only || (argc == 4 && !strcmp(argv[1], "-c"));
	char *create[MAX_INDEX];
	double spent, t;
	argv += after || customers;
	argc -= after || customers;
	if (argc != 3) {
		fprintf(stderr, "usage: sqlite-floor [-i | -c | -f] DB CSV\n");
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
		if (customers)
			cust_add(f[r]);
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
	spent += now() - t;
	if (customers) {
		cust_sort();
		if (!figures_only)
			spent += insert_all(db, "INSERT OR ROLLBACK INTO customers(customer_id) VALUES ", "(?)",
					    " ON CONFLICT(customer_id) DO NOTHING", ncust, bind_customer);
		spent += insert_all(db, "INSERT OR ROLLBACK INTO customer_stats VALUES ", "(?,?,?,?,?,?,?)", "", ncust,
				    bind_figures);
		for (size_t i = 0; i < ncust; i++)
			free(cust[i].t);
		free(cust);
	}
	t = now();
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
