/*
 * loyalty_earn.c - program versions, runs, earn and expire.  See
 * loyalty_earn.h.
 */
#include "i18n.h"
#include "loyalty_earn.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "entity.h"
#include "ledger.h"


/* ---- SQL functions over the program versions ------------------------------------- */

struct earn {
	struct crm_db *db;
	const struct crm_loyalty_day *d;
	struct crm_loyalty_versions vs;
	int64_t run_id, first_entry;    /* entries of this run: entry_id >= first_entry */
	struct crm_loyalty_earn_tally *t;
};

/* The version in force at argument 0 (an instant), or NULL after setting
 * the result NULL. */
static const struct crm_loyalty_version *fn_version(sqlite3_context *cx, sqlite3_value **argv)
{
	const struct earn *e = sqlite3_user_data(cx);
	const char *at = (const char *)sqlite3_value_text(argv[0]);
	const struct crm_loyalty_version *v = at ? crm_loyalty_version_at(&e->vs, at) : NULL;
	if (!v)
		sqlite3_result_null(cx);
	return v;
}

/* loyalty_version(AT): the version in force. */
static void sql_version(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct crm_loyalty_version *v = fn_version(cx, argv);
	(void)argc;
	if (v)
		sqlite3_result_int64(cx, v->version);
}

/* loyalty_currency(AT): its currency. */
static void sql_currency(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct crm_loyalty_version *v = fn_version(cx, argv);
	(void)argc;
	if (v)
		sqlite3_result_text(cx, v->p.currency, -1, SQLITE_TRANSIENT);
}

/* loyalty_may_earn(AT, AMOUNT): 1 when an order of AMOUNT at AT earns (or,
 * negative, takes back) points at some tier of the version in force, else
 * 0: the orders that earn nothing whatever the tier are passed over before
 * any lookup in the ledger. */
static void sql_may_earn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct crm_loyalty_version *v = fn_version(cx, argv);
	int64_t points = 0;
	int i, top = -1;
	(void)argc;
	if (!v)
		return;
	for (i = 0; i < v->p.ntiers; i++)
		if (v->p.tier[i].mult > (top < 0 ? CRM_LOYALTY_X1 : v->p.tier[top].mult))
			top = i;
	if (crm_loyalty_points(&v->p, top, sqlite3_value_int64(argv[1]), &points) < 0)
		points = 1;    /* too many: loyalty_points() says so */
	sqlite3_result_int(cx, points != 0);
}

/* loyalty_signup(AT): its signup bonus. */
static void sql_signup(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct crm_loyalty_version *v = fn_version(cx, argv);
	(void)argc;
	if (v)
		sqlite3_result_int64(cx, v->p.signup);
}

/* loyalty_points(AT, TIER, AMOUNT): what an order of AMOUNT at AT earns at TIER. */
static void sql_points(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct crm_loyalty_version *v = fn_version(cx, argv);
	const char *tier = (const char *)sqlite3_value_text(argv[1]);
	int64_t points;
	(void)argc;
	if (!v)
		return;
	if (crm_loyalty_points(&v->p, tier ? crm_loyalty_tier_find(&v->p, tier) : -1,
			       sqlite3_value_int64(argv[2]), &points) < 0)
		sqlite3_result_error(cx, _("the points of an order do not fit 64 bits"), -1);
	else
		sqlite3_result_int64(cx, points);
}

/* loyalty_release(AT) and loyalty_expiry(AT): the lot's available_at and
 * expires_at (NULL: never). */
static void sql_release(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct crm_loyalty_version *v = fn_version(cx, argv);
	const struct earn *e = sqlite3_user_data(cx);
	char out[CRM_TIME_LEN];
	const char *why = "";
	(void)argc;
	if (!v)
		return;
	if (crm_loyalty_release_at(&v->p, e->d->tz, (const char *)sqlite3_value_text(argv[0]), out,
				   &why) < 0)
		sqlite3_result_error(cx, why, -1);
	else
		sqlite3_result_text(cx, out, -1, SQLITE_TRANSIENT);
}

