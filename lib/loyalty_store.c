/*
 * loyalty_store.c - program versions and runs.  See loyalty_store.h.
 */
#include "i18n.h"
#include "loyalty_store.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* ---- program versions ---------------------------------------------------------- */

int crm_loyalty_versions_load(struct crm_db *db, struct crm_loyalty_versions *vs)
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT version, effective_at, text FROM "
					  "loyalty_programs ORDER BY effective_at, version");
	size_t cap = 0;
	char name[64], err[1024];
	int rc;

	vs->v = NULL;
	vs->n = 0;
	if (!st)
		return crm_db_last_status(db);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct crm_loyalty_version *v;
		const char *at = (const char *)sqlite3_column_text(st, 1);
		const char *text = (const char *)sqlite3_column_text(st, 2);
		if (vs->n == cap) {
			cap = cap ? 2 * cap : 4;
			vs->v = crm_xrealloc(vs->v, cap * sizeof *vs->v);
		}
		v = &vs->v[vs->n];
		v->version = sqlite3_column_int64(st, 0);
		snprintf(v->effective_at, sizeof v->effective_at, "%s", at ? at : "");
		snprintf(name, sizeof name, _("stored program version %lld"), (long long)v->version);
		if (crm_loyalty_program_parse_text(text ? text : "", name, &v->p, err,
						   sizeof err) != CRM_OK) {
			crm_error("%s", err);
			sqlite3_finalize(st);
			crm_loyalty_versions_free(vs);
			return CRM_EDATA;
		}
		vs->n++;
	}
	if (rc != SQLITE_DONE) {
		rc = crm_db_fail(db, N_("loyalty programs"));
		sqlite3_finalize(st);
		crm_loyalty_versions_free(vs);
		return rc;
	}
	sqlite3_finalize(st);
	return CRM_OK;
}

void crm_loyalty_versions_free(struct crm_loyalty_versions *vs)
{
	free(vs->v);
	vs->v = NULL;
	vs->n = 0;
}

/* How many versions took effect before `at` (inclusive: or at it). */
static size_t versions_upto(const struct crm_loyalty_versions *vs, const char *at, int inclusive)
{
	size_t lo = 0, hi = vs->n, mid;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(vs->v[mid].effective_at, at) < inclusive)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct crm_loyalty_version *crm_loyalty_version_at(const struct crm_loyalty_versions *vs,
							 const char *at)
{
	size_t k = versions_upto(vs, at, 1);
	return k ? &vs->v[k - 1] : NULL;
}

const struct crm_loyalty_version *crm_loyalty_version_before(const struct crm_loyalty_versions *vs,
							     const char *end)
{
	size_t k = versions_upto(vs, end, 0);
	return k ? &vs->v[k - 1] : NULL;
}

void crm_loyalty_no_program(const char *verb, const struct crm_loyalty_versions *vs)
{
	crm_error(_("%s: %s; store one with 'crm-loyalty program --program FILE'"), verb,
		  vs->n ? _("no program is in force yet") : _("no program is stored"));
}

const struct crm_loyalty_version *crm_loyalty_version_find(const struct crm_loyalty_versions *vs,
							   int64_t version)
{
	size_t i;
	for (i = 0; i < vs->n; i++)
		if (vs->v[i].version == version)
			return &vs->v[i];
	return NULL;
}

static int insert_version(struct crm_db *db, const struct crm_loyalty_program *p,
			  const char *effective_at, const char *now, int64_t *version)
{
	sqlite3_stmt *st = crm_db_prepare(db, "INSERT INTO loyalty_programs(version, effective_at, "
					  "loaded_at, text) VALUES ((SELECT coalesce(max(version), "
					  "0) + 1 FROM loyalty_programs), ?1, ?2, ?3)");
	char *text = crm_loyalty_program_format(p);
	int rc = CRM_OK;
	if (!st) {
		free(text);
		return crm_db_last_status(db);
	}
	crm_bind_static(st, 1, effective_at);
	crm_bind_static(st, 2, now);
	crm_bind_static(st, 3, text);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = crm_db_fail(db, N_("store the program"));
	else
		*version = sqlite3_last_insert_rowid(db->h);
	sqlite3_finalize(st);
	free(text);
	return rc;
}

