/* stats.c - customer_stats upkeep; see stats.h. */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "norm.h"

/* A batch: an open-addressing table of customers, flushed half full. */
#define SLOTS (1u << 17)
#define MAX_FILL (SLOTS / 2)
#define ARENA (1u << 20)

struct entry {
	const char *id;          /* NULL: a free slot */
	char currency[4];
	char first[CRM_TIME_LEN], last[CRM_TIME_LEN];
	int64_t orders, amount;
};

struct crm_stats {
	struct crm_db *db;
	sqlite3_stmt *merge;
	struct entry *slot;
	struct entry **sorted;
	unsigned used;
	char *arena;
	size_t aused;
};

int crm_order_counts(const char *status)
{
	return !status || !strcmp(status, "paid") || !strcmp(status, "pending");
}

static const char dirty_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS stats_dirty(customer_id TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TEMP TRIGGER IF NOT EXISTS stats_dirty_update AFTER UPDATE OF customer_id, "
	"ordered_at, amount, currency, status ON orders BEGIN "
	"INSERT OR IGNORE INTO stats_dirty SELECT OLD.customer_id WHERE OLD.customer_id IS NOT NULL;"
	"INSERT OR IGNORE INTO stats_dirty SELECT NEW.customer_id WHERE NEW.customer_id IS NOT NULL;"
	"END;";

struct crm_stats *crm_stats_begin(struct crm_db *db)
{
	struct crm_stats *s = calloc(1, sizeof *s);
	if (!s || !(s->slot = calloc(SLOTS, sizeof *s->slot)) ||
	    !(s->sorted = malloc(MAX_FILL * sizeof *s->sorted)) || !(s->arena = malloc(ARENA)))
		abort();
	s->db = db;
	if (crm_db_exec(db, dirty_sql) != CRM_OK ||
	    !(s->merge = crm_db_prepare(db, "INSERT INTO customer_stats VALUES (?1,?2,?3,?4,?5,?6) "
					"ON CONFLICT DO UPDATE SET first_at=min(first_at,excluded.first_at), "
					"last_at=max(last_at,excluded.last_at), orders=orders+excluded.orders, "
					"monetary=monetary+excluded.monetary"))) {
		crm_stats_end(s);
		return NULL;
	}
	return s;
}

static int by_customer(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
	int c = strcmp(x->id, y->id);
	return c ? c : strcmp(x->currency, y->currency);
}

/* Write the batch in key order: neighbouring customers share B-tree pages. */
static int flush(struct crm_stats *s)
{
	unsigned i, n = 0;
	int rc = CRM_OK;
	for (i = 0; i < SLOTS; i++)
		if (s->slot[i].id)
			s->sorted[n++] = &s->slot[i];
	qsort(s->sorted, n, sizeof *s->sorted, by_customer);
	for (i = 0; i < n && rc == CRM_OK; i++) {
		struct entry *e = s->sorted[i];
		sqlite3_stmt *st = s->merge;
		crm_bind_static(st, 1, e->id);
		crm_bind_static(st, 2, e->currency);
		crm_bind_static(st, 3, e->first);
		crm_bind_static(st, 4, e->last);
		sqlite3_bind_int64(st, 5, e->orders);
		sqlite3_bind_int64(st, 6, e->amount);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = crm_db_fail(s->db, "update customer figures");
		sqlite3_reset(st);
	}
	memset(s->slot, 0, SLOTS * sizeof *s->slot);
	s->used = 0;
	s->aused = 0;
	return rc;
}

unsigned crm_customer_hash(const char *id, const char *currency)
{
	unsigned h = 2166136261u;
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	for (; *currency; currency++)
		h = (h ^ (unsigned char)*currency) * 16777619u;
	return h;
}

static struct entry *find(struct crm_stats *s, const char *id, const char *currency)
{
	unsigned i = crm_customer_hash(id, currency) & (SLOTS - 1);
	while (s->slot[i].id && (strcmp(s->slot[i].id, id) || strcmp(s->slot[i].currency, currency)))
		i = (i + 1) & (SLOTS - 1);
	return &s->slot[i];
}

int crm_stats_add(struct crm_stats *s, const char *customer, const char *currency,
		  const char *at, int64_t amount)
{
	size_t n = strlen(customer) + 1;
	struct entry *e = find(s, customer, currency);
	int rc;
	if (n > ARENA / 4) {
		crm_error("customer id of %zu bytes: too long", n);
		return CRM_EDATA;
	}
	if (!e->id) {
		if (s->used >= MAX_FILL || s->aused + n > ARENA) {
			if ((rc = flush(s)) != CRM_OK)
				return rc;
			e = find(s, customer, currency);
		}
		e->id = memcpy(s->arena + s->aused, customer, n);
		s->aused += n;
		s->used++;
		snprintf(e->currency, sizeof e->currency, "%s", currency);
		snprintf(e->first, sizeof e->first, "%s", at);
		snprintf(e->last, sizeof e->last, "%s", at);
	} else {
		if (strcmp(at, e->first) < 0)
			snprintf(e->first, sizeof e->first, "%s", at);
		if (strcmp(at, e->last) > 0)
			snprintf(e->last, sizeof e->last, "%s", at);
	}
	e->orders++;
	e->amount += amount;
	return CRM_OK;
}

/* Customers whose orders changed: their figures again, from their orders. */
static int recompute_dirty(struct crm_stats *s)
{
	int rc;
	sqlite3_stmt *st = crm_db_prepare(s->db, "SELECT EXISTS (SELECT 1 FROM temp.stats_dirty)");
	int any;
	if (!st)
		return crm_db_status(sqlite3_errcode(s->db->h));
	any = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (!any)
		return CRM_OK;
	if ((rc = crm_db_exec(s->db, "DELETE FROM customer_stats WHERE customer_id IN "
			      "(SELECT customer_id FROM temp.stats_dirty)")) != CRM_OK ||
	    (rc = crm_db_exec(s->db, "INSERT INTO customer_stats " CRM_STATS_SELECT(
			      "customer_id IN (SELECT customer_id FROM temp.stats_dirty)"))) != CRM_OK)
		return rc;
	return crm_db_exec(s->db, "DELETE FROM temp.stats_dirty");
}

int crm_stats_finish(struct crm_stats *s)
{
	int rc = flush(s);
	return rc != CRM_OK ? rc : recompute_dirty(s);
}

void crm_stats_end(struct crm_stats *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->merge);
	/* the trigger is the connection's; no later writer should feed it */
	sqlite3_exec(s->db->h, "DROP TRIGGER IF EXISTS temp.stats_dirty_update", NULL, NULL, NULL);
	free(s->slot);
	free(s->sorted);
	free(s->arena);
	free(s);
}