static void sql_expiry(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct crm_loyalty_version *v = fn_version(cx, argv);
	const struct earn *e = sqlite3_user_data(cx);
	char out[CRM_TIME_LEN];
	const char *why = "";
	int r;
	(void)argc;
	if (!v)
		return;
	r = crm_loyalty_expiry_at(&v->p, e->d->tz, (const char *)sqlite3_value_text(argv[0]), out,
				  &why);
	if (r < 0)
		sqlite3_result_error(cx, why, -1);
	else if (r == 0)
		sqlite3_result_null(cx);
	else
		sqlite3_result_text(cx, out, -1, SQLITE_TRANSIENT);
}

static const struct {
	const char *name;
	int nargs;
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
} functions[] = {
	{"loyalty_version", 1, sql_version},
	{"loyalty_currency", 1, sql_currency},
	{"loyalty_may_earn", 2, sql_may_earn},
	{"loyalty_signup", 1, sql_signup},
	{"loyalty_points", 3, sql_points},
	{"loyalty_release", 1, sql_release},
	{"loyalty_expiry", 1, sql_expiry},
};

/* Register the functions on e's connection (e NULL: remove them). */
static int register_functions(struct crm_db *db, struct earn *e)
{
	size_t i;
	for (i = 0; i < sizeof functions / sizeof functions[0]; i++)
		if (sqlite3_create_function_v2(db->h, functions[i].name, functions[i].nargs,
					       SQLITE_UTF8 | SQLITE_DETERMINISTIC, e,
					       e ? functions[i].fn : NULL, NULL, NULL,
					       NULL) != SQLITE_OK)
			return crm_db_fail(db, N_("register the loyalty functions"));
	return CRM_OK;
}

/* ---- writing entries --------------------------------------------------------------- */

/* One ledger row; NULL or 0 where the column is NULL (lot, program, run). */
struct entry {
	const char *customer_id, *kind;
	int64_t points, lot;
	const char *at, *order_id, *reason;
	int64_t program;
	const char *tier;
	int has_basis;
	int64_t basis;
	const char *available_at, *expires_at;
	int64_t shortfall, run_id;
};