/* Inside the transaction: store p unless it equals the latest version. */
static int store_new(struct crm_db *db, const struct crm_loyalty_program *p,
		     const char *effective_at, const char *now, int64_t *version)
{
	struct crm_loyalty_versions vs;
	const struct crm_loyalty_version *last;
	int rc = crm_loyalty_versions_load(db, &vs);
	if (rc != CRM_OK)
		return rc;
	last = vs.n ? &vs.v[vs.n - 1] : NULL;
	if (last && crm_loyalty_program_equal(&last->p, p)) {
		rc = CRM_OK;
	} else if (last && strcmp(effective_at, last->effective_at) < 0) {
		rc = crm_usage_error(_("program: a version effective at %s would come before version "
				     "%lld, in force from %s; the ledger does not go back"),
				     effective_at, (long long)last->version, last->effective_at);
	} else {
		rc = insert_version(db, p, effective_at, now, version);
	}
	crm_loyalty_versions_free(&vs);
	return rc;
}

int crm_loyalty_program_store(struct crm_db *db, const char *path, const char *effective_at,
			      const char *now, int64_t *version)
{
	static struct crm_loyalty_program p;
	char err[1024];
	int rc = crm_loyalty_program_load(path, &p, err, sizeof err);

	*version = 0;
	if (rc != CRM_OK) {
		crm_error("%s", err);
		return rc;
	}
	if ((rc = crm_db_begin_write(db)) != CRM_OK)
		return rc;
	if ((rc = store_new(db, &p, effective_at, now, version)) != CRM_OK ||
	    (rc = crm_db_commit(db)) != CRM_OK) {
		crm_db_rollback(db);
		*version = 0;
	}
	return rc;
}

int crm_loyalty_program_print(struct crm_db *db, const struct crm_tz *tz, const char *at, FILE *fp)
{
	struct crm_loyalty_versions vs;
	const struct crm_loyalty_version *v;
	char day[CRM_DATE_LEN], *text;
	int rc = crm_loyalty_versions_load(db, &vs);
	if (rc != CRM_OK)
		return rc;
	if (!(v = crm_loyalty_version_at(&vs, at))) {
		crm_loyalty_no_program("program", &vs);
		crm_loyalty_versions_free(&vs);
		return CRM_EDATA;
	}
	crm_day_date(crm_local_day(tz, crm_time_epoch(v->effective_at)), day);
	text = crm_loyalty_program_format(&v->p);
	fprintf(fp, "# version %lld, effective %s\n%s", (long long)v->version, day, text);
	free(text);
	crm_loyalty_versions_free(&vs);
	return CRM_OK;
}

/* ---- runs ------------------------------------------------------------------------ */

static int last_run(struct crm_db *db, char as_of[CRM_DATE_LEN], char verb[32])
{
	sqlite3_stmt *st = crm_db_prepare(db, "SELECT as_of, verb FROM loyalty_runs "
					  "ORDER BY as_of DESC, run_id DESC LIMIT 1");
	int rc;
	as_of[0] = verb[0] = '\0';
	if (!st)
		return crm_db_last_status(db);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(as_of, CRM_DATE_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(verb, 32, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? CRM_OK : crm_db_fail(db, N_("loyalty runs"));
	sqlite3_finalize(st);
	return rc;
}

int crm_loyalty_run_begin(struct crm_db *db, const char *verb, const char *as_of, const char *now,
			  int64_t *run_id)
{
	char last[CRM_DATE_LEN], last_verb[32];
	sqlite3_stmt *st;
	int rc = last_run(db, last, last_verb);
	if (rc != CRM_OK)
		return rc;
	if (strcmp(as_of, last) < 0) {
		crm_error(_("--as-of %s is before the last run's day %s (%s); the ledger does not go "
			  "back"), as_of, last, last_verb);
		return CRM_LOYALTY_EBEHIND;
	}
	st = crm_db_prepare(db, "INSERT INTO loyalty_runs(verb, as_of, at) VALUES (?1, ?2, ?3)");
	if (!st)
		return crm_db_last_status(db);
	crm_bind_static(st, 1, verb);
	crm_bind_static(st, 2, as_of);
	crm_bind_static(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = crm_db_fail(db, N_("record the run"));
	else
		*run_id = sqlite3_last_insert_rowid(db->h);
	sqlite3_finalize(st);
	return rc;
}

int crm_loyalty_program_in_force(struct crm_db *db, const char *verb, const char *end,
				 struct crm_loyalty_program *p, int64_t *version)
{
	struct crm_loyalty_versions vs;
	const struct crm_loyalty_version *v;
	int rc = crm_loyalty_versions_load(db, &vs);
	if (rc != CRM_OK)
		return rc;
	if ((v = crm_loyalty_version_before(&vs, end))) {
		*p = v->p;
		*version = v->version;
	} else {
		crm_loyalty_no_program(verb, &vs);
		rc = CRM_EDATA;
	}
	crm_loyalty_versions_free(&vs);
	return rc;
}