static void bind_id(sqlite3_stmt *st, int i, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int write_entry(struct crm_db *db, const struct entry *x)
{
	sqlite3_stmt *st = crm_db_prepare(db, "INSERT INTO loyalty_entries(customer_id, kind, "
					  "points, lot, at, order_id, reason, program, tier, basis, "
					  "available_at, expires_at, shortfall, run_id) VALUES (?1, "
					  "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
	int rc = CRM_OK;
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, x->customer_id);
	crm_bind_static(st, 2, x->kind);
	sqlite3_bind_int64(st, 3, x->points);
	bind_id(st, 4, x->lot);
	crm_bind_static(st, 5, x->at);
	crm_bind_static(st, 6, x->order_id);
	crm_bind_static(st, 7, x->reason);
	bind_id(st, 8, x->program);
	crm_bind_static(st, 9, x->tier);
	if (x->has_basis)
		sqlite3_bind_int64(st, 10, x->basis);
	crm_bind_static(st, 11, x->available_at);
	crm_bind_static(st, 12, x->expires_at);
	sqlite3_bind_int64(st, 13, x->shortfall);
	bind_id(st, 14, x->run_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = crm_db_fail(db, N_("write a loyalty entry"));
	sqlite3_finalize(st);
	return rc;
}

/* One integer from a statement with one int64 parameter (0: none). */
static int one_int(struct crm_db *db, const char *sql, int64_t arg, const char *arg2,
		   long long *out)
{
	sqlite3_stmt *st = crm_db_prepare(db, sql);
	if (!st)
		return crm_db_last_status(db);
	sqlite3_bind_int64(st, 1, arg);
	if (arg2)
		crm_bind_static(st, 2, arg2);
	return crm_db_one_int(db, st, sql, out);
}

/* Run a statement binding ?1 = e's first effective_at or entry, ?2 = D1,
 * ?3 = run; *changes: the rows it wrote. */
static int run_sql(struct earn *e, const char *sql, const char *p1, long long *changes)
{
	sqlite3_stmt *st = crm_db_prepare(e->db, sql);
	int rc = CRM_OK;
	if (!st)
		return crm_db_last_status(e->db);
	if (p1)
		crm_bind_static(st, 1, p1);
	else
		sqlite3_bind_int64(st, 1, e->first_entry);
	crm_bind_static(st, 2, e->d->d1);
	sqlite3_bind_int64(st, 3, e->run_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = crm_db_fail(e->db, N_("loyalty earn"));
	else if (changes)
		*changes = sqlite3_changes(e->db->h);
	sqlite3_finalize(st);
	return rc;
}

/* ---- earn: new orders ----------------------------------------------------------------- */

/* The tier held by the customer of orders `o` at its ordered_at. */
#define TIER_AT \
	"(SELECT m.to_tier FROM loyalty_tier_moves m WHERE m.customer_id = o.customer_id " \
	"AND m.effective_at <= o.ordered_at ORDER BY m.effective_at DESC, m.move_id DESC LIMIT 1)"

/* Orders `o` of the ledger's reach, not yet in it: ?1 the first version's
 * effective_at, ?2 D1. */
#define NEW_ORDERS \
	"o.ordered_at >= ?1 AND o.ordered_at < ?2 AND o.status = 'paid' " \
	"AND o.customer_id IS NOT NULL AND o.currency = loyalty_currency(o.ordered_at) "
#define NOT_IN_LEDGER \
	"NOT EXISTS (SELECT 1 FROM loyalty_entries x WHERE x.order_id = o.order_id " \
	"AND (x.kind = 'earn' OR x.kind = 'reverse'))"

static const char earn_sql[] =
	"INSERT INTO loyalty_entries(customer_id, kind, points, at, order_id, program, tier, "
	"basis, available_at, expires_at, run_id) "
	"SELECT customer_id, 'earn', pts, ordered_at, order_id, loyalty_version(ordered_at), "
	"tier, amount, loyalty_release(ordered_at), loyalty_expiry(ordered_at), ?3 FROM "
	"(SELECT order_id, customer_id, ordered_at, amount, tier, "
	"loyalty_points(ordered_at, tier, amount) AS pts FROM "
	"(SELECT o.order_id, o.customer_id, o.ordered_at, o.amount, " TIER_AT " AS tier "
	"FROM orders o WHERE " NEW_ORDERS "AND o.amount > 0 "
	"AND loyalty_may_earn(o.ordered_at, o.amount) AND " NOT_IN_LEDGER
	" ORDER BY o.ordered_at)) WHERE pts > 0";

static int earn_new(struct earn *e)
{
	return run_sql(e, earn_sql, e->vs.v[0].effective_at, NULL);
}

/* ---- earn: taking points back ------------------------------------------------------- */

struct lot {
	int64_t id, points;
	char expires_at[CRM_TIME_LEN];   /* "" never */
};

/* What a reversal takes back, and from whom. */
struct takeback {
	const char *customer_id, *order_id, *reason;
	int64_t points;                  /* > 0 */
	int64_t basis;                   /* the order's basis after it */
	const struct lot *own;           /* the order's own lots, first */
	size_t nown;                     /* 0: a return, whose basis no later run reads */
};

static int lot_remainder(struct crm_db *db, int64_t lot, long long *rem)
{
	return one_int(db, "SELECT points + coalesce((SELECT sum(d.points) FROM loyalty_entries d "
		       "WHERE d.lot = ?1 AND d.kind <> 'release'), 0) FROM loyalty_entries "
		       "WHERE entry_id = ?1", lot, NULL, rem);
}

/* From the order's own lots (pending or not, unless expired at the stamp). */
static int take_own(struct earn *e, const struct takeback *b, int64_t *taken, int *based)
{
	struct entry x = {b->customer_id, "reverse", 0, 0, e->d->stamp, b->order_id, b->reason, 0,
		NULL, 1, b->basis, NULL, NULL, 0, e->run_id};
	long long rem;
	size_t i;
	int rc;
	for (i = 0; i < b->nown && *taken < b->points; i++) {
		if (b->own[i].expires_at[0] && strcmp(b->own[i].expires_at, e->d->stamp) <= 0)
			continue;
		if ((rc = lot_remainder(e->db, b->own[i].id, &rem)) != CRM_OK)
			return rc;
		if (rem <= 0)
			continue;
		x.lot = b->own[i].id;
		x.points = -(rem < b->points - *taken ? rem : b->points - *taken);
		if ((rc = write_entry(e->db, &x)) != CRM_OK)
			return rc;
		*taken -= x.points;
		*based = 1;
	}
	return CRM_OK;
}

static int take_back(struct earn *e, const struct takeback *b)
{
	struct crm_ledger_debit d = {b->customer_id, "reverse", e->d->stamp, b->order_id, b->reason,
		e->run_id};
	struct entry x = {b->customer_id, "reverse", 0, 0, e->d->stamp, b->order_id, b->reason, 0,
		NULL, 1, b->basis, NULL, NULL, 0, e->run_id};
	int64_t own = 0, drawn = 0;
	int based = 0, rc;
	if ((rc = take_own(e, b, &own, &based)) != CRM_OK)
		return rc;
	if (own < b->points &&
	    (rc = crm_ledger_draw(e->db, &d, b->points - own, &drawn)) != CRM_OK)
		return rc;
	x.shortfall = b->points - own - drawn;
	if ((x.shortfall > 0 || (!based && b->nown)) && (rc = write_entry(e->db, &x)) != CRM_OK)
		return rc;
	e->t->reversed++;
	e->t->reversed_points += own + drawn;
	e->t->short_points += x.shortfall;
	return CRM_OK;
}

/* ---- earn: orders that changed ------------------------------------------------------ */

/* What the ledger knows of an order: its first earn's program and tier,
 * its customer, its latest basis and its own lots. */
struct known {
	int64_t program, basis;
	char customer_id[CRM_KEY_MAX + 1], tier[CRM_LOYALTY_NAME_MAX + 1];
	int has_tier;
	struct lot *lots;
	size_t nlots, cap;
};

static void known_row(struct known *k, sqlite3_stmt *st)
{
	const char *kind = (const char *)sqlite3_column_text(st, 1);
	const char *s;
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		k->basis = sqlite3_column_int64(st, 3);
	if (strcmp(kind, "earn"))
		return;
	if (k->nlots == 0) {
		k->program = sqlite3_column_int64(st, 4);
		s = (const char *)sqlite3_column_text(st, 6);
		snprintf(k->customer_id, sizeof k->customer_id, "%s", s ? s : "");
		s = (const char *)sqlite3_column_text(st, 5);
		k->has_tier = s != NULL;
		snprintf(k->tier, sizeof k->tier, "%s", s ? s : "");
	}
	if (k->nlots == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 4;
		k->lots = crm_xrealloc(k->lots, k->cap * sizeof *k->lots);
	}
	k->lots[k->nlots].id = sqlite3_column_int64(st, 0);
	k->lots[k->nlots].points = sqlite3_column_int64(st, 2);
	s = (const char *)sqlite3_column_text(st, 7);
	snprintf(k->lots[k->nlots].expires_at, CRM_TIME_LEN, "%s", s ? s : "");
	k->nlots++;
}

static int load_known(struct crm_db *db, const char *order_id, struct known *k)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT entry_id, kind, points, basis, program, "
					  "tier, customer_id, expires_at FROM loyalty_entries WHERE "
					  "order_id = ?1 AND (kind = 'earn' OR kind = 'reverse') "
					  "ORDER BY entry_id");
	int rc;
	memset(k, 0, sizeof *k);
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, order_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		known_row(k, st);
	rc = rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("loyalty entries of an order"));
	sqlite3_finalize(st);
	return rc;
}

/* The order as it is now: the amount its points should rest on (0 unless
 * paid in the program's currency), its ordered_at and its status. */
struct now_order {
	int64_t target;
	char ordered_at[CRM_TIME_LEN], status[16];
};

static int load_order(struct crm_db *db, const char *order_id, const char *currency,
		      struct now_order *o)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT status, amount, currency, ordered_at FROM "
					  "orders WHERE order_id = ?1");
	int rc;
	memset(o, 0, sizeof *o);
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, order_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cur = (const char *)sqlite3_column_text(st, 2);
		snprintf(o->status, sizeof o->status, "%s", sqlite3_column_text(st, 0));
		snprintf(o->ordered_at, sizeof o->ordered_at, "%s", sqlite3_column_text(st, 3));
		if (!strcmp(o->status, "paid") && cur && !strcmp(cur, currency))
			o->target = sqlite3_column_int64(st, 1);
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("orders"));
	sqlite3_finalize(st);
	return rc;
}

/* An order's amount went up: the difference as a new lot. */
static int earn_more(struct earn *e, const struct crm_loyalty_version *v, const struct known *k,
		     const char *order_id, const struct now_order *o, int64_t delta)
{
	char avail[CRM_TIME_LEN], exp[CRM_TIME_LEN];
	const char *why = "";
	struct entry x = {k->customer_id, "earn", delta, 0, o->ordered_at, order_id, "amount",
		v->version, k->has_tier ? k->tier : NULL, 1, o->target, avail, NULL, 0, e->run_id};
	int r;
	if (crm_loyalty_release_at(&v->p, e->d->tz, o->ordered_at, avail, &why) < 0 ||
	    (r = crm_loyalty_expiry_at(&v->p, e->d->tz, o->ordered_at, exp, &why)) < 0) {
		crm_error(_("order '%s': %s"), order_id, why);
		return CRM_EDATA;
	}
	x.expires_at = r ? exp : NULL;
	e->t->orders++;
	e->t->points += delta;
	return write_entry(e->db, &x);
}

static int change_one(struct earn *e, const char *order_id, const struct known *k)
{
	const struct crm_loyalty_version *v = crm_loyalty_version_find(&e->vs, k->program);
	struct now_order o;
	int64_t delta;
	int rc;
	if (!v || k->nlots == 0)
		return CRM_OK;    /* a version gone: nothing to compute with */
	if ((rc = load_order(e->db, order_id, v->p.currency, &o)) != CRM_OK || o.target == k->basis)
		return rc;
	if (crm_loyalty_points_change(&v->p, k->has_tier ? crm_loyalty_tier_find(&v->p, k->tier) : -1,
				      k->basis, o.target, &delta) < 0) {
		crm_error(_("order '%s': its points do not fit 64 bits"), order_id);
		return CRM_EDATA;
	}
	if (delta > 0)
		return earn_more(e, v, k, order_id, &o, delta);
	if (delta < 0) {
		struct takeback b = {k->customer_id, order_id,
			!strcmp(o.status, "cancelled") ? "cancelled" :
			!strcmp(o.status, "refunded") ? "refunded" : "amount",
			-delta, o.target, k->lots, k->nlots};
		return take_back(e, &b);
	}
	return CRM_OK;
}

/* The orders that may have changed: an earn whose basis is not what the
 * order is now, and every order that changed before (its basis may have
 * moved since its first earn). */
static const char changed_sql[] =
	"SELECT e.order_id FROM loyalty_entries e JOIN orders o ON o.order_id = e.order_id "
	"WHERE e.kind = 'earn' AND e.reason IS NULL AND e.basis IS NOT "
	"(CASE WHEN o.status = 'paid' AND o.currency = loyalty_currency(e.at) THEN o.amount "
	"ELSE 0 END) "
	"UNION SELECT order_id FROM loyalty_entries WHERE order_id IS NOT NULL AND "
	"((kind = 'reverse' AND reason <> 'return') OR (kind = 'earn' AND reason = 'amount'))";

/* A list of strings, each crm_xstrdup'd. */
struct strings {
	char **s;
	size_t n, cap;
};

static void strings_free(struct strings *l)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
}

static int collect(struct crm_db *db, sqlite3_stmt *st, struct strings *l)
{
	int rc;
	memset(l, 0, sizeof *l);
	if (!st)
		return crm_db_last_status(db);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 16;
			l->s = crm_xrealloc(l->s, l->cap * sizeof *l->s);
		}
		l->s[l->n++] = crm_xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	rc = rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("loyalty orders"));
	sqlite3_finalize(st);
	return rc;
}

static int earn_changes(struct earn *e)
{
	struct strings l;
	struct known k;
	size_t i;
	int rc = collect(e->db, crm_db_prepare(e->db, changed_sql), &l);
	for (i = 0; rc == CRM_OK && i < l.n; i++) {
		if ((rc = load_known(e->db, l.s[i], &k)) == CRM_OK)
			rc = change_one(e, l.s[i], &k);
		free(k.lots);
	}
	strings_free(&l);
	return rc;
}

/* ---- earn: returns ------------------------------------------------------------------ */

static const char returns_sql[] =
	"SELECT o.order_id FROM orders o WHERE " NEW_ORDERS "AND o.amount < 0 "
	"AND loyalty_may_earn(o.ordered_at, o.amount) AND " NOT_IN_LEDGER
	" ORDER BY o.ordered_at, o.order_id";

static const char return_sql[] =
	"SELECT o.customer_id, loyalty_points(o.ordered_at, " TIER_AT ", o.amount), o.amount "
	"FROM orders o WHERE o.order_id = ?1";

static int return_one(struct earn *e, const char *order_id)
{
	sqlite3_stmt *st = crm_db_prepare(e->db, return_sql);
	char customer[CRM_KEY_MAX + 1];
	int64_t points, amount;
	int rc;
	if (!st)
		return crm_db_last_status(e->db);
	crm_bind_static(st, 1, order_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		rc = crm_db_fail(e->db, N_("a returned order"));
		sqlite3_finalize(st);
		return rc;
	}
	snprintf(customer, sizeof customer, "%s", sqlite3_column_text(st, 0));
	points = sqlite3_column_int64(st, 1);
	amount = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	if (points < 0) {
		struct takeback b = {customer, order_id, "return", -points, amount, NULL, 0};
		return take_back(e, &b);
	}
	return CRM_OK;
}

static int earn_returns(struct earn *e)
{
	struct strings l;
	size_t i;
	sqlite3_stmt *st = crm_db_prepare(e->db, returns_sql);
	int rc;
	if (st) {
		crm_bind_static(st, 1, e->vs.v[0].effective_at);
		crm_bind_static(st, 2, e->d->d1);
	}
	rc = collect(e->db, st, &l);
	for (i = 0; rc == CRM_OK && i < l.n; i++)
		rc = return_one(e, l.s[i]);
	strings_free(&l);
	return rc;
}

/* ---- earn: releases and the signup bonus ------------------------------------------- */

/* Releases of the lots that were pending and are usable before D1 (?2):
 * this run's own (entry_id >= ?1), and older ones not released yet, which
 * a run whose day was ?4 or later has not released (every run releases
 * what is usable before its D1, which is after ?4). */
static const char release_sql[] =
	"INSERT INTO loyalty_entries(customer_id, kind, points, lot, at, run_id) "
	"SELECT c.customer_id, 'release', c.points, c.entry_id, c.available_at, ?3 "
	"FROM loyalty_entries c WHERE c.kind = 'earn' AND c.available_at > c.at "
	"AND c.available_at < ?2 AND (c.entry_id >= ?1 OR (c.available_at >= ?4 AND "
	"NOT EXISTS (SELECT 1 FROM loyalty_entries r WHERE r.lot = c.entry_id AND "
	"r.kind = 'release'))) ORDER BY c.entry_id";

/* The day before the last earn's, as a time from which older lots may
 * still wait for their release ("" when no earn ran before this one). */
static int release_floor(struct earn *e, char out[CRM_TIME_LEN])
{
	sqlite3_stmt *st = crm_db_prepare(e->db, "SELECT max(as_of) FROM loyalty_runs WHERE "
					  "verb = 'earn' AND run_id < ?1");
	const char *s;
	int64_t day;
	int rc;
	out[0] = '\0';
	if (!st)
		return crm_db_last_status(e->db);
	sqlite3_bind_int64(st, 1, e->run_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && (s = (const char *)sqlite3_column_text(st, 0)) &&
	    crm_date_day(s, &day) == 0 && crm_day_date(day - 1, out) == 0)
		out[CRM_DATE_LEN - 1] = '\0';
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? CRM_OK : crm_db_fail(e->db, N_("loyalty runs"));
	sqlite3_finalize(st);
	return rc;
}

static int earn_releases(struct earn *e)
{
	char floor[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc = release_floor(e, floor);
	if (rc != CRM_OK)
		return rc;
	if (!(st = crm_db_prepare(e->db, release_sql)))
		return crm_db_last_status(e->db);
	sqlite3_bind_int64(st, 1, e->first_entry);
	crm_bind_static(st, 2, e->d->d1);
	sqlite3_bind_int64(st, 3, e->run_id);
	crm_bind_static(st, 4, floor[0] ? floor : "");
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = crm_db_fail(e->db, N_("loyalty releases"));
	else
		e->t->released = sqlite3_changes(e->db->h);
	sqlite3_finalize(st);
	return rc;
}

/* Customers whose first earn is in this run (entry_id >= ?1) get the
 * signup bonus at that earn's time, from the version then in force. */
static const char signup_sql[] =
	"INSERT INTO loyalty_entries(customer_id, kind, points, at, reason, program, "
	"available_at, expires_at, run_id) "
	"SELECT customer_id, 'bonus', loyalty_signup(first), first, 'signup', "
	"loyalty_version(first), first, loyalty_expiry(first), ?3 FROM "
	"(SELECT customer_id, min(at) AS first FROM loyalty_entries WHERE entry_id >= ?1 "
	"AND kind = 'earn' GROUP BY customer_id) b "
	"WHERE loyalty_signup(first) > 0 AND NOT EXISTS (SELECT 1 FROM loyalty_entries x "
	"WHERE x.customer_id = b.customer_id AND ((x.kind = 'earn' AND x.entry_id < ?1) OR "
	"(x.kind = 'bonus' AND x.reason = 'signup')))";

static int earn_tally(struct earn *e)
{
	static const char *const sql[] = {
		"SELECT count(*) FROM loyalty_entries WHERE entry_id >= ?1 AND kind = 'earn' "
		"AND reason IS NULL",
		"SELECT coalesce(sum(points), 0) FROM loyalty_entries WHERE entry_id >= ?1 AND "
		"kind = 'earn' AND reason IS NULL",
	};
	long long n[2];
	int rc, i;
	for (i = 0; i < 2; i++)
		if ((rc = one_int(e->db, sql[i], e->first_entry, NULL, &n[i])) != CRM_OK)
			return rc;
	e->t->orders += n[0];
	e->t->points += n[1];
	return CRM_OK;
}

static int earn_all(struct earn *e)
{
	long long next;
	int rc;
	if ((rc = one_int(e->db, "SELECT coalesce(max(entry_id), 0) + ?1 FROM loyalty_entries", 1,
			  NULL, &next)) != CRM_OK)
		return rc;
	e->first_entry = next;
	if ((rc = earn_new(e)) != CRM_OK || (rc = earn_tally(e)) != CRM_OK ||
	    (rc = earn_changes(e)) != CRM_OK || (rc = earn_returns(e)) != CRM_OK ||
	    (rc = run_sql(e, signup_sql, NULL, &next)) != CRM_OK)
		return rc;
	e->t->bonuses = next;
	return earn_releases(e);
}

/* Begin the run: the write lock, the guard, the programs and the functions. */
static int begin_run(struct earn *e, const char *verb)
{
	int rc;
	/* a run writes an entry per order into four indexes: with SQLite's
	 * 2 MB default cache their pages are read and written again and again
	 * (1M orders: 33 s, 15 s of it the kernel's; 14 s with 64 MB, a cap
	 * the peak memory stays under at any size) */
	if ((rc = crm_db_exec(e->db, "PRAGMA cache_size=-65536")) != CRM_OK ||
	    (rc = crm_db_begin_write(e->db)) != CRM_OK)
		return rc;
	if ((rc = crm_loyalty_run_begin(e->db, verb, e->d->as_of, e->d->now, &e->run_id)) != CRM_OK ||
	    (rc = crm_loyalty_versions_load(e->db, &e->vs)) != CRM_OK)
		return rc;
	if (e->vs.n == 0) {
		crm_loyalty_no_program(verb, &e->vs);
		return CRM_EDATA;
	}
	return register_functions(e->db, e);
}

static int end_run(struct earn *e, int rc)
{
	if (rc == CRM_OK)
		rc = crm_db_commit(e->db);
	if (rc != CRM_OK)
		crm_db_rollback(e->db);
	register_functions(e->db, NULL);
	crm_loyalty_versions_free(&e->vs);
	return rc;
}

int crm_loyalty_earn(struct crm_db *db, const struct crm_loyalty_day *d,
		     struct crm_loyalty_earn_tally *t)
{
	struct earn e;
	int rc;
	memset(&e, 0, sizeof e);
	memset(t, 0, sizeof *t);
	e.db = db;
	e.d = d;
	e.t = t;
	if ((rc = begin_run(&e, "earn")) == CRM_OK)
		rc = earn_all(&e);
	rc = end_run(&e, rc);
	if (rc != CRM_OK)
		memset(t, 0, sizeof *t);
	return rc;
}

/* ---- expire ------------------------------------------------------------------------- */

static const char expire_sql[] =
	"INSERT INTO loyalty_entries(customer_id, kind, points, lot, at, run_id) "
	"SELECT customer_id, 'expire', -rem, entry_id, expires_at, ?3 FROM "
	"(SELECT c.customer_id, c.entry_id, c.expires_at, " CRM_LEDGER_LOT_LEFT("c", "1") " AS rem "
	"FROM loyalty_entries c WHERE " CRM_LEDGER_IS_LOT("c") " AND c.expires_at < ?2) "
	"WHERE rem > 0 ORDER BY expires_at, entry_id";

int crm_loyalty_expire(struct crm_db *db, const struct crm_loyalty_day *d, long long *lots,
		       long long *points)
{
	struct earn e;
	long long first = 0;
	int rc;
	memset(&e, 0, sizeof e);
	e.db = db;
	e.d = d;
	*lots = *points = 0;
	if ((rc = crm_db_begin_write(db)) != CRM_OK)
		return rc;
	rc = crm_loyalty_run_begin(db, "expire", d->as_of, d->now, &e.run_id);
	if (rc == CRM_OK &&
	    (rc = one_int(db, "SELECT coalesce(max(entry_id), 0) + ?1 FROM loyalty_entries", 1, NULL,
			  &first)) == CRM_OK && (e.first_entry = first) > 0 &&
	    (rc = run_sql(&e, expire_sql, NULL, lots)) == CRM_OK)
		rc = one_int(db, "SELECT coalesce(-sum(points), 0) FROM loyalty_entries WHERE "
			     "entry_id >= ?1", e.first_entry, NULL, points);
	if (rc == CRM_OK)
		rc = crm_db_commit(db);
	if (rc != CRM_OK) {
		crm_db_rollback(db);
		*lots = *points = 0;
	}
	return rc;
}
